//! What of an error answer may be shown on stderr. The answer comes from whatever sits
//! at the endpoint, which may echo our request back (its `Authorization` header, the
//! session token) or send terminal escape sequences; so an error code is shown only if
//! it looks like one, and a message only cleaned, shortened and with anything that
//! looks like a secret taken out. Bodies themselves are never quoted.

/// Longest message shown; real AWS messages are shorter.
const MAX_MESSAGE_CHARS: usize = 200;

/// A run of this many base64/hex characters (with a digit or `+`/`=` in it) looks like
/// a key, token or signature rather than a word.
const SECRET_RUN: usize = 20;

/// Shown in place of a secret-looking run.
const REDACTED: &str = "[redacted]";

/// `code` if it is shaped like an AWS error code (`[A-Za-z0-9._]{1,64}`).
pub fn error_code(code: &str) -> Option<&str> {
    let shaped = (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_'));
    shaped.then_some(code)
}

/// `id` if it is shaped like an AWS request id (a UUID or similar:
/// `[A-Za-z0-9-]{1,64}`); it comes from the answer, so it could be anything.
pub fn request_id(id: &str) -> Option<&str> {
    let shaped =
        (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    shaped.then_some(id)
}

/// `text` made safe to show: control characters become spaces, runs of spaces shrink
/// to one, secret-looking runs are replaced (words with an ARN in them are kept whole,
/// since ARNs say which user or role was meant), and it is cut to 200 characters.
pub fn message(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<String> = cleaned.split_whitespace().map(redact_word).collect();
    shorten(&words.join(" "))
}

/// A short description of a body that is not shown: its size and, if it is
/// well-formed, its content type.
pub fn body_summary(length: usize, content_type: Option<&str>) -> String {
    let media_type = content_type
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .filter(|value| is_media_type(value));
    match media_type {
        Some(media_type) => format!("{length} bytes of {media_type}"),
        None => format!("{length} bytes"),
    }
}

fn is_media_type(value: &str) -> bool {
    let part = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
    };
    value.len() <= 64
        && value
            .split_once('/')
            .is_some_and(|(a, b)| part(a) && part(b))
}

fn redact_word(word: &str) -> String {
    if word.contains("arn:") {
        return word.to_owned();
    }
    let mut redacted = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(start) = rest.find(is_secret_char) {
        redacted.push_str(&rest[..start]);
        let run_length = rest[start..]
            .find(|c: char| !is_secret_char(c))
            .unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_length];
        redacted.push_str(if looks_secret(run) { REDACTED } else { run });
        rest = &rest[start + run_length..];
    }
    redacted.push_str(rest);
    redacted
}

fn is_secret_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// Long, and not a plain word: real words and names have no digits, `+` or `=`.
fn looks_secret(run: &str) -> bool {
    run.len() >= SECRET_RUN
        && run
            .bytes()
            .any(|b| b.is_ascii_digit() || matches!(b, b'+' | b'='))
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_identifier_shaped_codes_are_shown() {
        assert_eq!(error_code("AccessDenied"), Some("AccessDenied"));
        assert_eq!(
            error_code("Throttling.Something_2"),
            Some("Throttling.Something_2")
        );
        assert_eq!(error_code("Junk\u{1b}[2J"), None);
        assert_eq!(error_code("two words"), None);
        assert_eq!(error_code(""), None);
        assert_eq!(error_code(&"A".repeat(65)), None);
    }

    #[test]
    fn only_request_id_shaped_ids_are_shown() {
        let real = "4b1fa5e2-7c4d-4c3e-9a1b-2f3e4d5c6b7a";
        assert_eq!(request_id(real), Some(real));
        assert_eq!(request_id("id\u{1b}[2J"), None);
        assert_eq!(request_id(&"a".repeat(65)), None);
    }

    #[test]
    fn real_aws_messages_survive() {
        for real in [
            "User: arn:aws:iam::123456789012:user/engineering/platform/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Admin",
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
            "Signature expired: 20260101T000000Z is now earlier than 20261124T120000Z (20261124T121500Z - 15 min.)",
            "The security token included in the request is invalid.",
        ] {
            assert_eq!(message(real), real);
        }
    }

    #[test]
    fn secrets_control_characters_and_length_are_taken_out() {
        let token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc==";
        assert_eq!(
            message(&format!("bad token:{token}, see\u{1b}[31m docs\n\nnow")),
            "bad token:[redacted], see [31m docs now"
        );
        let signature =
            "Signature=00720092f3855c2009d2d6a4d0f9f5e7b0e3c1a2b4d6e8f00112233445566778";
        assert_eq!(message(signature), REDACTED, "`=` joins the run");
        let long = message(&"word ".repeat(100));
        assert_eq!(long.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn a_body_is_described_not_quoted() {
        assert_eq!(
            body_summary(412, Some("text/html; charset=utf-8")),
            "412 bytes of text/html"
        );
        assert_eq!(body_summary(3, Some("text/<script>")), "3 bytes");
        assert_eq!(body_summary(0, None), "0 bytes");
    }
}
