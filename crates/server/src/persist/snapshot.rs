//! The forkless point-in-time snapshot. See `persist/mod.rs`.

use std::path::PathBuf;
use std::sync::Arc;

use crate::server::Server;

/// What a background snapshot is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// BGSAVE / save point: `dbfilename` in `dir`.
    Rdb,
    /// BGREWRITEAOF: an AOF base file (RDB format with `aof-base` aux = 1).
    AofBase,
}

/// Starts a background snapshot written to `path` (via a temporary file and rename).
/// `at_start` runs while every shard of every database is locked, at the snapshot's point in
/// time (the AOF uses it to switch to a new incremental file). `done` runs on the snapshot
/// thread when the file is complete (renamed) or failed. Returns Err if one is running.
pub fn start_background(
    _srv: &Arc<Server>,
    _purpose: Purpose,
    _path: PathBuf,
    _at_start: Box<dyn FnOnce() + Send>,
    _done: Box<dyn FnOnce(Result<SnapshotStats, String>) + Send>,
) -> Result<(), String> {
    Err("not yet".into())
}

/// Figures of a finished snapshot.
#[derive(Clone, Copy, Debug, Default)]
pub struct SnapshotStats {
    pub keys: u64,
    pub bytes: u64,
    pub millis: u64,
}
