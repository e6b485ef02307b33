//! All file I/O in one place: where the files live ([`paths`]), reading them (here),
//! replacing them atomically ([`atomic`]), and the locks that serialise our edits and
//! renewals ([`lock`]).

mod atomic;
mod error;
mod lock;
mod paths;

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::ini::Document;
use crate::ui::report::Report;

pub use atomic::{
    check_writable, create_private_dir, remove_leftover_temporaries, replace_atomically,
};
pub use error::FileError;
pub use lock::{Lock, lock_for_edit, lock_patience};
pub use paths::Paths;

/// The largest credentials or config file we read. Real ones are a few kilobytes; a
/// larger file is almost certainly the wrong file, and is refused rather than parsed.
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;
/// Reads and parses a credentials or config file; a missing file is `None`.
pub fn read_document(path: &Path) -> Result<Option<Document>, FileError> {
    let Some(bytes) = read_bytes(path)? else {
        return Ok(None);
    };
    Document::parse_bytes(&bytes)
        .map(Some)
        .map_err(|error| FileError::Parse {
            path: path.to_owned(),
            error,
        })
}

/// The bytes of `path` (a regular file of at most [`MAX_FILE_SIZE`]), wiped from
/// memory when dropped; `None` if there is no file.
pub fn read_bytes(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, FileError> {
    read_small_file(path).map_err(|source| FileError::Read {
        path: path.to_owned(),
        source,
    })
}

/// The bytes of a regular file of at most [`MAX_FILE_SIZE`], wiped from memory when
/// dropped (they may hold secrets); `None` if there is no file.
pub(super) fn read_small_file(path: &Path) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let file = match open_regular_file(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let length = file.metadata()?.len();
    if length > MAX_FILE_SIZE {
        return Err(io::Error::other(format!(
            "it is {length} bytes, far more than any AWS credentials or config file; is it the right file?"
        )));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(length as usize));
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Opens `path` for reading if it is a regular file. Anything else (a FIFO, a socket, a
/// device, a directory) is refused before it is opened, and the file is opened without
/// blocking, so that nothing swapped in meanwhile can make us wait forever.
pub(super) fn open_regular_file(path: &Path) -> io::Result<File> {
    ensure_regular(&fs::metadata(path)?)?;
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        rustix::fs::OFlags::NONBLOCK.bits() as i32,
    );
    let file = options.open(path)?;
    ensure_regular(&file.metadata()?)?;
    Ok(file)
}

pub(super) fn ensure_regular(metadata: &fs::Metadata) -> io::Result<()> {
    if metadata.is_file() {
        return Ok(());
    }
    if metadata.is_dir() {
        return Err(io::Error::other("it is a directory, not a file"));
    }
    Err(io::Error::other(format!(
        "it is {}, not a regular file; put the real file there",
        describe_special_file(metadata.file_type())
    )))
}

fn describe_special_file(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    #[cfg(not(unix))]
    let _ = file_type;
    "a special file"
}
/// Reads a file, applies `edit` to it, and atomically replaces it with the result, all
/// while holding our edit lock so that concurrent stscreds processes never lose each
/// other's changes. A file that does not parse is left untouched.
///
/// The edit may fail with an error of the caller's own (`E`), which our file errors
/// convert into.
pub fn edit_document<T, E: From<FileError>>(
    paths: &Paths,
    path: &Path,
    edit: impl FnOnce(&mut Document) -> Result<T, E>,
) -> Result<T, E> {
    edit_checked(paths, path, |_| {}, edit)
}

/// [`edit_document`] for a file the AWS tools may read too (`~/.aws/credentials`,
/// `~/.aws/config`): warns through `report` when the file repeats a section or a key.
pub fn edit_shared_document<T, E: From<FileError>>(
    paths: &Paths,
    report: &dyn Report,
    path: &Path,
    edit: impl FnOnce(&mut Document) -> Result<T, E>,
) -> Result<T, E> {
    let shared = path == paths.aws_credentials || path == paths.aws_config;
    let check = |document: &Document| {
        if shared {
            warn_if_the_aws_cli_cannot_read(path, document, report);
        }
    };
    edit_checked(paths, path, check, edit)
}

fn edit_checked<T, E: From<FileError>>(
    paths: &Paths,
    path: &Path,
    check: impl FnOnce(&Document),
    edit: impl FnOnce(&mut Document) -> Result<T, E>,
) -> Result<T, E> {
    let _lock = lock_for_edit(paths)?;
    let original = read_document(path)?;
    if let Some(document) = &original {
        check(document);
    }
    let mut document = original.clone().unwrap_or_else(Document::empty);
    let outcome = edit(&mut document)?;
    let changed = match &original {
        Some(original) => *original != document,
        None => !document.render().is_empty(),
    };
    if changed {
        let contents = Zeroizing::new(document.render());
        replace_atomically(path, contents.as_bytes())?;
    }
    Ok(outcome)
}

/// Warns (once per file and process) when `document`, read from `path`, repeats a
/// section or a key: the AWS SDKs merge the repeats and stscreds keeps editing the file,
/// but the AWS CLI and boto3 refuse the whole file.
pub fn warn_if_the_aws_cli_cannot_read(path: &Path, document: &Document, report: &dyn Report) {
    static WARNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let Some(duplicate) = document.first_duplicate() else {
        return;
    };
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if warned.iter().any(|known| known == path) {
        return;
    }
    warned.push(path.to_owned());
    let what = match &duplicate.key {
        Some(key) => format!(
            "sets {} twice in [{}]",
            crate::message::printable(key),
            crate::message::printable(&duplicate.section)
        ),
        None => format!(
            "has [{}] twice",
            crate::message::printable(&duplicate.section)
        ),
    };
    report.warn(&format!(
        "{} {what} (lines {} and {}); the AWS CLI and boto3 refuse such a file, so keep one and merge the other into it by hand",
        path.display(),
        duplicate.first_line,
        duplicate.second_line
    ));
}

/// Warns, with the command that fixes it, when `path` (which holds long-term keys) can
/// be read or entered by users other than its owner.
pub fn warn_if_readable_by_others(path: &Path, report: &dyn Report) {
    #[cfg(unix)]
    if let Ok(metadata) = fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let private = if metadata.is_dir() { 700 } else { 600 };
            report.warn(&format!(
                "{} is accessible to other users (mode {mode:o}); it holds long-term AWS keys, run `chmod {private} {}`",
                path.display(),
                path.display()
            ));
        }
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
        let held = Lock::try_acquire(&path, "testing")
            .unwrap()
            .expect("free at first");
        assert!(
            Lock::try_acquire(&path, "testing").unwrap().is_none(),
            "busy while held"
        );
        drop(held);
        assert!(
            Lock::try_acquire(&path, "testing").unwrap().is_some(),
            "free once dropped"
        );
    }

    #[test]
    fn editing_a_broken_file_leaves_it_byte_for_byte() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        fs::write(&paths.aws_credentials, "[broken\nsecret = keep\n").unwrap();
        let result = edit_document(&paths, &paths.aws_credentials, |doc| {
            doc.set("a", "k", "v").expect("a plain value");
            Ok::<_, FileError>(())
        });
        assert!(matches!(result, Err(FileError::Parse { .. })));
        assert_eq!(
            fs::read_to_string(&paths.aws_credentials).unwrap(),
            "[broken\nsecret = keep\n"
        );
    }
}
