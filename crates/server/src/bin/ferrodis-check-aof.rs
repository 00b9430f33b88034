//! `ferrodis-check-aof [--fix] <file.manifest|dir|file.aof>`: checks an append-only file as
//! redis-check-aof does — a multi-part AOF through its manifest (base, then every incr file),
//! or one file (old style, with or without an RDB preamble) — and reports the first bad
//! offset. `--fix` truncates the last file back to its last complete command (Redis asks
//! y/N first; here `--fix` is the consent). Exit code 0 when everything is valid (or was
//! fixed), 1 otherwise.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::exit;

use ferrodis::persist::aof::load::{CommandReader, ReadError};
use ferrodis::persist::aof::manifest::Manifest;
use ferrodis::persist::aof::rdb_base;

const USAGE: &str =
    "Usage: ferrodis-check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>";

/// The outcome of checking one file.
struct Checked {
    size: u64,
    ok_up_to: u64,
}

fn fail(msg: &str) -> ! {
    println!("{msg}");
    exit(1);
}

/// Lines (`\n`) of the command part (from `from`) in the first `upto` bytes of `path`, plus
/// one, as Redis reports `ok_up_to_line`.
fn count_lines(path: &Path, from: u64, upto: u64) -> u64 {
    let Ok(mut f) = File::open(path) else { return 0 };
    if f.seek(SeekFrom::Start(from)).is_err() {
        return 0;
    }
    let mut r = BufReader::new(f.take(upto.saturating_sub(from)));
    let mut n = 0u64;
    loop {
        let buf = match r.fill_buf() {
            Ok(b) if !b.is_empty() => b,
            _ => break,
        };
        n += buf.iter().filter(|&&c| c == b'\n').count() as u64;
        let len = buf.len();
        r.consume(len);
    }
    n + 1
}

/// Checks one file: an optional RDB preamble, then commands.
fn check_file(path: &Path) -> Checked {
    let mut f = File::open(path).unwrap_or_else(|e| {
        fail(&format!(
            "Cannot open file {}: {}",
            path.display(),
            ferrodis::config::os_error_text(&e)
        ))
    });
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut sig = [0u8; 5];
    let has_rdb = f.read_exact(&mut sig).is_ok() && &sig == b"REDIS";
    let mut start = 0;
    if has_rdb {
        let _ = f.seek(SeekFrom::Start(0));
        match rdb_base::check(&mut f) {
            Ok(end) => {
                println!("RDB preamble is OK, proceeding with AOF tail...");
                start = end;
            }
            Err((at, msg)) => {
                println!("0x{at:>16x}: {msg}");
                fail("RDB preamble of AOF file is not sane, aborting.");
            }
        }
    }
    if f.seek(SeekFrom::Start(start)).is_err() {
        fail(&format!("Cannot seek in {}", path.display()));
    }
    let mut rd = CommandReader::new(BufReader::new(f), start);
    let mut ok_up_to = start;
    loop {
        match rd.next_command() {
            Ok(None) => break,
            Ok(Some(_)) => ok_up_to = rd.offset(),
            Err(ReadError::Truncated { at }) => {
                println!("0x{:>16x}: Unexpected end of file (incomplete command)", rd.offset());
                ok_up_to = at;
                break;
            }
            Err(ReadError::Format { at, msg }) => {
                if msg.starts_with("Expected '*'") {
                    println!("AOF {} format error", name_of(path));
                } else {
                    println!("0x{at:>16x}: {msg}");
                }
                break;
            }
            Err(ReadError::Io(e)) => fail(&format!("Error reading {}: {e}", path.display())),
        }
    }
    println!(
        "AOF analyzed: filename={}, size={size}, ok_up_to={ok_up_to}, ok_up_to_line={}, diff={}",
        name_of(path),
        count_lines(path, start, ok_up_to),
        size - ok_up_to
    );
    Checked { size, ok_up_to }
}

fn name_of(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Reports a bad file; with `fix` (allowed on the last file only) truncates it.
fn settle(path: &Path, shown: &str, c: &Checked, fix: bool, can_fix: bool) {
    if c.ok_up_to == c.size {
        return;
    }
    if !fix || !can_fix {
        fail(&format!("AOF {shown} is not valid. Use the --fix option to try fixing it."));
    }
    println!(
        "This will shrink the AOF {shown} from {} bytes, with {} bytes, to {} bytes",
        c.size,
        c.size - c.ok_up_to,
        c.ok_up_to
    );
    let res =
        std::fs::OpenOptions::new().write(true).open(path).and_then(|f| f.set_len(c.ok_up_to));
    match res {
        Ok(()) => println!("Successfully truncated AOF {shown}"),
        Err(e) => fail(&format!("Failed to truncate AOF {shown}: {e}")),
    }
}

fn check_manifest(manifest: &Path, fix: bool) {
    let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let text = std::fs::read(manifest).unwrap_or_else(|e| {
        fail(&format!(
            "Cannot open file {}: {}",
            manifest.display(),
            ferrodis::config::os_error_text(&e)
        ))
    });
    let am = Manifest::parse(&text).unwrap_or_else(|e| fail(&e.to_string()));
    println!("Start checking Multi Part AOF");
    let total = usize::from(am.base.is_some()) + am.incr.len();
    let mut seen = 0;
    if let Some(b) = &am.base {
        seen += 1;
        let path = dir.join(&b.name);
        let rdb = b.name.ends_with(".rdb");
        println!("Start to check BASE AOF ({} format).", if rdb { "RDB" } else { "RESP" });
        let c = check_file(&path);
        settle(&path, &b.name, &c, fix, seen == total);
        println!("BASE AOF {} is valid", b.name);
    }
    if !am.incr.is_empty() {
        println!("Start to check INCR files.");
    }
    for f in &am.incr {
        seen += 1;
        let path = dir.join(&f.name);
        let c = check_file(&path);
        settle(&path, &f.name, &c, fix, seen == total);
        println!("INCR AOF {} is valid", f.name);
    }
    println!("All AOF files and manifest are valid");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (fix, target) = match args.as_slice() {
        [f] if f != "--fix" && !f.starts_with("--") => (false, f.clone()),
        [flag, f] if flag == "--fix" => (true, f.clone()),
        [flag, _, _] if flag == "--truncate-to-timestamp" => {
            fail("--truncate-to-timestamp is not supported by this ferrodis release")
        }
        _ => fail(USAGE),
    };
    let mut path = PathBuf::from(&target);
    if path.is_dir() {
        // A directory: its manifest.
        let found = std::fs::read_dir(&path).ok().and_then(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == "manifest"))
        });
        match found {
            Some(m) => path = m,
            None => fail(&format!("No AOF manifest found in {}", path.display())),
        }
    }
    if path.extension().is_some_and(|x| x == "manifest") {
        check_manifest(&path, fix);
        exit(0);
    }
    let mut sig = [0u8; 5];
    let rdb =
        File::open(&path).and_then(|mut f| f.read_exact(&mut sig)).is_ok() && &sig == b"REDIS";
    println!("Start checking {}", if rdb { "RDB-preamble AOF" } else { "Old-Style AOF" });
    let c = check_file(&path);
    let shown = path.display().to_string();
    settle(&path, &shown, &c, fix, true);
    if c.ok_up_to == c.size {
        println!("AOF {shown} is valid");
    }
}
