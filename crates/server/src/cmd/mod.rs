//! The command framework: what a command is (`spec`), how it is found (`registry`), the gate
//! every command passes (`dispatch`), where its keys are (`keys`), how it fails (`error`),
//! and what it is given to run with ([`Ctx`]). No command semantics live here; handlers are
//! in `commands/`.

pub mod args;
pub mod dispatch;
pub mod error;
pub mod keys;
pub mod registry;
pub mod spec;

use resp::parse::Argv;
use resp::ReplyBuf;

pub use error::{CmdError, CmdResult};
pub use spec::CommandSpec;

use crate::conn::client::Client;
use crate::db::DbCtx;
use crate::server::Server;

/// Everything a handler is given. Fields are public so a handler can borrow them separately
/// (`ctx.db` for data while writing `ctx.out`).
pub struct Ctx<'a> {
    /// The arguments, command name included at index 0.
    pub argv: Argv<'a>,
    /// Where the reply goes (RESP2/3 decided inside).
    pub out: &'a mut ReplyBuf,
    /// The calling connection's state.
    pub client: &'a mut Client,
    /// Server-wide state: config, clients, stats.
    pub srv: &'a Server,
    /// The keyspace shards this command holds, and its effects.
    pub db: DbCtx<'a>,
    /// The spec being run.
    pub spec: &'static CommandSpec,
}

impl<'a> Ctx<'a> {
    /// Argument `i` (callers have checked arity).
    #[inline]
    pub fn arg(&self, i: usize) -> &'a [u8] {
        self.argv.get(i)
    }

    /// Number of arguments, name included.
    #[inline]
    pub fn argc(&self) -> usize {
        self.argv.len()
    }

    /// Writes a HELP reply: one simple string per line, as Redis's `addReplyHelp` does.
    pub fn reply_help(&mut self, lines: &[&str]) {
        self.out.array(lines.len());
        for l in lines {
            self.out.simple(l.as_bytes());
        }
    }

    /// An arity error for this command.
    pub fn arity_error(&self) -> CmdError {
        CmdError::Arity(registry::full_name(self.spec, &self.argv))
    }
}
