//! TEMPORARY: the list and sorted set APIs this module calls, until the list and zset
//! families land (`types/list.rs`: `End`, `List::new/push/pop`; `types/zset.rs`:
//! `ZSet::pop`). Deleted by the merge that brings the real ones.

use crate::config::encoding::Limits;
use crate::types::{List, ZSet};

/// Which end of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

impl List {
    pub fn new() -> Self {
        List::default()
    }
    pub fn push(&mut self, _end: End, _v: &[u8], _lim: &Limits) {}
    pub fn pop(&mut self, _end: End, _lim: &Limits) -> Option<Vec<u8>> {
        None
    }
}

impl ZSet {
    pub fn pop(&mut self, _max: bool, _count: usize) -> Vec<(Vec<u8>, f64)> {
        Vec::new()
    }
}
