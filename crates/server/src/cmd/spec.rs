//! What a command is: the static description every subsystem reads.
//!
//! Each command is declared once, next to its handler, as a `const CommandSpec` built with
//! the `const fn` builders below. Dispatch (arity, auth, flags), the executor (which shards to
//! lock), the COMMAND family (COUNT, INFO, DOCS, LIST, GETKEYS), and later ACL, cluster
//! redirection and MULTI queueing all read this one table (DESIGN.md §3).

use super::{CmdResult, Ctx};

/// A command implementation. Synchronous: it never awaits, locks or spawns; the executor has
/// already given it exclusive access to the shards its keys live in.
pub type Handler = fn(&mut Ctx<'_>) -> CmdResult;

/// Command flags, with the names COMMAND INFO reports.
pub mod flags {
    pub const WRITE: u64 = 1 << 0;
    pub const READONLY: u64 = 1 << 1;
    pub const DENYOOM: u64 = 1 << 2;
    pub const MODULE: u64 = 1 << 3;
    pub const ADMIN: u64 = 1 << 4;
    pub const PUBSUB: u64 = 1 << 5;
    pub const NOSCRIPT: u64 = 1 << 6;
    pub const BLOCKING: u64 = 1 << 7;
    pub const LOADING: u64 = 1 << 8;
    pub const STALE: u64 = 1 << 9;
    pub const SKIP_MONITOR: u64 = 1 << 10;
    pub const SKIP_SLOWLOG: u64 = 1 << 11;
    pub const ASKING: u64 = 1 << 12;
    pub const FAST: u64 = 1 << 13;
    pub const NO_AUTH: u64 = 1 << 14;
    pub const MAY_REPLICATE: u64 = 1 << 15;
    pub const SENTINEL: u64 = 1 << 16;
    pub const ONLY_SENTINEL: u64 = 1 << 17;
    pub const NO_MANDATORY_KEYS: u64 = 1 << 18;
    pub const PROTECTED: u64 = 1 << 19;
    pub const NO_ASYNC_LOADING: u64 = 1 << 20;
    pub const NO_MULTI: u64 = 1 << 21;
    pub const MOVABLE_KEYS: u64 = 1 << 22;
    pub const ALLOW_BUSY: u64 = 1 << 23;

    /// Names in COMMAND INFO order.
    pub const NAMES: &[(u64, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (MODULE, "module"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (SENTINEL, "sentinel"),
        (ONLY_SENTINEL, "only_sentinel"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (PROTECTED, "protected"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// ACL categories, with their names.
pub mod acl {
    pub const KEYSPACE: u64 = 1 << 0;
    pub const READ: u64 = 1 << 1;
    pub const WRITE: u64 = 1 << 2;
    pub const SET: u64 = 1 << 3;
    pub const SORTEDSET: u64 = 1 << 4;
    pub const LIST: u64 = 1 << 5;
    pub const HASH: u64 = 1 << 6;
    pub const STRING: u64 = 1 << 7;
    pub const BITMAP: u64 = 1 << 8;
    pub const HYPERLOGLOG: u64 = 1 << 9;
    pub const GEO: u64 = 1 << 10;
    pub const STREAM: u64 = 1 << 11;
    pub const PUBSUB: u64 = 1 << 12;
    pub const ADMIN: u64 = 1 << 13;
    pub const FAST: u64 = 1 << 14;
    pub const SLOW: u64 = 1 << 15;
    pub const BLOCKING: u64 = 1 << 16;
    pub const DANGEROUS: u64 = 1 << 17;
    pub const CONNECTION: u64 = 1 << 18;
    pub const TRANSACTION: u64 = 1 << 19;
    pub const SCRIPTING: u64 = 1 << 20;

    /// Names in Redis's order.
    pub const NAMES: &[(u64, &str)] = &[
        (KEYSPACE, "keyspace"),
        (READ, "read"),
        (WRITE, "write"),
        (SET, "set"),
        (SORTEDSET, "sortedset"),
        (LIST, "list"),
        (HASH, "hash"),
        (STRING, "string"),
        (BITMAP, "bitmap"),
        (HYPERLOGLOG, "hyperloglog"),
        (GEO, "geo"),
        (STREAM, "stream"),
        (PUBSUB, "pubsub"),
        (ADMIN, "admin"),
        (FAST, "fast"),
        (SLOW, "slow"),
        (BLOCKING, "blocking"),
        (DANGEROUS, "dangerous"),
        (CONNECTION, "connection"),
        (TRANSACTION, "transaction"),
        (SCRIPTING, "scripting"),
    ];
}

/// Key-spec flags (Redis 7 key specs), with their names.
pub mod kflags {
    pub const RO: u32 = 1 << 0;
    pub const RW: u32 = 1 << 1;
    pub const OW: u32 = 1 << 2;
    pub const RM: u32 = 1 << 3;
    pub const ACCESS: u32 = 1 << 4;
    pub const UPDATE: u32 = 1 << 5;
    pub const INSERT: u32 = 1 << 6;
    pub const DELETE: u32 = 1 << 7;
    pub const NOT_KEY: u32 = 1 << 8;
    pub const INCOMPLETE: u32 = 1 << 9;
    pub const VARIABLE_FLAGS: u32 = 1 << 10;

    pub const NAMES: &[(u32, &str)] = &[
        (RO, "RO"),
        (RW, "RW"),
        (OW, "OW"),
        (RM, "RM"),
        (ACCESS, "access"),
        (UPDATE, "update"),
        (INSERT, "insert"),
        (DELETE, "delete"),
        (NOT_KEY, "not_key"),
        (INCOMPLETE, "incomplete"),
        (VARIABLE_FLAGS, "variable_flags"),
    ];
}

/// Where the search for a key spec's keys begins.
#[derive(Clone, Copy, Debug)]
pub enum BeginSearch {
    /// At a fixed argument index.
    Index(i32),
    /// After a keyword, searching from `startfrom` (negative: from the end, backwards).
    Keyword { keyword: &'static str, startfrom: i32 },
    /// Not expressible (SORT's STORE, BY/GET patterns): the command's `getkeys` finds them.
    Unknown,
}

/// How keys are found once the search has begun.
#[derive(Clone, Copy, Debug)]
pub enum FindKeys {
    /// `lastkey` relative to the begin index (-1: the last argument), every `step`;
    /// `limit` > 1 restricts to a fraction of the remaining arguments.
    Range { lastkey: i32, step: i32, limit: i32 },
    /// The number of keys is at `keynumidx`, the first key at `firstkey` (both relative).
    Keynum { keynumidx: i32, firstkey: i32, step: i32 },
    /// Not expressible (see [`BeginSearch::Unknown`]).
    Unknown,
}

/// A custom key finder: calls back `(argument index, key spec index)` for each key.
pub type GetKeys = fn(&resp::parse::Argv<'_>, &mut dyn FnMut(usize, usize));

/// One Redis 7 key spec.
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    pub flags: u32,
    pub begin: BeginSearch,
    pub find: FindKeys,
}

impl KeySpec {
    /// Keys from `first` to `last` (relative; -1 = end) every `step`.
    pub const fn range(flags: u32, first: i32, last: i32, step: i32) -> Self {
        KeySpec {
            flags,
            begin: BeginSearch::Index(first),
            find: FindKeys::Range { lastkey: last, step, limit: 0 },
        }
    }

    /// One key at argument `index`.
    pub const fn single(flags: u32, index: i32) -> Self {
        Self::range(flags, index, 0, 1)
    }

    /// Keys the specs cannot describe; the command's `getkeys` reports them.
    pub const fn unknown(flags: u32) -> Self {
        KeySpec { flags, begin: BeginSearch::Unknown, find: FindKeys::Unknown }
    }

    /// Keys after `keyword` (searched from `startfrom`; negative: backwards from the end),
    /// then a range as in [`range`](Self::range) with a `limit` (0 or 1: no limit; n > 1:
    /// only the first 1/n of the remaining arguments, as XREAD's STREAMS).
    pub const fn keyword(
        flags: u32,
        keyword: &'static str,
        startfrom: i32,
        lastkey: i32,
        step: i32,
        limit: i32,
    ) -> Self {
        KeySpec {
            flags,
            begin: BeginSearch::Keyword { keyword, startfrom },
            find: FindKeys::Range { lastkey, step, limit },
        }
    }

    /// A key count at `index + keynumidx`, keys from `index + firstkey` every `step` (EVAL,
    /// ZUNIONSTORE).
    pub const fn keynum(flags: u32, index: i32, keynumidx: i32, firstkey: i32, step: i32) -> Self {
        KeySpec {
            flags,
            begin: BeginSearch::Index(index),
            find: FindKeys::Keynum { keynumidx, firstkey, step },
        }
    }
}

/// Documentation flags (COMMAND DOCS `doc_flags`; `deprecated` comes from
/// [`CommandSpec::deprecated`]).
pub mod docflags {
    /// A system command, not meant for applications (DEBUG, PSYNC, REPLCONF, ...).
    pub const SYSCMD: u8 = 1;
}

/// Command groups, as COMMAND DOCS names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Generic,
    String,
    List,
    Set,
    SortedSet,
    Hash,
    Pubsub,
    Transactions,
    Connection,
    Server,
    Scripting,
    Hyperloglog,
    Cluster,
    Sentinel,
    Geo,
    Stream,
    Bitmap,
}

impl Group {
    /// The name COMMAND DOCS reports.
    pub const fn name(self) -> &'static str {
        match self {
            Group::Generic => "generic",
            Group::String => "string",
            Group::List => "list",
            Group::Set => "set",
            Group::SortedSet => "sorted-set",
            Group::Hash => "hash",
            Group::Pubsub => "pubsub",
            Group::Transactions => "transactions",
            Group::Connection => "connection",
            Group::Server => "server",
            Group::Scripting => "scripting",
            Group::Hyperloglog => "hyperloglog",
            Group::Cluster => "cluster",
            Group::Sentinel => "sentinel",
            Group::Geo => "geo",
            Group::Stream => "stream",
            Group::Bitmap => "bitmap",
        }
    }
}

/// What the executor must lock before the handler runs.
#[derive(Clone, Copy)]
pub enum Scope {
    /// No keyspace access (PING, CLIENT, CONFIG, ...).
    None,
    /// The shards, in the client's current database, of the keys the key specs find.
    Keys,
    /// Every shard of the current database (KEYS, SCAN, DBSIZE, FLUSHDB, RANDOMKEY).
    Db,
    /// Every shard of every database (FLUSHALL, SWAPDB, DEBUG RELOAD, INFO keyspace).
    All,
    /// The keys' shards plus the same shards in the databases the function returns (MOVE,
    /// COPY ... DB n). The function must not fail: argument errors are the handler's job.
    KeysAndDbs(fn(&resp::parse::Argv<'_>) -> Option<usize>),
}

/// Argument types for COMMAND DOCS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    String,
    Integer,
    Double,
    Key,
    Pattern,
    UnixTime,
    PureToken,
    OneOf,
    Block,
}

impl ArgKind {
    /// The name COMMAND DOCS reports.
    pub const fn name(self) -> &'static str {
        match self {
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::Double => "double",
            ArgKind::Key => "key",
            ArgKind::Pattern => "pattern",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::OneOf => "oneof",
            ArgKind::Block => "block",
        }
    }
}

/// Argument flags for COMMAND DOCS.
pub mod aflags {
    pub const OPTIONAL: u8 = 1;
    pub const MULTIPLE: u8 = 2;
    pub const MULTIPLE_TOKEN: u8 = 4;
}

/// One argument in a command's documentation tree.
#[derive(Clone, Copy, Debug)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    pub token: Option<&'static str>,
    pub flags: u8,
    pub key_spec: i32,
    pub since: Option<&'static str>,
    pub display: Option<&'static str>,
    pub sub: &'static [Arg],
}

impl Arg {
    const fn base(name: &'static str, kind: ArgKind) -> Self {
        Arg {
            name,
            kind,
            token: None,
            flags: 0,
            key_spec: -1,
            since: None,
            display: None,
            sub: &[],
        }
    }
    /// A key argument bound to key spec `spec`.
    pub const fn key(name: &'static str, spec: i32) -> Self {
        let mut a = Self::base(name, ArgKind::Key);
        a.key_spec = spec;
        a
    }
    /// A string argument.
    pub const fn string(name: &'static str) -> Self {
        Self::base(name, ArgKind::String)
    }
    /// An integer argument.
    pub const fn integer(name: &'static str) -> Self {
        Self::base(name, ArgKind::Integer)
    }
    /// A double argument.
    pub const fn double(name: &'static str) -> Self {
        Self::base(name, ArgKind::Double)
    }
    /// A pattern argument.
    pub const fn pattern(name: &'static str) -> Self {
        Self::base(name, ArgKind::Pattern)
    }
    /// A Unix-time argument.
    pub const fn unix_time(name: &'static str) -> Self {
        Self::base(name, ArgKind::UnixTime)
    }
    /// A pure token (`NX`): its name is the lowercase token.
    pub const fn pure(name: &'static str, token: &'static str) -> Self {
        let mut a = Self::base(name, ArgKind::PureToken);
        a.token = Some(token);
        a
    }
    /// One of several alternatives.
    pub const fn oneof(name: &'static str, sub: &'static [Arg]) -> Self {
        let mut a = Self::base(name, ArgKind::OneOf);
        a.sub = sub;
        a
    }
    /// A group of arguments given together.
    pub const fn block(name: &'static str, sub: &'static [Arg]) -> Self {
        let mut a = Self::base(name, ArgKind::Block);
        a.sub = sub;
        a
    }
    /// Preceded by a token (`EX seconds`).
    pub const fn token(mut self, t: &'static str) -> Self {
        self.token = Some(t);
        self
    }
    /// Optional.
    pub const fn optional(mut self) -> Self {
        self.flags |= aflags::OPTIONAL;
        self
    }
    /// May repeat.
    pub const fn multiple(mut self) -> Self {
        self.flags |= aflags::MULTIPLE;
        self
    }
    /// May repeat, each time with its token.
    pub const fn multiple_token(mut self) -> Self {
        self.flags |= aflags::MULTIPLE_TOKEN;
        self
    }
    /// Added in version `v`.
    pub const fn since(mut self, v: &'static str) -> Self {
        self.since = Some(v);
        self
    }
    /// Bound to key spec `spec` (SORT's BY/GET patterns name keys).
    pub const fn key_spec(mut self, spec: i32) -> Self {
        self.key_spec = spec;
        self
    }
    /// Displayed under another name.
    pub const fn display(mut self, d: &'static str) -> Self {
        self.display = Some(d);
        self
    }
}

/// The static description of one command or subcommand.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// Lowercase name; for a subcommand, the subcommand's own name (`get` for CONFIG GET).
    pub name: &'static str,
    /// Redis arity: positive = exactly, negative = at least |arity| (name included).
    pub arity: i32,
    pub flags: u64,
    /// Explicit ACL categories (implicit ones are added by the registry, as Redis does).
    pub acl: u64,
    pub keys: &'static [KeySpec],
    pub group: Group,
    pub since: &'static str,
    pub summary: &'static str,
    pub complexity: &'static str,
    pub args: &'static [Arg],
    pub tips: &'static [&'static str],
    /// `(version, description)` pairs for COMMAND DOCS history.
    pub history: &'static [(&'static str, &'static str)],
    pub deprecated: Option<(&'static str, &'static str)>,
    pub scope: Scope,
    /// [`docflags`] bits.
    pub doc_flags: u8,
    /// `(key spec index, text)`: the `notes` COMMAND INFO shows for a key spec.
    pub key_notes: &'static [(usize, &'static str)],
    /// For key specs flagged `variable_flags`: the actual flags of key spec `index` for these
    /// arguments (SET with GET reads the old value: RW|ACCESS|UPDATE; without: OW|UPDATE).
    /// Read by COMMAND GETKEYSANDFLAGS (and ACL key checks later).
    pub key_flags: Option<fn(&resp::parse::Argv<'_>, usize) -> u32>,
    /// Finds the keys itself, replacing the key specs (Redis's `getkeys_proc`, for commands
    /// whose keys the specs cannot locate, like SORT's STORE): calls back `(index, spec)`.
    pub getkeys: Option<GetKeys>,
    /// None for a container (CONFIG, CLIENT, ...), whose subcommands are dispatched instead.
    pub handler: Option<Handler>,
    pub subcommands: &'static [CommandSpec],
}

impl CommandSpec {
    /// A command with a handler; every other field has a neutral default.
    pub const fn new(name: &'static str, arity: i32, group: Group, handler: Handler) -> Self {
        CommandSpec {
            name,
            arity,
            flags: 0,
            acl: 0,
            keys: &[],
            group,
            since: "1.0.0",
            summary: "",
            complexity: "O(1)",
            args: &[],
            tips: &[],
            history: &[],
            deprecated: None,
            scope: Scope::None,
            doc_flags: 0,
            key_notes: &[],
            key_flags: None,
            getkeys: None,
            handler: Some(handler),
            subcommands: &[],
        }
    }

    /// A container command (CONFIG, CLIENT, OBJECT, ...) whose subcommands do the work.
    pub const fn container(
        name: &'static str,
        group: Group,
        subcommands: &'static [CommandSpec],
    ) -> Self {
        CommandSpec {
            name,
            arity: -2,
            flags: 0,
            acl: 0,
            keys: &[],
            group,
            since: "1.0.0",
            summary: "",
            complexity: "Depends on subcommand.",
            args: &[],
            tips: &[],
            history: &[],
            deprecated: None,
            scope: Scope::None,
            doc_flags: 0,
            key_notes: &[],
            key_flags: None,
            getkeys: None,
            handler: None,
            subcommands,
        }
    }

    pub const fn flags(mut self, f: u64) -> Self {
        self.flags = f;
        self
    }
    pub const fn acl(mut self, a: u64) -> Self {
        self.acl = a;
        self
    }
    /// Sets the key specs and makes the command lock its keys' shards.
    pub const fn keys(mut self, k: &'static [KeySpec]) -> Self {
        self.keys = k;
        if matches!(self.scope, Scope::None) {
            self.scope = Scope::Keys;
        }
        self
    }
    pub const fn since(mut self, v: &'static str) -> Self {
        self.since = v;
        self
    }
    pub const fn summary(mut self, s: &'static str) -> Self {
        self.summary = s;
        self
    }
    pub const fn complexity(mut self, s: &'static str) -> Self {
        self.complexity = s;
        self
    }
    pub const fn args(mut self, a: &'static [Arg]) -> Self {
        self.args = a;
        self
    }
    pub const fn tips(mut self, t: &'static [&'static str]) -> Self {
        self.tips = t;
        self
    }
    pub const fn history(mut self, h: &'static [(&'static str, &'static str)]) -> Self {
        self.history = h;
        self
    }
    pub const fn deprecated(mut self, since: &'static str, replaced_by: &'static str) -> Self {
        self.deprecated = Some((since, replaced_by));
        self
    }
    pub const fn subcommands(mut self, s: &'static [CommandSpec]) -> Self {
        self.subcommands = s;
        self
    }
    pub const fn scope(mut self, s: Scope) -> Self {
        self.scope = s;
        self
    }
    /// Marks a system command (COMMAND DOCS `doc_flags: syscmd`).
    pub const fn syscmd(mut self) -> Self {
        self.doc_flags |= docflags::SYSCMD;
        self
    }
    /// Computes the flags of `variable_flags` key specs from the arguments.
    pub const fn key_flags(mut self, f: fn(&resp::parse::Argv<'_>, usize) -> u32) -> Self {
        self.key_flags = Some(f);
        self
    }
    /// Notes shown with key specs in COMMAND INFO, as `(key spec index, text)`.
    pub const fn getkeys(mut self, g: GetKeys) -> Self {
        self.getkeys = Some(g);
        self
    }

    pub const fn key_notes(mut self, n: &'static [(usize, &'static str)]) -> Self {
        self.key_notes = n;
        self
    }

    /// True if this command declares flag `f`.
    #[inline]
    pub const fn has(&self, f: u64) -> bool {
        self.flags & f != 0
    }

    /// True if `argc` satisfies the arity.
    #[inline]
    pub const fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i32;
        if self.arity >= 0 {
            argc == self.arity
        } else {
            argc >= -self.arity
        }
    }
}
