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
        let s = format_double(d);
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s.as_bytes());
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

/// Formats a double as Redis 7 replies do for scores and doubles: `inf`, `-inf`, `nan`, and
/// otherwise `%.17g` (17 significant digits, trailing zeros removed, exponent form outside
/// 1e-5 .. 1e17).
pub fn format_double(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    format_g(d, 17)
}

/// `printf("%.{prec}g", d)` for finite `d`.
pub fn format_g(d: f64, prec: usize) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let prec = prec.max(1);
    // Scientific form with prec significant digits gives the rounded digits and exponent.
    let sci = format!("{:.*e}", prec - 1, d);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= prec as i32 {
        let mut m = mantissa.to_string();
        if m.contains('.') {
            while m.ends_with('0') {
                m.pop();
            }
            if m.ends_with('.') {
                m.pop();
            }
        }
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        let mut s = format!("{:.*}", decimals, d);
        if s.contains('.') {
            while s.ends_with('0') {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        s
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
    }
}
