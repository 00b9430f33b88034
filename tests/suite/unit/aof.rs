//! The append-only file: restart under each fsync policy, loading what redis-server 7.0
//! wrote, truncated and corrupt files, the ferrodis-check-aof tool, and the group commit of
//! `appendfsync always` surviving `kill -9` under 50 concurrent writers.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrodis_tests::{ferrodis_bin, temp_dir, Proc, RawConn, Reference, TestServer};

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Starts ferrodis with the AOF on in `dir`.
fn start_aof(dir: &Path, extra: &[&str]) -> Proc {
    let d = s(dir);
    let mut args = vec!["--dir", d.as_str(), "--appendonly", "yes"];
    args.extend_from_slice(extra);
    let p = TestServer::start_with(&args);
    p.wait_loaded();
    p
}

/// SHUTDOWN and wait for the process to end.
fn stop(mut p: Proc) {
    let mut c = p.raw();
    c.send_cmd(&["SHUTDOWN"]);
    let _ = c.try_read_reply();
    assert!(p.wait_exit(Duration::from_secs(10)).is_some(), "server did not exit");
}

fn aof_dir(dir: &Path) -> PathBuf {
    dir.join("appendonlydir")
}

fn incr_file(dir: &Path) -> PathBuf {
    aof_dir(dir).join("appendonly.aof.1.incr.aof")
}

/// Runs ferrodis in `dir` expecting it to fail at startup: returns (exit code, output).
fn start_failing(dir: &Path, extra: &[&str]) -> (i32, String) {
    let port = ferrodis_tests::free_port().to_string();
    let d = s(dir);
    let mut child = Command::new(ferrodis_bin())
        .args(["--port", &port, "--save", "", "--dir", &d, "--appendonly", "yes"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ferrodis");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ferrodis started although its AOF is bad");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Waits until no AOF rewrite runs and the last one succeeded.
fn wait_rewrite_done(c: &mut RawConn) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let info = c.cmd_str(&["INFO", "persistence"]);
        if info.contains("aof_rewrite_in_progress:0\r\n")
            && info.contains("aof_rewrite_scheduled:0\r\n")
        {
            assert!(info.contains("aof_last_bgrewrite_status:ok\r\n"), "{info}");
            return;
        }
        assert!(Instant::now() < deadline, "AOF rewrite did not finish: {info}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn write_dataset(c: &mut RawConn) {
    for cmd in [
        vec!["SET", "str", "hello"],
        vec!["SET", "counter", "10"],
        vec!["INCRBY", "counter", "5"],
        vec!["INCRBYFLOAT", "float", "1.5"],
        vec!["RPUSH", "list", "a", "b", "c"],
        vec!["LPOP", "list"],
        vec!["HSET", "hash", "f1", "v1", "f2", "v2"],
        vec!["SADD", "set", "x", "y", "z"],
        vec!["SREM", "set", "y"],
        vec!["ZADD", "zset", "1", "one", "2.5", "two"],
        vec!["SET", "ttl", "v", "EX", "1000"],
        vec!["SET", "gone", "v"],
        vec!["DEL", "gone"],
        vec!["SELECT", "3"],
        vec!["SET", "in3", "three"],
        vec!["SELECT", "0"],
    ] {
        let r = c.cmd_str(&cmd);
        assert!(!r.starts_with('-'), "{cmd:?}: {r}");
    }
}

fn check_dataset(c: &mut RawConn) {
    assert_eq!(c.cmd_str(&["GET", "str"]), "$5\r\nhello\r\n");
    assert_eq!(c.cmd_str(&["GET", "counter"]), "$2\r\n15\r\n");
    assert_eq!(c.cmd_str(&["GET", "float"]), "$3\r\n1.5\r\n");
    assert_eq!(c.cmd_str(&["LRANGE", "list", "0", "-1"]), "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
    assert_eq!(c.cmd_str(&["HGET", "hash", "f2"]), "$2\r\nv2\r\n");
    assert_eq!(c.cmd_str(&["HLEN", "hash"]), ":2\r\n");
    assert_eq!(c.cmd_str(&["SISMEMBER", "set", "y"]), ":0\r\n");
    assert_eq!(c.cmd_str(&["SCARD", "set"]), ":2\r\n");
    assert_eq!(
        c.cmd_str(&["ZRANGE", "zset", "0", "-1", "WITHSCORES"]),
        "*4\r\n$3\r\none\r\n$1\r\n1\r\n$3\r\ntwo\r\n$3\r\n2.5\r\n"
    );
    let ttl = c.cmd_str(&["TTL", "ttl"]);
    let secs: i64 = ttl.trim_start_matches(':').trim().parse().expect("ttl");
    assert!((990..=1000).contains(&secs), "ttl {ttl}");
    assert_eq!(c.cmd_str(&["EXISTS", "gone"]), ":0\r\n");
    assert_eq!(c.cmd_str(&["SELECT", "3"]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["GET", "in3"]), "$5\r\nthree\r\n");
    assert_eq!(c.cmd_str(&["SELECT", "0"]), "+OK\r\n");
}

#[test]
fn aof_survives_restart_under_each_fsync_policy() {
    for policy in ["always", "everysec", "no"] {
        let dir = temp_dir("aof-policy");
        let p = start_aof(&dir, &["--appendfsync", policy]);
        let mut c = p.raw();
        write_dataset(&mut c);
        let info = c.cmd_str(&["INFO", "persistence"]);
        assert!(info.contains("aof_enabled:1\r\n"), "{info}");
        assert!(info.contains("aof_last_write_status:ok\r\n"), "{info}");
        drop(c);
        stop(p);
        let manifest =
            std::fs::read_to_string(aof_dir(&dir).join("appendonly.aof.manifest")).unwrap();
        assert_eq!(
            manifest,
            "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        let incr = std::fs::read(incr_file(&dir)).unwrap();
        assert!(incr.starts_with(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n"));

        let p = start_aof(&dir, &["--appendfsync", policy]);
        let mut c = p.raw();
        check_dataset(&mut c);
        // Appending goes on in the same incr file after a restart.
        assert_eq!(c.cmd_str(&["SET", "after", "restart"]), "+OK\r\n");
        drop(c);
        stop(p);
        let p = start_aof(&dir, &[]);
        let mut c = p.raw();
        check_dataset(&mut c);
        assert_eq!(c.cmd_str(&["GET", "after"]), "$7\r\nrestart\r\n");
        drop(c);
        stop(p);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn aof_off_writes_nothing_and_config_set_turns_it_on() {
    let dir = temp_dir("aof-config");
    let d = s(&dir);
    let p = TestServer::start_with(&["--dir", &d]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["SET", "before", "1"]), "+OK\r\n");
    assert!(!aof_dir(&dir).exists());
    assert!(c.cmd_str(&["INFO", "persistence"]).contains("aof_enabled:0\r\n"));
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "appendonly", "yes"]), "+OK\r\n");
    assert!(c.cmd_str(&["INFO", "persistence"]).contains("aof_enabled:1\r\n"));
    // Written while the base is being made: lands in the first incr file.
    assert_eq!(c.cmd_str(&["SET", "after", "2"]), "+OK\r\n");
    wait_rewrite_done(&mut c);
    assert_eq!(c.cmd_str(&["SET", "later", "3"]), "+OK\r\n");
    let manifest = std::fs::read_to_string(aof_dir(&dir).join("appendonly.aof.manifest")).unwrap();
    assert_eq!(
        manifest,
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "appendonly", "no"]), "+OK\r\n");
    assert!(c.cmd_str(&["INFO", "persistence"]).contains("aof_enabled:0\r\n"));
    assert_eq!(c.cmd_str(&["SET", "not-logged", "3"]), "+OK\r\n");
    drop(c);
    stop(p);
    let p = start_aof(&dir, &[]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["GET", "before"]), "$1\r\n1\r\n");
    assert_eq!(c.cmd_str(&["GET", "after"]), "$1\r\n2\r\n");
    assert_eq!(c.cmd_str(&["GET", "later"]), "$1\r\n3\r\n");
    assert_eq!(c.cmd_str(&["EXISTS", "not-logged"]), ":0\r\n");
    drop(c);
    stop(p);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn aof_timestamp_annotations_are_written_and_skipped_on_load() {
    let dir = temp_dir("aof-ts");
    let p = start_aof(&dir, &["--aof-timestamp-enabled", "yes"]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["SET", "k", "v"]), "+OK\r\n");
    drop(c);
    stop(p);
    let incr = std::fs::read(incr_file(&dir)).unwrap();
    assert!(incr.starts_with(b"#TS:"), "{}", String::from_utf8_lossy(&incr));
    let p = start_aof(&dir, &[]);
    assert_eq!(p.raw().cmd_str(&["GET", "k"]), "$1\r\nv\r\n");
    stop(p);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Copies the AOF directory a stopped redis-server left into a fresh directory.
fn copy_aof_dir(from: &Path, to: &Path) {
    let src = aof_dir(from);
    let dst = aof_dir(to);
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
}

/// Writes a dataset into redis-server 7.0.15 with the AOF on, optionally rewrites it, stops it
/// and returns a directory holding its AOF.
fn reference_aof(preamble: &str, rewrite: bool) -> PathBuf {
    let rdir = temp_dir("aof-ref");
    let d = s(&rdir);
    let r = Reference::start_with(&[
        "--dir",
        &d,
        "--appendonly",
        "yes",
        "--aof-use-rdb-preamble",
        preamble,
        "--appendfsync",
        "always",
    ]);
    let mut c = r.raw();
    write_dataset(&mut c);
    if rewrite {
        assert!(c.cmd_str(&["BGREWRITEAOF"]).starts_with("+Background append only file"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !c.cmd_str(&["INFO", "persistence"]).contains("aof_rewrite_in_progress:0\r\n")
            || !aof_dir(&rdir).join("appendonly.aof.2.base.rdb").exists()
                && !aof_dir(&rdir).join("appendonly.aof.2.base.aof").exists()
        {
            assert!(Instant::now() < deadline, "reference rewrite did not finish");
            std::thread::sleep(Duration::from_millis(20));
        }
        // Writes after the rewrite go to the new incr file.
        assert_eq!(c.cmd_str(&["SET", "post", "rewrite"]), "+OK\r\n");
    }
    c.send_cmd(&["SHUTDOWN", "NOSAVE"]);
    let _ = c.try_read_reply();
    drop(c);
    drop(r);
    rdir
}

fn load_reference_aof(preamble: &str, rewrite: bool) {
    let rdir = reference_aof(preamble, rewrite);
    let dir = temp_dir("aof-from-ref");
    copy_aof_dir(&rdir, &dir);
    let _ = std::fs::remove_dir_all(&rdir);
    let p = start_aof(&dir, &[]);
    let mut c = p.raw();
    check_dataset(&mut c);
    if rewrite {
        assert_eq!(c.cmd_str(&["GET", "post"]), "$7\r\nrewrite\r\n");
    }
    drop(c);
    stop(p);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn aof_written_by_redis_7_without_preamble_loads() {
    load_reference_aof("no", false);
}

#[test]
fn aof_rewritten_by_redis_7_as_commands_loads() {
    // The base is `appendonly.aof.2.base.aof`: RPUSH / HMSET / SADD / ZADD / PEXPIREAT.
    load_reference_aof("no", true);
}

#[test]
fn aof_written_by_redis_7_with_empty_rdb_base_loads() {
    // Redis creates an (empty) RDB base at start; the data is in the incr file.
    load_reference_aof("yes", false);
}

#[test]
fn aof_rewritten_by_redis_7_with_rdb_preamble_loads() {
    load_reference_aof("yes", true);
}

#[test]
fn old_style_single_aof_is_upgraded() {
    let dir = temp_dir("aof-upgrade");
    std::fs::write(
        dir.join("appendonly.aof"),
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n",
    )
    .unwrap();
    let p = start_aof(&dir, &[]);
    assert_eq!(p.raw().cmd_str(&["GET", "old"]), "$5\r\nstyle\r\n");
    stop(p);
    assert!(!dir.join("appendonly.aof").exists());
    let manifest = std::fs::read_to_string(aof_dir(&dir).join("appendonly.aof.manifest")).unwrap();
    assert_eq!(
        manifest,
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A dir with two complete SETs and a third one cut short. Returns the good length.
fn truncated_dir() -> (PathBuf, u64) {
    let dir = temp_dir("aof-trunc");
    let p = start_aof(&dir, &[]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["SET", "k1", "v1"]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["SET", "k2", "v2"]), "+OK\r\n");
    drop(c);
    stop(p);
    let f = incr_file(&dir);
    let good = std::fs::metadata(&f).unwrap().len();
    let mut bytes = std::fs::read(&f).unwrap();
    bytes.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$2\r\nv");
    std::fs::write(&f, bytes).unwrap();
    (dir, good)
}

#[test]
fn truncated_tail_is_cut_with_aof_load_truncated_yes() {
    let (dir, good) = truncated_dir();
    let p = start_aof(&dir, &["--aof-load-truncated", "yes"]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["GET", "k2"]), "$2\r\nv2\r\n");
    assert_eq!(c.cmd_str(&["EXISTS", "k3"]), ":0\r\n");
    drop(c);
    stop(p);
    // Cut back to the last complete command, then appended to.
    let bytes = std::fs::read(incr_file(&dir)).unwrap();
    assert!(bytes.len() as u64 >= good);
    assert!(!bytes.windows(2).any(|w| w == b"k3"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn truncated_tail_fails_with_aof_load_truncated_no() {
    let (dir, good) = truncated_dir();
    let (code, out) = start_failing(&dir, &["--aof-load-truncated", "no"]);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains(
            "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof"
        ),
        "{out}"
    );
    assert!(out.contains(&format!("offset {good}")), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corrupt_middle_fails_with_file_and_offset() {
    let dir = temp_dir("aof-corrupt");
    let p = start_aof(&dir, &[]);
    let mut c = p.raw();
    for i in 0..5 {
        assert_eq!(c.cmd_str(&["SET", &format!("k{i}"), "v"]), "+OK\r\n");
    }
    drop(c);
    stop(p);
    let f = incr_file(&dir);
    let mut bytes = std::fs::read(&f).unwrap();
    // The third SET's multibulk header becomes garbage.
    let third = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"*3\r\n")
        .nth(2)
        .map(|(i, _)| i)
        .unwrap();
    bytes[third] = b'x';
    std::fs::write(&f, &bytes).unwrap();
    for truncated in ["yes", "no"] {
        let (code, out) = start_failing(&dir, &["--aof-load-truncated", truncated]);
        assert_ne!(code, 0, "{out}");
        assert!(
            out.contains(&format!(
                "Bad file format reading the append only file appendonly.aof.1.incr.aof at offset {third}"
            )),
            "{out}"
        );
        assert!(!out.contains("panicked"), "{out}");
    }
    // A bad manifest is refused with Redis's message.
    std::fs::write(aof_dir(&dir).join("appendonly.aof.manifest"), "file x seq 1\n").unwrap();
    let (code, out) = start_failing(&dir, &[]);
    assert_ne!(code, 0);
    assert!(out.contains("Invalid AOF manifest file format"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn check_aof(args: &[&str]) -> (i32, String) {
    let bin = ferrodis_bin().with_file_name("ferrodis-check-aof");
    let out = Command::new(bin).args(args).output().expect("run ferrodis-check-aof");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn check_aof_tool_validates_and_fixes() {
    let (dir, good) = truncated_dir();
    let manifest = s(&aof_dir(&dir).join("appendonly.aof.manifest"));
    let (code, out) = check_aof(&[&manifest]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Start checking Multi Part AOF"), "{out}");
    assert!(out.contains("BASE AOF appendonly.aof.1.base.rdb is valid"), "{out}");
    assert!(out.contains(&format!("ok_up_to={good},")), "{out}");
    assert!(
        out.contains(
            "AOF appendonly.aof.1.incr.aof is not valid. Use the --fix option to try fixing it."
        ),
        "{out}"
    );
    // The single incr file, old-style.
    let (code, out) = check_aof(&[&s(&incr_file(&dir))]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Start checking Old-Style AOF"), "{out}");

    let (code, out) = check_aof(&["--fix", &manifest]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Successfully truncated AOF appendonly.aof.1.incr.aof"), "{out}");
    assert_eq!(std::fs::metadata(incr_file(&dir)).unwrap().len(), good);
    // Now valid, by manifest and by directory.
    let (code, out) = check_aof(&[&manifest]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("All AOF files and manifest are valid"), "{out}");
    let (code, _) = check_aof(&[&s(&aof_dir(&dir))]);
    assert_eq!(code, 0);
    // And the server loads it even with aof-load-truncated no.
    let p = start_aof(&dir, &["--aof-load-truncated", "no"]);
    assert_eq!(p.raw().cmd_str(&["GET", "k2"]), "$2\r\nv2\r\n");
    stop(p);

    // A corrupt byte in the middle: reported with its offset, not fixable silently.
    let bad = dir.join("bad.aof");
    std::fs::write(&bad, b"*1\r\n$4\r\nPINGXX*1\r\n$4\r\nPING\r\n").unwrap();
    let (code, out) = check_aof(&[&s(&bad)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Expected \\r\\n, got: 5858"), "{out}");
    assert!(out.contains("ok_up_to=0,"), "{out}");
    let (code, out) = check_aof(&[]);
    assert_eq!(code, 1);
    assert!(out.starts_with("Usage: ferrodis-check-aof"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn always_acknowledged_writes_survive_kill_9() {
    const CLIENTS: usize = 50;
    let dir = temp_dir("aof-kill");
    let mut p = start_aof(&dir, &["--appendfsync", "always"]);
    let port = p.port;
    let stop_flag = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    for id in 0..CLIENTS {
        let stop_flag = stop_flag.clone();
        handles.push(std::thread::spawn(move || {
            let mut c = RawConn::connect(port);
            let mut acked = 0u64;
            while !stop_flag.load(Ordering::Relaxed) || acked == 0 {
                let key = format!("c{id}:{}", acked + 1);
                let val = (acked + 1).to_string();
                match c.try_cmd(&["SET", key.as_str(), val.as_str()]) {
                    Some(r) if r == b"+OK\r\n" => acked += 1,
                    _ => break,
                }
            }
            acked
        }));
    }
    std::thread::sleep(Duration::from_millis(1500));
    // SIGKILL while the clients are still writing.
    p.signal("KILL");
    assert!(p.wait_exit(Duration::from_secs(10)).is_some());
    stop_flag.store(true, Ordering::Relaxed);
    let acked: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let total: u64 = acked.iter().sum();
    assert!(total > CLIENTS as u64, "too few writes acknowledged: {total}");
    drop(p);

    let p = start_aof(&dir, &["--appendfsync", "always"]);
    let mut c = p.raw();
    for (id, &n) in acked.iter().enumerate() {
        for i in [1, n / 2, n].into_iter().filter(|&i| i >= 1) {
            let r = c.cmd_str(&["GET", &format!("c{id}:{i}")]);
            assert_eq!(
                r,
                format!("${}\r\n{i}\r\n", i.to_string().len()),
                "client {id} write {i} of {n}"
            );
        }
        // Every acknowledged write, counted per client.
        let found = (1..=n)
            .filter(|i| c.cmd_str(&["EXISTS", &format!("c{id}:{i}")]) == ":1\r\n")
            .count() as u64;
        assert_eq!(found, n, "client {id}: {found} of {n} acknowledged writes after kill -9");
    }
    drop(c);
    stop(p);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sends several commands at once and reads their replies (they run back to back).
fn pipeline(c: &mut RawConn, cmds: &[&[&str]]) -> Vec<String> {
    for cmd in cmds {
        c.send_cmd(cmd);
    }
    cmds.iter().map(|_| String::from_utf8_lossy(&c.read_reply()).into_owned()).collect()
}

#[test]
fn bgrewriteaof_replaces_the_base_while_writes_go_on() {
    const WRITERS: usize = 4;
    const KEYS: usize = 200_000;
    let dir = temp_dir("aof-rewrite");
    let p = start_aof(&dir, &["--appendfsync", "always", "--enable-debug-command", "yes"]);
    let mut c = p.raw();
    // Not propagated (as in Redis): only a rewrite puts these keys into the AOF.
    assert_eq!(c.cmd_str(&["DEBUG", "POPULATE", &KEYS.to_string()]), "+OK\r\n");
    let port = p.port;
    let stop_flag = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|t| {
            let stop_flag = stop_flag.clone();
            std::thread::spawn(move || {
                let mut c = RawConn::connect(port);
                let key = format!("ctr:{t}");
                let mut acked = 0u64;
                while !stop_flag.load(Ordering::Relaxed) {
                    let r = c.cmd_str(&["INCR", key.as_str()]);
                    assert_eq!(r, format!(":{}\r\n", acked + 1));
                    acked += 1;
                }
                acked
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let r = pipeline(&mut c, &[&["BGREWRITEAOF"], &["BGREWRITEAOF"]]);
    assert_eq!(r[0], "+Background append only file rewriting started\r\n");
    assert_eq!(r[1], "-ERR Background append only file rewriting already in progress\r\n");
    wait_rewrite_done(&mut c);
    // During a BGSAVE the rewrite is scheduled, and the cron starts it afterwards.
    let r = pipeline(&mut c, &[&["BGSAVE"], &["BGREWRITEAOF"]]);
    assert_eq!(r[0], "+Background saving started\r\n");
    assert_eq!(r[1], "+Background append only file rewriting scheduled\r\n");
    wait_rewrite_done(&mut c);
    std::thread::sleep(Duration::from_millis(100));
    stop_flag.store(true, Ordering::Relaxed);
    let acked: Vec<u64> = writers.into_iter().map(|h| h.join().unwrap()).collect();
    let info = c.cmd_str(&["INFO", "persistence"]);
    assert!(info.contains("aof_rewrites:2\r\n"), "{info}");
    drop(c);
    stop(p);

    let manifest = std::fs::read_to_string(aof_dir(&dir).join("appendonly.aof.manifest")).unwrap();
    assert_eq!(
        manifest,
        "file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n"
    );
    // History files were deleted.
    let mut files: Vec<String> = std::fs::read_dir(aof_dir(&dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["appendonly.aof.3.base.rdb", "appendonly.aof.3.incr.aof", "appendonly.aof.manifest"]
    );
    let (code, out) = check_aof(&[&s(&aof_dir(&dir))]);
    assert_eq!(code, 0, "{out}");

    let p = start_aof(&dir, &[]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["DBSIZE"]), format!(":{}\r\n", KEYS + WRITERS));
    assert_eq!(c.cmd_str(&["GET", "key:123"]), "$9\r\nvalue:123\r\n");
    // Every increment exactly once: none lost at the switch of incr file, none replayed on
    // top of a base that already holds it.
    for (t, n) in acked.iter().enumerate() {
        assert!(*n > 0);
        assert_eq!(
            c.cmd_str(&["GET", &format!("ctr:{t}")]),
            format!("${}\r\n{n}\r\n", n.to_string().len())
        );
    }
    drop(c);
    stop(p);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn aof_names_must_be_plain_names() {
    let dir = temp_dir("aof-names");
    for (args, msg) in [
        (["--appenddirname", "a/b"], "appenddirname can't be a path, just a dirname"),
        (["--appendfilename", "x/y"], "appendfilename can't be a path, just a filename"),
        (["--appendfilename", ""], "appendfilename can't be empty"),
    ] {
        let (code, out) = start_failing(&dir, &args);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(msg), "{out}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the AOF write-error scenario on a server started on `dir` (AOF on, everysec): the
/// incr file the next rewrite opens is a symlink to /dev/full, so every write to it fails
/// with ENOSPC. Writes and PING are then refused with Redis's -MISCONF naming the error,
/// reads go on, INFO says `aof_last_write_status:err`; a second rewrite moves to a real
/// file and writes are accepted again. Returns the replies seen, to compare with redis.
fn aof_write_error_scenario(c: &mut RawConn, dir: &Path) -> Vec<String> {
    let mut seen = Vec::new();
    assert_eq!(c.cmd_str(&["SET", "before", "1"]), "+OK\r\n");
    std::os::unix::fs::symlink("/dev/full", aof_dir(dir).join("appendonly.aof.2.incr.aof"))
        .unwrap();
    seen.push(c.cmd_str(&["BGREWRITEAOF"]));
    wait_rewrite_done(c);
    // The next write goes to /dev/full; its reply was promised before the write (everysec).
    seen.push(c.cmd_str(&["SET", "k", "v"]));
    let deadline = Instant::now() + Duration::from_secs(10);
    let refused = loop {
        let r = c.cmd_str(&["SET", "k", "v"]);
        if r.starts_with("-MISCONF") {
            break r;
        }
        assert_eq!(r, "+OK\r\n");
        assert!(Instant::now() < deadline, "writes still accepted after a failed AOF write");
        std::thread::sleep(Duration::from_millis(10));
    };
    seen.push(refused);
    seen.push(c.cmd_str(&["PING"]));
    seen.push(c.cmd_str(&["INCR", "n"]));
    seen.push(c.cmd_str(&["GET", "before"]));
    let info = c.cmd_str(&["INFO", "persistence"]);
    assert!(info.contains("aof_last_write_status:err\r\n"), "{info}");
    // A rewrite opens appendonly.aof.3.incr.aof, a real file: the writer recovers.
    seen.push(c.cmd_str(&["BGREWRITEAOF"]));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = c.cmd_str(&["SET", "after", "1"]);
        if r == "+OK\r\n" {
            break;
        }
        assert!(r.starts_with("-MISCONF"), "{r}");
        assert!(Instant::now() < deadline, "writes still refused after the rewrite");
        std::thread::sleep(Duration::from_millis(10));
    }
    wait_rewrite_done(c);
    let info = c.cmd_str(&["INFO", "persistence"]);
    assert!(info.contains("aof_last_write_status:ok\r\n"), "{info}");
    seen.push(c.cmd_str(&["GET", "after"]));
    seen
}

#[test]
fn failed_aof_writes_refuse_writes_with_misconf_like_redis() {
    let dir = temp_dir("aof-enospc");
    let p = start_aof(&dir, &["--appendfsync", "everysec"]);
    let mut c = p.raw();
    let ours = aof_write_error_scenario(&mut c, &dir);
    assert_eq!(ours[2], "-MISCONF Errors writing to the AOF file: No space left on device\r\n");
    assert_eq!(ours[3], ours[2], "PING is refused too");
    assert_eq!(ours[5], "$1\r\n1\r\n", "reads go on");
    drop(c);
    stop(p);
    // After the restart everything acknowledged once writes were accepted again is there.
    let p = start_aof(&dir, &["--appendfsync", "everysec"]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["GET", "before"]), "$1\r\n1\r\n");
    assert_eq!(c.cmd_str(&["GET", "after"]), "$1\r\n1\r\n");
    drop(c);
    stop(p);

    let rdir = temp_dir("aof-enospc-ref");
    let d = s(&rdir);
    let r =
        Reference::start_with(&["--dir", &d, "--appendonly", "yes", "--appendfsync", "everysec"]);
    let mut c = r.raw();
    let theirs = aof_write_error_scenario(&mut c, &rdir);
    assert_eq!(ours, theirs);
}

/// Collections past 64 elements (Redis writes at most 64 per command in a rewrite), scores
/// that need 17 digits, intset and string set members.
fn write_big_collections(c: &mut RawConn) {
    let items: Vec<String> = (0..150).map(|i| format!("item:{i}")).collect();
    let mut rpush = vec!["RPUSH".to_string(), "biglist".into()];
    rpush.extend(items.iter().cloned());
    let mut sadd = vec!["SADD".to_string(), "bigset".into()];
    sadd.extend(items.iter().cloned());
    let mut intset = vec!["SADD".to_string(), "ints".into()];
    intset.extend((0..100).map(|i| (i * 7 - 300).to_string()));
    let mut hset = vec!["HSET".to_string(), "bighash".into()];
    let mut zadd = vec!["ZADD".to_string(), "bigzset".into()];
    for (i, it) in items.iter().enumerate() {
        hset.extend([it.clone(), format!("value {i}")]);
        zadd.extend([format!("{}", i as f64 / 7.0), it.clone()]);
    }
    zadd.extend(["-inf".to_string(), "low".into(), "inf".into(), "high".into()]);
    for cmd in [rpush, sadd, intset, hset, zadd] {
        let r = c.cmd_str(&cmd);
        assert!(r.starts_with(':'), "{}: {r}", cmd[0]);
    }
    assert_eq!(c.cmd_str(&["PEXPIRE", "bighash", "5000000"]), ":1\r\n");
}

#[test]
fn rewrite_without_preamble_writes_a_commands_base_both_servers_load() {
    let dir = temp_dir("aof-cmd-base");
    let extra = ["--aof-use-rdb-preamble", "no", "--enable-debug-command", "yes"];
    let p = start_aof(&dir, &extra);
    let mut c = p.raw();
    write_dataset(&mut c);
    write_big_collections(&mut c);
    assert!(c.cmd_str(&["BGREWRITEAOF"]).starts_with("+Background append only file rewriting"));
    wait_rewrite_done(&mut c);
    assert_eq!(c.cmd_str(&["SET", "post", "rewrite"]), "+OK\r\n");
    let digest = c.cmd_str(&["DEBUG", "DIGEST"]);
    drop(c);
    stop(p);

    let manifest = std::fs::read_to_string(aof_dir(&dir).join("appendonly.aof.manifest")).unwrap();
    assert_eq!(
        manifest,
        "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"
    );
    let base = std::fs::read(aof_dir(&dir).join("appendonly.aof.2.base.aof")).unwrap();
    assert!(base.starts_with(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"), "{:?}", &base[..40]);
    let text = String::from_utf8_lossy(&base);
    assert!(text.contains("$9\r\nPEXPIREAT\r\n$7\r\nbighash\r\n"), "TTL written");
    // 150 elements: commands of 64 + 64 + 22.
    assert_eq!(text.matches("$5\r\nRPUSH\r\n$7\r\nbiglist\r\n").count(), 3);
    assert!(text.contains("*66\r\n$5\r\nRPUSH\r\n"));
    assert!(text.contains("*24\r\n$5\r\nRPUSH\r\n"));

    // ferrodis reloads it ...
    let p = start_aof(&dir, &extra);
    let mut c = p.raw();
    check_dataset(&mut c);
    assert_eq!(c.cmd_str(&["DEBUG", "DIGEST"]), digest);
    drop(c);
    stop(p);
    // ... and so does redis-server 7.0.15.
    let rdir = temp_dir("aof-cmd-base-ref");
    copy_aof_dir(&dir, &rdir);
    let d = s(&rdir);
    let r = Reference::start_with(&[
        "--dir",
        &d,
        "--appendonly",
        "yes",
        "--enable-debug-command",
        "yes",
    ]);
    let mut c = r.raw();
    r.wait_loaded();
    check_dataset(&mut c);
    assert_eq!(c.cmd_str(&["DEBUG", "DIGEST"]), digest);
}

#[test]
fn save_runs_while_an_aof_rewrite_is_in_progress() {
    let dir = temp_dir("aof-save-during-rewrite");
    let p = start_aof(&dir, &["--enable-debug-command", "yes"]);
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["DEBUG", "POPULATE", "2000"]), "+OK\r\n");
    // 500 µs per key: the rewrite takes about a second.
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "rdb-key-save-delay", "500"]), "+OK\r\n");
    assert!(c.cmd_str(&["BGREWRITEAOF"]).starts_with("+Background append only file rewriting"));
    assert_eq!(c.cmd_str(&["SET", "during", "rewrite"]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["SAVE"]), "+OK\r\n");
    let info = c.cmd_str(&["INFO", "persistence"]);
    assert!(info.contains("aof_rewrite_in_progress:1\r\n"), "{info}");
    // (The walk keeps the delay it started with.)
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "rdb-key-save-delay", "0"]), "+OK\r\n");
    wait_rewrite_done(&mut c);
    drop(c);
    stop(p);
    // The dump SAVE wrote holds the whole dataset.
    let d = s(&dir);
    let p = TestServer::start_with(&["--dir", d.as_str()]);
    p.wait_loaded();
    let mut c = p.raw();
    assert_eq!(c.cmd_str(&["DBSIZE"]), ":2001\r\n");
    assert_eq!(c.cmd_str(&["GET", "during"]), "$7\r\nrewrite\r\n");
}
