//! The lists family. Placeholder: its commands land here.

use crate::cmd::CommandSpec;

/// The family's command table.
pub static COMMANDS: &[CommandSpec] = &[];
