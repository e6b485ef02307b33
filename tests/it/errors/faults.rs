//! Every failure AWS or the network can hand us ends in one clear line, a non-zero
//! exit, and no change to any file: wrong codes, bad keys, denials, throttling, server
//! errors, no network, no DNS, timeouts, TLS, clock skew and garbage answers.

use std::time::Duration;

use crate::support::fault::{FaultServer, Reply};
use crate::support::moto::{Moto, TestUser};
use crate::support::{Run, Sandbox, dead_endpoint, run_with_stdin, without_network};

const OLD_SESSION: &str = "# keep me\n[default]\naws_access_key_id = ASIAOLDSESSION000001\naws_secret_access_key = old\naws_session_token = old\nstscreds_expiration = 2020-01-01T00:00:00Z\n";

/// A sandbox whose default profile is initialised against `moto`, has authenticated
/// once (so the MFA device is known and the next `auth` makes the single
/// GetSessionToken call) and holds an old session; then pointed at `endpoint`.
struct Prepared {
    sandbox: Sandbox,
    long_term: String,
}

impl Prepared {
    fn new(moto: &Moto, user: &TestUser, endpoint: &str) -> Self {
        let prepared = Self::initialised(moto, user, endpoint);
        let mut with_moto = Sandbox::new(&moto.url());
        with_moto.set_env("HOME", &prepared.sandbox.home().display().to_string());
        with_moto
            .run(&["auth", "--token-code", "123456"], "")
            .success();
        prepared.sandbox.write(".aws/credentials", OLD_SESSION);
        prepared
    }

    /// Like [`Prepared::new`], but without the first `auth`: the device is not known yet.
    fn initialised(moto: &Moto, user: &TestUser, endpoint: &str) -> Self {
        let mut sandbox = Sandbox::new(&moto.url());
        sandbox.init("default", user);
        sandbox.write(".aws/credentials", OLD_SESSION);
        sandbox.set_env("AWS_ENDPOINT_URL", endpoint);
        let long_term = sandbox.read(".stscreds/credentials");
        Self { sandbox, long_term }
    }

    /// `stscreds auth --token-code 123456`, which must fail with `message`, changing nothing.
    #[track_caller]
    fn auth_fails_with(&self, message: &str) -> Run {
        let run = self
            .sandbox
            .run(&["auth", "--token-code", "123456"], "")
            .failure(message);
        self.assert_unchanged(&run);
        run
    }

    #[track_caller]
    fn assert_unchanged(&self, run: &Run) {
        assert_eq!(run.stdout, "");
        assert_eq!(
            self.sandbox.read(".aws/credentials"),
            OLD_SESSION,
            "session file untouched"
        );
        assert_eq!(
            self.sandbox.read(".stscreds/credentials"),
            self.long_term,
            "long-term keys untouched"
        );
        assert_eq!(
            run.stderr.matches("error: ").count(),
            1,
            "one error line: {run:#?}"
        );
    }
}

/// A sandbox whose GetSessionToken calls get `reply`; other calls reach moto.
fn failing_session_token(
    reply: impl Fn() -> Reply + Send + Sync + 'static,
) -> (Prepared, FaultServer) {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("fault");
    let server = FaultServer::start(Some(moto.url()), move |request| {
        match request.action.as_str() {
            "GetSessionToken" => reply(),
            _ => Reply::Forward,
        }
    });
    (Prepared::new(moto, &user, &server.url()), server)
}

#[test]
fn a_wrong_mfa_code_says_to_wait_for_the_next_one() {
    let (prepared, _server) = failing_session_token(|| {
        Reply::aws_error(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
        )
    });
    prepared.auth_fails_with(
        "AWS rejected the MFA code (wrong, expired or already used); wait for the next code",
    );
}

#[test]
fn a_code_that_was_already_used_is_rejected_the_same_way() {
    let (prepared, _server) = failing_session_token(|| {
        Reply::aws_error(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed, unable to validate MFA code.",
        )
    });
    prepared.auth_fails_with("already used");
}

/// A moto of its own, which will check signatures and policies once set up.
fn authenticating_moto(prefix: &str, allowed: &[&str]) -> (Moto, TestUser) {
    let moto = Moto::start();
    let (user, _) = moto.create_user_with_mfa(prefix);
    moto.allow(&user, allowed);
    (moto, user)
}

const STSCREDS_CALLS: [&str; 3] = ["iam:GetUser", "iam:ListMFADevices", "sts:GetSessionToken"];

#[test]
fn a_deleted_access_key_says_to_create_a_new_one() {
    let (moto, user) = authenticating_moto("deleted", &STSCREDS_CALLS);
    let prepared = Prepared::new(&moto, &user, &moto.url());
    moto.delete_access_key(&user);
    moto.enable_authentication();
    let run = prepared.auth_fails_with("does not recognise the access key");
    assert!(
        run.stderr.contains(&user.access_key_id) && run.stderr.contains("stscreds init"),
        "{run:#?}"
    );
}

#[test]
fn a_wrong_stored_secret_says_so() {
    let (moto, user) = authenticating_moto("badsecret", &STSCREDS_CALLS);
    let mut prepared = Prepared::new(&moto, &user, &moto.url());
    moto.enable_authentication();
    let tampered = prepared
        .long_term
        .replace(&user.secret_access_key, "not-the-secret");
    prepared.sandbox.write(".stscreds/credentials", &tampered);
    prepared.long_term = tampered;
    prepared.auth_fails_with("the secret access key is wrong");
}

#[test]
fn a_policy_that_denies_listing_mfa_devices_points_to_the_iam_policy() {
    let (moto, user) = authenticating_moto("denied", &["iam:GetUser", "sts:GetSessionToken"]);
    let prepared = Prepared::initialised(&moto, &user, &moto.url());
    moto.enable_authentication();
    let run = prepared.auth_fails_with("AWS denied iam:ListMFADevices");
    assert!(
        run.stderr
            .contains("see 'IAM policy' in the stscreds README"),
        "{run:#?}"
    );
}

#[test]
fn throttling_is_retried_then_explained() {
    let (mut prepared, server) =
        failing_session_token(|| Reply::aws_error(400, "Throttling", "Rate exceeded"));
    prepared.sandbox.set_env("AWS_MAX_ATTEMPTS", "2");
    prepared.auth_fails_with("AWS is throttling sts:GetSessionToken requests; wait a minute");
    assert_eq!(server.count("GetSessionToken"), 2, "retried by the SDK");
}

#[test]
fn a_server_error_is_explained() {
    let (prepared, _server) =
        failing_session_token(|| Reply::aws_error(503, "ServiceUnavailable", "down"));
    prepared.auth_fails_with("AWS failed with HTTP 503 on sts:GetSessionToken (after retrying)");
}

#[test]
fn a_refused_connection_says_to_check_the_network() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("refused");
    let endpoint = dead_endpoint();
    let prepared = Prepared::new(moto, &user, &endpoint);
    prepared.auth_fails_with(&format!(
        "cannot reach AWS for sts:GetSessionToken at {endpoint}: Connection refused"
    ));
}

#[test]
fn a_name_that_does_not_resolve_says_to_check_the_network() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("dns");
    let prepared = Prepared::new(moto, &user, "http://sts.stscreds-test.invalid");
    // In a network namespace of its own there is no network at all, so the lookup fails
    // without a single packet leaving this machine.
    let command = without_network(
        prepared
            .sandbox
            .command(&["auth", "--token-code", "123456"]),
    );
    let run = run_with_stdin(command, "").failure("cannot reach AWS for sts:GetSessionToken");
    assert!(
        run.stderr.contains("lookup") || run.stderr.contains("resolution"),
        "{run:#?}"
    );
    prepared.assert_unchanged(&run);
}

#[test]
fn a_call_that_never_answers_times_out() {
    let (mut prepared, _server) = failing_session_token(|| Reply::Hang);
    prepared.sandbox.set_env("STSCREDS_TIMEOUT", "1s");
    let started = std::time::Instant::now();
    prepared.auth_fails_with("sts:GetSessionToken timed out waiting for AWS");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "bounded by the timeout"
    );
}

#[test]
fn a_bad_timeout_setting_is_refused() {
    let (mut prepared, _server) = failing_session_token(|| Reply::Hang);
    prepared.sandbox.set_env("STSCREDS_TIMEOUT", "soon");
    prepared.auth_fails_with("STSCREDS_TIMEOUT: 'soon' is not a duration");
}

#[test]
fn a_tls_failure_says_to_check_the_endpoint() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("tls");
    let server = FaultServer::start(None, |_| Reply::Forward);
    let https = server.url().replace("http://", "https://");
    let prepared = Prepared::new(moto, &user, &https);
    let run = prepared.auth_fails_with("cannot reach AWS for sts:GetSessionToken");
    assert!(
        run.stderr.to_lowercase().contains("message")
            || run.stderr.contains("TLS")
            || run.stderr.contains("tls"),
        "{run:#?}"
    );
}

#[test]
fn an_expired_signature_blames_the_clock() {
    let (prepared, _server) = failing_session_token(|| {
        Reply::aws_error(
            403,
            "SignatureDoesNotMatch",
            "Signature expired: 20260101T000000Z is now earlier than 20261124T120000Z (20261124T121500Z - 15 min.)",
        )
    });
    prepared.auth_fails_with("set this computer's clock right");
}

#[test]
fn a_request_expired_error_blames_the_clock() {
    let (prepared, _server) =
        failing_session_token(|| Reply::aws_error(400, "RequestExpired", "Request has expired."));
    prepared.auth_fails_with("set this computer's clock right");
}

#[test]
fn an_answer_that_is_not_xml_is_reported_as_such() {
    let (prepared, _server) = failing_session_token(|| Reply::Respond {
        status: 200,
        body: "<html>captive portal: please log in</html>".to_owned(),
    });
    let run = prepared.auth_fails_with("was not a valid AWS answer");
    assert!(!run.stderr.contains("captive portal"), "{run:#?}");
}
