//! Answers that look like AWS's but are not to be trusted: truncated, expired, far
//! too long-lived, empty, multi-line, oversized, or echoing our request back. None of
//! them may reach a file or the terminal: each ends in one `error:` line, a non-zero
//! exit, and the old session left byte for byte as it was.

use std::sync::{Arc, Mutex};

use crate::support::fault::{FaultServer, Reply, Request};
use crate::support::moto::Moto;
use crate::support::{Run, Sandbox};
use jiff::{SignedDuration, Timestamp};

/// What the fault server answers to the operation under test, once armed.
type Hostile = Arc<Mutex<Option<Box<dyn Fn(&Request) -> Reply + Send>>>>;

/// A profile that authenticated once through a fault server that will, once armed,
/// answer `action` with something hostile; every other call reaches moto.
struct Armed {
    sandbox: Sandbox,
    hostile: Hostile,
    _server: FaultServer,
}

impl Armed {
    /// A default profile with a good session (minted credentials number 1).
    fn session() -> Self {
        let armed = Self::start("GetSessionToken", "fixture", "");
        armed.arm(|_| Reply::session_credentials(1));
        armed.sandbox.auth("default");
        armed
    }

    /// A profile `admin` for a moto role on top of `default`, with a good role session.
    fn role() -> Self {
        let role = Moto::shared().create_role("Hostile");
        let config = format!("[profile admin]\nrole_arn = {role}\nsource_profile = default\n");
        let armed = Self::start("AssumeRole", "rolefixture", &config);
        armed.sandbox.auth("admin");
        armed
    }

    fn start(action: &'static str, prefix: &str, config: &str) -> Self {
        let moto = Moto::shared();
        let (user, _) = moto.create_user_with_mfa(prefix);
        let hostile: Hostile = Arc::new(Mutex::new(None));
        let armed = hostile.clone();
        let server = FaultServer::start(Some(moto.url()), move |request| {
            match armed.lock().unwrap().as_ref() {
                Some(reply) if request.action == action => reply(request),
                _ => Reply::Forward,
            }
        });
        let sandbox = Sandbox::new(&server.url());
        sandbox.init("default", &user);
        sandbox.write(".aws/config", config);
        Self {
            sandbox,
            hostile,
            _server: server,
        }
    }

    /// From now on, the operation under test is answered with `reply`.
    fn arm(&self, reply: impl Fn(&Request) -> Reply + Send + 'static) {
        *self.hostile.lock().unwrap() = Some(Box::new(reply));
    }

    /// Arms `reply`, runs `auth --profile PROFILE`, and checks that it fails with one
    /// error line containing `message`, changing no file and keeping the old session.
    #[track_caller]
    fn auth_fails_with(
        &self,
        profile: &str,
        reply: impl Fn(&Request) -> Reply + Send + 'static,
        message: &str,
    ) -> Run {
        let files = [
            ".aws/credentials",
            ".stscreds/sessions",
            ".stscreds/credentials",
        ];
        let before = files.map(|file| std::fs::read(self.sandbox.path(file)).ok());
        let old_key = self.read_key(profile);
        self.arm(reply);
        let run = self
            .sandbox
            .run(
                &["auth", "--profile", profile, "--token-code", "123456"],
                "",
            )
            .failure(message);
        assert_eq!(run.stdout, "", "{run:#?}");
        assert_eq!(
            run.stderr.matches("error: ").count(),
            1,
            "one error line: {run:#?}"
        );
        assert_eq!(
            run.stderr.lines().filter(|l| l.contains("error")).count(),
            1,
            "{run:#?}"
        );
        let after = files.map(|file| std::fs::read(self.sandbox.path(file)).ok());
        assert!(before == after, "files changed by a failed auth: {run:#?}");
        assert_eq!(self.read_key(profile), old_key, "the old session is served");
        run
    }

    /// `stscreds read --profile PROFILE aws_access_key_id` (must succeed, offline).
    fn read_key(&self, profile: &str) -> String {
        self.sandbox
            .run(&["read", "--profile", profile, "aws_access_key_id"], "")
            .success()
            .stdout
    }
}

/// A GetSessionToken (or AssumeRole) answer with the given values, as STS sends it.
fn answer(action: &str, key: &str, secret: &str, token: &str, expiration: &str) -> Reply {
    Reply::Respond {
        status: 200,
        body: format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result><Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/Hostile/alice</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:alice</AssumedRoleId></AssumedRoleUser></{action}Result><ResponseMetadata><RequestId>hostile-1</RequestId></ResponseMetadata></{action}Response>"
        ),
    }
}

/// A session answer that is fine but for what `change` does to its values.
fn session_answer(change: impl Fn(&mut [String; 4])) -> impl Fn(&Request) -> Reply {
    move |_| {
        let mut values = [
            "ASIAHOSTILE000000001".to_owned(),
            "hostilesecret0000000000000000000000000001".to_owned(),
            "hostiletoken0000000000000000000000000001".to_owned(),
            in_an_hour(),
        ];
        change(&mut values);
        let [key, secret, token, expiration] = &values;
        answer("GetSessionToken", key, secret, token, expiration)
    }
}

fn timestamp(offset: SignedDuration) -> String {
    (Timestamp::now() + offset)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn in_an_hour() -> String {
    timestamp(SignedDuration::from_hours(1))
}

#[test]
fn a_truncated_answer_is_refused() {
    let armed = Armed::session();
    armed.auth_fails_with(
        "default",
        |_| {
            let Reply::Respond { body, .. } = Reply::session_credentials(2) else {
                unreachable!()
            };
            let cut = body.find("<AccessKeyId>").unwrap() + "<AccessKeyId>".len() + 4;
            Reply::Respond {
                status: 200,
                body: body[..cut].to_owned(),
            }
        },
        "the response to sts:GetSessionToken was not a valid AWS answer",
    );
}

#[test]
fn an_expiry_in_the_past_is_refused() {
    let armed = Armed::session();
    armed.auth_fails_with(
        "default",
        session_answer(|values| values[3] = timestamp(SignedDuration::from_hours(-1))),
        "the response to sts:GetSessionToken was not a valid AWS answer (the expiry time",
    );
}

#[test]
fn an_expiry_of_1970_is_refused() {
    let armed = Armed::session();
    armed.auth_fails_with(
        "default",
        session_answer(|values| values[3] = "1970-01-01T00:00:00Z".to_owned()),
        "(the expiry time",
    );
}

#[test]
fn an_expiry_far_beyond_the_requested_duration_is_refused() {
    let armed = Armed::session();
    armed.auth_fails_with(
        "default",
        session_answer(|values| values[3] = timestamp(SignedDuration::from_hours(10 * 365 * 24))),
        "(the expiry time",
    );
}

#[test]
fn an_empty_access_key_id_is_refused() {
    let armed = Armed::session();
    armed.auth_fails_with(
        "default",
        session_answer(|values| values[0].clear()),
        "(the access key id is empty)",
    );
}

#[test]
fn a_newline_in_the_session_token_is_refused() {
    let armed = Armed::session();
    let run = armed.auth_fails_with(
        "default",
        session_answer(|values| {
            values[2] = "hostiletoken00000001&#10;[evil]&#10;aws_access_key_id = AKIAEVIL".into()
        }),
        "(the session token",
    );
    assert!(!run.stderr.contains("evil"), "{run:#?}");
}

#[test]
fn an_eight_megabyte_answer_is_refused() {
    let armed = Armed::session();
    armed.auth_fails_with(
        "default",
        session_answer(|values| values[2] = "A".repeat(8 << 20)),
        "the response to sts:GetSessionToken was not a valid AWS answer",
    );
}

#[test]
fn a_role_answer_with_an_empty_secret_is_refused() {
    let armed = Armed::role();
    armed.auth_fails_with(
        "admin",
        |_| {
            answer(
                "AssumeRole",
                "ASIAHOSTILE000000002",
                "",
                "hostiletoken0000000000000000000000000002",
                &in_an_hour(),
            )
        },
        "the response to sts:AssumeRole was not a valid AWS answer (the secret access key is empty)",
    );
}

#[test]
fn a_role_answer_that_outlives_its_duration_is_refused() {
    let armed = Armed::role();
    armed.auth_fails_with(
        "admin",
        |_| {
            answer(
                "AssumeRole",
                "ASIAHOSTILE000000003",
                "hostilesecret0000000000000000000000000003",
                "hostiletoken0000000000000000000000000003",
                &timestamp(SignedDuration::from_hours(5)),
            )
        },
        "the response to sts:AssumeRole was not a valid AWS answer (the expiry time",
    );
}

/// The signature at the end of an `Authorization` header.
fn signature(authorization: &str) -> String {
    authorization
        .rsplit_once("Signature=")
        .map(|(_, signature)| signature.trim().to_owned())
        .unwrap_or_default()
}

const ECHOED_TOKEN: &str = "IQoJb3JpZ2luX2VjEHostileEchoedSessionToken0123456789abcdefXYZ";

#[test]
fn an_answer_that_echoes_the_request_is_not_quoted() {
    crate::support::register_secret(ECHOED_TOKEN);
    let armed = Armed::session();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorded = seen.clone();
    let run = armed.auth_fails_with(
        "default",
        move |request| {
            let signature = signature(&request.authorization);
            recorded.lock().unwrap().push(signature.clone());
            Reply::Respond {
                status: 400,
                body: format!(
                    "{ECHOED_TOKEN} {signature}\nAuthorization: {}\n\n{}",
                    request.authorization, request.body
                ),
            }
        },
        "HTTP 400 with a body that is not an AWS error",
    );
    let signatures = seen.lock().unwrap().clone();
    assert!(!signatures.is_empty() && signatures.iter().all(|s| s.len() >= 64));
    for leaked in signatures.iter().map(String::as_str).chain([
        ECHOED_TOKEN,
        &ECHOED_TOKEN[..20],
        "Authorization",
        "Action=",
        "TokenCode",
    ]) {
        assert!(!run.stderr.contains(leaked), "{leaked} quoted: {run:#?}");
    }
}

#[test]
fn an_error_code_with_control_characters_is_not_quoted() {
    let armed = Armed::session();
    let run = armed.auth_fails_with(
        "default",
        |_| {
            Reply::aws_error(
                400,
                "Junk\u{1b}[2J\u{7}Code with spaces",
                "please\u{1b}[31m re-enter your secret key",
            )
        },
        "HTTP 400",
    );
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("Junk"), "{run:#?}");
}

#[test]
fn a_secret_in_an_aws_error_message_is_redacted() {
    crate::support::register_secret(ECHOED_TOKEN);
    let armed = Armed::session();
    let message = format!(
        "User: arn:aws:iam::123456789012:user/engineering/platform/alice is not authorized: token {ECHOED_TOKEN}\u{1b}[0m"
    );
    let run = armed.auth_fails_with(
        "default",
        move |_| Reply::aws_error(400, "ValidationError", &message),
        "sts:GetSessionToken failed: ValidationError: User: arn:aws:iam::123456789012:user/engineering/platform/alice is not authorized: token ",
    );
    assert!(!run.stderr.contains('\u{1b}'), "{run:#?}");
}
