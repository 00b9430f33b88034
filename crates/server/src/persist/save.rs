//! SAVE, BGSAVE, save points, saving at shutdown, and the RDB part of INFO persistence.
//!
//! Both SAVE and BGSAVE use the forkless snapshot (`snapshot.rs`): BGSAVE on its own
//! thread, SAVE in the calling worker (which blocks that worker's clients until the file is
//! written, as SAVE blocks Redis; clients of other workers keep being served). The file is
//! written under a temporary name, fsynced and renamed over `dbfilename` in `dir`, so a failed
//! or interrupted save never damages the previous file.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

use super::snapshot::{self, Purpose, SnapshotStats};
use crate::server::Server;
use crate::util::time::now_ms;
use crate::{notice, warning};

/// Seconds after a failed BGSAVE before a save point may try again (Redis's
/// `CONFIG_BGSAVE_RETRY_DELAY`).
const RETRY_DELAY: i64 = 5;

/// RDB saving and loading state (INFO persistence).
pub struct RdbState {
    pub last_bgsave_ok: AtomicBool,
    /// Duration of the last BGSAVE in seconds, -1 before the first.
    pub last_bgsave_secs: AtomicI64,
    /// Successful saves since start (`rdb_saves`).
    pub saves: AtomicU64,
    /// Bytes serialized ahead of the walker at the peak of the last snapshot
    /// (`rdb_last_cow_size`).
    pub last_cow: AtomicU64,
    /// Unix seconds of the last BGSAVE attempt.
    pub last_try: AtomicI64,
    /// `dirty` when the running snapshot began: what a success makes "saved".
    pub dirty_at_start: AtomicU64,
    /// A BGSAVE SCHEDULE waiting for the running AOF rewrite.
    pub scheduled: AtomicBool,
    /// The dataset is being loaded: commands without the `loading` flag get `-LOADING`.
    pub loading: AtomicBool,
    pub loading_start: AtomicI64,
    /// Size of the file being loaded and bytes read so far (INFO `loading_*`).
    pub loading_total: AtomicU64,
    pub loading_loaded: AtomicU64,
    /// The `used-mem` aux field of the file being loaded (INFO `loading_rdb_used_mem`).
    pub loading_used_mem: AtomicU64,
    pub last_load_keys_loaded: AtomicU64,
    pub last_load_keys_expired: AtomicU64,
}

impl Default for RdbState {
    fn default() -> Self {
        RdbState {
            last_bgsave_ok: AtomicBool::new(true),
            last_bgsave_secs: AtomicI64::new(-1),
            saves: AtomicU64::new(0),
            last_cow: AtomicU64::new(0),
            last_try: AtomicI64::new(0),
            dirty_at_start: AtomicU64::new(0),
            scheduled: AtomicBool::new(false),
            loading: AtomicBool::new(false),
            loading_start: AtomicI64::new(0),
            loading_total: AtomicU64::new(0),
            loading_loaded: AtomicU64::new(0),
            loading_used_mem: AtomicU64::new(0),
            last_load_keys_loaded: AtomicU64::new(0),
            last_load_keys_expired: AtomicU64::new(0),
        }
    }
}

/// The RDB file's path (`dbfilename`, relative to `dir`, the working directory).
pub fn rdb_path(srv: &Server) -> PathBuf {
    PathBuf::from(&srv.config.settings().dbfilename)
}

/// Records a successful save.
fn saved(srv: &Server, st: &SnapshotStats) {
    let r = &srv.persist.rdb;
    let before = r.dirty_at_start.load(Relaxed);
    let _ = srv.dirty.fetch_update(Relaxed, Relaxed, |d| Some(d.saturating_sub(before)));
    srv.stats.last_save.store(now_ms() / 1000, Relaxed);
    r.saves.fetch_add(1, Relaxed);
    r.last_cow.store(st.peak_pending, Relaxed);
}

/// SAVE: writes the snapshot now, in the calling thread.
pub fn save(srv: &Server) -> Result<SnapshotStats, String> {
    srv.persist.rdb.dirty_at_start.store(srv.dirty.load(Relaxed), Relaxed);
    let res = match srv.persist.snapshot.running() {
        // Redis runs SAVE while an AOF rewrite child works. A second flag-based snapshot
        // cannot run beside the rewrite's, but SAVE blocks everything anyway: write the
        // dataset with every shard held (the rewrite's walker waits meanwhile).
        Some((p, _)) if p.is_aof() => {
            let t0 = std::time::Instant::now();
            let mut locks = srv.keyspace.lock_all();
            snapshot::save_held(srv, &mut locks, &rdb_path(srv)).map(|keys| SnapshotStats {
                keys,
                millis: t0.elapsed().as_millis() as u64,
                ..SnapshotStats::default()
            })
        }
        _ => snapshot::run(srv, Purpose::Rdb, &rdb_path(srv)),
    };
    match res {
        Ok(st) => {
            notice!("DB saved on disk");
            saved(srv, &st);
            srv.persist.rdb.last_bgsave_ok.store(true, Relaxed);
            Ok(st)
        }
        Err(e) => {
            warning!("{e}");
            Err(e)
        }
    }
}

/// FLUSHALL with save points: writes the empty dataset at once (the caller holds every
/// shard, so this cannot go through a snapshot).
pub fn save_empty(srv: &Server) {
    srv.persist.rdb.dirty_at_start.store(srv.dirty.load(Relaxed), Relaxed);
    let bytes = snapshot::empty_rdb(srv, Purpose::Rdb);
    match snapshot::write_atomically(&rdb_path(srv), Purpose::Rdb, &bytes) {
        Ok(()) => {
            notice!("DB saved on disk");
            saved(srv, &SnapshotStats::default());
        }
        Err(e) => warning!("Failed saving the DB: {e}"),
    }
}

/// Why BGSAVE did not start.
#[derive(Debug)]
pub enum BgsaveRefused {
    /// An RDB snapshot is running.
    InProgress,
    /// An AOF rewrite is running (BGSAVE SCHEDULE may wait for it).
    OtherChild,
    Failed(String),
}

/// BGSAVE: starts a background snapshot to `dbfilename`.
pub fn bgsave(srv: &Arc<Server>) -> Result<(), BgsaveRefused> {
    match srv.persist.snapshot.running() {
        Some((Purpose::Rdb, _)) => return Err(BgsaveRefused::InProgress),
        Some((Purpose::AofBase | Purpose::AofCommands, _)) => {
            return Err(BgsaveRefused::OtherChild)
        }
        None => {}
    }
    let r = &srv.persist.rdb;
    r.last_try.store(now_ms() / 1000, Relaxed);
    let s1 = srv.clone();
    let s2 = srv.clone();
    let at_start = Box::new(move || {
        s1.persist.rdb.dirty_at_start.store(s1.dirty.load(Relaxed), Relaxed);
    });
    let done = Box::new(move |res: Result<SnapshotStats, String>| {
        let r = &s2.persist.rdb;
        match res {
            Ok(st) => {
                notice!("DB saved on disk");
                notice!("Background saving terminated with success");
                saved(&s2, &st);
                r.last_bgsave_ok.store(true, Relaxed);
                r.last_bgsave_secs.store((st.millis / 1000) as i64, Relaxed);
            }
            Err(e) if e == "snapshot aborted" => {
                warning!("Background saving terminated by signal 10");
            }
            Err(e) => {
                warning!("{e}");
                warning!("Background saving error");
                r.last_bgsave_ok.store(false, Relaxed);
            }
        }
    });
    snapshot::start_background(srv, Purpose::Rdb, rdb_path(srv), at_start, done).map_err(|e| {
        if e.contains("in progress") {
            BgsaveRefused::InProgress
        } else {
            BgsaveRefused::Failed(e)
        }
    })?;
    notice!("Background saving started by pid {}", std::process::id());
    Ok(())
}

/// Cron: save points and scheduled BGSAVEs.
pub fn cron(srv: &Arc<Server>) {
    if srv.persist.snapshot.running().is_some() || srv.persist.rdb.loading.load(Relaxed) {
        return;
    }
    let r = &srv.persist.rdb;
    if r.scheduled.swap(false, Relaxed) {
        let _ = bgsave(srv);
        return;
    }
    let st = srv.config.settings();
    let now = now_ms() / 1000;
    let dirty = srv.dirty.load(Relaxed);
    let last_save = srv.stats.last_save.load(Relaxed);
    let may_retry = r.last_bgsave_ok.load(Relaxed) || now - r.last_try.load(Relaxed) > RETRY_DELAY;
    for &(secs, changes) in &st.save {
        if dirty >= changes && now - last_save > secs as i64 && may_retry {
            notice!("{changes} changes in {secs} seconds. Saving...");
            let _ = bgsave(srv);
            break;
        }
    }
}

/// True when writes must be refused with `-MISCONF` (stop-writes-on-bgsave-error).
pub fn writes_denied(srv: &Server) -> bool {
    if srv.persist.rdb.last_bgsave_ok.load(Relaxed) {
        return false;
    }
    let st = srv.config.settings();
    st.stop_writes_on_bgsave_error && !st.save.is_empty()
}

/// Waits until no snapshot runs (after an abort), polling.
pub fn wait_idle(srv: &Server) {
    while srv.persist.snapshot.running().is_some() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The final save of a shutdown: stops a running BGSAVE and saves in the foreground.
pub fn save_for_shutdown(srv: &Server) -> Result<(), String> {
    if srv.persist.snapshot.abort(false) {
        warning!("There is a child saving an .rdb. Killing it!");
        wait_idle(srv);
    }
    notice!("Saving the final RDB snapshot before exiting.");
    save(srv).map(|_| ())
}

/// Writes the RDB lines of INFO persistence through `f(name, value)`.
pub fn info_fields(srv: &Server, mut f: impl FnMut(&str, String)) {
    let r = &srv.persist.rdb;
    let eng = &srv.persist.snapshot;
    let running = eng.running();
    let rdb_running = matches!(running, Some((Purpose::Rdb, _)));
    let loading = r.loading.load(Relaxed);
    f("loading", (loading as u8).to_string());
    f("async_loading", "0".into());
    let cow = if running.is_some() { eng.pending_bytes() } else { 0 };
    f("current_cow_peak", cow.to_string());
    f("current_cow_size", cow.to_string());
    f("current_cow_size_age", "0".into());
    let (done, total) = if running.is_some() {
        (eng.keys_done.load(Relaxed), eng.keys_total.load(Relaxed))
    } else {
        (0, 0)
    };
    let perc = if total > 0 { done as f64 * 100.0 / total as f64 } else { 0.0 };
    f("current_fork_perc", format!("{perc:.2}"));
    f("current_save_keys_processed", done.to_string());
    f("current_save_keys_total", total.to_string());
    f("rdb_changes_since_last_save", srv.dirty.load(Relaxed).to_string());
    f("rdb_bgsave_in_progress", (rdb_running as u8).to_string());
    f("rdb_last_save_time", srv.stats.last_save.load(Relaxed).to_string());
    let ok = if r.last_bgsave_ok.load(Relaxed) { "ok" } else { "err" };
    f("rdb_last_bgsave_status", ok.into());
    f("rdb_last_bgsave_time_sec", r.last_bgsave_secs.load(Relaxed).to_string());
    let cur = match running {
        Some((Purpose::Rdb, t)) => t.elapsed().as_secs() as i64,
        _ => -1,
    };
    f("rdb_current_bgsave_time_sec", cur.to_string());
    f("rdb_saves", r.saves.load(Relaxed).to_string());
    f("rdb_last_cow_size", r.last_cow.load(Relaxed).to_string());
    f("rdb_last_load_keys_expired", r.last_load_keys_expired.load(Relaxed).to_string());
    f("rdb_last_load_keys_loaded", r.last_load_keys_loaded.load(Relaxed).to_string());
}

/// The `loading_*` lines Redis appends to INFO persistence while a file loads.
pub fn loading_fields(srv: &Server, mut f: impl FnMut(&str, String)) {
    let r = &srv.persist.rdb;
    if !r.loading.load(Relaxed) {
        return;
    }
    let start = r.loading_start.load(Relaxed);
    let total = r.loading_total.load(Relaxed);
    let loaded = r.loading_loaded.load(Relaxed).min(total);
    let perc = if total > 0 { loaded as f64 * 100.0 / total as f64 } else { 0.0 };
    let elapsed = (now_ms() / 1000 - start).max(0) as f64;
    let eta =
        if loaded > 0 { (elapsed * (total - loaded) as f64 / loaded as f64) as i64 } else { 1 };
    f("loading_start_time", start.to_string());
    f("loading_total_bytes", total.to_string());
    f("loading_rdb_used_mem", r.loading_used_mem.load(Relaxed).to_string());
    f("loading_loaded_bytes", loaded.to_string());
    f("loading_loaded_perc", format!("{perc:.2}"));
    f("loading_eta_seconds", eta.to_string());
}
