//! A small HTTP/1.1 server on 127.0.0.1 that answers AWS calls the way a test
//! scripts: forward them to moto, or fail them in ways moto cannot (wrong MFA code,
//! throttling, 5xx, garbage). It records every request, so tests can count calls.
//! It stops when dropped, and on its own after [`MAX_LIFETIME`].

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a fault server lives at most, whatever the test does.
pub const MAX_LIFETIME: Duration = Duration::from_secs(120);

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// The `Action` parameter of the AWS query request (e.g. `GetSessionToken`).
    pub action: String,
    /// The `Authorization` header (for the signing region and key id).
    pub authorization: String,
    /// The form-encoded body.
    pub body: String,
}

/// What to do with a request.
pub enum Reply {
    /// Pass it to the upstream server (moto) and relay its answer.
    Forward,
    /// Answer with this status and body.
    Respond { status: u16, body: String },
    /// Answer with this status and body, and this HTTP `Date` (AWS's clock).
    RespondDated {
        status: u16,
        body: String,
        date: jiff::Timestamp,
    },
    /// Never answer: hold the connection until the server stops (or at most 30 s).
    Hang,
}

impl Reply {
    /// An AWS query-protocol error response, as STS and IAM send them.
    pub fn aws_error(status: u16, code: &str, message: &str) -> Self {
        Self::Respond {
            status,
            body: format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault-1</RequestId></ErrorResponse>"
            ),
        }
    }
}

impl Reply {
    /// A GetSessionToken answer with credentials numbered `n`, valid for an hour: the
    /// key is `ASIAMINTED` and `n`, the secret and token carry `n` too, so a test can
    /// tell whether the three values came from the same call.
    pub fn session_credentials(n: usize) -> Self {
        Self::session_credentials_valid_for(n, Duration::from_secs(3600))
    }

    /// [`Reply::session_credentials`] that expire `lifetime` from now: short-lived ones
    /// run out while a test watches.
    pub fn session_credentials_valid_for(n: usize, lifetime: Duration) -> Self {
        let lifetime = jiff::SignedDuration::try_from(lifetime).unwrap();
        Self::session_credentials_expiring_at(n, jiff::Timestamp::now() + lifetime)
    }

    /// [`Reply::session_credentials`] that expire at `expiration`.
    pub fn session_credentials_expiring_at(n: usize, expiration: jiff::Timestamp) -> Self {
        let expiration = expiration.strftime("%Y-%m-%dT%H:%M:%SZ");
        let (key, secret, token) = minted(n);
        Self::Respond {
            status: 200,
            body: format!(
                "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetSessionTokenResult><Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>minted-{n}</RequestId></ResponseMetadata></GetSessionTokenResponse>"
            ),
        }
    }
}

impl Reply {
    /// This answer with an HTTP `Date` of `date`, as AWS dates every answer.
    pub fn dated(self, date: jiff::Timestamp) -> Self {
        match self {
            Self::Respond { status, body } | Self::RespondDated { status, body, .. } => {
                Self::RespondDated { status, body, date }
            }
            other => other,
        }
    }
}

/// The key id, secret and token of the `n`th minted set.
pub fn minted(n: usize) -> (String, String, String) {
    super::register_secret(&format!("mintedsecret{n:06}x"));
    super::register_secret(&format!("mintedtoken{n:06}x"));
    (
        format!("ASIAMINTED{n:010}"),
        format!("mintedsecret{n:06}x"),
        format!("mintedtoken{n:06}x"),
    )
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running fault-injecting server.
pub struct FaultServer {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl FaultServer {
    /// Starts a server that forwards to `upstream` (an `http://127.0.0.1:PORT` URL)
    /// whatever `handler` does not answer itself.
    pub fn start(
        upstream: Option<String>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let upstream = upstream.map(|url| url.trim_start_matches("http://").to_owned());
        let (accept_requests, accept_stop) = (requests.clone(), stop.clone());
        thread::spawn(move || {
            let started = Instant::now();
            while !accept_stop.load(Ordering::Relaxed) && started.elapsed() < MAX_LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (handler, requests, upstream) =
                            (handler.clone(), accept_requests.clone(), upstream.clone());
                        let stop = accept_stop.clone();
                        thread::spawn(move || {
                            serve(stream, &*handler, &requests, upstream.as_deref(), &stop)
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self {
            port,
            requests,
            stop,
        }
    }

    /// A server that forwards everything to `upstream` and only counts.
    pub fn counting(upstream: String) -> Self {
        Self::start(Some(upstream), |_| Reply::Forward)
    }

    /// Forwards to `upstream`, but answers each GetSessionToken itself, after `delay`,
    /// with a new numbered set of credentials (see [`Reply::session_credentials`]).
    pub fn minting(upstream: String, delay: Duration) -> Self {
        let counter = std::sync::atomic::AtomicUsize::new(0);
        Self::start(Some(upstream), move |request| {
            if request.action != "GetSessionToken" {
                return Reply::Forward;
            }
            thread::sleep(delay);
            Reply::session_credentials(counter.fetch_add(1, Ordering::SeqCst))
        })
    }

    /// How many requests for `action` arrived so far.
    pub fn count(&self, action: &str) -> usize {
        self.actions().iter().filter(|a| *a == action).count()
    }

    /// The endpoint URL, for `AWS_ENDPOINT_URL`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The actions received so far, in order.
    pub fn actions(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.action).collect()
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.requests.lock().unwrap().clear();
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    stream: TcpStream,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    upstream: Option<&str>,
    stop: &AtomicBool,
) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    stream.set_nonblocking(false).ok();
    if speaks_tls(&stream) {
        // A TLS client: answer in plain HTTP, which its handshake cannot accept.
        let mut stream = stream;
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        return;
    }
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let Some((head, body)) = read_request(&mut reader) else {
        return;
    };
    let request = Request {
        action: form_value(&body, "Action").unwrap_or_default(),
        authorization: header(&head, "authorization").unwrap_or_default(),
        body: body.clone(),
    };
    requests.lock().unwrap().push(request.clone());
    let response = match handler(&request) {
        Reply::Hang => {
            let started = Instant::now();
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(30) {
                thread::sleep(Duration::from_millis(20));
            }
            return;
        }
        Reply::Forward => forward(upstream.expect("no upstream to forward to"), &head, &body),
        Reply::Respond { status, body } => respond(status, "", &body),
        Reply::RespondDated { status, body, date } => {
            let date = date.strftime("%a, %d %b %Y %H:%M:%S GMT");
            respond(status, &format!("Date: {date}\r\n"), &body)
        }
    };
    let mut stream = stream;
    let _ = stream.write_all(&response);
}

/// An answer with `status`, the `extra` header lines and `body`.
fn respond(status: u16, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Fault\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Whether the client opened with a TLS handshake record rather than an HTTP request.
fn speaks_tls(stream: &TcpStream) -> bool {
    let mut first = [0u8; 1];
    matches!(stream.peek(&mut first), Ok(1) if first[0] == 0x16)
}

/// Reads one request: its head (request line and headers) and its body.
fn read_request(reader: &mut impl BufRead) -> Option<(String, String)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, String::from_utf8_lossy(&body).into_owned()))
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim().to_owned())
}

fn form_value(body: &str, name: &str) -> Option<String> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Sends the request on to `upstream` with `Connection: close` and returns its reply.
fn forward(upstream: &str, head: &str, body: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(upstream).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head: String = head
        .split_inclusive("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:") && *line != "\r\n")
        .collect();
    stream
        .write_all(format!("{head}Connection: close\r\n\r\n{body}").as_bytes())
        .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    response
}
