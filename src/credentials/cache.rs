//! Where sessions are kept between processes, when a stored one will do, and the
//! per-profile lock under which a new one is got.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};

use super::Freshness;
use super::source::Chain;
use crate::config::{ConfigFile, ProfileConfig};
use crate::context::Context;
use crate::error::Error;
use crate::files::{self, Lock, Paths};
use crate::ini::Document;
use crate::session::{CredentialKey, EXPIRATION_KEY, SessionCredentials};
use crate::store::LongTermKeys;

/// The stored session of `chain` if it stays valid for `margin`; read with no network,
/// no runtime and no lock. A profile's own MFA session is looked for where the profile
/// keeps its sessions (usually the only file read), then in `~/.aws/credentials`, where
/// an older one may still be; a role chain's in stscreds' private sessions file.
pub fn fresh(
    paths: &Paths,
    config: &ConfigFile,
    chain: &Chain,
    margin: SignedDuration,
) -> Result<Option<SessionCredentials>, Error> {
    if !chain.roles.is_empty() {
        return load_valid_for(&paths.private_sessions(), &chain.name, margin);
    }
    let profile = &chain.name;
    let home = home(paths, &config.profile(profile)?);
    if let Some(credentials) = load_valid_for(&home, profile, margin)? {
        return Ok(Some(credentials));
    }
    if home == paths.aws_credentials {
        return Ok(None);
    }
    load_valid_for(&paths.aws_credentials, profile, margin)
}

/// The session stored for `profile` in `file` if it stays valid for `margin` from now:
/// the one freshness decision of every path that serves a stored session.
pub fn load_valid_for(
    file: &Path,
    profile: &str,
    margin: SignedDuration,
) -> Result<Option<SessionCredentials>, Error> {
    Ok(load(file, profile)?
        .filter(|credentials| credentials.is_valid_for(margin, Timestamp::now())))
}

/// Takes the profile's session lock, saying so if another process holds it. Returns
/// whether we had to wait.
pub(super) fn lock_session(cx: &Context, profile: &str) -> Result<(Lock, bool), Error> {
    let path = cx.paths.session_lock(profile);
    let doing = format!("renewing the session of profile '{profile}'");
    if let Some(lock) = Lock::try_acquire(&path, &doing)? {
        return Ok((lock, false));
    }
    cx.report.say(&match Lock::holder(&path) {
        Some(holder) => format!("Waiting for another stscreds process ({holder})..."),
        None => format!(
            "Waiting for another stscreds process to finish authenticating profile '{profile}'..."
        ),
    });
    let patience = files::lock_patience()?;
    Ok((Lock::acquire(&path, &doing, patience)?, true))
}

/// The stored session, if the caller may use it instead of a new one: with `New`, only
/// one another process got while we waited for the lock.
pub(super) fn reusable(
    stored: Option<SessionCredentials>,
    freshness: Freshness,
    waited: bool,
) -> Option<SessionCredentials> {
    let margin = match freshness {
        Freshness::ValidFor(margin) => margin,
        Freshness::New if waited => crate::session::FRESHNESS_MARGIN,
        Freshness::New => return None,
    };
    stored.filter(|credentials| credentials.is_valid_for(margin, Timestamp::now()))
}

/// Fails now, rather than after the MFA code is spent, if the sessions file cannot be
/// parsed or written, or holds long-term keys that writing would lose.
pub(super) fn check_sessions_file(
    sessions: &Path,
    profile: &str,
    keys: &LongTermKeys,
) -> Result<(), Error> {
    if let Some(document) = files::read_document(sessions)? {
        ensure_no_unsaved_long_term_key(&document, sessions, profile, &keys.access_key_id)?;
    }
    Ok(files::check_writable(sessions)?)
}

/// The session credentials stored for `profile` in `file`, fresh or not. Reads one
/// file; no network, no runtime: this is the `read` fast path.
pub fn load(file: &Path, profile: &str) -> Result<Option<SessionCredentials>, Error> {
    let document = files::read_document(file)?;
    Ok(document.and_then(|document| SessionCredentials::from_document(&document, profile)))
}

/// Where a profile's sessions live: `~/.aws/credentials`, where every AWS tool finds
/// them; but for a profile that has a `credential_process`, stscreds' private
/// `~/.stscreds/sessions`, because the AWS tools would otherwise take the static copy
/// over the process, and keep using it after it expires.
pub fn home(paths: &Paths, config: &ProfileConfig) -> PathBuf {
    if config.has_credential_process {
        paths.private_sessions()
    } else {
        paths.aws_credentials.clone()
    }
}

/// Refuses to write session credentials over long-term keys that exist nowhere else:
/// unless they are the ones stscreds stores, overwriting them would lose them.
pub fn ensure_no_unsaved_long_term_key(
    document: &Document,
    path: &Path,
    profile: &str,
    stored_key_id: &str,
) -> Result<(), Error> {
    match document.get(profile, CredentialKey::AccessKeyId.name()) {
        Some(key_id)
            if !key_id.is_empty()
                && key_id != stored_key_id
                && holds_long_term_key(document, profile, key_id) =>
        {
            Err(Error::WouldOverwriteLongTermKey {
                path: path.to_owned(),
                profile: profile.to_owned(),
                key_id: key_id.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// Whether the key `key_id` in `profile` is a long-term key: any id with no usable
/// session token beside it (a missing, empty or comment-only token line), or an `AKIA…`
/// id (AWS's prefix for long-term keys) in a section stscreds did not write (ours carry
/// `stscreds_expiration`; moto hands out session keys that start with `AKIA`).
fn holds_long_term_key(document: &Document, profile: &str, key_id: &str) -> bool {
    let token = document
        .get(profile, CredentialKey::SessionToken.name())
        .filter(|token| !token.trim().is_empty());
    let written_by_stscreds = document.get(profile, EXPIRATION_KEY).is_some();
    token.is_none() || (key_id.starts_with("AKIA") && !written_by_stscreds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_term_keys_are_never_overwritten_unless_stored() {
        let path = Path::new("/tmp/credentials");
        let doc = Document::parse(
            "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n",
        )
        .unwrap();
        let error =
            ensure_no_unsaved_long_term_key(&doc, path, "default", "AKIASTORED").unwrap_err();
        assert!(error.to_string().contains("AKIAOTHER"), "{error}");
        assert!(ensure_no_unsaved_long_term_key(&doc, path, "default", "AKIAOTHER").is_ok());
        assert!(ensure_no_unsaved_long_term_key(&doc, path, "empty", "AKIASTORED").is_ok());
        let session =
            Document::parse("[default]\naws_access_key_id = ASIA\naws_session_token = t\n")
                .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&session, path, "default", "AKIASTORED").is_ok());
    }

    #[test]
    fn a_key_with_an_unusable_token_line_or_an_akia_id_is_long_term() {
        let path = Path::new("/tmp/credentials");
        for token_line in ["aws_session_token =\n", "aws_session_token =   \n"] {
            let text = format!(
                "[dev]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n{token_line}"
            );
            let doc = Document::parse(&text).unwrap();
            let error = ensure_no_unsaved_long_term_key(&doc, path, "dev", "AKIASTORED");
            assert!(error.is_err(), "{token_line:?}");
        }
        let with_token = Document::parse(
            "[dev]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\naws_session_token = t\n",
        )
        .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&with_token, path, "dev", "AKIASTORED").is_err());
        let ours = Document::parse(
            "[dev]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\naws_session_token = t\nstscreds_expiration = 2030-01-01T00:00:00Z\n",
        )
        .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&ours, path, "dev", "AKIASTORED").is_ok());
        let no_token =
            Document::parse("[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n")
                .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&no_token, path, "dev", "AKIASTORED").is_err());
    }
}
