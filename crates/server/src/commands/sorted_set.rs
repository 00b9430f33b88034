//! The sorted sets family: ZADD, the range queries in all their forms, the removals, the pops,
//! ZRANDMEMBER, the set operations (ZUNION/ZINTER/ZDIFF and their STORE forms, ZINTERCARD)
//! and ZSCAN, with Redis's replies (RESP3 doubles and [member, score] pairs where Redis sends
//! them) and Redis's argument checks in Redis's order.
//!
//! The type and its encodings live in `types/zset.rs`; this file parses arguments, looks keys
//! up, and writes replies. BZPOPMIN/BZPOPMAX/BZMPOP are in the blocking family and use
//! [`ZSet::pop`].

use std::collections::HashMap;

use crate::cmd::args::{float, int, is};
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::commands::generic::{rand64, scan_cursor, scan_opts};
use crate::db::view::{DbCtx, Lookup};
use crate::db::NO_EXPIRE;
use crate::types::{Kind, Value, ZSet};
use resp::reply::format_double;
use resp::ReplyBuf;

const MINMAX_NOT_FLOAT: &str = "ERR min or max is not a float";
const MINMAX_NOT_LEX: &str = "ERR min or max not valid string range item";
const NAN_SCORE: &str = "ERR resulting score is not a number (NaN)";
const NOT_POSITIVE: &str = "ERR value is out of range, must be positive";

// ---------------------------------------------------------------------------------------------
// Lookups

/// The sorted set at `key` for reading (`None` if absent, WRONGTYPE for another type).
fn zread<'a>(db: &'a mut DbCtx<'_>, key: &[u8]) -> Result<Option<&'a mut ZSet>, CmdError> {
    Ok(db.lookup_typed(key, Lookup::Read, Kind::ZSet)?.and_then(|e| e.val.as_zset_mut()))
}

/// The sorted set at `key` for writing.
fn zwrite<'a>(db: &'a mut DbCtx<'_>, key: &[u8]) -> Result<Option<&'a mut ZSet>, CmdError> {
    Ok(db.lookup_typed(key, Lookup::Write, Kind::ZSet)?.and_then(|e| e.val.as_zset_mut()))
}

/// Deletes `key` if its sorted set became empty (an empty collection never stays).
fn drop_if_empty(db: &mut DbCtx<'_>, key: &[u8]) -> CmdResult {
    if zread_peek_empty(db, key)? {
        db.delete(key)?;
    }
    Ok(())
}

fn zread_peek_empty(db: &mut DbCtx<'_>, key: &[u8]) -> Result<bool, CmdError> {
    Ok(
        matches!(db.lookup(key, Lookup::Peek)?, Some(e) if matches!(&e.val, Value::ZSet(z) if z.is_empty())),
    )
}

// ---------------------------------------------------------------------------------------------
// Ranges

/// Parses a number as `strtod` does for range bounds: leading white space allowed, the whole
/// rest consumed, NaN refused; the empty string is 0 (strtod consumes nothing and stops at
/// the terminator, which Redis accepts).
fn strtod_all(s: &[u8]) -> Option<f64> {
    if s.is_empty() {
        return Some(0.0);
    }
    let t = std::str::from_utf8(s).ok()?;
    let body = t.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    if body.is_empty() || body.starts_with(['+', '-']) && body[1..].starts_with(['+', '-']) {
        return None;
    }
    let v: f64 = body.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// A score range (`zrangespec`).
#[derive(Clone, Copy)]
struct ScoreRange {
    min: f64,
    max: f64,
    minex: bool,
    maxex: bool,
}

fn score_bound(s: &[u8]) -> Option<(f64, bool)> {
    match s.first() {
        Some(b'(') => strtod_all(&s[1..]).map(|v| (v, true)),
        _ => strtod_all(s).map(|v| (v, false)),
    }
}

impl ScoreRange {
    fn parse(min: &[u8], max: &[u8]) -> Result<Self, CmdError> {
        let (Some((min, minex)), Some((max, maxex))) = (score_bound(min), score_bound(max)) else {
            return Err(CmdError::msg(MINMAX_NOT_FLOAT));
        };
        Ok(ScoreRange { min, max, minex, maxex })
    }

    fn empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }

    fn below(&self, s: f64) -> bool {
        if self.minex {
            s <= self.min
        } else {
            s < self.min
        }
    }

    fn above(&self, s: f64) -> bool {
        if self.maxex {
            s >= self.max
        } else {
            s > self.max
        }
    }
}

/// One end of a lex range.
#[derive(Clone, Copy)]
enum LexBound<'a> {
    NegInf,
    PosInf,
    Incl(&'a [u8]),
    Excl(&'a [u8]),
}

fn lex_bound(s: &[u8]) -> Option<LexBound<'_>> {
    match s {
        b"+" => Some(LexBound::PosInf),
        b"-" => Some(LexBound::NegInf),
        [b'(', rest @ ..] => Some(LexBound::Excl(rest)),
        [b'[', rest @ ..] => Some(LexBound::Incl(rest)),
        _ => None,
    }
}

/// A lex range (`zlexrangespec`).
#[derive(Clone, Copy)]
struct LexRange<'a> {
    min: LexBound<'a>,
    max: LexBound<'a>,
}

impl<'a> LexRange<'a> {
    fn parse(min: &'a [u8], max: &'a [u8]) -> Result<Self, CmdError> {
        match (lex_bound(min), lex_bound(max)) {
            (Some(min), Some(max)) => Ok(LexRange { min, max }),
            _ => Err(CmdError::msg(MINMAX_NOT_LEX)),
        }
    }

    /// Redis's `zslIsInLexRange` emptiness test.
    fn empty(&self) -> bool {
        use LexBound::*;
        match (self.min, self.max) {
            (PosInf, _) | (_, NegInf) => true,
            (NegInf, _) | (_, PosInf) => false,
            (Incl(a) | Excl(a), Incl(b) | Excl(b)) => {
                a > b || (a == b && (matches!(self.min, Excl(_)) || matches!(self.max, Excl(_))))
            }
        }
    }

    fn below(&self, m: &[u8]) -> bool {
        match self.min {
            LexBound::NegInf => false,
            LexBound::PosInf => true,
            LexBound::Incl(b) => m < b,
            LexBound::Excl(b) => m <= b,
        }
    }

    fn above(&self, m: &[u8]) -> bool {
        match self.max {
            LexBound::NegInf => true,
            LexBound::PosInf => false,
            LexBound::Incl(b) => m > b,
            LexBound::Excl(b) => m >= b,
        }
    }
}

/// A range over a sorted set by score or by member.
#[derive(Clone, Copy)]
enum Bounds<'a> {
    Score(ScoreRange),
    Lex(LexRange<'a>),
}

impl Bounds<'_> {
    fn empty(&self) -> bool {
        match self {
            Bounds::Score(r) => r.empty(),
            Bounds::Lex(r) => r.empty(),
        }
    }
    fn below(&self, s: f64, m: &[u8]) -> bool {
        match self {
            Bounds::Score(r) => r.below(s),
            Bounds::Lex(r) => r.below(m),
        }
    }
    fn above(&self, s: f64, m: &[u8]) -> bool {
        match self {
            Bounds::Score(r) => r.above(s),
            Bounds::Lex(r) => r.above(m),
        }
    }

    /// Ascending ranks `lo..hi` of the elements inside the range.
    fn ranks(&self, z: &ZSet) -> (usize, usize) {
        if self.empty() {
            return (0, 0);
        }
        let lo = z.count_before(|s, m| self.below(s, m));
        (lo, lo + z.count_from(lo, |s, m| self.above(s, m)))
    }

    /// The elements in range, ascending or descending, after skipping `offset` and taking at
    /// most `limit` (negative: all), as Redis's `genericZrangebyscoreCommand` walks them.
    fn collect<'z>(
        &self,
        z: &'z ZSet,
        rev: bool,
        offset: i64,
        limit: i64,
    ) -> Vec<(crate::types::zset::Member<'z>, f64)> {
        if self.empty() || offset < 0 || limit == 0 {
            return Vec::new();
        }
        let limit = if limit < 0 { usize::MAX } else { limit as usize };
        let offset = offset as usize;
        if rev {
            let hi = z.len() - z.count_after(|s, m| self.above(s, m));
            if hi == 0 {
                return Vec::new();
            }
            z.iter_rev_from(hi - 1)
                .take_while(|(m, s)| !self.below(*s, m))
                .skip(offset)
                .take(limit)
                .collect()
        } else {
            let lo = z.count_before(|s, m| self.below(s, m));
            z.iter_from(lo)
                .take_while(|(m, s)| !self.above(*s, m))
                .skip(offset)
                .take(limit)
                .collect()
        }
    }
}

/// Resolves an inclusive rank range (negative: from the end) against `len`, as ZRANGE and
/// ZREMRANGEBYRANK do; `None` when empty.
fn rank_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len as i64;
    let mut start = if start < 0 { llen.saturating_add(start) } else { start };
    let mut end = if end < 0 { llen.saturating_add(end) } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((start as usize, end as usize))
}

// ---------------------------------------------------------------------------------------------
// Replies

/// Writes elements as ZRANGE does: members, with scores either flat (RESP2) or as
/// [member, score] pairs (RESP3).
fn reply_elements<M: AsRef<[u8]>>(out: &mut ReplyBuf, items: &[(M, f64)], withscores: bool) {
    if withscores && !out.is_resp3() {
        out.array(items.len() * 2);
    } else {
        out.array(items.len());
    }
    for (m, s) in items {
        if withscores && out.is_resp3() {
            out.array(2);
        }
        out.bulk(m.as_ref());
        if withscores {
            out.double(*s);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM

/// ZADD's flags.
#[derive(Default, Clone, Copy)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
fn zadd(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let mut fl = AddFlags::default();
    let mut i = 2;
    while i < av.len() {
        let a = av.get(i);
        if is(a, "nx") {
            fl.nx = true;
        } else if is(a, "xx") {
            fl.xx = true;
        } else if is(a, "gt") {
            fl.gt = true;
        } else if is(a, "lt") {
            fl.lt = true;
        } else if is(a, "ch") {
            fl.ch = true;
        } else if is(a, "incr") {
            fl.incr = true;
        } else {
            break;
        }
        i += 1;
    }
    let elements = av.len() - i;
    if !elements.is_multiple_of(2) || elements == 0 {
        return Err(CmdError::Syntax);
    }
    if fl.nx && fl.xx {
        return Err(CmdError::msg("ERR XX and NX options at the same time are not compatible"));
    }
    if (fl.nx && (fl.gt || fl.lt)) || (fl.gt && fl.lt) {
        return Err(CmdError::msg(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if fl.incr && elements > 2 {
        return Err(CmdError::msg("ERR INCR option supports a single increment-element pair"));
    }
    let mut pairs = Vec::with_capacity(elements / 2);
    for j in (i..av.len()).step_by(2) {
        pairs.push((float(av.get(j))?, av.get(j + 1)));
    }
    add_generic(ctx, fl, &pairs)
}

/// ZINCRBY key increment member
fn zincrby(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let incr = float(av.get(2))?;
    let fl = AddFlags { incr: true, ..AddFlags::default() };
    add_generic(ctx, fl, &[(incr, av.get(3))])
}

/// The body of ZADD/ZINCRBY once arguments are valid (Redis's `zsetAdd` per element).
fn add_generic(ctx: &mut Ctx<'_>, fl: AddFlags, pairs: &[(f64, &[u8])]) -> CmdResult {
    let av = ctx.argv;
    let key = av.get(1);
    let l = ctx.srv.config.enc.get();
    let mut fresh = None;
    let z = match zwrite(&mut ctx.db, key)? {
        Some(z) => z,
        None => {
            if fl.xx {
                if fl.incr {
                    ctx.out.null();
                } else {
                    ctx.out.int(0);
                }
                return Ok(());
            }
            fresh.insert(ZSet::for_first_member(pairs[0].1.len(), &l))
        }
    };
    let (mut added, mut updated, mut processed) = (0i64, 0i64, false);
    let mut newscore = 0.0;
    for &(score, m) in pairs {
        match z.score(m) {
            Some(cur) => {
                if fl.nx {
                    continue;
                }
                let s = if fl.incr { cur + score } else { score };
                if s.is_nan() {
                    return Err(CmdError::msg(NAN_SCORE));
                }
                if (fl.lt && s >= cur) || (fl.gt && s <= cur) {
                    continue;
                }
                newscore = s;
                processed = true;
                if s != cur {
                    z.insert(m, s, &l);
                    updated += 1;
                }
            }
            None => {
                if fl.xx {
                    continue;
                }
                z.insert(m, score, &l);
                newscore = score;
                processed = true;
                added += 1;
            }
        }
    }
    if let Some(z) = fresh {
        ctx.db.set(key, Value::ZSet(Box::new(z)), NO_EXPIRE, false)?;
    }
    ctx.db.dirty((added + updated) as u64);
    if fl.incr {
        if processed {
            ctx.out.double(newscore);
        } else {
            ctx.out.null();
        }
    } else {
        ctx.out.int(if fl.ch { added + updated } else { added });
    }
    Ok(())
}

/// ZREM key member [member ...]
fn zrem(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let key = av.get(1);
    let Some(z) = zwrite(&mut ctx.db, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let mut n = 0;
    for i in 2..av.len() {
        if z.remove(av.get(i)).is_some() {
            n += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    drop_if_empty(&mut ctx.db, key)?;
    ctx.db.dirty(n);
    ctx.out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Point reads

/// ZCARD key
fn zcard(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let n = zread(&mut ctx.db, av.get(1))?.map_or(0, |z| z.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// ZSCORE key member
fn zscore(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    match zread(&mut ctx.db, av.get(1))?.and_then(|z| z.score(av.get(2))) {
        Some(s) => ctx.out.double(s),
        None => ctx.out.null(),
    }
    Ok(())
}

/// ZMSCORE key member [member ...]
fn zmscore(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let z = zread(&mut ctx.db, av.get(1))?;
    ctx.out.array(av.len() - 2);
    for i in 2..av.len() {
        match z.as_ref().and_then(|z| z.score(av.get(i))) {
            Some(s) => ctx.out.double(s),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// ZRANK / ZREVRANK key member [WITHSCORE]
fn rank_generic(ctx: &mut Ctx<'_>, rev: bool) -> CmdResult {
    let av = ctx.argv;
    if av.len() > 4 {
        return Err(CmdError::Arity(ctx.spec.name.to_string()));
    }
    let withscore = av.len() == 4;
    if withscore && !is(av.get(3), "withscore") {
        return Err(CmdError::Syntax);
    }
    let found = match zread(&mut ctx.db, av.get(1))? {
        Some(z) => z.rank(av.get(2)).map(|(r, s)| if rev { (z.len() - 1 - r, s) } else { (r, s) }),
        None => None,
    };
    match found {
        Some((r, s)) if withscore => {
            ctx.out.array(2);
            ctx.out.int(r as i64);
            ctx.out.double(s);
        }
        Some((r, _)) => ctx.out.int(r as i64),
        None if withscore => ctx.out.null_array(),
        None => ctx.out.null(),
    }
    Ok(())
}

fn zrank(ctx: &mut Ctx<'_>) -> CmdResult {
    rank_generic(ctx, false)
}

fn zrevrank(ctx: &mut Ctx<'_>) -> CmdResult {
    rank_generic(ctx, true)
}

/// ZCOUNT key min max
fn zcount(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let b = Bounds::Score(ScoreRange::parse(av.get(2), av.get(3))?);
    count_generic(ctx, b)
}

/// ZLEXCOUNT key min max
fn zlexcount(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let b = Bounds::Lex(LexRange::parse(av.get(2), av.get(3))?);
    count_generic(ctx, b)
}

fn count_generic(ctx: &mut Ctx<'_>, b: Bounds<'_>) -> CmdResult {
    let av = ctx.argv;
    let n = zread(&mut ctx.db, av.get(1))?.map_or(0, |z| {
        let (lo, hi) = b.ranks(z);
        hi - lo
    });
    ctx.out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and its older forms

#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeType {
    Rank,
    Score,
    Lex,
}

/// Redis's `zrangeGenericCommand`: `src` is the index of the source key, `store` the
/// destination for ZRANGESTORE; `kind` and `rev` are fixed by the legacy commands and
/// chosen by options for ZRANGE/ZRANGESTORE (`None`).
fn range_generic(
    ctx: &mut Ctx<'_>,
    src: usize,
    store: Option<&[u8]>,
    kind: Option<RangeType>,
    rev: Option<bool>,
) -> CmdResult {
    let av = ctx.argv;
    let (mut kind_o, mut rev_o) = (kind, rev);
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = src + 3;
    while j < av.len() {
        let a = av.get(j);
        let left = av.len() - j - 1;
        if store.is_none() && is(a, "withscores") {
            withscores = true;
        } else if is(a, "limit") && left >= 2 {
            offset = int(av.get(j + 1))?;
            limit = int(av.get(j + 2))?;
            j += 2;
        } else if rev.is_none() && rev_o.is_none() && is(a, "rev") {
            rev_o = Some(true);
        } else if kind.is_none() && is(a, "bylex") && kind_o.is_none() {
            kind_o = Some(RangeType::Lex);
        } else if kind.is_none() && is(a, "byscore") && kind_o.is_none() {
            kind_o = Some(RangeType::Score);
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let rev = rev_o.unwrap_or(false);
    let kind = kind_o.unwrap_or(RangeType::Rank);
    if limit != -1 && kind == RangeType::Rank {
        return Err(CmdError::msg(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && kind == RangeType::Lex {
        return Err(CmdError::msg(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let (mut a, mut b) = (av.get(src + 1), av.get(src + 2));
    if rev && kind != RangeType::Rank {
        std::mem::swap(&mut a, &mut b);
    }
    enum Req<'a> {
        Rank(i64, i64),
        By(Bounds<'a>),
    }
    let req = match kind {
        RangeType::Rank => Req::Rank(int(a)?, int(b)?),
        RangeType::Score => Req::By(Bounds::Score(ScoreRange::parse(a, b)?)),
        RangeType::Lex => Req::By(Bounds::Lex(LexRange::parse(a, b)?)),
    };
    let l = ctx.srv.config.enc.get();
    let srckey = av.get(src);
    let z = zread(&mut ctx.db, srckey)?;
    let items: Vec<(crate::types::zset::Member<'_>, f64)> = match (z, &req) {
        (None, _) => Vec::new(),
        (Some(z), Req::Rank(s, e)) => match rank_range(*s, *e, z.len()) {
            None => Vec::new(),
            Some((s, e)) => {
                let n = e - s + 1;
                if rev {
                    z.iter_rev_from(z.len() - 1 - s).take(n).collect()
                } else {
                    z.iter_from(s).take(n).collect()
                }
            }
        },
        (Some(z), Req::By(bounds)) => bounds.collect(z, rev, offset, limit),
    };
    match store {
        None => reply_elements(ctx.out, &items, withscores),
        Some(dst) => {
            // Built as Redis 7.0 builds it: a rank range whose size fits starts as a listpack
            // filled in result order (converted if a member is too long, so a -0 stored
            // before that reads back as 0); anything else is built whole and stored as a
            // listpack only if it fits.
            let built =
                if kind == RangeType::Rank && items.len() as u64 <= l.zset_max_listpack_entries {
                    let mut z = ZSet::new();
                    for (m, s) in &items {
                        z.insert(m, *s, &l);
                    }
                    z
                } else {
                    let pairs = items.iter().map(|(m, s)| (m.to_vec(), *s)).collect();
                    ZSet::from_pairs(pairs, &l)
                };
            drop(items);
            store_zset(ctx, dst, built)?;
        }
    }
    Ok(())
}

/// Stores a computed result under `dst` (or deletes `dst` when empty) and replies with its
/// size, as the STORE commands do.
fn store_zset(ctx: &mut Ctx<'_>, dst: &[u8], z: ZSet) -> CmdResult {
    let n = z.len();
    if n == 0 {
        if ctx.db.delete(dst)?.is_some() {
            ctx.db.dirty(1);
        }
    } else {
        ctx.db.set(dst, Value::ZSet(Box::new(z)), NO_EXPIRE, false)?;
        ctx.db.dirty(1);
    }
    ctx.out.int(n as i64);
    Ok(())
}

fn zrange(ctx: &mut Ctx<'_>) -> CmdResult {
    range_generic(ctx, 1, None, None, None)
}

fn zrangestore(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let dst = av.get(1);
    range_generic(ctx, 2, Some(dst), None, None)
}

fn zrevrange(ctx: &mut Ctx<'_>) -> CmdResult {
    range_generic(ctx, 1, None, Some(RangeType::Rank), Some(true))
}

fn zrangebyscore(ctx: &mut Ctx<'_>) -> CmdResult {
    range_generic(ctx, 1, None, Some(RangeType::Score), Some(false))
}

fn zrevrangebyscore(ctx: &mut Ctx<'_>) -> CmdResult {
    range_generic(ctx, 1, None, Some(RangeType::Score), Some(true))
}

fn zrangebylex(ctx: &mut Ctx<'_>) -> CmdResult {
    range_generic(ctx, 1, None, Some(RangeType::Lex), Some(false))
}

fn zrevrangebylex(ctx: &mut Ctx<'_>) -> CmdResult {
    range_generic(ctx, 1, None, Some(RangeType::Lex), Some(true))
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBY*

enum RemReq<'a> {
    Rank(i64, i64),
    By(Bounds<'a>),
}

fn remrange_generic(ctx: &mut Ctx<'_>, req: RemReq<'_>) -> CmdResult {
    let av = ctx.argv;
    let key = av.get(1);
    let Some(z) = zwrite(&mut ctx.db, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let (lo, hi) = match req {
        RemReq::Rank(s, e) => match rank_range(s, e, z.len()) {
            Some((s, e)) => (s, e + 1),
            None => (0, 0),
        },
        RemReq::By(b) => b.ranks(z),
    };
    let n = z.remove_rank_range(lo, hi);
    drop_if_empty(&mut ctx.db, key)?;
    ctx.db.dirty(n as u64);
    ctx.out.int(n as i64);
    Ok(())
}

/// ZREMRANGEBYRANK key start stop
fn zremrangebyrank(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let req = RemReq::Rank(int(av.get(2))?, int(av.get(3))?);
    remrange_generic(ctx, req)
}

/// ZREMRANGEBYSCORE key min max
fn zremrangebyscore(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let req = RemReq::By(Bounds::Score(ScoreRange::parse(av.get(2), av.get(3))?));
    remrange_generic(ctx, req)
}

/// ZREMRANGEBYLEX key min max
fn zremrangebylex(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let req = RemReq::By(Bounds::Lex(LexRange::parse(av.get(2), av.get(3))?));
    remrange_generic(ctx, req)
}

// ---------------------------------------------------------------------------------------------
// Pops

/// ZPOPMIN / ZPOPMAX key [count]
fn pop_generic(ctx: &mut Ctx<'_>, max: bool) -> CmdResult {
    let av = ctx.argv;
    if av.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let count = if av.len() == 3 {
        match int(av.get(2)) {
            Ok(c) if c >= 0 => Some(c as usize),
            _ => return Err(CmdError::msg(NOT_POSITIVE)),
        }
    } else {
        None
    };
    let key = av.get(1);
    let nested = count.is_some() && ctx.out.is_resp3();
    let popped = match zwrite(&mut ctx.db, key)? {
        Some(z) if count != Some(0) => z.pop(max, count.unwrap_or(1)),
        _ => Vec::new(),
    };
    drop_if_empty(&mut ctx.db, key)?;
    ctx.db.dirty(popped.len() as u64);
    if nested {
        ctx.out.array(popped.len());
    } else {
        ctx.out.array(popped.len() * 2);
    }
    for (m, s) in &popped {
        if nested {
            ctx.out.array(2);
        }
        ctx.out.bulk(m);
        ctx.out.double(*s);
    }
    Ok(())
}

fn zpopmin(ctx: &mut Ctx<'_>) -> CmdResult {
    pop_generic(ctx, false)
}

fn zpopmax(ctx: &mut Ctx<'_>) -> CmdResult {
    pop_generic(ctx, true)
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
fn zmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let numkeys = match int(av.get(1)) {
        Ok(n) if n >= 1 => n as usize,
        _ => return Err(CmdError::msg("ERR numkeys should be greater than 0")),
    };
    let where_idx = numkeys.checked_add(2).filter(|w| *w < av.len()).ok_or(CmdError::Syntax)?;
    let max = match av.get(where_idx) {
        a if is(a, "min") => false,
        a if is(a, "max") => true,
        _ => return Err(CmdError::Syntax),
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < av.len() {
        if count.is_none() && is(av.get(j), "count") && j + 1 < av.len() {
            j += 1;
            match int(av.get(j)) {
                Ok(c) if c >= 1 => count = Some(c as usize),
                _ => return Err(CmdError::msg("ERR count should be greater than 0")),
            }
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let count = count.unwrap_or(1);
    for i in 2..2 + numkeys {
        let key = av.get(i);
        let Some(z) = zwrite(&mut ctx.db, key)? else { continue };
        let popped = z.pop(max, count);
        drop_if_empty(&mut ctx.db, key)?;
        ctx.db.dirty(popped.len() as u64);
        // Replicated as ZPOPMIN/ZPOPMAX with the requested count, as Redis does.
        let n = itoa::Buffer::new().format(count).to_string();
        let cmd: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
        let db = ctx.db.index;
        ctx.db.fx.propagate_as(db, [cmd, key, n.as_bytes()]);
        ctx.out.array(2);
        ctx.out.bulk(key);
        ctx.out.array(popped.len());
        for (m, s) in &popped {
            ctx.out.array(2);
            ctx.out.bulk(m);
            ctx.out.double(*s);
        }
        return Ok(());
    }
    ctx.out.null_array();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER

/// A uniform random index below `n` (n > 0).
fn rand_below(n: usize) -> usize {
    (rand64() % n as u64) as usize
}

/// ZRANDMEMBER key [count [WITHSCORES]]
fn zrandmember(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    if av.len() == 2 {
        match zread(&mut ctx.db, av.get(1))? {
            Some(z) => match z.get_by_rank(rand_below(z.len())) {
                Some((m, _)) => ctx.out.bulk(&m),
                None => ctx.out.null(),
            },
            None => ctx.out.null(),
        }
        return Ok(());
    }
    let count = int(av.get(2))?;
    if count == i64::MIN {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    if av.len() > 4 || (av.len() == 4 && !is(av.get(3), "withscores")) {
        return Err(CmdError::Syntax);
    }
    let withscores = av.len() == 4;
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::msg("ERR value is out of range"));
    }
    let Some(z) = zread(&mut ctx.db, av.get(1))? else {
        ctx.out.array(0);
        return Ok(());
    };
    let len = z.len();
    let ranks: Vec<usize> = if count == 0 {
        Vec::new()
    } else if count < 0 {
        (0..count.unsigned_abs()).map(|_| rand_below(len)).collect()
    } else if count as u64 >= len as u64 {
        // The whole set, from the highest rank down, as Redis 7.0 returns it.
        (0..len).rev().collect()
    } else {
        let want = count as usize;
        if want * 3 > len {
            let mut all: Vec<usize> = (0..len).collect();
            for i in 0..want {
                let j = i + rand_below(len - i);
                all.swap(i, j);
            }
            all.truncate(want);
            all
        } else {
            let mut seen = std::collections::HashSet::with_capacity(want);
            let mut out = Vec::with_capacity(want);
            while out.len() < want {
                let r = rand_below(len);
                if seen.insert(r) {
                    out.push(r);
                }
            }
            out
        }
    };
    let items: Vec<(crate::types::zset::Member<'_>, f64)> =
        ranks.into_iter().filter_map(|r| z.get_by_rank(r)).collect();
    reply_elements(ctx.out, &items, withscores);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

impl Aggregate {
    fn apply(self, target: &mut f64, v: f64) {
        match self {
            Aggregate::Sum => {
                *target += v;
                if target.is_nan() {
                    *target = 0.0;
                }
            }
            Aggregate::Min => {
                if v < *target {
                    *target = v;
                }
            }
            Aggregate::Max => {
                if v > *target {
                    *target = v;
                }
            }
        }
    }
}

/// One input of a set operation, read whole: a sorted set's pairs, or a set's members with
/// score 1.
fn read_source(
    db: &mut DbCtx<'_>,
    key: &[u8],
    write: bool,
) -> Result<Vec<(Vec<u8>, f64)>, CmdError> {
    let mode = if write { Lookup::Write } else { Lookup::Read };
    match db.lookup(key, mode)? {
        None => Ok(Vec::new()),
        Some(e) => match &e.val {
            Value::ZSet(z) => Ok(z.iter().map(|(m, s)| (m.into_owned(), s)).collect()),
            Value::Set(s) => Ok(set_members(s).into_iter().map(|m| (m, 1.0)).collect()),
            _ => Err(CmdError::WrongType),
        },
    }
}

/// The members of a plain set given as an input (each counts with score 1).
fn set_members(s: &crate::types::Set) -> Vec<Vec<u8>> {
    s.iter().map(|m| m.into_owned()).collect()
}

/// Redis's `zunionInterDiffGenericCommand`. `numkeys_at` is the index of numkeys.
fn setop_generic(
    ctx: &mut Ctx<'_>,
    dst: Option<&[u8]>,
    numkeys_at: usize,
    op: SetOp,
    card_only: bool,
) -> CmdResult {
    let av = ctx.argv;
    let setnum = int(av.get(numkeys_at))?;
    if setnum < 1 {
        return Err(CmdError::owned(format!(
            "ERR at least 1 input key is needed for '{}' command",
            ctx.spec.name
        )));
    }
    if setnum > (av.len() - numkeys_at - 1) as i64 {
        return Err(CmdError::Syntax);
    }
    let setnum = setnum as usize;
    let mut srcs = Vec::with_capacity(setnum);
    for i in 0..setnum {
        srcs.push(read_source(&mut ctx.db, av.get(numkeys_at + 1 + i), dst.is_some())?);
    }
    let mut weights = vec![1.0f64; setnum];
    let mut agg = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = numkeys_at + 1 + setnum;
    while j < av.len() {
        let remaining = av.len() - j;
        let a = av.get(j);
        if op != SetOp::Diff && !card_only && remaining > setnum && is(a, "weights") {
            for w in weights.iter_mut() {
                j += 1;
                *w = crate::util::num::parse_f64(av.get(j))
                    .ok_or(CmdError::msg("ERR weight value is not a float"))?;
            }
            j += 1;
        } else if op != SetOp::Diff && !card_only && remaining >= 2 && is(a, "aggregate") {
            let v = av.get(j + 1);
            agg = if is(v, "sum") {
                Aggregate::Sum
            } else if is(v, "min") {
                Aggregate::Min
            } else if is(v, "max") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !card_only && is(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && is(a, "limit") {
            let v = int(av.get(j + 1))?;
            if v < 0 {
                return Err(CmdError::msg("ERR LIMIT can't be negative"));
            }
            limit = v as usize;
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let weighted = |w: f64, s: f64| {
        let v = w * s;
        if v.is_nan() {
            0.0
        } else {
            v
        }
    };
    // Inputs in ascending size (stable), as Redis sorts them before union and intersection.
    let mut order: Vec<usize> = (0..setnum).collect();
    if op != SetOp::Diff {
        order.sort_by_key(|&i| srcs[i].len());
    }
    let result: Vec<(Vec<u8>, f64)> = match op {
        SetOp::Union => {
            let mut acc: HashMap<Vec<u8>, f64> = HashMap::new();
            for &i in &order {
                for (m, s) in std::mem::take(&mut srcs[i]) {
                    let v = weighted(weights[i], s);
                    match acc.get_mut(&m) {
                        Some(t) => agg.apply(t, v),
                        None => {
                            acc.insert(m, v);
                        }
                    }
                }
            }
            acc.into_iter().collect()
        }
        SetOp::Inter => {
            let first = order[0];
            let maps: Vec<HashMap<&[u8], f64>> = order[1..]
                .iter()
                .map(|&i| srcs[i].iter().map(|(m, s)| (m.as_slice(), *s)).collect())
                .collect();
            let mut out = Vec::new();
            'outer: for (m, s) in &srcs[first] {
                let mut score = weighted(weights[first], *s);
                for (k, &i) in order[1..].iter().enumerate() {
                    match maps[k].get(m.as_slice()) {
                        // Redis leaves these products unchecked: a NaN (0 * inf) makes
                        // a sum NaN, which the aggregate turns into 0.
                        Some(&o) => agg.apply(&mut score, weights[i] * o),
                        None => continue 'outer,
                    }
                }
                out.push((m.clone(), score));
                if card_only && limit > 0 && out.len() >= limit {
                    break;
                }
            }
            out
        }
        SetOp::Diff => {
            let others: std::collections::HashSet<&[u8]> =
                srcs[1..].iter().flatten().map(|(m, _)| m.as_slice()).collect();
            srcs[0].iter().filter(|(m, _)| !others.contains(m.as_slice())).cloned().collect()
        }
    };
    if card_only {
        ctx.out.int(result.len() as i64);
        return Ok(());
    }
    match dst {
        Some(dst) => {
            let l = ctx.srv.config.enc.get();
            store_zset(ctx, dst, ZSet::from_pairs(result, &l))
        }
        None => {
            let mut result = result;
            result.sort_by(|a, b| collections::scored::cmp_entry(a.1, &a.0, b.1, &b.0));
            reply_elements(ctx.out, &result, withscores);
            Ok(())
        }
    }
}

fn zunion(ctx: &mut Ctx<'_>) -> CmdResult {
    setop_generic(ctx, None, 1, SetOp::Union, false)
}

fn zinter(ctx: &mut Ctx<'_>) -> CmdResult {
    setop_generic(ctx, None, 1, SetOp::Inter, false)
}

fn zdiff(ctx: &mut Ctx<'_>) -> CmdResult {
    setop_generic(ctx, None, 1, SetOp::Diff, false)
}

fn zunionstore(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let dst = av.get(1);
    setop_generic(ctx, Some(dst), 2, SetOp::Union, false)
}

fn zinterstore(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let dst = av.get(1);
    setop_generic(ctx, Some(dst), 2, SetOp::Inter, false)
}

fn zdiffstore(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let dst = av.get(1);
    setop_generic(ctx, Some(dst), 2, SetOp::Diff, false)
}

fn zintercard(ctx: &mut Ctx<'_>) -> CmdResult {
    setop_generic(ctx, None, 1, SetOp::Inter, true)
}

// ---------------------------------------------------------------------------------------------
// ZSCAN

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
fn zscan(ctx: &mut Ctx<'_>) -> CmdResult {
    let av = ctx.argv;
    let cursor = scan_cursor(av.get(2))?;
    let Some(z) = zread(&mut ctx.db, av.get(1))? else {
        ctx.out.array(2);
        ctx.out.bulk(b"0");
        ctx.out.array(0);
        return Ok(());
    };
    let o = scan_opts(&av, 3, false)?;
    let mut found: Vec<(Vec<u8>, f64)> = Vec::new();
    let next = z.scan(cursor, o.count, |m, s| {
        if o.matches(m) {
            found.push((m.to_vec(), s));
        }
    });
    ctx.out.array(2);
    ctx.out.bulk(itoa::Buffer::new().format(next).as_bytes());
    ctx.out.array(found.len() * 2);
    for (m, s) in &found {
        ctx.out.bulk(m);
        ctx.out.bulk(format_double(*s).as_bytes());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The command table (metadata as Redis 7.0.15's COMMAND INFO / DOCS report it; ZRANK and
// ZREVRANK carry 7.2's WITHSCORE).

/// The family's command table.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("zadd", -4, Group::SortedSet, zadd)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::UPDATE, 1)])
        .since("1.2.0")
        .complexity("O(log(N)) for each item added, where N is the number of elements in the sorted set.")
        .history(&[("2.4.0", "Accepts multiple elements."), ("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."), ("6.2.0", "Added the `GT` and `LT` options.")])
        .summary("Add one or more members to a sorted set, or update its score if it already exists")
        .args(&[Arg::key("key", 0), Arg::oneof("condition", &[Arg::pure("nx", "NX"), Arg::pure("xx", "XX")]).optional().since("3.0.2"), Arg::oneof("comparison", &[Arg::pure("gt", "GT"), Arg::pure("lt", "LT")]).optional().since("6.2.0"), Arg::pure("change", "CH").optional().since("3.0.2"), Arg::pure("increment", "INCR").optional().since("3.0.2"), Arg::block("score_member", &[Arg::double("score"), Arg::string("member")]).multiple()]),
    CommandSpec::new("zincrby", 4, Group::SortedSet, zincrby)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::UPDATE, 1)])
        .since("1.2.0")
        .complexity("O(log(N)) where N is the number of elements in the sorted set.")
        .summary("Increment the score of a member in a sorted set")
        .args(&[Arg::key("key", 0), Arg::integer("increment"), Arg::string("member")]),
    CommandSpec::new("zrem", -3, Group::SortedSet, zrem)
        .flags(f::WRITE | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .since("1.2.0")
        .complexity("O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.")
        .history(&[("2.4.0", "Accepts multiple elements.")])
        .summary("Remove one or more members from a sorted set")
        .args(&[Arg::key("key", 0), Arg::string("member").multiple()]),
    CommandSpec::new("zcard", 2, Group::SortedSet, zcard)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO, 1)])
        .since("1.2.0")
        .summary("Get the number of members in a sorted set")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("zcount", 4, Group::SortedSet, zcount)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.0.0")
        .complexity("O(log(N)) with N being the number of elements in the sorted set.")
        .summary("Count the members in a sorted set with scores within the given values")
        .args(&[Arg::key("key", 0), Arg::double("min"), Arg::double("max")]),
    CommandSpec::new("zlexcount", 4, Group::SortedSet, zlexcount)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.8.9")
        .complexity("O(log(N)) with N being the number of elements in the sorted set.")
        .summary("Count the number of members in a sorted set between a given lexicographical range")
        .args(&[Arg::key("key", 0), Arg::string("min"), Arg::string("max")]),
    CommandSpec::new("zscore", 3, Group::SortedSet, zscore)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("1.2.0")
        .summary("Get the score associated with the given member in a sorted set")
        .args(&[Arg::key("key", 0), Arg::string("member")]),
    CommandSpec::new("zmscore", -3, Group::SortedSet, zmscore)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("6.2.0")
        .complexity("O(N) where N is the number of members being requested.")
        .summary("Get the score associated with the given members in a sorted set")
        .args(&[Arg::key("key", 0), Arg::string("member").multiple()]),
    CommandSpec::new("zrank", -3, Group::SortedSet, zrank)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.0.0")
        .complexity("O(log(N))")
        .summary("Determine the index of a member in a sorted set")
        .history(&[("7.2.0", "Added the optional `WITHSCORE` argument.")])
        .args(&[Arg::key("key", 0), Arg::string("member"), Arg::pure("withscore", "WITHSCORE").optional()]),
    CommandSpec::new("zrevrank", -3, Group::SortedSet, zrevrank)
        .flags(f::READONLY | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.0.0")
        .complexity("O(log(N))")
        .summary("Determine the index of a member in a sorted set, with scores ordered from high to low")
        .history(&[("7.2.0", "Added the optional `WITHSCORE` argument.")])
        .args(&[Arg::key("key", 0), Arg::string("member"), Arg::pure("withscore", "WITHSCORE").optional()]),
    CommandSpec::new("zrange", -4, Group::SortedSet, zrange)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("1.2.0")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.")
        .history(&[("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.")])
        .summary("Return a range of members in a sorted set")
        .args(&[Arg::key("key", 0), Arg::string("start"), Arg::string("stop"), Arg::oneof("sortby", &[Arg::pure("byscore", "BYSCORE"), Arg::pure("bylex", "BYLEX")]).optional().since("6.2.0"), Arg::pure("rev", "REV").optional().since("6.2.0"), Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional().since("6.2.0"), Arg::pure("withscores", "WITHSCORES").optional()]),
    CommandSpec::new("zrangestore", -5, Group::SortedSet, zrangestore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1), KeySpec::single(k::RO | k::ACCESS, 2)])
        .since("6.2.0")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.")
        .summary("Store a range of members from sorted set into another key")
        .args(&[Arg::key("dst", 0), Arg::key("src", 1), Arg::string("min"), Arg::string("max"), Arg::oneof("sortby", &[Arg::pure("byscore", "BYSCORE"), Arg::pure("bylex", "BYLEX")]).optional(), Arg::pure("rev", "REV").optional(), Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional()]),
    CommandSpec::new("zrangebyscore", -4, Group::SortedSet, zrangebyscore)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("1.0.5")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
        .history(&[("2.0.0", "Added the `WITHSCORES` modifier.")])
        .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
        .summary("Return a range of members in a sorted set, by score")
        .args(&[Arg::key("key", 0), Arg::double("min"), Arg::double("max"), Arg::pure("withscores", "WITHSCORES").optional().since("2.0.0"), Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional()]),
    CommandSpec::new("zrevrangebyscore", -4, Group::SortedSet, zrevrangebyscore)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.2.0")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
        .history(&[("2.1.6", "`min` and `max` can be exclusive.")])
        .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
        .summary("Return a range of members in a sorted set, by score, with scores ordered from high to low")
        .args(&[Arg::key("key", 0), Arg::double("max"), Arg::double("min"), Arg::pure("withscores", "WITHSCORES").optional(), Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional()]),
    CommandSpec::new("zrangebylex", -4, Group::SortedSet, zrangebylex)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.8.9")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
        .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
        .summary("Return a range of members in a sorted set, by lexicographical range")
        .args(&[Arg::key("key", 0), Arg::string("min"), Arg::string("max"), Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional()]),
    CommandSpec::new("zrevrangebylex", -4, Group::SortedSet, zrevrangebylex)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.8.9")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
        .summary("Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.")
        .args(&[Arg::key("key", 0), Arg::string("max"), Arg::string("min"), Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")]).token("LIMIT").optional()]),
    CommandSpec::new("zrevrange", -4, Group::SortedSet, zrevrange)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("1.2.0")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
        .summary("Return a range of members in a sorted set, by index, with scores ordered from high to low")
        .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("stop"), Arg::pure("withscores", "WITHSCORES").optional()]),
    CommandSpec::new("zremrangebyrank", 4, Group::SortedSet, zremrangebyrank)
        .flags(f::WRITE)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .since("2.0.0")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
        .summary("Remove all members in a sorted set within the given indexes")
        .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("stop")]),
    CommandSpec::new("zremrangebyscore", 4, Group::SortedSet, zremrangebyscore)
        .flags(f::WRITE)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .since("1.2.0")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
        .summary("Remove all members in a sorted set within the given scores")
        .args(&[Arg::key("key", 0), Arg::double("min"), Arg::double("max")]),
    CommandSpec::new("zremrangebylex", 4, Group::SortedSet, zremrangebylex)
        .flags(f::WRITE)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::DELETE, 1)])
        .since("2.8.9")
        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
        .summary("Remove all members in a sorted set between the given lexicographical range")
        .args(&[Arg::key("key", 0), Arg::string("min"), Arg::string("max")]),
    CommandSpec::new("zpopmin", -2, Group::SortedSet, zpopmin)
        .flags(f::WRITE | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1)])
        .since("5.0.0")
        .complexity("O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.")
        .summary("Remove and return members with the lowest scores in a sorted set")
        .args(&[Arg::key("key", 0), Arg::integer("count").optional()]),
    CommandSpec::new("zpopmax", -2, Group::SortedSet, zpopmax)
        .flags(f::WRITE | f::FAST)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1)])
        .since("5.0.0")
        .complexity("O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.")
        .summary("Remove and return members with the highest scores in a sorted set")
        .args(&[Arg::key("key", 0), Arg::integer("count").optional()]),
    CommandSpec::new("zmpop", -4, Group::SortedSet, zmpop)
        .flags(f::WRITE)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::keynum(k::RW | k::ACCESS | k::DELETE, 1, 0, 1, 1)])
        .since("7.0.0")
        .complexity("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.")
        .summary("Remove and return members with scores in a sorted set")
        .args(&[Arg::integer("numkeys"), Arg::key("key", 0).multiple(), Arg::oneof("where", &[Arg::pure("min", "MIN"), Arg::pure("max", "MAX")]), Arg::integer("count").token("COUNT").optional()]),
    CommandSpec::new("zrandmember", -2, Group::SortedSet, zrandmember)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("6.2.0")
        .complexity("O(N) where N is the number of elements returned")
        .tips(&["nondeterministic_output"])
        .summary("Get one or multiple random elements from a sorted set")
        .args(&[Arg::key("key", 0), Arg::block("options", &[Arg::integer("count"), Arg::pure("withscores", "WITHSCORES").optional()]).optional()]),
    CommandSpec::new("zunion", -3, Group::SortedSet, zunion)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::keynum(k::RO | k::ACCESS, 1, 0, 1, 1)])
        .since("6.2.0")
        .complexity("O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.")
        .summary("Add multiple sorted sets")
        .args(&[Arg::integer("numkeys"), Arg::key("key", 0).multiple(), Arg::integer("weight").token("WEIGHTS").optional().multiple(), Arg::oneof("aggregate", &[Arg::pure("sum", "SUM"), Arg::pure("min", "MIN"), Arg::pure("max", "MAX")]).token("AGGREGATE").optional(), Arg::pure("withscores", "WITHSCORES").optional()]),
    CommandSpec::new("zinter", -3, Group::SortedSet, zinter)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::keynum(k::RO | k::ACCESS, 1, 0, 1, 1)])
        .since("6.2.0")
        .complexity("O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.")
        .summary("Intersect multiple sorted sets")
        .args(&[Arg::integer("numkeys"), Arg::key("key", 0).multiple(), Arg::integer("weight").token("WEIGHTS").optional().multiple(), Arg::oneof("aggregate", &[Arg::pure("sum", "SUM"), Arg::pure("min", "MIN"), Arg::pure("max", "MAX")]).token("AGGREGATE").optional(), Arg::pure("withscores", "WITHSCORES").optional()]),
    CommandSpec::new("zdiff", -3, Group::SortedSet, zdiff)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::keynum(k::RO | k::ACCESS, 1, 0, 1, 1)])
        .since("6.2.0")
        .complexity("O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.")
        .summary("Subtract multiple sorted sets")
        .args(&[Arg::integer("numkeys"), Arg::key("key", 0).multiple(), Arg::pure("withscores", "WITHSCORES").optional()]),
    CommandSpec::new("zunionstore", -4, Group::SortedSet, zunionstore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1), KeySpec::keynum(k::RO | k::ACCESS, 2, 0, 1, 1)])
        .since("2.0.0")
        .complexity("O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.")
        .summary("Add multiple sorted sets and store the resulting sorted set in a new key")
        .args(&[Arg::key("destination", 0), Arg::integer("numkeys"), Arg::key("key", 1).multiple(), Arg::integer("weight").token("WEIGHTS").optional().multiple(), Arg::oneof("aggregate", &[Arg::pure("sum", "SUM"), Arg::pure("min", "MIN"), Arg::pure("max", "MAX")]).token("AGGREGATE").optional()]),
    CommandSpec::new("zinterstore", -4, Group::SortedSet, zinterstore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1), KeySpec::keynum(k::RO | k::ACCESS, 2, 0, 1, 1)])
        .since("2.0.0")
        .complexity("O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.")
        .summary("Intersect multiple sorted sets and store the resulting sorted set in a new key")
        .args(&[Arg::key("destination", 0), Arg::integer("numkeys"), Arg::key("key", 1).multiple(), Arg::integer("weight").token("WEIGHTS").optional().multiple(), Arg::oneof("aggregate", &[Arg::pure("sum", "SUM"), Arg::pure("min", "MIN"), Arg::pure("max", "MAX")]).token("AGGREGATE").optional()]),
    CommandSpec::new("zdiffstore", -4, Group::SortedSet, zdiffstore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1), KeySpec::keynum(k::RO | k::ACCESS, 2, 0, 1, 1)])
        .since("6.2.0")
        .complexity("O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.")
        .summary("Subtract multiple sorted sets and store the resulting sorted set in a new key")
        .args(&[Arg::key("destination", 0), Arg::integer("numkeys"), Arg::key("key", 1).multiple()]),
    CommandSpec::new("zintercard", -3, Group::SortedSet, zintercard)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::keynum(k::RO | k::ACCESS, 1, 0, 1, 1)])
        .since("7.0.0")
        .complexity("O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.")
        .summary("Intersect multiple sorted sets and return the cardinality of the result")
        .args(&[Arg::integer("numkeys"), Arg::key("key", 0).multiple(), Arg::integer("limit").token("LIMIT").optional()]),
    CommandSpec::new("zscan", -3, Group::SortedSet, zscan)
        .flags(f::READONLY)
        .acl(acl::SORTEDSET)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.8.0")
        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
        .tips(&["nondeterministic_output"])
        .summary("Incrementally iterate sorted sets elements and associated scores")
        .args(&[Arg::key("key", 0), Arg::integer("cursor"), Arg::pattern("pattern").token("MATCH").optional(), Arg::integer("count").token("COUNT").optional()]),
];

#[cfg(test)]
mod tests {
    use crate::testkit::Harness;

    #[test]
    fn writes_propagate_as_redis_replicates_them() {
        let mut h = Harness::new();
        assert_eq!(h.prop(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]), ["ZADD z 1 a 2 b 3 c"]);
        assert!(h.prop(&["ZADD", "z", "XX", "5", "nosuch"]).is_empty());
        assert!(h.prop(&["ZADD", "z", "1", "a"]).is_empty(), "no change, nothing to replay");
        assert!(h.prop(&["ZREM", "z", "nosuch"]).is_empty());
        assert_eq!(h.prop(&["ZMPOP", "2", "none", "z", "MAX", "COUNT", "5"]), ["ZPOPMAX z 5"]);
        assert!(h.prop(&["ZMPOP", "1", "z", "MIN"]).is_empty(), "nothing popped");
        h.prop(&["ZADD", "z", "1", "a"]);
        assert_eq!(h.prop(&["ZPOPMIN", "z"]), ["ZPOPMIN z"]);
        assert_eq!(h.prop(&["ZUNIONSTORE", "d", "1", "nosuch"]), Vec::<String>::new());
    }
}
