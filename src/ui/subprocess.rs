//! Running a helper program that answers for the person (an `mfa_process`, a dialog
//! window) in a process group of its own, with a time limit, and reading what it
//! prints. When the helper ends, or its time is up, everything left in its group is
//! killed: a leftover child holding our standard error would keep an SDK that reads
//! it waiting forever, and a dialog nobody answers must not stay on the screen. On
//! Linux the helper is also stopped when stscreds dies first (an IDE that gives up
//! kills its `credential_process`), so that no orphaned dialog waits for an answer
//! nobody will read.

use std::io::{self, Read};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

/// The most of a helper's output that is read: an answer is a line.
const MOST_OUTPUT: u64 = 4096;

/// How long an MFA command or a dialog may take to give an answer: 60 s, or
/// `STSCREDS_MFA_TIMEOUT`.
pub fn answer_timeout() -> Result<Duration, crate::invalid::Invalid> {
    crate::env::Settings::process().timeouts.mfa.get()
}

/// How a helper ended.
#[derive(Debug)]
pub enum Outcome {
    /// It exited (or was killed by a signal) within its time.
    Finished {
        /// How it ended.
        status: ExitStatus,
        /// What it printed on standard output (at most 4 KiB); it may be a secret.
        stdout: Zeroizing<String>,
        /// What it printed on standard error (at most 4 KiB), if the caller piped it.
        stderr: String,
    },
    /// It ran out of time, and its process group was killed.
    TimedOut,
}

/// Runs `command` (standard output is piped here; standard input and error are the
/// caller's choice, and standard error is read too if piped) in a process group of
/// its own, lent the terminal while it runs if we hold it, so that it can ask for a
/// PIN. Waits at most `limit`.
pub fn run(command: &mut Command, limit: Duration) -> io::Result<Outcome> {
    command.stdout(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    #[cfg(target_os = "linux")]
    end_with_us(command);
    let mut child = command.spawn()?;
    let group = ProcessGroup::led_by(&child);
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no output pipe"))?;
    let printed = read_in_background(stdout);
    let complained = child.stderr.take().map(read_in_background);
    let deadline = Instant::now() + limit;
    let status = loop {
        let finished = group.leader_has_finished(&mut child);
        let timed_out = !finished && Instant::now() >= deadline;
        if finished || timed_out {
            // Ended while its leader is not yet reaped, so the group's id cannot have
            // been handed to anyone else.
            group.end();
            let status = child.wait()?;
            if timed_out {
                return Ok(Outcome::TimedOut);
            }
            break status;
        }
        thread::sleep(Duration::from_millis(20));
    };
    drop(group);
    // Only a process that left the group could still hold the pipes open; the answer
    // was printed by then.
    let collect = |pipe: &mpsc::Receiver<Zeroizing<String>>| {
        pipe.recv_timeout(Duration::from_secs(1))
            .unwrap_or_default()
    };
    let stdout = collect(&printed);
    let stderr = complained.map_or_else(String::new, |pipe| collect(&pipe).to_string());
    Ok(Outcome::Finished {
        status,
        stdout,
        stderr,
    })
}

/// Takes from `command`'s environment the variables that hold secrets of ours (the
/// encrypted key file's passphrase): a program we start for the person (a browser, a
/// dialog, an `mfa_process`) has no use for them, and may pass its environment on to
/// anything it starts.
pub fn without_our_secrets(command: &mut Command) -> &mut Command {
    command.env_remove(crate::env::PASSPHRASE_VARIABLE)
}

/// Reads at most 4 KiB from `pipe` on a thread of its own; the text arrives when the
/// pipe closes.
fn read_in_background(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Zeroizing<String>> {
    let (sender, text) = mpsc::channel();
    thread::spawn(move || {
        let mut buffer = Zeroizing::new(Vec::new());
        let _ = (&mut pipe).take(MOST_OUTPUT).read_to_end(&mut buffer);
        let _ = sender.send(Zeroizing::new(
            String::from_utf8_lossy(&buffer).into_owned(),
        ));
    });
    text
}

/// Has the helper sent SIGTERM when the thread that starts it, and so stscreds, dies.
#[cfg(target_os = "linux")]
fn end_with_us(command: &mut Command) {
    let parent = std::process::id();
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls are allowed: prctl and getppid are system calls.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(command, move || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            // Dead already, before the request was made: end now.
            if libc::getppid() as u32 != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

/// The process group a helper runs in. While it runs, it has the terminal (when we
/// had it), so that it can ask the person for a PIN; dropping it gives the terminal
/// back.
struct ProcessGroup {
    #[cfg(unix)]
    id: rustix::process::Pid,
    #[cfg(unix)]
    lent_terminal_by: Option<rustix::process::Pid>,
}

#[cfg(unix)]
impl ProcessGroup {
    /// The group `child` leads (it was spawned with `process_group(0)`), given the
    /// terminal if this process is in the terminal's foreground.
    fn led_by(child: &std::process::Child) -> Self {
        use rustix::process::{Pid, Signal, getpgrp, kill_process_group};
        use rustix::termios::{isatty, tcgetpgrp, tcsetpgrp};
        let id = Pid::from_raw(child.id() as i32).unwrap_or(Pid::INIT);
        let stdin = rustix::stdio::stdin();
        let ours = getpgrp();
        let in_foreground = isatty(stdin) && tcgetpgrp(stdin).is_ok_and(|group| group == ours);
        let lent_terminal_by = (in_foreground && tcsetpgrp(stdin, id).is_ok()).then(|| {
            // It may have tried to read the terminal before it had it, and been stopped.
            let _ = kill_process_group(id, Signal::CONT);
            ours
        });
        Self {
            id,
            lent_terminal_by,
        }
    }

    /// Whether the group's leader has exited; it is left unreaped.
    fn leader_has_finished(&self, _child: &mut std::process::Child) -> bool {
        use rustix::process::{WaitId, WaitIdOptions, waitid};
        let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
        // An error (the child is gone somehow) counts as finished: `wait` then says.
        waitid(WaitId::Pid(self.id), options).map_or(true, |status| status.is_some())
    }

    /// Kills every process left in the group: what the helper started and left
    /// running ends with it.
    fn end(&self) {
        let _ = rustix::process::kill_process_group(self.id, rustix::process::Signal::KILL);
    }
}

#[cfg(unix)]
impl Drop for ProcessGroup {
    fn drop(&mut self) {
        if let Some(ours) = self.lent_terminal_by {
            take_back_terminal(ours);
        }
    }
}

/// Makes `group` (ours) the terminal's foreground again. From the background that
/// raises SIGTTOU, which would stop us, unless it is blocked meanwhile.
#[cfg(unix)]
fn take_back_terminal(group: rustix::process::Pid) {
    // SAFETY: sigemptyset/sigaddset fill the local sets; pthread_sigmask changes the
    // mask of this thread only, and the old mask is put back right after.
    unsafe {
        let mut blocked: libc::sigset_t = std::mem::zeroed();
        let mut previous: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut blocked);
        libc::sigaddset(&mut blocked, libc::SIGTTOU);
        libc::pthread_sigmask(libc::SIG_BLOCK, &blocked, &mut previous);
        let _ = rustix::termios::tcsetpgrp(rustix::stdio::stdin(), group);
        libc::pthread_sigmask(libc::SIG_SETMASK, &previous, std::ptr::null_mut());
    }
}

#[cfg(not(unix))]
impl ProcessGroup {
    fn led_by(_child: &std::process::Child) -> Self {
        Self {}
    }

    fn leader_has_finished(&self, child: &mut std::process::Child) -> bool {
        child.try_wait().map_or(true, |status| status.is_some())
    }

    fn end(&self) {}
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    #[test]
    fn what_a_helper_prints_and_how_it_ended_come_back() {
        let mut command = shell("echo answer; echo complaint >&2; exit 3");
        command.stderr(Stdio::piped());
        let outcome = run(&mut command, Duration::from_secs(10)).unwrap();
        let Outcome::Finished {
            status,
            stdout,
            stderr,
        } = outcome
        else {
            panic!("timed out");
        };
        assert_eq!(
            (status.code(), stdout.as_str(), stderr.as_str()),
            (Some(3), "answer\n", "complaint\n")
        );
    }
}
