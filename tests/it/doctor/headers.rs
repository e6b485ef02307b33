//! Profile headers in `~/.aws/config` that botocore reads and an SDK misses: the
//! clients really read them differently, and doctor names each with its line and the
//! form every client reads.

use super::{Home, REGION, finding, work_config};
use crate::support::clients::{Client, run_each};

#[test]
fn profile_headers_one_sdk_misses_are_found_with_their_line() {
    let home = Home::new(&format!(
        "{}[profile  spaced]\nregion = {REGION}\n[profile \"quoted\"]\nregion = {REGION}\n",
        work_config("")
    ));
    home.auth("work");
    let session = home.sandbox.read(".aws/credentials");
    let copies: String = ["spaced", "quoted"]
        .iter()
        .map(|name| session.replace("[work]", &format!("[{name}]")))
        .collect();
    home.sandbox
        .write(".aws/credentials", &format!("{session}{copies}"));

    for (profile, misses) in [("spaced", Client::JsSdk), ("quoted", Client::RustSdk)] {
        let env = home.env(&[("AWS_PROFILE", profile)]);
        for resolved in run_each(&home.proxy, &env) {
            let reads_it = resolved.code == Some(0) && resolved.region == REGION;
            assert_eq!(
                reads_it,
                resolved.client != misses,
                "{profile}: {resolved:?}"
            );
        }
    }

    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (_, json) = home.doctor(&env, &["--profile", "work"]);
    let lines: Vec<(u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|found| found["code"] == "header-read-differently")
        .map(|found| {
            let message = found["message"].as_str().unwrap();
            (found["line"].as_u64().unwrap(), message.to_owned())
        })
        .collect();
    assert_eq!(lines.len(), 2, "{json:#}");
    assert_eq!(lines[0].0, 4, "{json:#}");
    assert!(
        lines[0].1.ends_with("write it as [profile spaced]"),
        "{json:#}"
    );
    assert_eq!(lines[1].0, 6, "{json:#}");
    assert!(
        lines[1].1.ends_with("write it as [profile quoted]"),
        "{json:#}"
    );
    assert_eq!(
        finding(&json, "header-read-differently")["fix"],
        serde_json::Value::Null
    );
}
