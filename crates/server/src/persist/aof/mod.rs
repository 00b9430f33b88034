//! The append-only file (Redis 7 multi-part layout). See `persist/mod.rs`.

/// AOF state shared by the server (filled in by the AOF implementation).
#[derive(Default)]
pub struct AofState {}
