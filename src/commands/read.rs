//! `stscreds read KEY`: print one value of the session credentials. The fresh path
//! reads one file and touches neither the network, nor an async runtime, nor a lock.

use jiff::Timestamp;
use zeroize::Zeroizing;

use super::auth::{self, Renewal};
use crate::cli::ReadArgs;
use crate::error::Error;
use crate::files::Paths;
use crate::prompt::Ask;
use crate::session::{self, SessionDuration};

/// The top-level entry point for `stscreds read`.
pub fn run(
    paths: &Paths,
    profile: &str,
    duration: SessionDuration,
    args: &ReadArgs,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = match session::load(paths, profile)? {
        Some(credentials) if credentials.is_fresh(Timestamp::now()) => credentials,
        stale => {
            let why = if stale.is_some() {
                "have expired"
            } else {
                "are missing"
            };
            eprintln!("Session credentials for profile '{profile}' {why}; authenticating.");
            auth::authenticate(paths, profile, duration, &args.mfa, ask, Renewal::IfStale)?
        }
    };
    super::print(&Zeroizing::new(format!(
        "{}\n",
        credentials.value(args.key)
    )))
}
