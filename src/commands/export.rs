//! `stscreds export --format FORMAT`: the session credentials and the profile's region
//! in the syntax of a shell or tool, renewed first if they are about to expire. The
//! shell formats set the same variables as `exec` ([`output::variables`]).

use zeroize::Zeroizing;

use crate::context::Context;
use crate::credentials::plan::Plan;
use crate::credentials::{Freshness, SessionArgs, obtain};
use crate::env::Settings;
use crate::error::Error;
use crate::message::profile_flag;
use crate::output::{self, CREDENTIAL_VARIABLES, Format};
use crate::session;

/// The top-level entry point for `stscreds export`.
pub fn run(cx: &mut Context, args: &SessionArgs, format: Format) -> Result<(), Error> {
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let plan = Plan::resolve(cx, args)?;
    let credentials = obtain(cx, &plan, freshness)?;
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

/// A warning that credential variables ([`CREDENTIAL_VARIABLES`]) set in this process's
/// environment (as `settings` found it) hide the files stscreds writes from the AWS
/// tools started here, ending with the `advice` made for the pronoun ("it" or "them");
/// `None` when none is set. Shared by `init` and `auth`.
pub(super) fn credential_variables_warning(
    settings: &Settings,
    advice: impl FnOnce(&str) -> String,
) -> Option<String> {
    let set: Vec<&str> = CREDENTIAL_VARIABLES
        .into_iter()
        .filter(|name| settings.aws_variables_set.contains(name))
        .collect();
    let (names, pronoun) = match set.as_slice() {
        [] => return None,
        [one] => ((*one).to_owned(), "it"),
        [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "them"),
    };
    Some(format!(
        "{names} set in this environment; AWS tools use {pronoun} before ~/.aws/credentials, so {}",
        advice(pronoun)
    ))
}

/// The command that loads `profile`'s current credentials into a POSIX shell:
/// `` `eval "$(stscreds export --profile NAME)"` ``.
pub(super) fn refresh_command(profile: &str) -> String {
    format!("`eval \"$(stscreds export{})\"`", profile_flag(profile))
}
