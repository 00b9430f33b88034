//! One client connection: read → parse → dispatch → write, with pipelining.
//!
//! 1. Read whatever the socket has into the connection's buffer (growing it geometrically,
//!    never by a client-declared length).
//! 2. Parse every complete request in the buffer and dispatch each in order; replies
//!    accumulate in one [`ReplyBuf`].
//! 3. Hand the batch's replies to the connection's [`outbox::Outbox`], which writes them at
//!    the end of the worker's round together with every other connection's, then read again.
//!
//! A protocol error writes Redis's error and closes the connection after the reply, as Redis
//! does. A query buffer past `client-query-buffer-limit` closes the connection. A panic in a
//! command is caught here: the client gets an error and is disconnected, and the server keeps
//! serving everyone else (DESIGN.md §7).

pub mod client;
pub mod outbox;

use std::rc::Rc;
use std::sync::Arc;

use bytes::{Buf, BytesMut};
use resp::parse::{Limits, Parsed, RequestParser};
use resp::ReplyBuf;
use tokio::io::AsyncReadExt;

use crate::cmd::dispatch;
use crate::server::Server;
use crate::stats::WorkerStats;
use client::Client;
use outbox::{Outbox, Round};

const READ_CHUNK: usize = 16 * 1024;

/// Serves one accepted connection until it closes; `round` is the worker's (see [`outbox`]).
pub async fn serve(
    srv: Arc<Server>,
    sock: std::net::TcpStream,
    stats: Arc<WorkerStats>,
    round: Rc<Round>,
) {
    let _ = sock.set_nodelay(true);
    let (Ok(peer), Ok(local)) = (sock.peer_addr(), sock.local_addr()) else { return };
    let dup = sock.try_clone().ok();
    let fd = fd_of(&sock);
    if sock.set_nonblocking(true).is_err() {
        return;
    }
    let Ok(stream) = tokio::net::TcpStream::from_std(sock) else { return };
    let (mut stream, wr) = stream.into_split();
    let info = srv.clients.register(peer, local, fd, dup);
    let outbox = Outbox::new(wr, info.clone());
    stats.connection();
    let needs_auth = srv.config.settings().requirepass.is_some();
    let mut client = Client::new(info.clone(), !needs_auth);
    let mut rbuf = BytesMut::with_capacity(READ_CHUNK);
    let mut parser = RequestParser::new();
    let mut out = ReplyBuf::new();

    // After a blocked command is answered, what was buffered behind it runs before the next
    // read.
    let mut skip_read = false;
    'conn: loop {
        // A read that filled the buffer may have left input in the socket.
        let mut more_input = false;
        if !skip_read {
            if rbuf.capacity() - rbuf.len() < READ_CHUNK / 2 {
                let grow = rbuf.len().max(READ_CHUNK);
                rbuf.reserve(grow);
            }
            let room = rbuf.capacity() - rbuf.len();
            let n = match stream.read_buf(&mut rbuf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            more_input = n == room;
            stats.net_in(n as u64);
            info.set_qbuf(rbuf.len(), rbuf.capacity());
        }
        skip_read = false;
        if info.is_killed() {
            break;
        }
        let settings = srv.config.settings();
        // As Redis does, the limit applies to what is buffered right after a read, before
        // anything in it runs: a request that cannot fit is refused whole.
        if rbuf.len() > settings.client_query_buffer_limit {
            crate::warning!(
                "Closing client that reached max query buffer length: id={} addr={} (qbuf initial bytes: {:?})",
                info.id,
                info.addr,
                String::from_utf8_lossy(&rbuf[..rbuf.len().min(64)])
            );
            break;
        }
        // Nothing more runs while earlier replies wait for the socket to take them.
        if outbox.stalled() && !outbox.drained().await {
            break;
        }
        let mut pos = 0;
        let batch = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loop {
            let limits = Limits {
                max_bulk_len: settings.proto_max_bulk_len,
                authenticated: client.authenticated,
            };
            match parser.parse(&rbuf[pos..], &limits) {
                Ok(Parsed::Incomplete) => break,
                Ok(Parsed::Complete { consumed }) => {
                    let argv = parser.argv(&rbuf[pos..]);
                    if !argv.is_empty() {
                        dispatch::execute(&srv, &mut client, &mut out, argv, &stats);
                    }
                    pos += consumed;
                    // A blocked client runs nothing more until it is answered.
                    if client.close_after_reply || info.is_killed() || client.blocked.is_some() {
                        break;
                    }
                }
                Err(e) => {
                    out.error(&format!("ERR {}", e.0));
                    crate::verbose!(
                        "Protocol error ({}) from client: id={} addr={}",
                        e.0,
                        info.id,
                        info.addr
                    );
                    client.close_after_reply = true;
                    break;
                }
            }
        }));
        if batch.is_err() {
            crate::warning!("A command panicked; closing the client connection id={}", info.id);
            out.error("ERR internal error while executing the command");
            client.close_after_reply = true;
        }
        rbuf.advance(pos);
        info.set_qbuf(rbuf.len(), rbuf.capacity());
        if client.blocked.is_some() {
            // Send what ran before the blocking command, then wait for its answer.
            durable(&srv, &out).await;
            hand_over(&outbox, &mut out, &stats);
            if !outbox.flushed().await {
                break 'conn;
            }
            if !crate::blocking::wait::wait(
                &srv,
                &mut client,
                &mut stream,
                &mut rbuf,
                &mut out,
                &stats,
            )
            .await
            {
                break 'conn;
            }
            skip_read = true;
        }
        if durable(&srv, &out).await {
            // After a group-commit wait the round is over: write at once.
            hand_over(&outbox, &mut out, &stats);
            outbox.write_out();
        } else if !out.is_empty() {
            hand_over(&outbox, &mut out, &stats);
            round.defer(&outbox);
        }
        if client.close_after_reply || info.is_killed() || outbox.broken() {
            break;
        }
        if more_input {
            // Let the other connections' batches of this round run (and the replies go
            // out) before executing more of this client's input.
            tokio::task::yield_now().await;
        }
    }
    // What was answered goes out before the socket closes (dropping the last handle of the
    // outbox shuts the write side down).
    outbox.flushed().await;
    drop(outbox);
    crate::multi::unwatch_all(&srv, &mut client);
    srv.clients.unregister(info.id);
}

/// Under `appendfsync always`, nothing is acknowledged before it is on disk: waits until the
/// writes executed so far (this batch's, a served BLPOP's pop, and any it observed) are
/// synced, sharing the fsync with every other client (group commit).
async fn durable(srv: &Server, out: &ReplyBuf) -> bool {
    !out.is_empty() && crate::persist::aof::wait_durable(srv).await
}

/// Moves a batch of replies into the outbox.
fn hand_over(outbox: &Outbox, out: &mut ReplyBuf, stats: &WorkerStats) {
    if !out.is_empty() {
        stats.net_out(out.len() as u64);
        outbox.push(out);
    }
}

#[cfg(unix)]
fn fd_of(s: &std::net::TcpStream) -> i32 {
    use std::os::fd::AsRawFd;
    s.as_raw_fd()
}

#[cfg(not(unix))]
fn fd_of(_s: &std::net::TcpStream) -> i32 {
    -1
}
