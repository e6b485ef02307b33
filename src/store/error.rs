//! What can go wrong with the long-term keys, in any backend, each failure saying what
//! to do.

use std::path::PathBuf;

use crate::config::ConfigError;
use crate::env::PASSPHRASE_VARIABLE;
use crate::files::FileError;
use crate::ini::UnsafeText;
use crate::message::profile_flag;
use crate::prompt::InputError;

/// Why keys could not be stored, read or removed; nothing was changed unless it says so.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `auth` (or `read`, `whoami`) ran before `init` for this profile.
    #[error(
        "no long-term keys are stored for profile '{profile}'; run `stscreds init{}` first",
        profile_flag(profile)
    )]
    NotInitialised {
        /// The profile.
        profile: String,
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
