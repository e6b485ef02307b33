//! No dead ends: when stscreds cannot go on, the one error line says what to run next,
//! for the profile in use; and small slips (a code mistyped on the terminal, a
//! duration without a unit) get a second chance or the right suggestion.

use crate::support::moto::{Moto, TestUser};
use crate::support::terminal::Terminal;
use crate::support::{Sandbox, run_with_stdin, without_terminal};

/// A sandbox with keys stored for `profile` (no session yet).
fn initialised(profile: &str) -> (Sandbox, TestUser) {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("dead-ends");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init(profile, &user);
    (sandbox, user)
}

#[test]
fn a_renewal_with_nobody_to_ask_lists_the_ways_out_on_a_line_of_its_own() {
    let (sandbox, _) = initialised("work");
    let read =
        without_terminal(sandbox.command(&["read", "--profile", "work", "aws_access_key_id"]));
    let run = run_with_stdin(read, "").failure("standard input is closed");
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{run:#?}");
    let error = errors[0];
    assert!(
        error.starts_with("error: "),
        "not on a line of its own: {run:#?}"
    );
    for way_out in [
        "`stscreds auth --profile work` in a terminal",
        "--token-code",
        "mfa_process",
        "`stscreds configure --profile work --mfa-process COMMAND`",
    ] {
        assert!(error.contains(way_out), "{way_out:?} missing: {run:#?}");
    }
    assert_eq!(run.stdout, "");
}

#[test]
fn credential_process_without_a_terminal_names_the_profile_to_authenticate() {
    let (sandbox, _) = initialised("work");
    let process = without_terminal(sandbox.command(&["credential-process", "--profile", "work"]));
    let run = run_with_stdin(process, "").failure("no terminal");
    assert!(
        run.stderr
            .contains("run `stscreds auth --profile work` in a terminal"),
        "{run:#?}"
    );
}

#[test]
fn a_user_without_an_mfa_device_is_told_to_retry_with_the_profile() {
    let moto = Moto::shared();
    let user = moto.create_user("dead-ends-nomfa");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("bob", &user);
    sandbox
        .run(&["auth", "--profile", "bob", "--token-code", "123456"], "")
        .failure("then run `stscreds auth --profile bob` again");
}

#[test]
fn a_duration_without_a_unit_gets_the_unit_that_fits() {
    let (sandbox, _) = initialised("default");
    let run = sandbox.run(&["auth", "--expires", "90"], "");
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("did you mean 90m?"), "{run:#?}");
    assert!(!run.stderr.contains("90sec"), "{run:#?}");
}

#[test]
fn a_mistyped_code_on_the_terminal_is_asked_for_again() {
    let (sandbox, _) = initialised("default");
    let mut auth = Terminal::spawn(sandbox.command(&["auth"]));
    auth.answer("Please enter MFA token: ", 1, "12345");
    auth.answer("That is not 6 digits.", 1, "123456");
    let (ok, shown) = auth.finish();
    assert!(ok, "{shown}");
    assert!(
        sandbox
            .read(".aws/credentials")
            .contains("aws_session_token")
    );
}

#[test]
fn the_profile_can_be_named_where_aws_vault_users_type_it() {
    let (sandbox, _) = initialised("work");
    sandbox
        .run(&["auth", "work", "--token-code", "123456"], "")
        .success();
    let in_section = |key| {
        let document = stscreds::ini::Document::parse(&sandbox.read(".aws/credentials")).unwrap();
        document.get("work", key).map(str::to_owned)
    };
    let key_id = in_section("aws_access_key_id").expect("auth work wrote [work]");
    let exported = sandbox
        .run(&["export", "work", "--format", "bash"], "")
        .success();
    assert!(
        exported
            .stdout
            .contains(&format!("export AWS_ACCESS_KEY_ID='{key_id}'")),
        "{exported:#?}"
    );
    let exec = sandbox
        .run(
            &[
                "exec",
                "work",
                "--",
                "sh",
                "-c",
                "echo \"$STSCREDS_PROFILE $AWS_ACCESS_KEY_ID\"",
            ],
            "",
        )
        .success();
    assert_eq!(exec.stdout, format!("work {key_id}\n"));
    sandbox
        .run(&["export", "work", "--profile", "other"], "")
        .failure("two profiles given, --profile other and work; give one");
}

#[test]
fn read_takes_the_environment_variable_names_too() {
    let (sandbox, _) = initialised("default");
    sandbox.auth("default");
    let fast = sandbox.run(&["read", "AWS_ACCESS_KEY_ID"], "").success();
    let named = sandbox.run(&["read", "aws_access_key_id"], "").success();
    assert_eq!(fast.stdout, named.stdout);
    assert!(fast.stdout.starts_with("AKIA") || fast.stdout.starts_with("ASIA"));
    let through_clap = sandbox
        .run(&["read", "AWS_SESSION_TOKEN", "--token-code", "123456"], "")
        .success();
    let token = sandbox.run(&["read", "aws_session_token"], "").success();
    assert_eq!(through_clap.stdout, token.stdout);
}

#[test]
fn expires_is_an_option_only_of_the_commands_that_get_credentials() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    for command in [
        "auth",
        "read",
        "exec",
        "export",
        "credential-process",
        "whoami",
        "rotate",
    ] {
        let help = sandbox.run(&[command, "--help"], "").success();
        assert!(help.stdout.contains("--expires"), "{command}: {help:#?}");
    }
    for command in [
        "list",
        "policy",
        "clear",
        "remove",
        "configure",
        "completions",
        "init",
        "migrate",
    ] {
        let help = sandbox.run(&[command, "--help"], "").success();
        assert!(!help.stdout.contains("--expires"), "{command}: {help:#?}");
    }
    let run = sandbox.run(&["list", "--expires", "2h"], "");
    assert_eq!(run.code, Some(2), "{run:#?}");
}

#[test]
fn init_refuses_a_role_or_credential_process_profile_and_remove_never_deletes_the_keys_it_needs() {
    let (sandbox, user) = initialised("default");
    let keys_file = sandbox.read(".stscreds/credentials");
    let config = "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = default\n[profile dev-cli]\ncredential_process = stscreds credential-process --profile dev\n[profile vault]\ncredential_process = aws-vault exec x --json\n";
    sandbox.write(".aws/config", config);

    let cases = [
        (
            "dev",
            "profile 'dev' assumes role arn:aws:iam::123456789012:role/Dev and has no keys of its own; they belong to profile 'default': run `stscreds init --profile default`",
        ),
        (
            "dev-cli",
            "profile 'dev-cli' is for the AWS tools: its credential_process gets the credentials of profile 'dev' from stscreds, and keys stored for it would never be used; they belong to profile 'default': run `stscreds init`",
        ),
        (
            "vault",
            "profile 'vault' gets its credentials from its credential_process, another program, so keys stored for it would never be used",
        ),
    ];
    for (profile, message) in cases {
        let run = sandbox.init_with(profile, &user, &[]).failure(message);
        assert!(
            !run.stderr.contains("AWS Access Key"),
            "asked nothing: {run:#?}"
        );
    }
    assert_eq!(
        sandbox.read(".stscreds/credentials"),
        keys_file,
        "nothing stored"
    );
    assert_eq!(sandbox.read(".aws/config"), config, "nothing written");
    let list = sandbox.run(&["list"], "").success();
    assert!(
        list.stdout
            .lines()
            .any(|line| line.starts_with("dev ") && line.contains(" default ")),
        "dev is listed as a role on default: {list:#?}"
    );

    // Neither keyless profile sends anyone to the command that deletes the keys of
    // `default`, which both still need.
    for profile in ["dev", "dev-cli"] {
        let run = sandbox
            .run(&["remove", "--profile", profile, "--yes"], "")
            .failure(&format!(
                "profile '{profile}' has no long-term keys of its own, so nothing was removed"
            ));
        assert!(!run.stderr.contains("stscreds remove"), "{run:#?}");
        assert!(!run.stderr.contains("--profile default"), "{run:#?}");
    }
    assert_eq!(
        sandbox.read(".stscreds/credentials"),
        keys_file,
        "nothing removed"
    );

    // Keys an older `init` stored under the role profile's own name are its to remove.
    let stray = "[dev]\naws_access_key_id = AKIASTRAYSTRAYSTRAY1\naws_secret_access_key = stray\n";
    sandbox.write(".stscreds/credentials", &format!("{keys_file}{stray}"));
    sandbox
        .run(&["remove", "--profile", "dev", "--yes"], "")
        .success();
    assert_eq!(sandbox.read(".stscreds/credentials"), keys_file);
    sandbox.auth("dev");
}
