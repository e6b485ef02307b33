//! `stscreds export --format FORMAT`: the session credentials in the syntax of a shell
//! or tool, renewed first if they are about to expire.

use zeroize::Zeroizing;

use crate::context::Context;
use crate::credentials::{self, Freshness, SessionArgs};
use crate::error::Error;
use crate::output::{self, Format};
use crate::session;

/// The top-level entry point for `stscreds export`.
pub fn run(cx: &mut Context, args: &SessionArgs, format: Format) -> Result<(), Error> {
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let credentials = credentials::get(cx, args, freshness)?;
    super::print(&Zeroizing::new(output::render(
        &credentials,
        format,
        &cx.profile,
    )?))
}
