//! Cross-process locks: the edit lock around every read-modify-write of our files, and
//! the per-profile lock around a renewal, both waited for at most a while.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::FileError;
use super::{Paths, create_private_dir, ensure_regular, read_small_file};

/// Takes our edit lock (see [`super::edit_document`]) for an edit of a file that is not an
/// INI document; held until the returned [`Lock`] is dropped.
pub fn lock_for_edit(paths: &Paths) -> Result<Lock, FileError> {
    Lock::acquire(&paths.edit_lock(), "editing a file", lock_patience()?)
}

/// An exclusive cross-process lock on a file, released when dropped or when the
/// process dies (the operating system drops it), so it can never go stale. The holder
/// writes its process id and what it is doing into the file, so that a process that
/// waits can say what it is waiting for.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// How long a process waits for a lock another one holds: 2 minutes, or
/// `STSCREDS_LOCK_TIMEOUT`. Enough for a person to type an MFA code and for AWS's
/// slowest answer; a holder stuck on a prompt nobody answers does not hold everyone
/// else forever. Every edit of our files takes a lock, most of them far below any
/// command's context, so this reads the process's settings.
pub fn lock_patience() -> Result<Duration, FileError> {
    Ok(crate::env::Settings::process().timeouts.lock.get()?)
}

impl Lock {
    /// Takes the lock on `path` (creating the file if needed), waiting at most
    /// `patience` while another process holds it. `doing` says what this process
    /// does while it holds the lock, for anyone who waits.
    pub fn acquire(path: &Path, doing: &str, patience: Duration) -> Result<Self, FileError> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(lock) = Self::try_acquire(path, doing)? {
                return Ok(lock);
            }
            if Instant::now() >= deadline {
                return Err(FileError::LockTimeout {
                    path: path.to_owned(),
                    holder: Self::holder(path),
                    waited: patience,
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The lock on `path` if no other process holds it, else `None`.
    pub fn try_acquire(path: &Path, doing: &str) -> Result<Option<Self>, FileError> {
        let mut file = open_lock_file(path)?;
        match file.try_lock() {
            Ok(()) => {
                // Only a note for people who wait: a failure to write it is harmless.
                let note = format!("{} {doing}", std::process::id());
                let _ = file
                    .set_len(0)
                    .and_then(|()| file.write_all(note.as_bytes()));
                Ok(Some(Self { _file: file }))
            }
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(source)) => Err(lock_error(path, source)),
        }
    }

    /// What the process holding the lock on `path` said it is doing, as
    /// `pid 1234, renewing …`; `None` if it left no note.
    pub fn holder(path: &Path) -> Option<String> {
        let note = read_small_file(path).ok()??;
        let note = String::from_utf8_lossy(&note);
        let (pid, doing) = note.split_once(' ')?;
        pid.parse::<u32>().ok()?;
        let doing: String = doing
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        Some(format!("pid {pid}, {doing}"))
    }
}

fn open_lock_file(path: &Path) -> Result<File, FileError> {
    if let Some(parent) = path.parent() {
        create_private_dir(parent).map_err(|source| lock_error(path, source))?;
    }
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
        // A FIFO put in the lock file's place must not block the open.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options
        .open(path)
        .map_err(|source| lock_error(path, source))?;
    file.metadata()
        .and_then(|metadata| ensure_regular(&metadata))
        .map_err(|source| lock_error(path, source))?;
    Ok(file)
}

fn lock_error(path: &Path, source: io::Error) -> FileError {
    FileError::Lock {
        path: path.to_owned(),
        source,
    }
}
