//! RDB files between Redis 7.0.15 and ferrodis's codec, both ways, plus the checker binary:
//!
//! * Redis SAVEs the dataset of `dump.rs` (every type and encoding, several databases,
//!   expires); `ferrodis::persist::rdb::decode::Reader` reads the file (checksum verified),
//!   every value is re-encoded as a DUMP payload and RESTOREd into a ferrodis, whose DEBUG
//!   DIGEST must then equal Redis's.
//! * A file written with `encode::*` from values decoded out of Redis's DUMPs is loaded by a
//!   fresh redis-server, whose DEBUG DIGEST must equal the source's.
//! * `ferrodis-check-rdb` accepts Redis's file and reports a truncated copy with an offset.

use std::io::BufReader;
use std::path::PathBuf;

use ferrodis::config::encoding::Limits;
use ferrodis::persist::crc64::Crc64;
use ferrodis::persist::rdb::decode::{restore_payload, Item, Reader};
use ferrodis::persist::rdb::{encode, EncodeOpts, KeyMeta};
use ferrodis::types::{StrValue, Value};
use ferrodis_tests::{ferrodis_bin, temp_dir, RawConn, Reference, TestServer};

use super::dump::{bulk, dataset, lower_thresholds};

const OPTS: EncodeOpts = EncodeOpts { compress: true };

fn ok(c: &mut RawConn, args: &[&[u8]]) {
    let r = c.cmd(args);
    assert!(!r.starts_with(b"-"), "{}", String::from_utf8_lossy(&r));
}

/// Fills the reference: the dataset in db 0 (low thresholds), a few keys in dbs 2 and 5.
fn fill_reference(c: &mut RawConn) {
    lower_thresholds(c, false);
    for cmd in dataset() {
        let args: Vec<&[u8]> = cmd.iter().map(Vec::as_slice).collect();
        ok(c, &args);
    }
    ok(c, &[b"SELECT", b"2"]);
    ok(c, &[b"SET", b"db2:str", b"two", b"PX", b"700000"]);
    ok(c, &[b"SADD", b"db2:set", b"x", b"y", b"1"]);
    ok(c, &[b"SELECT", b"5"]);
    ok(c, &[b"ZADD", b"db5:z", b"1.5", b"a"]);
    ok(c, &[b"SELECT", b"0"]);
}

fn digest(c: &mut RawConn) -> Vec<u8> {
    c.cmd(&["DEBUG", "DIGEST"])
}

fn int_reply(r: &[u8]) -> i64 {
    String::from_utf8_lossy(r).trim().trim_start_matches(':').parse().unwrap()
}

#[test]
fn reader_reads_a_redis_file() {
    let reference = Reference::start();
    let mut rc = reference.raw();
    fill_reference(&mut rc);
    ok(&mut rc, &[b"SAVE"]);
    let path = reference.dir.join("dump.rdb");
    let file = std::fs::File::open(&path).expect("dump.rdb written");
    let mut r = Reader::new(BufReader::new(file), Limits::default(), true).expect("header");
    assert_eq!(r.version(), 10);

    let ours = TestServer::start();
    let mut oc = ours.raw();
    let (mut aux, mut keys, mut dbs) = (Vec::new(), 0, Vec::new());
    loop {
        match r.next_item().unwrap_or_else(|e| panic!("{e}")) {
            Item::Aux(k, v) => aux.push((k, v)),
            Item::SelectDb(n) => {
                dbs.push(n);
                ok(&mut oc, &[b"SELECT", n.to_string().as_bytes()]);
            }
            Item::ResizeDb { .. } | Item::Function(_) => {}
            Item::Entry { key, val, expire_ms, meta } => {
                assert_eq!(meta, KeyMeta::None);
                if key == b"s:int" {
                    assert!(matches!(val, Value::Str(StrValue::Int(12345))));
                }
                let p = encode::dump_payload(&val, &OPTS);
                let ttl = if expire_ms == -1 { 0 } else { expire_ms }.to_string();
                ok(&mut oc, &[b"RESTORE", &key, ttl.as_bytes(), &p, b"ABSTTL"]);
                keys += 1;
            }
            Item::Eof => break,
        }
    }
    assert_eq!(r.offset(), std::fs::metadata(&path).unwrap().len());
    assert!(aux.iter().any(|(k, v)| k == b"redis-ver" && v == b"7.0.15"));
    assert!(aux.iter().any(|(k, v)| k == b"redis-bits" && v == b"64"));
    assert_eq!(dbs, vec![0, 2, 5]);
    assert_eq!(keys, super::dump::KEYS.len() + 3);
    assert_eq!(digest(&mut oc), digest(&mut rc));
}

/// Writes an RDB file from values decoded out of `src`'s DUMPs, all databases in `dbs`.
fn write_file_from_dumps(src: &mut RawConn, dbs: &[usize], path: &PathBuf) {
    let mut out = Vec::new();
    encode::header(
        &mut out,
        &[
            ("redis-ver", "7.0.15"),
            ("redis-bits", "64"),
            ("ctime", "1764100000"),
            ("used-mem", "3000000000"),
            ("aof-base", "0"),
        ],
    );
    for &db in dbs {
        ok(src, &[b"SELECT", db.to_string().as_bytes()]);
        let keys = src.cmd(&["KEYS", "*"]);
        let text = String::from_utf8_lossy(&keys).into_owned();
        let lines: Vec<&str> = text.split("\r\n").collect();
        let keys: Vec<String> =
            lines.windows(2).filter(|w| w[0].starts_with('$')).map(|w| w[1].to_string()).collect();
        let mut entries = Vec::new();
        for k in &keys {
            let p = bulk(&src.cmd(&["DUMP", k])).expect("dump");
            let val = restore_payload(&p, Limits::default()).unwrap_or_else(|e| panic!("{k}: {e}"));
            let at = int_reply(&src.cmd(&["PEXPIRETIME", k]));
            entries.push((k.clone(), val, if at < 0 { -1 } else { at }));
        }
        encode::select_db(&mut out, db);
        let expires = entries.iter().filter(|e| e.2 != -1).count() as u64;
        encode::resize_db(&mut out, entries.len() as u64, expires);
        for (k, v, at) in &entries {
            encode::entry(&mut out, k.as_bytes(), v, *at, KeyMeta::None, &OPTS);
        }
    }
    ok(src, &[b"SELECT", b"0"]);
    encode::eof(&mut out);
    let crc = Crc64::of(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

#[test]
fn redis_loads_a_file_we_write() {
    let source = Reference::start();
    let mut sc = source.raw();
    fill_reference(&mut sc);
    let dir = temp_dir("rdb-out");
    write_file_from_dumps(&mut sc, &[0, 2, 5], &dir.join("dump.rdb"));
    let loaded = Reference::start_with(&["--dir", dir.to_str().unwrap()]);
    let mut lc = loaded.raw();
    assert_eq!(int_reply(&lc.cmd(&["DBSIZE"])), super::dump::KEYS.len() as i64);
    assert_eq!(digest(&mut lc), digest(&mut sc));
}

fn checker() -> PathBuf {
    ferrodis_bin().with_file_name("ferrodis-check-rdb")
}

#[test]
fn checker_binary() {
    let reference = Reference::start();
    let mut rc = reference.raw();
    fill_reference(&mut rc);
    ok(&mut rc, &[b"SAVE"]);
    let path = reference.dir.join("dump.rdb");
    let out = std::process::Command::new(checker()).arg(&path).output().expect("run checker");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("[offset 0] Checking RDB file"), "{text}");
    assert!(text.contains("AUX FIELD redis-ver = '7.0.15'"), "{text}");
    assert!(text.contains("\\o/ RDB looks OK! \\o/"), "{text}");
    let n = super::dump::KEYS.len() + 3;
    assert!(text.contains(&format!("[info] {n} keys read")), "{text}");
    assert!(text.contains("[info] db 2: 2 keys, 1 expires"), "{text}");

    let bytes = std::fs::read(&path).unwrap();
    let dir = temp_dir("rdb-check");
    let cut = dir.join("cut.rdb");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let out = std::process::Command::new(checker()).arg(&cut).output().expect("run checker");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("--- RDB ERROR DETECTED ---"), "{text}");
    assert!(text.contains("Unexpected EOF"), "{text}");

    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 3] ^= 0x40;
    std::fs::write(&cut, &bad).unwrap();
    let out = std::process::Command::new(checker()).arg(&cut).output().expect("run checker");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("[offset {}] Wrong RDB checksum", n - 8)), "{text}");
}
