//! `ferrodis-check-rdb <file.rdb>`: reads an RDB file through the server's own reader
//! (`ferrodis::persist::rdb::decode::Reader`, checksum verified) and prints a summary in the
//! style of `redis-check-rdb`, or the first error with its byte offset. Exit code 0 when the
//! file is sound, 1 otherwise.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;

use ferrodis::config::encoding::Limits;
use ferrodis::persist::rdb::decode::{Item, RdbError, Reader};

/// Keys and keys with an expire, per database.
#[derive(Default)]
struct DbCount {
    keys: u64,
    expires: u64,
}

fn fail(e: &RdbError, last_key: Option<&[u8]>) -> ExitCode {
    println!("--- RDB ERROR DETECTED ---");
    println!("[offset {}] {}", e.offset, e.msg);
    if let Some(k) = last_key {
        println!("[additional info] Last key read: '{}'", String::from_utf8_lossy(k));
    }
    ExitCode::from(1)
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("Usage: ferrodis-check-rdb <rdb-file-name>");
        return ExitCode::from(1);
    };
    println!("[offset 0] Checking RDB file {path}");
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            println!("Fatal error: can't open the RDB file {path} for reading: {e}");
            return ExitCode::from(1);
        }
    };
    let mut r = match Reader::new(BufReader::new(file), Limits::default(), true) {
        Ok(r) => r,
        Err(e) => return fail(&e, None),
    };
    println!("[offset {}] RDB version {}", r.offset(), r.version());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut db = 0usize;
    let mut per_db: BTreeMap<usize, DbCount> = BTreeMap::new();
    let (mut keys, mut expires, mut expired, mut functions) = (0u64, 0u64, 0u64, 0u64);
    let mut last_key: Option<Vec<u8>> = None;
    loop {
        let at = r.offset();
        let item = match r.next_item() {
            Ok(i) => i,
            Err(e) => return fail(&e, last_key.as_deref()),
        };
        match item {
            Item::Aux(k, v) => println!(
                "[offset {at}] AUX FIELD {} = '{}'",
                String::from_utf8_lossy(&k),
                String::from_utf8_lossy(&v)
            ),
            Item::SelectDb(n) => {
                db = n;
                println!("[offset {at}] Selecting DB ID {n}");
            }
            Item::ResizeDb { .. } => {}
            Item::Function(_) => functions += 1,
            Item::Entry { key, expire_ms, .. } => {
                keys += 1;
                let c = per_db.entry(db).or_default();
                c.keys += 1;
                if expire_ms != -1 {
                    expires += 1;
                    c.expires += 1;
                    if expire_ms < now {
                        expired += 1;
                    }
                }
                last_key = Some(key);
            }
            Item::Eof => break,
        }
    }
    println!("[offset {}] Checksum OK", r.offset());
    println!("[offset {}] \\o/ RDB looks OK! \\o/", r.offset());
    for (n, c) in &per_db {
        println!("[info] db {n}: {} keys, {} expires", c.keys, c.expires);
    }
    println!("[info] {keys} keys read");
    println!("[info] {expires} expires");
    println!("[info] {expired} already expired");
    if functions > 0 {
        println!("[info] {functions} functions read");
    }
    ExitCode::SUCCESS
}
