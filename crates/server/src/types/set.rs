//! The set type and its three encodings, converted at Redis 7.2's points (`t_set.c`).
//!
//! * `intset`: every member is an integer (`string2ll` form) and there are at most
//!   `set-max-intset-entries` of them: one sorted array of fixed-width integers
//!   ([`collections::IntSet`], Redis's byte layout).
//! * `listpack`: at most `set-max-listpack-entries` members of at most
//!   `set-max-listpack-value` bytes, in insertion order ([`collections::Listpack`]).
//! * `hashtable`: anything larger. One dict node per member (chain pointer + a
//!   [`SmallBytes`] holding up to 22 bytes inline: 32 bytes, one jemalloc class) plus an
//!   8-byte bucket, where Redis spends a 24-byte `dictEntry` (32 with jemalloc), an sds
//!   allocation and the bucket.
//!
//! Conversions only go "up" (intset → listpack → hashtable, intset → hashtable), except
//! where Redis builds a new set (SINTERSTORE's result may become an intset again). The
//! creation and growth rules are those of 7.2's `setTypeCreate`, `setTypeMaybeConvert` and
//! `setTypeAddAux`; they live here so every command converts at the same points.

use std::borrow::Cow;

use collections::{Dict, IntSet, Keyed, Listpack, LpValue, SmallBytes};
use resp::parse::parse_i64;

use crate::config::encoding::Limits;
use crate::util::digest::xor_digest;

/// Redis's `LISTPACK_MAX_SAFETY_SIZE`: a listpack never grows past 1 GiB.
const LISTPACK_MAX_SAFETY: usize = 1 << 30;

/// Redis caps the intset threshold at 2^30 members (`intsetMaxEntries`).
const INTSET_HARD_MAX: u64 = 1 << 30;

/// One member of a hashtable-encoded set.
pub struct Member(SmallBytes);

impl Keyed for Member {
    #[inline]
    fn key(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// A member as an encoding holds it: an integer (intset, integer listpack entries) or bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Elem<'_> {
    /// Calls `f` with the member's bytes (integers in decimal), without allocating.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match *self {
            Elem::Str(s) => f(s),
            Elem::Int(v) => f(itoa::Buffer::new().format(v).as_bytes()),
        }
    }

    /// The member's bytes, owned.
    pub fn to_vec(&self) -> Vec<u8> {
        self.with_bytes(|b| b.to_vec())
    }

    fn from_lp(v: LpValue<'_>) -> Elem<'_> {
        match v {
            LpValue::Int(i) => Elem::Int(i),
            LpValue::Str(s) => Elem::Str(s),
        }
    }
}

/// A set value. See the module docs.
pub enum Set {
    Intset(IntSet),
    Listpack(Listpack),
    Hashtable(Box<Dict<Member>>),
}

impl Default for Set {
    fn default() -> Self {
        Set::Intset(IntSet::new())
    }
}

impl Clone for Set {
    /// COPY: same encoding, same members (Redis's `setTypeDup`).
    fn clone(&self) -> Self {
        match self {
            Set::Intset(s) => Set::Intset(s.clone()),
            Set::Listpack(l) => Set::Listpack(l.clone()),
            Set::Hashtable(d) => {
                let mut nd = Dict::new();
                for m in d.iter() {
                    nd.insert(Member(m.0.clone()));
                }
                Set::Hashtable(Box::new(nd))
            }
        }
    }
}

impl std::fmt::Debug for Set {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Set({}, {} members)", self.encoding(), self.len())
    }
}

/// Redis's `intsetMaxEntries`.
#[inline]
fn intset_max(lim: &Limits) -> u64 {
    lim.set_max_intset_entries.min(INTSET_HARD_MAX)
}

/// Characters of `v` in decimal (Redis's `sdigits10`).
fn digits10(v: i64) -> usize {
    itoa::Buffer::new().format(v).len()
}

/// Redis's `lpEstimateBytesRepeatedInteger`: a listpack of `n` copies of `v`.
fn lp_estimate_ints(v: i64, n: usize) -> usize {
    let enc = if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if i16::try_from(v).is_ok() {
        3
    } else if (-(1 << 23)..(1 << 23)).contains(&v) {
        4
    } else if i32::try_from(v).is_ok() {
        5
    } else {
        9
    };
    7usize.saturating_add((enc + 1usize).saturating_mul(n))
}

impl Set {
    /// A new, empty intset-encoded set.
    pub fn new_intset() -> Set {
        Set::Intset(IntSet::new())
    }

    /// A new, empty listpack-encoded set.
    pub fn new_listpack() -> Set {
        Set::Listpack(Listpack::new())
    }

    /// Redis's `setTypeCreate`: an empty set able to hold `first`, sized for about
    /// `size_hint` members.
    pub fn create(first: &[u8], size_hint: usize, lim: &Limits) -> Set {
        let hint = size_hint as u64;
        if hint <= lim.set_max_intset_entries && parse_i64(first).is_some() {
            return Set::new_intset();
        }
        if hint <= lim.set_max_listpack_entries {
            return Set::new_listpack();
        }
        Set::Hashtable(Box::default())
    }

    /// Redis's `setTypeMaybeConvert`: about `size_hint` members are coming.
    pub fn maybe_convert(&mut self, size_hint: usize, lim: &Limits) {
        let hint = size_hint as u64;
        let convert = match self {
            Set::Listpack(_) => hint > lim.set_max_listpack_entries,
            Set::Intset(_) => hint > lim.set_max_intset_entries,
            Set::Hashtable(_) => false,
        };
        if convert {
            self.convert_to_hashtable();
        }
    }

    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Intset(_) => "intset",
            Set::Listpack(_) => "listpack",
            Set::Hashtable(_) => "hashtable",
        }
    }

    /// Approximate heap bytes owned by the value.
    pub fn heap_size(&self) -> usize {
        match self {
            Set::Intset(s) => s.heap_size(),
            Set::Listpack(l) => l.heap_size(),
            Set::Hashtable(d) => {
                std::mem::size_of::<Dict<Member>>()
                    + d.buckets() * 8
                    + d.len() * 32
                    + d.iter().map(|m| m.0.heap_size()).sum::<usize>()
            }
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            Set::Intset(s) => s.len(),
            Set::Listpack(l) => l.len(),
            Set::Hashtable(d) => d.len(),
        }
    }

    /// True when empty (an empty set is never stored under a key).
    pub fn is_empty(&self) -> bool {
        match self {
            Set::Intset(s) => s.is_empty(),
            Set::Listpack(l) => l.is_empty(),
            Set::Hashtable(d) => d.is_empty(),
        }
    }

    /// True if `m` is a member.
    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            Set::Intset(s) => parse_i64(m).is_some_and(|v| s.contains(v)),
            Set::Listpack(l) => l.first().and_then(|p| l.find(p, m, 0)).is_some(),
            Set::Hashtable(d) => d.get(m).is_some(),
        }
    }

    /// True if `e` is a member (Redis's `setTypeIsMemberAux`).
    pub fn contains_elem(&self, e: Elem<'_>) -> bool {
        match (self, e) {
            (Set::Intset(s), Elem::Int(v)) => s.contains(v),
            (_, e) => e.with_bytes(|b| self.contains(b)),
        }
    }

    /// Adds `m`; returns false if it was already a member. Converts as Redis's
    /// `setTypeAdd` does.
    pub fn add(&mut self, m: &[u8], lim: &Limits) -> bool {
        self.add_elem(Elem::Str(m), lim)
    }

    /// Adds `e` (Redis's `setTypeAddAux`); returns false if it was already a member.
    pub fn add_elem(&mut self, e: Elem<'_>, lim: &Limits) -> bool {
        if let (Set::Intset(s), Elem::Int(v)) = (&mut *self, e) {
            let added = s.add(v);
            if added {
                self.maybe_convert_intset(lim);
            }
            return added;
        }
        e.with_bytes(|b| self.add_bytes(b, matches!(e, Elem::Int(_)), lim))
    }

    fn add_bytes(&mut self, m: &[u8], is_int: bool, lim: &Limits) -> bool {
        match self {
            Set::Hashtable(d) => {
                // `get_mut` (not `get`) so a resize in progress moves on.
                if d.get_mut(m).is_some() {
                    return false;
                }
                d.insert_new(Member(SmallBytes::new(m)));
                true
            }
            Set::Listpack(l) => {
                if l.first().and_then(|p| l.find(p, m, 0)).is_some() {
                    return false;
                }
                let n = l.len();
                if (n as u64) < lim.set_max_listpack_entries
                    && m.len() as u64 <= lim.set_max_listpack_value
                    && l.bytes().saturating_add(m.len()) <= LISTPACK_MAX_SAFETY
                {
                    match (is_int, parse_i64(m)) {
                        (true, Some(v)) => l.push_back_int(v),
                        _ => l.push_back(m),
                    }
                } else {
                    self.convert_to_hashtable();
                    self.insert_new_ht(m);
                }
                true
            }
            Set::Intset(s) => {
                if let Some(v) = parse_i64(m) {
                    let added = s.add(v);
                    if added {
                        self.maybe_convert_intset(lim);
                    }
                    return added;
                }
                // A string joins an intset: a listpack if everything fits, else a hashtable.
                let n = s.len();
                let (mut maxlen, mut total) = (0, 0);
                if let (Some(lo), Some(hi)) = (s.min(), s.max()) {
                    maxlen = digits10(lo).max(digits10(hi));
                    total = lp_estimate_ints(lo, n).max(lp_estimate_ints(hi, n));
                }
                if (n as u64) < lim.set_max_listpack_entries
                    && m.len() as u64 <= lim.set_max_listpack_value
                    && maxlen as u64 <= lim.set_max_listpack_value
                    && total.saturating_add(m.len()) <= LISTPACK_MAX_SAFETY
                {
                    self.convert_to_listpack();
                    if let Set::Listpack(l) = self {
                        l.push_back(m);
                    }
                } else {
                    self.convert_to_hashtable();
                    self.insert_new_ht(m);
                }
                true
            }
        }
    }

    /// Inserts a member known to be absent into a hashtable-encoded set.
    fn insert_new_ht(&mut self, m: &[u8]) {
        if let Set::Hashtable(d) = self {
            d.insert(Member(SmallBytes::new(m)));
        }
    }

    /// Redis's `maybeConvertIntset`: too many integers for an intset.
    fn maybe_convert_intset(&mut self, lim: &Limits) {
        if let Set::Intset(s) = self {
            if s.len() as u64 > intset_max(lim) {
                self.convert_to_hashtable();
            }
        }
    }

    /// Removes `m`; returns false if it was not a member.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Set::Intset(s) => parse_i64(m).is_some_and(|v| s.remove(v)),
            Set::Listpack(l) => match l.first().and_then(|p| l.find(p, m, 0)) {
                Some(p) => {
                    l.delete(p);
                    true
                }
                None => false,
            },
            Set::Hashtable(d) => d.remove(m).is_some(),
        }
    }

    /// Removes `e`; returns false if it was not a member.
    pub fn remove_elem(&mut self, e: Elem<'_>) -> bool {
        match (&mut *self, e) {
            (Set::Intset(s), Elem::Int(v)) => s.remove(v),
            (_, e) => e.with_bytes(|b| self.remove(b)),
        }
    }

    /// Rewrites the set as a hashtable (Redis's `setTypeConvert(.., OBJ_ENCODING_HT)`).
    pub fn convert_to_hashtable(&mut self) {
        if matches!(self, Set::Hashtable(_)) {
            return;
        }
        let mut d: Dict<Member> = Dict::new();
        for e in self.elems() {
            // `insert` (not `insert_new`): each insertion also advances a resize in progress.
            e.with_bytes(|b| d.insert(Member(SmallBytes::new(b))));
        }
        *self = Set::Hashtable(Box::new(d));
    }

    /// Rewrites the set as a listpack, in iteration order.
    fn convert_to_listpack(&mut self) {
        if matches!(self, Set::Listpack(_)) {
            return;
        }
        let mut l = Listpack::new();
        for e in self.elems() {
            match e {
                Elem::Int(v) => l.push_back_int(v),
                Elem::Str(s) => l.push_back(s),
            }
        }
        *self = Set::Listpack(l);
    }

    /// Redis's `maybeConvertToIntset`: the caller knows every member is an integer; becomes
    /// an intset unless there are too many.
    pub fn maybe_to_intset(&mut self, lim: &Limits) {
        if matches!(self, Set::Intset(_)) || self.len() as u64 > intset_max(lim) {
            return;
        }
        let mut s = IntSet::new();
        for e in self.elems() {
            let v = match e {
                Elem::Int(v) => Some(v),
                Elem::Str(b) => parse_i64(b),
            };
            match v {
                Some(v) => {
                    s.add(v);
                }
                None => return, // not all integers after all: keep the encoding
            }
        }
        *self = Set::Intset(s);
    }

    /// The members as the encoding holds them: ascending for an intset, insertion order for
    /// a listpack, table order for a hashtable.
    pub fn elems(&self) -> Elems<'_> {
        match self {
            Set::Intset(s) => Elems::Int(s.iter()),
            Set::Listpack(l) => Elems::Lp(l.iter()),
            Set::Hashtable(d) => Elems::Ht(Box::new(d.iter())),
        }
    }

    /// The members' bytes, in [`elems`](Self::elems) order (SORT, replies).
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, [u8]>> + '_ {
        self.elems().map(|e| match e {
            Elem::Str(s) => Cow::Borrowed(s),
            Elem::Int(v) => Cow::Owned(itoa::Buffer::new().format(v).as_bytes().to_vec()),
        })
    }

    /// A random member (the set must not be empty). `rand` returns uniform numbers.
    pub fn random(&self, rand: &mut impl FnMut() -> u64) -> Option<Elem<'_>> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        match self {
            Set::Intset(s) => s.get((rand() % n as u64) as usize).map(Elem::Int),
            Set::Listpack(l) => l.seek((rand() % n as u64) as i64).map(|p| Elem::from_lp(l.get(p))),
            Set::Hashtable(d) => d.random(&mut *rand).map(|m| Elem::Str(m.key())),
        }
    }

    /// Removes and returns a random member.
    pub fn pop_random(&mut self, rand: &mut impl FnMut() -> u64) -> Option<Vec<u8>> {
        let m = self.random(rand)?.to_vec();
        self.remove(&m);
        Some(m)
    }

    /// `count` distinct members chosen at random, in iteration order (Redis's
    /// `lpNextRandom` selection sampling), as positions in [`elems`](Self::elems) order.
    pub fn sample_positions(&self, count: usize, rand: &mut impl FnMut() -> u64) -> Vec<usize> {
        let n = self.len();
        let mut want = count.min(n);
        let mut out = Vec::with_capacity(want);
        for i in 0..n {
            if want == 0 {
                break;
            }
            let left = (n - i) as u64;
            // Take element i with probability want / left.
            if rand() % left < want as u64 {
                out.push(i);
                want -= 1;
            }
        }
        out
    }

    /// Keeps only the members whose position (in [`elems`](Self::elems) order) is not in
    /// `drop` (ascending). Used by SPOP on a listpack, which deletes a batch in one pass.
    pub fn remove_positions(&mut self, drop: &[usize]) {
        if let Set::Listpack(l) = self {
            let mut nl = Listpack::new();
            let mut d = drop.iter().peekable();
            for (i, v) in l.iter().enumerate() {
                if d.peek() == Some(&&i) {
                    d.next();
                    continue;
                }
                match v {
                    LpValue::Int(x) => nl.push_back_int(x),
                    LpValue::Str(s) => nl.push_back(s),
                }
            }
            *l = nl;
        } else {
            let victims: Vec<Vec<u8>> = {
                let mut d = drop.iter().peekable();
                let mut out = Vec::with_capacity(drop.len());
                for (i, e) in self.elems().enumerate() {
                    if d.peek() == Some(&&i) {
                        d.next();
                        out.push(e.to_vec());
                    }
                }
                out
            };
            for v in victims {
                self.remove(&v);
            }
        }
    }

    /// One SSCAN step over a hashtable-encoded set: visits buckets from `cursor` until
    /// `count` members were seen or `count * 10` buckets were visited (Redis's bound);
    /// returns the next cursor. Other encodings are returned whole by the caller.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8])) -> u64 {
        let Set::Hashtable(d) = self else {
            for e in self.elems() {
                e.with_bytes(&mut f);
            }
            return 0;
        };
        let mut cur = cursor;
        let mut seen = 0usize;
        let mut budget = count.saturating_mul(10);
        loop {
            cur = d.scan(cur, |m| {
                seen += 1;
                f(m.key());
            });
            if cur == 0 || budget == 0 || seen >= count {
                break;
            }
            budget -= 1;
        }
        cur
    }

    /// Mixes the members into a key's DEBUG DIGEST as Redis's `xorObjectDigest` does: the
    /// SHA-1 of each member xored in, so the order does not matter.
    pub fn digest_into(&self, d: &mut [u8; 20]) {
        for e in self.elems() {
            e.with_bytes(|b| xor_digest(d, b));
        }
    }
}

/// Iterator over a set's members. See [`Set::elems`].
pub enum Elems<'a> {
    Int(collections::intset::Iter<'a>),
    Lp(collections::listpack::Iter<'a>),
    Ht(Box<dyn Iterator<Item = &'a Member> + 'a>),
}

impl<'a> Iterator for Elems<'a> {
    type Item = Elem<'a>;
    fn next(&mut self) -> Option<Elem<'a>> {
        match self {
            Elems::Int(i) => i.next().map(Elem::Int),
            Elems::Lp(i) => i.next().map(Elem::from_lp),
            Elems::Ht(i) => i.next().map(|m| Elem::Str(m.key())),
        }
    }
}

/// Redis's `sinterGenericCommand` result for a destination key: the members of the
/// intersection, added in the order `first` yields them, to a set whose encoding follows
/// `first`'s (intset → intset, otherwise a listpack that may grow into a hashtable); an
/// all-integer result becomes an intset if small enough.
pub struct InterBuilder {
    set: Set,
    first_is_ht: bool,
    only_integers: bool,
}

impl InterBuilder {
    /// Starts the destination for an intersection walked over `first`.
    pub fn new(first: &Set) -> InterBuilder {
        let set = match first {
            Set::Intset(_) => Set::new_intset(),
            _ => Set::new_listpack(),
        };
        InterBuilder { set, first_is_ht: matches!(first, Set::Hashtable(_)), only_integers: true }
    }

    /// Adds a member of the intersection.
    pub fn add(&mut self, e: Elem<'_>, lim: &Limits) {
        let mut e = e;
        if let Elem::Str(s) = e {
            if self.only_integers {
                match parse_i64(s) {
                    Some(v) if self.first_is_ht => {
                        if !matches!(self.set, Set::Hashtable(_)) {
                            e = Elem::Int(v);
                        }
                    }
                    _ => self.only_integers = false,
                }
            }
        }
        self.set.add_elem(e, lim);
    }

    /// The finished set (possibly empty).
    pub fn finish(mut self, lim: &Limits) -> Set {
        if !self.set.is_empty() && self.only_integers {
            self.set.maybe_to_intset(lim);
        }
        self.set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(intset: u64, entries: u64, value: u64) -> Limits {
        Limits {
            set_max_intset_entries: intset,
            set_max_listpack_entries: entries,
            set_max_listpack_value: value,
            ..Limits::default()
        }
    }

    fn members(s: &Set) -> Vec<Vec<u8>> {
        s.iter().map(|c| c.into_owned()).collect()
    }

    #[test]
    fn encodings_convert_at_redis_7_2_points() {
        let l = lim(4, 6, 8);
        let mut s = Set::create(b"1", 1, &l);
        assert_eq!(s.encoding(), "intset");
        for v in ["3", "2", "1", "4"] {
            s.add(v.as_bytes(), &l);
        }
        assert_eq!(s.encoding(), "intset");
        assert_eq!(members(&s), [b"1", b"2", b"3", b"4"]);
        // A string joins a small intset: listpack, integers first in ascending order.
        assert!(s.add(b"abc", &l));
        assert_eq!(s.encoding(), "listpack");
        assert_eq!(members(&s), [&b"1"[..], b"2", b"3", b"4", b"abc"]);
        assert!(!s.add(b"3", &l));
        assert!(s.add(b"x", &l));
        assert_eq!(s.len(), 6);
        // Full listpack: the next member makes a hashtable.
        assert!(s.add(b"y", &l));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 7);
        assert!(s.contains(b"4") && s.contains(b"y") && !s.contains(b"z"));

        // Too many integers: intset -> hashtable.
        let mut s = Set::create(b"1", 1, &l);
        for v in 0..5 {
            s.add(v.to_string().as_bytes(), &l);
        }
        assert_eq!(s.encoding(), "hashtable");

        // A long string joins an intset: hashtable.
        let mut s = Set::create(b"1", 1, &l);
        s.add(b"1", &l);
        s.add(b"123456789", &l);
        assert_eq!(s.encoding(), "hashtable");

        // An intset whose integers are too long to be listpack values: hashtable.
        let mut s = Set::create(b"1", 1, &l);
        s.add(b"-12345678", &l);
        s.add(b"a", &l);
        assert_eq!(s.encoding(), "hashtable");

        // Size hints.
        assert_eq!(Set::create(b"1", 5, &l).encoding(), "listpack");
        assert_eq!(Set::create(b"a", 7, &l).encoding(), "hashtable");
        let mut s = Set::create(b"a", 1, &l);
        s.maybe_convert(7, &l);
        assert_eq!(s.encoding(), "hashtable");
    }

    #[test]
    fn removal_and_conversion_keep_members() {
        let l = lim(512, 128, 64);
        let mut s = Set::create(b"a", 1, &l);
        for i in 0..300 {
            s.add(format!("m{i}").as_bytes(), &l);
        }
        assert_eq!(s.encoding(), "hashtable");
        for i in 0..300 {
            assert!(s.remove(format!("m{i}").as_bytes()) == (i % 2 == 0) || i % 2 == 1);
            if i % 2 == 1 {
                assert!(s.contains(format!("m{i}").as_bytes()));
            }
        }
        let c = s.clone();
        assert_eq!(c.len(), s.len());
        assert_eq!(c.encoding(), "hashtable");
    }

    #[test]
    fn intersection_destination_encodings() {
        let l = lim(4, 6, 8);
        let mut ht = Set::create(b"a", 100, &l);
        for v in ["1", "2", "3"] {
            ht.add(v.as_bytes(), &l);
        }
        assert_eq!(ht.encoding(), "hashtable");
        let mut b = InterBuilder::new(&ht);
        for e in ht.elems() {
            b.add(e, &l);
        }
        let r = b.finish(&l);
        assert_eq!(r.encoding(), "intset");
        assert_eq!(members(&r), [b"1", b"2", b"3"]);
    }

    #[test]
    fn digest_is_order_free() {
        let l = lim(512, 128, 64);
        let mut a = Set::create(b"x", 1, &l);
        let mut b = Set::create(b"x", 200, &l);
        for m in ["x", "y", "1"] {
            a.add(m.as_bytes(), &l);
        }
        for m in ["1", "y", "x"] {
            b.add(m.as_bytes(), &l);
        }
        assert_ne!(a.encoding(), b.encoding());
        let (mut da, mut db) = ([0u8; 20], [0u8; 20]);
        a.digest_into(&mut da);
        b.digest_into(&mut db);
        assert_eq!(da, db);
    }
}
