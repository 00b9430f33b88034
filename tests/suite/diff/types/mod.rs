//! Generator entries for the collection types, one file per type, so each family's traffic
//! is defined next to nothing else. [`super::generator::enabled_entries`] chains these
//! tables after the core ones.

pub mod dump;
pub mod hash;
pub mod list;
pub mod set;
pub mod zset;

use super::generator::Entry;

/// Every per-type table.
pub static TABLES: &[&[Entry]] =
    &[dump::COMMANDS, hash::COMMANDS, list::COMMANDS, set::COMMANDS, zset::COMMANDS];

/// Allowed differences for the collection commands (each type's file documents its own, and
/// `tests/ALLOWED_DIFFERENCES.md` lists them): `name` is the lower-case command name, the
/// replies already differ byte-wise.
pub fn equivalent(name: &str, argv: &[Vec<u8>], ours: &[u8], theirs: &[u8]) -> bool {
    dump::equivalent(name, argv, ours, theirs)
        || hash::equivalent(name, argv, ours, theirs)
        || list::equivalent(name, argv, ours, theirs)
        || set::equivalent(name, argv, ours, theirs)
        || zset::equivalent(name, argv, ours, theirs)
}
