//! What stscreds knows about each profile (where its keys are kept, the IAM user name
//! and MFA device), kept in `~/.stscreds/config` so that later commands need no flags
//! and a repeat `auth` needs only one AWS call.

use crate::error::Error;
use crate::files::{self, Paths};
use crate::store::Backend;

/// The key recording a profile's backend.
pub const BACKEND: &str = "backend";
const USER_NAME: &str = "user_name";
const MFA_SERIAL: &str = "mfa_serial";

/// The remembered facts about one profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileState {
    /// Where the long-term keys are kept (`file` when not recorded).
    pub backend: Option<Backend>,
    /// The IAM user the long-term keys belong to.
    pub user_name: Option<String>,
    /// The MFA device (serial number or ARN) to authenticate with.
    pub mfa_serial: Option<String>,
}

/// The remembered facts for `profile` (empty when nothing is known yet).
pub fn load(paths: &Paths, profile: &str) -> Result<ProfileState, Error> {
    let document = files::read_document(&paths.state())?;
    let value = |key| {
        document
            .as_ref()
            .and_then(|doc| doc.get(profile, key))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let backend = match value(BACKEND) {
        Some(name) => Some(name.parse::<Backend>().map_err(|error| {
            crate::prompt::InputError::Invalid(format!(
                "[{profile}] in {}: {error}",
                paths.state().display()
            ))
        })?),
        None => None,
    };
    Ok(ProfileState {
        backend,
        user_name: value(USER_NAME),
        mfa_serial: value(MFA_SERIAL),
    })
}

/// Records `state` for `profile`; facts that are `None` are forgotten.
pub fn save(paths: &Paths, profile: &str, state: &ProfileState) -> Result<(), Error> {
    files::edit_document(paths, &paths.state(), |document| {
        let backend = state.backend.map(|backend| backend.name().to_owned());
        for (key, value) in [
            (BACKEND, &backend),
            (USER_NAME, &state.user_name),
            (MFA_SERIAL, &state.mfa_serial),
        ] {
            match value {
                Some(value) => document.set(profile, key, value)?,
                None => {
                    document.remove(profile, key);
                }
            }
        }
        Ok(())
    })
}
