//! Handing a URL to a web browser, never through a shell: the command of `--browser`,
//! else `$BROWSER`, else the platform's opener. A command is split into words as a
//! POSIX shell would (`shlex`), and the URL is added as one more argument, so its `&`,
//! `%` and `=` reach the browser as they are. Nothing here prints; the caller says what
//! happened.

use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::env::BROWSER_VARIABLE;
use crate::message::shell_word;
use crate::prompt::InputError;
use crate::subprocess;


/// How long a launcher has to fail before it counts as working: openers (`xdg-open`,
/// `open`) hand the URL on and exit at once, with a status that says whether it
/// worked; a browser started directly may stay in the foreground until it is closed,
/// and is left running.
const LAUNCH_GRACE: Duration = Duration::from_secs(3);

/// A command that opens a URL given as its last argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launcher {
    words: Vec<String>,
}

impl Launcher {
    /// The launcher of `command`, a command line in shell syntax (`firefox -P work`),
    /// from `origin` (`--browser`, `$BROWSER`) for the error.
    pub fn parse(command: &str, origin: &str) -> Result<Self, InputError> {
        match shlex::split(command) {
            Some(words) if !words.is_empty() => Ok(Self { words }),
            _ => Err(InputError::Invalid(format!(
                "{origin} is not a command line stscreds can split into words (check its quotes): {}",
                crate::message::printable(command)
            ))),
        }
    }

    /// The platform's opener: `xdg-open`, macOS's `open`, or on Windows `rundll32
    /// url.dll,FileProtocolHandler`, which takes the URL as it is (`cmd /c start`
    /// would read its `&` as the end of a command).
    pub fn platform() -> Self {
        let words: &[&str] = if cfg!(target_os = "macos") {
            &["open"]
        } else if cfg!(windows) {
            &["rundll32", "url.dll,FileProtocolHandler"]
        } else {
            &["xdg-open"]
        };
        Self {
            words: words.iter().map(|word| (*word).to_owned()).collect(),
        }
    }

    /// The command line, quoted for a shell, for messages.
    pub fn name(&self) -> String {
        let quoted: Vec<String> = self.words.iter().map(|word| shell_word(word)).collect();
        quoted.join(" ")
    }

    /// Runs the command with `url` as its last argument. It gets none of our
    /// standard streams (a browser may outlive us, and a caller reading our output
    /// would wait for it to close), none of our secrets, and a process group of its
    /// own, so that it lives on when a Ctrl-C at the terminal stops stscreds while
    /// it waits. Works if it exits successfully, or is still running after
    /// [`LAUNCH_GRACE`]; else why not.
    fn launch(&self, url: &str) -> Result<(), String> {
        let (program, arguments) = self.words.split_first().ok_or("an empty command")?;
        let mut command = Command::new(program);
        subprocess::without_our_secrets(&mut command)
            .args(arguments)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        #[cfg(target_os = "linux")]
        inherit_no_other_descriptors(&mut command);
        let mut child = command
            .spawn()
            .map_err(|error| format!("cannot run {}: {error}", self.name()))?;
        let deadline = Instant::now() + LAUNCH_GRACE;
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => return Err(format!("{} failed ({status})", self.name())),
                Ok(None) if Instant::now() >= deadline => return Ok(()),
                Ok(None) => thread::sleep(Duration::from_millis(20)),
                Err(error) => return Err(format!("{}: {error}", self.name())),
            }
        }
    }
}

/// Has the browser inherit none of the descriptors above 2 that our caller left open
/// for us without close-on-exec (a pipe it reads on descriptor 3, a jobserver's): it
/// would hold them open as long as it runs.
#[cfg(target_os = "linux")]
fn inherit_no_other_descriptors(command: &mut Command) {
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls are allowed: close_range is a system call. It marks the
    // descriptors close-on-exec rather than closing them, so that the standard
    // library's own (close-on-exec) pipe still reports a failed exec; on kernels
    // without it (before 5.11) the browser inherits them, as before.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(command, || {
            libc::syscall(
                libc::SYS_close_range,
                3,
                libc::c_uint::MAX,
                libc::CLOSE_RANGE_CLOEXEC,
            );
            Ok(())
        });
    }
}

/// The launchers to try, in order: `--browser`'s alone (a browser chosen on the
/// command line is never swapped for another), else `$BROWSER`'s (`browser_variable`)
/// and then the platform's opener.
pub fn launchers(
    flag: Option<&str>,
    browser_variable: Option<&str>,
) -> Result<Vec<Launcher>, InputError> {
    if let Some(command) = flag {
        return Ok(vec![Launcher::parse(command, "--browser")?]);
    }
    let mut launchers = Vec::new();
    if let Some(command) = browser_variable.filter(|command| !command.trim().is_empty()) {
        launchers.push(Launcher::parse(command, BROWSER_VARIABLE)?);
    }
    launchers.push(Launcher::platform());
    Ok(launchers)
}

/// Opens `url` with the first of `launchers` that works: that one, or what went wrong
/// with each.
pub fn open<'a>(launchers: &'a [Launcher], url: &str) -> Result<&'a Launcher, Vec<String>> {
    let mut failures = Vec::new();
    for launcher in launchers {
        match launcher.launch(url) {
            Ok(()) => return Ok(launcher),
            Err(why) => failures.push(why),
        }
    }
    Err(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_on_the_command_line_is_the_only_one_tried() {
        let chosen = launchers(Some("firefox -P 'my work'"), Some("chromium")).unwrap();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].words, ["firefox", "-P", "my work"]);
        assert_eq!(chosen[0].name(), "firefox -P 'my work'");
    }

    #[test]
    fn the_browser_variable_comes_before_the_platform_opener() {
        let chosen = launchers(None, Some("  open -a Safari ")).unwrap();
        assert_eq!(chosen[0].words, ["open", "-a", "Safari"]);
        assert_eq!(chosen[1], Launcher::platform());
        assert_eq!(launchers(None, Some(" ")).unwrap(), [Launcher::platform()]);
        assert_eq!(launchers(None, None).unwrap(), [Launcher::platform()]);
    }

    #[test]
    fn a_command_that_cannot_be_split_is_refused() {
        for bad in ["firefox 'unclosed", "", "   "] {
            assert!(Launcher::parse(bad, "--browser").is_err(), "{bad:?}");
        }
        let error = launchers(None, Some("x \"y")).unwrap_err().to_string();
        assert!(error.starts_with("BROWSER is not"), "{error}");
    }

    #[test]
    fn a_launcher_that_fails_or_cannot_start_is_reported_and_the_next_one_tried() {
        let failing = Launcher::parse("false", "--browser").unwrap();
        let missing = Launcher::parse("/nonexistent/browser", "--browser").unwrap();
        let working = Launcher::parse("true", "--browser").unwrap();
        let all = [failing, missing, working.clone()];
        assert_eq!(open(&all, "https://x/?a=1&b=2"), Ok(&working));
        let failures = open(&all[..2], "https://x").unwrap_err();
        assert_eq!(failures.len(), 2);
        assert!(failures[0].contains("false failed"), "{failures:?}");
        assert!(
            failures[1].contains("cannot run /nonexistent/browser"),
            "{failures:?}"
        );
    }
}
