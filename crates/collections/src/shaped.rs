//! `Shaped<S>`: a shared, reference-counted descriptor plus private bytes, in one word.
//!
//! Small hashes with the same field names (a session store's `uid name mail ...`) can share
//! one interned field list (the "shape") and keep only their values. Holding an `Arc<S>` and
//! a buffer side by side would take two words, one more than a keyspace entry has room for,
//! so `Shaped` keeps the `Arc`'s pointer inside its exact-size [`ThinBytes`] buffer:
//!
//! ```text
//! <total length u32 LE> <Arc<S> pointer, native-endian usize> <payload ...>
//! ```
//!
//! The pointer bytes are written once at construction and never exposed for writing (every
//! payload change is offset past them), so the buffer always holds exactly one strong count
//! of the shape, released on drop.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::thin::{ThinBytes, LEN_BYTES};

const PTR: usize = std::mem::size_of::<usize>();
/// Offset of the payload.
const PAYLOAD: usize = LEN_BYTES + PTR;

/// A shape (`Arc<S>`) and a payload in one pointer. See the module docs.
pub struct Shaped<S> {
    buf: ThinBytes,
    _shape: PhantomData<Arc<S>>,
}

// SAFETY: a `Shaped<S>` is an `Arc<S>` plus an owned byte buffer; it is `Send`/`Sync`
// exactly when `Arc<S>` is (S: Send + Sync).
unsafe impl<S: Send + Sync> Send for Shaped<S> {}
// SAFETY: see `Send`.
unsafe impl<S: Send + Sync> Sync for Shaped<S> {}

impl<S> Shaped<S> {
    /// Takes one strong count of `shape` and copies `payload`.
    pub fn new(shape: Arc<S>, payload: &[u8]) -> Self {
        let total = PAYLOAD + payload.len();
        let mut v = Vec::with_capacity(total);
        v.extend_from_slice(&(total as u32).to_le_bytes());
        let raw = Arc::into_raw(shape) as usize;
        v.extend_from_slice(&raw.to_ne_bytes());
        v.extend_from_slice(payload);
        Shaped { buf: ThinBytes::from_slice(&v), _shape: PhantomData }
    }

    fn raw(&self) -> *const S {
        let mut b = [0u8; PTR];
        b.copy_from_slice(&self.buf[LEN_BYTES..PAYLOAD]);
        usize::from_ne_bytes(b) as *const S
    }

    /// The shared shape.
    #[inline]
    pub fn shape(&self) -> &S {
        // SAFETY: the pointer came from `Arc::into_raw` in `new` (or `clone`), its bytes are
        // never written afterwards, and `self` owns one strong count until dropped, so the
        // `S` is alive for at least the lifetime of `&self`.
        unsafe { &*self.raw() }
    }

    /// Another strong reference to the shape.
    pub fn shape_arc(&self) -> Arc<S> {
        let p = self.raw();
        // SAFETY: `p` is a live `Arc<S>` pointer (see `shape`); we add a count for the new
        // `Arc` we hand out, leaving ours untouched.
        unsafe {
            Arc::increment_strong_count(p);
            Arc::from_raw(p)
        }
    }

    /// The payload bytes.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        &self.buf[PAYLOAD..]
    }

    /// Replaces `remove` payload bytes at payload offset `p` by `insert` (exact realloc).
    ///
    /// # Panics
    /// If the range passes the payload's end.
    pub fn splice_payload(&mut self, p: usize, remove: usize, insert: &[u8]) {
        self.buf.splice(PAYLOAD + p, remove, insert);
    }

    /// Bytes of the private allocation (header, pointer, payload).
    pub fn alloc_size(&self) -> usize {
        self.buf.len()
    }
}

impl<S> Clone for Shaped<S> {
    fn clone(&self) -> Self {
        Shaped::new(self.shape_arc(), self.payload())
    }
}

impl<S> Drop for Shaped<S> {
    fn drop(&mut self) {
        // SAFETY: we own exactly one strong count (taken in `new`), released here once; the
        // buffer is freed after this by `ThinBytes`'s own drop.
        unsafe { drop(Arc::from_raw(self.raw())) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static DROPS: AtomicUsize = AtomicUsize::new(0);

    struct Probe(u32);
    impl Drop for Probe {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn counts_and_payload_edits() {
        assert_eq!(std::mem::size_of::<Shaped<Probe>>(), 8);
        let shape = Arc::new(Probe(7));
        let mut a = Shaped::new(shape.clone(), b"abc");
        assert_eq!(Arc::strong_count(&shape), 2);
        assert_eq!(a.shape().0, 7);
        assert_eq!(a.payload(), b"abc");
        let b = a.clone();
        assert_eq!(Arc::strong_count(&shape), 3);
        let mut model = b"abc".to_vec();
        let mut x: u64 = 88172645463325252;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let p = x as usize % (model.len() + 1);
            let r = ((x >> 20) as usize % 5).min(model.len() - p);
            let ins = vec![(x >> 40) as u8; (x >> 50) as usize % 9];
            model.splice(p..p + r, ins.iter().copied());
            a.splice_payload(p, r, &ins);
            assert_eq!(a.payload(), &model[..]);
            assert_eq!(a.shape().0, 7);
            assert_eq!(a.alloc_size(), PAYLOAD + model.len());
        }
        let s2 = a.shape_arc();
        assert_eq!(Arc::strong_count(&shape), 4);
        drop(s2);
        drop(a);
        drop(b);
        assert_eq!(Arc::strong_count(&shape), 1);
        let before = DROPS.load(Ordering::SeqCst);
        let only = Shaped::new(shape, b"");
        drop(only);
        assert_eq!(DROPS.load(Ordering::SeqCst), before + 1);
    }

    #[test]
    fn shared_across_threads() {
        let shape = Arc::new(Probe(1));
        let items: Vec<Shaped<Probe>> = (0..64).map(|i| Shaped::new(shape.clone(), &[i])).collect();
        let hs: Vec<_> = items
            .into_iter()
            .map(|s| std::thread::spawn(move || (s.payload()[0], s.shape().0, s.clone())))
            .collect();
        for (i, h) in hs.into_iter().enumerate() {
            let (p, k, c) = h.join().unwrap();
            assert_eq!((p as usize, k), (i, 1));
            drop(c);
        }
        assert_eq!(Arc::strong_count(&shape), 1);
    }
}
