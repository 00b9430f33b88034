//! `KeyBytes`: a keyspace key with a 24-bit stamp (the entry's LRU clock) in its spare bytes.
//!
//! Every keyspace entry needs its key, its value, its expiry and an LRU/LFU stamp. Packing the
//! 24-bit stamp into bytes the key representation leaves unused keeps an entry at 56 bytes, so
//! a dict node (entry + chain pointer) fits jemalloc's 64-byte class instead of 80: 16 bytes
//! less for every key. Keys up to 20 bytes are stored inline (19 with an explicit length, or
//! exactly 20 in a variant of their own: `counter:000000123456`-style keys are common), longer
//! ones in a boxed slice.

use std::fmt;

const INLINE: usize = 19;

/// A key plus a 24-bit stamp, in 24 bytes. See the module docs.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyBytes {
    /// Stored inline: length, stamp, bytes.
    Inline(u8, [u8; 3], [u8; INLINE]),
    /// Exactly `INLINE + 1` bytes, inline: stamp, bytes.
    Full([u8; 3], [u8; INLINE + 1]),
    /// Stored on the heap, with the stamp beside the pointer.
    Heap([u8; 3], Box<[u8]>),
}

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
            KeyBytes::Heap(st, key.into())
        }
    }

    /// The key bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            KeyBytes::Inline(n, _, b) => &b[..*n as usize],
            KeyBytes::Full(_, b) => b,
            KeyBytes::Heap(_, b) => b,
        }
    }

    /// The 24-bit stamp.
    #[inline]
    pub fn stamp(&self) -> u32 {
        let s = match self {
            KeyBytes::Inline(_, s, _) | KeyBytes::Full(s, _) | KeyBytes::Heap(s, _) => s,
        };
        u32::from_le_bytes([s[0], s[1], s[2], 0])
    }

    /// Sets the stamp (low 24 bits of `v`).
    #[inline]
    pub fn set_stamp(&mut self, v: u32) {
        let s = match self {
            KeyBytes::Inline(_, s, _) | KeyBytes::Full(s, _) | KeyBytes::Heap(s, _) => s,
        };
        *s = stamp_bytes(v);
    }

    /// Heap bytes used beyond the value itself.
    pub fn heap_size(&self) -> usize {
        match self {
            KeyBytes::Inline(..) | KeyBytes::Full(..) => 0,
            KeyBytes::Heap(_, b) => b.len(),
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
        }
    }
}
