//! Reading RDB: a stream of items with byte offsets for error messages, and DUMP payloads.
//!
//! Every type and opcode Redis 7.0.15 writes is read, plus the older encodings an older file
//! may hold (ziplist-based lists, hashes and sorted sets, zipmap hashes, string-scored
//! `ZSET`, the linked `LIST`) and 7.2's `SET_LISTPACK`. Values get the encoding Redis's
//! `rdbLoadObject` would give them under the current thresholds (7.2 rules where the
//! encodings differ: a small list becomes a listpack, a small set of strings a listpack).
//!
//! Corrupt input never panics and never drives an allocation: strings are read in bounded
//! chunks, so a declared length is only ever backed by bytes actually present, and LZF
//! lengths are checked against the largest expansion the format allows.

use std::collections::HashSet;

use collections::intset::IntSet;
use collections::listpack::{Listpack, LpValue};
use collections::lzf;
use collections::quicklist::{NewNode, Quicklist};
use collections::scored::cmp_entry;
use collections::Dict;

use super::{container, enc, opcodes, types, KeyMeta, RDB_VERSION, RDB_VERSION_MAX_READ};
use crate::config::encoding::Limits;
use crate::persist::crc64::Crc64;
use crate::types::hash::Field;
use crate::types::list::End;
use crate::types::{Hash, List, Set, StrValue, Value, ZSet};

/// A load failure: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdbError {
    /// Byte offset in the stream where the bad item starts (or where input ended).
    pub offset: u64,
    pub msg: String,
}

impl std::fmt::Display for RdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset {})", self.msg, self.offset)
    }
}

/// One item of an RDB stream.
#[derive(Debug)]
pub enum Item {
    Aux(Vec<u8>, Vec<u8>),
    SelectDb(usize),
    ResizeDb {
        size: u64,
        expires: u64,
    },
    Entry {
        key: Vec<u8>,
        val: Value,
        expire_ms: i64,
        meta: KeyMeta,
    },
    /// `RDB_OPCODE_FUNCTION2` payload (the library code), kept for when functions land.
    Function(Vec<u8>),
    /// End of file; the checksum was verified unless it was zero or checking is off.
    Eof,
}

/// Bytes read per step for a declared length: memory grows only with data present.
const CHUNK: usize = 1 << 20;
/// The largest LZF expansion: a 3-byte back reference copies at most 264 bytes.
const LZF_MAX_RATIO: u64 = 90;

/// The byte source: counts the offset and feeds the running CRC64.
struct In<R> {
    r: R,
    off: u64,
    crc: Crc64,
}

type Res<T> = Result<T, RdbError>;

impl<R: std::io::Read> In<R> {
    fn err<T>(&self, msg: impl Into<String>) -> Res<T> {
        Err(RdbError { offset: self.off, msg: msg.into() })
    }

    fn fill(&mut self, buf: &mut [u8]) -> Res<()> {
        if let Err(e) = self.r.read_exact(buf) {
            return if e.kind() == std::io::ErrorKind::UnexpectedEof {
                self.err("Unexpected EOF reading RDB file")
            } else {
                self.err(format!("Error reading RDB file: {e}"))
            };
        }
        self.crc.update(buf);
        self.off += buf.len() as u64;
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> Res<[u8; N]> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }

    fn u8(&mut self) -> Res<u8> {
        Ok(self.array::<1>()?[0])
    }

    /// `n` bytes, read in bounded chunks.
    fn bytes(&mut self, n: u64) -> Res<Vec<u8>> {
        let mut v = Vec::with_capacity(n.min(CHUNK as u64) as usize);
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK as u64) as usize;
            let start = v.len();
            v.resize(start + k, 0);
            self.fill(&mut v[start..])?;
            left -= k as u64;
        }
        Ok(v)
    }

    /// A length or a special-encoding marker (`rdbLoadLenByRef`): (value, is_encoded).
    fn len_enc(&mut self) -> Res<(u64, bool)> {
        let b = self.u8()?;
        match b >> 6 {
            0 => Ok((u64::from(b & 0x3f), false)),
            1 => {
                let lo = self.u8()?;
                Ok(((u64::from(b & 0x3f) << 8) | u64::from(lo), false))
            }
            3 => Ok((u64::from(b & 0x3f), true)),
            _ => match b {
                0x80 => Ok((u64::from(u32::from_be_bytes(self.array()?)), false)),
                0x81 => Ok((u64::from_be_bytes(self.array()?), false)),
                _ => self.err(format!("Unknown length encoding {b} in rdbLoadLen()")),
            },
        }
    }

    fn len(&mut self) -> Res<u64> {
        match self.len_enc()? {
            (n, false) => Ok(n),
            _ => self.err("Unexpected encoded length"),
        }
    }

    /// A string (`rdbGenericLoadStringObject`): raw, int-encoded (as its decimal text) or
    /// LZF-compressed.
    fn string(&mut self) -> Res<Vec<u8>> {
        let (n, encoded) = self.len_enc()?;
        if !encoded {
            return self.bytes(n);
        }
        let v: i64 = match n as u8 {
            enc::INT8 => i64::from(self.u8()? as i8),
            enc::INT16 => i64::from(i16::from_le_bytes(self.array()?)),
            enc::INT32 => i64::from(i32::from_le_bytes(self.array()?)),
            enc::LZF => {
                let clen = self.len()?;
                let len = self.len()?;
                if len > clen.saturating_mul(LZF_MAX_RATIO) {
                    return self.err("Invalid LZF compressed string");
                }
                let data = self.bytes(clen)?;
                return match lzf::decompress(&data, len as usize) {
                    Some(out) => Ok(out),
                    None => self.err("Invalid LZF compressed string"),
                };
            }
            t => return self.err(format!("Unknown RDB string encoding type {t}")),
        };
        Ok(itoa::Buffer::new().format(v).as_bytes().to_vec())
    }

    /// A string-encoded double (`rdbLoadDoubleValue`, the old `ZSET` scores).
    fn string_double(&mut self) -> Res<f64> {
        let n = self.u8()?;
        match n {
            255 => Ok(f64::NEG_INFINITY),
            254 => Ok(f64::INFINITY),
            253 => Ok(f64::NAN),
            _ => {
                let b = self.bytes(u64::from(n))?;
                match parse_score(&b) {
                    Some(v) => Ok(v),
                    None => self.err("Invalid double value"),
                }
            }
        }
    }

    fn binary_double(&mut self) -> Res<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    /// A value of type `t` (`rdbLoadObject`); `None` for an empty collection, which Redis
    /// skips when loading a file and refuses in RESTORE.
    fn value(&mut self, t: u8, lim: &Limits) -> Res<Option<Value>> {
        let v = match t {
            types::STRING => Value::Str(StrValue::from_bytes(&self.string()?)),
            types::LIST => {
                let n = self.len()?;
                let mut l = List::new();
                for _ in 0..n {
                    l.push(End::Tail, &self.string()?, lim);
                }
                if l.is_empty() {
                    return Ok(None);
                }
                Value::List(Box::new(l))
            }
            types::LIST_QUICKLIST | types::LIST_QUICKLIST_2 => return self.quicklist(t, lim),
            types::LIST_ZIPLIST => {
                let b = self.string()?;
                let Some(elems) = ziplist_entries(&b) else {
                    return self.err("List ziplist integrity check failed.");
                };
                let mut l = List::new();
                for e in &elems {
                    l.push(End::Tail, e, lim);
                }
                if l.is_empty() {
                    return Ok(None);
                }
                Value::List(Box::new(l))
            }
            types::SET => return self.plain_set(lim),
            types::SET_INTSET => {
                let b = self.string()?;
                let Some(is) = IntSet::from_bytes(b) else {
                    return self.err("Intset integrity check failed.");
                };
                let mut s = Set::Intset(is);
                if s.len() as u64 > lim.set_max_intset_entries {
                    s.convert_to_hashtable();
                }
                Value::Set(Box::new(s))
            }
            types::SET_LISTPACK => {
                let b = self.string()?;
                let Some(lp) = Listpack::from_bytes(b) else {
                    return self.err("Set listpack integrity check failed.");
                };
                if lp.is_empty() {
                    return Ok(None);
                }
                let mut seen = HashSet::new();
                if !lp.iter().all(|e| seen.insert(e.to_vec())) {
                    return self.err("Set listpack with dup elements");
                }
                let mut s = Set::Listpack(lp);
                if s.len() as u64 > lim.set_max_listpack_entries {
                    s.convert_to_hashtable();
                }
                Value::Set(Box::new(s))
            }
            types::ZSET | types::ZSET_2 => {
                let n = self.len()?;
                let mut pairs = Vec::new();
                let mut seen = HashSet::new();
                for _ in 0..n {
                    let m = self.string()?;
                    let score = if t == types::ZSET_2 {
                        self.binary_double()?
                    } else {
                        self.string_double()?
                    };
                    if score.is_nan() {
                        return self.err("Zset with NAN score detected");
                    }
                    if !seen.insert(m.clone()) {
                        return self.err("Duplicate zset fields detected");
                    }
                    pairs.push((m, score));
                }
                if pairs.is_empty() {
                    return Ok(None);
                }
                Value::ZSet(Box::new(ZSet::from_pairs(pairs, lim)))
            }
            types::ZSET_LISTPACK => {
                let b = self.string()?;
                let Some(lp) = Listpack::from_bytes(b) else {
                    return self.err("Zset listpack integrity check failed.");
                };
                if lp.is_empty() {
                    return Ok(None);
                }
                if !zset_listpack_valid(&lp) {
                    return self.err("Zset listpack integrity check failed.");
                }
                let count = lp.len() / 2;
                let mut z = ZSet::from_listpack(lp);
                if count as u64 > lim.zset_max_listpack_entries {
                    z.convert_to_skiplist();
                }
                Value::ZSet(Box::new(z))
            }
            types::ZSET_ZIPLIST => {
                let b = self.string()?;
                let Some(elems) = ziplist_entries(&b) else {
                    return self.err("Zset ziplist integrity check failed.");
                };
                if !elems.len().is_multiple_of(2) {
                    return self.err("Zset ziplist integrity check failed.");
                }
                let mut pairs = Vec::with_capacity(elems.len() / 2);
                let mut seen = HashSet::new();
                for p in elems.chunks_exact(2) {
                    let Some(score) = parse_score(&p[1]).filter(|s| !s.is_nan()) else {
                        return self.err("Zset ziplist integrity check failed.");
                    };
                    if !seen.insert(p[0].clone()) {
                        return self.err("Zset ziplist integrity check failed.");
                    }
                    pairs.push((p[0].clone(), score));
                }
                if pairs.is_empty() {
                    return Ok(None);
                }
                Value::ZSet(Box::new(ZSet::from_pairs(pairs, lim)))
            }
            types::HASH => {
                let n = self.len()?;
                let mut pairs = Vec::new();
                for _ in 0..n {
                    let f = self.string()?;
                    let v = self.string()?;
                    pairs.push((f, v));
                }
                if pairs.is_empty() {
                    return Ok(None);
                }
                let long = pairs.iter().any(|(f, v)| {
                    f.len() as u64 > lim.hash_max_listpack_value
                        || v.len() as u64 > lim.hash_max_listpack_value
                });
                let table = long || n > lim.hash_max_listpack_entries;
                match hash_from_pairs(pairs, table) {
                    Some(h) => Value::Hash(h),
                    None => return self.err("Duplicate hash fields detected"),
                }
            }
            types::HASH_LISTPACK => {
                let b = self.string()?;
                let Some(lp) = Listpack::from_bytes(b) else {
                    return self.err("Hash listpack integrity check failed.");
                };
                if lp.is_empty() {
                    return Ok(None);
                }
                let mut seen = HashSet::new();
                let even = lp.len().is_multiple_of(2);
                if !even || !lp.iter().step_by(2).all(|f| seen.insert(f.to_vec())) {
                    return self.err("Hash listpack integrity check failed.");
                }
                if (lp.len() / 2) as u64 > lim.hash_max_listpack_entries {
                    let pairs = lp_pairs(&lp);
                    match hash_from_pairs(pairs, true) {
                        Some(h) => Value::Hash(h),
                        None => return self.err("Hash listpack integrity check failed."),
                    }
                } else {
                    Value::Hash(Hash::from_listpack(&lp))
                }
            }
            types::HASH_ZIPLIST | types::HASH_ZIPMAP => {
                let b = self.string()?;
                let (pairs, what) = if t == types::HASH_ZIPMAP {
                    (zipmap_pairs(&b), "Zipmap integrity check failed.")
                } else {
                    let p = ziplist_entries(&b).filter(|e| e.len().is_multiple_of(2)).map(|e| {
                        let mut it = e.into_iter();
                        std::iter::from_fn(|| Some((it.next()?, it.next()?))).collect()
                    });
                    (p, "Hash ziplist integrity check failed.")
                };
                let Some(pairs) = pairs else { return self.err(what) };
                if pairs.is_empty() {
                    return Ok(None);
                }
                let long = t == types::HASH_ZIPMAP
                    && pairs
                        .iter()
                        .any(|(f, v)| f.len().max(v.len()) as u64 > lim.hash_max_listpack_value);
                let table = long || pairs.len() as u64 > lim.hash_max_listpack_entries;
                match hash_from_pairs(pairs, table) {
                    Some(h) => Value::Hash(h),
                    None => return self.err(what),
                }
            }
            types::MODULE_PRE_GA | types::MODULE_2 => {
                return self.err("Module values are not supported");
            }
            types::STREAM_LISTPACKS | types::STREAM_LISTPACKS_2 => {
                return self.err("Stream values are not supported");
            }
            _ => return self.err(format!("Unknown RDB encoding type {t}")),
        };
        Ok(Some(v))
    }

    /// `QUICKLIST` (ziplist nodes) or `QUICKLIST_2` (listpack or plain nodes).
    fn quicklist(&mut self, t: u8, lim: &Limits) -> Res<Option<Value>> {
        let n = self.len()?;
        if t == types::LIST_QUICKLIST {
            let mut l = List::new();
            for _ in 0..n {
                let b = self.string()?;
                let Some(elems) = ziplist_entries(&b) else {
                    return self.err("Ziplist integrity check failed.");
                };
                for e in &elems {
                    l.push(End::Tail, e, lim);
                }
            }
            return Ok((!l.is_empty()).then(|| Value::List(Box::new(l))));
        }
        let mut nodes = Vec::new();
        for _ in 0..n {
            let c = self.len()?;
            if c != container::PACKED && c != container::PLAIN {
                return self.err("Quicklist integrity check failed.");
            }
            let b = self.string()?;
            if b.is_empty() {
                return self.err("Quicklist node is empty");
            }
            if c == container::PLAIN {
                nodes.push(NewNode::Plain(b));
                continue;
            }
            let Some(lp) = Listpack::from_bytes(b) else {
                return self.err("Listpack integrity check failed.");
            };
            nodes.push(NewNode::Packed(lp));
        }
        let ql = Quicklist::from_nodes(nodes, lim.list_max_listpack_size, lim.list_compress_depth);
        if ql.is_empty() {
            return Ok(None);
        }
        Ok(Some(Value::List(Box::new(List::from_quicklist(ql, lim)))))
    }

    /// A plain `SET`: members one by one, into the encoding 7.2 would pick.
    fn plain_set(&mut self, lim: &Limits) -> Res<Option<Value>> {
        let n = self.len()?;
        let mut set: Option<Set> = None;
        for _ in 0..n {
            let m = self.string()?;
            let s = set.get_or_insert_with(|| Set::create(&m, n.min(1 << 30) as usize, lim));
            if !s.add(&m, lim) {
                return self.err("Duplicate set members detected");
            }
        }
        Ok(set.map(|s| Value::Set(Box::new(s))))
    }
}

/// A score written as text (listpack scores, old `ZSET`): Redis reads them with `strtod`.
fn parse_score(b: &[u8]) -> Option<f64> {
    crate::util::num::parse_f64(b)
}

/// The (field, value) pairs of a listpack.
fn lp_pairs(lp: &Listpack) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut it = lp.iter();
    std::iter::from_fn(|| Some((it.next()?.to_vec(), it.next()?.to_vec()))).collect()
}

/// A hash of `pairs` (no duplicate fields, else `None`): a table when `table`, else a
/// listpack in the given order.
fn hash_from_pairs(pairs: Vec<(Vec<u8>, Vec<u8>)>, table: bool) -> Option<Hash> {
    if table {
        let mut d: Dict<Field> = Dict::new();
        for (f, v) in &pairs {
            if d.get(f).is_some() {
                return None;
            }
            d.insert(Field::new(f, v));
        }
        return Some(Hash::Table(Box::new(d)));
    }
    let mut seen = HashSet::new();
    let mut lp = Listpack::new();
    for (f, v) in &pairs {
        if !seen.insert(f.as_slice()) {
            return None;
        }
        lp.push_back(f);
        lp.push_back(v);
    }
    Some(Hash::from_listpack(&lp))
}

/// A sorted-set listpack is member/score pairs, scores valid numbers, members unique, in
/// (score, member) order.
fn zset_listpack_valid(lp: &Listpack) -> bool {
    if !lp.len().is_multiple_of(2) {
        return false;
    }
    let mut seen = HashSet::new();
    let mut prev: Option<(f64, Vec<u8>)> = None;
    let mut it = lp.iter();
    while let (Some(m), Some(s)) = (it.next(), it.next()) {
        let score = match s {
            LpValue::Int(i) => i as f64,
            LpValue::Str(b) => match parse_score(b) {
                Some(v) if !v.is_nan() => v,
                _ => return false,
            },
        };
        let m = m.to_vec();
        if !seen.insert(m.clone()) {
            return false;
        }
        if let Some((ps, pm)) = &prev {
            if cmp_entry(*ps, pm, score, &m) != std::cmp::Ordering::Less {
                return false;
            }
        }
        prev = Some((score, m));
    }
    true
}

/// The elements of a ziplist (the pre-7.0 compact encoding), as strings; `None` if
/// malformed.
fn ziplist_entries(b: &[u8]) -> Option<Vec<Vec<u8>>> {
    const HDR: usize = 10;
    if b.len() < HDR + 1 || *b.last()? != 0xFF {
        return None;
    }
    let total = u32::from_le_bytes(b[0..4].try_into().ok()?) as usize;
    if total != b.len() {
        return None;
    }
    let mut out = Vec::new();
    let mut p = HDR;
    let end = b.len() - 1;
    let take = |p: usize, n: usize| -> Option<&[u8]> { b.get(p..p.checked_add(n)?) };
    while p < end {
        // prevlen
        p += if b[p] < 254 { 1 } else { 5 };
        let e = *b.get(p)?;
        let (hdr, val): (usize, Vec<u8>) = match e >> 6 {
            0 => {
                let n = usize::from(e & 0x3f);
                (1 + n, take(p + 1, n)?.to_vec())
            }
            1 => {
                let n = (usize::from(e & 0x3f) << 8) | usize::from(*b.get(p + 1)?);
                (2 + n, take(p + 2, n)?.to_vec())
            }
            2 => {
                let n = u32::from_be_bytes(take(p + 1, 4)?.try_into().ok()?) as usize;
                (5usize.checked_add(n)?, take(p + 5, n)?.to_vec())
            }
            _ => {
                let (n, v): (usize, i64) = match e {
                    0xC0 => (2, i64::from(i16::from_le_bytes(take(p + 1, 2)?.try_into().ok()?))),
                    0xD0 => (4, i64::from(i32::from_le_bytes(take(p + 1, 4)?.try_into().ok()?))),
                    0xE0 => (8, i64::from_le_bytes(take(p + 1, 8)?.try_into().ok()?)),
                    0xF0 => {
                        let t = take(p + 1, 3)?;
                        let raw = i32::from_le_bytes([0, t[0], t[1], t[2]]) >> 8;
                        (3, i64::from(raw))
                    }
                    0xFE => (1, i64::from(*b.get(p + 1)? as i8)),
                    0xF1..=0xFD => (0, i64::from(e & 0x0f) - 1),
                    _ => return None,
                };
                (1 + n, itoa::Buffer::new().format(v).as_bytes().to_vec())
            }
        };
        p = p.checked_add(hdr)?;
        if p > end {
            return None;
        }
        out.push(val);
    }
    (p == end).then_some(out)
}

/// The (field, value) pairs of a zipmap (Redis 2.x hashes); `None` if malformed.
fn zipmap_pairs(b: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut p = 1usize;
    let len_at = |p: usize| -> Option<(usize, usize)> {
        match *b.get(p)? {
            n @ 0..=253 => Some((usize::from(n), 1)),
            254 => Some((u32::from_le_bytes(b.get(p + 1..p + 5)?.try_into().ok()?) as usize, 5)),
            _ => None,
        }
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    loop {
        if *b.get(p)? == 0xFF {
            return (p + 1 == b.len()).then_some(out);
        }
        let (kl, h) = len_at(p)?;
        p += h;
        let k = b.get(p..p.checked_add(kl)?)?.to_vec();
        p += kl;
        let (vl, h) = len_at(p)?;
        p += h;
        let free = usize::from(*b.get(p)?);
        p += 1;
        let v = b.get(p..p.checked_add(vl)?)?.to_vec();
        p = p.checked_add(vl)?.checked_add(free)?;
        if !seen.insert(k.clone()) {
            return None;
        }
        out.push((k, v));
    }
}

/// Streaming reader. `new` reads and checks the header.
pub struct Reader<R: std::io::Read> {
    inp: In<R>,
    limits: Limits,
    check_crc: bool,
    version: u16,
    done: bool,
}

impl<R: std::io::Read> Reader<R> {
    /// Reads the `REDIS00NN` header; refuses versions newer than it understands.
    pub fn new(r: R, limits: Limits, check_crc: bool) -> Result<Self, RdbError> {
        let mut inp = In { r, off: 0, crc: Crc64::new() };
        let h: [u8; 9] = inp.array()?;
        if &h[..5] != b"REDIS" {
            return Err(RdbError {
                offset: 0,
                msg: "Wrong signature trying to load DB from file".into(),
            });
        }
        let version = std::str::from_utf8(&h[5..]).ok().and_then(|s| s.parse::<u16>().ok());
        let version = match version {
            Some(v) if (1..=RDB_VERSION_MAX_READ).contains(&v) => v,
            _ => {
                return Err(RdbError {
                    offset: 5,
                    msg: format!(
                        "Can't handle RDB format version {}",
                        String::from_utf8_lossy(&h[5..])
                    ),
                })
            }
        };
        Ok(Reader { inp, limits, check_crc, version, done: false })
    }

    /// The RDB version of the stream.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.inp.off
    }

    /// The next item. Empty collections are skipped (Redis logs and skips them); after
    /// [`Item::Eof`] every call returns `Eof` again.
    pub fn next_item(&mut self) -> Result<Item, RdbError> {
        if self.done {
            return Ok(Item::Eof);
        }
        let mut expire_ms = -1i64;
        let mut meta = KeyMeta::None;
        loop {
            let op = self.inp.u8()?;
            match op {
                opcodes::EXPIRETIME_MS => expire_ms = i64::from_le_bytes(self.inp.array()?),
                opcodes::EXPIRETIME => {
                    expire_ms = i64::from(i32::from_le_bytes(self.inp.array()?)) * 1000;
                }
                opcodes::FREQ => meta = KeyMeta::Freq(self.inp.u8()?),
                opcodes::IDLE => meta = KeyMeta::Idle(self.inp.len()?),
                opcodes::EOF => {
                    if self.version >= 5 {
                        let expected = self.inp.crc.value();
                        let at = self.inp.off;
                        let stored = u64::from_le_bytes(self.inp.array()?);
                        if self.check_crc && stored != 0 && stored != expected {
                            return Err(RdbError {
                                offset: at,
                                msg: format!(
                                    "Wrong RDB checksum expected: ({stored:x}) got: ({expected:x})"
                                ),
                            });
                        }
                    }
                    self.done = true;
                    return Ok(Item::Eof);
                }
                opcodes::SELECTDB => {
                    let db = self.inp.len()?;
                    return match usize::try_from(db) {
                        Ok(db) => Ok(Item::SelectDb(db)),
                        Err(_) => self.inp.err("Invalid DB index"),
                    };
                }
                opcodes::RESIZEDB => {
                    let size = self.inp.len()?;
                    let expires = self.inp.len()?;
                    return Ok(Item::ResizeDb { size, expires });
                }
                opcodes::AUX => {
                    let k = self.inp.string()?;
                    let v = self.inp.string()?;
                    return Ok(Item::Aux(k, v));
                }
                opcodes::FUNCTION2 => return Ok(Item::Function(self.inp.string()?)),
                opcodes::FUNCTION_PRE_GA => {
                    return self.inp.err("Pre-release function format not supported.");
                }
                opcodes::MODULE_AUX => {
                    return self
                        .inp
                        .err("The RDB file contains AUX module data I can't load: no modules");
                }
                t => {
                    let key = self.inp.string()?;
                    let lim = self.limits;
                    match self.inp.value(t, &lim)? {
                        Some(val) => return Ok(Item::Entry { key, val, expire_ms, meta }),
                        None => {
                            // An empty key: skipped, like Redis's RDB_LOAD_ERR_EMPTY_KEY.
                            expire_ms = -1;
                            meta = KeyMeta::None;
                        }
                    }
                }
            }
        }
    }
}

/// The error text RESTORE replies when [`verify_payload`] fails.
pub const PAYLOAD_VERSION_OR_CHECKSUM: &str = "DUMP payload version or checksum are wrong";

/// Checks a DUMP payload's footer (`verifyDumpPayload`): at least 10 bytes, a version not
/// newer than ours, and the CRC64 of everything before the checksum.
pub fn verify_payload(p: &[u8]) -> bool {
    if p.len() < 10 {
        return false;
    }
    let n = p.len();
    let ver = u16::from_le_bytes([p[n - 10], p[n - 9]]);
    if ver > RDB_VERSION {
        return false;
    }
    let stored = u64::from_le_bytes(p[n - 8..].try_into().unwrap_or([0; 8]));
    Crc64::of(&p[..n - 8]) == stored
}

/// The value of a verified payload (`rdbLoadObjectType` + `rdbLoadObject`); an empty
/// collection is an error here. Like Redis, the value is read from the whole payload: a
/// value whose last bytes overlap the footer is read as such, and trailing bytes are
/// ignored.
pub fn payload_value(p: &[u8], limits: Limits) -> Result<Value, RdbError> {
    let mut inp = In { r: p, off: 0, crc: Crc64::new() };
    let t = inp.u8()?;
    match inp.value(t, &limits)? {
        Some(v) => Ok(v),
        None => inp.err("Empty collection"),
    }
}

/// A DUMP payload back to a value: footer checks ([`verify_payload`]; failure carries
/// [`PAYLOAD_VERSION_OR_CHECKSUM`]) then [`payload_value`].
pub fn restore_payload(p: &[u8], limits: Limits) -> Result<Value, RdbError> {
    if !verify_payload(p) {
        return Err(RdbError { offset: 0, msg: PAYLOAD_VERSION_OR_CHECKSUM.into() });
    }
    payload_value(p, limits)
}
