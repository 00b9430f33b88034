//! Reply writing at the end of the worker's round, as Redis writes in `beforeSleep`.
//!
//! Redis executes the requests of every connection an event-loop iteration found readable
//! and writes all their replies at the end of it (`handleClientsWithPendingWrites`), so the
//! client process receives them in one burst. A connection task here hands its replies to
//! its [`Outbox`] and queues it on the worker's [`Round`] instead of writing them itself; one
//! flusher task per worker, woken by the first hand-over of a round, runs after the tasks
//! already queued (every connection the same driver poll made ready) and writes each queued
//! outbox with one `try_write`. That costs one task poll per round and no extra syscall,
//! where a `yield_now` per connection cost an extra zero-timeout driver poll per round (see
//! docs/PERFORMANCE.md, "Reply scheduling").
//!
//! A reply the socket cannot take whole is finished by a task of its own, which waits for
//! the socket to become writable; meanwhile the bytes left are published as the client's
//! pending output (CLIENT LIST `omem`), the connection executes nothing more
//! ([`Outbox::stalled`] is checked before every batch) and anything appended goes out after
//! them, in order.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Poll, Waker};

use resp::ReplyBuf;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::Notify;

use super::client::ClientInfo;

/// One worker's connections with replies waiting for the end of the round.
pub struct Round {
    queue: RefCell<Vec<Weak<Outbox>>>,
    /// The flusher's waker while it waits for work; taken by the hand-over that wakes it.
    flusher: RefCell<Option<Waker>>,
}

impl Round {
    /// Creates the worker's round and spawns its flusher (call inside the worker's LocalSet).
    pub fn start() -> Rc<Round> {
        let round = Rc::new(Round { queue: RefCell::new(Vec::new()), flusher: RefCell::new(None) });
        tokio::task::spawn_local(flusher(round.clone()));
        round
    }

    /// Queues `ob` for the end of the round; the first entry of a round wakes the flusher.
    pub fn defer(&self, ob: &Rc<Outbox>) {
        if ob.queued.replace(true) {
            return;
        }
        let mut q = self.queue.borrow_mut();
        if q.is_empty() {
            if let Some(w) = self.flusher.borrow_mut().take() {
                w.wake();
            }
        }
        q.push(Rc::downgrade(ob));
    }
}

/// Writes every queued outbox each time the round has some; never returns.
async fn flusher(round: Rc<Round>) {
    let mut batch: Vec<Weak<Outbox>> = Vec::new();
    loop {
        std::future::poll_fn(|cx| {
            if round.queue.borrow().is_empty() {
                let mut slot = round.flusher.borrow_mut();
                if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    *slot = Some(cx.waker().clone());
                }
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
        .await;
        std::mem::swap(&mut *round.queue.borrow_mut(), &mut batch);
        for ob in batch.drain(..) {
            // A connection that closed meanwhile wrote its replies on the way out.
            if let Some(ob) = ob.upgrade() {
                ob.queued.set(false);
                ob.write_out();
            }
        }
    }
}

/// A connection's replies waiting to be written, shared by its task, the worker's flusher
/// and, while the socket is full, the task finishing the write. Dropping the last handle
/// shuts the write side down (the read half closes the socket).
pub struct Outbox {
    wr: OwnedWriteHalf,
    info: Arc<ClientInfo>,
    pending: RefCell<ReplyBuf>,
    /// How much of `pending` the socket already took (non-zero only while stalled).
    sent: Cell<usize>,
    queued: Cell<bool>,
    stalled: Cell<bool>,
    broken: Cell<bool>,
    drained: Notify,
}

impl Outbox {
    pub fn new(wr: OwnedWriteHalf, info: Arc<ClientInfo>) -> Rc<Outbox> {
        Rc::new(Outbox {
            wr,
            info,
            pending: RefCell::new(ReplyBuf::new()),
            sent: Cell::new(0),
            queued: Cell::new(false),
            stalled: Cell::new(false),
            broken: Cell::new(false),
            drained: Notify::new(),
        })
    }

    /// Takes a batch of replies over (leaving `out` empty), after any still waiting.
    pub fn push(&self, out: &mut ReplyBuf) {
        self.info.rbp.store(out.len(), Ordering::Relaxed);
        let mut pending = self.pending.borrow_mut();
        if pending.is_empty() {
            let resp3 = out.is_resp3();
            std::mem::swap(&mut *pending, out);
            out.set_resp3(resp3);
        } else {
            pending.raw(out.as_bytes());
            out.clear();
        }
    }

    /// True while part of the replies waits for the socket to drain.
    #[inline]
    pub fn stalled(&self) -> bool {
        self.stalled.get()
    }

    /// True once a write failed: the connection is gone.
    #[inline]
    pub fn broken(&self) -> bool {
        self.broken.get()
    }

    /// Writes what is pending with one `try_write`; what the socket does not take is
    /// finished by a task of its own. Does nothing while that task runs.
    pub fn write_out(self: &Rc<Self>) {
        if self.stalled.get() || self.broken.get() {
            return;
        }
        let mut pending = self.pending.borrow_mut();
        if pending.is_empty() {
            return;
        }
        let bytes = pending.as_bytes();
        match self.wr.try_write(bytes) {
            Ok(n) if n == bytes.len() => pending.clear(),
            Ok(n) => self.stall(&pending, n),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => self.stall(&pending, 0),
            Err(_) => {
                self.broken.set(true);
                pending.clear();
            }
        }
    }

    /// Publishes the bytes left as pending output and hands them to a writer task.
    fn stall(self: &Rc<Self>, pending: &ReplyBuf, sent: usize) {
        self.sent.set(sent);
        self.stalled.set(true);
        self.info.set_pending_output(pending.len() - sent);
        tokio::task::spawn_local(finish(self.clone()));
    }

    /// Waits until nothing is left for the socket to take; false if the connection broke.
    pub async fn drained(&self) -> bool {
        while self.stalled.get() {
            let notified = self.drained.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !self.stalled.get() {
                break;
            }
            notified.await;
        }
        !self.broken.get()
    }

    /// Writes everything pending now and waits until the socket took it; false if the
    /// connection broke.
    pub async fn flushed(self: &Rc<Self>) -> bool {
        self.write_out();
        self.drained().await
    }
}

/// Finishes a stalled write: waits for the socket to become writable and writes the rest,
/// including replies appended meanwhile, then clears the pending-output mark.
async fn finish(ob: Rc<Outbox>) {
    loop {
        if ob.wr.writable().await.is_err() {
            ob.broken.set(true);
            break;
        }
        let pending = ob.pending.borrow_mut();
        let rest = &pending.as_bytes()[ob.sent.get()..];
        match ob.wr.try_write(rest) {
            Ok(n) if n == rest.len() => break,
            Ok(n) => {
                ob.sent.set(ob.sent.get() + n);
                ob.info.set_pending_output(rest.len() - n);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => {
                ob.broken.set(true);
                break;
            }
        }
    }
    ob.pending.borrow_mut().clear();
    ob.sent.set(0);
    ob.info.set_pending_output(0);
    ob.stalled.set(false);
    ob.drained.notify_waiters();
}
