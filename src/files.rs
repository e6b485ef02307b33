//! All file I/O in one place: where the files live, reading them, replacing them
//! atomically, private permissions, and the lock that serialises our edits.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::profile::Document;

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

    /// `~/.stscreds/config`: what stscreds has learned about each profile.
    pub fn state(&self) -> PathBuf {
        self.stscreds_dir.join("config")
    }

    /// `~/.stscreds/.lock`: held while any of our files is read, edited and replaced.
    fn edit_lock(&self) -> PathBuf {
        self.stscreds_dir.join(".lock")
    }
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
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    Document::parse_bytes(&bytes)
        .map(Some)
        .map_err(|error| Error::Parse {
            path: path.to_owned(),
            error,
        })
}

/// Reads a file, applies `edit` to it, and atomically replaces it with the result, all
/// while holding our edit lock so that concurrent stscreds processes never lose each
/// other's changes. A file that does not parse is left untouched.
pub fn edit_document<T>(
    paths: &Paths,
    path: &Path,
    edit: impl FnOnce(&mut Document) -> Result<T, Error>,
) -> Result<T, Error> {
    let _lock = Lock::acquire(&paths.edit_lock())?;
    let original = read_document(path)?;
    let mut document = original.clone().unwrap_or_else(Document::empty);
    let outcome = edit(&mut document)?;
    if original.as_ref() != Some(&document) {
        replace_atomically(path, document.render().as_bytes())?;
    }
    Ok(outcome)
}

/// Replaces the file at `path` (or, if it is a symbolic link, the file it points to)
/// with `contents`: a private temporary file in the same directory is written, synced
/// and renamed over the target, then the directory is synced. Readers see either the
/// old file or the new one, never a mix.
pub fn replace_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let target = follow_symlinks(path).map_err(|source| write_error(path, source))?;
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&directory).map_err(|source| write_error(&directory, source))?;
    // tempfile creates the file readable and writable by its owner only (0600).
    let mut temporary = tempfile::Builder::new()
        .prefix(".stscreds-")
        .suffix(".tmp")
        .tempfile_in(&directory)
        .map_err(|source| write_error(&directory, source))?;
    temporary
        .write_all(contents)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|source| write_error(&target, source))?;
    temporary
        .persist(&target)
        .map_err(|error| write_error(&target, error.error))?;
    File::open(&directory)
        .and_then(|dir| dir.sync_all())
        .map_err(|source| write_error(&directory, source))
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
        let lock_error = |source| Error::Lock {
            path: path.to_owned(),
            source,
        };
        if let Some(parent) = path.parent() {
            create_private_dir(parent).map_err(lock_error)?;
        }
        let mut options = File::options();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(lock_error)?;
        file.lock().map_err(lock_error)?;
        Ok(Self { _file: file })
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
        assert!(matches!(error, Error::Read { .. }), "{error:?}");
    }

    #[test]
    fn editing_a_broken_file_leaves_it_byte_for_byte() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths {
            aws_credentials: home.path().join("credentials"),
            aws_config: home.path().join("config"),
            stscreds_dir: home.path().join(".stscreds"),
        };
        fs::write(&paths.aws_credentials, "[broken\nsecret = keep\n").unwrap();
        let result = edit_document(&paths, &paths.aws_credentials, |doc| {
            doc.set("a", "k", "v");
            Ok(())
        });
        assert!(matches!(result, Err(Error::Parse { .. })));
        assert_eq!(
            fs::read_to_string(&paths.aws_credentials).unwrap(),
            "[broken\nsecret = keep\n"
        );
    }
}
