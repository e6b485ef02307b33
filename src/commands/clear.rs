//! `stscreds clear`: forget a profile's cached sessions (its role sessions too). Only
//! sessions stscreds wrote are touched; long-term keys stay where they are.

use std::path::Path;

use crate::context::Context;
use crate::error::Error;
use crate::files;
use crate::report::Report;
use crate::session::{EXPIRATION_KEY, SessionCredentials};

/// The top-level entry point for `stscreds clear`.
pub fn run(cx: &Context) -> Result<(), Error> {
    let (paths, profile, report) = (&cx.paths, cx.profile.as_str(), &*cx.report);
    let ad_hoc_roles = format!("{profile}+");
    let in_shared_file = clear_in(cx, &paths.aws_credentials, &|name| name == profile)?;
    let in_private_file = clear_in(cx, &paths.private_sessions(), &|name| {
        name == profile || name.starts_with(&ad_hoc_roles)
    })?;
    // Copies of the files that killed writes left behind hold sessions too.
    files::remove_stale_temporaries(paths)?;
    if in_shared_file + in_private_file == 0 {
        report.say(&format!(
            "Profile '{profile}' has no cached session; nothing to clear."
        ));
    } else {
        report.say(&format!(
            "Cleared {} cached session(s) of profile '{profile}'.",
            in_shared_file + in_private_file
        ));
    }
    Ok(())
}

/// Removes the stscreds sessions of the sections `matches` picks from `file` (and a
/// section left empty); returns how many. A missing file has none, and is not created. A section without `stscreds_expiration` was
/// not written by stscreds and is left alone.
fn clear_in(cx: &Context, file: &Path, matches: &dyn Fn(&str) -> bool) -> Result<usize, Error> {
    if !file.exists() {
        return Ok(0);
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
        Ok(names.len())
    })
}
