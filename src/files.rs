//! All file I/O in one place: where the files live, reading them, replacing them
//! atomically, private permissions, and the lock that serialises our edits.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::ini::Document;

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

    /// The directories our files live in (where a killed write may have left a
    /// temporary file), each once.
    fn file_directories(&self) -> Vec<PathBuf> {
        let mut directories: Vec<PathBuf> = Vec::new();
        for file in [&self.aws_credentials, &self.aws_config, &self.state()] {
            let target = follow_symlinks(file).unwrap_or_else(|_| file.clone());
            if let Some(parent) = target.parent()
                && !directories.iter().any(|known| known == parent)
            {
                directories.push(parent.to_owned());
            }
        }
        directories
    }

    /// `~/.stscreds/locks/PROFILE.lock`: held while a profile's session is renewed, so
    /// that concurrent processes prompt once between them.
    pub fn session_lock(&self, profile: &str) -> PathBuf {
        self.stscreds_dir
            .join("locks")
            .join(format!("{}.lock", file_name_safe(profile)))
    }
}

/// The longest file name we derive from a profile name; file systems allow 255 bytes,
/// and `.lock` goes after it.
const MAX_DERIVED_NAME: usize = 200;

/// A profile name as a single file name: `/`, `%`, `:` and any other byte that is not
/// plainly safe become `%XX`, so distinct profiles never share a lock file. A name too
/// long for a file name keeps its beginning and ends with a digest of the whole, so it
/// still fits and still differs from every other profile's.
fn file_name_safe(profile: &str) -> String {
    let escaped: String = profile
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'@' | b'+' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    if escaped.len() <= MAX_DERIVED_NAME {
        return escaped;
    }
    let digest: String = Sha256::digest(profile.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let kept = MAX_DERIVED_NAME - digest.len() - 1;
    format!("{}~{digest}", &escaped[..kept])
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
    Lock::acquire(&paths.edit_lock(), "editing a file", lock_patience()?)
}

/// The bytes of a regular file of at most [`MAX_FILE_SIZE`], wiped from memory when
/// dropped (they may hold secrets); `None` if there is no file.
fn read_small_file(path: &Path) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
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
fn open_regular_file(path: &Path) -> io::Result<File> {
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

fn ensure_regular(metadata: &fs::Metadata) -> io::Result<()> {
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
pub fn edit_document<T>(
    paths: &Paths,
    path: &Path,
    edit: impl FnOnce(&mut Document) -> Result<T, Error>,
) -> Result<T, Error> {
    let _lock = lock_for_edit(paths)?;
    let original = read_document(path)?;
    if let Some(document) = &original
        && (path == paths.aws_credentials || path == paths.aws_config)
    {
        warn_if_the_aws_cli_cannot_read(path, document);
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

/// Replaces the file at `path` (or, if it is a symbolic link, the file it points to)
/// with `contents`: a private temporary file in the same directory is written, synced
/// and renamed over the target, then the directory is synced. Readers see either the
/// old file or the new one, never a mix, and an interrupt waits for the write to end.
pub fn replace_atomically(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let _no_interrupt = hold_writes();
    let (target, directory) = target_and_directory(path)?;
    remove_stale_temporaries_in(&directory);
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
/// created or written to, or the file itself cannot be replaced), so that no MFA code
/// is spent on a write that cannot happen.
pub fn check_writable(path: &Path) -> Result<(), Error> {
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
fn target_and_directory(path: &Path) -> Result<(PathBuf, PathBuf), Error> {
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
/// killed write: a live write finishes in milliseconds.
const STALE_TEMPORARY_AGE: Duration = Duration::from_secs(60);

fn temporary_file_in(directory: &Path) -> Result<NamedTempFile, Error> {
    // tempfile creates the file readable and writable by its owner only (0600).
    tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .suffix(TEMPORARY_SUFFIX)
        .tempfile_in(directory)
        .map_err(|source| write_error(directory, source))
}

/// Removes, from every directory our files live in, the temporary files that killed
/// writes left behind (each a full copy of a file, sessions included), under our edit
/// lock. For `clear` and `remove`, which promise that what they drop is gone. Creates
/// nothing when none of the directories exists.
pub fn remove_stale_temporaries(paths: &Paths) -> Result<(), Error> {
    let directories = paths.file_directories();
    if !directories.iter().any(|directory| directory.is_dir()) {
        return Ok(());
    }
    let _lock = lock_for_edit(paths)?;
    for directory in &directories {
        remove_stale_temporaries_in(directory);
    }
    Ok(())
}

/// Removes the files in `directory` that are named like our temporary files, belong to
/// us and are older than [`STALE_TEMPORARY_AGE`]. Called with the edit lock held, so no
/// live write of ours is using them. Best effort: what cannot be removed now is tried
/// again on the next write.
fn remove_stale_temporaries_in(directory: &Path) {
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
            && is_stale_temporary_of_ours(&metadata, now)
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn is_stale_temporary_of_ours(metadata: &fs::Metadata, now: SystemTime) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.uid() != rustix::process::geteuid().as_raw() {
            return false;
        }
    }
    let age = metadata
        .modified()
        .ok()
        .and_then(|modified| now.duration_since(modified).ok());
    metadata.is_file() && age.is_some_and(|age| age >= STALE_TEMPORARY_AGE)
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

/// Warns (once per file and process) when `document`, read from `path`, repeats a
/// section or a key: the AWS SDKs merge the repeats and stscreds keeps editing the file,
/// but the AWS CLI and boto3 refuse the whole file.
pub fn warn_if_the_aws_cli_cannot_read(path: &Path, document: &Document) {
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
    eprintln!(
        "warning: {} {what} (lines {} and {}); the AWS CLI and boto3 refuse such a file, so keep one and merge the other into it by hand",
        path.display(),
        duplicate.first_line,
        duplicate.second_line
    );
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
/// else forever.
pub fn lock_patience() -> Result<Duration, Error> {
    Ok(crate::env::duration_from_env(
        "STSCREDS_LOCK_TIMEOUT",
        Duration::from_secs(120),
    )?)
}

impl Lock {
    /// Takes the lock on `path` (creating the file if needed), waiting at most
    /// `patience` while another process holds it. `doing` says what this process
    /// does while it holds the lock, for anyone who waits.
    pub fn acquire(path: &Path, doing: &str, patience: Duration) -> Result<Self, Error> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(lock) = Self::try_acquire(path, doing)? {
                return Ok(lock);
            }
            if Instant::now() >= deadline {
                return Err(Error::LockTimeout {
                    path: path.to_owned(),
                    holder: Self::holder(path),
                    waited: patience,
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The lock on `path` if no other process holds it, else `None`.
    pub fn try_acquire(path: &Path, doing: &str) -> Result<Option<Self>, Error> {
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

fn open_lock_file(path: &Path) -> Result<File, Error> {
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
