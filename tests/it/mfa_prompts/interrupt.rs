//! Ctrl-C and SIGTERM while stscreds waits for an answer: exit 130 / 143 with one clear
//! line, every file as it was, and the terminal's echo back on.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::moto::Moto;
use crate::support::{Sandbox, assert_no_secret_in};

/// A running process whose stderr is collected in the background.
struct Watched {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Watched {
    fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sink, mut source) = (stderr.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut buffer = [0u8; 256];
            while let Ok(n @ 1..) = source.read(&mut buffer) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Self { child, stderr }
    }

    /// Waits (at most 20 s) until stderr shows `text`.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.stderr.lock().unwrap().contains(text) {
            assert!(
                Instant::now() < deadline,
                "never saw {text:?}; stderr: {}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (at most 20 s) for the exit; returns the code, stdout and stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("did not exit; stderr: {}", self.stderr.lock().unwrap());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let stderr = self.stderr.lock().unwrap().clone();
        assert_no_secret_in(&stderr);
        (status.code(), stdout, stderr)
    }
}

/// A sandbox ready to authenticate, with an expired session on disk.
fn ready() -> (Sandbox, String, String) {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("interrupt");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("default", &user);
    let session = "[default]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old\naws_session_token = old\nstscreds_expiration = 2020-01-01T00:00:00Z\n";
    sandbox.write(".aws/credentials", session);
    let long_term = sandbox.read(".stscreds/credentials");
    (sandbox, session.to_owned(), long_term)
}

fn interrupt_at_prompt(args: &[&str], signal: &str) -> (Option<i32>, String, String, bool) {
    let (sandbox, session, long_term) = ready();
    let watched = Watched::spawn(sandbox.command(args));
    watched.wait_for("Please enter MFA token: ");
    watched.signal(signal);
    let (code, stdout, stderr) = watched.finish();
    let unchanged = sandbox.read(".aws/credentials") == session
        && sandbox.read(".stscreds/credentials") == long_term;
    (code, stdout, stderr, unchanged)
}

#[test]
fn ctrl_c_at_the_mfa_prompt_exits_130_and_changes_nothing() {
    let (code, stdout, stderr, unchanged) = interrupt_at_prompt(&["auth"], "INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("error: interrupted; stopped with every file complete"),
        "{stderr}"
    );
    assert_eq!(stdout, "");
    assert!(unchanged);
}

#[test]
fn sigterm_at_the_mfa_prompt_exits_143_and_changes_nothing() {
    let (code, _, stderr, unchanged) = interrupt_at_prompt(&["auth"], "TERM");
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("error: terminated"), "{stderr}");
    assert!(unchanged);
}

#[test]
fn ctrl_c_while_read_renews_prints_nothing_on_stdout() {
    let (code, stdout, stderr, unchanged) =
        interrupt_at_prompt(&["read", "aws_access_key_id"], "INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(stdout, "", "$(stscreds read …) captures nothing");
    assert!(unchanged);
}

/// Runs `stscreds init` on a pseudo-terminal (`script`), stops it at the hidden secret
/// prompt with `stop`, and returns everything the terminal showed, which ends with the
/// exit code and the terminal's echo flag as `stty` reports it afterwards.
fn stop_at_the_secret_prompt(stop: impl FnOnce(&mut std::process::ChildStdin, u32)) -> String {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    let stscreds = sandbox.command(&["init"]);
    // The outer shell survives Ctrl-C (a no-op trap is not inherited), the inner one
    // tells its pid and becomes stscreds, in the foreground of the terminal.
    let shell = r#"trap ':' INT; sh -c 'echo "pid=$$"; exec "$0" init' "$STSCREDS"; echo "exit=$?"; stty -a | tr ' ' '\n' | grep -x -- '-\?echo'"#;
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", shell, "/dev/null"])
        .env_clear()
        .envs(stscreds.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env("STSCREDS", stscreds.get_program())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let output = Arc::new(Mutex::new(String::new()));
    let sink = output.clone();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 256];
        while let Ok(n @ 1..) = stdout.read(&mut buffer) {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    let wait_for = |text: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !output.lock().unwrap().contains(text) {
            assert!(
                Instant::now() < deadline,
                "never saw {text:?}: {}",
                output.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for("AWS Access Key: ");
    let pid = {
        let text = output.lock().unwrap().clone();
        let line = text
            .lines()
            .find(|l| l.starts_with("pid="))
            .unwrap()
            .trim()
            .to_owned();
        line.trim_start_matches("pid=").parse().unwrap()
    };
    stdin.write_all(b"AKIAIOSFODNN7EXAMPLE\r").unwrap();
    wait_for("AWS Secret Access Key: ");
    std::thread::sleep(Duration::from_millis(200));
    stop(&mut stdin, pid);
    wait_for("echo");
    drop(stdin);
    let _ = child.wait();
    output.lock().unwrap().clone()
}

fn echo_flag(terminal: &str) -> &str {
    terminal
        .lines()
        .map(str::trim)
        .rfind(|line| line.ends_with("echo"))
        .unwrap()
}

#[test]
fn ctrl_c_at_the_hidden_secret_prompt_gives_the_terminal_its_echo_back() {
    let terminal = stop_at_the_secret_prompt(|stdin, _| stdin.write_all(b"\x03").unwrap());
    assert!(terminal.contains("exit=130"), "{terminal}");
    assert_eq!(
        terminal.matches("error: ").count(),
        1,
        "one error line: {terminal}"
    );
    assert_eq!(
        echo_flag(&terminal),
        "echo",
        "echo must be back on: {terminal}"
    );
}

#[test]
fn sigterm_at_the_hidden_secret_prompt_gives_the_terminal_its_echo_back() {
    let terminal = stop_at_the_secret_prompt(|_, pid| {
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    });
    assert!(terminal.contains("exit=143"), "{terminal}");
    assert!(terminal.contains("error: terminated"), "{terminal}");
    assert_eq!(
        echo_flag(&terminal),
        "echo",
        "echo must be back on: {terminal}"
    );
}
