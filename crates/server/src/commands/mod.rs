//! Command handlers, one module per Redis command group (the group COMMAND DOCS reports):
//! `string.rs` holds SET and GET, `generic.rs` DEL and EXPIRE, `connection.rs` PING and
//! CLIENT, `server/` INFO, CONFIG, COMMAND and DEBUG. Each module ends its handlers with a
//! `COMMANDS` table of specs; [`ALL`] lists the tables and the registry reads them.

pub mod connection;
pub mod generic;
pub mod hash;
pub mod list;
pub mod server;
pub mod set;
pub mod sort;
pub mod sorted_set;
pub mod string;

use crate::cmd::CommandSpec;

/// Every family's command table.
pub static ALL: &[&[CommandSpec]] = &[
    connection::COMMANDS,
    generic::COMMANDS,
    hash::COMMANDS,
    list::COMMANDS,
    server::admin::COMMANDS,
    server::command::COMMANDS,
    server::config::COMMANDS,
    server::debug::COMMANDS,
    server::info::COMMANDS,
    set::COMMANDS,
    sort::COMMANDS,
    sorted_set::COMMANDS,
    string::COMMANDS,
];
