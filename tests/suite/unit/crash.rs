//! Crash safety of persistence (issue 4): the server is SIGKILLed under write load (or in the
//! middle of a BGSAVE) and restarted on the same directory; what it reloads must hold every
//! acknowledged write (`appendfsync always`), lose at most about two seconds of them
//! (`everysec`), and never be a mix of two snapshots (a killed BGSAVE leaves the previous
//! `dump.rdb` in place).
//!
//! The binary under test is `TestServer`'s (`$FERRODIS_BIN`, else target/release): run these
//! against the reference with
//! `FERRODIS_BIN=$(command -v redis-server) cargo test --release -p ferrodis-tests -- crash --ignored`.
//! Every run prints its seed (`CRASH_SEED=<n>` reproduces the same kill delays).
//!
//! SIGKILL ends the process, not the machine: data the server handed to the kernel with
//! write(2) survives in the page cache even if it was never fsynced. These tests therefore
//! prove what the server writes before it acknowledges (and how it reloads a torn file),
//! not that fsync happened; that would need a power-loss simulation.

use ferrodis_tests::{temp_dir, Proc, RawConn, TestServer};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const WRITERS: usize = 8;

/// The seed of this run: `CRASH_SEED` or the clock; printed so a failure can be replayed.
fn seed(test: &str) -> u64 {
    let s = std::env::var("CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    eprintln!("{test}: CRASH_SEED={s}");
    s
}

/// splitmix64: a small deterministic generator for the kill delays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` milliseconds.
    fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.next() % (hi - lo))
    }
}

/// The data directory shared by the successive server processes; removed at the end.
struct DataDir(PathBuf);

impl DataDir {
    fn new(tag: &str) -> DataDir {
        DataDir(temp_dir(tag))
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("temp dir path is UTF-8")
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts the server under test on `dir` with `args` and waits until it has loaded its data
/// (PING answers +PONG, not -LOADING). Panics if it does not come up: restarting after a crash
/// must always work.
fn start_on(dir: &DataDir, args: &[&str]) -> Proc {
    let mut all = vec!["--dir", dir.path()];
    all.extend_from_slice(args);
    let p = TestServer::start_with(&all);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut c = p.raw();
        if c.cmd_str(&["PING"]) == "+PONG\r\n" {
            return p;
        }
        assert!(Instant::now() < deadline, "server still loading after 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Process ids of the children of `pid` (a forking server's BGSAVE child).
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("children")).ok())
        .flat_map(|s| s.split_whitespace().filter_map(|x| x.parse().ok()).collect::<Vec<u32>>())
        .collect()
}

/// SIGKILLs the server and any child process it has (a machine crash takes both; a fork
/// child left alive would finish its snapshot behind the test's back), then reaps it.
fn crash(p: &mut Proc) {
    let kids = children(p.pid());
    p.signal("KILL");
    for k in kids {
        let _ = std::process::Command::new("kill").args(["-s", "KILL", &k.to_string()]).status();
    }
    assert!(p.wait_exit(Duration::from_secs(10)).is_some(), "server survived SIGKILL");
}

/// `MGET` of `keys` in chunks, as integers (None for a missing key).
fn mget_ints(c: &mut redis::Connection, keys: &[String]) -> Vec<Option<i64>> {
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(1000) {
        let vals: Vec<Option<i64>> =
            redis::cmd("MGET").arg(chunk).query(c).expect("MGET after restart");
        out.extend(vals);
    }
    out
}

fn key(run: usize, client: usize, n: i64) -> String {
    format!("r{run}:c{client}:{n}")
}

/// What one write phase left: per client, the last acknowledged n (-1: none).
struct Written {
    acked: Vec<i64>,
    secs: f64,
}

/// `WRITERS` clients each SET `r<run>:c<i>:<n>` = n for n = 0, 1, ... (the next only after
/// the previous was acknowledged) until the server dies; the server is SIGKILLed after
/// `delay`.
fn write_then_crash(p: &mut Proc, run: usize, delay: Duration) -> Written {
    let acked: Arc<Vec<AtomicI64>> = Arc::new((0..WRITERS).map(|_| AtomicI64::new(-1)).collect());
    let killed = Arc::new(AtomicBool::new(false));
    let port = p.port;
    let threads: Vec<_> = (0..WRITERS)
        .map(|i| {
            let acked = Arc::clone(&acked);
            let killed = Arc::clone(&killed);
            std::thread::spawn(move || {
                let mut c = RawConn::connect(port);
                for n in 0i64.. {
                    let k = key(run, i, n);
                    let v = n.to_string();
                    match c.try_cmd(&["SET", k.as_str(), v.as_str()]) {
                        Some(r) if r == b"+OK\r\n" => acked[i].store(n, Ordering::SeqCst),
                        Some(r) => {
                            assert!(
                                killed.load(Ordering::SeqCst),
                                "SET {k} answered {:?} before the kill",
                                String::from_utf8_lossy(&r)
                            );
                            return;
                        }
                        None => return,
                    }
                }
            })
        })
        .collect();
    let t0 = Instant::now();
    std::thread::sleep(delay);
    let secs = t0.elapsed().as_secs_f64();
    killed.store(true, Ordering::SeqCst);
    crash(p);
    for t in threads {
        t.join().expect("writer thread panicked");
    }
    Written { acked: acked.iter().map(|a| a.load(Ordering::SeqCst)).collect(), secs }
}

/// Checks the keys of one write phase after the restart; returns how many acknowledged
/// writes are missing. Whatever survived must be a prefix of each client's writes with the
/// right values (no holes, no wrong values), plus at most the one write in flight.
fn missing_after_restart(c: &mut redis::Connection, run: usize, w: &Written, ctx: &str) -> i64 {
    let mut missing = 0;
    for (i, &last) in w.acked.iter().enumerate() {
        // Up to last + 1 (the write in flight may or may not be there); last + 2 was never sent.
        let keys: Vec<String> = (0..=last + 2).map(|n| key(run, i, n)).collect();
        let vals = mget_ints(c, &keys);
        let present = vals.iter().take_while(|v| v.is_some()).count() as i64;
        for (n, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                assert_eq!(*v, n as i64, "{ctx}: {} has a wrong value", key(run, i, n as i64));
                assert!(
                    (n as i64) < present,
                    "{ctx}: {} survived but {} did not (a hole: writes were reordered)",
                    key(run, i, n as i64),
                    key(run, i, present)
                );
            }
        }
        assert!(present <= last + 2, "{ctx}: {} exists but was never sent", key(run, i, last + 2));
        missing += (last + 1 - present).max(0);
    }
    missing
}

#[test]
fn crash_aof_always_keeps_every_acknowledged_write() {
    let mut rng = Rng(seed("always"));
    let dir = DataDir::new("crash-always");
    let args = ["--appendonly", "yes", "--appendfsync", "always"];
    let mut p = start_on(&dir, &args);
    let mut history: Vec<Written> = Vec::new();
    for run in 0..10 {
        let w = write_then_crash(&mut p, run, rng.millis(100, 800));
        let total: i64 = w.acked.iter().map(|a| a + 1).sum();
        assert!(total > 0, "run {run}: no write was acknowledged before the kill");
        history.push(w);
        p = start_on(&dir, &args);
        let mut c = p.client();
        for (r, w) in history.iter().enumerate() {
            let ctx = format!("always, restart {run}, writes of run {r}");
            let missing = missing_after_restart(&mut c, r, w, &ctx);
            assert_eq!(missing, 0, "{ctx}: {missing} acknowledged writes lost");
        }
    }
}

#[test]
fn crash_aof_everysec_loses_at_most_two_seconds() {
    let mut rng = Rng(seed("everysec"));
    let dir = DataDir::new("crash-everysec");
    let args = ["--appendonly", "yes", "--appendfsync", "everysec"];
    let mut p = start_on(&dir, &args);
    for run in 0..3 {
        // Longer than the allowance below, so that losing everything cannot pass.
        let w = write_then_crash(&mut p, run, rng.millis(3000, 5000));
        let total: i64 = w.acked.iter().map(|a| a + 1).sum();
        assert!(total > 0, "run {run}: no write was acknowledged before the kill");
        let rate = total as f64 / w.secs;
        p = start_on(&dir, &args);
        let mut c = p.client();
        let ctx = format!("everysec, run {run}");
        let missing = missing_after_restart(&mut c, run, &w, &ctx);
        // Two seconds of writes (Redis's everysec bound: it postpones the write while a
        // background fsync lags, up to 2 s) plus a quarter second and 100 writes of slack.
        let allowed = (rate * 2.25) as i64 + 100;
        eprintln!(
            "{ctx}: {total} writes acknowledged in {:.2} s ({rate:.0}/s), {missing} lost \
             (allowed {allowed})",
            w.secs
        );
        assert!(
            missing <= allowed,
            "{ctx}: {missing} acknowledged writes lost, more than {allowed}"
        );
    }
}

/// Loads `n` keys `k:<i>` = `<tag>:<i>` and `gen` = `<tag>` over one pipelined connection.
fn load_generation(c: &mut redis::Connection, n: usize, tag: &str) {
    let mut i = 0;
    while i < n {
        let mut pipe = redis::pipe();
        for j in i..(i + 5000).min(n) {
            pipe.cmd("SET")
                .arg(format!("k:{j}"))
                .arg(format!("{tag}:{j}:{}", "x".repeat(80)))
                .ignore();
        }
        let () = pipe.query(c).expect("load a generation");
        i += 5000;
    }
    let () = redis::cmd("SET").arg("gen").arg(tag).query(c).expect("SET gen");
}

/// The generation the whole keyspace holds: every `k:<i>` must carry the same tag as `gen`,
/// and the key count must be that generation's.
fn generation_of(c: &mut redis::Connection, n_old: usize, n_new: usize, ctx: &str) -> String {
    let gen: Option<String> = redis::cmd("GET").arg("gen").query(c).expect("GET gen");
    let gen = gen.unwrap_or_else(|| panic!("{ctx}: `gen` is missing after the restart"));
    let n = match gen.as_str() {
        "old" => n_old,
        "new" => n_new,
        other => panic!("{ctx}: unexpected generation {other:?}"),
    };
    let size: usize = redis::cmd("DBSIZE").query(c).expect("DBSIZE");
    assert_eq!(size, n + 1, "{ctx}: generation {gen} but DBSIZE {size} (a mix of snapshots?)");
    let keys: Vec<String> = (0..n).map(|i| format!("k:{i}")).collect();
    for chunk in keys.chunks(1000) {
        let vals: Vec<Option<String>> = redis::cmd("MGET").arg(chunk).query(c).expect("MGET");
        for (k, v) in chunk.iter().zip(vals) {
            let v = v.unwrap_or_else(|| panic!("{ctx}: {k} missing from generation {gen}"));
            let want = format!("{gen}:{}:", &k[2..]);
            assert!(v.starts_with(&want), "{ctx}: {k} = {v:?} in generation {gen} (a mix)");
        }
    }
    gen
}

fn rdb_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default()
}

#[test]
fn crash_during_bgsave_keeps_previous_snapshot() {
    let mut rng = Rng(seed("bgsave"));
    const OLD: usize = 200_000;
    const NEW: usize = 220_000;
    let mut seen = Vec::new();
    for run in 0..3 {
        let dir = DataDir::new("crash-bgsave");
        let mut p = start_on(&dir, &[]);
        let mut c = p.client();
        load_generation(&mut c, OLD, "old");
        let ok: String = redis::cmd("SAVE").query(&mut c).expect("SAVE");
        assert_eq!(ok, "OK");
        load_generation(&mut c, NEW, "new");
        let delay = rng.millis(0, 20);
        let mut raw = p.raw();
        let reply = raw.cmd_str(&["BGSAVE"]);
        assert_eq!(reply, "+Background saving started\r\n", "BGSAVE");
        std::thread::sleep(delay);
        crash(&mut p);
        let files = rdb_files(&dir.0);
        drop(p);
        let p = start_on(&dir, &[]);
        let mut c = p.client();
        let ctx =
            format!("run {run} (killed {} ms after BGSAVE, files {files:?})", delay.as_millis());
        let gen = generation_of(&mut c, OLD, NEW, &ctx);
        eprintln!("{ctx}: restarted with the {gen} snapshot");
        seen.push(gen);
    }
    // With at most 20 ms between the reply and the kill, the save of 220,000 keys cannot have
    // finished: the previous snapshot must be what came back, at least once.
    assert!(
        seen.iter().any(|g| g == "old"),
        "the BGSAVE always completed before the kill: {seen:?}"
    );
}
