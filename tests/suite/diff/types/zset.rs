//! Random traffic for the sorted set commands, their allowed differences, and a seeded
//! zset-only run with lowered encoding thresholds that compares OBJECT ENCODING after every
//! step (so listpack/skiplist conversions are exercised and compared).
//!
//! Lex-range commands run on their own key, [`LEX_KEY`], whose members all have score 0:
//! on a set with mixed scores the result of a lex range is unspecified (Redis's skiplist
//! search then depends on its random node levels), so comparing it would be noise.

use crate::diff::generator::{b, cmd, Entry, Gen, Mode};

/// The key of the lex-range commands (all scores 0). Not one of the generator's `KEYS`, so
/// no other command writes it.
const LEX_KEY: &[u8] = b"zlex";

/// Scores: ordinary, edge and invalid.
const SCORES: &[&str] = &[
    "0", "1", "-1", "2", "2.5", "3", "10", "-0", "0.1", "1e3", "inf", "-inf", "+inf", "100",
    "1.5e-3", "7", "42", "nan", "abc", "", " 1",
];

/// Members: a small space so commands meet, with numbers (integer listpack entries),
/// empty, binary and one longer than the lowered value limit.
const MEMBERS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "ab", "", "1", "10", "-5", "007", "longmember12345", "\u{0}x"];

/// Score range bounds.
const SCORE_BOUNDS: &[&str] =
    &["-inf", "+inf", "inf", "(1", "1", "2.5", "(2.5", "0", "(-0", "3", "(10", "x", "", "((1", "nan"];

/// Lex range bounds.
const LEX_BOUNDS: &[&str] = &["-", "+", "[a", "(a", "[c", "(c", "[ab", "(", "[", "a", "[zz", "(1"];

fn score(g: &mut Gen) -> Vec<u8> {
    if g.rng.chance(1, 20) {
        return g.value();
    }
    b(g.rng.pick(SCORES))
}

fn member(g: &mut Gen) -> Vec<u8> {
    if g.rng.chance(1, 20) {
        return g.value();
    }
    b(g.rng.pick(MEMBERS))
}

fn sbound(g: &mut Gen) -> Vec<u8> {
    b(g.rng.pick(SCORE_BOUNDS))
}

fn lbound(g: &mut Gen) -> Vec<u8> {
    b(g.rng.pick(LEX_BOUNDS))
}

/// `score member` pairs (1..=4).
fn pairs(g: &mut Gen, v: &mut Vec<Vec<u8>>) {
    for _ in 0..1 + g.rng.below(4) {
        v.push(score(g));
        v.push(member(g));
    }
}

/// Optional `LIMIT offset count`.
fn limit(g: &mut Gen, v: &mut Vec<Vec<u8>>) {
    if g.rng.chance(1, 3) {
        v.push(g.opt("LIMIT"));
        v.push(g.small_int());
        v.push(g.small_int());
    }
}

/// `numkeys key...` for the multi-key commands.
fn keys(g: &mut Gen, v: &mut Vec<Vec<u8>>) -> usize {
    let n = 1 + g.rng.below(3);
    v.push(b(&n.to_string()));
    for _ in 0..n {
        v.push(if g.rng.chance(1, 8) { LEX_KEY.to_vec() } else { g.key() });
    }
    n
}

fn zadd(g: &mut Gen) -> Vec<Vec<u8>> {
    let mut v = vec![g.key()];
    for o in ["NX", "XX", "GT", "LT", "CH"] {
        if g.rng.chance(1, 8) {
            v.push(g.opt(o));
        }
    }
    if g.rng.chance(1, 8) {
        v.push(g.opt("INCR"));
        v.push(score(g));
        v.push(member(g));
    } else {
        pairs(g, &mut v);
    }
    cmd("ZADD", v)
}

fn zrange(g: &mut Gen, store: bool) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    if store {
        v.push(g.key());
    }
    match g.rng.below(3) {
        0 => {
            v.extend([g.key(), g.small_int(), g.small_int()]);
            if g.rng.chance(1, 3) {
                v.push(g.opt("REV"));
            }
        }
        1 => {
            let rev = g.rng.chance(1, 2);
            v.extend([g.key(), sbound(g), sbound(g), g.opt("BYSCORE")]);
            if rev {
                v.push(g.opt("REV"));
            }
            limit(g, &mut v);
        }
        _ => {
            let rev = g.rng.chance(1, 2);
            v.extend([LEX_KEY.to_vec(), lbound(g), lbound(g), g.opt("BYLEX")]);
            if rev {
                v.push(g.opt("REV"));
            }
            limit(g, &mut v);
        }
    }
    if !store && g.rng.chance(1, 2) {
        v.push(g.opt("WITHSCORES"));
    }
    cmd(if store { "ZRANGESTORE" } else { "ZRANGE" }, v)
}

fn byscore(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut v = vec![g.key(), sbound(g), sbound(g)];
    if g.rng.chance(1, 2) {
        v.push(g.opt("WITHSCORES"));
    }
    limit(g, &mut v);
    cmd(name, v)
}

fn bylex(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut v = vec![LEX_KEY.to_vec(), lbound(g), lbound(g)];
    limit(g, &mut v);
    cmd(name, v)
}

fn setop(g: &mut Gen, name: &str, store: bool, weights: bool) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    if store {
        v.push(g.key());
    }
    let n = keys(g, &mut v);
    if weights && g.rng.chance(1, 3) {
        v.push(g.opt("WEIGHTS"));
        for _ in 0..n {
            v.push(b(g.rng.pick(&["1", "2", "0", "-1", "0.5", "inf", "x"][..])));
        }
    }
    if weights && g.rng.chance(1, 3) {
        v.push(g.opt("AGGREGATE"));
        v.push(g.opt_of(&["SUM", "MIN", "MAX"]));
    }
    if !store && g.rng.chance(1, 2) {
        v.push(g.opt("WITHSCORES"));
    }
    cmd(name, v)
}

fn pop(g: &mut Gen, name: &str) -> Vec<Vec<u8>> {
    let mut v = vec![g.key()];
    if g.rng.chance(1, 2) {
        v.push(b(g.rng.pick(&["0", "1", "2", "5", "-1", "x"][..])));
    }
    cmd(name, v)
}

/// The sorted set commands the generator knows.
pub static COMMANDS: &[Entry] = &[
    Entry { name: "zadd", weight: 24, build: zadd },
    Entry {
        name: "zadd",
        weight: 4,
        build: |g| {
            let mut v = vec![LEX_KEY.to_vec()];
            for _ in 0..1 + g.rng.below(3) {
                v.push(b("0"));
                v.push(member(g));
            }
            cmd("ZADD", v)
        },
    },
    Entry { name: "zincrby", weight: 5, build: |g| cmd("ZINCRBY", vec![g.key(), score(g), member(g)]) },
    Entry {
        name: "zrem",
        weight: 5,
        build: |g| {
            let k = if g.rng.chance(1, 5) { LEX_KEY.to_vec() } else { g.key() };
            cmd("ZREM", vec![k, member(g), member(g)])
        },
    },
    Entry { name: "zcard", weight: 3, build: |g| cmd("ZCARD", vec![g.key()]) },
    Entry { name: "zcount", weight: 3, build: |g| cmd("ZCOUNT", vec![g.key(), sbound(g), sbound(g)]) },
    Entry {
        name: "zlexcount",
        weight: 3,
        build: |g| cmd("ZLEXCOUNT", vec![LEX_KEY.to_vec(), lbound(g), lbound(g)]),
    },
    Entry { name: "zscore", weight: 4, build: |g| cmd("ZSCORE", vec![g.key(), member(g)]) },
    Entry {
        name: "zmscore",
        weight: 2,
        build: |g| cmd("ZMSCORE", vec![g.key(), member(g), member(g)]),
    },
    Entry { name: "zrank", weight: 3, build: |g| cmd("ZRANK", vec![g.key(), member(g)]) },
    Entry { name: "zrevrank", weight: 2, build: |g| cmd("ZREVRANK", vec![g.key(), member(g)]) },
    Entry { name: "zrange", weight: 8, build: |g| zrange(g, false) },
    Entry { name: "zrangestore", weight: 3, build: |g| zrange(g, true) },
    Entry { name: "zrangebyscore", weight: 3, build: |g| byscore(g, "ZRANGEBYSCORE") },
    Entry { name: "zrevrangebyscore", weight: 2, build: |g| byscore(g, "ZREVRANGEBYSCORE") },
    Entry { name: "zrangebylex", weight: 2, build: |g| bylex(g, "ZRANGEBYLEX") },
    Entry { name: "zrevrangebylex", weight: 2, build: |g| bylex(g, "ZREVRANGEBYLEX") },
    Entry {
        name: "zrevrange",
        weight: 2,
        build: |g| {
            let mut v = vec![g.key(), g.small_int(), g.small_int()];
            if g.rng.chance(1, 2) {
                v.push(g.opt("WITHSCORES"));
            }
            cmd("ZREVRANGE", v)
        },
    },
    Entry {
        name: "zremrangebyrank",
        weight: 2,
        build: |g| cmd("ZREMRANGEBYRANK", vec![g.key(), g.small_int(), g.small_int()]),
    },
    Entry {
        name: "zremrangebyscore",
        weight: 2,
        build: |g| cmd("ZREMRANGEBYSCORE", vec![g.key(), sbound(g), sbound(g)]),
    },
    Entry {
        name: "zremrangebylex",
        weight: 1,
        build: |g| cmd("ZREMRANGEBYLEX", vec![LEX_KEY.to_vec(), lbound(g), lbound(g)]),
    },
    Entry { name: "zpopmin", weight: 3, build: |g| pop(g, "ZPOPMIN") },
    Entry { name: "zpopmax", weight: 3, build: |g| pop(g, "ZPOPMAX") },
    Entry {
        name: "zmpop",
        weight: 2,
        build: |g| {
            let mut v = Vec::new();
            keys(g, &mut v);
            v.push(g.opt_of(&["MIN", "MAX"]));
            if g.rng.chance(1, 2) {
                v.push(g.opt("COUNT"));
                v.push(b(g.rng.pick(&["1", "2", "10", "0", "-1"][..])));
            }
            cmd("ZMPOP", v)
        },
    },
    Entry {
        name: "zrandmember",
        weight: 2,
        build: |g| {
            let mut v = vec![g.key()];
            if g.rng.chance(2, 3) {
                v.push(b(g.rng.pick(&["0", "1", "3", "100", "-3", "-10", "x"][..])));
                if g.rng.chance(1, 2) {
                    v.push(g.opt("WITHSCORES"));
                }
            }
            cmd("ZRANDMEMBER", v)
        },
    },
    Entry { name: "zunion", weight: 2, build: |g| setop(g, "ZUNION", false, true) },
    Entry { name: "zinter", weight: 2, build: |g| setop(g, "ZINTER", false, true) },
    Entry { name: "zdiff", weight: 2, build: |g| setop(g, "ZDIFF", false, false) },
    Entry { name: "zunionstore", weight: 2, build: |g| setop(g, "ZUNIONSTORE", true, true) },
    Entry { name: "zinterstore", weight: 2, build: |g| setop(g, "ZINTERSTORE", true, true) },
    Entry { name: "zdiffstore", weight: 2, build: |g| setop(g, "ZDIFFSTORE", true, false) },
    Entry {
        name: "zintercard",
        weight: 2,
        build: |g| {
            let mut v = Vec::new();
            keys(g, &mut v);
            if g.rng.chance(1, 2) {
                v.push(g.opt("LIMIT"));
                v.push(b(g.rng.pick(&["0", "1", "2", "-1"][..])));
            }
            cmd("ZINTERCARD", v)
        },
    },
    Entry {
        name: "zscan",
        weight: 2,
        build: |g| {
            let mut v = vec![g.key(), b("0")];
            if g.rng.chance(1, 3) {
                v.push(g.opt("MATCH"));
                v.push(b(g.rng.pick(&["*", "a*", "?", "[a-c]*"][..])));
            }
            if g.rng.chance(1, 3) {
                v.push(g.opt("COUNT"));
                v.push(b(g.rng.pick(&["1", "10", "100", "0"][..])));
            }
            cmd("ZSCAN", v)
        },
    },
];

/// Parses a SCAN-shaped reply: `*2`, the cursor bulk, an array of bulks.
fn scan_reply(r: &[u8]) -> Option<(Vec<u8>, Vec<Vec<u8>>)> {
    fn line<'a>(r: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
        let i = r[*pos..].windows(2).position(|w| w == b"\r\n")?;
        let l = &r[*pos..*pos + i];
        *pos += i + 2;
        Some(l)
    }
    fn bulk(r: &[u8], pos: &mut usize) -> Option<Vec<u8>> {
        let h = line(r, pos)?;
        let n: usize = std::str::from_utf8(h.strip_prefix(b"$")?).ok()?.parse().ok()?;
        let v = r.get(*pos..*pos + n)?.to_vec();
        *pos += n + 2;
        Some(v)
    }
    let mut pos = 0;
    if line(r, &mut pos)? != b"*2" {
        return None;
    }
    let cursor = bulk(r, &mut pos)?;
    let n: usize = std::str::from_utf8(line(r, &mut pos)?.strip_prefix(b"*")?).ok()?.parse().ok()?;
    let items = (0..n).map(|_| bulk(r, &mut pos)).collect::<Option<Vec<_>>>()?;
    (items.len() % 2 == 0).then_some((cursor, items))
}

/// Splits a RESP reply into its lines.
fn lines(r: &[u8]) -> Vec<&[u8]> {
    r.split(|&c| c == b'\n').collect()
}

/// This family's allowed differences (see `tests/ALLOWED_DIFFERENCES.md`, "Sorted sets"):
///
/// * ZRANK/ZREVRANK with a fourth argument: 7.2's WITHSCORE (or its syntax error) where
///   7.0.15 has an arity error.
/// * ZRANDMEMBER is random: same reply kind, and the same array length.
/// * ZSCAN of a `skiplist` walks a hash table whose order and cursors are not behaviour:
///   a complete scan from cursor 0 is compared as a multiset of (member, score) lines,
///   a partial one by shape only.
pub fn equivalent(name: &str, argv: &[Vec<u8>], ours: &[u8], theirs: &[u8]) -> bool {
    if (name == "zrank" || name == "zrevrank") && argv.len() == 4 {
        // 7.2's ZRANK key member [WITHSCORE]: 7.0.15 refuses any fourth argument.
        return theirs.starts_with(b"-ERR wrong number of arguments");
    }
    if ours.first() == Some(&b'-') || theirs.first() == Some(&b'-') {
        return false;
    }
    let (lo, lt) = (lines(ours), lines(theirs));
    match name {
        "zrandmember" => {
            let header_ok = if ours.first() == Some(&b'*') { lo[0] == lt[0] } else { ours[0] == theirs[0] };
            header_ok
        }
        "zscan" => match (scan_reply(ours), scan_reply(theirs)) {
            (Some((oc, mut oi)), Some((tc, mut ti))) => {
                let complete = argv.get(2).is_some_and(|c| c == b"0") && oc == b"0" && tc == b"0";
                if !complete {
                    return true;
                }
                let pairs = |v: &mut Vec<Vec<u8>>| {
                    let mut p: Vec<Vec<u8>> = v.chunks(2).map(|c| c.concat()).collect();
                    p.sort();
                    p
                };
                pairs(&mut oi) == pairs(&mut ti)
            }
            _ => false,
        },
        _ => false,
    }
}

/// A zset-only run: thresholds lowered on both servers, OBJECT ENCODING of the touched key
/// compared after each step. Seeds: `FERRODIS_SEED` or a fixed list.
#[test]
fn zset_sequences_with_encodings_match_reference() {
    use crate::diff::{equivalent as same, seeds, show_cmd, show_reply, steps};
    use ferrodis_tests::Pair;
    for seed in seeds(&[11, 12, 13, 14]) {
        let mut p = Pair::start(&[]);
        for c in [&mut p.a, &mut p.b] {
            for (k, v) in [("zset-max-listpack-entries", "4"), ("zset-max-listpack-value", "8")] {
                assert_eq!(c.cmd(&["CONFIG", "SET", k, v]), b"+OK\r\n");
            }
            if seed % 2 == 1 {
                c.cmd(&["HELLO", "3"]);
            }
        }
        let mut g = Gen::new(seed, Mode::Normal);
        let total: u32 = COMMANDS.iter().map(|e| e.weight).sum();
        let mut history: Vec<String> = Vec::new();
        for step in 0..steps(1500) {
            let mut r = g.rng.below(total as usize) as u32;
            let mut entry = &COMMANDS[0];
            for e in COMMANDS {
                if r < e.weight {
                    entry = e;
                    break;
                }
                r -= e.weight;
            }
            let mut argv = (entry.build)(&mut g);
            g.mangle(&mut argv);
            let (ours, theirs) = p.both(&argv);
            history.push(show_cmd(&argv));
            let fail = |what: &str, o: &[u8], t: &[u8], h: &[String]| {
                let recent = h[h.len().saturating_sub(15)..].join("\n  ");
                panic!(
                    "seed {seed} step {step}: {what}\n  ferrodis: {}\n  redis:    {}\nrecent:\n  {recent}",
                    show_reply(o),
                    show_reply(t)
                )
            };
            if !same(&argv, &ours, &theirs) {
                fail("reply differs", &ours, &theirs, &history);
            }
            let mut touched: Vec<&[u8]> = vec![LEX_KEY];
            if let Some(k) = argv.get(1) {
                touched.push(k);
            }
            for k in touched {
                let enc = [b"OBJECT".as_slice(), b"ENCODING", k];
                let (o, t) = p.both(&enc);
                if o != t {
                    fail(&format!("OBJECT ENCODING {}", show_cmd(&[k.to_vec()])), &o, &t, &history);
                }
            }
        }
    }
}
