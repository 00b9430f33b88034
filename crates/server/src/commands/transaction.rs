//! The `transactions` group: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The machinery (queueing
//! in the dispatch gate, EXEC's locking and propagation, the WATCH tables) is in
//! `crate::multi`; these handlers only parse and reply.

use crate::cmd::spec::{acl, flags as f, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};

/// MULTI
fn multi(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::msg("ERR MULTI calls can not be nested"));
    }
    crate::multi::begin(ctx.client);
    ctx.out.ok();
    Ok(())
}

/// EXEC
fn exec(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::multi::exec(ctx)
}

/// DISCARD
fn discard(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.client.multi.is_none() {
        return Err(CmdError::msg("ERR DISCARD without MULTI"));
    }
    crate::multi::discard(ctx.srv, ctx.client);
    ctx.out.ok();
    Ok(())
}

/// WATCH key [key ...]
fn watch(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::multi::watch(ctx)
}

/// UNWATCH
fn unwatch(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::multi::unwatch_all(ctx.srv, ctx.client);
    ctx.out.ok();
    Ok(())
}

const TX: u64 = acl::TRANSACTION;

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("multi", 1, Group::Transactions, multi)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::ALLOW_BUSY)
        .acl(TX)
        .since("1.2.0")
        .complexity("O(1)")
        .summary("Mark the start of a transaction block"),
    CommandSpec::new("exec", 1, Group::Transactions, exec)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::SKIP_SLOWLOG)
        .acl(TX)
        .since("1.2.0")
        .complexity("Depends on commands in the transaction")
        .summary("Execute all commands issued after MULTI"),
    CommandSpec::new("discard", 1, Group::Transactions, discard)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::ALLOW_BUSY)
        .acl(TX)
        .since("2.0.0")
        .complexity("O(N), when N is the number of queued commands")
        .summary("Discard all commands issued after MULTI"),
    CommandSpec::new("watch", -2, Group::Transactions, watch)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::ALLOW_BUSY)
        .acl(TX)
        .keys(&[KeySpec::range(crate::cmd::spec::kflags::RO, 1, -1, 1)])
        .since("2.2.0")
        .complexity("O(1) for every key.")
        .summary("Watch the given keys to determine execution of the MULTI/EXEC block")
        .args(&[Arg::key("key", 0).multiple()]),
    CommandSpec::new("unwatch", 1, Group::Transactions, unwatch)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::ALLOW_BUSY)
        .acl(TX)
        .since("2.2.0")
        .complexity("O(1)")
        .summary("Forget about all watched keys"),
];
