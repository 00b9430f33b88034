//! The parameter table: every redis.conf directive ferrodis accepts, declared once, with
//! Redis 7.2's name, alias, kind (type and bounds), default and flags.
//!
//! To add a parameter, add one line to [`PARAMS`]. `todo(...)` marks a directive that is
//! accepted, validated and stored but whose feature does not exist yet; `p(...)` one that is
//! in effect. The kinds, bounds, enum orders and error texts were checked against a running
//! redis-server (see tests/suite/unit/config.rs).

use super::pflags::*;
use crate::util::num::{parse_f64, parse_i64};

/// How a parameter's value is parsed and printed.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `yes` / `no` (any case).
    Bool,
    /// A decimal integer (`string2ll` rules) within bounds.
    Int { min: i64, max: i64 },
    /// A byte count with optional unit (`1gb`, `10k`); printed in bytes.
    Memory { min: u64, max: u64 },
    /// A byte count, or a percentage of maxmemory written `N%` (maxmemory-clients).
    MemOrPercent,
    /// One of a fixed set of names (any case), printed lowercase.
    Enum(&'static [&'static str]),
    /// shutdown-on-sigint / sigterm: a set of `default save nosave now force`.
    ShutdownFlags,
    /// Any string.
    Str,
    /// A string of letters, digits, `-` and `.` (cluster-announce-hostname).
    Hostname,
    /// proc-title-template: text with `{variable}` references.
    ProcTitle,
    /// An octal number (unixsocketperm).
    Octal,
    /// `save`: pairs of `<seconds> <changes>`, or empty.
    Save,
    /// `bind`: addresses, each optionally prefixed by `-`.
    Bind,
    /// `client-output-buffer-limit`: groups of `<class> <hard> <soft> <seconds>`.
    ClientOutputBufferLimit,
    /// `notify-keyspace-events`: event class letters.
    KeyspaceEvents,
    /// `oom-score-adj-values`: three integers in [-2000, 2000].
    OomScoreAdjValues,
    /// `latency-tracking-info-percentiles`: doubles in [0, 100].
    Percentiles,
    /// `dir`: an existing directory; setting it changes the working directory.
    Dir,
    /// `replicaof`/`slaveof`: `<host> <port>` or `no one` (empty).
    ReplicaOf,
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

/// Parses a memory value as `memtoull` does (see `util::num::parse_memory`).
pub fn parse_mem(s: &str) -> Option<u64> {
    crate::util::num::parse_memory(s.as_bytes())
}

/// Buffer-limit classes in the order CONFIG GET prints them.
const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];
/// Keyspace event letters covered by `A`, in Redis's print order.
const KEV_ALL: &str = "g$lshzxetd";
const SHUTDOWN_FLAGS: [&str; 4] = ["save", "nosave", "now", "force"];

/// Checks a proc-title-template: `{{` and `}}` are literal braces, `{name}` must name a
/// known variable, and the expansion must not be blank.
fn valid_title_template(t: &str) -> bool {
    const VARS: [&str; 7] =
        ["title", "listen-addr", "server-mode", "port", "tls-port", "unixsocket", "config-file"];
    let b = t.as_bytes();
    let mut i = 0;
    let mut visible = false;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => {
                visible = true;
                i += 2;
            }
            b'{' => {
                let Some(end) = t[i + 1..].find('}') else { return false };
                if !VARS.contains(&&t[i + 1..i + 1 + end]) {
                    return false;
                }
                visible = true;
                i += end + 2;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                visible = true;
                i += 2;
            }
            c => {
                visible |= !c.is_ascii_whitespace();
                i += 1;
            }
        }
    }
    visible
}

fn parse_bind_addr(w: &str) -> bool {
    let a = w.strip_prefix('-').unwrap_or(w);
    a == "*" || a == "::*" || a.parse::<std::net::IpAddr>().is_ok()
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

    /// True if the directive takes several words (`save 900 1`, `bind a b`).
    pub fn multi_arg(&self) -> bool {
        self.flags & MULTI_ARG != 0
    }

    /// Validates `args` (one word, or several for multi-arg kinds) against the current
    /// canonical value `cur`, and returns the new canonical value or the reason it is refused
    /// (the text CONFIG SET prints after "- ", and the config-file error line).
    pub fn normalize(&self, args: &[String], cur: &str) -> Result<String, String> {
        let v = self.normalize_kind(args, cur)?;
        // Values Redis adjusts when applying them (CONFIG GET shows the adjusted value).
        let clamp = |lo: i64, hi: i64| v.parse::<i64>().map(|n| n.clamp(lo, hi).to_string());
        // The AOF names live inside `dir` (Redis's isValidAOFfilename / isValidAOFdirname).
        if matches!(self.name, "appendfilename" | "appenddirname") {
            let (name, kind) = (self.name, &self.name[6..]);
            if v.is_empty() {
                return Err(format!("{name} can't be empty"));
            }
            if v.contains('/') {
                return Err(format!("{name} can't be a path, just a {kind}"));
            }
        }
        Ok(match self.name {
            "hz" => clamp(1, 500).unwrap_or(v),
            "repl-backlog-size" => clamp(16 * 1024, i64::MAX).unwrap_or(v),
            _ => v,
        })
    }

    fn normalize_kind(&self, args: &[String], cur: &str) -> Result<String, String> {
        let one = || args.join(" ");
        match self.kind {
            Kind::Bool => match one().to_ascii_lowercase().as_str() {
                "yes" => Ok("yes".into()),
                "no" => Ok("no".into()),
                _ => Err("argument must be 'yes' or 'no'".into()),
            },
            Kind::Int { min, max } => {
                let n = parse_i64(one().as_bytes())
                    .ok_or_else(|| "argument couldn't be parsed into an integer".to_string())?;
                if n < min || n > max {
                    return Err(format!("argument must be between {min} and {max} inclusive"));
                }
                Ok(n.to_string())
            }
            Kind::Memory { min, max } => {
                let n = parse_mem(&one())
                    .ok_or_else(|| "argument must be a memory value".to_string())?;
                if n < min || n > max {
                    return Err(format!("argument must be between {min} and {max} inclusive"));
                }
                Ok(n.to_string())
            }
            Kind::MemOrPercent => {
                let v = one();
                if let Some(num) = v.strip_suffix('%') {
                    let pct = match parse_mem(num) {
                        Some(n) if !num.is_empty() && num.bytes().all(|c| c.is_ascii_digit()) => n,
                        _ => return Err("argument must be a memory or percent value".into()),
                    };
                    if pct > 100 {
                        return Err("percentage argument must be less or equal to 100".into());
                    }
                    return Ok(if pct == 0 { "0".into() } else { format!("{pct}%") });
                }
                let n = parse_mem(&v)
                    .ok_or_else(|| "argument must be a memory or percent value".to_string())?;
                if n > i64::MAX as u64 {
                    // Redis keeps a percentage as a negative byte count, so a huge byte count
                    // reads back as a percentage (18446744073709551615 is "1%").
                    let pct = (n as i64).wrapping_neg();
                    if !(0..=100).contains(&pct) {
                        return Err("percentage argument must be less or equal to 100".into());
                    }
                    return Ok(format!("{pct}%"));
                }
                Ok(n.to_string())
            }
            Kind::Enum(names) => {
                let lower = one().to_ascii_lowercase();
                if names.contains(&lower.as_str()) {
                    Ok(lower)
                } else {
                    Err(format!("argument(s) must be one of the following: {}", names.join(", ")))
                }
            }
            Kind::ShutdownFlags => {
                let mut set = [false; 4];
                let words: Vec<String> = args
                    .iter()
                    .flat_map(|a| a.split_whitespace())
                    .map(|w| w.to_ascii_lowercase())
                    .collect();
                if words.is_empty() {
                    return Err(
                        "argument(s) must be one of the following: default, save, nosave, now, force"
                            .into(),
                    );
                }
                for w in &words {
                    if w == "default" {
                        continue;
                    }
                    match SHUTDOWN_FLAGS.iter().position(|f| f == w) {
                        Some(i) => set[i] = true,
                        None => {
                            return Err("argument(s) must be one of the following: default, save, nosave, now, force".into())
                        }
                    }
                }
                if set[0] && set[1] {
                    return Err(
                        "shutdown options SAVE and NOSAVE can't be used simultaneously".into()
                    );
                }
                let out: Vec<&str> =
                    SHUTDOWN_FLAGS.iter().zip(set).filter(|(_, on)| *on).map(|(f, _)| *f).collect();
                Ok(if out.is_empty() { "default".into() } else { out.join(" ") })
            }
            Kind::Str | Kind::Dir => Ok(one()),
            Kind::Hostname => {
                let v = one();
                if v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.') {
                    Ok(v)
                } else {
                    Err("Hostnames may only contain alphanumeric characters, hyphens or dots"
                        .into())
                }
            }
            Kind::ProcTitle => {
                let v = one();
                if valid_title_template(&v) {
                    Ok(v)
                } else {
                    Err("template format is invalid or contains unknown variables".into())
                }
            }
            Kind::Octal => {
                let v = one();
                let n = (!v.is_empty())
                    .then(|| i64::from_str_radix(&v, 8).ok())
                    .flatten()
                    .filter(|_| v.bytes().all(|c| (b'0'..=b'7').contains(&c)))
                    .ok_or_else(|| "argument couldn't be parsed as an octal number".to_string())?;
                if n > 0o777 {
                    return Err("argument must be between 0 and 777 inclusive".into());
                }
                Ok(format!("{n:o}"))
            }
            Kind::Save => {
                // CONFIG SET passes the value split on single spaces, so doubled spaces
                // make empty words, which Redis refuses; `save ""` clears.
                if args.is_empty() || (args.len() == 1 && args[0].is_empty()) {
                    return Ok(String::new());
                }
                if args.iter().any(|a| a.is_empty()) {
                    return Err("Invalid save parameters".into());
                }
                let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
                if !words.len().is_multiple_of(2) {
                    return Err("Invalid save parameters".into());
                }
                let mut out = Vec::new();
                for w in &words {
                    match parse_i64(w.as_bytes()) {
                        Some(n) if n >= 0 => out.push(n.to_string()),
                        _ => return Err("Invalid save parameters".into()),
                    }
                }
                Ok(out.join(" "))
            }
            Kind::Bind => {
                let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
                if words.len() > 16 {
                    return Err("Too many bind addresses specified.".into());
                }
                if !words.iter().all(|w| parse_bind_addr(w)) {
                    return Err("Failed to bind to specified addresses.".into());
                }
                Ok(words.join(" "))
            }
            Kind::ClientOutputBufferLimit => {
                let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
                if !words.len().is_multiple_of(4) {
                    return Err("Wrong number of arguments in buffer limit configuration.".into());
                }
                let mut vals: Vec<[u64; 3]> = cur
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .chunks(4)
                    .map(|c| {
                        let n = |i: usize| c.get(i).and_then(|s| s.parse().ok()).unwrap_or(0);
                        [n(1), n(2), n(3)]
                    })
                    .collect();
                vals.resize(3, [0; 3]);
                for g in words.chunks(4) {
                    let class = match g[0].to_ascii_lowercase().as_str() {
                        "normal" => 0,
                        "slave" | "replica" => 1,
                        "pubsub" => 2,
                        _ => {
                            return Err(
                                "Invalid client class specified in buffer limit configuration."
                                    .into(),
                            )
                        }
                    };
                    let bad = || {
                        "Error in hard, soft or soft_seconds setting in buffer limit configuration."
                            .to_string()
                    };
                    let hard = parse_mem(g[1]).ok_or_else(bad)?;
                    let soft = parse_mem(g[2]).ok_or_else(bad)?;
                    let secs = parse_i64(g[3].as_bytes()).filter(|n| *n >= 0).ok_or_else(bad)?;
                    vals[class] = [hard, soft, secs as u64];
                }
                Ok(OBUF_CLASSES
                    .iter()
                    .zip(&vals)
                    .map(|(c, v)| format!("{c} {} {} {}", v[0], v[1], v[2]))
                    .collect::<Vec<_>>()
                    .join(" "))
            }
            Kind::KeyspaceEvents => {
                let v = one();
                let mut on = std::collections::HashSet::new();
                for c in v.chars() {
                    match c {
                        'A' => on.extend(KEV_ALL.chars()),
                        'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 'K' | 'E' | 't' | 'm'
                        | 'd' | 'n' => {
                            on.insert(c);
                        }
                        _ => {
                            return Err(
                                "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into()
                            )
                        }
                    }
                }
                let mut out = String::new();
                if KEV_ALL.chars().all(|c| on.contains(&c)) {
                    out.push('A');
                } else {
                    out.extend(KEV_ALL.chars().filter(|c| on.contains(c)));
                    if on.contains(&'n') {
                        out.push('n');
                    }
                }
                out.extend(['K', 'E', 'm'].into_iter().filter(|c| on.contains(c)));
                Ok(out)
            }
            Kind::OomScoreAdjValues => {
                let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
                if words.len() != 3 {
                    return Err("wrong number of arguments".into());
                }
                let mut out = Vec::new();
                for w in words {
                    match parse_i64(w.as_bytes()) {
                        Some(n) if (-2000..=2000).contains(&n) => out.push(n.to_string()),
                        _ => return Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into()),
                    }
                }
                Ok(out.join(" "))
            }
            Kind::Percentiles => {
                let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
                let mut out = Vec::new();
                for w in words {
                    let f = parse_f64(w.as_bytes()).ok_or_else(|| {
                        "Invalid latency-tracking-info-percentiles parameters".to_string()
                    })?;
                    if !(0.0..=100.0).contains(&f) {
                        return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                    }
                    out.push(format!("{f}"));
                }
                Ok(out.join(" "))
            }
            Kind::ReplicaOf => {
                if args.len() != 2 {
                    return Err("wrong number of arguments".into());
                }
                if args[0].eq_ignore_ascii_case("no") && args[1].eq_ignore_ascii_case("one") {
                    return Ok(String::new());
                }
                let port = parse_i64(args[1].as_bytes())
                    .filter(|n| (0..=65535).contains(n))
                    .ok_or_else(|| "Invalid master port".to_string())?;
                Ok(format!("{} {port}", args[0]))
            }
        }
    }
}

const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning", "nothing"];
const ACCESS: &[&str] = &["no", "yes", "local"];

/// Every parameter, sorted by name. Aliases are the pre-7.0 names (slave*, *-ziplist-*,
/// lua-time-limit); CONFIG GET shows both names.
pub static PARAMS: &[Param] = &[
    todo("acl-pubsub-default", Kind::Enum(&["allchannels", "resetchannels"]), "resetchannels"),
    todo("aclfile", Kind::Str, "").flags(IMMUTABLE),
    todo("acllog-max-len", Kind::Int { min: 0, max: 9223372036854775807 }, "128"),
    todo("active-defrag-cycle-max", Kind::Int { min: 1, max: 99 }, "25"),
    todo("active-defrag-cycle-min", Kind::Int { min: 1, max: 99 }, "1"),
    todo(
        "active-defrag-ignore-bytes",
        Kind::Memory { min: 1, max: 9223372036854775807 },
        "104857600",
    ),
    todo("active-defrag-max-scan-fields", Kind::Int { min: 1, max: 9223372036854775807 }, "1000"),
    todo("active-defrag-threshold-lower", Kind::Int { min: 0, max: 1000 }, "10"),
    todo("active-defrag-threshold-upper", Kind::Int { min: 0, max: 1000 }, "100"),
    p("active-expire-effort", Kind::Int { min: 1, max: 10 }, "1"),
    todo("activedefrag", Kind::Bool, "no"),
    p("activerehashing", Kind::Bool, "yes"),
    todo("always-show-logo", Kind::Bool, "no").flags(IMMUTABLE),
    p("aof-disable-auto-gc", Kind::Bool, "no"),
    p("aof-load-truncated", Kind::Bool, "yes"),
    todo("aof-rewrite-incremental-fsync", Kind::Bool, "yes"),
    p("aof-timestamp-enabled", Kind::Bool, "no"),
    p("aof-use-rdb-preamble", Kind::Bool, "yes"),
    todo("aof_rewrite_cpulist", Kind::Str, "").flags(IMMUTABLE),
    p("appenddirname", Kind::Str, "appendonlydir").flags(IMMUTABLE),
    p("appendfilename", Kind::Str, "appendonly.aof").flags(IMMUTABLE),
    p("appendfsync", Kind::Enum(&["everysec", "always", "no"]), "everysec"),
    p("appendonly", Kind::Bool, "no"),
    p("auto-aof-rewrite-min-size", Kind::Memory { min: 0, max: 9223372036854775807 }, "67108864"),
    p("auto-aof-rewrite-percentage", Kind::Int { min: 0, max: 2147483647 }, "100"),
    todo("bgsave_cpulist", Kind::Str, "").flags(IMMUTABLE),
    p("bind", Kind::Bind, "127.0.0.1 -::1").flags(MULTI_ARG),
    todo("bind-source-addr", Kind::Str, ""),
    todo("bio_cpulist", Kind::Str, "").flags(IMMUTABLE),
    todo("busy-reply-threshold", Kind::Int { min: 0, max: 9223372036854775807 }, "5000")
        .alias("lua-time-limit"),
    todo(
        "client-output-buffer-limit",
        Kind::ClientOutputBufferLimit,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    )
    .flags(MULTI_ARG),
    p(
        "client-query-buffer-limit",
        Kind::Memory { min: 1048576, max: 9223372036854775807 },
        "1073741824",
    ),
    todo("cluster-allow-pubsubshard-when-down", Kind::Bool, "yes"),
    todo("cluster-allow-reads-when-down", Kind::Bool, "no"),
    todo("cluster-allow-replica-migration", Kind::Bool, "yes"),
    todo("cluster-announce-bus-port", Kind::Int { min: 0, max: 65535 }, "0"),
    todo("cluster-announce-hostname", Kind::Hostname, ""),
    todo("cluster-announce-ip", Kind::Str, ""),
    todo("cluster-announce-port", Kind::Int { min: 0, max: 65535 }, "0"),
    todo("cluster-announce-tls-port", Kind::Int { min: 0, max: 65535 }, "0"),
    todo("cluster-config-file", Kind::Str, "nodes.conf").flags(IMMUTABLE),
    todo("cluster-enabled", Kind::Bool, "no").flags(IMMUTABLE),
    todo("cluster-link-sendbuf-limit", Kind::Memory { min: 0, max: 18446744073709551615 }, "0"),
    todo("cluster-migration-barrier", Kind::Int { min: 0, max: 2147483647 }, "1"),
    todo("cluster-node-timeout", Kind::Int { min: 0, max: 9223372036854775807 }, "15000"),
    todo("cluster-port", Kind::Int { min: 0, max: 65535 }, "0").flags(IMMUTABLE),
    todo(
        "cluster-preferred-endpoint-type",
        Kind::Enum(&["ip", "hostname", "unknown-endpoint"]),
        "ip",
    ),
    todo("cluster-replica-no-failover", Kind::Bool, "no").alias("cluster-slave-no-failover"),
    todo("cluster-replica-validity-factor", Kind::Int { min: 0, max: 2147483647 }, "10")
        .alias("cluster-slave-validity-factor"),
    todo("cluster-require-full-coverage", Kind::Bool, "yes"),
    todo("crash-log-enabled", Kind::Bool, "yes"),
    todo("crash-memcheck-enabled", Kind::Bool, "yes"),
    todo("daemonize", Kind::Bool, "no").flags(IMMUTABLE),
    p("databases", Kind::Int { min: 1, max: 2147483647 }, "16").flags(IMMUTABLE),
    p("dbfilename", Kind::Str, "dump.rdb").flags(PROTECTED),
    p("dir", Kind::Dir, "").flags(PROTECTED),
    todo("disable-thp", Kind::Bool, "yes").flags(IMMUTABLE),
    todo("dynamic-hz", Kind::Bool, "yes"),
    p("enable-debug-command", Kind::Enum(ACCESS), "no").flags(IMMUTABLE),
    todo("enable-module-command", Kind::Enum(ACCESS), "no").flags(IMMUTABLE),
    p("enable-protected-configs", Kind::Enum(ACCESS), "no").flags(IMMUTABLE),
    p("hash-max-listpack-entries", Kind::Int { min: 0, max: 9223372036854775807 }, "512")
        .alias("hash-max-ziplist-entries"),
    p("hash-max-listpack-value", Kind::Memory { min: 0, max: 9223372036854775807 }, "64")
        .alias("hash-max-ziplist-value"),
    todo("hll-sparse-max-bytes", Kind::Memory { min: 0, max: 9223372036854775807 }, "3000"),
    p("hz", Kind::Int { min: 0, max: 2147483647 }, "10"),
    p("ignore-warnings", Kind::Str, ""),
    todo("io-threads", Kind::Int { min: 1, max: 128 }, "1").flags(IMMUTABLE),
    todo("io-threads-do-reads", Kind::Bool, "no").flags(IMMUTABLE),
    p("jemalloc-bg-thread", Kind::Bool, "yes"),
    todo("latency-monitor-threshold", Kind::Int { min: 0, max: 9223372036854775807 }, "0"),
    todo("latency-tracking", Kind::Bool, "yes"),
    todo("latency-tracking-info-percentiles", Kind::Percentiles, "50 99 99.9").flags(MULTI_ARG),
    todo("lazyfree-lazy-eviction", Kind::Bool, "no"),
    p("lazyfree-lazy-expire", Kind::Bool, "no"),
    todo("lazyfree-lazy-server-del", Kind::Bool, "no"),
    todo("lazyfree-lazy-user-del", Kind::Bool, "no"),
    todo("lazyfree-lazy-user-flush", Kind::Bool, "no"),
    todo("lfu-decay-time", Kind::Int { min: 0, max: 2147483647 }, "1"),
    todo("lfu-log-factor", Kind::Int { min: 0, max: 2147483647 }, "10"),
    p("list-compress-depth", Kind::Int { min: 0, max: 2147483647 }, "0"),
    p("list-max-listpack-size", Kind::Int { min: -2147483648, max: 2147483647 }, "-2")
        .alias("list-max-ziplist-size"),
    p("logfile", Kind::Str, "").flags(IMMUTABLE),
    p("loglevel", Kind::Enum(LOGLEVELS), "notice"),
    todo("masterauth", Kind::Str, "").flags(SENSITIVE),
    todo("masteruser", Kind::Str, "").flags(SENSITIVE),
    p("maxclients", Kind::Int { min: 1, max: 4294967295 }, "10000"),
    todo("maxmemory", Kind::Memory { min: 0, max: 18446744073709551615 }, "0"),
    todo("maxmemory-clients", Kind::MemOrPercent, "0"),
    todo("maxmemory-eviction-tenacity", Kind::Int { min: 0, max: 100 }, "10"),
    todo(
        "maxmemory-policy",
        Kind::Enum(&[
            "volatile-lru",
            "volatile-lfu",
            "volatile-random",
            "volatile-ttl",
            "allkeys-lru",
            "allkeys-lfu",
            "allkeys-random",
            "noeviction",
        ]),
        "noeviction",
    ),
    todo("maxmemory-samples", Kind::Int { min: 1, max: 2147483647 }, "5"),
    todo("min-replicas-max-lag", Kind::Int { min: 0, max: 2147483647 }, "10")
        .alias("min-slaves-max-lag"),
    todo("min-replicas-to-write", Kind::Int { min: 0, max: 2147483647 }, "0")
        .alias("min-slaves-to-write"),
    p("no-appendfsync-on-rewrite", Kind::Bool, "no"),
    todo("notify-keyspace-events", Kind::KeyspaceEvents, ""),
    todo("oom-score-adj", Kind::Enum(&["no", "yes", "relative", "absolute"]), "no"),
    todo("oom-score-adj-values", Kind::OomScoreAdjValues, "0 200 800").flags(MULTI_ARG),
    p("pidfile", Kind::Str, "").flags(IMMUTABLE),
    p("port", Kind::Int { min: 0, max: 65535 }, "6379"),
    todo("proc-title-template", Kind::ProcTitle, "{title} {listen-addr} {server-mode}"),
    todo(
        "propagation-error-behavior",
        Kind::Enum(&["ignore", "panic", "panic-on-replicas"]),
        "ignore",
    ),
    p("protected-mode", Kind::Bool, "yes"),
    p("proto-max-bulk-len", Kind::Memory { min: 1048576, max: 9223372036854775807 }, "536870912"),
    todo("rdb-del-sync-files", Kind::Bool, "no"),
    todo("rdb-save-incremental-fsync", Kind::Bool, "yes"),
    p("rdbchecksum", Kind::Bool, "yes").flags(IMMUTABLE),
    p("rdbcompression", Kind::Bool, "yes"),
    todo("repl-backlog-size", Kind::Memory { min: 1, max: 9223372036854775807 }, "1048576"),
    todo("repl-backlog-ttl", Kind::Int { min: 0, max: 9223372036854775807 }, "3600"),
    todo("repl-disable-tcp-nodelay", Kind::Bool, "no"),
    todo("repl-diskless-load", Kind::Enum(&["disabled", "on-empty-db", "swapdb"]), "disabled"),
    todo("repl-diskless-sync", Kind::Bool, "yes"),
    todo("repl-diskless-sync-delay", Kind::Int { min: 0, max: 2147483647 }, "5"),
    todo("repl-diskless-sync-max-replicas", Kind::Int { min: 0, max: 2147483647 }, "0"),
    todo("repl-ping-replica-period", Kind::Int { min: 1, max: 2147483647 }, "10")
        .alias("repl-ping-slave-period"),
    todo("repl-timeout", Kind::Int { min: 1, max: 2147483647 }, "60"),
    todo("replica-announce-ip", Kind::Str, "").alias("slave-announce-ip"),
    todo("replica-announce-port", Kind::Int { min: 0, max: 65535 }, "0")
        .alias("slave-announce-port"),
    todo("replica-announced", Kind::Bool, "yes"),
    todo("replica-ignore-disk-write-errors", Kind::Bool, "no"),
    todo("replica-ignore-maxmemory", Kind::Bool, "yes").alias("slave-ignore-maxmemory"),
    todo("replica-lazy-flush", Kind::Bool, "no").alias("slave-lazy-flush"),
    todo("replica-priority", Kind::Int { min: 0, max: 2147483647 }, "100").alias("slave-priority"),
    todo("replica-read-only", Kind::Bool, "yes").alias("slave-read-only"),
    todo("replica-serve-stale-data", Kind::Bool, "yes").alias("slave-serve-stale-data"),
    todo("replicaof", Kind::ReplicaOf, "").flags(IMMUTABLE | MULTI_ARG).alias("slaveof"),
    p("requirepass", Kind::Str, "").flags(SENSITIVE),
    todo("sanitize-dump-payload", Kind::Enum(&["no", "yes", "clients"]), "no"),
    p("save", Kind::Save, "3600 1 300 100 60 10000").flags(MULTI_ARG),
    todo("server_cpulist", Kind::Str, "").flags(IMMUTABLE),
    p("set-max-intset-entries", Kind::Int { min: 0, max: 9223372036854775807 }, "512"),
    todo("set-proc-title", Kind::Bool, "yes").flags(IMMUTABLE),
    todo("shutdown-on-sigint", Kind::ShutdownFlags, "default").flags(MULTI_ARG),
    todo("shutdown-on-sigterm", Kind::ShutdownFlags, "default").flags(MULTI_ARG),
    todo("shutdown-timeout", Kind::Int { min: 0, max: 2147483647 }, "10"),
    todo("slowlog-log-slower-than", Kind::Int { min: -1, max: 9223372036854775807 }, "10000"),
    todo("slowlog-max-len", Kind::Int { min: 0, max: 9223372036854775807 }, "128"),
    todo("socket-mark-id", Kind::Int { min: 0, max: 4294967295 }, "0").flags(IMMUTABLE),
    p("stop-writes-on-bgsave-error", Kind::Bool, "yes"),
    todo("stream-node-max-bytes", Kind::Memory { min: 0, max: 9223372036854775807 }, "4096"),
    todo("stream-node-max-entries", Kind::Int { min: 0, max: 9223372036854775807 }, "100"),
    todo("supervised", Kind::Enum(&["upstart", "systemd", "auto", "no"]), "no").flags(IMMUTABLE),
    todo("syslog-enabled", Kind::Bool, "no").flags(IMMUTABLE),
    todo(
        "syslog-facility",
        Kind::Enum(&[
            "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
        ]),
        "local0",
    )
    .flags(IMMUTABLE),
    todo("syslog-ident", Kind::Str, "redis").flags(IMMUTABLE),
    todo("tcp-backlog", Kind::Int { min: 0, max: 2147483647 }, "511").flags(IMMUTABLE),
    todo("tcp-keepalive", Kind::Int { min: 0, max: 2147483647 }, "300"),
    p("timeout", Kind::Int { min: 0, max: 2147483647 }, "0"),
    todo("tls-auth-clients", Kind::Enum(&["no", "yes", "optional"]), "yes"),
    todo("tls-ca-cert-dir", Kind::Str, ""),
    todo("tls-ca-cert-file", Kind::Str, ""),
    todo("tls-cert-file", Kind::Str, ""),
    todo("tls-ciphers", Kind::Str, ""),
    todo("tls-ciphersuites", Kind::Str, ""),
    todo("tls-client-cert-file", Kind::Str, ""),
    todo("tls-client-key-file", Kind::Str, ""),
    todo("tls-client-key-file-pass", Kind::Str, "").flags(SENSITIVE),
    todo("tls-cluster", Kind::Bool, "no"),
    todo("tls-dh-params-file", Kind::Str, ""),
    todo("tls-key-file", Kind::Str, ""),
    todo("tls-key-file-pass", Kind::Str, "").flags(SENSITIVE),
    todo("tls-port", Kind::Int { min: 0, max: 65535 }, "0"),
    todo("tls-prefer-server-ciphers", Kind::Bool, "no"),
    todo("tls-protocols", Kind::Str, ""),
    todo("tls-replication", Kind::Bool, "no"),
    todo("tls-session-cache-size", Kind::Int { min: 0, max: 2147483647 }, "20480"),
    todo("tls-session-cache-timeout", Kind::Int { min: 0, max: 2147483647 }, "300"),
    todo("tls-session-caching", Kind::Bool, "yes"),
    todo("tracking-table-max-keys", Kind::Int { min: 0, max: 9223372036854775807 }, "1000000"),
    todo("unixsocket", Kind::Str, "").flags(IMMUTABLE),
    todo("unixsocketperm", Kind::Octal, "0").flags(IMMUTABLE),
    p("zset-max-listpack-entries", Kind::Int { min: 0, max: 9223372036854775807 }, "128")
        .alias("zset-max-ziplist-entries"),
    p("zset-max-listpack-value", Kind::Memory { min: 0, max: 9223372036854775807 }, "64")
        .alias("zset-max-ziplist-value"),
    // Added in Redis 7.2.
    todo("locale-collate", Kind::Str, ""),
    todo("cluster-announce-human-nodename", Kind::Str, ""),
    p("set-max-listpack-entries", Kind::Int { min: 0, max: 9223372036854775807 }, "128"),
    p("set-max-listpack-value", Kind::Memory { min: 0, max: 9223372036854775807 }, "64"),
    // Debug/test knobs Redis hides from CONFIG GET patterns.
    p("key-load-delay", Kind::Int { min: -2147483648, max: 2147483647 }, "0").flags(HIDDEN),
    p("rdb-key-save-delay", Kind::Int { min: -2147483648, max: 2147483647 }, "0").flags(HIDDEN),
    todo(
        "loading-process-events-interval-bytes",
        Kind::Int { min: 1024, max: 2147483647 },
        "2097152",
    )
    .flags(HIDDEN),
    // ferrodis's own: threads and shards (0 = one per core / 16 per database).
    p("worker-threads", Kind::Int { min: 0, max: 1024 }, "0").flags(IMMUTABLE),
    p("keyspace-shards", Kind::Int { min: 0, max: 16384 }, "0").flags(IMMUTABLE),
    // How long a busy worker spins before it blocks in epoll_wait (server/idle.rs).
    p("worker-idle-spin-ns", Kind::Int { min: 0, max: 1000000 }, "1000").flags(IMMUTABLE),
];
