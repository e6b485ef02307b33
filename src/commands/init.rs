//! `stscreds init`: store a profile's long-term keys in the chosen backend, after
//! checking them with AWS.

use secrecy::{ExposeSecret, SecretString};

use crate::aws::{Aws, User};
use crate::config::{self, state};
use crate::context::Context;
use crate::credentials::{self, plan};
use crate::env::Settings;
use crate::error::Error;
use crate::files::Paths;
use crate::invalid::Invalid;
use crate::message::{printable, profile_flag};
use crate::store::{Backend, KeyStore, LongTermKeys};
use crate::ui::prompt::Ask;
use crate::ui::report::Report;

/// The top-level entry point for `stscreds init`.
pub fn run(cx: &mut Context, backend: Option<Backend>, region: Option<&str>) -> Result<(), Error> {
    refuse_profile_without_keys(cx)?;
    credentials::direct_profile_questions(cx, None)?;
    let configured_region = cx.config()?.configured_region(&cx.profile);
    let mut config = cx.config()?.profile(&cx.profile)?;
    if let Some(region) = region {
        config.region = region.to_owned();
        config.sts_region = region.to_owned();
    }
    let (paths, profile, report) = (&cx.paths, cx.profile.as_str(), &*cx.report);
    let ask = &mut *cx.ask;
    warn_about_environment(&cx.settings, report);
    let previous = Backend::of_profile(paths, profile)?;
    let backend = Backend::for_new_keys(backend, &cx.settings, previous)?;
    let store = KeyStore::new(paths, backend, report);
    store.check_usable(profile, ask)?;
    let keys = ask_keys(ask)?;
    let user = Aws::connect(&keys, &config, profile, cx.report.clone())?.get_user()?;
    tell_replaced_key(
        &KeyStore::new(paths, previous, &Quiet),
        profile,
        &keys,
        ask,
        report,
    );
    store.save_verified(profile, &keys, ask)?;
    remember(paths, profile, backend, &user)?;
    report.say(&format!(
        "Keys belong to IAM user '{}' ({}).",
        user.name, user.arn
    ));
    report.say(&format!("Successfully wrote {}", store.location(profile)));
    let recorded = (region.unwrap_or(&config.region), region.is_some());
    record_region(
        paths,
        profile,
        report,
        recorded,
        configured_region.as_deref(),
    )?;
    if previous != backend {
        let old = KeyStore::new(paths, previous, report);
        let removed = old
            .remove(profile, ask)
            .map_err(|cause| Error::OldCopyKept {
                to: backend.name(),
                location: old.location(profile),
                cause: Box::new(cause.into()),
            })?;
        if removed {
            report.say(&format!(
                "Removed the profile's old keys from {}",
                old.location(profile)
            ));
        }
    }
    Ok(())
}

/// Refuses a profile that gets its credentials elsewhere, as `~/.aws/config` says: a
/// role profile (from its chain's base) or a `credential_process` profile (from its
/// process). Keys stored under its name would never be used, yet would make it look
/// like a profile with keys of its own (`list`, `remove`); the message names the
/// profile the keys belong to.
fn refuse_profile_without_keys(cx: &Context) -> Result<(), Error> {
    let profile = cx.profile.as_str();
    let config = cx.config()?;
    let settings = config.profile(profile)?;
    if settings.role.is_some() {
        return Ok(plan::refuse_role_profile(config, profile, "init")?);
    }
    if !settings.has_credential_process {
        return Ok(());
    }
    let message = match config.served_by_stscreds_as(profile) {
        Some(served) if served == profile => return Ok(()),
        Some(served) => {
            let base = plan::resolve(config, &served, None)?.base;
            format!(
                "profile '{profile}' is for the AWS tools: its credential_process gets the credentials of profile '{served}' from stscreds, and keys stored for it would never be used; they belong to profile '{base}': run `stscreds init{}`",
                profile_flag(&base)
            )
        }
        None => format!(
            "profile '{profile}' gets its credentials from its credential_process, another program, so keys stored for it would never be used; store them under a profile of their own: `stscreds init --profile NAME`"
        ),
    };
    Err(Invalid(message).into())
}

/// Makes sure the AWS tools find a region for the profile in `~/.aws/config`: the AWS
/// CLI stops at "You must specify a region" without one, and the JavaScript SDK has no
/// default at all (nor reads `AWS_DEFAULT_REGION`). `configured` is the profile's
/// region in the file before `init`. `region` is `--region` (`chosen`), recorded
/// over any other, else the one the keys were just checked in, recorded only where the
/// profile has none.
fn record_region(
    paths: &Paths,
    profile: &str,
    report: &dyn Report,
    (region, chosen): (&str, bool),
    configured: Option<&str>,
) -> Result<(), Error> {
    if configured == Some(region) || (configured.is_some() && !chosen) {
        return Ok(());
    }
    let section = config::save(paths, report, profile, &[("region", region)])?;
    let written = format!(
        "region = {} in [{section}] of {}",
        printable(region),
        paths.aws_config.display()
    );
    report.say(&if chosen {
        format!("Wrote {written}.")
    } else {
        format!(
            "The AWS tools need a region and profile '{profile}' had none: wrote {written} (`stscreds configure{} --region REGION` changes it).",
            profile_flag(profile)
        )
    });
    Ok(())
}

/// Says which stored key the new one replaces (its id, never the secret), so that a
/// second `init` never swaps a profile's key silently. Nothing is said for the same key
/// again, or when the old store cannot be read now: moving away from a store that
/// fails is allowed, and its copy is reported when it cannot be removed.
fn tell_replaced_key(
    old: &KeyStore,
    profile: &str,
    new: &LongTermKeys,
    ask: &mut dyn Ask,
    report: &dyn Report,
) {
    if let Ok(Some(stored)) = old.load(profile, ask)
        && stored.access_key_id != new.access_key_id
    {
        report.say(&format!(
            "Replacing the stored key {} of profile '{}' in {}.",
            printable(&stored.access_key_id),
            printable(profile),
            old.location(profile)
        ));
    }
}

/// A reporter that says nothing, for looking up the replaced key: that read repeats
/// one whose warnings (a key file open to other users) were given already.
struct Quiet;

impl Report for Quiet {
    fn say(&self, _: &str) {}
    fn warn(&self, _: &str) {}
    fn trace(&self, _: &str) {}
}

/// Keys in the environment take precedence over the files stscreds writes.
fn warn_about_environment(settings: &Settings, report: &dyn Report) {
    let advice = |pronoun: &str| format!("unset {pronoun} to use the credentials stscreds writes");
    if let Some(warning) = super::export::credential_variables_warning(settings, advice) {
        report.warn(&warning);
    }
}

fn ask_keys(ask: &mut dyn Ask) -> Result<LongTermKeys, Error> {
    let access_key_id = ask.line("AWS Access Key: ")?.trim().to_owned();
    check_access_key_id(&access_key_id)?;
    let secret = ask.secret("AWS Secret Access Key: ")?;
    let secret_access_key: SecretString = secret.expose_secret().trim().into();
    if secret_access_key.expose_secret().is_empty() {
        return Err(Invalid("the secret access key is empty; paste the secret that was shown when the key was created".into()).into());
    }
    Ok(LongTermKeys {
        access_key_id,
        secret_access_key,
    })
}

fn check_access_key_id(id: &str) -> Result<(), Invalid> {
    let well_formed = (16..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !well_formed {
        return Err(Invalid(
            "that is not an AWS access key id (20 capital letters and digits, usually starting with AKIA); copy it from the IAM console".into(),
        ));
    }
    if id.starts_with("ASIA") {
        return Err(Invalid(
            "that is a temporary (session) access key; `stscreds init` needs an IAM user's long-term key, which starts with AKIA".into(),
        ));
    }
    Ok(())
}

/// Records the backend and the user; an MFA device remembered for another user is
/// forgotten.
fn remember(paths: &Paths, profile: &str, backend: Backend, user: &User) -> Result<(), Error> {
    let mut remembered = state::load(paths, profile)?;
    if remembered.user_name.as_deref() != Some(&user.name) {
        remembered.mfa_serial = None;
    }
    remembered.backend = Some(backend);
    remembered.user_name = Some(user.name.clone());
    Ok(state::save(paths, profile, &remembered)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids_are_checked_for_shape_and_kind() {
        assert!(check_access_key_id("AKIAIOSFODNN7EXAMPLE").is_ok());
        for bad in [
            "",
            "AKIA",
            "akiaiosfodnn7example",
            "AKIA IOSFODNN7EXAMPL",
            "ASIAIOSFODNN7EXAMPLE",
        ] {
            assert!(check_access_key_id(bad).is_err(), "{bad:?}");
        }
    }
}
