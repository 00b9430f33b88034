//! Blocking operations (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP):
//! the waiter registry, the serving of waiters by writes, and a blocked connection's wait.
//!
//! The shape (DESIGN.md §2: blocked clients are served in FIFO order at the moment the data
//! arrives, as part of the write that made it available):
//!
//! * A command that finds no data registers one [`Waiter`] in the per-shard table
//!   ([`KeyWaiters`], a field of [`crate::db::Shard`]) of each key it waits on, while it still
//!   holds those shards, and marks its connection blocked ([`crate::conn::client::Client`]'s
//!   `blocked`). It writes no reply.
//! * After any write command, dispatch calls [`serve::after_write`] while the command's shard
//!   locks are still held. For each key of the command that has waiters, the waiters are
//!   served in the order they blocked: the element is popped for them, their reply is
//!   rendered in their own protocol and handed to their connection, and the equivalent
//!   non-blocking command (LPOP, LMOVE, ZPOPMIN ...) is appended to the write's propagation
//!   records. See `serve.rs`.
//! * The blocked connection waits ([`wait::wait`]) for its reply, its timeout, CLIENT
//!   UNBLOCK, or its socket closing; afterwards it removes its waiter from every table.
//!
//! A waiter is finished exactly once: its state moves from `WAITING` to one final state with
//! a compare-and-swap. A writer claims it (`SERVED`) before it pops anything, so a waiter
//! that timed out, was unblocked or disconnected can never swallow an element, and a claimed
//! waiter always gets its reply (the slot is filled before it is woken).

pub mod serve;
pub mod wait;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;

pub use crate::types::list::End;

/// Waiter states.
pub mod state {
    pub const WAITING: u8 = 0;
    /// A write served it: its reply is (or is about to be) in the slot.
    pub const SERVED: u8 = 1;
    /// The timeout passed, or CLIENT UNBLOCK ... TIMEOUT: the reply is the null array.
    pub const TIMED_OUT: u8 = 2;
    /// CLIENT UNBLOCK ... ERROR.
    pub const UNBLOCKED_ERROR: u8 = 3;
    /// The connection went away.
    pub const GONE: u8 = 4;
}

/// The reply of a client unblocked by CLIENT UNBLOCK ... ERROR.
pub const UNBLOCKED_ERR: &str = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

/// What a waiter does with the data when it is served.
#[derive(Debug, Clone)]
pub enum Op {
    /// BLPOP / BRPOP (`count` None, reply `[key, element]`) or BLMPOP (`count` Some, reply
    /// `[key, [elements]]`).
    ListPop { end: End, count: Option<usize> },
    /// BLMOVE / BRPOPLPUSH: pop from the (single) key, push to `dst`; reply the element.
    /// `tokens` are the client's `wherefrom`/`whereto` arguments as given (BLMOVE propagates
    /// as `LMOVE src dst <wherefrom> <whereto>`), None for BRPOPLPUSH (`RPOPLPUSH src dst`).
    ListMove { from: End, to: End, dst: Vec<u8>, tokens: Option<(Vec<u8>, Vec<u8>)> },
    /// BZPOPMIN / BZPOPMAX (`count` None, reply `[key, member, score]`) or BZMPOP (`count`
    /// Some, reply `[key, [[member, score] ...]]`).
    ZPop { max: bool, count: Option<usize> },
}

impl Op {
    /// True if the waiter wants a list (else a sorted set).
    pub fn wants_list(&self) -> bool {
        !matches!(self, Op::ZPop { .. })
    }
}

/// One blocked command.
pub struct Waiter {
    state: AtomicU8,
    /// The blocked client.
    pub client_id: u64,
    /// The database its keys are in.
    pub db: usize,
    /// The keys it waits on, in the order given, without duplicates.
    pub keys: Vec<Vec<u8>>,
    pub op: Op,
    /// Render the reply in RESP3.
    pub resp3: bool,
    /// Whether the waiter has a timeout (INFO `clients_in_timeout_table`).
    pub has_timeout: bool,
    reply: Mutex<Option<Vec<u8>>>,
    wake: Notify,
}

impl Waiter {
    /// A new waiter in the `WAITING` state.
    pub fn new(
        client_id: u64,
        db: usize,
        keys: Vec<Vec<u8>>,
        op: Op,
        resp3: bool,
        has_timeout: bool,
    ) -> Arc<Waiter> {
        Arc::new(Waiter {
            state: AtomicU8::new(state::WAITING),
            client_id,
            db,
            keys,
            op,
            resp3,
            has_timeout,
            reply: Mutex::new(None),
            wake: Notify::new(),
        })
    }

    /// The current state.
    pub fn state(&self) -> u8 {
        self.state.load(Ordering::Acquire)
    }

    /// True while nobody has finished the waiter.
    pub fn is_waiting(&self) -> bool {
        self.state() == state::WAITING
    }

    /// Moves `WAITING` to `to`; false if the waiter was already finished. The winner takes
    /// the client out of the blocked counts at once, as Redis unblocks it at once (its key
    /// registrations are dropped by its connection just after).
    pub fn finish(&self, to: u8, counters: &Counters) -> bool {
        let won = self
            .state
            .compare_exchange(state::WAITING, to, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if won {
            counters.blocked_clients.fetch_sub(1, Ordering::Relaxed);
            if self.has_timeout {
                counters.in_timeout_table.fetch_sub(1, Ordering::Relaxed);
            }
        }
        won
    }

    /// Finishes the waiter as `to` from another client (CLIENT UNBLOCK) and wakes it.
    pub fn cancel(&self, to: u8, counters: &Counters) -> bool {
        let won = self.finish(to, counters);
        if won {
            self.wake.notify_one();
        }
        won
    }

    /// Hands the reply of a waiter this thread claimed (`SERVED`) to its connection.
    pub fn deliver(&self, reply: Vec<u8>) {
        *self.reply.lock() = Some(reply);
        self.wake.notify_one();
    }

    /// Takes the delivered reply.
    pub fn take_reply(&self) -> Option<Vec<u8>> {
        self.reply.lock().take()
    }
}

/// Server-wide counts for INFO (`blocked_clients`, `clients_in_timeout_table`,
/// `total_blocking_keys`).
#[derive(Default)]
pub struct Counters {
    pub blocked_clients: AtomicUsize,
    pub in_timeout_table: AtomicUsize,
    pub blocking_keys: AtomicUsize,
}

/// One shard's waiters: for each key (of the shard's database), its waiters in the order they
/// blocked. Only touched with the shard locked.
#[derive(Default)]
pub struct KeyWaiters {
    map: HashMap<Box<[u8]>, VecDeque<Arc<Waiter>>>,
}

impl KeyWaiters {
    /// True when no key of the shard has waiters (the fast path of every write).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// True if `key` has waiters.
    #[inline]
    pub fn has(&self, key: &[u8]) -> bool {
        !self.map.is_empty() && self.map.contains_key(key)
    }

    /// The keys that have waiters.
    pub fn keys(&self) -> Vec<Vec<u8>> {
        self.map.keys().map(|k| k.to_vec()).collect()
    }

    /// The waiters of `key`, oldest first (a snapshot).
    pub fn of(&self, key: &[u8]) -> Vec<Arc<Waiter>> {
        self.map.get(key).map(|q| q.iter().cloned().collect()).unwrap_or_default()
    }

    /// Appends `w` to the waiters of `key`.
    pub fn add(&mut self, key: &[u8], w: Arc<Waiter>, counters: &Counters) {
        let q = self.map.entry(key.into()).or_insert_with(|| {
            counters.blocking_keys.fetch_add(1, Ordering::Relaxed);
            VecDeque::new()
        });
        q.push_back(w);
    }

    /// Removes `w` from the waiters of `key` (no-op if absent).
    pub fn remove(&mut self, key: &[u8], w: &Arc<Waiter>, counters: &Counters) {
        let Some(q) = self.map.get_mut(key) else { return };
        q.retain(|x| !Arc::ptr_eq(x, w));
        if q.is_empty() {
            self.map.remove(key);
            counters.blocking_keys.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// Parses a blocking command's timeout (seconds, fractions allowed) as Redis's
/// `getTimeoutFromObjectOrReply` does, returning the absolute deadline in Unix ms, or None
/// for 0 (block forever).
pub fn parse_timeout(arg: &[u8], now_ms: i64) -> Result<Option<i64>, crate::cmd::CmdError> {
    use crate::cmd::CmdError;
    let secs = parse_long_double(arg)
        .ok_or(CmdError::msg("ERR timeout is not a float or out of range"))?;
    let ms = secs * 1000.0;
    if ms > i64::MAX as f64 {
        return Err(CmdError::msg("ERR timeout is out of range"));
    }
    let ms = ms.ceil();
    if ms < 0.0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    let ms = ms as i64;
    if ms == 0 {
        return Ok(None);
    }
    if ms > i64::MAX - now_ms {
        return Err(CmdError::msg("ERR timeout is out of range"));
    }
    Ok(Some(now_ms + ms))
}

/// Redis reads the timeout as a `long double`, whose range is far wider than a double's:
/// `1e400` is a valid (huge) timeout and `1e-400` a tiny positive one. A double that
/// overflows stands for the huge value (infinite) and one that underflows for the tiny one.
fn parse_long_double(arg: &[u8]) -> Option<f64> {
    if let Some(v) = crate::util::num::parse_f64(arg) {
        return Some(v);
    }
    let text = std::str::from_utf8(arg).ok()?;
    if text.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    if v.is_nan() {
        None
    } else if v == 0.0 {
        Some(if text.starts_with('-') { -f64::MIN_POSITIVE } else { f64::MIN_POSITIVE })
    } else {
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_as_redis_does() {
        assert_eq!(parse_timeout(b"0", 1000).unwrap(), None);
        assert_eq!(parse_timeout(b"0.0001", 1000).unwrap(), Some(1001));
        assert_eq!(parse_timeout(b"1.5", 1000).unwrap(), Some(2500));
        assert!(parse_timeout(b"-1", 0).unwrap_err().text().contains("negative"));
        // Rounded up to -0: no timeout, as in Redis 7.2.
        assert_eq!(parse_timeout(b"-0.0001", 0).unwrap(), None);
        assert!(parse_timeout(b"abc", 0).unwrap_err().text().contains("not a float"));
        assert!(parse_timeout(b"inf", 0).unwrap_err().text().contains("out of range"));
        assert!(parse_timeout(b"-inf", 0).unwrap_err().text().contains("negative"));
        assert!(parse_timeout(b"1e400", 0).unwrap_err().text().contains("out of range"));
        assert!(parse_timeout(b"-1e400", 0).unwrap_err().text().contains("negative"));
        assert_eq!(parse_timeout(b"1e-400", 5).unwrap(), Some(6));
        assert_eq!(parse_timeout(b"-1e-400", 5).unwrap(), None);
        assert!(parse_timeout(b" 1", 0).is_err());
    }

    #[test]
    fn a_waiter_is_finished_once() {
        let c = Counters::default();
        c.blocked_clients.store(1, Ordering::Relaxed);
        let op = Op::ZPop { max: false, count: None };
        let w = Waiter::new(1, 0, vec![b"k".to_vec()], op, false, false);
        assert!(w.is_waiting());
        assert!(w.finish(state::SERVED, &c));
        assert!(!w.cancel(state::TIMED_OUT, &c));
        assert_eq!(w.state(), state::SERVED);
        assert_eq!(c.blocked_clients.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn key_waiters_keep_order_and_count_keys() {
        let c = Counters::default();
        let mut t = KeyWaiters::default();
        let a = Waiter::new(1, 0, vec![], Op::ZPop { max: false, count: None }, false, false);
        let b = Waiter::new(2, 0, vec![], Op::ZPop { max: false, count: None }, false, false);
        t.add(b"k", a.clone(), &c);
        t.add(b"k", b.clone(), &c);
        t.add(b"j", a.clone(), &c);
        assert_eq!(c.blocking_keys.load(Ordering::Relaxed), 2);
        let ids: Vec<u64> = t.of(b"k").iter().map(|w| w.client_id).collect();
        assert_eq!(ids, [1, 2]);
        t.remove(b"k", &a, &c);
        t.remove(b"j", &a, &c);
        assert_eq!(c.blocking_keys.load(Ordering::Relaxed), 1);
        assert!(t.has(b"k") && !t.has(b"j"));
    }
}
