//! The process: shared state ([`Server`]), startup and shutdown.
//!
//! Threading model:
//! * one **acceptor** thread owns the listening sockets and hands each accepted connection,
//!   round-robin, to a worker (`listener.rs`);
//! * `worker-threads` **worker** threads (default: one per core the process may run on) each
//!   run a single-threaded tokio runtime; a connection lives on one worker for its whole life
//!   and its commands execute right there, taking the shard locks they need
//!   (`executor.rs`), with no hand-off to another thread; a busy worker spins a moment
//!   before it blocks (`idle.rs`);
//! * one **cron** thread runs the periodic jobs at `hz` (`cron.rs`): active expiry, LRU clock,
//!   client timeouts, incremental rehashing.

pub mod cron;
pub mod executor;
pub mod idle;
pub mod listener;

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use crate::cmd::registry::registry;
use crate::config::Config;
use crate::conn::client::Clients;
use crate::db::Keyspace;
use crate::repl::propagate::Propagator;
use crate::stats::Stats;
use crate::{notice, warning};

/// The version of Redis whose behaviour ferrodis implements (INFO `redis_version`).
pub const REDIS_VERSION: &str = "7.2.0";
/// ferrodis's own version.
pub const FERRODIS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Server-wide state shared by every thread.
pub struct Server {
    pub config: Config,
    pub keyspace: Keyspace,
    pub clients: Clients,
    pub stats: Stats,
    pub prop: Propagator,
    /// RDB and AOF state.
    pub persist: crate::persist::Persist,
    /// Counts of blocked clients and keys (INFO).
    pub blocking: crate::blocking::Counters,
    /// Monotonic start instant (uptime).
    pub started: Instant,
    /// 40 hex characters, new at every start.
    pub run_id: String,
    pub replid: Mutex<String>,
    lru_clock: AtomicU32,
    /// Changes since the last save (INFO `rdb_changes_since_last_save`).
    pub dirty: AtomicU64,
    /// DEBUG SET-ACTIVE-EXPIRE.
    pub active_expire: AtomicBool,
    pub shutting_down: AtomicBool,
    /// Set when a shutdown has been requested; the main thread exits.
    pub shutdown_tx: Mutex<Option<std::sync::mpsc::Sender<ShutdownRequest>>>,
    /// The TCP port actually listened on.
    pub port: AtomicU32,
    pub executable: String,
    pub worker_threads: usize,
    pub total_connections: AtomicU64,
    pub rejected_connections: AtomicU64,
    /// Itself, for commands that hand the server to a thread (BGSAVE).
    me: std::sync::OnceLock<std::sync::Weak<Server>>,
}

/// Why the process is stopping.
#[derive(Debug, Clone, Copy)]
pub enum ShutdownRequest {
    Signal(&'static str),
    Command,
}

/// 40 random hex characters (run id, replication id).
pub fn random_hex40() -> String {
    let mut s = String::with_capacity(40);
    let mut x = crate::util::time::now_us() as u64 ^ (std::process::id() as u64).rotate_left(20);
    for _ in 0..40 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push(char::from_digit((x % 16) as u32, 16).unwrap_or('0'));
    }
    s
}

impl Server {
    /// Builds the server state from a configuration.
    pub fn new(config: Config) -> Arc<Server> {
        let st = config.settings();
        crate::cmd::registry::set_renames(&config.extras.renames);
        let workers = if st.worker_threads > 0 {
            st.worker_threads
        } else {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        };
        let shards = if st.keyspace_shards > 0 { st.keyspace_shards } else { 16 };
        let srv = Arc::new(Server {
            keyspace: Keyspace::new(st.databases, shards),
            config,
            clients: Clients::default(),
            stats: Stats::new(registry().id_count()),
            prop: Propagator::default(),
            persist: Default::default(),
            started: Instant::now(),
            run_id: random_hex40(),
            replid: Mutex::new(random_hex40()),
            lru_clock: AtomicU32::new(0),
            dirty: AtomicU64::new(0),
            blocking: Default::default(),
            active_expire: AtomicBool::new(true),
            shutting_down: AtomicBool::new(false),
            shutdown_tx: Mutex::new(None),
            port: AtomicU32::new(st.port as u32),
            executable: std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            worker_threads: workers,
            total_connections: AtomicU64::new(0),
            rejected_connections: AtomicU64::new(0),
            me: std::sync::OnceLock::new(),
        });
        let _ = srv.me.set(Arc::downgrade(&srv));
        srv.update_lru_clock();
        srv
    }

    /// A counted handle to the server (for work handed to another thread).
    pub fn arc(&self) -> Option<Arc<Server>> {
        self.me.get().and_then(|w| w.upgrade())
    }

    /// The LRU clock: seconds, 24 bits, as Redis's `LRU_CLOCK()`.
    #[inline]
    pub fn lru_clock(&self) -> u32 {
        self.lru_clock.load(Ordering::Relaxed)
    }

    /// Refreshes the LRU clock (cron).
    pub fn update_lru_clock(&self) {
        let secs = (crate::util::time::now_ms() / 1000) as u32 & ((1 << 24) - 1);
        self.lru_clock.store(secs, Ordering::Relaxed);
    }

    /// Seconds since start.
    pub fn uptime_secs(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// Asks the main thread to shut down.
    pub fn request_shutdown(&self, why: ShutdownRequest) {
        if let Some(tx) = self.shutdown_tx.lock().as_ref() {
            let _ = tx.send(why);
        }
    }
}

/// Runs the server until shutdown. Returns the process exit code.
pub fn run(srv: Arc<Server>) -> i32 {
    let st = srv.config.settings();
    let (tx, rx) = std::sync::mpsc::channel();
    *srv.shutdown_tx.lock() = Some(tx);
    let pending = srv.config.not_in_effect();
    if !pending.is_empty() {
        warning!(
            "WARNING: these settings are stored but not yet in effect in this ferrodis release: {}",
            pending.join(", ")
        );
    }
    let listeners = match listener::bind_all(&st.bind, st.port) {
        Ok(l) => l,
        Err(e) => {
            warning!("Failed listening on port {} (tcp), aborting.", st.port);
            warning!("{e}");
            return 1;
        }
    };
    if let Some(Ok(addr)) = listeners.first().map(|l| l.local_addr()) {
        srv.port.store(addr.port() as u32, Ordering::Relaxed);
    }
    // Clients may connect while the dataset loads; they get -LOADING until it is in.
    srv.persist.rdb.loading.store(true, Ordering::SeqCst);
    let workers = listener::spawn_workers(&srv);
    listener::spawn_acceptor(srv.clone(), listeners, workers);
    listener::spawn_signal_handler(srv.clone());
    if crate::persist::load::load_at_startup(&srv).is_err() {
        return 1;
    }
    // The AOF writer subscribes before writes are accepted, so none goes unlogged.
    crate::persist::aof::start(&srv);
    srv.persist.rdb.loading.store(false, Ordering::SeqCst);
    cron::spawn(srv.clone());
    notice!("Ready to accept connections tcp");
    loop {
        let why = rx.recv().unwrap_or(ShutdownRequest::Command);
        if shutdown(&srv, why) {
            return 0;
        }
    }
}

/// Logs and performs the final steps of a shutdown. On a signal, saves first when save
/// points are configured, as Redis does; if that save fails the server keeps running and
/// this returns false. (SHUTDOWN, the command, saves before asking.)
pub fn shutdown(srv: &Server, why: ShutdownRequest) -> bool {
    match why {
        ShutdownRequest::Signal(name) => {
            notice!("Received {name} scheduling shutdown...");
            notice!("User requested shutdown...");
            if !srv.config.settings().save.is_empty()
                && crate::persist::save::save_for_shutdown(srv).is_err()
            {
                warning!("Error trying to save the DB, can't exit.");
                warning!(
                    "Errors trying to shut down the server. Check the logs for more information."
                );
                return false;
            }
        }
        ShutdownRequest::Command => {}
    }
    srv.shutting_down.store(true, Ordering::SeqCst);
    for c in srv.clients.snapshot() {
        c.kill();
    }
    crate::persist::aof::shutdown(srv);
    notice!("ferrodis is now ready to exit, bye bye...");
    true
}
