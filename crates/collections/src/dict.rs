//! A chained hash table with incremental rehashing and a reverse-binary SCAN cursor.
//!
//! This is the shape of Redis's `dict.c`, for the same reasons:
//!
//! * **Incremental rehash.** When the table must grow (load factor 1) or shrink (under 10%
//!   full), a second table of the new size is allocated and buckets move over a few at a time:
//!   one bucket per lookup or insert, plus whatever the owner's periodic tick grants with
//!   [`Dict::rehash_for`]. No single operation pays for a full rehash, so there is no latency
//!   spike when a shard of a million keys doubles.
//! * **SCAN guarantee.** With power-of-two bucket counts and chaining, an element's bucket is
//!   a pure function of its hash and the table size. Walking bucket indexes with the
//!   high-order bits incremented first (reverse-binary increment) means a cursor issued at
//!   one size covers exactly the right buckets at any other size, so every element present
//!   for the whole scan is returned at least once, whatever resizes happen between calls.
//!   During a rehash both tables are visited, the small one's bucket first, then every bucket
//!   of the large one that expands from it.
//!
//! Entries are stored whole in their nodes (`Box<Node<E>>`), so an entry never moves in
//! memory while it lives: rehashing relinks nodes and never copies entries.

use std::hash::BuildHasher;

/// An entry that can be found by its key bytes.
pub trait Keyed {
    /// Returns the key bytes the entry is hashed and compared by.
    fn key(&self) -> &[u8];
}

struct Node<E> {
    next: Option<Box<Node<E>>>,
    entry: E,
}

struct Table<E> {
    buckets: Vec<Option<Box<Node<E>>>>,
    used: usize,
}

impl<E> Table<E> {
    fn empty() -> Self {
        Table { buckets: Vec::new(), used: 0 }
    }

    fn with_size(n: usize) -> Self {
        let mut buckets = Vec::with_capacity(n);
        buckets.resize_with(n, || None);
        Table { buckets, used: 0 }
    }

    #[inline]
    fn mask(&self) -> usize {
        self.buckets.len().wrapping_sub(1)
    }
}

/// The smallest table a non-empty dict uses.
const MIN_SIZE: usize = 4;

/// A chained hash table keyed by byte strings. See the module docs.
pub struct Dict<E> {
    t0: Table<E>,
    t1: Table<E>,
    /// Next bucket of `t0` to move into `t1`; `None` when not rehashing.
    rehash_idx: Option<usize>,
    hasher: foldhash::fast::FixedState,
}

impl<E: Keyed> Default for Dict<E> {
    fn default() -> Self {
        Self::new()
    }
}

fn process_seed() -> u64 {
    use std::sync::OnceLock;
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5eed);
        t ^ (std::process::id() as u64).rotate_left(32) ^ (&SEED as *const _ as u64)
    })
}

impl<E: Keyed> Dict<E> {
    /// Returns an empty dict (no buckets allocated).
    pub fn new() -> Self {
        Dict {
            t0: Table::empty(),
            t1: Table::empty(),
            rehash_idx: None,
            hasher: foldhash::fast::FixedState::with_seed(process_seed()),
        }
    }

    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.t0.used + self.t1.used
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of buckets over both tables (for memory accounting and DEBUG HTSTATS).
    pub fn buckets(&self) -> usize {
        self.t0.buckets.len() + self.t1.buckets.len()
    }

    /// True while an incremental rehash is in progress.
    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    /// Returns the hash of `key` under this dict's seed.
    #[inline]
    pub fn hash_key(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Returns the entry for `key`.
    pub fn get(&self, key: &[u8]) -> Option<&E> {
        if self.is_empty() {
            return None;
        }
        let h = self.hash_key(key) as usize;
        for t in self.tables() {
            if t.buckets.is_empty() {
                continue;
            }
            let mut cur = t.buckets[h & t.mask()].as_deref();
            while let Some(n) = cur {
                if n.entry.key() == key {
                    return Some(&n.entry);
                }
                cur = n.next.as_deref();
            }
        }
        None
    }

    /// Returns the entry for `key` mutably. Advances a rehash in progress by one step.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut E> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = self.hash_key(key) as usize;
        let in_t1 = self.rehashing_active() && find_in(&self.t1, h, key);
        let t = if in_t1 { &mut self.t1 } else { &mut self.t0 };
        if t.buckets.is_empty() {
            return None;
        }
        let mask = t.mask();
        let mut cur = t.buckets[h & mask].as_deref_mut();
        while let Some(n) = cur {
            if n.entry.key() == key {
                return Some(&mut n.entry);
            }
            cur = n.next.as_deref_mut();
        }
        None
    }

    /// Looks `key` up for modification, hashing it once. If `evict` says the entry is stale
    /// (an expired key), the entry is removed and returned as `Err` instead.
    pub fn get_mut_unless(
        &mut self,
        key: &[u8],
        evict: impl FnOnce(&E) -> bool,
    ) -> Result<Option<&mut E>, E> {
        if self.is_empty() {
            return Ok(None);
        }
        self.rehash_step();
        let h = self.hash_key(key) as usize;
        let in_t1 = self.rehashing_active() && find_in(&self.t1, h, key);
        let which = if in_t1 { 1 } else { 0 };
        let stale = {
            let t = if which == 1 { &self.t1 } else { &self.t0 };
            if t.buckets.is_empty() {
                return Ok(None);
            }
            let mut cur = t.buckets[h & t.mask()].as_deref();
            let mut found = None;
            while let Some(n) = cur {
                if n.entry.key() == key {
                    found = Some(evict(&n.entry));
                    break;
                }
                cur = n.next.as_deref();
            }
            match found {
                None => return Ok(None),
                Some(s) => s,
            }
        };
        if stale {
            let t = if which == 1 { &mut self.t1 } else { &mut self.t0 };
            let idx = h & t.mask();
            let e = unlink(&mut t.buckets[idx], key);
            t.used -= 1;
            self.shrink_if_needed();
            return Err(e.expect("invariant: entry found above"));
        }
        let t = if which == 1 { &mut self.t1 } else { &mut self.t0 };
        let idx = h & t.mask();
        let mut cur = t.buckets[idx].as_deref_mut();
        while let Some(n) = cur {
            if n.entry.key() == key {
                return Ok(Some(&mut n.entry));
            }
            cur = n.next.as_deref_mut();
        }
        Ok(None)
    }

    /// Inserts `entry`, replacing and returning any entry with the same key.
    pub fn insert(&mut self, entry: E) -> Option<E> {
        self.rehash_step();
        if let Some(slot) = self.get_mut(entry.key()) {
            return Some(std::mem::replace(slot, entry));
        }
        self.insert_new(entry);
        None
    }

    /// Inserts an entry whose key the caller knows is absent. Like every write, it advances a
    /// rehash in progress by one step (otherwise a table filled by inserts alone would keep
    /// growing the new table's chains while the old one waits for a lookup).
    pub fn insert_new(&mut self, entry: E) {
        self.rehash_step();
        self.expand_if_needed();
        let h = self.hash_key(entry.key()) as usize;
        let t = if self.rehashing_active() { &mut self.t1 } else { &mut self.t0 };
        let idx = h & t.mask();
        let next = t.buckets[idx].take();
        t.buckets[idx] = Some(Box::new(Node { next, entry }));
        t.used += 1;
    }

    /// Removes and returns the entry for `key`.
    pub fn remove(&mut self, key: &[u8]) -> Option<E> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = self.hash_key(key) as usize;
        let mut removed = None;
        for which in 0..2 {
            let t = if which == 0 { &mut self.t0 } else { &mut self.t1 };
            if t.buckets.is_empty() {
                continue;
            }
            let idx = h & t.mask();
            if let Some(e) = unlink(&mut t.buckets[idx], key) {
                t.used -= 1;
                removed = Some(e);
                break;
            }
        }
        if removed.is_some() {
            self.shrink_if_needed();
        }
        removed
    }

    /// Removes every entry, freeing the buckets.
    pub fn clear(&mut self) {
        // Drop chains iteratively so a long chain cannot overflow the stack.
        for t in [&mut self.t0, &mut self.t1] {
            for b in t.buckets.iter_mut() {
                let mut cur = b.take();
                while let Some(mut n) = cur {
                    cur = n.next.take();
                }
            }
        }
        self.t0 = Table::empty();
        self.t1 = Table::empty();
        self.rehash_idx = None;
    }

    /// Visits every entry (no particular order).
    pub fn iter(&self) -> impl Iterator<Item = &E> + '_ {
        self.tables().flat_map(|t| t.buckets.iter()).flat_map(|b| ChainIter { cur: b.as_deref() })
    }

    /// Visits the buckets that `cursor` designates, calling `f` on each entry, and returns
    /// the next cursor (0 when the scan is complete). See the module docs for the guarantee.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&E)) -> u64 {
        self.scan_plan(cursor, |large, idx| {
            let t = self.scan_table(large);
            visit_bucket(t, idx, &mut f);
        })
    }

    /// [`scan`](Self::scan) with mutable access to the entries (a snapshot marks what it
    /// wrote). Entries must keep their keys.
    pub fn scan_mut(&mut self, cursor: u64, mut f: impl FnMut(&mut E)) -> u64 {
        let mut plan: Vec<(bool, usize)> = Vec::new();
        let next = self.scan_plan(cursor, |large, idx| plan.push((large, idx)));
        for (large, idx) in plan {
            let t = self.scan_table_mut(large);
            let mut cur = t.buckets[idx].as_deref_mut();
            while let Some(n) = cur {
                f(&mut n.entry);
                cur = n.next.as_deref_mut();
            }
        }
        next
    }

    /// Visits every entry mutably (no particular order). Entries must keep their keys.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut E)) {
        for t in [&mut self.t0, &mut self.t1] {
            for b in t.buckets.iter_mut() {
                let mut cur = b.as_deref_mut();
                while let Some(n) = cur {
                    f(&mut n.entry);
                    cur = n.next.as_deref_mut();
                }
            }
        }
    }

    /// The table a scan step reads: while rehashing, `large` picks the bigger of the two.
    fn scan_table(&self, large: bool) -> &Table<E> {
        if !self.rehashing_active() {
            return &self.t0;
        }
        let t0_small = self.t0.buckets.len() <= self.t1.buckets.len();
        if t0_small != large {
            &self.t0
        } else {
            &self.t1
        }
    }

    fn scan_table_mut(&mut self, large: bool) -> &mut Table<E> {
        if !self.rehashing_active() {
            return &mut self.t0;
        }
        let t0_small = self.t0.buckets.len() <= self.t1.buckets.len();
        if t0_small != large {
            &mut self.t0
        } else {
            &mut self.t1
        }
    }

    /// Calls `visit(large, bucket)` for each bucket the scan step at `cursor` covers, in
    /// order, and returns the next cursor.
    fn scan_plan(&self, cursor: u64, mut visit: impl FnMut(bool, usize)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let mut v = cursor;
        if !self.rehashing_active() {
            let m0 = self.t0.mask() as u64;
            visit(false, (v & m0) as usize);
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
        } else {
            let m0 = self.scan_table(false).mask() as u64;
            let m1 = self.scan_table(true).mask() as u64;
            visit(false, (v & m0) as usize);
            loop {
                visit(true, (v & m1) as usize);
                v |= !m1;
                v = v.reverse_bits().wrapping_add(1).reverse_bits();
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
        }
        v
    }

    /// Returns a pseudo-random entry, choosing a random non-empty bucket with `rand` and then
    /// a random element of its chain. `rand` must return uniformly distributed numbers.
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<&E> {
        if self.is_empty() {
            return None;
        }
        let total = self.t0.buckets.len() + self.t1.buckets.len();
        let start = self.rehash_idx.unwrap_or(0);
        // Buckets of t0 below rehash_idx are empty; skip them.
        let span = total - start;
        for _ in 0..(total * 4).max(64) {
            let i = start + (rand() % span as u64) as usize;
            let b = if i < self.t0.buckets.len() {
                &self.t0.buckets[i]
            } else {
                &self.t1.buckets[i - self.t0.buckets.len()]
            };
            if let Some(head) = b.as_deref() {
                let len = ChainIter { cur: Some(head) }.count();
                let k = (rand() % len as u64) as usize;
                return ChainIter { cur: Some(head) }.nth(k);
            }
        }
        self.iter().next()
    }

    /// Moves buckets from the old table to the new one for about `budget` time; returns
    /// true if a rehash is still in progress afterwards.
    pub fn rehash_for(&mut self, budget: std::time::Duration) -> bool {
        let start = std::time::Instant::now();
        while self.rehashing_active() {
            for _ in 0..100 {
                self.rehash_step();
            }
            if start.elapsed() >= budget {
                break;
            }
        }
        self.rehashing_active()
    }

    /// Shrinks the table when it is under 10% full (Redis's `htNeedsResize`).
    pub fn shrink_if_needed(&mut self) {
        if self.rehashing_active() {
            return;
        }
        let size = self.t0.buckets.len();
        let used = self.t0.used;
        if size > MIN_SIZE && used * 10 < size {
            self.resize(used.max(MIN_SIZE).next_power_of_two());
        }
    }

    fn tables(&self) -> impl Iterator<Item = &Table<E>> + '_ {
        std::iter::once(&self.t0).chain(std::iter::once(&self.t1))
    }

    #[inline]
    fn rehashing_active(&self) -> bool {
        self.rehash_idx.is_some()
    }

    fn expand_if_needed(&mut self) {
        if self.rehashing_active() {
            return;
        }
        if self.t0.buckets.is_empty() {
            self.t0 = Table::with_size(MIN_SIZE);
            return;
        }
        if self.t0.used >= self.t0.buckets.len() {
            self.resize((self.t0.used + 1).next_power_of_two());
        }
    }

    fn resize(&mut self, size: usize) {
        if size == self.t0.buckets.len() {
            return;
        }
        self.t1 = Table::with_size(size);
        self.rehash_idx = Some(0);
    }

    /// Moves one non-empty bucket (visiting at most 10 empty ones) from t0 to t1.
    fn rehash_step(&mut self) {
        let Some(mut idx) = self.rehash_idx else { return };
        let mut empty_visits = 10;
        while idx < self.t0.buckets.len() && self.t0.buckets[idx].is_none() {
            idx += 1;
            empty_visits -= 1;
            if empty_visits == 0 {
                self.rehash_idx = Some(idx);
                return;
            }
        }
        if idx < self.t0.buckets.len() {
            let mut cur = self.t0.buckets[idx].take();
            let mask = self.t1.mask();
            while let Some(mut n) = cur {
                cur = n.next.take();
                let h = self.hasher.hash_one(n.entry.key()) as usize;
                let slot = &mut self.t1.buckets[h & mask];
                n.next = slot.take();
                *slot = Some(n);
                self.t0.used -= 1;
                self.t1.used += 1;
            }
            idx += 1;
        }
        if self.t0.used == 0 {
            self.t0 = std::mem::replace(&mut self.t1, Table::empty());
            self.rehash_idx = None;
        } else {
            self.rehash_idx = Some(idx);
        }
    }
}

fn find_in<E: Keyed>(t: &Table<E>, h: usize, key: &[u8]) -> bool {
    if t.buckets.is_empty() {
        return false;
    }
    let mut cur = t.buckets[h & t.mask()].as_deref();
    while let Some(n) = cur {
        if n.entry.key() == key {
            return true;
        }
        cur = n.next.as_deref();
    }
    false
}

fn unlink<E: Keyed>(head: &mut Option<Box<Node<E>>>, key: &[u8]) -> Option<E> {
    let mut link = head;
    loop {
        match link {
            None => return None,
            Some(n) if n.entry.key() == key => {
                let mut node = link.take()?;
                *link = node.next.take();
                return Some(node.entry);
            }
            Some(n) => link = &mut n.next,
        }
    }
}

fn visit_bucket<E>(t: &Table<E>, idx: usize, f: &mut impl FnMut(&E)) {
    let mut cur = t.buckets[idx].as_deref();
    while let Some(n) = cur {
        f(&n.entry);
        cur = n.next.as_deref();
    }
}

struct ChainIter<'a, E> {
    cur: Option<&'a Node<E>>,
}

impl<'a, E> Iterator for ChainIter<'a, E> {
    type Item = &'a E;
    fn next(&mut self) -> Option<&'a E> {
        let n = self.cur?;
        self.cur = n.next.as_deref();
        Some(&n.entry)
    }
}

impl<E> Drop for Dict<E> {
    fn drop(&mut self) {
        for t in [&mut self.t0, &mut self.t1] {
            for b in t.buckets.iter_mut() {
                let mut cur = b.take();
                while let Some(mut n) = cur {
                    cur = n.next.take();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[derive(Debug, PartialEq)]
    struct E(Vec<u8>, u32);
    impl Keyed for E {
        fn key(&self) -> &[u8] {
            &self.0
        }
    }

    fn k(i: u32) -> Vec<u8> {
        format!("key:{i}").into_bytes()
    }

    #[test]
    fn insert_get_remove_through_growth_and_shrink() {
        let mut d = Dict::new();
        for i in 0..10_000 {
            assert!(d.insert(E(k(i), i)).is_none());
        }
        assert_eq!(d.len(), 10_000);
        for i in 0..10_000 {
            assert_eq!(d.get(&k(i)).map(|e| e.1), Some(i));
        }
        assert_eq!(d.insert(E(k(5), 55)).map(|e| e.1), Some(5));
        for i in 0..9_990 {
            assert!(d.remove(&k(i)).is_some(), "{i}");
        }
        assert_eq!(d.len(), 10);
        assert!(d.get(&k(3)).is_none());
        assert_eq!(d.get(&k(9_995)).map(|e| e.1), Some(9_995));
        assert_eq!(d.iter().count(), 10);
    }

    #[test]
    fn scan_returns_every_stable_element_while_growing_and_shrinking() {
        let mut d = Dict::new();
        for i in 0..1000 {
            d.insert(E(k(i), i));
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut step = 0u32;
        loop {
            cursor = d.scan(cursor, |e| {
                seen.insert(e.1);
            });
            // Grow then shrink the table between calls.
            if step < 20 {
                for j in 0..200 {
                    d.insert(E(k(100_000 + step * 1000 + j), 0));
                }
            } else if step < 40 {
                for j in 0..200 {
                    d.remove(&k(100_000 + (step - 20) * 1000 + j));
                }
            }
            step += 1;
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            assert!(seen.contains(&i), "missing {i}");
        }
    }

    #[test]
    fn random_returns_members() {
        let mut d = Dict::new();
        for i in 0..100 {
            d.insert(E(k(i), i));
        }
        let mut x = 12345u64;
        let mut rng = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut seen = HashSet::new();
        for _ in 0..2000 {
            seen.insert(d.random(&mut rng).unwrap().1);
        }
        assert!(seen.len() > 90);
    }
}
