//! The one call to AWS that is not an SDK operation: `getSigninToken` of the federation
//! endpoint, which trades session credentials for a console sign-in token. It is a
//! plain HTTPS GET answered with `{"SigninToken": "…"}`, made with the HTTP client the
//! SDK itself is built on (hyper, rustls with the system's trusted certificates) on a
//! runtime that lives only for the call.
//!
//! The request's query string carries the credentials: no message or trace shows more
//! of it than the endpoint's scheme, host and port. The answer is checked like an STS
//! answer: bounded in size and time, and refused unless it is the JSON AWS sends.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper::{StatusCode, Uri, header};
use hyper_rustls::{ConfigBuilderExt, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::rt::TokioExecutor;
use secrecy::SecretString;
use zeroize::Zeroizing;

use super::error::root_cause;
use super::redact;
use crate::console::SigninEndpoint;
use crate::env::SIGNIN_ENDPOINT_VARIABLE;
use crate::env::Settings;
use crate::invalid::Invalid;
use crate::message::profile_flag;
use crate::session::{SessionCredentials, SessionDuration};
use crate::ui::report::Report;

/// The largest answer accepted: a sign-in token is 1 to 2 KB.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The longest sign-in token accepted (real ones are far shorter).
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// How long connecting may take at most, within the call's whole time limit.
const MAX_CONNECT_TIME: Duration = Duration::from_secs(10);

/// Why no sign-in token was had. Never holds the request's URL, nor the answer's body.
#[derive(Debug, thiserror::Error)]
pub enum SigninError {
    /// The runtime for the call could not start.
    #[error("cannot start the runtime for the console sign-in: {0}")]
    Runtime(io::Error),

    /// `STSCREDS_TIMEOUT` is not usable.
    #[error(transparent)]
    Setting(#[from] Invalid),

    /// The system's trusted certificates could not be loaded.
    #[error(
        "cannot load this computer's trusted CA certificates to reach the AWS sign-in endpoint ({detail}); install them (the ca-certificates package)"
    )]
    Certificates {
        /// What failed.
        detail: String,
    },

    /// The endpoint could not be reached (refused, DNS, TLS).
    #[error(
        "cannot reach the AWS sign-in endpoint at {endpoint}: {detail}; check your network connection and proxy{}",
        replaced_hint()
    )]
    Unreachable {
        /// Scheme, host and port.
        endpoint: String,
        /// The root cause, e.g. "Connection refused".
        detail: String,
    },

    /// No complete answer within the time limit.
    #[error(
        "the AWS sign-in endpoint at {endpoint} did not answer within {}; check your network connection and try again (STSCREDS_TIMEOUT sets the limit)",
        humantime::format_duration(*after)
    )]
    Timeout {
        /// Scheme, host and port.
        endpoint: String,
        /// The limit.
        after: Duration,
    },

    /// The endpoint refused the credentials.
    #[error(
        "the AWS sign-in endpoint refused the credentials of profile '{profile}' (HTTP {status}); they may have been revoked: run `stscreds clear{}` and try again",
        profile_flag(profile)
    )]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The profile whose credentials they were.
        profile: String,
    },

    /// The endpoint failed on its side.
    #[error(
        "the AWS sign-in endpoint failed with HTTP {status}; this is on AWS's side, try again in a few minutes"
    )]
    ServerError {
        /// The HTTP status.
        status: u16,
    },

    /// Something answered that is not the federation endpoint.
    #[error(
        "the answer of {endpoint} to the console sign-in was not AWS's ({detail}); check any proxy in between{}",
        replaced_hint()
    )]
    BadAnswer {
        /// Scheme, host and port.
        endpoint: String,
        /// What was wrong, without quoting the body.
        detail: String,
    },
}

/// A pointer to the variable that replaces the endpoint, when it is set: the usual
/// cause of an endpoint that answers wrongly or not at all in a test set-up.
fn replaced_hint() -> String {
    if Settings::process().signin_endpoint.is_some() {
        format!(", and {SIGNIN_ENDPOINT_VARIABLE}")
    } else {
        String::new()
    }
}

/// What came back.
struct Answer {
    status: StatusCode,
    content_type: Option<String>,
    body: Zeroizing<Vec<u8>>,
}

/// Why the exchange failed, before the answer is judged.
enum Failure {
    Connect(String),
    Body(String),
    Oversized,
}

/// A sign-in token for `credentials` (of `profile`, for messages), asking for a console
/// session of `session_duration` where AWS allows it (see [`SigninEndpoint::token_request`]).
/// The call is traced with `--verbose` by the endpoint's origin only.
pub fn get_signin_token(
    endpoint: &SigninEndpoint,
    credentials: &SessionCredentials,
    session_duration: Option<SessionDuration>,
    profile: &str,
    report: &dyn Report,
) -> Result<SecretString, SigninError> {
    // `login` reaches here with no context: the process's settings say how long.
    let total = Settings::process().timeouts.aws.get()?;
    let origin = endpoint.origin().to_owned();
    let request = endpoint.token_request(credentials, session_duration);
    let uri: Uri = request
        .as_str()
        .parse()
        .map_err(|_| SigninError::BadAnswer {
            endpoint: origin.clone(),
            detail: "the request URL cannot be formed".into(),
        })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(SigninError::Runtime)?;
    let mut http = HttpConnector::new();
    http.set_connect_timeout(Some(total.min(MAX_CONNECT_TIME)));
    let tls = if uri.scheme_str() == Some("https") {
        http.enforce_http(false);
        Some(https_connector(http.clone())?)
    } else {
        None
    };
    let exchange = async {
        match tls {
            Some(connector) => fetch(connector, uri).await,
            None => fetch(http, uri).await,
        }
    };
    let started = Instant::now();
    let outcome = runtime.block_on(async { tokio::time::timeout(total, exchange).await });
    let traced = |outcome: &str| {
        report.trace(&format!(
            "federation:getSigninToken {outcome} in {} ms at {origin}",
            started.elapsed().as_millis()
        ));
    };
    let answer = match outcome {
        Ok(Ok(answer)) => answer,
        Ok(Err(failure)) => {
            traced("failed");
            return Err(failure_error(failure, origin));
        }
        Err(_elapsed) => {
            traced("timed out");
            return Err(SigninError::Timeout {
                endpoint: origin,
                after: total,
            });
        }
    };
    traced(&format!("answered HTTP {}", answer.status.as_u16()));
    signin_token(answer, &origin, profile)
}

/// The HTTPS connector: rustls with the crypto provider the SDK uses and the system's
/// trusted certificates.
fn https_connector(
    http: HttpConnector,
) -> Result<hyper_rustls::HttpsConnector<HttpConnector>, SigninError> {
    let certificates = |detail: String| SigninError::Certificates { detail };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|error| certificates(error.to_string()))?
    .with_native_roots()
    .map_err(|error| certificates(error.to_string()))?
    .with_no_client_auth();
    Ok(HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_only()
        .enable_http1()
        .wrap_connector(http))
}

/// Sends the GET and reads the whole answer, up to [`MAX_ANSWER_BYTES`].
async fn fetch<C>(connector: C, uri: Uri) -> Result<Answer, Failure>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    let client: Client<C, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let request = hyper::Request::get(uri)
        .header(
            header::USER_AGENT,
            concat!("stscreds/", env!("CARGO_PKG_VERSION")),
        )
        .body(Empty::new())
        .map_err(|error| Failure::Connect(error.to_string()))?;
    let response = client
        .request(request)
        .await
        .map_err(|error| Failure::Connect(root_cause(&error)))?;
    let (parts, body) = response.into_parts();
    let body = Limited::new(body, MAX_ANSWER_BYTES)
        .collect()
        .await
        .map_err(|error| {
            if error.is::<LengthLimitError>() {
                Failure::Oversized
            } else {
                Failure::Body(root_cause(&*error))
            }
        })?
        .to_bytes();
    Ok(Answer {
        status: parts.status,
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        body: Zeroizing::new(Vec::from(body)),
    })
}

fn failure_error(failure: Failure, endpoint: String) -> SigninError {
    match failure {
        Failure::Connect(detail) => SigninError::Unreachable {
            endpoint,
            detail: redact::message(&detail),
        },
        Failure::Body(detail) => SigninError::BadAnswer {
            endpoint,
            detail: format!("the answer broke off: {}", redact::message(&detail)),
        },
        Failure::Oversized => SigninError::BadAnswer {
            endpoint,
            detail: format!("an answer larger than {} KiB", MAX_ANSWER_BYTES / 1024),
        },
    }
}

/// The token in a 200 answer holding `{"SigninToken": "…"}`; any other answer is the
/// error that says what came instead, by status, kind and size, never quoted.
fn signin_token(
    answer: Answer,
    endpoint: &str,
    profile: &str,
) -> Result<SecretString, SigninError> {
    let status = answer.status.as_u16();
    let summary = redact::body_summary(answer.body.len(), answer.content_type.as_deref());
    let bad = |detail: String| SigninError::BadAnswer {
        endpoint: endpoint.to_owned(),
        detail,
    };
    match status {
        200 => {}
        400 | 401 | 403 => {
            return Err(SigninError::Refused {
                status,
                profile: profile.to_owned(),
            });
        }
        500.. => return Err(SigninError::ServerError { status }),
        _ => return Err(bad(format!("HTTP {status}, {summary}"))),
    }
    if looks_like_html(&answer.body) {
        return Err(bad(format!("an HTML page, {summary}")));
    }
    let token = match serde_json::from_slice(&answer.body) {
        Ok(serde_json::Value::Object(mut fields)) => fields.remove("SigninToken"),
        _ => return Err(bad(format!("not JSON, {summary}"))),
    };
    match token {
        Some(serde_json::Value::String(token)) if is_plausible_token(&token) => Ok(token.into()),
        Some(serde_json::Value::String(_)) => Err(bad("an implausible SigninToken".into())),
        _ => Err(bad(format!("JSON without a SigninToken, {summary}"))),
    }
}

/// An HTML page (a captive portal, a proxy's error page) rather than JSON.
fn looks_like_html(body: &[u8]) -> bool {
    body.iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|&first| first == b'<')
}

/// A token that can go into a URL as one query value: printable ASCII without spaces,
/// of a sane length.
fn is_plausible_token(token: &str) -> bool {
    (1..=MAX_TOKEN_BYTES).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn answer(status: u16, content_type: &str, body: &str) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            content_type: Some(content_type.to_owned()),
            body: Zeroizing::new(body.as_bytes().to_vec()),
        }
    }

    fn judged(status: u16, content_type: &str, body: &str) -> Result<String, String> {
        signin_token(
            answer(status, content_type, body),
            "https://signin.aws.amazon.com",
            "dev",
        )
        .map(|token| token.expose_secret().to_owned())
        .map_err(|error| error.to_string())
    }

    #[test]
    fn the_token_is_taken_from_the_json_answer() {
        assert_eq!(
            judged(200, "application/json", r#"{"SigninToken":"abc-DEF_123"}"#),
            Ok("abc-DEF_123".to_owned())
        );
    }

    #[test]
    fn every_other_answer_is_one_line_that_never_quotes_the_body() {
        let cases = [
            (
                400,
                "text/html",
                "<html>secret-ish</html>",
                "refused the credentials of profile 'dev' (HTTP 400)",
            ),
            (503, "text/plain", "down secret-ish", "failed with HTTP 503"),
            (
                302,
                "text/plain",
                "moved secret-ish",
                "HTTP 302, 16 bytes of text/plain",
            ),
            (
                200,
                "text/html",
                " <!DOCTYPE html>secret-ish",
                "an HTML page",
            ),
            (200, "application/json", "secret-ish", "not JSON"),
            (200, "application/json", r#"["secret-ish"]"#, "not JSON"),
            (
                200,
                "application/json",
                r#"{"Other":"secret-ish"}"#,
                "JSON without a SigninToken",
            ),
            (
                200,
                "application/json",
                r#"{"SigninToken":"secret-ish \n"}"#,
                "implausible",
            ),
            (
                200,
                "application/json",
                r#"{"SigninToken":""}"#,
                "implausible",
            ),
        ];
        for (status, content_type, body, expected) in cases {
            let message = judged(status, content_type, body).unwrap_err();
            assert!(message.contains(expected), "{message}");
            assert!(
                !message.contains("secret-ish") && !message.contains('\n'),
                "{message}"
            );
        }
    }
}
