//! Codec tests: length and string encodings, every type and encoding round-tripped through
//! an RDB stream and a DUMP payload, old encodings, and corrupt input (truncation at every
//! offset, flipped bytes) that must fail cleanly, never panic.

use collections::quicklist::RawNode;

use super::decode::{payload_value, restore_payload, verify_payload, Item, Reader};
use super::{encode, EncodeOpts, KeyMeta};
use crate::config::encoding::Limits;
use crate::persist::crc64::Crc64;
use crate::types::list::End;
use crate::types::{Hash, List, Set, StrValue, Value, ZSet};

const ON: EncodeOpts = EncodeOpts { compress: true };
const OFF: EncodeOpts = EncodeOpts { compress: false };

fn small() -> Limits {
    Limits {
        hash_max_listpack_entries: 4,
        hash_max_listpack_value: 16,
        list_max_listpack_size: 4,
        list_compress_depth: 1,
        set_max_intset_entries: 4,
        set_max_listpack_entries: 4,
        set_max_listpack_value: 16,
        zset_max_listpack_entries: 4,
        zset_max_listpack_value: 16,
    }
}

/// An order-independent fingerprint of a value's contents.
fn digest(v: &Value) -> [u8; 20] {
    let mut d = [0u8; 20];
    match v {
        Value::Str(s) => crate::util::digest::mix_digest(&mut d, &s.to_vec()),
        Value::List(l) => l.digest_into(&mut d),
        Value::Hash(h) => h.digest_into(&mut d),
        Value::Set(s) => s.digest_into(&mut d),
        Value::ZSet(z) => z.digest_into(&mut d),
    }
    d
}

fn string(s: &[u8], opts: &EncodeOpts) -> Vec<u8> {
    let mut out = Vec::new();
    encode::string(&mut out, s, opts);
    out
}

/// A sample of every type in every encoding, under `small()` limits.
fn samples() -> Vec<(&'static str, Value)> {
    let lim = small();
    let mut v = vec![
        ("str-emb", Value::Str(StrValue::from_bytes(b"hello"))),
        ("str-int", Value::Str(StrValue::from_bytes(b"-123456789012"))),
        ("str-int8", Value::Str(StrValue::from_bytes(b"7"))),
        ("str-raw", Value::Str(StrValue::from_bytes(&b"xyz".repeat(40)))),
        ("str-bin", Value::Str(StrValue::from_bytes(&(0..=255u8).collect::<Vec<_>>()))),
    ];
    let mut l = List::new();
    for x in ["a", "b", "1", "-70000", "c"].iter().take(3) {
        l.push(End::Tail, x.as_bytes(), &lim);
    }
    v.push(("list-lp", Value::List(Box::new(l))));
    let mut l = List::new();
    for i in 0..40 {
        l.push(End::Tail, format!("element-{:030}", i % 3).as_bytes(), &lim);
        l.push(End::Head, itoa::Buffer::new().format(i * 1000).as_bytes(), &lim);
    }
    assert!(l.as_quicklist().is_some_and(|q| q.compressed_nodes() > 0));
    v.push(("list-ql", Value::List(Box::new(l))));
    let mut h = Hash::new();
    h.set(b"f", b"v", &lim);
    h.set(b"n", b"42", &lim);
    v.push(("hash-lp", Value::Hash(h)));
    // The third hash with the same field list shares it (a shaped listpack hash).
    let mut lp = collections::Listpack::new();
    for e in ["rdb-shaped-a", "1", "rdb-shaped-b", "-70000", "rdb-shaped-c", "text"] {
        lp.push_back(e.as_bytes());
    }
    let mut h = Hash::new();
    for _ in 0..3 {
        h = Hash::from_listpack(&lp);
    }
    assert!(matches!(h, Hash::Shaped(_)));
    v.push(("hash-shaped", Value::Hash(h)));
    let mut h = Hash::new();
    for i in 0..10 {
        h.set(format!("field{i}").as_bytes(), format!("value{i}").as_bytes(), &lim);
    }
    assert_eq!(h.encoding(), "hashtable");
    v.push(("hash-ht", Value::Hash(h)));
    let mut s = Set::create(b"1", 1, &lim);
    for m in ["1", "-5", "100000", "3"] {
        s.add(m.as_bytes(), &lim);
    }
    assert_eq!(s.encoding(), "intset");
    v.push(("set-intset", Value::Set(Box::new(s))));
    let mut s = Set::create(b"a", 1, &lim);
    for m in ["a", "b", "7"] {
        s.add(m.as_bytes(), &lim);
    }
    assert_eq!(s.encoding(), "listpack");
    v.push(("set-lp", Value::Set(Box::new(s))));
    let mut s = Set::create(b"a", 1, &lim);
    for i in 0..20 {
        s.add(format!("m{i}").as_bytes(), &lim);
    }
    assert_eq!(s.encoding(), "hashtable");
    v.push(("set-ht", Value::Set(Box::new(s))));
    let mut z = ZSet::new();
    z.insert(b"a", 1.0, &lim);
    z.insert(b"b", -2.5, &lim);
    z.insert(b"c", f64::INFINITY, &lim);
    assert_eq!(z.encoding(), "listpack");
    v.push(("zset-lp", Value::ZSet(Box::new(z))));
    let mut z = ZSet::new();
    for i in 0..30 {
        z.insert(format!("m{i}").as_bytes(), (i % 7) as f64 * 0.5, &lim);
    }
    assert_eq!(z.encoding(), "skiplist");
    v.push(("zset-sl", Value::ZSet(Box::new(z))));
    v
}

#[test]
fn lengths() {
    for (n, size) in [
        (0u64, 1usize),
        (63, 1),
        (64, 2),
        (16383, 2),
        (16384, 5),
        (u64::from(u32::MAX), 5),
        (u64::from(u32::MAX) + 1, 9),
    ] {
        let mut out = vec![super::opcodes::SELECTDB];
        encode::len(&mut out, n);
        assert_eq!(out.len(), 1 + size, "length {n}");
    }
    let mut out = Vec::new();
    encode::len(&mut out, 300);
    assert_eq!(out, [0x41, 0x2c]);
    let mut out = Vec::new();
    encode::len(&mut out, 70000);
    assert_eq!(out, [0x80, 0, 1, 0x11, 0x70]);
}

#[test]
fn string_encodings() {
    assert_eq!(string(b"123", &OFF), [0xC0, 123]);
    assert_eq!(string(b"-128", &OFF), [0xC0, 0x80]);
    assert_eq!(string(b"-129", &OFF), [0xC1, 0x7f, 0xff]);
    assert_eq!(string(b"2147483647", &OFF), [0xC2, 0xff, 0xff, 0xff, 0x7f]);
    assert_eq!(string(b"2147483648", &OFF), [&[10u8][..], b"2147483648"].concat());
    assert_eq!(string(b"0123", &OFF), [&[4u8][..], b"0123"].concat());
    assert_eq!(string(b"", &OFF), [0]);
    let long = b"a".repeat(100);
    assert_eq!(string(&long, &OFF).len(), 102);
    let z = string(&long, &ON);
    assert_eq!(z[0], 0xC3);
    assert!(z.len() < 20);
    // 21 bytes that do not compress stay raw.
    let noise: Vec<u8> = (0..21u8).map(|i| i.wrapping_mul(37)).collect();
    assert_eq!(string(&noise, &ON)[0], 21);
    // Integers of the value type.
    let mut out = Vec::new();
    encode::value(&mut out, &Value::Str(StrValue::Int(-123456789012)), &ON);
    assert_eq!(out, [&[13u8][..], b"-123456789012"].concat());
}

#[test]
fn every_type_round_trips_as_payload() {
    let lim = small();
    for (name, v) in samples() {
        for opts in [ON, OFF] {
            let p = encode::dump_payload(&v, &opts);
            assert!(verify_payload(&p), "{name}");
            let back = restore_payload(&p, lim).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(back.encoding(), v.encoding(), "{name}");
            assert_eq!(back.type_name(), v.type_name(), "{name}");
            assert_eq!(digest(&back), digest(&v), "{name}");
            if !matches!(name, "hash-ht" | "set-ht") {
                assert_eq!(encode::dump_payload(&back, &opts), p, "{name} re-encodes identically");
            }
        }
    }
}

#[test]
fn loading_follows_the_thresholds() {
    let big = Limits::default();
    for (name, v) in samples() {
        let p = encode::dump_payload(&v, &ON);
        let back = restore_payload(&p, big).unwrap();
        assert_eq!(digest(&back), digest(&v), "{name}");
        let expect = match name {
            "hash-ht" => "listpack",
            "set-ht" => "listpack",
            "zset-sl" => "listpack",
            _ => v.encoding(),
        };
        if name != "list-ql" {
            assert_eq!(back.encoding(), expect, "{name}");
        }
    }
    // A listpack hash over the entry limit converts; an intset over its limit too.
    let tiny = Limits { hash_max_listpack_entries: 1, set_max_intset_entries: 2, ..small() };
    for name in ["hash-lp", "set-intset"] {
        let v = samples().into_iter().find(|s| s.0 == name).unwrap().1;
        let back = restore_payload(&encode::dump_payload(&v, &ON), tiny).unwrap();
        assert_eq!(back.encoding(), "hashtable", "{name}");
        assert_eq!(digest(&back), digest(&v));
    }
}

#[test]
fn quicklist_nodes_are_kept() {
    let v = samples().into_iter().find(|s| s.0 == "list-ql").unwrap().1;
    let p = encode::dump_payload(&v, &OFF);
    let back = restore_payload(&p, small()).unwrap();
    let (Value::List(a), Value::List(b)) = (&v, &back) else { panic!() };
    let (qa, qb) = (a.as_quicklist().unwrap(), b.as_quicklist().unwrap());
    assert_eq!(qa.node_count(), qb.node_count());
    assert_eq!(qa.compressed_nodes(), qb.compressed_nodes());
    let lzf = qa.raw_nodes().filter(|n| matches!(n, RawNode::Lzf { .. })).count();
    assert!(lzf > 0);
}

#[test]
fn file_round_trip_with_crc() {
    let mut out = Vec::new();
    encode::header(
        &mut out,
        &[("redis-ver", "7.0.15"), ("redis-bits", "64"), ("ctime", "1700000000")],
    );
    encode::select_db(&mut out, 0);
    encode::resize_db(&mut out, 3, 1);
    let s = samples();
    encode::entry(&mut out, b"k0", &s[0].1, -1, KeyMeta::None, &ON);
    encode::entry(&mut out, b"k1", &s[5].1, 1_900_000_000_000, KeyMeta::Idle(77), &ON);
    encode::select_db(&mut out, 3);
    encode::entry(&mut out, b"k2", &s[9].1, -1, KeyMeta::Freq(9), &ON);
    encode::function(&mut out, b"#!lua name=x", &ON);
    encode::eof(&mut out);
    let crc = Crc64::of(&out);
    out.extend_from_slice(&crc.to_le_bytes());

    let mut r = Reader::new(&out[..], small(), true).unwrap();
    assert_eq!(r.version(), 10);
    let mut items = Vec::new();
    loop {
        match r.next_item().unwrap() {
            Item::Eof => break,
            i => items.push(i),
        }
    }
    assert_eq!(r.offset(), out.len() as u64);
    assert!(matches!(&items[0], Item::Aux(k, v) if k == b"redis-ver" && v == b"7.0.15"));
    assert!(matches!(&items[1], Item::Aux(k, v) if k == b"redis-bits" && v == b"64"));
    assert!(matches!(&items[3], Item::SelectDb(0)));
    assert!(matches!(&items[4], Item::ResizeDb { size: 3, expires: 1 }));
    assert!(
        matches!(&items[5], Item::Entry { key, expire_ms: -1, meta: KeyMeta::None, .. } if key == b"k0")
    );
    assert!(matches!(
        &items[6],
        Item::Entry { expire_ms: 1_900_000_000_000, meta: KeyMeta::Idle(77), .. }
    ));
    assert!(matches!(&items[7], Item::SelectDb(3)));
    assert!(matches!(&items[8], Item::Entry { meta: KeyMeta::Freq(9), .. }));
    assert!(matches!(&items[9], Item::Function(c) if c == b"#!lua name=x"));

    // A wrong checksum is refused; a zero one (rdbchecksum no) is accepted.
    let n = out.len();
    let mut bad = out.clone();
    bad[n - 1] ^= 1;
    let mut r = Reader::new(&bad[..], small(), true).unwrap();
    let err = loop {
        match r.next_item() {
            Ok(Item::Eof) => panic!("bad crc accepted"),
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    assert!(err.msg.contains("Wrong RDB checksum"), "{}", err.msg);
    assert_eq!(err.offset, n as u64 - 8);
    let mut zero = out.clone();
    zero[n - 8..].fill(0);
    let mut r = Reader::new(&zero[..], small(), true).unwrap();
    while !matches!(r.next_item().unwrap(), Item::Eof) {}
}

#[test]
fn bad_headers() {
    assert!(Reader::new(&b"REDIS0012"[..], small(), true).is_err());
    assert!(Reader::new(&b"RODIS0010"[..], small(), true).is_err());
    assert!(Reader::new(&b"REDIS00"[..], small(), true).is_err());
    assert!(Reader::new(&b"REDIS0011"[..], small(), true).is_ok());
}

#[test]
fn payload_footer_checks() {
    let v = Value::Str(StrValue::from_bytes(b"hello"));
    let mut p = encode::dump_payload(&v, &ON);
    assert!(verify_payload(&p));
    let n = p.len();
    p[n - 10] = 11; // version 11: newer than ours
    let crc = Crc64::of(&p[..n - 8]);
    p[n - 8..].copy_from_slice(&crc.to_le_bytes());
    assert!(!verify_payload(&p));
    assert!(!verify_payload(b"short"));
    let mut p = encode::dump_payload(&v, &ON);
    p[1] ^= 0x20;
    assert!(!verify_payload(&p));
}

#[test]
fn old_encodings() {
    let lim = Limits::default();
    // A ziplist with "a" and the immediate integer 5, as LIST_ZIPLIST.
    let zl: Vec<u8> = [
        &16u32.to_le_bytes()[..],
        &13u32.to_le_bytes(),
        &2u16.to_le_bytes(),
        &[0, 0x01, b'a'],
        &[3, 0xF6],
        &[0xFF],
    ]
    .concat();
    let mut body = vec![super::types::LIST_ZIPLIST];
    encode::string(&mut body, &zl, &OFF);
    let v = payload_value(&[body.clone(), vec![0; 10]].concat(), lim).unwrap();
    let Value::List(l) = v else { panic!() };
    assert_eq!(l.iter().collect::<Vec<_>>(), vec![b"a".to_vec(), b"5".to_vec()]);
    // The same ziplist as a hash (one pair a => 5).
    body[0] = super::types::HASH_ZIPLIST;
    let Value::Hash(h) = payload_value(&[body, vec![0; 10]].concat(), lim).unwrap() else {
        panic!()
    };
    assert_eq!(h.get(b"a"), Some(b"5".to_vec()));
    // A zipmap with one pair "f" => "vv" (one free byte).
    let zm = [1u8, 1, b'f', 2, 1, b'v', b'v', 0, 0xFF];
    let mut body = vec![super::types::HASH_ZIPMAP];
    encode::string(&mut body, &zm, &OFF);
    let Value::Hash(h) = payload_value(&[body, vec![0; 10]].concat(), lim).unwrap() else {
        panic!()
    };
    assert_eq!(h.get(b"f"), Some(b"vv".to_vec()));
    // An old string-scored ZSET.
    let mut body = vec![super::types::ZSET, 2];
    encode::string(&mut body, b"a", &OFF);
    body.extend_from_slice(&[3, b'1', b'.', b'5']);
    encode::string(&mut body, b"b", &OFF);
    body.push(254);
    let Value::ZSet(z) = payload_value(&[body, vec![0; 10]].concat(), lim).unwrap() else {
        panic!()
    };
    assert_eq!(z.score(b"a"), Some(1.5));
    assert_eq!(z.score(b"b"), Some(f64::INFINITY));
}

#[test]
fn duplicates_and_empties_are_refused() {
    let lim = Limits::default();
    let mut body = vec![super::types::SET, 2];
    encode::string(&mut body, b"x", &OFF);
    encode::string(&mut body, b"x", &OFF);
    assert!(payload_value(&[body, vec![0; 10]].concat(), lim).is_err());
    let mut body = vec![super::types::HASH, 0];
    body.extend_from_slice(&[0; 10]);
    assert!(payload_value(&body, lim).is_err());
    let mut body = vec![super::types::ZSET_2, 1];
    encode::string(&mut body, b"x", &OFF);
    body.extend_from_slice(&f64::NAN.to_le_bytes());
    assert!(payload_value(&[body, vec![0; 10]].concat(), lim).is_err());
}

#[test]
fn corrupt_input_never_panics() {
    let lim = small();
    for (name, v) in samples() {
        let p = encode::dump_payload(&v, &ON);
        // Truncated anywhere: the footer check fails, and the body alone fails cleanly.
        for i in 0..p.len() {
            assert!(restore_payload(&p[..i], lim).is_err(), "{name} cut at {i}");
            let body = &p[..p.len() - 10];
            if i < body.len() {
                let _ = payload_value(&[&body[..i], &[0u8; 10][..]].concat(), lim);
            }
        }
        // Every byte flipped (bypassing the checksum): any result but a panic.
        for i in 0..p.len() - 10 {
            for mask in [0x01u8, 0x80, 0xFF] {
                let mut q = p.clone();
                q[i] ^= mask;
                let _ = payload_value(&q, lim);
            }
        }
    }
    // A huge declared length does not allocate it.
    let mut body = vec![super::types::STRING, 0x81];
    body.extend_from_slice(&u64::MAX.to_be_bytes());
    assert!(payload_value(&[body, vec![0; 10]].concat(), lim).is_err());
    let body = [super::types::STRING, 0xC3, 0x01, 0x80, 0xff, 0xff, 0xff, 0xff, 0x00];
    assert!(payload_value(&[&body[..], &[0u8; 10]].concat(), lim).is_err());
}

#[test]
fn truncated_files_fail_with_offsets() {
    let mut out = Vec::new();
    encode::header(&mut out, &[("redis-ver", "7.0.15")]);
    encode::select_db(&mut out, 0);
    for (i, (_, v)) in samples().iter().enumerate() {
        encode::entry(&mut out, format!("k{i}").as_bytes(), v, -1, KeyMeta::None, &ON);
    }
    encode::eof(&mut out);
    let crc = Crc64::of(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    for cut in 0..out.len() {
        let Ok(mut r) = Reader::new(&out[..cut], small(), true) else { continue };
        let err = loop {
            match r.next_item() {
                Ok(Item::Eof) => panic!("truncated file at {cut} read to EOF"),
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        assert!(err.offset <= cut as u64);
    }
}

#[test]
fn flipped_file_bytes_never_panic() {
    let mut out = Vec::new();
    encode::header(&mut out, &[("redis-ver", "7.0.15")]);
    encode::select_db(&mut out, 0);
    for (i, (_, v)) in samples().iter().enumerate() {
        encode::entry(&mut out, format!("k{i}").as_bytes(), v, 1 << 40, KeyMeta::Idle(3), &ON);
    }
    encode::eof(&mut out);
    out.extend_from_slice(&[0; 8]);
    for i in 9..out.len() {
        for mask in [0x01u8, 0x40, 0xFF] {
            let mut f = out.clone();
            f[i] ^= mask;
            let Ok(mut r) = Reader::new(&f[..], small(), false) else { continue };
            for _ in 0..1000 {
                match r.next_item() {
                    Ok(Item::Eof) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
    }
}
