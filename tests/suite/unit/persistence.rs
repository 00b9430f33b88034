//! RDB persistence through the real binary: SAVE / BGSAVE / save points / shutdown saves,
//! restart, files exchanged with redis-server 7.0.15 in both directions, the forkless
//! snapshot's point-in-time guarantee, -LOADING, -MISCONF, bad files.

use std::path::Path;
use std::time::{Duration, Instant};

use ferrodis_tests::{Proc, RawConn, Reference, TestServer};

const DEBUG: &[&str] = &["--enable-debug-command", "yes"];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = DEBUG.to_vec();
    v.extend_from_slice(extra);
    v
}

/// Polls `f` every 10 ms until it returns true or `secs` pass.
fn wait_for(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One field of INFO persistence.
fn info_field(c: &mut RawConn, name: &str) -> String {
    let info = c.cmd_str(&["INFO", "persistence"]);
    let prefix = format!("{name}:");
    info.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("{name} missing from INFO persistence: {info}"))
        .to_string()
}

fn wait_bgsave_done(c: &mut RawConn) {
    wait_for(60, "BGSAVE to finish", || info_field(c, "rdb_bgsave_in_progress") == "0");
}

/// A dataset covering every type and encoding (thresholds lowered where the big encodings
/// need it), with TTLs. Sent to `c`.
fn build_dataset(c: &mut RawConn) {
    let cfg: &[(&str, &str)] = &[
        ("hash-max-listpack-entries", "16"),
        ("zset-max-listpack-entries", "16"),
        ("set-max-intset-entries", "16"),
        ("set-max-listpack-entries", "16"),
        ("list-max-listpack-size", "4"),
    ];
    for (k, v) in cfg {
        let r = c.cmd_str(&["CONFIG", "SET", k, v]);
        // set-max-listpack-entries is new in 7.2: the reference refuses it.
        assert!(r == "+OK\r\n" || k.starts_with("set-max-listpack"), "{k}: {r}");
    }
    let long = "x".repeat(300);
    let cmds: Vec<Vec<String>> = vec![
        vec!["SET".into(), "int".into(), "12345".into()],
        vec!["SET".into(), "neg".into(), "-7".into()],
        vec!["SET".into(), "emb".into(), "hello".into()],
        vec!["SET".into(), "raw".into(), long.clone()],
        vec!["SET".into(), "ttl".into(), "v".into(), "PX".into(), "3600000".into()],
        vec!["HSET".into(), "hsmall".into(), "a".into(), "1".into(), "b".into(), "2".into()],
        vec!["RPUSH".into(), "lsmall".into(), "a".into(), "b".into(), "3".into()],
        vec!["SADD".into(), "sint".into(), "1".into(), "2".into(), "3".into()],
        vec!["ZADD".into(), "zsmall".into(), "1.5".into(), "a".into(), "-2".into(), "b".into()],
    ];
    for cmd in &cmds {
        let r = c.cmd_str(cmd);
        assert!(!r.starts_with('-'), "{cmd:?}: {r}");
    }
    for i in 0..100 {
        let (f, v) = (format!("f{i}"), format!("value-{i}"));
        c.cmd_str(&["HSET", "hbig", &f, &v]);
        c.cmd_str(&["RPUSH", "lbig", &v]);
        c.cmd_str(&["SADD", "sbig", &v]);
        c.cmd_str(&["SADD", "sbigint", &i.to_string()]);
        c.cmd_str(&["ZADD", "zbig", &format!("{}", i as f64 / 3.0), &v]);
        c.cmd_str(&["RPUSH", "llong", &format!("{long}{i}")]);
    }
    c.cmd_str(&["SADD", "sstr", "a", "b", "c"]);
    c.cmd_str(&["EXPIRE", "hbig", "5000"]);
    c.cmd_str(&["SELECT", "3"]);
    c.cmd_str(&["SET", "in-db-3", "x"]);
    c.cmd_str(&["SELECT", "0"]);
}

fn digest(c: &mut RawConn) -> String {
    c.cmd_str(&["DEBUG", "DIGEST"])
}

fn digest_db(c: &mut RawConn, db: &str) -> String {
    c.cmd_str(&["SELECT", db]);
    let d = digest(c);
    c.cmd_str(&["SELECT", "0"]);
    d
}

/// Starts a server binary on `dir` (its --dir) with more arguments.
fn ferrodis_on(dir: &Path, extra: &[&str]) -> Proc {
    let d = dir.display().to_string();
    let mut a = args(&["--dir", &d]);
    a.extend_from_slice(extra);
    let p = TestServer::start_with(&a);
    let mut c = p.raw();
    wait_for(60, "loading to end", || info_field(&mut c, "loading") == "0");
    p
}

fn redis_on(dir: &Path) -> Proc {
    let d = dir.display().to_string();
    Reference::start_with(&["--dir", &d, "--enable-debug-command", "yes"])
}

#[test]
fn save_then_restart_restores_every_type() {
    let a = TestServer::start_with(DEBUG);
    let mut c = a.raw();
    build_dataset(&mut c);
    let (d0, d3) = (digest(&mut c), digest_db(&mut c, "3"));
    let dbsize = c.cmd_str(&["DBSIZE"]);
    assert_eq!(c.cmd_str(&["SAVE"]), "+OK\r\n");
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    assert_eq!(info_field(&mut c, "rdb_saves"), "1");
    let b = ferrodis_on(&a.dir, &[]);
    let mut c2 = b.raw();
    assert_eq!(digest(&mut c2), d0);
    assert_eq!(digest_db(&mut c2, "3"), d3);
    assert_eq!(c2.cmd_str(&["DBSIZE"]), dbsize);
    let ttl = c2.cmd_str(&["PTTL", "ttl"]);
    let ms: i64 = ttl.trim_start_matches(':').trim().parse().unwrap();
    assert!(ms > 3_500_000 && ms <= 3_600_000, "PTTL after restart: {ms}");
    let n: u64 = dbsize.trim_start_matches(':').trim().parse().unwrap();
    // db 0 and the one key of db 3.
    assert_eq!(info_field(&mut c2, "rdb_last_load_keys_loaded"), (n + 1).to_string());
}

#[test]
fn redis_loads_our_rdb_and_we_load_redis_rdb() {
    // ferrodis → redis
    let a = TestServer::start_with(DEBUG);
    let mut c = a.raw();
    build_dataset(&mut c);
    let (d0, d3) = (digest(&mut c), digest_db(&mut c, "3"));
    assert_eq!(c.cmd_str(&["SAVE"]), "+OK\r\n");
    let r = redis_on(&a.dir);
    let mut rc = r.raw();
    assert_eq!(digest(&mut rc), d0, "redis-server loaded different data from our dump.rdb");
    assert_eq!(digest_db(&mut rc, "3"), d3);
    // redis → ferrodis
    let r2 = Reference::start_with(DEBUG);
    let mut rc2 = r2.raw();
    build_dataset(&mut rc2);
    rc2.cmd_str(&["SET", "lzf", &"abc".repeat(200)]);
    let (rd0, rd3) = (digest(&mut rc2), digest_db(&mut rc2, "3"));
    assert_eq!(rc2.cmd_str(&["SAVE"]), "+OK\r\n");
    let f = ferrodis_on(&r2.dir, &[]);
    let mut fc = f.raw();
    assert_eq!(digest(&mut fc), rd0, "we loaded different data from redis's dump.rdb");
    assert_eq!(digest_db(&mut fc, "3"), rd3);
    assert_eq!(fc.cmd_str(&["GET", "lzf"]), format!("$600\r\n{}\r\n", "abc".repeat(200)));
}

#[test]
fn bgsave_is_a_point_in_time_snapshot_while_writes_continue() {
    let a = TestServer::start_with(&args(&["--rdb-key-save-delay", "2"]));
    let mut c = a.raw();
    assert_eq!(c.cmd_str(&["DEBUG", "POPULATE", "20000", "key"]), "+OK\r\n");
    c.cmd_str(&["RPUSH", "list", "a", "b"]);
    c.cmd_str(&["HSET", "hash", "f", "1"]);
    let before = digest(&mut c);
    assert_eq!(c.cmd_str(&["BGSAVE"]), "+Background saving started\r\n");
    assert_eq!(info_field(&mut c, "rdb_bgsave_in_progress"), "1");
    assert_eq!(c.cmd_str(&["BGSAVE"]), "-ERR Background save already in progress\r\n");
    assert_eq!(c.cmd_str(&["SAVE"]), "-ERR Background save already in progress\r\n");
    // While the snapshot is written: overwrite, delete, expire, rename and create keys.
    for i in (0..20000).step_by(7) {
        c.cmd_str(&["SET", &format!("key:{i}"), "changed"]);
    }
    // In-place changes (the value is modified where it lies, not replaced).
    for i in (2..20000).step_by(13) {
        c.cmd_str(&["APPEND", &format!("key:{i}"), "-appended"]);
    }
    c.cmd_str(&["RPUSH", "list", "c"]);
    c.cmd_str(&["HINCRBY", "hash", "f", "5"]);
    for i in (3..20000).step_by(11) {
        c.cmd_str(&["DEL", &format!("key:{i}")]);
    }
    c.cmd_str(&["RENAME", "key:5", "renamed"]);
    c.cmd_str(&["EXPIRE", "key:1", "100"]);
    for i in 0..1000 {
        c.cmd_str(&["SET", &format!("new:{i}"), "x"]);
    }
    c.cmd_str(&["FLUSHDB"]);
    wait_bgsave_done(&mut c);
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "ok");
    let b = ferrodis_on(&a.dir, &[]);
    let mut c2 = b.raw();
    assert_eq!(c2.cmd_str(&["DBSIZE"]), ":20002\r\n");
    assert_eq!(digest(&mut c2), before, "the snapshot is not the dataset as of BGSAVE");
    assert_eq!(c2.cmd_str(&["TTL", "key:1"]), ":-1\r\n");
}

#[test]
fn save_points_trigger_bgsave() {
    let a = TestServer::start_with(&args(&["--save", "1 2"]));
    let mut c = a.raw();
    c.cmd_str(&["SET", "a", "1"]);
    c.cmd_str(&["SET", "b", "2"]);
    wait_for(10, "a save point to fire", || info_field(&mut c, "rdb_saves") != "0");
    wait_for(10, "the save to finish", || info_field(&mut c, "rdb_changes_since_last_save") == "0");
    assert!(a.dir.join("dump.rdb").exists());
}

#[test]
fn shutdown_and_sigterm_save_when_save_points_are_set() {
    let mut a = TestServer::start_with(&args(&["--save", "3600 1"]));
    let mut c = a.raw();
    c.cmd_str(&["SET", "k", "v1"]);
    c.send_cmd(&["SHUTDOWN"]);
    a.wait_exit(Duration::from_secs(10)).expect("SHUTDOWN exits");
    let mut b = ferrodis_on(&a.dir, &["--save", "3600 1"]);
    let mut c2 = b.raw();
    assert_eq!(c2.cmd_str(&["GET", "k"]), "$2\r\nv1\r\n");
    c2.cmd_str(&["SET", "k", "v2"]);
    b.signal("TERM");
    b.wait_exit(Duration::from_secs(10)).expect("SIGTERM exits");
    let d = ferrodis_on(&a.dir, &[]);
    assert_eq!(d.raw().cmd_str(&["GET", "k"]), "$2\r\nv2\r\n");
}

#[test]
fn shutdown_nosave_and_flushall_with_save_points() {
    let mut a = TestServer::start_with(&args(&["--save", "3600 1"]));
    let mut c = a.raw();
    c.cmd_str(&["SET", "k", "v1"]);
    assert_eq!(c.cmd_str(&["SAVE"]), "+OK\r\n");
    c.cmd_str(&["SET", "k", "v2"]);
    c.send_cmd(&["SHUTDOWN", "NOSAVE"]);
    a.wait_exit(Duration::from_secs(10)).expect("SHUTDOWN NOSAVE exits");
    let b = ferrodis_on(&a.dir, &["--save", "3600 1"]);
    let mut c2 = b.raw();
    assert_eq!(c2.cmd_str(&["GET", "k"]), "$2\r\nv1\r\n");
    // FLUSHALL saves the empty dataset at once when save points are configured.
    assert_eq!(c2.cmd_str(&["FLUSHALL"]), "+OK\r\n");
    let d = ferrodis_on(&a.dir, &[]);
    assert_eq!(d.raw().cmd_str(&["DBSIZE"]), ":0\r\n");
}

#[test]
fn debug_reload_keeps_the_data() {
    let a = TestServer::start_with(DEBUG);
    let mut c = a.raw();
    build_dataset(&mut c);
    let d0 = digest(&mut c);
    assert_eq!(c.cmd_str(&["DEBUG", "RELOAD"]), "+OK\r\n");
    assert_eq!(digest(&mut c), d0);
    c.cmd_str(&["SET", "extra", "1"]);
    // NOSAVE: back to the file as saved by the previous RELOAD.
    assert_eq!(c.cmd_str(&["DEBUG", "RELOAD", "NOSAVE"]), "+OK\r\n");
    assert_eq!(digest(&mut c), d0);
}

#[test]
fn loading_replies_loading_until_the_dataset_is_in() {
    let a = TestServer::start_with(DEBUG);
    let mut c = a.raw();
    c.cmd_str(&["DEBUG", "POPULATE", "2000"]);
    assert_eq!(c.cmd_str(&["SAVE"]), "+OK\r\n");
    // 2000 keys at 1 ms each: two seconds of loading.
    let d = a.dir.display().to_string();
    let b = spawn_loading(&["--dir", &d, "--key-load-delay", "1000"]);
    let mut c2 = RawConn::connect(b.1);
    assert_eq!(
        c2.cmd_str(&["GET", "key:1"]),
        "-LOADING Redis is loading the dataset in memory\r\n"
    );
    assert_eq!(info_field(&mut c2, "loading"), "1");
    let size = std::fs::metadata(a.dir.join("dump.rdb")).unwrap().len();
    assert_eq!(info_field(&mut c2, "loading_total_bytes"), size.to_string());
    // The file's `used-mem` aux field: what the saving server had allocated.
    let used: u64 = info_field(&mut c2, "loading_rdb_used_mem").parse().unwrap();
    assert!(used > 100_000, "loading_rdb_used_mem {used}");
    let perc: f64 = info_field(&mut c2, "loading_loaded_perc").parse().unwrap();
    assert!((0.0..100.0).contains(&perc), "loading_loaded_perc {perc}");
    wait_for(30, "loading to end", || info_field(&mut c2, "loading") == "0");
    assert_eq!(c2.cmd_str(&["DBSIZE"]), ":2000\r\n");
    drop(b);
}

/// Starts ferrodis without waiting for it to answer PING with +PONG (it answers -LOADING).
fn spawn_loading(extra: &[&str]) -> (ChildGuard, u16) {
    let port = ferrodis_tests::free_port();
    let p = port.to_string();
    let child = std::process::Command::new(ferrodis_tests::ferrodis_bin())
        .args(["--port", &p, "--bind", "127.0.0.1", "--save", ""])
        .args(extra)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn ferrodis");
    let g = ChildGuard(child);
    wait_for(10, "the port to accept", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    (g, port)
}

struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn failed_bgsave_sets_misconf_and_keeps_the_old_file() {
    let a =
        TestServer::start_with(&args(&["--save", "3600 1", "--enable-protected-configs", "yes"]));
    let mut c = a.raw();
    c.cmd_str(&["SET", "k", "old"]);
    assert_eq!(c.cmd_str(&["SAVE"]), "+OK\r\n");
    let good = std::fs::read(a.dir.join("dump.rdb")).unwrap();
    // Make the directory unwritable for the temp file: replace it by a read-only bind... as
    // root permissions do not apply, so point `dir` at a directory that then disappears.
    let gone = a.dir.join("gone");
    std::fs::create_dir(&gone).unwrap();
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "dir", &gone.display().to_string()]), "+OK\r\n");
    std::fs::remove_dir(&gone).unwrap();
    c.cmd_str(&["SET", "k", "new"]);
    assert_eq!(c.cmd_str(&["BGSAVE"]), "+Background saving started\r\n");
    wait_bgsave_done(&mut c);
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "err");
    let r = c.cmd_str(&["SET", "k", "x"]);
    assert!(r.starts_with("-MISCONF "), "{r}");
    assert!(c.cmd_str(&["PING"]).starts_with("-MISCONF "));
    assert_eq!(c.cmd_str(&["GET", "k"]), "$3\r\nnew\r\n");
    assert_eq!(std::fs::read(a.dir.join("dump.rdb")).unwrap(), good, "the old file was damaged");
    // Writes come back once saving works again.
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "dir", &a.dir.display().to_string()]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"]), "+OK\r\n");
    assert_eq!(c.cmd_str(&["SET", "k", "x"]), "+OK\r\n");
}

#[test]
fn corrupt_or_truncated_rdb_is_refused_with_file_and_offset() {
    let a = TestServer::start_with(DEBUG);
    let mut c = a.raw();
    build_dataset(&mut c);
    assert_eq!(c.cmd_str(&["SAVE"]), "+OK\r\n");
    let good = std::fs::read(a.dir.join("dump.rdb")).unwrap();
    for (what, bytes) in [
        ("truncated", good[..good.len() / 2].to_vec()),
        ("flipped", {
            let mut b = good.clone();
            let i = b.len() / 3;
            b[i] ^= 0x55;
            b
        }),
    ] {
        let dir = ferrodis_tests::temp_dir("corrupt");
        std::fs::write(dir.join("dump.rdb"), &bytes).unwrap();
        let out = std::process::Command::new(ferrodis_tests::ferrodis_bin())
            .args(["--port", &ferrodis_tests::free_port().to_string(), "--bind", "127.0.0.1"])
            .args(["--dir", &dir.display().to_string()])
            .output()
            .expect("run ferrodis");
        let log = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: exit status; log:\n{log}");
        assert!(log.contains("dump.rdb at offset "), "{what}: no file/offset in the log:\n{log}");
        assert!(!log.contains("panicked"), "{what}: panic:\n{log}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// splitmix64, for the seeded random writers below.
fn mix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Several clients (on different worker threads) send seeded random writes of every type
/// while a slowed-down BGSAVE runs: the file must hold exactly the dataset of the moment
/// BGSAVE answered. `PERSIST_SEED` replays a run.
#[test]
fn bgsave_point_in_time_under_concurrent_random_writes() {
    let seed: u64 =
        std::env::var("PERSIST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
                as u64
        });
    eprintln!("bgsave_point_in_time_under_concurrent_random_writes: PERSIST_SEED={seed}");
    let a =
        TestServer::start_with(&args(&["--rdb-key-save-delay", "100", "--worker-threads", "2"]));
    let mut c = a.raw();
    assert_eq!(c.cmd_str(&["DEBUG", "POPULATE", "3000", "k"]), "+OK\r\n");
    for i in 0..300 {
        let k = format!("k:{}", 3000 + i);
        match i % 4 {
            0 => c.cmd_str(&["HSET", &k, "a", "1", "b", "2"]),
            1 => c.cmd_str(&["RPUSH", &k, "x", "y"]),
            2 => c.cmd_str(&["ZADD", &k, "1", "m", "2", "n"]),
            _ => c.cmd_str(&["SADD", &k, "p", "q"]),
        };
    }
    let before = digest(&mut c);
    assert_eq!(c.cmd_str(&["BGSAVE"]), "+Background saving started\r\n");
    let port = a.port;
    let writers: Vec<_> = (0..4u64)
        .map(|w| {
            std::thread::spawn(move || {
                let mut rng = seed ^ (w + 1).wrapping_mul(0x1234_5678_9abc);
                let mut c = RawConn::connect(port);
                for _ in 0..1500 {
                    let k = format!("k:{}", mix(&mut rng) % 3400);
                    let k2 = format!("k:{}", mix(&mut rng) % 3400);
                    let v = (mix(&mut rng) % 1000).to_string();
                    let cmd: Vec<&str> = match mix(&mut rng) % 10 {
                        0 => vec!["SET", &k, &v],
                        1 => vec!["APPEND", &k, &v],
                        2 => vec!["DEL", &k],
                        3 => vec!["HSET", &k, &v, &v],
                        4 => vec!["RPUSH", &k, &v],
                        5 => vec!["ZADD", &k, &v, &v],
                        6 => vec!["SADD", &k, &v],
                        7 => vec!["EXPIRE", &k, "1000"],
                        8 => vec!["RENAME", &k, &k2],
                        _ => vec!["COPY", &k, &k2, "REPLACE"],
                    };
                    // Wrong types and missing keys answer errors: that is fine here.
                    c.cmd(&cmd);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(
        info_field(&mut c, "rdb_bgsave_in_progress"),
        "1",
        "the writes should overlap the save (seed {seed})"
    );
    wait_bgsave_done(&mut c);
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "ok");
    let b = ferrodis_on(&a.dir, &[]);
    assert_eq!(
        digest(&mut b.raw()),
        before,
        "snapshot differs from the dataset at BGSAVE (seed {seed})"
    );
}

#[test]
fn debug_reload_merge_replaces_present_keys_like_redis() {
    let ours = TestServer::start_with(DEBUG);
    let rdir = ferrodis_tests::temp_dir("reload-merge-ref");
    let d = rdir.display().to_string();
    let reference = Reference::start_with(&["--enable-debug-command", "yes", "--dir", &d]);
    let (mut a, mut b) = (ours.raw(), reference.raw());
    for cmd in [
        &["SET", "a", "saved"][..],
        &["RPUSH", "l", "x", "y"],
        &["SAVE"],
        &["SET", "a", "changed"],
        &["SET", "b", "new"],
        &["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"],
        &["GET", "a"],
        &["GET", "b"],
        &["LRANGE", "l", "0", "-1"],
        &["DBSIZE"],
        &["DEBUG", "RELOAD", "NOSAVE", "MERGE"],
        &["DBSIZE"],
    ] {
        assert_eq!(a.cmd_str(cmd), b.cmd_str(cmd), "{cmd:?}");
    }
    assert_eq!(a.cmd_str(&["GET", "a"]), "$5\r\nsaved\r\n");
    // Without MERGE a present key is a duplicate: redis 7.0 panics ("Duplicated key found in
    // RDB file"); ferrodis refuses the reload and keeps serving.
    assert_eq!(a.cmd_str(&["SET", "a", "again"]), "+OK\r\n");
    assert_eq!(
        a.cmd_str(&["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"]),
        "-ERR Error trying to load the RDB dump, check server logs.\r\n"
    );
    assert_eq!(a.cmd_str(&["PING"]), "+PONG\r\n");
}
