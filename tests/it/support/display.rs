//! A private X display (Xvfb) on which stscreds' dialogs appear, and xdotool to find
//! and answer them as a person would. `scripts/test` installs xvfb, zenity and xdotool.
//! There is no window manager: windows are focused with `windowfocus`, never
//! activated.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long anything on the display may take to happen.
const PATIENCE: Duration = Duration::from_secs(30);

/// A dialog window: X reuses window ids, so the process that shows it tells it apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Window {
    pub id: String,
    pub pid: u32,
    pub title: String,
}

impl Window {
    /// The command line of the program that shows the window (its arguments).
    pub fn arguments(&self) -> Vec<String> {
        std::fs::read(format!("/proc/{}/cmdline", self.pid))
            .unwrap_or_default()
            .split(|&byte| byte == 0)
            .map(|arg| String::from_utf8_lossy(arg).into_owned())
            .collect()
    }

    /// Whether the program that showed it still runs.
    pub fn program_runs(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
            .is_ok_and(|stat| !stat.contains(") Z "))
    }
}

/// Fails the test, pointing to `scripts/test`, unless Xvfb, zenity and xdotool are
/// installed.
#[track_caller]
pub fn require_tools() {
    for tool in ["Xvfb", "zenity", "xdotool"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        assert!(
            found,
            "{tool} is missing: run the tests with scripts/test, which installs xvfb, zenity and xdotool"
        );
    }
}

/// An X server on a display of its own, stopped when dropped.
pub struct Display {
    server: Child,
    name: String,
    /// When the server started (see [`start_time`]): its clients started later.
    started: u64,
}

impl Display {
    /// Starts Xvfb on a free display and waits until it accepts connections: with
    /// `-displayfd` it picks the first free number and prints it once it is ready.
    pub fn start() -> Self {
        require_tools();
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1024x768x24"])
            .args(["-nolisten", "tcp"])
            // Without it the server resets whenever its last client leaves (xdotool
            // does, all the time), and drops whoever connects meanwhile.
            .arg("-noreset")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let stdout = server.stdout.take().unwrap();
        let (sender, ready) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            let _ = sender.send(line);
            // Reads on until the server ends: a write to a closed pipe would kill it.
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        let number = ready.recv_timeout(PATIENCE).unwrap_or_default();
        let started = start_time(server.id()).expect("Xvfb did not start");
        let display = Self {
            server,
            name: format!(":{}", number.trim()),
            started,
        };
        assert!(number.trim().parse::<u32>().is_ok(), "Xvfb did not start");
        display
    }

    /// The value of `DISPLAY` for it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The processes running with this display in their environment (its clients:
    /// the dialogs, and stscreds while it runs). Processes older than the server are
    /// not: they were left by an earlier server of the same number, another test's.
    pub fn clients(&self) -> Vec<u32> {
        let wanted = format!("DISPLAY={}", self.name);
        let ours = std::process::id();
        std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .filter(|&pid| pid != ours)
            .filter(|&pid| start_time(pid).is_some_and(|started| started >= self.started))
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
                    environ
                        .split(|&byte| byte == 0)
                        .any(|variable| variable == wanted.as_bytes())
                })
            })
            .collect()
    }

    /// Runs `xdotool ARGS` on this display (at most 10 s) and returns its output.
    fn xdotool(&self, args: &[&str]) -> (bool, String) {
        let output = Command::new("timeout")
            .arg("10")
            .arg("xdotool")
            .args(args)
            .env("DISPLAY", &self.name)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .expect("run xdotool");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        )
    }

    /// The visible windows whose title matches `pattern` (a regular expression,
    /// case-insensitive), now.
    pub fn windows(&self, pattern: &str) -> Vec<Window> {
        let (_, ids) = self.xdotool(&["search", "--onlyvisible", "--name", pattern]);
        // A window that closes meanwhile is left out.
        ids.lines()
            .filter_map(|id| {
                let (found_pid, pid) = self.xdotool(&["getwindowpid", id]);
                let (found_title, title) = self.xdotool(&["getwindowname", id]);
                (found_pid && found_title && !title.is_empty()).then_some(())?;
                Some(Window {
                    id: id.to_owned(),
                    pid: pid.parse().ok()?,
                    title,
                })
            })
            .collect()
    }

    /// Waits until a window matching `pattern` that is not one of `known` is shown,
    /// and returns it.
    #[track_caller]
    pub fn wait_for_new_window(&self, pattern: &str, known: &[Window]) -> Window {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(window) = self
                .windows(pattern)
                .into_iter()
                .find(|window| !known.contains(window))
            {
                return window;
            }
            assert!(
                Instant::now() < deadline,
                "no window titled /{pattern}/ appeared"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for a window matching `pattern`.
    #[track_caller]
    pub fn wait_for_window(&self, pattern: &str) -> Window {
        self.wait_for_new_window(pattern, &[])
    }

    /// Waits until no window matching `pattern` is shown.
    #[track_caller]
    pub fn wait_until_gone(&self, pattern: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.windows(pattern).is_empty() {
            assert!(
                Instant::now() < deadline,
                "a window titled /{pattern}/ stays"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `text` into `window` and presses Enter, until the window closes: a
    /// window that has just appeared may not take keys yet, so what was lost is typed
    /// again (replacing what arrived).
    #[track_caller]
    pub fn answer(&self, window: &Window, text: &str) {
        let keys: [&[&str]; 3] = [
            &["key", "ctrl+a"],
            &["type", "--delay", "20", text],
            &["key", "Return"],
        ];
        self.until_closed(window, &keys);
    }

    /// Presses `key` (an X key name such as `Escape`) in `window` until it closes.
    #[track_caller]
    pub fn press(&self, window: &Window, key: &str) {
        self.until_closed(window, &[&["key", key]]);
    }

    /// Focuses `window` and runs the xdotool commands `keys`, again every 2 s while
    /// the window stays, for at most 30 s.
    #[track_caller]
    fn until_closed(&self, window: &Window, keys: &[&[&str]]) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if self.xdotool(&["windowfocus", "--sync", &window.id]).0 {
                for command in keys {
                    self.xdotool(command);
                }
            }
            let retry = Instant::now() + Duration::from_secs(2);
            while Instant::now() < retry {
                if !self.is_shown(window) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(Instant::now() < deadline, "{window:?} does not close");
        }
    }

    /// Whether `window` is still shown.
    fn is_shown(&self, window: &Window) -> bool {
        self.windows(&regex_literal(&window.title)).contains(window)
    }
}

/// When process `pid` started, in clock ticks since boot (field 22 of
/// `/proc/PID/stat`, after the command name in parentheses); `None` once it is gone.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, fields) = stat.rsplit_once(')')?;
    fields.split_whitespace().nth(19)?.parse().ok()
}

/// `text` as a regular expression that matches it alone.
fn regex_literal(text: &str) -> String {
    let mut pattern = String::from("^");
    for c in text.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('$');
    pattern
}

impl Drop for Display {
    /// Stops the server with SIGTERM, so that it removes its lock file and socket (at
    /// most 10 s, then SIGKILL).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.server.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.server.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
