//! Client state: the part only the connection's own task touches ([`Client`]) and the part
//! other threads read or signal ([`ClientInfo`], for CLIENT LIST / KILL, INFO, timeouts).
//!
//! `ClientInfo` is written by its own connection with relaxed atomics (a few stores per read
//! batch, none on the per-command hot path besides `last` and `last_cmd`) and read by whoever
//! lists or kills clients. Features that change what CLIENT LIST shows (pub/sub counts,
//! MULTI, blocking, replication roles) set the fields and flag bits below; the line format
//! lives here once ([`ClientInfo::write_line`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{
    AtomicBool, AtomicI64, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering::Relaxed,
};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::util::time::now_ms;

/// Bits of [`ClientInfo::flags`]: the states other features mark a client with, shown as
/// letters in the `flags=` field of CLIENT LIST.
pub mod cflags {
    /// A replica connection (`S`), or a MONITOR client when [`MONITOR`] is set too (`O`).
    pub const REPLICA: u32 = 1 << 0;
    pub const MONITOR: u32 = 1 << 1;
    /// The connection from our master (`M`).
    pub const MASTER: u32 = 1 << 2;
    /// Blocked in BLPOP, XREAD BLOCK, WAIT... (`b`).
    pub const BLOCKED: u32 = 1 << 3;
    /// Client-side caching tracking is on (`t`), its redirect is broken (`R`), BCAST (`B`).
    pub const TRACKING: u32 = 1 << 4;
    pub const TRACKING_BROKEN_REDIR: u32 = 1 << 5;
    pub const TRACKING_BCAST: u32 = 1 << 6;
    /// A WATCHed key was touched: the EXEC will fail (`d`).
    pub const DIRTY_CAS: u32 = 1 << 7;
    /// Will close once its pending replies are written (`c`).
    pub const CLOSE_AFTER_REPLY: u32 = 1 << 8;
    /// Unblocked, waiting to be served (`u`).
    pub const UNBLOCKED: u32 = 1 << 9;
    /// Scheduled to close as soon as possible (`A`).
    pub const CLOSE_ASAP: u32 = 1 << 10;
    /// Connected over a Unix socket (`U`).
    pub const UNIX_SOCKET: u32 = 1 << 11;
    /// READONLY in cluster mode (`r`).
    pub const READONLY: u32 = 1 << 12;
}

/// The kinds CLIENT LIST TYPE and CLIENT KILL TYPE filter on (Redis's `getClientType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientType {
    Normal,
    Replica,
    Pubsub,
    Master,
}

impl ClientType {
    /// Parses a TYPE argument: normal, slave, replica, pubsub or master (any case).
    pub fn parse(s: &[u8]) -> Option<ClientType> {
        let s = s.to_ascii_lowercase();
        Some(match &s[..] {
            b"normal" => ClientType::Normal,
            b"slave" | b"replica" => ClientType::Replica,
            b"pubsub" => ClientType::Pubsub,
            b"master" => ClientType::Master,
            _ => return None,
        })
    }
}

/// The size a fresh reply buffer is reported with, and the biggest static buffer (Redis's
/// `PROTO_REPLY_CHUNK_BYTES`): output beyond it is reported as list memory (`oll`/`omem`).
const REPLY_CHUNK: usize = 16 * 1024;
const MIN_REPLY_BUF: usize = 1024;
/// A rough size of the per-connection state, for `tot-mem`.
const CLIENT_OVERHEAD: usize = 1 << 10;

/// The shared face of a connection.
pub struct ClientInfo {
    pub id: u64,
    /// Peer address as Redis prints it (`ip:port`, no IPv6 brackets).
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
    /// Registry id + 1 of the last command looked up (0: none yet, or an unknown command).
    pub last_cmd: AtomicUsize,
    pub resp: AtomicU8,
    /// Bytes in the query buffer (read but not yet trimmed) and free room behind them.
    pub qbuf: AtomicUsize,
    pub qbuf_free: AtomicUsize,
    /// Reply bytes handed to the socket but not yet written (while a write is in flight).
    pub omem: AtomicUsize,
    /// Size of the last batch of replies (the reply-buffer peak, `rbp`).
    pub rbp: AtomicUsize,
    pub no_evict: AtomicBool,
    pub no_touch: AtomicBool,
    pub user: Mutex<String>,
    /// Channel, pattern and shard-channel subscription counts (`sub`, `psub`, `ssub`).
    pub sub: AtomicUsize,
    pub psub: AtomicUsize,
    pub ssub: AtomicUsize,
    /// Commands queued in MULTI, or -1 outside a transaction (`multi`).
    pub multi: AtomicI64,
    /// Bytes held by queued MULTI commands (`multi-mem`).
    pub multi_mem: AtomicUsize,
    /// [`cflags`] bits.
    pub flags: AtomicU32,
    /// Set by CLIENT KILL or a timeout; the connection closes when it sees it.
    pub killed: AtomicBool,
    /// The waiter of the blocking command the client is blocked in (CLIENT UNBLOCK).
    pub blocked: Mutex<Option<Arc<crate::blocking::Waiter>>>,
    /// A duplicate of the socket, so another thread can shut it down and wake the reader.
    sock: Mutex<Option<TcpStream>>,
    pub commands: AtomicU64,
}

/// What only the client asking about itself knows (CLIENT INFO, or its own CLIENT LIST line).
#[derive(Clone, Copy, Debug, Default)]
pub struct SelfView {
    /// Reply bytes already queued in this batch, before the current command's reply.
    pub obl: usize,
    /// Bytes of the current command's arguments.
    pub argv_mem: usize,
}

/// Formats `addr` as Redis does: `ip:port` with the IPv6 address unbracketed.
pub fn format_addr(a: &SocketAddr) -> String {
    format!("{}:{}", a.ip(), a.port())
}

/// Full name (`client|list`) of the command with registry id `id`.
pub fn command_name(id: usize) -> Option<&'static str> {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let reg = crate::cmd::registry::registry();
        let mut v = vec![String::new(); reg.id_count()];
        for e in reg.all_with_subs() {
            v[e.id] = e.full_name.clone();
        }
        v
    });
    names.get(id).map(|s| s.as_str())
}

impl ClientInfo {
    /// Marks the client killed and shuts its socket so its task wakes up and exits, even when
    /// it is parked in a read or a write.
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

    /// Seconds since the last interaction (whole seconds, as Redis counts them).
    pub fn idle_secs(&self, now: i64) -> i64 {
        (now / 1000 - self.last.load(Relaxed) / 1000).max(0)
    }

    /// Seconds since the connection was accepted.
    pub fn age_secs(&self, now: i64) -> i64 {
        (now / 1000 - self.created / 1000).max(0)
    }

    /// Records the query buffer's state (after a read, and after consumed input is trimmed).
    #[inline]
    pub fn set_qbuf(&self, len: usize, capacity: usize) {
        self.qbuf.store(len, Relaxed);
        self.qbuf_free.store(capacity.saturating_sub(len), Relaxed);
    }

    /// Records the reply bytes waiting for the socket (`n`), or that the write finished (`0`).
    #[inline]
    pub fn set_pending_output(&self, n: usize) {
        self.omem.store(n, Relaxed);
    }

    /// Sets or clears [`cflags`] bits.
    pub fn set_flag(&self, bit: u32, on: bool) {
        if on {
            self.flags.fetch_or(bit, Relaxed);
        } else {
            self.flags.fetch_and(!bit, Relaxed);
        }
    }

    /// True if [`cflags`] bit `bit` is set.
    #[inline]
    pub fn has_flag(&self, bit: u32) -> bool {
        self.flags.load(Relaxed) & bit != 0
    }

    /// True if the client has any subscription.
    pub fn is_pubsub(&self) -> bool {
        self.sub.load(Relaxed) + self.psub.load(Relaxed) + self.ssub.load(Relaxed) > 0
    }

    /// The client's kind, as CLIENT LIST TYPE / CLIENT KILL TYPE see it.
    pub fn kind(&self) -> ClientType {
        let f = self.flags.load(Relaxed);
        if f & cflags::MASTER != 0 {
            ClientType::Master
        } else if f & cflags::REPLICA != 0 && f & cflags::MONITOR == 0 {
            ClientType::Replica
        } else if self.is_pubsub() {
            ClientType::Pubsub
        } else {
            ClientType::Normal
        }
    }

    /// The `flags=` letters, in Redis's order (`N` when none applies).
    fn flag_letters(&self, out: &mut String) {
        let f = self.flags.load(Relaxed);
        let start = out.len();
        if f & cflags::REPLICA != 0 {
            out.push(if f & cflags::MONITOR != 0 { 'O' } else { 'S' });
        }
        let letters: [(bool, char); 15] = [
            (f & cflags::MASTER != 0, 'M'),
            (self.is_pubsub(), 'P'),
            (self.multi.load(Relaxed) >= 0, 'x'),
            (f & cflags::BLOCKED != 0, 'b'),
            (f & cflags::TRACKING != 0, 't'),
            (f & cflags::TRACKING_BROKEN_REDIR != 0, 'R'),
            (f & cflags::TRACKING_BCAST != 0, 'B'),
            (f & cflags::DIRTY_CAS != 0, 'd'),
            (f & cflags::CLOSE_AFTER_REPLY != 0, 'c'),
            (f & cflags::UNBLOCKED != 0, 'u'),
            (f & cflags::CLOSE_ASAP != 0 || self.is_killed(), 'A'),
            (f & cflags::UNIX_SOCKET != 0, 'U'),
            (f & cflags::READONLY != 0, 'r'),
            (self.no_evict.load(Relaxed), 'e'),
            (self.no_touch.load(Relaxed), 'T'),
        ];
        for (on, c) in letters {
            if on {
                out.push(c);
            }
        }
        if out.len() == start {
            out.push('N');
        }
    }

    /// Appends this client's CLIENT LIST line (without the trailing newline). `me` is given
    /// when the client describes itself, which fills in what only it knows.
    pub fn write_line(&self, out: &mut String, now: i64, me: Option<SelfView>) {
        let qbuf = self.qbuf.load(Relaxed);
        let qbuf_free = self.qbuf_free.load(Relaxed);
        let me_v = me.unwrap_or_default();
        // Output: for ourselves, what this batch has queued so far; for others, what is in
        // flight to their socket, the first chunk counted as buffer and the rest as list.
        let pending = if me.is_some() { me_v.obl } else { self.omem.load(Relaxed) };
        let obl = pending.min(REPLY_CHUNK);
        let rest = pending - obl;
        let oll = rest.div_ceil(REPLY_CHUNK);
        let omem = rest;
        let rbp = self.rbp.load(Relaxed).max(obl).min(REPLY_CHUNK);
        let rbs = rbp.next_power_of_two().clamp(MIN_REPLY_BUF, REPLY_CHUNK);
        let multi_mem = self.multi_mem.load(Relaxed);
        let tot_mem = CLIENT_OVERHEAD + qbuf + qbuf_free + me_v.argv_mem + rbs + omem + multi_mem;
        let events = if me.is_none() && pending > 0 { "rw" } else { "r" };
        let cmd = match self.last_cmd.load(Relaxed) {
            0 => "NULL",
            n => command_name(n - 1).unwrap_or("NULL"),
        };
        let _ = write!(
            out,
            "id={} addr={} laddr={} fd={} name={} age={} idle={} flags=",
            self.id,
            self.addr,
            self.laddr,
            self.fd,
            String::from_utf8_lossy(&self.name.lock()),
            self.age_secs(now),
            self.idle_secs(now),
        );
        self.flag_letters(out);
        let _ = write!(
            out,
            " db={} sub={} psub={} ssub={} multi={} qbuf={} qbuf-free={} argv-mem={} \
             multi-mem={} rbs={} rbp={} obl={} oll={} omem={} tot-mem={} events={} cmd={} \
             user={} redir=-1 resp={} lib-name={} lib-ver={}",
            self.db.load(Relaxed),
            self.sub.load(Relaxed),
            self.psub.load(Relaxed),
            self.ssub.load(Relaxed),
            self.multi.load(Relaxed),
            qbuf,
            qbuf_free,
            me_v.argv_mem,
            multi_mem,
            rbs,
            rbp,
            obl,
            oll,
            omem,
            tot_mem,
            events,
            cmd,
            self.user.lock(),
            self.resp.load(Relaxed),
            String::from_utf8_lossy(&self.lib_name.lock()),
            String::from_utf8_lossy(&self.lib_ver.lock()),
        );
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
            addr: format_addr(&peer),
            laddr: format_addr(&local),
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
            qbuf_free: AtomicUsize::new(0),
            omem: AtomicUsize::new(0),
            rbp: AtomicUsize::new(0),
            no_evict: AtomicBool::new(false),
            no_touch: AtomicBool::new(false),
            user: Mutex::new("default".into()),
            sub: AtomicUsize::new(0),
            psub: AtomicUsize::new(0),
            ssub: AtomicUsize::new(0),
            multi: AtomicI64::new(-1),
            multi_mem: AtomicUsize::new(0),
            flags: AtomicU32::new(0),
            killed: AtomicBool::new(false),
            blocked: Mutex::new(None),
            sock: Mutex::new(sock),
            commands: AtomicU64::new(0),
        });
        self.map.lock().insert(id, info.clone());
        self.count.fetch_add(1, Relaxed);
        info
    }

    /// Forgets a closed connection (idempotent).
    pub fn unregister(&self, id: u64) {
        if self.map.lock().remove(&id).is_some() {
            self.count.fetch_sub(1, Relaxed);
        }
    }

    /// Kills another client: it leaves the list at once (as Redis frees it at once) and its
    /// task is woken to close the socket.
    pub fn kill(&self, info: &ClientInfo) {
        info.kill();
        self.unregister(info.id);
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
    /// Suppress the reply of the command being run (the one after CLIENT REPLY SKIP).
    pub skip_this: bool,
    /// Set by CLIENT REPLY SKIP: becomes `skip_this` for the next command.
    pub skip_next: bool,
    /// Close the connection once pending replies are written (QUIT, protocol errors, KILL of
    /// self).
    pub close_after_reply: bool,
    pub no_touch: bool,
    pub no_evict: bool,
    pub resp3: bool,
    /// Set by a blocking command that found no data: the connection waits for its reply.
    pub blocked: Option<crate::blocking::wait::Blocked>,
    /// Blocking commands answer at once instead of blocking (Redis's CLIENT_DENY_BLOCKING:
    /// set during EXEC, for the AOF loader, and for scripts when they land).
    pub deny_blocking: bool,
    /// The open transaction, between MULTI and EXEC/DISCARD (`crate::multi`).
    pub multi: Option<Box<crate::multi::MultiState>>,
    /// WATCHed keys, with their database.
    pub watched: Vec<(usize, Box<[u8]>)>,
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
            blocked: None,
            deny_blocking: false,
            multi: None,
            watched: Vec::new(),
        }
    }

    /// Selects database `db`.
    pub fn select(&mut self, db: usize) {
        self.db = db;
        self.info.db.store(db as u32, Relaxed);
    }

    /// Switches the protocol (2 or 3) for the replies that follow.
    pub fn set_resp(&mut self, ver: u8) {
        self.resp3 = ver == 3;
        self.info.resp.store(ver, Relaxed);
    }

    /// Sets the CLIENT NO-TOUCH mode.
    pub fn set_no_touch(&mut self, on: bool) {
        self.no_touch = on;
        self.info.no_touch.store(on, Relaxed);
    }

    /// Sets the CLIENT NO-EVICT mode.
    pub fn set_no_evict(&mut self, on: bool) {
        self.no_evict = on;
        self.info.no_evict.store(on, Relaxed);
    }

    /// RESET: back to a fresh connection's state (database 0, no name, RESP2, replies on,
    /// NO-TOUCH/NO-EVICT off, authenticated only if the default user needs no password).
    /// The library name and version stay: they describe the client behind the socket.
    /// Features with per-connection state (MULTI, subscriptions, tracking) clear theirs here.
    pub fn reset(&mut self, default_auth: bool) {
        self.select(0);
        self.set_resp(2);
        self.info.name.lock().clear();
        *self.info.user.lock() = "default".into();
        self.authenticated = default_auth;
        self.reply_mode = ReplyMode::On;
        self.skip_next = false;
        self.set_no_touch(false);
        self.set_no_evict(false);
        self.info.set_flag(cflags::READONLY, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_print_as_redis_does() {
        let v4: SocketAddr = "127.0.0.1:6379".parse().unwrap();
        let v6: SocketAddr = "[::1]:6380".parse().unwrap();
        assert_eq!(format_addr(&v4), "127.0.0.1:6379");
        assert_eq!(format_addr(&v6), "::1:6380");
    }

    #[test]
    fn client_types_parse_any_case() {
        assert_eq!(ClientType::parse(b"SLAVE"), Some(ClientType::Replica));
        assert_eq!(ClientType::parse(b"replica"), Some(ClientType::Replica));
        assert_eq!(ClientType::parse(b"Normal"), Some(ClientType::Normal));
        assert_eq!(ClientType::parse(b"PubSub"), Some(ClientType::Pubsub));
        assert_eq!(ClientType::parse(b"master"), Some(ClientType::Master));
        assert_eq!(ClientType::parse(b"monitor"), None);
    }
}
