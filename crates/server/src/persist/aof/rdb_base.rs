//! The RDB side of the AOF: reading an RDB base (or the RDB preamble of an old single-file
//! AOF) into the keyspace, and checking one (ferrodis-check-aof).
//!
//! Entries go in through `persist::load::insert_entry` (duplicate keys are an error, keys
//! already expired are skipped). The reader's offset tells where an old-style AOF's command
//! tail starts.

use std::fs::File;
use std::io::BufReader;
use std::sync::Arc;

use crate::persist::load::{insert_entry, LoadedKey};
use crate::persist::rdb::decode::{Item, Reader};
use crate::server::Server;

/// Loads the RDB at the start of `f` into the keyspace; returns the offset where it ends
/// (an old-style AOF continues with commands there). Errors: (offset, message).
pub fn load(srv: &Arc<Server>, f: &mut File) -> Result<u64, (u64, String)> {
    let mut rd = BufReader::with_capacity(64 * 1024, &mut *f);
    let limits = srv.config.enc.get();
    let mut reader = Reader::new(&mut rd, limits, true).map_err(|e| (e.offset, e.msg))?;
    let mut db = 0usize;
    let now = crate::util::time::now_ms();
    loop {
        let at = reader.offset();
        match reader.next_item().map_err(|e| (e.offset, e.msg))? {
            Item::SelectDb(d) => {
                if d >= srv.keyspace.db_count() {
                    return Err((
                        reader.offset(),
                        format!("FATAL: Data file was created with a Redis server configured to handle more than {} databases. Exiting\n", srv.keyspace.db_count()),
                    ));
                }
                db = d;
            }
            Item::Entry { key, val, expire_ms, meta } => {
                let k = LoadedKey { key, val, expire_ms, meta };
                insert_entry(srv, db, k, now, None, false).map_err(|m| (at, m))?;
            }
            Item::Eof => break,
            Item::Aux(..) | Item::ResizeDb { .. } | Item::Function(_) => {}
        }
    }
    Ok(reader.offset())
}

/// Validates the RDB at the start of `f` without loading it (ferrodis-check-aof); returns
/// the offset where it ends.
pub fn check(f: &mut File) -> Result<u64, (u64, String)> {
    let mut rd = BufReader::with_capacity(64 * 1024, &mut *f);
    let limits = crate::config::encoding::Limits::default();
    let mut reader = Reader::new(&mut rd, limits, true).map_err(|e| (e.offset, e.msg))?;
    while !matches!(reader.next_item().map_err(|e| (e.offset, e.msg))?, Item::Eof) {}
    Ok(reader.offset())
}
