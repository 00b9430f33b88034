//! Command errors and their canonical texts.
//!
//! Handlers return `Err(CmdError::...)`; dispatch rolls back any partial reply and writes the
//! text below. Clients match these strings byte for byte, so every common text lives here once
//! and handlers never spell them out.

use std::borrow::Cow;

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const SYNTAX: &str = "ERR syntax error";
pub const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
pub const NOT_FLOAT: &str = "ERR value is not a valid float";
pub const OVERFLOW: &str = "ERR increment or decrement would overflow";
pub const NO_SUCH_KEY: &str = "ERR no such key";
pub const OUT_OF_RANGE: &str = "ERR index out of range";
pub const INVALID_DB: &str = "ERR DB index is out of range";
pub const NOAUTH: &str = "NOAUTH Authentication required.";
pub const WRONG_PASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

/// A command failure. `Display`-free on purpose: [`CmdError::text`] is the one rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdError {
    WrongType,
    Syntax,
    NotInteger,
    NotFloat,
    Overflow,
    NoSuchKey,
    /// Wrong number of arguments for the named command (its full name, `config|get`).
    Arity(String),
    /// Any other error; the text includes its code (`ERR ...`).
    Msg(Cow<'static, str>),
}

impl CmdError {
    /// An `ERR`-coded or otherwise fully spelled error from a static string.
    pub const fn msg(s: &'static str) -> Self {
        CmdError::Msg(Cow::Borrowed(s))
    }

    /// An error built at run time; `s` includes its code.
    pub fn owned(s: String) -> Self {
        CmdError::Msg(Cow::Owned(s))
    }

    /// The text written after `-`.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            CmdError::WrongType => WRONGTYPE.into(),
            CmdError::Syntax => SYNTAX.into(),
            CmdError::NotInteger => NOT_INTEGER.into(),
            CmdError::NotFloat => NOT_FLOAT.into(),
            CmdError::Overflow => OVERFLOW.into(),
            CmdError::NoSuchKey => NO_SUCH_KEY.into(),
            CmdError::Arity(name) => {
                format!("ERR wrong number of arguments for '{name}' command").into()
            }
            CmdError::Msg(s) => Cow::Borrowed(s),
        }
    }
}

/// What handlers return.
pub type CmdResult = Result<(), CmdError>;
