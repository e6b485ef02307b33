//! Where sessions are kept between processes, when a stored one will do, and the
//! per-profile lock under which a new one is got.

use std::path::Path;

use jiff::{SignedDuration, Timestamp};

use super::Freshness;
use super::source::Chain;
use crate::config::ConfigFile;
use crate::error::Error;
use crate::files::{self, Lock, Paths};
use crate::session::{self, SessionCredentials};
use crate::store::LongTermKeys;

/// The stored session of `chain` if it stays valid for `margin`; read with no network,
/// no runtime and no lock. A profile's own MFA session is looked for in
/// `~/.aws/credentials` first (usually the only file read), then where the profile keeps
/// its sessions; a role chain's in stscreds' private sessions file.
pub fn fresh(
    paths: &Paths,
    config: &ConfigFile,
    chain: &Chain,
    margin: SignedDuration,
) -> Result<Option<SessionCredentials>, Error> {
    let valid =
        |credentials: &SessionCredentials| credentials.is_valid_for(margin, Timestamp::now());
    if !chain.roles.is_empty() {
        return Ok(session::load(&paths.private_sessions(), &chain.name)?.filter(valid));
    }
    let profile = &chain.name;
    if let Some(credentials) = session::load(&paths.aws_credentials, profile)?.filter(valid) {
        return Ok(Some(credentials));
    }
    let home = session::home(paths, &config.profile(profile)?);
    if home == paths.aws_credentials {
        return Ok(None);
    }
    Ok(session::load(&home, profile)?.filter(valid))
}

/// Takes the profile's session lock, saying so if another process holds it. Returns
/// whether we had to wait.
pub(super) fn lock_session(paths: &Paths, profile: &str) -> Result<(Lock, bool), Error> {
    let path = paths.session_lock(profile);
    let doing = format!("renewing the session of profile '{profile}'");
    if let Some(lock) = Lock::try_acquire(&path, &doing)? {
        return Ok((lock, false));
    }
    match Lock::holder(&path) {
        Some(holder) => eprintln!("Waiting for another stscreds process ({holder})..."),
        None => eprintln!(
            "Waiting for another stscreds process to finish authenticating profile '{profile}'..."
        ),
    }
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
        Freshness::New if waited => session::FRESHNESS_MARGIN,
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
        session::ensure_no_unsaved_long_term_key(
            &document,
            sessions,
            profile,
            &keys.access_key_id,
        )?;
    }
    files::check_writable(sessions)
}
