//! `stscreds read KEY`: print one value of the session credentials. The fresh path
//! reads `~/.aws/config` and the session file it names, and touches neither the
//! network, nor an async runtime, nor a lock.

use zeroize::Zeroizing;

use std::ffi::OsString;

use crate::cli;
use crate::context::Context;
use crate::credentials::plan::Plan;
use crate::credentials::{Freshness, SessionArgs, obtain, sessions};
use crate::env::Settings;
use crate::error::Error;
use crate::files::Paths;
use crate::session::{self, CredentialKey};

/// The hot path: `stscreds read KEY [--profile NAME]` of a fresh session, answered
/// without clap, a runtime or a lock, from the session the full command would serve
/// ([`sessions::fresh_for_fast_path`]: `~/.aws/config` says which file and section,
/// and what the session must have been made from). `None` unless it could answer (any
/// other command line, a stale session, any error, anything to warn about): then [`run`]
/// takes over through the full command line and says what is wrong, once. Says nothing
/// itself.
pub fn serve_fresh(args: &[OsString]) -> Option<Result<(), Error>> {
    let (flag, key) = cli::parse_fast_read(args)?;
    let settings = Settings::process();
    let profile = cli::resolve_profile(flag.as_deref(), settings).ok()?;
    let paths = Paths::resolve(settings).ok()?;
    let credentials = sessions::fresh_for_fast_path(
        &paths,
        &profile,
        Freshness::ValidFor(session::FRESHNESS_MARGIN),
    )?;
    Some(super::print(&Zeroizing::new(format!(
        "{}\n",
        credentials.value(key)
    ))))
}

/// The top-level entry point for `stscreds read`.
pub fn run(cx: &mut Context, args: &SessionArgs, key: CredentialKey) -> Result<(), Error> {
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let plan = Plan::resolve(cx, args)?;
    let credentials = obtain(cx, &plan, freshness)?;
    super::print(&Zeroizing::new(format!("{}\n", credentials.value(key))))
}
