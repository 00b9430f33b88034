//! Reading RDB: a stream of items with byte offsets for error messages.

use super::KeyMeta;
use crate::config::encoding::Limits;
use crate::types::Value;

/// A load failure: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdbError {
    /// Byte offset in the stream where the bad item starts (or where input ended).
    pub offset: u64,
    pub msg: String,
}

/// One item of an RDB stream.
#[derive(Debug)]
pub enum Item {
    Aux(Vec<u8>, Vec<u8>),
    SelectDb(usize),
    ResizeDb {
        size: u64,
        expires: u64,
    },
    Entry {
        key: Vec<u8>,
        val: Value,
        expire_ms: i64,
        meta: KeyMeta,
    },
    /// `RDB_OPCODE_FUNCTION2` payload (the library code), kept for when functions land.
    Function(Vec<u8>),
    /// End of file; the checksum was verified unless it was zero or checking is off.
    Eof,
}

/// Streaming reader. `new` reads and checks the header.
pub struct Reader<R: std::io::Read> {
    _r: R,
    _limits: Limits,
}

impl<R: std::io::Read> Reader<R> {
    /// Reads the `REDIS00NN` header; refuses versions newer than it understands.
    pub fn new(_r: R, _limits: Limits, _check_crc: bool) -> Result<Self, RdbError> {
        todo!("rdb helper")
    }

    /// The RDB version of the stream.
    pub fn version(&self) -> u16 {
        todo!("rdb helper")
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        todo!("rdb helper")
    }

    /// The next item.
    pub fn next_item(&mut self) -> Result<Item, RdbError> {
        todo!("rdb helper")
    }
}
