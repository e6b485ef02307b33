//! `stscreds auth`: new session credentials for a profile (an MFA session, or a role
//! assumed through one), written where the profile's sessions live.

use crate::context::Context;
use crate::credentials::plan::Plan;
use crate::credentials::{Freshness, SessionArgs, obtain};
use crate::error::Error;
use crate::output::Format;

use super::export;

/// The top-level entry point for `stscreds auth`. With `output_env`, the new
/// credentials are also printed as `export` lines, the original's shortcut for
/// `stscreds export --format sh`.
pub fn run(cx: &mut Context, args: &SessionArgs, output_env: bool) -> Result<(), Error> {
    let plan = Plan::resolve(cx, args)?;
    let credentials = obtain(cx, &plan, Freshness::New)?;
    if output_env {
        // The lines printed replace the variables once evaluated: nothing to warn of.
        return export::print(cx, &credentials, Format::Sh);
    }
    warn_about_stale_variables(cx);
    Ok(())
}

/// A shell that has credentials in its environment goes on using them after `auth`
/// wrote new ones: says so, and how to load the new ones there.
fn warn_about_stale_variables(cx: &Context) {
    let refresh = export::refresh_command(&cx.profile);
    if let Some(warning) = export::credential_variables_warning(&cx.settings, |_| {
        format!("this shell keeps the old credentials: load the new ones with {refresh}")
    }) {
        cx.report.warn(&warning);
    }
}
