//! A command on a pseudo-terminal, for what stscreds does only when a person is there.

/// A command on a pseudo-terminal (`script`), driven by what it shows.
pub struct Terminal {
    child: std::process::Child,
    input: std::process::ChildStdin,
    shown: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Terminal {
    /// Starts `command` (a [`Sandbox`](super::Sandbox) command) on a new terminal.
    pub fn spawn(command: std::process::Command) -> Self {
        use std::io::Read;
        let mut child = std::process::Command::new("script")
            .args(["-q", "-e", "-c"])
            .arg(format!(
                "sh -c 'exec \"$STSCREDS\" \"$@\"' stscreds {}",
                command
                    .get_args()
                    .map(|a| a.to_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
            .arg("/dev/null")
            .env_clear()
            .envs(command.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
            .env("STSCREDS", command.get_program())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let mut output = child.stdout.take().unwrap();
        let shown = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = shown.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 256];
            while let Ok(n @ 1..) = output.read(&mut buffer) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Self {
            child,
            input,
            shown,
        }
    }

    /// Waits (at most 30 s) until the terminal has shown `text` `count` times in all,
    /// then types `answer` and Enter.
    pub fn answer(&mut self, text: &str, count: usize, answer: &str) {
        use std::io::Write;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while self.shown.lock().unwrap().matches(text).count() < count {
            assert!(
                std::time::Instant::now() < deadline,
                "never saw {text:?}: {}",
                self.shown.lock().unwrap()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        write!(self.input, "{answer}\r").unwrap();
    }

    /// Waits for the command to end; its exit status and everything shown.
    pub fn finish(mut self) -> (bool, String) {
        drop(self.input);
        let status = self.child.wait().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        let shown = self.shown.lock().unwrap().clone();
        (status.success(), shown)
    }
}
