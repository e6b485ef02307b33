//! The two configuration files: a profile's settings from `~/.aws/config` and the
//! environment (here), and what stscreds learned about each profile in
//! `~/.stscreds/config` ([`state`]). Command-line flags are applied on top by the
//! commands; environment variables that AWS defines win over the file, as in the AWS CLI.

pub mod profiles;
pub mod state;

use crate::files::FileError;
use crate::ini::UnsafeText;
use crate::invalid::Invalid;

/// Why a configuration file could not be read or written, or a setting is not usable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read, parsed or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// A setting is not usable; the message names it and says what to do.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A value to write would not stay on its line.
    #[error(transparent)]
    Unsafe(#[from] UnsafeText),
}

use std::path::Path;

use std::time::Duration;

use crate::env::{PROMPT_VARIABLE, ProfileOverrides, Setting, Settings};
use crate::files::{self, Paths};
use crate::ini::{Document, is_valid_profile_name};
use crate::session::SessionDuration;
use crate::ui::prompt::PromptKind;
use crate::ui::report::Report;

/// The region used when nothing configures one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The regions whose STS calls go to the global endpoint (in `us-east-1`) when
/// `sts_regional_endpoints = legacy`, as in botocore.
const LEGACY_GLOBAL_STS_REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// What `~/.aws/config` and the environment say about one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileConfig {
    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, `region`, else `us-east-1`.
    pub region: String,
    /// The region STS is called in: `region`, or `us-east-1` for the global endpoint
    /// when `sts_regional_endpoints` (or `AWS_STS_REGIONAL_ENDPOINTS`) is `legacy`.
    pub sts_region: String,
    /// `mfa_serial`: the MFA device to use.
    pub mfa_serial: Option<String>,
    /// `duration_seconds`: how long sessions last.
    pub duration: Option<SessionDuration>,
    /// `mfa_process`: a command that prints the MFA code.
    pub mfa_process: Option<String>,
    /// `STSCREDS_MFA_PROMPT`, else `mfa_prompt`: where questions are shown when a
    /// person must answer (the terminal, a dialog).
    pub mfa_prompt: Option<PromptKind>,
    /// `role_arn` and the settings that go with it: the profile is a role to assume.
    pub role: Option<RoleConfig>,
    /// Whether the profile gets its credentials from a `credential_process`: then its
    /// sessions must not be written to `~/.aws/credentials`, where the AWS tools would
    /// prefer them to the process and keep using them after they expire.
    pub has_credential_process: bool,
    /// `STSCREDS_TIMEOUT`, else 20 s: how long one attempt of the profile's AWS calls
    /// may take (checked when a call is made).
    pub aws_timeout: Setting<Duration>,
}

/// The settings of a profile that is an IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleConfig {
    /// `role_arn`.
    pub role_arn: String,
    /// `source_profile`: whose credentials assume the role.
    pub source_profile: Option<String>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub role_session_name: Option<String>,
}

/// `~/.aws/config`, parsed once, for looking up several profiles (a chain of roles),
/// with what the environment sets over its profiles.
#[derive(Debug)]
pub struct ConfigFile {
    document: Option<Document>,
    file: String,
    overrides: ProfileOverrides,
}

impl ConfigFile {
    /// Reads and parses `~/.aws/config` (a missing file has no settings), to be read
    /// with `settings`' overrides applied.
    pub fn read(
        paths: &Paths,
        settings: &Settings,
        report: &dyn Report,
    ) -> Result<Self, ConfigError> {
        let config = Self::read_quietly(paths, settings)?;
        if let Some(document) = &config.document {
            files::warn_if_the_aws_cli_cannot_read(&paths.aws_config, document, report);
        }
        Ok(config)
    }

    /// [`Self::read`] for the fast paths, which never report: `None` where `read` would
    /// warn (a file the AWS CLI cannot read), so that the whole program they then hand
    /// over to says it, once.
    pub fn read_unless_it_warns(
        paths: &Paths,
        settings: &Settings,
    ) -> Result<Option<Self>, ConfigError> {
        let config = Self::read_quietly(paths, settings)?;
        let would_warn =
            (config.document.as_ref()).is_some_and(|document| document.first_duplicate().is_some());
        Ok((!would_warn).then_some(config))
    }

    /// Reads and parses `~/.aws/config`, saying nothing about it.
    fn read_quietly(paths: &Paths, settings: &Settings) -> Result<Self, ConfigError> {
        Ok(Self {
            document: files::read_document(&paths.aws_config)?,
            file: paths.aws_config.display().to_string(),
            overrides: settings.profiles.clone(),
        })
    }

    /// [`ConfigFile::read`] with the process's settings, for callers that have no
    /// context at hand.
    pub fn load(paths: &Paths, report: &dyn Report) -> Result<Self, ConfigError> {
        Self::read(paths, Settings::process(), report)
    }

    /// `profile`'s `region` as the file itself gives it (no environment, no default):
    /// whether the AWS tools, which need one, find a region in the profile.
    pub fn configured_region(&self, profile: &str) -> Option<String> {
        let region = setting(self.document.as_ref()?, profile, "region")?.trim();
        (!region.is_empty()).then(|| region.to_owned())
    }

    /// The settings of `profile`, with the environment's overrides applied.
    pub fn profile(&self, profile: &str) -> Result<ProfileConfig, ConfigError> {
        ProfileConfig::from_document(self.document.as_ref(), profile, &self.file, &self.overrides)
    }
}

impl ProfileConfig {
    /// The settings of `profile` in `document` (read from `file`), with `overrides`
    /// winning over the profile's own and the defaults last.
    fn from_document(
        document: Option<&Document>,
        profile: &str,
        file: &str,
        overrides: &ProfileOverrides,
    ) -> Result<Self, ConfigError> {
        let setting = |key| {
            document
                .and_then(|doc| setting(doc, profile, key))
                .map(|value| checked_value(value, key, profile, file))
                .transpose()
        };
        let region = match &overrides.region {
            Some(region) => region.clone(),
            None => setting("region")?.unwrap_or_else(|| DEFAULT_REGION.to_owned()),
        };
        let legacy_sts = match &overrides.sts_regional_endpoints {
            Some(mode) => Some(mode.clone()),
            None => setting("sts_regional_endpoints")?,
        }
        .is_some_and(|mode| mode.eq_ignore_ascii_case("legacy"));
        let sts_region = if legacy_sts && LEGACY_GLOBAL_STS_REGIONS.contains(&region.as_str()) {
            DEFAULT_REGION.to_owned()
        } else {
            region.clone()
        };
        let duration = setting("duration_seconds")?
            .map(|seconds| parse_duration_seconds(&seconds, profile, file))
            .transpose()?;
        let role = match setting("role_arn")? {
            Some(role_arn) => Some(RoleConfig {
                role_arn,
                source_profile: setting("source_profile")?
                    .map(|source| checked_profile_name(source, profile, file))
                    .transpose()?,
                external_id: setting("external_id")?,
                role_session_name: setting("role_session_name")?,
            }),
            None => None,
        };
        let mfa_prompt = match &overrides.mfa_prompt {
            Some(kind) => Some(prompt_kind(kind, PROMPT_VARIABLE)?),
            None => setting("mfa_prompt")?
                .map(|kind| {
                    prompt_kind(&kind, &format!("{file}: mfa_prompt in profile '{profile}'"))
                })
                .transpose()?,
        };
        Ok(Self {
            region,
            sts_region,
            mfa_serial: setting("mfa_serial")?,
            duration,
            mfa_process: setting("mfa_process")?,
            mfa_prompt,
            role,
            has_credential_process: setting("credential_process")?.is_some(),
            aws_timeout: overrides.aws_timeout.clone(),
        })
    }
}

/// A setting's value, refused if it holds control characters: no AWS setting does,
/// and such a value would reach messages, requests and commands as it stands.
fn checked_value(value: &str, key: &str, profile: &str, file: &str) -> Result<String, ConfigError> {
    if value.chars().any(char::is_control) {
        return Err(Invalid(format!(
            "{file}: {key} in profile '{profile}' holds a control character ({}); fix that line",
            crate::message::printable(value)
        ))
        .into());
    }
    Ok(value.to_owned())
}

/// A `source_profile` value, refused unless it is a profile name the AWS tools accept:
/// the name goes into file names and into commands that messages suggest.
fn checked_profile_name(source: String, profile: &str, file: &str) -> Result<String, ConfigError> {
    if is_valid_profile_name(&source) {
        return Ok(source);
    }
    Err(Invalid(format!(
        "{file}: source_profile = {} in profile '{profile}' is not a profile name AWS tools accept (letters, digits and _-/.%@:+); fix that line",
        crate::message::printable(&source)
    ))
    .into())
}

/// A prompt kind named by `source` (the variable, or the file and profile).
fn prompt_kind(text: &str, source: &str) -> Result<PromptKind, ConfigError> {
    PromptKind::named(text).ok_or_else(|| {
        Invalid(format!(
            "{source}: '{}' is not a kind of prompt; use {}",
            crate::message::printable(text),
            PromptKind::NAMES
        ))
        .into()
    })
}

fn parse_duration_seconds(
    text: &str,
    profile: &str,
    file: &str,
) -> Result<SessionDuration, ConfigError> {
    text.parse::<u64>()
        .ok()
        .and_then(|seconds| SessionDuration::parse(&format!("{seconds}s")).ok())
        .ok_or_else(|| {
            Invalid(format!(
                "{file}: duration_seconds = {} in profile '{profile}' must be a number of seconds from 900 to 129600",
                crate::message::printable(text)
            ))
            .into()
        })
}

/// A profile's setting in a config file, from the section the SDKs read it from.
fn setting<'a>(config: &'a Document, profile: &str, key: &str) -> Option<&'a str> {
    config
        .get(&profile_section(config, profile), key)
        .filter(|value| !value.is_empty())
}

/// The profile a config-file section holds, as botocore (the AWS CLI, boto3) reads
/// it: `default`, or a name starting `profile` that splits, by shell rules, into two
/// words, the second being the profile (`[profile "work"]` and `[profile  work]` are
/// `work`; `[ profile work ]` is no profile at all). Other sections hold no profile.
pub fn section_profile(section: &str) -> Option<String> {
    if section == "default" {
        return Some(section.to_owned());
    }
    // The shell splitter drops a word that starts with `#` as a comment; botocore's
    // keeps it as a word (one too many, or a name no client accepts).
    if !section.starts_with("profile") || section.split([' ', '\t']).any(|w| w.starts_with('#')) {
        return None;
    }
    match shlex::split(section)?.as_slice() {
        [_, name] => Some(name.clone()),
        _ => None,
    }
}

/// The config-file section that holds `profile`, for reading and writing alike: the
/// last section botocore reads as that profile (it takes the last one whole), else
/// `[profile NAME]`. For `default`, the SDKs read `[default]` only while the file has no
/// `[profile default]` (which hides every key of `[default]`, not key by key), so an
/// existing `[profile default]` is used, and otherwise `[default]`, the header
/// `aws configure` writes.
pub fn profile_section(config: &Document, profile: &str) -> String {
    let prefixed = config.sections().into_iter().rfind(|section| {
        *section != "default" && section_profile(section).as_deref() == Some(profile)
    });
    match prefixed {
        Some(section) => section.to_owned(),
        None if profile == "default" => "default".to_owned(),
        None => canonical_section(profile),
    }
}

/// The header every client reads `profile` from in a config file: `[profile NAME]`,
/// with exactly one space (the JavaScript SDK misses `[profile  NAME]`, the Rust SDK
/// `[profile "NAME"]`).
fn canonical_section(profile: &str) -> String {
    format!("profile {profile}")
}

/// Rewrites `section`'s header, which botocore reads as `profile`, in the form every
/// client reads, unless a header of that form exists already (botocore refuses a
/// file with a repeated section). Returns the section to write into.
fn normalise_profile_header(config: &mut Document, section: String, profile: &str) -> String {
    let canonical = canonical_section(profile);
    if section == "default" || section == canonical || config.has_section(&canonical) {
        return section;
    }
    config.rename_section(&section, &canonical);
    canonical
}

/// Whether the JavaScript SDK reads the config section `name` as `profile`:
/// `default`, or `profile`, one blank, and the name, maybe in matching quotes.
pub fn node_reads_as(name: &str, profile: &str) -> bool {
    if name == "default" {
        return true;
    }
    let Some(rest) = name
        .strip_prefix("profile")
        .and_then(|rest| rest.strip_prefix([' ', '\t']))
    else {
        return false;
    };
    let unquoted = ['"', '\'']
        .into_iter()
        .find_map(|quote| rest.strip_prefix(quote)?.strip_suffix(quote))
        .unwrap_or(rest);
    unquoted == profile
}

/// Warns about the first header botocore reads as a profile but the JavaScript SDK
/// does not: it wants `[profile NAME]` with one blank, and nothing after
/// the `]` but a comment after a blank.
fn warn_about_headers_node_misses(path: &Path, config: &Document, report: &dyn Report) {
    let missed = config.headers().into_iter().find(|header| {
        section_profile(header.name).is_some_and(|profile| {
            is_valid_profile_name(&profile)
                && !(header.plain && node_reads_as(header.name, &profile))
        })
    });
    if let Some(header) = missed {
        report.warn(&format!(
            "{}: line {}, {}, is not read by the AWS SDK for JavaScript (it drops that section, or reads its settings as the section above's); write it as [{}]",
            path.display(),
            header.line,
            crate::message::printable(header.text.trim()),
            canonical_section(&section_profile(header.name).unwrap_or_default())
        ));
    }
}

/// Writes `settings` into `profile`'s section of `~/.aws/config`, keeping every other
/// byte of the file. Returns the section name written.
pub fn save(
    paths: &Paths,
    report: &dyn Report,
    profile: &str,
    settings: &[(&str, &str)],
) -> Result<String, ConfigError> {
    edit_profile(paths, report, profile, settings, &[]).map(|edited| edited.section)
}

/// What [`edit_profile`] did.
#[derive(Debug)]
pub struct Edited {
    /// The section edited.
    pub section: String,
    /// The keys of `unset` the section had, now removed.
    pub removed: Vec<String>,
}

/// Writes `settings` into `profile`'s section of `~/.aws/config` and removes the keys
/// `unset` (with the indented lines they own), in one edit that keeps every other byte
/// of the file. The section stays, even emptied: it still makes the profile one the
/// AWS tools know.
pub fn edit_profile(
    paths: &Paths,
    report: &dyn Report,
    profile: &str,
    settings: &[(&str, &str)],
    unset: &[&str],
) -> Result<Edited, ConfigError> {
    files::edit_shared_document(
        paths,
        report,
        &paths.aws_config,
        |config| -> Result<_, ConfigError> {
            let section = profile_section(config, profile);
            let section = normalise_profile_header(config, section, profile);
            for (key, value) in settings {
                config.set(&section, key, value)?;
            }
            let removed = unset
                .iter()
                .filter(|key| config.remove(&section, key))
                .map(|key| key.to_string())
                .collect();
            warn_about_headers_node_misses(&paths.aws_config, config, report);
            Ok(Edited { section, removed })
        },
    )
}

/// The region IAM requests are signed for: IAM is a global service that lives in the
/// first region of each partition.
pub fn iam_signing_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "cn-north-1"
    } else if region.starts_with("us-gov-") {
        "us-gov-west-1"
    } else {
        DEFAULT_REGION
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str, profile: &str) -> Result<ProfileConfig, ConfigError> {
        config_with_env(text, profile, &[])
    }

    fn config_with_env(
        text: &str,
        profile: &str,
        env: &[(&str, &str)],
    ) -> Result<ProfileConfig, ConfigError> {
        let doc = Document::parse(text).unwrap();
        let settings = Settings::from_lookup(&|name| {
            env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.into())
        });
        ProfileConfig::from_document(Some(&doc), profile, "~/.aws/config", &settings.profiles)
    }

    #[test]
    fn config_settings_follow_the_profile_prefix_rules() {
        let doc = Document::parse(
            "[default]\nregion = eu-west-1\n[profile work]\nregion = ap-south-1 # mumbai\n[play]\nregion = x\n",
        )
        .unwrap();
        assert_eq!(setting(&doc, "default", "region"), Some("eu-west-1"));
        assert_eq!(setting(&doc, "work", "region"), Some("ap-south-1"));
        assert_eq!(
            setting(&doc, "play", "region"),
            None,
            "bare names only count for default"
        );
        let doc =
            Document::parse("[default]\nregion = a\n[profile default]\nregion = b\n").unwrap();
        assert_eq!(setting(&doc, "default", "region"), Some("b"));
    }

    #[test]
    fn profile_default_hides_every_key_of_default_as_in_the_sdks() {
        for text in [
            "[default]\nregion = a\noutput = json\n[profile default]\nregion = b\n",
            "[profile default]\nregion = b\n[default]\nregion = a\noutput = json\n",
            "[profile\tdefault]\nregion = b\n[default]\noutput = json\n",
        ] {
            let doc = Document::parse(text).unwrap();
            assert_eq!(setting(&doc, "default", "region"), Some("b"), "{text:?}");
            assert_eq!(setting(&doc, "default", "output"), None, "{text:?}");
            let section = profile_section(&doc, "default");
            assert_eq!(section_profile(&section).as_deref(), Some("default"));
            assert_ne!(section, "default", "{text:?}");
        }
        let doc = Document::parse("[default]\noutput = json\n").unwrap();
        assert_eq!(setting(&doc, "default", "output"), Some("json"));
    }

    #[test]
    fn profile_settings_are_read_and_checked() {
        let text = "[profile work]\nmfa_serial = arn:aws:iam::1:mfa/a\nduration_seconds = 7200\nmfa_process = ykman oath accounts code --single\ncredential_process = stscreds credential-process --profile work\n";
        let work = config(text, "work").unwrap();
        assert_eq!(work.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/a"));
        assert_eq!(work.duration.map(SessionDuration::as_secs), Some(7200));
        assert_eq!(
            work.mfa_process.as_deref(),
            Some("ykman oath accounts code --single")
        );
        assert!(work.has_credential_process);
        assert_eq!(work.role, None);
        let role = config("[profile r]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = base\nexternal_id = x\n", "r").unwrap();
        let role = role.role.unwrap();
        assert_eq!(
            (role.role_arn.as_str(), role.source_profile.as_deref()),
            ("arn:aws:iam::1:role/R", Some("base"))
        );
        assert_eq!(
            (role.external_id.as_deref(), role.role_session_name),
            (Some("x"), None)
        );
        let other = config(text, "other").unwrap();
        assert_eq!(
            (
                other.mfa_serial,
                other.duration,
                other.has_credential_process
            ),
            (None, None, false)
        );
        let error = config("[profile x]\nduration_seconds = 60\n", "x")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("~/.aws/config: duration_seconds = 60 in profile 'x'"),
            "{error}"
        );
    }

    #[test]
    fn legacy_sts_endpoints_use_the_global_endpoint_for_old_regions_only() {
        let legacy = |region: &str| {
            let text = format!("[profile p]\nregion = {region}\nsts_regional_endpoints = legacy\n");
            config(&text, "p").unwrap().sts_region
        };
        assert_eq!(legacy("eu-west-1"), "us-east-1");
        assert_eq!(legacy("af-south-1"), "af-south-1");
        assert_eq!(
            config("[profile p]\nregion = eu-west-1\n", "p")
                .unwrap()
                .sts_region,
            "eu-west-1"
        );
    }

    #[test]
    fn environment_variables_win_over_the_file() {
        let text = "[profile p]\nregion = eu-west-1\n";
        let env = [
            ("AWS_DEFAULT_REGION", "ap-east-1"),
            ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
        ];
        let p = config_with_env(text, "p", &env).unwrap();
        assert_eq!(
            (p.region.as_str(), p.sts_region.as_str()),
            ("ap-east-1", "ap-east-1")
        );
        let p = config_with_env(
            text,
            "p",
            &[("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "x")],
        )
        .unwrap();
        assert_eq!(p.region, "us-west-2");
    }

    #[test]
    fn the_aws_call_timeout_comes_from_the_environment_and_fails_only_when_used() {
        let text = "[profile p]\nregion = eu-west-1\n";
        let p = config_with_env(text, "p", &[("STSCREDS_TIMEOUT", "1m")]).unwrap();
        assert_eq!(p.aws_timeout.get().unwrap().as_secs(), 60);
        let bad = config_with_env(text, "p", &[("STSCREDS_TIMEOUT", "soon")]).unwrap();
        assert_eq!(bad.region, "eu-west-1", "the profile is still read");
        assert_eq!(
            bad.aws_timeout.get().unwrap_err().to_string(),
            "STSCREDS_TIMEOUT: 'soon' is not a duration like 30s or 2m"
        );
    }

    #[test]
    fn the_prompt_kind_comes_from_the_environment_else_the_profile() {
        let text = "[profile p]\nmfa_prompt = zenity\n[profile bad]\nmfa_prompt = dialog\n";
        assert_eq!(
            config(text, "p").unwrap().mfa_prompt,
            Some(PromptKind::Zenity)
        );
        assert_eq!(config(text, "other").unwrap().mfa_prompt, None);
        let from_env = config_with_env(text, "p", &[(PROMPT_VARIABLE, "terminal")]).unwrap();
        assert_eq!(from_env.mfa_prompt, Some(PromptKind::Terminal));
        let error = config(text, "bad").unwrap_err().to_string();
        assert_eq!(
            error,
            "~/.aws/config: mfa_prompt in profile 'bad': 'dialog' is not a kind of prompt; use auto, terminal, zenity, kdialog, osascript or windows"
        );
        let error = config_with_env(text, "p", &[(PROMPT_VARIABLE, "gui")])
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("STSCREDS_MFA_PROMPT: 'gui' is not"),
            "{error}"
        );
    }

    #[test]
    fn settings_for_default_go_into_default_unless_a_profile_default_exists() {
        let doc = Document::parse("[default]\nregion = eu-west-1\n").unwrap();
        assert_eq!(profile_section(&doc, "default"), "default");
        assert_eq!(profile_section(&doc, "work"), "profile work");
        let both = Document::parse("[default]\n[profile default]\n").unwrap();
        assert_eq!(profile_section(&both, "default"), "profile default");
        assert_eq!(profile_section(&Document::empty(), "default"), "default");
        let other = Document::parse("[profile work]\n").unwrap();
        assert_eq!(profile_section(&other, "default"), "default");
    }

    #[test]
    fn a_section_holds_the_profile_botocore_reads_in_it() {
        for (section, profile) in [
            ("default", Some("default")),
            ("profile work", Some("work")),
            ("profile  work", Some("work")),
            ("profile\twork ", Some("work")),
            ("profile \"work\"", Some("work")),
            ("profile 'my work'", Some("my work")),
            ("profiles work", Some("work")),
            (" profile work ", None),
            (" default", None),
            ("profile", None),
            ("profilework", None),
            ("profile a b", None),
            ("profile a #b", None),
            ("profile #a", None),
            ("profile \"work", None),
            ("work", None),
        ] {
            assert_eq!(section_profile(section).as_deref(), profile, "{section:?}");
        }
    }

    /// `[profile "work"]` is `work` to botocore: its settings count (a missed
    /// `mfa_serial` or region would send stscreds astray); `[ profile work ]` is not.
    #[test]
    fn settings_come_from_the_section_botocore_reads() {
        let text = "[ profile work ]\nregion = wrong-1\n[profile \"work\"]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::1:mfa/w\n[profile  dev]\nregion = ap-east-1\n";
        let work = config(text, "work").unwrap();
        assert_eq!(work.region, "eu-west-1");
        assert_eq!(work.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/w"));
        assert_eq!(config(text, "dev").unwrap().region, "ap-east-1");
        let doc = Document::parse(text).unwrap();
        assert_eq!(profile_section(&doc, "work"), "profile \"work\"");
        assert_eq!(profile_section(&doc, "ops"), "profile ops");
        let last = Document::parse("[profile  a]\nregion = x\n[profile a]\nregion = y\n").unwrap();
        assert_eq!(
            setting(&last, "a", "region"),
            Some("y"),
            "the last one wins"
        );
    }

    /// The fast paths' load declines exactly the files the full load warns about.
    #[test]
    fn the_quiet_load_declines_where_the_full_load_warns() {
        for text in [
            "[default]\nregion = eu-west-1\n",
            "[default]\nregion = eu-west-1\n[default]\noutput = json\n",
            "[profile a]\nregion = x\nREGION = y\n",
        ] {
            let home = tempfile::tempdir().unwrap();
            let paths = Paths::under(home.path());
            std::fs::create_dir_all(paths.aws_config.parent().unwrap()).unwrap();
            std::fs::write(&paths.aws_config, text).unwrap();
            let quiet = ConfigFile::read_unless_it_warns(&paths, Settings::process()).unwrap();
            let report = crate::ui::report::Collected::default();
            ConfigFile::load(&paths, &report).unwrap();
            assert_eq!(quiet.is_none(), !report.messages().is_empty(), "{text:?}");
        }
    }

    fn saved(original: &str, profile: &str) -> (String, Vec<String>) {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::create_dir_all(paths.aws_config.parent().unwrap()).unwrap();
        std::fs::write(&paths.aws_config, original).unwrap();
        let report = crate::ui::report::Collected::default();
        save(&paths, &report, profile, &[("region", "eu-west-3")]).unwrap();
        let text = std::fs::read_to_string(&paths.aws_config).unwrap();
        (text, report.messages())
    }

    /// A header one SDK misses is rewritten as `[profile NAME]` when stscreds writes into
    /// it, and no second header for the profile is ever added.
    #[test]
    fn saving_rewrites_the_header_in_the_form_every_client_reads() {
        for (original, expected) in [
            (
                "[profile \"work\"] # team\nregion = x\n",
                "[profile work] # team\nregion = eu-west-3\n",
            ),
            (
                "[profile  work]\nregion = x\n",
                "[profile work]\nregion = eu-west-3\n",
            ),
            (
                "[profile work]#note\r\nregion = x\r\n",
                "[profile work] #note\r\nregion = eu-west-3\r\n",
            ),
            (
                "[default]#c\nregion = x\n",
                "[default] #c\nregion = eu-west-3\n",
            ),
        ] {
            let profile = if original.contains("default") {
                "default"
            } else {
                "work"
            };
            let (text, messages) = saved(original, profile);
            assert_eq!(text, expected, "{original:?}");
            assert_eq!(messages, Vec::<String>::new(), "{original:?}");
        }
    }

    #[test]
    fn headers_the_javascript_sdk_misses_are_warned_about_once() {
        let original = "[profile work]\n[profile  ops]\n[profile dev]#x\n[profile \"ci\"]\n";
        let (text, messages) = saved(original, "work");
        assert_eq!(
            text,
            "[profile work]\nregion = eu-west-3\n[profile  ops]\n[profile dev]#x\n[profile \"ci\"]\n"
        );
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("warning: ")
                && messages[0].ends_with(
                    "config: line 3, [profile  ops], is not read by the AWS SDK for JavaScript (it drops that section, or reads its settings as the section above's); write it as [profile ops]"
                ),
            "{messages:?}"
        );
        let (_, messages) = saved("[profile  work]\n[profile work]\n", "work");
        assert_eq!(messages.len(), 1, "a repeat is not rewritten: {messages:?}");
    }

    #[test]
    fn iam_is_signed_in_its_partitions_home_region() {
        assert_eq!(iam_signing_region("eu-west-1"), "us-east-1");
        assert_eq!(iam_signing_region("cn-northwest-1"), "cn-north-1");
        assert_eq!(iam_signing_region("us-gov-east-1"), "us-gov-west-1");
    }
}
