//! What blocking commands put in the propagation stream: a command answered at once is
//! replayed as its non-blocking form, and a waiter served by a write is replayed, right after
//! that write, as the non-blocking command that served it (as Redis 7.2 does). Also the
//! BLMOVE whose destination shard is busy (the release-and-relock path of `blocking::serve`).

use std::net::SocketAddr;
use std::sync::Arc;

use ferrodis::cmd::dispatch;
use ferrodis::config::Config;
use ferrodis::conn::client::Client;
use ferrodis::repl::propagate::Record;
use ferrodis::server::Server;
use ferrodis::stats::WorkerStats;
use resp::parse::OwnedArgv;
use resp::ReplyBuf;

/// One client of a server, driven directly through dispatch.
struct Conn {
    srv: Arc<Server>,
    client: Client,
    out: ReplyBuf,
    stats: Arc<WorkerStats>,
}

impl Conn {
    fn new(srv: &Arc<Server>) -> Conn {
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let info = srv.clients.register(addr, addr, -1, None);
        let stats = srv.stats.register();
        Conn { client: Client::new(info, true), out: ReplyBuf::new(), srv: srv.clone(), stats }
    }

    fn run(&mut self, args: &[&str]) -> String {
        let argv = OwnedArgv::from_slices(args.iter().map(|a| a.as_bytes()));
        self.out.clear();
        dispatch::execute(&self.srv, &mut self.client, &mut self.out, argv.view(), &self.stats);
        String::from_utf8_lossy(self.out.as_bytes()).into_owned()
    }

    /// The reply a write delivered to this (blocked) client, if any.
    fn served(&mut self) -> Option<String> {
        let b = self.client.blocked.as_ref()?;
        b.waiter.take_reply().map(|r| String::from_utf8_lossy(&r).into_owned())
    }
}

fn server() -> Arc<Server> {
    Server::new(Config::from_directives(&[], None).unwrap())
}

fn words(recs: &[Record]) -> Vec<String> {
    recs.iter()
        .map(|r| {
            r.argv
                .view()
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn immediate_answers_propagate_as_the_plain_commands() {
    let srv = server();
    let mut c = Conn::new(&srv);
    c.run(&["RPUSH", "l", "a", "b", "c", "d", "e"]);
    c.run(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    let rx = srv.prop.subscribe();
    c.run(&["BLPOP", "none", "l", "0"]);
    c.run(&["BRPOP", "l", "0"]);
    c.run(&["BLMOVE", "l", "m", "left", "RIGHT", "0"]);
    c.run(&["BRPOPLPUSH", "l", "m", "0"]);
    c.run(&["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "10"]);
    c.run(&["BZPOPMIN", "z", "0"]);
    c.run(&["BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"]);
    let got = words(&rx.try_iter().collect::<Vec<_>>());
    assert_eq!(
        got,
        [
            "LPOP l",
            "RPOP l",
            "LMOVE l m left RIGHT",
            "RPOPLPUSH l m",
            "LPOP l 1",
            "ZPOPMIN z",
            "ZPOPMAX z 2",
        ]
    );
}

#[test]
fn served_waiters_propagate_right_after_the_write() {
    let srv = server();
    let rx = srv.prop.subscribe();
    let mut w1 = Conn::new(&srv);
    let mut w2 = Conn::new(&srv);
    let mut w3 = Conn::new(&srv);
    let mut w4 = Conn::new(&srv);
    let mut p = Conn::new(&srv);
    assert_eq!(w1.run(&["BLPOP", "q", "0"]), "");
    assert_eq!(w2.run(&["BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "2"]), "");
    assert_eq!(w3.run(&["BZPOPMAX", "z", "0"]), "");
    assert_eq!(w4.run(&["BLMOVE", "c1", "{c1}c2", "LEFT", "left", "0"]), "");
    let mut w5 = Conn::new(&srv);
    assert_eq!(w5.run(&["BRPOP", "{c1}c2", "0"]), "");
    assert!(rx.try_iter().next().is_none(), "blocking propagates nothing");

    assert_eq!(p.run(&["RPUSH", "q", "a", "b", "c", "d"]), ":4\r\n");
    assert_eq!(w1.served().unwrap(), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
    assert_eq!(w2.served().unwrap(), "*2\r\n$1\r\nq\r\n*2\r\n$1\r\nd\r\n$1\r\nc\r\n");
    p.run(&["ZADD", "z", "1", "x", "2", "y"]);
    assert_eq!(w3.served().unwrap(), "*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\n2\r\n");
    p.run(&["RPUSH", "c1", "v"]);
    assert_eq!(w4.served().unwrap(), "$1\r\nv\r\n");
    assert_eq!(w5.served().unwrap(), "*2\r\n$6\r\n{c1}c2\r\n$1\r\nv\r\n");
    assert_eq!(p.run(&["EXISTS", "c1", "{c1}c2"]), ":0\r\n");
    let got = words(&rx.try_iter().collect::<Vec<_>>());
    assert_eq!(
        got,
        [
            "RPUSH q a b c d",
            "LPOP q",
            "RPOP q 2",
            "ZADD z 1 x 2 y",
            "ZPOPMAX z",
            "RPUSH c1 v",
            "LMOVE c1 {c1}c2 LEFT left",
            "RPOP {c1}c2",
        ]
    );
}

#[test]
fn a_busy_destination_shard_is_relocked_without_losing_the_element() {
    let srv = server();
    let ks = &srv.keyspace;
    // Source and destination in different shards.
    let src = "src";
    let dst = (0..1000)
        .map(|i| format!("dst{i}"))
        .find(|d| ks.shard_of(d.as_bytes()) != ks.shard_of(src.as_bytes()))
        .unwrap();
    let rx = srv.prop.subscribe();
    let mut w = Conn::new(&srv);
    assert_eq!(w.run(&["BLMOVE", src, &dst, "RIGHT", "LEFT", "0"]), "");
    // Hold the destination's shard while another thread writes the source.
    let held = ks.dbs[0].shards[ks.shard_of(dst.as_bytes())].0.lock();
    let srv2 = srv.clone();
    let writer = std::thread::spawn(move || {
        let mut p = Conn::new(&srv2);
        p.run(&["RPUSH", "src", "e"])
    });
    // The write is recorded before the writer waits for the shard.
    let first = rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
    assert_eq!(words(&[first]), ["RPUSH src e"]);
    assert!(w.served().is_none(), "not served while the destination is held");
    drop(held);
    assert_eq!(writer.join().unwrap(), ":1\r\n");
    assert_eq!(w.served().unwrap(), "$1\r\ne\r\n");
    assert_eq!(words(&rx.try_iter().collect::<Vec<_>>()), [format!("LMOVE src {dst} RIGHT LEFT")]);
    let mut c = Conn::new(&srv);
    assert_eq!(c.run(&["LRANGE", &dst, "0", "-1"]), "*1\r\n$1\r\ne\r\n");
    assert_eq!(c.run(&["EXISTS", "src"]), ":0\r\n");
}
