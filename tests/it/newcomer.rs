//! A newcomer's small dead ends (issue 25): completion installed in a fresh HOME,
//! `configure` that removes a setting and writes `[default]` as the AWS tools do, a
//! progress line while a key is derived, a moved session that leaves no empty section,
//! and no prompt when nobody can answer.

use std::process::{Command, Stdio};

use crate::support::moto::{Moto, TestUser};
use crate::support::terminal::Terminal;
use crate::support::{Run, Sandbox};

/// The progress line said while scrypt turns a typed passphrase into the file's key.
const DERIVING: &str = "Deriving the key from the passphrase (a few seconds)...";

/// A sandbox with keys stored for `profile` (no session yet).
fn initialised(profile: &str) -> (Sandbox, TestUser) {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("newcomer");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init(profile, &user);
    (sandbox, user)
}

/// `inner` run by `sh` with its standard input closed (`0<&-`), as a user's shell would.
fn with_stdin_closed(inner: &Command) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(r#"exec "$0" "$@" 0<&-"#)
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    command
}

/// Panics unless `run` failed with its one error line, after at most the line that
/// says why it authenticates, and showed no prompt.
#[track_caller]
fn assert_only_the_error_line(run: Run) {
    let run = run.failure("standard input is closed");
    assert!(!run.stderr.contains("MFA token"), "a prompt: {run:#?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    let (error, before) = lines.split_last().unwrap();
    assert!(error.starts_with("error: "), "{run:#?}");
    assert!(
        before
            .iter()
            .all(|line| line.ends_with("; authenticating.")),
        "{run:#?}"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn read_with_stdin_at_its_end_prints_the_error_and_no_prompt() {
    let (sandbox, _) = initialised("default");
    let args = ["read", "aws_access_key_id"];
    let mut from_dev_null = sandbox.command(&args);
    from_dev_null.stdin(Stdio::null());
    assert_only_the_error_line(Run::from(from_dev_null.output().unwrap()));
    let closed = with_stdin_closed(&sandbox.command(&args)).output().unwrap();
    assert_only_the_error_line(Run::from(closed));
    assert_only_the_error_line(sandbox.run(&args, ""));
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

/// Panics unless the terminal showed [`DERIVING`] once, after `prompt` and before `next`.
#[track_caller]
fn assert_derivation_announced(shown: &str, prompt: &str, next: &str) {
    assert_eq!(shown.matches(DERIVING).count(), 1, "{shown}");
    let said = shown.find(DERIVING).unwrap();
    assert!(shown.rfind(prompt).unwrap() < said, "{shown}");
    assert!(said < shown.find(next).expect(next), "{shown}");
}

#[test]
fn a_typed_passphrase_is_followed_by_a_line_saying_the_key_is_being_derived() {
    let (sandbox, _) = initialised("default");
    let passphrase = "newcomer passphrase";
    let mut migrate = Terminal::spawn(sandbox.command(&["migrate", "--to", "encrypted-file"]));
    migrate.answer("New passphrase to encrypt", 1, passphrase);
    migrate.answer("The same passphrase again: ", 1, passphrase);
    let (ok, shown) = migrate.finish();
    assert!(ok, "{shown}");
    assert_derivation_announced(&shown, "The same passphrase again: ", "Stored the key");

    let mut auth = Terminal::spawn(sandbox.command(&["auth"]));
    auth.answer("Passphrase for ", 1, passphrase);
    auth.answer("Please enter MFA token: ", 1, "123456");
    let (ok, shown) = auth.finish();
    assert!(ok, "{shown}");
    assert_derivation_announced(&shown, "Passphrase for ", "Please enter MFA token: ");
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

/// The `bash-completion` package's loader, which reads a user's completion directory.
const BASH_COMPLETION_LOADER: &str = "/usr/share/bash-completion/bash_completion";

/// What a real bash offers for the last of `words` (the word being completed), with
/// the completion `stscreds completions bash --install` wrote into the sandbox, loaded
/// as bash-completion loads it (or sourced, where that package is missing).
fn bash_offers(sandbox: &Sandbox, words: &[&str]) -> Vec<String> {
    let binaries = std::path::Path::new(env!("CARGO_BIN_EXE_stscreds"))
        .parent()
        .unwrap();
    let path = std::env::join_paths(
        std::iter::once(binaries.to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let load = if std::path::Path::new(BASH_COMPLETION_LOADER).exists() {
        format!("source {BASH_COMPLETION_LOADER} && __load_completion stscreds")
    } else {
        "source ~/.local/share/bash-completion/completions/stscreds".to_owned()
    };
    let complete = r#"
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _stscreds stscreds "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf '%s\n' "${COMPREPLY[@]}""#;
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!("{load} && complete -p stscreds >&2 && {complete}"))
        .arg("bash")
        .args(words)
        .env_clear()
        .env("PATH", path)
        .env("HOME", sandbox.home())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("-F _stscreds stscreds"),
        "not loaded: {stderr}"
    );
    let mut offered: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    offered.sort();
    offered
}

#[test]
fn bash_completion_installs_in_a_fresh_home_and_completes_profile_names_after_the_command() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    let run = sandbox
        .run(&["completions", "bash", "--install"], "")
        .success();
    let installed = sandbox.path(".local/share/bash-completion/completions/stscreds");
    assert!(
        run.stderr.contains(&format!(
            "Wrote the bash completion of stscreds to {}.",
            installed.display()
        )),
        "{run:#?}"
    );
    let loader_missing = !std::path::Path::new(BASH_COMPLETION_LOADER).exists();
    assert_eq!(
        run.stderr
            .contains("the bash-completion package, which is not installed"),
        loader_missing,
        "{run:#?}"
    );
    assert_eq!(run.stdout, "", "the script went to the file");
    assert!(
        sandbox
            .read(".local/share/bash-completion/completions/stscreds")
            .contains("_stscreds()")
    );

    sandbox.write(
        ".aws/config",
        "[profile dev]\nregion = eu-west-1\n\n[profile work]\nregion = us-east-1\n",
    );
    assert_eq!(bash_offers(&sandbox, &["stscreds", "auth", "d"]), ["dev"]);
    assert_eq!(bash_offers(&sandbox, &["stscreds", "login", "w"]), ["work"]);
    assert_eq!(
        bash_offers(&sandbox, &["stscreds", "exec", "--expires", "1h", "w"]),
        ["work"]
    );
    assert_eq!(
        bash_offers(&sandbox, &["stscreds", "export", "--profile", ""]),
        ["dev", "work"]
    );
    assert_eq!(
        bash_offers(&sandbox, &["stscreds", "auth", "--output"]),
        ["--output-env"],
        "options are options"
    );
}
