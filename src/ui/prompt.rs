//! Questions to the person running stscreds: on the terminal when there is one, else
//! one line each from standard input (so scripts and tests can pipe answers in).
//! Prompts always go to stderr or the terminal, never to stdout. Which kind of prompt
//! to show ([`PromptKind`]) is chosen here too; the dialog windows themselves are in
//! `dialog`.

use std::io::{self, BufRead, IsTerminal, Write};

use secrecy::SecretString;

use crate::invalid::Invalid;

/// A source of answers to prompts.
pub trait Ask {
    /// Whether a person can answer interactively (standard input is a terminal, or a
    /// dialog can be shown).
    fn is_interactive(&self) -> bool;

    /// Shows `prompt` and returns the answer line, without its line ending.
    fn line(&mut self, prompt: &str) -> Result<String, InputError>;

    /// Like [`Ask::line`], but the answer is not echoed on a terminal (a dialog shows
    /// a password field).
    fn secret(&mut self, prompt: &str) -> Result<SecretString, InputError>;

    /// Asks for an MFA code. A terminal shows `prompt`, the question users of the
    /// original tool know (`Current user: NAME. Please enter MFA token: `); a dialog,
    /// which has room, also names the profile and the MFA device (the question).
    fn mfa_code(
        &mut self,
        prompt: &str,
        _question: &MfaQuestion<'_>,
    ) -> Result<String, InputError> {
        self.line(prompt)
    }

    /// Told before the questions of a profile's renewal: the kind of prompt its
    /// settings choose (`--mfa-prompt`, `STSCREDS_MFA_PROMPT`, `mfa_prompt`) and whose
    /// questions follow. An ask that can show only one kind ignores it.
    fn choose_prompt(&mut self, _kind: PromptKind, _profile: &str) {}

    /// Why no question could be answered, when that is known before one is asked
    /// (standard input has ended and there is no terminal, nor a dialog): so that a
    /// caller fails before it says or does anything. `None` when someone may answer.
    fn nobody_can_answer(&self) -> Option<String> {
        None
    }
}

/// What an MFA code is asked for, for a prompt that can say more than the terminal's.
#[derive(Debug, Clone, Copy)]
pub struct MfaQuestion<'a> {
    /// The profile whose session needs the code.
    pub profile: &'a str,
    /// The IAM user.
    pub user: &'a str,
    /// The MFA device's serial number (ARN).
    pub device: &'a str,
    /// Whether the last answer was not 6 digits.
    pub mistyped: bool,
}

/// Where questions are shown: `--mfa-prompt`, `STSCREDS_MFA_PROMPT` or `mfa_prompt`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PromptKind {
    /// The terminal when there is one, else (for credential-process and the credential
    /// server) the first dialog that works here.
    #[default]
    Auto,
    /// Only the terminal (or standard input).
    Terminal,
    /// A GTK dialog (Linux, BSD; needs DISPLAY or WAYLAND_DISPLAY).
    Zenity,
    /// A KDE dialog (Linux, BSD; needs DISPLAY or WAYLAND_DISPLAY).
    Kdialog,
    /// A dialog of AppleScript's (macOS).
    Osascript,
    /// The Windows credential dialog, through PowerShell.
    Windows,
}

impl PromptKind {
    /// The names accepted, for messages.
    pub const NAMES: &str = "auto, terminal, zenity, kdialog, osascript or windows";

    /// The kind named `text` (as on the command line), if any.
    pub fn named(text: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(text.trim(), false).ok()
    }

    /// Its name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PromptKind::Auto => "auto",
            PromptKind::Terminal => "terminal",
            PromptKind::Zenity => "zenity",
            PromptKind::Kdialog => "kdialog",
            PromptKind::Osascript => "osascript",
            PromptKind::Windows => "windows",
        }
    }
}

/// Why an answer could not be had.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Standard input ended before the question was answered.
    #[error(
        "no answer to '{question}': standard input is closed; run stscreds in a terminal or pipe the answer in"
    )]
    Closed {
        /// The question, without its trailing colon.
        question: String,
    },
    /// There is no terminal to ask on (an AWS tool ran stscreds without one).
    #[error(
        "no terminal to ask '{question}' on (the AWS tool that ran stscreds has none); run stscreds in a terminal first"
    )]
    NoTerminal {
        /// The question, without its trailing colon.
        question: String,
    },
    /// Nobody can be asked: there is no terminal and no dialog can be shown.
    #[error(
        "no terminal to ask '{question}' on (the AWS tool that ran stscreds has none), and no dialog either: {why}; run stscreds in a terminal first"
    )]
    NoTerminalNorDialog {
        /// The question, without its trailing colon.
        question: String,
        /// Why no dialog can be shown.
        why: String,
    },
    /// The person closed the dialog without answering.
    #[error("the dialog asking '{question}' was cancelled; nothing was changed")]
    Cancelled {
        /// The question, without its trailing colon.
        question: String,
    },
    /// The dialog got no answer in time and was closed.
    #[error(
        "the dialog asking '{question}' got no answer within {seconds} s and was closed; run the command again and answer sooner, or raise STSCREDS_MFA_TIMEOUT"
    )]
    TimedOut {
        /// The question, without its trailing colon.
        question: String,
        /// The time limit.
        seconds: u64,
    },
    /// The chosen dialog cannot be shown here.
    #[error(
        "cannot show a {kind} dialog: {why}; choose another prompt with --mfa-prompt, STSCREDS_MFA_PROMPT or mfa_prompt ({})",
        PromptKind::NAMES
    )]
    NoDialog {
        /// The kind chosen.
        kind: &'static str,
        /// Why not.
        why: String,
    },
    /// The dialog program failed.
    #[error(
        "the {program} dialog failed ({status}); run it by hand to see why, or choose another prompt with mfa_prompt"
    )]
    DialogFailed {
        /// The program.
        program: &'static str,
        /// How it ended.
        status: String,
    },
    /// The terminal or standard input failed.
    #[error("cannot read the answer to '{question}': {source}")]
    Io {
        /// The question, without its trailing colon.
        question: String,
        /// Why.
        source: io::Error,
    },
    /// The answer is not acceptable; the message says what is expected.
    #[error(transparent)]
    Invalid(#[from] Invalid),
}

/// The real terminal (or piped standard input).
#[derive(Debug)]
pub struct Terminal {
    interactive: bool,
}

impl Terminal {
    /// Connects to this process's standard input and error.
    pub fn new() -> Self {
        Self {
            interactive: io::stdin().is_terminal(),
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

impl Ask for Terminal {
    fn is_interactive(&self) -> bool {
        self.interactive
    }

    fn line(&mut self, prompt: &str) -> Result<String, InputError> {
        let io_error = |source| answer_error(prompt, source);
        if !self.interactive && stdin_has_ended() {
            // Nobody can answer: the caller's error line is all the person should see.
            return Err(InputError::Closed {
                question: question(prompt),
            });
        }
        let mut stderr = io::stderr().lock();
        stderr
            .write_all(prompt.as_bytes())
            .and_then(|()| stderr.flush())
            .map_err(io_error)?;
        drop(stderr);
        let mut answer = String::new();
        let read = io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(io_error)?;
        if read == 0 {
            // End the prompt's line, so that the error starts on a line of its own.
            let _ = writeln!(io::stderr());
            return Err(InputError::Closed {
                question: question(prompt),
            });
        }
        if !self.interactive {
            // Piped answers are not echoed; end the prompt line so messages start fresh.
            let _ = writeln!(io::stderr());
        }
        let without_newline = answer.trim_end_matches(['\n', '\r']).len();
        answer.truncate(without_newline);
        Ok(answer)
    }

    fn secret(&mut self, prompt: &str) -> Result<SecretString, InputError> {
        if !self.interactive {
            return self.line(prompt).map(SecretString::from);
        }
        rpassword::prompt_password(prompt)
            .map(SecretString::from)
            .map_err(|source| answer_error(prompt, source))
    }

    fn nobody_can_answer(&self) -> Option<String> {
        (!self.interactive && stdin_has_ended()).then(|| STDIN_CLOSED.to_owned())
    }
}

/// Why nobody can answer once standard input has ended.
pub const STDIN_CLOSED: &str = "standard input is closed";

/// Why nobody can answer without a terminal or a dialog (`why`: why no dialog).
pub fn no_terminal_nor_dialog(why: &str) -> String {
    format!("no terminal (the AWS tool that ran stscreds has none), and no dialog ({why})")
}

/// Whether standard input is closed, `/dev/null`, or a pipe whose writer left nothing:
/// known at once without waiting (a pipe still open, which someone may yet write to, is
/// not ended), so that no prompt is shown that nobody can answer. What is looked at
/// stays buffered for the read that follows.
#[cfg(unix)]
fn stdin_has_ended() -> bool {
    let mut stdin = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, counted as one, with no timeout.
    let ready = unsafe { libc::poll(&mut stdin, 1, 0) };
    if ready != 1 {
        return false;
    }
    if stdin.revents & libc::POLLNVAL != 0 {
        return true;
    }
    // Readable or hung up: this read returns at once, empty only at the end.
    io::stdin()
        .lock()
        .fill_buf()
        .is_ok_and(|buffered| buffered.is_empty())
}

/// Elsewhere a prompt is always shown: the read that follows finds the end.
#[cfg(not(unix))]
fn stdin_has_ended() -> bool {
    false
}

/// A failed read of an answer. A read cut short by Ctrl-C or SIGTERM is left to the
/// interrupt handler, which is about to end the process with its own message and exit
/// code (see `interrupt`): reporting it here as well would race it with a second line.
fn answer_error(prompt: &str, source: io::Error) -> InputError {
    if source.kind() == io::ErrorKind::Interrupted {
        std::thread::park_timeout(std::time::Duration::from_secs(5));
    }
    InputError::Io {
        question: question(prompt),
        source,
    }
}

/// A prompt as a question: without its trailing colon and blanks.
pub fn question(prompt: &str) -> String {
    prompt.trim_end().trim_end_matches(':').to_owned()
}

/// The controlling terminal (`/dev/tty`), whatever standard input and error are: for
/// `credential-process`, whose standard error the AWS SDKs capture and whose standard
/// input is not the person's. Without a terminal every question fails clearly.
#[derive(Debug, Default)]
pub struct ControllingTerminal;

impl ControllingTerminal {
    fn open() -> io::Result<std::fs::File> {
        std::fs::File::options()
            .read(true)
            .write(true)
            .open("/dev/tty")
    }

    fn no_terminal(prompt: &str) -> InputError {
        InputError::NoTerminal {
            question: question(prompt),
        }
    }
}

impl Ask for ControllingTerminal {
    fn is_interactive(&self) -> bool {
        Self::open().is_ok()
    }

    fn line(&mut self, prompt: &str) -> Result<String, InputError> {
        let mut tty = Self::open().map_err(|_| Self::no_terminal(prompt))?;
        tty.write_all(prompt.as_bytes())
            .map_err(|source| answer_error(prompt, source))?;
        let mut answer = String::new();
        io::BufReader::new(tty)
            .read_line(&mut answer)
            .map_err(|source| answer_error(prompt, source))?;
        let without_newline = answer.trim_end_matches(['\n', '\r']).len();
        answer.truncate(without_newline);
        Ok(answer)
    }

    fn secret(&mut self, prompt: &str) -> Result<SecretString, InputError> {
        Self::open().map_err(|_| Self::no_terminal(prompt))?;
        rpassword::prompt_password(prompt)
            .map(SecretString::from)
            .map_err(|source| answer_error(prompt, source))
    }
}

/// Canned answers, for testing code that asks questions.
#[cfg(test)]
pub struct Scripted {
    /// Answers still to give, first first.
    pub answers: std::collections::VecDeque<String>,
    /// Whether to claim to be a terminal.
    pub interactive: bool,
    /// Every prompt shown, in order.
    pub prompts: Vec<String>,
    /// For each MFA code asked for, whether the question said the last one was mistyped.
    pub mistyped: Vec<bool>,
}

#[cfg(test)]
impl Scripted {
    /// Answers `answers` in order, then reports a closed input.
    pub fn new(answers: &[&str], interactive: bool) -> Self {
        Self {
            answers: answers.iter().map(|a| a.to_string()).collect(),
            interactive,
            prompts: Vec::new(),
            mistyped: Vec::new(),
        }
    }
}

#[cfg(test)]
impl Ask for Scripted {
    fn is_interactive(&self) -> bool {
        self.interactive
    }

    fn line(&mut self, prompt: &str) -> Result<String, InputError> {
        self.prompts.push(prompt.to_owned());
        self.answers.pop_front().ok_or_else(|| InputError::Closed {
            question: question(prompt),
        })
    }

    fn secret(&mut self, prompt: &str) -> Result<SecretString, InputError> {
        self.line(prompt).map(SecretString::from)
    }

    fn mfa_code(&mut self, prompt: &str, question: &MfaQuestion<'_>) -> Result<String, InputError> {
        self.mistyped.push(question.mistyped);
        self.line(prompt)
    }
}
