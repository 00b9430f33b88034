//! Shapes: field lists shared by small hashes that have the same fields in the same order.
//!
//! A session store keeps many small hashes with identical field names (`uid name mail ...`).
//! In a listpack every hash repeats those names; a *shaped* hash instead points at one
//! interned, reference-counted [`Shape`] (the names) and keeps only its values, each as
//! `LEB128 length ++ bytes` ([`push_item`], read back with [`Items`]). It is still a
//! listpack hash to every observer: OBJECT ENCODING says `listpack`, replies come in the same
//! order, and RDB/DUMP write the listpack it stands for (see `types/hash.rs`).
//!
//! Shapes live in a process-wide registry (16 shards by fingerprint, each behind a mutex)
//! that holds only weak references: a shape disappears with the last hash using it. A field
//! list becomes a shape only the *third* time it is offered (a small fixed table of recent
//! fingerprints counts the first two sightings), so hashes with field lists of their own, or
//! shared by only two hashes, stay plain listpacks and never pay for a shape.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, LazyLock, Weak};

use parking_lot::Mutex;

/// Registry shards (by fingerprint).
const SHARDS: usize = 16;
/// Remembered first sightings per shard.
const SEEN: usize = 256;

/// An interned field list. See the module docs.
pub struct Shape {
    /// The names, each as `LEB128 length ++ bytes`, in order.
    names: Box<[u8]>,
    count: usize,
    fp: u64,
}

struct Registry {
    /// Live shapes by fingerprint (a fingerprint collision just means no sharing).
    map: HashMap<u64, Weak<Shape>>,
    /// Recent first sightings: `fingerprint & !3 | times offered` (1 or 2).
    seen: [u64; SEEN],
}

static REGISTRY: LazyLock<[Mutex<Registry>; SHARDS]> = LazyLock::new(|| {
    std::array::from_fn(|_| Mutex::new(Registry { map: HashMap::new(), seen: [0; SEEN] }))
});

fn fingerprint(names: &[u8]) -> u64 {
    // Low bits clear (they count sightings in `seen`), never 0.
    (foldhash::fast::FixedState::with_seed(0x5eed_5a9e).hash_one(names) & !3) | 4
}

/// The registry shard of a fingerprint (its low bits are fixed, so skip them).
fn shard_of(fp: u64) -> usize {
    (fp >> 4) as usize % SHARDS
}

/// Appends `b` as `LEB128 length ++ bytes`.
pub fn push_item(out: &mut Vec<u8>, b: &[u8]) {
    crate::util::varint::push(out, b.len());
    out.extend_from_slice(b);
}

/// Reads the item at the start of `b`: (bytes, total size with the length prefix).
#[inline]
fn read_item(b: &[u8]) -> (&[u8], usize) {
    let (n, used) = crate::util::varint::read(b);
    let end = used.saturating_add(n).min(b.len());
    (&b[used..end], end)
}

/// The items of an encoded sequence (names of a shape or values of a hash), in order.
#[derive(Clone)]
pub struct Items<'a> {
    rest: &'a [u8],
}

impl<'a> Items<'a> {
    /// Iterates `b`, a sequence written by [`push_item`].
    pub fn new(b: &'a [u8]) -> Self {
        Items { rest: b }
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a [u8];
    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let (item, used) = read_item(self.rest);
        self.rest = &self.rest[used..];
        Some(item)
    }
}

/// Byte range `(start, end)` of item `i` (prefix included) in an encoded sequence.
pub fn item_span(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut at = 0usize;
    for _ in 0..i {
        at += read_item(b.get(at..).filter(|r| !r.is_empty())?).1;
    }
    let rest = b.get(at..).filter(|r| !r.is_empty())?;
    Some((at, at + read_item(rest).1))
}

impl Shape {
    /// Number of fields.
    #[inline]
    pub fn len(&self) -> usize {
        self.count
    }

    /// True for a shape without fields (never interned: an empty hash is not stored).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Index of `field`, if the shape has it.
    #[inline]
    pub fn find(&self, field: &[u8]) -> Option<usize> {
        Items::new(&self.names).position(|n| n == field)
    }

    /// The field names, in order.
    pub fn names(&self) -> Items<'_> {
        Items::new(&self.names)
    }

    /// The shared shape for `names` (encoded with [`push_item`], `count` of them), if one is
    /// in use or this field list was offered twice before; `None` otherwise (the caller keeps
    /// its plain listpack). Waiting for the third hash means a field list held by one or two
    /// hashes never pays for a shape.
    pub fn intern(names: &[u8], count: usize) -> Option<Arc<Shape>> {
        let fp = fingerprint(names);
        let mut reg = REGISTRY[shard_of(fp)].lock();
        if let Some(w) = reg.map.get(&fp) {
            if let Some(s) = w.upgrade() {
                // Another field list with the same fingerprint: not shared.
                return (*s.names == *names).then_some(s);
            }
        }
        let slot = (fp >> 16) as usize % SEEN;
        let entry = reg.seen[slot];
        if entry & !3 != fp {
            reg.seen[slot] = fp | 1;
            return None;
        }
        if entry & 3 < 2 {
            reg.seen[slot] = entry + 1;
            return None;
        }
        let s = Arc::new(Shape { names: names.into(), count, fp });
        reg.map.insert(fp, Arc::downgrade(&s));
        Some(s)
    }
}

impl Drop for Shape {
    fn drop(&mut self) {
        // Runs when the last hash lets go (never while this thread holds the registry lock:
        // `intern` only hands strong references out). Remove our entry unless a new shape
        // for the same names already replaced it.
        let mut reg = REGISTRY[shard_of(self.fp)].lock();
        if reg.map.get(&self.fp).is_some_and(|w| std::ptr::eq(w.as_ptr(), self)) {
            reg.map.remove(&self.fp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(items: &[&[u8]]) -> Vec<u8> {
        let mut v = Vec::new();
        for i in items {
            push_item(&mut v, i);
        }
        v
    }

    #[test]
    fn items_round_trip() {
        let long = vec![b'x'; 300];
        let v = enc(&[b"a", b"", &long, b"bc"]);
        let got: Vec<&[u8]> = Items::new(&v).collect();
        assert_eq!(got, vec![&b"a"[..], b"", &long[..], b"bc"]);
        assert_eq!(item_span(&v, 0), Some((0, 2)));
        assert_eq!(item_span(&v, 1), Some((2, 3)));
        assert_eq!(item_span(&v, 2), Some((3, 305)));
        assert_eq!(item_span(&v, 3), Some((305, 308)));
        assert_eq!(item_span(&v, 4), None);
    }

    #[test]
    fn interned_on_third_offer_and_freed_with_last_user() {
        let names = enc(&[b"shape-test-uid", b"shape-test-name"]);
        assert!(Shape::intern(&names, 2).is_none());
        assert!(Shape::intern(&names, 2).is_none());
        let a = Shape::intern(&names, 2).expect("third offer interns");
        let b = Shape::intern(&names, 2).expect("in use");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.find(b"shape-test-name"), Some(1));
        assert_eq!(a.find(b"nope"), None);
        assert_eq!(a.names().count(), 2);
        drop(a);
        drop(b);
        let fp = fingerprint(&names);
        assert!(!REGISTRY[shard_of(fp)].lock().map.contains_key(&fp));
    }

    #[test]
    fn concurrent_intern_and_drop_keep_the_registry_consistent() {
        let lists: Vec<Vec<u8>> =
            (0..6).map(|i| enc(&[format!("shape-conc-{i}").as_bytes(), b"x"])).collect();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let lists = lists.clone();
                std::thread::spawn(move || {
                    let mut held: Vec<Arc<Shape>> = Vec::new();
                    for i in 0..20_000usize {
                        let names = &lists[(i * 7 + t) % lists.len()];
                        if let Some(s) = Shape::intern(names, 2) {
                            assert_eq!(&*s.names, &names[..]);
                            held.push(s);
                        }
                        // Drop some, so shapes die and come back while others look them up.
                        if held.len() > 8 || i % 5 == 0 {
                            held.clear();
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        // Everything was dropped: no entry of these lists may remain.
        for names in &lists {
            let fp = fingerprint(names);
            let reg = REGISTRY[shard_of(fp)].lock();
            assert!(!reg.map.contains_key(&fp));
        }
    }
}
