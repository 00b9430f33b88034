//! The forkless point-in-time snapshot (DESIGN.md §5).
//!
//! Redis snapshots by `fork()`: the child sees the dataset frozen at that instant and the
//! kernel copies every page the parent writes meanwhile, so a busy server can need up to
//! twice its memory, and the fork itself stalls a large process. ferrodis takes the same
//! point-in-time snapshot without fork:
//!
//! 1. **Start** (all shards of all databases locked for a moment): every shard flips its
//!    `snap_flag`. Each entry carries a flag bit (`Entry::snap_flag`); from now on an entry
//!    whose bit differs from its shard's flag is one the snapshot has not written yet. The
//!    shards that hold entries get a [`ShardSnap`]. Counts for RESIZEDB are read here. Nothing
//!    is copied.
//! 2. **Writes keep going.** Before any write changes or removes an entry it calls
//!    [`ShardSnap::guard`] (through `Shard`'s methods and `DbCtx`): if the entry is not yet
//!    written, its current — that is, start-time — state is serialized into the shard's
//!    `buf` and the entry is marked. New entries are born marked. So the snapshot holds each
//!    key as it was at the start, exactly once, whatever happens to it later.
//! 3. **The walker** (the BGSAVE thread, or the SAVE caller) goes database by database, shard
//!    by shard: it locks one shard, takes what writers serialized, walks a slice of the dict
//!    with the SCAN cursor serializing unmarked entries (rehashing may continue: the cursor
//!    reaches every entry present throughout, and the mark prevents duplicates), unlocks, and
//!    writes the bytes to the file. A shard is held for at most about 64 KiB of output.
//!
//! Extra memory is what writers serialize ahead of the walker — bounded by the keys written
//! during the snapshot, not by the dataset — plus the walker's chunk. A shard wholly replaced
//! (FLUSHDB, SWAPDB) is first serialized in full (`Shard::snap_finish`); FLUSHALL aborts an RDB
//! snapshot instead, as it kills Redis's child.
//!
//! The flag stays consistent across snapshots because a snapshot that completes has marked
//! every entry; an aborted one is followed by a flush (FLUSHALL) or runs its walk to the end
//! without writing (`abort` only stops the output).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use collections::Dict;
use parking_lot::Mutex;

use super::crc64::Crc64;
use super::rdb::{encode, EncodeOpts, KeyMeta};
use crate::db::lfu::Lfu;
use crate::db::{Entry, Shard};
use crate::server::executor::Locks;
use crate::server::Server;

/// What a background snapshot is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// SAVE / BGSAVE / save point / shutdown: `dbfilename` in `dir`.
    Rdb,
    /// BGREWRITEAOF: an AOF base file (RDB format with `aof-base` aux = 1).
    AofBase,
    /// BGREWRITEAOF under `aof-use-rdb-preamble no`: an AOF base of commands
    /// (`aof::base_cmds`).
    AofCommands,
}

impl Purpose {
    /// An AOF rewrite (Redis's "AOF rewrite child" rather than its "RDB child").
    pub fn is_aof(self) -> bool {
        matches!(self, Purpose::AofBase | Purpose::AofCommands)
    }
}

/// How per-key idle/frequency metadata is written (per `maxmemory-policy`, as Redis).
#[derive(Clone, Copy, Debug)]
enum MetaMode {
    None,
    Idle { clock: u32 },
    Freq(Lfu),
}

/// What serializing one entry needs.
#[derive(Clone, Copy, Debug)]
struct EncCtx {
    opts: EncodeOpts,
    meta: MetaMode,
    /// Write commands (an AOF base under `aof-use-rdb-preamble no`) instead of RDB.
    commands: bool,
}

impl EncCtx {
    fn write(&self, out: &mut Vec<u8>, e: &Entry) {
        if self.commands {
            crate::persist::aof::base_cmds::entry(out, &e.key, &e.val, e.expire());
            return;
        }
        let meta = match self.meta {
            MetaMode::None => KeyMeta::None,
            MetaMode::Idle { clock } => {
                let idle = clock.wrapping_sub(e.lru()) & ((1 << 24) - 1);
                KeyMeta::Idle(idle as u64)
            }
            MetaMode::Freq(l) => KeyMeta::Freq(l.decayed(e.lru()).min(255) as u8),
        };
        encode::entry(out, &e.key, &e.val, e.expire(), meta, &self.opts);
    }
}

/// A running snapshot's state in one shard. See the module docs.
#[derive(Debug)]
pub struct ShardSnap {
    /// The flag value meaning "written (or born after the start)".
    done: bool,
    /// Entries serialized by writers (or by the walker) not yet taken by the walker.
    buf: Vec<u8>,
    enc: EncCtx,
    /// Entries serialized so far.
    keys: u64,
    /// The walker's SCAN cursor.
    cursor: u64,
    /// Shared with the running snapshot: bytes currently held in shard buffers.
    pending: Arc<AtomicU64>,
}

impl ShardSnap {
    /// Serializes `e` if the snapshot has not written it yet. Call before changing `e`.
    #[inline]
    pub fn guard(&mut self, e: &mut Entry) {
        if e.snap_flag() != self.done {
            let before = self.buf.len();
            self.enc.write(&mut self.buf, e);
            self.pending.fetch_add((self.buf.len() - before) as u64, Ordering::Relaxed);
            self.keys += 1;
            e.set_snap_flag(self.done);
        }
    }

    /// Serializes every entry of `dict` not yet written.
    pub fn finish(&mut self, dict: &mut Dict<Entry>) {
        dict.for_each_mut(|e| self.guard(e));
    }
}

/// Figures of a finished snapshot.
#[derive(Clone, Copy, Debug, Default)]
pub struct SnapshotStats {
    pub keys: u64,
    pub bytes: u64,
    pub millis: u64,
    /// Peak bytes held in shard buffers (serialized ahead of the walker): the forkless
    /// analogue of Redis's copy-on-write size (INFO `rdb_last_cow_size`).
    pub peak_pending: u64,
}

/// The snapshot engine's shared state (one snapshot at a time, as Redis runs one child).
#[derive(Default)]
pub struct Engine {
    running: Mutex<Option<Running>>,
    /// Set to stop the running snapshot's output (FLUSHALL, shutdown).
    abort: AtomicBool,
    /// Bytes in shard buffers right now, and the peak of the running snapshot.
    pending: Arc<AtomicU64>,
    peak: AtomicU64,
    /// Keys written so far / keys at start (INFO `current_save_keys_*`).
    pub keys_done: AtomicU64,
    pub keys_total: AtomicU64,
}

#[derive(Clone, Copy, Debug)]
struct Running {
    purpose: Purpose,
    started: Instant,
}

impl Engine {
    /// The purpose and start of the running snapshot, if any.
    pub fn running(&self) -> Option<(Purpose, Instant)> {
        self.running.lock().map(|r| (r.purpose, r.started))
    }

    /// Asks the running snapshot (if it is an RDB one, when `rdb_only`) to stop writing.
    pub fn abort(&self, rdb_only: bool) -> bool {
        match *self.running.lock() {
            Some(r) if !rdb_only || r.purpose == Purpose::Rdb => {
                self.abort.store(true, Ordering::SeqCst);
                true
            }
            _ => false,
        }
    }

    /// Bytes currently serialized ahead of the walker.
    pub fn pending_bytes(&self) -> u64 {
        self.pending.load(Ordering::Relaxed)
    }
}

/// Counts taken at the start: (keys, keys with TTL) per database.
struct Plan {
    sizes: Vec<(u64, u64)>,
    ctime: i64,
}

/// Starts a snapshot: flips the flags under every lock and runs `at_start` there.
fn begin(srv: &Server, purpose: Purpose, at_start: Box<dyn FnOnce() + Send + '_>) -> Plan {
    let st = srv.config.settings();
    let now = crate::util::time::now_ms();
    let meta = if let Some(l) = srv.config.lfu.get(now) {
        MetaMode::Freq(l)
    } else if st.maxmemory_policy.contains("lru") {
        MetaMode::Idle { clock: srv.lru_clock() }
    } else {
        MetaMode::None
    };
    let commands = purpose == Purpose::AofCommands;
    let enc = EncCtx { opts: EncodeOpts { compress: st.rdbcompression }, meta, commands };
    let eng = &srv.persist.snapshot;
    eng.abort.store(false, Ordering::SeqCst);
    eng.pending.store(0, Ordering::Relaxed);
    eng.peak.store(0, Ordering::Relaxed);
    eng.keys_done.store(0, Ordering::Relaxed);
    let mut sizes = vec![(0u64, 0u64); srv.keyspace.db_count()];
    let mut locks = srv.keyspace.lock_all();
    let mut total = 0;
    for g in locks.guards() {
        let sh: &mut Shard = &mut g.g;
        sh.snap_flag = !sh.snap_flag;
        let n = sh.dict.len() as u64;
        sizes[g.db as usize].0 += n;
        sizes[g.db as usize].1 += sh.expires as u64;
        total += n;
        sh.snap = (n > 0).then(|| {
            Box::new(ShardSnap {
                done: sh.snap_flag,
                buf: Vec::new(),
                enc,
                keys: 0,
                cursor: 0,
                pending: eng.pending.clone(),
            })
        });
    }
    eng.keys_total.store(total, Ordering::Relaxed);
    at_start();
    drop(locks);
    Plan { sizes, ctime: now / 1000 }
}

/// The RDB header with Redis's aux fields.
fn header_bytes(purpose: Purpose, ctime: i64) -> Vec<u8> {
    let mut head = Vec::new();
    let used = crate::stats::info::memory().allocated.to_string();
    let ctime = ctime.to_string();
    let aof_base = if purpose == Purpose::AofBase { "1" } else { "0" };
    encode::header(
        &mut head,
        &[
            ("redis-ver", crate::server::REDIS_VERSION),
            ("redis-bits", "64"),
            ("ctime", &ctime),
            ("used-mem", &used),
            ("aof-base", aof_base),
        ],
    );
    head
}

/// A complete RDB file of an empty dataset.
pub fn empty_rdb(srv: &Server, purpose: Purpose) -> Vec<u8> {
    let mut out = Out { w: Vec::new(), crc: Crc64::default(), bytes: 0 };
    let head = header_bytes(purpose, crate::util::time::now_ms() / 1000);
    // Writing to a Vec cannot fail.
    let _ = out.put(&head).and_then(|_| out.finish(srv.config.settings().rdbchecksum));
    out.w
}

/// Writes `bytes` to `path` through a temporary file, fsync and rename.
pub fn write_atomically(path: &Path, purpose: Purpose, bytes: &[u8]) -> Result<(), String> {
    write_via_temp(path, purpose, |w| w.write_all(bytes).map_err(|e| e.to_string()))
}

/// Writes `path` through a temporary file (Redis's `temp-<pid>.rdb`): `fill` writes the
/// content, then the file is fsynced, renamed over `path`, and the directory fsynced. On
/// failure the temporary file is removed and `path` is untouched.
fn write_via_temp<T>(
    path: &Path,
    purpose: Purpose,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<T, String>,
) -> Result<T, String> {
    let tmp = temp_path(path, purpose);
    let res = (|| {
        let f = std::fs::File::create(&tmp).map_err(|e| {
            format!(
                "Failed opening the temp RDB file {} (in server root dir {}) for saving: {}",
                tmp.display(),
                cwd(),
                crate::config::os_error_text(&e)
            )
        })?;
        let mut bw = std::io::BufWriter::with_capacity(1 << 16, f);
        let r = fill(&mut bw)?;
        let f = bw.into_inner().map_err(|e| format!("Write error saving DB on disk: {e}"))?;
        f.sync_all().map_err(|e| format!("Write error saving DB on disk: {e}"))?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(|e| {
            format!(
                "Error moving temp DB file {} on the final destination {} (in server root dir {}): {}",
                tmp.display(),
                path.display(),
                cwd(),
                crate::config::os_error_text(&e)
            )
        })?;
        sync_dir(path);
        Ok(r)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A file being written: counts bytes and keeps the running CRC64.
struct Out<W: Write> {
    w: W,
    crc: Crc64,
    bytes: u64,
}

impl<W: Write> Out<W> {
    fn put(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.crc.update(b);
        self.bytes += b.len() as u64;
        self.w.write_all(b)
    }

    /// The EOF opcode and the CRC64 of everything before it (0 under `rdbchecksum no`).
    fn finish(&mut self, checksum: bool) -> std::io::Result<()> {
        let mut eof = Vec::with_capacity(1);
        encode::eof(&mut eof);
        self.put(&eof)?;
        let sum = if checksum { self.crc.value() } else { 0 };
        self.bytes += 8;
        self.w.write_all(&sum.to_le_bytes())?;
        self.w.flush()
    }
}

/// Bytes of output after which the walker lets go of a shard.
const CHUNK: usize = 64 * 1024;

/// Walks every shard and writes the RDB stream to `w`. Returns (keys, bytes).
fn walk<W: Write>(srv: &Server, plan: &Plan, purpose: Purpose, w: W) -> Result<(u64, u64), String> {
    let eng = &srv.persist.snapshot;
    let io = |e: std::io::Error| e.to_string();
    let mut out = Out { w, crc: Crc64::default(), bytes: 0 };
    let delay = if eng.abort.load(Ordering::Relaxed) {
        0
    } else {
        srv.config.settings().rdb_key_save_delay
    };
    let commands = purpose == Purpose::AofCommands;
    if !commands {
        out.put(&header_bytes(purpose, plan.ctime)).map_err(io)?;
    }
    let mut keys = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK * 2);
    for (db, &(size, expires)) in plan.sizes.iter().enumerate() {
        if size == 0 {
            continue;
        }
        chunk.clear();
        if commands {
            crate::persist::aof::base_cmds::select(&mut chunk, db);
        } else {
            encode::select_db(&mut chunk, db);
            encode::resize_db(&mut chunk, size, expires);
        }
        out.put(&chunk).map_err(io)?;
        for shard in srv.keyspace.dbs[db].shards.iter() {
            loop {
                let aborted = eng.abort.load(Ordering::Relaxed);
                let mut g = shard.0.lock();
                let Shard { dict, snap, .. } = &mut *g;
                let Some(s) = snap.as_mut() else { break };
                let mut finished = false;
                let keys_before = s.keys;
                // With the rdb-key-save-delay test hook, one bucket per hold.
                let limit = if delay != 0 { 1 } else { CHUNK };
                while s.buf.len() < limit {
                    s.cursor = dict.scan_mut(s.cursor, |e| s.guard(e));
                    if s.cursor == 0 {
                        finished = true;
                        break;
                    }
                }
                chunk.clear();
                std::mem::swap(&mut chunk, &mut s.buf);
                eng.peak.fetch_max(eng.pending.load(Ordering::Relaxed), Ordering::Relaxed);
                eng.pending.fetch_sub(chunk.len() as u64, Ordering::Relaxed);
                let done_keys = s.keys;
                if finished {
                    keys += done_keys;
                    *snap = None;
                }
                let step_keys = done_keys - keys_before;
                drop(g);
                if delay != 0 && !aborted {
                    for _ in 0..step_keys {
                        super::debug_delay(delay);
                    }
                }
                // The walk goes on after an abort (so every entry ends up marked and the next
                // snapshot starts clean) but nothing more is written.
                if !aborted {
                    out.put(&chunk).map_err(io)?;
                }
                if finished {
                    eng.keys_done.fetch_add(done_keys, Ordering::Relaxed);
                    break;
                }
                // Entries of this database that writers serialized in shards the walker
                // has not reached may be written now (order within a database is free):
                // so what waits in memory stays small, whatever the walk's speed.
                if !aborted {
                    drain_siblings(srv, db, &mut chunk);
                    out.put(&chunk).map_err(io)?;
                }
            }
        }
    }
    if eng.abort.load(Ordering::Relaxed) {
        return Err("snapshot aborted".into());
    }
    if commands {
        out.w.flush().map_err(io)?;
    } else {
        out.finish(srv.config.settings().rdbchecksum).map_err(io)?;
    }
    Ok((keys, out.bytes))
}

/// Takes what writers serialized in the shards of `db` (those not busy) into `chunk`.
fn drain_siblings(srv: &Server, db: usize, chunk: &mut Vec<u8>) {
    let eng = &srv.persist.snapshot;
    chunk.clear();
    for shard in srv.keyspace.dbs[db].shards.iter() {
        let Some(mut g) = shard.0.try_lock() else { continue };
        if let Some(s) = g.snap.as_mut() {
            if !s.buf.is_empty() {
                eng.peak.fetch_max(eng.pending.load(Ordering::Relaxed), Ordering::Relaxed);
                eng.pending.fetch_sub(s.buf.len() as u64, Ordering::Relaxed);
                chunk.extend_from_slice(&s.buf);
                s.buf.clear();
            }
        }
    }
}

/// The temporary name a snapshot is written under before the rename (Redis's
/// `temp-<pid>.rdb`; AOF bases get their own so both can coexist).
fn temp_path(final_path: &Path, purpose: Purpose) -> PathBuf {
    let dir = final_path.parent().unwrap_or(Path::new("."));
    let name = match purpose {
        Purpose::Rdb => format!("temp-{}.rdb", std::process::id()),
        Purpose::AofBase | Purpose::AofCommands => {
            format!("temp-rewriteaof-bg-{}.aof", std::process::id())
        }
    };
    dir.join(name)
}

/// Writes the snapshot to a temporary file, fsyncs it, renames it over `path` and fsyncs the
/// directory. A failure removes the temporary file and leaves `path` untouched.
fn write_file(
    srv: &Server,
    plan: &Plan,
    purpose: Purpose,
    path: &Path,
) -> Result<(u64, u64), String> {
    let res = write_via_temp(path, purpose, |w| walk(srv, plan, purpose, w));
    if res.is_err() {
        // Finish marking so the next snapshot starts from a consistent flag state.
        srv.persist.snapshot.abort.store(true, Ordering::SeqCst);
        let _ = walk(srv, plan, purpose, std::io::sink());
    }
    res
}

fn cwd() -> String {
    std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_default()
}

/// Writes the whole dataset to `path` from shards the caller already holds (every shard of
/// every database: DEBUG RELOAD, which runs with all locks). No flags are involved: nothing
/// else can change the data meanwhile.
pub fn save_held(srv: &Server, locks: &mut Locks<'_>, path: &Path) -> Result<u64, String> {
    let st = srv.config.settings();
    let enc = EncCtx {
        opts: EncodeOpts { compress: st.rdbcompression },
        meta: MetaMode::None,
        commands: false,
    };
    write_via_temp(path, Purpose::Rdb, |w| {
        let io = |e: std::io::Error| e.to_string();
        let mut out = Out { w, crc: Crc64::default(), bytes: 0 };
        out.put(&header_bytes(Purpose::Rdb, crate::util::time::now_ms() / 1000)).map_err(io)?;
        let guards = locks.guards();
        let mut buf = Vec::new();
        let mut keys = 0;
        for db in 0..srv.keyspace.db_count() {
            let of_db = || guards.iter().filter(move |g| g.db as usize == db);
            let size: u64 = of_db().map(|g| g.g.dict.len() as u64).sum();
            if size == 0 {
                continue;
            }
            let expires: u64 = of_db().map(|g| g.g.expires as u64).sum();
            buf.clear();
            encode::select_db(&mut buf, db);
            encode::resize_db(&mut buf, size, expires);
            for g in of_db() {
                for e in g.g.dict.iter() {
                    enc.write(&mut buf, e);
                    keys += 1;
                    if buf.len() >= CHUNK {
                        out.put(&buf).map_err(io)?;
                        buf.clear();
                    }
                }
            }
            out.put(&buf).map_err(io)?;
        }
        out.finish(st.rdbchecksum).map_err(io)?;
        Ok(keys)
    })
}

/// Runs a whole snapshot in the calling thread (SAVE, shutdown, DEBUG RELOAD). Fails if
/// another snapshot is running.
pub fn run(srv: &Server, purpose: Purpose, path: &Path) -> Result<SnapshotStats, String> {
    claim(srv, purpose)?;
    let t0 = Instant::now();
    let plan = begin(srv, purpose, Box::new(|| {}));
    let res = write_file(srv, &plan, purpose, path);
    finish(srv, res, t0)
}

/// Marks the engine busy; fails if a snapshot is running.
fn claim(srv: &Server, purpose: Purpose) -> Result<(), String> {
    let mut r = srv.persist.snapshot.running.lock();
    if r.is_some() {
        return Err("Background save already in progress".into());
    }
    *r = Some(Running { purpose, started: Instant::now() });
    Ok(())
}

fn finish(
    srv: &Server,
    res: Result<(u64, u64), String>,
    t0: Instant,
) -> Result<SnapshotStats, String> {
    let eng = &srv.persist.snapshot;
    let peak = eng.peak.load(Ordering::Relaxed);
    *eng.running.lock() = None;
    res.map(|(keys, bytes)| SnapshotStats {
        keys,
        bytes,
        millis: t0.elapsed().as_millis() as u64,
        peak_pending: peak,
    })
}

/// Starts a background snapshot written to `path` (via a temporary file and rename). Its
/// point in time is taken before this returns; the writing runs on its own thread.
/// `at_start` runs while every shard of every database is locked, at the snapshot's point in
/// time (the AOF uses it to switch to a new incremental file). `done` runs on the snapshot
/// thread when the file is complete (renamed) or failed. Returns Err if one is running.
pub fn start_background(
    srv: &Arc<Server>,
    purpose: Purpose,
    path: PathBuf,
    at_start: Box<dyn FnOnce() + Send>,
    done: Box<dyn FnOnce(Result<SnapshotStats, String>) + Send>,
) -> Result<(), String> {
    claim(srv, purpose)?;
    // The point in time is now, before the caller replies (as Redis's fork is).
    let t0 = Instant::now();
    let plan = begin(srv, purpose, at_start);
    let srv2 = srv.clone();
    let spawned = std::thread::Builder::new().name("ferrodis-snapshot".into()).spawn(move || {
        // The snapshot yields to clients: on a busy core it takes what they leave (nice 10,
        // about a tenth of the core under full load); on an idle or other core, all it needs.
        let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
        let res = write_file(&srv2, &plan, purpose, &path);
        done(finish(&srv2, res, t0));
    });
    if let Err(e) = spawned {
        // The flags were flipped: walk without output so every entry ends up marked.
        srv.persist.snapshot.abort.store(true, Ordering::SeqCst);
        let plan = Plan { sizes: vec![(1, 0); srv.keyspace.db_count()], ctime: 0 };
        let _ = walk(srv, &plan, purpose, std::io::sink());
        *srv.persist.snapshot.running.lock() = None;
        return Err(format!("Can't save in background: {e}"));
    }
    Ok(())
}
