//! Runs the AWS SDKs' shared profile-parser test suite (`profile-parser-tests.json`,
//! shipped in the `aws-runtime` crate of our dependency tree) through our parser and the
//! rules stscreds reads profiles by, and compares the profiles, their properties and the
//! errors. Each deliberate difference is listed below with its reason; the test fails if
//! an unlisted case differs or a listed one starts to match, so the list stays true.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use stscreds::config::{profile_section, section_profile};
use stscreds::ini::{Document, ParseErrorReason, is_valid_profile_name};

/// Cases where stscreds reads a file differently from the Rust/Java/Go SDKs, on purpose.
const DELIBERATE_DIFFERENCES: &[(&str, &str)] = &[
    (
        "Property definitions must contain an equals sign.",
        "botocore (the AWS CLI) accepts `key : value`, so stscreds does too rather than refuse a file the CLI reads",
    ),
    (
        "profile name with extra whitespace",
        "botocore and the JavaScript SDK do not trim `[   profile foo    ]`: no profile `foo` to them, so none to stscreds",
    ),
    (
        "profile name with extra whitespace in credentials",
        "botocore and the JavaScript SDK read `[   foo    ]` as the profile `   foo    `, not `foo`: stscreds writing `foo`'s session there would reach no client",
    ),
];

type Profiles = BTreeMap<String, BTreeMap<String, String>>;

/// What a case's files mean: its profiles, or the reasons our parser may give instead.
#[derive(Debug, PartialEq)]
enum Outcome {
    Profiles(Profiles),
    Error(Vec<ParseErrorReason>),
}

fn suite_path() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata failed: {output:?}");
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let manifest = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|package| package["name"] == "aws-runtime")
        .and_then(|package| package["manifest_path"].as_str())
        .expect("aws-runtime is in the dependency tree");
    PathBuf::from(manifest)
        .parent()
        .expect("a manifest has a directory")
        .join("test-data/profile-parser-tests.json")
}

/// The SDK's error message as the reasons our parser gives for the same line.
fn reasons_for(message: &str) -> Vec<ParseErrorReason> {
    use ParseErrorReason::*;
    let table: &[(&str, &[ParseErrorReason])] = &[
        (
            "Profile definition must end with ']'",
            &[UnterminatedSection],
        ),
        (
            "Expected a profile definition",
            &[PropertyOutsideSection, OrphanContinuation],
        ),
        ("Expected a property definition", &[OrphanContinuation]),
        ("Property did not have a name", &[EmptyKey]),
        ("Expected an '=' sign defining a property", &[NotAProperty]),
        (
            "Expected an '=' sign defining a sub-property",
            &[SubPropertyNotAProperty],
        ),
        ("Sub-property did not have a name", &[EmptySubPropertyKey]),
    ];
    table
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map(|(_, reasons)| reasons.to_vec())
        .unwrap_or_else(|| panic!("no reason of ours for {message:?}"))
}

fn expected(case: &Value) -> Outcome {
    let output = &case["output"];
    if let Some(message) = output["errorContaining"].as_str() {
        return Outcome::Error(reasons_for(message));
    }
    let profiles = output["config"]["profiles"].as_object().expect("profiles");
    Outcome::Profiles(
        profiles
            .iter()
            .map(|(name, properties)| {
                let properties = properties.as_object().expect("properties");
                let properties = properties
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_owned()))
                    .collect();
                (name.clone(), properties)
            })
            .collect(),
    )
}

/// The profile a config-file section holds, by the rules `config` reads with (botocore's:
/// `[profile NAME]` split by shell rules), the section `config` reads that profile from,
/// valid names only.
fn config_profile(config: &Document, section: &str) -> Option<String> {
    let name = section_profile(section)?;
    (is_valid_profile_name(&name) && profile_section(config, &name) == section).then_some(name)
}

/// Adds the valid settings of `section` to `profile` (later files win).
fn merge(profiles: &mut Profiles, document: &Document, section: &str, profile: &str) {
    let properties = profiles.entry(profile.to_owned()).or_default();
    for (key, value) in document.sdk_settings(section) {
        if is_valid_profile_name(&key) {
            properties.insert(key, value);
        }
    }
}

fn actual(case: &Value) -> Outcome {
    let parse = |name: &str| Document::parse(case["input"][name].as_str().unwrap_or(""));
    let (config, credentials) = match (parse("configFile"), parse("credentialsFile")) {
        (Ok(config), Ok(credentials)) => (config, credentials),
        (Err(error), _) | (_, Err(error)) => return Outcome::Error(vec![error.reason]),
    };
    let mut profiles = Profiles::new();
    for section in config.sections() {
        if let Some(profile) = config_profile(&config, section) {
            merge(&mut profiles, &config, section, &profile);
        }
    }
    for section in credentials.sections() {
        if is_valid_profile_name(section) {
            merge(&mut profiles, &credentials, section, section);
        }
    }
    Outcome::Profiles(profiles)
}

fn matches(expected: &Outcome, actual: &Outcome) -> bool {
    match (expected, actual) {
        (Outcome::Error(allowed), Outcome::Error(ours)) => allowed.contains(&ours[0]),
        _ => expected == actual,
    }
}

#[test]
fn the_sdk_profile_parser_suite_reads_as_the_sdks_read_it() {
    let path = suite_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let suite: Value = serde_json::from_str(&text).expect("the suite is JSON");
    let cases = suite["tests"].as_array().expect("tests");
    let mut matched = 0;
    let mut problems = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let (expected, actual) = (expected(case), actual(case));
        let listed = DELIBERATE_DIFFERENCES
            .iter()
            .any(|(listed, _)| *listed == name);
        match (matches(&expected, &actual), listed) {
            (true, false) => matched += 1,
            (false, true) => {}
            (true, true) => {
                problems.push(format!("{name:?} is listed as a difference but matches"))
            }
            (false, false) => problems.push(format!(
                "{name:?}: the SDKs read {expected:?}, we read {actual:?}"
            )),
        }
    }
    println!(
        "{matched} of {} SDK profile-parser cases match; {} differ on purpose",
        cases.len(),
        DELIBERATE_DIFFERENCES.len()
    );
    assert!(
        cases.len() >= 65,
        "the suite shrank to {} cases",
        cases.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
