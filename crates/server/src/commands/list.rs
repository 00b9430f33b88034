//! The lists family (non-blocking): LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE,
//! LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH, LMPOP.
//!
//! Each handler follows Redis 7.2's `t_list.c`: the same order of argument checks, key
//! lookups and type checks (which decides which error wins), the same replies for missing
//! keys (null, null array, empty array or 0 depending on the command and RESP version), and
//! the same encoding conversions around each change ([`List::grow_for`] before adding,
//! [`List::shrink`] after removing). A list left empty is deleted. LMPOP propagates as
//! `LPOP/RPOP key count`, as Redis rewrites it.

use collections::LpValue;
use resp::ReplyBuf;

use crate::cmd::args::{int, is};
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::db::{DbCtx, NO_EXPIRE};
use crate::types::list::End;
use crate::types::{Kind, List, Value};

const NOT_POSITIVE: &str = "ERR value is out of range, must be positive";

/// The list under `key`, or None; WRONGTYPE for another type.
fn list<'d>(
    db: &'d mut DbCtx<'_>,
    key: &[u8],
    mode: Lookup,
) -> Result<Option<&'d mut List>, CmdError> {
    Ok(db.lookup_typed(key, mode, Kind::List)?.and_then(|e| e.val.as_list_mut()))
}

/// Deletes `key` if its list became empty, otherwise applies the shrinking conversion
/// (Redis's `listElementsRemoved`).
fn after_removal(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let lim = ctx.srv.config.enc.get();
    let empty = match list(&mut ctx.db, key, Lookup::Peek)? {
        Some(l) if l.is_empty() => true,
        Some(l) => {
            l.shrink(&lim);
            false
        }
        None => false,
    };
    if empty {
        ctx.db.delete(key)?;
    }
    Ok(())
}

/// Writes one element as a bulk string.
fn bulk_value(out: &mut ReplyBuf, v: LpValue<'_>) {
    match v {
        LpValue::Int(n) => out.bulk_int(n),
        LpValue::Str(s) => out.bulk(s),
    }
}

/// Replies with `n` elements from position `start`, or, when `reverse`, the `n` elements
/// ending at `start + n - 1` from last to first (RPOP with a count).
fn reply_range(out: &mut ReplyBuf, l: &List, start: usize, n: usize, reverse: bool) {
    out.array(n);
    let mut left = n;
    let from = if reverse { start + n - 1 } else { start };
    l.walk(from, reverse, |v| {
        if left == 0 {
            return false;
        }
        bulk_value(out, v);
        left -= 1;
        left > 0
    });
}

/// Resolves LRANGE/LTRIM's inclusive range against `len`: (start, count), count 0 if empty.
fn resolve_range(start: i64, end: i64, len: usize) -> (usize, usize) {
    let llen = len as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return (0, 0);
    }
    if end >= llen {
        end = llen - 1;
    }
    (start as usize, (end - start + 1) as usize)
}

/// `LEFT` / `RIGHT` (syntax error otherwise).
fn position(a: &[u8]) -> Result<End, CmdError> {
    if is(a, "left") {
        Ok(End::Head)
    } else if is(a, "right") {
        Ok(End::Tail)
    } else {
        Err(CmdError::Syntax)
    }
}

/// An integer in `min..=max`, with `msg` (or Redis's generic range text) as the error.
fn ranged(a: &[u8], min: i64, max: i64, msg: Option<&'static str>) -> Result<i64, CmdError> {
    let bad = || match msg {
        Some(m) => CmdError::msg(m),
        None => CmdError::owned(format!(
            "ERR value is out of range, value must between {min} and {max}"
        )),
    };
    let n = match int(a) {
        Ok(n) => n,
        Err(e) => return Err(msg.map_or(e, CmdError::msg)),
    };
    if n < min || n > max {
        return Err(bad());
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------
// Pushes

/// LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]
fn push_generic(ctx: &mut Ctx<'_>, end: End, only_existing: bool) -> CmdResult {
    let key = ctx.arg(1);
    let lim = ctx.srv.config.enc.get();
    let vals: Vec<&[u8]> = (2..ctx.argc()).map(|i| ctx.arg(i)).collect();
    let bytes = vals.iter().map(|v| v.len()).sum();
    let len = match list(&mut ctx.db, key, Lookup::Write)? {
        Some(l) => {
            l.grow_for(bytes, vals.len(), &lim);
            for v in &vals {
                l.push_raw(end, v);
            }
            l.len()
        }
        None if only_existing => {
            ctx.out.int(0);
            return Ok(());
        }
        None => {
            let mut l = List::new();
            l.grow_for(bytes, vals.len(), &lim);
            for v in &vals {
                l.push_raw(end, v);
            }
            let len = l.len();
            ctx.db.set(key, Value::List(Box::new(l)), NO_EXPIRE, false)?;
            len
        }
    };
    ctx.db.dirty(vals.len() as u64);
    ctx.out.int(len as i64);
    Ok(())
}

fn lpush(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Head, false)
}

fn rpush(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Tail, false)
}

fn lpushx(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Head, true)
}

fn rpushx(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Tail, true)
}

// ---------------------------------------------------------------------------------------
// Pops

/// Pops up to `count` elements from `end` of the list at `key` (which exists and is not
/// empty), replying with them as an array; returns how many.
fn pop_range_reply(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    end: End,
    count: usize,
) -> Result<usize, CmdError> {
    let Some(l) = list(&mut ctx.db, key, Lookup::Write)? else { return Ok(0) };
    let len = l.len();
    let n = count.min(len);
    let (start, reverse) = if end == End::Head { (0, false) } else { (len - n, true) };
    reply_range(ctx.out, l, start, n, reverse);
    l.delete_range(start, n);
    after_removal(ctx, key)?;
    ctx.db.dirty(n as u64);
    Ok(n)
}

/// LPOP/RPOP key [count]
fn pop_generic(ctx: &mut Ctx<'_>, end: End) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(ctx.arity_error());
    }
    let key = ctx.arg(1);
    let count = if ctx.argc() == 3 {
        Some(ranged(ctx.arg(2), 0, i64::MAX, Some(NOT_POSITIVE))?)
    } else {
        None
    };
    let Some(l) = list(&mut ctx.db, key, Lookup::Write)? else {
        match count {
            Some(_) => ctx.out.null_array(),
            None => ctx.out.null(),
        }
        return Ok(());
    };
    match count {
        Some(0) => ctx.out.array(0),
        Some(n) => {
            pop_range_reply(ctx, key, end, n as usize)?;
        }
        None => {
            match l.pop_raw(end) {
                Some(v) => ctx.out.bulk(&v),
                None => ctx.out.null(),
            }
            after_removal(ctx, key)?;
            ctx.db.dirty(1);
        }
    }
    Ok(())
}

fn lpop(ctx: &mut Ctx<'_>) -> CmdResult {
    pop_generic(ctx, End::Head)
}

fn rpop(ctx: &mut Ctx<'_>) -> CmdResult {
    pop_generic(ctx, End::Tail)
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
fn lmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let numkeys = ranged(ctx.arg(1), 1, i64::MAX, Some("ERR numkeys should be greater than 0"))?;
    let where_idx = match (numkeys as u64).checked_add(2) {
        Some(i) if i < ctx.argc() as u64 => i as usize,
        _ => return Err(CmdError::Syntax),
    };
    let end = position(ctx.arg(where_idx))?;
    let mut count = None;
    let mut j = where_idx + 1;
    while j < ctx.argc() {
        if count.is_none() && is(ctx.arg(j), "count") && j + 1 < ctx.argc() {
            j += 1;
            count =
                Some(ranged(ctx.arg(j), 1, i64::MAX, Some("ERR count should be greater than 0"))?);
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let count = count.unwrap_or(1) as usize;
    for i in 2..where_idx {
        let key = ctx.arg(i);
        let Some(l) = list(&mut ctx.db, key, Lookup::Write)? else { continue };
        if l.is_empty() {
            continue;
        }
        ctx.out.array(2);
        ctx.out.bulk(key);
        let n = pop_range_reply(ctx, key, end, count)?;
        let cmd: &[u8] = if end == End::Head { b"LPOP" } else { b"RPOP" };
        let n = n.to_string();
        ctx.db.fx.propagate_as(ctx.db.index, [cmd, key, n.as_bytes()]);
        return Ok(());
    }
    ctx.out.null_array();
    Ok(())
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH (RIGHT LEFT).
fn move_generic(ctx: &mut Ctx<'_>, from: End, to: End) -> CmdResult {
    let (src, dst) = (ctx.arg(1), ctx.arg(2));
    let lim = ctx.srv.config.enc.get();
    let Some(l) = list(&mut ctx.db, src, Lookup::Write)? else {
        ctx.out.null();
        return Ok(());
    };
    if l.is_empty() {
        ctx.out.null();
        return Ok(());
    }
    // The destination's type is checked before anything is popped.
    let dst_exists = list(&mut ctx.db, dst, Lookup::Write)?.is_some();
    let Some(v) = list(&mut ctx.db, src, Lookup::Write)?.and_then(|l| l.pop_raw(from)) else {
        ctx.out.null();
        return Ok(());
    };
    if dst_exists {
        if let Some(d) = list(&mut ctx.db, dst, Lookup::Write)? {
            d.push(to, &v, &lim);
        }
    } else {
        let mut d = List::new();
        d.push(to, &v, &lim);
        ctx.db.set(dst, Value::List(Box::new(d)), NO_EXPIRE, false)?;
    }
    ctx.out.bulk(&v);
    after_removal(ctx, src)?;
    ctx.db.dirty(1);
    Ok(())
}

fn lmove(ctx: &mut Ctx<'_>) -> CmdResult {
    let from = position(ctx.arg(3))?;
    let to = position(ctx.arg(4))?;
    move_generic(ctx, from, to)
}

fn rpoplpush(ctx: &mut Ctx<'_>) -> CmdResult {
    move_generic(ctx, End::Tail, End::Head)
}

// ---------------------------------------------------------------------------------------
// Reads

/// LLEN key
fn llen(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let n = list(&mut ctx.db, key, Lookup::Read)?.map_or(0, |l| l.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// LRANGE key start stop
fn lrange(ctx: &mut Ctx<'_>) -> CmdResult {
    let start = int(ctx.arg(2))?;
    let end = int(ctx.arg(3))?;
    let key = ctx.arg(1);
    let Some(l) = list(&mut ctx.db, key, Lookup::Read)? else {
        ctx.out.array(0);
        return Ok(());
    };
    let (s, n) = resolve_range(start, end, l.len());
    reply_range(ctx.out, l, s, n, false);
    Ok(())
}

/// LINDEX key index
fn lindex(ctx: &mut Ctx<'_>) -> CmdResult {
    let arg2 = ctx.arg(2);
    let key = ctx.arg(1);
    let Some(l) = list(&mut ctx.db, key, Lookup::Read)? else {
        ctx.out.null();
        return Ok(());
    };
    let index = int(arg2)?;
    match l.index(index).and_then(|i| l.get(i)) {
        Some(v) => ctx.out.bulk(&v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
fn lpos(ctx: &mut Ctx<'_>) -> CmdResult {
    let ele = ctx.arg(2);
    let (mut rank, mut count, mut maxlen) = (1i64, None::<i64>, 0i64);
    let mut j = 3;
    while j < ctx.argc() {
        let opt = ctx.arg(j);
        let more = j + 1 < ctx.argc();
        if is(opt, "rank") && more {
            j += 1;
            rank = ranged(ctx.arg(j), -i64::MAX, i64::MAX, None)?;
            if rank == 0 {
                return Err(CmdError::msg(
                    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                ));
            }
        } else if is(opt, "count") && more {
            j += 1;
            count = Some(ranged(ctx.arg(j), 0, i64::MAX, Some("ERR COUNT can't be negative"))?);
        } else if is(opt, "maxlen") && more {
            j += 1;
            maxlen = ranged(ctx.arg(j), 0, i64::MAX, Some("ERR MAXLEN can't be negative"))?;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let rev = rank < 0;
    let rank = rank.unsigned_abs();
    let key = ctx.arg(1);
    let Some(l) = list(&mut ctx.db, key, Lookup::Read)? else {
        match count {
            Some(_) => ctx.out.array(0),
            None => ctx.out.null(),
        }
        return Ok(());
    };
    let len = l.len();
    let mut found: Vec<i64> = Vec::new();
    let (mut index, mut matches) = (0u64, 0u64);
    let start = if rev { len.saturating_sub(1) } else { 0 };
    l.walk(start, rev, |v| {
        if maxlen != 0 && index >= maxlen as u64 {
            return false;
        }
        if v.eq_bytes(ele) {
            matches += 1;
            if matches >= rank {
                let at = if rev { len as u64 - index - 1 } else { index };
                found.push(at as i64);
                match count {
                    None => return false,
                    Some(c) if c != 0 && matches - rank + 1 >= c as u64 => return false,
                    _ => {}
                }
            }
        }
        index += 1;
        true
    });
    match count {
        Some(_) => {
            ctx.out.array(found.len());
            for i in found {
                ctx.out.int(i);
            }
        }
        None => match found.first() {
            Some(&i) => ctx.out.int(i),
            None => ctx.out.null(),
        },
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Changes in place

/// LSET key index element
fn lset(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, arg2, v) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    let lim = ctx.srv.config.enc.get();
    let Some(l) = list(&mut ctx.db, key, Lookup::Write)? else {
        return Err(CmdError::NoSuchKey);
    };
    let index = int(arg2)?;
    l.grow_for(v.len(), 1, &lim);
    let Some(i) = l.index(index) else {
        return Err(CmdError::msg(crate::cmd::error::OUT_OF_RANGE));
    };
    l.set(i, v);
    l.shrink(&lim);
    ctx.db.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// LINSERT key BEFORE|AFTER pivot element
fn linsert(ctx: &mut Ctx<'_>) -> CmdResult {
    let after = if is(ctx.arg(2), "after") {
        true
    } else if is(ctx.arg(2), "before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let (key, pivot, v) = (ctx.arg(1), ctx.arg(3), ctx.arg(4));
    let lim = ctx.srv.config.enc.get();
    let Some(l) = list(&mut ctx.db, key, Lookup::Write)? else {
        ctx.out.int(0);
        return Ok(());
    };
    // Converted before the pivot is looked for, as Redis does.
    l.grow_for(v.len(), 1, &lim);
    let mut at = None;
    let mut i = 0usize;
    l.walk(0, false, |e| {
        if e.eq_bytes(pivot) {
            at = Some(i);
            return false;
        }
        i += 1;
        true
    });
    match at {
        Some(i) => {
            l.insert(i, after, v);
            let len = l.len();
            ctx.db.dirty(1);
            ctx.out.int(len as i64);
        }
        None => ctx.out.int(-1),
    }
    Ok(())
}

/// LREM key count element
fn lrem(ctx: &mut Ctx<'_>) -> CmdResult {
    let count = int(ctx.arg(2))?;
    let (key, ele) = (ctx.arg(1), ctx.arg(3));
    let Some(l) = list(&mut ctx.db, key, Lookup::Write)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let len = l.len();
    let rev = count < 0;
    let limit = count.unsigned_abs();
    let mut hits: Vec<usize> = Vec::new();
    let mut i = 0usize;
    l.walk(if rev { len.saturating_sub(1) } else { 0 }, rev, |e| {
        if e.eq_bytes(ele) {
            hits.push(if rev { len - 1 - i } else { i });
            if limit != 0 && hits.len() as u64 >= limit {
                return false;
            }
        }
        i += 1;
        true
    });
    // Delete from the highest position down so the others stay valid; neighbours are
    // removed together.
    hits.sort_unstable();
    let mut k = hits.len();
    while k > 0 {
        let hi = hits[k - 1];
        let mut lo = hi;
        k -= 1;
        while k > 0 && hits[k - 1] + 1 == lo {
            lo -= 1;
            k -= 1;
        }
        l.delete_range(lo, hi - lo + 1);
    }
    let removed = hits.len();
    if removed > 0 {
        after_removal(ctx, key)?;
        ctx.db.dirty(removed as u64);
    }
    ctx.out.int(removed as i64);
    Ok(())
}

/// LTRIM key start stop
fn ltrim(ctx: &mut Ctx<'_>) -> CmdResult {
    let start = int(ctx.arg(2))?;
    let end = int(ctx.arg(3))?;
    let key = ctx.arg(1);
    let Some(l) = list(&mut ctx.db, key, Lookup::Write)? else {
        ctx.out.ok();
        return Ok(());
    };
    let len = l.len();
    let (s, n) = resolve_range(start, end, len);
    let (ltrim, rtrim) = if n == 0 { (len, 0) } else { (s, len - s - n) };
    l.delete_range(0, ltrim);
    let rest = l.len();
    l.delete_range(rest - rtrim, rtrim);
    after_removal(ctx, key)?;
    ctx.db.dirty((ltrim + rtrim) as u64);
    ctx.out.ok();
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Specs

const RW_INSERT: u32 = k::RW | k::INSERT;
const RW_ACCESS_DELETE: u32 = k::RW | k::ACCESS | k::DELETE;
const PUSH_COMPLEXITY: &str = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";
const PUSH_ARGS: &[Arg] = &[Arg::key("key", 0), Arg::string("element").multiple()];
const POP_ARGS: &[Arg] = &[Arg::key("key", 0), Arg::integer("count").optional().since("6.2.0")];
const LEFT_RIGHT: &[Arg] = &[Arg::pure("left", "LEFT"), Arg::pure("right", "RIGHT")];

/// The lists family's command table.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("lpush", -3, Group::List, lpush)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_INSERT, 1)])
        .complexity(PUSH_COMPLEXITY)
        .history(&[("2.4.0", "Accepts multiple `element` arguments.")])
        .summary("Prepends one or more elements to a list. Creates the key if it doesn't exist.")
        .args(PUSH_ARGS),
    CommandSpec::new("rpush", -3, Group::List, rpush)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_INSERT, 1)])
        .complexity(PUSH_COMPLEXITY)
        .history(&[("2.4.0", "Accepts multiple `element` arguments.")])
        .summary("Appends one or more elements to a list. Creates the key if it doesn't exist.")
        .args(PUSH_ARGS),
    CommandSpec::new("lpushx", -3, Group::List, lpushx)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_INSERT, 1)])
        .since("2.2.0")
        .complexity(PUSH_COMPLEXITY)
        .history(&[("4.0.0", "Accepts multiple `element` arguments.")])
        .summary("Prepends one or more elements to a list only when the list exists.")
        .args(PUSH_ARGS),
    CommandSpec::new("rpushx", -3, Group::List, rpushx)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_INSERT, 1)])
        .since("2.2.0")
        .complexity(PUSH_COMPLEXITY)
        .history(&[("4.0.0", "Accepts multiple `element` arguments.")])
        .summary("Appends an element to a list only when the list exists.")
        .args(PUSH_ARGS),
    CommandSpec::new("lpop", -2, Group::List, lpop)
        .flags(f::WRITE | f::FAST)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_ACCESS_DELETE, 1)])
        .complexity("O(N) where N is the number of elements returned")
        .history(&[("6.2.0", "Added the `count` argument.")])
        .summary("Returns the first elements in a list after removing it. Deletes the list if the last element was popped.")
        .args(POP_ARGS),
    CommandSpec::new("rpop", -2, Group::List, rpop)
        .flags(f::WRITE | f::FAST)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_ACCESS_DELETE, 1)])
        .complexity("O(N) where N is the number of elements returned")
        .history(&[("6.2.0", "Added the `count` argument.")])
        .summary("Returns and removes the last elements of a list. Deletes the list if the last element was popped.")
        .args(POP_ARGS),
    CommandSpec::new("llen", 2, Group::List, llen)
        .flags(f::READONLY | f::FAST)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(k::RO, 1)])
        .summary("Returns the length of a list.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("lrange", 4, Group::List, lrange)
        .flags(f::READONLY)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .complexity("O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.")
        .summary("Returns a range of elements from a list.")
        .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("stop")]),
    CommandSpec::new("lindex", 3, Group::List, lindex)
        .flags(f::READONLY)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .complexity("O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).")
        .summary("Returns an element from a list by its index.")
        .args(&[Arg::key("key", 0), Arg::integer("index")]),
    CommandSpec::new("lset", 4, Group::List, lset)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(k::RW | k::UPDATE, 1)])
        .complexity("O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).")
        .summary("Sets the value of an element in a list by its index.")
        .args(&[Arg::key("key", 0), Arg::integer("index"), Arg::string("element")]),
    CommandSpec::new("linsert", 5, Group::List, linsert)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_INSERT, 1)])
        .since("2.2.0")
        .complexity("O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).")
        .summary("Inserts an element before or after another element in a list.")
        .args(&[
            Arg::key("key", 0),
            Arg::oneof("where", &[Arg::pure("before", "BEFORE"), Arg::pure("after", "AFTER")]),
            Arg::string("pivot"),
            Arg::string("element"),
        ]),
    CommandSpec::new("lrem", 4, Group::List, lrem)
        .flags(f::WRITE)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .complexity("O(N+M) where N is the length of the list and M is the number of elements removed.")
        .summary("Removes elements from a list. Deletes the list if the last element was removed.")
        .args(&[Arg::key("key", 0), Arg::integer("count"), Arg::string("element")]),
    CommandSpec::new("ltrim", 4, Group::List, ltrim)
        .flags(f::WRITE)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .complexity("O(N) where N is the number of elements to be removed by the operation.")
        .summary("Removes elements from both ends a list. Deletes the list if all elements were trimmed.")
        .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("stop")]),
    CommandSpec::new("lpos", -3, Group::List, lpos)
        .flags(f::READONLY)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("6.0.6")
        .complexity("O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.")
        .summary("Returns the index of matching elements in a list.")
        .args(&[
            Arg::key("key", 0),
            Arg::string("element"),
            Arg::integer("rank").token("RANK").optional(),
            Arg::integer("num-matches").token("COUNT").optional(),
            Arg::integer("len").token("MAXLEN").optional(),
        ]),
    CommandSpec::new("lmove", 5, Group::List, lmove)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_ACCESS_DELETE, 1), KeySpec::single(RW_INSERT, 2)])
        .since("6.2.0")
        .summary("Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.")
        .args(&[
            Arg::key("source", 0),
            Arg::key("destination", 1),
            Arg::oneof("wherefrom", LEFT_RIGHT),
            Arg::oneof("whereto", LEFT_RIGHT),
        ]),
    CommandSpec::new("rpoplpush", 3, Group::List, rpoplpush)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::LIST)
        .keys(&[KeySpec::single(RW_ACCESS_DELETE, 1), KeySpec::single(RW_INSERT, 2)])
        .since("1.2.0")
        .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
        .summary("Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.")
        .args(&[Arg::key("source", 0), Arg::key("destination", 1)]),
    CommandSpec::new("lmpop", -4, Group::List, lmpop)
        .flags(f::WRITE | f::MOVABLE_KEYS)
        .acl(acl::LIST)
        .keys(&[KeySpec::keynum(RW_ACCESS_DELETE, 1, 0, 1, 1)])
        .since("7.0.0")
        .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
        .summary("Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.")
        .args(&[
            Arg::integer("numkeys"),
            Arg::key("key", 0).multiple(),
            Arg::oneof("where", LEFT_RIGHT),
            Arg::integer("count").token("COUNT").optional(),
        ]),
];

#[cfg(test)]
mod tests {
    use crate::testkit::Harness;

    #[test]
    fn lmpop_propagates_as_pop_with_count() {
        let mut h = Harness::new();
        assert_eq!(h.prop(&["RPUSH", "l", "a", "b", "c"]), ["RPUSH l a b c"]);
        assert_eq!(h.prop(&["LMPOP", "2", "none", "l", "LEFT", "COUNT", "2"]), ["LPOP l 2"]);
        assert_eq!(h.prop(&["LMPOP", "1", "l", "RIGHT", "COUNT", "10"]), ["RPOP l 1"]);
        assert!(h.prop(&["LMPOP", "1", "l", "RIGHT"]).is_empty());
        assert!(h.prop(&["LPOP", "l"]).is_empty());
        assert!(h.prop(&["LPUSHX", "l", "x"]).is_empty());
        assert_eq!(h.prop(&["LPUSH", "l", "x"]), ["LPUSH l x"]);
        assert_eq!(h.prop(&["LMOVE", "l", "m", "LEFT", "RIGHT"]), ["LMOVE l m LEFT RIGHT"]);
        assert!(h.prop(&["LREM", "m", "0", "nothing"]).is_empty());
        assert!(h.prop(&["LINSERT", "m", "BEFORE", "nothing", "y"]).is_empty());
    }
}
