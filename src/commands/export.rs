//! `stscreds export --format FORMAT`: the session credentials and the profile's region
//! in the syntax of a shell or tool, renewed first if they are about to expire. The
//! shell formats set the same variables as `exec` ([`output::variables`]).

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
    print(cx, &credentials, format)
}

/// Prints `credentials` of the context's profile in `format`, with the profile's region.
pub(super) fn print(
    cx: &Context,
    credentials: &session::SessionCredentials,
    format: Format,
) -> Result<(), Error> {
    let region = cx.config()?.profile(&cx.profile)?.region;
    super::print(&Zeroizing::new(output::render(
        credentials,
        &region,
        format,
        &cx.profile,
    )?))
}
