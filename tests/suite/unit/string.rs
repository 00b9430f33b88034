//! String commands against the reference server, byte for byte: every option of SET and
//! GETEX, the SET variants, MGET/MSET/MSETNX, APPEND/STRLEN, GETRANGE/SUBSTR/SETRANGE, the
//! integer and float counters, LCS in RESP2 and RESP3, binary-safe values.

use ferrodis_tests::Pair;

/// Sends each command to both servers and asserts identical replies.
fn all(p: &mut Pair, cmds: &[&[&str]]) {
    for c in cmds {
        p.check(c);
    }
}

/// Switches both connections to RESP3 (the HELLO replies differ by server, so they are only
/// checked to succeed).
fn resp3(p: &mut Pair) {
    let (a, b) = p.both(&["HELLO", "3"]);
    assert!(a.starts_with(b"%"), "ours: {}", String::from_utf8_lossy(&a));
    assert!(b.starts_with(b"%"), "reference: {}", String::from_utf8_lossy(&b));
}

#[test]
fn set_options_and_conflicts() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SET", "k", "v"],
            &["SET", "k", "v", "NX"],
            &["SET", "k", "v2", "XX"],
            &["GET", "k"],
            &["SET", "nokey", "v", "XX"],
            &["EXISTS", "nokey"],
            &["SET", "k", "v3", "nx", "nx"],
            &["SET", "k", "v", "NX", "XX"],
            &["SET", "k", "v", "XX", "NX"],
            &["SET", "k", "v4", "xx", "xx"],
            // GET: old value, nil for a new key, allowed with NX since 7.0, repeatable.
            &["SET", "k", "v5", "GET"],
            &["SET", "k", "v6", "GET", "GET"],
            &["SET", "fresh", "x", "GET"],
            &["SET", "fresh", "y", "NX", "GET"],
            &["GET", "fresh"],
            &["SET", "fresh2", "y", "NX", "GET"],
            &["SET", "absent", "y", "XX", "GET"],
            &["EXISTS", "absent"],
            // Expiry options.
            &["SET", "e", "v", "EX", "100"],
            &["TTL", "e"],
            &["SET", "e", "v", "EX", "10", "EX", "200"],
            &["TTL", "e"],
            &["SET", "e", "v", "EX", "abc", "EX", "100"],
            &["TTL", "e"],
            &["SET", "e", "v", "PX", "100000"],
            &["TTL", "e"],
            &["SET", "e", "v", "KEEPTTL"],
            &["TTL", "e"],
            &["SET", "e", "v", "KEEPTTL", "KEEPTTL", "GET"],
            &["TTL", "e"],
            &["SET", "e", "v"],
            &["TTL", "e"],
            &["SET", "e", "v", "EXAT", "32503680000"],
            &["TTL", "e"],
            &["SET", "e", "v", "PXAT", "32503680000000"],
            &["TTL", "e"],
            &["SET", "e", "v", "EXAT", "9223372036854775"],
            // Conflicts and malformed options.
            &["SET", "k", "v", "EX", "10", "PX", "10"],
            &["SET", "k", "v", "PX", "10", "EX", "10"],
            &["SET", "k", "v", "EX", "10", "EXAT", "10"],
            &["SET", "k", "v", "EX", "10", "KEEPTTL"],
            &["SET", "k", "v", "KEEPTTL", "EX", "10"],
            &["SET", "k", "v", "KEEPTTL", "PXAT", "10"],
            &["SET", "k", "v", "EX"],
            &["SET", "k", "v", "PX"],
            &["SET", "k", "v", "PERSIST"],
            &["SET", "k", "v", "foo"],
            &["SET", "k", "v", ""],
            &["SET", "k", "v", "EX", "10", "foo"],
            &["SET", "k"],
            // Invalid expire times.
            &["SET", "k", "v", "EX", "0"],
            &["SET", "k", "v", "EX", "-1"],
            &["SET", "k", "v", "PX", "0"],
            &["SET", "k", "v", "EXAT", "0"],
            &["SET", "k", "v", "PXAT", "-5"],
            &["SET", "k", "v", "EX", "abc"],
            &["SET", "k", "v", "EX", "1.5"],
            &["SET", "k", "v", "EX", "99999999999999999999"],
            &["SET", "k", "v", "PX", "9223372036854775807"],
            &["SET", "k", "v", "EX", "9223372036854775"],
            &["SET", "k", "v", "EX", "9223372036854776"],
            &["SET", "k", "v", "EXAT", "9223372036854776"],
            &["SET", "k", "v", "NX", "EX", "0"],
            &["SET", "k", "v", "GET", "EX", "0"],
            &["GET", "k"],
            // An absolute time already past: stored, then gone at the next access.
            &["SET", "past", "v", "PXAT", "1"],
            &["GET", "past"],
            &["EXISTS", "past"],
            &["SET", "past", "v", "EXAT", "1", "GET"],
            &["SET", "past", "w", "EXAT", "1", "NX", "GET"],
            &["SET", "past", "w", "XX"],
            &["INCR", "past"],
            &["SET", "past", "v", "PXAT", "1"],
            &["APPEND", "past", "x"],
            &["GET", "past"],
        ],
    );
}

#[test]
fn set_in_resp3() {
    let mut p = Pair::start(&[]);
    resp3(&mut p);
    all(
        &mut p,
        &[
            &["GET", "k"],
            &["SET", "k", "v", "XX"],
            &["SET", "k", "v", "GET"],
            &["SET", "k", "v", "NX"],
            &["SET", "k", "w", "NX", "GET"],
            &["GETDEL", "nokey"],
            &["GETEX", "nokey"],
            &["MGET", "k", "nokey"],
            &["SET", "k", "v", "EX", "0"],
        ],
    );
}

#[test]
fn setnx_setex_psetex() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SETNX", "k", "1"],
            &["SETNX", "k", "2"],
            &["GET", "k"],
            &["SETEX", "k", "100", "v"],
            &["TTL", "k"],
            &["GET", "k"],
            &["SETNX", "k", "x"],
            &["TTL", "k"],
            &["PSETEX", "k", "200000", "w"],
            &["TTL", "k"],
            &["SETEX", "k", "0", "v"],
            &["SETEX", "k", "-10", "v"],
            &["PSETEX", "k", "0", "v"],
            &["PSETEX", "k", "-1", "v"],
            &["SETEX", "k", "abc", "v"],
            &["PSETEX", "k", "1.0", "v"],
            &["SETEX", "k", "9223372036854775807", "v"],
            &["PSETEX", "k", "9223372036854775807", "v"],
            &["SETEX", "k", "10"],
            &["SETNX", "k"],
            &["GET", "k"],
        ],
    );
}

#[test]
fn getex_options() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["GETEX", "nokey"],
            &["GETEX", "nokey", "EX", "0"],
            &["GETEX", "nokey", "EX", "abc"],
            &["GETEX", "nokey", "FOO"],
            &["SET", "k", "v"],
            &["GETEX", "k"],
            &["TTL", "k"],
            &["GETEX", "k", "EX", "100"],
            &["TTL", "k"],
            &["GETEX", "k", "PX", "200000"],
            &["TTL", "k"],
            &["GETEX", "k", "EXAT", "32503680000"],
            &["TTL", "k"],
            &["GETEX", "k", "PXAT", "32503680000000"],
            &["TTL", "k"],
            &["GETEX", "k", "EX", "10", "EX", "300"],
            &["TTL", "k"],
            &["GETEX", "k", "PERSIST"],
            &["TTL", "k"],
            &["GETEX", "k", "PERSIST", "PERSIST"],
            &["TTL", "k"],
            // Conflicts, options GETEX does not take, invalid times.
            &["GETEX", "k", "PERSIST", "EX", "10"],
            &["GETEX", "k", "EX", "10", "PERSIST"],
            &["GETEX", "k", "EX", "10", "PX", "10"],
            &["GETEX", "k", "KEEPTTL"],
            &["GETEX", "k", "NX"],
            &["GETEX", "k", "GET"],
            &["GETEX", "k", "EX"],
            &["GETEX", "k", "EX", "0"],
            &["GETEX", "k", "PX", "-1"],
            &["GETEX", "k", "EXAT", "0"],
            &["GETEX", "k", "EX", "abc"],
            &["GETEX", "k", "EX", "9223372036854775807"],
            &["GETEX", "k", "PX", "9223372036854775807"],
            &["TTL", "k"],
            // An absolute time in the past deletes the key.
            &["GETEX", "k", "EXAT", "1"],
            &["EXISTS", "k"],
            &["SET", "k", "v"],
            &["GETEX", "k", "PXAT", "1000"],
            &["GET", "k"],
            &["SET", "n", "12345"],
            &["GETEX", "n", "EX", "50"],
        ],
    );
}

#[test]
fn getdel_getset() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["GETDEL", "k"],
            &["SET", "k", "v"],
            &["GETDEL", "k"],
            &["EXISTS", "k"],
            &["GETDEL", "k"],
            &["SET", "n", "42"],
            &["GETDEL", "n"],
            &["GETSET", "k", "a"],
            &["GETSET", "k", "b"],
            &["GET", "k"],
            &["SET", "k", "v", "EX", "100"],
            &["GETSET", "k", "c"],
            &["TTL", "k"],
            &["GETSET", "k", "123"],
            &["INCR", "k"],
            &["GETDEL", "k", "x"],
            &["GETSET", "k"],
        ],
    );
}

#[test]
fn mget_mset_msetnx() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["MSET", "a", "1", "b", "2", "c", "three"],
            &["MGET", "a", "b", "c", "d", "a"],
            &["MSET", "a", "1", "b"],
            &["MSET", "a"],
            &["MSETNX", "a", "1", "b"],
            &["MSETNX", "x", "1", "a", "2"],
            &["MGET", "x", "a"],
            &["MSETNX", "x", "1", "y", "2"],
            &["MGET", "x", "y"],
            &["MSETNX", "z", "1", "z", "2"],
            &["GET", "z"],
            &["MSET", "a", "first", "a", "second"],
            &["GET", "a"],
            &["SET", "t", "v", "EX", "100"],
            &["MSET", "t", "w"],
            &["TTL", "t"],
            &["MGET"],
        ],
    );
    resp3(&mut p);
    all(&mut p, &[&["MGET", "a", "nokey"], &["MSETNX", "a", "1"], &["MSETNX", "new", "1"]]);
}

#[test]
fn append_strlen() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["STRLEN", "k"],
            &["APPEND", "k", "hello"],
            &["APPEND", "k", " world"],
            &["GET", "k"],
            &["STRLEN", "k"],
            &["APPEND", "k", ""],
            &["APPEND", "empty", ""],
            &["EXISTS", "empty"],
            &["STRLEN", "empty"],
            &["SET", "n", "12345"],
            &["STRLEN", "n"],
            &["APPEND", "n", "6"],
            &["INCR", "n"],
            &["SET", "neg", "-9223372036854775808"],
            &["STRLEN", "neg"],
            &["SET", "t", "v", "EX", "100"],
            &["APPEND", "t", "w"],
            &["TTL", "t"],
            &["APPEND", "k"],
            &["STRLEN", "k", "x"],
        ],
    );
}

#[test]
fn getrange_substr() {
    let mut p = Pair::start(&[]);
    all(&mut p, &[&["SET", "s", "Hello World"], &["SET", "n", "-12345"], &["SET", "e", ""]]);
    let idx = [
        "0",
        "1",
        "3",
        "5",
        "10",
        "11",
        "100",
        "-1",
        "-2",
        "-5",
        "-11",
        "-12",
        "-100",
        "9223372036854775807",
        "-9223372036854775808",
    ];
    for key in ["s", "n", "e", "missing"] {
        for a in idx {
            for b in idx {
                p.check(&["GETRANGE", key, a, b]);
            }
        }
        p.check(&["SUBSTR", key, "0", "-1"]);
        p.check(&["SUBSTR", key, "2", "4"]);
    }
    all(
        &mut p,
        &[
            &["GETRANGE", "s", "a", "1"],
            &["GETRANGE", "s", "0", "1.5"],
            &["GETRANGE", "s", "0", "99999999999999999999"],
            &["GETRANGE", "missing", "x", "1"],
            &["GETRANGE", "s", "0"],
            &["SUBSTR", "s", "x", "0"],
        ],
    );
}

#[test]
fn setrange_offsets() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["SETRANGE", "k", "0", "hello"],
            &["SETRANGE", "k", "6", "world"],
            &["GET", "k"],
            &["SETRANGE", "k", "1", "EL"],
            &["GET", "k"],
            &["SETRANGE", "k", "0", ""],
            &["SETRANGE", "k", "1000", ""],
            &["STRLEN", "k"],
            &["SETRANGE", "new", "3", "x"],
            &["GET", "new"],
            &["SETRANGE", "new2", "5", ""],
            &["EXISTS", "new2"],
            &["SETRANGE", "k", "-1", "x"],
            &["SETRANGE", "k", "-1", ""],
            &["SETRANGE", "k", "abc", "x"],
            &["SETRANGE", "k", "99999999999999999999", "x"],
            &["SETRANGE", "k", "9223372036854775807", "x"],
            &["SETRANGE", "k", "9223372036854775807", ""],
            &["SETRANGE", "k", "536870912", "x"],
            &["SETRANGE", "new3", "536870912", "x"],
            &["SETRANGE", "new3", "536870912", ""],
            &["SETRANGE", "k", "536870911", ""],
            &["SET", "n", "12345"],
            &["SETRANGE", "n", "1", "9"],
            &["INCR", "n"],
            &["SETRANGE", "n", "0", "-"],
            &["GET", "n"],
            &["SET", "t", "v", "EX", "100"],
            &["SETRANGE", "t", "0", "w"],
            &["TTL", "t"],
            &["SETRANGE", "k", "0"],
        ],
    );
}

#[test]
fn setrange_append_obey_proto_max_bulk_len() {
    // The smallest limit the config accepts (1mb) keeps the allocations small.
    let mut p = Pair::start(&["--proto-max-bulk-len", "1048576"]);
    let big = "x".repeat(1024 * 1024 - 3);
    all(
        &mut p,
        &[
            &["SETRANGE", "k", "1048575", "x"],
            &["STRLEN", "k"],
            &["SETRANGE", "k", "1048576", "x"],
            &["SETRANGE", "k", "1048575", "xy"],
            &["SETRANGE", "j", "1048576", "x"],
            &["EXISTS", "j"],
            &["SET", "a", &big],
            &["APPEND", "a", "abc"],
            &["APPEND", "a", "d"],
            &["STRLEN", "a"],
            &["APPEND", "a", ""],
        ],
    );
    // LCS refuses a table larger than proto-max-bulk-len: 600 x 600 cells of 4 bytes.
    let (s600, s400) = ("ab".repeat(300), "ba".repeat(200));
    all(
        &mut p,
        &[
            &["MSET", "l1", &s600, "l2", &s600, "l3", &s400],
            &["LCS", "l1", "l2", "LEN"],
            &["LCS", "l1", "l3", "LEN"],
            &["LCS", "l3", "l3", "IDX", "MINMATCHLEN", "100"],
        ],
    );
}

#[test]
fn incr_decr_family() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["INCR", "c"],
            &["INCR", "c"],
            &["DECR", "c"],
            &["DECR", "d"],
            &["INCRBY", "c", "100"],
            &["INCRBY", "c", "-1000"],
            &["DECRBY", "c", "-5"],
            &["DECRBY", "c", "5"],
            &["GET", "c"],
            &["INCRBY", "c", "abc"],
            &["INCRBY", "c", "1.5"],
            &["INCRBY", "c", ""],
            &["INCRBY", "c", " 1"],
            &["INCRBY", "c", "99999999999999999999"],
            &["DECRBY", "c", "-9223372036854775808"],
            &["DECRBY", "c", "9223372036854775807"],
            &["SET", "m", "9223372036854775806"],
            &["INCR", "m"],
            &["INCR", "m"],
            &["GET", "m"],
            &["INCRBY", "m", "-1"],
            &["SET", "m", "-9223372036854775807"],
            &["DECR", "m"],
            &["DECR", "m"],
            &["DECRBY", "m", "1"],
            &["INCRBY", "m", "-1"],
            &["INCRBY", "m", "9223372036854775807"],
            &["SET", "m", "0"],
            &["INCRBY", "m", "-9223372036854775808"],
            &["DECRBY", "m", "9223372036854775807"],
            &["SET", "s", "abc"],
            &["INCR", "s"],
            &["SET", "s", "1.0"],
            &["INCR", "s"],
            &["SET", "s", " 1"],
            &["INCR", "s"],
            &["SET", "s", "01"],
            &["INCR", "s"],
            &["SET", "s", ""],
            &["DECR", "s"],
            &["SET", "s", "9223372036854775808"],
            &["INCR", "s"],
            &["SET", "s", "-0"],
            &["INCR", "s"],
            &["SET", "t", "5", "EX", "100"],
            &["INCR", "t"],
            &["TTL", "t"],
            &["APPEND", "r", "10"],
            &["APPEND", "r", "0"],
            &["INCR", "r"],
            &["GET", "r"],
            &["INCR", "c", "x"],
            &["INCRBY", "c"],
        ],
    );
}

#[test]
fn incrbyfloat_matches_long_double() {
    let mut p = Pair::start(&[]);
    let incrs = [
        "0.1",
        "10.5",
        "1e20",
        "-0.0",
        "0",
        "3.0e3",
        "5.0e3",
        "1.1",
        "-1.1",
        "0.3",
        "1e-10",
        "123456789.123456789",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "12345678901234567",
        "0.12345678901234567",
        "17.5e-3",
        "1.7976931348623157e308",
        "-1.7976931348623157e308",
        "1e-300",
        "0x10",
        "+5",
        ".5",
        "5.",
        "1E3",
        "-1e4000",
        "1e4000",
        "inf",
        "-inf",
        "nan",
        "NaN",
        "abc",
        "",
        " 1",
        "1 ",
        "1e",
        "1.2.3",
        "0.0000000000000000001",
        "100000000000000000000000000000",
    ];
    for i in incrs {
        p.check(&["INCRBYFLOAT", "f", i]);
        p.check(&["GET", "f"]);
    }
    for i in incrs {
        p.check(&["DEL", "g"]);
        p.check(&["INCRBYFLOAT", "g", i]);
        p.check(&["INCRBYFLOAT", "g", "0.1"]);
        p.check(&["INCRBYFLOAT", "g", i]);
    }
    let starts = [
        "10.5",
        "-0.0",
        "-0",
        "0.1",
        "1e20",
        "3.0e3",
        "5.0e3",
        "9223372036854775807",
        "-9223372036854775808",
        "12345678901234567.5",
        "abc",
        "1.7976931348623157e308",
        "",
        " 2",
        "2 ",
        "0x1p3",
        "1e-4950",
        "1e5000",
    ];
    for s in starts {
        for i in ["0.1", "-0.1", "1", "0", "1e308", "-3.0e3", "0.00000000000000001"] {
            p.check(&["SET", "h", s]);
            p.check(&["INCRBYFLOAT", "h", i]);
            p.check(&["GET", "h"]);
        }
    }
    all(
        &mut p,
        &[
            &["SET", "t", "1.5", "EX", "100"],
            &["INCRBYFLOAT", "t", "1"],
            &["TTL", "t"],
            &["SET", "i", "10"],
            &["INCRBYFLOAT", "i", "0.5"],
            &["INCR", "i"],
            &["INCRBYFLOAT", "i", "-0.5"],
            &["INCR", "i"],
            &["INCRBYFLOAT", "i"],
        ],
    );
    resp3(&mut p);
    all(&mut p, &[&["INCRBYFLOAT", "r3", "1.25"], &["INCRBYFLOAT", "r3", "x"]]);
}

#[test]
fn lcs_replies_in_resp2_and_resp3() {
    let mut p = Pair::start(&[]);
    all(
        &mut p,
        &[
            &["MSET", "a", "ohmytext", "b", "mynewtext"],
            &["MSET", "x", "rsdsfdsfsdfsdfsdfdsgdsgdsgsdfsdf", "y", "sdfsdfsdfsdfsdfsdfsdfsfdsf"],
            &["MSET", "same", "abcabc", "one", "a", "num", "12345", "num2", "2345x1"],
        ],
    );
    let pairs = [
        ("a", "b"),
        ("b", "a"),
        ("x", "y"),
        ("y", "x"),
        ("a", "a"),
        ("a", "missing"),
        ("missing", "missing"),
        ("same", "a"),
        ("one", "one"),
        ("num", "num2"),
        ("x", "same"),
    ];
    let opts: &[&[&str]] = &[
        &[],
        &["LEN"],
        &["IDX"],
        &["IDX", "WITHMATCHLEN"],
        &["IDX", "MINMATCHLEN", "4"],
        &["IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"],
        &["IDX", "MINMATCHLEN", "-5"],
        &["idx", "minmatchlen", "0", "withmatchlen"],
        &["WITHMATCHLEN"],
        &["MINMATCHLEN", "3"],
        &["LEN", "LEN"],
        &["LEN", "IDX"],
        &["IDX", "LEN"],
        &["MINMATCHLEN"],
        &["MINMATCHLEN", "abc"],
        &["IDX", "FOO"],
        &["LEN", "MINMATCHLEN", "x", "IDX"],
    ];
    for round in 0..2 {
        if round == 1 {
            resp3(&mut p);
        }
        for (k1, k2) in pairs {
            for o in opts {
                let mut c = vec!["LCS", k1, k2];
                c.extend_from_slice(o);
                p.check(&c);
            }
        }
    }
    p.check(&["LCS", "a"]);
}

#[test]
fn binary_values() {
    let mut p = Pair::start(&[]);
    let bin: &[u8] = b"a\0b\r\nc\xff\x00";
    let cmds: Vec<Vec<&[u8]>> = vec![
        vec![b"SET", b"k\0\r\n", bin],
        vec![b"GET", b"k\0\r\n"],
        vec![b"STRLEN", b"k\0\r\n"],
        vec![b"APPEND", b"k\0\r\n", b"\r\n\0"],
        vec![b"GET", b"k\0\r\n"],
        vec![b"GETRANGE", b"k\0\r\n", b"1", b"4"],
        vec![b"SETRANGE", b"k\0\r\n", b"2", b"\0\0"],
        vec![b"GET", b"k\0\r\n"],
        vec![b"MSET", b"\0", b"\r\n", b"", b""],
        vec![b"MGET", b"\0", b"", b"k\0\r\n"],
        vec![b"GETSET", b"", b"\0"],
        vec![b"GETDEL", b""],
        vec![b"GETEX", b"\0", b"PX", b"100000"],
        vec![b"SET", b"e", b""],
        vec![b"GET", b"e"],
        vec![b"STRLEN", b"e"],
        vec![b"INCR", b"e"],
        vec![b"INCRBYFLOAT", b"e", b"1"],
        vec![b"INCRBYFLOAT", b"k\0\r\n", b"1"],
        vec![b"INCRBYFLOAT", b"z", b"1\x002"],
        vec![b"SET", b"lcs1", b"\0\r\n\0x"],
        vec![b"SET", b"lcs2", b"x\0\r\0"],
        vec![b"LCS", b"lcs1", b"lcs2"],
        vec![b"LCS", b"lcs1", b"lcs2", b"IDX", b"WITHMATCHLEN"],
    ];
    for c in &cmds {
        p.check(c);
    }
}

/// A small deterministic generator for the randomized differential tests.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn lcs_random_strings_match() {
    let mut p = Pair::start(&[]);
    let mut rng = XorShift(0x05ee_d1c5);
    for round in 0..150 {
        let alphabet = if round % 2 == 0 { &b"ab"[..] } else { &b"abcd"[..] };
        let gen = |rng: &mut XorShift| -> Vec<u8> {
            let n = rng.below(24) as usize;
            (0..n).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect()
        };
        let (a, b) = (gen(&mut rng), gen(&mut rng));
        p.check(&[&b"MSET"[..], b"x", &a, b"y", &b]);
        p.check(&["LCS", "x", "y"]);
        p.check(&["LCS", "x", "y", "IDX", "WITHMATCHLEN"]);
        let min = (rng.below(4)).to_string();
        p.check(&["LCS", "x", "y", "IDX", "MINMATCHLEN", &min]);
    }
}

#[test]
fn incrbyfloat_random_values_match() {
    let mut p = Pair::start(&[]);
    let mut rng = XorShift(0xf10a7);
    let num = |rng: &mut XorShift| -> String {
        let sign = if rng.below(3) == 0 { "-" } else { "" };
        let int_digits = rng.below(21) as usize;
        let frac_digits = rng.below(19) as usize;
        let mut s = String::from(sign);
        for _ in 0..int_digits.max(1) {
            s.push((b'0' + rng.below(10) as u8) as char);
        }
        if frac_digits > 0 {
            s.push('.');
            for _ in 0..frac_digits {
                s.push((b'0' + rng.below(10) as u8) as char);
            }
        }
        if rng.below(5) == 0 {
            s.push_str(&format!("e{}", rng.below(60) as i64 - 30));
        }
        s
    };
    for _ in 0..300 {
        let (a, b) = (num(&mut rng), num(&mut rng));
        p.check(&["SET", "f", &a]);
        p.check(&["INCRBYFLOAT", "f", &b]);
        p.check(&["INCRBYFLOAT", "f", &a]);
    }
}
