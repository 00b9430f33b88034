//! LEB128 lengths (7 bits per byte, high bit = more follow): the length prefixes of a
//! hashtable hash's heap fields and of a shaped hash's names and values.

/// Appends `n` in LEB128.
pub fn push(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let c = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(c);
            return;
        }
        out.push(c | 0x80);
    }
}

/// Reads the LEB128 number at the start of `b`: (number, bytes used). A truncated number
/// uses all of `b`.
#[inline]
pub fn read(b: &[u8]) -> (usize, usize) {
    let mut n = 0usize;
    for (i, &c) in b.iter().enumerate() {
        n |= ((c & 0x7f) as usize) << (7 * i);
        if c & 0x80 == 0 {
            return (n, i + 1);
        }
    }
    (n, b.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips() {
        for n in [0usize, 1, 127, 128, 300, 16_383, 16_384, usize::MAX >> 1] {
            let mut v = Vec::new();
            super::push(&mut v, n);
            v.push(0xAA);
            assert_eq!(super::read(&v), (n, v.len() - 1), "{n}");
        }
    }
}
