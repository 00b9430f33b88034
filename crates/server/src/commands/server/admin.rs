//! Server administration: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN.

use crate::cmd::spec::{acl, flags as f, CommandSpec, Group, Scope};
use crate::cmd::{CmdError, CmdResult, Ctx};

/// DBSIZE
fn dbsize(ctx: &mut Ctx<'_>) -> CmdResult {
    let n: usize = ctx.db.shards().map(|s| s.dict.len()).sum();
    ctx.out.int(n as i64);
    Ok(())
}

/// FLUSHALL [ASYNC|SYNC]
fn flushall(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() > 2 {
        return Err(CmdError::Syntax);
    }
    let mut n = 0;
    for g in ctx.db.locks.guards() {
        n += g.g.dict.len() as u64;
        g.g.clear();
    }
    ctx.db.dirty(n.max(1));
    ctx.out.ok();
    Ok(())
}

/// Server commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("dbsize", 1, Group::Server, dbsize)
        .flags(f::READONLY | f::FAST)
        .acl(acl::KEYSPACE)
        .scope(Scope::Db)
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"])
        .summary("Returns the number of keys in the database."),
    CommandSpec::new("flushall", -1, Group::Server, flushall)
        .flags(f::WRITE)
        .acl(acl::KEYSPACE | acl::DANGEROUS)
        .scope(Scope::All)
        .complexity("O(N) where N is the total number of keys in all databases")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .summary("Removes all keys from all databases."),
];
