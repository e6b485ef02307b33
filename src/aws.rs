//! The only module that talks to AWS: SDK clients for STS and IAM behind a small
//! blocking interface, and the mapping of every failure to a message that says what to
//! do. A Tokio runtime exists only while an [`Aws`] does.

mod answer;
mod guard;
mod redact;

use std::error::Error as StdError;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, timeout::TimeoutConfig};
use aws_sdk_sts::config::Credentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::RequestId;
use jiff::{SignedDuration, Timestamp};
use secrecy::ExposeSecret;

use self::answer::Implausible;
use self::guard::{AnswerGuard, OversizedAnswer};

use crate::config::{self, ProfileConfig};
use crate::error::Error;
use crate::mfa::TokenCode;
use crate::session::{SessionCredentials, SessionDuration};
use crate::store::LongTermKeys;

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
            Self::ListAccessKeys => "iam:ListAccessKeys",
            Self::CreateAccessKey => "iam:CreateAccessKey",
            Self::DeleteAccessKey => "iam:DeleteAccessKey",
        })
    }
}

/// A failed AWS call, classified by what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// STS refused the MFA code.
    #[error(
        "AWS rejected the MFA code (wrong, expired or already used); wait for the next code on your device and try again"
    )]
    MfaCodeRejected,
    /// The access key id is unknown to AWS.
    #[error(
        "AWS does not recognise the access key {key_id} (deleted, deactivated or mistyped); create a new access key in the IAM console and run `stscreds init`"
    )]
    UnknownAccessKey {
        /// The key id used.
        key_id: String,
    },
    /// The signature did not match: the secret is wrong, or the clock is far off.
    #[error(
        "AWS rejected the request signature for access key {key_id}: the secret access key is wrong (or this computer's clock is off); run `stscreds init` again with the right secret"
    )]
    SignatureMismatch {
        /// The key id used.
        key_id: String,
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
        "cannot reach AWS for {operation}: {detail}; check your network connection, proxy and AWS_ENDPOINT_URL settings"
    )]
    Network {
        /// The call.
        operation: Operation,
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

/// The IAM user behind a set of long-term keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user name.
    pub name: String,
    /// The user's ARN.
    pub arn: String,
}

impl User {
    /// The 12-digit account id, taken from the ARN.
    pub fn account(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or_default()
    }
}

/// Whether each AWS call is traced on stderr (`--verbose`).
static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Traces every AWS call from now on: service, operation, outcome, duration and
/// request id (never a secret) on stderr.
pub fn trace_calls() {
    VERBOSE.store(true, Ordering::Relaxed);
}

/// Connected STS and IAM clients, signing with one set of credentials.
pub struct Aws {
    runtime: tokio::runtime::Runtime,
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
    key_id: String,
    guard: AnswerGuard,
}

impl Aws {
    /// Clients signing with long-term keys, for the profile's region and endpoints.
    /// Makes no network call.
    pub fn connect(
        keys: &LongTermKeys,
        config: &ProfileConfig,
        profile: &str,
    ) -> Result<Self, Error> {
        let credentials = Credentials::new(
            keys.access_key_id.clone(),
            keys.secret_access_key.expose_secret().to_owned(),
            None,
            None,
            "stscreds",
        );
        Self::with_credentials(credentials, config, profile)
    }

    /// Clients signing with session credentials (to assume a role with them).
    pub fn connect_with_session(
        session: &SessionCredentials,
        config: &ProfileConfig,
        profile: &str,
    ) -> Result<Self, Error> {
        let credentials = Credentials::new(
            session.access_key_id.clone(),
            session.secret_access_key.expose_secret().to_owned(),
            Some(session.session_token.expose_secret().to_owned()),
            None,
            "stscreds",
        );
        Self::with_credentials(credentials, config, profile)
    }

    /// Builds clients for the profile's region, honouring the standard endpoint
    /// settings (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`,
    /// profile `endpoint_url`) and retry settings. Makes no network call.
    fn with_credentials(
        credentials: Credentials,
        config: &ProfileConfig,
        profile: &str,
    ) -> Result<Self, Error> {
        let key_id = credentials.access_key_id().to_owned();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| Error::Runtime { source })?;
        let attempt = attempt_timeout()?;
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(attempt.min(Duration::from_secs(5)))
            .operation_attempt_timeout(attempt)
            .operation_timeout(attempt * 3)
            .build();
        let shared = runtime.block_on(
            aws_config::defaults(BehaviorVersion::latest())
                .profile_name(profile)
                .region(Region::new(config.region.clone()))
                .credentials_provider(credentials)
                .timeout_config(timeouts)
                .load(),
        );
        let guard = AnswerGuard::default();
        let iam_config = aws_sdk_iam::config::Builder::from(&shared)
            .region(Region::from_static(config::iam_signing_region(
                &config.region,
            )))
            .interceptor(guard.clone())
            .build();
        let sts_config = aws_sdk_sts::config::Builder::from(&shared)
            .region(Region::new(config.sts_region.clone()))
            .interceptor(guard.clone())
            .build();
        Ok(Self {
            sts: aws_sdk_sts::Client::from_conf(sts_config),
            iam: aws_sdk_iam::Client::from_conf(iam_config),
            runtime,
            key_id,
            guard,
        })
    }

    /// Whether the clients sign with the access key `key_id`.
    pub fn signs_with(&self, key_id: &str) -> bool {
        self.key_id == key_id
    }

    /// The IAM user the keys belong to; root-account keys are refused.
    pub fn get_user(&self) -> Result<User, Error> {
        let output = self.call(Operation::GetUser, self.iam.get_user().send())?;
        let user = output.user();
        let (name, arn) = user.map(|u| (u.user_name(), u.arn())).unwrap_or_default();
        plausible(Operation::GetUser, answer::arn(arn))?;
        if name.is_empty() || arn.ends_with(":root") {
            return Err(Error::RootKeys {
                arn: arn.to_owned(),
            });
        }
        plausible(Operation::GetUser, answer::user_name(name))?;
        Ok(User {
            name: name.to_owned(),
            arn: arn.to_owned(),
        })
    }

    /// The serial numbers of `user_name`'s MFA devices.
    pub fn list_mfa_devices(&self, user_name: &str) -> Result<Vec<String>, Error> {
        let output = self.call(
            Operation::ListMfaDevices,
            self.iam.list_mfa_devices().user_name(user_name).send(),
        )?;
        output
            .mfa_devices()
            .iter()
            .map(|device| {
                let serial = device.serial_number();
                plausible(Operation::ListMfaDevices, answer::mfa_serial(serial))?;
                Ok(serial.to_owned())
            })
            .collect()
    }

    /// Exchanges the long-term keys and an MFA code for session credentials.
    pub fn get_session_token(
        &self,
        mfa_serial: &str,
        code: &TokenCode,
        duration: SessionDuration,
    ) -> Result<SessionCredentials, Error> {
        let request = self
            .sts
            .get_session_token()
            .serial_number(mfa_serial)
            .token_code(code.as_str())
            .duration_seconds(duration.as_secs());
        let output = self.call(Operation::GetSessionToken, request.send())?;
        self.session_credentials(Operation::GetSessionToken, output.credentials(), duration)
    }

    /// Assumes `role` with the clients' credentials; with `mfa`, the serial and code are
    /// sent too (for a role assumed straight from long-term keys).
    pub fn assume_role(&self, role: &RoleRequest<'_>) -> Result<SessionCredentials, Error> {
        let mut request = self
            .sts
            .assume_role()
            .role_arn(role.role_arn)
            .role_session_name(role.session_name)
            .duration_seconds(role.duration.as_secs())
            .set_external_id(role.external_id.map(str::to_owned));
        if let Some((serial, code)) = role.mfa {
            request = request.serial_number(serial).token_code(code.as_str());
        }
        let output =
            self.call(Operation::AssumeRole, request.send())
                .map_err(|error| match error {
                    Error::Aws(AwsError::AccessDenied { message, .. }) => AwsError::RoleDenied {
                        role_arn: role.role_arn.to_owned(),
                        message,
                    }
                    .into(),
                    other => other,
                })?;
        self.session_credentials(Operation::AssumeRole, output.credentials(), role.duration)
    }

    /// The ids of `user_name`'s access keys (at most two, AWS's limit).
    pub fn list_access_keys(&self, user_name: &str) -> Result<Vec<String>, Error> {
        let output = self.call(
            Operation::ListAccessKeys,
            self.iam.list_access_keys().user_name(user_name).send(),
        )?;
        output
            .access_key_metadata()
            .iter()
            .filter_map(|key| key.access_key_id())
            .map(|key_id| {
                plausible(Operation::ListAccessKeys, answer::access_key_id(key_id))?;
                Ok(key_id.to_owned())
            })
            .collect()
    }

    /// A new access key for `user_name`; AWS shows its secret only in this answer.
    pub fn create_access_key(&self, user_name: &str) -> Result<LongTermKeys, Error> {
        let output = self.call(
            Operation::CreateAccessKey,
            self.iam.create_access_key().user_name(user_name).send(),
        )?;
        let key = output.access_key().ok_or_else(|| AwsError::BadResponse {
            operation: Operation::CreateAccessKey,
            detail: "no access key in the response".into(),
        })?;
        plausible(
            Operation::CreateAccessKey,
            answer::access_key_id(key.access_key_id())
                .and_then(|()| answer::secret_access_key(key.secret_access_key())),
        )?;
        Ok(LongTermKeys {
            access_key_id: key.access_key_id().to_owned(),
            secret_access_key: key.secret_access_key().to_owned().into(),
        })
    }

    /// Deletes `user_name`'s access key `key_id`.
    pub fn delete_access_key(&self, user_name: &str, key_id: &str) -> Result<(), Error> {
        self.call(
            Operation::DeleteAccessKey,
            self.iam
                .delete_access_key()
                .user_name(user_name)
                .access_key_id(key_id)
                .send(),
        )
        .map(drop)
    }

    /// The ARN and account of whoever the credentials belong to.
    pub fn get_caller_identity(&self) -> Result<(String, String), Error> {
        let output = self.call(
            Operation::GetCallerIdentity,
            self.sts.get_caller_identity().send(),
        )?;
        let (arn, account) = (
            output.arn().unwrap_or_default(),
            output.account().unwrap_or_default(),
        );
        plausible(
            Operation::GetCallerIdentity,
            answer::arn(arn).and_then(|()| answer::account(account)),
        )?;
        Ok((arn.to_owned(), account.to_owned()))
    }

    /// The temporary credentials in an STS answer for a session of `duration`, each
    /// value checked; the expiry is judged by AWS's clock when the answer gave it.
    fn session_credentials(
        &self,
        operation: Operation,
        credentials: Option<&aws_sdk_sts::types::Credentials>,
        duration: SessionDuration,
    ) -> Result<SessionCredentials, Error> {
        let bad_response = |detail: &str| AwsError::BadResponse {
            operation,
            detail: detail.to_owned(),
        };
        let credentials =
            credentials.ok_or_else(|| bad_response("no credentials in the response"))?;
        let expiration = Timestamp::new(credentials.expiration().secs(), 0)
            .map_err(|_| bad_response("the expiry time is out of range"))?;
        let now = Timestamp::now();
        plausible(
            operation,
            answer::access_key_id(credentials.access_key_id())
                .and_then(|()| answer::secret_access_key(credentials.secret_access_key()))
                .and_then(|()| answer::session_token(credentials.session_token()))
                .and_then(|()| {
                    answer::expiration(
                        expiration,
                        SignedDuration::from_secs(duration.as_secs().into()),
                        self.guard.server_time().unwrap_or(now),
                        now,
                    )
                }),
        )?;
        Ok(SessionCredentials {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: credentials.secret_access_key().to_owned().into(),
            session_token: credentials.session_token().to_owned().into(),
            expiration,
        })
    }

    /// Runs one AWS call to completion, tracing it with `--verbose`, and turns its
    /// failure into an [`AwsError`].
    fn call<T, E>(
        &self,
        operation: Operation,
        request: impl Future<Output = Result<T, SdkError<E>>>,
    ) -> Result<T, Error>
    where
        T: RequestId,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let started = Instant::now();
        let result = self.runtime.block_on(request);
        if VERBOSE.load(Ordering::Relaxed) {
            let (outcome, request_id) = match &result {
                Ok(output) => ("ok", output.request_id()),
                Err(error) => ("failed", error.request_id()),
            };
            eprintln!(
                "stscreds: {operation} {outcome} in {} ms (request id {})",
                started.elapsed().as_millis(),
                request_id.and_then(redact::request_id).unwrap_or("none")
            );
        }
        result.map_err(|error| classify(operation, &self.key_id, error).into())
    }
}

/// How long one attempt of an AWS call may take: 20 s, or `STSCREDS_TIMEOUT` (a
/// duration like `5s` or `1m`) for very slow or very fast networks.
fn attempt_timeout() -> Result<Duration, Error> {
    Ok(crate::env::duration_from_env(
        "STSCREDS_TIMEOUT",
        Duration::from_secs(20),
    )?)
}

/// What to assume: a role, under a session name, for a duration; with an external id
/// and an MFA serial and code where needed.
#[derive(Debug)]
pub struct RoleRequest<'a> {
    /// `role_arn`.
    pub role_arn: &'a str,
    /// The role session name (shown in CloudTrail).
    pub session_name: &'a str,
    /// `external_id`, if the role's trust policy asks for one.
    pub external_id: Option<&'a str>,
    /// How long the role session lasts.
    pub duration: SessionDuration,
    /// The MFA serial and code, when assuming with long-term keys.
    pub mfa: Option<(&'a str, &'a TokenCode)>,
}

/// Turns an implausible value in the answer to `operation` into the error that says
/// so (naming the value, never quoting it).
fn plausible(operation: Operation, check: Result<(), Implausible>) -> Result<(), AwsError> {
    check.map_err(|implausible| AwsError::BadResponse {
        operation,
        detail: implausible.to_string(),
    })
}

/// Maps an SDK error to what the user can do about it. Some endpoints (moto among
/// them) send error bodies the SDK cannot decode, so the code is also read from the
/// raw body. What the answer says is shown only after [`redact`] has made it safe: an
/// endpoint may echo our request, signature and session token back.
fn classify<E>(operation: Operation, key_id: &str, error: SdkError<E>) -> AwsError
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
                    key_id,
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
    key_id: &str,
    status: u16,
    code: String,
    message: String,
) -> AwsError {
    let key_id = key_id.to_owned();
    match code.as_str() {
        "AccessDenied" | "AccessDeniedException"
            if operation == Operation::GetSessionToken && mentions_mfa(&message) =>
        {
            AwsError::MfaCodeRejected
        }
        "AccessDenied" | "AccessDeniedException" => AwsError::AccessDenied { operation, message },
        "InvalidClientTokenId" => AwsError::UnknownAccessKey { key_id },
        "SignatureDoesNotMatch" if message.contains("Signature expired") => {
            AwsError::ClockSkew { message }
        }
        "SignatureDoesNotMatch" => AwsError::SignatureMismatch { key_id },
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
fn root_cause(error: &(dyn StdError + 'static)) -> String {
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
        classify_code(
            operation,
            "AKIAKEY",
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
                && unknown.to_string().contains("stscreds init")
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

    #[test]
    fn account_comes_from_the_arn() {
        let user = User {
            name: "alice".into(),
            arn: "arn:aws:iam::123456789012:user/alice".into(),
        };
        assert_eq!(user.account(), "123456789012");
    }
}
