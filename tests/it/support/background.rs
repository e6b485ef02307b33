//! A run of the binary that goes on while the test does something else (answers a
//! dialog), with what it prints collected as it comes.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::Run;

/// A started process, its standard input closed; killed if dropped while it runs (a
/// failed test leaves nothing behind).
pub struct Background {
    child: Child,
    stdout: Option<JoinHandle<String>>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
}

impl Background {
    /// Starts `command` with empty standard input and piped output.
    pub fn start(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdout = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let mut pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 512];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Self {
            child,
            stdout: Some(stdout),
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }

    /// Whether it has printed `text` on stderr so far.
    pub fn has_said(&self, text: &str) -> bool {
        self.stderr.lock().unwrap().contains(text)
    }

    /// Sends it SIGTERM.
    pub fn terminate(&self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    /// Whether it has exited.
    pub fn has_finished(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Waits for it to end and collects its output (stderr checked for secrets).
    #[track_caller]
    pub fn finish(mut self) -> Run {
        let status = self.child.wait().unwrap();
        let stdout = self.stdout.take().map(|reader| reader.join().unwrap());
        if let Some(reader) = self.stderr_reader.take() {
            reader.join().unwrap();
        }
        let stderr = self.stderr.lock().unwrap().clone();
        super::assert_no_secret_in(&stderr);
        Run {
            code: status.code(),
            stdout: stdout.unwrap_or_default(),
            stderr,
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
