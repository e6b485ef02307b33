//! The `encrypted-file` backend: the keys of every such profile in one INI document,
//! encrypted with a passphrase as an age file (scrypt recipient) at
//! `~/.stscreds/credentials.age`. The passphrase comes from `STSCREDS_FILE_PASSPHRASE`
//! or a hidden prompt; it is asked for only when keys are needed, which is when new
//! session credentials are minted, and at most once per process. A file that does not
//! decrypt is never rewritten.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use age::DecryptError;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::StoreError;
use crate::files::{self, Paths};
use crate::ini::Document;
use crate::ui::prompt::Ask;
use crate::ui::report::Report;

use super::LongTermKeys;

/// The scrypt work factor (log2 N) of files we write: 256 MiB and about a second or
/// more per use (docs/performance.md), fixed rather than measured, so that a busy
/// machine never writes a file it later refuses as too costly (or one too cheap to
/// resist guessing).
const WORK_FACTOR: u8 = 18;

/// The largest work factor we accept when decrypting (1 GiB), for files encrypted by
/// hand with `age -p` on a fast machine.
const MAX_WORK_FACTOR: u8 = 20;

use crate::env::{PASSPHRASE_VARIABLE, Settings};

/// Passphrases that have decrypted (or created) a file in this process, by file, so
/// that a command that both reads and writes keys asks once.
static KNOWN_PASSPHRASES: Mutex<Vec<(PathBuf, SecretString)>> = Mutex::new(Vec::new());

fn known_passphrase(path: &Path) -> Option<SecretString> {
    let known = KNOWN_PASSPHRASES.lock().unwrap_or_else(|e| e.into_inner());
    known
        .iter()
        .find(|(file, _)| file == path)
        .map(|(_, key)| key.clone())
}

/// Where a passphrase came from: the key derived from a typed one is announced, since
/// the person who just pressed Enter would otherwise wait seconds in silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Given {
    /// Already used in this process.
    Known,
    /// `STSCREDS_FILE_PASSPHRASE`.
    Environment,
    /// Typed at a prompt just now.
    Typed,
}

/// Said when scrypt is about to run on a passphrase just typed (a second or more, see
/// [`WORK_FACTOR`]).
const DERIVING_THE_KEY: &str = "Deriving the key from the passphrase (a few seconds)...";

/// Says [`DERIVING_THE_KEY`] if the passphrase was typed just now.
fn announce_derivation(given: Given, report: &dyn Report) {
    if given == Given::Typed {
        report.say(DERIVING_THE_KEY);
    }
}

fn remember_passphrase(path: &Path, key: &SecretString) {
    let mut known = KNOWN_PASSPHRASES.lock().unwrap_or_else(|e| e.into_inner());
    known.retain(|(file, _)| file != path);
    known.push((path.to_owned(), key.clone()));
}

/// The keys of `profile`, if the file has them. Asks for the passphrase unless it
/// is already known.
pub fn load(
    paths: &Paths,
    profile: &str,
    ask: &mut dyn Ask,
    report: &dyn Report,
) -> Result<Option<LongTermKeys>, StoreError> {
    let path = paths.encrypted_credentials();
    let Some(ciphertext) = files::read_bytes(&path)? else {
        return Ok(None);
    };
    let (document, _) = decrypt(&path, &ciphertext, ask, report)?;
    Ok(LongTermKeys::from_document(&document, profile))
}

/// Stores `keys` for `profile`, keeping every other profile in the file. A new file
/// gets a new passphrase (asked for twice on a terminal).
pub fn save(
    paths: &Paths,
    profile: &str,
    keys: &LongTermKeys,
    ask: &mut dyn Ask,
    report: &dyn Report,
) -> Result<(), StoreError> {
    edit(paths, ask, report, |document| {
        Ok(keys.write_to(document, profile)?)
    })
}

/// Deletes the keys of `profile`; whether there were any. Deleting the last profile
/// deletes the file.
pub fn remove(
    paths: &Paths,
    profile: &str,
    ask: &mut dyn Ask,
    report: &dyn Report,
) -> Result<bool, StoreError> {
    if !paths.encrypted_credentials().exists() {
        return Ok(false);
    }
    edit(paths, ask, report, |document| {
        Ok(LongTermKeys::remove_from(document, profile))
    })
}

/// Decrypts the file, applies `change`, and replaces the file with the re-encrypted
/// result, under our edit lock. Nothing is written unless decryption and `change`
/// succeeded.
fn edit<T>(
    paths: &Paths,
    ask: &mut dyn Ask,
    report: &dyn Report,
    change: impl FnOnce(&mut Document) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let path = paths.encrypted_credentials();
    let _lock = files::lock_for_edit(paths)?;
    let existing = files::read_bytes(&path)?;
    let (mut document, key) = match &existing {
        Some(ciphertext) => decrypt(&path, ciphertext, ask, report)?,
        None => match known_passphrase(&path) {
            Some(key) => (Document::empty(), key),
            None => {
                let (key, given) = new_passphrase(&path, ask)?;
                announce_derivation(given, report);
                (Document::empty(), key)
            }
        },
    };
    let original = document.clone();
    let outcome = change(&mut document)?;
    if existing.is_some() && document == original {
        return Ok(outcome);
    }
    if document.sections().is_empty() {
        let _no_interrupt = crate::ui::interrupt::hold_off();
        std::fs::remove_file(&path).map_err(|source| files::FileError::Write {
            path: path.clone(),
            source,
        })?;
        return Ok(outcome);
    }
    let plaintext = Zeroizing::new(document.render());
    let ciphertext =
        encrypt(&key, plaintext.as_bytes()).map_err(|detail| StoreError::Encrypted {
            path: path.clone(),
            detail,
        })?;
    files::replace_atomically(&path, &ciphertext)?;
    remember_passphrase(&path, &key);
    Ok(outcome)
}

fn encrypt(passphrase: &SecretString, plaintext: &[u8]) -> Result<Vec<u8>, String> {
    let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
    recipient.set_work_factor(WORK_FACTOR);
    age::encrypt(&recipient, plaintext).map_err(|error| error.to_string())
}

/// The document in `ciphertext`, decrypted with the known passphrase or one asked for
/// (which is remembered), and that passphrase.
fn decrypt(
    path: &Path,
    ciphertext: &[u8],
    ask: &mut dyn Ask,
    report: &dyn Report,
) -> Result<(Document, SecretString), StoreError> {
    let (key, given) = match known_passphrase(path) {
        Some(key) => (key, Given::Known),
        None => existing_passphrase(path, ask)?,
    };
    announce_derivation(given, report);
    let mut identity = age::scrypt::Identity::new(key.clone());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let plaintext = Zeroizing::new(
        age::decrypt(&identity, ciphertext)
            .map_err(|error| decrypt_error(path, error, given == Given::Environment))?,
    );
    let document = Document::parse_bytes(&plaintext).map_err(|error| StoreError::Encrypted {
        path: path.to_owned(),
        detail: format!("its contents do not parse ({error})"),
    })?;
    remember_passphrase(path, &key);
    Ok((document, key))
}

fn decrypt_error(path: &Path, error: DecryptError, from_environment: bool) -> StoreError {
    match error {
        DecryptError::DecryptionFailed
        | DecryptError::KeyDecryptionFailed
        | DecryptError::NoMatchingKeys => StoreError::WrongPassphrase {
            path: path.to_owned(),
            given: if from_environment {
                PASSPHRASE_VARIABLE
            } else {
                "the passphrase typed"
            },
        },
        DecryptError::ExcessiveWork { required, .. } => StoreError::Encrypted {
            path: path.to_owned(),
            detail: format!(
                "it was encrypted with scrypt work factor 2^{required}, more than the 2^{MAX_WORK_FACTOR} stscreds accepts"
            ),
        },
        other => StoreError::Encrypted {
            path: path.to_owned(),
            detail: format!("it is not a readable age file ({other})"),
        },
    }
}

/// The passphrase of an existing file, and where it came from.
fn existing_passphrase(
    path: &Path,
    ask: &mut dyn Ask,
) -> Result<(SecretString, Given), StoreError> {
    if let Some(key) = from_environment() {
        return Ok((key, Given::Environment));
    }
    require_terminal(path, ask)?;
    let key = ask.secret(&format!("Passphrase for {}: ", path.display()))?;
    Ok((key, Given::Typed))
}

/// A passphrase for a new file: from the environment, or typed twice.
fn new_passphrase(path: &Path, ask: &mut dyn Ask) -> Result<(SecretString, Given), StoreError> {
    if let Some(key) = from_environment() {
        return Ok((key, Given::Environment));
    }
    require_terminal(path, ask)?;
    let first = ask.secret(&format!(
        "New passphrase to encrypt {} with: ",
        path.display()
    ))?;
    if first.expose_secret().is_empty() {
        return Err(StoreError::NewPassphrase {
            detail: "the passphrase is empty".into(),
        });
    }
    let again = ask.secret("The same passphrase again: ")?;
    if again.expose_secret() != first.expose_secret() {
        return Err(StoreError::NewPassphrase {
            detail: "the two passphrases differ".into(),
        });
    }
    Ok((first, Given::Typed))
}

/// `STSCREDS_FILE_PASSPHRASE`: the store is reached from below any command's context,
/// so it takes the process's settings.
fn from_environment() -> Option<SecretString> {
    Settings::process().passphrase.clone()
}

fn require_terminal(path: &Path, ask: &dyn Ask) -> Result<(), StoreError> {
    if ask.is_interactive() {
        Ok(())
    } else {
        Err(StoreError::NoPassphrase {
            path: path.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::prompt::Scripted;
    use crate::ui::report::Collected;

    fn keys(id: &str) -> LongTermKeys {
        LongTermKeys {
            access_key_id: id.into(),
            secret_access_key: format!("secret-of-{id}").into(),
        }
    }

    /// [`save`] with answers from `ask` and nothing reported.
    fn save_quietly(
        paths: &Paths,
        profile: &str,
        keys: &LongTermKeys,
        ask: &mut dyn Ask,
    ) -> Result<(), StoreError> {
        save(paths, profile, keys, ask, &Collected::default())
    }

    fn forget_passphrase(paths: &Paths) {
        let path = paths.encrypted_credentials();
        KNOWN_PASSPHRASES
            .lock()
            .unwrap()
            .retain(|(file, _)| *file != path);
    }

    #[test]
    fn keys_round_trip_and_the_file_holds_no_plaintext() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        let mut ask = Scripted::new(&["correct horse", "correct horse"], true);
        save_quietly(&paths, "dev", &keys("AKIADEV"), &mut ask).unwrap();
        forget_passphrase(&paths);
        let mut ask = Scripted::new(&["correct horse"], true);
        let loaded = load(&paths, "dev", &mut ask, &Collected::default())
            .unwrap()
            .unwrap();
        assert!(loaded.same_as(&keys("AKIADEV")));
        let raw = std::fs::read(paths.encrypted_credentials()).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        assert!(raw.starts_with("age-encryption.org/v1"), "{raw}");
        assert!(
            !raw.contains("AKIADEV") && !raw.contains("secret-of"),
            "{raw}"
        );
    }

    #[test]
    fn a_wrong_passphrase_is_an_error_and_the_file_is_not_rewritten() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        let mut ask = Scripted::new(&["right", "right"], true);
        save_quietly(&paths, "dev", &keys("AKIADEV"), &mut ask).unwrap();
        let before = std::fs::read(paths.encrypted_credentials()).unwrap();
        forget_passphrase(&paths);
        let mut ask = Scripted::new(&["wrong"], true);
        let error = save_quietly(&paths, "ops", &keys("AKIAOPS"), &mut ask).unwrap_err();
        assert!(
            matches!(error, StoreError::WrongPassphrase { .. }),
            "{error}"
        );
        assert_eq!(
            std::fs::read(paths.encrypted_credentials()).unwrap(),
            before
        );
    }

    #[test]
    fn a_new_file_needs_the_same_non_empty_passphrase_twice() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        for answers in [["a", "b"], ["", ""]] {
            let mut ask = Scripted::new(&answers, true);
            let error = save_quietly(&paths, "dev", &keys("AKIADEV"), &mut ask).unwrap_err();
            assert!(matches!(error, StoreError::NewPassphrase { .. }), "{error}");
            assert!(!paths.encrypted_credentials().exists());
        }
    }

    #[test]
    fn removing_the_last_profile_removes_the_file() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        let mut ask = Scripted::new(&["p", "p"], true);
        save_quietly(&paths, "dev", &keys("AKIADEV"), &mut ask).unwrap();
        save_quietly(&paths, "ops", &keys("AKIAOPS"), &mut ask).unwrap();
        assert!(remove(&paths, "dev", &mut ask, &Collected::default()).unwrap());
        assert!(!remove(&paths, "dev", &mut ask, &Collected::default()).unwrap());
        let ops = load(&paths, "ops", &mut ask, &Collected::default()).unwrap();
        assert!(ops.unwrap().same_as(&keys("AKIAOPS")));
        assert!(remove(&paths, "ops", &mut ask, &Collected::default()).unwrap());
        assert!(!paths.encrypted_credentials().exists());
    }

    #[test]
    fn the_key_derivation_is_announced_after_each_typed_passphrase_only() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        let report = Collected::default();
        let mut ask = Scripted::new(&["p", "p"], true);
        save(&paths, "dev", &keys("AKIADEV"), &mut ask, &report).unwrap();
        load(&paths, "dev", &mut ask, &report).unwrap();
        assert_eq!(
            report.messages(),
            [DERIVING_THE_KEY],
            "once for the typed one"
        );
        forget_passphrase(&paths);
        let report = Collected::default();
        let mut ask = Scripted::new(&["p"], true);
        save(&paths, "ops", &keys("AKIAOPS"), &mut ask, &report).unwrap();
        assert_eq!(report.messages(), [DERIVING_THE_KEY], "typed again");
    }
}
