//! CONFIG GET / SET / RESETSTAT / REWRITE / HELP. The parameter table and its rules live in
//! `config/`; this file only turns requests into calls on it.

use crate::cmd::spec::{flags as f, Arg, CommandSpec, Group};
use crate::cmd::{CmdError, CmdResult, Ctx};

/// CONFIG GET parameter [parameter ...]
fn config_get(ctx: &mut Ctx<'_>) -> CmdResult {
    let pats: Vec<&[u8]> = (2..ctx.argc()).map(|i| ctx.arg(i)).collect();
    let found = ctx.srv.config.get_matching(&pats);
    ctx.out.map(found.len());
    for (k, v) in found {
        ctx.out.bulk(k.as_bytes());
        ctx.out.bulk(v.as_bytes());
    }
    Ok(())
}

/// CONFIG SET parameter value [parameter value ...]
fn config_set(ctx: &mut Ctx<'_>) -> CmdResult {
    if !ctx.argc().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> =
        (2..ctx.argc()).step_by(2).map(|i| (ctx.arg(i), ctx.arg(i + 1))).collect();
    let local = ctx.client.info.loopback;
    let changed = ctx.srv.config.set_many_from(&pairs, local).map_err(CmdError::owned)?;
    crate::persist::aof::config_changed(ctx.srv, &changed);
    ctx.out.ok();
    Ok(())
}

/// CONFIG RESETSTAT
fn config_resetstat(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.srv.stats.reset();
    ctx.out.ok();
    Ok(())
}

/// CONFIG REWRITE
fn config_rewrite(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.srv.config.rewrite().map_err(CmdError::owned)?;
    crate::notice!("CONFIG REWRITE executed with success.");
    ctx.out.ok();
    Ok(())
}

const HELP: &[&str] = &[
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
];

/// CONFIG HELP
fn config_help(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.reply_help(HELP);
    Ok(())
}

static CONFIG_SUBS: &[CommandSpec] = &[
    CommandSpec::new("get", -3, Group::Server, config_get)
        .flags(f::ADMIN | f::NOSCRIPT | f::LOADING | f::STALE)
        .since("2.0.0")
        .complexity("O(N) when N is the number of configuration parameters provided")
        .summary("Returns the effective values of configuration parameters.")
        .history(&[("7.0.0", "Added the ability to pass multiple pattern parameters in one call")])
        .args(&[Arg::string("parameter").multiple()]),
    CommandSpec::new("set", -4, Group::Server, config_set)
        .flags(f::ADMIN | f::NOSCRIPT | f::LOADING | f::STALE)
        .since("2.0.0")
        .complexity("O(N) when N is the number of configuration parameters provided")
        .summary("Sets configuration parameters in-flight.")
        .history(&[("7.0.0", "Added the ability to set multiple parameters in one call.")])
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[Arg::block("data", &[Arg::string("parameter"), Arg::string("value")]).multiple()]),
    CommandSpec::new("resetstat", 2, Group::Server, config_resetstat)
        .flags(f::ADMIN | f::NOSCRIPT | f::LOADING | f::STALE)
        .since("2.0.0")
        .complexity("O(1)")
        .summary("Resets the server's statistics.")
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandSpec::new("rewrite", 2, Group::Server, config_rewrite)
        .flags(f::ADMIN | f::NOSCRIPT | f::LOADING | f::STALE)
        .since("2.8.0")
        .complexity("O(1)")
        .summary("Persists the effective configuration to file.")
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandSpec::new("help", 2, Group::Server, config_help)
        .flags(f::LOADING | f::STALE)
        .since("5.0.0")
        .complexity("O(1)")
        .summary("Returns helpful text about the different subcommands."),
];

/// CONFIG.
pub static COMMANDS: &[CommandSpec] =
    &[CommandSpec::container("config", Group::Server, CONFIG_SUBS)
        .since("2.0.0")
        .summary("A container for server configuration commands.")];
