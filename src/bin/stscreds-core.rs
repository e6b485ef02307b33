//! `stscreds-core`: the whole program, which `stscreds` hands every command line to
//! that its fast paths decline (`stscreds::launch`). Run directly, it does everything
//! `stscreds` does, fast paths included, only with a slower start.
//!
//! On Linux with glibc it has its own C `main`, for the reasons `src/main.rs` gives.
// (Not in `cargo test`'s build of this file, where the test harness brings its own `main`.)
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use stscreds::{commands, launch};

/// Runs one command line; its exit status.
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
