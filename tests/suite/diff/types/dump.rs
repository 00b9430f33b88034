//! Random traffic for DUMP and RESTORE.
//!
//! RESTORE payloads are built here with ferrodis's own codec (`persist::rdb::encode`) from a
//! random small value of a random type (strings, lists, hashes, intset or listpack sets,
//! sorted sets; every encoding is covered by `unit::dump`),
//! sometimes with a broken checksum, a newer RDB version or bad options, so both servers
//! must load the same bytes into the same value (the following commands compare it) or
//! refuse them with the same error.
//!
//! Allowed difference (`tests/ALLOWED_DIFFERENCES.md`, "DUMP / RESTORE"): a DUMP reply is
//! compared by what it holds, not byte for byte: both payloads are decoded and their values
//! compared by an order-independent digest (a hashtable's element order is its table's).

use ferrodis::config::encoding::Limits;
use ferrodis::persist::rdb::decode::restore_payload;
use ferrodis::persist::rdb::{encode, EncodeOpts};
use ferrodis::types::list::End;
use ferrodis::types::{Hash, List, Set, StrValue, Value, ZSet};

use super::super::generator::{b, cmd, Entry, Gen};

/// A value of a random type, its size picking the encoding under Redis's default limits.
fn random_value(g: &mut Gen) -> Value {
    let lim = Limits::default();
    // Small values only: the random traffic's other commands compare some replies of large
    // hashtable-ordered collections by order (SORT ... LIMIT), which only `unit::dump`
    // covers with a fixed dataset.
    let n = 1 + g.rng.below(8);
    let member = |g: &mut Gen, i: usize| -> Vec<u8> {
        match g.rng.below(3) {
            0 => i.to_string().into_bytes(),
            1 => format!("m{i}").into_bytes(),
            _ => g.value(),
        }
    };
    match g.rng.below(5) {
        0 => {
            let v = if g.rng.chance(1, 3) {
                "x".repeat(g.rng.below(300)).into_bytes()
            } else {
                g.value()
            };
            Value::Str(StrValue::from_bytes(&v))
        }
        1 => {
            let mut l = List::new();
            for i in 0..n {
                let m = member(g, i);
                l.push(End::Tail, &m, &lim);
            }
            Value::List(Box::new(l))
        }
        2 => {
            let mut h = Hash::new();
            for i in 0..n {
                let (f, v) = (member(g, i), member(g, i + 7));
                h.prepare_write([f.as_slice(), v.as_slice()].into_iter(), &lim);
                h.set(&f, &v, &lim);
            }
            Value::Hash(h)
        }
        3 => {
            let ints = g.rng.chance(1, 2);
            let first = if ints { b"0".to_vec() } else { member(g, 0) };
            let mut s = Set::create(&first, n, &lim);
            for i in 0..n {
                let m = if ints { (i * 3).to_string().into_bytes() } else { member(g, i) };
                s.add(&m, &lim);
            }
            Value::Set(Box::new(s))
        }
        _ => {
            let first = member(g, 0);
            let mut z = ZSet::for_first_member(first.len(), &lim);
            for i in 0..n {
                let score = (g.rng.below(50) as f64 - 25.0) / 4.0;
                z.insert(&member(g, i), score, &lim);
            }
            Value::ZSet(Box::new(z))
        }
    }
}

/// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s | FREQ f], mostly valid.
fn restore(g: &mut Gen) -> Vec<Vec<u8>> {
    let v = random_value(g);
    let mut p = encode::dump_payload(&v, &EncodeOpts { compress: g.rng.chance(1, 2) });
    let n = p.len();
    match g.rng.below(20) {
        0 => p[n - 1] ^= 1,
        1 => p[n - 10] = 11,
        _ => {}
    }
    let ttl = match g.rng.below(8) {
        0 => b("100000000000"),
        1 => b("-1"),
        _ => b("0"),
    };
    let mut a = cmd("RESTORE", vec![g.key(), ttl, p]);
    if g.rng.chance(4, 5) {
        a.push(g.opt("REPLACE"));
    }
    match g.rng.below(8) {
        0 => a.push(g.opt("ABSTTL")),
        1 => {
            a.push(g.opt("IDLETIME"));
            a.push(g.int());
        }
        2 => {
            a.push(g.opt("FREQ"));
            a.push(g.int());
        }
        _ => {}
    }
    a
}

/// The DUMP / RESTORE commands the generator knows.
pub static COMMANDS: &[Entry] = &[
    Entry { name: "dump", weight: 3, build: |g| cmd("DUMP", vec![g.key()]) },
    Entry { name: "restore", weight: 3, build: restore },
];

/// An order-independent digest of a value.
fn digest(v: &Value) -> [u8; 20] {
    let mut d = [0u8; 20];
    match v {
        Value::Str(s) => {
            d[..8].copy_from_slice(&ferrodis::persist::crc64::Crc64::of(&s.to_vec()).to_le_bytes())
        }
        Value::List(l) => l.digest_into(&mut d),
        Value::Hash(h) => h.digest_into(&mut d),
        Value::Set(s) => s.digest_into(&mut d),
        Value::ZSet(z) => z.digest_into(&mut d),
    }
    d
}

/// The value of a DUMP reply.
fn dumped(reply: &[u8]) -> Option<(&'static str, [u8; 20])> {
    let nl = reply.iter().position(|&c| c == b'\n')?;
    let n: usize = std::str::from_utf8(reply.get(1..nl.checked_sub(1)?)?).ok()?.parse().ok()?;
    let p = reply.get(nl + 1..nl + 1 + n)?;
    let v = restore_payload(p, Limits::default()).ok()?;
    Some((v.type_name(), digest(&v)))
}

/// This family's allowed differences (see the module docs).
pub fn equivalent(name: &str, _argv: &[Vec<u8>], ours: &[u8], theirs: &[u8]) -> bool {
    name == "dump" && ours.starts_with(b"$") && theirs.starts_with(b"$") && {
        let (a, b) = (dumped(ours), dumped(theirs));
        a.is_some() && a == b
    }
}
