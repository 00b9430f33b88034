//! Writing RDB: header and aux fields, db selectors, entries, EOF, and DUMP payloads.
//!
//! Every function appends to a `Vec<u8>`; the caller owns buffering, the file and the
//! running CRC64. Values are written as Redis 7.0's `rdbSaveObject` writes them (see the
//! module docs of `rdb` for the choices).

use collections::lzf;
use collections::quicklist::RawNode;

use super::{container, enc, opcodes, types, EncodeOpts, KeyMeta, RDB_VERSION};
use crate::persist::crc64::Crc64;
use crate::types::set::Elem;
use crate::types::{Set, StrValue, Value};

/// `REDIS0010` followed by AUX fields (`redis-ver`, `redis-bits`, `ctime`, `used-mem`,
/// `aof-base`; numeric values int-encoded as Redis does).
pub fn header(out: &mut Vec<u8>, aux: &[(&str, &str)]) {
    out.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    for (k, v) in aux {
        aux_field(out, k.as_bytes(), v.as_bytes());
    }
}

/// One `RDB_OPCODE_AUX` field. Redis writes both strings with `rdbSaveRawString`, so a
/// numeric value that fits 32 bits comes out int-encoded (as `rdbSaveAuxFieldStrInt`).
pub fn aux_field(out: &mut Vec<u8>, key: &[u8], val: &[u8]) {
    out.push(opcodes::AUX);
    string(out, key, &EncodeOpts { compress: false });
    string(out, val, &EncodeOpts { compress: false });
}

/// `RDB_OPCODE_SELECTDB`.
pub fn select_db(out: &mut Vec<u8>, db: usize) {
    out.push(opcodes::SELECTDB);
    len(out, db as u64);
}

/// `RDB_OPCODE_RESIZEDB`.
pub fn resize_db(out: &mut Vec<u8>, size: u64, expires: u64) {
    out.push(opcodes::RESIZEDB);
    len(out, size);
    len(out, expires);
}

/// `RDB_OPCODE_FUNCTION2` with a library's code.
pub fn function(out: &mut Vec<u8>, code: &[u8], opts: &EncodeOpts) {
    out.push(opcodes::FUNCTION2);
    string(out, code, opts);
}

/// One key: expire (ms, -1 = none), idle/freq, type, key, value — as `rdbSaveKeyValuePair`.
pub fn entry(
    out: &mut Vec<u8>,
    key: &[u8],
    val: &Value,
    expire_ms: i64,
    meta: KeyMeta,
    opts: &EncodeOpts,
) {
    if expire_ms != -1 {
        out.push(opcodes::EXPIRETIME_MS);
        out.extend_from_slice(&expire_ms.to_le_bytes());
    }
    match meta {
        KeyMeta::None => {}
        KeyMeta::Idle(secs) => {
            out.push(opcodes::IDLE);
            len(out, secs);
        }
        KeyMeta::Freq(f) => {
            out.push(opcodes::FREQ);
            out.push(f);
        }
    }
    out.push(value_type(val));
    string(out, key, opts);
    value(out, val, opts);
}

/// `RDB_OPCODE_EOF` (the caller appends the 8-byte little-endian CRC64 of everything before,
/// or zero when `rdbchecksum no`).
pub fn eof(out: &mut Vec<u8>) {
    out.push(opcodes::EOF);
}

/// A DUMP payload: `type value`, the RDB version (u16 LE) and the CRC64 of all that (u64
/// LE), as `createDumpPayload`.
pub fn dump_payload(val: &Value, opts: &EncodeOpts) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(value_type(val));
    value(&mut out, val, opts);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = Crc64::of(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// A length (`rdbSaveLen`): 6, 14, 32 or 64 bits.
pub fn len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u64::from(u32::MAX) {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// The INT8/16/32 form of `v`, if it fits (`rdbEncodeInteger`).
fn int_encoding(out: &mut Vec<u8>, v: i64) -> bool {
    if let Ok(b) = i8::try_from(v) {
        out.push(0xC0 | enc::INT8);
        out.push(b as u8);
    } else if let Ok(h) = i16::try_from(v) {
        out.push(0xC0 | enc::INT16);
        out.extend_from_slice(&h.to_le_bytes());
    } else if let Ok(w) = i32::try_from(v) {
        out.push(0xC0 | enc::INT32);
        out.extend_from_slice(&w.to_le_bytes());
    } else {
        return false;
    }
    true
}

/// An integer as a string (`rdbSaveLongLongAsStringObject`): int-encoded when it fits 32
/// bits, else its decimal text.
pub fn int_string(out: &mut Vec<u8>, v: i64) {
    if !int_encoding(out, v) {
        let mut buf = itoa::Buffer::new();
        let s = buf.format(v).as_bytes();
        len(out, s.len() as u64);
        out.extend_from_slice(s);
    }
}

/// An LZF blob (`rdbSaveLzfBlob`): marker, compressed length, raw length, stream.
fn lzf_blob(out: &mut Vec<u8>, data: &[u8], raw_len: usize) {
    out.push(0xC0 | enc::LZF);
    len(out, data.len() as u64);
    len(out, raw_len as u64);
    out.extend_from_slice(data);
}

/// A string (`rdbSaveRawString`): int-encoded when it is a canonical integer of at most 11
/// characters that fits 32 bits; LZF-compressed when enabled, longer than 20 bytes and at
/// least 4 bytes are saved; raw otherwise.
pub fn string(out: &mut Vec<u8>, s: &[u8], opts: &EncodeOpts) {
    if s.len() <= 11 {
        if let Some(v) = resp::parse::parse_i64(s) {
            if int_encoding(out, v) {
                return;
            }
        }
    }
    if opts.compress && s.len() > 20 {
        if let Some(z) = lzf::compress(s, s.len() - 4) {
            lzf_blob(out, &z, s.len());
            return;
        }
    }
    len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// The type byte of a value (`rdbSaveObjectType`).
pub fn value_type(val: &Value) -> u8 {
    match val {
        Value::Str(_) => types::STRING,
        Value::List(_) => types::LIST_QUICKLIST_2,
        Value::Hash(h) => match h.is_table() {
            false => types::HASH_LISTPACK,
            true => types::HASH,
        },
        Value::Set(s) => match **s {
            Set::Intset(_) => types::SET_INTSET,
            Set::Listpack(_) | Set::Hashtable(_) => types::SET,
        },
        Value::ZSet(z) => match z.as_listpack() {
            Some(_) => types::ZSET_LISTPACK,
            None => types::ZSET_2,
        },
    }
}

/// A value's body (`rdbSaveObject`), after its type byte.
pub fn value(out: &mut Vec<u8>, val: &Value, opts: &EncodeOpts) {
    match val {
        Value::Str(StrValue::Int(i)) => int_string(out, *i),
        Value::Str(s) => {
            let mut buf = itoa::Buffer::new();
            string(out, s.as_bytes(&mut buf), opts);
        }
        Value::List(l) => {
            if let Some(lp) = l.as_listpack() {
                // A listpack list is what 7.0 holds as a one-node quicklist.
                len(out, 1);
                len(out, container::PACKED);
                string(out, lp.as_bytes(), opts);
            } else if let Some(ql) = l.as_quicklist() {
                len(out, ql.node_count() as u64);
                for node in ql.raw_nodes() {
                    match node {
                        RawNode::Packed(b) => {
                            len(out, container::PACKED);
                            string(out, b, opts);
                        }
                        RawNode::Plain(b) => {
                            len(out, container::PLAIN);
                            string(out, b, opts);
                        }
                        RawNode::Lzf { data, sz, plain } => {
                            len(out, if plain { container::PLAIN } else { container::PACKED });
                            lzf_blob(out, data, sz);
                        }
                    }
                }
            }
        }
        Value::Hash(h) => match h.listpack_bytes() {
            Some(lp) => string(out, &lp, opts),
            None => {
                len(out, h.len() as u64);
                for (f, v) in h.iter() {
                    f.with_bytes(|f| string(out, f, opts));
                    v.with_bytes(|v| string(out, v, opts));
                }
            }
        },
        Value::Set(s) => match &**s {
            Set::Intset(is) => string(out, is.as_bytes(), opts),
            Set::Listpack(_) | Set::Hashtable(_) => {
                len(out, s.len() as u64);
                for e in s.elems() {
                    match e {
                        Elem::Int(i) => int_string(out, i),
                        Elem::Str(b) => string(out, b, opts),
                    }
                }
            }
        },
        Value::ZSet(z) => match z.as_listpack() {
            Some(lp) => string(out, lp.as_bytes(), opts),
            None => {
                // From the greatest to the smallest, as Redis walks its skiplist from the
                // tail: loading then always inserts at the head.
                len(out, z.len() as u64);
                if !z.is_empty() {
                    for (m, score) in z.iter_rev_from(z.len() - 1) {
                        string(out, &m, opts);
                        out.extend_from_slice(&score.to_le_bytes());
                    }
                }
            }
        },
    }
}
