//! `credential_process`, as real clients run it: botocore and the AWS SDK for Rust get
//! a session through it, cached and renewed with 15 minutes left; without a terminal it
//! says what to do.

use std::process::Command;
use std::time::Duration;

use crate::support::fault::FaultServer;
use crate::support::moto::Moto;
use crate::support::new_user::initialised;
use crate::support::{
    MOTO_SESSION_KEY, binary, dead_endpoint, python, run_with_stdin, support_file, without_terminal,
};
use aws_config::credential_process::CredentialProcessProvider;
use aws_sdk_sts::config::ProvideCredentials;
use stscreds::ini::Document;

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
