//! How stscreds tells the person what it is doing. The core (getting credentials, AWS
//! calls, file checks) reports through a [`Report`] instead of printing, so that each
//! front end decides where the words go: the command line prints them on stderr as they
//! come; a long-running server can route the same messages to its own log.

use std::io::Write;

/// Where progress, warnings and `--verbose` traces go. Never given a secret.
pub trait Report: Send + Sync {
    /// Progress and outcomes the person wants to see ("Waiting for another stscreds
    /// process...", "Wrote credentials to ...").
    fn say(&self, message: &str);

    /// Something wrong that does not stop the command, with what to do about it.
    fn warn(&self, message: &str);

    /// A detail shown only with `--verbose` (each AWS call, its time and request id).
    fn trace(&self, message: &str);
}

/// The command line's reporter: each message on its own line on stderr, warnings
/// prefixed `warning: `, traces prefixed `stscreds: ` and only with `--verbose`. A
/// stderr that cannot be written (a closed terminal, a reader gone) loses the message
/// and nothing else: reporting never stops the work it reports on (`eprintln!` would
/// panic, and a server's renewal with it).
#[derive(Debug, Default, Clone, Copy)]
pub struct Stderr {
    verbose: bool,
}

impl Stderr {
    /// A reporter that shows traces when `verbose` is set.
    pub fn new(verbose: bool) -> Self {
        Self { verbose }
    }
}

impl Stderr {
    /// Writes `prefix` and `message` as one line, ignoring failure.
    fn line(prefix: &str, message: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{prefix}{message}");
    }
}

impl Report for Stderr {
    fn say(&self, message: &str) {
        Self::line("", message);
    }

    fn warn(&self, message: &str) {
        Self::line("warning: ", message);
    }

    fn trace(&self, message: &str) {
        if self.verbose {
            Self::line("stscreds: ", message);
        }
    }
}

/// Another reporter's warnings and traces, without its progress messages: for work in
/// the background (a server's renewals), which says what it did in one line of its own.
pub struct WarningsOnly(pub std::sync::Arc<dyn Report>);

impl Report for WarningsOnly {
    fn say(&self, _message: &str) {}

    fn warn(&self, message: &str) {
        self.0.warn(message);
    }

    fn trace(&self, message: &str) {
        self.0.trace(message);
    }
}

/// A reporter that keeps every message, for tests of what the core says.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Collected {
    messages: std::sync::Mutex<Vec<String>>,
}

#[cfg(test)]
impl Collected {
    /// Every message so far, warnings prefixed `warning: `, traces `trace: `.
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    fn push(&self, message: String) {
        self.messages.lock().unwrap().push(message);
    }
}

#[cfg(test)]
impl Report for Collected {
    fn say(&self, message: &str) {
        self.push(message.to_owned());
    }

    fn warn(&self, message: &str) {
        self.push(format!("warning: {message}"));
    }

    fn trace(&self, message: &str) {
        self.push(format!("trace: {message}"));
    }
}
