//! DEBUG, gated by `enable-debug-command`: SLEEP, OBJECT, DIGEST, DIGEST-VALUE, PROTOCOL,
//! SET-ACTIVE-EXPIRE, JMAP, STRINGMATCH-LEN, CHANGE-REPL-ID, ...

use crate::cmd::CommandSpec;

/// Commands defined here.
pub static COMMANDS: &[CommandSpec] = &[];
