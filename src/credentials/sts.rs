//! The three STS calls of the pipeline, shaped for it: an MFA session
//! (`sts:GetSessionToken`), a role (`sts:AssumeRole`) and a federated user's
//! credentials (`sts:GetFederationToken`). The calls themselves, and what AWS's answers
//! are checked for, are in [`crate::aws`]; this file says what is asked.

use super::mfa::Mfa;
use super::plan::RoleStep;
use crate::aws::{Aws, AwsError, RoleRequest};
use crate::session::{SessionCredentials, SessionDuration, TokenCode};

/// The session policy of a federation token: everything the IAM user's own policies
/// allow (a federation token without a policy may do nothing).
const PASS_THROUGH_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// An MFA session of `duration` for the long-term keys `aws` signs with.
pub fn session_token(
    aws: &Aws,
    mfa: &Mfa<'_>,
    code: &TokenCode,
    duration: SessionDuration,
) -> Result<SessionCredentials, AwsError> {
    aws.get_session_token(&mfa.device, code, duration)
}

/// The role of `step`, assumed with whatever credentials `aws` signs with, as the
/// IAM user `user` (or the step's configured session name); with `mfa`, the device
/// and code go along (for a role assumed straight from long-term keys).
pub fn assume_role(
    aws: &Aws,
    step: &RoleStep,
    user: &str,
    duration: SessionDuration,
    mfa: Option<(&Mfa<'_>, &TokenCode)>,
) -> Result<SessionCredentials, AwsError> {
    let session_name = session_name(step.session_name.as_deref(), user);
    aws.assume_role(&RoleRequest {
        role_arn: &step.role_arn,
        session_name: &session_name,
        external_id: step.external_id.as_deref(),
        duration,
        mfa: mfa.map(|(mfa, code)| (mfa.device.as_str(), code)),
    })
}

/// Credentials of the federated user named after the IAM user `user`, signed with the
/// long-term keys `aws` holds, allowed whatever the user's policies allow; with the
/// name they were got for.
pub fn federation_token(
    aws: &Aws,
    user: &str,
    duration: SessionDuration,
) -> Result<(String, SessionCredentials), AwsError> {
    let name = federated_user_name(user);
    let credentials = aws.get_federation_token(&name, PASS_THROUGH_POLICY, duration)?;
    Ok((name, credentials))
}

/// The name of the federated user a federation token signs in as: the IAM user's
/// name, made to fit GetFederationToken's rules (`[\w+=,.@-]`, 2 to 32 characters), so
/// that CloudTrail shows who it was and `stscreds policy` can name it.
pub fn federated_user_name(user: &str) -> String {
    session_name(None, user).chars().take(32).collect()
}

/// A role session name AWS accepts (`[\w+=,.@-]`, 2 to 64 characters), from the
/// configured one or the IAM user name, so that CloudTrail shows who it was.
fn session_name(configured: Option<&str>, user: &str) -> String {
    let wanted = configured.unwrap_or(user);
    let mut name: String = wanted
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.len() < 2 {
        name = format!("stscreds-{name}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_are_what_aws_accepts() {
        assert_eq!(
            session_name(None, "john.doe@example.com"),
            "john.doe@example.com"
        );
        assert_eq!(session_name(Some("ci job #42"), "x"), "ci-job--42");
        assert_eq!(session_name(None, "a"), "stscreds-a");
        assert_eq!(session_name(None, &"x".repeat(80)).len(), 64);
    }

    #[test]
    fn federated_user_names_fit_aws_rules() {
        assert_eq!(federated_user_name("john.doe"), "john.doe");
        assert_eq!(federated_user_name(&"x".repeat(64)).len(), 32);
        assert_eq!(federated_user_name("a"), "stscreds-a");
    }
}
