//! SCAN: cursor parsing and options against the reference, and the iteration guarantee: a
//! key present for the whole scan is returned at least once, even while keys are added and
//! removed and the tables grow and shrink between calls.

use std::collections::HashSet;

use ferrodis_tests::{Pair, RawConn, TestServer};

/// Parses a SCAN reply into (cursor, keys).
pub fn scan_reply(r: &[u8]) -> (u64, Vec<String>) {
    let s = String::from_utf8_lossy(r).into_owned();
    let lines: Vec<&str> = s.split("\r\n").collect();
    assert_eq!(lines[0], "*2", "{s}");
    let cursor: u64 = lines[2].parse().unwrap();
    let n: usize = lines[3][1..].parse().unwrap();
    let keys = (0..n).map(|i| lines[5 + 2 * i].to_string()).collect();
    (cursor, keys)
}

/// Runs a full SCAN with extra arguments, calling `between` after each call.
fn full_scan(
    c: &mut RawConn,
    extra: &[&str],
    mut between: impl FnMut(&mut RawConn, usize),
) -> Vec<String> {
    let mut cursor = 0u64;
    let mut all = Vec::new();
    let mut step = 0;
    loop {
        let cs = cursor.to_string();
        let mut args = vec!["SCAN", cs.as_str()];
        args.extend_from_slice(extra);
        let (next, keys) = scan_reply(&c.cmd(&args));
        all.extend(keys);
        between(c, step);
        step += 1;
        cursor = next;
        if cursor == 0 {
            return all;
        }
        assert!(step < 1_000_000, "scan does not end");
    }
}

#[test]
fn scan_errors_and_small_replies_match_reference() {
    let mut p = Pair::start(&[]);
    for c in [
        &["SCAN"][..],
        &["SCAN", "0"],
        &["SCAN", "abc"],
        &["SCAN", " 1"],
        &["SCAN", "1 "],
        &["SCAN", "0x1"],
        &["SCAN", "-"],
        &["SCAN", "18446744073709551616"],
        &["SCAN", "0", "COUNT", "0"],
        &["SCAN", "0", "COUNT", "-1"],
        &["SCAN", "0", "COUNT", "abc"],
        &["SCAN", "0", "COUNT", "5", "COUNT", "0"],
        &["SCAN", "0", "MATCH"],
        &["SCAN", "0", "TYPE"],
        &["SCAN", "0", "foo", "bar"],
        &["SCAN", "0", "MATCH", "*", "extra"],
        &["SCAN", "abc", "COUNT", "0"],
        &["SET", "a", "1"],
        &["SCAN", "0"],
        &["SCAN", ""],
        &["SCAN", "-0"],
        &["SCAN", "+0"],
        &["SCAN", "0", "MATCH", "a"],
        &["SCAN", "0", "MATCH", "b*"],
        &["SCAN", "0", "TYPE", "string"],
        &["SCAN", "0", "TYPE", "STRING"],
        &["SCAN", "0", "TYPE", "list"],
        &["SCAN", "0", "TYPE", "nosuchtype"],
        &["SCAN", "0", "count", "100", "match", "a", "type", "string"],
        &["SCAN", "0", "COUNT", "2", "MATCH", "a", "COUNT", "100"],
    ] {
        p.check(c);
    }
}

#[test]
fn full_scan_returns_every_key_once_when_stable() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    let mut batch = Vec::new();
    for i in 0..5000 {
        batch.extend(ferrodis_tests::encode(&["SET", &format!("key:{i}"), "v"]));
    }
    c.send(&batch);
    for _ in 0..5000 {
        c.read_reply();
    }
    for count in ["1", "10", "100", "10000"] {
        let keys = full_scan(&mut c, &["COUNT", count], |_, _| {});
        let set: HashSet<_> = keys.iter().cloned().collect();
        assert_eq!(set.len(), 5000, "COUNT {count}");
        // Without resizes no key is returned twice.
        assert_eq!(keys.len(), 5000, "COUNT {count}");
    }
    let keys = full_scan(&mut c, &["MATCH", "key:1*"], |_, _| {});
    let expect = (0..5000).filter(|i| i.to_string().starts_with('1')).count();
    assert_eq!(keys.iter().collect::<HashSet<_>>().len(), expect);
    assert!(keys.iter().all(|k| k.starts_with("key:1")));
    assert!(full_scan(&mut c, &["TYPE", "hash"], |_, _| {}).is_empty());
    assert_eq!(full_scan(&mut c, &["TYPE", "string", "COUNT", "50"], |_, _| {}).len(), 5000);
}

#[test]
fn scan_guarantee_while_keys_come_and_go() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    let stable = 2000;
    let mut batch = Vec::new();
    for i in 0..stable {
        batch.extend(ferrodis_tests::encode(&["SET", &format!("stable:{i}"), "v"]));
    }
    c.send(&batch);
    for _ in 0..stable {
        c.read_reply();
    }
    // Between calls: first add many keys (tables grow), then remove them all and more
    // (tables shrink), while the stable keys stay.
    let keys = full_scan(&mut c, &["COUNT", "20"], |c, step| {
        let mut batch = Vec::new();
        if step < 40 {
            for j in 0..500 {
                batch.extend(ferrodis_tests::encode(&["SET", &format!("tmp:{step}:{j}"), "v"]));
            }
        } else if step < 80 {
            for j in 0..500 {
                batch.extend(ferrodis_tests::encode(&["DEL", &format!("tmp:{}:{j}", step - 40)]));
            }
        } else {
            return;
        }
        c.send(&batch);
        for _ in 0..500 {
            c.read_reply();
        }
    });
    let seen: HashSet<_> = keys.into_iter().collect();
    for i in 0..stable {
        assert!(seen.contains(&format!("stable:{i}")), "stable:{i} never returned");
    }
}

#[test]
fn scan_in_each_db_sees_only_that_db() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    c.cmd(&["SET", "zero", "0"]);
    c.cmd(&["SELECT", "3"]);
    c.cmd(&["SET", "three", "3"]);
    assert_eq!(full_scan(&mut c, &[], |_, _| {}), vec!["three".to_string()]);
    c.cmd(&["SELECT", "0"]);
    assert_eq!(full_scan(&mut c, &[], |_, _| {}), vec!["zero".to_string()]);
    // Huge or arbitrary cursors are accepted and end the walk sooner or later.
    for cur in ["18446744073709551615", "12345", "-1"] {
        let (next, _) = scan_reply(&c.cmd(&["SCAN", cur]));
        let _ = next;
    }
}

#[test]
fn scan_with_many_shards_and_one_shard() {
    for shards in ["1", "64"] {
        let srv = TestServer::start_with(&["--keyspace-shards", shards]);
        let mut c = srv.raw();
        for i in 0..300 {
            c.cmd(&["SET", &format!("k{i}"), "v"]);
        }
        let keys = full_scan(&mut c, &["COUNT", "7"], |_, _| {});
        assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 300, "{shards} shards");
        assert_eq!(keys.len(), 300);
    }
}
