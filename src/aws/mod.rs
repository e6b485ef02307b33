//! The only module that talks to AWS: SDK clients for STS and IAM behind a small
//! blocking interface (here), the checks every answer passes before it is used
//! (`answer`, `guard`), and the mapping of every failure to a message that says what to
//! do (`error`, `redact`). A Tokio runtime exists only while an [`Aws`] does. The
//! console sign-in's one call that is not an SDK operation is in [`signin`].

mod answer;
mod error;
mod guard;
mod redact;
pub mod signin;

pub use error::{AwsError, Operation};
use error::{Caller, classify};
pub use guard::{now_by_aws, observed_clock_offset};

use std::error::Error as StdError;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, timeout::TimeoutConfig};
use aws_sdk_iam::types::StatusType;
use aws_sdk_sts::config::Credentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::RequestId;
use jiff::{SignedDuration, Timestamp};
use secrecy::ExposeSecret;

use self::answer::Implausible;
use self::guard::AnswerGuard;

use crate::config::{self, ProfileConfig};
use crate::session::{SessionCredentials, SessionDuration, TokenCode};
use crate::store::LongTermKeys;
use crate::ui::report::Report;

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

/// One of an IAM user's access keys, as iam:ListAccessKeys describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    /// The access key id (not a secret, but shown only by its last four characters).
    pub id: String,
    /// Whether AWS accepts it (an inactive key signs nothing).
    pub active: bool,
    /// When it was created, by AWS's clock.
    pub created: Timestamp,
}

/// Connected STS and IAM clients, signing with one set of credentials.
pub struct Aws {
    runtime: tokio::runtime::Runtime,
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
    key_id: String,
    profile: String,
    guard: AnswerGuard,
    report: Arc<dyn Report>,
}

impl Aws {
    /// Clients signing with long-term keys, for the profile's region and endpoints.
    /// Each call is traced through `report` (service, operation, outcome, duration and
    /// request id, never a secret). Makes no network call.
    pub fn connect(
        keys: &LongTermKeys,
        config: &ProfileConfig,
        profile: &str,
        report: Arc<dyn Report>,
    ) -> Result<Self, AwsError> {
        let credentials = Credentials::new(
            keys.access_key_id.clone(),
            keys.secret_access_key.expose_secret().to_owned(),
            None,
            None,
            "stscreds",
        );
        Self::with_credentials(credentials, config, profile, report)
    }

    /// Clients signing with session credentials (to assume a role with them).
    pub fn connect_with_session(
        session: &SessionCredentials,
        config: &ProfileConfig,
        profile: &str,
        report: Arc<dyn Report>,
    ) -> Result<Self, AwsError> {
        let credentials = Credentials::new(
            session.access_key_id.clone(),
            session.secret_access_key.expose_secret().to_owned(),
            Some(session.session_token.expose_secret().to_owned()),
            None,
            "stscreds",
        );
        Self::with_credentials(credentials, config, profile, report)
    }

    /// Builds clients for the profile's region, honouring the standard endpoint
    /// settings (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`,
    /// profile `endpoint_url`) and retry settings. Makes no network call.
    fn with_credentials(
        credentials: Credentials,
        config: &ProfileConfig,
        profile: &str,
        report: Arc<dyn Report>,
    ) -> Result<Self, AwsError> {
        let key_id = credentials.access_key_id().to_owned();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| AwsError::Runtime { source })?;
        // How long one attempt may take: `STSCREDS_TIMEOUT` sets it for very slow or
        // very fast networks.
        let attempt = config.aws_timeout.get()?;
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
            profile: profile.to_owned(),
            guard,
            report,
        })
    }

    /// Whether the clients sign with the access key `key_id`.
    pub fn signs_with(&self, key_id: &str) -> bool {
        self.key_id == key_id
    }

    /// The IAM user the keys belong to; root-account keys are refused.
    pub fn get_user(&self) -> Result<User, AwsError> {
        let output = self.call(Operation::GetUser, self.iam.get_user().send())?;
        let user = output.user();
        let (name, arn) = user.map(|u| (u.user_name(), u.arn())).unwrap_or_default();
        plausible(Operation::GetUser, answer::arn(arn))?;
        if name.is_empty() || arn.ends_with(":root") {
            return Err(AwsError::RootKeys {
                arn: arn.to_owned(),
                profile: self.profile.clone(),
            });
        }
        plausible(Operation::GetUser, answer::user_name(name))?;
        Ok(User {
            name: name.to_owned(),
            arn: arn.to_owned(),
        })
    }

    /// The serial numbers of `user_name`'s MFA devices.
    pub fn list_mfa_devices(&self, user_name: &str) -> Result<Vec<String>, AwsError> {
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
    ) -> Result<SessionCredentials, AwsError> {
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
    pub fn assume_role(&self, role: &RoleRequest<'_>) -> Result<SessionCredentials, AwsError> {
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
                    AwsError::AccessDenied { message, .. } => AwsError::RoleDenied {
                        role_arn: role.role_arn.to_owned(),
                        message,
                    },
                    other => other,
                })?;
        self.session_credentials(Operation::AssumeRole, output.credentials(), role.duration)
    }

    /// Credentials of a federated user named `name` (`sts:GetFederationToken`, signed
    /// with long-term keys), with the session `policy` limiting what they may do. AWS
    /// takes no MFA code here: a console session made with them has no MFA.
    pub fn get_federation_token(
        &self,
        name: &str,
        policy: &str,
        duration: SessionDuration,
    ) -> Result<SessionCredentials, AwsError> {
        let request = self
            .sts
            .get_federation_token()
            .name(name)
            .policy(policy)
            .duration_seconds(duration.as_secs());
        let output = self
            .call(Operation::GetFederationToken, request.send())
            .map_err(|error| match error {
                AwsError::AccessDenied { message, .. } => AwsError::FederationTokenDenied {
                    message,
                    profile: self.profile.clone(),
                },
                other => other,
            })?;
        self.session_credentials(
            Operation::GetFederationToken,
            output.credentials(),
            duration,
        )
    }

    /// The ids of `user_name`'s access keys (at most two, AWS's limit).
    pub fn list_access_keys(&self, user_name: &str) -> Result<Vec<String>, AwsError> {
        let output = self.list_access_key_metadata(user_name)?;
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

    /// `user_name`'s access keys with whether each is active and when it was created
    /// (no secret: AWS never lists one), for judging their age.
    pub fn describe_access_keys(&self, user_name: &str) -> Result<Vec<AccessKey>, AwsError> {
        let output = self.list_access_key_metadata(user_name)?;
        let now = self.guard.server_time().unwrap_or_else(Timestamp::now);
        output
            .access_key_metadata()
            .iter()
            .filter_map(|key| Some((key, key.access_key_id()?)))
            .map(|(key, key_id)| {
                let created = key
                    .create_date()
                    .and_then(|date| Timestamp::new(date.secs(), 0).ok())
                    .ok_or_else(|| AwsError::BadResponse {
                        operation: Operation::ListAccessKeys,
                        detail: "an access key has no creation date".into(),
                    })?;
                plausible(
                    Operation::ListAccessKeys,
                    answer::access_key_id(key_id)
                        .and_then(|()| answer::creation_date(created, now)),
                )?;
                Ok(AccessKey {
                    id: key_id.to_owned(),
                    active: key.status() == Some(&StatusType::Active),
                    created,
                })
            })
            .collect()
    }

    fn list_access_key_metadata(
        &self,
        user_name: &str,
    ) -> Result<aws_sdk_iam::operation::list_access_keys::ListAccessKeysOutput, AwsError> {
        self.call(
            Operation::ListAccessKeys,
            self.iam.list_access_keys().user_name(user_name).send(),
        )
    }

    /// A new access key for `user_name`; AWS shows its secret only in this answer.
    pub fn create_access_key(&self, user_name: &str) -> Result<LongTermKeys, AwsError> {
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
    pub fn delete_access_key(&self, user_name: &str, key_id: &str) -> Result<(), AwsError> {
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
    pub fn get_caller_identity(&self) -> Result<(String, String), AwsError> {
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
    ) -> Result<SessionCredentials, AwsError> {
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
    ) -> Result<T, AwsError>
    where
        T: RequestId,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let started = Instant::now();
        let result = self.runtime.block_on(request);
        let (outcome, request_id) = match &result {
            Ok(output) => ("ok", output.request_id()),
            Err(error) => ("failed", error.request_id()),
        };
        let endpoint = self
            .guard
            .endpoint()
            .unwrap_or_else(|| "an endpoint not yet known".to_owned());
        self.report.trace(&format!(
            "{operation} {outcome} in {} ms at {endpoint} (request id {})",
            started.elapsed().as_millis(),
            request_id.and_then(redact::request_id).unwrap_or("none")
        ));
        let caller = Caller {
            key_id: self.key_id.clone(),
            profile: self.profile.clone(),
            endpoint,
        };
        result.map_err(|error| classify(operation, &caller, error))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_comes_from_the_arn() {
        let user = User {
            name: "alice".into(),
            arn: "arn:aws:iam::123456789012:user/alice".into(),
        };
        assert_eq!(user.account(), "123456789012");
    }
}
