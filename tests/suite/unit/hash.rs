//! The hash family against the reference server, byte for byte where the reply is
//! deterministic: every command and error path in RESP2 and RESP3, the counters' edge cases
//! (overflow, long double formatting, nan/inf), HRANDFIELD's shapes and limits, HSCAN on
//! both encodings, OBJECT ENCODING after each conversion point, DEBUG DIGEST-VALUE, and a
//! real-client session store.

use std::collections::BTreeSet;

use ferrodis_tests::{Pair, RawConn};

/// Sends each command to both servers and asserts identical replies.
fn all(p: &mut Pair, cmds: &[&[&str]]) {
    for c in cmds {
        p.check(c);
    }
}

/// Switches both connections to RESP3.
fn resp3(p: &mut Pair) {
    let (a, b) = p.both(&["HELLO", "3"]);
    assert!(a.starts_with(b"%") && b.starts_with(b"%"));
}

/// Parses a flat reply of bulk strings (arrays nested or not), returning the strings.
fn bulks(reply: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(reply);
    let mut out = Vec::new();
    let mut lines = s.split("\r\n");
    while let Some(l) = lines.next() {
        if l.starts_with('$') && l != "$-1" {
            out.push(lines.next().unwrap_or_default().to_string());
        }
    }
    out
}

/// The header line of a reply (`*4`, `%2`, ...).
fn head(reply: &[u8]) -> String {
    String::from_utf8_lossy(reply).split("\r\n").next().unwrap_or_default().to_string()
}

#[test]
fn basic_commands_and_errors_match() {
    let mut p = Pair::start(&[]);
    for proto in [2, 3] {
        if proto == 3 {
            resp3(&mut p);
        }
        all(
            &mut p,
            &[
                &["FLUSHALL"],
                &["HSET", "h", "f1", "v1"],
                &["HSET", "h", "f1", "v1b", "f2", "v2", "f3", "3"],
                &["HSET", "h", "f1"],
                &["HSET", "h"],
                &["HSET", "h", "a", "b", "c"],
                &["HMSET", "h", "f4", "v4", "f5", "-17"],
                &["HMSET", "h", "f4"],
                &["HMSET", "h", "a", "b", "c"],
                &["HGET", "h", "f1"],
                &["HGET", "h", "f3"],
                &["HGET", "h", "nofield"],
                &["HGET", "nokey", "f1"],
                &["HMGET", "h", "f1", "nofield", "f5", "f1"],
                &["HMGET", "nokey", "a", "b"],
                &["HMGET", "h"],
                &["HGETALL", "h"],
                &["HGETALL", "nokey"],
                &["HKEYS", "h"],
                &["HKEYS", "nokey"],
                &["HVALS", "h"],
                &["HVALS", "nokey"],
                &["HLEN", "h"],
                &["HLEN", "nokey"],
                &["HSTRLEN", "h", "f1"],
                &["HSTRLEN", "h", "f3"],
                &["HSTRLEN", "h", "f5"],
                &["HSTRLEN", "h", "nofield"],
                &["HSTRLEN", "nokey", "f"],
                &["HEXISTS", "h", "f1"],
                &["HEXISTS", "h", "nofield"],
                &["HEXISTS", "nokey", "f1"],
                &["HSETNX", "h", "f1", "x"],
                &["HSETNX", "h", "new", "x"],
                &["HSETNX", "nx", "f", "v"],
                &["HGETALL", "nx"],
                &["HSETNX", "h", "f"],
                &["HDEL", "h", "f1", "f1", "nofield", "f2"],
                &["HDEL", "nokey", "f"],
                &["HDEL", "h"],
                &["HGETALL", "h"],
                &["HDEL", "nx", "f"],
                &["EXISTS", "nx"],
                &["HSET", "e", "", ""],
                &["HGET", "e", ""],
                &["HSTRLEN", "e", ""],
                &["HDEL", "e", "", ""],
                &["EXISTS", "e"],
                // Wrong types, both ways.
                &["SET", "s", "x"],
                &["HSET", "s", "f", "v"],
                &["HMSET", "s", "f", "v"],
                &["HSETNX", "s", "f", "v"],
                &["HGET", "s", "f"],
                &["HMGET", "s", "f"],
                &["HGETALL", "s"],
                &["HKEYS", "s"],
                &["HVALS", "s"],
                &["HLEN", "s"],
                &["HSTRLEN", "s", "f"],
                &["HEXISTS", "s", "f"],
                &["HDEL", "s", "f"],
                &["HINCRBY", "s", "f", "1"],
                &["HINCRBYFLOAT", "s", "f", "1"],
                &["HRANDFIELD", "s"],
                &["HRANDFIELD", "s", "2"],
                &["HSCAN", "s", "0"],
                &["GET", "h"],
                &["TYPE", "h"],
                &["HGET", "h"],
                &["HLEN"],
                &["HSTRLEN", "h"],
                &["HINCRBY", "h", "f"],
            ],
        );
    }
}

#[test]
fn binary_safe_fields_and_values() {
    let mut p = Pair::start(&[]);
    let bin: Vec<u8> = (0u8..=255).collect();
    let args: Vec<&[u8]> = vec![b"HSET", b"b", &bin, &bin[..10], b"\r\n", b"\0"];
    p.check(&args);
    p.check(&[&b"HGET"[..], b"b", &bin]);
    p.check(&[&b"HGET"[..], b"b", b"\r\n"]);
    p.check(&["HLEN", "b"]);
    p.check(&["OBJECT", "ENCODING", "b"]);
}

#[test]
fn hincrby_edges_match() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["HINCRBY", "c", "n", "5"],
            &["HINCRBY", "c", "n", "-10"],
            &["HINCRBY", "c", "n", "0"],
            &["HINCRBY", "c", "n", "x"],
            &["HINCRBY", "c", "n", "1.5"],
            &["HINCRBY", "c", "n", ""],
            &["HINCRBY", "c", "n", " 1"],
            &["HINCRBY", "c", "n", "9223372036854775808"],
            &["HSET", "c", "max", "9223372036854775807", "min", "-9223372036854775808"],
            &["HINCRBY", "c", "max", "1"],
            &["HINCRBY", "c", "max", "0"],
            &["HINCRBY", "c", "max", "-9223372036854775808"],
            &["HINCRBY", "c", "min", "-1"],
            &["HINCRBY", "c", "min", "9223372036854775807"],
            &["HSET", "c", "s", "abc", "sp", " 1", "lead", "01", "big", "99999999999999999999"],
            &["HINCRBY", "c", "s", "1"],
            &["HINCRBY", "c", "sp", "1"],
            &["HINCRBY", "c", "lead", "1"],
            &["HINCRBY", "c", "big", "1"],
            &["HINCRBY", "nokey", "n", "x"],
            &["EXISTS", "nokey"],
            &["HGETALL", "c"],
            &["OBJECT", "ENCODING", "c"],
        ],
    );
}

#[test]
fn hincrbyfloat_formatting_and_errors_match() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["HINCRBYFLOAT", "f", "x", "10.50"],
            &["HINCRBYFLOAT", "f", "x", "0.1"],
            &["HINCRBYFLOAT", "f", "x", "-5"],
            &["HINCRBYFLOAT", "f", "x", "5.0e3"],
            &["HINCRBYFLOAT", "f", "x", "2.0e-3"],
            &["HINCRBYFLOAT", "f", "y", "1e30"],
            &["HINCRBYFLOAT", "f", "z", "3"],
            &["HINCRBYFLOAT", "f", "z", "-3"],
            &["HINCRBYFLOAT", "f", "w", "-0.0"],
            &["HINCRBYFLOAT", "f", "v", "0.1"],
            &["HINCRBYFLOAT", "f", "v", "0.2"],
            &["HINCRBYFLOAT", "f", "v", "1.7976931348623157e308"],
            &["HINCRBYFLOAT", "f", "x", "abc"],
            &["HINCRBYFLOAT", "f", "x", ""],
            &["HINCRBYFLOAT", "f", "x", " 1"],
            &["HINCRBYFLOAT", "f", "x", "inf"],
            &["HINCRBYFLOAT", "f", "x", "-inf"],
            &["HINCRBYFLOAT", "f", "x", "nan"],
            &["HINCRBYFLOAT", "nokey", "x", "inf"],
            &["HINCRBYFLOAT", "nokey", "x", "abc"],
            &["EXISTS", "nokey"],
            &["HSET", "f", "s", "abc", "i", "12"],
            &["HSET", "fbig", "big", "1e4000"],
            &["HINCRBYFLOAT", "fbig", "big", "1"],
            &["OBJECT", "ENCODING", "fbig"],
            &["HINCRBYFLOAT", "f", "s", "1"],
            &["HINCRBYFLOAT", "f", "i", "0.5"],
            &["HSET", "f", "m", "1.7976931348623157e308"],
            &["HINCRBYFLOAT", "f", "m", "1.7976931348623157e308"],
            &["HMGET", "f", "x", "y", "z", "w", "v", "s", "i", "m"],
            &["HLEN", "f"],
            &["OBJECT", "ENCODING", "f"],
        ],
    );
    resp3(&mut p);
    p.check(&["HINCRBYFLOAT", "f", "x", "1.25"]);
}

#[test]
fn hrandfield_shapes_limits_and_errors() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["HRANDFIELD", "nokey"],
            &["HRANDFIELD", "nokey", "5"],
            &["HRANDFIELD", "nokey", "-5", "WITHVALUES"],
            &["HSET", "h", "a", "1", "b", "2", "c", "3"],
            &["HRANDFIELD", "h", "x"],
            &["HRANDFIELD", "h", "1.5"],
            &["HRANDFIELD", "h", "-9223372036854775808"],
            &["HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES"],
            &["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
            &["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
            &["HRANDFIELD", "h", "1", "WITHVALUE"],
            &["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
            &["HRANDFIELD", "h", "0"],
            &["HRANDFIELD", "h", "0", "WITHVALUES"],
            // A count at least the size returns the whole listpack in order.
            &["HRANDFIELD", "h", "3"],
            &["HRANDFIELD", "h", "100", "WITHVALUES"],
            &["HRANDFIELD", "h", "9223372036854775807"],
        ],
    );
    let members: BTreeSet<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    for proto in [2, 3] {
        if proto == 3 {
            resp3(&mut p);
        }
        for enc in ["listpack", "hashtable"] {
            if enc == "hashtable" {
                p.a.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "0"]);
                p.b.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "0"]);
                p.check(&["HSET", "h", "c", "3"]);
                p.check(&["OBJECT", "ENCODING", "h"]);
            }
            for args in [
                vec!["HRANDFIELD", "h"],
                vec!["HRANDFIELD", "h", "2"],
                vec!["HRANDFIELD", "h", "1"],
                vec!["HRANDFIELD", "h", "-7"],
                vec!["HRANDFIELD", "h", "2", "WITHVALUES"],
                vec!["HRANDFIELD", "h", "-7", "withvalues"],
                vec!["HRANDFIELD", "h", "5", "WITHVALUES"],
            ] {
                let (x, y) = p.both(&args);
                assert_eq!(head(&x), head(&y), "{args:?} shape ({enc}, RESP{proto})");
                let bx = bulks(&x);
                assert_eq!(bx.len(), bulks(&y).len(), "{args:?}");
                let withvalues = args.len() == 4;
                for (i, s) in bx.iter().enumerate() {
                    if withvalues && i % 2 == 1 {
                        let f = &bx[i - 1];
                        let want = ((f.as_bytes()[0] - b'a') + 1).to_string();
                        assert_eq!(s, &want, "value of {f}");
                    } else {
                        assert!(members.contains(s), "{s} not a field");
                    }
                }
                let n: i64 = args.get(2).map_or(1, |c| c.parse().unwrap());
                if n > 0 {
                    let distinct: BTreeSet<_> =
                        bx.iter().step_by(1 + withvalues as usize).collect();
                    assert_eq!(distinct.len(), (n as usize).min(3), "{args:?}: distinct fields");
                }
                if withvalues && proto == 3 {
                    assert!(String::from_utf8_lossy(&x).contains("*2\r\n"), "nested pairs");
                }
            }
        }
        p.a.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "128"]);
        p.b.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "128"]);
        p.check(&["DEL", "h"]);
        p.check(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    }
    // A huge negative count is refused instead of building an unbounded reply (documented
    // difference: Redis starts writing it). A plain one is served.
    let r = p.a.cmd(&["HRANDFIELD", "h", "-9223372036854775807"]);
    assert!(r.starts_with(b"-ERR"), "{}", String::from_utf8_lossy(&r));
    let r = p.a.cmd(&["HRANDFIELD", "h", "-1000"]);
    assert_eq!(bulks(&r).len(), 1000);
}

#[test]
fn hscan_matches_on_both_encodings() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["HSCAN", "nokey", "0"],
            &["HSCAN", "nokey", "0", "COUNT", "0"],
            &["HSET", "h", "a1", "1", "b1", "2", "a2", "3", "12", "x"],
            &["HSCAN", "h", "0"],
            &["HSCAN", "h", "123"],
            &["HSCAN", "h", "0", "MATCH", "a*"],
            &["HSCAN", "h", "0", "MATCH", "1*", "COUNT", "1"],
            &["HSCAN", "h", "0", "COUNT", "0"],
            &["HSCAN", "h", "0", "COUNT", "-1"],
            &["HSCAN", "h", "0", "COUNT", "x"],
            &["HSCAN", "h", "0", "COUNT"],
            &["HSCAN", "h", "0", "MATCH"],
            &["HSCAN", "h", "0", "TYPE", "hash"],
            &["HSCAN", "h", "0", "foo", "bar"],
            &["HSCAN", "h", "x"],
            &["HSCAN", "h", "-1"],
            &["HSCAN", "h", "18446744073709551616"],
            &["HSCAN", "h", ""],
        ],
    );
    resp3(&mut p);
    p.check(&["HSCAN", "h", "0", "MATCH", "*"]);
    // A hashtable: a full iteration returns every field exactly once with its value.
    let mut want = BTreeSet::new();
    for i in 0..300 {
        let (f, v) = (format!("field:{i}"), format!("v{i}"));
        p.check(&["HSET", "big", &f, &v]);
        want.insert((f, v));
    }
    p.check(&["OBJECT", "ENCODING", "big"]);
    for count in ["1", "10", "1000"] {
        let mut got = BTreeSet::new();
        let mut cursor = "0".to_string();
        let mut calls = 0;
        loop {
            let r = p.a.cmd(&["HSCAN", "big", &cursor, "COUNT", count]);
            let b = bulks(&r);
            cursor = b[0].clone();
            for pair in b[1..].chunks(2) {
                got.insert((pair[0].clone(), pair[1].clone()));
            }
            calls += 1;
            if cursor == "0" {
                break;
            }
            assert!(calls < 10_000);
        }
        assert_eq!(got, want, "COUNT {count}");
    }
    let r = p.a.cmd(&["HSCAN", "big", "0", "MATCH", "field:29?", "COUNT", "100000"]);
    assert_eq!(bulks(&r).len(), 1 + 20);
}

#[test]
fn encodings_convert_at_redis_points() {
    let mut p = Pair::start(&[]);
    let long = "x".repeat(65);
    let edge = "y".repeat(64);
    let mut cmds: Vec<Vec<String>> = Vec::new();
    let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    cmds.push(c(&["HSET", "a", "f", &edge]));
    cmds.push(c(&["OBJECT", "ENCODING", "a"]));
    cmds.push(c(&["HSET", "a", "f", &long]));
    cmds.push(c(&["OBJECT", "ENCODING", "a"]));
    cmds.push(c(&["HSET", "b", &long, "v"]));
    cmds.push(c(&["OBJECT", "ENCODING", "b"]));
    cmds.push(c(&["HSETNX", "c", "f", &long]));
    cmds.push(c(&["OBJECT", "ENCODING", "c"]));
    cmds.push(c(&["HSETNX", "d", "f", "v"]));
    cmds.push(c(&["HSETNX", "d", "f", &long]));
    cmds.push(c(&["OBJECT", "ENCODING", "d"]));
    cmds.push(c(&["HINCRBY", "e", &long, "1"]));
    cmds.push(c(&["OBJECT", "ENCODING", "e"]));
    cmds.push(c(&["HINCRBYFLOAT", "g", &long, "1.5"]));
    cmds.push(c(&["OBJECT", "ENCODING", "g"]));
    // HSET with a long value for a field that is not stored in the end still converts.
    cmds.push(c(&["HMSET", "i", "f", &long, "f", "short"]));
    cmds.push(c(&["OBJECT", "ENCODING", "i"]));
    cmds.push(c(&["CONFIG", "SET", "hash-max-listpack-entries", "4"]));
    for n in 1..=5 {
        cmds.push(c(&["HSET", "j", &format!("f{n}"), "v"]));
        cmds.push(c(&["OBJECT", "ENCODING", "j"]));
    }
    // Never converted back.
    cmds.push(c(&["HDEL", "j", "f1", "f2", "f3", "f4"]));
    cmds.push(c(&["OBJECT", "ENCODING", "j"]));
    cmds.push(c(&["HGETALL", "j"]));
    cmds.push(c(&["CONFIG", "SET", "hash-max-listpack-value", "3"]));
    cmds.push(c(&["HSET", "k", "abc", "def"]));
    cmds.push(c(&["OBJECT", "ENCODING", "k"]));
    cmds.push(c(&["HSET", "k", "abcd", "1"]));
    cmds.push(c(&["OBJECT", "ENCODING", "k"]));
    // An integer longer than the limit counts by its digits.
    cmds.push(c(&["HSET", "l", "f", "1234"]));
    cmds.push(c(&["OBJECT", "ENCODING", "l"]));
    cmds.push(c(&["CONFIG", "SET", "hash-max-listpack-entries", "0"]));
    cmds.push(c(&["HSET", "m", "f", "v"]));
    cmds.push(c(&["OBJECT", "ENCODING", "m"]));
    for cmd in &cmds {
        p.check(cmd);
    }
}

#[test]
fn digest_value_matches_reference_on_both_encodings() {
    let mut p = Pair::start(&[]);
    p.check(&["HSET", "h", "a", "1", "b", "two", "c", "-3", "", ""]);
    p.check(&["DEBUG", "DIGEST-VALUE", "h"]);
    for i in 0..200 {
        p.check(&["HSET", "t", &format!("f{i}"), &i.to_string()]);
    }
    p.check(&["OBJECT", "ENCODING", "t"]);
    p.check(&["DEBUG", "DIGEST-VALUE", "t"]);
    p.check(&["HINCRBYFLOAT", "t", "f1", "0.5"]);
    p.check(&["DEBUG", "DIGEST-VALUE", "t"]);
    p.check(&["DEBUG", "DIGEST"]);
    // COPY clones the hash; the copy digests the same.
    p.check(&["COPY", "t", "t2"]);
    p.check(&["DEBUG", "DIGEST-VALUE", "t2"]);
    p.check(&["HDEL", "t", "f0"]);
    p.check(&["HLEN", "t2"]);
}

#[test]
fn hash_removed_with_last_field_and_keeps_ttl_on_update() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["HSET", "h", "a", "1"],
            &["EXPIRE", "h", "100"],
            &["HSET", "h", "b", "2"],
            &["HINCRBY", "h", "c", "1"],
            &["HINCRBYFLOAT", "h", "d", "1"],
            &["HDEL", "h", "a"],
            &["TTL", "h"],
            &["HDEL", "h", "b", "c", "d"],
            &["EXISTS", "h"],
            &["TTL", "h"],
        ],
    );
}

#[test]
fn session_store_with_a_real_client() {
    use redis::Commands;
    let srv = ferrodis_tests::TestServer::start();
    let mut con = srv.client();
    let _: () = con
        .hset_multiple("session:42", &[("user", "alice"), ("cart", "3"), ("theme", "dark")])
        .expect("hset");
    let _: () = con.expire("session:42", 1800).expect("expire");
    let n: i64 = con.hincr("session:42", "cart", 2).expect("hincrby");
    assert_eq!(n, 5);
    let all: std::collections::HashMap<String, String> =
        con.hgetall("session:42").expect("hgetall");
    assert_eq!(all.len(), 3);
    assert_eq!(all["user"], "alice");
    assert_eq!(all["cart"], "5");
    let ttl: i64 = con.ttl("session:42").expect("ttl");
    assert!(ttl > 1790 && ttl <= 1800, "{ttl}");
    let missing: Option<String> = con.hget("session:42", "nope").expect("hget");
    assert_eq!(missing, None);
    let _: () = con.hdel("session:42", &["user", "cart", "theme"]).expect("hdel");
    let exists: bool = con.exists("session:42").expect("exists");
    assert!(!exists);
}

#[test]
fn large_hash_round_trip() {
    let srv = ferrodis_tests::TestServer::start();
    let mut c = RawConn::connect(srv.port);
    for i in 0..2000 {
        c.send_cmd(&["HSET", "big", &format!("field:{i}"), &"v".repeat(i % 40)]);
    }
    for _ in 0..2000 {
        c.read_reply();
    }
    assert_eq!(c.cmd_str(&["HLEN", "big"]), ":2000\r\n");
    assert_eq!(c.cmd_str(&["HGET", "big", "field:1999"]), format!("$39\r\n{}\r\n", "v".repeat(39)));
    assert_eq!(bulks(&c.cmd(&["HKEYS", "big"])).len(), 2000);
    for i in 0..2000 {
        c.send_cmd(&["HDEL", "big", &format!("field:{i}")]);
    }
    for _ in 0..2000 {
        c.read_reply();
    }
    assert_eq!(c.cmd_str(&["EXISTS", "big"]), ":0\r\n");
}

/// Many small hashes with the same field list (ferrodis shares the names between them, see
/// `types/shape.rs`): every read, DUMP's bytes, the digest, and each way out of the shared
/// form (new field, HDEL, a long value, too many fields, HINCRBY, RESTORE) against redis.
#[test]
fn hashes_sharing_a_field_list_behave_as_listpacks() {
    let mut p = Pair::start(&[]);
    p.check(&["CONFIG", "SET", "hash-max-listpack-entries", "6"]);
    let fields = ["uid", "name", "n", "ip", "neg"];
    for k in 0..30 {
        let key = format!("s:{k}");
        let vals = [
            format!("{k}-user"),
            format!("name-{k}"),
            format!("{}", k * 1000),
            "10.0.0.1".into(),
            format!("-{k}"),
        ];
        let mut c: Vec<String> = vec!["HSET".into(), key.clone()];
        for (f, v) in fields.iter().zip(vals.iter()) {
            c.push(f.to_string());
            c.push(v.clone());
        }
        p.check(&c);
    }
    for k in 0..30 {
        let key = format!("s:{k}");
        for c in [
            vec!["HGETALL", &key],
            vec!["OBJECT", "ENCODING", &key],
            vec!["HGET", &key, "n"],
            vec!["HGET", &key, "nope"],
            vec!["HMGET", &key, "neg", "uid", "x"],
            vec!["HLEN", &key],
            vec!["HSTRLEN", &key, "n"],
            vec!["HEXISTS", &key, "ip"],
            vec!["HKEYS", &key],
            vec!["HVALS", &key],
            vec!["HSCAN", &key, "0"],
            vec!["DEBUG", "DIGEST-VALUE", &key],
            vec!["DUMP", &key],
        ] {
            p.check(&c);
        }
    }
    let steps: &[&[&str]] = &[
        &["HSET", "s:1", "name", "changed"],
        &["HINCRBY", "s:2", "n", "5"],
        &["HINCRBYFLOAT", "s:3", "n", "0.5"],
        &["HSETNX", "s:4", "uid", "x"],
        &["HSET", "s:5", "extra", "1"],
        &["HDEL", "s:6", "ip"],
        &["HDEL", "s:6", "ip"],
        &["HDEL", "s:7", "uid", "name", "n", "ip", "neg"],
        &["EXISTS", "s:7"],
        &["HSET", "s:8", "mail", "a", "tz", "b"],
        &[
            "HSET",
            "s:9",
            "name",
            "0123456789012345678901234567890123456789012345678901234567890123456789",
        ],
        &["HSET", "s:10", "uid", "1", "extra", "2"],
        &["HSETNX", "s:11", "extra", "3"],
        &["HSET", "s:12", "name", "name-12"],
    ];
    for c in steps {
        p.check(c);
    }
    let same_pairs = |p: &mut Pair, key: &str| {
        let (a, b) = p.both(&["HGETALL", key]);
        let (mut a, mut b) = (bulks(&a), bulks(&b));
        a.sort();
        b.sort();
        assert_eq!(a, b, "HGETALL {key}");
    };
    for k in 0..14 {
        let key = format!("s:{k}");
        let enc = p.check(&["OBJECT", "ENCODING", &key]);
        if enc.windows(9).any(|w| w == b"hashtable") {
            same_pairs(&mut p, &key);
        } else {
            p.check(&["HGETALL", &key]);
            p.check(&["DUMP", &key]);
        }
        p.check(&["DEBUG", "DIGEST-VALUE", &key]);
    }
    // RESTORE of redis's payload on both (ferrodis shares the field list again on load).
    for k in 14..20 {
        let key = format!("s:{k}");
        let (_, dump) = p.both(&["DUMP", &key]);
        let start = dump.iter().position(|&c| c == b'\n').expect("bulk header") + 1;
        let payload = dump[start..dump.len() - 2].to_vec();
        let new = format!("r:{k}").into_bytes();
        p.check(&[&b"RESTORE"[..], &new, b"0", &payload]);
        p.check(&[&b"HGETALL"[..], &new]);
        p.check(&[&b"OBJECT"[..], b"ENCODING", &new]);
        p.check(&[&b"DUMP"[..], &new]);
    }
    p.check(&["DEBUG", "DIGEST"]);
    p.check(&["DEBUG", "RELOAD"]);
    p.check(&["DEBUG", "DIGEST"]);
    for k in 0..30 {
        let key = format!("s:{k}");
        if p.check(&["OBJECT", "ENCODING", &key]).windows(8).any(|w| w == b"listpack") {
            p.check(&["HGETALL", &key]);
        }
    }
}
