//! Redis's CRC64 (Jones polynomial, reflected), used by RDB files and DUMP payloads.

/// Incremental CRC64 as Redis computes it.
#[derive(Clone, Copy, Default, Debug)]
pub struct Crc64(pub u64);

impl Crc64 {
    /// Feeds bytes.
    pub fn update(&mut self, _bytes: &[u8]) {
        todo!("rdb helper")
    }
}
