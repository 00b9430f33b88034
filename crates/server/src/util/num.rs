//! Number parsing and formatting with Redis's exact rules.

pub use resp::parse::parse_i64;

/// Parses a double as Redis's `string2d`/`getDoubleFromObject` do (`strtod` plus checks): no
/// leading space, no trailing bytes, no NaN, and no overflow or underflow to zero (`ERANGE`).
/// `inf`, `-inf`, `+inf` and `infinity` are accepted.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    if s.is_empty() || s.len() > 5 * 1024 {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let first = s[0];
    if first.is_ascii_whitespace() || first == 0x0b || first == 0x0c {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    if v.is_nan() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let is_inf_literal = body == "inf" || body == "infinity";
    if v.is_infinite() && !is_inf_literal {
        return None; // overflow: strtod sets ERANGE
    }
    if v == 0.0 {
        // Underflow: a non-zero mantissa that rounded to zero.
        let mantissa = body.split('e').next().unwrap_or("");
        if mantissa.bytes().any(|c| (b'1'..=b'9').contains(&c)) {
            return None;
        }
    }
    Some(v)
}

/// Parses an unsigned 64-bit value (`string2ull` rules: digits only).
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Formats an integer into a reusable buffer.
pub fn fmt_i64(n: i64) -> String {
    itoa::Buffer::new().format(n).to_string()
}

/// Parses a memory value as Redis's `memtoull` does: digits (none means 0, too many saturate)
/// and an optional unit `b`, `k`=1000, `kb`=1024, `m`, `mb`, `g`, `gb` in any case. No sign,
/// no spaces.
pub fn parse_memory(s: &[u8]) -> Option<u64> {
    let split = s.iter().position(|c| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let mul: u64 = match unit.to_ascii_lowercase().as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let mut n: u64 = 0;
    for &c in digits {
        n = n.saturating_mul(10).saturating_add((c - b'0') as u64);
    }
    Some(n.saturating_mul(mul))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_follow_strtod_checks() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"1e5"), Some(1e5));
        assert_eq!(parse_f64(b".5"), Some(0.5));
        for bad in [&b"nan"[..], b" 1", b"1 ", b"1e400", b"1e-400", b"abc", b""] {
            assert_eq!(parse_f64(bad), None, "{bad:?}");
        }
        assert_eq!(parse_f64(b"0.0"), Some(0.0));
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory(b"1kb"), Some(1024));
        assert_eq!(parse_memory(b"1K"), Some(1000));
        assert_eq!(parse_memory(b"512mb"), Some(512 << 20));
        assert_eq!(parse_memory(b"12"), Some(12));
        assert_eq!(parse_memory(b"1x"), None);
        assert_eq!(parse_memory(b""), Some(0));
        assert_eq!(parse_memory(b"-1"), None);
    }
}
