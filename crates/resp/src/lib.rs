//! The Redis serialization protocol, as ferrodis speaks it.
//!
//! This crate knows nothing of the server: no tokio, no keyspace, no commands. It has two
//! halves:
//!
//! * [`parse`]: an incremental request parser. Clients send either multibulk arrays
//!   (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) or inline commands (`GET k\r\n`, telnet style). The
//!   parser works on the connection's read buffer in place and returns each argument as a
//!   byte range into it, so a request costs no allocation beyond a reused `Vec` of ranges.
//!   It enforces Redis's limits (`proto-max-bulk-len`, multibulk length, the 64 KiB inline
//!   limit, the unauthenticated limits) and produces Redis's exact `Protocol error: ...` texts.
//!   A declared length is never allocated up front: the parser only records how far it got.
//! * [`reply`]: the reply writer. Every reply shape a command can produce (RESP3 maps, sets,
//!   doubles, nulls, booleans, verbatim strings, big numbers, pushes) has one method, and the
//!   RESP2 downgrade of each RESP3 type is decided there and nowhere else.

pub mod parse;
pub mod reply;

pub use parse::{Limits, ParseError, Parsed, RequestParser};
pub use reply::{format_double, ReplyBuf};
