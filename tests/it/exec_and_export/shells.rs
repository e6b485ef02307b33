//! Everyday `exec` and `export`, as a user coming from aws-vault drives them: a shell
//! from `stscreds exec` whose `~/.bashrc` follows the README's `read` recipe keeps the
//! exec'd profile's credentials, and one from `exec --server` keeps the server's;
//! `export` sets what `exec` sets, region included, and unsets what would win over it;
//! a command that cannot be run exits as it would in a shell (127, 126).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::support::moto::Moto;
use crate::support::terminal::Terminal;
use crate::support::{MOTO_SESSION_KEY, Sandbox, put_stscreds_on_path, python};
use stscreds::ini::Document;

/// The README's recipe for `~/.bashrc`, exactly as written there, and a prompt to
/// wait for.
fn bashrc() -> String {
    let readme = include_str!("../../../README.md");
    let recipe = readme
        .split("```sh\n# ~/.bashrc\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README's ~/.bashrc recipe");
    assert!(
        recipe.contains("$(stscreds read aws_session_token)"),
        "{recipe}"
    );
    format!("{recipe}PS1='ready> '\n")
}

/// A user's set-up: `default` and `base` hold the keys of two IAM users, `dev` is a
/// role assumed from `base` (in eu-west-1), and both `default` and `dev` have a fresh
/// session. `stscreds` is on the PATH, as an installed copy would be.
struct Accounts {
    sandbox: Sandbox,
    /// The key id of `dev`'s cached role session.
    role_key: String,
    /// The role's name, as in the assumed-role ARN.
    role_name: String,
}

impl Accounts {
    fn new() -> Self {
        let moto = Moto::shared();
        let (base, _) = moto.create_user_with_mfa("exec-base");
        let (other, _) = moto.create_user_with_mfa("exec-default");
        let role = moto.create_role("Developer");
        let mut sandbox = Sandbox::new(&moto.url());
        put_stscreds_on_path(&mut sandbox);
        sandbox.init("default", &other);
        sandbox.init("base", &base);
        sandbox.write(
            ".aws/config",
            &format!(
                "[profile base]\nregion = us-east-1\n\n[profile dev]\nrole_arn = {role}\nsource_profile = base\nregion = eu-west-1\n"
            ),
        );
        sandbox.auth("default");
        sandbox.auth("dev");
        let sessions = Document::parse(&sandbox.read(".stscreds/sessions")).unwrap();
        let role_key = sessions.get("dev", "aws_access_key_id").unwrap().to_owned();
        assert_ne!(role_key, MOTO_SESSION_KEY, "the role's key tells it apart");
        let role_name = role.rsplit('/').next().unwrap().to_owned();
        Self {
            sandbox,
            role_key,
            role_name,
        }
    }
}

/// The path of `name` in the usual directories, if it is installed.
fn installed(name: &str) -> Option<std::path::PathBuf> {
    ["/bin", "/usr/bin", "/usr/local/bin"]
        .iter()
        .map(|dir| std::path::Path::new(dir).join(name))
        .find(|path| path.exists())
}

#[test]
fn a_bashrc_that_reads_credentials_keeps_the_exec_profile_in_an_interactive_shell() {
    let accounts = Accounts::new();
    let mut sandbox = accounts.sandbox;
    sandbox.write(".bashrc", &bashrc());
    let bash = installed("bash").expect("bash");
    sandbox.set_env("SHELL", bash.to_str().unwrap());
    sandbox.set_env("PYTHON", python().to_str().unwrap());

    let mut shell = Terminal::spawn(sandbox.command(&["exec", "--profile", "dev"]));
    let caller = r#""$PYTHON" -c 'import boto3; print("arn=" + boto3.client("sts").get_caller_identity()["Arn"])'"#;
    let lines = [
        r#"echo "env=$AWS_ACCESS_KEY_ID read=$(stscreds read aws_access_key_id) region=$AWS_REGION""#,
        caller,
        r#"stscreds exec -- true || echo "nested refused: $?""#,
        r#"stscreds exec --force -- sh -c 'echo "forced=$STSCREDS_PROFILE/$AWS_ACCESS_KEY_ID"'"#,
        "exit",
    ];
    for (n, line) in lines.iter().enumerate() {
        shell.answer("ready> ", n + 1, line);
    }
    let (ok, shown) = shell.finish();
    assert!(ok, "{shown}");

    let role_key = &accounts.role_key;
    assert!(
        shown.contains(&format!("env={role_key} read={role_key} region=eu-west-1")),
        "~/.bashrc kept the role's credentials, and `read` inside means `dev`: {shown}"
    );
    assert!(!shown.contains(&format!("={MOTO_SESSION_KEY}")), "{shown}");
    assert!(
        shown.contains(&format!(":assumed-role/{}/", accounts.role_name)),
        "AWS answers as the role: {shown}"
    );
    assert!(
        shown.contains("already inside `stscreds exec` for profile 'dev'")
            && shown.contains("nested refused: 1"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("forced=dev/{role_key}")),
        "--force without --profile means the exec'd profile: {shown}"
    );
}

#[test]
fn the_readme_bashrc_recipe_leaves_an_exec_server_shell_to_the_server() {
    let accounts = Accounts::new();
    let mut sandbox = accounts.sandbox;
    sandbox.write(".bashrc", &bashrc());
    let run = sandbox.path("run");
    fs::create_dir_all(&run).unwrap();
    fs::set_permissions(&run, fs::Permissions::from_mode(0o700)).unwrap();
    sandbox.set_env("XDG_RUNTIME_DIR", run.to_str().unwrap());
    let bash = installed("bash").expect("bash");
    sandbox.set_env("SHELL", bash.to_str().unwrap());
    sandbox.set_env("PYTHON", python().to_str().unwrap());

    let mut shell = Terminal::spawn(sandbox.command(&["exec", "--server", "--profile", "dev"]));
    let client = r#""$PYTHON" -c 'import boto3; s = boto3.Session(); print("method=" + s.get_credentials().method); print("arn=" + s.client("sts").get_caller_identity()["Arn"])'"#;
    let lines = [
        r#"echo "keys=[${AWS_ACCESS_KEY_ID-}] read=$(stscreds read aws_access_key_id)""#,
        client,
        "exit",
    ];
    for (n, line) in lines.iter().enumerate() {
        shell.answer("ready> ", n + 1, line);
    }
    let (ok, shown) = shell.finish();
    assert!(ok, "{shown}");
    assert!(
        shown.contains(&format!("keys=[] read={}", accounts.role_key)),
        "~/.bashrc exported no keys, and `read` still works: {shown}"
    );
    assert!(
        shown.contains("method=container-role"),
        "botocore asks the server: {shown}"
    );
    assert!(
        shown.contains(&format!(":assumed-role/{}/", accounts.role_name)),
        "AWS answers as the role: {shown}"
    );
    assert_eq!(
        fs::read_dir(&run).unwrap().count(),
        0,
        "the server cleaned up"
    );
}

#[test]
fn export_in_a_shell_with_a_profile_and_a_server_set_leaves_nothing_that_wins_over_its_keys() {
    let accounts = Accounts::new();
    let mut sandbox = accounts.sandbox;
    sandbox.set_env("PYTHON", python().to_str().unwrap());
    // The AWS SDK for JavaScript skips environment keys while AWS_PROFILE is set (and
    // dev's role needs an MFA code it cannot give); a server variable left behind
    // points at a server that is gone.
    let script = r#"
        export AWS_PROFILE=dev AWS_DEFAULT_PROFILE=dev
        export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9/gone AWS_CONTAINER_AUTHORIZATION_TOKEN=old
        eval "$(stscreds export --profile dev)"
        echo "left=[${AWS_PROFILE-}${AWS_DEFAULT_PROFILE-}${AWS_CONTAINER_CREDENTIALS_FULL_URI-}${AWS_CONTAINER_AUTHORIZATION_TOKEN-}]"
        exec "$PYTHON" -c 'import boto3; s = boto3.Session(); print("method=" + s.get_credentials().method); print("key=" + s.get_credentials().access_key)'
    "#;
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(script).env_clear();
    for (name, value) in sandbox.command(&[]).get_envs() {
        sh.env(name, value.unwrap());
    }
    let output = sh.output().unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("left=[]\n"),
        "{out}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        out.contains(&format!("method=env\nkey={}\n", accounts.role_key)),
        "{out}"
    );
}

#[test]
fn inside_exec_a_command_without_profile_means_the_exec_profile_and_flags_still_win() {
    let accounts = Accounts::new();
    let mut sandbox = accounts.sandbox;
    let role_key = accounts.role_key.as_str();
    sandbox.set_env("STSCREDS_PROFILE", "dev");
    let key_of = |sandbox: &Sandbox, args: &[&str]| {
        let mut line = vec!["read", "aws_access_key_id"];
        line.extend_from_slice(args);
        sandbox.run(&line, "").success().stdout
    };
    assert_eq!(key_of(&sandbox, &[]), format!("{role_key}\n"), "fast path");
    assert_eq!(
        key_of(&sandbox, &["--verbose"]),
        format!("{role_key}\n"),
        "full path"
    );
    let exported = sandbox.run(&["export"], "").success().stdout;
    assert!(
        exported.contains(&format!("export AWS_ACCESS_KEY_ID='{role_key}'\n"))
            && exported.contains("export AWS_REGION='eu-west-1'\n"),
        "{exported}"
    );
    assert_eq!(
        key_of(&sandbox, &["--profile", "default"]),
        format!("{MOTO_SESSION_KEY}\n"),
        "--profile wins"
    );
    sandbox.set_env("AWS_PROFILE", "default");
    assert_eq!(
        key_of(&sandbox, &[]),
        format!("{MOTO_SESSION_KEY}\n"),
        "AWS_PROFILE wins"
    );
    sandbox.set_env("AWS_PROFILE", "");
    sandbox.set_env("STSCREDS_PROFILE", "not valid");
    sandbox
        .run(&["read", "aws_access_key_id"], "")
        .failure("STSCREDS_PROFILE: 'not valid' is not a profile name");
}

#[test]
fn export_sets_what_exec_sets_region_included() {
    let accounts = Accounts::new();
    let sandbox = accounts.sandbox;
    let print = r#"printf '%s|' "$AWS_ACCESS_KEY_ID" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION" "$AWS_DEFAULT_REGION""#;
    let from_exec = sandbox
        .run(&["exec", "--profile", "dev", "--", "sh", "-c", print], "")
        .success()
        .stdout;
    let exported = sandbox
        .run(&["export", "--profile", "dev"], "")
        .success()
        .stdout;
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{exported}\n{print}"))
        .env_clear()
        .output()
        .unwrap();
    let from_export = String::from_utf8(output.stdout).unwrap();
    assert!(
        from_exec.starts_with(&format!("{}|20", accounts.role_key))
            && from_exec.ends_with("|eu-west-1|eu-west-1|"),
        "{from_exec}"
    );
    assert_eq!(from_export, from_exec);

    let dotenv = sandbox
        .run(&["export", "--profile", "dev", "--format", "dotenv"], "")
        .success()
        .stdout;
    assert!(
        dotenv.contains("AWS_REGION=\"eu-west-1\"\nAWS_DEFAULT_REGION=\"eu-west-1\"\n"),
        "{dotenv}"
    );
    let json = sandbox
        .run(&["export", "--profile", "dev", "--format", "json"], "")
        .success()
        .stdout;
    assert!(
        json.starts_with("{\"Version\": 1, ") && !json.contains("Region"),
        "the credential_process document is unchanged: {json}"
    );
}

#[test]
fn a_command_that_cannot_be_run_exits_127_or_126_as_in_a_shell() {
    let accounts = Accounts::new();
    let sandbox = accounts.sandbox;
    sandbox.write("not-executable", "#!/bin/sh\necho hi\n");
    fs::set_permissions(
        sandbox.path("not-executable"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    fs::create_dir_all(sandbox.path("a-directory")).unwrap();
    let home = sandbox.home().display().to_string();
    let cases = [
        ("no-such-command-xyz".to_owned(), 127),
        (format!("{home}/no-such-dir/tool"), 127),
        (format!("{home}/not-executable"), 126),
        (format!("{home}/a-directory"), 126),
    ];
    for (program, code) in cases {
        let run = sandbox
            .run(&["exec", "--profile", "dev", "--", &program], "")
            .failure(&format!("cannot run '{program}'"));
        assert_eq!(run.code, Some(code), "{run:#?}");
        assert_eq!(run.stderr.lines().count(), 1, "one line: {run:#?}");
    }
}
