//! Replacing a profile's access key with a new one, so that the key stored is always
//! one that works.
//!
//! CreateAccessKey → the new key is verified with `iam:GetUser` (retried while IAM
//! propagates it) → stored in the profile's backend and read back → DeleteAccessKey
//! of the old key. A failure before the new key is stored deletes the new key again
//! and leaves the old one in place; a failure after says the new key is in use and
//! which old key to delete. [`RotationError`] tells each of these outcomes.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::aws::{Aws, AwsError};
use crate::config::ProfileConfig;
use crate::message::{delete_key_command, profile_flag};
use crate::store::{KeyStore, LongTermKeys, StoreError};
use crate::ui::interrupt;
use crate::ui::prompt::Ask;
use crate::ui::report::Report;

/// How a rotation failed, and where that leaves the keys: each message says which key
/// is stored and active and which (if any) to delete.
#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    /// The user has two access keys already (AWS's limit), so no new one can be made.
    #[error(
        "IAM user '{user}' already has two access keys, AWS's limit: {stored} (stored by stscreds, in use) and {extra}; delete the one you do not use ({}) and run `stscreds rotate{}` again; nothing was changed",
        delete_key_command(user, extra),
        profile_flag(profile)
    )]
    TooManyAccessKeys {
        /// The profile whose key is rotated.
        profile: String,
        /// The IAM user.
        user: String,
        /// The key stscreds has stored.
        stored: String,
        /// The other key(s).
        extra: String,
    },

    /// The stored key is not among the user's keys, so they are not touched.
    #[error(
        "the key {stored} stored for profile '{profile}' is not one of IAM user '{user}'s access keys; run `stscreds init{}` with a current key of that user first; nothing was changed",
        profile_flag(profile)
    )]
    StoredKeyNotListed {
        /// The profile.
        profile: String,
        /// The IAM user.
        user: String,
        /// The stored key id.
        stored: String,
    },

    /// A new key was made but could not be put in use; the old key stays.
    #[error("rotation stopped: the new access key {new} {what_failed} ({cause}); {}; the stored key {old} is unchanged and still active", if *new_deleted { "the new key was deleted again".to_owned() } else { format!("the new key could not be deleted, so delete it yourself ({})", delete_key_command(user, new)) })]
    Abandoned {
        /// What went wrong with the new key.
        what_failed: &'static str,
        /// The IAM user.
        user: String,
        /// The stored key id.
        old: String,
        /// The new key id.
        new: String,
        /// Why.
        cause: Box<RotationError>,
        /// Whether the new key was deleted again.
        new_deleted: bool,
    },

    /// A new key was made, the store failed, and what it holds cannot be told.
    #[error(
        "rotation stopped: the new access key {new} was made, but whether the key store holds it cannot be told ({cause}); both it and the old key {old} stay active, so the profile keeps a working key either way; once the store works again, run `stscreds rotate{}`: it names the key of user '{user}' that is not stored, to delete",
        profile_flag(profile)
    )]
    Unsure {
        /// The profile whose key is rotated.
        profile: String,
        /// The IAM user.
        user: String,
        /// The old key id.
        old: String,
        /// The new key id.
        new: String,
        /// Why storing failed.
        cause: Box<RotationError>,
    },

    /// The new key is stored, but the old one could not be deleted.
    #[error(
        "the new access key {new} is stored and active, but the old key {old} could not be deleted ({cause}); delete it yourself ({})",
        delete_key_command(user, old)
    )]
    OldKeyNotDeleted {
        /// The IAM user.
        user: String,
        /// The old key id.
        old: String,
        /// The new key id, now stored.
        new: String,
        /// Why.
        cause: Box<RotationError>,
    },

    /// The new key signs as another user than the stored one.
    #[error("the new key belongs to '{found}', not '{user}'")]
    NewKeyOfAnotherUser {
        /// Whom AWS says the new key belongs to.
        found: String,
        /// The user whose key is rotated.
        user: String,
    },

    /// An IAM call failed.
    #[error(transparent)]
    Aws(#[from] AwsError),

    /// The key store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A rotation in progress: the new key made for the user, to verify, store and put in
/// place of the old one, or to undo. Each step says, should the process be stopped
/// now, which key is left where.
pub struct Rotation<'a> {
    iam: &'a Aws,
    user: &'a str,
    old: &'a LongTermKeys,
    new: LongTermKeys,
}

impl<'a> Rotation<'a> {
    /// Makes a new access key for `user`, whose keys are `existing` and whose stored
    /// key is `old`, with `iam` (a client allowed to manage the user's keys). Nothing
    /// is made when the stored key is not the user's or the user has two keys already.
    pub fn start(
        iam: &'a Aws,
        report: &dyn Report,
        (profile, user): (&str, &'a str),
        old: &'a LongTermKeys,
        existing: &[String],
    ) -> Result<Self, RotationError> {
        check_room_for_a_new_key(profile, user, old, existing)?;
        let new = create_key(iam, report, profile, user, old)?;
        Ok(Self {
            iam,
            user,
            old,
            new,
        })
    }

    /// The new key's id.
    pub fn new_key_id(&self) -> &str {
        &self.new.access_key_id
    }

    /// A client signing with the new key, once it works; else the new key is deleted.
    pub fn verify(
        &self,
        config: &ProfileConfig,
        profile: &str,
        wait: Duration,
        report: Arc<dyn Report>,
    ) -> Result<Aws, RotationError> {
        interrupt::if_stopped_say(Some(format!(
            "the new access key {new} exists in IAM but is not stored, and the stored key {old} is still active; delete the new one ({}) or let the next `stscreds rotate` name it",
            delete_key_command(self.user, &self.new.access_key_id),
            new = self.new.access_key_id,
            old = self.old.access_key_id,
        )));
        verified_client(&self.new, (config, profile), self.user, wait, report)
            .map_err(|cause| self.undo("did not start working", cause))
    }

    /// Stores the new key. On failure, what the store holds decides: the old key (or
    /// nothing) — the new key is deleted; the new key (the write took effect before
    /// the error, e.g. the directory flush failed) — both stay, the old one to delete;
    /// unknown — both stay, and the next `rotate` will name the one not stored.
    pub fn store(
        &self,
        store: &KeyStore,
        profile: &str,
        ask: &mut dyn Ask,
    ) -> Result<(), RotationError> {
        let Err(cause) = store
            .save_verified(profile, &self.new, ask)
            .map_err(RotationError::from)
        else {
            interrupt::if_stopped_say(Some(format!(
                "the new access key {new} is stored and active, and the old key {old} may still exist; delete it ({})",
                delete_key_command(self.user, &self.old.access_key_id),
                new = self.new.access_key_id,
                old = self.old.access_key_id,
            )));
            return Ok(());
        };
        Err(match store.load(profile, ask) {
            Ok(Some(held)) if held.same_as(&self.new) => self.old_key_left(cause),
            Ok(_) => self.undo("could not be stored", cause),
            Err(_) => RotationError::Unsure {
                profile: profile.to_owned(),
                user: self.user.to_owned(),
                old: self.old.access_key_id.clone(),
                new: self.new.access_key_id.clone(),
                cause: Box::new(cause),
            },
        })
    }

    /// Deletes the old key, signed by the new key unless an MFA session does the IAM
    /// calls.
    pub fn delete_old_key(&self, new_client: &Aws) -> Result<(), RotationError> {
        let deleter = if self.iam.signs_with(&self.old.access_key_id) {
            new_client
        } else {
            self.iam
        };
        deleter
            .delete_access_key(self.user, &self.old.access_key_id)
            .map_err(|cause| self.old_key_left(cause.into()))?;
        interrupt::if_stopped_say(None);
        Ok(())
    }

    /// The new key failed before it was stored: delete it again, and say that the old
    /// key is still the one in use.
    fn undo(&self, what_failed: &'static str, cause: RotationError) -> RotationError {
        let deleted = self
            .iam
            .delete_access_key(self.user, &self.new.access_key_id);
        interrupt::if_stopped_say(None);
        RotationError::Abandoned {
            what_failed,
            user: self.user.to_owned(),
            old: self.old.access_key_id.clone(),
            new: self.new.access_key_id.clone(),
            cause: Box::new(cause),
            new_deleted: deleted.is_ok(),
        }
    }

    /// The new key is stored and in use, but the old one still exists.
    fn old_key_left(&self, cause: RotationError) -> RotationError {
        RotationError::OldKeyNotDeleted {
            user: self.user.to_owned(),
            old: self.old.access_key_id.clone(),
            new: self.new.access_key_id.clone(),
            cause: Box::new(cause),
        }
    }
}

/// AWS allows two access keys per user: with two already, name the one that is not
/// ours so the user can delete it.
fn check_room_for_a_new_key(
    profile: &str,
    user: &str,
    stored: &LongTermKeys,
    existing: &[String],
) -> Result<(), RotationError> {
    if !existing.contains(&stored.access_key_id) {
        return Err(RotationError::StoredKeyNotListed {
            profile: profile.to_owned(),
            user: user.to_owned(),
            stored: stored.access_key_id.clone(),
        });
    }
    let others: Vec<&str> = existing
        .iter()
        .map(String::as_str)
        .filter(|id| *id != stored.access_key_id)
        .collect();
    if existing.len() >= 2 {
        return Err(RotationError::TooManyAccessKeys {
            profile: profile.to_owned(),
            user: user.to_owned(),
            stored: stored.access_key_id.clone(),
            extra: others.join(", "),
        });
    }
    Ok(())
}

/// A new access key for `user`. Should another key have appeared since the listing,
/// AWS's limit error becomes the message that names it.
fn create_key(
    iam: &Aws,
    report: &dyn Report,
    profile: &str,
    user: &str,
    old: &LongTermKeys,
) -> Result<LongTermKeys, RotationError> {
    let new = match iam.create_access_key(user) {
        Err(AwsError::Other { code, .. }) if code == "LimitExceeded" => {
            check_room_for_a_new_key(profile, user, old, &iam.list_access_keys(user)?)?;
            iam.create_access_key(user)?
        }
        other => other?,
    };
    report.say(&format!(
        "Created access key {} for IAM user '{user}'; checking that it works...",
        new.access_key_id
    ));
    Ok(new)
}

/// A client signing with the new key, once `iam:GetUser` with it succeeds (or is
/// denied by policy, which proves AWS knows the key). Retries with growing pauses
/// while AWS does not know it yet, for at most `wait`.
fn verified_client(
    new: &LongTermKeys,
    (config, profile): (&ProfileConfig, &str),
    user: &str,
    wait: Duration,
    report: Arc<dyn Report>,
) -> Result<Aws, RotationError> {
    let client = Aws::connect(new, config, profile, report)?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(500);
    loop {
        match client.get_user() {
            Ok(found) if found.name == user => return Ok(client),
            Ok(found) => {
                return Err(RotationError::NewKeyOfAnotherUser {
                    found: found.name,
                    user: user.to_owned(),
                });
            }
            Err(AwsError::AccessDenied { .. }) => return Ok(client),
            Err(error) if !may_pass_later(&error) || started.elapsed() + pause > wait => {
                return Err(error.into());
            }
            Err(_) => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Whether a failed check of a new key may succeed if repeated: IAM has not spread
/// the key yet (unknown key, or a signature it cannot check yet), or AWS or the
/// network had a passing problem.
fn may_pass_later(error: &AwsError) -> bool {
    matches!(
        error,
        AwsError::UnknownAccessKey { .. }
            | AwsError::SignatureMismatch { .. }
            | AwsError::Throttled { .. }
            | AwsError::ServerError { .. }
            | AwsError::Network { .. }
            | AwsError::Timeout { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: &str) -> LongTermKeys {
        LongTermKeys {
            access_key_id: id.into(),
            secret_access_key: "s".into(),
        }
    }

    #[test]
    fn a_second_key_is_named_when_there_is_no_room() {
        let keys = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        let ours = stored("AKIAOURS");
        assert!(check_room_for_a_new_key("p", "u", &ours, &keys(&["AKIAOURS"])).is_ok());
        let error = check_room_for_a_new_key("p", "u", &ours, &keys(&["AKIAOURS", "AKIAEXTRA"]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("AKIAEXTRA")
                && error.contains("delete-access-key")
                && error.contains("run `stscreds rotate --profile p` again"),
            "{error}"
        );
        let error = check_room_for_a_new_key("p", "u", &ours, &keys(&["AKIAOTHER"]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("AKIAOURS"), "{error}");
    }
}
