//! TTLs: the EXPIRE family and its options against the reference, TTL / PTTL / EXPIRETIME /
//! PEXPIRETIME / PERSIST, and expiry itself: expired keys are invisible to every command and
//! disappear without being touched.

use std::time::{Duration, Instant};

use ferrodis_tests::{Pair, RawConn, TestServer};

fn int_reply(r: &[u8]) -> i64 {
    let s = std::str::from_utf8(r).unwrap();
    assert!(s.starts_with(':'), "not an integer: {s}");
    s[1..].trim().parse().unwrap()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
fn expire_options_and_errors() {
    let mut p = Pair::start(&[]);
    for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
        let far = if cmd.ends_with("AT") {
            if cmd == "EXPIREAT" {
                "4000000000"
            } else {
                "4000000000000"
            }
        } else {
            "1000000"
        };
        let farther = if cmd.ends_with("AT") {
            if cmd == "EXPIREAT" {
                "4000000100"
            } else {
                "4000000100000"
            }
        } else {
            "2000000"
        };
        let farthest = if cmd.ends_with("AT") {
            if cmd == "EXPIREAT" {
                "4000000200"
            } else {
                "4000000200000"
            }
        } else {
            "3000000"
        };
        for c in [
            &[cmd][..],
            &[cmd, "k"],
            &[cmd, "nokey", "100"],
            &[cmd, "nokey", "100", "NX"],
            &[cmd, "k", "abc"],
            &[cmd, "k", "1.5"],
            &[cmd, "k", "100", "NX", "XX"],
            &[cmd, "k", "100", "nx", "gt"],
            &[cmd, "k", "100", "NX", "LT"],
            &[cmd, "k", "100", "GT", "LT"],
            &[cmd, "k", "100", "XX", "GT", "LT"],
            &[cmd, "k", "100", "FOO"],
            &[cmd, "k", "abc", "FOO"],
            &[cmd, "k", "abc", "NX", "XX"],
            &[cmd, "k", "100", "NX", "NX"],
            &[cmd, "k", "9223372036854775807"],
            &[cmd, "k", "-9223372036854775808"],
            &[cmd, "k", "9223372036854775"],
            &[cmd, "k", "9223372036854776"],
            &[cmd, "k", "-9223372036854776"],
            &["SET", "k", "v"],
            &[cmd, "k", far, "XX"],
            &["TTL", "k"],
            &[cmd, "k", far, "GT"],
            &[cmd, "k", far, "LT"],
            &[cmd, "k", far, "NX"],
            &["TTL", "k"],
            &[cmd, "k", farther, "XX"],
            &[cmd, "k", far, "GT"],
            &[cmd, "k", far, "NX"],
            &[cmd, "k", far, "LT"],
            &[cmd, "k", farther, "GT"],
            &[cmd, "k", farthest, "xx", "gt"],
            &[cmd, "k", farther, "GT"],
            &["PERSIST", "k"],
            &["PERSIST", "k"],
            &["TTL", "k"],
            &[cmd, "k", "-1", "XX"],
            &[cmd, "k", "-1", "GT"],
            &["EXISTS", "k"],
            &[cmd, "k", "-1", "LT"],
            &["EXISTS", "k"],
            &["SET", "k", "v"],
            &[cmd, "k", "0"],
            &["EXISTS", "k"],
            &["SET", "k", "v"],
            &[cmd, "k", "-100", "NX"],
            &["GET", "k"],
        ] {
            p.check(c);
        }
    }
}

#[test]
fn ttl_family_replies() {
    let mut p = Pair::start(&[]);
    for c in [
        &["TTL"][..],
        &["PTTL", "a", "b"],
        &["EXPIRETIME"],
        &["PEXPIRETIME", "a", "b"],
        &["PERSIST"],
        &["TTL", "nokey"],
        &["PTTL", "nokey"],
        &["EXPIRETIME", "nokey"],
        &["PEXPIRETIME", "nokey"],
        &["PERSIST", "nokey"],
        &["SET", "k", "v"],
        &["TTL", "k"],
        &["PTTL", "k"],
        &["EXPIRETIME", "k"],
        &["PEXPIRETIME", "k"],
        &["PERSIST", "k"],
        &["PEXPIREAT", "k", "99999999999500"],
        &["EXPIRETIME", "k"],
        &["PEXPIRETIME", "k"],
        &["PEXPIREAT", "k", "99999999999499"],
        &["EXPIRETIME", "k"],
        &["EXPIREAT", "k", "99999999999"],
        &["PEXPIRETIME", "k"],
        &["EXPIRE", "k", "100"],
        &["TTL", "k"],
        &["SET", "k", "v2"],
        &["TTL", "k"],
        &["SET", "k", "v", "EX", "100"],
        &["PERSIST", "k"],
        &["TTL", "k"],
        &["PERSIST", "k"],
    ] {
        p.check(c);
    }
}

#[test]
fn ttl_rounds_to_nearest_second() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    c.cmd(&["SET", "k", "v"]);
    // 1499 ms rounds down to 1 s, 1500 ms up to 2 s: (ttl + 500) / 1000.
    c.cmd(&["PEXPIREAT", "k", &(now_ms() + 100_499).to_string()]);
    let pttl = int_reply(&c.cmd(&["PTTL", "k"]));
    let ttl = int_reply(&c.cmd(&["TTL", "k"]));
    assert_eq!(ttl, (pttl + 500) / 1000, "pttl {pttl}");
    assert!((100_000..=100_499).contains(&pttl), "{pttl}");
    assert_eq!(int_reply(&c.cmd(&["PEXPIRE", "k", "1700"])), 1);
    assert_eq!(int_reply(&c.cmd(&["TTL", "k"])), 2);
    assert_eq!(int_reply(&c.cmd(&["PEXPIRE", "k", "1400"])), 1);
    assert_eq!(int_reply(&c.cmd(&["TTL", "k"])), 1);
}

/// Waits until `f` holds, polling; panics after `secs`.
fn wait_until(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn expired_keys_are_invisible() {
    // A low hz makes the background cycle rare, so the commands themselves meet the keys.
    let srv = TestServer::start_with(&["--hz", "1"]);
    let mut c = srv.raw();
    for i in 0..20 {
        c.cmd(&["SET", &format!("gone{i}"), "v", "PX", "50"]);
    }
    c.cmd(&["SET", "stays", "v"]);
    c.cmd(&["SET", "x", "v", "PX", "50"]);
    let until = now_ms() + 80;
    while now_ms() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(c.cmd(&["KEYS", "*"]), b"*1\r\n$5\r\nstays\r\n");
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT", "1000"]), b"*2\r\n$1\r\n0\r\n*1\r\n$5\r\nstays\r\n");
    for _ in 0..50 {
        assert_eq!(c.cmd(&["RANDOMKEY"]), b"$5\r\nstays\r\n");
    }
    assert_eq!(c.cmd(&["EXISTS", "x"]), b":0\r\n");
    c.cmd(&["SET", "y", "v", "PX", "30"]);
    let until = now_ms() + 50;
    while now_ms() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(c.cmd(&["TYPE", "y"]), b"+none\r\n");
    c.cmd(&["SET", "z", "v", "PX", "30"]);
    let until = now_ms() + 50;
    while now_ms() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    for cmd in [&["TTL", "z"][..], &["PTTL", "z"], &["EXPIRETIME", "z"], &["PEXPIRETIME", "z"]] {
        assert_eq!(c.cmd(cmd), b":-2\r\n");
    }
    for cmd in [
        &["EXPIRE", "z", "100"][..],
        &["PERSIST", "z"],
        &["TOUCH", "z"],
        &["MOVE", "z", "1"],
        &["COPY", "z", "z2"],
        &["DEL", "z"],
    ] {
        assert_eq!(c.cmd(cmd), b":0\r\n");
    }
    assert_eq!(c.cmd(&["RENAME", "z", "w"]), b"-ERR no such key\r\n");
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "z"]), b"$-1\r\n");
    assert_eq!(c.cmd(&["DBSIZE"]), b":1\r\n");
}

#[test]
fn active_expiry_removes_untouched_keys() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    // Pipeline 10k SETs with a 100 ms TTL, plus 1000 keys that stay.
    let mut batch = Vec::new();
    for i in 0..10_000 {
        batch.extend(ferrodis_tests::encode(&["SET", &format!("t{i}"), "v", "PX", "100"]));
    }
    for i in 0..1000 {
        batch.extend(ferrodis_tests::encode(&["SET", &format!("p{i}"), "v"]));
    }
    c.send(&batch);
    for _ in 0..11_000 {
        assert_eq!(c.read_reply(), b"+OK\r\n");
    }
    // Nothing reads the keys: the background cycle alone must bring DBSIZE down.
    let mut probe = srv.raw();
    let start = Instant::now();
    let mut worst = Duration::ZERO;
    wait_until(5, "DBSIZE to drop to the persistent keys", || {
        let t = Instant::now();
        let n = int_reply(&probe.cmd(&["DBSIZE"]));
        worst = worst.max(t.elapsed());
        n == 1000
    });
    // No client waited long behind the expiry cycle.
    assert!(worst < Duration::from_millis(250), "a DBSIZE took {worst:?}");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(int_reply(&c.cmd(&["EXISTS", "p0", "p999", "t0"])), 2);
}

#[test]
fn volatile_keys_expire_while_others_stay() {
    let srv = TestServer::start();
    let mut c: RawConn = srv.raw();
    for i in 0..100 {
        c.cmd(&["SET", &format!("a{i}"), "v"]);
        c.cmd(&["SET", &format!("b{i}"), "v"]);
        c.cmd(&["PEXPIRE", &format!("b{i}"), "50"]);
    }
    wait_until(5, "volatile keys to expire", || int_reply(&c.cmd(&["DBSIZE"])) == 100);
    assert_eq!(int_reply(&c.cmd(&["EXISTS", "a0", "a99", "b0", "b99"])), 2);
}

/// Overwriting a key whose TTL has passed (MSET, SET) expires it first: counted in
/// expired_keys, as Redis's lookupKeyWrite does.
#[test]
fn overwriting_an_expired_key_counts_it_as_expired() {
    let srv = TestServer::start_with(&["--enable-debug-command", "yes"]);
    let mut c = srv.raw();
    assert_eq!(c.cmd_str(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), "+OK\r\n");
    c.cmd_str(&["SET", "k", "v", "PX", "1"]);
    c.cmd_str(&["SET", "j", "v", "PX", "1"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(c.cmd_str(&["MSET", "k", "v2"]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["SET", "j", "v3"]), "+OK\r\n");
    let info = c.cmd_str(&["INFO", "stats"]);
    assert!(info.contains("\r\nexpired_keys:2\r\n"), "{info}");
    assert_eq!(c.cmd_str(&["GET", "k"]), "$2\r\nv2\r\n");
}
