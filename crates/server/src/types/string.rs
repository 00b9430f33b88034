//! The string type and its three encodings, named as OBJECT ENCODING names them:
//!
//! * `int`: the value is the canonical decimal form of an `i64` of at most 20 characters
//!   (Redis's `tryObjectEncoding` with `string2l`), stored as the integer itself.
//! * `embstr`: a string of at most 44 bytes created whole. Redis allocates these with their
//!   object header; we keep up to 22 bytes inline and the rest in one exact-size box.
//! * `raw`: longer strings, and any string modified in place, kept in a growable buffer so
//!   repeated appends are amortised.
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

use collections::SmallBytes;

/// Longest string Redis stores as `embstr` (`OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
pub const EMBSTR_LIMIT: usize = 44;

/// A string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrValue {
    Int(i64),
    Emb(SmallBytes),
    Raw(Vec<u8>),
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
            StrValue::Emb(SmallBytes::new(b))
        } else {
            StrValue::Raw(b.to_vec())
        }
    }

    /// Encodes a value built by a command that Redis stores without trying the int encoding
    /// (`createStringObject`: embstr up to 44 bytes, raw beyond).
    pub fn from_bytes_no_int(b: &[u8]) -> Self {
        if b.len() <= EMBSTR_LIMIT {
            StrValue::Emb(SmallBytes::new(b))
        } else {
            StrValue::Raw(b.to_vec())
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
            StrValue::Raw(v) => v,
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
            *self = StrValue::Raw(self.to_vec());
        }
        match self {
            StrValue::Raw(v) => v,
            _ => unreachable!("converted to raw above"),
        }
    }

    /// Heap bytes owned.
    pub fn heap_size(&self) -> usize {
        match self {
            StrValue::Int(_) => 0,
            StrValue::Emb(s) => s.heap_size(),
            StrValue::Raw(v) => v.capacity(),
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
        assert_eq!(v, StrValue::Raw(b"123".to_vec()));
        assert_eq!(v.as_int(), Some(123));
    }
}
