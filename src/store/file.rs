//! The `file` backend: plaintext `~/.stscreds/credentials` (mode 0600, directory
//! 0700), one section per profile, as the original tool kept it.

use super::StoreError;
use crate::files::{self, Paths};
use crate::ui::report::Report;

use super::LongTermKeys;

/// The keys stored for `profile`, if any. Warns when the file or its directory can
/// be read by other users.
pub fn load(
    paths: &Paths,
    profile: &str,
    report: &dyn Report,
) -> Result<Option<LongTermKeys>, StoreError> {
    let path = paths.long_term_credentials();
    let Some(document) = files::read_document(&path)? else {
        return Ok(None);
    };
    for path in [path, paths.stscreds_dir.clone()] {
        files::warn_if_readable_by_others(&path, report);
    }
    Ok(LongTermKeys::from_document(&document, profile))
}

/// Stores `keys` for `profile`, keeping every other profile in the file.
pub fn save(paths: &Paths, profile: &str, keys: &LongTermKeys) -> Result<(), StoreError> {
    files::edit_document(
        paths,
        &paths.long_term_credentials(),
        |document| -> Result<_, StoreError> { Ok(keys.write_to(document, profile)?) },
    )
}

/// Deletes the keys of `profile` (and its section, if nothing else is left in it).
pub fn remove(paths: &Paths, profile: &str) -> Result<bool, StoreError> {
    let path = paths.long_term_credentials();
    if !path.exists() {
        return Ok(false);
    }
    files::edit_document(paths, &path, |document| -> Result<_, StoreError> {
        Ok(LongTermKeys::remove_from(document, profile))
    })
}
