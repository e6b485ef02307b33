//! `stscreds whoami`: the IAM user behind the stored keys, and its MFA devices.

use crate::aws::Aws;
use crate::config::ProfileConfig;
use crate::error::Error;
use crate::files::Paths;
use crate::interrupt;
use crate::store::FileStore;

/// The top-level entry point for `stscreds whoami`.
pub fn run(paths: &Paths, profile: &str) -> Result<(), Error> {
    interrupt::install();
    let keys = FileStore::new(paths).require(profile)?;
    let config = ProfileConfig::load(paths, profile)?;
    let aws = Aws::connect(&keys, &config, profile)?;
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
    super::print(&report)
}
