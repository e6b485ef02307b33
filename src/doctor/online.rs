//! `doctor --online`: calls to AWS with the profile's stored session, if it has a fresh
//! one (never asking for a code). One sts:GetCallerIdentity says whose the session is,
//! which must be the IAM user stscreds remembers (or a session of the role the profile
//! assumes), and how far this computer's clock is from AWS's (the `Date` of the
//! answer). One iam:ListAccessKeys, with the base profile's MFA session, says how old
//! the long-term key is.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::chains::last_four;
use super::findings::{Finding, Severity};
use crate::aws::{AccessKey, Aws};
use crate::config::{ConfigFile, state};
use crate::credentials::Freshness;
use crate::credentials::plan::{self, Chain};
use crate::credentials::sessions::Slot;
use crate::files::Paths;
use crate::message::shell_word;
use crate::session::SessionCredentials;
use crate::ui::report::Report;

/// An offset AWS still accepts (it refuses signatures more than 5 minutes off) but
/// that makes sessions look fresher or staler than they are.
const CLOCK_TOLERANCE: SignedDuration = SignedDuration::from_secs(60);

/// The age past which a long-term key should be replaced: what AWS's own security
/// checks (Security Hub IAM.3) and the CIS benchmark ask for.
const MAX_KEY_AGE_DAYS: i64 = 90;

/// Whom AWS saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub arn: String,
    pub account: String,
}

/// The long-term key whose age doctor judged (see [`judged_key`] for which one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongTermKey {
    /// The last four characters of its id: enough to tell keys apart in the console.
    pub key_last4: String,
    /// When AWS says it was created.
    pub created: Timestamp,
    /// Whole days since then, by AWS's clock.
    pub age_days: i64,
}

/// What the online check found: the identity, the long-term key's age, and findings.
#[derive(Debug, Default)]
pub struct Online {
    pub identity: Option<Identity>,
    pub long_term_key: Option<LongTermKey>,
    pub findings: Vec<Finding>,
}

/// Calls AWS with `profile`'s stored session, if it is fresh.
pub fn check(paths: &Paths, profile: &str, report: Arc<dyn Report>) -> Online {
    match call(paths, profile, report) {
        Ok(online) => online,
        Err(why) => Online {
            findings: vec![check_failed(why)],
            ..Online::default()
        },
    }
}

fn check_failed(why: String) -> Finding {
    Finding::new("online-check-failed", Severity::Warning, why)
}

fn call(paths: &Paths, profile: &str, report: Arc<dyn Report>) -> Result<Online, String> {
    let config = ConfigFile::load(paths, &*report).map_err(|e| e.to_string())?;
    let chain = plan::resolve(&config, profile, None).map_err(|e| e.to_string())?;
    let Some(session) = fresh_session(paths, &config, &chain)? else {
        return Ok(no_session(profile));
    };
    let settings = config.profile(profile).map_err(|e| e.to_string())?;
    let aws = Aws::connect_with_session(&session, &settings, profile, report.clone())
        .map_err(|e| e.to_string())?;
    let (arn, account) = aws.get_caller_identity().map_err(|e| e.to_string())?;
    let remembered = state::load(paths, &chain.base).map_err(|e| e.to_string())?;
    let expected = expected_of(&config, &chain, &remembered)?;
    let mut findings: Vec<Finding> = clock_offset().into_iter().collect();
    findings.extend(expected.and_then(|expected| unexpected_identity(&expected, &arn, profile)));
    let user = remembered.user_name.as_deref();
    let long_term_key =
        long_term_key(paths, &config, &chain, aws, user, report).unwrap_or_else(|why| {
            findings.push(check_failed(why));
            None
        });
    findings.extend(
        long_term_key
            .as_ref()
            .and_then(|key| old_key(key, &chain.base)),
    );
    Ok(Online {
        identity: Some(Identity { arn, account }),
        long_term_key,
        findings,
    })
}

fn no_session(profile: &str) -> Online {
    let finding = Finding::new(
        "online-no-session",
        Severity::Warning,
        format!("profile '{profile}' has no fresh session to check AWS with (doctor never asks for a code)"),
    )
    .fix(format!("stscreds auth --profile {}", shell_word(profile)));
    Online {
        findings: vec![finding],
        ..Online::default()
    }
}

/// Whom `chain`'s session must be, from what stscreds remembers of its base profile
/// and the MFA device configured (or remembered) for it.
fn expected_of(
    config: &ConfigFile,
    chain: &Chain,
    remembered: &state::ProfileState,
) -> Result<Option<Expected>, String> {
    let base = config.profile(&chain.base).map_err(|e| e.to_string())?;
    let mfa_serial = base.mfa_serial.as_ref().or(remembered.mfa_serial.as_ref());
    Ok(Expected::of(
        chain,
        remembered.user_name.as_deref(),
        mfa_serial.map(String::as_str),
    ))
}

/// The session stored for `chain`, if it is good for another minute.
fn fresh_session(
    paths: &Paths,
    config: &ConfigFile,
    chain: &Chain,
) -> Result<Option<SessionCredentials>, String> {
    Slot::of(paths, config, chain)
        .and_then(|slot| slot.fresh(Freshness::ValidFor(SignedDuration::from_mins(1))))
        .map_err(|e| e.to_string())
}

/// The long-term key of `chain`'s base profile, asked of IAM about `user` (the user
/// stscreds remembers; unknown without one) with the base profile's own MFA session:
/// `aws`, the session just used, for a base profile.
fn long_term_key(
    paths: &Paths,
    config: &ConfigFile,
    chain: &Chain,
    aws: Aws,
    user: Option<&str>,
    report: Arc<dyn Report>,
) -> Result<Option<LongTermKey>, String> {
    let Some(user) = user else {
        return Ok(None);
    };
    let base_aws = if chain.roles.is_empty() {
        Some(aws)
    } else {
        base_session_client(paths, config, chain, report)?
    };
    let Some(aws) = base_aws else {
        return Ok(None);
    };
    let keys = aws.describe_access_keys(user).map_err(|e| e.to_string())?;
    // The key's creation date is by AWS's clock.
    Ok(judged_key(
        &keys,
        crate::aws::now_by_aws(SignedDuration::ZERO),
    ))
}

/// For a role profile: a client signing with its base profile's own MFA session (IAM
/// answers about the user only to the user), if that session is fresh. A role assumed
/// straight from the long-term keys leaves none: the key's age is then not known.
fn base_session_client(
    paths: &Paths,
    config: &ConfigFile,
    chain: &Chain,
    report: Arc<dyn Report>,
) -> Result<Option<Aws>, String> {
    let Some(session) = fresh_session(paths, config, &Chain::own(&chain.base))? else {
        return Ok(None);
    };
    let settings = config.profile(&chain.base).map_err(|e| e.to_string())?;
    Aws::connect_with_session(&session, &settings, &chain.base, report)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The key whose age is judged: the oldest active one of the user's keys. Which key
/// the stored session was made from is written only in the key store, and doctor
/// never opens a keyring or asks a passphrase; `~/.aws/credentials` holds the
/// session's key, and stscreds remembers no key id beside the user name. Almost always
/// the user has one key, the stored one. With two (a rotation left unfinished, or a
/// key kept for something else), the oldest active one is the one overdue: `stscreds
/// rotate` then replaces it if it is the stored one, or else refuses and names the
/// other key to delete first. An inactive key signs nothing, so its age is no risk.
fn judged_key(keys: &[AccessKey], now: Timestamp) -> Option<LongTermKey> {
    let oldest = keys
        .iter()
        .filter(|key| key.active)
        .min_by_key(|key| key.created)?;
    Some(LongTermKey {
        key_last4: last_four(&oldest.id),
        created: oldest.created,
        age_days: age_days(oldest.created, now),
    })
}

/// Whole days from `created` to `now` (none for a date a little ahead, clocks differ).
fn age_days(created: Timestamp, now: Timestamp) -> i64 {
    (now.duration_since(created).as_secs() / 86_400).max(0)
}

/// A long-term key older than [`MAX_KEY_AGE_DAYS`], of profile `base` (the one
/// holding the keys: `rotate` refuses role profiles).
fn old_key(key: &LongTermKey, base: &str) -> Option<Finding> {
    (key.age_days > MAX_KEY_AGE_DAYS).then(|| {
        Finding::new(
            "old-long-term-key",
            Severity::Warning,
            format!(
                "the long-term access key …{} of profile '{base}' is {} days old (created {}): a key older than {MAX_KEY_AGE_DAYS} days has had long to leak, replace it",
                key.key_last4,
                key.age_days,
                key.created.strftime("%Y-%m-%d")
            ),
        )
        .fix(format!("stscreds rotate --profile {}", shell_word(base)))
    })
}

/// An ARN's parts.
#[derive(Debug, PartialEq, Eq)]
struct Arn<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

impl<'a> Arn<'a> {
    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
    fn parse(arn: &'a str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(_region), Some(account)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        Some(Self {
            partition,
            service,
            account,
            resource: parts.next()?,
        })
    }
}

/// Whom a profile's session must belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    /// The IAM user stscreds remembers for the profile (GetSessionToken sessions are
    /// the user's own), in the partition and account of its MFA device when that is an
    /// ARN (a hardware token's serial number says neither).
    User {
        name: String,
        partition: Option<String>,
        account: Option<String>,
    },
    /// A session of the last role the profile assumes, in that role's account.
    Role {
        name: String,
        partition: String,
        account: String,
    },
}

impl Expected {
    /// What `chain`'s session must be, when that is known: for a base profile, only
    /// once stscreds remembers its user (`user_name`).
    fn of(chain: &Chain, user_name: Option<&str>, mfa_serial: Option<&str>) -> Option<Self> {
        match chain.roles.last() {
            Some(role) => {
                let arn = Arn::parse(&role.role_arn)?;
                let path = arn.resource.strip_prefix("role/")?;
                Some(Self::Role {
                    name: path.rsplit('/').next()?.to_owned(),
                    partition: arn.partition.to_owned(),
                    account: arn.account.to_owned(),
                })
            }
            None => {
                let device = mfa_serial.and_then(Arn::parse);
                Some(Self::User {
                    name: user_name?.to_owned(),
                    partition: device.as_ref().map(|d| d.partition.to_owned()),
                    account: device.as_ref().map(|d| d.account.to_owned()),
                })
            }
        }
    }

    /// Whether `arn` (as sts:GetCallerIdentity gave it) is whom the session must be. A
    /// user ARN may carry the user's path (`user/division/alice`), a role session's
    /// never the role's path (`assumed-role/ROLE/SESSION`).
    fn admits(&self, arn: &str) -> bool {
        let Some(seen) = Arn::parse(arn) else {
            return false;
        };
        let known = |expected: Option<&String>, seen: &str| expected.is_none_or(|e| e == seen);
        match self {
            Self::User {
                name,
                partition,
                account,
            } => {
                seen.service == "iam"
                    && known(partition.as_ref(), seen.partition)
                    && known(account.as_ref(), seen.account)
                    && seen
                        .resource
                        .strip_prefix("user/")
                        .and_then(|path| path.rsplit('/').next())
                        == Some(name)
            }
            Self::Role {
                name,
                partition,
                account,
            } => {
                seen.service == "sts"
                    && seen.partition == partition
                    && seen.account == account
                    && seen
                        .resource
                        .strip_prefix("assumed-role/")
                        .and_then(|rest| rest.split('/').next())
                        == Some(name)
            }
        }
    }

    /// The ARN expected, `*` where any value would do.
    fn describe(&self) -> String {
        match self {
            Self::User {
                name,
                partition,
                account,
            } => format!(
                "arn:{}:iam::{}:user/{name}",
                partition.as_deref().unwrap_or("*"),
                account.as_deref().unwrap_or("*")
            ),
            Self::Role {
                name,
                partition,
                account,
            } => format!("arn:{partition}:sts::{account}:assumed-role/{name}/*"),
        }
    }
}

/// The session is someone else's than expected: the AWS tools act as whoever
/// that is (a session file copied from another machine or account, say). A new
/// session made from the profile's own keys is the expected one.
fn unexpected_identity(expected: &Expected, arn: &str, profile: &str) -> Option<Finding> {
    (!expected.admits(arn)).then(|| {
        let profile_word = shell_word(profile);
        Finding::new(
            "unexpected-identity",
            Severity::Error,
            format!(
                "the session of profile '{profile}' is {arn}'s, not {}'s as expected: every AWS tool using it acts as someone else",
                expected.describe()
            ),
        )
        .fix(format!(
            "stscreds clear --profile {profile_word} && stscreds auth --profile {profile_word}"
        ))
    })
}

/// (10) This computer's clock, against the `Date` of AWS's answer.
fn clock_offset() -> Option<Finding> {
    let offset = crate::aws::observed_clock_offset()?;
    (offset.abs() > CLOCK_TOLERANCE).then(|| {
        let seconds = offset.as_secs();
        let direction = if seconds > 0 { "behind" } else { "ahead of" };
        Finding::new(
            "clock-offset",
            Severity::Error,
            format!(
                "this computer's clock is {}s {direction} AWS's: sessions expire earlier or later than stscreds thinks, and past 5 minutes AWS refuses every call",
                seconds.abs()
            ),
        )
        .fix("sudo timedatectl set-ntp true".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::plan::RoleStep;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn key(id: &str, active: bool, created: &str) -> AccessKey {
        AccessKey {
            id: id.to_owned(),
            active,
            created: at(created),
        }
    }

    fn role_chain(role_arn: &str) -> Chain {
        let mut chain = Chain::own("admin");
        chain.base = "work".into();
        chain.roles.push(RoleStep {
            profile: "admin".into(),
            role_arn: role_arn.into(),
            external_id: None,
            session_name: None,
            duration: None,
            mfa_serial: None,
        });
        chain
    }

    #[test]
    fn ages_are_whole_days_by_the_given_clock() {
        let now = at("2030-06-30T12:00:00Z");
        assert_eq!(age_days(at("2030-06-29T12:00:01Z"), now), 0);
        assert_eq!(age_days(at("2030-06-29T12:00:00Z"), now), 1);
        assert_eq!(age_days(at("2030-04-01T12:00:00Z"), now), 90);
        assert_eq!(
            age_days(at("2030-06-30T12:03:00Z"), now),
            0,
            "clocks differ"
        );
    }

    #[test]
    fn only_a_key_past_ninety_days_is_old() {
        let key = |age_days| LongTermKey {
            key_last4: "MPLE".into(),
            created: at("2030-01-01T00:00:00Z"),
            age_days,
        };
        assert_eq!(old_key(&key(90), "work"), None);
        let finding = old_key(&key(91), "my work").unwrap();
        assert_eq!(finding.code, "old-long-term-key");
        assert!(finding.message.contains("…MPLE"), "{}", finding.message);
        assert!(finding.message.contains("91 days old (created 2030-01-01)"));
        assert_eq!(
            finding.fix.as_deref(),
            Some("stscreds rotate --profile 'my work'")
        );
    }

    #[test]
    fn the_oldest_active_key_is_judged_by_its_last_four_characters() {
        let now = at("2030-06-30T00:00:00Z");
        let keys = [
            key("AKIAOLDBUTINACTIVE01", false, "2029-01-01T00:00:00Z"),
            key("AKIANEWERKEY00000002", true, "2030-06-01T00:00:00Z"),
            key("AKIAOLDERKEY00000003", true, "2030-01-01T00:00:00Z"),
        ];
        let judged = judged_key(&keys, now).unwrap();
        assert_eq!(judged.key_last4, "0003");
        assert_eq!(judged.age_days, 180);
        assert_eq!(judged_key(&keys[..1], now), None, "no active key");
    }

    #[test]
    fn a_base_profile_session_must_be_the_remembered_user() {
        let chain = Chain::own("work");
        let device = Some("arn:aws:iam::123456789012:mfa/alice");
        let expected = Expected::of(&chain, Some("alice"), device).unwrap();
        assert!(expected.admits("arn:aws:iam::123456789012:user/alice"));
        assert!(expected.admits("arn:aws:iam::123456789012:user/ops/alice"));
        assert!(!expected.admits("arn:aws:iam::123456789012:user/bob"));
        assert!(!expected.admits("arn:aws:iam::123456789012:user/malice"));
        assert!(!expected.admits("arn:aws:iam::210987654321:user/alice"));
        assert!(!expected.admits("arn:aws:sts::123456789012:user/moto"));
        assert!(!expected.admits("arn:aws:sts::123456789012:assumed-role/alice/x"));
        assert!(!expected.admits("not an arn"));
        assert_eq!(expected.describe(), "arn:aws:iam::123456789012:user/alice");
        let hardware = Expected::of(&chain, Some("alice"), Some("GAHT12345678")).unwrap();
        assert!(hardware.admits("arn:aws-cn:iam::210987654321:user/alice"));
        assert_eq!(hardware.describe(), "arn:*:iam::*:user/alice");
        assert_eq!(Expected::of(&chain, None, device), None, "no user known");
    }

    #[test]
    fn a_role_profile_session_must_be_of_its_role() {
        let chain = role_chain("arn:aws:iam::111122223333:role/team/Admin");
        let expected = Expected::of(&chain, Some("alice"), None).unwrap();
        assert!(expected.admits("arn:aws:sts::111122223333:assumed-role/Admin/stscreds-alice"));
        assert!(!expected.admits("arn:aws:sts::111122223333:assumed-role/Reader/stscreds"));
        assert!(!expected.admits("arn:aws:sts::444455556666:assumed-role/Admin/stscreds"));
        assert!(!expected.admits("arn:aws:iam::111122223333:user/alice"));
        assert_eq!(
            expected.describe(),
            "arn:aws:sts::111122223333:assumed-role/Admin/*"
        );
        assert_eq!(Expected::of(&role_chain("Admin"), None, None), None);
    }

    #[test]
    fn an_unexpected_identity_names_both_arns_and_the_fix() {
        let expected = Expected::of(&Chain::own("work"), Some("alice"), None).unwrap();
        assert_eq!(
            unexpected_identity(&expected, "arn:aws:iam::123456789012:user/alice", "work"),
            None
        );
        let finding =
            unexpected_identity(&expected, "arn:aws:iam::123456789012:user/bob", "work").unwrap();
        assert_eq!(finding.severity, Severity::Error);
        assert!(
            finding
                .message
                .contains("arn:aws:iam::123456789012:user/bob's, not arn:*:iam::*:user/alice's"),
            "{}",
            finding.message
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("stscreds clear --profile work && stscreds auth --profile work")
        );
    }
}
