//! A running `stscreds serve`, as the tests start it: the two values it printed for a
//! shell (the server's URI and its token) read back the way a shell would take them;
//! the set-ups the server tests share (a session seeded on disk, a user whose MFA code
//! a command prints, a private runtime directory) and one plain HTTP request.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use super::moto::Moto;
use super::running::Running;
use super::{Sandbox, python, register_secret, support_file};

/// The variable that points an SDK at the server.
pub const URI_VARIABLE: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The variable that holds the server's token.
pub const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// The value of `export NAME='VALUE'` in `printed` (serve's `sh` format).
#[track_caller]
pub fn exported(printed: &str, name: &str) -> String {
    printed
        .lines()
        .find_map(|line| line.strip_prefix(&format!("export {name}='")))
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no {name} in {printed:?}"))
        .to_owned()
}

/// Waits until `server` (a `serve`) says it serves and what it printed on stdout has
/// been read, which a thread of its own collects: that stdout, the URI in every format.
pub fn serving(server: &Running) -> String {
    server.wait_for_stderr("stop with Ctrl-C");
    server.wait_for_stdout("http://")
}

/// Starts `serve` (the command line is `command`) and waits until it serves: the
/// process, the URI and the token it printed (the token registered as a secret).
pub fn started(command: Command) -> (Running, String, String) {
    let server = Running::spawn(command);
    let printed = serving(&server);
    let (uri, token) = (
        exported(&printed, URI_VARIABLE),
        exported(&printed, TOKEN_VARIABLE),
    );
    register_secret(&token);
    (server, uri, token)
}

/// The session seeded on disk by [`seeded`].
pub const SEEDED_KEY: &str = "ASIASEEDEDSERVER0001";
pub const SEEDED_SECRET: &str = "seededServerSecretKey/0001";
pub const SEEDED_TOKEN: &str = "seededServerSessionToken0001";

/// A sandbox whose `default` profile has a session valid for two more hours on disk,
/// so that a server starts (and answers) without any AWS call; calls that are made go
/// to `endpoint`.
pub fn seeded(endpoint: &str) -> Sandbox {
    register_secret(SEEDED_SECRET);
    register_secret(SEEDED_TOKEN);
    let mut sandbox = with_runtime_dir(Sandbox::new(endpoint));
    let expiration = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2))
        .strftime("%Y-%m-%dT%H:%M:%SZ");
    sandbox.write(
        ".aws/credentials",
        &format!(
            "[default]\naws_access_key_id = {SEEDED_KEY}\naws_secret_access_key = {SEEDED_SECRET}\naws_session_token = {SEEDED_TOKEN}\nstscreds_expiration = {expiration}\n"
        ),
    );
    sandbox.set_env("PYTHON", python().to_str().unwrap());
    sandbox.set_env(
        "CLIENT",
        support_file("container_client.py").to_str().unwrap(),
    );
    sandbox
}

/// `sandbox` with an `XDG_RUNTIME_DIR` of its own (private, as systemd makes it), where
/// the server's token directory goes.
pub fn with_runtime_dir(mut sandbox: Sandbox) -> Sandbox {
    let run = sandbox.path("run");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
    sandbox.set_env("XDG_RUNTIME_DIR", run.to_str().unwrap());
    sandbox
}

/// What the server left in the sandbox's runtime directory.
pub fn left_in_runtime_dir(sandbox: &Sandbox) -> Vec<PathBuf> {
    std::fs::read_dir(sandbox.path("run"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

/// A sandbox whose `default` profile holds the keys of a new IAM user with an MFA
/// device whose code `mfa_process` prints; AWS calls go to `endpoint` (moto itself, or
/// a server in front of it).
pub fn mfa_user(prefix: &str, endpoint: &str) -> Sandbox {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa(prefix);
    let mut sandbox = with_runtime_dir(Sandbox::new(&moto.url()));
    sandbox.init("default", &user);
    sandbox.write(".aws/config", "[default]\nmfa_process = echo 123456\n");
    sandbox.set_env("AWS_ENDPOINT_URL", endpoint);
    sandbox
}

/// The port of `http://127.0.0.1:PORT/credentials`.
pub fn port_of(uri: &str) -> u16 {
    uri.strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/credentials"))
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not a loopback credentials URI: {uri:?}"))
}

/// An answer to [`http`]: the status, the head and the body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

/// One HTTP/1.1 request to 127.0.0.1:`port` on a new connection.
pub fn http(port: u16, method: &str, path: &str, authorization: Option<&str>) -> Answer {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let authorization = authorization
        .map(|value| format!("Authorization: {value}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{authorization}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// A started `serve`, with the two values it printed (sh format).
pub fn serve(sandbox: &Sandbox, extra: &[&str]) -> (Running, String, String) {
    let mut args = vec!["serve"];
    args.extend_from_slice(extra);
    started(sandbox.command(&args))
}
