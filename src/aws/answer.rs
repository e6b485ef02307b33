//! Checks on every value an AWS answer hands us before it reaches a file or the
//! terminal. The SDK parses leniently (a truncated answer yields empty strings and a
//! 1970 expiry), and whatever sits at `AWS_ENDPOINT_URL` or in between may be anything:
//! a value that cannot be real is refused, so it never lands in `~/.aws/credentials`
//! (where a newline would start a new section) or on stdout.

use jiff::{SignedDuration, Timestamp};

/// How far AWS's clock and ours may disagree, plus network latency, when judging an
/// expiry time. The SDK corrects its signing clock for skew, so a call can succeed with
/// our clock far off; expiry times are therefore judged by AWS's clock (the answer's
/// `Date` header) where there is one.
pub const CLOCK_SLACK: SignedDuration = SignedDuration::from_mins(5);

/// Real session tokens are under 4 KB; this leaves room for growth while keeping a
/// credentials file far below the 4 MiB stscreds reads.
const MAX_SESSION_TOKEN: usize = 16 * 1024;

/// Real secret access keys are 40 characters.
const SECRET_LENGTH: std::ops::RangeInclusive<usize> = 16..=128;

/// AWS documents access key ids as 16 to 128 characters.
const ACCESS_KEY_ID_LENGTH: std::ops::RangeInclusive<usize> = 16..=128;

/// ARNs are at most 2048 characters.
const MAX_ARN: usize = 2048;

/// MFA serials (ARNs or hardware serial numbers) are at most 256 characters.
const MAX_MFA_SERIAL: usize = 256;

/// IAM user names are 1 to 64 characters.
const MAX_USER_NAME: usize = 64;

/// Which value of an answer was wrong, and how. Never holds the value itself, which
/// may be a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the {field} {problem}")]
pub struct Implausible {
    /// What the value is, e.g. "session token".
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What can be wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Missing or empty.
    #[error("is empty")]
    Empty,
    /// Shorter or longer than any real one.
    #[error("has an impossible length")]
    Length,
    /// Has a character real ones never have (a newline, a space, a bracket...).
    #[error("contains characters AWS never uses there")]
    Characters,
    /// An expiry time that has already passed.
    #[error("is already in the past by this computer's clock")]
    InThePast,
    /// An expiry time further ahead than the session was asked to last.
    #[error("is further ahead than the requested session duration")]
    BeyondDuration,
    /// A time something was made that has not come yet.
    #[error("is in the future")]
    InTheFuture,
}

fn check(
    field: &'static str,
    value: &str,
    length: std::ops::RangeInclusive<usize>,
    allowed: impl Fn(u8) -> bool,
) -> Result<(), Implausible> {
    let fail = |problem| Err(Implausible { field, problem });
    if value.is_empty() {
        fail(Problem::Empty)
    } else if !length.contains(&value.len()) {
        fail(Problem::Length)
    } else if !value.bytes().all(allowed) {
        fail(Problem::Characters)
    } else {
        Ok(())
    }
}

fn is_base64(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=')
}

/// IAM's name characters: `[\w+=,.@-]`.
fn is_iam_name(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'+' | b'=' | b',' | b'.' | b'@' | b'-')
}

fn is_arn(byte: u8) -> bool {
    is_iam_name(byte) || matches!(byte, b':' | b'/')
}

/// An access key id (`AKIA…`, `ASIA…`): upper-case letters and digits.
pub fn access_key_id(value: &str) -> Result<(), Implausible> {
    check("access key id", value, ACCESS_KEY_ID_LENGTH, |b| {
        b.is_ascii_uppercase() || b.is_ascii_digit()
    })
}

/// A secret access key: base64 characters.
pub fn secret_access_key(value: &str) -> Result<(), Implausible> {
    check("secret access key", value, SECRET_LENGTH, is_base64)
}

/// A session token: base64 (standard or URL-safe) characters, bounded.
pub fn session_token(value: &str) -> Result<(), Implausible> {
    check("session token", value, 1..=MAX_SESSION_TOKEN, |b| {
        is_base64(b) || matches!(b, b'-' | b'_')
    })
}

/// An IAM user name.
pub fn user_name(value: &str) -> Result<(), Implausible> {
    check("user name", value, 1..=MAX_USER_NAME, is_iam_name)
}

/// An ARN: `arn:` and ARN characters.
pub fn arn(value: &str) -> Result<(), Implausible> {
    check("ARN", value, 1..=MAX_ARN, is_arn)?;
    if value.starts_with("arn:") {
        Ok(())
    } else {
        Err(Implausible {
            field: "ARN",
            problem: Problem::Characters,
        })
    }
}

/// A 12-digit AWS account id.
pub fn account(value: &str) -> Result<(), Implausible> {
    check("account id", value, 12..=12, |b| b.is_ascii_digit())
}

/// An MFA device serial: an ARN, or a hardware token's serial number.
pub fn mfa_serial(value: &str) -> Result<(), Implausible> {
    check("MFA device serial", value, 1..=MAX_MFA_SERIAL, is_arn)
}

/// An expiry time for a session of `duration` granted at `granted` (AWS's clock when
/// known, else ours): after both `granted` and `now` (our clock; credentials already
/// expired by it are useless here), and no later than the duration allows.
pub fn expiration(
    value: Timestamp,
    duration: SignedDuration,
    granted: Timestamp,
    now: Timestamp,
) -> Result<(), Implausible> {
    let fail = |problem| {
        Err(Implausible {
            field: "expiry time",
            problem,
        })
    };
    if value <= now || value <= granted {
        fail(Problem::InThePast)
    } else if value > granted + duration + CLOCK_SLACK {
        fail(Problem::BeyondDuration)
    } else {
        Ok(())
    }
}

/// When an access key was created: not after `now` (AWS's clock when known, else
/// ours), give or take the clock slack. A key from the future would make its age
/// negative and hide that it needs replacing.
pub fn creation_date(value: Timestamp, now: Timestamp) -> Result<(), Implausible> {
    if value > now + CLOCK_SLACK {
        Err(Implausible {
            field: "access key's creation date",
            problem: Problem::InTheFuture,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(result: Result<(), Implausible>) -> Option<Problem> {
        result.err().map(|implausible| implausible.problem)
    }

    #[test]
    fn real_looking_credentials_pass() {
        assert_eq!(access_key_id("ASIAIOSFODNN7EXAMPLE"), Ok(()));
        assert_eq!(
            secret_access_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"),
            Ok(())
        );
        let token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc==".repeat(20);
        assert_eq!(session_token(&token), Ok(()));
    }

    #[test]
    fn empty_malformed_and_oversized_credentials_are_refused() {
        assert_eq!(problem(access_key_id("")), Some(Problem::Empty));
        assert_eq!(problem(access_key_id("ASIA")), Some(Problem::Length));
        assert_eq!(
            problem(access_key_id("asiaiosfodnn7example")),
            Some(Problem::Characters)
        );
        assert_eq!(
            problem(secret_access_key("secret with spaces in it")),
            Some(Problem::Characters)
        );
        assert_eq!(
            problem(session_token("token\n[evil]\naws_access_key_id=AKIA")),
            Some(Problem::Characters)
        );
        assert_eq!(
            problem(session_token(&"A".repeat(MAX_SESSION_TOKEN + 1))),
            Some(Problem::Length)
        );
        assert_eq!(problem(session_token("")), Some(Problem::Empty));
    }

    #[test]
    fn the_message_names_the_field_and_never_the_value() {
        let error = session_token("secret-ish value\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the session token contains characters AWS never uses there"
        );
    }

    #[test]
    fn iam_names_arns_and_serials_follow_iam_rules() {
        assert_eq!(user_name("alice.smith+ops@example.com"), Ok(()));
        assert_eq!(problem(user_name(&"a".repeat(65))), Some(Problem::Length));
        assert_eq!(problem(user_name("ali ce")), Some(Problem::Characters));
        assert_eq!(arn("arn:aws:iam::123456789012:user/eng/alice"), Ok(()));
        assert_eq!(
            problem(arn("arn:aws:iam::1:user/a\n")),
            Some(Problem::Characters)
        );
        assert_eq!(problem(arn("user/alice")), Some(Problem::Characters));
        assert_eq!(mfa_serial("arn:aws:iam::123456789012:mfa/alice"), Ok(()));
        assert_eq!(mfa_serial("GAHT12345678"), Ok(()));
        assert_eq!(
            problem(mfa_serial("arn:aws:iam::1:mfa/a\u{1b}[2J")),
            Some(Problem::Characters)
        );
        assert_eq!(account("123456789012"), Ok(()));
        assert_eq!(problem(account("12345")), Some(Problem::Length));
    }

    #[test]
    fn an_expiry_must_fit_the_requested_duration() {
        let now: Timestamp = "2030-01-01T12:00:00Z".parse().unwrap();
        let hour = SignedDuration::from_hours(1);
        let at = |offset: SignedDuration| now + offset;
        let check = |value, granted| problem(expiration(value, hour, granted, now));
        assert_eq!(check(at(hour), now), None);
        assert_eq!(
            check(at(hour + CLOCK_SLACK), now),
            None,
            "AWS's clock ahead"
        );
        assert_eq!(
            check(at(hour - SignedDuration::from_mins(20)), now),
            None,
            "AWS's clock behind"
        );
        assert_eq!(check(at(-hour), now), Some(Problem::InThePast));
        assert_eq!(check(Timestamp::UNIX_EPOCH, now), Some(Problem::InThePast));
        assert_eq!(check(now, now), Some(Problem::InThePast));
        assert_eq!(
            check(at(hour + SignedDuration::from_mins(6)), now),
            Some(Problem::BeyondDuration)
        );
        assert_eq!(
            check(at(SignedDuration::from_hours(10 * 365 * 24)), now),
            Some(Problem::BeyondDuration)
        );
        let aws_two_hours_ahead = at(SignedDuration::from_hours(2));
        assert_eq!(
            check(at(SignedDuration::from_hours(3)), aws_two_hours_ahead),
            None,
            "judged by AWS's clock when the answer has one"
        );
    }

    #[test]
    fn a_key_cannot_have_been_created_in_the_future() {
        let now: Timestamp = "2030-01-01T12:00:00Z".parse().unwrap();
        let years_ago = now - SignedDuration::from_hours(3 * 365 * 24);
        assert_eq!(creation_date(years_ago, now), Ok(()));
        assert_eq!(
            creation_date(now + CLOCK_SLACK, now),
            Ok(()),
            "clocks differ"
        );
        assert_eq!(
            problem(creation_date(now + SignedDuration::from_hours(1), now)),
            Some(Problem::InTheFuture)
        );
    }
}
