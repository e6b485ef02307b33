//! The encrypted file's passphrase: a line says the key is being derived while scrypt
//! runs, so a typed passphrase is never followed by seconds of silence.

use crate::support::moto::{Moto, TestUser};
use crate::support::terminal::Terminal;
use crate::support::{Sandbox, new_user};

/// The progress line said while scrypt turns a typed passphrase into the file's key.
const DERIVING: &str = "Deriving the key from the passphrase (a few seconds)...";

/// A sandbox with keys stored for `profile` (no session yet).
fn initialised(profile: &str) -> (Sandbox, TestUser) {
    let moto = Moto::shared();
    let (sandbox, user, _) = new_user::initialised(moto, &moto.url(), profile);
    (sandbox, user)
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
