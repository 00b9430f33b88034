//! The reply writer: every reply shape, written in RESP2 or RESP3.
//!
//! Commands write replies through [`ReplyBuf`] and never spell protocol bytes themselves. The
//! writer is told the connection's protocol version (set by `HELLO`) and downgrades RESP3
//! types for RESP2 clients the way Redis does (`networking.c`, `addReply*`):
//!
//! | RESP3            | RESP2                         |
//! |------------------|-------------------------------|
//! | null `_`         | `$-1` (or `*-1` for arrays)   |
//! | map `%n`         | array of 2n                   |
//! | set `~n`         | array of n                    |
//! | double `,d`      | bulk string                   |
//! | boolean `#t/#f`  | integer 1 / 0                 |
//! | verbatim `=`     | bulk string without the `txt:`|
//! | big number `(`   | bulk string                   |
//! | push `>n`        | array of n                    |

/// A growable buffer of encoded replies for one connection.
#[derive(Debug, Default)]
pub struct ReplyBuf {
    buf: Vec<u8>,
    resp3: bool,
}

/// A position in the buffer where a deferred aggregate header must be inserted.
#[derive(Clone, Copy, Debug)]
pub struct Deferred(usize);

impl ReplyBuf {
    /// Returns an empty RESP2 buffer.
    pub fn new() -> Self {
        ReplyBuf { buf: Vec::with_capacity(16 * 1024), resp3: false }
    }

    /// Selects RESP3 (true) or RESP2 (false) for subsequent replies.
    pub fn set_resp3(&mut self, on: bool) {
        self.resp3 = on;
    }

    /// True when replies are written in RESP3.
    #[inline]
    pub fn is_resp3(&self) -> bool {
        self.resp3
    }

    /// Encoded bytes not yet sent.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Number of encoded bytes pending.
    #[inline]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when nothing is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Drops everything after `len` (used to roll back a reply when a command fails).
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }

    /// Empties the buffer, keeping a reasonable capacity.
    pub fn clear(&mut self) {
        self.buf.clear();
        if self.buf.capacity() > 1 << 20 {
            self.buf.shrink_to(16 * 1024);
        }
    }

    /// Takes the pending bytes out, leaving the buffer empty.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// Appends bytes that are already encoded (a cached reply, a proxied reply).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    #[inline]
    fn header(&mut self, tag: u8, n: i64) {
        let mut b = itoa::Buffer::new();
        self.buf.push(tag);
        self.buf.extend_from_slice(b.format(n).as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }

    /// `+OK`.
    #[inline]
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// A simple string (`+...`). The text must not contain CR or LF.
    pub fn simple(&mut self, s: &[u8]) {
        self.buf.push(b'+');
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error (`-...`). `msg` includes its code (`ERR ...`, `WRONGTYPE ...`); CR and LF are
    /// replaced by spaces so the protocol stays valid, as Redis does.
    pub fn error(&mut self, msg: &str) {
        self.buf.push(b'-');
        self.buf.extend(msg.bytes().map(|c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An integer (`:n`).
    #[inline]
    pub fn int(&mut self, n: i64) {
        self.header(b':', n);
    }

    /// A bulk string (`$len\r\n...\r\n`).
    #[inline]
    pub fn bulk(&mut self, s: &[u8]) {
        self.header(b'$', s.len() as i64);
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string holding the decimal form of `n`.
    pub fn bulk_int(&mut self, n: i64) {
        let mut b = itoa::Buffer::new();
        self.bulk(b.format(n).as_bytes());
    }

    /// The null bulk string: RESP2 `$-1`, RESP3 `_`.
    #[inline]
    pub fn null(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"$-1\r\n");
        }
    }

    /// The null array: RESP2 `*-1`, RESP3 `_`.
    pub fn null_array(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"*-1\r\n");
        }
    }

    /// An array header for `n` elements.
    #[inline]
    pub fn array(&mut self, n: usize) {
        self.header(b'*', n as i64);
    }

    /// A map header for `n` key/value pairs (RESP2: an array of 2n).
    pub fn map(&mut self, n: usize) {
        if self.resp3 {
            self.header(b'%', n as i64);
        } else {
            self.header(b'*', 2 * n as i64);
        }
    }

    /// A set header for `n` elements (RESP2: an array).
    pub fn set(&mut self, n: usize) {
        self.header(if self.resp3 { b'~' } else { b'*' }, n as i64);
    }

    /// A push header for `n` elements (RESP2: an array).
    pub fn push(&mut self, n: usize) {
        self.header(if self.resp3 { b'>' } else { b'*' }, n as i64);
    }

    /// An attribute header for `n` pairs. RESP3 only: callers skip attributes for RESP2.
    pub fn attribute(&mut self, n: usize) {
        self.header(b'|', n as i64);
    }

    /// A double: RESP3 `,d`, RESP2 a bulk string, formatted as Redis formats doubles.
    pub fn double(&mut self, d: f64) {
        let mut f = DoubleBuf::new();
        let s = f.g17(d);
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(s);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s);
        }
    }

    /// A boolean: RESP3 `#t`/`#f`, RESP2 `:1`/`:0`.
    pub fn boolean(&mut self, b: bool) {
        if self.resp3 {
            self.buf.extend_from_slice(if b { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.int(b as i64);
        }
    }

    /// A verbatim string with a three-letter format (`txt`, `mkd`): RESP2 a plain bulk.
    pub fn verbatim(&mut self, format: &str, s: &[u8]) {
        if self.resp3 {
            self.header(b'=', (s.len() + 4) as i64);
            self.buf.extend_from_slice(format.as_bytes());
            self.buf.push(b':');
            self.buf.extend_from_slice(s);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s);
        }
    }

    /// A big number given in decimal: RESP3 `(...`, RESP2 a bulk string.
    pub fn big_number(&mut self, digits: &str) {
        if self.resp3 {
            self.buf.push(b'(');
            self.buf.extend_from_slice(digits.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(digits.as_bytes());
        }
    }

    /// Reserves the place of an aggregate header whose length is known only later.
    pub fn defer(&mut self) -> Deferred {
        Deferred(self.buf.len())
    }

    /// Writes the header of an array deferred with [`defer`](Self::defer).
    pub fn fill_array(&mut self, at: Deferred, n: usize) {
        self.fill(at, b'*', n as i64);
    }

    /// Writes the header of a map deferred with [`defer`](Self::defer).
    pub fn fill_map(&mut self, at: Deferred, n: usize) {
        if self.resp3 {
            self.fill(at, b'%', n as i64);
        } else {
            self.fill(at, b'*', 2 * n as i64);
        }
    }

    /// Writes the header of a set deferred with [`defer`](Self::defer).
    pub fn fill_set(&mut self, at: Deferred, n: usize) {
        let tag = if self.resp3 { b'~' } else { b'*' };
        self.fill(at, tag, n as i64);
    }

    fn fill(&mut self, at: Deferred, tag: u8, n: i64) {
        let mut b = itoa::Buffer::new();
        let digits = b.format(n).as_bytes();
        let mut head = Vec::with_capacity(digits.len() + 3);
        head.push(tag);
        head.extend_from_slice(digits);
        head.extend_from_slice(b"\r\n");
        self.buf.splice(at.0..at.0, head);
    }
}

/// Formats a double as Redis's replies do (`%.17g`, `inf`, `-inf`, `nan`).
pub fn format_double(d: f64) -> String {
    let mut buf = DoubleBuf::new();
    String::from_utf8_lossy(buf.g17(d)).into_owned()
}

/// `printf("%.{prec}g", d)` for finite `d`.
pub fn format_g(d: f64, prec: usize) -> String {
    let mut buf = DoubleBuf::new();
    String::from_utf8_lossy(buf.g(d, prec.clamp(1, 40))).into_owned()
}

/// A stack buffer for formatting one double without allocating: scores are formatted on
/// every WITHSCORES reply, so this path is hot (ZRANGE ... WITHSCORES with `-P 16` spent
/// half its time in the old `format!`-based version).
pub struct DoubleBuf {
    buf: [u8; 64],
    len: usize,
}

impl std::fmt::Write for DoubleBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl Default for DoubleBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl DoubleBuf {
    pub fn new() -> Self {
        DoubleBuf { buf: [0; 64], len: 0 }
    }

    fn push(&mut self, b: u8) {
        if self.len < self.buf.len() {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }

    fn extend(&mut self, s: &[u8]) {
        for &b in s {
            self.push(b);
        }
    }

    /// `%.17g` (with `inf`, `-inf`, `nan`): the bytes Redis replies with.
    pub fn g17(&mut self, d: f64) -> &[u8] {
        self.len = 0;
        if d.is_nan() {
            self.extend(b"nan");
        } else if d.is_infinite() {
            self.extend(if d > 0.0 { b"inf" } else { b"-inf" });
        } else if d.fract() == 0.0 && d.abs() < 9_007_199_254_740_992.0 {
            // A whole number below 2^53 has at most 16 digits: %.17g prints it as an integer.
            if d == 0.0 && d.is_sign_negative() {
                self.push(b'-');
            }
            let mut n = d as i64;
            if n < 0 {
                self.push(b'-');
                n = -n;
            }
            let mut digits = [0u8; 20];
            let mut i = digits.len();
            loop {
                i -= 1;
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            self.extend(&digits[i..]);
        } else {
            return self.g(d, 17);
        }
        &self.buf[..self.len]
    }

    /// `printf("%.{prec}g", d)` for finite `d` (`prec` 1..=40): the digits and exponent come
    /// from one scientific formatting (style e with `prec - 1` decimals, which is how C
    /// defines %g), then are laid out in fixed or scientific style.
    pub fn g(&mut self, d: f64, prec: usize) -> &[u8] {
        use std::fmt::Write;
        self.len = 0;
        if d == 0.0 {
            self.extend(if d.is_sign_negative() { b"-0" } else { b"0" });
            return &self.buf[..self.len];
        }
        let mut sci = DoubleBuf::new();
        let _ = write!(sci, "{:.*e}", prec - 1, d);
        let text = &sci.buf[..sci.len];
        let (neg, text) = match text.first() {
            Some(b'-') => (true, &text[1..]),
            _ => (false, text),
        };
        let e_at = text.iter().position(|&c| c == b'e').unwrap_or(text.len());
        let exp: i32 = std::str::from_utf8(&text[(e_at + 1).min(text.len())..])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut digits = [0u8; 48];
        let mut nd = 0;
        for &c in &text[..e_at] {
            if c.is_ascii_digit() && nd < digits.len() {
                digits[nd] = c;
                nd += 1;
            }
        }
        // Trailing zeros never print in %g.
        while nd > 1 && digits[nd - 1] == b'0' {
            nd -= 1;
        }
        let digits = &digits[..nd];
        if neg {
            self.push(b'-');
        }
        if exp < -4 || exp >= prec as i32 {
            self.push(digits[0]);
            if nd > 1 {
                self.push(b'.');
                self.extend(&digits[1..]);
            }
            self.push(b'e');
            self.push(if exp < 0 { b'-' } else { b'+' });
            let a = exp.unsigned_abs();
            if a >= 100 {
                self.push(b'0' + (a / 100) as u8);
            }
            self.push(b'0' + (a / 10 % 10) as u8);
            self.push(b'0' + (a % 10) as u8);
        } else if exp >= 0 {
            let int_len = exp as usize + 1;
            for i in 0..int_len {
                self.push(digits.get(i).copied().unwrap_or(b'0'));
            }
            if nd > int_len {
                self.push(b'.');
                self.extend(&digits[int_len..]);
            }
        } else {
            self.extend(b"0.");
            for _ in 0..(-exp - 1) {
                self.push(b'0');
            }
            self.extend(digits);
        }
        &self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp2_downgrades() {
        let mut r = ReplyBuf::new();
        r.map(2);
        r.null();
        r.boolean(true);
        r.double(1.5);
        assert_eq!(r.as_bytes(), b"*4\r\n$-1\r\n:1\r\n$3\r\n1.5\r\n");
    }

    #[test]
    fn resp3_types() {
        let mut r = ReplyBuf::new();
        r.set_resp3(true);
        r.map(1);
        r.null();
        r.boolean(false);
        r.double(f64::INFINITY);
        r.verbatim("txt", b"hi");
        assert_eq!(r.as_bytes(), b"%1\r\n_\r\n#f\r\n,inf\r\n=6\r\ntxt:hi\r\n");
    }

    #[test]
    fn deferred_headers_are_inserted() {
        let mut r = ReplyBuf::new();
        r.int(1);
        let d = r.defer();
        r.bulk(b"a");
        r.fill_array(d, 1);
        assert_eq!(r.as_bytes(), b":1\r\n*1\r\n$1\r\na\r\n");
    }

    #[test]
    fn percent_g_matches_c() {
        assert_eq!(format_g(0.1, 17), "0.10000000000000001");
        assert_eq!(format_g(1.5, 17), "1.5");
        assert_eq!(format_g(1e20, 17), "1e+20");
        assert_eq!(format_g(123456.0, 17), "123456");
        assert_eq!(format_g(0.0001, 17), "0.0001");
        assert_eq!(format_g(0.00001, 17), "1.0000000000000001e-05");
        assert_eq!(format_g(-2.5e-7, 17), "-2.4999999999999999e-07");
        assert_eq!(format_g(3.0, 6), "3");
        assert_eq!(format_double(1e16), "10000000000000000");
        assert_eq!(format_double(1e17), "1e+17");
        assert_eq!(format_double(-0.0), "-0");
        assert_eq!(format_double(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(format_double(5e-324), "4.9406564584124654e-324");
        assert_eq!(format_double(-123.0), "-123");
        assert_eq!(format_double(9007199254740993.0), "9007199254740992");
        assert_eq!(format_double(0.5), "0.5");
        assert_eq!(format_double(12345678.901234567), "12345678.901234567");
    }
}
