//! The one error type of the library. Every message says what happened and what to do
//! next, fits on one line, and never contains a secret.

use std::io;

use crate::aws::AwsError;

/// Everything that can go wrong in stscreds, worded for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading, writing or locking one of our files failed.
    #[error(transparent)]
    File(#[from] crate::files::FileError),

    /// A configuration file or setting is not usable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),

    /// The long-term keys could not be stored, read or removed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),

    /// `migrate` or `init` stored the keys in the new backend but could not delete the
    /// old copy.
    #[error(
        "the keys now live in the {to} backend, which the profile uses from now on, but the old copy in {location} could not be removed ({cause}); delete it by hand"
    )]
    OldCopyKept {
        /// The new backend.
        to: &'static str,
        /// The old copy.
        location: String,
        /// Why it could not be removed.
        cause: Box<Error>,
    },

    /// `rotate` failed; the message says which key is stored and which to delete.
    #[error(transparent)]
    Rotation(#[from] crate::rotation::RotationError),

    /// Session credentials could not be had.
    #[error(transparent)]
    Credentials(#[from] crate::credentials::Error),

    /// The credential server could not start.
    #[error(transparent)]
    Server(#[from] crate::server::ServerError),

    /// Standard output could not be written (a closed pipe is handled by the binary).
    #[error("cannot write to standard output: {0}")]
    Stdout(io::Error),

    /// `exec` could not start the command.
    #[error("cannot run '{program}': {source}; check the command name and your PATH")]
    Exec {
        /// The command.
        program: String,
        /// Why.
        source: io::Error,
    },

    /// An edit would have put a line break (or NUL) into a file; nothing was written.
    #[error("{0}")]
    UnsafeText(#[from] crate::ini::UnsafeText),

    /// Something typed or passed in is not usable.
    #[error("{0}")]
    Input(#[from] crate::ui::prompt::InputError),

    /// A value given cannot be used; the message says what is expected.
    #[error(transparent)]
    Invalid(#[from] crate::invalid::Invalid),

    /// `doctor` found problems (listed on stdout, each with its fix).
    #[error("doctor found {0} problem(s); each is listed above with the command that fixes it")]
    Diagnosed(usize),

    /// An AWS call failed.
    #[error("{0}")]
    Aws(#[from] AwsError),
}

impl Error {
    /// The exit status for this error: as a shell's, 127 for a command `exec` cannot
    /// find and 126 for one it cannot run (not executable, a directory, ...), so that
    /// scripts can tell these from a failure of stscreds itself (1).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Exec { source, .. } if source.kind() == io::ErrorKind::NotFound => 127,
            Self::Exec { .. } => 126,
            _ => 1,
        }
    }
}
