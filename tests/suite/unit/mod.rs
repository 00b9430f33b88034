mod client;
mod connection;
mod smoke;
