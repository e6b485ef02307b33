//! What stscreds has learned about each profile (the IAM user name and MFA device),
//! kept in `~/.stscreds/config` so that a repeat `auth` needs only one AWS call.

use crate::error::Error;
use crate::files::{self, Paths};

const USER_NAME: &str = "user_name";
const MFA_SERIAL: &str = "mfa_serial";

/// The remembered facts about one profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileState {
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
    Ok(ProfileState {
        user_name: value(USER_NAME),
        mfa_serial: value(MFA_SERIAL),
    })
}

/// Records `state` for `profile`; facts that are `None` are forgotten.
pub fn save(paths: &Paths, profile: &str, state: &ProfileState) -> Result<(), Error> {
    files::edit_document(paths, &paths.state(), |document| {
        for (key, value) in [
            (USER_NAME, &state.user_name),
            (MFA_SERIAL, &state.mfa_serial),
        ] {
            match value {
                Some(value) => document.set(profile, key, value),
                None => {
                    document.remove(profile, key);
                }
            }
        }
        Ok(())
    })
}
