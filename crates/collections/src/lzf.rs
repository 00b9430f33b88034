//! LZF compression, the format of Marc Lehmann's liblzf that Redis uses for quicklist nodes
//! (`list-compress-depth`) and for long strings in RDB files.
//!
//! A stream is a sequence of runs, each starting with a control byte `c`:
//!
//! * `c < 32`: a literal run, the next `c + 1` bytes are copied as they are;
//! * otherwise a back reference: `len = c >> 5` (when 7, the next byte is added to it), then
//!   one more byte `lo`; `len + 2` bytes are copied from `((c & 31) << 8 | lo) + 1` bytes back
//!   in the output (the copy may overlap what it produces).
//!
//! The compressor follows liblzf 3.6 as Redis builds it (`HLOG` 16, `VERY_FAST`): a hash of
//! the next three bytes indexes the last position that had the same hash, matches are at most
//! 8 KiB back and 264 bytes long, literal runs at most 32 bytes. So its output is the same
//! stream liblzf would produce, and any liblzf stream decompresses here.

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// liblzf's hash slot of the rolling value `h` (the last bytes read, most recent lowest).
#[inline]
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

/// The hash table of last positions, kept per thread and reused by every call: each slot
/// carries the generation of the call that wrote it, so a slot from an earlier call reads as
/// empty. Clearing (or allocating) 64 Ki slots per call would cost more than compressing a
/// short string; RDB saving compresses every string longer than 20 bytes.
struct Table {
    slots: Vec<u64>,
    gen: u32,
}

impl Table {
    fn new() -> Self {
        Table { slots: vec![0; HSIZE], gen: 0 }
    }

    /// Starts a call: every slot reads as empty.
    fn begin(&mut self) {
        self.gen = self.gen.wrapping_add(1);
        if self.gen == 0 {
            self.slots.fill(0);
            self.gen = 1;
        }
    }

    #[inline]
    fn get(&self, slot: usize) -> usize {
        let e = self.slots[slot];
        if (e >> 32) as u32 == self.gen {
            e as u32 as usize
        } else {
            0
        }
    }

    #[inline]
    fn set(&mut self, slot: usize, v: usize) {
        self.slots[slot] = (u64::from(self.gen) << 32) | u64::from(v as u32);
    }
}

thread_local! {
    static TABLE: std::cell::RefCell<Table> = std::cell::RefCell::new(Table::new());
}

/// Compresses `input`. Returns `None` when the result would not fit in `max_out` bytes (or
/// the input is empty), as `lzf_compress` returns 0.
pub fn compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    if input.is_empty() || max_out == 0 {
        return None;
    }
    TABLE
        .try_with(|t| match t.try_borrow_mut() {
            Ok(mut t) => compress_with(&mut t, input, max_out),
            Err(_) => compress_with(&mut Table::new(), input, max_out),
        })
        .unwrap_or_else(|_| compress_with(&mut Table::new(), input, max_out))
}

fn compress_with(htab: &mut Table, input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    let n = input.len();
    // Positions are stored plus one, so 0 means "never seen" (liblzf's `ref > in_data`
    // test has the same effect: position 0 is never matched).
    htab.begin();
    let mut out: Vec<u8> = Vec::with_capacity(max_out.min(n + n / 16 + 64));
    // `out` holds the control byte of the current literal run at `run`.
    let mut run = 0usize;
    out.push(0);
    let mut lit = 0usize;
    let mut ip = 0usize;
    let mut hval: u32 = if n >= 2 { (u32::from(input[0]) << 8) | u32::from(input[1]) } else { 0 };
    while n >= 3 && ip < n - 2 {
        hval = (hval << 8) | u32::from(input[ip + 2]);
        let slot = idx(hval);
        let stored = htab.get(slot);
        htab.set(slot, ip + 1);
        let matched = stored > 1 && {
            let r = stored - 1;
            ip - r - 1 < MAX_OFF
                && input[r + 2] == input[ip + 2]
                && input[r] == input[ip]
                && input[r + 1] == input[ip + 1]
        };
        if matched {
            let r = stored - 1;
            let off = ip - r - 1;
            let mut len = 2usize;
            let maxlen = (n - ip - len).min(MAX_REF);
            // Output room: the reference (up to 3 bytes) and the next run's control byte.
            let op = out.len();
            if op + 3 + 1 >= max_out && op - usize::from(lit == 0) + 3 + 1 >= max_out {
                return None;
            }
            // Close the literal run (or drop its control byte if it is empty).
            if lit == 0 {
                out.pop();
            } else {
                out[run] = (lit - 1) as u8;
            }
            // liblzf first compares 16 bytes unchecked when more than 16 may match.
            let mut done = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        done = true;
                        break;
                    }
                }
            }
            if !done {
                loop {
                    len += 1;
                    if !(len < maxlen && input[r + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            len -= 2;
            ip += 1;
            if len < 7 {
                out.push(((off >> 8) + (len << 5)) as u8);
            } else {
                out.push(((off >> 8) + (7 << 5)) as u8);
                out.push((len - 7) as u8);
            }
            out.push(off as u8);
            run = out.len();
            out.push(0);
            lit = 0;
            ip += len + 1;
            if ip >= n - 2 {
                break;
            }
            // VERY_FAST: hash the two positions just before the new one.
            ip -= 2;
            hval = (u32::from(input[ip]) << 8) | u32::from(input[ip + 1]);
            hval = (hval << 8) | u32::from(input[ip + 2]);
            htab.set(idx(hval), ip + 1);
            ip += 1;
            hval = (hval << 8) | u32::from(input[ip + 2]);
            htab.set(idx(hval), ip + 1);
            ip += 1;
        } else {
            if out.len() >= max_out {
                return None;
            }
            lit += 1;
            out.push(input[ip]);
            ip += 1;
            if lit == MAX_LIT {
                out[run] = (lit - 1) as u8;
                lit = 0;
                run = out.len();
                out.push(0);
            }
        }
    }
    if out.len() + 3 > max_out {
        return None;
    }
    while ip < n {
        lit += 1;
        out.push(input[ip]);
        ip += 1;
        if lit == MAX_LIT {
            out[run] = (lit - 1) as u8;
            lit = 0;
            run = out.len();
            out.push(0);
        }
    }
    if lit == 0 {
        out.pop();
    } else {
        out[run] = (lit - 1) as u8;
    }
    if out.len() > max_out {
        return None;
    }
    Some(out)
}

/// Decompresses `input`, which must produce exactly `out_len` bytes; `None` if the stream
/// is malformed (a reference before the start, a run past either end) or has another size.
pub fn decompress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            if out.len() + n > out_len || ip + n > input.len() {
                return None;
            }
            out.extend_from_slice(&input[ip..ip + n]);
            ip += n;
        } else {
            let mut len = ctrl >> 5;
            if ip >= input.len() {
                return None;
            }
            if len == 7 {
                len += usize::from(input[ip]);
                ip += 1;
                if ip >= input.len() {
                    return None;
                }
            }
            let back = ((ctrl & 0x1f) << 8) + usize::from(input[ip]) + 1;
            ip += 1;
            len += 2;
            if out.len() + len > out_len || back > out.len() {
                return None;
            }
            let start = out.len() - back;
            for i in 0..len {
                let b = out[start + i];
                out.push(b);
            }
        }
    }
    (out.len() == out_len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8]) {
        let c = compress(data, data.len() + 64).expect("fits");
        assert_eq!(decompress(&c, data.len()).as_deref(), Some(data));
    }

    #[test]
    fn known_vectors_decode() {
        // A literal run then a back reference repeating it: "abcabcabcabc".
        let v = [2, b'a', b'b', b'c', (7 - 2) << 5, 2];
        assert_eq!(decompress(&v, 10).as_deref(), Some(&b"abcabcabca"[..]));
        // Long reference (len byte follows): 3 literals + 3 + (7 + 10) + 2 = 25 bytes.
        let v = [0, b'x', 7 << 5, 10, 0];
        assert_eq!(decompress(&v, 1 + 19).unwrap(), vec![b'x'; 20]);
        // Malformed: a reference before the start, a truncated run, a wrong length.
        assert_eq!(decompress(&[1 << 5, 5], 3), None);
        assert_eq!(decompress(&[3, b'a'], 4), None);
        assert_eq!(decompress(&[0, b'a'], 2), None);
        assert_eq!(decompress(&[0, b'a', 1 << 5], 4), None);
    }

    #[test]
    fn compresses_as_liblzf() {
        // Hand-derived from liblzf's algorithm: positions 0 and 1 hash differently (the
        // rolling hash keeps a fourth byte) and are literals; position 2 matches position 1
        // (offset 0), 6 bytes long (capped at the input end minus 2); the last two bytes are
        // literals again.
        let c = compress(b"aaaaaaaaaa", 100).unwrap();
        assert_eq!(c, [1, b'a', b'a', 4 << 5, 0, 1, b'a', b'a']);
        assert_eq!(decompress(&c, 10).unwrap(), b"aaaaaaaaaa");
        // Incompressible input does not fit in its own size.
        let noise: Vec<u8> =
            (0..200u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        assert_eq!(compress(&noise, noise.len()), None);
        round_trip(&noise);
    }

    #[test]
    fn round_trips() {
        round_trip(b"a");
        round_trip(b"ab");
        round_trip(b"abc");
        round_trip(b"abcd");
        let mut text = Vec::new();
        for i in 0..2000 {
            text.extend_from_slice(format!("element-{} ", i % 37).as_bytes());
        }
        round_trip(&text);
        let c = compress(&text, text.len()).unwrap();
        assert!(c.len() * 4 < text.len());
        round_trip(&vec![0u8; 100_000]);
        let mut x: u64 = 1;
        let mixed: Vec<u8> = (0..50_000)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if i % 3 == 0 {
                    (x >> 60) as u8
                } else {
                    b'q'
                }
            })
            .collect();
        round_trip(&mixed);
    }

    #[test]
    fn respects_max_out() {
        let data = vec![7u8; 1000];
        let c = compress(&data, 1000).unwrap();
        for m in 0..c.len() + 8 {
            match compress(&data, m) {
                Some(x) => assert!(x == c && x.len() <= m, "max_out {m}"),
                None => assert!(m < c.len() + 4, "max_out {m}"),
            }
        }
    }
}
