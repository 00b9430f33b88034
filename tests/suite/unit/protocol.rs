//! Bad and unusual input at the protocol level: malformed RESP, huge declared lengths,
//! limits, inline (telnet-style) commands, clients that vanish mid-command, deep pipelines.
//! Each test compares the exact reply (and whether the connection was closed) with the
//! reference redis-server where the behaviour is deterministic, and checks afterwards that
//! the server keeps serving another client.

use ferrodis_tests::{encode, Pair, RawConn, Reference, TestServer};
use std::io::Write;
use std::time::{Duration, Instant};

/// How long a connection must stay quiet to count as "waiting for more input".
const QUIET: Duration = Duration::from_millis(150);

fn both_serving(p: &Pair) {
    p.ours.assert_serving();
    p.reference.assert_serving();
}

#[test]
fn malformed_resp_gets_redis_errors_and_close() {
    let p = Pair::start(&[]);
    let cases: &[&[u8]] = &[
        b"*x\r\n",
        b"*1\r\n:1\r\n",
        b"*1\r\n*1\r\n",
        b"*1\r\n$-5\r\n",
        b"*1\r\n$-1\r\n",
        b"*1\r\n$x\r\n",
        b"*1\r\n$\r\n",
        b"*2147483648\r\n",
        b"*99999999999999999999\r\n",
        b"*1\r\n$2147483648\r\n",
        b"*1\r\n$536870913\r\n",
        b"*1\r\n$99999999999999999999\r\n",
        b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n:1\r\n",
        // A protocol error after a valid command: the first reply still comes.
        b"PING\r\n*x\r\n",
        b"*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n",
    ];
    for case in cases {
        let (reply, closed) = p.check_raw(case, QUIET);
        assert!(closed, "connection left open after {:?}", String::from_utf8_lossy(case));
        assert!(
            String::from_utf8_lossy(&reply).contains("-ERR Protocol error: "),
            "no protocol error for {:?}: {:?}",
            String::from_utf8_lossy(case),
            String::from_utf8_lossy(&reply)
        );
    }
    both_serving(&p);
}

#[test]
fn malformed_resp_exact_texts() {
    let p = Pair::start(&[]);
    let expect: &[(&[u8], &str)] = &[
        (b"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"),
        (b"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        (b"*2147483648\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n$2147483648\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        (b"SET a \"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"SET a 'b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"ECHO \"a\"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
    ];
    for (input, want) in expect {
        let (reply, closed) = p.check_raw(input, QUIET);
        assert_eq!(String::from_utf8_lossy(&reply), *want);
        assert!(closed);
    }
    both_serving(&p);
}

/// Input that is not an error at all, or only an error reply without closing.
#[test]
fn odd_but_valid_input_matches_reference() {
    let p = Pair::start(&[]);
    let cases: &[&[u8]] = &[
        // `$-5` at the start of a line is an inline command named "$-5".
        b"$-5\r\n",
        b"$1\r\nx\r\n",
        // Empty requests are skipped.
        b"*0\r\n*-1\r\nPING\r\n",
        b"*-2147483649\r\nPING\r\n",
        b"\r\n\r\n\n   \r\nPING\r\n",
        b"\n\n\nPING\n",
        // Bulk payload followed by two arbitrary bytes instead of CRLF: Redis skips them.
        b"*1\r\n$4\r\nPINGxx\r\n",
        // Inline quoting rules.
        b"\"PING\"\r\n",
        b"ECHO \"a\\x41b\\n\\t\"\r\n",
        b"ECHO 'it\\'s'\r\n",
        b"ECHO \"\"\r\n",
        b"ECHO ''\r\n",
        b"   ECHO    spaced    \r\n",
        b"ECHO\ttabbed\r\n",
        b"SET inl \"hello world\"\r\nGET inl\r\n",
        // Inline and multibulk mixed in one write.
        b"PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING x\r\n",
        // Wrong arity and unknown commands through inline.
        b"GET\r\n",
        b"NOSUCH a b c\r\n",
        // Incomplete requests wait for more input.
        b"*2\r\n$4\r\nECHO\r\n$3\r\nab\r\n",
        b"*1048576\r\n",
        b"*1048577\r\n",
        b"*2147483647\r\n",
        b"*1\r\n$536870912\r\n",
        b"PING",
    ];
    for case in cases {
        p.check_raw(case, QUIET);
    }
    both_serving(&p);
}

#[test]
fn unauthenticated_length_limits_match_reference() {
    let p = Pair::start(&["--requirepass", "pw"]);
    let cases: &[&[u8]] = &[
        b"*11\r\n",
        b"*10\r\n",
        b"*1048577\r\n",
        b"*2147483647\r\n",
        b"*1\r\n$16385\r\n",
        b"*1\r\n$16384\r\n",
        b"PING\r\n",
        b"AUTH pw\r\n*11\r\n",
    ];
    for case in cases {
        p.check_raw(case, QUIET);
    }
    let mut a = RawConn::connect(p.ours.port);
    assert_eq!(a.cmd_str(&["AUTH", "pw"]), "+OK\r\n");
    assert_eq!(a.cmd_str(&["PING"]), "+PONG\r\n");
}

/// A multibulk count above 1024*1024 is accepted by Redis 7.0 for authenticated clients (up to
/// INT_MAX); a complete request of that many arguments gets the same reply from both.
#[test]
fn huge_multibulk_count_completes() {
    let mut p = Pair::start(&[]);
    let n = 1_048_577usize;
    let mut req = Vec::with_capacity(n * 7 + 16);
    req.extend_from_slice(format!("*{n}\r\n$4\r\nECHO\r\n").as_bytes());
    for _ in 1..n {
        req.extend_from_slice(b"$1\r\nx\r\n");
    }
    p.a.send(&req);
    p.b.send(&req);
    let (x, y) = (p.a.read_reply(), p.b.read_reply());
    assert_eq!(String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
    assert_eq!(
        String::from_utf8_lossy(&x),
        "-ERR wrong number of arguments for 'echo' command\r\n"
    );
    // The same connection keeps working.
    p.check(&["PING"]);
    both_serving(&p);
}

/// A client announces a million arguments (or a 512 MB bulk) and then sends them very slowly:
/// the server must not allocate for the announced size up front.
#[test]
fn slow_huge_declared_lengths_do_not_allocate_up_front() {
    let srv = TestServer::start();
    let base = srv.rss_kb();
    let base_vm = srv.vm_size_kb();
    let mut clients = Vec::new();
    let headers: &[&[u8]] = &[
        b"*1000000\r\n",
        b"*2147483647\r\n",
        b"*1048576\r\n$4\r\nECHO\r\n",
        b"*1\r\n$536870912\r\n",
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870000\r\n",
    ];
    for h in headers {
        let mut c = srv.raw();
        c.send(h);
        clients.push(c);
    }
    let mut max_growth = 0;
    let deadline = Instant::now() + Duration::from_millis(1500);
    let mut i = 0u32;
    while Instant::now() < deadline {
        for (j, c) in clients.iter_mut().enumerate() {
            if j < 3 {
                c.send(b"$1\r\nx\r\n");
            } else {
                c.send(&[b'y'; 100]);
            }
        }
        i += 1;
        if i.is_multiple_of(10) {
            let rss = srv.rss_kb();
            max_growth = max_growth.max(rss.saturating_sub(base));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let vm_growth = srv.vm_size_kb().saturating_sub(base_vm);
    eprintln!("dribbling huge declared lengths: RSS +{max_growth} KiB, VmSize +{vm_growth} KiB");
    assert!(
        max_growth < 16 * 1024,
        "RSS grew by {max_growth} KiB while clients dribbled huge declared requests (from {base} KiB)"
    );
    // An allocation for a declared 512 MB bulk would show here even if never touched.
    assert!(vm_growth < 256 * 1024, "virtual size grew by {vm_growth} KiB (from {base_vm} KiB)");
    srv.assert_serving();
    drop(clients);
    srv.assert_serving();
}

#[test]
fn proto_max_bulk_len_exceeded() {
    let p = Pair::start(&["--proto-max-bulk-len", "1mb"]);
    let (reply, closed) = p.check_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n", QUIET);
    assert_eq!(String::from_utf8_lossy(&reply), "-ERR Protocol error: invalid bulk length\r\n");
    assert!(closed);
    // At the limit it is accepted.
    let mut req = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048576\r\n".to_vec();
    req.extend(std::iter::repeat_n(b'v', 1_048_576));
    req.extend_from_slice(b"\r\n");
    let (reply, closed) = p.check_raw(&req, QUIET);
    assert_eq!(String::from_utf8_lossy(&reply), "+OK\r\n");
    assert!(!closed);
    both_serving(&p);
}

#[test]
fn proto_max_bulk_len_set_at_runtime() {
    let mut p = Pair::start(&[]);
    p.check(&["CONFIG", "SET", "proto-max-bulk-len", "2mb"]);
    p.check(&["CONFIG", "GET", "proto-max-bulk-len"]);
    let (reply, closed) = p.check_raw(b"*2\r\n$4\r\nECHO\r\n$2097153\r\n", QUIET);
    assert_eq!(String::from_utf8_lossy(&reply), "-ERR Protocol error: invalid bulk length\r\n");
    assert!(closed);
    both_serving(&p);
}

#[test]
fn too_big_inline_request() {
    let p = Pair::start(&[]);
    let line = vec![b'x'; 70_000];
    let (reply, closed) = p.check_raw(&line, QUIET);
    assert_eq!(String::from_utf8_lossy(&reply), "-ERR Protocol error: too big inline request\r\n");
    assert!(closed);
    // A long but complete inline line below the limit works.
    let mut ok = b"ECHO ".to_vec();
    ok.extend(std::iter::repeat_n(b'y', 60_000));
    ok.extend_from_slice(b"\r\n");
    let (reply, closed) = p.check_raw(&ok, QUIET);
    assert!(reply.starts_with(b"$60000\r\nyyy"));
    assert!(!closed);
    both_serving(&p);
}

/// A request bigger than `client-query-buffer-limit` closes the connection (no reply).
#[test]
fn client_query_buffer_limit_closes_connection() {
    let p = Pair::start(&["--client-query-buffer-limit", "1mb"]);
    let n = 2 * 1024 * 1024;
    let mut req = format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${n}\r\n").into_bytes();
    req.extend(std::iter::repeat_n(b'v', n));
    req.extend_from_slice(b"\r\n");
    let ((x, xc), (y, yc)) = p.raw_both(&req, Duration::from_secs(2));
    assert!(xc && yc, "expected both to close: ferrodis closed={xc}, redis closed={yc}");
    assert_eq!(x, b"", "ferrodis replied before closing: {:?}", String::from_utf8_lossy(&x));
    assert_eq!(y, b"");
    // Just over the limit: refused whole before it runs, as Redis does (the buffer passes the
    // limit before the request is complete).
    let p = Pair::start(&["--client-query-buffer-limit", "1mb"]);
    let n = 1_100_000;
    let mut req = format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${n}\r\n").into_bytes();
    req.extend(std::iter::repeat_n(b'v', n));
    req.extend_from_slice(b"\r\n");
    let ((x, xc), (y, yc)) = p.raw_both(&req, Duration::from_secs(2));
    assert!(xc && yc, "expected both to close: ferrodis closed={xc}, redis closed={yc}");
    assert_eq!((x, y), (Vec::new(), Vec::new()));
    // Well below the limit is fine.
    let mut small = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$900000\r\n".to_vec();
    small.extend(std::iter::repeat_n(b'v', 900_000));
    small.extend_from_slice(b"\r\n");
    let (reply, closed) = p.check_raw(&small, QUIET);
    assert_eq!(reply, b"+OK\r\n");
    assert!(!closed);
    both_serving(&p);
}

/// The same limit lowered with CONFIG SET applies to an existing connection.
#[test]
fn client_query_buffer_limit_set_at_runtime() {
    let srv = TestServer::start();
    let mut admin = srv.raw();
    assert_eq!(admin.cmd_str(&["CONFIG", "SET", "client-query-buffer-limit", "1mb"]), "+OK\r\n");
    let mut c = srv.raw();
    let n = 3 * 1024 * 1024;
    let mut req = format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${n}\r\n").into_bytes();
    req.extend(std::iter::repeat_n(b'v', n));
    c.send_lossy(&req);
    let (reply, closed) = c.read_until_close_or_quiet(Duration::from_secs(2));
    assert!(closed, "connection not closed; got {:?}", String::from_utf8_lossy(&reply));
    assert_eq!(admin.cmd_str(&["EXISTS", "k"]), ":0\r\n");
    srv.assert_serving();
}

#[test]
fn wrong_arity_matches_reference() {
    let mut p = Pair::start(&[]);
    let cases: &[&[&str]] = &[
        &["GET"],
        &["GET", "a", "b"],
        &["SET", "a"],
        &["SET"],
        &["MSET", "a"],
        &["MSET", "a", "1", "b"],
        &["MGET"],
        &["INCR"],
        &["INCRBY", "a"],
        &["DEL"],
        &["EXISTS"],
        &["EXPIRE", "a"],
        &["TTL"],
        &["TYPE", "a", "b"],
        &["SELECT"],
        &["DBSIZE", "x"],
        &["PING", "a", "b"],
        &["ECHO"],
        &["CONFIG"],
        &["CONFIG", "GET"],
        &["CLIENT"],
        &["get"],
        &["gEt"],
    ];
    for c in cases {
        p.check(c);
    }
    both_serving(&p);
}

#[test]
fn unknown_commands_and_long_arguments() {
    let mut p = Pair::start(&[]);
    let long = "x".repeat(200);
    let name300 = "N".repeat(300);
    let many: Vec<String> = (0..100).map(|i| format!("arg{i}")).collect();
    let mut many_cmd = vec!["NOSUCH".to_string()];
    many_cmd.extend(many);
    let cases: Vec<Vec<String>> = vec![
        vec!["NOSUCH".into()],
        vec!["NOSUCH".into(), "a".into(), "b".into()],
        vec!["NOSUCH".into(), long.clone()],
        vec!["NOSUCH".into(), "a".into(), long.clone(), "b".into()],
        vec![long.clone(), "a".into()],
        vec![name300, "b".into()],
        many_cmd,
        vec!["".into()],
        vec!["NOSUCH".into(), "".into(), "with space".into(), "new\nline".into()],
        vec!["NOSUCH".into(), "bin\u{1}ary".into()],
        vec!["CONFIG".into(), "NOSUCHSUB".into()],
        vec!["CONFIG".into(), long.clone()],
        vec!["CLIENT".into(), "NOSUCHSUB".into(), "x".into()],
    ];
    for c in &cases {
        p.check(c);
    }
    // Inline too, where the server splits the line itself.
    p.check_raw(format!("NOSUCH {long} b\r\n").as_bytes(), QUIET);
    both_serving(&p);
}

#[test]
fn clients_that_disconnect_mid_command() {
    let p = Pair::start(&[]);
    let partials: &[&[u8]] = &[
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nhal",
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10",
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n",
        b"*3\r\n$3\r\nSE",
        b"*3",
        b"SET k v",
        b"*1\r\n$536870912\r\nabc",
    ];
    for srv in [&p.ours, &p.reference] {
        for part in partials {
            let mut c = srv.raw();
            c.send(part);
            drop(c);
            // Half-closed (FIN after the partial request) as well as dropped.
            let mut c = srv.raw();
            c.send(part);
            c.shutdown_write();
            let (reply, closed) = c.read_until_close_or_quiet(Duration::from_secs(2));
            assert!(
                reply.is_empty(),
                "reply to a partial request: {:?}",
                String::from_utf8_lossy(&reply)
            );
            assert!(closed, "the server kept a half-closed connection open");
        }
        let mut c = srv.raw();
        assert_eq!(c.cmd_str(&["EXISTS", "k"]), ":0\r\n");
        srv.assert_serving();
    }
    // A client that vanishes with many unread replies pending.
    for srv in [&p.ours, &p.reference] {
        let mut c = srv.raw();
        assert_eq!(c.cmd_str(&["SET", "big", &"z".repeat(100_000)]), "+OK\r\n");
        let mut burst = Vec::new();
        for _ in 0..500 {
            burst.extend_from_slice(&encode(&["GET", "big"]));
        }
        c.send(&burst);
        drop(c);
        srv.assert_serving();
    }
}

/// A command is served to one client while another has sent only half of its request.
#[test]
fn half_sent_request_does_not_block_others() {
    let srv = TestServer::start();
    let mut slow = srv.raw();
    slow.send(b"*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$5\r\nva");
    let mut other = srv.raw();
    assert_eq!(other.cmd_str(&["SET", "fast", "1"]), "+OK\r\n");
    assert_eq!(other.cmd_str(&["GET", "slow"]), "$-1\r\n");
    slow.send(b"lue\r\n");
    assert_eq!(slow.read_reply(), b"+OK\r\n");
    assert_eq!(other.cmd_str(&["GET", "slow"]), "$5\r\nvalue\r\n");
}

#[test]
fn pipeline_of_10k_commands_in_one_write() {
    let mut p = Pair::start(&[]);
    let n = 10_000;
    let mut req = Vec::new();
    for i in 0..n {
        let cmd: Vec<String> = match i % 5 {
            0 => vec!["SET".into(), format!("k{}", i % 97), i.to_string()],
            1 => vec!["GET".into(), format!("k{}", (i + 3) % 97)],
            2 => vec!["INCR".into(), "counter".into()],
            3 => vec!["ECHO".into(), format!("m{i}")],
            _ => vec!["INCR".into(), format!("k{}", i % 97)],
        };
        req.extend_from_slice(&encode(&cmd));
    }
    p.a.send(&req);
    p.b.send(&req);
    for i in 0..n {
        let (x, y) = (p.a.read_reply(), p.b.read_reply());
        assert_eq!(
            String::from_utf8_lossy(&x),
            String::from_utf8_lossy(&y),
            "reply {i} of the pipeline differs"
        );
        if i % 5 == 3 {
            let m = format!("m{i}");
            assert_eq!(x, format!("${}\r\n{m}\r\n", m.len()).as_bytes());
        }
    }
    assert_eq!(p.check(&["GET", "counter"]), b"$4\r\n2000\r\n");
    // Inline pipeline too.
    let mut inline = Vec::new();
    for i in 0..n {
        inline.extend_from_slice(format!("ECHO i{i}\r\n").as_bytes());
    }
    p.a.send(&inline);
    for i in 0..n {
        assert_eq!(p.a.read_reply(), format!("${}\r\ni{i}\r\n", format!("i{i}").len()).as_bytes());
    }
    both_serving(&p);
}

/// Telnet style: an inline command typed one byte at a time, with LF or CRLF endings.
#[test]
fn inline_commands_typed_slowly() {
    let srv = TestServer::start();
    let reference = Reference::start();
    for s in [&srv, &reference] {
        let mut c = s.raw();
        let mut w = std::net::TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
        drop(c.cmd_str(&["PING"]));
        for b in b"SET typed \"hello there\"\r\n" {
            w.write_all(&[*b]).expect("write");
            std::thread::sleep(Duration::from_millis(1));
        }
        for b in b"GET typed\n" {
            w.write_all(&[*b]).expect("write");
        }
        let mut r = RawConn::from_stream(w);
        assert_eq!(r.read_reply(), b"+OK\r\n");
        assert_eq!(r.read_reply(), b"$11\r\nhello there\r\n");
        assert_eq!(c.cmd_str(&["GET", "typed"]), "$11\r\nhello there\r\n");
    }
}

/// redis-cli reads commands from stdin, one per line, like a user typing them.
#[test]
fn redis_cli_from_stdin() {
    let srv = TestServer::start();
    let out = redis_cli(
        srv.port,
        &[],
        "SET a 1\nGET a\nINCR a\nGET nosuch\nSET b \"two words\"\nGET b\nNOSUCH x\nPING\n",
    );
    assert_eq!(
        out,
        "OK\n1\n2\n\nOK\ntwo words\nERR unknown command 'NOSUCH', with args beginning with: 'x' \n\nPONG\n"
    );
    // The same through the reference, to keep the expectation honest.
    let reference = Reference::start();
    let out_ref = redis_cli(
        reference.port,
        &[],
        "SET a 1\nGET a\nINCR a\nGET nosuch\nSET b \"two words\"\nGET b\nNOSUCH x\nPING\n",
    );
    assert_eq!(out, out_ref);
    // Arguments on the command line, and --no-raw formatting of each reply type.
    let one = redis_cli(srv.port, &["--no-raw", "MGET", "a", "nosuch", "b"], "");
    assert_eq!(one, "1) \"2\"\n2) (nil)\n3) \"two words\"\n");
    let ttl = redis_cli(srv.port, &["--no-raw", "TTL", "a"], "");
    assert_eq!(ttl, "(integer) -1\n");
}

fn redis_cli(port: u16, args: &[&str], stdin: &str) -> String {
    let mut child = std::process::Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("redis-cli is not installed (apt-get install redis-tools)");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("redis-cli output");
    assert!(out.status.success(), "redis-cli failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf8")
}
