//! Generic key commands: DEL, EXISTS, TYPE, the EXPIRE family, KEYS, SCAN, RENAME, ...

use crate::cmd::args::int;
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::db::NO_EXPIRE;

/// DEL key [key ...]
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

/// EXISTS key [key ...]
fn exists(ctx: &mut Ctx<'_>) -> CmdResult {
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
    let t = ctx.db.lookup(ctx.arg(1), Lookup::Peek)?.map(|e| e.val.type_name()).unwrap_or("none");
    ctx.out.simple(t.as_bytes());
    Ok(())
}

/// EXPIRE key seconds (options to come).
fn expire(ctx: &mut Ctx<'_>) -> CmdResult {
    let secs = int(ctx.arg(2))?;
    let at = secs
        .checked_mul(1000)
        .and_then(|ms| ms.checked_add(ctx.db.now))
        .ok_or(CmdError::msg("ERR invalid expire time in 'expire' command"))?;
    let key = ctx.arg(1);
    if ctx.db.lookup(key, Lookup::Write)?.is_none() {
        ctx.out.int(0);
        return Ok(());
    }
    if at <= ctx.db.now {
        ctx.db.delete(key)?;
        ctx.db.fx.propagate_as(ctx.db.index, [&b"DEL"[..], key]);
    } else {
        ctx.db.set_expire(key, at)?;
        let ms = at.to_string();
        ctx.db.fx.propagate_as(ctx.db.index, [&b"PEXPIREAT"[..], key, ms.as_bytes()]);
    }
    ctx.db.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// TTL key / PTTL key
fn ttl_generic(ctx: &mut Ctx<'_>, ms: bool) -> CmdResult {
    let now = ctx.db.now;
    let reply = match ctx.db.lookup(ctx.arg(1), Lookup::Read)? {
        None => -2,
        Some(e) if e.expire == NO_EXPIRE => -1,
        Some(e) => {
            let left = (e.expire - now).max(0);
            if ms {
                left
            } else {
                (left + 500) / 1000
            }
        }
    };
    ctx.out.int(reply);
    Ok(())
}

fn ttl(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, false)
}

fn pttl(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, true)
}

/// Generic key commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("del", -2, Group::Generic, del)
        .flags(f::WRITE)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::range(k::RM | k::DELETE, 1, -1, 1)])
        .complexity("O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).")
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .summary("Deletes one or more keys.")
        .args(&[Arg::key("key", 0).multiple()]),
    CommandSpec::new("exists", -2, Group::Generic, exists)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::range(k::RO, 1, -1, 1)])
        .complexity("O(N) where N is the number of keys to check.")
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .history(&[("3.0.3", "Accepts multiple `key` arguments.")])
        .summary("Determines whether one or more keys exist.")
        .args(&[Arg::key("key", 0).multiple()]),
    CommandSpec::new("type", 2, Group::Generic, type_)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RO, 1)])
        .summary("Determines the type of value stored at a key.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("expire", -3, Group::Generic, expire)
        .flags(f::WRITE | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RW | k::UPDATE, 1)])
        .summary("Sets the expiration time of a key in seconds.")
        .args(&[Arg::key("key", 0), Arg::integer("seconds")]),
    CommandSpec::new("ttl", 2, Group::Generic, ttl)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .summary("Returns the expiration time in seconds of a key.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("pttl", 2, Group::Generic, pttl)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.6.0")
        .summary("Returns the expiration time in milliseconds of a key.")
        .args(&[Arg::key("key", 0)]),
];
