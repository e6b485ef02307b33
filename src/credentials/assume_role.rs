//! A chain of roles (`sts:AssumeRole`), assumed in order and cached in stscreds'
//! private sessions file: for a profile with `role_arn`, the AWS tools assume the role
//! themselves and ignore static keys.

use jiff::Timestamp;

use super::sessions::Slot;
use super::source::{self, Chain, RoleStep};
use super::{Freshness, Renewal, describe_expiry};
use crate::aws::{Aws, RoleRequest};
use crate::config::ProfileConfig;
use crate::config::state;
use crate::error::Error;
use crate::prompt::InputError;
use crate::session::{self, SessionCredentials, SessionDuration};
use crate::store::KeyStore;

/// AWS limits a role session to one hour when the role is assumed with temporary
/// credentials (an MFA session or another role's).
const ROLE_CHAINING_LIMIT: SessionDuration = SessionDuration::ONE_HOUR;

impl Renewal<'_> {
    /// Assumes the roles of `chain` in order, under the chain's lock, and caches the
    /// result. Roles after the first are capped at one hour, and that is said once.
    pub(super) fn role_chain(
        &mut self,
        profile: &str,
        chain: &Chain,
        slot: &Slot,
        freshness: Freshness,
    ) -> Result<SessionCredentials, Error> {
        let Some((first, deeper)) = chain.roles.split_first() else {
            return Err(
                InputError::Invalid(format!("profile '{profile}' has no role to assume")).into(),
            );
        };
        let (_lock, waited) = slot.lock(self.cx)?;
        let stored = slot.load()?;
        if let Some(reused) = slot.reusable(stored, freshness, waited) {
            return Ok(reused);
        }
        slot.check_before_renewal(None)?;
        let settings = self.cx.config()?.profile(profile)?;
        let user = state::load(&self.cx.paths, &chain.base)?
            .user_name
            .unwrap_or_else(|| chain.base.clone());
        let mut credentials = self.assume_first(chain, first, &user, &settings)?;
        let mut said_capped = false;
        for (index, step) in deeper.iter().enumerate() {
            let mut duration = self.wanted_duration(chain, index + 1);
            if duration > ROLE_CHAINING_LIMIT {
                duration = ROLE_CHAINING_LIMIT;
                if !said_capped {
                    self.cx.report.say(&format!(
                        "note: AWS lets a role assumed with another role's credentials last at most 1 hour; '{}' gets 1h",
                        step.profile
                    ));
                    said_capped = true;
                }
            }
            let session_name = source::session_name(step.session_name.as_deref(), &user);
            let aws = Aws::connect_with_session(
                &credentials,
                &settings,
                &step.profile,
                self.cx.report.clone(),
            )?;
            credentials = aws.assume_role(&role_request(step, &session_name, duration))?;
        }
        let report = &*self.cx.report;
        let slot = slot.as_configured_now(&self.cx.paths, report)?;
        slot.save(&self.cx.paths, report, &credentials, None)?;
        let last = chain.roles.last().unwrap_or(first);
        report.say(&format!(
            "Assumed role {} for profile '{profile}'; wrote credentials to {}",
            last.role_arn,
            slot.file().display()
        ));
        report.say(&describe_expiry(credentials.expiration, Timestamp::now()));
        Ok(credentials)
    }

    /// How long the role at `index` should last: its `duration_seconds`, or for the
    /// last role also `--expires`; one hour unless configured.
    fn wanted_duration(&self, chain: &Chain, index: usize) -> SessionDuration {
        let step = &chain.roles[index];
        let configured = if index + 1 == chain.roles.len() {
            self.args.expires.or(step.duration)
        } else {
            step.duration
        };
        configured.unwrap_or_default()
    }

    /// Assumes the chain's first role with the base profile's MFA session, shared by
    /// every role that starts there, so one code serves them all; or, when it should
    /// last longer than AWS allows a session-assumed role, straight from the long-term
    /// keys with its own MFA code.
    fn assume_first(
        &mut self,
        chain: &Chain,
        step: &RoleStep,
        user: &str,
        settings: &ProfileConfig,
    ) -> Result<SessionCredentials, Error> {
        let session_name = source::session_name(step.session_name.as_deref(), user);
        let duration = self.wanted_duration(chain, 0);
        if duration > ROLE_CHAINING_LIMIT {
            return self.assume_with_mfa(chain, step, &session_name, duration);
        }
        let base_args = self.args.for_base_profile();
        let base = super::get_for(
            self.cx,
            &chain.base,
            &base_args,
            Freshness::ValidFor(session::FRESHNESS_MARGIN),
        )?;
        let aws = Aws::connect_with_session(&base, settings, &chain.base, self.cx.report.clone())?;
        Ok(aws.assume_role(&role_request(step, &session_name, duration))?)
    }

    /// Assumes `step` straight from the base profile's long-term keys, with an MFA code
    /// of its own: the way to a role session longer than one hour.
    fn assume_with_mfa(
        &mut self,
        chain: &Chain,
        step: &RoleStep,
        session_name: &str,
        duration: SessionDuration,
    ) -> Result<SessionCredentials, Error> {
        let base_config = self.cx.config()?.profile(&chain.base)?;
        let remembered = state::load(&self.cx.paths, &chain.base)?;
        self.choose_prompt(&base_config, &chain.base);
        let keys = KeyStore::new(
            &self.cx.paths,
            remembered.backend_or_default(),
            &*self.cx.report,
        )
        .require(&chain.base, &mut *self.cx.ask)?;
        let aws = Aws::connect(&keys, &base_config, &chain.base, self.cx.report.clone())?;
        let configured = step
            .mfa_serial
            .as_deref()
            .or(base_config.mfa_serial.as_deref());
        let identity = self.identify(remembered, &aws, configured, &chain.base)?;
        let code = self.mfa_code(&base_config, &identity, &chain.base)?;
        Ok(aws.assume_role(&RoleRequest {
            role_arn: &step.role_arn,
            session_name,
            external_id: step.external_id.as_deref(),
            duration,
            mfa: Some((&identity.serial, &code)),
        })?)
    }
}

/// The request for `step`, signed by whatever credentials assume it (no MFA).
fn role_request<'a>(
    step: &'a RoleStep,
    session_name: &'a str,
    duration: SessionDuration,
) -> RoleRequest<'a> {
    RoleRequest {
        role_arn: &step.role_arn,
        session_name,
        external_id: step.external_id.as_deref(),
        duration,
        mfa: None,
    }
}
