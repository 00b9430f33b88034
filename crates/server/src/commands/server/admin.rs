//! Server administration: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LASTSAVE, SHUTDOWN.

use std::sync::atomic::Ordering;

use crate::cmd::args::{int, is};
use crate::cmd::error::INVALID_DB;
use crate::cmd::spec::{acl, flags as f, Arg, CommandSpec, Group, Scope};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::server::ShutdownRequest;
use crate::{notice, warning};

/// DBSIZE
fn dbsize(ctx: &mut Ctx<'_>) -> CmdResult {
    let n: usize = ctx.db.shards().map(|s| s.dict.len()).sum();
    ctx.out.int(n as i64);
    Ok(())
}

/// Parses the optional ASYNC|SYNC of FLUSHDB / FLUSHALL: true for ASYNC, or with no
/// argument when `lazyfree-lazy-user-flush` is on (Redis 7). ASYNC detaches the tables and
/// frees them on the lazyfree thread; SYNC frees them before replying.
fn flush_async(ctx: &Ctx<'_>) -> Result<bool, CmdError> {
    match ctx.argc() {
        1 => Ok(ctx.srv.config.settings().lazyfree_lazy_user_flush),
        2 if is(ctx.arg(1), "ASYNC") => Ok(true),
        2 if is(ctx.arg(1), "SYNC") => Ok(false),
        _ => Err(CmdError::Syntax),
    }
}

/// Empties one shard, freeing now or in the background.
fn flush_shard(s: &mut crate::db::Shard, lazy: bool) -> u64 {
    let n = s.dict.len() as u64;
    if lazy {
        crate::db::lazyfree::free_later(s.take_all());
    } else {
        s.clear();
    }
    n
}

/// FLUSHDB [ASYNC|SYNC]
fn flushdb(ctx: &mut Ctx<'_>) -> CmdResult {
    let lazy = flush_async(ctx)?;
    let mut n = 0;
    for s in ctx.db.shards() {
        n += flush_shard(s, lazy);
    }
    // Always propagated, even on an empty database, as Redis does.
    ctx.db.dirty(n.max(1));
    ctx.out.ok();
    Ok(())
}

/// FLUSHALL [ASYNC|SYNC]
fn flushall(ctx: &mut Ctx<'_>) -> CmdResult {
    let lazy = flush_async(ctx)?;
    // As FLUSHALL kills Redis's BGSAVE child: the running RDB snapshot stops, and its
    // shards need not be serialized before they are emptied.
    let aborted = ctx.srv.persist.snapshot.abort(true);
    let mut n = 0;
    for g in ctx.db.locks.guards() {
        if aborted {
            g.g.snap = None;
        }
        n += flush_shard(&mut g.g, lazy);
    }
    // With save points configured Redis then saves the (empty) dataset at once, so a
    // restart does not bring the flushed keys back.
    if !ctx.srv.config.settings().save.is_empty() {
        crate::persist::save::save_empty(ctx.srv);
    }
    ctx.db.dirty(n.max(1));
    ctx.out.ok();
    Ok(())
}

/// SWAPDB index1 index2
fn swapdb(ctx: &mut Ctx<'_>) -> CmdResult {
    let a = int(ctx.arg(1)).map_err(|_| CmdError::msg("ERR invalid first DB index"))?;
    let b = int(ctx.arg(2)).map_err(|_| CmdError::msg("ERR invalid second DB index"))?;
    let dbs = ctx.srv.keyspace.db_count() as i64;
    if a < 0 || a >= dbs || b < 0 || b >= dbs {
        return Err(CmdError::msg(INVALID_DB));
    }
    if a != b {
        let (lo, hi) = (a.min(b) as usize, a.max(b) as usize);
        let guards = ctx.db.locks.guards();
        // Guards are sorted by (db, shard): database d's shards are one contiguous run.
        let start = |d: usize| guards.iter().position(|g| g.db as usize == d);
        let (Some(ls), Some(hs)) = (start(lo), start(hi)) else {
            return Err(CmdError::msg("ERR internal error: SWAPDB without its shards"));
        };
        let (left, right) = guards.split_at_mut(hs);
        for (x, y) in left[ls..].iter_mut().zip(right.iter_mut()) {
            if x.db as usize != lo || y.db as usize != hi {
                break;
            }
            // A running snapshot writes each database as it was: both shards are
            // serialized now, and the snapshot state stays with the database number.
            x.g.snap_finish();
            y.g.snap_finish();
            // WATCHed keys present on either side change (Redis's touchAllWatchedKeysInDb).
            let now = ctx.db.now;
            let (xs, ys): (&mut crate::db::Shard, &mut crate::db::Shard) = (&mut x.g, &mut y.g);
            if !xs.watch.is_empty() {
                xs.watch.touch_all(&xs.dict, Some(&ys.dict), now);
            }
            if !ys.watch.is_empty() {
                ys.watch.touch_all(&ys.dict, Some(&xs.dict), now);
            }
            std::mem::swap(&mut *x.g, &mut *y.g);
            // Blocked and watching clients stay with their database number, not with the
            // data.
            std::mem::swap(&mut x.g.waiters, &mut y.g.waiters);
            std::mem::swap(&mut x.g.watch, &mut y.g.watch);
            std::mem::swap(&mut x.g.snap, &mut y.g.snap);
        }
    }
    ctx.db.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// TIME
fn time(ctx: &mut Ctx<'_>) -> CmdResult {
    let us = crate::util::time::now_us();
    ctx.out.array(2);
    ctx.out.bulk_int(us.div_euclid(1_000_000));
    ctx.out.bulk_int(us.rem_euclid(1_000_000));
    Ok(())
}

/// LASTSAVE
fn lastsave(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.out.int(ctx.srv.stats.last_save.load(Ordering::Relaxed));
    Ok(())
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
///
/// Saves first (stopping a running BGSAVE) when SAVE is given or save points are configured
/// and NOSAVE is not; a failed save refuses the shutdown unless FORCE is given. Nothing ever
/// waits for replicas, so there is no shutdown in progress for ABORT to cancel.
fn shutdown(ctx: &mut Ctx<'_>) -> CmdResult {
    let (mut nosave, mut save, mut force, mut now, mut abort) = (false, false, false, false, false);
    for i in 1..ctx.argc() {
        let a = ctx.arg(i);
        if is(a, "NOSAVE") {
            nosave = true;
        } else if is(a, "SAVE") {
            save = true;
        } else if is(a, "NOW") {
            now = true;
        } else if is(a, "FORCE") {
            force = true;
        } else if is(a, "ABORT") {
            abort = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if (abort && (nosave || save || now || force)) || (nosave && save) {
        return Err(CmdError::Syntax);
    }
    if abort {
        return Err(CmdError::msg("ERR No shutdown in progress."));
    }
    notice!("User requested shutdown...");
    let configured = !ctx.srv.config.settings().save.is_empty();
    if (save || (configured && !nosave))
        && crate::persist::save::save_for_shutdown(ctx.srv).is_err()
    {
        warning!("Error trying to save the DB, can't exit.");
        if !force {
            warning!("Errors trying to shut down the server. Check the logs for more information.");
            return Err(CmdError::msg("ERR Errors trying to SHUTDOWN. Check logs."));
        }
        warning!("FORCE given: exiting without saving.");
    }
    ctx.client.close_after_reply = true;
    ctx.srv.request_shutdown(ShutdownRequest::Command);
    Ok(())
}

const FLUSH_ARGS: &[Arg] = &[Arg::oneof(
    "async",
    &[Arg::pure("async", "ASYNC").since("4.0.0"), Arg::pure("sync", "SYNC").since("6.2.0")],
)
.optional()];

const FLUSH_HISTORY: &[(&str, &str)] = &[
    ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
    ("6.2.0", "Added the `SYNC` flushing mode modifier."),
];

/// Server administration commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("dbsize", 1, Group::Server, dbsize)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .scope(Scope::Db)
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"])
        .summary("Counts the keys of the selected database."),
    CommandSpec::new("flushdb", -1, Group::Server, flushdb)
        .flags(f::WRITE)
        .acl(acl::KEYSPACE | acl::DANGEROUS)
        .scope(Scope::Db)
        .complexity("O(N) where N is the number of keys in the selected database")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .history(FLUSH_HISTORY)
        .summary("Deletes every key of the selected database.")
        .args(FLUSH_ARGS),
    CommandSpec::new("flushall", -1, Group::Server, flushall)
        .flags(f::WRITE)
        .acl(acl::KEYSPACE | acl::DANGEROUS)
        .scope(Scope::All)
        .complexity("O(N) where N is the total number of keys in all databases")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .history(FLUSH_HISTORY)
        .summary("Deletes every key of every database.")
        .args(FLUSH_ARGS),
    CommandSpec::new("swapdb", 3, Group::Server, swapdb)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE | acl::DANGEROUS)
        .scope(Scope::All)
        .since("4.0.0")
        .complexity("O(N) where N is the count of clients watching or blocking on keys from both databases.")
        .summary("Exchanges the contents of two databases.")
        .args(&[Arg::integer("index1"), Arg::integer("index2")]),
    CommandSpec::new("time", 1, Group::Server, time)
        .flags(f::LOADING | f::STALE | f::FAST)
        .since("2.6.0")
        .tips(&["nondeterministic_output"])
        .summary("Tells the server's clock: Unix seconds and microseconds."),
    CommandSpec::new("lastsave", 1, Group::Server, lastsave)
        .flags(f::LOADING | f::STALE | f::FAST)
        .acl(acl::ADMIN | acl::DANGEROUS)
        .tips(&["nondeterministic_output"])
        .summary("Tells when the dataset was last saved to disk, as a Unix time."),
    CommandSpec::new("shutdown", -1, Group::Server, shutdown)
        .flags(f::ADMIN | f::NOSCRIPT | f::LOADING | f::STALE | f::NO_MULTI | f::ALLOW_BUSY)
        .complexity("O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)")
        .history(&[("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")])
        .summary("Stops the server, optionally saving the dataset first.")
        .args(&[
            Arg::oneof("nosave_save", &[Arg::pure("nosave", "NOSAVE"), Arg::pure("save", "SAVE")])
                .optional(),
            Arg::pure("now", "NOW").since("7.0.0").optional(),
            Arg::pure("force", "FORCE").since("7.0.0").optional(),
            Arg::pure("abort", "ABORT").since("7.0.0").optional(),
        ]),
];
