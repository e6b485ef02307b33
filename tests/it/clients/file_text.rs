//! File text the SDKs read differently (issue 22, items 9-12): stscreds reads
//! `~/.aws/credentials` and `~/.aws/config` as botocore (the AWS CLI, boto3) reads them,
//! writes headers every client reads, and leaves the rest of the text alone. Each test
//! runs the binary against a temporary HOME and then asks botocore (and, for headers,
//! the JavaScript SDK's own loader) what a client resolves.

use std::process::Command;

use serde_json::Value;

use crate::support::clients::js_modules;
use crate::support::moto::Moto;
use crate::support::{Run, Sandbox, dead_endpoint, python, run_with_stdin, support_file};

/// What botocore resolves for `profile` from the sandbox's files: the access key, whether
/// there is a session token, the region and `output`, or the error it raises.
fn botocore_view(sandbox: &Sandbox, profile: &str) -> Value {
    const SCRIPT: &str = r#"
import json, sys
import botocore.session
try:
    session = botocore.session.Session(profile=sys.argv[1])
    config = session.get_scoped_config()
    credentials = session.get_credentials()
    print(json.dumps({
        "key": credentials.access_key if credentials else None,
        "token": bool(credentials and credentials.token),
        "region": config.get("region"),
        "output": config.get("output"),
    }))
except Exception as error:
    print(json.dumps({"error": type(error).__name__}))
"#;
    let mut command = Command::new(python());
    command
        .args(["-c", SCRIPT, profile])
        .env_clear()
        .env("HOME", sandbox.home());
    let run = run_with_stdin(command, "");
    serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

/// The profiles of the sandbox's `~/.aws/config` as the AWS SDK for JavaScript v3
/// loads them: `{PROFILE: {KEY: VALUE}}`.
fn js_config_view(sandbox: &Sandbox) -> Value {
    let mut command = Command::new("node");
    command
        .arg(support_file("js_config_view.cjs"))
        .arg(js_modules())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", sandbox.home());
    let run = run_with_stdin(command, "");
    serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

/// A sandbox with `profile` initialised for a new user with one MFA device.
fn initialised(profile: &str) -> Sandbox {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("filetext");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init(profile, &user);
    sandbox
}

fn configure_region(sandbox: &Sandbox, profile: &str, region: &str) -> Run {
    sandbox
        .run(&["configure", "--profile", profile, "--region", region], "")
        .success()
}

/// Item 9: `[ work ]` is the profile `" work "` to botocore and the JavaScript SDK, so
/// `work`'s session goes into a `[work]` of its own, where clients look for it.
#[test]
fn a_padded_credentials_header_is_another_profile_and_keeps_its_bytes() {
    let sandbox = initialised("work");
    let padded = "[ work ]\n# kept by hand\noutput = text\n";
    sandbox.write(".aws/credentials", padded);
    sandbox.auth("work");
    let text = sandbox.read(".aws/credentials");
    assert!(text.starts_with(padded), "{text}");
    assert!(text.contains("\n[work]\n"), "{text}");
    let work = botocore_view(&sandbox, "work");
    assert_eq!(work["token"], true, "{work} in {text}");
}

/// Item 9, in `~/.aws/config`: `[ profile work ]` is no profile to botocore.
#[test]
fn a_padded_config_header_is_no_profile_and_keeps_its_bytes() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let padded = "[ profile work ]\nregion = ap-south-1\n";
    sandbox.write(".aws/config", padded);
    configure_region(&sandbox, "work", "eu-west-3");
    let text = sandbox.read(".aws/config");
    assert!(text.starts_with(padded), "{text}");
    assert_eq!(
        botocore_view(&sandbox, "work")["region"],
        "eu-west-3",
        "{text}"
    );
}

/// Item 10: `[profile "work"]` is `work` to botocore (and to the JavaScript SDK); a
/// second `[profile work]` would hide its other settings from botocore, so the header
/// is rewritten in place, keeping its comment, and everything else stays.
#[test]
fn a_quoted_profile_header_is_edited_in_place_and_normalised() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(
        ".aws/config",
        "[default]\nregion = us-east-1\n\n[profile \"work\"] # team\nregion = eu-west-1\noutput = json\n",
    );
    let run = configure_region(&sandbox, "work", "eu-west-3");
    assert_eq!(
        sandbox.read(".aws/config"),
        "[default]\nregion = us-east-1\n\n[profile work] # team\nregion = eu-west-3\noutput = json\n"
    );
    assert!(!run.stderr.contains("warning"), "{run:#?}");
    let work = botocore_view(&sandbox, "work");
    assert_eq!(
        (&work["region"], &work["output"]),
        (&"eu-west-3".into(), &"json".into())
    );
    let js = js_config_view(&sandbox);
    assert_eq!(
        (&js["work"]["region"], &js["work"]["output"]),
        (&"eu-west-3".into(), &"json".into()),
        "{js}"
    );
}

/// Item 10: the JavaScript SDK misses `[profile  work]` (two blanks) and `[profile
/// dev]#note`: the one stscreds writes into is normalised, the other named in one
/// warning line.
#[test]
fn a_double_spaced_header_is_normalised_and_another_warned_about() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(
        ".aws/config",
        "[profile  work]\noutput = json\n[profile dev]#note\nregion = x\n",
    );
    let run = configure_region(&sandbox, "work", "eu-west-3");
    assert_eq!(
        sandbox.read(".aws/config"),
        "[profile work]\noutput = json\nregion = eu-west-3\n[profile dev]#note\nregion = x\n"
    );
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{run:#?}");
    assert!(
        warnings[0].ends_with(
            "config: line 4, [profile dev]#note, is not read by the AWS SDK for JavaScript (it drops that section, or reads its settings as the section above's); write it as [profile dev]"
        ),
        "{run:#?}"
    );
    let work = botocore_view(&sandbox, "work");
    assert_eq!(
        (&work["region"], &work["output"]),
        (&"eu-west-3".into(), &"json".into())
    );
    // The header stscreds wrote the JavaScript SDK reads; the one it warned about it
    // does not, and reads `dev`'s settings as `work`'s, as the warning says.
    let js = js_config_view(&sandbox);
    assert_eq!(js["work"]["output"], "json", "{js}");
    assert_eq!(js["work"]["region"], "x", "{js}");
    assert!(js.get("dev").is_none(), "{js}");
}

/// Item 11: indented settings under a header are settings to botocore and the
/// JavaScript SDK; stscreds edits the file around them and keeps their bytes.
#[test]
fn indented_settings_of_another_profile_are_accepted_and_kept() {
    let sandbox = initialised("work");
    let other = "[other]\n    aws_access_key_id = AKIAOTHERINDENTED01\n    aws_secret_access_key = othersecret\n";
    sandbox.write(".aws/credentials", other);
    sandbox.auth("work");
    let text = sandbox.read(".aws/credentials");
    assert!(text.starts_with(other), "{text}");
    assert_eq!(
        botocore_view(&sandbox, "other")["key"],
        "AKIAOTHERINDENTED01",
        "{text}"
    );
    assert_eq!(botocore_view(&sandbox, "work")["token"], true, "{text}");
}

/// Item 12: a section named `__proto__` makes the JavaScript SDK throw away the whole
/// file, so no command creates one.
#[test]
fn proto_is_refused_as_a_profile_name() {
    let sandbox = Sandbox::new(&dead_endpoint());
    for args in [
        &["init", "--profile", "__proto__"][..],
        &["auth", "--profile", "__proto__", "--token-code", "123456"],
        &[
            "configure",
            "--profile",
            "__proto__",
            "--region",
            "eu-west-1",
        ],
    ] {
        let run = sandbox
            .run(args, "AKIAEXAMPLE\nsecret\n")
            .failure("'__proto__' is not a profile name AWS tools accept");
        assert_eq!(run.error_lines().len(), 1, "{run:#?}");
    }
    assert!(!sandbox.path(".aws").exists());
    assert!(!sandbox.path(".stscreds").exists());
}
