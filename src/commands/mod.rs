//! The commands: each is a thin entry point over the domain modules.

pub mod auth;
pub mod clear;
pub mod completions;
pub mod configure;
pub mod credential_process;
pub mod doctor;
pub mod exec;
pub mod export;
pub mod init;
pub mod list;
pub mod login;
pub mod migrate;
pub mod policy;
pub mod read;
pub mod remove;
pub mod rotate;
pub mod serve;
pub mod whoami;

use std::ffi::OsString;
use std::io::{self, Write};
use std::sync::Arc;

use clap::Parser;

use crate::cli::{Cli, Command, MfaArgs};
use crate::context::Context;
use crate::credentials::SessionArgs;
use crate::env::Settings;
use crate::error::Error;
use crate::files::Paths;
use crate::ui::dialog::{self, TerminalSide};
use crate::ui::report::Stderr;

/// The two hot paths, tried on the raw command line before clap builds its command
/// tree ([`crate::launch::FastPaths`]): `read` or `credential-process` of a fresh
/// session. `None` when neither answers; neither says anything.
pub fn serve_fresh(args: &[OsString]) -> Option<Result<(), Error>> {
    read::serve_fresh(args).or_else(|| credential_process::serve_fresh(args))
}

/// The process's command line, parsed by clap (which exits on `--help` or a usage
/// error) and [`run`].
pub fn run_command_line() -> Result<(), Error> {
    run(Cli::parse())
}

/// Runs the command the user asked for, with a context built once for it.
pub fn run(cli: Cli) -> Result<(), Error> {
    crate::ui::interrupt::install();
    let settings = Settings::process();
    let paths = Paths::resolve(settings)?;
    let profile = cli.profile(settings)?;
    let profile_named = cli.profile.is_some();
    let ask = dialog::for_questions(match cli.command {
        // The SDKs that run it capture standard input and output.
        Command::CredentialProcess(_) => TerminalSide::ControllingTerminal,
        _ => TerminalSide::Stdin,
    });
    let report = Arc::new(Stderr::new(cli.verbose));
    let cx = &mut Context::new(paths, profile, ask, report);
    match cli.command {
        Command::Init { backend, region } => init::run(cx, backend, region.as_deref()),
        Command::Auth(args) => auth::run(cx, &session_args(args.mfa), args.output_env),
        Command::Read(args) => read::run(cx, &session_args(args.mfa), args.key),
        Command::Whoami(args) => whoami::run(cx, &session_args(args.mfa)),
        Command::CredentialProcess(args) => credential_process::run(cx, &session_args(args.mfa)),
        Command::Exec(args) => {
            let handover = if args.server {
                exec::Handover::Server
            } else {
                exec::Handover::Environment
            };
            let session = session_args(args.mfa);
            exec::run(cx, &session, (args.force, handover), args.command)
        }
        Command::Serve(args) => serve::run(cx, &session_args(args.mfa), args.port, args.format),
        Command::Login(args) => login::run(cx, args),
        Command::Configure(args) => configure::run(cx, &args),
        Command::List { names } => list::run(cx, names),
        Command::Policy { federation_token } => policy::run(cx, federation_token),
        Command::Remove { yes, sessions } => remove::run(cx, yes, sessions),
        Command::Clear { all: false } => clear::run(cx),
        Command::Clear { all: true } => clear::run_all(cx, profile_named),
        Command::Migrate { to } => migrate::run(cx, to),
        Command::Rotate(args) => rotate::run(cx, &session_args(args.mfa)),
        Command::Completions { shell, install } => completions::run(shell, install, &*cx.report),
        Command::Export(args) => export::run(cx, &session_args(args.mfa), args.format),
        Command::Doctor(args) => doctor::run(cx, &args),
    }
}

fn session_args(mfa: MfaArgs) -> SessionArgs {
    SessionArgs {
        expires: mfa.expires,
        token_code: mfa.token_code,
        mfa_serial: mfa.mfa_serial,
        mfa_command: mfa.mfa_command,
        mfa_prompt: mfa.mfa_prompt,
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
