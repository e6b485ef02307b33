//! Where each session lives, what it was made from, and when a stored one will do: the
//! only code that knows the session files, their sections and which sections are
//! stscreds'. Every path that serves, renews, lists, moves or clears a session goes
//! through a [`Slot`], the fast paths of `read` and `credential-process` included, so
//! that they cannot decide differently.
//!
//! - A profile's own MFA session lives in `~/.aws/credentials` under the profile's
//!   name, where every AWS tool finds it; but for a profile with a `credential_process`
//!   in stscreds' private `~/.stscreds/sessions`, because the AWS tools prefer static
//!   keys in the credentials file over the process, and keep using them after they
//!   expire.
//! - A role chain's session lives in the private file, under the profile's name (or
//!   `PROFILE+ROLE_ARN` for `--role-arn`): the AWS tools assume roles themselves.
//! - Each session carries `stscreds_origin`, a digest of what it was made from (the base
//!   profile, its MFA device, each role's ARN, external id and session name, the
//!   partition), and is served only while the configuration still says the same: a
//!   corrected `role_arn` never gets the old role's session, from another account.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::plan::{self, Chain};
use super::{Error, Freshness};
use crate::config::{ConfigFile, ProfileConfig};
use crate::env::Settings;
use crate::files::{self, Lock, Paths};
use crate::ini::Document;
use crate::session::{CredentialKey, EXPIRATION_KEY, SessionCredentials, SessionDuration};
use crate::ui::report::Report;

/// The key that records what a session was made from, as a digest of the chain.
pub const ORIGIN_KEY: &str = "stscreds_origin";

/// The place of one chain's session, and what a session must have been made from to
/// be served there.
#[derive(Debug, Clone)]
pub struct Slot {
    file: PathBuf,
    section: String,
    origin: String,
    /// Sessions written before origins were recorded carry none; a profile's own MFA
    /// session is still served without one (what made it cannot have been a role).
    accepts_unmarked: bool,
    /// How long a new session lasts, for the share of its life it is served.
    lifetime: SessionDuration,
    /// The other session file, where an earlier copy of this section may lie: a copy
    /// that the AWS tools would read instead of the process or the role, or one that
    /// should move here.
    elsewhere: PathBuf,
    /// What the session is made from.
    chain: Chain,
    /// The partitions the base profile and the profile served are called in, kept for
    /// the origin of a session whose base device is saved while it is made.
    partitions: (&'static str, &'static str),
}

impl Slot {
    /// The slot of `chain`, as the configuration describes it now.
    pub fn of(paths: &Paths, config: &ConfigFile, chain: &Chain) -> Result<Self, Error> {
        let base = config.profile(&chain.base)?;
        let served = config.profile(&chain.profile)?;
        Ok(Self::with_settings(paths, chain, &base, &served))
    }

    /// The slot of `chain`, whose base profile has the settings `base` and whose
    /// profile asked for has `served` (read once by the caller).
    fn with_settings(
        paths: &Paths,
        chain: &Chain,
        base: &ProfileConfig,
        served: &ProfileConfig,
    ) -> Self {
        let private = paths.private_sessions();
        let file = if chain.roles.is_empty() && !base.has_credential_process {
            paths.aws_credentials.clone()
        } else {
            private.clone()
        };
        let elsewhere = if file == private {
            paths.aws_credentials.clone()
        } else {
            private
        };
        let partitions = (partition(&base.region), partition(&served.region));
        Self {
            file,
            section: chain.name.clone(),
            origin: origin(chain, base.mfa_serial.as_deref(), partitions),
            accepts_unmarked: chain.roles.is_empty(),
            lifetime: lifetime(chain, base),
            elsewhere,
            chain: chain.clone(),
            partitions,
        }
    }

    /// The slot of a session during whose making `device` was saved as the base
    /// profile's `mfa_serial` (the device chosen among several): the origin says so,
    /// as the configuration now does, or the new session would not be served next time.
    /// The rest of the origin is what the session was made from, whatever the
    /// configuration says meanwhile.
    pub(super) fn with_base_device(&self, device: &str) -> Self {
        Self {
            origin: origin(&self.chain, Some(device), self.partitions),
            ..self.clone()
        }
    }

    /// The slot of `profile`'s own credentials (no `--role-arn`).
    pub fn of_profile(paths: &Paths, config: &ConfigFile, profile: &str) -> Result<Self, Error> {
        Self::of(paths, config, &plan::resolve(config, profile, None)?)
    }

    /// The file the session lives in.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// What a session must have been made from to be served here (the value of
    /// [`ORIGIN_KEY`]).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The section the session lives in, which also names the lock it is renewed under.
    pub fn section(&self) -> &str {
        &self.section
    }

    /// The stored session, fresh or not, if it was made from what the configuration
    /// says now. Reads one file; no network, no runtime, no lock.
    pub fn load(&self) -> Result<Option<SessionCredentials>, Error> {
        let document = files::read_document(&self.file)?;
        Ok(document.and_then(|document| self.session_in(&document)))
    }

    /// The stored session if it is as fresh as `freshness` asks (never, for `New`).
    pub fn fresh(&self, freshness: Freshness) -> Result<Option<SessionCredentials>, Error> {
        Ok(self.reusable(self.load()?, freshness, false))
    }

    /// How long a stored session must still be valid to be served: `New` serves none;
    /// a `FairShare` is at most a third of a new session's life, so that a session
    /// shorter than what a client asks for (15 minutes for `credential_process`) still
    /// serves for two thirds of its life instead of costing an MFA code per process.
    fn margin(&self, freshness: Freshness) -> Option<SignedDuration> {
        match freshness {
            Freshness::ValidFor(wanted) => Some(wanted),
            Freshness::FairShare(wanted) => Some(wanted.min(SignedDuration::from_secs(
                i64::from(self.lifetime.as_secs()) / 3,
            ))),
            Freshness::New => None,
        }
    }

    /// The stored session, if the caller may use it instead of a new one: with `New`,
    /// only one another process got while we waited for the lock.
    fn reusable(
        &self,
        stored: Option<SessionCredentials>,
        freshness: Freshness,
        waited: bool,
    ) -> Option<SessionCredentials> {
        let margin = match freshness {
            Freshness::New if waited => Some(crate::session::FRESHNESS_MARGIN),
            other => self.margin(other),
        }?;
        stored.filter(|credentials| credentials.is_valid_for(margin, Timestamp::now()))
    }

    /// Takes the slot's lock for a renewal (saying so if another process holds it),
    /// then decides under it: the stored session, if the caller may use it, or the
    /// held slot to renew. The stored session is the slot's own, else a copy of the same
    /// session in the other file (written before the profile got its
    /// `credential_process`), moved here so that the AWS tools stop preferring it.
    pub(super) fn hold(
        &self,
        paths: &Paths,
        report: &dyn Report,
        freshness: Freshness,
    ) -> Result<Held<'_>, Error> {
        let (lock, waited) = self.lock(paths, report)?;
        let stored = match self.load()? {
            Some(stored) => Some(stored),
            None => self.adopt(paths, report)?,
        };
        let missing = stored.is_none();
        Ok(match self.reusable(stored, freshness, waited) {
            Some(credentials) => Held::Reusable {
                credentials,
                waited,
            },
            None => Held::ToRenew(Renewing {
                slot: self,
                _lock: lock,
                missing,
            }),
        })
    }

    /// Takes the slot's lock, saying so if another process holds it. Returns whether we
    /// had to wait.
    fn lock(&self, paths: &Paths, report: &dyn Report) -> Result<(Lock, bool), Error> {
        let path = paths.session_lock(&self.section);
        let section = &self.section;
        let doing = format!("renewing the session of profile '{section}'");
        if let Some(lock) = Lock::try_acquire(&path, &doing)? {
            return Ok((lock, false));
        }
        report.say(&match Lock::holder(&path) {
            Some(holder) => format!("Waiting for another stscreds process ({holder})..."),
            None => format!(
                "Waiting for another stscreds process to finish authenticating profile '{section}'..."
            ),
        });
        let patience = files::lock_patience()?;
        Ok((Lock::acquire(&path, &doing, patience)?, true))
    }

    /// Moves a copy of this session from the other file into the slot (and out of the
    /// other file); returns it. `None`, and nothing changed, when there is none.
    pub fn adopt(
        &self,
        paths: &Paths,
        report: &dyn Report,
    ) -> Result<Option<SessionCredentials>, Error> {
        let document = files::read_document(&self.elsewhere)?;
        let Some(copy) = document.and_then(|document| self.session_in(&document)) else {
            return Ok(None);
        };
        self.save(paths, report, &copy, None)?;
        let only_ours = if self.file == paths.aws_credentials {
            ""
        } else {
            ", where only stscreds reads it"
        };
        report.say(&format!(
            "Moved the session of profile '{}' from {} to {}{only_ours}.",
            self.section,
            self.elsewhere.display(),
            self.file.display()
        ));
        Ok(Some(copy))
    }

    /// Writes `credentials` into the slot with its origin, leaving the rest of the file
    /// alone and never overwriting long-term keys other than `long_term_key` (the id
    /// stscreds stores); then removes an earlier copy of ours from the other file, or
    /// says what to do about keys there that are not ours.
    fn save(
        &self,
        paths: &Paths,
        report: &dyn Report,
        credentials: &SessionCredentials,
        long_term_key: Option<&str>,
    ) -> Result<(), Error> {
        files::edit_shared_document(paths, report, &self.file, |document| -> Result<_, Error> {
            ensure_no_unsaved_long_term_key(
                document,
                &self.file,
                &self.section,
                long_term_key.unwrap_or_default(),
            )?;
            credentials.write_to(document, &self.section)?;
            Ok(document.set(&self.section, ORIGIN_KEY, &self.origin)?)
        })?;
        self.remove_copy_elsewhere(paths, report)
    }

    /// An earlier session of ours under this section in the other file is removed: in
    /// `~/.aws/credentials` the AWS tools would take it over the process or the role,
    /// for ever after it expires. Keys there that are not ours are left, with a warning
    /// that says how to stop them winning.
    fn remove_copy_elsewhere(&self, paths: &Paths, report: &dyn Report) -> Result<(), Error> {
        let Some(document) = files::read_document(&self.elsewhere)? else {
            return Ok(());
        };
        let section = self.section.as_str();
        if is_ours(&document, section) {
            return files::edit_shared_document(
                paths,
                report,
                &self.elsewhere,
                |document| -> Result<_, Error> {
                    remove_session(document, section);
                    Ok(())
                },
            );
        }
        let key = CredentialKey::AccessKeyId.name();
        if self.elsewhere == paths.aws_credentials && document.get(section, key).is_some() {
            report.warn(&format!(
                "{} has keys in [{section}] that the AWS tools use instead of the credentials stscreds keeps for profile '{section}' (they read that file first); remove that section's aws_access_key_id, aws_secret_access_key and aws_session_token lines, or move long-term keys into stscreds with `stscreds init --profile {}`",
                self.elsewhere.display(),
                crate::message::shell_word(section)
            ));
        }
        Ok(())
    }

    /// The session in `document`'s section, if it was made from this slot's origin.
    fn session_in(&self, document: &Document) -> Option<SessionCredentials> {
        let made_from_this = match document.get(&self.section, ORIGIN_KEY) {
            Some(origin) => origin == self.origin,
            None => self.accepts_unmarked,
        };
        made_from_this
            .then(|| SessionCredentials::from_document(document, &self.section))
            .flatten()
    }
}

/// The slot of `chain`'s session, whose base profile and profile served have the
/// settings `base` and `served`; and, when its first role is assumed with the base
/// profile's own MFA session (`through_base_session`), that session's slot.
pub fn slots(
    paths: &Paths,
    chain: &Chain,
    (base, served): (&ProfileConfig, &ProfileConfig),
    through_base_session: bool,
) -> (Slot, Option<Slot>) {
    let slot = Slot::with_settings(paths, chain, base, served);
    let base_slot = through_base_session
        .then(|| Slot::with_settings(paths, &Chain::own(&chain.base), base, base));
    (slot, base_slot)
}

/// What a slot's lock, once held, decided.
pub(super) enum Held<'a> {
    /// A stored session the caller may use (`waited`: another process wrote it while
    /// we waited for the lock).
    Reusable {
        /// The stored session.
        credentials: SessionCredentials,
        /// Whether we had to wait for the lock.
        waited: bool,
    },
    /// No session will do: the slot is held for a new one.
    ToRenew(Renewing<'a>),
}

/// A slot held under its lock while a new session is made: the one way to save a
/// renewal, so that none is written without the lock.
pub(super) struct Renewing<'a> {
    slot: &'a Slot,
    _lock: Lock,
    /// Whether there was no stored session at all (rather than an expired one).
    pub missing: bool,
}

impl Renewing<'_> {
    /// Fails now, rather than after the MFA code is spent, if the session file cannot
    /// be parsed or written, or (with `long_term_key`, the id stscreds stores) holds
    /// long-term keys in the slot's section that writing would lose.
    pub(super) fn check_before_renewal(&self, long_term_key: Option<&str>) -> Result<(), Error> {
        let slot = self.slot;
        if let Some(document) = files::read_document(&slot.file)? {
            ensure_no_unsaved_long_term_key(
                &document,
                &slot.file,
                &slot.section,
                long_term_key.unwrap_or_default(),
            )?;
        }
        Ok(files::check_writable(&slot.file)?)
    }

    /// Saves the new session (see [`Slot::save`]); `saved_device`, a device saved as
    /// the base profile's `mfa_serial` while it was made, goes into its origin. Returns
    /// the file written.
    pub(super) fn save(
        &self,
        paths: &Paths,
        report: &dyn Report,
        credentials: &SessionCredentials,
        (long_term_key, saved_device): (Option<&str>, Option<&str>),
    ) -> Result<&Path, Error> {
        let with_device = saved_device.map(|device| self.slot.with_base_device(device));
        let slot = with_device.as_ref().unwrap_or(self.slot);
        slot.save(paths, report, credentials, long_term_key)?;
        Ok(self.slot.file())
    }
}

/// The stored session of `profile` if it is as fresh as `freshness` asks, as the full command
/// would decide it: for the fast paths of `read` and `credential-process`, which answer
/// from it with no network, no runtime and no lock, or decline (`None`, also for any
/// error and anything the full command would warn about: it then says it, once). Says
/// nothing itself.
pub fn fresh_for_fast_path(
    paths: &Paths,
    profile: &str,
    freshness: Freshness,
) -> Option<SessionCredentials> {
    let config = ConfigFile::read_unless_it_warns(paths, Settings::process()).ok()??;
    let slot = Slot::of_profile(paths, &config, profile).ok()?;
    slot.fresh(freshness).ok()?
}

/// The section that caches an ad hoc `--role-arn` on top of `profile`.
pub fn ad_hoc_section(profile: &str, role_arn: &str) -> String {
    format!("{profile}+{role_arn}")
}

/// Whether `section` caches an ad hoc `--role-arn` on top of `profile`.
fn is_ad_hoc_section_of(section: &str, profile: &str) -> bool {
    section
        .strip_prefix(profile)
        .is_some_and(|rest| rest.starts_with("+arn:"))
}

/// Removes the sessions of the profiles `owners` (and of their ad hoc roles) from both
/// session files; returns the sections cleared.
pub fn clear(paths: &Paths, report: &dyn Report, owners: &[&str]) -> Result<Vec<String>, Error> {
    let in_credentials = |name: &str| owners.contains(&name);
    let in_private = |name: &str| {
        owners
            .iter()
            .any(|owner| name == *owner || is_ad_hoc_section_of(name, owner))
    };
    let mut cleared = clear_in(paths, report, &paths.aws_credentials, &in_credentials)?;
    cleared.extend(clear_in(
        paths,
        report,
        &paths.private_sessions(),
        &in_private,
    )?);
    // Copies of the files that killed writes left behind hold sessions too.
    files::remove_leftover_temporaries(paths)?;
    Ok(cleared)
}

/// Removes every session stscreds wrote, in both files; returns the sections cleared.
pub fn clear_all(paths: &Paths, report: &dyn Report) -> Result<Vec<String>, Error> {
    let mut cleared = clear_in(paths, report, &paths.aws_credentials, &|_| true)?;
    cleared.extend(clear_in(paths, report, &paths.private_sessions(), &|_| {
        true
    })?);
    files::remove_leftover_temporaries(paths)?;
    Ok(cleared)
}

/// Whether the sections cleared for `owners` include one of `profile`'s.
pub fn any_belongs_to(cleared: &[String], profile: &str) -> bool {
    cleared
        .iter()
        .any(|name| name == profile || is_ad_hoc_section_of(name, profile))
}

/// Removes our sessions in the sections `matches` picks from `file` (and a section left
/// empty); returns their names. A missing file has none, and is not created. A section
/// stscreds did not write is left alone.
fn clear_in(
    paths: &Paths,
    report: &dyn Report,
    file: &Path,
    matches: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>, Error> {
    if !file.exists() {
        return Ok(Vec::new());
    }
    files::edit_shared_document(paths, report, file, |document| -> Result<_, Error> {
        let names: Vec<String> = document
            .sections()
            .into_iter()
            .filter(|name| matches(name) && is_ours(document, name))
            .map(str::to_owned)
            .collect();
        for name in &names {
            remove_session(document, name);
        }
        Ok(names)
    })
}

/// Whether `section` holds a session stscreds wrote (ours carry `stscreds_expiration`).
pub fn is_ours(document: &Document, section: &str) -> bool {
    document.get(section, EXPIRATION_KEY).is_some()
}

/// Removes our session from `section`, and the section when nothing else is left in it.
fn remove_session(document: &mut Document, section: &str) {
    SessionCredentials::remove_from(document, section);
    document.remove(section, ORIGIN_KEY);
    if document.section_is_empty(section) {
        document.remove_section(section);
    }
}

/// A digest of what `chain`'s session is made from: the base profile and its MFA
/// device, each role's ARN, external id, session name and MFA device, and the
/// partition each is called in. Durations and regions within a partition are left
/// out: a session serves across them.
fn origin(
    chain: &Chain,
    base_device: Option<&str>,
    (base_partition, served_partition): (&str, &str),
) -> String {
    let mut text = format!(
        "base={}\nmfa_serial={}\npartition={base_partition}\n",
        chain.base,
        base_device.unwrap_or_default(),
    );
    for step in &chain.roles {
        text.push_str(&format!(
            "role_arn={}\nexternal_id={}\nrole_session_name={}\nmfa_serial={}\n",
            step.role_arn,
            step.external_id.as_deref().unwrap_or_default(),
            step.session_name.as_deref().unwrap_or_default(),
            step.mfa_serial.as_deref().unwrap_or_default()
        ));
    }
    text.push_str(&format!("served_partition={served_partition}\n"));
    let digest = Sha256::digest(text.as_bytes());
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The AWS partition of `region`: credentials of one partition are worthless in another.
fn partition(region: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 5] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

/// How long a new session of `chain` lasts: the last role's `duration_seconds`, or the
/// base profile's; one hour unless configured.
fn lifetime(chain: &Chain, base: &ProfileConfig) -> SessionDuration {
    match chain.roles.last() {
        Some(role) => role.duration.unwrap_or_default(),
        None => base.duration.unwrap_or_default(),
    }
}

/// Refuses to write session credentials over long-term keys that exist nowhere else:
/// unless they are the ones stscreds stores, overwriting them would lose them.
pub fn ensure_no_unsaved_long_term_key(
    document: &Document,
    path: &Path,
    profile: &str,
    stored_key_id: &str,
) -> Result<(), Error> {
    match document.get(profile, CredentialKey::AccessKeyId.name()) {
        Some(key_id)
            if !key_id.is_empty()
                && key_id != stored_key_id
                && holds_long_term_key(document, profile, key_id) =>
        {
            Err(Error::WouldOverwriteLongTermKey {
                path: path.to_owned(),
                profile: profile.to_owned(),
                key_id: key_id.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// Whether the key `key_id` in `profile` is a long-term key. An `ASIA…` id never is:
/// STS gives those to temporary credentials only. Otherwise: any id with no usable
/// session token beside it (a missing, empty or comment-only token line), or an `AKIA…`
/// id (AWS's prefix for long-term keys) in a section stscreds did not write (moto hands
/// out session keys that start with `AKIA`).
fn holds_long_term_key(document: &Document, profile: &str, key_id: &str) -> bool {
    if key_id.starts_with("ASIA") {
        return false;
    }
    let token = document
        .get(profile, CredentialKey::SessionToken.name())
        .filter(|token| !token.trim().is_empty());
    token.is_none() || (key_id.starts_with("AKIA") && !is_ours(document, profile))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_term_keys_are_never_overwritten_unless_stored() {
        let path = Path::new("/tmp/credentials");
        let doc = Document::parse(
            "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n",
        )
        .unwrap();
        let error =
            ensure_no_unsaved_long_term_key(&doc, path, "default", "AKIASTORED").unwrap_err();
        assert!(error.to_string().contains("AKIAOTHER"), "{error}");
        assert!(ensure_no_unsaved_long_term_key(&doc, path, "default", "AKIAOTHER").is_ok());
        assert!(ensure_no_unsaved_long_term_key(&doc, path, "empty", "AKIASTORED").is_ok());
        let session =
            Document::parse("[default]\naws_access_key_id = ASIA\naws_session_token = t\n")
                .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&session, path, "default", "AKIASTORED").is_ok());
    }

    #[test]
    fn a_key_with_an_unusable_token_line_or_an_akia_id_is_long_term() {
        let path = Path::new("/tmp/credentials");
        for token_line in ["aws_session_token =\n", "aws_session_token =   \n"] {
            let text = format!(
                "[dev]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n{token_line}"
            );
            let doc = Document::parse(&text).unwrap();
            let error = ensure_no_unsaved_long_term_key(&doc, path, "dev", "AKIASTORED");
            assert!(error.is_err(), "{token_line:?}");
        }
        let with_token = Document::parse(
            "[dev]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\naws_session_token = t\n",
        )
        .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&with_token, path, "dev", "AKIASTORED").is_err());
        let ours = Document::parse(
            "[dev]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\naws_session_token = t\nstscreds_expiration = 2030-01-01T00:00:00Z\n",
        )
        .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&ours, path, "dev", "AKIASTORED").is_ok());
        let no_token =
            Document::parse("[dev]\naws_access_key_id = AKIAOLD\naws_secret_access_key = s\n")
                .unwrap();
        assert!(ensure_no_unsaved_long_term_key(&no_token, path, "dev", "AKIASTORED").is_err());
    }

    #[test]
    fn an_asia_id_is_never_taken_for_a_long_term_key() {
        let path = Path::new("/tmp/credentials");
        for text in [
            "[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token =\nstscreds_expiration = 2020-01-01T00:00:00Z\n",
            "[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n",
        ] {
            let doc = Document::parse(text).unwrap();
            assert!(
                ensure_no_unsaved_long_term_key(&doc, path, "dev", "AKIASTORED").is_ok(),
                "{text}"
            );
        }
    }

    fn slot_for(config_text: &str, profile: &str) -> (tempfile::TempDir, Paths, Slot) {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::write(&paths.aws_config, config_text).unwrap();
        let config = ConfigFile::load(&paths, &crate::ui::report::Collected::default()).unwrap();
        let slot = Slot::of_profile(&paths, &config, profile).unwrap();
        (home, paths, slot)
    }

    const ROLE: &str = "[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = base\n[profile base]\nregion = eu-west-1\n";

    #[test]
    fn each_kind_of_session_has_its_place() {
        let (_home, paths, slot) = slot_for(ROLE, "base");
        assert_eq!(
            (slot.file(), slot.section()),
            (paths.aws_credentials.as_path(), "base")
        );
        let (_home, paths, slot) = slot_for(ROLE, "dev");
        assert_eq!(
            (slot.file(), slot.section()),
            (paths.private_sessions().as_path(), "dev")
        );
        let (_home, paths, slot) = slot_for("[profile p]\ncredential_process = x\n", "p");
        assert_eq!(slot.file(), paths.private_sessions());
    }

    #[test]
    fn the_origin_changes_with_what_makes_the_session_and_nothing_else() {
        let digest = |text: &str, profile: &str| slot_for(text, profile).2.origin;
        let role = digest(ROLE, "dev");
        assert_eq!(role.len(), 16);
        assert_ne!(role, digest(&ROLE.replace("role/A", "role/B"), "dev"));
        assert_ne!(
            role,
            digest(
                &format!("{ROLE}external_id = x\n").replace("[profile base]\n", ""),
                "dev"
            )
        );
        assert_ne!(
            role,
            digest(&ROLE.replace("eu-west-1", "cn-north-1"), "dev")
        );
        assert_eq!(role, digest(&ROLE.replace("eu-west-1", "us-east-2"), "dev"));
        assert_eq!(
            role,
            digest(
                &ROLE.replace("source_profile", "duration_seconds = 900\nsource_profile"),
                "dev"
            )
        );
        let base = digest(ROLE, "base");
        assert_ne!(base, role);
        assert_ne!(
            base,
            digest(
                &format!("{ROLE}mfa_serial = arn:aws:iam::1:mfa/x\n"),
                "base"
            )
        );
    }

    fn session(expiration: &str) -> SessionCredentials {
        SessionCredentials {
            access_key_id: "ASIANEW".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: expiration.parse().unwrap(),
        }
    }

    #[test]
    fn a_session_made_from_another_chain_is_not_served() {
        let (home, paths, slot) = slot_for(ROLE, "dev");
        let report = crate::ui::report::Collected::default();
        slot.save(&paths, &report, &session("2099-01-01T00:00:00Z"), None)
            .unwrap();
        assert!(slot.load().unwrap().is_some());
        std::fs::write(&paths.aws_config, ROLE.replace("role/A", "role/B")).unwrap();
        let config = ConfigFile::load(&paths, &report).unwrap();
        let changed = Slot::of_profile(&paths, &config, "dev").unwrap();
        assert!(changed.load().unwrap().is_none());
        drop(home);
    }

    #[test]
    fn an_unmarked_session_serves_only_a_profile_of_its_own() {
        let unmarked = "[base]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\nstscreds_expiration = 2099-01-01T00:00:00Z\n";
        let (_home, paths, slot) = slot_for(ROLE, "base");
        std::fs::write(&paths.aws_credentials, unmarked).unwrap();
        assert!(slot.load().unwrap().is_some());
        let (_home, paths, slot) = slot_for(ROLE, "dev");
        std::fs::create_dir_all(&paths.stscreds_dir).unwrap();
        std::fs::write(
            paths.private_sessions(),
            unmarked.replace("[base]", "[dev]"),
        )
        .unwrap();
        assert!(slot.load().unwrap().is_none());
    }

    #[test]
    fn saving_removes_our_copy_from_the_other_file_and_keeps_keys_that_are_not_ours() {
        let (_home, paths, slot) = slot_for(ROLE, "dev");
        let report = crate::ui::report::Collected::default();
        let old = "# mine\n[dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\naws_session_token = t\nstscreds_expiration = 2099-01-01T00:00:00Z\n[other]\nx = 1\n";
        std::fs::write(&paths.aws_credentials, old).unwrap();
        slot.save(&paths, &report, &session("2099-01-01T00:00:00Z"), None)
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(&paths.aws_credentials).unwrap(),
            "# mine\n[other]\nx = 1\n"
        );
        let foreign = "[dev]\naws_access_key_id = AKIAMINE\naws_secret_access_key = s\n";
        std::fs::write(&paths.aws_credentials, foreign).unwrap();
        slot.save(&paths, &report, &session("2099-01-01T00:00:00Z"), None)
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(&paths.aws_credentials).unwrap(),
            foreign
        );
        assert!(
            report
                .messages()
                .iter()
                .any(|message| message.contains("remove that section")),
            "{:?}",
            report.messages()
        );
    }

    #[test]
    fn a_device_saved_during_the_renewal_gives_the_origin_the_configuration_then_gives() {
        let (_home, paths, slot) = slot_for(ROLE, "dev");
        let report = crate::ui::report::Collected::default();
        let device = "arn:aws:iam::1:mfa/x";
        let saved = slot.with_base_device(device);
        assert_ne!(saved.origin(), slot.origin());
        let with_device = ROLE.replace("region", &format!("mfa_serial = {device}\nregion"));
        std::fs::write(&paths.aws_config, &with_device).unwrap();
        let config = ConfigFile::load(&paths, &report).unwrap();
        let next_time = Slot::of_profile(&paths, &config, "dev").unwrap();
        assert_eq!(saved.origin(), next_time.origin());
        assert_eq!(
            (saved.file(), saved.section()),
            (slot.file(), slot.section())
        );
    }

    #[test]
    fn a_short_session_serves_for_two_thirds_of_its_life() {
        let (_home, _paths, slot) = slot_for("[profile p]\nduration_seconds = 900\n", "p");
        let fifteen = SignedDuration::from_mins(15);
        assert_eq!(
            slot.margin(Freshness::FairShare(fifteen)),
            Some(SignedDuration::from_mins(5))
        );
        assert_eq!(slot.margin(Freshness::ValidFor(fifteen)), Some(fifteen));
        let (_home, _paths, slot) = slot_for("[profile p]\n", "p");
        assert_eq!(slot.margin(Freshness::FairShare(fifteen)), Some(fifteen));
    }

    #[test]
    fn partitions_are_told_by_the_region() {
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
    }
}
