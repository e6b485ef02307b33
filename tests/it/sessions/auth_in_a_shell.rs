//! `auth` with a shell in mind: it warns when the shell's own credential variables will
//! hide the new session, and says how to load it.

use std::process::Command;

use crate::support::moto::Moto;
use crate::support::{Run, Sandbox, put_stscreds_on_path, run_with_stdin};

/// Runs `script` in bash with the sandbox's environment, as the user's shell.
fn in_bash(sandbox: &Sandbox, script: &str) -> Run {
    let stscreds = sandbox.command(&[]);
    let mut bash = Command::new("bash");
    bash.arg("-c")
        .arg(script)
        .env_clear()
        .envs(stscreds.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    run_with_stdin(bash, "")
}

/// A sandbox with `profile` initialised for a new user, and `stscreds` on the PATH.
fn initialised(profile: &str) -> Sandbox {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("everyday-auth");
    let mut sandbox = Sandbox::new(&moto.url());
    put_stscreds_on_path(&mut sandbox);
    sandbox.init(profile, &user);
    sandbox
}

const OLD_SESSION: &str =
    "export AWS_ACCESS_KEY_ID=ASIAOLDSESSION000001 AWS_SECRET_ACCESS_KEY=old AWS_SESSION_TOKEN=old";

#[test]
fn auth_in_a_shell_with_credential_variables_says_how_to_load_the_new_ones() {
    let sandbox = initialised("default");
    let script = format!(
        "{OLD_SESSION}\nstscreds auth --token-code 123456\neval \"$(stscreds export)\"\necho \"now $AWS_ACCESS_KEY_ID\""
    );
    let run = in_bash(&sandbox, &script);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stderr.contains(
            "warning: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN set in this environment; AWS tools use them before ~/.aws/credentials, so this shell keeps the old credentials: load the new ones with `eval \"$(stscreds export)\"`\n"
        ),
        "{run:#?}"
    );
    assert_eq!(
        run.stdout, "now AKIAIOSFODNN7EXAMPLE\n",
        "the suggested command loads the new session"
    );

    let quiet = in_bash(&sandbox, "stscreds auth --token-code 123456");
    assert!(
        quiet.code == Some(0) && !quiet.stderr.contains("warning"),
        "{quiet:#?}"
    );
}

#[test]
fn the_suggested_command_names_a_profile_other_than_default() {
    let sandbox = initialised("team/dev");
    let run = in_bash(
        &sandbox,
        "export AWS_SESSION_TOKEN=old\nstscreds auth --profile team/dev --token-code 123456",
    );
    assert!(
        run.stderr.contains(
            "warning: AWS_SESSION_TOKEN set in this environment; AWS tools use it before ~/.aws/credentials, so this shell keeps the old credentials: load the new ones with `eval \"$(stscreds export --profile team/dev)\"`"
        ),
        "{run:#?}"
    );
}

#[test]
fn auth_output_env_replaces_the_variables_itself_so_it_does_not_warn() {
    let sandbox = initialised("default");
    let script = format!(
        "{OLD_SESSION}\neval \"$(stscreds auth --output-env --token-code 123456)\"\necho \"now $AWS_ACCESS_KEY_ID $AWS_REGION\""
    );
    let run = in_bash(&sandbox, &script);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(!run.stderr.contains("warning"), "{run:#?}");
    assert_eq!(run.stdout, "now AKIAIOSFODNN7EXAMPLE us-east-1\n");
}
