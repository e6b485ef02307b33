//! `stscreds clear`: forget a profile's cached sessions, and those of the role profiles
//! built on it, so that the next use asks for a new MFA code; `clear --all` forgets
//! every session stscreds cached. Only sessions stscreds wrote are touched; long-term
//! keys stay where they are.

use crate::config::profiles::{self, Known};
use crate::context::Context;
use crate::credentials::{plan, sessions};
use crate::error::Error;
use crate::invalid::Invalid;
use crate::message::shell_word;

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
            return Err(Invalid(message).into());
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
    let roles = plan::built_on(cx.config()?, profile);
    let owners: Vec<&str> = std::iter::once(profile)
        .chain(roles.iter().map(String::as_str))
        .collect();
    let cleared = sessions::clear(paths, &*cx.report, &owners)?;
    let roles = roles
        .into_iter()
        .filter(|role| sessions::any_belongs_to(&cleared, role))
        .collect();
    Ok(Cleared {
        sessions: cleared,
        roles,
    })
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
        return Err(Invalid(format!(
            "`clear --all` clears the sessions of every profile; leave out --profile, or run `stscreds clear --profile {}` for that one",
            shell_word(&cx.profile)
        ))
        .into());
    }
    let cleared = sessions::clear_all(&cx.paths, &*cx.report)?;
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
