mod smoke;
mod client;
mod connection;
