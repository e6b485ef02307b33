//! One test per situation: the clean setup (no finding, exit 0), then each finding,
//! its verdicts checked against the real clients and its fix run.

use super::*;

#[test]
fn a_clean_setup_has_no_finding_and_every_client_uses_the_session() {
    let home = Home::usual();
    home.auth("work");
    let env = home.env(&[("AWS_PROFILE", "work")]);
    home.proxy.clear();
    let (run, _) = home.doctor(&env, &[]);
    assert!(home.proxy.requests().is_empty(), "doctor called AWS");
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(codes(&json), Vec::<String>::new());
    for verdict in json["verdicts"].as_array().unwrap() {
        assert_eq!(verdict["source"], "credentials-file", "{json:#}");
        assert_eq!(verdict["managed"], true, "{json:#}");
    }
    // The text form says the same, and no secret anywhere.
    let mut command = home.sandbox.command(&["doctor"]);
    command.env("AWS_PROFILE", "work");
    let text = crate::support::run_with_stdin(command, "");
    assert_eq!(text.code, Some(0), "{text:#?}");
    assert!(text.stdout.contains("No problem found."), "{text:#?}");
    assert!(!text.stdout.contains(&home.user.access_key_id));
    assert!(!text.stdout.contains(&home.user.secret_access_key));
}

#[test]
fn environment_keys_win_over_the_profile_except_in_the_js_sdk() {
    let home = Home::usual();
    home.auth("work");
    let (other, _) = Moto::shared().create_user_with_mfa("doctor-env");
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("AWS_ACCESS_KEY_ID", &other.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", &other.secret_access_key),
    ]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    assert_eq!(
        verdict_for(&json, Client::Botocore)["source"],
        "environment"
    );
    assert_eq!(verdict_for(&json, Client::RustSdk)["source"], "environment");
    assert_eq!(
        verdict_for(&json, Client::JsSdk)["source"],
        "credentials-file"
    );
    let message = finding(&json, "environment-keys-override")["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("JavaScript SDK ignores it"), "{message}");
    assert!(!json.to_string().contains(&other.secret_access_key));
    assert!(!json.to_string().contains(&other.access_key_id));
    let after = assert_fix_clears(&home, &json, "environment-keys-override", &env, "", &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
}

#[test]
fn aws_profile_naming_another_profile() {
    let home = Home::new(&format!(
        "{}\n[profile other]\nregion = {REGION}\nmfa_process = echo 123456\n",
        work_config("")
    ));
    let (other, _) = Moto::shared().create_user_with_mfa("doctor-other");
    home.sandbox.init("other", &other);
    home.auth("work");
    home.auth("other");
    let env = home.env(&[("AWS_PROFILE", "other")]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &["--profile", "work"]);
    for verdict in json["verdicts"].as_array().unwrap() {
        assert_eq!(verdict["profile"], "other", "{json:#}");
        assert_eq!(verdict["managed"], false, "{json:#}");
    }
    finding(&json, "profile-variable-override");
    let args = ["--profile", "work"];
    let after = assert_fix_clears(&home, &json, "profile-variable-override", &env, "", &args);
    assert_eq!(codes(&after), Vec::<String>::new());
}

#[test]
fn a_default_session_in_the_file_shadows_a_credential_server() {
    let home = Home::new(&format!(
        "{}\n[default]\nregion = {REGION}\nmfa_process = echo 123456\n",
        work_config("")
    ));
    home.sandbox.init("default", &home.user);
    home.auth("default");
    // Nothing listens there: a client that asked the server would fail.
    let server = crate::support::dead_endpoint();
    let env = home.env(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &server)]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &["--profile", "work"]);
    for verdict in json["verdicts"].as_array().unwrap() {
        assert_eq!(verdict["source"], "credentials-file", "{json:#}");
        assert_eq!(verdict["shadowed"][0], "container", "{json:#}");
    }
    let args = ["--profile", "work"];
    let after = assert_fix_clears(&home, &json, "container-shadowed", &env, "", &args);
    assert_eq!(codes(&after), Vec::<String>::new());
    assert_eq!(after["verdicts"][0]["source"], "container", "{after:#}");
}

#[test]
fn long_term_keys_in_plain_text_are_moved_into_the_store() {
    let home = Home::new(&format!(
        "{}\n[profile plain]\nregion = {REGION}\nmfa_process = echo 123456\n",
        work_config("")
    ));
    let (plain, _) = Moto::shared().create_user_with_mfa("doctor-plain");
    home.sandbox.write(
        ".aws/credentials",
        &format!(
            "[plain]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            plain.access_key_id, plain.secret_access_key
        ),
    );
    chmod(&home, ".aws/credentials", 0o600);
    let env = home.env(&[("AWS_PROFILE", "plain")]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    let found = finding(&json, "plaintext-long-term-key");
    assert_eq!(found["line"], 1, "{json:#}");
    assert!(!json.to_string().contains(&plain.secret_access_key));
    let keys = format!("{}\n{}\n", plain.access_key_id, plain.secret_access_key);
    let after = assert_fix_clears(&home, &json, "plaintext-long-term-key", &env, &keys, &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
    assert_doctor_agrees_with_the_clients(&home, &env, &[]);
}

/// The clients are not run: without a region they fail before any credential.
#[test]
fn no_region() {
    let home = Home::usual();
    home.auth("work");
    // `init` recorded a region: take it away again.
    home.sandbox
        .write(".aws/config", "[profile work]\nmfa_process = echo 123456\n");
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("error: doctor found 1 problem"),
        "{run:#?}"
    );
    let after = assert_fix_clears(&home, &json, "no-region", &env, "", &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
}

#[test]
fn a_repeated_key_makes_botocore_refuse_the_file() {
    let home = Home::usual();
    home.auth("work");
    home.sandbox
        .write(".aws/config", &work_config(&format!("region = {REGION}\n")));
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    assert_eq!(verdict_for(&json, Client::Botocore)["source"], Value::Null);
    assert_eq!(
        verdict_for(&json, Client::RustSdk)["source"],
        "credentials-file"
    );
    let found = finding(&json, "repeated-key");
    assert_eq!(found["line"], 4, "{json:#}");
    let after = assert_fix_clears(&home, &json, "repeated-key", &env, "", &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
    assert_doctor_agrees_with_the_clients(&home, &env, &[]);
}

#[test]
fn a_credential_process_naming_a_missing_stscreds() {
    let home = Home::new(&format!(
        "{}\n[profile work-cli]\nregion = {REGION}\ncredential_process = /nonexistent/stscreds credential-process --profile work\n",
        work_config("")
    ));
    home.auth("work");
    let env = home.env(&[("AWS_PROFILE", "work-cli")]);
    let args = ["--profile", "work-cli"];
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &args);
    assert_eq!(finding(&json, "credential-process-missing")["line"], 5);
    let after = assert_fix_clears(&home, &json, "credential-process-missing", &env, "", &args);
    assert_eq!(codes(&after), Vec::<String>::new());
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &args);
    assert_eq!(
        verdict_for(&json, Client::JsSdk)["source"],
        "credential-process"
    );
    assert_eq!(verdict_for(&json, Client::JsSdk)["managed"], true);
}

#[test]
fn files_others_can_read() {
    let home = Home::usual();
    home.auth("work");
    chmod(&home, ".aws/credentials", 0o644);
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    assert_eq!(
        finding(&json, "not-private")["fix"],
        format!(
            "chmod 600 {}",
            home.sandbox.path(".aws/credentials").display()
        )
    );
    let after = assert_fix_clears(&home, &json, "not-private", &env, "", &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
}

/// The session `auth` wrote before the profile got its `credential_process` (written
/// by hand, so nothing moved it): botocore, the JavaScript SDK and the Go SDK read it,
/// the Rust SDK runs the process.
#[test]
fn a_stale_session_copy_beside_a_credential_process() {
    let home = Home::usual();
    home.auth("work");
    home.sandbox.write(
        ".aws/config",
        &work_config(&format!(
            "credential_process = {} credential-process --profile work\n",
            crate::support::binary()
        )),
    );
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    assert_eq!(
        verdict_for(&json, Client::Botocore)["source"],
        "credentials-file"
    );
    assert_eq!(
        verdict_for(&json, Client::RustSdk)["source"],
        "credential-process"
    );
    assert_eq!(
        verdict_for(&json, Client::GoSdk)["source"],
        "credentials-file"
    );
    finding(&json, "stale-session-copy");
    let after = assert_fix_clears(&home, &json, "stale-session-copy", &env, "", &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
    assert_doctor_agrees_with_the_clients(&home, &env, &[]);
}

/// Another user's keys in the profile's section of ~/.aws/credentials beside its
/// `credential_process`: the Go SDK signs with those keys, the Rust SDK with the
/// session the process hands out (seen on the wire: two different keys).
#[test]
fn keys_beside_a_credential_process_the_go_sdk_takes_the_keys_the_rust_sdk_the_process() {
    let home = Home::new(&work_config(&format!(
        "credential_process = {} credential-process --profile work\n",
        crate::support::binary()
    )));
    let (plain, _) = Moto::shared().create_user_with_mfa("doctor-beside");
    home.sandbox.write(
        ".aws/credentials",
        &format!(
            "[work]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            plain.access_key_id, plain.secret_access_key
        ),
    );
    chmod(&home, ".aws/credentials", 0o600);
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    let go = verdict_for(&json, Client::GoSdk);
    assert_eq!(go["source"], "credentials-file", "{json:#}");
    assert_eq!(go["shadowed"], serde_json::json!(["credential-process"]));
    let rust = verdict_for(&json, Client::RustSdk);
    assert_eq!(rust["source"], "credential-process", "{json:#}");
    assert_eq!(rust["shadowed"], serde_json::json!(["credentials-file"]));
    let row = run_clients(&[Client::GoSdk, Client::RustSdk], &home.proxy, &env);
    assert_eq!(row[0].key, plain.access_key_id, "{row:?}");
    assert!(
        !row[1].key.is_empty() && row[1].key != plain.access_key_id,
        "{row:?}"
    );
}

/// `AWS_DEFAULT_PROFILE` alone: botocore and the Go SDK read that profile, the Rust and
/// JavaScript SDKs `default` (which no file has: no credentials).
#[test]
fn aws_default_profile_is_read_by_botocore_and_the_go_sdk() {
    let home = Home::new(&format!(
        "{}\n[profile other]\nregion = {REGION}\n",
        work_config("")
    ));
    home.auth("work");
    let (other, _) = Moto::shared().create_user_with_mfa("doctor-default-profile");
    let session = std::fs::read_to_string(home.sandbox.path(".aws/credentials")).unwrap();
    home.sandbox.write(
        ".aws/credentials",
        &format!(
            "{session}[other]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            other.access_key_id, other.secret_access_key
        ),
    );
    chmod(&home, ".aws/credentials", 0o600);
    let env = home.env(&[("AWS_DEFAULT_PROFILE", "other"), ("AWS_REGION", REGION)]);
    let args = ["--profile", "work"];
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &args);
    let last4 = &other.access_key_id[other.access_key_id.len() - 4..];
    for client in [Client::Botocore, Client::GoSdk] {
        let verdict = verdict_for(&json, client);
        assert_eq!(verdict["profile"], "other", "{json:#}");
        assert_eq!(verdict["key_last4"], last4, "{json:#}");
    }
    for client in [Client::RustSdk, Client::JsSdk] {
        let verdict = verdict_for(&json, client);
        assert_eq!(verdict["profile"], "default", "{json:#}");
        assert_eq!(verdict["source"], Value::Null, "{json:#}");
    }
    let message = finding(&json, "profile-variable-override")["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("go-sdk"), "{message}");
    assert_fix_clears(&home, &json, "profile-variable-override", &env, "", &args);
}

/// Keys under the old names `AWS_ACCESS_KEY` and `AWS_SECRET_KEY`: only the Go SDK
/// reads them, and takes them before the profile's session.
#[test]
fn keys_under_the_old_variable_names_are_the_go_sdks_alone() {
    let home = Home::usual();
    home.auth("work");
    let (other, _) = Moto::shared().create_user_with_mfa("doctor-old-names");
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("AWS_ACCESS_KEY", &other.access_key_id),
        ("AWS_SECRET_KEY", &other.secret_access_key),
    ]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    let go = verdict_for(&json, Client::GoSdk);
    assert_eq!(go["source"], "environment", "{json:#}");
    let last4 = &other.access_key_id[other.access_key_id.len() - 4..];
    assert_eq!(go["key_last4"], last4, "{json:#}");
    for client in [Client::Botocore, Client::JsSdk, Client::RustSdk] {
        assert_eq!(verdict_for(&json, client)["source"], "credentials-file");
    }
    assert!(!json.to_string().contains(&other.secret_access_key));
    let found = finding(&json, "environment-keys-override");
    assert!(
        found["message"].as_str().unwrap().contains("go-sdk"),
        "{json:#}"
    );
    let after = assert_fix_clears(&home, &json, "environment-keys-override", &env, "", &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
}

/// A web identity token in the environment beside the profile's session: botocore and
/// the Go SDK assume its role before they look at the files (the Go SDK says so: its
/// provider is the web identity's); the JavaScript and Rust SDKs take the session.
#[test]
fn a_web_identity_in_the_environment_beside_a_session() {
    let home = Home::usual();
    home.auth("work");
    home.sandbox.write("token", "a-web-identity-token");
    let token = home.sandbox.path("token");
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/doctor-web"),
        ("AWS_ROLE_SESSION_NAME", "doctor"),
    ]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    for client in [Client::Botocore, Client::GoSdk] {
        assert_eq!(
            verdict_for(&json, client)["source"],
            "web-identity",
            "{json:#}"
        );
    }
    for client in [Client::JsSdk, Client::RustSdk] {
        let verdict = verdict_for(&json, client);
        assert_eq!(verdict["source"], "credentials-file", "{json:#}");
        assert_eq!(verdict["shadowed"][0], "web-identity", "{json:#}");
    }
}

#[test]
fn an_mfa_process_that_is_not_there() {
    let home = Home::new("[profile work]\nregion = eu-central-1\nmfa_process = /nonexistent/mfa\n");
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (_, json) = home.doctor(&env, &[]);
    finding(&json, "mfa-process-missing");
    assert_fix_clears(&home, &json, "mfa-process-missing", &env, "", &[]);
}

/// `--online`: whom AWS sees, and a clock 10 minutes fast (libfaketime) found. The fix
/// (`timedatectl`) is not run: it would set the machine's clock. On a moto whose
/// sessions are their users' (`online::home_on`), as in AWS.
#[test]
fn online_says_whom_aws_sees_and_finds_a_clock_that_is_off() {
    let moto = Moto::start_with_users_sessions(None);
    let home = super::online::home_on(&moto, moto.create_user_with_mfa("doctor").0);
    home.auth("work");
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &["--online"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    // Whom AWS sees for the session: what the clients see.
    let row = run_clients(&Client::ALL, &home.proxy, &env);
    for resolved in &row {
        assert_eq!(
            json["identity"]["arn"],
            resolved.arn.as_str(),
            "{resolved:?}"
        );
        assert_eq!(json["identity"]["account"], resolved.account.as_str());
    }
    assert_eq!(codes(&json), Vec::<String>::new());
    let mut command = Command::new("faketime");
    command
        .args([
            "-f",
            "+10m",
            crate::support::binary(),
            "doctor",
            "--json",
            "--online",
        ])
        .env_clear()
        .envs(&env);
    let run = run_with_stdin(command, "");
    let json = parse(&run);
    let message = finding(&json, "clock-offset")["message"].as_str().unwrap();
    assert!(message.contains("ahead of AWS's"), "{message}");
}

/// `--all`: one diagnosis per profile the files name; that the environment reads one
/// of them is no problem of the others.
#[test]
fn all_profiles_at_once() {
    let home = Home::new(&format!(
        "{}\n[profile bare]\nmfa_process = echo 123456\n",
        work_config("")
    ));
    home.auth("work");
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &["--all"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let diagnoses = json.as_array().unwrap();
    let profiles: Vec<&str> = diagnoses
        .iter()
        .map(|diagnosis| diagnosis["profile"].as_str().unwrap())
        .collect();
    assert_eq!(profiles, ["work", "bare"]);
    assert_eq!(codes(&diagnoses[0]), Vec::<String>::new());
    assert_eq!(codes(&diagnoses[1]), ["no-region"]);
}

/// `AWS_PROFILE` naming a profile no file has, beside environment keys: botocore fails
/// (ProfileNotFound), the Rust SDK takes the keys, the JavaScript SDK skips them.
#[test]
fn aws_profile_naming_a_missing_profile_beside_environment_keys() {
    let home = Home::usual();
    home.auth("work");
    let (other, _) = Moto::shared().create_user_with_mfa("doctor-missing");
    let env = home.env(&[
        ("AWS_PROFILE", "nosuch"),
        ("AWS_REGION", REGION),
        ("AWS_DEFAULT_REGION", REGION),
        ("AWS_ACCESS_KEY_ID", &other.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", &other.secret_access_key),
    ]);
    let args = ["--profile", "work"];
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &args);
    assert_eq!(verdict_for(&json, Client::Botocore)["source"], Value::Null);
    assert_eq!(verdict_for(&json, Client::RustSdk)["source"], "environment");
    assert_eq!(verdict_for(&json, Client::JsSdk)["source"], Value::Null);
    finding(&json, "environment-keys-override");
    assert_fix_clears(&home, &json, "profile-variable-override", &env, "", &args);
}

/// A `credential_process` that runs another stscreds (an old copy elsewhere): it works,
/// but it is not the one being updated.
#[test]
fn a_credential_process_naming_another_stscreds() {
    let home = Home::usual();
    home.auth("work");
    let other = home.sandbox.path("old/stscreds");
    home.sandbox.write(
        "old/stscreds",
        &format!("#!/bin/sh\nexec {} \"$@\"\n", crate::support::binary()),
    );
    chmod(&home, "old/stscreds", 0o755);
    add_work_cli_running(&home, &other);
    let env = home.env(&[("AWS_PROFILE", "work-cli")]);
    let args = ["--profile", "work-cli"];
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &args);
    let found = finding(&json, "credential-process-other-stscreds");
    assert_eq!(found["severity"], "warning");
    let after = assert_fix_clears(
        &home,
        &json,
        "credential-process-other-stscreds",
        &env,
        "",
        &args,
    );
    assert_eq!(codes(&after), Vec::<String>::new());
}

/// Text the clients read differently, with no command to fix it (merging or rewriting
/// by hand): found with its line. The clients are not compared: the profile they read
/// is not the one written oddly.
#[test]
fn a_repeated_section_and_a_header_one_sdk_misses() {
    let home = Home::usual();
    home.auth("work");
    let config = work_config("");
    home.sandbox.write(
        ".aws/config",
        &format!("{config}[profile odd]#note\nregion = {REGION}\n[profile work]\noutput = json\n"),
    );
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &[]);
    assert_eq!(run.code, Some(1));
    let repeated = finding(&json, "repeated-section");
    assert_eq!(repeated["line"], 6, "{json:#}");
    assert_eq!(repeated["fix"], Value::Null);
    let header = finding(&json, "header-read-differently");
    assert_eq!(header["line"], 4, "{json:#}");
    assert_eq!(verdict_for(&json, Client::Botocore)["source"], Value::Null);
}

/// Half of a key pair in the environment: botocore fails on a key id alone and skips a
/// secret alone; the SDKs pass over either half.
#[test]
fn half_a_key_pair_in_the_environment() {
    let home = Home::usual();
    home.auth("work");
    let (other, _) = Moto::shared().create_user_with_mfa("doctor-half");
    for lone in [
        ("AWS_ACCESS_KEY_ID", other.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", other.secret_access_key.as_str()),
    ] {
        let env = home.env(&[("AWS_PROFILE", "work"), lone]);
        let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
        let message = finding(&json, "partial-environment-keys")["message"]
            .as_str()
            .unwrap();
        assert!(message.starts_with(lone.0), "{message}");
        assert!(!json.to_string().contains(lone.1));
        let after = assert_fix_clears(&home, &json, "partial-environment-keys", &env, "", &[]);
        assert_eq!(codes(&after), Vec::<String>::new());
    }
}

/// A `credential_process` naming a copy of the fast `stscreds` without its
/// `stscreds-core` beside it, then beside one of another version: it cannot hand over.
#[test]
fn a_credential_process_naming_a_stscreds_without_its_core() {
    let home = Home::usual();
    home.auth("work");
    let copy = home.sandbox.path("old/stscreds");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(crate::support::binary(), &copy).unwrap();
    let env = home.env(&[("AWS_PROFILE", "work-cli")]);
    let args = ["--profile", "work-cli"];
    for core in [None, Some("#!/bin/sh\necho 'stscreds 0.0.1'\n")] {
        if let Some(script) = core {
            home.sandbox.write("old/stscreds-core", script);
            chmod(&home, "old/stscreds-core", 0o755);
        }
        add_work_cli_running(&home, &copy);
        let json = assert_doctor_agrees_with_the_clients(&home, &env, &args);
        let found = finding(&json, "credential-process-core-mismatch");
        assert_eq!(found["line"], 5, "{json:#}");
        let code = "credential-process-core-mismatch";
        let after = assert_fix_clears(&home, &json, code, &env, "", &args);
        assert_eq!(codes(&after), Vec::<String>::new());
    }
}

/// Rewrites ~/.aws/config: profile `work`, and `work-cli` whose `credential_process`
/// runs `program` for `work` (its header on line 5).
fn add_work_cli_running(home: &Home, program: &std::path::Path) {
    let config = work_config("");
    home.sandbox.write(
        ".aws/config",
        &format!(
            "{config}\n[profile work-cli]\nregion = {REGION}\ncredential_process = {} credential-process --profile work\n",
            program.display()
        ),
    );
}

/// A profile without `mfa_process` where nobody can be asked for a code: standard input
/// from nothing, no controlling terminal, no display for a dialog. Only a warning; its
/// fix names a command the user chooses, so it is not run.
#[test]
fn nobody_to_ask_for_an_mfa_code() {
    let home = Home::new(&format!("[profile work]\nregion = {REGION}\n"));
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let doctor_without_terminal = || {
        let mut command = home.sandbox.command(&["doctor", "--json"]);
        command.env_clear().envs(&env);
        let run = run_with_stdin(crate::support::without_terminal(command), "");
        (run.code, parse(&run))
    };
    let (code, json) = doctor_without_terminal();
    assert_eq!(code, Some(1), "{json:#}");
    let found = finding(&json, "mfa-no-one-to-ask");
    assert_eq!(found["severity"], "warning");
    assert_eq!(found["line"], 1, "{json:#}");
    assert_eq!(
        found["fix"],
        "stscreds configure --profile work --mfa-process COMMAND"
    );
    // With an mfa_process, nothing needs asking.
    home.sandbox.write(".aws/config", &work_config(""));
    let (code, json) = doctor_without_terminal();
    assert_eq!((code, codes(&json)), (Some(0), Vec::<String>::new()));
}
