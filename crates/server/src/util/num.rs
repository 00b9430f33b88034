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

/// Parses a memory size with Redis's units (`memtoull`): `b`, `k`=1000, `kb`=1024, `m`, `mb`,
/// `g`, `gb`, case-insensitive. Returns None on anything else.
pub fn parse_memory(s: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(s).ok()?.to_ascii_lowercase();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '-')).unwrap_or(text.len());
    let (num, unit) = text.split_at(split);
    let mul: i64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let n = parse_i64(num.as_bytes())?;
    n.checked_mul(mul)
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
    }
}
