//! `Listpack`: Redis's compact sequence encoding, byte for byte.
//!
//! One contiguous buffer holds a small collection: a hash's field/value pairs, a small set,
//! a small sorted set's member/score pairs, a list or one quicklist node. The layout is
//! Redis's `listpack.c` format, so RDB files can store the buffer as is:
//!
//! ```text
//! <total-bytes u32 LE> <num-elements u16 LE> <entry> ... <entry> 0xFF
//! entry = <encoding+data> <backlen>
//! ```
//!
//! * An element that is the canonical decimal form of an `i64` (Redis's `lpStringToInt64`,
//!   same rules as `string2ll`) is stored as an integer in the smallest of the 7-, 13-, 16-,
//!   24-, 32- or 64-bit forms; anything else as a string with a 6-, 12- or 32-bit length.
//! * `backlen` (1 to 5 bytes, read backwards) is the size of `encoding+data`, so the list can
//!   be walked in both directions.
//! * `num-elements` saturates at 65535; beyond that the count is found by walking.
//!
//! Positions ([`Pos`]) are byte offsets of an entry's first byte; they stay valid until the
//! next change to the listpack (each change returns the position to continue from).

use std::fmt;
use std::ops::Deref;

use crate::thin::ThinBytes;

/// Byte offset of an entry inside the buffer.
pub type Pos = usize;

/// Header size: total bytes (u32) and element count (u16).
const HDR: usize = 6;
/// The terminator byte.
const EOF: u8 = 0xFF;
/// The element count saturates here ("unknown, walk to count").
const COUNT_UNKNOWN: u16 = u16::MAX;

// Encoding bytes (Redis's LP_ENCODING_*).
const ENC_16BIT_INT: u8 = 0xF1;
const ENC_24BIT_INT: u8 = 0xF2;
const ENC_32BIT_INT: u8 = 0xF3;
const ENC_64BIT_INT: u8 = 0xF4;
const ENC_32BIT_STR: u8 = 0xF0;

/// An element as stored: an integer or a byte string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LpValue<'a> {
    Int(i64),
    Str(&'a [u8]),
}

/// Where a listpack's bytes live: a `Vec<u8>` (the default, amortized growth) or a
/// [`ThinBytes`] (one word, always exact-size; what small hashes use).
pub trait LpStorage: Deref<Target = [u8]> + Clone {
    /// Adopts a complete listpack buffer (its total-bytes header already set).
    fn from_vec(v: Vec<u8>) -> Self;
    /// Replaces `remove` bytes at `p` (after the header) by `insert` and updates the
    /// total-bytes header.
    fn splice_entry(&mut self, p: usize, remove: usize, insert: &[u8]);
    /// Overwrites bytes at `at` (after the total-bytes header).
    fn write_at(&mut self, at: usize, bytes: &[u8]);
    /// Heap bytes held.
    fn heap_size(&self) -> usize;
}

impl LpStorage for Vec<u8> {
    fn from_vec(v: Vec<u8>) -> Self {
        v
    }

    fn splice_entry(&mut self, p: usize, remove: usize, entry: &[u8]) {
        if entry.len() > remove {
            self.reserve_exact(entry.len() - remove);
        }
        self.splice(p..p + remove, entry.iter().copied());
        if entry.len() < remove && self.capacity() > self.len() * 2 {
            self.shrink_to_fit();
        }
        let n = self.len() as u32;
        self[0..4].copy_from_slice(&n.to_le_bytes());
    }

    fn write_at(&mut self, at: usize, bytes: &[u8]) {
        self[at..at + bytes.len()].copy_from_slice(bytes);
    }

    fn heap_size(&self) -> usize {
        self.capacity()
    }
}

impl LpStorage for ThinBytes {
    fn from_vec(v: Vec<u8>) -> Self {
        ThinBytes::from_slice(&v)
    }

    fn splice_entry(&mut self, p: usize, remove: usize, insert: &[u8]) {
        // The listpack's total-bytes header is ThinBytes's length header.
        self.splice(p, remove, insert);
    }

    fn write_at(&mut self, at: usize, bytes: &[u8]) {
        ThinBytes::write_at(self, at, bytes);
    }

    fn heap_size(&self) -> usize {
        self.len()
    }
}

/// A listpack. See the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct Listpack<B: LpStorage = Vec<u8>> {
    buf: B,
}

/// A listpack in one word, always exact-size (Redis's own allocation policy).
pub type ThinListpack = Listpack<ThinBytes>;

impl<B: LpStorage> fmt::Debug for Listpack<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Default for Listpack {
    fn default() -> Self {
        Self::new()
    }
}

/// Redis's `lpStringToInt64`: the canonical decimal form of an `i64` (no sign but `-`, no
/// leading zeros, no `-0`, at most 20 characters).
pub fn string_to_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if neg {
        (v <= 1u64 << 63).then(|| (v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

/// Decimal digits of `v` into `buf`; returns the used tail.
fn fmt_i64(v: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

impl<'a> LpValue<'a> {
    /// Calls `f` with the element's bytes (integers in decimal), without allocating.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match *self {
            LpValue::Str(s) => f(s),
            LpValue::Int(v) => {
                let mut buf = [0u8; 20];
                f(fmt_i64(v, &mut buf))
            }
        }
    }

    /// Appends the element's bytes (integers in decimal) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        self.with_bytes(|b| out.extend_from_slice(b));
    }

    /// The element's bytes as an owned vector.
    pub fn to_vec(&self) -> Vec<u8> {
        self.with_bytes(|b| b.to_vec())
    }

    /// True if the element equals `b` byte-wise (integers compared by their decimal form).
    pub fn eq_bytes(&self, b: &[u8]) -> bool {
        match *self {
            LpValue::Str(s) => s == b,
            LpValue::Int(v) => string_to_i64(b) == Some(v),
        }
    }

    /// The element as an integer: `Int` as is, a string if it is a canonical integer.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            LpValue::Int(v) => Some(v),
            LpValue::Str(s) => string_to_i64(s),
        }
    }

    /// Length in bytes of the element's string form.
    pub fn str_len(&self) -> usize {
        match *self {
            LpValue::Str(s) => s.len(),
            LpValue::Int(v) => {
                let mut buf = [0u8; 20];
                fmt_i64(v, &mut buf).len()
            }
        }
    }
}

/// How an element is encoded: an integer or a string, decided once per insert.
enum Enc<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Enc<'_> {
    fn of(v: &[u8]) -> Enc<'_> {
        match string_to_i64(v) {
            Some(i) => Enc::Int(i),
            None => Enc::Str(v),
        }
    }

    /// Size of encoding + data.
    fn size(&self) -> usize {
        match *self {
            Enc::Int(v) => match v {
                0..=127 => 1,
                -4096..=4095 => 2,
                -32768..=32767 => 3,
                -8_388_608..=8_388_607 => 4,
                -2_147_483_648..=2_147_483_647 => 5,
                _ => 9,
            },
            Enc::Str(s) => match s.len() {
                0..=63 => 1 + s.len(),
                64..=4095 => 2 + s.len(),
                _ => 5 + s.len(),
            },
        }
    }

    /// Writes encoding + data.
    fn write(&self, out: &mut Vec<u8>) {
        match *self {
            Enc::Int(v) => match v {
                0..=127 => out.push(v as u8),
                -4096..=4095 => {
                    let u = (v as u64) & 0x1FFF;
                    out.push(0xC0 | (u >> 8) as u8);
                    out.push(u as u8);
                }
                -32768..=32767 => {
                    out.push(ENC_16BIT_INT);
                    out.extend_from_slice(&(v as i16).to_le_bytes());
                }
                -8_388_608..=8_388_607 => {
                    out.push(ENC_24BIT_INT);
                    out.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
                }
                -2_147_483_648..=2_147_483_647 => {
                    out.push(ENC_32BIT_INT);
                    out.extend_from_slice(&(v as i32).to_le_bytes());
                }
                _ => {
                    out.push(ENC_64BIT_INT);
                    out.extend_from_slice(&v.to_le_bytes());
                }
            },
            Enc::Str(s) => {
                let n = s.len();
                match n {
                    0..=63 => out.push(0x80 | n as u8),
                    64..=4095 => {
                        out.push(0xE0 | (n >> 8) as u8);
                        out.push(n as u8);
                    }
                    _ => {
                        out.push(ENC_32BIT_STR);
                        out.extend_from_slice(&(n as u32).to_le_bytes());
                    }
                }
                out.extend_from_slice(s);
            }
        }
    }
}

/// Bytes taken by the back-length of an entry whose encoding + data is `l` bytes.
fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// Writes the back-length of `l` (most significant 7-bit group first; every byte but the
/// first has the continuation bit, so it reads backwards from the entry's last byte).
fn write_backlen(l: usize, out: &mut Vec<u8>) {
    let n = backlen_size(l);
    for i in (0..n).rev() {
        let group = ((l >> (7 * i)) & 127) as u8;
        out.push(if i == n - 1 { group } else { group | 128 });
    }
}

/// Bytes the entry for `v` takes in a listpack (encoding, data and back-length), as
/// [`Listpack::push_back`] would write it.
pub fn encoded_len(v: &[u8]) -> usize {
    let l = Enc::of(v).size();
    l + backlen_size(l)
}

/// A whole entry (encoding, data, back-length) for `v`.
fn encode_entry(v: &[u8]) -> Vec<u8> {
    let e = Enc::of(v);
    let l = e.size();
    let mut out = Vec::with_capacity(l + backlen_size(l));
    e.write(&mut out);
    write_backlen(l, &mut out);
    out
}

fn encode_int_entry(v: i64) -> Vec<u8> {
    let e = Enc::Int(v);
    let l = e.size();
    let mut out = Vec::with_capacity(l + backlen_size(l));
    e.write(&mut out);
    write_backlen(l, &mut out);
    out
}

impl Listpack {
    /// An empty listpack (7 bytes: header and terminator).
    pub fn new() -> Self {
        Self::empty()
    }

    /// Adopts a buffer (from an RDB file), validating its whole structure; `None` if
    /// malformed.
    pub fn from_bytes(buf: Vec<u8>) -> Option<Self> {
        Self::from_vec_checked(buf)
    }

    /// Makes room for the buffer to reach `total` bytes without reallocating.
    pub fn reserve_total(&mut self, total: usize) {
        self.buf.reserve_exact(total.saturating_sub(self.buf.len()));
    }

    /// Gives back spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
    }
}

impl ThinListpack {
    /// The same elements in a one-word, exact-size buffer.
    pub fn from_listpack(lp: &Listpack) -> Self {
        Listpack { buf: ThinBytes::from_slice(lp.as_bytes()) }
    }
}

impl<B: LpStorage> Listpack<B> {
    /// An empty listpack (7 bytes: header and terminator).
    pub fn empty() -> Self {
        let mut buf = Vec::with_capacity(HDR + 1);
        buf.extend_from_slice(&7u32.to_le_bytes());
        buf.extend_from_slice(&0u16.to_le_bytes());
        buf.push(EOF);
        Listpack { buf: B::from_vec(buf) }
    }

    /// Adopts a buffer, validating its whole structure; `None` if malformed.
    pub fn from_vec_checked(buf: Vec<u8>) -> Option<Self> {
        if buf.len() < HDR + 1 || buf[buf.len() - 1] != EOF {
            return None;
        }
        let total = u32::from_le_bytes(buf[0..4].try_into().ok()?) as usize;
        if total != buf.len() {
            return None;
        }
        let lp = Listpack { buf: B::from_vec(buf) };
        let mut p = HDR;
        let mut count = 0usize;
        while lp.buf[p] != EOF {
            let l = lp.checked_entry_len(p)?;
            let end = p.checked_add(l)?.checked_add(backlen_size(l))?;
            if end >= lp.buf.len() {
                return None;
            }
            if lp.read_backlen(end - 1) != Some(l) {
                return None;
            }
            p = end;
            count += 1;
        }
        if p != lp.buf.len() - 1 {
            return None;
        }
        let hdr = lp.header_count();
        if hdr != COUNT_UNKNOWN && usize::from(hdr) != count {
            return None;
        }
        Some(lp)
    }

    /// The raw bytes (what RDB stores).
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Total bytes of the encoding (header and terminator included).
    pub fn bytes(&self) -> usize {
        self.buf.len()
    }

    /// Heap bytes owned (the buffer's capacity).
    pub fn heap_size(&self) -> usize {
        self.buf.heap_size()
    }

    fn header_count(&self) -> u16 {
        u16::from_le_bytes([self.buf[4], self.buf[5]])
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self.header_count() {
            COUNT_UNKNOWN => self.iter().count(),
            n => usize::from(n),
        }
    }

    /// True if there are no elements.
    pub fn is_empty(&self) -> bool {
        self.buf[HDR] == EOF
    }

    /// Size of encoding + data of the entry at `p`, with bounds checks (validation).
    fn checked_entry_len(&self, p: Pos) -> Option<usize> {
        let b = *self.buf.get(p)?;
        let byte = |i: usize| self.buf.get(p + i).copied();
        Some(match b {
            0x00..=0x7F => 1,
            0x80..=0xBF => 1 + usize::from(b & 0x3F),
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 2 + ((usize::from(b & 0x0F) << 8) | usize::from(byte(1)?)),
            ENC_32BIT_STR => {
                let n = u32::from_le_bytes([byte(1)?, byte(2)?, byte(3)?, byte(4)?]);
                5usize.checked_add(n as usize)?
            }
            ENC_16BIT_INT => 3,
            ENC_24BIT_INT => 4,
            ENC_32BIT_INT => 5,
            ENC_64BIT_INT => 9,
            _ => return None,
        })
    }

    /// Size of encoding + data of the (valid) entry at `p`.
    #[inline]
    fn entry_len(&self, p: Pos) -> usize {
        let b = self.buf[p];
        match b {
            0x00..=0x7F => 1,
            0x80..=0xBF => 1 + usize::from(b & 0x3F),
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 2 + ((usize::from(b & 0x0F) << 8) | usize::from(self.buf[p + 1])),
            ENC_32BIT_STR => {
                5 + u32::from_le_bytes([
                    self.buf[p + 1],
                    self.buf[p + 2],
                    self.buf[p + 3],
                    self.buf[p + 4],
                ]) as usize
            }
            ENC_16BIT_INT => 3,
            ENC_24BIT_INT => 4,
            ENC_32BIT_INT => 5,
            _ => 9,
        }
    }

    /// Whole size of the entry at `p` (back-length included).
    #[inline]
    fn entry_total(&self, p: Pos) -> usize {
        let l = self.entry_len(p);
        l + backlen_size(l)
    }

    /// Decodes a back-length whose last byte is at `q`.
    fn read_backlen(&self, mut q: usize) -> Option<usize> {
        let mut v = 0usize;
        let mut shift = 0;
        loop {
            let b = *self.buf.get(q)?;
            v |= usize::from(b & 127) << shift;
            if b & 128 == 0 {
                return Some(v);
            }
            shift += 7;
            if shift > 28 {
                return None;
            }
            q = q.checked_sub(1)?;
        }
    }

    /// Position of the first element.
    #[inline]
    pub fn first(&self) -> Option<Pos> {
        (self.buf[HDR] != EOF).then_some(HDR)
    }

    /// Position of the last element.
    pub fn last(&self) -> Option<Pos> {
        self.prev(self.end())
    }

    /// Position of the element after `p`.
    #[inline]
    pub fn next(&self, p: Pos) -> Option<Pos> {
        let q = p + self.entry_total(p);
        (self.buf[q] != EOF).then_some(q)
    }

    /// Position of the element before `p` (`p` may be [`end`](Self::end)).
    pub fn prev(&self, p: Pos) -> Option<Pos> {
        if p <= HDR {
            return None;
        }
        let l = self.read_backlen(p - 1)?;
        Some(p - 1 - (backlen_size(l) - 1) - l)
    }

    /// Position just past the last element (the terminator): inserting there appends.
    #[inline]
    pub fn end(&self) -> Pos {
        self.buf.len() - 1
    }

    /// The element at `p`.
    pub fn get(&self, p: Pos) -> LpValue<'_> {
        let b = self.buf[p];
        let le = |n: usize| -> u64 {
            let mut v = 0u64;
            for i in 0..n {
                v |= u64::from(self.buf[p + 1 + i]) << (8 * i);
            }
            v
        };
        match b {
            0x00..=0x7F => LpValue::Int(i64::from(b)),
            0x80..=0xBF => {
                let n = usize::from(b & 0x3F);
                LpValue::Str(&self.buf[p + 1..p + 1 + n])
            }
            0xC0..=0xDF => {
                let u = (u64::from(b & 0x1F) << 8) | u64::from(self.buf[p + 1]);
                // Sign-extend 13 bits.
                LpValue::Int(((u << 51) as i64) >> 51)
            }
            0xE0..=0xEF => {
                let n = (usize::from(b & 0x0F) << 8) | usize::from(self.buf[p + 1]);
                LpValue::Str(&self.buf[p + 2..p + 2 + n])
            }
            ENC_32BIT_STR => {
                let n = le(4) as usize;
                LpValue::Str(&self.buf[p + 5..p + 5 + n])
            }
            ENC_16BIT_INT => LpValue::Int(i64::from(le(2) as u16 as i16)),
            ENC_24BIT_INT => LpValue::Int(((le(3) << 40) as i64) >> 40),
            ENC_32BIT_INT => LpValue::Int(i64::from(le(4) as u32 as i32)),
            _ => LpValue::Int(le(8) as i64),
        }
    }

    /// Position of element `index` (negative counts from the tail, -1 is the last).
    pub fn seek(&self, index: i64) -> Option<Pos> {
        if index >= 0 {
            let mut p = self.first()?;
            for _ in 0..index {
                p = self.next(p)?;
            }
            Some(p)
        } else {
            let mut p = self.last()?;
            for _ in 0..(-(index + 1)) {
                p = self.prev(p)?;
            }
            Some(p)
        }
    }

    fn add_count(&mut self, delta: isize) {
        let c = self.header_count();
        if c == COUNT_UNKNOWN {
            // Recount when it may fit again (Redis keeps it unknown; a walk is exact too).
            let n = self.iter().count();
            if n < usize::from(COUNT_UNKNOWN) {
                self.buf.write_at(4, &(n as u16).to_le_bytes());
            }
            return;
        }
        let n = (c as isize + delta).max(0) as usize;
        let v = if n >= usize::from(COUNT_UNKNOWN) { COUNT_UNKNOWN } else { n as u16 };
        self.buf.write_at(4, &v.to_le_bytes());
    }

    /// Splices `entry` in at byte `p`, replacing `remove` bytes.
    fn splice(&mut self, p: Pos, remove: usize, entry: &[u8]) {
        self.buf.splice_entry(p, remove, entry);
    }

    /// Appends an element.
    pub fn push_back(&mut self, v: &[u8]) {
        let p = self.end();
        self.insert_at(p, v);
    }

    /// Prepends an element.
    pub fn push_front(&mut self, v: &[u8]) {
        self.insert_at(HDR, v);
    }

    /// Appends an integer element.
    pub fn push_back_int(&mut self, v: i64) {
        let p = self.end();
        self.splice(p, 0, &encode_int_entry(v));
        self.add_count(1);
    }

    /// Inserts `v` before the element at `p` (or appends when `p == end()`); returns the new
    /// element's position.
    pub fn insert_at(&mut self, p: Pos, v: &[u8]) -> Pos {
        self.splice(p, 0, &encode_entry(v));
        self.add_count(1);
        p
    }

    /// Replaces the element at `p` with `v`; returns its position (unchanged).
    pub fn replace(&mut self, p: Pos, v: &[u8]) -> Pos {
        let old = self.entry_total(p);
        self.splice(p, old, &encode_entry(v));
        p
    }

    /// Deletes the element at `p`; returns the position of the element that followed it
    /// (`None` if it was the last).
    pub fn delete(&mut self, p: Pos) -> Option<Pos> {
        let old = self.entry_total(p);
        self.splice(p, old, &[]);
        self.add_count(-1);
        (self.buf[p] != EOF).then_some(p)
    }

    /// Deletes `count` elements starting at `p` (fewer if the list ends first).
    pub fn delete_range(&mut self, p: Pos, count: usize) {
        let mut q = p;
        let mut n = 0usize;
        while n < count && self.buf[q] != EOF {
            q += self.entry_total(q);
            n += 1;
        }
        self.splice(p, q - p, &[]);
        self.add_count(-(n as isize));
    }

    /// Appends every element of `other` (Redis's `lpMerge`): entries are self-contained, so
    /// their bytes are copied as they are.
    pub fn append<C: LpStorage>(&mut self, other: &Listpack<C>) {
        let n = other.len();
        let p = self.end();
        self.splice(p, 0, &other.buf[HDR..other.buf.len() - 1]);
        self.add_count(n as isize);
    }

    /// Finds `v` among the elements at `p`, then every `skip + 1`-th one after it (Redis's
    /// `lpFind`: `skip` = 1 looks only at the fields of a field/value listpack).
    pub fn find(&self, p: Pos, v: &[u8], skip: usize) -> Option<Pos> {
        // Parse `v` once: an integer compares by value, a string byte-wise.
        let as_int = string_to_i64(v);
        let mut cur = Some(p);
        while let Some(q) = cur {
            let hit = match (self.get(q), as_int) {
                (LpValue::Int(a), Some(b)) => a == b,
                (LpValue::Str(s), None) => s == v,
                _ => false,
            };
            if hit {
                return Some(q);
            }
            cur = self.next(q);
            for _ in 0..skip {
                cur = cur.and_then(|c| self.next(c));
            }
        }
        None
    }

    /// The elements from first to last.
    pub fn iter(&self) -> Iter<'_, B> {
        Iter { lp: self, pos: self.first() }
    }

    /// The elements from last to first.
    pub fn iter_rev(&self) -> RevIter<'_, B> {
        RevIter { lp: self, pos: self.last() }
    }
}

/// Forward iterator over a listpack's elements.
pub struct Iter<'a, B: LpStorage = Vec<u8>> {
    lp: &'a Listpack<B>,
    pos: Option<Pos>,
}

impl<'a, B: LpStorage> Iterator for Iter<'a, B> {
    type Item = LpValue<'a>;
    fn next(&mut self) -> Option<LpValue<'a>> {
        let p = self.pos?;
        self.pos = self.lp.next(p);
        Some(self.lp.get(p))
    }
}

/// Backward iterator over a listpack's elements.
pub struct RevIter<'a, B: LpStorage = Vec<u8>> {
    lp: &'a Listpack<B>,
    pos: Option<Pos>,
}

impl<'a, B: LpStorage> Iterator for RevIter<'a, B> {
    type Item = LpValue<'a>;
    fn next(&mut self) -> Option<LpValue<'a>> {
        let p = self.pos?;
        self.pos = self.lp.prev(p);
        Some(self.lp.get(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items<B: LpStorage>(lp: &Listpack<B>) -> Vec<Vec<u8>> {
        lp.iter().map(|v| v.to_vec()).collect()
    }

    #[test]
    fn empty_layout_is_redis_s() {
        let lp = Listpack::new();
        assert_eq!(lp.as_bytes(), &[7, 0, 0, 0, 0, 0, 0xFF]);
        assert!(lp.is_empty());
        assert_eq!(lp.len(), 0);
        assert_eq!(lp.first(), None);
        assert_eq!(lp.last(), None);
    }

    #[test]
    fn encodings_match_redis_bytes() {
        // Values and the exact entry bytes Redis's lpAppend writes for them.
        let cases: &[(&[u8], &[u8])] = &[
            (b"0", &[0x00, 0x01]),
            (b"127", &[0x7F, 0x01]),
            (b"128", &[0xC0, 0x80, 0x02]),
            (b"-1", &[0xDF, 0xFF, 0x02]),
            (b"-4096", &[0xD0, 0x00, 0x02]),
            (b"4095", &[0xCF, 0xFF, 0x02]),
            (b"4096", &[0xF1, 0x00, 0x10, 0x03]),
            (b"-32768", &[0xF1, 0x00, 0x80, 0x03]),
            (b"32768", &[0xF2, 0x00, 0x80, 0x00, 0x04]),
            (b"8388608", &[0xF3, 0x00, 0x00, 0x80, 0x00, 0x05]),
            (b"2147483648", &[0xF4, 0, 0, 0, 0x80, 0, 0, 0, 0, 0x09]),
            (b"a", &[0x81, b'a', 0x02]),
            (b"", &[0x80, 0x01]),
            (b"007", &[0x83, b'0', b'0', b'7', 0x04]),
            (b"-0", &[0x82, b'-', b'0', 0x03]),
        ];
        for (v, want) in cases {
            let mut lp = Listpack::new();
            lp.push_back(v);
            assert_eq!(&lp.as_bytes()[HDR..lp.bytes() - 1], *want, "{:?}", v);
            assert_eq!(lp.get(HDR).to_vec(), v.to_vec());
        }
        // A 64-byte string takes the 12-bit form and a two-byte back-length 66 -> 1 byte.
        let s = vec![b'x'; 64];
        let mut lp = Listpack::new();
        lp.push_back(&s);
        assert_eq!(&lp.as_bytes()[HDR..HDR + 2], &[0xE0, 64]);
        assert_eq!(lp.as_bytes()[lp.bytes() - 2], 66);
        assert_eq!(encoded_len(&s), lp.bytes() - HDR - 1);
        assert_eq!(encoded_len(b"-1"), 3);
        assert_eq!(encoded_len(b"abc"), 5);
        // 200 bytes: back-length 202 needs two bytes: 0x01, 0x80|0x4A.
        let s = vec![b'y'; 200];
        let mut lp = Listpack::new();
        lp.push_back(&s);
        assert_eq!(&lp.as_bytes()[lp.bytes() - 3..lp.bytes() - 1], &[0x01, 0x80 | 0x4A]);
        assert_eq!(lp.last(), Some(HDR));
    }

    #[test]
    fn integers_round_trip_at_every_width_edge() {
        let edges = [
            0i64,
            1,
            127,
            128,
            -1,
            -4096,
            -4097,
            4095,
            4096,
            32767,
            32768,
            -32768,
            -32769,
            8_388_607,
            8_388_608,
            -8_388_608,
            -8_388_609,
            i32::MAX as i64,
            i32::MAX as i64 + 1,
            i32::MIN as i64,
            i32::MIN as i64 - 1,
            i64::MAX,
            i64::MIN,
        ];
        let mut lp = Listpack::new();
        for v in edges {
            lp.push_back(v.to_string().as_bytes());
            lp.push_back_int(v);
        }
        let got: Vec<i64> = lp.iter().map(|v| v.as_i64().unwrap()).collect();
        let want: Vec<i64> = edges.iter().flat_map(|&v| [v, v]).collect();
        assert_eq!(got, want);
        let back: Vec<i64> = lp.iter_rev().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(back, want.iter().rev().copied().collect::<Vec<_>>());
        assert!(Listpack::from_bytes(lp.as_bytes().to_vec()).is_some());
    }

    #[test]
    fn edits_keep_the_structure_valid() {
        random_edits::<Vec<u8>>();
    }

    #[test]
    fn thin_edits_keep_the_structure_valid_and_exact() {
        assert_eq!(std::mem::size_of::<ThinListpack>(), 8);
        random_edits::<ThinBytes>();
        let mut lp = ThinListpack::empty();
        lp.push_back(b"abc");
        let v = Listpack::from_bytes(lp.as_bytes().to_vec()).unwrap();
        assert_eq!(ThinListpack::from_listpack(&v), lp);
        assert_eq!(lp.heap_size(), lp.bytes());
    }

    fn random_edits<B: LpStorage>() {
        let mut lp = Listpack::<B>::empty();
        let mut model: Vec<Vec<u8>> = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for step in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let val: Vec<u8> = match x % 5 {
                0 => ((x >> 8) as i64 % 100_000).to_string().into_bytes(),
                1 => vec![b'a' + (x % 26) as u8; (x >> 20) as usize % 300],
                2 => vec![b'z'; (x >> 20) as usize % 5000],
                3 => ((x >> 3) as i64).to_string().into_bytes(),
                _ => b"field".to_vec(),
            };
            let n = model.len();
            match (x >> 40) % 6 {
                0 | 1 => {
                    let i = if n == 0 { 0 } else { (x >> 30) as usize % (n + 1) };
                    let p = if i == n { lp.end() } else { lp.seek(i as i64).unwrap() };
                    lp.insert_at(p, &val);
                    model.insert(i, val);
                }
                2 if n > 0 => {
                    let i = (x >> 30) as usize % n;
                    let p = lp.seek(i as i64).unwrap();
                    lp.replace(p, &val);
                    model[i] = val;
                }
                3 if n > 0 => {
                    let i = (x >> 30) as usize % n;
                    lp.delete(lp.seek(-(i as i64) - 1).unwrap());
                    model.remove(n - 1 - i);
                }
                4 if n > 0 => {
                    let i = (x >> 30) as usize % n;
                    let c = (x >> 50) as usize % 4;
                    lp.delete_range(lp.seek(i as i64).unwrap(), c);
                    model.drain(i..(i + c).min(n));
                }
                _ => {
                    lp.push_front(&val);
                    model.insert(0, val);
                }
            }
            assert_eq!(lp.len(), model.len(), "step {step}");
            if step % 100 == 0 {
                assert_eq!(items(&lp), model, "step {step}");
                assert!(Listpack::from_bytes(lp.as_bytes().to_vec()).is_some());
            }
        }
        assert_eq!(items(&lp), model);
    }

    #[test]
    fn find_with_skip_looks_at_fields_only() {
        let mut lp = Listpack::new();
        for (f, v) in [("a", "b"), ("b", "1"), ("1", "c"), ("c", "d")] {
            lp.push_back(f.as_bytes());
            lp.push_back(v.as_bytes());
        }
        let first = lp.first().unwrap();
        assert_eq!(lp.get(lp.find(first, b"b", 1).unwrap()), LpValue::Str(b"b"));
        let p = lp.find(first, b"1", 1).unwrap();
        assert_eq!(lp.get(lp.next(p).unwrap()), LpValue::Str(b"c"));
        assert_eq!(lp.find(first, b"d", 1), None);
        assert_eq!(lp.find(first, b"01", 0), None);
        assert!(lp.find(first, b"d", 0).is_some());
    }

    #[test]
    fn count_saturates_and_recovers() {
        let mut lp = Listpack::new();
        for i in 0..70_000 {
            lp.push_back_int(i % 100);
        }
        assert_eq!(lp.header_count(), COUNT_UNKNOWN);
        assert_eq!(lp.len(), 70_000);
        lp.delete_range(lp.first().unwrap(), 10_000);
        assert_eq!(lp.len(), 60_000);
        assert_eq!(lp.header_count(), 60_000);
    }

    #[test]
    fn malformed_buffers_are_rejected() {
        assert!(Listpack::from_bytes(vec![]).is_none());
        assert!(Listpack::from_bytes(vec![7, 0, 0, 0, 0, 0, 0xFE]).is_none());
        assert!(Listpack::from_bytes(vec![8, 0, 0, 0, 0, 0, 0xFF]).is_none());
        let mut lp = Listpack::new();
        lp.push_back(b"hello");
        let mut bad = lp.as_bytes().to_vec();
        bad[HDR] = 0x8F; // claims 15 bytes
        assert!(Listpack::from_bytes(bad).is_none());
        let mut bad = lp.as_bytes().to_vec();
        bad[4] = 2; // wrong count
        assert!(Listpack::from_bytes(bad).is_none());
    }

    #[test]
    fn string_to_i64_follows_string2ll() {
        for ok in ["0", "-1", "9223372036854775807", "-9223372036854775808", "10"] {
            assert_eq!(string_to_i64(ok.as_bytes()), ok.parse().ok(), "{ok}");
        }
        for bad in ["", "-", "-0", "01", "+1", " 1", "1 ", "9223372036854775808", "1.0"] {
            assert_eq!(string_to_i64(bad.as_bytes()), None, "{bad}");
        }
    }
}
