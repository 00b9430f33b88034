//! The server group, split by concern: administration (`admin.rs`), CONFIG (`config.rs`),
//! INFO (`info.rs`), COMMAND (`command.rs`) and DEBUG (`debug.rs`).

pub mod admin;
pub mod aof;
pub mod command;
pub mod config;
pub mod debug;
pub mod info;
