//! Many stscreds processes at once, and processes killed mid-write: one prompt for
//! many shells, no lost update, and never a damaged credentials file.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::fault::{FaultServer, minted};
use crate::support::moto::Moto;
use crate::support::{Run, Sandbox};
use stscreds::ini::Document;

/// Starts `count` copies of `stscreds ARGS` at once, each fed `stdin`, and collects them.
fn run_together(
    sandbox: &Sandbox,
    count: usize,
    args: impl Fn(usize) -> Vec<String>,
    stdin: &str,
) -> Vec<Run> {
    let children: Vec<Child> = (0..count)
        .map(|i| {
            let args = args(i);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut child = sandbox
                .command(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
            child
        })
        .collect();
    children
        .into_iter()
        .map(|child| Run::from(child.wait_with_output().unwrap()))
        .collect()
}

fn document(sandbox: &Sandbox) -> Document {
    Document::parse(&sandbox.read(".aws/credentials")).unwrap()
}

#[test]
fn twenty_readers_of_an_expired_session_share_one_prompt_and_one_sts_call() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("many-readers");
    let server = FaultServer::minting(moto.url(), Duration::from_millis(300));
    let sandbox = Sandbox::new(&server.url());
    sandbox.init("default", &user);
    sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    let mut doc = document(&sandbox);
    doc.set("default", "stscreds_expiration", "2020-01-01T00:00:00Z")
        .unwrap();
    sandbox.write(".aws/credentials", &doc.render());
    let calls_before = server.count("GetSessionToken");

    let read = |_| ["read", "aws_access_key_id"].map(String::from).to_vec();
    let runs = run_together(&sandbox, 20, read, "123456\n");

    assert_eq!(
        server.count("GetSessionToken") - calls_before,
        1,
        "exactly one STS call"
    );
    let key = document(&sandbox)
        .get("default", "aws_access_key_id")
        .unwrap()
        .to_owned();
    assert_eq!(key, minted(calls_before).0);
    for run in &runs {
        assert_eq!(run.code, Some(0), "{run:#?}");
        assert_eq!(
            run.stdout,
            format!("{key}\n"),
            "every reader prints the one new key"
        );
    }
    let prompts = runs
        .iter()
        .filter(|r| r.stderr.contains("Please enter MFA token"))
        .count();
    assert_eq!(prompts, 1, "exactly one process asks for a code");
    assert!(
        runs.iter()
            .any(|r| r.stderr.contains("Waiting for another stscreds process")),
        "the others say that they wait"
    );
}

#[test]
fn twenty_profiles_set_up_and_authenticated_at_once_lose_nothing() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("many-profiles");
    let server = FaultServer::minting(moto.url(), Duration::from_millis(20));
    let sandbox = Sandbox::new(&server.url());
    let profile = |i: usize| format!("p{i}");

    let keys = format!("{}\n{}\n", user.access_key_id, user.secret_access_key);
    let init = |i| vec!["init".to_owned(), "--profile".to_owned(), profile(i)];
    for run in run_together(&sandbox, 20, init, &keys) {
        run.success();
    }
    let auth = |i| {
        ["auth", "--token-code", "123456", "--profile", &profile(i)]
            .map(String::from)
            .to_vec()
    };
    for run in run_together(&sandbox, 20, auth, "") {
        run.success();
    }

    let stored = Document::parse(&sandbox.read(".stscreds/credentials")).unwrap();
    let sessions = document(&sandbox);
    let mut numbers = Vec::new();
    for i in 0..20 {
        assert_eq!(
            stored.get(&profile(i), "aws_access_key_id"),
            Some(user.access_key_id.as_str())
        );
        let key = sessions.get(&profile(i), "aws_access_key_id").unwrap();
        let n: usize = key.trim_start_matches("ASIAMINTED").parse().unwrap();
        let (_, secret, token) = minted(n);
        assert_eq!(
            sessions.get(&profile(i), "aws_secret_access_key"),
            Some(secret.as_str())
        );
        assert_eq!(
            sessions.get(&profile(i), "aws_session_token"),
            Some(token.as_str())
        );
        numbers.push(n);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 20, "each profile holds its own session");
}

/// A small, seedable pseudo-random sequence (xorshift), enough to spread kill times.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

#[test]
fn killing_auth_at_random_moments_never_damages_the_credentials_file() {
    const MAX_ITERATIONS: usize = 60;
    const TIME_LIMIT: Duration = Duration::from_secs(45);
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("kill9");
    let server = FaultServer::minting(moto.url(), Duration::ZERO);
    let sandbox = Sandbox::new(&server.url());
    sandbox.init("target", &user);
    let before = "# neighbours must survive\n[before]\naws_access_key_id = AKIABEFOREBEFOREBEFO\nregion = eu-west-1\n\n";
    let after = "\n[after]\r\naws_access_key_id = AKIAAFTERAFTERAFTER1\r\n";
    let (key, secret, token) = minted(999_999);
    let target = format!(
        "[target]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\naws_session_token = {token}\nstscreds_expiration = 2020-01-01T00:00:00Z\n"
    );
    sandbox.write(".aws/credentials", &format!("{before}{target}{after}"));
    let long_term = sandbox.read(".stscreds/credentials");
    let auth = ["auth", "--profile", "target", "--token-code", "123456"];

    // How long one complete run takes, to spread the kills over its whole life.
    let started = Instant::now();
    sandbox.run(&auth, "").success();
    let lifetime = started.elapsed().as_micros() as u64;

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut random = Random(seed | 1);
    let (mut changed, mut unchanged) = (0, 0);
    let mut previous = sandbox.read(".aws/credentials");
    let deadline = Instant::now() + TIME_LIMIT;
    for _ in 0..MAX_ITERATIONS {
        if Instant::now() > deadline {
            break;
        }
        let mut child = sandbox
            .command(&auth)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(random.below(lifetime * 3 / 2)));
        child.kill().unwrap();
        child.wait().unwrap();

        let current = sandbox.read(".aws/credentials");
        assert!(
            current.starts_with(before) && current.ends_with(after),
            "neighbours damaged (seed {seed}):\n{current}"
        );
        let doc = Document::parse(&current)
            .unwrap_or_else(|e| panic!("unparsable after kill (seed {seed}): {e}\n{current}"));
        let key = doc.get("target", "aws_access_key_id").unwrap();
        let n: usize = key.trim_start_matches("ASIAMINTED").parse().unwrap();
        let (_, secret, token) = minted(n);
        assert_eq!(
            doc.get("target", "aws_secret_access_key"),
            Some(secret.as_str()),
            "mixed set (seed {seed})"
        );
        assert_eq!(
            doc.get("target", "aws_session_token"),
            Some(token.as_str()),
            "mixed set (seed {seed})"
        );
        assert_eq!(
            sandbox.read(".stscreds/credentials"),
            long_term,
            "long-term keys untouched"
        );
        if current == previous {
            unchanged += 1
        } else {
            changed += 1
        }
        previous = current;
    }
    assert!(
        changed > 0 && unchanged > 0,
        "kills should land both before and after the write (seed {seed}): {changed} changed, {unchanged} unchanged"
    );
}
