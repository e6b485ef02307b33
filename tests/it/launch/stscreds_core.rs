//! `stscreds` serves the two hot paths itself and hands every other command line to
//! `stscreds-core` in its directory (`stscreds::launch`); without that, it says so.

use std::path::Path;
use std::process::Command;

use jiff::{SignedDuration, Timestamp};

use crate::support::{Run, Sandbox, dead_endpoint, register_secret, run_with_stdin};

/// `stscreds ARGS` run from a copy of `stscreds` alone in `dir`, with no
/// `stscreds-core` beside it, in `sandbox`'s environment.
fn lone_stscreds(sandbox: &Sandbox, dir: &Path, args: &[&str]) -> Run {
    run_with_stdin(stscreds_in(sandbox, dir, args), "")
}

/// `stscreds ARGS` from a copy of `stscreds` put in `dir`, beside whatever else `dir`
/// holds, in `sandbox`'s environment.
fn stscreds_in(sandbox: &Sandbox, dir: &Path, args: &[&str]) -> Command {
    let copy = dir.join("stscreds");
    std::fs::copy(env!("CARGO_BIN_EXE_stscreds"), &copy).unwrap();
    let usual = sandbox.command(args);
    let mut command = Command::new(&copy);
    command.args(args).env_clear();
    for (name, value) in usual.get_envs() {
        if let Some(value) = value {
            command.env(name, value);
        }
    }
    command
}

/// Writes an executable file `contents` at `path` from another process: a file this
/// (multi-threaded) test process had open for writing could be inherited by a child
/// another test forks meanwhile, and its execution then fail as "text file busy".
fn write_executable(path: &Path, contents: &str) {
    let status = Command::new("sh")
        .args(["-c", "printf %s \"$1\" > \"$2\" && chmod 755 \"$2\"", "sh"])
        .arg(contents)
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// The one line `stscreds` says when it cannot start the `stscreds-core` of `dir`.
fn cannot_start(dir: &Path, why: &str) -> String {
    format!(
        "error: cannot start {}: {why}; stscreds-core belongs in the same directory as stscreds (reinstall stscreds)",
        dir.join("stscreds-core").display()
    )
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
    assert_eq!(
        run.error_lines(),
        [cannot_start(
            dir.path(),
            "No such file or directory (os error 2)"
        )]
    );
}

#[test]
fn a_stscreds_core_that_is_no_program_is_not_run_as_a_shell_script() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let dir = tempfile::tempdir().unwrap();
    let touched = dir.path().join("touched");
    let touched_arg = touched.to_str().unwrap();
    for contents in [String::new(), format!("touch '{touched_arg}'\n")] {
        write_executable(&dir.path().join("stscreds-core"), &contents);
        let run = lone_stscreds(&sandbox, dir.path(), &["exec", "--", "touch", touched_arg]);
        assert_eq!(run.code, Some(126), "{contents:?}: {run:#?}");
        assert_eq!(run.stdout, "");
        assert_eq!(
            run.error_lines(),
            [cannot_start(dir.path(), "Exec format error (os error 8)")]
        );
        assert!(!touched.exists(), "{contents:?} ran");
    }
}

#[test]
fn a_stscreds_core_that_is_a_link_to_stscreds_is_refused_not_run_for_ever() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("stscreds", dir.path().join("stscreds-core")).unwrap();
    let inner = stscreds_in(&sandbox, dir.path(), &["--version"]);
    // Were it to hand over to itself, it would do so until killed.
    let mut command = Command::new("timeout");
    command
        .arg("20")
        .arg(inner.get_program())
        .args(inner.get_args());
    command
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    let run = run_with_stdin(command, "");
    assert_eq!(run.code, Some(126), "{run:#?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.error_lines(),
        [cannot_start(
            dir.path(),
            "it is stscreds itself (a link to it), not the whole program"
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
