//! The AOF writer: a dedicated thread that subscribes to the propagation stream and appends
//! every record to the current incr file as RESP (`*N\r\n$len\r\n...`), with a `SELECT` when
//! the database changes and `#TS:` annotations under `aof-timestamp-enabled`, as Redis's
//! `feedAppendOnlyFile` does.
//!
//! Each cycle drains every record available, writes them with one `write(2)` and then
//! applies `appendfsync`:
//! * `always`: `fdatasync` at once, then publish the seq synced and wake the connections
//!   waiting for it (group commit: all writes of the cycle share one fsync);
//! * `everysec`: `fdatasync` when a second has passed since the last one (also when idle);
//! * `no`: never; the OS flushes.
//!
//! **Why "synced >= target" is exact.** The propagator numbers records under its subscribers
//! lock, right before sending them, so this thread receives seqs in order and without gaps
//! from the point it subscribed. Its `next` (one past the last record received) therefore
//! means "every record below `next` was received"; after the write and fsync of a cycle it
//! publishes `next` as `synced`. A connection that ran a batch reads the propagator's
//! `next_seq` (every seq below it already sent) and waits until `synced` reaches it, so every
//! write it ran — and every write it could have observed — is on disk before its replies go
//! out, like Redis's `beforeSleep` flush before writing to clients.
//!
//! A rewrite switches files at an exact point of the stream: `at_start` (all shards locked)
//! installs a [`Switch`] at the propagator's `next_seq`; records below it go to the old file,
//! the others to the new one (after the old file was fsynced).

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::AofState;
use crate::repl::propagate::{Feed, Record};
use crate::server::Server;

/// A pending change of output file, effective from record `at` on.
pub struct Switch {
    pub at: u64,
    pub file: File,
    pub path: PathBuf,
}

/// Appends one command in RESP multibulk form (`catAppendOnlyGenericCommand`).
pub fn cat_command<'a>(out: &mut Vec<u8>, args: impl ExactSizeIterator<Item = &'a [u8]>) {
    out.push(b'*');
    out.extend_from_slice(itoa::Buffer::new().format(args.len()).as_bytes());
    out.extend_from_slice(b"\r\n");
    for a in args {
        out.push(b'$');
        out.extend_from_slice(itoa::Buffer::new().format(a.len()).as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// Opens a file for appending (created if missing).
pub fn open_append(path: &std::path::Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new().append(true).create(true).open(path)
}

/// What the writer thread owns.
struct Writer {
    srv: Arc<Server>,
    rx: Arc<Feed>,
    /// The batch being formatted (kept to reuse its allocation).
    batch: Vec<Record>,
    file: File,
    /// One past the last seq received.
    next: u64,
    selected: Option<usize>,
    last_ts: i64,
    /// `aof-timestamp-enabled`, read once per cycle.
    ts_enabled: bool,
    buf: Vec<u8>,
    /// Bytes written but not fsynced yet.
    unsynced: bool,
    last_fsync: Instant,
    generation: u64,
}

/// Starts the writer thread on `file`, receiving from `rx` whose first seq is `next`.
/// `alive` is cleared when the thread ends.
pub fn spawn(
    srv: Arc<Server>,
    rx: Arc<Feed>,
    next: u64,
    file: File,
    generation: u64,
    alive: Arc<AtomicBool>,
) {
    let aof = &srv.persist.aof;
    aof.synced.store(next, Release);
    let mut w = Writer {
        srv: srv.clone(),
        rx,
        batch: Vec::new(),
        file,
        next,
        selected: None,
        last_ts: 0,
        ts_enabled: false,
        buf: Vec::with_capacity(64 * 1024),
        unsynced: false,
        last_fsync: Instant::now(),
        generation,
    };
    let flag = alive.clone();
    let spawned = std::thread::Builder::new().name("aof-writer".into()).spawn(move || {
        w.run();
        flag.store(false, Release);
    });
    if let Err(e) = spawned {
        alive.store(false, Release);
        crate::warning!("Can't start the AOF writer thread: {e}");
    }
}

impl Drop for Writer {
    /// Unsubscribes: nothing is queued for a writer that is gone.
    fn drop(&mut self) {
        self.rx.close();
    }
}

impl Writer {
    fn aof(&self) -> &AofState {
        &self.srv.persist.aof
    }

    fn run(&mut self) {
        loop {
            let running = self.aof().generation.load(Acquire) == self.generation;
            self.ts_enabled =
                self.srv.config.get("aof-timestamp-enabled").as_deref() == Some("yes");
            // `always` takes each round its waiters kick; the other policies sleep until
            // records come (an idle server costs nothing) and take at most one batch per
            // millisecond, so a write costs its worker no wake-up under load.
            let always = self.policy() == Policy::Always;
            let mut batch = std::mem::take(&mut self.batch);
            if !running {
                self.rx.take(&mut batch, Duration::ZERO, Duration::ZERO);
            } else if always {
                self.rx.take_kicked(&mut batch, Duration::from_millis(100));
            } else {
                self.rx.take(&mut batch, self.max_sleep(), Duration::from_millis(1));
            }
            for r in batch.drain(..) {
                self.take(r);
            }
            self.batch = batch;
            self.maybe_switch();
            self.flush();
            self.sync_per_policy();
            if !running {
                // Stopped (CONFIG SET appendonly no): everything received is written; sync
                // it, as Redis's stopAppendOnly does, and leave.
                self.fsync();
                break;
            }
        }
    }

    /// Formats one record into the buffer, switching files first when it is due.
    fn take(&mut self, r: Record) {
        if self.aof().switch_pending.load(Acquire) {
            let due = self.aof().switch.lock().as_ref().is_some_and(|s| r.seq >= s.at);
            if due {
                self.flush();
                self.switch_now();
            }
        }
        self.next = r.seq + 1;
        if self.ts_enabled {
            let now = crate::util::time::now_ms() / 1000;
            if now > self.last_ts {
                self.last_ts = now;
                self.buf.extend_from_slice(format!("#TS:{now}\r\n").as_bytes());
            }
        }
        if r.db != crate::repl::propagate::NO_DB && self.selected != Some(r.db) {
            let db = r.db.to_string();
            cat_command(&mut self.buf, [b"SELECT".as_slice(), db.as_bytes()].into_iter());
            self.selected = Some(r.db);
        }
        cat_command(&mut self.buf, r.argv.view().iter());
    }

    /// Switches files when every record below the switch point has been received.
    fn maybe_switch(&mut self) {
        if !self.aof().switch_pending.load(Acquire) {
            return;
        }
        let due = self.aof().switch.lock().as_ref().is_some_and(|s| self.next >= s.at);
        if due {
            self.flush();
            self.switch_now();
        }
    }

    fn switch_now(&mut self) {
        let Some(sw) = self.aof().switch.lock().take() else { return };
        self.aof().switch_pending.store(false, Release);
        self.fsync();
        if !self.buf.is_empty() {
            // The old file could not take them; the new base (a snapshot at the switch
            // point) holds their effects, so writing them to the new file would apply them
            // twice on load.
            crate::warning!(
                "Dropping {} bytes the old AOF file could not take: the new base covers them",
                self.buf.len()
            );
            self.buf.clear();
        }
        self.write_ok();
        self.file = sw.file;
        self.selected = None;
        self.last_ts = 0;
        *self.aof().current_path.lock() = Some(sw.path);
        self.aof().incr_size.store(0, Relaxed);
    }

    /// Writes the buffer; a failure under `always` ends the process (Redis: the reply may
    /// already be promised), otherwise writes are refused with `-MISCONF` until a retry
    /// succeeds (the buffer is kept; a partial write is cut off the file first, so the retry
    /// does not leave half a command in it, as Redis's `flushAppendOnlyFile` does).
    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let mut written = 0;
        let res = loop {
            match self.file.write(&self.buf[written..]) {
                Ok(0) => break Err(std::io::Error::from(std::io::ErrorKind::WriteZero)),
                Ok(n) => {
                    written += n;
                    if written == self.buf.len() {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        match res {
            Ok(()) => {
                self.account(written);
                self.buf.clear();
                self.write_ok();
            }
            Err(e) => {
                let text = crate::config::os_error_text(&e);
                if self.policy() == Policy::Always {
                    crate::warning!("Error writing to the AOF file: {text}");
                    crate::warning!(
                        "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."
                    );
                    std::process::exit(1);
                }
                if written > 0 && !self.cut_partial(written) {
                    // The file keeps the prefix: retry only the rest.
                    self.account(written);
                    self.buf.drain(..written);
                }
                let errno = e.raw_os_error().unwrap_or(libc::EIO);
                if self.aof().write_errno.swap(errno, Relaxed) == 0 {
                    crate::warning!("Error writing to the AOF file: {text}");
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// Clears a write error (writes are accepted again).
    fn write_ok(&self) {
        if self.aof().write_errno.swap(0, Relaxed) != 0 {
            crate::warning!("AOF write error looks solved, Redis can write again.");
        }
    }

    /// Counts `n` bytes written to the current file.
    fn account(&mut self, n: usize) {
        let aof = self.aof();
        aof.current_size.fetch_add(n as u64, Relaxed);
        aof.incr_size.fetch_add(n as u64, Relaxed);
        self.unsynced = true;
    }

    /// Truncates the `written` bytes of a failed write off the end of the file.
    fn cut_partial(&mut self, written: usize) -> bool {
        let cut = self.file.metadata().and_then(|m| {
            let len = m.len().saturating_sub(written as u64);
            self.file.set_len(len)
        });
        match cut {
            Ok(()) => true,
            Err(e) => {
                crate::warning!(
                    "Could not remove short write from the append-only file. Redis may refuse to load the AOF the next time it starts. ftruncate: {}",
                    crate::config::os_error_text(&e)
                );
                false
            }
        }
    }

    fn policy(&self) -> Policy {
        Policy::of(&self.srv.config.settings().appendfsync)
    }

    /// How long the writer may sleep without records: until the next `everysec` fsync is
    /// due when something is unsynced, else a second (it re-reads its settings then).
    fn max_sleep(&self) -> Duration {
        let second = Duration::from_secs(1);
        if self.unsynced && self.policy() == Policy::EverySec {
            second.saturating_sub(self.last_fsync.elapsed()).max(Duration::from_millis(1))
        } else {
            second
        }
    }

    fn sync_per_policy(&mut self) {
        let skip = self.aof().no_fsync_now(&self.srv);
        match self.policy() {
            Policy::Always => {
                if !skip {
                    self.fsync();
                }
                self.publish();
            }
            Policy::EverySec => {
                if self.unsynced && !skip && self.last_fsync.elapsed() >= Duration::from_secs(1) {
                    self.fsync();
                }
                self.publish();
            }
            Policy::No => self.publish(),
        }
    }

    fn fsync(&mut self) {
        self.flush();
        if !self.unsynced {
            return;
        }
        if let Err(e) = self.file.sync_data() {
            let text = crate::config::os_error_text(&e);
            if self.policy() == Policy::Always {
                crate::warning!(
                    "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {text}. Exiting..."
                );
                std::process::exit(1);
            }
            crate::warning!("Fail to fsync the AOF file: {text}");
            self.aof().fsync_errno.store(e.raw_os_error().unwrap_or(libc::EIO), Relaxed);
            return;
        }
        self.aof().fsync_errno.store(0, Relaxed);
        self.unsynced = false;
        self.last_fsync = Instant::now();
    }

    /// Publishes how far the file is written (and synced, per policy) and wakes waiters.
    fn publish(&self) {
        let aof = self.aof();
        if aof.synced.load(Relaxed) < self.next {
            aof.synced.store(self.next, Release);
            aof.notify.notify_waiters();
        }
    }
}

/// `appendfsync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Always,
    EverySec,
    No,
}

impl Policy {
    pub fn of(s: &str) -> Policy {
        match s {
            "always" => Policy::Always,
            "no" => Policy::No,
            _ => Policy::EverySec,
        }
    }
}
