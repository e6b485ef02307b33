//! A profile's MFA session (`sts:GetSessionToken` with its long-term keys), and the MFA
//! sequence behind every code stscreds spends: who the IAM user is, which MFA device,
//! and the code.

use jiff::Timestamp;

use super::sessions::Slot;
use super::{Freshness, Renewal, SessionArgs, describe_expiry};
use crate::aws::Aws;
use crate::config::state::{self, ProfileState};
use crate::config::{self, ProfileConfig};
use crate::context::Context;
use crate::error::Error;
use crate::files::Paths;
use crate::mfa;
use crate::prompt::MfaQuestion;
use crate::session::{SessionCredentials, TokenCode};
use crate::store::KeyStore;

/// The IAM user and MFA device a code is asked for, and what was remembered of them.
pub(super) struct MfaIdentity {
    /// The IAM user name.
    pub user: String,
    /// The MFA device's serial number (ARN).
    pub serial: String,
    /// What `~/.stscreds/config` knew before.
    pub remembered: ProfileState,
}

impl Renewal<'_> {
    /// Gets new session credentials for `profile` and writes them where the profile's
    /// sessions live, holding the profile's lock throughout: of many processes that
    /// find the session stale at once, one asks for a code and calls STS; the others
    /// wait, then use what it wrote. The user name and MFA device are looked up once and
    /// remembered, so a repeat run makes a single AWS call (`sts:GetSessionToken`).
    /// Everything that could make the write fail is checked before the MFA code is asked
    /// for, so a code is never wasted.
    pub(super) fn mfa_session(
        &mut self,
        profile: &str,
        slot: &Slot,
        freshness: Freshness,
    ) -> Result<SessionCredentials, Error> {
        let config = self.cx.config()?.profile(profile)?;
        let (_lock, waited) = slot.lock(self.cx)?;
        let stored = slot.load_or_adopt(&self.cx.paths, &*self.cx.report)?;
        let missing = stored.is_none();
        if let Some(reused) = slot.reusable(stored, freshness, waited) {
            if waited {
                self.cx.report.say(&format!(
                    "Another stscreds process just renewed profile '{profile}'; using its credentials."
                ));
            }
            return Ok(reused);
        }
        let remembered = state::load(&self.cx.paths, profile)?;
        self.choose_prompt(&config, profile);
        let keys = KeyStore::new(
            &self.cx.paths,
            remembered.backend_or_default(),
            &*self.cx.report,
        )
        .require(profile, &mut *self.cx.ask)?;
        // Said once the keys are found: a profile without any gets only the error that
        // says what it is (a typo, a role) and what to run.
        if freshness != Freshness::New {
            let why = if missing {
                "are missing"
            } else {
                "have expired"
            };
            self.cx.report.say(&format!(
                "Session credentials for profile '{profile}' {why}; authenticating."
            ));
        }
        slot.check_before_renewal(Some(&keys.access_key_id))?;
        let aws = Aws::connect(&keys, &config, profile, self.cx.report.clone())?;
        let identity = self.identify(remembered, &aws, config.mfa_serial.as_deref(), profile)?;
        remember(&self.cx.paths, profile, &identity)?;
        let code = self.mfa_code(&config, &identity, profile)?;
        let duration = self.args.expires.or(config.duration).unwrap_or_default();
        let credentials = aws.get_session_token(&identity.serial, &code, duration)?;
        let report = &*self.cx.report;
        let slot = slot.as_configured_now(&self.cx.paths, report)?;
        slot.save(
            &self.cx.paths,
            report,
            &credentials,
            Some(&keys.access_key_id),
        )?;
        report.say(&format!("Wrote credentials to {}", slot.file().display()));
        report.say(&describe_expiry(credentials.expiration, Timestamp::now()));
        Ok(credentials)
    }

    /// Settles whose code is asked for: the IAM user (`remembered`, else `iam:GetUser`)
    /// and the MFA device (the `configured` one unless `--mfa-serial` names another, else
    /// the remembered one, else the user's only one or their choice).
    pub(super) fn identify(
        &mut self,
        remembered: ProfileState,
        aws: &Aws,
        configured: Option<&str>,
        profile: &str,
    ) -> Result<MfaIdentity, Error> {
        let user = match &remembered.user_name {
            Some(name) => name.clone(),
            None => aws.get_user()?.name,
        };
        let serial = match (self.args.mfa_serial.as_deref(), configured) {
            (None, Some(configured)) => configured.to_owned(),
            (requested, _) => mfa_device(
                self.cx,
                profile,
                aws,
                &user,
                (requested, remembered.mfa_serial.as_deref()),
            )?,
        };
        Ok(MfaIdentity {
            user,
            serial,
            remembered,
        })
    }

    /// The MFA code: `--token-code`, else the output of `--mfa-command` or the profile's
    /// `mfa_process`, else the answer to the prompt.
    pub(super) fn mfa_code(
        &mut self,
        config: &ProfileConfig,
        identity: &MfaIdentity,
        profile: &str,
    ) -> Result<TokenCode, Error> {
        if let Some(code) = &self.args.token_code {
            return Ok(code.clone());
        }
        match self
            .args
            .mfa_command
            .as_deref()
            .or(config.mfa_process.as_deref())
        {
            Some(command) => Ok(mfa::code_from_command(command, &identity.serial, profile)?),
            None => {
                let question = MfaQuestion {
                    profile,
                    user: &identity.user,
                    device: &identity.serial,
                    mistyped: false,
                };
                Ok(mfa::ask_code(&mut *self.cx.ask, question)?)
            }
        }
    }

    /// Tells the context's ask, before the questions of `profile`'s renewal (the
    /// encrypted file's passphrase, the MFA device, the code), where its settings say
    /// to show them: `--mfa-prompt`, else `STSCREDS_MFA_PROMPT` or the profile's
    /// `mfa_prompt` (the profile whose code is asked, as for `mfa_process`), else auto.
    pub(super) fn choose_prompt(&mut self, config: &ProfileConfig, profile: &str) {
        let kind = self
            .args
            .mfa_prompt
            .or(config.mfa_prompt)
            .unwrap_or_default();
        self.cx.ask.choose_prompt(kind, profile);
    }
}

impl SessionArgs {
    /// These settings for the base profile of a role chain: `--expires` and
    /// `--role-arn` are the role's.
    pub(super) fn for_base_profile(&self) -> Self {
        Self {
            expires: None,
            role_arn: None,
            ..self.clone()
        }
    }
}

/// Records the user and device in `~/.stscreds/config` when they are new, so that the
/// next renewal needs no lookup.
fn remember(paths: &Paths, profile: &str, identity: &MfaIdentity) -> Result<(), Error> {
    let learned = ProfileState {
        backend: identity.remembered.backend,
        user_name: Some(identity.user.clone()),
        mfa_serial: Some(identity.serial.clone()),
    };
    if learned == identity.remembered {
        return Ok(());
    }
    Ok(state::save(paths, profile, &learned)?)
}

/// The MFA device to use when the profile's config names none: the one asked for with
/// `--mfa-serial` (checked against the user's devices the first time), else the
/// remembered one, else the user's only one or their choice.
fn mfa_device(
    cx: &mut Context,
    profile: &str,
    aws: &Aws,
    user: &str,
    (requested, remembered): (Option<&str>, Option<&str>),
) -> Result<String, Error> {
    match (requested, remembered) {
        (Some(requested), Some(remembered)) if requested == remembered => Ok(requested.to_owned()),
        (Some(requested), _) => Ok(mfa::check_device(
            user,
            requested,
            aws.list_mfa_devices(user)?,
        )?),
        (None, Some(remembered)) => Ok(remembered.to_owned()),
        (None, None) => {
            let devices = aws.list_mfa_devices(user)?;
            let several = devices.len() > 1;
            let chosen = mfa::choose_device(&mut *cx.ask, (user, profile), devices)?;
            if several {
                offer_to_save_device(cx, profile, &chosen)?;
            }
            Ok(chosen)
        }
    }
}

/// After a choice among several devices on a terminal, offers to record it as the
/// profile's `mfa_serial` in `~/.aws/config`, where the AWS CLI finds it too.
fn offer_to_save_device(cx: &mut Context, profile: &str, serial: &str) -> Result<(), Error> {
    let paths = &cx.paths;
    let question = format!(
        "Save it as mfa_serial of profile '{profile}' in {}? [Y/n] ",
        paths.aws_config.display()
    );
    let answer = cx.ask.line(&question)?;
    if matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "" | "y" | "yes"
    ) {
        let section = config::save(paths, &*cx.report, profile, &[("mfa_serial", serial)])?;
        cx.report.say(&format!(
            "Saved mfa_serial in [{section}] of {}",
            paths.aws_config.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_device_is_saved_in_the_config_only_when_accepted() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        let config = paths.aws_config.clone();
        std::fs::write(&config, "# mine\n[profile work]\nregion = eu-west-1\n").unwrap();
        let report = std::sync::Arc::new(crate::report::Collected::default());
        let context = |answer: &str| {
            let ask = Box::new(crate::prompt::Scripted::new(&[answer], true));
            Context::new(paths.clone(), "work".into(), ask, report.clone())
        };
        offer_to_save_device(&mut context("n"), "work", "arn:d2").unwrap();
        assert!(
            !std::fs::read_to_string(&config)
                .unwrap()
                .contains("mfa_serial")
        );
        offer_to_save_device(&mut context(""), "work", "arn:d2").unwrap();
        assert_eq!(
            std::fs::read_to_string(&config).unwrap(),
            "# mine\n[profile work]\nregion = eu-west-1\nmfa_serial = arn:d2\n"
        );
        assert_eq!(
            report.messages(),
            [format!(
                "Saved mfa_serial in [profile work] of {}",
                config.display()
            )]
        );
    }
}
