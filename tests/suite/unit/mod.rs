mod smoke;
mod admin;
mod command;
mod debug;
mod info;
