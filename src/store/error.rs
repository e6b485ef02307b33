//! What can go wrong with the long-term keys, in any backend, each failure saying what
//! to do.

use std::path::PathBuf;

use crate::config::ConfigError;
use crate::config::profiles::{self, Known};
use crate::env::PASSPHRASE_VARIABLE;
use crate::files::FileError;
use crate::ini::UnsafeText;
use crate::message::{profile_flag, shell_word};
use crate::ui::prompt::InputError;

/// Why keys could not be stored, read or removed; nothing was changed unless it says so.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No keys are stored for the profile: `auth` (or `read`, `whoami`) ran before
    /// `init`, or the profile is mistyped, or it is one that holds no keys.
    #[error("{}", missing_keys(profile, known))]
    NotInitialised {
        /// The profile.
        profile: String,
        /// What the files say it is, for saying what to do.
        known: Known,
    },

    /// The operating system's credential store could not be used (no fallback).
    #[error("{detail}")]
    Keyring {
        /// What failed and what to do.
        detail: String,
    },

    /// The passphrase does not decrypt the encrypted key file (which is left as it was).
    #[error("{given} does not decrypt {}; nothing was changed, try again with the right passphrase", path.display())]
    WrongPassphrase {
        /// The encrypted file.
        path: PathBuf,
        /// Where the passphrase came from.
        given: &'static str,
    },

    /// The encrypted key file needs a passphrase and there is no way to ask for one.
    #[error("the keys are encrypted in {} and no passphrase can be asked for here; run this in a terminal, or set {}", path.display(), PASSPHRASE_VARIABLE)]
    NoPassphrase {
        /// The encrypted file.
        path: PathBuf,
    },

    /// The passphrase chosen for a new encrypted key file is not usable.
    #[error(
        "{detail}; nothing was stored, run the command again and type the same non-empty passphrase twice"
    )]
    NewPassphrase {
        /// What is wrong with it.
        detail: String,
    },

    /// The encrypted key file is damaged or cannot be written.
    #[error("cannot use {}: {detail}; restore it from a backup, or remove it and run `stscreds init` again", path.display())]
    Encrypted {
        /// The encrypted file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },

    /// Keys just stored did not read back the same.
    #[error(
        "the keys read back from {location} differ from those just stored; nothing else was changed, check that store and try again"
    )]
    StoreMismatch {
        /// The store, for the user.
        location: String,
    },

    /// A file the backend uses could not be read or written.
    #[error(transparent)]
    File(#[from] FileError),

    /// The profile's recorded backend could not be read.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// A value to write would not stay on its line.
    #[error(transparent)]
    Unsafe(#[from] UnsafeText),

    /// No answer (a passphrase) could be had.
    #[error(transparent)]
    Input(#[from] InputError),
}

/// What to do about a profile without keys, by what the files say it is: never `init`
/// for a profile that cannot hold keys, nor for a typo of a known one.
fn missing_keys(profile: &str, known: &Known) -> String {
    let use_profile = |name: &str| format!("`--profile {}`", shell_word(name));
    match known {
        Known::Named | Known::Unknown { closest: None } => format!(
            "no long-term keys are stored for profile '{profile}'; run `stscreds init{}` first",
            profile_flag(profile)
        ),
        Known::Unknown {
            closest: Some(closest),
        } => format!(
            "{} (`stscreds init{}` would set it up as a new profile)",
            profiles::unknown_profile(profile, closest),
            profile_flag(profile)
        ),
        Known::Role {
            source: Some(source),
        } => format!(
            "profile '{profile}' is a role profile (role_arn in ~/.aws/config) and has no long-term keys of its own; they belong to its source_profile: use {}",
            use_profile(source)
        ),
        Known::Role { source: None } => format!(
            "profile '{profile}' is a role profile (role_arn in ~/.aws/config) with no source_profile; add one naming the profile whose keys `stscreds init` stored"
        ),
        Known::ServedAs { profile: served } => format!(
            "profile '{profile}' is for the AWS tools: its credential_process runs `stscreds credential-process --profile {}`; with stscreds, use {}",
            shell_word(served),
            use_profile(served)
        ),
        Known::OtherProcess => format!(
            "profile '{profile}' gets its credentials from its credential_process, another program, and stscreds stores no keys for it; `stscreds list` shows the profiles stscreds serves"
        ),
    }
}
