//! DUMP, RESTORE and RESTORE-ASKING: a value serialized in the RDB format (Redis's
//! `cluster.c`), so keys move between ferrodis and Redis servers both ways.
//!
//! These live apart from `generic.rs` (their COMMAND DOCS group is `generic`, `server` for
//! RESTORE-ASKING) because they are the keyspace's door to the RDB codec
//! (`crate::persist::rdb`), not key bookkeeping.
//!
//! RESTORE follows `restoreCommand`: options first (syntax and range errors), then BUSYKEY,
//! then the TTL, then the payload footer (version and CRC64), then the value. A relative TTL
//! is propagated as an absolute one (`RESTORE key <unix-ms> payload ... ABSTTL`); a TTL
//! already in the past creates nothing (and a REPLACE then propagates as a DEL / UNLINK).

use crate::cmd::args::{int, is};
use crate::cmd::spec::{acl, flags as f, kflags as k, Arg, CommandSpec, Group, KeySpec};
use crate::cmd::{CmdError, CmdResult, Ctx};
use crate::db::view::Lookup;
use crate::db::NO_EXPIRE;
use crate::persist::rdb::{decode, encode, EncodeOpts};

const BUSYKEY: &str = "BUSYKEY Target key name already exists.";
const BAD_TTL: &str = "ERR Invalid TTL value, must be >= 0";
const BAD_IDLE: &str = "ERR Invalid IDLETIME value, must be >= 0";
const BAD_FREQ: &str = "ERR Invalid FREQ value, must be >= 0 and <= 255";
const BAD_FORMAT: &str = "ERR Bad data format";
/// The LRU clock's largest value (24 bits, seconds).
const LRU_CLOCK_MAX: i64 = (1 << 24) - 1;

/// `rdbcompression` (LZF for long strings), as the configuration says.
fn encode_opts(ctx: &Ctx<'_>) -> EncodeOpts {
    EncodeOpts { compress: ctx.srv.config.settings().rdbcompression }
}

/// DUMP key
fn dump(ctx: &mut Ctx<'_>) -> CmdResult {
    let opts = encode_opts(ctx);
    match ctx.db.lookup(ctx.arg(1), Lookup::Read)? {
        None => ctx.out.null(),
        Some(e) => {
            let payload = encode::dump_payload(&e.val, &opts);
            ctx.out.bulk(&payload);
        }
    }
    Ok(())
}

/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
fn restore(ctx: &mut Ctx<'_>) -> CmdResult {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<i64>, Option<i64>) = (None, None);
    let mut j = 4;
    while j < ctx.argc() {
        let more = ctx.argc() - j - 1;
        let a = ctx.arg(j);
        if is(a, "replace") {
            replace = true;
        } else if is(a, "absttl") {
            absttl = true;
        } else if is(a, "idletime") && more >= 1 && freq.is_none() {
            let v = int(ctx.arg(j + 1))?;
            if v < 0 {
                return Err(CmdError::msg(BAD_IDLE));
            }
            idle = Some(v);
            j += 1;
        } else if is(a, "freq") && more >= 1 && idle.is_none() {
            let v = int(ctx.arg(j + 1))?;
            if !(0..=255).contains(&v) {
                return Err(CmdError::msg(BAD_FREQ));
            }
            freq = Some(v);
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let key = ctx.arg(1);
    if !replace && ctx.db.lookup(key, Lookup::Write)?.is_some() {
        return Err(CmdError::msg(BUSYKEY));
    }
    let mut ttl = int(ctx.arg(2))?;
    if ttl < 0 {
        return Err(CmdError::msg(BAD_TTL));
    }
    let payload = ctx.arg(3);
    if !decode::verify_payload(payload) {
        return Err(CmdError::msg(concat!("ERR ", "DUMP payload version or checksum are wrong")));
    }
    let lim = ctx.srv.config.enc.get();
    let Ok(val) = decode::payload_value(payload, lim) else {
        return Err(CmdError::msg(BAD_FORMAT));
    };
    let deleted = replace && ctx.db.delete(key)?.is_some();
    let now = ctx.db.now;
    if ttl != 0 && !absttl {
        ttl = ttl.saturating_add(now);
    }
    let db = ctx.db.index;
    // `checkAlreadyExpired`: while loading (AOF replay) the key is created all the same and
    // expires on its own, as in Redis.
    let loading = ctx.srv.persist.rdb.loading.load(std::sync::atomic::Ordering::Relaxed);
    if ttl != 0 && ttl <= now && !loading {
        // Already expired: nothing is created; a replaced key is gone.
        if deleted {
            let lazy = ctx.srv.config.settings().lazyfree_lazy_server_del;
            let verb: &[u8] = if lazy { b"UNLINK" } else { b"DEL" };
            ctx.db.fx.propagate_as(db, [verb, key]);
            ctx.db.dirty(1);
        }
        ctx.out.ok();
        return Ok(());
    }
    ctx.db.set(key, val, if ttl != 0 { ttl } else { NO_EXPIRE }, false)?;
    if ttl != 0 && !absttl {
        // Propagate the TTL as an absolute time, as Redis rewrites the command.
        let abs = itoa::Buffer::new().format(ttl).as_bytes().to_vec();
        let mut argv: Vec<&[u8]> = (0..ctx.argc()).map(|i| ctx.arg(i)).collect();
        argv[2] = &abs;
        argv.push(b"ABSTTL");
        ctx.db.fx.propagate_as(db, argv);
    }
    // IDLETIME under an LRU policy, FREQ under an LFU one (`objectSetLRUOrLFU`).
    let stamp = match (ctx.db.lfu, freq, idle) {
        (Some(l), Some(fr), _) => Some(((l.now_min << 8) | fr as u32) & 0xFF_FFFF),
        (None, _, Some(secs)) => {
            let mut at = i64::from(ctx.srv.lru_clock()) - secs;
            if at < 0 {
                at += LRU_CLOCK_MAX;
            }
            Some(at.clamp(0, LRU_CLOCK_MAX) as u32)
        }
        _ => None,
    };
    if let Some(stamp) = stamp {
        if let Some(e) = ctx.db.lookup(key, Lookup::Peek)? {
            e.set_lru(stamp);
        }
    }
    ctx.db.dirty(1);
    ctx.out.ok();
    Ok(())
}

const RESTORE_COMPLEXITY: &str = "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).";

const RESTORE_HISTORY: &[(&str, &str)] = &[
    ("3.0.0", "Added the `REPLACE` modifier."),
    ("5.0.0", "Added the `ABSTTL` modifier."),
    ("5.0.0", "Added the `IDLETIME` and `FREQ` options."),
];

const RESTORE_ARGS: &[Arg] = &[
    Arg::key("key", 0),
    Arg::integer("ttl"),
    Arg::string("serialized-value"),
    Arg::pure("replace", "REPLACE").since("3.0.0").optional(),
    Arg::pure("absttl", "ABSTTL").since("5.0.0").optional(),
    Arg::integer("seconds").token("IDLETIME").since("5.0.0").optional(),
    Arg::integer("frequency").token("FREQ").since("5.0.0").optional(),
];

/// The commands of this module.
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec::new("dump", 2, Group::Generic, dump)
        .flags(f::READONLY)
        .acl(acl::KEYSPACE)
        .keys(&[KeySpec::single(k::RO | k::ACCESS, 1)])
        .tips(&["nondeterministic_output"])
        .since("2.6.0")
        .complexity("O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).")
        .summary("Return a serialized version of the value stored at the specified key.")
        .args(&[Arg::key("key", 0)]),
    CommandSpec::new("restore", -4, Group::Generic, restore)
        .flags(f::WRITE | f::DENYOOM)
        .acl(acl::KEYSPACE | acl::DANGEROUS)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1)])
        .since("2.6.0")
        .complexity(RESTORE_COMPLEXITY)
        .history(RESTORE_HISTORY)
        .summary("Create a key using the provided serialized value, previously obtained using DUMP.")
        .args(RESTORE_ARGS),
    CommandSpec::new("restore-asking", -4, Group::Server, restore)
        .flags(f::WRITE | f::DENYOOM | f::ASKING)
        .acl(acl::KEYSPACE | acl::DANGEROUS)
        .keys(&[KeySpec::single(k::OW | k::UPDATE, 1)])
        .since("3.0.0")
        .complexity(RESTORE_COMPLEXITY)
        .history(RESTORE_HISTORY)
        .syscmd()
        .summary("An internal command for migrating keys in a cluster")
        .args(RESTORE_ARGS),
];
