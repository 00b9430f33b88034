mod protocol;
mod smoke;
