//! Replacing a file atomically: a private temporary file in the same directory,
//! synced and renamed over the target; and sweeping what killed writes left behind.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tempfile::NamedTempFile;

use super::FileError;
use super::{Paths, lock_for_edit, open_regular_file};
use crate::ui::interrupt;

/// Replaces the file at `path` (or, if it is a symbolic link, the file it points to)
/// with `contents`: a private temporary file in the same directory is written, synced
/// and renamed over the target, then the directory is synced. Readers see either the
/// old file or the new one, never a mix, and an interrupt waits for the write to end.
pub fn replace_atomically(path: &Path, contents: &[u8]) -> Result<(), FileError> {
    let _no_interrupt = interrupt::hold_off();
    let (target, directory) = target_and_directory(path)?;
    // Not knowing whether the edit lock is held, it leaves alone what may be a live
    // write's.
    remove_temporaries_in(&directory, Sweep::Stale);
    let mut temporary = temporary_file_in(&directory)?;
    temporary
        .write_all(contents)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|source| write_error(&target, source))?;
    temporary
        .persist(&target)
        .map_err(|error| write_error(&target, error.error))?;
    File::open(&directory)
        .and_then(|dir| dir.sync_all())
        .map_err(|source| FileError::Sync {
            path: target,
            source,
        })
}

/// Fails now if [`replace_atomically`] could not write `path` (its directory cannot be
/// created or written to, or the file itself cannot be replaced), so that no MFA code
/// is spent on a write that cannot happen.
pub fn check_writable(path: &Path) -> Result<(), FileError> {
    let (target, directory) = target_and_directory(path)?;
    ensure_replaceable(&target).map_err(|source| write_error(&target, source))?;
    temporary_file_in(&directory).map(drop)
}

/// Fails if the file at `target` exists and a rename cannot replace it: it is not a
/// regular file, or it is marked immutable or append-only (`chattr +i`, `+a`), which
/// stops a rename even for root.
fn ensure_replaceable(target: &Path) -> io::Result<()> {
    let file = match open_regular_file(target) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    #[cfg(target_os = "linux")]
    if let Ok(flags) = rustix::fs::ioctl_getflags(&file)
        && flags.intersects(rustix::fs::IFlags::IMMUTABLE | rustix::fs::IFlags::APPEND)
    {
        return Err(io::Error::other(
            "it is marked immutable or append-only (see `lsattr`); clear that with `chattr -i -a` as root",
        ));
    }
    drop(file);
    Ok(())
}

/// The file a write to `path` really replaces, and its directory (created if missing).
fn target_and_directory(path: &Path) -> Result<(PathBuf, PathBuf), FileError> {
    let target = follow_symlinks(path).map_err(|source| write_error(path, source))?;
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&directory).map_err(|source| write_error(&directory, source))?;
    Ok((target, directory))
}

/// Our temporary files are named `.stscreds-RANDOM.tmp`.
const TEMPORARY_PREFIX: &str = ".stscreds-";
const TEMPORARY_SUFFIX: &str = ".tmp";

/// How old a temporary file of ours must be before it is taken for the leftover of a
/// killed write, by a sweep that does not know whether a write may be live: a live
/// write finishes in milliseconds.
const STALE_TEMPORARY_AGE: Duration = Duration::from_secs(60);

/// Which of our temporary files a sweep removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sweep {
    /// Only those older than [`STALE_TEMPORARY_AGE`]: another process may be writing
    /// the younger ones.
    Stale,
    /// All of them: the sweeper holds the edit lock, which every write of ours holds
    /// from before its temporary file is made until it is renamed, so none is live.
    All,
}

fn temporary_file_in(directory: &Path) -> Result<NamedTempFile, FileError> {
    // tempfile creates the file readable and writable by its owner only (0600).
    tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .suffix(TEMPORARY_SUFFIX)
        .tempfile_in(directory)
        .map_err(|source| write_error(directory, source))
}

/// Removes, from every directory our files live in, the temporary files that killed
/// writes left behind (each a full copy of a file, sessions included), however young:
/// under our edit lock, no write of ours is using one. For `clear` and `remove`, which
/// promise that what they drop is gone, even right after a write was killed. Creates
/// nothing when none of the directories exists.
pub fn remove_leftover_temporaries(paths: &Paths) -> Result<(), FileError> {
    let directories = paths.file_directories();
    if !directories.iter().any(|directory| directory.is_dir()) {
        return Ok(());
    }
    let _lock = lock_for_edit(paths)?;
    for directory in &directories {
        remove_temporaries_in(directory, Sweep::All);
    }
    Ok(())
}

/// Removes the files in `directory` that are named like our temporary files, belong to
/// us and are what `sweep` takes. Best effort: what cannot be removed now is tried
/// again on the next write.
fn remove_temporaries_in(directory: &Path, sweep: Sweep) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMPORARY_PREFIX) && name.ends_with(TEMPORARY_SUFFIX)) {
            continue;
        }
        if let Ok(metadata) = entry.metadata()
            && is_temporary_of_ours(&metadata)
            && (sweep == Sweep::All || is_stale(&metadata, now))
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether `metadata` is of a regular file that belongs to us.
fn is_temporary_of_ours(metadata: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.uid() != rustix::process::geteuid().as_raw() {
            return false;
        }
    }
    metadata.is_file()
}

/// Whether `metadata` is of a file last written at least [`STALE_TEMPORARY_AGE`]
/// before `now`.
fn is_stale(metadata: &fs::Metadata, now: SystemTime) -> bool {
    metadata
        .modified()
        .ok()
        .and_then(|modified| now.duration_since(modified).ok())
        .is_some_and(|age| age >= STALE_TEMPORARY_AGE)
}

fn write_error(path: &Path, source: io::Error) -> FileError {
    FileError::Write {
        path: path.to_owned(),
        source,
    }
}

/// The final target of a chain of symbolic links (which need not exist yet).
pub(super) fn follow_symlinks(path: &Path) -> io::Result<PathBuf> {
    const MAX_LINKS: usize = 40;
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) => parent.join(link),
                    None => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links lead from {}",
        path.display()
    )))
}

/// Creates `directory` and any missing parents, readable only by the owner.
pub fn create_private_dir(directory: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(directory)
}
