//! `DbCtx`: a running command's access to the keyspace.
//!
//! It wraps the shards the executor locked for the command and applies every rule generic to
//! key access, in one place, as Redis's `lookupKey` does:
//!
//! * **lazy expiry**: a key whose TTL has passed is deleted when touched, the deletion is
//!   recorded for propagation (`DEL key`, or `UNLINK key` under `lazyfree-lazy-expire`, ahead of the command's own record) and counted in
//!   `expired_keys`;
//! * **hits and misses**: read lookups count `keyspace_hits` / `keyspace_misses`;
//! * **LRU**: lookups refresh the entry's LRU clock unless the client set CLIENT NO-TOUCH or
//!   the command asked not to;
//! * **type checks**: typed getters return `WRONGTYPE`.
//!
//! It also carries the command's [`Effects`]: the dirty counter and the propagation records.

use collections::SmallBytes;
use resp::parse::OwnedArgv;

use super::lfu::Lfu;
use super::{Entry, Keyspace, Shard};
use crate::cmd::error::CmdError;
use crate::server::executor::{Locks, ShardHint};
use crate::stats::WorkerStats;
use crate::types::{Kind, StrValue, Value};

/// How a lookup treats the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A read: counts hits/misses and refreshes the LRU clock.
    Read,
    /// A read that counts hits/misses but leaves the LRU clock alone (Redis's
    /// `LOOKUP_NOTOUCH`: EXISTS, TYPE, TTL, OBJECT).
    ReadNoTouch,
    /// A write: refreshes the LRU clock, no hit/miss accounting.
    Write,
    /// Neither stats nor LRU (EXISTS-like probes, TYPE, OBJECT).
    Peek,
}

/// What a command did that must be applied after it: propagation and dirtiness.
#[derive(Default, Debug)]
pub struct Effects {
    /// Number of changes (Redis's `server.dirty` delta).
    pub dirty: u64,
    /// Records to emit before the command's own (deletions of keys found expired).
    pub pre: Vec<(usize, OwnedArgv)>,
    /// If set, what to propagate instead of the command as received.
    pub rewrite: Option<Vec<(usize, OwnedArgv)>>,
    /// Number of keys removed by lazy expiry during the command.
    pub expired: u64,
    /// Watched keys looked up for writing: touched after the command if it changed data
    /// (`multi::watch`). Only filled when the key's shard has watchers.
    pub touched: Vec<(usize, Vec<u8>)>,
}

impl Effects {
    /// Replaces verbatim propagation with `argv` (may be called several times).
    pub fn propagate_as<I, A>(&mut self, db: usize, argv: I)
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>,
    {
        self.rewrite.get_or_insert_with(Vec::new).push((db, OwnedArgv::from_slices(argv)));
    }

    /// Propagates nothing for this command even if it changed data.
    pub fn propagate_nothing(&mut self) {
        self.rewrite.get_or_insert_with(Vec::new);
    }
}

/// A command's view of the keyspace. See the module docs.
pub struct DbCtx<'a> {
    pub locks: Locks<'a>,
    /// The client's selected database.
    pub index: usize,
    /// The command's clock (Unix ms), fixed for its whole run as Redis fixes it.
    pub now: i64,
    pub fx: Effects,
    pub ks: &'a Keyspace,
    pub stats: &'a WorkerStats,
    /// The stamp of a new entry: the LRU clock, or under an LFU policy the fresh LFU stamp.
    pub lru: u32,
    /// LFU parameters when an LFU policy is selected (accesses then bump the counter).
    pub lfu: Option<Lfu>,
    /// CLIENT NO-TOUCH is on for this client.
    pub no_touch: bool,
    /// The shard of the command's first key, found while locking.
    pub hint: ShardHint,
    /// The command may write: its lookups let a running snapshot save the entry first.
    pub writes: bool,
}

impl<'a> DbCtx<'a> {
    /// A view holding `locks`, with neutral per-command settings (`dispatch::run_in` sets
    /// them for each command).
    pub fn new(locks: Locks<'a>, ks: &'a Keyspace, stats: &'a WorkerStats) -> Self {
        DbCtx {
            locks,
            index: 0,
            now: 0,
            fx: Effects::default(),
            ks,
            stats,
            lru: 0,
            lfu: None,
            no_touch: false,
            hint: ShardHint::default(),
            writes: false,
        }
    }

    /// Returns the locked shard holding `key` in database `db`.
    pub fn shard_in(&mut self, db: usize, key: &[u8]) -> Result<&mut Shard, CmdError> {
        let s = self.hint.get(key).unwrap_or_else(|| self.ks.shard_of(key));
        self.locks.get(db, s).ok_or_else(|| {
            CmdError::msg("ERR internal error: key outside the command's locked shards")
        })
    }

    /// Looks `key` up in database `db`, expiring it first if its TTL has passed.
    pub fn lookup_in(
        &mut self,
        db: usize,
        key: &[u8],
        mode: Lookup,
    ) -> Result<Option<&mut Entry>, CmdError> {
        let now = self.now;
        let lru = self.lru;
        let touch = matches!(mode, Lookup::Read | Lookup::Write) && !self.no_touch;
        let counts = matches!(mode, Lookup::Read | Lookup::ReadNoTouch);
        let ks = self.ks;
        let s = self.hint.get(key).unwrap_or_else(|| ks.shard_of(key));
        let Some(shard) = self.locks.get(db, s) else {
            return Err(CmdError::msg(
                "ERR internal error: key outside the command's locked shards",
            ));
        };
        let guard = self.writes && shard.snap.is_some();
        let watched = mode == Lookup::Write && !shard.watch.is_empty();
        let res = shard.dict.get_mut_unless(key, |e| e.is_expired(now));
        match res {
            Ok(Some(e)) => {
                if watched {
                    self.fx.touched.push((db, key.to_vec()));
                }
                // A write command may change what it looks up: a running snapshot first
                // takes the entry's current state (persist/snapshot.rs).
                if guard {
                    Shard::guard(&mut shard.snap, e);
                }
                if touch {
                    match self.lfu {
                        None => e.set_lru(lru),
                        Some(l) => e.set_lru(l.touch(e.lru())),
                    }
                }
                if counts {
                    self.stats.hit();
                }
                Ok(Some(e))
            }
            Ok(None) => {
                if counts {
                    self.stats.miss();
                }
                Ok(None)
            }
            Err(mut expired) => {
                Shard::guard(&mut shard.snap, &mut expired);
                shard.watch.touch(key, false);
                if expired.has_expire() {
                    shard.expires -= 1;
                }
                self.fx.pre.push((db, OwnedArgv::from_slices([self.ks.expire_verb(), key])));
                self.fx.expired += 1;
                self.stats.expired(1);
                if counts {
                    self.stats.miss();
                }
                Ok(None)
            }
        }
    }

    /// Looks `key` up in the current database.
    #[inline]
    pub fn lookup(&mut self, key: &[u8], mode: Lookup) -> Result<Option<&mut Entry>, CmdError> {
        self.lookup_in(self.index, key, mode)
    }

    /// Reads a string value; `WRONGTYPE` for other types.
    pub fn get_str(&mut self, key: &[u8]) -> Result<Option<&mut StrValue>, CmdError> {
        match self.lookup(key, Lookup::Read)? {
            None => Ok(None),
            Some(Entry { val: Value::Str(s), .. }) => Ok(Some(s)),
            Some(_) => Err(CmdError::WrongType),
        }
    }

    /// Looks a string up for modification; `WRONGTYPE` for other types.
    pub fn get_str_mut(&mut self, key: &[u8]) -> Result<Option<&mut Entry>, CmdError> {
        match self.lookup(key, Lookup::Write)? {
            None => Ok(None),
            Some(e) => match e.val {
                Value::Str(_) => Ok(Some(e)),
                _ => Err(CmdError::WrongType),
            },
        }
    }

    /// Looks `key` up in the current database expecting a value of type `kind`: `None` if
    /// absent, `WRONGTYPE` if it holds another type. The collection families use this with
    /// `Value::as_hash_mut` and friends.
    pub fn lookup_typed(
        &mut self,
        key: &[u8],
        mode: Lookup,
        kind: Kind,
    ) -> Result<Option<&mut Entry>, CmdError> {
        match self.lookup(key, mode)? {
            None => Ok(None),
            Some(e) if e.val.kind() == kind => Ok(Some(e)),
            Some(_) => Err(CmdError::WrongType),
        }
    }

    /// True if `key` exists (and is not expired) in the current database.
    pub fn exists(&mut self, key: &[u8]) -> Result<bool, CmdError> {
        Ok(self.lookup(key, Lookup::Peek)?.is_some())
    }

    /// Stores `val` under `key` in database `db`, replacing any value. The TTL is kept when
    /// `keep_ttl`, otherwise replaced by `expire` ([`NO_EXPIRE`] for none).
    pub fn set_in(
        &mut self,
        db: usize,
        key: &[u8],
        val: Value,
        expire: i64,
        keep_ttl: bool,
    ) -> Result<(), CmdError> {
        let lru = self.lru;
        let lfu = self.lfu.is_some();
        let now = self.now;
        let shard = self.shard_in(db, key)?;
        match shard.dict.get_mut(key) {
            Some(e) if !e.is_expired(now) => {
                Shard::guard(&mut shard.snap, e);
                shard.watch.touch(key, true);
                e.val = val;
                // An overwritten key keeps its LFU history (Redis's dbSetValue); under LRU the
                // new value is fresh.
                if !lfu {
                    e.set_lru(lru);
                }
                if !keep_ttl && e.expire() != expire {
                    shard.set_expire(key, expire);
                }
                return Ok(());
            }
            None => {
                shard.insert_new(Entry::new(key, val, expire, lru));
                return Ok(());
            }
            Some(_) => {}
        }
        // Overwriting a key whose TTL has passed first expires it (counted and propagated),
        // as Redis's lookupKeyWrite does for MSET and friends; the new value has no old TTL.
        self.lookup_in(db, key, Lookup::Peek)?;
        self.shard_in(db, key)?.insert_new(Entry::new(key, val, expire, lru));
        Ok(())
    }

    /// Stores `val` under `key` in the current database (see [`set_in`](Self::set_in)).
    #[inline]
    pub fn set(
        &mut self,
        key: &[u8],
        val: Value,
        expire: i64,
        keep_ttl: bool,
    ) -> Result<(), CmdError> {
        self.set_in(self.index, key, val, expire, keep_ttl)
    }

    /// Deletes `key` from database `db`; returns the removed entry. An expired key counts as
    /// absent (its lazy deletion is still propagated).
    pub fn delete_in(&mut self, db: usize, key: &[u8]) -> Result<Option<Entry>, CmdError> {
        if self.lookup_in(db, key, Lookup::Peek)?.is_none() {
            return Ok(None);
        }
        Ok(self.shard_in(db, key)?.take(key))
    }

    /// Deletes `key` from the current database.
    #[inline]
    pub fn delete(&mut self, key: &[u8]) -> Result<Option<Entry>, CmdError> {
        self.delete_in(self.index, key)
    }

    /// Sets the absolute expiry of an existing key (NO_EXPIRE to persist). Returns false if
    /// the key does not exist.
    pub fn set_expire_in(&mut self, db: usize, key: &[u8], at: i64) -> Result<bool, CmdError> {
        if self.lookup_in(db, key, Lookup::Peek)?.is_none() {
            return Ok(false);
        }
        Ok(self.shard_in(db, key)?.set_expire(key, at))
    }

    /// Sets the expiry of an existing key in the current database.
    #[inline]
    pub fn set_expire(&mut self, key: &[u8], at: i64) -> Result<bool, CmdError> {
        self.set_expire_in(self.index, key, at)
    }

    /// Records the removal of an expired key found by a walk (SCAN, RANDOMKEY): the same
    /// bookkeeping as a lazy expiry in [`lookup_in`](Self::lookup_in).
    fn note_expired(&mut self, db: usize, key: &[u8]) {
        self.fx.pre.push((db, OwnedArgv::from_slices([self.ks.expire_verb(), key])));
        self.fx.expired += 1;
        self.stats.expired(1);
    }

    /// One SCAN step over the current database (Db scope: every shard is held).
    ///
    /// The cursor packs the shard index in its low `log2(shards)` bits and that shard's dict
    /// cursor (reverse-binary, see `collections::dict`) in the bits above. Shards are walked
    /// in index order, each to its end, so a key present for the whole scan is returned at
    /// least once whatever resizes happen between calls; a key may be returned twice when
    /// its shard's table shrinks between calls, as in Redis.
    ///
    /// Visits buckets until `count` live keys were seen or `count * 10` buckets were
    /// visited, whichever comes first (Redis's bound); empty shards are skipped for free,
    /// so a small database is returned whole by one call as Redis does. Expired keys met on the way are
    /// deleted and never shown. `keep` filters the keys that were seen (MATCH / TYPE).
    /// Returns the next cursor (0: done) and the kept keys.
    pub fn scan_step(
        &mut self,
        cursor: u64,
        count: usize,
        mut keep: impl FnMut(&Entry) -> bool,
    ) -> (u64, Vec<SmallBytes>) {
        let db = self.index;
        let nshards = self.ks.shard_count();
        let bits = nshards.trailing_zeros();
        let mut shard = (cursor & (nshards as u64 - 1)) as usize;
        let mut dc = if bits == 64 { 0 } else { cursor >> bits };
        let now = self.now;
        let mut out = Vec::new();
        let mut seen = 0usize;
        let mut budget = count.saturating_mul(10).max(1);
        // Expired keys met on the way are deleted only after the walk: deleting during it
        // could shrink a table mid-walk and make the cursor visit a bucket's keys twice.
        let mut expired: Vec<(usize, SmallBytes)> = Vec::new();
        let next = loop {
            let Some(sh) = self.locks.get(db, shard) else {
                // Not held (cannot happen under Db scope): end the scan rather than loop.
                break 0;
            };
            let empty = sh.dict.is_empty();
            if empty {
                dc = 0;
            } else {
                dc = sh.dict.scan(dc, |e| {
                    if e.is_expired(now) {
                        expired.push((shard, SmallBytes::new(&e.key)));
                    } else {
                        seen += 1;
                        if keep(e) {
                            out.push(SmallBytes::new(&e.key));
                        }
                    }
                });
            }
            if !empty {
                budget -= 1;
            }
            if dc == 0 {
                // On to the next shard that holds keys; past the last one the scan is over.
                loop {
                    shard += 1;
                    if shard == nshards {
                        break;
                    }
                    if self.locks.get(db, shard).is_some_and(|s| !s.dict.is_empty()) {
                        break;
                    }
                }
            }
            if shard == nshards {
                break 0;
            }
            if seen >= count || budget == 0 {
                break (dc << bits) | shard as u64;
            }
        };
        let verb = self.ks.expire_verb();
        for (sh, k) in expired {
            if let Some(shard) = self.locks.get(db, sh) {
                shard.take(&k);
            }
            self.fx.pre.push((db, OwnedArgv::from_slices([verb, k.as_slice()])));
            self.fx.expired += 1;
            self.stats.expired(1);
        }
        (next, out)
    }

    /// Every live key of the current database for which `keep` is true (KEYS). Expired keys
    /// are skipped, not deleted, as Redis's KEYS does.
    pub fn all_keys(&mut self, mut keep: impl FnMut(&Entry) -> bool) -> Vec<SmallBytes> {
        let now = self.now;
        let mut out = Vec::new();
        for sh in self.shards() {
            for e in sh.dict.iter() {
                if !e.is_expired(now) && keep(e) {
                    out.push(SmallBytes::new(&e.key));
                }
            }
        }
        out
    }

    /// A random live key of the current database (RANDOMKEY), each key about equally
    /// likely: the shard is drawn weighted by its size, then a key within it. Expired keys
    /// drawn on the way are deleted and the draw repeats.
    pub fn random_key(&mut self, mut rand: impl FnMut() -> u64) -> Option<SmallBytes> {
        let db = self.index;
        let now = self.now;
        let nshards = self.ks.shard_count();
        // Each failed draw deletes a key, so this ends; the bound is a safety net.
        for _ in 0..1_000_000 {
            let sizes: Vec<usize> = (0..nshards)
                .map(|s| self.locks.get(db, s).map(|sh| sh.dict.len()).unwrap_or(0))
                .collect();
            let total: usize = sizes.iter().sum();
            if total == 0 {
                return None;
            }
            let mut r = (rand() % total as u64) as usize;
            let mut shard = 0;
            while r >= sizes[shard] {
                r -= sizes[shard];
                shard += 1;
            }
            let sh = self.locks.get(db, shard)?;
            let (key, dead) = {
                let e = sh.dict.random(&mut rand)?;
                (SmallBytes::new(&e.key), e.is_expired(now))
            };
            if !dead {
                return Some(key);
            }
            sh.take(&key);
            self.note_expired(db, &key);
        }
        None
    }

    /// Visits every locked shard of the current database (Db-scoped commands).
    pub fn shards<'s>(&'s mut self) -> impl Iterator<Item = &'s mut Shard> + use<'s, 'a> {
        let db = self.index;
        self.locks.shards_of(db)
    }

    /// Marks `n` changes.
    #[inline]
    pub fn dirty(&mut self, n: u64) {
        self.fx.dirty += n;
    }

    /// After the command: if it changed data, the watched keys it looked up for writing
    /// count as modified (Redis's `signalModifiedKey`), see `multi::watch`.
    pub fn signal_modified(&mut self) {
        if self.fx.touched.is_empty() {
            return;
        }
        let touched = std::mem::take(&mut self.fx.touched);
        if self.fx.dirty == 0 {
            return;
        }
        for (d, key) in touched {
            if let Some(shard) = self.locks.get(d, self.ks.shard_of(&key)) {
                let exists = shard.dict.get(&key).is_some();
                shard.watch.touch(&key, exists);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::db::{Keyspace, NO_EXPIRE};

    fn ctx<'a>(ks: &'a Keyspace, stats: &'a WorkerStats, now: i64) -> DbCtx<'a> {
        let mut c = DbCtx::new(ks.lock_all(), ks, stats);
        c.now = now;
        c.writes = true;
        c
    }

    fn put(c: &mut DbCtx<'_>, key: &str, expire: i64) {
        c.set(key.as_bytes(), Value::Str(StrValue::Int(1)), expire, false).unwrap();
    }

    #[test]
    fn scan_step_covers_stable_keys_across_shards_while_tables_resize() {
        let ks = Keyspace::new(1, 8);
        let stats = WorkerStats::new(0);
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut step = 0;
        {
            let mut c = ctx(&ks, &stats, 1000);
            for i in 0..3000 {
                put(&mut c, &format!("s{i}"), NO_EXPIRE);
            }
        }
        loop {
            let mut c = ctx(&ks, &stats, 1000);
            let (next, keys) = c.scan_step(cursor, 10, |_| true);
            seen.extend(keys.into_iter().map(|k| k.as_slice().to_vec()));
            // Grow the tables for a while, then shrink them back.
            for j in 0..200 {
                let k = format!("t{}:{j}", step % 30);
                if step < 30 {
                    put(&mut c, &k, NO_EXPIRE);
                } else if step < 60 {
                    c.delete(k.as_bytes()).unwrap();
                }
            }
            step += 1;
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        for i in 0..3000 {
            assert!(seen.contains(format!("s{i}").as_bytes()), "s{i} missed");
        }
    }

    #[test]
    fn walks_never_show_expired_keys_and_delete_what_they_meet() {
        let ks = Keyspace::new(1, 4);
        let stats = WorkerStats::new(0);
        let mut c = ctx(&ks, &stats, 1000);
        for i in 0..100 {
            put(&mut c, &format!("dead{i}"), 500);
        }
        put(&mut c, "live", 5000);
        let (next, keys) = c.scan_step(0, 1000, |_| true);
        assert_eq!(next, 0);
        assert_eq!(keys, vec![SmallBytes::new(b"live")]);
        assert_eq!(c.fx.expired, 100);
        assert_eq!(c.fx.pre.len(), 100);
        let total: usize = c.shards().map(|s| s.dict.len()).sum();
        assert_eq!(total, 1);
        let expires: usize = c.shards().map(|s| s.expires).sum();
        assert_eq!(expires, 1);

        for i in 0..50 {
            put(&mut c, &format!("dead{i}"), 500);
        }
        let mut x = 7u64;
        let mut rng = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        assert_eq!(c.random_key(&mut rng), Some(SmallBytes::new(b"live")));
        assert_eq!(c.all_keys(|_| true), vec![SmallBytes::new(b"live")]);
        c.delete(b"live").unwrap();
        // Only expired keys left: RANDOMKEY deletes them all and finds nothing.
        assert_eq!(c.random_key(&mut rng), None);
        assert_eq!(c.shards().map(|s| s.dict.len()).sum::<usize>(), 0);
    }
}
