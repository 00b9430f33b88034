//! Loading an RDB stream into the keyspace: at startup, by DEBUG RELOAD, and for the RDB
//! preamble of an AOF base file.
//!
//! Keys whose TTL has passed are skipped (counted in `rdb_last_load_keys_expired`), as a
//! master does. A key that appears twice is an error, as in Redis 7 ("duplicated key").
//! Every failure names the file and the byte offset where the bad item starts.

use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;

use super::debug_delay;
use super::rdb::decode::{Item, Reader};
use super::rdb::KeyMeta;
use crate::db::Entry;
use crate::server::executor::Locks;
use crate::server::Server;
use crate::types::Value;
use crate::util::time::now_ms;
use crate::{notice, warning};

/// What a load read.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadStats {
    pub loaded: u64,
    pub expired: u64,
}

/// One key read from a file.
pub struct LoadedKey {
    pub key: Vec<u8>,
    pub val: Value,
    pub expire_ms: i64,
    pub meta: KeyMeta,
}

/// Inserts one loaded key into database `db`. Returns false if it was skipped as expired.
/// Fails on a duplicate key, unless `merge` (DEBUG RELOAD MERGE, Redis's
/// `RDBFLAGS_ALLOW_DUP`): then the loaded key replaces the present one.
pub fn insert_entry(
    srv: &Server,
    db: usize,
    k: LoadedKey,
    now: i64,
    held: Option<&mut Locks<'_>>,
    merge: bool,
) -> Result<bool, String> {
    let LoadedKey { key, val, expire_ms, meta } = k;
    if expire_ms != crate::db::NO_EXPIRE && expire_ms < now {
        return Ok(false);
    }
    let lru = match meta {
        KeyMeta::Idle(idle) => {
            srv.lru_clock().wrapping_sub(idle.min((1 << 24) - 1) as u32) & ((1 << 24) - 1)
        }
        KeyMeta::Freq(counter) => match srv.config.lfu.get(now) {
            Some(l) => (l.fresh() & !0xFF) | counter as u32,
            None => srv.lru_clock(),
        },
        KeyMeta::None => match srv.config.lfu.get(now) {
            Some(l) => l.fresh(),
            None => srv.lru_clock(),
        },
    };
    let ks = &srv.keyspace;
    let si = ks.shard_of(&key);
    let entry = Entry::new(&key, val, expire_ms, lru);
    let dup = match held {
        Some(locks) => {
            let Some(shard) = locks.get(db, si) else {
                return Err("internal error: shard not held".into());
            };
            put_new(shard, entry, merge)
        }
        None => put_new(&mut ks.dbs[db].shards[si].0.lock(), entry, merge),
    };
    if dup {
        return Err(format!(
            "RDB has duplicated key '{}' in DB {db}",
            String::from_utf8_lossy(&key)
        ));
    }
    Ok(true)
}

/// Inserts unless present (or replaces it when `merge`); true if the key was a duplicate
/// that was not replaced.
fn put_new(shard: &mut crate::db::Shard, e: Entry, merge: bool) -> bool {
    if shard.dict.get(&e.key).is_some() {
        if merge {
            shard.put(e);
            return false;
        }
        return true;
    }
    shard.insert_new(e);
    false
}

/// Loads an RDB stream (`name` is for messages). Keys go into the databases the stream
/// selects. Aux fields are logged as Redis logs them.
pub fn load_stream<R: Read>(
    srv: &Server,
    r: R,
    name: &str,
    mut held: Option<&mut Locks<'_>>,
    merge: bool,
) -> Result<LoadStats, String> {
    let limits = srv.config.enc.get();
    let check = srv.config.settings().rdbchecksum;
    let delay = srv.config.settings().key_load_delay;
    let fail = |offset: u64, msg: &str| format!("Error loading {name} at offset {offset}: {msg}");
    let mut rd = Reader::new(BufReader::with_capacity(1 << 20, r), limits, check)
        .map_err(|e| fail(e.offset, &e.msg))?;
    let dbs = srv.keyspace.db_count();
    let now = now_ms();
    let mut db = 0usize;
    let mut stats = LoadStats::default();
    loop {
        let at = rd.offset();
        match rd.next_item().map_err(|e| fail(e.offset, &e.msg))? {
            Item::Eof => break,
            Item::SelectDb(n) => {
                if n >= dbs {
                    return Err(fail(
                        at,
                        &format!(
                            "FATAL: Data file was created with a Redis server configured to handle more than {dbs} databases. Exiting"
                        ),
                    ));
                }
                db = n;
            }
            Item::ResizeDb { .. } | Item::Function(_) => {}
            Item::Aux(k, v) => log_aux(srv, &k, &v),
            Item::Entry { key, val, expire_ms, meta } => {
                debug_delay(delay);
                if stats.loaded % 1024 == 0 || delay != 0 {
                    srv.persist.rdb.loading_loaded.store(rd.offset(), Relaxed);
                }
                let k = LoadedKey { key, val, expire_ms, meta };
                let into = held.as_deref_mut();
                if insert_entry(srv, db, k, now, into, merge).map_err(|m| fail(at, &m))? {
                    stats.loaded += 1;
                } else {
                    stats.expired += 1;
                }
            }
        }
    }
    Ok(stats)
}

fn log_aux(srv: &Server, k: &[u8], v: &[u8]) {
    let v = String::from_utf8_lossy(v);
    match k {
        b"redis-ver" => notice!("Loading RDB produced by version {v}"),
        b"ctime" => {
            if let Ok(t) = v.parse::<i64>() {
                notice!("RDB age {} seconds", (now_ms() / 1000 - t).max(0));
            }
        }
        b"used-mem" => {
            if let Ok(m) = v.parse::<u64>() {
                srv.persist.rdb.loading_used_mem.store(m, Relaxed);
                notice!("RDB memory usage when created {:.2} Mb", m as f64 / (1024.0 * 1024.0));
            }
        }
        _ => {}
    }
}

/// Loads the RDB file at `path` if it exists. `Ok(None)`: there is no file.
pub fn load_file(
    srv: &Server,
    path: &Path,
    held: Option<&mut Locks<'_>>,
    merge: bool,
) -> Result<Option<LoadStats>, String> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "Fatal error loading the DB ({}): {}. Exiting.",
                path.display(),
                crate::config::os_error_text(&e)
            ))
        }
    };
    let r = &srv.persist.rdb;
    r.loading_total.store(f.metadata().map(|m| m.len()).unwrap_or(0), Relaxed);
    r.loading_loaded.store(0, Relaxed);
    let st = load_stream(srv, f, &path.display().to_string(), held, merge)?;
    r.last_load_keys_loaded.store(st.loaded, Relaxed);
    r.last_load_keys_expired.store(st.expired, Relaxed);
    notice!("Done loading RDB, keys loaded: {}, keys expired: {}.", st.loaded, st.expired);
    Ok(Some(st))
}

/// Startup: the AOF if `appendonly yes`, else the RDB file. Runs with `loading` set, so
/// clients that connect meanwhile get `-LOADING`. Returns an error message on failure (the
/// caller exits).
pub fn load_at_startup(srv: &std::sync::Arc<Server>) -> Result<(), String> {
    let r = &srv.persist.rdb;
    r.loading_start.store(now_ms() / 1000, Relaxed);
    let t0 = std::time::Instant::now();
    let res = match super::aof::load_at_startup(srv) {
        Ok(true) => Ok(()),
        Ok(false) => load_file(srv, &super::save::rdb_path(srv), None, false).map(|_| ()),
        Err(e) => Err(e),
    };
    match &res {
        Ok(()) => notice!("DB loaded from disk: {:.3} seconds", t0.elapsed().as_secs_f64()),
        Err(e) => warning!("{e}"),
    }
    res
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE], run with every shard held: save, empty every
/// database, load the file back (with MERGE, loaded keys replace present ones).
pub fn debug_reload(
    srv: &Server,
    locks: &mut Locks<'_>,
    save: bool,
    flush: bool,
    merge: bool,
) -> Result<(), String> {
    let path = super::save::rdb_path(srv);
    if save {
        if srv.persist.snapshot.running().is_some() {
            return Err("ERR Background save already in progress".into());
        }
        srv.persist.rdb.dirty_at_start.store(srv.dirty.load(Relaxed), Relaxed);
        super::snapshot::save_held(srv, locks, &path).map_err(|e| {
            warning!("{e}");
            "ERR Error trying to save the DB".to_string()
        })?;
    }
    if flush {
        for g in locks.guards() {
            g.g.clear();
        }
    }
    match load_file(srv, &path, Some(locks), merge) {
        Ok(_) => {
            notice!("DB reloaded by DEBUG RELOAD");
            Ok(())
        }
        Err(e) => {
            warning!("{e}");
            Err("ERR Error trying to load the RDB dump, check server logs.".into())
        }
    }
}
