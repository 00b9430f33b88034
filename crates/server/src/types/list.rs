//! The list type. Placeholder: the list family replaces this with its encodings.

/// A list value.
#[derive(Clone, Debug, Default)]
pub struct List {
    _todo: (),
}

impl List {
    /// The name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Approximate heap bytes owned by the value.
    pub fn heap_size(&self) -> usize {
        0
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        0
    }

    /// True when empty (an empty collection is never stored under a key).
    pub fn is_empty(&self) -> bool {
        true
    }

    /// Mixes the elements into a key's DEBUG DIGEST as Redis's `xorObjectDigest` does.
    pub fn digest_into(&self, _d: &mut [u8; 20]) {}
}
