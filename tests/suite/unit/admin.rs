//! DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LASTSAVE, SHUTDOWN, and stopping on SIGTERM.

use std::time::Duration;

use ferrodis_tests::{Pair, TestServer};

use super::command::{parse, V};

#[test]
fn dbsize_flush_and_errors_match_reference() {
    let mut p = Pair::start(&[]);
    p.check(&["DBSIZE"]);
    for k in ["a", "b", "c", "{t}1", "{t}2"] {
        p.check(&["SET", k, "v"]);
    }
    p.check(&["DBSIZE"]);
    p.check(&["DBSIZE", "x"]);
    p.check(&["SELECT", "1"]);
    p.check(&["SET", "x", "1"]);
    p.check(&["DBSIZE"]);
    p.check(&["FLUSHDB", "foo"]);
    p.check(&["FLUSHDB", "ASYNC", "x"]);
    p.check(&["FLUSHDB", "sync"]);
    p.check(&["DBSIZE"]);
    p.check(&["SELECT", "0"]);
    p.check(&["DBSIZE"]);
    p.check(&["SELECT", "2"]);
    p.check(&["SET", "y", "1"]);
    p.check(&["FLUSHALL", "nope"]);
    p.check(&["FLUSHALL", "ASYNC"]);
    p.check(&["DBSIZE"]);
    p.check(&["SELECT", "0"]);
    p.check(&["DBSIZE"]);
    p.check(&["FLUSHALL"]);
    p.check(&["FLUSHDB"]);
}

#[test]
fn swapdb_matches_reference() {
    let mut p = Pair::start(&[]);
    p.check(&["SET", "a", "db0"]);
    p.check(&["SET", "only0", "x"]);
    p.check(&["SELECT", "1"]);
    p.check(&["SET", "a", "db1"]);
    p.check(&["SET", "b", "1", "EX", "1000"]);
    for cmd in [
        &["SWAPDB", "x", "1"][..],
        &["SWAPDB", "1", "x"],
        &["SWAPDB", "1", "100"],
        &["SWAPDB", "-1", "1"],
        &["SWAPDB", "0", "16"],
        &["SWAPDB", "1"],
        &["SWAPDB", "1", "1"],
        &["SWAPDB", "0", "1"],
        &["GET", "a"],
        &["GET", "only0"],
        &["DBSIZE"],
        &["TTL", "b"],
        &["SELECT", "0"],
        &["GET", "a"],
        &["GET", "b"],
        &["DBSIZE"],
        &["SWAPDB", "1", "0"],
        &["GET", "a"],
        &["SWAPDB", "0", "5"],
        &["DBSIZE"],
        &["SELECT", "5"],
        &["GET", "a"],
    ] {
        p.check(cmd);
    }
}

#[test]
fn time_and_lastsave() {
    let mut p = Pair::start(&[]);
    let (ours, theirs) = p.both(&["TIME"]);
    let (o, t) = (parse(&ours), parse(&theirs));
    let secs = |v: &V| v.arr()[0].s().parse::<i64>().unwrap();
    assert_eq!(o.arr().len(), 2);
    assert!((secs(&o) - secs(&t)).abs() <= 2);
    let us: i64 = o.arr()[1].s().parse().unwrap();
    assert!((0..1_000_000).contains(&us));
    p.check(&["TIME", "x"]);
    p.check(&["LASTSAVE", "x"]);
    let last = match parse(&p.a.cmd(&["LASTSAVE"])) {
        V::Int(n) => n,
        other => panic!("{other:?}"),
    };
    assert!((secs(&o) - last).abs() < 60, "LASTSAVE is the start time until a save happens");
}

#[test]
fn shutdown_errors_match_reference() {
    let mut p = Pair::start(&[]);
    for cmd in [
        &["SHUTDOWN", "ABORT"][..],
        &["SHUTDOWN", "NOSAVE", "SAVE"],
        &["SHUTDOWN", "foo"],
        &["SHUTDOWN", "ABORT", "NOW"],
        &["SHUTDOWN", "FORCE", "ABORT"],
    ] {
        p.check(cmd);
    }
}

#[test]
fn shutdown_exits_with_status_zero() {
    let mut srv = TestServer::start();
    let mut c = srv.raw();
    c.cmd(&["SET", "k", "v"]);
    c.send_cmd(&["SHUTDOWN"]);
    assert!(c.try_read_reply().is_none(), "SHUTDOWN does not reply");
    let status = srv.wait_exit(Duration::from_secs(10)).expect("server exits");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn shutdown_nosave_now_force_exits() {
    let mut srv = TestServer::start();
    let mut c = srv.raw();
    c.send_cmd(&["shutdown", "nosave", "now", "force"]);
    assert!(c.try_read_reply().is_none());
    assert_eq!(srv.wait_exit(Duration::from_secs(10)).expect("exits").code(), Some(0));
}

#[test]
fn shutdown_save_saves_or_refuses_unless_forced() {
    let mut srv = TestServer::start_with(&["--enable-protected-configs", "yes"]);
    let mut c = srv.raw();
    c.cmd_str(&["SET", "k", "v"]);
    // A save that cannot write its file refuses the shutdown...
    let gone = srv.dir.join("gone");
    std::fs::create_dir(&gone).unwrap();
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "dir", &gone.display().to_string()]), "+OK\r\n");
    std::fs::remove_dir(&gone).unwrap();
    assert_eq!(c.cmd_str(&["SHUTDOWN", "SAVE"]), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
    assert_eq!(c.cmd_str(&["PING"]), "+PONG\r\n");
    // ... and one that can, saves and exits.
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "dir", &srv.dir.display().to_string()]), "+OK\r\n");
    c.send_cmd(&["SHUTDOWN", "SAVE"]);
    assert!(c.try_read_reply().is_none());
    assert_eq!(srv.wait_exit(Duration::from_secs(10)).expect("exits").code(), Some(0));
    assert!(srv.dir.join("dump.rdb").exists());
    // FORCE exits even when the save fails.
    let mut srv = TestServer::start_with(&["--enable-protected-configs", "yes"]);
    let mut c = srv.raw();
    let gone = srv.dir.join("gone");
    std::fs::create_dir(&gone).unwrap();
    c.cmd_str(&["CONFIG", "SET", "dir", &gone.display().to_string()]);
    std::fs::remove_dir(&gone).unwrap();
    c.send_cmd(&["SHUTDOWN", "SAVE", "FORCE"]);
    assert!(c.try_read_reply().is_none());
    assert_eq!(srv.wait_exit(Duration::from_secs(10)).expect("exits").code(), Some(0));
}

#[test]
fn sigterm_and_sigint_exit_with_status_zero() {
    for sig in ["TERM", "INT"] {
        let mut srv = TestServer::start();
        srv.signal(sig);
        let status = srv.wait_exit(Duration::from_secs(10)).expect("server exits on signal");
        assert_eq!(status.code(), Some(0), "SIG{sig}");
    }
}

/// FLUSHALL ASYNC answers at once and the lazyfree thread frees the detached tables; INFO
/// counts them (`lazyfreed_objects`), and the data is gone for every client immediately.
#[test]
fn flushall_async_frees_in_the_background() {
    let srv = TestServer::start_with(&["--enable-debug-command", "yes"]);
    let mut c = srv.raw();
    assert_eq!(c.cmd_str(&["DEBUG", "POPULATE", "200000"]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["FLUSHALL", "ASYNC"]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["DBSIZE"]), ":0\r\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let info = c.cmd_str(&["INFO", "memory"]);
        if info.contains("lazyfreed_objects:200000\r\n") {
            assert!(info.contains("lazyfree_pending_objects:0\r\n"), "{info}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{info}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SYNC and the lazyfree-lazy-user-flush default (no) free before replying.
    c.cmd(&["DEBUG", "POPULATE", "10"]);
    assert_eq!(c.cmd_str(&["FLUSHDB", "SYNC"]), "+OK\r\n");
    let info = c.cmd_str(&["INFO", "memory"]);
    assert!(info.contains("lazyfreed_objects:200000\r\n"), "{info}");
}
