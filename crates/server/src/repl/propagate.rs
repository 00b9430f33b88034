//! The propagation stream: every executed write, in execution order, in the form in which it
//! must be replayed (DESIGN.md §4).
//!
//! Dispatch calls [`Propagator::emit`] after a command ran and *before* its shard locks are
//! released, and each record takes a sequence number there. Two writes to the same key are
//! therefore numbered in the order they executed; writes to different shards may interleave
//! but commute. Consumers (AOF, replicas; today a test) subscribe and receive `Record`s.
//!
//! What is emitted for a command:
//! 1. the deletions of keys it found expired (`DEL key`), even for read-only commands;
//! 2. if it changed data (`dirty > 0`) and is a write: its rewrite if the handler recorded one
//!    (relative TTL → `PEXPIREAT`, `INCRBYFLOAT` → `SET ... KEEPTTL`), else the command as
//!    received.
//!
//! When nobody is subscribed, emitting costs one relaxed atomic load.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use resp::parse::{Argv, OwnedArgv};

use crate::cmd::spec::{flags, CommandSpec};
use crate::db::view::Effects;

/// The database of a record that applies to none: the `EXEC` closing a transaction, written
/// without a `SELECT` (as Redis writes it).
pub const NO_DB: usize = usize::MAX;

/// One replayable write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Position in the stream.
    pub seq: u64,
    /// Database the write applies to.
    pub db: usize,
    pub argv: OwnedArgv,
}

/// The stream. See the module docs.
#[derive(Default)]
pub struct Propagator {
    seq: AtomicU64,
    active: AtomicBool,
    subscribers: Mutex<Vec<Sub>>,
}

/// A subscriber: a channel (tests, one record at a time) or a [`Feed`] (the AOF).
enum Sub {
    Chan(Sender<Record>),
    Feed(Arc<Feed>),
}

/// A batching receiver for a consumer thread that wants every record but not a wake-up per
/// record: records are appended to a vector and the consumer takes them all at once.
/// [`Feed::take`] sleeps until a record arrives (only the first record after the consumer
/// fell asleep pays for a wake-up) and then lingers a moment so that a burst arrives whole;
/// an idle server therefore costs nothing, a busy one one take per linger. Under
/// `appendfsync always` the connections waiting for the fsync [`Feed::kick`] the consumer once
/// their round of writes is done ([`Feed::take_kicked`]).
#[derive(Default)]
pub struct Feed {
    q: parking_lot::Mutex<FeedQ>,
    cv: parking_lot::Condvar,
}

#[derive(Default)]
struct FeedQ {
    recs: Vec<Record>,
    /// The consumer sleeps in `take` or `take_kicked`.
    sleeping: bool,
    /// ... and the next record should wake it.
    wake_on_push: bool,
    /// [`Feed::kick`] was called since the consumer's last take.
    kicked: bool,
    closed: bool,
    /// When the consumer last took records (for the linger of [`Feed::take`]).
    last_take: Option<std::time::Instant>,
}

impl Feed {
    fn push(&self, r: Record) -> bool {
        let mut q = self.q.lock();
        if q.closed {
            return false;
        }
        q.recs.push(r);
        if q.sleeping && q.wake_on_push {
            q.sleeping = false;
            self.cv.notify_one();
        }
        true
    }

    /// Asks the consumer to take what is pending now, waking it wherever it sleeps: the
    /// end-of-round signal of `appendfsync always` (see `persist::aof::wait_durable`), and
    /// how a stop or a rewrite's file switch gets its attention.
    pub fn kick(&self) {
        let mut q = self.q.lock();
        q.kicked = true;
        if q.sleeping {
            q.sleeping = false;
            self.cv.notify_one();
        }
    }

    /// Moves every pending record into `out` (which must be empty). With none pending, first
    /// sleeps until one arrives (or a kick, [`Feed::close`], or `max_wait`). Takes are at
    /// least `linger` apart, so under load records come in batches; a record arriving after
    /// a quiet spell is taken at once.
    pub fn take(&self, out: &mut Vec<Record>, max_wait: Duration, linger: Duration) {
        let mut q = self.q.lock();
        if q.recs.is_empty() && !q.closed && !q.kicked {
            q.sleeping = true;
            q.wake_on_push = true;
            let _ = self.cv.wait_for(&mut q, max_wait);
            q.sleeping = false;
            q.wake_on_push = false;
        }
        if !q.recs.is_empty() && !q.kicked && !q.closed {
            let since = q.last_take.map_or(linger, |t| t.elapsed());
            if since < linger {
                parking_lot::MutexGuard::unlocked(&mut q, || std::thread::sleep(linger - since));
            }
        }
        q.last_take = Some(std::time::Instant::now());
        q.kicked = false;
        std::mem::swap(out, &mut q.recs);
    }

    /// Waits (up to `timeout`) until a [`Feed::kick`] since the last take, then takes every
    /// pending record, so that a batch is the whole round of writes its waiters ran.
    pub fn take_kicked(&self, out: &mut Vec<Record>, timeout: Duration) {
        let mut q = self.q.lock();
        if !q.kicked && !q.closed {
            q.sleeping = true;
            let _ = self.cv.wait_for(&mut q, timeout);
            q.sleeping = false;
        }
        q.kicked = false;
        std::mem::swap(out, &mut q.recs);
    }

    /// Stops delivery: the propagator drops this subscriber at its next record, and a
    /// waiting `take` returns.
    pub fn close(&self) {
        let mut q = self.q.lock();
        q.closed = true;
        self.cv.notify_one();
    }
}

impl Propagator {
    /// Returns a receiver of every record from now on.
    pub fn subscribe(&self) -> Receiver<Record> {
        self.subscribe_at().0
    }

    /// Returns a receiver of every record from now on and the seq of the first one it will
    /// get. Records reach every receiver in seq order with no gaps (the seq is taken under
    /// the subscribers lock, right before the sends).
    pub fn subscribe_at(&self) -> (Receiver<Record>, u64) {
        let (tx, rx) = channel();
        let mut subs = self.subscribers.lock();
        subs.push(Sub::Chan(tx));
        self.active.store(true, Ordering::Release);
        (rx, self.seq.load(Ordering::Relaxed))
    }

    /// [`subscribe_at`](Self::subscribe_at) with a batching [`Feed`].
    pub fn subscribe_feed(&self) -> (Arc<Feed>, u64) {
        let feed = Arc::new(Feed::default());
        let mut subs = self.subscribers.lock();
        subs.push(Sub::Feed(feed.clone()));
        self.active.store(true, Ordering::Release);
        (feed, self.seq.load(Ordering::Relaxed))
    }

    /// The seq the next record will take: every record numbered below it has already been
    /// sent to the subscribers.
    pub fn next_seq(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// True when someone listens.
    #[inline]
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// Emits the records a finished command produced. Call with its shard locks held.
    pub fn emit(&self, fx: &Effects, spec: &CommandSpec, argv: &Argv<'_>, db: usize) {
        if self.is_active() {
            Self::visit(fx, spec, argv, db, |d, a| self.send(d, a));
        }
    }

    /// Appends to `out` what [`emit`](Self::emit) would send (nothing when nobody listens).
    pub fn records(
        &self,
        fx: &Effects,
        spec: &CommandSpec,
        argv: &Argv<'_>,
        db: usize,
        out: &mut Vec<(usize, OwnedArgv)>,
    ) {
        if self.is_active() {
            Self::visit(fx, spec, argv, db, |d, a| out.push((d, a)));
        }
    }

    /// The records of a finished command, in order: the deletions of keys it found
    /// expired; then, if it is a write that changed data, its rewrite or the command as
    /// received.
    fn visit(
        fx: &Effects,
        spec: &CommandSpec,
        argv: &Argv<'_>,
        db: usize,
        mut f: impl FnMut(usize, OwnedArgv),
    ) {
        for (d, a) in &fx.pre {
            f(*d, a.clone());
        }
        if fx.dirty == 0 || !spec.has(flags::WRITE | flags::MAY_REPLICATE) {
            return;
        }
        match &fx.rewrite {
            Some(list) => list.iter().for_each(|(d, a)| f(*d, a.clone())),
            None => f(db, argv.to_owned_args()),
        }
    }

    /// Emits a transaction's records as one unit, consecutive in the stream, wrapped in
    /// `MULTI` ... `EXEC` when there is more than one (Redis 7.0's propagatePendingCommands).
    /// Call with the transaction's shard locks held.
    pub fn emit_transaction(&self, recs: Vec<(usize, OwnedArgv)>) {
        if !self.is_active() || recs.is_empty() {
            return;
        }
        let wrap = recs.len() > 1;
        // MULTI takes the first command's database, so a SELECT comes before it; EXEC none.
        let first_db = recs[0].0;
        let mut subs = self.subscribers.lock();
        if wrap {
            Self::send_locked(&self.seq, &mut subs, first_db, OwnedArgv::from_slices([b"MULTI"]));
        }
        for (d, a) in recs {
            Self::send_locked(&self.seq, &mut subs, d, a);
        }
        if wrap {
            Self::send_locked(&self.seq, &mut subs, NO_DB, OwnedArgv::from_slices([b"EXEC"]));
        }
        if subs.is_empty() {
            self.active.store(false, Ordering::Release);
        }
    }

    /// Emits one record from outside a command (active expiry, eviction).
    pub fn emit_raw(&self, db: usize, argv: OwnedArgv) {
        if self.is_active() {
            self.send(db, argv);
        }
    }

    fn send(&self, db: usize, argv: OwnedArgv) {
        // Numbered under the lock, so every subscriber receives seqs in order and without
        // gaps (the AOF's group commit relies on it: having written seq n means having
        // written everything below n).
        let mut subs = self.subscribers.lock();
        Self::send_locked(&self.seq, &mut subs, db, argv);
        if subs.is_empty() {
            self.active.store(false, Ordering::Release);
        }
    }

    fn send_locked(seq: &AtomicU64, subs: &mut Vec<Sub>, db: usize, argv: OwnedArgv) {
        let seq = seq.fetch_add(1, Ordering::AcqRel);
        subs.retain(|s| match s {
            Sub::Chan(tx) => tx.send(Record { seq, db, argv: argv.clone() }).is_ok(),
            Sub::Feed(f) => f.push(Record { seq, db, argv: argv.clone() }),
        });
    }
}
