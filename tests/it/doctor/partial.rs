//! Half a setting that some clients fail on and others pass over: a key pair in a
//! profile's section of `~/.aws/credentials`, a web identity token without its role.

use super::{
    Home, REGION, assert_doctor_agrees_with_the_clients, assert_fix_clears, finding, work_config,
};
use crate::support::clients::{Client, run_each};
use stscreds::ini::Document;

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

/// A web identity token in the environment beside a profile whose `credential_process`
/// runs stscreds: which one each client takes is told by the key it signs with (the
/// process hands out the `work` session; the token, a role's).
#[test]
fn a_web_identity_in_the_environment_beside_a_credential_process() {
    let home = Home::new(&format!(
        "{}\n[profile work-cli]\nregion = {REGION}\ncredential_process = {} credential-process --profile work\n",
        work_config(""),
        crate::support::binary()
    ));
    home.auth("work");
    let session_key = Document::parse(&home.sandbox.read(".aws/credentials"))
        .unwrap()
        .get("work", "aws_access_key_id")
        .unwrap()
        .to_owned();
    home.sandbox.write("token", "a-web-identity-token");
    let token = home.sandbox.path("token");
    let env = home.env(&[
        ("AWS_PROFILE", "work-cli"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/doctor-web"),
        ("AWS_ROLE_SESSION_NAME", "doctor"),
    ]);
    let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
    for resolved in run_each(&home.proxy, &env) {
        let family = match resolved.client {
            Client::Botocore | Client::AwsCli => "botocore",
            Client::JsSdk => "js-sdk-v3",
            Client::RustSdk => "rust-sdk",
            Client::GoSdk => "go-sdk",
        };
        let verdict = json["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|verdict| verdict["family"] == family)
            .unwrap();
        let took_the_process = resolved.key == session_key;
        assert_eq!(
            verdict["source"] == "credential-process",
            took_the_process,
            "{resolved:?}\n{json:#}"
        );
    }
}
