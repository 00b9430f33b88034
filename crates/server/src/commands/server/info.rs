//! INFO: every section with Redis's field names (see also `stats/`).

use crate::cmd::CommandSpec;

/// Commands defined here.
pub static COMMANDS: &[CommandSpec] = &[];
