//! `stscreds doctor`: which credentials each AWS client family would use in this
//! environment, with these files, and what is wrong with that (each finding with one
//! command that fixes it). Reads files and the environment only: no network, no
//! secret in anything it returns (key ids are kept to their last four characters).

pub mod chains;
pub mod findings;
mod headers;
pub mod online;

use std::path::{Path, PathBuf};

use chains::{Chosen, Environment, Family, ProfileSources, Source, last_four};
use findings::Finding;

use crate::config::profile_section;
use crate::credentials::sessions;
use crate::files::{Paths, read_document};
use crate::ini::Document;
use crate::ui::dialog::TerminalSide;
use crate::ui::prompt::PromptKind;

/// Reads one environment variable (the process's, or a test's).
pub type Lookup = Box<dyn Fn(&str) -> Option<String>>;

/// What doctor reads: the files, the environment and the profile to check.
pub struct Facts {
    pub paths: Paths,
    /// The profile the user set up with stscreds (`--profile`, else the environment's).
    pub profile: String,
    pub environment: Environment,
    pub lookup: Lookup,
    /// The executable `credential_process` lines should name (this stscreds).
    pub front_executable: Option<PathBuf>,
    pub credentials: Option<Document>,
    pub config: Option<Document>,
    /// Why a file could not be read, as findings.
    pub unreadable: Vec<Finding>,
    /// Whether every profile is diagnosed (`--all`): then that the environment names
    /// another profile than this one is no problem.
    pub one_of_all: bool,
    /// Why nobody could answer a question for an MFA code shown as the prompt kind
    /// says, asked from the side given (a command's standard input, or
    /// `credential-process`'s `/dev/tty` and dialogs), when nobody could.
    pub nobody_can_answer: fn(PromptKind, TerminalSide) -> Option<String>,
}

impl Facts {
    /// Reads the two AWS files; a file that cannot be read or parsed becomes a finding.
    pub fn read(
        paths: Paths,
        profile: String,
        lookup: Lookup,
        front_executable: Option<PathBuf>,
    ) -> Self {
        let mut unreadable = Vec::new();
        let mut read = |path: &Path| {
            read_document(path).unwrap_or_else(|error| {
                unreadable.push(findings::unreadable(path, &error.to_string()));
                None
            })
        };
        let credentials = read(&paths.aws_credentials);
        let config = read(&paths.aws_config);
        Self {
            environment: Environment::read(&*lookup),
            paths,
            profile,
            lookup,
            front_executable,
            credentials,
            config,
            unreadable,
            one_of_all: false,
            nobody_can_answer: |_, _| None,
        }
    }

    /// A setting of `profile` in `~/.aws/config`.
    pub fn config_value(&self, profile: &str, key: &str) -> Option<&str> {
        let config = self.config.as_ref()?;
        config.get(&profile_section(config, profile), key)
    }

    /// A setting of `profile` in `~/.aws/config` as `family` reads it: nothing where
    /// it misses the profile's header.
    pub fn config_value_for(&self, family: Family, profile: &str, key: &str) -> Option<&str> {
        let config = self.config.as_ref()?;
        let section = profile_section(config, profile);
        let headers = config.headers();
        let read = (headers.iter())
            .filter(|header| header.name == section)
            .any(|header| headers::config_header_is(family, header, profile));
        read.then(|| config.get(&section, key)).flatten()
    }

    /// A key of `section` in `~/.aws/credentials`.
    pub fn credentials_value(&self, section: &str, key: &str) -> Option<&str> {
        self.credentials.as_ref()?.get(section, key)
    }

    /// A key of `section` in `~/.aws/credentials` as `family` reads it: nothing where
    /// it misses the section's header.
    fn credentials_value_for(&self, family: Family, section: &str, key: &str) -> Option<&str> {
        let credentials = self.credentials.as_ref()?;
        let read = (credentials.headers().iter())
            .any(|header| headers::credentials_header_is(family, header, section));
        read.then(|| credentials.get(section, key)).flatten()
    }

    /// Whether `section` of `~/.aws/credentials` holds a session stscreds wrote.
    pub fn is_our_session(&self, section: &str) -> bool {
        (self.credentials.as_ref()).is_some_and(|document| sessions::is_ours(document, section))
    }

    /// What `profile`'s sections offer `family`.
    pub fn sources_of(&self, family: Family, profile: &str) -> ProfileSources {
        let config = |key: &str| self.config_value_for(family, profile, key).is_some();
        let file_key_id = self.credentials_value_for(family, profile, "aws_access_key_id");
        let file_secret = self.credentials_value_for(family, profile, "aws_secret_access_key");
        ProfileSources {
            credentials_file_key: file_key_id
                .filter(|_| file_secret.is_some())
                .map(str::to_owned),
            partial_file_keys: file_key_id.is_some() != file_secret.is_some(),
            config_key: self
                .config_value_for(family, profile, "aws_access_key_id")
                .map(str::to_owned),
            credential_process: config("credential_process"),
            role: config("role_arn"),
            web_identity: config("web_identity_token_file"),
            sso: config("sso_session") || config("sso_start_url"),
        }
    }

    /// Why botocore refuses the files, if it does: it reads them with Python's strict
    /// `configparser`, which fails on a repeated section or key.
    pub fn botocore_refusal(&self) -> Option<String> {
        [
            (&self.paths.aws_credentials, &self.credentials),
            (&self.paths.aws_config, &self.config),
        ]
        .into_iter()
        .find_map(|(path, document)| {
            let repeat = document.as_ref()?.first_duplicate()?;
            Some(format!(
                "{} repeats a section or key on line {}",
                path.display(),
                repeat.second_line
            ))
        })
    }

    /// Why botocore fails for `profile`, if it is named in the environment and neither
    /// file has it: botocore raises `ProfileNotFound` before any credential, even
    /// environment keys.
    pub fn missing_profile(&self, profile: &str) -> Option<String> {
        let in_config = self
            .config
            .as_ref()
            .is_some_and(|config| config.has_section(&profile_section(config, profile)));
        let in_credentials = self
            .credentials
            .as_ref()
            .is_some_and(|credentials| credentials.has_section(profile));
        (profile != "default" && !in_config && !in_credentials)
            .then(|| format!("profile '{profile}' is in neither AWS file"))
    }

    /// Why botocore fails on the environment's keys, if it does: a key id without its
    /// secret raises `PartialCredentialsError` (a secret alone it skips).
    pub fn botocore_partial_keys(&self) -> Option<String> {
        (self.environment.lone_key_variable == Some("AWS_ACCESS_KEY_ID"))
            .then(|| "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY".to_owned())
    }

    /// Whether `profile`'s `credential_process` runs stscreds.
    pub fn runs_stscreds(&self, profile: &str) -> bool {
        self.config_value(profile, "credential_process")
            .and_then(findings::program_of)
            .is_some_and(|program| findings::is_stscreds(&program))
    }

    /// The source stscreds sets up for the profile: the environment inside `stscreds
    /// exec`, a credential server the environment points at (`serve`, `exec --server`),
    /// its `credential_process`, a role the tools assume from the base profile's
    /// session, else the session in `~/.aws/credentials`.
    pub fn managed_source(&self) -> Source {
        let inside_exec =
            (self.lookup)(crate::env::EXEC_PROFILE_VARIABLE).is_some_and(|p| !p.is_empty());
        // `exec` hands out keys in the environment; `exec --server`, a credential server.
        if inside_exec && (self.environment.key_id.is_some() || !self.environment.container) {
            Source::EnvironmentKeys
        } else if self.environment.container {
            Source::Container
        } else if self.runs_stscreds(&self.profile) {
            Source::CredentialProcess
        } else if self.config_value(&self.profile, "role_arn").is_some() {
            Source::Role
        } else {
            Source::CredentialsFile
        }
    }
}

/// One client family's verdict.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub family: Family,
    /// The profile the family reads.
    pub profile: String,
    pub chosen: Chosen,
    /// Whether the family uses what stscreds manages for the profile checked.
    pub managed: bool,
    /// Why the family gets no credentials at all, when it fails before its chain.
    pub failure: Option<String>,
}

/// Everything doctor found.
#[derive(Debug)]
pub struct Diagnosis {
    pub profile: String,
    pub managed_source: Source,
    pub verdicts: Vec<Verdict>,
    pub findings: Vec<Finding>,
    /// Whom AWS saw for the profile's session (`--online` only).
    pub identity: Option<online::Identity>,
    /// The age of the profile's long-term key (`--online` only, when IAM said).
    pub long_term_key: Option<online::LongTermKey>,
}

/// Diagnoses `facts`.
pub fn diagnose(facts: Facts) -> Diagnosis {
    let managed_source = facts.managed_source();
    let verdicts: Vec<Verdict> = Family::ALL
        .iter()
        .map(|&family| verdict(&facts, family, managed_source))
        .collect();
    let findings = findings::all(&facts, &verdicts);
    Diagnosis {
        profile: facts.profile,
        managed_source,
        verdicts,
        findings,
        identity: None,
        long_term_key: None,
    }
}

fn verdict(facts: &Facts, family: Family, managed_source: Source) -> Verdict {
    let profile = family.profile(&facts.environment);
    let sources = facts.sources_of(family, &profile);
    let mut chosen = chains::choose(family, &facts.environment, &sources);
    let failure = failure(facts, family, (&profile, &sources), chosen.winner);
    if failure.is_some() {
        chosen.shadowed.splice(0..0, chosen.winner.take());
        chosen.key_id = None;
    }
    let same_profile = profile == facts.profile
        || matches!(managed_source, Source::EnvironmentKeys | Source::Container);
    let managed = same_profile
        && chosen.winner == Some(managed_source)
        && (managed_source != Source::CredentialsFile || facts.is_our_session(&profile));
    Verdict {
        family,
        profile,
        chosen,
        managed,
        failure,
    }
}

/// Why `family`, reading `profile` with `sources` and settling on `winner`, gets no
/// credentials at all: botocore refuses the files or the profile, or the family gets
/// to a half-set source it fails on.
fn failure(
    facts: &Facts,
    family: Family,
    (profile, sources): (&str, &ProfileSources),
    winner: Option<Source>,
) -> Option<String> {
    let environment = &facts.environment;
    let gets_to = |source| chains::gets_to(family, environment, sources, (source, winner));
    let botocore_refusal = || {
        (facts.botocore_refusal())
            .or_else(|| facts.missing_profile(profile))
            .or_else(|| facts.botocore_partial_keys())
    };
    let web_identity_without_role = || {
        let fails = matches!(family, Family::Botocore | Family::GoSdk)
            && environment.web_identity_without_role
            && gets_to(Source::WebIdentity);
        fails.then(|| "AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN".to_owned())
    };
    let half_a_key_pair = || {
        let fails = family != Family::JsSdk
            && sources.partial_file_keys
            && gets_to(Source::CredentialsFile);
        let file = facts.paths.aws_credentials.display();
        fails.then(|| format!("half a key pair in [{profile}] of {file}"))
    };
    (family == Family::Botocore)
        .then(botocore_refusal)
        .flatten()
        .or_else(web_identity_without_role)
        .or_else(half_a_key_pair)
}

impl Diagnosis {
    /// Adds what `--online` found.
    pub fn add_online(&mut self, online: online::Online) {
        self.identity = online.identity;
        self.long_term_key = online.long_term_key;
        self.findings.extend(online.findings);
    }

    /// Whether anything is wrong.
    pub fn has_problem(&self) -> bool {
        !self.findings.is_empty()
    }

    /// The stable JSON document (docs/commands.md, `## stscreds doctor`).
    pub fn to_json(&self) -> serde_json::Value {
        let verdicts: Vec<serde_json::Value> = self
            .verdicts
            .iter()
            .map(|verdict| {
                serde_json::json!({
                    "family": verdict.family.name(),
                    "clients": verdict.family.clients(),
                    "profile": verdict.profile,
                    "source": verdict.chosen.winner.map(Source::name),
                    "key_last4": verdict.chosen.key_id.as_deref().map(last_four),
                    "managed": verdict.managed,
                    "failure": verdict.failure,
                    "shadowed": verdict.chosen.shadowed.iter().map(|s| s.name()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let findings: Vec<serde_json::Value> = self.findings.iter().map(Finding::to_json).collect();
        serde_json::json!({
            "schema": 1,
            "profile": self.profile,
            "managed_source": self.managed_source.name(),
            "verdicts": verdicts,
            "findings": findings,
            "identity": self.identity.as_ref().map(|identity| serde_json::json!({
                "arn": identity.arn,
                "account": identity.account,
            })),
            "long_term_key": self.long_term_key.as_ref().map(|key| serde_json::json!({
                "key_last4": key.key_last4,
                "created": key.created.to_string(),
                "age_days": key.age_days,
            })),
        })
    }

    /// The report for people.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "Profile '{}': stscreds sets it up as {}.\n",
            self.profile, self.managed_source
        );
        for verdict in &self.verdicts {
            let source = match (&verdict.failure, verdict.chosen.winner) {
                (Some(failure), _) => format!("fails: {failure}"),
                (None, Some(winner)) => winner.to_string(),
                (None, None) => "no credentials".to_owned(),
            };
            let key = verdict
                .chosen
                .key_id
                .as_deref()
                .map(|id| format!(" (key …{})", last_four(id)))
                .unwrap_or_default();
            let mark = if verdict.managed {
                "ok"
            } else {
                "NOT stscreds'"
            };
            text.push_str(&format!(
                "  {} ({}): profile '{}', {source}{key}: {mark}\n",
                verdict.family.name(),
                verdict.family.clients(),
                verdict.profile
            ));
            for shadowed in &verdict.chosen.shadowed {
                text.push_str(&format!("      shadows {shadowed}\n"));
            }
        }
        if let Some(identity) = &self.identity {
            text.push_str(&format!(
                "  AWS sees the session as {} (account {}).\n",
                identity.arn, identity.account
            ));
        }
        if let Some(key) = &self.long_term_key {
            text.push_str(&format!(
                "  Its long-term key …{} was created {} ({} days ago).\n",
                key.key_last4,
                key.created.strftime("%Y-%m-%d"),
                key.age_days
            ));
        }
        if self.findings.is_empty() {
            text.push_str("No problem found.\n");
        }
        for finding in &self.findings {
            text.push_str(&finding.to_text());
        }
        text
    }
}
