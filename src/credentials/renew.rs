//! A plan's session renewed under its lock: of many processes that find it stale at
//! once, one asks for a code and calls STS; the others wait, then use what it wrote.
//! A profile's own session is an MFA session (`sts:GetSessionToken` with its long-term
//! keys); a role chain starts from the base profile's MFA session (or, for a first
//! role that should last more than an hour, from the long-term keys and an MFA code of
//! its own) and assumes each role in turn (`sts:AssumeRole`).

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use super::plan::{Plan, RoleStep};
use super::sessions::{Held, Slot};
use super::{Error, Freshness, sts};
use crate::aws::Aws;
use crate::config::state::{self, ProfileState};
use crate::context::Context;
use crate::session::{self, SessionCredentials};
use crate::store::{KeyStore, LongTermKeys};

/// New credentials for `plan`, unless another process got some as fresh as
/// `freshness` asks while we waited for the lock.
pub(super) fn renew(
    cx: &mut Context,
    plan: &Plan,
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    match plan.chain.roles.split_first() {
        None => mfa_session(cx, plan, &plan.slot, freshness).map(|made| made.credentials),
        Some((first, deeper)) => role_chain(cx, plan, (first, deeper), freshness),
    }
}

/// Credentials just made, and the MFA device saved as the base profile's
/// `mfa_serial` while they were (which the origins of the sessions made record).
struct Made {
    credentials: SessionCredentials,
    saved_device: Option<String>,
}

/// The base profile's MFA session in `slot`: the stored one if another process
/// renewed it while we waited for the lock, else a new one, got and written holding
/// the slot's lock throughout. The user name and MFA device are looked up once and
/// remembered, so a repeat run makes a single AWS call (`sts:GetSessionToken`).
/// Everything that could make the write fail is checked before the MFA code is asked
/// for, so a code is never wasted.
fn mfa_session(
    cx: &mut Context,
    plan: &Plan,
    slot: &Slot,
    freshness: Freshness,
) -> Result<Made, Error> {
    let profile = plan.chain.base.as_str();
    let renewing = match slot.hold(&cx.paths, &*cx.report, freshness)? {
        Held::ToRenew(renewing) => renewing,
        Held::Reusable {
            credentials,
            waited,
        } => {
            if waited {
                cx.report.say(&format!(
                    "Another stscreds process just renewed profile '{profile}'; using its credentials."
                ));
            }
            return Ok(Made {
                credentials,
                saved_device: None,
            });
        }
    };
    let remembered = state::load(&cx.paths, profile)?;
    // Said once the keys are found (a profile without any gets only the error that
    // says what it is: a typo, a role, and what to run), and only if a code can be had.
    let keys = long_term_keys(cx, plan, &remembered)?;
    if freshness != Freshness::New {
        let why = if renewing.missing {
            "are missing"
        } else {
            "have expired"
        };
        cx.report.say(&format!(
            "Session credentials for profile '{profile}' {why}; authenticating."
        ));
    }
    renewing.check_before_renewal(Some(&keys.access_key_id))?;
    let aws = Aws::connect(&keys, &plan.base_config, profile, cx.report.clone())?;
    let mfa = plan.mfa.identify(cx, remembered, &aws)?;
    mfa.remember(&cx.paths)?;
    let code = mfa.code(&mut *cx.ask)?;
    let made = Made {
        credentials: sts::session_token(&aws, &mfa, &code, plan.durations.base)?,
        saved_device: mfa.saved_as_configured.then(|| mfa.device.clone()),
    };
    let device = made.saved_device.as_deref();
    let key = Some(keys.access_key_id.as_str());
    let file = renewing.save(&cx.paths, &*cx.report, &made.credentials, (key, device))?;
    cx.report
        .say(&format!("Wrote credentials to {}", file.display()));
    cx.report.say(&describe_expiry(
        made.credentials.expiration,
        Timestamp::now(),
    ));
    Ok(made)
}

/// Assumes the roles of the plan's chain in order, under the chain's lock, and caches
/// the result. Roles after the first are capped at one hour, and that is said once.
fn role_chain(
    cx: &mut Context,
    plan: &Plan,
    (first, deeper): (&RoleStep, &[RoleStep]),
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    let renewing = match plan.slot.hold(&cx.paths, &*cx.report, freshness)? {
        Held::ToRenew(renewing) => renewing,
        Held::Reusable { credentials, .. } => return Ok(credentials),
    };
    renewing.check_before_renewal(None)?;
    let remembered = state::load(&cx.paths, &plan.chain.base)?;
    let user = remembered
        .user_name
        .clone()
        .unwrap_or_else(|| plan.chain.base.clone());
    let mut made = match &plan.base_slot {
        Some(base_slot) => first_role_with_session(cx, plan, base_slot, first, &user)?,
        None => first_role_with_keys(cx, plan, first, (&user, remembered))?,
    };
    let mut said_capped = false;
    for (index, step) in deeper.iter().enumerate() {
        let (duration, capped) = plan.durations.of_role(index + 1);
        if capped && !said_capped {
            cx.report.say(&format!(
                "note: AWS lets a role assumed with another role's credentials last at most 1 hour; '{}' gets 1h",
                step.profile
            ));
            said_capped = true;
        }
        let aws = Aws::connect_with_session(
            &made.credentials,
            &plan.profile_config,
            &step.profile,
            cx.report.clone(),
        )?;
        made.credentials = sts::assume_role(&aws, step, &user, duration, None)?;
    }
    let device = made.saved_device.as_deref();
    let file = renewing.save(&cx.paths, &*cx.report, &made.credentials, (None, device))?;
    let last = deeper.last().unwrap_or(first);
    cx.report.say(&format!(
        "Assumed role {} for profile '{}'; wrote credentials to {}",
        last.role_arn,
        plan.chain.profile,
        file.display()
    ));
    cx.report.say(&describe_expiry(
        made.credentials.expiration,
        Timestamp::now(),
    ));
    Ok(made.credentials)
}

/// Assumes the chain's first role with the base profile's MFA session in `base_slot`
/// (renewed first if it is not fresh), shared by every role that starts there, so one
/// code serves them all.
fn first_role_with_session(
    cx: &mut Context,
    plan: &Plan,
    base_slot: &Slot,
    step: &RoleStep,
    user: &str,
) -> Result<Made, Error> {
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let base = match base_slot.fresh(freshness)? {
        Some(stored) => Made {
            credentials: stored,
            saved_device: None,
        },
        None => mfa_session(cx, plan, base_slot, freshness)?,
    };
    let aws = Aws::connect_with_session(
        &base.credentials,
        &plan.profile_config,
        &plan.chain.base,
        cx.report.clone(),
    )?;
    let (duration, _) = plan.durations.of_role(0);
    Ok(Made {
        credentials: sts::assume_role(&aws, step, user, duration, None)?,
        saved_device: base.saved_device,
    })
}

/// Assumes `step` straight from the base profile's long-term keys, with an MFA code
/// of its own: the way to a role session longer than one hour.
fn first_role_with_keys(
    cx: &mut Context,
    plan: &Plan,
    step: &RoleStep,
    (user, remembered): (&str, ProfileState),
) -> Result<Made, Error> {
    let base = &plan.chain.base;
    let keys = long_term_keys(cx, plan, &remembered)?;
    let aws = Aws::connect(&keys, &plan.base_config, base, cx.report.clone())?;
    let mfa = plan.mfa.identify(cx, remembered, &aws)?;
    let code = mfa.code(&mut *cx.ask)?;
    let (duration, _) = plan.durations.of_role(0);
    Ok(Made {
        credentials: sts::assume_role(&aws, step, user, duration, Some((&mfa, &code)))?,
        saved_device: mfa.saved_as_configured.then(|| mfa.device.clone()),
    })
}

/// The base profile's long-term keys, from the backend `remembered` names, once it is
/// known that someone can give the MFA code they go with.
fn long_term_keys(
    cx: &mut Context,
    plan: &Plan,
    remembered: &ProfileState,
) -> Result<LongTermKeys, Error> {
    let keys = KeyStore::new(&cx.paths, remembered.backend_or_default(), &*cx.report)
        .require(&plan.chain.base, &mut *cx.ask)?;
    plan.mfa.check_someone_can_answer(&*cx.ask)?;
    Ok(keys)
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
