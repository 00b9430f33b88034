//! Generic key commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX,
//! COPY, MOVE, TOUCH, OBJECT, the EXPIRE family, TTL and friends, PERSIST.
//!
//! Lookups follow Redis's flags: EXISTS, TYPE, TTL and OBJECT count keyspace hits and
//! misses without refreshing the LRU clock; TOUCH refreshes it even under CLIENT NO-TOUCH.
//! Every lookup expires a stale key first (see `db/view.rs`), so no command here ever shows
//! an expired key.

use std::cell::Cell;

use resp::parse::Argv;

use crate::cmd::args::{int, is};
use crate::cmd::error::INVALID_DB;
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec, Scope};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::db::{Entry, NO_EXPIRE};
use crate::types::{StrValue, Value};
use crate::util::glob;

const SAME_OBJECT: &str = "ERR source and destination objects are the same";
const INVALID_CURSOR: &str = "ERR invalid cursor";

thread_local! {
    static RNG: Cell<u64> = Cell::new({
        let t = crate::util::time::now_us() as u64;
        let local = 0u8;
        (t ^ (&local as *const u8 as u64).rotate_left(29)) | 1
    });
}

/// A fast per-thread pseudo-random number (xorshift64*), for RANDOMKEY.
pub(crate) fn rand64() -> u64 {
    RNG.with(|c| {
        let mut x = c.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        c.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// DEL key [key ...] / UNLINK key [key ...]
fn del(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut n = 0;
    for i in 1..ctx.argc() {
        if ctx.db.delete(ctx.arg(i))?.is_some() {
            n += 1;
        }
    }
    ctx.db.dirty(n);
    ctx.out.int(n as i64);
    Ok(())
}

/// EXISTS key [key ...]: a key named twice counts twice.
fn exists(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut n = 0;
    for i in 1..ctx.argc() {
        if ctx.db.lookup(ctx.arg(i), Lookup::ReadNoTouch)?.is_some() {
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

/// TOUCH key [key ...]
fn touch(ctx: &mut Ctx<'_>) -> CmdResult {
    // TOUCH is the one command CLIENT NO-TOUCH does not silence.
    ctx.db.no_touch = false;
    let mut n = 0;
    for i in 1..ctx.argc() {
        if ctx.db.lookup(ctx.arg(i), Lookup::Read)?.is_some() {
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

/// TYPE key
fn type_(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = ctx
        .db
        .lookup(ctx.arg(1), Lookup::ReadNoTouch)?
        .map(|e| e.val.type_name())
        .unwrap_or("none");
    ctx.out.simple(t.as_bytes());
    Ok(())
}

/// KEYS pattern
fn keys(ctx: &mut Ctx<'_>) -> CmdResult {
    let pat = ctx.arg(1);
    let all = pat == b"*";
    let found = ctx.db.all_keys(|e| all || glob::matches(pat, e.key.as_slice(), false));
    ctx.out.array(found.len());
    for k in &found {
        ctx.out.bulk(k.as_slice());
    }
    Ok(())
}

/// The options of SCAN, HSCAN, SSCAN and ZSCAN (Redis's `scanGenericCommand`).
pub struct ScanOpts<'a> {
    pub count: usize,
    /// None for no MATCH, or for `*` (which matches everything: the matcher is skipped).
    pub pattern: Option<&'a [u8]>,
    /// SCAN's TYPE filter.
    pub typ: Option<&'a [u8]>,
}

impl ScanOpts<'_> {
    /// True if `s` passes MATCH.
    pub fn matches(&self, s: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob::matches(p, s, false))
    }
}

/// The cursor argument of a SCAN-family command, or Redis's error. Checked before the key
/// is looked up, as Redis does.
pub fn scan_cursor(a: &[u8]) -> Result<u64, CmdError> {
    parse_cursor(a).ok_or(CmdError::msg(INVALID_CURSOR))
}

/// Parses the options from `argv[from]` on: `MATCH pattern`, `COUNT n` (at least 1) and, for
/// SCAN itself (`with_type`), `TYPE type`; anything else is a syntax error, as in Redis. The
/// key commands parse them after looking the key up (a missing key answers an empty scan
/// whatever the options).
pub fn scan_opts<'a>(
    argv: &Argv<'a>,
    from: usize,
    with_type: bool,
) -> Result<ScanOpts<'a>, CmdError> {
    let mut o = ScanOpts { count: 10, pattern: None, typ: None };
    let mut i = from;
    while i < argv.len() {
        let a = argv.get(i);
        if i + 1 >= argv.len() {
            return Err(CmdError::Syntax);
        }
        let v = argv.get(i + 1);
        if is(a, "count") {
            let n = int(v)?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            o.count = n as usize;
        } else if is(a, "match") {
            o.pattern = Some(v).filter(|p| *p != b"*");
        } else if with_type && is(a, "type") {
            o.typ = Some(v);
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    Ok(o)
}

/// Parses a SCAN cursor as Redis does (`strtoul` base 10 on the whole argument): an
/// optional sign (a minus wraps around), digits, nothing else; no leading blank; the empty
/// string is cursor 0; out of range for 64 bits is an error.
pub fn parse_cursor(a: &[u8]) -> Option<u64> {
    if a.is_empty() {
        return Some(0);
    }
    let (neg, digits) = match a[0] {
        b'-' => (true, &a[1..]),
        b'+' => (false, &a[1..]),
        _ => (false, a),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
fn scan(ctx: &mut Ctx<'_>) -> CmdResult {
    let cursor = scan_cursor(ctx.arg(1))?;
    let o = scan_opts(&ctx.argv, 2, true)?;
    let count = o.count;
    let typ = o.typ;
    let (next, found) = ctx.db.scan_step(cursor, count, |e| {
        if let Some(t) = typ {
            if !t.eq_ignore_ascii_case(e.val.type_name().as_bytes()) {
                return false;
            }
        }
        o.matches(e.key.as_slice())
    });
    ctx.out.array(2);
    ctx.out.bulk(itoa::Buffer::new().format(next).as_bytes());
    ctx.out.array(found.len());
    for k in &found {
        ctx.out.bulk(k.as_slice());
    }
    Ok(())
}

/// RANDOMKEY
fn randomkey(ctx: &mut Ctx<'_>) -> CmdResult {
    match ctx.db.random_key(rand64) {
        Some(k) => ctx.out.bulk(k.as_slice()),
        None => ctx.out.null(),
    }
    Ok(())
}

/// RENAME key newkey / RENAMENX key newkey
fn rename_generic(ctx: &mut Ctx<'_>, nx: bool) -> CmdResult {
    let (src, dst) = (ctx.arg(1), ctx.arg(2));
    if ctx.db.lookup(src, Lookup::Write)?.is_none() {
        return Err(CmdError::NoSuchKey);
    }
    if src == dst {
        if nx {
            ctx.out.int(0);
        } else {
            ctx.out.ok();
        }
        return Ok(());
    }
    if ctx.db.lookup(dst, Lookup::Write)?.is_some() {
        if nx {
            ctx.out.int(0);
            return Ok(());
        }
        ctx.db.delete(dst)?;
    }
    let Some(mut e) = ctx.db.shard_in(ctx.db.index, src)?.take(src) else {
        return Err(CmdError::NoSuchKey);
    };
    e.key = collections::KeyBytes::new(dst, e.lru());
    ctx.db.shard_in(ctx.db.index, dst)?.put(e);
    ctx.db.dirty(1);
    if nx {
        ctx.out.int(1);
    } else {
        ctx.out.ok();
    }
    Ok(())
}

fn rename(ctx: &mut Ctx<'_>) -> CmdResult {
    rename_generic(ctx, false)
}

fn renamenx(ctx: &mut Ctx<'_>) -> CmdResult {
    rename_generic(ctx, true)
}

/// Parses a database index argument as Redis's `getIntFromObjectOrReply` + `selectDb`.
fn db_index(ctx: &Ctx<'_>, a: &[u8]) -> Result<usize, CmdError> {
    let n = int(a)?;
    if n < i32::MIN as i64 || n > i32::MAX as i64 {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -2147483648 and 2147483647",
        ));
    }
    if n < 0 || n as usize >= ctx.srv.keyspace.db_count() {
        return Err(CmdError::msg(INVALID_DB));
    }
    Ok(n as usize)
}

/// The database MOVE writes to, for the executor (errors are the handler's).
fn move_target(argv: &Argv<'_>) -> Option<usize> {
    let n = resp::parse::parse_i64(argv.get(2))?;
    usize::try_from(n).ok()
}

/// The database COPY writes to (its last `DB n` option), for the executor.
fn copy_target(argv: &Argv<'_>) -> Option<usize> {
    let mut target = None;
    let mut j = 3;
    while j < argv.len() {
        let a = argv.get(j);
        if is(a, "db") && j + 1 < argv.len() {
            let n = resp::parse::parse_i64(argv.get(j + 1))?;
            target = usize::try_from(n).ok();
            j += 1;
        } else if !is(a, "replace") {
            break;
        }
        j += 1;
    }
    target
}

/// MOVE key db
fn move_(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let src = ctx.db.index;
    let dst = db_index(ctx, ctx.arg(2))?;
    if src == dst {
        return Err(CmdError::msg(SAME_OBJECT));
    }
    if ctx.db.lookup(key, Lookup::Write)?.is_none() {
        ctx.out.int(0);
        return Ok(());
    }
    if ctx.db.lookup_in(dst, key, Lookup::Write)?.is_some() {
        ctx.out.int(0);
        return Ok(());
    }
    let Some(e) = ctx.db.shard_in(src, key)?.take(key) else {
        ctx.out.int(0);
        return Ok(());
    };
    ctx.db.shard_in(dst, key)?.put(e);
    ctx.db.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// COPY source destination [DB destination-db] [REPLACE]
fn copy(ctx: &mut Ctx<'_>) -> CmdResult {
    let src_db = ctx.db.index;
    let mut dst_db = src_db;
    let mut replace = false;
    let mut j = 3;
    while j < ctx.argc() {
        let a = ctx.arg(j);
        if is(a, "replace") {
            replace = true;
        } else if is(a, "db") && j + 1 < ctx.argc() {
            dst_db = db_index(ctx, ctx.arg(j + 1))?;
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let (src, dst) = (ctx.arg(1), ctx.arg(2));
    if src_db == dst_db && src == dst {
        return Err(CmdError::msg(SAME_OBJECT));
    }
    let lru = ctx.db.lru;
    let (val, expire) = match ctx.db.lookup(src, Lookup::Read)? {
        None => {
            ctx.out.int(0);
            return Ok(());
        }
        Some(e) => (e.val.clone(), e.expire()),
    };
    if ctx.db.lookup_in(dst_db, dst, Lookup::Write)?.is_some() {
        if !replace {
            ctx.out.int(0);
            return Ok(());
        }
        ctx.db.delete_in(dst_db, dst)?;
    }
    ctx.db.shard_in(dst_db, dst)?.put(Entry::new(dst, val, expire, lru));
    ctx.db.dirty(1);
    ctx.out.int(1);
    Ok(())
}

const LFU_NOT_SELECTED: &str = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const LFU_SELECTED: &str = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/// Largest value of the 24-bit LRU clock.
const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;

/// The refcount Redis reports for its shared objects.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

/// OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key
fn object_generic(ctx: &mut Ctx<'_>, what: &str) -> CmdResult {
    let lfu = ctx.db.lfu;
    let clock = ctx.srv.lru_clock();
    let key = ctx.arg(2);
    let Some(e) = ctx.db.lookup(key, Lookup::ReadNoTouch)? else {
        ctx.out.null();
        return Ok(());
    };
    match what {
        "encoding" => {
            let enc = e.val.encoding();
            ctx.out.bulk(enc.as_bytes());
        }
        "refcount" => {
            // Redis shares the integers 0..9999 between keys (unless an LRU/LFU maxmemory
            // policy forbids it) and reports such objects' refcount as INT_MAX.
            let small_int =
                matches!(&e.val, Value::Str(StrValue::Int(n)) if (0..10_000).contains(n));
            let n = if small_int && shares_integers(ctx.srv) { SHARED_REFCOUNT } else { 1 };
            ctx.out.int(n);
        }
        "idletime" => {
            if lfu.is_some() {
                return Err(CmdError::msg(LFU_SELECTED));
            }
            let lru = e.lru();
            let secs = if clock >= lru { clock - lru } else { clock + (LRU_CLOCK_MAX - lru) };
            ctx.out.int(secs as i64);
        }
        _ => {
            let Some(l) = lfu else {
                return Err(CmdError::msg(LFU_NOT_SELECTED));
            };
            ctx.out.int(i64::from(l.decayed(e.lru())));
        }
    }
    Ok(())
}

/// True when shared integers are in use: no maxmemory, or a policy other than LRU/LFU.
fn shares_integers(srv: &crate::server::Server) -> bool {
    let policy = srv.config.settings().maxmemory_policy.clone();
    let limited = srv.config.get("maxmemory").map(|m| m != "0").unwrap_or(false);
    !(limited && (policy.contains("lru") || policy.contains("lfu")))
}

fn object_encoding(ctx: &mut Ctx<'_>) -> CmdResult {
    object_generic(ctx, "encoding")
}
fn object_refcount(ctx: &mut Ctx<'_>) -> CmdResult {
    object_generic(ctx, "refcount")
}
fn object_idletime(ctx: &mut Ctx<'_>) -> CmdResult {
    object_generic(ctx, "idletime")
}
fn object_freq(ctx: &mut Ctx<'_>) -> CmdResult {
    object_generic(ctx, "freq")
}

/// OBJECT HELP
fn object_help(ctx: &mut Ctx<'_>) -> CmdResult {
    const LINES: &[&str] = &[
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the name of the internal representation of the value stored at <key>.",
        "FREQ <key>",
        "    Return the logarithmic access frequency counter of <key> (LFU policies only).",
        "IDLETIME <key>",
        "    Return the approximate number of seconds since <key> was last accessed.",
        "REFCOUNT <key>",
        "    Return the number of references held to the value stored at <key>.",
        "HELP",
        "    Print this help.",
    ];
    ctx.reply_help(LINES);
    Ok(())
}

/// The unit and base of an EXPIRE-family command.
#[derive(Clone, Copy)]
enum ExpireForm {
    /// EXPIRE: seconds from now.
    RelSecs,
    /// PEXPIRE: milliseconds from now.
    RelMs,
    /// EXPIREAT: Unix seconds.
    AbsSecs,
    /// PEXPIREAT: Unix milliseconds.
    AbsMs,
}

const EXPIRE_NX: u8 = 1;
const EXPIRE_XX: u8 = 2;
const EXPIRE_GT: u8 = 4;
const EXPIRE_LT: u8 = 8;

/// Parses NX / XX / GT / LT from `argv[3..]`.
fn expire_flags(ctx: &Ctx<'_>) -> Result<u8, CmdError> {
    let mut fl = 0;
    for j in 3..ctx.argc() {
        let a = ctx.arg(j);
        fl |= if is(a, "nx") {
            EXPIRE_NX
        } else if is(a, "xx") {
            EXPIRE_XX
        } else if is(a, "gt") {
            EXPIRE_GT
        } else if is(a, "lt") {
            EXPIRE_LT
        } else {
            let shown = a.split(|&b| b == 0).next().unwrap_or_default();
            return Err(CmdError::owned(format!(
                "ERR Unsupported option {}",
                String::from_utf8_lossy(shown)
            )));
        };
    }
    if fl & EXPIRE_NX != 0 && fl & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT) != 0 {
        return Err(CmdError::msg(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if fl & EXPIRE_GT != 0 && fl & EXPIRE_LT != 0 {
        return Err(CmdError::msg("ERR GT and LT options at the same time are not compatible"));
    }
    Ok(fl)
}

/// EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX | XX | GT | LT]
fn expire_generic(ctx: &mut Ctx<'_>, form: ExpireForm) -> CmdResult {
    let fl = expire_flags(ctx)?;
    let mut when = int(ctx.arg(2))?;
    let bad_time =
        || CmdError::owned(format!("ERR invalid expire time in '{}' command", ctx.spec.name));
    if matches!(form, ExpireForm::RelSecs | ExpireForm::AbsSecs) {
        when = when.checked_mul(1000).ok_or_else(bad_time)?;
    }
    if matches!(form, ExpireForm::RelSecs | ExpireForm::RelMs) {
        when = when.checked_add(ctx.db.now).ok_or_else(bad_time)?;
    }
    let key = ctx.arg(1);
    let current = match ctx.db.lookup(key, Lookup::Write)? {
        None => {
            ctx.out.int(0);
            return Ok(());
        }
        Some(e) => e.expire(),
    };
    let refused = (fl & EXPIRE_NX != 0 && current != NO_EXPIRE)
        || (fl & EXPIRE_XX != 0 && current == NO_EXPIRE)
        || (fl & EXPIRE_GT != 0 && (current == NO_EXPIRE || when <= current))
        || (fl & EXPIRE_LT != 0 && current != NO_EXPIRE && when >= current);
    if refused {
        ctx.out.int(0);
        return Ok(());
    }
    let db = ctx.db.index;
    if when <= ctx.db.now {
        // Already in the past: the key goes now, and replicas are told to delete it.
        ctx.db.delete(key)?;
        let verb: &[u8] =
            if ctx.srv.config.settings().lazyfree_lazy_expire { b"UNLINK" } else { b"DEL" };
        ctx.db.fx.propagate_as(db, [verb, key]);
    } else {
        ctx.db.set_expire(key, when)?;
        // Replicated as an absolute time, keeping the condition flags.
        let ms = itoa::Buffer::new().format(when).to_owned();
        let mut argv: Vec<&[u8]> = vec![b"PEXPIREAT", key, ms.as_bytes()];
        argv.extend((3..ctx.argc()).map(|j| ctx.arg(j)));
        ctx.db.fx.propagate_as(db, argv);
    }
    ctx.db.dirty(1);
    ctx.out.int(1);
    Ok(())
}

fn expire(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, ExpireForm::RelSecs)
}
fn pexpire(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, ExpireForm::RelMs)
}
fn expireat(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, ExpireForm::AbsSecs)
}
fn pexpireat(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, ExpireForm::AbsMs)
}

/// TTL / PTTL / EXPIRETIME / PEXPIRETIME key
fn ttl_generic(ctx: &mut Ctx<'_>, ms: bool, absolute: bool) -> CmdResult {
    let now = ctx.db.now;
    let reply = match ctx.db.lookup(ctx.arg(1), Lookup::ReadNoTouch)? {
        None => -2,
        Some(e) if !e.has_expire() => -1,
        Some(e) => {
            let t = if absolute { e.expire() } else { e.expire() - now }.max(0);
            if ms {
                t
            } else {
                // Rounded to the nearest second without overflowing near i64::MAX
                // (Redis's arithmetic yields the mathematically rounded value there).
                ((t as i128 + 500) / 1000) as i64
            }
        }
    };
    ctx.out.int(reply);
    Ok(())
}

fn ttl(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, false, false)
}
fn pttl(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, true, false)
}
fn expiretime(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, false, true)
}
fn pexpiretime(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, true, true)
}

/// PERSIST key
fn persist(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let had_ttl = match ctx.db.lookup(key, Lookup::Write)? {
        Some(e) => e.has_expire(),
        None => false,
    };
    if had_ttl {
        ctx.db.set_expire(key, NO_EXPIRE)?;
        ctx.db.dirty(1);
    }
    ctx.out.int(had_ttl as i64);
    Ok(())
}

const KEY_ARG: &[Arg] = &[Arg::key("key", 0)];
const KEYS_ARG: &[Arg] = &[Arg::key("key", 0).multiple()];
const ONE_RO: &[KeySpec] = &[KeySpec::single(k::RO, 1)];
const ONE_RO_ACCESS: &[KeySpec] = &[KeySpec::single(k::RO | k::ACCESS, 1)];
const ONE_RW_UPDATE: &[KeySpec] = &[KeySpec::single(k::RW | k::UPDATE, 1)];
const OBJECT_KEY: &[KeySpec] = &[KeySpec::single(k::RO, 2)];
const EXPIRE_CONDITION: Arg = Arg::oneof(
    "condition",
    &[Arg::pure("nx", "NX"), Arg::pure("xx", "XX"), Arg::pure("gt", "GT"), Arg::pure("lt", "LT")],
)
.since("7.0.0")
.optional();
const EXPIRE_HISTORY: &[(&str, &str)] = &[("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")];
const TTL_HISTORY: &[(&str, &str)] = &[("2.8.0", "Added the -2 reply.")];

const OBJECT_SUBS: &[CommandSpec] = &[
    CommandSpec::new("encoding", 3, Group::Generic, object_encoding)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE)
        .keys(OBJECT_KEY)
        .since("2.2.3")
        .tips(&["nondeterministic_output"])
        .summary("Returns the internal encoding of a Redis object.")
        .args(KEY_ARG),
    CommandSpec::new("freq", 3, Group::Generic, object_freq)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE)
        .keys(OBJECT_KEY)
        .since("4.0.0")
        .tips(&["nondeterministic_output"])
        .summary("Returns the logarithmic access frequency counter of a Redis object.")
        .args(KEY_ARG),
    CommandSpec::new("help", 2, Group::Generic, object_help)
        .flags(f::LOADING | f::STALE)
        .acl(acl::KEYSPACE)
        .since("6.2.0")
        .summary("Returns helpful text about the different subcommands."),
    CommandSpec::new("idletime", 3, Group::Generic, object_idletime)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE)
        .keys(OBJECT_KEY)
        .since("2.2.3")
        .tips(&["nondeterministic_output"])
        .summary("Returns the time since the last access to a Redis object.")
        .args(KEY_ARG),
    CommandSpec::new("refcount", 3, Group::Generic, object_refcount)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE)
        .keys(OBJECT_KEY)
        .since("2.2.3")
        .tips(&["nondeterministic_output"])
        .summary("Returns the reference count of a value of a key.")
        .args(KEY_ARG),
];

/// Generic key commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("copy", -3, Group::Generic, copy)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1), KeySpec::single(k::OW | k::UPDATE, 2)])
        .scope(Scope::KeysAndDbs(copy_target))
        .since("6.2.0")
        .complexity("O(N) worst case for collections, where N is the number of nested items. O(1) for string values.")
        .summary("Copies the value of a key to a new key.")
        .args(&[
            Arg::key("source", 0),
            Arg::key("destination", 1),
            Arg::integer("destination-db").token("DB").optional(),
            Arg::pure("replace", "REPLACE").optional(),
        ]),
    CommandSpec::new("del", -2, Group::Generic, del)
        .flags(f::WRITE)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::range(k::RM | k::DELETE, 1, -1, 1)])
        .complexity("O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).")
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .summary("Deletes one or more keys.")
        .args(KEYS_ARG),
    CommandSpec::new("exists", -2, Group::Generic, exists)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::range(k::RO, 1, -1, 1)])
        .complexity("O(N) where N is the number of keys to check.")
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .history(&[("3.0.3", "Accepts multiple `key` arguments.")])
        .summary("Determines whether one or more keys exist.")
        .args(KEYS_ARG),
    CommandSpec::new("expire", -3, Group::Generic, expire)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RW_UPDATE)
        .history(EXPIRE_HISTORY)
        .summary("Sets the expiration time of a key in seconds.")
        .args(&[Arg::key("key", 0), Arg::integer("seconds"), EXPIRE_CONDITION]),
    CommandSpec::new("expireat", -3, Group::Generic, expireat)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RW_UPDATE)
        .since("1.2.0")
        .history(EXPIRE_HISTORY)
        .summary("Sets the expiration time of a key to a Unix timestamp.")
        .args(&[Arg::key("key", 0), Arg::unix_time("unix-time-seconds"), EXPIRE_CONDITION]),
    CommandSpec::new("expiretime", 2, Group::Generic, expiretime)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RO_ACCESS)
        .since("7.0.0")
        .summary("Returns the expiration time of a key as a Unix timestamp.")
        .args(KEY_ARG),
    CommandSpec::new("keys", 2, Group::Generic, keys)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE | acl::DANGEROUS)
        .scope(Scope::Db)
        .complexity("O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.")
        .tips(&["request_policy:all_shards", "nondeterministic_output_order"])
        .summary("Returns all key names that match a pattern.")
        .args(&[Arg::pattern("pattern")]),
    CommandSpec::new("move", 3, Group::Generic, move_)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::UPDATE, 1)])
        .scope(Scope::KeysAndDbs(move_target))
        .summary("Moves a key to another database.")
        .args(&[Arg::key("key", 0), Arg::integer("db")]),
    CommandSpec::container("object", Group::Generic, OBJECT_SUBS)
        .since("2.2.3")
        .summary("A container for object introspection commands."),
    CommandSpec::new("persist", 2, Group::Generic, persist)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RW_UPDATE)
        .since("2.2.0")
        .summary("Removes the expiration time of a key.")
        .args(KEY_ARG),
    CommandSpec::new("pexpire", -3, Group::Generic, pexpire)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RW_UPDATE)
        .since("2.6.0")
        .history(EXPIRE_HISTORY)
        .summary("Sets the expiration time of a key in milliseconds.")
        .args(&[Arg::key("key", 0), Arg::integer("milliseconds"), EXPIRE_CONDITION]),
    CommandSpec::new("pexpireat", -3, Group::Generic, pexpireat)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RW_UPDATE)
        .since("2.6.0")
        .history(EXPIRE_HISTORY)
        .summary("Sets the expiration time of a key to a Unix milliseconds timestamp.")
        .args(&[
            Arg::key("key", 0),
            Arg::unix_time("unix-time-milliseconds"),
            EXPIRE_CONDITION,
        ]),
    CommandSpec::new("pexpiretime", 2, Group::Generic, pexpiretime)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RO_ACCESS)
        .since("7.0.0")
        .summary("Returns the expiration time of a key as a Unix milliseconds timestamp.")
        .args(KEY_ARG),
    CommandSpec::new("pttl", 2, Group::Generic, pttl)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RO_ACCESS)
        .since("2.6.0")
        .tips(&["nondeterministic_output"])
        .history(TTL_HISTORY)
        .summary("Returns the expiration time in milliseconds of a key.")
        .args(KEY_ARG),
    CommandSpec::new("randomkey", 1, Group::Generic, randomkey)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE)
        .scope(Scope::Db)
        .tips(&["request_policy:all_shards", "nondeterministic_output"])
        .summary("Returns a random key name from the database."),
    CommandSpec::new("rename", 3, Group::Generic, rename)
        .flags(f::WRITE)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1), KeySpec::single(k::OW | k::UPDATE, 2)])
        .summary("Renames a key and overwrites the destination.")
        .args(&[Arg::key("key", 0), Arg::key("newkey", 1)]),
    CommandSpec::new("renamenx", 3, Group::Generic, renamenx)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1), KeySpec::single(k::OW | k::INSERT, 2)])
        .history(&[("3.2.0", "The command no longer returns an error when source and destination names are the same.")])
        .summary("Renames a key only when the target key name doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::key("newkey", 1)]),
    CommandSpec::new("scan", -2, Group::Generic, scan)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE)
        .scope(Scope::Db)
        .since("2.8.0")
        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.")
        .tips(&["nondeterministic_output", "request_policy:special"])
        .history(&[("6.0.0", "Added the `TYPE` subcommand.")])
        .summary("Iterates over the key names in the database.")
        .args(&[
            Arg::integer("cursor"),
            Arg::pattern("pattern").token("MATCH").optional(),
            Arg::integer("count").token("COUNT").optional(),
            Arg::string("type").token("TYPE").since("6.0.0").optional(),
        ]),
    CommandSpec::new("touch", -2, Group::Generic, touch)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::range(k::RO, 1, -1, 1)])
        .since("3.2.1")
        .complexity("O(N) where N is the number of keys that will be touched.")
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .summary("Returns the number of existing keys out of those specified after updating the time they were last accessed.")
        .args(KEYS_ARG),
    CommandSpec::new("ttl", 2, Group::Generic, ttl)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RO_ACCESS)
        .tips(&["nondeterministic_output"])
        .history(TTL_HISTORY)
        .summary("Returns the expiration time in seconds of a key.")
        .args(KEY_ARG),
    CommandSpec::new("type", 2, Group::Generic, type_)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(ONE_RO)
        .summary("Determines the type of value stored at a key.")
        .args(KEY_ARG),
    CommandSpec::new("unlink", -2, Group::Generic, del)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::range(k::RM | k::DELETE, 1, -1, 1)])
        .since("4.0.0")
        .complexity("O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.")
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .summary("Asynchronously deletes one or more keys.")
        .args(KEYS_ARG),
];

#[cfg(test)]
mod tests {
    use super::parse_cursor;

    #[test]
    fn cursor_parsing_follows_strtoul() {
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"0"), Some(0));
        assert_eq!(parse_cursor(b"+5"), Some(5));
        assert_eq!(parse_cursor(b"-0"), Some(0));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_cursor(b"-18446744073709551615"), Some(1));
        assert_eq!(parse_cursor(b" 1"), None);
        assert_eq!(parse_cursor(b"1 "), None);
        assert_eq!(parse_cursor(b"0x1"), None);
        assert_eq!(parse_cursor(b"-"), None);
        assert_eq!(parse_cursor(b"abc"), None);
    }
}
