//! INFO [section ...]: every section with Redis's field names and formatting
//! (`# Name` header, `field:value\r\n` lines, a blank line between sections), in Redis's
//! section order whatever the order asked. The reply is a bulk string in RESP2 and a `txt`
//! verbatim string in RESP3, as Redis sends it.
//!
//! Fields for features that do not exist yet (persistence, replication, eviction, ...) are
//! printed with the values an idle Redis master without them prints, so parsers keep working.

use std::fmt::{Display, Write};
use std::sync::atomic::Ordering::Relaxed;

use crate::cmd::registry::registry;
use crate::cmd::spec::{acl, flags as f, Arg, CommandSpec, Group};
use crate::cmd::{CmdResult, Ctx};
use crate::db::stats::all_db_stats;
use crate::server::{Server, FERRODIS_VERSION, REDIS_VERSION};
use crate::stats::info as pinfo;
use crate::util::time::now_us;

/// Sections in output order: (name, in `default`, in `all`).
const SECTIONS: &[(&str, bool, bool)] = &[
    ("server", true, true),
    ("clients", true, true),
    ("memory", true, true),
    ("persistence", true, true),
    ("stats", true, true),
    ("replication", true, true),
    ("cpu", true, true),
    ("modules", true, true),
    ("commandstats", false, true),
    ("errorstats", true, true),
    ("latencystats", false, true),
    ("cluster", true, true),
    ("keyspace", true, true),
];

/// The INFO text being built.
struct Text {
    s: String,
    sections: usize,
}

impl Text {
    fn header(&mut self, title: &str) {
        if self.sections > 0 {
            self.s.push_str("\r\n");
        }
        self.sections += 1;
        let _ = write!(self.s, "# {title}\r\n");
    }

    fn f(&mut self, name: &str, v: impl Display) {
        let _ = write!(self.s, "{name}:{v}\r\n");
    }
}

/// Which sections a request selects, as flags indexed like [`SECTIONS`].
fn selected(args: &[&[u8]]) -> [bool; SECTIONS.len()] {
    let mut sel = [false; SECTIONS.len()];
    if args.is_empty() {
        for (i, s) in SECTIONS.iter().enumerate() {
            sel[i] = s.1;
        }
        return sel;
    }
    for a in args {
        let a = String::from_utf8_lossy(a).to_ascii_lowercase();
        match a.as_str() {
            "default" => SECTIONS.iter().enumerate().for_each(|(i, s)| sel[i] |= s.1),
            "all" | "everything" => SECTIONS.iter().enumerate().for_each(|(i, s)| sel[i] |= s.2),
            name => {
                if let Some(i) = SECTIONS.iter().position(|s| s.0 == name) {
                    sel[i] = true;
                }
            }
        }
    }
    sel
}

fn cfg(srv: &Server, name: &str) -> String {
    srv.config.get(name).unwrap_or_default()
}

fn cfg_num(srv: &Server, name: &str) -> i64 {
    cfg(srv, name).parse().unwrap_or(0)
}

fn server(t: &mut Text, srv: &Server) {
    t.header("Server");
    let uptime = srv.uptime_secs();
    t.f("redis_version", REDIS_VERSION);
    t.f("ferrodis_version", FERRODIS_VERSION);
    t.f("redis_git_sha1", "00000000");
    t.f("redis_git_dirty", 0);
    t.f("redis_build_id", "0");
    t.f("redis_mode", "standalone");
    t.f("os", pinfo::os_name());
    t.f("arch_bits", 64);
    t.f("monotonic_clock", "POSIX clock_gettime");
    t.f("multiplexing_api", "epoll");
    t.f("atomicvar_api", "c11-builtin");
    t.f("gcc_version", "0.0.0");
    t.f("process_id", std::process::id());
    t.f("process_supervised", "no");
    t.f("run_id", &srv.run_id);
    let port = srv.port.load(Relaxed);
    t.f("tcp_port", port);
    t.f("server_time_usec", now_us());
    t.f("uptime_in_seconds", uptime);
    t.f("uptime_in_days", uptime / 86400);
    let hz = srv.config.settings().hz;
    t.f("hz", hz);
    t.f("configured_hz", hz);
    t.f("lru_clock", srv.lru_clock());
    t.f("executable", &srv.executable);
    let conf = srv
        .config
        .file
        .as_ref()
        .map(|p| {
            std::fs::canonicalize(p).map(|a| a.display().to_string()).unwrap_or_else(|_| p.clone())
        })
        .unwrap_or_default();
    t.f("config_file", conf);
    t.f("io_threads_active", 0);
    let mut listener = String::from("name=tcp");
    for b in srv.config.settings().bind.iter() {
        let _ = write!(listener, ",bind={b}");
    }
    let _ = write!(listener, ",port={port}");
    t.f("listener0", listener);
}

fn clients(t: &mut Text, srv: &Server) {
    t.header("Clients");
    let all = srv.clients.snapshot();
    let max_in = all.iter().map(|c| c.qbuf.load(Relaxed)).max().unwrap_or(0);
    let max_out = all.iter().map(|c| c.omem.load(Relaxed)).max().unwrap_or(0);
    t.f("connected_clients", srv.clients.len());
    t.f("cluster_connections", 0);
    t.f("maxclients", srv.config.settings().maxclients);
    t.f("client_recent_max_input_buffer", max_in);
    t.f("client_recent_max_output_buffer", max_out);
    let b = &srv.blocking;
    t.f("blocked_clients", b.blocked_clients.load(Relaxed));
    t.f("tracking_clients", 0);
    t.f("pubsub_clients", 0);
    t.f("watching_clients", 0);
    t.f("clients_in_timeout_table", b.in_timeout_table.load(Relaxed));
    t.f("total_watched_keys", 0);
    t.f("total_blocking_keys", b.blocking_keys.load(Relaxed));
    // Only XREADGROUP waits for a key's deletion; no such waiter exists yet.
    t.f("total_blocking_keys_on_nokey", 0);
}

fn ratio(a: u64, b: u64) -> String {
    if b == 0 {
        "0.00".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

fn memory(t: &mut Text, srv: &Server) {
    let m = pinfo::memory();
    let used = m.allocated;
    let peak = srv.stats.mem_peak.fetch_max(used, Relaxed).max(used);
    let startup = 0u64;
    let overhead = 0u64;
    let dataset = used.saturating_sub(overhead);
    let sysmem = pinfo::total_system_memory();
    let maxmemory = cfg_num(srv, "maxmemory").max(0) as u64;
    let h = pinfo::bytes_to_human;
    t.header("Memory");
    t.f("used_memory", used);
    t.f("used_memory_human", h(used));
    t.f("used_memory_rss", m.rss);
    t.f("used_memory_rss_human", h(m.rss));
    t.f("used_memory_peak", peak);
    t.f("used_memory_peak_human", h(peak));
    t.f("used_memory_peak_perc", format!("{:.2}%", used as f64 * 100.0 / peak.max(1) as f64));
    t.f("used_memory_overhead", overhead);
    t.f("used_memory_startup", startup);
    t.f("used_memory_dataset", dataset);
    t.f(
        "used_memory_dataset_perc",
        format!("{:.2}%", dataset as f64 * 100.0 / (used.saturating_sub(startup)).max(1) as f64),
    );
    t.f("allocator_allocated", m.allocated);
    t.f("allocator_active", m.active);
    t.f("allocator_resident", m.resident);
    t.f("total_system_memory", sysmem);
    t.f("total_system_memory_human", h(sysmem));
    t.f("used_memory_lua", 0);
    t.f("used_memory_vm_eval", 0);
    t.f("used_memory_lua_human", "0B");
    t.f("used_memory_scripts_eval", 0);
    t.f("number_of_cached_scripts", 0);
    t.f("number_of_functions", 0);
    t.f("number_of_libraries", 0);
    t.f("used_memory_vm_functions", 0);
    t.f("used_memory_vm_total", 0);
    t.f("used_memory_vm_total_human", "0B");
    t.f("used_memory_functions", 0);
    t.f("used_memory_scripts", 0);
    t.f("used_memory_scripts_human", "0B");
    t.f("maxmemory", maxmemory);
    t.f("maxmemory_human", h(maxmemory));
    t.f("maxmemory_policy", cfg(srv, "maxmemory-policy"));
    t.f("allocator_frag_ratio", ratio(m.active, m.allocated));
    t.f("allocator_frag_bytes", m.active.saturating_sub(m.allocated));
    t.f("allocator_rss_ratio", ratio(m.resident, m.active));
    t.f("allocator_rss_bytes", m.resident.saturating_sub(m.active));
    t.f("rss_overhead_ratio", ratio(m.rss, m.resident));
    t.f("rss_overhead_bytes", m.rss as i64 - m.resident as i64);
    t.f("mem_fragmentation_ratio", ratio(m.rss, used));
    t.f("mem_fragmentation_bytes", m.rss as i64 - used as i64);
    t.f("mem_not_counted_for_evict", 0);
    t.f("mem_replication_backlog", 0);
    t.f("mem_total_replication_buffers", 0);
    t.f("mem_clients_slaves", 0);
    t.f("mem_clients_normal", 0);
    t.f("mem_cluster_links", 0);
    t.f("mem_aof_buffer", 0);
    t.f("mem_allocator", "jemalloc-5.3.0");
    t.f("active_defrag_running", 0);
    t.f(
        "lazyfree_pending_objects",
        crate::db::lazyfree::PENDING.load(std::sync::atomic::Ordering::Relaxed),
    );
    t.f("lazyfreed_objects", crate::db::lazyfree::FREED.load(std::sync::atomic::Ordering::Relaxed));
}

fn persistence(t: &mut Text, srv: &Server) {
    t.header("Persistence");
    crate::persist::save::info_fields(srv, |k, v| t.f(k, v));
    // aof_enabled .. module_fork_last_cow_size, and the AOF sizes when it is on.
    crate::persist::aof::info_fields(srv, &mut t.s);
    crate::persist::save::loading_fields(srv, |k, v| t.f(k, v));
}

fn stats(t: &mut Text, srv: &Server) {
    let st = &srv.stats;
    let (ops, kin, kout) = st.instantaneous();
    t.header("Stats");
    t.f("total_connections_received", st.sum(|w| &w.connections));
    t.f("total_commands_processed", st.sum(|w| &w.commands));
    t.f("instantaneous_ops_per_sec", ops.round() as u64);
    t.f("total_net_input_bytes", st.sum(|w| &w.net_in));
    t.f("total_net_output_bytes", st.sum(|w| &w.net_out));
    t.f("total_net_repl_input_bytes", 0);
    t.f("total_net_repl_output_bytes", 0);
    t.f("instantaneous_input_kbps", format!("{:.2}", kin / 1024.0));
    t.f("instantaneous_output_kbps", format!("{:.2}", kout / 1024.0));
    t.f("instantaneous_input_repl_kbps", "0.00");
    t.f("instantaneous_output_repl_kbps", "0.00");
    t.f(
        "rejected_connections",
        st.sum(|w| &w.rejected_conns) + srv.rejected_connections.load(Relaxed),
    );
    t.f("sync_full", 0);
    t.f("sync_partial_ok", 0);
    t.f("sync_partial_err", 0);
    t.f("expired_keys", st.sum(|w| &w.expired));
    t.f("expired_stale_perc", format!("{:.2}", *st.expired_stale_perc.lock() * 100.0));
    t.f("expired_time_cap_reached_count", st.expire_cycle_time_cap.load(Relaxed));
    t.f("expire_cycle_cpu_milliseconds", st.expire_cycle_cpu_ms.load(Relaxed));
    t.f("evicted_keys", 0);
    t.f("evicted_clients", 0);
    t.f("total_eviction_exceeded_time", 0);
    t.f("current_eviction_exceeded_time", 0);
    t.f("keyspace_hits", st.sum(|w| &w.hits));
    t.f("keyspace_misses", st.sum(|w| &w.misses));
    for k in [
        "pubsub_channels",
        "pubsub_patterns",
        "pubsubshard_channels",
        "latest_fork_usec",
        "total_forks",
        "migrate_cached_sockets",
        "slave_expires_tracked_keys",
        "active_defrag_hits",
        "active_defrag_misses",
        "active_defrag_key_hits",
        "active_defrag_key_misses",
        "total_active_defrag_time",
        "current_active_defrag_time",
        "tracking_total_keys",
        "tracking_total_items",
        "tracking_total_prefixes",
        "unexpected_error_replies",
    ] {
        t.f(k, 0);
    }
    t.f("total_error_replies", st.sum(|w| &w.errors));
    t.f("dump_payload_sanitizations", 0);
    t.f("total_reads_processed", 0);
    t.f("total_writes_processed", 0);
    for k in [
        "io_threaded_reads_processed",
        "io_threaded_writes_processed",
        "client_query_buffer_limit_disconnections",
        "client_output_buffer_limit_disconnections",
        "reply_buffer_shrinks",
        "reply_buffer_expands",
        "eventloop_cycles",
        "eventloop_duration_sum",
        "eventloop_duration_cmd_sum",
        "instantaneous_eventloop_cycles_per_sec",
        "instantaneous_eventloop_duration_usec",
        "acl_access_denied_auth",
        "acl_access_denied_cmd",
        "acl_access_denied_key",
        "acl_access_denied_channel",
    ] {
        t.f(k, 0);
    }
}

fn replication(t: &mut Text, srv: &Server) {
    t.header("Replication");
    t.f("role", "master");
    t.f("connected_slaves", 0);
    t.f("master_failover_state", "no-failover");
    t.f("master_replid", srv.replid.lock().as_str());
    t.f("master_replid2", "0000000000000000000000000000000000000000");
    t.f("master_repl_offset", 0);
    t.f("second_repl_offset", -1);
    t.f("repl_backlog_active", 0);
    t.f("repl_backlog_size", cfg_num(srv, "repl-backlog-size"));
    t.f("repl_backlog_first_byte_offset", 0);
    t.f("repl_backlog_histlen", 0);
}

fn cpu(t: &mut Text) {
    let (sys, user) = pinfo::cpu_process();
    let (csys, cuser) = pinfo::cpu_children();
    let (tsys, tuser) = pinfo::cpu_thread();
    t.header("CPU");
    t.f("used_cpu_sys", format!("{sys:.6}"));
    t.f("used_cpu_user", format!("{user:.6}"));
    t.f("used_cpu_sys_children", format!("{csys:.6}"));
    t.f("used_cpu_user_children", format!("{cuser:.6}"));
    t.f("used_cpu_sys_main_thread", format!("{tsys:.6}"));
    t.f("used_cpu_user_main_thread", format!("{tuser:.6}"));
}

fn commandstats(t: &mut Text, srv: &Server) {
    t.header("Commandstats");
    // (name, (calls, usec, rejected, failed))
    type Row<'a> = (&'a str, (u64, u64, u64, u64));
    let mut rows: Vec<Row<'_>> = registry()
        .all_with_subs()
        .filter(|e| e.spec.handler.is_some())
        .map(|e| (e.full_name.as_str(), srv.stats.cmd(e.id)))
        .filter(|(_, c)| c.0 + c.2 + c.3 > 0)
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    for (name, (calls, usec, rejected, failed)) in rows {
        let per = if calls == 0 { 0.0 } else { usec as f64 / calls as f64 };
        t.f(
            &format!("cmdstat_{name}"),
            format!(
                "calls={calls},usec={usec},usec_per_call={per:.2},rejected_calls={rejected},failed_calls={failed}"
            ),
        );
    }
}

fn errorstats(t: &mut Text, srv: &Server) {
    t.header("Errorstats");
    for (code, n) in srv.stats.error_codes() {
        t.f(&format!("errorstat_{code}"), format!("count={n}"));
    }
}

fn keyspace(t: &mut Text, srv: &Server) {
    t.header("Keyspace");
    for (i, d) in all_db_stats(&srv.keyspace).iter().enumerate() {
        if d.keys > 0 {
            t.f(
                &format!("db{i}"),
                format!("keys={},expires={},avg_ttl={}", d.keys, d.expires, d.avg_ttl),
            );
        }
    }
}

/// Builds the INFO text for the given section arguments.
pub fn info_text(srv: &Server, args: &[&[u8]]) -> String {
    let sel = selected(args);
    let mut t = Text { s: String::with_capacity(4096), sections: 0 };
    for (i, (name, _, _)) in SECTIONS.iter().enumerate() {
        if !sel[i] {
            continue;
        }
        match *name {
            "server" => server(&mut t, srv),
            "clients" => clients(&mut t, srv),
            "memory" => memory(&mut t, srv),
            "persistence" => persistence(&mut t, srv),
            "stats" => stats(&mut t, srv),
            "replication" => replication(&mut t, srv),
            "cpu" => cpu(&mut t),
            "modules" => t.header("Modules"),
            "commandstats" => commandstats(&mut t, srv),
            "errorstats" => errorstats(&mut t, srv),
            // Per-command latency histograms are not kept yet: the section is present, empty.
            "latencystats" => t.header("Latencystats"),
            "cluster" => {
                t.header("Cluster");
                t.f("cluster_enabled", 0);
            }
            "keyspace" => keyspace(&mut t, srv),
            _ => {}
        }
    }
    t.s
}

/// INFO [section ...]
fn info(ctx: &mut Ctx<'_>) -> CmdResult {
    let args: Vec<&[u8]> = (1..ctx.argc()).map(|i| ctx.arg(i)).collect();
    let text = info_text(ctx.srv, &args);
    ctx.out.verbatim("txt", text.as_bytes());
    Ok(())
}

/// INFO.
pub static COMMANDS: &[CommandSpec] = &[CommandSpec::new("info", -1, Group::Server, info)
    .flags(f::LOADING | f::STALE)
    .acl(acl::DANGEROUS)
    .tips(&["nondeterministic_output", "request_policy:all_shards", "response_policy:special"])
    .history(&[("7.0.0", "Added support for taking multiple section arguments.")])
    .summary("Reports server information and statistics, by section.")
    .args(&[Arg::string("section").optional().multiple()])];
