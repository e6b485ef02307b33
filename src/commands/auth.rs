//! `stscreds auth`: new session credentials for a profile (an MFA session, or a role
//! assumed through one), written where the profile's sessions live.

use zeroize::Zeroizing;

use crate::error::Error;
use crate::export::{self, Format};
use crate::files::Paths;
use crate::prompt::Ask;
use crate::renew::{self, SessionArgs};

/// The top-level entry point for `stscreds auth`.
pub fn run(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    output_env: bool,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = renew::renew(paths, profile, args, ask)?;
    if output_env {
        super::print(&Zeroizing::new(export::render(
            &credentials,
            Format::Sh,
            profile,
        )?))?;
    }
    Ok(())
}
