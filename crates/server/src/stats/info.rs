//! Process-level numbers for INFO, read from the allocator and from `/proc` (no `unsafe`):
//! memory (jemalloc statistics, resident set size), CPU time, the OS name, and Redis's
//! human-readable byte format.

use std::fmt::Write;

/// Allocator statistics in bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// Bytes handed out to the program (`used_memory`, `allocator_allocated`).
    pub allocated: u64,
    /// Bytes in active pages (`allocator_active`).
    pub active: u64,
    /// Bytes in physically resident allocator pages (`allocator_resident`).
    pub resident: u64,
    /// Resident set size of the process (`used_memory_rss`).
    pub rss: u64,
}

/// Reads the allocator's statistics (refreshing its cached view first) and the process RSS.
pub fn memory() -> Memory {
    use tikv_jemalloc_ctl::{epoch, stats};
    let _ = epoch::advance();
    let allocated = stats::allocated::read().unwrap_or(0) as u64;
    let active = stats::active::read().unwrap_or(0) as u64;
    let resident = stats::resident::read().unwrap_or(0) as u64;
    Memory { allocated, active, resident, rss: rss_bytes() }
}

/// The process's resident set size, from `/proc/self/status` (`VmRSS`, in kB).
pub fn rss_bytes() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/status") else { return 0 };
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// Total physical memory (`MemTotal` of `/proc/meminfo`).
pub fn total_system_memory() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/meminfo") else { return 0 };
    s.lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// Clock ticks per second of `/proc/*/stat` times (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
const CLK_TCK: f64 = 100.0;

/// `(system, user)` CPU seconds from a `/proc/.../stat` file.
fn cpu_from(path: &str) -> (f64, f64) {
    let Ok(s) = std::fs::read_to_string(path) else { return (0.0, 0.0) };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some(rest) = s.rfind(')').map(|i| &s[i + 1..]) else { return (0.0, 0.0) };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / CLK_TCK;
    (get(12), get(11))
}

/// `(system, user)` CPU seconds of the whole process.
pub fn cpu_process() -> (f64, f64) {
    cpu_from("/proc/self/stat")
}

/// `(system, user)` CPU seconds of the calling thread.
pub fn cpu_thread() -> (f64, f64) {
    cpu_from("/proc/thread-self/stat")
}

/// `(system, user)` CPU seconds of waited-for children (fields 16 and 17).
pub fn cpu_children() -> (f64, f64) {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else { return (0.0, 0.0) };
    let Some(rest) = s.rfind(')').map(|i| &s[i + 1..]) else { return (0.0, 0.0) };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / CLK_TCK;
    (get(14), get(13))
}

/// `Linux <release> <machine>`, as `uname -srm` prints it.
pub fn os_name() -> String {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let sys = std::fs::read_to_string("/proc/sys/kernel/ostype").unwrap_or_else(|_| "Linux".into());
    format!("{} {} {}", sys.trim(), release.trim(), std::env::consts::ARCH)
}

/// Redis's human-readable byte count: `512B`, `894.80K`, `6.24M`, `23.54G`, ...
pub fn bytes_to_human(n: u64) -> String {
    let units = [("K", 1u64 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40), ("P", 1 << 50)];
    if n < 1024 {
        return format!("{n}B");
    }
    let mut out = String::new();
    for (i, (u, size)) in units.iter().enumerate() {
        let next = units.get(i + 1).map(|x| x.1).unwrap_or(u64::MAX);
        if n < next || i == units.len() - 1 {
            let _ = write!(out, "{:.2}{u}", n as f64 / *size as f64);
            return out;
        }
    }
    format!("{n}B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(916272), "894.80K");
        assert_eq!(bytes_to_human(6541312), "6.24M");
        assert_eq!(bytes_to_human(25276063744), "23.54G");
    }

    #[test]
    fn proc_readings_are_sane() {
        assert!(rss_bytes() > 0);
        let (s, u) = cpu_process();
        assert!(s >= 0.0 && u >= 0.0);
        assert!(os_name().starts_with("Linux"));
    }
}
