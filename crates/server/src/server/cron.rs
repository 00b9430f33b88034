//! Periodic jobs, `hz` times a second on their own thread (Redis's `serverCron`):
//!
//! * refresh the LRU clock;
//! * active expiry (`db/expire.rs`): per shard, sample keys with a TTL and delete expired ones
//!   while more than 10% of a sample was stale, within 25% of the cron period in total;
//!   deletions are propagated as `DEL` (`UNLINK` under lazyfree-lazy-expire) like lazy ones;
//! * close clients idle longer than `timeout`;
//! * advance incremental rehashing of big shards by up to 1 ms each;
//! * save points and scheduled BGSAVEs (`persist/save.rs`).
//!
//! The cron only ever `try_lock`s a shard: a shard busy with a client command is simply
//! visited on a later tick, so the cron never makes a client wait.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use resp::parse::OwnedArgv;

use super::Server;
use crate::db::expire::{sample_and_expire, KEYS_PER_LOOP};
use crate::util::time::now_ms;

/// Starts the cron thread.
pub fn spawn(srv: Arc<Server>) {
    std::thread::Builder::new()
        .name("cron".into())
        .spawn(move || {
            let stats = srv.stats.register();
            loop {
                let hz = srv.config.settings().hz.max(1);
                let period = Duration::from_micros(1_000_000 / hz as u64);
                let tick = Instant::now();
                srv.update_lru_clock();
                let lazy = srv.config.settings().lazyfree_lazy_expire;
                srv.keyspace.lazy_expire.store(lazy, Ordering::Relaxed);
                if srv.active_expire.load(Ordering::Relaxed) {
                    active_expire(&srv, &stats, period);
                }
                close_idle_clients(&srv);
                rehash(&srv);
                crate::persist::save::cron(&srv);
                crate::persist::aof::cron(&srv);
                srv.stats.sample_instantaneous();
                if let Some(rest) = period.checked_sub(tick.elapsed()) {
                    std::thread::sleep(rest);
                }
            }
        })
        .expect("invariant: cron thread spawns");
}

fn active_expire(srv: &Server, stats: &crate::stats::WorkerStats, period: Duration) {
    let effort = srv.config.settings().active_expire_effort.max(1) as usize;
    let want = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * (effort - 1);
    let budget = period * (25 + 2 * (effort as u32 - 1)) / 100;
    let start = Instant::now();
    let (mut sampled_total, mut expired_total) = (0usize, 0usize);
    let ks = &srv.keyspace;
    'outer: for db in 0..ks.db_count() {
        for shard in ks.dbs[db].shards.iter() {
            loop {
                // Take the shard for one bounded pass at a time, so a client never waits
                // behind more than one sample of expiry work.
                let Some(mut g) = shard.0.try_lock() else { break };
                if g.expires == 0 {
                    break;
                }
                let now = now_ms();
                let pass = sample_and_expire(&mut g, now, want);
                sampled_total += pass.sampled;
                expired_total += pass.expired.len();
                if !pass.expired.is_empty() {
                    stats.expired(pass.expired.len() as u64);
                    for k in &pass.expired {
                        let verb = ks.expire_verb();
                        srv.prop.emit_raw(db, OwnedArgv::from_slices([verb, k.as_slice()]));
                    }
                }
                if start.elapsed() > budget {
                    srv.stats.expire_cycle_time_cap.fetch_add(1, Ordering::Relaxed);
                    break 'outer;
                }
                // Stop on this shard when under 10% of the sample was stale.
                if pass.sampled == 0 || pass.expired.len() * 10 <= pass.sampled || pass.wrapped {
                    break;
                }
            }
        }
    }
    if sampled_total > 0 {
        let perc = expired_total as f64 / sampled_total as f64;
        let mut s = srv.stats.expired_stale_perc.lock();
        *s = perc * 0.05 + *s * 0.95;
    }
    srv.stats.expire_cycle_cpu_ms.fetch_add(start.elapsed().as_millis() as u64, Ordering::Relaxed);
}

fn close_idle_clients(srv: &Server) {
    let timeout = srv.config.settings().timeout as i64;
    if timeout == 0 {
        return;
    }
    let now = now_ms();
    for c in srv.clients.snapshot() {
        // As Redis, a client blocked in BLPOP and friends is not idle: its own timeout rules.
        let blocked = c.flags.load(std::sync::atomic::Ordering::Relaxed)
            & crate::conn::client::cflags::BLOCKED
            != 0;
        if !blocked && c.idle_secs(now) > timeout {
            crate::verbose!("Closing idle client");
            c.kill();
        }
    }
}

fn rehash(srv: &Server) {
    let ks = &srv.keyspace;
    for db in ks.dbs.iter() {
        for shard in db.shards.iter() {
            if let Some(mut g) = shard.0.try_lock() {
                if g.dict.is_rehashing() {
                    g.dict.rehash_for(Duration::from_millis(1));
                }
            }
        }
    }
}
