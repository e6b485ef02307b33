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
use crate::message::shell_word;
use crate::prompt::InputError;
use crate::report::Report;
use crate::session::{EXPIRATION_KEY, SessionCredentials};

/// The top-level entry point for `stscreds clear`. A mistyped profile, or one whose
/// `credential_process` gets another profile's credentials, has nothing cached: that
/// is an error naming the profile meant, whose sessions are still there.
pub fn run(cx: &Context) -> Result<(), Error> {
    let cleared = clear_profile(cx)?;
    if cleared.sessions.is_empty() {
        let profile = cx.profile.as_str();
        let meant = match profiles::describe(&cx.paths, profile)? {
            Known::Unknown {
                closest: Some(closest),
            } => Some(profiles::unknown_profile(profile, &closest)),
            Known::ServedAs { profile: served } => Some(format!(
                "profile '{profile}' caches nothing: its credential_process gets the credentials of profile '{served}'; run `stscreds clear --profile {}`",
                shell_word(&served)
            )),
            _ => None,
        };
        if let Some(message) = meant {
            return Err(InputError::Invalid(message).into());
        }
    }
    cleared.say(cx);
    Ok(())
}

/// Forgets the sessions of the context's profile and of the role profiles built on
/// it, and says so: `remove --sessions`, after the keys of a profile that surely
/// existed.
pub fn forget_sessions(cx: &Context) -> Result<(), Error> {
    clear_profile(cx)?.say(cx);
    Ok(())
}

/// What `clear` of one profile removed.
struct Cleared {
    /// The sections whose sessions went.
    sessions: Vec<String>,
    /// The role profiles built on the profile that had any of them.
    roles: Vec<String>,
}

/// Removes the sessions of the context's profile, of its ad hoc `--role-arn` roles,
/// and of the role profiles built on it (and theirs).
fn clear_profile(cx: &Context) -> Result<Cleared, Error> {
    let (paths, profile) = (&cx.paths, cx.profile.as_str());
    let roles = source::built_on(cx.config()?, profile);
    let owners: Vec<&str> = std::iter::once(profile)
        .chain(roles.iter().map(String::as_str))
        .collect();
    let belongs = |name: &str, owner: &str| name == owner || is_ad_hoc_role_of(name, owner);
    let mut sessions = clear_in(cx, &paths.aws_credentials, &|name| owners.contains(&name))?;
    sessions.extend(clear_in(cx, &paths.private_sessions(), &|name| {
        owners.iter().any(|owner| belongs(name, owner))
    })?);
    // Copies of the files that killed writes left behind hold sessions too.
    files::remove_stale_temporaries(paths)?;
    let roles = roles
        .into_iter()
        .filter(|role| sessions.iter().any(|name| belongs(name, role)))
        .collect();
    Ok(Cleared { sessions, roles })
}

impl Cleared {
    fn say(&self, cx: &Context) {
        let profile = &cx.profile;
        if self.sessions.is_empty() {
            cx.report.say(&format!(
                "Profile '{profile}' has no cached session; nothing to clear."
            ));
            return;
        }
        let of_roles = if self.roles.is_empty() {
            String::new()
        } else {
            format!(
                " and of the role profiles built on it ({})",
                self.roles.join(", ")
            )
        };
        cx.report.say(&format!(
            "Cleared {} cached session(s) of profile '{profile}'{of_roles}.",
            self.sessions.len()
        ));
    }
}

/// The top-level entry point for `stscreds clear --all`: every stscreds session in
/// both files, whoever's. A `--profile` beside it is refused rather than ignored:
/// which of the two was meant cannot be told.
pub fn run_all(cx: &Context, profile_named: bool) -> Result<(), Error> {
    if profile_named {
        return Err(InputError::Invalid(format!(
            "`clear --all` clears the sessions of every profile; leave out --profile, or run `stscreds clear --profile {}` for that one",
            shell_word(&cx.profile)
        ))
        .into());
    }
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
