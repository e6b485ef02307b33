//! `stscreds policy`: the recommended IAM policy (from the original stscreds) for the
//! profile's IAM user: the three calls stscreds makes are allowed with long-term keys;
//! rotating the user's own keys, and everything else, only with MFA. With
//! `--federation-token`, one more statement lets `stscreds login --federation-token`
//! sign in to the console without MFA, as the user's federated user only.

use crate::aws::{Aws, User};
use crate::context::Context;
use crate::credentials::{self, sts};
use crate::error::Error;
use crate::store::KeyStore;

/// The top-level entry point for `stscreds policy`.
pub fn run(cx: &mut Context, federation_token: bool) -> Result<(), Error> {
    credentials::direct_profile_questions(cx, None)?;
    let profile = &cx.profile;
    let keys =
        KeyStore::of_profile(&cx.paths, profile, &*cx.report)?.require(profile, &mut *cx.ask)?;
    let config = cx.config()?.profile(profile)?;
    let user = Aws::connect(&keys, &config, profile, cx.report.clone())?.get_user()?;
    let extra = if federation_token {
        federation_token_statement(&user)
    } else {
        String::new()
    };
    super::print(&policy_for(&user, &extra))
}

/// The statement that allows `sts:GetFederationToken` without MFA, for the one
/// federated user `stscreds login --federation-token` signs in as.
fn federation_token_statement(user: &User) -> String {
    let partition = user.arn.split(':').nth(1).unwrap_or("aws");
    format!(
        r#"
        {{
            "Sid": "AllowConsoleSignInWithoutMFA",
            "Effect": "Allow",
            "Action": [
                "sts:GetFederationToken"
            ],
            "Resource": [
                "arn:{partition}:sts::{account}:federated-user/{name}"
            ]
        }},"#,
        account = user.account(),
        name = sts::federated_user_name(&user.name)
    )
}

/// The policy, with `extra` statements (each followed by a comma) after the first.
fn policy_for(user: &User, extra: &str) -> String {
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
        }},{extra}
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

    fn alice() -> User {
        User {
            name: "alice".into(),
            arn: "arn:aws:iam::123456789012:user/alice".into(),
        }
    }

    #[test]
    fn the_federation_token_statement_names_the_federated_user_login_signs_in_as() {
        let user = alice();
        let plain = policy_for(&user, "");
        let with = policy_for(&user, &federation_token_statement(&user));
        assert!(!plain.contains("GetFederationToken"), "{plain}");
        assert!(
            with.contains(r#""arn:aws:sts::123456789012:federated-user/alice""#),
            "{with}"
        );
        let statements = |policy: &str| policy.matches(r#""Sid""#).count();
        assert_eq!(statements(&with), statements(&plain) + 1);
        let china = User {
            name: "bob".into(),
            arn: "arn:aws-cn:iam::123456789012:user/bob".into(),
        };
        assert!(
            federation_token_statement(&china)
                .contains("arn:aws-cn:sts::123456789012:federated-user/bob")
        );
    }

    #[test]
    fn the_policy_names_the_user() {
        let user = alice();
        let policy = policy_for(&user, "");
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
