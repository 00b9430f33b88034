//! `ScoredSet`: the large sorted-set encoding (what OBJECT ENCODING calls `skiplist`).
//!
//! A sorted set needs two views of the same members: by name (ZSCORE, ZADD's "already
//! there?", ZSCAN) and by (score, name) order with ranks (ZRANK, ZRANGE by index or score,
//! ZPOPMIN). Redis keeps a `dict` for the first and a skiplist with spans for the second, and
//! both point at one shared `sds` per member.
//!
//! Here the ordered view is not a skiplist but a **two-level B-tree with counts**: a vector of
//! sorted chunks of at most [`CHUNK_MAX`] items, plus a Fenwick tree over the chunk lengths
//! for ranks. Why not a skiplist:
//!
//! * **Memory.** A skiplist node carries the score, a member pointer, a back pointer and on
//!   average 1.33 (forward, span) pairs: about 48 bytes and one allocation per member. A
//!   chunk item is 24 bytes (score, member pointer) stored contiguously, about 30 bytes per
//!   member with chunks half to fully used, and no per-member allocation.
//! * **Speed.** Finding a position is a binary search over chunk maxima then inside one
//!   chunk: a handful of cache lines, where a skiplist walk touches a node (a cache miss) per
//!   step, ~2 log2 N of them. Ranks come from the Fenwick tree in O(log chunks); range
//!   replies walk contiguous memory.
//! * The cost is an O(CHUNK_MAX) move inside a chunk on insert and delete, and an
//!   O(chunks) Fenwick rebuild when a chunk splits or disappears, once per ~CHUNK_MAX/2
//!   changes: a few hundred nanoseconds amortized at a million members.
//!
//! The by-name view is the keyspace's own [`Dict`] (incremental rehash, and the SCAN cursor
//! ZSCAN needs), whose entries hold the member pointer and the score.
//!
//! **One copy of each member.** Each member's bytes live in one heap allocation owned by the
//! set and reached through a raw pointer from both its dict entry and its chunk item (Redis
//! shares the `sds` the same way). The set frees an allocation exactly when it removes the
//! member from both views, and on drop; the pointers never escape as anything but borrows
//! tied to `&self`.
//!
//! Order is Redis's: ascending score, ties broken by byte-wise member comparison (shorter
//! first on a common prefix), `-0` equal to `0`. Scores are never NaN (callers reject it).

use std::cmp::Ordering;
use std::ptr::NonNull;

use crate::dict::{Dict, Keyed};

/// Most items a chunk holds; a full chunk splits in two.
pub const CHUNK_MAX: usize = 128;

/// One member's name, allocated once and shared by both views.
#[derive(Clone, Copy)]
struct Name(NonNull<[u8]>);

impl Name {
    fn alloc(bytes: &[u8]) -> Name {
        let b: Box<[u8]> = bytes.into();
        Name(NonNull::from(Box::leak(b)))
    }

    #[inline]
    fn bytes<'a>(self) -> &'a [u8] {
        // SAFETY: a `Name` is only reachable from a `ScoredSet` that owns its allocation and
        // frees it only after removing the name from both views; every borrow handed out is
        // tied to a borrow of that set, so the allocation outlives it.
        unsafe { self.0.as_ref() }
    }

    /// Frees the allocation.
    ///
    /// SAFETY: the caller has removed every copy of this pointer from the set.
    unsafe fn free(self) {
        // SAFETY: the pointer came from `Box::leak` in `alloc` and is freed once (caller).
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

/// The dict entry: name and score.
struct Slot {
    name: Name,
    score: f64,
}

impl Keyed for Slot {
    #[inline]
    fn key(&self) -> &[u8] {
        self.name.bytes()
    }
}

/// A chunk item: score and name, ordered as Redis orders a sorted set.
#[derive(Clone, Copy)]
struct Item {
    score: f64,
    name: Name,
}

/// Compares (score, name) pairs in sorted-set order.
#[inline]
pub fn cmp_entry(s1: f64, n1: &[u8], s2: f64, n2: &[u8]) -> Ordering {
    if s1 < s2 {
        Ordering::Less
    } else if s1 > s2 {
        Ordering::Greater
    } else {
        n1.cmp(n2)
    }
}

impl Item {
    #[inline]
    fn cmp_to(&self, score: f64, name: &[u8]) -> Ordering {
        cmp_entry(self.score, self.name.bytes(), score, name)
    }
}

/// The large sorted-set encoding. See the module docs.
pub struct ScoredSet {
    dict: Dict<Slot>,
    chunks: Vec<Vec<Item>>,
    /// Fenwick tree over `chunks[i].len()`, 1-based inside (`fen[i - 1]`).
    fen: Vec<usize>,
}

// SAFETY: the raw name pointers are owned by the set exactly like a `Box<[u8]>` would be
// (no sharing with anything outside it, no interior mutability), so moving or sharing the
// set across threads is as safe as for owned boxes.
unsafe impl Send for ScoredSet {}
// SAFETY: see `Send`; `&ScoredSet` only permits reads of the names.
unsafe impl Sync for ScoredSet {}

impl Default for ScoredSet {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ScoredSet {
    fn drop(&mut self) {
        let names: Vec<Name> = self.dict.iter().map(|s| s.name).collect();
        self.chunks.clear();
        self.dict.clear();
        for n in names {
            // SAFETY: both views were just emptied; each name is freed once.
            unsafe { n.free() };
        }
    }
}

impl Clone for ScoredSet {
    fn clone(&self) -> Self {
        let mut s = ScoredSet::new();
        for (name, score) in self.iter() {
            s.insert(name, score);
        }
        s
    }
}

impl std::fmt::Debug for ScoredSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().map(|(n, s)| (String::from_utf8_lossy(n), s))).finish()
    }
}

impl ScoredSet {
    /// An empty set.
    pub fn new() -> Self {
        ScoredSet { dict: Dict::new(), chunks: Vec::new(), fen: Vec::new() }
    }

    /// Number of members.
    #[inline]
    pub fn len(&self) -> usize {
        self.dict.len()
    }

    /// True if there are no members.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    /// Approximate heap bytes owned.
    pub fn heap_size(&self) -> usize {
        let names: usize = self.dict.iter().map(|s| s.name.bytes().len().max(8)).sum();
        let chunks: usize = self.chunks.iter().map(|c| c.capacity() * 24 + 24).sum();
        names + chunks + self.dict.len() * 32 + self.dict.buckets() * 8 + self.fen.capacity() * 8
    }

    /// The score of `name`.
    #[inline]
    pub fn score(&self, name: &[u8]) -> Option<f64> {
        self.dict.get(name).map(|s| s.score)
    }

    /// Sets `name`'s score, adding it if absent; returns the previous score.
    pub fn insert(&mut self, name: &[u8], score: f64) -> Option<f64> {
        if let Some(slot) = self.dict.get_mut(name) {
            let old = slot.score;
            let n = slot.name;
            slot.score = score;
            if old == score {
                return Some(old);
            }
            // Same place in the order: update in place (Redis's zslUpdateScore fast path).
            let (ci, off) = self.locate_existing(old, n.bytes());
            let c = &self.chunks[ci];
            let fits_prev = off > 0 && c[off - 1].cmp_to(score, n.bytes()) == Ordering::Less
                || off == 0 && ci == 0
                || off == 0
                    && self.chunks[ci - 1]
                        .last()
                        .is_some_and(|p| p.cmp_to(score, n.bytes()) == Ordering::Less);
            let fits_next = if off + 1 < c.len() {
                c[off + 1].cmp_to(score, n.bytes()) == Ordering::Greater
            } else {
                self.chunks
                    .get(ci + 1)
                    .is_none_or(|nx| nx[0].cmp_to(score, n.bytes()) == Ordering::Greater)
            };
            if fits_prev && fits_next {
                self.chunks[ci][off].score = score;
            } else {
                self.remove_item(ci, off);
                self.insert_item(Item { score, name: n });
            }
            return Some(old);
        }
        let n = Name::alloc(name);
        self.dict.insert_new(Slot { name: n, score });
        self.insert_item(Item { score, name: n });
        None
    }

    /// Removes `name`; returns its score.
    pub fn remove(&mut self, name: &[u8]) -> Option<f64> {
        let slot = self.dict.remove(name)?;
        let (ci, off) = self.locate_existing(slot.score, slot.name.bytes());
        self.remove_item(ci, off);
        // SAFETY: removed from the dict and the chunks above.
        unsafe { slot.name.free() };
        Some(slot.score)
    }

    /// 0-based rank of `name` in ascending order.
    pub fn rank(&self, name: &[u8]) -> Option<usize> {
        let score = self.score(name)?;
        let (ci, off) = self.locate_existing(score, name);
        Some(self.prefix(ci) + off)
    }

    /// The member at ascending rank `r`.
    pub fn get_by_rank(&self, r: usize) -> Option<(&[u8], f64)> {
        let (ci, off) = self.find_rank(r)?;
        let it = self.chunks[ci][off];
        Some((it.name.bytes(), it.score))
    }

    /// Number of members for which `before(score, name)` holds; `before` must hold for a
    /// prefix of the order and not after it (e.g. "score < min").
    pub fn count_before(&self, mut before: impl FnMut(f64, &[u8]) -> bool) -> usize {
        let ci = self.chunks.partition_point(|c| {
            let last = c[c.len() - 1];
            before(last.score, last.name.bytes())
        });
        if ci == self.chunks.len() {
            return self.len();
        }
        let off = self.chunks[ci].partition_point(|it| before(it.score, it.name.bytes()));
        self.prefix(ci) + off
    }

    /// Ascending iterator from rank `start`.
    pub fn iter_from(&self, start: usize) -> Iter<'_> {
        let pos = self.find_rank(start).unwrap_or((self.chunks.len(), 0));
        Iter { set: self, ci: pos.0, off: pos.1 }
    }

    /// All members in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { set: self, ci: 0, off: 0 }
    }

    /// Descending iterator from ascending rank `start` (which comes first) downwards.
    pub fn iter_rev_from(&self, start: usize) -> RevIter<'_> {
        match self.find_rank(start) {
            Some((ci, off)) => RevIter { set: self, ci, off: off + 1 },
            None => RevIter { set: self, ci: 0, off: 0 },
        }
    }

    /// Removes ascending ranks `start..end`; returns how many went.
    pub fn remove_rank_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        let names: Vec<Name> =
            self.iter_from(start).take(end - start).map(|(n, _)| Name(NonNull::from(n))).collect();
        let (mut ci, off) = self.find_rank(start).unwrap_or((0, 0));
        let mut todo = end - start;
        let mut first = true;
        while todo > 0 && ci < self.chunks.len() {
            let from = if first { off } else { 0 };
            first = false;
            let c = &mut self.chunks[ci];
            let n = todo.min(c.len() - from);
            c.drain(from..from + n);
            todo -= n;
            ci += 1;
        }
        self.chunks.retain(|c| !c.is_empty());
        self.rebuild_fen();
        for n in names {
            self.dict.remove(n.bytes());
            // SAFETY: removed from the chunks above and the dict just now.
            unsafe { n.free() };
        }
        end - start
    }

    /// One ZSCAN step over the dict (see [`Dict::scan`]); calls `f(name, score)`.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], f64)) -> u64 {
        self.dict.scan(cursor, |s| f(s.name.bytes(), s.score))
    }

    /// Smallest chunk index whose last item is >= (score, name), and the offset there.
    fn locate_existing(&self, score: f64, name: &[u8]) -> (usize, usize) {
        let ci =
            self.chunks.partition_point(|c| c[c.len() - 1].cmp_to(score, name) == Ordering::Less);
        let off = self.chunks[ci].partition_point(|it| it.cmp_to(score, name) == Ordering::Less);
        (ci, off)
    }

    fn insert_item(&mut self, it: Item) {
        if self.chunks.is_empty() {
            self.chunks.push(vec![it]);
            self.rebuild_fen();
            return;
        }
        let name = it.name.bytes();
        let mut ci = self
            .chunks
            .partition_point(|c| c[c.len() - 1].cmp_to(it.score, name) == Ordering::Less);
        if ci == self.chunks.len() {
            ci -= 1;
        }
        let c = &mut self.chunks[ci];
        let off = c.partition_point(|x| x.cmp_to(it.score, name) == Ordering::Less);
        c.insert(off, it);
        if c.len() > CHUNK_MAX {
            let tail = c.split_off(c.len() / 2);
            self.chunks.insert(ci + 1, tail);
            self.rebuild_fen();
        } else {
            self.fen_add(ci, 1, false);
        }
    }

    fn remove_item(&mut self, ci: usize, off: usize) {
        self.chunks[ci].remove(off);
        let len = self.chunks[ci].len();
        if len == 0 {
            self.chunks.remove(ci);
            self.rebuild_fen();
        } else if len < CHUNK_MAX / 8
            && ci + 1 < self.chunks.len()
            && len + self.chunks[ci + 1].len() <= CHUNK_MAX / 2
        {
            let next = self.chunks.remove(ci + 1);
            self.chunks[ci].extend_from_slice(&next);
            self.rebuild_fen();
        } else {
            self.fen_add(ci, 1, true);
        }
    }

    fn rebuild_fen(&mut self) {
        let n = self.chunks.len();
        self.fen.clear();
        self.fen.extend(self.chunks.iter().map(|c| c.len()));
        for i in 1..=n {
            let j = i + (i & i.wrapping_neg());
            if j <= n {
                self.fen[j - 1] += self.fen[i - 1];
            }
        }
    }

    fn fen_add(&mut self, ci: usize, d: usize, sub: bool) {
        let mut i = ci + 1;
        while i <= self.fen.len() {
            if sub {
                self.fen[i - 1] -= d;
            } else {
                self.fen[i - 1] += d;
            }
            i += i & i.wrapping_neg();
        }
    }

    /// Sum of the lengths of chunks `0..ci`.
    fn prefix(&self, ci: usize) -> usize {
        let mut i = ci;
        let mut s = 0;
        while i > 0 {
            s += self.fen[i - 1];
            i &= i - 1;
        }
        s
    }

    /// (chunk, offset) of ascending rank `r`.
    fn find_rank(&self, r: usize) -> Option<(usize, usize)> {
        if r >= self.len() {
            return None;
        }
        let n = self.fen.len();
        let mut pos = 0;
        let mut rem = r;
        let mut step = if n == 0 { 0 } else { 1usize << (usize::BITS - 1 - n.leading_zeros()) };
        while step > 0 {
            let nx = pos + step;
            if nx <= n && self.fen[nx - 1] <= rem {
                pos = nx;
                rem -= self.fen[nx - 1];
            }
            step >>= 1;
        }
        Some((pos, rem))
    }
}

/// Ascending iterator over (name, score).
pub struct Iter<'a> {
    set: &'a ScoredSet,
    ci: usize,
    off: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);
    fn next(&mut self) -> Option<Self::Item> {
        let c = self.set.chunks.get(self.ci)?;
        let it = c[self.off];
        self.off += 1;
        if self.off == c.len() {
            self.ci += 1;
            self.off = 0;
        }
        Some((it.name.bytes(), it.score))
    }
}

/// Descending iterator over (name, score). `off` is one past the next item in chunk `ci`.
pub struct RevIter<'a> {
    set: &'a ScoredSet,
    ci: usize,
    off: usize,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = (&'a [u8], f64);
    fn next(&mut self) -> Option<Self::Item> {
        while self.off == 0 {
            if self.ci == 0 {
                return None;
            }
            self.ci -= 1;
            self.off = self.set.chunks[self.ci].len();
        }
        self.off -= 1;
        let it = self.set.chunks[self.ci][self.off];
        Some((it.name.bytes(), it.score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &ScoredSet, model: &std::collections::BTreeMap<Vec<u8>, f64>) {
        let mut v: Vec<(Vec<u8>, f64)> = model.iter().map(|(k, v)| (k.clone(), *v)).collect();
        v.sort_by(|a, b| cmp_entry(a.1, &a.0, b.1, &b.0));
        let got: Vec<(Vec<u8>, f64)> = s.iter().map(|(n, sc)| (n.to_vec(), sc)).collect();
        assert_eq!(got, v);
        assert_eq!(s.len(), v.len());
        for (i, (n, sc)) in v.iter().enumerate() {
            assert_eq!(s.rank(n), Some(i));
            assert_eq!(s.score(n), Some(*sc));
            let (gn, gs) = s.get_by_rank(i).expect("rank");
            assert_eq!((gn, gs), (n.as_slice(), *sc));
        }
        let rev: Vec<_> =
            s.iter_rev_from(v.len().wrapping_sub(1)).map(|(n, _)| n.to_vec()).collect();
        let mut fwd: Vec<_> = v.iter().map(|(n, _)| n.clone()).collect();
        fwd.reverse();
        assert_eq!(rev, fwd);
    }

    #[test]
    fn random_ops_match_a_model() {
        let mut s = ScoredSet::new();
        let mut model = std::collections::BTreeMap::new();
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for step in 0..20000 {
            let k = format!("m{}", rnd() % 700).into_bytes();
            let sc = (rnd() % 50) as f64 - 25.0;
            match rnd() % 10 {
                0..=5 => {
                    assert_eq!(s.insert(&k, sc), model.insert(k, sc));
                }
                6..=8 => {
                    assert_eq!(s.remove(&k), model.remove(&k));
                }
                _ => {
                    let a = (rnd() % 40) as usize;
                    let b = a + (rnd() % 40) as usize;
                    let victims: Vec<Vec<u8>> =
                        s.iter_from(a).take(b - a).map(|(n, _)| n.to_vec()).collect();
                    let n = s.remove_rank_range(a, b);
                    assert_eq!(n, victims.len());
                    for v in victims {
                        model.remove(&v);
                    }
                }
            }
            if step % 997 == 0 {
                check(&s, &model);
            }
        }
        check(&s, &model);
        let c = s.clone();
        check(&c, &model);
        let below = s.count_before(|sc, _| sc < 0.0);
        assert_eq!(below, model.values().filter(|v| **v < 0.0).count());
        let mut seen = 0;
        let mut cur = 0;
        loop {
            cur = s.scan(cur, |_, _| seen += 1);
            if cur == 0 {
                break;
            }
        }
        assert_eq!(seen, model.len());
    }

    #[test]
    fn negative_zero_ties_with_zero() {
        let mut s = ScoredSet::new();
        s.insert(b"b", 0.0);
        s.insert(b"a", -0.0);
        let v: Vec<_> = s.iter().map(|(n, _)| n.to_vec()).collect();
        assert_eq!(v, [b"a".to_vec(), b"b".to_vec()]);
        assert!(s.score(b"a").is_some_and(|x| x.is_sign_negative()));
    }
}
