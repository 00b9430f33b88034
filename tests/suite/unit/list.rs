//! The list family against the reference server, byte for byte: every command and option,
//! error paths and their order (wrong types, bad integers, syntax), negative indexes, count 0
//! and huge counts, RESP2 and RESP3 null/empty rules, large lists (quicklist on both
//! servers), DEBUG DIGEST-VALUE. The 7.2 encoding conversions are checked on ferrodis alone
//! (the 7.0 reference always says `quicklist`).

use ferrodis_tests::{Pair, TestServer};

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

/// Redis 7.2 refuses RANK LONG_MIN (its negation overflows); 7.0.15 answers with a wrong
/// index, so this is checked on ferrodis alone.
#[test]
fn lpos_rank_long_min_is_refused_as_7_2() {
    let s = TestServer::start();
    let mut c = s.raw();
    c.cmd(&["RPUSH", "l", "a"]);
    assert_eq!(
        c.cmd_str(&["LPOS", "l", "a", "RANK", "-9223372036854775808"]),
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"
    );
}

const BASICS: &[&[&str]] = &[
    &["RPUSH", "l", "a", "b", "c"],
    &["LPUSH", "l", "z", "y"],
    &["LRANGE", "l", "0", "-1"],
    &["LLEN", "l"],
    &["LLEN", "nokey"],
    &["LPUSHX", "nokey", "a", "b"],
    &["RPUSHX", "nokey", "a"],
    &["EXISTS", "nokey"],
    &["LPUSHX", "l", "x1", "x2"],
    &["RPUSHX", "l", "t1", "t2"],
    &["LRANGE", "l", "0", "-1"],
    &[
        "RPUSH",
        "n",
        "1",
        "-2",
        "300",
        "70000",
        "9223372036854775807",
        "-9223372036854775808",
        "01",
        "1.5",
        "",
    ],
    &["LRANGE", "n", "0", "-1"],
    &["LINDEX", "n", "0"],
    &["LINDEX", "n", "-1"],
    &["LINDEX", "n", "6"],
    &["LPUSH"],
    &["LPUSH", "l"],
    &["RPUSHX", "l"],
    &["LLEN"],
];

#[test]
fn pushes_and_reads() {
    let mut p = Pair::start(&[]);
    all(&mut p, BASICS);
    resp3(&mut p);
    all(&mut p, &[&["DEL", "l", "n"]]);
    all(&mut p, BASICS);
}

const RANGES: &[&[&str]] = &[
    &["RPUSH", "l", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    &["LRANGE", "l", "0", "0"],
    &["LRANGE", "l", "2", "4"],
    &["LRANGE", "l", "-3", "-1"],
    &["LRANGE", "l", "-100", "100"],
    &["LRANGE", "l", "5", "2"],
    &["LRANGE", "l", "10", "20"],
    &["LRANGE", "l", "-1", "-5"],
    &["LRANGE", "l", "0", "-11"],
    &["LRANGE", "l", "-9223372036854775808", "9223372036854775807"],
    &["LRANGE", "l", "x", "1"],
    &["LRANGE", "l", "1", "1.0"],
    &["LRANGE", "nokey", "0", "-1"],
    &["LRANGE", "nokey", "x", "-1"],
    &["LINDEX", "l", "-10"],
    &["LINDEX", "l", "-11"],
    &["LINDEX", "l", "10"],
    &["LINDEX", "l", "abc"],
    &["LINDEX", "nokey", "abc"],
    &["LINDEX", "l", "-9223372036854775808"],
    &["LINDEX", "l", "9223372036854775807"],
    &["SET", "s", "v"],
    &["LRANGE", "s", "0", "1"],
    &["LRANGE", "s", "x", "1"],
    &["LINDEX", "s", "x"],
    &["LLEN", "s"],
    &["LPUSH", "s", "a"],
    &["RPUSHX", "s", "a"],
    &["LPOP", "s"],
    &["LPOP", "s", "x"],
    &["RPOP", "s", "2"],
    &["LSET", "s", "0", "a"],
    &["LSET", "s", "x", "a"],
    &["LINSERT", "s", "BEFORE", "a", "b"],
    &["LINSERT", "s", "MIDDLE", "a", "b"],
    &["LREM", "s", "0", "a"],
    &["LREM", "s", "x", "a"],
    &["LTRIM", "s", "0", "1"],
    &["LTRIM", "s", "x", "1"],
    &["LPOS", "s", "a"],
    &["LPOS", "s", "a", "RANK", "0"],
    &["LMOVE", "s", "l", "LEFT", "LEFT"],
    &["LMOVE", "l", "s", "LEFT", "LEFT"],
    &["LMOVE", "l", "s", "UP", "LEFT"],
    &["RPOPLPUSH", "s", "l"],
    &["RPOPLPUSH", "l", "s"],
    &["LMPOP", "2", "nokey", "s", "LEFT"],
    &["LMPOP", "2", "l", "s", "LEFT"],
    &["LRANGE", "l", "0", "-1"],
];

#[test]
fn ranges_indexes_and_wrong_types() {
    let mut p = Pair::start(&[]);
    all(&mut p, RANGES);
    resp3(&mut p);
    all(&mut p, &[&["FLUSHALL"]]);
    all(&mut p, RANGES);
}

const POPS: &[&[&str]] = &[
    &["RPUSH", "l", "a", "b", "c", "d", "e"],
    &["LPOP", "l"],
    &["RPOP", "l"],
    &["LPOP", "l", "0"],
    &["RPOP", "l", "0"],
    &["LPOP", "l", "-1"],
    &["LPOP", "l", "x"],
    &["LPOP", "l", "1", "2"],
    &["LPOP", "l", "-9223372036854775808"],
    &["LPOP", "l", "1"],
    &["RPOP", "l", "1"],
    &["RPUSH", "l", "1", "2", "3", "4"],
    &["RPOP", "l", "3"],
    &["LPOP", "l", "9223372036854775807"],
    &["EXISTS", "l"],
    &["LPOP", "l"],
    &["RPOP", "l"],
    &["LPOP", "l", "0"],
    &["RPOP", "l", "5"],
    &["LPOP", "l", "-1"],
    &["LPOP", "l", "x"],
    &["RPUSH", "l", "only"],
    &["RPOP", "l"],
    &["EXISTS", "l"],
    // LMPOP
    &["RPUSH", "a", "1", "2", "3"],
    &["RPUSH", "b", "x", "y"],
    &["LMPOP", "2", "nokey", "a", "LEFT"],
    &["LMPOP", "2", "nokey", "a", "RIGHT", "COUNT", "10"],
    &["EXISTS", "a"],
    &["LMPOP", "3", "a", "nokey", "b", "right", "count", "1"],
    &["LMPOP", "1", "nokey", "LEFT"],
    &["LMPOP", "0", "a", "LEFT"],
    &["LMPOP", "-1", "a", "LEFT"],
    &["LMPOP", "x", "a", "LEFT"],
    &["LMPOP", "2", "a", "LEFT"],
    &["LMPOP", "1", "b", "MIDDLE"],
    &["LMPOP", "1", "b", "LEFT", "COUNT"],
    &["LMPOP", "1", "b", "LEFT", "COUNT", "0"],
    &["LMPOP", "1", "b", "LEFT", "COUNT", "-1"],
    &["LMPOP", "1", "b", "LEFT", "COUNT", "x"],
    &["LMPOP", "1", "b", "LEFT", "COUNT", "1", "COUNT", "1"],
    &["LMPOP", "1", "b", "LEFT", "FOO"],
    &["LMPOP", "9223372036854775807", "b", "LEFT"],
    &["LMPOP", "1", "b", "LEFT", "COUNT", "9223372036854775807"],
    &["LMPOP", "1", "b"],
    &["EXISTS", "b"],
];

#[test]
fn pops_with_counts() {
    let mut p = Pair::start(&[]);
    all(&mut p, POPS);
    resp3(&mut p);
    all(&mut p, &[&["FLUSHALL"]]);
    all(&mut p, POPS);
}

const EDITS: &[&[&str]] = &[
    &["RPUSH", "l", "a", "b", "c", "b", "a"],
    &["LSET", "l", "0", "A"],
    &["LSET", "l", "-1", "Z"],
    &["LSET", "l", "5", "x"],
    &["LSET", "l", "-6", "x"],
    &["LSET", "l", "x", "x"],
    &["LSET", "nokey", "0", "x"],
    &["LSET", "nokey", "x", "x"],
    &["LRANGE", "l", "0", "-1"],
    &["LINSERT", "l", "BEFORE", "b", "1"],
    &["LINSERT", "l", "after", "b", "2"],
    &["LINSERT", "l", "AFTER", "Z", "end"],
    &["LINSERT", "l", "BEFORE", "A", "start"],
    &["LINSERT", "l", "BEFORE", "missing", "x"],
    &["LINSERT", "l", "SIDEWAYS", "b", "x"],
    &["LINSERT", "nokey", "BEFORE", "b", "x"],
    &["LINSERT", "nokey", "SIDEWAYS", "b", "x"],
    &["LRANGE", "l", "0", "-1"],
    &["RPUSH", "r", "x", "1", "x", "2", "x", "3", "x", "01", "1"],
    &["LREM", "r", "1", "x"],
    &["LREM", "r", "-1", "x"],
    &["LRANGE", "r", "0", "-1"],
    &["LREM", "r", "0", "x"],
    &["LREM", "r", "0", "1"],
    &["LREM", "r", "0", "missing"],
    &["LREM", "r", "x", "1"],
    &["LREM", "nokey", "0", "x"],
    &["LRANGE", "r", "0", "-1"],
    &["LREM", "r", "-9223372036854775808", "2"],
    &["LREM", "r", "0", "3"],
    &["LREM", "r", "0", "01"],
    &["EXISTS", "r"],
    &["RPUSH", "t", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    &["LTRIM", "t", "1", "-2"],
    &["LRANGE", "t", "0", "-1"],
    &["LTRIM", "t", "-3", "100"],
    &["LRANGE", "t", "0", "-1"],
    &["LTRIM", "t", "x", "1"],
    &["LTRIM", "nokey", "0", "1"],
    &["LTRIM", "t", "2", "1"],
    &["EXISTS", "t"],
    &["RPUSH", "t", "a", "b"],
    &["LTRIM", "t", "5", "10"],
    &["EXISTS", "t"],
];

#[test]
fn set_insert_remove_trim() {
    let mut p = Pair::start(&[]);
    all(&mut p, EDITS);
    resp3(&mut p);
    all(&mut p, &[&["FLUSHALL"]]);
    all(&mut p, EDITS);
}

const LPOS: &[&[&str]] = &[
    &["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c", "a"],
    &["LPOS", "l", "c"],
    &["LPOS", "l", "missing"],
    &["LPOS", "l", "c", "RANK", "2"],
    &["LPOS", "l", "c", "RANK", "-1"],
    &["LPOS", "l", "c", "RANK", "-3"],
    &["LPOS", "l", "c", "RANK", "-4"],
    &["LPOS", "l", "c", "RANK", "4"],
    &["LPOS", "l", "c", "RANK", "0"],
    &["LPOS", "l", "c", "RANK", "-9223372036854775807"],
    &["LPOS", "l", "c", "RANK", "9223372036854775807"],
    &["LPOS", "l", "c", "RANK", "x"],
    &["LPOS", "l", "c", "COUNT", "0"],
    &["LPOS", "l", "c", "COUNT", "2"],
    &["LPOS", "l", "c", "COUNT", "2", "RANK", "2"],
    &["LPOS", "l", "c", "COUNT", "0", "RANK", "-1"],
    &["LPOS", "l", "c", "COUNT", "-1"],
    &["LPOS", "l", "c", "COUNT", "x"],
    &["LPOS", "l", "missing", "COUNT", "3"],
    &["LPOS", "l", "c", "MAXLEN", "3"],
    &["LPOS", "l", "c", "MAXLEN", "2"],
    &["LPOS", "l", "c", "MAXLEN", "2", "RANK", "-1"],
    &["LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7"],
    &["LPOS", "l", "c", "MAXLEN", "-1"],
    &["LPOS", "l", "c", "MAXLEN", "x"],
    &["LPOS", "l", "c", "MAXLEN"],
    &["LPOS", "l", "c", "FOO", "1"],
    &["LPOS", "l", "c", "RANK"],
    &["LPOS", "l", "1"],
    &["LPOS", "l", "01"],
    &["LPOS", "nokey", "c"],
    &["LPOS", "nokey", "c", "COUNT", "1"],
    &["LPOS", "nokey", "c", "RANK", "0"],
    &["LPOS", "nokey", "c", "COUNT", "0", "MAXLEN", "1"],
];

#[test]
fn lpos_options() {
    let mut p = Pair::start(&[]);
    all(&mut p, LPOS);
    resp3(&mut p);
    all(&mut p, &[&["FLUSHALL"]]);
    all(&mut p, LPOS);
}

const MOVES: &[&[&str]] = &[
    &["RPUSH", "src", "a", "b", "c"],
    &["LMOVE", "src", "dst", "LEFT", "RIGHT"],
    &["LMOVE", "src", "dst", "right", "left"],
    &["LMOVE", "src", "dst", "LEFT", "LEFT"],
    &["LMOVE", "src", "dst", "RIGHT", "RIGHT"],
    &["EXISTS", "src"],
    &["LRANGE", "dst", "0", "-1"],
    &["LMOVE", "dst", "dst", "LEFT", "RIGHT"],
    &["LRANGE", "dst", "0", "-1"],
    &["RPOPLPUSH", "dst", "dst"],
    &["LRANGE", "dst", "0", "-1"],
    &["RPOPLPUSH", "dst", "other"],
    &["RPOPLPUSH", "nokey", "other"],
    &["LMOVE", "nokey", "other", "LEFT", "LEFT"],
    &["LMOVE", "nokey", "other", "LEFT", "UP"],
    &["LMOVE", "dst", "other", "LEFT"],
    &["COPY", "dst", "copied"],
    &["LRANGE", "copied", "0", "-1"],
    &["COPY", "dst", "copied"],
    &["RPUSH", "one", "x"],
    &["LMOVE", "one", "one", "LEFT", "LEFT"],
    &["LRANGE", "one", "0", "-1"],
    &["RPOPLPUSH", "one", "two"],
    &["EXISTS", "one"],
    &["LRANGE", "two", "0", "-1"],
];

#[test]
fn lmove_and_rpoplpush() {
    let mut p = Pair::start(&[]);
    all(&mut p, MOVES);
    resp3(&mut p);
    all(&mut p, &[&["FLUSHALL"]]);
    all(&mut p, MOVES);
}

/// Builds the same long lists on both servers (quicklists with many nodes, compressed inner
/// nodes, plain nodes) and runs every command across node boundaries.
#[test]
fn large_lists_and_digest() {
    for args in [
        &["--enable-debug-command", "yes"][..],
        &[
            "--enable-debug-command",
            "yes",
            "--list-max-listpack-size",
            "5",
            "--list-compress-depth",
            "1",
        ][..],
    ] {
        let mut p = Pair::start(args);
        for chunk in 0..20 {
            let mut cmd = vec!["RPUSH".to_string(), "big".to_string()];
            for i in 0..500 {
                let n = chunk * 500 + i;
                cmd.push(if n % 3 == 0 {
                    n.to_string()
                } else {
                    format!("element-{n}-{}", "p".repeat(n % 40))
                });
            }
            p.check(&cmd);
        }
        all(
            &mut p,
            &[
                &["LLEN", "big"],
                &["LINDEX", "big", "4321"],
                &["LINDEX", "big", "-4321"],
                &["LRANGE", "big", "4990", "5010"],
                &["LRANGE", "big", "-30", "-1"],
                &["LSET", "big", "5000", "replaced"],
                &["LSET", "big", "-1", "last"],
                &["LINSERT", "big", "BEFORE", "replaced", "before-it"],
                &["LINSERT", "big", "AFTER", "replaced", "after-it"],
                &["LRANGE", "big", "4995", "5005"],
                &["LPOS", "big", "replaced"],
                &["LPOS", "big", "3000", "RANK", "-1"],
                &["LPOS", "big", "after-it", "MAXLEN", "100"],
                &["LREM", "big", "0", "replaced"],
                &["LTRIM", "big", "100", "-100"],
                &["LLEN", "big"],
                &["LPOP", "big", "700"],
                &["RPOP", "big", "700"],
                &["LMOVE", "big", "other", "LEFT", "RIGHT"],
                &["LMPOP", "1", "big", "RIGHT", "COUNT", "3"],
                &["DEBUG", "DIGEST-VALUE", "big", "other"],
                &["LRANGE", "big", "0", "-1"],
            ],
        );
        // A 5000-byte element, and the list's digest around it.
        let huge = "h".repeat(5000);
        p.check(&["LPUSH", "big", &huge]);
        p.check(&["RPUSH", "big", &huge]);
        p.check(&["LINSERT", "big", "AFTER", &huge, "x"]);
        all(
            &mut p,
            &[
                &["LRANGE", "big", "0", "2"],
                &["DEBUG", "DIGEST-VALUE", "big"],
                &["DEBUG", "DIGEST"],
            ],
        );
        assert!(p.a.cmd_str(&["DEBUG", "DIGEST"]).starts_with("+"));
    }
}

/// OBJECT ENCODING, DEBUG OBJECT and QUICKLIST-PACKED-THRESHOLD on ferrodis alone: the
/// conversion points of Redis 7.2.
#[test]
fn encoding_conversions_follow_7_2() {
    let s = TestServer::start_with(&["--enable-debug-command", "yes"]);
    let mut c = s.raw();
    let enc = |c: &mut ferrodis_tests::RawConn, k: &str| c.cmd_str(&["OBJECT", "ENCODING", k]);
    c.cmd(&["CONFIG", "SET", "list-max-listpack-size", "4"]);
    c.cmd(&["RPUSH", "l", "1", "2", "3", "4"]);
    assert!(enc(&mut c, "l").contains("listpack"));
    c.cmd(&["RPUSH", "l", "5"]);
    assert!(enc(&mut c, "l").contains("quicklist"));
    let dbg = c.cmd_str(&["DEBUG", "OBJECT", "l"]);
    assert!(dbg.contains("ql_nodes:2 ql_avg_node:2.50 ql_listpack_max:4 ql_compressed:0"), "{dbg}");
    c.cmd(&["RPOP", "l"]);
    c.cmd(&["LPOP", "l"]);
    assert!(enc(&mut c, "l").contains("quicklist"));
    c.cmd(&["LPOP", "l"]);
    assert!(enc(&mut c, "l").contains("listpack"));
    // A push of many elements at once converts before pushing.
    c.cmd(&["RPUSH", "m", "1", "2", "3", "4", "5"]);
    assert!(enc(&mut c, "m").contains("quicklist"));
    // LTRIM, LREM and LSET shrink too; LINSERT grows even when the pivot is missing.
    c.cmd(&["LTRIM", "m", "0", "1"]);
    assert!(enc(&mut c, "m").contains("listpack"));
    c.cmd(&["RPUSH", "n", "1", "2", "3", "4"]);
    c.cmd(&["LINSERT", "n", "BEFORE", "missing", "x"]);
    assert!(enc(&mut c, "n").contains("quicklist"));
    c.cmd(&["LREM", "n", "0", "1"]);
    c.cmd(&["LREM", "n", "0", "2"]);
    assert!(enc(&mut c, "n").contains("listpack"));
    // LMOVE shrinks its source (and grows its destination).
    c.cmd(&["RPUSH", "src", "1", "2", "3", "4", "5"]);
    c.cmd(&["LMOVE", "src", "dst", "RIGHT", "LEFT"]);
    c.cmd(&["LMOVE", "src", "dst", "RIGHT", "LEFT"]);
    assert!(enc(&mut c, "src").contains("quicklist"));
    c.cmd(&["RPOPLPUSH", "src", "dst"]);
    assert!(enc(&mut c, "src").contains("listpack"));
    assert!(enc(&mut c, "dst").contains("listpack"));
    c.cmd(&["RPUSH", "dst", "a", "b"]);
    assert!(enc(&mut c, "dst").contains("quicklist"));
    // COPY keeps the encoding.
    c.cmd(&["COPY", "dst", "dst2"]);
    assert!(enc(&mut c, "dst2").contains("quicklist"));
    // Size-based: -1 = 4 KiB.
    c.cmd(&["CONFIG", "SET", "list-max-listpack-size", "-1"]);
    let big = "x".repeat(1500);
    c.cmd(&["RPUSH", "s", &big, &big]);
    assert!(enc(&mut c, "s").contains("listpack"));
    c.cmd(&["RPUSH", "s", &big]);
    assert!(enc(&mut c, "s").contains("quicklist"));
    c.cmd(&["LSET", "s", "0", "a"]);
    c.cmd(&["LSET", "s", "1", "b"]);
    assert!(enc(&mut c, "s").contains("quicklist"));
    c.cmd(&["RPOP", "s"]);
    assert!(enc(&mut c, "s").contains("listpack"));
    // Compression depth and plain nodes.
    c.cmd(&["CONFIG", "SET", "list-max-listpack-size", "-2"]);
    c.cmd(&["CONFIG", "SET", "list-compress-depth", "1"]);
    c.cmd(&["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"]);
    for i in 0..2000 {
        c.cmd(&["RPUSH", "q", &format!("item-{i}-{}", "y".repeat(i % 50))]);
    }
    c.cmd(&["RPUSH", "q", &"P".repeat(200)]);
    let dbg = c.cmd_str(&["DEBUG", "OBJECT", "q"]);
    assert!(dbg.contains("ql_compressed:1"), "{dbg}");
    assert_eq!(c.cmd_str(&["LINDEX", "q", "-1"]).len(), 200 + "$200\r\n\r\n".len());
    let want = format!("item-1234-{}", "y".repeat(1234 % 50));
    assert_eq!(c.cmd_str(&["LINDEX", "q", "1234"]), format!("${}\r\n{want}\r\n", want.len()));
    c.cmd(&["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"]);
}
