//! Where long-term access keys live: `~/.stscreds/credentials`, one section per
//! profile, private to the user.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;
use crate::files::{self, Paths};

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

/// The plaintext key file, `~/.stscreds/credentials` (mode 0600, directory 0700).
#[derive(Debug)]
pub struct FileStore<'a> {
    paths: &'a Paths,
}

impl<'a> FileStore<'a> {
    /// The store under `paths.stscreds_dir`.
    pub fn new(paths: &'a Paths) -> Self {
        Self { paths }
    }

    /// Where the keys are kept.
    pub fn path(&self) -> PathBuf {
        self.paths.long_term_credentials()
    }

    /// The keys stored for `profile`, if any. Warns when the file or its directory can
    /// be read by other users.
    pub fn load(&self, profile: &str) -> Result<Option<LongTermKeys>, Error> {
        let Some(document) = files::read_document(&self.path())? else {
            return Ok(None);
        };
        for path in [self.path(), self.paths.stscreds_dir.clone()] {
            files::warn_if_readable_by_others(&path);
        }
        let value = |key| document.get(profile, key).filter(|v| !v.is_empty());
        Ok(value(ACCESS_KEY_ID)
            .zip(value(SECRET_ACCESS_KEY))
            .map(|(id, secret)| LongTermKeys {
                access_key_id: id.to_owned(),
                secret_access_key: secret.into(),
            }))
    }

    /// The keys stored for `profile`; an error saying to run `stscreds init` if none.
    pub fn require(&self, profile: &str) -> Result<LongTermKeys, Error> {
        self.load(profile)?.ok_or_else(|| Error::NotInitialised {
            profile: profile.to_owned(),
        })
    }

    /// Deletes the keys of `profile` (and its section, if nothing else is left in it).
    pub fn remove(&self, profile: &str) -> Result<(), Error> {
        files::edit_document(self.paths, &self.path(), |document| {
            document.remove(profile, ACCESS_KEY_ID);
            document.remove(profile, SECRET_ACCESS_KEY);
            if document.section_is_empty(profile) {
                document.remove_section(profile);
            }
            Ok(())
        })
    }

    /// Stores `keys` for `profile`, keeping every other profile in the file.
    pub fn save(&self, profile: &str, keys: &LongTermKeys) -> Result<(), Error> {
        files::edit_document(self.paths, &self.path(), |document| {
            document.set(profile, ACCESS_KEY_ID, &keys.access_key_id);
            document.set(
                profile,
                SECRET_ACCESS_KEY,
                keys.secret_access_key.expose_secret(),
            );
            Ok(())
        })
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
}
