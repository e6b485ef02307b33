//! `stscreds remove`: delete a profile's stored long-term keys (after confirmation),
//! what stscreds learned about it, and with `--sessions` its cached sessions too.

use crate::config::state::{self, ProfileState};
use crate::context::Context;
use crate::credentials::source;
use crate::error::Error;
use crate::files;
use crate::prompt::{Ask, InputError};
use crate::store::KeyStore;

/// The top-level entry point for `stscreds remove`.
pub fn run(cx: &mut Context, yes: bool, sessions: bool) -> Result<(), Error> {
    source::refuse_role_profile(cx.config()?, &cx.profile, "remove")?;
    let (paths, profile, report) = (&cx.paths, cx.profile.as_str(), &*cx.report);
    let ask = &mut *cx.ask;
    let store = KeyStore::of_profile(paths, profile, report)?;
    let keys = store.require(profile, ask)?;
    let location = store.location(profile);
    if !yes && !confirmed(ask, profile, &keys.access_key_id, &location)? {
        report.say("Nothing was removed.");
        return Ok(());
    }
    store.remove(profile, ask)?;
    state::save(paths, profile, &ProfileState::default())?;
    report.say(&format!(
        "Removed the long-term key {} of profile '{profile}' from {location}",
        keys.access_key_id
    ));
    if sessions {
        super::clear::forget_sessions(cx)
    } else {
        // Leftovers of killed writes may hold copies of the keys (file backend).
        Ok(files::remove_stale_temporaries(paths)?)
    }
}

fn confirmed(
    ask: &mut dyn Ask,
    profile: &str,
    key_id: &str,
    location: &str,
) -> Result<bool, Error> {
    if !ask.is_interactive() {
        return Err(InputError::Invalid(format!(
            "removing the keys of profile '{profile}' needs confirmation: run it in a terminal, or pass --yes"
        ))
        .into());
    }
    let answer = ask.line(&format!(
        "Remove the long-term key {key_id} of profile '{profile}' from {location}? It cannot be recovered from there. [y/N] "
    ))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
