//! What a worker does between running out of work and blocking in `epoll_wait`.
//!
//! Under a stream of small requests a worker often runs dry for a few microseconds between
//! rounds. If it blocks then, the next client's send has to wake it: a scheduler wake-up on
//! the sender's side and, on a virtual machine, an inter-processor interrupt that exits to
//! the hypervisor. With one benchmark client driving 50 connections that cost lands on the
//! client and caps its rate: ferrodis, being faster per request, ran dry and slept more often
//! per request than redis-server and lost 1-2% of unpipelined throughput for it
//! (docs/PERFORMANCE.md, "Reply scheduling" and "Idle spin").
//!
//! So a *busy* worker spins for a moment before it parks: a request arriving meanwhile finds
//! it awake, and the `epoll_wait` that follows returns at once. Whether the worker is busy is
//! judged by its last sleep: shorter than [`BUSY`] means requests are arriving back to back.
//! An idle server parks at once (its sleeps are long), so spinning costs nothing when idle and
//! at most `worker-idle-spin-ns` per round under load. `worker-idle-spin-ns 0` turns it off.
//!
//! The hooks run on the worker's own thread (tokio's `on_thread_park` / `on_thread_unpark`
//! of its current-thread runtime), so the state is thread-local.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// A last sleep shorter than this means the worker is busy.
const BUSY: Duration = Duration::from_micros(200);

thread_local! {
    static PARKED_AT: Cell<Option<Instant>> = const { Cell::new(None) };
    static LAST_SLEEP: Cell<Duration> = const { Cell::new(Duration::MAX) };
}

/// Called before the worker blocks: spins for up to `spin` if it is busy.
pub fn before_park(spin: Duration) {
    let now = Instant::now();
    if !spin.is_zero() && LAST_SLEEP.get() < BUSY {
        while now.elapsed() < spin {
            std::hint::spin_loop();
        }
    }
    PARKED_AT.set(Some(Instant::now()));
}

/// Called when the worker wakes up: remembers how long it slept.
pub fn after_unpark() {
    if let Some(t) = PARKED_AT.take() {
        LAST_SLEEP.set(t.elapsed());
    }
}
