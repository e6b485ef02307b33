//! Getting new credentials: the MFA session of a profile with long-term keys
//! (`sts:GetSessionToken`), and roles assumed through such a session
//! (`sts:AssumeRole`), each cached with its own expiry and renewed under a lock, so
//! that one MFA code serves every process and every role that shares the session.

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use std::path::Path;

use crate::aws::{Aws, RoleRequest};
use crate::config::{self, ConfigFile, ProfileConfig};
use crate::error::Error;
use crate::files::{self, Lock, Paths};
use crate::interrupt;
use crate::mfa::{self, TokenCode};
use crate::prompt::{Ask, InputError};
use crate::roles::{self, Chain, RoleStep};
use crate::session::{self, SessionCredentials, SessionDuration};
use crate::state;
use crate::store::{KeyStore, LongTermKeys};

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
    /// `--role-arn`: a role to assume on top of the profile.
    pub role_arn: Option<String>,
}

/// AWS limits a role session to one hour when the role is assumed with temporary
/// credentials (an MFA session or another role's).
const ROLE_CHAINING_LIMIT: SessionDuration = SessionDuration::ONE_HOUR;

/// Assumes the roles of `chain` in order and caches the result (in stscreds' private
/// sessions file: for a profile with `role_arn`, the AWS tools assume the role
/// themselves and ignore static keys). The first role is assumed with the base
/// profile's MFA session, shared by every role that starts there, so one code serves
/// them all; or, when it should last longer than AWS allows a session-assumed role,
/// straight from the long-term keys with its own MFA code. Deeper roles are capped at
/// one hour, and that is said once.
fn assume_chain(
    paths: &Paths,
    config: &ConfigFile,
    profile: &str,
    chain: &Chain,
    args: &SessionArgs,
    ask: &mut dyn Ask,
    renewal: Renewal,
) -> Result<SessionCredentials, Error> {
    let Some(last) = chain.roles.len().checked_sub(1) else {
        return Err(
            InputError::Invalid(format!("profile '{profile}' has no role to assume")).into(),
        );
    };
    interrupt::install();
    let cache = paths.private_sessions();
    let (_lock, waited) = lock_session(paths, &chain.name)?;
    let stored = session::load(&cache, &chain.name)?;
    if let Some(reused) = reusable(stored.as_ref(), renewal, waited) {
        return Ok(reused.clone());
    }
    files::check_writable(&cache)?;
    let settings = config.profile(profile)?;
    let user = state::load(paths, &chain.base)?
        .user_name
        .unwrap_or_else(|| chain.base.clone());
    let wanted = |index: usize, step: &RoleStep| {
        let configured = if index == last {
            args.expires.or(step.duration)
        } else {
            step.duration
        };
        configured.unwrap_or_default()
    };
    let mut said_capped = false;
    let mut credentials: Option<SessionCredentials> = None;
    for (index, step) in chain.roles.iter().enumerate() {
        let session_name = roles::session_name(step.session_name.as_deref(), &user);
        let mut duration = wanted(index, step);
        credentials = Some(match &credentials {
            None if duration > ROLE_CHAINING_LIMIT => assume_with_mfa(
                paths,
                config,
                chain,
                step,
                &session_name,
                duration,
                args,
                ask,
            )?,
            None => {
                let base_args = SessionArgs {
                    expires: None,
                    role_arn: None,
                    ..args.clone()
                };
                let base = fresh_session(
                    paths,
                    &chain.base,
                    &base_args,
                    ask,
                    session::FRESHNESS_MARGIN,
                )?;
                let aws = Aws::connect_with_session(&base, &settings, &chain.base)?;
                aws.assume_role(&role_request(step, &session_name, duration))?
            }
            Some(previous) => {
                if duration > ROLE_CHAINING_LIMIT {
                    duration = ROLE_CHAINING_LIMIT;
                    if !said_capped {
                        eprintln!(
                            "note: AWS lets a role assumed with another role's credentials last at most 1 hour; '{}' gets 1h",
                            step.profile
                        );
                        said_capped = true;
                    }
                }
                let aws = Aws::connect_with_session(previous, &settings, &step.profile)?;
                aws.assume_role(&role_request(step, &session_name, duration))?
            }
        });
    }
    let credentials = credentials
        .ok_or_else(|| InputError::Invalid(format!("profile '{profile}' has no role to assume")))?;
    files::edit_document(paths, &cache, |document| {
        Ok(credentials.write_to(document, &chain.name)?)
    })?;
    eprintln!(
        "Assumed role {} for profile '{profile}'; wrote credentials to {}",
        chain.roles[last].role_arn,
        cache.display()
    );
    eprintln!(
        "{}",
        describe_expiry(credentials.expiration, Timestamp::now())
    );
    Ok(credentials)
}

/// The request for `step`, signed by whatever credentials assume it (no MFA).
fn role_request<'a>(
    step: &'a RoleStep,
    session_name: &'a str,
    duration: SessionDuration,
) -> RoleRequest<'a> {
    RoleRequest {
        role_arn: &step.role_arn,
        session_name,
        external_id: step.external_id.as_deref(),
        duration,
        mfa: None,
    }
}

/// Assumes `step` straight from the base profile's long-term keys, with an MFA code of
/// its own: the way to a role session longer than one hour.
#[allow(clippy::too_many_arguments)]
fn assume_with_mfa(
    paths: &Paths,
    config: &ConfigFile,
    chain: &Chain,
    step: &RoleStep,
    session_name: &str,
    duration: SessionDuration,
    args: &SessionArgs,
    ask: &mut dyn Ask,
) -> Result<SessionCredentials, Error> {
    let base_config = config.profile(&chain.base)?;
    let keys = KeyStore::of_profile(paths, &chain.base)?.require(&chain.base, ask)?;
    let aws = Aws::connect(&keys, &base_config, &chain.base)?;
    let remembered = state::load(paths, &chain.base)?;
    let user = match &remembered.user_name {
        Some(name) => name.clone(),
        None => aws.get_user()?.name,
    };
    let serial = match step.mfa_serial.clone().or(base_config.mfa_serial.clone()) {
        Some(serial) if args.mfa_serial.is_none() => serial,
        _ => mfa_device(
            (paths, &chain.base),
            &aws,
            ask,
            &user,
            args.mfa_serial.as_deref(),
            remembered.mfa_serial.as_deref(),
        )?,
    };
    let code = mfa_code(args, &base_config, ask, &user, &serial, &chain.base)?;
    aws.assume_role(&RoleRequest {
        role_arn: &step.role_arn,
        session_name,
        external_id: step.external_id.as_deref(),
        duration,
        mfa: Some((&serial, &code)),
    })
}

/// Credentials for `profile` (or the role `--role-arn` on top of it) that stay valid
/// for at least `margin`: cached ones when fresh, else renewed. For `read`, `exec`,
/// `export`, `credential-process` and `whoami`.
pub fn credentials(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    ask: &mut dyn Ask,
    margin: SignedDuration,
) -> Result<SessionCredentials, Error> {
    let config = ConfigFile::load(paths)?;
    let chain = roles::resolve(&config, profile, args.role_arn.as_deref())?;
    if let Some(credentials) = cached(paths, &config, &chain, margin)? {
        return Ok(credentials);
    }
    let renewal = Renewal::IfExpiringWithin(margin);
    if chain.roles.is_empty() {
        authenticate(paths, profile, args, ask, renewal)
    } else {
        assume_chain(paths, &config, profile, &chain, args, ask, renewal)
    }
}

/// The cached session of `chain` if it stays valid for `margin`, found with no
/// network, no runtime, no lock and no keyring: what [`credentials`] serves before it
/// renews anything, and all that the `credential-process` fast path serves, so that
/// both make the same decision. A role's session is in stscreds' private sessions file
/// under the chain's name; a profile's own, where [`own_cached_session`] looks.
pub fn cached(
    paths: &Paths,
    config: &ConfigFile,
    chain: &Chain,
    margin: SignedDuration,
) -> Result<Option<SessionCredentials>, Error> {
    if chain.roles.is_empty() {
        own_cached_session(paths, &chain.base, || config.profile(&chain.base), margin)
    } else {
        session::load_valid_for(&paths.private_sessions(), &chain.name, margin)
    }
}

/// New credentials for `profile` (or its `--role-arn`): what `stscreds auth` does.
pub fn renew(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    ask: &mut dyn Ask,
) -> Result<SessionCredentials, Error> {
    let config = ConfigFile::load(paths)?;
    let chain = roles::resolve(&config, profile, args.role_arn.as_deref())?;
    if chain.roles.is_empty() {
        authenticate(paths, profile, args, ask, Renewal::Always)
    } else {
        assume_chain(paths, &config, profile, &chain, args, ask, Renewal::Always)
    }
}

/// When stored session credentials may stand in for new ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// `auth`: always get new ones, unless another process got them while we waited.
    Always,
    /// `read`, `exec`, `credential-process`: only if, once the profile's lock is ours,
    /// they expire within this margin.
    IfExpiringWithin(SignedDuration),
}

/// Returns session credentials for `profile` valid for at least `margin`: the stored
/// ones when they are fresh (see [`own_cached_session`]); else new ones from
/// [`authenticate`].
pub fn fresh_session(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    ask: &mut dyn Ask,
    margin: SignedDuration,
) -> Result<SessionCredentials, Error> {
    let config = || ProfileConfig::load(paths, profile);
    match own_cached_session(paths, profile, config, margin)? {
        Some(credentials) => Ok(credentials),
        None => authenticate(paths, profile, args, ask, Renewal::IfExpiringWithin(margin)),
    }
}

/// The stored session of a profile with keys of its own, if it stays valid for
/// `margin`, read with no network, no runtime and no lock: from `~/.aws/credentials`
/// first (usually the only file to read, so `config` is called only when it has
/// none), else from where the profile's sessions live if that is elsewhere.
fn own_cached_session(
    paths: &Paths,
    profile: &str,
    config: impl FnOnce() -> Result<ProfileConfig, Error>,
    margin: SignedDuration,
) -> Result<Option<SessionCredentials>, Error> {
    let in_aws_credentials = session::load_valid_for(&paths.aws_credentials, profile, margin)?;
    if in_aws_credentials.is_some() {
        return Ok(in_aws_credentials);
    }
    let home = session::home(paths, &config()?);
    if home == paths.aws_credentials {
        return Ok(None);
    }
    session::load_valid_for(&home, profile, margin)
}

/// Gets new session credentials for `profile` and writes them where the profile's
/// sessions live, holding the profile's lock throughout: of many processes that find
/// the session stale at once, one asks for a code and calls STS; the others wait, then
/// use what it wrote. The user name and MFA device are looked up once and remembered,
/// so a repeat run makes a single AWS call (`sts:GetSessionToken`). Everything that
/// could make the write fail is checked before the MFA code is asked for, so a code is
/// never wasted.
pub fn authenticate(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    ask: &mut dyn Ask,
    renewal: Renewal,
) -> Result<SessionCredentials, Error> {
    interrupt::install();
    let config = ProfileConfig::load(paths, profile)?;
    let sessions = session::home(paths, &config);
    let (_lock, waited) = lock_session(paths, profile)?;
    let stored = session::load(&sessions, profile)?;
    if let Some(reused) = reusable(stored.as_ref(), renewal, waited) {
        if waited {
            eprintln!(
                "Another stscreds process just renewed profile '{profile}'; using its credentials."
            );
        }
        return Ok(reused.clone());
    }
    if renewal != Renewal::Always {
        let why = if stored.is_some() {
            "have expired"
        } else {
            "are missing"
        };
        eprintln!("Session credentials for profile '{profile}' {why}; authenticating.");
    }
    let keys = KeyStore::of_profile(paths, profile)?.require(profile, ask)?;
    check_sessions_file(&sessions, profile, &keys)?;
    let aws = Aws::connect(&keys, &config, profile)?;

    let remembered = state::load(paths, profile)?;
    let user = match &remembered.user_name {
        Some(name) => name.clone(),
        None => aws.get_user()?.name,
    };
    let serial = match (&args.mfa_serial, &config.mfa_serial) {
        (None, Some(configured)) => configured.clone(),
        (flag, _) => mfa_device(
            (paths, profile),
            &aws,
            ask,
            &user,
            flag.as_deref(),
            remembered.mfa_serial.as_deref(),
        )?,
    };
    let learned = state::ProfileState {
        backend: remembered.backend,
        user_name: Some(user.clone()),
        mfa_serial: Some(serial.clone()),
    };
    if learned != remembered {
        state::save(paths, profile, &learned)?;
    }

    let code = mfa_code(args, &config, ask, &user, &serial, profile)?;
    let duration = args.expires.or(config.duration).unwrap_or_default();
    let credentials = aws.get_session_token(&serial, &code, duration)?;
    files::edit_document(paths, &sessions, |document| {
        session::ensure_no_unsaved_long_term_key(
            document,
            &sessions,
            profile,
            &keys.access_key_id,
        )?;
        Ok(credentials.write_to(document, profile)?)
    })?;
    eprintln!("Wrote credentials to {}", sessions.display());
    eprintln!(
        "{}",
        describe_expiry(credentials.expiration, Timestamp::now())
    );
    Ok(credentials)
}

/// The stored session, if the caller may use it instead of a new one.
fn reusable(
    stored: Option<&SessionCredentials>,
    renewal: Renewal,
    waited: bool,
) -> Option<&SessionCredentials> {
    let margin = match renewal {
        Renewal::IfExpiringWithin(margin) => margin,
        Renewal::Always if waited => session::FRESHNESS_MARGIN,
        Renewal::Always => return None,
    };
    stored.filter(|credentials| credentials.is_valid_for(margin, Timestamp::now()))
}

/// The MFA code: `--token-code`, else the output of `--mfa-command` or the profile's
/// `mfa_process`, else the answer to the prompt.
fn mfa_code(
    args: &SessionArgs,
    config: &ProfileConfig,
    ask: &mut dyn Ask,
    user: &str,
    serial: &str,
    profile: &str,
) -> Result<TokenCode, Error> {
    if let Some(code) = &args.token_code {
        return Ok(code.clone());
    }
    match args
        .mfa_command
        .as_deref()
        .or(config.mfa_process.as_deref())
    {
        Some(command) => Ok(mfa::code_from_command(command, serial, profile)?),
        None => mfa::ask_code(ask, user),
    }
}

/// Takes the profile's session lock, saying so if another process holds it. Returns
/// whether we had to wait.
fn lock_session(paths: &Paths, profile: &str) -> Result<(Lock, bool), Error> {
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

/// Fails now, rather than after the MFA code is spent, if the sessions file cannot be
/// parsed or written, or holds long-term keys that writing would lose.
fn check_sessions_file(sessions: &Path, profile: &str, keys: &LongTermKeys) -> Result<(), Error> {
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

/// The MFA device to use when the profile's config names none: the one asked for with
/// `--mfa-serial` (checked against the user's devices the first time), else the
/// remembered one, else the user's only one or their choice.
fn mfa_device(
    (paths, profile): (&Paths, &str),
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
        (None, None) => {
            let devices = aws.list_mfa_devices(user)?;
            let several = devices.len() > 1;
            let chosen = mfa::choose_device(ask, user, devices)?;
            if several {
                offer_to_save_device(paths, profile, &chosen, ask)?;
            }
            Ok(chosen)
        }
    }
}

/// After a choice among several devices on a terminal, offers to record it as the
/// profile's `mfa_serial` in `~/.aws/config`, where the AWS CLI finds it too.
fn offer_to_save_device(
    paths: &Paths,
    profile: &str,
    serial: &str,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let question = format!(
        "Save it as mfa_serial of profile '{profile}' in {}? [Y/n] ",
        paths.aws_config.display()
    );
    let answer = ask.line(&question)?;
    if matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "" | "y" | "yes"
    ) {
        let section = config::save(paths, profile, &[("mfa_serial", serial)])?;
        eprintln!(
            "Saved mfa_serial in [{section}] of {}",
            paths.aws_config.display()
        );
    }
    Ok(())
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
    fn a_chosen_device_is_saved_in_the_config_only_when_accepted() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::write(
            &paths.aws_config,
            "# mine\n[profile work]\nregion = eu-west-1\n",
        )
        .unwrap();
        let mut declined = crate::prompt::Scripted::new(&["n"], true);
        offer_to_save_device(&paths, "work", "arn:d2", &mut declined).unwrap();
        assert!(
            !std::fs::read_to_string(&paths.aws_config)
                .unwrap()
                .contains("mfa_serial")
        );
        let mut accepted = crate::prompt::Scripted::new(&[""], true);
        offer_to_save_device(&paths, "work", "arn:d2", &mut accepted).unwrap();
        assert_eq!(
            std::fs::read_to_string(&paths.aws_config).unwrap(),
            "# mine\n[profile work]\nregion = eu-west-1\nmfa_serial = arn:d2\n"
        );
    }

    #[test]
    fn the_expiry_is_told_with_the_time_left() {
        let now: Timestamp = "2030-01-01T12:00:00Z".parse().unwrap();
        let text = describe_expiry("2030-01-01T13:30:20Z".parse().unwrap(), now);
        assert!(text.ends_with("(in 1h 30m)."), "{text}");
    }
}
