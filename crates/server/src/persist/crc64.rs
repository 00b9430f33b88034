//! Redis's CRC64 (Jones polynomial, reflected), used by RDB files and DUMP payloads.
//!
//! The parameters are those of Redis's `crc64.c`: polynomial `0xad93d23594c935a9`, input
//! and output reflected, initial value 0, no final xor. Being reflected, the table-driven
//! form shifts right and uses the bit-reversed polynomial. Check value:
//! `crc64(0, "123456789") = 0xe9c6d914c4b8d9ca`.

/// The Jones polynomial, bit-reversed (the reflected algorithm's constant).
const POLY_REV: u64 = 0x95ac_9329_ac4b_c9b5;

/// One byte's contribution, for every byte value.
static TABLE: [u64; 256] = make_table();

const fn make_table() -> [u64; 256] {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u64;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { (c >> 1) ^ POLY_REV } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

/// Incremental CRC64 as Redis computes it.
#[derive(Clone, Copy, Default, Debug)]
pub struct Crc64(pub u64);

impl Crc64 {
    /// A fresh checksum (Redis starts from 0).
    pub fn new() -> Self {
        Crc64(0)
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut c = self.0;
        for &b in bytes {
            c = TABLE[((c ^ u64::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
        self.0 = c;
    }

    /// The checksum of everything fed so far.
    pub fn value(&self) -> u64 {
        self.0
    }

    /// The checksum of `bytes` alone.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut c = Crc64::new();
        c.update(bytes);
        c.value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_check_value() {
        assert_eq!(Crc64::of(b"123456789"), 0xe9c6d914c4b8d9ca);
    }

    #[test]
    fn incremental_equals_whole() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let mut c = Crc64::new();
        for chunk in data.chunks(37) {
            c.update(chunk);
        }
        assert_eq!(c.value(), Crc64::of(&data));
    }
}
