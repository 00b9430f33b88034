//! The RDB side of the AOF: reading an RDB base (or the RDB preamble of an old single-file
//! AOF) into the keyspace, and the base file of an empty dataset that Redis 7 creates when it
//! starts with `appendonly yes` and no AOF yet.
//!
//! Entries are inserted directly into the shards (private helper [`insert`]; the lead's
//! `persist::load` will offer the shared one). A base that holds only aux fields (an empty
//! dataset, Redis's or ours) is recognised without the RDB decoder.

use std::fs::File;
use std::io::{BufReader, Read};
use std::sync::Arc;

use crate::db::Entry;
use crate::persist::rdb::decode::{Item, Reader};
use crate::server::Server;

/// `RDB_OPCODE_AUX`.
const OP_AUX: u8 = 0xfa;
/// `RDB_OPCODE_EOF`.
const OP_EOF: u8 = 0xff;

/// An RDB string as Redis writes short aux values: 6-bit length + bytes.
fn aux_str(out: &mut Vec<u8>, s: &[u8]) {
    debug_assert!(s.len() < 64);
    out.push(s.len() as u8);
    out.extend_from_slice(s);
}

/// The RDB base of an empty dataset: header, the aux fields Redis writes (`redis-ver`,
/// `redis-bits`, `ctime`, `used-mem`, `aof-base`), EOF and a zero checksum (Redis skips the
/// check of a zero checksum).
pub fn empty_base() -> Vec<u8> {
    let mut out = b"REDIS0010".to_vec();
    let mut aux = |k: &[u8], v: &[u8]| {
        out.push(OP_AUX);
        aux_str(&mut out, k);
        out.extend_from_slice(v);
    };
    aux(b"redis-ver", &[5, b'7', b'.', b'2', b'.', b'0']);
    aux(b"redis-bits", &[0xc0, 64]);
    let ctime = (crate::util::time::now_ms() / 1000) as u32;
    let mut v = vec![0xc2];
    v.extend_from_slice(&ctime.to_le_bytes());
    aux(b"ctime", &v);
    let mem = crate::stats::info::memory().allocated.min(u32::MAX as u64) as u32;
    let mut v = vec![0xc2];
    v.extend_from_slice(&mem.to_le_bytes());
    aux(b"used-mem", &v);
    aux(b"aof-base", &[0xc0, 1]);
    out.push(OP_EOF);
    out.extend_from_slice(&[0u8; 8]);
    out
}

/// Skips one RDB string at `b[i..]`; returns the index after it.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let first = *b.get(i)?;
    match first >> 6 {
        0 => Some(i + 1 + (first & 0x3f) as usize),
        1 => {
            let len = (((first & 0x3f) as usize) << 8) | *b.get(i + 1)? as usize;
            Some(i + 2 + len)
        }
        2 => match first {
            0x80 => {
                let n = u32::from_be_bytes(b.get(i + 1..i + 5)?.try_into().ok()?);
                Some(i + 5 + n as usize)
            }
            0x81 => {
                let n = u64::from_be_bytes(b.get(i + 1..i + 9)?.try_into().ok()?);
                usize::try_from(n).ok()?.checked_add(i + 9)
            }
            _ => None,
        },
        _ => match first & 0x3f {
            0 => Some(i + 2),
            1 => Some(i + 3),
            2 => Some(i + 5),
            _ => None, // LZF: leave it to the decoder
        },
    }
}

/// If `b` is an RDB made of aux fields only, the offset right after its EOF and checksum.
fn aux_only(b: &[u8]) -> Option<u64> {
    if b.len() < 9 || &b[..5] != b"REDIS" {
        return None;
    }
    let mut i = 9;
    loop {
        match *b.get(i)? {
            OP_AUX => {
                i = skip_string(b, i + 1)?;
                i = skip_string(b, i)?;
            }
            OP_EOF => {
                let end = i + 1 + 8;
                return (end <= b.len()).then_some(end as u64);
            }
            _ => return None,
        }
    }
}

/// Inserts one decoded entry.
fn insert(srv: &Server, db: usize, key: &[u8], val: crate::types::Value, expire_ms: i64) {
    let ks = &srv.keyspace;
    let mut g = ks.dbs[db].shards[ks.shard_of(key)].0.lock();
    g.put(Entry::new(key, val, expire_ms, srv.lru_clock()));
}

/// Loads the RDB at the start of `f` into the keyspace; returns the offset where it ends
/// (an old-style AOF continues with commands there). Errors: (offset, message).
pub fn load(srv: &Arc<Server>, f: &mut File) -> Result<u64, (u64, String)> {
    let mut head = Vec::new();
    (&mut *f).take(64 * 1024).read_to_end(&mut head).map_err(|e| (0, e.to_string()))?;
    if let Some(end) = aux_only(&head) {
        return Ok(end);
    }
    use std::io::Seek;
    f.seek(std::io::SeekFrom::Start(0)).map_err(|e| (0, e.to_string()))?;
    let mut rd = BufReader::with_capacity(64 * 1024, &mut *f);
    let limits = srv.config.enc.get();
    let mut reader = Reader::new(&mut rd, limits, true).map_err(|e| (e.offset, e.msg))?;
    let mut db = 0usize;
    loop {
        match reader.next_item().map_err(|e| (e.offset, e.msg))? {
            Item::SelectDb(d) => {
                if d >= srv.keyspace.db_count() {
                    return Err((
                        reader.offset(),
                        format!("FATAL: Data file was created with a Redis server configured to handle more than {} databases. Exiting\n", srv.keyspace.db_count()),
                    ));
                }
                db = d;
            }
            Item::Entry { key, val, expire_ms, .. } => insert(srv, db, &key, val, expire_ms),
            Item::Eof => break,
            Item::Aux(..) | Item::ResizeDb { .. } | Item::Function(_) => {}
        }
    }
    Ok(reader.offset())
}

/// Validates the RDB at the start of `f` without loading it (ferrodis-check-aof); returns
/// the offset where it ends.
pub fn check(f: &mut File) -> Result<u64, (u64, String)> {
    let mut head = Vec::new();
    (&mut *f).take(64 * 1024).read_to_end(&mut head).map_err(|e| (0, e.to_string()))?;
    if let Some(end) = aux_only(&head) {
        return Ok(end);
    }
    use std::io::Seek;
    f.seek(std::io::SeekFrom::Start(0)).map_err(|e| (0, e.to_string()))?;
    let mut rd = BufReader::with_capacity(64 * 1024, &mut *f);
    let limits = crate::config::encoding::Limits::default();
    let mut reader = Reader::new(&mut rd, limits, true).map_err(|e| (e.offset, e.msg))?;
    while !matches!(reader.next_item().map_err(|e| (e.offset, e.msg))?, Item::Eof) {}
    Ok(reader.offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_base_is_aux_only() {
        let b = empty_base();
        assert_eq!(aux_only(&b), Some(b.len() as u64));
        let mut tail = b.clone();
        tail.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
        assert_eq!(aux_only(&tail), Some(b.len() as u64));
        assert_eq!(aux_only(b"REDIS0010\xfe\x00"), None);
    }
}
