mod admin;
mod command;
mod debug;
mod info;
mod smoke;
