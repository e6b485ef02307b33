//! Where a profile's credentials come from: which IAM roles stand between it and the
//! long-term keys that start everything. A profile with `role_arn` is assumed with the
//! credentials of its `source_profile`, which may itself be a role; the chain ends at a
//! profile whose long-term keys stscreds stores.

use crate::config::ConfigFile;
use crate::error::Error;
use crate::prompt::InputError;
use crate::session::SessionDuration;

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

/// For commands about stored keys (`rotate`, `migrate`, `remove`): an error pointing
/// to the profile that holds the keys when `profile` is a role profile, which has none.
pub fn refuse_role_profile(config: &ConfigFile, profile: &str, command: &str) -> Result<(), Error> {
    let chain = resolve(config, profile, None)?;
    match chain.roles.last() {
        None => Ok(()),
        Some(role) => Err(InputError::Invalid(format!(
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
    while let Some(role) = config.profile(&current)?.role {
        let settings = config.profile(&current)?;
        let source = role.source_profile.ok_or_else(|| {
            InputError::Invalid(format!(
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
            return Err(InputError::Invalid(format!(
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
        name = super::sessions::ad_hoc_section(profile, role_arn);
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

/// A role session name AWS accepts (`[\w+=,.@-]`, 2 to 64 characters), from the
/// configured one or the IAM user name, so that CloudTrail shows who it was.
pub fn session_name(configured: Option<&str>, user: &str) -> String {
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
    use crate::files::Paths;

    fn config_file(text: &str) -> (tempfile::TempDir, ConfigFile) {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::write(&paths.aws_config, text).unwrap();
        let config = ConfigFile::load(&paths, &crate::report::Collected::default()).unwrap();
        (home, config)
    }

    const CHAIN: &str = "[profile admin]\nrole_arn = arn:aws:iam::2:role/Admin\nsource_profile = jump\nexternal_id = ext\nduration_seconds = 1800\n[profile jump]\nrole_arn = arn:aws:iam::1:role/Jump\nsource_profile = base\nrole_session_name = me\n[profile base]\nregion = eu-west-1\n";

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
}
