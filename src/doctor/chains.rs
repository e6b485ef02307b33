//! Each client family's default credential chain, as documented and as checked against
//! the real clients (tests/it/doctor): the order in which it looks at the sources, and
//! which of them this environment and these files offer. Pure: what is offered is read
//! by the caller.
//!
//! Where the families differ:
//! - the AWS SDK for JavaScript v3 skips environment keys while `AWS_PROFILE` is set;
//!   the Go SDK also takes them under the old names `AWS_ACCESS_KEY`, `AWS_SECRET_KEY`;
//! - within one profile, botocore, the JavaScript SDK and the Go SDK take static keys
//!   before a `credential_process`, the Rust SDK the process before keys;
//! - the Go SDK takes a profile's keys before its web identity, SSO and process too,
//!   and assumes the profile's `role_arn` over whichever it took (unless a web identity
//!   token, which assumes the role itself);
//! - a web identity token in the environment comes before the profile to botocore and
//!   the Go SDK, after it to the Rust SDK, and after the profile and its
//!   `credential_process` to the JavaScript SDK;
//! - botocore and the Go SDK read `AWS_DEFAULT_PROFILE`, the others do not.

use std::fmt;

/// A family of AWS clients that share one credential chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// botocore: the AWS CLI and boto3.
    Botocore,
    /// The AWS SDK for JavaScript v3 (`fromNodeProviderChain`).
    JsSdk,
    /// The AWS SDK for Rust.
    RustSdk,
    /// The AWS SDK for Go v2 (`config.LoadDefaultConfig`, as of its release 1.17.1, the
    /// one Debian 12 ships and the tests run: `config/resolve_credentials.go`).
    GoSdk,
}

impl Family {
    /// Every family, in the order doctor reports them.
    pub const ALL: [Family; 4] = [
        Family::Botocore,
        Family::JsSdk,
        Family::RustSdk,
        Family::GoSdk,
    ];

    /// The stable name in doctor's JSON.
    pub fn name(self) -> &'static str {
        match self {
            Family::Botocore => "botocore",
            Family::JsSdk => "js-sdk-v3",
            Family::RustSdk => "rust-sdk",
            Family::GoSdk => "go-sdk",
        }
    }

    /// The clients of the family, for people.
    pub fn clients(self) -> &'static str {
        match self {
            Family::Botocore => "AWS CLI, boto3",
            Family::JsSdk => "AWS SDK for JavaScript v3",
            Family::RustSdk => "AWS SDK for Rust",
            Family::GoSdk => "AWS SDK for Go v2",
        }
    }

    /// The profile the family reads: `AWS_PROFILE`, for botocore and the Go SDK also
    /// `AWS_DEFAULT_PROFILE`, else `default`.
    pub fn profile(self, environment: &Environment) -> String {
        let default_profile = match self {
            Family::Botocore | Family::GoSdk => environment.aws_default_profile.as_deref(),
            Family::JsSdk | Family::RustSdk => None,
        };
        environment
            .aws_profile
            .as_deref()
            .or(default_profile)
            .unwrap_or("default")
            .to_owned()
    }

    /// The sources in the order the family tries them in `environment`, for `profile`.
    fn order(self, environment: &Environment, profile: &ProfileSources) -> &'static [Source] {
        use Source::*;
        match self {
            Family::Botocore => &[
                EnvironmentKeys,
                Role,
                WebIdentity,
                Sso,
                CredentialsFile,
                CredentialProcess,
                ConfigKeys,
                Container,
                InstanceMetadata,
            ],
            // The environment's web identity (`fromTokenFile`) comes after the profile and
            // `fromProcess`; the profile's, inside the profile, before its process.
            Family::JsSdk if environment.web_identity && !profile.web_identity => &[
                EnvironmentKeys,
                Sso,
                Role,
                CredentialsFile,
                ConfigKeys,
                CredentialProcess,
                WebIdentity,
                Container,
                InstanceMetadata,
            ],
            Family::JsSdk => &[
                EnvironmentKeys,
                Sso,
                Role,
                CredentialsFile,
                ConfigKeys,
                WebIdentity,
                CredentialProcess,
                Container,
                InstanceMetadata,
            ],
            // The environment's web identity comes after the whole profile.
            Family::RustSdk if environment.web_identity && !profile.web_identity => &[
                EnvironmentKeys,
                Role,
                Sso,
                CredentialProcess,
                CredentialsFile,
                ConfigKeys,
                WebIdentity,
                Container,
                InstanceMetadata,
            ],
            Family::RustSdk => &[
                EnvironmentKeys,
                Role,
                WebIdentity,
                Sso,
                CredentialProcess,
                CredentialsFile,
                ConfigKeys,
                Container,
                InstanceMetadata,
            ],
            // The environment's web identity comes before the profile; the profile's
            // after its keys.
            Family::GoSdk if environment.web_identity || environment.web_identity_without_role => {
                &[
                    EnvironmentKeys,
                    WebIdentity,
                    Role,
                    CredentialsFile,
                    ConfigKeys,
                    Sso,
                    CredentialProcess,
                    Container,
                    InstanceMetadata,
                ]
            }
            Family::GoSdk => &[
                EnvironmentKeys,
                Role,
                CredentialsFile,
                ConfigKeys,
                WebIdentity,
                Sso,
                CredentialProcess,
                Container,
                InstanceMetadata,
            ],
        }
    }
}

/// Where a client can take credentials from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    EnvironmentKeys,
    /// A web identity token (`AWS_WEB_IDENTITY_TOKEN_FILE` or the profile's).
    WebIdentity,
    /// The profile's IAM Identity Center settings.
    Sso,
    /// The profile's `role_arn`: the client assumes the role itself.
    Role,
    /// Keys in the profile's section of `~/.aws/credentials`.
    CredentialsFile,
    /// The profile's `credential_process`.
    CredentialProcess,
    /// Keys in the profile's section of `~/.aws/config`.
    ConfigKeys,
    /// A credential server (`AWS_CONTAINER_CREDENTIALS_FULL_URI`/`RELATIVE_URI`).
    Container,
    /// The EC2 instance metadata service (unless `AWS_EC2_METADATA_DISABLED=true`).
    InstanceMetadata,
}

impl Source {
    /// The stable name in doctor's JSON.
    pub fn name(self) -> &'static str {
        match self {
            Source::EnvironmentKeys => "environment",
            Source::WebIdentity => "web-identity",
            Source::Sso => "sso",
            Source::Role => "role",
            Source::CredentialsFile => "credentials-file",
            Source::CredentialProcess => "credential-process",
            Source::ConfigKeys => "config-keys",
            Source::Container => "container",
            Source::InstanceMetadata => "instance-metadata",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the environment offers a client (only presence and key ids, never a secret).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `AWS_ACCESS_KEY_ID`, when `AWS_SECRET_ACCESS_KEY` is set too.
    pub key_id: Option<String>,
    /// The key id the Go SDK takes from the environment: it also reads the old names
    /// `AWS_ACCESS_KEY` and `AWS_SECRET_KEY`, each after the usual one.
    pub go_key_id: Option<String>,
    /// The one of `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` set without the
    /// other: no client takes it (but the Go SDK, when the other half is there under
    /// its old name), and botocore fails on a key id alone.
    pub lone_key_variable: Option<&'static str>,
    pub aws_profile: Option<String>,
    pub aws_default_profile: Option<String>,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`.
    pub web_identity: bool,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` without `AWS_ROLE_ARN`: botocore and the Go SDK fail
    /// when they get to it, the JavaScript and Rust SDKs pass over it.
    pub web_identity_without_role: bool,
    /// Either container credentials URI.
    pub container: bool,
    /// `AWS_EC2_METADATA_DISABLED=true`.
    pub instance_metadata_disabled: bool,
}

impl Environment {
    /// Reads the variables through `lookup` (empty values count as unset).
    pub fn read(lookup: &dyn Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let key_id = set("AWS_ACCESS_KEY_ID");
        let has_secret = set("AWS_SECRET_ACCESS_KEY").is_some();
        let go_has_secret = has_secret || set("AWS_SECRET_KEY").is_some();
        Self {
            go_key_id: (key_id.clone())
                .or_else(|| set("AWS_ACCESS_KEY"))
                .filter(|_| go_has_secret),
            lone_key_variable: match (&key_id, has_secret) {
                (Some(_), false) => Some("AWS_ACCESS_KEY_ID"),
                (None, true) => Some("AWS_SECRET_ACCESS_KEY"),
                _ => None,
            },
            key_id: key_id.filter(|_| has_secret),
            aws_profile: set("AWS_PROFILE"),
            aws_default_profile: set("AWS_DEFAULT_PROFILE"),
            web_identity: set("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
                && set("AWS_ROLE_ARN").is_some(),
            web_identity_without_role: set("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
                && set("AWS_ROLE_ARN").is_none(),
            container: set("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
                || set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some(),
            instance_metadata_disabled: set("AWS_EC2_METADATA_DISABLED")
                .is_some_and(|value| value.eq_ignore_ascii_case("true")),
        }
    }

    /// The key id `family` takes from the environment.
    fn key_id_for(&self, family: Family) -> Option<&String> {
        match family {
            Family::GoSdk => self.go_key_id.as_ref(),
            Family::Botocore | Family::JsSdk | Family::RustSdk => self.key_id.as_ref(),
        }
    }
}

/// What one profile's sections in the two files offer (merged as the SDKs merge them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSources {
    /// The key id in `~/.aws/credentials` (with its secret).
    pub credentials_file_key: Option<String>,
    /// Half a key pair in `~/.aws/credentials`: a key id without its secret, or the
    /// reverse. The JavaScript SDK passes over it; the others fail when they get there.
    pub partial_file_keys: bool,
    /// The key id in `~/.aws/config`.
    pub config_key: Option<String>,
    pub credential_process: bool,
    pub role: bool,
    pub web_identity: bool,
    pub sso: bool,
}

/// Which source a family takes its credentials from, and which others it passes over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The first source offered, in the family's order; `None`: no credentials.
    pub winner: Option<Source>,
    /// The other sources offered, in the family's order: shadowed by the winner.
    pub shadowed: Vec<Source>,
    /// The key id the winner holds, when the files or environment say it.
    pub key_id: Option<String>,
}

/// What `family` does with `environment` and the sources of the profile it reads.
pub fn choose(family: Family, environment: &Environment, profile: &ProfileSources) -> Chosen {
    let offered: Vec<Source> = family
        .order(environment, profile)
        .iter()
        .copied()
        .filter(|&source| offers(family, source, environment, profile))
        .collect();
    let winner = offered.first().copied();
    let key_id = match winner {
        Some(Source::EnvironmentKeys) => environment.key_id_for(family).cloned(),
        Some(Source::CredentialsFile) => profile.credentials_file_key.clone(),
        Some(Source::ConfigKeys) => profile.config_key.clone(),
        _ => None,
    };
    Chosen {
        winner,
        shadowed: offered.into_iter().skip(1).collect(),
        key_id,
    }
}

/// Whether `family` gets to `source` in its order before it settles on `winner` (or
/// when it finds nothing).
pub fn gets_to(
    family: Family,
    environment: &Environment,
    profile: &ProfileSources,
    (source, winner): (Source, Option<Source>),
) -> bool {
    let order = family.order(environment, profile);
    let position = |wanted: Source| order.iter().position(|&s| s == wanted);
    match (position(source), winner.and_then(position)) {
        (Some(at), Some(settled)) => at <= settled,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Whether `source` is there for `family`.
fn offers(
    family: Family,
    source: Source,
    environment: &Environment,
    profile: &ProfileSources,
) -> bool {
    match source {
        Source::EnvironmentKeys => {
            environment.key_id_for(family).is_some()
                && !(family == Family::JsSdk && environment.aws_profile.is_some())
        }
        Source::WebIdentity => environment.web_identity || profile.web_identity,
        Source::Sso => profile.sso,
        // The Go SDK's web identity profile assumes its `role_arn` itself; with keys in
        // the profile, it assumes the role with them.
        Source::Role if family == Family::GoSdk => {
            profile.role && (!profile.web_identity || has_keys(profile))
        }
        Source::Role => profile.role,
        // The SDKs merge the files, the credentials file's keys winning.
        Source::CredentialsFile => profile.credentials_file_key.is_some(),
        Source::ConfigKeys => {
            profile.config_key.is_some() && profile.credentials_file_key.is_none()
        }
        Source::CredentialProcess => profile.credential_process,
        Source::Container => environment.container,
        Source::InstanceMetadata => !environment.instance_metadata_disabled,
    }
}

/// Whether the profile holds keys in either file.
fn has_keys(profile: &ProfileSources) -> bool {
    profile.credentials_file_key.is_some() || profile.config_key.is_some()
}

/// Shortens a key id to its last four characters, the only part doctor shows.
pub fn last_four(key_id: &str) -> String {
    let chars: Vec<char> = key_id.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_session() -> ProfileSources {
        ProfileSources {
            credentials_file_key: Some("ASIAFILE0001".into()),
            ..Default::default()
        }
    }

    fn environment(pairs: &[(&str, &str)]) -> Environment {
        Environment::read(&|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn environment_keys_win_everywhere_but_in_the_js_sdk_while_aws_profile_is_set() {
        let keys = [
            ("AWS_ACCESS_KEY_ID", "AKIAENV00002"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ];
        let with_profile = environment(&[keys[0], keys[1], ("AWS_PROFILE", "work")]);
        for family in [Family::Botocore, Family::RustSdk, Family::GoSdk] {
            let chosen = choose(family, &with_profile, &file_session());
            assert_eq!(chosen.winner, Some(Source::EnvironmentKeys), "{family:?}");
            assert_eq!(chosen.shadowed[0], Source::CredentialsFile);
            assert_eq!(chosen.key_id.as_deref(), Some("AKIAENV00002"));
        }
        let js = choose(Family::JsSdk, &with_profile, &file_session());
        assert_eq!(js.winner, Some(Source::CredentialsFile));
        let without_profile = environment(&keys);
        let js = choose(Family::JsSdk, &without_profile, &file_session());
        assert_eq!(js.winner, Some(Source::EnvironmentKeys));
    }

    #[test]
    fn only_the_go_sdk_reads_aws_access_key_and_aws_secret_key() {
        let old_names = environment(&[
            ("AWS_ACCESS_KEY", "AKIAOLD00003"),
            ("AWS_SECRET_KEY", "s"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let go = choose(Family::GoSdk, &old_names, &file_session());
        assert_eq!(go.winner, Some(Source::EnvironmentKeys));
        assert_eq!(go.key_id.as_deref(), Some("AKIAOLD00003"));
        let rust = choose(Family::RustSdk, &old_names, &file_session());
        assert_eq!(rust.winner, Some(Source::CredentialsFile));
        let mixed = environment(&[
            ("AWS_ACCESS_KEY_ID", "AKIANEW00004"),
            ("AWS_SECRET_KEY", "s"),
        ]);
        assert_eq!(mixed.go_key_id.as_deref(), Some("AKIANEW00004"));
        assert_eq!(mixed.key_id, None);
    }

    #[test]
    fn a_key_id_without_its_secret_is_no_source() {
        let only_id = environment(&[("AWS_ACCESS_KEY_ID", "AKIA1")]);
        assert_eq!(only_id.key_id, None);
        assert_eq!(only_id.lone_key_variable, Some("AWS_ACCESS_KEY_ID"));
        let only_secret = environment(&[("AWS_SECRET_ACCESS_KEY", "s")]);
        assert_eq!(only_secret.lone_key_variable, Some("AWS_SECRET_ACCESS_KEY"));
    }

    #[test]
    fn keys_before_a_process_except_in_the_rust_sdk() {
        let both = ProfileSources {
            credentials_file_key: Some("ASIA1".into()),
            credential_process: true,
            ..Default::default()
        };
        let none = environment(&[("AWS_EC2_METADATA_DISABLED", "true")]);
        assert_eq!(
            choose(Family::Botocore, &none, &both).winner,
            Some(Source::CredentialsFile)
        );
        assert_eq!(
            choose(Family::JsSdk, &none, &both).winner,
            Some(Source::CredentialsFile)
        );
        let go = choose(Family::GoSdk, &none, &both);
        assert_eq!(go.winner, Some(Source::CredentialsFile));
        assert_eq!(go.shadowed, vec![Source::CredentialProcess]);
        let rust = choose(Family::RustSdk, &none, &both);
        assert_eq!(rust.winner, Some(Source::CredentialProcess));
        assert_eq!(rust.shadowed, vec![Source::CredentialsFile]);
    }

    #[test]
    fn a_file_session_shadows_a_credential_server() {
        let container = environment(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        for family in Family::ALL {
            let chosen = choose(family, &container, &file_session());
            assert_eq!(chosen.winner, Some(Source::CredentialsFile));
            assert_eq!(chosen.shadowed, vec![Source::Container]);
        }
        let nothing = choose(Family::RustSdk, &container, &ProfileSources::default());
        assert_eq!(nothing.winner, Some(Source::Container));
    }

    #[test]
    fn botocore_and_the_go_sdk_read_aws_default_profile() {
        let env = environment(&[("AWS_DEFAULT_PROFILE", "other")]);
        assert_eq!(Family::Botocore.profile(&env), "other");
        assert_eq!(Family::GoSdk.profile(&env), "other");
        assert_eq!(Family::JsSdk.profile(&env), "default");
        assert_eq!(Family::RustSdk.profile(&env), "default");
        let both = environment(&[("AWS_PROFILE", "work"), ("AWS_DEFAULT_PROFILE", "other")]);
        assert_eq!(Family::GoSdk.profile(&both), "work");
    }

    #[test]
    fn the_go_sdk_takes_a_profiles_keys_before_its_sso_and_web_identity() {
        let none = environment(&[("AWS_EC2_METADATA_DISABLED", "true")]);
        let keys_and = |sso, web_identity| ProfileSources {
            sso,
            web_identity,
            ..file_session()
        };
        let go = choose(Family::GoSdk, &none, &keys_and(true, false));
        assert_eq!(go.winner, Some(Source::CredentialsFile));
        assert_eq!(go.shadowed, vec![Source::Sso]);
        let rust = choose(Family::RustSdk, &none, &keys_and(true, false));
        assert_eq!(rust.winner, Some(Source::Sso));
        let go = choose(Family::GoSdk, &none, &keys_and(false, true));
        assert_eq!(go.winner, Some(Source::CredentialsFile));
        assert_eq!(go.shadowed, vec![Source::WebIdentity]);
    }

    #[test]
    fn the_go_sdk_takes_the_environments_web_identity_before_the_profile_the_rust_sdk_after() {
        let web_identity = environment(&[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/token"),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let go = choose(Family::GoSdk, &web_identity, &file_session());
        assert_eq!(go.winner, Some(Source::WebIdentity));
        assert_eq!(go.shadowed, vec![Source::CredentialsFile]);
        let rust = choose(Family::RustSdk, &web_identity, &file_session());
        assert_eq!(rust.winner, Some(Source::CredentialsFile));
        assert_eq!(rust.shadowed, vec![Source::WebIdentity]);
    }

    #[test]
    fn the_go_sdk_assumes_a_role_over_keys_but_a_web_identity_profile_assumes_its_own() {
        let none = environment(&[("AWS_EC2_METADATA_DISABLED", "true")]);
        let role_over_keys = ProfileSources {
            role: true,
            ..file_session()
        };
        let go = choose(Family::GoSdk, &none, &role_over_keys);
        assert_eq!(go.winner, Some(Source::Role));
        assert_eq!(go.shadowed, vec![Source::CredentialsFile]);
        let web_identity_role = ProfileSources {
            role: true,
            web_identity: true,
            ..Default::default()
        };
        let go = choose(Family::GoSdk, &none, &web_identity_role);
        assert_eq!(go.winner, Some(Source::WebIdentity));
        assert_eq!(go.shadowed, Vec::<Source>::new());
    }

    #[test]
    fn only_the_last_four_characters_of_a_key_id_are_kept() {
        assert_eq!(last_four("AKIAIOSFODNN7EXAMPLE"), "MPLE");
        assert_eq!(last_four("ab"), "ab");
    }
}
