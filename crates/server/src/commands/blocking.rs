//! The blocking forms of the list and sorted set pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
//! BLMPOP (group `list`), BZPOPMIN, BZPOPMAX, BZMPOP (group `sorted-set`).
//!
//! Each parses its arguments (the timeout as Redis does: seconds, fractions allowed, 0 for
//! ever), then looks at its keys in order: the first that holds data is served at once,
//! exactly as the non-blocking form would, and propagated as that form (`LPOP key`,
//! `LMOVE ...`, `ZPOPMIN key`, ...). With no data the client blocks (`blocking::wait::block`)
//! and a later write serves it (`blocking::serve`). Inside MULTI/EXEC or a script
//! (`Client::deny_blocking`) they answer null at once instead of blocking.

use crate::blocking::serve::apply;
use crate::blocking::wait::block;
use crate::blocking::{parse_timeout, End, Op};
use crate::cmd::args::{int, is};
use crate::cmd::error::SYNTAX;
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::types::Kind;

/// Serves `op` from the first of `keys` with data, or blocks on them until `timeout` (the
/// argument at `timeout_at`).
fn pop_or_block(ctx: &mut Ctx<'_>, keys: &[&[u8]], op: Op, timeout_at: usize) -> CmdResult {
    let deadline = parse_timeout(ctx.arg(timeout_at), ctx.db.now)?;
    let kind = if op.wants_list() { Kind::List } else { Kind::ZSet };
    let lim = ctx.srv.config.enc.get();
    let d = ctx.db.index;
    for key in keys {
        if ctx.db.lookup_typed(key, Lookup::Write, kind)?.is_none() {
            continue;
        }
        let mut records = Vec::new();
        apply(&mut ctx.db, d, key, &op, &lim, ctx.out, &mut records)?;
        for r in records {
            ctx.db.fx.propagate_as(d, r.view().iter());
        }
        return Ok(());
    }
    if ctx.client.deny_blocking {
        // Redis: BLMOVE answers a null bulk here, the others a null array.
        if matches!(op, Op::ListMove { .. }) {
            ctx.out.null();
        } else {
            ctx.out.null_array();
        }
        return Ok(());
    }
    block(ctx, keys, op, deadline)
}

/// The keys of `B*POP key [key ...] timeout`.
fn middle_keys<'a>(ctx: &Ctx<'a>) -> Vec<&'a [u8]> {
    (1..ctx.argc() - 1).map(|i| ctx.arg(i)).collect()
}

/// BLPOP key [key ...] timeout
fn blpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = middle_keys(ctx);
    pop_or_block(ctx, &keys, Op::ListPop { end: End::Head, count: None }, ctx.argc() - 1)
}

/// BRPOP key [key ...] timeout
fn brpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = middle_keys(ctx);
    pop_or_block(ctx, &keys, Op::ListPop { end: End::Tail, count: None }, ctx.argc() - 1)
}

/// BZPOPMIN key [key ...] timeout
fn bzpopmin(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = middle_keys(ctx);
    pop_or_block(ctx, &keys, Op::ZPop { max: false, count: None }, ctx.argc() - 1)
}

/// BZPOPMAX key [key ...] timeout
fn bzpopmax(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = middle_keys(ctx);
    pop_or_block(ctx, &keys, Op::ZPop { max: true, count: None }, ctx.argc() - 1)
}

/// LEFT / RIGHT (any case), else a syntax error.
fn list_end(a: &[u8]) -> Result<End, CmdError> {
    if is(a, "left") {
        Ok(End::Head)
    } else if is(a, "right") {
        Ok(End::Tail)
    } else {
        Err(CmdError::Syntax)
    }
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
fn blmove(ctx: &mut Ctx<'_>) -> CmdResult {
    let from = list_end(ctx.arg(3))?;
    let to = list_end(ctx.arg(4))?;
    let op = Op::ListMove {
        from,
        to,
        dst: ctx.arg(2).to_vec(),
        tokens: Some((ctx.arg(3).to_vec(), ctx.arg(4).to_vec())),
    };
    pop_or_block(ctx, &[ctx.arg(1)], op, 5)
}

/// BRPOPLPUSH source destination timeout
fn brpoplpush(ctx: &mut Ctx<'_>) -> CmdResult {
    let op =
        Op::ListMove { from: End::Tail, to: End::Head, dst: ctx.arg(2).to_vec(), tokens: None };
    pop_or_block(ctx, &[ctx.arg(1)], op, 3)
}

/// What BLMPOP and BZMPOP were asked for.
struct MPop<'a> {
    keys: Vec<&'a [u8]>,
    /// The LEFT|RIGHT or MIN|MAX argument.
    wh: &'a [u8],
    /// 1 by default.
    count: usize,
}

/// Parses `numkeys key [key ...] <where> [COUNT count]` from index 2 (after the timeout) as
/// Redis's `lmpopGenericCommand` / `zmpopGenericCommand` do.
fn mpop_args<'a>(ctx: &Ctx<'a>) -> Result<MPop<'a>, CmdError> {
    const NUMKEYS: &str = "ERR numkeys should be greater than 0";
    let numkeys = int(ctx.arg(2)).map_err(|_| CmdError::msg(NUMKEYS))?;
    if numkeys < 1 {
        return Err(CmdError::msg(NUMKEYS));
    }
    let where_at = (numkeys as u64).saturating_add(3);
    if where_at >= ctx.argc() as u64 {
        return Err(CmdError::msg(SYNTAX));
    }
    let where_at = where_at as usize;
    let mut count: Option<usize> = None;
    let mut i = where_at + 1;
    while i < ctx.argc() {
        if count.is_none() && is(ctx.arg(i), "count") && i + 1 < ctx.argc() {
            const COUNT: &str = "ERR count should be greater than 0";
            let n = int(ctx.arg(i + 1)).map_err(|_| CmdError::msg(COUNT))?;
            if n < 1 {
                return Err(CmdError::msg(COUNT));
            }
            count = Some(usize::try_from(n).unwrap_or(usize::MAX));
            i += 2;
        } else {
            return Err(CmdError::msg(SYNTAX));
        }
    }
    let keys = (3..where_at).map(|i| ctx.arg(i)).collect();
    Ok(MPop { keys, wh: ctx.arg(where_at), count: count.unwrap_or(1) })
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
fn blmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let MPop { keys, wh, count } = mpop_args(ctx)?;
    let end = list_end(wh)?;
    pop_or_block(ctx, &keys, Op::ListPop { end, count: Some(count) }, 1)
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
fn bzmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let MPop { keys, wh, count } = mpop_args(ctx)?;
    let max = if is(wh, "min") {
        false
    } else if is(wh, "max") {
        true
    } else {
        return Err(CmdError::Syntax);
    };
    pop_or_block(ctx, &keys, Op::ZPop { max, count: Some(count) }, 1)
}

const POP_KEYS: &[KeySpec] = &[KeySpec::range(k::RW | k::ACCESS | k::DELETE, 1, -2, 1)];
const MOVE_KEYS: &[KeySpec] =
    &[KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1), KeySpec::single(k::RW | k::INSERT, 2)];
const MPOP_KEYS: &[KeySpec] = &[KeySpec::keynum(k::RW | k::ACCESS | k::DELETE, 2, 0, 1, 1)];
const LIST_ACL: u64 = acl::WRITE | acl::LIST | acl::SLOW | acl::BLOCKING;
const TIMEOUT_AS_DOUBLE: &[(&str, &str)] =
    &[("6.0.0", "`timeout` is interpreted as a double instead of an integer.")];

static KEYS_TIMEOUT: &[Arg] = &[Arg::key("key", 0).multiple(), Arg::double("timeout")];
static LEFT_RIGHT: &[Arg] = &[Arg::pure("left", "LEFT"), Arg::pure("right", "RIGHT")];
static MIN_MAX: &[Arg] = &[Arg::pure("min", "MIN"), Arg::pure("max", "MAX")];

/// The blocking list commands (group `list`).
pub static LIST_COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("blpop", -3, Group::List, blpop)
        .flags(f::WRITE | f::NOSCRIPT | f::BLOCKING)
        .acl(LIST_ACL)
        .keys(POP_KEYS)
        .since("2.0.0")
        .complexity("O(N) where N is the number of provided keys.")
        .summary("Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        .history(TIMEOUT_AS_DOUBLE)
        .args(KEYS_TIMEOUT),
    CommandSpec::new("brpop", -3, Group::List, brpop)
        .flags(f::WRITE | f::NOSCRIPT | f::BLOCKING)
        .acl(LIST_ACL)
        .keys(POP_KEYS)
        .since("2.0.0")
        .complexity("O(N) where N is the number of provided keys.")
        .summary("Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        .history(TIMEOUT_AS_DOUBLE)
        .args(KEYS_TIMEOUT),
    CommandSpec::new("blmove", 6, Group::List, blmove)
        .flags(f::WRITE | f::DENYOOM | f::NOSCRIPT | f::BLOCKING)
        .acl(LIST_ACL)
        .keys(MOVE_KEYS)
        .since("6.2.0")
        .complexity("O(1)")
        .summary("Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.")
        .args(&[
            Arg::key("source", 0),
            Arg::key("destination", 1),
            Arg::oneof("wherefrom", LEFT_RIGHT),
            Arg::oneof("whereto", LEFT_RIGHT),
            Arg::double("timeout"),
        ]),
    CommandSpec::new("brpoplpush", 4, Group::List, brpoplpush)
        .flags(f::WRITE | f::DENYOOM | f::NOSCRIPT | f::BLOCKING)
        .acl(LIST_ACL)
        .keys(MOVE_KEYS)
        .since("2.2.0")
        .complexity("O(1)")
        .deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
        .summary("Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.")
        .history(TIMEOUT_AS_DOUBLE)
        .args(&[Arg::key("source", 0), Arg::key("destination", 1), Arg::double("timeout")]),
    CommandSpec::new("blmpop", -5, Group::List, blmpop)
        .flags(f::WRITE | f::BLOCKING)
        .acl(LIST_ACL)
        .keys(MPOP_KEYS)
        .since("7.0.0")
        .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
        .summary("Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        .args(&[
            Arg::double("timeout"),
            Arg::integer("numkeys"),
            Arg::key("key", 0).multiple(),
            Arg::oneof("where", LEFT_RIGHT),
            Arg::integer("count").token("COUNT").optional(),
        ]),
];

const ZPOP_COMPLEXITY: &str = "O(log(N)) with N being the number of elements in the sorted set.";

/// The blocking sorted set commands (group `sorted-set`).
pub static ZSET_COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("bzpopmin", -3, Group::SortedSet, bzpopmin)
        .flags(f::WRITE | f::NOSCRIPT | f::BLOCKING | f::FAST)
        .acl(acl::WRITE | acl::SORTEDSET | acl::FAST | acl::BLOCKING)
        .keys(POP_KEYS)
        .since("5.0.0")
        .complexity(ZPOP_COMPLEXITY)
        .summary("Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
        .history(TIMEOUT_AS_DOUBLE)
        .args(KEYS_TIMEOUT),
    CommandSpec::new("bzpopmax", -3, Group::SortedSet, bzpopmax)
        .flags(f::WRITE | f::NOSCRIPT | f::BLOCKING | f::FAST)
        .acl(acl::WRITE | acl::SORTEDSET | acl::FAST | acl::BLOCKING)
        .keys(POP_KEYS)
        .since("5.0.0")
        .complexity(ZPOP_COMPLEXITY)
        .summary("Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.")
        .history(TIMEOUT_AS_DOUBLE)
        .args(KEYS_TIMEOUT),
    CommandSpec::new("bzmpop", -5, Group::SortedSet, bzmpop)
        .flags(f::WRITE | f::BLOCKING)
        .acl(acl::WRITE | acl::SORTEDSET | acl::SLOW | acl::BLOCKING)
        .keys(MPOP_KEYS)
        .since("7.0.0")
        .complexity("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.")
        .summary("Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
        .args(&[
            Arg::double("timeout"),
            Arg::integer("numkeys"),
            Arg::key("key", 0).multiple(),
            Arg::oneof("where", MIN_MAX),
            Arg::integer("count").token("COUNT").optional(),
        ]),
];
