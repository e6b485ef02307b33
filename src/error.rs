//! The one error type of the library. Every message says what happened and what to do
//! next, fits on one line, and never contains a secret.

use std::io;
use std::path::PathBuf;

use crate::aws::AwsError;
use crate::message::{delete_key_command, printable, profile_flag};

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

    /// The user has two access keys already (AWS's limit), so `rotate` cannot make one.
    #[error(
        "IAM user '{user}' already has two access keys, AWS's limit: {stored} (stored by stscreds, in use) and {extra}; delete the one you do not use ({}) and run `stscreds rotate` again; nothing was changed",
        delete_key_command(user, extra)
    )]
    TooManyAccessKeys {
        /// The IAM user.
        user: String,
        /// The key stscreds has stored.
        stored: String,
        /// The other key(s).
        extra: String,
    },

    /// The stored key is not among the user's keys, so `rotate` does not touch them.
    #[error(
        "the key {stored} stored for profile '{profile}' is not one of IAM user '{user}'s access keys; run `stscreds init{}` with a current key of that user first; nothing was changed",
        profile_flag(profile)
    )]
    StoredKeyNotListed {
        /// The profile.
        profile: String,
        /// The IAM user.
        user: String,
        /// The stored key id.
        stored: String,
    },

    /// `rotate` made a new key but could not put it in use; the old key stays.
    #[error("rotation stopped: the new access key {new} {what_failed} ({cause}); {}; the stored key {old} is unchanged and still active", if *new_deleted { "the new key was deleted again".to_owned() } else { format!("the new key could not be deleted, so delete it yourself ({})", delete_key_command(user, new)) })]
    RotationAbandoned {
        /// What went wrong with the new key.
        what_failed: &'static str,
        /// The IAM user.
        user: String,
        /// The stored key id.
        old: String,
        /// The new key id.
        new: String,
        /// Why.
        cause: Box<Error>,
        /// Whether the new key was deleted again.
        new_deleted: bool,
    },

    /// `rotate` made a new key, the store failed, and what it holds cannot be told.
    #[error(
        "rotation stopped: the new access key {new} was made, but whether the key store holds it cannot be told ({cause}); both it and the old key {old} stay active, so the profile keeps a working key either way; once the store works again, run `stscreds rotate`: it names the key of user '{user}' that is not stored, to delete"
    )]
    RotationUnsure {
        /// The IAM user.
        user: String,
        /// The old key id.
        old: String,
        /// The new key id.
        new: String,
        /// Why storing failed.
        cause: Box<Error>,
    },

    /// `rotate` stored the new key but could not delete the old one.
    #[error(
        "the new access key {new} is stored and active, but the old key {old} could not be deleted ({cause}); delete it yourself ({})",
        delete_key_command(user, old)
    )]
    OldKeyNotDeleted {
        /// The IAM user.
        user: String,
        /// The old key id.
        old: String,
        /// The new key id, now stored.
        new: String,
        /// Why.
        cause: Box<Error>,
    },

    /// Writing session credentials would destroy long-term keys stscreds has not stored.
    #[error("[{profile}] in {} holds the long-term access key {}, which stscreds has not stored; writing session credentials there would lose it. Run `stscreds init{}` with that key first, or use another --profile", path.display(), printable(key_id), profile_flag(profile))]
    WouldOverwriteLongTermKey {
        /// The credentials file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// The access key id (not secret) found there.
        key_id: String,
    },

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
    Input(#[from] crate::prompt::InputError),

    /// The MFA code or device could not be settled.
    #[error("{0}")]
    Mfa(#[from] crate::mfa::MfaError),

    /// An AWS call failed.
    #[error("{0}")]
    Aws(#[from] AwsError),
}
