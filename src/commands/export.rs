//! `stscreds export --format FORMAT`: the session credentials in the syntax of a shell
//! or tool, renewed first if they are about to expire.

use zeroize::Zeroizing;

use crate::error::Error;
use crate::export::{self, Format};
use crate::files::Paths;
use crate::prompt::Ask;
use crate::renew::{self, SessionArgs};
use crate::session;

/// The top-level entry point for `stscreds export`.
pub fn run(
    paths: &Paths,
    profile: &str,
    args: &SessionArgs,
    format: Format,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let credentials = renew::credentials(paths, profile, args, ask, session::FRESHNESS_MARGIN)?;
    super::print(&Zeroizing::new(export::render(
        &credentials,
        format,
        profile,
    )?))
}
