//! Transactions: MULTI, EXEC, DISCARD, WATCH (Redis's `multi.c`; the commands' specs and
//! thin handlers are in `commands/transaction.rs`).
//!
//! **Queueing.** After MULTI the dispatch gate still checks every command (unknown, arity,
//! auth, `no-multi`, MISCONF, LOADING); one it refuses marks the transaction, and EXEC then
//! answers `-EXECABORT Transaction discarded because of previous errors.` What passes is
//! copied into the client's [`MultiState`] and answered `+QUEUED`.
//!
//! **EXEC** ([`exec`]) runs the queue as one atomic unit (DESIGN.md §2):
//! 1. the `(db, shard)` pairs of every queued command (following the SELECTs in the queue)
//!    and of every WATCHed key are locked at once, in sorted order;
//! 2. with them held, a watched key touched since WATCH (the client's `DIRTY_CAS` bit) or
//!    expired since then aborts the transaction with a null array;
//! 3. each command runs through `dispatch::run_in` on the held shards, with blocking commands
//!    answering at once (`deny_blocking`), its reply appended to EXEC's array;
//! 4. the transaction's propagation records are emitted together, wrapped in MULTI ... EXEC
//!    when there is more than one (Redis 7.0's `propagatePendingCommands`);
//! 5. then the clients blocked on keys the transaction made ready are served, as after any
//!    write, still under the same locks: a push inside MULTI/EXEC wakes a BLPOP, and the
//!    commands after the push in the same transaction still saw the element.
//!
//! Commands that take shard locks themselves (INFO for its keyspace section, BGSAVE,
//! BGREWRITEAOF and CONFIG, which may start a snapshot) cannot run under the transaction's
//! locks without deadlocking. EXEC releases its locks around each of them: the queue is cut
//! into segments at those commands, each segment is atomic and propagated as a unit, and
//! another client's command may run at a cut. Transactions of data commands have no cut.

pub mod watch;

use resp::parse::{Argv, OwnedArgv};

use crate::cmd::dispatch;
use crate::cmd::registry::Entry;
use crate::cmd::spec::{flags, CommandSpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::conn::client::{cflags, Client};
use crate::db::view::Effects;
use crate::server::executor::{Locks, ShardHint};
use crate::server::Server;

/// A client's open transaction.
pub struct MultiState {
    cmds: Vec<Queued>,
    /// Union of the queued commands' flags (Redis's `mstate.cmd_flags`).
    any: u64,
    /// Intersection of the queued commands' flags (the complement of `cmd_inv_flags`).
    all: u64,
    /// A command was refused while queueing: EXEC answers EXECABORT.
    failed: bool,
    /// Bytes held by the queued arguments (CLIENT LIST `multi-mem`).
    mem: usize,
}

struct Queued {
    entry: &'static Entry,
    argv: OwnedArgv,
}

impl MultiState {
    fn new() -> Self {
        MultiState { cmds: Vec::new(), any: 0, all: u64::MAX, failed: false, mem: 0 }
    }

    /// Flags set by at least one queued command.
    pub fn flags_any(&self) -> u64 {
        self.any
    }

    /// Flags set by every queued command (all bits when none is queued).
    pub fn flags_all(&self) -> u64 {
        self.all
    }

    /// Redis's `flagTransaction`: a command was refused while queueing.
    pub fn flag_error(&mut self) {
        self.failed = true;
    }
}

/// The commands that run at once inside MULTI instead of being queued.
pub fn runs_in_multi(spec: &CommandSpec) -> bool {
    matches!(spec.name, "exec" | "discard" | "multi" | "watch" | "quit" | "reset")
}

/// Commands that lock shards themselves: EXEC runs them without its locks (module docs).
fn locks_itself(spec: &CommandSpec) -> bool {
    matches!(spec.name, "info" | "bgsave" | "bgrewriteaof" | "config")
}

/// MULTI: opens a transaction.
pub fn begin(client: &mut Client) {
    client.multi = Some(Box::new(MultiState::new()));
    client.info.multi.store(0, std::sync::atomic::Ordering::Relaxed);
}

/// Appends an accepted command to the client's transaction.
pub fn queue(client: &mut Client, entry: &'static Entry, argv: &Argv<'_>) {
    let Some(m) = client.multi.as_mut() else { return };
    // Nothing will run: no point in holding the arguments (Redis's queueMultiCommand).
    if m.failed || client.info.has_flag(cflags::DIRTY_CAS) {
        return;
    }
    let argv = argv.to_owned_args();
    m.mem += argv.view().iter().map(|a| a.len() + 16).sum::<usize>();
    m.any |= entry.flags;
    m.all &= entry.flags;
    m.cmds.push(Queued { entry, argv });
    client.info.multi.store(m.cmds.len() as i64, std::sync::atomic::Ordering::Relaxed);
    client.info.multi_mem.store(m.mem, std::sync::atomic::Ordering::Relaxed);
}

/// Ends the transaction without running it and forgets the WATCHed keys (Redis's
/// `discardTransaction`: DISCARD, RESET, a refused EXEC).
pub fn discard(srv: &Server, client: &mut Client) {
    end_transaction(client);
    unwatch_all(srv, client);
}

fn end_transaction(client: &mut Client) {
    client.multi = None;
    client.info.multi.store(-1, std::sync::atomic::Ordering::Relaxed);
    client.info.multi_mem.store(0, std::sync::atomic::Ordering::Relaxed);
    client.info.set_flag(cflags::DIRTY_CAS, false);
}

/// WATCH key [key ...], on the shards the executor locked for the keys.
pub fn watch(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::msg("ERR WATCH inside MULTI is not allowed"));
    }
    // Already dirty: the EXEC fails anyway.
    if ctx.client.info.has_flag(cflags::DIRTY_CAS) {
        ctx.out.ok();
        return Ok(());
    }
    let db = ctx.db.index;
    let now = ctx.db.now;
    for i in 1..ctx.argc() {
        let key = ctx.arg(i);
        if ctx.client.watched.iter().any(|(d, k)| *d == db && **k == *key) {
            continue;
        }
        let shard = ctx.db.shard_in(db, key)?;
        let expired = shard.dict.get(key).is_some_and(|e| e.is_expired(now));
        shard.watch.add(key, &ctx.client.info, expired);
        ctx.client.watched.push((db, key.into()));
    }
    ctx.out.ok();
    Ok(())
}

/// UNWATCH, and every end of a transaction: forgets the client's watched keys.
pub fn unwatch_all(srv: &Server, client: &mut Client) {
    let ks = &srv.keyspace;
    for (db, key) in client.watched.drain(..) {
        ks.dbs[db].shards[ks.shard_of(&key)].0.lock().watch.remove(&key, client.id);
    }
    client.info.set_flag(cflags::DIRTY_CAS, false);
}

/// EXEC. See the module docs.
pub fn exec(ctx: &mut Ctx<'_>) -> CmdResult {
    let srv = ctx.srv;
    let Some(state) = ctx.client.multi.take() else {
        return Err(CmdError::msg("ERR EXEC without MULTI"));
    };
    if state.failed {
        discard(srv, ctx.client);
        return Err(CmdError::msg("EXECABORT Transaction discarded because of previous errors."));
    }
    let ks = &srv.keyspace;
    let n = state.cmds.len();
    let deny_before = ctx.client.deny_blocking;
    // One `Ctx` runs the whole queue (`dispatch::run_in` resets it for each command).
    let mut sub = Ctx {
        argv: ctx.argv,
        out: &mut *ctx.out,
        client: &mut *ctx.client,
        srv,
        db: crate::db::DbCtx::new(Locks::None, ks, ctx.db.stats),
        spec: ctx.spec,
    };
    let mut db_index = sub.client.db;
    for (i, (range, locked)) in segments(&state.cmds).into_iter().enumerate() {
        let cmds = &state.cmds[range];
        let mut pairs = Vec::new();
        if i == 0 {
            // The watched keys are checked under the first lock set, before anything runs.
            pairs.extend(sub.client.watched.iter().map(|(d, k)| (*d, ks.shard_of(k))));
        }
        if locked {
            db_index = segment_pairs(ks, cmds, db_index, &mut pairs);
        }
        let mut locks = ks.lock_pairs(pairs);
        if i == 0 {
            let client = &mut *sub.client;
            let now = crate::util::time::now_ms();
            let dirty = client.info.has_flag(cflags::DIRTY_CAS)
                || watched_expired(&mut locks, client, ks, now);
            for (d, key) in client.watched.drain(..) {
                if let Some(sh) = locks.get(d, ks.shard_of(&key)) {
                    sh.watch.remove(&key, client.id);
                }
            }
            if dirty {
                end_transaction(client);
                sub.out.null_array();
                return Ok(());
            }
            sub.out.array(n);
            client.deny_blocking = true;
        }
        if locked {
            sub.db.locks = locks;
        } else {
            // A command that locks for itself runs with nothing held (not even the watched
            // keys' shards).
            drop(locks);
        }
        run_segment(&mut sub, cmds);
        sub.db.locks = Locks::None;
    }
    sub.client.deny_blocking = deny_before;
    // Until here CLIENT LIST showed the transaction (`x`, `multi=`), as in Redis.
    end_transaction(sub.client);
    Ok(())
}

/// Cuts the queue at the commands that lock for themselves (module docs): ranges of the
/// queue, each with whether EXEC locks for it. Never empty.
fn segments(cmds: &[Queued]) -> Vec<(std::ops::Range<usize>, bool)> {
    let mut v = Vec::new();
    let mut at = 0;
    for (i, q) in cmds.iter().enumerate() {
        if locks_itself(q.entry.spec) {
            if at < i {
                v.push((at..i, true));
            }
            v.push((i..i + 1, false));
            at = i + 1;
        }
    }
    if at < cmds.len() || v.is_empty() {
        v.push((at..cmds.len(), true));
    }
    v
}

/// Appends the shards `cmds` need, following their SELECTs from database `db`; returns the
/// database the client will be in after them.
fn segment_pairs(
    ks: &crate::db::Keyspace,
    cmds: &[Queued],
    mut db: usize,
    pairs: &mut Vec<(usize, usize)>,
) -> usize {
    for q in cmds {
        let argv = q.argv.view();
        ks.pairs_for(q.entry.spec, &argv, db, pairs);
        db = predicted_db(q.entry.spec, &argv, db, ks.db_count());
    }
    db
}

/// Runs queued commands on the shards `ctx.db` holds, then propagates them as one unit and
/// serves the clients blocked on keys they made ready (module docs, steps 3-5).
fn run_segment<'q>(ctx: &mut Ctx<'q>, cmds: &'q [Queued]) {
    let srv = ctx.srv;
    let stats = ctx.db.stats;
    let mut records: Vec<(usize, OwnedArgv)> = Vec::new();
    // The writes that changed data, with their database: blocked clients are served after
    // the whole segment, as Redis serves them after the EXEC.
    let mut writes: Vec<(&Queued, usize)> = Vec::new();
    for q in cmds {
        let start_us = crate::util::time::now_us();
        ctx.argv = q.argv.view();
        ctx.db.hint = ShardHint::default();
        let failed = dispatch::run_in(ctx, q.entry, start_us);
        let db_index = ctx.db.index;
        ctx.db.signal_modified();
        srv.prop.records(&ctx.db.fx, q.entry.spec, &ctx.argv, db_index, &mut records);
        if ctx.db.fx.dirty > 0 && q.entry.spec.has(flags::WRITE) {
            writes.push((q, db_index));
        }
        stats.command(q.entry.id, (crate::util::time::now_us() - start_us).max(0) as u64, failed);
    }
    srv.prop.emit_transaction(records);
    for (q, db_index) in writes {
        let argv = q.argv.view();
        let db = &mut ctx.db;
        // Only the serving's own records (the pops) are propagated now.
        db.fx = Effects { dirty: 1, rewrite: Some(Vec::new()), ..Effects::default() };
        db.index = db_index;
        crate::blocking::serve::after_write(srv, db, q.entry.spec, &argv, db_index);
        db.signal_modified();
        srv.prop.emit(&db.fx, q.entry.spec, &argv, db_index);
    }
}

/// The database the client is in after `spec` runs: SELECT with a valid index changes it.
fn predicted_db(spec: &CommandSpec, argv: &Argv<'_>, db: usize, dbs: usize) -> usize {
    if spec.name == "select" {
        if let Some(n) = resp::parse::parse_i64(argv.get(1)) {
            if n >= 0 && (n as usize) < dbs {
                return n as usize;
            }
        }
    }
    db
}

/// Redis's `isWatchedKeyExpired`: a watched key that was live at WATCH time and has expired
/// since (even if nothing deleted it yet) fails the EXEC.
fn watched_expired(
    locks: &mut Locks<'_>,
    client: &Client,
    ks: &crate::db::Keyspace,
    now: i64,
) -> bool {
    client.watched.iter().any(|(d, key)| {
        let Some(sh) = locks.get(*d, ks.shard_of(key)) else { return false };
        let was_expired = sh.watch.get(key, client.id).is_none_or(|w| w.expired);
        !was_expired && sh.dict.get(key).is_some_and(|e| e.is_expired(now))
    })
}
