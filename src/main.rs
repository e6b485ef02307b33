//! The `stscreds` command: the hot paths first, then clap and the commands.
//!
//! On Linux with glibc the binary has its own C `main` instead of Rust's standard
//! start-up (glibc hands the arguments to Rust's `std::env` either way), which
//! spends more instructions on `read`'s behalf than `read` itself does: to place the
//! stack-overflow handler it parses `/proc/self/maps` (about 110 000 instructions and
//! four reads of a kernel-generated file on every start; see README, Performance).
//! `startup` keeps what that runtime does that matters to stscreds: descriptors
//! 0–2 are open (else a file opened later would take a free one and receive messages
//! meant for stdout or stderr), SIGPIPE is ignored (a closed pipe is a write error the
//! commands handle), a panic exits with status 101 after unwinding (temporary files
//! removed, locks released) and stdout is flushed at exit. What is given up: a stack
//! overflow ends in a bare SIGSEGV instead of a message saying so.
// (Not in `cargo test`'s build of this file, where the test harness brings its own `main`.)
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use std::ffi::OsString;
use std::io::ErrorKind;

use clap::Parser;
use stscreds::commands::{credential_process, read};
use stscreds::{Error, cli::Cli};

/// Runs one command line; its exit status.
fn run() -> u8 {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let outcome = read::serve_fresh(&args)
        .or_else(|| credential_process::serve_fresh(&args))
        .unwrap_or_else(|| stscreds::commands::run(Cli::parse()));
    match outcome {
        Ok(()) => 0,
        // `stscreds read … | head` closing the pipe early is not a failure.
        Err(Error::Stdout(error)) if error.kind() == ErrorKind::BrokenPipe => 0,
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run())
}

#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    startup::prepare_process();
    // A panic has been reported by the panic hook; 101 is the status Rust gives it.
    let status = std::panic::catch_unwind(run).map_or(101, i32::from);
    // `exit` flushes stdout, as returning from Rust's `main` does.
    std::process::exit(status)
}

/// The part of Rust's standard start-up that stscreds relies on (see the module doc).
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
mod startup {
    /// Opens `/dev/null` on each of descriptors 0–2 that is closed, so that no file
    /// stscreds opens later takes one of them, and ignores SIGPIPE.
    pub fn prepare_process() {
        for fd in 0..=2 {
            // SAFETY: F_GETFD only asks whether `fd` is open.
            let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
            // SAFETY: open(2) of a constant path; the lowest free descriptor, `fd`, is
            // the one it takes, as the descriptors below it are open.
            if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } != fd {
                std::process::abort();
            }
        }
        // SAFETY: setting a signal's disposition to "ignore" has no preconditions.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    }
}
