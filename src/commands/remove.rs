//! `stscreds remove`: delete a profile's stored long-term keys (after confirmation),
//! what stscreds learned about it, and with `--sessions` its cached sessions too.

use crate::config::profiles::{self, Known};
use crate::config::state::{self, ProfileState};
use crate::context::Context;
use crate::error::Error;
use crate::files;
use crate::invalid::Invalid;
use crate::message::profile_flag;
use crate::store::{KeyStore, StoreError};
use crate::ui::prompt::Ask;

/// The top-level entry point for `stscreds remove`.
pub fn run(cx: &mut Context, yes: bool, sessions: bool) -> Result<(), Error> {
    let (paths, profile, report) = (&cx.paths, cx.profile.as_str(), &*cx.report);
    let store = KeyStore::of_profile(paths, profile, report)?;
    let Some(keys) = store.load(profile, &mut *cx.ask)? else {
        return Err(nothing_to_remove(cx));
    };
    let location = store.location(profile);
    let ask = &mut *cx.ask;
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
    if cx.config()?.profile(profile)?.role.is_some() {
        report.say(&format!(
            "Profile '{profile}' is a role profile: its role is assumed with the keys of its source_profile, never with these."
        ));
    }
    if sessions {
        super::clear::forget_sessions(cx)
    } else {
        // Leftovers of killed writes may hold copies of the keys (file backend).
        Ok(files::remove_leftover_temporaries(paths)?)
    }
}

/// Why a profile without stored keys has nothing to remove. A role profile, or a
/// profile whose `credential_process` runs stscreds for another, gets its credentials
/// from another profile's keys, which it still needs (as may other profiles): the
/// message says how to stop using it, never to remove those keys.
fn nothing_to_remove(cx: &Context) -> Error {
    let profile = cx.profile.as_str();
    let known = profiles::describe(&cx.paths, profile).unwrap_or(Known::Named);
    let source = match &known {
        Known::Role {
            source: Some(source),
        } => format!("it assumes a role with the credentials of profile '{source}'"),
        Known::ServedAs { profile: served } => format!(
            "its credential_process gets the credentials of profile '{served}' from stscreds"
        ),
        _ => {
            return StoreError::NotInitialised {
                profile: profile.to_owned(),
                known,
            }
            .into();
        }
    };
    Invalid(format!(
        "profile '{profile}' has no long-term keys of its own, so nothing was removed: {source}, whose keys it needs; to stop using it, delete its section from {} (`stscreds clear{}` forgets its sessions)",
        cx.paths.aws_config.display(),
        profile_flag(profile)
    ))
    .into()
}

fn confirmed(
    ask: &mut dyn Ask,
    profile: &str,
    key_id: &str,
    location: &str,
) -> Result<bool, Error> {
    if !ask.is_interactive() {
        return Err(Invalid(format!(
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
