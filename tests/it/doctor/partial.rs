//! Half a setting that some clients fail on and others pass over: a key pair in a
//! profile's section of `~/.aws/credentials`, a web identity token without its role.

use super::{Home, assert_doctor_agrees_with_the_clients, assert_fix_clears, finding};

#[test]
fn half_a_key_pair_in_the_credentials_file() {
    let home = Home::usual();
    for half in [
        "[work]\naws_access_key_id = AKIAHALF00000001\n",
        "[work]\naws_secret_access_key = alone\n",
    ] {
        home.sandbox.write(".aws/credentials", half);
        let env = home.env(&[("AWS_PROFILE", "work")]);
        let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
        assert_eq!(finding(&json, "partial-file-keys")["line"], 2, "{json:#}");
        assert_fix_clears(&home, &json, "partial-file-keys", &env, "", &[]);
        assert!(!home.sandbox.read(".aws/credentials").contains("aws_"));
    }
}

/// A web identity token file in the environment without `AWS_ROLE_ARN`.
#[test]
fn a_web_identity_token_without_its_role() {
    let home = Home::usual();
    home.auth("work");
    home.sandbox.write("token", "eyJ.not.a.token");
    let token = home.sandbox.path("token");
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
    ]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    let after = assert_fix_clears(&home, &json, "web-identity-without-role", &env, "", &[]);
    assert_eq!(after["findings"], serde_json::json!([]), "{after:#}");
}
