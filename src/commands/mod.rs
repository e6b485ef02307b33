//! The commands: each is a thin entry point over the domain modules.

pub mod auth;
pub mod init;
pub mod read;
pub mod whoami;

use std::io::{self, Write};

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::files::Paths;
use crate::prompt::Terminal;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<(), Error> {
    let paths = Paths::from_env()?;
    let profile = &cli.profile()?;
    let mut terminal = Terminal::new();
    match cli.command {
        Command::Init => init::run(&paths, profile, &mut terminal),
        Command::Auth(args) => auth::run(&paths, profile, cli.expires, &args, &mut terminal),
        Command::Read(args) => read::run(&paths, profile, cli.expires, &args, &mut terminal),
        Command::Whoami => whoami::run(&paths, profile),
    }
}

/// Writes requested output to stdout in one go.
fn print(text: &str) -> Result<(), Error> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Error::Stdout)
}
