//! The sorted set type and its two encodings, with Redis's conversion points.
//!
//! * `listpack`: member, score, member, score, ... in one [`Listpack`], sorted by score then
//!   member as Redis's `zzlInsert` keeps it; the score is stored as its `%.17g` text (which the
//!   listpack turns into an integer entry when it is one), as `zzlInsertAt` does.
//! * `skiplist`: a [`ScoredSet`] (an order-statistic tree of chunks plus a member dict; see
//!   `collections::scored` for why it is not a literal skiplist). OBJECT ENCODING still says
//!   `skiplist`, the name clients and tests know.
//!
//! Conversions follow Redis 7.0: adding a member converts to `skiplist` when the listpack
//! would exceed `zset-max-listpack-entries` or the member is longer than
//! `zset-max-listpack-value`; deleting never converts back; results of ZUNIONSTORE and
//! friends are built whole and stored as a listpack when they fit ([`ZSet::from_pairs`], Redis's
//! `zsetConvertToListpackIfNeeded`). Both encodings iterate in the same order, so replies do
//! not depend on the encoding.

use std::borrow::Cow;
use std::cmp::Ordering;

use collections::listpack::{Listpack, LpValue, Pos};
use collections::scored::{cmp_entry, ScoredSet};
use resp::reply::format_double;

use crate::config::encoding::Limits;
use crate::util::digest::{mix_digest, xor_digest};

/// A sorted set value.
#[derive(Clone, Debug)]
pub struct ZSet {
    enc: Enc,
}

#[derive(Clone, Debug)]
enum Enc {
    Listpack(Listpack),
    Skiplist(ScoredSet),
}

impl Default for ZSet {
    fn default() -> Self {
        Self::new()
    }
}

/// A listpack score entry as a double (Redis's `zzlGetScore`).
fn lp_score(v: LpValue<'_>) -> f64 {
    match v {
        LpValue::Int(i) => i as f64,
        LpValue::Str(s) => std::str::from_utf8(s).ok().and_then(|t| t.parse().ok()).unwrap_or(0.0),
    }
}

/// A score as a listpack stores it (Redis's `d2string`): integral values in the exact
/// integer range as integers (so `-0` becomes `0`, as in Redis), others as `%.17g`.
fn lp_score_text(score: f64) -> String {
    if score == 0.0 {
        "0".into()
    } else {
        format_double(score)
    }
}

/// An owned-or-borrowed member, as iteration yields it.
pub type Member<'a> = Cow<'a, [u8]>;

fn lp_member(v: LpValue<'_>) -> Member<'_> {
    match v {
        LpValue::Str(s) => Cow::Borrowed(s),
        v => Cow::Owned(v.to_vec()),
    }
}

impl ZSet {
    /// An empty sorted set in the listpack encoding (what ZADD creates).
    pub fn new() -> Self {
        ZSet { enc: Enc::Listpack(Listpack::new()) }
    }

    /// An empty set in the encoding Redis 7.0's ZADD picks for a new key: `skiplist` if
    /// listpacks are disabled or the first member is already too long.
    pub fn for_first_member(first_len: usize, l: &Limits) -> Self {
        if l.zset_max_listpack_entries == 0 || first_len as u64 > l.zset_max_listpack_value {
            ZSet { enc: Enc::Skiplist(ScoredSet::new()) }
        } else {
            Self::new()
        }
    }

    /// Builds a set from distinct members (any order), in the encoding Redis stores a
    /// computed result in: listpack when it fits the limits.
    pub fn from_pairs(mut pairs: Vec<(Vec<u8>, f64)>, l: &Limits) -> Self {
        let maxlen = pairs.iter().map(|p| p.0.len()).max().unwrap_or(0);
        if pairs.len() as u64 <= l.zset_max_listpack_entries
            && maxlen as u64 <= l.zset_max_listpack_value
        {
            pairs.sort_by(|a, b| cmp_entry(a.1, &a.0, b.1, &b.0));
            let mut lp = Listpack::new();
            for (m, s) in &pairs {
                lp.push_back(m);
                lp.push_back(lp_score_text(*s).as_bytes());
            }
            ZSet { enc: Enc::Listpack(lp) }
        } else {
            let mut s = ScoredSet::new();
            for (m, sc) in &pairs {
                s.insert(m, *sc);
            }
            ZSet { enc: Enc::Skiplist(s) }
        }
    }

    /// A set held in `lp` as is (RDB loading; the caller validated the pairs and order).
    pub fn from_listpack(lp: Listpack) -> Self {
        ZSet { enc: Enc::Listpack(lp) }
    }

    /// The listpack of a listpack-encoded set (what RDB writes as is).
    pub fn as_listpack(&self) -> Option<&Listpack> {
        match &self.enc {
            Enc::Listpack(lp) => Some(lp),
            Enc::Skiplist(_) => None,
        }
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self.enc {
            Enc::Listpack(_) => "listpack",
            Enc::Skiplist(_) => "skiplist",
        }
    }

    /// Approximate heap bytes owned by the value.
    pub fn heap_size(&self) -> usize {
        match &self.enc {
            Enc::Listpack(lp) => lp.heap_size(),
            Enc::Skiplist(s) => s.heap_size(),
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Listpack(lp) => lp.len() / 2,
            Enc::Skiplist(s) => s.len(),
        }
    }

    /// True when empty (an empty collection is never stored under a key).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Position of `member` in a listpack (its member entry) and its score.
    fn lp_find(lp: &Listpack, member: &[u8]) -> Option<(Pos, f64)> {
        let p = lp.find(lp.first()?, member, 1)?;
        let sp = lp.next(p)?;
        Some((p, lp_score(lp.get(sp))))
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.enc {
            Enc::Listpack(lp) => Self::lp_find(lp, member).map(|x| x.1),
            Enc::Skiplist(s) => s.score(member),
        }
    }

    /// 0-based ascending rank of `member`, and its score.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        match &self.enc {
            Enc::Listpack(lp) => {
                let mut p = lp.first();
                let mut r = 0;
                while let Some(mp) = p {
                    let sp = lp.next(mp)?;
                    if lp.get(mp).eq_bytes(member) {
                        return Some((r, lp_score(lp.get(sp))));
                    }
                    r += 1;
                    p = lp.next(sp);
                }
                None
            }
            Enc::Skiplist(s) => {
                let sc = s.score(member)?;
                Some((s.rank(member)?, sc))
            }
        }
    }

    /// Converts a listpack to the skiplist encoding (SORT does this, as Redis does).
    pub fn convert_to_skiplist(&mut self) {
        if let Enc::Listpack(lp) = &self.enc {
            let mut s = ScoredSet::new();
            for (m, sc) in Self::lp_pairs(lp, 0) {
                s.insert(&m, sc);
            }
            self.enc = Enc::Skiplist(s);
        }
    }

    /// Pairs of a listpack from rank `start`, ascending.
    fn lp_pairs(lp: &Listpack, start: usize) -> impl Iterator<Item = (Member<'_>, f64)> + '_ {
        let mut p = lp.seek(2 * start as i64);
        std::iter::from_fn(move || {
            let mp = p?;
            let sp = lp.next(mp)?;
            p = lp.next(sp);
            Some((lp_member(lp.get(mp)), lp_score(lp.get(sp))))
        })
    }

    /// Pairs of a listpack from ascending rank `start` downwards.
    fn lp_pairs_rev(lp: &Listpack, start: usize) -> impl Iterator<Item = (Member<'_>, f64)> + '_ {
        let mut p = if start < lp.len() / 2 { lp.seek(2 * start as i64) } else { None };
        std::iter::from_fn(move || {
            let mp = p?;
            let sp = lp.next(mp)?;
            p = lp.prev(mp).and_then(|q| lp.prev(q));
            Some((lp_member(lp.get(mp)), lp_score(lp.get(sp))))
        })
    }

    /// Inserts a (member, score) pair known to be absent into a listpack, in order.
    fn lp_insert(lp: &mut Listpack, member: &[u8], score: f64) {
        let mut p = lp.first();
        let mut at = lp.end();
        while let Some(mp) = p {
            let Some(sp) = lp.next(mp) else { break };
            let s = lp_score(lp.get(sp));
            let after = s > score
                || (s == score && lp.get(mp).with_bytes(|m| m.cmp(member)) == Ordering::Greater);
            if after {
                at = mp;
                break;
            }
            p = lp.next(sp);
        }
        let mp = lp.insert_at(at, member);
        let sp = lp.next(mp).unwrap_or(lp.end());
        lp.insert_at(sp, lp_score_text(score).as_bytes());
    }

    /// Sets `member`'s score, adding it if absent (converting to `skiplist` first when the
    /// listpack would outgrow `l`); returns the previous score.
    pub fn insert(&mut self, member: &[u8], score: f64, l: &Limits) -> Option<f64> {
        if let Enc::Listpack(lp) = &mut self.enc {
            if let Some((p, old)) = Self::lp_find(lp, member) {
                if old != score {
                    lp.delete_range(p, 2);
                    Self::lp_insert(lp, member, score);
                }
                return Some(old);
            }
            if (lp.len() / 2 + 1) as u64 > l.zset_max_listpack_entries
                || member.len() as u64 > l.zset_max_listpack_value
            {
                self.convert_to_skiplist();
            } else {
                Self::lp_insert(lp, member, score);
                return None;
            }
        }
        match &mut self.enc {
            Enc::Skiplist(s) => s.insert(member, score),
            Enc::Listpack(_) => None,
        }
    }

    /// Removes `member`; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match &mut self.enc {
            Enc::Listpack(lp) => {
                let (p, old) = Self::lp_find(lp, member)?;
                lp.delete_range(p, 2);
                Some(old)
            }
            Enc::Skiplist(s) => s.remove(member),
        }
    }

    /// Removes ascending ranks `start..end`; returns how many went.
    pub fn remove_rank_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        match &mut self.enc {
            Enc::Listpack(lp) => {
                if let Some(p) = lp.seek(2 * start as i64) {
                    lp.delete_range(p, 2 * (end - start));
                }
                end - start
            }
            Enc::Skiplist(s) => s.remove_rank_range(start, end),
        }
    }

    /// Number of elements for which `before(score, member)` holds; `before` holds for a
    /// prefix of the order (a lower bound test such as "score < min").
    pub fn count_before(&self, mut before: impl FnMut(f64, &[u8]) -> bool) -> usize {
        match &self.enc {
            Enc::Listpack(lp) => Self::lp_pairs(lp, 0).take_while(|(m, s)| before(*s, m)).count(),
            Enc::Skiplist(s) => s.count_before(before),
        }
    }

    /// Number of elements at the high end for which `after(score, member)` holds; `after`
    /// holds for a suffix of the order (an upper bound test such as "score > max").
    pub fn count_after(&self, mut after: impl FnMut(f64, &[u8]) -> bool) -> usize {
        match &self.enc {
            Enc::Listpack(lp) => Self::lp_pairs_rev(lp, self.len().wrapping_sub(1))
                .take_while(|(m, s)| after(*s, m))
                .count(),
            Enc::Skiplist(s) => s.len() - s.count_before(|sc, m| !after(sc, m)),
        }
    }

    /// Number of elements from ascending rank `start` on before the first for which
    /// `after(score, member)` holds: a listpack walks forward as Redis's `zzl*` range
    /// functions do; a skiplist uses the order (the same answer when `after` is monotone).
    pub fn count_from(&self, start: usize, mut after: impl FnMut(f64, &[u8]) -> bool) -> usize {
        match &self.enc {
            Enc::Listpack(lp) => {
                Self::lp_pairs(lp, start).take_while(|(m, s)| !after(*s, m)).count()
            }
            Enc::Skiplist(s) => s.count_before(|sc, m| !after(sc, m)).saturating_sub(start),
        }
    }

    /// Elements from ascending rank `start` upwards.
    pub fn iter_from(&self, start: usize) -> Box<dyn Iterator<Item = (Member<'_>, f64)> + '_> {
        match &self.enc {
            Enc::Listpack(lp) => Box::new(Self::lp_pairs(lp, start)),
            Enc::Skiplist(s) => Box::new(s.iter_from(start).map(|(m, sc)| (Cow::Borrowed(m), sc))),
        }
    }

    /// Elements from ascending rank `start` downwards.
    pub fn iter_rev_from(&self, start: usize) -> Box<dyn Iterator<Item = (Member<'_>, f64)> + '_> {
        match &self.enc {
            Enc::Listpack(lp) => Box::new(Self::lp_pairs_rev(lp, start)),
            Enc::Skiplist(s) => {
                Box::new(s.iter_rev_from(start).map(|(m, sc)| (Cow::Borrowed(m), sc)))
            }
        }
    }

    /// Every element in rank order (member bytes, score).
    pub fn iter(&self) -> Box<dyn Iterator<Item = (Member<'_>, f64)> + '_> {
        self.iter_from(0)
    }

    /// The element at ascending rank `r`.
    pub fn get_by_rank(&self, r: usize) -> Option<(Member<'_>, f64)> {
        match &self.enc {
            Enc::Listpack(lp) => Self::lp_pairs(lp, r).next(),
            Enc::Skiplist(s) => s.get_by_rank(r).map(|(m, sc)| (Cow::Borrowed(m), sc)),
        }
    }

    /// Removes and returns up to `count` elements from the low end (or the high end when
    /// `max`), in the order popped.
    pub fn pop(&mut self, max: bool, count: usize) -> Vec<(Vec<u8>, f64)> {
        let n = count.min(self.len());
        let out: Vec<(Vec<u8>, f64)> = if max {
            self.iter_rev_from(self.len().wrapping_sub(1))
                .take(n)
                .map(|(m, s)| (m.into_owned(), s))
                .collect()
        } else {
            self.iter().take(n).map(|(m, s)| (m.into_owned(), s)).collect()
        };
        let len = self.len();
        if max {
            self.remove_rank_range(len - n, len);
        } else {
            self.remove_rank_range(0, n);
        }
        out
    }

    /// One ZSCAN step: a listpack is returned whole with cursor 0 (as Redis does); a
    /// skiplist walks its dict for about `count` buckets' worth of elements.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], f64)) -> u64 {
        match &self.enc {
            Enc::Listpack(lp) => {
                for (m, s) in Self::lp_pairs(lp, 0) {
                    f(&m, s);
                }
                0
            }
            Enc::Skiplist(s) => {
                let mut cur = cursor;
                let mut seen = 0;
                let mut iterations = count.saturating_mul(10);
                loop {
                    cur = s.scan(cur, |m, sc| {
                        seen += 1;
                        f(m, sc)
                    });
                    iterations = iterations.saturating_sub(1);
                    if cur == 0 || iterations == 0 || seen >= count {
                        break;
                    }
                }
                cur
            }
        }
    }

    /// Mixes the elements into a key's DEBUG DIGEST as Redis's `xorObjectDigest` does:
    /// per element, a digest of the member then of the score's `%.17g`, xored in.
    pub fn digest_into(&self, d: &mut [u8; 20]) {
        for (m, s) in self.iter() {
            let mut e = [0u8; 20];
            mix_digest(&mut e, &m);
            mix_digest(&mut e, format_double(s).as_bytes());
            xor_digest(d, &e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(entries: u64, value: u64) -> Limits {
        Limits {
            zset_max_listpack_entries: entries,
            zset_max_listpack_value: value,
            ..Limits::default()
        }
    }

    #[test]
    fn both_encodings_keep_one_order() {
        let l = limits(4, 8);
        let mut z = ZSet::new();
        let data = [("b", 1.0), ("a", 1.0), ("c", -0.0), ("10", 2.5), ("x", f64::INFINITY)];
        let mut seen = Vec::new();
        for (m, s) in data {
            assert_eq!(z.insert(m.as_bytes(), s, &l), None);
            seen.push((z.encoding(), z.iter().map(|(m, _)| m.into_owned()).collect::<Vec<_>>()));
        }
        assert_eq!(seen[3].0, "listpack");
        assert_eq!(seen[4].0, "skiplist");
        let order: Vec<_> =
            z.iter().map(|(m, s)| (String::from_utf8_lossy(&m).into_owned(), s)).collect();
        assert_eq!(
            order,
            [
                ("c".into(), -0.0),
                ("a".into(), 1.0),
                ("b".into(), 1.0),
                ("10".into(), 2.5),
                ("x".into(), f64::INFINITY)
            ]
        );
        assert_eq!(z.rank(b"10"), Some((3, 2.5)));
        let popped = z.pop(true, 2);
        assert_eq!(popped[0].0, b"x");
        assert_eq!(popped[1].0, b"10");
        assert_eq!(z.len(), 3);
    }

    #[test]
    fn listpack_updates_move_members() {
        let l = limits(128, 64);
        let mut z = ZSet::new();
        for (i, m) in ["a", "b", "c", "d"].iter().enumerate() {
            z.insert(m.as_bytes(), i as f64, &l);
        }
        assert_eq!(z.insert(b"a", 10.0, &l), Some(0.0));
        let v: Vec<_> = z.iter().map(|(m, _)| m.into_owned()).collect();
        assert_eq!(v, [b"b".to_vec(), b"c".to_vec(), b"d".to_vec(), b"a".to_vec()]);
        let r: Vec<_> = z.iter_rev_from(3).map(|(m, _)| m.into_owned()).collect();
        assert_eq!(r, [b"a".to_vec(), b"d".to_vec(), b"c".to_vec(), b"b".to_vec()]);
        assert_eq!(z.count_before(|s, _| s < 2.0), 1);
        assert_eq!(z.remove_rank_range(1, 3), 2);
        assert_eq!(z.len(), 2);
        assert_eq!(z.score(b"a"), Some(10.0));
        assert_eq!(z.remove(b"a"), Some(10.0));
        assert_eq!(z.remove(b"a"), None);
    }
}
