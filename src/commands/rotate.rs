//! `stscreds rotate`: replace the profile's access key with a new one (the steps and
//! what each failure leaves are in [`crate::rotation`]). The IAM calls are signed with
//! the long-term key when the user's policy allows that, else with the profile's MFA
//! session (asking for a code if there is no fresh one).

use crate::aws::{Aws, AwsError};
use crate::config::ProfileConfig;
use crate::config::state;
use crate::context::Context;
use crate::credentials::plan::Plan;
use crate::credentials::{self, Freshness, SessionArgs};
use crate::error::Error;
use crate::invalid::Invalid;
use crate::rotation::Rotation;
use crate::session;
use crate::store::{Backend, KeyStore, LongTermKeys};

/// The top-level entry point for `stscreds rotate`.
pub fn run(cx: &mut Context, args: &SessionArgs) -> Result<(), Error> {
    if args.role_arn.is_some() {
        return Err(Invalid(
            "rotate replaces the access key of the profile's IAM user; --role-arn does not apply"
                .into(),
        )
        .into());
    }
    let plan = Plan::resolve(cx, args)?;
    plan.refuse_role_profile("rotate")?;
    plan.mfa.direct_questions(&mut *cx.ask);
    // IAM is eventually consistent: how long a new key may take to start working.
    let wait = cx.settings.timeouts.rotate_wait.get()?;
    let config = &plan.base_config;
    let backend = Backend::of_profile(&cx.paths, &cx.profile)?;
    let old = KeyStore::new(&cx.paths, backend, &*cx.report).require(&cx.profile, &mut *cx.ask)?;
    let user = user_name(cx, &old, config)?;
    let (iam, existing) = key_manager(cx, &plan, &old, config, &user)?;
    let (profile, report) = (cx.profile.as_str(), &*cx.report);
    let store = KeyStore::new(&cx.paths, backend, report);
    let rotation = Rotation::start(&iam, report, (profile, &user), &old, &existing)?;
    let new_client = rotation.verify(config, profile, wait, cx.report.clone())?;
    rotation.store(&store, profile, &mut *cx.ask)?;
    rotation.delete_old_key(&new_client)?;
    report.say(&format!(
        "Rotated profile '{profile}': access key {} is stored in {} and active; the old key {} is deleted.",
        rotation.new_key_id(),
        store.location(profile),
        old.access_key_id
    ));
    Ok(())
}

/// The user the stored keys belong to: remembered, else asked of AWS.
fn user_name(cx: &Context, keys: &LongTermKeys, config: &ProfileConfig) -> Result<String, Error> {
    match state::load(&cx.paths, &cx.profile)?.user_name {
        Some(name) => Ok(name),
        None => {
            let aws = Aws::connect(keys, config, &cx.profile, cx.report.clone())?;
            Ok(aws.get_user()?.name)
        }
    }
}

/// A client allowed to manage the user's keys, and the user's key ids. The long-term
/// key is tried first; if the policy denies that (the recommended policy allows key
/// management only with MFA), the profile's MFA session is used.
fn key_manager(
    cx: &mut Context,
    plan: &Plan,
    keys: &LongTermKeys,
    config: &ProfileConfig,
    user: &str,
) -> Result<(Aws, Vec<String>), Error> {
    let direct = Aws::connect(keys, config, &cx.profile, cx.report.clone())?;
    match direct.list_access_keys(user) {
        Ok(existing) => return Ok((direct, existing)),
        Err(AwsError::AccessDenied { .. }) => {}
        Err(other) => return Err(other.into()),
    }
    drop(direct);
    cx.report
        .say("The IAM policy lets only MFA sessions manage access keys; using one.");
    // The MFA session of the profile itself: `--role-arn` was refused.
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let session = credentials::obtain(cx, plan, freshness)?;
    let with_mfa = Aws::connect_with_session(&session, config, &cx.profile, cx.report.clone())?;
    let existing = with_mfa.list_access_keys(user)?;
    Ok((with_mfa, existing))
}
