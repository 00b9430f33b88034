//! The keyspace: databases, shards and entries.
//!
//! Each of the `databases` databases is split into `S` shards by cluster hash slot
//! (`slot * S / 16384`, contiguous slot ranges), each shard behind its own lock. A command
//! locks only the shards of its keys (see `server/executor.rs`), so commands on independent
//! keys never contend, and keys sharing a `{hash tag}` always share a shard. Nothing in this
//! module locks: callers hand it shards they already hold.
//!
//! An [`Entry`] keeps the key, the value, the absolute expiry time in Unix milliseconds and
//! the LRU clock of its last access, in one allocation (the dict node).

pub mod expire;
pub mod lazyfree;
pub mod lfu;
pub mod stats;
pub mod view;

use collections::{Dict, KeyBytes, Keyed};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::types::Value;
use crate::util::slot::{key_slot, SLOTS};

pub use view::DbCtx;

/// `Entry::expire` of a key without a TTL.
pub const NO_EXPIRE: i64 = -1;

/// One key and its value.
#[derive(Debug)]
pub struct Entry {
    /// The key, carrying in its spare bytes the LRU clock (seconds, 24 bits) of the last
    /// access ([`Entry::lru`]) and the snapshot flag ([`Entry::snap_flag`]).
    pub key: KeyBytes,
    pub val: Value,
    /// Absolute expiry in Unix ms, or [`NO_EXPIRE`].
    expire: i64,
}

impl Keyed for Entry {
    #[inline]
    fn key(&self) -> &[u8] {
        self.key.as_slice()
    }
}

impl Entry {
    /// A new entry (snapshot flag clear: the shard sets it when inserting).
    #[inline]
    pub fn new(key: &[u8], val: Value, expire: i64, lru: u32) -> Self {
        Entry { key: KeyBytes::new(key, lru), val, expire }
    }

    /// Absolute expiry in Unix ms, or [`NO_EXPIRE`].
    #[inline]
    pub fn expire(&self) -> i64 {
        self.expire
    }

    /// True if the entry has a TTL.
    #[inline]
    pub fn has_expire(&self) -> bool {
        self.expire() != NO_EXPIRE
    }

    /// Sets the expiry field only (callers keep the shard's TTL count: use
    /// [`Shard::set_expire`] unless you do).
    #[inline]
    fn set_expire_raw(&mut self, at: i64) {
        self.expire = at;
    }

    /// The snapshot flag (`persist::snapshot`): equal to the shard's `snap_flag` once the
    /// running snapshot holds this entry's state, or when the entry was born after it began.
    #[inline]
    pub fn snap_flag(&self) -> bool {
        self.key.flag()
    }

    /// Sets the snapshot flag.
    #[inline]
    pub fn set_snap_flag(&mut self, f: bool) {
        self.key.set_flag(f);
    }

    /// LRU clock (seconds, 24 bits) of the last access.
    #[inline]
    pub fn lru(&self) -> u32 {
        self.key.stamp()
    }

    /// Stamps the LRU clock.
    #[inline]
    pub fn set_lru(&mut self, lru: u32) {
        self.key.set_stamp(lru);
    }

    /// True if the entry has a TTL that has passed at `now` (Redis: `now > when`).
    #[inline]
    pub fn is_expired(&self, now: i64) -> bool {
        let e = self.expire();
        e != NO_EXPIRE && now > e
    }
}

/// The part of one database that one lock protects.
#[derive(Default)]
pub struct Shard {
    /// The entries. Read it freely; change entries only through the methods below (or
    /// after [`Shard::before_write`]) so a running snapshot sees their old state.
    pub dict: Dict<Entry>,
    /// Number of entries with a TTL (INFO keyspace `expires`).
    pub expires: usize,
    /// Where the active expiry cycle resumes its walk of `dict`.
    pub expire_cursor: u64,
    /// Sum and count of remaining TTLs seen by the last expiry pass (INFO `avg_ttl`).
    pub avg_ttl: i64,
    /// Clients blocked on keys of this shard (BLPOP ...), served by writes to them.
    pub waiters: crate::blocking::KeyWaiters,
    /// Clients WATCHing keys of this shard; modifications below mark them dirty.
    pub watch: crate::multi::watch::WatchTable,
    /// The value of [`Entry::snap_flag`] that means "done" for the current (or last)
    /// snapshot; new entries are born with it.
    pub snap_flag: bool,
    /// The running snapshot's state for this shard, if one is running and has not yet
    /// finished this shard.
    pub snap: Option<Box<crate::persist::snapshot::ShardSnap>>,
}

impl Shard {
    /// Call before changing or removing `e` (an entry of this shard): a running snapshot
    /// that has not written it yet serializes its current state first.
    #[inline]
    pub fn guard(snap: &mut Option<Box<crate::persist::snapshot::ShardSnap>>, e: &mut Entry) {
        if let Some(s) = snap {
            s.guard(e);
        }
    }

    /// [`Shard::guard`] for the entry under `key`, if any.
    #[inline]
    pub fn before_write(&mut self, key: &[u8]) {
        if self.snap.is_some() {
            if let Some(e) = self.dict.get_mut(key) {
                Self::guard(&mut self.snap, e);
            }
        }
    }

    /// Inserts an entry known to be absent, flagged as born after any running snapshot.
    pub fn insert_new(&mut self, mut e: Entry) {
        self.watch.touch(e.key.as_slice(), true);
        e.set_snap_flag(self.snap_flag);
        if e.has_expire() {
            self.expires += 1;
        }
        self.dict.insert_new(e);
    }

    /// Inserts or replaces an entry, keeping the TTL count right.
    pub fn put(&mut self, mut e: Entry) -> Option<Entry> {
        self.before_write(e.key.as_slice());
        self.watch.touch(e.key.as_slice(), true);
        e.set_snap_flag(self.snap_flag);
        let has_ttl = e.has_expire();
        let old = self.dict.insert(e);
        if let Some(o) = &old {
            if o.has_expire() {
                self.expires -= 1;
            }
        }
        if has_ttl {
            self.expires += 1;
        }
        old
    }

    /// Removes an entry, keeping the TTL count right.
    pub fn take(&mut self, key: &[u8]) -> Option<Entry> {
        self.before_write(key);
        let e = self.dict.remove(key)?;
        self.watch.touch(key, false);
        if e.has_expire() {
            self.expires -= 1;
        }
        Some(e)
    }

    /// Sets or clears the TTL of an existing entry; returns false if the key is absent.
    pub fn set_expire(&mut self, key: &[u8], at: i64) -> bool {
        let Some(e) = self.dict.get_mut(key) else { return false };
        Self::guard(&mut self.snap, e);
        self.watch.touch(key, true);
        let before = e.has_expire();
        e.set_expire_raw(at);
        let after = e.has_expire();
        match (before, after) {
            (false, true) => self.expires += 1,
            (true, false) => self.expires -= 1,
            _ => {}
        }
        true
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.snap_finish();
        self.touch_all_watched();
        self.dict.clear();
        self.expires = 0;
        self.expire_cursor = 0;
    }

    /// Empties the shard, returning its table whole (to be freed in the background).
    pub fn take_all(&mut self) -> Dict<Entry> {
        self.snap_finish();
        self.touch_all_watched();
        self.expires = 0;
        self.expire_cursor = 0;
        std::mem::take(&mut self.dict)
    }

    /// The whole dataset of the shard goes: every watcher of a present key is touched.
    fn touch_all_watched(&mut self) {
        if !self.watch.is_empty() {
            self.watch.touch_all(&self.dict, None, crate::util::time::now_ms());
        }
    }

    /// Makes a running snapshot serialize every entry of this shard it still needs, now
    /// (before a FLUSHDB or SWAPDB changes the whole shard at once).
    pub fn snap_finish(&mut self) {
        if let Some(s) = &mut self.snap {
            s.finish(&mut self.dict);
        }
    }
}

/// A shard lock on its own cache line, so two cores taking neighbouring shards do not
/// bounce one line between them.
#[repr(align(64))]
pub struct PaddedShard(pub Mutex<Shard>);

/// One database: `S` shards.
pub struct Db {
    pub shards: Box<[PaddedShard]>,
}

/// Every database.
pub struct Keyspace {
    pub dbs: Box<[Db]>,
    /// Mirror of `lazyfree-lazy-expire`: expired keys are then propagated as `UNLINK`
    /// instead of `DEL`, as Redis does. Kept here so the lookup path reads one relaxed
    /// atomic instead of the configuration; whoever applies the config keeps it in sync.
    pub lazy_expire: AtomicBool,
    /// log2 of the shard count.
    shard_bits: u32,
}

impl Keyspace {
    /// Creates `databases` empty databases of `shards` shards (rounded up to a power of two,
    /// at most 16384).
    pub fn new(databases: usize, shards: usize) -> Self {
        let shards = shards.clamp(1, SLOTS).next_power_of_two();
        let dbs = (0..databases)
            .map(|_| Db {
                shards: (0..shards).map(|_| PaddedShard(Mutex::new(Shard::default()))).collect(),
            })
            .collect();
        Keyspace { dbs, lazy_expire: AtomicBool::new(false), shard_bits: shards.trailing_zeros() }
    }

    /// Number of databases.
    #[inline]
    pub fn db_count(&self) -> usize {
        self.dbs.len()
    }

    /// Number of shards per database.
    #[inline]
    pub fn shard_count(&self) -> usize {
        1 << self.shard_bits
    }

    /// The shard a key lives in.
    #[inline]
    pub fn shard_of(&self, key: &[u8]) -> usize {
        if self.shard_bits == 0 {
            return 0;
        }
        key_slot(key) >> (14 - self.shard_bits)
    }

    /// The command that replays the removal of an expired key: `UNLINK` under
    /// `lazyfree-lazy-expire`, else `DEL`.
    #[inline]
    pub fn expire_verb(&self) -> &'static [u8] {
        if self.lazy_expire.load(Ordering::Relaxed) {
            b"UNLINK"
        } else {
            b"DEL"
        }
    }

    /// The shard that holds hash slot `slot`.
    #[inline]
    pub fn shard_of_slot(&self, slot: usize) -> usize {
        slot >> (14 - self.shard_bits)
    }
}
