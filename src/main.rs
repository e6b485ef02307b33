//! `stscreds`: the two hot paths here, every other command line in `stscreds-core`.
//!
//! `read` and `credential-process` of fresh credentials run thousands of times a day,
//! and each start pays the dynamic loader for all the code linked in. This executable
//! links only those two paths and hands anything else to the whole program,
//! `stscreds-core`, installed next to it (`stscreds::launch`). Where there is no
//! `exec` (Windows) it is the whole program itself.
//!
//! On Linux with glibc it has its own C `main` instead of Rust's standard start-up
//! (glibc hands the arguments to Rust's `std::env` either way), which spends more
//! instructions on `read`'s behalf than `read` itself does: to place the
//! stack-overflow handler it parses `/proc/self/maps` (about 110 000 instructions and
//! four reads of a kernel-generated file on every start; see docs/performance.md).
//! `launch::start` keeps what that runtime does that matters to stscreds; stdout is
//! flushed at exit. What is given up: a stack overflow ends in a bare SIGSEGV
//! instead of a message saying so.
// (Not in `cargo test`'s build of this file, where the test harness brings its own `main`.)
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use stscreds::{commands, launch};

/// Runs one command line; its exit status.
#[cfg(unix)]
fn run() -> u8 {
    launch::run(commands::serve_fresh, launch::Otherwise::HandOver)
}

/// Without `exec`, this executable is the whole program.
#[cfg(not(unix))]
fn run() -> u8 {
    launch::run(
        commands::serve_fresh,
        launch::Otherwise::Run(commands::run_command_line),
    )
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
