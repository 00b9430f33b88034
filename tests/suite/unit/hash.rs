//! The hash family against the reference server (placeholder until the family lands).
