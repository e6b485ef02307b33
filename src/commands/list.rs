//! `stscreds list`: the profiles stscreds manages, with their backend, user, MFA
//! device and session. Reads files only; no network.

use jiff::Timestamp;

use crate::config::state;
use crate::context::Context;
use crate::credentials::cache;
use crate::error::Error;
use crate::files::{self, Paths};
use crate::session::SessionCredentials;

/// The top-level entry point for `stscreds list`.
pub fn run(cx: &Context) -> Result<(), Error> {
    let paths = &cx.paths;
    let profiles = managed_profiles(paths)?;
    if profiles.is_empty() {
        cx.report
            .say("No profiles yet; run `stscreds init` to add one.");
        return Ok(());
    }
    let mut rows = vec![["PROFILE", "BACKEND", "USER", "MFA DEVICE", "SESSION"].map(String::from)];
    let config_file = cx.config()?;
    for profile in &profiles {
        let remembered = state::load(paths, profile)?;
        let config = config_file.profile(profile)?;
        let stored = cache::load(&cache::home(paths, &config), profile)?;
        let backend = remembered.backend_or_default();
        let device = config.mfa_serial.or(remembered.mfa_serial);
        rows.push([
            profile.to_owned(),
            backend.to_string(),
            remembered.user_name.unwrap_or_else(|| "-".into()),
            device.unwrap_or_else(|| "-".into()),
            describe_session(stored.as_ref(), Timestamp::now()),
        ]);
    }
    super::print(&table(&rows))
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
