//! Background freeing (Redis's lazyfree thread): FLUSHALL / FLUSHDB ASYNC, and the
//! `lazyfree-lazy-user-flush` default, detach the tables under the locks and hand them to
//! one background thread, so the command answers at once however large the dataset.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{channel, Sender};
use std::sync::OnceLock;

use collections::Dict;

use super::Entry;

/// Keys handed over but not freed yet (INFO `lazyfree_pending_objects`).
pub static PENDING: AtomicU64 = AtomicU64::new(0);
/// Keys freed in the background so far (INFO `lazyfreed_objects`).
pub static FREED: AtomicU64 = AtomicU64::new(0);

fn sender() -> &'static Sender<Dict<Entry>> {
    static TX: OnceLock<Sender<Dict<Entry>>> = OnceLock::new();
    TX.get_or_init(|| {
        let (tx, rx) = channel::<Dict<Entry>>();
        let spawned = std::thread::Builder::new().name("lazyfree".into()).spawn(move || {
            while let Ok(d) = rx.recv() {
                let n = d.len() as u64;
                drop(d);
                PENDING.fetch_sub(n, Relaxed);
                FREED.fetch_add(n, Relaxed);
            }
        });
        if let Err(e) = spawned {
            crate::warning!("lazyfree thread: {e}; freeing synchronously");
        }
        tx
    })
}

/// Frees `d` in the background (synchronously if the thread is gone).
pub fn free_later(d: Dict<Entry>) {
    if d.is_empty() {
        return;
    }
    let n = d.len() as u64;
    PENDING.fetch_add(n, Relaxed);
    if let Err(back) = sender().send(d) {
        drop(back.0);
        PENDING.fetch_sub(n, Relaxed);
    }
}
