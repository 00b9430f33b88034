//! `Quicklist`: a long list stored as a sequence of listpack nodes, as Redis's `quicklist.c`.
//!
//! Each node is a [`Listpack`] bounded by the list's `fill` (`list-max-listpack-size`:
//! positive = at most that many elements per node, with an 8 KiB safety cap; -1..-5 = at most
//! 4, 8, 16, 32 or 64 KiB per node), so pushes and pops at either end touch one small buffer
//! and the per-element overhead stays that of a listpack. An element of at least the
//! "packed threshold" (DEBUG QUICKLIST-PACKED-THRESHOLD, 1 GiB by default) gets a *plain*
//! node of its own holding just its bytes.
//!
//! With a compression depth `d` (`list-compress-depth`), the `d` nodes at each end stay raw
//! and every inner node is LZF-compressed ([`crate::lzf`]) when that pays: nodes under 48
//! bytes are left alone, and so is a node whose compressed form would not save more than 8
//! bytes (Redis's `MIN_COMPRESS_BYTES` / `MIN_COMPRESS_IMPROVE`). A node touched in the
//! middle is decompressed for the change and compressed again after it.
//!
//! Where elements go is Redis 7.0.15's choice in every case, so the nodes (what RDB and DUMP
//! write) are the same as there: pushes fill the end node or start a new one, LINSERT works
//! on (pivot, before/after) with `_quicklistInsert`'s split-and-merge rules, LSET replaces
//! in place as `quicklistReplaceEntry` does, and deletions never merge nodes.
//!
//! Nodes live in a `VecDeque` rather than a linked list: there are few of them (about one per
//! 8 KiB of data by default) and each costs 24 bytes (Redis allocates a 32-byte
//! `quicklistNode`). A node's buffer is exact-size like Redis's, except the end node of a long
//! list while it fills (see `grow_end`).

use std::borrow::Cow;
use std::collections::VecDeque;

use crate::listpack::{Listpack, LpValue};
use crate::lzf;

/// Node sizes of the negative fill levels -1..-5.
const SIZE_LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// With a count limit (positive fill) a node still never grows past this many bytes.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Bytes an insertion is assumed to add beyond the element itself (encoding and backlen).
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
/// Bytes a merge of two nodes is assumed to save (Redis 7.0.15's estimate of the second
/// listpack's header and terminator).
const MERGE_SAVING: usize = 11;
/// Nodes smaller than this are never compressed.
const MIN_COMPRESS_BYTES: usize = 48;
/// A compressed node must be at least this much smaller than the raw one.
const MIN_COMPRESS_IMPROVE: usize = 8;
/// From this many nodes on, end nodes grow by doubling (see `Quicklist::grow_end`).
const DOUBLING_NODES: usize = 8;
/// Largest fill a quicklist keeps (Redis's `FILL_MAX`).
const FILL_MAX: i64 = 1 << 15;
/// Largest compression depth (Redis's `COMPRESS_MAX`).
const COMPRESS_MAX: u64 = (1 << 16) - 1;

/// The node limits of a fill value: (max bytes, max elements), `usize::MAX` for "none".
/// Redis's `quicklistNodeLimit`.
pub fn node_limit(fill: i64) -> (usize, usize) {
    if fill >= 0 {
        (usize::MAX, if fill == 0 { 1 } else { fill as usize })
    } else {
        let level = ((-(fill + 1)) as u64).min(SIZE_LEVELS.len() as u64 - 1) as usize;
        (SIZE_LEVELS[level], usize::MAX)
    }
}

/// True if a node of `sz` bytes and `count` elements would exceed the limits of `fill`.
/// Redis's `quicklistNodeExceedsLimit`.
pub fn exceeds_limit(fill: i64, sz: usize, count: usize) -> bool {
    let (size, elements) = node_limit(fill);
    if size != usize::MAX {
        sz > size
    } else {
        sz > SIZE_SAFETY_LIMIT || count > elements
    }
}

/// A compressed node: the LZF stream and what it decompresses to.
#[derive(Clone, Debug)]
struct Compressed {
    data: Box<[u8]>,
    /// Bytes of the raw node.
    sz: usize,
    count: usize,
    /// Whether the raw node is a plain element rather than a listpack.
    plain: bool,
}

#[derive(Clone, Debug)]
enum Node {
    Packed(Listpack),
    Plain(Box<[u8]>),
    Lzf(Box<Compressed>),
}

/// A node's raw content, borrowed or decompressed.
enum View<'a> {
    Packed(Cow<'a, Listpack>),
    Plain(Cow<'a, [u8]>),
}

impl Node {
    fn count(&self) -> usize {
        match self {
            Node::Packed(lp) => lp.len(),
            Node::Plain(_) => 1,
            Node::Lzf(z) => z.count,
        }
    }

    /// Raw size in bytes (Redis's `node->sz`).
    fn sz(&self) -> usize {
        match self {
            Node::Packed(lp) => lp.bytes(),
            Node::Plain(b) => b.len(),
            Node::Lzf(z) => z.sz,
        }
    }

    fn is_plain(&self) -> bool {
        match self {
            Node::Packed(_) => false,
            Node::Plain(_) => true,
            Node::Lzf(z) => z.plain,
        }
    }

    fn heap_size(&self) -> usize {
        match self {
            Node::Packed(lp) => lp.heap_size(),
            Node::Plain(b) => b.len(),
            Node::Lzf(z) => std::mem::size_of::<Compressed>() + z.data.len(),
        }
    }

    /// Decompresses `z` (a stream this module produced, so it is well formed).
    fn inflate(z: &Compressed) -> Node {
        let raw = lzf::decompress(&z.data, z.sz).expect("a node compressed here decompresses");
        if z.plain {
            Node::Plain(raw.into_boxed_slice())
        } else {
            Node::Packed(Listpack::from_bytes(raw).expect("a node compressed here is valid"))
        }
    }

    fn view(&self) -> View<'_> {
        match self {
            Node::Packed(lp) => View::Packed(Cow::Borrowed(lp)),
            Node::Plain(b) => View::Plain(Cow::Borrowed(b)),
            Node::Lzf(z) => match Node::inflate(z) {
                Node::Packed(lp) => View::Packed(Cow::Owned(lp)),
                Node::Plain(b) => View::Plain(Cow::Owned(b.into_vec())),
                Node::Lzf(_) => unreachable!("inflate returns a raw node"),
            },
        }
    }

    /// Makes the node raw.
    fn open(&mut self) {
        if let Node::Lzf(z) = self {
            *self = Node::inflate(z);
        }
    }

    /// Compresses a raw node when that pays (Redis's `__quicklistCompressNode`).
    fn close(&mut self) {
        let (bytes, plain) = match self {
            Node::Packed(lp) => (lp.as_bytes(), false),
            Node::Plain(b) => (&b[..], true),
            Node::Lzf(_) => return,
        };
        let sz = bytes.len();
        if sz < MIN_COMPRESS_BYTES {
            return;
        }
        let Some(data) = lzf::compress(bytes, sz) else { return };
        if data.len() + MIN_COMPRESS_IMPROVE >= sz {
            return;
        }
        let count = self.count();
        *self = Node::Lzf(Box::new(Compressed { data: data.into_boxed_slice(), sz, count, plain }));
    }

    /// The raw listpack of a packed node (decompressing it first).
    fn packed_mut(&mut self) -> Option<&mut Listpack> {
        self.open();
        match self {
            Node::Packed(lp) => Some(lp),
            _ => None,
        }
    }
}

/// A node holding `v` alone: plain when `large`.
fn single(v: &[u8], large: bool) -> Node {
    if large {
        Node::Plain(v.into())
    } else {
        let mut lp = Listpack::new();
        lp.push_back(v);
        Node::Packed(lp)
    }
}

/// A node as serialized: its raw bytes, or its LZF stream with the raw size.
#[derive(Clone, Copy, Debug)]
pub enum RawNode<'a> {
    Packed(&'a [u8]),
    Plain(&'a [u8]),
    Lzf { data: &'a [u8], sz: usize, plain: bool },
}

/// A node given to [`Quicklist::from_nodes`].
#[derive(Debug)]
pub enum NewNode {
    Packed(Listpack),
    Plain(Vec<u8>),
}

/// A list of listpack nodes. See the module docs.
#[derive(Clone, Debug)]
pub struct Quicklist {
    nodes: VecDeque<Node>,
    count: usize,
    fill: i32,
    depth: u16,
}

impl Quicklist {
    /// An empty quicklist with the given `list-max-listpack-size` and `list-compress-depth`
    /// (clamped as Redis clamps them: fill to -5..=32768, depth to 65535).
    pub fn new(fill: i64, depth: u64) -> Self {
        Quicklist {
            nodes: VecDeque::new(),
            count: 0,
            fill: fill.clamp(-5, FILL_MAX) as i32,
            depth: depth.min(COMPRESS_MAX) as u16,
        }
    }

    /// A quicklist whose single node is `lp` (none if it is empty).
    pub fn from_listpack(lp: Listpack, fill: i64, depth: u64) -> Self {
        let mut ql = Quicklist::new(fill, depth);
        if !lp.is_empty() {
            ql.count = lp.len();
            ql.nodes.push_back(Node::Packed(lp));
        }
        ql
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True if there are no elements.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The fill this quicklist was created with (after clamping).
    pub fn fill(&self) -> i64 {
        i64::from(self.fill)
    }

    /// The compression depth this quicklist was created with.
    pub fn compress_depth(&self) -> u64 {
        u64::from(self.depth)
    }

    /// Number of nodes currently compressed.
    pub fn compressed_nodes(&self) -> usize {
        self.nodes.iter().filter(|n| matches!(n, Node::Lzf(_))).count()
    }

    /// Sum of the nodes' raw sizes.
    pub fn uncompressed_size(&self) -> usize {
        self.nodes.iter().map(Node::sz).sum()
    }

    /// Heap bytes owned.
    pub fn heap_size(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.nodes.iter().map(Node::heap_size).sum::<usize>()
    }

    /// If the quicklist is one packed node, its size in bytes.
    pub fn single_listpack_bytes(&self) -> Option<usize> {
        match (self.nodes.len(), self.nodes.front()) {
            (1, Some(Node::Packed(lp))) => Some(lp.bytes()),
            _ => None,
        }
    }

    /// Takes the listpack of a quicklist made of one packed node (see
    /// [`single_listpack_bytes`](Self::single_listpack_bytes)); `Err(self)` otherwise.
    pub fn into_listpack(mut self) -> Result<Listpack, Self> {
        if self.single_listpack_bytes().is_none() {
            return Err(self);
        }
        match self.nodes.pop_front() {
            Some(Node::Packed(lp)) => Ok(lp),
            _ => unreachable!("checked above"),
        }
    }

    /// The nodes as RDB stores them, head to tail (Redis's `rdbSaveObject` writes a
    /// compressed node's LZF stream as it is).
    pub fn raw_nodes(&self) -> impl Iterator<Item = RawNode<'_>> + '_ {
        self.nodes.iter().map(|n| match n {
            Node::Packed(lp) => RawNode::Packed(lp.as_bytes()),
            Node::Plain(b) => RawNode::Plain(b),
            Node::Lzf(z) => RawNode::Lzf { data: &z.data, sz: z.sz, plain: z.plain },
        })
    }

    /// A quicklist made of loaded nodes as they are (Redis's `quicklistAppendListpack` /
    /// `quicklistAppendPlainNode`), empty listpacks skipped; inner nodes are then compressed
    /// as `depth` asks.
    pub fn from_nodes(nodes: Vec<NewNode>, fill: i64, depth: u64) -> Self {
        let mut ql = Quicklist::new(fill, depth);
        for n in nodes {
            let node = match n {
                NewNode::Packed(lp) if lp.is_empty() => continue,
                NewNode::Packed(lp) => Node::Packed(lp),
                NewNode::Plain(b) => Node::Plain(b.into_boxed_slice()),
            };
            ql.count += node.count();
            ql.nodes.push_back(node);
        }
        let d = usize::from(ql.depth);
        let n = ql.nodes.len();
        if d > 0 && n > 2 * d {
            for i in d..n - d {
                ql.nodes[i].close();
            }
        }
        ql
    }

    /// Whether `v` may go into node `i` (Redis's `_quicklistNodeAllowInsert`).
    fn allow_insert(&self, i: usize, len: usize, large: bool) -> bool {
        match self.nodes.get(i) {
            Some(n) if !large && !n.is_plain() => {
                !exceeds_limit(self.fill(), n.sz() + len + SIZE_ESTIMATE_OVERHEAD, n.count() + 1)
            }
            _ => false,
        }
    }

    /// Shrinks a node that stopped taking insertions to its exact size.
    fn seal(&mut self, i: usize) {
        if let Some(Node::Packed(lp)) = self.nodes.get_mut(i) {
            lp.shrink_to_fit();
        }
    }

    /// Makes room in end node `i` for an element of `len` bytes: its buffer doubles (up to the
    /// node's byte limit) instead of growing to the exact size on every push as Redis's does,
    /// so filling a node reallocates about 11 times instead of once per element, and only
    /// through that many allocator size classes. The spare room is given back when the node
    /// stops being an end ([`seal`](Self::seal)).
    fn grow_end(&mut self, i: usize, len: usize) {
        if self.nodes.len() < DOUBLING_NODES {
            return;
        }
        let (size, _) = node_limit(self.fill());
        let cap = if size == usize::MAX { SIZE_SAFETY_LIMIT } else { size };
        if let Some(lp) = self.nodes[i].packed_mut() {
            let need = lp.bytes() + len + SIZE_ESTIMATE_OVERHEAD;
            if need > lp.heap_size() {
                lp.reserve_total(need.next_power_of_two().min(cap).max(need));
            }
        }
    }

    /// Adds `v` at the head. Elements of at least `threshold` bytes get a plain node.
    pub fn push_front(&mut self, v: &[u8], threshold: usize) {
        let large = v.len() >= threshold;
        if self.allow_insert(0, v.len(), large) {
            self.grow_end(0, v.len());
            if let Some(lp) = self.nodes[0].packed_mut() {
                lp.push_front(v);
            }
        } else {
            self.seal(0);
            self.nodes.push_front(single(v, large));
        }
        self.count += 1;
        self.settle(&[]);
    }

    /// Adds `v` at the tail. Elements of at least `threshold` bytes get a plain node.
    pub fn push_back(&mut self, v: &[u8], threshold: usize) {
        let large = v.len() >= threshold;
        let last = self.nodes.len().wrapping_sub(1);
        if self.allow_insert(last, v.len(), large) {
            self.grow_end(last, v.len());
            if let Some(lp) = self.nodes[last].packed_mut() {
                lp.push_back(v);
            }
        } else {
            self.seal(last);
            self.nodes.push_back(single(v, large));
        }
        self.count += 1;
        self.settle(&[]);
    }

    /// Removes and returns the head (`front`) or tail element.
    pub fn pop(&mut self, front: bool) -> Option<Vec<u8>> {
        let i = if front { 0 } else { self.nodes.len().checked_sub(1)? };
        if self.nodes.is_empty() {
            return None;
        }
        let node = &mut self.nodes[i];
        node.open();
        let (v, empty) = match node {
            Node::Plain(b) => (b.to_vec(), true),
            Node::Packed(lp) => {
                let p = if front { lp.first() } else { lp.last() }?;
                let v = lp.get(p).to_vec();
                lp.delete(p);
                (v, lp.is_empty())
            }
            Node::Lzf(_) => unreachable!("opened above"),
        };
        if empty {
            self.nodes.remove(i);
        }
        self.count -= 1;
        self.settle(&[]);
        Some(v)
    }

    /// The node holding element `index` (< len) and the offset inside it.
    fn locate(&self, index: usize) -> (usize, usize) {
        if index < self.count / 2 {
            let mut rest = index;
            for (i, n) in self.nodes.iter().enumerate() {
                let c = n.count();
                if rest < c {
                    return (i, rest);
                }
                rest -= c;
            }
        } else {
            let mut after = self.count - index - 1;
            for (i, n) in self.nodes.iter().enumerate().rev() {
                let c = n.count();
                if after < c {
                    return (i, c - 1 - after);
                }
                after -= c;
            }
        }
        (self.nodes.len(), 0)
    }

    /// The element at `index` (0-based from the head).
    pub fn get(&self, index: usize) -> Option<Vec<u8>> {
        let mut out = None;
        self.walk(index, false, |v| {
            out = Some(v.to_vec());
            false
        });
        out
    }

    /// Calls `f` on the elements from `start` towards the tail (or the head when `rev`)
    /// until it returns false or the list ends.
    pub fn walk(&self, start: usize, rev: bool, mut f: impl FnMut(LpValue<'_>) -> bool) {
        if start >= self.count {
            return;
        }
        let (ni, off) = self.locate(start);
        let mut first = true;
        let order: Box<dyn Iterator<Item = usize>> =
            if rev { Box::new((0..=ni).rev()) } else { Box::new(ni..self.nodes.len()) };
        for i in order {
            match self.nodes[i].view() {
                View::Plain(b) => {
                    if !f(LpValue::Str(&b)) {
                        return;
                    }
                }
                View::Packed(lp) => {
                    let mut p = if first {
                        lp.seek(off as i64)
                    } else if rev {
                        lp.last()
                    } else {
                        lp.first()
                    };
                    while let Some(pos) = p {
                        if !f(lp.get(pos)) {
                            return;
                        }
                        p = if rev { lp.prev(pos) } else { lp.next(pos) };
                    }
                }
            }
            first = false;
        }
    }

    /// Replaces the element at `index` (< len) with `v`, as Redis 7.0's
    /// `quicklistReplaceEntry` does: in place inside a listpack node (whatever its size
    /// becomes), in place inside a plain node for a large `v`; a small `v` replacing a plain
    /// node goes in after it (into the next node's head when that has room) and the plain
    /// node is dropped; a large `v` replacing a packed element splits the node there and gets
    /// a plain node of its own.
    pub fn replace(&mut self, index: usize, v: &[u8], threshold: usize) {
        let (ni, off) = self.locate(index);
        let large = v.len() >= threshold;
        let node = &mut self.nodes[ni];
        node.open();
        let was_plain = match node {
            Node::Packed(lp) if !large => {
                if let Some(p) = lp.seek(off as i64) {
                    lp.replace(p, v);
                }
                return self.settle(&[ni]);
            }
            Node::Plain(b) if large => {
                *b = v.into();
                return self.settle(&[ni]);
            }
            n => n.is_plain(),
        };
        // `v` goes in after the old element (see `insert`), then the old element goes: the
        // plain node whole, or the last element of the listpack node cut after it.
        self.insert(index, true, v, threshold);
        if was_plain || self.nodes[ni].count() == 1 {
            self.remove_node(ni);
        } else {
            if let Some(lp) = self.nodes[ni].packed_mut() {
                if let Some(p) = lp.last() {
                    lp.delete(p);
                }
            }
            self.count -= 1;
            self.settle(&[ni, ni + 1]);
        }
    }

    /// Removes node `i` whole.
    fn remove_node(&mut self, i: usize) {
        if let Some(n) = self.nodes.remove(i) {
            self.count -= n.count();
        }
        self.settle(&[]);
    }

    /// Inserts `v` next to the element at `pivot` (< len): after it when `after`, before it
    /// otherwise. This is Redis 7.0's `_quicklistInsert`, so nodes end up exactly as there:
    /// * room in the pivot's node: `v` goes in next to the pivot;
    /// * the node is full and the pivot is its last element (inserting after) or its first
    ///   (inserting before): `v` goes to the head of the next node (the tail of the previous
    ///   one) if that node has room, otherwise into a new node between the two;
    /// * the node is full and the pivot inside it: the node is split at the pivot, `v` joins
    ///   the half on its side, and the nodes around are merged where the limits allow
    ///   ([`merge_around`](Self::merge_around));
    /// * a large `v` (at least `threshold` bytes) gets a plain node of its own, the pivot's
    ///   node split around it when the pivot is inside it.
    pub fn insert(&mut self, pivot: usize, after: bool, v: &[u8], threshold: usize) {
        if pivot >= self.count {
            return;
        }
        let large = v.len() >= threshold;
        let (ni, off) = self.locate(pivot);
        let n_count = self.nodes[ni].count();
        let full = !self.allow_insert(ni, v.len(), large);
        let at_tail = after && off + 1 == n_count;
        let at_head = !after && off == 0;
        let avail_next = at_tail && self.allow_insert(ni + 1, v.len(), large);
        let avail_prev = at_head && ni > 0 && self.allow_insert(ni - 1, v.len(), large);
        // Where a node of its own for `v` goes: right after or right before the pivot's.
        let at = if after { ni + 1 } else { ni };
        if large {
            if self.nodes[ni].is_plain() || at_tail || at_head {
                self.nodes.insert(at, single(v, true));
                self.count += 1;
                self.settle(&[ni, at]);
            } else {
                let other = self.split(ni, off, after);
                if after {
                    self.nodes.insert(ni + 1, Node::Packed(other));
                    self.nodes.insert(ni + 1, single(v, true));
                } else {
                    self.nodes.insert(ni, Node::Packed(other));
                    self.nodes.insert(ni + 1, single(v, true));
                }
                self.count += 1;
                self.settle(&[ni, ni + 1, ni + 2]);
            }
            return;
        }
        let touched;
        if !full {
            if let Some(lp) = self.nodes[ni].packed_mut() {
                if let Some(p) = lp.seek(off as i64) {
                    let p = if after { lp.next(p).unwrap_or_else(|| lp.end()) } else { p };
                    lp.insert_at(p, v);
                }
            }
            touched = [ni, ni, ni];
        } else if avail_next {
            if let Some(lp) = self.nodes[ni + 1].packed_mut() {
                lp.push_front(v);
            }
            touched = [ni, ni + 1, ni + 1];
        } else if avail_prev {
            if let Some(lp) = self.nodes[ni - 1].packed_mut() {
                lp.push_back(v);
            }
            touched = [ni - 1, ni, ni];
        } else if at_tail || at_head {
            self.seal(ni);
            self.nodes.insert(at, single(v, false));
            touched = [ni, ni + 1, ni + 1];
        } else {
            let mut other = self.split(ni, off, after);
            if after {
                other.push_front(v);
                self.nodes.insert(ni + 1, Node::Packed(other));
            } else {
                other.push_back(v);
                self.nodes.insert(ni, Node::Packed(other));
            }
            self.count += 1;
            let center = if after { ni } else { ni + 1 };
            self.merge_around(center);
            let near: Vec<usize> = (ni.saturating_sub(2)..ni + 3).collect();
            self.settle(&near);
            return;
        }
        self.count += 1;
        self.settle(&touched);
    }

    /// Splits packed node `i` at element `off` (Redis's `_quicklistSplitNode`): with `after`
    /// the node keeps elements `..=off` and the rest is returned; otherwise it keeps `off..`
    /// and the elements before `off` are returned.
    fn split(&mut self, i: usize, off: usize, after: bool) -> Listpack {
        let cut = if after { off + 1 } else { off };
        let Some(lp) = self.nodes[i].packed_mut() else { return Listpack::new() };
        let Some(p) = lp.seek(cut as i64) else { return Listpack::new() };
        let mut back = lp.clone();
        lp.delete_range(p, usize::MAX);
        if let Some(first) = back.first() {
            back.delete_range(first, cut);
        }
        if after {
            back
        } else {
            std::mem::replace(lp, back)
        }
    }

    /// Whether nodes `a` and `b` may become one (Redis 7.0's `_quicklistNodeAllowMerge`: the
    /// merged size is estimated as both sizes less [`MERGE_SAVING`]).
    fn allow_merge(&self, a: usize, b: usize) -> bool {
        match (self.nodes.get(a), self.nodes.get(b)) {
            (Some(x), Some(y)) if !x.is_plain() && !y.is_plain() => !exceeds_limit(
                self.fill(),
                (x.sz() + y.sz()).saturating_sub(MERGE_SAVING),
                x.count() + y.count(),
            ),
            _ => false,
        }
    }

    /// Appends node `i + 1`'s elements to node `i` and drops node `i + 1`.
    fn merge_pair(&mut self, i: usize) {
        let Some(mut b) = self.nodes.remove(i + 1) else { return };
        b.open();
        if let (Some(lp), Node::Packed(src)) = (self.nodes[i].packed_mut(), &b) {
            lp.append(src);
        }
    }

    /// Merges the nodes around `center` after a split (Redis's `_quicklistMergeNodes`), in
    /// its order: the two before it, the two after it, then `center` with the node before
    /// it, then the result with the node after it.
    fn merge_around(&mut self, mut center: usize) {
        if center >= 2 && self.allow_merge(center - 2, center - 1) {
            self.merge_pair(center - 2);
            center -= 1;
        }
        if self.allow_merge(center + 1, center + 2) {
            self.merge_pair(center + 1);
        }
        let target = if center >= 1 && self.allow_merge(center - 1, center) {
            self.merge_pair(center - 1);
            center - 1
        } else {
            center
        };
        if self.allow_merge(target, target + 1) {
            self.merge_pair(target);
        }
    }

    /// Deletes `n` elements starting at `start` (fewer if the list ends first).
    pub fn delete_range(&mut self, start: usize, n: usize) {
        if start >= self.count || n == 0 {
            return;
        }
        let n = n.min(self.count - start);
        let (mut ni, mut off) = self.locate(start);
        let mut rest = n;
        let mut touched = [usize::MAX; 2];
        while rest > 0 && ni < self.nodes.len() {
            let c = self.nodes[ni].count();
            if off == 0 && rest >= c {
                self.nodes.remove(ni);
                rest -= c;
                continue;
            }
            let take = (c - off).min(rest);
            if let Some(lp) = self.nodes[ni].packed_mut() {
                if let Some(p) = lp.seek(off as i64) {
                    lp.delete_range(p, take);
                }
            }
            touched[usize::from(touched[0] != usize::MAX)] = ni;
            rest -= take;
            ni += 1;
            off = 0;
        }
        self.count -= n;
        self.settle(&touched);
    }

    /// Restores the compression invariant after a change: the `depth` nodes at each end raw,
    /// inner nodes compressed (the ones next to the raw ends, and `touched` ones inside).
    fn settle(&mut self, touched: &[usize]) {
        let d = usize::from(self.depth);
        if d == 0 {
            return;
        }
        let n = self.nodes.len();
        if n <= 2 * d {
            self.nodes.iter_mut().for_each(Node::open);
            return;
        }
        for i in (0..d).chain(n - d..n) {
            self.nodes[i].open();
        }
        self.nodes[d].close();
        self.nodes[n - 1 - d].close();
        for &t in touched {
            if t >= d && t < n - d {
                self.nodes[t].close();
            }
        }
    }

    /// The elements from head to tail, as owned bytes.
    pub fn iter(&self) -> Iter<'_> {
        Iter { ql: self, next_node: 0, view: None, pos: None }
    }
}

/// Iterator over a quicklist's elements (see [`Quicklist::iter`]).
pub struct Iter<'a> {
    ql: &'a Quicklist,
    next_node: usize,
    view: Option<View<'a>>,
    /// Position in a packed view; `Some(0)` marks a plain view not yet yielded.
    pos: Option<usize>,
}

impl Iterator for Iter<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        loop {
            if let (Some(view), Some(p)) = (&self.view, self.pos) {
                match view {
                    View::Packed(lp) => {
                        self.pos = lp.next(p);
                        return Some(lp.get(p).to_vec());
                    }
                    View::Plain(b) => {
                        self.pos = None;
                        return Some(b.to_vec());
                    }
                }
            }
            let node = self.ql.nodes.get(self.next_node)?;
            self.next_node += 1;
            let view = node.view();
            self.pos = match &view {
                View::Packed(lp) => lp.first(),
                View::Plain(_) => Some(0),
            };
            self.view = Some(view);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the quicklist against a model and its structural invariants.
    fn check(ql: &Quicklist, model: &VecDeque<Vec<u8>>) {
        assert_eq!(ql.len(), model.len());
        let all: Vec<Vec<u8>> = ql.iter().collect();
        assert_eq!(all, model.iter().cloned().collect::<Vec<_>>());
        assert_eq!(ql.nodes.iter().map(Node::count).sum::<usize>(), model.len());
        assert!(ql.nodes.iter().all(|n| n.count() > 0));
        let d = usize::from(ql.depth);
        let n = ql.nodes.len();
        for (i, node) in ql.nodes.iter().enumerate() {
            if i < d || i + d >= n {
                assert!(!matches!(node, Node::Lzf(_)), "end node {i} compressed");
            }
        }
        if !model.is_empty() {
            let mid = model.len() / 2;
            assert_eq!(ql.get(mid).as_ref(), model.get(mid));
            let mut back = Vec::new();
            ql.walk(model.len() - 1, true, |v| {
                back.push(v.to_vec());
                true
            });
            back.reverse();
            assert_eq!(back, all);
        }
    }

    fn elem(i: u64) -> Vec<u8> {
        match i % 4 {
            0 => i.to_string().into_bytes(),
            1 => format!("value-{i}-padding-padding-padding").into_bytes(),
            2 => vec![b'z'; (i % 300) as usize],
            _ => format!("{}", i * 1_000_003).into_bytes(),
        }
    }

    #[test]
    fn node_record_is_three_words() {
        assert_eq!(std::mem::size_of::<Node>(), 24);
    }

    #[test]
    fn limits() {
        assert_eq!(node_limit(-2), (8192, usize::MAX));
        assert_eq!(node_limit(-9), (65536, usize::MAX));
        assert_eq!(node_limit(0), (usize::MAX, 1));
        assert!(exceeds_limit(5, 100, 6));
        assert!(!exceeds_limit(5, 100, 5));
        assert!(exceeds_limit(5, 9000, 1));
        assert!(exceeds_limit(-1, 4097, 1));
        assert_eq!(Quicklist::new(100_000, 1 << 20).fill(), 32768);
        assert_eq!(Quicklist::new(-100, 1 << 20).compress_depth(), 65535);
    }

    #[test]
    fn pushes_and_pops_both_ends() {
        for (fill, depth) in [(-2, 0), (-1, 1), (4, 2), (1, 1), (-5, 0)] {
            let mut ql = Quicklist::new(fill, depth);
            let mut model = VecDeque::new();
            for i in 0..3000u64 {
                let v = elem(i);
                if i % 3 == 0 {
                    ql.push_front(&v, 1 << 30);
                    model.push_front(v);
                } else {
                    ql.push_back(&v, 1 << 30);
                    model.push_back(v);
                }
            }
            check(&ql, &model);
            assert!(ql.node_count() > 1);
            if depth > 0 && fill != 1 {
                assert!(ql.compressed_nodes() > 0, "fill {fill} depth {depth}");
            }
            for i in 0..2990 {
                let front = i % 2 == 0;
                let got = ql.pop(front);
                let want = if front { model.pop_front() } else { model.pop_back() };
                assert_eq!(got, want);
            }
            check(&ql, &model);
        }
    }

    #[test]
    fn compression_depth_saves_memory() {
        let mut plain = Quicklist::new(-2, 0);
        let mut packed = Quicklist::new(-2, 1);
        for i in 0..20_000u64 {
            let v = format!("job:{}:payload:{}", i % 100, "x".repeat(20));
            plain.push_back(v.as_bytes(), 1 << 30);
            packed.push_back(v.as_bytes(), 1 << 30);
        }
        assert_eq!(plain.uncompressed_size(), packed.uncompressed_size());
        assert_eq!(packed.compressed_nodes(), packed.node_count() - 2);
        assert!(packed.heap_size() * 3 < plain.heap_size());
        let a: Vec<_> = plain.iter().collect();
        let b: Vec<_> = packed.iter().collect();
        assert_eq!(a, b);
    }

    #[test]
    fn large_elements_get_plain_nodes() {
        let mut ql = Quicklist::new(-2, 1);
        let mut model = VecDeque::new();
        for i in 0..40u64 {
            let v = if i % 5 == 0 { vec![b'L'; 100 + i as usize] } else { elem(i) };
            ql.push_back(&v, 100);
            model.push_back(v);
        }
        check(&ql, &model);
        assert!(ql.nodes.iter().filter(|n| n.is_plain()).count() == 8);
        // Replace a plain element by a small one and a small one by a large one.
        ql.replace(0, b"small", 100);
        model[0] = b"small".to_vec();
        ql.replace(1, &[b'B'; 150], 100);
        model[1] = vec![b'B'; 150];
        ql.replace(2, &[b'C'; 120], 100);
        model[2] = vec![b'C'; 120];
        check(&ql, &model);
        ql.insert(7, false, &[b'I'; 200], 100);
        model.insert(7, vec![b'I'; 200]);
        check(&ql, &model);
    }

    #[test]
    fn random_operations_match_a_model() {
        let mut seed: u64 = 42;
        let mut rnd = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n.max(1)
        };
        for (fill, depth, threshold) in
            [(3, 1, 1 << 30), (-1, 2, 200), (-2, 0, 50), (1, 0, 1 << 30)]
        {
            let mut ql = Quicklist::new(fill, depth);
            let mut model: VecDeque<Vec<u8>> = VecDeque::new();
            for step in 0..4000u64 {
                let v = elem(rnd(10_000));
                let len = model.len() as u64;
                match rnd(7) {
                    0 => {
                        ql.push_front(&v, threshold);
                        model.push_front(v);
                    }
                    1 | 2 => {
                        ql.push_back(&v, threshold);
                        model.push_back(v);
                    }
                    3 if len > 0 => {
                        let pivot = rnd(len) as usize;
                        let after = rnd(2) == 0;
                        ql.insert(pivot, after, &v, threshold);
                        model.insert(pivot + usize::from(after), v);
                    }
                    4 if len > 0 => {
                        let i = rnd(len) as usize;
                        ql.replace(i, &v, threshold);
                        model[i] = v;
                    }
                    5 if len > 0 => {
                        let i = rnd(len) as usize;
                        let n = rnd(5) as usize;
                        ql.delete_range(i, n);
                        let end = (i + n).min(model.len());
                        model.drain(i..end);
                    }
                    _ => {
                        let front = rnd(2) == 0;
                        let got = ql.pop(front);
                        let want = if front { model.pop_front() } else { model.pop_back() };
                        assert_eq!(got, want);
                    }
                }
                if step % 97 == 0 {
                    check(&ql, &model);
                }
            }
            check(&ql, &model);
        }
    }

    /// Node sizes head to tail.
    fn shape(ql: &Quicklist) -> Vec<usize> {
        ql.nodes.iter().map(Node::count).collect()
    }

    #[test]
    fn insert_places_like_redis() {
        let filled = |counts: &[usize]| {
            let mut k = 0u64;
            let nodes = counts
                .iter()
                .map(|&c| {
                    let mut lp = Listpack::new();
                    for _ in 0..c {
                        lp.push_back(k.to_string().as_bytes());
                        k += 1;
                    }
                    NewNode::Packed(lp)
                })
                .collect();
            Quicklist::from_nodes(nodes, 4, 0)
        };
        // Full node, pivot inside: split at the pivot, merges limited by the fill.
        let mut ql = filled(&[4, 4]);
        ql.insert(1, true, b"x", 1 << 30);
        assert_eq!(shape(&ql), vec![2, 3, 4]);
        let mut ql = filled(&[4, 4]);
        ql.insert(2, false, b"x", 1 << 30);
        assert_eq!(shape(&ql), vec![3, 2, 4]);
        // Full node, pivot at its tail, next node full: a new node between them.
        let mut ql = filled(&[4, 4]);
        ql.insert(3, true, b"x", 1 << 30);
        assert_eq!(shape(&ql), vec![4, 1, 4]);
        // Pivot at the head of a full node, inserting before: the previous node's tail
        // would do, but the pivot's own node is tried first.
        let mut ql = filled(&[4]);
        ql.insert(0, false, b"x", 1 << 30);
        assert_eq!(shape(&ql), vec![1, 4]);
        let mut ql = filled(&[2, 4]);
        ql.insert(2, false, b"x", 1 << 30);
        assert_eq!(shape(&ql), vec![3, 4]);
        // Not full: next to the pivot in its own node, even at a node boundary.
        let mut ql = filled(&[2, 2]);
        ql.insert(1, true, b"x", 1 << 30);
        assert_eq!(shape(&ql), vec![3, 2]);
        assert_eq!(ql.get(2).as_deref(), Some(&b"x"[..]));
    }

    #[test]
    fn listpack_round_trip() {
        let mut lp = Listpack::new();
        for i in 0..10u64 {
            lp.push_back(&elem(i));
        }
        let bytes = lp.bytes();
        let ql = Quicklist::from_listpack(lp, -2, 0);
        assert_eq!(ql.len(), 10);
        assert_eq!(ql.single_listpack_bytes(), Some(bytes));
        let lp = ql.into_listpack().unwrap();
        assert_eq!(lp.len(), 10);
        assert!(Quicklist::from_listpack(Listpack::new(), -2, 0).is_empty());
    }
}
