//! The one gate every command passes, in Redis's order (DESIGN.md §4):
//!
//! 1. look the command up; unknown command / unknown subcommand;
//! 2. arity;
//! 3. authentication (`NOAUTH`) — ACL permission checks will sit here;
//! 4. `Command not allowed inside a transaction` for `no-multi` commands in MULTI;
//! 5. `-MISCONF` for writes (and an EXEC with queued writes) after a failed background save
//!    (stop-writes-on-bgsave-error) or a failed AOF write or fsync,
//!    `-LOADING` while the dataset loads; (cluster slot ownership, OOM for `denyoom`,
//!    read-only replica and client pause will sit here, in Redis's order, as their
//!    features land);
//! 6. MULTI queueing: inside a transaction everything but EXEC, DISCARD, MULTI, WATCH, QUIT
//!    and RESET is queued (`+QUEUED`); a command refused by the gate marks the transaction
//!    so that EXEC answers `-EXECABORT`, and a refused EXEC aborts it (`crate::multi`);
//! 7. execution: the executor locks the command's shards, the handler runs, a failed
//!    handler's partial reply is rolled back and replaced by its error;
//! 8. after-command hooks while the locks are still held: WATCHed keys it changed are
//!    touched, the clients blocked on keys a write made ready are served
//!    (`blocking::serve`), propagation (the stream that feeds AOF and replicas); then stats,
//!    CLIENT REPLY suppression.
//!
//! EXEC runs its queued commands through [`run_in`] (step 7 on shards it already holds) and
//! does step 8 itself for the whole transaction; AOF loading uses [`call`].

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
        Ok(entry) if client.multi.is_some() && !crate::multi::runs_in_multi(entry.spec) => {
            crate::multi::queue(client, entry, &argv);
            out.simple(b"QUEUED");
        }
        Ok(entry) => call(srv, client, out, argv, stats, entry, start_us),
        Err(e) => {
            // `last` is the looked-up command's id + 1 (0: unknown), as computed above.
            stats.rejected(last.checked_sub(1));
            let mut text = e.text();
            if matches!(found, Found::Cmd(e) if e.spec.name == "exec") {
                // Redis's execCommandAbort: a refused EXEC ends the transaction. Its reason
                // keeps a shared error's code (MISCONF, LOADING, NOAUTH) but not the generic
                // `ERR ` of a formatted one (arity).
                crate::multi::discard(srv, client);
                let why = text.strip_prefix("ERR ").unwrap_or(&text);
                text = format!("EXECABORT Transaction discarded because of: {why}").into();
            } else if let Some(m) = client.multi.as_mut() {
                m.flag_error();
            }
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
    if client.multi.is_some() && spec.has(flags::NO_MULTI) {
        return Err(CmdError::msg("ERR Command not allowed inside a transaction"));
    }
    // An EXEC is judged by the commands it would run (Redis's mstate.cmd_flags).
    let (queued_any, queued_all) = match &client.multi {
        Some(m) if spec.name == "exec" => (m.flags_any(), m.flags_all()),
        _ => (0, u64::MAX),
    };
    // Writes (and PING, as in Redis) are refused while the last background save failed and
    // stop-writes-on-bgsave-error is on, or the last AOF write or fsync failed.
    if spec.has(flags::WRITE) || queued_any & flags::WRITE != 0 || spec.name == "ping" {
        if let Some(why) = crate::persist::write_denial(srv) {
            return Err(CmdError::Msg(why));
        }
    }
    if (!spec.has(flags::LOADING) || queued_all & flags::LOADING == 0)
        && srv.persist.rdb.loading.load(std::sync::atomic::Ordering::Relaxed)
    {
        return Err(CmdError::msg("LOADING Redis is loading the dataset in memory"));
    }
    Ok(())
}

/// Executes an already-gated command: lock, run, roll back on error, serve blocked
/// clients, propagate, count.
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
    let db_index = client.db;
    let (locks, hint) = srv.keyspace.lock_for_hinted(spec, &argv, db_index);
    let mut ctx = Ctx { argv, out, client, srv, db: DbCtx::new(locks, &srv.keyspace, stats), spec };
    ctx.db.hint = hint;
    let failed = run_in(&mut ctx, entry, start_us);
    let db = &mut ctx.db;
    // Serve the clients blocked on keys this write made ready, as part of it (DESIGN.md §2).
    if db.fx.dirty > 0 && spec.has(flags::WRITE) {
        crate::blocking::serve::after_write(srv, db, spec, &argv, db_index);
    }
    db.signal_modified();
    // Propagate while the shards are still held, so the stream is in execution order.
    srv.prop.emit(&db.fx, spec, &argv, db_index);
    drop(ctx);
    let usec = (now_us() - start_us).max(0) as u64;
    stats.command(entry.id, usec, failed);
}

/// Runs `entry`'s handler for `ctx.argv` on the shards `ctx.db` already holds, as the
/// client's current database, with fresh effects; rolls a failed handler's partial reply
/// back and writes its error instead; adds the changes to the server's dirty counter.
/// Returns whether the command failed. EXEC runs its queue through this on one `Ctx`.
pub fn run_in(ctx: &mut Ctx<'_>, entry: &Entry, start_us: i64) -> bool {
    let spec = entry.spec;
    let Some(handler) = spec.handler else { return false };
    let srv = ctx.srv;
    let now = start_us / 1000;
    let lfu = srv.config.lfu.get(now);
    ctx.spec = spec;
    let db = &mut ctx.db;
    db.index = ctx.client.db;
    db.now = now;
    db.fx = Effects::default();
    db.lru = lfu.map_or_else(|| srv.lru_clock(), |l| l.fresh());
    db.lfu = lfu;
    // CLIENT NO-TOUCH leaves LRU/LFU alone, except for TOUCH, whose whole point is to touch.
    db.no_touch = ctx.client.no_touch && spec.name != "touch";
    db.writes = spec.has(flags::WRITE);
    let mark = ctx.out.len();
    let res = handler(ctx);
    let failed = res.is_err();
    if let Err(e) = res {
        ctx.out.truncate(mark);
        let text = e.text();
        ctx.db.stats.error_reply(&text);
        ctx.out.error(&text);
    }
    if ctx.db.fx.dirty > 0 {
        srv.dirty.fetch_add(ctx.db.fx.dirty, std::sync::atomic::Ordering::Relaxed);
    }
    failed
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
