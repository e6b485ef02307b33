//! `stscreds auth`: new session credentials for a profile (an MFA session, or a role
//! assumed through one), written where the profile's sessions live.

use zeroize::Zeroizing;

use crate::context::Context;
use crate::credentials::{self, Freshness, SessionArgs};
use crate::error::Error;
use crate::output::{self, Format};

/// The top-level entry point for `stscreds auth`.
pub fn run(cx: &mut Context, args: &SessionArgs, output_env: bool) -> Result<(), Error> {
    let credentials = credentials::get(cx, args, Freshness::New)?;
    if output_env {
        super::print(&Zeroizing::new(output::render(
            &credentials,
            Format::Sh,
            &cx.profile,
        )?))?;
    }
    Ok(())
}
