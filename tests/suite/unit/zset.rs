//! The sorted set family against the reference server, byte for byte, in RESP2 and RESP3:
//! every command and option, the error paths in Redis's order, edge scores (inf, -0,
//! exponents), encodings and their conversion points, DEBUG DIGEST-VALUE; ZRANK WITHSCORE
//! (7.2, absent from the 7.0.15 reference) on ferrodis alone; a leaderboard workload through
//! the `redis` crate.

use ferrodis_tests::{Pair, TestServer};

/// Sends each command to both servers and asserts identical replies.
fn all(p: &mut Pair, cmds: &[&[&str]]) {
    for c in cmds {
        p.check(c);
    }
}

fn resp3(p: &mut Pair) {
    let (a, b) = p.both(&["HELLO", "3"]);
    assert!(a.starts_with(b"%") && b.starts_with(b"%"));
}

/// Runs `cmds` in RESP2, then again in RESP3 after the same setup.
fn both_protocols(setup: &[&[&str]], cmds: &[&[&str]]) {
    let mut p = Pair::start(&[]);
    for proto3 in [false, true] {
        if proto3 {
            resp3(&mut p);
        }
        all(&mut p, &[&["FLUSHALL"]]);
        all(&mut p, setup);
        all(&mut p, cmds);
    }
}

const SETUP: &[&[&str]] = &[
    &["ZADD", "z", "1", "a", "2", "b", "3", "c", "-0", "d", "inf", "e", "1.5", "f", "-inf", "g"],
    &["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "ab", "0", ""],
    &["ZADD", "w", "10", "a", "20", "x"],
    &["SET", "str", "v"],
];

#[test]
fn zadd_options_flags_and_errors() {
    both_protocols(
        &[],
        &[
            &["ZADD", "z", "1", "a"],
            &["ZADD", "z", "1", "a"],
            &["ZADD", "z", "2", "a", "3", "b", "3", "b"],
            &["ZADD", "z", "CH", "5", "a", "3", "b", "4", "c"],
            &["ZADD", "z", "NX", "100", "a", "7", "d"],
            &["ZADD", "z", "XX", "100", "a", "7", "e"],
            &["ZADD", "z", "XX", "CH", "101", "a"],
            &["ZADD", "z", "GT", "CH", "50", "a", "200", "b"],
            &["ZADD", "z", "LT", "CH", "50", "a", "200", "b", "9", "new"],
            &["ZADD", "z", "XX", "GT", "1000", "c", "0", "d"],
            &["ZADD", "z", "INCR", "5", "a"],
            &["ZADD", "z", "INCR", "NX", "5", "a"],
            &["ZADD", "z", "INCR", "XX", "5", "nosuch"],
            &["ZADD", "z", "INCR", "GT", "-5", "a"],
            &["ZADD", "z", "INCR", "LT", "-5", "a"],
            &["ZADD", "z", "incr", "ch", "1", "brandnew"],
            &["ZADD", "z", "nx", "xx", "1", "a"],
            &["ZADD", "z", "gt", "lt", "1", "a"],
            &["ZADD", "z", "gt", "nx", "1", "a"],
            &["ZADD", "z", "lt", "nx", "1", "a"],
            &["ZADD", "z", "incr", "1", "a", "2", "b"],
            &["ZADD", "z", "1", "a", "2"],
            &["ZADD", "z", "NX"],
            &["ZADD", "z", "x", "a"],
            &["ZADD", "z", "nan", "a"],
            &["ZADD", "z", "1", "a", "nan", "b"],
            &["ZADD", "z", " 1", "a"],
            &["ZADD", "z", "1e400", "a"],
            &["ZADD", "z"],
            &["ZADD", "z", "1"],
            &["ZADD", "nokey", "XX", "1", "a"],
            &["ZADD", "nokey", "XX", "INCR", "1", "a"],
            &["EXISTS", "nokey"],
            &["SET", "str", "v"],
            &["ZADD", "str", "1", "a"],
            &["ZADD", "str", "x", "a"],
            &["ZADD", "z", "inf", "i", "-inf", "j", "+inf", "k", "1e-300", "l", "1E2", "m"],
            &["ZADD", "z", "-0", "zero", "-0.0", "zero2", "1.0e3", "thousand", "3.14159", "pi"],
            &["ZADD", "z", "0.1", "tenth", "123456789012345678", "big", "-1e-5", "tiny"],
            &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
            &["ZINCRBY", "z", "1", "i"],
            &["ZINCRBY", "z", "-inf", "i"],
            &["ZADD", "z", "INCR", "-inf", "i"],
            &["ZINCRBY", "z", "x", "a"],
            &["ZINCRBY", "z", "nan", "a"],
            &["ZINCRBY", "z", "2.5", "fresh"],
            &["ZINCRBY", "newkey", "-3", "m"],
            &["ZINCRBY", "str", "1", "a"],
            &["ZSCORE", "z", "zero"],
            &["ZSCORE", "z", "tenth"],
            &["ZSCORE", "z", "big"],
            &["ZMSCORE", "z", "a", "nosuch", "i", "zero"],
            &["ZMSCORE", "nokey", "a", "b"],
            &["ZMSCORE", "str", "a"],
            &["ZSCORE", "nokey", "a"],
            &["ZSCORE", "str", "a"],
            &["ZCARD", "z"],
            &["ZCARD", "nokey"],
            &["ZCARD", "str"],
            &["ZREM", "z", "a", "a", "nosuch", "b"],
            &["ZREM", "nokey", "a"],
            &["ZREM", "str", "a"],
            &["ZADD", "one", "1", "x"],
            &["ZREM", "one", "x", "y"],
            &["EXISTS", "one"],
        ],
    );
}

#[test]
fn ranks_counts_and_ranges() {
    both_protocols(
        SETUP,
        &[
            &["ZRANK", "z", "a"],
            &["ZRANK", "z", "g"],
            &["ZREVRANK", "z", "g"],
            &["ZRANK", "z", "nosuch"],
            &["ZRANK", "nokey", "a"],
            &["ZRANK", "str", "a"],
            &["ZCOUNT", "z", "-inf", "+inf"],
            &["ZCOUNT", "z", "(1", "3"],
            &["ZCOUNT", "z", "(1", "(1"],
            &["ZCOUNT", "z", "3", "1"],
            &["ZCOUNT", "z", "", ""],
            &["ZCOUNT", "z", "(", "2"],
            &["ZCOUNT", "z", " 1", "2"],
            &["ZCOUNT", "z", "x", "2"],
            &["ZCOUNT", "z", "1", "nan"],
            &["ZCOUNT", "z", "((1", "2"],
            &["ZCOUNT", "nokey", "x", "2"],
            &["ZCOUNT", "str", "x", "2"],
            &["ZCOUNT", "str", "1", "2"],
            &["ZLEXCOUNT", "lex", "-", "+"],
            &["ZLEXCOUNT", "lex", "[a", "(c"],
            &["ZLEXCOUNT", "lex", "(a", "[ab"],
            &["ZLEXCOUNT", "lex", "+", "-"],
            &["ZLEXCOUNT", "lex", "[", "[a"],
            &["ZLEXCOUNT", "lex", "a", "[b"],
            &["ZLEXCOUNT", "lex", "[b", "[a"],
            &["ZLEXCOUNT", "str", "-", "+"],
            &["ZRANGE", "z", "0", "-1"],
            &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
            &["ZRANGE", "z", "-3", "-2", "withscores"],
            &["ZRANGE", "z", "5", "1"],
            &["ZRANGE", "z", "100", "200"],
            &["ZRANGE", "z", "-100", "100"],
            &["ZRANGE", "z", "0", "-1", "REV", "WITHSCORES"],
            &["ZRANGE", "z", "(1", "+inf", "BYSCORE", "WITHSCORES"],
            &["ZRANGE", "z", "+inf", "(1", "BYSCORE", "REV", "WITHSCORES"],
            &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "3"],
            &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"],
            &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "3"],
            &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "100", "3"],
            &["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0"],
            &["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "2", "2", "WITHSCORES"],
            &["ZRANGE", "lex", "[a", "[c", "BYLEX"],
            &["ZRANGE", "lex", "[c", "[a", "BYLEX", "REV"],
            &["ZRANGE", "lex", "-", "+", "BYLEX", "LIMIT", "2", "3"],
            &["ZRANGE", "lex", "+", "-", "BYLEX", "REV", "LIMIT", "1", "2"],
            &["ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES"],
            &["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"],
            &["ZRANGE", "z", "0", "1", "LIMIT", "0", "-1"],
            &["ZRANGE", "z", "0", "1", "LIMIT", "0"],
            &["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"],
            &["ZRANGE", "z", "0", "1", "BYSCORE", "BYSCORE"],
            &["ZRANGE", "z", "0", "1", "REV", "REV"],
            &["ZRANGE", "z", "0", "1", "WITHSCORES", "WITHSCORES"],
            &["ZRANGE", "z", "a", "1"],
            &["ZRANGE", "z", "a", "1", "BYSCORE"],
            &["ZRANGE", "z", "a", "1", "BYLEX"],
            &["ZRANGE", "z", "0", "1", "LIMIT", "x", "1", "BYSCORE"],
            &["ZRANGE", "z", "0", "1", "foo"],
            &["ZRANGE", "nokey", "0", "-1"],
            &["ZRANGE", "str", "0", "-1"],
            &["ZRANGE", "str", "x", "-1"],
            &["ZREVRANGE", "z", "0", "2", "WITHSCORES"],
            &["ZREVRANGE", "z", "0", "2", "REV"],
            &["ZREVRANGE", "z", "0", "2", "BYSCORE"],
            &["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"],
            &["ZRANGEBYSCORE", "z", "(-inf", "(+inf"],
            &["ZRANGEBYSCORE", "z", "1", "2", "LIMIT", "0", "1", "WITHSCORES"],
            &["ZRANGEBYSCORE", "z", "1", "2", "BYSCORE"],
            &["ZRANGEBYSCORE", "z", "1", "2", "REV"],
            &["ZRANGEBYSCORE", "z", "1", "2", "LIMIT", "0"],
            &["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES"],
            &["ZREVRANGEBYSCORE", "z", "2", "1", "LIMIT", "1", "5"],
            &["ZREVRANGEBYSCORE", "z", "1", "2"],
            &["ZRANGEBYLEX", "lex", "-", "+"],
            &["ZRANGEBYLEX", "lex", "(a", "+", "LIMIT", "0", "2"],
            &["ZRANGEBYLEX", "lex", "-", "+", "WITHSCORES"],
            &["ZRANGEBYLEX", "lex", "a", "+"],
            &["ZREVRANGEBYLEX", "lex", "+", "-"],
            &["ZREVRANGEBYLEX", "lex", "[c", "(a", "LIMIT", "1", "10"],
            &["ZREVRANGEBYLEX", "lex", "-", "+"],
        ],
    );
}

#[test]
fn stores_removals_and_pops() {
    both_protocols(
        SETUP,
        &[
            &["ZRANGESTORE", "dst", "z", "0", "2"],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &["ZRANGESTORE", "dst", "z", "(1", "inf", "BYSCORE", "LIMIT", "1", "2"],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &["ZRANGESTORE", "dst", "lex", "[b", "[d", "BYLEX", "REV"],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &["ZRANGESTORE", "dst", "z", "5", "1"],
            &["EXISTS", "dst"],
            &["ZRANGESTORE", "dst", "nokey", "0", "-1"],
            &["ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"],
            &["ZRANGESTORE", "str", "z", "0", "0"],
            &["TYPE", "str"],
            &["ZRANGESTORE", "dst", "str", "0", "0"],
            &["SET", "str", "v"],
            &["ZREMRANGEBYRANK", "z", "0", "0"],
            &["ZREMRANGEBYRANK", "z", "-2", "-1"],
            &["ZREMRANGEBYRANK", "z", "5", "1"],
            &["ZREMRANGEBYRANK", "z", "x", "1"],
            &["ZREMRANGEBYRANK", "nokey", "0", "1"],
            &["ZREMRANGEBYRANK", "str", "0", "1"],
            &["ZREMRANGEBYSCORE", "z", "(1", "2"],
            &["ZREMRANGEBYSCORE", "z", "x", "2"],
            &["ZREMRANGEBYSCORE", "str", "x", "2"],
            &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
            &["ZREMRANGEBYLEX", "lex", "[a", "(c"],
            &["ZREMRANGEBYLEX", "lex", "a", "(c"],
            &["ZRANGE", "lex", "0", "-1"],
            &["ZREMRANGEBYLEX", "lex", "-", "+"],
            &["EXISTS", "lex"],
            &["ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
            &["ZPOPMIN", "p"],
            &["ZPOPMAX", "p"],
            &["ZPOPMIN", "p", "2"],
            &["ZPOPMAX", "p", "1"],
            &["ZPOPMIN", "p", "0"],
            &["ZPOPMIN", "p", "-1"],
            &["ZPOPMIN", "p", "x"],
            &["ZPOPMIN", "p", "1", "2"],
            &["ZPOPMAX", "p", "10"],
            &["EXISTS", "p"],
            &["ZPOPMIN", "nokey"],
            &["ZPOPMIN", "nokey", "3"],
            &["ZPOPMIN", "str"],
            &["ZPOPMIN", "str", "0"],
            &["ZADD", "p", "1", "a", "2", "b", "3", "c"],
            &["ZMPOP", "2", "nokey", "p", "MIN"],
            &["ZMPOP", "2", "nokey", "p", "max", "COUNT", "5"],
            &["ZMPOP", "1", "p", "MIN"],
            &["ZMPOP", "1", "str", "MIN"],
            &["ZMPOP", "0", "p", "MIN"],
            &["ZMPOP", "x", "p", "MIN"],
            &["ZMPOP", "1", "p", "MIN", "COUNT", "0"],
            &["ZMPOP", "1", "p", "MIN", "COUNT", "x"],
            &["ZMPOP", "1", "p", "MIN", "COUNT", "1", "COUNT", "1"],
            &["ZMPOP", "1", "p", "foo"],
            &["ZMPOP", "5", "p", "MIN"],
            &["ZMPOP", "1", "p", "MIN", "bar"],
        ],
    );
}

#[test]
fn set_operations_with_weights_and_aggregates() {
    both_protocols(
        SETUP,
        &[
            &["ZUNION", "2", "z", "w"],
            &["ZUNION", "2", "z", "w", "WITHSCORES"],
            &["ZUNION", "2", "z", "w", "WEIGHTS", "2", "0.5", "WITHSCORES"],
            &["ZUNION", "2", "z", "w", "WEIGHTS", "0", "1", "WITHSCORES"],
            &["ZUNION", "2", "z", "w", "AGGREGATE", "MIN", "WITHSCORES"],
            &["ZUNION", "2", "z", "w", "AGGREGATE", "max", "WITHSCORES"],
            &["ZUNION", "2", "z", "z", "WITHSCORES"],
            &["ZUNION", "2", "z", "nokey", "WITHSCORES"],
            &["ZUNION", "2", "z", "w", "WEIGHTS", "1"],
            &["ZUNION", "2", "z", "w", "WEIGHTS", "1", "x"],
            &["ZUNION", "2", "z", "w", "AGGREGATE", "avg"],
            &["ZUNION", "2", "z", "w", "AGGREGATE"],
            &["ZUNION", "0", "z"],
            &["ZUNION", "-1", "z"],
            &["ZUNION", "x", "z"],
            &["ZUNION", "3", "z", "w"],
            &["ZUNION", "2", "z", "str", "WEIGHTS", "x"],
            &["ZUNION", "1", "z", "foo"],
            &["ZINTER", "2", "z", "w", "WITHSCORES"],
            &["ZINTER", "2", "z", "w", "WEIGHTS", "1", "-1", "AGGREGATE", "SUM", "WITHSCORES"],
            &["ZINTER", "2", "z", "nokey"],
            &["ZINTER", "2", "z", "str"],
            &["ZDIFF", "2", "z", "w", "WITHSCORES"],
            &["ZDIFF", "2", "z", "w", "WEIGHTS", "1", "1"],
            &["ZDIFF", "2", "z", "w", "AGGREGATE", "SUM"],
            &["ZDIFF", "1", "nokey"],
            &["ZUNIONSTORE", "dst", "2", "z", "w", "WEIGHTS", "1", "2"],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &["ZUNIONSTORE", "dst", "2", "z", "w", "WITHSCORES"],
            &["ZINTERSTORE", "dst", "2", "z", "w", "AGGREGATE", "MAX"],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &["ZINTERSTORE", "dst", "2", "z", "nokey"],
            &["EXISTS", "dst"],
            &["ZDIFFSTORE", "dst", "2", "z", "w"],
            &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
            &["ZDIFFSTORE", "dst", "2", "z", "z"],
            &["EXISTS", "dst"],
            &["ZUNIONSTORE", "dst", "0", "z"],
            &["ZINTERSTORE", "z", "2", "z", "w"],
            &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
            &["ZINTERCARD", "2", "w", "lex"],
            &["ZINTERCARD", "1", "w"],
            &["ZINTERCARD", "1", "w", "LIMIT", "1"],
            &["ZINTERCARD", "1", "w", "LIMIT", "0"],
            &["ZINTERCARD", "1", "w", "LIMIT", "-1"],
            &["ZINTERCARD", "1", "w", "LIMIT"],
            &["ZINTERCARD", "1", "w", "WITHSCORES"],
            &["ZINTERCARD", "0", "w"],
            &["ZINTERCARD", "2", "w"],
            &["ZINTERCARD", "1", "str"],
            // inf * 0 and inf + -inf are 0 in Redis's arithmetic.
            &["ZADD", "i1", "inf", "a", "-inf", "b"],
            &["ZADD", "i2", "-inf", "a", "inf", "b"],
            &["ZUNION", "2", "i1", "i2", "WITHSCORES"],
            &["ZUNION", "2", "i1", "i2", "WEIGHTS", "0", "1", "WITHSCORES"],
            &["ZINTER", "2", "i1", "i2", "AGGREGATE", "MIN", "WITHSCORES"],
        ],
    );
}

#[test]
fn zrandmember_and_zscan() {
    let mut p = Pair::start(&[]);
    all(&mut p, SETUP);
    all(
        &mut p,
        &[
            &["ZRANDMEMBER", "nokey"],
            &["ZRANDMEMBER", "nokey", "5"],
            &["ZRANDMEMBER", "str"],
            &["ZRANDMEMBER", "str", "0"],
            &["ZRANDMEMBER", "z", "0"],
            &["ZRANDMEMBER", "z", "x"],
            &["ZRANDMEMBER", "z", "1", "foo"],
            &["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
            &["ZRANDMEMBER", "z", "-9223372036854775808"],
            &["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"],
            // The whole set, in order, when the count covers it.
            &["ZRANDMEMBER", "z", "100", "WITHSCORES"],
            &["ZSCAN", "z", "0"],
            &["ZSCAN", "z", "0", "MATCH", "a*", "COUNT", "100"],
            &["ZSCAN", "z", "0", "COUNT", "0"],
            &["ZSCAN", "z", "0", "TYPE", "zset"],
            &["ZSCAN", "z", "x"],
            &["ZSCAN", "nokey", "0", "foo"],
            &["ZSCAN", "str", "0"],
        ],
    );
    // Random replies: same shape, members from the set.
    for args in [
        &["ZRANDMEMBER", "z"][..],
        &["ZRANDMEMBER", "z", "3"],
        &["ZRANDMEMBER", "z", "-20", "WITHSCORES"],
    ] {
        let (a, b) = p.both(args);
        let lines = |x: &[u8]| String::from_utf8_lossy(x).lines().count();
        assert_eq!(lines(&a), lines(&b), "{args:?}");
    }
    let a = p.a.cmd_str(&["ZRANDMEMBER", "z", "-50", "WITHSCORES"]);
    assert!(a.starts_with("*100\r\n"), "{a}");
    let a = p.a.cmd_str(&["ZRANDMEMBER", "z", "5"]);
    let mut got: Vec<&str> = a.lines().filter(|l| !l.starts_with(['*', '$'])).collect();
    got.sort();
    got.dedup();
    assert_eq!(got.len(), 5, "distinct members: {a}");
    // A large set scanned to the end returns every member at least once.
    let mut c = p.ours.client();
    let members: Vec<(f64, String)> = (0..1000).map(|i| (i as f64, format!("m{i}"))).collect();
    let _: () = redis::cmd("ZADD").arg("big").arg(&members).query(&mut c).expect("zadd");
    let mut seen = std::collections::HashSet::new();
    let mut cursor = 0u64;
    loop {
        let (next, items): (u64, Vec<String>) =
            redis::cmd("ZSCAN").arg("big").arg(cursor).query(&mut c).expect("zscan");
        for pair in items.chunks(2) {
            assert_eq!(pair[1], pair[0][1..], "score of {}", pair[0]);
            seen.insert(pair[0].clone());
        }
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(seen.len(), 1000);
}

#[test]
fn encodings_convert_at_redis_points() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["CONFIG", "SET", "zset-max-listpack-entries", "4"],
            &["CONFIG", "SET", "zset-max-listpack-value", "8"],
            &["ZADD", "a", "1", "x", "1", "x", "1", "x", "1", "x", "1", "x"],
            &["OBJECT", "ENCODING", "a"],
            &["ZADD", "b", "1", "a", "2", "b", "3", "c", "4", "d"],
            &["OBJECT", "ENCODING", "b"],
            &["ZADD", "b", "5", "e"],
            &["OBJECT", "ENCODING", "b"],
            &["ZREM", "b", "a", "b", "c", "d"],
            &["OBJECT", "ENCODING", "b"],
            &["ZADD", "c", "1", "123456789"],
            &["OBJECT", "ENCODING", "c"],
            &["ZADD", "d", "1", "a", "2", "123456789"],
            &["OBJECT", "ENCODING", "d"],
            &["ZINCRBY", "e", "1", "123456789"],
            &["OBJECT", "ENCODING", "e"],
            &["ZADD", "f", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"],
            &["ZRANGESTORE", "g", "f", "0", "1"],
            &["OBJECT", "ENCODING", "g"],
            &["ZRANGESTORE", "g", "f", "0", "4"],
            &["OBJECT", "ENCODING", "g"],
            &["ZUNIONSTORE", "h", "1", "f"],
            &["OBJECT", "ENCODING", "h"],
            &["ZPOPMIN", "f", "4"],
            &["ZUNIONSTORE", "h", "2", "f", "f"],
            &["OBJECT", "ENCODING", "h"],
            &["ZDIFFSTORE", "h", "2", "d", "b"],
            &["OBJECT", "ENCODING", "h"],
            &["ZINTERSTORE", "h", "2", "d", "d"],
            &["OBJECT", "ENCODING", "h"],
            &["ZRANGE", "h", "0", "-1", "WITHSCORES"],
            &["CONFIG", "SET", "zset-max-listpack-entries", "0"],
            &["ZADD", "i", "1", "a"],
            &["OBJECT", "ENCODING", "i"],
            // -0 loses its sign in a listpack (stored as the integer 0), not in a skiplist.
            &["CONFIG", "SET", "zset-max-listpack-entries", "128"],
            &["ZADD", "j", "-0", "a"],
            &["ZSCORE", "j", "a"],
            &["ZADD", "j", "-0", "b", "1", "c"],
            &["ZSCAN", "j", "0"],
            &["ZADD", "i", "-0", "b"],
            &["ZSCORE", "i", "b"],
        ],
    );
}

#[test]
fn digest_and_copy_match_reference() {
    let mut p = Pair::start(&["--enable-debug-command", "yes"]);
    all(
        &mut p,
        &[
            &["ZADD", "small", "1", "a", "2.5", "b", "-0", "c", "inf", "d", "10", "123"],
            &["DEBUG", "DIGEST-VALUE", "small"],
            &["CONFIG", "SET", "zset-max-listpack-entries", "2"],
            &["ZADD", "big", "1", "a", "2.5", "b", "-0", "c", "inf", "d", "0.1", "e"],
            &["OBJECT", "ENCODING", "big"],
            &["DEBUG", "DIGEST-VALUE", "big"],
            &["COPY", "big", "big2"],
            &["DEBUG", "DIGEST-VALUE", "big2"],
            &["ZADD", "big2", "5", "zz"],
            &["ZCARD", "big"],
            &["ZRANGE", "big2", "0", "-1", "WITHSCORES"],
            &["DEBUG", "DIGEST-VALUE", "big", "small", "nokey"],
        ],
    );
}

#[test]
fn zrank_withscore_follows_redis_7_2() {
    // The 7.0.15 reference predates WITHSCORE: checked on ferrodis alone.
    let srv = TestServer::start();
    let mut c = srv.raw();
    c.cmd(&["ZADD", "z", "1", "a", "2.5", "b"]);
    assert_eq!(c.cmd_str(&["ZRANK", "z", "b", "WITHSCORE"]), "*2\r\n:1\r\n$3\r\n2.5\r\n");
    assert_eq!(c.cmd_str(&["ZREVRANK", "z", "b", "withscore"]), "*2\r\n:0\r\n$3\r\n2.5\r\n");
    assert_eq!(c.cmd_str(&["ZRANK", "z", "x", "WITHSCORE"]), "*-1\r\n");
    assert_eq!(c.cmd_str(&["ZRANK", "nokey", "x", "WITHSCORE"]), "*-1\r\n");
    assert_eq!(c.cmd_str(&["ZRANK", "z", "x"]), "$-1\r\n");
    assert_eq!(c.cmd_str(&["ZRANK", "z", "a", "foo"]), "-ERR syntax error\r\n");
    assert_eq!(
        c.cmd_str(&["ZRANK", "z", "a", "WITHSCORE", "x"]),
        "-ERR wrong number of arguments for 'zrank' command\r\n"
    );
    c.cmd(&["HELLO", "3"]);
    assert_eq!(c.cmd_str(&["ZRANK", "z", "b", "WITHSCORE"]), "*2\r\n:1\r\n,2.5\r\n");
    assert_eq!(c.cmd_str(&["ZRANK", "z", "x", "WITHSCORE"]), "_\r\n");
}

#[test]
fn leaderboard_workload_with_redis_crate() {
    let srv = TestServer::start();
    let mut c = srv.client();
    let players = 300;
    let mut model: Vec<(String, f64)> = Vec::new();
    for i in 0..players {
        let name = format!("player:{i}");
        let score = ((i * 7919) % 1000) as f64;
        let _: i64 =
            redis::cmd("ZADD").arg("lb").arg(score).arg(&name).query(&mut c).expect("zadd");
        model.push((name, score));
    }
    for round in 0..2000usize {
        let i = (round * 31) % players;
        let inc = ((round % 17) as f64) - 5.5;
        let got: f64 = redis::cmd("ZINCRBY")
            .arg("lb")
            .arg(inc)
            .arg(&model[i].0)
            .query(&mut c)
            .expect("zincrby");
        model[i].1 += inc;
        assert_eq!(got, model[i].1);
    }
    let mut sorted = model.clone();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    let top: Vec<(String, f64)> = redis::cmd("ZREVRANGE")
        .arg("lb")
        .arg(0)
        .arg(9)
        .arg("WITHSCORES")
        .query(&mut c)
        .expect("top");
    assert_eq!(top, sorted[..10].to_vec());
    for (rank, (name, _)) in sorted.iter().enumerate().step_by(37) {
        let r: i64 = redis::cmd("ZREVRANK").arg("lb").arg(name).query(&mut c).expect("zrevrank");
        assert_eq!(r as usize, rank, "{name}");
    }
    let enc: String = redis::cmd("OBJECT").arg("ENCODING").arg("lb").query(&mut c).expect("enc");
    assert_eq!(enc, "skiplist");
}
