//! A local credential server: session credentials over HTTP on 127.0.0.1, the way the
//! AWS SDKs fetch them in an ECS container (`AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! an authorization token), so that a long-running tool refreshes its credentials by
//! itself instead of failing at the first expiry. The credentials are held in memory
//! and renewed ahead of expiry in the background (`credentials::supply`); requests are
//! answered from memory ([`http`]).

mod http;
mod isolation;

pub use isolation::{client_config, shadowing_sources};

use std::fs;
use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use jiff::{Timestamp, tz::TimeZone};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::oneshot;

use crate::session::SessionCredentials;
use crate::ui::report::Report;

/// What a request for credentials is answered with.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Credentials valid now, and the account they act in when it is known.
    Credentials {
        /// The credentials.
        credentials: SessionCredentials,
        /// The 12-digit account id.
        account: Option<String>,
    },
    /// None that are valid: why, and what to run.
    Unavailable(String),
}

/// Where the server gets the credentials it hands out; asked on every request, so it
/// must answer from memory.
pub trait Source: Send + Sync {
    /// The credentials to hand out now, or why there are none.
    fn answer(&self) -> Answer;
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The port could not be bound.
    #[error(
        "cannot listen on 127.0.0.1:{port}: {source}; choose another --port, or leave it out for any free one"
    )]
    Bind {
        /// The port asked for (0 for any).
        port: u16,
        /// Why.
        source: io::Error,
    },
    /// The files for the server's clients could not be written.
    #[error("cannot make the server's private files in {}: {source}", directory.display())]
    PrivateFiles {
        /// Where it was to go.
        directory: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The operating system's random numbers are not available.
    #[error("cannot make a token: the system's random number source failed ({0})")]
    Random(String),
    /// The server's thread could not start.
    #[error("cannot start the server: {0}")]
    Runtime(io::Error),
    /// The variables that point a tool at the server could not be printed: nobody
    /// could use it.
    #[error(
        "cannot print the server's variables on stdout ({0}), so no tool could use the server; run `stscreds serve` with stdout on a terminal, a file or a reader that stays open"
    )]
    Stdout(io::Error),
}

/// The environment variables a client needs to use the server.
pub const URI_VARIABLE: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The variable that holds the token. Not `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
/// (as well): every SDK and every version of one reads this variable, while the file
/// variable is recent; it passes into a container with `docker run -e`; the token
/// never changes while the server runs, so re-reading a file buys nothing; and with
/// both set the AWS SDK for JavaScript warns on every fetch.
pub const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// A port taken on 127.0.0.1 for a credential server: taken first, so that a port in
/// use is found before an MFA code is spent on credentials nobody could be served.
pub struct ListeningPort {
    listener: TcpListener,
    address: SocketAddr,
}

impl ListeningPort {
    /// Listens on 127.0.0.1:`port` (any free port for 0).
    pub fn bind(port: u16) -> Result<Self, ServerError> {
        let failed = |source| ServerError::Bind { port, source };
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).map_err(failed)?;
        let address = listener.local_addr().map_err(failed)?;
        Ok(Self { listener, address })
    }
}

/// A running credential server. Dropping it stops the server and removes its private
/// files.
pub struct CredentialServer {
    url: String,
    token: SecretString,
    files: PrivateFiles,
    #[cfg(unix)]
    socket: std::os::fd::RawFd,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl CredentialServer {
    /// Serves `source` on `port`, with a new random token and a private directory for
    /// the files its clients are pointed at (under `runtime_dir`, `$XDG_RUNTIME_DIR`,
    /// when it is a directory).
    pub fn start(
        port: ListeningPort,
        source: impl Source + 'static,
        runtime_dir: Option<&Path>,
    ) -> Result<Self, ServerError> {
        let ListeningPort { listener, address } = port;
        #[cfg(unix)]
        let socket = std::os::fd::AsRawFd::as_raw_fd(&listener);
        let token = new_token()?;
        let files = PrivateFiles::create(runtime_dir)?;
        let (stop, stopped) = oneshot::channel();
        let service = Arc::new(http::Service {
            source: Box::new(source),
            token: token.clone(),
        });
        let thread = spawn_server(listener, service, stopped)?;
        Ok(Self {
            url: format!("http://{address}{}", http::PATH),
            token,
            files,
            #[cfg(unix)]
            socket,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The variables that point an AWS SDK at this server, with their values: the
    /// URI and the token.
    pub fn variables(&self) -> [(&'static str, String); 2] {
        [
            (URI_VARIABLE, self.url.clone()),
            (TOKEN_VARIABLE, self.token.expose_secret().to_owned()),
        ]
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes `command`'s process inherit the server's listening socket. While any
    /// process holds it the port stays taken, so that if stscreds is killed (`kill -9`)
    /// no other local user can take the port the child was told about and answer it
    /// with credentials of their own: the child's requests then wait unanswered until
    /// its SDK gives up. The child gets one more descriptor and never uses it.
    #[cfg(unix)]
    pub fn hold_port_in(&self, command: &mut std::process::Command) {
        let socket = self.socket;
        // SAFETY: the closure runs in the child between fork and exec, where only
        // async-signal-safe calls are allowed: fcntl is a system call. It clears
        // close-on-exec on the child's copy of the descriptor only.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(command, move || {
                if libc::fcntl(socket, libc::F_SETFD, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }

    /// An empty file in the server's private directory, removed with it: the shared
    /// credentials file for a client. Every SDK reads `AWS_SHARED_CREDENTIALS_FILE`
    /// (`~/.aws/credentials`) before it asks a credential server, and takes its
    /// `default` section, where stscreds keeps that profile's session, over the server.
    pub fn empty_credentials_file(&self) -> &Path {
        &self.files.empty
    }

    /// Writes `contents` (a config file made by [`client_config`]) to a private file in
    /// the server's directory, removed with it, and returns its path: the
    /// `AWS_CONFIG_FILE` for a client.
    pub fn write_client_config(&self, contents: &str) -> Result<PathBuf, ServerError> {
        let path = self.files.directory.path().join("config");
        write_private(&path, contents.as_bytes()).map_err(|source| ServerError::PrivateFiles {
            directory: self.files.directory.path().to_owned(),
            source,
        })?;
        Ok(path)
    }
}

impl Drop for CredentialServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs the server on a thread of its own with a current-thread runtime.
fn spawn_server(
    listener: TcpListener,
    service: Arc<http::Service>,
    stopped: oneshot::Receiver<()>,
) -> Result<JoinHandle<()>, ServerError> {
    listener
        .set_nonblocking(true)
        .map_err(ServerError::Runtime)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(ServerError::Runtime)?;
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(ServerError::Runtime)?
    };
    std::thread::Builder::new()
        .name("stscreds-server".into())
        .spawn(move || runtime.block_on(http::serve(listener, service, stopped)))
        .map_err(ServerError::Runtime)
}

/// 32 random bytes from the operating system, as 64 hex digits.
fn new_token() -> Result<SecretString, ServerError> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|error| ServerError::Random(error.to_string()))?;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(hex.into())
}

/// A private directory (under `$XDG_RUNTIME_DIR` when there is one, else the system's
/// temporary directory) with an empty file in it, and later a client config; all are
/// removed when this is dropped.
struct PrivateFiles {
    empty: PathBuf,
    directory: tempfile::TempDir,
}

impl PrivateFiles {
    fn create(runtime_dir: Option<&Path>) -> Result<Self, ServerError> {
        let parent = runtime_dir
            .filter(|dir| dir.is_dir())
            .map_or_else(std::env::temp_dir, Path::to_owned);
        let failed = |source| ServerError::PrivateFiles {
            directory: parent.clone(),
            source,
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix("stscreds-server-");
        // tempfile makes a directory with the umask's mode (0755): anyone could list it.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let directory = builder.tempdir_in(&parent).map_err(failed)?;
        let empty = directory.path().join("no-credentials");
        write_private(&empty, b"").map_err(failed)?;
        Ok(Self { empty, directory })
    }
}

/// Creates `path` with mode 0600 and `contents`.
fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// `15:42`, local time, for a running server's messages.
pub fn clock_time(time: Timestamp) -> String {
    time.to_zoned_datetime(TimeZone::system())
        .strftime("%H:%M")
        .to_string()
}

/// A running server's reporter: each message on one line, after the time it happened
/// (`15:41:02 stscreds: renewed …`), so that a terminal left open tells its story.
pub struct Timestamped(pub Arc<dyn Report>);

impl Timestamped {
    fn stamp(message: &str) -> String {
        let now = Timestamp::now().to_zoned_datetime(TimeZone::system());
        format!("{} {message}", now.strftime("%H:%M:%S"))
    }
}

impl Report for Timestamped {
    fn say(&self, message: &str) {
        self.0.say(&Self::stamp(message));
    }

    fn warn(&self, message: &str) {
        self.0.warn(&Self::stamp(message));
    }

    fn trace(&self, message: &str) {
        self.0.trace(&Self::stamp(message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let first = new_token().unwrap();
        let second = new_token().unwrap();
        assert_eq!(first.expose_secret().len(), 64);
        assert!(first.expose_secret().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(first.expose_secret(), second.expose_secret());
    }

    #[test]
    fn the_private_files_are_private_and_go_away() {
        let files = PrivateFiles::create(None).unwrap();
        let empty = files.empty.clone();
        assert_eq!(fs::read(&empty).unwrap(), b"");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&empty), 0o600);
            assert_eq!(mode(empty.parent().unwrap()), 0o700);
        }
        drop(files);
        assert!(!empty.exists() && !empty.parent().unwrap().exists());
    }
}
