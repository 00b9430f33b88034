//! Hash commands: HSET and friends, the counters, HRANDFIELD and HSCAN (Redis's `t_hash.c`).
//!
//! The value type and its two encodings live in `types/hash.rs`; this module parses
//! arguments, applies Redis's checks in Redis's order, and writes Redis's replies. A write
//! that removes the last field deletes the key. HINCRBYFLOAT is propagated as `HSET key field result` so replicas never redo
//! the float arithmetic.

use std::cell::Cell;
use std::collections::HashSet;

use crate::cmd::args::{int, is};
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::commands::generic::{scan_cursor, scan_opts};
use crate::db::view::Lookup;
use crate::db::{DbCtx, NO_EXPIRE};
use crate::types::{Hash, Kind, Value};
use collections::LpValue;
use resp::ReplyBuf;

const NOT_INT_VALUE: &str = "ERR hash value is not an integer";
const NOT_FLOAT_VALUE: &str = "ERR hash value is not a float";
const NAN_OR_INF: &str = "ERR value is NaN or Infinity";
const WOULD_BE_NAN: &str = "ERR increment would produce NaN or Infinity";
const COUNT_RANGE: &str =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
const OUT_OF_RANGE: &str = "ERR value is out of range";
const REPLY_TOO_LARGE: &str = "ERR reply too large: HRANDFIELD count exceeds the reply size limit";

/// The largest reply HRANDFIELD with a negative count builds (Redis streams it to the
/// socket instead and would grow its output buffer without bound).
const MAX_RANDOM_REPLY: usize = 512 << 20;

thread_local! {
    static RNG: Cell<u64> = Cell::new({
        let t = crate::util::time::now_us() as u64;
        let local = 0u8;
        (t ^ (&local as *const u8 as u64).rotate_left(17)) | 1
    });
}

/// A fast per-thread pseudo-random number (xorshift64*), for HRANDFIELD.
fn rand64() -> u64 {
    RNG.with(|c| {
        let mut x = c.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        c.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// A uniform random index below `n` (n > 0).
fn rand_below(n: usize) -> usize {
    (rand64() % n as u64) as usize
}

/// Writes a stored element as a bulk string.
#[inline]
fn reply_elem(out: &mut ReplyBuf, v: LpValue<'_>) {
    match v {
        LpValue::Str(s) => out.bulk(s),
        LpValue::Int(n) => out.bulk_int(n),
    }
}

/// The hash at `key` for reading: None if absent, WRONGTYPE for another type.
fn read<'c>(db: &'c mut DbCtx<'_>, key: &[u8]) -> Result<Option<&'c mut Hash>, CmdError> {
    Ok(db.lookup_typed(key, Lookup::Read, Kind::Hash)?.and_then(|e| e.val.as_hash_mut()))
}

/// The hash at `key` for modification: None if absent, WRONGTYPE for another type.
fn write<'c>(db: &'c mut DbCtx<'_>, key: &[u8]) -> Result<Option<&'c mut Hash>, CmdError> {
    Ok(db.lookup_typed(key, Lookup::Write, Kind::Hash)?.and_then(|e| e.val.as_hash_mut()))
}

/// Redis's `hashTypeLookupWriteOrCreate`: the hash at `key`, created empty if absent. Every
/// caller stores a field right after, so the empty hash is never left behind.
fn write_or_create<'c>(db: &'c mut DbCtx<'_>, key: &[u8]) -> Result<&'c mut Hash, CmdError> {
    if write(db, key)?.is_none() {
        db.set(key, Value::Hash(Hash::default()), NO_EXPIRE, false)?;
    }
    match db.lookup(key, Lookup::Peek)? {
        Some(e) => e.val.as_hash_mut().ok_or(CmdError::WrongType),
        None => Err(CmdError::msg("ERR hash vanished")),
    }
}

/// HSET key field value [field value ...] / HMSET: replies the number of new fields (HMSET:
/// OK).
fn hset_generic(ctx: &mut Ctx<'_>, hmset: bool) -> CmdResult {
    if ctx.argc() % 2 == 1 {
        return Err(ctx.arity_error());
    }
    let argv = ctx.argv;
    let lim = ctx.srv.config.enc.get();
    let h = write_or_create(&mut ctx.db, argv.get(1))?;
    h.prepare_write((2..argv.len()).map(|i| argv.get(i)), &lim);
    let mut created = 0;
    for i in (2..argv.len()).step_by(2) {
        created += h.set(argv.get(i), argv.get(i + 1), &lim) as i64;
    }
    if created > 0 {
        h.share();
    }
    ctx.db.dirty((argv.len() as u64 - 2) / 2);
    if hmset {
        ctx.out.ok();
    } else {
        ctx.out.int(created);
    }
    Ok(())
}

fn hset(ctx: &mut Ctx<'_>) -> CmdResult {
    hset_generic(ctx, false)
}

fn hmset(ctx: &mut Ctx<'_>) -> CmdResult {
    hset_generic(ctx, true)
}

/// HSETNX key field value
fn hsetnx(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, field, val) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    let lim = ctx.srv.config.enc.get();
    let h = write_or_create(&mut ctx.db, key)?;
    if h.contains(field) {
        ctx.out.int(0);
        return Ok(());
    }
    h.prepare_write([field, val].into_iter(), &lim);
    h.set(field, val, &lim);
    ctx.db.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// HGET key field
fn hget(ctx: &mut Ctx<'_>) -> CmdResult {
    let field = ctx.arg(2);
    match read(&mut ctx.db, ctx.argv.get(1))?.and_then(|h| h.get_ref(field)) {
        Some(v) => reply_elem(ctx.out, v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// HMGET key field [field ...]
fn hmget(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let h = read(&mut ctx.db, argv.get(1))?;
    ctx.out.array(argv.len() - 2);
    for i in 2..argv.len() {
        match h.as_ref().and_then(|h| h.get_ref(argv.get(i))) {
            Some(v) => reply_elem(ctx.out, v),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// HDEL key field [field ...]: deletes the key with its last field.
fn hdel(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = argv.get(1);
    let Some(h) = write(&mut ctx.db, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let mut deleted = 0;
    for i in 2..argv.len() {
        if h.delete(argv.get(i)) {
            deleted += 1;
            if h.is_empty() {
                break;
            }
        }
    }
    let empty = h.is_empty();
    if empty {
        ctx.db.delete(key)?;
    }
    ctx.db.dirty(deleted as u64);
    ctx.out.int(deleted);
    Ok(())
}

/// HLEN key
fn hlen(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = read(&mut ctx.db, ctx.argv.get(1))?.map_or(0, |h| h.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// HSTRLEN key field
fn hstrlen(ctx: &mut Ctx<'_>) -> CmdResult {
    let field = ctx.arg(2);
    let n = read(&mut ctx.db, ctx.argv.get(1))?
        .and_then(|h| h.get_ref(field))
        .map_or(0, |v| v.str_len());
    ctx.out.int(n as i64);
    Ok(())
}

/// HEXISTS key field
fn hexists(ctx: &mut Ctx<'_>) -> CmdResult {
    let field = ctx.arg(2);
    let found = read(&mut ctx.db, ctx.argv.get(1))?.is_some_and(|h| h.contains(field));
    ctx.out.int(found as i64);
    Ok(())
}

/// What HGETALL, HKEYS and HVALS list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Both,
    Fields,
    Values,
}

/// HGETALL / HKEYS / HVALS: a map (HGETALL) or array of the hash's contents.
fn getall_generic(ctx: &mut Ctx<'_>, part: Part) -> CmdResult {
    let h = read(&mut ctx.db, ctx.argv.get(1))?;
    let n = h.as_ref().map_or(0, |h| h.len());
    if part == Part::Both {
        ctx.out.map(n);
    } else {
        ctx.out.array(n);
    }
    if let Some(h) = h {
        for (k, v) in h.iter() {
            if part != Part::Values {
                reply_elem(ctx.out, k);
            }
            if part != Part::Fields {
                reply_elem(ctx.out, v);
            }
        }
    }
    Ok(())
}

fn hgetall(ctx: &mut Ctx<'_>) -> CmdResult {
    getall_generic(ctx, Part::Both)
}

fn hkeys(ctx: &mut Ctx<'_>) -> CmdResult {
    getall_generic(ctx, Part::Fields)
}

fn hvals(ctx: &mut Ctx<'_>) -> CmdResult {
    getall_generic(ctx, Part::Values)
}

/// HINCRBY key field increment
fn hincrby(ctx: &mut Ctx<'_>) -> CmdResult {
    let incr = int(ctx.arg(3))?;
    let (key, field) = (ctx.arg(1), ctx.arg(2));
    let lim = ctx.srv.config.enc.get();
    let h = write_or_create(&mut ctx.db, key)?;
    let cur = match h.get_ref(field) {
        Some(v) => v.as_i64().ok_or(CmdError::msg(NOT_INT_VALUE))?,
        None => 0,
    };
    let new = cur.checked_add(incr).ok_or(CmdError::Overflow)?;
    h.set(field, itoa::Buffer::new().format(new).as_bytes(), &lim);
    ctx.db.dirty(1);
    ctx.out.int(new);
    Ok(())
}

/// HINCRBYFLOAT key field increment: `long double` arithmetic and formatting (the
/// `longdouble` crate, as INCRBYFLOAT), propagated as `HSET key field result`.
fn hincrbyfloat(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, field, incr) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    if !longdouble::is_valid(incr) {
        return Err(CmdError::NotFloat);
    }
    if longdouble::add(b"0", incr).is_err() {
        return Err(CmdError::msg(NAN_OR_INF));
    }
    let lim = ctx.srv.config.enc.get();
    let h = write_or_create(&mut ctx.db, key)?;
    let cur = h.get_ref(field).map(|v| v.to_vec());
    let sum = longdouble::add(cur.as_deref().unwrap_or(b"0"), incr).map_err(|e| match e {
        longdouble::AddError::BadValue => CmdError::msg(NOT_FLOAT_VALUE),
        longdouble::AddError::BadIncrement => CmdError::NotFloat,
        longdouble::AddError::NotFinite => CmdError::msg(WOULD_BE_NAN),
    });
    let sum = match sum {
        Ok(s) => s,
        Err(e) => {
            // A hash created just now for this call must not stay behind empty.
            if h.is_empty() {
                ctx.db.delete(key)?;
            }
            return Err(e);
        }
    };
    h.set(field, &sum, &lim);
    ctx.db.dirty(1);
    ctx.out.bulk(&sum);
    ctx.db.fx.propagate_as(ctx.db.index, [&b"HSET"[..], key, field, &sum]);
    Ok(())
}

/// Writes one HRANDFIELD element: the field, and with WITHVALUES its value (RESP3: as a
/// two-element array).
fn reply_pair(out: &mut ReplyBuf, k: LpValue<'_>, v: LpValue<'_>, withvalues: bool) {
    if withvalues && out.is_resp3() {
        out.array(2);
    }
    reply_elem(out, k);
    if withvalues {
        reply_elem(out, v);
    }
}

/// HRANDFIELD key [count [WITHVALUES]]
fn hrandfield(ctx: &mut Ctx<'_>) -> CmdResult {
    let argc = ctx.argc();
    if argc == 2 {
        match read(&mut ctx.db, ctx.argv.get(1))? {
            None => ctx.out.null(),
            Some(h) => {
                let pairs = h.lp_pairs();
                match (&pairs, h.table_random(rand64)) {
                    (Some(p), _) if !p.is_empty() => reply_elem(ctx.out, p[rand_below(p.len())].0),
                    (_, Some(e)) => ctx.out.bulk(e.field()),
                    _ => ctx.out.null(),
                }
            }
        }
        return Ok(());
    }
    let l = int(ctx.arg(2))?;
    if l == i64::MIN {
        return Err(CmdError::msg(COUNT_RANGE));
    }
    let withvalues = match argc {
        3 => false,
        4 if is(ctx.arg(3), "WITHVALUES") => true,
        _ => return Err(CmdError::Syntax),
    };
    if withvalues && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Err(CmdError::msg(OUT_OF_RANGE));
    }
    let resp3 = ctx.out.is_resp3();
    let Some(h) = read(&mut ctx.db, ctx.argv.get(1))? else {
        ctx.out.array(0);
        return Ok(());
    };
    let (count, uniq) = (l.unsigned_abs() as usize, l >= 0);
    let size = h.len();
    if count == 0 || size == 0 {
        ctx.out.array(0);
        return Ok(());
    }
    let per = if withvalues && !resp3 { 2 } else { 1 };
    let out = &mut *ctx.out;

    // Any count with repetitions (and a count of 1): independent draws.
    if !uniq || count == 1 {
        if count.saturating_mul(6 * per) > MAX_RANDOM_REPLY {
            return Err(CmdError::msg(REPLY_TOO_LARGE));
        }
        let start = out.len();
        out.array(count * per);
        let pairs = h.lp_pairs();
        for _ in 0..count {
            match &pairs {
                Some(p) => {
                    let (k, v) = p[rand_below(p.len())];
                    reply_pair(out, k, v, withvalues);
                }
                None => {
                    if let Some(e) = h.table_random(rand64) {
                        reply_pair(
                            out,
                            LpValue::Str(e.field()),
                            LpValue::Str(e.value()),
                            withvalues,
                        );
                    }
                }
            }
            if out.len() - start > MAX_RANDOM_REPLY {
                return Err(CmdError::msg(REPLY_TOO_LARGE));
            }
        }
        return Ok(());
    }

    // Distinct fields: the whole hash when it has no more than asked for.
    let n = count.min(size);
    out.array(n * per);
    if count >= size {
        for (k, v) in h.iter() {
            reply_pair(out, k, v, withvalues);
        }
        return Ok(());
    }
    match h.lp_pairs() {
        Some(pairs) => {
            // Selection sampling: a random subset, kept in listpack order (as Redis's
            // lpRandomPairsUnique).
            let mut need = n;
            for (i, (k, v)) in pairs.iter().enumerate() {
                if need == 0 {
                    break;
                }
                if rand_below(pairs.len() - i) < need {
                    reply_pair(out, *k, *v, withvalues);
                    need -= 1;
                }
            }
        }
        None if n * 3 > size => {
            // Many of them: shuffle the head of the whole list.
            let mut all: Vec<(LpValue<'_>, LpValue<'_>)> = h.iter().collect();
            for i in 0..n {
                let j = i + rand_below(all.len() - i);
                all.swap(i, j);
                reply_pair(out, all[i].0, all[i].1, withvalues);
            }
        }
        None => {
            // Few of them: draw until enough distinct fields were seen.
            let mut seen: HashSet<&[u8]> = HashSet::with_capacity(n);
            while seen.len() < n {
                let Some(e) = h.table_random(rand64) else { break };
                if seen.insert(e.field()) {
                    reply_pair(out, LpValue::Str(e.field()), LpValue::Str(e.value()), withvalues);
                }
            }
        }
    }
    Ok(())
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
fn hscan(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let cursor = scan_cursor(argv.get(2))?;
    let Some(h) = read(&mut ctx.db, argv.get(1))? else {
        ctx.out.array(2);
        ctx.out.bulk(b"0");
        ctx.out.array(0);
        return Ok(());
    };
    let o = scan_opts(&argv, 3, false)?;
    let mut items: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let next = h.scan(cursor, o.count, |k, v| {
        let keep = k.with_bytes(|k| o.matches(k));
        if keep {
            items.push((k.to_vec(), v.to_vec()));
        }
    });
    let out = &mut *ctx.out;
    out.array(2);
    out.bulk(itoa::Buffer::new().format(next).as_bytes());
    out.array(items.len() * 2);
    for (k, v) in &items {
        out.bulk(k);
        out.bulk(v);
    }
    Ok(())
}

const KEY: &[Arg] = &[Arg::key("key", 0)];
const KEY_FIELD: &[Arg] = &[Arg::key("key", 0), Arg::string("field")];
const FIELD_VALUE: &[Arg] = &[Arg::string("field"), Arg::string("value")];
const RW_UPDATE: u32 = k::RW | k::UPDATE;
const RW_ACCESS_UPDATE: u32 = k::RW | k::ACCESS | k::UPDATE;
const RO_ACCESS: u32 = k::RO | k::ACCESS;

/// Hash commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("hset", -4, Group::Hash, hset)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RW_UPDATE, 1)])
        .since("2.0.0")
        .complexity("O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.")
        .history(&[("4.0.0", "Accepts multiple `field` and `value` arguments.")])
        .summary("Creates or modifies the value of a field in a hash.")
        .args(&[Arg::key("key", 0), Arg::block("field_value", FIELD_VALUE).multiple()]),
    CommandSpec::new("hsetnx", 4, Group::Hash, hsetnx)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(k::RW | k::INSERT, 1)])
        .since("2.0.0")
        .summary("Sets the value of a field in a hash only when the field doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::string("field"), Arg::string("value")]),
    CommandSpec::new("hget", 3, Group::Hash, hget)
        .flags(f::READONLY | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RO_ACCESS, 1)])
        .since("2.0.0")
        .summary("Returns the value of a field in a hash.")
        .args(KEY_FIELD),
    CommandSpec::new("hmget", -3, Group::Hash, hmget)
        .flags(f::READONLY | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RO_ACCESS, 1)])
        .since("2.0.0")
        .complexity("O(N) where N is the number of fields being requested.")
        .summary("Returns the values of all fields in a hash.")
        .args(&[Arg::key("key", 0), Arg::string("field").multiple()]),
    CommandSpec::new("hmset", -4, Group::Hash, hmset)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RW_UPDATE, 1)])
        .since("2.0.0")
        .complexity("O(N) where N is the number of fields being set.")
        .deprecated("4.0.0", "`HSET` with multiple field-value pairs")
        .summary("Sets the values of multiple fields.")
        .args(&[Arg::key("key", 0), Arg::block("field_value", FIELD_VALUE).multiple()]),
    CommandSpec::new("hgetall", 2, Group::Hash, hgetall)
        .flags(f::READONLY)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RO_ACCESS, 1)])
        .since("2.0.0")
        .complexity("O(N) where N is the size of the hash.")
        .tips(&["nondeterministic_output_order"])
        .summary("Returns all fields and values in a hash.")
        .args(KEY),
    CommandSpec::new("hdel", -3, Group::Hash, hdel)
        .flags(f::WRITE | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .since("2.0.0")
        .complexity("O(N) where N is the number of fields to be removed.")
        .history(&[("2.4.0", "Accepts multiple `field` arguments.")])
        .summary("Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.")
        .args(&[Arg::key("key", 0), Arg::string("field").multiple()]),
    CommandSpec::new("hlen", 2, Group::Hash, hlen)
        .flags(f::READONLY | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(k::RO, 1)])
        .since("2.0.0")
        .summary("Returns the number of fields in a hash.")
        .args(KEY),
    CommandSpec::new("hstrlen", 3, Group::Hash, hstrlen)
        .flags(f::READONLY | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(k::RO, 1)])
        .since("3.2.0")
        .summary("Returns the length of the value of a field.")
        .args(KEY_FIELD),
    CommandSpec::new("hexists", 3, Group::Hash, hexists)
        .flags(f::READONLY | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(k::RO, 1)])
        .since("2.0.0")
        .summary("Determines whether a field exists in a hash.")
        .args(KEY_FIELD),
    CommandSpec::new("hkeys", 2, Group::Hash, hkeys)
        .flags(f::READONLY)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RO_ACCESS, 1)])
        .since("2.0.0")
        .complexity("O(N) where N is the size of the hash.")
        .tips(&["nondeterministic_output_order"])
        .summary("Returns all fields in a hash.")
        .args(KEY),
    CommandSpec::new("hvals", 2, Group::Hash, hvals)
        .flags(f::READONLY)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RO_ACCESS, 1)])
        .since("2.0.0")
        .complexity("O(N) where N is the size of the hash.")
        .tips(&["nondeterministic_output_order"])
        .summary("Returns all values in a hash.")
        .args(KEY),
    CommandSpec::new("hincrby", 4, Group::Hash, hincrby)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .since("2.0.0")
        .summary("Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::string("field"), Arg::integer("increment")]),
    CommandSpec::new("hincrbyfloat", 4, Group::Hash, hincrbyfloat)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .since("2.6.0")
        .summary("Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::string("field"), Arg::double("increment")]),
    CommandSpec::new("hrandfield", -2, Group::Hash, hrandfield)
        .flags(f::READONLY)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RO_ACCESS, 1)])
        .since("6.2.0")
        .complexity("O(N) where N is the number of fields returned")
        .tips(&["nondeterministic_output"])
        .summary("Returns one or more random fields from a hash.")
        .args(&[
            Arg::key("key", 0),
            Arg::block(
                "options",
                &[Arg::integer("count"), Arg::pure("withvalues", "WITHVALUES").optional()],
            )
            .optional(),
        ]),
    CommandSpec::new("hscan", -3, Group::Hash, hscan)
        .flags(f::READONLY)
        .acl(acl::HASH)
        .keys(&[KeySpec::single(RO_ACCESS, 1)])
        .since("2.8.0")
        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
        .tips(&["nondeterministic_output"])
        .summary("Iterates over fields and values of a hash.")
        .args(&[
            Arg::key("key", 0),
            Arg::integer("cursor"),
            Arg::pattern("pattern").token("MATCH").optional(),
            Arg::integer("count").token("COUNT").optional(),
        ]),
];

#[cfg(test)]
mod tests {
    use crate::testkit::Harness;

    #[test]
    fn writes_propagate_as_redis_does() {
        let mut h = Harness::new();
        assert_eq!(h.run(&["HSET", "h", "a", "1"]).1, ["HSET h a 1"]);
        assert_eq!(h.run(&["HMSET", "h", "b", "2"]).1, ["HMSET h b 2"]);
        assert_eq!(h.run(&["HINCRBY", "h", "a", "5"]).1, ["HINCRBY h a 5"]);
        // HINCRBYFLOAT becomes HSET with the final value.
        let (reply, prop) = h.run(&["HINCRBYFLOAT", "h", "f", "10.50"]);
        assert_eq!(reply, "$4\r\n10.5\r\n");
        assert_eq!(prop, ["HSET h f 10.5"]);
        assert_eq!(h.run(&["HINCRBYFLOAT", "h", "f", "0.1"]).1, ["HSET h f 10.6"]);
        assert!(h.run(&["HINCRBYFLOAT", "h", "f", "x"]).1.is_empty());
        assert!(h.run(&["HSETNX", "h", "a", "x"]).1.is_empty(), "no change, nothing sent");
        assert_eq!(h.run(&["HSETNX", "h", "n", "x"]).1, ["HSETNX h n x"]);
        assert!(h.run(&["HDEL", "h", "zz"]).1.is_empty());
        assert_eq!(h.run(&["HDEL", "h", "a", "b", "f", "n"]).1, ["HDEL h a b f n"]);
        assert_eq!(h.run(&["EXISTS", "h"]).0, ":0\r\n");
        assert!(h.run(&["HGET", "h", "a"]).1.is_empty());
    }
}
