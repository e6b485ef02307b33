//! The one way in to session credentials. Every command that needs credentials (`auth`,
//! `read`, `exec`, `export`, `credential-process`, `whoami`, `login`, and `rotate` for
//! its MFA session) resolves a [`Plan`] and asks [`obtain`]: a profile, an optional
//! role on top, how fresh is fresh enough and how to settle the MFA code go in;
//! session credentials come out.
//! It is a pipeline that never climbs back up:
//!
//! - [`plan`] resolves, once, what the request will do: the chain of roles, where its
//!   session lives, how long each step lasts and how the MFA code is had.
//! - [`sessions`] is the only code that knows where a session lives and what it was
//!   made from: it finds a stored session that is fresh enough (no lock, no network),
//!   holds the session's lock while one is renewed, so that of many processes one
//!   asks, and saves, moves and clears sessions.
//! - `renew` gets new credentials under the lock: the base profile's MFA session,
//!   then each role in turn; [`mfa`] settles the user, the device and the code, and
//!   [`sts`] makes the calls.
//! - [`console`] gets the credentials a console sign-in takes; [`supply`] holds and
//!   renews credentials for the credential server.

pub mod console;
pub mod mfa;
pub mod plan;
pub mod sessions;
pub mod sts;
pub mod supply;

mod renew;

use jiff::SignedDuration;

use self::plan::Plan;
use crate::context::Context;
use crate::session::{SessionCredentials, SessionDuration, TokenCode};
use crate::ui::prompt::{InputError, PromptKind};

/// Why no session credentials could be had; each variant's message is the one the
/// module below gives, or says what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading, writing or locking one of our files failed.
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// A configuration file or setting is not usable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The long-term keys could not be read.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// An AWS call failed.
    #[error(transparent)]
    Aws(#[from] crate::aws::AwsError),
    /// The MFA code or device could not be settled.
    #[error(transparent)]
    Mfa(#[from] mfa::MfaError),
    /// An answer could not be had.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Something typed or configured is not usable.
    #[error(transparent)]
    Invalid(#[from] crate::invalid::Invalid),
    /// An edit would have put a line break (or NUL) into a file; nothing was written.
    #[error(transparent)]
    UnsafeText(#[from] crate::ini::UnsafeText),
    /// Writing session credentials would destroy long-term keys stscreds has not stored.
    #[error("[{profile}] in {} holds the long-term access key {}, which stscreds has not stored; writing session credentials there would lose it. Run `stscreds init{}` with that key first, or use another --profile", path.display(), crate::message::printable(key_id), crate::message::profile_flag(profile))]
    WouldOverwriteLongTermKey {
        /// The credentials file.
        path: std::path::PathBuf,
        /// The profile.
        profile: String,
        /// The access key id (not secret) found there.
        key_id: String,
    },
}

/// How new session credentials are to be got, from the command line.
#[derive(Debug, Clone, Default)]
pub struct SessionArgs {
    /// `--expires`: overrides the profile's `duration_seconds` and the 1-hour default.
    pub expires: Option<SessionDuration>,
    /// `--token-code`.
    pub token_code: Option<TokenCode>,
    /// `--mfa-serial`: overrides the profile's `mfa_serial`.
    pub mfa_serial: Option<String>,
    /// `--mfa-command`: overrides the profile's `mfa_process`.
    pub mfa_command: Option<String>,
    /// `--mfa-prompt`: overrides `STSCREDS_MFA_PROMPT` and the profile's `mfa_prompt`.
    pub mfa_prompt: Option<PromptKind>,
    /// `--role-arn`: a role to assume on top of the profile.
    pub role_arn: Option<String>,
}

/// How fresh the credentials handed out must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Valid for at least this long: a stored session that is serves, else a new one is
    /// got (`read`, `exec`, `export`, `whoami`, `rotate`).
    ValidFor(SignedDuration),
    /// Valid for at least this long, or, for a session shorter than three times that,
    /// for the last third of its life (`credential-process`: a client that asks for 15
    /// minutes must not cost an MFA code per process start when sessions last 15).
    FairShare(SignedDuration),
    /// New ones (`auth`), unless another process got them while we waited for the
    /// profile's lock.
    New,
}

/// Session credentials for a resolved [`Plan`] (the context's profile, or the role
/// `--role-arn` on top of it) as fresh as `freshness` asks: a stored session when it
/// will do, read with no network, no runtime and no lock; else new ones, got under the
/// session's lock. The plan is resolved by the caller ([`Plan::resolve`]), which often
/// reads more of it than the credentials.
pub fn obtain(
    cx: &mut Context,
    plan: &Plan,
    freshness: Freshness,
) -> Result<SessionCredentials, Error> {
    plan.mfa.direct_questions(&mut *cx.ask);
    if let Some(stored) = plan.slot.fresh(freshness)? {
        return Ok(stored);
    }
    renew::renew(cx, plan, freshness)
}

/// Points the context's questions where the profile's settings say (`--mfa-prompt`
/// as `flag`, `STSCREDS_MFA_PROMPT`, `mfa_prompt`), for a command that asks (the
/// encrypted file's passphrase, keys) without getting session credentials.
pub fn direct_profile_questions(cx: &mut Context, flag: Option<PromptKind>) -> Result<(), Error> {
    let config = cx.config()?.profile(&cx.profile)?;
    let kind = plan::prompt_kind(flag, &config);
    cx.ask.choose_prompt(kind, &cx.profile);
    Ok(())
}
