//! Cluster hash slots: CRC16-XMODEM of the key (or of its `{hash tag}`) modulo 16384.
//!
//! The keyspace is sharded by slot from the first release, so that keys sharing a hash tag
//! always share a shard and cluster mode can reuse the same mapping.

/// Number of hash slots in Redis Cluster.
pub const SLOTS: usize = 16384;

const fn make_table() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut j = 0;
        while j < 8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
            j += 1;
        }
        t[i] = crc;
        i += 1;
    }
    t
}

static TABLE: [u16; 256] = make_table();

/// CRC16-XMODEM (polynomial 0x1021, initial 0), as Redis Cluster uses it.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in data {
        crc = (crc << 8) ^ TABLE[(((crc >> 8) as u8) ^ b) as usize];
    }
    crc
}

/// Returns the hash slot of `key`, honouring `{tag}`: if the key contains `{` followed later
/// by `}` with at least one byte between them, only those bytes are hashed.
#[inline]
pub fn key_slot(key: &[u8]) -> usize {
    if let Some(open) = key.iter().position(|&c| c == b'{') {
        if let Some(len) = key[open + 1..].iter().position(|&c| c == b'}') {
            if len > 0 {
                return crc16(&key[open + 1..open + 1 + len]) as usize & (SLOTS - 1);
            }
        }
    }
    crc16(key) as usize & (SLOTS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_slots() {
        assert_eq!(crc16(b"123456789"), 0x31c3);
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"{user1000}.followers"));
        assert_eq!(key_slot(b"foo{}{bar}"), crc16(b"foo{}{bar}") as usize & 16383);
        assert_eq!(key_slot(b"foo{{bar}}zap"), crc16(b"{bar") as usize & 16383);
    }
}
