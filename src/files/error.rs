//! What can go wrong with our files, each failure saying which file and what to do.

use std::io;
use std::path::PathBuf;

use crate::ini::ParseError;
use crate::invalid::Invalid;

/// A file could not be found, read, parsed, written or locked.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
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

    /// A file was replaced, but its directory could not be flushed to disk.
    #[error("wrote {}, but could not flush its directory to disk ({source}); the new contents are in place, though a power failure now could undo that", path.display())]
    Sync {
        /// The file that was replaced.
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

    /// Another process held a lock for longer than we wait.
    #[error(
        "gave up after {} waiting for another stscreds process ({}) that holds {}; answer its prompt or stop it, then try again (STSCREDS_LOCK_TIMEOUT sets how long to wait)",
        humantime::format_duration(*waited),
        holder.as_deref().unwrap_or("which left no note of what it is doing"),
        path.display()
    )]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// What the holder said it is doing (`pid N, …`).
        holder: Option<String>,
        /// How long we waited.
        waited: std::time::Duration,
    },

    /// A setting (`STSCREDS_LOCK_TIMEOUT`) is not usable.
    #[error("{0}")]
    Setting(#[from] Invalid),
}
