//! The server group, split by concern: administration (`admin.rs`), CONFIG (`config.rs`),
//! INFO (`info.rs`), COMMAND (`command.rs`), DEBUG (`debug.rs`) and
//! SAVE / BGSAVE (`persistence.rs`).

pub mod admin;
pub mod aof;
pub mod command;
pub mod config;
pub mod debug;
pub mod info;
pub mod persistence;
