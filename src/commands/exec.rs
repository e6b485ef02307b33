//! `stscreds exec -- COMMAND`: run a command with the profile's session credentials in
//! its environment (and only there: never on a command line).

use std::ffi::OsString;
use std::process::Command;

use crate::cli::EXEC_PROFILE_VARIABLE;
use crate::context::Context;
use crate::credentials::{self, Freshness, SessionArgs};
use crate::error::Error;
use crate::output;
use crate::prompt::InputError;
use crate::session;

/// Variables that would make AWS tools ignore the credentials `exec` sets, or mix in
/// other ones.
const CONFLICTING: [&str; 11] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_SSO_SESSION",
];

/// The top-level entry point for `stscreds exec`. On Unix the command replaces this
/// process, so its exit status is the status of `stscreds exec`.
pub fn run(
    cx: &mut Context,
    args: &SessionArgs,
    force: bool,
    command: Vec<OsString>,
) -> Result<(), Error> {
    // The variable that tells commands inside which profile they run as also marks a
    // shell started by `stscreds exec`, so that a nested `exec` can refuse.
    if let Some(outer) = std::env::var_os(EXEC_PROFILE_VARIABLE).filter(|_| !force) {
        return Err(InputError::Invalid(format!(
            "already inside `stscreds exec` for profile '{}'; leave that shell first, or pass --force to replace its credentials",
            outer.to_string_lossy()
        ))
        .into());
    }
    let credentials = credentials::get(cx, args, Freshness::ValidFor(session::FRESHNESS_MARGIN))?;
    let profile = &cx.profile;
    let region = cx.config()?.profile(profile)?.region;
    let mut command = command.into_iter();
    let program = command
        .next()
        .or_else(|| std::env::var_os("SHELL"))
        .unwrap_or_else(|| OsString::from("/bin/sh"));
    let mut child = Command::new(&program);
    child.args(command);
    for name in CONFLICTING {
        child.env_remove(name);
    }
    // The passphrase of the encrypted key file is for stscreds only.
    child.env_remove(crate::env::PASSPHRASE_VARIABLE);
    child
        .envs(output::variables(&credentials, &region))
        .env(EXEC_PROFILE_VARIABLE, profile);
    let source = replace_process(&mut child);
    Err(Error::Exec {
        program: program.to_string_lossy().into_owned(),
        source,
    })
}

/// Becomes `command` (Unix `exec`); returns only if that fails.
#[cfg(unix)]
fn replace_process(command: &mut Command) -> std::io::Error {
    std::os::unix::process::CommandExt::exec(command)
}

/// Runs `command` and exits with its status (no `exec` outside Unix).
#[cfg(not(unix))]
fn replace_process(command: &mut Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(error) => error,
    }
}
