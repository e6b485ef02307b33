//! `stscreds policy`: the recommended IAM policy (from the original stscreds) for the
//! profile's IAM user: the three calls stscreds makes are allowed with long-term keys;
//! rotating the user's own keys, and everything else, only with MFA.

use crate::aws::{Aws, User};
use crate::context::Context;
use crate::error::Error;
use crate::store::KeyStore;

/// The top-level entry point for `stscreds policy`.
pub fn run(cx: &mut Context) -> Result<(), Error> {
    let profile = &cx.profile;
    let keys =
        KeyStore::of_profile(&cx.paths, profile, &*cx.report)?.require(profile, &mut *cx.ask)?;
    let config = cx.config()?.profile(profile)?;
    let user = Aws::connect(&keys, &config, profile, cx.report.clone())?.get_user()?;
    super::print(&policy_for(&user))
}

fn policy_for(user: &User) -> String {
    format!(
        r#"{{
    "Version": "2012-10-17",
    "Statement": [
        {{
            "Sid": "AllowStscredsWithoutMFA",
            "Effect": "Allow",
            "Action": [
                "sts:GetSessionToken",
                "iam:GetUser",
                "iam:ListMFADevices"
            ],
            "Resource": [
                "{arn}"
            ]
        }},
        {{
            "Sid": "AllowOwnKeyRotationWithMFA",
            "Effect": "Allow",
            "Action": [
                "iam:ListAccessKeys",
                "iam:CreateAccessKey",
                "iam:DeleteAccessKey"
            ],
            "Resource": [
                "{arn}"
            ],
            "Condition": {{
                "Bool": {{
                    "aws:MultiFactorAuthPresent": "true"
                }}
            }}
        }},
        {{
            "Sid": "AllowEverythingElseWithMFA",
            "Effect": "Allow",
            "Action": [
                "*"
            ],
            "Condition": {{
                "Bool": {{
                    "aws:MultiFactorAuthPresent": "true"
                }}
            }},
            "Resource": [
                "*"
            ]
        }}
    ]
}}
"#,
        arn = user.arn
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_user() {
        let user = User {
            name: "alice".into(),
            arn: "arn:aws:iam::123456789012:user/alice".into(),
        };
        let policy = policy_for(&user);
        assert!(
            policy.contains(r#""arn:aws:iam::123456789012:user/alice""#),
            "{policy}"
        );
        assert!(
            policy.contains(r#""aws:MultiFactorAuthPresent": "true""#),
            "{policy}"
        );
        assert!(policy.contains(r#""iam:CreateAccessKey""#), "{policy}");
    }
}
