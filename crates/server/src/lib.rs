//! ferrodis: a Redis-compatible in-memory data store.
//!
//! # Layout
//!
//! * `server/`: the process. Shared state, listener/acceptor, worker threads, cron, and the
//!   executor that hands commands their shards.
//! * `conn/`: one client connection; read → parse → dispatch → write; client state.
//! * `cmd/`: the command framework: specs, registry, the dispatch gate, key extraction,
//!   errors, argument parsing. No command semantics.
//! * `commands/`: the handlers, one module per Redis command group (`string.rs` has SET,
//!   `generic.rs` has DEL and EXPIRE, `server.rs` has INFO and CONFIG, ...). Each module
//!   declares its commands' specs in a `COMMANDS` table next to the handlers.
//! * `db/`: the keyspace (databases → shards → dict of entries), lazy and active expiry, and
//!   `DbCtx`, a command's view of its shards.
//! * `types/`: value types and their encodings.
//! * `multi/`: transactions: MULTI queueing, EXEC on the union of the queued commands'
//!   shards, WATCH tables.
//! * `blocking/`: clients blocked in BLPOP and friends: the waiter tables, their serving by
//!   writes, a blocked connection's wait.
//! * `config/`: the parameter table, redis.conf parsing, CONFIG GET/SET.
//! * `persist/`: RDB snapshots (forkless), loading, the AOF, the RDB value format.
//! * `repl/`: the propagation stream (AOF and replicas will consume it).
//! * `stats/`: counters for INFO.
//! * `util/`: glob matching, numbers, clocks, hash slots, logging.
//!
//! `docs/ARCHITECTURE.md` walks a command from socket to reply.

#![forbid(unsafe_code)]

pub mod blocking;
pub mod cmd;
pub mod commands;
pub mod config;
pub mod conn;
pub mod db;
pub mod multi;
pub mod persist;
pub mod repl;
pub mod server;
pub mod stats;
#[cfg(test)]
pub(crate) mod testkit;
pub mod types;
pub mod util;
