//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Replies, errors and WATCH outcomes are compared with redis-server 7.0.15 (scenarios with
//! several connections run once against each server; the transcripts must be equal). The
//! AOF test compares the incr files both servers write. Atomicity under concurrent clients
//! and the revert of a transaction cut off at the end of an AOF are ferrodis-only checks
//! with exact expected results.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrodis_tests::{
    compare_with_reference, temp_dir, Pair, Proc, RawConn, Reference, TestServer,
};

type Transcript = Vec<String>;

fn s(reply: Vec<u8>) -> String {
    String::from_utf8_lossy(&reply).into_owned()
}

/// Sends each command on `c` and records every reply.
fn run(c: &mut RawConn, t: &mut Transcript, cmds: &[&[&str]]) {
    for cmd in cmds {
        t.push(format!("{cmd:?} -> {}", s(c.cmd(cmd))));
    }
}

#[test]
fn replies_and_errors_match_redis() {
    let mut p = Pair::start(&["--enable-debug-command", "yes"]);
    let script: &[&[&str]] = &[
        &["EXEC"],
        &["EXEC", "x"],
        &["DISCARD"],
        &["MULTI"],
        &["MULTI"],
        &["WATCH", "k"],
        &["SET", "a", "1"],
        &["INCR", "a"],
        &["LPUSH", "a", "x"],
        &["GET", "a"],
        &["SELECT", "2"],
        &["SET", "a", "in-2"],
        &["BLPOP", "nolist", "0"],
        &["EXEC"],
        &["GET", "a"],
        &["SELECT", "0"],
        &["GET", "a"],
        // Errors while queueing abort the EXEC.
        &["MULTI"],
        &["NOSUCHCOMMAND", "x"],
        &["SET", "a"],
        &["SET", "b", "2"],
        &["EXEC"],
        &["EXISTS", "b"],
        // no-multi commands.
        &["MULTI"],
        &["SAVE"],
        &["EXEC"],
        // DISCARD drops the queue.
        &["MULTI"],
        &["SET", "c", "1"],
        &["DISCARD"],
        &["EXISTS", "c"],
        &["MULTI"],
        &["EXEC"],
        // A refused EXEC ends the transaction.
        &["MULTI"],
        &["SET", "c", "1"],
        &["EXEC", "x"],
        &["EXEC"],
        &["EXISTS", "c"],
        // Commands that lock shards themselves inside a transaction.
        &["MULTI"],
        &["SET", "d", "1"],
        &["CONFIG", "SET", "maxmemory-samples", "7"],
        &["CONFIG", "GET", "maxmemory-samples"],
        &["INCR", "d"],
        &["DBSIZE"],
        &["EXEC"],
        // Blocking commands answer at once; a push in the same transaction is seen.
        &["MULTI"],
        &["RPUSH", "q", "1", "2"],
        &["BLPOP", "q", "0"],
        &["BRPOPLPUSH", "q", "q2", "0"],
        &["BLMOVE", "none", "q2", "LEFT", "LEFT", "0"],
        &["BZPOPMIN", "nozset", "0"],
        &["LRANGE", "q2", "0", "-1"],
        &["EXEC"],
        // Keyspace-wide commands.
        &["MULTI"],
        &["FLUSHDB"],
        &["SET", "e", "1"],
        &["SWAPDB", "0", "1"],
        &["DBSIZE"],
        &["SELECT", "1"],
        &["DBSIZE"],
        &["EXEC"],
        &["SELECT", "0"],
        // RESP3: an aborted EXEC is a null.
        &["HELLO", "3"],
    ];
    for cmd in script {
        if cmd[0] == "HELLO" {
            p.both(cmd);
        } else {
            p.check(cmd);
        }
    }
    let resp3: &[&[&str]] =
        &[&["WATCH", "w"], &["SET", "w", "1"], &["MULTI"], &["PING"], &["EXEC"]];
    for cmd in resp3 {
        p.check(cmd);
    }
}

#[test]
fn watch_outcomes_match_redis() {
    compare_with_reference(&["--enable-debug-command", "yes"], |srv| {
        let mut a = srv.raw();
        let mut b = srv.raw();
        let mut t = Transcript::new();
        let tx: &[&[&str]] = &[&["MULTI"], &["PING"], &["EXEC"]];
        // (what the watcher watches, what the other client does) -> does the EXEC run?
        let cases: &[(&[&str], &[&[&str]])] = &[
            (&["k"], &[&["SET", "k", "1"]]),
            (&["k"], &[&["GET", "k"]]),
            (&["absent"], &[&["DEL", "absent", "k"]]),
            (&["s"], &[&["SADD", "s", "a"]]),
            (&["s"], &[&["SADD", "s", "a"]]),
            (&["s"], &[&["SREM", "s", "zz"]]),
            (&["s"], &[&["SELECT", "3"], &["SADD", "s", "b"], &["SELECT", "0"]]),
            (&["h"], &[&["HSET", "h", "f", "v"], &["HDEL", "h", "f"]]),
            (&["k"], &[&["EXPIRE", "k", "100"]]),
            (&["k"], &[&["PERSIST", "k"]]),
            (&["k"], &[&["PERSIST", "k"]]),
            (&["dst"], &[&["RENAME", "k", "dst"]]),
            (&["dst"], &[&["MOVE", "dst", "5"]]),
            (&["l"], &[&["RPUSH", "src", "x"], &["LMOVE", "src", "l", "LEFT", "LEFT"]]),
            (&["z"], &[&["ZADD", "z", "1", "m"], &["ZADD", "z", "1", "m"]]),
            (&["z"], &[&["ZADD", "z", "1", "m"]]),
            (&["nothing"], &[&["FLUSHALL"]]),
            (&["z"], &[&["FLUSHDB"]]),
            (&["x", "y"], &[&["SET", "y", "1"]]),
            (&["in5"], &[&["SELECT", "5"], &["SET", "in5", "1"], &["SELECT", "0"]]),
            (&["in5"], &[&["SELECT", "5"], &["SET", "in5", "1"], &["SWAPDB", "0", "5"]]),
            (&["in5"], &[&["SELECT", "0"]]),
        ];
        for (keys, other) in cases {
            let mut w = vec!["WATCH"];
            w.extend_from_slice(keys);
            run(&mut a, &mut t, &[&w]);
            run(&mut b, &mut t, other);
            run(&mut a, &mut t, tx);
        }
        // The watching client's own writes count too; UNWATCH forgets.
        run(
            &mut a,
            &mut t,
            &[
                &["WATCH", "own"],
                &["SET", "own", "1"],
                &["MULTI"],
                &["PING"],
                &["EXEC"],
                &["WATCH", "own"],
                &["UNWATCH"],
                &["SET", "own", "2"],
                &["MULTI"],
                &["PING"],
                &["EXEC"],
            ],
        );
        // DISCARD forgets the watched keys too.
        run(&mut a, &mut t, &[&["WATCH", "own"], &["MULTI"], &["DISCARD"]]);
        run(&mut b, &mut t, &[&["SET", "own", "3"]]);
        run(&mut a, &mut t, tx);
        // A key that expires between WATCH and EXEC fails the transaction; one already
        // expired at WATCH time whose deletion is the only change does not.
        run(
            &mut a,
            &mut t,
            &[&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], &["SET", "ttl", "1", "PX", "50"]],
        );
        run(&mut a, &mut t, &[&["WATCH", "ttl"]]);
        wait_expired(&mut b, "ttl");
        run(&mut a, &mut t, tx);
        run(&mut a, &mut t, &[&["SET", "gone", "1", "PX", "50"]]);
        wait_expired(&mut b, "gone");
        run(&mut a, &mut t, &[&["WATCH", "gone"]]);
        run(&mut b, &mut t, &[&["GET", "gone"]]);
        run(&mut a, &mut t, tx);
        t
    });
}

/// Polls the server's clock (TIME) until `key`'s TTL, read once with PEXPIRETIME while it
/// is still live, has passed: the key itself is not touched, so nothing deletes it.
fn wait_expired(c: &mut RawConn, key: &str) {
    let at = s(c.cmd(&["PEXPIRETIME", key]));
    let at: i64 = at.trim_start_matches(':').trim().parse().expect("PEXPIRETIME");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let t = s(c.cmd(&["TIME"]));
        let parts: Vec<i64> = t.lines().filter_map(|l| l.parse().ok()).collect();
        if parts.len() == 2 && parts[0] * 1000 + parts[1] / 1000 > at + 1 {
            return;
        }
        assert!(Instant::now() < deadline, "{key} never expired");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_push_inside_multi_exec_wakes_a_blocked_client_after_the_exec() {
    let t = compare_with_reference(&[], |srv| {
        let mut blocked = srv.raw();
        let mut blocked2 = srv.raw();
        let mut c = srv.raw();
        let mut t = Transcript::new();
        blocked.send_cmd(&["BLPOP", "q", "0"]);
        c.wait_blocked(1);
        blocked2.send_cmd(&["BLMOVE", "q", "dst", "RIGHT", "LEFT", "0"]);
        c.wait_blocked(2);
        // Inside the transaction the pushed elements are still there for LLEN.
        run(
            &mut c,
            &mut t,
            &[
                &["MULTI"],
                &["RPUSH", "q", "a", "b"],
                &["LLEN", "q"],
                &["LPUSH", "q", "c"],
                &["EXEC"],
            ],
        );
        t.push(format!("blpop -> {}", s(blocked.read_reply())));
        t.push(format!("blmove -> {}", s(blocked2.read_reply())));
        run(&mut c, &mut t, &[&["LRANGE", "q", "0", "-1"], &["LRANGE", "dst", "0", "-1"]]);
        t
    });
    assert!(t.iter().any(|l| l == "blpop -> *2\r\n$1\r\nq\r\n$1\r\nc\r\n"), "{t:?}");
}

/// What a server with the AOF on writes to its first incr file for `cmds`.
fn incr_aof_of(proc_start: impl Fn(&[&str]) -> Proc, dir: &Path, cmds: &[&[&str]]) -> String {
    let d = dir.display().to_string();
    let p = proc_start(&["--dir", &d, "--appendonly", "yes", "--appendfsync", "always"]);
    let mut c = p.wait_loaded();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !s(c.cmd(&["INFO", "persistence"])).contains("aof_rewrite_in_progress:0") {
        assert!(Instant::now() < deadline, "initial rewrite never ended");
        std::thread::sleep(Duration::from_millis(10));
    }
    for cmd in cmds {
        c.cmd(cmd);
    }
    drop(p);
    std::fs::read_to_string(dir.join("appendonlydir").join("appendonly.aof.1.incr.aof"))
        .expect("incr file")
}

#[test]
fn transactions_are_written_to_the_aof_as_redis_writes_them() {
    let cmds: &[&[&str]] = &[
        &["SELECT", "3"],
        &["SET", "q", "1"],
        &["MULTI"],
        &["SET", "a", "1"],
        &["SELECT", "2"],
        &["INCR", "a"],
        &["EXEC"],
        // One write: no MULTI/EXEC around it.
        &["MULTI"],
        &["SET", "x", "1"],
        &["GET", "x"],
        &["EXEC"],
        // No write: nothing.
        &["MULTI"],
        &["GET", "a"],
        &["EXEC"],
        &["SELECT", "0"],
        &["MULTI"],
        &["SET", "z", "1"],
        &["SELECT", "2"],
        &["SET", "y", "1"],
        &["INCRBYFLOAT", "f", "1.5"],
        &["EXEC"],
    ];
    let ours = incr_aof_of(TestServer::start_with, &temp_dir("multi-aof-ours"), cmds);
    let theirs = incr_aof_of(Reference::start_with, &temp_dir("multi-aof-ref"), cmds);
    assert_eq!(ours, theirs);
    assert!(ours.contains("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n"), "{ours}");
}

#[test]
fn a_transaction_cut_off_at_the_end_of_the_aof_is_reverted() {
    let dir = temp_dir("multi-aof-revert");
    let d = dir.display().to_string();
    {
        let mut p = TestServer::start_with(&["--dir", &d, "--appendonly", "yes"]);
        let mut c = p.wait_loaded();
        assert_eq!(s(c.cmd(&["SET", "before", "1"])), "+OK\r\n");
        c.send_cmd(&["SHUTDOWN"]);
        let _ = c.try_read_reply();
        assert!(p.wait_exit(Duration::from_secs(10)).is_some(), "server did not exit");
    }
    // A crash in the middle of writing a transaction leaves MULTI and part of its body.
    let incr = dir.join("appendonlydir").join("appendonly.aof.1.incr.aof");
    let mut body = std::fs::read(&incr).expect("incr file");
    let complete = body.len() as u64;
    body.extend_from_slice(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n");
    std::fs::write(&incr, &body).unwrap();
    let p = TestServer::start_with(&["--dir", &d, "--appendonly", "yes"]);
    let mut c = p.wait_loaded();
    assert_eq!(s(c.cmd(&["GET", "before"])), "$1\r\n1\r\n");
    assert_eq!(s(c.cmd(&["EXISTS", "half"])), ":0\r\n");
    // The file was cut back to where the transaction began.
    assert_eq!(std::fs::metadata(&incr).unwrap().len(), complete);
}

#[test]
fn other_clients_never_see_half_a_transaction() {
    let p = TestServer::start_with(&["--worker-threads", "2"]);
    let stop = Arc::new(AtomicBool::new(false));
    // Keys in different shards (their hash slots differ), written together by each EXEC.
    let keys = ["acct:a", "acct:b", "acct:c"];
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let mut c = p.raw();
            std::thread::spawn(move || {
                for _ in 0..300 {
                    c.send_cmd(&["MULTI"]);
                    for k in keys {
                        c.send_cmd(&["INCR", k]);
                    }
                    c.send_cmd(&["EXEC"]);
                    for _ in 0..keys.len() + 1 {
                        c.read_reply();
                    }
                    let exec = String::from_utf8(c.read_reply()).unwrap();
                    assert!(exec.starts_with("*3\r\n:"), "{exec}");
                }
            })
        })
        .collect();
    let mut reader = p.raw();
    let stop2 = stop.clone();
    let checker = std::thread::spawn(move || {
        let mut seen = 0;
        while !stop2.load(Ordering::Relaxed) {
            let r = s(reader.cmd(&["MGET", "acct:a", "acct:b", "acct:c"]));
            let vals: Vec<&str> =
                r.lines().filter(|l| !l.starts_with('*') && !l.starts_with('$')).collect();
            assert!(vals.windows(2).all(|w| w[0] == w[1]), "half a transaction seen: {r:?}");
            seen += 1;
        }
        seen
    });
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    assert!(checker.join().unwrap() > 0);
    let mut c = p.raw();
    assert_eq!(
        s(c.cmd(&["MGET", "acct:a", "acct:b", "acct:c"])),
        "*3\r\n$3\r\n900\r\n$3\r\n900\r\n$3\r\n900\r\n"
    );
}

#[test]
fn client_list_shows_the_transaction_and_a_dirty_watch() {
    let p = TestServer::start();
    let mut a = p.raw();
    let mut b = p.raw();
    a.cmd(&["WATCH", "k"]);
    b.cmd(&["SET", "k", "1"]);
    a.cmd(&["MULTI"]);
    a.cmd(&["PING"]);
    // As in Redis, nothing is queued once the transaction is bound to fail.
    let line = s(b.cmd(&["CLIENT", "LIST"]));
    assert!(line.contains(" flags=xd db=0 sub=0 psub=0 ssub=0 multi=0 "), "{line}");
    assert_eq!(s(a.cmd(&["EXEC"])), "*-1\r\n");
    a.cmd(&["MULTI"]);
    a.cmd(&["PING"]);
    a.cmd(&["PING"]);
    let line = s(b.cmd(&["CLIENT", "LIST"]));
    assert!(line.contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=2 "), "{line}");
    a.cmd(&["EXEC"]);
    let line = s(b.cmd(&["CLIENT", "LIST"]));
    assert!(!line.contains("flags=x"), "{line}");
    // INFO takes shard locks itself: the EXEC runs it between its own lock sets.
    for cmd in [&["MULTI"][..], &["SET", "z", "1"], &["INFO", "keyspace"], &["INCR", "z"]] {
        a.cmd(cmd);
    }
    let r = s(a.cmd(&["EXEC"]));
    assert!(
        r.starts_with("*3\r\n+OK\r\n$") && r.contains("db0:keys=2,") && r.ends_with(":2\r\n"),
        "{r}"
    );
    // ... also when it comes first, with a watched key (whose shard EXEC checks under lock).
    for cmd in [&["WATCH", "z"][..], &["MULTI"], &["INFO", "keyspace"], &["INCR", "z"]] {
        a.cmd(cmd);
    }
    let r = s(a.cmd(&["EXEC"]));
    assert!(r.starts_with("*2\r\n$") && r.ends_with(":3\r\n"), "{r}");
}

#[test]
fn the_redis_crate_runs_atomic_pipelines_and_optimistic_locking() {
    let p = TestServer::start();
    let mut con = p.client();
    let (set, n, got): (String, i64, String) = redis::pipe()
        .atomic()
        .cmd("SET")
        .arg("k")
        .arg(1)
        .cmd("INCRBY")
        .arg("k")
        .arg(41)
        .cmd("GET")
        .arg("k")
        .query(&mut con)
        .expect("atomic pipeline");
    assert_eq!((set.as_str(), n, got.as_str()), ("OK", 42, "42"));
    // redis::transaction retries the closure until the EXEC is not aborted by a WATCH: the
    // first attempt sees another client's write land between WATCH and EXEC.
    let mut other = p.client();
    let mut attempts = 0;
    let (total,): (i64,) = redis::transaction(&mut con, &["k"], |c, pipe| {
        attempts += 1;
        let cur: i64 = redis::cmd("GET").arg("k").query(c)?;
        if attempts == 1 {
            let _: i64 = redis::cmd("INCR").arg("k").query(&mut other)?;
        }
        pipe.cmd("SET").arg("k").arg(cur * 2).ignore().cmd("GET").arg("k").query(c)
    })
    .expect("transaction");
    assert_eq!((attempts, total), (2, 86));
}
