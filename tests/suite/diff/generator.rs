//! The command generator of the differential tests.
//!
//! # How to enable commands after a merge (read this, lead)
//!
//! [`COMMANDS`] lists every command the generator knows, each with a weight and a builder.
//! A command listed in [`PENDING`] is NOT generated: those are commands that other branches
//! are still adding, which ferrodis answers with `ERR unknown command` until they merge.
//! After merging a branch, delete its commands from [`PENDING`] and run
//! `cargo test --release -p ferrodis-tests diff::` — from then on every reply of that command
//! must match Redis byte for byte (or be listed in `tests/ALLOWED_DIFFERENCES.md`).
//! The test `diff::random::pending_list_is_current` fails as soon as a pending command is
//! implemented, to remind you. To try the pending commands without editing the list, set
//! `FERRODIS_DIFF_PENDING=all` (or a comma-separated list of names).
//!
//! [`REWORKED`] lists commands that ferrodis already has but whose options another branch is
//! completing (they differ from Redis until then); they are not generated either. Delete them
//! from there after the merge, like the pending ones (`FERRODIS_DIFF_PENDING` enables them too).
//!
//! To investigate one difference without the noise of another, `FERRODIS_DIFF_SKIP=set,select`
//! leaves commands out of a local run. Never set it in CI.
//!
//! Nothing is tolerated: a generated command that ferrodis does not know is a failure.
//!
//! # Shape of the generated traffic
//! * A small key space ([`KEYS`], 8 names including the empty key and a hash-tagged pair) and a
//!   small value space ([`VALUES`]: integers at the edges of i64, floats, padded numbers,
//!   binary, empty), so commands keep hitting each other's keys and values.
//! * Expiry times never elapse during a normal run: relative times are at least ~104 days
//!   and absolute ones are far in the future (or in the past, which deletes at once). To make
//!   `GT`/`LT` comparisons independent of the moment a command runs, a relative time is
//!   `base - step` seconds (the same number of seconds times 1000 for the millisecond forms):
//!   two relative times with the same base, set at steps i < j, always compare the same way on
//!   both servers because j-i steps take far less than j-i seconds. Bases are 10^6 s apart,
//!   runs are limited to [`MAX_STEPS`] (10^5) steps, and absolute times sit half-way between
//!   bases, so no two expiry times from different bases are ever within 4*10^5 s.
//! * With a small probability a command is mangled (arguments dropped or added, option typos)
//!   to compare the error paths; command names and options come in random letter case.

use std::time::{SystemTime, UNIX_EPOCH};

/// The key space: small on purpose.
pub const KEYS: &[&[u8]] = &[b"a", b"b", b"c", b"key:1", b"{t}x", b"{t}y", b"\x00bin\xff", b""];

/// The value space: small on purpose, full of edge cases for the numeric commands.
pub const VALUES: &[&[u8]] = &[
    b"",
    b"0",
    b"1",
    b"-1",
    b"7",
    b"42",
    b"-100",
    b"007",
    b"+5",
    b" 5",
    b"5 ",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"9223372036854775808",
    b"3.5",
    b"0.1",
    b"-2.25",
    b"1e3",
    b"1.5e-3",
    b"inf",
    b"nan",
    b"abc",
    b"hello world",
    b"ohello",
    b"\x00\xff\r\n",
    b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// Integer arguments (increments, offsets, ranges).
const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "5",
    "-3",
    "10",
    "100",
    "-100",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "abc",
    "1.5",
    "",
    " 1",
];

/// Float increments for INCRBYFLOAT.
const FLOATS: &[&str] = &[
    "0", "1", "-1", "0.1", "1.5", "-2.25", "3", "1e3", "-0", "5.0e-1", "1e308", "-1e308", "inf",
    "-inf", "nan", "abc", "", "1.5x", " 1", "0x10",
];

/// Commands that other branches are still adding: not generated until removed from here.
/// See the top of this file.
pub const PENDING: &[&str] = &[];

/// Commands ferrodis has, whose missing options another branch is adding (see the top of this
/// file): not generated until removed from here.
pub const REWORKED: &[&str] = &[];

/// Longest run the expiry-time scheme supports (see the file header).
pub const MAX_STEPS: u64 = 100_000;

/// First relative base (s), and the gap between bases.
const BASE: i64 = 10_000_000;
const GAP: i64 = 1_000_000;

/// Which kind of run the generator feeds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Expiry times never elapse during the run: every reply is compared.
    Normal,
    /// Also emits batches of short expiries (see `diff::expiry`).
    ShortExpiry,
}

/// A deterministic pseudo-random generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `num/den`.
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        (self.next_u64() % den as u64) < num as u64
    }

    pub fn pick<'a, T: ?Sized>(&mut self, xs: &[&'a T]) -> &'a T {
        xs[self.below(xs.len())]
    }
}

/// A generated command: its arguments, and whether its reply is compared.
#[derive(Clone)]
pub struct Step {
    /// Which of the two client connections (0 or 1) sends it; each has its own selected db
    /// and protocol state.
    pub conn: usize,
    pub argv: Vec<Vec<u8>>,
    /// False for commands inside a short-expiry batch, whose replies race with expiry.
    pub compare: bool,
    /// Milliseconds to sleep before sending this step (short-expiry runs only).
    pub sleep_before_ms: u64,
    /// Sent as `MULTI`, the command, `EXEC` (the command's reply is compared inside EXEC's).
    pub in_multi: bool,
}

type Build = fn(&mut Gen) -> Vec<Vec<u8>>;

/// One generator entry: a command name (lower case, as in [`PENDING`]), a relative weight,
/// and its argument builder.
pub struct Entry {
    pub name: &'static str,
    pub weight: u32,
    pub build: Build,
}

/// The generator state.
pub struct Gen {
    pub rng: Rng,
    pub step: u64,
    pub mode: Mode,
    /// Unix seconds when the generator was created (base of absolute expiry times).
    now_s: i64,
    enabled: Vec<&'static Entry>,
    total_weight: u32,
    /// Short-expiry runs: remaining commands of the current short-expiry batch.
    batch_left: usize,
    /// Longest expiry of the current batch, in ms.
    batch_max_ms: u64,
    /// Decides which steps run inside MULTI/EXEC: a stream of its own, so the commands a
    /// seed generates do not depend on it.
    multi_rng: Rng,
}

/// Names of the generator entries that are enabled: all of [`COMMANDS`] except [`PENDING`],
/// unless `FERRODIS_DIFF_PENDING` says otherwise.
pub fn enabled_entries() -> Vec<&'static Entry> {
    let env = std::env::var("FERRODIS_DIFF_PENDING").unwrap_or_default();
    let extra: Vec<String> = env.split(',').map(|s| s.trim().to_ascii_lowercase()).collect();
    let all = extra.iter().any(|s| s == "all");
    let skip_env = std::env::var("FERRODIS_DIFF_SKIP").unwrap_or_default();
    let skip: Vec<String> = skip_env.split(',').map(|s| s.trim().to_ascii_lowercase()).collect();
    std::iter::once(COMMANDS)
        .chain(super::types::TABLES.iter().copied())
        .flat_map(|t| t.iter())
        .filter(|e| {
            let held = PENDING.contains(&e.name) || REWORKED.contains(&e.name);
            all || !held || extra.iter().any(|s| s == e.name)
        })
        .filter(|e| !skip.iter().any(|s| s == e.name))
        .collect()
}

pub fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

impl Gen {
    pub fn new(seed: u64, mode: Mode) -> Gen {
        let mut enabled = enabled_entries();
        if mode == Mode::ShortExpiry {
            // DBSIZE counts keys that expired but were not reclaimed yet (Redis reclaims them
            // lazily or in its background cycle): its value is timing-dependent here.
            enabled.retain(|e| e.name != "dbsize");
        }
        let total_weight = enabled.iter().map(|e| e.weight).sum();
        let now_s = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64;
        Gen {
            rng: Rng::new(seed),
            step: 0,
            mode,
            now_s,
            enabled,
            total_weight,
            batch_left: 0,
            batch_max_ms: 0,
            multi_rng: Rng::new(seed ^ 0x4D55_4C54_4958_4543),
        }
    }

    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled.iter().any(|e| e.name == name)
    }

    /// The next command.
    pub fn next_step(&mut self) -> Step {
        self.step += 1;
        assert!(
            self.step <= MAX_STEPS,
            "runs are limited to {MAX_STEPS} steps (expiry-time scheme)"
        );
        if self.mode == Mode::ShortExpiry {
            if self.batch_left > 0 {
                self.batch_left -= 1;
                let argv = self.short_expiry_cmd();
                let conn = self.conn();
                return Step { conn, argv, compare: false, sleep_before_ms: 0, in_multi: false };
            }
            if self.batch_max_ms > 0 {
                // The batch is over: wait until all its keys are surely past their expiry.
                let wait = self.batch_max_ms + 15;
                self.batch_max_ms = 0;
                let argv = self.normal_cmd();
                let conn = self.conn();
                return Step { conn, argv, compare: true, sleep_before_ms: wait, in_multi: false };
            }
            if self.rng.chance(1, 40) {
                self.batch_left = 1 + self.rng.below(6);
                self.batch_max_ms = 1;
                return self.next_step_no_count();
            }
        }
        let argv = self.normal_cmd();
        let conn = self.conn();
        // One step in 16 runs as a one-command transaction: every command also goes through
        // EXEC's path (its locking, its reply array, its propagation).
        let in_multi = self.multi_rng.chance(1, 16);
        Step { conn, argv, compare: true, sleep_before_ms: 0, in_multi }
    }

    /// The connection of the next step: mostly the first.
    pub fn conn(&mut self) -> usize {
        usize::from(self.rng.chance(1, 6))
    }

    pub fn next_step_no_count(&mut self) -> Step {
        self.step -= 1;
        self.next_step()
    }

    pub fn normal_cmd(&mut self) -> Vec<Vec<u8>> {
        let mut r = self.rng.below(self.total_weight as usize) as u32;
        let mut entry = self.enabled[0];
        for e in &self.enabled {
            if r < e.weight {
                entry = e;
                break;
            }
            r -= e.weight;
        }
        let mut argv = (entry.build)(self);
        self.mangle(&mut argv);
        self.random_case(&mut argv[0]);
        argv
    }

    /// Occasionally drops or adds arguments, to compare arity and option errors.
    pub fn mangle(&mut self, argv: &mut Vec<Vec<u8>>) {
        if !self.rng.chance(1, 30) {
            return;
        }
        match self.rng.below(4) {
            0 => argv.truncate(1),
            // (SPOP without its count pops a random member: the keyspaces would diverge.)
            1 if argv.len() > 1 && !argv[0].eq_ignore_ascii_case(b"spop") => {
                argv.pop();
            }
            2 => argv.push(b(["FOO", "NX", "GET", "EX", "10", "XX"][self.rng.below(6)])),
            _ => {
                let k = self.key();
                argv.push(k);
            }
        }
    }

    /// Random letter case for command names and option tokens.
    pub fn random_case(&mut self, word: &mut [u8]) {
        match self.rng.below(4) {
            0 => word.make_ascii_lowercase(),
            1 => word.make_ascii_uppercase(),
            2 => {
                for c in word.iter_mut() {
                    if self.rng.chance(1, 2) {
                        c.make_ascii_uppercase();
                    } else {
                        c.make_ascii_lowercase();
                    }
                }
            }
            _ => {}
        }
    }

    /// An option token in random case.
    pub fn opt(&mut self, s: &str) -> Vec<u8> {
        let mut v = b(s);
        self.random_case(&mut v);
        v
    }

    /// One of `choices`, as an option token in random case.
    pub fn opt_of(&mut self, choices: &[&str]) -> Vec<u8> {
        let o = choices[self.rng.below(choices.len())];
        self.opt(o)
    }

    pub fn key(&mut self) -> Vec<u8> {
        self.rng.pick(KEYS).to_vec()
    }

    pub fn value(&mut self) -> Vec<u8> {
        self.rng.pick(VALUES).to_vec()
    }

    pub fn int(&mut self) -> Vec<u8> {
        b(self.rng.pick(INTS))
    }

    /// A small offset or index, sometimes negative or huge.
    pub fn small_int(&mut self) -> Vec<u8> {
        if self.rng.chance(1, 8) {
            return self.int();
        }
        let n = self.rng.below(30) as i64 - 10;
        b(&n.to_string())
    }

    /// A relative time in seconds that does not elapse during a run (see the file header).
    pub fn rel_secs(&mut self) -> i64 {
        BASE + GAP * self.rng.below(10) as i64 - self.step as i64
    }

    /// An absolute unix time (s) half-way between two relative bases (see the file header).
    pub fn abs_secs(&mut self) -> i64 {
        self.now_s + BASE + GAP / 2 + GAP * self.rng.below(10) as i64
    }

    /// An expiry argument in seconds (relative) for EX / EXPIRE, with a few invalid ones.
    pub fn secs_arg(&mut self) -> Vec<u8> {
        match self.rng.below(24) {
            0 => b("0"),
            1 => b("-5"),
            2 => b("abc"),
            3 => b("9223372036854775807"),
            4 => b("9223372036854775"),
            5 => b("1.5"),
            _ => b(&self.rel_secs().to_string()),
        }
    }

    /// An expiry argument in milliseconds (relative) for PX / PEXPIRE.
    pub fn ms_arg(&mut self) -> Vec<u8> {
        match self.rng.below(24) {
            0 => b("0"),
            1 => b("-5"),
            2 => b("xyz"),
            3 => b("9223372036854775807"),
            4 => b("-9223372036854775808"),
            _ => b(&(self.rel_secs() * 1000).to_string()),
        }
    }

    /// An absolute unix time in seconds (EXAT / EXPIREAT): far future, or past when `past`.
    ///
    /// SET gets no past times: Redis 7.0 keeps such a key until its expiry cycle or an access
    /// reclaims it, so DBSIZE would depend on timing (see tests/ALLOWED_DIFFERENCES.md).
    pub fn unix_s_arg(&mut self, past: bool) -> Vec<u8> {
        match self.rng.below(12) {
            0 | 4 if !past => b(&self.abs_secs().to_string()),
            0 => b("1"),
            1 => b("0"),
            2 => b("-1"),
            3 => b("x"),
            4 => b(&(self.now_s - 1000).to_string()),
            _ => b(&self.abs_secs().to_string()),
        }
    }

    /// An absolute unix time in milliseconds (PXAT / PEXPIREAT); past ones only when `past`.
    pub fn unix_ms_arg(&mut self, past: bool) -> Vec<u8> {
        match self.rng.below(12) {
            0 | 4 if !past => b(&(self.abs_secs() * 1000 + 3).to_string()),
            0 => b("1"),
            1 => b("0"),
            2 => b("-1"),
            3 => b("9223372036854775807"),
            4 => b(&((self.now_s - 1000) * 1000).to_string()),
            _ => {
                let s = self.abs_secs();
                b(&(s * 1000 + 7).to_string())
            }
        }
    }

    /// Options for SET, valid or not, in random order and case.
    pub fn set_options(&mut self, argv: &mut Vec<Vec<u8>>) {
        let n = [0, 0, 0, 1, 1, 1, 2, 3][self.rng.below(8)];
        for _ in 0..n {
            match self.rng.below(11) {
                0 => argv.push(self.opt("NX")),
                1 => argv.push(self.opt("XX")),
                2 | 3 => argv.push(self.opt("GET")),
                4 => argv.push(self.opt("KEEPTTL")),
                5 => {
                    argv.push(self.opt("EX"));
                    argv.push(self.secs_arg());
                }
                6 => {
                    argv.push(self.opt("PX"));
                    argv.push(self.ms_arg());
                }
                7 => {
                    argv.push(self.opt("EXAT"));
                    argv.push(self.unix_s_arg(false));
                }
                8 => {
                    argv.push(self.opt("PXAT"));
                    argv.push(self.unix_ms_arg(false));
                }
                9 => argv.push(self.opt("EX")), // missing value
                _ => argv.push(self.opt_of(&["PERSIST", "NXX", "EXX"])),
            }
        }
    }

    /// Options for EXPIRE and friends: none, one of NX/XX/GT/LT, sometimes two or a bad one.
    pub fn expire_options(&mut self, argv: &mut Vec<Vec<u8>>) {
        let n = [0, 0, 1, 1, 1, 1, 2][self.rng.below(7)];
        for _ in 0..n {
            let o = ["NX", "XX", "GT", "LT", "NX", "XX", "GT", "LT", "FOO"][self.rng.below(9)];
            argv.push(self.opt(o));
        }
    }

    /// Options for GETEX.
    pub fn getex_options(&mut self, argv: &mut Vec<Vec<u8>>) {
        let n = [0, 1, 1, 1, 2][self.rng.below(5)];
        for _ in 0..n {
            match self.rng.below(6) {
                0 => {
                    argv.push(self.opt("EX"));
                    argv.push(self.secs_arg());
                }
                1 => {
                    argv.push(self.opt("PX"));
                    argv.push(self.ms_arg());
                }
                2 => {
                    argv.push(self.opt("EXAT"));
                    argv.push(self.unix_s_arg(true));
                }
                3 => {
                    argv.push(self.opt("PXAT"));
                    argv.push(self.unix_ms_arg(true));
                }
                4 => argv.push(self.opt("PERSIST")),
                _ => argv.push(self.opt_of(&["KEEPTTL", "EX", "GET"])),
            }
        }
    }

    /// SORT / SORT_RO with random options. BY patterns reuse the key space (`*` alone reads
    /// the element as a key name; `nosort`); STORE only for SORT.
    pub fn sort_cmd(&mut self, name: &str) -> Vec<Vec<u8>> {
        let mut a = vec![b(name), self.key()];
        if self.rng.chance(1, 3) {
            a.push(self.opt("BY"));
            a.push(b(self.rng.pick(&["nosort", "*", "k*", "*->f"])));
        }
        if self.rng.chance(1, 3) {
            a.push(self.opt("LIMIT"));
            a.push(self.small_int());
            a.push(self.small_int());
        }
        if self.rng.chance(1, 4) {
            a.push(self.opt("GET"));
            a.push(b(self.rng.pick(&["#", "*", "*->f"])));
        }
        if self.rng.chance(1, 3) {
            a.push(self.opt_of(&["ASC", "DESC"]));
        }
        if self.rng.chance(1, 2) {
            a.push(self.opt("ALPHA"));
        }
        if name == "SORT" && self.rng.chance(1, 4) {
            a.push(self.opt("STORE"));
            a.push(self.key());
        }
        a
    }

    pub fn keys(&mut self, min: usize, max: usize) -> Vec<Vec<u8>> {
        let n = min + self.rng.below(max - min + 1);
        (0..n).map(|_| self.key()).collect()
    }

    /// A database index for SELECT / COPY DB: mostly 0..2, sometimes invalid.
    pub fn db_arg(&mut self) -> Vec<u8> {
        match self.rng.below(16) {
            0 => b("16"),
            1 => b("-1"),
            2 => b("x"),
            3 => b("9999999999999999999999"),
            n => b(&(n % 3).to_string()),
        }
    }

    /// A command of a short-expiry batch: leaves its key with an expiry of at most
    /// `batch_max_ms` or absent, or (deterministically) unchanged. See `diff::expiry`.
    pub fn short_expiry_cmd(&mut self) -> Vec<Vec<u8>> {
        let ms = 1 + self.rng.below(40) as u64;
        self.batch_max_ms = self.batch_max_ms.max(ms);
        let k = self.key();
        let v = self.value();
        let ms_s = b(&ms.to_string());
        let mut argv = match self.rng.below(5) {
            0 => vec![b("SET"), k, v, b("PX"), ms_s],
            1 => {
                let mut a = vec![b("SET"), k, v, b("PX"), ms_s];
                a.push(b(["NX", "XX", "GET"][self.rng.below(3)]));
                a
            }
            2 if self.is_enabled("pexpire") => {
                let mut a = vec![b("PEXPIRE"), k, ms_s];
                if self.rng.chance(1, 2) {
                    a.push(b(["NX", "XX", "GT", "LT"][self.rng.below(4)]));
                }
                a
            }
            3 if self.is_enabled("psetex") => vec![b("PSETEX"), k, ms_s, v],
            4 if self.is_enabled("getex") => vec![b("GETEX"), k, b("PX"), ms_s],
            _ => vec![b("SET"), k, v, b("PX"), ms_s],
        };
        self.random_case(&mut argv[0]);
        argv
    }
}

pub fn cmd(name: &str, rest: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut v = vec![b(name)];
    v.extend(rest);
    v
}

/// Every command the generator knows. Weights are relative frequencies.
pub static COMMANDS: &[Entry] = &[
    // ---- strings
    Entry {
        name: "set",
        weight: 30,
        build: |g| {
            let mut a = cmd("SET", vec![g.key(), g.value()]);
            g.set_options(&mut a);
            a
        },
    },
    Entry { name: "get", weight: 20, build: |g| cmd("GET", vec![g.key()]) },
    Entry {
        name: "getex",
        weight: 6,
        build: |g| {
            let mut a = cmd("GETEX", vec![g.key()]);
            g.getex_options(&mut a);
            a
        },
    },
    Entry { name: "getdel", weight: 4, build: |g| cmd("GETDEL", vec![g.key()]) },
    Entry { name: "getset", weight: 4, build: |g| cmd("GETSET", vec![g.key(), g.value()]) },
    Entry { name: "mget", weight: 6, build: |g| cmd("MGET", g.keys(1, 5)) },
    Entry {
        name: "mset",
        weight: 6,
        build: |g| {
            let n = 1 + g.rng.below(3);
            let mut a = vec![b("MSET")];
            for _ in 0..n {
                a.push(g.key());
                a.push(g.value());
            }
            a
        },
    },
    Entry {
        name: "msetnx",
        weight: 4,
        build: |g| {
            let n = 1 + g.rng.below(3);
            let mut a = vec![b("MSETNX")];
            for _ in 0..n {
                a.push(g.key());
                a.push(g.value());
            }
            a
        },
    },
    Entry { name: "setnx", weight: 4, build: |g| cmd("SETNX", vec![g.key(), g.value()]) },
    Entry {
        name: "setex",
        weight: 4,
        build: |g| {
            let (k, s, v) = (g.key(), g.secs_arg(), g.value());
            cmd("SETEX", vec![k, s, v])
        },
    },
    Entry {
        name: "psetex",
        weight: 4,
        build: |g| {
            let (k, s, v) = (g.key(), g.ms_arg(), g.value());
            cmd("PSETEX", vec![k, s, v])
        },
    },
    Entry { name: "append", weight: 6, build: |g| cmd("APPEND", vec![g.key(), g.value()]) },
    Entry { name: "strlen", weight: 4, build: |g| cmd("STRLEN", vec![g.key()]) },
    Entry {
        name: "getrange",
        weight: 5,
        build: |g| {
            let (k, s, e) = (g.key(), g.small_int(), g.small_int());
            cmd("GETRANGE", vec![k, s, e])
        },
    },
    Entry {
        name: "setrange",
        weight: 5,
        build: |g| {
            let k = g.key();
            let off = match g.rng.below(12) {
                0 => b("-1"),
                1 => b("536870912"),
                2 => b("x"),
                _ => b(&g.rng.below(20).to_string()),
            };
            let v = g.value();
            cmd("SETRANGE", vec![k, off, v])
        },
    },
    Entry { name: "incr", weight: 8, build: |g| cmd("INCR", vec![g.key()]) },
    Entry { name: "decr", weight: 6, build: |g| cmd("DECR", vec![g.key()]) },
    Entry { name: "incrby", weight: 6, build: |g| cmd("INCRBY", vec![g.key(), g.int()]) },
    Entry { name: "decrby", weight: 6, build: |g| cmd("DECRBY", vec![g.key(), g.int()]) },
    Entry {
        name: "incrbyfloat",
        weight: 6,
        build: |g| {
            let k = g.key();
            let f = b(g.rng.pick(FLOATS));
            cmd("INCRBYFLOAT", vec![k, f])
        },
    },
    Entry {
        name: "lcs",
        weight: 4,
        build: |g| {
            let mut a = cmd("LCS", vec![g.key(), g.key()]);
            let n = g.rng.below(4);
            for _ in 0..n {
                match g.rng.below(5) {
                    0 => a.push(g.opt("LEN")),
                    1 => a.push(g.opt("IDX")),
                    2 => a.push(g.opt("WITHMATCHLEN")),
                    3 => {
                        a.push(g.opt("MINMATCHLEN"));
                        a.push(g.small_int());
                    }
                    _ => a.push(g.opt("FOO")),
                }
            }
            a
        },
    },
    // ---- keys
    Entry { name: "del", weight: 6, build: |g| cmd("DEL", g.keys(1, 4)) },
    Entry { name: "unlink", weight: 3, build: |g| cmd("UNLINK", g.keys(1, 4)) },
    Entry { name: "exists", weight: 6, build: |g| cmd("EXISTS", g.keys(1, 4)) },
    Entry { name: "type", weight: 4, build: |g| cmd("TYPE", vec![g.key()]) },
    Entry { name: "sort", weight: 3, build: |g| g.sort_cmd("SORT") },
    Entry { name: "sort_ro", weight: 3, build: |g| g.sort_cmd("SORT_RO") },
    Entry { name: "rename", weight: 4, build: |g| cmd("RENAME", vec![g.key(), g.key()]) },
    Entry { name: "renamenx", weight: 3, build: |g| cmd("RENAMENX", vec![g.key(), g.key()]) },
    Entry {
        name: "copy",
        weight: 4,
        build: |g| {
            let mut a = cmd("COPY", vec![g.key(), g.key()]);
            if g.rng.chance(1, 2) {
                a.push(g.opt("DB"));
                a.push(g.db_arg());
            }
            if g.rng.chance(1, 2) {
                a.push(g.opt("REPLACE"));
            }
            if g.rng.chance(1, 20) {
                a.push(g.opt("FOO"));
            }
            a
        },
    },
    Entry { name: "touch", weight: 3, build: |g| cmd("TOUCH", g.keys(1, 4)) },
    Entry {
        name: "expire",
        weight: 6,
        build: |g| {
            let mut a = cmd("EXPIRE", vec![g.key(), g.secs_arg()]);
            g.expire_options(&mut a);
            a
        },
    },
    Entry {
        name: "pexpire",
        weight: 5,
        build: |g| {
            let mut a = cmd("PEXPIRE", vec![g.key(), g.ms_arg()]);
            g.expire_options(&mut a);
            a
        },
    },
    Entry {
        name: "expireat",
        weight: 4,
        build: |g| {
            let mut a = cmd("EXPIREAT", vec![g.key(), g.unix_s_arg(true)]);
            g.expire_options(&mut a);
            a
        },
    },
    Entry {
        name: "pexpireat",
        weight: 4,
        build: |g| {
            let mut a = cmd("PEXPIREAT", vec![g.key(), g.unix_ms_arg(true)]);
            g.expire_options(&mut a);
            a
        },
    },
    Entry { name: "ttl", weight: 6, build: |g| cmd("TTL", vec![g.key()]) },
    Entry { name: "pttl", weight: 5, build: |g| cmd("PTTL", vec![g.key()]) },
    Entry { name: "persist", weight: 4, build: |g| cmd("PERSIST", vec![g.key()]) },
    Entry { name: "dbsize", weight: 3, build: |_| cmd("DBSIZE", vec![]) },
    Entry {
        name: "flushdb",
        weight: 1,
        build: |g| {
            let mut a = cmd("FLUSHDB", vec![]);
            match g.rng.below(5) {
                0 => a.push(g.opt("ASYNC")),
                1 => a.push(g.opt("SYNC")),
                2 => a.push(g.opt("LAZY")),
                _ => {}
            }
            a
        },
    },
    Entry { name: "select", weight: 3, build: |g| cmd("SELECT", vec![g.db_arg()]) },
    Entry { name: "expiretime", weight: 3, build: |g| cmd("EXPIRETIME", vec![g.key()]) },
    Entry { name: "pexpiretime", weight: 3, build: |g| cmd("PEXPIRETIME", vec![g.key()]) },
    Entry {
        name: "move",
        weight: 2,
        build: |g| {
            let (k, db) = (g.key(), g.db_arg());
            cmd("MOVE", vec![k, db])
        },
    },
    Entry {
        name: "swapdb",
        weight: 1,
        build: |g| {
            let (x, y) = (g.db_arg(), g.db_arg());
            cmd("SWAPDB", vec![x, y])
        },
    },
    Entry {
        name: "keys",
        weight: 2,
        build: |g| {
            let pats: &[&[u8]] =
                &[b"*", b"?", b"{t}*", b"k*", b"[ab]", b"\x00*", b"*:*", b"[^a]*", b""];
            let p = g.rng.pick(pats).to_vec();
            cmd("KEYS", vec![p])
        },
    },
    Entry {
        name: "substr",
        weight: 1,
        build: |g| {
            let (k, s, e) = (g.key(), g.small_int(), g.small_int());
            cmd("SUBSTR", vec![k, s, e])
        },
    },
    Entry {
        name: "object",
        weight: 2,
        build: |g| {
            let sub = g.opt_of(&["ENCODING", "ENCODING", "ENCODING", "FREQ", "NOSUCH"]);
            cmd("OBJECT", vec![sub, g.key()])
        },
    },
];
