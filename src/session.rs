//! Session credentials: how they sit in `~/.aws/credentials`, and when they are fresh.
//!
//! The expiry is stored in the profile's own section as `stscreds_expiration`, so the
//! keys and their expiry are always replaced together in one atomic write, and each
//! profile has its own. The AWS SDKs and CLI ignore keys they do not know.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use secrecy::{ExposeSecret, SecretString};

use crate::config::ProfileConfig;
use crate::error::Error;
use crate::files::{self, Paths};
use crate::profile::{Document, UnsafeText};

/// The key that records when a profile's session credentials expire (RFC 3339).
pub const EXPIRATION_KEY: &str = "stscreds_expiration";

/// Credentials are handed out only with at least this long left, so that a value read
/// into a shell is not already useless.
pub const FRESHNESS_MARGIN: SignedDuration = SignedDuration::from_mins(5);

/// The three values of a set of AWS credentials that `read` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CredentialKey {
    /// The access key id.
    #[value(name = "aws_access_key_id")]
    AccessKeyId,
    /// The secret access key.
    #[value(name = "aws_secret_access_key")]
    SecretAccessKey,
    /// The session token.
    #[value(name = "aws_session_token")]
    SessionToken,
}

impl CredentialKey {
    /// The key named `name` in credentials files.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::AccessKeyId, Self::SecretAccessKey, Self::SessionToken]
            .into_iter()
            .find(|key| key.name() == name)
    }

    /// The key's name in credentials files.
    pub fn name(self) -> &'static str {
        match self {
            Self::AccessKeyId => "aws_access_key_id",
            Self::SecretAccessKey => "aws_secret_access_key",
            Self::SessionToken => "aws_session_token",
        }
    }
}

/// Temporary credentials from STS.
#[derive(Debug, Clone)]
pub struct SessionCredentials {
    /// The temporary access key id (`ASIA…`).
    pub access_key_id: String,
    /// The temporary secret.
    pub secret_access_key: SecretString,
    /// The session token that goes with them.
    pub session_token: SecretString,
    /// When AWS stops accepting them.
    pub expiration: Timestamp,
}

impl SessionCredentials {
    /// The complete set stored for `profile`, if there is one with a readable expiry.
    pub fn from_document(document: &Document, profile: &str) -> Option<Self> {
        let value =
            |key: CredentialKey| document.get(profile, key.name()).filter(|v| !v.is_empty());
        Some(Self {
            access_key_id: value(CredentialKey::AccessKeyId)?.to_owned(),
            secret_access_key: value(CredentialKey::SecretAccessKey)?.into(),
            session_token: value(CredentialKey::SessionToken)?.into(),
            expiration: document.get(profile, EXPIRATION_KEY)?.parse().ok()?,
        })
    }

    /// Writes all four values into `profile`, leaving the rest of the file alone.
    pub fn write_to(&self, document: &mut Document, profile: &str) -> Result<(), UnsafeText> {
        for key in [
            CredentialKey::AccessKeyId,
            CredentialKey::SecretAccessKey,
            CredentialKey::SessionToken,
        ] {
            document.set(profile, key.name(), self.value(key))?;
        }
        document.set(profile, EXPIRATION_KEY, &self.expiration.to_string())
    }

    /// Removes the session of `profile` (the keys stscreds writes) from `document`;
    /// other keys of the section stay.
    pub fn remove_from(document: &mut Document, profile: &str) {
        for key in [
            CredentialKey::AccessKeyId,
            CredentialKey::SecretAccessKey,
            CredentialKey::SessionToken,
        ] {
            document.remove(profile, key.name());
        }
        document.remove(profile, EXPIRATION_KEY);
    }

    /// One of the three values.
    pub fn value(&self, key: CredentialKey) -> &str {
        match key {
            CredentialKey::AccessKeyId => &self.access_key_id,
            CredentialKey::SecretAccessKey => self.secret_access_key.expose_secret(),
            CredentialKey::SessionToken => self.session_token.expose_secret(),
        }
    }

    /// Whether they will still be valid `margin` from `now`.
    pub fn is_valid_for(&self, margin: SignedDuration, now: Timestamp) -> bool {
        now.checked_add(margin)
            .is_ok_and(|deadline| self.expiration > deadline)
    }
}

/// The session credentials stored for `profile` in `file`, fresh or not. Reads one
/// file; no network, no runtime: this is the `read` fast path.
pub fn load(file: &Path, profile: &str) -> Result<Option<SessionCredentials>, Error> {
    let document = files::read_document(file)?;
    Ok(document.and_then(|document| SessionCredentials::from_document(&document, profile)))
}

/// The session credentials stored for `profile` in `file` if they stay valid for
/// `margin` from now: the one freshness decision of every path that serves a cache.
pub fn load_valid_for(
    file: &Path,
    profile: &str,
    margin: SignedDuration,
) -> Result<Option<SessionCredentials>, Error> {
    Ok(load(file, profile)?
        .filter(|credentials| credentials.is_valid_for(margin, Timestamp::now())))
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

/// Whether the key `key_id` in `profile` is a long-term key: an `AKIA…` id (AWS's prefix
/// for long-term keys), or any id with no usable session token beside it (a missing,
/// empty or comment-only token line).
fn holds_long_term_key(document: &Document, profile: &str, key_id: &str) -> bool {
    let token = document
        .get(profile, CredentialKey::SessionToken.name())
        .filter(|token| !token.trim().is_empty());
    key_id.starts_with("AKIA") || token.is_none()
}

/// How long session credentials should last: 15 minutes to 36 hours, as STS allows for
/// IAM users; one hour unless configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SessionDuration(Duration);

impl Default for SessionDuration {
    fn default() -> Self {
        Self::ONE_HOUR
    }
}

impl SessionDuration {
    /// One hour: the default, and the longest a role assumed with temporary
    /// credentials may last.
    pub const ONE_HOUR: Self = Self(Duration::from_secs(60 * 60));

    /// The shortest session STS grants.
    pub const MIN: Duration = Duration::from_secs(15 * 60);
    /// The longest session STS grants an IAM user.
    pub const MAX: Duration = Duration::from_secs(36 * 60 * 60);

    /// Parses a humantime duration (`90m`, `12h`) and checks it is in range.
    pub fn parse(text: &str) -> Result<Self, String> {
        let duration = humantime::parse_duration(text)
            .map_err(|error| format!("'{text}' is not a duration like 1h, 90m or 12h ({error})"))?;
        if (Self::MIN..=Self::MAX).contains(&duration) {
            Ok(Self(duration))
        } else {
            Err(format!(
                "'{text}' is outside what AWS allows; choose between 15m and 36h"
            ))
        }
    }

    /// Whole seconds, as STS wants them.
    pub fn as_secs(self) -> i32 {
        i32::try_from(self.0.as_secs()).unwrap_or(i32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(expiration: &str) -> SessionCredentials {
        SessionCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cr+et".into(),
            session_token: "to/ken+==".into(),
            expiration: expiration.parse().unwrap(),
        }
    }

    #[test]
    fn credentials_round_trip_through_a_document() {
        let mut doc = Document::parse("[other]\nk = v\n").unwrap();
        sample("2030-01-02T03:04:05Z")
            .write_to(&mut doc, "work")
            .unwrap();
        assert_eq!(
            doc.render(),
            "[other]\nk = v\n\n[work]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = se/cr+et\naws_session_token = to/ken+==\nstscreds_expiration = 2030-01-02T03:04:05Z\n"
        );
        let read = SessionCredentials::from_document(&doc, "work").unwrap();
        assert_eq!(read.value(CredentialKey::SessionToken), "to/ken+==");
        assert_eq!(read.expiration, "2030-01-02T03:04:05Z".parse().unwrap());
        assert!(SessionCredentials::from_document(&doc, "other").is_none());
    }

    #[test]
    fn debug_output_hides_the_secret_and_token() {
        let shown = format!("{:?}", sample("2030-01-02T03:04:05Z"));
        assert!(shown.contains("ASIAEXAMPLE"), "{shown}");
        assert!(
            !shown.contains("se/cr+et") && !shown.contains("to/ken+=="),
            "{shown}"
        );
    }

    #[test]
    fn an_incomplete_set_or_unreadable_expiry_counts_as_missing() {
        let doc = Document::parse("[a]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = T\nstscreds_expiration = soon\n").unwrap();
        assert!(SessionCredentials::from_document(&doc, "a").is_none());
        let doc = Document::parse("[a]\naws_access_key_id = A\naws_secret_access_key = S\nstscreds_expiration = 2030-01-01T00:00:00Z\n").unwrap();
        assert!(SessionCredentials::from_document(&doc, "a").is_none());
    }

    #[test]
    fn freshness_keeps_a_margin_before_expiry() {
        let credentials = sample("2030-01-01T12:00:00Z");
        let fresh = |now: &str| credentials.is_valid_for(FRESHNESS_MARGIN, now.parse().unwrap());
        assert!(fresh("2030-01-01T11:54:59Z"));
        assert!(!fresh("2030-01-01T11:55:00Z"));
        assert!(!fresh("2030-01-01T13:00:00Z"));
    }

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
        let no_token =
            Document::parse("[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n")
                .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&no_token, path, "dev", "AKIASTORED").is_err());
    }

    #[test]
    fn session_durations_are_limited_to_what_sts_allows() {
        assert_eq!(SessionDuration::parse("1h").unwrap().as_secs(), 3600);
        assert_eq!(SessionDuration::parse("15m").unwrap().as_secs(), 900);
        assert_eq!(SessionDuration::parse("36h").unwrap().as_secs(), 129_600);
        for bad in ["14m", "37h", "0s", "soon", ""] {
            assert!(SessionDuration::parse(bad).is_err(), "{bad}");
        }
    }
}
