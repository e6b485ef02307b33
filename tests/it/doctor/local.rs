//! Findings about this machine rather than the AWS files: the MFA prompt a profile
//! chooses, the keyring its keys are in, the stscreds install the shell finds, the
//! portability of a fix. Each is triggered, its fix run as doctor printed it, and seen
//! cleared.

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
    home.sandbox
        .write(".aws/config", &format!("{plain}{extra}"));
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
    // Only stscreds (and setsid, which runs it without a terminal) on PATH: kdialog is
    // not found even on a desktop that has it.
    let bin = home.sandbox.path("bin");
    let setsid = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|dir| dir.join("setsid"))
        .find(|path| path.exists())
        .unwrap();
    std::os::unix::fs::symlink(setsid, bin.join("setsid")).unwrap();
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("DISPLAY", display.name()),
        ("PATH", bin.to_str().unwrap()),
    ]);
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
    // Without a display, not even zenity can.
    let no_display = home.env(&[("AWS_PROFILE", "work"), ("STSCREDS_MFA_PROMPT", "zenity")]);
    let json_without = doctor_without_terminal(&home, &no_display, &[]);
    let message = finding(&json_without, "mfa-no-one-to-ask")["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("cannot show a zenity dialog: there is no graphical session"),
        "{message}"
    );
    assert_an_mfa_process_clears(&json_without, &no_display, &home);
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

/// A D-Bus session bus of the test's own, where nothing starts on demand: only what the
/// test starts on it is there. Ended when dropped, and what is on it with it.
struct PrivateBus {
    daemon: std::process::Child,
    address: String,
    dir: tempfile::TempDir,
}

/// The bus's configuration: a session bus on a socket in `{dir}`, without the
/// directories of services it would start on demand.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={dir}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// The keyring's password.
const KEYRING_PASSWORD: &str = "doctor-keyring";

/// The GNOME prompter the keyring asks for its password through, started on demand.
const PROMPTER_SERVICE: &str =
    "[D-BUS Service]\nName=org.gnome.keyring.SystemPrompter\nExec=/usr/libexec/gcr-prompter\n";

impl PrivateBus {
    /// A bus with nothing on it.
    fn start() -> Self {
        Self::start_with(BUS_CONFIG, None)
    }

    /// A bus on which the keyring's password prompt (gcr-prompter) starts on demand,
    /// on `display`.
    fn with_prompter_on(display: &Display) -> Self {
        let config = BUS_CONFIG.replace(
            "<auth>EXTERNAL</auth>",
            "<auth>EXTERNAL</auth>\n  <servicedir>{dir}/services</servicedir>",
        );
        Self::start_with(&config, Some(display))
    }

    fn start_with(config_text: &str, display: Option<&Display>) -> Self {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let services = dir.path().join("services");
        std::fs::create_dir_all(&services).unwrap();
        std::fs::write(
            services.join("org.gnome.keyring.SystemPrompter.service"),
            PROMPTER_SERVICE,
        )
        .unwrap();
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            config_text.replace("{dir}", &dir.path().display().to_string()),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon");
        if let Some(display) = display {
            // What it starts on demand inherits it.
            daemon.env("DISPLAY", display.name());
        }
        let mut daemon = daemon
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let mut address = String::new();
        std::io::BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon gave no address");
        Self {
            daemon,
            address,
            dir,
        }
    }

    /// `command` on this bus.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        command
    }

    /// Starts a GNOME Keyring on the bus, kept in the bus's directory, with its login
    /// collection (the default) unlocked; returns once it answers.
    fn start_keyring(&self) {
        let home = self.dir.path().join("keyring");
        std::fs::create_dir_all(&home).unwrap();
        let mut start = self.command("gnome-keyring-daemon");
        start
            .args(["--unlock", "--components=secrets"])
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", &home)
            .stdout(std::process::Stdio::null());
        run_with_stdin(start, KEYRING_PASSWORD);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.default_collection_locked().is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "no keyring on the bus"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Whether the Secret Service's default collection is locked (`None`: no answer).
    fn default_collection_locked(&self) -> Option<bool> {
        let mut get = self.command("dbus-send");
        get.args([
            "--session",
            "--print-reply=literal",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets/aliases/default",
            "org.freedesktop.DBus.Properties.Get",
            "string:org.freedesktop.Secret.Collection",
            "string:Locked",
        ]);
        let run = run_with_stdin(get, "");
        (run.code == Some(0)).then(|| run.stdout.contains("boolean true"))
    }

    /// Locks the default collection, as a screen lock or a timeout would.
    fn lock_keyring(&self) {
        let mut lock = self.command("dbus-send");
        lock.args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/aliases/default",
        ]);
        let run = run_with_stdin(lock, "");
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert_eq!(self.default_collection_locked(), Some(true));
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// Profile `work` with its keys moved into the keyring on `bus`; the environment of a
/// shell on that bus.
fn keyring_home(bus: &PrivateBus) -> (Home, BTreeMap<OsString, OsString>) {
    let home = Home::usual();
    let mut init = home
        .sandbox
        .command(&["init", "--profile", "work", "--backend", "keyring"]);
    init.env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let keys = format!(
        "{}\n{}\n",
        home.user.access_key_id, home.user.secret_access_key
    );
    run_with_stdin(init, &keys).success();
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("DBUS_SESSION_BUS_ADDRESS", &bus.address),
    ]);
    (home, env)
}

/// An unlocked keyring is no finding; a locked one is a warning, which `stscreds auth`
/// clears: the keyring asks for its password in its own window (answered here), and
/// stays unlocked. Doctor itself shows no window.
#[test]
fn a_locked_keyring() {
    let display = Display::start();
    let bus = PrivateBus::with_prompter_on(&display);
    bus.start_keyring();
    let (home, env) = keyring_home(&bus);
    let (run, json) = home.doctor(&env, &[]);
    assert_eq!((run.code, codes(&json)), (Some(0), Vec::<String>::new()));
    bus.lock_keyring();
    let (_, json) = home.doctor(&env, &[]);
    let found = finding(&json, "keyring-locked");
    assert_eq!(found["severity"], "warning");
    assert_eq!(codes(&json), ["keyring-locked"], "{json:#}");
    assert!(
        display.windows("Unlock").is_empty(),
        "doctor asked to unlock"
    );
    let after = std::thread::scope(|scope| {
        let fixed =
            scope.spawn(|| assert_fix_clears(&home, &json, "keyring-locked", &env, "", &[]));
        let prompt = display.wait_for_window("Unlock");
        display.answer(&prompt, KEYRING_PASSWORD);
        fixed.join().unwrap()
    });
    assert_eq!(codes(&after), Vec::<String>::new());
    assert_eq!(bus.default_collection_locked(), Some(false));
}

/// No Secret Service: no session bus at all, then a bus without one. The keys cannot
/// be read; the fix stores them again, in the encrypted file.
#[test]
fn an_absent_keyring() {
    let bus = PrivateBus::start();
    bus.start_keyring();
    let (home, _) = keyring_home(&bus);
    drop(bus);
    let no_bus = home.sandbox.path("no-such-bus");
    let no_bus = format!("unix:path={}", no_bus.display());
    let empty_bus = PrivateBus::start();
    for address in [no_bus.as_str(), empty_bus.address.as_str()] {
        let env = home.env(&[
            ("AWS_PROFILE", "work"),
            ("DBUS_SESSION_BUS_ADDRESS", address),
        ]);
        let (run, json) = home.doctor(&env, &[]);
        assert_eq!(run.code, Some(1), "{run:#?}");
        let found = finding(&json, "keyring-absent");
        assert_eq!(found["severity"], "error");
        assert_eq!(codes(&json), ["keyring-absent"], "{json:#}");
    }
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("DBUS_SESSION_BUS_ADDRESS", &no_bus),
        ("STSCREDS_FILE_PASSPHRASE", "doctor passphrase"),
    ]);
    let (_, json) = home.doctor(&env, &[]);
    let keys = format!(
        "{}\n{}\n",
        home.user.access_key_id, home.user.secret_access_key
    );
    // The keys are stored again, and the profile uses them from now on; the old copy
    // in the keyring cannot be removed from here, which `init` says, failing.
    let fix = finding(&json, "keyring-absent")["fix"].as_str().unwrap();
    let mut shell = Command::new("sh");
    shell.arg("-c").arg(fix).env_clear().envs(&env);
    let run = run_with_stdin(shell, &keys);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("Successfully wrote"), "{run:#?}");
    assert!(run.stderr.contains("could not be removed"), "{run:#?}");
    let (run, after) = home.doctor(&env, &[]);
    assert_eq!((run.code, codes(&after)), (Some(0), Vec::<String>::new()));
    let mut auth = home.sandbox.command(&["auth", "--profile", "work"]);
    auth.env_clear().envs(&env);
    run_with_stdin(auth, "").success();
}
