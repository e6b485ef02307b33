//! Link-time tuning for the `read` hot path.
//!
//! Most of the start-up time of a large, position-independent Rust binary goes to the
//! dynamic loader applying tens of thousands of relative relocations. Packing them
//! (`DT_RELR`, glibc 2.36+) makes that work several times cheaper without giving up
//! position independence (ASLR) or full RELRO. Linkers that do not know the option
//! ignore it with a warning.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
