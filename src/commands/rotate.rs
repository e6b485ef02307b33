//! `stscreds rotate`: replace the profile's access key with a new one.
//!
//! CreateAccessKey → the new key is verified with `iam:GetUser` (retried while IAM
//! propagates it) → stored in the profile's backend and read back → DeleteAccessKey
//! of the old key. The key stored is always one that works: a failure before the new
//! key is stored deletes the new key again and leaves the old one in place; a failure
//! after says the new key is in use and which old key to delete. The IAM calls are
//! signed with the long-term key when the user's policy allows that, else with the
//! profile's MFA session (asking for a code if there is no fresh one).

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::aws::{Aws, AwsError};
use crate::config::ProfileConfig;
use crate::config::state;
use crate::context::Context;
use crate::credentials::{self, Freshness, SessionArgs, source};
use crate::error::Error;
use crate::interrupt;
use crate::message::delete_key_command;
use crate::prompt::{Ask, InputError};
use crate::report::Report;
use crate::session;
use crate::store::{Backend, KeyStore, LongTermKeys};

/// How long a new key may take to start working (IAM is eventually consistent);
/// `STSCREDS_ROTATE_WAIT` overrides it.
const DEFAULT_PROPAGATION_WAIT: Duration = Duration::from_secs(60);

/// The top-level entry point for `stscreds rotate`.
pub fn run(cx: &mut Context, args: &SessionArgs) -> Result<(), Error> {
    if args.role_arn.is_some() {
        return Err(InputError::Invalid(
            "rotate replaces the access key of the profile's IAM user; --role-arn does not apply"
                .into(),
        )
        .into());
    }
    source::refuse_role_profile(cx.config()?, &cx.profile, "rotate")?;
    let wait = propagation_wait()?;
    let config = cx.config()?.profile(&cx.profile)?;
    let backend = Backend::of_profile(&cx.paths, &cx.profile)?;
    let old = KeyStore::new(&cx.paths, backend, &*cx.report).require(&cx.profile, &mut *cx.ask)?;
    let user = user_name(cx, &old, &config)?;
    let (iam, existing) = key_manager(cx, args, &old, &config, &user)?;
    let (profile, report) = (cx.profile.as_str(), &*cx.report);
    let store = KeyStore::new(&cx.paths, backend, report);
    check_room_for_a_new_key(profile, &user, &old, &existing)?;
    let new = create_key(&iam, report, profile, &user, &old)?;
    let rotation = Rotation {
        iam: &iam,
        user: &user,
        old: &old,
        new: &new,
    };
    let new_client = rotation.verify(&config, profile, wait, cx.report.clone())?;
    rotation.store(&store, profile, &mut *cx.ask)?;
    rotation.delete_old_key(&new_client)?;
    report.say(&format!(
        "Rotated profile '{profile}': access key {} is stored in {} and active; the old key {} is deleted.",
        new.access_key_id,
        store.location(profile),
        old.access_key_id
    ));
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
) -> Result<LongTermKeys, Error> {
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

/// The user the stored keys belong to: remembered, else asked of AWS.
fn user_name(cx: &Context, keys: &LongTermKeys, config: &ProfileConfig) -> Result<String, Error> {
    match state::load(&cx.paths, &cx.profile)?.user_name {
        Some(name) => Ok(name),
        None => {
            let aws = Aws::connect(keys, config, &cx.profile, cx.report.clone())?;
            Ok(aws.get_user()?.name)
        }
    }
}

/// A client allowed to manage the user's keys, and the user's key ids. The long-term
/// key is tried first; if the policy denies that (the recommended policy allows key
/// management only with MFA), the profile's MFA session is used.
fn key_manager(
    cx: &mut Context,
    args: &SessionArgs,
    keys: &LongTermKeys,
    config: &ProfileConfig,
    user: &str,
) -> Result<(Aws, Vec<String>), Error> {
    let direct = Aws::connect(keys, config, &cx.profile, cx.report.clone())?;
    match direct.list_access_keys(user) {
        Ok(existing) => return Ok((direct, existing)),
        Err(AwsError::AccessDenied { .. }) => {}
        Err(other) => return Err(other.into()),
    }
    drop(direct);
    cx.report
        .say("The IAM policy lets only MFA sessions manage access keys; using one.");
    // The MFA session of the profile itself, whatever `--role-arn` says.
    let base_args = SessionArgs {
        role_arn: None,
        ..args.clone()
    };
    let freshness = Freshness::ValidFor(session::FRESHNESS_MARGIN);
    let session = credentials::get(cx, &base_args, freshness)?;
    let with_mfa = Aws::connect_with_session(&session, config, &cx.profile, cx.report.clone())?;
    let existing = with_mfa.list_access_keys(user)?;
    Ok((with_mfa, existing))
}

/// AWS allows two access keys per user: with two already, name the one that is not
/// ours so the user can delete it.
fn check_room_for_a_new_key(
    profile: &str,
    user: &str,
    stored: &LongTermKeys,
    existing: &[String],
) -> Result<(), Error> {
    if !existing.contains(&stored.access_key_id) {
        return Err(Error::StoredKeyNotListed {
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
        return Err(Error::TooManyAccessKeys {
            user: user.to_owned(),
            stored: stored.access_key_id.clone(),
            extra: others.join(", "),
        });
    }
    Ok(())
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
) -> Result<Aws, Error> {
    let client = Aws::connect(new, config, profile, report)?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(500);
    loop {
        match client.get_user() {
            Ok(found) if found.name == user => return Ok(client),
            Ok(found) => {
                return Err(InputError::Invalid(format!(
                    "the new key belongs to '{}', not '{user}'",
                    found.name
                ))
                .into());
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

/// What a rotation in progress has made, to carry on, undo or report it.
struct Rotation<'a> {
    iam: &'a Aws,
    user: &'a str,
    old: &'a LongTermKeys,
    new: &'a LongTermKeys,
}

impl Rotation<'_> {
    /// A client signing with the new key, once it works; else the new key is deleted.
    fn verify(
        &self,
        config: &ProfileConfig,
        profile: &str,
        wait: Duration,
        report: Arc<dyn Report>,
    ) -> Result<Aws, Error> {
        interrupt::if_stopped_say(Some(format!(
            "the new access key {new} exists in IAM but is not stored, and the stored key {old} is still active; delete the new one ({}) or let the next `stscreds rotate` name it",
            delete_key_command(self.user, &self.new.access_key_id),
            new = self.new.access_key_id,
            old = self.old.access_key_id,
        )));
        verified_client(self.new, (config, profile), self.user, wait, report)
            .map_err(|cause| self.undo("did not start working", cause))
    }

    /// Stores the new key. On failure, what the store holds decides: the old key (or
    /// nothing) — the new key is deleted; the new key (the write took effect before
    /// the error, e.g. the directory flush failed) — both stay, the old one to delete;
    /// unknown — both stay, and the next `rotate` will name the one not stored.
    fn store(&self, store: &KeyStore, profile: &str, ask: &mut dyn Ask) -> Result<(), Error> {
        let Err(cause) = store
            .save_verified(profile, self.new, ask)
            .map_err(Error::from)
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
            Ok(Some(held)) if held.same_as(self.new) => self.old_key_left(cause),
            Ok(_) => self.undo("could not be stored", cause),
            Err(_) => Error::RotationUnsure {
                user: self.user.to_owned(),
                old: self.old.access_key_id.clone(),
                new: self.new.access_key_id.clone(),
                cause: Box::new(cause),
            },
        })
    }

    /// Deletes the old key, signed by the new key unless an MFA session does the IAM
    /// calls.
    fn delete_old_key(&self, new_client: &Aws) -> Result<(), Error> {
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
    fn undo(&self, what_failed: &'static str, cause: Error) -> Error {
        let deleted = self
            .iam
            .delete_access_key(self.user, &self.new.access_key_id);
        interrupt::if_stopped_say(None);
        Error::RotationAbandoned {
            what_failed,
            user: self.user.to_owned(),
            old: self.old.access_key_id.clone(),
            new: self.new.access_key_id.clone(),
            cause: Box::new(cause),
            new_deleted: deleted.is_ok(),
        }
    }

    /// The new key is stored and in use, but the old one still exists.
    fn old_key_left(&self, cause: Error) -> Error {
        Error::OldKeyNotDeleted {
            user: self.user.to_owned(),
            old: self.old.access_key_id.clone(),
            new: self.new.access_key_id.clone(),
            cause: Box::new(cause),
        }
    }
}

fn propagation_wait() -> Result<Duration, Error> {
    Ok(crate::env::duration_from_env(
        "STSCREDS_ROTATE_WAIT",
        DEFAULT_PROPAGATION_WAIT,
    )?)
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
            error.contains("AKIAEXTRA") && error.contains("delete-access-key"),
            "{error}"
        );
        let error = check_room_for_a_new_key("p", "u", &ours, &keys(&["AKIAOTHER"]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("AKIAOURS"), "{error}");
    }
}
