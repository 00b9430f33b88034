//! The string type and its three encodings, named as OBJECT ENCODING names them:
//!
//! * `int`: the value is the canonical decimal form of an `i64` of at most 20 characters
//!   (Redis's `tryObjectEncoding` with `string2l`), stored as the integer itself.
//! * `embstr`: a string of at most 44 bytes created whole. Redis allocates these with their
//!   object header; we keep up to 22 bytes inline ([`EmbStr::Small`]) and the rest in one
//!   exact-size box.
//! * `raw`: longer strings created whole, in one exact-size box ([`RawStr::Exact`]), and any
//!   string modified in place, in a growable buffer so repeated appends are amortised
//!   ([`RawStr::Grown`]).
//!
//! The whole `StrValue` is 24 bytes (three words): with the key (24, LRU stamp included) and
//! the expiry (8), a keyspace entry is 56 bytes and its dict node fits jemalloc's 64-byte
//! class.
//!
//! Which command leaves which encoding (checked against redis-server with OBJECT ENCODING;
//! `commands/string.rs` has a test replaying these):
//!
//! * SET, SETNX, SETEX, PSETEX, GETSET, MSET, MSETNX, and APPEND on a missing key store the
//!   value as given through [`StrValue::from_bytes`]: `int` if it is a canonical integer,
//!   else `embstr` up to 44 bytes, else `raw`.
//! * APPEND on an existing key always leaves `raw` (even when appending nothing); SETRANGE
//!   writing at least one byte leaves `raw`, also when it creates the key (a zero-filled
//!   buffer); SETRANGE with an empty value changes nothing, encoding included.
//! * INCR, DECR, INCRBY, DECRBY always leave `int`.
//! * INCRBYFLOAT stores its formatted result without trying `int`
//!   ([`StrValue::from_bytes_no_int`]): `embstr` (or `raw` beyond 44 bytes), so `INCRBYFLOAT k
//!   1` leaves the text `1` as `embstr`.
//! * GETEX, GET, GETRANGE and the other readers never change the encoding.

/// Longest string Redis stores as `embstr` (`OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
pub const EMBSTR_LIMIT: usize = 44;

const SMALL: usize = 22;

/// An `embstr` value: inline up to 22 bytes, else one exact-size box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbStr {
    Small(u8, [u8; SMALL]),
    Boxed(Box<[u8]>),
}

impl EmbStr {
    /// Copies `b` (at most 44 bytes by convention; any length works).
    pub fn new(b: &[u8]) -> Self {
        if b.len() <= SMALL {
            let mut buf = [0u8; SMALL];
            buf[..b.len()].copy_from_slice(b);
            EmbStr::Small(b.len() as u8, buf)
        } else {
            EmbStr::Boxed(b.into())
        }
    }

    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            EmbStr::Small(n, b) => &b[..*n as usize],
            EmbStr::Boxed(b) => b,
        }
    }

    fn heap_size(&self) -> usize {
        match self {
            EmbStr::Small(..) => 0,
            EmbStr::Boxed(b) => b.len(),
        }
    }
}

impl std::ops::Deref for EmbStr {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

/// A `raw` value: exact-size when created whole, growable once modified in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawStr {
    Exact(Box<[u8]>),
    Grown(Box<Vec<u8>>),
}

impl RawStr {
    /// The bytes.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            RawStr::Exact(b) => b,
            RawStr::Grown(v) => v,
        }
    }

    /// Returns the growable buffer, converting an exact-size one first.
    pub fn grown(&mut self) -> &mut Vec<u8> {
        if let RawStr::Exact(b) = self {
            *self = RawStr::Grown(Box::new(std::mem::take(b).into_vec()));
        }
        match self {
            RawStr::Grown(v) => v,
            RawStr::Exact(_) => unreachable!("converted to grown above"),
        }
    }

    fn heap_size(&self) -> usize {
        match self {
            RawStr::Exact(b) => b.len(),
            RawStr::Grown(v) => v.capacity() + std::mem::size_of::<Vec<u8>>(),
        }
    }
}

impl std::ops::Deref for RawStr {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl From<Vec<u8>> for RawStr {
    /// A buffer built by a command (SETRANGE on a new key): kept growable.
    fn from(v: Vec<u8>) -> Self {
        RawStr::Grown(Box::new(v))
    }
}

/// A string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrValue {
    Int(i64),
    Emb(EmbStr),
    Raw(RawStr),
}

impl StrValue {
    /// Encodes freshly written bytes as Redis's SET does (`tryObjectEncoding`).
    pub fn from_bytes(b: &[u8]) -> Self {
        if b.len() <= 20 {
            if let Some(n) = resp::parse::parse_i64(b) {
                return StrValue::Int(n);
            }
        }
        if b.len() <= EMBSTR_LIMIT {
            StrValue::Emb(EmbStr::new(b))
        } else {
            StrValue::Raw(RawStr::Exact(b.into()))
        }
    }

    /// Encodes a value built by a command that Redis stores without trying the int encoding
    /// (`createStringObject`: embstr up to 44 bytes, raw beyond).
    pub fn from_bytes_no_int(b: &[u8]) -> Self {
        if b.len() <= EMBSTR_LIMIT {
            StrValue::Emb(EmbStr::new(b))
        } else {
            StrValue::Raw(RawStr::Exact(b.into()))
        }
    }

    /// The OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        match self {
            StrValue::Int(_) => "int",
            StrValue::Emb(_) => "embstr",
            StrValue::Raw(_) => "raw",
        }
    }

    /// Returns the bytes, formatting an integer into `buf`.
    pub fn as_bytes<'a>(&'a self, buf: &'a mut itoa::Buffer) -> &'a [u8] {
        match self {
            StrValue::Int(n) => buf.format(*n).as_bytes(),
            StrValue::Emb(s) => s.as_slice(),
            StrValue::Raw(v) => v.as_slice(),
        }
    }

    /// Returns an owned copy of the bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut b = itoa::Buffer::new();
        self.as_bytes(&mut b).to_vec()
    }

    /// Length in bytes (STRLEN).
    pub fn len(&self) -> usize {
        match self {
            StrValue::Int(n) => itoa::Buffer::new().format(*n).len(),
            StrValue::Emb(s) => s.len(),
            StrValue::Raw(v) => v.len(),
        }
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the value as an integer when it is one (INCR and friends).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            StrValue::Int(n) => Some(*n),
            StrValue::Emb(s) => resp::parse::parse_i64(s),
            StrValue::Raw(v) => resp::parse::parse_i64(v),
        }
    }

    /// Converts to the `raw` encoding and returns the buffer for in-place modification.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, StrValue::Raw(_)) {
            *self = StrValue::Raw(RawStr::from(self.to_vec()));
        }
        match self {
            StrValue::Raw(v) => v.grown(),
            _ => unreachable!("converted to raw above"),
        }
    }

    /// Heap bytes owned.
    pub fn heap_size(&self) -> usize {
        match self {
            StrValue::Int(_) => 0,
            StrValue::Emb(s) => s.heap_size(),
            StrValue::Raw(v) => v.heap_size(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_redis() {
        assert_eq!(StrValue::from_bytes(b"123").encoding(), "int");
        assert_eq!(StrValue::from_bytes(b"-9223372036854775808").encoding(), "int");
        assert_eq!(StrValue::from_bytes(b"0123").encoding(), "embstr");
        assert_eq!(StrValue::from_bytes(&[b'a'; 44]).encoding(), "embstr");
        assert_eq!(StrValue::from_bytes(&[b'a'; 45]).encoding(), "raw");
        let mut v = StrValue::from_bytes(b"12");
        v.make_raw().extend_from_slice(b"3");
        assert_eq!(v, StrValue::Raw(RawStr::from(b"123".to_vec())));
        assert_eq!(std::mem::size_of::<StrValue>(), 24);
        assert_eq!(std::mem::size_of::<super::super::Value>(), 24);
        assert_eq!(v.as_int(), Some(123));
    }
}
