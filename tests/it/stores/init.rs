//! `stscreds init`, driven as a user would: keys piped on stdin, checked against moto;
//! a second `init` says which stored key it replaces (the id, never the secret).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::support::fault::{FaultServer, Reply};
use crate::support::moto::Moto;
use crate::support::{Run, Sandbox, dead_endpoint, run_with_stdin, venv};

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn good_keys_are_verified_and_stored_privately() {
    let moto = Moto::shared();
    let user = moto.create_user("init-good");
    let sandbox = Sandbox::new(&moto.url());
    let input = format!("{}\n{}\n", user.access_key_id, user.secret_access_key);
    let run = sandbox.run(&["init"], &input).success();

    let path = sandbox.path(".stscreds/credentials");
    assert!(run.stderr.contains("AWS Access Key: "), "{run:?}");
    assert!(run.stderr.contains("AWS Secret Access Key: "), "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("Successfully wrote {}", path.display())),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains(&user.secret_access_key),
        "the secret must not be echoed"
    );
    assert_eq!(run.stdout, "", "init prints nothing on stdout");
    assert_eq!(
        sandbox.read(".stscreds/credentials"),
        format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            user.access_key_id, user.secret_access_key
        )
    );
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&sandbox.path(".stscreds")), 0o700);
}

#[test]
fn other_profiles_in_the_key_file_are_kept_byte_for_byte() {
    let moto = Moto::shared();
    let user = moto.create_user("init-keep");
    let sandbox = Sandbox::new(&moto.url());
    let existing = "# my keys\r\n[default]\r\naws_access_key_id = AKIAKEEPKEEPKEEPKEEP\r\naws_secret_access_key = keep\r\n";
    sandbox.write(".stscreds/credentials", existing);
    sandbox.init("work", &user);
    let written = sandbox.read(".stscreds/credentials");
    assert_eq!(
        written,
        format!(
            "{existing}\r\n[work]\r\naws_access_key_id = {}\r\naws_secret_access_key = {}\r\n",
            user.access_key_id, user.secret_access_key
        )
    );
}

#[test]
fn a_wrong_secret_is_refused_and_nothing_is_stored() {
    let moto = Moto::start();
    let user = moto.create_user("init-wrong");
    moto.allow(&user, &["iam:GetUser"]);
    moto.enable_authentication();
    let sandbox = Sandbox::new(&moto.url());
    let input = format!("{}\nnot-the-secret\n", user.access_key_id);
    sandbox
        .run(&["init"], &input)
        .failure("the secret access key is wrong");
    assert!(!sandbox.path(".stscreds/credentials").exists());

    // The right secret works against the same authenticating server.
    sandbox.init("default", &user);
}

#[test]
fn root_account_keys_are_refused_with_an_explanation() {
    let root_user = "<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetUserResult><User><UserId>123456789012</UserId><Arn>arn:aws:iam::123456789012:root</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></User></GetUserResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserResponse>";
    let server = FaultServer::start(None, move |_| Reply::Respond {
        status: 200,
        body: root_user.to_owned(),
    });
    let sandbox = Sandbox::new(&server.url());
    sandbox
        .run(&["init"], "AKIAROOTROOTROOTROOT\nrootsecret\n")
        .failure("root-account keys");
    assert!(!sandbox.path(".stscreds").join("credentials").exists());
}

#[test]
fn keys_in_the_environment_are_warned_about() {
    let moto = Moto::shared();
    let user = moto.create_user("init-env");
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox.set_env("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT");
    let input = format!("{}\n{}\n", user.access_key_id, user.secret_access_key);
    let run = sandbox.run(&["init"], &input).success();
    assert!(
        run.stderr
            .contains("warning: AWS_ACCESS_KEY_ID set in this environment"),
        "{run:?}"
    );
}

#[test]
fn malformed_and_temporary_key_ids_are_refused_before_any_call() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox
        .run(&["init"], "not a key\nsecret\n")
        .failure("not an AWS access key id");
    sandbox
        .run(&["init"], "ASIAIOSFODNN7EXAMPLE\nsecret\n")
        .failure("temporary (session) access key");
    sandbox
        .run(&["init"], "")
        .failure("standard input is closed");
}

/// The AWS CLI of the test venv, run in `sandbox`'s HOME against `endpoint`, with no
/// region in its environment.
fn aws_cli(sandbox: &Sandbox, endpoint: &str, args: &[&str]) -> Run {
    let mut aws = Command::new(venv().join("bin/aws"));
    aws.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sandbox.home())
        .env("AWS_ENDPOINT_URL", endpoint);
    run_with_stdin(aws, "")
}

#[test]
fn after_the_quick_start_the_aws_cli_works_with_no_region_in_the_environment() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("init-quick-start");
    let sandbox = Sandbox::new(&moto.url());
    let input = format!("{}\n{}\n", user.access_key_id, user.secret_access_key);
    let init = sandbox.run(&["init"], &input).success();
    assert!(
        init.stderr.contains(&format!(
            "The AWS tools need a region and profile 'default' had none: wrote region = us-east-1 in [default] of {} (`stscreds configure --region REGION` changes it).",
            sandbox.path(".aws/config").display()
        )),
        "{init:#?}"
    );
    sandbox.auth("default");
    let identity = aws_cli(&sandbox, &moto.url(), &["sts", "get-caller-identity"]);
    assert_eq!(identity.code, Some(0), "{identity:#?}");
    assert!(identity.stdout.contains("\"Arn\""), "{identity:#?}");

    // A region of the user's own stays; `--region` records the one asked for.
    sandbox.write(".aws/config", "[default]\nregion = eu-west-1\n");
    let again = sandbox.run(&["init"], &input).success();
    assert!(!again.stderr.contains("region"), "{again:#?}");
    assert_eq!(
        sandbox.read(".aws/config"),
        "[default]\nregion = eu-west-1\n"
    );
    sandbox
        .init_with("work", &user, &["--region", "eu-central-1"])
        .success();
    assert_eq!(
        sandbox.read(".aws/config"),
        "[default]\nregion = eu-west-1\n\n[profile work]\nregion = eu-central-1\n"
    );
}

#[test]
fn a_second_init_names_the_key_it_replaces() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("reinit");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("work", &user);
    let again = sandbox.init_with("work", &user, &[]).success();
    assert!(!again.stderr.contains("Replacing"), "same key: {again:#?}");

    let new_key = moto.create_access_key(&user);
    let run = sandbox.init_with("work", &new_key, &[]).success();
    let file = sandbox.path(".stscreds/credentials");
    assert!(
        run.stderr.contains(&format!(
            "Replacing the stored key {} of profile 'work' in {}.\n",
            user.access_key_id,
            file.display()
        )),
        "{run:#?}"
    );
    sandbox.assert_stored_key_is("work", &user.name);
    assert!(
        sandbox
            .read(".stscreds/credentials")
            .contains(&new_key.access_key_id)
    );

    let first = Sandbox::new(&moto.url());
    let run = first.init_with("work", &user, &[]).success();
    assert!(
        !run.stderr.contains("Replacing"),
        "nothing stored: {run:#?}"
    );
}
