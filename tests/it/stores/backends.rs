//! Where long-term keys live: the encrypted-file backend end to end, choosing and
//! remembering a backend, moving keys between backends, and a keyring that cannot be
//! reached (an error, never a silent fallback). The real keyring is in
//! tests/it/stores/keyring.rs.

use std::fs;

use crate::support::moto::{Moto, TestUser};
use crate::support::terminal::Terminal;
use crate::support::{Sandbox, dead_endpoint};

const PASSPHRASE: &str = "correct horse battery staple";
const AGE_HEADER: &str = "age-encryption.org/v1";

/// A sandbox whose `profile` keeps `user`'s keys in the encrypted file.
fn encrypted(profile: &str) -> (Sandbox, TestUser) {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("enc");
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", PASSPHRASE);
    let run = sandbox
        .init_with(profile, &user, &["--backend", "encrypted-file"])
        .success();
    assert!(run.stderr.contains("credentials.age"), "{run:#?}");
    (sandbox, user)
}

fn state_of(sandbox: &Sandbox) -> String {
    fs::read_to_string(sandbox.path(".stscreds/config")).unwrap_or_default()
}

#[test]
fn encrypted_file_keys_work_end_to_end_init_auth_read_rotate_and_never_touch_disk_in_plaintext() {
    let (mut sandbox, user) = encrypted("enc");
    let raw = fs::read(sandbox.path(".stscreds/credentials.age")).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.starts_with(AGE_HEADER), "{raw}");
    assert!(!raw.contains(&user.access_key_id) && !raw.contains(&user.secret_access_key));
    assert!(!sandbox.path(".stscreds/credentials").exists());
    assert!(state_of(&sandbox).contains("backend = encrypted-file"));

    sandbox
        .run(&["auth", "--profile", "enc", "--token-code", "123456"], "")
        .success();
    // The fast paths never decrypt: no passphrase, and they still answer.
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", "");
    let read = sandbox
        .run(&["read", "--profile", "enc", "aws_access_key_id"], "")
        .success();
    assert!(read.stdout.starts_with("AKIA") || read.stdout.starts_with("ASIA"));
    sandbox
        .run(&["credential-process", "--profile", "enc"], "")
        .success();
    let list = sandbox.run(&["list"], "").success();
    let row = list.stdout.lines().find(|l| l.starts_with("enc ")).unwrap();
    assert!(
        row.contains("encrypted-file") && row.contains(&user.name),
        "{list:#?}"
    );

    // Rotation decrypts once and re-encrypts the new key in place.
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", PASSPHRASE);
    let before = fs::read(sandbox.path(".stscreds/credentials.age")).unwrap();
    let rotated = sandbox.run(&["rotate", "--profile", "enc"], "").success();
    let keys = Moto::shared().access_key_ids(&user);
    assert_eq!(keys.len(), 1, "{rotated:#?}");
    assert_ne!(keys[0], user.access_key_id, "the old key is deleted");
    assert!(rotated.stderr.contains(&keys[0]), "{rotated:#?}");
    assert_ne!(
        fs::read(sandbox.path(".stscreds/credentials.age")).unwrap(),
        before
    );
    sandbox.assert_stored_key_is("enc", &user.name);
}

#[test]
fn a_wrong_passphrase_is_a_clear_error_and_changes_nothing() {
    let (mut sandbox, _) = encrypted("enc");
    let before = fs::read(sandbox.path(".stscreds/credentials.age")).unwrap();
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", "not it");
    let run = sandbox
        .run(&["auth", "--profile", "enc", "--token-code", "123456"], "")
        .failure("STSCREDS_FILE_PASSPHRASE does not decrypt");
    assert!(run.stderr.contains("nothing was changed"), "{run:#?}");
    assert_eq!(
        fs::read(sandbox.path(".stscreds/credentials.age")).unwrap(),
        before
    );
    assert!(
        !sandbox.path(".aws/credentials").exists(),
        "no session written"
    );
    sandbox
        .run(&["remove", "--profile", "enc", "--yes"], "")
        .failure("does not decrypt");
    assert_eq!(
        fs::read(sandbox.path(".stscreds/credentials.age")).unwrap(),
        before
    );
}

#[test]
fn without_a_terminal_or_the_variable_the_passphrase_is_asked_for_by_name() {
    let (mut sandbox, _) = encrypted("enc");
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", "");
    sandbox
        .run(&["auth", "--profile", "enc", "--token-code", "123456"], "")
        .failure("set STSCREDS_FILE_PASSPHRASE");
}

#[test]
fn the_backend_from_the_environment_is_remembered_for_later_commands() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("envb");
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox
        .set_env("STSCREDS_BACKEND", "encrypted-file")
        .set_env("STSCREDS_FILE_PASSPHRASE", PASSPHRASE);
    sandbox.init("work", &user);
    assert!(sandbox.path(".stscreds/credentials.age").exists());
    sandbox.set_env("STSCREDS_BACKEND", "file");
    sandbox.auth("work");
    assert!(
        !sandbox.path(".stscreds/credentials").exists(),
        "a later command uses the remembered backend, not the variable"
    );
}

#[test]
fn an_unknown_backend_is_refused_before_anything_is_asked_or_written() {
    let moto = Moto::shared();
    let user = moto.create_user("badb");
    let mut sandbox = Sandbox::new(&dead_endpoint());
    sandbox.set_env("STSCREDS_BACKEND", "vault");
    let run = sandbox.init_with("default", &user, &[]);
    let run = run.failure("STSCREDS_BACKEND: unknown backend 'vault'");
    assert!(run.stderr.contains("encrypted-file"), "{run:#?}");
    assert!(!sandbox.path(".stscreds").exists());
    let mut sandbox = Sandbox::new(&dead_endpoint());
    sandbox.set_env("STSCREDS_BACKEND", "");
    sandbox
        .init_with("default", &user, &["--backend", "vault"])
        .failure("invalid value 'vault'");
}

#[test]
fn keys_migrate_between_file_and_encrypted_file_and_keep_working() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("mig");
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", PASSPHRASE);
    sandbox.init("keep", &moto.create_user("keep"));
    sandbox.init("mig", &user);

    let run = sandbox
        .run(
            &["migrate", "--profile", "mig", "--to", "encrypted-file"],
            "",
        )
        .success();
    assert!(run.stderr.contains("Removed the old copy"), "{run:#?}");
    let plaintext = sandbox.read(".stscreds/credentials");
    assert!(!plaintext.contains(&user.access_key_id), "{plaintext}");
    assert!(
        plaintext.contains("[keep]"),
        "other profiles stay: {plaintext}"
    );
    assert!(sandbox.path(".stscreds/credentials.age").exists());
    sandbox.auth("mig");

    sandbox
        .run(
            &["migrate", "--profile", "mig", "--to", "encrypted-file"],
            "",
        )
        .success();
    sandbox
        .run(&["migrate", "--profile", "mig", "--to", "file"], "")
        .success();
    assert!(
        sandbox
            .read(".stscreds/credentials")
            .contains(&user.access_key_id)
    );
    assert!(
        !sandbox.path(".stscreds/credentials.age").exists(),
        "the last encrypted profile left, so did the file"
    );
    assert!(state_of(&sandbox).contains("backend = file"));
    sandbox.run(&["whoami", "--profile", "mig"], "").success();
}

#[test]
fn init_with_another_backend_moves_the_keys_and_remove_deletes_them() {
    let moto = Moto::shared();
    let user = moto.create_user("move");
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", PASSPHRASE);
    sandbox.init("default", &user);
    let run = sandbox
        .init_with("default", &user, &["--backend", "encrypted-file"])
        .success();
    assert!(
        run.stderr.contains("Removed the profile's old keys"),
        "{run:#?}"
    );
    assert!(
        !sandbox
            .read(".stscreds/credentials")
            .contains(&user.access_key_id)
    );

    let run = sandbox.run(&["remove", "--yes"], "").success();
    assert!(run.stderr.contains("credentials.age"), "{run:#?}");
    assert!(!sandbox.path(".stscreds/credentials.age").exists());
    assert!(!state_of(&sandbox).contains("backend"));
    let list = sandbox.run(&["list"], "").success();
    assert!(list.stderr.contains("No profiles yet"), "{list:#?}");
}

#[test]
fn an_unreachable_keyring_is_an_error_that_names_the_alternatives() {
    let moto = Moto::shared();
    let user = moto.create_user("nokeyring");
    let mut sandbox = Sandbox::new(&dead_endpoint());
    let missing_bus = sandbox.path("no-such-bus");
    sandbox.set_env(
        "DBUS_SESSION_BUS_ADDRESS",
        &format!("unix:path={}", missing_bus.display()),
    );
    let run = sandbox
        .init_with("default", &user, &["--backend", "keyring"])
        .failure("Secret Service");
    assert!(
        run.stderr.contains("--backend encrypted-file") && run.stderr.contains("--backend file"),
        "{run:#?}"
    );
    for file in ["credentials", "credentials.age", "config"] {
        assert!(
            !sandbox.path(".stscreds").join(file).exists(),
            "{file} written"
        );
    }
}

#[test]
fn on_a_terminal_the_passphrase_is_asked_twice_for_a_new_file_and_never_echoed() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("tty");
    let sandbox = Sandbox::new(&moto.url());
    let passphrase = "tty passphrase 42";

    let mut init = Terminal::spawn(sandbox.command(&["init", "--backend", "encrypted-file"]));
    init.answer("AWS Access Key: ", 1, &user.access_key_id);
    init.answer("AWS Secret Access Key: ", 1, &user.secret_access_key);
    init.answer("New passphrase to encrypt", 1, passphrase);
    init.answer("The same passphrase again: ", 1, passphrase);
    let (ok, shown) = init.finish();
    assert!(ok, "{shown}");
    assert!(!shown.contains(passphrase) && !shown.contains(&user.secret_access_key));

    let mut auth = Terminal::spawn(sandbox.command(&["auth"]));
    auth.answer("Passphrase for ", 1, passphrase);
    auth.answer("Please enter MFA token: ", 1, "123456");
    let (ok, shown) = auth.finish();
    assert!(ok, "{shown}");
    assert!(!shown.contains(passphrase), "{shown}");
    assert!(
        sandbox
            .read(".aws/credentials")
            .contains("aws_session_token")
    );
}

#[test]
fn an_old_copy_that_cannot_be_removed_is_reported_with_the_new_backend_in_use() {
    let (mut sandbox, user) = encrypted("default");
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", "not it");
    let run = sandbox
        .init_with("default", &user, &["--backend", "file"])
        .failure("the keys now live in the file backend");
    assert!(
        run.stderr.contains("credentials.age could not be removed")
            && run.stderr.contains("does not decrypt"),
        "{run:#?}"
    );
    assert!(sandbox.read(".stscreds/config").contains("backend = file"));
    sandbox.auth("default");
}
