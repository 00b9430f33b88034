//! The server log, in Redis's line format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`,
//! where the level mark is `.` debug, `-` verbose, `*` notice, `#` warning.
//!
//! Logging is never on a command's hot path; the level is an atomic so `CONFIG SET loglevel`
//! takes effect at once.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use parking_lot::Mutex;

/// Log levels, in Redis's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug = 0,
    Verbose = 1,
    Notice = 2,
    Warning = 3,
    Nothing = 4,
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Notice as u8);
static FILE: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// Sets the minimum level written.
pub fn set_level(l: Level) {
    LEVEL.store(l as u8, Ordering::Relaxed);
}

/// Sends the log to `path` (empty: standard output).
pub fn set_file(path: &str) -> std::io::Result<()> {
    let mut f = FILE.lock();
    if path.is_empty() {
        *f = None;
    } else {
        *f = Some(std::fs::OpenOptions::new().create(true).append(true).open(path)?);
    }
    Ok(())
}

/// True when messages at `l` are written.
pub fn enabled(l: Level) -> bool {
    l as u8 >= LEVEL.load(Ordering::Relaxed)
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Converts days since 1970-01-01 to (year, month 1-12, day 1-31).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Writes one log line if `l` is enabled.
pub fn write(l: Level, msg: std::fmt::Arguments<'_>) {
    if !enabled(l) {
        return;
    }
    let ms = super::time::now_ms();
    let (secs, millis) = (ms / 1000, ms % 1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86400));
    let sod = secs.rem_euclid(86400);
    let mark = match l {
        Level::Debug => '.',
        Level::Verbose => '-',
        Level::Notice => '*',
        _ => '#',
    };
    let line = format!(
        "{}:M {:02} {} {} {:02}:{:02}:{:02}.{:03} {} {}\n",
        std::process::id(),
        d,
        MONTHS[(mo - 1) as usize],
        y,
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        millis,
        mark,
        msg
    );
    let mut f = FILE.lock();
    match f.as_mut() {
        Some(file) => {
            let _ = file.write_all(line.as_bytes());
        }
        None => {
            let _ = std::io::stdout().lock().write_all(line.as_bytes());
        }
    }
}

/// Logs at notice level.
#[macro_export]
macro_rules! notice {
    ($($t:tt)*) => { $crate::util::log::write($crate::util::log::Level::Notice, format_args!($($t)*)) };
}

/// Logs at warning level.
#[macro_export]
macro_rules! warning {
    ($($t:tt)*) => { $crate::util::log::write($crate::util::log::Level::Warning, format_args!($($t)*)) };
}

/// Logs at verbose level.
#[macro_export]
macro_rules! verbose {
    ($($t:tt)*) => { $crate::util::log::write($crate::util::log::Level::Verbose, format_args!($($t)*)) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20417), (2025, 11, 25));
    }
}
