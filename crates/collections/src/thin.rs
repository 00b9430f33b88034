//! `ThinBytes`: an owned byte buffer behind one pointer, allocated at exactly its length.
//!
//! A `Vec<u8>` is three words (pointer, length, capacity) and may hold more capacity than
//! bytes. Small hashes are stored by the hundred thousand, and Redis keeps their listpacks
//! at exactly their size (`lpInsert` reallocates on every change). `ThinBytes` does the
//! same in one word: its first four bytes are the buffer's total length (u32 little-endian),
//! which is also what a listpack's header holds, so the length costs nothing extra there.
//!
//! Every change goes through [`ThinBytes::splice`] (reallocates to the exact new size and
//! rewrites the length) or [`ThinBytes::write_at`] (overwrites bytes after the length), so
//! the length in the header is always the allocation's size, which `Drop` and `realloc`
//! rely on.

use std::alloc::{alloc, dealloc, handle_alloc_error, realloc, Layout};
use std::fmt;
use std::ops::Deref;
use std::ptr::{self, NonNull};

/// Size of the length header.
pub const LEN_BYTES: usize = 4;

/// An exact-size byte buffer whose first four bytes are its length. See the module docs.
pub struct ThinBytes {
    ptr: NonNull<u8>,
}

// SAFETY: `ThinBytes` owns its allocation exclusively (like `Box<[u8]>`); no interior
// mutability, so sending or sharing it between threads is as safe as for `Box<[u8]>`.
unsafe impl Send for ThinBytes {}
// SAFETY: see `Send`; `&ThinBytes` only allows reads.
unsafe impl Sync for ThinBytes {}

fn layout(n: usize) -> Layout {
    // Alignment 1 never fails for sizes up to isize::MAX, and lengths are at most u32::MAX.
    Layout::from_size_align(n, 1).expect("ThinBytes length fits a layout")
}

impl ThinBytes {
    /// Copies `b`, whose first four bytes must be `b.len()` as u32 little-endian.
    ///
    /// # Panics
    /// If `b` is shorter than four bytes or its header is not its length (callers build or
    /// validate the header before).
    pub fn from_slice(b: &[u8]) -> Self {
        assert!(b.len() >= LEN_BYTES && b.len() <= u32::MAX as usize, "ThinBytes length");
        assert_eq!(
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize,
            b.len(),
            "ThinBytes header must hold the length"
        );
        let l = layout(b.len());
        // SAFETY: `l` has a non-zero size (at least 4 bytes).
        let p = unsafe { alloc(l) };
        let Some(ptr) = NonNull::new(p) else { handle_alloc_error(l) };
        // SAFETY: `ptr` is a fresh allocation of `b.len()` bytes, `b` is a distinct live slice.
        unsafe { ptr::copy_nonoverlapping(b.as_ptr(), ptr.as_ptr(), b.len()) };
        ThinBytes { ptr }
    }

    /// Total length, header included (always the allocation's size).
    #[inline]
    pub fn len(&self) -> usize {
        // SAFETY: the allocation is at least LEN_BYTES long and owned by `self`.
        let h = unsafe { ptr::read_unaligned(self.ptr.as_ptr() as *const [u8; LEN_BYTES]) };
        u32::from_le_bytes(h) as usize
    }

    /// Never true: the header alone is four bytes (present for clippy's `len` rule).
    #[inline]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Replaces `remove` bytes at `p` by `insert`, reallocating to the exact new size and
    /// updating the length header.
    ///
    /// # Panics
    /// If `p` is inside the header, the range passes the end, or the result would exceed
    /// u32::MAX bytes.
    pub fn splice(&mut self, p: usize, remove: usize, insert: &[u8]) {
        let old = self.len();
        assert!(p >= LEN_BYTES && p.checked_add(remove).is_some_and(|e| e <= old), "splice range");
        let new = old - remove + insert.len();
        assert!(new <= u32::MAX as usize, "ThinBytes length");
        let tail = old - p - remove;
        if new > old {
            self.resize(old, new);
        }
        // SAFETY: the allocation holds max(old, new) bytes here: the tail
        // `[p + remove, old)` is moved to start at `p + insert.len()`, ending at `new`, both
        // ranges inside the allocation (`ptr::copy` allows overlap); then `insert` (a slice
        // that cannot alias our exclusively owned buffer) is copied to `[p, p + len)`.
        unsafe {
            let base = self.ptr.as_ptr();
            ptr::copy(base.add(p + remove), base.add(p + insert.len()), tail);
            ptr::copy_nonoverlapping(insert.as_ptr(), base.add(p), insert.len());
        }
        if new < old {
            self.resize(old, new);
        }
        self.set_len_header(new);
    }

    /// Overwrites bytes at `at` (after the header) with `bytes`.
    ///
    /// # Panics
    /// If the range touches the header or passes the end.
    pub fn write_at(&mut self, at: usize, bytes: &[u8]) {
        assert!(
            at >= LEN_BYTES && at.checked_add(bytes.len()).is_some_and(|e| e <= self.len()),
            "write_at range"
        );
        // SAFETY: the range is inside the allocation (checked above); `bytes` cannot alias it.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.as_ptr().add(at), bytes.len()) };
    }

    fn set_len_header(&mut self, n: usize) {
        let h = (n as u32).to_le_bytes();
        // SAFETY: the allocation is at least LEN_BYTES long.
        unsafe { ptr::copy_nonoverlapping(h.as_ptr(), self.ptr.as_ptr(), LEN_BYTES) };
    }

    /// Reallocates from `old` bytes (the current allocation's size) to `new`.
    fn resize(&mut self, old: usize, new: usize) {
        // SAFETY: `ptr` was allocated by the global allocator with `layout(old)` (the header
        // always equals the allocation's size and callers pass it as `old`); `new` is
        // non-zero (at least LEN_BYTES: `splice` never removes the header).
        let p = unsafe { realloc(self.ptr.as_ptr(), layout(old), new) };
        let Some(ptr) = NonNull::new(p) else { handle_alloc_error(layout(new)) };
        self.ptr = ptr;
    }
}

impl Deref for ThinBytes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        // SAFETY: `len()` bytes starting at `ptr` are allocated, initialized and owned by us
        // for the lifetime of `&self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len()) }
    }
}

impl Drop for ThinBytes {
    fn drop(&mut self) {
        // SAFETY: allocated with `layout(self.len())` (the header tracks every realloc).
        unsafe { dealloc(self.ptr.as_ptr(), layout(self.len())) }
    }
}

impl Clone for ThinBytes {
    fn clone(&self) -> Self {
        ThinBytes::from_slice(self)
    }
}

impl PartialEq for ThinBytes {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for ThinBytes {}

impl fmt::Debug for ThinBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + LEN_BYTES) as u32).to_le_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn one_word() {
        assert_eq!(std::mem::size_of::<ThinBytes>(), 8);
        assert_eq!(std::mem::size_of::<Option<ThinBytes>>(), 8);
    }

    #[test]
    fn random_splices_match_a_vec_model() {
        let mut model = with_header(b"hello");
        let mut t = ThinBytes::from_slice(&model);
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for step in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let body = model.len() - LEN_BYTES;
            let p = LEN_BYTES + (x as usize % (body + 1));
            let remove = ((x >> 16) as usize % 40).min(model.len() - p);
            let n = (x >> 32) as usize % if step % 3 == 0 { 300 } else { 30 };
            let ins: Vec<u8> = (0..n).map(|i| (i as u64 ^ x) as u8).collect();
            model.splice(p..p + remove, ins.iter().copied());
            let l = model.len() as u32;
            model[..4].copy_from_slice(&l.to_le_bytes());
            t.splice(p, remove, &ins);
            assert_eq!(&*t, &model[..], "step {step}");
            if step % 7 == 0 && model.len() > 6 {
                t.write_at(5, &[step as u8]);
                model[5] = step as u8;
            }
            if step % 1000 == 0 {
                let c = t.clone();
                assert_eq!(c, t);
            }
            if model.len() > 4000 {
                t.splice(LEN_BYTES, model.len() - LEN_BYTES, &[]);
                model.truncate(LEN_BYTES);
                model[..4].copy_from_slice(&4u32.to_le_bytes());
                assert_eq!(t.len(), 4);
            }
        }
    }

    #[test]
    #[should_panic]
    fn header_cannot_be_spliced() {
        let mut t = ThinBytes::from_slice(&with_header(b"ab"));
        t.splice(2, 1, b"x");
    }

    #[test]
    #[should_panic]
    fn header_cannot_be_written() {
        let mut t = ThinBytes::from_slice(&with_header(b"ab"));
        t.write_at(3, b"xy");
    }

    #[test]
    #[should_panic]
    fn wrong_header_is_refused() {
        ThinBytes::from_slice(&[9, 0, 0, 0, 1]);
    }
}
