//! Loading the append-only files at startup (`loadAppendOnlyFiles`): the base (an RDB
//! preamble `REDIS...` read through the RDB reader, or commands), then each incr file in
//! order, replayed through the normal command path (`dispatch::execute`) by a pseudo client
//! that never blocks and whose replies are dropped. Loading runs before the AOF writer
//! subscribes, so nothing replayed is fed back into the AOF.
//!
//! The command reader ([`CommandReader`]) is shared with `ferrodis-check-aof`. It follows
//! Redis's reader (`*<argc>`, then `$<len>` + bytes + CRLF per argument, `#` annotation lines
//! skipped) and additionally checks the CRLF after each argument as redis-check-aof does. An
//! input that ends inside a command is *truncated*: with `aof-load-truncated yes` the last
//! file is cut back to the end of its last complete command, with Redis's warnings, and
//! loading goes on; otherwise loading fails. Anything else malformed is a format error naming
//! the file and the byte offset. Nothing in a file can make loading panic or allocate a
//! declared length up front.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use resp::parse::OwnedArgv;
use resp::ReplyBuf;

use super::manifest::Manifest;
use crate::cmd::dispatch;
use crate::cmd::registry::{registry, Found};
use crate::conn::client::Client;
use crate::server::Server;
use crate::stats::WorkerStats;

/// Longest annotation / count line (`AOF_ANNOTATION_LINE_MAX_LEN`).
const MAX_LINE: usize = 1024;

/// Why reading a command failed.
#[derive(Debug)]
pub enum ReadError {
    /// The input ended inside the command that starts at `at`.
    Truncated {
        at: u64,
    },
    /// Malformed input at byte `at`.
    Format {
        at: u64,
        msg: String,
    },
    Io(std::io::Error),
}

/// Reads commands from an AOF (or an AOF tail) one by one, tracking byte offsets.
pub struct CommandReader<R: BufRead> {
    r: R,
    pos: u64,
}

impl<R: BufRead> CommandReader<R> {
    /// A reader whose first byte is at offset `pos` of the file.
    pub fn new(r: R, pos: u64) -> Self {
        CommandReader { r, pos }
    }

    /// Offset of the next byte to read (the end of the last command read).
    pub fn offset(&self) -> u64 {
        self.pos
    }

    /// Reads one line (up to and including `\n`, at most [`MAX_LINE`] bytes). Returns None at
    /// a clean end of input; the bool tells whether the line was complete.
    fn line(&mut self, out: &mut Vec<u8>) -> Result<Option<bool>, ReadError> {
        out.clear();
        let n =
            (&mut self.r).take(MAX_LINE as u64).read_until(b'\n', out).map_err(ReadError::Io)?;
        self.pos += n as u64;
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(out.last() == Some(&b'\n')))
    }

    /// The next command, or None at the end of input.
    pub fn next_command(&mut self) -> Result<Option<OwnedArgv>, ReadError> {
        let mut line = Vec::new();
        let start = loop {
            let at = self.pos;
            match self.line(&mut line)? {
                None => return Ok(None),
                Some(complete) => {
                    if line[0] == b'#' {
                        if !complete && line.len() >= MAX_LINE {
                            return Err(ReadError::Format {
                                at,
                                msg: "annotation line too long".into(),
                            });
                        }
                        continue;
                    }
                    if !complete {
                        if line.len() >= MAX_LINE {
                            return Err(ReadError::Format { at, msg: "line too long".into() });
                        }
                        return Err(ReadError::Truncated { at });
                    }
                    break at;
                }
            }
        };
        let argc = count_line(&line, b'*').filter(|&n| n >= 1).ok_or_else(|| {
            ReadError::Format { at: start, msg: format!("Expected '*', got: {}", show(&line)) }
        })?;
        let mut argv = OwnedArgv::default();
        let mut arg = Vec::new();
        for _ in 0..argc {
            let at = self.pos;
            match self.line(&mut line)? {
                None => return Err(ReadError::Truncated { at: start }),
                Some(false) if line.len() < MAX_LINE => {
                    return Err(ReadError::Truncated { at: start })
                }
                _ => {}
            }
            let len = count_line(&line, b'$').ok_or_else(|| ReadError::Format {
                at,
                msg: format!("Expected '$', got: {}", show(&line)),
            })?;
            arg.clear();
            // Grows with the data actually present, never by the declared length.
            let got = (&mut self.r).take(len).read_to_end(&mut arg).map_err(ReadError::Io)?;
            self.pos += got as u64;
            if (got as u64) < len {
                return Err(ReadError::Truncated { at: start });
            }
            let mut crlf = [0u8; 2];
            let at_crlf = self.pos;
            let n = read_up_to(&mut self.r, &mut crlf).map_err(ReadError::Io)?;
            self.pos += n as u64;
            if n < 2 {
                return Err(ReadError::Truncated { at: start });
            }
            if &crlf != b"\r\n" {
                return Err(ReadError::Format {
                    at: at_crlf,
                    msg: format!("Expected \\r\\n, got: {:02x}{:02x}", crlf[0], crlf[1]),
                });
            }
            argv.push(&arg);
        }
        Ok(Some(argv))
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Parses `<prefix><digits>\r\n`.
fn count_line(line: &[u8], prefix: u8) -> Option<u64> {
    let body = line.strip_prefix(&[prefix])?.strip_suffix(b"\r\n")?;
    if body.is_empty() || body.len() > 19 || !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(body).ok()?.parse().ok()
}

fn show(line: &[u8]) -> String {
    let t = String::from_utf8_lossy(&line[..line.len().min(64)]).into_owned();
    t.trim_end().to_string()
}

/// How loading one file ended.
#[derive(Debug, PartialEq, Eq)]
pub enum FileLoad {
    Ok,
    Empty,
    /// Truncated and cut back at this offset (only allowed for the last file).
    Truncated(u64),
}

/// The pseudo client AOF commands run as.
struct Loader<'a> {
    srv: &'a Arc<Server>,
    client: Client,
    stats: WorkerStats,
    out: ReplyBuf,
}

impl<'a> Loader<'a> {
    fn new(srv: &'a Arc<Server>) -> Self {
        let addr = "127.0.0.1:0".parse().expect("invariant: literal socket address");
        let info = srv.clients.register(addr, addr, -1, None);
        // Not a connection: not listed by CLIENT LIST or counted by INFO.
        srv.clients.unregister(info.id);
        let mut client = Client::new(info, true);
        client.deny_blocking = true;
        Loader { srv, client, stats: WorkerStats::new(registry().id_count()), out: ReplyBuf::new() }
    }

    /// Runs one command as Redis's AOF client does: looked up, then executed without the
    /// client gate (the server is still `-LOADING` for everybody else).
    fn run(&mut self, argv: &OwnedArgv, name: &str) -> Result<(), String> {
        let Found::Cmd(entry) = registry().find(&argv.view()) else {
            return Err(format!(
                "Unknown command '{}' reading the append only file {name}",
                String::from_utf8_lossy(argv.view().get(0))
            ));
        };
        if !entry.spec.arity_ok(argv.len()) {
            return Err(format!(
                "Wrong number of arguments for '{}' reading the append only file {name}",
                String::from_utf8_lossy(argv.view().get(0))
            ));
        }
        self.out.clear();
        let start = crate::util::time::now_us();
        dispatch::call(
            self.srv,
            &mut self.client,
            &mut self.out,
            argv.view(),
            &self.stats,
            entry,
            start,
        );
        Ok(())
    }
}

/// Opens an AOF file for reading, with Redis's messages.
fn open(path: &Path, name: &str) -> Result<File, String> {
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "The append log file {name} doesn't exist: {}",
                crate::config::os_error_text(&e)
            )
        } else {
            format!(
                "Fatal error: can't open the append log file {name} for reading: {}",
                crate::config::os_error_text(&e)
            )
        }
    })
}

/// Loads one file of the AOF. `last`: whether truncation may be repaired here.
fn load_file(
    loader: &mut Loader<'_>,
    dir: &Path,
    name: &str,
    old_style: bool,
    last: bool,
) -> Result<FileLoad, String> {
    let path = dir.join(name);
    let mut f = open(&path, name)?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    if size == 0 {
        return Ok(FileLoad::Empty);
    }
    let mut sig = [0u8; 5];
    let n = read_up_to(&mut f, &mut sig).map_err(|e| e.to_string())?;
    let mut start = 0u64;
    if n == 5 && &sig == b"REDIS" {
        if old_style {
            crate::notice!("Reading RDB preamble from AOF file...");
        } else {
            crate::notice!("Reading RDB base file on AOF loading...");
        }
        f.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
        start = super::rdb_base::load(loader.srv, &mut f).map_err(|e| {
            let what = if old_style {
                format!(
                    "Error reading the RDB preamble of the AOF file {name}, AOF loading aborted"
                )
            } else {
                format!("Error reading the RDB base file {name}, AOF loading aborted")
            };
            format!("{what} (at offset {}: {})", e.0, e.1)
        })?;
        if old_style {
            crate::notice!("Reading the remaining AOF tail...");
        }
    }
    f.seek(SeekFrom::Start(start)).map_err(|e| e.to_string())?;
    let mut rd = CommandReader::new(BufReader::with_capacity(64 * 1024, f), start);
    // The AOF client starts in db 0 for every file, as Redis creates one per file.
    loader.client.db = 0;
    let truncated_ok = loader.srv.config.get("aof-load-truncated").as_deref() == Some("yes");
    // A transaction is held back until its EXEC: one the file ends inside of is reverted,
    // the file being treated as truncated where its MULTI starts (as Redis does).
    let mut multi: Option<(u64, Vec<OwnedArgv>)> = None;
    loop {
        let before = rd.offset();
        let next = match rd.next_command() {
            Ok(None) => match multi.take() {
                None => return Ok(FileLoad::Ok),
                Some((at, _)) => {
                    crate::warning!("Revert incomplete MULTI/EXEC transaction in AOF file {name}");
                    Err(ReadError::Truncated { at })
                }
            },
            Ok(Some(argv)) => Ok(argv),
            Err(ReadError::Truncated { at }) => {
                Err(ReadError::Truncated { at: multi.take().map_or(at, |(m, _)| m) })
            }
            Err(e) => Err(e),
        };
        match next {
            Ok(argv) => {
                let verb = argv.view().get(0);
                let (is_multi, is_exec) =
                    (verb.eq_ignore_ascii_case(b"multi"), verb.eq_ignore_ascii_case(b"exec"));
                match multi.take() {
                    None if is_multi => multi = Some((before, Vec::new())),
                    None => loader.run(&argv, name)?,
                    Some((_, queued)) if is_exec => {
                        for a in &queued {
                            loader.run(a, name)?;
                        }
                    }
                    Some((at, mut queued)) => {
                        queued.push(argv);
                        multi = Some((at, queued));
                    }
                }
            }
            Err(ReadError::Truncated { at }) => {
                if truncated_ok && last {
                    crate::warning!("!!! Warning: short read while loading the AOF file {name}!!!");
                    crate::warning!("!!! Truncating the AOF {name} at offset {at} !!!");
                    let cut = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .and_then(|f| f.set_len(at));
                    if let Err(e) = cut {
                        return Err(format!(
                            "Error truncating the AOF file {name}: {}",
                            crate::config::os_error_text(&e)
                        ));
                    }
                    crate::warning!(
                        "AOF {name} loaded anyway because aof-load-truncated is enabled"
                    );
                    return Ok(FileLoad::Truncated(at));
                }
                if truncated_ok {
                    // Redis: a truncated file that is not the last one is fatal.
                    return Err(format!(
                        "Unexpected end of file reading the append only file {name} (the command at offset {at} is incomplete, and {name} is not the last AOF file)"
                    ));
                }
                return Err(format!(
                    "Unexpected end of file reading the append only file {name} (the command at offset {at} is incomplete). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
                ));
            }
            Err(ReadError::Format { at, msg }) => {
                return Err(format!(
                    "Bad file format reading the append only file {name} at offset {at} ({msg}): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
                ));
            }
            Err(ReadError::Io(e)) => {
                return Err(format!(
                    "Unrecoverable error reading the append only file {name}: {}",
                    crate::config::os_error_text(&e)
                ));
            }
        }
    }
}

/// Sizes of the files the manifest lists (base, incr); an absent file is fatal.
fn sizes(dir: &Path, am: &Manifest) -> Result<(u64, u64), String> {
    let mut total = 0;
    let mut base = 0;
    for (i, f) in am.base.iter().chain(&am.incr).enumerate() {
        let m = std::fs::metadata(dir.join(&f.name)).map_err(|e| {
            format!(
                "Unable to obtain the AOF file {} length. stat: {}",
                f.name,
                crate::config::os_error_text(&e)
            )
        })?;
        if i == 0 && am.base.is_some() {
            base = m.len();
        }
        total += m.len();
    }
    Ok((total, base))
}

/// Loads every base and incr file of `am` from `dir`. Returns (total size, base size).
pub fn load_all(
    srv: &Arc<Server>,
    dir: &Path,
    am: &Manifest,
    prefix: &str,
) -> Result<(u64, u64), String> {
    let (total, base_size) = sizes(dir, am)?;
    if total == 0 {
        return Ok((0, base_size));
    }
    let mut loader = Loader::new(srv);
    let files: Vec<(&str, bool)> = am
        .base
        .iter()
        .map(|f| (f.name.as_str(), true))
        .chain(am.incr.iter().map(|f| (f.name.as_str(), false)))
        .collect();
    let n = files.len();
    for (i, (name, is_base)) in files.into_iter().enumerate() {
        let started = std::time::Instant::now();
        let res = load_file(&mut loader, dir, name, name == prefix, i + 1 == n)?;
        if res != FileLoad::Empty || is_base {
            crate::notice!(
                "DB loaded from {} file {name}: {:.3} seconds",
                if is_base { "base" } else { "incr" },
                started.elapsed().as_secs_f64()
            );
        }
    }
    // A truncation changed the size.
    let (total, base_size) = sizes(dir, am)?;
    Ok((total, base_size))
}

/// The directory of the AOF (relative to `dir`, the working directory).
pub fn aof_dir(srv: &Server) -> PathBuf {
    PathBuf::from(srv.config.get("appenddirname").unwrap_or_else(|| "appendonlydir".into()))
}
