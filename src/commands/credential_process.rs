//! `stscreds credential-process`: the `credential_process` of an AWS profile. Prints
//! the JSON the SDKs expect; serves cached credentials (no network, no runtime) while
//! at least 15 minutes remain, because botocore refreshes with 15 minutes left and the
//! AWS CLI does not cache; else renews them, asking for the MFA code on the terminal
//! (`/dev/tty`), since the SDKs capture standard error.

use std::ffi::OsString;

use jiff::SignedDuration;
use zeroize::Zeroizing;

use crate::cli;
use crate::context::Context;
use crate::credentials::plan::Plan;
use crate::credentials::{Freshness, SessionArgs, obtain, sessions};
use crate::env::Settings;
use crate::error::Error;
use crate::files::Paths;
use crate::output;
use crate::session::SessionCredentials;

/// How long handed-out credentials must remain valid.
pub const MINIMUM_VALIDITY: SignedDuration = SignedDuration::from_mins(15);

/// The hot path: the SDKs run `stscreds credential-process [--profile NAME]` for every
/// client they build, so a cached session valid for [`MINIMUM_VALIDITY`] (or for the
/// fair share of a shorter session's life) is served without clap, a runtime, a lock
/// or the keyring, by exactly the decision [`run`] makes first
/// ([`sessions::fresh_for_fast_path`]). `None` unless it could answer (any other
/// command line, a stale session, any error, anything to warn about): then [`run`]
/// takes over through the full command line and says what is wrong, once. Says
/// nothing itself.
pub fn serve_fresh(args: &[OsString]) -> Option<Result<(), Error>> {
    let flag = cli::parse_fast_credential_process(args)?;
    let settings = Settings::process();
    let profile = cli::resolve_profile(flag.as_deref(), settings).ok()?;
    let paths = Paths::resolve(settings).ok()?;
    let credentials =
        sessions::fresh_for_fast_path(&paths, &profile, Freshness::FairShare(MINIMUM_VALIDITY))?;
    Some(print_json(&credentials))
}

/// The top-level entry point for `stscreds credential-process`. The context asks on
/// the controlling terminal, since the SDKs capture standard input and output.
pub fn run(cx: &mut Context, args: &SessionArgs) -> Result<(), Error> {
    let plan = Plan::resolve(cx, args)?;
    let credentials = obtain(cx, &plan, Freshness::FairShare(MINIMUM_VALIDITY))?;
    print_json(&credentials)
}

/// Prints the `credential_process` document, the same from the fast path and [`run`].
fn print_json(credentials: &SessionCredentials) -> Result<(), Error> {
    super::print(&Zeroizing::new(output::credential_process_json(
        credentials,
    )))
}
