//! The RDB format, version 10 (Redis 7.0): opcodes, type bytes, length and string
//! encodings, and every value encoding. `encode.rs` writes, `decode.rs` reads.
//!
//! Layout (Redis's `rdb.h` / `rdb.c`):
//!
//! ```text
//! "REDIS0010" { AUX key value } { SELECTDB n [RESIZEDB size expires]
//!     { [EXPIRETIME_MS t] [IDLE s | FREQ f] type key value } } EOF crc64(8 bytes LE)
//! ```
//!
//! * Lengths: `00xxxxxx` 6 bits, `01xxxxxx xxxxxxxx` 14 bits (big endian), `0x80` + 4
//!   bytes BE, `0x81` + 8 bytes BE; `11xxxxxx` marks a specially encoded string: INT8,
//!   INT16, INT32 (little endian) or LZF (`clen`, `len`, stream).
//! * Values are written in the encoding Redis 7.0 holds them: listpack and intset buffers
//!   byte for byte (our collections keep Redis's byte format), lists as `QUICKLIST_2`,
//!   hashtables / skiplists element by element. 7.2's listpack-encoded sets do not exist in
//!   v10 and are written as plain `SET`, which is what 7.0 would hold (a hashtable: 7.0
//!   has no set listpack, and a set of integers beyond `set-max-intset-entries` is a
//!   hashtable there too).
//! * A DUMP payload is `type value` followed by the RDB version (u16 LE) and the CRC64 of
//!   everything before (u64 LE).

pub mod decode;
pub mod encode;

/// The RDB version written (Redis 7.0).
pub const RDB_VERSION: u16 = 10;

/// The newest file version read (7.2's v11 only adds `SET_LISTPACK`).
pub const RDB_VERSION_MAX_READ: u16 = 11;

/// Per-key metadata Redis writes before the type byte, per `maxmemory-policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMeta {
    None,
    /// Seconds idle (LRU policies): `RDB_OPCODE_IDLE`.
    Idle(u64),
    /// LFU counter (LFU policies): `RDB_OPCODE_FREQ`.
    Freq(u8),
}

/// Options from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct EncodeOpts {
    /// `rdbcompression`: LZF-compress strings longer than 20 bytes when it saves space.
    pub compress: bool,
}

/// Type bytes (`RDB_TYPE_*`).
pub mod types {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE_PRE_GA: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
}

/// Opcodes (`RDB_OPCODE_*`).
pub mod opcodes {
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION_PRE_GA: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// Special string encodings after a `11` length prefix (`RDB_ENC_*`).
pub(crate) mod enc {
    pub const INT8: u8 = 0;
    pub const INT16: u8 = 1;
    pub const INT32: u8 = 2;
    pub const LZF: u8 = 3;
}

/// Quicklist node containers (`QUICKLIST_NODE_CONTAINER_*`).
pub(crate) mod container {
    pub const PLAIN: u64 = 1;
    pub const PACKED: u64 = 2;
}

#[cfg(test)]
mod tests;
