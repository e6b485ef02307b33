//! `stscreds read KEY` and `stscreds whoami`, and a real client (botocore) reading what
//! stscreds wrote.

use std::process::Command;

use crate::support::fault::FaultServer;
use crate::support::moto::{Moto, TestUser};
use crate::support::{Sandbox, dead_endpoint, python, run_with_stdin, support_file};
use stscreds::ini::Document;

const MOTO_SESSION_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

fn authed(moto: &Moto, profile: &str) -> (Sandbox, TestUser, String) {
    let (user, serial) = moto.create_user_with_mfa("read");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init(profile, &user);
    sandbox.auth(profile);
    (sandbox, user, serial)
}

/// Rewrites `profile`'s session as an old one: another key, expired at `expiration`.
fn age_session(sandbox: &Sandbox, profile: &str, expiration: &str) {
    let mut doc = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    doc.set(profile, "aws_access_key_id", "ASIAOLDOLDOLDOLDOLD")
        .unwrap();
    doc.set(profile, "stscreds_expiration", expiration).unwrap();
    sandbox.write(".aws/credentials", &doc.render());
}

#[test]
fn fresh_credentials_are_read_without_any_network() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = authed(moto, "default");
    let doc = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    // Nothing listens at the endpoint now: a network call would fail the command.
    sandbox.set_env("AWS_ENDPOINT_URL", &dead_endpoint());
    for key in [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
    ] {
        let run = sandbox.run(&["read", key], "").success();
        assert_eq!(
            run.stdout,
            format!("{}\n", doc.get("default", key).unwrap())
        );
        assert_eq!(run.stderr, "", "nothing but the value");
    }
}

#[test]
fn a_fresh_read_makes_no_call_even_when_a_server_is_listening() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = authed(moto, "default");
    let counter = FaultServer::counting(moto.url());
    sandbox.set_env("AWS_ENDPOINT_URL", &counter.url());
    sandbox.run(&["read", "aws_session_token"], "").success();
    assert!(counter.actions().is_empty());
}

#[test]
fn expired_credentials_are_renewed_with_a_code_from_stdin() {
    let moto = Moto::shared();
    let (sandbox, _, _) = authed(moto, "work");
    age_session(&sandbox, "work", "2020-01-01T00:00:00Z");

    let run = sandbox
        .run(
            &["read", "--profile", "work", "aws_access_key_id"],
            "123456\n",
        )
        .success();
    assert_eq!(
        run.stdout,
        format!("{MOTO_SESSION_KEY}\n"),
        "only the value on stdout"
    );
    assert!(
        run.stderr.contains("profile 'work' have expired"),
        "{run:?}"
    );
    assert!(run.stderr.contains("Please enter MFA token: "), "{run:?}");
    let doc = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    assert_eq!(doc.get("work", "aws_access_key_id"), Some(MOTO_SESSION_KEY));
}

#[test]
fn credentials_about_to_expire_are_renewed_too() {
    let moto = Moto::shared();
    let (sandbox, _, _) = authed(moto, "default");
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(2);
    age_session(&sandbox, "default", &soon.to_string());
    let run = sandbox
        .run(&["read", "aws_access_key_id", "--token-code", "123456"], "")
        .success();
    assert_eq!(run.stdout, format!("{MOTO_SESSION_KEY}\n"));
}

#[test]
fn missing_credentials_are_fetched_for_the_same_profile() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("read-missing");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("ci", &user);
    let run = sandbox
        .run(
            &["read", "aws_session_token", "--profile", "ci"],
            "123456\n",
        )
        .success();
    assert!(run.stderr.contains("profile 'ci' are missing"), "{run:?}");
    let doc = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    assert_eq!(
        run.stdout,
        format!("{}\n", doc.get("ci", "aws_session_token").unwrap())
    );
}

#[test]
fn a_failed_renewal_prints_nothing_on_stdout() {
    let moto = Moto::shared();
    let (sandbox, _, _) = authed(moto, "default");
    age_session(&sandbox, "default", "2020-01-01T00:00:00Z");
    let run = sandbox
        .run(&["read", "aws_access_key_id"], "")
        .failure("standard input is closed");
    assert_eq!(
        run.stdout, "",
        "$(stscreds read …) must not capture messages"
    );
}

#[test]
fn an_unknown_key_lists_the_valid_ones() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let run = sandbox
        .run(&["read", "region"], "")
        .failure("invalid value 'region'");
    assert!(
        run.stderr
            .contains("aws_access_key_id, aws_secret_access_key, aws_session_token"),
        "{run:?}"
    );
}

#[test]
fn read_survives_a_closed_stdout_pipe() {
    let moto = Moto::shared();
    let (sandbox, _, _) = authed(moto, "default");
    // A pipe whose reading end is already closed: the write must fail with EPIPE, as
    // with `stscreds read … | head -c0`.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = sandbox
        .command(&["read", "aws_session_token"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "no panic or error on a broken pipe"
    );
}

#[test]
fn whoami_shows_user_arn_account_and_mfa_devices() {
    let moto = Moto::shared();
    let (user, serial) = moto.create_user_with_mfa("whoami");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("default", &user);
    let run = sandbox.run(&["whoami"], "").success();
    assert_eq!(
        run.stdout,
        format!(
            "User:       {name}\nARN:        arn:aws:iam::123456789012:user/{name}\nAccount:    123456789012\nMFA device: {serial}\n",
            name = user.name
        )
    );
}

#[test]
fn botocore_loads_the_profile_stscreds_wrote_and_calls_sts_with_it() {
    let moto = Moto::shared();
    let (sandbox, _, _) = authed(moto, "work");
    // A hand-written neighbour with comments must not trip botocore either.
    let mut doc = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    doc.set("other", "aws_access_key_id", "AKIAOTHEROTHEROTHER")
        .unwrap();
    sandbox.write(".aws/credentials", &format!("# comment\n{}", doc.render()));

    let mut command = Command::new(python());
    command
        .arg(support_file("botocore_identity.py"))
        .args(["work", &moto.url()])
        .env_clear()
        .env("HOME", sandbox.home());
    let run = run_with_stdin(command, "");
    assert_eq!(run.code, Some(0), "{run:#?}");
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some(MOTO_SESSION_KEY));
    assert!(
        lines
            .next()
            .is_some_and(|arn| arn.starts_with("arn:aws:sts::")),
        "{run:?}"
    );
}

#[test]
fn a_config_warning_is_said_once_when_the_fast_read_declines() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(
        ".aws/config",
        "[default]\nregion = eu-west-1\n[default]\noutput = json\n",
    );
    // No session to serve: `stscreds` declines and hands over to `stscreds-core`.
    let run = sandbox
        .run(&["read", "aws_access_key_id"], "")
        .failure("no long-term keys are stored for profile 'default'");
    let warning = format!(
        "warning: {} has [default] twice (lines 1 and 3)",
        sandbox.path(".aws/config").display()
    );
    assert_eq!(run.stderr.matches(&warning).count(), 1, "{run:#?}");
}
