//! Counters behind INFO, kept per worker thread and summed when read.
//!
//! Each worker owns a [`WorkerStats`] and is its only writer, so increments are a relaxed
//! load and store, never a locked read-modify-write, and no cache line moves between cores
//! on the hot path. INFO and CONFIG RESETSTAT read or reset every worker's counters.

pub mod info;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

use parking_lot::Mutex;

/// Per-command counters (INFO commandstats).
#[derive(Default)]
pub struct CmdStat {
    pub calls: AtomicU64,
    pub usec: AtomicU64,
    pub rejected: AtomicU64,
    pub failed: AtomicU64,
}

#[inline]
fn bump(a: &AtomicU64, n: u64) {
    a.store(a.load(Relaxed).wrapping_add(n), Relaxed);
}

/// One worker's counters.
pub struct WorkerStats {
    pub commands: AtomicU64,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub expired: AtomicU64,
    pub net_in: AtomicU64,
    pub net_out: AtomicU64,
    pub errors: AtomicU64,
    pub connections: AtomicU64,
    pub rejected_conns: AtomicU64,
    /// Indexed by command id (see `cmd::registry`).
    pub cmds: Box<[CmdStat]>,
    /// Error replies by code (`ERR`, `WRONGTYPE`, ...) for INFO errorstats.
    pub error_codes: Mutex<Vec<(String, u64)>>,
}

impl WorkerStats {
    /// Returns zeroed counters for `ncmds` command ids.
    pub fn new(ncmds: usize) -> Self {
        WorkerStats {
            commands: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            expired: AtomicU64::new(0),
            net_in: AtomicU64::new(0),
            net_out: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            rejected_conns: AtomicU64::new(0),
            cmds: (0..ncmds).map(|_| CmdStat::default()).collect(),
            error_codes: Mutex::new(Vec::new()),
        }
    }

    #[inline]
    pub fn hit(&self) {
        bump(&self.hits, 1);
    }
    #[inline]
    pub fn miss(&self) {
        bump(&self.misses, 1);
    }
    #[inline]
    pub fn expired(&self, n: u64) {
        bump(&self.expired, n);
    }
    #[inline]
    pub fn net_in(&self, n: u64) {
        bump(&self.net_in, n);
    }
    #[inline]
    pub fn net_out(&self, n: u64) {
        bump(&self.net_out, n);
    }
    #[inline]
    pub fn connection(&self) {
        bump(&self.connections, 1);
    }

    /// Records one executed command.
    #[inline]
    pub fn command(&self, id: usize, usec: u64, failed: bool) {
        bump(&self.commands, 1);
        if let Some(c) = self.cmds.get(id) {
            bump(&c.calls, 1);
            bump(&c.usec, usec);
            if failed {
                bump(&c.failed, 1);
            }
        }
    }

    /// Records a command rejected before it ran (arity, auth, ...).
    pub fn rejected(&self, id: Option<usize>) {
        if let Some(c) = id.and_then(|i| self.cmds.get(i)) {
            bump(&c.rejected, 1);
        }
    }

    /// Records an error reply by its code (the first word).
    pub fn error_reply(&self, text: &str) {
        bump(&self.errors, 1);
        let code = text.split(' ').next().unwrap_or("ERR");
        let mut v = self.error_codes.lock();
        if let Some(e) = v.iter_mut().find(|(c, _)| c == code) {
            e.1 += 1;
        } else if v.len() < 128 {
            v.push((code.to_string(), 1));
        }
    }

    /// Zeroes every counter (CONFIG RESETSTAT).
    pub fn reset(&self) {
        for a in [
            &self.commands,
            &self.hits,
            &self.misses,
            &self.expired,
            &self.net_in,
            &self.net_out,
            &self.errors,
            &self.connections,
            &self.rejected_conns,
        ] {
            a.store(0, Relaxed);
        }
        for c in self.cmds.iter() {
            for a in [&c.calls, &c.usec, &c.rejected, &c.failed] {
                a.store(0, Relaxed);
            }
        }
        self.error_codes.lock().clear();
    }
}

/// Samples kept for the `instantaneous_*` metrics (Redis: 16 samples, one per 100 ms).
const INST_SAMPLES: usize = 16;

/// The last [`INST_SAMPLES`] per-second rates of one metric.
#[derive(Default)]
struct Rate {
    last_value: u64,
    samples: [f64; INST_SAMPLES],
    idx: usize,
}

impl Rate {
    fn add(&mut self, value: u64, elapsed_ms: u64) {
        let delta = value.saturating_sub(self.last_value);
        self.last_value = value;
        self.samples[self.idx] = delta as f64 * 1000.0 / elapsed_ms.max(1) as f64;
        self.idx = (self.idx + 1) % INST_SAMPLES;
    }

    fn mean(&self) -> f64 {
        self.samples.iter().sum::<f64>() / INST_SAMPLES as f64
    }
}

/// Instantaneous rates: commands, input bytes, output bytes.
#[derive(Default)]
struct Instant3 {
    last_ms: i64,
    ops: Rate,
    net_in: Rate,
    net_out: Rate,
}

/// Every worker's counters, plus server-wide ones that are not on a hot path.
pub struct Stats {
    workers: Mutex<Vec<Arc<WorkerStats>>>,
    ncmds: usize,
    inst: Mutex<Instant3>,
    /// Unix seconds when the server state was created (INFO, LASTSAVE before any save).
    pub start_unix: i64,
    /// Unix seconds of the last successful save (LASTSAVE, `rdb_last_save_time`).
    pub last_save: AtomicI64,
    /// Highest `used_memory` seen (INFO `used_memory_peak`).
    pub mem_peak: AtomicU64,
    pub expired_stale_perc: Mutex<f64>,
    pub expire_cycle_time_cap: AtomicU64,
    pub expire_cycle_cpu_ms: AtomicU64,
}

impl Stats {
    /// Creates the registry for `ncmds` command ids.
    pub fn new(ncmds: usize) -> Self {
        let start_unix = crate::util::time::now_ms() / 1000;
        Stats {
            workers: Mutex::new(Vec::new()),
            ncmds,
            inst: Mutex::new(Instant3::default()),
            start_unix,
            last_save: AtomicI64::new(start_unix),
            mem_peak: AtomicU64::new(0),
            expired_stale_perc: Mutex::new(0.0),
            expire_cycle_time_cap: AtomicU64::new(0),
            expire_cycle_cpu_ms: AtomicU64::new(0),
        }
    }

    /// Registers a new writer (a worker thread, the cron) and returns its counters.
    pub fn register(&self) -> Arc<WorkerStats> {
        let w = Arc::new(WorkerStats::new(self.ncmds));
        self.workers.lock().push(w.clone());
        w
    }

    /// Sums one counter over all workers.
    pub fn sum(&self, f: impl Fn(&WorkerStats) -> &AtomicU64) -> u64 {
        self.workers.lock().iter().map(|w| f(w).load(Relaxed)).sum()
    }

    /// Sums the counters of command `id`: (calls, usec, rejected, failed).
    pub fn cmd(&self, id: usize) -> (u64, u64, u64, u64) {
        let mut t = (0, 0, 0, 0);
        for w in self.workers.lock().iter() {
            if let Some(c) = w.cmds.get(id) {
                t.0 += c.calls.load(Relaxed);
                t.1 += c.usec.load(Relaxed);
                t.2 += c.rejected.load(Relaxed);
                t.3 += c.failed.load(Relaxed);
            }
        }
        t
    }

    /// Error counts by code, summed over workers, sorted by code.
    pub fn error_codes(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = Vec::new();
        for w in self.workers.lock().iter() {
            for (c, n) in w.error_codes.lock().iter() {
                if let Some(e) = out.iter_mut().find(|(k, _)| k == c) {
                    e.1 += n;
                } else {
                    out.push((c.clone(), *n));
                }
            }
        }
        out.sort();
        out
    }

    /// Takes one sample of the instantaneous metrics; called by the cron, acts at most every
    /// 100 ms as Redis's `trackInstantaneousMetric`.
    pub fn sample_instantaneous(&self) {
        let now = crate::util::time::now_ms();
        let ops = self.sum(|w| &w.commands);
        let net_in = self.sum(|w| &w.net_in);
        let net_out = self.sum(|w| &w.net_out);
        let mut g = self.inst.lock();
        if g.last_ms == 0 {
            g.last_ms = now;
            g.ops.last_value = ops;
            g.net_in.last_value = net_in;
            g.net_out.last_value = net_out;
            return;
        }
        let elapsed = now - g.last_ms;
        if elapsed < 100 {
            return;
        }
        g.last_ms = now;
        let e = elapsed as u64;
        g.ops.add(ops, e);
        g.net_in.add(net_in, e);
        g.net_out.add(net_out, e);
    }

    /// `(ops/sec, input bytes/sec, output bytes/sec)`, averaged over the recent samples.
    pub fn instantaneous(&self) -> (f64, f64, f64) {
        let g = self.inst.lock();
        (g.ops.mean(), g.net_in.mean(), g.net_out.mean())
    }

    /// Zeroes every worker's counters.
    pub fn reset(&self) {
        for w in self.workers.lock().iter() {
            w.reset();
        }
        self.expire_cycle_time_cap.store(0, Relaxed);
        self.expire_cycle_cpu_ms.store(0, Relaxed);
        self.mem_peak.store(0, Relaxed);
        *self.inst.lock() = Instant3::default();
    }
}
