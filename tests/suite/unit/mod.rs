mod client;
mod connection;
mod smoke;
mod string;
