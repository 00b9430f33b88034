mod smoke;
mod config;
