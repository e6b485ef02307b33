//! A fake AWS federation endpoint on 127.0.0.1, for `stscreds login`: it answers
//! `GET /federation?Action=getSigninToken&Session=…` the way a test chooses, and
//! records every request. A request is answered with a token only if it is what AWS
//! expects (the path, the action, a `Session` JSON of exactly the three credential
//! values, a `SessionDuration` AWS accepts, if any); otherwise with 400, as AWS does.
//! It stops when dropped, and on its own after [`MAX_LIFETIME`].

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a federation server lives at most, whatever the test does.
pub const MAX_LIFETIME: Duration = Duration::from_secs(120);

/// How the server answers a well-formed `getSigninToken`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// `{"SigninToken": "<the server's token>"}`, as AWS does.
    Token,
    /// This status, with a short text body.
    Status(u16),
    /// 200 with an HTML page (a captive portal).
    Html,
    /// 200 with JSON that has no `SigninToken`.
    NoToken,
    /// 200 with a token in 100 KiB of JSON, more than any real answer.
    Oversized,
    /// Never answer: hold the connection until the server stops (or at most 30 s).
    Hang,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct SigninRequest {
    /// The path, without the query.
    pub path: String,
    /// The query's parameters, decoded, in order.
    pub params: Vec<(String, String)>,
    /// Whether it is a `getSigninToken` AWS would take.
    pub well_formed: bool,
}

impl SigninRequest {
    /// The decoded value of the query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The `Session` parameter, parsed.
    pub fn session(&self) -> serde_json::Value {
        serde_json::from_str(self.param("Session").expect("a Session parameter"))
            .expect("Session is JSON")
    }
}

/// A running fake federation endpoint.
pub struct FederationServer {
    port: u16,
    token: String,
    requests: Arc<Mutex<Vec<SigninRequest>>>,
    stop: Arc<AtomicBool>,
}

impl FederationServer {
    /// Starts a server answering with `answer`. Its sign-in token is registered as a
    /// secret: no run of stscreds may show it on stderr.
    pub fn start(answer: Answer) -> Self {
        let server = Self::start_unregistered(answer);
        super::register_secret(&server.token);
        server
    }

    /// Starts a server whose token is not registered as a secret: for the one case
    /// where stscreds shows the sign-in URL on stderr by design (no browser opened).
    pub fn showing_its_token(answer: Answer) -> Self {
        Self::start_unregistered(answer)
    }

    fn start_unregistered(answer: Answer) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let token = format!(
            "fakeSigninToken{}-{port}_Zx9",
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (accept_requests, accept_stop, accept_token) =
            (requests.clone(), stop.clone(), token.clone());
        thread::spawn(move || {
            let started = Instant::now();
            while !accept_stop.load(Ordering::Relaxed) && started.elapsed() < MAX_LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (requests, stop, token) = (
                            accept_requests.clone(),
                            accept_stop.clone(),
                            accept_token.clone(),
                        );
                        thread::spawn(move || serve(stream, answer, &token, &requests, &stop));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self {
            port,
            token,
            requests,
            stop,
        }
    }

    /// The scheme and host, for `STSCREDS_SIGNIN_ENDPOINT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The sign-in token it hands out.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<SigninRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for FederationServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    stream: TcpStream,
    answer: Answer,
    token: &str,
    requests: &Mutex<Vec<SigninRequest>>,
    stop: &AtomicBool,
) {
    stream.set_nonblocking(false).ok();
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let Some(target) = request_target(&stream) else {
        return;
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let request = SigninRequest {
        path: path.to_owned(),
        well_formed: false,
        params,
    };
    let request = SigninRequest {
        well_formed: is_well_formed(&request),
        ..request
    };
    requests.lock().unwrap().push(request.clone());
    let (status, content_type, body) = match answer {
        _ if !request.well_formed => (400, "text/plain", "bad request".to_owned()),
        Answer::Token => (
            200,
            "application/json",
            format!("{{\"SigninToken\":\"{token}\"}}"),
        ),
        Answer::Status(status) => (status, "text/plain", "an error".to_owned()),
        Answer::Html => (
            200,
            "text/html",
            "<!DOCTYPE html><html><body>Please log in to the hotel wifi</body></html>".to_owned(),
        ),
        Answer::NoToken => (200, "application/json", "{\"Error\":\"nope\"}".to_owned()),
        Answer::Oversized => (
            200,
            "application/json",
            format!(
                "{{\"SigninToken\":\"{token}\",\"Padding\":\"{}\"}}",
                "x".repeat(100 * 1024)
            ),
        ),
        Answer::Hang => {
            let started = Instant::now();
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(30) {
                thread::sleep(Duration::from_millis(20));
            }
            return;
        }
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} Fake\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The request target of a GET (`/federation?…`), after reading the request's head.
fn request_target(stream: &TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_owned)
}

/// What AWS's endpoint would take: `/federation`, `Action=getSigninToken`, a `Session`
/// JSON object of exactly `sessionId`, `sessionKey` and `sessionToken` (non-empty
/// strings), and a `SessionDuration` from 900 to 43200 seconds if there is one.
fn is_well_formed(request: &SigninRequest) -> bool {
    let session_ok = request
        .param("Session")
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|value| value.as_object().cloned())
        .is_some_and(|fields| {
            fields.len() == 3
                && ["sessionId", "sessionKey", "sessionToken"]
                    .iter()
                    .all(|key| {
                        fields
                            .get(*key)
                            .and_then(serde_json::Value::as_str)
                            .is_some_and(|value| !value.is_empty())
                    })
        });
    let duration_ok = request.param("SessionDuration").is_none_or(|text| {
        text.parse::<u32>()
            .is_ok_and(|seconds| (900..=43200).contains(&seconds))
    });
    request.path == "/federation"
        && request.param("Action") == Some("getSigninToken")
        && session_ok
        && duration_ok
}
