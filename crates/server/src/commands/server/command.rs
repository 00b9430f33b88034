//! The COMMAND family: COUNT, INFO, DOCS, LIST (FILTERBY), GETKEYS, GETKEYSANDFLAGS, HELP,
//! all served from the command table.

use crate::cmd::CommandSpec;

/// Commands defined here.
pub static COMMANDS: &[CommandSpec] = &[];
