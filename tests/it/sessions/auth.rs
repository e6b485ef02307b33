//! `stscreds auth`, driven as a user would, against moto and the fault server.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::support::fault::{FaultServer, Reply};
use crate::support::moto::{Moto, TestUser};
use crate::support::{Sandbox, dead_endpoint};
use stscreds::ini::Document;

/// The fixed session key moto's GetSessionToken returns.
const MOTO_SESSION_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// A sandbox whose `profile` is initialised for a new user with one MFA device.
fn initialised(moto: &Moto, profile: &str) -> (Sandbox, TestUser, String) {
    let (user, serial) = moto.create_user_with_mfa("auth");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init(profile, &user);
    (sandbox, user, serial)
}

fn parse(text: &str) -> Document {
    Document::parse(text).unwrap()
}

#[test]
fn auth_writes_session_credentials_privately_and_says_when_they_expire() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, "default");
    let run = sandbox.run(&["auth"], "123456\n").success();

    let (prompt_user, path) = (
        run.stderr.contains("Current user: auth-"),
        sandbox.path(".aws/credentials"),
    );
    assert!(
        prompt_user && run.stderr.contains(". Please enter MFA token: "),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains(&format!("Wrote credentials to {}", path.display())),
        "{run:?}"
    );
    assert!(run.stderr.contains("They expire at "), "{run:?}");
    assert_eq!(run.stdout, "");
    let doc = parse(&sandbox.read(".aws/credentials"));
    assert_eq!(
        doc.get("default", "aws_access_key_id"),
        Some(MOTO_SESSION_KEY)
    );
    assert!(
        doc.get("default", "aws_session_token")
            .is_some_and(|t| !t.is_empty())
    );
    let expiration: jiff::Timestamp = doc
        .get("default", "stscreds_expiration")
        .unwrap()
        .parse()
        .unwrap();
    let remaining = expiration.duration_since(jiff::Timestamp::now());
    assert!(
        remaining.as_secs() > 50 * 60 && remaining.as_secs() <= 3600,
        "default is 1h: {remaining:?}"
    );
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn the_rest_of_an_existing_credentials_file_is_preserved_byte_for_byte() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, "work");
    let before = "# hand-written, keep me\n[personal]\naws_access_key_id=AKIAPERSONAL\naws_secret_access_key = p # inline\n\n";
    let old_work = "[work]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old\naws_session_token = old\nregion = eu-west-1\n";
    let after = "\n; trailing comment\n[other]\r\nkey = value";
    sandbox.write(".aws/credentials", &format!("{before}{old_work}{after}"));

    sandbox.auth("work");

    let written = sandbox.read(".aws/credentials");
    assert!(written.starts_with(before), "{written}");
    assert!(written.ends_with(after), "{written}");
    let doc = parse(&written);
    assert_eq!(doc.get("work", "aws_access_key_id"), Some(MOTO_SESSION_KEY));
    assert_eq!(
        doc.get("work", "region"),
        Some("eu-west-1"),
        "unrelated keys stay"
    );
    assert_eq!(
        doc.get("personal", "aws_access_key_id"),
        Some("AKIAPERSONAL")
    );
}

#[test]
fn a_repeat_auth_makes_exactly_one_aws_call() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("auth-once");
    let counter = FaultServer::counting(moto.url());
    let sandbox = Sandbox::new(&counter.url());
    sandbox.init("default", &user);
    assert_eq!(counter.actions(), ["GetUser"]);

    counter.clear();
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    assert_eq!(counter.actions(), ["ListMFADevices", "GetSessionToken"]);

    counter.clear();
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    assert_eq!(counter.actions(), ["GetSessionToken"]);
}

#[test]
fn authing_one_profile_leaves_other_profiles_and_their_expiry_alone() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, "default");
    let (work_user, _) = moto.create_user_with_mfa("auth-work");
    sandbox.init("work", &work_user);
    sandbox
        .run(&["auth", "--expires", "2h", "--token-code", "123456"], "")
        .success();
    let default_section = sandbox.read(".aws/credentials");

    sandbox
        .run(
            &[
                "auth",
                "--profile",
                "work",
                "--expires",
                "15m",
                "--token-code",
                "123456",
            ],
            "",
        )
        .success();

    let written = sandbox.read(".aws/credentials");
    assert!(
        written.starts_with(&default_section),
        "default untouched:\n{written}"
    );
    let doc = parse(&written);
    let expiry = |profile| {
        doc.get(profile, "stscreds_expiration")
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
    };
    let gap = expiry("default").duration_since(expiry("work"));
    assert!(
        gap.as_secs() > 90 * 60,
        "each profile has its own expiry: {gap:?}"
    );
}

#[test]
fn aws_profile_in_the_environment_selects_the_profile() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, "envprof");
    sandbox.set_env("AWS_PROFILE", "envprof");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let doc = parse(&sandbox.read(".aws/credentials"));
    assert_eq!(
        doc.get("envprof", "aws_access_key_id"),
        Some(MOTO_SESSION_KEY)
    );
    assert!(!doc.has_section("default"));
}

#[test]
fn output_env_prints_export_lines_a_shell_can_eval() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, "default");
    let run = sandbox
        .run(&["auth", "--output-env", "--token-code", "123456"], "")
        .success();
    assert!(
        run.stdout
            .starts_with(&format!("export AWS_ACCESS_KEY_ID='{MOTO_SESSION_KEY}'\n")),
        "{run:?}"
    );

    let doc = parse(&sandbox.read(".aws/credentials"));
    let script = format!(
        "{}\nprintf '%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\"",
        run.stdout
    );
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    let expected: Vec<&str> = [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
    ]
    .iter()
    .map(|key| doc.get("default", key).unwrap())
    .collect();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("{}\n", expected.join("\n"))
    );
}

#[test]
fn aws_shared_credentials_file_and_symlinks_are_honoured() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, "default");
    sandbox.write("dotfiles/aws-credentials", "[keep]\nk = v\n");
    std::os::unix::fs::symlink(
        sandbox.path("dotfiles/aws-credentials"),
        sandbox.path("creds-link"),
    )
    .unwrap();
    let link = sandbox.path("creds-link").display().to_string();
    sandbox.set_env("AWS_SHARED_CREDENTIALS_FILE", &link);
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();

    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    let doc = parse(&sandbox.read("dotfiles/aws-credentials"));
    assert_eq!(
        doc.get("default", "aws_access_key_id"),
        Some(MOTO_SESSION_KEY)
    );
    assert_eq!(doc.get("keep", "k"), Some("v"));
    assert!(!sandbox.path(".aws/credentials").exists());
}

#[test]
fn a_user_without_an_mfa_device_is_told_how_to_add_one() {
    let moto = Moto::shared();
    let user = moto.create_user("auth-nomfa");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("default", &user);
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .failure("has no MFA device; assign one");
    assert!(!sandbox.path(".aws/credentials").exists());
}

#[test]
fn several_mfa_devices_are_listed_without_a_terminal_and_chosen_with_a_flag() {
    let moto = Moto::shared();
    let (user, first) = moto.create_user_with_mfa("auth-multi");
    let second = moto.add_mfa_device(&user, "yubikey");
    let counter = FaultServer::counting(moto.url());
    let sandbox = Sandbox::new(&counter.url());
    sandbox.init("default", &user);

    let run = sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .failure("several MFA devices");
    assert!(
        run.stderr.contains(&first) && run.stderr.contains(&second),
        "{run:?}"
    );
    assert!(run.stderr.contains("--mfa-serial"), "{run:?}");

    sandbox
        .run(
            &["auth", "--mfa-serial", &second, "--token-code", "123456"],
            "",
        )
        .success();
    let wrong = format!("{second}-nope");
    sandbox
        .run(
            &["auth", "--mfa-serial", &wrong, "--token-code", "123456"],
            "",
        )
        .failure("has no MFA device");

    counter.clear();
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    assert_eq!(
        counter.actions(),
        ["GetSessionToken"],
        "the chosen device is remembered"
    );
    let serial = counter.requests()[0].body.clone();
    assert!(serial.contains(&form_encode(&second)), "{serial}");
}

fn form_encode(value: &str) -> String {
    value.replace(':', "%3A").replace('/', "%2F")
}

#[test]
fn bad_durations_and_codes_are_refused_before_any_network_call() {
    let counter = FaultServer::start(None, |_| {
        Reply::aws_error(500, "InternalError", "unexpected call")
    });
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("auth-bad");
    let setup = Sandbox::new(&moto.url());
    setup.init("default", &user);
    let mut sandbox = Sandbox::new(&counter.url());
    sandbox.set_env("HOME", &setup.home().display().to_string());

    for expires in ["10m", "37h", "forever"] {
        let run = sandbox.run(
            &["auth", "--expires", expires, "--token-code", "123456"],
            "",
        );
        let run = run.failure("--expires");
        assert_eq!(run.code, Some(2));
    }
    sandbox
        .run(&["auth", "--token-code", "12345a"], "")
        .failure("6 digits");
    assert!(counter.actions().is_empty(), "{:?}", counter.actions());

    // A typed code is checked after the device is known, before GetSessionToken.
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox.set_env("HOME", &setup.home().display().to_string());
    sandbox.run(&["auth"], "abcdef\n").failure("6 digits");
    assert!(!setup.path(".aws/credentials").exists());
}

#[test]
fn auth_before_init_says_to_run_init() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox
        .run(&["auth", "--profile", "work", "--token-code", "123456"], "")
        .failure("run `stscreds init --profile work` first");
}

#[test]
fn a_broken_credentials_file_is_reported_before_the_code_is_asked_and_never_overwritten() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, "default");
    let broken = "[ok]\nk = v\n[unterminated\n";
    sandbox.write(".aws/credentials", broken);
    let run = sandbox.run(&["auth"], "123456\n").failure("line 3");
    assert!(
        run.stderr
            .contains(&sandbox.path(".aws/credentials").display().to_string()),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains("Please enter MFA token"),
        "no code wasted: {run:?}"
    );
    assert_eq!(sandbox.read(".aws/credentials"), broken);
}

#[test]
fn long_term_keys_stscreds_has_not_stored_are_never_overwritten() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, "default");
    let precious =
        "[default]\naws_access_key_id = AKIAPRECIOUSPRECIOUS\naws_secret_access_key = precious\n";
    sandbox.write(".aws/credentials", precious);
    let run = sandbox
        .run(&["auth"], "123456\n")
        .failure("AKIAPRECIOUSPRECIOUS");
    assert!(run.stderr.contains("would lose it"), "{run:?}");
    assert!(!run.stderr.contains("Please enter MFA token"), "{run:?}");
    assert_eq!(sandbox.read(".aws/credentials"), precious);
}

#[test]
fn the_same_long_term_key_stscreds_stored_may_be_replaced_by_a_session() {
    let moto = Moto::shared();
    let (sandbox, user, _) = initialised(moto, "default");
    let same = format!(
        "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        user.access_key_id, user.secret_access_key
    );
    sandbox.write(".aws/credentials", &same);
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let doc = parse(&sandbox.read(".aws/credentials"));
    assert_eq!(
        doc.get("default", "aws_access_key_id"),
        Some(MOTO_SESSION_KEY)
    );
}

#[test]
fn sts_is_called_in_the_configured_region_and_iam_in_us_east_1() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("auth-region");
    let counter = FaultServer::counting(moto.url());
    let mut sandbox = Sandbox::new(&counter.url());
    sandbox.write(".aws/config", "[profile work]\nregion = ap-southeast-2\n");
    sandbox.init("work", &user);
    sandbox.auth("work");
    let scope = |action: &str| {
        counter
            .requests()
            .into_iter()
            .find(|r| r.action == action)
            .map(|r| r.authorization)
            .unwrap()
    };
    assert!(
        scope("GetSessionToken").contains("/ap-southeast-2/sts/"),
        "{}",
        scope("GetSessionToken")
    );
    assert!(
        scope("ListMFADevices").contains("/us-east-1/iam/"),
        "{}",
        scope("ListMFADevices")
    );

    counter.clear();
    sandbox.set_env("AWS_REGION", "eu-central-1");
    sandbox.auth("work");
    assert!(scope("GetSessionToken").contains("/eu-central-1/sts/"));
}

#[test]
fn a_wrong_mfa_code_is_explained_and_nothing_changes() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("auth-wrongcode");
    let server = FaultServer::start(Some(moto.url()), |request| match request.action.as_str() {
        "GetSessionToken" => Reply::aws_error(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
        ),
        _ => Reply::Forward,
    });
    let sandbox = Sandbox::new(&server.url());
    sandbox.init("default", &user);
    let existing = "[default]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old\naws_session_token = old\n";
    sandbox.write(".aws/credentials", existing);
    let keys = sandbox.read(".stscreds/credentials");

    sandbox
        .run(&["auth"], "123456\n")
        .failure("AWS rejected the MFA code");
    assert_eq!(sandbox.read(".aws/credentials"), existing);
    assert_eq!(
        sandbox.read(".stscreds/credentials"),
        keys,
        "long-term keys are never touched"
    );
}

#[test]
fn a_server_error_is_retried_then_explained_and_nothing_changes() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("auth-500");
    let server = FaultServer::start(Some(moto.url()), |request| match request.action.as_str() {
        "GetSessionToken" => Reply::aws_error(500, "InternalFailure", "boom"),
        _ => Reply::Forward,
    });
    let mut sandbox = Sandbox::new(&server.url());
    sandbox.init("default", &user);
    sandbox.set_env("AWS_MAX_ATTEMPTS", "3");

    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .failure("HTTP 500");
    let attempts = server
        .actions()
        .iter()
        .filter(|a| *a == "GetSessionToken")
        .count();
    assert_eq!(attempts, 3, "the SDK retries server errors");
    assert!(!sandbox.path(".aws/credentials").exists());
}

#[test]
fn an_empty_aws_profile_means_the_default_profile() {
    let mut sandbox = Sandbox::new(&dead_endpoint());
    sandbox.set_env("AWS_PROFILE", "");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .failure("profile 'default'; run `stscreds init` first");
    sandbox.set_env("AWS_PROFILE", "not valid");
    sandbox
        .run(&["auth"], "")
        .failure("AWS_PROFILE: 'not valid' is not a profile name");
}
