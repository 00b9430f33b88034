//! Configuration: one declarative table of parameters (`table.rs`), redis.conf parsing
//! (`file.rs`), and the live store behind CONFIG GET / SET.
//!
//! Every parameter is declared once with its redis.conf name, alias, kind (bool, integer,
//! memory, enum, string, special), default and flags. Values are kept in their canonical
//! text form (what CONFIG GET prints); a typed [`Settings`] snapshot is rebuilt on every
//! change for the hot paths, which read it through an `Arc` without parsing anything.
//!
//! Parameters whose feature does not exist yet are still accepted, stored and shown
//! (DESIGN.md §1): `Param::implemented` is false for them and the startup log names any
//! that were set to a non-default value.

pub mod file;
pub mod table;

use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

pub use table::{Kind, Param, PARAMS};

use crate::util::glob;

/// Parameter flags.
pub mod pflags {
    /// Cannot be changed with CONFIG SET.
    pub const IMMUTABLE: u32 = 1;
    /// Hidden from CONFIG GET patterns other than the exact name (none yet).
    pub const SENSITIVE: u32 = 2;
    /// Changing it needs enable-protected-configs.
    pub const PROTECTED: u32 = 4;
    /// Not shown by CONFIG GET * (debug/test-only knobs).
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
    pub loglevel: String,
    pub tcp_keepalive: u64,
    pub active_expire_effort: u32,
    pub lazyfree_lazy_expire: bool,
    pub lazyfree_lazy_user_del: bool,
    pub lazyfree_lazy_user_flush: bool,
    pub maxmemory_policy: String,
    pub worker_threads: usize,
    pub keyspace_shards: usize,
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

/// The live configuration.
pub struct Config {
    values: RwLock<Vec<String>>,
    settings: RwLock<Arc<Settings>>,
    /// Serialises CONFIG SET so validation and apply see one state.
    set_lock: Mutex<()>,
    /// The config file given at startup (CONFIG REWRITE target), if any.
    pub file: Option<String>,
}

/// Finds a parameter by name or alias (case-insensitive).
pub fn find_param(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    PARAMS.iter().position(|p| p.name == lower || p.alias == Some(lower.as_str()))
}

impl Config {
    /// Builds a configuration from defaults plus `(name, args)` directives in order.
    pub fn from_directives(
        directives: &[(String, Vec<String>)],
        file: Option<String>,
    ) -> Result<Config, String> {
        let mut values: Vec<String> = PARAMS.iter().map(|p| p.default.to_string()).collect();
        let mut save_reset = false;
        for (name, args) in directives {
            let Some(i) = find_param(name) else {
                return Err("Bad directive or wrong number of arguments".into());
            };
            let p = &PARAMS[i];
            // `save` lines accumulate; `save ""` clears.
            if p.name == "save" {
                if !save_reset {
                    values[i].clear();
                    save_reset = true;
                }
                let joined = args.join(" ");
                let v = p.normalize(&joined)?;
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
            if args.len() != 1 && p.flags & pflags::MULTI_ARG == 0 {
                return Err("wrong number of arguments".into());
            }
            values[i] = p.normalize(&args.join(" "))?;
        }
        let settings = Arc::new(build_settings(&values));
        Ok(Config {
            values: RwLock::new(values),
            settings: RwLock::new(settings),
            set_lock: Mutex::new(()),
            file,
        })
    }

    /// The current typed snapshot.
    #[inline]
    pub fn settings(&self) -> Arc<Settings> {
        self.settings.read().clone()
    }

    /// The canonical value of a parameter by exact name.
    pub fn get(&self, name: &str) -> Option<String> {
        let i = find_param(name)?;
        Some(self.values.read()[i].clone())
    }

    /// CONFIG GET: every `(name, value)` matching any of the glob `patterns`, each name once.
    pub fn get_matching(&self, patterns: &[&[u8]]) -> Vec<(&'static str, String)> {
        let values = self.values.read();
        let mut out: Vec<(&'static str, String)> = Vec::new();
        for pat in patterns {
            let has_glob = pat.iter().any(|c| matches!(c, b'*' | b'?' | b'['));
            for (i, p) in PARAMS.iter().enumerate() {
                let names = std::iter::once(p.name).chain(p.alias);
                for name in names {
                    let hit = if has_glob {
                        p.flags & pflags::HIDDEN == 0 && glob::matches(pat, name.as_bytes(), true)
                    } else {
                        pat.eq_ignore_ascii_case(name.as_bytes())
                    };
                    if hit && !out.iter().any(|(n, _)| *n == name) {
                        out.push((name, values[i].clone()));
                    }
                }
            }
        }
        out
    }

    /// CONFIG SET with several pairs: validates all, then applies all, or none.
    pub fn set_many(&self, pairs: &[(&[u8], &[u8])]) -> Result<Vec<&'static str>, String> {
        let _g = self.set_lock.lock();
        let mut staged: Vec<(usize, String)> = Vec::new();
        for (name, value) in pairs {
            let name_s = String::from_utf8_lossy(name);
            let Some(i) = find_param(&name_s) else {
                return Err(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{name_s}'"
                ));
            };
            let p = &PARAMS[i];
            let fail = |why: &str| {
                format!("ERR CONFIG SET failed (possibly related to argument '{name_s}') - {why}")
            };
            if p.flags & pflags::IMMUTABLE != 0 {
                return Err(fail("can't set immutable config"));
            }
            if p.flags & pflags::PROTECTED != 0
                && self.settings().enable_protected_configs == Access::No
            {
                return Err(fail("can't set protected config"));
            }
            if staged.iter().any(|(j, _)| *j == i) {
                return Err(fail("duplicate parameter"));
            }
            let v = p.normalize(&String::from_utf8_lossy(value)).map_err(|e| fail(&e))?;
            staged.push((i, v));
        }
        let mut changed = Vec::new();
        {
            let mut values = self.values.write();
            for (i, v) in staged {
                values[i] = v;
                changed.push(PARAMS[i].name);
            }
            *self.settings.write() = Arc::new(build_settings(&values));
        }
        Ok(changed)
    }

    /// Parameters whose feature is not implemented yet but whose value differs from the
    /// default (named in a startup warning).
    pub fn not_in_effect(&self) -> Vec<&'static str> {
        let values = self.values.read();
        PARAMS
            .iter()
            .enumerate()
            .filter(|(i, p)| !p.implemented && values[*i] != p.default)
            .map(|(_, p)| p.name)
            .collect()
    }
}

fn build_settings(values: &[String]) -> Settings {
    let get = |name: &str| -> &str { find_param(name).map(|i| values[i].as_str()).unwrap_or("") };
    let int = |name: &str| -> i64 { get(name).parse().unwrap_or(0) };
    let yes = |name: &str| get(name) == "yes";
    let pass = get("requirepass");
    Settings {
        port: int("port") as u16,
        bind: get("bind").split_whitespace().map(|s| s.to_string()).collect(),
        databases: int("databases").max(1) as usize,
        requirepass: (!pass.is_empty()).then(|| pass.as_bytes().to_vec()),
        protected_mode: yes("protected-mode"),
        timeout: int("timeout") as u64,
        proto_max_bulk_len: int("proto-max-bulk-len"),
        client_query_buffer_limit: int("client-query-buffer-limit") as usize,
        maxclients: int("maxclients") as usize,
        hz: int("hz").clamp(1, 500) as u32,
        enable_debug_command: Access::parse(get("enable-debug-command")),
        enable_protected_configs: Access::parse(get("enable-protected-configs")),
        loglevel: get("loglevel").to_string(),
        tcp_keepalive: int("tcp-keepalive") as u64,
        active_expire_effort: int("active-expire-effort") as u32,
        lazyfree_lazy_expire: yes("lazyfree-lazy-expire"),
        lazyfree_lazy_user_del: yes("lazyfree-lazy-user-del"),
        lazyfree_lazy_user_flush: yes("lazyfree-lazy-user-flush"),
        maxmemory_policy: get("maxmemory-policy").to_string(),
        worker_threads: int("worker-threads") as usize,
        keyspace_shards: int("keyspace-shards") as usize,
    }
}
