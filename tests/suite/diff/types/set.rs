//! Random traffic for the set commands, their allowed differences, and a seeded run with
//! lowered encoding thresholds that compares OBJECT ENCODING after every step.
//!
//! Allowed differences (tests/ALLOWED_DIFFERENCES.md, "Sets"): the 7.0 reference keeps in
//! a hashtable what Redis 7.2 keeps in a listpack, so replies listing a set's members are
//! compared as sets, OBJECT ENCODING `listpack` (ours) matches `hashtable` (theirs), and
//! SSCAN replies are compared as sets when both finish in one call (by shape otherwise).
//! Random replies (SRANDMEMBER) are compared by shape. SPOP is generated only in forms
//! whose effect is deterministic (a count of 0, one covering any generated set, or an
//! invalid one): popping random members would make the two keyspaces diverge.

use crate::diff::generator::{b, cmd, Entry, Gen, Mode};
use crate::diff::{equivalent as diff_equivalent, seeds, show_cmd, show_reply, steps};
use ferrodis_tests::Pair;

/// A member: mostly from a small space (so commands keep meeting each other's members),
/// sometimes any generated value (long ones, binary, numbers at the edges).
fn member(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(10) {
        0..=3 => b(&g.rng.below(8).to_string()),
        4..=6 => b(["a", "b", "c", "d", "e", "abcdefghij"][g.rng.below(6)]),
        _ => g.value(),
    }
}

fn members(g: &mut Gen, min: usize, max: usize) -> Vec<Vec<u8>> {
    let n = min + g.rng.below(max - min + 1);
    (0..n).map(|_| member(g)).collect()
}

/// A count for SRANDMEMBER: small, negative, zero, huge or invalid.
fn rand_count(g: &mut Gen) -> Vec<u8> {
    match g.rng.below(10) {
        0 => b("0"),
        1 => b("-9223372036854775808"),
        2 => b("9223372036854775807"),
        3 => b("x"),
        4 => b(&format!("-{}", 1 + g.rng.below(8))),
        _ => b(&(1 + g.rng.below(10)).to_string()),
    }
}

/// The set commands the generator knows.
pub static COMMANDS: &[Entry] = &[
    Entry {
        name: "sadd",
        weight: 12,
        build: |g| {
            let mut a = cmd("SADD", vec![g.key()]);
            a.extend(members(g, 1, 5));
            a
        },
    },
    Entry {
        name: "srem",
        weight: 5,
        build: |g| {
            let mut a = cmd("SREM", vec![g.key()]);
            a.extend(members(g, 1, 3));
            a
        },
    },
    Entry { name: "smembers", weight: 4, build: |g| cmd("SMEMBERS", vec![g.key()]) },
    Entry {
        name: "sismember",
        weight: 3,
        build: |g| {
            let (k, m) = (g.key(), member(g));
            cmd("SISMEMBER", vec![k, m])
        },
    },
    Entry {
        name: "smismember",
        weight: 3,
        build: |g| {
            let mut a = cmd("SMISMEMBER", vec![g.key()]);
            a.extend(members(g, 1, 4));
            a
        },
    },
    Entry { name: "scard", weight: 3, build: |g| cmd("SCARD", vec![g.key()]) },
    Entry {
        name: "spop",
        weight: 3,
        build: |g| {
            let count = b(["0", "100", "9223372036854775807", "-1", "x", "1.5"][g.rng.below(6)]);
            cmd("SPOP", vec![g.key(), count])
        },
    },
    Entry {
        name: "srandmember",
        weight: 4,
        build: |g| {
            let mut a = cmd("SRANDMEMBER", vec![g.key()]);
            if g.rng.chance(3, 4) {
                a.push(rand_count(g));
            }
            a
        },
    },
    Entry {
        name: "smove",
        weight: 4,
        build: |g| {
            let (s, d, m) = (g.key(), g.key(), member(g));
            cmd("SMOVE", vec![s, d, m])
        },
    },
    Entry { name: "sinter", weight: 3, build: |g| cmd("SINTER", g.keys(1, 3)) },
    Entry {
        name: "sintercard",
        weight: 3,
        build: |g| {
            let keys = g.keys(1, 3);
            let numkeys = match g.rng.below(10) {
                0 => b("0"),
                1 => b("-1"),
                2 => b("x"),
                3 => b(&(keys.len() + 1).to_string()),
                _ => b(&keys.len().to_string()),
            };
            let mut a = cmd("SINTERCARD", vec![numkeys]);
            a.extend(keys);
            if g.rng.chance(1, 2) {
                a.push(g.opt("LIMIT"));
                a.push(b(["0", "1", "2", "-1", "x", "100"][g.rng.below(6)]));
            }
            a
        },
    },
    Entry { name: "sunion", weight: 3, build: |g| cmd("SUNION", g.keys(1, 3)) },
    Entry { name: "sdiff", weight: 3, build: |g| cmd("SDIFF", g.keys(1, 3)) },
    Entry { name: "sinterstore", weight: 3, build: |g| cmd("SINTERSTORE", g.keys(2, 4)) },
    Entry { name: "sunionstore", weight: 3, build: |g| cmd("SUNIONSTORE", g.keys(2, 4)) },
    Entry { name: "sdiffstore", weight: 3, build: |g| cmd("SDIFFSTORE", g.keys(2, 4)) },
    Entry {
        name: "sscan",
        weight: 3,
        build: |g| {
            let cursor = b(["0", "0", "0", "1", "7", "x", "-1"][g.rng.below(7)]);
            let mut a = cmd("SSCAN", vec![g.key(), cursor]);
            if g.rng.chance(1, 3) {
                a.push(g.opt("MATCH"));
                a.push(b(["*", "a*", "?", "[0-3]*", "*e*"][g.rng.below(5)]));
            }
            if g.rng.chance(1, 3) {
                a.push(g.opt("COUNT"));
                a.push(b(["1", "2", "10", "0", "x"][g.rng.below(5)]));
            }
            a
        },
    },
];

/// A flat reply: its first byte and its bulk strings (`None` if it is not an array or set of
/// bulk strings, possibly nested one level as SSCAN's is).
fn flat(r: &[u8]) -> Option<(u8, Vec<Vec<u8>>)> {
    let tag = *r.first()?;
    if tag != b'*' && tag != b'~' {
        return None;
    }
    let mut items = Vec::new();
    let mut rest = r;
    while !rest.is_empty() {
        let i = rest.windows(2).position(|w| w == b"\r\n")?;
        let (line, body) = (&rest[..i], &rest[i + 2..]);
        match line.first()? {
            b'*' | b'~' => rest = body,
            b'$' => {
                let n: usize = std::str::from_utf8(&line[1..]).ok()?.parse().ok()?;
                items.push(body.get(..n)?.to_vec());
                rest = body.get(n + 2..)?;
            }
            _ => return None,
        }
    }
    Some((tag, items))
}

/// Same reply type and the same members in any order.
fn same_members(ours: &[u8], theirs: &[u8]) -> bool {
    match (flat(ours), flat(theirs)) {
        (Some((ta, mut a)), Some((tb, mut b))) => {
            a.sort();
            b.sort();
            ta == tb && a == b
        }
        _ => false,
    }
}

/// Same reply type and length; a bulk against a bulk.
fn same_shape(ours: &[u8], theirs: &[u8]) -> bool {
    match (flat(ours), flat(theirs)) {
        (Some((ta, a)), Some((tb, b))) => ta == tb && a.len() == b.len(),
        (None, None) => {
            let bulk = |r: &[u8]| r.first() == Some(&b'$') && !r.starts_with(b"$-");
            bulk(ours) && bulk(theirs)
        }
        _ => false,
    }
}

/// This family's allowed differences (see the module docs).
pub fn equivalent(name: &str, argv: &[Vec<u8>], ours: &[u8], theirs: &[u8]) -> bool {
    match name {
        "smembers" | "sinter" | "sunion" | "sdiff" | "spop" => same_members(ours, theirs),
        "srandmember" => same_shape(ours, theirs),
        "sscan" => match (flat(ours), flat(theirs)) {
            (Some((b'*', a)), Some((b'*', b))) if !a.is_empty() && !b.is_empty() => {
                // A whole scan in one call (from cursor 0, to cursor 0) lists every member.
                if argv.get(2).is_some_and(|c| c == b"0") && a[0] == b"0" && b[0] == b"0" {
                    same_members(ours, theirs)
                } else {
                    true
                }
            }
            _ => false,
        },
        "object" => {
            argv.get(1).is_some_and(|s| s.eq_ignore_ascii_case(b"encoding"))
                && ours == b"$8\r\nlistpack\r\n"
                && theirs == b"$9\r\nhashtable\r\n"
        }
        _ => false,
    }
}

/// The key whose encoding a set command may have changed.
fn touched_key(argv: &[Vec<u8>]) -> Option<Vec<u8>> {
    let name = String::from_utf8_lossy(&argv[0]).to_ascii_lowercase();
    let i = match name.as_str() {
        "smove" => 2,
        "sintercard" => 2,
        _ => 1,
    };
    argv.get(i).cloned()
}

/// Encodings the two servers may report for the same set: equal, Redis 7.2's listpack where
/// 7.0 has a hashtable, or a hashtable where 7.0 kept an intset (7.2 converts an existing
/// set up front when SADD brings more arguments than the threshold, duplicates included).
fn encodings_agree(ours: &[u8], theirs: &[u8]) -> bool {
    ours == theirs
        || (ours == b"$8\r\nlistpack\r\n" && theirs == b"$9\r\nhashtable\r\n")
        || (ours == b"$9\r\nhashtable\r\n" && theirs == b"$6\r\nintset\r\n")
}

/// Set traffic only, with thresholds lowered (4 intset entries on both servers; 4 listpack
/// entries of 8 bytes on ferrodis, the 7.0 reference has no listpack sets), so every
/// conversion happens often; OBJECT ENCODING of the touched key is compared after each step.
#[test]
fn set_traffic_with_small_thresholds_matches_reference() {
    for seed in seeds(&[11, 12, 13, 14]) {
        let mut p = Pair::start(&[]);
        let (a, b) = p.both(&["CONFIG", "SET", "set-max-intset-entries", "4"]);
        assert_eq!((a.as_slice(), b.as_slice()), (&b"+OK\r\n"[..], &b"+OK\r\n"[..]));
        // The listpack thresholds are new in 7.2: ferrodis only.
        for (k, v) in [("set-max-listpack-entries", "4"), ("set-max-listpack-value", "8")] {
            assert_eq!(p.a.cmd(&["CONFIG", "SET", k, v]), b"+OK\r\n");
        }
        if seed % 2 == 1 {
            p.both(&["HELLO", "3"]);
        }
        let mut g = Gen::new(seed, Mode::Normal);
        let total: u32 = COMMANDS.iter().map(|e| e.weight).sum();
        let mut history: Vec<String> = Vec::new();
        for step in 0..steps(1500) {
            let mut r = g.rng.below(total as usize) as u32;
            let entry = COMMANDS
                .iter()
                .find(|e| {
                    if r < e.weight {
                        true
                    } else {
                        r -= e.weight;
                        false
                    }
                })
                .expect("weights add up");
            let mut argv = (entry.build)(&mut g);
            g.mangle(&mut argv);
            g.random_case(&mut argv[0]);
            history.push(show_cmd(&argv));
            let (ours, theirs) = p.both(&argv);
            let ok = diff_equivalent(&argv, &ours, &theirs);
            let fail = |what: &str, ours: &[u8], theirs: &[u8], history: &[String]| {
                let from = history.len().saturating_sub(20);
                panic!(
                    "seed {seed} step {step}: {what}\n  ferrodis: {}\n  redis:    {}\nlast commands:\n  {}",
                    show_reply(ours),
                    show_reply(theirs),
                    history[from..].join("\n  ")
                );
            };
            if !ok {
                fail(&show_cmd(&argv), &ours, &theirs, &history);
            }
            if let Some(key) = touched_key(&argv) {
                let enc = vec![b"OBJECT".to_vec(), b"ENCODING".to_vec(), key.clone()];
                let (a, b) = p.both(&enc);
                if !encodings_agree(&a, &b) {
                    fail(&show_cmd(&enc), &a, &b, &history);
                }
                // Small encodings hold at most 4 members here.
                if a == b"$6\r\nintset\r\n" || a == b"$8\r\nlistpack\r\n" {
                    let card = p.a.cmd(&[b"SCARD".as_slice(), &key]);
                    let n: i64 = show_reply(&card)
                        .trim_start_matches(':')
                        .trim_end_matches("\\r\\n")
                        .parse()
                        .unwrap_or(-1);
                    assert!(
                        (1..=4).contains(&n),
                        "seed {seed} step {step}: {} members in a small encoding",
                        n
                    );
                }
            }
        }
    }
}

#[test]
fn set_comparison_rules() {
    let smembers = vec![b"SMEMBERS".to_vec(), b"k".to_vec()];
    assert!(equivalent(
        "smembers",
        &smembers,
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
        b"*2\r\n$1\r\nb\r\n$1\r\na\r\n"
    ));
    assert!(!equivalent(
        "smembers",
        &smembers,
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
        b"*2\r\n$1\r\nb\r\n$1\r\nc\r\n"
    ));
    assert!(!equivalent("smembers", &smembers, b"~1\r\n$1\r\na\r\n", b"*1\r\n$1\r\na\r\n"));
    assert!(!equivalent("smembers", &smembers, b"-ERR x\r\n", b"*0\r\n"));
    let srand = vec![b"SRANDMEMBER".to_vec(), b"k".to_vec(), b"2".to_vec()];
    assert!(equivalent("srandmember", &srand, b"*1\r\n$1\r\na\r\n", b"*1\r\n$1\r\nb\r\n"));
    assert!(!equivalent(
        "srandmember",
        &srand,
        b"*1\r\n$1\r\na\r\n",
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    ));
    assert!(equivalent("srandmember", &srand, b"$1\r\na\r\n", b"$1\r\nb\r\n"));
    assert!(!equivalent("srandmember", &srand, b"$1\r\na\r\n", b"$-1\r\n"));
    let sscan = vec![b"SSCAN".to_vec(), b"k".to_vec(), b"0".to_vec()];
    assert!(equivalent(
        "sscan",
        &sscan,
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n",
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n"
    ));
    assert!(!equivalent(
        "sscan",
        &sscan,
        b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n",
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n"
    ));
    let enc = vec![b"OBJECT".to_vec(), b"ENCODING".to_vec(), b"k".to_vec()];
    assert!(equivalent("object", &enc, b"$8\r\nlistpack\r\n", b"$9\r\nhashtable\r\n"));
    assert!(!equivalent("object", &enc, b"$9\r\nhashtable\r\n", b"$8\r\nlistpack\r\n"));
    assert!(!equivalent("object", &enc, b"$6\r\nintset\r\n", b"$9\r\nhashtable\r\n"));
}
