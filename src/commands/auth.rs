//! `stscreds auth`: new session credentials for a profile (an MFA session, or a role
//! assumed through one), written where the profile's sessions live.

use zeroize::Zeroizing;

use crate::config::ConfigFile;
use crate::credentials::{self, Freshness, SessionArgs};
use crate::error::Error;
use crate::files::Paths;
use crate::output::{self, Format};
use crate::prompt::Ask;

/// The top-level entry point for `stscreds auth`.
pub fn run(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    output_env: bool,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = credentials::get(
        paths,
        &ConfigFile::load(paths)?,
        profile,
        args,
        Freshness::New,
        ask,
    )?;
    if output_env {
        super::print(&Zeroizing::new(output::render(
            &credentials,
            Format::Sh,
            profile,
        )?))?;
    }
    Ok(())
}
