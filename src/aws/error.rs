//! What a failed AWS call means for the user: the operations by their IAM names, and
//! each failure mapped to a message that says what to do. Some endpoints (moto among
//! them) send error bodies the SDK cannot decode, so codes are also read from the raw
//! body; nothing of a body is quoted beyond a cleaned code and message.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

use super::guard::OversizedAnswer;
use super::redact;
use crate::message::profile_flag;

/// The AWS operations stscreds calls, named as in AWS's documentation and IAM policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `iam:GetUser`
    GetUser,
    /// `iam:ListMFADevices`
    ListMfaDevices,
    /// `sts:GetSessionToken`
    GetSessionToken,
    /// `sts:AssumeRole`
    AssumeRole,
    /// `sts:GetCallerIdentity`
    GetCallerIdentity,
    /// `sts:GetFederationToken`
    GetFederationToken,
    /// `iam:ListAccessKeys`
    ListAccessKeys,
    /// `iam:CreateAccessKey`
    CreateAccessKey,
    /// `iam:DeleteAccessKey`
    DeleteAccessKey,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::GetUser => "iam:GetUser",
            Self::ListMfaDevices => "iam:ListMFADevices",
            Self::GetSessionToken => "sts:GetSessionToken",
            Self::AssumeRole => "sts:AssumeRole",
            Self::GetCallerIdentity => "sts:GetCallerIdentity",
            Self::GetFederationToken => "sts:GetFederationToken",
            Self::ListAccessKeys => "iam:ListAccessKeys",
            Self::CreateAccessKey => "iam:CreateAccessKey",
            Self::DeleteAccessKey => "iam:DeleteAccessKey",
        })
    }
}

/// A failed AWS call, classified by what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// The keys belong to the account's root user, which has no MFA-session story here.
    #[error(
        "these are root-account keys ({arn}); root keys should not be used day to day: create an IAM user with an MFA device, make access keys for it and run `stscreds init{}` with those",
        profile_flag(profile)
    )]
    RootKeys {
        /// The root ARN AWS reported.
        arn: String,
        /// The profile whose keys they are.
        profile: String,
    },

    /// The async runtime for AWS calls could not start.
    #[error("cannot start the runtime for AWS calls: {source}")]
    Runtime {
        /// Why.
        source: io::Error,
    },

    /// A setting (`STSCREDS_TIMEOUT`) is not usable.
    #[error("{0}")]
    Setting(#[from] crate::invalid::Invalid),

    /// STS refused the MFA code.
    #[error(
        "AWS rejected the MFA code (wrong, expired or already used); wait for the next code on your device and try again"
    )]
    MfaCodeRejected,
    /// The access key id is unknown to AWS.
    #[error(
        "AWS does not recognise the access key {key_id} (deleted, deactivated or mistyped); create a new access key in the IAM console and run `stscreds init{}`",
        profile_flag(profile)
    )]
    UnknownAccessKey {
        /// The key id used.
        key_id: String,
        /// The profile it was used for.
        profile: String,
    },
    /// The signature did not match: the secret is wrong, or the clock is far off.
    #[error(
        "AWS rejected the request signature for access key {key_id}: the secret access key is wrong (or this computer's clock is off); run `stscreds init{}` again with the right secret",
        profile_flag(profile)
    )]
    SignatureMismatch {
        /// The key id used.
        key_id: String,
        /// The profile it was used for.
        profile: String,
    },
    /// The request was signed too long ago or in the future.
    #[error(
        "AWS says the request time is wrong ({message}); set this computer's clock right (enable NTP) and try again"
    )]
    ClockSkew {
        /// AWS's explanation.
        message: String,
    },
    /// An IAM policy denies the call.
    #[error(
        "AWS denied {operation}: {message}; the IAM user's policy must allow it (see 'IAM policy' in the stscreds README)"
    )]
    AccessDenied {
        /// The call.
        operation: Operation,
        /// AWS's explanation.
        message: String,
    },
    /// AssumeRole was refused.
    #[error(
        "AWS denied assuming role {role_arn}: {message}; check that the role exists and that its trust policy allows your IAM user (with MFA, and with the right external_id if it asks for one)"
    )]
    RoleDenied {
        /// The role.
        role_arn: String,
        /// AWS's explanation.
        message: String,
    },
    /// GetFederationToken was refused: the recommended policy does not allow it.
    #[error(
        "AWS denied sts:GetFederationToken: {message}; the IAM policy stscreds recommends allows it only with the statement `stscreds policy{} --federation-token` adds (the console session it gives has no MFA)",
        profile_flag(profile)
    )]
    FederationTokenDenied {
        /// AWS's explanation.
        message: String,
        /// The profile whose keys were used.
        profile: String,
    },
    /// The console sign-in (the federation endpoint) failed.
    #[error(transparent)]
    Signin(#[from] super::signin::SigninError),
    /// AWS kept throttling after the SDK's retries.
    #[error("AWS is throttling {operation} requests; wait a minute and try again")]
    Throttled {
        /// The call.
        operation: Operation,
    },
    /// AWS kept failing with a server error after the SDK's retries.
    #[error(
        "AWS failed with HTTP {status} on {operation} (after retrying); this is on AWS's side, try again in a few minutes"
    )]
    ServerError {
        /// The call.
        operation: Operation,
        /// The HTTP status.
        status: u16,
    },
    /// The endpoint could not be reached at all.
    #[error(
        "cannot reach AWS for {operation} at {endpoint}: {detail}; check your network connection, proxy and AWS_ENDPOINT_URL settings"
    )]
    Network {
        /// The call.
        operation: Operation,
        /// Where the call went (scheme, host and port).
        endpoint: String,
        /// The root cause, e.g. "Connection refused".
        detail: String,
    },
    /// No answer in time.
    #[error("{operation} timed out waiting for AWS; check your network connection and try again")]
    Timeout {
        /// The call.
        operation: Operation,
    },
    /// The answer was not an AWS response.
    #[error(
        "the response to {operation} was not a valid AWS answer ({detail}); check AWS_ENDPOINT_URL and any proxy in between"
    )]
    BadResponse {
        /// The call.
        operation: Operation,
        /// What the SDK could not make sense of.
        detail: String,
    },
    /// Any other error code AWS returned.
    #[error("{operation} failed: {code}: {message}")]
    Other {
        /// The call.
        operation: Operation,
        /// AWS's error code.
        code: String,
        /// AWS's explanation.
        message: String,
    },
}

/// Who made a call and where it went, for the messages of its failures.
#[derive(Debug, Clone)]
pub(super) struct Caller {
    /// The access key id the call was signed with (not secret).
    pub key_id: String,
    /// The profile the call was made for.
    pub profile: String,
    /// Scheme, host and port of the endpoint, once the request has been sent.
    pub endpoint: String,
}

/// Maps an SDK error to what the user can do about it. Some endpoints (moto among
/// them) send error bodies the SDK cannot decode, so the code is also read from the
/// raw body. What the answer says is shown only after [`redact`] has made it safe: an
/// endpoint may echo our request, signature and session token back.
pub(super) fn classify<E>(operation: Operation, caller: &Caller, error: SdkError<E>) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    match &error {
        SdkError::ServiceError(context) => {
            let raw = context.raw();
            let body = raw
                .body()
                .bytes()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let code = context
                .err()
                .code()
                .map(str::to_owned)
                .or_else(|| xml_element(&body, "Code"));
            let message = context
                .err()
                .message()
                .map(str::to_owned)
                .or_else(|| xml_element(&body, "Message"))
                .unwrap_or_default();
            let status = raw.status().as_u16();
            match code.as_deref().and_then(redact::error_code) {
                Some(code) => classify_code(
                    operation,
                    caller,
                    status,
                    code.to_owned(),
                    redact::message(&message),
                ),
                None => classify_status(
                    operation,
                    status,
                    &redact::body_summary(body.len(), raw.headers().get("content-type")),
                ),
            }
        }
        SdkError::TimeoutError(_) => AwsError::Timeout { operation },
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            AwsError::Timeout { operation }
        }
        SdkError::DispatchFailure(_) => AwsError::Network {
            operation,
            endpoint: caller.endpoint.clone(),
            detail: redact::message(&root_cause(&error)),
        },
        SdkError::ResponseError(_) if caused_by::<OversizedAnswer>(&error) => {
            AwsError::BadResponse {
                operation,
                detail: OversizedAnswer.to_string(),
            }
        }
        SdkError::ResponseError(context) => {
            let raw = context.raw();
            let length = raw.body().bytes().map_or(0, <[u8]>::len);
            AwsError::BadResponse {
                operation,
                detail: format!(
                    "HTTP {} with a body that is not an AWS answer, {}",
                    raw.status().as_u16(),
                    redact::body_summary(length, raw.headers().get("content-type"))
                ),
            }
        }
        _ => AwsError::BadResponse {
            operation,
            detail: redact::message(&root_cause(&error)),
        },
    }
}

fn classify_code(
    operation: Operation,
    caller: &Caller,
    status: u16,
    code: String,
    message: String,
) -> AwsError {
    let key_id = caller.key_id.clone();
    let profile = caller.profile.clone();
    match code.as_str() {
        "AccessDenied" | "AccessDeniedException"
            if operation == Operation::GetSessionToken && mentions_mfa(&message) =>
        {
            AwsError::MfaCodeRejected
        }
        "AccessDenied" | "AccessDeniedException" => AwsError::AccessDenied { operation, message },
        "InvalidClientTokenId" => AwsError::UnknownAccessKey { key_id, profile },
        "SignatureDoesNotMatch" if message.contains("Signature expired") => {
            AwsError::ClockSkew { message }
        }
        "SignatureDoesNotMatch" => AwsError::SignatureMismatch { key_id, profile },
        "RequestExpired" | "RequestTimeTooSkewed" => AwsError::ClockSkew { message },
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException" => AwsError::Throttled { operation },
        _ if status >= 500 => AwsError::ServerError { operation, status },
        _ => AwsError::Other {
            operation,
            code,
            message,
        },
    }
}

/// An error answer with no AWS error code in it: described by status and size, never
/// quoted (`body` is a [`redact::body_summary`]).
fn classify_status(operation: Operation, status: u16, body: &str) -> AwsError {
    if status >= 500 {
        return AwsError::ServerError { operation, status };
    }
    let expected = if status < 300 { "answer" } else { "error" };
    AwsError::BadResponse {
        operation,
        detail: format!("HTTP {status} with a body that is not an AWS {expected}, {body}"),
    }
}

/// Real STS says "MultiFactorAuthentication failed …" for wrong or reused codes; a
/// policy denial of `sts:GetSessionToken` says "not authorized".
fn mentions_mfa(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("multifactor") || lower.contains("mfa")
}

/// The text of the first `<name>…</name>` element in an XML body, unescaped.
fn xml_element(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + body[start..].find(&format!("</{name}>"))?;
    let text = body[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    Some(text.trim().to_owned())
}

/// Whether `T` is somewhere in the chain of causes of `error`.
fn caused_by<T: StdError + 'static>(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<T>() {
            return true;
        }
        current = error.source();
    }
    false
}

/// The innermost cause of an error: the part that says what really went wrong.
pub(super) fn root_cause(error: &(dyn StdError + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOTO_DENIAL: &str = "<ErrorResponse><Errors><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/a is not authorized to perform: iam:GetUser</Message></Error></Errors></ErrorResponse>";

    #[test]
    fn error_codes_are_found_in_raw_xml_bodies() {
        assert_eq!(
            xml_element(MOTO_DENIAL, "Code").as_deref(),
            Some("AccessDenied")
        );
        assert_eq!(
            xml_element("<Message>a &amp; b &lt;c&gt;</Message>", "Message").as_deref(),
            Some("a & b <c>")
        );
        assert_eq!(xml_element("garbage", "Code"), None);
    }

    fn code(operation: Operation, status: u16, code: &str, message: &str) -> AwsError {
        let caller = Caller {
            key_id: "AKIAKEY".into(),
            profile: "work".into(),
            endpoint: "https://sts.amazonaws.com".into(),
        };
        classify_code(
            operation,
            &caller,
            status,
            code.to_owned(),
            message.to_owned(),
        )
    }

    #[test]
    fn a_wrong_mfa_code_is_told_apart_from_a_policy_denial() {
        let wrong = code(
            Operation::GetSessionToken,
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        );
        assert!(matches!(wrong, AwsError::MfaCodeRejected));
        let denied = code(
            Operation::GetSessionToken,
            403,
            "AccessDenied",
            "not authorized to perform: sts:GetSessionToken",
        );
        assert!(matches!(denied, AwsError::AccessDenied { .. }));
        assert!(denied.to_string().contains("IAM policy"), "{denied}");
    }

    #[test]
    fn credential_problems_say_which_key_and_what_to_do() {
        let unknown = code(Operation::GetUser, 403, "InvalidClientTokenId", "");
        assert!(
            unknown.to_string().contains("AKIAKEY")
                && unknown
                    .to_string()
                    .contains("`stscreds init --profile work`"),
            "{unknown}"
        );
        let wrong_secret = code(
            Operation::GetUser,
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match",
        );
        assert!(matches!(wrong_secret, AwsError::SignatureMismatch { .. }));
        let skew = code(
            Operation::GetUser,
            403,
            "SignatureDoesNotMatch",
            "Signature expired: 20260101T000000Z is now earlier than ...",
        );
        assert!(matches!(skew, AwsError::ClockSkew { .. }));
    }

    #[test]
    fn throttling_and_server_errors_say_to_try_later() {
        assert!(matches!(
            code(Operation::GetUser, 400, "Throttling", ""),
            AwsError::Throttled { .. }
        ));
        assert!(matches!(
            code(Operation::GetUser, 503, "ServiceUnavailable", ""),
            AwsError::ServerError { status: 503, .. }
        ));
        assert!(matches!(
            classify_status(Operation::GetUser, 502, "6 bytes"),
            AwsError::ServerError { .. }
        ));
        assert!(matches!(
            classify_status(Operation::GetUser, 200, "6 bytes"),
            AwsError::BadResponse { .. }
        ));
    }
}
