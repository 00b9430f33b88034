//! Set commands: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER,
//! SMOVE, SINTER, SINTERCARD, SUNION, SDIFF and their STORE forms, SSCAN.
//!
//! Behaviour is Redis 7.2's `t_set.c`: the same checks in the same order (so the same error
//! wins when several apply), the same encodings for every result (`types/set.rs` holds the
//! conversion rules), RESP3 set replies where Redis uses them (SMEMBERS, SINTER, SUNION,
//! SDIFF, SPOP with a count) and arrays elsewhere (SRANDMEMBER).
//!
//! Propagation: SPOP is replayed as `SREM key member...` (batches of 1024 members, in reply
//! order), or as `DEL`/`UNLINK` when it empties the set with a count; everything else
//! propagates as received.
//!
//! Multi-key commands read several sets at once: their values are taken out of the keyspace
//! for the computation ([`Operands`]) and put back before anything else happens, which is
//! safe because the command holds the shards of all its keys.

use std::cell::Cell;
use std::collections::HashMap;

use resp::ReplyBuf;

use crate::cmd::args::{int, is};
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::commands::generic::{scan_cursor, scan_opts};
use crate::config::encoding::Limits;
use crate::db::view::Lookup;
use crate::db::NO_EXPIRE;
use crate::types::set::{Elem, InterBuilder};
use crate::types::{Kind, Set, StrValue, Value};

const POSITIVE: &str = "ERR value is out of range, must be positive";
const SRANDMEMBER_RANGE: &str =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
const NUMKEYS: &str = "ERR numkeys should be greater than 0";
const NUMKEYS_ARGS: &str = "ERR Number of keys can't be greater than number of args";
const LIMIT_NEGATIVE: &str = "ERR LIMIT can't be negative";
const TOO_MANY: &str = "ERR count is too large for one reply";

/// SPOP propagates its SREMs in batches of this many members (Redis's batch size).
const SREM_BATCH: usize = 1024;
/// SPOP with a count: how much larger than the count what is left must be for the "pop one
/// by one" strategy (Redis's `SPOP_MOVE_STRATEGY_MUL`).
const SPOP_MOVE_STRATEGY_MUL: u64 = 5;
/// SRANDMEMBER with a count: below this ratio of set size to count, copy then subtract
/// (Redis's `SRANDMEMBER_SUB_STRATEGY_MUL`).
const SRANDMEMBER_SUB_STRATEGY_MUL: u64 = 3;
/// SRANDMEMBER with a negative count repeats members: its reply is bounded by the count,
/// not the set, so a count past this many members is refused instead of building a reply
/// of unbounded size (Redis would try, and run out of memory).
const MAX_REPEATED_REPLY: u64 = 1 << 27;

thread_local! {
    static RNG: Cell<u64> = Cell::new({
        let t = crate::util::time::now_us() as u64;
        let local = 0u8;
        (t ^ (&local as *const u8 as u64).rotate_left(17)) | 1
    });
}

/// A fast per-thread pseudo-random number (xorshift64*).
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

/// Writes one member as a bulk string.
fn reply_elem(out: &mut ReplyBuf, e: Elem<'_>) {
    match e {
        Elem::Int(v) => out.bulk_int(v),
        Elem::Str(s) => out.bulk(s),
    }
}

/// Writes a whole set as a RESP3 set (RESP2 array), in its iteration order.
fn reply_set(out: &mut ReplyBuf, s: &Set) {
    out.set(s.len());
    for e in s.elems() {
        reply_elem(out, e);
    }
}

/// The current encoding thresholds.
fn limits(ctx: &Ctx<'_>) -> Limits {
    ctx.srv.config.enc.get()
}

/// The set at `key` for reading: `None` if absent, `WRONGTYPE` for another type.
fn read_set<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c mut Set>, CmdError> {
    Ok(ctx.db.lookup_typed(key, Lookup::Read, Kind::Set)?.and_then(|e| e.val.as_set_mut()))
}

/// The set at `key` for writing: `None` if absent, `WRONGTYPE` for another type.
fn write_set<'c>(ctx: &'c mut Ctx<'_>, key: &[u8]) -> Result<Option<&'c mut Set>, CmdError> {
    Ok(ctx.db.lookup_typed(key, Lookup::Write, Kind::Set)?.and_then(|e| e.val.as_set_mut()))
}

/// SADD key member [member ...]
fn sadd(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let lim = limits(ctx);
    let argv = ctx.argv;
    let n = argv.len() - 2;
    let mut added = 0;
    match write_set(ctx, key)? {
        Some(s) => {
            s.maybe_convert(n, &lim);
            for m in argv.iter().skip(2) {
                added += s.add(m, &lim) as u64;
            }
        }
        None => {
            let mut s = Set::create(argv.get(2), n, &lim);
            for m in argv.iter().skip(2) {
                added += s.add(m, &lim) as u64;
            }
            ctx.db.set(key, Value::Set(Box::new(s)), NO_EXPIRE, false)?;
        }
    }
    ctx.db.dirty(added);
    ctx.out.int(added as i64);
    Ok(())
}

/// SREM key member [member ...]
fn srem(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let argv = ctx.argv;
    let mut deleted = 0;
    let mut emptied = false;
    if let Some(s) = write_set(ctx, key)? {
        for m in argv.iter().skip(2) {
            if s.remove(m) {
                deleted += 1;
                if s.is_empty() {
                    emptied = true;
                    break;
                }
            }
        }
    }
    if emptied {
        ctx.db.delete(key)?;
    }
    ctx.db.dirty(deleted);
    ctx.out.int(deleted as i64);
    Ok(())
}

/// SMOVE source destination member
fn smove(ctx: &mut Ctx<'_>) -> CmdResult {
    let (src, dst, member) = (ctx.arg(1), ctx.arg(2), ctx.arg(3));
    let lim = limits(ctx);
    // Redis looks both keys up before checking either type.
    let src_kind = ctx.db.lookup(src, Lookup::Write)?.map(|e| e.val.kind());
    let dst_kind = ctx.db.lookup(dst, Lookup::Write)?.map(|e| e.val.kind());
    let Some(src_kind) = src_kind else {
        ctx.out.int(0);
        return Ok(());
    };
    if src_kind != Kind::Set || dst_kind.is_some_and(|k| k != Kind::Set) {
        return Err(CmdError::WrongType);
    }
    if src == dst {
        let hit = write_set(ctx, src)?.is_some_and(|s| s.contains(member));
        ctx.out.int(hit as i64);
        return Ok(());
    }
    let (removed, emptied) = match write_set(ctx, src)? {
        Some(s) => (s.remove(member), s.is_empty()),
        None => (false, false),
    };
    if !removed {
        ctx.out.int(0);
        return Ok(());
    }
    if emptied {
        ctx.db.delete(src)?;
    }
    ctx.db.dirty(1);
    let added = match write_set(ctx, dst)? {
        Some(s) => s.add(member, &lim),
        None => {
            let mut s = Set::create(member, 1, &lim);
            s.add(member, &lim);
            ctx.db.set(dst, Value::Set(Box::new(s)), NO_EXPIRE, false)?;
            true
        }
    };
    if added {
        ctx.db.dirty(1);
    }
    ctx.out.int(1);
    Ok(())
}

/// SISMEMBER key member
fn sismember(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, member) = (ctx.arg(1), ctx.arg(2));
    let hit = read_set(ctx, key)?.is_some_and(|s| s.contains(member));
    ctx.out.int(hit as i64);
    Ok(())
}

/// SMISMEMBER key member [member ...]
fn smismember(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let argv = ctx.argv;
    let hits: Vec<bool> = match read_set(ctx, key)? {
        Some(s) => argv.iter().skip(2).map(|m| s.contains(m)).collect(),
        None => vec![false; argv.len() - 2],
    };
    ctx.out.array(hits.len());
    for h in hits {
        ctx.out.int(h as i64);
    }
    Ok(())
}

/// SCARD key
fn scard(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let n = read_set(ctx, key)?.map_or(0, |s| s.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// Records `SREM key m1 m2 ...` for propagation, in batches of [`SREM_BATCH`] members.
fn propagate_srem(ctx: &mut Ctx<'_>, key: &[u8], members: &[Vec<u8>]) {
    let db = ctx.db.index;
    for chunk in members.chunks(SREM_BATCH) {
        let argv = [&b"SREM"[..], key].into_iter().chain(chunk.iter().map(|m| m.as_slice()));
        ctx.db.fx.propagate_as(db, argv);
    }
}

/// SPOP key [count]
fn spop(ctx: &mut Ctx<'_>) -> CmdResult {
    match ctx.argc() {
        3 => return spop_count(ctx),
        n if n > 3 => return Err(CmdError::Syntax),
        _ => {}
    }
    let key = ctx.arg(1);
    let mut rng = rand64;
    let (popped, emptied) = match write_set(ctx, key)? {
        Some(s) => (s.pop_random(&mut rng), s.is_empty()),
        None => (None, false),
    };
    let Some(m) = popped else {
        ctx.out.null();
        return Ok(());
    };
    if emptied {
        ctx.db.delete(key)?;
    }
    let db = ctx.db.index;
    ctx.db.fx.propagate_as(db, [&b"SREM"[..], key, &m]);
    ctx.db.dirty(1);
    ctx.out.bulk(&m);
    Ok(())
}

/// Writes the members of `set` at `picks` (ascending positions in iteration order), and
/// returns them.
fn reply_picks(out: &mut ReplyBuf, set: &Set, picks: &[usize]) -> Vec<Vec<u8>> {
    let mut it = picks.iter().peekable();
    let mut got = Vec::with_capacity(picks.len());
    for (i, e) in set.elems().enumerate() {
        if it.peek().is_none() {
            break;
        }
        if it.peek() == Some(&&i) {
            it.next();
            reply_elem(out, e);
            got.push(e.to_vec());
        }
    }
    got
}

/// SPOP key count: Redis's three cases (whole set; a few members popped one by one or, for
/// a listpack, sampled in one pass; most of the set, by building the remainder anew).
fn spop_count(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let count = match int(ctx.arg(2)) {
        Ok(n) if n >= 0 => n as u64,
        _ => return Err(CmdError::msg(POSITIVE)),
    };
    let lim = limits(ctx);
    let lazy = ctx.srv.config.settings().lazyfree_lazy_server_del;
    let mut rng = rand64;
    let out = &mut *ctx.out;
    let Some(set) =
        ctx.db.lookup_typed(key, Lookup::Write, Kind::Set)?.and_then(|e| e.val.as_set_mut())
    else {
        out.set(0);
        return Ok(());
    };
    if count == 0 {
        out.set(0);
        return Ok(());
    }
    let size = set.len() as u64;
    if count >= size {
        // The reply is the set as SUNION would build it from this one key.
        let mut all = Set::new_intset();
        for e in set.elems() {
            all.add_elem(e, &lim);
        }
        reply_set(out, &all);
        ctx.db.delete(key)?;
        let db = ctx.db.index;
        let verb: &[u8] = if lazy { b"UNLINK" } else { b"DEL" };
        ctx.db.fx.propagate_as(db, [verb, key]);
        ctx.db.dirty(size);
        return Ok(());
    }
    let count_us = count as usize;
    let remaining = size - count;
    out.set(count_us);
    let mut popped: Vec<Vec<u8>> = Vec::with_capacity(count_us);
    if remaining * SPOP_MOVE_STRATEGY_MUL > count {
        if matches!(set, Set::Listpack(_)) {
            let picks = set.sample_positions(count_us, &mut rng);
            popped = reply_picks(out, set, &picks);
            set.remove_positions(&picks);
        } else {
            for _ in 0..count {
                if let Some(m) = set.pop_random(&mut rng) {
                    out.bulk(&m);
                    popped.push(m);
                }
            }
        }
    } else {
        // Most of the set goes: draw the members that stay into a new set, return the rest.
        let mut kept: Option<Set> = None;
        if matches!(set, Set::Listpack(_)) {
            let mut ns = Set::new_listpack();
            let picks = set.sample_positions(remaining as usize, &mut rng);
            let mut it = picks.iter().peekable();
            for (i, e) in set.elems().enumerate() {
                if it.peek() == Some(&&i) {
                    it.next();
                    ns.add_elem(e, &lim);
                }
            }
            set.remove_positions(&picks);
            kept = Some(ns);
        } else {
            for _ in 0..remaining {
                let Some(e) = set.random(&mut rng) else { break };
                let ns = kept.get_or_insert_with(|| match e {
                    Elem::Int(_) => Set::new_intset(),
                    Elem::Str(_) => Set::new_listpack(),
                });
                ns.add_elem(e, &lim);
                let m = e.to_vec();
                set.remove(&m);
            }
        }
        for e in set.elems() {
            reply_elem(out, e);
            popped.push(e.to_vec());
        }
        if let Some(ns) = kept {
            *set = ns;
        }
    }
    propagate_srem(ctx, key, &popped);
    ctx.db.dirty(count);
    Ok(())
}

/// SRANDMEMBER key [count]
fn srandmember(ctx: &mut Ctx<'_>) -> CmdResult {
    match ctx.argc() {
        3 => return srandmember_count(ctx),
        n if n > 3 => return Err(CmdError::Syntax),
        _ => {}
    }
    let key = ctx.arg(1);
    let mut rng = rand64;
    let out = &mut *ctx.out;
    match ctx.db.lookup_typed(key, Lookup::Read, Kind::Set)?.and_then(|e| e.val.as_set_mut()) {
        Some(s) => match s.random(&mut rng) {
            Some(e) => reply_elem(out, e),
            None => out.null(),
        },
        None => out.null(),
    }
    Ok(())
}

/// SRANDMEMBER key count: Redis's cases (negative count: with repetitions; count covering
/// the set: all of it; a listpack: one sampling pass; a count near the size: copy and
/// subtract; otherwise draw until enough distinct members).
fn srandmember_count(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let l = int(ctx.arg(2))?;
    if l == i64::MIN {
        return Err(CmdError::msg(SRANDMEMBER_RANGE));
    }
    let (count, uniq) = (l.unsigned_abs(), l >= 0);
    let mut rng = rand64;
    let out = &mut *ctx.out;
    let Some(set) =
        ctx.db.lookup_typed(key, Lookup::Read, Kind::Set)?.and_then(|e| e.val.as_set_mut())
    else {
        out.array(0);
        return Ok(());
    };
    let size = set.len() as u64;
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    if !uniq || count == 1 {
        if count > MAX_REPEATED_REPLY {
            return Err(CmdError::msg(TOO_MANY));
        }
        out.array(count as usize);
        for _ in 0..count {
            match set.random(&mut rng) {
                Some(e) => reply_elem(out, e),
                None => out.null(),
            }
        }
        return Ok(());
    }
    if count >= size {
        out.array(size as usize);
        for e in set.elems() {
            reply_elem(out, e);
        }
        return Ok(());
    }
    let count_us = count as usize;
    if matches!(set, Set::Listpack(_)) {
        let picks = set.sample_positions(count_us, &mut rng);
        out.array(picks.len());
        reply_picks(out, set, &picks);
        return Ok(());
    }
    let picked: Vec<Vec<u8>> = if count * SRANDMEMBER_SUB_STRATEGY_MUL > size {
        let mut all: Vec<Vec<u8>> = set.elems().map(|e| e.to_vec()).collect();
        while all.len() > count_us {
            let i = (rng() % all.len() as u64) as usize;
            all.swap_remove(i);
        }
        all
    } else {
        let mut seen: std::collections::HashSet<Vec<u8>> =
            std::collections::HashSet::with_capacity(count_us);
        let mut order = Vec::with_capacity(count_us);
        while order.len() < count_us {
            let Some(e) = set.random(&mut rng) else { break };
            let m = e.to_vec();
            if seen.insert(m.clone()) {
                order.push(m);
            }
        }
        order
    };
    out.array(picked.len());
    for m in &picked {
        out.bulk(m);
    }
    Ok(())
}

/// The sets named by some keys, taken out of the keyspace so that several can be read at
/// once; [`Operands::restore`] puts them back.
struct Operands<'k> {
    /// Per key argument: the index of its set in `taken`, `None` if the key is absent.
    slots: Vec<Option<usize>>,
    /// The distinct keys taken, with their sets.
    taken: Vec<(&'k [u8], Box<Set>)>,
}

impl<'k> Operands<'k> {
    /// Looks every key up in argument order (Redis's reads: hits, misses, `WRONGTYPE` for
    /// the first key of another type), then takes the sets out.
    fn take(ctx: &mut Ctx<'_>, keys: &[&'k [u8]]) -> Result<Operands<'k>, CmdError> {
        let mut present = Vec::with_capacity(keys.len());
        for key in keys {
            present.push(ctx.db.lookup_typed(key, Lookup::Read, Kind::Set)?.is_some());
        }
        let mut ops = Operands { slots: Vec::with_capacity(keys.len()), taken: Vec::new() };
        let mut index: HashMap<&'k [u8], usize> = HashMap::new();
        for (&key, here) in keys.iter().zip(present) {
            if !here {
                ops.slots.push(None);
                continue;
            }
            if let Some(&i) = index.get(key) {
                ops.slots.push(Some(i));
                continue;
            }
            let taken = match ctx.db.lookup(key, Lookup::Peek) {
                Ok(Some(e)) => match std::mem::replace(&mut e.val, Value::Str(StrValue::Int(0))) {
                    Value::Set(s) => Some(s),
                    other => {
                        e.val = other;
                        None
                    }
                },
                Ok(None) => None,
                Err(err) => {
                    ops.restore(ctx);
                    return Err(err);
                }
            };
            match taken {
                Some(s) => {
                    index.insert(key, ops.taken.len());
                    ops.slots.push(Some(ops.taken.len()));
                    ops.taken.push((key, s));
                }
                None => ops.slots.push(None),
            }
        }
        Ok(ops)
    }

    /// The set of argument `i`.
    fn get(&self, i: usize) -> Option<&Set> {
        self.slots[i].map(|j| &*self.taken[j].1)
    }

    /// Puts every taken set back under its key.
    fn restore(self, ctx: &mut Ctx<'_>) {
        for (key, s) in self.taken {
            if let Ok(Some(e)) = ctx.db.lookup(key, Lookup::Peek) {
                e.val = Value::Set(s);
            }
        }
    }
}

/// Where an intersection goes.
enum InterTo<'a> {
    Reply,
    /// SINTERCARD, with its LIMIT (0: none).
    Card(u64),
    Store(&'a [u8]),
}

/// Redis's `sinterGenericCommand`: walks the smallest set, keeps what every other holds.
fn sinter_generic(ctx: &mut Ctx<'_>, keys: &[&[u8]], to: InterTo<'_>) -> CmdResult {
    let lim = limits(ctx);
    let ops = Operands::take(ctx, keys)?;
    let mut result: Option<Set> = None;
    let mut card = 0u64;
    if ops.slots.iter().any(|s| s.is_none()) {
        // An absent key is an empty set: so is the intersection.
        if let InterTo::Reply = to {
            ctx.out.set(0);
        }
    } else {
        // Smallest first (a stable sort, as glibc's qsort is in practice).
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by_key(|&i| ops.get(i).map_or(0, |s| s.len()));
        let first_slot = ops.slots[order[0]];
        let others: Vec<&Set> = order[1..]
            .iter()
            .filter(|&&i| ops.slots[i] != first_slot)
            .filter_map(|&i| ops.get(i))
            .collect();
        if let Some(first) = ops.get(order[0]) {
            let mut builder = match to {
                InterTo::Store(_) => Some(InterBuilder::new(first)),
                _ => None,
            };
            let mut reply: Vec<Elem<'_>> = Vec::new();
            for e in first.elems() {
                if !others.iter().all(|s| s.contains_elem(e)) {
                    continue;
                }
                card += 1;
                match (&to, &mut builder) {
                    (InterTo::Card(limit), _) => {
                        if *limit > 0 && card >= *limit {
                            break;
                        }
                    }
                    (InterTo::Store(_), Some(b)) => b.add(e, &lim),
                    _ => reply.push(e),
                }
            }
            if let InterTo::Reply = to {
                ctx.out.set(reply.len());
                for e in reply {
                    reply_elem(ctx.out, e);
                }
            }
            result = builder.map(|b| b.finish(&lim));
        }
    }
    ops.restore(ctx);
    match to {
        InterTo::Reply => {}
        InterTo::Card(_) => ctx.out.int(card as i64),
        InterTo::Store(dst) => store_result(ctx, dst, result)?,
    }
    Ok(())
}

/// Stores a STORE command's result: a non-empty set replaces `dst` (any type, TTL
/// dropped); an empty one deletes it. Replies with the result's size.
fn store_result(ctx: &mut Ctx<'_>, dst: &[u8], result: Option<Set>) -> CmdResult {
    match result.filter(|s| !s.is_empty()) {
        Some(s) => {
            let n = s.len();
            ctx.db.set(dst, Value::Set(Box::new(s)), NO_EXPIRE, false)?;
            ctx.db.dirty(1);
            ctx.out.int(n as i64);
        }
        None => {
            if ctx.db.delete(dst)?.is_some() {
                ctx.db.dirty(1);
            }
            ctx.out.int(0);
        }
    }
    Ok(())
}

/// SMEMBERS key (SINTER of one key, as in Redis)
fn smembers(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    sinter_generic(ctx, &[key], InterTo::Reply)
}

/// SINTER key [key ...]
fn sinter(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = ctx.argv.iter().skip(1).collect();
    sinter_generic(ctx, &keys, InterTo::Reply)
}

/// SINTERSTORE destination key [key ...]
fn sinterstore(ctx: &mut Ctx<'_>) -> CmdResult {
    let dst = ctx.arg(1);
    let keys: Vec<&[u8]> = ctx.argv.iter().skip(2).collect();
    sinter_generic(ctx, &keys, InterTo::Store(dst))
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
fn sintercard(ctx: &mut Ctx<'_>) -> CmdResult {
    let numkeys = match int(ctx.arg(1)) {
        Ok(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::msg(NUMKEYS)),
    };
    let argc = ctx.argc();
    if numkeys > (argc - 2) as u64 {
        return Err(CmdError::msg(NUMKEYS_ARGS));
    }
    let numkeys = numkeys as usize;
    let mut limit = 0u64;
    let mut j = 2 + numkeys;
    while j < argc {
        let more = argc - 1 - j;
        if is(ctx.arg(j), "limit") && more > 0 {
            j += 1;
            limit = match int(ctx.arg(j)) {
                Ok(n) if n >= 0 => n as u64,
                _ => return Err(CmdError::msg(LIMIT_NEGATIVE)),
            };
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let keys: Vec<&[u8]> = ctx.argv.iter().skip(2).take(numkeys).collect();
    sinter_generic(ctx, &keys, InterTo::Card(limit))
}

/// Redis's `sunionDiffGenericCommand`: the result is built in a set that starts as an
/// intset and converts as members arrive, so its encoding and order are Redis's.
fn sunion_diff(ctx: &mut Ctx<'_>, keys: &[&[u8]], dst: Option<&[u8]>, diff: bool) -> CmdResult {
    let lim = limits(ctx);
    let ops = Operands::take(ctx, keys)?;
    let n = keys.len();
    let same_as_first = ops.slots[0].is_some()
        && (1..n).any(|j| ops.slots[j].is_some() && ops.slots[j] == ops.slots[0]);
    let mut res = Set::new_intset();
    if !diff {
        for j in 0..n {
            if let Some(s) = ops.get(j) {
                for e in s.elems() {
                    res.add_elem(e, &lim);
                }
            }
        }
    } else if let (Some(first), false) = (ops.get(0), same_as_first) {
        // Algorithm 1 (walk the first set, probe the others) or 2 (add the first, remove
        // the others), whichever Redis's estimate picks: the result's encoding can differ.
        let (mut one, mut two) = (0u64, 0u64);
        for j in 0..n {
            if let Some(s) = ops.get(j) {
                one += first.len() as u64;
                two += s.len() as u64;
            }
        }
        let others: Vec<&Set> = (1..n).filter_map(|j| ops.get(j)).collect();
        if one / 2 <= two {
            for e in first.elems() {
                if !others.iter().any(|s| s.contains_elem(e)) {
                    res.add_elem(e, &lim);
                }
            }
        } else {
            for e in first.elems() {
                res.add_elem(e, &lim);
            }
            for s in &others {
                if res.is_empty() {
                    break;
                }
                for e in s.elems() {
                    res.remove_elem(e);
                }
            }
        }
    }
    ops.restore(ctx);
    match dst {
        None => reply_set(ctx.out, &res),
        Some(d) => store_result(ctx, d, Some(res))?,
    }
    Ok(())
}

/// SUNION key [key ...]
fn sunion(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = ctx.argv.iter().skip(1).collect();
    sunion_diff(ctx, &keys, None, false)
}

/// SUNIONSTORE destination key [key ...]
fn sunionstore(ctx: &mut Ctx<'_>) -> CmdResult {
    let dst = ctx.arg(1);
    let keys: Vec<&[u8]> = ctx.argv.iter().skip(2).collect();
    sunion_diff(ctx, &keys, Some(dst), false)
}

/// SDIFF key [key ...]
fn sdiff(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys: Vec<&[u8]> = ctx.argv.iter().skip(1).collect();
    sunion_diff(ctx, &keys, None, true)
}

/// SDIFFSTORE destination key [key ...]
fn sdiffstore(ctx: &mut Ctx<'_>) -> CmdResult {
    let dst = ctx.arg(1);
    let keys: Vec<&[u8]> = ctx.argv.iter().skip(2).collect();
    sunion_diff(ctx, &keys, Some(dst), true)
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked first, then the
/// key (an absent key replies an empty scan whatever the options), then the options. Intset
/// and listpack sets come back whole with cursor 0, as in Redis.
fn sscan(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let cursor = scan_cursor(ctx.arg(2))?;
    let argv = ctx.argv;
    let out = &mut *ctx.out;
    let Some(set) =
        ctx.db.lookup_typed(key, Lookup::Read, Kind::Set)?.and_then(|e| e.val.as_set_mut())
    else {
        out.raw(b"*2\r\n$1\r\n0\r\n*0\r\n");
        return Ok(());
    };
    let o = scan_opts(&argv, 3, false)?;
    let mut found: Vec<Vec<u8>> = Vec::new();
    let next = set.scan(cursor, o.count, |m| {
        if o.matches(m) {
            found.push(m.to_vec());
        }
    });
    out.array(2);
    out.bulk(itoa::Buffer::new().format(next).as_bytes());
    out.array(found.len());
    for m in &found {
        out.bulk(m);
    }
    Ok(())
}

const KEY_ARG: &[Arg] = &[Arg::key("key", 0)];
const KEYS_ARG: &[Arg] = &[Arg::key("key", 0).multiple()];
const KEY_MEMBERS: &[Arg] = &[Arg::key("key", 0), Arg::string("member").multiple()];
const STORE_ARGS: &[Arg] = &[Arg::key("destination", 0), Arg::key("key", 1).multiple()];
const ONE_RO: &[KeySpec] = &[KeySpec::single(k::RO, 1)];
const ONE_RO_ACCESS: &[KeySpec] = &[KeySpec::single(k::RO | k::ACCESS, 1)];
const ALL_RO_ACCESS: &[KeySpec] = &[KeySpec::range(k::RO | k::ACCESS, 1, -1, 1)];
const MEMBERS_HISTORY: &[(&str, &str)] = &[("2.4.0", "Accepts multiple `member` arguments.")];
const ORDER_TIP: &[&str] = &["nondeterministic_output_order"];
const INTER_COMPLEXITY: &str =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
const UNION_COMPLEXITY: &str = "O(N) where N is the total number of elements in all given sets.";

/// The set commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("sadd", -3, Group::Set, sadd)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::SET)
        .keys(&[KeySpec::single(k::RW | k::INSERT, 1)])
        .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
        .history(MEMBERS_HISTORY)
        .summary("Adds one or more members to a set. Creates the key if it doesn't exist.")
        .args(KEY_MEMBERS),
    CommandSpec::new("scard", 2, Group::Set, scard)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SET)
        .keys(ONE_RO)
        .summary("Returns the number of members in a set.")
        .args(KEY_ARG),
    CommandSpec::new("sdiff", -2, Group::Set, sdiff)
        .flags(f::READONLY)
        .acl(acl::SET)
        .keys(ALL_RO_ACCESS)
        .complexity(UNION_COMPLEXITY)
        .tips(ORDER_TIP)
        .summary("Returns the difference of multiple sets.")
        .args(KEYS_ARG),
    CommandSpec::new("sdiffstore", -3, Group::Set, sdiffstore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SET)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1), KeySpec::range(k::RO | k::ACCESS, 2, -1, 1)])
        .complexity(UNION_COMPLEXITY)
        .summary("Stores the difference of multiple sets in a key.")
        .args(STORE_ARGS),
    CommandSpec::new("sinter", -2, Group::Set, sinter)
        .flags(f::READONLY)
        .acl(acl::SET)
        .keys(ALL_RO_ACCESS)
        .complexity(INTER_COMPLEXITY)
        .tips(ORDER_TIP)
        .summary("Returns the intersect of multiple sets.")
        .args(KEYS_ARG),
    CommandSpec::new("sintercard", -3, Group::Set, sintercard)
        .flags(f::READONLY | f::MOVABLE_KEYS)
        .acl(acl::SET)
        .keys(&[KeySpec::keynum(k::RO | k::ACCESS, 1, 0, 1, 1)])
        .since("7.0.0")
        .complexity(INTER_COMPLEXITY)
        .summary("Returns the number of members of the intersect of multiple sets.")
        .args(&[
            Arg::integer("numkeys"),
            Arg::key("key", 0).multiple(),
            Arg::integer("limit").token("LIMIT").optional(),
        ]),
    CommandSpec::new("sinterstore", -3, Group::Set, sinterstore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SET)
        .keys(&[KeySpec::single(k::RW | k::UPDATE, 1), KeySpec::range(k::RO | k::ACCESS, 2, -1, 1)])
        .complexity(INTER_COMPLEXITY)
        .summary("Stores the intersect of multiple sets in a key.")
        .args(STORE_ARGS),
    CommandSpec::new("sismember", 3, Group::Set, sismember)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SET)
        .keys(ONE_RO)
        .summary("Determines whether a member belongs to a set.")
        .args(&[Arg::key("key", 0), Arg::string("member")]),
    CommandSpec::new("smembers", 2, Group::Set, smembers)
        .flags(f::READONLY)
        .acl(acl::SET)
        .keys(ONE_RO_ACCESS)
        .complexity("O(N) where N is the set cardinality.")
        .tips(ORDER_TIP)
        .summary("Returns all members of a set.")
        .args(KEY_ARG),
    CommandSpec::new("smismember", -3, Group::Set, smismember)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SET)
        .keys(ONE_RO_ACCESS)
        .since("6.2.0")
        .complexity("O(N) where N is the number of elements being checked for membership")
        .summary("Determines whether multiple members belong to a set.")
        .args(KEY_MEMBERS),
    CommandSpec::new("smove", 4, Group::Set, smove)
        .flags(f::WRITE | f::FAST)
        .acl(acl::SET)
        .keys(&[
            KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1),
            KeySpec::single(k::RW | k::INSERT, 2),
        ])
        .summary("Moves a member from one set to another.")
        .args(&[Arg::key("source", 0), Arg::key("destination", 1), Arg::string("member")]),
    CommandSpec::new("spop", -2, Group::Set, spop)
        .flags(f::WRITE | f::FAST)
        .acl(acl::SET)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1)])
        .complexity("Without the count argument O(1), otherwise O(N) where N is the value of the passed count.")
        .tips(&["nondeterministic_output"])
        .history(&[("3.2.0", "Added the `count` argument.")])
        .summary("Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.")
        .args(&[Arg::key("key", 0), Arg::integer("count").since("3.2.0").optional()]),
    CommandSpec::new("srandmember", -2, Group::Set, srandmember)
        .flags(f::READONLY)
        .acl(acl::SET)
        .keys(ONE_RO_ACCESS)
        .complexity("Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.")
        .tips(&["nondeterministic_output"])
        .history(&[("2.6.0", "Added the optional `count` argument.")])
        .summary("Get one or multiple random members from a set")
        .args(&[Arg::key("key", 0), Arg::integer("count").since("2.6.0").optional()]),
    CommandSpec::new("srem", -3, Group::Set, srem)
        .flags(f::WRITE | f::FAST)
        .acl(acl::SET)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .complexity("O(N) where N is the number of members to be removed.")
        .history(MEMBERS_HISTORY)
        .summary("Removes one or more members from a set. Deletes the set if the last member was removed.")
        .args(KEY_MEMBERS),
    CommandSpec::new("sscan", -3, Group::Set, sscan)
        .flags(f::READONLY)
        .acl(acl::SET)
        .keys(ONE_RO_ACCESS)
        .since("2.8.0")
        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.")
        .tips(&["nondeterministic_output"])
        .summary("Iterates over members of a set.")
        .args(&[
            Arg::key("key", 0),
            Arg::integer("cursor"),
            Arg::pattern("pattern").token("MATCH").optional(),
            Arg::integer("count").token("COUNT").optional(),
        ]),
    CommandSpec::new("sunion", -2, Group::Set, sunion)
        .flags(f::READONLY)
        .acl(acl::SET)
        .keys(ALL_RO_ACCESS)
        .complexity(UNION_COMPLEXITY)
        .tips(ORDER_TIP)
        .summary("Returns the union of multiple sets.")
        .args(KEYS_ARG),
    CommandSpec::new("sunionstore", -3, Group::Set, sunionstore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SET)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1), KeySpec::range(k::RO | k::ACCESS, 2, -1, 1)])
        .complexity(UNION_COMPLEXITY)
        .summary("Stores the union of multiple sets in a key.")
        .args(STORE_ARGS),
];

#[cfg(test)]
mod tests {
    use crate::testkit::{words, Harness};

    /// The members of a flat reply of bulk strings.
    fn bulks(r: &str) -> Vec<String> {
        r.split("\r\n")
            .skip(1)
            .filter(|l| !l.starts_with('$') && !l.is_empty())
            .map(String::from)
            .collect()
    }

    #[test]
    fn spop_propagates_as_srem_or_del() {
        let mut h = Harness::new();
        let rx = h.srv.prop.subscribe();
        let members: Vec<String> = (0..3000).map(|i| format!("m{i}")).collect();
        let mut add = vec!["SADD", "s"];
        add.extend(members.iter().map(|m| m.as_str()));
        h.reply(&add);
        // One member: SREM key member.
        let one = h.reply(&["SPOP", "s"]);
        // A count, popped one by one (the set is large): SREMs of up to 1024 members.
        let many = bulks(&h.reply(&["SPOP", "s", "1500"]));
        assert_eq!(many.len(), 1500);
        // Most of what is left (case 3: the remainder is rebuilt).
        let most = bulks(&h.reply(&["SPOP", "s", "1400"]));
        assert_eq!(most.len(), 1400);
        // Nothing, then everything: a DEL.
        assert_eq!(h.reply(&["SPOP", "s", "0"]), "*0\r\n");
        assert_eq!(h.reply(&["SPOP", "nokey", "5"]), "*0\r\n");
        let rest = bulks(&h.reply(&["SPOP", "s", "1000"]));
        assert_eq!(rest.len(), 99);
        assert_eq!(h.reply(&["EXISTS", "s"]), ":0\r\n");

        let got: Vec<Vec<String>> = rx.try_iter().map(|r| words(&r)).collect();
        assert_eq!(got[0][0], "SADD");
        assert_eq!(got[1], ["SREM", "s", bulks(&one)[0].as_str()]);
        let mut i = 2;
        for expected in [&many, &most] {
            let mut streamed = Vec::new();
            while streamed.len() < expected.len() {
                assert_eq!(got[i][..2], ["SREM", "s"]);
                assert!(got[i].len() - 2 <= 1024);
                streamed.extend(got[i][2..].iter().cloned());
                i += 1;
            }
            // In reply order.
            assert_eq!(&streamed, expected);
        }
        assert_eq!(got[i], ["DEL", "s"]);
        assert_eq!(got.len(), i + 1, "{:?}", &got[i..]);
    }

    #[test]
    fn spop_emptying_the_set_propagates_unlink_under_lazyfree() {
        let mut h = Harness::with(&[("lazyfree-lazy-server-del", "yes")]);
        let rx = h.srv.prop.subscribe();
        h.reply(&["SADD", "s", "a", "b"]);
        assert_eq!(bulks(&h.reply(&["SPOP", "s", "2"])).len(), 2);
        let got: Vec<Vec<String>> = rx.try_iter().map(|r| words(&r)).collect();
        assert_eq!(got, [vec!["SADD", "s", "a", "b"], vec!["UNLINK", "s"]]);
    }

    #[test]
    fn a_listpack_spop_deletes_exactly_what_it_returns() {
        let mut h = Harness::new();
        for count in ["1", "3", "8", "9"] {
            h.reply(&["DEL", "s"]);
            h.reply(&["SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
            assert_eq!(h.reply(&["OBJECT", "ENCODING", "s"]), "$8\r\nlistpack\r\n");
            let popped = bulks(&h.reply(&["SPOP", "s", count]));
            let left = bulks(&h.reply(&["SMEMBERS", "s"]));
            assert_eq!(popped.len() + left.len(), 10);
            assert!(popped.iter().all(|m| !left.contains(m)));
        }
    }
}
