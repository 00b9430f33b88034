//! Blocking operations: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP,
//! CLIENT UNBLOCK, and what INFO / CLIENT LIST show of blocked clients.
//!
//! Most tests are scenarios with several connections, run once against ferrodis and once
//! against redis-server, whose transcripts (every reply, in order) must be equal. A scenario
//! waits for a client to be blocked by polling INFO `blocked_clients`, never by sleeping.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ferrodis_tests::{compare_with_reference, Pair, Proc, RawConn, TestServer};

type Transcript = Vec<String>;

/// Runs `scenario` against ferrodis and the reference and asserts equal transcripts.
fn compare(scenario: impl Fn(&Proc) -> Transcript) -> Transcript {
    compare_with_reference(&[], scenario)
}

fn s(reply: Vec<u8>) -> String {
    String::from_utf8_lossy(&reply).into_owned()
}

/// Sends a blocking command on `c` and waits until the server counts it blocked.
fn block_on(c: &mut RawConn, ctl: &mut RawConn, args: &[&str], now_blocked: usize) {
    c.send_cmd(args);
    ctl.wait_blocked(now_blocked);
}

#[test]
fn argument_errors_match_reference() {
    let mut p = Pair::start(&[]);
    p.check(&["SET", "str", "x"]);
    for cmd in [
        &["BLPOP", "k", "-1"][..],
        &["BLPOP", "k", "abc"],
        &["BLPOP", "k", ""],
        &["BLPOP", "k", "1x"],
        &["BLPOP", "k", "-inf"],
        &["BLPOP", "k", "nan"],
        &["BLPOP", "k"],
        &["BRPOP", "k", "-5"],
        &["BLPOP", "str", "0"],
        &["BLPOP", "nokey", "str", "0"],
        &["BRPOP", "str", "0"],
        &["BZPOPMIN", "str", "0"],
        &["BZPOPMAX", "k", "-1"],
        &["BZPOPMAX", "k", "x"],
        &["BLMOVE", "a", "b", "LEFT", "UP", "0"],
        &["BLMOVE", "a", "b", "DOWN", "LEFT", "0"],
        &["BLMOVE", "a", "b", "LEFT", "LEFT", "-1"],
        &["BLMOVE", "a", "b", "left", "right", "x"],
        &["BLMOVE", "str", "b", "LEFT", "LEFT", "0"],
        &["BLMOVE", "a", "b", "LEFT", "LEFT"],
        &["BRPOPLPUSH", "a", "b", "-1"],
        &["BRPOPLPUSH", "str", "b", "0"],
        &["BLMPOP", "0", "0", "k", "LEFT"],
        &["BLMPOP", "0", "-1", "k", "LEFT"],
        &["BLMPOP", "0", "x", "k", "LEFT"],
        &["BLMPOP", "0", "5", "k", "LEFT"],
        &["BLMPOP", "0", "1", "k", "UP"],
        &["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "0"],
        &["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "-3"],
        &["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "x"],
        &["BLMPOP", "0", "1", "k", "LEFT", "COUNT"],
        &["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "1", "COUNT", "1"],
        &["BLMPOP", "0", "1", "k", "LEFT", "extra"],
        &["BLMPOP", "-1", "1", "k", "LEFT"],
        &["BLMPOP", "x", "1", "k", "LEFT"],
        &["BLMPOP", "0", "1", "str", "LEFT"],
        &["BLMPOP", "0", "1"],
        &["BZMPOP", "0", "0", "k", "MIN"],
        &["BZMPOP", "0", "1", "k", "LEFT"],
        &["BZMPOP", "0", "1", "k", "MAX", "COUNT", "0"],
        &["BZMPOP", "-2", "1", "k", "MAX"],
        &["BZMPOP", "0", "1", "str", "MIN"],
        &["CLIENT", "UNBLOCK"],
        &["CLIENT", "UNBLOCK", "abc"],
        &["CLIENT", "UNBLOCK", "1", "foo"],
        &["CLIENT", "UNBLOCK", "abc", "foo"],
        &["CLIENT", "UNBLOCK", "1", "2", "3"],
        &["CLIENT", "UNBLOCK", "999999"],
        &["CLIENT", "UNBLOCK", "-1", "ERROR"],
    ] {
        p.check(cmd);
    }
}

/// Redis 7.2 refuses a timeout too big for milliseconds as out of range (7.0 overflows it
/// into "negative"), and rounds fractions of a millisecond up (7.0 truncates them to 0, which
/// blocks for ever); tests/ALLOWED_DIFFERENCES.md.
#[test]
fn timeouts_follow_7_2_at_the_edges() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    for t in ["inf", "+inf", "1e400", "9223372036854775807"] {
        assert_eq!(s(c.cmd(&["BLPOP", "k", t])), "-ERR timeout is out of range\r\n", "{t}");
    }
    let start = Instant::now();
    assert_eq!(s(c.cmd(&["BLPOP", "k", "0.0001"])), "*-1\r\n");
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn commands_with_data_answer_at_once_like_their_plain_forms() {
    let mut p = Pair::start(&[]);
    for proto in ["2", "3"] {
        p.both(&["HELLO", proto]);
        p.check(&["RPUSH", "l", "a", "b", "c", "d", "e", "f"]);
        p.check(&["BLPOP", "nokey", "l", "0"]);
        p.check(&["BRPOP", "l", "nokey", "0"]);
        p.check(&["BLMOVE", "l", "m", "LEFT", "RIGHT", "0"]);
        p.check(&["BLMOVE", "l", "m", "right", "left", "0.5"]);
        p.check(&["BRPOPLPUSH", "m", "l", "0"]);
        p.check(&["LRANGE", "l", "0", "-1"]);
        p.check(&["LRANGE", "m", "0", "-1"]);
        p.check(&["BLMPOP", "0", "2", "nokey", "l", "RIGHT", "COUNT", "2"]);
        p.check(&["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "100"]);
        p.check(&["EXISTS", "l"]);
        p.check(&["BLMPOP", "0", "1", "m", "LEFT"]);
        p.check(&["EXISTS", "m"]);
        p.check(&["ZADD", "z", "1", "a", "2.5", "b", "3", "c", "-4", "d", "5", "e"]);
        p.check(&["BZPOPMIN", "nokey", "z", "0"]);
        p.check(&["BZPOPMAX", "z", "0"]);
        p.check(&["BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "2"]);
        p.check(&["BZMPOP", "0", "1", "z", "MAX"]);
        p.check(&["EXISTS", "z"]);
        // An existing key of another type ahead of the data is an error.
        p.check(&["SET", "s", "x"]);
        p.check(&["RPUSH", "l2", "x"]);
        p.check(&["BLPOP", "s", "l2", "0"]);
        p.check(&["BLPOP", "l2", "s", "0"]);
        p.check(&["DEL", "s"]);
    }
}

#[test]
fn a_timeout_with_fractions_answers_null_in_both_protocols() {
    compare(|srv| {
        let mut c = srv.raw();
        let mut t = Vec::new();
        for proto in ["2", "3"] {
            c.cmd(&["HELLO", proto]);
            for cmd in [
                &["BLPOP", "k1", "k2", "0.2"][..],
                &["BRPOP", "k", "0.05"],
                &["BLMOVE", "k", "d", "LEFT", "LEFT", "0.1"],
                &["BRPOPLPUSH", "k", "d", "0.01"],
                &["BLMPOP", "0.1", "1", "k", "LEFT"],
                &["BZPOPMIN", "k", "0.1"],
                &["BZPOPMAX", "k", "0.001"],
                &["BZMPOP", "0.1", "2", "k", "j", "MAX", "COUNT", "3"],
            ] {
                let start = Instant::now();
                t.push(s(c.cmd(cmd)));
                let took = start.elapsed();
                assert!(took < Duration::from_secs(3), "{cmd:?} took {took:?}");
            }
            // The timeout is honoured, not rounded down to nothing.
            let start = Instant::now();
            c.cmd(&["BLPOP", "k", "0.3"]);
            assert!(start.elapsed() >= Duration::from_millis(250));
        }
        t
    });
}

#[test]
fn waiters_are_served_in_the_order_they_blocked() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut w: Vec<RawConn> = (0..3).map(|_| srv.raw()).collect();
        for (i, c) in w.iter_mut().enumerate() {
            block_on(c, &mut ctl, &["BLPOP", "q", "0"], i + 1);
        }
        let mut t = vec![s(ctl.cmd(&["RPUSH", "q", "a", "b", "c", "d"]))];
        for c in &mut w {
            t.push(s(c.read_reply()));
        }
        t.push(s(ctl.cmd(&["LRANGE", "q", "0", "-1"])));
        ctl.wait_blocked(0);
        // Fewer elements than waiters: the oldest are served, the rest keep waiting.
        for (i, c) in w.iter_mut().enumerate() {
            block_on(c, &mut ctl, &["BRPOP", "q2", "0"], i + 1);
        }
        t.push(s(ctl.cmd(&["LPUSH", "q2", "x", "y"])));
        t.push(s(w[0].read_reply()));
        t.push(s(w[1].read_reply()));
        ctl.wait_blocked(1);
        t.push(s(ctl.cmd(&["EXISTS", "q2"])));
        t.push(s(ctl.cmd(&["RPUSH", "q2", "z"])));
        t.push(s(w[2].read_reply()));
        t
    });
}

#[test]
fn a_client_blocked_on_several_keys_is_served_from_the_one_that_gets_data() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        let mut b = srv.raw();
        let mut t = Vec::new();
        block_on(&mut a, &mut ctl, &["BLPOP", "k1", "k2", "k3", "0"], 1);
        block_on(&mut b, &mut ctl, &["BZPOPMAX", "z1", "z2", "0"], 2);
        t.push(s(ctl.cmd(&["RPUSH", "k3", "x", "y"])));
        t.push(s(a.read_reply()));
        t.push(s(ctl.cmd(&["ZADD", "z2", "1", "m", "2", "n"])));
        t.push(s(b.read_reply()));
        ctl.wait_blocked(0);
        t.push(s(ctl.cmd(&["LRANGE", "k3", "0", "-1"])));
        t.push(s(ctl.cmd(&["ZRANGE", "z2", "0", "-1", "WITHSCORES"])));
        // BLMPOP / BZMPOP with COUNT take up to that many from the key that got data.
        block_on(&mut a, &mut ctl, &["BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2"], 1);
        block_on(&mut b, &mut ctl, &["BZMPOP", "0", "2", "y1", "y2", "MIN", "COUNT", "5"], 2);
        t.push(s(ctl.cmd(&["RPUSH", "m2", "1", "2", "3"])));
        t.push(s(a.read_reply()));
        t.push(s(ctl.cmd(&["ZADD", "y1", "3", "c", "1", "a", "2", "b"])));
        t.push(s(b.read_reply()));
        t.push(s(ctl.cmd(&["EXISTS", "y1"])));
        t
    });
}

#[test]
fn resp3_waiters_get_resp3_replies() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        a.cmd(&["HELLO", "3"]);
        let mut t = Vec::new();
        block_on(&mut a, &mut ctl, &["BZPOPMIN", "z", "0"], 1);
        t.push(s(ctl.cmd(&["ZADD", "z", "1.5", "m"])));
        t.push(s(a.read_reply()));
        block_on(&mut a, &mut ctl, &["BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"], 1);
        t.push(s(ctl.cmd(&["ZADD", "z", "2", "x", "3", "y", "4", "w"])));
        t.push(s(a.read_reply()));
        t
    });
}

#[test]
fn writes_into_a_waited_list_from_other_commands_serve_it() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        let mut t = Vec::new();
        t.push(s(ctl.cmd(&["RPUSH", "{t}src", "v1", "v2"])));
        block_on(&mut a, &mut ctl, &["BLPOP", "{t}dst", "0"], 1);
        t.push(s(ctl.cmd(&["LMOVE", "{t}src", "{t}dst", "LEFT", "RIGHT"])));
        t.push(s(a.read_reply()));
        t.push(s(ctl.cmd(&["EXISTS", "{t}dst"])));
        // A destination in another shard (no shared tag).
        block_on(&mut a, &mut ctl, &["BLPOP", "other-dst", "0"], 1);
        t.push(s(ctl.cmd(&["RPOPLPUSH", "{t}src", "other-dst"])));
        t.push(s(a.read_reply()));
        // RENAME onto a waited key.
        t.push(s(ctl.cmd(&["RPUSH", "tmp", "r"])));
        block_on(&mut a, &mut ctl, &["BRPOP", "renamed", "0"], 1);
        t.push(s(ctl.cmd(&["RENAME", "tmp", "renamed"])));
        t.push(s(a.read_reply()));
        t.push(s(ctl.cmd(&["DBSIZE"])));
        t
    });
}

#[test]
fn a_chain_of_blmoves_is_served_by_one_push() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        let mut b = srv.raw();
        let mut c = srv.raw();
        let mut d = srv.raw();
        let mut t = Vec::new();
        block_on(&mut a, &mut ctl, &["BLMOVE", "c1", "c2", "LEFT", "RIGHT", "0"], 1);
        block_on(&mut b, &mut ctl, &["BRPOPLPUSH", "c2", "c3", "0"], 2);
        block_on(&mut c, &mut ctl, &["BLMOVE", "c3", "c4", "right", "left", "0"], 3);
        block_on(&mut d, &mut ctl, &["BLPOP", "c4", "0"], 4);
        t.push(s(ctl.cmd(&["RPUSH", "c1", "x", "y"])));
        for w in [&mut a, &mut b, &mut c, &mut d] {
            t.push(s(w.read_reply()));
        }
        for k in ["c1", "c2", "c3", "c4"] {
            t.push(s(ctl.cmd(&["LRANGE", k, "0", "-1"])));
        }
        // A rotation onto itself serves the next waiter of the same list.
        block_on(&mut a, &mut ctl, &["BLMOVE", "r", "r", "LEFT", "RIGHT", "0"], 1);
        block_on(&mut b, &mut ctl, &["BLPOP", "r", "0"], 2);
        t.push(s(ctl.cmd(&["RPUSH", "r", "1"])));
        t.push(s(a.read_reply()));
        t.push(s(b.read_reply()));
        t.push(s(ctl.cmd(&["EXISTS", "r"])));
        t
    });
}

#[test]
fn client_unblock_timeout_and_error() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        let id = s(a.cmd(&["CLIENT", "ID"]));
        let id = id.trim_start_matches(':').trim().to_string();
        let mut t = Vec::new();
        t.push(s(ctl.cmd(&["CLIENT", "UNBLOCK", &id])));
        block_on(&mut a, &mut ctl, &["BLPOP", "k", "0"], 1);
        t.push(s(ctl.cmd(&["CLIENT", "UNBLOCK", &id])));
        t.push(s(a.read_reply()));
        block_on(&mut a, &mut ctl, &["BZPOPMIN", "k", "100"], 1);
        t.push(s(ctl.cmd(&["CLIENT", "UNBLOCK", &id, "error"])));
        t.push(s(a.read_reply()));
        block_on(&mut a, &mut ctl, &["BLMOVE", "k", "d", "LEFT", "LEFT", "0"], 1);
        t.push(s(ctl.cmd(&["CLIENT", "UNBLOCK", &id, "TIMEOUT"])));
        t.push(s(a.read_reply()));
        ctl.wait_blocked(0);
        t.push(s(ctl.cmd(&["CLIENT", "UNBLOCK", &id, "ERROR"])));
        // The unblocked client goes on normally, and a push finds nobody waiting.
        t.push(s(a.cmd(&["PING"])));
        t.push(s(ctl.cmd(&["RPUSH", "k", "v"])));
        t.push(s(ctl.cmd(&["LLEN", "k"])));
        t
    });
}

#[test]
fn a_disconnected_waiter_never_swallows_an_element() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut t = Vec::new();
        {
            let mut gone = srv.raw();
            block_on(&mut gone, &mut ctl, &["BLPOP", "k", "0"], 1);
        }
        ctl.wait_blocked(0);
        let mut b = srv.raw();
        block_on(&mut b, &mut ctl, &["BLPOP", "k", "0"], 1);
        t.push(s(ctl.cmd(&["RPUSH", "k", "a", "b"])));
        t.push(s(b.read_reply()));
        t.push(s(ctl.cmd(&["LRANGE", "k", "0", "-1"])));
        // A killed waiter neither.
        let mut c = srv.raw();
        let id = s(c.cmd(&["CLIENT", "ID"]));
        let id = id.trim_start_matches(':').trim().to_string();
        block_on(&mut c, &mut ctl, &["BRPOP", "j", "0"], 1);
        t.push(s(ctl.cmd(&["CLIENT", "KILL", "ID", &id])));
        ctl.wait_blocked(0);
        t.push(s(ctl.cmd(&["RPUSH", "j", "x"])));
        t.push(s(ctl.cmd(&["LLEN", "j"])));
        t
    });
}

#[test]
fn a_key_of_another_type_leaves_the_waiter_blocked() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        let mut b = srv.raw();
        let mut t = Vec::new();
        block_on(&mut a, &mut ctl, &["BLPOP", "k", "0"], 1);
        block_on(&mut b, &mut ctl, &["BZPOPMIN", "k", "0"], 2);
        t.push(s(ctl.cmd(&["SET", "k", "string"])));
        t.push(s(ctl.cmd(&["DEL", "k"])));
        t.push(s(ctl.cmd(&["ZADD", "k", "1", "m"])));
        t.push(s(b.read_reply()));
        ctl.wait_blocked(1);
        t.push(s(ctl.cmd(&["RPUSH", "k", "v"])));
        t.push(s(a.read_reply()));
        // A BLMOVE whose destination holds another type is answered WRONGTYPE, and the
        // element stays.
        t.push(s(ctl.cmd(&["SET", "{x}d", "s"])));
        block_on(&mut a, &mut ctl, &["BLMOVE", "{x}s", "{x}d", "LEFT", "LEFT", "0"], 1);
        t.push(s(ctl.cmd(&["RPUSH", "{x}s", "e"])));
        t.push(s(a.read_reply()));
        t.push(s(ctl.cmd(&["LRANGE", "{x}s", "0", "-1"])));
        t
    });
}

/// Redis 7.2 re-runs a served blocked command, which checks its keys in order: an earlier key
/// now of another type answers WRONGTYPE. 7.0 (the reference here) serves from the ready key;
/// we follow 7.2 (tests/ALLOWED_DIFFERENCES.md).
#[test]
fn an_earlier_key_of_another_type_answers_wrongtype_as_in_7_2() {
    let srv = TestServer::start();
    let mut ctl = srv.raw();
    let mut a = srv.raw();
    block_on(&mut a, &mut ctl, &["BLPOP", "{t}k1", "{t}k2", "0"], 1);
    ctl.cmd(&["SET", "{t}k1", "s"]);
    ctl.cmd(&["RPUSH", "{t}k2", "v"]);
    assert!(s(a.read_reply()).starts_with("-WRONGTYPE"));
    assert_eq!(s(ctl.cmd(&["LLEN", "{t}k2"])), ":1\r\n");
}

#[test]
fn info_and_client_list_show_blocked_clients() {
    let srv = TestServer::start();
    let mut ctl = srv.raw();
    let mut a = srv.raw();
    let mut b = srv.raw();
    for f in ["blocked_clients", "total_blocking_keys", "clients_in_timeout_table"] {
        assert_eq!(ctl.info_field("clients", f), "0");
    }
    block_on(&mut a, &mut ctl, &["BLPOP", "k1", "k2", "k1", "0"], 1);
    block_on(&mut b, &mut ctl, &["BZPOPMIN", "k2", "k3", "100"], 2);
    assert_eq!(ctl.info_field("clients", "total_blocking_keys"), "3");
    assert_eq!(ctl.info_field("clients", "total_blocking_keys_on_nokey"), "0");
    assert_eq!(ctl.info_field("clients", "clients_in_timeout_table"), "1");
    let list = s(ctl.cmd(&["CLIENT", "LIST"]));
    let blocked: Vec<&str> = list.lines().filter(|l| l.contains(" flags=b ")).collect();
    assert_eq!(blocked.len(), 2, "{list}");
    assert!(blocked.iter().any(|l| l.contains(" cmd=blpop ")), "{list}");
    ctl.cmd(&["RPUSH", "k2", "x"]);
    assert_eq!(s(a.read_reply()), "*2\r\n$2\r\nk2\r\n$1\r\nx\r\n");
    ctl.wait_blocked(1);
    assert_eq!(ctl.info_field("clients", "total_blocking_keys"), "2");
    drop(b);
    ctl.wait_blocked(0);
    assert_eq!(ctl.info_field("clients", "total_blocking_keys"), "0");
    assert_eq!(ctl.info_field("clients", "clients_in_timeout_table"), "0");
    let list = s(ctl.cmd(&["CLIENT", "LIST"]));
    assert!(!list.contains(" flags=b "), "{list}");
}

#[test]
fn commands_pipelined_behind_a_blocked_one_run_after_it() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        let mut batch = ferrodis_tests::encode(&["BLPOP", "k", "0"]);
        batch.extend(ferrodis_tests::encode(&["LLEN", "k"]));
        batch.extend(ferrodis_tests::encode(&["PING"]));
        a.send(&batch);
        ctl.wait_blocked(1);
        let mut t = vec![s(ctl.cmd(&["RPUSH", "k", "1", "2"]))];
        for _ in 0..3 {
            t.push(s(a.read_reply()));
        }
        t
    });
}

/// A job queue: producers LPUSH, consumers BRPOP; every item is received exactly once.
#[test]
fn job_queue_stress_every_item_exactly_once() {
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 6;
    const PER_PRODUCER: usize = 2500;
    let srv = TestServer::start();
    let url = srv.url();
    let total = PRODUCERS * PER_PRODUCER;
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|_| {
            let client = redis::Client::open(url.as_str()).expect("client");
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut con = client.get_connection().expect("connect");
                loop {
                    let r: Option<(String, String)> = redis::cmd("BRPOP")
                        .arg("jobs")
                        .arg("{jobs}other")
                        .arg(0.5)
                        .query(&mut con)
                        .expect("BRPOP");
                    match r {
                        Some((_, item)) if item == "stop" => return,
                        Some((_, item)) => tx.send(item).expect("send"),
                        None => {}
                    }
                }
            })
        })
        .collect();
    drop(tx);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let client = redis::Client::open(url.as_str()).expect("client");
            std::thread::spawn(move || {
                let mut con = client.get_connection().expect("connect");
                let mut i = 0;
                while i < PER_PRODUCER {
                    // Single pushes and small batches.
                    let n = 1 + (i % 3).min(PER_PRODUCER - i - 1);
                    let mut c = redis::cmd("LPUSH");
                    c.arg("jobs");
                    for j in i..i + n {
                        c.arg(format!("{p}:{j}"));
                    }
                    let _: i64 = c.query(&mut con).expect("LPUSH");
                    i += n;
                }
            })
        })
        .collect();
    for p in producers {
        p.join().expect("producer");
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.values().sum::<usize>() < total {
        let left = deadline.saturating_duration_since(Instant::now());
        let item = rx.recv_timeout(left).expect("items stopped arriving");
        *seen.entry(item).or_default() += 1;
    }
    let mut con = srv.client();
    let stops: Vec<&str> = vec!["stop"; CONSUMERS];
    let _: i64 = redis::cmd("LPUSH").arg("jobs").arg(&stops).query(&mut con).expect("stop");
    for c in consumers {
        c.join().expect("consumer");
    }
    assert_eq!(seen.len(), total, "distinct items");
    assert!(seen.values().all(|&n| n == 1), "an item was received twice");
    for p in 0..PRODUCERS {
        for j in 0..PER_PRODUCER {
            assert!(seen.contains_key(&format!("{p}:{j}")), "lost {p}:{j}");
        }
    }
    let len: i64 = redis::cmd("LLEN").arg("jobs").query(&mut con).expect("LLEN");
    assert_eq!(len, 0);
}

/// The idle `timeout` does not close a client blocked in a blocking command (as in Redis).
#[test]
fn a_blocked_client_is_not_idle() {
    let srv = TestServer::start_with(&["--timeout", "1"]);
    let mut ctl = srv.raw();
    let mut a = srv.raw();
    block_on(&mut a, &mut ctl, &["BLPOP", "k", "0"], 1);
    let start = Instant::now();
    // Keep the controlling connection busy so only `a` is idle.
    while start.elapsed() < Duration::from_millis(2500) {
        ctl.cmd(&["PING"]);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(ctl.info_field("clients", "blocked_clients"), "1");
    ctl.cmd(&["RPUSH", "k", "v"]);
    assert_eq!(s(a.read_reply()), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

#[test]
fn client_reply_skip_and_off_apply_to_the_blocked_reply() {
    compare(|srv| {
        let mut ctl = srv.raw();
        let mut a = srv.raw();
        let mut t = Vec::new();
        a.send_cmd(&["CLIENT", "REPLY", "SKIP"]);
        block_on(&mut a, &mut ctl, &["BLPOP", "k", "0"], 1);
        t.push(s(ctl.cmd(&["RPUSH", "k", "1", "2"])));
        ctl.wait_blocked(0);
        t.push(s(a.cmd(&["PING"])));
        a.send_cmd(&["CLIENT", "REPLY", "OFF"]);
        block_on(&mut a, &mut ctl, &["BRPOP", "j", "0"], 1);
        t.push(s(ctl.cmd(&["RPUSH", "j", "3"])));
        ctl.wait_blocked(0);
        t.push(s(a.cmd(&["CLIENT", "REPLY", "ON"])));
        t.push(s(ctl.cmd(&["LRANGE", "k", "0", "-1"])));
        t.push(s(ctl.cmd(&["EXISTS", "j"])));
        t
    });
}

/// Movers blocked in BLMOVE between lists in different shards while producers push: the
/// destination's shard is often busy, so serving takes the relock path. Every item ends up
/// in the destination exactly once.
#[test]
fn blmove_across_shards_under_load_loses_and_duplicates_nothing() {
    const PRODUCERS: usize = 3;
    const MOVERS: usize = 4;
    const PER_PRODUCER: usize = 1500;
    let srv = TestServer::start();
    let url = srv.url();
    let total = PRODUCERS * PER_PRODUCER;
    let movers: Vec<_> = (0..MOVERS)
        .map(|_| {
            let client = redis::Client::open(url.as_str()).expect("client");
            std::thread::spawn(move || {
                let mut con = client.get_connection().expect("connect");
                loop {
                    let r: Option<String> = redis::cmd("BLMOVE")
                        .arg("src")
                        .arg("dst-other-shard")
                        .arg("RIGHT")
                        .arg("LEFT")
                        .arg(0.2)
                        .query(&mut con)
                        .expect("BLMOVE");
                    if r.as_deref() == Some("stop") {
                        return;
                    }
                }
            })
        })
        .collect();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let client = redis::Client::open(url.as_str()).expect("client");
            std::thread::spawn(move || {
                let mut con = client.get_connection().expect("connect");
                for j in 0..PER_PRODUCER {
                    let _: i64 = redis::cmd("LPUSH")
                        .arg("src")
                        .arg(format!("{p}:{j}"))
                        .query(&mut con)
                        .expect("LPUSH");
                    // Writes to the destination's shard, to keep it busy.
                    let _: i64 = redis::cmd("INCR")
                        .arg("{dst-other-shard}counter")
                        .query(&mut con)
                        .expect("INCR");
                }
            })
        })
        .collect();
    for p in producers {
        p.join().expect("producer");
    }
    let mut con = srv.client();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n: i64 = redis::cmd("LLEN").arg("dst-other-shard").query(&mut con).expect("LLEN");
        if n as usize >= total {
            break;
        }
        assert!(Instant::now() < deadline, "items stopped moving at {n}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let stops: Vec<&str> = vec!["stop"; MOVERS];
    let _: i64 = redis::cmd("RPUSH").arg("src").arg(&stops).query(&mut con).expect("stop");
    for m in movers {
        m.join().expect("mover");
    }
    let items: Vec<String> =
        redis::cmd("LRANGE").arg("dst-other-shard").arg(0).arg(-1).query(&mut con).expect("LRANGE");
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for i in &items {
        *seen.entry(i.as_str()).or_default() += 1;
    }
    assert_eq!(seen.remove("stop"), Some(MOVERS));
    assert_eq!(seen.len(), total, "distinct items");
    assert!(seen.values().all(|&n| n == 1), "an item was moved twice");
    let left: i64 = redis::cmd("EXISTS").arg("src").query(&mut con).expect("EXISTS");
    assert_eq!(left, 0);
}
