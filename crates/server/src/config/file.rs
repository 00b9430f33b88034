//! redis.conf parsing and the `ferrodis-server [config] [--name value ...]` command line.
//!
//! A config file is a list of lines `name arg1 arg2 ...` split with `sdssplitargs` rules
//! (quotes, escapes); `#` starts a comment line; `include path` reads another file in place.
//! Command-line `--name args...` options are appended after the file, so they win, exactly as
//! `redis-server` turns them into extra config lines.

use resp::parse::split_args;

use super::{find_param, Kind, Param, PARAMS};

/// One directive with the line it came from (for error messages).
#[derive(Debug, Clone)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    pub line_no: usize,
    pub line: String,
}

/// Parses config text into directives, following `include`s.
pub fn parse_text(text: &str, depth: usize) -> Result<Vec<Directive>, (usize, String, String)> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut buf = Vec::new();
        let mut ranges = Vec::new();
        if !split_args(line.as_bytes(), &mut buf, &mut ranges) {
            return Err((
                n + 1,
                line.to_string(),
                "Unbalanced quotes in configuration line".into(),
            ));
        }
        if ranges.is_empty() {
            continue;
        }
        let words: Vec<String> =
            ranges.iter().map(|r| String::from_utf8_lossy(&buf[r.clone()]).into_owned()).collect();
        let name = words[0].to_ascii_lowercase();
        if name == "include" {
            if words.len() != 2 {
                return Err((
                    n + 1,
                    line.into(),
                    "Bad directive or wrong number of arguments".into(),
                ));
            }
            if depth > 16 {
                return Err((n + 1, line.into(), "Too many nested includes".into()));
            }
            for path in include_paths(&words[1]) {
                let inner = std::fs::read_to_string(&path).map_err(|e| {
                    (
                        n + 1,
                        line.to_string(),
                        format!(
                            "Fatal error, can't open config file '{path}': {}",
                            super::os_error_text(&e)
                        ),
                    )
                })?;
                out.extend(parse_text(&inner, depth + 1)?);
            }
            continue;
        }
        out.push(Directive { name, args: words[1..].to_vec(), line_no: n + 1, line: line.into() });
    }
    Ok(out)
}

/// The files an `include` names: the path itself, or, when its last component has glob
/// characters, the matching files of that directory in name order.
fn include_paths(pattern: &str) -> Vec<String> {
    let path = std::path::Path::new(pattern);
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return vec![pattern.to_string()];
    };
    if !name.contains(['*', '?', '[']) {
        return vec![pattern.to_string()];
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .filter_map(|e| e.file_name().to_str().map(|s| s.to_string()))
                .filter(|f| crate::util::glob::matches(name.as_bytes(), f.as_bytes(), false))
                .map(|f| dir.join(f).display().to_string())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// What the command line asked for.
pub enum Invocation {
    /// Run with this config file (if any) and these extra directives.
    Run {
        file: Option<String>,
        options: String,
    },
    Version,
    Help,
}

/// Interprets `argv` (without the program name) the way redis-server does.
pub fn parse_argv(args: &[String]) -> Invocation {
    let mut file = None;
    let mut i = 0;
    if let Some(first) = args.first() {
        match first.as_str() {
            "-v" | "--version" => return Invocation::Version,
            "-h" | "--help" => return Invocation::Help,
            s if !s.starts_with("--") => {
                file = Some(s.to_string());
                i = 1;
            }
            _ => {}
        }
    }
    // Each `--name` starts a new line; the words after it are its arguments, quoted so the
    // config parser sees them as single arguments (`--save ""` keeps its empty argument).
    let mut options = String::new();
    for a in &args[i..] {
        if let Some(name) = a.strip_prefix("--") {
            if !options.is_empty() {
                options.push('\n');
            }
            options.push_str(name);
        } else {
            options.push(' ');
            options.push('"');
            for c in a.chars() {
                match c {
                    '"' => options.push_str("\\\""),
                    '\\' => options.push_str("\\\\"),
                    '\n' => options.push_str("\\n"),
                    c => options.push(c),
                }
            }
            options.push('"');
        }
    }
    Invocation::Run { file, options }
}

/// Quotes a string the way redis.conf strings are written back (`sdscatrepr` style).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        match b {
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

/// A byte count with the largest exact unit (`1gb`, `64mb`, `4kb`), as rewrites print it.
fn fmt_mem(n: u64) -> String {
    const GB: u64 = 1024 * 1024 * 1024;
    if n == 0 || !n.is_multiple_of(1024) {
        n.to_string()
    } else if n.is_multiple_of(GB) {
        format!("{}gb", n / GB)
    } else if n.is_multiple_of(1024 * 1024) {
        format!("{}mb", n / (1024 * 1024))
    } else {
        format!("{}kb", n / 1024)
    }
}

/// The redis.conf lines that express `value` for `p`, each with whether it must be written
/// even when the file has no line for it (it differs from the default).
fn lines_for(p: &Param, value: &str) -> Vec<(String, bool)> {
    let n = p.name;
    let changed = value != p.default;
    let all = |lines: Vec<String>| lines.into_iter().map(|l| (l, changed)).collect();
    match p.kind {
        Kind::Save => {
            let w: Vec<&str> = value.split_whitespace().collect();
            if w.is_empty() {
                return all(vec![format!("{n} \"\"")]);
            }
            all(w.chunks(2).map(|c| format!("{n} {}", c.join(" "))).collect())
        }
        Kind::ClientOutputBufferLimit => {
            // One line per class; only the classes away from their default are forced.
            let w: Vec<&str> = value.split_whitespace().collect();
            let d: Vec<&str> = p.default.split_whitespace().collect();
            w.chunks(4)
                .zip(d.chunks(4))
                .filter(|(c, _)| c.len() == 4)
                .map(|(c, dc)| {
                    let m = |s: &str| fmt_mem(s.parse().unwrap_or(0));
                    (format!("{n} {} {} {} {}", c[0], m(c[1]), m(c[2]), c[3]), c != dc)
                })
                .collect()
        }
        Kind::Memory { .. } => all(vec![format!("{n} {}", fmt_mem(value.parse().unwrap_or(0)))]),
        // Redis always writes the working directory.
        Kind::Dir => vec![(format!("{n} {}", quote(&super::current_dir())), true)],
        Kind::Str | Kind::Hostname | Kind::KeyspaceEvents | Kind::ProcTitle => {
            all(vec![format!("{n} {}", quote(value))])
        }
        Kind::Bind | Kind::ReplicaOf if value.is_empty() => Vec::new(),
        _ => all(vec![format!("{n} {value}")]),
    }
}

const GENERATED: &str = "# Generated by CONFIG REWRITE";

/// Rewrites the config file at `path` so that it expresses `values` (indexed like
/// [`PARAMS`]), as Redis's CONFIG REWRITE does: a parameter's lines replace its old lines in
/// place (old lines left over become blank), lines for parameters set away from their
/// default that the file did not mention are appended after a `# Generated by CONFIG
/// REWRITE` marker, and every other line (comments, blank lines, include, rename-command,
/// user, ...) is kept as it was. The new file replaces the old one atomically.
pub fn rewrite(path: &str, values: &[String]) -> std::io::Result<()> {
    let old = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let old_lines: Vec<&str> = old.lines().collect();
    // For each old line: the parameter it sets, if any.
    let owner: Vec<Option<usize>> = old_lines
        .iter()
        .map(|raw| {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let mut buf = Vec::new();
            let mut ranges = Vec::new();
            if !split_args(line.as_bytes(), &mut buf, &mut ranges) || ranges.is_empty() {
                return None;
            }
            find_param(&String::from_utf8_lossy(&buf[ranges[0].clone()]))
        })
        .collect();
    let mut pending: Vec<std::collections::VecDeque<(String, bool)>> =
        PARAMS.iter().zip(values).map(|(p, v)| lines_for(p, v).into()).collect();
    let mut out: Vec<String> = Vec::with_capacity(old_lines.len() + 8);
    for (raw, own) in old_lines.iter().zip(&owner) {
        match own {
            None => out.push(raw.to_string()),
            Some(i) => match pending[*i].pop_front() {
                Some((l, _)) => out.push(l),
                None => out.push(String::new()),
            },
        }
    }
    let mut marker = old_lines.iter().any(|l| l.trim() == GENERATED);
    for lines in pending.iter_mut() {
        for (l, forced) in lines.drain(..) {
            if forced {
                if !marker {
                    out.push(String::new());
                    out.push(GENERATED.to_string());
                    marker = true;
                }
                out.push(l);
            }
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    let tmp = format!("{path}.tmp-{}", std::process::id());
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_becomes_config_lines() {
        let args: Vec<String> =
            ["/etc/x.conf", "--port", "6380", "--save", ""].iter().map(|s| s.to_string()).collect();
        let Invocation::Run { file, options } = parse_argv(&args) else { panic!() };
        assert_eq!(file.as_deref(), Some("/etc/x.conf"));
        let d = parse_text(&options, 0).unwrap();
        assert_eq!(d[0].name, "port");
        assert_eq!(d[0].args, vec!["6380"]);
        assert_eq!(d[1].name, "save");
        assert_eq!(d[1].args, vec![""]);
    }

    #[test]
    fn include_globs_in_name_order() {
        let d = std::env::temp_dir().join(format!("ferrodis-inc-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("b.conf"), "hz 20\n").unwrap();
        std::fs::write(d.join("a.conf"), "hz 11\ntimeout 5\n").unwrap();
        std::fs::write(d.join("c.txt"), "hz 99\n").unwrap();
        let text = format!("include {}/*.conf\n", d.display());
        let ds = parse_text(&text, 0).unwrap();
        let got: Vec<(String, String)> =
            ds.iter().map(|x| (x.name.clone(), x.args.join(" "))).collect();
        let want = [("hz", "11"), ("timeout", "5"), ("hz", "20")];
        assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn comments_and_quotes() {
        let d = parse_text("# c\nrequirepass \"a b\"\n\nsave 900 1 300 10\n", 0).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].args, vec!["a b"]);
        assert_eq!(d[1].args.len(), 4);
    }
}
