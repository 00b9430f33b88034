//! The AOF manifest of Redis 7's multi-part layout: which files make up the append-only file.
//!
//! `dir/<appenddirname>/<appendfilename>.manifest` lists one file per line,
//! `file <name> seq <n> type <b|h|i>`: at most one base (`b`, the snapshot of the last
//! rewrite, RDB `.base.rdb` or commands `.base.aof`), history files (`h`, replaced by a
//! rewrite, deleted unless `aof-disable-auto-gc`), and the incremental files (`i`, commands
//! since the base, loaded in order; the last one is the file being appended to). Parsing
//! follows `aofLoadManifestFromFile` (comments, `sdssplitargs` quoting, unknown keys ignored
//! for forward compatibility, the same error texts); writing follows `aofInfoFormat`
//! (quoted with `sdscatrepr` only when needed). A new manifest is written to
//! `temp-<appendfilename>.manifest`, fsynced, renamed over the old one, and the directory is
//! fsynced, so a crash leaves either the old or the new manifest, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Kind of a file listed in the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Base,
    History,
    Incr,
}

impl FileType {
    fn letter(self) -> char {
        match self {
            FileType::Base => 'b',
            FileType::History => 'h',
            FileType::Incr => 'i',
        }
    }
}

/// One manifest line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AofFile {
    pub name: String,
    pub seq: i64,
    pub kind: FileType,
}

/// The parsed manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofFile>,
    pub history: Vec<AofFile>,
    pub incr: Vec<AofFile>,
    /// Sequence number of the current base (0: none yet).
    pub base_seq: i64,
    /// Sequence number of the last incr file (0: none yet).
    pub incr_seq: i64,
}

/// Longest manifest line Redis reads (`MANIFEST_MAX_LINE`).
const MAX_LINE: usize = 1024;

/// A manifest that cannot be used: Redis's message, and the offending line when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    pub msg: String,
    /// (line number, trimmed line text).
    pub line: Option<(usize, String)>,
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.line {
            Some((n, l)) => write!(
                f,
                "*** FATAL AOF MANIFEST FILE ERROR *** Reading the manifest file, at line {n} >>> '{l}': {}",
                self.msg
            ),
            None => write!(f, "*** FATAL AOF MANIFEST FILE ERROR *** {}", self.msg),
        }
    }
}

fn is_base_name(name: &str) -> bool {
    !name.contains('/')
}

/// `atoll`: optional sign and leading digits, anything after ignored; 0 when there are none.
fn atoll(s: &[u8]) -> i64 {
    let t: &[u8] = {
        let start = s.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(s.len());
        &s[start..]
    };
    let (neg, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.wrapping_mul(10).wrapping_add((c - b'0') as i64);
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

impl Manifest {
    /// Parses a manifest's text with Redis's rules and messages.
    pub fn parse(text: &[u8]) -> Result<Manifest, ManifestError> {
        let mut am = Manifest::default();
        let mut maxseq = 0i64;
        let mut linenum = 0usize;
        let mut rest = text;
        if rest.is_empty() {
            return Err(ManifestError { msg: "Found an empty AOF manifest".into(), line: None });
        }
        while !rest.is_empty() {
            // fgets with a MAX_LINE+1 buffer: at most MAX_LINE bytes, up to and including '\n'.
            let take = match rest.iter().take(MAX_LINE).position(|&c| c == b'\n') {
                Some(i) => i + 1,
                None => rest.len().min(MAX_LINE),
            };
            let raw = &rest[..take];
            rest = &rest[take..];
            linenum += 1;
            if raw.first() == Some(&b'#') {
                continue;
            }
            let shown =
                String::from_utf8_lossy(raw).trim_matches([' ', '\t', '\r', '\n']).to_string();
            let fail = |msg: &str| ManifestError {
                msg: msg.to_string(),
                line: Some((linenum, shown.clone())),
            };
            if !raw.contains(&b'\n') {
                return Err(fail("The AOF manifest file contains too long line"));
            }
            if shown.is_empty() {
                return Err(fail("Invalid AOF manifest file format"));
            }
            let mut buf = Vec::new();
            let mut ranges = Vec::new();
            let trimmed = shown.as_bytes();
            if !resp::parse::split_args(trimmed, &mut buf, &mut ranges)
                || ranges.len() < 6
                || ranges.len() % 2 != 0
            {
                return Err(fail("Invalid AOF manifest file format"));
            }
            let (mut name, mut seq, mut kind) = (None::<String>, 0i64, 0u8);
            for pair in ranges.chunks(2) {
                let k = &buf[pair[0].clone()];
                let v = &buf[pair[1].clone()];
                if k.eq_ignore_ascii_case(b"file") {
                    let n = String::from_utf8_lossy(v).into_owned();
                    if !is_base_name(&n) {
                        return Err(fail("File can't be a path, just a filename"));
                    }
                    name = Some(n);
                } else if k.eq_ignore_ascii_case(b"seq") {
                    seq = atoll(v);
                } else if k.eq_ignore_ascii_case(b"type") {
                    kind = v.first().copied().unwrap_or(0);
                }
            }
            let Some(name) = name.filter(|_| seq != 0 && kind != 0) else {
                return Err(fail("Invalid AOF manifest file format"));
            };
            match kind {
                b'b' => {
                    if am.base.is_some() {
                        return Err(fail("Found duplicate base file information"));
                    }
                    am.base = Some(AofFile { name, seq, kind: FileType::Base });
                    am.base_seq = seq;
                }
                b'h' => am.history.push(AofFile { name, seq, kind: FileType::History }),
                b'i' => {
                    if seq <= maxseq {
                        return Err(fail("Found a non-monotonic sequence number"));
                    }
                    am.incr.push(AofFile { name, seq, kind: FileType::Incr });
                    am.incr_seq = seq;
                    maxseq = seq;
                }
                _ => return Err(fail("Unknown AOF file type")),
            }
        }
        Ok(am)
    }

    /// The manifest's text: base first, then history, then incr files.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for f in self.base.iter().chain(&self.history).chain(&self.incr) {
            s.push_str(&format!(
                "file {} seq {} type {}\n",
                repr_if_needed(&f.name),
                f.seq,
                f.kind.letter()
            ));
        }
        s
    }

    /// Makes a new base name `<prefix>.<seq+1>.base.<rdb|aof>` current; the previous base
    /// becomes history (`getNewBaseFileNameAndMarkPreAsHistory`).
    pub fn new_base(&mut self, prefix: &str, rdb: bool) -> String {
        if let Some(mut old) = self.base.take() {
            old.kind = FileType::History;
            self.history.insert(0, old);
        }
        self.base_seq += 1;
        let name = format!("{prefix}.{}.base.{}", self.base_seq, if rdb { "rdb" } else { "aof" });
        self.base = Some(AofFile { name: name.clone(), seq: self.base_seq, kind: FileType::Base });
        name
    }

    /// Appends a new incr file `<prefix>.<seq+1>.incr.aof` (`getNewIncrAofName`).
    pub fn new_incr(&mut self, prefix: &str) -> String {
        self.incr_seq += 1;
        let name = format!("{prefix}.{}.incr.aof", self.incr_seq);
        self.incr.push(AofFile { name: name.clone(), seq: self.incr_seq, kind: FileType::Incr });
        name
    }

    /// The last incr file, creating one when there is none (`getLastIncrAofName`).
    pub fn last_incr(&mut self, prefix: &str) -> String {
        match self.incr.last() {
            Some(f) => f.name.clone(),
            None => self.new_incr(prefix),
        }
    }

    /// After a rewrite: every incr file but the last (the one being written) becomes history
    /// (`markRewrittenIncrAofAsHistory`).
    pub fn mark_rewritten_incr_as_history(&mut self, keep_last: bool) {
        let keep = usize::from(keep_last && !self.incr.is_empty());
        let n = self.incr.len() - keep;
        let moved: Vec<AofFile> = self.incr.drain(..n).collect();
        for mut f in moved.into_iter().rev() {
            f.kind = FileType::History;
            self.history.insert(0, f);
        }
    }
}

/// `sdsneedsrepr` + `sdscatrepr`: quoted only if the name has spaces, quotes, backslashes or
/// unprintable bytes.
fn repr_if_needed(name: &str) -> String {
    let needs =
        name.is_empty() || name.bytes().any(|c| c == b'\\' || c == b'"' || !c.is_ascii_graphic());
    if !needs {
        return name.to_string();
    }
    let mut out = String::from("\"");
    for c in name.bytes() {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            c if c.is_ascii_graphic() || c == b' ' => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}

/// `<dir>/<prefix>.manifest`.
pub fn manifest_path(dir: &Path, prefix: &str) -> PathBuf {
    dir.join(format!("{prefix}.manifest"))
}

/// Reads and parses the manifest in `dir`. `Ok(None)` when the directory or the manifest
/// does not exist.
pub fn load(dir: &Path, prefix: &str) -> Result<Option<Manifest>, String> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let path = manifest_path(dir, prefix);
    match std::fs::read(&path) {
        Ok(text) => Manifest::parse(&text).map(Some).map_err(|e| e.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!(
            "Fatal error: can't open the AOF manifest file {} for reading: {}",
            path.display(),
            crate::config::os_error_text(&e)
        )),
    }
}

/// fsyncs a directory, so renames and new files in it are durable.
pub fn fsync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Writes the manifest atomically: temp file, fsync, rename, fsync of the directory.
pub fn persist(dir: &Path, prefix: &str, am: &Manifest) -> Result<(), String> {
    let tmp = dir.join(format!("temp-{prefix}.manifest"));
    let path = manifest_path(dir, prefix);
    let os = |e: std::io::Error| crate::config::os_error_text(&e);
    let mut f = std::fs::File::create(&tmp).map_err(|e| {
        format!("Can't open the AOF manifest file temp-{prefix}.manifest: {}", os(e))
    })?;
    f.write_all(am.to_text().as_bytes()).map_err(|e| {
        format!(
            "Error trying to write the temporary AOF manifest file temp-{prefix}.manifest: {}",
            os(e)
        )
    })?;
    f.sync_all().map_err(|e| {
        format!("Fail to fsync the temp AOF file temp-{prefix}.manifest: {}.", os(e))
    })?;
    drop(f);
    std::fs::rename(&tmp, &path).map_err(|e| {
        format!(
            "Error trying to rename the temporary AOF manifest file temp-{prefix}.manifest into {prefix}.manifest: {}",
            os(e)
        )
    })?;
    fsync_dir(dir)
        .map_err(|e| format!("Fail to fsync AOF directory {}: {}.", path.display(), os(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format_round_trip() {
        let text = "file appendonly.aof.2.base.rdb seq 2 type b\n\
                    file appendonly.aof.1.incr.aof seq 1 type h\n\
                    file appendonly.aof.3.incr.aof seq 3 type i\n\
                    file appendonly.aof.4.incr.aof seq 4 type i\n";
        let am = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(am.base.as_ref().unwrap().name, "appendonly.aof.2.base.rdb");
        assert_eq!(am.history.len(), 1);
        assert_eq!(am.incr.len(), 2);
        assert_eq!(am.incr_seq, 4);
        assert_eq!(am.to_text(), text);
    }

    #[test]
    fn quoting_comments_and_extra_keys() {
        let text = "# comment\nfile \"a b.aof\" seq 1 type i future x\n";
        let am = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(am.incr[0].name, "a b.aof");
        assert_eq!(am.to_text(), "file \"a b.aof\" seq 1 type i\n");
    }

    #[test]
    fn errors_use_redis_texts() {
        let e = |t: &str| Manifest::parse(t.as_bytes()).unwrap_err().msg;
        assert_eq!(e(""), "Found an empty AOF manifest");
        assert_eq!(e("file a seq 1\n"), "Invalid AOF manifest file format");
        assert_eq!(e("\n"), "Invalid AOF manifest file format");
        assert_eq!(e("file a/b seq 1 type i\n"), "File can't be a path, just a filename");
        assert_eq!(
            e("file a seq 1 type b\nfile b seq 2 type b\n"),
            "Found duplicate base file information"
        );
        assert_eq!(
            e("file a seq 2 type i\nfile b seq 2 type i\n"),
            "Found a non-monotonic sequence number"
        );
        assert_eq!(e("file a seq 1 type x\n"), "Unknown AOF file type");
        assert_eq!(e("file a seq 1 type i"), "The AOF manifest file contains too long line");
        let long = format!("file {} seq 1 type i\n", "a".repeat(1100));
        assert_eq!(e(&long), "The AOF manifest file contains too long line");
    }

    #[test]
    fn rewrite_bookkeeping() {
        let mut am = Manifest::default();
        assert_eq!(am.new_base("appendonly.aof", true), "appendonly.aof.1.base.rdb");
        assert_eq!(am.last_incr("appendonly.aof"), "appendonly.aof.1.incr.aof");
        assert_eq!(am.new_incr("appendonly.aof"), "appendonly.aof.2.incr.aof");
        am.new_base("appendonly.aof", true);
        am.mark_rewritten_incr_as_history(true);
        assert_eq!(
            am.to_text(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n\
             file appendonly.aof.1.incr.aof seq 1 type h\n\
             file appendonly.aof.1.base.rdb seq 1 type h\n\
             file appendonly.aof.2.incr.aof seq 2 type i\n"
        );
    }
}
