//! Generic key commands against the reference: DEL, UNLINK, EXISTS, TYPE, KEYS, RANDOMKEY,
//! RENAME, RENAMENX, COPY, MOVE, TOUCH, OBJECT. Replies are compared byte for byte, except
//! where the order of keys is unspecified (KEYS), where the sorted sets of keys are compared.

use ferrodis_tests::{Pair, RawConn, TestServer};

/// Parses a flat RESP array of bulk strings (a KEYS reply) into its elements.
pub fn bulk_array(reply: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = reply;
    let line = |r: &[u8]| {
        let n = r.windows(2).position(|w| w == b"\r\n").expect("CRLF");
        (r[1..n].to_vec(), n + 2)
    };
    let (head, used) = line(rest);
    assert!(rest[0] == b'*', "not an array: {}", String::from_utf8_lossy(reply));
    let n: usize = String::from_utf8(head).unwrap().parse().unwrap();
    rest = &rest[used..];
    for _ in 0..n {
        let (len, used) = line(rest);
        assert_eq!(rest[0], b'$');
        let len: usize = String::from_utf8(len).unwrap().parse().unwrap();
        out.push(rest[used..used + len].to_vec());
        rest = &rest[used + len + 2..];
    }
    assert!(rest.is_empty(), "trailing bytes");
    out
}

fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

/// Sends a KEYS-like command to both servers and compares the sorted replies.
fn check_unordered(p: &mut Pair, args: &[&str]) -> Vec<Vec<u8>> {
    let (a, b) = p.both(args);
    let (a, b) = (sorted(bulk_array(&a)), sorted(bulk_array(&b)));
    assert_eq!(a, b, "{args:?}");
    a
}

#[test]
fn del_unlink_exists_type_touch() {
    let mut p = Pair::start(&[]);
    for c in [
        &["DEL"][..],
        &["UNLINK"],
        &["EXISTS"],
        &["TOUCH"],
        &["TYPE"],
        &["TYPE", "a", "b"],
        &["SET", "a", "1"],
        &["SET", "b", "2"],
        &["SET", "c", "3"],
        &["EXISTS", "a"],
        &["EXISTS", "a", "a", "nokey", "b"],
        &["TYPE", "a"],
        &["TYPE", "nokey"],
        &["TOUCH", "a", "b", "nokey", "a"],
        &["DEL", "a", "a", "nokey"],
        &["EXISTS", "a"],
        &["UNLINK", "b", "c", "b"],
        &["UNLINK", "b"],
        &["DEL", "nokey"],
        &["EXISTS", "b", "c"],
    ] {
        p.check(c);
    }
}

#[test]
fn keys_patterns() {
    let mut p = Pair::start(&[]);
    for k in [
        "foo", "foobar", "fo", "f", "bar", "hello", "hallo", "hxllo", "hllo", "heeeello", "a*b",
        "a?b", "a[b", "a\\b", "x1", "x2", "x3", "X1", "",
    ] {
        p.check(&["SET", k, "v"]);
    }
    check_unordered(&mut p, &["KEYS", "*"]);
    for pat in [
        "foo*",
        "f*",
        "*bar",
        "h?llo",
        "h*llo",
        "h[ae]llo",
        "h[^e]llo",
        "h[a-b]llo",
        "x[1-2]",
        "x[^1]",
        "a\\*b",
        "a\\?b",
        "a[[]b",
        "*",
        "?",
        "",
        "nomatch*",
        "[",
        "a\\\\b",
        "X*",
        "x*",
    ] {
        check_unordered(&mut p, &["KEYS", pat]);
    }
    p.check(&["KEYS"]);
    p.check(&["KEYS", "a", "b"]);
}

#[test]
fn randomkey_returns_live_keys() {
    let mut p = Pair::start(&[]);
    p.check(&["RANDOMKEY"]);
    p.check(&["RANDOMKEY", "x"]);
    p.check(&["SET", "only", "1"]);
    p.check(&["RANDOMKEY"]);
    p.check(&["DEL", "only"]);
    p.check(&["RANDOMKEY"]);

    // Over many draws every key shows up, and only existing keys do.
    let srv = TestServer::start();
    let mut c = srv.raw();
    for i in 0..50 {
        c.cmd(&["SET", &format!("k{i}"), "v"]);
    }
    let mut seen = std::collections::HashSet::new();
    for _ in 0..2000 {
        let r = c.cmd_str(&["RANDOMKEY"]);
        let k = r.lines().nth(1).unwrap().to_string();
        assert!(k.starts_with('k'), "{r}");
        seen.insert(k);
    }
    assert_eq!(seen.len(), 50);
}

#[test]
fn rename_and_renamenx() {
    let mut p = Pair::start(&[]);
    for c in [
        &["RENAME", "nokey", "x"][..],
        &["RENAME", "nokey", "nokey"],
        &["RENAMENX", "nokey", "x"],
        &["RENAMENX", "nokey", "nokey"],
        &["RENAME", "a"],
        &["RENAMENX", "a", "b", "c"],
        &["SET", "a", "hello"],
        &["RENAME", "a", "a"],
        &["RENAMENX", "a", "a"],
        &["GET", "a"],
        &["RENAME", "a", "b"],
        &["EXISTS", "a"],
        &["GET", "b"],
        &["SET", "c", "other"],
        &["RENAMENX", "b", "c"],
        &["GET", "b"],
        &["GET", "c"],
        &["RENAMENX", "b", "d"],
        &["GET", "d"],
        &["EXISTS", "b"],
        &["EXPIRE", "d", "100"],
        &["RENAME", "d", "c"],
        &["TTL", "c"],
        &["GET", "c"],
        // The destination's TTL does not survive; the source's travels with the value.
        &["SET", "e", "1"],
        &["RENAME", "e", "c"],
        &["TTL", "c"],
        &["SET", "{t}1", "x"],
        &["RENAME", "{t}1", "{t}2"],
        &["GET", "{t}2"],
    ] {
        p.check(c);
    }
}

#[test]
fn copy_every_option() {
    let mut p = Pair::start(&[]);
    for c in [
        &["COPY", "a"][..],
        &["COPY", "nokey", "b"],
        &["SET", "a", "value"],
        &["COPY", "a", "a"],
        &["COPY", "a", "a", "DB", "0"],
        &["COPY", "a", "b", "DB", "100"],
        &["COPY", "a", "b", "DB", "-1"],
        &["COPY", "a", "b", "DB", "x"],
        &["COPY", "a", "b", "DB", "4294967296"],
        &["COPY", "a", "b", "DB"],
        &["COPY", "a", "b", "foo"],
        &["COPY", "a", "b", "REPLACE", "foo"],
        &["COPY", "a", "b"],
        &["GET", "b"],
        &["SET", "a", "changed"],
        &["COPY", "a", "b"],
        &["GET", "b"],
        &["COPY", "a", "b", "replace"],
        &["GET", "b"],
        &["EXPIRE", "a", "100"],
        &["COPY", "a", "c"],
        &["TTL", "c"],
        &["COPY", "a", "a", "DB", "1"],
        &["COPY", "a", "b", "db", "1", "REPLACE"],
        &["COPY", "a", "b", "db", "1"],
        &["COPY", "a", "b", "DB", "1", "DB", "2"],
        &["SELECT", "1"],
        &["GET", "a"],
        &["TTL", "a"],
        &["GET", "b"],
        &["SELECT", "2"],
        &["GET", "b"],
        &["SELECT", "0"],
        &["SET", "n", "12"],
        &["COPY", "n", "m"],
        &["OBJECT", "ENCODING", "m"],
        &["INCR", "m"],
        &["GET", "n"],
    ] {
        p.check(c);
    }
}

#[test]
fn move_between_dbs() {
    let mut p = Pair::start(&[]);
    for c in [
        &["MOVE", "a"][..],
        &["MOVE", "nokey", "1"],
        &["MOVE", "nokey", "0"],
        &["SET", "a", "v"],
        &["MOVE", "a", "0"],
        &["MOVE", "a", "16"],
        &["MOVE", "a", "-1"],
        &["MOVE", "a", "x"],
        &["MOVE", "a", "99999999999"],
        &["EXPIRE", "a", "500"],
        &["MOVE", "a", "1"],
        &["EXISTS", "a"],
        &["SELECT", "1"],
        &["GET", "a"],
        &["TTL", "a"],
        &["SET", "b", "in1"],
        &["SELECT", "0"],
        &["SET", "b", "in0"],
        &["MOVE", "b", "1"],
        &["GET", "b"],
        &["SELECT", "1"],
        &["GET", "b"],
        &["MOVE", "a", "0"],
        &["SELECT", "0"],
        &["GET", "a"],
        &["TTL", "a"],
    ] {
        p.check(c);
    }
}

#[test]
fn object_subcommands() {
    let mut p = Pair::start(&[]);
    for c in [
        &["OBJECT"][..],
        &["OBJECT", "foo"],
        &["OBJECT", "foo", "bar"],
        &["OBJECT", "ENCODING"],
        &["OBJECT", "ENCODING", "a", "b"],
        &["OBJECT", "HELP", "x"],
        &["OBJECT", "ENCODING", "nokey"],
        &["OBJECT", "REFCOUNT", "nokey"],
        &["OBJECT", "IDLETIME", "nokey"],
        &["OBJECT", "FREQ", "nokey"],
        &["SET", "int", "123"],
        &["SET", "bigint", "123456"],
        &["SET", "emb", "hello"],
        &["SET", "raw", &"x".repeat(45)],
        &["OBJECT", "ENCODING", "int"],
        &["OBJECT", "ENCODING", "bigint"],
        &["OBJECT", "ENCODING", "emb"],
        &["OBJECT", "ENCODING", "raw"],
        &["object", "encoding", "int"],
        &["OBJECT", "REFCOUNT", "int"],
        &["OBJECT", "REFCOUNT", "bigint"],
        &["OBJECT", "REFCOUNT", "emb"],
        &["OBJECT", "IDLETIME", "emb"],
        &["OBJECT", "FREQ", "emb"],
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
        &["OBJECT", "IDLETIME", "emb"],
        &["OBJECT", "IDLETIME", "nokey"],
        &["CONFIG", "SET", "maxmemory-policy", "volatile-lfu"],
        &["OBJECT", "IDLETIME", "emb"],
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
        &["OBJECT", "FREQ", "emb"],
        &["OBJECT", "IDLETIME", "emb"],
    ] {
        p.check(c);
    }
    // HELP: same shape (status lines, same first line); the wording is our own.
    let (a, b) = p.both(&["OBJECT", "HELP"]);
    let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    assert!(a.starts_with('*') && b.starts_with('*'));
    assert_eq!(
        a.lines().nth(1),
        Some("+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
    );
    for sub in ["+ENCODING <key>", "+FREQ <key>", "+IDLETIME <key>", "+REFCOUNT <key>", "+HELP"] {
        assert!(a.lines().any(|l| l == sub), "{sub} missing from {a}");
    }
    assert!(a.lines().skip(1).all(|l| l.starts_with('+')));
}

#[test]
fn object_idletime_grows_and_touch_resets_it() {
    let srv = TestServer::start();
    let mut c: RawConn = srv.raw();
    c.cmd(&["SET", "k", "v"]);
    c.cmd(&["SET", "t", "v"]);
    let idle = |c: &mut RawConn, k: &str| -> i64 {
        c.cmd_str(&["OBJECT", "IDLETIME", k]).trim()[1..].parse().unwrap()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while idle(&mut c, "k") < 2 {
        assert!(std::time::Instant::now() < deadline, "idle time does not grow");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // TYPE, EXISTS, TTL and OBJECT do not touch; TOUCH and GET do.
    c.cmd(&["TYPE", "k"]);
    c.cmd(&["EXISTS", "k"]);
    c.cmd(&["TTL", "k"]);
    assert!(idle(&mut c, "k") >= 2);
    assert_eq!(c.cmd(&["TOUCH", "k", "nokey"]), b":1\r\n");
    assert!(idle(&mut c, "k") <= 1);
    assert!(idle(&mut c, "t") >= 2);
}

#[test]
fn resp3_replies_match_reference() {
    let mut p = Pair::start(&[]);
    p.both(&["HELLO", "3"]);
    for c in [
        &["RANDOMKEY"][..],
        &["KEYS", "*"],
        &["SCAN", "0"],
        &["SET", "a", "1"],
        &["KEYS", "*"],
        &["SCAN", "0"],
        &["RANDOMKEY"],
        &["OBJECT", "ENCODING", "nokey"],
        &["OBJECT", "ENCODING", "a"],
        &["TYPE", "a"],
        &["EXISTS", "a"],
        &["TTL", "a"],
        &["COPY", "a", "b"],
        &["RENAME", "b", "c"],
    ] {
        p.check(c);
    }
}

/// Under an LFU policy a new key starts at counter 5 and its first access always counts
/// (Redis's LFULogIncr with probability 1 at the initial value); OBJECT FREQ itself does not
/// touch, overwriting keeps the history.
#[test]
fn object_freq_tracks_lfu_counter() {
    let mut p = Pair::start(&["--maxmemory-policy", "allkeys-lfu"]);
    for c in [
        &["SET", "k", "v"][..],
        &["OBJECT", "FREQ", "k"],
        &["OBJECT", "FREQ", "k"],
        &["GET", "k"],
        &["OBJECT", "FREQ", "k"],
        &["SET", "k", "w"],
        &["OBJECT", "IDLETIME", "k"],
    ] {
        p.check(c);
    }
    // SET touched the old value (6 -> 7 with probability 1/11) and kept its history.
    let (a, b) = p.both(&["OBJECT", "FREQ", "k"]);
    for r in [a, b] {
        assert!(r == b":6\r\n" || r == b":7\r\n", "{:?}", String::from_utf8_lossy(&r));
    }
}
