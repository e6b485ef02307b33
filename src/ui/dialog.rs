//! Questions in a dialog window, for when nobody is at a terminal: an IDE's AWS toolkit
//! runs `credential-process` without one, and the credential server renews in the
//! background. [`for_questions`] makes the context's [`Ask`], which shows each question
//! on the terminal or in a dialog as the profile's settings choose ([`PromptKind`]).
//!
//! A dialog is a program (zenity, kdialog, osascript, PowerShell) run in a process
//! group of its own with the MFA time limit, as an `mfa_process` is. Everything it
//! shows reaches it as arguments or environment variables, never through a shell or
//! a script's text. It prints the answer; closing it without one is a cancel.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::ui::prompt::{
    self, Ask, ControllingTerminal, InputError, MfaQuestion, PromptKind, Terminal,
};
use crate::ui::subprocess::{self, Outcome};

/// Where the terminal's questions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalSide {
    /// Standard input and error, a terminal or pipes: an ordinary command, whose
    /// standard input is its caller's to answer with (`printf '%s\n' … | stscreds init`).
    Stdin,
    /// `/dev/tty`: `credential-process` and the credential server's renewals, whose
    /// standard input and output belong to an SDK. Without a terminal, `auto` shows a
    /// dialog.
    ControllingTerminal,
}

/// The [`Ask`] for a command or a server's renewals: questions go to `side` until a
/// renewal's settings choose otherwise (see [`Ask::choose_prompt`]).
pub fn for_questions(side: TerminalSide) -> Box<dyn Ask> {
    let terminal: Box<dyn Ask> = match side {
        TerminalSide::Stdin => Box::new(Terminal::new()),
        TerminalSide::ControllingTerminal => Box::new(ControllingTerminal),
    };
    Box::new(Prompter {
        terminal,
        side,
        kind: PromptKind::Auto,
        profile: None,
    })
}

/// Asks on the terminal or in a dialog, as `kind` says.
struct Prompter {
    terminal: Box<dyn Ask>,
    side: TerminalSide,
    kind: PromptKind,
    profile: Option<String>,
}

/// Where a question goes.
enum Route {
    Terminal,
    Dialog(Dialog),
    /// No terminal and no dialog: why no dialog.
    Nowhere(String),
}

impl Prompter {
    /// `auto` keeps to the terminal while there is one, and always to standard input
    /// (piped answers are answers); without a controlling terminal it takes the first
    /// dialog that works here. A dialog chosen by name is used, or is an error saying
    /// why it cannot be.
    fn route(&self) -> Result<Route, InputError> {
        self.route_in(&|name| std::env::var_os(name))
    }

    /// [`Prompter::route`] with `env` as the environment.
    fn route_in(&self, env: &dyn Fn(&str) -> Option<OsString>) -> Result<Route, InputError> {
        let Some(chosen) = Program::named(self.kind) else {
            return Ok(self.terminal_or_first_dialog(env));
        };
        let path = chosen.usable(env).map_err(|why| InputError::NoDialog {
            kind: self.kind.name(),
            why,
        })?;
        Ok(Route::Dialog(self.dialog(chosen, path)))
    }

    /// `terminal`, or `auto`: the terminal while there is one, else the first dialog.
    fn terminal_or_first_dialog(&self, env: &dyn Fn(&str) -> Option<OsString>) -> Route {
        if self.kind == PromptKind::Terminal
            || self.side == TerminalSide::Stdin
            || self.terminal.is_interactive()
        {
            return Route::Terminal;
        }
        match first_usable(env) {
            Ok((program, path)) => Route::Dialog(self.dialog(program, path)),
            Err(why) => Route::Nowhere(why),
        }
    }

    fn dialog(&self, program: Program, path: PathBuf) -> Dialog {
        Dialog {
            program,
            path,
            profile: self.profile.clone(),
        }
    }
}

impl Ask for Prompter {
    fn is_interactive(&self) -> bool {
        match self.route() {
            Ok(Route::Terminal) => self.terminal.is_interactive(),
            Ok(Route::Nowhere(_)) => false,
            // A dialog that cannot be shown says why when it is asked to be.
            Ok(Route::Dialog(_)) | Err(_) => true,
        }
    }

    fn line(&mut self, prompt: &str) -> Result<String, InputError> {
        match self.route()? {
            Route::Terminal => self.terminal.line(prompt),
            Route::Dialog(dialog) => dialog.line(prompt),
            Route::Nowhere(why) => Err(nobody_to_ask(prompt, why)),
        }
    }

    fn secret(&mut self, prompt: &str) -> Result<SecretString, InputError> {
        match self.route()? {
            Route::Terminal => self.terminal.secret(prompt),
            Route::Dialog(dialog) => dialog.secret(prompt),
            Route::Nowhere(why) => Err(nobody_to_ask(prompt, why)),
        }
    }

    fn mfa_code(&mut self, prompt: &str, question: &MfaQuestion<'_>) -> Result<String, InputError> {
        match self.route()? {
            Route::Terminal => self.terminal.mfa_code(prompt, question),
            Route::Dialog(dialog) => dialog.mfa_code(question),
            Route::Nowhere(why) => Err(nobody_to_ask(prompt, why)),
        }
    }

    fn choose_prompt(&mut self, kind: PromptKind, profile: &str) {
        self.kind = kind;
        self.profile = Some(profile.to_owned());
    }

    fn nobody_can_answer(&self) -> Option<String> {
        match self.route() {
            Ok(Route::Terminal) => self.terminal.nobody_can_answer(),
            Ok(Route::Nowhere(why)) => Some(prompt::no_terminal_nor_dialog(&why)),
            // A dialog may be answered; one that cannot be shown says why when asked.
            Ok(Route::Dialog(_)) | Err(_) => None,
        }
    }
}

fn nobody_to_ask(prompt: &str, why: String) -> InputError {
    InputError::NoTerminalNorDialog {
        question: prompt::question(prompt),
        why,
    }
}

/// Why the dialog `kind` names cannot be shown here, if it cannot (`None` for `auto`
/// and `terminal`, which name none): found by looking, without showing anything, for
/// `stscreds doctor`.
pub fn why_not_shown(kind: PromptKind) -> Option<String> {
    let program = Program::named(kind)?;
    let why = program.usable(&|name| std::env::var_os(name)).err()?;
    Some(format!("cannot show a {} dialog: {why}", kind.name()))
}

/// The dialogs `auto` tries, in this order.
const AUTO_ORDER: &[Program] = if cfg!(target_os = "macos") {
    &[Program::Osascript]
} else if cfg!(windows) {
    &[Program::PowerShell]
} else {
    &[Program::Zenity, Program::Kdialog]
};

/// The first dialog of [`AUTO_ORDER`] that can be shown, with `env` as the
/// environment; else why none can.
fn first_usable(env: &dyn Fn(&str) -> Option<OsString>) -> Result<(Program, PathBuf), String> {
    let mut reasons = Vec::new();
    for &program in AUTO_ORDER {
        match program.usable(env) {
            Ok(path) => return Ok((program, path)),
            Err(why) => reasons.push(why),
        }
    }
    reasons.dedup();
    Err(reasons.join("; "))
}

/// A program that shows a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Program {
    Zenity,
    Kdialog,
    Osascript,
    PowerShell,
}

/// What a dialog shows.
struct Request<'a> {
    title: &'a str,
    text: &'a str,
    /// A password field: the answer is not shown.
    hidden: bool,
}

/// The AppleScript that shows a dialog with the title and text of its arguments and
/// prints the answer; `with hidden answer` is added for a password field.
const OSASCRIPT_LINES: [&str; 4] = [
    "on run argv",
    "display dialog (item 2 of argv) with title (item 1 of argv) default answer \"\" buttons {\"Cancel\", \"OK\"} default button \"OK\" cancel button \"Cancel\"",
    "return text returned of result",
    "end run",
];

/// The PowerShell script that shows the Windows credential dialog (CredUI) with the
/// title and text of `STSCREDS_DIALOG_TITLE` and `STSCREDS_DIALOG_TEXT`, and prints
/// what was typed in its password field; it exits 1 when cancelled.
const POWERSHELL_SCRIPT: &str = "[Console]::OutputEncoding = [Text.Encoding]::UTF8; \
$answer = $Host.UI.PromptForCredential($env:STSCREDS_DIALOG_TITLE, $env:STSCREDS_DIALOG_TEXT, 'stscreds', ''); \
if ($null -eq $answer) { exit 1 }; \
[Console]::Out.Write($answer.GetNetworkCredential().Password)";

impl Program {
    /// The dialog `kind` names, if it names one.
    fn named(kind: PromptKind) -> Option<Self> {
        match kind {
            PromptKind::Auto | PromptKind::Terminal => None,
            PromptKind::Zenity => Some(Program::Zenity),
            PromptKind::Kdialog => Some(Program::Kdialog),
            PromptKind::Osascript => Some(Program::Osascript),
            PromptKind::Windows => Some(Program::PowerShell),
        }
    }

    /// The executable's name.
    fn executable(self) -> &'static str {
        match self {
            Program::Zenity => "zenity",
            Program::Kdialog => "kdialog",
            Program::Osascript => "osascript",
            Program::PowerShell => "powershell.exe",
        }
    }

    /// Where the program is, if it can show a dialog here (with `env` as the
    /// environment); else why not. zenity and kdialog need a graphical session.
    fn usable(self, env: &dyn Fn(&str) -> Option<OsString>) -> Result<PathBuf, String> {
        let has = |name| env(name).is_some_and(|value| !value.is_empty());
        if matches!(self, Program::Zenity | Program::Kdialog)
            && !has("DISPLAY")
            && !has("WAYLAND_DISPLAY")
        {
            return Err(
                "there is no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)".into(),
            );
        }
        let name = self.executable();
        env("PATH")
            .and_then(|path| find_program(&path, name))
            .ok_or_else(|| format!("{name} is not installed (not found on PATH)"))
    }

    /// The command that shows `request`, the program found at `path`.
    fn command(self, path: &Path, request: &Request<'_>) -> Command {
        let mut command = Command::new(path);
        match self {
            Program::Zenity => {
                command.args([
                    "--entry".to_owned(),
                    format!("--title={}", request.title),
                    format!("--text={}", zenity_text(request.text)),
                    "--width=460".to_owned(),
                ]);
                if request.hidden {
                    command.arg("--hide-text");
                }
            }
            Program::Kdialog => {
                let field = if request.hidden {
                    "--password"
                } else {
                    "--inputbox"
                };
                command
                    .args(["--title", request.title, field])
                    .arg(request.text.replace('&', "&&"));
            }
            Program::Osascript => {
                for line in OSASCRIPT_LINES {
                    if request.hidden && line.starts_with("display dialog") {
                        command.arg("-e").arg(format!("{line} with hidden answer"));
                    } else {
                        command.args(["-e", line]);
                    }
                }
                command.args([request.title, request.text]);
            }
            Program::PowerShell => {
                command
                    .args(["-NoProfile", "-Command", POWERSHELL_SCRIPT])
                    .env("STSCREDS_DIALOG_TITLE", request.title)
                    .env("STSCREDS_DIALOG_TEXT", request.text);
            }
        }
        command
    }
}

/// Turns zenity's accessibility bridge off (`NO_AT_BRIDGE=1`) when there is no D-Bus
/// session bus to join (with `env` as the environment). Without one, the bridge
/// autolaunches a session bus for the display (`dbus-launch`), which starts the
/// accessibility bus (`at-spi-bus-launcher`, a second `dbus-daemon`,
/// `at-spi2-registryd`); `dbus-launch`, which would end them with the display, stays in
/// the dialog's process group and is killed with it when the dialog closes, so four
/// processes would be left running for good. No screen reader listens on a bus started
/// just then; in a desktop session, which has a bus, the dialog stays accessible.
fn keep_from_starting_a_session_bus(command: &mut Command, env: &dyn Fn(&str) -> Option<OsString>) {
    if !has_session_bus(env) {
        command.env("NO_AT_BRIDGE", "1");
    }
}

/// Whether a D-Bus session bus is there, where GLib and libdbus look for one:
/// `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`.
fn has_session_bus(env: &dyn Fn(&str) -> Option<OsString>) -> bool {
    let set = |name| env(name).filter(|value| !value.is_empty());
    set("DBUS_SESSION_BUS_ADDRESS").is_some()
        || set("XDG_RUNTIME_DIR")
            .is_some_and(|directory| Path::new(&directory).join("bus").exists())
}

/// The display dialogs open: `DISPLAY`, else `WAYLAND_DISPLAY`.
fn display_name() -> String {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .into_iter()
        .filter_map(std::env::var_os)
        .find(|value| !value.is_empty())
        .map(|value| value.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `text` as zenity shows it literally: its label takes `_` for a keyboard shortcut
/// and `\` for an escape.
fn zenity_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('_', "__")
}

/// The executable `name` in one of the directories of `path`.
fn find_program(path: &std::ffi::OsStr, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|directory| directory.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        metadata.is_file()
    }
}

/// One dialog program, ready to ask the questions of a profile.
struct Dialog {
    program: Program,
    path: PathBuf,
    profile: Option<String>,
}

impl Dialog {
    /// The title of a question's dialog: stscreds, and the profile if one is known.
    fn title(&self) -> String {
        match &self.profile {
            Some(profile) => format!("stscreds (profile '{profile}')"),
            None => "stscreds".to_owned(),
        }
    }

    /// Asks `prompt` (the terminal's question) in the dialog, the answer shown as typed
    /// or, `hidden`, in a password field.
    fn ask(&self, prompt: &str, hidden: bool) -> Result<Zeroizing<String>, InputError> {
        let question = prompt::question(prompt);
        let title = self.title();
        let request = Request {
            title: &title,
            text: &question,
            hidden,
        };
        self.show(&request, &question)
    }

    fn line(&self, prompt: &str) -> Result<String, InputError> {
        self.ask(prompt, false).map(|answer| answer.to_string())
    }

    fn secret(&self, prompt: &str) -> Result<SecretString, InputError> {
        self.ask(prompt, true)
            .map(|answer| SecretString::from(answer.as_str()))
    }

    fn mfa_code(&self, question: &MfaQuestion<'_>) -> Result<String, InputError> {
        let title = format!("stscreds: MFA code (profile '{}')", question.profile);
        let retry = if question.mistyped {
            "That was not 6 digits. "
        } else {
            ""
        };
        let text = format!(
            "{retry}Enter the 6-digit code of MFA device\n{}\n(IAM user {}, profile '{}'):",
            question.device, question.user, question.profile
        );
        let request = Request {
            title: &title,
            text: &text,
            hidden: false,
        };
        self.show(
            &request,
            &format!("the MFA code of profile '{}'", question.profile),
        )
        .map(|answer| answer.to_string())
    }

    /// Shows the dialog, waits for it at most `STSCREDS_MFA_TIMEOUT` and returns the
    /// answer (its line ending removed). `question` names it in errors.
    fn show(&self, request: &Request<'_>, question: &str) -> Result<Zeroizing<String>, InputError> {
        let limit = crate::ui::subprocess::answer_timeout()?;
        let mut command = self.program.command(&self.path, request);
        subprocess::without_our_secrets(&mut command)
            .stdin(Stdio::null())
            .stderr(Stdio::piped());
        if self.program == Program::Zenity {
            keep_from_starting_a_session_bus(&mut command, &|name| std::env::var_os(name));
        }
        let failed = |status: String| InputError::DialogFailed {
            program: self.program.executable(),
            status,
        };
        let (status, stdout, stderr) = match subprocess::run(&mut command, limit) {
            Err(error) => return Err(failed(error.to_string())),
            Ok(Outcome::TimedOut) => {
                return Err(InputError::TimedOut {
                    question: question.to_owned(),
                    seconds: limit.as_secs(),
                });
            }
            Ok(Outcome::Finished {
                status,
                stdout,
                stderr,
            }) => (status, stdout, stderr),
        };
        match status.code() {
            Some(0) => {
                let answer = stdout.strip_suffix('\n').unwrap_or(&stdout);
                Ok(Zeroizing::new(
                    answer.strip_suffix('\r').unwrap_or(answer).to_owned(),
                ))
            }
            // Cancel, Escape or the window closed; or no display to open.
            Some(1) if stderr.contains("display") => Err(failed(format!(
                "it cannot open display {}",
                crate::message::printable(&display_name())
            ))),
            Some(1) => Err(InputError::Cancelled {
                question: question.to_owned(),
            }),
            _ => Err(failed(status.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arguments(command: &Command) -> Vec<String> {
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect()
    }

    fn request(hidden: bool) -> Request<'static> {
        Request {
            title: "stscreds: MFA code (profile 'my_work')",
            text: "Enter the code of a_b\\c; $(touch x) & 'quoted'",
            hidden,
        }
    }

    #[test]
    fn zenity_gets_an_entry_whose_text_it_shows_literally() {
        let command = Program::Zenity.command(Path::new("/usr/bin/zenity"), &request(false));
        assert_eq!(
            arguments(&command),
            [
                "--entry",
                "--title=stscreds: MFA code (profile 'my_work')",
                "--text=Enter the code of a__b\\\\c; $(touch x) & 'quoted'",
                "--width=460",
            ]
        );
        let hidden = Program::Zenity.command(Path::new("/usr/bin/zenity"), &request(true));
        assert_eq!(arguments(&hidden).last().unwrap(), "--hide-text");
    }

    #[test]
    fn kdialog_gets_an_input_box_or_a_password_field() {
        let command = Program::Kdialog.command(Path::new("kdialog"), &request(false));
        assert_eq!(
            arguments(&command),
            [
                "--title",
                "stscreds: MFA code (profile 'my_work')",
                "--inputbox",
                "Enter the code of a_b\\c; $(touch x) && 'quoted'",
            ]
        );
        let hidden = Program::Kdialog.command(Path::new("kdialog"), &request(true));
        assert_eq!(arguments(&hidden)[2], "--password");
    }

    #[test]
    fn osascript_gets_the_title_and_text_as_arguments_not_in_its_script() {
        let command = Program::Osascript.command(Path::new("osascript"), &request(false));
        let args = arguments(&command);
        let script: Vec<&str> = args
            .chunks(2)
            .take_while(|pair| pair[0] == "-e")
            .map(|pair| pair[1].as_str())
            .collect();
        assert_eq!(script, OSASCRIPT_LINES);
        assert_eq!(
            args[script.len() * 2..],
            [request(false).title, request(false).text]
        );
        assert!(!script.concat().contains("my_work"));
        let hidden = arguments(&Program::Osascript.command(Path::new("osascript"), &request(true)));
        assert!(hidden[3].ends_with("with hidden answer"), "{hidden:?}");
        assert_eq!(hidden.iter().filter(|a| a.contains("hidden")).count(), 1);
    }

    #[test]
    fn powershell_gets_the_title_and_text_in_its_environment_not_in_its_script() {
        let command = Program::PowerShell.command(Path::new("powershell.exe"), &request(true));
        assert_eq!(
            arguments(&command),
            ["-NoProfile", "-Command", POWERSHELL_SCRIPT]
        );
        let env: Vec<(String, String)> = command
            .get_envs()
            .map(|(k, v)| {
                let text = |s: &std::ffi::OsStr| s.to_string_lossy().into_owned();
                (text(k), v.map(text).unwrap_or_default())
            })
            .collect();
        assert_eq!(
            env,
            [
                (
                    "STSCREDS_DIALOG_TEXT".to_owned(),
                    request(true).text.to_owned()
                ),
                (
                    "STSCREDS_DIALOG_TITLE".to_owned(),
                    request(true).title.to_owned()
                ),
            ]
        );
    }

    /// A directory on a fake PATH holding executables named `programs`.
    fn path_with(programs: &[&str]) -> tempfile::TempDir {
        let directory = tempfile::tempdir().unwrap();
        for program in programs {
            let file = directory.path().join(program);
            std::fs::write(&file, "#!/bin/sh\n").unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        directory
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn auto_takes_zenity_then_kdialog_and_only_in_a_graphical_session() {
        let both = path_with(&["zenity", "kdialog"]);
        let kdialog_only = path_with(&["kdialog"]);
        let none = path_with(&[]);
        let env = |path: &Path, display: Option<&str>| {
            let path = path.as_os_str().to_owned();
            let display = display.map(OsString::from);
            move |name: &str| match name {
                "PATH" => Some(path.clone()),
                "WAYLAND_DISPLAY" => display.clone(),
                _ => None,
            }
        };
        let found = |env: &dyn Fn(&str) -> Option<OsString>| first_usable(env).map(|(p, _)| p);
        assert_eq!(
            found(&env(both.path(), Some("wayland-0"))),
            Ok(Program::Zenity)
        );
        assert_eq!(
            found(&env(kdialog_only.path(), Some("wayland-0"))),
            Ok(Program::Kdialog)
        );
        assert_eq!(
            found(&env(both.path(), None)),
            Err("there is no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)".into())
        );
        assert_eq!(
            found(&env(none.path(), Some(""))),
            Err("there is no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)".into())
        );
        assert_eq!(
            found(&env(none.path(), Some(":0"))),
            Err("zenity is not installed (not found on PATH); kdialog is not installed (not found on PATH)".into())
        );
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn auto_asks_standard_input_or_a_terminal_first_and_a_named_dialog_or_says_why_not() {
        let zenity = path_with(&["zenity"]);
        let path = zenity.path().as_os_str().to_owned();
        let display = move |name: &str| match name {
            "PATH" => Some(path.clone()),
            "DISPLAY" => Some(OsString::from(":5")),
            _ => None,
        };
        let no_display =
            |name: &str| (name == "PATH").then(|| zenity.path().as_os_str().to_owned());
        let prompter = |side, kind, terminal: bool| Prompter {
            terminal: Box::new(prompt::Scripted::new(&[], terminal)),
            side,
            kind,
            profile: Some("work".into()),
        };
        let route = |prompter: &Prompter, env: &dyn Fn(&str) -> Option<OsString>| match prompter
            .route_in(env)
        {
            Ok(Route::Terminal) => "terminal".to_owned(),
            Ok(Route::Dialog(dialog)) => dialog.program.executable().to_owned(),
            Ok(Route::Nowhere(why)) => format!("nowhere: {why}"),
            Err(error) => format!("error: {error}"),
        };
        let (stdin, tty) = (TerminalSide::Stdin, TerminalSide::ControllingTerminal);
        // Piped answers stay answers, whatever the display.
        assert_eq!(
            route(&prompter(stdin, PromptKind::Auto, false), &display),
            "terminal"
        );
        assert_eq!(
            route(&prompter(tty, PromptKind::Auto, true), &display),
            "terminal"
        );
        assert_eq!(
            route(&prompter(tty, PromptKind::Auto, false), &display),
            "zenity"
        );
        assert_eq!(
            route(&prompter(tty, PromptKind::Auto, false), &no_display),
            "nowhere: there is no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)"
        );
        assert_eq!(
            route(&prompter(tty, PromptKind::Terminal, false), &display),
            "terminal"
        );
        assert_eq!(
            route(&prompter(stdin, PromptKind::Zenity, true), &display),
            "zenity"
        );
        assert_eq!(
            route(&prompter(stdin, PromptKind::Kdialog, true), &display),
            "error: cannot show a kdialog dialog: kdialog is not installed (not found on PATH); choose another prompt with --mfa-prompt, STSCREDS_MFA_PROMPT or mfa_prompt (auto, terminal, zenity, kdialog, osascript or windows)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_program_that_is_not_executable_is_not_found() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::write(directory.path().join("osascript"), "").unwrap();
        let env = |name: &str| (name == "PATH").then(|| directory.path().as_os_str().to_owned());
        assert_eq!(
            Program::Osascript.usable(&env),
            Err("osascript is not installed (not found on PATH)".into())
        );
    }

    /// `NO_AT_BRIDGE` as `keep_from_starting_a_session_bus` sets it, with `vars` as
    /// the environment.
    fn bridge_setting(vars: &[(&str, &std::ffi::OsStr)]) -> Option<OsString> {
        let env = |name: &str| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| value.to_os_string())
        };
        let mut command = Command::new("zenity");
        keep_from_starting_a_session_bus(&mut command, &env);
        command
            .get_envs()
            .find(|(name, _)| *name == "NO_AT_BRIDGE")
            .and_then(|(_, value)| value.map(OsString::from))
    }

    #[test]
    fn a_dialog_without_a_session_bus_to_join_does_not_start_one() {
        let runtime = tempfile::tempdir().unwrap();
        let runtime_dir = runtime.path().as_os_str();
        assert_eq!(bridge_setting(&[]), Some("1".into()));
        assert_eq!(
            bridge_setting(&[("DBUS_SESSION_BUS_ADDRESS", "".as_ref())]),
            Some("1".into())
        );
        assert_eq!(
            bridge_setting(&[("XDG_RUNTIME_DIR", runtime_dir)]),
            Some("1".into()),
            "a runtime directory without a bus"
        );

        // In a desktop session the dialog joins the bus and stays accessible.
        let address = "unix:path=/run/user/1000/bus".as_ref();
        assert_eq!(
            bridge_setting(&[("DBUS_SESSION_BUS_ADDRESS", address)]),
            None
        );
        std::fs::write(runtime.path().join("bus"), "").unwrap();
        assert_eq!(bridge_setting(&[("XDG_RUNTIME_DIR", runtime_dir)]), None);
    }
}
