//! `exec` and `export` at their simplest: credentials in the command's environment
//! only, a shell when there is no command (and never a nested one), and `export`'s
//! formats sourced by a POSIX shell and by fish, or parsed as JSON.

use std::process::Command;

use crate::support::moto::Moto;
use crate::support::new_user::initialised;
use crate::support::{MOTO_SESSION_KEY, python, run_with_stdin};

#[test]
fn export_prints_sourceable_sh_and_parseable_json() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "default");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let sh = sandbox
        .run(&["export", "--format", "sh"], "")
        .success()
        .stdout;
    let script = format!(
        "{sh}\nprintf '%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"${{AWS_SESSION_TOKEN:0:10}}\" \"$AWS_CREDENTIAL_EXPIRATION\""
    );
    let output = Command::new("bash").arg("-c").arg(script).output().unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.starts_with(&format!("{MOTO_SESSION_KEY}|AQoEXAMPLE|20")),
        "{printed}"
    );

    let json = sandbox
        .run(&["export", "--format", "json"], "")
        .success()
        .stdout;
    let check = "import json,sys; d=json.load(sys.stdin); assert d['Version']==1 and d['AccessKeyId'] and d['Expiration'].endswith('Z'); print('ok')";
    let mut command = Command::new(python());
    command.args(["-c", check]);
    let parsed = run_with_stdin(command, &json);
    assert_eq!(parsed.stdout.trim(), "ok", "{parsed:#?}");
    for format in ["fish", "powershell", "cmd", "dotenv", "ini"] {
        let out = sandbox
            .run(&["export", "--format", format], "")
            .success()
            .stdout;
        assert!(out.contains(MOTO_SESSION_KEY), "{format}: {out}");
    }
}

#[test]
fn exec_runs_a_command_with_credentials_in_its_environment_only() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, &moto.url(), "work");
    sandbox.write(".aws/config", "[profile work]\nregion = eu-central-1\n");
    sandbox.auth("work");
    sandbox.set_env("AWS_PROFILE", "work");
    let script = r#"printf '%s|%s|%s|%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_REGION" "$STSCREDS_PROFILE" "${AWS_PROFILE-unset}" "$(tr '\0' ' ' < /proc/$$/cmdline)""#;
    let run = sandbox
        .run(&["exec", "--", "sh", "-c", script], "")
        .success();
    let fields: Vec<&str> = run.stdout.split('|').collect();
    assert_eq!(
        &fields[..4],
        [MOTO_SESSION_KEY, "eu-central-1", "work", "unset"]
    );
    let secret = crate::support::MOTO_SESSION_SECRETS[0];
    assert!(
        !fields[4].contains(secret),
        "no secret on a command line: {}",
        fields[4]
    );

    let status = sandbox
        .command(&["exec", "--", "sh", "-c", "exit 7"])
        .status()
        .unwrap();
    assert_eq!(
        status.code(),
        Some(7),
        "the command's exit code is passed on"
    );
}

#[test]
fn exec_without_a_command_starts_the_shell_and_refuses_to_nest() {
    let moto = Moto::shared();
    let (mut sandbox, _, _) = initialised(moto, &moto.url(), "default");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    sandbox.set_env("SHELL", "/bin/sh");
    let run = sandbox
        .run(&["exec"], "echo \"in shell: $AWS_ACCESS_KEY_ID\"\n")
        .success();
    assert_eq!(run.stdout, format!("in shell: {MOTO_SESSION_KEY}\n"));

    sandbox.set_env("STSCREDS_PROFILE", "default");
    sandbox
        .run(&["exec", "--", "true"], "")
        .failure("already inside `stscreds exec`");
    sandbox
        .run(&["exec", "--force", "--", "true"], "")
        .success();
    sandbox
        .run(&["exec", "--force", "--", "no-such-command-xyz"], "")
        .failure("cannot run 'no-such-command-xyz'");
}

/// Sources `stscreds export --format FORMAT` in `shell` and prints the three variables.
fn source_in(shell: &str, format: &str, print: &str) -> Option<String> {
    let shell_path = ["/bin", "/usr/bin", "/usr/local/bin"]
        .iter()
        .map(|dir| std::path::Path::new(dir).join(shell))
        .find(|path| path.exists())?;
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "default");
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let exported = sandbox
        .run(&["export", "--format", format], "")
        .success()
        .stdout;
    let output = Command::new(shell_path)
        .arg("-c")
        .arg(format!("{exported}\n{print}"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn the_sh_export_sources_in_a_posix_shell() {
    let printed = source_in(
        "sh",
        "sh",
        r#"printf '%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_CREDENTIAL_EXPIRATION""#,
    )
    .expect("every Unix has /bin/sh");
    assert!(
        printed.starts_with(&format!("{MOTO_SESSION_KEY}|20")),
        "{printed}"
    );
}

#[test]
fn the_fish_export_sources_in_fish_where_fish_is_installed() {
    match source_in(
        "fish",
        "fish",
        r#"printf '%s|%s' $AWS_ACCESS_KEY_ID $AWS_CREDENTIAL_EXPIRATION"#,
    ) {
        Some(printed) => assert!(
            printed.starts_with(&format!("{MOTO_SESSION_KEY}|20")),
            "{printed}"
        ),
        None => {
            eprintln!("fish is not installed here: its quoting is checked by the unit tests only")
        }
    }
}
