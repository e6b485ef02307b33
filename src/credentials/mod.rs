//! The one way in to session credentials. Every command that needs credentials (`auth`,
//! `read`, `exec`, `export`, `credential-process`, `whoami`, and `rotate` for its MFA
//! session) asks [`get`]: a profile, an optional role on top, how fresh is fresh enough
//! and how to settle the MFA code go in; session credentials come out.
//!
//! - [`source`] resolves where they come from: the profile's own MFA session, or a chain
//!   of roles over a base profile's MFA session.
//! - [`sessions`] is the only code that knows where a session lives and what it was
//!   made from: it finds a stored session that is fresh enough (no lock, no network),
//!   holds the session's lock while one is renewed, so that of many processes one
//!   asks, and saves, moves and clears sessions.
//! - `session_token` renews an MFA session (`sts:GetSessionToken`); the user, the MFA
//!   device and the code are settled there, once, for both ways a code is spent.
//! - `assume_role` renews a role chain (`sts:AssumeRole`); its first role is assumed
//!   with the base profile's MFA session, so one code serves every role on that base.

pub mod sessions;
pub mod source;
pub mod supply;

mod assume_role;
mod session_token;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use crate::context::Context;
use crate::error::Error;
use crate::session::{SessionCredentials, SessionDuration, TokenCode};

/// How new session credentials are to be got, from the command line.
#[derive(Debug, Clone, Default)]
pub struct SessionArgs {
    /// `--expires`: overrides the profile's `duration_seconds` and the 1-hour default.
    pub expires: Option<SessionDuration>,
    /// `--token-code`.
    pub token_code: Option<TokenCode>,
    /// `--mfa-serial`: overrides the profile's `mfa_serial`.
    pub mfa_serial: Option<String>,
    /// `--mfa-command`: overrides the profile's `mfa_process`.
    pub mfa_command: Option<String>,
    /// `--mfa-prompt`: overrides `STSCREDS_MFA_PROMPT` and the profile's `mfa_prompt`.
    pub mfa_prompt: Option<crate::prompt::PromptKind>,
    /// `--role-arn`: a role to assume on top of the profile.
    pub role_arn: Option<String>,
}

/// How fresh the credentials handed out must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Valid for at least this long: a stored session that is serves, else a new one is
    /// got (`read`, `exec`, `export`, `whoami`, `rotate`).
    ValidFor(SignedDuration),
    /// Valid for at least this long, or, for a session shorter than three times that,
    /// for the last third of its life (`credential-process`: a client that asks for 15
    /// minutes must not cost an MFA code per process start when sessions last 15).
    FairShare(SignedDuration),
    /// New ones (`auth`), unless another process got them while we waited for the
    /// profile's lock.
    New,
}

/// Session credentials for the context's profile (or the role `--role-arn` on top of
/// it) as fresh as `freshness` asks: a stored session when it will do, read with no
/// network, no runtime and no lock; else new ones, got under the profile's lock.
pub fn get(
    cx: &mut Context,
    args: &SessionArgs,
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    let profile = cx.profile.clone();
    get_for(cx, &profile, args, freshness)
}

/// [`get`] for `profile`, which is the context's or, for a role chain, its base.
fn get_for(
    cx: &mut Context,
    profile: &str,
    args: &SessionArgs,
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    let chain = source::resolve(cx.config()?, profile, args.role_arn.as_deref())?;
    let slot = sessions::Slot::of(&cx.paths, cx.config()?, &chain)?;
    if let Some(stored) = slot.fresh(freshness)? {
        return Ok(stored);
    }
    let mut renewal = Renewal { cx, args };
    if chain.roles.is_empty() {
        renewal.mfa_session(profile, &slot, freshness)
    } else {
        renewal.role_chain(profile, &chain, &slot, freshness)
    }
}

/// What a renewal works with: the command's context and its MFA settings.
struct Renewal<'a> {
    cx: &'a mut Context,
    args: &'a SessionArgs,
}

/// "They expire at 2026-11-24 21:30:00 UTC (in 1h)."
fn describe_expiry(expiration: Timestamp, now: Timestamp) -> String {
    let local = expiration.to_zoned_datetime(TimeZone::system());
    let remaining = expiration.duration_since(now).max(SignedDuration::ZERO);
    let rounded =
        std::time::Duration::from_secs((remaining.as_secs().unsigned_abs() + 30) / 60 * 60);
    format!(
        "They expire at {} (in {}).",
        local.strftime("%Y-%m-%d %H:%M:%S %Z"),
        humantime::format_duration(rounded)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiry_is_told_with_the_time_left() {
        let now: Timestamp = "2030-01-01T12:00:00Z".parse().unwrap();
        let text = describe_expiry("2030-01-01T13:30:20Z".parse().unwrap(), now);
        assert!(text.ends_with("(in 1h 30m)."), "{text}");
    }
}
