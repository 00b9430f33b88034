//! DEBUG, gated by `enable-debug-command` (no | yes | local): HELP, SLEEP, OBJECT, DIGEST,
//! DIGEST-VALUE, PROTOCOL, SET-ACTIVE-EXPIRE, CHANGE-REPL-ID, QUICKLIST-PACKED-THRESHOLD,
//! LISTPACK, POPULATE, LOG, ERROR, STRINGMATCH-TEST, SET-SKIP-CHECKSUM-VALIDATION.
//!
//! DEBUG holds every shard while it runs (DIGEST and POPULATE see or change a stable dataset,
//! and SLEEP stops every keyspace command, as it stops the whole server in Redis).
//!
//! DIGEST is Redis's dataset digest: per key, SHA-1 mixes of the key, the value and an expiry
//! marker; keys are combined by XOR (order-free) and databases by mixing their index in, so
//! equal datasets give equal digests here and in Redis, and an empty keyspace gives 40 zeros.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::cmd::args::is;
use crate::cmd::error::NO_SUCH_KEY;
use crate::cmd::spec::{flags as f, CommandSpec, Group, Scope};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::db::{Entry, NO_EXPIRE};
use crate::types::{StrValue, Value};
use crate::util::digest::{mix_digest, xor_digest};
use crate::util::num::{parse_f64, parse_memory};
use crate::{notice, warning};

/// DEBUG QUICKLIST-PACKED-THRESHOLD: the element size from which lists store an element in a
/// node of its own (read by the list type).
pub static QUICKLIST_PACKED_THRESHOLD: AtomicU64 = AtomicU64::new(1 << 30);

const NOT_ALLOWED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

/// Redis's `OBJ_SHARED_REFCOUNT`, reported for the shared small integers.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// Redis's numeric type codes (`OBJ_STRING` = 0, ...), mixed into each value's digest.
fn type_code(v: &Value) -> u32 {
    match v.type_name() {
        "string" => 0,
        "list" => 1,
        "set" => 2,
        "zset" => 3,
        "hash" => 4,
        "stream" => 6,
        _ => 5,
    }
}

/// Mixes one value (its type, contents and whether it has a TTL) into `d`.
fn mix_value(d: &mut [u8; 20], e: &Entry) {
    mix_digest(d, &type_code(&e.val).to_be_bytes());
    match &e.val {
        Value::Str(s) => mix_digest(d, &s.to_vec()),
        Value::List(v) => v.digest_into(d),
        Value::Hash(v) => v.digest_into(d),
        Value::Set(v) => v.digest_into(d),
        Value::ZSet(v) => v.digest_into(d),
    }
    if e.has_expire() {
        xor_digest(d, b"!!expire!!");
    }
}

/// The digest of one value, its expiry included (DIGEST-VALUE).
fn value_digest(e: &Entry) -> [u8; 20] {
    let mut d = [0u8; 20];
    mix_value(&mut d, e);
    d
}

fn hex(d: &[u8; 20]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------
// OBJECT's serialized length: the size of the value in an RDB file.

/// Bytes of an RDB length prefix.
fn rdb_len_size(n: usize) -> usize {
    if n < 1 << 6 {
        1
    } else if n < 1 << 14 {
        2
    } else if n <= u32::MAX as usize {
        5
    } else {
        9
    }
}

/// Bytes of an integer saved in RDB's compact integer form, if it fits one.
fn rdb_int_size(n: i64) -> Option<usize> {
    if (-(1 << 7)..1 << 7).contains(&n) {
        Some(2)
    } else if (-(1 << 15)..1 << 15).contains(&n) {
        Some(3)
    } else if (-(1i64 << 31)..1i64 << 31).contains(&n) {
        Some(5)
    } else {
        None
    }
}

/// Serialized size of a string value (without LZF compression of long strings).
fn rdb_string_size(s: &StrValue) -> usize {
    let bytes = s.to_vec();
    let as_int = match s {
        StrValue::Int(n) => Some(*n),
        _ if bytes.len() <= 11 => resp::parse::parse_i64(&bytes),
        _ => None,
    };
    if let Some(size) = as_int.and_then(rdb_int_size) {
        return size;
    }
    rdb_len_size(bytes.len()) + bytes.len()
}

// ---------------------------------------------------------------------------------------

fn unknown(sub: &[u8]) -> CmdError {
    CmdError::owned(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
        String::from_utf8_lossy(sub)
    ))
}

/// Redis's `atoi`: leading whitespace, sign, digits; anything else stops the number.
fn atoi(s: &[u8]) -> i64 {
    let s = std::str::from_utf8(s).unwrap_or("").trim_start();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n: i64 = digits
        .bytes()
        .take_while(|c| c.is_ascii_digit())
        .fold(0i64, |acc, c| acc.wrapping_mul(10).wrapping_add((c - b'0') as i64));
    if neg {
        -n
    } else {
        n
    }
}

/// `strtod` on a prefix: the longest leading part that parses, else 0.
fn strtod(s: &[u8]) -> f64 {
    let s = std::str::from_utf8(s).unwrap_or("").trim_start();
    for end in (1..=s.len()).rev() {
        if let Some(v) = s.get(..end).and_then(|p| parse_f64(p.as_bytes())) {
            return v;
        }
    }
    0.0
}

const HELP: &[&str] = &[
    "CHANGE-REPL-ID",
    "    Give the server new replication IDs (for replication tests only).",
    "DIGEST",
    "    Return a hex signature of the whole dataset.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Return a hex signature of the value of each key.",
    "ERROR <string>",
    "    Reply with <string> as an error.",
    "LISTPACK <key>",
    "    Describe the listpack encoding of the value at <key>.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "OBJECT <key>",
    "    Describe the internal representation of the value at <key>.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named <prefix>:<n> (default prefix 'key'), with values",
    "    'value:<n>', or of <size> bytes when given. Not propagated.",
    "PROTOCOL <type>",
    "    Reply with a sample value of <type>: string, integer, double, bignum, null,",
    "    array, set, map, attrib, push, verbatim, true, false.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Size from which a list element is stored in a node of its own (0: default, 1gb).",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    0 stops deleting expired keys in the background; 1 resumes it.",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Accepted for compatibility.",
    "SLEEP <seconds>",
    "    Block keyspace access for <seconds>; decimals allowed.",
    "JMAP",
    "    Write a map of the keyspace heap to the log: keys and bytes per type and encoding.",
    "STRINGMATCH-TEST (alias STRINGMATCH-LEN)",
    "    Run a fuzz test of the glob matcher.",
];

/// DEBUG PROTOCOL <type>
fn protocol(ctx: &mut Ctx<'_>, name: &[u8]) -> CmdResult {
    let out = &mut *ctx.out;
    let t = String::from_utf8_lossy(name).to_ascii_lowercase();
    match t.as_str() {
        "string" => out.bulk(b"Hello World"),
        "integer" => out.int(12345),
        // The sample value Redis uses (a rough pi, not the constant).
        #[allow(clippy::approx_constant)]
        "double" => out.double(3.141),
        "bignum" => out.big_number("1234567999999999999999999999999999999"),
        "null" => out.null(),
        "array" | "set" => {
            if t == "array" {
                out.array(3);
            } else {
                out.set(3);
            }
            for j in 0..3 {
                out.int(j);
            }
        }
        "map" => {
            out.map(3);
            for j in 0..3 {
                out.int(j);
                out.boolean(j == 1);
            }
        }
        "attrib" => {
            if out.is_resp3() {
                out.attribute(1);
                out.bulk(b"key-popularity");
                out.array(2);
                out.bulk(b"key:123");
                out.int(90);
            }
            out.bulk(b"Some real reply following the attribute");
        }
        "push" => {
            if !out.is_resp3() {
                return Err(CmdError::msg("ERR RESP2 is not supported by this command"));
            }
            out.push(2);
            out.bulk(b"server-cpu-usage");
            out.int(42);
            out.bulk(b"Some real reply following the push reply");
        }
        "verbatim" => out.verbatim("txt", b"This is a verbatim\nstring"),
        "true" => out.boolean(true),
        "false" => out.boolean(false),
        _ => {
            return Err(CmdError::msg(
                "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
            ))
        }
    }
    Ok(())
}

/// DEBUG OBJECT <key>
fn object(ctx: &mut Ctx<'_>) -> CmdResult {
    let clock = ctx.srv.lru_clock();
    let e = ctx.db.lookup(ctx.arg(2), Lookup::Peek)?.ok_or(CmdError::msg(NO_SUCH_KEY))?;
    let refcount = match e.val {
        Value::Str(StrValue::Int(n)) if (0..10_000).contains(&n) => SHARED_REFCOUNT,
        _ => 1,
    };
    let ser = match &e.val {
        Value::Str(s) => rdb_string_size(s),
        other => other.heap_size(),
    };
    // The LRU clock is 24 bits of seconds and wraps.
    let lru = e.lru();
    let idle = if clock >= lru { clock - lru } else { clock + (1 << 24) - lru };
    let addr = &e.val as *const Value as usize;
    let mut line = format!(
        "Value at:0x{addr:x} refcount:{refcount} encoding:{} serializedlength:{ser} lru:{} lru_seconds_idle:{idle}",
        e.val.encoding(),
        lru
    );
    if let Value::List(l) = &e.val {
        line.extend(l.debug_fields());
    }
    ctx.out.simple(line.as_bytes());
    Ok(())
}

/// DEBUG DIGEST
fn digest(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut fin = [0u8; 20];
    let ndb = ctx.srv.keyspace.db_count();
    for db in 0..ndb {
        let shards: Vec<&mut crate::db::Shard> = ctx.db.locks.shards_of(db).collect();
        if shards.iter().all(|s| s.dict.is_empty()) {
            continue;
        }
        mix_digest(&mut fin, &(db as u32).to_be_bytes());
        for s in shards {
            for e in s.dict.iter() {
                // The key is mixed first, then the value (and expiry) continue that digest.
                let mut kd = [0u8; 20];
                mix_digest(&mut kd, e.key.as_slice());
                mix_value(&mut kd, e);
                xor_digest(&mut fin, &kd);
            }
        }
    }
    ctx.out.simple(hex(&fin).as_bytes());
    Ok(())
}

/// DEBUG DIGEST-VALUE [key ...]
fn digest_value(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = ctx.argc() - 2;
    ctx.out.array(n);
    for i in 2..ctx.argc() {
        let d = match ctx.db.lookup(ctx.arg(i), Lookup::Peek)? {
            Some(e) => value_digest(e),
            None => [0u8; 20],
        };
        ctx.out.simple(hex(&d).as_bytes());
    }
    Ok(())
}

/// DEBUG POPULATE count [prefix] [size]
fn populate(ctx: &mut Ctx<'_>) -> CmdResult {
    const POSITIVE: &str = "ERR value is out of range, must be positive";
    let positive = |a: &[u8]| -> Result<i64, CmdError> {
        match resp::parse::parse_i64(a) {
            Some(n) if n >= 0 => Ok(n),
            _ => Err(CmdError::msg(POSITIVE)),
        }
    };
    let count = positive(ctx.arg(2))?;
    let prefix: &[u8] = if ctx.argc() >= 4 { ctx.arg(3) } else { b"key" };
    let size = if ctx.argc() == 5 { Some(positive(ctx.arg(4))? as usize) } else { None };
    for j in 0..count {
        let mut key = prefix.to_vec();
        key.extend_from_slice(format!(":{j}").as_bytes());
        if ctx.db.lookup(&key, Lookup::Peek)?.is_some() {
            continue;
        }
        let mut val = format!("value:{j}").into_bytes();
        if let Some(sz) = size {
            val.resize(sz, 0);
        }
        let v = StrValue::from_bytes(&val);
        ctx.db.set(&key, Value::Str(v), NO_EXPIRE, false)?;
    }
    ctx.db.fx.propagate_nothing();
    ctx.out.ok();
    Ok(())
}

/// DEBUG JMAP: a heap map of the keyspace, in the spirit of Java's `jmap -histo` (Redis has
/// no such subcommand; issue 2 names it): per database, type and encoding, the number of
/// keys and the bytes their values own, written to the log.
fn jmap(ctx: &mut Ctx<'_>) {
    let ndb = ctx.srv.keyspace.db_count();
    notice!("DEBUG JMAP: keyspace heap map (db, type, encoding, keys, value bytes)");
    for db in 0..ndb {
        let mut rows: Vec<(&'static str, &'static str, u64, u64)> = Vec::new();
        for s in ctx.db.locks.shards_of(db) {
            for e in s.dict.iter() {
                let (t, enc) = (e.val.type_name(), e.val.encoding());
                let size = e.val.heap_size() as u64;
                match rows.iter_mut().find(|r| r.0 == t && r.1 == enc) {
                    Some(r) => {
                        r.2 += 1;
                        r.3 += size;
                    }
                    None => rows.push((t, enc, 1, size)),
                }
            }
        }
        rows.sort();
        for (t, enc, keys, bytes) in rows {
            notice!("  db{db} {t:<6} {enc:<10} keys={keys} bytes={bytes}");
        }
    }
}

/// DEBUG STRINGMATCH-TEST: random patterns against random strings; passing means no panic.
fn stringmatch_test() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet = b"ab*?[]^-\\c";
    for _ in 0..100_000 {
        let plen = (next() % 32) as usize;
        let slen = (next() % 32) as usize;
        let p: Vec<u8> =
            (0..plen).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
        let s: Vec<u8> =
            (0..slen).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
        let _ = crate::util::glob::matches(&p, &s, next() % 2 == 0);
    }
}

/// DEBUG <subcommand> [arg ...]
fn debug(ctx: &mut Ctx<'_>) -> CmdResult {
    let allowed = ctx.srv.config.settings().enable_debug_command.allows(ctx.client.info.loopback);
    if !allowed {
        return Err(CmdError::msg(NOT_ALLOWED));
    }
    let sub = ctx.arg(1);
    let argc = ctx.argc();
    if is(sub, "HELP") && argc == 2 {
        super::command::reply_help(ctx.out, "DEBUG", HELP);
    } else if is(sub, "SLEEP") && argc == 3 {
        let secs = strtod(ctx.arg(2));
        if secs > 0.0 && secs.is_finite() {
            std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(1e9)));
        }
        ctx.out.ok();
    } else if is(sub, "OBJECT") && argc == 3 {
        object(ctx)?;
    } else if is(sub, "DIGEST") && argc == 2 {
        digest(ctx)?;
    } else if is(sub, "DIGEST-VALUE") && argc >= 2 {
        digest_value(ctx)?;
    } else if is(sub, "PROTOCOL") && argc == 3 {
        protocol(ctx, ctx.arg(2))?;
    } else if is(sub, "SET-ACTIVE-EXPIRE") && argc == 3 {
        ctx.srv.active_expire.store(atoi(ctx.arg(2)) != 0, Ordering::Relaxed);
        ctx.out.ok();
    } else if is(sub, "SET-SKIP-CHECKSUM-VALIDATION") && argc == 3 {
        ctx.out.ok();
    } else if is(sub, "CHANGE-REPL-ID") && argc == 2 {
        notice!("Changing replication IDs after receiving DEBUG change-repl-id");
        *ctx.srv.replid.lock() = crate::server::random_hex40();
        ctx.out.ok();
    } else if is(sub, "QUICKLIST-PACKED-THRESHOLD") && argc == 3 {
        let v = parse_memory(ctx.arg(2)).filter(|&v| v <= (1u64 << 32) - (1 << 20));
        let Some(v) = v else {
            return Err(CmdError::msg(
                "ERR argument must be a memory value bigger than 1 and smaller than 4gb",
            ));
        };
        QUICKLIST_PACKED_THRESHOLD.store(if v == 0 { 1 << 30 } else { v }, Ordering::Relaxed);
        ctx.out.ok();
    } else if is(sub, "LISTPACK") && argc == 3 {
        let e = ctx.db.lookup(ctx.arg(2), Lookup::Peek)?.ok_or(CmdError::msg(NO_SUCH_KEY))?;
        if e.val.encoding() != "listpack" {
            return Err(CmdError::msg("ERR Not a listpack encoded object."));
        }
        ctx.out.simple(b"Listpack structure written to the log");
    } else if is(sub, "POPULATE") && (3..=5).contains(&argc) {
        populate(ctx)?;
    } else if is(sub, "RELOAD") {
        let (mut save, mut flush, mut merge) = (true, true, false);
        for a in ctx.argv.iter().skip(2) {
            if is(a, "NOSAVE") {
                save = false;
            } else if is(a, "NOFLUSH") {
                flush = false;
            } else if is(a, "MERGE") {
                merge = true;
            } else {
                return Err(CmdError::msg(
                    "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
                ));
            }
        }
        crate::persist::load::debug_reload(ctx.srv, &mut ctx.db.locks, save, flush, merge)
            .map_err(CmdError::owned)?;
        ctx.out.ok();
    } else if is(sub, "LOG") && argc == 3 {
        warning!("DEBUG LOG: {}", String::from_utf8_lossy(ctx.arg(2)));
        ctx.out.ok();
    } else if is(sub, "ERROR") && argc == 3 {
        return Err(CmdError::owned(String::from_utf8_lossy(ctx.arg(2)).into_owned()));
    } else if is(sub, "JMAP") && argc == 2 {
        jmap(ctx);
        ctx.out.ok();
    } else if (is(sub, "STRINGMATCH-TEST") || is(sub, "STRINGMATCH-LEN")) && argc == 2 {
        stringmatch_test();
        ctx.out.simple(b"Apparently Redis did not crash: test passed");
    } else {
        return Err(unknown(sub));
    }
    Ok(())
}

/// DEBUG.
pub static COMMANDS: &[CommandSpec] = &[CommandSpec::new("debug", -2, Group::Server, debug)
    .flags(f::ADMIN | f::NOSCRIPT | f::LOADING | f::STALE | f::PROTECTED)
    .scope(Scope::All)
    .syscmd()
    .complexity("Depends on subcommand.")
    .summary("Runs debugging and testing helpers.")];
