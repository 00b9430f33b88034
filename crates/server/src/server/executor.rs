//! The executor: gives a command exclusive access to the shards it needs (DESIGN.md §2).
//!
//! Today each shard is a mutex and a command runs on its connection's own thread:
//!
//! 1. the command's [`Scope`] says what it touches: its keys (found with the key specs), the
//!    whole current database, every database, or its keys in several databases;
//! 2. the `(db, shard)` pairs are sorted and deduplicated and locked in that order, which
//!    makes multi-shard commands (MSET, RENAME, DEL k1 k2 ...) atomic without deadlock;
//! 3. the handler runs with the guards in a [`Locks`], and the guards drop after the
//!    command's propagation record has been emitted, so the stream is in execution order.
//!
//! Handlers never see a lock: they get shards from `DbCtx`. Moving to thread-owned shards
//! with message passing would change this file and nothing in `commands/`.

use parking_lot::MutexGuard;
use resp::parse::Argv;

use crate::cmd::keys::for_each_key;
use crate::cmd::spec::{CommandSpec, Scope};
use crate::db::{Keyspace, Shard};

/// One held shard.
pub struct Guard<'a> {
    pub db: u32,
    pub shard: u32,
    pub g: MutexGuard<'a, Shard>,
}

/// The shards a running command holds, sorted by `(db, shard)`.
pub enum Locks<'a> {
    None,
    One(Guard<'a>),
    Many(Vec<Guard<'a>>),
}

impl<'a> Locks<'a> {
    /// Returns the held shard `(db, shard)`, if held.
    #[inline]
    pub fn get(&mut self, db: usize, shard: usize) -> Option<&mut Shard> {
        match self {
            Locks::None => None,
            Locks::One(g) => {
                (g.db as usize == db && g.shard as usize == shard).then_some(&mut *g.g)
            }
            Locks::Many(v) => {
                let i = v
                    .binary_search_by(|g| (g.db as usize, g.shard as usize).cmp(&(db, shard)))
                    .ok()?;
                Some(&mut *v[i].g)
            }
        }
    }

    /// Visits every held shard of database `db`.
    pub fn shards_of<'s>(
        &'s mut self,
        db: usize,
    ) -> impl Iterator<Item = &'s mut Shard> + use<'s, 'a> {
        let slice: &'s mut [Guard<'a>] = match self {
            Locks::None => &mut [],
            Locks::One(g) => std::slice::from_mut(g),
            Locks::Many(v) => v.as_mut_slice(),
        };
        slice.iter_mut().filter(move |g| g.db as usize == db).map(|g| &mut *g.g)
    }

    /// Visits every held guard.
    pub fn guards(&mut self) -> &mut [Guard<'a>] {
        match self {
            Locks::None => &mut [],
            Locks::One(g) => std::slice::from_mut(g),
            Locks::Many(v) => v.as_mut_slice(),
        }
    }
}

/// The shard of a command's first key, computed while locking, so that looking the key up
/// does not hash it for its slot a second time. It names the key by the address and length of
/// its argument bytes, which stay put for the whole command.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShardHint {
    ptr: usize,
    len: usize,
    shard: usize,
}

impl ShardHint {
    /// The remembered shard if `key` is the very argument the hint was made from.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<usize> {
        (self.ptr != 0 && key.as_ptr() as usize == self.ptr && key.len() == self.len)
            .then_some(self.shard)
    }
}

impl Keyspace {
    /// Locks what `spec` needs for `argv` when the client is in database `db`.
    pub fn lock_for<'a>(&'a self, spec: &CommandSpec, argv: &Argv<'_>, db: usize) -> Locks<'a> {
        self.lock_for_hinted(spec, argv, db).0
    }

    /// Like [`lock_for`](Self::lock_for), also returning the first key's shard.
    pub fn lock_for_hinted<'a>(
        &'a self,
        spec: &CommandSpec,
        argv: &Argv<'_>,
        db: usize,
    ) -> (Locks<'a>, ShardHint) {
        let mut hint = ShardHint::default();
        let locks = match spec.scope {
            Scope::None => Locks::None,
            Scope::Keys => {
                let mut first: Option<usize> = None;
                let mut many: Vec<(usize, usize)> = Vec::new();
                for_each_key(spec, argv, |i, _| {
                    let key = argv.get(i);
                    let s = self.shard_of(key);
                    match first {
                        None => {
                            first = Some(s);
                            hint =
                                ShardHint { ptr: key.as_ptr() as usize, len: key.len(), shard: s };
                        }
                        Some(f) if f == s && many.is_empty() => {}
                        Some(f) => {
                            if many.is_empty() {
                                many.push((db, f));
                            }
                            many.push((db, s));
                        }
                    }
                });
                if many.is_empty() {
                    match first {
                        None => Locks::None,
                        Some(s) => Locks::One(self.guard(db, s)),
                    }
                } else {
                    self.lock_sorted(many)
                }
            }
            Scope::Db => self.lock_sorted((0..self.shard_count()).map(|s| (db, s)).collect()),
            Scope::All => {
                let n = self.shard_count();
                self.lock_sorted(
                    (0..self.db_count()).flat_map(|d| (0..n).map(move |s| (d, s))).collect(),
                )
            }
            Scope::KeysAndDbs(_) => {
                let mut v = Vec::new();
                self.pairs_for(spec, argv, db, &mut v);
                self.lock_sorted(v)
            }
        };
        (locks, hint)
    }

    /// Appends the `(db, shard)` pairs [`lock_for`](Self::lock_for) would lock for `spec`
    /// and `argv` in database `db`: a transaction locks the union of its commands' pairs.
    pub fn pairs_for(
        &self,
        spec: &CommandSpec,
        argv: &Argv<'_>,
        db: usize,
        out: &mut Vec<(usize, usize)>,
    ) {
        let n = self.shard_count();
        match spec.scope {
            Scope::None => {}
            Scope::Keys => {
                for_each_key(spec, argv, |i, _| out.push((db, self.shard_of(argv.get(i)))))
            }
            Scope::Db => out.extend((0..n).map(|s| (db, s))),
            Scope::All => {
                out.extend((0..self.db_count()).flat_map(|d| (0..n).map(move |s| (d, s))))
            }
            Scope::KeysAndDbs(other) => {
                let target = other(argv).filter(|&d| d < self.db_count());
                for_each_key(spec, argv, |i, _| {
                    let s = self.shard_of(argv.get(i));
                    out.push((db, s));
                    if let Some(t) = target {
                        out.push((t, s));
                    }
                });
            }
        }
    }

    /// Locks the given `(db, shard)` pairs, in sorted order, each once.
    pub fn lock_pairs(&self, pairs: Vec<(usize, usize)>) -> Locks<'_> {
        self.lock_sorted(pairs)
    }

    /// Locks every shard of every database (SWAPDB, FLUSHALL, cron jobs that need a stable
    /// view).
    pub fn lock_all(&self) -> Locks<'_> {
        let n = self.shard_count();
        self.lock_sorted((0..self.db_count()).flat_map(|d| (0..n).map(move |s| (d, s))).collect())
    }

    fn guard(&self, db: usize, shard: usize) -> Guard<'_> {
        Guard { db: db as u32, shard: shard as u32, g: self.dbs[db].shards[shard].0.lock() }
    }

    fn lock_sorted(&self, mut pairs: Vec<(usize, usize)>) -> Locks<'_> {
        pairs.sort_unstable();
        pairs.dedup();
        match pairs.len() {
            0 => Locks::None,
            1 => Locks::One(self.guard(pairs[0].0, pairs[0].1)),
            _ => Locks::Many(pairs.into_iter().map(|(d, s)| self.guard(d, s)).collect()),
        }
    }
}
