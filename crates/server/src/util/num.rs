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
    let v: f64 = match text.parse() {
        Ok(v) => v,
        // strtod also reads C99 hexadecimal floats (`0x1.8p3`), which Rust's parser does not.
        Err(_) => parse_hex_f64(text)?,
    };
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
        let mantissa = match body.strip_prefix("0x") {
            Some(hex) => hex.split('p').next().unwrap_or(""),
            None => body.split('e').next().unwrap_or(""),
        };
        if mantissa.bytes().any(|c| c.is_ascii_hexdigit() && c != b'0') {
            return None;
        }
    }
    Some(v)
}

/// A C99 hexadecimal float as strtod reads it: `[+-]0x` hex digits with an optional `.`
/// fraction and an optional binary exponent `p[+-]digits`. Overflow gives infinity (refused
/// by the caller, as strtod's ERANGE is).
fn parse_hex_f64(text: &str) -> Option<f64> {
    let (neg, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X"))?;
    let (mant, exp) = match rest.find(['p', 'P']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut m: u128 = 0;
    let mut shift: i64 = 0;
    let mut sticky = false;
    for (i, c) in int.bytes().chain(frac.bytes()).enumerate() {
        let d = (c as char).to_digit(16)? as u128;
        if i >= int.len() {
            shift -= 4;
        }
        if m >> 120 == 0 {
            m = m << 4 | d;
        } else {
            // Beyond 30 significant hex digits only whether anything is non-zero matters.
            shift += 4;
            sticky |= d != 0;
        }
    }
    let e: i64 = match exp {
        Some(e) => {
            let digits = e.trim_start_matches(['+', '-']);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            e.parse::<i64>().unwrap_or(if e.starts_with('-') { i64::MIN / 4 } else { i64::MAX / 4 })
        }
        None => 0,
    };
    let m = m | sticky as u128;
    let mut v = m as f64;
    let mut p = e.saturating_add(shift).clamp(-3000, 3000);
    while p != 0 {
        let step = p.clamp(-1000, 1000);
        v *= 2f64.powi(step as i32);
        p -= step;
    }
    Some(if neg { -v } else { v })
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
    fn hex_floats_as_strtod_reads_them() {
        assert_eq!(parse_f64(b"0x10"), Some(16.0));
        assert_eq!(parse_f64(b"0x1.8p3"), Some(12.0));
        assert_eq!(parse_f64(b"-0X.8"), Some(-0.5));
        assert_eq!(parse_f64(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_f64(b"0xep1"), Some(28.0));
        assert_eq!(parse_f64(b"0x0p5"), Some(0.0));
        assert_eq!(parse_f64(b"0x1fffffffffffffp0"), Some(9007199254740991.0));
        for bad in [&b"0x"[..], b"0x.", b"0x1p", b"0x1q", b"0xg", b"0x1p99999", b"0x1p-99999"] {
            assert_eq!(parse_f64(bad), None, "{bad:?}");
        }
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
