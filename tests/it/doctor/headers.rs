//! Profile headers in `~/.aws/config` that botocore reads and an SDK misses: the
//! clients really read them differently, doctor's verdicts say so, and doctor names
//! each header with its line and the form every client reads.

use super::{Home, REGION, assert_doctor_agrees_with_the_clients, finding, work_config};
use crate::support::clients::{Client, run_each};

#[test]
fn profile_headers_one_sdk_misses_are_found_with_their_line() {
    let home = Home::new(&format!(
        "{}[profile  spaced]\nregion = {REGION}\n[profile \"quoted\"]\nregion = {REGION}\n[profile glued]#note\nregion = {REGION}\n",
        work_config("")
    ));
    home.auth("work");
    let session = home.sandbox.read(".aws/credentials");
    let misread = [
        ("spaced", Client::JsSdk, "js-sdk-v3"),
        ("quoted", Client::RustSdk, "rust-sdk"),
        ("glued", Client::JsSdk, "js-sdk-v3"),
    ];
    let copies: String = misread
        .iter()
        .map(|(name, ..)| session.replace("[work]", &format!("[{name}]")))
        .collect();
    home.sandbox
        .write(".aws/credentials", &format!("{session}{copies}"));

    for (profile, misses, family) in misread {
        let env = home.env(&[("AWS_PROFILE", profile)]);
        for resolved in run_each(&home.proxy, &env) {
            let reads_it = resolved.code == Some(0) && resolved.region == REGION;
            assert_eq!(
                reads_it,
                resolved.client != misses,
                "{profile}: {resolved:?}"
            );
        }
        // Doctor's verdicts agree: the family that misses the header finds no region.
        let json = assert_doctor_agrees_with_the_clients(&home, &env, &["--profile", profile]);
        let message = finding(&json, "no-region")["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{family} find")), "{json:#}");
    }

    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (_, json) = home.doctor(&env, &["--profile", "work"]);
    let found: Vec<(u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|found| found["code"] == "header-read-differently")
        .map(|found| {
            let message = found["message"].as_str().unwrap();
            (found["line"].as_u64().unwrap(), message.to_owned())
        })
        .collect();
    let expected = [
        (4, "[profile spaced]"),
        (6, "[profile quoted]"),
        (8, "[profile glued]"),
    ];
    assert_eq!(found.len(), expected.len(), "{json:#}");
    for ((line, message), (expected_line, written)) in found.iter().zip(expected) {
        assert_eq!(*line, expected_line, "{json:#}");
        assert!(
            message.ends_with(&format!("write it as {written}")),
            "{json:#}"
        );
    }
    assert_eq!(
        finding(&json, "header-read-differently")["fix"],
        serde_json::Value::Null
    );
}

/// A config no client can parse (a header without its `]`): a finding with its file,
/// and no fix but a hand's; mended, it is gone.
#[test]
fn a_file_that_cannot_be_parsed_is_found() {
    let home = Home::usual();
    let good = home.sandbox.read(".aws/config");
    home.sandbox.write(
        ".aws/config",
        &format!("{good}[profile broken\nregion = {REGION}\n"),
    );
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (run, json) = home.doctor(&env, &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let found = finding(&json, "unreadable-file");
    let file = home.sandbox.path(".aws/config");
    assert_eq!(found["file"], file.display().to_string(), "{json:#}");
    assert_eq!(found["fix"], serde_json::Value::Null);
    home.sandbox.write(".aws/config", &good);
    let (_, json) = home.doctor(&env, &[]);
    assert!(
        !json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|found| found["code"] == "unreadable-file"),
        "{json:#}"
    );
}
