//! `stscreds read KEY`: print one value of the session credentials. The fresh path
//! reads one file and touches neither the network nor an async runtime.

use jiff::Timestamp;

use crate::cli::ReadArgs;
use crate::error::Error;
use crate::files::{self, Paths};
use crate::prompt::Ask;
use crate::session::{SessionCredentials, SessionDuration};

/// The top-level entry point for `stscreds read`.
pub fn run(
    paths: &Paths,
    profile: &str,
    duration: SessionDuration,
    args: &ReadArgs,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = match stored_credentials(paths, profile)? {
        Some(credentials) if credentials.is_fresh(Timestamp::now()) => credentials,
        stale => {
            let why = if stale.is_some() {
                "have expired"
            } else {
                "are missing"
            };
            eprintln!("Session credentials for profile '{profile}' {why}; authenticating.");
            super::auth::authenticate(paths, profile, duration, &args.mfa, ask)?
        }
    };
    super::print(&format!("{}\n", credentials.value(args.key)))
}

fn stored_credentials(paths: &Paths, profile: &str) -> Result<Option<SessionCredentials>, Error> {
    let document = files::read_document(&paths.aws_credentials)?;
    Ok(document.and_then(|document| SessionCredentials::from_document(&document, profile)))
}
