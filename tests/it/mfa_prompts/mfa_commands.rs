//! MFA codes from a command (`--mfa-command`): the code it prints is used, with the
//! device's serial in its environment; a command that fails, garbles its output or
//! hangs is reported and nothing is sent to AWS.

use crate::support::Run;
use crate::support::fault::FaultServer;
use crate::support::moto::Moto;
use crate::support::new_user::initialised;

/// `auth` with `--mfa-command COMMAND` through a counting server.
fn auth_with_mfa_command(command: &str, timeout: &str) -> (Run, usize) {
    let moto = Moto::shared();
    let counter = FaultServer::counting(moto.url());
    let (mut sandbox, _, _) = initialised(moto, &counter.url(), "default");
    sandbox.set_env("STSCREDS_MFA_TIMEOUT", timeout);
    let run = sandbox.run(&["auth", "--mfa-command", command], "");
    (run, counter.count("GetSessionToken"))
}

#[test]
fn an_mfa_command_that_prints_a_code_is_used_with_the_serial_in_its_environment() {
    let (run, calls) = auth_with_mfa_command(
        r#"case "$STSCREDS_MFA_SERIAL" in arn:aws:iam::*:mfa/*) echo 123456;; esac"#,
        "10s",
    );
    let run = run.success();
    assert_eq!(calls, 1);
    assert!(
        !run.stderr.contains("Please enter MFA token"),
        "no prompt: {run:#?}"
    );
}

#[test]
fn a_failing_garbled_or_hanging_mfa_command_is_reported_and_nothing_is_sent() {
    for (command, message) in [
        (
            "echo 'no key plugged in' >&2; exit 1",
            "failed (exit status: 1)",
        ),
        (
            "echo 'Touch your key'",
            "printed something that is not a 6-digit code",
        ),
        ("sleep 30", "gave no code within 1 s and was stopped"),
    ] {
        let (run, calls) = auth_with_mfa_command(command, "1s");
        run.failure(message);
        assert_eq!(calls, 0, "{command}: no GetSessionToken without a code");
    }
}
