//! Hostile files and processes: what independent testing threw at stscreds (files
//! replaced by FIFOs, immutable files, leftovers of killed writes, stuck lock holders,
//! MFA commands that leave children behind, names and values that try to inject), each
//! driven through the binary as a user would meet it.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::support::fault::FaultServer;
use crate::support::moto::{Moto, TestUser};
use crate::support::{Run, Sandbox, dead_endpoint};

/// A sandbox whose `profile` is initialised for a new user with one MFA device.
fn initialised(endpoint: &str, profile: &str) -> (Sandbox, TestUser) {
    let (user, _) = Moto::shared().create_user_with_mfa("hostile");
    let sandbox = Sandbox::new(endpoint);
    sandbox.init(profile, &user);
    (sandbox, user)
}

/// Waits for `child` at most `limit`; a run that takes longer is killed and fails the
/// test as a hang. Standard output and error are read to their end, as an SDK that
/// runs a `credential_process` reads them.
#[track_caller]
fn finish_within(mut child: Child, limit: Duration) -> Run {
    let pid = child.id();
    let watchdog = thread::spawn(move || {
        let started = Instant::now();
        while started.elapsed() < limit {
            thread::sleep(Duration::from_millis(50));
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return false;
            }
        }
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        true
    });
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let status = child.wait().unwrap();
    let hung = watchdog.join().unwrap();
    assert!(!hung, "still running after {limit:?}: {stderr}");
    Run::from(std::process::Output {
        status,
        stdout: stdout.into_bytes(),
        stderr: stderr.into_bytes(),
    })
}

fn spawn(mut command: Command) -> Child {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let _ = fs::remove_file(path);
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A session for `profile` in `~/.aws/credentials` that is valid for another hour.
fn fresh_session(profile: &str) -> String {
    let expiration = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    format!(
        "[{profile}]\naws_access_key_id = ASIAFRESHSESSION01\naws_secret_access_key = freshsecret\naws_session_token = freshtoken\nstscreds_expiration = {}\n",
        expiration.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
}

#[test]
fn a_fifo_in_place_of_any_of_our_files_is_one_clear_error_not_a_hang() {
    let files = [
        ".aws/credentials",
        ".aws/config",
        ".stscreds/credentials",
        ".stscreds/config",
    ];
    let commands: [&[&str]; 4] = [
        &["read", "aws_access_key_id"],
        &["auth", "--token-code", "123456"],
        &["list"],
        &["configure", "--region", "eu-west-1"],
    ];
    for file in files {
        let sandbox = Sandbox::new(&dead_endpoint());
        sandbox.write(".aws/credentials", &fresh_session("other"));
        sandbox.write(".aws/config", "[profile other]\nregion = eu-west-1\n");
        mkfifo(&sandbox.path(file));
        for args in commands {
            let run = finish_within(spawn(sandbox.command(args)), Duration::from_secs(20));
            if run.code == Some(0) {
                // Not every command reads every file (`read` of a fresh session reads
                // only ~/.aws/credentials).
                continue;
            }
            let run = run.failure("not a regular file");
            assert!(
                run.stderr.contains("named pipe (FIFO)"),
                "{file} {args:?}: {run:#?}"
            );
            assert_eq!(run.stderr.matches("error: ").count(), 1, "{run:#?}");
        }
    }
}

#[test]
fn a_fifo_in_place_of_the_credentials_file_fails_every_command_that_reads_it() {
    let sandbox = Sandbox::new(&dead_endpoint());
    mkfifo(&sandbox.path(".aws/credentials"));
    for args in [
        &["read", "aws_access_key_id"][..],
        &["auth", "--token-code", "123456"],
        &["clear"],
    ] {
        let run = finish_within(spawn(sandbox.command(args)), Duration::from_secs(20));
        run.failure("named pipe (FIFO), not a regular file");
    }
}

/// Runs `chattr FLAG path`; false where the file system or the user cannot.
fn chattr(flag: &str, path: &Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn an_immutable_credentials_file_is_found_before_the_mfa_code_is_spent() {
    let moto = Moto::shared();
    let counter = FaultServer::counting(moto.url());
    let (sandbox, _) = initialised(&counter.url(), "default");
    sandbox.write(".aws/credentials", "# mine\n");
    let credentials = sandbox.path(".aws/credentials");
    if !chattr("+i", &credentials) {
        eprintln!("skipped: chattr +i needs root and a file system that supports it");
        return;
    }
    let run = sandbox.run(&["auth", "--token-code", "123456"], "");
    chattr("-i", &credentials);
    let run = run.failure("immutable");
    assert!(run.stderr.contains("chattr -i"), "{run:#?}");
    assert_eq!(
        counter.count("GetSessionToken"),
        0,
        "no code may be spent on a write that cannot happen"
    );
    assert_eq!(sandbox.read(".aws/credentials"), "# mine\n");
}

/// The ids of the running processes whose command line contains `marker`.
fn processes_running(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(marker) {
            found.push(name);
        }
    }
    found
}

#[test]
fn a_timed_out_mfa_command_is_stopped_with_everything_it_started() {
    let (mut sandbox, _) = initialised(&Moto::shared().url(), "default");
    sandbox.set_env("STSCREDS_MFA_TIMEOUT", "1s");
    // The shell runs `sleep` as a child that holds our standard error open.
    let marker = "47.25";
    let command = format!("sleep {marker}; echo 123456");
    let run = finish_within(
        spawn(sandbox.command(&["auth", "--mfa-command", &command])),
        Duration::from_secs(20),
    );
    run.failure("gave no code within 1 s and was stopped");
    assert_eq!(
        processes_running(&format!("sleep {marker}")),
        Vec::<String>::new()
    );
}

#[test]
fn an_mfa_command_gets_neither_the_passphrase_nor_leftover_children() {
    let (mut sandbox, _) = initialised(&Moto::shared().url(), "default");
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", "do-not-pass-this-on");
    let marker = "53.75";
    let command =
        format!("sleep {marker} & test -z \"${{STSCREDS_FILE_PASSPHRASE+set}}\" && echo 123456");
    let run = finish_within(
        spawn(sandbox.command(&["auth", "--mfa-command", &command])),
        Duration::from_secs(20),
    );
    run.success();
    assert_eq!(
        processes_running(&format!("sleep {marker}")),
        Vec::<String>::new()
    );
}

#[test]
fn exec_does_not_hand_the_passphrase_to_the_command() {
    let mut sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(".aws/credentials", &fresh_session("default"));
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", "do-not-pass-this-on");
    let run = sandbox.run(&["exec", "--", "env"], "").success();
    assert!(
        run.stdout.contains("AWS_ACCESS_KEY_ID=ASIAFRESHSESSION01"),
        "{run:#?}"
    );
    assert!(!run.stdout.contains("STSCREDS_FILE_PASSPHRASE"), "{run:#?}");
}

#[test]
fn a_waiter_gives_up_on_a_lock_holder_stuck_at_a_prompt_and_says_who_it_is() {
    let (mut sandbox, _) = initialised(&Moto::shared().url(), "dev");
    // The holder asks for the code on its standard input, which nobody answers.
    let mut holder = sandbox
        .command(&["auth", "--profile", "dev"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lock = sandbox.path(".stscreds/locks/dev.lock");
    let started = Instant::now();
    while !fs::read_to_string(&lock).is_ok_and(|note| note.starts_with(&holder.id().to_string())) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the holder never took the lock"
        );
        thread::sleep(Duration::from_millis(50));
    }
    sandbox.set_env("STSCREDS_LOCK_TIMEOUT", "1s");
    let waiter = sandbox.run(&["auth", "--profile", "dev", "--token-code", "123456"], "");
    let _ = holder.kill();
    let _ = holder.wait();
    let waiter = waiter.failure("gave up after 1s waiting for another stscreds process");
    assert!(
        waiter.stderr.contains(&format!(
            "(pid {}, renewing the session of profile 'dev')",
            holder.id()
        )),
        "{waiter:#?}"
    );
    assert!(
        waiter.stderr.contains("STSCREDS_LOCK_TIMEOUT"),
        "{waiter:#?}"
    );
}

/// Makes `path` look last modified `age` ago.
fn age_file(path: &Path, age: Duration) {
    File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - age)
        .unwrap();
}

#[test]
fn leftovers_of_killed_writes_are_swept_by_the_next_write_and_by_clear() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(".aws/config", "[profile dev]\nregion = eu-west-1\n");
    let stale = [
        ".aws/.stscreds-AbC123.tmp",
        ".stscreds/.stscreds-XyZ789.tmp",
    ];
    for leftover in stale {
        sandbox.write(leftover, &fresh_session("dev"));
        age_file(&sandbox.path(leftover), Duration::from_secs(120));
    }
    let young = ".aws/.stscreds-young1.tmp";
    let unrelated = [".aws/.stscreds-notes.txt", ".aws/backup.tmp"];
    for file in unrelated.iter().chain([&young]) {
        sandbox.write(file, "keep");
    }
    for file in unrelated {
        age_file(&sandbox.path(file), Duration::from_secs(120));
    }

    sandbox
        .run(
            &["configure", "--profile", "dev", "--region", "eu-west-3"],
            "",
        )
        .success();
    assert!(
        !sandbox.path(stale[0]).exists(),
        "swept by the write in ~/.aws"
    );
    assert!(
        sandbox.path(stale[1]).exists(),
        "no write in ~/.stscreds yet"
    );
    assert!(
        sandbox.path(young).exists(),
        "a live write's file is left alone"
    );

    sandbox.run(&["clear", "--profile", "dev"], "").success();
    assert!(!sandbox.path(stale[1]).exists(), "swept by clear");
    assert!(
        !sandbox.path(young).exists(),
        "clear, under the lock, sweeps all"
    );
    for file in unrelated {
        assert_eq!(sandbox.read(file), "keep");
    }
}

#[test]
fn clear_in_an_empty_home_creates_nothing() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let run = sandbox.run(&["clear"], "").success();
    assert!(run.stderr.contains("nothing to clear"), "{run:#?}");
    let left: Vec<_> = fs::read_dir(sandbox.home())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "created {left:?}");
}

#[test]
fn a_profile_name_too_long_for_a_file_name_still_gets_a_lock() {
    let profile = format!("team/{}", "x".repeat(250));
    let (sandbox, _) = initialised(&Moto::shared().url(), &profile);
    sandbox.auth(&profile);
    let run = sandbox
        .run(&["read", "aws_access_key_id", "--profile", &profile], "")
        .success();
    assert!(run.stdout.starts_with("AKIA") || run.stdout.starts_with("ASIA"));
}

#[test]
fn a_source_profile_that_is_not_a_name_is_refused_not_pasted_into_a_command() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(
        ".aws/config",
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = $(touch /tmp/x)\n",
    );
    let run = sandbox
        .run(&["read", "aws_access_key_id", "--profile", "dev"], "")
        .failure("source_profile = $(touch /tmp/x) in profile 'dev' is not a profile name");
    assert!(!run.stderr.contains("--profile $("), "{run:#?}");
}

#[test]
fn control_characters_from_a_file_are_escaped_in_messages() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(
        ".aws/config",
        "[profile dev]\nduration_seconds = 6\u{1b}[2J\u{0}0\n",
    );
    let run = sandbox
        .run(&["read", "aws_access_key_id", "--profile", "dev"], "")
        .failure("holds a control character (6\\u{1b}[2J\\u{0}0)");
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\0'),
        "{run:#?}"
    );
}

#[test]
fn auth_keeps_a_long_term_key_whose_token_line_is_empty() {
    let (sandbox, _) = initialised(&Moto::shared().url(), "dev");
    for token_line in ["aws_session_token =\n", "aws_session_token = # none\n"] {
        let original = format!(
            "[dev]\naws_access_key_id = AKIAUNSTOREDKEY00001\naws_secret_access_key = unstoredsecret\n{token_line}"
        );
        sandbox.write(".aws/credentials", &original);
        sandbox
            .run(&["auth", "--profile", "dev", "--token-code", "123456"], "")
            .failure("holds the long-term access key AKIAUNSTOREDKEY00001");
        assert_eq!(sandbox.read(".aws/credentials"), original, "{token_line:?}");
    }
}

#[test]
fn a_file_the_aws_cli_cannot_read_is_still_edited_with_one_warning() {
    let sandbox = Sandbox::new(&dead_endpoint());
    let config = "[profile dev]\nregion = eu-west-1\n\n[profile ops]\nregion = x\n[profile dev]\noutput = json\n";
    sandbox.write(".aws/config", config);
    let run = sandbox
        .run(
            &["configure", "--profile", "dev", "--region", "eu-west-3"],
            "",
        )
        .success();
    let warning = format!(
        "warning: {} has [profile dev] twice (lines 1 and 6); the AWS CLI and boto3 refuse such a file",
        sandbox.path(".aws/config").display()
    );
    assert_eq!(run.stderr.matches(&warning).count(), 1, "{run:#?}");
    assert!(sandbox.read(".aws/config").contains("region = eu-west-3"));

    sandbox.write(
        ".aws/credentials",
        "[dev]\naws_access_key_id = AKIAONE\nAWS_ACCESS_KEY_ID = AKIATWO\n",
    );
    let run = sandbox.run(&["clear", "--profile", "dev"], "").success();
    assert!(
        run.stderr
            .contains("sets AWS_ACCESS_KEY_ID twice in [dev] (lines 2 and 3)"),
        "{run:#?}"
    );
}
