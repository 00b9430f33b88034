//! redis.conf parsing and the `ferrodis-server [config] [--name value ...]` command line.
//!
//! A config file is a list of lines `name arg1 arg2 ...` split with `sdssplitargs` rules
//! (quotes, escapes); `#` starts a comment line; `include path` reads another file in place.
//! Command-line `--name args...` options are appended after the file, so they win, exactly as
//! `redis-server` turns them into extra config lines.

use resp::parse::split_args;

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
            let inner = std::fs::read_to_string(&words[1]).map_err(|e| {
                (
                    n + 1,
                    line.to_string(),
                    format!("Fatal error, can't open config file '{}': {e}", words[1]),
                )
            })?;
            out.extend(parse_text(&inner, depth + 1)?);
            continue;
        }
        out.push(Directive { name, args: words[1..].to_vec(), line_no: n + 1, line: line.into() });
    }
    Ok(out)
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
    fn comments_and_quotes() {
        let d = parse_text("# c\nrequirepass \"a b\"\n\nsave 900 1 300 10\n", 0).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].args, vec!["a b"]);
        assert_eq!(d[1].args.len(), 4);
    }
}
