//! `DbCtx`: a running command's access to the keyspace.
//!
//! It wraps the shards the executor locked for the command and applies every rule generic to
//! key access, in one place, as Redis's `lookupKey` does:
//!
//! * **lazy expiry**: a key whose TTL has passed is deleted when touched, the deletion is
//!   recorded for propagation (`DEL key`, ahead of the command's own record) and counted in
//!   `expired_keys`;
//! * **hits and misses**: read lookups count `keyspace_hits` / `keyspace_misses`;
//! * **LRU**: lookups refresh the entry's LRU clock unless the client set CLIENT NO-TOUCH or
//!   the command asked not to;
//! * **type checks**: typed getters return `WRONGTYPE`.
//!
//! It also carries the command's [`Effects`]: the dirty counter and the propagation records.

use collections::SmallBytes;
use resp::parse::OwnedArgv;

use super::{Entry, Keyspace, Shard, NO_EXPIRE};
use crate::cmd::error::CmdError;
use crate::server::executor::Locks;
use crate::stats::WorkerStats;
use crate::types::{StrValue, Value};

/// How a lookup treats the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A read: counts hits/misses and refreshes the LRU clock.
    Read,
    /// A write: refreshes the LRU clock, no hit/miss accounting.
    Write,
    /// Neither stats nor LRU (EXISTS-like probes, TYPE, OBJECT).
    Peek,
}

/// What a command did that must be applied after it: propagation and dirtiness.
#[derive(Default, Debug)]
pub struct Effects {
    /// Number of changes (Redis's `server.dirty` delta).
    pub dirty: u64,
    /// Records to emit before the command's own (deletions of keys found expired).
    pub pre: Vec<(usize, OwnedArgv)>,
    /// If set, what to propagate instead of the command as received.
    pub rewrite: Option<Vec<(usize, OwnedArgv)>>,
    /// Number of keys removed by lazy expiry during the command.
    pub expired: u64,
}

impl Effects {
    /// Replaces verbatim propagation with `argv` (may be called several times).
    pub fn propagate_as<I, A>(&mut self, db: usize, argv: I)
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>,
    {
        self.rewrite.get_or_insert_with(Vec::new).push((db, OwnedArgv::from_slices(argv)));
    }

    /// Propagates nothing for this command even if it changed data.
    pub fn propagate_nothing(&mut self) {
        self.rewrite.get_or_insert_with(Vec::new);
    }
}

/// A command's view of the keyspace. See the module docs.
pub struct DbCtx<'a> {
    pub locks: Locks<'a>,
    /// The client's selected database.
    pub index: usize,
    /// The command's clock (Unix ms), fixed for its whole run as Redis fixes it.
    pub now: i64,
    pub fx: Effects,
    pub ks: &'a Keyspace,
    pub stats: &'a WorkerStats,
    /// The LRU clock to stamp on touched entries.
    pub lru: u32,
    /// CLIENT NO-TOUCH is on for this client.
    pub no_touch: bool,
}

impl<'a> DbCtx<'a> {
    /// Returns the locked shard holding `key` in database `db`.
    pub fn shard_in(&mut self, db: usize, key: &[u8]) -> Result<&mut Shard, CmdError> {
        let s = self.ks.shard_of(key);
        self.locks.get(db, s).ok_or_else(|| {
            CmdError::msg("ERR internal error: key outside the command's locked shards")
        })
    }

    /// Looks `key` up in database `db`, expiring it first if its TTL has passed.
    pub fn lookup_in(
        &mut self,
        db: usize,
        key: &[u8],
        mode: Lookup,
    ) -> Result<Option<&mut Entry>, CmdError> {
        let now = self.now;
        let lru = self.lru;
        let touch = mode != Lookup::Peek && !self.no_touch;
        let ks = self.ks;
        let s = ks.shard_of(key);
        let Some(shard) = self.locks.get(db, s) else {
            return Err(CmdError::msg(
                "ERR internal error: key outside the command's locked shards",
            ));
        };
        let res = shard.dict.get_mut_unless(key, |e| e.is_expired(now));
        match res {
            Ok(Some(e)) => {
                if touch {
                    e.lru = lru;
                }
                if mode == Lookup::Read {
                    self.stats.hit();
                }
                Ok(Some(e))
            }
            Ok(None) => {
                if mode == Lookup::Read {
                    self.stats.miss();
                }
                Ok(None)
            }
            Err(expired) => {
                if expired.expire != NO_EXPIRE {
                    shard.expires -= 1;
                }
                self.fx.pre.push((db, OwnedArgv::from_slices([&b"DEL"[..], key])));
                self.fx.expired += 1;
                self.stats.expired(1);
                if mode == Lookup::Read {
                    self.stats.miss();
                }
                Ok(None)
            }
        }
    }

    /// Looks `key` up in the current database.
    #[inline]
    pub fn lookup(&mut self, key: &[u8], mode: Lookup) -> Result<Option<&mut Entry>, CmdError> {
        self.lookup_in(self.index, key, mode)
    }

    /// Reads a string value; `WRONGTYPE` for other types.
    pub fn get_str(&mut self, key: &[u8]) -> Result<Option<&mut StrValue>, CmdError> {
        match self.lookup(key, Lookup::Read)? {
            None => Ok(None),
            Some(Entry { val: Value::Str(s), .. }) => Ok(Some(s)),
            #[allow(unreachable_patterns)]
            Some(_) => Err(CmdError::WrongType),
        }
    }

    /// Looks a string up for modification; `WRONGTYPE` for other types.
    pub fn get_str_mut(&mut self, key: &[u8]) -> Result<Option<&mut Entry>, CmdError> {
        match self.lookup(key, Lookup::Write)? {
            None => Ok(None),
            Some(e) => match e.val {
                Value::Str(_) => Ok(Some(e)),
                #[allow(unreachable_patterns)]
                _ => Err(CmdError::WrongType),
            },
        }
    }

    /// True if `key` exists (and is not expired) in the current database.
    pub fn exists(&mut self, key: &[u8]) -> Result<bool, CmdError> {
        Ok(self.lookup(key, Lookup::Peek)?.is_some())
    }

    /// Stores `val` under `key` in database `db`, replacing any value. The TTL is kept when
    /// `keep_ttl`, otherwise replaced by `expire` ([`NO_EXPIRE`] for none).
    pub fn set_in(
        &mut self,
        db: usize,
        key: &[u8],
        val: Value,
        expire: i64,
        keep_ttl: bool,
    ) -> Result<(), CmdError> {
        let lru = self.lru;
        let shard = self.shard_in(db, key)?;
        if let Some(e) = shard.dict.get_mut(key) {
            e.val = val;
            e.lru = lru;
            if !keep_ttl && e.expire != expire {
                let before = e.expire != NO_EXPIRE;
                e.expire = expire;
                match (before, expire != NO_EXPIRE) {
                    (true, false) => shard.expires -= 1,
                    (false, true) => shard.expires += 1,
                    _ => {}
                }
            }
        } else {
            if expire != NO_EXPIRE {
                shard.expires += 1;
            }
            shard.dict.insert_new(Entry { key: SmallBytes::new(key), val, expire, lru });
        }
        Ok(())
    }

    /// Stores `val` under `key` in the current database (see [`set_in`](Self::set_in)).
    #[inline]
    pub fn set(
        &mut self,
        key: &[u8],
        val: Value,
        expire: i64,
        keep_ttl: bool,
    ) -> Result<(), CmdError> {
        self.set_in(self.index, key, val, expire, keep_ttl)
    }

    /// Deletes `key` from database `db`; returns the removed entry. An expired key counts as
    /// absent (its lazy deletion is still propagated).
    pub fn delete_in(&mut self, db: usize, key: &[u8]) -> Result<Option<Entry>, CmdError> {
        if self.lookup_in(db, key, Lookup::Peek)?.is_none() {
            return Ok(None);
        }
        Ok(self.shard_in(db, key)?.take(key))
    }

    /// Deletes `key` from the current database.
    #[inline]
    pub fn delete(&mut self, key: &[u8]) -> Result<Option<Entry>, CmdError> {
        self.delete_in(self.index, key)
    }

    /// Sets the absolute expiry of an existing key (NO_EXPIRE to persist). Returns false if
    /// the key does not exist.
    pub fn set_expire_in(&mut self, db: usize, key: &[u8], at: i64) -> Result<bool, CmdError> {
        if self.lookup_in(db, key, Lookup::Peek)?.is_none() {
            return Ok(false);
        }
        Ok(self.shard_in(db, key)?.set_expire(key, at))
    }

    /// Sets the expiry of an existing key in the current database.
    #[inline]
    pub fn set_expire(&mut self, key: &[u8], at: i64) -> Result<bool, CmdError> {
        self.set_expire_in(self.index, key, at)
    }

    /// Visits every locked shard of the current database (Db-scoped commands).
    pub fn shards<'s>(&'s mut self) -> impl Iterator<Item = &'s mut Shard> + use<'s, 'a> {
        let db = self.index;
        self.locks.shards_of(db)
    }

    /// Marks `n` changes.
    #[inline]
    pub fn dirty(&mut self, n: u64) {
        self.fx.dirty += n;
    }
}
