//! A plan's session renewed under its lock: of many processes that find it stale at
//! once, one asks for a code and calls STS; the others wait, then use what it wrote.
//! A profile's own session is an MFA session (`sts:GetSessionToken` with its long-term
//! keys); a role chain starts from the base profile's MFA session (or, for a first
//! role that should last more than an hour, from the long-term keys and an MFA code of
//! its own) and assumes each role in turn (`sts:AssumeRole`).

use jiff::Timestamp;

use super::plan::{Plan, RoleStep};
use super::sessions::Slot;
use super::{Error, Freshness, describe_expiry, sts};
use crate::aws::Aws;
use crate::config::state;
use crate::context::Context;
use crate::session::{self, SessionCredentials};
use crate::store::KeyStore;

/// New credentials for `plan`, unless another process got some as fresh as
/// `freshness` asks while we waited for the lock.
pub(super) fn renew(
    cx: &mut Context,
    plan: &Plan,
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    match plan.chain.roles.split_first() {
        None => mfa_session(cx, plan, &plan.slot, freshness),
        Some((first, deeper)) => role_chain(cx, plan, (first, deeper), freshness),
    }
}

/// Gets a new MFA session of the plan's base profile and writes it into `slot`,
/// holding the slot's lock throughout. The user name and MFA device are looked up
/// once and remembered, so a repeat run makes a single AWS call
/// (`sts:GetSessionToken`). Everything that could make the write fail is checked
/// before the MFA code is asked for, so a code is never wasted.
fn mfa_session(
    cx: &mut Context,
    plan: &Plan,
    slot: &Slot,
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    let profile = plan.chain.base.as_str();
    let (_lock, waited) = slot.lock(cx)?;
    let stored = slot.load_or_adopt(&cx.paths, &*cx.report)?;
    let missing = stored.is_none();
    if let Some(reused) = slot.reusable(stored, freshness, waited) {
        if waited {
            cx.report.say(&format!(
                "Another stscreds process just renewed profile '{profile}'; using its credentials."
            ));
        }
        return Ok(reused);
    }
    let remembered = state::load(&cx.paths, profile)?;
    let keys = KeyStore::new(&cx.paths, remembered.backend_or_default(), &*cx.report)
        .require(profile, &mut *cx.ask)?;
    // Said once the keys are found (a profile without any gets only the error that
    // says what it is: a typo, a role, and what to run), and only if a code can be had.
    plan.mfa.check_someone_can_answer(&*cx.ask)?;
    if freshness != Freshness::New {
        let why = if missing {
            "are missing"
        } else {
            "have expired"
        };
        cx.report.say(&format!(
            "Session credentials for profile '{profile}' {why}; authenticating."
        ));
    }
    slot.check_before_renewal(Some(&keys.access_key_id))?;
    let aws = Aws::connect(&keys, &plan.base_config, profile, cx.report.clone())?;
    let mfa = plan.mfa.identify(cx, remembered, &aws)?;
    mfa.remember(&cx.paths)?;
    let code = mfa.code(&mut *cx.ask)?;
    let credentials = sts::session_token(&aws, &mfa, &code, plan.durations.base)?;
    let report = &*cx.report;
    let slot = slot.as_configured_now(&cx.paths, report)?;
    slot.save(&cx.paths, report, &credentials, Some(&keys.access_key_id))?;
    report.say(&format!("Wrote credentials to {}", slot.file().display()));
    report.say(&describe_expiry(credentials.expiration, Timestamp::now()));
    Ok(credentials)
}

/// Assumes the roles of the plan's chain in order, under the chain's lock, and caches
/// the result. Roles after the first are capped at one hour, and that is said once.
fn role_chain(
    cx: &mut Context,
    plan: &Plan,
    (first, deeper): (&RoleStep, &[RoleStep]),
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    let (_lock, waited) = plan.slot.lock(cx)?;
    let stored = plan.slot.load()?;
    if let Some(reused) = plan.slot.reusable(stored, freshness, waited) {
        return Ok(reused);
    }
    plan.slot.check_before_renewal(None)?;
    let base = &plan.chain.base;
    let user = state::load(&cx.paths, base)?
        .user_name
        .unwrap_or_else(|| base.clone());
    let mut credentials = match &plan.base_slot {
        Some(base_slot) => first_role_with_session(cx, plan, base_slot, first, &user)?,
        None => first_role_with_keys(cx, plan, first, &user)?,
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
            &credentials,
            &plan.profile_config,
            &step.profile,
            cx.report.clone(),
        )?;
        credentials = sts::assume_role(&aws, step, &user, duration, None)?;
    }
    let report = &*cx.report;
    let slot = plan.slot.as_configured_now(&cx.paths, report)?;
    slot.save(&cx.paths, report, &credentials, None)?;
    let last = deeper.last().unwrap_or(first);
    report.say(&format!(
        "Assumed role {} for profile '{}'; wrote credentials to {}",
        last.role_arn,
        plan.chain.profile,
        slot.file().display()
    ));
    report.say(&describe_expiry(credentials.expiration, Timestamp::now()));
    Ok(credentials)
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
) -> Result<SessionCredentials, Error> {
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let base = match base_slot.fresh(freshness)? {
        Some(stored) => stored,
        None => mfa_session(cx, plan, base_slot, freshness)?,
    };
    let aws = Aws::connect_with_session(
        &base,
        &plan.profile_config,
        &plan.chain.base,
        cx.report.clone(),
    )?;
    let (duration, _) = plan.durations.of_role(0);
    Ok(sts::assume_role(&aws, step, user, duration, None)?)
}

/// Assumes `step` straight from the base profile's long-term keys, with an MFA code
/// of its own: the way to a role session longer than one hour.
fn first_role_with_keys(
    cx: &mut Context,
    plan: &Plan,
    step: &RoleStep,
    user: &str,
) -> Result<SessionCredentials, Error> {
    let base = &plan.chain.base;
    let remembered = state::load(&cx.paths, base)?;
    let keys = KeyStore::new(&cx.paths, remembered.backend_or_default(), &*cx.report)
        .require(base, &mut *cx.ask)?;
    plan.mfa.check_someone_can_answer(&*cx.ask)?;
    let aws = Aws::connect(&keys, &plan.base_config, base, cx.report.clone())?;
    let mfa = plan.mfa.identify(cx, remembered, &aws)?;
    let code = mfa.code(&mut *cx.ask)?;
    let (duration, _) = plan.durations.of_role(0);
    Ok(sts::assume_role(
        &aws,
        step,
        user,
        duration,
        Some((&mfa, &code)),
    )?)
}
