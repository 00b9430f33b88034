//! String commands: GET, SET and friends, counters, ranges.
//!
//! Values are [`StrValue`]s; see `types/string.rs` for the encodings and when each is used.

use crate::cmd::args::{int, is};
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::NO_EXPIRE;
use crate::types::{StrValue, Value};

/// GET key
fn get(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    match ctx.db.get_str(key)? {
        Some(StrValue::Int(n)) => ctx.out.bulk_int(*n),
        Some(StrValue::Emb(s)) => ctx.out.bulk(s),
        Some(StrValue::Raw(v)) => ctx.out.bulk(v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// Parsed options of SET.
#[derive(Default)]
struct SetOptions {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    /// Absolute expiry in ms, when an expiry option was given.
    expire_at: Option<i64>,
    /// How the expiry was given, to rewrite it for propagation.
    expire_kind: Option<&'static str>,
}

const INVALID_EXPIRE: &str = "ERR invalid expire time in 'set' command";

impl SetOptions {
    /// Parses SET's options from `args[3..]` (Redis's `parseExtendedStringArgumentsOrReply`).
    fn parse(ctx: &Ctx<'_>, from: usize, now: i64) -> Result<Self, CmdError> {
        let mut o = SetOptions::default();
        let mut i = from;
        let argc = ctx.argc();
        while i < argc {
            let a = ctx.arg(i);
            let next = (i + 1 < argc).then(|| ctx.arg(i + 1));
            if is(a, "NX") && !o.xx {
                o.nx = true;
            } else if is(a, "XX") && !o.nx {
                o.xx = true;
            } else if is(a, "GET") {
                o.get = true;
            } else if is(a, "KEEPTTL") && o.expire_kind.is_none() {
                o.keep_ttl = true;
            } else if (is(a, "EX") || is(a, "PX") || is(a, "EXAT") || is(a, "PXAT"))
                && !o.keep_ttl
                && o.expire_kind.is_none()
                && next.is_some()
            {
                let n = int(next.unwrap_or_default())?;
                let upper = a.to_ascii_uppercase();
                let (at, kind) = match upper.as_slice() {
                    b"EX" => (mul_add(n, 1000, now), "EX"),
                    b"PX" => (n.checked_add(now), "PX"),
                    b"EXAT" => (n.checked_mul(1000), "EXAT"),
                    _ => (Some(n), "PXAT"),
                };
                if n <= 0 {
                    return Err(CmdError::msg(INVALID_EXPIRE));
                }
                let at = at.ok_or(CmdError::msg(INVALID_EXPIRE))?;
                o.expire_at = Some(at);
                o.expire_kind = Some(kind);
                i += 1;
            } else {
                return Err(CmdError::Syntax);
            }
            i += 1;
        }
        Ok(o)
    }
}

fn mul_add(n: i64, m: i64, add: i64) -> Option<i64> {
    n.checked_mul(m)?.checked_add(add)
}

/// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL]
fn set(ctx: &mut Ctx<'_>) -> CmdResult {
    let now = ctx.db.now;
    let o = SetOptions::parse(ctx, 3, now)?;
    let key = ctx.arg(1);
    let val = ctx.arg(2);
    set_generic(ctx, key, val, &o)
}

fn set_generic(ctx: &mut Ctx<'_>, key: &[u8], val: &[u8], o: &SetOptions) -> CmdResult {
    let existing = if o.get {
        // SET ... GET replies with the old value, and fails on a non-string.
        let old = ctx.db.get_str(key)?.map(|s| s.to_vec());
        Some(old)
    } else {
        None
    };
    let exists = match &existing {
        Some(old) => old.is_some(),
        None if o.nx || o.xx => ctx.db.exists(key)?,
        None => false,
    };
    let blocked = (o.nx && exists) || (o.xx && !exists);
    if !blocked {
        let expire = o.expire_at.unwrap_or(NO_EXPIRE);
        ctx.db.set(key, Value::Str(StrValue::from_bytes(val)), expire, o.keep_ttl)?;
        ctx.db.dirty(1);
        if let (Some(at), Some(kind)) = (o.expire_at, o.expire_kind) {
            // Redis propagates EX/PX/EXAT as `SET key value PXAT <ms>` (other options dropped).
            if kind != "PXAT" {
                let at = at.to_string();
                ctx.db
                    .fx
                    .propagate_as(ctx.db.index, [&b"SET"[..], key, val, b"PXAT", at.as_bytes()]);
            }
        }
    }
    match existing {
        Some(Some(old)) => ctx.out.bulk(&old),
        Some(None) => ctx.out.null(),
        None if blocked => ctx.out.null(),
        None => ctx.out.ok(),
    }
    Ok(())
}

/// INCR / DECR / INCRBY / DECRBY share this body.
fn incr_by(ctx: &mut Ctx<'_>, key: &[u8], delta: i64) -> CmdResult {
    let lru = ctx.db.lru;
    let cur = match ctx.db.get_str_mut(key)? {
        Some(e) => {
            let Value::Str(s) = &mut e.val;
            let n = s.as_int().ok_or(CmdError::NotInteger)?;
            let v = n.checked_add(delta).ok_or(CmdError::Overflow)?;
            *s = StrValue::Int(v);
            e.lru = lru;
            v
        }
        None => {
            ctx.db.set(key, Value::Str(StrValue::Int(delta)), NO_EXPIRE, false)?;
            delta
        }
    };
    ctx.db.dirty(1);
    ctx.out.int(cur);
    Ok(())
}

fn incr(ctx: &mut Ctx<'_>) -> CmdResult {
    incr_by(ctx, ctx.arg(1), 1)
}

fn decr(ctx: &mut Ctx<'_>) -> CmdResult {
    incr_by(ctx, ctx.arg(1), -1)
}

fn incrby(ctx: &mut Ctx<'_>) -> CmdResult {
    let d = int(ctx.arg(2))?;
    incr_by(ctx, ctx.arg(1), d)
}

fn decrby(ctx: &mut Ctx<'_>) -> CmdResult {
    let d = int(ctx.arg(2))?;
    let d = d.checked_neg().ok_or(CmdError::msg("ERR decrement would overflow"))?;
    incr_by(ctx, ctx.arg(1), d)
}

/// MGET key [key ...]
fn mget(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = ctx.argc() - 1;
    ctx.out.array(n);
    for i in 1..=n {
        let key = ctx.arg(i);
        match ctx.db.get_str(key) {
            Ok(Some(s)) => match s {
                StrValue::Int(n) => ctx.out.bulk_int(*n),
                StrValue::Emb(b) => ctx.out.bulk(b),
                StrValue::Raw(v) => ctx.out.bulk(v),
            },
            // MGET answers nil for missing keys and for keys of other types.
            _ => ctx.out.null(),
        }
    }
    Ok(())
}

/// MSET key value [key value ...]
fn mset(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc().is_multiple_of(2) {
        return Err(ctx.arity_error());
    }
    let mut i = 1;
    while i < ctx.argc() {
        let (k, v) = (ctx.arg(i), ctx.arg(i + 1));
        ctx.db.set(k, Value::Str(StrValue::from_bytes(v)), NO_EXPIRE, false)?;
        i += 2;
    }
    ctx.db.dirty((ctx.argc() as u64 - 1) / 2);
    ctx.out.ok();
    Ok(())
}

const RW_ACCESS_UPDATE: u32 = k::RW | k::ACCESS | k::UPDATE;

/// String commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("get", 2, Group::String, get)
        .flags(f::READONLY | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .summary("Returns the string value of a key.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("set", -3, Group::String, set)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::UPDATE | k::VARIABLE_FLAGS, 1)])
        .summary("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")
        .history(&[
            ("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."),
            ("6.0.0", "Added the `KEEPTTL` option."),
            ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."),
            ("7.0.0", "Allowed the `NX` and `GET` options to be used together."),
        ])
        .args(&[
            Arg::key("key", 0),
            Arg::string("value"),
            Arg::oneof("condition", &[Arg::pure("nx", "NX"), Arg::pure("xx", "XX")])
                .optional()
                .since("2.6.12"),
            Arg::pure("get", "GET").optional().since("6.2.0"),
            Arg::oneof(
                "expiration",
                &[
                    Arg::integer("seconds").token("EX").since("2.6.12"),
                    Arg::integer("milliseconds").token("PX").since("2.6.12"),
                    Arg::unix_time("unix-time-seconds").token("EXAT").since("6.2.0"),
                    Arg::unix_time("unix-time-milliseconds").token("PXAT").since("6.2.0"),
                    Arg::pure("keepttl", "KEEPTTL").since("6.0.0"),
                ],
            )
            .optional(),
        ]),
    CommandSpec::new("incr", 2, Group::String, incr)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .summary("Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("decr", 2, Group::String, decr)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .summary("Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("incrby", 3, Group::String, incrby)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .since("1.0.0")
        .summary("Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::integer("increment")]),
    CommandSpec::new("decrby", 3, Group::String, decrby)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .summary("Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::integer("decrement")]),
    CommandSpec::new("mget", -2, Group::String, mget)
        .flags(f::READONLY | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::range(k::RO | k::ACCESS, 1, -1, 1)])
        .complexity("O(N) where N is the number of keys to retrieve.")
        .tips(&["request_policy:multi_shard"])
        .summary("Atomically returns the string values of one or more keys.")
        .args(&[Arg::key("key", 0).multiple()]),
    CommandSpec::new("mset", -3, Group::String, mset)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::STRING)
        .keys(&[KeySpec::range(k::OW | k::UPDATE, 1, -1, 2)])
        .since("1.0.1")
        .complexity("O(N) where N is the number of keys to set.")
        .tips(&["request_policy:multi_shard", "response_policy:all_succeeded"])
        .summary("Atomically creates or modifies the string values of one or more keys.")
        .args(&[Arg::block("data", &[Arg::key("key", 0), Arg::string("value")]).multiple()]),
];
