//! `stscreds whoami`: the IAM user behind the stored keys and its MFA devices; for a
//! role profile (or `--role-arn`), the assumed role, as `sts:GetCallerIdentity` sees it.

use crate::aws::Aws;
use crate::config::ProfileConfig;
use crate::context::Context;
use crate::credentials::plan::Plan;
use crate::credentials::{self, Freshness, SessionArgs};
use crate::error::Error;
use crate::message::profile_flag;
use crate::session;
use crate::store::KeyStore;

/// The top-level entry point for `stscreds whoami`.
pub fn run(cx: &mut Context, args: &SessionArgs) -> Result<(), Error> {
    let plan = Plan::resolve(cx, args)?;
    let config = &plan.base_config;
    let report = if plan.chain.roles.is_empty() {
        plan.mfa.direct_questions(&mut *cx.ask);
        describe_user(cx, config)?
    } else {
        let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
        let credentials = credentials::obtain(cx, &plan, freshness)?;
        let aws = Aws::connect_with_session(&credentials, config, &cx.profile, cx.report.clone())?;
        let (arn, account) = aws.get_caller_identity()?;
        format!(
            "ARN:        {arn}\nAccount:    {account}\nSource:     profile '{}'\n",
            plan.chain.base
        )
    };
    super::print(&report)
}

fn describe_user(cx: &mut Context, config: &ProfileConfig) -> Result<String, Error> {
    let profile = &cx.profile;
    let keys =
        KeyStore::of_profile(&cx.paths, profile, &*cx.report)?.require(profile, &mut *cx.ask)?;
    let aws = Aws::connect(&keys, config, profile, cx.report.clone())?;
    let user = aws.get_user()?;
    let devices = aws.list_mfa_devices(&user.name)?;
    let mut report = format!(
        "User:       {}\nARN:        {}\nAccount:    {}\n",
        user.name,
        user.arn,
        user.account()
    );
    if devices.is_empty() {
        report.push_str(&format!(
            "MFA device: none (assign one in the IAM console to use `stscreds auth{}`)\n",
            profile_flag(profile)
        ));
    }
    for device in devices {
        report.push_str(&format!("MFA device: {device}\n"));
    }
    Ok(report)
}
