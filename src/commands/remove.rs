//! `stscreds remove`: delete a profile's stored long-term keys (after confirmation),
//! what stscreds learned about it, and with `--sessions` its cached sessions too.

use crate::config::ConfigFile;
use crate::config::state::{self, ProfileState};
use crate::credentials::source;
use crate::error::Error;
use crate::files::{self, Paths};
use crate::prompt::{Ask, InputError};
use crate::store::KeyStore;

/// The top-level entry point for `stscreds remove`.
pub fn run(
    paths: &Paths,
    profile: &str,
    yes: bool,
    sessions: bool,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    source::refuse_role_profile(&ConfigFile::load(paths)?, profile, "remove")?;
    let store = KeyStore::of_profile(paths, profile)?;
    let keys = store.require(profile, ask)?;
    let location = store.location(profile);
    if !yes && !confirmed(ask, profile, &keys.access_key_id, &location)? {
        eprintln!("Nothing was removed.");
        return Ok(());
    }
    store.remove(profile, ask)?;
    state::save(paths, profile, &ProfileState::default())?;
    eprintln!(
        "Removed the long-term key {} of profile '{profile}' from {location}",
        keys.access_key_id
    );
    if sessions {
        super::clear::run(paths, profile)
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
