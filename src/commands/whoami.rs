//! `stscreds whoami`: the IAM user behind the stored keys and its MFA devices; for a
//! role profile (or `--role-arn`), the assumed role, as `sts:GetCallerIdentity` sees it.

use crate::aws::Aws;
use crate::config::{ConfigFile, ProfileConfig};
use crate::credentials::{self, Freshness, SessionArgs, source};
use crate::error::Error;
use crate::files::Paths;
use crate::prompt::Ask;
use crate::session;
use crate::store::KeyStore;

/// The top-level entry point for `stscreds whoami`.
pub fn run(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let config_file = ConfigFile::load(paths)?;
    let chain = source::resolve(&config_file, profile, args.role_arn.as_deref())?;
    let config = config_file.profile(&chain.base)?;
    let report = if chain.roles.is_empty() {
        describe_user(paths, profile, &config, ask)?
    } else {
        let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
        let credentials = credentials::get(paths, &config_file, profile, args, freshness, ask)?;
        let (arn, account) =
            Aws::connect_with_session(&credentials, &config, profile)?.get_caller_identity()?;
        format!(
            "ARN:        {arn}\nAccount:    {account}\nSource:     profile '{}'\n",
            chain.base
        )
    };
    super::print(&report)
}

fn describe_user(
    paths: &Paths,
    profile: &str,
    config: &ProfileConfig,
    ask: &mut dyn Ask,
) -> Result<String, Error> {
    let keys = KeyStore::of_profile(paths, profile)?.require(profile, ask)?;
    let aws = Aws::connect(&keys, config, profile)?;
    let user = aws.get_user()?;
    let devices = aws.list_mfa_devices(&user.name)?;
    let mut report = format!(
        "User:       {}\nARN:        {}\nAccount:    {}\n",
        user.name,
        user.arn,
        user.account()
    );
    if devices.is_empty() {
        report
            .push_str("MFA device: none (assign one in the IAM console to use `stscreds auth`)\n");
    }
    for device in devices {
        report.push_str(&format!("MFA device: {device}\n"));
    }
    Ok(report)
}
