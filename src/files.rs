//! All file I/O in one place: where the files live, reading them, replacing them
//! atomically, private permissions, and the lock that serialises our edits.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tempfile::NamedTempFile;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::profile::Document;

/// The largest credentials or config file we read. Real ones are a few kilobytes; a
/// larger file is almost certainly the wrong file, and is refused rather than parsed.
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// The files stscreds reads and writes, resolved once from the environment.
#[derive(Debug, Clone)]
pub struct Paths {
    /// `~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`.
    pub aws_credentials: PathBuf,
    /// `~/.aws/config`, or `AWS_CONFIG_FILE`.
    pub aws_config: PathBuf,
    /// `~/.stscreds`, our private directory.
    pub stscreds_dir: PathBuf,
}

impl Paths {
    /// Resolves the paths the way the AWS SDKs do (`HOME`, then the override variables,
    /// with a leading `~/` expanded).
    pub fn from_env() -> Result<Self, Error> {
        let home = std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(PathBuf::from)
            .ok_or(Error::NoHome)?;
        let from_var = |name: &str, default: &[&str]| match std::env::var_os(name) {
            Some(value) if !value.is_empty() => expand_home(&home, value),
            _ => default
                .iter()
                .fold(home.clone(), |path, part| path.join(part)),
        };
        Ok(Self {
            aws_credentials: from_var("AWS_SHARED_CREDENTIALS_FILE", &[".aws", "credentials"]),
            aws_config: from_var("AWS_CONFIG_FILE", &[".aws", "config"]),
            stscreds_dir: home.join(".stscreds"),
        })
    }

    /// `~/.stscreds/credentials`: the long-term keys.
    pub fn long_term_credentials(&self) -> PathBuf {
        self.stscreds_dir.join("credentials")
    }

    /// The paths of a user whose home directory is `home` (with `~/.aws` created),
    /// for tests.
    #[cfg(test)]
    pub fn under(home: &Path) -> Self {
        fs::create_dir_all(home.join(".aws")).expect("create ~/.aws");
        Self {
            aws_credentials: home.join(".aws").join("credentials"),
            aws_config: home.join(".aws").join("config"),
            stscreds_dir: home.join(".stscreds"),
        }
    }

    /// `~/.stscreds/sessions`: session credentials of profiles that use a
    /// `credential_process`, kept where the AWS tools do not look.
    pub fn private_sessions(&self) -> PathBuf {
        self.stscreds_dir.join("sessions")
    }

    /// `~/.stscreds/config`: what stscreds has learned about each profile.
    pub fn state(&self) -> PathBuf {
        self.stscreds_dir.join("config")
    }

    /// `~/.stscreds/credentials.age`: long-term keys of the `encrypted-file` backend.
    pub fn encrypted_credentials(&self) -> PathBuf {
        self.stscreds_dir.join("credentials.age")
    }

    /// `~/.stscreds/.lock`: held while any of our files is read, edited and replaced.
    fn edit_lock(&self) -> PathBuf {
        self.stscreds_dir.join(".lock")
    }

    /// `~/.stscreds/locks/PROFILE.lock`: held while a profile's session is renewed, so
    /// that concurrent processes prompt once between them.
    pub fn session_lock(&self, profile: &str) -> PathBuf {
        self.stscreds_dir
            .join("locks")
            .join(format!("{}.lock", file_name_safe(profile)))
    }
}

/// A profile name as a single file name: `/`, `%`, `:` and any other byte that is not
/// plainly safe become `%XX`, so distinct profiles never share a lock file.
fn file_name_safe(profile: &str) -> String {
    profile
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'@' | b'+' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn expand_home(home: &Path, value: OsString) -> PathBuf {
    let path = PathBuf::from(value);
    match path.strip_prefix("~") {
        Ok(rest) => home.join(rest),
        Err(_) => path,
    }
}

/// Reads and parses a credentials or config file; a missing file is `None`.
pub fn read_document(path: &Path) -> Result<Option<Document>, Error> {
    let Some(bytes) = read_bytes(path)? else {
        return Ok(None);
    };
    Document::parse_bytes(&bytes)
        .map(Some)
        .map_err(|error| Error::Parse {
            path: path.to_owned(),
            error,
        })
}

/// The bytes of `path` (a regular file of at most [`MAX_FILE_SIZE`]), wiped from
/// memory when dropped; `None` if there is no file.
pub fn read_bytes(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
    read_small_file(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })
}

/// Takes our edit lock (see [`edit_document`]) for an edit of a file that is not an
/// INI document; held until the returned [`Lock`] is dropped.
pub fn lock_for_edit(paths: &Paths) -> Result<Lock, Error> {
    Lock::acquire(&paths.edit_lock())
}

/// The bytes of a regular file of at most [`MAX_FILE_SIZE`], wiped from memory when
/// dropped (they may hold secrets); `None` if there is no file.
fn read_small_file(path: &Path) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(io::Error::other("it is a directory, not a file"));
    }
    if !metadata.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    if metadata.len() > MAX_FILE_SIZE {
        return Err(io::Error::other(format!(
            "it is {} bytes, far more than any AWS credentials or config file; is it the right file?",
            metadata.len()
        )));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(metadata.len() as usize));
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Reads a file, applies `edit` to it, and atomically replaces it with the result, all
/// while holding our edit lock so that concurrent stscreds processes never lose each
/// other's changes. A file that does not parse is left untouched.
pub fn edit_document<T>(
    paths: &Paths,
    path: &Path,
    edit: impl FnOnce(&mut Document) -> Result<T, Error>,
) -> Result<T, Error> {
    let _lock = lock_for_edit(paths)?;
    let original = read_document(path)?;
    let mut document = original.clone().unwrap_or_else(Document::empty);
    let outcome = edit(&mut document)?;
    if original.as_ref() != Some(&document) {
        let contents = Zeroizing::new(document.render());
        replace_atomically(path, contents.as_bytes())?;
    }
    Ok(outcome)
}

/// Replaces the file at `path` (or, if it is a symbolic link, the file it points to)
/// with `contents`: a private temporary file in the same directory is written, synced
/// and renamed over the target, then the directory is synced. Readers see either the
/// old file or the new one, never a mix, and an interrupt waits for the write to end.
pub fn replace_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let _no_interrupt = hold_writes();
    let (target, directory) = target_and_directory(path)?;
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
        .map_err(|source| Error::Sync {
            path: target,
            source,
        })
}

/// Fails now if [`replace_atomically`] could not write `path` (its directory cannot be
/// created or written to), so that no MFA code is spent on a write that cannot happen.
pub fn check_writable(path: &Path) -> Result<(), Error> {
    let (_, directory) = target_and_directory(path)?;
    temporary_file_in(&directory).map(drop)
}

/// The file a write to `path` really replaces, and its directory (created if missing).
fn target_and_directory(path: &Path) -> Result<(PathBuf, PathBuf), Error> {
    let target = follow_symlinks(path).map_err(|source| write_error(path, source))?;
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&directory).map_err(|source| write_error(&directory, source))?;
    Ok((target, directory))
}

fn temporary_file_in(directory: &Path) -> Result<NamedTempFile, Error> {
    // tempfile creates the file readable and writable by its owner only (0600).
    tempfile::Builder::new()
        .prefix(".stscreds-")
        .suffix(".tmp")
        .tempfile_in(directory)
        .map_err(|source| write_error(directory, source))
}

/// Blocks while a file is being replaced, and keeps new replacements from starting
/// until the guard is dropped: what an interrupt handler holds before exiting.
pub fn hold_writes() -> MutexGuard<'static, ()> {
    static WRITES: Mutex<()> = Mutex::new(());
    WRITES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write_error(path: &Path, source: io::Error) -> Error {
    Error::Write {
        path: path.to_owned(),
        source,
    }
}

/// The final target of a chain of symbolic links (which need not exist yet).
fn follow_symlinks(path: &Path) -> io::Result<PathBuf> {
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

/// Prints a warning, with the command that fixes it, when `path` (which holds long-term
/// keys) can be read or entered by users other than its owner.
pub fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    if let Ok(metadata) = fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let private = if metadata.is_dir() { 700 } else { 600 };
            eprintln!(
                "warning: {} is accessible to other users (mode {mode:o}); it holds long-term AWS keys, run `chmod {private} {}`",
                path.display(),
                path.display()
            );
        }
    }
}

/// Creates `directory` and any missing parents, readable only by the owner.
pub fn create_private_dir(directory: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(directory)
}

/// An exclusive cross-process lock on a file, released when dropped or when the
/// process dies (the operating system drops it), so it can never go stale.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Blocks until the lock on `path` is ours, creating the file if needed.
    pub fn acquire(path: &Path) -> Result<Self, Error> {
        let file = open_lock_file(path)?;
        file.lock().map_err(|source| lock_error(path, source))?;
        Ok(Self { _file: file })
    }

    /// The lock on `path` if no other process holds it, else `None`.
    pub fn try_acquire(path: &Path) -> Result<Option<Self>, Error> {
        let file = open_lock_file(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(source)) => Err(lock_error(path, source)),
        }
    }
}

fn open_lock_file(path: &Path) -> Result<File, Error> {
    if let Some(parent) = path.parent() {
        create_private_dir(parent).map_err(|source| lock_error(path, source))?;
    }
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|source| lock_error(path, source))
}

fn lock_error(path: &Path, source: io::Error) -> Error {
    Error::Lock {
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn atomic_replacement_creates_private_files_and_directories() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join("new-dir").join("credentials");
        replace_atomically(&file, b"[a]\n").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"[a]\n");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(file.parent().unwrap()), 0o700);
    }

    #[test]
    fn atomic_replacement_tightens_a_world_readable_file() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join("credentials");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        replace_atomically(&file, b"new").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"new");
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn atomic_replacement_writes_through_a_symlink_and_keeps_the_link() {
        let home = tempfile::tempdir().unwrap();
        let real = home.path().join("dotfiles").join("credentials");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, "old").unwrap();
        let link = home.path().join("credentials");
        std::os::unix::fs::symlink("dotfiles/credentials", &link).unwrap();
        replace_atomically(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn no_temporary_files_are_left_behind() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join("credentials");
        replace_atomically(&file, b"one").unwrap();
        replace_atomically(&file, b"two").unwrap();
        let names: Vec<_> = fs::read_dir(home.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["credentials"]);
    }

    #[test]
    fn a_missing_file_reads_as_none_and_a_broken_one_names_its_line() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join("credentials");
        assert!(read_document(&file).unwrap().is_none());
        fs::write(&file, "[ok]\n[broken\n").unwrap();
        let error = read_document(&file).unwrap_err().to_string();
        assert!(error.contains(&file.display().to_string()), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn a_directory_where_the_file_should_be_is_a_read_error() {
        let home = tempfile::tempdir().unwrap();
        let error = read_document(home.path()).unwrap_err();
        assert!(error.to_string().contains("is a directory"), "{error}");
    }

    #[test]
    fn oversized_and_special_files_are_refused_unread() {
        let home = tempfile::tempdir().unwrap();
        let huge = home.path().join("credentials");
        File::create(&huge)
            .unwrap()
            .set_len(MAX_FILE_SIZE + 1)
            .unwrap();
        let error = read_document(&huge).unwrap_err().to_string();
        assert!(error.contains("is it the right file?"), "{error}");
        let error = read_document(Path::new("/dev/null"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a regular file"), "{error}");
    }

    #[test]
    fn a_held_lock_is_reported_busy_and_freed_on_drop() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("locks").join("p.lock");
        let held = Lock::try_acquire(&path).unwrap().expect("free at first");
        assert!(
            Lock::try_acquire(&path).unwrap().is_none(),
            "busy while held"
        );
        drop(held);
        assert!(
            Lock::try_acquire(&path).unwrap().is_some(),
            "free once dropped"
        );
    }

    #[test]
    fn profile_names_map_to_distinct_safe_file_names() {
        assert_eq!(file_name_safe("default"), "default");
        assert_eq!(file_name_safe("team/dev:eu"), "team%2Fdev%3Aeu");
        assert_ne!(file_name_safe("a/b"), file_name_safe("a%2Fb"));
    }

    #[test]
    fn editing_a_broken_file_leaves_it_byte_for_byte() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        fs::write(&paths.aws_credentials, "[broken\nsecret = keep\n").unwrap();
        let result = edit_document(&paths, &paths.aws_credentials, |doc| {
            Ok(doc.set("a", "k", "v")?)
        });
        assert!(matches!(result, Err(Error::Parse { .. })));
        assert_eq!(
            fs::read_to_string(&paths.aws_credentials).unwrap(),
            "[broken\nsecret = keep\n"
        );
    }
}
