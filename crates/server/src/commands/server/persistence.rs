//! SAVE and BGSAVE (LASTSAVE is in `admin.rs` with the other clocks). The work is in
//! `persist/save.rs`; these are the command faces.

use crate::cmd::args::is;
use crate::cmd::spec::{acl, flags as f, Arg, CommandSpec, Group};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::persist::save::{self, BgsaveRefused};

/// SAVE
fn save_cmd(ctx: &mut Ctx<'_>) -> CmdResult {
    // An RDB snapshot running refuses SAVE; an AOF rewrite does not (as in Redis).
    if ctx.srv.persist.snapshot.running().is_some_and(|(p, _)| !p.is_aof()) {
        return Err(CmdError::msg("ERR Background save already in progress"));
    }
    match save::save(ctx.srv) {
        Ok(_) => {
            ctx.out.ok();
            Ok(())
        }
        Err(_) => Err(CmdError::msg("ERR")),
    }
}

/// BGSAVE [SCHEDULE]
fn bgsave(ctx: &mut Ctx<'_>) -> CmdResult {
    let schedule = match ctx.argc() {
        1 => false,
        2 if is(ctx.arg(1), "SCHEDULE") => true,
        _ => return Err(CmdError::Syntax),
    };
    let Some(srv) = ctx.srv.arc() else {
        return Err(CmdError::msg("ERR internal error: no server handle"));
    };
    match save::bgsave(&srv) {
        Ok(()) => ctx.out.simple(b"Background saving started"),
        Err(BgsaveRefused::InProgress) => {
            return Err(CmdError::msg("ERR Background save already in progress"))
        }
        Err(BgsaveRefused::OtherChild) if schedule => {
            ctx.srv.persist.rdb.scheduled.store(true, std::sync::atomic::Ordering::Relaxed);
            ctx.out.simple(b"Background saving scheduled");
        }
        Err(BgsaveRefused::OtherChild) => {
            return Err(CmdError::msg(
                "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
            ))
        }
        Err(BgsaveRefused::Failed(_)) => return Err(CmdError::msg("ERR")),
    }
    Ok(())
}

/// SAVE and BGSAVE.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("save", 1, Group::Server, save_cmd)
        .flags(f::ADMIN | f::NOSCRIPT | f::NO_ASYNC_LOADING | f::NO_MULTI)
        .acl(acl::ADMIN | acl::DANGEROUS)
        .complexity("O(N) where N is the total number of keys in all databases")
        .summary("Synchronously saves the database(s) to disk."),
    CommandSpec::new("bgsave", -1, Group::Server, bgsave)
        .flags(f::ADMIN | f::NOSCRIPT | f::NO_ASYNC_LOADING)
        .acl(acl::ADMIN | acl::DANGEROUS)
        .history(&[("3.2.2", "Added the `SCHEDULE` option.")])
        .summary("Asynchronously saves the database(s) to disk.")
        .args(&[Arg::pure("schedule", "SCHEDULE").since("3.2.2").optional()]),
];
