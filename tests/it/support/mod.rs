//! Shared helpers for the integration tests: the moto server, a fault-injecting
//! loopback server, and a sandbox that runs the real binary with a temporary HOME.

pub mod background;
pub mod clients;
pub mod display;
pub mod fault;
pub mod federation;
pub mod moto;
pub mod new_user;
pub mod running;
pub mod serving;
pub mod terminal;

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

/// Every secret the tests create or know of: no run of the binary may print one on
/// stderr (checked for every run, see [`Run`]).
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The secret key and session token moto hands out for every GetSessionToken.
pub const MOTO_SESSION_SECRETS: [&str; 2] = [
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c",
];

/// The access key id of every session moto hands out.
pub const MOTO_SESSION_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// Adds a value that must never appear on the binary's stderr.
pub fn register_secret(secret: &str) {
    let mut secrets = SECRETS.lock().unwrap_or_else(|p| p.into_inner());
    if !secrets.iter().any(|known| known == secret) {
        secrets.push(secret.to_owned());
    }
}

/// Panics if `stderr` contains any registered secret (or one of moto's).
#[track_caller]
pub fn assert_no_secret_in(stderr: &str) {
    let secrets = SECRETS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for secret in secrets
        .iter()
        .map(String::as_str)
        .chain(MOTO_SESSION_SECRETS)
    {
        assert!(
            !stderr.contains(secret),
            "a secret leaked to stderr:\n{stderr}"
        );
    }
}

/// The pinned Python virtualenv (moto, botocore), created once by `scripts/test-venv`.
pub fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-venv");
        let output = Command::new(script)
            .stderr(Stdio::inherit())
            .output()
            .expect("run scripts/test-venv");
        assert!(output.status.success(), "scripts/test-venv failed");
        PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
    })
}

/// The binary under test, as a user's files name it (`credential_process = …`).
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_stscreds")
}

/// Puts a `bin/stscreds` (the binary under test) first on the sandbox's PATH, for the
/// shells and clients that run `stscreds` by name.
pub fn put_stscreds_on_path(sandbox: &mut Sandbox) {
    let bin = sandbox.path("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(binary(), bin.join("stscreds")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    sandbox.set_env("PATH", &path);
}

/// libfaketime, which shifts the wall clock of the process it is preloaded into, where
/// Debian's `faketime` package installs it for this machine's architecture
/// (`/usr/lib/<triplet>/faketime/`).
pub fn libfaketime() -> PathBuf {
    fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("faketime/libfaketime.so.1"))
        .find(|library| library.exists())
        .expect("libfaketime is not installed (scripts/test installs the faketime package)")
}

/// The venv's Python interpreter.
pub fn python() -> PathBuf {
    venv().join("bin/python")
}

/// A test file under `tests/it/support/`.
pub fn support_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/support")
        .join(name)
}

/// An address where nothing listens: any network call made there fails at once.
pub fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// What one run of the binary did. Every run's stderr is checked for secrets.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Collects a finished process's output, checking stderr for leaked secrets.
    #[track_caller]
    pub fn from(output: Output) -> Self {
        let run = Self {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert_no_secret_in(&run.stderr);
        run
    }

    /// Panics with the full output unless the run exited 0.
    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(self.code, Some(0), "expected success\n{self:#?}");
        self
    }

    /// The lines of stderr that carry an `error:`.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| line.contains("error:"))
            .collect()
    }

    /// Panics unless the run failed with an `error:` line on stderr containing `text`.
    #[track_caller]
    pub fn failure(self, text: &str) -> Self {
        assert_ne!(self.code, Some(0), "expected failure\n{self:#?}");
        assert!(self.stderr.contains("error: "), "no error line\n{self:#?}");
        assert!(
            self.stderr.contains(text),
            "expected {text:?} in stderr\n{self:#?}"
        );
        self
    }
}

/// A temporary home directory and environment in which to run `stscreds` as a user would.
pub struct Sandbox {
    home: tempfile::TempDir,
    env: HashMap<String, String>,
}

impl Sandbox {
    /// A fresh HOME whose AWS calls go to `endpoint`.
    pub fn new(endpoint: &str) -> Self {
        let home = tempfile::tempdir().unwrap();
        let mut env = HashMap::new();
        env.insert("AWS_ENDPOINT_URL".to_owned(), endpoint.to_owned());
        // Fail fast on injected faults; tests that exercise retries raise it.
        env.insert("AWS_MAX_ATTEMPTS".to_owned(), "1".to_owned());
        Self { home, env }
    }

    /// Sets (or overrides) an environment variable for later runs.
    pub fn set_env(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The temporary home directory.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// A path inside the home directory.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.home.path().join(relative)
    }

    /// The contents of a file inside the home directory.
    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// Writes a file inside the home directory, creating its directory.
    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    /// The command with a clean environment: only PATH, HOME and the sandbox's variables.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_stscreds"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .envs(&self.env);
        command
    }

    /// Runs `stscreds ARGS` with `stdin` piped in.
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        run_with_stdin(self.command(args), stdin)
    }

    /// `stscreds auth --profile PROFILE --token-code 123456` (must succeed).
    pub fn auth(&self, profile: &str) -> Run {
        self.run(
            &["auth", "--profile", profile, "--token-code", "123456"],
            "",
        )
        .success()
    }

    /// Runs `stscreds whoami --profile PROFILE` and checks that the stored key is
    /// `user`'s: with authentication off, moto calls the owner of an unknown key
    /// `default_user`, so a successful run alone proves nothing.
    #[track_caller]
    pub fn assert_stored_key_is(&self, profile: &str, user: &str) {
        let whoami = self.run(&["whoami", "--profile", profile], "").success();
        assert!(
            whoami.stdout.contains(&format!("User:       {user}\n")),
            "the stored key of profile '{profile}' is not {user}'s: {whoami:#?}"
        );
    }

    /// The `stscreds_origin` a session of `profile` must carry to be served with the
    /// sandbox's `~/.aws/config` as it is now.
    pub fn origin_of(&self, profile: &str) -> String {
        let paths = stscreds::files::Paths {
            aws_credentials: self.path(".aws/credentials"),
            aws_config: self.path(".aws/config"),
            stscreds_dir: self.path(".stscreds"),
        };
        let report = stscreds::ui::report::Stderr::default();
        let config = stscreds::config::ConfigFile::load(&paths, &report).unwrap();
        stscreds::credentials::sessions::Slot::of_profile(&paths, &config, profile)
            .unwrap()
            .origin()
            .to_owned()
    }

    /// `stscreds init` for `user` under `profile` (must succeed).
    pub fn init(&self, profile: &str, user: &moto::TestUser) {
        self.init_with(profile, user, &[]).success();
    }

    /// `stscreds init --profile PROFILE EXTRA...` fed `user`'s keys.
    pub fn init_with(&self, profile: &str, user: &moto::TestUser, extra: &[&str]) -> Run {
        let input = format!("{}\n{}\n", user.access_key_id, user.secret_access_key);
        let mut args = vec!["init", "--profile", profile];
        args.extend_from_slice(extra);
        self.run(&args, &input)
    }
}

/// `inner` run in a new session, without a controlling terminal, as an SDK runs a
/// `credential_process`.
pub fn without_terminal(inner: Command) -> Command {
    let mut command = Command::new("setsid");
    command
        .arg("--wait")
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    command
}

/// `inner` in a network namespace of its own, where no name resolves and no packet
/// leaves the machine.
pub fn without_network(inner: Command) -> Command {
    let mut unshare = Command::new("unshare");
    unshare.args(["--user", "--map-root-user", "--net", "--"]);
    wrapped(unshare, &inner)
}

/// `inner` run by `wrapper`: its program and arguments after the wrapper's own, with
/// exactly `inner`'s environment.
pub fn wrapped(mut wrapper: Command, inner: &Command) -> Command {
    wrapper
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    wrapper
}

/// Runs `command` with `stdin` piped in and collects its output.
#[track_caller]
pub fn run_with_stdin(mut command: Command, stdin: &str) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut pipe = child.stdin.take().unwrap();
    // The child may exit before reading everything; a broken pipe here is fine.
    let _ = pipe.write_all(stdin.as_bytes());
    drop(pipe);
    Run::from(child.wait_with_output().unwrap())
}

/// The fenced blocks of the README after the text `after`, without their fences,
/// exactly as written there.
pub fn readme_blocks(after: &str) -> Vec<String> {
    let readme = include_str!("../../../README.md");
    let (_, rest) = readme
        .split_once(after)
        .unwrap_or_else(|| panic!("no {after:?} in the README"));
    // Odd pieces are inside fences: the fence line's language, then the block.
    rest.split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|fenced| fenced.split_once('\n').map(|(_, body)| body.to_owned()))
        .collect()
}
