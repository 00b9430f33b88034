//! The append-only file, Redis 7 multi-part layout. See `persist/mod.rs`.
//!
//! * `manifest.rs`: the manifest (which base, incr and history files make up the AOF);
//! * `writer.rs`: the writer thread fed by the propagation stream, fsync policies, group
//!   commit;
//! * `load.rs`: loading at startup (base RDB or commands, then the incr files) and the
//!   command reader shared with `ferrodis-check-aof`;
//! * `base_cmds.rs`: the commands form of a base (`aof-use-rdb-preamble no`);
//! * `rdb_base.rs`: RDB bases (reading them, the empty base of a fresh AOF);
//! * this file: the shared state, startup, CONFIG SET appendonly, BGREWRITEAOF and the
//!   automatic rewrite, INFO fields, and the wait a connection does before replying under
//!   `appendfsync always`.
//!
//! States as Redis's `aof_state`: off; waiting for the rewrite that turns it on (CONFIG SET
//! appendonly yes: the writer already logs into `temp-<appendfilename>.incr`, which becomes an
//! incr file when the base is written); on.

pub mod base_cmds;
pub mod load;
pub mod manifest;
pub mod rdb_base;
pub mod writer;

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicU64, AtomicU8};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use crate::persist::snapshot::{self, Purpose, SnapshotStats};
use crate::server::Server;
use crate::{notice, warning};
use manifest::Manifest;
use writer::{Policy, Switch};

const OFF: u8 = 0;
const WAIT_REWRITE: u8 = 1;
const ON: u8 = 2;

/// AOF state shared by the server.
pub struct AofState {
    state: AtomicU8,
    /// Every record with a seq below this is written (and fsynced under `always`).
    pub(crate) synced: AtomicU64,
    /// Wakes the connections waiting for `synced` (group commit).
    pub(crate) notify: tokio::sync::Notify,
    /// The running writer's feed, kicked by the connections that wait for it.
    feed: Mutex<Option<Arc<crate::repl::propagate::Feed>>>,
    /// A writer runs under `appendfsync always`: connections wait before replying.
    group_commit: AtomicBool,
    /// Bumped to stop the running writer (it exits when its generation is stale).
    pub(crate) generation: AtomicU64,
    writer_alive: Arc<AtomicBool>,
    pub(crate) switch: Mutex<Option<Switch>>,
    pub(crate) switch_pending: AtomicBool,
    pub(crate) current_path: Mutex<Option<PathBuf>>,
    /// Base + incr files (`aof_current_size`).
    pub(crate) current_size: AtomicU64,
    /// The incr file being written.
    pub(crate) incr_size: AtomicU64,
    base_size: AtomicU64,
    /// errno of the last failed write to the AOF (0: the last write succeeded).
    pub(crate) write_errno: AtomicI32,
    /// errno of the last failed fsync (0: the last fsync succeeded).
    pub(crate) fsync_errno: AtomicI32,
    inner: Mutex<Inner>,
    me: Mutex<Weak<Server>>,
    rewrite_in_progress: AtomicBool,
    /// The running rewrite could not open its new incr file: its result must be dropped.
    rewrite_doomed: AtomicBool,
    rewrite_scheduled: AtomicBool,
    /// Unix seconds when the running rewrite started (-1: none).
    rewrite_started: AtomicI64,
    last_rewrite_secs: AtomicI64,
    last_rewrite_ok: AtomicBool,
    rewrites: AtomicU64,
    /// Peak bytes serialized ahead of the last rewrite's walker (`aof_last_cow_size`).
    last_cow: AtomicU64,
    consecutive_failures: AtomicU64,
    /// Unix seconds of the last failed automatic start (limits retries).
    last_auto_failure: AtomicI64,
}

#[derive(Default)]
struct Inner {
    manifest: Manifest,
    /// The incr file opened at startup, handed to the writer by [`start`].
    opened: Option<(File, PathBuf)>,
}

impl Default for AofState {
    fn default() -> Self {
        AofState {
            state: AtomicU8::new(OFF),
            synced: AtomicU64::new(0),
            notify: tokio::sync::Notify::new(),
            feed: Mutex::new(None),
            group_commit: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            writer_alive: Arc::new(AtomicBool::new(false)),
            switch: Mutex::new(None),
            switch_pending: AtomicBool::new(false),
            current_path: Mutex::new(None),
            current_size: AtomicU64::new(0),
            incr_size: AtomicU64::new(0),
            base_size: AtomicU64::new(0),
            write_errno: AtomicI32::new(0),
            fsync_errno: AtomicI32::new(0),
            inner: Mutex::new(Inner::default()),
            me: Mutex::new(Weak::new()),
            rewrite_in_progress: AtomicBool::new(false),
            rewrite_doomed: AtomicBool::new(false),
            rewrite_scheduled: AtomicBool::new(false),
            rewrite_started: AtomicI64::new(-1),
            last_rewrite_secs: AtomicI64::new(-1),
            last_rewrite_ok: AtomicBool::new(true),
            rewrites: AtomicU64::new(0),
            last_cow: AtomicU64::new(0),
            consecutive_failures: AtomicU64::new(0),
            last_auto_failure: AtomicI64::new(0),
        }
    }
}

impl AofState {
    /// True when `no-appendfsync-on-rewrite yes` and a snapshot (BGSAVE or rewrite, Redis's
    /// "child process") runs: fsyncs are skipped.
    pub(crate) fn no_fsync_now(&self, srv: &Server) -> bool {
        srv.persist.snapshot.running().is_some()
            && srv.config.get("no-appendfsync-on-rewrite").as_deref() == Some("yes")
    }

    /// Redis's `writeCommandsDeniedByDiskError` for the AOF: the errno of the last failed
    /// write or fsync while the AOF is on.
    pub(crate) fn disk_errno(&self) -> Option<i32> {
        if self.state.load(Relaxed) == OFF {
            return None;
        }
        match (self.write_errno.load(Relaxed), self.fsync_errno.load(Relaxed)) {
            (0, 0) => None,
            (0, e) | (e, _) => Some(e),
        }
    }

    fn is_on(&self) -> bool {
        self.state.load(Acquire) == ON
    }
}

/// `aof-use-rdb-preamble`: bases are RDB (else commands).
fn rdb_preamble(srv: &Server) -> bool {
    srv.config.get("aof-use-rdb-preamble").as_deref() != Some("no")
}

/// The configured names: (directory, file name prefix).
fn names(srv: &Server) -> (PathBuf, String) {
    let dir = load::aof_dir(srv);
    let prefix = srv.config.get("appendfilename").unwrap_or_else(|| "appendonly.aof".into());
    (dir, prefix)
}

fn os(e: &std::io::Error) -> String {
    crate::config::os_error_text(e)
}

fn create_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("Can't open or create append-only dir {}: {}", dir.display(), os(&e)))
}

/// Loads the AOF directory when `appendonly yes`. Returns Ok(false) when the AOF is off (the
/// caller then loads the RDB file), Ok(true) when the AOF was loaded (or was absent and
/// created empty). Called at startup before clients are accepted.
pub fn load_at_startup(srv: &Arc<Server>) -> Result<bool, String> {
    *srv.persist.aof.me.lock() = Arc::downgrade(srv);
    if !srv.config.settings().appendonly {
        return Ok(false);
    }
    let (dir, prefix) = names(srv);
    let mut am = manifest::load(&dir, &prefix)?.unwrap_or_default();
    upgrade_if_needed(&dir, &prefix, &mut am)?;
    let aof = &srv.persist.aof;
    if am.base.is_some() || !am.incr.is_empty() {
        let (total, base) = load::load_all(srv, &dir, &am, &prefix)?;
        aof.current_size.store(total, Relaxed);
        aof.base_size.store(base, Relaxed);
    }
    open_on_start(srv, &dir, &prefix, am)?;
    Ok(true)
}

/// Redis 7's upgrade of an old single `appendonly.aof` in `dir` (`aofUpgradePrepare`).
fn upgrade_if_needed(dir: &Path, prefix: &str, am: &mut Manifest) -> Result<(), String> {
    if !Path::new(prefix).is_file() {
        return Ok(());
    }
    let only_old_base = am.incr.is_empty()
        && am.base.as_ref().is_some_and(|b| b.name == prefix)
        && !dir.join(prefix).exists();
    let empty = am.base.is_none() && am.incr.is_empty();
    if dir.is_dir() && !empty && !only_old_base {
        return Ok(());
    }
    create_dir(dir)?;
    am.base = Some(manifest::AofFile {
        name: prefix.to_string(),
        seq: 1,
        kind: manifest::FileType::Base,
    });
    am.base_seq = 1;
    manifest::persist(dir, prefix, am)?;
    std::fs::rename(prefix, dir.join(prefix)).map_err(|e| {
        format!(
            "Error trying to move the old AOF file {prefix} into dir {}: {}",
            dir.display(),
            os(&e)
        )
    })?;
    notice!(
        "Successfully migrated an old-style AOF file ({prefix}) into the AOF directory ({}).",
        dir.display()
    );
    Ok(())
}

/// `aofOpenIfNeededOnServerStart`: creates the directory, a base when the AOF is new (the
/// dataset is empty then), opens the last incr file (or a new one) and persists the manifest.
fn open_on_start(srv: &Server, dir: &Path, prefix: &str, mut am: Manifest) -> Result<(), String> {
    create_dir(dir)?;
    let aof = &srv.persist.aof;
    if am.base.is_none() && am.incr.is_empty() {
        let rdb = rdb_preamble(srv);
        let name = am.new_base(prefix, rdb);
        let bytes = if rdb { snapshot::empty_rdb(srv, Purpose::AofBase) } else { Vec::new() };
        write_file_synced(&dir.join(&name), &bytes)?;
        // Redis leaves aof_current_size / aof_base_size at 0 for a base made at start.
        notice!("Creating AOF base file {name} on server start");
    }
    let had_incr = !am.incr.is_empty();
    let name = am.last_incr(prefix);
    let path = dir.join(&name);
    let file = writer::open_append(&path)
        .map_err(|e| format!("Can't open the append-only file {name}: {}", os(&e)))?;
    manifest::persist(dir, prefix, &am)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    aof.incr_size.store(size, Relaxed);
    if had_incr {
        notice!("Opening AOF incr file {name} on server start");
    } else {
        notice!("Creating AOF incr file {name} on server start");
    }
    let mut inner = aof.inner.lock();
    inner.manifest = am;
    inner.opened = Some((file, path));
    aof.state.store(ON, Release);
    Ok(())
}

fn write_file_synced(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut f = File::create(path).map_err(|e| format!("{}: {}", path.display(), os(&e)))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("Write error writing append only file on disk: {}", os(&e)))
}

/// Starts the AOF writer if `appendonly yes` (subscribes to the propagation stream).
pub fn start(srv: &Arc<Server>) {
    *srv.persist.aof.me.lock() = Arc::downgrade(srv);
    if !srv.config.settings().appendonly {
        return;
    }
    let aof = &srv.persist.aof;
    let opened = aof.inner.lock().opened.take();
    let opened = match opened {
        Some(o) => o,
        None => {
            // Not loaded at startup (an embedding that skipped load_at_startup): open now.
            let (dir, prefix) = names(srv);
            let am = match manifest::load(&dir, &prefix) {
                Ok(m) => m.unwrap_or_default(),
                Err(e) => {
                    warning!("{e}");
                    return;
                }
            };
            if let Err(e) = open_on_start(srv, &dir, &prefix, am) {
                warning!("{e}");
                return;
            }
            let Some(o) = aof.inner.lock().opened.take() else { return };
            o
        }
    };
    spawn_writer(srv, opened.0, opened.1);
}

/// Subscribes and starts a writer on `file`. Call with the shards locked when the start
/// point matters (rewrites).
fn spawn_writer(srv: &Arc<Server>, file: File, path: PathBuf) {
    let aof = &srv.persist.aof;
    // One writer at a time: stop a previous one (a failed enabling rewrite's) and let it
    // finish.
    if aof.writer_alive.load(Acquire) {
        stop_writer(srv);
        wait_writer_exit(aof, std::time::Duration::from_secs(5));
    }
    let gen = aof.generation.fetch_add(1, AcqRel) + 1;
    *aof.current_path.lock() = Some(path);
    let (rx, next) = srv.prop.subscribe_feed();
    *aof.feed.lock() = Some(rx.clone());
    aof.writer_alive.store(true, Release);
    writer::spawn(srv.clone(), rx, next, file, gen, aof.writer_alive.clone());
    refresh_group_commit(srv);
}

fn wait_writer_exit(aof: &AofState, max: std::time::Duration) {
    let until = std::time::Instant::now() + max;
    while aof.writer_alive.load(Acquire) && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Stops the writer: it writes and fsyncs what it received, then exits.
fn stop_writer(srv: &Server) {
    let aof = &srv.persist.aof;
    aof.generation.fetch_add(1, AcqRel);
    aof.group_commit.store(false, Release);
    aof.notify.notify_waiters();
    kick(aof);
}

fn kick(aof: &AofState) {
    if let Some(feed) = aof.feed.lock().as_ref() {
        feed.kick();
    }
}

fn refresh_group_commit(srv: &Server) {
    let aof = &srv.persist.aof;
    let always = Policy::of(&srv.config.settings().appendfsync) == Policy::Always;
    let on = always && aof.writer_alive.load(Acquire) && aof.state.load(Acquire) != OFF;
    aof.group_commit.store(on, Release);
    aof.notify.notify_waiters();
    kick(aof);
}

/// At shutdown: lets the writer write and fsync everything it received (bounded wait).
pub fn shutdown(srv: &Server) {
    let aof = &srv.persist.aof;
    if aof.writer_alive.load(Acquire) {
        stop_writer(srv);
        wait_writer_exit(aof, std::time::Duration::from_secs(5));
    }
}

/// Waits, under `appendfsync always`, until every write executed so far is on disk: called
/// by a connection after running a batch and before writing its replies. Costs one atomic
/// load otherwise. Returns true when it waited (after a yield: the worker's round is over,
/// so the caller writes its replies without yielding again).
pub async fn wait_durable(srv: &Server) -> bool {
    let aof = &srv.persist.aof;
    if !aof.group_commit.load(Acquire) {
        return false;
    }
    // Let every other connection with input ready on this worker run its batch first
    // (yield_now returns after the I/O driver was polled), then ask the writer for one
    // write + fsync covering the whole round: what Redis does in beforeSleep, without
    // blocking the worker during the fsync.
    // Every record below `target` is already in the feed, so the batch the kick asks for
    // contains them.
    tokio::task::yield_now().await;
    let target = srv.prop.next_seq();
    kick(aof);
    loop {
        let notified = aof.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if aof.synced.load(Acquire) >= target || !aof.group_commit.load(Acquire) {
            return true;
        }
        notified.await;
    }
}

/// Applies CONFIG SET of AOF parameters (called after the values changed).
pub fn config_changed(srv: &Server, names: &[&str]) {
    let Some(arc) = srv.persist.aof.me.lock().upgrade() else { return };
    if names.contains(&"appendonly") {
        let want = srv.config.settings().appendonly;
        let state = srv.persist.aof.state.load(Acquire);
        if want && state == OFF {
            enable(&arc);
        } else if !want && state != OFF {
            disable(&arc);
        }
    }
    if names.contains(&"appendfsync") {
        refresh_group_commit(srv);
    }
}

/// `startAppendOnly`: turns the AOF on with a rewrite writing the base.
fn enable(srv: &Arc<Server>) {
    let aof = &srv.persist.aof;
    aof.state.store(WAIT_REWRITE, Release);
    aof.write_errno.store(0, Relaxed);
    aof.fsync_errno.store(0, Relaxed);
    match rewrite_background(srv) {
        Ok(()) => {}
        Err(RewriteError::Busy) => {
            aof.rewrite_scheduled.store(true, Relaxed);
            warning!("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.");
        }
        Err(RewriteError::Failed(e)) => {
            aof.state.store(OFF, Release);
            warning!("{e}");
            warning!("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
        }
    }
}

fn open_truncate(path: &Path) -> Result<File, String> {
    std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(path).map_err(|e| {
        format!(
            "Can't open the append-only file {}: {}",
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            os(&e)
        )
    })
}

/// `stopAppendOnly`.
fn disable(srv: &Arc<Server>) {
    let aof = &srv.persist.aof;
    // A running rewrite is abandoned (Redis kills its child).
    if aof.rewrite_in_progress.load(Acquire) {
        aof.rewrite_doomed.store(true, Relaxed);
    }
    stop_writer(srv);
    wait_writer_exit(aof, std::time::Duration::from_secs(5));
    aof.state.store(OFF, Release);
    aof.rewrite_scheduled.store(false, Relaxed);
    *aof.switch.lock() = None;
    aof.switch_pending.store(false, Release);
}

/// Why a rewrite did not start.
#[derive(Debug)]
pub enum RewriteError {
    /// Another snapshot runs: schedule it.
    Busy,
    Failed(String),
}

fn unix_now() -> i64 {
    crate::util::time::now_ms() / 1000
}

/// `rewriteAppendOnlyFileBackground`: a snapshot writes the next base; at its point in time
/// the writer moves to a new incr file; when it is done the manifest names the new base and
/// the old files become history (deleted unless `aof-disable-auto-gc`).
pub fn rewrite_background(srv: &Arc<Server>) -> Result<(), RewriteError> {
    let aof = &srv.persist.aof;
    if srv.persist.snapshot.running().is_some() {
        return Err(RewriteError::Busy);
    }
    if aof.rewrite_in_progress.swap(true, AcqRel) {
        return Err(RewriteError::Busy);
    }
    let (dir, prefix) = names(srv);
    if let Err(e) = create_dir(&dir) {
        aof.rewrite_in_progress.store(false, Release);
        aof.last_rewrite_ok.store(false, Relaxed);
        return Err(RewriteError::Failed(e));
    }
    aof.rewrite_doomed.store(false, Relaxed);
    let rdb = rdb_preamble(srv);
    let ext = if rdb { "rdb" } else { "aof" };
    let base_name = format!("{prefix}.{}.base.{ext}", aof.inner.lock().manifest.base_seq + 1);
    let purpose = if rdb { Purpose::AofBase } else { Purpose::AofCommands };
    let enabling = aof.state.load(Acquire) == WAIT_REWRITE;
    let temp_incr = dir.join(format!("temp-{prefix}.incr"));
    let (s1, s2) = (srv.clone(), srv.clone());
    let (dir1, prefix1, temp1) = (dir.clone(), prefix.clone(), temp_incr.clone());
    let at_start = Box::new(move || at_rewrite_start(&s1, &dir1, &prefix1, enabling, &temp1));
    let (dir2, prefix2, base2) = (dir.clone(), prefix.clone(), dir.join(&base_name));
    let done = Box::new(move |res: Result<SnapshotStats, String>| {
        rewrite_done(&s2, &dir2, &prefix2, enabling, &temp_incr, &base2, res)
    });
    aof.rewrite_started.store(unix_now(), Relaxed);
    aof.rewrites.fetch_add(1, Relaxed);
    match snapshot::start_background(srv, purpose, dir.join(&base_name), at_start, done) {
        Ok(()) => {
            aof.rewrite_scheduled.store(false, Relaxed);
            notice!("Background append only file rewriting started");
            Ok(())
        }
        Err(e) => {
            aof.rewrites.fetch_sub(1, Relaxed);
            aof.rewrite_started.store(-1, Relaxed);
            aof.rewrite_in_progress.store(false, Release);
            if srv.persist.snapshot.running().is_some() {
                Err(RewriteError::Busy)
            } else {
                Err(RewriteError::Failed(e))
            }
        }
    }
}

/// At the snapshot's point in time (all shards locked): new incr file for the writer.
fn at_rewrite_start(srv: &Arc<Server>, dir: &Path, prefix: &str, enabling: bool, temp: &Path) {
    let aof = &srv.persist.aof;
    if enabling {
        match open_truncate(temp) {
            Ok(f) => {
                aof.incr_size.store(0, Relaxed);
                spawn_writer(srv, f, temp.to_path_buf());
            }
            Err(e) => {
                warning!("{e}");
                aof.rewrite_doomed.store(true, Relaxed);
            }
        }
        return;
    }
    if !aof.is_on() {
        return;
    }
    let mut inner = aof.inner.lock();
    let mut am = inner.manifest.clone();
    let name = am.new_incr(prefix);
    let path = dir.join(&name);
    // Without a new incr file the old one would hold writes the base also holds: the
    // rewrite's result is then dropped (Redis fails before forking in that case).
    let file = match open_truncate(&path) {
        Ok(f) => f,
        Err(e) => {
            warning!("{e}");
            aof.rewrite_doomed.store(true, Relaxed);
            return;
        }
    };
    if let Err(e) = manifest::persist(dir, prefix, &am) {
        warning!("{e}");
        aof.rewrite_doomed.store(true, Relaxed);
        return;
    }
    inner.manifest = am;
    notice!("Creating AOF incr file {name} on background rewrite");
    *aof.switch.lock() = Some(Switch { at: srv.prop.next_seq(), file, path });
    aof.switch_pending.store(true, Release);
    // An idle writer sleeps until records come: wake it to switch now.
    kick(aof);
}

/// `backgroundRewriteDoneHandler`.
fn rewrite_done(
    srv: &Arc<Server>,
    dir: &Path,
    prefix: &str,
    enabling: bool,
    temp: &Path,
    base: &Path,
    res: Result<SnapshotStats, String>,
) {
    let aof = &srv.persist.aof;
    let started = aof.rewrite_started.swap(-1, Relaxed);
    if started >= 0 {
        aof.last_rewrite_secs.store(unix_now() - started, Relaxed);
    }
    if let Ok(st) = &res {
        aof.last_cow.store(st.peak_pending, Relaxed);
    }
    let outcome = res.and_then(|_| {
        if aof.rewrite_doomed.load(Relaxed) {
            // As Redis's killed child: the base is dropped, the manifest left as it is.
            let _ = std::fs::remove_file(base);
            if enabling {
                let _ = std::fs::remove_file(temp);
            }
            return Err("cancelled, or its new incr file could not be opened".into());
        }
        let rdb = base.extension().is_some_and(|e| e == "rdb");
        finish_rewrite(srv, dir, prefix, enabling, temp, rdb)
    });
    match outcome {
        Ok(()) => {
            aof.last_rewrite_ok.store(true, Relaxed);
            aof.consecutive_failures.store(0, Relaxed);
            notice!("Background AOF rewrite finished successfully");
        }
        Err(e) => {
            warning!("Background AOF rewrite failed: {e}");
            aof.last_rewrite_ok.store(false, Relaxed);
            aof.consecutive_failures.fetch_add(1, Relaxed);
            if enabling && aof.state.load(Acquire) == WAIT_REWRITE {
                // Still waiting for a base: try again later, as Redis reschedules.
                aof.rewrite_scheduled.store(true, Relaxed);
            }
        }
    }
    aof.rewrite_in_progress.store(false, Release);
}

fn finish_rewrite(
    srv: &Arc<Server>,
    dir: &Path,
    prefix: &str,
    enabling: bool,
    temp: &Path,
    rdb: bool,
) -> Result<(), String> {
    let aof = &srv.persist.aof;
    notice!("Background AOF rewrite terminated with success");
    let mut inner = aof.inner.lock();
    let mut am = inner.manifest.clone();
    let base = am.new_base(prefix, rdb);
    if enabling {
        let name = am.new_incr(prefix);
        std::fs::rename(temp, dir.join(&name)).map_err(|e| {
            format!(
                "Error trying to rename the temporary AOF incr file {} into {name}: {}",
                temp.display(),
                os(&e)
            )
        })?;
        *aof.current_path.lock() = Some(dir.join(&name));
    }
    am.mark_rewritten_incr_as_history(aof.state.load(Acquire) != OFF);
    manifest::persist(dir, prefix, &am)?;
    if enabling {
        aof.state.store(ON, Release);
    }
    // Delete the history files (aofDelHistoryFiles).
    if srv.config.get("aof-disable-auto-gc").as_deref() != Some("yes") && !am.history.is_empty() {
        for h in am.history.drain(..) {
            notice!("Removing the history file {} in the background", h.name);
            let _ = std::fs::remove_file(dir.join(&h.name));
        }
        manifest::persist(dir, prefix, &am)?;
    }
    let size = |n: &str| std::fs::metadata(dir.join(n)).map(|m| m.len()).unwrap_or(0);
    let base_size = size(&base);
    let total = base_size + am.incr.iter().map(|f| size(&f.name)).sum::<u64>();
    aof.base_size.store(base_size, Relaxed);
    aof.current_size.store(total, Relaxed);
    inner.manifest = am;
    Ok(())
}

/// BGREWRITEAOF's reply (`bgrewriteaofCommand`): Ok(status text) or Err(error text).
pub fn bgrewriteaof(srv: &Server) -> Result<&'static str, &'static str> {
    let aof = &srv.persist.aof;
    if aof.rewrite_in_progress.load(Acquire) {
        return Err("ERR Background append only file rewriting already in progress");
    }
    let Some(arc) = aof.me.lock().upgrade() else {
        return Err("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
    };
    match rewrite_background(&arc) {
        Ok(()) => Ok("Background append only file rewriting started"),
        Err(RewriteError::Busy) => {
            aof.rewrite_scheduled.store(true, Relaxed);
            aof.consecutive_failures.store(0, Relaxed);
            Ok("Background append only file rewriting scheduled")
        }
        Err(RewriteError::Failed(e)) => {
            warning!("Can't rewrite append only file in background: {e}");
            Err("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
        }
    }
}

/// The periodic AOF jobs of `serverCron`: a scheduled rewrite, and the automatic rewrite on
/// growth (`auto-aof-rewrite-percentage` over the base size, above
/// `auto-aof-rewrite-min-size`). Failed automatic starts are retried after a minute.
pub fn cron(srv: &Arc<Server>) {
    let aof = &srv.persist.aof;
    let state = aof.state.load(Acquire);
    if state == OFF || aof.rewrite_in_progress.load(Acquire) {
        return;
    }
    let now = unix_now();
    if now - aof.last_auto_failure.load(Relaxed) < 60 {
        return;
    }
    let mut go = aof.rewrite_scheduled.load(Relaxed);
    if !go && state == ON {
        let perc: u64 =
            srv.config.get("auto-aof-rewrite-percentage").and_then(|v| v.parse().ok()).unwrap_or(0);
        let min: u64 =
            srv.config.get("auto-aof-rewrite-min-size").and_then(|v| v.parse().ok()).unwrap_or(0);
        let cur = aof.current_size.load(Relaxed);
        if perc > 0 && cur > min {
            let base = aof.base_size.load(Relaxed).max(1);
            let growth = (cur * 100 / base).saturating_sub(100);
            if growth >= perc {
                notice!("Starting automatic rewriting of AOF on {growth}% growth");
                go = true;
            }
        }
    }
    if go {
        match rewrite_background(srv) {
            Ok(()) => {}
            Err(RewriteError::Busy) => aof.rewrite_scheduled.store(true, Relaxed),
            Err(RewriteError::Failed(e)) => {
                aof.last_auto_failure.store(now, Relaxed);
                warning!("Can't rewrite append only file in background: {e}");
            }
        }
    }
}

/// The AOF lines of INFO persistence, in Redis's order (from `aof_enabled` to
/// `module_fork_last_cow_size`, then the `aof_*` sizes when the AOF is on).
pub fn info_fields(srv: &Server, out: &mut String) {
    let aof = &srv.persist.aof;
    let state = aof.state.load(Acquire);
    let started = aof.rewrite_started.load(Relaxed);
    let cur_secs = if started >= 0 { unix_now() - started } else { -1 };
    let ok = |b: bool| if b { "ok" } else { "err" };
    let mut f = |k: &str, v: &dyn std::fmt::Display| {
        let _ = write!(out, "{k}:{v}\r\n");
    };
    f("aof_enabled", &u8::from(state != OFF));
    f("aof_rewrite_in_progress", &u8::from(aof.rewrite_in_progress.load(Relaxed)));
    f("aof_rewrite_scheduled", &u8::from(aof.rewrite_scheduled.load(Relaxed)));
    f("aof_last_rewrite_time_sec", &aof.last_rewrite_secs.load(Relaxed));
    f("aof_current_rewrite_time_sec", &cur_secs);
    f("aof_last_bgrewrite_status", &ok(aof.last_rewrite_ok.load(Relaxed)));
    f("aof_rewrites", &aof.rewrites.load(Relaxed));
    f("aof_rewrites_consecutive_failures", &aof.consecutive_failures.load(Relaxed));
    f("aof_last_write_status", &ok(aof.write_errno.load(Relaxed) == 0));
    f("aof_last_cow_size", &aof.last_cow.load(Relaxed));
    f("module_fork_in_progress", &0);
    f("module_fork_last_cow_size", &0);
    if state != OFF {
        f("aof_current_size", &aof.current_size.load(Relaxed));
        f("aof_base_size", &aof.base_size.load(Relaxed));
        f("aof_pending_rewrite", &u8::from(aof.rewrite_scheduled.load(Relaxed)));
        f("aof_buffer_length", &0);
        f("aof_pending_bio_fsync", &0);
        f("aof_delayed_fsync", &0);
    }
}
