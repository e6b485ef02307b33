//! Where long-term access keys live. Each profile's keys are in one of three backends,
//! chosen at `init` and remembered in `~/.stscreds/config`:
//! - `file`: plaintext `~/.stscreds/credentials`, private to the user (the default);
//! - `keyring`: the operating system's credential store (Secret Service on Linux,
//!   Keychain on macOS, Credential Manager on Windows);
//! - `encrypted-file`: `~/.stscreds/credentials.age`, encrypted with a passphrase.
//!
//! Keys are read only when new session credentials are minted, never on the `read` or
//! `credential-process` fast path.

mod encrypted;
mod error;
mod file;
mod keyring;

pub use error::StoreError;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::config::profiles::{self, Known};
pub use crate::config::state::Backend;
use crate::files::Paths;
use crate::ini::{Document, UnsafeText};
use crate::ui::prompt::Ask;
use crate::ui::report::Report;

const ACCESS_KEY_ID: &str = "aws_access_key_id";
const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";

/// An IAM user's long-term access key pair.
#[derive(Debug, Clone)]
pub struct LongTermKeys {
    /// The access key id (`AKIA…`); not secret.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: SecretString,
}

impl LongTermKeys {
    /// Whether both halves are the same as `other`'s.
    pub fn same_as(&self, other: &LongTermKeys) -> bool {
        self.access_key_id == other.access_key_id
            && self.secret_access_key.expose_secret() == other.secret_access_key.expose_secret()
    }

    /// The keys of `profile` in `document`, if both halves are there.
    fn from_document(document: &Document, profile: &str) -> Option<Self> {
        let value = |key| document.get(profile, key).filter(|v| !v.is_empty());
        value(ACCESS_KEY_ID)
            .zip(value(SECRET_ACCESS_KEY))
            .map(|(id, secret)| LongTermKeys {
                access_key_id: id.to_owned(),
                secret_access_key: secret.into(),
            })
    }

    /// Sets the keys of `profile` in `document`.
    fn write_to(&self, document: &mut Document, profile: &str) -> Result<(), UnsafeText> {
        document.set(profile, ACCESS_KEY_ID, &self.access_key_id)?;
        document.set(
            profile,
            SECRET_ACCESS_KEY,
            self.secret_access_key.expose_secret(),
        )
    }

    /// Deletes the keys of `profile` from `document` (and the section, once empty).
    /// Whether there was anything to delete.
    fn remove_from(document: &mut Document, profile: &str) -> bool {
        let removed =
            document.remove(profile, ACCESS_KEY_ID) | document.remove(profile, SECRET_ACCESS_KEY);
        if document.section_is_empty(profile) {
            document.remove_section(profile);
        }
        removed
    }

    /// The keys as the text of a one-section INI document (for stores that hold one
    /// opaque string per profile), wiped from memory when dropped.
    fn to_text(&self, profile: &str) -> Result<Zeroizing<String>, UnsafeText> {
        let mut document = Document::empty();
        self.write_to(&mut document, profile)?;
        Ok(Zeroizing::new(document.render()))
    }

    /// The keys of `profile` in `text`, as written by [`Self::to_text`].
    fn from_text(text: &str, profile: &str) -> Option<Self> {
        Document::parse(text)
            .ok()
            .and_then(|document| Self::from_document(&document, profile))
    }
}

/// The long-term keys of profiles in one backend.
#[derive(Clone, Copy)]
pub struct KeyStore<'a> {
    paths: &'a Paths,
    backend: Backend,
    report: &'a dyn Report,
}

impl<'a> KeyStore<'a> {
    /// The store of `backend`, warning through `report` when keys lie open to other
    /// users. Touches nothing until used.
    pub fn new(paths: &'a Paths, backend: Backend, report: &'a dyn Report) -> Self {
        Self {
            paths,
            backend,
            report,
        }
    }

    /// The store that holds `profile`'s keys (see [`Backend::of_profile`]).
    pub fn of_profile(
        paths: &'a Paths,
        profile: &str,
        report: &'a dyn Report,
    ) -> Result<Self, StoreError> {
        Ok(Self::new(
            paths,
            Backend::of_profile(paths, profile)?,
            report,
        ))
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where the keys of `profile` are, for messages.
    pub fn location(&self, profile: &str) -> String {
        match self.backend {
            Backend::File => self.paths.long_term_credentials().display().to_string(),
            Backend::Keyring => keyring::describe(profile),
            Backend::EncryptedFile => self.paths.encrypted_credentials().display().to_string(),
        }
    }

    /// The keys stored for `profile`, if any. An encrypted store asks `ask` for its
    /// passphrase (or reads `STSCREDS_FILE_PASSPHRASE`).
    pub fn load(
        &self,
        profile: &str,
        ask: &mut dyn Ask,
    ) -> Result<Option<LongTermKeys>, StoreError> {
        match self.backend {
            Backend::File => file::load(self.paths, profile, self.report),
            Backend::Keyring => keyring::load(profile),
            Backend::EncryptedFile => encrypted::load(self.paths, profile, ask, self.report),
        }
    }

    /// The keys stored for `profile`; if none, an error saying what to do, which
    /// depends on what the profile is: `init` for a profile that could hold keys, the
    /// closest known name for a typo, the right profile for a role or a
    /// `credential_process` profile.
    pub fn require(&self, profile: &str, ask: &mut dyn Ask) -> Result<LongTermKeys, StoreError> {
        if let Some(keys) = self.load(profile, ask)? {
            return Ok(keys);
        }
        // A file that cannot be read here costs only the better advice; the plain
        // "run init" remains.
        let known = profiles::describe(self.paths, profile).unwrap_or(Known::Named);
        Err(StoreError::NotInitialised {
            profile: profile.to_owned(),
            known,
        })
    }

    /// Checks, before keys are asked for, that they could be stored for `profile`: the
    /// file parses, the keyring answers, the encrypted file opens with the passphrase
    /// (asked for now). Whatever the profile holds now may be replaced.
    pub fn check_usable(&self, profile: &str, ask: &mut dyn Ask) -> Result<(), StoreError> {
        match self.backend {
            Backend::Keyring => keyring::check_reachable(profile),
            Backend::File | Backend::EncryptedFile => self.load(profile, ask).map(drop),
        }
    }

    /// Stores `keys` for `profile`, replacing any it had and keeping every other
    /// profile's.
    fn save(
        &self,
        profile: &str,
        keys: &LongTermKeys,
        ask: &mut dyn Ask,
    ) -> Result<(), StoreError> {
        match self.backend {
            Backend::File => file::save(self.paths, profile, keys),
            Backend::Keyring => keyring::save(profile, keys),
            Backend::EncryptedFile => encrypted::save(self.paths, profile, keys, ask, self.report),
        }
    }

    /// Deletes the keys of `profile`; whether there were any.
    pub fn remove(&self, profile: &str, ask: &mut dyn Ask) -> Result<bool, StoreError> {
        match self.backend {
            Backend::File => file::remove(self.paths, profile),
            Backend::Keyring => keyring::remove(profile),
            Backend::EncryptedFile => encrypted::remove(self.paths, profile, ask, self.report),
        }
    }

    /// Stores `keys` and reads them back: an error unless the store now returns
    /// exactly these keys for `profile`.
    pub fn save_verified(
        &self,
        profile: &str,
        keys: &LongTermKeys,
        ask: &mut dyn Ask,
    ) -> Result<(), StoreError> {
        self.save(profile, keys, ask)?;
        match self.load(profile, ask)? {
            Some(stored) if stored.same_as(keys) => Ok(()),
            _ => Err(StoreError::StoreMismatch {
                location: self.location(profile),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secret() {
        let keys = LongTermKeys {
            access_key_id: "AKIAEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI".into(),
        };
        let shown = format!("{keys:?}");
        assert!(
            shown.contains("AKIAEXAMPLE") && !shown.contains("wJalrXUtnFEMI"),
            "{shown}"
        );
    }

    #[test]
    fn keys_survive_the_text_form_and_other_profiles_do_not_match() {
        let keys = LongTermKeys {
            access_key_id: "AKIAEXAMPLE".into(),
            secret_access_key: "s/e+c=ret".into(),
        };
        let text = keys.to_text("team/dev").unwrap();
        let back = LongTermKeys::from_text(&text, "team/dev").expect("keys");
        assert!(back.same_as(&keys));
        assert!(LongTermKeys::from_text(&text, "other").is_none());
        assert!(LongTermKeys::from_text("garbage [", "team/dev").is_none());
    }

    #[test]
    fn backend_names_round_trip_and_unknown_ones_are_explained() {
        for backend in Backend::ALL {
            assert_eq!(backend.name().parse::<Backend>().ok(), Some(backend));
        }
        let error = "vault".parse::<Backend>().unwrap_err().to_string();
        assert!(error.contains("encrypted-file"), "{error}");
    }
}
