//! The credentials a console sign-in takes. The federation endpoint accepts a role's
//! credentials, got the way every command gets them (cached, one MFA code for every
//! role on a base, chains), which carry MFA into the console; it refuses the MFA
//! session of a profile without a role, which is then an error offering a role
//! profile, or a federation token, whose console session has no MFA and says so.

use jiff::SignedDuration;

use super::plan::Plan;
use super::{Error, Freshness, SessionArgs, obtain, sts};
use crate::aws::Aws;
use crate::config::profiles::{self, Known};
use crate::config::state;
use crate::context::Context;
use crate::invalid::Invalid;
use crate::message::{profile_flag, shell_word};
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

/// Credentials the federation endpoint takes, and what to tell about the session.
pub struct Signin {
    /// The credentials to sign in with.
    pub credentials: SessionCredentials,
    /// `SessionDuration`, where AWS honours it.
    pub console_session: Option<SessionDuration>,
    /// Who the console shows, for the message.
    pub who: String,
    /// How to get a longer console session, if there is a way (`; …`).
    pub longer: Option<String>,
}

/// The credentials of the profile's role (or `--role-arn`), as fresh as a console
/// session needs; with `federation_token`, those of `sts:GetFederationToken` instead.
/// The plan is resolved once; what it says (a role or none) decides the way, and a way
/// that cannot work is refused before any question or AWS call.
pub fn signin(
    cx: &mut Context,
    args: &SessionArgs,
    federation_token: bool,
) -> Result<Signin, Error> {
    let plan = Plan::resolve(cx, args)?;
    match (federation_token, plan.chain.roles.last()) {
        (false, Some(role)) => {
            let who = format!("role {} (profile '{}')", role.role_arn, cx.profile);
            through_role(cx, &plan, who)
        }
        (false, None) => Err(refuse_profile_without_role(cx, &plan)?),
        (true, None) => federated(cx, &plan),
        (true, Some(role)) => Err(Invalid(format!(
            "profile '{}' assumes role {}, which signs in to the console with MFA; drop --federation-token, which is for a profile with long-term keys and no role",
            cx.profile, role.role_arn
        ))
        .into()),
    }
}

/// The credentials of the plan's role, signing in as `who`.
fn through_role(cx: &mut Context, plan: &Plan, who: String) -> Result<Signin, Error> {
    let console_session = plan.durations.console_session();
    let margin = match console_session {
        Some(_) => BEYOND_ANY_CHAINED_ROLE,
        None => CONSOLE_MINIMUM,
    };
    let one_role = plan.chain.roles.len() == 1;
    let longer = (one_role && console_session.is_none()).then(|| {
        "; for a longer one (up to 12h), give the role `--duration 4h` or a duration_seconds over 1h: stscreds then assumes it with the long-term keys and an MFA code of its own".to_owned()
    });
    let credentials = obtain(cx, plan, Freshness::ValidFor(margin))?;
    Ok(Signin {
        credentials,
        console_session,
        who,
        longer,
    })
}

/// The error for a profile with no role (its MFA session is refused by the federation
/// endpoint), after the config lines of a role profile built on it (in its account
/// when that is known without an AWS call); or, for a profile that is a typo or
/// stands for another, the error that names the profile meant.
fn refuse_profile_without_role(cx: &Context, plan: &Plan) -> Result<Error, Error> {
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
            let account = plan
                .account(&cx.paths)
                .unwrap_or_else(|| "ACCOUNT_ID".to_owned());
            cx.report.say(&format!(
                "To sign in to the console with MFA, use a role: add a role profile to ~/.aws/config, e.g.\n\n[profile {example}]\nrole_arn = arn:aws:iam::{account}:role/ROLE_NAME\nsource_profile = {profile}\n"
            ));
            format!(
                "the AWS console does not accept the MFA session of profile '{profile}' (sts:GetSessionToken credentials); sign in through a role: `stscreds login --profile {}` with a role profile like the one above, or `--role-arn ARN`; or, with NO MFA in the console, `stscreds login{} --federation-token`",
                shell_word(&example),
                profile_flag(profile)
            )
        }
    };
    Ok(Invalid(message).into())
}

/// Credentials of `sts:GetFederationToken`, signed with the plan's long-term keys;
/// said loudly to carry no MFA, before anything is done.
fn federated(cx: &mut Context, plan: &Plan) -> Result<Signin, Error> {
    let profile = plan.chain.base.as_str();
    cx.report.warn(&format!(
        "the console session of --federation-token has NO MFA: sts:GetFederationToken takes no MFA code, so the long-term keys of profile '{profile}' alone open it. The IAM policy stscreds recommends denies the call unless you add the statement `stscreds policy{} --federation-token` prints, and even then the session gets nothing that policy grants only with MFA, which is everything but a look at your own IAM user. For a console with MFA, sign in through a role",
        profile_flag(profile)
    ));
    plan.mfa.direct_questions(&mut *cx.ask);
    let remembered = state::load(&cx.paths, profile)?;
    let keys = KeyStore::new(&cx.paths, remembered.backend_or_default(), &*cx.report)
        .require(profile, &mut *cx.ask)?;
    let aws = Aws::connect(&keys, &plan.base_config, profile, cx.report.clone())?;
    let user = match remembered.user_name {
        Some(user) => user,
        None => aws.get_user()?.name,
    };
    let (name, credentials) = sts::federation_token(&aws, &user, plan.durations.base)?;
    Ok(Signin {
        credentials,
        console_session: None,
        who: format!("federated user {name} (profile '{profile}', WITHOUT MFA)"),
        longer: None,
    })
}
