//! A blocked connection: registering its waiter, waiting for the outcome, and cleaning up.
//!
//! While blocked, a connection still reads its socket (Redis keeps reading a blocked client
//! too): bytes are buffered for after the unblock, and end-of-file or an error means the
//! client is gone, which finishes the waiter as `GONE` so that no write can serve it any
//! more. CLIENT KILL shuts the socket down, which lands here the same way.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use resp::ReplyBuf;
use tokio::io::AsyncReadExt;

use super::{state, Op, Waiter, UNBLOCKED_ERR};
use crate::cmd::{CmdError, Ctx};
use crate::conn::client::{cflags, Client, ReplyMode};
use crate::server::Server;
use crate::stats::WorkerStats;
use crate::util::time::now_ms;

/// What a blocked connection holds while it waits.
pub struct Blocked {
    pub waiter: Arc<Waiter>,
    /// Absolute deadline in Unix ms; None blocks forever.
    pub deadline: Option<i64>,
    /// The reply is to be dropped (CLIENT REPLY OFF, or SKIP before the blocking command).
    pub silent: bool,
}

/// Blocks the running command's client on `keys` (which must all be in shards the command
/// holds): registers the waiter and marks the client. The command writes no reply; the
/// connection waits for one.
pub fn block(
    ctx: &mut Ctx<'_>,
    keys: &[&[u8]],
    op: Op,
    deadline: Option<i64>,
) -> Result<(), CmdError> {
    let mut uniq: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
    for k in keys {
        if !uniq.iter().any(|u| u == k) {
            uniq.push(k.to_vec());
        }
    }
    let db = ctx.db.index;
    let w = Waiter::new(ctx.client.id, db, uniq, op, ctx.client.resp3, deadline.is_some());
    let counters = &ctx.srv.blocking;
    for k in &w.keys {
        ctx.db.shard_in(db, k)?.waiters.add(k, w.clone(), counters);
    }
    counters.blocked_clients.fetch_add(1, Relaxed);
    if deadline.is_some() {
        counters.in_timeout_table.fetch_add(1, Relaxed);
    }
    *ctx.client.info.blocked.lock() = Some(w.clone());
    ctx.client.info.set_flag(cflags::BLOCKED, true);
    let silent = ctx.client.reply_mode == ReplyMode::Off || ctx.client.skip_this;
    ctx.client.blocked = Some(Blocked { waiter: w, deadline, silent });
    Ok(())
}

/// Waits until the blocked client is served, times out, is unblocked or disconnects. Writes
/// its reply into `out` and returns true, or returns false if the connection is gone (or must
/// close: killed, query buffer over the limit).
pub async fn wait(
    srv: &Server,
    client: &mut Client,
    stream: &mut tokio::net::tcp::OwnedReadHalf,
    rbuf: &mut BytesMut,
    out: &mut ReplyBuf,
    stats: &WorkerStats,
) -> bool {
    let Some(b) = client.blocked.take() else { return true };
    let w = b.waiter;
    let sleep = tokio::time::sleep(match b.deadline {
        Some(at) => Duration::from_millis((at - now_ms()).max(0) as u64),
        None => Duration::from_secs(86_400 * 365),
    });
    tokio::pin!(sleep);
    let mut timer_on = b.deadline.is_some();
    let mut alive = true;
    loop {
        tokio::select! {
            _ = w.wake.notified() => break,
            _ = &mut sleep, if timer_on => {
                timer_on = false;
                if w.finish(state::TIMED_OUT, &srv.blocking) {
                    break;
                }
                // Claimed by a writer a moment ago: its reply is on the way.
            }
            r = stream.read_buf(rbuf), if alive => {
                let n = match r {
                    Ok(0) | Err(_) => 0,
                    Ok(n) => n,
                };
                stats.net_in(n as u64);
                client.info.set_qbuf(rbuf.len(), rbuf.capacity());
                let over = rbuf.len() > srv.config.settings().client_query_buffer_limit;
                if n == 0 || over || client.info.is_killed() {
                    alive = false;
                    if w.finish(state::GONE, &srv.blocking) {
                        break;
                    }
                }
                if rbuf.capacity() - rbuf.len() < 4096 {
                    rbuf.reserve(rbuf.len().max(16 * 1024));
                }
            }
        }
    }
    unregister(srv, client, &w);
    if b.silent {
        return alive;
    }
    match w.state() {
        state::SERVED => {
            if let Some(reply) = w.take_reply() {
                out.raw(&reply);
            }
        }
        state::TIMED_OUT => out.null_array(),
        state::UNBLOCKED_ERROR => out.error(UNBLOCKED_ERR),
        _ => {}
    }
    alive
}

/// Removes a finished waiter from every key it waited on and clears the client's marks.
fn unregister(srv: &Server, client: &mut Client, w: &Arc<Waiter>) {
    let ks = &srv.keyspace;
    for k in &w.keys {
        let mut shard = ks.dbs[w.db].shards[ks.shard_of(k)].0.lock();
        shard.waiters.remove(k, w, &srv.blocking);
    }
    *client.info.blocked.lock() = None;
    client.info.set_flag(cflags::BLOCKED, false);
}
