//! `IntSet`: Redis's intset, byte for byte.
//!
//! A small set whose members are all integers is one sorted array of integers of a single
//! width, the smallest of 16, 32 or 64 bits that holds every member. The layout is Redis's
//! `intset.c` format, so RDB files can store the buffer as is:
//!
//! ```text
//! <encoding u32 LE: 2, 4 or 8> <length u32 LE> <member> ... (each `encoding` bytes, LE)
//! ```
//!
//! Adding a member that does not fit the current width rewrites every member at the wider
//! width ("upgrade"); the width never shrinks, as in Redis. Lookups are binary searches.

/// Bytes of the header (encoding and length).
const HDR: usize = 8;

/// An intset. See the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct IntSet {
    buf: Vec<u8>,
}

impl std::fmt::Debug for IntSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Default for IntSet {
    fn default() -> Self {
        Self::new()
    }
}

/// The smallest width (in bytes) that holds `v`.
fn width_for(v: i64) -> usize {
    if v < i64::from(i32::MIN) || v > i64::from(i32::MAX) {
        8
    } else if v < i64::from(i16::MIN) || v > i64::from(i16::MAX) {
        4
    } else {
        2
    }
}

impl IntSet {
    /// An empty intset (header only, 16-bit members).
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(HDR);
        buf.extend_from_slice(&2u32.to_le_bytes());
        buf.extend_from_slice(&0u32.to_le_bytes());
        IntSet { buf }
    }

    /// Adopts a buffer (from an RDB file), validating it as Redis's
    /// `intsetValidateIntegrity` does: a known width, a length matching the size, members
    /// strictly ascending. `None` if malformed.
    pub fn from_bytes(buf: Vec<u8>) -> Option<Self> {
        if buf.len() < HDR {
            return None;
        }
        let enc = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        if !matches!(enc, 2 | 4 | 8) {
            return None;
        }
        let n = u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]) as usize;
        if n == 0 || n.checked_mul(enc)?.checked_add(HDR)? != buf.len() {
            return None;
        }
        let s = IntSet { buf };
        let mut prev: Option<i64> = None;
        for v in s.iter() {
            if prev.is_some_and(|p| p >= v) {
                return None;
            }
            prev = Some(v);
        }
        Some(s)
    }

    /// The raw bytes (what RDB stores).
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Heap bytes owned (the buffer's capacity).
    pub fn heap_size(&self) -> usize {
        self.buf.capacity()
    }

    /// Width of each member in bytes (2, 4 or 8).
    #[inline]
    pub fn width(&self) -> usize {
        u32::from_le_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]) as usize
    }

    /// Number of members.
    #[inline]
    pub fn len(&self) -> usize {
        u32::from_le_bytes([self.buf[4], self.buf[5], self.buf[6], self.buf[7]]) as usize
    }

    /// True if there are no members.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn set_len(&mut self, n: usize) {
        self.buf[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    }

    /// Member `i` read at width `w`.
    #[inline]
    fn read(&self, i: usize, w: usize) -> i64 {
        let p = HDR + i * w;
        let b = &self.buf[p..p + w];
        match w {
            2 => i64::from(i16::from_le_bytes([b[0], b[1]])),
            4 => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            _ => i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        }
    }

    /// Writes member `i` at width `w` (the buffer is large enough).
    #[inline]
    fn write(&mut self, i: usize, w: usize, v: i64) {
        let p = HDR + i * w;
        match w {
            2 => self.buf[p..p + 2].copy_from_slice(&(v as i16).to_le_bytes()),
            4 => self.buf[p..p + 4].copy_from_slice(&(v as i32).to_le_bytes()),
            _ => self.buf[p..p + 8].copy_from_slice(&v.to_le_bytes()),
        }
    }

    /// Member at `i` in ascending order.
    pub fn get(&self, i: usize) -> Option<i64> {
        (i < self.len()).then(|| self.read(i, self.width()))
    }

    /// The smallest member.
    pub fn min(&self) -> Option<i64> {
        self.get(0)
    }

    /// The largest member.
    pub fn max(&self) -> Option<i64> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Binary search: `Ok(index)` if present, `Err(insertion index)` otherwise.
    fn search(&self, v: i64) -> Result<usize, usize> {
        let (w, n) = (self.width(), self.len());
        if n == 0 {
            return Err(0);
        }
        // Fast paths at both ends, as Redis does (appending in order is common).
        if v > self.read(n - 1, w) {
            return Err(n);
        }
        if v < self.read(0, w) {
            return Err(0);
        }
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let cur = self.read(mid, w);
            match cur.cmp(&v) {
                std::cmp::Ordering::Equal => return Ok(mid),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Err(lo)
    }

    /// True if `v` is a member.
    pub fn contains(&self, v: i64) -> bool {
        width_for(v) <= self.width() && self.search(v).is_ok()
    }

    /// Adds `v`; returns false if it was already a member.
    pub fn add(&mut self, v: i64) -> bool {
        let w = self.width();
        let n = self.len();
        let need = width_for(v);
        if need > w {
            // Upgrade: a value wider than every member is either below or above them all.
            self.buf.resize(HDR + (n + 1) * need, 0);
            self.buf[0..4].copy_from_slice(&(need as u32).to_le_bytes());
            let prepend = usize::from(v < 0);
            for i in (0..n).rev() {
                let x = self.read(i, w);
                self.write(i + prepend, need, x);
            }
            self.write(if prepend == 1 { 0 } else { n }, need, v);
            self.set_len(n + 1);
            return true;
        }
        let Err(pos) = self.search(v) else { return false };
        self.buf.resize(HDR + (n + 1) * w, 0);
        let at = HDR + pos * w;
        self.buf.copy_within(at..HDR + n * w, at + w);
        self.write(pos, w, v);
        self.set_len(n + 1);
        true
    }

    /// Removes `v`; returns false if it was not a member.
    pub fn remove(&mut self, v: i64) -> bool {
        let w = self.width();
        if width_for(v) > w {
            return false;
        }
        let Ok(pos) = self.search(v) else { return false };
        let n = self.len();
        let at = HDR + pos * w;
        self.buf.copy_within(at + w..HDR + n * w, at);
        self.buf.truncate(HDR + (n - 1) * w);
        self.set_len(n - 1);
        if self.buf.capacity() > 64 && self.buf.capacity() > self.buf.len() * 2 {
            self.buf.shrink_to_fit();
        }
        true
    }

    /// The members in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { set: self, i: 0, w: self.width(), n: self.len() }
    }
}

/// Ascending iterator over an intset.
pub struct Iter<'a> {
    set: &'a IntSet,
    i: usize,
    w: usize,
    n: usize,
}

impl Iterator for Iter<'_> {
    type Item = i64;
    fn next(&mut self) -> Option<i64> {
        if self.i >= self.n {
            return None;
        }
        let v = self.set.read(self.i, self.w);
        self.i += 1;
        Some(v)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let r = self.n - self.i;
        (r, Some(r))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn empty_layout_is_redis_header() {
        let s = IntSet::new();
        assert_eq!(s.as_bytes(), &[2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(s.is_empty());
        assert_eq!(s.min(), None);
        assert_eq!(s.max(), None);
    }

    #[test]
    fn bytes_match_redis_layout() {
        // Redis's intset for {1, 2, 3}: 02000000 03000000 0100 0200 0300.
        let mut s = IntSet::new();
        for v in [3, 1, 2] {
            assert!(s.add(v));
        }
        assert_eq!(s.as_bytes(), &[2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0]);
        // Upgrade to 32 bits with a value above every member: appended.
        assert!(s.add(100_000));
        assert_eq!(s.width(), 4);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![1, 2, 3, 100_000]);
        assert_eq!(&s.as_bytes()[..8], &[4, 0, 0, 0, 4, 0, 0, 0]);
        assert_eq!(&s.as_bytes()[8..12], &1i32.to_le_bytes());
        assert_eq!(&s.as_bytes()[20..24], &100_000i32.to_le_bytes());
        // Upgrade to 64 bits with a value below every member: prepended.
        assert!(s.add(i64::MIN));
        assert_eq!(s.width(), 8);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![i64::MIN, 1, 2, 3, 100_000]);
        assert_eq!(s.as_bytes().len(), 8 + 5 * 8);
    }

    #[test]
    fn add_remove_contains_agree_with_a_model() {
        let mut s = IntSet::new();
        let mut model = BTreeSet::new();
        let mut x: u64 = 0x1234_5678_9abc_def1;
        for step in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = match x % 4 {
                0 => (x >> 8) as i64 % 100,
                1 => (x >> 8) as i64 % 70_000,
                2 => (x >> 8) as i64 % 5_000_000_000,
                _ => x as i64,
            };
            if step % 3 == 2 {
                assert_eq!(s.remove(v), model.remove(&v));
            } else {
                assert_eq!(s.add(v), model.insert(v));
            }
            assert_eq!(s.contains(v), model.contains(&v));
        }
        assert_eq!(s.len(), model.len());
        assert!(s.iter().eq(model.iter().copied()));
        assert_eq!(s.min(), model.first().copied());
        assert_eq!(s.max(), model.last().copied());
        let again = IntSet::from_bytes(s.as_bytes().to_vec()).expect("valid");
        assert_eq!(again, s);
    }

    #[test]
    fn edges_of_each_width() {
        let mut s = IntSet::new();
        for v in [i16::MAX as i64, i16::MIN as i64] {
            s.add(v);
        }
        assert_eq!(s.width(), 2);
        assert!(!s.contains(i16::MAX as i64 + 1));
        assert!(!s.remove(i64::MAX));
        s.add(i32::MIN as i64);
        assert_eq!(s.width(), 4);
        s.add(i32::MAX as i64 + 1);
        assert_eq!(s.width(), 8);
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![i32::MIN as i64, i16::MIN as i64, i16::MAX as i64, i32::MAX as i64 + 1]
        );
        // The width never shrinks.
        assert!(s.remove(i32::MAX as i64 + 1));
        assert_eq!(s.width(), 8);
        assert!(!s.add(i16::MIN as i64));
    }

    #[test]
    fn validation_rejects_malformed_buffers() {
        assert!(IntSet::from_bytes(vec![]).is_none());
        assert!(IntSet::from_bytes(vec![3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]).is_none());
        // Length does not match the size.
        assert!(IntSet::from_bytes(vec![2, 0, 0, 0, 2, 0, 0, 0, 1, 0]).is_none());
        // Empty.
        assert!(IntSet::from_bytes(vec![2, 0, 0, 0, 0, 0, 0, 0]).is_none());
        // Not ascending.
        assert!(IntSet::from_bytes(vec![2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0]).is_none());
        assert!(IntSet::from_bytes(vec![2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0]).is_none());
        assert!(IntSet::from_bytes(vec![2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0]).is_some());
    }
}
