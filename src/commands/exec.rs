//! `stscreds exec -- COMMAND`: run a command with the profile's session credentials in
//! its environment (and only there: never on a command line); with `--server`, with a
//! local credential server that keeps them fresh for as long as the command runs.

use std::ffi::OsString;
use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use crate::context::Context;
use crate::credentials::plan::Plan;
use crate::credentials::supply::Supply;
use crate::credentials::{Freshness, SessionArgs, obtain};
use crate::env::{EXEC_PROFILE_VARIABLE, Settings};
use crate::error::Error;
use crate::files;
use crate::invalid::Invalid;
use crate::output::{self, CREDENTIAL_VARIABLES, OVERRIDING_VARIABLES};
use crate::server::{self, CredentialServer, ListeningPort};
use crate::session;
use crate::ui::interrupt::{self, Caught};

/// How `exec` hands the command its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// In its environment, for as long as they last.
    Environment,
    /// From a local credential server that renews them (`--server`).
    Server,
}

/// The top-level entry point for `stscreds exec`. On Unix the command replaces this
/// process, so its exit status is the status of `stscreds exec`; with a server,
/// stscreds waits for it, stops the server and exits with its status.
pub fn run(
    cx: &mut Context,
    args: &SessionArgs,
    (force, handover): (bool, Handover),
    command: Vec<OsString>,
) -> Result<(), Error> {
    // The variable that tells commands inside which profile they run as also marks a
    // shell started by `stscreds exec`, so that a nested `exec` can refuse.
    if let Some(outer) = cx.settings.inside_exec.as_ref().filter(|_| !force) {
        return Err(Invalid(format!(
            "already inside `stscreds exec` for profile '{}'; leave that shell first, or pass --force to replace its credentials",
            outer.to_string_lossy()
        ))
        .into());
    }
    if handover == Handover::Server {
        return run_with_server(cx, args, command);
    }
    let plan = Plan::resolve(cx, args)?;
    let credentials = obtain(cx, &plan, Freshness::ValidFor(session::FRESHNESS_MARGIN))?;
    let region = cx.config()?.profile(&cx.profile)?.region;
    let (program, mut child) = child_command(command, &cx.profile, &cx.settings);
    child.envs(output::variables(&credentials, &region));
    let source = replace_process(&mut child);
    Err(Error::Exec {
        program: program.to_string_lossy().into_owned(),
        source,
    })
}

/// `exec --server`: fresh credentials first (asking as `exec` does), then the server,
/// then the command as a child that finds the server through its environment, and
/// shared files of its own in which an SDK finds no other credentials. Signals
/// sent to stscreds are passed on to the child (those from the terminal reach it
/// anyway); when it ends, the server stops, its private files are removed, and stscreds
/// exits with the child's status (128+N for a signal).
fn run_with_server(
    cx: &mut Context,
    args: &SessionArgs,
    command: Vec<OsString>,
) -> Result<(), Error> {
    let port = ListeningPort::bind(0)?;
    let supply = Supply::start(cx, args)?;
    let region = cx.config()?.profile(&cx.profile)?.region;
    // Before the server exists, so that no signal can leave its private files behind.
    let signals = interrupt::Capture::start();
    let server = CredentialServer::start(port, supply, cx.settings.runtime_dir.as_deref())?;
    let config = files::read_document(&cx.paths.aws_config)?;
    let client_config =
        server.write_client_config(&server::client_config(config.as_ref(), &cx.profile))?;
    let (program, mut child) = child_command(command, &cx.profile, &cx.settings);
    for name in CREDENTIAL_VARIABLES
        .into_iter()
        .chain(["AWS_CREDENTIAL_EXPIRATION"])
    {
        child.env_remove(name);
    }
    child
        .envs(server.variables())
        // Else the child's SDK would take `default` from ~/.aws/credentials or
        // ~/.aws/config, not the server; stscreds inside still uses the real files.
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            server.empty_credentials_file(),
        )
        .env(
            crate::env::SHARED_CREDENTIALS_VARIABLE,
            &cx.paths.aws_credentials,
        )
        .env("AWS_CONFIG_FILE", &client_config)
        .env(crate::env::CONFIG_VARIABLE, &cx.paths.aws_config)
        .env("AWS_REGION", &region)
        .env("AWS_DEFAULT_REGION", &region);
    #[cfg(unix)]
    server.hold_port_in(&mut child);
    let child = child.spawn().map_err(|source| Error::Exec {
        program: program.to_string_lossy().into_owned(),
        source,
    })?;
    let status = wait_passing_signals(child, &signals);
    drop(server);
    std::process::exit(exit_code(status))
}

/// The command to run (the user's `$SHELL`, from `settings`, when none is given) with
/// what would get in the way of its credentials removed and [`EXEC_PROFILE_VARIABLE`]
/// set.
fn child_command(
    command: Vec<OsString>,
    profile: &str,
    settings: &Settings,
) -> (OsString, Command) {
    let mut command = command.into_iter();
    let program = command
        .next()
        .or_else(|| settings.shell.clone())
        .unwrap_or_else(|| OsString::from("/bin/sh"));
    let mut child = Command::new(&program);
    child.args(command);
    for name in OVERRIDING_VARIABLES {
        child.env_remove(name);
    }
    // The passphrase of the encrypted key file is for stscreds only.
    child.env_remove(crate::env::PASSPHRASE_VARIABLE);
    child.env(EXEC_PROFILE_VARIABLE, profile);
    (program, child)
}

/// Waits for `child` to end, passing on to it the signals sent to stscreds.
fn wait_passing_signals(mut child: Child, signals: &interrupt::Capture) -> ExitStatus {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status,
            Ok(None) => {}
            Err(_) => return child.wait().unwrap_or_default(),
        }
        if let Some(caught) = signals.next(Duration::from_millis(20)) {
            pass_on(&child, caught);
        }
    }
}

#[cfg(unix)]
fn pass_on(child: &Child, caught: Caught) {
    if caught.from_terminal {
        return;
    }
    let signal = rustix::process::Signal::from_named_raw(caught.signal);
    let pid = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw);
    if let (Some(signal), Some(pid)) = (signal, pid) {
        let _ = rustix::process::kill_process(pid, signal);
    }
}

#[cfg(not(unix))]
fn pass_on(_child: &Child, _caught: Caught) {}

/// A shell's exit status for `status`: its code, or 128+N for signal N.
fn exit_code(status: ExitStatus) -> i32 {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return 128 + signal;
    }
    status.code().unwrap_or(1)
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
