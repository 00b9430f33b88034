//! The commands form of an AOF base (`aof-use-rdb-preamble no`): every key written as the
//! commands that rebuild it, the way Redis's `rewriteAppendOnlyFileRio` writes a `.base.aof`.
//!
//! * strings: `SET key value`;
//! * lists `RPUSH`, sets `SADD`, sorted sets `ZADD` (score as `%.17g`), hashes `HMSET`, with
//!   at most 64 elements per command (Redis's `AOF_REWRITE_ITEMS_PER_CMD`), so no single
//!   command in the file is huge;
//! * a key with a TTL is followed by `PEXPIREAT key <unix ms>`;
//! * each database starts with `SELECT <db>`.
//!
//! The snapshot walker calls [`entry`] where an RDB base would get the entry's RDB encoding;
//! the file has no header and no trailer.

use super::writer::cat_command;
use crate::types::Value;

/// Elements per command, as Redis's `AOF_REWRITE_ITEMS_PER_CMD`.
const ITEMS_PER_CMD: usize = 64;

/// `SELECT <db>`.
pub fn select(out: &mut Vec<u8>, db: usize) {
    let n = db.to_string();
    cat_command(out, [b"SELECT".as_slice(), n.as_bytes()].into_iter());
}

/// The commands rebuilding one key; `expire_ms` is -1 when the key has no TTL.
pub fn entry(out: &mut Vec<u8>, key: &[u8], val: &Value, expire_ms: i64) {
    match val {
        Value::Str(s) => {
            let mut buf = itoa::Buffer::new();
            cat_command(out, [b"SET".as_slice(), key, s.as_bytes(&mut buf)].into_iter());
        }
        Value::List(l) => batched(out, b"RPUSH", key, l.iter().map(|e| vec![e])),
        Value::Set(s) => batched(out, b"SADD", key, s.iter().map(|m| vec![m.into_owned()])),
        Value::ZSet(z) => batched(
            out,
            b"ZADD",
            key,
            z.iter().map(|(m, score)| {
                vec![resp::reply::format_double(score).into_bytes(), m.into_owned()]
            }),
        ),
        Value::Hash(h) => {
            batched(out, b"HMSET", key, h.iter().map(|(f, v)| vec![f.to_vec(), v.to_vec()]))
        }
    }
    if expire_ms >= 0 {
        let at = expire_ms.to_string();
        cat_command(out, [b"PEXPIREAT".as_slice(), key, at.as_bytes()].into_iter());
    }
}

/// `<cmd> key <item>...` with at most [`ITEMS_PER_CMD`] items (each one or more arguments)
/// per command.
fn batched(out: &mut Vec<u8>, cmd: &[u8], key: &[u8], items: impl Iterator<Item = Vec<Vec<u8>>>) {
    let mut args: Vec<Vec<u8>> = vec![cmd.to_vec(), key.to_vec()];
    let mut count = 0;
    for item in items {
        args.extend(item);
        count += 1;
        if count == ITEMS_PER_CMD {
            cat_command(out, args.iter().map(Vec::as_slice));
            args.truncate(2);
            count = 0;
        }
    }
    if count > 0 {
        cat_command(out, args.iter().map(Vec::as_slice));
    }
}
