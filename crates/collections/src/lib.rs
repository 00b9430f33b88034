//! Pure data structures for ferrodis. They know nothing of commands, the keyspace or the wire.
//!
//! * [`dict`]: the chained hash table with incremental rehashing that holds every keyspace
//!   shard. Its bucket layout is what gives SCAN its guarantee (an element present for the
//!   whole scan is returned at least once, even while the table grows or shrinks).
//! * [`listpack`]: Redis's compact sequence encoding (small hashes, sets, sorted sets, list
//!   nodes), byte-compatible with Redis so RDB can store it as is.
//! * [`scored`]: the large sorted-set encoding (chunked order-statistic tree + dict).
//! * [`thin`] and [`shaped`]: one-word exact-size buffers for small hashes (a listpack, or
//!   values plus a shared field list).

pub mod dict;
pub mod intset;
pub mod keybytes;
pub mod listpack;
pub mod lzf;
pub mod quicklist;
pub mod scored;
pub mod shaped;
pub mod smallbytes;
pub mod thin;

pub use dict::{Dict, Keyed};
pub use intset::IntSet;
pub use keybytes::KeyBytes;
pub use listpack::{Listpack, LpValue, ThinListpack};
pub use scored::ScoredSet;
pub use shaped::Shaped;
pub use smallbytes::SmallBytes;
pub use thin::ThinBytes;
