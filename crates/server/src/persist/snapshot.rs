//! The forkless point-in-time snapshot. See `persist/mod.rs`.
