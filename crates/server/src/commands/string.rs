//! String commands: GET, SET and their variants, MGET/MSET, ranges, counters, LCS.
//!
//! Values are [`StrValue`]s; `types/string.rs` documents which encoding each command leaves
//! behind (OBJECT ENCODING must agree with Redis's after the same commands).
//!
//! Propagation follows Redis 7: relative expiries become absolute (`SET k v PXAT ms`,
//! `PEXPIREAT`), GETSET becomes SET, GETDEL becomes DEL, INCRBYFLOAT becomes
//! `SET k v KEEPTTL`, and `SET ... GET` drops its GET tokens.

use crate::cmd::args::{int, is};
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::db::{Entry, NO_EXPIRE};
use crate::types::{StrValue, Value};
use resp::ReplyBuf;

/// The smallest `proto-max-bulk-len` the config accepts: strings up to this size never need
/// the setting to be read.
const MIN_MAX_BULK_LEN: i64 = 1024 * 1024;

const STRING_TOO_LONG: &str = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/// Writes a string value as a bulk reply.
fn reply_str(out: &mut ReplyBuf, s: &StrValue) {
    match s {
        StrValue::Int(n) => out.bulk_int(*n),
        StrValue::Emb(b) => out.bulk(b.as_slice()),
        StrValue::Raw(v) => out.bulk(v),
    }
}

/// Fails unless a string of `size + append` bytes fits in `proto-max-bulk-len` (Redis's
/// `checkStringLength`; also catches the overflow of the sum).
fn check_string_length(ctx: &Ctx<'_>, size: i64, append: i64) -> CmdResult {
    let total = size.checked_add(append);
    match total {
        Some(t) if t <= MIN_MAX_BULK_LEN => Ok(()),
        Some(t) if t <= ctx.srv.config.settings().proto_max_bulk_len => Ok(()),
        _ => Err(CmdError::msg(STRING_TOO_LONG)),
    }
}

/// `ERR invalid expire time in '<cmd>' command`.
fn invalid_expire(ctx: &Ctx<'_>) -> CmdError {
    CmdError::owned(format!("ERR invalid expire time in '{}' command", ctx.spec.name))
}

/// GET key
fn get(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    match ctx.db.get_str(key)? {
        Some(s) => reply_str(ctx.out, s),
        None => ctx.out.null(),
    }
    Ok(())
}

/// The unit and base of an expiry option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExpireKind {
    Ex,
    Px,
    ExAt,
    PxAt,
}

/// Which command's options are being parsed (they accept different sets).
#[derive(Clone, Copy, PartialEq, Eq)]
enum OptsFor {
    Set,
    GetEx,
}

/// Parsed options of SET and GETEX (Redis's `parseExtendedStringArgumentsOrReply`).
#[derive(Default)]
struct StrOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    persist: bool,
    /// The expiry option and its (not yet validated) argument. When repeated, the last one
    /// counts and only it is validated, as in Redis.
    expire: Option<(ExpireKind, &'a [u8])>,
}

impl<'a> StrOptions<'a> {
    /// Parses `argv[from..]`. Conflicting options (NX with XX, two different expiry kinds, an
    /// expiry with KEEPTTL or PERSIST) and options the command does not take are syntax
    /// errors; repeating the same option is allowed.
    fn parse(ctx: &Ctx<'a>, from: usize, cmd: OptsFor) -> Result<Self, CmdError> {
        let mut o = StrOptions::default();
        let argc = ctx.argc();
        let mut i = from;
        while i < argc {
            let a = ctx.arg(i);
            let has_next = i + 1 < argc;
            let kind = if is(a, "EX") {
                Some(ExpireKind::Ex)
            } else if is(a, "PX") {
                Some(ExpireKind::Px)
            } else if is(a, "EXAT") {
                Some(ExpireKind::ExAt)
            } else if is(a, "PXAT") {
                Some(ExpireKind::PxAt)
            } else {
                None
            };
            let set = cmd == OptsFor::Set;
            if set && is(a, "NX") && !o.xx {
                o.nx = true;
            } else if set && is(a, "XX") && !o.nx {
                o.xx = true;
            } else if set && is(a, "GET") {
                o.get = true;
            } else if set && is(a, "KEEPTTL") && o.expire.is_none() {
                o.keep_ttl = true;
            } else if !set && is(a, "PERSIST") && o.expire.is_none() {
                o.persist = true;
            } else if let Some(kind) = kind.filter(|k| {
                has_next && !o.keep_ttl && !o.persist && o.expire.is_none_or(|(prev, _)| prev == *k)
            }) {
                o.expire = Some((kind, ctx.arg(i + 1)));
                i += 1;
            } else {
                return Err(CmdError::Syntax);
            }
            i += 1;
        }
        Ok(o)
    }
}

/// Turns an expiry argument into an absolute Unix time in ms (Redis's
/// `getExpireMillisecondsOrReply`): not an integer → `NotInteger`; zero, negative, or
/// overflowing → `ERR invalid expire time in '<cmd>' command`.
fn expire_at(ctx: &Ctx<'_>, kind: ExpireKind, arg: &[u8]) -> Result<i64, CmdError> {
    let n = int(arg)?;
    let seconds = matches!(kind, ExpireKind::Ex | ExpireKind::ExAt);
    if n <= 0 || (seconds && n > i64::MAX / 1000) {
        return Err(invalid_expire(ctx));
    }
    let mut ms = if seconds { n * 1000 } else { n };
    if matches!(kind, ExpireKind::Ex | ExpireKind::Px) {
        // Redis adds the command time with C signed arithmetic, which wraps in practice; a
        // wrapped (negative) result is then refused below.
        ms = ms.wrapping_add(ctx.db.now);
    }
    if ms <= 0 {
        return Err(invalid_expire(ctx));
    }
    Ok(ms)
}

/// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL]
fn set(ctx: &mut Ctx<'_>) -> CmdResult {
    let o = StrOptions::parse(ctx, 3, OptsFor::Set)?;
    let (key, val) = (ctx.arg(1), ctx.arg(2));
    let done = set_generic(ctx, key, val, &o)?;
    if done && o.get && o.expire.is_none() {
        // Replicas must not see GET (it would make them reply); drop every GET token.
        let argv: Vec<&[u8]> = (0..ctx.argc())
            .map(|i| ctx.arg(i))
            .enumerate()
            .filter(|(i, a)| *i < 3 || !is(a, "GET"))
            .map(|(_, a)| a)
            .collect();
        ctx.db.fx.propagate_as(ctx.db.index, argv);
    }
    match (done, o.get) {
        (true, false) => ctx.out.ok(),
        (false, false) => ctx.out.null(),
        _ => {} // GET replied with the old value already.
    }
    Ok(())
}

/// SET's body, shared with SETNX, SETEX and PSETEX. Replies only for GET (the old value);
/// returns whether the value was stored. An expiry is propagated as `SET key value PXAT ms`
/// unless it was given as PXAT already.
fn set_generic(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    val: &[u8],
    o: &StrOptions<'_>,
) -> Result<bool, CmdError> {
    let at = match o.expire {
        Some((kind, arg)) => Some((kind, expire_at(ctx, kind, arg)?)),
        None => None,
    };
    if o.get {
        // The old value is read (and WRONGTYPE raised) before anything changes.
        match ctx.db.get_str(key)? {
            Some(s) => reply_str(ctx.out, s),
            None => ctx.out.null(),
        }
    }
    let found = ctx.db.lookup(key, Lookup::Write)?.is_some();
    if (o.nx && found) || (o.xx && !found) {
        return Ok(false);
    }
    let expire = at.map_or(NO_EXPIRE, |(_, ms)| ms);
    ctx.db.set(key, Value::Str(StrValue::from_bytes(val)), expire, o.keep_ttl)?;
    ctx.db.dirty(1);
    if let Some((kind, ms)) = at {
        if kind != ExpireKind::PxAt {
            let ms = itoa::Buffer::new().format(ms).as_bytes().to_vec();
            ctx.db.fx.propagate_as(ctx.db.index, [&b"SET"[..], key, val, b"PXAT", &ms]);
        }
    }
    Ok(true)
}

/// SETNX key value
fn setnx(ctx: &mut Ctx<'_>) -> CmdResult {
    let o = StrOptions { nx: true, ..StrOptions::default() };
    let done = set_generic(ctx, ctx.arg(1), ctx.arg(2), &o)?;
    ctx.out.int(done as i64);
    Ok(())
}

/// SETEX key seconds value / PSETEX key milliseconds value
fn setex_generic(ctx: &mut Ctx<'_>, kind: ExpireKind) -> CmdResult {
    let o = StrOptions { expire: Some((kind, ctx.arg(2))), ..StrOptions::default() };
    set_generic(ctx, ctx.arg(1), ctx.arg(3), &o)?;
    ctx.out.ok();
    Ok(())
}

fn setex(ctx: &mut Ctx<'_>) -> CmdResult {
    setex_generic(ctx, ExpireKind::Ex)
}

fn psetex(ctx: &mut Ctx<'_>) -> CmdResult {
    setex_generic(ctx, ExpireKind::Px)
}

/// GETEX key [EX s|PX ms|EXAT ts|PXAT ts|PERSIST]
fn getex(ctx: &mut Ctx<'_>) -> CmdResult {
    let o = StrOptions::parse(ctx, 2, OptsFor::GetEx)?;
    let key = ctx.arg(1);
    // A missing key answers nil before the expiry argument is even looked at.
    if ctx.db.get_str(key)?.is_none() {
        ctx.out.null();
        return Ok(());
    }
    let at = match o.expire {
        Some((kind, arg)) => Some((kind, expire_at(ctx, kind, arg)?)),
        None => None,
    };
    // Peek: the read above already counted the hit.
    if let Some(Entry { val: Value::Str(s), .. }) = ctx.db.lookup(key, Lookup::Peek)? {
        reply_str(ctx.out, s);
    }
    let db = ctx.db.index;
    match at {
        Some((kind, ms))
            if matches!(kind, ExpireKind::ExAt | ExpireKind::PxAt) && ms <= ctx.db.now =>
        {
            // An absolute time already past deletes the key, propagated as a deletion.
            ctx.db.delete(key)?;
            let del: &[u8] =
                if ctx.srv.config.settings().lazyfree_lazy_expire { b"UNLINK" } else { b"DEL" };
            ctx.db.fx.propagate_as(db, [del, key]);
            ctx.db.dirty(1);
        }
        Some((kind, ms)) => {
            ctx.db.set_expire(key, ms)?;
            if kind != ExpireKind::PxAt {
                let ms = itoa::Buffer::new().format(ms).as_bytes().to_vec();
                ctx.db.fx.propagate_as(db, [&b"PEXPIREAT"[..], key, &ms]);
            }
            ctx.db.dirty(1);
        }
        None if o.persist => {
            let had_ttl = ctx.db.lookup(key, Lookup::Peek)?.is_some_and(|e| e.has_expire());
            if had_ttl {
                ctx.db.set_expire(key, NO_EXPIRE)?;
                ctx.db.fx.propagate_as(db, [&b"PERSIST"[..], key]);
                ctx.db.dirty(1);
            }
        }
        None => {}
    }
    Ok(())
}

/// GETDEL key
fn getdel(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    match ctx.db.get_str(key)? {
        Some(s) => reply_str(ctx.out, s),
        None => {
            ctx.out.null();
            return Ok(());
        }
    }
    ctx.db.delete(key)?;
    ctx.db.fx.propagate_as(ctx.db.index, [&b"DEL"[..], key]);
    ctx.db.dirty(1);
    Ok(())
}

/// GETSET key value
fn getset(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, val) = (ctx.arg(1), ctx.arg(2));
    match ctx.db.get_str(key)? {
        Some(s) => reply_str(ctx.out, s),
        None => ctx.out.null(),
    }
    ctx.db.set(key, Value::Str(StrValue::from_bytes(val)), NO_EXPIRE, false)?;
    ctx.db.fx.propagate_as(ctx.db.index, [&b"SET"[..], key, val]);
    ctx.db.dirty(1);
    Ok(())
}

/// MGET key [key ...]
fn mget(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = ctx.argc() - 1;
    ctx.out.array(n);
    for i in 1..=n {
        let key = ctx.arg(i);
        match ctx.db.lookup(key, Lookup::Read)? {
            Some(e) => match &e.val {
                Value::Str(s) => reply_str(ctx.out, s),
                // MGET answers nil for keys of other types.
                #[allow(unreachable_patterns)]
                _ => ctx.out.null(),
            },
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// MSET key value [key value ...] / MSETNX: sets every pair (MSETNX: only if no key exists).
fn mset_generic(ctx: &mut Ctx<'_>, nx: bool) -> CmdResult {
    if ctx.argc().is_multiple_of(2) {
        return Err(ctx.arity_error());
    }
    if nx {
        for i in (1..ctx.argc()).step_by(2) {
            if ctx.db.lookup(ctx.arg(i), Lookup::Write)?.is_some() {
                ctx.out.int(0);
                return Ok(());
            }
        }
    }
    for i in (1..ctx.argc()).step_by(2) {
        let (key, val) = (ctx.arg(i), ctx.arg(i + 1));
        ctx.db.set(key, Value::Str(StrValue::from_bytes(val)), NO_EXPIRE, false)?;
    }
    ctx.db.dirty((ctx.argc() as u64 - 1) / 2);
    if nx {
        ctx.out.int(1);
    } else {
        ctx.out.ok();
    }
    Ok(())
}

fn mset(ctx: &mut Ctx<'_>) -> CmdResult {
    mset_generic(ctx, false)
}

fn msetnx(ctx: &mut Ctx<'_>) -> CmdResult {
    mset_generic(ctx, true)
}

/// APPEND key value
fn append(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, val) = (ctx.arg(1), ctx.arg(2));
    let cur_len = match ctx.db.get_str_mut(key)? {
        Some(e) => {
            let Some(s) = e.val.as_str_mut() else { return Err(CmdError::WrongType) };
            Some(s.len())
        }
        None => None,
    };
    let total = match cur_len {
        None => {
            // A new key is stored as SET would store it (int, embstr or raw).
            ctx.db.set(key, Value::Str(StrValue::from_bytes(val)), NO_EXPIRE, false)?;
            val.len()
        }
        Some(len) => {
            check_string_length(ctx, len as i64, val.len() as i64)?;
            let Some(e) = ctx.db.get_str_mut(key)? else { return Ok(()) };
            let Some(s) = e.val.as_str_mut() else { return Err(CmdError::WrongType) };
            // Modified in place: always raw afterwards, even when nothing is appended.
            let buf = s.make_raw();
            buf.extend_from_slice(val);
            buf.len()
        }
    };
    ctx.db.dirty(1);
    ctx.out.int(total as i64);
    Ok(())
}

/// STRLEN key
fn strlen(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = ctx.db.get_str(ctx.arg(1))?.map_or(0, |s| s.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// Resolves GETRANGE's inclusive `start..=end` (negative: from the end) against a string of
/// `len` bytes; None when the range is empty.
fn resolve_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    if (start < 0 && end < 0 && start > end) || len == 0 {
        return None;
    }
    let len_i = len as i64;
    let start = if start < 0 { (len_i + start).max(0) } else { start };
    let end = if end < 0 { (len_i + end).max(0) } else { end.min(len_i - 1) };
    (start <= end).then_some((start as usize, end as usize))
}

/// GETRANGE key start end (and SUBSTR)
fn getrange(ctx: &mut Ctx<'_>) -> CmdResult {
    let start = int(ctx.arg(2))?;
    let end = int(ctx.arg(3))?;
    let Some(s) = ctx.db.get_str(ctx.arg(1))? else {
        ctx.out.bulk(b"");
        return Ok(());
    };
    let mut buf = itoa::Buffer::new();
    let bytes = s.as_bytes(&mut buf);
    match resolve_range(start, end, bytes.len()) {
        Some((a, b)) => ctx.out.bulk(&bytes[a..=b]),
        None => ctx.out.bulk(b""),
    }
    Ok(())
}

/// SETRANGE key offset value
fn setrange(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.arg(1);
    let offset = int(ctx.arg(2))?;
    let val = ctx.arg(3);
    if offset < 0 {
        return Err(CmdError::msg("ERR offset is out of range"));
    }
    let cur_len = match ctx.db.get_str_mut(key)? {
        Some(e) => {
            let Some(s) = e.val.as_str_mut() else { return Err(CmdError::WrongType) };
            Some(s.len())
        }
        None => None,
    };
    if val.is_empty() {
        // Nothing to write: no key is created and an existing one is left as it is.
        ctx.out.int(cur_len.unwrap_or(0) as i64);
        return Ok(());
    }
    check_string_length(ctx, offset, val.len() as i64)?;
    let offset = offset as usize;
    let total = match cur_len {
        None => {
            let mut buf = vec![0u8; offset + val.len()];
            buf[offset..].copy_from_slice(val);
            let n = buf.len();
            ctx.db.set(key, Value::Str(StrValue::Raw(buf.into())), NO_EXPIRE, false)?;
            n
        }
        Some(_) => {
            let Some(e) = ctx.db.get_str_mut(key)? else { return Ok(()) };
            let Some(s) = e.val.as_str_mut() else { return Err(CmdError::WrongType) };
            let buf = s.make_raw();
            let need = offset + val.len();
            if buf.len() < need {
                buf.resize(need, 0);
            }
            buf[offset..need].copy_from_slice(val);
            buf.len()
        }
    };
    ctx.db.dirty(1);
    ctx.out.int(total as i64);
    Ok(())
}

/// INCR / DECR / INCRBY / DECRBY share this body. The TTL is kept; the result is `int`.
fn incr_by(ctx: &mut Ctx<'_>, key: &[u8], delta: i64) -> CmdResult {
    let cur = match ctx.db.get_str_mut(key)? {
        Some(e) => {
            let Some(s) = e.val.as_str_mut() else { return Err(CmdError::WrongType) };
            let n = s.as_int().ok_or(CmdError::NotInteger)?;
            let v = n.checked_add(delta).ok_or(CmdError::Overflow)?;
            *s = StrValue::Int(v);
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

/// INCRBYFLOAT key increment: computed in C `long double` (see the `longdouble` crate); the
/// result is stored as text (embstr/raw, never int), the TTL is kept, and it is propagated as
/// `SET key result KEEPTTL` so replicas never redo the float arithmetic.
fn incrbyfloat(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, incr) = (ctx.arg(1), ctx.arg(2));
    let cur = match ctx.db.get_str_mut(key)? {
        Some(e) => {
            let Some(s) = e.val.as_str_mut() else { return Err(CmdError::WrongType) };
            Some(s.to_vec())
        }
        None => None,
    };
    let sum = longdouble::add(cur.as_deref().unwrap_or(b"0"), incr).map_err(|e| match e {
        longdouble::AddError::BadValue | longdouble::AddError::BadIncrement => CmdError::NotFloat,
        longdouble::AddError::NotFinite => {
            CmdError::msg("ERR increment would produce NaN or Infinity")
        }
    })?;
    let val = Value::Str(StrValue::from_bytes_no_int(&sum));
    match ctx.db.get_str_mut(key)? {
        Some(e) => e.val = val,
        None => ctx.db.set(key, val, NO_EXPIRE, false)?,
    }
    ctx.db.dirty(1);
    ctx.out.bulk(&sum);
    ctx.db.fx.propagate_as(ctx.db.index, [&b"SET"[..], key, &sum, b"KEEPTTL"]);
    Ok(())
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
fn lcs(ctx: &mut Ctx<'_>) -> CmdResult {
    let a = ctx.db.get_str(ctx.arg(1)).map_err(|_| lcs_type_error())?.map(|s| s.to_vec());
    let b = ctx.db.get_str(ctx.arg(2)).map_err(|_| lcs_type_error())?.map(|s| s.to_vec());
    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());

    let (mut want_len, mut want_idx, mut with_len) = (false, false, false);
    let mut min_len: i64 = 0;
    let mut i = 3;
    while i < ctx.argc() {
        let opt = ctx.arg(i);
        let more = i + 1 < ctx.argc();
        if is(opt, "IDX") {
            want_idx = true;
        } else if is(opt, "LEN") {
            want_len = true;
        } else if is(opt, "WITHMATCHLEN") {
            with_len = true;
        } else if is(opt, "MINMATCHLEN") && more {
            min_len = int(ctx.arg(i + 1))?.max(0);
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if want_idx && want_len {
        return Err(CmdError::msg(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err(CmdError::msg("ERR String too long for LCS"));
    }

    // table[i * (blen + 1) + j] = length of the LCS of a[..i] and b[..j].
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    let bytes = cells.saturating_mul(4);
    if bytes > ctx.srv.config.settings().proto_max_bulk_len.max(0) as u64 {
        return Err(CmdError::msg(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    let mut table: Vec<u32> = Vec::new();
    if table.try_reserve_exact(cells as usize).is_err() {
        return Err(CmdError::msg(
            "ERR Insufficient memory, failed allocating transient memory for LCS",
        ));
    }
    table.resize(cells as usize, 0);
    let w = blen + 1;
    for i in 1..=alen {
        for j in 1..=blen {
            table[i * w + j] = if a[i - 1] == b[j - 1] {
                table[(i - 1) * w + j - 1] + 1
            } else {
                table[(i - 1) * w + j].max(table[i * w + j - 1])
            };
        }
    }
    let total = table[alen * w + blen];

    if want_len {
        ctx.out.int(total as i64);
        return Ok(());
    }

    // Walk back from the end, collecting the common subsequence and, for IDX, the ranges of
    // contiguous matches (last ones first), as Redis reports them.
    let mut seq = vec![0u8; total as usize];
    let mut fill = total as usize;
    let mut ranges = 0usize;
    let deferred = if want_idx {
        ctx.out.map(2);
        ctx.out.bulk(b"matches");
        Some(ctx.out.defer())
    } else {
        None
    };
    // Current range: (a_start, a_end, b_start, b_end), None between ranges.
    let mut cur: Option<(usize, usize, usize, usize)> = None;
    let (mut i, mut j) = (alen, blen);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            fill -= 1;
            seq[fill] = a[i - 1];
            cur = Some(match cur {
                None => (i - 1, i - 1, j - 1, j - 1),
                Some((as_, ae, bs, be)) => {
                    debug_assert!(as_ == i && bs == j, "matches while walking back are contiguous");
                    (as_ - 1, ae, bs - 1, be)
                }
            });
            if let Some((as_, _, bs, _)) = cur {
                if as_ == 0 || bs == 0 {
                    emit = true;
                }
            }
            i -= 1;
            j -= 1;
        } else {
            if table[(i - 1) * w + j] > table[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = cur.is_some();
        }
        if emit {
            if let Some((as_, ae, bs, be)) = cur.take() {
                let mlen = (ae - as_ + 1) as i64;
                if deferred.is_some() && (min_len == 0 || mlen >= min_len) {
                    ctx.out.array(2 + with_len as usize);
                    ctx.out.array(2);
                    ctx.out.int(as_ as i64);
                    ctx.out.int(ae as i64);
                    ctx.out.array(2);
                    ctx.out.int(bs as i64);
                    ctx.out.int(be as i64);
                    if with_len {
                        ctx.out.int(mlen);
                    }
                    ranges += 1;
                }
            }
        }
    }
    match deferred {
        Some(at) => {
            ctx.out.fill_array(at, ranges);
            ctx.out.bulk(b"len");
            ctx.out.int(total as i64);
        }
        None => ctx.out.bulk(&seq),
    }
    Ok(())
}

fn lcs_type_error() -> CmdError {
    CmdError::msg("ERR The specified keys must contain string values")
}

const RW_ACCESS_UPDATE: u32 = k::RW | k::ACCESS | k::UPDATE;

const EXPIRATION_ARGS: &[Arg] = &[
    Arg::integer("seconds").token("EX"),
    Arg::integer("milliseconds").token("PX"),
    Arg::unix_time("unix-time-seconds").token("EXAT"),
    Arg::unix_time("unix-time-milliseconds").token("PXAT"),
    Arg::pure("persist", "PERSIST"),
];

const RANGE_COMPLEXITY: &str = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

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
    CommandSpec::new("setnx", 3, Group::String, setnx)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::OW | k::INSERT, 1)])
        .deprecated("2.6.12", "`SET` with the `NX` argument")
        .summary("Set the string value of a key only when the key doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::string("value")]),
    CommandSpec::new("setex", 4, Group::String, setex)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1)])
        .since("2.0.0")
        .deprecated("2.6.12", "`SET` with the `EX` argument")
        .summary("Sets the string value and expiration time of a key. Creates the key if it doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::integer("seconds"), Arg::string("value")]),
    CommandSpec::new("psetex", 4, Group::String, psetex)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1)])
        .since("2.6.0")
        .deprecated("2.6.12", "`SET` with the `PX` argument")
        .summary("Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::integer("milliseconds"), Arg::string("value")]),
    CommandSpec::new("getex", -2, Group::String, getex)
        .flags(f::WRITE | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .since("6.2.0")
        .summary("Returns the string value of a key after setting its expiration time.")
        .args(&[Arg::key("key", 0), Arg::oneof("expiration", EXPIRATION_ARGS).optional()]),
    CommandSpec::new("getdel", 2, Group::String, getdel)
        .flags(f::WRITE | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RW | k::ACCESS | k::DELETE, 1)])
        .since("6.2.0")
        .summary("Returns the string value of a key after deleting the key.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("getset", 3, Group::String, getset)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .deprecated("6.2.0", "`SET` with the `!GET` argument")
        .summary("Returns the previous string value of a key after setting it to a new value.")
        .args(&[Arg::key("key", 0), Arg::string("value")]),
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
    CommandSpec::new("msetnx", -3, Group::String, msetnx)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::STRING)
        .keys(&[KeySpec::range(k::OW | k::INSERT, 1, -1, 2)])
        .since("1.0.1")
        .complexity("O(N) where N is the number of keys to set.")
        .tips(&["request_policy:multi_shard", "response_policy:agg_min"])
        .summary("Atomically modifies the string values of one or more keys only when all keys don't exist.")
        .args(&[Arg::block("data", &[Arg::key("key", 0), Arg::string("value")]).multiple()]),
    CommandSpec::new("append", 3, Group::String, append)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RW | k::INSERT, 1)])
        .since("2.0.0")
        .complexity("O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.")
        .summary("Appends a string to the value of a key. Creates the key if it doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::string("value")]),
    CommandSpec::new("strlen", 2, Group::String, strlen)
        .flags(f::READONLY | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RO, 1)])
        .since("2.2.0")
        .summary("Returns the length of a string value.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("getrange", 4, Group::String, getrange)
        .flags(f::READONLY)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .since("2.4.0")
        .complexity(RANGE_COMPLEXITY)
        .summary("Returns a substring of the string stored at a key.")
        .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("end")]),
    CommandSpec::new("substr", 4, Group::String, getrange)
        .flags(f::READONLY)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .complexity(RANGE_COMPLEXITY)
        .deprecated("2.0.0", "`GETRANGE`")
        .summary("Returns a substring from a string value.")
        .args(&[Arg::key("key", 0), Arg::integer("start"), Arg::integer("end")]),
    CommandSpec::new("setrange", 4, Group::String, setrange)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(k::RW | k::UPDATE, 1)])
        .since("2.2.0")
        .complexity("O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.")
        .summary("Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::integer("offset"), Arg::string("value")]),
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
        .since("1.0.0")
        .summary("Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::integer("decrement")]),
    CommandSpec::new("incrbyfloat", 3, Group::String, incrbyfloat)
        .flags(f::WRITE | f::DENYOOM | f::FAST)
        .acl(acl::STRING)
        .keys(&[KeySpec::single(RW_ACCESS_UPDATE, 1)])
        .since("2.6.0")
        .summary("Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
        .args(&[Arg::key("key", 0), Arg::double("increment")]),
    CommandSpec::new("lcs", -3, Group::String, lcs)
        .flags(f::READONLY)
        .acl(acl::STRING)
        .keys(&[KeySpec::range(k::RO | k::ACCESS, 1, 1, 1)])
        .since("7.0.0")
        .complexity("O(N*M) where N and M are the lengths of s1 and s2, respectively")
        .summary("Finds the longest common substring.")
        .args(&[
            Arg::key("key1", 0),
            Arg::key("key2", 0),
            Arg::pure("len", "LEN").optional(),
            Arg::pure("idx", "IDX").optional(),
            Arg::integer("min-match-len").token("MINMATCHLEN").optional(),
            Arg::pure("withmatchlen", "WITHMATCHLEN").optional(),
        ]),
];

#[cfg(test)]
mod tests {
    use super::resolve_range;
    use crate::testkit::Harness;
    use crate::util::time::now_ms;

    /// Parses the ms of a `... PXAT ms` / `PEXPIREAT k ms` record.
    fn last_ms(rec: &str) -> i64 {
        rec.rsplit(' ').next().and_then(|s| s.parse().ok()).expect("ms")
    }

    #[test]
    fn propagation_rewrites_follow_redis() {
        let mut h = Harness::new();
        assert_eq!(h.prop(&["SET", "k", "v"]), ["SET k v"]);
        let before = now_ms();
        let p = h.prop(&["SET", "k", "v", "EX", "100"]);
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("SET k v PXAT "), "{p:?}");
        let ms = last_ms(&p[0]);
        assert!(ms >= before + 100_000 && ms <= now_ms() + 100_000, "{ms}");
        let p = h.prop(&["SET", "k", "v", "px", "5000", "NX"]);
        assert!(p.is_empty(), "blocked SET propagates nothing: {p:?}");
        let p = h.prop(&["SET", "k", "v", "XX", "PX", "5000", "GET"]);
        assert!(p[0].starts_with("SET k v PXAT "), "{p:?}");
        assert_eq!(
            h.prop(&["SET", "k", "v", "EXAT", "32503680000"]),
            ["SET k v PXAT 32503680000000"]
        );
        assert_eq!(
            h.prop(&["SET", "k", "v", "PXAT", "32503680000000", "GET"]),
            ["SET k v PXAT 32503680000000 GET"]
        );
        assert_eq!(h.prop(&["SET", "k", "v", "GET", "XX", "get"]), ["SET k v XX"]);
        assert_eq!(h.prop(&["SET", "k", "v", "KEEPTTL", "GET"]), ["SET k v KEEPTTL"]);
        assert!(h.prop(&["SET", "k", "v", "EX", "0"]).is_empty());
        for cmd in ["SETEX", "PSETEX"] {
            let p = h.prop(&[cmd, "k", "100000", "v"]);
            assert!(p[0].starts_with("SET k v PXAT "), "{cmd}: {p:?}");
        }
        assert_eq!(h.prop(&["SETNX", "n", "1"]), ["SETNX n 1"]);
        assert!(h.prop(&["SETNX", "n", "1"]).is_empty());
        let p = h.prop(&["GETEX", "k", "EX", "100"]);
        assert!(p[0].starts_with("PEXPIREAT k "), "{p:?}");
        let p = h.prop(&["GETEX", "k", "PX", "100"]);
        assert!(p[0].starts_with("PEXPIREAT k "), "{p:?}");
        assert_eq!(h.prop(&["GETEX", "k", "EXAT", "32503680000"]), ["PEXPIREAT k 32503680000000"]);
        assert_eq!(
            h.prop(&["GETEX", "k", "PXAT", "32503680000000"]),
            ["GETEX k PXAT 32503680000000"]
        );
        assert!(h.prop(&["GETEX", "k"]).is_empty());
        assert_eq!(h.prop(&["GETEX", "k", "PERSIST"]), ["PERSIST k"]);
        assert!(h.prop(&["GETEX", "k", "PERSIST"]).is_empty(), "no TTL, nothing to persist");
        assert_eq!(h.prop(&["GETEX", "k", "EXAT", "1"]), ["DEL k"]);
        assert_eq!(h.run(&["GET", "k"]).0, "$-1\r\n");
        h.run(&["SET", "k", "v"]);
        assert_eq!(h.prop(&["GETDEL", "k"]), ["DEL k"]);
        assert!(h.prop(&["GETDEL", "k"]).is_empty());
        assert_eq!(h.prop(&["GETSET", "k", "a"]), ["SET k a"]);
        assert_eq!(h.prop(&["INCRBYFLOAT", "f", "1.50"]), ["SET f 1.5 KEEPTTL"]);
        assert_eq!(h.prop(&["INCRBYFLOAT", "f", "0.1"]), ["SET f 1.6 KEEPTTL"]);
        assert!(h.prop(&["INCRBYFLOAT", "f", "x"]).is_empty());
        assert_eq!(h.prop(&["INCR", "c"]), ["INCR c"]);
        assert_eq!(h.prop(&["APPEND", "c", "0"]), ["APPEND c 0"]);
        assert_eq!(h.prop(&["SETRANGE", "c", "0", "x"]), ["SETRANGE c 0 x"]);
        assert!(h.prop(&["SETRANGE", "c", "0", ""]).is_empty());
        assert_eq!(h.prop(&["MSET", "a", "1", "b", "2"]), ["MSET a 1 b 2"]);
        assert!(h.prop(&["MSETNX", "a", "1", "z", "2"]).is_empty());
        assert!(h.prop(&["GET", "a"]).is_empty());
    }

    #[test]
    fn encodings_match_redis_after_commands() {
        // Each expectation was checked with OBJECT ENCODING on redis-server 7.0.15.
        let mut h = Harness::new();
        let x44 = "x".repeat(44);
        let x45 = "x".repeat(45);
        let cases: &[(&[&str], &str, &str)] = &[
            (&["SET", "a", "123"], "a", "int"),
            (&["SET", "a", "0123"], "a", "embstr"),
            (&["SET", "a", &x44], "a", "embstr"),
            (&["SET", "a", &x45], "a", "raw"),
            (&["SET", "a", "12345678901234567890"], "a", "embstr"),
            (&["APPEND", "b", "123"], "b", "int"),
            (&["APPEND", "b", "4"], "b", "raw"),
            (&["APPEND", "c", "abc"], "c", "embstr"),
            (&["SET", "d", "5"], "d", "int"),
            (&["APPEND", "d", ""], "d", "raw"),
            (&["SET", "d", "5"], "d", "int"),
            (&["SETRANGE", "d", "0", ""], "d", "int"),
            (&["SETRANGE", "d", "0", "6"], "d", "raw"),
            (&["SETRANGE", "nd", "0", "6"], "nd", "raw"),
            (&["INCR", "d"], "d", "int"),
            (&["INCRBYFLOAT", "f", "1"], "f", "embstr"),
            (&["INCRBYFLOAT", "f", "1.5"], "f", "embstr"),
            (&["INCRBYFLOAT", "g", "1e30"], "g", "embstr"),
            (&["GETSET", "h", "77"], "h", "int"),
            (&["SETEX", "i", "100", "77"], "i", "int"),
            (&["MSET", "j", "77"], "j", "int"),
            (&["SETNX", "k", "77"], "k", "int"),
            (&["SET", "l", "10"], "l", "int"),
            (&["INCRBYFLOAT", "l", "1"], "l", "embstr"),
            (&["SET", "m", "100000"], "m", "int"),
            (&["GETEX", "m", "PERSIST"], "m", "int"),
        ];
        for (cmd, key, want) in cases {
            h.run(cmd);
            assert_eq!(h.encoding(key), *want, "after {cmd:?}");
        }
    }

    #[test]
    fn ranges_resolve_like_getrange() {
        assert_eq!(resolve_range(0, -1, 5), Some((0, 4)));
        assert_eq!(resolve_range(-3, -1, 5), Some((2, 4)));
        assert_eq!(resolve_range(-1, -5, 5), None);
        assert_eq!(resolve_range(3, -5, 5), None);
        assert_eq!(resolve_range(-100, 100, 5), Some((0, 4)));
        assert_eq!(resolve_range(0, i64::MAX, 5), Some((0, 4)));
        assert_eq!(resolve_range(10, 20, 5), None);
        assert_eq!(resolve_range(0, 0, 0), None);
        assert_eq!(resolve_range(i64::MIN, i64::MAX, 3), Some((0, 2)));
    }
}
