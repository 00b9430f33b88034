//! The append-only file (Redis 7 multi-part layout). See `persist/mod.rs`.

use std::sync::Arc;

use crate::server::Server;

/// AOF state shared by the server (filled in by the AOF implementation).
#[derive(Default)]
pub struct AofState {}

/// Loads the AOF directory when `appendonly yes`. Returns Ok(false) when the AOF is off (the
/// caller then loads the RDB file), Ok(true) when the AOF was loaded (or was absent and
/// created empty). Called at startup before clients are accepted.
pub fn load_at_startup(_srv: &Arc<Server>) -> Result<bool, String> {
    Ok(false)
}

/// Starts the AOF writer if `appendonly yes` (subscribes to the propagation stream).
pub fn start(_srv: &Arc<Server>) {}
