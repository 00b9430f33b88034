//! The propagation stream (DESIGN.md §4): every executed write, in execution order, in its
//! deterministic replayable form. Nothing consumes it yet but this test; AOF and replicas
//! will.

use std::net::SocketAddr;

use ferrodis::cmd::dispatch;
use ferrodis::config::Config;
use ferrodis::conn::client::Client;
use ferrodis::server::Server;
use resp::parse::OwnedArgv;
use resp::ReplyBuf;

struct Harness {
    srv: std::sync::Arc<Server>,
    client: Client,
    out: ReplyBuf,
    stats: std::sync::Arc<ferrodis::stats::WorkerStats>,
}

impl Harness {
    fn new() -> Harness {
        let srv = Server::new(Config::from_directives(&[], None).unwrap());
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let info = srv.clients.register(addr, addr, -1, None);
        let stats = srv.stats.register();
        Harness { client: Client::new(info, true), out: ReplyBuf::new(), srv, stats }
    }

    fn run(&mut self, args: &[&str]) -> String {
        let argv = OwnedArgv::from_slices(args.iter().map(|a| a.as_bytes()));
        self.out.clear();
        dispatch::execute(&self.srv, &mut self.client, &mut self.out, argv.view(), &self.stats);
        String::from_utf8_lossy(self.out.as_bytes()).into_owned()
    }
}

fn words(r: &ferrodis::repl::propagate::Record) -> Vec<String> {
    r.argv.view().iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()
}

#[test]
fn writes_are_streamed_in_order_with_deterministic_rewrites() {
    let mut h = Harness::new();
    let rx = h.srv.prop.subscribe();
    assert_eq!(h.run(&["SET", "a", "1"]), "+OK\r\n");
    assert_eq!(h.run(&["GET", "a"]), "$1\r\n1\r\n");
    assert_eq!(h.run(&["INCR", "a"]), ":2\r\n");
    assert_eq!(h.run(&["SET", "b", "x", "EX", "100"]), "+OK\r\n");
    assert_eq!(h.run(&["SET", "c", "y", "NX"]), "+OK\r\n");
    assert_eq!(h.run(&["SET", "c", "z", "NX"]), "$-1\r\n");
    assert_eq!(h.run(&["DEL", "nosuch"]), ":0\r\n");
    let recs: Vec<_> = rx.try_iter().collect();
    let got: Vec<Vec<String>> = recs.iter().map(words).collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0], ["SET", "a", "1"]);
    assert_eq!(got[1], ["INCR", "a"]);
    // A relative expiry is replayed as an absolute one.
    assert_eq!(got[2][..4], ["SET", "b", "x", "PXAT"]);
    let at: i64 = got[2][4].parse().unwrap();
    assert!(at > ferrodis::util::time::now_ms() + 90_000);
    assert_eq!(got[3], ["SET", "c", "y", "NX"]);
    // Sequence numbers are strictly increasing.
    assert!(recs.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(recs.iter().all(|r| r.db == 0));
}

#[test]
fn lazily_expired_keys_are_streamed_as_del_before_the_command() {
    let mut h = Harness::new();
    assert_eq!(h.run(&["SET", "k", "v", "PX", "1"]), "+OK\r\n");
    let rx = h.srv.prop.subscribe();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    // Poll until the key has expired (1 ms TTL); the first GET that finds it expired
    // deletes it and streams the DEL, even though GET itself is read-only.
    loop {
        if h.run(&["GET", "k"]) == "$-1\r\n" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "key never expired");
    }
    let got: Vec<Vec<String>> = rx.try_iter().map(|r| words(&r)).collect();
    assert!(got.contains(&vec!["DEL".to_string(), "k".to_string()]), "{got:?}");
}

#[test]
fn database_index_travels_with_each_record() {
    let mut h = Harness::new();
    let rx = h.srv.prop.subscribe();
    h.run(&["SELECT", "3"]);
    h.run(&["SET", "x", "1"]);
    let recs: Vec<_> = rx.try_iter().collect();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].db, 3);
}
