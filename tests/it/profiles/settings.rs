//! A profile's settings: those in ~/.aws/config are used and flags win over them,
//! `configure` writes a `credential_process` and moves an existing session aside,
//! `list` shows profiles, devices and sessions, and the shell completions are valid.

use std::process::Command;

use crate::support::fault::FaultServer;
use crate::support::moto::Moto;
use crate::support::new_user::initialised;
use crate::support::{Sandbox, binary, dead_endpoint, run_with_stdin};
use stscreds::ini::Document;

#[test]
fn profile_settings_in_aws_config_are_used_and_flags_win() {
    let moto = Moto::shared();
    let counter = FaultServer::counting(moto.url());
    let (sandbox, _, serial) = initialised(moto, &counter.url(), "cfg");
    sandbox.write(
        ".aws/config",
        &format!("[profile cfg]\nregion = eu-west-1\nsts_regional_endpoints = legacy\nmfa_serial = {serial}\nduration_seconds = 7200\nmfa_process = echo 123456\n"),
    );
    counter.clear();
    sandbox.run(&["auth", "--profile", "cfg"], "").success();
    assert_eq!(
        counter.actions(),
        ["GetSessionToken"],
        "mfa_serial from the config: no lookup"
    );
    let request = &counter.requests()[0];
    assert!(
        request.body.contains("DurationSeconds=7200"),
        "{}",
        request.body
    );
    assert!(
        request.authorization.contains("/us-east-1/sts/"),
        "legacy endpoint: {}",
        request.authorization
    );

    counter.clear();
    sandbox
        .run(
            &[
                "auth",
                "--profile",
                "cfg",
                "--expires",
                "15m",
                "--token-code",
                "654321",
            ],
            "",
        )
        .success();
    let request = &counter.requests()[0];
    assert!(
        request.body.contains("DurationSeconds=900") && request.body.contains("TokenCode=654321"),
        "{}",
        request.body
    );
}

#[test]
fn configure_writes_credential_process_and_moves_an_existing_session_aside() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, &moto.url(), "work");
    sandbox.write(
        ".aws/config",
        "# mine\n[profile work]\nregion = eu-west-1\n\n[profile other]\nregion = x\n",
    );
    sandbox.write(".aws/credentials", "[keep]\nk = v\n");
    sandbox.auth("work");
    let key = Document::parse(&sandbox.read(".aws/credentials"))
        .unwrap()
        .get("work", "aws_access_key_id")
        .unwrap()
        .to_owned();

    let run = sandbox
        .run(
            &[
                "configure",
                "--profile",
                "work",
                "--credential-process",
                "--mfa-process",
                "echo 123456",
            ],
            "",
        )
        .success();
    assert!(
        run.stderr.contains("Moved the session of profile 'work'"),
        "{run:#?}"
    );
    assert_eq!(
        sandbox.read(".aws/config"),
        format!(
            "# mine\n[profile work]\nregion = eu-west-1\ncredential_process = {} credential-process --profile work\nmfa_process = echo 123456\n\n[profile other]\nregion = x\n",
            binary()
        )
    );
    let credentials = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    assert_eq!(
        credentials.get("work", "aws_access_key_id"),
        None,
        "no static copy left"
    );
    assert_eq!(credentials.get("keep", "k"), Some("v"));
    sandbox.set_env("AWS_ENDPOINT_URL", &dead_endpoint());
    let read = sandbox
        .run(&["read", "aws_access_key_id", "--profile", "work"], "")
        .success();
    assert_eq!(
        read.stdout,
        format!("{key}\n"),
        "the moved session is still served, offline"
    );

    sandbox
        .run(&["configure"], "")
        .failure("the following required arguments were not provided");
}

#[test]
fn list_shows_profiles_devices_and_sessions() {
    let moto = Moto::shared();
    let (sandbox, user, serial) = initialised(moto, &moto.url(), "default");
    sandbox.init("idle", &user);
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let list = sandbox.run(&["list"], "").success().stdout;
    let lines: Vec<&str> = list.lines().collect();
    assert!(
        lines[0].starts_with("PROFILE") && lines[0].ends_with("SESSION"),
        "{list}"
    );
    assert!(
        lines[1].starts_with("default")
            && lines[1].contains(&serial)
            && lines[1].contains("m left"),
        "{list}"
    );
    assert!(
        lines[2].starts_with("idle") && lines[2].ends_with("none"),
        "{list}"
    );
}

#[test]
fn completions_are_valid_shell_code() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let bash = sandbox.run(&["completions", "bash"], "").success().stdout;
    assert!(
        bash.contains("credential-process"),
        "all commands are completed"
    );
    let mut syntax_check = Command::new("bash");
    syntax_check.arg("-n");
    let status = run_with_stdin(syntax_check, &bash);
    assert_eq!(status.code, Some(0), "{status:#?}");
    for shell in ["zsh", "fish", "powershell"] {
        assert!(
            !sandbox
                .run(&["completions", shell], "")
                .success()
                .stdout
                .is_empty()
        );
    }
}
