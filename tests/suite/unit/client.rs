//! The CLIENT family: LIST / INFO fields, KILL, REPLY, SETINFO, NO-EVICT, NO-TOUCH, names.
//! Differential where the reply is deterministic; CLIENT LIST lines are compared field by
//! field (names and order always, values where they do not depend on ports, fds or memory).

use ferrodis_tests::{Pair, Proc, RawConn, Reference, TestServer};

/// The payload of a bulk (`$n`) or verbatim (`=n` + `txt:`) reply.
pub fn text(reply: &[u8]) -> String {
    let s = String::from_utf8_lossy(reply).into_owned();
    assert!(s.starts_with('$') || s.starts_with('='), "not a bulk reply: {s:?}");
    let body = &s[s.find("\r\n").expect("header") + 2..s.len() - 2];
    body.strip_prefix("txt:").unwrap_or(body).to_string()
}

/// One CLIENT LIST line as `(field, value)` pairs in order.
pub fn fields(line: &str) -> Vec<(String, String)> {
    line.split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or_else(|| panic!("bad field {kv:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Every line of a CLIENT LIST reply, parsed.
pub fn lines(reply: &[u8]) -> Vec<Vec<(String, String)>> {
    let t = text(reply);
    assert!(t.is_empty() || t.ends_with('\n'), "lines end with newline: {t:?}");
    t.lines().map(fields).collect()
}

/// The value of `name` in a parsed line.
pub fn field<'a>(l: &'a [(String, String)], name: &str) -> &'a str {
    &l.iter().find(|(k, _)| k == name).unwrap_or_else(|| panic!("no field {name}")).1
}

/// Our CLIENT INFO / own CLIENT LIST line, parsed.
pub fn info(c: &mut RawConn) -> Vec<(String, String)> {
    let mut l = lines(&c.cmd(&["CLIENT", "INFO"]));
    assert_eq!(l.len(), 1);
    l.pop().unwrap()
}

/// The integer of a `:n` reply.
fn int(reply: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(reply);
    s.strip_prefix(':').and_then(|r| r.trim_end().parse().ok()).unwrap_or_else(|| panic!("{s}"))
}

/// True if the server closes `c` promptly (EOF well before the read timeout).
pub fn closed_quickly(c: &mut RawConn) -> bool {
    let t = std::time::Instant::now();
    c.is_closed() && t.elapsed() < std::time::Duration::from_secs(5)
}

/// Polls CLIENT LIST from `c` until it shows `n` clients (connections closed just before
/// may take a moment to leave).
pub fn wait_clients(c: &mut RawConn, n: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let got = lines(&c.cmd(&["CLIENT", "LIST"])).len();
        if got == n {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "expected {n} clients, have {got}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Fields CLIENT LIST prints in Redis 7.2: 7.0's, then lib-name and lib-ver.
const FIELDS_72: &[&str] = &[
    "id",
    "addr",
    "laddr",
    "fd",
    "name",
    "age",
    "idle",
    "flags",
    "db",
    "sub",
    "psub",
    "ssub",
    "multi",
    "qbuf",
    "qbuf-free",
    "argv-mem",
    "multi-mem",
    "rbs",
    "rbp",
    "obl",
    "oll",
    "omem",
    "tot-mem",
    "events",
    "cmd",
    "user",
    "redir",
    "resp",
    "lib-name",
    "lib-ver",
];

/// Fields whose values depend on ports, fds, ids or memory layout.
const VOLATILE: &[&str] =
    &["id", "addr", "laddr", "fd", "age", "idle", "qbuf-free", "rbs", "rbp", "tot-mem"];

/// Asserts our line has 7.2's fields in order, the reference's fields are 7.0's (7.2's
/// minus the lib ones), and every non-volatile value agrees.
fn assert_same_line(ours: &[(String, String)], theirs: &[(String, String)], what: &str) {
    let on: Vec<&str> = ours.iter().map(|(k, _)| k.as_str()).collect();
    let tn: Vec<&str> = theirs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(on, FIELDS_72, "{what}: our field names/order");
    assert_eq!(tn, &FIELDS_72[..FIELDS_72.len() - 2], "{what}: reference field names/order");
    for ((k, a), (_, b)) in ours.iter().zip(theirs) {
        if !VOLATILE.contains(&k.as_str()) {
            assert_eq!(a, b, "{what}: field {k}");
        }
    }
}

/// Checks the volatile fields have the right form.
fn assert_plausible(l: &[(String, String)], port: u16) {
    for k in ["id", "fd", "age", "idle", "qbuf-free", "rbs", "rbp", "tot-mem"] {
        let v = field(l, k);
        assert!(v.parse::<u64>().is_ok(), "{k}={v} is not a count");
    }
    assert!(field(l, "addr").starts_with("127.0.0.1:"));
    assert_eq!(field(l, "laddr"), format!("127.0.0.1:{port}"));
    assert!(field(l, "tot-mem").parse::<u64>().unwrap() > 1000);
}

#[test]
fn client_list_and_info_fields_match_reference() {
    let mut p = Pair::start(&[]);
    // The harness's readiness probe may still be leaving.
    wait_clients(&mut p.a, 1);
    wait_clients(&mut p.b, 1);
    let (a, b) = p.both(&["CLIENT", "LIST"]);
    let (la, lb) = (lines(&a), lines(&b));
    assert_eq!((la.len(), lb.len()), (1, 1));
    assert_same_line(&la[0], &lb[0], "fresh CLIENT LIST");
    assert_plausible(&la[0], p.ours.port);
    assert_eq!(field(&la[0], "cmd"), "client|list");
    assert_eq!(field(&la[0], "qbuf"), "26");
    assert_eq!(field(&la[0], "argv-mem"), "10");
    let id = int(&p.a.cmd(&["CLIENT", "ID"]));
    assert_eq!(field(&la[0], "id"), id.to_string());

    // State shows up in the line.
    p.check(&["CLIENT", "SETNAME", "conn1"]);
    p.check(&["SELECT", "3"]);
    p.check(&["CLIENT", "NO-EVICT", "on"]);
    let (a, b) = p.both(&["CLIENT", "INFO"]);
    let (la, lb) = (lines(&a), lines(&b));
    assert_same_line(&la[0], &lb[0], "CLIENT INFO after SETNAME/SELECT/NO-EVICT");
    assert_eq!(field(&la[0], "name"), "conn1");
    assert_eq!(field(&la[0], "db"), "3");
    assert_eq!(field(&la[0], "flags"), "e");
    p.check(&["CLIENT", "NO-EVICT", "off"]);

    // Pipelined: qbuf counts the whole batch read, obl the replies queued before ours.
    let batch =
        [ferrodis_tests::encode(&["PING"]), ferrodis_tests::encode(&["CLIENT", "INFO"])].concat();
    p.a.send(&batch);
    p.b.send(&batch);
    assert_eq!(p.a.read_reply(), b"+PONG\r\n");
    assert_eq!(p.b.read_reply(), b"+PONG\r\n");
    let (la, lb) = (lines(&p.a.read_reply()), lines(&p.b.read_reply()));
    assert_same_line(&la[0], &lb[0], "pipelined CLIENT INFO");
    assert_eq!(field(&la[0], "qbuf"), "40");
    assert_eq!(field(&la[0], "obl"), "7");

    // Another connection: a client that ran nothing shows cmd=NULL; an unknown command
    // resets it to NULL; a refused (arity) command still counts as the last command.
    let mut other_a = p.ours.raw();
    let mut other_b = p.reference.raw();
    let ida = int(&other_a.cmd(&["CLIENT", "ID"]));
    let idb = int(&other_b.cmd(&["CLIENT", "ID"]));
    for (cmd, want) in [(&["NOSUCH"][..], "NULL"), (&["GET"][..], "get"), (&["PING"][..], "ping")] {
        other_a.cmd(cmd);
        other_b.cmd(cmd);
        let la = lines(&p.a.cmd(&["CLIENT", "LIST", "ID", &ida.to_string()]));
        let lb = lines(&p.b.cmd(&["CLIENT", "LIST", "ID", &idb.to_string()]));
        assert_same_line(&la[0], &lb[0], "other client");
        assert_eq!(field(&la[0], "cmd"), want);
        assert_eq!(field(&la[0], "qbuf"), "0");
        assert_eq!(field(&la[0], "argv-mem"), "0");
    }
    let fresh_a = p.ours.raw();
    let _fresh_b = p.reference.raw();
    drop(fresh_a);

    // RESP3: a verbatim string.
    p.a.cmd(&["HELLO", "3"]);
    p.b.cmd(&["HELLO", "3"]);
    let (a, b) = p.both(&["CLIENT", "INFO"]);
    assert!(a.starts_with(b"=") && b.starts_with(b"="));
    assert_same_line(&lines(&a)[0], &lines(&b)[0], "RESP3 CLIENT INFO");
    assert_eq!(field(&lines(&a)[0], "resp"), "3");
}

#[test]
fn never_ran_command_shows_null() {
    let srv = TestServer::start();
    let mut a = srv.raw();
    let b = std::net::TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    let baddr = b.local_addr().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let other = loop {
        let l = lines(&a.cmd(&["CLIENT", "LIST"]));
        if let Some(o) = l.into_iter().find(|l| field(l, "addr") == baddr) {
            break o;
        }
        assert!(std::time::Instant::now() < deadline, "{baddr} never listed");
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    assert_eq!(field(&other, "cmd"), "NULL");
    assert_eq!(field(&other, "lib-name"), "");
    assert_eq!(field(&other, "qbuf"), "0");
}

#[test]
fn client_list_filters_match_reference() {
    let mut p = Pair::start(&[]);
    for args in [
        &["CLIENT", "LIST", "TYPE", "pubsub"][..],
        &["CLIENT", "LIST", "TYPE", "master"],
        &["CLIENT", "LIST", "TYPE", "replica"],
        &["CLIENT", "LIST", "TYPE", "SLAVE"],
        &["CLIENT", "LIST", "TYPE", "foo"],
        &["CLIENT", "LIST", "TYPE"],
        &["CLIENT", "LIST", "TYPE", "normal", "ID", "1"],
        &["CLIENT", "LIST", "ID"],
        &["CLIENT", "LIST", "ID", "abc"],
        &["CLIENT", "LIST", "ID", "1", "2", "abc"],
        &["CLIENT", "LIST", "ID", "0"],
        &["CLIENT", "LIST", "ID", "-1"],
        &["CLIENT", "LIST", "ID", "999999"],
        &["CLIENT", "LIST", "foo"],
        &["CLIENT", "INFO", "x"],
        &["CLIENT", "ID", "x"],
        &["CLIENT"],
        &["CLIENT", "nosuch"],
    ] {
        p.check(args);
    }
    let mut x = p.ours.raw();
    let mut y = p.reference.raw();
    x.cmd(&["PING"]);
    y.cmd(&["PING"]);
    wait_clients(&mut p.a, 2);
    wait_clients(&mut p.b, 2);
    let (a, b) = p.both(&["CLIENT", "LIST", "TYPE", "normal"]);
    assert_eq!((lines(&a).len(), lines(&b).len()), (2, 2));
    // ID keeps argument order and repeats duplicates.
    let ida = int(&p.a.cmd(&["CLIENT", "ID"])).to_string();
    let idb = int(&p.b.cmd(&["CLIENT", "ID"])).to_string();
    let la = lines(&p.a.cmd(&["CLIENT", "LIST", "ID", &ida, "77777", &ida]));
    let lb = lines(&p.b.cmd(&["CLIENT", "LIST", "ID", &idb, "77777", &idb]));
    assert_eq!((la.len(), lb.len()), (2, 2));
    assert_same_line(&la[1], &lb[1], "CLIENT LIST ID dup");
}

#[test]
fn setname_getname_match_reference() {
    let mut p = Pair::start(&[]);
    for args in [
        &["CLIENT", "GETNAME"][..],
        &["CLIENT", "SETNAME", "a b"],
        &["CLIENT", "SETNAME", "a\nb"],
        &["CLIENT", "SETNAME", "caf\u{e9}"],
        &["CLIENT", "SETNAME", "name-1"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", ""],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME"],
        &["CLIENT", "SETNAME", "a", "b"],
        &["CLIENT", "GETNAME", "x"],
        &["CLIENT", "REPLY"],
        &["CLIENT", "REPLY", "maybe"],
        &["CLIENT", "NO-EVICT", "maybe"],
        &["CLIENT", "NO-EVICT", "ON"],
        &["CLIENT", "NO-EVICT", "off"],
        &["CLIENT", "NO-EVICT"],
    ] {
        p.check(args);
    }
}

/// Runs `f` against both servers (the behaviour, not the bytes, is what is compared).
fn on_both(f: impl Fn(&Proc)) {
    let ours = TestServer::start();
    f(&ours);
    let reference = Reference::start();
    f(&reference);
}

#[test]
fn kill_by_id_addr_and_old_form_closes_the_victim() {
    on_both(|srv| {
        let mut admin = srv.raw();
        // By ID: the victim is parked in a read; it must see EOF at once.
        let mut victim = srv.raw();
        let vid = int(&victim.cmd(&["CLIENT", "ID"]));
        assert_eq!(admin.cmd(&["CLIENT", "KILL", "ID", &vid.to_string()]), b":1\r\n");
        assert!(closed_quickly(&mut victim), "victim killed by ID still open");
        // Gone from the list immediately.
        assert_eq!(text(&admin.cmd(&["CLIENT", "LIST", "ID", &vid.to_string()])), "");
        assert_eq!(admin.cmd(&["CLIENT", "KILL", "ID", &vid.to_string()]), b":0\r\n");

        // By ADDR (filter form) and the old form.
        for old in [false, true] {
            let mut victim = srv.raw();
            let addr = field(&info(&mut victim), "addr").to_string();
            let reply = if old {
                admin.cmd(&["CLIENT", "KILL", &addr])
            } else {
                admin.cmd(&["CLIENT", "KILL", "ADDR", &addr])
            };
            assert_eq!(reply, if old { &b"+OK\r\n"[..] } else { b":1\r\n" });
            assert!(closed_quickly(&mut victim), "victim killed by addr still open");
            assert_eq!(admin.cmd(&["CLIENT", "KILL", &addr]), b"-ERR No such client\r\n");
        }

        // LADDR, TYPE and USER match everyone but the caller (SKIPME defaults to yes).
        let laddr = field(&info(&mut admin), "laddr").to_string();
        wait_clients(&mut admin, 1);
        for filter in [["LADDR", laddr.as_str()], ["TYPE", "normal"], ["USER", "default"]] {
            let mut v1 = srv.raw();
            let mut v2 = srv.raw();
            v1.cmd(&["PING"]);
            v2.cmd(&["PING"]);
            assert_eq!(admin.cmd(&["CLIENT", "KILL", filter[0], filter[1]]), b":2\r\n");
            assert!(closed_quickly(&mut v1) && closed_quickly(&mut v2), "{filter:?}");
            assert_eq!(admin.cmd(&["PING"]), b"+PONG\r\n");
        }
        // MAXAGE spares young connections (7.4; the reference rejects it).
        let maxage = admin.cmd(&["CLIENT", "KILL", "MAXAGE", "1000"]);
        assert!(maxage == b":0\r\n" || maxage == b"-ERR syntax error\r\n");

        // SKIPME no kills the caller too, after its reply.
        let mut v = srv.raw();
        v.cmd(&["PING"]);
        wait_clients(&mut admin, 2);
        assert_eq!(admin.cmd(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"]), b":2\r\n");
        assert!(closed_quickly(&mut v));
        assert!(closed_quickly(&mut admin), "caller should close after SKIPME no");

        // The old form may kill the caller itself: +OK, then EOF.
        let mut me = srv.raw();
        let addr = field(&info(&mut me), "addr").to_string();
        assert_eq!(me.cmd(&["CLIENT", "KILL", &addr]), b"+OK\r\n");
        assert!(closed_quickly(&mut me));
        // ID of the caller with the default SKIPME yes: nothing.
        let mut me = srv.raw();
        let id = int(&me.cmd(&["CLIENT", "ID"])).to_string();
        assert_eq!(me.cmd(&["CLIENT", "KILL", "ID", &id]), b":0\r\n");
        assert_eq!(me.cmd(&["CLIENT", "KILL", "ID", &id, "SKIPME", "no"]), b":1\r\n");
        assert!(closed_quickly(&mut me));
    });
}

#[test]
fn kill_errors_match_reference() {
    let mut p = Pair::start(&[]);
    wait_clients(&mut p.a, 1);
    wait_clients(&mut p.b, 1);
    for args in [
        &["CLIENT", "KILL"][..],
        &["CLIENT", "KILL", "1.2.3.4:5"],
        &["CLIENT", "KILL", "id"],
        &["CLIENT", "KILL", "ADDR", "1.2.3.4:5"],
        &["CLIENT", "KILL", "LADDR", "x"],
        &["CLIENT", "KILL", "ID", "abc"],
        &["CLIENT", "KILL", "ID", "0"],
        &["CLIENT", "KILL", "ID", "-5"],
        &["CLIENT", "KILL", "ID", "9223372036854775808"],
        &["CLIENT", "KILL", "ID", "999999"],
        &["CLIENT", "KILL", "ID", "1", "ID"],
        &["CLIENT", "KILL", "ID", "999998", "ID", "999999"],
        &["CLIENT", "KILL", "TYPE", "foo"],
        &["CLIENT", "KILL", "TYPE", "master"],
        &["CLIENT", "KILL", "TYPE", "slave"],
        &["CLIENT", "KILL", "TYPE", "replica"],
        &["CLIENT", "KILL", "TYPE", "pubsub"],
        &["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "maybe"],
        &["CLIENT", "KILL", "USER", "nouser"],
        &["CLIENT", "KILL", "foo", "bar"],
        &["CLIENT", "KILL", "SKIPME", "yes"],
    ] {
        p.check(args);
    }
    // 7.4's MAXAGE (the reference answers a syntax error).
    let mut c = p.ours.raw();
    assert_eq!(
        c.cmd(&["CLIENT", "KILL", "MAXAGE", "x"]),
        b"-ERR maxage is not an integer or out of range\r\n"
    );
    assert_eq!(
        c.cmd(&["CLIENT", "KILL", "MAXAGE", "0"]),
        b"-ERR maxage should be greater than 0\r\n"
    );
    assert_eq!(c.cmd(&["CLIENT", "KILL", "MAXAGE", "5", "SKIPME", "no"]), b":0\r\n");
}

/// Sends `cmds` in one write, then a sentinel PING, and returns every byte received up to
/// and including the sentinel's reply.
fn run_batch(c: &mut RawConn, cmds: &[&[&str]]) -> Vec<u8> {
    let mut buf = Vec::new();
    for cmd in cmds {
        buf.extend(ferrodis_tests::encode(cmd));
    }
    buf.extend(ferrodis_tests::encode(&["PING", "sentinel"]));
    c.send(&buf);
    let mut got = Vec::new();
    loop {
        let r = c.read_reply();
        let end = r == b"$8\r\nsentinel\r\n";
        got.extend(r);
        if end {
            return got;
        }
    }
}

#[test]
fn reply_off_and_skip_suppress_exactly_the_right_replies() {
    let cases: &[(&[&[&str]], &str)] = &[
        // While off nothing answers, SKIP is ignored, and ON answers OK.
        (
            &[
                &["CLIENT", "REPLY", "OFF"],
                &["PING", "a"],
                &["SET", "k", "v"],
                &["NOSUCH"],
                &["CLIENT", "REPLY", "SKIP"],
                &["CLIENT", "REPLY", "ON"],
                &["GET", "k"],
            ],
            "+OK\r\n$1\r\nv\r\n",
        ),
        (&[&["CLIENT", "REPLY", "SKIP"], &["PING", "1"], &["PING", "2"]], "$1\r\n2\r\n"),
        // SKIP then ON: ON lifts the skip and answers.
        (&[&["CLIENT", "REPLY", "SKIP"], &["CLIENT", "REPLY", "ON"]], "+OK\r\n"),
        // An error reply is skipped too, and uses up the skip.
        (&[&["CLIENT", "REPLY", "SKIP"], &["NOSUCH"], &["PING", "3"]], "$1\r\n3\r\n"),
        (&[&["CLIENT", "REPLY", "SKIP"], &["GET"], &["PING", "4"]], "$1\r\n4\r\n"),
        // SKIP twice skips the next one only.
        (
            &[
                &["CLIENT", "REPLY", "SKIP"],
                &["CLIENT", "REPLY", "SKIP"],
                &["PING", "5"],
                &["PING", "6"],
            ],
            "$1\r\n6\r\n",
        ),
        // A bad option errors (and is suppressed when off).
        (&[&["CLIENT", "REPLY", "FOO"]], "-ERR syntax error\r\n"),
        (
            &[&["CLIENT", "REPLY", "OFF"], &["CLIENT", "REPLY", "FOO"], &["CLIENT", "REPLY", "ON"]],
            "+OK\r\n",
        ),
        // RESET turns replies back on and answers.
        (&[&["CLIENT", "REPLY", "OFF"], &["RESET"]], "+RESET\r\n"),
        // ...but a pending skip still eats RESET's reply.
        (&[&["CLIENT", "REPLY", "SKIP"], &["RESET"], &["PING", "7"]], "$1\r\n7\r\n"),
    ];
    let mut p = Pair::start(&[]);
    for (cmds, want) in cases {
        let a = run_batch(&mut p.a, cmds);
        let b = run_batch(&mut p.b, cmds);
        let want = format!("{want}$8\r\nsentinel\r\n");
        assert_eq!(String::from_utf8_lossy(&b), want, "reference, {cmds:?}");
        assert_eq!(String::from_utf8_lossy(&a), want, "ours, {cmds:?}");
    }
    // QUIT's OK is suppressed while off, and the connection still closes.
    let mut c = p.ours.raw();
    c.send(
        &[ferrodis_tests::encode(&["CLIENT", "REPLY", "OFF"]), ferrodis_tests::encode(&["QUIT"])]
            .concat(),
    );
    assert!(closed_quickly(&mut c));
}

#[test]
fn setinfo_sets_lib_fields_72() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "lib-name", "redis-py"]), b"+OK\r\n");
    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "LIB-VER", "5.0.1"]), b"+OK\r\n");
    let l = info(&mut c);
    assert_eq!((field(&l, "lib-name"), field(&l, "lib-ver")), ("redis-py", "5.0.1"));
    assert_eq!(
        c.cmd_str(&["CLIENT", "SETINFO", "LIB-NAME", "a b"]),
        "-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n"
    );
    assert_eq!(
        c.cmd_str(&["CLIENT", "SETINFO", "lib-ver", "1\n2"]),
        "-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n"
    );
    assert_eq!(
        c.cmd_str(&["CLIENT", "SETINFO", "lib-foo", "x"]),
        "-ERR Unrecognized option 'lib-foo'\r\n"
    );
    assert_eq!(
        c.cmd_str(&["CLIENT", "SETINFO", "lib-name"]),
        "-ERR wrong number of arguments for 'client|setinfo' command\r\n"
    );
    // RESET keeps the library fields; an empty value clears one.
    assert_eq!(c.cmd(&["RESET"]), b"+RESET\r\n");
    assert_eq!(field(&info(&mut c), "lib-name"), "redis-py");
    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "lib-name", ""]), b"+OK\r\n");
    let l = info(&mut c);
    assert_eq!((field(&l, "lib-name"), field(&l, "lib-ver")), ("", "5.0.1"));
}

#[test]
fn no_touch_and_no_evict_flags_72() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    assert_eq!(c.cmd(&["CLIENT", "NO-TOUCH", "on"]), b"+OK\r\n");
    assert_eq!(field(&info(&mut c), "flags"), "T");
    assert_eq!(c.cmd(&["CLIENT", "NO-EVICT", "ON"]), b"+OK\r\n");
    assert_eq!(field(&info(&mut c), "flags"), "eT");
    assert_eq!(c.cmd_str(&["CLIENT", "NO-TOUCH", "x"]), "-ERR syntax error\r\n");
    assert_eq!(
        c.cmd_str(&["CLIENT", "NO-TOUCH"]),
        "-ERR wrong number of arguments for 'client|no-touch' command\r\n"
    );
    // Reads still work with NO-TOUCH on.
    assert_eq!(c.cmd(&["SET", "k", "v"]), b"+OK\r\n");
    assert_eq!(c.cmd(&["GET", "k"]), b"$1\r\nv\r\n");
    assert_eq!(c.cmd(&["RESET"]), b"+RESET\r\n");
    assert_eq!(field(&info(&mut c), "flags"), "N");
    assert_eq!(c.cmd(&["CLIENT", "NO-TOUCH", "OFF"]), b"+OK\r\n");
}

#[test]
fn client_help_lists_subcommands() {
    let srv = TestServer::start();
    let mut c = srv.raw();
    let r = c.cmd_str(&["CLIENT", "HELP"]);
    assert!(r.starts_with('*'));
    let body: Vec<&str> = r.split("\r\n").skip(1).filter(|l| !l.is_empty()).collect();
    assert!(body.iter().all(|l| l.starts_with('+')), "{body:?}");
    assert_eq!(body[0], "+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    assert_eq!(body[body.len() - 2], "+HELP");
    for sub in [
        "GETNAME",
        "ID",
        "INFO",
        "KILL <ip:port>",
        "REPLY (ON|OFF|SKIP)",
        "SETNAME <name>",
        "SETINFO <option> <value>",
        "NO-EVICT (ON|OFF)",
        "NO-TOUCH (ON|OFF)",
        "LIST [options ...]",
    ] {
        assert!(body.contains(&format!("+{sub}").as_str()), "missing {sub}");
    }
    assert_eq!(
        c.cmd_str(&["CLIENT", "HELP", "x"]),
        "-ERR wrong number of arguments for 'client|help' command\r\n"
    );
}

#[test]
fn kill_wakes_a_client_stuck_writing_to_a_slow_reader() {
    use std::io::{Read, Write};
    on_both(|srv| {
        let mut admin = srv.raw();
        let big = "x".repeat(1 << 20);
        assert_eq!(admin.cmd(&["SET", "big", &big]), b"+OK\r\n");
        // The victim asks for ~64 MB of replies and reads none of them, so the server ends
        // up parked on a full socket.
        let mut victim = std::net::TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
        let mut req = ferrodis_tests::encode(&["CLIENT", "ID"]);
        for _ in 0..64 {
            req.extend(ferrodis_tests::encode(&["GET", "big"]));
        }
        victim.write_all(&req).unwrap();
        let mut head = [0u8; 64];
        let n = victim.read(&mut head).unwrap();
        let id: String = String::from_utf8_lossy(&head[1..n])
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(admin.cmd(&["CLIENT", "KILL", "ID", &id]), b":1\r\n");
        // Draining what was already sent must end in EOF long before all 64 MB arrive.
        victim.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        let mut total = n;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match victim.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => total += k,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("victim not closed after {total} bytes: {e}"),
            }
        }
        assert!(total < 32 << 20, "read {total} bytes: the server kept writing");
    });
}
