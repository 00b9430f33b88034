//! Persistence: RDB snapshots (SAVE, BGSAVE, save points, loading at startup), the
//! append-only file, and the RDB value format shared with DUMP/RESTORE.
//!
//! * `rdb/`: the RDB format itself — encoding one entry or value to bytes, decoding a stream
//!   of items back, CRC64. Knows nothing of threads or files.
//! * `snapshot.rs`: the forkless point-in-time snapshot (DESIGN.md §5): an epoch flag on
//!   every entry, and writes that serialize an entry's old state before they touch it.
//! * `save.rs`: SAVE / BGSAVE / save points / LASTSAVE and the INFO persistence fields; files
//!   are written to a temporary name and renamed.
//! * `load.rs`: reading an RDB stream into the keyspace (startup, DEBUG RELOAD, AOF preamble).
//! * `aof/`: the multi-part append-only file: manifest, base and incremental files, the
//!   writer fed by the propagation stream, fsync policies with group commit, loading.

pub mod aof;
pub mod crc64;
pub mod load;
pub mod rdb;
pub mod save;
pub mod snapshot;

/// Redis's `debugDelay`: sleeps `d` microseconds, or `-d` nanoseconds when negative (the
/// `rdb-key-save-delay` / `key-load-delay` test hooks).
pub fn debug_delay(d: i64) {
    match d {
        0 => {}
        d if d > 0 => std::thread::sleep(std::time::Duration::from_micros(d as u64)),
        d => std::thread::sleep(std::time::Duration::from_nanos(d.unsigned_abs())),
    }
}

/// Persistence state shared by the whole server.
#[derive(Default)]
pub struct Persist {
    pub aof: aof::AofState,
    pub rdb: save::RdbState,
    pub snapshot: snapshot::Engine,
}

/// Why writes (and PING) are refused with `-MISCONF`, if they are: a failed background save
/// under stop-writes-on-bgsave-error, else a failed AOF write or fsync (Redis's
/// `writeCommandsDeniedByDiskError` and `writeCommandsGetDiskErrorMessage`).
pub fn write_denial(srv: &crate::server::Server) -> Option<std::borrow::Cow<'static, str>> {
    if save::writes_denied(srv) {
        return Some(std::borrow::Cow::Borrowed(RDB_MISCONF));
    }
    let errno = srv.persist.aof.disk_errno()?;
    let text = crate::config::os_error_text(&std::io::Error::from_raw_os_error(errno));
    Some(std::borrow::Cow::Owned(format!("MISCONF Errors writing to the AOF file: {text}")))
}

const RDB_MISCONF: &str = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
