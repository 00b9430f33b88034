//! Keyspace statistics for INFO keyspace and friends: per-database key and TTL counts and an
//! average remaining TTL, gathered by locking one shard at a time, briefly.

use super::{Keyspace, Shard};
use crate::util::time::now_ms;

/// Buckets walked per shard to estimate the average TTL.
const TTL_SAMPLE_BUCKETS: usize = 64;

/// The numbers INFO keyspace prints for one database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DbStats {
    pub keys: usize,
    pub expires: usize,
    /// Average remaining TTL in ms of keys with a TTL (an estimate from a sample), 0 if none.
    pub avg_ttl: i64,
}

/// Sums the remaining TTLs of up to [`TTL_SAMPLE_BUCKETS`] buckets of a shard: `(sum, n)`.
fn sample_ttls(shard: &Shard, now: i64) -> (i64, i64) {
    let (mut sum, mut n) = (0i64, 0i64);
    if shard.expires == 0 {
        return (0, 0);
    }
    let mut cursor = 0;
    for _ in 0..TTL_SAMPLE_BUCKETS {
        cursor = shard.dict.scan(cursor, |e| {
            if e.has_expire() && e.expire() >= now {
                sum = sum.saturating_add(e.expire() - now);
                n += 1;
            }
        });
        if cursor == 0 {
            break;
        }
    }
    (sum, n)
}

/// Statistics of database `db`.
pub fn db_stats(ks: &Keyspace, db: usize) -> DbStats {
    let now = now_ms();
    let mut st = DbStats::default();
    let (mut sum, mut n) = (0i64, 0i64);
    for shard in ks.dbs[db].shards.iter() {
        let g = shard.0.lock();
        st.keys += g.dict.len();
        st.expires += g.expires;
        let (s, c) = sample_ttls(&g, now);
        sum = sum.saturating_add(s);
        n += c;
    }
    if n > 0 {
        st.avg_ttl = sum / n;
    }
    st
}

/// Statistics of every database, by index.
pub fn all_db_stats(ks: &Keyspace) -> Vec<DbStats> {
    (0..ks.db_count()).map(|d| db_stats(ks, d)).collect()
}

/// Total number of keys in every database.
pub fn total_keys(ks: &Keyspace) -> usize {
    ks.dbs.iter().flat_map(|d| d.shards.iter()).map(|s| s.0.lock().dict.len()).sum()
}
