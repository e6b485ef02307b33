//! `stscreds export --format FORMAT`: the session credentials in the syntax of a shell
//! or tool, renewed first if they are about to expire.

use zeroize::Zeroizing;

use crate::credentials::{self, SessionArgs};
use crate::error::Error;
use crate::files::Paths;
use crate::output::{self, Format};
use crate::prompt::Ask;
use crate::session;

/// The top-level entry point for `stscreds export`.
pub fn run(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    format: Format,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = credentials::valid_for(paths, profile, args, session::FRESHNESS_MARGIN, ask)?;
    super::print(&Zeroizing::new(output::render(
        &credentials,
        format,
        profile,
    )?))
}
