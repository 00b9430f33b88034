//! Random traffic for the list commands, and a list-only seeded run with tiny quicklist nodes
//! (`list-max-listpack-size 4`, `list-compress-depth 1` on both servers) that asks OBJECT
//! ENCODING of every touched key after each step, so conversions in both directions, node
//! splits and compressed nodes are exercised and compared.

use crate::diff::generator::{b, cmd, Entry, Gen, Mode};
use crate::diff::{equivalent as diff_equivalent, show_cmd, show_reply};
use ferrodis_tests::Pair;

/// A count argument: mostly small and positive, sometimes 0, negative, huge or not a number.
fn count(g: &mut Gen) -> Vec<u8> {
    if g.rng.chance(1, 6) {
        return g.int();
    }
    b(&g.rng.below(6).to_string())
}

fn side(g: &mut Gen) -> Vec<u8> {
    g.opt_of(&["LEFT", "RIGHT"])
}

/// A key and 1..=n values.
fn key_values(g: &mut Gen, name: &str, n: usize) -> Vec<Vec<u8>> {
    let mut a = cmd(name, vec![g.key()]);
    for _ in 0..1 + g.rng.below(n) {
        a.push(g.value());
    }
    a
}

/// The list commands the generator knows.
pub static COMMANDS: &[Entry] = &[
    Entry { name: "lpush", weight: 8, build: |g| key_values(g, "LPUSH", 4) },
    Entry { name: "rpush", weight: 8, build: |g| key_values(g, "RPUSH", 4) },
    Entry { name: "lpushx", weight: 3, build: |g| key_values(g, "LPUSHX", 2) },
    Entry { name: "rpushx", weight: 3, build: |g| key_values(g, "RPUSHX", 2) },
    Entry {
        name: "lpop",
        weight: 5,
        build: |g| {
            let mut a = cmd("LPOP", vec![g.key()]);
            if g.rng.chance(1, 2) {
                a.push(count(g));
            }
            a
        },
    },
    Entry {
        name: "rpop",
        weight: 5,
        build: |g| {
            let mut a = cmd("RPOP", vec![g.key()]);
            if g.rng.chance(1, 2) {
                a.push(count(g));
            }
            a
        },
    },
    Entry { name: "llen", weight: 3, build: |g| cmd("LLEN", vec![g.key()]) },
    Entry {
        name: "lrange",
        weight: 5,
        build: |g| {
            let (k, s, e) = (g.key(), g.small_int(), g.small_int());
            cmd("LRANGE", vec![k, s, e])
        },
    },
    Entry {
        name: "lindex",
        weight: 4,
        build: |g| {
            let (k, i) = (g.key(), g.small_int());
            cmd("LINDEX", vec![k, i])
        },
    },
    Entry {
        name: "lset",
        weight: 3,
        build: |g| {
            let (k, i, v) = (g.key(), g.small_int(), g.value());
            cmd("LSET", vec![k, i, v])
        },
    },
    Entry {
        name: "linsert",
        weight: 3,
        build: |g| {
            let k = g.key();
            let w =
                if g.rng.chance(1, 20) { g.opt("MIDDLE") } else { g.opt_of(&["BEFORE", "AFTER"]) };
            let (p, v) = (g.value(), g.value());
            cmd("LINSERT", vec![k, w, p, v])
        },
    },
    Entry {
        name: "lrem",
        weight: 3,
        build: |g| {
            let k = g.key();
            let c = if g.rng.chance(1, 2) { g.small_int() } else { b("0") };
            let v = g.value();
            cmd("LREM", vec![k, c, v])
        },
    },
    Entry {
        name: "ltrim",
        weight: 2,
        build: |g| {
            let (k, s, e) = (g.key(), g.small_int(), g.small_int());
            cmd("LTRIM", vec![k, s, e])
        },
    },
    Entry {
        name: "lpos",
        weight: 3,
        build: |g| {
            let mut a = cmd("LPOS", vec![g.key(), g.value()]);
            for opt in ["RANK", "COUNT", "MAXLEN"] {
                if g.rng.chance(1, 3) {
                    a.push(g.opt(opt));
                    a.push(if opt == "RANK" { g.small_int() } else { count(g) });
                }
            }
            a
        },
    },
    Entry {
        name: "lmove",
        weight: 3,
        build: |g| {
            let (s, d, f, t) = (g.key(), g.key(), side(g), side(g));
            cmd("LMOVE", vec![s, d, f, t])
        },
    },
    Entry {
        name: "rpoplpush",
        weight: 2,
        build: |g| {
            let (s, d) = (g.key(), g.key());
            cmd("RPOPLPUSH", vec![s, d])
        },
    },
    Entry {
        name: "lmpop",
        weight: 3,
        build: |g| {
            let keys = g.keys(1, 3);
            let n = if g.rng.chance(1, 15) { g.int() } else { b(&keys.len().to_string()) };
            let mut a = cmd("LMPOP", vec![n]);
            a.extend(keys);
            a.push(side(g));
            if g.rng.chance(1, 2) {
                a.push(g.opt("COUNT"));
                a.push(count(g));
            }
            a
        },
    },
];

/// This family's allowed differences (see `tests/ALLOWED_DIFFERENCES.md`, "Lists"):
/// * OBJECT ENCODING: the 7.0.15 reference always says `quicklist` for a list, while 7.2
///   (and ferrodis) keep small lists as `listpack`.
/// * LPOS with RANK -9223372036854775808: 7.2 refuses it (its negation overflows), 7.0.15
///   answers with a meaningless index.
pub fn equivalent(name: &str, argv: &[Vec<u8>], ours: &[u8], theirs: &[u8]) -> bool {
    match name {
        "object" => {
            argv.get(1).is_some_and(|s| s.eq_ignore_ascii_case(b"encoding"))
                && theirs == b"$9\r\nquicklist\r\n"
                && ours == b"$8\r\nlistpack\r\n"
        }
        "lpos" => {
            let long_min = argv
                .windows(2)
                .any(|w| w[0].eq_ignore_ascii_case(b"rank") && w[1] == b"-9223372036854775808");
            long_min && ours.starts_with(b"-ERR value is out of range, value must between")
        }
        _ => false,
    }
}

/// Keys among `argv` (every argument that is one of the generator's key names).
fn touched(argv: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for a in &argv[1..] {
        if crate::diff::generator::KEYS.contains(&a.as_slice()) && !keys.contains(a) {
            keys.push(a.clone());
        }
    }
    keys
}

/// List commands only, with tiny nodes and compression, OBJECT ENCODING (normalised) and
/// LRANGE of each touched key compared after every step. `FERRODIS_SEED` overrides the seeds.
#[test]
fn list_traffic_with_small_nodes() {
    let seeds = crate::diff::seeds(&[11, 12, 13, 14]);
    let steps = crate::diff::steps(1500);
    for seed in seeds {
        let mut p = Pair::start(&["--enable-debug-command", "yes"]);
        for setting in [["list-max-listpack-size", "4"], ["list-compress-depth", "1"]] {
            let (x, y) = p.both(&["CONFIG", "SET", setting[0], setting[1]]);
            assert_eq!((x.as_slice(), y.as_slice()), (&b"+OK\r\n"[..], &b"+OK\r\n"[..]));
        }
        if seed % 2 == 1 {
            p.both(&["HELLO", "3"]);
        }
        let mut g = Gen::new(seed, Mode::Normal);
        let total: u32 = COMMANDS.iter().map(|e| e.weight).sum();
        let mut history: Vec<String> = Vec::new();
        let (mut saw_listpack, mut saw_quicklist) = (false, false);
        for step in 0..steps {
            let mut r = g.rng.below(total as usize) as u32;
            let entry = COMMANDS
                .iter()
                .find(|e| {
                    let hit = r < e.weight;
                    if !hit {
                        r -= e.weight;
                    }
                    hit
                })
                .unwrap_or(&COMMANDS[0]);
            let argv = (entry.build)(&mut g);
            history.push(show_cmd(&argv));
            let mut checks = vec![argv.clone()];
            for k in touched(&argv) {
                checks.push(vec![b("OBJECT"), b("ENCODING"), k.clone()]);
                checks.push(vec![b("LRANGE"), k, b("0"), b("-1")]);
            }
            for c in checks {
                let (ours, theirs) = p.both(&c);
                saw_listpack |= ours == b"$8\r\nlistpack\r\n";
                saw_quicklist |= ours == b"$9\r\nquicklist\r\n";
                if !diff_equivalent(&c, &ours, &theirs) {
                    let recent = history[history.len().saturating_sub(15)..].join("\n  ");
                    panic!(
                        "seed {seed} step {step}: {}\n ours:   {}\n theirs: {}\nrecent:\n  {recent}",
                        show_cmd(&c),
                        show_reply(&ours),
                        show_reply(&theirs)
                    );
                }
            }
        }
        assert!(saw_listpack && saw_quicklist, "seed {seed}: both encodings should occur");
        let (x, y) = p.both(&["DEBUG", "DIGEST"]);
        assert!(x.starts_with(b"+"), "{}", show_reply(&x));
        assert_eq!(x, y, "seed {seed}: final digests differ");
    }
}

/// One node-layout run: the list settings on both servers and how elements look.
struct Layout {
    fill: &'static str,
    depth: &'static str,
    /// Elements: short ones (count-limited nodes) or 200- and 500-byte ones (4 KiB nodes).
    long: bool,
}

/// An element from a small pool, so LINSERT pivots and LREM targets often exist. The long
/// form pads to 200 or 500 bytes: with only those two entry sizes (204 and 504 bytes) a
/// listpack never lands in the 8-byte window where 7.2's listpack-to-quicklist conversion
/// (`lpBytes + len > 4096`) and 7.0's node-full test (`sz + len + 8 > 4096`) disagree, so
/// both servers keep the same nodes (see "Lists" in tests/ALLOWED_DIFFERENCES.md).
fn layout_value(rng: &mut crate::diff::generator::Rng, long: bool) -> Vec<u8> {
    let tag = ["a", "b", "c", "d", "e", "f", "g", "h"][rng.below(8)];
    if long {
        let n = if rng.chance(1, 3) { 500 } else { 200 };
        let mut v = tag.as_bytes().to_vec();
        v.resize(n, b'.');
        v
    } else {
        match rng.below(6) {
            0 => rng.below(20).to_string().into_bytes(),
            1 => format!("{tag}-{}", "x".repeat(rng.below(40))).into_bytes(),
            _ => tag.as_bytes().to_vec(),
        }
    }
}

/// A random list command on `key` that changes node layout (pushes, LINSERT, LSET, LREM,
/// LTRIM, pops), lists kept to a few dozen elements.
fn layout_command(
    rng: &mut crate::diff::generator::Rng,
    key: &[u8],
    len: usize,
    long: bool,
) -> Vec<Vec<u8>> {
    let mut a: Vec<Vec<u8>> = Vec::new();
    let idx = |rng: &mut crate::diff::generator::Rng| {
        let n = len.max(1) as i64;
        let i = rng.below(2 * n as usize) as i64 - n;
        i.to_string().into_bytes()
    };
    match rng.below(20) {
        0..=3 if len < 80 => {
            a.push(b(if rng.chance(1, 2) { "LPUSH" } else { "RPUSH" }));
            a.push(key.to_vec());
            for _ in 0..1 + rng.below(4) {
                a.push(layout_value(rng, long));
            }
        }
        4..=8 => {
            a.push(b("LINSERT"));
            a.push(key.to_vec());
            a.push(b(if rng.chance(1, 2) { "BEFORE" } else { "AFTER" }));
            a.push(layout_value(rng, long));
            a.push(layout_value(rng, long));
        }
        9..=11 => {
            a.push(b("LSET"));
            a.push(key.to_vec());
            a.push(idx(rng));
            a.push(layout_value(rng, long));
        }
        12 | 13 => {
            a.push(b("LREM"));
            a.push(key.to_vec());
            a.push((rng.below(5) as i64 - 2).to_string().into_bytes());
            a.push(layout_value(rng, long));
        }
        14 => {
            a.push(b("LTRIM"));
            a.push(key.to_vec());
            a.push(rng.below(3).to_string().into_bytes());
            a.push((-1 - rng.below(3) as i64).to_string().into_bytes());
        }
        15 | 16 => {
            a.push(b(if rng.chance(1, 2) { "LPOP" } else { "RPOP" }));
            a.push(key.to_vec());
            if rng.chance(1, 2) {
                a.push((1 + rng.below(3)).to_string().into_bytes());
            }
        }
        _ => {
            a.push(b("LPOS"));
            a.push(key.to_vec());
            a.push(layout_value(rng, long));
        }
    }
    a
}

/// Quicklist node layout identical to the reference: with small `list-max-listpack-size`
/// (4 elements, and 4 KiB with elements sized to reach it) and `list-compress-depth` 0 and 1
/// on both servers, random pushes, LINSERT, LSET, LREM, LTRIM and pops, after each of which
/// the command's reply, `DUMP key` (which holds the node boundaries and every listpack's
/// bytes) and OBJECT ENCODING (7.2's `listpack` for a single small node normalised) are
/// compared. `FERRODIS_SEED` overrides the seeds; the seed is printed on failure.
#[test]
fn list_node_layout_matches_reference() {
    let layouts = [
        Layout { fill: "4", depth: "0", long: false },
        Layout { fill: "4", depth: "1", long: false },
        Layout { fill: "-1", depth: "0", long: true },
        Layout { fill: "-1", depth: "1", long: true },
    ];
    let seeds = crate::diff::seeds(&[21, 22, 23, 24]);
    let steps = crate::diff::steps(600);
    for seed in seeds {
        let layout = &layouts[(seed % 4) as usize];
        let mut p = Pair::start(&["--enable-debug-command", "yes"]);
        for setting in
            [["list-max-listpack-size", layout.fill], ["list-compress-depth", layout.depth]]
        {
            let (x, y) = p.both(&["CONFIG", "SET", setting[0], setting[1]]);
            assert_eq!((x.as_slice(), y.as_slice()), (&b"+OK\r\n"[..], &b"+OK\r\n"[..]));
        }
        let mut rng = crate::diff::generator::Rng::new(seed);
        let keys: [&[u8]; 2] = [b"ql:a", b"ql:b"];
        let mut history: Vec<String> = Vec::new();
        let (mut max_nodes, mut splits_seen) = (0usize, 0usize);
        for step in 0..steps {
            let key = keys[rng.below(2)];
            let (len, _) = p.both(&[b"LLEN".as_slice(), key]);
            let len: usize = String::from_utf8_lossy(&len[1..]).trim().parse().unwrap_or(0);
            let argv = layout_command(&mut rng, key, len, layout.long);
            history.push(show_cmd(&argv));
            if argv[0] == b"LINSERT" && len > 8 {
                splits_seen += 1;
            }
            let checks = [
                argv.clone(),
                vec![b("DUMP"), key.to_vec()],
                vec![b("OBJECT"), b("ENCODING"), key.to_vec()],
            ];
            for c in checks {
                let (ours, theirs) = p.both(&c);
                // DUMP byte for byte (the generic rules compare DUMP by content only).
                let same =
                    ours == theirs || (c[0] != b"DUMP" && diff_equivalent(&c, &ours, &theirs));
                if !same {
                    let recent = history[history.len().saturating_sub(12)..].join("\n  ");
                    let (lr, _) = p.both(&["LRANGE", "ql:a", "0", "-1"]);
                    panic!(
                        "seed {seed} (fill {} depth {}) step {step}: {}\n ours:   {}\n theirs: {}\nrecent:\n  {recent}\nql:a: {}",
                        layout.fill,
                        layout.depth,
                        show_cmd(&c),
                        show_reply(&ours),
                        show_reply(&theirs),
                        show_reply(&lr)
                    );
                }
            }
            let dbg = p.a.cmd(&[b"DEBUG".as_slice(), b"OBJECT", key]);
            let nodes = String::from_utf8_lossy(&dbg)
                .split(' ')
                .find_map(|f| f.strip_prefix("ql_nodes:").and_then(|n| n.parse().ok()))
                .unwrap_or(0);
            max_nodes = max_nodes.max(nodes);
        }
        // The lists grew to many nodes, and LINSERT found pivots inside them.
        assert!(max_nodes >= 8 && splits_seen > 20, "seed {seed}: {max_nodes} {splits_seen}");
    }
}
