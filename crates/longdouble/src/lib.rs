//! Decimal arithmetic in the platform's C `long double`, the way Redis's INCRBYFLOAT and
//! HINCRBYFLOAT compute it.
//!
//! Redis parses both operands with `strtold`, adds them in `long double` (80-bit extended
//! precision on x86-64) and prints the sum with 17 fixed decimals, trailing zeros removed.
//! `f64` arithmetic gives different digits (`10.5 + 0.1` is `10.6` in Redis but
//! `10.59999999999999964` when computed in `f64` and printed the same way), so this crate
//! compiles a small C file (`src/ld.c`) and wraps it in a safe API. This is the only crate of
//! the workspace with `unsafe` code: the two FFI calls below.

use std::os::raw::{c_char, c_int};

extern "C" {
    fn ferrodis_ld_add(
        cur: *const c_char,
        cur_len: usize,
        incr: *const c_char,
        incr_len: usize,
        out: *mut c_char,
        out_cap: usize,
        out_len: *mut usize,
    ) -> c_int;
    fn ferrodis_ld_valid(s: *const c_char, len: usize) -> c_int;
}

/// Longest accepted input, exclusive (Redis's `MAX_LONG_DOUBLE_CHARS`), and the size of the
/// output buffer (a formatted `long double` never needs more).
pub const MAX_CHARS: usize = 5 * 1024;

/// Why an addition failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddError {
    /// The current value is not a valid number.
    BadValue,
    /// The increment is not a valid number.
    BadIncrement,
    /// The sum is NaN or infinite.
    NotFinite,
}

/// Adds `incr` to `cur`, both decimal text (any syntax `strtold` accepts, with no leading
/// space, no trailing bytes, no overflow, and not NaN), and returns the sum formatted as
/// Redis formats it: `%.17Lf` with trailing fractional zeros (and a bare point) removed, and
/// `-0` written `0`.
pub fn add(cur: &[u8], incr: &[u8]) -> Result<Vec<u8>, AddError> {
    let mut out = vec![0u8; MAX_CHARS];
    let mut len = 0usize;
    // SAFETY: `cur` and `incr` are valid for reads of their lengths (the C side copies at most
    // that many bytes and never writes to them); `out` is valid for writes of `out.len()`
    // bytes, which is the capacity passed; `len` is a valid, exclusive `usize` location.
    // The C function keeps no pointer after returning.
    let rc = unsafe {
        ferrodis_ld_add(
            cur.as_ptr().cast(),
            cur.len(),
            incr.as_ptr().cast(),
            incr.len(),
            out.as_mut_ptr().cast(),
            out.len(),
            &mut len,
        )
    };
    match rc {
        0 => {
            out.truncate(len.min(MAX_CHARS));
            Ok(out)
        }
        1 => Err(AddError::BadValue),
        2 => Err(AddError::BadIncrement),
        // 4 (buffer too small) cannot happen with MAX_CHARS; report it as not finite rather
        // than panic.
        _ => Err(AddError::NotFinite),
    }
}

/// True if `s` is a number under the rules of [`add`].
pub fn is_valid(s: &[u8]) -> bool {
    // SAFETY: `s` is valid for reads of `s.len()` bytes; the C side only reads (copying into
    // its own buffer) and keeps no pointer.
    unsafe { ferrodis_ld_valid(s.as_ptr().cast(), s.len()) == 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add_s(a: &str, b: &str) -> Result<String, AddError> {
        add(a.as_bytes(), b.as_bytes()).map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn sums_as_redis_prints_them() {
        assert_eq!(add_s("0", "0.1").unwrap(), "0.1");
        assert_eq!(add_s("10.5", "0.1").unwrap(), "10.6");
        assert_eq!(add_s("0", "-0.0").unwrap(), "0");
        assert_eq!(add_s("-0.0", "-0.0").unwrap(), "0");
        assert_eq!(add_s("3.0e3", "0").unwrap(), "3000");
        assert_eq!(add_s("5.0e3", "2.0e2").unwrap(), "5200");
        assert_eq!(add_s("1e20", "0").unwrap(), "100000000000000000000");
        assert_eq!(add_s("9223372036854775807", "1").unwrap(), "9223372036854775808");
    }

    #[test]
    fn rejects_what_strtold_rules_reject() {
        assert_eq!(add_s(" 1", "1"), Err(AddError::BadValue));
        assert_eq!(add_s("1", "1 "), Err(AddError::BadIncrement));
        assert_eq!(add_s("1", "nan"), Err(AddError::BadIncrement));
        assert_eq!(add_s("1", ""), Err(AddError::BadIncrement));
        assert_eq!(add_s("1", "1e99999"), Err(AddError::BadIncrement));
        assert_eq!(add(b"1", b"1\x002"), Err(AddError::BadIncrement));
        assert_eq!(add_s("1", &"1".repeat(MAX_CHARS)), Err(AddError::BadIncrement));
        assert_eq!(add_s("1", "inf"), Err(AddError::NotFinite));
        assert!(is_valid(b"0x10"));
        assert!(!is_valid(b"abc"));
    }
}
