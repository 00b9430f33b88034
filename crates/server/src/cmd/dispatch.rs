//! The one gate every command passes, in Redis's order (DESIGN.md §4):
//!
//! 1. look the command up; unknown command / unknown subcommand;
//! 2. arity;
//! 3. authentication (`NOAUTH`) — ACL permission checks will sit here;
//! 4. `-MISCONF` for writes after a failed background save (stop-writes-on-bgsave-error) or a
//!    failed AOF write or fsync,
//!    `-LOADING` while the dataset loads; (cluster slot ownership, OOM for `denyoom`,
//!    read-only replica, client pause and MULTI queueing will sit here, in Redis's order,
//!    as their features land);
//! 5. execution: the executor locks the command's shards, the handler runs, a failed
//!    handler's partial reply is rolled back and replaced by its error;
//! 6. after-command hooks while the locks are still held: serving the clients blocked on keys
//!    a write made ready (`blocking::serve`), propagation (the stream that will feed AOF and
//!    replicas); then stats, CLIENT REPLY suppression.
//!
//! EXEC, scripts and AOF loading will reuse [`call`] so they share steps 5–6.

use resp::parse::Argv;
use resp::ReplyBuf;

use super::error::NOAUTH;
use super::registry::{registry, Entry, Found};
use super::spec::flags;
use super::{CmdError, Ctx};
use crate::conn::client::{Client, ReplyMode};
use crate::db::view::Effects;
use crate::db::DbCtx;
use crate::server::Server;
use crate::stats::WorkerStats;
use crate::util::time::now_us;

/// Runs one request from a client.
pub fn execute(
    srv: &Server,
    client: &mut Client,
    out: &mut ReplyBuf,
    argv: Argv<'_>,
    stats: &WorkerStats,
) {
    let mark = out.len();
    // One clock read gives the command's time (fixed for its whole run, as Redis 7.2 fixes
    // it) and the start of its duration for commandstats.
    let start_us = now_us();
    let now = start_us / 1000;
    client.info.last.store(now, std::sync::atomic::Ordering::Relaxed);
    let reg = registry();
    let found = reg.find(&argv);
    // Like Redis, the last command is the one looked up, even if the gate then refuses it
    // (an unknown name shows as NULL); CLIENT LIST shows it as `cmd=`.
    let last = if let Found::Cmd(e) = found { e.id + 1 } else { 0 };
    client.info.last_cmd.store(last, std::sync::atomic::Ordering::Relaxed);
    let res = match found {
        Found::Cmd(e) => gate(srv, client, e, &argv).map(|_| e),
        Found::Unknown => Err(unknown_command(&argv)),
        Found::UnknownSub(c) => Err(CmdError::owned(format!(
            "ERR unknown subcommand '{}'. Try {} HELP.",
            trunc(argv.get(1), 128),
            c.spec.name.to_ascii_uppercase()
        ))),
    };
    match res {
        Ok(entry) => call(srv, client, out, argv, stats, entry, start_us),
        Err(e) => {
            // `last` is the looked-up command's id + 1 (0: unknown), as computed above.
            stats.rejected(last.checked_sub(1));
            let text = e.text();
            stats.error_reply(&text);
            out.error(&text);
        }
    }
    finish_reply(client, out, mark);
}

/// Applies CLIENT REPLY OFF / SKIP to the reply just written.
fn finish_reply(client: &mut Client, out: &mut ReplyBuf, mark: usize) {
    if client.reply_mode == ReplyMode::Off || client.skip_this {
        out.truncate(mark);
    }
    client.skip_this = client.skip_next;
    client.skip_next = false;
}

fn gate(srv: &Server, client: &Client, e: &Entry, argv: &Argv<'_>) -> Result<(), CmdError> {
    let spec = e.spec;
    if !spec.arity_ok(argv.len()) || spec.handler.is_none() {
        return Err(CmdError::Arity(e.full_name.clone()));
    }
    if !client.authenticated && !spec.has(flags::NO_AUTH) {
        // AUTH and HELLO carry NO_AUTH; everything else waits for a password.
        return Err(CmdError::msg(NOAUTH));
    }
    // Writes (and PING, as in Redis) are refused while the last background save failed and
    // stop-writes-on-bgsave-error is on, or the last AOF write or fsync failed.
    if spec.has(flags::WRITE) || spec.name == "ping" {
        if let Some(why) = crate::persist::write_denial(srv) {
            return Err(CmdError::Msg(why));
        }
    }
    if !spec.has(flags::LOADING)
        && srv.persist.rdb.loading.load(std::sync::atomic::Ordering::Relaxed)
    {
        return Err(CmdError::msg("LOADING Redis is loading the dataset in memory"));
    }
    Ok(())
}

/// Executes an already-gated command: lock, run, roll back on error, propagate, count.
pub fn call(
    srv: &Server,
    client: &mut Client,
    out: &mut ReplyBuf,
    argv: Argv<'_>,
    stats: &WorkerStats,
    entry: &Entry,
    start_us: i64,
) {
    let spec = entry.spec;
    let Some(handler) = spec.handler else { return };
    let now = start_us / 1000;
    let db_index = client.db;
    let (locks, hint) = srv.keyspace.lock_for_hinted(spec, &argv, db_index);
    let mark = out.len();
    // CLIENT NO-TOUCH leaves LRU/LFU alone, except for TOUCH, whose whole point is to touch.
    let no_touch = client.no_touch && spec.name != "touch";
    let lfu = srv.config.lfu.get(now);
    let mut ctx = Ctx {
        argv,
        out,
        client,
        srv,
        db: DbCtx {
            locks,
            index: db_index,
            now,
            fx: Effects::default(),
            ks: &srv.keyspace,
            stats,
            lru: lfu.map_or_else(|| srv.lru_clock(), |l| l.fresh()),
            lfu,
            no_touch,
            hint,
            writes: spec.has(flags::WRITE),
        },
        spec,
    };
    let res = handler(&mut ctx);
    let failed = res.is_err();
    if let Err(e) = res {
        ctx.out.truncate(mark);
        let text = e.text();
        stats.error_reply(&text);
        ctx.out.error(&text);
    }
    // Serve the clients blocked on keys this write made ready, as part of it (DESIGN.md §2).
    if ctx.db.fx.dirty > 0 && spec.has(flags::WRITE) {
        crate::blocking::serve::after_write(srv, &mut ctx.db, spec, &argv, db_index);
    }
    // Propagate while the shards are still held, so the stream is in execution order.
    srv.prop.emit(&ctx.db.fx, spec, &argv, db_index);
    if ctx.db.fx.dirty > 0 {
        srv.dirty.fetch_add(ctx.db.fx.dirty, std::sync::atomic::Ordering::Relaxed);
    }
    drop(ctx);
    let usec = (now_us() - start_us).max(0) as u64;
    stats.command(entry.id, usec, failed);
}

fn trunc(s: &[u8], n: usize) -> String {
    String::from_utf8_lossy(&s[..s.len().min(n)]).into_owned()
}

/// Redis's text for an unknown command, with up to 128 bytes of its arguments.
fn unknown_command(argv: &Argv<'_>) -> CmdError {
    let mut args = String::new();
    for a in argv.iter().skip(1) {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push('\'');
        args.push_str(&trunc(a, room));
        args.push_str("' ");
    }
    CmdError::owned(format!(
        "ERR unknown command '{}', with args beginning with: {}",
        trunc(argv.get(0), 128),
        args
    ))
}
