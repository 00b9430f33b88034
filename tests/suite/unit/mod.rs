mod config;
mod smoke;
