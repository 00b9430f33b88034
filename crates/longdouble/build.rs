fn main() {
    println!("cargo:rerun-if-changed=src/ld.c");
    cc::Build::new().file("src/ld.c").warnings(true).extra_warnings(true).compile("ferrodis_ld");
}
