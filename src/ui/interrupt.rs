//! Ctrl-C (SIGINT), SIGTERM and SIGHUP: stop at once, but never in the middle of
//! replacing a file, and give the terminal back with echo on (a signal can arrive
//! while the secret key is being typed with echo off). A long-running caller (a
//! credential server with a child to stop) takes the signals instead with a
//! [`Capture`], and ends in its own time.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::low_level::siginfo::{Cause, Origin};

/// What an interruption leaves behind beyond the files (e.g. a key half-rotated in
/// IAM), said in the message when one happens.
static LEFT_BEHIND: Mutex<Option<String>> = Mutex::new(None);

/// Sets (or with `None` clears) what the message says if the process is stopped now.
pub fn if_stopped_say(note: Option<String>) {
    *LEFT_BEHIND.lock().unwrap_or_else(|e| e.into_inner()) = note;
}

/// Where signals go while a [`Capture`] is alive, instead of ending the process.
static CAPTURED: Mutex<Option<Sender<Caught>>> = Mutex::new(None);

/// A signal taken by a [`Capture`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caught {
    /// The signal's number (`SIGINT`, `SIGTERM`, `SIGHUP`).
    pub signal: i32,
    /// Whether the terminal sent it (Ctrl-C, a hang-up): then every process in the
    /// terminal's foreground group got it too, a child started there included.
    pub from_terminal: bool,
}

impl From<&Origin> for Caught {
    fn from(origin: &Origin) -> Self {
        Self {
            signal: origin.signal,
            from_terminal: origin.cause == Cause::Kernel,
        }
    }
}

/// Installs the handler (once per process). Called by the dispatcher before any command
/// runs, never on the fast `read` path.
pub fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let terminal = rustix::termios::tcgetattr(rustix::stdio::stdin()).ok();
        let Ok(mut signals) = SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            for origin in signals.forever() {
                if deliver_to_capture(Caught::from(&origin)) {
                    continue;
                }
                stop(origin.signal, terminal.as_ref());
            }
        });
    });
}

/// Signals caught for a caller that must stop its own work before the process ends:
/// while this lives, SIGINT, SIGTERM and SIGHUP are delivered here and the process goes
/// on; once it is dropped, they end the process again.
pub struct Capture {
    signals: Receiver<Caught>,
}

impl Capture {
    /// Starts catching signals (installing the handler if the dispatcher has not).
    pub fn start() -> Self {
        install();
        let (sender, signals) = mpsc::channel();
        *CAPTURED.lock().unwrap_or_else(|e| e.into_inner()) = Some(sender);
        Self { signals }
    }

    /// The next signal, waiting at most `patience` for one.
    pub fn next(&self, patience: Duration) -> Option<Caught> {
        self.signals.recv_timeout(patience).ok()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        *CAPTURED.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Hands `signal` to the live [`Capture`], if there is one.
fn deliver_to_capture(caught: Caught) -> bool {
    let captured = CAPTURED.lock().unwrap_or_else(|e| e.into_inner());
    captured
        .as_ref()
        .is_some_and(|sender| sender.send(caught).is_ok())
}

/// Keeps an interrupt from ending the process until the guard is dropped, and waits
/// while another thread holds one: held while a file is replaced, so that a signal
/// never leaves one half-written, and by the handler itself before it exits.
pub fn hold_off() -> MutexGuard<'static, ()> {
    static HELD: Mutex<()> = Mutex::new(());
    HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Ends the process for `signal` once no file is half-written, with the terminal as
/// it was and a message that says what is left behind.
fn stop(signal: i32, terminal: Option<&rustix::termios::Termios>) -> ! {
    let _no_write_in_progress = hold_off();
    if let Some(settings) = terminal {
        let _ = rustix::termios::tcsetattr(
            rustix::stdio::stdin(),
            rustix::termios::OptionalActions::Now,
            settings,
        );
    }
    let left_behind = LEFT_BEHIND
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .map(|note| format!("; {note}"))
        .unwrap_or_default();
    // Written, not `eprintln!`: a closed stderr must not stop the exit.
    let _ = writeln!(
        std::io::stderr(),
        "\nerror: {}; stopped with every file complete (stscreds replaces files atomically){left_behind}",
        describe(signal)
    );
    std::process::exit(128 + signal);
}

fn describe(signal: i32) -> &'static str {
    match signal {
        SIGINT => "interrupted",
        SIGHUP => "the terminal went away",
        _ => "terminated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_captured_signal_is_delivered_and_the_process_goes_on() {
        let capture = Capture::start();
        let sent = |signal| Caught {
            signal,
            from_terminal: false,
        };
        signal_hook::low_level::raise(SIGHUP).expect("raise");
        assert_eq!(capture.next(Duration::from_secs(10)), Some(sent(SIGHUP)));
        signal_hook::low_level::raise(SIGTERM).expect("raise");
        assert_eq!(capture.next(Duration::from_secs(10)), Some(sent(SIGTERM)));
    }
}
