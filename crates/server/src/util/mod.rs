//! Small helpers shared by every layer: glob matching, number parsing and formatting,
//! clocks, hash slots, LEB128 lengths and the Redis-style log.

pub mod digest;
pub mod glob;
pub mod log;
pub mod num;
pub mod slot;
pub mod time;
pub mod varint;
