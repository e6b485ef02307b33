//! `stscreds-core`: the whole program, which `stscreds` hands every command line to
//! that its fast paths decline (`stscreds::launch`). Run directly, it does everything
//! `stscreds` does, fast paths included, only with a slower start.
//!
//! On Linux with glibc it has its own C `main`, for the reasons `src/main.rs` gives.
// (Not in `cargo test`'s build of this file, where the test harness brings its own `main`.)
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use std::ffi::OsString;

use clap::Parser;
use stscreds::cli::Cli;
use stscreds::commands::{credential_process, read};
use stscreds::launch;

/// Runs one command line; its exit status.
fn run() -> u8 {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let outcome = read::serve_fresh(&args)
        .or_else(|| credential_process::serve_fresh(&args))
        .unwrap_or_else(|| stscreds::commands::run(Cli::parse()));
    launch::finish(outcome)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run())
}

#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    launch::start(run)
}
