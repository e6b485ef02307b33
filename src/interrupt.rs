//! Ctrl-C (SIGINT), SIGTERM and SIGHUP: stop at once, but never in the middle of
//! replacing a file, and give the terminal back with echo on (a signal can arrive
//! while the secret key is being typed with echo off).

use std::sync::{Mutex, Once};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::files;

/// What an interruption leaves behind beyond the files (e.g. a key half-rotated in
/// IAM), said in the message when one happens.
static LEFT_BEHIND: Mutex<Option<String>> = Mutex::new(None);

/// Sets (or with `None` clears) what the message says if the process is stopped now.
pub fn if_stopped_say(note: Option<String>) {
    *LEFT_BEHIND.lock().unwrap_or_else(|e| e.into_inner()) = note;
}

/// Installs the handler (once per process). Called by the dispatcher before any command
/// runs, never on the fast `read` path.
pub fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let terminal = rustix::termios::tcgetattr(rustix::stdio::stdin()).ok();
        let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _no_write_in_progress = files::hold_writes();
                if let Some(settings) = &terminal {
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
                eprintln!(
                    "\nerror: {}; stopped with every file complete (stscreds replaces files atomically){left_behind}",
                    describe(signal)
                );
                std::process::exit(128 + signal);
            }
        });
    });
}

fn describe(signal: i32) -> &'static str {
    match signal {
        SIGINT => "interrupted",
        SIGHUP => "the terminal went away",
        _ => "terminated",
    }
}
