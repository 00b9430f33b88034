//! The zset family against the reference server (placeholder until the family lands).
