//! Random traffic for the set commands (placeholder until the family lands).

use crate::diff::generator::Entry;

/// The set commands the generator knows.
pub static COMMANDS: &[Entry] = &[];

/// This family's allowed differences (see `tests/ALLOWED_DIFFERENCES.md`); none yet.
pub fn equivalent(_name: &str, _argv: &[Vec<u8>], _ours: &[u8], _theirs: &[u8]) -> bool {
    false
}
