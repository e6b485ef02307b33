//! `stscreds` serves the two hot paths itself and hands every other command line to
//! `stscreds-core` in its directory (`stscreds::launch`); without that, it says so.

use std::path::Path;
use std::process::Command;

use jiff::{SignedDuration, Timestamp};

use crate::support::{Run, Sandbox, dead_endpoint, register_secret, run_with_stdin};

/// `stscreds ARGS` run from a copy of `stscreds` alone in `dir`, with no
/// `stscreds-core` beside it, in `sandbox`'s environment.
fn lone_stscreds(sandbox: &Sandbox, dir: &Path, args: &[&str]) -> Run {
    let lone = dir.join("stscreds");
    std::fs::copy(env!("CARGO_BIN_EXE_stscreds"), &lone).unwrap();
    let usual = sandbox.command(args);
    let mut command = Command::new(&lone);
    command.args(args).env_clear();
    for (name, value) in usual.get_envs() {
        if let Some(value) = value {
            command.env(name, value);
        }
    }
    run_with_stdin(command, "")
}

/// Session credentials for `profile`, valid for another hour, in credentials-file form.
fn fresh_section(profile: &str, key_id: &str) -> String {
    let secret = format!("{key_id}/secret+");
    register_secret(&secret);
    format!(
        "[{profile}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\naws_session_token = {key_id}token==\nstscreds_expiration = {}\n",
        Timestamp::now() + SignedDuration::from_hours(1)
    )
}

#[test]
fn the_hot_paths_are_served_without_stscreds_core() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let dir = tempfile::tempdir().unwrap();
    sandbox.write(
        ".aws/credentials",
        &fresh_section("default", "ASIALAUNCHREAD000001"),
    );
    sandbox.write(
        ".aws/config",
        "[profile work]\ncredential_process = stscreds credential-process --profile work\n",
    );
    sandbox.write(
        ".stscreds/sessions",
        &fresh_section("work", "ASIALAUNCHWORK000001"),
    );
    let read = lone_stscreds(&sandbox, dir.path(), &["read", "aws_access_key_id"]).success();
    assert_eq!(read.stdout, "ASIALAUNCHREAD000001\n");
    let process = lone_stscreds(
        &sandbox,
        dir.path(),
        &["credential-process", "--profile", "work"],
    )
    .success();
    assert!(
        process
            .stdout
            .contains("\"AccessKeyId\": \"ASIALAUNCHWORK000001\""),
        "{}",
        process.stdout
    );
}

#[test]
fn any_other_command_without_stscreds_core_says_to_reinstall() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let dir = tempfile::tempdir().unwrap();
    let run = lone_stscreds(&sandbox, dir.path(), &["whoami"]);
    assert_eq!(run.code, Some(127), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let missing = dir.path().join("stscreds-core");
    assert_eq!(
        run.error_lines(),
        [format!(
            "error: cannot start {}: No such file or directory (os error 2); stscreds-core belongs in the same directory as stscreds (reinstall stscreds)",
            missing.display()
        )]
    );
}

#[test]
fn stscreds_core_is_the_whole_program_under_the_name_stscreds() {
    let version = Command::new(env!("CARGO_BIN_EXE_stscreds-core"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success());
    let stdout = String::from_utf8(version.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("stscreds {} ", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    // Handed over from `stscreds`, usage names `stscreds` too.
    let sandbox = Sandbox::new(&dead_endpoint());
    let run = sandbox.run(&["no-such-command"], "");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("Usage: stscreds [OPTIONS] <COMMAND>"),
        "{}",
        run.stderr
    );
}
