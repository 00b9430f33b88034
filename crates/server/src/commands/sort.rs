//! SORT and SORT_RO: sorting the elements of a list, set or sorted set, as Redis's `sort.c`.
//!
//! * Elements are compared as doubles (an element that is not a number is an error, "One or
//!   more scores can't be converted into double"), or with ALPHA as byte strings; equal
//!   scores fall back to comparing the elements so the order is deterministic.
//! * `BY pattern` takes each element's weight from another key: the first `*` in the
//!   pattern is replaced by the element, and `->field` after it reads a hash field. A
//!   pattern without `*` (conventionally `nosort`) skips sorting. `GET pattern` (repeatable;
//!   `#` is the element itself) replaces each element in the reply by those lookups.
//! * LIMIT offset count, ASC/DESC, and STORE destination (SORT only), which stores the result
//!   as a list (an empty result deletes the destination) and answers its length.
//! * As in Redis, sorting a set with `nosort` still sorts (ALPHA) when storing, so the
//!   result does not depend on hash-table order; and a list or sorted set with `nosort` keeps
//!   its own order (reversed by DESC), with LIMIT taken directly from it. Redis converts a
//!   listpack sorted set to a skiplist before sorting; OBJECT ENCODING shows the same here.
//!
//! BY and GET may read any key of the database, so SORT locks the whole database (its spec's
//! scope), the way a MULTI block would.

use std::cmp::Ordering;

use crate::cmd::args::{int, is};
use crate::cmd::error::WRONGTYPE;
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec, Scope};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::db::NO_EXPIRE;
use crate::types::list::End;
use crate::types::{List, Value};
use crate::util::num::parse_f64;

/// Parsed options.
struct Opts<'a> {
    by: Option<&'a [u8]>,
    dont_sort: bool,
    gets: Vec<&'a [u8]>,
    limit: Option<(i64, i64)>,
    desc: bool,
    alpha: bool,
    store: Option<&'a [u8]>,
}

fn parse<'a>(ctx: &Ctx<'a>, ro: bool) -> Result<Opts<'a>, CmdError> {
    let mut o = Opts {
        by: None,
        dont_sort: false,
        gets: Vec::new(),
        limit: None,
        desc: false,
        alpha: false,
        store: None,
    };
    let n = ctx.argc();
    let mut j = 2;
    while j < n {
        let a = ctx.arg(j);
        let left = n - j - 1;
        if is(a, "asc") {
            o.desc = false;
        } else if is(a, "desc") {
            o.desc = true;
        } else if is(a, "alpha") {
            o.alpha = true;
        } else if is(a, "limit") && left >= 2 {
            o.limit = Some((int(ctx.arg(j + 1))?, int(ctx.arg(j + 2))?));
            j += 2;
        } else if is(a, "store") && left >= 1 && !ro {
            o.store = Some(ctx.arg(j + 1));
            j += 1;
        } else if is(a, "by") && left >= 1 {
            let p = ctx.arg(j + 1);
            o.by = Some(p);
            // A pattern without '*' names no key per element: nothing to sort by.
            o.dont_sort = !p.contains(&b'*');
            j += 1;
        } else if is(a, "get") && left >= 1 {
            o.gets.push(ctx.arg(j + 1));
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

/// Redis's `sortGetKeys`: the sorted key, then the destination of the last STORE.
pub fn sort_keys(argv: &resp::parse::Argv<'_>, f: &mut dyn FnMut(usize, usize)) {
    if argv.len() < 2 {
        return;
    }
    f(1, 0);
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let a = argv.get(i);
        if is(a, "limit") {
            i += 2;
        } else if is(a, "get") || is(a, "by") {
            i += 1;
        } else if is(a, "store") && i + 1 < argv.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(s) = store {
        f(s, 2);
    }
}

/// Redis's `lookupKeyByPattern`: `#` is the element; else the first `*` is replaced by it,
/// and `->field` after the `*` reads that field of a hash. Only strings (or the hash field)
/// are returned.
fn lookup_by_pattern(ctx: &mut Ctx<'_>, pattern: &[u8], elem: &[u8]) -> Option<Vec<u8>> {
    if pattern == b"#" {
        return Some(elem.to_vec());
    }
    let star = pattern.iter().position(|&c| c == b'*')?;
    let after = &pattern[star + 1..];
    let arrow = after.windows(2).position(|w| w == b"->");
    let (postfix, field) = match arrow {
        Some(p) if p + 2 < after.len() => (&after[..p], Some(&after[p + 2..])),
        _ => (after, None),
    };
    let mut key = Vec::with_capacity(pattern.len() + elem.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(postfix);
    let e = ctx.db.lookup(&key, Lookup::Read).ok()??;
    match (field, &mut e.val) {
        (None, Value::Str(s)) => Some(s.to_vec()),
        (Some(fl), Value::Hash(h)) => h.get(fl),
        _ => None,
    }
}

/// The bytes C string functions see: up to the first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    b.iter().position(|&c| c == 0).map_or(b, |i| &b[..i])
}

/// `strtod` with Redis's SORT checks: leading blanks allowed, nothing after the number, no
/// overflow, no NaN; the empty string reads as 0. Like `strtod`, it stops at a NUL byte.
fn sort_score(b: &[u8]) -> Option<f64> {
    let t = c_str(b).trim_ascii_start();
    if t.is_empty() {
        return Some(0.0);
    }
    parse_f64(t)
}

/// One element with what it is compared by.
struct Item {
    elem: Vec<u8>,
    score: f64,
    by: Option<Vec<u8>>,
}

fn sort_generic(ctx: &mut Ctx<'_>, ro: bool) -> CmdResult {
    let o = parse(ctx, ro)?;
    let key = ctx.arg(1);
    let lim = ctx.srv.config.enc.get();
    let mode = if o.store.is_some() { Lookup::Write } else { Lookup::Read };
    // The elements, in the value's own order.
    let mut elems: Vec<Vec<u8>> = Vec::new();
    let mut is_set = false;
    let mut ordered = false;
    match ctx.db.lookup(key, mode)? {
        None => {}
        Some(e) => match &mut e.val {
            Value::List(l) => {
                ordered = true;
                elems.extend(l.iter());
            }
            Value::Set(s) => {
                is_set = true;
                elems.extend(s.iter().map(|x| x.as_ref().to_vec()));
            }
            Value::ZSet(z) => {
                ordered = true;
                z.convert_to_skiplist();
                elems.extend(z.iter().map(|(m, _)| m.as_ref().to_vec()));
            }
            _ => return Err(CmdError::msg(WRONGTYPE)),
        },
    }
    let (mut dont_sort, mut alpha, mut by) = (o.dont_sort, o.alpha, o.by);
    if dont_sort && is_set && o.store.is_some() {
        // Storing a set's elements in hash-table order would not replicate: sort them.
        dont_sort = false;
        alpha = true;
        by = None;
    }
    let len = elems.len() as i64;
    let (mut start, mut end) = match o.limit {
        Some((off, count)) => {
            let s = off.max(0);
            (s, if count < 0 { len - 1 } else { s.saturating_add(count).saturating_sub(1) })
        }
        None => (0, len - 1),
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }
    if dont_sort && ordered && o.desc {
        elems.reverse();
    }
    let mut items: Vec<Item> =
        elems.into_iter().map(|elem| Item { elem, score: 0.0, by: None }).collect();
    if !dont_sort {
        for it in items.iter_mut() {
            let weight = match by {
                Some(p) => match lookup_by_pattern(ctx, p, &it.elem) {
                    Some(w) => w,
                    None => continue,
                },
                None => it.elem.clone(),
            };
            if alpha {
                if by.is_some() {
                    it.by = Some(weight);
                }
            } else {
                it.score = sort_score(&weight).ok_or(CmdError::msg(
                    "ERR One or more scores can't be converted into double",
                ))?;
            }
        }
        let with_by = by.is_some();
        // ALPHA compares binary-safe when storing, else as C strings (`strcoll` in the C
        // locale), exactly as Redis chooses between its two comparisons.
        let storing = o.store.is_some();
        let text_cmp = |x: &[u8], y: &[u8]| if storing { x.cmp(y) } else { c_str(x).cmp(c_str(y)) };
        items.sort_by(|a, b| {
            let c = if !alpha {
                a.score
                    .partial_cmp(&b.score)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| a.elem.cmp(&b.elem))
            } else if with_by {
                // A missing weight sorts first.
                match (&a.by, &b.by) {
                    (Some(x), Some(y)) => text_cmp(x, y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                }
            } else {
                text_cmp(&a.elem, &b.elem)
            };
            if o.desc {
                c.reverse()
            } else {
                c
            }
        });
    }
    let range: &[Item] =
        if start < 0 || end < start { &[] } else { &items[start as usize..=end as usize] };
    // The output: each element, or each GET lookup of it.
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    for it in range {
        if o.gets.is_empty() {
            out.push(Some(it.elem.clone()));
        }
        for g in &o.gets {
            let v = lookup_by_pattern(ctx, g, &it.elem);
            out.push(v);
        }
    }
    match o.store {
        None => {
            ctx.out.array(out.len());
            for v in out {
                match v {
                    Some(b) => ctx.out.bulk(&b),
                    None => ctx.out.null(),
                }
            }
        }
        Some(dst) => {
            let n = out.len();
            if n > 0 {
                let mut l = List::new();
                for v in &out {
                    l.push(End::Tail, v.as_deref().unwrap_or(b""), &lim);
                }
                ctx.db.set(dst, Value::List(Box::new(l)), NO_EXPIRE, false)?;
                ctx.db.dirty(n as u64);
            } else if ctx.db.delete(dst)?.is_some() {
                ctx.db.dirty(1);
            }
            ctx.out.int(n as i64);
        }
    }
    Ok(())
}

/// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
/// [STORE destination]
fn sort(ctx: &mut Ctx<'_>) -> CmdResult {
    sort_generic(ctx, false)
}

/// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
fn sort_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    sort_generic(ctx, true)
}

const BY_NOTE: &str = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";
const STORE_NOTE: &str = "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array";
const COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

const SORT_RO_ARGS: &[Arg] = &[
    Arg::key("key", 0),
    Arg::pattern("pattern").key_spec(1).token("BY").optional(),
    Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")])
        .token("LIMIT")
        .optional(),
    Arg::pattern("pattern").key_spec(1).token("GET").optional().multiple().multiple_token(),
    Arg::oneof("order", &[Arg::pure("asc", "ASC"), Arg::pure("desc", "DESC")]).optional(),
    Arg::pure("sorting", "ALPHA").optional(),
];

const SORT_ARGS: &[Arg] = &[
    Arg::key("key", 0),
    Arg::pattern("pattern").key_spec(1).token("BY").optional(),
    Arg::block("offset_count", &[Arg::integer("offset"), Arg::integer("count")])
        .token("LIMIT")
        .optional(),
    Arg::pattern("pattern").key_spec(1).token("GET").optional().multiple().multiple_token(),
    Arg::oneof("order", &[Arg::pure("asc", "ASC"), Arg::pure("desc", "DESC")]).optional(),
    Arg::pure("sorting", "ALPHA").optional(),
    Arg::key("destination", 2).token("STORE").optional(),
];

/// SORT and SORT_RO.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("sort", -2, Group::Generic, sort)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::SET | acl::SORTEDSET | acl::LIST | acl::SLOW | acl::DANGEROUS)
        .keys(&[
            KeySpec::single(k::RO | k::ACCESS, 1),
            KeySpec::unknown(k::RO | k::ACCESS),
            KeySpec::unknown(k::OW | k::UPDATE),
        ])
        .key_notes(&[(1, BY_NOTE), (2, STORE_NOTE)])
        .getkeys(sort_keys)
        .scope(Scope::Db)
        .summary("Sort the elements in a list, set or sorted set")
        .complexity(COMPLEXITY)
        .args(SORT_ARGS),
    CommandSpec::new("sort_ro", -2, Group::Generic, sort_ro)
        .flags(f::READONLY)
        .acl(acl::SET | acl::SORTEDSET | acl::LIST | acl::SLOW | acl::DANGEROUS)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1), KeySpec::unknown(k::RO | k::ACCESS)])
        .key_notes(&[(1, BY_NOTE)])
        .getkeys(sort_keys)
        .scope(Scope::Db)
        .since("7.0.0")
        .summary("Sort the elements in a list, set or sorted set. Read-only variant of SORT.")
        .complexity(COMPLEXITY)
        .args(SORT_RO_ARGS),
];
