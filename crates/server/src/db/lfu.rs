//! LFU access frequency, as Redis keeps it under the `allkeys-lfu` / `volatile-lfu` policies.
//!
//! The entry's 24-bit stamp (the LRU clock otherwise) then holds, as in Redis's `robj.lru`,
//! the last decrement time in minutes (16 bits, wrapping) and a logarithmic counter (8 bits):
//! a new key starts at [`INIT_VAL`]; each access first decays the counter by one per
//! `lfu-decay-time` minutes elapsed, then increments it with probability
//! `1 / ((counter - INIT_VAL) * lfu-log-factor + 1)`, so 255 stands for about a million hits
//! at the default factor of 10. OBJECT FREQ reports the decayed counter.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};

/// The counter of a new key (`LFU_INIT_VAL`).
pub const INIT_VAL: u32 = 5;

/// The LFU parameters of one command's run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lfu {
    pub log_factor: u32,
    pub decay_time: u32,
    /// Unix minutes, 16 bits.
    pub now_min: u32,
}

/// The live LFU settings, lock-free (refreshed when the config changes).
#[derive(Default)]
pub struct LfuLive {
    on: AtomicBool,
    log_factor: AtomicU32,
    decay_time: AtomicU32,
}

impl LfuLive {
    /// Stores the settings: `on` when the maxmemory policy is an LFU one.
    pub fn store(&self, on: bool, log_factor: u32, decay_time: u32) {
        self.log_factor.store(log_factor, Relaxed);
        self.decay_time.store(decay_time, Relaxed);
        self.on.store(on, Relaxed);
    }

    /// The parameters at `now_ms`, or `None` under a non-LFU policy.
    #[inline]
    pub fn get(&self, now_ms: i64) -> Option<Lfu> {
        self.on.load(Relaxed).then(|| Lfu {
            log_factor: self.log_factor.load(Relaxed),
            decay_time: self.decay_time.load(Relaxed),
            now_min: ((now_ms / 60_000) as u32) & 0xFFFF,
        })
    }
}

impl Lfu {
    /// The stamp of a new key.
    pub fn fresh(&self) -> u32 {
        (self.now_min << 8) | INIT_VAL
    }

    /// The counter of `stamp` after decay (Redis's `LFUDecrAndReturn`).
    pub fn decayed(&self, stamp: u32) -> u32 {
        let last = stamp >> 8;
        let counter = stamp & 0xFF;
        let elapsed =
            if self.now_min >= last { self.now_min - last } else { 65535 - last + self.now_min };
        let periods = elapsed.checked_div(self.decay_time).unwrap_or(0);
        counter.saturating_sub(periods)
    }

    /// The stamp after one access (Redis's `updateLFU`).
    pub fn touch(&self, stamp: u32) -> u32 {
        let counter = self.log_incr(self.decayed(stamp));
        (self.now_min << 8) | counter
    }

    /// Redis's `LFULogIncr`.
    fn log_incr(&self, counter: u32) -> u32 {
        if counter >= 255 {
            return 255;
        }
        let base = counter.saturating_sub(INIT_VAL) as f64;
        let p = 1.0 / (base * self.log_factor as f64 + 1.0);
        if random_unit() < p {
            counter + 1
        } else {
            counter
        }
    }
}

/// A uniform number in [0, 1) from a per-thread xorshift generator.
fn random_unit() -> f64 {
    thread_local! {
        static STATE: Cell<u64> = Cell::new(
            0x9E37_79B9_7F4A_7C15 ^ (crate::util::time::now_us() as u64).rotate_left(17),
        );
    }
    STATE.with(|s| {
        let mut x = s.get() | 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_grows_logarithmically_and_decays_per_period() {
        let l = Lfu { log_factor: 10, decay_time: 1, now_min: 100 };
        let mut s = l.fresh();
        assert_eq!(l.decayed(s), INIT_VAL);
        for _ in 0..100 {
            s = l.touch(s);
        }
        let c = l.decayed(s);
        // The first increments above INIT_VAL are likely, later ones rare.
        assert!((6..=12).contains(&c), "{c}");
        let later = Lfu { now_min: 103, ..l };
        assert_eq!(later.decayed(s), c - 3);
        let wrapped = Lfu { now_min: 2, ..l };
        assert_eq!(wrapped.decayed((65530 << 8) | 10), 3);
        let no_decay = Lfu { decay_time: 0, now_min: 5000, ..l };
        assert_eq!(no_decay.decayed(s), c);
    }
}
