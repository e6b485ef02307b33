//! Roles: profiles with role_arn and source_profile, chains, cycles, external ids,
//! durations, one MFA code for many roles, and a real client using a role through
//! credential_process. AssumeRole runs on moto; denials come from the fault server.

use std::process::Command;

use crate::support::fault::{FaultServer, Reply};
use crate::support::moto::{Moto, TestUser};
use crate::support::{
    Run, Sandbox, dead_endpoint, python, run_with_stdin, support_file, without_terminal,
};
use stscreds::ini::Document;

/// A sandbox whose `base` profile holds a user's keys, behind a counting server.
struct Roles {
    sandbox: Sandbox,
    counter: FaultServer,
    user: TestUser,
}

impl Roles {
    /// `config` is written as ~/.aws/config, with `BIN` replaced by the binary's path.
    fn new(config: &str) -> Self {
        let moto = Moto::shared();
        let (user, _) = moto.create_user_with_mfa("roles");
        let counter = FaultServer::counting(moto.url());
        let sandbox = Sandbox::new(&counter.url());
        sandbox.init("base", &user);
        sandbox.write(
            ".aws/config",
            &config.replace("BIN", env!("CARGO_BIN_EXE_stscreds")),
        );
        counter.clear();
        Self {
            sandbox,
            counter,
            user,
        }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Run {
        self.sandbox.run(args, stdin)
    }

    fn count(&self, action: &str) -> usize {
        self.counter.count(action)
    }

    /// The form body of the `n`th AssumeRole request.
    fn assume_role_body(&self, n: usize) -> String {
        self.counter
            .requests()
            .into_iter()
            .filter(|r| r.action == "AssumeRole")
            .nth(n)
            .unwrap()
            .body
    }

    fn role_session(&self, name: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.sandbox.path(".stscreds/sessions")).ok()?;
        Document::parse(&text)
            .unwrap()
            .get(name, "aws_access_key_id")
            .map(str::to_owned)
    }
}

fn role_profile(name: &str, role_arn: &str, source: &str, extra: &str) -> String {
    format!("[profile {name}]\nrole_arn = {role_arn}\nsource_profile = {source}\n{extra}")
}

#[test]
fn a_role_profile_is_assumed_through_the_base_session_and_cached() {
    let role = Moto::shared().create_role("Admin");
    let roles = Roles::new(&role_profile("admin", &role, "base", ""));
    let run = roles
        .run(&["auth", "--profile", "admin"], "123456\n")
        .success();
    assert!(
        run.stderr
            .contains(&format!("Assumed role {role} for profile 'admin'")),
        "{run:#?}"
    );
    assert_eq!(
        (roles.count("GetSessionToken"), roles.count("AssumeRole")),
        (1, 1)
    );
    let body = roles.assume_role_body(0);
    assert!(
        body.contains(&format!("RoleSessionName={}", roles.user.name)),
        "named after the user: {body}"
    );
    assert!(
        body.contains("DurationSeconds=3600") && !body.contains("TokenCode"),
        "{body}"
    );
    let cached = roles
        .role_session("admin")
        .expect("cached in ~/.stscreds/sessions");
    let in_shared_file = Document::parse(&roles.sandbox.read(".aws/credentials")).unwrap();
    assert_eq!(
        in_shared_file.get("admin", "aws_access_key_id"),
        None,
        "AWS tools assume role profiles themselves"
    );

    let mut offline = Sandbox::new(&dead_endpoint());
    offline.set_env("HOME", &roles.sandbox.home().display().to_string());
    let read = offline
        .run(&["read", "--profile", "admin", "aws_access_key_id"], "")
        .success();
    assert_eq!(
        read.stdout,
        format!("{cached}\n"),
        "served from the cache, no network"
    );

    let whoami = roles.run(&["whoami", "--profile", "admin"], "").success();
    let role_name = role.rsplit('/').next().unwrap();
    assert!(
        whoami
            .stdout
            .contains(&format!(":assumed-role/{role_name}/{}", roles.user.name)),
        "{whoami:#?}"
    );
}

#[test]
fn a_chain_of_two_roles_is_followed_in_order() {
    let moto = Moto::shared();
    let (jump, admin) = (moto.create_role("Jump"), moto.create_role("Deep"));
    let config = role_profile("jump", &jump, "base", "")
        + &role_profile("admin", &admin, "jump", "external_id = ext-42\n");
    let roles = Roles::new(&config);
    roles.sandbox.auth("admin");
    assert_eq!(roles.count("AssumeRole"), 2);
    assert!(
        roles
            .assume_role_body(0)
            .contains(&format!("RoleArn={}", form(&jump)))
    );
    let second = roles.assume_role_body(1);
    assert!(
        second.contains(&format!("RoleArn={}", form(&admin)))
            && second.contains("ExternalId=ext-42"),
        "{second}"
    );
    let whoami = roles.run(&["whoami", "--profile", "admin"], "").success();
    assert!(
        whoami.stdout.contains(&format!(
            ":assumed-role/{}/",
            admin.rsplit('/').next().unwrap()
        )),
        "{whoami:#?}"
    );
}

fn form(value: &str) -> String {
    value.replace(':', "%3A").replace('/', "%2F")
}

#[test]
fn a_cycle_of_source_profiles_is_named() {
    let config = role_profile("a", "arn:aws:iam::123456789012:role/A", "b", "")
        + &role_profile("b", "arn:aws:iam::123456789012:role/B", "a", "");
    let roles = Roles::new(&config);
    roles
        .run(&["auth", "--profile", "a", "--token-code", "123456"], "")
        .failure("a -> b -> a");
    assert_eq!(
        roles.count("AssumeRole") + roles.count("GetSessionToken"),
        0
    );
}

#[test]
fn a_long_first_role_is_assumed_with_the_mfa_code_and_deeper_ones_are_capped() {
    let moto = Moto::shared();
    let (long, deep) = (moto.create_role("Long"), moto.create_role("Capped"));
    let config = role_profile("long", &long, "base", "duration_seconds = 7200\n")
        + &role_profile("deep", &deep, "long", "duration_seconds = 7200\n");
    let roles = Roles::new(&config);
    roles.sandbox.auth("long");
    assert_eq!(
        roles.count("GetSessionToken"),
        0,
        "no 1-hour session in between"
    );
    let body = roles.assume_role_body(0);
    assert!(
        body.contains("DurationSeconds=7200")
            && body.contains("TokenCode=123456")
            && body.contains("SerialNumber="),
        "{body}"
    );

    roles.counter.clear();
    let run = roles.sandbox.auth("deep");
    assert!(
        roles.assume_role_body(1).contains("DurationSeconds=3600"),
        "{}",
        roles.assume_role_body(1)
    );
    assert_eq!(
        run.stderr.matches("at most 1 hour").count(),
        1,
        "said once: {run:#?}"
    );
}

#[test]
fn five_roles_share_one_prompt_and_a_new_one_only_when_the_source_session_expires() {
    let moto = Moto::shared();
    let config: String = (1..=5)
        .map(|i| role_profile(&format!("r{i}"), &moto.create_role("Five"), "base", ""))
        .collect();
    let roles = Roles::new(&config);
    let prompts = |runs: &[Run]| {
        runs.iter()
            .filter(|r| r.stderr.contains("Please enter MFA token"))
            .count()
    };

    let runs: Vec<Run> = (1..=5)
        .map(|i| {
            roles
                .run(&["auth", "--profile", &format!("r{i}")], "123456\n")
                .success()
        })
        .collect();
    assert_eq!(prompts(&runs), 1, "one code for five roles");
    assert_eq!(
        (roles.count("GetSessionToken"), roles.count("AssumeRole")),
        (1, 5)
    );

    // Everything expires: the base session and the cached roles.
    for file in [".aws/credentials", ".stscreds/sessions"] {
        let mut doc = Document::parse(&roles.sandbox.read(file)).unwrap();
        for section in doc
            .sections()
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
        {
            doc.set(&section, "stscreds_expiration", "2020-01-01T00:00:00Z")
                .unwrap();
        }
        roles.sandbox.write(file, &doc.render());
    }
    roles.counter.clear();
    let runs: Vec<Run> = ["r1", "r4"]
        .iter()
        .map(|p| {
            roles
                .run(&["read", "--profile", p, "aws_access_key_id"], "123456\n")
                .success()
        })
        .collect();
    assert_eq!(prompts(&runs), 1, "exactly one new prompt");
    assert_eq!(
        (roles.count("GetSessionToken"), roles.count("AssumeRole")),
        (1, 2)
    );
}

#[test]
fn an_ad_hoc_role_arn_works_on_any_command_and_is_cached_separately() {
    let role = Moto::shared().create_role("AdHoc");
    let roles = Roles::new("");
    let args = ["--profile", "base", "--role-arn", &role];
    let run = roles
        .run(
            &[&["export"][..], &args, &["--token-code", "123456"]].concat(),
            "",
        )
        .success();
    assert!(run.stdout.contains("export AWS_SESSION_TOKEN="), "{run:#?}");
    let cached = roles
        .role_session(&format!("base+{role}"))
        .expect("cached under PROFILE+ROLE_ARN");
    assert!(
        roles.role_session("base").is_none(),
        "the base profile's own session is not replaced"
    );
    let run = roles
        .run(&[&["read"][..], &args, &["aws_access_key_id"]].concat(), "")
        .success();
    assert_eq!(run.stdout, format!("{cached}\n"), "served from the cache");
    assert_eq!(roles.count("AssumeRole"), 1);
}

#[test]
fn a_denied_role_names_the_role_and_the_trust_policy() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("denied-role");
    let server = FaultServer::start(Some(moto.url()), |request| match request.action.as_str() {
        "AssumeRole" => Reply::aws_error(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole",
        ),
        _ => Reply::Forward,
    });
    let sandbox = Sandbox::new(&server.url());
    sandbox.init("base", &user);
    let role = "arn:aws:iam::123456789012:role/Forbidden";
    sandbox.write(".aws/config", &role_profile("admin", role, "base", ""));
    let run = sandbox
        .run(
            &["auth", "--profile", "admin", "--token-code", "123456"],
            "",
        )
        .failure(&format!("AWS denied assuming role {role}"));
    assert!(
        run.stderr.contains("trust policy") && run.stderr.contains("external_id"),
        "{run:#?}"
    );
    assert!(
        !sandbox.path(".stscreds/sessions").exists()
            || sandbox.read(".stscreds/sessions").is_empty()
    );
}

#[test]
fn botocore_gets_an_assumed_role_through_credential_process() {
    let role = Moto::shared().create_role("Boto");
    let config = "[profile base]\nmfa_process = echo 123456\n".to_owned()
        + &role_profile("admin", &role, "base", "")
        + "[profile admin-cp]\ncredential_process = BIN credential-process --profile admin\n";
    let roles = Roles::new(&config);
    let mut command = Command::new(python());
    command
        .arg(support_file("botocore_identity.py"))
        .args(["admin-cp", &roles.counter.url()])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", roles.sandbox.home())
        .env("AWS_ENDPOINT_URL", roles.counter.url());
    let run = run_with_stdin(without_terminal(command), "");
    assert_eq!(run.code, Some(0), "{run:#?}");
    let arn = run.stdout.lines().nth(1).unwrap_or_default();
    assert!(
        arn.contains(&format!(
            ":assumed-role/{}/",
            role.rsplit('/').next().unwrap()
        )),
        "{run:#?}"
    );
}

#[test]
fn with_moto_checking_signatures_the_role_credentials_are_real() {
    let moto = Moto::start();
    let (user, _) = moto.create_user_with_mfa("signed");
    moto.allow(
        &user,
        &[
            "iam:GetUser",
            "iam:ListMFADevices",
            "sts:AssumeRole",
            "sts:GetCallerIdentity",
        ],
    );
    let role = moto.create_role("Signed");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("base", &user);
    sandbox.write(
        ".aws/config",
        &role_profile("long", &role, "base", "duration_seconds = 7200\n"),
    );
    moto.enable_authentication();

    sandbox.auth("long");
    let whoami = sandbox.run(&["whoami", "--profile", "long"], "").success();
    assert!(
        whoami.stdout.contains(&format!(
            ":assumed-role/{}/",
            role.rsplit('/').next().unwrap()
        )),
        "{whoami:#?}"
    );
}

#[test]
fn key_commands_on_a_role_profile_point_to_the_profile_with_the_keys() {
    let config = role_profile("prod", "arn:aws:iam::123456789012:role/P", "base", "");
    let roles = Roles::new(&config);
    for command in [
        vec!["rotate", "--profile", "prod"],
        vec!["migrate", "--profile", "prod", "--to", "file"],
    ] {
        roles.run(&command, "").failure(&format!(
            "they belong to profile 'base': run `stscreds {} --profile base`",
            command[0]
        ));
    }
    assert!(roles.counter.actions().is_empty(), "no AWS call");
}
