//! The one error type of the library. Every message says what happened and what to do
//! next, fits on one line, and never contains a secret.

use std::io;
use std::path::PathBuf;

use crate::aws::AwsError;
use crate::profile::ParseError;

/// Everything that can go wrong in stscreds, worded for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `HOME` is unset or empty.
    #[error("HOME is not set; set it to your home directory and try again")]
    NoHome,

    /// A file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },

    /// A file does not follow the AWS INI format; it is never overwritten.
    #[error("{} is not a valid AWS credentials/config file ({error}); fix that line by hand, stscreds left the file unchanged", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why.
        error: ParseError,
    },

    /// A file could not be replaced; the old one is still in place.
    #[error("cannot write {}: {source}; the existing file was left unchanged", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },

    /// The lock file could not be created or taken.
    #[error("cannot lock {}: {source}; check that ~/.stscreds is writable", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },

    /// `auth` (or `read`, `whoami`) ran before `init` for this profile.
    #[error(
        "no long-term keys are stored for profile '{profile}'; run `stscreds init{}` first",
        profile_flag(profile)
    )]
    NotInitialised {
        /// The profile.
        profile: String,
    },

    /// The keys belong to the account's root user, which has no MFA-session story here.
    #[error(
        "these are root-account keys ({arn}); root keys should not be used day to day: create an IAM user with an MFA device, make access keys for it and run `stscreds init` with those"
    )]
    RootKeys {
        /// The root ARN AWS reported.
        arn: String,
    },

    /// Writing session credentials would destroy long-term keys stscreds has not stored.
    #[error("[{profile}] in {} holds the long-term access key {key_id}, which stscreds has not stored; writing session credentials there would lose it. Run `stscreds init{}` with that key first, or use another --profile", path.display(), profile_flag(profile))]
    WouldOverwriteLongTermKey {
        /// The credentials file.
        path: PathBuf,
        /// The profile.
        profile: String,
        /// The access key id (not secret) found there.
        key_id: String,
    },

    /// The async runtime for AWS calls could not start.
    #[error("cannot start the runtime for AWS calls: {source}")]
    Runtime {
        /// Why.
        source: io::Error,
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

/// ` --profile NAME` for any profile but `default`, for use in suggested commands.
pub fn profile_flag(profile: &str) -> String {
    if profile == "default" {
        String::new()
    } else {
        format!(" --profile {profile}")
    }
}
