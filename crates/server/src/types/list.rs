//! The list type, encoded as Redis 7.2 encodes lists: a single [`Listpack`] while small, a
//! [`Quicklist`] (a sequence of listpack nodes) once it outgrows `list-max-listpack-size`.
//!
//! Conversions follow 7.2's `t_list.c`:
//! * growing (`listTypeTryConvertListpack`): before elements are added, a listpack whose
//!   bytes plus the new elements' bytes (or element count, for a positive size) would exceed
//!   one node's limit becomes a quicklist holding it as its first node;
//! * shrinking (`listTypeTryConvertQuicklist`): after elements are removed, a quicklist that
//!   is a single packed node within *half* the limit becomes a listpack again (half, so a
//!   list at the boundary does not flip on every push and pop).
//!
//! Commands call [`List::grow_for`] before adding and [`List::shrink`] after removing, as
//! Redis does once per command; [`List::push`] and [`List::pop`] do both for one element.

use std::sync::atomic::Ordering::Relaxed;

use collections::listpack::Listpack;
use collections::quicklist::{self, Quicklist};
use collections::LpValue;

use crate::commands::server::debug::QUICKLIST_PACKED_THRESHOLD;
use crate::config::encoding::Limits;
use crate::util::digest::mix_digest;

/// An end of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

#[derive(Clone, Debug)]
enum Repr {
    Packed(Listpack),
    Quick(Quicklist),
}

/// A list value.
#[derive(Clone, Debug)]
pub struct List {
    repr: Repr,
}

impl Default for List {
    fn default() -> Self {
        Self::new()
    }
}

/// The element size from which a quicklist gives an element a plain node of its own.
fn packed_threshold() -> usize {
    QUICKLIST_PACKED_THRESHOLD.load(Relaxed).try_into().unwrap_or(usize::MAX)
}

impl List {
    /// An empty list (listpack-encoded, as Redis creates them).
    pub fn new() -> List {
        List { repr: Repr::Packed(Listpack::new()) }
    }

    /// A list holding `lp` as is (RDB loading).
    pub fn from_listpack(lp: Listpack) -> List {
        List { repr: Repr::Packed(lp) }
    }

    /// A list holding `ql`; a single packed node within the node limits becomes a plain
    /// listpack, as 7.2's RDB loading does (`listTypeTryConversion`, not shrinking).
    pub fn from_quicklist(ql: Quicklist, lim: &Limits) -> List {
        if let Some(bytes) = ql.single_listpack_bytes() {
            if !quicklist::exceeds_limit(lim.list_max_listpack_size, bytes, ql.len()) {
                if let Ok(lp) = ql.into_listpack() {
                    return List { repr: Repr::Packed(lp) };
                }
                unreachable!("a single packed node converts");
            }
        }
        List { repr: Repr::Quick(ql) }
    }

    /// The listpack of a listpack-encoded list (what RDB writes as a one-node quicklist).
    pub fn as_listpack(&self) -> Option<&Listpack> {
        match &self.repr {
            Repr::Packed(lp) => Some(lp),
            Repr::Quick(_) => None,
        }
    }

    /// The quicklist of a quicklist-encoded list.
    pub fn as_quicklist(&self) -> Option<&Quicklist> {
        match &self.repr {
            Repr::Quick(ql) => Some(ql),
            Repr::Packed(_) => None,
        }
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Packed(_) => "listpack",
            Repr::Quick(_) => "quicklist",
        }
    }

    /// Approximate heap bytes owned by the value.
    pub fn heap_size(&self) -> usize {
        match &self.repr {
            Repr::Packed(lp) => lp.heap_size(),
            Repr::Quick(ql) => ql.heap_size(),
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Packed(lp) => lp.len(),
            Repr::Quick(ql) => ql.len(),
        }
    }

    /// True when empty (an empty collection is never stored under a key).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Growing conversion, before `count` elements totalling `bytes` bytes are added.
    pub fn grow_for(&mut self, bytes: usize, count: usize, lim: &Limits) {
        let Repr::Packed(lp) = &mut self.repr else { return };
        if quicklist::exceeds_limit(
            lim.list_max_listpack_size,
            lp.bytes() + bytes,
            lp.len() + count,
        ) {
            let lp = std::mem::take(lp);
            self.repr = Repr::Quick(Quicklist::from_listpack(
                lp,
                lim.list_max_listpack_size,
                lim.list_compress_depth,
            ));
        }
    }

    /// Shrinking conversion, after elements were removed or replaced.
    pub fn shrink(&mut self, lim: &Limits) {
        let Repr::Quick(ql) = &mut self.repr else { return };
        let Some(bytes) = ql.single_listpack_bytes() else { return };
        let (size, count) = quicklist::node_limit(lim.list_max_listpack_size);
        if bytes > size / 2 || ql.len() > count / 2 {
            return;
        }
        let ql = std::mem::replace(ql, Quicklist::new(0, 0));
        if let Ok(lp) = ql.into_listpack() {
            self.repr = Repr::Packed(lp);
        }
    }

    /// Adds `v` at `end` (converting first if it grows past the listpack limits).
    pub fn push(&mut self, end: End, v: &[u8], lim: &Limits) {
        self.grow_for(v.len(), 1, lim);
        self.push_raw(end, v);
    }

    /// Adds `v` at `end` without any conversion (after [`grow_for`](Self::grow_for)).
    pub fn push_raw(&mut self, end: End, v: &[u8]) {
        match (&mut self.repr, end) {
            (Repr::Packed(lp), End::Head) => lp.push_front(v),
            (Repr::Packed(lp), End::Tail) => lp.push_back(v),
            (Repr::Quick(ql), End::Head) => ql.push_front(v, packed_threshold()),
            (Repr::Quick(ql), End::Tail) => ql.push_back(v, packed_threshold()),
        }
    }

    /// Removes and returns the element at `end`, then applies the shrinking conversion.
    pub fn pop(&mut self, end: End, lim: &Limits) -> Option<Vec<u8>> {
        let v = self.pop_raw(end);
        self.shrink(lim);
        v
    }

    /// Removes and returns the element at `end` without any conversion.
    pub fn pop_raw(&mut self, end: End) -> Option<Vec<u8>> {
        match &mut self.repr {
            Repr::Packed(lp) => {
                let p = if end == End::Head { lp.first() } else { lp.last() }?;
                let v = lp.get(p).to_vec();
                lp.delete(p);
                Some(v)
            }
            Repr::Quick(ql) => ql.pop(end == End::Head),
        }
    }

    /// Resolves a Redis index (negative: from the tail) to a position, if in range.
    pub fn index(&self, index: i64) -> Option<usize> {
        let len = self.len() as i64;
        let i = if index < 0 { index.checked_add(len)? } else { index };
        (0..len).contains(&i).then_some(i as usize)
    }

    /// The element at position `i`.
    pub fn get(&self, i: usize) -> Option<Vec<u8>> {
        match &self.repr {
            Repr::Packed(lp) => lp.seek(i as i64).map(|p| lp.get(p).to_vec()),
            Repr::Quick(ql) => ql.get(i),
        }
    }

    /// Replaces the element at position `i` (< len). The caller converts around it.
    pub fn set(&mut self, i: usize, v: &[u8]) {
        match &mut self.repr {
            Repr::Packed(lp) => {
                if let Some(p) = lp.seek(i as i64) {
                    lp.replace(p, v);
                }
            }
            Repr::Quick(ql) => ql.replace(i, v, packed_threshold()),
        }
    }

    /// Inserts `v` after (`after`) or before the element at position `pivot` (< len), without
    /// conversion. A quicklist places it as Redis's `_quicklistInsert` does.
    pub fn insert(&mut self, pivot: usize, after: bool, v: &[u8]) {
        match &mut self.repr {
            Repr::Packed(lp) => {
                let p = lp.seek((pivot + usize::from(after)) as i64).unwrap_or_else(|| lp.end());
                lp.insert_at(p, v);
            }
            Repr::Quick(ql) => ql.insert(pivot, after, v, packed_threshold()),
        }
    }

    /// Deletes `n` elements from position `start`, without conversion.
    pub fn delete_range(&mut self, start: usize, n: usize) {
        match &mut self.repr {
            Repr::Packed(lp) => {
                if let Some(p) = lp.seek(start as i64) {
                    lp.delete_range(p, n);
                }
            }
            Repr::Quick(ql) => ql.delete_range(start, n),
        }
    }

    /// Calls `f` on the elements from position `start` towards the tail (towards the head
    /// when `rev`) until it returns false.
    pub fn walk(&self, start: usize, rev: bool, mut f: impl FnMut(LpValue<'_>) -> bool) {
        match &self.repr {
            Repr::Packed(lp) => {
                let mut p = lp.seek(start as i64);
                while let Some(pos) = p {
                    if !f(lp.get(pos)) {
                        return;
                    }
                    p = if rev { lp.prev(pos) } else { lp.next(pos) };
                }
            }
            Repr::Quick(ql) => ql.walk(start, rev, f),
        }
    }

    /// The elements from head to tail.
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Packed(lp) => Iter::Packed(lp.iter()),
            Repr::Quick(ql) => Iter::Quick(ql.iter()),
        }
    }

    /// Mixes the elements into a key's DEBUG DIGEST as Redis's `xorObjectDigest` does: each
    /// element's string form, in order.
    pub fn digest_into(&self, d: &mut [u8; 20]) {
        let mut buf = Vec::new();
        self.walk(0, false, |v| {
            buf.clear();
            v.write_to(&mut buf);
            mix_digest(d, &buf);
            true
        });
    }

    /// What DEBUG OBJECT adds for a quicklist (`ql_nodes:... ql_uncompressed_size:...`).
    pub fn debug_fields(&self) -> Option<String> {
        let Repr::Quick(ql) = &self.repr else { return None };
        let nodes = ql.node_count();
        let avg = ql.len() as f64 / nodes as f64;
        Some(format!(
            " ql_nodes:{nodes} ql_avg_node:{avg:.2} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
            ql.fill(),
            u8::from(ql.compress_depth() != 0),
            ql.uncompressed_size()
        ))
    }
}

/// Iterator over a list's elements, head to tail, as owned bytes.
pub enum Iter<'a> {
    Packed(collections::listpack::Iter<'a>),
    Quick(quicklist::Iter<'a>),
}

impl Iterator for Iter<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        match self {
            Iter::Packed(it) => it.next().map(|v| v.to_vec()),
            Iter::Quick(it) => it.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(size: i64) -> Limits {
        Limits { list_max_listpack_size: size, ..Limits::default() }
    }

    #[test]
    fn converts_at_7_2_points() {
        let l = lim(4);
        let mut list = List::new();
        for i in 0..4 {
            list.push(End::Tail, format!("{i}").as_bytes(), &l);
        }
        assert_eq!(list.encoding(), "listpack");
        list.push(End::Tail, b"4", &l);
        assert_eq!(list.encoding(), "quicklist");
        // Two nodes now ([0..3], [4]): no shrink until one node of at most 2 elements.
        assert_eq!(list.pop(End::Tail, &l).as_deref(), Some(&b"4"[..]));
        assert_eq!(list.encoding(), "quicklist");
        list.pop(End::Head, &l);
        assert_eq!(list.encoding(), "quicklist");
        list.pop(End::Head, &l);
        assert_eq!(list.encoding(), "listpack");
        assert_eq!(list.iter().collect::<Vec<_>>(), vec![b"2".to_vec(), b"3".to_vec()]);
        // Size limits: -1 is 4 KiB per node.
        let l = lim(-1);
        let mut list = List::new();
        let big = vec![b'x'; 1000];
        for _ in 0..4 {
            list.push(End::Head, &big, &l);
        }
        assert_eq!(list.encoding(), "listpack");
        list.push(End::Head, &big, &l);
        assert_eq!(list.encoding(), "quicklist");
        while list.len() > 2 {
            list.pop(End::Head, &l);
            if list.len() > 2 {
                assert_eq!(list.encoding(), "quicklist");
            }
        }
        assert_eq!(list.encoding(), "listpack");
    }

    #[test]
    fn digest_mixes_string_forms() {
        let mut list = List::new();
        let l = Limits::default();
        list.push(End::Tail, b"12", &l);
        list.push(End::Tail, b"ab", &l);
        let mut d = [0u8; 20];
        list.digest_into(&mut d);
        let mut e = [0u8; 20];
        mix_digest(&mut e, b"12");
        mix_digest(&mut e, b"ab");
        assert_eq!(d, e);
    }
}
