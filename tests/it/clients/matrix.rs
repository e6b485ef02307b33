//! Every way stscreds hands credentials to a program, times every real client
//! (botocore, the AWS CLI, the AWS SDK for Rust, the AWS SDK for JavaScript v3; see
//! `support::clients`). In each cell the client must call AWS as the session stscreds
//! issued (the key it signed with and the caller AWS saw), in the profile's region, and
//! say nothing on stderr: an SDK's warning there is a user's confusion.
//!
//! Each case is set up as a user would: a temporary HOME, `stscreds init` and `auth`
//! against moto, the profile's settings in ~/.aws/config, and the variables users
//! commonly also have (`AWS_PROFILE`, a `[default]` profile with a `credential_process`).
//! A case reports every client's outcome at once, so a failure shows the whole row.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};

use crate::support::clients::{Held, Resolved, run_each};
use crate::support::fault::FaultServer;
use crate::support::moto::Moto;
use crate::support::running::Running;
use crate::support::serving::serving;
use crate::support::{Sandbox, put_stscreds_on_path, register_secret, venv};

/// The region of profile `work` (an IAM user's keys).
const WORK_REGION: &str = "eu-central-1";
/// The region of profile `dev` (a role assumed from `work`).
const DEV_REGION: &str = "eu-west-1";

/// A user's home: profile `work` holds an IAM user's keys (its MFA code comes from
/// `mfa_process`), profile `dev` is a role assumed from it; `extra_config` is added to
/// ~/.aws/config. Every AWS call, stscreds' and the clients', goes through `proxy`.
struct Home {
    sandbox: Sandbox,
    proxy: FaultServer,
}

impl Home {
    fn new(extra_config: &str) -> Self {
        let moto = Moto::shared();
        let proxy = FaultServer::counting(moto.url());
        let (user, _) = moto.create_user_with_mfa("matrix");
        let role = moto.create_role("MatrixDeveloper");
        let mut sandbox = Sandbox::new(&proxy.url());
        put_stscreds_on_path(&mut sandbox);
        let run = sandbox.path("run");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        sandbox.set_env("XDG_RUNTIME_DIR", run.to_str().unwrap());
        sandbox.init("work", &user);
        sandbox.write(
            ".aws/config",
            &format!(
                "[profile work]\nregion = {WORK_REGION}\nmfa_process = echo 123456\n{extra_config}\n\
                 [profile dev]\nrole_arn = {role}\nsource_profile = work\nregion = {DEV_REGION}\n"
            ),
        );
        Self { sandbox, proxy }
    }

    /// `stscreds auth --profile PROFILE` (the code from `mfa_process`).
    fn auth(&self, profile: &str) {
        self.sandbox
            .run(&["auth", "--profile", profile], "")
            .success();
    }

    /// What a user's shell holds: PATH, HOME, the endpoint, and `extra`.
    fn shell_env(&self, extra: &[(&str, &str)]) -> BTreeMap<OsString, OsString> {
        let mut command = self.sandbox.command(&[]);
        command.envs(extra.iter().copied());
        command
            .get_envs()
            .filter_map(|(name, value)| Some((name.to_owned(), value?.to_owned())))
            .collect()
    }

    /// `command` with exactly the variables of `env`.
    fn with_env(mut command: Command, env: &BTreeMap<OsString, OsString>) -> Command {
        command.env_clear().envs(env);
        command
    }

    /// The session stscreds issued for `profile`, as stscreds itself reports it
    /// (`stscreds read`), and whom AWS sees when it is used, in `region`.
    fn issued(&self, profile: &str, region: &str) -> Expected {
        let read = |key: &str| {
            self.sandbox
                .run(&["read", key, "--profile", profile], "")
                .success()
                .stdout
                .trim()
                .to_owned()
        };
        let (key, secret, token) = (
            read("aws_access_key_id"),
            read("aws_secret_access_key"),
            read("aws_session_token"),
        );
        register_secret(&secret);
        register_secret(&token);
        let (arn, account) = caller(&self.proxy.url(), &key, &secret, &token);
        Expected {
            key,
            arn,
            account,
            region: region.to_owned(),
        }
    }
}

/// What every client must resolve.
#[derive(Debug)]
struct Expected {
    key: String,
    arn: String,
    account: String,
    region: String,
}

/// Whom AWS (moto) sees for these credentials: the ARN and the account.
fn caller(endpoint: &str, key: &str, secret: &str, token: &str) -> (String, String) {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            key,
            secret,
            Some(token.to_owned()),
            None,
            "stscreds read",
        ))
        .build();
    let identity = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(
            aws_sdk_sts::Client::from_conf(config)
                .get_caller_identity()
                .send(),
        )
        .unwrap();
    (
        identity.arn().unwrap().to_owned(),
        identity.account().unwrap().to_owned(),
    )
}

/// What is wrong with one client's outcome (nothing: empty).
fn problems(resolved: &Resolved, expected: &Expected) -> Vec<String> {
    let mut problems = Vec::new();
    if resolved.code != Some(0) {
        problems.push(format!("exit status {:?}", resolved.code));
    }
    if resolved.key != expected.key {
        problems.push(format!(
            "signed with key {:?}, not the issued {:?}",
            resolved.key, expected.key
        ));
    }
    if resolved.arn != expected.arn {
        problems.push(format!(
            "AWS saw {:?}, not {:?}",
            resolved.arn, expected.arn
        ));
    }
    if resolved.account != expected.account {
        problems.push(format!(
            "account {:?}, not {:?}",
            resolved.account, expected.account
        ));
    }
    if resolved.region != expected.region {
        problems.push(format!(
            "region {:?}, not the profile's {:?}",
            resolved.region, expected.region
        ));
    }
    if !resolved.stderr.trim().is_empty() {
        problems.push(format!("stderr: {:?}", resolved.stderr.trim()));
    }
    problems
}

/// Panics, naming each client that went wrong and how, unless every client resolved
/// `expected`.
#[track_caller]
fn assert_every_client_resolves(case: &str, row: &[Resolved], expected: &Expected) {
    let failures: Vec<String> = row
        .iter()
        .filter_map(|resolved| {
            let problems = problems(resolved, expected);
            (!problems.is_empty())
                .then(|| format!("  {}: {}", resolved.client, problems.join("; ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{case}: {} of {} clients went wrong\n{}\nexpected: {expected:?}\n{row:#?}",
        failures.len(),
        row.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------
// Profiles the clients read themselves

#[test]
fn the_session_auth_wrote_to_the_credentials_file() {
    let home = Home::new("");
    home.auth("work");
    let expected = home.issued("work", WORK_REGION);
    let row = run_each(&home.proxy, &home.shell_env(&[("AWS_PROFILE", "work")]));
    assert_every_client_resolves("~/.aws/credentials after auth", &row, &expected);
}

#[test]
fn credential_process_of_a_base_profile() {
    let home = Home::new(&format!(
        "credential_process = {} credential-process --profile work\n",
        env!("CARGO_BIN_EXE_stscreds")
    ));
    home.auth("work");
    let expected = home.issued("work", WORK_REGION);
    let row = run_each(&home.proxy, &home.shell_env(&[("AWS_PROFILE", "work")]));
    assert_every_client_resolves("credential_process (work)", &row, &expected);
}

#[test]
fn credential_process_of_a_role_profile() {
    let home = Home::new(&format!(
        "\n[profile dev-cli]\nregion = {DEV_REGION}\ncredential_process = {} credential-process --profile dev\n",
        env!("CARGO_BIN_EXE_stscreds")
    ));
    home.auth("dev");
    let expected = home.issued("dev", DEV_REGION);
    let row = run_each(&home.proxy, &home.shell_env(&[("AWS_PROFILE", "dev-cli")]));
    assert_every_client_resolves("credential_process (dev, a role)", &row, &expected);
}

// ---------------------------------------------------------------------------------
// A command stscreds starts

/// `stscreds ARGS -- sh -c HOLD` from a shell where `AWS_PROFILE` names `profile`
/// too (as users' shells often do), and every client in the command's environment.
fn in_the_child_of(home: &Home, profile: &str, args: &[&str]) -> Vec<Resolved> {
    let dir = home.sandbox.path("held");
    let script = Held::script(&dir);
    let mut argv = args.to_vec();
    argv.extend(["--profile", profile, "--", "sh", "-c", &script]);
    let mut command = home.sandbox.command(&argv);
    command.env("AWS_PROFILE", profile);
    let held = Held::start(command, &dir);
    let row = run_each(&home.proxy, &held.env);
    held.release();
    row
}

#[test]
fn exec() {
    let home = Home::new("");
    home.auth("work");
    let expected = home.issued("work", WORK_REGION);
    let row = in_the_child_of(&home, "work", &["exec"]);
    assert_every_client_resolves("exec --profile work", &row, &expected);
}

/// A role profile: were a client to read `dev` from ~/.aws/config instead of asking
/// the server, it would assume the role itself and sign with another key.
#[test]
fn exec_server() {
    let home = Home::new("");
    home.auth("dev");
    let expected = home.issued("dev", DEV_REGION);
    let row = in_the_child_of(&home, "dev", &["exec", "--server"]);
    assert_every_client_resolves("exec --server --profile dev", &row, &expected);
}

#[test]
fn exec_server_beside_a_default_profile_with_a_credential_process() {
    let home = Home::new(&format!(
        "\n[default]\nregion = us-west-2\ncredential_process = {} credential-process --profile dev\n",
        env!("CARGO_BIN_EXE_stscreds")
    ));
    home.auth("work");
    home.auth("dev");
    let expected = home.issued("work", WORK_REGION);
    let row = in_the_child_of(&home, "work", &["exec", "--server"]);
    assert_every_client_resolves(
        "exec --server --profile work, [default] with a credential_process",
        &row,
        &expected,
    );
}

// ---------------------------------------------------------------------------------
// What stscreds prints for a shell or a tool

#[test]
fn serve_with_its_lines_evaluated() {
    let home = Home::new("");
    home.auth("work");
    let expected = home.issued("work", WORK_REGION);
    let server = Running::spawn(home.sandbox.command(&["serve", "--profile", "work"]));
    let printed = serving(&server);
    if let Some(token) = printed
        .lines()
        .find_map(|line| line.strip_prefix("export AWS_CONTAINER_AUTHORIZATION_TOKEN='"))
    {
        register_secret(token.trim_end_matches('\''));
    }
    // Another shell of the same user, as the README says: with serve's lines (the
    // region among them) and an empty credentials file, so that the session `auth`
    // wrote there does not win over the server.
    let empty = home.sandbox.path("empty-credentials");
    std::fs::write(&empty, "").unwrap();
    let dir = home.sandbox.path("held");
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(format!("{printed}{}", Held::script(&dir)));
    let env = home.shell_env(&[
        ("AWS_PROFILE", "work"),
        ("AWS_SHARED_CREDENTIALS_FILE", empty.to_str().unwrap()),
    ]);
    let held = Held::start(Home::with_env(shell, &env), &dir);
    let row = run_each(&home.proxy, &held.env);
    held.release();
    server.signal("TERM");
    server.finish().success();
    assert_every_client_resolves("serve --profile work, evaluated", &row, &expected);
}

/// Every client in a shell where `shell_env` is set and `eval "$(stscreds export
/// --profile PROFILE)"` ran.
fn after_eval_of_export(home: &Home, profile: &str, shell_env: &[(&str, &str)]) -> Vec<Resolved> {
    let dir = home.sandbox.path("held");
    let mut shell = Command::new("sh");
    shell.arg("-c").arg(format!(
        "eval \"$(stscreds export --profile {profile})\" || exit 1\n{}",
        Held::script(&dir)
    ));
    let held = Held::start(Home::with_env(shell, &home.shell_env(shell_env)), &dir);
    let row = run_each(&home.proxy, &held.env);
    held.release();
    row
}

#[test]
fn export_evaluated_in_sh() {
    let home = Home::new("");
    home.auth("work");
    let expected = home.issued("work", WORK_REGION);
    let row = after_eval_of_export(&home, "work", &[]);
    assert_every_client_resolves(
        "eval \"$(stscreds export --profile work)\"",
        &row,
        &expected,
    );
}

#[test]
fn export_evaluated_in_sh_where_aws_profile_names_the_profile() {
    let home = Home::new("");
    home.auth("dev");
    let expected = home.issued("dev", DEV_REGION);
    let row = after_eval_of_export(&home, "dev", &[("AWS_PROFILE", "dev")]);
    assert_every_client_resolves(
        "AWS_PROFILE=dev; eval \"$(stscreds export --profile dev)\"",
        &row,
        &expected,
    );
}

#[test]
fn export_as_dotenv_loaded_by_python_dotenv() {
    let home = Home::new("");
    home.auth("work");
    let expected = home.issued("work", WORK_REGION);
    let dotenv = home
        .sandbox
        .run(&["export", "--profile", "work", "--format", "dotenv"], "")
        .success()
        .stdout;
    let file = home.sandbox.path("project/.env");
    home.sandbox.write("project/.env", &dotenv);
    let dir = home.sandbox.path("held");
    let mut loader = Command::new(venv().join("bin/dotenv"));
    loader
        .arg("-f")
        .arg(&file)
        .args(["run", "--", "sh", "-c"])
        .arg(Held::script(&dir));
    let held = Held::start(Home::with_env(loader, &home.shell_env(&[])), &dir);
    let row = run_each(&home.proxy, &held.env);
    held.release();
    assert_every_client_resolves("export --format dotenv, loaded", &row, &expected);
}

#[test]
fn export_as_json_read_by_a_credential_process() {
    let home = Home::new("");
    home.auth("work");
    let expected = home.issued("work", WORK_REGION);
    let json = home
        .sandbox
        .run(&["export", "--profile", "work", "--format", "json"], "")
        .success()
        .stdout;
    home.sandbox.write("work.json", &json);
    let config = home.sandbox.read(".aws/config");
    home.sandbox.write(
        ".aws/config",
        &format!(
            "{config}\n[profile exported]\nregion = {WORK_REGION}\ncredential_process = cat {}\n",
            home.sandbox.path("work.json").display()
        ),
    );
    let row = run_each(&home.proxy, &home.shell_env(&[("AWS_PROFILE", "exported")]));
    assert_every_client_resolves(
        "export --format json as a credential_process",
        &row,
        &expected,
    );
}
