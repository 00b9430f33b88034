//! BGREWRITEAOF. The rewrite itself (snapshot into a new base, switch of incr file, manifest
//! update) lives in `persist/aof/mod.rs`; this file only turns the request into that call.

use crate::cmd::spec::{flags as f, CommandSpec, Group};
use crate::cmd::{CmdError, CmdResult, Ctx};

/// BGREWRITEAOF
fn bgrewriteaof(ctx: &mut Ctx<'_>) -> CmdResult {
    match crate::persist::aof::bgrewriteaof(ctx.srv) {
        Ok(status) => {
            ctx.out.simple(status.as_bytes());
            Ok(())
        }
        Err(e) => Err(CmdError::msg(e)),
    }
}

/// The AOF commands.
pub static COMMANDS: &[CommandSpec] =
    &[CommandSpec::new("bgrewriteaof", 1, Group::Server, bgrewriteaof)
        .flags(f::ADMIN | f::NOSCRIPT | f::NO_ASYNC_LOADING)
        .since("1.0.0")
        .complexity("O(1)")
        .summary("Asynchronously rewrites the append-only file to disk.")];
