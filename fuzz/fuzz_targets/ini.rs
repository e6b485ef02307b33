//! Fuzzes the credentials-file parser and editor: see `../check.rs` for the invariants.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../check.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::check(data));
