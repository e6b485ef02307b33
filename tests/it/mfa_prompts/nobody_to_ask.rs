//! No prompt where nobody can answer: a closed or ended standard input gets the one
//! error line, not a question first.

use std::process::{Command, Stdio};

use crate::support::moto::{Moto, TestUser};
use crate::support::{Run, Sandbox, new_user, wrapped};

/// A sandbox with keys stored for `profile` (no session yet).
fn initialised(profile: &str) -> (Sandbox, TestUser) {
    let moto = Moto::shared();
    let (sandbox, user, _) = new_user::initialised(moto, &moto.url(), profile);
    (sandbox, user)
}

/// `inner` run by `sh` with its standard input closed (`0<&-`), as a user's shell would.
fn with_stdin_closed(inner: &Command) -> Command {
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(r#"exec "$0" "$@" 0<&-"#);
    wrapped(sh, inner)
}

/// Panics unless `run` failed with its one error line and nothing else: no prompt, and
/// no word of authenticating, which nobody could take part in.
#[track_caller]
fn assert_only_the_error_line(run: Run) {
    let run = run.failure("standard input is closed");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        matches!(lines.as_slice(), [error] if error.starts_with("error: ")),
        "{run:#?}"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn read_with_stdin_at_its_end_prints_the_error_and_no_prompt() {
    let (sandbox, _) = initialised("default");
    let args = ["read", "aws_access_key_id"];
    let mut from_dev_null = sandbox.command(&args);
    from_dev_null.stdin(Stdio::null());
    assert_only_the_error_line(Run::from(from_dev_null.output().unwrap()));
    let closed = with_stdin_closed(&sandbox.command(&args)).output().unwrap();
    assert_only_the_error_line(Run::from(closed));
    assert_only_the_error_line(sandbox.run(&args, ""));
}

#[test]
fn read_with_a_code_to_read_still_says_it_authenticates() {
    let (sandbox, _) = initialised("default");
    let run = sandbox
        .run(&["read", "aws_access_key_id"], "123456\n")
        .success();
    assert!(
        run.stderr
            .contains("Session credentials for profile 'default' are missing; authenticating."),
        "{run:#?}"
    );
}
