//! Findings about this machine rather than the AWS files: the MFA prompt a profile
//! chooses, the stscreds install the shell finds, the portability of a fix. Each is
//! triggered, its fix run as doctor printed it, and seen cleared.

use super::*;
use crate::support::display::Display;

/// `stscreds doctor --json ARGS` in exactly `env`, as an SDK runs a `credential_process`:
/// no controlling terminal, standard input from nothing.
fn doctor_without_terminal(
    home: &Home,
    env: &BTreeMap<OsString, OsString>,
    args: &[&str],
) -> Value {
    let mut argv = vec!["doctor", "--json"];
    argv.extend_from_slice(args);
    let mut command = home.sandbox.command(&argv);
    command.env_clear().envs(env);
    parse(&run_with_stdin(
        crate::support::without_terminal(command),
        "",
    ))
}

/// A home whose profile `work` asks for its MFA code (no `mfa_process`), with `extra`
/// in its section (written after `init`, which would ask through it).
fn asking_home(extra: &str) -> Home {
    let plain = format!("[profile work]\nregion = {REGION}\n");
    let home = Home::new(&plain);
    home.sandbox.write(".aws/config", &format!("{plain}{extra}"));
    home
}

/// `mfa-no-one-to-ask`'s fix with an MFA command of the user's for `COMMAND`, run
/// without a terminal as doctor was: the finding is gone.
#[track_caller]
fn assert_an_mfa_process_clears(json: &Value, env: &BTreeMap<OsString, OsString>, home: &Home) {
    let fix = finding(json, "mfa-no-one-to-ask")["fix"]
        .as_str()
        .unwrap()
        .replace("COMMAND", "'echo 123456'");
    let mut shell = Command::new("sh");
    shell.arg("-c").arg(&fix).env_clear().envs(env);
    let run = run_with_stdin(shell, "");
    assert_eq!(run.code, Some(0), "the fix {fix:?} failed: {run:#?}");
    let after = doctor_without_terminal(home, env, &[]);
    assert!(
        !codes(&after).iter().any(|code| code == "mfa-no-one-to-ask"),
        "still reported after `{fix}`: {after:#}"
    );
}

/// `mfa_prompt = terminal` on a desktop (a display where zenity works) without a
/// terminal: `auto` would show a dialog, the terminal prompt has nobody to ask.
#[test]
fn mfa_prompt_terminal_without_a_terminal_has_nobody_to_ask() {
    let display = Display::start();
    let home = asking_home("mfa_prompt = terminal\n");
    let env = home.env(&[("AWS_PROFILE", "work"), ("DISPLAY", display.name())]);
    let json = doctor_without_terminal(&home, &env, &[]);
    let message = finding(&json, "mfa-no-one-to-ask")["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("the terminal prompt"), "{message}");
    assert!(message.contains("no /dev/tty"), "{message}");
    // With the prompt left to `auto`, zenity on this display can ask.
    home.sandbox.write(
        ".aws/config",
        &format!("[profile work]\nregion = {REGION}\n"),
    );
    assert_eq!(
        codes(&doctor_without_terminal(&home, &env, &[])),
        Vec::<String>::new()
    );
    // With an mfa_process, the prompt is never used (`mfa-process-missing` checks it).
    home.sandbox.write(
        ".aws/config",
        &format!("[profile work]\nregion = {REGION}\nmfa_prompt = terminal\n"),
    );
    assert_an_mfa_process_clears(&json, &env, &home);
}

/// `mfa_prompt = kdialog` where kdialog is not installed, on a display where zenity
/// (which `auto` would take) works: nobody can be asked, and doctor says why.
#[test]
fn mfa_prompt_naming_a_dialog_that_cannot_be_shown_has_nobody_to_ask() {
    let display = Display::start();
    let home = asking_home("mfa_prompt = kdialog\n");
    let env = home.env(&[("AWS_PROFILE", "work"), ("DISPLAY", display.name())]);
    let json = doctor_without_terminal(&home, &env, &[]);
    let message = finding(&json, "mfa-no-one-to-ask")["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("cannot show a kdialog dialog: kdialog is not installed"),
        "{message}"
    );
    // STSCREDS_MFA_PROMPT wins over mfa_prompt: zenity can ask.
    let with_zenity = home.env(&[
        ("AWS_PROFILE", "work"),
        ("DISPLAY", display.name()),
        ("STSCREDS_MFA_PROMPT", "zenity"),
    ]);
    assert_eq!(
        codes(&doctor_without_terminal(&home, &with_zenity, &[])),
        Vec::<String>::new()
    );
    assert_an_mfa_process_clears(&json, &env, &home);
}

/// A profile served by a stscreds `credential_process`: the AWS tools run it without a
/// terminal on standard input, so the code of the profile it serves is asked through
/// `/dev/tty` or a dialog, and here there is neither.
#[test]
fn a_credential_process_profile_whose_code_nobody_can_be_asked_for() {
    let home = asking_home(&format!(
        "\n[profile work-cli]\nregion = {REGION}\ncredential_process = stscreds credential-process --profile work\n"
    ));
    let env = home.env(&[("AWS_PROFILE", "work-cli")]);
    let json = doctor_without_terminal(&home, &env, &[]);
    let found = finding(&json, "mfa-no-one-to-ask");
    assert_eq!(found["line"], 1, "{json:#}");
    let message = found["message"].as_str().unwrap();
    assert!(message.contains("profile 'work'"), "{message}");
    assert!(message.contains("credential_process"), "{message}");
    assert_an_mfa_process_clears(&json, &env, &home);
}

/// A `stscreds` on `PATH` (the one every printed fix runs) copied without its
/// `stscreds-core`, then beside one of another version, while doctor runs from the
/// build: the fix puts this install's pair there.
#[test]
fn the_stscreds_on_path_without_its_core_or_with_another_version() {
    let home = Home::usual();
    home.auth("work");
    let old = home.sandbox.path("old");
    std::fs::create_dir_all(&old).unwrap();
    let path = format!(
        "{}:{}",
        old.display(),
        home.env(&[])[&OsString::from("PATH")].to_string_lossy()
    );
    let env = home.env(&[("AWS_PROFILE", "work"), ("PATH", &path)]);
    for (core, code) in [
        (None, "core-missing"),
        (Some("#!/bin/sh\necho 'stscreds 0.0.1'\n"), "core-mismatch"),
    ] {
        std::fs::copy(crate::support::binary(), old.join("stscreds")).unwrap();
        if let Some(script) = core {
            home.sandbox.write("old/stscreds-core", script);
            chmod(&home, "old/stscreds-core", 0o755);
        }
        let (run, json) = home.doctor(&env, &[]);
        assert_eq!(run.code, Some(1), "{run:#?}");
        let found = finding(&json, code);
        assert_eq!(found["severity"], "error");
        assert_eq!(codes(&json), [code], "{json:#}");
        let after = assert_fix_clears(&home, &json, code, &env, "", &[]);
        assert_eq!(codes(&after), Vec::<String>::new());
        std::fs::remove_file(old.join("stscreds-core")).unwrap();
    }
}

/// `sed` as BSD's (macOS) reads its arguments: a bare `-i` takes the next word as the
/// backup suffix. (GNU sed does the editing.)
const BSD_SED: &str = r#"#!/bin/sh
case $1 in
  -i) suffix=$2; shift 2; exec SED "--in-place=$suffix" "$@" ;;
  -i*) suffix=${1#-i}; shift; exec SED "--in-place=$suffix" "$@" ;;
esac
exec SED "$@"
"#;

/// The `repeated-key` fix with macOS's sed: the line goes, the file stays as private
/// as it was, and no backup is left beside it.
#[test]
fn the_repeated_key_fix_works_with_bsd_sed() {
    let home = Home::usual();
    home.auth("work");
    home.sandbox
        .write(".aws/config", &work_config(&format!("region = {REGION}\n")));
    chmod(&home, ".aws/config", 0o600);
    let gnu_sed = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|dir| dir.join("sed"))
        .find(|sed| sed.is_file())
        .unwrap();
    home.sandbox.write(
        "bin/sed",
        &BSD_SED.replace("SED", &gnu_sed.display().to_string()),
    );
    chmod(&home, "bin/sed", 0o755);
    let env = home.env(&[("AWS_PROFILE", "work")]);
    let (_, json) = home.doctor(&env, &[]);
    let after = assert_fix_clears(&home, &json, "repeated-key", &env, "", &[]);
    assert_eq!(codes(&after), Vec::<String>::new());
    let config = home.sandbox.path(".aws/config");
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let mut left: Vec<String> = std::fs::read_dir(home.sandbox.path(".aws"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["config", "credentials"]);
}
