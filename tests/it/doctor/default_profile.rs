//! The `default` profile, which the clients read when no `AWS_PROFILE` names one, judged
//! as they judge it, whichever profile doctor is asked about.

use super::{
    Home, REGION, assert_doctor_agrees_with_the_clients, assert_fix_clears, finding, parse,
    work_config,
};
use crate::support::moto::Moto;
use crate::support::run_with_stdin;

/// A credential server shadowed by keys that are not stscreds' to remove: the fix runs
/// the tool under `stscreds exec --server`, where the files offer it nothing else.
#[test]
fn keys_of_the_users_own_that_shadow_a_credential_server_are_left_out_under_exec_server() {
    let home = Home::new(&work_config(""));
    home.auth("work");
    own_keys_in_default(&home);
    // Nothing listens there: a client that asked the server would fail.
    let server = crate::support::dead_endpoint();
    let env = home.env(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.as_str()),
        ("AWS_REGION", REGION),
        ("AWS_DEFAULT_REGION", REGION),
    ]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &["--profile", "work"]);
    let shadowed = finding(&json, "container-shadowed");
    let fix = shadowed["fix"].as_str().unwrap();
    assert_eq!(fix, "stscreds exec --server --profile work -- COMMAND");

    let inside = fix.replace("COMMAND", "stscreds doctor --json --profile work");
    let mut shell = std::process::Command::new("sh");
    shell.arg("-c").arg(&inside).env_clear().envs(&env);
    let after = parse(&run_with_stdin(shell, ""));
    let codes: Vec<&str> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|found| found["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"container-shadowed"), "{after:#}");
    for verdict in after["verdicts"].as_array().unwrap() {
        assert_eq!(verdict["source"], "container", "{after:#}");
        assert_eq!(verdict["managed"], true, "{after:#}");
    }
}

/// The region is looked for in the profile the clients read (`default`), not in the one
/// doctor was asked about. (Without one the clients fail before any credential; they are
/// compared once the fix gave it one.)
#[test]
fn a_default_profile_without_a_region_is_found_though_the_profile_asked_about_has_one() {
    let home = Home::new(&work_config(""));
    own_keys_in_default(&home);
    let env = home.env(&[]);
    let args = ["--profile", "work"];
    let (_, json) = home.doctor(&env, &args);
    let message = finding(&json, "no-region")["message"].as_str().unwrap();
    assert!(message.contains("profile 'default'"), "{json:#}");
    assert_fix_clears(&home, &json, "no-region", &env, "", &args);
    assert!(home.sandbox.read(".aws/config").contains("[default]"));
    assert_doctor_agrees_with_the_clients(&home, &env, &args);
}

/// Another IAM user's long-term keys in `[default]` of `~/.aws/credentials`, written
/// there by hand (not stscreds' to remove).
fn own_keys_in_default(home: &Home) {
    let (other, _) = Moto::shared().create_user_with_mfa("doctor-own-keys");
    home.sandbox.write(
        ".aws/credentials",
        &format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            other.access_key_id, other.secret_access_key
        ),
    );
}
