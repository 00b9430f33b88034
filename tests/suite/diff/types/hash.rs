//! Random traffic for the hash commands, and the hash encoding run.
//!
//! The entries below join the main differential run. [`hash_sequences_match_with_low_thresholds`]
//! additionally drives only hash commands with the encoding thresholds lowered on both
//! servers (4 entries, 8 bytes), sending OBJECT ENCODING for the touched key after each step,
//! so every conversion point is exercised and compared.
//!
//! Allowed differences (`tests/ALLOWED_DIFFERENCES.md`, "Hashes"): a hashtable's order is
//! not behaviour, so HGETALL/HKEYS/HVALS compare as multisets and a finished HSCAN as a set of
//! pairs (an unfinished one by shape); HRANDFIELD is random, so it compares by shape and, for
//! a positive count, by the number of distinct fields.

use super::super::generator::{b, cmd, Entry, Gen, Mode, Rng};
use ferrodis_tests::Pair;

/// A small field space, so commands keep hitting each other's fields.
const FIELDS: &[&str] = &["f1", "f2", "f3", "a", "b", "", "007", "7", "-1", "longfield12"];

/// Float increments for HINCRBYFLOAT.
const FLOATS: &[&str] =
    &["0", "1", "-1", "0.1", "1.5", "-2.25", "1e3", "-0", "1e308", "inf", "nan", "abc", " 1"];

/// HSCAN patterns.
const PATTERNS: &[&str] = &["*", "f*", "?", "[a-f]*", "*1*", "x*"];

fn field(g: &mut Gen) -> Vec<u8> {
    b(g.rng.pick(FIELDS))
}

/// `n` field/value pairs after the key.
fn pairs(g: &mut Gen, max: usize) -> Vec<Vec<u8>> {
    let mut a = vec![g.key()];
    for _ in 0..1 + g.rng.below(max) {
        a.push(field(g));
        a.push(g.value());
    }
    a
}

/// The key and the first 1..=3 of `f1 f2 f3`, in that order, with random values.
fn same_fields(g: &mut Gen) -> Vec<Vec<u8>> {
    let mut a = vec![g.key()];
    for f in &FIELDS[..1 + g.rng.below(3)] {
        a.push(b(f));
        a.push(g.value());
    }
    a
}

/// The key and 1..=`max` fields.
fn fields(g: &mut Gen, max: usize) -> Vec<Vec<u8>> {
    let mut a = vec![g.key()];
    for _ in 0..1 + g.rng.below(max) {
        a.push(field(g));
    }
    a
}

/// An HRANDFIELD count: mostly small, sometimes negative, zero, or past the limits (the
/// builder adds WITHVALUES to the huge negative one).
fn rand_count(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(12) {
        0 => b("0"),
        1 => b("-4611686018427387904"),
        2 => b("-9223372036854775808"),
        3 => b("x"),
        4 => b("100"),
        n => b(&((n as i64) - 8).to_string()),
    }
}

/// The hash commands the generator knows.
pub static COMMANDS: &[Entry] = &[
    Entry { name: "hset", weight: 12, build: |g| cmd("HSET", pairs(g, 3)) },
    // The same fields in the same order on many keys: ferrodis shares such field lists
    // between hashes (a "shaped" listpack, types/shape.rs); later writes move them out again.
    Entry { name: "hset", weight: 4, build: |g| cmd("HSET", same_fields(g)) },
    Entry { name: "hmset", weight: 3, build: |g| cmd("HMSET", pairs(g, 3)) },
    Entry {
        name: "hsetnx",
        weight: 4,
        build: |g| cmd("HSETNX", vec![g.key(), field(g), g.value()]),
    },
    Entry { name: "hget", weight: 8, build: |g| cmd("HGET", vec![g.key(), field(g)]) },
    Entry { name: "hmget", weight: 4, build: |g| cmd("HMGET", fields(g, 4)) },
    Entry { name: "hgetall", weight: 5, build: |g| cmd("HGETALL", vec![g.key()]) },
    Entry { name: "hkeys", weight: 3, build: |g| cmd("HKEYS", vec![g.key()]) },
    Entry { name: "hvals", weight: 3, build: |g| cmd("HVALS", vec![g.key()]) },
    Entry { name: "hdel", weight: 6, build: |g| cmd("HDEL", fields(g, 3)) },
    Entry { name: "hlen", weight: 3, build: |g| cmd("HLEN", vec![g.key()]) },
    Entry { name: "hstrlen", weight: 3, build: |g| cmd("HSTRLEN", vec![g.key(), field(g)]) },
    Entry { name: "hexists", weight: 3, build: |g| cmd("HEXISTS", vec![g.key(), field(g)]) },
    Entry {
        name: "hincrby",
        weight: 5,
        build: |g| cmd("HINCRBY", vec![g.key(), field(g), g.int()]),
    },
    Entry {
        name: "hincrbyfloat",
        weight: 5,
        build: |g| {
            let incr = b(g.rng.pick(FLOATS));
            cmd("HINCRBYFLOAT", vec![g.key(), field(g), incr])
        },
    },
    Entry {
        name: "hrandfield",
        weight: 4,
        build: |g| {
            let mut a = cmd("HRANDFIELD", vec![g.key()]);
            if g.rng.chance(3, 4) {
                let count = rand_count(g);
                // Past -LONG_MAX/2 only WITHVALUES is refused; without it Redis would start
                // an endless reply.
                let huge = count.starts_with(b"-46");
                a.push(count);
                if huge || g.rng.chance(1, 2) {
                    let w = g.opt_of(&["WITHVALUES", "WITHVALUES", "WITHVALUE"]);
                    a.push(w);
                }
            }
            a
        },
    },
    Entry {
        name: "hscan",
        weight: 4,
        build: |g| {
            let mut a = cmd("HSCAN", vec![g.key(), b("0")]);
            if g.rng.chance(1, 2) {
                a.push(g.opt("MATCH"));
                a.push(b(g.rng.pick(PATTERNS)));
            }
            if g.rng.chance(1, 2) {
                a.push(g.opt("COUNT"));
                a.push(b(["1", "3", "10", "100", "0", "-1", "x"][g.rng.below(7)]));
            }
            a
        },
    },
];

/// A parsed reply: enough structure for the allowances below.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
enum R {
    Bulk(Vec<u8>),
    Null,
    Agg(u8, Vec<R>),
    Other(Vec<u8>),
}

fn parse(r: &[u8]) -> Option<R> {
    let (v, rest) = parse_at(r)?;
    rest.is_empty().then_some(v)
}

fn parse_at(r: &[u8]) -> Option<(R, &[u8])> {
    let i = r.windows(2).position(|w| w == b"\r\n")?;
    let (line, rest) = (&r[..i], &r[i + 2..]);
    let (&t, body) = line.split_first()?;
    let num = || std::str::from_utf8(body).ok()?.parse::<i64>().ok();
    match t {
        b'$' => {
            let n = num()?;
            if n < 0 {
                return Some((R::Null, rest));
            }
            let n = n as usize;
            Some((R::Bulk(rest.get(..n)?.to_vec()), rest.get(n + 2..)?))
        }
        b'_' => Some((R::Null, rest)),
        b'*' | b'%' | b'~' => {
            let n = num()?;
            if n < 0 {
                return Some((R::Null, rest));
            }
            let n = if t == b'%' { 2 * n as usize } else { n as usize };
            let mut items = Vec::with_capacity(n);
            let mut rest = rest;
            for _ in 0..n {
                let (v, r2) = parse_at(rest)?;
                items.push(v);
                rest = r2;
            }
            Some((R::Agg(t, items), rest))
        }
        _ => Some((R::Other(line.to_vec()), rest)),
    }
}

/// The items of an aggregate reply.
fn items(r: &R) -> Option<(u8, &[R])> {
    match r {
        R::Agg(t, v) => Some((*t, v)),
        _ => None,
    }
}

/// Sorted chunks of `n` items (pairs for n = 2).
fn sorted_chunks(v: &[R], n: usize) -> Option<Vec<Vec<R>>> {
    if !v.len().is_multiple_of(n) {
        return None;
    }
    let mut c: Vec<Vec<R>> = v.chunks(n).map(|c| c.to_vec()).collect();
    c.sort();
    Some(c)
}

/// The reply's shape: aggregate tags and lengths, bulks and nulls, without contents.
fn shape(r: &R) -> String {
    match r {
        R::Bulk(_) => "$".into(),
        R::Null => "_".into(),
        R::Other(l) => String::from_utf8_lossy(l).into_owned(),
        R::Agg(t, v) => {
            format!("{}{}[{}]", *t as char, v.len(), v.iter().map(shape).collect::<String>())
        }
    }
}

/// This family's allowed differences (see the module docs and `tests/ALLOWED_DIFFERENCES.md`).
pub fn equivalent(name: &str, argv: &[Vec<u8>], ours: &[u8], theirs: &[u8]) -> bool {
    if !name.starts_with('h') {
        return false;
    }
    let (Some(a), Some(b)) = (parse(ours), parse(theirs)) else { return false };
    match name {
        "hgetall" | "hkeys" | "hvals" => {
            let (Some((ta, va)), Some((tb, vb))) = (items(&a), items(&b)) else { return false };
            let n = if name == "hgetall" { 2 } else { 1 };
            ta == tb
                && sorted_chunks(va, n).is_some()
                && sorted_chunks(va, n) == sorted_chunks(vb, n)
        }
        "hscan" => {
            let (Some((_, va)), Some((_, vb))) = (items(&a), items(&b)) else { return false };
            let (Some(R::Bulk(ca)), Some(R::Bulk(cb))) = (va.first(), vb.first()) else {
                return false;
            };
            let (Some((_, ea)), Some((_, eb))) =
                (va.get(1).and_then(items), vb.get(1).and_then(items))
            else {
                return false;
            };
            if va.len() != 2
                || vb.len() != 2
                || !ea.len().is_multiple_of(2)
                || !eb.len().is_multiple_of(2)
            {
                return false;
            }
            if ca == b"0" && cb == b"0" {
                sorted_chunks(ea, 2) == sorted_chunks(eb, 2)
            } else {
                // An unfinished scan of a hashtable: where it stops depends on the table.
                true
            }
        }
        "hrandfield" => {
            if shape(&a) != shape(&b) {
                return false;
            }
            let positive =
                argv.get(2).and_then(|c| std::str::from_utf8(c).ok()?.parse::<i64>().ok());
            match (positive, items(&a)) {
                (Some(n), Some((_, v))) if n > 0 => {
                    let withvalues = argv.len() == 4;
                    let flat: Vec<&R> = if withvalues {
                        v.iter()
                            .flat_map(|x| match x {
                                R::Agg(_, p) => p.iter().take(1).collect::<Vec<_>>(),
                                other => vec![other],
                            })
                            .collect()
                    } else {
                        v.iter().collect()
                    };
                    // RESP2 WITHVALUES is flat: fields are every other item.
                    let step = if withvalues && flat.len() == v.len() { 2 } else { 1 };
                    let fields: Vec<&&R> = flat.iter().step_by(step).collect();
                    let distinct: std::collections::BTreeSet<_> = fields.iter().collect();
                    distinct.len() == fields.len()
                }
                _ => true,
            }
        }
        _ => false,
    }
}

/// The seeds of the hash encoding run.
const SEEDS: &[u64] = &[1, 2, 3, 77, 2026];

/// Only hash commands, with thresholds lowered on both servers (4 entries, 8 bytes) so
/// conversions happen constantly; OBJECT ENCODING of the touched key is compared after every
/// step, then each key's contents at the end. A DEL now and then starts a key over.
#[test]
fn hash_sequences_match_with_low_thresholds() {
    let steps = super::super::steps(1500);
    for &seed in &super::super::seeds(SEEDS) {
        let mut p = Pair::start(&[]);
        for (param, v) in [("hash-max-listpack-entries", "4"), ("hash-max-listpack-value", "8")] {
            let (x, y) = p.both(&["CONFIG", "SET", param, v]);
            assert_eq!(x, y, "CONFIG SET {param}");
        }
        if seed % 2 == 1 {
            p.both(&["HELLO", "3"]);
        }
        let mut g = Gen::new(seed, Mode::Normal);
        let mut rng = Rng::new(seed);
        let total: u32 = COMMANDS.iter().map(|e| e.weight).sum();
        let mut history: Vec<String> = Vec::new();
        let (mut listpacks, mut tables) = (0, 0);
        for step in 0..steps {
            let mut pick = (rng.next_u64() % total as u64) as u32;
            let e = COMMANDS
                .iter()
                .find(|e| {
                    if pick < e.weight {
                        true
                    } else {
                        pick -= e.weight;
                        false
                    }
                })
                .expect("weights");
            // Now and then a key starts over, so new listpacks keep being built and converted.
            let argv = if rng.chance(1, 10) { vec![b("DEL"), g.key()] } else { (e.build)(&mut g) };
            history.push(super::super::show_cmd(&argv));
            let (x, y) = p.both(&argv);
            let fail = |what: &str, x: &[u8], y: &[u8], h: &[String]| {
                let from = h.len().saturating_sub(15);
                panic!(
                    "hash run, seed {seed}, step {step}: {what}\n  ferrodis: {}\n  redis:    {}\nlast commands:\n  {}",
                    super::super::show_reply(x),
                    super::super::show_reply(y),
                    h[from..].join("\n  ")
                )
            };
            if !super::super::equivalent(&argv, &x, &y) {
                fail(&super::super::show_cmd(&argv), &x, &y, &history);
            }
            let enc = vec![b("OBJECT"), b("ENCODING"), argv[1].clone()];
            let (x, y) = p.both(&enc);
            listpacks += (x == b"$8\r\nlistpack\r\n") as u32;
            tables += (x == b"$9\r\nhashtable\r\n") as u32;
            if x != y {
                fail(
                    &format!("OBJECT ENCODING after {}", super::super::show_cmd(&argv)),
                    &x,
                    &y,
                    &history,
                );
            }
        }
        assert!(listpacks > 50 && tables > 50, "seed {seed}: {listpacks} / {tables}");
        for key in super::super::generator::KEYS {
            for c in ["HLEN", "TYPE"] {
                let (x, y) = p.both(&[c.as_bytes(), key]);
                assert_eq!(x, y, "seed {seed}: final {c}");
            }
            let argv = vec![b("HGETALL"), key.to_vec()];
            let (x, y) = p.both(&argv);
            assert!(super::super::equivalent(&argv, &x, &y), "seed {seed}: final HGETALL");
            let argv = vec![b("DEBUG"), b("DIGEST-VALUE"), key.to_vec()];
            let (x, y) = p.both(&argv);
            assert_eq!(x, y, "seed {seed}: final DIGEST-VALUE");
        }
    }
}

#[test]
fn hash_allowances_are_as_narrow_as_documented() {
    let a = |v: &[&str]| v.iter().map(|s| b(s)).collect::<Vec<_>>();
    let hk = a(&["HKEYS", "h"]);
    assert!(equivalent(
        "hkeys",
        &hk,
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
        b"*2\r\n$1\r\nb\r\n$1\r\na\r\n"
    ));
    assert!(!equivalent(
        "hkeys",
        &hk,
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
        b"*2\r\n$1\r\nb\r\n$1\r\nc\r\n"
    ));
    let hg = a(&["HGETALL", "h"]);
    let x = b"%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n";
    let y = b"%2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
    let z = b"%2\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n";
    assert!(equivalent("hgetall", &hg, x, y));
    assert!(!equivalent("hgetall", &hg, x, z), "pairs must stay together");
    let hr = a(&["HRANDFIELD", "h", "2"]);
    assert!(equivalent(
        "hrandfield",
        &hr,
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
        b"*2\r\n$1\r\nc\r\n$1\r\nb\r\n"
    ));
    assert!(!equivalent(
        "hrandfield",
        &hr,
        b"*2\r\n$1\r\na\r\n$1\r\na\r\n",
        b"*2\r\n$1\r\nc\r\n$1\r\nb\r\n"
    ));
    assert!(!equivalent("hrandfield", &hr, b"*1\r\n$1\r\na\r\n", b"*2\r\n$1\r\nc\r\n$1\r\nb\r\n"));
    let hs = a(&["HSCAN", "h", "0"]);
    assert!(equivalent(
        "hscan",
        &hs,
        b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
        b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"
    ));
    assert!(!equivalent(
        "hscan",
        &hs,
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
        b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"
    ));
    assert!(!equivalent("hget", &a(&["HGET", "h", "f"]), b"$1\r\na\r\n", b"$1\r\nb\r\n"));
}
