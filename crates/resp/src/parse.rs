//! Incremental request parser: multibulk (`*N\r\n$L\r\n...`) and inline (`GET k\r\n`).
//!
//! The parser is fed the connection's read buffer starting at the first byte of the request
//! being parsed. When the request is incomplete it remembers how far it got (the number of
//! arguments still expected, the pending bulk length and the byte offset), so a request that
//! arrives in many small reads is parsed in linear time, and a huge declared length costs
//! nothing until its bytes actually arrive.
//!
//! Errors carry Redis's exact texts (`networking.c`, `processMultibulkBuffer` and
//! `processInlineBuffer` in Redis 7). After a protocol error the connection must reply with
//! the error and close, as Redis does.

use std::ops::Range;

/// Longest inline request, and longest count line, Redis accepts (`PROTO_INLINE_MAX_SIZE`).
pub const INLINE_MAX_SIZE: usize = 64 * 1024;
/// Largest multibulk count a client that has not authenticated may send.
pub const UNAUTH_MAX_MULTIBULK: i64 = 10;
/// Largest bulk a client that has not authenticated may send.
pub const UNAUTH_MAX_BULK: i64 = 16384;

/// The limits that apply to one parse call.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// `proto-max-bulk-len`.
    pub max_bulk_len: i64,
    /// False while `requirepass` (or ACL) requires the client to authenticate first.
    pub authenticated: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bulk_len: 512 * 1024 * 1024, authenticated: true }
    }
}

/// A protocol error: the text after `-ERR ` in the reply, and the reason Redis logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(pub String);

impl ParseError {
    fn new(s: impl Into<String>) -> Self {
        ParseError(s.into())
    }
}

/// Outcome of one parse call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// More bytes are needed; call again with the same buffer start once they arrive.
    Incomplete,
    /// A request of `consumed` bytes is complete; its arguments are in [`RequestParser::argv`].
    /// An empty request (`*0\r\n`, a blank inline line) has zero arguments and is skipped by
    /// callers, as Redis does.
    Complete { consumed: usize },
}

/// Where the arguments of the last complete request live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// Byte ranges into the caller's buffer (multibulk).
    Input,
    /// Byte ranges into the parser's own scratch buffer (inline, after unquoting).
    Scratch,
}

/// A reusable, stateful request parser; one per connection.
#[derive(Debug)]
pub struct RequestParser {
    /// Arguments still expected by the multibulk request in progress (0: none started).
    multibulk_left: i64,
    /// Length of the bulk whose header has been read, or -1.
    bulk_len: i64,
    /// Offset, relative to the request start, where parsing resumes.
    pos: usize,
    ranges: Vec<Range<usize>>,
    scratch: Vec<u8>,
    source: Source,
}

impl Default for RequestParser {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestParser {
    /// Returns a parser with no request in progress.
    pub fn new() -> Self {
        RequestParser {
            multibulk_left: 0,
            bulk_len: -1,
            pos: 0,
            ranges: Vec::new(),
            scratch: Vec::new(),
            source: Source::Input,
        }
    }

    /// True while a request has been partly read (used by CLIENT LIST `qbuf` and timeouts).
    pub fn in_progress(&self) -> bool {
        self.multibulk_left > 0 || self.pos > 0
    }

    /// Parses the request that starts at `buf[0]`.
    pub fn parse(&mut self, buf: &[u8], limits: &Limits) -> Result<Parsed, ParseError> {
        if self.multibulk_left == 0 && self.pos == 0 {
            if buf.is_empty() {
                return Ok(Parsed::Incomplete);
            }
            self.ranges.clear();
            if buf[0] != b'*' {
                return self.parse_inline(buf);
            }
            self.source = Source::Input;
            // Count line: `*<n>\r\n`.
            let Some(cr) = memchr(b'\r', buf) else {
                if buf.len() > INLINE_MAX_SIZE {
                    return Err(ParseError::new("Protocol error: too big mbulk count string"));
                }
                return Ok(Parsed::Incomplete);
            };
            if cr + 2 > buf.len() {
                return Ok(Parsed::Incomplete);
            }
            let n = match parse_i64(&buf[1..cr]) {
                Some(n) if n <= i32::MAX as i64 => n,
                _ => return Err(ParseError::new("Protocol error: invalid multibulk length")),
            };
            if n > UNAUTH_MAX_MULTIBULK && !limits.authenticated {
                return Err(ParseError::new("Protocol error: unauthenticated multibulk length"));
            }
            if n <= 0 {
                return Ok(Parsed::Complete { consumed: cr + 2 });
            }
            self.pos = cr + 2;
            self.multibulk_left = n;
            self.bulk_len = -1;
            // Never reserve for the declared count: it may be a lie, or arrive slowly.
            self.ranges.reserve(n.min(1024) as usize);
        }
        while self.multibulk_left > 0 {
            if self.bulk_len < 0 {
                let rest = &buf[self.pos..];
                let Some(cr) = memchr(b'\r', rest) else {
                    if rest.len() > INLINE_MAX_SIZE {
                        return Err(ParseError::new("Protocol error: too big bulk count string"));
                    }
                    return Ok(Parsed::Incomplete);
                };
                if cr + 2 > rest.len() {
                    return Ok(Parsed::Incomplete);
                }
                if rest[0] != b'$' {
                    return Err(ParseError(format!(
                        "Protocol error: expected '$', got '{}'",
                        rest[0] as char
                    )));
                }
                let len = match parse_i64(&rest[1..cr]) {
                    Some(n) if n >= 0 && n <= limits.max_bulk_len => n,
                    _ => return Err(ParseError::new("Protocol error: invalid bulk length")),
                };
                if len > UNAUTH_MAX_BULK && !limits.authenticated {
                    return Err(ParseError::new("Protocol error: unauthenticated bulk length"));
                }
                self.pos += cr + 2;
                self.bulk_len = len;
            }
            let len = self.bulk_len as usize;
            if buf.len() - self.pos < len + 2 {
                return Ok(Parsed::Incomplete);
            }
            self.ranges.push(self.pos..self.pos + len);
            self.pos += len + 2;
            self.bulk_len = -1;
            self.multibulk_left -= 1;
        }
        let consumed = self.pos;
        self.pos = 0;
        Ok(Parsed::Complete { consumed })
    }

    /// Returns how many bytes the caller should expect to hold for the request in progress:
    /// used to size reads for big arguments without trusting the declared length.
    pub fn pending_bulk(&self) -> Option<usize> {
        (self.bulk_len >= 0).then_some(self.bulk_len as usize + 2)
    }

    fn parse_inline(&mut self, buf: &[u8]) -> Result<Parsed, ParseError> {
        let Some(nl) = memchr(b'\n', buf) else {
            if buf.len() > INLINE_MAX_SIZE {
                return Err(ParseError::new("Protocol error: too big inline request"));
            }
            return Ok(Parsed::Incomplete);
        };
        let line_end = if nl > 0 && buf[nl - 1] == b'\r' { nl - 1 } else { nl };
        self.source = Source::Scratch;
        self.scratch.clear();
        if !split_args(&buf[..line_end], &mut self.scratch, &mut self.ranges) {
            return Err(ParseError::new("Protocol error: unbalanced quotes in request"));
        }
        Ok(Parsed::Complete { consumed: nl + 1 })
    }

    /// Returns the arguments of the last complete request; `input` must be the buffer that was
    /// passed to the [`parse`](Self::parse) call that completed it.
    pub fn argv<'a>(&'a self, input: &'a [u8]) -> Argv<'a> {
        let base = match self.source {
            Source::Input => input,
            Source::Scratch => &self.scratch,
        };
        Argv { base, ranges: &self.ranges }
    }
}

/// A borrowed argument vector: byte ranges into one base buffer. Cheap to copy.
#[derive(Clone, Copy, Debug)]
pub struct Argv<'a> {
    base: &'a [u8],
    ranges: &'a [Range<usize>],
}

impl<'a> Argv<'a> {
    /// Builds a view from a base buffer and ranges into it.
    pub fn new(base: &'a [u8], ranges: &'a [Range<usize>]) -> Self {
        Argv { base, ranges }
    }

    /// Number of arguments, the command name included.
    #[inline]
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// True when there are no arguments.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Returns argument `i`. Panics if out of range: callers check arity first.
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        &self.base[self.ranges[i].clone()]
    }

    /// Returns an iterator over all arguments.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + '_ {
        let base = self.base;
        self.ranges.iter().map(move |r| &base[r.clone()])
    }

    /// Copies the arguments into an owned vector.
    pub fn to_owned_args(&self) -> OwnedArgv {
        let mut buf = Vec::with_capacity(self.ranges.iter().map(|r| r.len()).sum());
        let mut ranges = Vec::with_capacity(self.ranges.len());
        for a in self.iter() {
            let start = buf.len();
            buf.extend_from_slice(a);
            ranges.push(start..buf.len());
        }
        OwnedArgv { buf, ranges }
    }
}

/// An owned argument vector (queued MULTI commands, blocked clients, replays).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedArgv {
    buf: Vec<u8>,
    ranges: Vec<Range<usize>>,
}

impl OwnedArgv {
    /// Builds an argument vector from byte strings.
    pub fn from_slices<I, A>(args: I) -> Self
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>,
    {
        let mut out = OwnedArgv::default();
        for a in args {
            out.push(a.as_ref());
        }
        out
    }

    /// Appends one argument.
    pub fn push(&mut self, a: &[u8]) {
        let start = self.buf.len();
        self.buf.extend_from_slice(a);
        self.ranges.push(start..self.buf.len());
    }

    /// Returns a borrowed view.
    pub fn view(&self) -> Argv<'_> {
        Argv { base: &self.buf, ranges: &self.ranges }
    }

    /// Number of arguments.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

#[inline]
fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Parses a decimal `i64` exactly as Redis's `string2ll` does: no sign but a leading `-`, no
/// leading zeros (except the single `0`), no spaces, at most 20 characters, no overflow.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = if s[0] == b'-' { (true, &s[1..]) } else { (false, s) };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}

/// Splits a line into arguments with the rules of Redis's `sdssplitargs` (inline commands,
/// redis.conf lines): whitespace separates; `"..."` understands `\n \r \t \b \a \\ \"` and
/// `\xHH`; `'...'` understands `\'`; a closing quote must be followed by whitespace or the end.
/// Appends the unquoted bytes to `out` and one range per argument to `ranges`. Returns false
/// on unbalanced quotes.
pub fn split_args(line: &[u8], out: &mut Vec<u8>, ranges: &mut Vec<Range<usize>>) -> bool {
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return true;
        }
        let start = out.len();
        let mut in_dq = false;
        let mut in_sq = false;
        loop {
            if in_dq {
                if i >= n {
                    return false;
                }
                let c = line[i];
                if c == b'\\'
                    && i + 3 < n
                    && line[i + 1] == b'x'
                    && hex_val(line[i + 2]).is_some()
                    && hex_val(line[i + 3]).is_some()
                {
                    let hi = hex_val(line[i + 2]).unwrap_or(0);
                    let lo = hex_val(line[i + 3]).unwrap_or(0);
                    out.push(hi * 16 + lo);
                    i += 3;
                } else if c == b'\\' && i + 1 < n {
                    i += 1;
                    out.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return false;
                    }
                    i += 1;
                    break;
                } else {
                    out.push(c);
                }
                i += 1;
            } else if in_sq {
                if i >= n {
                    return false;
                }
                let c = line[i];
                if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    i += 1;
                    out.push(b'\'');
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return false;
                    }
                    i += 1;
                    break;
                } else {
                    out.push(c);
                }
                i += 1;
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    c if is_space(c) => break,
                    b'"' => in_dq = true,
                    b'\'' => in_sq = true,
                    c => out.push(c),
                }
                i += 1;
            }
        }
        ranges.push(start..out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, ParseError> {
        let mut p = RequestParser::new();
        let mut at = 0;
        let mut out = Vec::new();
        let lim = Limits::default();
        while at < input.len() {
            match p.parse(&input[at..], &lim)? {
                Parsed::Incomplete => break,
                Parsed::Complete { consumed } => {
                    let argv = p.argv(&input[at..]);
                    out.push(argv.iter().map(|a| a.to_vec()).collect());
                    at += consumed;
                }
            }
        }
        Ok(out)
    }

    #[test]
    fn multibulk_and_inline_requests_parse() {
        let got = parse_all(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nSET a \"b c\"\r\n").unwrap();
        assert_eq!(
            got,
            vec![
                vec![b"GET".to_vec(), b"k".to_vec()],
                vec![b"SET".to_vec(), b"a".to_vec(), b"b c".to_vec()]
            ]
        );
    }

    #[test]
    fn byte_at_a_time_feeding_completes_once() {
        let input = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
        let mut p = RequestParser::new();
        let lim = Limits::default();
        for end in 1..input.len() {
            assert_eq!(p.parse(&input[..end], &lim).unwrap(), Parsed::Incomplete);
        }
        assert_eq!(p.parse(input, &lim).unwrap(), Parsed::Complete { consumed: input.len() });
        assert_eq!(p.argv(input).get(2), b"value");
    }

    #[test]
    fn protocol_errors_use_redis_texts() {
        let e = |s: &[u8]| parse_all(s).unwrap_err().0;
        assert_eq!(e(b"*x\r\n"), "Protocol error: invalid multibulk length");
        assert_eq!(e(b"*1\r\n$-5\r\n"), "Protocol error: invalid bulk length");
        assert_eq!(e(b"*1\r\n$2147483648\r\n"), "Protocol error: invalid bulk length");
        assert_eq!(e(b"*1\r\n:1\r\n"), "Protocol error: expected '$', got ':'");
        assert_eq!(e(b"GET \"a\r\n"), "Protocol error: unbalanced quotes in request");
        assert_eq!(e(&[b'x'; 70000]), "Protocol error: too big inline request");
    }

    #[test]
    fn unauthenticated_limits_apply() {
        let mut p = RequestParser::new();
        let lim = Limits { authenticated: false, ..Limits::default() };
        assert_eq!(
            p.parse(b"*11\r\n", &lim).unwrap_err().0,
            "Protocol error: unauthenticated multibulk length"
        );
        let mut p = RequestParser::new();
        assert_eq!(
            p.parse(b"*1\r\n$16385\r\n", &lim).unwrap_err().0,
            "Protocol error: unauthenticated bulk length"
        );
    }

    #[test]
    fn string2ll_rules() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        for bad in [&b"01"[..], b"+1", b" 1", b"-0", b"", b"-", b"1a"] {
            assert_eq!(parse_i64(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn split_args_handles_quotes_and_escapes() {
        let mut out = Vec::new();
        let mut r = Vec::new();
        assert!(split_args(br#"set "a\x41\n" 'it\'s' x"y z""#, &mut out, &mut r));
        let args: Vec<&[u8]> = r.iter().map(|r| &out[r.clone()]).collect();
        assert_eq!(args, vec![&b"set"[..], b"aA\n", b"it's", b"xy z"]);
        out.clear();
        r.clear();
        assert!(!split_args(br#""a"b"#, &mut out, &mut r));
    }
}
