//! Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO and the CLIENT family.
//!
//! Behaviour follows Redis 7.2. Where 7.2 differs from the 7.0 reference binary: CLIENT
//! SETINFO and CLIENT NO-TOUCH exist, CLIENT LIST/INFO end with `lib-name=` and `lib-ver=`,
//! and HELLO checks every option's syntax before it tries AUTH (7.0 authenticates as soon as
//! it meets the AUTH option). CLIENT KILL also takes 7.4's MAXAGE filter.

use std::sync::atomic::Ordering::Relaxed;

use crate::cmd::args::{int, is};
use crate::cmd::error::{INVALID_DB, WRONG_PASS};
use crate::cmd::spec::{acl, flags as f, Arg, CommandSpec, Group};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::conn::client::{cflags, ClientInfo, ClientType, ReplyMode, SelfView};
use crate::util::time::now_ms;

/// PING [message]. A RESP2 client with subscriptions gets the `pong` array form.
fn ping(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() > 2 {
        return Err(ctx.arity_error());
    }
    if !ctx.client.resp3 && ctx.client.info.is_pubsub() {
        ctx.out.array(2);
        ctx.out.bulk(b"pong");
        ctx.out.bulk(if ctx.argc() == 2 { ctx.arg(1) } else { b"" });
    } else if ctx.argc() == 2 {
        ctx.out.bulk(ctx.arg(1));
    } else {
        ctx.out.simple(b"PONG");
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

/// True when the default user is usable without a password (no requirepass).
fn default_user_nopass(ctx: &Ctx<'_>) -> bool {
    ctx.srv.config.settings().requirepass.is_none()
}

/// RESET: the connection's state back to a fresh one's; replies `+RESET` in RESP2.
fn reset(ctx: &mut Ctx<'_>) -> CmdResult {
    let kinds = cflags::MASTER | cflags::REPLICA;
    let f = ctx.client.info.flags.load(Relaxed);
    if f & kinds != 0 && f & cflags::MONITOR == 0 {
        return Err(CmdError::msg("ERR can only reset normal client connections"));
    }
    let nopass = default_user_nopass(ctx);
    crate::multi::discard(ctx.srv, ctx.client);
    ctx.client.reset(nopass);
    ctx.out.set_resp3(false);
    ctx.out.simple(b"RESET");
    Ok(())
}

/// Parses an argument the way Redis's `getIntFromObjectOrReply` does: a 64-bit integer that
/// must also fit 32 bits.
fn int32(a: &[u8]) -> Result<i32, CmdError> {
    let n = int(a)?;
    i32::try_from(n).map_err(|_| {
        CmdError::msg("ERR value is out of range, value must between -2147483648 and 2147483647")
    })
}

/// SELECT index
fn select(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = int32(ctx.arg(1))?;
    if n != 0 && ctx.srv.config.get("cluster-enabled").as_deref() == Some("yes") {
        return Err(CmdError::msg("ERR SELECT is not allowed in cluster mode"));
    }
    if n < 0 || n as usize >= ctx.srv.keyspace.db_count() {
        return Err(CmdError::msg(INVALID_DB));
    }
    ctx.client.select(n as usize);
    ctx.out.ok();
    Ok(())
}

/// Checks a username/password pair (the default user only, until ACL): with requirepass
/// the password must match it; without, the default user takes any password.
fn check_password(ctx: &Ctx<'_>, user: &[u8], pass: &[u8]) -> bool {
    if user != b"default" {
        return false;
    }
    match &ctx.srv.config.settings().requirepass {
        Some(p) => p.as_slice() == pass,
        None => true,
    }
}

/// Marks the connection authenticated as `user`.
fn authenticated_as(ctx: &mut Ctx<'_>, user: &[u8]) {
    ctx.client.authenticated = true;
    *ctx.client.info.user.lock() = String::from_utf8_lossy(user).into_owned();
}

/// AUTH [username] password
fn auth(ctx: &mut Ctx<'_>) -> CmdResult {
    let (user, pass) = match ctx.argc() {
        2 => (&b"default"[..], ctx.arg(1)),
        3 => (ctx.arg(1), ctx.arg(2)),
        _ => return Err(CmdError::Syntax),
    };
    if ctx.argc() == 2 && default_user_nopass(ctx) {
        return Err(CmdError::msg(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        ));
    }
    if !check_password(ctx, user, pass) {
        return Err(CmdError::msg(WRONG_PASS));
    }
    authenticated_as(ctx, user);
    ctx.out.ok();
    Ok(())
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
///
/// Order (7.2): protocol version, then every option's syntax (and the name's validity),
/// then AUTH, then the NOAUTH check, then SETNAME and the protocol switch, then the reply
/// (already in the new protocol).
fn hello(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut ver = None;
    let mut i = 1;
    if ctx.argc() >= 2 {
        let v = int(ctx.arg(1))
            .map_err(|_| CmdError::msg("ERR Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&v) {
            return Err(CmdError::msg("NOPROTO unsupported protocol version"));
        }
        ver = Some(v as u8);
        i = 2;
    }
    let mut setname = None;
    let mut creds = None;
    while i < ctx.argc() {
        let more = ctx.argc() - i - 1;
        let a = ctx.arg(i);
        if is(a, "AUTH") && more >= 2 {
            creds = Some((ctx.arg(i + 1), ctx.arg(i + 2)));
            i += 3;
        } else if is(a, "SETNAME") && more >= 1 {
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
    if let Some((u, p)) = creds {
        if !check_password(ctx, u, p) {
            return Err(CmdError::msg(WRONG_PASS));
        }
        authenticated_as(ctx, u);
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
        ctx.client.set_resp(v);
        ctx.out.set_resp3(v == 3);
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
    let cluster = ctx.srv.config.get("cluster-enabled").as_deref() == Some("yes");
    ctx.out.bulk(if cluster { b"cluster" } else { b"standalone" });
    ctx.out.bulk(b"role");
    let replica = ctx.srv.config.get("replicaof").is_some_and(|r| !r.is_empty());
    ctx.out.bulk(if replica { b"replica" } else { b"master" });
    ctx.out.bulk(b"modules");
    ctx.out.array(0);
    Ok(())
}

/// Client names (and library attributes) may only hold printable ASCII without spaces.
fn printable(s: &[u8]) -> bool {
    s.iter().all(|c| (b'!'..=b'~').contains(c))
}

/// Checks a client name for CLIENT SETNAME and HELLO SETNAME.
pub(crate) fn validate_name(name: &[u8]) -> Result<(), CmdError> {
    if !printable(name) {
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

/// CLIENT SETNAME name (an empty name removes it)
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

/// CLIENT SETINFO LIB-NAME|LIB-VER value (an empty value removes it)
fn client_setinfo(ctx: &mut Ctx<'_>) -> CmdResult {
    let (attr, val) = (ctx.arg(2), ctx.arg(3));
    let slot = if is(attr, "lib-name") {
        &ctx.client.info.lib_name
    } else if is(attr, "lib-ver") {
        &ctx.client.info.lib_ver
    } else {
        return Err(CmdError::owned(format!(
            "ERR Unrecognized option '{}'",
            String::from_utf8_lossy(attr)
        )));
    };
    if !printable(val) {
        return Err(CmdError::owned(format!(
            "ERR {} cannot contain spaces, newlines or special characters.",
            String::from_utf8_lossy(attr)
        )));
    }
    *slot.lock() = val.to_vec();
    ctx.out.ok();
    Ok(())
}

/// What the calling client knows about itself for its own CLIENT LIST / INFO line.
fn self_view(ctx: &Ctx<'_>) -> SelfView {
    SelfView { obl: ctx.out.len(), argv_mem: ctx.argv.iter().map(|a| a.len()).sum() }
}

/// Appends `c`'s line plus a newline.
fn push_line(ctx: &Ctx<'_>, c: &ClientInfo, now: i64, out: &mut String) {
    let me = (c.id == ctx.client.id).then(|| self_view(ctx));
    c.write_line(out, now, me);
    out.push('\n');
}

/// CLIENT LIST [TYPE type | ID id [id ...]]
fn client_list(ctx: &mut Ctx<'_>) -> CmdResult {
    let now = now_ms();
    let mut text = String::new();
    if ctx.argc() == 4 && is(ctx.arg(2), "type") {
        let t = parse_type(ctx.arg(3))?;
        for c in ctx.srv.clients.snapshot() {
            if c.kind() == t {
                push_line(ctx, &c, now, &mut text);
            }
        }
    } else if ctx.argc() > 3 && is(ctx.arg(2), "id") {
        let mut ids = Vec::with_capacity(ctx.argc() - 3);
        for i in 3..ctx.argc() {
            ids.push(int(ctx.arg(i)).map_err(|_| CmdError::msg("ERR Invalid client ID"))?);
        }
        for id in ids {
            let found = u64::try_from(id).ok().and_then(|id| ctx.srv.clients.get(id));
            if let Some(c) = found {
                push_line(ctx, &c, now, &mut text);
            }
        }
    } else if ctx.argc() != 2 {
        return Err(CmdError::Syntax);
    } else {
        for c in ctx.srv.clients.snapshot() {
            push_line(ctx, &c, now, &mut text);
        }
    }
    ctx.out.verbatim("txt", text.as_bytes());
    Ok(())
}

/// CLIENT INFO
fn client_info(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut text = String::new();
    let info = ctx.client.info.clone();
    push_line(ctx, &info, now_ms(), &mut text);
    ctx.out.verbatim("txt", text.as_bytes());
    Ok(())
}

fn parse_type(a: &[u8]) -> Result<ClientType, CmdError> {
    ClientType::parse(a).ok_or_else(|| {
        CmdError::owned(format!("ERR Unknown client type '{}'", String::from_utf8_lossy(a)))
    })
}

/// The filters of CLIENT KILL, ANDed together.
#[derive(Default)]
struct KillFilter<'a> {
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    kind: Option<ClientType>,
    id: Option<u64>,
    max_age: Option<i64>,
    /// Only the default user exists until ACL: the USER filter then matches everyone.
    user: bool,
    skipme: bool,
}

impl KillFilter<'_> {
    fn matches(&self, c: &ClientInfo, me: u64, now: i64) -> bool {
        if self.addr.is_some_and(|a| a != c.addr.as_bytes())
            || self.laddr.is_some_and(|a| a != c.laddr.as_bytes())
            || self.kind.is_some_and(|t| t != c.kind())
            || self.id.is_some_and(|id| id != c.id)
            || self.max_age.is_some_and(|m| c.age_secs(now) <= m)
        {
            return false;
        }
        if self.user && *c.user.lock() != "default" {
            return false;
        }
        !(self.skipme && c.id == me)
    }
}

/// CLIENT KILL ip:port | CLIENT KILL <filter> <value> [<filter> <value> ...]
///
/// The old form replies +OK or `No such client` and may kill the caller; the filter form
/// replies the number killed and skips the caller unless SKIPME no. The caller, when killed,
/// closes after its reply.
fn client_kill(ctx: &mut Ctx<'_>) -> CmdResult {
    let old_form = ctx.argc() == 3;
    let mut flt = KillFilter { skipme: !old_form, ..KillFilter::default() };
    if old_form {
        flt.addr = Some(ctx.arg(2));
    } else {
        let mut i = 2;
        while i < ctx.argc() {
            if i + 1 >= ctx.argc() {
                return Err(CmdError::Syntax);
            }
            let (opt, val) = (ctx.arg(i), ctx.arg(i + 1));
            if is(opt, "id") {
                match int(val) {
                    Ok(n) if n > 0 => flt.id = Some(n as u64),
                    _ => return Err(CmdError::msg("ERR client-id should be greater than 0")),
                }
            } else if is(opt, "maxage") {
                let n = int(val)
                    .map_err(|_| CmdError::msg("ERR maxage is not an integer or out of range"))?;
                if n <= 0 {
                    return Err(CmdError::msg("ERR maxage should be greater than 0"));
                }
                flt.max_age = Some(n);
            } else if is(opt, "type") {
                flt.kind = Some(parse_type(val)?);
            } else if is(opt, "addr") {
                flt.addr = Some(val);
            } else if is(opt, "laddr") {
                flt.laddr = Some(val);
            } else if is(opt, "user") {
                if val != b"default" {
                    return Err(CmdError::owned(format!(
                        "ERR No such user '{}'",
                        String::from_utf8_lossy(val)
                    )));
                }
                flt.user = true;
            } else if is(opt, "skipme") {
                flt.skipme = if is(val, "yes") {
                    true
                } else if is(val, "no") {
                    false
                } else {
                    return Err(CmdError::Syntax);
                };
            } else {
                return Err(CmdError::Syntax);
            }
            i += 2;
        }
    }
    let now = now_ms();
    let me = ctx.client.id;
    let mut killed = 0;
    let mut kill_self = false;
    for c in ctx.srv.clients.snapshot() {
        if !flt.matches(&c, me, now) {
            continue;
        }
        if c.id == me {
            kill_self = true;
        } else {
            ctx.srv.clients.kill(&c);
        }
        killed += 1;
    }
    if old_form {
        if killed == 0 {
            return Err(CmdError::msg("ERR No such client"));
        }
        ctx.out.ok();
    } else {
        ctx.out.int(killed);
    }
    if kill_self {
        ctx.client.close_after_reply = true;
        ctx.client.info.set_flag(cflags::CLOSE_AFTER_REPLY, true);
    }
    Ok(())
}

/// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: ends another client's blocking command as if
/// it timed out (null reply) or with the `UNBLOCKED` error. Replies 1 if the client was
/// blocked, else 0. The blocked connection answers and cleans up (`blocking::wait`).
fn client_unblock(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() > 4 {
        return Err(CmdError::owned(format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
            String::from_utf8_lossy(ctx.arg(1))
        )));
    }
    let mut to = crate::blocking::state::TIMED_OUT;
    if ctx.argc() == 4 {
        if is(ctx.arg(3), "error") {
            to = crate::blocking::state::UNBLOCKED_ERROR;
        } else if !is(ctx.arg(3), "timeout") {
            return Err(CmdError::msg("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
        }
    }
    let id = int(ctx.arg(2)).map_err(|_| CmdError::msg(crate::cmd::error::NOT_INTEGER))?;
    let waiter = u64::try_from(id)
        .ok()
        .and_then(|id| ctx.srv.clients.get(id))
        .and_then(|target| target.blocked.lock().clone());
    let done = waiter.is_some_and(|w| w.cancel(to, &ctx.srv.blocking));
    ctx.out.int(done as i64);
    Ok(())
}

/// CLIENT REPLY ON|OFF|SKIP. ON answers OK; OFF and SKIP answer nothing (SKIP is ignored
/// while OFF). `cmd::dispatch::finish_reply` applies the mode to each reply.
fn client_reply(ctx: &mut Ctx<'_>) -> CmdResult {
    let a = ctx.arg(2);
    if is(a, "on") {
        ctx.client.reply_mode = ReplyMode::On;
        ctx.client.skip_this = false;
        ctx.out.ok();
    } else if is(a, "off") {
        ctx.client.reply_mode = ReplyMode::Off;
    } else if is(a, "skip") {
        if ctx.client.reply_mode != ReplyMode::Off {
            ctx.client.skip_next = true;
        }
    } else {
        return Err(CmdError::Syntax);
    }
    Ok(())
}

/// Parses ON / OFF (any case).
fn on_off(a: &[u8]) -> Result<bool, CmdError> {
    if is(a, "on") {
        Ok(true)
    } else if is(a, "off") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// CLIENT NO-EVICT ON|OFF
fn client_no_evict(ctx: &mut Ctx<'_>) -> CmdResult {
    let on = on_off(ctx.arg(2))?;
    ctx.client.set_no_evict(on);
    ctx.out.ok();
    Ok(())
}

/// CLIENT NO-TOUCH ON|OFF: key lookups by this client stop updating LRU/LFU (TOUCH still
/// does; see `cmd::dispatch::call`).
fn client_no_touch(ctx: &mut Ctx<'_>) -> CmdResult {
    let on = on_off(ctx.arg(2))?;
    ctx.client.set_no_touch(on);
    ctx.out.ok();
    Ok(())
}

/// CLIENT HELP: the subcommands we serve, in our own words.
fn client_help(ctx: &mut Ctx<'_>) -> CmdResult {
    const LINES: &[&str] = &[
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the connection's name, or null when it has none.",
        "ID",
        "    Return the connection's unique numeric ID.",
        "INFO",
        "    Describe this connection, in the format of one CLIENT LIST line.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "KILL <ip:port>",
        "    Close the connection coming from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Close every connection matching all the given filters:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      the connection comes from this address.",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      the connection was made to this local address.",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      the connection is of this kind.",
        "    * USER <username>",
        "      the connection is authenticated as this user.",
        "    * ID <client-id>",
        "      the connection has this ID.",
        "    * MAXAGE <maxage>",
        "      the connection is older than this many seconds.",
        "    * SKIPME (YES|NO)",
        "      whether to spare the calling connection (YES unless told otherwise).",
        "LIST [options ...]",
        "    Describe the connected clients, one line each. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      only clients of this kind.",
        "    * ID <client-id> [<client-id> ...]",
        "      only the clients with these IDs.",
        "REPLY (ON|OFF|SKIP)",
        "    Turn replies to this connection on or off, or drop only the next one.",
        "SETNAME <name>",
        "    Name this connection (an empty name removes it).",
        "SETINFO <option> <value>",
        "    Record what library the client uses. Options:",
        "    * LIB-NAME: the library's name.",
        "    * LIB-VER: the library's version.",
        "NO-EVICT (ON|OFF)",
        "    Exempt this connection from client eviction, or stop doing so.",
        "NO-TOUCH (ON|OFF)",
        "    When on, this connection's commands leave the keys' LRU/LFU data untouched",
        "    (except TOUCH).",
        "HELP",
        "    Print this help.",
    ];
    ctx.reply_help(LINES);
    Ok(())
}

const CONN: u64 = acl::CONNECTION;
const SUB_FLAGS: u64 = f::NOSCRIPT | f::LOADING | f::STALE;
const ADMIN_SUB_FLAGS: u64 = f::ADMIN | SUB_FLAGS;
const NONDETERMINISTIC: &[&str] = &["nondeterministic_output"];

static KILL_TYPES: &[Arg] = &[
    Arg::pure("normal", "NORMAL"),
    Arg::pure("master", "MASTER"),
    Arg::pure("slave", "SLAVE"),
    Arg::pure("replica", "REPLICA"),
    Arg::pure("pubsub", "PUBSUB"),
];

static LIST_TYPES: &[Arg] = &[
    Arg::pure("normal", "NORMAL"),
    Arg::pure("master", "MASTER"),
    Arg::pure("replica", "REPLICA"),
    Arg::pure("pubsub", "PUBSUB"),
];

static ON_OFF: &[Arg] = &[Arg::pure("on", "ON"), Arg::pure("off", "OFF")];

static CLIENT_SUBS: &[CommandSpec] = &[
    CommandSpec::new("id", 2, Group::Connection, client_id)
        .flags(SUB_FLAGS)
        .acl(CONN)
        .since("5.0.0")
        .summary("Gives the numeric ID of this connection."),
    CommandSpec::new("setname", 3, Group::Connection, client_setname)
        .flags(SUB_FLAGS)
        .acl(CONN)
        .since("2.6.9")
        .summary("Names this connection.")
        .args(&[Arg::string("connection-name")]),
    CommandSpec::new("getname", 2, Group::Connection, client_getname)
        .flags(SUB_FLAGS)
        .acl(CONN)
        .since("2.6.9")
        .summary("Gives this connection's name."),
    CommandSpec::new("setinfo", 4, Group::Connection, client_setinfo)
        .flags(SUB_FLAGS)
        .acl(CONN)
        .since("7.2.0")
        .summary("Records the client library's name or version for this connection.")
        .args(&[Arg::oneof(
            "attr",
            &[Arg::string("libname").token("LIB-NAME"), Arg::string("libver").token("LIB-VER")],
        )]),
    CommandSpec::new("list", -2, Group::Connection, client_list)
        .flags(ADMIN_SUB_FLAGS)
        .acl(CONN)
        .since("2.4.0")
        .complexity("O(N) where N is the number of client connections")
        .summary("Describes every client connection.")
        .tips(NONDETERMINISTIC)
        .history(&[
            ("2.8.12", "Added the `id` field."),
            ("5.0.0", "Added the `TYPE` filter."),
            ("6.0.0", "Added the `user` field."),
            (
                "6.2.0",
                "Added the `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the `ID` filter.",
            ),
            ("7.0.0", "Added the `resp`, `multi-mem`, `rbs` and `rbp` fields."),
            ("7.0.3", "Added the `ssub` field."),
            ("7.2.0", "Added the `lib-name` and `lib-ver` fields."),
        ])
        .args(&[
            Arg::oneof("client-type", LIST_TYPES).token("TYPE").optional().since("5.0.0"),
            Arg::block("client-id", &[Arg::integer("client-id").multiple()])
                .token("ID")
                .optional()
                .since("6.2.0"),
        ]),
    CommandSpec::new("info", 2, Group::Connection, client_info)
        .flags(SUB_FLAGS)
        .acl(CONN)
        .since("6.2.0")
        .summary("Describes this connection, in CLIENT LIST's format.")
        .tips(NONDETERMINISTIC),
    CommandSpec::new("kill", -3, Group::Connection, client_kill)
        .flags(ADMIN_SUB_FLAGS)
        .acl(CONN)
        .since("2.4.0")
        .complexity("O(N) where N is the number of client connections")
        .summary("Closes client connections chosen by address or by filters.")
        .history(&[
            ("2.8.12", "Added the filter form."),
            ("2.8.12", "Added the `ID` filter."),
            ("3.2.0", "Added `master` to the `TYPE` filter."),
            ("5.0.0", "`replica` replaces `slave` in the `TYPE` filter (`slave` still works)."),
            ("6.2.0", "Added the `LADDR` filter."),
            ("7.4.0", "Added the `MAXAGE` filter."),
        ])
        .args(&[Arg::oneof(
            "filter",
            &[
                Arg::string("old-format").display("ip:port"),
                Arg::oneof(
                    "new-format",
                    &[
                        Arg::integer("client-id").token("ID").optional().since("2.8.12"),
                        Arg::oneof("client-type", KILL_TYPES)
                            .token("TYPE")
                            .optional()
                            .since("2.8.12"),
                        Arg::string("username").token("USER").optional(),
                        Arg::string("addr").token("ADDR").display("ip:port").optional(),
                        Arg::string("laddr")
                            .token("LADDR")
                            .display("ip:port")
                            .optional()
                            .since("6.2.0"),
                        Arg::oneof("skipme", &[Arg::pure("yes", "YES"), Arg::pure("no", "NO")])
                            .token("SKIPME")
                            .optional(),
                        Arg::integer("maxage").token("MAXAGE").optional().since("7.4.0"),
                    ],
                )
                .multiple(),
            ],
        )]),
    CommandSpec::new("unblock", -3, Group::Connection, client_unblock)
        .flags(ADMIN_SUB_FLAGS)
        .acl(CONN)
        .since("5.0.0")
        .complexity("O(log N) where N is the number of client connections")
        .summary("Unblocks a client blocked in a blocking command, from another connection.")
        .args(&[
            Arg::integer("client-id"),
            Arg::oneof(
                "timeout_error",
                &[Arg::pure("timeout", "TIMEOUT"), Arg::pure("error", "ERROR")],
            )
            .optional(),
        ]),
    CommandSpec::new("reply", 3, Group::Connection, client_reply)
        .flags(SUB_FLAGS)
        .acl(CONN)
        .since("3.2.0")
        .summary("Turns the server's replies to this connection on or off, or skips one.")
        .args(&[Arg::oneof(
            "action",
            &[Arg::pure("on", "ON"), Arg::pure("off", "OFF"), Arg::pure("skip", "SKIP")],
        )]),
    CommandSpec::new("no-evict", 3, Group::Connection, client_no_evict)
        .flags(ADMIN_SUB_FLAGS)
        .acl(CONN)
        .since("7.0.0")
        .summary("Exempts this connection from client eviction, or ends the exemption.")
        .args(&[Arg::oneof("enabled", ON_OFF)]),
    CommandSpec::new("no-touch", 3, Group::Connection, client_no_touch)
        .flags(SUB_FLAGS)
        .acl(CONN)
        .since("7.2.0")
        .summary("Makes this connection's commands leave keys' LRU/LFU data alone, or not.")
        .args(&[Arg::oneof("enabled", ON_OFF)]),
    CommandSpec::new("help", 2, Group::Connection, client_help)
        .flags(f::LOADING | f::STALE)
        .acl(CONN)
        .since("5.0.0")
        .summary("Lists the CLIENT subcommands."),
];

/// Connection commands.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("ping", -1, Group::Connection, ping)
        .flags(f::FAST)
        .acl(CONN)
        .summary("Checks that the server answers.")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[Arg::string("message").optional()]),
    CommandSpec::new("echo", 2, Group::Connection, echo)
        .flags(f::LOADING | f::STALE | f::FAST)
        .acl(CONN)
        .summary("Sends the argument back.")
        .args(&[Arg::string("message")]),
    CommandSpec::new("quit", -1, Group::Connection, quit)
        .flags(f::ALLOW_BUSY | f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::NO_AUTH)
        .acl(CONN)
        .deprecated("7.2.0", "just closing the connection")
        .summary("Answers OK, then closes the connection."),
    CommandSpec::new("reset", 1, Group::Connection, reset)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::NO_AUTH | f::ALLOW_BUSY)
        .acl(CONN)
        .since("6.2.0")
        .summary("Returns the connection to the state of a new one."),
    CommandSpec::new("select", 2, Group::Connection, select)
        .flags(f::LOADING | f::STALE | f::FAST)
        .acl(CONN)
        .summary("Switches the connection to another database.")
        .args(&[Arg::integer("index")]),
    CommandSpec::new("auth", -2, Group::Connection, auth)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::NO_AUTH | f::ALLOW_BUSY)
        .acl(CONN)
        .complexity("O(N) where N is the number of passwords defined for the user")
        .summary("Logs the connection in.")
        .history(&[("6.0.0", "Added the ACL form (username and password).")])
        .args(&[Arg::string("username").optional().since("6.0.0"), Arg::string("password")]),
    CommandSpec::new("hello", -1, Group::Connection, hello)
        .flags(f::NOSCRIPT | f::LOADING | f::STALE | f::FAST | f::NO_AUTH | f::ALLOW_BUSY)
        .acl(CONN)
        .since("6.0.0")
        .summary("Negotiates the protocol, optionally logging in and naming the connection.")
        .history(&[(
            "6.2.0",
            "`protover` became optional; without arguments HELLO describes the connection.",
        )])
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
        .summary("Groups the commands that inspect and control client connections."),
];
