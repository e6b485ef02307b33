//! `stscreds login`: the AWS console in a browser, signed in through AWS's federation
//! endpoint with the credentials [`crate::credentials::console`] gets (a role's, which
//! carry MFA into the console; or, with `--federation-token`, a federated user's,
//! without MFA). Here: the command line, the endpoint and page, the URL opened or
//! printed, and what is said about the console session.

use std::io::Write;

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use zeroize::Zeroizing;

use crate::aws::{AwsError, signin};
use crate::cli::LoginArgs;
use crate::console::browser::{self, Launcher};
use crate::console::{self, Console, Page, SigninEndpoint};
use crate::context::Context;
use crate::credentials::console::{self as console_credentials, Signin};
use crate::error::Error;

/// The top-level entry point for `stscreds login`. Everything the command line says
/// is checked before any credentials are got, so no MFA code is spent on a typo.
pub fn run(cx: &mut Context, args: LoginArgs) -> Result<(), Error> {
    let mut mfa = args.mfa.clone();
    mfa.expires = args.duration.or(mfa.expires);
    let session = super::session_args(mfa);
    let target = Target::of(cx, &args)?;
    let signin = console_credentials::signin(cx, &session, args.federation_token)?;
    let token = signin::get_signin_token(
        &target.endpoint,
        &signin.credentials,
        signin.console_session,
        &cx.profile,
        &*cx.report,
    )
    .map_err(AwsError::from)?;
    let url = target.endpoint.login_url(&token, &target.destination);
    let printed = target.launchers.is_none();
    cx.report.say(&describe(&signin, printed, Timestamp::now()));
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
        let launchers = if args.stdout {
            None
        } else {
            Some(browser::launchers(
                args.browser.as_deref(),
                cx.settings.browser.as_deref(),
            )?)
        };
        Ok(Self {
            endpoint: SigninEndpoint::new(&console, cx.settings.signin_endpoint.as_deref())?,
            destination: console.destination(page)?,
            launchers,
        })
    }
}

/// How long the sign-in URL works: AWS's sign-in token is valid for 15 minutes.
const URL_VALID_MINUTES: u32 = 15;

/// "Signed in to the AWS console as …; the console session lasts …"; for a URL
/// `printed` on stdout, which signs in only once someone opens it, what it is for and
/// how soon it must be opened instead.
fn describe(signin: &Signin, printed: bool, now: Timestamp) -> String {
    let lasts = match signin.console_session {
        Some(duration) => {
            let secs = console::console_session_secs(duration);
            let end = now + SignedDuration::from_secs(secs.into());
            format!("{} (until {})", remaining(end, now), local_time(end))
        }
        None => format!(
            "as long as its credentials: until {} (in {})",
            local_time(signin.credentials.expiration),
            remaining(signin.credentials.expiration, now)
        ),
    };
    let longer = signin.longer.as_deref().unwrap_or_default();
    if printed {
        format!(
            "The URL on stdout signs in to the AWS console as {}: open it within {URL_VALID_MINUTES} minutes, and share it with no one; the console session lasts {lasts}{longer}.",
            signin.who
        )
    } else {
        format!(
            "Signed in to the AWS console as {}; the console session lasts {lasts}{longer}.",
            signin.who
        )
    }
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
                "no browser opened ({}); open this URL yourself within {URL_VALID_MINUTES} minutes, and share it with no one: it signs you in",
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
    use crate::session::{SessionCredentials, SessionDuration};

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
        let told = describe(&signin(None), false, now);
        assert!(
            told.starts_with("Signed in to the AWS console as role R (profile 'dev'); ")
                && told.contains("lasts as long as its credentials: until ")
                && told.ends_with("(in 42m)."),
            "{told}"
        );
        let session = Some(SessionDuration::parse("36h").unwrap());
        let told = describe(&signin(session), false, now);
        assert!(
            told.contains("the console session lasts 12h (until "),
            "{told}"
        );
        let told = describe(&signin(session), true, now);
        assert!(
            told.starts_with("The URL on stdout signs in to the AWS console as role R (profile 'dev'): open it within 15 minutes, and share it with no one; the console session lasts 12h (until "),
            "{told}"
        );
    }
}
