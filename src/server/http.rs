//! The HTTP side of the credential server, as the AWS SDKs' container credential
//! provider expects it: `GET /credentials` with the token in `Authorization` answers
//! the credentials as JSON; anything else gets a JSON error and the status that says
//! why. Served by hyper on a current-thread tokio runtime, from memory.

use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

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

/// Accepts connections on `listener` until `stop` fires (or is dropped), serving each
/// on a task of its own.
pub async fn serve(listener: TcpListener, service: Arc<Service>, mut stop: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let service = service.clone();
                tokio::spawn(async move {
                    let handler = hyper::service::service_fn(move |request| {
                        let service = service.clone();
                        async move { Ok::<_, Infallible>(service.respond(&request)) }
                    });
                    // A client that hangs up mid-request is its own business.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), handler)
                        .await;
                });
            }
        }
    }
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
