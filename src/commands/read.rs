//! `stscreds read KEY`: print one value of the session credentials. The fresh path
//! reads the session files only (one, for a profile with keys of its own) and touches
//! neither the network, nor an async runtime, nor a lock.

use zeroize::Zeroizing;

use std::ffi::OsString;

use crate::cli;
use crate::config::ConfigFile;
use crate::context::Context;
use crate::credentials::{self, Freshness, SessionArgs, cache, source};
use crate::error::Error;
use crate::files::Paths;
use crate::report::Stderr;
use crate::session::{self, CredentialKey, SessionCredentials};

/// The hot path: `stscreds read KEY [--profile NAME]` of a fresh session, answered
/// from the session files without clap, a runtime or a lock. `None` unless it could
/// answer (any other command line, a stale session, any error): then [`run`] takes
/// over through the full command line and says what is wrong.
pub fn serve_fresh(args: &[OsString]) -> Option<Result<(), Error>> {
    let (flag, key) = cli::parse_fast_read(args)?;
    let profile = cli::resolve_profile(flag.as_deref()).ok()?;
    let paths = Paths::from_env().ok()?;
    let credentials = fresh_session(&paths, &profile)?;
    Some(super::print(&Zeroizing::new(format!(
        "{}\n",
        credentials.value(key)
    ))))
}

/// The profile's stored session if it is fresh: from `~/.aws/credentials` alone, where
/// a profile with keys of its own keeps it (one file read: the usual case); else where
/// the full command looks ([`cache::fresh`], after `~/.aws/config` says whether the
/// profile is a role, whose sessions stscreds keeps in its own file).
fn fresh_session(paths: &Paths, profile: &str) -> Option<SessionCredentials> {
    let margin = session::FRESHNESS_MARGIN;
    if let Some(credentials) =
        cache::load_valid_for(&paths.aws_credentials, profile, margin).ok()?
    {
        return Some(credentials);
    }
    let config = ConfigFile::load(paths, &Stderr::default()).ok()?;
    let chain = source::resolve(&config, profile, None).ok()?;
    cache::fresh(paths, &config, &chain, margin).ok()?
}

/// The top-level entry point for `stscreds read`.
pub fn run(cx: &mut Context, args: &SessionArgs, key: CredentialKey) -> Result<(), Error> {
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let credentials = credentials::get(cx, args, freshness)?;
    super::print(&Zeroizing::new(format!("{}\n", credentials.value(key))))
}
