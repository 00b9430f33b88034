//! Typed argument reading with Redis's error texts.

use super::error::CmdError;
use crate::util::num::{parse_f64, parse_i64};

/// Parses an integer argument (`ERR value is not an integer or out of range`).
#[inline]
pub fn int(a: &[u8]) -> Result<i64, CmdError> {
    parse_i64(a).ok_or(CmdError::NotInteger)
}

/// Parses a double argument (`ERR value is not a valid float`).
pub fn float(a: &[u8]) -> Result<f64, CmdError> {
    parse_f64(a).ok_or(CmdError::NotFloat)
}

/// Parses a non-negative integer, reporting `msg` (a full error text) when negative.
pub fn non_negative(a: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    let n = int(a)?;
    if n < 0 {
        return Err(CmdError::msg(msg));
    }
    Ok(n)
}

/// True if `a` equals the keyword `kw` (ASCII case-insensitive).
#[inline]
pub fn is(a: &[u8], kw: &str) -> bool {
    a.eq_ignore_ascii_case(kw.as_bytes())
}
