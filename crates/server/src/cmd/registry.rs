//! The command registry: name → spec, built once from every family's `COMMANDS` table.
//!
//! Each command and subcommand gets a dense numeric id (for per-command stats arrays) and its
//! ACL categories completed with the implicit ones Redis derives from flags
//! (`setImplicitACLCategories`: write → @write, readonly → @read, admin → @admin @dangerous,
//! pubsub → @pubsub, fast → @fast, blocking → @blocking, not fast → @slow).

use std::collections::HashMap;
use std::sync::OnceLock;

use resp::parse::Argv;

use super::spec::{acl, flags, BeginSearch, CommandSpec, FindKeys};

/// A registered command or subcommand.
pub struct Entry {
    pub spec: &'static CommandSpec,
    pub id: usize,
    /// ACL categories including the implicit ones.
    pub acl: u64,
    /// `name` or `container|sub`.
    pub full_name: String,
    pub subs: Vec<Entry>,
    /// Flags including the derived `movablekeys`.
    pub flags: u64,
    /// Legacy `(first key, last key, step)` derived from the key specs, as COMMAND INFO
    /// reports them (0, 0, 0 for none).
    pub legacy: (i32, i32, i32),
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

/// A command has movable keys when some key spec does not sit at a fixed index with a range
/// after it (a keyword search, a key count).
fn derived_flags(spec: &CommandSpec) -> u64 {
    let movable = spec.keys.iter().any(|k| {
        !matches!(k.begin, BeginSearch::Index(_)) || !matches!(k.find, FindKeys::Range { .. })
    });
    if movable {
        spec.flags | flags::MOVABLE_KEYS
    } else {
        spec.flags
    }
}

/// The pre-7.0 `(first, last, step)` triple: one index+range spec is taken as is; several are
/// merged when they are contiguous with step 1; anything else gives (0, 0, 0).
fn legacy_range(spec: &CommandSpec) -> (i32, i32, i32) {
    let absolute = |pos: i32, last: i32| if last < 0 { last } else { pos + last };
    let index_range = |k: &super::spec::KeySpec| match (k.begin, k.find) {
        (BeginSearch::Index(pos), FindKeys::Range { lastkey, step, .. }) => {
            Some((pos, lastkey, step))
        }
        _ => None,
    };
    if spec.keys.len() == 1 {
        return match index_range(&spec.keys[0]) {
            Some((pos, last, step)) => (pos, absolute(pos, last), step),
            None => (0, 0, 0),
        };
    }
    let (mut first, mut last, mut prev_last) = (i32::MAX, 0, 0);
    for k in spec.keys {
        let Some((pos, l, step)) = index_range(k) else { continue };
        if step != 1 || (prev_last != 0 && prev_last != pos - 1) {
            return (0, 0, 0);
        }
        first = first.min(pos);
        let abs = absolute(pos, l);
        // A negative last (to the end) beats any fixed position.
        last = if abs < 0 || last < 0 { abs.min(last) } else { abs.max(last) };
        prev_last = abs;
    }
    if first == i32::MAX {
        (0, 0, 0)
    } else {
        (first, last, 1)
    }
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
                        flags: derived_flags(sub),
                        legacy: legacy_range(sub),
                    });
                    next += 1;
                }
                let e = Entry {
                    spec,
                    id,
                    acl: implicit_acl(spec),
                    full_name: spec.name.to_string(),
                    subs,
                    flags: derived_flags(spec),
                    legacy: legacy_range(spec),
                };
                map.insert(spec.name.as_bytes().to_vec(), e);
            }
        }
        // rename-command: the entry moves to the new name (or goes, for ""); its spec, and so
        // COMMAND's output and the stats names, keep the original name as in Redis.
        for (from, to) in RENAMES.get().map(Vec::as_slice).unwrap_or_default() {
            if let Some(e) = map.remove(from.to_ascii_lowercase().as_bytes()) {
                if !to.is_empty() {
                    map.insert(to.to_ascii_lowercase().into_bytes(), e);
                }
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

    /// Every top-level entry, sorted by name (COMMAND, COMMAND INFO and DOCS without names).
    pub fn sorted(&self) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self.map.values().collect();
        v.sort_by(|a, b| a.spec.name.cmp(b.spec.name));
        v
    }

    /// Number of top-level commands (COMMAND COUNT).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no command is registered.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Finds a command by its full name (`get`, `config|get`), case-insensitively.
    pub fn by_full_name(&self, name: &[u8]) -> Option<&Entry> {
        match name.iter().position(|&c| c == b'|') {
            None => self.get(name),
            Some(i) => {
                let top = self.get(&name[..i])?;
                let sub = &name[i + 1..];
                top.subs.iter().find(|s| s.spec.name.as_bytes().eq_ignore_ascii_case(sub))
            }
        }
    }

    /// Every entry, subcommands included, with its id.
    pub fn all_with_subs(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.map.values().flat_map(|e| std::iter::once(e).chain(e.subs.iter()))
    }
}

/// `rename-command` pairs from the config file, set once before the registry is first used.
static RENAMES: OnceLock<Vec<(String, String)>> = OnceLock::new();

/// Records the config file's `rename-command` pairs; call before [`registry`] is first used
/// (the server does it at startup). Later calls are ignored.
pub fn set_renames(pairs: &[(String, String)]) {
    let _ = RENAMES.set(pairs.to_vec());
}

/// True if `name` is a top-level command (config validation of `rename-command`).
pub fn command_exists(name: &str) -> bool {
    crate::commands::ALL.iter().flat_map(|t| t.iter()).any(|s| s.name.eq_ignore_ascii_case(name))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::spec::{kflags as k, Group, KeySpec};
    use crate::cmd::{CmdResult, Ctx};

    fn nop(_: &mut Ctx<'_>) -> CmdResult {
        Ok(())
    }

    fn spec(keys: &'static [KeySpec]) -> CommandSpec {
        CommandSpec::new("x", -2, Group::Generic, nop).keys(keys)
    }

    const MSET: &[KeySpec] = &[KeySpec::range(k::OW, 1, -1, 2)];
    const LMOVE: &[KeySpec] = &[KeySpec::single(k::RW, 1), KeySpec::single(k::RW, 2)];
    const BITOP: &[KeySpec] = &[KeySpec::single(k::OW, 2), KeySpec::range(k::RO, 3, -1, 1)];
    const SORT: &[KeySpec] =
        &[KeySpec::single(k::RO, 1), KeySpec::keyword(k::OW, "STORE", 1, 0, 1, 0)];
    const EVAL: &[KeySpec] = &[KeySpec::keynum(k::RW, 2, 0, 1, 1)];

    #[test]
    fn legacy_range_and_movable_keys() {
        // MSET: one range spec, taken as is.
        let s = spec(MSET);
        assert_eq!(legacy_range(&s), (1, -1, 2));
        assert_eq!(derived_flags(&s) & flags::MOVABLE_KEYS, 0);
        // LMOVE: two adjacent single keys merge.
        assert_eq!(legacy_range(&spec(LMOVE)), (1, 2, 1));
        // BITOP: destination, then every remaining argument.
        assert_eq!(legacy_range(&spec(BITOP)), (2, -1, 1));
        // SORT ... STORE: the keyword spec is skipped and makes the keys movable.
        let s = spec(SORT);
        assert_eq!(legacy_range(&s), (1, 1, 1));
        assert_ne!(derived_flags(&s) & flags::MOVABLE_KEYS, 0);
        // EVAL: key count only.
        let s = spec(EVAL);
        assert_eq!(legacy_range(&s), (0, 0, 0));
        assert_ne!(derived_flags(&s) & flags::MOVABLE_KEYS, 0);
        // No keys.
        assert_eq!(legacy_range(&spec(&[])), (0, 0, 0));
    }
}
