//! The checks: each finding has a stable code, a severity, the file and line where
//! there is one, and one command that fixes it (run by the tests, which then check the
//! finding is gone).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::chains::{Family, Source, last_four};
use super::{Facts, Verdict};
use crate::message::shell_word;
use crate::ui::dialog::TerminalSide;
use crate::ui::prompt::PromptKind;
use crate::ui::subprocess::{self, Outcome};

/// How bad a finding is: an error means a client uses credentials other than the ones
/// set up, or fails; a warning is a risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem doctor found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable, for scripts: see docs/commands.md.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<PathBuf>,
    /// 1-based.
    pub line: Option<usize>,
    /// One shell command that fixes it, when there is one.
    pub fix: Option<String>,
}

impl Finding {
    pub(super) fn new(code: &'static str, severity: Severity, message: String) -> Self {
        Self {
            code,
            severity,
            message,
            file: None,
            line: None,
            fix: None,
        }
    }

    fn at(mut self, file: &Path, line: Option<usize>) -> Self {
        self.file = Some(file.to_owned());
        self.line = line;
        self
    }

    pub(super) fn fix(mut self, command: String) -> Self {
        self.fix = Some(command);
        self
    }

    /// The finding in doctor's JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "message": self.message,
            "file": self.file.as_ref().map(|file| file.display().to_string()),
            "line": self.line,
            "fix": self.fix,
        })
    }

    /// The finding for people: what, where, and the fix.
    pub fn to_text(&self) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let place = match (&self.file, self.line) {
            (Some(file), Some(line)) => format!(" ({}:{line})", file.display()),
            (Some(file), None) => format!(" ({})", file.display()),
            _ => String::new(),
        };
        let mut text = format!("{severity} [{}]{place}: {}\n", self.code, self.message);
        if let Some(fix) = &self.fix {
            text.push_str(&format!("  fix: {fix}\n"));
        }
        text
    }
}

/// A file that could not be read or parsed.
pub fn unreadable(path: &Path, why: &str) -> Finding {
    Finding::new(
        "unreadable-file",
        Severity::Error,
        format!("cannot read it: {why}"),
    )
    .at(path, None)
}

/// Every check, in order of importance.
pub fn all(facts: &Facts, verdicts: &[Verdict]) -> Vec<Finding> {
    let mut found = facts.unreadable.clone();
    found.extend(environment_keys(facts, verdicts));
    found.extend(partial_environment_keys(facts));
    found.extend(profile_variable(facts, verdicts));
    found.extend(container_shadowed(facts, verdicts));
    found.extend(plaintext_long_term_keys(facts));
    found.extend(missing_region(facts, verdicts));
    found.extend(repeated_text(facts));
    found.extend(partial_file_keys(facts, verdicts));
    found.extend(web_identity_without_role(facts, verdicts));
    found.extend(credential_processes(facts));
    found.extend(broken_install_on_path(facts));
    found.extend(not_private(facts));
    found.extend(stale_copies(facts));
    found.extend(mfa_process(facts));
    found.extend(no_one_to_ask(facts));
    #[cfg(all(unix, not(target_os = "macos")))]
    found.extend(keyring(facts));
    found
}

/// The families whose verdict `matches`, by name.
fn families(verdicts: &[Verdict], matches: impl Fn(&Verdict) -> bool) -> Vec<&'static str> {
    verdicts
        .iter()
        .filter(|verdict| matches(verdict))
        .map(|verdict| verdict.family.name())
        .collect()
}

/// The fix for keys in the environment: drop all three variables.
const UNSET_ENVIRONMENT_KEYS: &str =
    "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN";

/// (1) Environment keys winning over what the user set up (the Go SDK's also under
/// the old names `AWS_ACCESS_KEY` and `AWS_SECRET_KEY`).
fn environment_keys(facts: &Facts, verdicts: &[Verdict]) -> Option<Finding> {
    let environment = &facts.environment;
    let (variable, key) = match (&environment.key_id, &environment.go_key_id) {
        (Some(key), _) => ("AWS_ACCESS_KEY_ID", key),
        (None, Some(key)) => ("AWS_ACCESS_KEY (an old name only the Go SDK reads)", key),
        (None, None) => return None,
    };
    if facts.managed_source() == Source::EnvironmentKeys {
        return None;
    }
    let users = families(verdicts, |v| {
        v.chosen.winner == Some(Source::EnvironmentKeys)
    });
    if users.is_empty() {
        return None;
    }
    let js_differs = environment.aws_profile.is_some()
        && verdicts
            .iter()
            .any(|v| v.family == Family::JsSdk && v.chosen.winner != Some(Source::EnvironmentKeys));
    let mut message = format!(
        "{variable} (…{}) in this environment wins over the {} stscreds set up for profile '{}' in {}",
        last_four(key),
        facts.managed_source(),
        facts.profile,
        users.join(", ")
    );
    if js_differs {
        message.push_str(
            "; the JavaScript SDK ignores it because AWS_PROFILE is set, so your tools use different credentials",
        );
    }
    let old_names = ["AWS_ACCESS_KEY", "AWS_SECRET_KEY"];
    let fix = if old_names.iter().any(|name| (facts.lookup)(name).is_some()) {
        format!("{UNSET_ENVIRONMENT_KEYS} {}", old_names.join(" "))
    } else {
        UNSET_ENVIRONMENT_KEYS.to_owned()
    };
    Some(Finding::new("environment-keys-override", Severity::Error, message).fix(fix))
}

/// (1) Half of a key pair in the environment: botocore fails on a key id alone, the
/// SDKs pass over either half, so the tools disagree or none uses what was meant.
fn partial_environment_keys(facts: &Facts) -> Option<Finding> {
    let lone = facts.environment.lone_key_variable?;
    let effect = if facts.botocore_partial_keys().is_some() {
        "the AWS CLI and boto3 fail (PartialCredentialsError), the SDKs pass over it"
    } else {
        "every client passes over it"
    };
    Some(
        Finding::new(
            "partial-environment-keys",
            Severity::Error,
            format!("{lone} is set in this environment without its other half: {effect}"),
        )
        .fix(UNSET_ENVIRONMENT_KEYS.to_owned()),
    )
}

/// (1) `AWS_PROFILE` or `AWS_DEFAULT_PROFILE` making a family read another profile.
fn profile_variable(facts: &Facts, verdicts: &[Verdict]) -> Option<Finding> {
    if facts.one_of_all
        || matches!(
            facts.managed_source(),
            Source::EnvironmentKeys | Source::Container
        )
    {
        return None;
    }
    let astray: Vec<&Verdict> = verdicts
        .iter()
        .filter(|v| v.profile != facts.profile && v.chosen.winner != Some(Source::EnvironmentKeys))
        .collect();
    let first = astray.first()?;
    let names: Vec<&str> = astray.iter().map(|v| v.family.name()).collect();
    Some(
        Finding::new(
            "profile-variable-override",
            Severity::Error,
            format!(
                "{} read profile '{}' (AWS_PROFILE/AWS_DEFAULT_PROFILE), not '{}'",
                names.join(", "),
                first.profile,
                facts.profile
            ),
        )
        .fix(format!(
            "export AWS_PROFILE={}; unset AWS_DEFAULT_PROFILE",
            shell_word(&facts.profile)
        )),
    )
}

/// (2) A session in a file that clients take before a credential server.
fn container_shadowed(facts: &Facts, verdicts: &[Verdict]) -> Option<Finding> {
    if !facts.environment.container {
        return None;
    }
    let shadowing: Vec<&Verdict> = verdicts
        .iter()
        .filter(|v| v.chosen.shadowed.contains(&Source::Container))
        .collect();
    let first = shadowing.first()?;
    let winner = first.chosen.winner?;
    let names: Vec<&str> = shadowing.iter().map(|v| v.family.name()).collect();
    let finding = Finding::new(
        "container-shadowed",
        Severity::Error,
        format!(
            "AWS_CONTAINER_CREDENTIALS_*_URI is set, but {} take {winner} of profile '{}' first (run tools under `stscreds exec --server`, which hides the files)",
            names.join(", "),
            first.profile
        ),
    );
    if winner == Source::CredentialsFile && facts.is_our_session(&first.profile) {
        return Some(
            finding
                .at(
                    &facts.paths.aws_credentials,
                    header_line(facts, &first.profile),
                )
                .fix(format!(
                    "stscreds clear --profile {}",
                    shell_word(&first.profile)
                )),
        );
    }
    // Not ours to remove: the tool is run where the files offer it nothing else.
    Some(finding.fix(format!(
        "stscreds exec --server --profile {} -- COMMAND",
        shell_word(&facts.profile)
    )))
}

/// The line of `[section]` in `~/.aws/credentials`.
fn header_line(facts: &Facts, section: &str) -> Option<usize> {
    let headers = facts.credentials.as_ref()?.headers();
    headers.iter().find(|h| h.name == section).map(|h| h.line)
}

/// The line of `profile`'s header in `~/.aws/config`.
fn config_header_line(facts: &Facts, profile: &str) -> Option<usize> {
    let config = facts.config.as_ref()?;
    let section = crate::config::profile_section(config, profile);
    config
        .headers()
        .iter()
        .find(|h| h.name == section)
        .map(|h| h.line)
}

/// (3) Long-term keys (`AKIA…`, no token) readable in `~/.aws/credentials`.
fn plaintext_long_term_keys(facts: &Facts) -> Vec<Finding> {
    let Some(credentials) = &facts.credentials else {
        return Vec::new();
    };
    credentials
        .sections()
        .into_iter()
        .filter(|section| {
            credentials
                .get(section, "aws_access_key_id")
                .is_some_and(|key| key.starts_with("AKIA"))
                && credentials.get(section, "aws_session_token").is_none()
        })
        .map(|section| {
            let key = credentials.get(section, "aws_access_key_id").unwrap_or_default();
            Finding::new(
                "plaintext-long-term-key",
                Severity::Warning,
                format!(
                    "[{section}] holds the long-term key …{} in plain text, where every tool and backup reads it; store it with stscreds (it asks for the key) and replace it with an MFA session",
                    last_four(key)
                ),
            )
            .at(&facts.paths.aws_credentials, header_line(facts, section))
            .fix(format!(
                "stscreds init --profile {0} && stscreds auth --profile {0}",
                shell_word(section)
            ))
        })
        .collect()
}

/// (4) A family with no region: for the profile it reads now, and for the one asked
/// about, which it reads once the environment is fixed ([`profile_variable`]); with
/// `--all`, for each profile diagnosed.
fn missing_region(facts: &Facts, verdicts: &[Verdict]) -> Option<Finding> {
    let variable = |name: &str| (facts.lookup)(name).filter(|value| !value.is_empty());
    let region_in_environment = |v: &Verdict| match v.family {
        Family::Botocore => variable("AWS_DEFAULT_REGION").is_some(),
        Family::JsSdk => variable("AWS_REGION").is_some(),
        Family::RustSdk | Family::GoSdk => {
            variable("AWS_REGION").is_some() || variable("AWS_DEFAULT_REGION").is_some()
        }
    };
    let lacking: Vec<(&Verdict, &str)> = verdicts
        .iter()
        .filter(|v| !region_in_environment(v))
        .filter_map(|v| Some((v, profile_without_region(facts, v)?)))
        .collect();
    let profile = lacking.first()?.1;
    let names: Vec<&str> = lacking.iter().map(|(v, _)| v.family.name()).collect();
    let region = variable("AWS_REGION")
        .or_else(|| variable("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| crate::config::DEFAULT_REGION.to_owned());
    Some(
        Finding::new(
            "no-region",
            Severity::Error,
            format!(
                "{} find no region for profile '{profile}' (the JavaScript SDK ignores AWS_DEFAULT_REGION)",
                names.join(", "),
            ),
        )
        .at(&facts.paths.aws_config, config_header_line(facts, profile))
        .fix(format!(
            "stscreds configure --profile {} --region {}",
            shell_word(profile),
            shell_word(&region)
        )),
    )
}

/// Of the profile `verdict`'s family reads and the one asked about (only that one with
/// `--all`), the first with no region in `~/.aws/config`.
fn profile_without_region<'a>(facts: &'a Facts, verdict: &'a Verdict) -> Option<&'a str> {
    let read = (!facts.one_of_all).then_some(verdict.profile.as_str());
    read.into_iter()
        .chain([facts.profile.as_str()])
        .find(|profile| (facts.config_value_for(verdict.family, profile, "region")).is_none())
}

/// (5) Repeated sections or keys (botocore refuses the file) and headers one SDK
/// misses.
fn repeated_text(facts: &Facts) -> Vec<Finding> {
    let files = [
        (&facts.paths.aws_credentials, &facts.credentials, false),
        (&facts.paths.aws_config, &facts.config, true),
    ];
    let mut found = Vec::new();
    for (path, document, is_config) in files {
        let Some(document) = document else { continue };
        if let Some(repeat) = document.first_duplicate() {
            let finding = match &repeat.key {
                Some(key) => Finding::new(
                    "repeated-key",
                    Severity::Error,
                    format!(
                        "[{}] sets {key} on lines {} and {}: the SDKs take the second, the AWS CLI and boto3 refuse the whole file",
                        repeat.section, repeat.first_line, repeat.second_line
                    ),
                )
                .fix(delete_line(path, repeat.first_line)),
                None => Finding::new(
                    "repeated-section",
                    Severity::Error,
                    format!(
                        "[{}] appears on lines {} and {}: the SDKs merge them, the AWS CLI and boto3 refuse the whole file; merge them by hand",
                        repeat.section, repeat.first_line, repeat.second_line
                    ),
                ),
            };
            found.push(finding.at(path, Some(repeat.second_line)));
        }
        for header in document.headers() {
            let profile_header = is_config
                .then(|| super::headers::written_for_every_family(&header))
                .flatten();
            let Some(written) =
                profile_header.or_else(|| (!header.plain).then(|| header.name.to_owned()))
            else {
                continue;
            };
            found.push(
                Finding::new(
                    "header-read-differently",
                    Severity::Warning,
                    format!(
                        "the header {:?} is not read the same by every SDK (the JavaScript SDK misses `[name]#note` and `[profile  name]`, the Rust SDK an indented header and `[profile \"name\"]`); write it as [{}]",
                        crate::message::printable(header.text),
                        crate::message::printable(&written)
                    ),
                )
                .at(path, Some(header.line)),
            );
        }
    }
    found
}

/// (5b) Half a key pair in the section of `~/.aws/credentials` a family reads: the AWS
/// CLI, boto3 and the Rust and Go SDKs fail on it, the JavaScript SDK passes over it.
fn partial_file_keys(facts: &Facts, verdicts: &[Verdict]) -> Option<Finding> {
    const PAIR: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];
    let document = facts.credentials.as_ref()?;
    let (profile, present, missing) = verdicts.iter().find_map(|verdict| {
        let profile = verdict.profile.as_str();
        match PAIR.map(|key| document.get(profile, key).is_some()) {
            [true, false] => Some((profile, PAIR[0], PAIR[1])),
            [false, true] => Some((profile, PAIR[1], PAIR[0])),
            _ => None,
        }
    })?;
    let path = &facts.paths.aws_credentials;
    let line = document.line_of(profile, present)?;
    Some(
        Finding::new(
            "partial-file-keys",
            Severity::Error,
            format!(
                "[{profile}] of {} has {present} without {missing}: the AWS CLI, boto3 and the Rust and Go SDKs fail on it, the JavaScript SDK passes over it; remove the line, or add the other half",
                path.display()
            ),
        )
        .at(path, Some(line))
        .fix(delete_line(path, line)),
    )
}

/// (5c) A web identity token file in the environment without `AWS_ROLE_ARN`, which
/// fails botocore and the Go SDK when they get to it.
fn web_identity_without_role(facts: &Facts, verdicts: &[Verdict]) -> Option<Finding> {
    if !facts.environment.web_identity_without_role {
        return None;
    }
    let failing = families(verdicts, |v| {
        v.failure.is_some() && matches!(v.family, Family::Botocore | Family::GoSdk)
    });
    if failing.is_empty() {
        return None;
    }
    let failing = failing.join(", ");
    Some(
        Finding::new(
            "web-identity-without-role",
            Severity::Error,
            format!(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN, which fails {failing}; the JavaScript and Rust SDKs pass over it"
            ),
        )
        .fix("unset AWS_WEB_IDENTITY_TOKEN_FILE".to_owned()),
    )
}

/// The suffix of the copy `sed -i` keeps while it edits (removed right after).
const SED_BACKUP: &str = ".stscreds-fix";

/// A command that deletes line `line` of `path` in place, with GNU and BSD (macOS) sed
/// alike: BSD's `-i` takes the next word as a backup suffix, so the suffix is attached
/// (`-iSUFFIX`, read the same by both), and the backup, a copy as private as the file,
/// is removed at once.
fn delete_line(path: &Path, line: usize) -> String {
    let file = path.display().to_string();
    format!(
        "sed -i{SED_BACKUP} '{line}d' {} && rm -f {}",
        shell_word(&file),
        shell_word(&format!("{file}{SED_BACKUP}"))
    )
}

/// The program a command line runs (its first word, shell-split).
pub fn program_of(line: &str) -> Option<String> {
    shlex::split(line)?.into_iter().next()
}

/// Whether `program` names stscreds.
pub fn is_stscreds(program: &str) -> bool {
    Path::new(program)
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name == "stscreds" || name == "stscreds-core")
}

/// Where `program` is: itself when it has a `/`, else the first match on `PATH`.
fn locate(program: &str, path: Option<String>) -> Option<PathBuf> {
    if program.contains('/') {
        let program = PathBuf::from(program);
        return is_executable(&program).then_some(program);
    }
    std::env::split_paths(&path?)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// (6) `credential_process` lines that run a stscreds that is missing or another one.
fn credential_processes(facts: &Facts) -> Vec<Finding> {
    let Some(config) = &facts.config else {
        return Vec::new();
    };
    let front = facts
        .front_executable
        .as_ref()
        .and_then(|path| std::fs::canonicalize(path).ok());
    let mut found = Vec::new();
    for section in config.sections() {
        let Some(profile) = crate::config::section_profile(section) else {
            continue;
        };
        let Some(line) = config.get(section, "credential_process") else {
            continue;
        };
        let Some(program) = program_of(line).filter(|p| is_stscreds(p)) else {
            continue;
        };
        let served = served_profile(line).unwrap_or_else(|| profile.clone());
        let fix = if served == profile {
            format!(
                "stscreds configure --profile {} --credential-process",
                shell_word(&profile)
            )
        } else {
            format!(
                "stscreds configure --profile {} --credential-process-for {}",
                shell_word(&profile),
                shell_word(&served)
            )
        };
        let at = config_header_line(facts, &profile);
        let located = locate(&program, (facts.lookup)("PATH"));
        let finding = match located {
            None => Finding::new(
                "credential-process-missing",
                Severity::Error,
                format!(
                    "the credential_process of profile '{profile}' runs {program}, which is not there: every AWS tool fails for it"
                ),
            ),
            Some(located) if front.is_some() && std::fs::canonicalize(&located).ok() != front => {
                if let Some(problem) = install_problem(&located) {
                    let message = format!(
                        "the credential_process of profile '{profile}' runs {}, but {problem}: the stscreds-core beside it is missing or of another version",
                        located.display()
                    );
                    found.push(
                        Finding::new("credential-process-core-mismatch", Severity::Error, message)
                            .at(&facts.paths.aws_config, at)
                            .fix(fix),
                    );
                    continue;
                }
                Finding::new(
                    "credential-process-other-stscreds",
                    Severity::Warning,
                    format!(
                        "the credential_process of profile '{profile}' runs {}, not this stscreds ({})",
                        located.display(),
                        facts
                            .front_executable
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default()
                    ),
                )
            }
            Some(_) => continue,
        };
        found.push(finding.at(&facts.paths.aws_config, at).fix(fix));
    }
    found
}

/// What is wrong with the install of the stscreds at `program`, if anything: its
/// `--version` is answered by the `stscreds-core` beside it, so it fails where that
/// is missing and names another version where that is another build.
fn install_problem(program: &Path) -> Option<String> {
    /// A `--version` takes milliseconds; one that hangs is a problem of its own.
    const PATIENCE: Duration = Duration::from_secs(10);
    let expected = concat!("stscreds ", env!("STSCREDS_VERSION"));
    let mut command = Command::new(program);
    command
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    match subprocess::run(subprocess::without_our_secrets(&mut command), PATIENCE) {
        Err(error) => Some(format!("it cannot start ({error})")),
        Ok(Outcome::TimedOut) => Some(format!(
            "its --version gave no answer within {} s",
            PATIENCE.as_secs()
        )),
        Ok(Outcome::Finished { status, .. }) if !status.success() => {
            Some("its --version fails".to_owned())
        }
        Ok(Outcome::Finished { stdout, .. }) => {
            let version = stdout.trim();
            (version != expected).then(|| format!("it is {version}, not {expected}"))
        }
    }
}

/// (6) The `stscreds` the shell finds on `PATH`, which runs every command doctor
/// prints and every `credential_process = stscreds …`, when it is another install than
/// this one and its `stscreds-core` is missing or of another version. (This install's
/// own `stscreds-core` is what runs doctor: `stscreds` cannot hand over to one that is
/// missing, and says so.)
fn broken_install_on_path(facts: &Facts) -> Option<Finding> {
    let front = facts.front_executable.as_ref()?;
    let found = locate("stscreds", (facts.lookup)("PATH"))?;
    if std::fs::canonicalize(&found).ok()? == std::fs::canonicalize(front).ok()? {
        return None;
    }
    let problem = install_problem(&found)?;
    let core = found.with_file_name("stscreds-core");
    let (code, what) = if is_executable(&core) {
        ("core-mismatch", "of another version")
    } else {
        ("core-missing", "missing")
    };
    let ours = [front.clone(), front.with_file_name("stscreds-core")];
    let mut copied: Vec<String> = ours
        .iter()
        .filter(|path| is_executable(path))
        .map(|path| shell_word(&path.display().to_string()))
        .collect();
    copied.dedup();
    let into = found.parent()?.display().to_string();
    Some(
        Finding::new(
            code,
            Severity::Error,
            format!(
                "the stscreds on your PATH, {}, is not this one, and {problem}: its stscreds-core is {what}, so it and the commands doctor prints fail or act as another version",
                found.display()
            ),
        )
        .fix(format!("cp -f {} {}/", copied.join(" "), shell_word(&into))),
    )
}

/// The `--profile NAME` of a `stscreds credential-process` line.
fn served_profile(line: &str) -> Option<String> {
    let words = shlex::split(line)?;
    let at = words.iter().position(|word| word == "--profile")?;
    words.get(at + 1).cloned()
}

/// (7) Files with keys or sessions, and their directories, that others can read.
fn not_private(facts: &Facts) -> Vec<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let paths = &facts.paths;
    let candidates = [
        paths.aws_credentials.clone(),
        paths.stscreds_dir.clone(),
        paths.long_term_credentials(),
        paths.private_sessions(),
        paths.encrypted_credentials(),
    ];
    candidates
        .iter()
        .filter_map(|path| {
            let metadata = std::fs::symlink_metadata(path).ok()?;
            let mode = metadata.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then(|| {
                let private = if metadata.is_dir() { "700" } else { "600" };
                Finding::new(
                    "not-private",
                    Severity::Warning,
                    format!("other users can read or enter it (mode {mode:o})"),
                )
                .at(path, None)
                .fix(format!(
                    "chmod {private} {}",
                    shell_word(&path.display().to_string())
                ))
            })
        })
        .collect()
}

/// (8) A session of ours left in `~/.aws/credentials` for a profile whose sessions now
/// live in stscreds' private file (it has a stscreds `credential_process`): botocore
/// and the JavaScript SDK take those keys before the process, until they expire and
/// after.
fn stale_copies(facts: &Facts) -> Vec<Finding> {
    let Some(credentials) = &facts.credentials else {
        return Vec::new();
    };
    credentials
        .sections()
        .into_iter()
        .filter(|section| facts.is_our_session(section) && facts.runs_stscreds(section))
        .map(|section| {
            Finding::new(
                "stale-session-copy",
                Severity::Error,
                format!(
                    "[{section}] holds an old session of profile '{section}', whose credential_process stscreds serves now; the AWS CLI, boto3 and the JavaScript SDK use this copy instead"
                ),
            )
            .at(&facts.paths.aws_credentials, header_line(facts, section))
            .fix(format!("stscreds clear --profile {}", shell_word(section)))
        })
        .collect()
}

/// (9) An `mfa_process` whose program is not there.
fn mfa_process(facts: &Facts) -> Option<Finding> {
    // The code of a role's session is the base profile's, got by the base's mfa_process.
    let base = base_of(facts, &facts.profile);
    let line = facts.config_value(&base, "mfa_process")?;
    let program = program_of(line)?;
    if locate(&program, (facts.lookup)("PATH")).is_some() {
        return None;
    }
    Some(
        Finding::new(
            "mfa-process-missing",
            Severity::Error,
            format!(
                "the mfa_process of profile '{base}' runs {program}, which is not an executable here"
            ),
        )
        .at(&facts.paths.aws_config, config_header_line(facts, &base))
        .fix(format!(
            "stscreds configure --profile {} --unset mfa_process",
            shell_word(&base)
        )),
    )
}

/// The profile whose long-term keys start `profile`'s chain: its `source_profile`'s,
/// followed to a profile without one (a chain that goes round stops where it would
/// repeat).
fn base_of(facts: &Facts, profile: &str) -> String {
    let mut chain = vec![profile];
    let mut current = profile;
    while let Some(source) = facts.config_value(current, "source_profile") {
        if chain.contains(&source) {
            break;
        }
        chain.push(source);
        current = source;
    }
    current.to_owned()
}

/// Whose long-term keys and MFA code renew the profile's session, and where that is
/// asked from: the base profile (a role's `source_profile`) of the profile a stscreds
/// `credential_process` serves, asked by `credential-process`, which the AWS tools run
/// with no terminal on standard input; else of the profile itself, asked by a command
/// run here. `None` inside `stscreds exec` or beside a credential server, which renew
/// elsewhere.
fn renewal(facts: &Facts) -> Option<(String, TerminalSide)> {
    let (served, side) = match facts.managed_source() {
        Source::CredentialProcess => {
            let line = facts.config_value(&facts.profile, "credential_process")?;
            let served = served_profile(line).unwrap_or_else(|| facts.profile.clone());
            (served, TerminalSide::ControllingTerminal)
        }
        Source::CredentialsFile | Source::Role => (facts.profile.clone(), TerminalSide::Stdin),
        _ => return None,
    };
    Some((base_of(facts, &served), side))
}

/// Where `profile`'s MFA questions are shown: `STSCREDS_MFA_PROMPT`, else its
/// `mfa_prompt`, else auto (a value stscreds refuses is the business of the command
/// that reads it).
fn prompt_kind(facts: &Facts, profile: &str) -> PromptKind {
    (facts.lookup)(crate::env::PROMPT_VARIABLE)
        .filter(|value| !value.trim().is_empty())
        .or_else(|| facts.config_value(profile, "mfa_prompt").map(str::to_owned))
        .and_then(|name| PromptKind::named(&name))
        .unwrap_or_default()
}

/// (10) A session renewed with a code asked for (no `mfa_process`) where nobody can
/// answer as the profile's prompt kind says: `stscreds auth` and the renewals fail
/// here.
fn no_one_to_ask(facts: &Facts) -> Option<Finding> {
    let (base, side) = renewal(facts)?;
    if facts.config_value(&base, "mfa_process").is_some() {
        return None;
    }
    let kind = prompt_kind(facts, &base);
    let why = (facts.nobody_can_answer)(kind, side)?;
    let asker = match side {
        TerminalSide::Stdin => "",
        TerminalSide::ControllingTerminal => {
            " (asked by the credential_process, which the AWS tools run without a terminal on standard input)"
        }
    };
    Some(
        Finding::new(
            "mfa-no-one-to-ask",
            Severity::Warning,
            format!(
                "a session of profile '{base}' needs an MFA code{asker}, and nobody can be asked for it here with the {} prompt: {why}; give it an mfa_process, or run `stscreds auth --profile {}` in a terminal",
                kind.name(),
                shell_word(&base)
            ),
        )
        .at(&facts.paths.aws_config, config_header_line(facts, &base))
        .fix(format!(
            "stscreds configure --profile {} --mfa-process COMMAND",
            shell_word(&base)
        )),
    )
}

/// What the session bus says of the Secret Service, when it says something that
/// matters.
#[cfg(all(unix, not(target_os = "macos")))]
enum SecretService {
    /// Nothing answers for it: why.
    Absent(String),
    /// Its default collection, where the keyring backend keeps keys, is locked.
    Locked,
}

/// (11) A profile whose long-term keys are in the keyring (Secret Service), where no
/// Secret Service answers on the session bus, or its default collection is locked.
/// Looked at with one property read over D-Bus, which opens no item and asks nothing.
/// (The Keychain of macOS is not looked at.)
#[cfg(all(unix, not(target_os = "macos")))]
fn keyring(facts: &Facts) -> Option<Finding> {
    let (base, _) = renewal(facts)?;
    let state = crate::config::state::load(&facts.paths, &base).ok()?;
    if state.backend != Some(crate::config::state::Backend::Keyring) {
        return None;
    }
    let finding = match secret_service(facts)? {
        SecretService::Absent(why) => Finding::new(
            "keyring-absent",
            Severity::Error,
            format!(
                "the long-term keys of profile '{base}' are in the Secret Service keyring, and none can be reached here ({why}): every renewal of its session fails; store the keys again where they can be read here"
            ),
        )
        .fix(format!(
            "stscreds init --profile {} --backend encrypted-file",
            shell_word(&base)
        )),
        SecretService::Locked => Finding::new(
            "keyring-locked",
            Severity::Warning,
            format!(
                "the long-term keys of profile '{base}' are in the Secret Service keyring, which is locked: the next renewal of its session has it ask for its password, and where nobody is there to give it (a credential_process in an IDE, a renewal in the background) it fails; renew now, unlocking it"
            ),
        )
        .fix(format!("stscreds auth --profile {}", shell_word(&base))),
    };
    Some(finding.at(&facts.paths.state(), None))
}

/// Whether the Secret Service on the session bus (the one the keyring crate finds:
/// `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`) is absent or its default
/// collection locked, asked with `dbus-send` (a time limit; it starts no bus of its
/// own, since it is given the address). `None` when all is well or it cannot be told.
#[cfg(all(unix, not(target_os = "macos")))]
fn secret_service(facts: &Facts) -> Option<SecretService> {
    /// A property read takes milliseconds; a Secret Service starting on demand, a second.
    const PATIENCE: Duration = Duration::from_secs(10);
    let address = match (facts.lookup)("DBUS_SESSION_BUS_ADDRESS").filter(|a| !a.is_empty()) {
        Some(address) => address,
        None => {
            let runtime = (facts.lookup)("XDG_RUNTIME_DIR")
                .unwrap_or_else(|| format!("/run/user/{}", rustix::process::geteuid().as_raw()));
            let socket = Path::new(&runtime).join("bus");
            if !socket.exists() {
                return Some(SecretService::Absent(format!(
                    "no D-Bus session: DBUS_SESSION_BUS_ADDRESS is unset and there is no {}",
                    socket.display()
                )));
            }
            format!("unix:path={}", socket.display())
        }
    };
    let mut command = Command::new("dbus-send");
    command
        .args([
            "--session",
            "--print-reply=literal",
            "--reply-timeout=5000",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets/aliases/default",
            "org.freedesktop.DBus.Properties.Get",
            "string:org.freedesktop.Secret.Collection",
            "string:Locked",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    let outcome = subprocess::run(subprocess::without_our_secrets(&mut command), PATIENCE);
    let Ok(Outcome::Finished { stdout, stderr, .. }) = outcome else {
        return None;
    };
    if stdout.contains("boolean true") {
        Some(SecretService::Locked)
    } else if stderr.contains("Failed to open connection") {
        Some(SecretService::Absent(format!(
            "nothing answers on the D-Bus session bus at {address}"
        )))
    } else if stderr.contains("ServiceUnknown") || stderr.contains("NameHasNoOwner") {
        Some(SecretService::Absent(
            "no Secret Service (GNOME Keyring, KWallet) on the D-Bus session bus".to_owned(),
        ))
    } else {
        None
    }
}
