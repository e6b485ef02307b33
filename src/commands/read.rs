//! `stscreds read KEY`: print one value of the session credentials. The fresh path
//! reads one file and touches neither the network, nor an async runtime, nor a lock.

use zeroize::Zeroizing;

use super::auth::{self, SessionArgs};
use crate::error::Error;
use crate::files::Paths;
use crate::prompt::Ask;
use crate::session::{self, CredentialKey};

/// The top-level entry point for `stscreds read`.
pub fn run(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    key: CredentialKey,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = auth::fresh_session(paths, profile, args, ask, session::FRESHNESS_MARGIN)?;
    super::print(&Zeroizing::new(format!("{}\n", credentials.value(key))))
}
