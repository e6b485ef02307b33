//! MFA prompts without a terminal: an IDE runs `credential-process` with no terminal,
//! and a dialog asks for the code (and the encrypted file's passphrase). The dialogs
//! are real zenity windows on a private Xvfb display, found and answered with
//! xdotool as a person would.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::background::Background;
use crate::support::display::{Display, Window};
use crate::support::fault::{FaultServer, minted};
use crate::support::moto::{Moto, TestUser};
use crate::support::{Run, Sandbox, run_with_stdin, without_terminal};
use stscreds::ini::Document;

/// The title of the MFA dialog of profile `work`.
const MFA_DIALOG: &str = r"^stscreds: MFA code \(profile 'work'\)$";

/// Any dialog of stscreds'.
const ANY_DIALOG: &str = "^stscreds";

/// A sandbox with keys for profile `work` of a new user, whose AWS calls are counted
/// (each GetSessionToken answered with credentials of its own, see `minted`), and a
/// display of its own, named in `DISPLAY`.
fn with_display(name: &str) -> (Sandbox, FaultServer, Display, TestUser) {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa(name);
    let server = FaultServer::minting(moto.url(), Duration::ZERO);
    let mut sandbox = Sandbox::new(&server.url());
    sandbox.init("work", &user);
    let display = Display::start();
    sandbox.set_env("DISPLAY", display.name());
    // A dialog left unanswered by a failing test closes on its own.
    sandbox.set_env("STSCREDS_MFA_TIMEOUT", "60s");
    (sandbox, server, display, user)
}

/// Stores `user`'s keys for profile `work` in the encrypted file, under `passphrase`.
fn init_encrypted(sandbox: &Sandbox, user: &TestUser, passphrase: &str) {
    crate::support::register_secret(passphrase);
    let keys = format!("{}\n{}\n", user.access_key_id, user.secret_access_key);
    let mut init = sandbox.command(&["init", "--profile", "work", "--backend", "encrypted-file"]);
    init.env("STSCREDS_FILE_PASSPHRASE", passphrase);
    run_with_stdin(init, &keys).success();
}

/// `stscreds credential-process --profile work` as an IDE runs it: no terminal, pipes.
fn credential_process(sandbox: &Sandbox, extra: &[&str]) -> Background {
    let mut args = vec!["credential-process", "--profile", "work"];
    args.extend_from_slice(extra);
    Background::start(without_terminal(sandbox.command(&args)))
}

/// Makes the stored session of `work` (in `~/.aws/credentials`) expired.
fn expire_session(sandbox: &Sandbox) {
    let mut document = Document::parse(&sandbox.read(".aws/credentials")).unwrap();
    document
        .set("work", "stscreds_expiration", "2020-01-01T00:00:00Z")
        .unwrap();
    sandbox.write(".aws/credentials", &document.render());
}

/// Every entry under the sandbox's home but the lock files and the cache directory
/// (`~/.cache`, where toolkits keep what they rebuild at will: fonts, shaders), each
/// with its contents: a regular file's bytes, a symbolic link's target, or the kind of
/// anything else (a directory, a socket, a pipe), which is never opened.
fn files(home: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(directory: &Path, home: &Path, found: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(directory).unwrap().flatten() {
            let path = entry.path();
            let relative = path.strip_prefix(home).unwrap().display().to_string();
            let kind = entry.file_type().unwrap();
            let contents = if relative == ".cache" || relative.ends_with(".lock") {
                continue;
            } else if kind.is_dir() {
                walk(&path, home, found);
                b"a directory".to_vec()
            } else if kind.is_file() {
                std::fs::read(&path).unwrap()
            } else if kind.is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                special_kind(kind).as_bytes().to_vec()
            };
            found.insert(relative, contents);
        }
    }
    let mut found = BTreeMap::new();
    walk(home, home, &mut found);
    found
}

/// What a file that is neither a directory, a regular file nor a symbolic link is.
fn special_kind(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_socket() {
        "a socket"
    } else if kind.is_fifo() {
        "a named pipe"
    } else {
        "a device"
    }
}

/// The `AccessKeyId` of a `credential_process` document, after checking its version.
fn access_key_id(run: &Run) -> String {
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not the credential JSON ({error}): {run:#?}"));
    assert_eq!(json["Version"], 1, "{run:#?}");
    json["AccessKeyId"].as_str().unwrap().to_owned()
}

/// Every dialog of stscreds' shown until `done` (at most 90 s), in order.
fn dialogs_until(display: &Display, mut done: impl FnMut() -> bool) -> Vec<Window> {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut seen: Vec<Window> = Vec::new();
    while !done() {
        assert!(
            Instant::now() < deadline,
            "still running; dialogs: {seen:?}"
        );
        for window in display.windows(ANY_DIALOG) {
            if !seen.contains(&window) {
                seen.push(window);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    seen
}

#[test]
fn credential_process_without_a_terminal_asks_for_the_code_in_a_dialog() {
    let (sandbox, server, display, _) = with_display("gui-code");
    let process = credential_process(&sandbox, &[]);

    let dialog = display.wait_for_window(ANY_DIALOG);
    assert_eq!(dialog.title, "stscreds: MFA code (profile 'work')");
    let arguments = dialog.arguments();
    assert!(
        arguments.iter().any(|arg| arg.contains("arn:aws:iam::")
            && arg.contains(":mfa/")
            && arg.contains("profile 'work'")),
        "the dialog names the device and the profile: {arguments:?}"
    );
    assert!(!arguments.contains(&"--hide-text".to_owned()));
    display.answer(&dialog, "123456");
    let run = process.finish().success();

    assert_eq!(access_key_id(&run), minted(0).0, "{run:#?}");
    assert_eq!(server.count("GetSessionToken"), 1, "exactly one STS call");
    assert!(!run.stderr.contains("Please enter MFA token"), "{run:#?}");
}

#[test]
fn a_cancelled_dialog_fails_with_one_line_and_changes_nothing() {
    let (sandbox, server, display, _) = with_display("gui-cancel");
    sandbox.auth("work");
    expire_session(&sandbox);
    let before = files(sandbox.home());
    let calls_before = server.count("GetSessionToken");

    let process = credential_process(&sandbox, &[]);
    let dialog = display.wait_for_window(MFA_DIALOG);
    display.press(&dialog, "Escape");
    let run = process.finish().failure(
        "the MFA dialog for profile 'work' was cancelled; nothing was sent to AWS and no file was changed",
    );

    assert_eq!(run.error_lines().len(), 1, "{run:#?}");
    assert_eq!(run.stdout, "");
    assert_eq!(server.count("GetSessionToken"), calls_before);
    assert!(files(sandbox.home()) == before, "a file changed");
    // Nor is anything the dialog started left running.
    assert_eq!(display.clients(), Vec::<u32>::new(), "{run:#?}");
}

#[test]
fn a_mistyped_code_is_asked_for_again_in_a_new_dialog() {
    let (sandbox, server, display, _) = with_display("gui-typo");
    let process = credential_process(&sandbox, &[]);

    let first = display.wait_for_window(MFA_DIALOG);
    display.answer(&first, "12345");
    let second = display.wait_for_new_window(MFA_DIALOG, std::slice::from_ref(&first));
    assert!(
        second
            .arguments()
            .iter()
            .any(|arg| arg.contains("That was not 6 digits.")),
        "{:?}",
        second.arguments()
    );
    assert_eq!(
        server.count("GetSessionToken"),
        0,
        "nothing sent for a typo"
    );
    display.answer(&second, "123456");
    let run = process.finish().success();

    assert_eq!(access_key_id(&run), minted(0).0);
    assert_eq!(server.count("GetSessionToken"), 1);
}

#[test]
fn ten_credential_processes_without_a_terminal_share_one_dialog_and_one_sts_call() {
    let (sandbox, server, display, _) = with_display("gui-many");
    sandbox.auth("work");
    expire_session(&sandbox);
    let calls_before = server.count("GetSessionToken");

    let mut processes: Vec<Background> =
        (0..10).map(|_| credential_process(&sandbox, &[])).collect();
    let dialog = display.wait_for_window(ANY_DIALOG);
    // Every other process is waiting for the one that shows the dialog.
    let deadline = Instant::now() + Duration::from_secs(30);
    while processes
        .iter()
        .filter(|process| process.has_said("Waiting for another stscreds process"))
        .count()
        < 9
    {
        assert!(Instant::now() < deadline, "the others never waited");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(display.windows(ANY_DIALOG), std::slice::from_ref(&dialog));
    display.answer(&dialog, "123456");
    let mut seen = dialogs_until(&display, || {
        processes.iter_mut().all(Background::has_finished)
    });
    seen.retain(|window| *window != dialog);
    seen.insert(0, dialog);
    let runs: Vec<Run> = processes.into_iter().map(Background::finish).collect();

    assert_eq!(seen.len(), 1, "exactly one dialog: {seen:?}");
    assert_eq!(server.count("GetSessionToken") - calls_before, 1);
    for run in &runs {
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert_eq!(run.stdout, runs[0].stdout, "the same credentials for all");
    }
    assert_eq!(access_key_id(&runs[0]), minted(calls_before).0);
}

#[test]
fn with_no_display_and_no_terminal_the_error_names_mfa_prompt() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("gui-nodisplay");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("work", &user);
    let process = without_terminal(sandbox.command(&["credential-process", "--profile", "work"]));
    let run = run_with_stdin(process, "").failure(
        "and no dialog (there is no graphical session (DISPLAY and WAYLAND_DISPLAY are unset))",
    );
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{run:#?}");
    for way_out in [
        "`stscreds auth --profile work` in a terminal",
        "--token-code",
        "mfa_process",
        "mfa_prompt",
    ] {
        assert!(errors[0].contains(way_out), "{way_out:?} missing: {run:#?}");
    }
}

#[test]
fn a_display_that_is_gone_is_not_taken_for_a_cancel() {
    crate::support::display::require_tools();
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("gui-gone");
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox.init("work", &user);
    // Xvfb numbers its displays from 0: nothing listens this high.
    sandbox.set_env("DISPLAY", ":64999");
    let process = without_terminal(sandbox.command(&["credential-process", "--profile", "work"]));
    let run = run_with_stdin(process, "")
        .failure("the zenity dialog failed (it cannot open display :64999)");
    assert_eq!(run.error_lines().len(), 1, "{run:#?}");
    assert!(!run.stderr.contains("cancelled"), "{run:#?}");
}

#[test]
fn the_passphrase_of_an_encrypted_file_profile_is_asked_in_a_password_dialog() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("gui-passphrase");
    let server = FaultServer::counting(moto.url());
    let mut sandbox = Sandbox::new(&server.url());
    let passphrase = "correct horse_battery";
    init_encrypted(&sandbox, &user, passphrase);
    let display = Display::start();
    sandbox.set_env("DISPLAY", display.name());

    let process = credential_process(&sandbox, &[]);
    let asked = display.wait_for_window(ANY_DIALOG);
    assert_eq!(asked.title, "stscreds (profile 'work')");
    let arguments = asked.arguments();
    assert!(
        arguments
            .iter()
            .any(|arg| arg.starts_with("--text=Passphrase for ")),
        "{arguments:?}"
    );
    assert!(
        arguments.contains(&"--hide-text".to_owned()),
        "a password field: {arguments:?}"
    );
    display.answer(&asked, passphrase);
    let code = display.wait_for_new_window(MFA_DIALOG, &[asked]);
    display.answer(&code, "123456");
    let run = process.finish().success();

    access_key_id(&run);
    assert_eq!(server.count("GetSessionToken"), 1);
}

#[test]
fn a_dialog_nobody_answers_is_closed_after_the_mfa_timeout() {
    let (mut sandbox, server, display, _) = with_display("gui-timeout");
    sandbox.set_env("STSCREDS_MFA_TIMEOUT", "3s");
    let mut process = credential_process(&sandbox, &[]);

    let seen = dialogs_until(&display, || process.has_finished());
    let run = process
        .finish()
        .failure("the MFA dialog for profile 'work' got no code within 3 s and was closed");

    // Only a dialog still running at the deadline times out; afterwards nothing runs
    // on the display and nothing is shown there.
    assert_eq!(run.error_lines().len(), 1, "{run:#?}");
    assert_eq!(display.clients(), Vec::<u32>::new(), "a dialog still runs");
    display.wait_until_gone(ANY_DIALOG);
    assert!(seen.iter().all(|window| !window.program_runs()), "{seen:?}");
    assert_eq!(server.count("GetSessionToken"), 0);
}

#[test]
fn a_dialog_closes_when_the_process_that_showed_it_is_killed() {
    let (sandbox, server, display, _) = with_display("gui-killed");
    let process = credential_process(&sandbox, &[]);
    let dialog = display.wait_for_window(MFA_DIALOG);

    // What an IDE that gives up does to its credential_process.
    drop(process);
    display.wait_until_gone(ANY_DIALOG);
    assert!(!dialog.program_runs());
    assert_eq!(server.count("GetSessionToken"), 0);
}

#[test]
fn the_command_line_chooses_the_prompt_over_the_profile() {
    let (sandbox, server, display, _) = with_display("gui-choice");
    sandbox.write(".aws/config", "[profile work]\nmfa_prompt = terminal\n");

    let run = run_with_stdin(
        without_terminal(sandbox.command(&["credential-process", "--profile", "work"])),
        "",
    )
    .failure("no terminal");
    assert!(display.windows(ANY_DIALOG).is_empty(), "{run:#?}");

    // An ordinary command with piped standard input shows a dialog when asked to.
    let auth = Background::start(sandbox.command(&[
        "auth",
        "--profile",
        "work",
        "--mfa-prompt",
        "zenity",
    ]));
    let dialog = display.wait_for_window(MFA_DIALOG);
    display.answer(&dialog, "123456");
    auth.finish().success();
    assert_eq!(server.count("GetSessionToken"), 1);
}

#[test]
fn the_credential_server_asks_for_the_code_of_a_renewal_in_a_dialog() {
    let (mut sandbox, server, display, _) = with_display("gui-server");
    // The first credentials come with the command line's code; each renewal, due a
    // few seconds later, needs a new one, and the server has no terminal.
    sandbox.set_env("STSCREDS_TEST_RENEW_AHEAD", "59m55s");
    let serve = Background::start(without_terminal(sandbox.command(&[
        "serve",
        "--profile",
        "work",
        "--token-code",
        "123456",
    ])));

    let dialog = display.wait_for_window(MFA_DIALOG);
    assert_eq!(server.count("GetSessionToken"), 1);
    display.answer(&dialog, "654321");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !serve.has_said("renewed the credentials of profile 'work'") {
        assert!(Instant::now() < deadline, "no renewal");
        std::thread::sleep(Duration::from_millis(20));
    }
    serve.terminate();
    let run = serve.finish();

    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        !run.stderr
            .contains("renewing the credentials of profile 'work' failed"),
        "{run:#?}"
    );
    assert!(server.count("GetSessionToken") >= 2);
}

#[test]
fn commands_that_ask_only_for_the_passphrase_ask_where_the_prompt_settings_say() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("gui-passphrase-commands");
    let mut sandbox = Sandbox::new(&moto.url());
    let passphrase = "correct horse_battery_commands";
    init_encrypted(&sandbox, &user, passphrase);
    let display = Display::start();
    sandbox.set_env("DISPLAY", display.name());
    sandbox.set_env("STSCREDS_MFA_TIMEOUT", "60s");

    let whoami = ["whoami", "--profile", "work", "--mfa-prompt", "zenity"];
    let process = Background::start(without_terminal(sandbox.command(&whoami)));
    let asked = display.wait_for_window(ANY_DIALOG);
    display.answer(&asked, passphrase);
    let run = process.finish().success();
    assert!(run.stdout.contains(&user.name), "{run:#?}");

    sandbox.set_env("STSCREDS_MFA_PROMPT", "zenity");
    let policy = ["policy", "--profile", "work"];
    let process = Background::start(without_terminal(sandbox.command(&policy)));
    let asked = display.wait_for_new_window(ANY_DIALOG, &[asked]);
    display.answer(&asked, passphrase);
    let run = process.finish().success();
    assert!(run.stdout.contains("AllowStscredsWithoutMFA"), "{run:#?}");
}
