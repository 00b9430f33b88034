//! Clocks. Expiry compares against Unix milliseconds; durations use the monotonic clock.

use std::time::{SystemTime, UNIX_EPOCH};

/// Current Unix time in milliseconds.
#[inline]
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Current Unix time in microseconds.
#[inline]
pub fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0)
}

/// Current Unix time in seconds.
pub fn now_secs() -> i64 {
    now_ms() / 1000
}
