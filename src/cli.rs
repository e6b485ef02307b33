//! The command line, as clap definitions: one struct per command.

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand};

use crate::env::{NamedProfile, Settings};
use crate::ini::is_valid_profile_name;
use crate::invalid::Invalid;
use crate::message::shell_word;
use crate::session::{CredentialKey, SessionDuration, TokenCode};
use crate::store::Backend;

/// Temporary, MFA-protected AWS credentials, written where every AWS tool looks.
#[derive(Debug, Parser)]
#[command(name = "stscreds", version = env!("STSCREDS_VERSION"), propagate_version = true)]
pub struct Cli {
    /// The profile to work on: its stored long-term keys and its session credentials
    /// in ~/.aws/credentials [default: $AWS_PROFILE, else $STSCREDS_PROFILE (set by
    /// `stscreds exec`), else default]
    #[arg(long, global = true, value_parser = parse_profile)]
    pub profile: Option<String>,

    /// Trace each AWS call (service, operation, duration, request id) on stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store long-term access keys for a profile, after checking them with AWS.
    Init {
        /// Where to keep the keys [default: $STSCREDS_BACKEND, else the profile's
        /// current backend, else file]
        #[arg(long, value_enum)]
        backend: Option<Backend>,
        /// The region to check the keys in and to record as the profile's `region` in
        /// ~/.aws/config, which the AWS tools need [default: the profile's region, else
        /// $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1]
        #[arg(long)]
        region: Option<String>,
    },
    /// Get session credentials with an MFA code and write them to ~/.aws/credentials.
    Auth(AuthArgs),
    /// Print one value of the profile's session credentials, authenticating first if
    /// they are missing or expired.
    Read(ReadArgs),
    /// Show the IAM user behind the stored keys and its MFA devices; for a role
    /// profile, the assumed role.
    Whoami(MfaOnly),
    /// Print the profile's session credentials as the JSON the AWS SDKs expect from a
    /// `credential_process`, renewing them when less than 15 minutes remain.
    CredentialProcess(MfaOnly),
    /// Run a command (default: $SHELL) with the profile's session credentials in its
    /// environment.
    Exec(ExecArgs),
    /// Print the profile's session credentials for a shell or a tool to load.
    Export(ExportArgs),
    /// Say which credentials each AWS tool would use here, and what is wrong.
    ///
    /// For the profile: the source the AWS CLI and boto3 (botocore), the JavaScript SDK
    /// v3 and the Rust SDK each take credentials from in this environment (and the
    /// sources it shadows), whether that is what stscreds set up; then every problem
    /// found (environment keys or AWS_PROFILE overriding the profile, a file session
    /// hiding a credential server, long-term keys in plain text, no region, repeated
    /// sections or keys, a credential_process or mfa_process that is missing, files
    /// others can read, a stale copy of a session), each with one command that fixes
    /// it. Reads only files and the environment (no network); never prints a secret
    /// (key ids as their last four characters). Exit status 0 when nothing is wrong, 1
    /// otherwise. The --json document's schema is in docs/commands.md.
    Doctor(DoctorArgs),
    /// Serve the profile's session credentials on 127.0.0.1, as ECS does, renewing
    /// them ahead of expiry, for tools started elsewhere (an IDE, a container); prints
    /// the variables that point the AWS SDKs at it, then serves until stopped.
    Serve(ServeArgs),
    /// Open the AWS console signed in with the profile's credentials: a role's,
    /// which carry MFA, through AWS's federation endpoint.
    Login(LoginArgs),
    /// Write settings for the profile into ~/.aws/config (format-preserving).
    Configure(ConfigureArgs),
    /// List the profiles stscreds serves: backend, user, MFA device and session; for
    /// role profiles, their source.
    List {
        /// Print only the profile names the files know, one a line (for shell
        /// completion).
        #[arg(long, hide = true)]
        names: bool,
    },
    /// Print the recommended IAM policy for the profile's IAM user, ready to paste.
    Policy {
        /// Add the statement that lets `stscreds login --federation-token` sign in to
        /// the console without MFA.
        #[arg(long)]
        federation_token: bool,
    },
    /// Delete the profile's stored long-term keys (asks first).
    Remove {
        /// Do not ask for confirmation (for scripts).
        #[arg(long)]
        yes: bool,
        /// Also clear the profile's cached sessions.
        #[arg(long)]
        sessions: bool,
    },
    /// Forget the profile's cached sessions, and those of the role profiles built on
    /// it; its long-term keys stay.
    Clear {
        /// Forget every session stscreds cached, of every profile (never a long-term
        /// key).
        #[arg(long)]
        all: bool,
    },
    /// Move the profile's long-term keys to another backend (the new copy is written
    /// and read back before the old one is removed).
    Migrate {
        /// The backend to move the keys to.
        #[arg(long, value_enum)]
        to: Backend,
    },
    /// Replace the profile's access key with a new one: create, verify, store, then
    /// delete the old key.
    Rotate(MfaOnly),
    /// Print shell completions, or install them for your shell (`stscreds completions
    /// --install`).
    Completions {
        /// The shell [default with --install: the one $SHELL names]
        #[arg(value_enum, required_unless_present = "install")]
        shell: Option<clap_complete::Shell>,
        /// Write the script where the shell loads it for you (bash, zsh, fish), creating
        /// the directory, and say where.
        #[arg(long)]
        install: bool,
    },
}

/// Options of `configure`: what to write into the profile's section of ~/.aws/config.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct ConfigureArgs {
    /// Make AWS tools get this profile's credentials from `stscreds credential-process`.
    #[arg(long)]
    pub credential_process: bool,

    /// Make AWS tools get another profile's credentials (a role profile's, say) from
    /// `stscreds credential-process` through this one.
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile, conflicts_with = "credential_process")]
    pub credential_process_for: Option<String>,

    /// The MFA device to use (`mfa_serial`).
    #[arg(long, value_name = "ARN")]
    pub mfa_serial: Option<String>,

    /// A command that prints the MFA code (`mfa_process`).
    #[arg(long, value_name = "COMMAND")]
    pub mfa_process: Option<String>,

    /// The region (`region`).
    #[arg(long)]
    pub region: Option<String>,

    /// Remove this setting from the profile's section (repeatable: `--unset
    /// mfa_process --unset region`).
    #[arg(long, value_name = "KEY", value_parser = parse_setting_key)]
    pub unset: Vec<String>,
}

/// Options of commands whose only options are the MFA ones.
#[derive(Debug, Args)]
pub struct MfaOnly {
    /// MFA options, used only if the credentials have to be renewed.
    #[command(flatten)]
    pub mfa: MfaArgs,
}

/// Options of `exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The profile, where aws-vault users type it (the same as --profile).
    #[arg(value_name = "PROFILE", value_parser = parse_profile)]
    pub named_profile: Option<String>,

    /// MFA options, used only if the credentials have to be renewed.
    #[command(flatten)]
    pub mfa: MfaArgs,

    /// Run even inside another `stscreds exec` (whose credentials would be replaced).
    #[arg(long)]
    pub force: bool,

    /// Serve the credentials to the command from a local credential server that renews
    /// them ahead of expiry (AWS_CONTAINER_CREDENTIALS_FULL_URI), instead of putting
    /// them in its environment: for commands that outlive one session.
    #[arg(long)]
    pub server: bool,

    /// The command and its arguments (after `--`); without one, your $SHELL.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

/// Options of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The profile, where aws-vault users type it (the same as --profile).
    #[arg(value_name = "PROFILE", value_parser = parse_profile)]
    pub named_profile: Option<String>,

    /// MFA options, used only if the credentials have to be renewed.
    #[command(flatten)]
    pub mfa: MfaArgs,

    /// The syntax to print.
    #[arg(long, value_enum, default_value = "sh")]
    pub format: crate::output::Format,
}

/// Options of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The profile, where aws-vault users type it (the same as --profile).
    #[arg(value_name = "PROFILE", value_parser = parse_profile)]
    pub named_profile: Option<String>,

    /// MFA options, used only if the credentials have to be renewed.
    #[command(flatten)]
    pub mfa: MfaArgs,

    /// How long new credentials, and so the console session, last (the same as
    /// --expires); for a profile with one role, more than 1h gives a console session
    /// that long, up to 12h
    #[arg(long, value_parser = SessionDuration::parse, conflicts_with = "expires")]
    pub duration: Option<SessionDuration>,

    /// The console's region (and so its partition and hosts) [default: the profile's
    /// region]
    #[arg(long)]
    pub region: Option<String>,

    /// The console page to open (an https:// URL) [default: the region's console home]
    #[arg(long, value_name = "URL", conflicts_with = "service")]
    pub destination: Option<String>,

    /// Open this service's console (s3, ec2, iam, lambda, ...).
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,

    /// Print the sign-in URL on stdout instead of opening a browser.
    #[arg(long)]
    pub stdout: bool,

    /// The browser command to open the URL with (split into words as a shell would; the
    /// URL is added as its last argument) [default: $BROWSER, else the system's opener]
    #[arg(long, value_name = "COMMAND", conflicts_with = "stdout")]
    pub browser: Option<String>,

    /// For a profile without a role: sign in with sts:GetFederationToken and the
    /// long-term keys. The console session has NO MFA.
    #[arg(long, conflicts_with_all = ["role_arn", "token_code", "mfa_serial", "mfa_command"])]
    pub federation_token: bool,
}

/// How the MFA code and device are chosen.
#[derive(Debug, Clone, Default, Args)]
pub struct MfaArgs {
    /// How long new session credentials last, from 15m to 36h (e.g. 90m, 12h)
    /// [default: the profile's duration_seconds, else 1h]
    #[arg(long, value_parser = SessionDuration::parse)]
    pub expires: Option<SessionDuration>,

    /// The 6-digit MFA code; without it, stscreds asks for one.
    #[arg(long, value_name = "CODE", value_parser = parse_token_code)]
    pub token_code: Option<TokenCode>,

    /// The MFA device to use (its ARN), for users with several; remembered.
    #[arg(long, value_name = "ARN")]
    pub mfa_serial: Option<String>,

    /// A command that prints the MFA code (e.g. `ykman oath accounts code --single
    /// "$STSCREDS_MFA_SERIAL"`), run with `sh -c`; overrides the profile's mfa_process.
    #[arg(long, value_name = "COMMAND")]
    pub mfa_command: Option<String>,

    /// Where to ask for the MFA code (and the encrypted file's passphrase): the
    /// terminal or a dialog window [default: STSCREDS_MFA_PROMPT, else the profile's
    /// mfa_prompt, else auto]
    #[arg(long, value_enum, value_name = "KIND")]
    pub mfa_prompt: Option<crate::ui::prompt::PromptKind>,

    /// Assume this IAM role with the profile's MFA session (instead of a role profile
    /// in ~/.aws/config).
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
}

/// Options of `auth`.
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// The profile, where aws-vault users type it (the same as --profile).
    #[arg(value_name = "PROFILE", value_parser = parse_profile)]
    pub named_profile: Option<String>,

    /// MFA options.
    #[command(flatten)]
    pub mfa: MfaArgs,

    /// Also print `export AWS_…=…` lines on stdout, for `eval "$(stscreds auth --output-env)"`.
    #[arg(long)]
    pub output_env: bool,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// MFA options, for the first credentials and every renewal.
    #[command(flatten)]
    pub mfa: MfaArgs,

    /// The port to listen on, on 127.0.0.1 only [default: any free port]
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// The syntax of the variables printed (sh, fish, powershell, cmd, dotenv, json).
    #[arg(long, value_enum, default_value = "sh")]
    pub format: crate::output::Format,
}

/// Options of `doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Diagnose every profile the AWS files name, not only one.
    #[arg(long, conflicts_with = "profile")]
    pub all: bool,

    /// Print one JSON document (schema in docs/commands.md) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Also call AWS with the profile's stored session, if it is fresh (never asking
    /// for a code): whom AWS sees (sts:GetCallerIdentity; it must be the profile's user
    /// or role), this clock's offset from AWS's, and the age of the long-term key
    /// (iam:ListAccessKeys).
    #[arg(long)]
    pub online: bool,
}

/// Options of `read`.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Which value to print.
    #[arg(value_enum)]
    pub key: CredentialKey,

    /// MFA options, used only if the credentials have to be renewed.
    #[command(flatten)]
    pub mfa: MfaArgs,
}

impl Cli {
    /// The profile: `--profile` or the command's PROFILE argument (not two different
    /// ones), else as [`resolve_profile`] finds it in `settings`.
    pub fn profile(&self, settings: &Settings) -> Result<String, Invalid> {
        let named = match &self.command {
            Command::Auth(args) => args.named_profile.as_deref(),
            Command::Exec(args) => args.named_profile.as_deref(),
            Command::Export(args) => args.named_profile.as_deref(),
            Command::Login(args) => args.named_profile.as_deref(),
            _ => None,
        };
        match (self.profile.as_deref(), named) {
            (Some(flag), Some(named)) if flag != named => Err(Invalid(format!(
                "two profiles given, --profile {} and {}; give one",
                shell_word(flag),
                shell_word(named)
            ))),
            (flag, named) => resolve_profile(flag.or(named), settings),
        }
    }
}

/// The profile: `flag`, else the one `settings` name (a non-empty `AWS_PROFILE`, else a
/// non-empty `STSCREDS_PROFILE`: inside `stscreds exec`, the profile it runs as), else
/// `default`.
pub fn resolve_profile(flag: Option<&str>, settings: &Settings) -> Result<String, Invalid> {
    if let Some(profile) = flag {
        return Ok(profile.to_owned());
    }
    match &settings.profile {
        Some(NamedProfile { variable, name }) => {
            parse_profile(name).map_err(|why| Invalid(format!("{variable}: {why}")))
        }
        None => Ok("default".to_owned()),
    }
}

/// Recognises the hot-path command line, `read KEY` with at most a `--profile NAME`
/// (or `--profile=NAME`), in any order, without building clap's command tree, which
/// costs as much as the rest of a fresh `read`. Anything else, including anything
/// clap would reject, is `None` and goes through [`Cli`]; the tests check that both
/// agree on every command line this accepts.
pub fn parse_fast_read(args: &[OsString]) -> Option<(Option<String>, CredentialKey)> {
    let (profile, operands) = split_fast_command(args, "read")?;
    let [key] = operands[..] else {
        return None;
    };
    Some((profile, CredentialKey::from_name(key)?))
}

/// Recognises `credential-process` with at most a `--profile NAME` (or
/// `--profile=NAME`), the command line the SDKs run for every client they build, as
/// [`parse_fast_read`] does `read`'s: the `--profile` flag's value, or `None` for any
/// other command line, which goes through [`Cli`].
pub fn parse_fast_credential_process(args: &[OsString]) -> Option<Option<String>> {
    let (profile, operands) = split_fast_command(args, "credential-process")?;
    operands.is_empty().then_some(profile)
}

/// Splits `COMMAND ARGS...` into at most one `--profile NAME` (or `--profile=NAME`),
/// anywhere after the command, and the other arguments, which the caller checks. `None`
/// for another command, a value that is not UTF-8, a repeated `--profile`, or a
/// profile name clap would refuse or take for an option.
fn split_fast_command<'a>(
    args: &'a [OsString],
    command: &str,
) -> Option<(Option<String>, Vec<&'a str>)> {
    let mut args = args.iter().map(|arg| arg.to_str());
    if args.next()?? != command {
        return None;
    }
    let (mut profile, mut operands) = (None, Vec::new());
    while let Some(arg) = args.next() {
        let arg = arg?;
        let value = match arg.strip_prefix("--profile") {
            Some("") => args.next()??,
            Some(inline) => inline.strip_prefix('=')?,
            None => {
                operands.push(arg);
                continue;
            }
        };
        if profile.is_some() || value.starts_with('-') || !is_valid_profile_name(value) {
            return None;
        }
        profile = Some(value.to_owned());
    }
    Some((profile, operands))
}

fn parse_profile(name: &str) -> Result<String, String> {
    if is_valid_profile_name(name) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "'{name}' is not a profile name AWS tools accept; use letters, digits and _-/.%@:+"
        ))
    }
}

/// A key of a profile's own section: letters, digits, `_` and `-` (a nested setting
/// such as `s3.max_concurrent_requests` is removed with its parent, `s3`).
fn parse_setting_key(key: &str) -> Result<String, String> {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
    {
        Ok(key.to_owned())
    } else {
        Err(format!(
            "'{key}' is not a setting of a profile's section; give its key as the file has it, e.g. region or mfa_process"
        ))
    }
}

fn parse_token_code(text: &str) -> Result<TokenCode, String> {
    text.parse()
        .map_err(|error: crate::session::MalformedCode| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_profile_is_the_flag_else_the_environment_else_default() {
        use crate::env::{EXEC_PROFILE_VARIABLE, settings_of};
        let env = settings_of(&[("AWS_PROFILE", "work"), (EXEC_PROFILE_VARIABLE, "ops")]);
        assert_eq!(resolve_profile(Some("flag"), &env).unwrap(), "flag");
        assert_eq!(resolve_profile(None, &env).unwrap(), "work");
        let inside_exec = settings_of(&[(EXEC_PROFILE_VARIABLE, "ops")]);
        assert_eq!(resolve_profile(None, &inside_exec).unwrap(), "ops");
        assert_eq!(resolve_profile(None, &settings_of(&[])).unwrap(), "default");
        let bad = settings_of(&[("AWS_PROFILE", "a b")]);
        let error = resolve_profile(None, &bad).unwrap_err().to_string();
        assert!(error.starts_with("AWS_PROFILE: "), "{error}");
        assert!(resolve_profile(Some("ok"), &bad).is_ok());
        let cli = Cli::try_parse_from(["stscreds", "auth", "named"]).unwrap();
        assert_eq!(cli.profile(&env).unwrap(), "named");
    }

    fn args(line: &str) -> Vec<OsString> {
        line.split(' ')
            .filter(|a| !a.is_empty())
            .map(OsString::from)
            .collect()
    }

    /// What clap makes of `line`, for lines a fast parser answered: clap must accept them.
    fn clap_parse(line: &str) -> Cli {
        Cli::try_parse_from(std::iter::once(OsString::from("stscreds")).chain(args(line)))
            .unwrap_or_else(|e| panic!("{line:?}: fast path answered, clap refused: {e}"))
    }

    /// A fast path ignores every option but `--profile`: any other would change what
    /// the full command does, so clap must have found none.
    fn assert_no_option_but_the_profile(cli: &Cli, mfa: &MfaArgs, line: &str) {
        assert!(!cli.verbose, "{line:?}");
        assert!(
            mfa.expires.is_none()
                && mfa.token_code.is_none()
                && mfa.mfa_serial.is_none()
                && mfa.mfa_command.is_none()
                && mfa.role_arn.is_none(),
            "{line:?}"
        );
    }

    #[test]
    fn the_fast_read_parser_agrees_with_clap_wherever_it_answers() {
        let lines = [
            "read aws_access_key_id",
            "read aws_session_token --profile work",
            "read --profile work aws_secret_access_key",
            "read --profile=team/dev:eu aws_session_token",
            "read --profile= aws_session_token",
            "read --profile",
            "read --profile work",
            "read aws_access_key_id aws_session_token",
            "read --profile a --profile b aws_session_token",
            "read --profile -v aws_session_token",
            "read -- aws_session_token",
            "read --profiles x aws_session_token",
            "read AWS_ACCESS_KEY_ID",
            "read region",
            "read aws_access_key_id --verbose",
            "read aws_access_key_id --token-code 123456",
            "--profile work read aws_access_key_id",
            "auth",
            "",
        ];
        let mut answered = 0;
        for line in lines {
            let Some((profile, key)) = parse_fast_read(&args(line)) else {
                continue;
            };
            answered += 1;
            let cli = clap_parse(line);
            let Command::Read(read) = &cli.command else {
                panic!("{line:?}: not read")
            };
            assert_no_option_but_the_profile(&cli, &read.mfa, line);
            assert_eq!((&cli.profile, read.key), (&profile, key), "{line:?}");
        }
        assert_eq!(answered, 5, "the plain forms are recognised");
    }

    #[test]
    fn the_fast_credential_process_parser_agrees_with_clap_wherever_it_answers() {
        let lines = [
            "credential-process",
            "credential-process --profile work",
            "credential-process --profile=team/dev:eu",
            "credential-process --profile= ",
            "credential-process --profile",
            "credential-process --profile a --profile b",
            "credential-process --profile -v",
            "credential-process --profiles x",
            "credential-process --",
            "credential-process extra",
            "credential-process --verbose",
            "credential-process --expires 1h",
            "credential-process --token-code 123456",
            "credential-process --mfa-serial arn:aws:iam::1:mfa/x",
            "credential-process --mfa-command true",
            "credential-process --role-arn arn:aws:iam::1:role/x",
            "credential-process --profile work --role-arn arn:aws:iam::1:role/x",
            "--profile work credential-process",
            "credential_process",
            "credential-process-x",
            "read aws_access_key_id",
            "",
        ];
        let mut answered = 0;
        for line in lines {
            let Some(profile) = parse_fast_credential_process(&args(line)) else {
                continue;
            };
            answered += 1;
            let cli = clap_parse(line);
            let Command::CredentialProcess(MfaOnly { mfa }) = &cli.command else {
                panic!("{line:?}: not credential-process")
            };
            assert_no_option_but_the_profile(&cli, mfa, line);
            assert_eq!(cli.profile, profile, "{line:?}");
        }
        assert_eq!(answered, 3, "the plain forms are recognised");
    }
}
