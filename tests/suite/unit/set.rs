//! The set family against the reference server: every command and option, the error paths,
//! RESP2 and RESP3 replies, the destination rules of the STORE commands, DEBUG DIGEST-VALUE,
//! and the encodings (intset → listpack → hashtable at Redis 7.2's points).
//!
//! Replies of intset-encoded sets are compared byte for byte (both servers keep them sorted).
//! Where Redis 7.2 uses a listpack the 7.0 reference uses a hashtable, so those replies are
//! compared as sets (tests/ALLOWED_DIFFERENCES.md, "Sets"); exact listpack encodings and
//! orders are checked on ferrodis alone. Random commands are compared by shape.

use ferrodis_tests::{Pair, RawConn, TestServer};

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

/// A flat reply (array, set, or SCAN's [cursor, array]) as its header tag and bulk strings.
fn flat(r: &[u8]) -> (u8, Vec<Vec<u8>>) {
    let mut pos = 0;
    let mut items = Vec::new();
    let tag = r[0];
    let line = |pos: &mut usize| -> Vec<u8> {
        let start = *pos;
        while &r[*pos..*pos + 2] != b"\r\n" {
            *pos += 1;
        }
        let l = r[start..*pos].to_vec();
        *pos += 2;
        l
    };
    while pos < r.len() {
        let l = line(&mut pos);
        match l[0] {
            b'$' => {
                let n: usize = std::str::from_utf8(&l[1..]).unwrap().parse().unwrap();
                items.push(r[pos..pos + n].to_vec());
                pos += n + 2;
            }
            b'*' | b'~' => {}
            _ => panic!("unexpected reply line {:?}", String::from_utf8_lossy(&l)),
        }
    }
    (tag, items)
}

/// Sorted members of a flat reply.
fn sorted(r: &[u8]) -> (u8, Vec<Vec<u8>>) {
    let (t, mut v) = flat(r);
    v.sort();
    (t, v)
}

/// Asserts both servers reply the same members in any order (and the same reply type).
fn check_as_set(p: &mut Pair, args: &[&str]) {
    let (a, b) = p.both(args);
    assert_eq!(
        sorted(&a),
        sorted(&b),
        "{args:?}: ours {} reference {}",
        String::from_utf8_lossy(&a),
        String::from_utf8_lossy(&b)
    );
}

fn s(c: &mut RawConn, args: &[&str]) -> String {
    c.cmd_str(args)
}

#[test]
fn add_remove_and_membership() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SADD", "s", "3", "1", "2", "1"],
            &["SADD", "s", "2"],
            &["SCARD", "s"],
            &["SMEMBERS", "s"],
            &["SISMEMBER", "s", "1"],
            &["SISMEMBER", "s", "01"],
            &["SISMEMBER", "s", "x"],
            &["SISMEMBER", "nokey", "x"],
            &["SMISMEMBER", "s", "1", "x", "3", "3"],
            &["SMISMEMBER", "nokey", "1", "2"],
            &["SREM", "s", "1", "9", "1"],
            &["SMEMBERS", "s"],
            &["SREM", "nokey", "1"],
            &["SCARD", "nokey"],
            &["SMEMBERS", "nokey"],
            // Removing the last members deletes the key.
            &["SREM", "s", "2", "3", "4"],
            &["EXISTS", "s"],
            // Edge integers, signs, leading zeros and spaces are strings unless canonical.
            &["SADD", "i", "-9223372036854775808", "9223372036854775807", "0", "-1"],
            &["SMEMBERS", "i"],
            &["OBJECT", "ENCODING", "i"],
            &["SISMEMBER", "i", "-0"],
            &["SISMEMBER", "i", "+0"],
            &["SISMEMBER", "i", "9223372036854775808"],
            &["SREM", "i", "0", "-1"],
            &["SMEMBERS", "i"],
            &["SADD", "bin", "", "a\u{0}b", "\r\n"],
            &["SCARD", "bin"],
            &["SISMEMBER", "bin", ""],
            &["SISMEMBER", "bin", "a\u{0}b"],
            &["SREM", "bin", ""],
            &["SCARD", "bin"],
        ],
    );
    check_as_set(&mut p, &["SMEMBERS", "bin"]);
}

#[test]
fn wrong_types_and_arity() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SET", "str", "v"],
            &["SADD", "s", "a"],
            &["SADD", "str", "a"],
            &["SREM", "str", "a"],
            &["SMEMBERS", "str"],
            &["SISMEMBER", "str", "a"],
            &["SMISMEMBER", "str", "a"],
            &["SCARD", "str"],
            &["SPOP", "str"],
            &["SPOP", "str", "1"],
            &["SPOP", "str", "0"],
            &["SRANDMEMBER", "str"],
            &["SRANDMEMBER", "str", "2"],
            &["SMOVE", "str", "s", "a"],
            &["SMOVE", "s", "str", "a"],
            &["SMOVE", "nokey", "str", "a"],
            &["SINTER", "s", "str"],
            &["SINTER", "nokey", "str"],
            &["SINTERSTORE", "d", "s", "str"],
            &["SINTERCARD", "2", "s", "str"],
            &["SUNION", "s", "str"],
            &["SUNIONSTORE", "d", "str"],
            &["SDIFF", "nokey", "str"],
            &["SDIFFSTORE", "d", "s", "str"],
            &["SSCAN", "str", "0"],
            &["EXISTS", "d"],
            &["SADD", "s"],
            &["SADD"],
            &["SREM", "s"],
            &["SMEMBERS"],
            &["SMEMBERS", "s", "x"],
            &["SISMEMBER", "s"],
            &["SMISMEMBER", "s"],
            &["SCARD"],
            &["SPOP"],
            &["SPOP", "s", "1", "2"],
            &["SRANDMEMBER"],
            &["SRANDMEMBER", "s", "1", "2"],
            &["SMOVE", "s", "d"],
            &["SINTER"],
            &["SINTERSTORE", "d"],
            &["SINTERCARD", "1"],
            &["SUNION"],
            &["SUNIONSTORE", "d"],
            &["SDIFF"],
            &["SDIFFSTORE", "d"],
            &["SSCAN", "s"],
        ],
    );
}

#[test]
fn spop_and_srandmember_arguments() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SADD", "s", "1", "2", "3"],
            &["SPOP", "s", "-1"],
            &["SPOP", "s", "abc"],
            &["SPOP", "s", "1.5"],
            &["SPOP", "nokey", "-1"],
            &["SPOP", "nokey"],
            &["SPOP", "nokey", "0"],
            &["SPOP", "nokey", "5"],
            &["SPOP", "s", "0"],
            &["SCARD", "s"],
            &["SRANDMEMBER", "s", "abc"],
            &["SRANDMEMBER", "s", "-9223372036854775808"],
            &["SRANDMEMBER", "s", "9223372036854775808"],
            &["SRANDMEMBER", "nokey"],
            &["SRANDMEMBER", "nokey", "5"],
            &["SRANDMEMBER", "nokey", "-5"],
            &["SRANDMEMBER", "nokey", "-9223372036854775807"],
            &["SRANDMEMBER", "s", "0"],
            // Counts covering the whole set reply it in order (intset: sorted).
            &["SRANDMEMBER", "s", "3"],
            &["SRANDMEMBER", "s", "9223372036854775807"],
            &["SPOP", "s", "9223372036854775807"],
            &["EXISTS", "s"],
        ],
    );
    resp3(&mut p);
    all(
        &mut p,
        &[
            &["SADD", "s", "1", "2", "3"],
            &["SPOP", "nokey", "5"],
            &["SPOP", "nokey"],
            &["SPOP", "s", "0"],
            &["SRANDMEMBER", "nokey"],
            &["SRANDMEMBER", "nokey", "5"],
            &["SRANDMEMBER", "s", "0"],
            &["SRANDMEMBER", "s", "5"],
            &["SPOP", "s", "3"],
            &["EXISTS", "s"],
        ],
    );
}

/// Random replies are compared by shape: length, reply type, membership, and what is left.
#[test]
fn spop_and_srandmember_shapes() {
    let mut p = Pair::start(&[]);
    let ints: Vec<String> = (0..50).map(|i| i.to_string()).collect();
    let strs: Vec<String> = (0..50).map(|i| format!("m{i}")).collect();
    let big: Vec<String> = (0..600).map(|i| format!("b{i}")).collect();
    for proto in ["2", "3"] {
        p.both(&["HELLO", proto]);
        for (key, members) in [("ints", &ints), ("strs", &strs), ("big", &big)] {
            let universe: std::collections::BTreeSet<Vec<u8>> =
                members.iter().map(|m| m.as_bytes().to_vec()).collect();
            for count in ["1", "2", "10", "40", "49", "50", "51", "-1", "-3", "-100"] {
                p.both(&["DEL", key]);
                let mut add = vec!["SADD", key];
                add.extend(members.iter().map(|m| m.as_str()));
                p.check(&add);
                let (a, b) = p.both(&["SRANDMEMBER", key, count]);
                let ((ta, va), (tb, vb)) = (flat(&a), flat(&b));
                assert_eq!((ta, va.len()), (tb, vb.len()), "SRANDMEMBER {key} {count}");
                assert!(va.iter().all(|m| universe.contains(m)));
                if !count.starts_with('-') {
                    let distinct: std::collections::BTreeSet<_> = va.iter().collect();
                    assert_eq!(distinct.len(), va.len(), "SRANDMEMBER {key} {count} repeats");
                }
                if count.starts_with('-') {
                    continue;
                }
                let (a, b) = p.both(&["SPOP", key, count]);
                let ((ta, va), (tb, vb)) = (flat(&a), flat(&b));
                assert_eq!((ta, va.len()), (tb, vb.len()), "SPOP {key} {count}");
                let distinct: std::collections::BTreeSet<_> = va.iter().cloned().collect();
                assert_eq!(distinct.len(), va.len());
                assert!(distinct.iter().all(|m| universe.contains(m)));
                p.check(&["SCARD", key]);
                // What is left is exactly what was not popped.
                let (left, _) = p.both(&["SMEMBERS", key]);
                let left: std::collections::BTreeSet<Vec<u8>> = flat(&left).1.into_iter().collect();
                assert!(left.is_disjoint(&distinct));
                assert_eq!(left.len() + distinct.len(), universe.len());
            }
            // SPOP without a count.
            let (a, b) = p.both(&["SPOP", key]);
            assert_eq!(a.first(), b.first());
            let (a, b) = p.both(&["SRANDMEMBER", key]);
            assert_eq!(a.first(), b.first());
        }
    }
}

#[test]
fn smove_cases() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SADD", "src", "1", "2", "a"],
            &["SADD", "ints", "5"],
            &["SMOVE", "src", "dst", "1"],
            &["SMEMBERS", "dst"],
            &["OBJECT", "ENCODING", "dst"],
            &["SMOVE", "src", "dst", "nope"],
            &["SMOVE", "nokey", "dst", "1"],
            &["SMOVE", "src", "src", "2"],
            &["SMOVE", "src", "src", "9"],
            &["SMOVE", "src", "ints", "2"],
            &["SMEMBERS", "ints"],
            &["OBJECT", "ENCODING", "ints"],
            &["SMOVE", "src", "ints", "a"],
            &["SCARD", "ints"],
            &["EXISTS", "src"],
            // Moving a member the destination already has still removes it from the source.
            &["SADD", "x", "5", "6"],
            &["SMOVE", "x", "ints", "5"],
            &["SMEMBERS", "x"],
            &["SMOVE", "x", "newstr", "6"],
            &["OBJECT", "ENCODING", "newstr"],
            &["EXISTS", "x"],
        ],
    );
    check_as_set(&mut p, &["SMEMBERS", "ints"]);
}

#[test]
fn intersections_unions_differences() {
    let mut p = Pair::start(&[]);
    for proto in ["2", "3"] {
        p.both(&["FLUSHALL"]);
        p.both(&["HELLO", proto]);
        all(
            &mut p,
            &[
                &["SADD", "a", "1", "2", "3", "4"],
                &["SADD", "b", "2", "3", "5"],
                &["SADD", "c", "3", "4", "2", "100000"],
                &["SET", "str", "x"],
                // Intsets: every reply is sorted on both servers.
                &["SINTER", "a", "b"],
                &["SINTER", "a", "b", "c"],
                &["SINTER", "a"],
                &["SINTER", "a", "a"],
                &["SINTER", "a", "nokey"],
                &["SINTER", "nokey"],
                &["SUNION", "a", "b"],
                &["SUNION", "a", "nokey", "c"],
                &["SUNION", "nokey"],
                &["SDIFF", "a", "b"],
                &["SDIFF", "a", "b", "c"],
                &["SDIFF", "a", "a"],
                &["SDIFF", "a", "nokey", "a"],
                &["SDIFF", "nokey", "a"],
                &["SDIFF", "a"],
                &["SINTERSTORE", "d", "a", "b"],
                &["SMEMBERS", "d"],
                &["OBJECT", "ENCODING", "d"],
                &["SUNIONSTORE", "d", "a", "c"],
                &["SMEMBERS", "d"],
                &["OBJECT", "ENCODING", "d"],
                &["SDIFFSTORE", "d", "c", "a"],
                &["SMEMBERS", "d"],
                // Empty results delete the destination, whatever it held.
                &["SINTERSTORE", "d", "a", "nokey"],
                &["EXISTS", "d"],
                &["SET", "d", "v"],
                &["SDIFFSTORE", "d", "a", "a"],
                &["EXISTS", "d"],
                &["SET", "d", "v"],
                &["SUNIONSTORE", "d", "nokey"],
                &["EXISTS", "d"],
                // A destination of another type is replaced, and loses its TTL.
                &["SET", "d", "v", "EX", "100"],
                &["SUNIONSTORE", "d", "a"],
                &["TYPE", "d"],
                &["TTL", "d"],
                &["SADD", "e", "9"],
                &["EXPIRE", "e", "100"],
                &["SINTERSTORE", "e", "a", "b"],
                &["TTL", "e"],
                // The destination may be a source.
                &["SUNIONSTORE", "a", "a", "b"],
                &["SMEMBERS", "a"],
                &["SINTERSTORE", "b", "b", "c"],
                &["SMEMBERS", "b"],
                // SINTERCARD.
                &["SINTERCARD", "2", "a", "c"],
                &["SINTERCARD", "2", "a", "c", "LIMIT", "0"],
                &["SINTERCARD", "2", "a", "c", "LIMIT", "1"],
                &["SINTERCARD", "2", "a", "c", "limit", "2"],
                &["SINTERCARD", "2", "a", "c", "LIMIT", "100"],
                &["SINTERCARD", "2", "a", "c", "LIMIT", "1", "LIMIT", "3"],
                &["SINTERCARD", "1", "nokey"],
                &["SINTERCARD", "2", "a", "nokey"],
                &["SINTERCARD", "0", "a"],
                &["SINTERCARD", "-1", "a"],
                &["SINTERCARD", "x", "a"],
                &["SINTERCARD", "9223372036854775808", "a"],
                &["SINTERCARD", "3", "a", "b"],
                &["SINTERCARD", "1", "a", "LIMIT"],
                &["SINTERCARD", "1", "a", "LIMIT", "-1"],
                &["SINTERCARD", "1", "a", "LIMIT", "x"],
                &["SINTERCARD", "1", "a", "FOO", "1"],
                &["SINTERCARD", "2", "a", "str"],
                &["SINTERCARD", "1", "str", "LIMIT", "-1"],
            ],
        );
        // Strings: listpack here, hashtable in 7.0; compare as sets.
        all(&mut p, &[&["SADD", "s1", "x", "y", "z", "1"], &["SADD", "s2", "y", "z", "w", "1"]]);
        for c in [
            &["SINTER", "s1", "s2"][..],
            &["SUNION", "s1", "s2", "a"],
            &["SDIFF", "s1", "s2"],
            &["SDIFF", "s2", "s1", "a"],
        ] {
            check_as_set(&mut p, c);
        }
        all(
            &mut p,
            &[
                &["SINTERSTORE", "d", "s1", "s2"],
                &["SUNIONSTORE", "d2", "s1", "a"],
                &["SDIFFSTORE", "d3", "s1", "s2"],
                &["SCARD", "d2"],
                &["SINTERCARD", "2", "s1", "s2"],
            ],
        );
        for k in ["d", "d2", "d3"] {
            check_as_set(&mut p, &["SMEMBERS", k]);
        }
    }
}

#[test]
fn sscan_cases() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SADD", "i", "5", "1", "3", "10", "11"],
            &["SSCAN", "i", "0"],
            &["SSCAN", "i", "123"],
            &["SSCAN", "i", "0", "COUNT", "1"],
            &["SSCAN", "i", "0", "MATCH", "1*"],
            &["SSCAN", "i", "0", "match", "*", "count", "2"],
            &["SSCAN", "i", "x"],
            &["SSCAN", "i", "-1"],
            &["SSCAN", "i", "18446744073709551616"],
            &["SSCAN", "i", "0", "COUNT", "0"],
            &["SSCAN", "i", "0", "COUNT", "x"],
            &["SSCAN", "i", "0", "COUNT"],
            &["SSCAN", "i", "0", "MATCH"],
            &["SSCAN", "i", "0", "TYPE", "set"],
            &["SSCAN", "i", "0", "FOO", "1"],
            &["SSCAN", "nokey", "0"],
            &["SSCAN", "nokey", "0", "FOO"],
            &["SSCAN", "nokey", "x"],
        ],
    );
    resp3(&mut p);
    all(&mut p, &[&["SSCAN", "i", "0"], &["SSCAN", "nokey", "0"]]);
    // Strings (listpack here, hashtable there): the same members.
    p.check(&["SADD", "s", "apple", "banana", "cherry", "avocado"]);
    check_as_set(&mut p, &["SSCAN", "s", "0", "MATCH", "a*"]);
}

/// A full SSCAN of a hashtable-encoded set returns every member, across cursors, while the
/// set changes under it.
#[test]
fn sscan_of_a_hashtable_covers_every_member() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    let mut add = vec!["SADD".to_string(), "h".into()];
    add.extend((0..2000).map(|i| format!("m{i}")));
    c.cmd(&add);
    assert_eq!(s(&mut c, &["OBJECT", "ENCODING", "h"]), "$9\r\nhashtable\r\n");
    let mut cursor = "0".to_string();
    let mut seen = std::collections::HashSet::new();
    let mut calls = 0;
    loop {
        let r = c.cmd(&["SSCAN", "h", &cursor, "COUNT", "50"]);
        let (_, items) = flat(&r);
        cursor = String::from_utf8(items[0].clone()).unwrap();
        seen.extend(items[1..].iter().cloned());
        // Churn: add and remove other members, so the table grows and shrinks.
        let extra = format!("x{calls}");
        c.cmd(&["SADD", "h", &extra]);
        if calls > 5 {
            c.cmd(&["SREM", "h", &format!("x{}", calls - 5)]);
        }
        calls += 1;
        if cursor == "0" {
            break;
        }
    }
    assert!(calls > 5, "a 2000-member hashtable is scanned in several calls");
    for i in 0..2000 {
        assert!(seen.contains(format!("m{i}").as_bytes()), "m{i} missed");
    }
    let r = c.cmd(&["SSCAN", "h", "0", "MATCH", "m1?", "COUNT", "100000"]);
    let (_, items) = flat(&r);
    assert_eq!(items[0], b"0");
    assert_eq!(items.len() - 1, 10);
}

/// OBJECT ENCODING after each conversion, on ferrodis alone (the 7.0 reference has no
/// listpack sets), at the default thresholds and at lowered ones.
#[test]
fn encodings_follow_redis_7_2() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    let enc = |c: &mut RawConn, k: &str| {
        let r = s(c, &["OBJECT", "ENCODING", k]);
        r.split("\r\n").nth(1).unwrap_or("").to_string()
    };
    c.cmd(&["SADD", "s", "1", "2"]);
    assert_eq!(enc(&mut c, "s"), "intset");
    c.cmd(&["SADD", "s", "a"]);
    assert_eq!(enc(&mut c, "s"), "listpack");
    // Listpack order is insertion order: the intset's sorted members, then the new one.
    assert_eq!(s(&mut c, &["SMEMBERS", "s"]), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\na\r\n");
    c.cmd(&["SADD", "s", &"v".repeat(65)]);
    assert_eq!(enc(&mut c, "s"), "hashtable");
    // An intset past 512 members becomes a hashtable.
    let mut add = vec!["SADD".to_string(), "big".into()];
    add.extend((0..512).map(|i| i.to_string()));
    c.cmd(&add);
    assert_eq!(enc(&mut c, "big"), "intset");
    c.cmd(&["SADD", "big", "512"]);
    assert_eq!(enc(&mut c, "big"), "hashtable");
    // Strings: listpack up to 128 members.
    let mut add = vec!["SADD".to_string(), "str".into()];
    add.extend((0..128).map(|i| format!("m{i}")));
    c.cmd(&add);
    assert_eq!(enc(&mut c, "str"), "listpack");
    c.cmd(&["SADD", "str", "m128"]);
    assert_eq!(enc(&mut c, "str"), "hashtable");
    // SADD's size hint: more arguments than a listpack holds make a hashtable at once,
    // even if they repeat.
    let mut add = vec!["SADD".to_string(), "hint".into()];
    add.extend((0..129).map(|_| "x".to_string()));
    c.cmd(&add);
    assert_eq!(enc(&mut c, "hint"), "hashtable");
    assert_eq!(s(&mut c, &["SCARD", "hint"]), ":1\r\n");
    // An intset getting a string it cannot hold as a listpack: hashtable.
    c.cmd(&["SADD", "i2", "1", "-1234567890123456789"]);
    c.cmd(&["CONFIG", "SET", "set-max-listpack-value", "10"]);
    c.cmd(&["SADD", "i2", "a"]);
    assert_eq!(enc(&mut c, "i2"), "hashtable");
    c.cmd(&["CONFIG", "SET", "set-max-listpack-value", "64"]);

    // Lowered thresholds.
    c.cmd(&["CONFIG", "SET", "set-max-intset-entries", "4"]);
    c.cmd(&["CONFIG", "SET", "set-max-listpack-entries", "4"]);
    c.cmd(&["CONFIG", "SET", "set-max-listpack-value", "8"]);
    c.cmd(&["DEL", "k"]);
    c.cmd(&["SADD", "k", "1", "2", "3", "4"]);
    assert_eq!(enc(&mut c, "k"), "intset");
    c.cmd(&["SADD", "k", "5"]);
    assert_eq!(enc(&mut c, "k"), "hashtable");
    c.cmd(&["SADD", "l", "a", "b", "c"]);
    assert_eq!(enc(&mut c, "l"), "listpack");
    c.cmd(&["SADD", "l", "123456789"]);
    assert_eq!(enc(&mut c, "l"), "hashtable");
    // STORE results: an all-integer intersection of hashtables becomes an intset, a union
    // starts as an intset and grows.
    c.cmd(&["SADD", "h1", "1", "2", "3", "x", "y"]);
    c.cmd(&["SADD", "h2", "1", "2", "3", "z", "w"]);
    assert_eq!(enc(&mut c, "h1"), "hashtable");
    c.cmd(&["SINTERSTORE", "r", "h1", "h2"]);
    assert_eq!(enc(&mut c, "r"), "intset");
    c.cmd(&["SINTERSTORE", "r", "l", "l"]);
    assert_eq!(enc(&mut c, "r"), "hashtable");
    c.cmd(&["SUNIONSTORE", "r", "h1"]);
    assert_eq!(enc(&mut c, "r"), "hashtable");
    c.cmd(&["SADD", "small", "a", "1"]);
    c.cmd(&["SUNIONSTORE", "r", "small"]);
    assert_eq!(enc(&mut c, "r"), "listpack");
    // The result is built in the source's order: "a" turned the empty intset into a
    // listpack, then 1 was appended.
    assert_eq!(s(&mut c, &["SMEMBERS", "r"]), "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    c.cmd(&["SDIFFSTORE", "r", "h1", "small"]);
    assert_eq!(s(&mut c, &["SCARD", "r"]), ":4\r\n");
    assert_eq!(enc(&mut c, "r"), "listpack");
    // SMOVE into a new key: intset for an integer, listpack for a string.
    c.cmd(&["SMOVE", "h1", "m1", "3"]);
    assert_eq!(enc(&mut c, "m1"), "intset");
    c.cmd(&["SMOVE", "h1", "m2", "x"]);
    assert_eq!(enc(&mut c, "m2"), "listpack");
    // SPOP with a count leaving few members of a hashtable: the rest is a new listpack.
    let mut add = vec!["SADD".to_string(), "pop".into()];
    add.extend((0..40).map(|i| format!("p{i}")));
    c.cmd(&add);
    assert_eq!(enc(&mut c, "pop"), "hashtable");
    c.cmd(&["SPOP", "pop", "38"]);
    assert_eq!(enc(&mut c, "pop"), "listpack");
    // ... and of an intset: a new intset.
    c.cmd(&["CONFIG", "SET", "set-max-intset-entries", "512"]);
    let mut add = vec!["SADD".to_string(), "ipop".into()];
    add.extend((0..40).map(|i| i.to_string()));
    c.cmd(&add);
    c.cmd(&["SPOP", "ipop", "38"]);
    assert_eq!(enc(&mut c, "ipop"), "intset");
    assert_eq!(s(&mut c, &["SCARD", "ipop"]), ":2\r\n");
}

/// Encodings both servers share (intset, hashtable) match the reference.
#[test]
fn shared_encodings_match_reference() {
    let mut p = Pair::start(&[]);
    let mut add = vec!["SADD".to_string(), "big".into()];
    add.extend((0..513).map(|i| (i * 7).to_string()));
    p.check(&add);
    let mut add = vec!["SADD".to_string(), "str".into()];
    add.extend((0..200).map(|i| format!("s{i}")));
    p.check(&add);
    all(
        &mut p,
        &[
            &["SADD", "i", "1", "2", "3"],
            &["OBJECT", "ENCODING", "i"],
            &["OBJECT", "ENCODING", "big"],
            &["OBJECT", "ENCODING", "str"],
            &["SINTERSTORE", "r", "big", "i"],
            &["OBJECT", "ENCODING", "r"],
            &["SMEMBERS", "r"],
            &["SUNIONSTORE", "r", "big"],
            &["OBJECT", "ENCODING", "r"],
            &["SUNIONSTORE", "r", "i", "i"],
            &["OBJECT", "ENCODING", "r"],
            &["SDIFFSTORE", "r", "big", "i"],
            &["OBJECT", "ENCODING", "r"],
            &["SCARD", "r"],
            &["SDIFFSTORE", "r", "str", "i"],
            &["OBJECT", "ENCODING", "r"],
            &["SCARD", "r"],
            &["SUNIONSTORE", "r", "i", "str"],
            &["OBJECT", "ENCODING", "r"],
            &["SCARD", "r"],
        ],
    );
}

#[test]
fn digest_value_and_copy_match_reference() {
    let mut p = Pair::start(&["--enable-debug-command", "yes"]);
    let mut add = vec!["SADD".to_string(), "big".into()];
    add.extend((0..300).map(|i| format!("member:{i}")));
    p.check(&add);
    let mut add = vec!["SADD".to_string(), "ibig".into()];
    add.extend((0..600).map(|i| i.to_string()));
    p.check(&add);
    all(
        &mut p,
        &[
            &["SADD", "i", "3", "-1", "100000", "-9223372036854775808"],
            &["SADD", "s", "a", "b", "1", ""],
            &["DEBUG", "DIGEST-VALUE", "i", "s", "big", "ibig", "nokey"],
            &["COPY", "i", "i2"],
            &["COPY", "s", "s2"],
            &["COPY", "big", "big2"],
            &["SMEMBERS", "i2"],
            &["OBJECT", "ENCODING", "i2"],
            &["OBJECT", "ENCODING", "big2"],
            &["DEBUG", "DIGEST-VALUE", "i2", "s2", "big2"],
            &["SADD", "s2", "c"],
            &["SCARD", "s"],
            &["SREM", "big2", "member:1"],
            &["SCARD", "big"],
            &["DEBUG", "DIGEST-VALUE", "s2", "big2"],
            &["DEBUG", "DIGEST"],
        ],
    );
}

/// Large sets, to exercise the hashtable paths of every command against the reference.
#[test]
fn large_sets_match_reference_as_sets() {
    let mut p = Pair::start(&[]);
    let mut a = vec!["SADD".to_string(), "a".into()];
    a.extend((0..1000).map(|i| format!("e{i}")));
    let mut b = vec!["SADD".to_string(), "b".into()];
    b.extend((500..1500).map(|i| format!("e{i}")));
    p.check(&a);
    p.check(&b);
    for c in [
        &["SINTER", "a", "b"][..],
        &["SUNION", "a", "b"],
        &["SDIFF", "a", "b"],
        &["SDIFF", "b", "a"],
        &["SMEMBERS", "a"],
    ] {
        check_as_set(&mut p, c);
    }
    all(
        &mut p,
        &[
            &["SINTERCARD", "2", "a", "b"],
            &["SINTERCARD", "2", "a", "b", "LIMIT", "10"],
            &["SINTERSTORE", "d", "a", "b"],
            &["OBJECT", "ENCODING", "d"],
            &["SDIFFSTORE", "d", "a", "b"],
            &["OBJECT", "ENCODING", "d"],
            &["SREM", "a", "e1", "e2", "nope"],
            &["SMISMEMBER", "a", "e1", "e3", "e999", "e1000"],
            &["SMOVE", "a", "b", "e3"],
            &["SCARD", "a"],
            &["SCARD", "b"],
        ],
    );
}
