//! The command registry: name → spec, built once from every family's `COMMANDS` table.
//!
//! Each command and subcommand gets a dense numeric id (for per-command stats arrays) and its
//! ACL categories completed with the implicit ones Redis derives from flags
//! (`setImplicitACLCategories`: write → @write, readonly → @read, admin → @admin @dangerous,
//! pubsub → @pubsub, fast → @fast, blocking → @blocking, not fast → @slow).

use std::collections::HashMap;
use std::sync::OnceLock;

use resp::parse::Argv;

use super::spec::{acl, flags, CommandSpec};

/// A registered command or subcommand.
pub struct Entry {
    pub spec: &'static CommandSpec,
    pub id: usize,
    /// ACL categories including the implicit ones.
    pub acl: u64,
    /// `name` or `container|sub`.
    pub full_name: String,
    pub subs: Vec<Entry>,
}

/// All commands.
pub struct Registry {
    map: HashMap<Vec<u8>, Entry, foldhash::fast::RandomState>,
    count: usize,
}

/// The outcome of looking up a request's command.
pub enum Found<'a> {
    Cmd(&'a Entry),
    /// The name is unknown.
    Unknown,
    /// The container exists but the subcommand does not.
    UnknownSub(&'a Entry),
}

fn implicit_acl(spec: &CommandSpec) -> u64 {
    let mut a = spec.acl;
    if spec.has(flags::WRITE) {
        a |= acl::WRITE;
    }
    if spec.has(flags::READONLY) && a & acl::SCRIPTING == 0 {
        a |= acl::READ;
    }
    if spec.has(flags::ADMIN) {
        a |= acl::ADMIN | acl::DANGEROUS;
    }
    if spec.has(flags::PUBSUB) {
        a |= acl::PUBSUB;
    }
    if spec.has(flags::FAST) {
        a |= acl::FAST;
    }
    if spec.has(flags::BLOCKING) {
        a |= acl::BLOCKING;
    }
    if a & acl::FAST == 0 {
        a |= acl::SLOW;
    }
    a
}

impl Registry {
    fn build() -> Registry {
        let mut map = HashMap::with_hasher(foldhash::fast::RandomState::default());
        let mut next = 0;
        for table in crate::commands::ALL {
            for spec in table.iter() {
                let id = next;
                next += 1;
                let mut subs = Vec::new();
                for sub in spec.subcommands {
                    subs.push(Entry {
                        spec: sub,
                        id: next,
                        acl: implicit_acl(sub),
                        full_name: format!("{}|{}", spec.name, sub.name),
                        subs: Vec::new(),
                    });
                    next += 1;
                }
                let e = Entry {
                    spec,
                    id,
                    acl: implicit_acl(spec),
                    full_name: spec.name.to_string(),
                    subs,
                };
                map.insert(spec.name.as_bytes().to_vec(), e);
            }
        }
        Registry { map, count: next }
    }

    /// Number of ids handed out (commands plus subcommands).
    pub fn id_count(&self) -> usize {
        self.count
    }

    /// Finds a top-level command by name, case-insensitively.
    #[inline]
    pub fn get(&self, name: &[u8]) -> Option<&Entry> {
        let mut buf = [0u8; 32];
        if name.len() > buf.len() {
            return None;
        }
        for (d, s) in buf.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        self.map.get(&buf[..name.len()])
    }

    /// Resolves a request to its command or subcommand.
    pub fn find(&self, argv: &Argv<'_>) -> Found<'_> {
        let Some(e) = self.get(argv.get(0)) else { return Found::Unknown };
        if e.subs.is_empty() || argv.len() < 2 {
            return Found::Cmd(e);
        }
        let sub = argv.get(1);
        match e.subs.iter().find(|s| s.spec.name.as_bytes().eq_ignore_ascii_case(sub)) {
            Some(s) => Found::Cmd(s),
            None => Found::UnknownSub(e),
        }
    }

    /// Every top-level entry (unordered).
    pub fn all(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.map.values()
    }

    /// Every entry, subcommands included, with its id.
    pub fn all_with_subs(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.map.values().flat_map(|e| std::iter::once(e).chain(e.subs.iter()))
    }
}

/// The process-wide registry.
pub fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(Registry::build)
}

/// The full name of the spec the request resolved to (`get`, `config|get`).
pub fn full_name(spec: &CommandSpec, argv: &Argv<'_>) -> String {
    let top = registry().get(argv.get(0));
    match top {
        Some(e) if !std::ptr::eq(e.spec, spec) => format!("{}|{}", e.spec.name, spec.name),
        _ => spec.name.to_string(),
    }
}
