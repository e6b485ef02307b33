//! Settings that come from environment variables of stscreds' own (`STSCREDS_*`), for
//! every module that reads one: kept at the bottom of the module graph, since files,
//! AWS calls and MFA commands all take their time limits from here.

use std::time::Duration;

use crate::prompt::InputError;

/// The environment variable that supplies the passphrase of the encrypted key file, for
/// automation; never passed on to a command stscreds runs.
pub const PASSPHRASE_VARIABLE: &str = "STSCREDS_FILE_PASSPHRASE";

/// The shared credentials file stscreds uses, set by `exec --server` for its command,
/// whose `AWS_SHARED_CREDENTIALS_FILE` names an empty file (so that the command's SDKs
/// ask the credential server): a stscreds run inside still finds the sessions.
pub const SHARED_CREDENTIALS_VARIABLE: &str = "STSCREDS_SHARED_CREDENTIALS_FILE";

/// The config file stscreds uses, set by `exec --server` for its command, whose
/// `AWS_CONFIG_FILE` names a config with the served profile's settings and no source
/// of credentials (so that the command's SDKs ask the credential server): a stscreds
/// run inside still finds the profiles.
pub const CONFIG_VARIABLE: &str = "STSCREDS_CONFIG_FILE";

/// A duration from the environment variable `name` (like `30s`, `2m`), or `default`
/// when it is unset or empty; zero and anything unparsable are refused, naming the
/// variable.
pub fn duration_from_env(name: &str, default: Duration) -> Result<Duration, InputError> {
    match std::env::var(name) {
        Ok(text) if !text.trim().is_empty() => humantime::parse_duration(text.trim())
            .ok()
            .filter(|duration| !duration.is_zero())
            .ok_or_else(|| {
                InputError::Invalid(format!("{name}: '{text}' is not a duration like 30s or 2m"))
            }),
        _ => Ok(default),
    }
}
