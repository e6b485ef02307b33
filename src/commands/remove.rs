//! `stscreds remove`: delete a profile's stored long-term keys (after confirmation),
//! what stscreds learned about it, and with `--sessions` its cached sessions too.

use crate::error::Error;
use crate::files::Paths;
use crate::prompt::{Ask, InputError};
use crate::state::{self, ProfileState};
use crate::store::FileStore;

/// The top-level entry point for `stscreds remove`.
pub fn run(
    paths: &Paths,
    profile: &str,
    yes: bool,
    sessions: bool,
    ask: &mut dyn Ask,
) -> Result<(), Error> {
    let store = FileStore::new(paths);
    let keys = store.require(profile)?;
    if !yes
        && !confirmed(
            ask,
            profile,
            &keys.access_key_id,
            &store.path().display().to_string(),
        )?
    {
        eprintln!("Nothing was removed.");
        return Ok(());
    }
    store.remove(profile)?;
    state::save(paths, profile, &ProfileState::default())?;
    eprintln!(
        "Removed the long-term key {} of profile '{profile}' from {}",
        keys.access_key_id,
        store.path().display()
    );
    if sessions {
        super::clear::run(paths, profile)?;
    }
    Ok(())
}

fn confirmed(ask: &mut dyn Ask, profile: &str, key_id: &str, path: &str) -> Result<bool, Error> {
    if !ask.is_interactive() {
        return Err(InputError::Invalid(format!(
            "removing the keys of profile '{profile}' needs confirmation: run it in a terminal, or pass --yes"
        ))
        .into());
    }
    let answer = ask.line(&format!(
        "Remove the long-term key {key_id} of profile '{profile}' from {path}? It cannot be recovered from there. [y/N] "
    ))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
