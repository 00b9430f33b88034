//! Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET. Differential against
//! the reference wherever the reply is deterministic (HELLO's version and id are masked).

use super::client::{closed_quickly, field, info, lines};
use ferrodis_tests::{encode, Pair, Proc, RawConn, Reference, TestServer};
use std::time::{Duration, Instant};

#[test]
fn ping_echo_select_match_reference() {
    let mut p = Pair::start(&[]);
    for args in [
        &["PING"][..],
        &["PING", "hello"],
        &["PING", ""],
        &["PING", "a", "b"],
        &["ECHO", "x y"],
        &["ECHO", ""],
        &["ECHO"],
        &["ECHO", "a", "b"],
        &["SELECT", "15"],
        &["SET", "k", "db15"],
        &["SELECT", "0"],
        &["GET", "k"],
        &["SELECT", "15"],
        &["GET", "k"],
        &["SELECT", "16"],
        &["SELECT", "-1"],
        &["SELECT", "abc"],
        &["SELECT", "01"],
        &["SELECT", " 1"],
        &["SELECT", "1.5"],
        &["SELECT", "2147483648"],
        &["SELECT", "-2147483649"],
        &["SELECT", "99999999999999999999"],
        &["SELECT"],
        &["SELECT", "1", "2"],
    ] {
        p.check(args);
    }
    // The failed SELECTs left the client in database 15.
    p.check(&["GET", "k"]);
    assert_eq!(field(&info(&mut p.a), "db"), "15");
}

#[test]
fn quit_replies_ok_then_closes() {
    let mut p = Pair::start(&[]);
    p.check(&["QUIT", "extra", "args"]);
    assert!(closed_quickly(&mut p.a));
    assert!(closed_quickly(&mut p.b));
}

#[test]
fn auth_without_password_matches_reference() {
    let mut p = Pair::start(&[]);
    for args in [
        &["AUTH", "x"][..],
        &["AUTH", "default", "anything"],
        &["AUTH", "nouser", "x"],
        &["AUTH", "a", "b", "c"],
        &["AUTH"],
        &["PING"],
    ] {
        p.check(args);
    }
}

/// Sends `args` to both and compares, reading 7.0's NOAUTH HELLO text as 7.2 words it
/// (7.2 added `<proto> ` to "the HELLO AUTH <user> <pass> option").
fn check_72(p: &mut Pair, args: &[&str]) {
    let (a, b) = p.both(args);
    let b = String::from_utf8_lossy(&b).replace("the HELLO AUTH", "the HELLO <proto> AUTH");
    assert_eq!(String::from_utf8_lossy(&a), b, "{args:?}");
}

#[test]
fn auth_with_requirepass_matches_reference() {
    let mut p = Pair::start(&["--requirepass", "pw"]);
    for args in [
        &["GET", "a"][..],
        &["PING"],
        &["CLIENT", "ID"],
        &["NOSUCH"],
        &["HELLO"],
        &["HELLO", "3"],
        &["HELLO", "3", "SETNAME", "x"],
        &["HELLO", "3", "AUTH", "default", "wrong"],
        &["HELLO", "3", "AUTH", "nouser", "pw"],
        &["AUTH", "wrong"],
        &["AUTH", "default", "wrong"],
        &["AUTH", "nouser", "pw"],
        &["GET", "a"],
        &["AUTH", "pw"],
        &["GET", "a"],
        &["AUTH", "default", "pw"],
        &["SET", "a", "1"],
        // A failed AUTH does not log an authenticated client out.
        &["AUTH", "wrong"],
        &["GET", "a"],
        // RESET does.
        &["RESET"],
        &["GET", "a"],
        &["CLIENT", "GETNAME"],
        &["AUTH", "default", "pw"],
        &["GET", "a"],
        &["QUIT"],
    ] {
        check_72(&mut p, args);
    }
}

/// Replaces HELLO's version value and id (which differ between servers) by placeholders.
fn mask_hello(r: &[u8]) -> String {
    let s = String::from_utf8_lossy(r).into_owned();
    let mut out = Vec::new();
    let mut it = s.split("\r\n").peekable();
    let mut prev = String::new();
    while let Some(l) = it.next() {
        let l = if prev == "version" && l.starts_with('$') {
            it.next();
            "$V\r\nVERSION".to_string()
        } else if prev == "id" && l.starts_with(':') {
            ":ID".to_string()
        } else {
            l.to_string()
        };
        prev = l.clone();
        out.push(l);
    }
    out.join("\r\n")
}

/// Sends `args` to both and compares with HELLO's volatile values masked.
fn check_hello(p: &mut Pair, args: &[&str]) -> String {
    let (a, b) = p.both(args);
    let (ma, mb) = (mask_hello(&a), mask_hello(&b));
    assert_eq!(ma, mb, "{args:?}");
    ma
}

#[test]
fn hello_switches_protocol_and_matches_reference() {
    let mut p = Pair::start(&[]);
    // RESP2: an array of 14.
    let r = check_hello(&mut p, &["HELLO"]);
    assert!(r.starts_with("*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n"), "{r}");
    p.check(&["GET", "missing"]);
    // HELLO 3: the reply itself is already a map, and so is what follows.
    let r = check_hello(&mut p, &["HELLO", "3"]);
    assert!(r.starts_with("%7\r\n$6\r\nserver\r\n"), "{r}");
    assert!(r.contains("$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:ID\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"), "{r}");
    let nil = p.check(&["GET", "missing"]);
    assert_eq!(nil, b"_\r\n");
    p.check(&["PING"]);
    p.check(&["PING", "x"]);
    p.check(&["ECHO", "y"]);
    let r = check_hello(&mut p, &["HELLO"]);
    assert!(r.starts_with("%7\r\n"));
    // The id is the connection's.
    let id = String::from_utf8(p.a.cmd(&["CLIENT", "ID"])).unwrap();
    let hello = String::from_utf8(p.a.cmd(&["HELLO"])).unwrap();
    assert!(hello.contains(&format!("$2\r\nid\r\n{id}")), "{hello}");
    assert!(hello.contains("$7\r\nversion\r\n$5\r\n7.2.0\r\n"));
    // Errors keep the current protocol.
    for args in [
        &["HELLO", "4"][..],
        &["HELLO", "1"],
        &["HELLO", "abc"],
        &["HELLO", "3", "foo"],
        &["HELLO", "3", "auth", "a"],
        &["HELLO", "3", "setname"],
        &["HELLO", "3", "setname", "a b"],
        &["HELLO", "2", "AUTH", "default", "x", "SETNAME", "bad name"],
        &["GET", "missing"],
    ] {
        p.check(args);
    }
    // Back to RESP2; SETNAME names the connection.
    let r = check_hello(&mut p, &["HELLO", "2", "SETNAME", "first", "SETNAME", "second"]);
    assert!(r.starts_with("*14\r\n"));
    p.check(&["GET", "missing"]);
    p.check(&["CLIENT", "GETNAME"]);
    // Without a password, any password works for the default user.
    check_hello(&mut p, &["HELLO", "3", "AUTH", "default", "whatever"]);
    check_hello(&mut p, &["HELLO", "3", "AUTH", "someone", "whatever"]);
}

#[test]
fn hello_checks_syntax_before_auth_as_72_does() {
    // 7.0 authenticates as soon as it meets AUTH (so it answers WRONGPASS here); 7.2 parses
    // every option first.
    let srv = TestServer::start();
    let mut c = srv.raw();
    assert_eq!(
        c.cmd_str(&["HELLO", "3", "AUTH", "a", "b", "SETNAME", "x", "extra"]),
        "-ERR Syntax error in HELLO option 'extra'\r\n"
    );
}

#[test]
fn node_style_handshake_with_requirepass() {
    let mut p = Pair::start(&["--requirepass", "pw"]);
    let r = check_hello(&mut p, &["HELLO", "3", "AUTH", "default", "pw", "SETNAME", "x"]);
    assert!(r.starts_with("%7\r\n"), "{r}");
    p.check(&["CLIENT", "GETNAME"]);
    p.check(&["SET", "k", "v"]);
    p.check(&["GET", "k"]);
    p.check(&["GET", "missing"]);
    let l = info(&mut p.a);
    assert_eq!((field(&l, "name"), field(&l, "resp"), field(&l, "user")), ("x", "3", "default"));
    // Wrong password: nothing changes (still RESP3, still named).
    let mut q = Pair { a: p.ours.raw(), b: p.reference.raw(), ..p };
    q.check(&["HELLO", "3", "AUTH", "default", "nope", "SETNAME", "y"]);
    q.check(&["CLIENT", "GETNAME"]);
}

#[test]
fn reset_restores_a_fresh_connection() {
    let mut p = Pair::start(&[]);
    for args in
        [&["SELECT", "5"][..], &["CLIENT", "SETNAME", "named"], &["CLIENT", "NO-EVICT", "on"]]
    {
        p.check(args);
    }
    check_hello(&mut p, &["HELLO", "3"]);
    // +RESET, in RESP2 again.
    p.check(&["RESET"]);
    p.check(&["CLIENT", "GETNAME"]);
    p.check(&["GET", "missing"]);
    p.check(&["RESET", "x"]);
    let l = info(&mut p.a);
    assert_eq!(
        (field(&l, "db"), field(&l, "name"), field(&l, "flags"), field(&l, "resp")),
        ("0", "", "N", "2")
    );
    let mut c = RawConn::connect(p.ours.port);
    assert_eq!(c.cmd(&["CLIENT", "NO-TOUCH", "on"]), b"+OK\r\n");
    assert_eq!(c.cmd(&["RESET"]), b"+RESET\r\n");
    assert_eq!(field(&info(&mut c), "flags"), "N");
}

/// `omem` of client `id` in CLIENT LIST, polled until `done` accepts it (5 s at most).
fn wait_omem(admin: &mut RawConn, id: &str, done: impl Fn(u64) -> bool) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let l = lines(&admin.cmd(&["CLIENT", "LIST", "ID", id]));
        let omem: u64 = field(&l[0], "omem").parse().expect("omem");
        if done(omem) || Instant::now() > deadline {
            return omem;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Replies too big for the socket (the client reads nothing for a while) are finished later
/// without holding up other clients, show as pending output (`omem`) meanwhile, and arrive
/// whole and in order, followed by the replies to what the client sent after them.
#[test]
fn big_replies_finish_in_order_while_others_run() {
    for srv in [TestServer::start(), Reference::start()] {
        let srv: &Proc = &srv;
        let mut admin = srv.raw();
        let big = "y".repeat(1 << 20);
        assert_eq!(admin.cmd(&["SET", "big", &big]), b"+OK\r\n");
        let mut slow = srv.raw();
        let id = String::from_utf8_lossy(&slow.cmd(&["CLIENT", "ID"]))
            .trim_start_matches(':')
            .trim_end()
            .to_string();
        let mut req = Vec::new();
        for i in 0..8 {
            req.extend(encode(&["GET", "big"]));
            req.extend(encode(&["ECHO", &i.to_string()]));
        }
        slow.send(&req);
        let mut other = srv.raw();
        for i in 1..=200 {
            assert_eq!(other.cmd(&["INCR", "n"]), format!(":{i}\r\n").as_bytes());
        }
        assert!(wait_omem(&mut admin, &id, |m| m > 0) > 0, "no pending output shown");
        slow.send(&encode(&["ECHO", "tail"]));
        let whole = format!("${}\r\n{big}\r\n", big.len());
        for i in 0..8 {
            assert!(slow.read_reply() == whole.as_bytes(), "reply {i} not whole");
            assert_eq!(slow.read_reply(), format!("$1\r\n{i}\r\n").as_bytes());
        }
        assert_eq!(slow.read_reply(), b"$4\r\ntail\r\n");
        assert_eq!(wait_omem(&mut admin, &id, |m| m == 0), 0);
        assert_eq!(slow.cmd(&["PING"]), b"+PONG\r\n");
    }
}

/// A client that sends its requests and closes its sending side right away still gets
/// every reply before the server closes the connection.
#[test]
fn half_closed_client_gets_every_reply() {
    let p = Pair::start(&[]);
    let mut req = Vec::new();
    for i in 0..50 {
        req.extend(encode(&["SET", &format!("k{i}"), &i.to_string()]));
        req.extend(encode(&["GET", &format!("k{i}")]));
    }
    req.extend(encode(&["QUIT"]));
    for srv in [&p.ours, &p.reference] {
        let mut c = srv.raw();
        c.send(&encode(&["ECHO", "lone"]));
        c.shutdown_write();
        assert_eq!(
            c.read_until_close_or_quiet(Duration::from_secs(5)),
            (b"$4\r\nlone\r\n".to_vec(), true)
        );
        let mut c = srv.raw();
        c.send(&req);
        c.shutdown_write();
        let (got, closed) = c.read_until_close_or_quiet(Duration::from_secs(5));
        assert!(closed);
        let mut want = Vec::new();
        for i in 0..50 {
            want.extend_from_slice(b"+OK\r\n");
            want.extend(format!("${}\r\n{i}\r\n", i.to_string().len()).bytes());
        }
        want.extend_from_slice(b"+OK\r\n");
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
    }
}
