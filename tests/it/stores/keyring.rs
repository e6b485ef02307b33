//! The keyring backend against a real Secret Service: `scripts/test` runs the suite in
//! a private D-Bus session with an unlocked GNOME Keyring. Each test uses profile names
//! of its own, since the keyring is shared by the whole run.

use std::fs;

use crate::support::moto::Moto;
use crate::support::{Sandbox, register_secret};

/// A sandbox whose runs reach the session's Secret Service. Panics with directions when
/// the tests are not run by `scripts/test`.
fn sandbox_with_keyring(endpoint: &str) -> Sandbox {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
    assert!(
        std::env::var_os("STSCREDS_TEST_SECRET_SERVICE").is_some() && !bus.is_empty(),
        "the keyring tests need a Secret Service: run them with scripts/test (a private D-Bus session with an unlocked GNOME Keyring)"
    );
    let mut sandbox = Sandbox::new(endpoint);
    sandbox.set_env("DBUS_SESSION_BUS_ADDRESS", &bus);
    sandbox
}

/// What the Secret Service holds for `profile`, read with the keyring crate directly.
fn keyring_entry(profile: &str) -> Option<String> {
    match keyring::Entry::new("stscreds", profile)
        .unwrap()
        .get_password()
    {
        Ok(text) => Some(text),
        Err(keyring::Error::NoEntry) => None,
        Err(error) => panic!("keyring: {error}"),
    }
}

#[test]
fn keyring_keys_work_end_to_end_init_auth_read_rotate_remove() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("keyring");
    let sandbox = sandbox_with_keyring(&moto.url());
    let profile = "kr-end-to-end";

    let run = sandbox
        .init_with(profile, &user, &["--backend", "keyring"])
        .success();
    assert!(run.stderr.contains("Secret Service keyring"), "{run:#?}");
    let stored = keyring_entry(profile).expect("an entry in the keyring");
    assert!(
        stored.contains(&user.access_key_id) && stored.contains(&user.secret_access_key),
        "the entry holds the keys"
    );
    assert!(!sandbox.path(".stscreds/credentials").exists());
    assert!(
        sandbox
            .read(".stscreds/config")
            .contains("backend = keyring")
    );

    sandbox.auth(profile);
    let read = sandbox
        .run(&["read", "--profile", profile, "aws_session_token"], "")
        .success();
    assert!(!read.stdout.trim().is_empty());
    let list = sandbox.run(&["list"], "").success();
    assert!(list.stdout.contains("keyring"), "{list:#?}");

    let rotated = sandbox.run(&["rotate", "--profile", profile], "").success();
    let stored = keyring_entry(profile).expect("still in the keyring");
    assert!(!stored.contains(&user.access_key_id), "{rotated:#?}");
    let keys = moto.access_key_ids(&user);
    assert!(
        keys.len() == 1 && stored.contains(&keys[0]),
        "the user's only key is the stored one: {keys:?}"
    );
    for line in stored.lines() {
        if let Some(secret) = line.strip_prefix("aws_secret_access_key = ") {
            register_secret(secret);
        }
    }
    sandbox.assert_stored_key_is(profile, &user.name);

    sandbox
        .run(&["remove", "--profile", profile, "--yes"], "")
        .success();
    assert_eq!(keyring_entry(profile), None);
    sandbox
        .run(
            &["auth", "--profile", profile, "--token-code", "123456"],
            "",
        )
        .failure("run `stscreds init --profile kr-end-to-end` first");
}

#[test]
fn keys_migrate_from_file_to_keyring_to_encrypted_file_and_back() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("krmig");
    let mut sandbox = sandbox_with_keyring(&moto.url());
    sandbox.set_env("STSCREDS_FILE_PASSPHRASE", "a passphrase");
    let profile = "kr-migrate";
    sandbox.init(profile, &user);

    sandbox
        .run(&["migrate", "--profile", profile, "--to", "keyring"], "")
        .success();
    assert!(keyring_entry(profile).is_some());
    assert!(
        !sandbox
            .read(".stscreds/credentials")
            .contains(&user.access_key_id)
    );
    sandbox.auth(profile);

    sandbox
        .run(
            &["migrate", "--profile", profile, "--to", "encrypted-file"],
            "",
        )
        .success();
    assert_eq!(keyring_entry(profile), None, "the old copy is gone");
    assert!(sandbox.path(".stscreds/credentials.age").exists());
    sandbox.auth(profile);

    sandbox
        .run(&["migrate", "--profile", profile, "--to", "keyring"], "")
        .success();
    assert!(!sandbox.path(".stscreds/credentials.age").exists());
    sandbox.assert_stored_key_is(profile, &user.name);
    sandbox
        .run(&["remove", "--profile", profile, "--yes"], "")
        .success();
    assert_eq!(keyring_entry(profile), None);
    assert!(
        fs::read_to_string(sandbox.path(".stscreds/config"))
            .map(|state| !state.contains("backend"))
            .unwrap_or(true)
    );
}

#[test]
fn an_entry_that_is_not_stscreds_keys_is_reported_and_init_replaces_it() {
    let moto = Moto::shared();
    let sandbox = sandbox_with_keyring(&moto.url());
    let profile = "kr-foreign";
    keyring::Entry::new("stscreds", profile)
        .unwrap()
        .set_password("hunter2")
        .unwrap();
    sandbox.write(
        ".stscreds/config",
        &format!("[{profile}]\nbackend = keyring\n"),
    );
    sandbox
        .run(
            &["auth", "--profile", profile, "--token-code", "123456"],
            "",
        )
        .failure("does not hold stscreds keys");
    let user = moto.create_user("krforeign");
    sandbox
        .init_with(profile, &user, &["--backend", "keyring"])
        .success();
    assert!(
        keyring_entry(profile)
            .unwrap()
            .contains(&user.access_key_id)
    );
    sandbox
        .run(&["remove", "--profile", profile, "--yes"], "")
        .success();
}
