//! `doctor --online`: one sts:GetCallerIdentity with the profile's stored session, if it
//! has a fresh one (never asking for a code): whose the session is, and how far this
//! computer's clock is from AWS's (the `Date` of the answer).

use std::sync::Arc;

use jiff::SignedDuration;

use super::findings::{Finding, Severity};
use crate::config::ConfigFile;
use crate::credentials::Freshness;
use crate::credentials::sessions::Slot;
use crate::files::Paths;
use crate::message::shell_word;
use crate::ui::report::Report;

/// An offset AWS still accepts (it refuses signatures more than 5 minutes off) but
/// that makes sessions look fresher or staler than they are.
const CLOCK_TOLERANCE: SignedDuration = SignedDuration::from_secs(60);

/// Whom AWS saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub arn: String,
    pub account: String,
}

/// What the online check found: the identity, when the call was made, and findings.
#[derive(Debug, Default)]
pub struct Online {
    pub identity: Option<Identity>,
    pub findings: Vec<Finding>,
}

/// Calls AWS with `profile`'s stored session, if it is fresh.
pub fn check(paths: &Paths, profile: &str, report: Arc<dyn Report>) -> Online {
    match call(paths, profile, report) {
        Ok(online) => online,
        Err(why) => Online {
            identity: None,
            findings: vec![Finding::new("online-check-failed", Severity::Warning, why)],
        },
    }
}

fn call(paths: &Paths, profile: &str, report: Arc<dyn Report>) -> Result<Online, String> {
    let config = ConfigFile::load(paths, &*report).map_err(|e| e.to_string())?;
    let session = Slot::of_profile(paths, &config, profile)
        .and_then(|slot| slot.fresh(Freshness::ValidFor(SignedDuration::from_mins(1))))
        .map_err(|e| e.to_string())?;
    let Some(session) = session else {
        let finding = Finding::new(
            "online-no-session",
            Severity::Warning,
            format!("profile '{profile}' has no fresh session to check AWS with (doctor never asks for a code)"),
        )
        .fix(format!("stscreds auth --profile {}", shell_word(profile)));
        return Ok(Online {
            identity: None,
            findings: vec![finding],
        });
    };
    let settings = config.profile(profile).map_err(|e| e.to_string())?;
    let aws = crate::aws::Aws::connect_with_session(&session, &settings, profile, report)
        .map_err(|e| e.to_string())?;
    let (arn, account) = aws.get_caller_identity().map_err(|e| e.to_string())?;
    let findings = clock_offset().into_iter().collect();
    Ok(Online {
        identity: Some(Identity { arn, account }),
        findings,
    })
}

/// (10) This computer's clock, against the `Date` of AWS's answer.
fn clock_offset() -> Option<Finding> {
    let offset = crate::aws::observed_clock_offset()?;
    (offset.abs() > CLOCK_TOLERANCE).then(|| {
        let seconds = offset.as_secs();
        let direction = if seconds > 0 { "behind" } else { "ahead of" };
        Finding::new(
            "clock-offset",
            Severity::Error,
            format!(
                "this computer's clock is {}s {direction} AWS's: sessions expire earlier or later than stscreds thinks, and past 5 minutes AWS refuses every call",
                seconds.abs()
            ),
        )
        .fix("sudo timedatectl set-ntp true".to_owned())
    })
}
