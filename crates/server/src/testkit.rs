//! The harness the command families' in-crate tests share: an in-process server with one
//! client, running commands through the real dispatch gate and recording what each one
//! propagates.

use std::sync::mpsc::Receiver;
use std::sync::Arc;

use resp::parse::OwnedArgv;
use resp::ReplyBuf;

use crate::cmd::dispatch;
use crate::cmd::registry::registry;
use crate::config::Config;
use crate::conn::client::Client;
use crate::repl::propagate::Record;
use crate::server::Server;
use crate::stats::WorkerStats;

/// An in-process server with one client, and the propagation stream.
pub struct Harness {
    pub srv: Arc<Server>,
    client: Client,
    stats: WorkerStats,
    rx: Receiver<Record>,
}

impl Harness {
    /// A server with the default configuration.
    pub fn new() -> Self {
        Self::with(&[])
    }

    /// A server configured with `(directive, value)` pairs.
    pub fn with(directives: &[(&str, &str)]) -> Self {
        let d: Vec<(String, Vec<String>)> =
            directives.iter().map(|(k, v)| (k.to_string(), vec![v.to_string()])).collect();
        let srv = Server::new(Config::from_directives(&d, None).expect("config"));
        let addr = "127.0.0.1:1".parse().expect("addr");
        let info = srv.clients.register(addr, addr, -1, None);
        let client = Client::new(info, true);
        let stats = WorkerStats::new(registry().id_count());
        let rx = srv.prop.subscribe();
        Harness { srv, client, stats, rx }
    }

    /// Runs a command; returns its reply and what it propagated (records space-joined).
    pub fn run(&mut self, args: &[&str]) -> (String, Vec<String>) {
        let argv = OwnedArgv::from_slices(args);
        let mut out = ReplyBuf::new();
        dispatch::execute(&self.srv, &mut self.client, &mut out, argv.view(), &self.stats);
        let reply = String::from_utf8_lossy(out.as_bytes()).into_owned();
        let recs = self.rx.try_iter().map(|r| words(&r).join(" ")).collect();
        (reply, recs)
    }

    /// Runs a command; returns its reply.
    pub fn reply(&mut self, args: &[&str]) -> String {
        self.run(args).0
    }

    /// Runs a command; returns what it propagated.
    pub fn prop(&mut self, args: &[&str]) -> Vec<String> {
        self.run(args).1
    }

    /// OBJECT ENCODING of `key` in db 0 (`none` if absent).
    pub fn encoding(&self, key: &str) -> &'static str {
        let ks = &self.srv.keyspace;
        let shard = ks.dbs[0].shards[ks.shard_of(key.as_bytes())].0.lock();
        shard.dict.get(key.as_bytes()).map_or("none", |e| e.val.encoding())
    }
}

/// The arguments of a propagated record, as strings.
pub fn words(r: &Record) -> Vec<String> {
    r.argv.view().iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect()
}
