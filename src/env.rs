//! What the environment says to stscreds, read in one place, once per run: the
//! [`Settings`] a command's `Context` carries. The variables of stscreds' own
//! (`STSCREDS_*`) and those of the AWS tools and the system that stscreds takes as
//! settings (`HOME`, `AWS_PROFILE`, `AWS_REGION`, `BROWSER`, `SHELL`, …) are read
//! here and nowhere else. A value that does not parse is kept with its message and
//! reported only by the command that uses it, so a bad `STSCREDS_TIMEOUT` does not stop
//! a command that makes no AWS call. Kept at the bottom of the module graph, since
//! files, AWS calls and MFA commands all take their settings from here.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use secrecy::SecretString;

use crate::invalid::Invalid;
use crate::output::{CREDENTIAL_VARIABLES, OVERRIDING_VARIABLES};

/// The environment variable that supplies the passphrase of the encrypted key file, for
/// automation; never passed on to a command stscreds runs.
pub const PASSPHRASE_VARIABLE: &str = "STSCREDS_FILE_PASSPHRASE";

/// The shared credentials file stscreds uses, set by `exec --server` for its command,
/// whose `AWS_SHARED_CREDENTIALS_FILE` names an empty file (so that the command's SDKs
/// ask the credential server): a stscreds run inside still finds the sessions.
pub const SHARED_CREDENTIALS_VARIABLE: &str = "STSCREDS_SHARED_CREDENTIALS_FILE";

/// The config file stscreds uses, set by `exec --server` for its command, whose
/// `AWS_CONFIG_FILE` names a config with the served profile's settings and no source
/// of credentials (so that the command's SDKs ask the credential server): a stscreds
/// run inside still finds the profiles.
pub const CONFIG_VARIABLE: &str = "STSCREDS_CONFIG_FILE";

/// Set by `stscreds exec` in its command's environment: the profile it runs as. A
/// command run inside without `--profile` (a `.bashrc` that runs `stscreds read`) means
/// that profile, not `default`.
pub const EXEC_PROFILE_VARIABLE: &str = "STSCREDS_PROFILE";

/// The environment variable naming the backend for profiles that have none yet.
pub const BACKEND_VARIABLE: &str = "STSCREDS_BACKEND";

/// The environment variable that chooses the kind of prompt, over `mfa_prompt`.
pub const PROMPT_VARIABLE: &str = "STSCREDS_MFA_PROMPT";

/// Replaces the scheme and host of the federation endpoint (for both requests), for
/// tests and proxies; the path stays `/federation`.
pub const SIGNIN_ENDPOINT_VARIABLE: &str = "STSCREDS_SIGNIN_ENDPOINT";

/// The variable that names the user's browser command, as many programs read it.
pub const BROWSER_VARIABLE: &str = "BROWSER";

/// A setting's value, or why the variable's text is not one: the message is kept until
/// a command uses the value, so only the commands that need it fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T>(Result<T, String>);

impl<T: Copy> Setting<T> {
    /// A value that holds in any environment (the default, or one set in a test).
    pub fn fixed(value: T) -> Self {
        Self(Ok(value))
    }

    /// The value, or the error that names the variable and says what it should be.
    pub fn get(&self) -> Result<T, Invalid> {
        self.0.clone().map_err(Invalid)
    }
}

/// The time limits the environment sets (each a duration like `30s` or `2m`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeouts {
    /// `STSCREDS_TIMEOUT`, else 20 s: how long one attempt of an AWS call may take.
    pub aws: Setting<Duration>,
    /// `STSCREDS_LOCK_TIMEOUT`, else 2 minutes: how long to wait for a lock another
    /// stscreds process holds.
    pub lock: Setting<Duration>,
    /// `STSCREDS_MFA_TIMEOUT`, else a minute: how long an MFA command or a dialog may
    /// take to answer.
    pub mfa: Setting<Duration>,
    /// `STSCREDS_ROTATE_WAIT`, else a minute: how long a new access key may take to
    /// start working (IAM is eventually consistent).
    pub rotate_wait: Setting<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            aws: Setting::fixed(Duration::from_secs(20)),
            lock: Setting::fixed(Duration::from_secs(120)),
            mfa: Setting::fixed(Duration::from_secs(60)),
            rotate_wait: Setting::fixed(Duration::from_secs(60)),
        }
    }
}

/// What the environment sets over every profile of `~/.aws/config`, as the AWS CLI
/// lets it: each wins over the profile's own setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileOverrides {
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    pub region: Option<String>,
    /// `AWS_STS_REGIONAL_ENDPOINTS`.
    pub sts_regional_endpoints: Option<String>,
    /// `STSCREDS_MFA_PROMPT`, as given (the config module knows the kinds).
    pub mfa_prompt: Option<String>,
    /// `STSCREDS_TIMEOUT` (see [`Timeouts::aws`]), which the profile's AWS calls take.
    pub aws_timeout: Setting<Duration>,
}

/// The profile the environment names, when the command line names none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedProfile {
    /// The variable that names it, for messages.
    pub variable: &'static str,
    /// The name as given.
    pub name: String,
}

/// Everything stscreds takes from the environment, read once per run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `HOME`, if set and not empty.
    pub home: Option<PathBuf>,
    /// `STSCREDS_SHARED_CREDENTIALS_FILE`, else `AWS_SHARED_CREDENTIALS_FILE`.
    pub credentials_file: Option<OsString>,
    /// `STSCREDS_CONFIG_FILE`, else `AWS_CONFIG_FILE`.
    pub config_file: Option<OsString>,
    /// `AWS_PROFILE`, else `STSCREDS_PROFILE` (each if not empty).
    pub profile: Option<NamedProfile>,
    /// `STSCREDS_PROFILE` as set (even empty): this run is inside `stscreds exec`.
    pub inside_exec: Option<OsString>,
    /// `STSCREDS_BACKEND`, if not blank.
    pub backend: Option<String>,
    /// What the environment sets over each profile.
    pub profiles: ProfileOverrides,
    /// The time limits.
    pub timeouts: Timeouts,
    /// `STSCREDS_FILE_PASSPHRASE`, if not empty.
    pub passphrase: Option<SecretString>,
    /// `STSCREDS_SIGNIN_ENDPOINT`, if not blank.
    pub signin_endpoint: Option<String>,
    /// `BROWSER`, as set.
    pub browser: Option<String>,
    /// `SHELL`: what `exec` runs when no command is given.
    pub shell: Option<OsString>,
    /// `XDG_RUNTIME_DIR`: where the credential server's private files go.
    pub runtime_dir: Option<PathBuf>,
    /// Which of the variables that carry credentials to the AWS tools, or make them
    /// look elsewhere ([`CREDENTIAL_VARIABLES`], [`OVERRIDING_VARIABLES`]), are set
    /// (not empty) here: the tools started from this shell would prefer them to what
    /// stscreds writes or serves.
    pub aws_variables_set: Vec<&'static str>,
}

impl Settings {
    /// The settings of this process's environment, read the first time they are asked
    /// for. A command carries them in its context; code far below any context (the
    /// lock around every file edit, the encrypted store's passphrase) and the fast
    /// paths read them here, so the environment is read once per run either way.
    pub fn process() -> &'static Self {
        static PROCESS: OnceLock<Settings> = OnceLock::new();
        PROCESS.get_or_init(|| Self::from_lookup(&|name| std::env::var_os(name)))
    }

    /// The settings of the environment `lookup` gives, with every precedence between
    /// variables settled here.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<OsString>) -> Self {
        // As `std::env::var`: a value that is not Unicode is not a setting.
        let text = |name: &str| lookup(name).and_then(|value| value.into_string().ok());
        let first_set = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.is_empty()))
        };
        let trimmed = |names: &[&str]| {
            names
                .iter()
                .filter_map(|name| text(name))
                .map(|value| value.trim().to_owned())
                .find(|value| !value.is_empty())
        };
        let duration = |name: &str, default: u64| {
            Setting(parse_duration(
                name,
                text(name),
                Duration::from_secs(default),
            ))
        };
        let timeouts = Timeouts {
            aws: duration("STSCREDS_TIMEOUT", 20),
            lock: duration("STSCREDS_LOCK_TIMEOUT", 120),
            mfa: duration("STSCREDS_MFA_TIMEOUT", 60),
            rotate_wait: duration("STSCREDS_ROTATE_WAIT", 60),
        };
        Self {
            home: first_set(&["HOME"]).map(PathBuf::from),
            credentials_file: first_set(&[
                SHARED_CREDENTIALS_VARIABLE,
                "AWS_SHARED_CREDENTIALS_FILE",
            ]),
            config_file: first_set(&[CONFIG_VARIABLE, "AWS_CONFIG_FILE"]),
            profile: ["AWS_PROFILE", EXEC_PROFILE_VARIABLE]
                .into_iter()
                .find_map(|variable| {
                    let name = text(variable).filter(|name| !name.is_empty())?;
                    Some(NamedProfile { variable, name })
                }),
            inside_exec: lookup(EXEC_PROFILE_VARIABLE),
            backend: text(BACKEND_VARIABLE).filter(|value| !value.trim().is_empty()),
            profiles: ProfileOverrides {
                region: trimmed(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
                sts_regional_endpoints: trimmed(&["AWS_STS_REGIONAL_ENDPOINTS"]),
                mfa_prompt: trimmed(&[PROMPT_VARIABLE]),
                aws_timeout: timeouts.aws.clone(),
            },
            timeouts,
            passphrase: text(PASSPHRASE_VARIABLE)
                .filter(|value| !value.is_empty())
                .map(SecretString::from),
            signin_endpoint: text(SIGNIN_ENDPOINT_VARIABLE).filter(|v| !v.trim().is_empty()),
            browser: text(BROWSER_VARIABLE),
            shell: lookup("SHELL"),
            runtime_dir: lookup("XDG_RUNTIME_DIR").map(PathBuf::from),
            aws_variables_set: CREDENTIAL_VARIABLES
                .into_iter()
                .chain(OVERRIDING_VARIABLES)
                .filter(|name| lookup(name).is_some_and(|value| !value.is_empty()))
                .collect(),
        }
    }
}

/// The settings of an environment that holds only `pairs`, for tests.
#[cfg(test)]
pub fn settings_of(pairs: &[(&str, &str)]) -> Settings {
    Settings::from_lookup(&|name| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| OsString::from(value))
    })
}

fn parse_duration(name: &str, text: Option<String>, default: Duration) -> Result<Duration, String> {
    match text {
        Some(text) if !text.trim().is_empty() => humantime::parse_duration(text.trim())
            .ok()
            .filter(|duration| !duration.is_zero())
            .ok_or_else(|| format!("{name}: '{text}' is not a duration like 30s or 2m")),
        _ => Ok(default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::settings_of as settings;

    #[test]
    fn stscreds_own_file_variables_win_over_the_aws_ones() {
        let both = settings(&[
            ("AWS_CONFIG_FILE", "/a/config"),
            (CONFIG_VARIABLE, "/s/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/a/credentials"),
            (SHARED_CREDENTIALS_VARIABLE, ""),
        ]);
        assert_eq!(both.config_file, Some("/s/config".into()));
        assert_eq!(
            both.credentials_file,
            Some("/a/credentials".into()),
            "an empty variable is unset"
        );
        assert_eq!(settings(&[("HOME", "")]).home, None);
    }

    #[test]
    fn aws_profile_wins_over_the_profile_exec_runs_as() {
        let named = settings(&[("AWS_PROFILE", "work"), (EXEC_PROFILE_VARIABLE, "ops")]);
        assert_eq!(
            named.profile,
            Some(NamedProfile {
                variable: "AWS_PROFILE",
                name: "work".into()
            })
        );
        assert_eq!(named.inside_exec, Some("ops".into()));
        let inside = settings(&[("AWS_PROFILE", ""), (EXEC_PROFILE_VARIABLE, "ops")]);
        assert_eq!(inside.profile.unwrap().variable, EXEC_PROFILE_VARIABLE);
        let empty = settings(&[(EXEC_PROFILE_VARIABLE, "")]);
        assert_eq!((empty.profile, empty.inside_exec), (None, Some("".into())));
    }

    #[test]
    fn aws_region_wins_over_aws_default_region_and_blanks_do_not_count() {
        let region = |env: &[(&str, &str)]| settings(env).profiles.region;
        assert_eq!(
            region(&[("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "x")]),
            Some("us-west-2".into())
        );
        assert_eq!(
            region(&[("AWS_REGION", " "), ("AWS_DEFAULT_REGION", " ap-east-1 ")]),
            Some("ap-east-1".into())
        );
        assert_eq!(region(&[]), None);
    }

    #[test]
    fn durations_default_and_a_bad_one_is_kept_for_the_command_that_uses_it() {
        let defaults = settings(&[("STSCREDS_LOCK_TIMEOUT", " ")]);
        assert_eq!(defaults.timeouts, Timeouts::default());
        let set = settings(&[("STSCREDS_TIMEOUT", "5s"), ("STSCREDS_ROTATE_WAIT", "0s")]);
        assert_eq!(set.timeouts.aws.get().unwrap(), Duration::from_secs(5));
        assert_eq!(set.profiles.aws_timeout, set.timeouts.aws);
        assert_eq!(
            set.timeouts.rotate_wait.get().unwrap_err().to_string(),
            "STSCREDS_ROTATE_WAIT: '0s' is not a duration like 30s or 2m"
        );
        assert!(set.timeouts.lock.get().is_ok(), "only the bad one fails");
    }

    #[test]
    fn the_aws_variables_set_here_are_listed_in_order_and_empty_ones_do_not_count() {
        let env = settings(&[
            ("AWS_PROFILE", "p"),
            ("AWS_SESSION_TOKEN", "t"),
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_REGION", "eu-west-1"),
        ]);
        assert_eq!(env.aws_variables_set, ["AWS_SESSION_TOKEN", "AWS_PROFILE"]);
    }

    #[test]
    fn blank_choices_are_unset() {
        let blank = settings(&[
            (BACKEND_VARIABLE, " "),
            (PROMPT_VARIABLE, ""),
            (SIGNIN_ENDPOINT_VARIABLE, " "),
            (PASSPHRASE_VARIABLE, ""),
        ]);
        assert_eq!(
            (
                blank.backend,
                blank.profiles.mfa_prompt,
                blank.signin_endpoint
            ),
            (None, None, None)
        );
        assert!(blank.passphrase.is_none());
        let set = settings(&[(BACKEND_VARIABLE, "keyring"), (PROMPT_VARIABLE, " zenity ")]);
        assert_eq!(set.backend.as_deref(), Some("keyring"));
        assert_eq!(set.profiles.mfa_prompt.as_deref(), Some("zenity"));
    }
}
