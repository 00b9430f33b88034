mod smoke;
mod string;
