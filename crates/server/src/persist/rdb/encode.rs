//! Writing RDB: header and aux fields, db selectors, entries, EOF.

use super::{EncodeOpts, KeyMeta};
use crate::types::Value;

/// `REDIS0010` followed by AUX fields (`redis-ver`, `redis-bits`, `ctime`, `used-mem`,
/// `aof-base`; numeric values int-encoded as Redis does).
pub fn header(_out: &mut Vec<u8>, _aux: &[(&str, &str)]) {
    todo!("rdb helper")
}

/// `RDB_OPCODE_SELECTDB`.
pub fn select_db(_out: &mut Vec<u8>, _db: usize) {
    todo!("rdb helper")
}

/// `RDB_OPCODE_RESIZEDB`.
pub fn resize_db(_out: &mut Vec<u8>, _size: u64, _expires: u64) {
    todo!("rdb helper")
}

/// One key: expire (ms, -1 = none), idle/freq, type, key, value — as `rdbSaveKeyValuePair`.
pub fn entry(
    _out: &mut Vec<u8>,
    _key: &[u8],
    _val: &Value,
    _expire_ms: i64,
    _meta: KeyMeta,
    _opts: &EncodeOpts,
) {
    todo!("rdb helper")
}

/// `RDB_OPCODE_EOF` (the caller appends the 8-byte little-endian CRC64 of everything before,
/// or zero when `rdbchecksum no`).
pub fn eof(_out: &mut Vec<u8>) {
    todo!("rdb helper")
}
