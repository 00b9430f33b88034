//! The parameter table: every redis.conf directive ferrodis accepts, declared once.
//!
//! To add a parameter, add one line to [`PARAMS`]. `implemented: false` marks a directive
//! that is accepted and stored but whose feature does not exist yet.

use super::pflags::*;
use crate::util::num::{parse_i64, parse_memory};

/// How a parameter's value is parsed and printed.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `yes` / `no`.
    Bool,
    /// A decimal integer within bounds.
    Int { min: i64, max: i64 },
    /// A byte count with optional units (`1gb`); printed in bytes.
    Memory { min: i64, max: i64 },
    /// One of a fixed set of lowercase names.
    Enum(&'static [&'static str]),
    /// Any string.
    Str,
    /// `save`: pairs of `<seconds> <changes>`, or empty.
    Save,
    /// A space-separated list of words (bind).
    List,
    /// Any text validated elsewhere (client-output-buffer-limit, notify-keyspace-events, ...).
    Special,
}

/// One configuration parameter.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub kind: Kind,
    pub default: &'static str,
    pub flags: u32,
    pub implemented: bool,
}

const fn p(name: &'static str, kind: Kind, default: &'static str) -> Param {
    Param { name, alias: None, kind, default, flags: 0, implemented: true }
}

const fn todo(name: &'static str, kind: Kind, default: &'static str) -> Param {
    Param { name, alias: None, kind, default, flags: 0, implemented: false }
}

impl Param {
    const fn flags(mut self, f: u32) -> Self {
        self.flags |= f;
        self
    }
    const fn alias(mut self, a: &'static str) -> Self {
        self.alias = Some(a);
        self
    }

    /// Validates `v` and returns its canonical text, or the reason it is refused (the text
    /// CONFIG SET appends after "- ").
    pub fn normalize(&self, v: &str) -> Result<String, String> {
        match self.kind {
            Kind::Bool => match v.to_ascii_lowercase().as_str() {
                "yes" => Ok("yes".into()),
                "no" => Ok("no".into()),
                _ => Err("argument must be 'yes' or 'no'".into()),
            },
            Kind::Int { min, max } => {
                let n = parse_i64(v.as_bytes())
                    .ok_or_else(|| "argument couldn't be parsed into an integer".to_string())?;
                if n < min || n > max {
                    return Err(format!("argument must be between {min} and {max} inclusive"));
                }
                Ok(n.to_string())
            }
            Kind::Memory { min, max } => {
                let n = parse_memory(v.as_bytes())
                    .ok_or_else(|| "argument must be a memory value".to_string())?;
                if n < min || n > max {
                    return Err(format!("argument must be between {min} and {max} inclusive"));
                }
                Ok(n.to_string())
            }
            Kind::Enum(names) => {
                let lower = v.to_ascii_lowercase();
                if names.contains(&lower.as_str()) {
                    Ok(lower)
                } else {
                    Err(format!("argument(s) must be one of the following: {}", names.join(", ")))
                }
            }
            Kind::Save => {
                let words: Vec<&str> = v.split_whitespace().collect();
                if words.is_empty() {
                    return Ok(String::new());
                }
                if !words.len().is_multiple_of(2) {
                    return Err("Invalid save parameters".into());
                }
                for w in &words {
                    match parse_i64(w.as_bytes()) {
                        Some(n) if n >= 0 => {}
                        _ => return Err("Invalid save parameters".into()),
                    }
                }
                Ok(words.join(" "))
            }
            Kind::List => Ok(v.split_whitespace().collect::<Vec<_>>().join(" ")),
            Kind::Str | Kind::Special => Ok(v.to_string()),
        }
    }
}

const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning", "nothing"];
const ACCESS: &[&str] = &["no", "yes", "local"];
const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];
const I32: i64 = i32::MAX as i64;
const I64: i64 = i64::MAX;

/// Every parameter. Keep sorted by name within each group for readability.
pub static PARAMS: &[Param] = &[
    // Network and connections.
    p("port", Kind::Int { min: 0, max: 65535 }, "6379"),
    p("bind", Kind::List, "127.0.0.1 -::1").flags(MULTI_ARG),
    p("protected-mode", Kind::Bool, "yes"),
    p("timeout", Kind::Int { min: 0, max: I32 }, "0"),
    p("tcp-keepalive", Kind::Int { min: 0, max: I32 }, "300"),
    p("tcp-backlog", Kind::Int { min: 0, max: I32 }, "511").flags(IMMUTABLE),
    p("maxclients", Kind::Int { min: 1, max: I32 }, "10000"),
    p("databases", Kind::Int { min: 1, max: I32 }, "16").flags(IMMUTABLE),
    p("requirepass", Kind::Str, "").flags(SENSITIVE),
    p("proto-max-bulk-len", Kind::Memory { min: 1024 * 1024, max: I64 }, "536870912"),
    p("client-query-buffer-limit", Kind::Memory { min: 1024 * 1024, max: I64 }, "1073741824"),
    p("hz", Kind::Int { min: 0, max: I32 }, "10"),
    p("dynamic-hz", Kind::Bool, "yes"),
    p("enable-debug-command", Kind::Enum(ACCESS), "no").flags(IMMUTABLE),
    p("enable-protected-configs", Kind::Enum(ACCESS), "no").flags(IMMUTABLE),
    p("enable-module-command", Kind::Enum(ACCESS), "no").flags(IMMUTABLE),
    // Logging and process.
    p("loglevel", Kind::Enum(LOGLEVELS), "notice"),
    p("logfile", Kind::Str, "").flags(IMMUTABLE),
    p("daemonize", Kind::Bool, "no").flags(IMMUTABLE),
    p("pidfile", Kind::Str, "").flags(IMMUTABLE),
    p("dir", Kind::Str, "").flags(PROTECTED),
    // Expiry and memory.
    p("active-expire-effort", Kind::Int { min: 1, max: 10 }, "1"),
    p("lazyfree-lazy-expire", Kind::Bool, "no"),
    p("lazyfree-lazy-user-del", Kind::Bool, "no"),
    p("lazyfree-lazy-user-flush", Kind::Bool, "no"),
    p("lazyfree-lazy-eviction", Kind::Bool, "no"),
    p("lazyfree-lazy-server-del", Kind::Bool, "no"),
    todo("maxmemory", Kind::Memory { min: 0, max: I64 }, "0"),
    todo("maxmemory-policy", Kind::Enum(POLICIES), "noeviction"),
    todo("maxmemory-samples", Kind::Int { min: 1, max: 64 }, "5"),
    todo("lfu-log-factor", Kind::Int { min: 0, max: I32 }, "10"),
    todo("lfu-decay-time", Kind::Int { min: 0, max: I32 }, "1"),
    // Persistence (issue 4).
    todo("save", Kind::Save, "3600 1 300 100 60 10000").flags(MULTI_ARG),
    todo("dbfilename", Kind::Str, "dump.rdb").flags(PROTECTED),
    todo("appendonly", Kind::Bool, "no"),
    todo("appendfilename", Kind::Str, "appendonly.aof").flags(IMMUTABLE),
    todo("appenddirname", Kind::Str, "appendonlydir").flags(IMMUTABLE),
    todo("appendfsync", Kind::Enum(&["always", "everysec", "no"]), "everysec"),
    todo("rdbcompression", Kind::Bool, "yes"),
    todo("rdbchecksum", Kind::Bool, "yes"),
    todo("stop-writes-on-bgsave-error", Kind::Bool, "yes"),
    // Keyspace events (pub/sub issue).
    todo("notify-keyspace-events", Kind::Special, ""),
    // ferrodis's own: threads and shards (0 = one per core / 16 per database).
    p("worker-threads", Kind::Int { min: 0, max: 1024 }, "0").flags(IMMUTABLE),
    p("keyspace-shards", Kind::Int { min: 0, max: 16384 }, "0").flags(IMMUTABLE),
    // Replication aliases kept for old config files.
    todo("replicaof", Kind::Special, "").flags(MULTI_ARG).alias("slaveof"),
];
