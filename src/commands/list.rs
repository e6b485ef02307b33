//! `stscreds list`: the profiles stscreds serves, with their backend, user, MFA device
//! and session: the profiles whose keys it stores, the role profiles built on them,
//! and the profiles whose `credential_process` runs stscreds for another. Reads files
//! only; no network. `list --names` (hidden) prints every profile name the files
//! know, for shell completion.

use jiff::Timestamp;

use crate::config::profiles;
use crate::config::{ConfigFile, state};
use crate::context::Context;
use crate::credentials::{plan, sessions::Slot};
use crate::error::Error;
use crate::files::{self, Paths};
use crate::session::SessionCredentials;

const HEADER: [&str; 6] = [
    "PROFILE",
    "SOURCE",
    "BACKEND",
    "USER",
    "MFA DEVICE",
    "SESSION",
];

/// The top-level entry point for `stscreds list`.
pub fn run(cx: &Context, names_only: bool) -> Result<(), Error> {
    if names_only {
        let names = profiles::known_names(&cx.paths)?;
        return super::print(
            &names
                .into_iter()
                .map(|name| name + "\n")
                .collect::<String>(),
        );
    }
    let paths = &cx.paths;
    let bases = managed_profiles(paths)?;
    if bases.is_empty() {
        cx.report
            .say("No profiles yet; run `stscreds init` to add one.");
        return Ok(());
    }
    let config = cx.config()?;
    let now = Timestamp::now();
    let mut rows = Vec::new();
    for profile in &bases {
        rows.push(base_row(paths, config, profile, now)?);
    }
    for profile in config.profile_names() {
        if let Some(row) = served_row(paths, config, &bases, &profile, now)? {
            rows.push(row);
        }
    }
    rows.sort();
    rows.insert(0, HEADER.map(String::from));
    super::print(&table(&rows))
}

/// A profile whose keys stscreds stores: where they are, whose they are, its device.
fn base_row(
    paths: &Paths,
    config: &ConfigFile,
    profile: &str,
    now: Timestamp,
) -> Result<[String; 6], Error> {
    let remembered = state::load(paths, profile)?;
    let settings = config.profile(profile)?;
    let stored = match Slot::of_profile(paths, config, profile) {
        Ok(slot) => slot.load()?,
        Err(_) => None,
    };
    let backend = remembered.backend_or_default().to_string();
    let device = settings.mfa_serial.or(remembered.mfa_serial);
    Ok([
        profile.to_owned(),
        "-".to_owned(),
        backend,
        remembered.user_name.unwrap_or_else(|| "-".into()),
        device.unwrap_or_else(|| "-".into()),
        describe_session(stored.as_ref(), now),
    ])
}

/// A profile of `~/.aws/config` that stscreds serves from another one: a role profile
/// whose chain starts at a profile with stored keys (its source is its
/// `source_profile`), or a `credential_process` profile that runs stscreds for another
/// profile (its source is that profile, and so is its session). `None` for any other
/// profile, for one with stored keys (listed as such), and for one whose chain does
/// not resolve or starts at a profile without stored keys (using it says why).
fn served_row(
    paths: &Paths,
    config: &ConfigFile,
    bases: &[String],
    profile: &str,
    now: Timestamp,
) -> Result<Option<[String; 6]>, Error> {
    if bases.iter().any(|base| base == profile) {
        return Ok(None);
    }
    let (source, served) = match config.profile(profile)?.role {
        Some(role) => (role.source_profile.unwrap_or_default(), profile.to_owned()),
        None => match config.served_by_stscreds_as(profile) {
            Some(served) if served != profile => (served.clone(), served),
            _ => return Ok(None),
        },
    };
    let Ok(chain) = plan::resolve(config, &served, None) else {
        return Ok(None);
    };
    if !bases.contains(&chain.base) {
        return Ok(None);
    }
    let stored = Slot::of(paths, config, &chain)?.load()?;
    let none = || "-".to_owned();
    Ok(Some([
        profile.to_owned(),
        source,
        none(),
        none(),
        none(),
        describe_session(stored.as_ref(), now),
    ]))
}

/// The profiles with keys: those whose backend is recorded in our config, and those
/// in the plaintext key file (which the original tool wrote with no record). Neither
/// the keyring nor the encrypted file is opened.
fn managed_profiles(paths: &Paths) -> Result<Vec<String>, Error> {
    let mut profiles = Vec::new();
    if let Some(state) = files::read_document(&paths.state())? {
        profiles.extend(
            state
                .sections()
                .into_iter()
                .filter(|profile| state.get(profile, state::BACKEND).is_some())
                .map(str::to_owned),
        );
    }
    if let Some(plaintext) = files::read_document(&paths.long_term_credentials())? {
        for profile in plaintext.sections() {
            if !profiles.iter().any(|known| known == profile) {
                profiles.push(profile.to_owned());
            }
        }
    }
    profiles.sort();
    Ok(profiles)
}

fn describe_session(stored: Option<&SessionCredentials>, now: Timestamp) -> String {
    match stored {
        None => "none".to_owned(),
        Some(credentials) if credentials.expiration <= now => "expired".to_owned(),
        Some(credentials) => {
            let left = credentials
                .expiration
                .duration_since(now)
                .as_secs()
                .unsigned_abs();
            let minutes = std::time::Duration::from_secs(left / 60 * 60);
            format!("{} left", humantime::format_duration(minutes))
        }
    }
}

fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|column| rows.iter().map(|row| row[column].len()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:width$}"))
                .collect();
            format!("{}\n", cells.join("  ").trim_end())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_described_by_time_left() {
        let now: Timestamp = "2030-01-01T12:00:00Z".parse().unwrap();
        let at = |expiration: &str| SessionCredentials {
            access_key_id: "A".into(),
            secret_access_key: "s".into(),
            session_token: "t".into(),
            expiration: expiration.parse().unwrap(),
        };
        assert_eq!(describe_session(None, now), "none");
        assert_eq!(
            describe_session(Some(&at("2030-01-01T11:00:00Z")), now),
            "expired"
        );
        assert_eq!(
            describe_session(Some(&at("2030-01-01T13:30:59Z")), now),
            "1h 30m left"
        );
    }

    #[test]
    fn columns_line_up() {
        let rows = [
            ["A", "BB", "C", "D"].map(String::from),
            ["aaa", "b", "c", "d"].map(String::from),
        ];
        assert_eq!(table(&rows), "A    BB  C  D\naaa  b   c  d\n");
    }
}
