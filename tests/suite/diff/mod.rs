//! Differential random testing: the same seeded command sequence goes to ferrodis and to the
//! reference redis-server, and every reply must be byte-identical, apart from the differences
//! listed (with reasons) in `tests/ALLOWED_DIFFERENCES.md` and implemented in [`equivalent`].
//!
//! * `FERRODIS_SEED=<n>[,<n>...]` runs those seeds instead of the fixed CI list.
//! * `FERRODIS_DIFF_STEPS=<n>` sets the number of commands per seed.
//! * `FERRODIS_DIFF_PENDING=all|name,...` also generates commands still listed as pending
//!   (see the top of `generator.rs`).
//! * `FERRODIS_DIFF_NO_SHRINK=1` skips shrinking a failing sequence.
//!
//! On a mismatch the test prints the seed, the step, both replies, the recent history, and a
//! shrunk sequence of commands that still shows a difference, ready to paste into redis-cli.

mod expiry;
pub mod generator;
mod random;
pub mod types;

use ferrodis_tests::{Pair, RawConn};
use generator::{Gen, Mode, Step, KEYS};
use std::time::{Duration, Instant};

/// The seeds of the normal suite (and CI) when `FERRODIS_SEED` is not set.
pub const CI_SEEDS: &[u64] = &[1, 2, 3, 4, 5, 6, 7, 8, 1000, 31337, 0xC0FFEE, 20260101];

/// The seeds to run: `FERRODIS_SEED` (comma-separated) or `default`.
pub fn seeds(default: &[u64]) -> Vec<u64> {
    match std::env::var("FERRODIS_SEED") {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|x| {
                let x = x.trim();
                let parsed = match x.strip_prefix("0x") {
                    Some(h) => u64::from_str_radix(h, 16),
                    None => x.parse(),
                };
                parsed.unwrap_or_else(|_| panic!("FERRODIS_SEED: bad seed {x:?}"))
            })
            .collect(),
        _ => default.to_vec(),
    }
}

/// Commands per seed: `FERRODIS_DIFF_STEPS` or `default`.
pub fn steps(default: usize) -> usize {
    std::env::var("FERRODIS_DIFF_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Renders a command like redis-cli input (quoted, escaped).
pub fn show_cmd(argv: &[Vec<u8>]) -> String {
    argv.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
}

fn quote(a: &[u8]) -> String {
    let plain = !a.is_empty()
        && a.iter().all(|&c| c.is_ascii_graphic() && c != b'"' && c != b'\'' && c != b'\\');
    if plain {
        return String::from_utf8_lossy(a).into_owned();
    }
    let mut s = String::from("\"");
    for &c in a {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b' '..=b'~' => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// Renders a raw reply readably.
pub fn show_reply(r: &[u8]) -> String {
    String::from_utf8_lossy(r).replace("\r\n", "\\r\\n")
}

fn parse_int_reply(r: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(r).ok()?;
    s.strip_prefix(':')?.strip_suffix("\r\n")?.parse().ok()
}

/// The elements of a flat RESP array (or RESP3 set) of bulk strings.
fn bulk_array(r: &[u8]) -> Option<Vec<Vec<u8>>> {
    let (head, mut rest) = split_line(r)?;
    let n: usize =
        std::str::from_utf8(head.strip_prefix(b"*").or_else(|| head.strip_prefix(b"~"))?)
            .ok()?
            .parse()
            .ok()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (h, body) = split_line(rest)?;
        if h == b"$-1" || h == b"_" {
            // A null element (SORT's GET of a missing key): a marker no bulk can equal.
            out.push(b"\xff(null)".to_vec());
            rest = body;
            continue;
        }
        let len: usize = std::str::from_utf8(h.strip_prefix(b"$")?).ok()?.parse().ok()?;
        out.push(body.get(..len)?.to_vec());
        rest = body.get(len + 2..)?;
    }
    rest.is_empty().then_some(out)
}

/// Splits off the first CRLF-terminated line.
fn split_line(r: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = r.windows(2).position(|w| w == b"\r\n")?;
    Some((&r[..i], &r[i + 2..]))
}

/// True when two replies to `argv` count as the same (see tests/ALLOWED_DIFFERENCES.md).
pub fn equivalent(argv: &[Vec<u8>], ours: &[u8], theirs: &[u8]) -> bool {
    if ours == theirs {
        return true;
    }
    let name = String::from_utf8_lossy(&argv[0]).to_ascii_lowercase();
    match name.as_str() {
        // TTL replies depend on the moment each server ran the command: they must agree on
        // "no key" (-2) and "no expiry" (-1) exactly, and be close otherwise.
        "ttl" | "pttl" | "expiretime" | "pexpiretime" => {
            match (parse_int_reply(ours), parse_int_reply(theirs)) {
                (Some(a), Some(b)) if a >= 0 && b >= 0 => {
                    let tolerance = if name.starts_with('p') { 30_000 } else { 30 };
                    a.abs_diff(b) <= tolerance
                }
                _ => false,
            }
        }
        // KEYS lists keys in hash-table order, which is not behaviour: compare as sets.
        "keys" => match (bulk_array(ours), bulk_array(theirs)) {
            (Some(mut a), Some(mut b)) => {
                a.sort();
                b.sort();
                a == b
            }
            _ => false,
        },
        // SORT ... BY pattern ALPHA leaves elements with equal (or missing) weights in their
        // input order (Redis breaks no ties there, and uses an unstable partial sort with
        // LIMIT); a set's input order is its hash-table order. Compared as multisets.
        // `BY nosort` on a set returns its hash-table order: the same.
        "sort" | "sort_ro" if sort_order_is_unspecified(argv) => {
            match (bulk_array(ours), bulk_array(theirs)) {
                (Some(mut a), Some(mut b)) => {
                    a.sort();
                    b.sort();
                    a == b
                }
                _ => false,
            }
        }
        _ => types::equivalent(&name, argv, ours, theirs),
    }
}

/// SORT forms whose reply order depends on input order (see `ALLOWED_DIFFERENCES.md`): BY
/// with ALPHA (ties unbroken), or BY a pattern without `*` (no sorting at all).
fn sort_order_is_unspecified(argv: &[Vec<u8>]) -> bool {
    let by = argv.windows(2).find(|w| w[0].eq_ignore_ascii_case(b"by")).map(|w| &w[1]);
    let alpha = argv.iter().any(|a| a.eq_ignore_ascii_case(b"alpha"));
    match by {
        Some(p) => alpha || !p.contains(&b'*'),
        None => false,
    }
}

/// Both servers and the generator of one seed.
pub struct Runner {
    pub pair: Pair,
    pub seed: u64,
    pub mode: Mode,
    resp3: bool,
    history: Vec<Step>,
    /// Second connections (ferrodis, redis), for steps with `conn == 1`.
    a2: RawConn,
    b2: RawConn,
    /// With `FERRODIS_DIFF_STATS`: per command, (non-error, error) replies of redis-server.
    stats: Option<std::collections::BTreeMap<String, (u64, u64)>>,
}

/// Where two servers disagreed.
pub struct Mismatch {
    pub step: usize,
    pub argv: Vec<Vec<u8>>,
    pub ours: Vec<u8>,
    pub theirs: Vec<u8>,
}

impl Runner {
    pub fn new(seed: u64, mode: Mode) -> Runner {
        let pair = Pair::start(&[]);
        let stats = std::env::var_os("FERRODIS_DIFF_STATS").map(|_| Default::default());
        let (a2, b2) = (pair.ours.raw(), pair.reference.raw());
        let resp3 = seed % 2 == 1;
        let mut r = Runner { pair, seed, mode, resp3, history: Vec::new(), stats, a2, b2 };
        r.reset();
        r
    }

    /// Fresh state on both servers: empty, db 0, RESP2 or RESP3 by seed parity.
    fn reset(&mut self) {
        for c in [&mut self.pair.a, &mut self.pair.b, &mut self.a2, &mut self.b2] {
            assert_eq!(c.cmd(&["FLUSHALL"]), b"+OK\r\n");
            assert_eq!(c.cmd(&["SELECT", "0"]), b"+OK\r\n");
            let proto = if self.resp3 { "3" } else { "2" };
            let r = c.cmd(&["HELLO", proto]);
            assert!(r[0] == b'*' || r[0] == b'%', "HELLO failed: {}", show_reply(&r));
        }
    }

    /// Sends one step to both servers; returns a mismatch if the replies differ.
    fn exec(&mut self, idx: usize, step: &Step) -> Option<Mismatch> {
        if step.sleep_before_ms > 0 {
            std::thread::sleep(Duration::from_millis(step.sleep_before_ms));
        }
        let (ours, theirs) = if step.in_multi {
            match self.transaction(step) {
                Ok(replies) => replies,
                Err(m) => return Some(Mismatch { step: idx, ..m }),
            }
        } else if step.conn == 0 {
            self.pair.both(&step.argv)
        } else {
            (self.a2.cmd(&step.argv), self.b2.cmd(&step.argv))
        };
        if let Some(stats) = &mut self.stats {
            let name = String::from_utf8_lossy(&step.argv[0]).to_ascii_lowercase();
            let e = stats.entry(name).or_default();
            if theirs.first() == Some(&b'-') {
                e.1 += 1;
            } else {
                e.0 += 1;
            }
        }
        if step.compare && !equivalent(&step.argv, &ours, &theirs) {
            let mut argv = step.argv.clone();
            if step.conn == 1 {
                argv.push(b"(on the second connection)".to_vec());
            }
            if step.in_multi {
                argv.push(b"(inside MULTI/EXEC)".to_vec());
            }
            return Some(Mismatch { step: idx, argv, ours, theirs });
        }
        None
    }

    /// Sends `MULTI`, the step's command and `EXEC` on the step's connection of both
    /// servers. MULTI and the queueing reply must be equal; returns the two EXEC replies
    /// with a one-element array unwrapped to that element (so that the command's own
    /// equivalence applies to it).
    fn transaction(&mut self, step: &Step) -> Result<(Vec<u8>, Vec<u8>), Mismatch> {
        let (a, b) = if step.conn == 0 {
            (&mut self.pair.a, &mut self.pair.b)
        } else {
            (&mut self.a2, &mut self.b2)
        };
        let multi = vec![b"MULTI".to_vec()];
        for argv in [&multi, &step.argv] {
            let (x, y) = (a.cmd(argv), b.cmd(argv));
            if x != y {
                let mut argv = argv.clone();
                argv.push(b"(queueing, inside MULTI)".to_vec());
                return Err(Mismatch { step: 0, argv, ours: x, theirs: y });
            }
        }
        let exec = [b"EXEC".to_vec()];
        let (x, y) = (a.cmd(&exec), b.cmd(&exec));
        let unwrap = |r: Vec<u8>| match r.strip_prefix(b"*1\r\n") {
            Some(inner) => inner.to_vec(),
            None => r,
        };
        Ok((unwrap(x), unwrap(y)))
    }

    /// Runs `n` generated steps; returns the first mismatch.
    pub fn run(&mut self, n: usize) -> Option<Mismatch> {
        let mut g = Gen::new(self.seed, self.mode);
        for i in 0..n {
            let step = g.next_step();
            let m = self.exec(i, &step);
            self.history.push(step);
            if m.is_some() {
                return m;
            }
        }
        if let Some(stats) = &self.stats {
            let lines: Vec<String> =
                stats.iter().map(|(k, (ok, err))| format!("{k}: {ok} ok / {err} err")).collect();
            eprintln!("seed {} reply kinds (redis-server): {}", self.seed, lines.join(", "));
        }
        // Trailing short expiries: let them elapse before the state comparison.
        std::thread::sleep(Duration::from_millis(if self.mode == Mode::ShortExpiry {
            60
        } else {
            0
        }));
        self.compare_state(n)
    }

    /// Compares the whole final state: every key of databases 0..3 (type, value, TTL class),
    /// and the key counts.
    pub fn compare_state(&mut self, step: usize) -> Option<Mismatch> {
        for db in ["0", "1", "2"] {
            let sel = vec![b"SELECT".to_vec(), db.as_bytes().to_vec()];
            let (x, y) = self.pair.both(&sel);
            assert!(x == y, "SELECT {db} differs during the state check");
            for key in KEYS {
                for c in ["TYPE", "GET", "PTTL"] {
                    let argv = vec![c.as_bytes().to_vec(), key.to_vec()];
                    let (ours, theirs) = self.pair.both(&argv);
                    if !equivalent(&argv, &ours, &theirs) {
                        return Some(Mismatch { step, argv: state_label(db, argv), ours, theirs });
                    }
                }
            }
            // After TYPE touched every key, expired keys are gone on both sides.
            let argv = vec![b"DBSIZE".to_vec()];
            let (ours, theirs) = self.pair.both(&argv);
            if ours != theirs {
                return Some(Mismatch { step, argv: state_label(db, argv), ours, theirs });
            }
        }
        None
    }

    /// Replays `steps` from a fresh state; returns whether any compared reply or the final
    /// state differs.
    fn replay_differs(&mut self, steps: &[Step]) -> bool {
        self.reset();
        let mut in_batch = false;
        for (i, s) in steps.iter().enumerate() {
            // Shrinking may drop the step that carried the wait after a short-expiry batch:
            // keep waiting at every batch end, or the candidate would race with the clock.
            let waited;
            let step = if in_batch && s.compare && s.sleep_before_ms == 0 {
                waited = Step { sleep_before_ms: 60, ..s.clone() };
                &waited
            } else {
                s
            };
            in_batch = !s.compare;
            if self.exec(i, step).is_some() {
                return true;
            }
        }
        if self.mode == Mode::ShortExpiry {
            std::thread::sleep(Duration::from_millis(60));
        }
        self.compare_state(steps.len()).is_some()
    }

    /// Delta-debugging over the recorded history: the shortest sequence found (within a time
    /// budget) that still shows a difference.
    fn shrink(&mut self) -> Option<Vec<Step>> {
        let mut cur: Vec<Step> = self.history.clone();
        if !self.replay_differs(&cur) {
            return None; // not reproducible on replay (timing?): report the original only
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut chunk = cur.len().div_ceil(2);
        while chunk >= 1 && Instant::now() < deadline {
            let mut i = 0;
            let mut removed_any = false;
            while i < cur.len() && Instant::now() < deadline {
                let end = (i + chunk).min(cur.len());
                let mut candidate: Vec<Step> = Vec::with_capacity(cur.len());
                for (j, s) in cur.iter().enumerate() {
                    if j < i || j >= end {
                        candidate.push(s.clone());
                    }
                }
                if self.replay_differs(&candidate) {
                    cur = candidate;
                    removed_any = true;
                } else {
                    i += chunk;
                }
            }
            if !removed_any {
                chunk /= 2;
            }
        }
        Some(cur)
    }

    /// A full report of `m`: the mismatch, recent history, and (with `shrink`) a shrunk
    /// sequence.
    pub fn report(&mut self, m: &Mismatch, shrink: bool) -> String {
        let mut msg = format!(
            "\n==== ferrodis differs from redis-server ({:?} run, seed {}, {}) ====\n\
             step {}: {}\n  ferrodis: {}\n  redis:    {}\n",
            self.mode,
            self.seed,
            if self.resp3 { "RESP3" } else { "RESP2" },
            m.step,
            show_cmd(&m.argv),
            show_reply(&m.ours),
            show_reply(&m.theirs),
        );
        msg.push_str("last commands before it:\n");
        let from = self.history.len().saturating_sub(25);
        for (i, d) in self.history.iter().enumerate().skip(from) {
            let wait = if d.sleep_before_ms > 0 {
                format!(" (after {} ms)", d.sleep_before_ms)
            } else {
                String::new()
            };
            msg.push_str(&format!("  #{i}: {}{}{wait}\n", conn_tag(d), show_cmd(&d.argv)));
        }
        let (a, b) = (self.pair.ours.is_running(), self.pair.reference.is_running());
        if !a || !b {
            msg.push_str(&format!(
                "SERVER EXITED: ferrodis running={a}, redis-server running={b}\n"
            ));
        }
        msg.push_str(&self.dump_state());
        if shrink {
            match self.shrink() {
                Some(steps) => {
                    msg.push_str(&format!(
                        "shrunk to {} commands that still differ (from a flushed db 0, {}):\n",
                        steps.len(),
                        if self.resp3 { "after HELLO 3" } else { "RESP2" }
                    ));
                    for s in &steps {
                        if s.sleep_before_ms > 0 {
                            msg.push_str(&format!("  (sleep {} ms)\n", s.sleep_before_ms));
                        }
                        msg.push_str(&format!("  {}{}\n", conn_tag(s), show_cmd(&s.argv)));
                    }
                }
                None => msg
                    .push_str("(the difference did not reproduce on replay: no shrunk sequence)\n"),
            }
        }
        msg.push_str(&format!(
            "reproduce: FERRODIS_SEED={} cargo test --release -p ferrodis-tests diff::\n",
            self.seed
        ));
        msg
    }

    /// Sends to both for the report: a closed connection shows as `<closed>`, no panic.
    fn try_both(&mut self, argv: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
        let closed = || b"<closed>".to_vec();
        let x = self.pair.a.try_cmd(argv).unwrap_or_else(closed);
        let y = self.pair.b.try_cmd(argv).unwrap_or_else(closed);
        (x, y)
    }

    /// Every key of databases 0..3 on both servers (TYPE, PTTL), for the report.
    fn dump_state(&mut self) -> String {
        let mut out = String::new();
        let (x, y) = self.try_both(&[b"INFO".as_slice(), b"keyspace"]);
        out.push_str(&format!(
            "INFO keyspace right after the difference:\n  ferrodis: {}\n  redis:    {}\n",
            show_reply(&x),
            show_reply(&y)
        ));
        out.push_str("keyspace after the difference (key: ferrodis | redis):\n");
        let mut rows = Vec::new();
        for db in ["0", "1", "2"] {
            self.try_both(&[b"SELECT".as_slice(), db.as_bytes()]);
            for key in KEYS {
                let row: Vec<(String, String)> = ["TYPE", "PTTL"]
                    .iter()
                    .map(|c| {
                        let (x, y) = self.try_both(&[c.as_bytes(), key]);
                        (show_reply(&x), show_reply(&y))
                    })
                    .collect();
                if row[0].0 != "+none\\r\\n" || row[0].1 != "+none\\r\\n" {
                    let ours: Vec<&str> = row.iter().map(|r| r.0.as_str()).collect();
                    let theirs: Vec<&str> = row.iter().map(|r| r.1.as_str()).collect();
                    rows.push(format!(
                        "  db {db} {}: {} | {}\n",
                        quote(key),
                        ours.join(" "),
                        theirs.join(" ")
                    ));
                }
            }
        }
        for r in rows {
            out.push_str(&r);
        }
        out
    }

    /// A one-line summary of `m`.
    pub fn summary(&self, m: &Mismatch) -> String {
        format!(
            "seed {} step {}: {}  => ferrodis {} | redis {}",
            self.seed,
            m.step,
            show_cmd(&m.argv),
            show_reply(&m.ours),
            show_reply(&m.theirs)
        )
    }
}

/// Marks steps of the second connection in reports.
fn conn_tag(s: &Step) -> &'static str {
    match (s.conn == 1, s.in_multi) {
        (false, false) => "",
        (true, false) => "[conn 2] ",
        (false, true) => "[in MULTI/EXEC] ",
        (true, true) => "[conn 2, in MULTI/EXEC] ",
    }
}

fn state_label(db: &str, mut argv: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    argv.push(format!("(final state check, db {db})").into_bytes());
    argv
}

/// Runs every seed on its own pair of servers, a few at a time. Panics after all seeds ran if
/// any differed: a full (shrunk) report of the first failing seed, one line for each other.
pub fn run_seeds(seeds: &[u64], n: usize, mode: Mode) {
    let parallel = 3;
    let mut failures: Vec<(Runner, Mismatch)> = Vec::new();
    for chunk in seeds.chunks(parallel) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|&seed| {
                std::thread::spawn(move || {
                    let mut r = Runner::new(seed, mode);
                    let m = r.run(n);
                    if let Some(m) = &m {
                        eprintln!("difference: {}", r.summary(m));
                    }
                    m.map(|m| (r, m))
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(Some(f)) => failures.push(f),
                Ok(None) => {}
                Err(e) => std::panic::resume_unwind(e),
            }
        }
    }
    if failures.is_empty() {
        return;
    }
    let shrink = std::env::var_os("FERRODIS_DIFF_NO_SHRINK").is_none();
    let total = failures.len();
    let mut it = failures.into_iter();
    let (mut first_runner, first) = it.next().expect("one failure");
    let mut msg = first_runner.report(&first, shrink);
    let others: Vec<String> = it.map(|(r, m)| r.summary(&m)).collect();
    if !others.is_empty() {
        msg.push_str(&format!(
            "\nother failing seeds ({} of {} seeds failed):\n",
            total,
            seeds.len()
        ));
        for o in others {
            msg.push_str(&format!("  {o}\n"));
        }
    }
    panic!("{msg}");
}
