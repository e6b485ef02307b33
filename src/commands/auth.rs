//! `stscreds auth`: trade the long-term keys and an MFA code for session credentials.

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use zeroize::Zeroizing;

use crate::aws::Aws;
use crate::cli::{AuthArgs, MfaArgs};
use crate::config;
use crate::error::Error;
use crate::files::{self, Lock, Paths};
use crate::interrupt;
use crate::mfa;
use crate::prompt::Ask;
use crate::session::{self, CredentialKey, SessionCredentials, SessionDuration};
use crate::state;
use crate::store::{FileStore, LongTermKeys};

/// The top-level entry point for `stscreds auth`.
pub fn run(
    paths: &Paths,
    profile: &str,
    duration: SessionDuration,
    args: &AuthArgs,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = authenticate(paths, profile, duration, &args.mfa, ask, Renewal::Always)?;
    if args.output_env {
        super::print(&Zeroizing::new(export_lines(&credentials)))?;
    }
    Ok(())
}

/// When stored session credentials may stand in for new ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// `auth`: always get new ones, unless another process got them while we waited.
    Always,
    /// `read`: only if they are still stale once the profile's lock is ours.
    IfStale,
}

/// Gets new session credentials for `profile` and writes them to the credentials
/// file, holding the profile's lock throughout: of many processes that find the
/// session stale at once, one asks for a code and calls STS; the others wait, then use
/// what it wrote. The user name and MFA device are looked up once and remembered, so a
/// repeat run makes a single AWS call (`sts:GetSessionToken`). Everything that could
/// make the write fail is checked before the MFA code is asked for, so a code is never
/// wasted.
pub fn authenticate(
    paths: &Paths,
    profile: &str,
    duration: SessionDuration,
    mfa_args: &MfaArgs,
    ask: &mut dyn Ask,
    renewal: Renewal,
) -> Result<SessionCredentials, Error> {
    interrupt::install();
    let keys = FileStore::new(paths).require(profile)?;
    let (_lock, waited) = lock_session(paths, profile)?;
    if (waited || renewal == Renewal::IfStale)
        && let Some(fresh) = session::load(paths, profile)?.filter(|c| c.is_fresh(Timestamp::now()))
    {
        if waited {
            eprintln!(
                "Another stscreds process just renewed profile '{profile}'; using its credentials."
            );
        }
        return Ok(fresh);
    }
    check_credentials_file(paths, profile, &keys)?;
    let region = config::region(paths, profile)?;
    let aws = Aws::connect(&keys, &region, profile)?;

    let remembered = state::load(paths, profile)?;
    let user = match &remembered.user_name {
        Some(name) => name.clone(),
        None => aws.get_user()?.name,
    };
    let serial = mfa_device(
        &aws,
        ask,
        &user,
        mfa_args.mfa_serial.as_deref(),
        remembered.mfa_serial.as_deref(),
    )?;
    let learned = state::ProfileState {
        user_name: Some(user.clone()),
        mfa_serial: Some(serial.clone()),
    };
    if learned != remembered {
        state::save(paths, profile, &learned)?;
    }

    let code = match &mfa_args.token_code {
        Some(code) => code.clone(),
        None => mfa::ask_code(ask, &user)?,
    };
    let credentials = aws.get_session_token(&serial, &code, duration)?;
    files::edit_document(paths, &paths.aws_credentials, |document| {
        session::ensure_no_unsaved_long_term_key(
            document,
            &paths.aws_credentials,
            profile,
            &keys.access_key_id,
        )?;
        credentials.write_to(document, profile);
        Ok(())
    })?;
    eprintln!("Wrote credentials to {}", paths.aws_credentials.display());
    eprintln!(
        "{}",
        describe_expiry(credentials.expiration, Timestamp::now())
    );
    Ok(credentials)
}

/// Takes the profile's session lock, saying so if another process holds it. Returns
/// whether we had to wait.
fn lock_session(paths: &Paths, profile: &str) -> Result<(Lock, bool), Error> {
    let path = paths.session_lock(profile);
    if let Some(lock) = Lock::try_acquire(&path)? {
        return Ok((lock, false));
    }
    eprintln!(
        "Waiting for another stscreds process to finish authenticating profile '{profile}'..."
    );
    Ok((Lock::acquire(&path)?, true))
}

/// Fails now, rather than after the MFA code is spent, if the credentials file cannot
/// be parsed or written, or holds long-term keys that writing would lose.
fn check_credentials_file(paths: &Paths, profile: &str, keys: &LongTermKeys) -> Result<(), Error> {
    if let Some(document) = files::read_document(&paths.aws_credentials)? {
        session::ensure_no_unsaved_long_term_key(
            &document,
            &paths.aws_credentials,
            profile,
            &keys.access_key_id,
        )?;
    }
    files::check_writable(&paths.aws_credentials)
}

/// The MFA device to use: the one asked for (checked against the user's devices the
/// first time), else the remembered one, else the user's only one or their choice.
fn mfa_device(
    aws: &Aws,
    ask: &mut dyn Ask,
    user: &str,
    requested: Option<&str>,
    remembered: Option<&str>,
) -> Result<String, Error> {
    match (requested, remembered) {
        (Some(requested), Some(remembered)) if requested == remembered => Ok(requested.to_owned()),
        (Some(requested), _) => Ok(mfa::check_device(
            user,
            requested,
            aws.list_mfa_devices(user)?,
        )?),
        (None, Some(remembered)) => Ok(remembered.to_owned()),
        (None, None) => mfa::choose_device(ask, user, aws.list_mfa_devices(user)?),
    }
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

/// `export NAME='value'` lines for a POSIX shell.
fn export_lines(credentials: &SessionCredentials) -> String {
    [
        ("AWS_ACCESS_KEY_ID", CredentialKey::AccessKeyId),
        ("AWS_SECRET_ACCESS_KEY", CredentialKey::SecretAccessKey),
        ("AWS_SESSION_TOKEN", CredentialKey::SessionToken),
    ]
    .iter()
    .map(|(name, key)| format!("export {name}={}\n", shell_quote(credentials.value(*key))))
    .collect()
}

fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_lines_are_quoted_for_sh() {
        let credentials = SessionCredentials {
            access_key_id: "ASIA".into(),
            secret_access_key: "a/b+c".into(),
            session_token: "it's".into(),
            expiration: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(
            export_lines(&credentials),
            "export AWS_ACCESS_KEY_ID='ASIA'\nexport AWS_SECRET_ACCESS_KEY='a/b+c'\nexport AWS_SESSION_TOKEN='it'\\''s'\n"
        );
    }

    #[test]
    fn the_expiry_is_told_with_the_time_left() {
        let now: Timestamp = "2030-01-01T12:00:00Z".parse().unwrap();
        let text = describe_expiry("2030-01-01T13:30:20Z".parse().unwrap(), now);
        assert!(text.ends_with("(in 1h 30m)."), "{text}");
    }
}
