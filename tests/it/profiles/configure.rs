//! `configure`: settings written and removed where the AWS tools read them (`[default]`
//! as `aws configure` writes it), every other byte kept, and a session moved to the
//! credential process without leaving an empty section behind.

use std::process::Command;

use crate::support::moto::{Moto, TestUser};
use crate::support::{Sandbox, new_user};

/// A sandbox with keys stored for `profile` (no session yet).
fn initialised(profile: &str) -> (Sandbox, TestUser) {
    let moto = Moto::shared();
    let (sandbox, user, _) = new_user::initialised(moto, &moto.url(), profile);
    (sandbox, user)
}

#[test]
fn moving_a_session_to_the_credential_process_leaves_no_empty_section_behind() {
    let (sandbox, _) = initialised("bob");
    sandbox.write(".aws/credentials", "[alice]\nregion = eu-west-1\n");
    sandbox.auth("bob");
    assert!(sandbox.read(".aws/credentials").contains("[bob]"));
    let run = sandbox
        .run(
            &["configure", "--profile", "bob", "--credential-process"],
            "",
        )
        .success();
    assert!(
        run.stderr.contains("Moved the session of profile 'bob'"),
        "{run:#?}"
    );
    let left = sandbox.read(".aws/credentials");
    assert!(
        !left.contains("[bob]"),
        "an empty section is left: {left:?}"
    );
    assert_eq!(
        left.trim_end(),
        "[alice]\nregion = eu-west-1",
        "the rest is kept"
    );
    let served = sandbox
        .run(&["read", "--profile", "bob", "aws_session_token"], "")
        .success();
    assert!(
        !served.stdout.trim().is_empty(),
        "the session moved: {served:#?}"
    );
}

/// What `aws configure get KEY --profile PROFILE` prints in the sandbox: the value the
/// AWS CLI (botocore) resolves from the files, or `None` when it finds none.
fn aws_cli_setting(sandbox: &Sandbox, profile: &str, key: &str) -> Option<String> {
    let output = Command::new(crate::support::venv().join("bin/aws"))
        .args(["configure", "get", key, "--profile", profile])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sandbox.home())
        .output()
        .unwrap();
    let value = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    output.status.success().then_some(value)
}

#[test]
fn configure_writes_default_where_the_aws_cli_does_and_keeps_a_profile_default() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    sandbox
        .run(
            &["configure", "--profile", "default", "--region", "eu-west-1"],
            "",
        )
        .success();
    assert_eq!(
        sandbox.read(".aws/config"),
        "[default]\nregion = eu-west-1\n"
    );
    assert_eq!(
        aws_cli_setting(&sandbox, "default", "region").as_deref(),
        Some("eu-west-1")
    );

    let before =
        "[profile work]\nregion = us-west-2\n\n[profile default] # mine\nregion = ca-central-1\n";
    sandbox.write(".aws/config", before);
    sandbox
        .run(&["configure", "--region", "eu-north-1"], "")
        .success();
    assert_eq!(
        sandbox.read(".aws/config"),
        before.replace("ca-central-1", "eu-north-1"),
        "edited where it is"
    );
    assert_eq!(
        aws_cli_setting(&sandbox, "default", "region").as_deref(),
        Some("eu-north-1")
    );
}

#[test]
fn configure_unset_removes_a_setting_and_keeps_every_other_byte() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    let before = "# my profiles\n[profile bob]\nregion = eu-west-1 ; Dublin\nmfa_process = ykman oath accounts code --single\n\n[default]\noutput = json\n";
    sandbox.write(".aws/config", before);
    assert!(aws_cli_setting(&sandbox, "bob", "mfa_process").is_some());
    let run = sandbox
        .run(
            &[
                "configure",
                "--profile",
                "bob",
                "--unset",
                "mfa_process",
                "--unset",
                "output",
            ],
            "",
        )
        .success();
    let config = sandbox.path(".aws/config");
    assert!(
        run.stderr.contains(&format!(
            "Removed mfa_process from [profile bob] in {}",
            config.display()
        )),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("Profile 'bob' has no output in"),
        "{run:#?}"
    );
    assert_eq!(
        sandbox.read(".aws/config"),
        before.replace("mfa_process = ykman oath accounts code --single\n", "")
    );
    assert_eq!(aws_cli_setting(&sandbox, "bob", "mfa_process"), None);
    assert_eq!(
        aws_cli_setting(&sandbox, "default", "output").as_deref(),
        Some("json")
    );
    sandbox
        .run(
            &[
                "configure",
                "--profile",
                "bob",
                "--region",
                "x",
                "--unset",
                "region",
            ],
            "",
        )
        .failure("both set and remove region");
    assert!(
        sandbox.read(".aws/config").contains("Dublin"),
        "nothing changed"
    );
}
