mod expire;
mod keyspace;
mod scan;
mod smoke;
