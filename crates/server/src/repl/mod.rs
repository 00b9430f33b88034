//! Replication-side plumbing. Today: the propagation stream every write feeds (DESIGN.md §4).
//! Later: the backlog, PSYNC, and the replica link.

pub mod propagate;
