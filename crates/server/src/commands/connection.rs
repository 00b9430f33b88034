//! Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO and the CLIENT family.

use std::sync::atomic::Ordering;

use crate::cmd::args::{int, is};
use crate::cmd::error::{INVALID_DB, WRONG_PASS};
use crate::cmd::spec::{acl, flags as f, Arg, CommandSpec, Group};
use crate::cmd::{CmdError, CmdResult, Ctx};

/// PING [message]
fn ping(ctx: &mut Ctx<'_>) -> CmdResult {
    match ctx.argc() {
        1 => ctx.out.simple(b"PONG"),
        2 => ctx.out.bulk(ctx.arg(1)),
        _ => return Err(ctx.arity_error()),
    }
    Ok(())
}

/// ECHO message
fn echo(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.out.bulk(ctx.arg(1));
    Ok(())
}

/// QUIT: reply OK, then close.
fn quit(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.out.ok();
    ctx.client.close_after_reply = true;
    Ok(())
}

/// SELECT index
fn select(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = int(ctx.arg(1)).map_err(|_| CmdError::msg("ERR invalid DB index"))?;
    if n < 0 || n as usize >= ctx.srv.keyspace.db_count() {
        return Err(CmdError::msg(INVALID_DB));
    }
    ctx.client.db = n as usize;
    ctx.client.info.db.store(n as u32, Ordering::Relaxed);
    ctx.out.ok();
    Ok(())
}

/// Checks a username/password pair against requirepass (the default user only, until ACL).
fn check_password(ctx: &Ctx<'_>, user: Option<&[u8]>, pass: &[u8]) -> bool {
    if let Some(u) = user {
        if u != b"default" {
            return false;
        }
    }
    match &ctx.srv.config.settings().requirepass {
        Some(p) => p.as_slice() == pass,
        None => true,
    }
}

/// AUTH [username] password
fn auth(ctx: &mut Ctx<'_>) -> CmdResult {
    let (user, pass) = match ctx.argc() {
        2 => (None, ctx.arg(1)),
        3 => (Some(ctx.arg(1)), ctx.arg(2)),
        _ => return Err(CmdError::Syntax),
    };
    if user.is_none() && ctx.srv.config.settings().requirepass.is_none() {
        return Err(CmdError::msg(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        ));
    }
    if !check_password(ctx, user, pass) {
        return Err(CmdError::msg(WRONG_PASS));
    }
    ctx.client.authenticated = true;
    ctx.out.ok();
    Ok(())
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
fn hello(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut ver = None;
    let mut i = 1;
    if ctx.argc() >= 2 {
        let v = int(ctx.arg(1))
            .map_err(|_| CmdError::msg("ERR Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&v) {
            return Err(CmdError::msg("NOPROTO unsupported protocol version"));
        }
        ver = Some(v);
        i = 2;
    }
    let mut setname = None;
    while i < ctx.argc() {
        let left = ctx.argc() - i - 1;
        let a = ctx.arg(i);
        if is(a, "AUTH") && left >= 2 {
            let (u, p) = (ctx.arg(i + 1), ctx.arg(i + 2));
            if !check_password(ctx, Some(u), p) {
                return Err(CmdError::msg(WRONG_PASS));
            }
            ctx.client.authenticated = true;
            i += 3;
        } else if is(a, "SETNAME") && left >= 1 {
            let name = ctx.arg(i + 1);
            validate_name(name)?;
            setname = Some(name);
            i += 2;
        } else {
            return Err(CmdError::owned(format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(a)
            )));
        }
    }
    if !ctx.client.authenticated {
        return Err(CmdError::msg(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
        ));
    }
    if let Some(n) = setname {
        *ctx.client.info.name.lock() = n.to_vec();
    }
    if let Some(v) = ver {
        ctx.client.resp3 = v == 3;
        ctx.out.set_resp3(v == 3);
        ctx.client.info.resp.store(v as u8, Ordering::Relaxed);
    }
    let proto = if ctx.client.resp3 { 3 } else { 2 };
    ctx.out.map(7);
    ctx.out.bulk(b"server");
    ctx.out.bulk(b"redis");
    ctx.out.bulk(b"version");
    ctx.out.bulk(crate::server::REDIS_VERSION.as_bytes());
    ctx.out.bulk(b"proto");
    ctx.out.int(proto);
    ctx.out.bulk(b"id");
    ctx.out.int(ctx.client.id as i64);
    ctx.out.bulk(b"mode");
    ctx.out.bulk(b"standalone");
    ctx.out.bulk(b"role");
    ctx.out.bulk(b"master");
    ctx.out.bulk(b"modules");
    ctx.out.array(0);
    Ok(())
}

/// Client names may not contain spaces, newlines or other special characters.
pub(crate) fn validate_name(name: &[u8]) -> Result<(), CmdError> {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(CmdError::msg(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

/// CLIENT ID
fn client_id(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.out.int(ctx.client.id as i64);
    Ok(())
}

/// CLIENT SETNAME name
fn client_setname(ctx: &mut Ctx<'_>) -> CmdResult {
    let name = ctx.arg(2);
    validate_name(name)?;
    *ctx.client.info.name.lock() = name.to_vec();
    ctx.out.ok();
    Ok(())
}

/// CLIENT GETNAME
fn client_getname(ctx: &mut Ctx<'_>) -> CmdResult {
    let name = ctx.client.info.name.lock().clone();
    if name.is_empty() {
        ctx.out.null();
    } else {
        ctx.out.bulk(&name);
    }
    Ok(())
}

const CONN: u64 = acl::CONNECTION;

static CLIENT_SUBS: &[CommandSpec] = &[
    CommandSpec::new("id", 2, Group::Connection, client_id)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE)
        .acl(CONN)
        .since("5.0.0")
        .summary("Returns the unique client ID of the connection."),
    CommandSpec::new("setname", 3, Group::Connection, client_setname)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE)
        .acl(CONN)
        .since("2.6.9")
        .summary("Sets the connection name.")
        .args(&[Arg::string("connection-name")]),
    CommandSpec::new("getname", 2, Group::Connection, client_getname)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE)
        .acl(CONN)
        .since("2.6.9")
        .summary("Returns the name of the connection."),
];

/// Connection commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("ping", -1, Group::Connection, ping)
        .flags(f::FAST)
        .acl(CONN)
        .summary("Returns the server's liveliness response.")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[Arg::string("message").optional()]),
    CommandSpec::new("echo", 2, Group::Connection, echo)
        .flags(f::LOADING | f::STALE | f::FAST)
        .acl(CONN)
        .summary("Returns the given string.")
        .args(&[Arg::string("message")]),
    CommandSpec::new("quit", -1, Group::Connection, quit)
        .flags(f::ALLOW_BUSY | f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::NO_AUTH)
        .acl(CONN)
        .deprecated("7.2.0", "just closing the connection")
        .summary("Closes the connection."),
    CommandSpec::new("select", 2, Group::Connection, select)
        .flags(f::LOADING | f::STALE | f::FAST)
        .acl(CONN)
        .summary("Changes the selected database.")
        .args(&[Arg::integer("index")]),
    CommandSpec::new("auth", -2, Group::Connection, auth)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::NO_AUTH | f::ALLOW_BUSY)
        .acl(CONN)
        .complexity("O(N) where N is the number of passwords defined for the user")
        .summary("Authenticates the connection.")
        .history(&[("6.0.0", "Added ACL style (username and password).")])
        .args(&[Arg::string("username").optional().since("6.0.0"), Arg::string("password")]),
    CommandSpec::new("hello", -1, Group::Connection, hello)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::NO_AUTH | f::ALLOW_BUSY)
        .acl(CONN)
        .since("6.0.0")
        .summary("Handshakes with the Redis server.")
        .history(&[("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context.")])
        .args(&[Arg::block(
            "arguments",
            &[
                Arg::integer("protover"),
                Arg::block("auth", &[Arg::string("username"), Arg::string("password")])
                    .token("AUTH")
                    .optional(),
                Arg::string("clientname").token("SETNAME").optional(),
            ],
        )
        .optional()]),
    CommandSpec::container("client", Group::Connection, CLIENT_SUBS)
        .since("2.4.0")
        .summary("A container for client connection commands."),
];
