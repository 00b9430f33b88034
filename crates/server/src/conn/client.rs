//! Client state: the part only the connection's own task touches ([`Client`]) and the part
//! other threads read or signal ([`ClientInfo`], for CLIENT LIST / KILL, INFO, timeouts).

use std::collections::BTreeMap;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{
    AtomicBool, AtomicI64, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering::Relaxed,
};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::util::time::now_ms;

/// The shared face of a connection.
pub struct ClientInfo {
    pub id: u64,
    pub addr: String,
    pub laddr: String,
    pub fd: i32,
    pub loopback: bool,
    /// Creation time, Unix ms.
    pub created: i64,
    pub name: Mutex<Vec<u8>>,
    pub lib_name: Mutex<Vec<u8>>,
    pub lib_ver: Mutex<Vec<u8>>,
    pub db: AtomicU32,
    /// Last interaction, Unix ms.
    pub last: AtomicI64,
    /// Registry id + 1 of the last command (0: none yet).
    pub last_cmd: AtomicUsize,
    pub resp: AtomicU8,
    /// Bytes of query buffer and of pending output (CLIENT LIST qbuf / omem).
    pub qbuf: AtomicUsize,
    pub omem: AtomicUsize,
    pub no_evict: AtomicBool,
    pub no_touch: AtomicBool,
    pub user: Mutex<String>,
    /// Set by CLIENT KILL or a timeout; the connection closes when it sees it.
    pub killed: AtomicBool,
    /// A duplicate of the socket, so another thread can shut it down and wake the reader.
    sock: Mutex<Option<TcpStream>>,
    pub commands: AtomicU64,
}

impl ClientInfo {
    /// Marks the client killed and shuts its socket so its task wakes up and exits.
    pub fn kill(&self) {
        self.killed.store(true, Relaxed);
        if let Some(s) = self.sock.lock().take() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// True once killed.
    #[inline]
    pub fn is_killed(&self) -> bool {
        self.killed.load(Relaxed)
    }

    /// Seconds since the last interaction.
    pub fn idle_secs(&self, now: i64) -> i64 {
        (now - self.last.load(Relaxed)).max(0) / 1000
    }
}

/// Every connected client.
pub struct Clients {
    map: Mutex<BTreeMap<u64, Arc<ClientInfo>>>,
    next_id: AtomicU64,
    count: AtomicUsize,
}

impl Default for Clients {
    fn default() -> Self {
        Clients {
            map: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(1),
            count: AtomicUsize::new(0),
        }
    }
}

impl Clients {
    /// Registers a new connection.
    pub fn register(
        &self,
        peer: SocketAddr,
        local: SocketAddr,
        fd: i32,
        sock: Option<TcpStream>,
    ) -> Arc<ClientInfo> {
        let id = self.next_id.fetch_add(1, Relaxed);
        let now = now_ms();
        let info = Arc::new(ClientInfo {
            id,
            addr: peer.to_string(),
            laddr: local.to_string(),
            fd,
            loopback: peer.ip().is_loopback(),
            created: now,
            name: Mutex::new(Vec::new()),
            lib_name: Mutex::new(Vec::new()),
            lib_ver: Mutex::new(Vec::new()),
            db: AtomicU32::new(0),
            last: AtomicI64::new(now),
            last_cmd: AtomicUsize::new(0),
            resp: AtomicU8::new(2),
            qbuf: AtomicUsize::new(0),
            omem: AtomicUsize::new(0),
            no_evict: AtomicBool::new(false),
            no_touch: AtomicBool::new(false),
            user: Mutex::new("default".into()),
            killed: AtomicBool::new(false),
            sock: Mutex::new(sock),
            commands: AtomicU64::new(0),
        });
        self.map.lock().insert(id, info.clone());
        self.count.fetch_add(1, Relaxed);
        info
    }

    /// Forgets a closed connection.
    pub fn unregister(&self, id: u64) {
        if self.map.lock().remove(&id).is_some() {
            self.count.fetch_sub(1, Relaxed);
        }
    }

    /// Number of connected clients.
    pub fn len(&self) -> usize {
        self.count.load(Relaxed)
    }

    /// True when no client is connected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A snapshot of every client, by id.
    pub fn snapshot(&self) -> Vec<Arc<ClientInfo>> {
        self.map.lock().values().cloned().collect()
    }

    /// Finds a client by id.
    pub fn get(&self, id: u64) -> Option<Arc<ClientInfo>> {
        self.map.lock().get(&id).cloned()
    }
}

/// What CLIENT REPLY set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
}

/// Connection-local state.
pub struct Client {
    pub id: u64,
    pub db: usize,
    pub authenticated: bool,
    pub info: Arc<ClientInfo>,
    pub reply_mode: ReplyMode,
    /// Suppress the reply of the command being run (CLIENT REPLY SKIP's own, then the next).
    pub skip_this: bool,
    pub skip_next: bool,
    /// Close the connection once pending replies are written (QUIT, protocol errors, KILL of
    /// self).
    pub close_after_reply: bool,
    pub no_touch: bool,
    pub no_evict: bool,
    pub resp3: bool,
}

impl Client {
    /// A fresh client for `info`.
    pub fn new(info: Arc<ClientInfo>, authenticated: bool) -> Self {
        Client {
            id: info.id,
            db: 0,
            authenticated,
            info,
            reply_mode: ReplyMode::On,
            skip_this: false,
            skip_next: false,
            close_after_reply: false,
            no_touch: false,
            no_evict: false,
            resp3: false,
        }
    }
}
