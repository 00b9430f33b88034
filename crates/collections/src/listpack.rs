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

#![allow(unused_variables)] // API stub: the implementation lands next.

/// Byte offset of an entry inside the buffer.
pub type Pos = usize;

/// An element as stored: an integer or a byte string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LpValue<'a> {
    Int(i64),
    Str(&'a [u8]),
}

/// A listpack. See the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct Listpack {
    buf: Vec<u8>,
}

impl std::fmt::Debug for Listpack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Default for Listpack {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> LpValue<'a> {
    /// Appends the element's bytes (integers in decimal) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        todo!()
    }

    /// The element's bytes as an owned vector.
    pub fn to_vec(&self) -> Vec<u8> {
        todo!()
    }

    /// True if the element equals `b` byte-wise (integers compared by their decimal form).
    pub fn eq_bytes(&self, b: &[u8]) -> bool {
        todo!()
    }

    /// The element as an integer: `Int` as is, a string if it parses with `string2ll` rules.
    pub fn as_i64(&self) -> Option<i64> {
        todo!()
    }

    /// Length in bytes of the element's string form.
    pub fn str_len(&self) -> usize {
        todo!()
    }
}

impl Listpack {
    /// An empty listpack (7 bytes: header and terminator).
    pub fn new() -> Self {
        todo!()
    }

    /// Adopts a buffer (from an RDB file), validating its structure; `None` if malformed.
    pub fn from_bytes(buf: Vec<u8>) -> Option<Self> {
        todo!()
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
        self.buf.capacity()
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// True if there are no elements.
    pub fn is_empty(&self) -> bool {
        todo!()
    }

    /// Position of the first element.
    pub fn first(&self) -> Option<Pos> {
        todo!()
    }

    /// Position of the last element.
    pub fn last(&self) -> Option<Pos> {
        todo!()
    }

    /// Position of the element after `p`.
    pub fn next(&self, p: Pos) -> Option<Pos> {
        todo!()
    }

    /// Position of the element before `p`.
    pub fn prev(&self, p: Pos) -> Option<Pos> {
        todo!()
    }

    /// Position just past the last element (the terminator): inserting there appends.
    pub fn end(&self) -> Pos {
        self.buf.len() - 1
    }

    /// The element at `p`.
    pub fn get(&self, p: Pos) -> LpValue<'_> {
        todo!()
    }

    /// Position of element `index` (negative counts from the tail, -1 is the last).
    pub fn seek(&self, index: i64) -> Option<Pos> {
        todo!()
    }

    /// Appends an element.
    pub fn push_back(&mut self, v: &[u8]) {
        todo!()
    }

    /// Prepends an element.
    pub fn push_front(&mut self, v: &[u8]) {
        todo!()
    }

    /// Appends an integer element.
    pub fn push_back_int(&mut self, v: i64) {
        todo!()
    }

    /// Inserts `v` before the element at `p` (or appends when `p == end()`); returns the new
    /// element's position.
    pub fn insert_at(&mut self, p: Pos, v: &[u8]) -> Pos {
        todo!()
    }

    /// Replaces the element at `p` with `v`; returns its position (unchanged).
    pub fn replace(&mut self, p: Pos, v: &[u8]) -> Pos {
        todo!()
    }

    /// Deletes the element at `p`; returns the position of the element that followed it
    /// (`None` if it was the last).
    pub fn delete(&mut self, p: Pos) -> Option<Pos> {
        todo!()
    }

    /// Deletes `count` elements starting at `p` (fewer if the list ends first).
    pub fn delete_range(&mut self, p: Pos, count: usize) {
        todo!()
    }

    /// Finds `v` among the elements at `p`, then every `skip + 1`-th one after it (Redis's
    /// `lpFind`: `skip` = 1 looks only at the fields of a field/value listpack).
    pub fn find(&self, p: Pos, v: &[u8], skip: usize) -> Option<Pos> {
        todo!()
    }

    /// The elements from first to last.
    pub fn iter(&self) -> Iter<'_> {
        Iter { lp: self, pos: self.first() }
    }

    /// The elements from last to first.
    pub fn iter_rev(&self) -> RevIter<'_> {
        RevIter { lp: self, pos: self.last() }
    }
}

/// Forward iterator over a listpack's elements.
pub struct Iter<'a> {
    lp: &'a Listpack,
    pos: Option<Pos>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = LpValue<'a>;
    fn next(&mut self) -> Option<LpValue<'a>> {
        let p = self.pos?;
        self.pos = self.lp.next(p);
        Some(self.lp.get(p))
    }
}

/// Backward iterator over a listpack's elements.
pub struct RevIter<'a> {
    lp: &'a Listpack,
    pos: Option<Pos>,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = LpValue<'a>;
    fn next(&mut self) -> Option<LpValue<'a>> {
        let p = self.pos?;
        self.pos = self.lp.prev(p);
        Some(self.lp.get(p))
    }
}
