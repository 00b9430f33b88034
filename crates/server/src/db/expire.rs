//! Active expiry: the background half of TTLs.
//!
//! Lazy expiry (in `view.rs`) removes a key when it is touched; keys never touched again
//! would stay forever, so the cron walks each shard's dict with a SCAN-style cursor and
//! deletes what has expired, as Redis's `activeExpireCycle` does: it samples keys that carry
//! a TTL 20 at a time and keeps going on a shard while more than 10% of a sample was
//! expired, within a CPU budget of 25% of each cron period. Shards without TTLs are skipped
//! at no cost. Each pass holds one shard lock for a bounded number of buckets, so no
//! client waits behind a long sweep.

use collections::SmallBytes;

use super::Shard;

/// Keys with a TTL examined per sample (Redis: `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
pub const KEYS_PER_LOOP: usize = 20;

/// Result of one sampling pass over a shard.
#[derive(Debug, Default)]
pub struct Pass {
    /// Keys deleted.
    pub expired: Vec<SmallBytes>,
    /// Keys with a TTL examined.
    pub sampled: usize,
    /// Sum of the remaining TTLs of sampled keys that did not expire (ms).
    pub ttl_sum: i64,
    /// True when the walk wrapped around the whole shard.
    pub wrapped: bool,
}

/// Samples about `want` keys with a TTL from the shard's cursor and deletes the expired ones.
pub fn sample_and_expire(shard: &mut Shard, now: i64, want: usize) -> Pass {
    let mut pass = Pass::default();
    if shard.expires == 0 {
        return pass;
    }
    let mut cursor = shard.expire_cursor;
    let mut buckets = 0;
    let max_buckets = want * 20;
    loop {
        cursor = shard.dict.scan(cursor, |e| {
            if e.has_expire() {
                pass.sampled += 1;
                if now > e.expire() {
                    pass.expired.push(SmallBytes::new(&e.key));
                } else {
                    pass.ttl_sum += e.expire() - now;
                }
            }
        });
        buckets += 1;
        if cursor == 0 {
            pass.wrapped = true;
            break;
        }
        if pass.sampled >= want || buckets >= max_buckets {
            break;
        }
    }
    shard.expire_cursor = cursor;
    for k in &pass.expired {
        shard.take(k);
    }
    pass
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Entry;
    use crate::types::{StrValue, Value};

    #[test]
    fn expired_keys_are_removed_and_live_ones_kept() {
        let mut s = Shard::default();
        for i in 0..1000 {
            let expire = if i % 2 == 0 { 100 } else { 10_000 };
            s.put(Entry::new(format!("k{i}").as_bytes(), Value::Str(StrValue::Int(i)), expire, 0));
        }
        let mut total = 0;
        for _ in 0..1000 {
            let p = sample_and_expire(&mut s, 5_000, KEYS_PER_LOOP);
            total += p.expired.len();
            if s.expires == 500 {
                break;
            }
        }
        assert_eq!(total, 500);
        assert_eq!(s.dict.len(), 500);
        assert_eq!(s.expires, 500);
    }
}
