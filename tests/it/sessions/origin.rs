//! Which stored session is served: the one made from what the configuration says now,
//! from the place the profile's sessions live now, by every path alike (the fast `read`
//! and `credential-process`, `export`, `exec`), and for a fair share of a short
//! session's life. A stale copy the AWS tools would prefer is removed.

use std::process::Command;

use crate::support::fault::FaultServer;
use crate::support::moto::{Moto, TestUser};
use crate::support::terminal::Terminal;
use crate::support::{Run, Sandbox, python, run_with_stdin, without_terminal};
use stscreds::ini::Document;

/// A sandbox whose `base` profile holds a user's keys, behind a counting server.
struct Setup {
    sandbox: Sandbox,
    counter: FaultServer,
    _user: TestUser,
}

impl Setup {
    fn new(config: &str) -> Self {
        let moto = Moto::shared();
        let (user, _) = moto.create_user_with_mfa("origin");
        let counter = FaultServer::counting(moto.url());
        let sandbox = Sandbox::new(&counter.url());
        sandbox.init("base", &user);
        sandbox.write(".aws/config", config);
        counter.clear();
        Self {
            sandbox,
            counter,
            _user: user,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        run_with_stdin(without_terminal(self.sandbox.command(args)), "")
    }

    fn count(&self, action: &str) -> usize {
        self.counter.count(action)
    }

    fn key_in(&self, file: &str, section: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.sandbox.path(file)).ok()?;
        Document::parse(&text)
            .unwrap()
            .get(section, "aws_access_key_id")
            .map(str::to_owned)
    }

    /// What boto3 resolves for `profile` in the sandbox: (the access key it loaded,
    /// how it found it).
    fn botocore(&self, profile: &str) -> (String, String) {
        let script = "import sys, boto3\ns = boto3.Session(profile_name=sys.argv[1])\nc = s.get_credentials()\nprint(c.get_frozen_credentials().access_key, c.method)\n";
        let mut command = Command::new(python());
        command
            .args(["-c", script, profile])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", self.sandbox.home())
            .env("AWS_ENDPOINT_URL", self.counter.url())
            .env("AWS_MAX_ATTEMPTS", "1");
        let run = run_with_stdin(without_terminal(command), "").success();
        let (key, method) = run.stdout.trim().split_once(' ').unwrap();
        (key.to_owned(), method.to_owned())
    }
}

fn role_config(role_arn: &str) -> String {
    format!(
        "[profile dev]\nrole_arn = {role_arn}\nsource_profile = base\nmfa_process = echo 123456\n[profile base]\nmfa_process = echo 123456\n"
    )
}

#[test]
fn a_role_session_is_not_served_once_the_role_arn_changed() {
    let moto = Moto::shared();
    let (first, second) = (moto.create_role("First"), moto.create_role("Second"));
    let setup = Setup::new(&role_config(&first));
    setup.run(&["auth", "--profile", "dev"]).success();
    let first_key = setup.key_in(".stscreds/sessions", "dev").unwrap();
    assert_eq!(setup.count("AssumeRole"), 1);
    setup.sandbox.write(".aws/config", &role_config(&second));
    for (index, args) in [
        &["read", "aws_access_key_id", "--profile", "dev"][..],
        &["export", "--profile", "dev"],
        &["credential-process", "--profile", "dev"],
        &[
            "exec",
            "--profile",
            "dev",
            "--",
            "printenv",
            "AWS_ACCESS_KEY_ID",
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let run = setup.run(args).success();
        assert!(
            !run.stdout.contains(&first_key),
            "{args:?} handed out the session of the old role: {run:#?}"
        );
        if index == 0 {
            assert_eq!(setup.count("AssumeRole"), 2, "the new role is assumed");
        }
    }
    assert_eq!(
        setup.count("AssumeRole"),
        2,
        "the new role's session is served from then on"
    );
    assert_ne!(
        setup.key_in(".stscreds/sessions", "dev").unwrap(),
        first_key
    );
}

#[test]
fn the_fast_read_serves_what_the_full_command_serves_after_a_profile_becomes_a_role() {
    let role = Moto::shared().create_role("Became");
    let setup = Setup::new(&role_config(&role));
    // `dev` was a profile of its own once: its session is still in ~/.aws/credentials.
    let old_key = "ASIAOLDDEVSESSION001";
    setup.sandbox.write(
        ".aws/credentials",
        &format!("[dev]\naws_access_key_id = {old_key}\naws_secret_access_key = s\naws_session_token = t\nstscreds_expiration = 2099-01-01T00:00:00Z\n"),
    );
    let fast = setup
        .run(&["read", "aws_access_key_id", "--profile", "dev"])
        .success();
    let full = setup
        .run(&["-v", "read", "aws_access_key_id", "--profile", "dev"])
        .success();
    let export = setup.run(&["export", "--profile", "dev"]).success();
    assert_eq!(fast.stdout, full.stdout);
    assert!(export.stdout.contains(fast.stdout.trim()), "{export:#?}");
    assert_ne!(fast.stdout.trim(), old_key, "the old session was served");
    assert_eq!(
        setup.key_in(".aws/credentials", "dev"),
        None,
        "the old session stays where the AWS tools would take it over the role"
    );
}

fn process_config(profile: &str, extra: &str) -> String {
    format!(
        "[profile {profile}]\ncredential_process = {} credential-process --profile {profile}\nmfa_process = echo 123456\n{extra}",
        env!("CARGO_BIN_EXE_stscreds")
    )
}

#[test]
fn a_stale_copy_in_the_credentials_file_goes_when_a_credential_process_profile_is_renewed() {
    let setup = Setup::new("[profile base]\nmfa_process = echo 123456\n");
    setup.run(&["auth", "--profile", "base"]).success();
    // The session expires; then `credential_process` is added to the profile by hand.
    let credentials = setup
        .sandbox
        .read(".aws/credentials")
        .replace("stscreds_expiration = 2", "stscreds_expiration = 1");
    setup.sandbox.write(".aws/credentials", &credentials);
    setup
        .sandbox
        .write(".aws/config", &process_config("base", ""));
    setup
        .run(&["credential-process", "--profile", "base"])
        .success();
    assert_eq!(setup.count("GetSessionToken"), 2);
    assert_eq!(
        setup.key_in(".aws/credentials", "base"),
        None,
        "the expired copy would win over the process in every SDK, for ever"
    );
    assert!(setup.key_in(".stscreds/sessions", "base").is_some());
    assert_eq!(setup.botocore("base").1, "custom-process");
}

#[test]
fn a_fresh_copy_in_the_credentials_file_moves_to_where_a_credential_process_profile_keeps_it() {
    let setup = Setup::new("[profile base]\nmfa_process = echo 123456\n");
    setup.run(&["auth", "--profile", "base"]).success();
    setup
        .sandbox
        .write(".aws/config", &process_config("base", ""));
    let run = setup
        .run(&["credential-process", "--profile", "base"])
        .success();
    assert!(run.stderr.contains("Moved the session"), "{run:#?}");
    assert_eq!(setup.count("GetSessionToken"), 1, "no new code was asked");
    assert_eq!(setup.key_in(".aws/credentials", "base"), None);
    assert_eq!(setup.botocore("base").1, "custom-process");
}

#[test]
fn keys_of_someone_else_that_shadow_a_credential_process_are_named_with_the_fix() {
    let setup = Setup::new(&process_config("base", ""));
    let foreign = "[base]\naws_access_key_id = AKIAFOREIGNKEY000001\naws_secret_access_key = s\n";
    setup.sandbox.write(".aws/credentials", foreign);
    let run = setup
        .run(&["credential-process", "--profile", "base"])
        .success();
    assert!(
        run.stderr
            .contains("remove that section's aws_access_key_id"),
        "{run:#?}"
    );
    assert_eq!(setup.sandbox.read(".aws/credentials"), foreign);
}

#[test]
fn a_short_session_serves_many_processes_with_one_code() {
    let setup = Setup::new(&process_config("base", "duration_seconds = 900\n"));
    for _ in 0..3 {
        setup
            .run(&["credential-process", "--profile", "base"])
            .success();
    }
    assert_eq!(
        setup.count("GetSessionToken"),
        1,
        "a 15-minute session must serve more than one process start"
    );
}

#[test]
fn our_expired_session_with_a_blanked_token_is_renewed() {
    let setup = Setup::new("[profile base]\nmfa_process = echo 123456\n");
    setup.sandbox.write(
        ".aws/credentials",
        "[base]\naws_access_key_id = ASIAOLDSESSION000001\naws_secret_access_key = old\naws_session_token =\nstscreds_expiration = 2020-01-01T00:00:00Z\n",
    );
    let run = setup.run(&["auth", "--profile", "base"]).success();
    assert!(!run.stderr.contains("long-term"), "{run:#?}");
    assert_eq!(setup.count("GetSessionToken"), 1);
    assert!(
        !setup
            .sandbox
            .read(".aws/credentials")
            .contains("ASIAOLDSESSION000001")
    );
}

/// A device chosen among several on a terminal and saved as `mfa_serial` during the
/// renewal is part of what the new sessions were made from: the role's session and
/// the base session under it are served afterwards, with no code and no AWS call.
#[test]
fn sessions_made_while_a_chosen_device_is_saved_are_served_afterwards() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("chosen");
    let second = moto.add_mfa_device(&user, "chosen-key");
    let role = moto.create_role("Chosen");
    let counter = FaultServer::counting(moto.url());
    let sandbox = Sandbox::new(&counter.url());
    sandbox.init("base", &user);
    sandbox.write(
        ".aws/config",
        &format!("[profile dev]\nrole_arn = {role}\nsource_profile = base\n[profile base]\n"),
    );

    let mut auth = Terminal::spawn(sandbox.command(&["auth", "--profile", "dev"]));
    auth.answer("Which one should stscreds use? [1-2]: ", 1, "2");
    auth.answer("Save it as mfa_serial of profile 'base'", 1, "y");
    auth.answer("MFA", 1, "123456");
    let (ok, shown) = auth.finish();
    assert!(ok, "{shown}");
    assert!(
        sandbox
            .read(".aws/config")
            .contains(&format!("mfa_serial = {second}")),
        "{shown}"
    );

    counter.clear();
    for profile in ["dev", "base"] {
        run_with_stdin(
            without_terminal(sandbox.command(&["read", "--profile", profile, "aws_access_key_id"])),
            "",
        )
        .success();
    }
    assert_eq!(counter.actions(), Vec::<String>::new());
}
