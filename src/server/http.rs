//! The HTTP side of the credential server, as the AWS SDKs' container credential
//! provider expects it: `GET /credentials` with the token in `Authorization` answers
//! the credentials as JSON; anything else gets a JSON error and the status that says
//! why. Served by hyper on a current-thread tokio runtime, from memory.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use super::{Answer, Source};
use crate::output;

/// The path credentials are served at (some SDKs want a path in the URI).
pub const PATH: &str = "/credentials";

/// What every connection's handler needs.
pub struct Service {
    /// The credentials to hand out.
    pub source: Box<dyn Source>,
    /// The token a request must carry.
    pub token: SecretString,
}

/// How long a connection may take to send a request's headers, counted from when it
/// opens or its previous answer was sent: so also how long a kept-alive connection may
/// sit idle. An SDK sends its few hundred bytes at once and asks again minutes later
/// (on a new connection or after a retry), so this costs it nothing.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a connection may last in all. It bounds a client that sends requests but
/// does not read the answers (the header timeout does not run while an answer waits to
/// be written); the request in progress is finished first.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);

/// How long the request in progress has to finish once a connection's time is up.
const LAST_REQUEST_GRACE: Duration = Duration::from_secs(5);

/// The most connections held at once. Over it, a new connection is not accepted but
/// waits in the kernel's queue until one closes, which takes at most
/// [`HEADER_TIMEOUT`] for a connection that sends nothing, so a neighbour that opens
/// connections and holds them only delays the others, and never pins memory or
/// descriptors beyond this many.
const MOST_CONNECTIONS: usize = 256;

/// The read buffer of a connection (hyper's smallest): a request for credentials is a
/// few hundred bytes; a longer head is refused with 431.
const READ_BUFFER: usize = 8192;

/// How long the accept loop pauses after an error that does not go away by trying
/// again at once: the descriptor limit reached (`EMFILE`, `ENFILE`) or no memory.
/// Without the pause it spins on the waiting connection and starves the renewals.
const ACCEPT_PAUSE: Duration = Duration::from_millis(250);

/// Accepts connections on `listener` until `stop` fires (or is dropped), serving each
/// on a task of its own, at most [`MOST_CONNECTIONS`] at once.
pub async fn serve(listener: TcpListener, service: Arc<Service>, mut stop: oneshot::Receiver<()>) {
    let room = Arc::new(Semaphore::new(MOST_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            _ = &mut stop => return,
            permit = room.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, service.clone(), permit));
                }
                Err(error) if is_passing(&error) => {}
                Err(_) => tokio::select! {
                    _ = &mut stop => return,
                    () = tokio::time::sleep(ACCEPT_PAUSE) => {}
                },
            }
        }
    }
}

/// Whether an accept error concerns only the connection that failed, so that the next
/// one can be accepted at once.
fn is_passing(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}

/// Serves one connection within its time limits; `_permit` is its place among the
/// [`MOST_CONNECTIONS`], given back when it closes.
async fn serve_connection(stream: TcpStream, service: Arc<Service>, _permit: OwnedSemaphorePermit) {
    let handler = hyper::service::service_fn(move |request| {
        let service = service.clone();
        async move { Ok::<_, Infallible>(service.respond(&request)) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(READ_BUFFER)
        .serve_connection(TokioIo::new(stream), handler);
    tokio::pin!(connection);
    // A client that hangs up mid-request, or is cut off, is its own business.
    tokio::select! {
        _ = connection.as_mut() => return,
        () = tokio::time::sleep(CONNECTION_LIFETIME) => connection.as_mut().graceful_shutdown(),
    }
    let _ = tokio::time::timeout(LAST_REQUEST_GRACE, connection).await;
}

impl Service {
    /// The answer to one request.
    fn respond(&self, request: &Request<Incoming>) -> Response<Full<Bytes>> {
        if request.uri().path() != PATH {
            return error(
                StatusCode::NOT_FOUND,
                "NotFound",
                &format!("stscreds serves credentials at {PATH}"),
            );
        }
        if request.method() != Method::GET {
            let mut response = error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "only GET is served",
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET"));
            return response;
        }
        if !self.authorized(request) {
            return error(
                StatusCode::FORBIDDEN,
                "AccessDenied",
                "the Authorization header is missing or wrong; use the token stscreds gave (AWS_CONTAINER_AUTHORIZATION_TOKEN)",
            );
        }
        match self.source.answer() {
            Answer::Credentials {
                credentials,
                account,
            } => json(
                StatusCode::OK,
                output::container_json(&credentials, account.as_deref()),
            ),
            Answer::Unavailable(message) => error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "CredentialsUnavailable",
                &message,
            ),
        }
    }

    /// Whether the request carries the token, compared in constant time.
    fn authorized(&self, request: &Request<Incoming>) -> bool {
        let Some(given) = request.headers().get(AUTHORIZATION) else {
            return false;
        };
        let expected = self.token.expose_secret().as_bytes();
        bool::from(given.as_bytes().ct_eq(expected))
    }
}

/// An error answer: `{"code": …, "message": …}`, the shape the SDKs show.
fn error(status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    json(
        status,
        output::json_object(&[("code", code), ("message", message)]),
    )
}

fn json(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
