mod admin;
mod client;
mod command;
mod connection;
mod debug;
mod info;
mod smoke;
mod string;
