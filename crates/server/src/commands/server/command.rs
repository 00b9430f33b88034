//! The COMMAND family: COUNT, INFO, DOCS, LIST (FILTERBY), GETKEYS, GETKEYSANDFLAGS, HELP,
//! all served from the command table (`cmd::registry`), in Redis 7's reply shapes.
//!
//! Redis lists commands in hash-table order; we list them sorted by name, which clients
//! cannot tell apart from any other order.

use resp::parse::OwnedArgv;
use resp::ReplyBuf;

use crate::cmd::args::is;
use crate::cmd::keys::for_each_key;
use crate::cmd::registry::{registry, Entry, Found};
use crate::cmd::spec::{
    acl, aflags, docflags, flags as f, kflags, Arg, BeginSearch, CommandSpec, FindKeys, Group,
};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::util::glob;

/// Flags Redis does not list in COMMAND INFO.
const UNREPORTED: u64 = f::PROTECTED | f::SENTINEL | f::ONLY_SENTINEL;

/// Writes one COMMAND INFO entry (a 10-element array).
fn reply_info(out: &mut ReplyBuf, e: &Entry) {
    let spec = e.spec;
    out.array(10);
    out.bulk(e.full_name.as_bytes());
    out.int(spec.arity as i64);
    let names: Vec<&str> = f::NAMES
        .iter()
        .filter(|(bit, _)| e.flags & bit != 0 && bit & UNREPORTED == 0)
        .map(|(_, n)| *n)
        .collect();
    out.set(names.len());
    for n in names {
        out.simple(n.as_bytes());
    }
    out.int(e.legacy.0 as i64);
    out.int(e.legacy.1 as i64);
    out.int(e.legacy.2 as i64);
    let cats: Vec<&str> =
        acl::NAMES.iter().filter(|(bit, _)| e.acl & bit != 0).map(|(_, n)| *n).collect();
    out.set(cats.len());
    for c in cats {
        out.simple(format!("@{c}").as_bytes());
    }
    out.set(spec.tips.len());
    for t in spec.tips {
        out.bulk(t.as_bytes());
    }
    out.set(spec.keys.len());
    for (i, k) in spec.keys.iter().enumerate() {
        let note = spec.key_notes.iter().find(|(j, _)| *j == i).map(|(_, n)| *n);
        out.map(3 + note.is_some() as usize);
        if let Some(n) = note {
            out.bulk(b"notes");
            out.bulk(n.as_bytes());
        }
        out.bulk(b"flags");
        let kf: Vec<&str> =
            kflags::NAMES.iter().filter(|(bit, _)| k.flags & bit != 0).map(|(_, n)| *n).collect();
        out.set(kf.len());
        for n in kf {
            out.simple(n.as_bytes());
        }
        out.bulk(b"begin_search");
        out.map(2);
        out.bulk(b"type");
        match k.begin {
            BeginSearch::Index(pos) => {
                out.bulk(b"index");
                out.bulk(b"spec");
                out.map(1);
                out.bulk(b"index");
                out.int(pos as i64);
            }
            BeginSearch::Keyword { keyword, startfrom } => {
                out.bulk(b"keyword");
                out.bulk(b"spec");
                out.map(2);
                out.bulk(b"keyword");
                out.bulk(keyword.as_bytes());
                out.bulk(b"startfrom");
                out.int(startfrom as i64);
            }
            BeginSearch::Unknown => {
                out.bulk(b"unknown");
                out.bulk(b"spec");
                out.map(0);
            }
        }
        out.bulk(b"find_keys");
        out.map(2);
        out.bulk(b"type");
        match k.find {
            FindKeys::Range { lastkey, step, limit } => {
                out.bulk(b"range");
                out.bulk(b"spec");
                out.map(3);
                out.bulk(b"lastkey");
                out.int(lastkey as i64);
                out.bulk(b"keystep");
                out.int(step as i64);
                out.bulk(b"limit");
                out.int(limit as i64);
            }
            FindKeys::Keynum { keynumidx, firstkey, step } => {
                out.bulk(b"keynum");
                out.bulk(b"spec");
                out.map(3);
                out.bulk(b"keynumidx");
                out.int(keynumidx as i64);
                out.bulk(b"firstkey");
                out.int(firstkey as i64);
                out.bulk(b"keystep");
                out.int(step as i64);
            }
            FindKeys::Unknown => {
                out.bulk(b"unknown");
                out.bulk(b"spec");
                out.map(0);
            }
        }
    }
    if e.subs.is_empty() {
        out.set(0);
    } else {
        out.array(e.subs.len());
        for s in sorted_subs(e) {
            reply_info(out, s);
        }
    }
}

fn sorted_subs(e: &Entry) -> Vec<&Entry> {
    let mut v: Vec<&Entry> = e.subs.iter().collect();
    v.sort_by(|a, b| a.spec.name.cmp(b.spec.name));
    v
}

/// Writes one argument of COMMAND DOCS.
fn reply_arg(out: &mut ReplyBuf, a: &Arg) {
    let fl: Vec<&str> = [
        (aflags::OPTIONAL, "optional"),
        (aflags::MULTIPLE, "multiple"),
        (aflags::MULTIPLE_TOKEN, "multiple_token"),
    ]
    .iter()
    .filter(|(b, _)| a.flags & b != 0)
    .map(|(_, n)| *n)
    .collect();
    let is_key = a.key_spec >= 0;
    let n = 2
        + a.display.is_some() as usize
        + is_key as usize
        + a.token.is_some() as usize
        + a.since.is_some() as usize
        + !fl.is_empty() as usize
        + !a.sub.is_empty() as usize;
    out.map(n);
    out.bulk(b"name");
    out.bulk(a.name.as_bytes());
    out.bulk(b"type");
    out.bulk(a.kind.name().as_bytes());
    if let Some(d) = a.display {
        out.bulk(b"display_text");
        out.bulk(d.as_bytes());
    }
    if is_key {
        out.bulk(b"key_spec_index");
        out.int(a.key_spec as i64);
    }
    if let Some(t) = a.token {
        out.bulk(b"token");
        out.bulk(t.as_bytes());
    }
    if let Some(s) = a.since {
        out.bulk(b"since");
        out.bulk(s.as_bytes());
    }
    if !fl.is_empty() {
        out.bulk(b"flags");
        out.set(fl.len());
        for x in fl {
            out.simple(x.as_bytes());
        }
    }
    if !a.sub.is_empty() {
        out.bulk(b"arguments");
        out.array(a.sub.len());
        for s in a.sub {
            reply_arg(out, s);
        }
    }
}

/// Writes one COMMAND DOCS value (a map).
fn reply_docs(out: &mut ReplyBuf, e: &Entry) {
    let spec: &CommandSpec = e.spec;
    let mut doc_flags: Vec<&str> = Vec::new();
    if spec.deprecated.is_some() {
        doc_flags.push("deprecated");
    }
    if spec.doc_flags & docflags::SYSCMD != 0 {
        doc_flags.push("syscmd");
    }
    let n = 2
        + !spec.summary.is_empty() as usize
        + !spec.complexity.is_empty() as usize
        + !doc_flags.is_empty() as usize
        + 2 * spec.deprecated.is_some() as usize
        + !spec.history.is_empty() as usize
        + !spec.args.is_empty() as usize
        + !e.subs.is_empty() as usize;
    out.map(n);
    if !spec.summary.is_empty() {
        out.bulk(b"summary");
        out.bulk(spec.summary.as_bytes());
    }
    out.bulk(b"since");
    out.bulk(spec.since.as_bytes());
    out.bulk(b"group");
    out.bulk(spec.group.name().as_bytes());
    if !spec.complexity.is_empty() {
        out.bulk(b"complexity");
        out.bulk(spec.complexity.as_bytes());
    }
    if !doc_flags.is_empty() {
        out.bulk(b"doc_flags");
        out.set(doc_flags.len());
        for d in doc_flags {
            out.simple(d.as_bytes());
        }
    }
    if let Some((since, by)) = spec.deprecated {
        out.bulk(b"deprecated_since");
        out.bulk(since.as_bytes());
        out.bulk(b"replaced_by");
        out.bulk(by.as_bytes());
    }
    if !spec.history.is_empty() {
        out.bulk(b"history");
        out.set(spec.history.len());
        for (v, d) in spec.history {
            out.array(2);
            out.bulk(v.as_bytes());
            out.bulk(d.as_bytes());
        }
    }
    if !spec.args.is_empty() {
        out.bulk(b"arguments");
        out.array(spec.args.len());
        for a in spec.args {
            reply_arg(out, a);
        }
    }
    if !e.subs.is_empty() {
        out.bulk(b"subcommands");
        out.map(e.subs.len());
        for s in sorted_subs(e) {
            out.bulk(s.full_name.as_bytes());
            reply_docs(out, s);
        }
    }
}

/// COMMAND
fn command(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() > 1 {
        return Err(ctx.arity_error());
    }
    let all = registry().sorted();
    ctx.out.array(all.len());
    for e in all {
        reply_info(ctx.out, e);
    }
    Ok(())
}

/// COMMAND COUNT
fn command_count(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.out.int(registry().len() as i64);
    Ok(())
}

/// COMMAND INFO [command-name ...]
fn command_info(ctx: &mut Ctx<'_>) -> CmdResult {
    let reg = registry();
    if ctx.argc() == 2 {
        let all = reg.sorted();
        ctx.out.array(all.len());
        for e in all {
            reply_info(ctx.out, e);
        }
        return Ok(());
    }
    ctx.out.array(ctx.argc() - 2);
    for i in 2..ctx.argc() {
        match reg.by_full_name(ctx.arg(i)) {
            Some(e) => reply_info(ctx.out, e),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// COMMAND DOCS [command-name ...]
fn command_docs(ctx: &mut Ctx<'_>) -> CmdResult {
    let reg = registry();
    let found: Vec<&Entry> = if ctx.argc() == 2 {
        reg.sorted()
    } else {
        (2..ctx.argc()).filter_map(|i| reg.by_full_name(ctx.arg(i))).collect()
    };
    ctx.out.map(found.len());
    for e in found {
        ctx.out.bulk(e.full_name.as_bytes());
        reply_docs(ctx.out, e);
    }
    Ok(())
}

/// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
fn command_list(ctx: &mut Ctx<'_>) -> CmdResult {
    enum Filter<'a> {
        All,
        Module,
        Acl(u64),
        Pattern(&'a [u8]),
    }
    let filter = match ctx.argc() {
        2 => Filter::All,
        5 if is(ctx.arg(2), "FILTERBY") => {
            let (kind, val) = (ctx.arg(3), ctx.arg(4));
            if is(kind, "MODULE") {
                Filter::Module
            } else if is(kind, "ACLCAT") {
                match acl::NAMES.iter().find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(val)) {
                    Some((bit, _)) => Filter::Acl(*bit),
                    None => Filter::Module,
                }
            } else if is(kind, "PATTERN") {
                Filter::Pattern(val)
            } else {
                return Err(CmdError::Syntax);
            }
        }
        _ => return Err(CmdError::Syntax),
    };
    let mut names: Vec<&str> = Vec::new();
    for top in registry().sorted() {
        for e in std::iter::once(top).chain(sorted_subs(top)) {
            let keep = match &filter {
                Filter::All => true,
                Filter::Module => false,
                Filter::Acl(bit) => e.acl & bit != 0,
                Filter::Pattern(p) => glob::matches(p, e.full_name.as_bytes(), true),
            };
            if keep {
                names.push(&e.full_name);
            }
        }
    }
    ctx.out.array(names.len());
    for n in names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

/// The key arguments of the command in `argv[2..]`, with the spec each came from.
/// For each key: its argument index and its access flags.
fn getkeys_common(ctx: &Ctx<'_>) -> Result<Vec<(usize, u32)>, CmdError> {
    let owned = OwnedArgv::from_slices((2..ctx.argc()).map(|i| ctx.arg(i)));
    let inner = owned.view();
    let entry = match registry().find(&inner) {
        Found::Cmd(e) => e,
        _ => return Err(CmdError::msg("ERR Invalid command specified")),
    };
    let spec = entry.spec;
    if spec.keys.is_empty() {
        return Err(CmdError::msg("ERR The command has no key arguments"));
    }
    if !spec.arity_ok(inner.len()) {
        return Err(CmdError::msg("ERR Invalid number of arguments specified for command"));
    }
    let mut keys = Vec::new();
    for_each_key(spec, &inner, |i, si| {
        let mut fl = spec.keys[si].flags;
        if fl & kflags::VARIABLE_FLAGS != 0 {
            if let Some(hook) = spec.key_flags {
                fl = hook(&inner, si);
            }
        }
        keys.push((i + 2, fl))
    });
    if keys.is_empty() && !spec.has(f::NO_MANDATORY_KEYS) {
        return Err(CmdError::msg("ERR Invalid arguments specified for command"));
    }
    Ok(keys)
}

/// COMMAND GETKEYS command [arg ...]
fn command_getkeys(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = getkeys_common(ctx)?;
    ctx.out.array(keys.len());
    for (i, _) in keys {
        ctx.out.bulk(ctx.arg(i));
    }
    Ok(())
}

/// COMMAND GETKEYSANDFLAGS command [arg ...]
fn command_getkeysandflags(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = getkeys_common(ctx)?;
    ctx.out.array(keys.len());
    for (i, fl) in keys {
        ctx.out.array(2);
        ctx.out.bulk(ctx.arg(i));
        let names: Vec<&str> =
            kflags::NAMES.iter().filter(|(b, _)| fl & b != 0).map(|(_, n)| *n).collect();
        ctx.out.set(names.len());
        for n in names {
            ctx.out.simple(n.as_bytes());
        }
    }
    Ok(())
}

/// Writes a HELP reply: the first line, then each subcommand and its description, then HELP.
pub fn reply_help(out: &mut ReplyBuf, command: &str, lines: &[&str]) {
    out.array(lines.len() + 3);
    out.simple(
        format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").as_bytes(),
    );
    for l in lines {
        out.simple(l.as_bytes());
    }
    out.simple(b"HELP");
    out.simple(b"    Print this help.");
}

/// COMMAND HELP
fn command_help(ctx: &mut Ctx<'_>) -> CmdResult {
    reply_help(
        ctx.out,
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return the description of every command of this server.",
            "COUNT",
            "    Return the number of commands of this server.",
            "LIST",
            "    Return the names of all commands, optionally filtered:",
            "    FILTERBY MODULE <module-name>, ACLCAT <category> or PATTERN <glob>.",
            "INFO [<command-name> ...]",
            "    Return the description of the given commands.",
            "    Without names, every command is described.",
            "DOCS [<command-name> ...]",
            "    Return the documentation of the given commands.",
            "    Without names, every command is documented.",
            "GETKEYS <full-command>",
            "    Return the key arguments of a complete command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the key arguments of a complete command with their access flags.",
        ],
    );
    Ok(())
}

const CMD_FLAGS: u64 = f::LOADING | f::STALE;
const ORDER_TIP: &[&str] = &["nondeterministic_output_order"];

static COMMAND_SUBS: &[CommandSpec] = &[
    CommandSpec::new("count", 2, Group::Server, command_count)
        .flags(CMD_FLAGS)
        .acl(acl::CONNECTION)
        .since("2.8.13")
        .summary("Tells how many commands the server knows."),
    CommandSpec::new("docs", -2, Group::Server, command_docs)
        .flags(CMD_FLAGS)
        .acl(acl::CONNECTION)
        .since("7.0.0")
        .complexity("O(N) where N is the number of commands to look up")
        .tips(ORDER_TIP)
        .summary("Describes the arguments and history of commands, for people and tools.")
        .args(&[Arg::string("command-name").optional().multiple()]),
    CommandSpec::new("getkeys", -3, Group::Server, command_getkeys)
        .flags(CMD_FLAGS)
        .acl(acl::CONNECTION)
        .since("2.8.13")
        .complexity("O(N) where N is the number of arguments to the command")
        .summary("Finds the key arguments of a complete command.")
        .args(&[Arg::string("command"), Arg::string("arg").optional().multiple()]),
    CommandSpec::new("getkeysandflags", -3, Group::Server, command_getkeysandflags)
        .flags(CMD_FLAGS)
        .acl(acl::CONNECTION)
        .since("7.0.0")
        .complexity("O(N) where N is the number of arguments to the command")
        .summary("Finds the key arguments of a complete command, with how each is accessed.")
        .args(&[Arg::string("command"), Arg::string("arg").optional().multiple()]),
    CommandSpec::new("help", 2, Group::Server, command_help)
        .flags(CMD_FLAGS)
        .acl(acl::CONNECTION)
        .since("5.0.0")
        .summary("Explains the COMMAND subcommands."),
    CommandSpec::new("info", -2, Group::Server, command_info)
        .flags(CMD_FLAGS)
        .acl(acl::CONNECTION)
        .since("2.8.13")
        .complexity("O(N) where N is the number of commands to look up")
        .tips(ORDER_TIP)
        .history(&[("7.0.0", "Allowed to be called with no argument to get info on all commands.")])
        .summary("Describes commands: arity, flags, keys, ACL categories and subcommands.")
        .args(&[Arg::string("command-name").optional().multiple()]),
    CommandSpec::new("list", -2, Group::Server, command_list)
        .flags(CMD_FLAGS)
        .acl(acl::CONNECTION)
        .since("7.0.0")
        .complexity("O(N) where N is the total number of Redis commands")
        .tips(ORDER_TIP)
        .summary("Lists command names, optionally filtered by module, ACL category or pattern.")
        .args(&[Arg::oneof(
            "filterby",
            &[
                Arg::string("module-name").token("MODULE"),
                Arg::string("category").token("ACLCAT"),
                Arg::pattern("pattern").token("PATTERN"),
            ],
        )
        .token("FILTERBY")
        .optional()]),
];

/// COMMAND.
pub static COMMANDS: &[CommandSpec] = &[CommandSpec::new("command", -1, Group::Server, command)
    .flags(CMD_FLAGS)
    .acl(acl::CONNECTION)
    .since("2.8.13")
    .complexity("O(N) where N is the total number of Redis commands")
    .tips(ORDER_TIP)
    .summary("Describes every command of the server.")
    .subcommands(COMMAND_SUBS)];
