//! Serving blocked clients as part of the write that made their data available.
//!
//! [`after_write`] runs in dispatch after every write command that changed data, while the
//! command's shard locks are still held. It collects the command's keys (from its key specs,
//! so destinations count too: LMOVE dst, RENAME dst, SORT ... STORE dst, MOVE's target
//! database; for whole-database commands such as SWAPDB, every waited key of the held
//! shards) that have waiters, and serves each key's waiters oldest first:
//!
//! 1. a waiter is considered only if the key now holds the type it waits for (a list for the
//!    list commands, a sorted set for the BZ commands); a key deleted or turned into another
//!    type leaves it blocked, as in Redis 7.2;
//! 2. as Redis 7.2 re-executes the blocked command, the waiter's keys are looked at in the
//!    order it gave them (those in shards held now: keys sharing a `{tag}` always are) and it
//!    is served from the first non-empty one, or answered WRONGTYPE if one of them comes
//!    first with another type;
//! 3. the waiter is claimed (`WAITING` → `SERVED`) before anything is popped, its reply is
//!    rendered in its protocol and delivered, the emptied key is deleted, and the equivalent
//!    non-blocking command is appended to the write's propagation records (`LPOP key`,
//!    `RPOP key count`, `LMOVE src dst LEFT RIGHT`, `RPOPLPUSH src dst`, `ZPOPMIN key`,
//!    `ZPOPMAX key count`: what Redis 7.2 propagates for a served blocked command);
//! 4. BLMOVE and BRPOPLPUSH push into their destination, which makes it ready in turn (a
//!    chain of BLMOVEs is served within the same write).
//!
//! **The destination shard of a BLMOVE** may not be among the held locks. It is `try_lock`ed
//! and, if free, held until the write ends like the others. If another command holds it,
//! waiting for it while holding ours could deadlock (locks are only ever taken in sorted
//! order), so we step back: the records so far are emitted (the stream stays in execution
//! order), every lock is released, the whole set plus the destination shard is re-acquired in
//! sorted order, and the key is looked at again from scratch. Nothing was popped or claimed
//! before the release, so no element can be lost or delivered twice: if another client took
//! the data meanwhile, the waiter simply stays blocked; otherwise it is served now. The only
//! cost is that in this contended case another command can run between the write and the
//! serving of that waiter.

use std::collections::VecDeque;
use std::sync::Arc;

use resp::parse::{Argv, OwnedArgv};
use resp::ReplyBuf;

use super::{state, End, Op, Waiter};
use crate::cmd::error::CmdError;
use crate::cmd::keys::for_each_key;
use crate::cmd::spec::{CommandSpec, Scope};
use crate::config::encoding::Limits;
use crate::db::view::Lookup;
use crate::db::{DbCtx, Keyspace};
use crate::server::executor::{Guard, Locks};
use crate::server::Server;
use crate::types::{Kind, List, Value};

/// Serves the waiters of the keys a write command made ready. See the module docs.
pub fn after_write(
    srv: &Server,
    db: &mut DbCtx<'_>,
    spec: &CommandSpec,
    argv: &Argv<'_>,
    cmd_db: usize,
) {
    let ks = db.ks;
    let mut ready: VecDeque<(usize, Vec<u8>)> = VecDeque::new();
    {
        let guards = db.locks.guards();
        if guards.iter().all(|g| g.g.waiters.is_empty()) {
            return;
        }
        match spec.scope {
            Scope::Keys | Scope::KeysAndDbs(_) => for_each_key(spec, argv, |i, _| {
                let key = argv.get(i);
                let s = ks.shard_of(key);
                for g in guards.iter() {
                    let d = g.db as usize;
                    if g.shard as usize == s
                        && g.g.waiters.has(key)
                        && !ready.iter().any(|(rd, k)| *rd == d && k == key)
                    {
                        ready.push_back((d, key.to_vec()));
                    }
                }
            }),
            _ => {
                for g in guards.iter() {
                    for k in g.g.waiters.keys() {
                        ready.push_back((g.db as usize, k));
                    }
                }
            }
        }
    }
    let run = Run { srv, spec, argv, cmd_db, lim: srv.config.enc.get() };
    while let Some((d, key)) = ready.pop_front() {
        run.serve_key(db, d, &key, &mut ready);
    }
}

/// The write being completed.
struct Run<'r, 'a> {
    srv: &'r Server,
    spec: &'r CommandSpec,
    argv: &'r Argv<'a>,
    cmd_db: usize,
    lim: Limits,
}

/// What happened to one waiter.
enum Outcome {
    /// Served (or answered with an error); carries the BLMOVE destination made ready.
    Done(Option<Vec<u8>>),
    /// Nothing to serve it from after all.
    Skip,
    /// The BLMOVE destination's shard is busy: relock with it and start the key again.
    NeedShard(usize),
}

impl Run<'_, '_> {
    fn serve_key(
        &self,
        db: &mut DbCtx<'_>,
        d: usize,
        key: &[u8],
        ready: &mut VecDeque<(usize, Vec<u8>)>,
    ) {
        let ks = db.ks;
        let s = ks.shard_of(key);
        let Some(shard) = db.locks.get(d, s) else { return };
        for w in shard.waiters.of(key) {
            if !w.is_waiting() {
                self.forget(db, d, s, key, &w);
                continue;
            }
            let kind = match db.lookup_in(d, key, Lookup::Peek) {
                Ok(Some(e)) => e.val.kind(),
                _ => return,
            };
            let wanted = if w.op.wants_list() { Kind::List } else { Kind::ZSet };
            if kind != wanted {
                continue;
            }
            match self.serve_one(db, d, key, &w) {
                Outcome::Done(dst) => {
                    self.forget(db, d, s, key, &w);
                    if let Some(dst) = dst {
                        let ds = ks.shard_of(&dst);
                        let waited = db.locks.get(d, ds).is_some_and(|sh| sh.waiters.has(&dst));
                        if waited && !ready.iter().any(|(rd, k)| *rd == d && *k == dst) {
                            ready.push_back((d, dst));
                        }
                    }
                }
                Outcome::Skip => {}
                Outcome::NeedShard(ds) => {
                    self.relock(db, (d, ds));
                    ready.push_front((d, key.to_vec()));
                    return;
                }
            }
        }
    }

    /// Drops `w` from the waiters of `key` (its connection cleans up its other keys).
    fn forget(&self, db: &mut DbCtx<'_>, d: usize, s: usize, key: &[u8], w: &Arc<Waiter>) {
        if let Some(shard) = db.locks.get(d, s) {
            shard.waiters.remove(key, w, &self.srv.blocking);
        }
    }

    fn serve_one(
        &self,
        db: &mut DbCtx<'_>,
        d: usize,
        ready_key: &[u8],
        w: &Arc<Waiter>,
    ) -> Outcome {
        let ks = db.ks;
        // Like Redis 7.2's re-execution: the first of its keys (that we can see) with data.
        let mut source: Option<&[u8]> = None;
        let mut wrong = false;
        for k in &w.keys {
            if db.locks.get(d, ks.shard_of(k)).is_none() {
                continue;
            }
            match db.lookup_in(d, k, Lookup::Peek) {
                Ok(Some(e)) => {
                    let ok = match e.val.kind() {
                        Kind::List => w.op.wants_list(),
                        Kind::ZSet => !w.op.wants_list(),
                        _ => false,
                    };
                    if ok {
                        source = Some(k);
                    } else {
                        wrong = true;
                    }
                    break;
                }
                Ok(None) => {}
                Err(_) => return Outcome::Skip,
            }
        }
        let mut out = ReplyBuf::new();
        out.set_resp3(w.resp3);
        if wrong {
            if !w.finish(state::SERVED, &self.srv.blocking) {
                return Outcome::Done(None);
            }
            out.error(&CmdError::WrongType.text());
            w.deliver(out.take());
            return Outcome::Done(None);
        }
        let key = source.unwrap_or(ready_key);
        if let Op::ListMove { dst, .. } = &w.op {
            let ds = ks.shard_of(dst);
            if db.locks.get(d, ds).is_none() && !try_add(ks, &mut db.locks, d, ds) {
                return Outcome::NeedShard(ds);
            }
        }
        if !w.finish(state::SERVED, &self.srv.blocking) {
            return Outcome::Done(None);
        }
        let mut records = Vec::new();
        let res = apply(db, d, key, &w.op, &self.lim, &mut out, &mut records);
        let made_ready = match res {
            Ok(r) => r,
            Err(e) => {
                out.error(&e.text());
                None
            }
        };
        w.deliver(out.take());
        if self.srv.prop.is_active() && !records.is_empty() {
            let argv = self.argv;
            let cmd_db = self.cmd_db;
            let list = db.fx.rewrite.get_or_insert_with(|| vec![(cmd_db, argv.to_owned_args())]);
            list.extend(records.into_iter().map(|r| (d, r)));
        }
        Outcome::Done(made_ready)
    }

    /// Emits what the write has produced so far, releases every lock and takes the same set
    /// plus `extra` again, in sorted order. See the module docs.
    fn relock<'a>(&self, db: &mut DbCtx<'a>, extra: (usize, usize)) {
        self.srv.prop.emit(&db.fx, self.spec, self.argv, self.cmd_db);
        db.fx.pre.clear();
        db.fx.rewrite = Some(Vec::new());
        let ks: &'a Keyspace = db.ks;
        let mut pairs: Vec<(usize, usize)> =
            db.locks.guards().iter().map(|g| (g.db as usize, g.shard as usize)).collect();
        pairs.push(extra);
        pairs.sort_unstable();
        pairs.dedup();
        db.locks = Locks::None;
        let mut v: Vec<Guard<'a>> = pairs
            .into_iter()
            .map(|(d, s)| Guard { db: d as u32, shard: s as u32, g: ks.dbs[d].shards[s].0.lock() })
            .collect();
        db.locks = if v.len() == 1 { Locks::One(v.remove(0)) } else { Locks::Many(v) };
    }
}

/// Takes shard `(d, s)` if it is free, adding it to `locks` in sorted position.
fn try_add<'a>(ks: &'a Keyspace, locks: &mut Locks<'a>, d: usize, s: usize) -> bool {
    let Some(g) = ks.dbs[d].shards[s].0.try_lock() else { return false };
    let g = Guard { db: d as u32, shard: s as u32, g };
    let mut v = match std::mem::replace(locks, Locks::None) {
        Locks::None => Vec::new(),
        Locks::One(x) => vec![x],
        Locks::Many(v) => v,
    };
    let at = v.partition_point(|x| (x.db, x.shard) < (g.db, g.shard));
    v.insert(at, g);
    *locks = if v.len() == 1 { Locks::One(v.remove(0)) } else { Locks::Many(v) };
    true
}

/// Runs `op` on `key` of database `d`, which holds a non-empty value of the type `op` wants:
/// pops, deletes the key if emptied, writes the reply to `out` and the equivalent
/// non-blocking command to `records`. Used both by a blocking command that finds data at
/// once and by a write serving a waiter. Returns the destination a move pushed into. A
/// BLMOVE whose destination holds another type fails with WRONGTYPE before anything changes.
pub fn apply(
    db: &mut DbCtx<'_>,
    d: usize,
    key: &[u8],
    op: &Op,
    lim: &Limits,
    out: &mut ReplyBuf,
    records: &mut Vec<OwnedArgv>,
) -> Result<Option<Vec<u8>>, CmdError> {
    match op {
        Op::ListPop { end, count } => {
            let popped = {
                let Some(e) = db.lookup_in(d, key, Lookup::Write)? else { return Ok(None) };
                let Some(list) = e.val.as_list_mut() else { return Err(CmdError::WrongType) };
                let n = count.unwrap_or(1).min(list.len());
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    match list.pop(*end, lim) {
                        Some(x) => v.push(x),
                        None => break,
                    }
                }
                v
            };
            delete_if_empty(db, d, key)?;
            db.dirty(popped.len() as u64);
            let verb: &[u8] = if *end == End::Head { b"LPOP" } else { b"RPOP" };
            out.array(2);
            out.bulk(key);
            match count {
                None => {
                    out.bulk(popped.first().map(|v| v.as_slice()).unwrap_or_default());
                    records.push(OwnedArgv::from_slices([verb, key]));
                }
                Some(_) => {
                    out.array(popped.len());
                    for v in &popped {
                        out.bulk(v);
                    }
                    let n = popped.len().to_string();
                    records.push(OwnedArgv::from_slices([verb, key, n.as_bytes()]));
                }
            }
            Ok(None)
        }
        Op::ListMove { from, to, dst, tokens } => {
            match db.lookup_in(d, dst, Lookup::Write)? {
                Some(e) if e.val.kind() != Kind::List => return Err(CmdError::WrongType),
                _ => {}
            }
            let v = {
                let Some(e) = db.lookup_in(d, key, Lookup::Write)? else { return Ok(None) };
                let Some(list) = e.val.as_list_mut() else { return Err(CmdError::WrongType) };
                let Some(v) = list.pop(*from, lim) else { return Ok(None) };
                v
            };
            delete_if_empty(db, d, key)?;
            match db.lookup_in(d, dst, Lookup::Write)? {
                Some(e) => {
                    if let Some(list) = e.val.as_list_mut() {
                        list.push(*to, &v, lim);
                    }
                }
                None => {
                    let mut list = List::new();
                    list.push(*to, &v, lim);
                    db.set_in(d, dst, Value::List(Box::new(list)), crate::db::NO_EXPIRE, false)?;
                }
            }
            db.dirty(1);
            out.bulk(&v);
            match tokens {
                Some((f, t)) => {
                    records.push(OwnedArgv::from_slices([b"LMOVE".as_slice(), key, dst, f, t]))
                }
                None => records.push(OwnedArgv::from_slices([b"RPOPLPUSH".as_slice(), key, dst])),
            }
            Ok(Some(dst.clone()))
        }
        Op::ZPop { max, count } => {
            let popped = {
                let Some(e) = db.lookup_in(d, key, Lookup::Write)? else { return Ok(None) };
                let Some(z) = e.val.as_zset_mut() else { return Err(CmdError::WrongType) };
                z.pop(*max, count.unwrap_or(1))
            };
            delete_if_empty(db, d, key)?;
            db.dirty(popped.len() as u64);
            let verb: &[u8] = if *max { b"ZPOPMAX" } else { b"ZPOPMIN" };
            match count {
                None => {
                    out.array(3);
                    out.bulk(key);
                    let (m, s) =
                        popped.first().map(|(m, s)| (m.as_slice(), *s)).unwrap_or_default();
                    out.bulk(m);
                    out.double(s);
                    records.push(OwnedArgv::from_slices([verb, key]));
                }
                Some(_) => {
                    out.array(2);
                    out.bulk(key);
                    out.array(popped.len());
                    for (m, s) in &popped {
                        out.array(2);
                        out.bulk(m);
                        out.double(*s);
                    }
                    let n = popped.len().to_string();
                    records.push(OwnedArgv::from_slices([verb, key, n.as_bytes()]));
                }
            }
            Ok(None)
        }
    }
}

/// Deletes `key` if the collection under it became empty (an empty collection never stays
/// under a key).
fn delete_if_empty(db: &mut DbCtx<'_>, d: usize, key: &[u8]) -> Result<(), CmdError> {
    let empty = match db.lookup_in(d, key, Lookup::Peek)? {
        Some(e) => match &mut e.val {
            Value::List(l) => l.is_empty(),
            Value::ZSet(z) => z.is_empty(),
            _ => false,
        },
        None => false,
    };
    if empty {
        db.shard_in(d, key)?.take(key);
    }
    Ok(())
}
