//! Loading an RDB stream into the keyspace.
