//! `stscreds` is two executables; this is the one entry both run ([`run`]), how the
//! first hands over to the second, and what both do before anything else.
//!
//! Every start of a program pays the dynamic loader for everything linked into it. For
//! the whole of stscreds (the AWS SDK, TLS, D-Bus, clap) that is some 15 000
//! relocations and 215 symbols, most of what a `read` would cost (see
//! docs/performance.md). So `stscreds` (`src/main.rs`) holds only the two hot paths, `read` and
//! `credential-process` of fresh credentials, and hands every other command line to
//! `stscreds-core` (`src/bin/stscreds-core.rs`), the whole program, installed in the
//! same directory. On Unix the hand-over is `exec`: the same process, terminal,
//! descriptors and environment, so no caller can tell.

use std::ffi::OsString;
use std::io::{self, ErrorKind, Write};
use std::path::PathBuf;

use crate::Error;

/// `stscreds` could not start `stscreds-core`.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot start {}: {source}; stscreds-core belongs in the same directory as stscreds (reinstall stscreds)",
    path.display()
)]
pub struct LaunchError {
    /// Where `stscreds-core` was looked for.
    path: PathBuf,
    /// Why it could not be started.
    #[source]
    source: io::Error,
}

impl LaunchError {
    /// The exit status, as a shell gives it: 127 when the program is missing, else 126.
    pub fn exit_code(&self) -> u8 {
        if self.source.kind() == ErrorKind::NotFound {
            127
        } else {
            126
        }
    }
}

/// The fast paths: `read` and `credential-process` of a fresh session, answered from
/// the raw command line before clap, or declined (`None`) without a word, so that what
/// takes over says whatever is to be said, once.
pub type FastPaths = fn(&[OsString]) -> Option<Result<(), Error>>;

/// What becomes of a command line the fast paths decline.
pub enum Otherwise {
    /// `stscreds` on Unix: [`hand_over`] to `stscreds-core`.
    #[cfg(unix)]
    HandOver,
    /// The whole program (clap and every command) runs it here: `stscreds-core`, and
    /// `stscreds` where there is no `exec`. A function handed in, so that the fast
    /// executable, which hands over, does not link it.
    Run(fn() -> Result<(), Error>),
}

/// The body of both executables: `fast_paths` answer the command line or decline it,
/// and `otherwise` takes what they decline. The exit status, after saying on stderr
/// what went wrong.
pub fn run(fast_paths: FastPaths, otherwise: Otherwise) -> u8 {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match (fast_paths(&args), otherwise) {
        (Some(outcome), _) => finish(outcome),
        #[cfg(unix)]
        (None, Otherwise::HandOver) => hand_over(&args),
        (None, Otherwise::Run(program)) => finish(program()),
    }
}

/// Replaces this process with `stscreds-core` running `args`; returns only if that
/// failed, with the exit status, after saying why on stderr.
#[cfg(unix)]
fn hand_over(args: &[OsString]) -> u8 {
    let error = try_hand_over(args);
    say_error(&error);
    error.exit_code()
}

/// [`hand_over`], returning why it failed.
#[cfg(unix)]
fn try_hand_over(args: &[OsString]) -> LaunchError {
    /// The whole program's file name.
    const CORE: &str = "stscreds-core";
    // Resolved: where `stscreds` is a symbolic link (macOS reports the link's own path),
    // `stscreds-core` is beside its target.
    let this = match std::env::current_exe().and_then(|this| this.canonicalize()) {
        Ok(this) => this,
        Err(source) => {
            return LaunchError {
                path: CORE.into(),
                source,
            };
        }
    };
    let path = sibling(this.clone(), CORE);
    // A link to `stscreds` itself would hand over to itself for ever.
    if is_same_file(&path, &this) {
        let source =
            io::Error::other("it is stscreds itself (a link to it), not the whole program");
        return LaunchError { path, source };
    }
    // argv[0] stays `stscreds`, the name the user typed and messages use.
    let source = execute(&path, "stscreds", args);
    LaunchError { path, source }
}

/// Whether `a` and `b` are the same file (the same device and inode, after following
/// links); `false` when either cannot be looked at (the hand-over then says why).
#[cfg(unix)]
fn is_same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Replaces this process with the program at `path`, with `argv0` and `args` for its
/// arguments and our environment; returns only on failure. `execv(3)` itself, not
/// `Command::exec`, whose `execvp(3)` hands a file the kernel cannot execute (an empty
/// or text file) to `/bin/sh` as a script, even by path: a broken install would run
/// whatever it holds, or nothing, and exit 0.
#[cfg(unix)]
fn execute(path: &std::path::Path, argv0: &str, args: &[OsString]) -> io::Error {
    use std::ffi::{CString, OsStr};
    use std::os::unix::ffi::OsStrExt;
    let c_string = |text: &OsStr| {
        CString::new(text.as_bytes())
            .map_err(|_| io::Error::new(ErrorKind::InvalidInput, "an argument holds a NUL byte"))
    };
    let strings = std::iter::once(OsStr::new(argv0))
        .chain(args.iter().map(OsString::as_os_str))
        .map(c_string)
        .collect::<io::Result<Vec<CString>>>();
    let (program, strings) = match (c_string(path.as_os_str()), strings) {
        (Ok(program), Ok(strings)) => (program, strings),
        (Err(error), _) | (_, Err(error)) => return error,
    };
    let argv: Vec<*const libc::c_char> = strings
        .iter()
        .map(|string| string.as_ptr())
        .chain([std::ptr::null()])
        .collect();
    // SAFETY: `program` and every pointer of `argv` are NUL-terminated strings that
    // outlive the call, and `argv` ends with a null pointer.
    unsafe { libc::execv(program.as_ptr(), argv.as_ptr()) };
    io::Error::last_os_error()
}

/// The executable to write into lines other programs run (`credential_process`):
/// `stscreds` when it is next to the running one, so that they get its fast path.
pub fn front_executable() -> io::Result<PathBuf> {
    let this = std::env::current_exe()?;
    let front = sibling(this.clone(), "stscreds");
    Ok(if front.is_file() { front } else { this })
}

/// `name` (with the platform's executable suffix) in the directory of `executable`.
fn sibling(executable: PathBuf, name: &str) -> PathBuf {
    executable.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// The exit status of a command's outcome, after saying on stderr what went wrong.
fn finish(outcome: Result<(), Error>) -> u8 {
    match outcome {
        Ok(()) => 0,
        // `stscreds read … | head` closing the pipe early is not a failure.
        Err(Error::Stdout(error)) if error.kind() == ErrorKind::BrokenPipe => 0,
        Err(error) => {
            say_error(&error);
            error.exit_code()
        }
    }
}

/// Says on stderr, in one line, what went wrong. Written, not `eprintln!`: with stderr
/// closed the exit status still says.
fn say_error(error: &dyn std::fmt::Display) {
    let _ = writeln!(io::stderr(), "error: {error}");
}

/// The body of each executable's own C `main` on Linux with glibc (see `src/main.rs`):
/// prepares the process, runs `run` and exits with its status, or with 101 after a
/// panic (which the panic hook has reported), as Rust's `main` would. `exit` flushes
/// stdout.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn start(run: fn() -> u8) -> ! {
    prepare_process();
    let status = std::panic::catch_unwind(run).map_or(101, i32::from);
    std::process::exit(status)
}

/// What Rust's standard start-up does that stscreds relies on: opens `/dev/null` on
/// each of descriptors 0–2 that is closed, so that no file stscreds opens later takes
/// one of them, and ignores SIGPIPE (a closed pipe is a write error the commands
/// handle).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn prepare_process() {
    for fd in 0..=2 {
        // SAFETY: F_GETFD only asks whether `fd` is open.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
            && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
        // SAFETY: open(2) of a constant path; the lowest free descriptor, `fd`, is the
        // one it takes, as the descriptors below it are open.
        if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } != fd {
            std::process::abort();
        }
    }
    // SAFETY: setting a signal's disposition to "ignore" has no preconditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}
