//! The RDB format, version 10 (Redis 7.0): opcodes, type bytes, length and string
//! encodings, and every value encoding. `encode.rs` writes, `decode.rs` reads.

pub mod decode;
pub mod encode;

/// The RDB version written (Redis 7.0).
pub const RDB_VERSION: u16 = 10;

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
