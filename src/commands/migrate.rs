//! `stscreds migrate --to BACKEND`: move a profile's long-term keys to another
//! backend. The new copy is written and read back, then recorded as the profile's
//! backend, and only then is the old copy removed: stopped at any point, the profile
//! still has working keys where its record says they are.

use crate::config::state;
use crate::context::Context;
use crate::credentials::{self, plan};
use crate::error::Error;
use crate::store::{Backend, KeyStore};

/// The top-level entry point for `stscreds migrate`.
pub fn run(cx: &mut Context, to: Backend) -> Result<(), Error> {
    plan::refuse_role_profile(cx.config()?, &cx.profile, "migrate")?;
    credentials::direct_profile_questions(cx, None)?;
    let (paths, profile, report) = (&cx.paths, cx.profile.as_str(), &*cx.report);
    let ask = &mut *cx.ask;
    let from = KeyStore::of_profile(paths, profile, report)?;
    if from.backend() == to {
        report.say(&format!(
            "Profile '{profile}' already keeps its keys in the {to} backend ({}); nothing to do.",
            from.location(profile)
        ));
        return Ok(());
    }
    let keys = from.require(profile, ask)?;
    let destination = KeyStore::new(paths, to, report);
    destination.save_verified(profile, &keys, ask)?;
    let mut remembered = state::load(paths, profile)?;
    remembered.backend = Some(to);
    state::save(paths, profile, &remembered)?;
    report.say(&format!(
        "Stored the key {} of profile '{profile}' in {} and checked it reads back.",
        keys.access_key_id,
        destination.location(profile)
    ));
    from.remove(profile, ask)
        .map_err(|cause| Error::OldCopyKept {
            to: to.name(),
            location: from.location(profile),
            cause: Box::new(cause.into()),
        })?;
    report.say(&format!(
        "Removed the old copy from {}",
        from.location(profile)
    ));
    Ok(())
}
