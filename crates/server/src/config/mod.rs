//! Configuration: one declarative table of parameters (`table.rs`), redis.conf parsing and
//! rewriting (`file.rs`), and the live store behind CONFIG GET / SET / REWRITE.
//!
//! Every parameter is declared once with its redis.conf name, alias, kind (bool, integer,
//! memory, enum, string, special), default and flags. Values are kept in their canonical
//! text form (what CONFIG GET prints); a typed [`Settings`] snapshot is rebuilt on every
//! change for the hot paths, which read it through an `Arc` without parsing anything.
//!
//! Parameters whose feature does not exist yet are still accepted, stored and shown
//! (DESIGN.md §1): `Param::implemented` is false for them and the startup log names any
//! that were set to a non-default value.

pub mod encoding;
pub mod file;
pub mod table;

use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

pub use table::{Kind, Param, PARAMS};

use crate::util::glob;
use crate::util::log;

/// Parameter flags.
pub mod pflags {
    /// Cannot be changed with CONFIG SET.
    pub const IMMUTABLE: u32 = 1;
    /// Holds a secret (redacted from logs and slowlog by the callers that care).
    pub const SENSITIVE: u32 = 2;
    /// Changing it needs enable-protected-configs.
    pub const PROTECTED: u32 = 4;
    /// Not shown by CONFIG GET patterns (debug/test-only knobs); the exact name still works.
    pub const HIDDEN: u32 = 8;
    /// Takes several arguments on a redis.conf line (`save 900 1 300 10`).
    pub const MULTI_ARG: u32 = 16;
}

/// Typed values read on hot paths. Rebuilt from the canonical strings after each change.
#[derive(Clone, Debug)]
pub struct Settings {
    pub port: u16,
    pub bind: Vec<String>,
    pub databases: usize,
    pub requirepass: Option<Vec<u8>>,
    pub protected_mode: bool,
    pub timeout: u64,
    pub proto_max_bulk_len: i64,
    pub client_query_buffer_limit: usize,
    pub maxclients: usize,
    pub hz: u32,
    pub enable_debug_command: Access,
    pub enable_protected_configs: Access,
    pub enable_module_command: Access,
    pub loglevel: String,
    pub tcp_keepalive: u64,
    pub active_expire_effort: u32,
    pub lazyfree_lazy_expire: bool,
    pub lazyfree_lazy_user_del: bool,
    pub lazyfree_lazy_user_flush: bool,
    pub lazyfree_lazy_server_del: bool,
    pub lazyfree_lazy_eviction: bool,
    pub maxmemory_policy: String,
    pub worker_threads: usize,
    pub keyspace_shards: usize,
    /// `worker-idle-spin-ns` (server/idle.rs).
    pub worker_idle_spin_ns: u64,
    /// maxmemory in bytes (0 = no limit).
    pub maxmemory: u64,
    pub maxmemory_samples: u32,
    pub lfu_log_factor: u32,
    pub lfu_decay_time: u32,
    /// `save` as (seconds, changes) pairs.
    pub save: Vec<(u64, u64)>,
    pub appendonly: bool,
    pub appendfsync: String,
    pub dbfilename: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    pub stop_writes_on_bgsave_error: bool,
    /// Test hooks: a delay per key while saving / loading (µs; negative: ns), as Redis's.
    pub rdb_key_save_delay: i64,
    pub key_load_delay: i64,
    /// Canonical notify-keyspace-events letters ("" = off).
    pub notify_keyspace_events: String,
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: u64,
    pub latency_monitor_threshold: u64,
    pub latency_tracking: bool,
    pub latency_tracking_info_percentiles: Vec<f64>,
    /// jemalloc's background purging thread (Redis's `jemalloc-bg-thread`).
    pub jemalloc_bg_thread: bool,
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    pub list_max_listpack_size: i64,
    pub list_compress_depth: u32,
    pub set_max_intset_entries: u64,
    pub set_max_listpack_entries: u64,
    pub set_max_listpack_value: u64,
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
    pub stream_node_max_bytes: u64,
    pub stream_node_max_entries: u64,
    pub hll_sparse_max_bytes: u64,
    pub busy_reply_threshold: u64,
    pub tracking_table_max_keys: u64,
    pub acllog_max_len: u64,
    pub activerehashing: bool,
}

/// Access levels of `enable-debug-command` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    No,
    Yes,
    Local,
}

impl Access {
    fn parse(s: &str) -> Access {
        match s {
            "yes" => Access::Yes,
            "local" => Access::Local,
            _ => Access::No,
        }
    }

    /// True if a client on `loopback` may use the gated feature.
    pub fn allows(self, loopback: bool) -> bool {
        match self {
            Access::Yes => true,
            Access::Local => loopback,
            Access::No => false,
        }
    }
}

/// Config-file directives that are not parameters: kept for CONFIG REWRITE and reported as
/// not yet in effect.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// `rename-command <old> <new>` pairs, in file order.
    pub renames: Vec<(String, String)>,
    /// `user ...` lines (ACL users), as their arguments.
    pub users: Vec<Vec<String>>,
    /// `loadmodule <path> [args]` lines.
    pub modules: Vec<Vec<String>>,
}

/// The live configuration.
pub struct Config {
    values: RwLock<Vec<String>>,
    settings: RwLock<Arc<Settings>>,
    /// Serialises CONFIG SET and REWRITE so validation and apply see one state.
    set_lock: Mutex<()>,
    /// The config file given at startup (CONFIG REWRITE target), as an absolute path.
    pub file: Option<String>,
    pub extras: Extras,
    /// The collection encoding thresholds, lock-free (see `encoding.rs`).
    pub enc: encoding::EncodingLimits,
    /// The LFU policy and parameters, lock-free (see `db/lfu.rs`).
    pub lfu: crate::db::lfu::LfuLive,
    /// Re-listens on (bind, port) for CONFIG SET port / bind; installed by the acceptor.
    listen_hook: Mutex<Option<ListenHook>>,
}

/// See [`Config::set_listen_hook`].
pub type ListenHook = Box<dyn Fn(&[String], u16) -> std::io::Result<()> + Send + Sync>;

/// Finds a parameter by name or alias (case-insensitive).
pub fn find_param(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    PARAMS.iter().position(|p| p.name == lower || p.alias == Some(lower.as_str()))
}

/// Directives Redis 7 still accepts in a config file and ignores.
const DEPRECATED: &[&str] =
    &["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"];

/// The text of an OS error without Rust's " (os error N)" suffix (what `strerror` prints).
pub fn os_error_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn change_dir(path: &str) -> Result<(), String> {
    std::env::set_current_dir(path).map_err(|e| os_error_text(&e))
}

/// The level `loglevel` names.
pub fn log_level(name: &str) -> log::Level {
    match name {
        "debug" => log::Level::Debug,
        "verbose" => log::Level::Verbose,
        "warning" => log::Level::Warning,
        "nothing" => log::Level::Nothing,
        _ => log::Level::Notice,
    }
}

/// Splits a CONFIG SET value of a multi-argument parameter into words (sdssplitargs rules).
fn split_value(v: &[u8]) -> Vec<String> {
    let mut buf = Vec::new();
    let mut ranges = Vec::new();
    if !resp::parse::split_args(v, &mut buf, &mut ranges) {
        return vec![String::from_utf8_lossy(v).into_owned()];
    }
    ranges.iter().map(|r| String::from_utf8_lossy(&buf[r.clone()]).into_owned()).collect()
}

/// A load error: the directive's line number, its text, and the reason.
pub type LoadError = (usize, String, String);

impl Config {
    /// Builds a configuration from defaults plus `(name, args)` directives in order.
    pub fn from_directives(
        directives: &[(String, Vec<String>)],
        file: Option<String>,
    ) -> Result<Config, String> {
        let ds: Vec<file::Directive> = directives
            .iter()
            .map(|(n, a)| file::Directive {
                name: n.to_ascii_lowercase(),
                args: a.clone(),
                line_no: 0,
                line: String::new(),
            })
            .collect();
        Config::load(&ds, file).map_err(|(_, _, why)| why)
    }

    /// Builds a configuration from defaults plus parsed config-file directives, in order.
    /// `dir` changes the working directory as soon as it is read (as Redis does).
    pub fn load(directives: &[file::Directive], file: Option<String>) -> Result<Config, LoadError> {
        // Resolve the file's path before any `dir` directive changes the working directory.
        let file = file.map(|f| {
            if f == "-" {
                f
            } else {
                std::fs::canonicalize(&f).map(|p| p.display().to_string()).unwrap_or(f)
            }
        });
        let mut values: Vec<String> = PARAMS.iter().map(|p| p.default.to_string()).collect();
        let mut extras = Extras::default();
        let mut save_reset = false;
        for d in directives {
            let err = |why: &str| (d.line_no, d.line.clone(), why.to_string());
            let args = &d.args;
            match d.name.as_str() {
                "rename-command" => {
                    if args.len() != 2 {
                        return Err(err("wrong number of arguments"));
                    }
                    if !crate::cmd::registry::command_exists(&args[0]) {
                        return Err(err("No such command in rename-command"));
                    }
                    extras.renames.push((args[0].clone(), args[1].clone()));
                    continue;
                }
                "user" => {
                    if args.is_empty() {
                        return Err(err("wrong number of arguments"));
                    }
                    extras.users.push(args.clone());
                    continue;
                }
                "loadmodule" => {
                    if args.is_empty() {
                        return Err(err("wrong number of arguments"));
                    }
                    extras.modules.push(args.clone());
                    continue;
                }
                "sentinel" => return Err(err("sentinel directive while not in sentinel mode")),
                n if DEPRECATED.contains(&n) => continue,
                _ => {}
            }
            let Some(i) = find_param(&d.name) else {
                return Err(err("Bad directive or wrong number of arguments"));
            };
            let p = &PARAMS[i];
            if !p.multi_arg() && args.len() != 1 {
                return Err(err("wrong number of arguments"));
            }
            // `save` lines accumulate; the first one replaces the default; `save ""` clears.
            if matches!(p.kind, Kind::Save) {
                if !save_reset {
                    values[i].clear();
                    save_reset = true;
                }
                let v = p.normalize(args, "").map_err(|e| err(&e))?;
                if v.is_empty() {
                    values[i].clear();
                } else {
                    if !values[i].is_empty() {
                        values[i].push(' ');
                    }
                    values[i].push_str(&v);
                }
                continue;
            }
            let v = p.normalize(args, &values[i]).map_err(|e| err(&e))?;
            if matches!(p.kind, Kind::Dir) {
                change_dir(&v).map_err(|e| err(&e))?;
                values[i] = current_dir();
                continue;
            }
            values[i] = v;
        }
        let settings = Arc::new(build_settings(&values));
        let _ = tikv_jemalloc_ctl::background_thread::write(settings.jemalloc_bg_thread);
        let enc = encoding::EncodingLimits::default();
        enc.store(&settings);
        let lfu = crate::db::lfu::LfuLive::default();
        store_lfu(&lfu, &settings);
        Ok(Config {
            values: RwLock::new(values),
            settings: RwLock::new(settings),
            set_lock: Mutex::new(()),
            file,
            extras,
            lfu,
            enc,
            listen_hook: Mutex::new(None),
        })
    }

    /// The current typed snapshot.
    #[inline]
    /// Installs what CONFIG SET port / bind call to listen on the new addresses (it must
    /// bind before replacing anything, so that an error leaves the old sockets in place).
    pub fn set_listen_hook(&self, hook: ListenHook) {
        *self.listen_hook.lock() = Some(hook);
    }

    /// Publishes rebuilt settings (and the lock-free copies derived from them).
    fn install(&self, s: Settings) {
        // Freed pages go back to the system in the background, as with Redis's default.
        let _ = tikv_jemalloc_ctl::background_thread::write(s.jemalloc_bg_thread);
        self.enc.store(&s);
        store_lfu(&self.lfu, &s);
        *self.settings.write() = Arc::new(s);
    }

    pub fn settings(&self) -> Arc<Settings> {
        self.settings.read().clone()
    }

    /// The canonical value of a parameter at index `i` (dir: the working directory).
    fn value_of(&self, values: &[String], i: usize) -> String {
        if matches!(PARAMS[i].kind, Kind::Dir) {
            return current_dir();
        }
        values[i].clone()
    }

    /// The canonical value of a parameter by exact name or alias.
    pub fn get(&self, name: &str) -> Option<String> {
        let i = find_param(name)?;
        let values = self.values.read();
        Some(self.value_of(&values, i))
    }

    /// CONFIG GET: every `(name, value)` matching any of the `patterns`, each name once. A
    /// pattern without glob characters is looked up directly (hidden parameters included) and
    /// answered under the name as given; a glob matches names and aliases of visible ones.
    pub fn get_matching(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        let values = self.values.read();
        let mut out: Vec<(String, String)> = Vec::new();
        let seen = |out: &Vec<(String, String)>, n: &str| {
            out.iter().any(|(k, _)| k.eq_ignore_ascii_case(n))
        };
        for pat in patterns {
            let has_glob = pat.iter().any(|c| matches!(c, b'*' | b'?' | b'['));
            if !has_glob {
                let name = String::from_utf8_lossy(pat).into_owned();
                if let Some(i) = find_param(&name) {
                    if !seen(&out, &name) {
                        out.push((name, self.value_of(&values, i)));
                    }
                }
                continue;
            }
            for (i, p) in PARAMS.iter().enumerate() {
                if p.flags & pflags::HIDDEN != 0 {
                    continue;
                }
                for name in std::iter::once(p.name).chain(p.alias) {
                    if glob::matches(pat, name.as_bytes(), true) && !seen(&out, name) {
                        out.push((name.to_string(), self.value_of(&values, i)));
                    }
                }
            }
        }
        out
    }

    /// CONFIG SET with several pairs: checks every name first (unknown, immutable,
    /// protected, duplicate), then validates every value, then applies all; on any failure
    /// nothing changes. `local` tells whether the client is on a loopback connection (for
    /// `enable-protected-configs local`). Returns the names changed.
    pub fn set_many_from(
        &self,
        pairs: &[(&[u8], &[u8])],
        local: bool,
    ) -> Result<Vec<&'static str>, String> {
        let _g = self.set_lock.lock();
        let fail = |name: &str, why: &str| {
            format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}")
        };
        let mut idx: Vec<usize> = Vec::with_capacity(pairs.len());
        for (name, _) in pairs {
            let name_s = String::from_utf8_lossy(name);
            let Some(i) = find_param(&name_s) else {
                return Err(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{name_s}'"
                ));
            };
            let p = &PARAMS[i];
            if p.flags & pflags::IMMUTABLE != 0 {
                return Err(fail(&name_s, "can't set immutable config"));
            }
            if p.flags & pflags::PROTECTED != 0
                && !self.settings().enable_protected_configs.allows(local)
            {
                return Err(fail(&name_s, "can't set protected config"));
            }
            // Redis compares the names as given: a name and its alias are not duplicates
            // (both are applied, the last one wins).
            if pairs[..idx.len()].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                return Err(fail(&name_s, "duplicate parameter"));
            }
            idx.push(i);
        }
        let mut values = self.values.write();
        let mut staged: Vec<(usize, String)> = Vec::with_capacity(pairs.len());
        for (&i, (name, value)) in idx.iter().zip(pairs) {
            let cur = staged.iter().rev().find(|(j, _)| *j == i).map(|(_, v)| v.clone());
            let p = &PARAMS[i];
            let text = String::from_utf8_lossy(value);
            let args = if matches!(p.kind, Kind::Save) {
                text.split(' ').map(|w| w.to_string()).collect()
            } else if p.multi_arg() {
                split_value(value)
            } else {
                vec![text.into_owned()]
            };
            let v = p
                .normalize(&args, cur.as_deref().unwrap_or(&values[i]))
                .map_err(|e| fail(&String::from_utf8_lossy(name), &e))?;
            staged.push((i, v));
        }
        // Apply: side effects first (they can fail), then the values.
        for (n, (i, v)) in staged.iter().enumerate() {
            if PARAMS[*i].name == "maxclients" {
                let want: u64 = v.parse().unwrap_or(0);
                if let Err(best) = raise_fd_limit(want) {
                    return Err(fail(
                        &String::from_utf8_lossy(pairs[n].0),
                        &format!(
                            "The operating system is not able to handle the specified number of clients, try with {best}"
                        ),
                    ));
                }
            }
        }
        self.relisten_if_needed(pairs, &staged, &values)?;
        let old_dir = current_dir();
        for (n, (i, v)) in staged.iter_mut().enumerate() {
            if matches!(PARAMS[*i].kind, Kind::Dir) {
                if let Err(e) = change_dir(v) {
                    let _ = change_dir(&old_dir);
                    return Err(fail(&String::from_utf8_lossy(pairs[n].0), &e));
                }
                *v = current_dir();
            }
        }
        let mut changed = Vec::new();
        for (i, v) in staged {
            let p = &PARAMS[i];
            if p.name == "loglevel" {
                log::set_level(log_level(&v));
            }
            values[i] = v;
            changed.push(p.name);
        }
        self.install(build_settings(&values));
        Ok(changed)
    }

    /// CONFIG SET port / bind: listens on the new addresses before the values change, as
    /// Redis's `changeListener` does; on failure nothing changes and the error names the
    /// parameter with Redis's text.
    fn relisten_if_needed(
        &self,
        pairs: &[(&[u8], &[u8])],
        staged: &[(usize, String)],
        values: &[String],
    ) -> Result<(), String> {
        let pos = |name: &str| staged.iter().rposition(|(i, _)| PARAMS[*i].name == name);
        let (port_at, bind_at) = (pos("port"), pos("bind"));
        if port_at.is_none() && bind_at.is_none() {
            return Ok(());
        }
        let current = |name: &str| find_param(name).map(|i| values[i].clone()).unwrap_or_default();
        let port_s = port_at.map_or_else(|| current("port"), |n| staged[n].1.clone());
        let bind_s = bind_at.map_or_else(|| current("bind"), |n| staged[n].1.clone());
        if port_s == current("port") && bind_s == current("bind") {
            return Ok(());
        }
        let port: u16 = port_s.parse().unwrap_or(0);
        let bind: Vec<String> = bind_s.split_whitespace().map(str::to_string).collect();
        let hook = self.listen_hook.lock();
        let Some(hook) = hook.as_ref() else { return Ok(()) };
        hook(&bind, port).map_err(|_| {
            let (n, why) = match bind_at {
                Some(n) => (n, "Failed to bind to specified addresses."),
                None => (port_at.unwrap_or(0), "Unable to listen on this port. Check server logs."),
            };
            let name = String::from_utf8_lossy(pairs[n].0);
            format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {why}")
        })
    }

    /// CONFIG SET from a loopback client (kept for callers that do not know the client).
    pub fn set_many(&self, pairs: &[(&[u8], &[u8])]) -> Result<Vec<&'static str>, String> {
        self.set_many_from(pairs, true)
    }

    /// Parameters whose feature is not implemented yet but whose value differs from the
    /// default, plus config-file directives not in effect (named in a startup warning).
    pub fn not_in_effect(&self) -> Vec<&'static str> {
        let values = self.values.read();
        let mut out: Vec<&'static str> = PARAMS
            .iter()
            .enumerate()
            .filter(|(i, p)| !p.implemented && values[*i] != p.default)
            .map(|(_, p)| p.name)
            .collect();
        if !self.extras.users.is_empty() {
            out.push("user");
        }
        if !self.extras.modules.is_empty() {
            out.push("loadmodule");
        }
        out
    }

    /// CONFIG REWRITE: rewrites the startup config file with the current values, keeping
    /// its comments, order and unrelated lines.
    pub fn rewrite(&self) -> Result<(), String> {
        let Some(path) = self.file.as_deref().filter(|f| *f != "-") else {
            return Err("ERR The server is running without a config file".into());
        };
        let _g = self.set_lock.lock();
        let values: Vec<String> = {
            let v = self.values.read();
            (0..PARAMS.len()).map(|i| v[i].clone()).collect()
        };
        file::rewrite(path, &values)
            .map_err(|e| format!("ERR Rewriting config file: {}", os_error_text(&e)))
    }
}

/// File descriptors kept for purposes other than clients (listeners, logs, files).
const RESERVED_FDS: u64 = 32;

/// The soft limit on open files (`None` = unlimited).
fn open_files_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// Makes room for `maxclients` client sockets plus the reserved descriptors, raising the
/// open-files limit when it is too low, as Redis's `adjustOpenFilesLimit` does: try the
/// needed value, then step down 16 at a time while the system refuses. On failure returns the
/// largest maxclients the resulting limit allows.
pub fn raise_fd_limit(maxclients: u64) -> Result<(), u64> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let need = maxclients.saturating_add(RESERVED_FDS);
    let Some(have) = open_files_limit() else { return Ok(()) };
    if have >= need {
        return Ok(());
    }
    let hard = getrlimit(Resource::Nofile).maximum;
    let mut best = need;
    while best > have {
        // Raising the hard limit needs privileges; below it only the soft limit moves.
        let max = hard.map(|h| h.max(best));
        if setrlimit(Resource::Nofile, Rlimit { current: Some(best), maximum: max }).is_ok() {
            break;
        }
        best = best.saturating_sub(16);
    }
    let now = open_files_limit().unwrap_or(u64::MAX);
    if now >= need {
        Ok(())
    } else {
        Err(now.saturating_sub(RESERVED_FDS))
    }
}

impl Config {
    /// At startup: raises the open-files limit for `maxclients`, or lowers maxclients to what
    /// the limit allows (as Redis does). Returns a warning to log when it had to lower it.
    pub fn fit_maxclients_to_fd_limit(&self) -> Option<String> {
        let want = self.settings().maxclients as u64;
        let best = raise_fd_limit(want).err()?.max(1);
        let mut values = self.values.write();
        if let Some(i) = find_param("maxclients") {
            values[i] = best.to_string();
        }
        self.install(build_settings(&values));
        Some(format!(
            "You requested maxclients of {want} requiring at least {} max file descriptors, but the open files limit allows only {}. maxclients has been reduced to {best}; raise 'ulimit -n' if you need more.",
            want + RESERVED_FDS,
            best + RESERVED_FDS
        ))
    }
}

fn store_lfu(l: &crate::db::lfu::LfuLive, s: &Settings) {
    l.store(s.maxmemory_policy.contains("lfu"), s.lfu_log_factor, s.lfu_decay_time);
}

/// The working directory as an absolute path.
pub fn current_dir() -> String {
    std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_default()
}

fn build_settings(values: &[String]) -> Settings {
    let get = |name: &str| -> &str { find_param(name).map(|i| values[i].as_str()).unwrap_or("") };
    let int = |name: &str| -> i64 { get(name).parse().unwrap_or(0) };
    let uint = |name: &str| -> u64 { get(name).parse().unwrap_or(0) };
    let yes = |name: &str| get(name) == "yes";
    let pass = get("requirepass");
    let nums: Vec<u64> = get("save").split_whitespace().filter_map(|w| w.parse().ok()).collect();
    Settings {
        port: int("port") as u16,
        bind: get("bind").split_whitespace().map(|s| s.to_string()).collect(),
        databases: int("databases").max(1) as usize,
        requirepass: (!pass.is_empty()).then(|| pass.as_bytes().to_vec()),
        protected_mode: yes("protected-mode"),
        timeout: int("timeout") as u64,
        proto_max_bulk_len: uint("proto-max-bulk-len").min(i64::MAX as u64) as i64,
        client_query_buffer_limit: uint("client-query-buffer-limit") as usize,
        maxclients: int("maxclients") as usize,
        hz: int("hz").clamp(1, 500) as u32,
        enable_debug_command: Access::parse(get("enable-debug-command")),
        enable_protected_configs: Access::parse(get("enable-protected-configs")),
        enable_module_command: Access::parse(get("enable-module-command")),
        loglevel: get("loglevel").to_string(),
        tcp_keepalive: int("tcp-keepalive") as u64,
        active_expire_effort: int("active-expire-effort") as u32,
        lazyfree_lazy_expire: yes("lazyfree-lazy-expire"),
        lazyfree_lazy_user_del: yes("lazyfree-lazy-user-del"),
        lazyfree_lazy_user_flush: yes("lazyfree-lazy-user-flush"),
        lazyfree_lazy_server_del: yes("lazyfree-lazy-server-del"),
        lazyfree_lazy_eviction: yes("lazyfree-lazy-eviction"),
        maxmemory_policy: get("maxmemory-policy").to_string(),
        worker_threads: int("worker-threads") as usize,
        keyspace_shards: int("keyspace-shards") as usize,
        worker_idle_spin_ns: int("worker-idle-spin-ns") as u64,
        maxmemory: uint("maxmemory"),
        maxmemory_samples: int("maxmemory-samples") as u32,
        lfu_log_factor: int("lfu-log-factor") as u32,
        lfu_decay_time: int("lfu-decay-time") as u32,
        save: nums.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1])).collect(),
        appendonly: yes("appendonly"),
        appendfsync: get("appendfsync").to_string(),
        dbfilename: get("dbfilename").to_string(),
        rdbcompression: yes("rdbcompression"),
        rdbchecksum: yes("rdbchecksum"),
        stop_writes_on_bgsave_error: yes("stop-writes-on-bgsave-error"),
        rdb_key_save_delay: int("rdb-key-save-delay"),
        key_load_delay: int("key-load-delay"),
        notify_keyspace_events: get("notify-keyspace-events").to_string(),
        slowlog_log_slower_than: int("slowlog-log-slower-than"),
        slowlog_max_len: uint("slowlog-max-len"),
        latency_monitor_threshold: uint("latency-monitor-threshold"),
        latency_tracking: yes("latency-tracking"),
        latency_tracking_info_percentiles: get("latency-tracking-info-percentiles")
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect(),
        jemalloc_bg_thread: yes("jemalloc-bg-thread"),
        hash_max_listpack_entries: uint("hash-max-listpack-entries"),
        hash_max_listpack_value: uint("hash-max-listpack-value"),
        list_max_listpack_size: int("list-max-listpack-size"),
        list_compress_depth: int("list-compress-depth") as u32,
        set_max_intset_entries: uint("set-max-intset-entries"),
        set_max_listpack_entries: uint("set-max-listpack-entries"),
        set_max_listpack_value: uint("set-max-listpack-value"),
        zset_max_listpack_entries: uint("zset-max-listpack-entries"),
        zset_max_listpack_value: uint("zset-max-listpack-value"),
        stream_node_max_bytes: uint("stream-node-max-bytes"),
        stream_node_max_entries: uint("stream-node-max-entries"),
        hll_sparse_max_bytes: uint("hll-sparse-max-bytes"),
        busy_reply_threshold: uint("busy-reply-threshold"),
        tracking_table_max_keys: uint("tracking-table-max-keys"),
        acllog_max_len: uint("acllog-max-len"),
        activerehashing: yes("activerehashing"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(name: &str, v: &str) -> Result<String, String> {
        let p = &PARAMS[find_param(name).unwrap()];
        p.normalize(&[v.to_string()], p.default)
    }

    #[test]
    fn table_names_are_unique_and_defaults_valid() {
        for (i, p) in PARAMS.iter().enumerate() {
            for q in &PARAMS[i + 1..] {
                assert_ne!(p.name, q.name);
                assert_ne!(Some(p.name), q.alias);
            }
            if !matches!(p.kind, Kind::Dir | Kind::ReplicaOf) {
                let args: Vec<String> = if p.multi_arg() {
                    p.default.split_whitespace().map(|s| s.to_string()).collect()
                } else {
                    vec![p.default.to_string()]
                };
                assert_eq!(p.normalize(&args, p.default).as_deref(), Ok(p.default), "{}", p.name);
            }
        }
    }

    #[test]
    fn special_kinds() {
        assert_eq!(norm("notify-keyspace-events", "KEA").unwrap(), "AKE");
        assert_eq!(norm("notify-keyspace-events", "ntdxz").unwrap(), "zxtdn");
        assert_eq!(norm("notify-keyspace-events", "AKEmnd").unwrap(), "AKEm");
        assert_eq!(norm("maxmemory", "1gB").unwrap(), "1073741824");
        assert_eq!(norm("maxmemory", "").unwrap(), "0");
        assert!(norm("maxmemory", "-1").is_err());
        assert_eq!(norm("maxmemory-clients", "0%").unwrap(), "0");
        assert_eq!(norm("shutdown-on-sigint", "now nosave").unwrap(), "nosave now");
        assert_eq!(
            norm("client-output-buffer-limit", "normal 1mb 2 3").unwrap(),
            "normal 1048576 2 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        );
        assert_eq!(norm("latency-tracking-info-percentiles", "1e1 99.9").unwrap(), "10 99.9");
    }
}
