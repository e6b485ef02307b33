//! The commands: each is a thin entry point over the domain modules.

pub mod auth;
pub mod clear;
pub mod configure;
pub mod credential_process;
pub mod exec;
pub mod export;
pub mod init;
pub mod list;
pub mod migrate;
pub mod policy;
pub mod read;
pub mod remove;
pub mod rotate;
pub mod whoami;

use std::io::{self, Write};

use crate::cli::{Cli, Command, MfaArgs};
use crate::credentials::SessionArgs;
use crate::error::Error;
use crate::files::Paths;
use crate::prompt::Terminal;
use crate::session::SessionDuration;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<(), Error> {
    crate::interrupt::install();
    let paths = Paths::from_env()?;
    let profile = &cli.profile()?;
    let mut terminal = Terminal::new();
    let expires = cli.expires;
    if cli.verbose {
        crate::aws::trace_calls();
    }
    match cli.command {
        Command::Init { backend } => init::run(&paths, profile, backend, &mut terminal),
        Command::Auth(args) => {
            let session = session_args(expires, args.mfa);
            auth::run(&paths, profile, &session, args.output_env, &mut terminal)
        }
        Command::Read(args) => read::run(
            &paths,
            profile,
            &session_args(expires, args.mfa),
            args.key,
            &mut terminal,
        ),
        Command::Whoami(args) => whoami::run(
            &paths,
            profile,
            &session_args(expires, args.mfa),
            &mut terminal,
        ),
        Command::CredentialProcess(args) => {
            credential_process::run(&paths, profile, &session_args(expires, args.mfa))
        }
        Command::Exec(args) => {
            let session = session_args(expires, args.mfa);
            exec::run(
                &paths,
                profile,
                &session,
                args.force,
                args.command,
                &mut terminal,
            )
        }
        Command::Configure(args) => configure::run(&paths, profile, &args),
        Command::List => list::run(&paths),
        Command::Policy => policy::run(&paths, profile, &mut terminal),
        Command::Remove { yes, sessions } => {
            remove::run(&paths, profile, yes, sessions, &mut terminal)
        }
        Command::Clear => clear::run(&paths, profile),
        Command::Migrate { to } => migrate::run(&paths, profile, to, &mut terminal),
        Command::Rotate(args) => rotate::run(
            &paths,
            profile,
            &session_args(expires, args.mfa),
            &mut terminal,
        ),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "stscreds",
                &mut script,
            );
            print(&String::from_utf8_lossy(&script))
        }
        Command::Export(args) => export::run(
            &paths,
            profile,
            &session_args(expires, args.mfa),
            args.format,
            &mut terminal,
        ),
    }
}

fn session_args(expires: Option<SessionDuration>, mfa: MfaArgs) -> SessionArgs {
    SessionArgs {
        expires,
        token_code: mfa.token_code,
        mfa_serial: mfa.mfa_serial,
        mfa_command: mfa.mfa_command,
        role_arn: mfa.role_arn,
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
