//! `--online` findings that need a moto of the test's own: one whose sessions are their
//! IAM users' as in AWS (the shared moto hands every session to a made-up `user/moto`),
//! and whose clock can be set back while a key is made.

use super::*;

use crate::support::Sandbox;

/// 100 days, in seconds: libfaketime's offset for moto's clock while the old key is made.
const HUNDRED_DAYS_AGO: &str = "-8640000";

/// The ARN AWS (and this moto) gives `user`'s own sessions.
fn user_arn(user: &TestUser) -> String {
    format!("arn:aws:iam::123456789012:user/{}", user.name)
}

/// A home like [`Home::usual`]'s whose profile `work` is `user`'s, on `moto`.
pub(super) fn home_on(moto: &Moto, user: TestUser) -> Home {
    let proxy = FaultServer::counting(moto.url());
    let mut sandbox = Sandbox::new(&proxy.url());
    put_stscreds_on_path(&mut sandbox);
    sandbox.write(".aws/config", &work_config(""));
    sandbox.init("work", &user);
    Home {
        sandbox,
        proxy,
        user,
    }
}

/// The key `init` stored was made 100 days ago by moto's clock: doctor names it by its
/// last four characters and its age, and `stscreds rotate`, as doctor prints it,
/// replaces it with a new one.
#[test]
fn a_long_term_key_past_ninety_days_is_found_and_rotate_clears_it() {
    let clock = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(clock.path(), HUNDRED_DAYS_AGO).unwrap();
    let moto = Moto::start_with_users_sessions(Some(clock.path()));
    let (user, _) = moto.create_user_with_mfa("doctor-old-key");
    std::fs::write(clock.path(), "+0").unwrap();
    let home = home_on(&moto, user);
    home.auth("work");
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &["--online"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(codes(&json), ["old-long-term-key"], "{json:#}");
    let old_key = &home.user.access_key_id;
    let last4 = &old_key[old_key.len() - 4..];
    assert_eq!(json["long_term_key"]["key_last4"], last4.to_owned());
    assert_eq!(json["long_term_key"]["age_days"], 100, "{json:#}");
    assert_eq!(json["identity"]["arn"], user_arn(&home.user));
    let found = finding(&json, "old-long-term-key");
    assert_eq!(found["severity"], "warning");
    let message = found["message"].as_str().unwrap();
    assert!(message.contains(&format!("…{last4}")), "{message}");
    assert!(message.contains("100 days old"), "{message}");
    assert!(!json.to_string().contains(old_key.as_str()), "{json:#}");
    assert_eq!(found["fix"], "stscreds rotate --profile work");
    let args = ["--online"];
    let after = assert_fix_clears(&home, &json, "old-long-term-key", &env, "", &args);
    assert_eq!(codes(&after), Vec::<String>::new());
    assert_eq!(after["long_term_key"]["age_days"], 0, "{after:#}");
    assert_ne!(after["long_term_key"]["key_last4"], last4.to_owned());
    // The text form tells the age too.
    let mut command = home.sandbox.command(&["doctor", "--online"]);
    command.env("AWS_PROFILE", "work");
    let text = crate::support::run_with_stdin(command, "");
    assert_eq!(text.code, Some(0), "{text:#?}");
    assert!(text.stdout.contains("(0 days ago)"), "{text:#?}");
}

/// `~/.aws/credentials` copied from another machine, where profile `work` is another
/// IAM user's (a dotfiles sync): its session is served as `work`'s, but it is not the
/// user stscreds remembers. A new session from the profile's own keys clears it.
#[test]
fn a_session_of_another_user_is_found_and_a_new_session_clears_it() {
    let moto = Moto::start_with_users_sessions(None);
    let (user, _) = moto.create_user_with_mfa("doctor-me");
    let (other, _) = moto.create_user_with_mfa("doctor-them");
    let home = home_on(&moto, user);
    home.auth("work");
    let elsewhere = Sandbox::new(&home.proxy.url());
    elsewhere.write(".aws/config", &work_config(""));
    elsewhere.init("work", &other);
    elsewhere.auth("work");
    home.sandbox
        .write(".aws/credentials", &elsewhere.read(".aws/credentials"));
    chmod(&home, ".aws/credentials", 0o600);
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &["--online"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(codes(&json), ["unexpected-identity"], "{json:#}");
    assert_eq!(json["identity"]["arn"], user_arn(&other));
    let found = finding(&json, "unexpected-identity");
    assert_eq!(found["severity"], "error");
    let message = found["message"].as_str().unwrap();
    assert!(message.contains(&user_arn(&other)), "{message}");
    assert!(message.contains(&user_arn(&home.user)), "{message}");
    let args = ["--online"];
    let after = assert_fix_clears(&home, &json, "unexpected-identity", &env, "", &args);
    assert_eq!(codes(&after), Vec::<String>::new());
    assert_eq!(after["identity"]["arn"], user_arn(&home.user));
}

/// A role profile: its session is the role's (no finding), and the key judged is its
/// source profile's, read with that profile's own MFA session.
#[test]
fn a_role_profile_is_its_roles_and_its_key_is_its_source_profiles() {
    let moto = Moto::start_with_users_sessions(None);
    let (user, _) = moto.create_user_with_mfa("doctor-role");
    let role_arn = moto.create_role("doctor-admin");
    let home = home_on(&moto, user);
    home.sandbox.write(
        ".aws/config",
        &format!(
            "{}\n[profile admin]\nregion = {REGION}\nrole_arn = {role_arn}\nsource_profile = work\n",
            work_config("")
        ),
    );
    home.auth("admin");
    let env = home.env(&[("AWS_PROFILE", "admin")]);
    let (run, json) = home.doctor(&env, &["--online", "--profile", "admin"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let role_name = role_arn.rsplit('/').next().unwrap();
    let arn = json["identity"]["arn"].as_str().unwrap();
    assert!(
        arn.starts_with(&format!(
            "arn:aws:sts::123456789012:assumed-role/{role_name}/"
        )),
        "{json:#}"
    );
    let key = &home.user.access_key_id;
    assert_eq!(json["long_term_key"]["key_last4"], key[key.len() - 4..]);
}

/// No fresh session to call AWS with: doctor calls nothing, asks for no code, and its
/// fix gets a session.
#[test]
fn online_without_a_session_says_how_to_get_one() {
    let moto = Moto::start_with_users_sessions(None);
    let home = home_on(&moto, moto.create_user_with_mfa("doctor-no-session").0);
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (_, json) = home.doctor(&env, &["--online"]);
    let found = finding(&json, "online-no-session");
    assert_eq!(found["fix"], "stscreds auth --profile work", "{json:#}");
    assert_eq!(json["identity"], Value::Null, "{json:#}");
    let after = assert_fix_clears(&home, &json, "online-no-session", &env, "", &["--online"]);
    assert_eq!(after["identity"]["arn"], user_arn(&home.user), "{after:#}");
}

/// AWS out of reach: the failed call is a finding (with no fix), and once AWS answers
/// again it is gone.
#[test]
fn online_with_aws_out_of_reach_says_the_call_failed() {
    let moto = Moto::start_with_users_sessions(None);
    let home = home_on(&moto, moto.create_user_with_mfa("doctor-unreachable").0);
    home.auth("work");
    let dead = crate::support::dead_endpoint();
    let unreachable = home.env(&[("AWS_PROFILE", "work"), ("AWS_ENDPOINT_URL", &dead)]);
    let (_, json) = home.doctor(&unreachable, &["--online"]);
    assert_eq!(codes(&json), ["online-check-failed"], "{json:#}");
    assert_eq!(finding(&json, "online-check-failed")["fix"], Value::Null);
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &["--online"]);
    assert_eq!(run.code, Some(0), "{json:#}");
}
