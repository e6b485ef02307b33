use std::ffi::OsString;
use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;
use stscreds::commands::{credential_process, read};
use stscreds::{Error, cli::Cli};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let outcome = read::serve_fresh(&args)
        .or_else(|| credential_process::serve_fresh(&args))
        .unwrap_or_else(|| stscreds::commands::run(Cli::parse()));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // `stscreds read … | head` closing the pipe early is not a failure.
        Err(Error::Stdout(error)) if error.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
