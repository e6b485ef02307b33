//! An SDK interceptor that looks at every raw AWS answer before it is parsed: it
//! refuses bodies larger than any real STS or IAM answer (the SDK would otherwise read
//! whatever arrives into memory and hand it on), and notes the answer's `Date` header,
//! AWS's clock, against which expiry times are judged.

use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_sts::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextRef,
};
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::BoxError;
use aws_sdk_sts::primitives::{DateTime, DateTimeFormat};
use jiff::Timestamp;

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
}

impl AnswerGuard {
    /// AWS's clock when it sent the last answer, if that answer said.
    pub fn server_time(&self) -> Option<Timestamp> {
        *self
            .server_time
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn note_server_time(&self, time: Option<Timestamp>) {
        *self
            .server_time
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = time;
    }
}

impl Intercept for AnswerGuard {
    fn name(&self) -> &'static str {
        "stscreds::AnswerGuard"
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
