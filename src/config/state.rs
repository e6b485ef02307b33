//! What stscreds knows about each profile (where its keys are kept, the IAM user name
//! and MFA device), kept in `~/.stscreds/config` so that later commands need no flags
//! and a repeat `auth` needs only one AWS call.

use std::fmt;
use std::str::FromStr;

use super::ConfigError;
use crate::env::{BACKEND_VARIABLE, Settings};
use crate::files::{self, Paths};
use crate::invalid::Invalid;

/// The key recording a profile's backend.
pub const BACKEND: &str = "backend";
const USER_NAME: &str = "user_name";
const MFA_SERIAL: &str = "mfa_serial";

/// The remembered facts about one profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileState {
    /// Where the long-term keys are kept (`file` when not recorded).
    pub backend: Option<Backend>,
    /// The IAM user the long-term keys belong to.
    pub user_name: Option<String>,
    /// The MFA device (serial number or ARN) to authenticate with.
    pub mfa_serial: Option<String>,
}

impl ProfileState {
    /// The profile's backend: the recorded one, else `file` (the original tool's only
    /// store).
    pub fn backend_or_default(&self) -> Backend {
        self.backend.unwrap_or(Backend::File)
    }
}

/// The remembered facts for `profile` (empty when nothing is known yet).
pub fn load(paths: &Paths, profile: &str) -> Result<ProfileState, ConfigError> {
    let document = files::read_document(&paths.state())?;
    let value = |key| {
        document
            .as_ref()
            .and_then(|doc| doc.get(profile, key))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let backend = match value(BACKEND) {
        Some(name) => Some(name.parse::<Backend>().map_err(|error| {
            Invalid(format!(
                "[{profile}] in {}: {error}",
                paths.state().display()
            ))
        })?),
        None => None,
    };
    Ok(ProfileState {
        backend,
        user_name: value(USER_NAME),
        mfa_serial: value(MFA_SERIAL),
    })
}

/// Records `state` for `profile`; facts that are `None` are forgotten.
pub fn save(paths: &Paths, profile: &str, state: &ProfileState) -> Result<(), ConfigError> {
    files::edit_document(
        paths,
        &paths.state(),
        |document| -> Result<_, ConfigError> {
            let backend = state.backend.map(|backend| backend.name().to_owned());
            for (key, value) in [
                (BACKEND, &backend),
                (USER_NAME, &state.user_name),
                (MFA_SERIAL, &state.mfa_serial),
            ] {
                match value {
                    Some(value) => document.set(profile, key, value)?,
                    None => {
                        document.remove(profile, key);
                    }
                }
            }
            Ok(())
        },
    )
}

/// A place long-term keys can be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// Plaintext `~/.stscreds/credentials`, mode 0600.
    File,
    /// The operating system's credential store.
    Keyring,
    /// `~/.stscreds/credentials.age`, encrypted with a passphrase (age, scrypt).
    EncryptedFile,
}

impl Backend {
    /// Every backend, in the order they are offered.
    pub const ALL: [Backend; 3] = [Backend::File, Backend::Keyring, Backend::EncryptedFile];

    /// The name used on the command line, in `STSCREDS_BACKEND` and in our config.
    pub fn name(self) -> &'static str {
        match self {
            Backend::File => "file",
            Backend::Keyring => "keyring",
            Backend::EncryptedFile => "encrypted-file",
        }
    }

    /// The backend for a profile being set up: `chosen` (`--backend`), else
    /// `STSCREDS_BACKEND` (in `settings`), else `current` (the profile's backend so far).
    pub fn for_new_keys(
        chosen: Option<Backend>,
        settings: &Settings,
        current: Backend,
    ) -> Result<Backend, ConfigError> {
        if let Some(backend) = chosen {
            return Ok(backend);
        }
        match &settings.backend {
            Some(value) => value
                .parse()
                .map_err(|error: Invalid| Invalid(format!("{BACKEND_VARIABLE}: {error}")).into()),
            None => Ok(current),
        }
    }

    /// The backend remembered for `profile` (`file` when none is: the original tool's
    /// only store).
    pub fn of_profile(paths: &Paths, profile: &str) -> Result<Backend, ConfigError> {
        Ok(load(paths, profile)?.backend_or_default())
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = Invalid;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|backend| backend.name() == value.trim())
            .ok_or_else(|| {
                Invalid(format!(
                    "unknown backend '{}'; use file, keyring or encrypted-file",
                    crate::message::printable(value)
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::settings_of;

    #[test]
    fn the_backend_for_new_keys_is_the_flag_else_the_environment_else_the_current_one() {
        let keyring = settings_of(&[(BACKEND_VARIABLE, "keyring")]);
        let chosen = Backend::for_new_keys(Some(Backend::EncryptedFile), &keyring, Backend::File);
        assert_eq!(chosen.unwrap(), Backend::EncryptedFile);
        let from_env = Backend::for_new_keys(None, &keyring, Backend::File);
        assert_eq!(from_env.unwrap(), Backend::Keyring);
        let unset = Backend::for_new_keys(None, &settings_of(&[]), Backend::EncryptedFile);
        assert_eq!(unset.unwrap(), Backend::EncryptedFile);
        let bad = settings_of(&[(BACKEND_VARIABLE, "vault")]);
        let error = Backend::for_new_keys(None, &bad, Backend::File).unwrap_err();
        assert!(
            error.to_string().starts_with("STSCREDS_BACKEND: "),
            "{error}"
        );
        assert!(
            Backend::for_new_keys(Some(Backend::File), &bad, Backend::File).is_ok(),
            "a flag makes the variable irrelevant"
        );
    }
}
