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
    command
        .env("PATH", path)
        .env("SHELL", "/bin/bash")
        .envs(extra.iter().copied());
    command
        .get_envs()
        .filter_map(|(name, value)| Some((name.to_owned(), value?.to_owned())))
        .collect()
}

/// Runs one line of a README block in `sh`, in `env`, with `stdin`, in the home
/// directory of `env`, as a user's new terminal would.
fn run_line(line: &str, env: &BTreeMap<OsString, OsString>, stdin: &str) -> Run {
    let mut command = std::process::Command::new("sh");
    command.arg("-c").arg(line).env_clear().envs(env);
    if let Some(home) = env.get(std::ffi::OsStr::new("HOME")) {
        command.current_dir(home);
    }
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

/// Runs `scripts/test` as a newcomer on a machine without its prerequisites would:
/// `PATH` holds only `dirname` (which the script needs to find the repository) and
/// stubs of the commands in `stubs`, and there is no `apt-get` to install anything.
fn scripts_test_on_a_bare_machine(stubs: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink("/usr/bin/dirname", bin.join("dirname")).unwrap();
    for stub in stubs {
        std::fs::write(bin.join(stub), "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(bin.join(stub), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test");
    let mut command = std::process::Command::new("/bin/bash");
    command
        .arg(script)
        .env_clear()
        .env("PATH", &bin)
        .env("HOME", home.path())
        .env("STSCREDS_TEST_JS", home.path().join("test-js"))
        .env("STSCREDS_TEST_VENV", home.path().join("test-venv"));
    run_with_stdin(command, "")
}

#[test]
fn scripts_test_without_npm_stops_at_once_with_one_line() {
    let run = scripts_test_on_a_bare_machine(&[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            "scripts/test: needs Node.js 20 or later with npm (for the AWS SDK for JavaScript); install them (https://nodejs.org/en/download) and run this again"
        ],
        "{run:#?}"
    );
}

#[test]
fn scripts_test_that_cannot_install_what_is_missing_names_it_in_one_line() {
    let run = scripts_test_on_a_bare_machine(&["node", "npm"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(
        lines[0].starts_with("scripts/test: needs dbus gnome-keyring strace ")
            && lines[0].contains(
                " python3-venv golang-go (Debian/Ubuntu package names); install them, or run this as root"
            ),
        "{run:#?}"
    );
    assert!(run.stdout.is_empty(), "{run:#?}");
}

/// The comment that, on the line before a README block, says `.ci/run` runs it: each of
/// its lines must then be a line of `.ci/run`, exactly.
const RUN_BY_CI: &str = "<!-- run by .ci/run -->";

/// The programs the README's blocks may run: stscreds, the AWS CLI, the shell itself,
/// and the stand-ins below for the tools the README shows stscreds handing credentials
/// to. A block that runs anything else fails the test until it is taught here.
const KNOWN_PROGRAMS: &[&str] = &[
    "stscreds",
    "aws",
    "eval",
    "if",
    "export",
    "fi",
    "terraform",
    "code",
];

/// Stand-ins for the tools of the README's examples: each proves it got working
/// credentials by asking AWS who it is. VS Code's launcher, without `--wait`, hands
/// the folder to VS Code and returns at once, which would stop `exec --server` before
/// the window asks for anything: the stand-in refuses to be run that way.
const STAND_INS: &[(&str, &str)] = &[
    (
        "terraform",
        "#!/bin/sh\naws sts get-caller-identity >/dev/null && echo \"terraform $*\"\n",
    ),
    (
        "code",
        "#!/bin/sh\n[ \"$1\" = --wait ] || { echo 'code: without --wait the launcher returns at once' >&2; exit 1; }\naws sts get-caller-identity >/dev/null && echo \"code $*\"\n",
    ),
];

/// A fenced block of the README.
#[derive(Debug)]
struct Block {
    /// Its first line's number in the README (the fence's).
    line: usize,
    language: String,
    /// The last non-blank line before the fence.
    preceded_by: String,
    body: String,
}

/// Every fenced block of the README, in order.
fn every_readme_block() -> Vec<Block> {
    let readme = include_str!("../../README.md");
    let mut blocks = Vec::new();
    let mut lines = readme.lines().enumerate();
    let mut preceded_by = "";
    while let Some((index, line)) = lines.next() {
        let Some(language) = line.strip_prefix("```") else {
            if !line.trim().is_empty() {
                preceded_by = line;
            }
            continue;
        };
        let body: Vec<&str> = lines
            .by_ref()
            .map(|(_, line)| line)
            .take_while(|line| !line.starts_with("```"))
            .collect();
        blocks.push(Block {
            line: index + 1,
            language: language.to_owned(),
            preceded_by: preceded_by.to_owned(),
            body: body.join("\n") + "\n",
        });
        preceded_by = "";
    }
    blocks
}

/// The commands of a block as a user would type them, each with the output the README
/// shows after it: a `console` block's `$ ` lines; a block that is a file's contents
/// (its first line a comment naming the file, `# ~/.bashrc`) as one script; otherwise
/// each line.
fn commands_of(block: &Block) -> Vec<(String, Vec<String>)> {
    if block.language == "console" {
        let mut commands: Vec<(String, Vec<String>)> = Vec::new();
        for line in block.body.lines() {
            match (line.strip_prefix("$ "), commands.last_mut()) {
                (Some(command), _) => commands.push((command.to_owned(), Vec::new())),
                (None, Some((_, output))) => output.push(line.to_owned()),
                (None, None) => panic!("README line {}: output before a command", block.line),
            }
        }
        commands
    } else if block.body.starts_with("# ~/") {
        vec![(block.body.clone(), Vec::new())]
    } else {
        block
            .body
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| (line.to_owned(), Vec::new()))
            .collect()
    }
}

/// Fails unless every program `command` runs is one the test knows how to run.
fn assert_known_programs(block: &Block, command: &str) {
    for line in command.lines() {
        let first = line.split_whitespace().next().unwrap_or("#");
        let first = first.trim_start_matches('"').trim_start_matches("$(");
        assert!(
            first.starts_with('#') || KNOWN_PROGRAMS.contains(&first),
            "README line {}: the doc test does not know how to run `{first}`; give it a \
             stand-in in readme_recipes::STAND_INS, or mark the block {RUN_BY_CI:?} and \
             add it to .ci/run",
            block.line
        );
    }
}

/// What a user types into `command`: their access key for `init`, an MFA code for
/// `auth`; nothing else asks.
fn typed_into(command: &str, keys: &crate::support::moto::TestUser) -> String {
    if command.starts_with("stscreds init") {
        format!("{}\n{}\n", keys.access_key_id, keys.secret_access_key)
    } else if command.starts_with("stscreds auth") {
        "123456\n".to_owned()
    } else {
        String::new()
    }
}

#[test]
fn every_command_block_of_the_readme_runs_as_written() {
    let moto = Moto::shared();
    let (first_user, _) = moto.create_user_with_mfa("readme-first");
    let (base_user, _) = moto.create_user_with_mfa("readme-base");
    let sandbox = Sandbox::new(&moto.url());
    for (name, script) in STAND_INS {
        sandbox.write(&format!("bin/{name}"), script);
        std::fs::set_permissions(
            sandbox.path(&format!("bin/{name}")),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let env = shell_env(&sandbox, &[]);
    let ci_run = include_str!("../../.ci/run");
    let blocks = every_readme_block();
    let mut ran = 0;
    for block in &blocks {
        if block.language == "ini" && block.body.starts_with("# ~/.aws/config\n") {
            // A user adds these lines to their config, with their stscreds' path.
            let config = std::fs::read_to_string(sandbox.path(".aws/config")).unwrap_or_default();
            let added = block
                .body
                .replace(README_STSCREDS, env!("CARGO_BIN_EXE_stscreds"));
            sandbox.write(".aws/config", &format!("{config}\n{added}"));
            continue;
        }
        if !["sh", "console", "bash"].contains(&block.language.as_str()) {
            continue;
        }
        if block.preceded_by == RUN_BY_CI {
            for line in block.body.lines().filter(|line| !line.trim().is_empty()) {
                assert!(
                    ci_run.lines().any(|ci| ci == line),
                    "README line {}: {line:?} is marked as run by .ci/run, which does not run it",
                    block.line
                );
            }
            continue;
        }
        if block.body.contains("stscreds auth --profile dev ") {
            // The roles section's config names `base` as the profile whose keys
            // stscreds stores, and says to store them with this.
            sandbox.init("base", &base_user);
        }
        for (command, output) in commands_of(block) {
            assert_known_programs(block, &command);
            let run = run_line(&command, &env, &typed_into(&command, &first_user));
            assert_eq!(
                run.code,
                Some(0),
                "README line {}: `{command}` failed: {run:#?}",
                block.line
            );
            let printed = format!("{}{}", run.stdout, run.stderr);
            for expected in &output {
                let first_word = expected.split_whitespace().next().unwrap_or_default();
                assert!(
                    printed.contains(first_word),
                    "README line {}: `{command}` printed no {first_word:?} (the README shows {expected:?}): {run:#?}",
                    block.line
                );
            }
            ran += 1;
        }
    }
    assert!(ran >= 10, "only {ran} commands ran");
}
