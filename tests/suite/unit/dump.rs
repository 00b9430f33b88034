//! DUMP / RESTORE against the reference: a dataset covering every type and encoding (low
//! thresholds on both servers, big strings for LZF, integers, expires) dumped by Redis and
//! restored into ferrodis, and the reverse, compared by DEBUG DIGEST-VALUE, contents and
//! OBJECT ENCODING; byte-identical payloads where our in-memory layout is Redis's; and every
//! error path of RESTORE compared byte for byte.
//!
//! Encoding differences that are expected (7.2 encodings, tests/ALLOWED_DIFFERENCES.md): a
//! small list is a listpack here and a one-node quicklist in 7.0; a small set of strings (or
//! of integers past `set-max-intset-entries`) is a listpack here and a hashtable in 7.0.

use ferrodis::persist::crc64::Crc64;
use ferrodis_tests::{Pair, RawConn};

/// Low thresholds, sent to both servers (7.0 has no `set-max-listpack-*`: ours only).
pub const THRESHOLDS: &[(&str, &str)] = &[
    ("hash-max-listpack-entries", "4"),
    ("hash-max-listpack-value", "16"),
    ("list-max-listpack-size", "4"),
    ("list-compress-depth", "1"),
    ("set-max-intset-entries", "4"),
    ("zset-max-listpack-entries", "4"),
    ("zset-max-listpack-value", "16"),
];

/// Applies [`THRESHOLDS`] (and 7.2's set-listpack limits when `ours`).
pub fn lower_thresholds(c: &mut RawConn, ours: bool) {
    for (k, v) in THRESHOLDS {
        assert_eq!(c.cmd(&["CONFIG", "SET", k, v]), b"+OK\r\n", "{k}");
    }
    if ours {
        c.cmd(&["CONFIG", "SET", "set-max-listpack-entries", "4"]);
        c.cmd(&["CONFIG", "SET", "set-max-listpack-value", "16"]);
    }
}

/// Keys of the dataset, each with the encoding 7.0 gives it under [`THRESHOLDS`].
pub const KEYS: &[(&str, &str)] = &[
    ("s:emb", "embstr"),
    ("s:int", "int"),
    ("s:bigint", "int"),
    ("s:raw", "raw"),
    ("s:noise", "raw"),
    ("s:bin", "embstr"),
    ("l:small", "quicklist"),
    ("l:big", "quicklist"),
    ("l:plainish", "quicklist"),
    ("h:small", "listpack"),
    ("h:big", "hashtable"),
    ("h:long", "hashtable"),
    ("set:int", "intset"),
    ("set:bigint", "hashtable"),
    ("set:str", "hashtable"),
    ("set:strbig", "hashtable"),
    ("z:small", "listpack"),
    ("z:big", "skiplist"),
    ("z:long", "skiplist"),
    ("e:str", "embstr"),
    ("e:hash", "listpack"),
];

/// Keys whose DUMP is byte-identical between 7.0 and ferrodis (same in-memory layout).
pub const SAME_BYTES: &[&str] = &[
    "s:emb",
    "s:int",
    "s:bigint",
    "s:raw",
    "s:noise",
    "s:bin",
    "l:small",
    "l:big",
    "l:plainish",
    "h:small",
    "set:int",
    "z:small",
    "z:big",
    "z:long",
    "e:str",
    "e:hash",
];

/// The commands building the dataset.
pub fn dataset() -> Vec<Vec<Vec<u8>>> {
    let mut c: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut add = |args: Vec<String>| c.push(args.into_iter().map(String::into_bytes).collect());
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    add(s(&["SET", "s:emb", "hello world"]));
    add(s(&["SET", "s:int", "12345"]));
    add(s(&["SET", "s:bigint", "-1234567890123456"]));
    add(s(&["SET", "s:raw", &"abcdefgh".repeat(40)]));
    let noise: String = (0..60u32).map(|i| char::from(b'!' + ((i * 37 + 11) % 90) as u8)).collect();
    add(s(&["SET", "s:noise", &noise]));
    c.push(vec![b"SET".to_vec(), b"s:bin".to_vec(), vec![0, 1, 2, 255, 254, b'\r', b'\n']]);
    let mut add = |args: Vec<String>| c.push(args.into_iter().map(String::into_bytes).collect());
    add(s(&["RPUSH", "l:small", "a", "1", "-70000", "b"]));
    let mut big = s(&["RPUSH", "l:big"]);
    for i in 0..40 {
        big.push(format!("element-{:030}", i % 5));
        big.push(format!("{}", i * 1000 - 7));
    }
    add(big);
    let mut p = s(&["RPUSH", "l:plainish"]);
    for i in 0..12 {
        p.push(format!("{}{}", "z".repeat(60), i));
    }
    add(p);
    add(s(&["HSET", "h:small", "f", "v", "n", "42"]));
    let mut h = s(&["HSET", "h:big"]);
    for i in 0..10 {
        h.push(format!("field{i}"));
        h.push(format!("value{i}"));
    }
    add(h);
    add(s(&["HSET", "h:long", "f", "a value longer than sixteen bytes"]));
    add(s(&["SADD", "set:int", "1", "-5", "100000", "3"]));
    let mut si = s(&["SADD", "set:bigint"]);
    for i in 0..10 {
        si.push(format!("{}", i * 3));
    }
    add(si);
    add(s(&["SADD", "set:str", "a", "b", "c"]));
    let mut ss = s(&["SADD", "set:strbig"]);
    for i in 0..12 {
        ss.push(format!("member-{i}"));
    }
    add(ss);
    add(s(&["ZADD", "z:small", "1", "a", "-2.5", "b", "inf", "c"]));
    let mut z = s(&["ZADD", "z:big"]);
    for i in 0..12 {
        z.push(format!("{}", (i % 5) as f64 * 0.25 - 1.0));
        z.push(format!("m{i}"));
    }
    z.extend(s(&["-inf", "neg", "3.141592653589793", "pi"]));
    add(z);
    add(s(&["ZADD", "z:long", "1", "a member longer than sixteen bytes"]));
    add(s(&["SET", "e:str", "expiring", "PX", "500000"]));
    add(s(&["HSET", "e:hash", "a", "1"]));
    add(s(&["PEXPIRE", "e:hash", "900000"]));
    c
}

/// The payload of a bulk-string reply (`None` for a null).
pub fn bulk(reply: &[u8]) -> Option<Vec<u8>> {
    if !reply.starts_with(b"$") || reply.starts_with(b"$-1") {
        return None;
    }
    let nl = reply.iter().position(|&b| b == b'\n')?;
    let n: usize = std::str::from_utf8(&reply[1..nl - 1]).ok()?.parse().ok()?;
    Some(reply[nl + 1..nl + 1 + n].to_vec())
}

/// A payload with its footer recomputed: `body` then version (u16 LE) and CRC64.
pub fn payload(body: &[u8], version: u16) -> Vec<u8> {
    let mut p = body.to_vec();
    p.extend_from_slice(&version.to_le_bytes());
    let crc = Crc64::of(&p);
    p.extend_from_slice(&crc.to_le_bytes());
    p
}

fn setup() -> Pair {
    let mut p = Pair::start(&[]);
    lower_thresholds(&mut p.a, true);
    lower_thresholds(&mut p.b, false);
    p
}

fn fill(c: &mut RawConn) {
    for cmd in dataset() {
        let r = c.cmd(&cmd);
        assert!(!r.starts_with(b"-"), "{:?}: {}", cmd, String::from_utf8_lossy(&r));
    }
}

fn enc(c: &mut RawConn, key: &str) -> String {
    let r = c.cmd(&["OBJECT", "ENCODING", key]);
    String::from_utf8_lossy(&bulk(&r).unwrap_or(r)).into_owned()
}

/// The encoding ferrodis (7.2 rules) gives a key Redis 7.0 holds as `redis`.
fn ours_expected(key: &str, redis: &str) -> String {
    match key {
        "l:small" => "listpack".into(),
        "set:str" => "listpack".into(),
        _ => redis.into(),
    }
}

#[test]
fn dump_from_redis_restores_into_ferrodis() {
    let mut p = setup();
    fill(&mut p.b);
    for (key, redis_enc) in KEYS {
        assert_eq!(&enc(&mut p.b, key), redis_enc, "reference encoding of {key}");
        let payload = bulk(&p.b.cmd(&["DUMP", key])).expect("reference dumps");
        let pttl = String::from_utf8_lossy(&p.b.cmd(&["PTTL", key])).to_string();
        let ttl: i64 = pttl.trim().trim_start_matches(':').parse().unwrap();
        let ttl = if ttl < 0 { 0 } else { ttl }.to_string();
        let r = p.a.cmd(&[b"RESTORE".as_slice(), key.as_bytes(), ttl.as_bytes(), &payload]);
        assert_eq!(r, b"+OK\r\n", "RESTORE {key}: {}", String::from_utf8_lossy(&r));
        let (da, db) = p.both(&["DEBUG", "DIGEST-VALUE", key]);
        assert_eq!(da, db, "digest of {key}");
        assert_eq!(enc(&mut p.a, key), ours_expected(key, redis_enc), "our encoding of {key}");
        // Contents, in each type's reply order.
        let read: &[&str] = match *redis_enc {
            "embstr" | "int" | "raw" => &["GET"],
            _ => match String::from_utf8_lossy(&p.b.cmd(&["TYPE", key])).trim() {
                "+list" => &["LRANGE", "0", "-1"],
                "+hash" => &["HGETALL"],
                "+zset" => &["ZRANGE", "0", "-1", "WITHSCORES"],
                _ => &["SCARD"],
            },
        };
        let mut cmd: Vec<&str> = vec![read[0], key];
        cmd.extend(&read[1..]);
        if !matches!(*key, "h:big" | "h:long") {
            p.check(&cmd);
        }
        if SAME_BYTES.contains(key) {
            let ours = bulk(&p.a.cmd(&["DUMP", key])).unwrap();
            assert_eq!(ours, payload, "DUMP bytes of {key}");
        }
    }
    // TTLs came along.
    let t = String::from_utf8_lossy(&p.a.cmd(&["PTTL", "e:hash"])).to_string();
    let t: i64 = t.trim().trim_start_matches(':').parse().unwrap();
    assert!(t > 800_000 && t <= 900_000, "{t}");
    p.check(&["DEBUG", "DIGEST"]);
}

#[test]
fn dump_from_ferrodis_restores_into_redis() {
    let mut p = setup();
    fill(&mut p.a);
    fill(&mut p.b);
    let before = p.check(&["DEBUG", "DIGEST"]);
    for (key, redis_enc) in KEYS {
        let payload = bulk(&p.a.cmd(&["DUMP", key])).expect("ferrodis dumps");
        let (da, db) = p.both(&["DEBUG", "DIGEST-VALUE", key]);
        assert_eq!(da, db);
        let pttl = String::from_utf8_lossy(&p.b.cmd(&["PTTL", key])).to_string();
        let ttl: i64 = pttl.trim().trim_start_matches(':').parse().unwrap();
        let ttl = if ttl < 0 { 0 } else { ttl }.to_string();
        let r =
            p.b.cmd(&[b"RESTORE".as_slice(), key.as_bytes(), ttl.as_bytes(), &payload, b"REPLACE"]);
        assert_eq!(r, b"+OK\r\n", "RESTORE {key} into redis: {}", String::from_utf8_lossy(&r));
        let (da2, db2) = p.both(&["DEBUG", "DIGEST-VALUE", key]);
        assert_eq!(da2, db2, "digest after restore of {key}");
        assert_eq!(db2, db);
        assert_eq!(&enc(&mut p.b, key), redis_enc, "redis encoding of {key} after restore");
    }
    assert_eq!(p.check(&["DEBUG", "DIGEST"]), before);
}

#[test]
fn restore_options_and_errors() {
    let mut p = setup();
    p.check(&["SET", "src", "value"]);
    p.check(&["RPUSH", "lst", "a", "b"]);
    let good = bulk(&p.b.cmd(&["DUMP", "src"])).unwrap();
    let lst = bulk(&p.b.cmd(&["DUMP", "lst"])).unwrap();
    let g = good.as_slice();
    let cases: Vec<Vec<&[u8]>> = vec![
        vec![b"DUMP", b"nokey"],
        vec![b"RESTORE", b"src", b"0", g],
        vec![b"RESTORE", b"new", b"0", g],
        vec![b"GET", b"new"],
        vec![b"RESTORE", b"src", b"0", g, b"REPLACE"],
        vec![b"RESTORE", b"x", b"-1", g],
        vec![b"RESTORE", b"x", b"abc", g],
        vec![b"RESTORE", b"x", b"0", b"garbage"],
        vec![b"RESTORE", b"x", b"0", b""],
        vec![b"RESTORE", b"x", b"0", g, b"IDLETIME", b"-1"],
        vec![b"RESTORE", b"x", b"0", g, b"IDLETIME", b"x"],
        vec![b"RESTORE", b"x", b"0", g, b"FREQ", b"256"],
        vec![b"RESTORE", b"x", b"0", g, b"FREQ", b"-1"],
        vec![b"RESTORE", b"x", b"0", g, b"FREQ", b"1", b"IDLETIME", b"1"],
        vec![b"RESTORE", b"x", b"0", g, b"IDLETIME"],
        vec![b"RESTORE", b"x", b"0", g, b"BOGUS"],
        vec![b"RESTORE", b"x", b"0"],
        vec![b"RESTORE", b"src", b"-1", b"garbage"],
        vec![b"RESTORE", b"x", b"0", g, b"REPLACE", b"ABSTTL", b"IDLETIME", b"100"],
        vec![b"RESTORE", b"y", b"0", &lst, b"FREQ", b"7"],
        vec![b"LRANGE", b"y", b"0", b"-1"],
        // ABSTTL in the past: nothing is created; with REPLACE the old key goes.
        vec![b"RESTORE", b"past", b"1000", g, b"ABSTTL"],
        vec![b"EXISTS", b"past"],
        vec![b"RESTORE", b"src", b"1000", g, b"ABSTTL", b"REPLACE"],
        vec![b"EXISTS", b"src"],
        vec![b"RESTORE", b"fut", b"99999999999999", g, b"ABSTTL"],
        vec![b"PEXPIRETIME", b"fut"],
        vec![b"RESTORE-ASKING", b"ask", b"0", g],
        vec![b"GET", b"ask"],
    ];
    for c in &cases {
        p.check(c);
    }
    for c in [&mut p.a, &mut p.b] {
        let t = String::from_utf8_lossy(&c.cmd(&["OBJECT", "IDLETIME", "x"])).to_string();
        let t: i64 = t.trim().trim_start_matches(':').parse().unwrap();
        assert!((100..=102).contains(&t), "idle {t}");
    }
    // Relative TTL.
    p.check(&[b"RESTORE".as_slice(), b"ttl", b"100000", g]);
    for c in [&mut p.a, &mut p.b] {
        let t = String::from_utf8_lossy(&c.cmd(&["PTTL", "ttl"])).to_string();
        let t: i64 = t.trim().trim_start_matches(':').parse().unwrap();
        assert!(t > 90_000 && t <= 100_000, "{t}");
    }
    // A valid checksum over bad data; unknown types; empty collections; a newer version.
    let bad_bodies: Vec<Vec<u8>> = vec![
        vec![0x00, 0x85],
        vec![99, 0x01, b'a'],
        vec![4, 0],
        vec![2, 0],
        vec![0x00, 0x05, b'a'],
        vec![11, 0x03, 1, 2, 3],
        vec![],
    ];
    for body in &bad_bodies {
        let pl = payload(body, 10);
        p.check(&[b"RESTORE".as_slice(), b"bad", b"0", &pl]);
    }
    let newer = payload(&good[..good.len() - 10], 11);
    p.check(&[b"RESTORE".as_slice(), b"bad", b"0", &newer]);
    let older = payload(&good[..good.len() - 10], 9);
    p.check(&[b"RESTORE".as_slice(), b"old", b"0", &older]);
    p.check(&["GET", "old"]);
    // A wrong checksum.
    let mut flipped = good.clone();
    let n = flipped.len();
    flipped[n - 1] ^= 1;
    p.check(&[b"RESTORE".as_slice(), b"bad", b"0", &flipped]);
    p.check(&["DBSIZE"]);
}

#[test]
fn restore_freq_under_lfu() {
    let mut p = setup();
    p.check(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"]);
    p.check(&["SET", "src", "v"]);
    let g = bulk(&p.b.cmd(&["DUMP", "src"])).unwrap();
    p.check(&[b"RESTORE".as_slice(), b"k", b"0", &g, b"FREQ", b"100"]);
    p.check(&["OBJECT", "FREQ", "k"]);
    p.check(&[b"RESTORE".as_slice(), b"k2", b"0", &g, b"IDLETIME", b"100"]);
    p.check(&["OBJECT", "FREQ", "k2"]);
}

#[test]
fn plain_quicklist_nodes_round_trip() {
    let mut p = setup();
    p.check(&["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"]);
    let big = "p".repeat(150);
    let (b2, b3) = (format!("{big}2"), format!("{big}3"));
    p.check(&["RPUSH", "pl", "a", &big, "b", &b2, &b3, "c"]);
    p.check(&["OBJECT", "ENCODING", "pl"]);
    let theirs = bulk(&p.b.cmd(&["DUMP", "pl"])).unwrap();
    let ours = bulk(&p.a.cmd(&["DUMP", "pl"])).unwrap();
    assert_eq!(ours, theirs, "DUMP bytes of a list with plain nodes");
    p.check(&[b"RESTORE".as_slice(), b"pl2", b"0", &theirs]);
    p.check(&["LRANGE", "pl2", "0", "-1"]);
    p.check(&["DEBUG", "DIGEST-VALUE", "pl", "pl2"]);
    p.check(&["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824"]);
}
