//! The collection encoding thresholds (`hash-max-listpack-entries`, ...), readable on every
//! write without a lock.
//!
//! HSET, SADD, ZADD and the list pushes check these on every call, so they must cost no more
//! than a plain load: each is a relaxed atomic, refreshed whenever the settings are rebuilt
//! (startup, CONFIG SET). A command reads them once into a [`Limits`] copy.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

use super::Settings;

/// A copy of the thresholds, taken once per command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    /// Positive: entries per quicklist node; -1..-5: node size 4, 8, 16, 32, 64 KiB.
    pub list_max_listpack_size: i64,
    pub list_compress_depth: u64,
    pub set_max_intset_entries: u64,
    pub set_max_listpack_entries: u64,
    pub set_max_listpack_value: u64,
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
}

impl Default for Limits {
    /// Redis's defaults.
    fn default() -> Self {
        Limits {
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            set_max_intset_entries: 512,
            set_max_listpack_entries: 128,
            set_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
        }
    }
}

/// The live thresholds. See the module docs.
#[derive(Default)]
pub struct EncodingLimits {
    hash_entries: AtomicU64,
    hash_value: AtomicU64,
    list_size: AtomicI64,
    list_depth: AtomicU64,
    intset_entries: AtomicU64,
    set_entries: AtomicU64,
    set_value: AtomicU64,
    zset_entries: AtomicU64,
    zset_value: AtomicU64,
}

impl EncodingLimits {
    /// Copies the thresholds from freshly built settings.
    pub fn store(&self, s: &Settings) {
        self.hash_entries.store(s.hash_max_listpack_entries, Relaxed);
        self.hash_value.store(s.hash_max_listpack_value, Relaxed);
        self.list_size.store(s.list_max_listpack_size, Relaxed);
        self.list_depth.store(s.list_compress_depth as u64, Relaxed);
        self.intset_entries.store(s.set_max_intset_entries, Relaxed);
        self.set_entries.store(s.set_max_listpack_entries, Relaxed);
        self.set_value.store(s.set_max_listpack_value, Relaxed);
        self.zset_entries.store(s.zset_max_listpack_entries, Relaxed);
        self.zset_value.store(s.zset_max_listpack_value, Relaxed);
    }

    /// The current thresholds.
    #[inline]
    pub fn get(&self) -> Limits {
        Limits {
            hash_max_listpack_entries: self.hash_entries.load(Relaxed),
            hash_max_listpack_value: self.hash_value.load(Relaxed),
            list_max_listpack_size: self.list_size.load(Relaxed),
            list_compress_depth: self.list_depth.load(Relaxed),
            set_max_intset_entries: self.intset_entries.load(Relaxed),
            set_max_listpack_entries: self.set_entries.load(Relaxed),
            set_max_listpack_value: self.set_value.load(Relaxed),
            zset_max_listpack_entries: self.zset_entries.load(Relaxed),
            zset_max_listpack_value: self.zset_value.load(Relaxed),
        }
    }
}
