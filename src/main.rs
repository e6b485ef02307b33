use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;
use stscreds::{Error, cli::Cli};

fn main() -> ExitCode {
    match stscreds::commands::run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        // `stscreds read … | head` closing the pipe early is not a failure.
        Err(Error::Stdout(error)) if error.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
