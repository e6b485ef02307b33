//! `stscreds clear`: forget a profile's cached sessions, and those of the role profiles
//! built on it, so that the next use asks for a new MFA code; `clear --all` forgets
//! every session stscreds cached. Only sessions stscreds wrote are touched; long-term
//! keys stay where they are.

use std::path::Path;

use crate::config::profiles::{self, Known};
use crate::context::Context;
use crate::credentials::source;
use crate::error::Error;
use crate::files;
use crate::prompt::InputError;
use crate::report::Report;
use crate::session::{EXPIRATION_KEY, SessionCredentials};

/// The top-level entry point for `stscreds clear` (and `remove --sessions`).
pub fn run(cx: &Context) -> Result<(), Error> {
    let (paths, profile) = (&cx.paths, cx.profile.as_str());
    let roles = source::built_on(cx.config()?, profile);
    let owners: Vec<&str> = std::iter::once(profile)
        .chain(roles.iter().map(String::as_str))
        .collect();
    let mut cleared = clear_in(cx, &paths.aws_credentials, &|name| owners.contains(&name))?;
    cleared.extend(clear_in(cx, &paths.private_sessions(), &|name| {
        owners
            .iter()
            .any(|owner| name == *owner || is_ad_hoc_role_of(name, owner))
    })?);
    // Copies of the files that killed writes left behind hold sessions too.
    files::remove_stale_temporaries(paths)?;
    if cleared.is_empty() {
        return nothing_to_clear(cx);
    }
    let cleared_roles: Vec<&str> = roles
        .iter()
        .map(String::as_str)
        .filter(|role| {
            cleared
                .iter()
                .any(|name| name == role || is_ad_hoc_role_of(name, role))
        })
        .collect();
    let of_roles = if cleared_roles.is_empty() {
        String::new()
    } else {
        format!(
            " and of the role profiles built on it ({})",
            cleared_roles.join(", ")
        )
    };
    cx.report.say(&format!(
        "Cleared {} cached session(s) of profile '{profile}'{of_roles}.",
        cleared.len()
    ));
    Ok(())
}

/// The top-level entry point for `stscreds clear --all`: every stscreds session in
/// both files, whoever's.
pub fn run_all(cx: &Context) -> Result<(), Error> {
    let paths = &cx.paths;
    let mut cleared = clear_in(cx, &paths.aws_credentials, &|_| true)?;
    cleared.extend(clear_in(cx, &paths.private_sessions(), &|_| true)?);
    files::remove_stale_temporaries(paths)?;
    cx.report.say(&if cleared.is_empty() {
        "No cached sessions; nothing to clear.".to_owned()
    } else {
        format!(
            "Cleared {} cached session(s) of every profile; long-term keys stay.",
            cleared.len()
        )
    });
    Ok(())
}

/// Nothing was cached: fine for a known profile, but a mistyped one would leave the
/// session meant untouched, so it is an error that names the profile meant.
fn nothing_to_clear(cx: &Context) -> Result<(), Error> {
    let profile = cx.profile.as_str();
    if let Known::Unknown {
        closest: Some(closest),
    } = profiles::describe(&cx.paths, profile)?
    {
        return Err(InputError::Invalid(profiles::unknown_profile(profile, &closest)).into());
    }
    cx.report.say(&format!(
        "Profile '{profile}' has no cached session; nothing to clear."
    ));
    Ok(())
}

/// Whether `name` is where an ad hoc `--role-arn` on `profile` is cached
/// (`PROFILE+ROLE_ARN`).
fn is_ad_hoc_role_of(name: &str, profile: &str) -> bool {
    name.strip_prefix(profile)
        .is_some_and(|rest| rest.starts_with("+arn:"))
}

/// Removes the stscreds sessions of the sections `matches` picks from `file` (and a
/// section left empty); returns their names. A missing file has none, and is not
/// created. A section without `stscreds_expiration` was not written by stscreds and is
/// left alone.
fn clear_in(
    cx: &Context,
    file: &Path,
    matches: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>, Error> {
    if !file.exists() {
        return Ok(Vec::new());
    }
    let report: &dyn Report = &*cx.report;
    files::edit_shared_document(&cx.paths, report, file, |document| -> Result<_, Error> {
        let names: Vec<String> = document
            .sections()
            .into_iter()
            .filter(|name| matches(name) && document.get(name, EXPIRATION_KEY).is_some())
            .map(str::to_owned)
            .collect();
        for name in &names {
            SessionCredentials::remove_from(document, name);
            if document.section_is_empty(name) {
                document.remove_section(name);
            }
        }
        Ok(names)
    })
}
