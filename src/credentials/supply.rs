//! Credentials kept in memory and renewed in the background ahead of their expiry, for
//! the credential server: a request is answered at once, and a person typing an MFA
//! code is never on an SDK's clock.
//!
//! Every decision is made on the wall clock, corrected by AWS's (the `Date` of its
//! answers), because expiry times are wall-clock times: timers and timeouts count the
//! monotonic clock, which stops while a laptop sleeps. So the renewal thread never
//! waits longer than [`WAKE_EVERY`] before it looks at the clock again, and a request
//! that finds the renewal overdue wakes it at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::plan::Plan;
use super::{Error, Freshness, SessionArgs};
use crate::context::Context;
use crate::files::Paths;
use crate::message;
use crate::server::{self, Answer, Source};
use crate::session::SessionCredentials;
use crate::ui::report::{Report, WarningsOnly};

/// The most a renewal starts ahead of expiry: botocore itself refreshes with 15
/// minutes left.
const MOST_AHEAD: SignedDuration = SignedDuration::from_mins(15);

/// The least a renewal starts ahead of expiry.
const LEAST_AHEAD: SignedDuration = SignedDuration::from_mins(1);

/// How long after a failed renewal the next one is tried (sooner if the credentials
/// expire before).
const RETRY_AFTER: SignedDuration = SignedDuration::from_mins(1);

/// The least time between two renewal attempts: whatever the clocks say, never more
/// than one GetSessionToken (and one `mfa_process` run) a minute.
const LEAST_BETWEEN_ATTEMPTS: SignedDuration = SignedDuration::from_mins(1);

/// The longest the renewal thread waits before it looks at the wall clock again: a
/// timer counts the monotonic clock, which stops during a suspend.
const WAKE_EVERY: Duration = Duration::from_secs(20);

/// An offset between AWS's clock and ours beyond which the local clock is said to be
/// off.
const CLOCK_OFF_BEYOND: SignedDuration = SignedDuration::from_mins(1);

/// What the renewal thread and the request handlers share.
#[derive(Debug)]
struct Held {
    credentials: SessionCredentials,
    /// The AWS account they act in, when the configuration tells it.
    account: Option<String>,
    /// The last renewal's failure, until one succeeds.
    failure: Option<String>,
    /// When the next renewal is due, on AWS's clock ([`aws_now`]).
    due: Timestamp,
}

/// Session credentials for one profile (or role), kept fresh by a thread of their own.
pub struct Supply {
    held: Arc<RwLock<Held>>,
    /// Wakes the renewal thread (a request found the renewal overdue); dropped, stops
    /// it.
    wake: Option<SyncSender<()>>,
    renewer: Option<JoinHandle<()>>,
}

impl Supply {
    /// Gets credentials valid for a while now, asking `cx.ask` for an MFA code if one is
    /// needed (as `exec` does), then renews them in the background: each renewal goes
    /// through the profile's lock like every other command, asks on the controlling
    /// terminal or through `mfa_process`, and reports through `cx.report`.
    pub fn start(cx: &mut Context, args: &SessionArgs) -> Result<Self, Error> {
        let plan = Plan::resolve(cx, args)?;
        let first = super::obtain(cx, &plan, Freshness::ValidFor(MOST_AHEAD))?;
        let held = Arc::new(RwLock::new(Held {
            due: renewal_time(&first, aws_now()),
            credentials: first,
            account: plan.account(&cx.paths),
            failure: None,
        }));
        // One pending wake-up is enough: the thread looks at the clock when it wakes.
        let (wake, woken) = mpsc::sync_channel(1);
        let renewer = Renewer {
            paths: cx.paths.clone(),
            profile: cx.profile.clone(),
            report: Arc::new(server::Timestamped(cx.report.clone())),
            // A code works once: renewals ask for new ones.
            args: SessionArgs {
                token_code: None,
                ..args.clone()
            },
            held: held.clone(),
            said_clock_off: AtomicBool::new(false),
        };
        renewer.say_once_if_the_clock_is_off();
        let renewer = std::thread::spawn(move || renewer.run(&woken));
        Ok(Self {
            held,
            wake: Some(wake),
            renewer: Some(renewer),
        })
    }

    /// Wakes the renewal thread if it waits; a wake-up already pending will do.
    fn wake_renewer(&self) {
        if let Some(wake) = &self.wake {
            match wake.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
            }
        }
    }
}

impl Source for Supply {
    /// Never expired credentials: when renewing failed and they have run out, what
    /// went wrong. A request that finds the renewal overdue (the machine slept past
    /// its time) starts it.
    fn answer(&self) -> Answer {
        let now = aws_now();
        let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
        if now >= held.due {
            self.wake_renewer();
        }
        if held.credentials.expiration > now {
            return Answer::Credentials {
                credentials: held.credentials.clone(),
                account: held.account.clone(),
            };
        }
        Answer::Unavailable(held.failure.clone().unwrap_or_else(|| {
            "the session credentials have expired and are being renewed; try again shortly"
                .to_owned()
        }))
    }
}

impl Drop for Supply {
    /// Stops the renewals; one in progress (say, waiting for an MFA code) is left to
    /// end with the process.
    fn drop(&mut self) {
        drop(self.wake.take());
        if let Some(renewer) = self.renewer.take()
            && renewer.is_finished()
        {
            let _ = renewer.join();
        }
    }
}

/// What the renewal thread works with: a fresh [`Context`] is made for each renewal,
/// so that a changed `~/.aws/config` is read again.
struct Renewer {
    paths: Paths,
    profile: String,
    report: Arc<dyn Report>,
    args: SessionArgs,
    held: Arc<RwLock<Held>>,
    /// Whether the local clock was said to be off (once per server).
    said_clock_off: AtomicBool,
}

impl Renewer {
    /// The renewal thread: renews when due, at most once per
    /// [`least_between_attempts`], looking at the wall clock at least every
    /// [`WAKE_EVERY`] and whenever a request wakes it; returns when the [`Supply`] is
    /// dropped.
    fn run(&self, woken: &Receiver<()>) {
        let mut last_attempt: Option<Timestamp> = None;
        loop {
            let now = aws_now();
            let due = self.due(last_attempt);
            if now >= due {
                last_attempt = Some(now);
                self.renew();
                continue;
            }
            let wait = until(due, now).min(WAKE_EVERY);
            if let Err(RecvTimeoutError::Disconnected) = woken.recv_timeout(wait) {
                return;
            }
        }
    }

    /// When the next attempt may start: when the held credentials are due, but not
    /// sooner than [`least_between_attempts`] after the last one.
    fn due(&self, last_attempt: Option<Timestamp>) -> Timestamp {
        let due = self.held.read().unwrap_or_else(PoisonError::into_inner).due;
        match last_attempt.and_then(|last| last.checked_add(least_between_attempts()).ok()) {
            Some(earliest) => due.max(earliest),
            None => due,
        }
    }

    /// Gets credentials that outlast the held ones (another process's new session, or
    /// a new one from STS) and holds them; a failure keeps the old credentials while
    /// they last and is retried.
    fn renew(&self) {
        let held_expiration = {
            let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
            held.credentials.expiration
        };
        let mut cx = Context::new(
            self.paths.clone(),
            self.profile.clone(),
            crate::ui::dialog::for_questions(crate::ui::dialog::TerminalSide::ControllingTerminal),
            Arc::new(WarningsOnly(self.report.clone())),
        );
        // The session held now is on disk too: only one that lasts longer than it
        // renews anything.
        let left = held_expiration
            .duration_since(Timestamp::now())
            .max(SignedDuration::ZERO);
        // The plan is resolved anew: the files may have changed since the last renewal.
        let freshness = Freshness::ValidFor(left + LEAST_AHEAD);
        let renewed = Plan::resolve(&cx, &self.args)
            .and_then(|plan| super::obtain(&mut cx, &plan, freshness));
        match renewed {
            Ok(credentials) => self.keep(credentials),
            Err(error) => self.fail(&error),
        }
    }

    fn keep(&self, credentials: SessionCredentials) {
        let now = aws_now();
        self.say_once_if_the_clock_is_off();
        self.report.say(&format!(
            "stscreds: renewed the credentials of profile '{}', valid until {}",
            self.profile,
            server::clock_time(credentials.expiration)
        ));
        let mut held = self.held.write().unwrap_or_else(PoisonError::into_inner);
        held.due = renewal_time(&credentials, now);
        held.credentials = credentials;
        held.failure = None;
    }

    /// Says, once, that the local clock differs from AWS's by more than
    /// [`CLOCK_OFF_BEYOND`]: new credentials then look shorter- (or longer-) lived
    /// than they are. The server judges them by AWS's clock regardless.
    fn say_once_if_the_clock_is_off(&self) {
        let Some(offset) = crate::aws::observed_clock_offset() else {
            return;
        };
        if offset.abs() <= CLOCK_OFF_BEYOND || self.said_clock_off.swap(true, Ordering::Relaxed) {
            return;
        }
        let rounded = std::time::Duration::from_secs(offset.as_secs().unsigned_abs() / 60 * 60);
        let direction = if offset.is_negative() {
            "ahead of"
        } else {
            "behind"
        };
        self.report.warn(&format!(
            "this machine's clock is {} {direction} AWS's (the Date of STS's answer); the server judges expiry by AWS's clock, but other tools may not: set the clock right (e.g. `timedatectl set-ntp true`)",
            humantime::format_duration(rounded)
        ));
    }

    fn fail(&self, error: &Error) {
        let now = aws_now();
        let mut held = self.held.write().unwrap_or_else(PoisonError::into_inner);
        let expiration = held.credentials.expiration;
        let retry = next_try(expiration, now);
        let meanwhile = if expiration > now {
            format!(
                "the current ones serve until {}",
                server::clock_time(expiration)
            )
        } else {
            format!(
                "they expired at {} and requests get an error until a renewal succeeds",
                server::clock_time(expiration)
            )
        };
        self.report.warn(&format!(
            "renewing the credentials of profile '{}' failed: {error}; {meanwhile}, next try at {}",
            self.profile,
            server::clock_time(retry)
        ));
        held.failure = Some(format!(
            "renewing the credentials of profile '{}' failed: {error}; run `stscreds auth{}` to renew them, and the server takes the new ones at its next try (within a minute)",
            self.profile,
            message::profile_flag(&self.profile)
        ));
        held.due = retry;
    }
}

/// When to try again after a renewal failed: [`RETRY_AFTER`] from `now`, or at the
/// expiry if that comes first; once the credentials have expired, [`RETRY_AFTER`]
/// apart, not over and over.
fn next_try(expiration: Timestamp, now: Timestamp) -> Timestamp {
    let later = now.checked_add(RETRY_AFTER).unwrap_or(now);
    if expiration > now {
        later.min(expiration)
    } else {
        later
    }
}

/// When credentials should be renewed: [`renew_ahead`] of their expiry.
fn renewal_time(credentials: &SessionCredentials, now: Timestamp) -> Timestamp {
    let remaining = credentials.expiration.duration_since(now);
    credentials
        .expiration
        .checked_sub(renew_ahead(remaining))
        .unwrap_or(now)
}

/// How long ahead of expiry to renew credentials that have `remaining` left: a
/// quarter of it, between one and fifteen minutes, so that a short session is not
/// renewed over and over. Debug builds (the tests) may set it with
/// `STSCREDS_TEST_RENEW_AHEAD`; release builds ignore that variable.
fn renew_ahead(remaining: SignedDuration) -> SignedDuration {
    if let Some(ahead) = test_renew_ahead() {
        return ahead;
    }
    (remaining / 4).clamp(LEAST_AHEAD, MOST_AHEAD)
}

/// [`LEAST_BETWEEN_ATTEMPTS`]; one second in debug builds whose renewals a test made
/// come every few seconds with `STSCREDS_TEST_RENEW_AHEAD`.
fn least_between_attempts() -> SignedDuration {
    match test_renew_ahead() {
        Some(_) => SignedDuration::from_secs(1),
        None => LEAST_BETWEEN_ATTEMPTS,
    }
}

#[cfg(debug_assertions)]
fn test_renew_ahead() -> Option<SignedDuration> {
    let text = std::env::var("STSCREDS_TEST_RENEW_AHEAD").ok()?;
    let duration = humantime::parse_duration(&text).ok()?;
    SignedDuration::try_from(duration).ok()
}

#[cfg(not(debug_assertions))]
fn test_renew_ahead() -> Option<SignedDuration> {
    None
}

/// How long from `now` until `time` (zero if it has passed).
fn until(time: Timestamp, now: Timestamp) -> Duration {
    Duration::try_from(time.duration_since(now)).unwrap_or(Duration::ZERO)
}

/// Now, on AWS's clock as its last answer showed it, when the two differ by more than
/// [`CLOCK_OFF_BEYOND`]: expiry times are AWS's, and a local clock that runs fast
/// would otherwise make new credentials look expired.
fn aws_now() -> Timestamp {
    crate::aws::now_by_aws(CLOCK_OFF_BEYOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewals_start_a_quarter_ahead_within_one_and_fifteen_minutes() {
        let ahead = |minutes: i64| renew_ahead(SignedDuration::from_mins(minutes));
        assert_eq!(ahead(60), SignedDuration::from_mins(15));
        assert_eq!(ahead(36 * 60), SignedDuration::from_mins(15));
        assert_eq!(ahead(20), SignedDuration::from_mins(5));
        assert_eq!(ahead(2), SignedDuration::from_mins(1));
    }

    #[test]
    fn a_failed_renewal_is_tried_again_a_minute_later_or_at_the_expiry() {
        let now = Timestamp::now();
        let later = |seconds| now + SignedDuration::from_secs(seconds);
        assert_eq!(next_try(later(3600), now), later(60));
        assert_eq!(next_try(later(20), now), later(20));
        assert_eq!(next_try(later(0), now), later(60), "expired: not at once");
        assert_eq!(next_try(later(-30), now), later(60), "expired: not at once");
    }

    #[test]
    fn the_account_comes_from_the_role_or_the_mfa_device() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::write(
            &paths.aws_config,
            "[default]\nmfa_serial = arn:aws:iam::111122223333:mfa/me\n\n[profile dev]\nrole_arn = arn:aws:iam::444455556666:role/Dev\nsource_profile = default\n\n[profile bare]\n",
        )
        .unwrap();
        let account = |profile: &str| {
            let report = Arc::new(crate::ui::report::Collected::default());
            let ask = Box::new(crate::ui::prompt::Scripted::new(&[], false));
            let cx = Context::new(paths.clone(), profile.into(), ask, report);
            let plan = Plan::resolve(&cx, &SessionArgs::default()).unwrap();
            plan.account(&paths)
        };
        assert_eq!(account("default").as_deref(), Some("111122223333"));
        assert_eq!(account("dev").as_deref(), Some("444455556666"));
        assert_eq!(account("bare"), None);
    }

    #[test]
    fn expired_credentials_are_never_answered() {
        let held = |expiration: Timestamp| Held {
            credentials: SessionCredentials {
                access_key_id: "ASIA".into(),
                secret_access_key: "s".into(),
                session_token: "t".into(),
                expiration,
            },
            account: None,
            failure: Some("renewing failed: run `stscreds auth`".into()),
            due: expiration,
        };
        let supply = |expiration| Supply {
            held: Arc::new(RwLock::new(held(expiration))),
            wake: None,
            renewer: None,
        };
        let later = Timestamp::now() + SignedDuration::from_mins(5);
        assert!(matches!(supply(later).answer(), Answer::Credentials { .. }));
        let earlier = Timestamp::now() - SignedDuration::from_secs(1);
        match supply(earlier).answer() {
            Answer::Unavailable(message) => assert!(message.contains("stscreds auth")),
            Answer::Credentials { .. } => panic!("expired credentials were answered"),
        }
    }
}
