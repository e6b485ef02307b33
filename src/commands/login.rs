//! `stscreds login`: the AWS console in a browser, signed in with the profile's
//! credentials through AWS's federation endpoint. A role's credentials, got the way
//! every command gets them (cached, one MFA code for every role on a base, chains),
//! carry MFA into the console. A profile without a role has only an MFA session from
//! `sts:GetSessionToken`, which the endpoint refuses: that is an error offering a role
//! profile, or `--federation-token`, whose console session has no MFA and says so.

use std::io::Write;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use zeroize::Zeroizing;

use crate::aws::{Aws, AwsError, signin};
use crate::browser::{self, BROWSER_VARIABLE, Launcher};
use crate::cli::LoginArgs;
use crate::config::profiles::{self, Known};
use crate::config::state;
use crate::console::{self, Console, Page, SIGNIN_ENDPOINT_VARIABLE, SigninEndpoint};
use crate::context::Context;
use crate::credentials::{self, Freshness, SessionArgs, source};
use crate::error::Error;
use crate::message::{profile_flag, shell_word};
use crate::prompt::InputError;
use crate::session::{SessionCredentials, SessionDuration};
use crate::store::KeyStore;

/// The shortest console session worth opening, AWS's own minimum for one: credentials
/// with less left are renewed first.
const CONSOLE_MINIMUM: SignedDuration = SignedDuration::from_mins(15);

/// A role assumed with temporary credentials lasts at most an hour; credentials with
/// more left than this (the hour and some clock skew) can only come from a role
/// assumed with long-term keys, the one kind AWS gives a console session of
/// `SessionDuration`.
const BEYOND_ANY_CHAINED_ROLE: SignedDuration = SignedDuration::from_mins(65);

/// The session policy of `--federation-token`: everything the IAM user's own policies
/// allow (a federation token without a policy may do nothing).
const PASS_THROUGH_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The top-level entry point for `stscreds login`. Everything the command line says
/// is checked before any credentials are got, so no MFA code is spent on a typo.
pub fn run(cx: &mut Context, args: LoginArgs) -> Result<(), Error> {
    let mut mfa = args.mfa.clone();
    mfa.expires = args.duration.or(mfa.expires);
    let session = super::session_args(mfa);
    let target = Target::of(cx, &args)?;
    let signin = if args.federation_token {
        federated(cx, &session)?
    } else {
        through_role(cx, &session)?
    };
    let token = signin::get_signin_token(
        &target.endpoint,
        &signin.credentials,
        signin.console_session,
        &cx.profile,
        &*cx.report,
    )
    .map_err(AwsError::from)?;
    let url = target.endpoint.login_url(&token, &target.destination);
    cx.report.say(&signin.describe(Timestamp::now()));
    deliver(cx, target.launchers.as_deref(), &url)
}

/// Where the sign-in goes and where its URL ends up.
struct Target {
    endpoint: SigninEndpoint,
    destination: String,
    /// What opens the URL; `None` prints it on stdout.
    launchers: Option<Vec<Launcher>>,
}

impl Target {
    fn of(cx: &Context, args: &LoginArgs) -> Result<Self, Error> {
        let region = match &args.region {
            Some(region) => region.clone(),
            None => cx.config()?.profile(&cx.profile)?.region,
        };
        let console = Console::for_region(&region)?;
        let page = match (&args.destination, &args.service) {
            (Some(url), _) => Page::Url(url),
            (None, Some(service)) => Page::Service(service),
            (None, None) => Page::Home,
        };
        let replacement = std::env::var(SIGNIN_ENDPOINT_VARIABLE)
            .ok()
            .filter(|value| !value.trim().is_empty());
        let launchers = if args.stdout {
            None
        } else {
            let variable = std::env::var(BROWSER_VARIABLE).ok();
            Some(browser::launchers(
                args.browser.as_deref(),
                variable.as_deref(),
            )?)
        };
        Ok(Self {
            endpoint: SigninEndpoint::new(&console, replacement.as_deref())?,
            destination: console.destination(page)?,
            launchers,
        })
    }
}

/// Credentials the federation endpoint takes, and what to tell about the session.
struct Signin {
    credentials: SessionCredentials,
    /// `SessionDuration`, where AWS honours it.
    console_session: Option<SessionDuration>,
    /// Who the console shows, for the message.
    who: String,
    /// How to get a longer console session, if there is a way (`; …`).
    longer: Option<String>,
}

impl Signin {
    /// "Signed in to the AWS console as …; the console session lasts …".
    fn describe(&self, now: Timestamp) -> String {
        let lasts = match self.console_session {
            Some(duration) => {
                let secs = console::console_session_secs(duration);
                let end = now + SignedDuration::from_secs(secs.into());
                format!("{} (until {})", remaining(end, now), local_time(end))
            }
            None => format!(
                "as long as its credentials: until {} (in {})",
                local_time(self.credentials.expiration),
                remaining(self.credentials.expiration, now)
            ),
        };
        format!(
            "Signed in to the AWS console as {}; the console session lasts {lasts}{}.",
            self.who,
            self.longer.as_deref().unwrap_or_default()
        )
    }
}

/// The credentials of the profile's role (or `--role-arn`), as fresh as a console
/// session needs. A profile without a role is refused before any AWS call.
fn through_role(cx: &mut Context, session: &SessionArgs) -> Result<Signin, Error> {
    let chain = source::resolve(cx.config()?, &cx.profile, session.role_arn.as_deref())?;
    let Some(role) = chain.roles.last() else {
        return Err(refuse_profile_without_role(cx)?);
    };
    let console_session = console_session(&chain, session);
    let margin = match console_session {
        Some(_) => BEYOND_ANY_CHAINED_ROLE,
        None => CONSOLE_MINIMUM,
    };
    let who = format!("role {} (profile '{}')", role.role_arn, cx.profile);
    let longer = (chain.roles.len() == 1 && console_session.is_none()).then(|| {
        "; for a longer one (up to 12h), give the role `--duration 4h` or a duration_seconds over 1h: stscreds then assumes it with the long-term keys and an MFA code of its own".to_owned()
    });
    let credentials = credentials::get(cx, session, Freshness::ValidFor(margin))?;
    Ok(Signin {
        credentials,
        console_session,
        who,
        longer,
    })
}

/// `SessionDuration` for the chain's credentials, if AWS honours it: only for those of
/// one AssumeRole made with long-term keys. stscreds assumes a first role that way
/// exactly when it is to last more than an hour (see `credentials::assume_role`), so a
/// chain of one such role qualifies; deeper roles are assumed with another role's
/// credentials.
fn console_session(chain: &source::Chain, session: &SessionArgs) -> Option<SessionDuration> {
    match chain.roles.as_slice() {
        [only] => session
            .expires
            .or(only.duration)
            .filter(|duration| *duration > SessionDuration::ONE_HOUR),
        _ => None,
    }
}

/// The error for a profile with no role (its MFA session is refused by the federation
/// endpoint), after the config lines of a role profile built on it; or, for a profile
/// that is a typo or stands for another, the error that names the profile meant.
fn refuse_profile_without_role(cx: &Context) -> Result<Error, Error> {
    let profile = cx.profile.as_str();
    let message = match profiles::describe(&cx.paths, profile)? {
        Known::Unknown {
            closest: Some(closest),
        } => profiles::unknown_profile(profile, &closest),
        Known::ServedAs { profile: served } => format!(
            "profile '{profile}' is for the AWS tools: its credential_process gets the credentials of profile '{served}'; run `stscreds login --profile {}`",
            shell_word(&served)
        ),
        _ => {
            let example = format!("{profile}-console");
            cx.report.say(&format!(
                "To sign in to the console with MFA, use a role: add a role profile to ~/.aws/config, e.g.\n\n[profile {example}]\nrole_arn = arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME\nsource_profile = {profile}\n"
            ));
            format!(
                "the AWS console does not accept the MFA session of profile '{profile}' (sts:GetSessionToken credentials); sign in through a role: `stscreds login --profile {}` with a role profile like the one above, or `--role-arn ARN`; or, with NO MFA in the console, `stscreds login{} --federation-token`",
                shell_word(&example),
                profile_flag(profile)
            )
        }
    };
    Ok(InputError::Invalid(message).into())
}

/// `--federation-token`: credentials of `sts:GetFederationToken`, signed with the
/// profile's long-term keys; said loudly to carry no MFA, before anything is done.
fn federated(cx: &mut Context, session: &SessionArgs) -> Result<Signin, Error> {
    let profile = cx.profile.clone();
    let chain = source::resolve(cx.config()?, &profile, None)?;
    if let Some(role) = chain.roles.last() {
        return Err(InputError::Invalid(format!(
            "profile '{profile}' assumes role {}, which signs in to the console with MFA; drop --federation-token, which is for a profile with long-term keys and no role",
            role.role_arn
        ))
        .into());
    }
    cx.report.warn(&format!(
        "the console session of --federation-token has NO MFA: sts:GetFederationToken takes no MFA code, so the long-term keys of profile '{profile}' alone open it. The IAM policy stscreds recommends denies the call unless you add the statement `stscreds policy{} --federation-token` prints, and even then the session gets nothing that policy grants only with MFA, which is everything but a look at your own IAM user. For a console with MFA, sign in through a role",
        profile_flag(&profile)
    ));
    let keys =
        KeyStore::of_profile(&cx.paths, &profile, &*cx.report)?.require(&profile, &mut *cx.ask)?;
    let settings = cx.config()?.profile(&profile)?;
    let aws = Aws::connect(&keys, &settings, &profile, cx.report.clone())?;
    let user = match state::load(&cx.paths, &profile)?.user_name {
        Some(user) => user,
        None => aws.get_user()?.name,
    };
    let name = federated_user_name(&user);
    let duration = session.expires.or(settings.duration).unwrap_or_default();
    let credentials = aws.get_federation_token(&name, PASS_THROUGH_POLICY, duration)?;
    Ok(Signin {
        credentials,
        console_session: None,
        who: format!("federated user {name} (profile '{profile}', WITHOUT MFA)"),
        longer: None,
    })
}

/// The name of the federated user `--federation-token` signs in as: the IAM user's
/// name, made to fit GetFederationToken's rules (`[\w+=,.@-]`, 2 to 32 characters), so
/// that CloudTrail shows who it was and `stscreds policy` can name it.
pub(super) fn federated_user_name(user: &str) -> String {
    source::session_name(None, user).chars().take(32).collect()
}

/// Prints the URL on stdout, or opens it; if no browser opens, it goes on stderr
/// with a note (the only place it is ever shown there).
fn deliver(cx: &Context, launchers: Option<&[Launcher]>, url: &str) -> Result<(), Error> {
    let Some(launchers) = launchers else {
        return super::print(&Zeroizing::new(format!("{url}\n")));
    };
    match browser::open(launchers, url) {
        Ok(launcher) => {
            cx.report
                .say(&format!("Opened the console with {}.", launcher.name()));
        }
        Err(failures) => {
            cx.report.warn(&format!(
                "no browser opened ({}); open this URL yourself within 15 minutes, and share it with no one: it signs you in",
                failures.join("; ")
            ));
            let mut stderr = std::io::stderr().lock();
            // The URL is the command's result; if stderr is gone there is no one to show it to.
            let _ = writeln!(stderr, "{url}");
        }
    }
    Ok(())
}

/// A time in the local time zone, as other messages show expiry times.
fn local_time(time: Timestamp) -> String {
    time.to_zoned_datetime(TimeZone::system())
        .strftime("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// How long from `now` until `end`, to the minute ("1h 30m").
fn remaining(end: Timestamp, now: Timestamp) -> String {
    let seconds = end.duration_since(now).as_secs().max(0).unsigned_abs();
    let rounded = std::time::Duration::from_secs((seconds + 30) / 60 * 60);
    humantime::format_duration(rounded).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::source::{Chain, RoleStep};

    fn role(duration: Option<&str>) -> RoleStep {
        RoleStep {
            profile: "dev".into(),
            role_arn: "arn:aws:iam::1:role/Dev".into(),
            external_id: None,
            session_name: None,
            duration: duration.map(|text| SessionDuration::parse(text).unwrap()),
            mfa_serial: None,
        }
    }

    fn chain(roles: Vec<RoleStep>) -> Chain {
        Chain {
            base: "base".into(),
            roles,
            profile: "dev".into(),
            name: "dev".into(),
        }
    }

    fn secs(duration: Option<SessionDuration>) -> Option<i32> {
        duration.map(SessionDuration::as_secs)
    }

    #[test]
    fn only_one_role_assumed_for_more_than_an_hour_gets_a_session_duration() {
        let none = SessionArgs::default();
        let four_hours = SessionArgs {
            expires: Some(SessionDuration::parse("4h").unwrap()),
            ..SessionArgs::default()
        };
        assert_eq!(secs(console_session(&chain(vec![role(None)]), &none)), None);
        assert_eq!(
            secs(console_session(&chain(vec![role(Some("1h"))]), &none)),
            None
        );
        assert_eq!(
            secs(console_session(&chain(vec![role(Some("2h"))]), &none)),
            Some(7200)
        );
        assert_eq!(
            secs(console_session(&chain(vec![role(None)]), &four_hours)),
            Some(14400)
        );
        assert_eq!(
            secs(console_session(
                &chain(vec![role(Some("2h")), role(None)]),
                &four_hours
            )),
            None,
            "a chained role is assumed with another role's credentials"
        );
    }

    #[test]
    fn federated_user_names_fit_aws_rules() {
        assert_eq!(federated_user_name("john.doe"), "john.doe");
        assert_eq!(federated_user_name(&"x".repeat(64)).len(), 32);
        assert_eq!(federated_user_name("a"), "stscreds-a");
    }

    #[test]
    fn the_console_session_is_told_with_its_end() {
        let now: Timestamp = "2030-01-01T12:00:00Z".parse().unwrap();
        let signin = |console_session| Signin {
            credentials: SessionCredentials {
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: "s".into(),
                session_token: "t".into(),
                expiration: "2030-01-01T12:42:10Z".parse().unwrap(),
            },
            console_session,
            who: "role R (profile 'dev')".into(),
            longer: None,
        };
        let told = signin(None).describe(now);
        assert!(
            told.contains("lasts as long as its credentials: until ")
                && told.ends_with("(in 42m)."),
            "{told}"
        );
        let told = signin(Some(SessionDuration::parse("36h").unwrap())).describe(now);
        assert!(
            told.contains("the console session lasts 12h (until "),
            "{told}"
        );
    }
}
