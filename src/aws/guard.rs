//! An SDK interceptor that looks at every raw AWS answer before it is parsed: it
//! refuses bodies larger than any real STS or IAM answer (the SDK would otherwise read
//! whatever arrives into memory and hand it on), and notes the answer's `Date` header,
//! AWS's clock, against which expiry times are judged.

use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_sts::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextRef,
    BeforeTransmitInterceptorContextRef,
};
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::BoxError;
use aws_sdk_sts::primitives::{DateTime, DateTimeFormat};
use jiff::{SignedDuration, Timestamp};

/// How far AWS's clock was ahead of ours (negative: behind) at the last answer that
/// said, in this process. The clock is one per machine, so its offset is a fact about
/// the machine, not about one connection: the credential server, which outlives every
/// [`super::Aws`], judges expiry by it.
static CLOCK_OFFSET: Mutex<Option<SignedDuration>> = Mutex::new(None);

/// AWS's clock minus ours, as the last dated AWS answer in this process showed it.
pub fn observed_clock_offset() -> Option<SignedDuration> {
    *CLOCK_OFFSET.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Now by AWS's clock, as the last dated answer in this process showed it, when it
/// differs from ours by more than `beyond` (smaller offsets may be the `Date` header's
/// one-second resolution and the network's delay); else our clock. Expiry and creation
/// times are AWS's.
pub fn now_by_aws(beyond: SignedDuration) -> Timestamp {
    let now = Timestamp::now();
    observed_clock_offset()
        .filter(|offset| offset.abs() > beyond)
        .and_then(|offset| now.checked_add(offset).ok())
        .unwrap_or(now)
}

/// The largest answer accepted. Real STS and IAM answers are a few KB (an
/// `iam:ListMFADevices` page of 100 devices stays well under 100 KB).
pub const MAX_ANSWER_BYTES: u64 = 1024 * 1024;

/// An answer body over [`MAX_ANSWER_BYTES`].
#[derive(Debug, thiserror::Error)]
#[error("the response body is larger than 1 MiB")]
pub struct OversizedAnswer;

/// Checks answer sizes and remembers the last answer's `Date`; one per [`super::Aws`],
/// shared by its STS and IAM clients (calls run one at a time).
#[derive(Debug, Clone, Default)]
pub struct AnswerGuard {
    server_time: Arc<Mutex<Option<Timestamp>>>,
    endpoint: Arc<Mutex<Option<String>>>,
}

impl AnswerGuard {
    /// AWS's clock when it sent the last answer, if that answer said.
    pub fn server_time(&self) -> Option<Timestamp> {
        *self
            .server_time
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Where the last request went (scheme, host and port), once one was sent.
    pub fn endpoint(&self) -> Option<String> {
        self.endpoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn note_server_time(&self, time: Option<Timestamp>) {
        *self
            .server_time
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = time;
        if let Some(time) = time {
            let offset = time.duration_since(Timestamp::now());
            *CLOCK_OFFSET.lock().unwrap_or_else(PoisonError::into_inner) = Some(offset);
        }
    }
}

impl Intercept for AnswerGuard {
    fn name(&self) -> &'static str {
        "stscreds::AnswerGuard"
    }

    /// As the request leaves: note where it goes, for `--verbose` and for messages.
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let endpoint = endpoint_of(context.request().uri());
        *self.endpoint.lock().unwrap_or_else(PoisonError::into_inner) = Some(endpoint);
        Ok(())
    }

    /// Before the body is read: refuse a declared length that is too large.
    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let headers = context.response().headers();
        self.note_server_time(headers.get("date").and_then(http_date));
        let declared = headers
            .get("content-length")
            .and_then(|length| length.trim().parse::<u64>().ok());
        within_limit(declared)
    }

    /// After the body is read: refuse one that was too large without saying so
    /// up front (chunked).
    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let read = context
            .response()
            .body()
            .bytes()
            .map(|body| body.len() as u64);
        within_limit(read)
    }
}

/// The scheme, host and port of `uri`: where a call went, without the path, the query
/// or any user name and password an endpoint setting might carry.
fn endpoint_of(uri: &str) -> String {
    let (scheme, rest) = uri.split_once("://").unwrap_or(("", uri));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if scheme.is_empty() {
        host.to_owned()
    } else {
        format!("{scheme}://{host}")
    }
}

fn within_limit(length: Option<u64>) -> Result<(), BoxError> {
    match length {
        Some(length) if length > MAX_ANSWER_BYTES => Err(OversizedAnswer.into()),
        _ => Ok(()),
    }
}

/// An HTTP `Date` header (`Tue, 25 Nov 2025 14:06:00 GMT`).
fn http_date(value: &str) -> Option<Timestamp> {
    let time = DateTime::from_str(value, DateTimeFormat::HttpDate).ok()?;
    Timestamp::new(time.secs(), 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_is_named_without_path_query_or_user() {
        assert_eq!(
            endpoint_of("https://sts.us-east-1.amazonaws.com/?Action=GetSessionToken"),
            "https://sts.us-east-1.amazonaws.com"
        );
        assert_eq!(
            endpoint_of("http://user:secret@127.0.0.1:5000/path"),
            "http://127.0.0.1:5000"
        );
    }

    #[test]
    fn http_dates_are_read() {
        assert_eq!(
            http_date("Wed, 26 Nov 2025 14:06:00 GMT"),
            Some("2025-11-26T14:06:00Z".parse().unwrap())
        );
        assert_eq!(http_date("yesterday"), None);
    }

    #[test]
    fn only_bodies_over_the_limit_are_refused() {
        assert!(within_limit(None).is_ok());
        assert!(within_limit(Some(MAX_ANSWER_BYTES)).is_ok());
        assert!(within_limit(Some(MAX_ANSWER_BYTES + 1)).is_err());
    }
}
