//! The real clients a user points at stscreds' credentials — botocore (boto3), the
//! AWS CLI, the AWS SDK for Rust, the AWS SDK for JavaScript v3 and (for doctor's
//! verdicts) the AWS SDK for Go v2 — each run as its own process in an environment the
//! test gives exactly (nothing of the test process leaks in), each calling
//! sts:GetCallerIdentity through a counting server in front of moto. The key a client
//! signed with and the region it signed for are read off that request's
//! `Authorization` header: what the client really used, not what it says.
//!
//! [`Held`] is the other half: the environment a command started by `stscreds exec`
//! (or by a shell that evaluated `stscreds export`) gets, held open while the clients
//! run in it.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::fault::FaultServer;
use super::running::Running;
use super::{Run, python, run_with_stdin, support_file, venv, without_terminal};

/// Set in the Rust SDK client's environment: without it, [`rust_sdk_identity`] does
/// nothing (run by hand with `--ignored`, it must not call AWS with a developer's keys).
const RUST_CLIENT_SWITCH: &str = "STSCREDS_TEST_RUST_SDK_CLIENT";

/// The line on which the Rust SDK client prints its JSON, among libtest's own output.
const RUST_CLIENT_MARKER: &str = "rust-sdk-identity: ";

/// How long one client may take before it is taken for hung.
const CLIENT_PATIENCE: &str = "120";

/// A real AWS client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Botocore,
    AwsCli,
    RustSdk,
    JsSdk,
    /// The AWS SDK for Go v2 (tests/go/identity.go, built by scripts/test-go).
    GoSdk,
}

impl Client {
    /// The clients [`run_each`] runs, in the order the tests report them.
    pub const USUAL: [Client; 4] = [
        Client::Botocore,
        Client::AwsCli,
        Client::RustSdk,
        Client::JsSdk,
    ];

    /// Every client: the usual ones and the AWS SDK for Go v2, which doctor's verdicts
    /// are checked against (tests/it/doctor).
    pub const ALL: [Client; 5] = [
        Client::Botocore,
        Client::AwsCli,
        Client::RustSdk,
        Client::JsSdk,
        Client::GoSdk,
    ];

    /// The command that makes this client call sts:GetCallerIdentity with the default
    /// credential chain, region and endpoint, printing the answer as JSON on stdout.
    fn command(self) -> Command {
        match self {
            Client::Botocore => {
                let mut command = Command::new(python());
                command.arg(support_file("boto3_identity.py"));
                command
            }
            Client::AwsCli => {
                let mut command = Command::new(venv().join("bin/aws"));
                command.args(["sts", "get-caller-identity", "--output", "json"]);
                command
            }
            Client::RustSdk => {
                let mut command = Command::new(std::env::current_exe().unwrap());
                command
                    .args([
                        "support::clients::rust_sdk_identity",
                        "--exact",
                        "--ignored",
                        "--nocapture",
                        "--test-threads=1",
                        "-q",
                    ])
                    .env(RUST_CLIENT_SWITCH, "1");
                command
            }
            Client::JsSdk => {
                let mut command = Command::new("node");
                command
                    .arg(support_file("js_identity.mjs"))
                    .arg(js_modules());
                command
            }
            Client::GoSdk => Command::new(go_client()),
        }
    }
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Client::Botocore => "botocore",
            Client::AwsCli => "aws-cli",
            Client::RustSdk => "rust-sdk",
            Client::JsSdk => "js-sdk",
            Client::GoSdk => "go-sdk",
        })
    }
}

/// What one client resolved: whom AWS saw, the key it signed with and the region it
/// signed for (empty when it sent no GetCallerIdentity), the provider it says its
/// credentials came from (only the Go SDK says: its `Credentials.Source`), and what it
/// said on stderr.
#[derive(Debug)]
pub struct Resolved {
    pub client: Client,
    pub code: Option<i32>,
    pub arn: String,
    pub account: String,
    pub key: String,
    pub region: String,
    pub source: String,
    pub stderr: String,
}

/// Runs the usual clients, one after the other, in exactly `env` (plus nothing), with
/// no terminal; their AWS calls must go to `proxy` (`AWS_ENDPOINT_URL` in `env`).
pub fn run_each(proxy: &FaultServer, env: &BTreeMap<OsString, OsString>) -> Vec<Resolved> {
    run_clients(&Client::USUAL, proxy, env)
}

/// Runs `clients` as [`run_each`] runs the usual ones.
pub fn run_clients(
    clients: &[Client],
    proxy: &FaultServer,
    env: &BTreeMap<OsString, OsString>,
) -> Vec<Resolved> {
    clients
        .iter()
        .map(|&client| run_one(client, proxy, env))
        .collect()
}

fn run_one(client: Client, proxy: &FaultServer, env: &BTreeMap<OsString, OsString>) -> Resolved {
    let inner = client.command();
    let mut command = Command::new("timeout");
    command
        .arg(CLIENT_PATIENCE)
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(env)
        // Instance metadata is off the loopback: no client may look there.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    proxy.clear();
    let run = run_with_stdin(without_terminal(command), "");
    let (key, region) = signed_with(proxy);
    let answer = answer(client, &run);
    let field = |name: &str| {
        answer
            .as_ref()
            .and_then(|json| json.get(name).or_else(|| json.get(capitalised(name))))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Resolved {
        client,
        code: run.code,
        arn: field("arn"),
        account: field("account"),
        key,
        region,
        source: field("source"),
        stderr: run.stderr,
    }
}

/// The JSON object the client printed (the Rust client's is on its marked line).
fn answer(client: Client, run: &Run) -> Option<serde_json::Value> {
    let text = match client {
        Client::RustSdk => run
            .stdout
            .lines()
            .find_map(|line| line.strip_prefix(RUST_CLIENT_MARKER))?,
        _ => run.stdout.as_str(),
    };
    serde_json::from_str(text.trim()).ok()
}

/// `arn` -> `Arn`: the AWS CLI prints the API's own field names.
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The key id and region of the last GetCallerIdentity `proxy` received, from its
/// SigV4 `Authorization` header (`Credential=KEY/DATE/REGION/sts/aws4_request`).
fn signed_with(proxy: &FaultServer) -> (String, String) {
    let requests = proxy.requests();
    let Some(request) = requests
        .iter()
        .rev()
        .find(|request| request.action == "GetCallerIdentity")
    else {
        return Default::default();
    };
    let scope = request
        .authorization
        .split_once("Credential=")
        .map(|(_, rest)| rest.split([',', ' ']).next().unwrap_or_default())
        .unwrap_or_default();
    let mut parts = scope.split('/');
    let key = parts.next().unwrap_or_default().to_owned();
    let region = parts.nth(1).unwrap_or_default().to_owned();
    (key, region)
}

/// The folder where `scripts/test-js` installed the AWS SDK for JavaScript (once).
pub fn js_modules() -> &'static Path {
    static MODULES: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    MODULES.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-js");
        let output = Command::new(script)
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run scripts/test-js");
        assert!(output.status.success(), "scripts/test-js failed");
        PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
    })
}

/// The AWS SDK for Go v2 client, built (once) by `scripts/test-go`.
pub fn go_client() -> &'static Path {
    static PROGRAM: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PROGRAM.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-go");
        let output = Command::new(script)
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run scripts/test-go");
        assert!(
            output.status.success(),
            "scripts/test-go could not build the AWS SDK for Go v2 client (its error above)"
        );
        PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
    })
}

/// The AWS SDK for Rust as a program of its own: the test binary runs itself with
/// only this test selected, in the environment under test, so the SDK's default
/// chain (and any `credential_process` it starts) sees that environment and nothing
/// of the test process's.
#[test]
#[ignore = "the AWS SDK for Rust client of support::clients, run by it in a child process"]
fn rust_sdk_identity() {
    if std::env::var_os(RUST_CLIENT_SWITCH).is_none() {
        return;
    }
    let answer = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(rust_sdk_caller_identity());
    match answer {
        Ok(json) => println!("{RUST_CLIENT_MARKER}{json}"),
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    }
}

/// sts:GetCallerIdentity through the Rust SDK's defaults, as JSON like the others'.
async fn rust_sdk_caller_identity() -> Result<serde_json::Value, String> {
    use aws_config::BehaviorVersion;
    use aws_sdk_sts::config::ProvideCredentials;
    use aws_sdk_sts::error::DisplayErrorContext;

    let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let identity = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|error| DisplayErrorContext(error).to_string())?;
    let credentials = config
        .credentials_provider()
        .ok_or("no credentials provider")?
        .provide_credentials()
        .await
        .map_err(|error| DisplayErrorContext(error).to_string())?;
    Ok(serde_json::json!({
        "arn": identity.arn(),
        "account": identity.account(),
        "key": credentials.access_key_id(),
        "region": config.region().map(|region| region.to_string()),
    }))
}

/// The environment of a command someone else started (`stscreds exec`, a shell that
/// evaluated `stscreds export`), held: the command wrote its environment to a file and
/// waits until [`Held::release`] (or at most two minutes), so that whatever it relies
/// on (a credential server, its token file) stays up while the clients run.
pub struct Held {
    running: Running,
    release: PathBuf,
    pub env: BTreeMap<OsString, OsString>,
}

impl Held {
    /// The shell code that a held command runs: it writes its environment into `dir`,
    /// then waits for the release.
    pub fn script(dir: &Path) -> String {
        let dir = dir.display();
        format!(
            "env -0 > '{dir}/env.part' && mv '{dir}/env.part' '{dir}/env' || exit 1\n\
             i=0; while [ ! -e '{dir}/release' ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done"
        )
    }

    /// Starts `command` (which runs [`Held::script`] for `dir`) and waits until it has
    /// written its environment; panics with its output if it ends or hangs before.
    #[track_caller]
    pub fn start(command: Command, dir: &Path) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let running = Running::spawn(command);
        let written = dir.join("env");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !written.exists() {
            assert!(
                is_alive(running.pid()) && Instant::now() < deadline,
                "the command ended or hung before its environment was written\nstdout: {}\nstderr: {}",
                running.stdout(),
                running.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let env = parse_env(&std::fs::read(&written).unwrap());
        Self {
            running,
            release: dir.join("release"),
            env,
        }
    }

    /// Lets the command end and returns what it did (it must exit 0).
    #[track_caller]
    pub fn release(self) -> Run {
        std::fs::write(&self.release, "").unwrap();
        self.running.finish().success()
    }
}

/// Whether process `pid` still runs (a zombie has ended).
fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| !stat.rsplit(')').next().unwrap_or("").starts_with(" Z"))
}

/// `env -0` output as a map.
fn parse_env(bytes: &[u8]) -> BTreeMap<OsString, OsString> {
    use std::os::unix::ffi::OsStrExt;
    bytes
        .split(|&byte| byte == 0)
        .filter_map(|entry| {
            let at = entry.iter().position(|&byte| byte == b'=')?;
            Some((
                std::ffi::OsStr::from_bytes(&entry[..at]).to_owned(),
                std::ffi::OsStr::from_bytes(&entry[at + 1..]).to_owned(),
            ))
        })
        .collect()
}
