//! `SmallBytes`: an immutable byte string that keeps up to 22 bytes inline.
//!
//! Keys and short string values are mostly small (`user:1000`, `session:ab12`, counters), and a
//! separate heap allocation for each would cost a pointer, an allocator header and a cache
//! miss. `SmallBytes` is 24 bytes: up to 22 bytes live inline, longer strings in a boxed slice.

use std::fmt;

const INLINE: usize = 22;

/// A compact immutable byte string. See the module docs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum SmallBytes {
    /// Stored inline: length and bytes.
    Inline(u8, [u8; INLINE]),
    /// Stored on the heap.
    Heap(Box<[u8]>),
}

impl SmallBytes {
    /// Copies `s` into a new value.
    #[inline]
    pub fn new(s: &[u8]) -> Self {
        if s.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..s.len()].copy_from_slice(s);
            SmallBytes::Inline(s.len() as u8, buf)
        } else {
            SmallBytes::Heap(s.into())
        }
    }

    /// Returns the bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            SmallBytes::Inline(n, b) => &b[..*n as usize],
            SmallBytes::Heap(b) => b,
        }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes used beyond the value itself (0 when inline).
    pub fn heap_size(&self) -> usize {
        match self {
            SmallBytes::Inline(..) => 0,
            SmallBytes::Heap(b) => b.len(),
        }
    }
}

impl std::ops::Deref for SmallBytes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl From<&[u8]> for SmallBytes {
    fn from(s: &[u8]) -> Self {
        SmallBytes::new(s)
    }
}

impl From<Vec<u8>> for SmallBytes {
    fn from(v: Vec<u8>) -> Self {
        if v.len() <= INLINE {
            SmallBytes::new(&v)
        } else {
            SmallBytes::Heap(v.into_boxed_slice())
        }
    }
}

impl fmt::Debug for SmallBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_is_three_words() {
        assert_eq!(std::mem::size_of::<SmallBytes>(), 24);
    }

    #[test]
    fn inline_and_heap_round_trip() {
        for n in [0, 1, 22, 23, 100] {
            let v: Vec<u8> = (0..n as u8).collect();
            assert_eq!(SmallBytes::new(&v).as_slice(), &v[..]);
            assert_eq!(SmallBytes::from(v.clone()).as_slice(), &v[..]);
        }
    }
}
