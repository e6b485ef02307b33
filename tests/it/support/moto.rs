//! A moto server on 127.0.0.1, started from the pinned virtualenv, and the IAM set-up
//! the tests need (users, access keys, MFA devices, policies), done with the AWS SDK.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};

/// A running moto server. It exits when dropped, or when the test process ends (its
/// standard input closes), or after its own lifetime limit.
pub struct Moto {
    child: Child,
    _stdin: ChildStdin,
    port: u16,
}

/// An IAM user with an access key, created in moto.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub name: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl Moto {
    /// Starts a new server on a free port and waits until it listens.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// A server of one test's own, like AWS where moto is not: each GetSessionToken
    /// session is the calling IAM user's (sts:GetCallerIdentity names the user; see
    /// `moto_server.py`). With `clock`, its wall clock is libfaketime's, offset by the
    /// seconds that file holds (`+0`, `-8640000`), read again at every call: moto stamps
    /// what it makes (access keys) by it.
    pub fn start_with_users_sessions(clock: Option<&Path>) -> Self {
        let mut env = vec![("STSCREDS_MOTO_SESSIONS_OF_USERS", "1".to_owned())];
        if let Some(clock) = clock {
            env.extend([
                ("LD_PRELOAD", super::libfaketime().display().to_string()),
                ("FAKETIME_TIMESTAMP_FILE", clock.display().to_string()),
                ("FAKETIME_NO_CACHE", "1".to_owned()),
                ("FAKETIME_DONT_FAKE_MONOTONIC", "1".to_owned()),
            ]);
        }
        Self::start_with(&env)
    }

    fn start_with(env: &[(&str, String)]) -> Self {
        let mut child = Command::new(super::python())
            .arg(super::support_file("moto_server.py"))
            .envs(env.iter().map(|(name, value)| (name, value)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start moto");
        let stdin = child.stdin.take().unwrap();
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first_line)
            .unwrap();
        let port = first_line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("moto did not start: {first_line:?}"));
        Self {
            child,
            _stdin: stdin,
            port,
        }
    }

    /// Creates an IAM role that any principal may assume (moto checks the trust policy
    /// when authentication is on) and returns its ARN.
    pub fn create_role(&self, prefix: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!("{prefix}-{}", COUNTER.fetch_add(1, Ordering::Relaxed));
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
        self.block_on(async {
            let created = self
                .admin()
                .create_role()
                .role_name(&name)
                .assume_role_policy_document(trust)
                .max_session_duration(12 * 3600)
                .send()
                .await
                .unwrap();
            created.role().unwrap().arn().to_owned()
        })
    }

    /// Deletes `user`'s access key, as an administrator would (before authentication is on).
    pub fn delete_access_key(&self, user: &TestUser) {
        self.block_on(async {
            self.admin()
                .delete_access_key()
                .user_name(&user.name)
                .access_key_id(&user.access_key_id)
                .send()
                .await
                .unwrap();
        })
    }

    /// Another access key for `user`, as an administrator would make it (before
    /// authentication is on); its secret is registered.
    pub fn create_access_key(&self, user: &TestUser) -> TestUser {
        self.block_on(async {
            let created = self
                .admin()
                .create_access_key()
                .user_name(&user.name)
                .send()
                .await
                .unwrap();
            let key = created.access_key().unwrap();
            super::register_secret(key.secret_access_key());
            TestUser {
                name: user.name.clone(),
                access_key_id: key.access_key_id().to_owned(),
                secret_access_key: key.secret_access_key().to_owned(),
            }
        })
    }

    /// The ids of `user`'s access keys, sorted, as an administrator sees them (before
    /// authentication is on).
    pub fn access_key_ids(&self, user: &TestUser) -> Vec<String> {
        self.block_on(async {
            let listed = self
                .admin()
                .list_access_keys()
                .user_name(&user.name)
                .send()
                .await
                .unwrap();
            let mut ids: Vec<String> = listed
                .access_key_metadata()
                .iter()
                .filter_map(|key| key.access_key_id().map(str::to_owned))
                .collect();
            ids.sort();
            ids
        })
    }

    /// One server shared by all tests of a test binary (authentication off).
    pub fn shared() -> &'static Self {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(Self::start)
    }

    /// The endpoint URL, for `AWS_ENDPOINT_URL`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A user with a unique name (prefixed with `prefix`) and an access key.
    pub fn create_user(&self, prefix: &str) -> TestUser {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!("{prefix}-{}", COUNTER.fetch_add(1, Ordering::Relaxed));
        self.block_on(async {
            let iam = self.admin();
            iam.create_user().user_name(&name).send().await.unwrap();
            let key = iam
                .create_access_key()
                .user_name(&name)
                .send()
                .await
                .unwrap();
            let key = key.access_key().unwrap();
            super::register_secret(key.secret_access_key());
            TestUser {
                name: name.clone(),
                access_key_id: key.access_key_id().to_owned(),
                secret_access_key: key.secret_access_key().to_owned(),
            }
        })
    }

    /// Gives `user` a new virtual MFA device and returns its serial (ARN).
    pub fn add_mfa_device(&self, user: &TestUser, device: &str) -> String {
        self.block_on(async {
            let iam = self.admin();
            let created = iam
                .create_virtual_mfa_device()
                .virtual_mfa_device_name(format!("{}-{device}", user.name))
                .send()
                .await
                .unwrap();
            let serial = created
                .virtual_mfa_device()
                .unwrap()
                .serial_number()
                .to_owned();
            iam.enable_mfa_device()
                .user_name(&user.name)
                .serial_number(&serial)
                .authentication_code1("123456")
                .authentication_code2("654321")
                .send()
                .await
                .unwrap();
            serial
        })
    }

    /// A user with an access key and one MFA device.
    pub fn create_user_with_mfa(&self, prefix: &str) -> (TestUser, String) {
        let user = self.create_user(prefix);
        let serial = self.add_mfa_device(&user, "phone");
        (user, serial)
    }

    /// Attaches an inline policy allowing `actions` on everything.
    pub fn allow(&self, user: &TestUser, actions: &[&str]) {
        let document = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions:?},"Resource":"*"}}]}}"#
        );
        self.block_on(async {
            self.admin()
                .put_user_policy()
                .user_name(&user.name)
                .policy_name("stscreds-test")
                .policy_document(document)
                .send()
                .await
                .unwrap();
        })
    }

    /// Turns request authentication on: from now on, moto checks signatures and policies.
    pub fn enable_authentication(&self) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "POST /moto-api/reset-auth HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1\r\nConnection: close\r\n\r\n0"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(
            response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
            "{response}"
        );
    }

    /// An IAM client for set-up. Set-up must happen before authentication is turned on:
    /// moto's signature check rejects some SDK-signed set-up calls (form-encoded JSON).
    fn admin(&self) -> aws_sdk_iam::Client {
        let config = aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(self.url())
            .credentials_provider(Credentials::new("admin", "admin", None, None, "test"))
            .build();
        aws_sdk_iam::Client::from_conf(config)
    }

    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
