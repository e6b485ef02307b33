//! Bad local files: every one is reported with its path (and line, where there is one)
//! before any MFA code is asked for, and none is ever overwritten.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::support::moto::Moto;
use crate::support::{Run, Sandbox, run_with_stdin};

fn initialised() -> Sandbox {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("local");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("default", &user);
    sandbox
}

/// `auth` must fail with `message` naming `path`, before asking for a code.
#[track_caller]
fn auth_refuses(sandbox: &Sandbox, path: &str, message: &str) -> Run {
    let run = sandbox.run(&["auth"], "123456\n").failure(message);
    assert!(
        run.stderr
            .contains(&sandbox.path(path).display().to_string()),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("Please enter MFA token"),
        "no code asked for: {run:#?}"
    );
    run
}

#[test]
fn binary_garbage_in_the_credentials_file_is_reported_and_kept() {
    let sandbox = initialised();
    let garbage = b"[default]\naws_access_key_id = ASIA\n\x00\xff\xfe\x89PNG\r\n";
    fs::create_dir_all(sandbox.path(".aws")).unwrap();
    fs::write(sandbox.path(".aws/credentials"), garbage).unwrap();
    auth_refuses(
        &sandbox,
        ".aws/credentials",
        "line 3: file is not UTF-8 text",
    );
    assert_eq!(fs::read(sandbox.path(".aws/credentials")).unwrap(), garbage);
    sandbox
        .run(&["read", "aws_access_key_id"], "")
        .failure("not UTF-8 text");
}

#[test]
fn a_broken_long_term_key_file_is_reported_with_its_line() {
    let sandbox = initialised();
    let broken = sandbox.read(".stscreds/credentials") + "[unterminated\n";
    sandbox.write(".stscreds/credentials", &broken);
    auth_refuses(
        &sandbox,
        ".stscreds/credentials",
        "line 4: section header has no closing ']'",
    );
    assert_eq!(sandbox.read(".stscreds/credentials"), broken);
}

#[test]
fn a_huge_file_is_refused_unread() {
    let sandbox = initialised();
    let huge = "# padding\n".repeat(500_000);
    sandbox.write(".aws/credentials", &huge);
    auth_refuses(
        &sandbox,
        ".aws/credentials",
        "far more than any AWS credentials or config file",
    );
    assert_eq!(sandbox.read(".aws/credentials").len(), huge.len());
}

#[test]
fn a_directory_where_the_file_should_be_is_reported() {
    let sandbox = initialised();
    fs::create_dir_all(sandbox.path(".aws/credentials")).unwrap();
    auth_refuses(
        &sandbox,
        ".aws/credentials",
        "it is a directory, not a file",
    );
    sandbox
        .run(&["read", "aws_session_token"], "")
        .failure("it is a directory");
}

#[test]
fn a_file_where_the_directory_should_be_is_reported() {
    let sandbox = initialised();
    // `init` wrote the profile's region into ~/.aws/config.
    std::fs::remove_dir_all(sandbox.path(".aws")).unwrap();
    sandbox.write(".aws", "not a directory");
    auth_refuses(&sandbox, ".aws", "Not a directory");
    assert_eq!(sandbox.read(".aws"), "not a directory");
}

#[test]
fn a_read_only_disk_is_reported_before_the_code_is_asked() {
    let sandbox = initialised();
    let session = "# existing\n[other]\nk = v\n";
    sandbox.write(".aws/credentials", session);
    // A private mount namespace in which ~/.aws is mounted read-only.
    let aws_dir = sandbox.path(".aws").display().to_string();
    let inner = sandbox.command(&["auth"]);
    let script = format!(
        "mount --bind '{aws_dir}' '{aws_dir}' && mount -o remount,bind,ro '{aws_dir}' && exec \"$0\" auth",
    );
    let mut command = Command::new("unshare");
    command
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .arg(inner.get_program())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    let run = run_with_stdin(command, "123456\n").failure("Read-only file system");
    assert!(
        run.stderr.contains("the existing file was left unchanged"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("Please enter MFA token"), "{run:#?}");
    assert_eq!(sandbox.read(".aws/credentials"), session);
}

#[test]
fn long_term_keys_readable_by_others_are_warned_about() {
    let sandbox = initialised();
    fs::set_permissions(
        sandbox.path(".stscreds/credentials"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    fs::set_permissions(sandbox.path(".stscreds"), fs::Permissions::from_mode(0o755)).unwrap();
    let run = sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let file = sandbox.path(".stscreds/credentials").display().to_string();
    let dir = sandbox.path(".stscreds").display().to_string();
    assert!(
        run.stderr.contains(&format!(
            "warning: {file} is accessible to other users (mode 644)"
        )),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains(&format!("run `chmod 600 {file}`")),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains(&format!("run `chmod 700 {dir}`")),
        "{run:#?}"
    );
}

#[test]
fn our_own_writes_are_private() {
    let sandbox = initialised();
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let mode = |path: &str| {
        fs::metadata(sandbox.path(path))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    for file in [
        ".aws/credentials",
        ".stscreds/credentials",
        ".stscreds/config",
        ".stscreds/.lock",
    ] {
        assert_eq!(mode(file), 0o600, "{file}");
    }
    for dir in [".aws", ".stscreds", ".stscreds/locks"] {
        assert_eq!(mode(dir), 0o700, "{dir}");
    }
}
