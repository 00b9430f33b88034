//! Command handlers, one module per Redis command group (the group COMMAND DOCS reports):
//! `string.rs` holds SET and GET, `generic.rs` DEL and EXPIRE, `connection.rs` PING and
//! CLIENT, `server/` INFO, CONFIG, COMMAND and DEBUG. Each module ends its handlers with a
//! `COMMANDS` table of specs; [`ALL`] lists the tables and the registry reads them.
//!
//! One exception to "one file per group": the blocking forms of the list and sorted set pops
//! (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP) live in
//! `blocking.rs`, next to nothing but each other, because they share the blocking machinery
//! (`crate::blocking`); their specs still report groups `list` and `sorted-set`.
//!
//! A second one: DUMP, RESTORE and RESTORE-ASKING live in `dump.rs` (groups `generic` and
//! `server`), next to nothing but each other, because they are the keyspace's door to the
//! RDB codec (`crate::persist::rdb`) rather than key bookkeeping.

pub mod blocking;
pub mod connection;
pub mod dump;
pub mod generic;
pub mod hash;
pub mod list;
pub mod server;
pub mod set;
pub mod sort;
pub mod sorted_set;
pub mod string;
pub mod transaction;

use crate::cmd::CommandSpec;

/// Every family's command table.
pub static ALL: &[&[CommandSpec]] = &[
    blocking::LIST_COMMANDS,
    blocking::ZSET_COMMANDS,
    connection::COMMANDS,
    dump::COMMANDS,
    generic::COMMANDS,
    hash::COMMANDS,
    list::COMMANDS,
    server::admin::COMMANDS,
    server::aof::COMMANDS,
    server::command::COMMANDS,
    server::config::COMMANDS,
    server::debug::COMMANDS,
    server::info::COMMANDS,
    server::persistence::COMMANDS,
    set::COMMANDS,
    sort::COMMANDS,
    sorted_set::COMMANDS,
    string::COMMANDS,
    transaction::COMMANDS,
];
