//! What one request for credentials will do, resolved once from the command line
//! ([`SessionArgs`]), the environment and `~/.aws/config` before anything is asked or
//! sent: the chain of roles between the profile and the long-term keys that start it,
//! where its session lives, how long each step lasts and how the MFA code is had.
//! Precedence is settled here: a flag, else the environment, else the profile, else
//! the default.

use super::mfa::{CodeSource, MfaSettings};
use super::sessions::{self, Slot};
use super::{Error, SessionArgs};
use crate::config::{ConfigFile, ProfileConfig};
use crate::context::Context;
use crate::files::Paths;
use crate::invalid::Invalid;
use crate::session::SessionDuration;
use crate::ui::prompt::PromptKind;

/// AWS limits a role session to one hour when the role is assumed with temporary
/// credentials (an MFA session or another role's).
const ROLE_CHAINING_LIMIT: SessionDuration = SessionDuration::ONE_HOUR;

/// Everything one request for credentials needs, resolved once.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The roles between the profile and the long-term keys.
    pub chain: Chain,
    /// Where the session asked for lives.
    pub slot: Slot,
    /// Where the base profile's own MFA session lives, when the chain's first role is
    /// assumed with it (`None` for a profile without roles, and for a first role that
    /// is assumed with the long-term keys).
    pub base_slot: Option<Slot>,
    /// The settings of the profile asked for: its region signs the role calls.
    pub profile_config: ProfileConfig,
    /// The settings of the base profile: its keys, region and MFA device.
    pub base_config: ProfileConfig,
    /// How long each session lasts.
    pub durations: Durations,
    /// How the one MFA code of a renewal is had, and where questions are shown.
    pub mfa: MfaSettings,
}

impl Plan {
    /// The plan for the context's profile (or `--role-arn` on top of it).
    pub fn resolve(cx: &Context, args: &SessionArgs) -> Result<Self, Error> {
        let config = cx.config()?;
        let chain = resolve(config, &cx.profile, args.role_arn.as_deref())?;
        Self::of(config, &cx.paths, args, chain)
    }

    /// The plan for `chain` in `config`, its sessions under `paths`.
    fn of(
        config: &ConfigFile,
        paths: &Paths,
        args: &SessionArgs,
        chain: Chain,
    ) -> Result<Self, Error> {
        let base_config = config.profile(&chain.base)?;
        let profile_config = config.profile(&chain.profile)?;
        let durations = Durations::of(&chain.roles, base_config.duration, args.expires);
        let through_base_session =
            !chain.roles.is_empty() && !durations.first_role_with_long_term_keys();
        let (slot, base_slot) = sessions::slots(
            paths,
            &chain,
            (&base_config, &profile_config),
            through_base_session,
        );
        let mfa = mfa_settings(args, &chain, &base_config, &durations);
        Ok(Self {
            chain,
            slot,
            base_slot,
            profile_config,
            base_config,
            durations,
            mfa,
        })
    }

    /// The 12-digit account the plan's credentials act in, with no AWS call: the last
    /// role's ARN, or for an MFA session the MFA device's (configured, else remembered).
    pub fn account(&self, paths: &Paths) -> Option<String> {
        let base = &self.chain.base;
        let arn = match self.chain.roles.last() {
            Some(role) => role.role_arn.clone(),
            None => self
                .base_config
                .mfa_serial
                .clone()
                .or_else(|| crate::config::state::load(paths, base).ok()?.mfa_serial)?,
        };
        let account = arn.split(':').nth(4)?;
        (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
            .then(|| account.to_owned())
    }

    /// For commands about stored keys (`rotate`): an error pointing to the profile
    /// that holds the keys when the profile is a role profile, which has none.
    pub fn refuse_role_profile(&self, command: &str) -> Result<(), Error> {
        refuse_role_of(&self.chain, command)
    }
}

/// How long each session of a chain lasts, settled once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Durations {
    /// The base profile's MFA session: `--expires` (for a profile without roles), else
    /// its `duration_seconds`; one hour unless configured.
    pub base: SessionDuration,
    /// Each role in chain order, as wanted: its `duration_seconds`, or for the last
    /// role also `--expires`; one hour unless configured.
    roles: Vec<SessionDuration>,
}

impl Durations {
    /// The durations of a chain of `roles` over a base profile configured with
    /// `base_configured`, with `--expires` for the session asked for.
    pub fn of(
        roles: &[RoleStep],
        base_configured: Option<SessionDuration>,
        expires: Option<SessionDuration>,
    ) -> Self {
        let last = roles.len().checked_sub(1);
        let roles = roles
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let configured = if Some(index) == last {
                    expires.or(step.duration)
                } else {
                    step.duration
                };
                configured.unwrap_or_default()
            })
            .collect::<Vec<_>>();
        let base = if roles.is_empty() {
            expires.or(base_configured)
        } else {
            base_configured
        };
        Self {
            base: base.unwrap_or_default(),
            roles,
        }
    }

    /// Whether the first role is assumed straight from the long-term keys, with an MFA
    /// code of its own: when it should last longer than AWS lets a role assumed with
    /// temporary credentials (one hour). Otherwise it is assumed with the base
    /// profile's MFA session, shared by every role that starts there.
    pub fn first_role_with_long_term_keys(&self) -> bool {
        self.roles
            .first()
            .is_some_and(|duration| *duration > ROLE_CHAINING_LIMIT)
    }

    /// How long the role at `index` lasts, and whether it was cut to the hour AWS lets
    /// a role assumed with another role's credentials last.
    pub fn of_role(&self, index: usize) -> (SessionDuration, bool) {
        let wanted = self.roles.get(index).copied().unwrap_or_default();
        if index > 0 && wanted > ROLE_CHAINING_LIMIT {
            (ROLE_CHAINING_LIMIT, true)
        } else {
            (wanted, false)
        }
    }

    /// `SessionDuration` for a console session, if AWS honours it: only for the
    /// credentials of one AssumeRole made with long-term keys, which is how a chain of
    /// one role lasting more than an hour is assumed; deeper roles are assumed with
    /// another role's credentials.
    pub fn console_session(&self) -> Option<SessionDuration> {
        match self.roles.as_slice() {
            [_] if self.first_role_with_long_term_keys() => Some(self.roles[0]),
            _ => None,
        }
    }
}

/// Where questions are shown for a profile with settings `config`: `--mfa-prompt`
/// (`flag`), else `STSCREDS_MFA_PROMPT` or the profile's `mfa_prompt`, else auto.
pub fn prompt_kind(flag: Option<PromptKind>, config: &ProfileConfig) -> PromptKind {
    flag.or(config.mfa_prompt).unwrap_or_default()
}

/// How the one MFA code of a renewal of `chain` is had: the base profile's settings
/// (or, for a first role assumed with the long-term keys, that role's `mfa_serial`
/// first), under the flags.
fn mfa_settings(
    args: &SessionArgs,
    chain: &Chain,
    base: &ProfileConfig,
    durations: &Durations,
) -> MfaSettings {
    let role_device = chain
        .roles
        .first()
        .filter(|_| durations.first_role_with_long_term_keys())
        .and_then(|role| role.mfa_serial.clone());
    let command = args.mfa_command.as_ref().or(base.mfa_process.as_ref());
    let code = match (&args.token_code, command) {
        (Some(code), _) => CodeSource::Given(code.clone()),
        (None, Some(command)) => CodeSource::Command(command.clone()),
        (None, None) => CodeSource::Ask,
    };
    MfaSettings {
        profile: chain.base.clone(),
        requested_device: args.mfa_serial.clone(),
        configured_device: role_device.or_else(|| base.mfa_serial.clone()),
        code,
        prompt: prompt_kind(args.mfa_prompt, base),
    }
}

/// One role to assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleStep {
    /// The profile that names the role (for messages).
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub session_name: Option<String>,
    /// `duration_seconds`.
    pub duration: Option<SessionDuration>,
    /// `mfa_serial` of the role profile (used when it is assumed with the MFA code).
    pub mfa_serial: Option<String>,
}

/// How to get a profile's credentials: the base profile's MFA session, then each role
/// in order (empty for a profile with long-term keys of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The profile whose long-term keys start the chain.
    pub base: String,
    /// The roles, from the one the base assumes to the one the profile wants.
    pub roles: Vec<RoleStep>,
    /// The profile asked for.
    pub profile: String,
    /// Where the result is cached: the profile, or `PROFILE+ROLE_ARN` for `--role-arn`
    /// ([`super::sessions::ad_hoc_section`]).
    pub name: String,
}

impl Chain {
    /// The chain of a profile with long-term keys of its own: no roles.
    pub fn own(profile: &str) -> Self {
        Self {
            base: profile.to_owned(),
            roles: Vec::new(),
            profile: profile.to_owned(),
            name: profile.to_owned(),
        }
    }
}

/// For commands about stored keys (`rotate`, `migrate`, `remove`): an error pointing
/// to the profile that holds the keys when `profile` is a role profile, which has none.
pub fn refuse_role_profile(config: &ConfigFile, profile: &str, command: &str) -> Result<(), Error> {
    refuse_role_of(&resolve(config, profile, None)?, command)
}

/// [`refuse_role_profile`] for a chain already resolved.
fn refuse_role_of(chain: &Chain, command: &str) -> Result<(), Error> {
    let profile = &chain.profile;
    match chain.roles.last() {
        None => Ok(()),
        Some(role) => Err(Invalid(format!(
            "profile '{profile}' assumes role {} and has no keys of its own; they belong to profile '{}': run `stscreds {command} --profile {}`",
            role.role_arn, chain.base, crate::message::shell_word(&chain.base)
        ))
        .into()),
    }
}

/// Follows `source_profile` from `profile` to a profile without `role_arn`, then adds
/// the ad hoc `--role-arn` on top. A profile met twice is a cycle, named in the error.
pub fn resolve(
    config: &ConfigFile,
    profile: &str,
    ad_hoc_role: Option<&str>,
) -> Result<Chain, Error> {
    let mut path = vec![profile.to_owned()];
    let mut roles = Vec::new();
    let mut current = profile.to_owned();
    loop {
        let settings = config.profile(&current)?;
        let Some(role) = settings.role else {
            break;
        };
        let source = role.source_profile.ok_or_else(|| {
            Invalid(format!(
                "profile '{current}' has role_arn but no source_profile; stscreds assumes roles with the credentials of a source_profile (add one naming the profile whose keys `stscreds init` stored)"
            ))
        })?;
        roles.push(RoleStep {
            profile: current.clone(),
            role_arn: role.role_arn,
            external_id: role.external_id,
            session_name: role.role_session_name,
            duration: settings.duration,
            mfa_serial: settings.mfa_serial,
        });
        let cycle = path.contains(&source);
        path.push(source.clone());
        if cycle {
            return Err(Invalid(format!(
                "the source_profile settings in ~/.aws/config go round in a circle: {}; one of them must name a profile with long-term keys",
                path.join(" -> ")
            ))
            .into());
        }
        current = source;
    }
    roles.reverse();
    let mut name = profile.to_owned();
    if let Some(role_arn) = ad_hoc_role {
        name = sessions::ad_hoc_section(profile, role_arn);
        roles.push(RoleStep {
            profile: name.clone(),
            role_arn: role_arn.to_owned(),
            external_id: None,
            session_name: None,
            duration: None,
            mfa_serial: None,
        });
    }
    Ok(Chain {
        base: current,
        roles,
        profile: profile.to_owned(),
        name,
    })
}

/// The role profiles whose credentials are got through `profile`'s: those whose chain
/// of `source_profile`s passes through it (so a new MFA session of `profile`'s, or a
/// new role session of it, is where theirs start). Profiles whose chain does not
/// resolve are left out: nothing can have been got through them.
pub fn built_on(config: &ConfigFile, profile: &str) -> Vec<String> {
    config
        .profile_names()
        .into_iter()
        .filter(|name| name != profile)
        .filter(|name| {
            resolve(config, name, None).is_ok_and(|chain| {
                chain.base == profile || chain.roles.iter().any(|step| step.profile == profile)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::Paths;

    fn config_file(text: &str) -> (tempfile::TempDir, ConfigFile) {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::write(&paths.aws_config, text).unwrap();
        let config = ConfigFile::load(&paths, &crate::ui::report::Collected::default()).unwrap();
        (home, config)
    }

    const CHAIN: &str = "[profile admin]\nrole_arn = arn:aws:iam::2:role/Admin\nsource_profile = jump\nexternal_id = ext\nduration_seconds = 1800\n[profile jump]\nrole_arn = arn:aws:iam::1:role/Jump\nsource_profile = base\nrole_session_name = me\n[profile base]\nregion = eu-west-1\n";

    fn role(duration: Option<&str>) -> RoleStep {
        RoleStep {
            profile: "dev".into(),
            role_arn: "arn:aws:iam::1:role/Dev".into(),
            external_id: None,
            session_name: None,
            duration: duration.map(|text| SessionDuration::parse(text).unwrap()),
            mfa_serial: None,
        }
    }

    fn secs(duration: Option<SessionDuration>) -> Option<i32> {
        duration.map(SessionDuration::as_secs)
    }

    #[test]
    fn only_one_role_assumed_for_more_than_an_hour_gets_a_session_duration() {
        let none = None;
        let four_hours = Some(SessionDuration::parse("4h").unwrap());
        let console_session =
            |roles: &[RoleStep], expires| Durations::of(roles, None, expires).console_session();
        assert_eq!(secs(console_session(&[role(None)], none)), None);
        assert_eq!(secs(console_session(&[role(Some("1h"))], none)), None);
        assert_eq!(secs(console_session(&[role(Some("2h"))], none)), Some(7200));
        assert_eq!(
            secs(console_session(&[role(None)], four_hours)),
            Some(14400)
        );
        assert_eq!(
            secs(console_session(&[role(Some("2h")), role(None)], four_hours)),
            None,
            "a chained role is assumed with another role's credentials"
        );
    }

    #[test]
    fn a_chain_is_followed_from_the_base_outwards() {
        let (_home, config) = config_file(CHAIN);
        let chain = resolve(&config, "admin", None).unwrap();
        assert_eq!(
            (chain.base.as_str(), chain.name.as_str()),
            ("base", "admin")
        );
        let arns: Vec<&str> = chain.roles.iter().map(|r| r.role_arn.as_str()).collect();
        assert_eq!(
            arns,
            ["arn:aws:iam::1:role/Jump", "arn:aws:iam::2:role/Admin"]
        );
        assert_eq!(chain.roles[0].session_name.as_deref(), Some("me"));
        assert_eq!(chain.roles[1].external_id.as_deref(), Some("ext"));
        assert_eq!(
            chain.roles[1].duration.map(SessionDuration::as_secs),
            Some(1800)
        );
        assert!(resolve(&config, "base", None).unwrap().roles.is_empty());
    }

    #[test]
    fn an_ad_hoc_role_goes_on_top_and_is_cached_under_its_own_name() {
        let (_home, config) = config_file(CHAIN);
        let chain = resolve(&config, "base", Some("arn:aws:iam::3:role/X")).unwrap();
        assert_eq!(chain.name, "base+arn:aws:iam::3:role/X");
        assert_eq!(chain.roles.len(), 1);
        assert!(crate::ini::is_valid_profile_name(&chain.name));
    }

    #[test]
    fn a_cycle_is_named_in_the_error() {
        let (_home, config) = config_file(
            "[profile a]\nrole_arn = arn:a\nsource_profile = b\n[profile b]\nrole_arn = arn:b\nsource_profile = a\n",
        );
        let error = resolve(&config, "a", None).unwrap_err().to_string();
        assert!(error.contains("a -> b -> a"), "{error}");
        let (_home, config) = config_file("[profile s]\nrole_arn = arn:s\nsource_profile = s\n");
        assert!(
            resolve(&config, "s", None)
                .unwrap_err()
                .to_string()
                .contains("s -> s")
        );
        let (_home, config) = config_file("[profile r]\nrole_arn = arn:r\n");
        assert!(
            resolve(&config, "r", None)
                .unwrap_err()
                .to_string()
                .contains("no source_profile")
        );
    }

    #[test]
    fn the_roles_built_on_a_profile_are_those_whose_chain_passes_through_it() {
        let (_home, config) = config_file(&format!(
            "{CHAIN}[profile other]\nrole_arn = arn:o\nsource_profile = elsewhere\n[profile loop]\nrole_arn = arn:l\nsource_profile = loop\n"
        ));
        assert_eq!(built_on(&config, "base"), ["admin", "jump"]);
        assert_eq!(built_on(&config, "jump"), ["admin"]);
        assert!(built_on(&config, "admin").is_empty());
        assert_eq!(built_on(&config, "elsewhere"), ["other"]);
        assert!(
            built_on(&config, "loop").is_empty(),
            "a broken chain is left out"
        );
    }
}
