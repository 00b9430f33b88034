//! Value types and their encodings. No protocol and no keyspace here: a type knows how to
//! hold and change its data, and reports the names TYPE and OBJECT ENCODING show.
//!
//! Every collection is boxed inside [`Value`], except the hash, whose encodings are each one
//! word (a small hash's exact-size listpack sits right in the entry), so a `Value` stays 24
//! bytes (the string encodings are inline) and a keyspace entry fits jemalloc's 64-byte
//! class.

pub mod hash;
pub mod list;
pub mod set;
pub mod shape;
pub mod string;
pub mod zset;

pub use hash::Hash;
pub use list::List;
pub use set::Set;
pub use string::{EmbStr, RawStr, StrValue};
pub use zset::ZSet;

/// A value stored under a key.
#[derive(Clone, Debug)]
pub enum Value {
    Str(StrValue),
    List(Box<List>),
    Hash(Hash),
    Set(Box<Set>),
    ZSet(Box<ZSet>),
}

/// The type of a value, for typed lookups ([`crate::db::DbCtx::lookup_typed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Str,
    List,
    Hash,
    Set,
    ZSet,
}

impl Value {
    /// The value's type.
    #[inline]
    pub fn kind(&self) -> Kind {
        match self {
            Value::Str(_) => Kind::Str,
            Value::List(_) => Kind::List,
            Value::Hash(_) => Kind::Hash,
            Value::Set(_) => Kind::Set,
            Value::ZSet(_) => Kind::ZSet,
        }
    }

    /// The name TYPE reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
            Value::List(v) => v.encoding(),
            Value::Hash(v) => v.encoding(),
            Value::Set(v) => v.encoding(),
            Value::ZSet(v) => v.encoding(),
        }
    }

    /// Approximate heap bytes owned by the value (MEMORY USAGE, eviction accounting).
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Str(s) => s.heap_size(),
            Value::List(v) => std::mem::size_of::<List>() + v.heap_size(),
            Value::Hash(v) => v.heap_size(),
            Value::Set(v) => std::mem::size_of::<Set>() + v.heap_size(),
            Value::ZSet(v) => std::mem::size_of::<ZSet>() + v.heap_size(),
        }
    }

    /// The string value, if this is one.
    #[inline]
    pub fn as_str_mut(&mut self) -> Option<&mut StrValue> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The list value, if this is one.
    #[inline]
    pub fn as_list_mut(&mut self) -> Option<&mut List> {
        match self {
            Value::List(v) => Some(v),
            _ => None,
        }
    }

    /// The hash value, if this is one.
    #[inline]
    pub fn as_hash_mut(&mut self) -> Option<&mut Hash> {
        match self {
            Value::Hash(v) => Some(v),
            _ => None,
        }
    }

    /// The set value, if this is one.
    #[inline]
    pub fn as_set_mut(&mut self) -> Option<&mut Set> {
        match self {
            Value::Set(v) => Some(v),
            _ => None,
        }
    }

    /// The sorted set value, if this is one.
    #[inline]
    pub fn as_zset_mut(&mut self) -> Option<&mut ZSet> {
        match self {
            Value::ZSet(v) => Some(v),
            _ => None,
        }
    }
}
