//! WATCH: the check-and-set half of transactions (the second half of Redis's `multi.c`).
//!
//! Each shard holds a [`WatchTable`]: watched key → the clients watching it. Whatever
//! modifies a watched key marks its watchers dirty, which is the `DIRTY_CAS` bit of their
//! [`ClientInfo`] (CLIENT LIST shows it as `d`); EXEC finds the bit and answers a null array.
//! The table is guarded by its shard's lock, which every modification already holds, so
//! marking costs nothing on the write path when nobody watches (one `is_empty` test).
//!
//! Where modifications are seen:
//! * `Shard::{put, take, set_expire, insert_new}` (new, replaced, deleted and re-expired
//!   keys, active and lazy expiry included) touch at once;
//! * a value changed in place was looked up with `Lookup::Write`: `DbCtx` notes the key and
//!   dispatch touches it after the command if the command changed data (`dirty > 0`), so a
//!   no-op such as SADD of a present member leaves watchers alone, as in Redis;
//! * FLUSHDB, FLUSHALL, SWAPDB and DEBUG RELOAD touch every watched key that existed
//!   (Redis's `touchAllWatchedKeysInDb`).
//!
//! As in Redis 7, a key that was already logically expired when WATCHed is remembered as
//! such: its deletion is no change (the flag is cleared), and EXEC fails if a watched key
//! that was live at WATCH time has expired since, even if nothing deleted it yet.

use std::collections::HashMap;
use std::sync::Arc;

use collections::Dict;

use crate::conn::client::{cflags, ClientInfo};
use crate::db::Entry;

/// One client watching one key.
pub struct Watcher {
    pub info: Arc<ClientInfo>,
    /// The key was logically expired (present but past its TTL) when WATCHed.
    pub expired: bool,
}

/// A shard's watched keys. See the module docs.
#[derive(Default)]
pub struct WatchTable {
    map: HashMap<Box<[u8]>, Vec<Watcher>>,
}

impl WatchTable {
    /// True when no key of the shard is watched: the write path's only cost.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Adds `info` as a watcher of `key`.
    pub fn add(&mut self, key: &[u8], info: &Arc<ClientInfo>, expired: bool) {
        self.map.entry(key.into()).or_default().push(Watcher { info: info.clone(), expired });
    }

    /// Removes client `id` from the watchers of `key`.
    pub fn remove(&mut self, key: &[u8], id: u64) {
        if let Some(v) = self.map.get_mut(key) {
            v.retain(|w| w.info.id != id);
            if v.is_empty() {
                self.map.remove(key);
            }
        }
    }

    /// The watcher entry of client `id` for `key`, if it watches it.
    pub fn get(&self, key: &[u8], id: u64) -> Option<&Watcher> {
        self.map.get(key)?.iter().find(|w| w.info.id == id)
    }

    /// `key` was modified; `exists` says whether it is present afterwards. A watcher that
    /// saw the key already expired and now finds it deleted sees no change.
    pub fn touch(&mut self, key: &[u8], exists: bool) {
        if self.map.is_empty() {
            return;
        }
        if let Some(v) = self.map.get_mut(key) {
            for w in v.iter_mut() {
                if w.expired && !exists {
                    w.expired = false;
                } else {
                    w.info.set_flag(cflags::DIRTY_CAS, true);
                }
            }
        }
    }

    /// The shard's dataset is being emptied (`emptied` is what it held) and, for SWAPDB,
    /// replaced by `replaced_with`: every watched key present in either is touched, as
    /// Redis's `touchAllWatchedKeysInDb` decides it.
    pub fn touch_all(
        &mut self,
        emptied: &Dict<Entry>,
        replaced_with: Option<&Dict<Entry>>,
        now: i64,
    ) {
        for (key, v) in self.map.iter_mut() {
            let in_emptied = emptied.get(key).is_some();
            let replacement = replaced_with.and_then(|d| d.get(key));
            if !in_emptied && replacement.is_none() {
                continue;
            }
            let replacement_expired = replacement.is_some_and(|e| e.is_expired(now));
            for w in v.iter_mut() {
                if w.expired {
                    if replacement.is_none() {
                        // The expired key is gone: logically no change.
                        w.expired = false;
                        continue;
                    }
                    if replacement_expired {
                        continue;
                    }
                } else if !in_emptied && replacement_expired {
                    // A missing key replaced by an expired one: still missing.
                    w.expired = true;
                    continue;
                }
                w.info.set_flag(cflags::DIRTY_CAS, true);
            }
        }
    }
}
