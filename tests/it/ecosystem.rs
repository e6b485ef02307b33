//! stscreds in the AWS ecosystem: `credential_process` for botocore and the AWS SDK for
//! Rust, `exec`, `export`, MFA codes from a command, and settings from ~/.aws/config.

use std::process::Command;
use std::time::Duration;

use crate::support::fault::FaultServer;
use crate::support::moto::{Moto, TestUser};
use crate::support::{
    Run, Sandbox, dead_endpoint, python, run_with_stdin, support_file, without_terminal,
};
use aws_config::credential_process::CredentialProcessProvider;
use aws_sdk_sts::config::ProvideCredentials;
use stscreds::ini::Document;

const MOTO_SESSION_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// A sandbox with `profile` initialised for a new user (through `endpoint`).
fn initialised(moto: &Moto, endpoint: &str, profile: &str) -> (Sandbox, TestUser, String) {
    let (user, serial) = moto.create_user_with_mfa("eco");
    let sandbox = Sandbox::new(endpoint);
    sandbox.init(profile, &user);
    (sandbox, user, serial)
}

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_stscreds")
}

/// `[profile NAME]` using stscreds as its credential_process, the code from a command.
fn credential_process_profile(name: &str) -> String {
    format!(
        "[profile {name}]\nregion = us-east-1\ncredential_process = {} credential-process --profile {name}\nmfa_process = echo 123456\n",
        binary()
    )
}

#[test]
fn botocore_gets_credentials_through_credential_process_and_they_are_cached() {
    let moto = Moto::shared();
    let counter = FaultServer::counting(moto.url());
    let (sandbox, _, _) = initialised(moto, &counter.url(), "x");
    sandbox.write(".aws/config", &credential_process_profile("x"));
    counter.clear();

    let botocore = || {
        let mut command = Command::new(python());
        command
            .arg(support_file("botocore_identity.py"))
            .args(["x", &counter.url()])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", sandbox.home())
            .env("AWS_ENDPOINT_URL", counter.url())
            .env("AWS_MAX_ATTEMPTS", "1");
        run_with_stdin(without_terminal(command), "")
    };
    let first = botocore();
    assert_eq!(first.code, Some(0), "{first:#?}");
    assert!(first.stdout.starts_with(MOTO_SESSION_KEY), "{first:#?}");
    let second = botocore();
    assert_eq!(second.code, Some(0), "{second:#?}");
    assert_eq!(
        counter.count("GetSessionToken"),
        1,
        "the second run is served from the cache"
    );
    assert!(
        !sandbox.path(".aws/credentials").exists(),
        "never a static copy botocore would prefer"
    );
    let cache = Document::parse(&sandbox.read(".stscreds/sessions")).unwrap();
    assert_eq!(cache.get("x", "aws_access_key_id"), Some(MOTO_SESSION_KEY));
}

#[test]
fn the_rust_sdk_credential_process_provider_accepts_our_json() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "rust");
    sandbox.write(".aws/config", &credential_process_profile("rust"));
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME={} AWS_ENDPOINT_URL={} setsid --wait {} credential-process --profile rust",
        sandbox.home().display(),
        moto.url(),
        binary()
    );
    let provider = CredentialProcessProvider::new(command);
    let credentials = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(provider.provide_credentials())
        .unwrap();
    assert_eq!(credentials.access_key_id(), MOTO_SESSION_KEY);
    assert!(credentials.session_token().is_some());
    let left = credentials
        .expiry()
        .unwrap()
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(left > Duration::from_secs(50 * 60), "{left:?}");
}

#[test]
fn cached_credentials_are_served_without_network_and_renewed_with_15_minutes_left() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, &moto.url(), "default");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    sandbox.set_env("AWS_ENDPOINT_URL", &dead_endpoint());
    let json = sandbox.run(&["credential-process"], "").success().stdout;
    assert!(
        json.starts_with(&format!(
            "{{\"Version\": 1, \"AccessKeyId\": \"{MOTO_SESSION_KEY}\""
        )),
        "{json}"
    );

    let mut doc = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    let in_ten_minutes = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(10);
    doc.set(
        "default",
        "stscreds_expiration",
        &in_ten_minutes.to_string(),
    )
    .unwrap();
    sandbox.write(".aws/credentials", &doc.render());
    sandbox.set_env("AWS_ENDPOINT_URL", &moto.url());
    let renewed = sandbox
        .run(&["credential-process", "--token-code", "123456"], "")
        .success();
    assert!(renewed.stderr.contains("Wrote credentials"), "{renewed:#?}");
}

#[test]
fn credential_process_without_a_terminal_explains_what_to_do() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "default");
    let run = run_with_stdin(
        without_terminal(sandbox.command(&["credential-process"])),
        "",
    );
    let run = run.failure("there is no one to ask: no terminal");
    assert!(
        run.stderr.contains("run `stscreds auth` in a terminal"),
        "{run:#?}"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn export_prints_sourceable_sh_and_parseable_json() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "default");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let sh = sandbox
        .run(&["export", "--format", "sh"], "")
        .success()
        .stdout;
    let script = format!(
        "{sh}\nprintf '%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"${{AWS_SESSION_TOKEN:0:10}}\" \"$AWS_CREDENTIAL_EXPIRATION\""
    );
    let output = Command::new("bash").arg("-c").arg(script).output().unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.starts_with(&format!("{MOTO_SESSION_KEY}|AQoEXAMPLE|20")),
        "{printed}"
    );

    let json = sandbox
        .run(&["export", "--format", "json"], "")
        .success()
        .stdout;
    let check = "import json,sys; d=json.load(sys.stdin); assert d['Version']==1 and d['AccessKeyId'] and d['Expiration'].endswith('Z'); print('ok')";
    let mut command = Command::new(python());
    command.args(["-c", check]);
    let parsed = run_with_stdin(command, &json);
    assert_eq!(parsed.stdout.trim(), "ok", "{parsed:#?}");
    for format in ["fish", "powershell", "cmd", "dotenv", "ini"] {
        let out = sandbox
            .run(&["export", "--format", format], "")
            .success()
            .stdout;
        assert!(out.contains(MOTO_SESSION_KEY), "{format}: {out}");
    }
}

#[test]
fn exec_runs_a_command_with_credentials_in_its_environment_only() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, &moto.url(), "work");
    sandbox.write(".aws/config", "[profile work]\nregion = eu-central-1\n");
    sandbox.auth("work");
    sandbox.set_env("AWS_PROFILE", "work");
    let script = r#"printf '%s|%s|%s|%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_REGION" "$STSCREDS_PROFILE" "${AWS_PROFILE-unset}" "$(tr '\0' ' ' < /proc/$$/cmdline)""#;
    let run = sandbox
        .run(&["exec", "--", "sh", "-c", script], "")
        .success();
    let fields: Vec<&str> = run.stdout.split('|').collect();
    assert_eq!(
        &fields[..4],
        [MOTO_SESSION_KEY, "eu-central-1", "work", "unset"]
    );
    let secret = crate::support::MOTO_SESSION_SECRETS[0];
    assert!(
        !fields[4].contains(secret),
        "no secret on a command line: {}",
        fields[4]
    );

    let status = sandbox
        .command(&["exec", "--", "sh", "-c", "exit 7"])
        .status()
        .unwrap();
    assert_eq!(
        status.code(),
        Some(7),
        "the command's exit code is passed on"
    );
}

#[test]
fn exec_without_a_command_starts_the_shell_and_refuses_to_nest() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, &moto.url(), "default");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    sandbox.set_env("SHELL", "/bin/sh");
    let run = sandbox
        .run(&["exec"], "echo \"in shell: $AWS_ACCESS_KEY_ID\"\n")
        .success();
    assert_eq!(run.stdout, format!("in shell: {MOTO_SESSION_KEY}\n"));

    sandbox.set_env("STSCREDS_PROFILE", "default");
    sandbox
        .run(&["exec", "--", "true"], "")
        .failure("already inside `stscreds exec`");
    sandbox
        .run(&["exec", "--force", "--", "true"], "")
        .success();
    sandbox
        .run(&["exec", "--force", "--", "no-such-command-xyz"], "")
        .failure("cannot run 'no-such-command-xyz'");
}

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
fn policy_names_the_current_user() {
    let moto = Moto::shared();
    let (sandbox, user, _) = initialised(moto, &moto.url(), "default");
    let policy = sandbox.run(&["policy"], "").success().stdout;
    let check = format!(
        "import json,sys; p=json.load(sys.stdin); assert p['Statement'][0]['Resource']==['arn:aws:iam::123456789012:user/{}']; print('ok')",
        user.name
    );
    let mut command = Command::new(python());
    command.args(["-c", &check]);
    assert_eq!(
        run_with_stdin(command, &policy).stdout.trim(),
        "ok",
        "{policy}"
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

#[test]
fn verbose_traces_each_aws_call_without_secrets() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "default");
    let run = sandbox
        .run(&["auth", "-v", "--token-code", "123456"], "")
        .success();
    assert!(
        run.stderr.contains("stscreds: iam:ListMFADevices ok in "),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("stscreds: sts:GetSessionToken ok in "),
        "{run:#?}"
    );
    assert!(run.stderr.contains("(request id "), "{run:#?}");
    let endpoint = format!(" at {} (request id ", moto.url());
    assert!(run.stderr.contains(&endpoint), "{endpoint:?}: {run:#?}");
    let quiet = sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    assert!(!quiet.stderr.contains("stscreds: sts:"), "{quiet:#?}");
}

/// Sources `stscreds export --format FORMAT` in `shell` and prints the three variables.
fn source_in(shell: &str, format: &str, print: &str) -> Option<String> {
    let shell_path = ["/bin", "/usr/bin", "/usr/local/bin"]
        .iter()
        .map(|dir| std::path::Path::new(dir).join(shell))
        .find(|path| path.exists())?;
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "default");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let exported = sandbox
        .run(&["export", "--format", format], "")
        .success()
        .stdout;
    let output = Command::new(shell_path)
        .arg("-c")
        .arg(format!("{exported}\n{print}"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn the_sh_export_sources_in_a_posix_shell() {
    let printed = source_in(
        "sh",
        "sh",
        r#"printf '%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_CREDENTIAL_EXPIRATION""#,
    )
    .expect("every Unix has /bin/sh");
    assert!(
        printed.starts_with(&format!("{MOTO_SESSION_KEY}|20")),
        "{printed}"
    );
}

#[test]
fn the_fish_export_sources_in_fish_where_fish_is_installed() {
    match source_in(
        "fish",
        "fish",
        r#"printf '%s|%s' $AWS_ACCESS_KEY_ID $AWS_CREDENTIAL_EXPIRATION"#,
    ) {
        Some(printed) => assert!(
            printed.starts_with(&format!("{MOTO_SESSION_KEY}|20")),
            "{printed}"
        ),
        None => {
            eprintln!("fish is not installed here: its quoting is checked by the unit tests only")
        }
    }
}
