//! Session credentials: how they sit in `~/.aws/credentials`, and when they are fresh.
//!
//! The expiry is stored in the profile's own section as `stscreds_expiration`, so the
//! keys and their expiry are always replaced together in one atomic write, and each
//! profile has its own. The AWS SDKs and CLI ignore keys they do not know.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use secrecy::{ExposeSecret, SecretString};

use crate::ini::{Document, UnsafeText};

/// The key that records when a profile's session credentials expire (RFC 3339).
pub const EXPIRATION_KEY: &str = "stscreds_expiration";

/// Credentials are handed out only with at least this long left, so that a value read
/// into a shell is not already useless.
pub const FRESHNESS_MARGIN: SignedDuration = SignedDuration::from_mins(5);

/// The three values of a set of AWS credentials that `read` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CredentialKey {
    /// The access key id.
    #[value(name = "aws_access_key_id", alias = "AWS_ACCESS_KEY_ID")]
    AccessKeyId,
    /// The secret access key.
    #[value(name = "aws_secret_access_key", alias = "AWS_SECRET_ACCESS_KEY")]
    SecretAccessKey,
    /// The session token.
    #[value(name = "aws_session_token", alias = "AWS_SESSION_TOKEN")]
    SessionToken,
}

impl CredentialKey {
    /// The key named `name` in credentials files, or by its environment variable
    /// (`AWS_ACCESS_KEY_ID`, as users of `export` know it).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::AccessKeyId, Self::SecretAccessKey, Self::SessionToken]
            .into_iter()
            .find(|key| key.name() == name || key.name().to_ascii_uppercase() == name)
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

/// A well-formed MFA code: exactly six digits.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenCode(String);

impl TokenCode {
    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCode(******)")
    }
}

impl FromStr for TokenCode {
    type Err = MalformedCode;

    /// Accepts `123456` and the `123 456` that authenticator apps display.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(MalformedCode)
        }
    }
}

/// What a code that is not six digits is told: nothing was sent.
#[derive(Debug, thiserror::Error)]
#[error(
    "an MFA code is the 6 digits your MFA device shows (e.g. 123456); nothing was sent to AWS, try again with the current code"
)]
pub struct MalformedCode;

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
        if let Ok(number) = text.trim().parse::<u64>() {
            return Err(Self::unit_missing(text, number));
        }
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

    /// The error for a number without a unit, suggesting the first unit (minutes,
    /// hours, seconds) that makes it a duration AWS allows.
    fn unit_missing(text: &str, number: u64) -> String {
        let units = [("m", 60), ("h", 3600), ("s", 1)];
        let allowed = units.into_iter().find(|(_, seconds)| {
            let duration = Duration::from_secs(number.saturating_mul(*seconds));
            (Self::MIN..=Self::MAX).contains(&duration)
        });
        match allowed {
            Some((unit, _)) => format!("'{text}' has no unit; did you mean {number}{unit}?"),
            None => format!("'{text}' has no unit; give one, from 15m to 36h (e.g. 90m, 12h)"),
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

    #[test]
    fn codes_are_six_digits_with_optional_spaces() {
        assert_eq!("123456".parse::<TokenCode>().unwrap().as_str(), "123456");
        assert_eq!(" 123 456 ".parse::<TokenCode>().unwrap().as_str(), "123456");
        for bad in ["", "12345", "1234567", "abcdef", "12345x", "１２３４５６"] {
            assert!(bad.parse::<TokenCode>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_code_never_shows_in_debug_output() {
        let code: TokenCode = "123456".parse().unwrap();
        assert!(!format!("{code:?}").contains("123456"));
    }

    fn sample(expiration: &str) -> SessionCredentials {
        SessionCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cr+et".into(),
            session_token: "to/ken+==".into(),
            expiration: expiration.parse().unwrap(),
        }
    }

    #[test]
    fn a_number_without_a_unit_gets_the_unit_that_fits() {
        let error = |text| SessionDuration::parse(text).unwrap_err();
        assert_eq!(error("90"), "'90' has no unit; did you mean 90m?");
        assert_eq!(error("12"), "'12' has no unit; did you mean 12h?");
        assert_eq!(error("3600"), "'3600' has no unit; did you mean 3600s?");
        assert!(error("0").contains("from 15m to 36h"), "{}", error("0"));
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
    fn session_durations_are_limited_to_what_sts_allows() {
        assert_eq!(SessionDuration::parse("1h").unwrap().as_secs(), 3600);
        assert_eq!(SessionDuration::parse("15m").unwrap().as_secs(), 900);
        assert_eq!(SessionDuration::parse("36h").unwrap().as_secs(), 129_600);
        for bad in ["14m", "37h", "0s", "soon", ""] {
            assert!(SessionDuration::parse(bad).is_err(), "{bad}");
        }
    }
}
