//! `KeyBytes`: a keyspace key with a 24-bit stamp (the entry's LRU clock) in its spare bytes.
//!
//! Every keyspace entry needs its key, its value, its expiry and an LRU/LFU stamp. Packing the
//! 24-bit stamp into bytes the key representation leaves unused keeps an entry at 56 bytes, so
//! a dict node (entry + chain pointer) fits jemalloc's 64-byte class instead of 80: 16 bytes
//! less for every key. Keys up to 20 bytes are stored inline (19 with an explicit length, or
//! exactly 20 in a variant of their own: `counter:000000123456`-style keys are common), longer
//! ones in a boxed slice.
//!
//! One more bit rides along, the *flag* (the keyspace uses it to mark entries a running
//! snapshot has written): the high bit of the inline length byte, a byte of the heap variant's
//! padding, and for the full-inline variant the choice between two otherwise identical
//! variants. It costs no space.

use std::fmt;

const INLINE: usize = 19;

/// A key plus a 24-bit stamp and a flag bit, in 24 bytes. See the module docs.
#[derive(Clone)]
pub enum KeyBytes {
    /// Stored inline: length (high bit: the flag), stamp, bytes.
    Inline(u8, [u8; 3], [u8; INLINE]),
    /// Exactly `INLINE + 1` bytes, inline: stamp, bytes. Flag clear.
    Full([u8; 3], [u8; INLINE + 1]),
    /// [`KeyBytes::Full`] with the flag set.
    FullFlagged([u8; 3], [u8; INLINE + 1]),
    /// Stored on the heap, with the stamp and the flag (0/1) beside the pointer.
    Heap([u8; 3], u8, Box<[u8]>),
}

/// The high bit of `Inline`'s length byte.
const LEN_FLAG: u8 = 0x80;

impl PartialEq for KeyBytes {
    /// Keys compare by their bytes and stamp; the flag is not part of the value.
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice() && self.stamp() == other.stamp()
    }
}

impl Eq for KeyBytes {}

fn stamp_bytes(s: u32) -> [u8; 3] {
    let b = s.to_le_bytes();
    [b[0], b[1], b[2]]
}

impl KeyBytes {
    /// Copies `key` and sets the stamp (only its low 24 bits are kept).
    #[inline]
    pub fn new(key: &[u8], stamp: u32) -> Self {
        let st = stamp_bytes(stamp);
        if key.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..key.len()].copy_from_slice(key);
            KeyBytes::Inline(key.len() as u8, st, buf)
        } else if key.len() == INLINE + 1 {
            let mut buf = [0u8; INLINE + 1];
            buf.copy_from_slice(key);
            KeyBytes::Full(st, buf)
        } else {
            KeyBytes::Heap(st, 0, key.into())
        }
    }

    /// The key bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            KeyBytes::Inline(n, _, b) => &b[..(*n & !LEN_FLAG) as usize],
            KeyBytes::Full(_, b) | KeyBytes::FullFlagged(_, b) => b,
            KeyBytes::Heap(_, _, b) => b,
        }
    }

    /// The 24-bit stamp.
    #[inline]
    pub fn stamp(&self) -> u32 {
        let s = match self {
            KeyBytes::Inline(_, s, _)
            | KeyBytes::Full(s, _)
            | KeyBytes::FullFlagged(s, _)
            | KeyBytes::Heap(s, _, _) => s,
        };
        u32::from_le_bytes([s[0], s[1], s[2], 0])
    }

    /// Sets the stamp (low 24 bits of `v`).
    #[inline]
    pub fn set_stamp(&mut self, v: u32) {
        let s = match self {
            KeyBytes::Inline(_, s, _)
            | KeyBytes::Full(s, _)
            | KeyBytes::FullFlagged(s, _)
            | KeyBytes::Heap(s, _, _) => s,
        };
        *s = stamp_bytes(v);
    }

    /// The flag bit.
    #[inline]
    pub fn flag(&self) -> bool {
        match self {
            KeyBytes::Inline(n, _, _) => n & LEN_FLAG != 0,
            KeyBytes::Full(..) => false,
            KeyBytes::FullFlagged(..) => true,
            KeyBytes::Heap(_, f, _) => *f != 0,
        }
    }

    /// Sets the flag bit.
    #[inline]
    pub fn set_flag(&mut self, on: bool) {
        match self {
            KeyBytes::Inline(n, _, _) => *n = (*n & !LEN_FLAG) | if on { LEN_FLAG } else { 0 },
            KeyBytes::Full(s, b) if on => *self = KeyBytes::FullFlagged(*s, *b),
            KeyBytes::FullFlagged(s, b) if !on => *self = KeyBytes::Full(*s, *b),
            KeyBytes::Full(..) | KeyBytes::FullFlagged(..) => {}
            KeyBytes::Heap(_, f, _) => *f = on as u8,
        }
    }

    /// Heap bytes used beyond the value itself.
    pub fn heap_size(&self) -> usize {
        match self {
            KeyBytes::Inline(..) | KeyBytes::Full(..) | KeyBytes::FullFlagged(..) => 0,
            KeyBytes::Heap(_, _, b) => b.len(),
        }
    }
}

impl std::ops::Deref for KeyBytes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{}", String::from_utf8_lossy(self.as_slice()), self.stamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_words_and_round_trip() {
        assert_eq!(std::mem::size_of::<KeyBytes>(), 24);
        for n in [0usize, 1, 19, 20, 21, 64] {
            let v: Vec<u8> = (0..n as u8).collect();
            let mut k = KeyBytes::new(&v, 0xabcdef);
            assert_eq!(k.as_slice(), &v[..]);
            assert_eq!(k.stamp(), 0xabcdef);
            k.set_stamp(0x1234_5678);
            assert_eq!(k.stamp(), 0x34_5678);
            assert_eq!(k.as_slice(), &v[..]);
            assert_eq!(k.heap_size(), if n <= 20 { 0 } else { n });
            assert!(!k.flag());
            k.set_flag(true);
            assert!(k.flag());
            assert_eq!(k.as_slice(), &v[..]);
            assert_eq!(k.stamp(), 0x34_5678);
            k.set_stamp(7);
            assert!(k.flag());
            k.set_flag(false);
            assert!(!k.flag());
            assert_eq!((k.as_slice(), k.stamp()), (&v[..], 7));
        }
    }
}
