//! The `keyring` backend: the operating system's credential store, through the
//! `keyring` crate (Secret Service over D-Bus on Linux and the BSDs, Keychain on
//! macOS, Credential Manager on Windows). One entry per profile: service `stscreds`,
//! account the profile name. There is no fallback: when the store cannot be reached,
//! that is the error.

use super::StoreError;

use super::LongTermKeys;

/// The service name of every stscreds entry.
const SERVICE: &str = "stscreds";

/// Where the keys of `profile` are, for messages.
pub fn describe(profile: &str) -> String {
    format!(
        "the {} (service '{SERVICE}', account '{profile}')",
        store_name()
    )
}

/// The keys of `profile`, if the store has them.
pub fn load(profile: &str) -> Result<Option<LongTermKeys>, StoreError> {
    let text = match entry(profile)?.get_password() {
        Ok(text) => zeroize::Zeroizing::new(text),
        Err(keyring::Error::NoEntry) => return Ok(None),
        Err(keyring::Error::BadEncoding(_)) => return Err(foreign_entry(profile)),
        Err(error) => return Err(unavailable(error)),
    };
    LongTermKeys::from_text(&text, profile)
        .map(Some)
        .ok_or_else(|| foreign_entry(profile))
}

/// The entry exists but is not what stscreds writes.
fn foreign_entry(profile: &str) -> StoreError {
    StoreError::Keyring {
        detail: format!(
            "{} does not hold stscreds keys; run `stscreds init{}` to store them again",
            describe(profile),
            crate::message::profile_flag(profile)
        ),
    }
}

/// Whether the store can be used: an error if it cannot be reached or is locked.
/// The entry itself may be missing or hold anything.
pub fn check_reachable(profile: &str) -> Result<(), StoreError> {
    match entry(profile)?.get_password() {
        Ok(text) => {
            drop(zeroize::Zeroizing::new(text));
            Ok(())
        }
        Err(keyring::Error::NoEntry | keyring::Error::BadEncoding(_)) => Ok(()),
        Err(error) => Err(unavailable(error)),
    }
}

/// Stores `keys` as the entry of `profile`, replacing any.
pub fn save(profile: &str, keys: &LongTermKeys) -> Result<(), StoreError> {
    entry(profile)?
        .set_password(&keys.to_text(profile)?)
        .map_err(unavailable)
}

/// Deletes the entry of `profile`; whether there was one.
pub fn remove(profile: &str) -> Result<bool, StoreError> {
    match entry(profile)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(error) => Err(unavailable(error)),
    }
}

fn entry(profile: &str) -> Result<keyring::Entry, StoreError> {
    keyring::Entry::new(SERVICE, profile).map_err(unavailable)
}

fn store_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "Secret Service keyring"
    }
}

/// The store could not be used: say which, why, and what else there is.
fn unavailable(error: keyring::Error) -> StoreError {
    let why = match &error {
        keyring::Error::NoDefaultStore => match keyring::Entry::store_status() {
            Err(cause) => cause.to_string(),
            Ok(()) => error.to_string(),
        },
        _ => error.to_string(),
    };
    StoreError::Keyring {
        detail: format!(
            "the {} cannot be used ({}); {}",
            store_name(),
            why.trim_end_matches('.'),
            remedy()
        ),
    }
}

fn remedy() -> &'static str {
    if cfg!(any(target_os = "macos", windows)) {
        "unlock it and try again, or keep the keys with --backend encrypted-file or --backend file"
    } else {
        "start and unlock a Secret Service (GNOME Keyring or KWallet) in a desktop or D-Bus session, or keep the keys with --backend encrypted-file or --backend file (over SSH, in containers and WSL there is usually none)"
    }
}
