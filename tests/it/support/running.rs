//! A long-running `stscreds` (a credential server, with or without a child) in a
//! process group of its own: its output is collected as it comes, it is signalled the
//! way a user's `kill` does it, and on drop the whole group (stscreds and whatever it
//! started) is killed, so that a failing test leaves nothing behind.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Run;

/// How long [`Running::wait_for_stdout`] and [`Running::wait_for_stderr`] wait.
const PATIENCE: Duration = Duration::from_secs(30);

/// A stream read to its end on a thread of its own.
#[derive(Clone, Default)]
struct Collected {
    text: Arc<Mutex<String>>,
    ended: Arc<AtomicBool>,
}

impl Collected {
    fn start(mut source: impl Read + Send + 'static) -> Self {
        let collected = Self::default();
        let sink = collected.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = source.read(&mut buffer) {
                sink.text
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
            sink.ended.store(true, Ordering::SeqCst);
        });
        collected
    }

    fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}

/// A process started by a test, running in the background.
pub struct Running {
    child: Child,
    stdout: Collected,
    stderr: Collected,
}

impl Running {
    /// Starts `command` (stdin empty, stdout and stderr collected) in a new process
    /// group.
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("spawn");
        let stdout = Collected::start(child.stdout.take().unwrap());
        let stderr = Collected::start(child.stderr.take().unwrap());
        Self {
            child,
            stdout,
            stderr,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// Waits (at most 30 s) until stdout shows `text`; returns all of stdout so far.
    #[track_caller]
    pub fn wait_for_stdout(&self, text: &str) -> String {
        self.wait_for(&self.stdout, text)
    }

    /// Waits (at most 30 s) until stderr shows `text`; returns all of stderr so far.
    #[track_caller]
    pub fn wait_for_stderr(&self, text: &str) -> String {
        self.wait_for(&self.stderr, text)
    }

    #[track_caller]
    fn wait_for(&self, stream: &Collected, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let shown = stream.text();
            if shown.contains(text) {
                return shown;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?}\nstdout: {}\nstderr: {}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends signal `name` (`TERM`, `INT`, `HUP`, `KILL`) to this process only, as
    /// `kill -NAME PID` does.
    pub fn signal(&self, name: &str) {
        send_signal(name, self.pid());
    }

    /// Waits (at most `patience`) for the process to end, then for its output; its
    /// stderr is checked for secrets, as every run's is.
    #[track_caller]
    pub fn finish_within(mut self, patience: Duration) -> Run {
        let deadline = Instant::now() + patience;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "did not exit within {patience:?}\nstdout: {}\nstderr: {}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // A grandchild may hold the pipes open: wait a little, not for ever.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !(self.stdout.ended.load(Ordering::SeqCst)
            && self.stderr.ended.load(Ordering::SeqCst))
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let run = Run {
            code: status.code(),
            stdout: self.stdout(),
            stderr: self.stderr(),
        };
        super::assert_no_secret_in(&run.stderr);
        run
    }

    /// [`Running::finish_within`] 30 s.
    #[track_caller]
    pub fn finish(self) -> Run {
        self.finish_within(PATIENCE)
    }
}

impl Drop for Running {
    /// Kills the process group: stscreds and anything it started.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// `kill -NAME PID`.
#[track_caller]
pub fn send_signal(name: &str, pid: u32) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}
