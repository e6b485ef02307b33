//! The MFA sequence behind every code stscreds spends, in one place: how the code is
//! had and where questions are shown ([`MfaSettings`], settled by the plan before any
//! question), then whose code it is ([`Mfa`]: the IAM user and the device, looked up
//! once and remembered), then the code itself: `--token-code`, the output of an MFA
//! command, or a question on the terminal or in a dialog.

use std::process::Command;

use super::Error;
use crate::aws::Aws;
use crate::config::{
    self,
    state::{self, ProfileState},
};
use crate::context::Context;
use crate::files::Paths;
use crate::message::profile_flag;
use crate::session::{MalformedCode, TokenCode};
use crate::ui::prompt::{self, Ask, InputError, MfaQuestion, PromptKind};
use crate::ui::subprocess::{self, Outcome};

/// How the MFA code of one renewal is had, settled before any question is asked.
#[derive(Debug, Clone)]
pub struct MfaSettings {
    /// The profile whose long-term keys the code goes with.
    pub profile: String,
    /// `--mfa-serial`: a device to use instead of the configured one.
    pub requested_device: Option<String>,
    /// The configured device: `mfa_serial` of the first role (when it is assumed with
    /// the long-term keys) or of the base profile.
    pub configured_device: Option<String>,
    /// Where the code comes from.
    pub code: CodeSource,
    /// Where questions are shown (`--mfa-prompt`, `STSCREDS_MFA_PROMPT`, `mfa_prompt`).
    pub prompt: PromptKind,
}

/// Where an MFA code comes from.
#[derive(Debug, Clone)]
pub enum CodeSource {
    /// `--token-code`.
    Given(TokenCode),
    /// The output of `--mfa-command` or the profile's `mfa_process`.
    Command(String),
    /// The answer to a question.
    Ask,
}

/// Whose code is asked for: the IAM user and the MFA device, and what was remembered.
pub struct Mfa<'a> {
    settings: &'a MfaSettings,
    /// The IAM user name.
    pub user: String,
    /// The MFA device's serial number (ARN).
    pub device: String,
    /// Whether the device, chosen among several, was just saved as the profile's
    /// `mfa_serial` in `~/.aws/config` (which a session's origin records).
    pub saved_as_configured: bool,
    /// What `~/.stscreds/config` knew before.
    remembered: ProfileState,
}

impl MfaSettings {
    /// Points `ask` where these settings show questions, before the first one (the
    /// encrypted file's passphrase, the MFA device, the code).
    pub fn direct_questions(&self, ask: &mut dyn Ask) {
        ask.choose_prompt(self.prompt, &self.profile);
    }

    /// Fails at once when the code is to be asked for and it is already known that
    /// nobody can answer (standard input has ended, no terminal, no dialog): with the
    /// error asking would end in, before anything is said or sent to AWS.
    pub fn check_someone_can_answer(&self, ask: &dyn Ask) -> Result<(), MfaError> {
        let CodeSource::Ask = self.code else {
            return Ok(());
        };
        match ask.nobody_can_answer() {
            Some(why) => Err(MfaError::NoOneToAsk {
                profile: self.profile.clone(),
                why,
            }),
            None => Ok(()),
        }
    }

    /// Settles whose code is asked for: the IAM user (`remembered`, else
    /// `iam:GetUser`) and the MFA device (the configured one unless `--mfa-serial`
    /// names another, else the remembered one, else the user's only one or their
    /// choice).
    pub fn identify(
        &self,
        cx: &mut Context,
        remembered: ProfileState,
        aws: &Aws,
    ) -> Result<Mfa<'_>, Error> {
        let user = match &remembered.user_name {
            Some(name) => name.clone(),
            None => aws.get_user()?.name,
        };
        let (device, saved_as_configured) = match (&self.requested_device, &self.configured_device)
        {
            (None, Some(configured)) => (configured.clone(), false),
            (requested, _) => device_of(
                cx,
                &self.profile,
                aws,
                &user,
                (requested.as_deref(), remembered.mfa_serial.as_deref()),
            )?,
        };
        Ok(Mfa {
            settings: self,
            user,
            device,
            saved_as_configured,
            remembered,
        })
    }
}

impl Mfa<'_> {
    /// Records the user and device in `~/.stscreds/config` when they are new, so that
    /// the next renewal needs no lookup.
    pub fn remember(&self, paths: &Paths) -> Result<(), Error> {
        let learned = ProfileState {
            backend: self.remembered.backend,
            user_name: Some(self.user.clone()),
            mfa_serial: Some(self.device.clone()),
        };
        if learned == self.remembered {
            return Ok(());
        }
        Ok(state::save(paths, &self.settings.profile, &learned)?)
    }

    /// The code, from where the settings say.
    pub fn code(&self, ask: &mut dyn Ask) -> Result<TokenCode, MfaError> {
        let profile = self.settings.profile.as_str();
        match &self.settings.code {
            CodeSource::Given(code) => Ok(code.clone()),
            CodeSource::Command(command) => code_from_command(command, &self.device, profile),
            CodeSource::Ask => {
                let question = MfaQuestion {
                    profile,
                    user: &self.user,
                    device: &self.device,
                    mistyped: false,
                };
                ask_code(ask, question)
            }
        }
    }
}

/// The MFA device to use when the profile's config names none: the one asked for with
/// `--mfa-serial` (checked against the user's devices the first time), else the
/// remembered one, else the user's only one or their choice; and whether the choice
/// was saved as the profile's `mfa_serial`.
fn device_of(
    cx: &mut Context,
    profile: &str,
    aws: &Aws,
    user: &str,
    (requested, remembered): (Option<&str>, Option<&str>),
) -> Result<(String, bool), Error> {
    let device = match (requested, remembered) {
        (Some(requested), Some(remembered)) if requested == remembered => requested.to_owned(),
        (Some(requested), _) => check_device(user, requested, aws.list_mfa_devices(user)?)?,
        (None, Some(remembered)) => remembered.to_owned(),
        (None, None) => {
            let devices = aws.list_mfa_devices(user)?;
            let several = devices.len() > 1;
            let chosen = choose_device(&mut *cx.ask, (user, profile), devices)?;
            let saved = several && offer_to_save_device(cx, profile, &chosen)?;
            return Ok((chosen, saved));
        }
    };
    Ok((device, false))
}

/// After a choice among several devices on a terminal, offers to record it as the
/// profile's `mfa_serial` in `~/.aws/config`, where the AWS CLI finds it too. Returns
/// whether it was.
fn offer_to_save_device(cx: &mut Context, profile: &str, serial: &str) -> Result<bool, Error> {
    let paths = &cx.paths;
    let question = format!(
        "Save it as mfa_serial of profile '{profile}' in {}? [Y/n] ",
        paths.aws_config.display()
    );
    let answer = cx.ask.line(&question)?;
    let yes = matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "" | "y" | "yes"
    );
    if yes {
        let section = config::save(paths, &*cx.report, profile, &[("mfa_serial", serial)])?;
        cx.report.say(&format!(
            "Saved mfa_serial in [{section}] of {}",
            paths.aws_config.display()
        ));
    }
    Ok(yes)
}

/// Why no MFA code or device could be settled on.
#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    /// The code is not six digits.
    #[error(transparent)]
    MalformedCode(#[from] MalformedCode),
    /// The IAM user has no MFA device.
    #[error(
        "IAM user '{user}' has no MFA device; assign one in the IAM console (Security credentials > Multi-factor authentication > Assign MFA device), then run `stscreds auth{}` again",
        profile_flag(profile)
    )]
    NoDevice {
        /// The IAM user name.
        user: String,
        /// The profile whose keys belong to the user.
        profile: String,
    },
    /// A code is needed and nobody can type one.
    #[error(
        "the session of profile '{profile}' needs a new MFA code, and there is no one to ask: {why}; run `stscreds auth{flag}` in a terminal, pass --token-code CODE, set mfa_process for the profile (`stscreds configure{flag} --mfa-process COMMAND`), or set mfa_prompt to a dialog that works here (zenity, kdialog, osascript, windows)",
        flag = profile_flag(profile)
    )]
    NoOneToAsk {
        /// The profile.
        profile: String,
        /// Why not.
        why: String,
    },
    /// The person closed the MFA dialog.
    #[error(
        "the MFA dialog for profile '{profile}' was cancelled; nothing was sent to AWS and no file was changed"
    )]
    DialogCancelled {
        /// The profile.
        profile: String,
    },
    /// Nobody answered the MFA dialog in time.
    #[error(
        "the MFA dialog for profile '{profile}' got no code within {seconds} s and was closed; nothing was sent to AWS: run the command again and answer sooner, or raise STSCREDS_MFA_TIMEOUT"
    )]
    DialogTimedOut {
        /// The profile.
        profile: String,
        /// The time limit.
        seconds: u64,
    },
    /// Several devices and no way to ask which one.
    #[error("IAM user '{user}' has several MFA devices ({}); choose one with --mfa-serial ARN", devices.join(", "))]
    SeveralDevices {
        /// The IAM user name.
        user: String,
        /// The device serial numbers (ARNs).
        devices: Vec<String>,
    },
    /// `--mfa-serial` names a device the user does not have.
    #[error("IAM user '{user}' has no MFA device {serial}; its devices are: {}", devices.join(", "))]
    UnknownDevice {
        /// The IAM user name.
        user: String,
        /// The serial asked for.
        serial: String,
        /// The user's real devices.
        devices: Vec<String>,
    },
    /// Three answers to "which device?" were not a number from the list.
    #[error(
        "no MFA device was chosen; run again and type the number of one of the listed devices, or pass --mfa-serial ARN"
    )]
    NoChoice,
    /// The MFA command could not be started.
    #[error("cannot run the MFA command `{command}`: {reason}; check --mfa-command or mfa_process")]
    CommandNotRun {
        /// The command.
        command: String,
        /// Why.
        reason: String,
    },
    /// The MFA command exited with an error.
    #[error(
        "the MFA command `{command}` failed ({status}); run it by hand to see why, or pass --token-code"
    )]
    CommandFailed {
        /// The command.
        command: String,
        /// How it ended.
        status: String,
    },
    /// The MFA command ran past its time limit and was stopped.
    #[error(
        "the MFA command `{command}` gave no code within {seconds} s and was stopped; touch your key sooner, or raise STSCREDS_MFA_TIMEOUT"
    )]
    CommandTimedOut {
        /// The command.
        command: String,
        /// The limit.
        seconds: u64,
    },
    /// The MFA command printed something else than a code.
    #[error(
        "the MFA command `{command}` printed something that is not a 6-digit code; it must print only the code"
    )]
    CommandGarbage {
        /// The command.
        command: String,
    },
    /// No answer could be had, or a setting (`STSCREDS_MFA_TIMEOUT`) is not usable.
    #[error("{0}")]
    Input(#[from] InputError),
}

/// Runs `command` with `sh -c` to get an MFA code (from `ykman`, a password manager, …)
/// and reads the code from its standard output. The device's serial and the profile
/// are passed in the environment (`STSCREDS_MFA_SERIAL`, `STSCREDS_PROFILE`), never
/// spliced into the command line; its standard input and error stay on the terminal so
/// that "touch your key" prompts are seen. It runs in a process group of its own, so
/// that when it is stopped after 60 s (or `STSCREDS_MFA_TIMEOUT`) everything it started
/// stops too: a leftover child holding our standard error would keep an SDK that reads
/// it waiting forever.
pub fn code_from_command(
    command: &str,
    serial: &str,
    profile: &str,
) -> Result<TokenCode, MfaError> {
    let limit = subprocess::answer_timeout().map_err(InputError::from)?;
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(command)
        .env("STSCREDS_MFA_SERIAL", serial)
        .env("STSCREDS_PROFILE", profile);
    subprocess::without_our_secrets(&mut shell);
    let outcome = subprocess::run(&mut shell, limit).map_err(|error| MfaError::CommandNotRun {
        command: command.to_owned(),
        reason: error.to_string(),
    })?;
    let (status, printed) = match outcome {
        Outcome::Finished { status, stdout, .. } => (status, stdout),
        Outcome::TimedOut => {
            return Err(MfaError::CommandTimedOut {
                command: command.to_owned(),
                seconds: limit.as_secs(),
            });
        }
    };
    if !status.success() {
        return Err(MfaError::CommandFailed {
            command: command.to_owned(),
            status: status.to_string(),
        });
    }
    printed
        .trim()
        .parse()
        .map_err(|_| MfaError::CommandGarbage {
            command: command.to_owned(),
        })
}

/// Asks for an MFA code with the prompt users of the original tool know (a dialog says
/// more: the profile and the device). A person at a terminal or a dialog who mistypes
/// is asked again (three tries in all); a piped answer that is not a code fails at
/// once; with nobody to ask, the error lists the other ways to give a code.
pub fn ask_code(ask: &mut dyn Ask, question: MfaQuestion<'_>) -> Result<TokenCode, MfaError> {
    let profile = question.profile.to_owned();
    ask_code_of(ask, question).map_err(|error| match error {
        MfaError::Input(InputError::Closed { .. }) => MfaError::NoOneToAsk {
            profile,
            why: prompt::STDIN_CLOSED.to_owned(),
        },
        MfaError::Input(InputError::NoTerminal { .. }) => MfaError::NoOneToAsk {
            profile,
            why: "no terminal (the AWS tool that ran stscreds has none)".to_owned(),
        },
        MfaError::Input(InputError::NoTerminalNorDialog { why, .. }) => MfaError::NoOneToAsk {
            profile,
            why: prompt::no_terminal_nor_dialog(&why),
        },
        MfaError::Input(InputError::Cancelled { .. }) => MfaError::DialogCancelled { profile },
        MfaError::Input(InputError::TimedOut { seconds, .. }) => {
            MfaError::DialogTimedOut { profile, seconds }
        }
        other => other,
    })
}

fn ask_code_of(ask: &mut dyn Ask, mut question: MfaQuestion<'_>) -> Result<TokenCode, MfaError> {
    const ATTEMPTS: usize = 3;
    let user = question.user;
    let mut prompt = format!("Current user: {user}. Please enter MFA token: ");
    for _ in 1..ATTEMPTS {
        match ask.mfa_code(&prompt, &question)?.parse::<TokenCode>() {
            Err(MalformedCode) if ask.is_interactive() => {
                prompt =
                    format!("That is not 6 digits. Current user: {user}. Please enter MFA token: ");
                question.mistyped = true;
            }
            result => return Ok(result?),
        }
    }
    Ok(ask.mfa_code(&prompt, &question)?.parse()?)
}

/// Settles which of the user's MFA devices to use: the only one; or, on a terminal, the
/// one the person picks from a numbered list.
pub fn choose_device(
    ask: &mut dyn Ask,
    (user, profile): (&str, &str),
    devices: Vec<String>,
) -> Result<String, MfaError> {
    const ATTEMPTS: usize = 3;
    match devices.len() {
        0 => {
            return Err(MfaError::NoDevice {
                user: user.to_owned(),
                profile: profile.to_owned(),
            });
        }
        1 => return Ok(devices.into_iter().next().unwrap_or_default()),
        _ if !ask.is_interactive() => {
            return Err(MfaError::SeveralDevices {
                user: user.to_owned(),
                devices,
            });
        }
        _ => {}
    }
    let question = format!("Which one should stscreds use? [1-{}]: ", devices.len());
    let mut listed = format!("IAM user '{user}' has {} MFA devices:\n", devices.len());
    for (number, device) in devices.iter().enumerate() {
        listed.push_str(&format!("  {}) {device}\n", number + 1));
    }
    listed.push_str(&question);
    for attempt in 0..ATTEMPTS {
        let prompt = if attempt == 0 { &listed } else { &question };
        let answer = ask.line(prompt)?;
        if let Ok(number) = answer.trim().parse::<usize>()
            && (1..=devices.len()).contains(&number)
        {
            return Ok(devices[number - 1].clone());
        }
    }
    Err(MfaError::NoChoice)
}

/// Checks a serial given with `--mfa-serial` against the user's devices.
pub fn check_device(user: &str, serial: &str, devices: Vec<String>) -> Result<String, MfaError> {
    if devices.iter().any(|device| device == serial) {
        Ok(serial.to_owned())
    } else {
        Err(MfaError::UnknownDevice {
            user: user.to_owned(),
            serial: serial.to_owned(),
            devices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::prompt::Scripted;

    fn question<'a>(user: &'a str, profile: &'a str) -> MfaQuestion<'a> {
        MfaQuestion {
            profile,
            user,
            device: "arn:aws:iam::1:mfa/d1",
            mistyped: false,
        }
    }

    fn devices(n: usize) -> Vec<String> {
        (1..=n)
            .map(|i| format!("arn:aws:iam::1:mfa/d{i}"))
            .collect()
    }

    #[test]
    fn the_prompt_names_the_user() {
        let mut ask = Scripted::new(&["654321"], false);
        let code = ask_code(&mut ask, question("alice", "default")).unwrap();
        assert_eq!(code.as_str(), "654321");
        assert_eq!(
            ask.prompts,
            ["Current user: alice. Please enter MFA token: "]
        );
    }

    #[test]
    fn one_device_is_used_without_asking() {
        let mut ask = Scripted::new(&[], true);
        assert_eq!(
            choose_device(&mut ask, ("u", "p"), devices(1)).unwrap(),
            "arn:aws:iam::1:mfa/d1"
        );
        assert!(ask.prompts.is_empty());
    }

    #[test]
    fn no_device_explains_how_to_add_one() {
        let error = choose_device(&mut Scripted::new(&[], true), ("u", "p"), vec![]).unwrap_err();
        assert!(error.to_string().contains("Assign MFA device"), "{error}");
    }

    #[test]
    fn several_devices_without_a_terminal_list_the_serials() {
        let error =
            choose_device(&mut Scripted::new(&[], false), ("u", "p"), devices(2)).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("arn:aws:iam::1:mfa/d1, arn:aws:iam::1:mfa/d2"),
            "{message}"
        );
        assert!(message.contains("--mfa-serial"), "{message}");
    }

    #[test]
    fn a_mistyped_code_is_asked_again_on_a_terminal_only() {
        let mut ask = Scripted::new(&["12345", "1234567", "123 456"], true);
        assert_eq!(
            ask_code(&mut ask, question("u", "p")).unwrap().as_str(),
            "123456"
        );
        assert!(ask.prompts[1].starts_with("That is not 6 digits."));
        assert_eq!(
            ask.mistyped,
            [false, true, true],
            "a dialog is told of the typo"
        );
        let mut ask = Scripted::new(&["1", "2", "3", "123456"], true);
        assert!(matches!(
            ask_code(&mut ask, question("u", "p")),
            Err(MfaError::MalformedCode(_))
        ));
        assert_eq!(ask.prompts.len(), 3);
        let mut piped = Scripted::new(&["12345", "123456"], false);
        assert!(matches!(
            ask_code(&mut piped, question("u", "p")),
            Err(MfaError::MalformedCode(_))
        ));
        assert_eq!(piped.prompts.len(), 1);
    }

    #[test]
    fn several_devices_on_a_terminal_are_chosen_by_number_after_retries() {
        let mut ask = Scripted::new(&["x", "9", "2"], true);
        assert_eq!(
            choose_device(&mut ask, ("u", "p"), devices(3)).unwrap(),
            "arn:aws:iam::1:mfa/d2"
        );
        assert_eq!(ask.prompts.len(), 3);
        let mut ask = Scripted::new(&["x", "0", "4"], true);
        assert!(choose_device(&mut ask, ("u", "p"), devices(3)).is_err());
    }

    #[test]
    fn a_command_gets_the_serial_in_its_environment_and_prints_the_code() {
        let code = code_from_command(
            r#"test "$STSCREDS_MFA_SERIAL" = arn:x && echo " 246 810""#,
            "arn:x",
            "p",
        )
        .unwrap();
        assert_eq!(code.as_str(), "246810");
    }

    #[test]
    fn a_failing_or_chatty_command_is_reported() {
        let failed = code_from_command("echo 123456; exit 3", "s", "p").unwrap_err();
        assert!(
            failed.to_string().contains("failed (exit status: 3)"),
            "{failed}"
        );
        let garbage = code_from_command("echo 'Touch your YubiKey...'", "s", "p").unwrap_err();
        assert!(
            matches!(garbage, MfaError::CommandGarbage { .. }),
            "{garbage}"
        );
    }

    #[test]
    fn a_named_device_must_be_one_of_the_users() {
        assert!(check_device("u", "arn:aws:iam::1:mfa/d2", devices(2)).is_ok());
        let error = check_device("u", "arn:aws:iam::1:mfa/zz", devices(2)).unwrap_err();
        assert!(
            error.to_string().contains("arn:aws:iam::1:mfa/d1"),
            "{error}"
        );
    }

    #[test]
    fn a_chosen_device_is_saved_in_the_config_only_when_accepted() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        let config = paths.aws_config.clone();
        std::fs::write(&config, "# mine\n[profile work]\nregion = eu-west-1\n").unwrap();
        let report = std::sync::Arc::new(crate::ui::report::Collected::default());
        let context = |answer: &str| {
            let ask = Box::new(crate::ui::prompt::Scripted::new(&[answer], true));
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
