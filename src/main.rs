use std::ffi::OsString;
use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;
use stscreds::{Error, cli::Cli};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let outcome = match stscreds::commands::read::serve_fresh(&args) {
        Some(outcome) => outcome,
        None => stscreds::commands::run(Cli::parse()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // `stscreds read … | head` closing the pipe early is not a failure.
        Err(Error::Stdout(error)) if error.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
