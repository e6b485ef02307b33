//! The README's recipes, run exactly as written there (with this machine's paths and
//! moto's ARNs put in for the README's examples): what a newcomer copies must work.
//! The `.bashrc` recipe is run in a real `bash -i` by `exec_and_export::shells`; the
//! `serve` recipe by `clients::matrix`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;

use crate::support::clients::run_each;
use crate::support::fault::FaultServer;
use crate::support::moto::Moto;
use crate::support::{Run, Sandbox, readme_blocks, register_secret, run_with_stdin, venv};

/// Where the README's examples have stscreds installed.
const README_STSCREDS: &str = "/home/john/.cargo/bin/stscreds";

/// The environment of a user's shell in `sandbox`: stscreds and the AWS CLI on PATH.
fn shell_env(sandbox: &Sandbox, extra: &[(&str, &str)]) -> BTreeMap<OsString, OsString> {
    let stscreds_dir = std::path::Path::new(env!("CARGO_BIN_EXE_stscreds"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}:{}:{}",
        sandbox.path("bin").display(),
        stscreds_dir.display(),
        venv().join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let mut command = sandbox.command(&[]);
    command.env("PATH", path).envs(extra.iter().copied());
    command
        .get_envs()
        .filter_map(|(name, value)| Some((name.to_owned(), value?.to_owned())))
        .collect()
}

/// Runs one line of a README block in `sh`, in `env`, with `stdin`.
fn run_line(line: &str, env: &BTreeMap<OsString, OsString>, stdin: &str) -> Run {
    let mut command = std::process::Command::new("sh");
    command.arg("-c").arg(line).env_clear().envs(env);
    run_with_stdin(command, stdin)
}

#[test]
fn the_ide_recipe_serves_the_session_to_every_client() {
    let moto = Moto::shared();
    let proxy = FaultServer::counting(moto.url());
    let (user, _) = moto.create_user_with_mfa("ide-recipe");
    let sandbox = Sandbox::new(&proxy.url());
    sandbox.init("work", &user);
    sandbox.auth("work");
    let recipe = &readme_blocks("For an IDE, the profile it uses only needs")[0];
    assert!(recipe.starts_with("# ~/.aws/config\n"), "{recipe}");
    sandbox.write(
        ".aws/config",
        &recipe.replace(README_STSCREDS, env!("CARGO_BIN_EXE_stscreds")),
    );
    let key = sandbox
        .run(&["read", "aws_access_key_id", "--profile", "work"], "")
        .success()
        .stdout;
    let env = shell_env(&sandbox, &[("AWS_PROFILE", "work")]);
    for resolved in run_each(&proxy, &env) {
        assert!(
            resolved.code == Some(0)
                && resolved.key == key.trim()
                && resolved.region == "eu-west-1"
                && resolved.stderr.is_empty(),
            "{resolved:#?}"
        );
    }
}

#[test]
fn the_roles_recipe_works_line_by_line() {
    let moto = Moto::shared();
    let proxy = FaultServer::counting(moto.url());
    let (user, serial) = moto.create_user_with_mfa("roles-recipe");
    let sandbox = Sandbox::new(&proxy.url());
    sandbox.init("base", &user);
    let arns = [
        ("arn:aws:iam::111111111111:mfa/john.doe", serial),
        (
            "arn:aws:iam::222222222222:role/Developer",
            moto.create_role("Developer"),
        ),
        (
            "arn:aws:iam::333333333333:role/Admin",
            moto.create_role("Admin"),
        ),
        (
            "arn:aws:iam::333333333333:role/ReadOnly",
            moto.create_role("ReadOnly"),
        ),
        (
            "arn:aws:iam::444444444444:role/Auditor",
            moto.create_role("Auditor"),
        ),
        (README_STSCREDS, env!("CARGO_BIN_EXE_stscreds").to_owned()),
    ];
    let ours = |text: &str| {
        arns.iter().fold(text.to_owned(), |text, (readme, ours)| {
            text.replace(readme, ours)
        })
    };
    let blocks = readme_blocks("an ad hoc `--role-arn ARN` on the same commands.");
    let (config, commands) = (ours(&blocks[0]), ours(&blocks[1]));
    assert!(config.starts_with("# ~/.aws/config\n"), "{config}");
    sandbox.write(".aws/config", &config);
    sandbox.write(
        "bin/terraform",
        "#!/bin/sh\necho \"terraform $* as $AWS_ACCESS_KEY_ID\"\n",
    );
    std::fs::set_permissions(
        sandbox.path("bin/terraform"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    proxy.clear();
    let env = shell_env(&sandbox, &[]);
    let lines: Vec<&str> = commands.lines().collect();
    assert_eq!(lines.len(), 6, "{commands}");
    // "asks for the MFA code once..."
    run_line(lines[0], &env, "123456\n").success();
    assert_eq!(proxy.count("GetSessionToken"), 1);
    // "...and not again": no code on standard input from here on.
    let terraform = run_line(lines[1], &env, "").success();
    assert!(
        terraform.stdout.starts_with("terraform plan as "),
        "{terraform:#?}"
    );
    let cli = run_line(lines[2], &env, "").success();
    assert!(cli.stdout.contains(":assumed-role/Developer"), "{cli:#?}");
    let whoami = run_line(lines[3], &env, "").success();
    assert!(
        whoami.stdout.contains(":assumed-role/Developer"),
        "{whoami:#?}"
    );
    let export = run_line(lines[4], &env, "").success();
    let secret = export
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("export AWS_SECRET_ACCESS_KEY="))
        .expect("the role's secret");
    register_secret(secret.trim_matches('\''));
    assert_eq!(proxy.count("GetSessionToken"), 1, "one code so far");
    // A role of more than an hour is assumed with the long-term keys and a code.
    let prod = run_line(lines[5], &env, "");
    assert_eq!(prod.code, Some(1), "no code, no session: {prod:#?}");
    assert!(prod.stderr.contains("needs a new MFA code"), "{prod:#?}");
    run_line(lines[5], &env, "123456\n").success();
}
