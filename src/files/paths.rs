//! Where the files live: resolved once from the environment's settings, as the AWS
//! SDKs do.

use std::ffi::OsString;
#[cfg(test)]
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::FileError;
use super::atomic::follow_symlinks;
use crate::env::Settings;

/// The files stscreds reads and writes, resolved once from the environment.
#[derive(Debug, Clone)]
pub struct Paths {
    /// `~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE` (or, inside `exec
    /// --server`, `STSCREDS_SHARED_CREDENTIALS_FILE`).
    pub aws_credentials: PathBuf,
    /// `~/.aws/config`, or `AWS_CONFIG_FILE` (or, inside `exec --server`,
    /// `STSCREDS_CONFIG_FILE`).
    pub aws_config: PathBuf,
    /// `~/.stscreds`, our private directory.
    pub stscreds_dir: PathBuf,
}

impl Paths {
    /// Resolves the paths the way the AWS SDKs do (`HOME`, then the override variables,
    /// with a leading `~/` expanded), from the environment's `settings`.
    pub fn resolve(settings: &Settings) -> Result<Self, FileError> {
        let home = settings.home.clone().ok_or(FileError::NoHome)?;
        let from_var = |value: &Option<OsString>, default: &[&str]| match value {
            Some(value) => expand_home(&home, value.clone()),
            None => default
                .iter()
                .fold(home.clone(), |path, part| path.join(part)),
        };
        Ok(Self {
            aws_credentials: from_var(&settings.credentials_file, &[".aws", "credentials"]),
            aws_config: from_var(&settings.config_file, &[".aws", "config"]),
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
    pub(super) fn edit_lock(&self) -> PathBuf {
        self.stscreds_dir.join(".lock")
    }

    /// The directories our files live in (where a killed write may have left a
    /// temporary file), each once.
    pub(super) fn file_directories(&self) -> Vec<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_are_where_the_variables_say_else_under_home() {
        use crate::env::{CONFIG_VARIABLE, settings_of};
        let default = Paths::resolve(&settings_of(&[("HOME", "/h")])).unwrap();
        assert_eq!(default.aws_credentials, Path::new("/h/.aws/credentials"));
        assert_eq!(default.aws_config, Path::new("/h/.aws/config"));
        assert_eq!(default.stscreds_dir, Path::new("/h/.stscreds"));
        let moved = Paths::resolve(&settings_of(&[
            ("HOME", "/h"),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/creds"),
            ("AWS_CONFIG_FILE", "/a/config"),
            (CONFIG_VARIABLE, "/s/config"),
        ]))
        .unwrap();
        assert_eq!(moved.aws_credentials, Path::new("/h/creds"));
        assert_eq!(moved.aws_config, Path::new("/s/config"));
        assert!(matches!(
            Paths::resolve(&settings_of(&[("HOME", "")])),
            Err(FileError::NoHome)
        ));
    }

    #[test]
    fn profile_names_map_to_distinct_safe_file_names() {
        assert_eq!(file_name_safe("default"), "default");
        assert_eq!(file_name_safe("team/dev:eu"), "team%2Fdev%3Aeu");
        assert_ne!(file_name_safe("a/b"), file_name_safe("a%2Fb"));
    }
}
