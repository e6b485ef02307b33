//! The credential server against the clocks of a real laptop: a suspend that jumps the
//! wall clock past a renewal (and past an expiry), a renewal at its due time, and a
//! local clock that runs ahead of AWS's. The wall clock of `stscreds serve` is moved
//! with libfaketime (its timestamp file, re-read on every call, with the monotonic
//! clock left alone, as a suspend leaves it); the STS answers come from a fault server
//! that keeps "the world's" time: the real time plus the same jump.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

use crate::support::Sandbox;
use crate::support::fault::{FaultServer, Reply, minted};
use crate::support::moto::Moto;
use crate::support::running::Running;
use crate::support::serving;

/// A wall clock that a test moves, for the processes started with [`FakeClock::apply`].
struct FakeClock {
    file: PathBuf,
}

impl FakeClock {
    /// A clock `offset` seconds ahead of the real one.
    fn ahead_by(sandbox: &Sandbox, offset: i64) -> Self {
        let clock = Self {
            file: sandbox.path("faketime"),
        };
        clock.set(offset);
        clock
    }

    /// Moves the clock to `offset` seconds ahead of the real one, as a resume from
    /// suspend moves it.
    fn set(&self, offset: i64) {
        std::fs::write(&self.file, format!("{offset:+}\n")).unwrap();
    }

    fn apply(&self, command: &mut Command) {
        command
            .env("LD_PRELOAD", crate::support::libfaketime())
            .env("FAKETIME_TIMESTAMP_FILE", &self.file)
            .env("FAKETIME_NO_CACHE", "1")
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    }
}

/// The world's clock: the real one plus the seconds the test moved it on.
#[derive(Clone, Default)]
struct World(Arc<AtomicI64>);

impl World {
    fn now(&self) -> Timestamp {
        Timestamp::now() + SignedDuration::from_secs(self.0.load(Ordering::SeqCst))
    }

    fn move_on(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

/// A fault server that answers each GetSessionToken with a new minted session lasting
/// `lifetime` on the world's clock, dated (HTTP `Date`) by the world's clock when
/// `dated`; the rest goes to moto.
fn sts(world: &World, lifetime: SignedDuration, dated: bool) -> FaultServer {
    let (world, minted_count) = (world.clone(), AtomicUsize::new(0));
    FaultServer::start(Some(Moto::shared().url()), move |request| {
        if request.action != "GetSessionToken" {
            return Reply::Forward;
        }
        let n = minted_count.fetch_add(1, Ordering::SeqCst);
        let reply = Reply::session_credentials_expiring_at(n, world.now() + lifetime);
        if dated {
            reply.dated(world.now())
        } else {
            reply
        }
    })
}

/// A user whose MFA code comes from `mfa_process`, with AWS calls going to `sts`.
fn user(sts: &FaultServer) -> Sandbox {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("clock");
    let mut sandbox = Sandbox::new(&moto.url());
    sandbox.init("default", &user);
    sandbox.write(".aws/config", "[default]\nmfa_process = echo 123456\n");
    sandbox.set_env("AWS_ENDPOINT_URL", &sts.url());
    let runtime = sandbox.path("run");
    std::fs::create_dir_all(&runtime).unwrap();
    sandbox.set_env("XDG_RUNTIME_DIR", runtime.to_str().unwrap());
    sandbox
}

/// `stscreds serve` on `clock`, once it serves: the process, its port and its token.
fn serve(sandbox: &Sandbox, clock: &FakeClock) -> (Running, u16, String) {
    let mut command = sandbox.command(&["serve"]);
    clock.apply(&mut command);
    let (server, uri, token) = serving::started(command);
    let port = uri
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/credentials"))
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not a loopback URI: {uri}"));
    (server, port, token)
}

/// One request for the credentials: the status code and the body.
fn fetch(port: u16, token: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

/// Asks every 200 ms, for at most `patience`, until the server answers with the `n`th
/// minted key; how long that took.
fn until_served(port: u16, token: &str, n: usize, patience: Duration) -> Option<Duration> {
    let (key, _, _) = minted(n);
    let started = Instant::now();
    while started.elapsed() < patience {
        let (status, body) = fetch(port, token);
        if status == 200 && body.contains(&key) {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

#[test]
fn after_a_suspend_past_the_expiry_the_next_request_renews_at_once() {
    let world = World::default();
    let sts = sts(&world, SignedDuration::from_hours(1), false);
    let sandbox = user(&sts);
    let clock = FakeClock::ahead_by(&sandbox, 0);
    let (server, port, token) = serve(&sandbox, &clock);
    assert_eq!(fetch(port, &token).0, 200);
    // The lid closes for two hours; the monotonic clock stood still meanwhile.
    world.move_on(2 * 3600);
    clock.set(2 * 3600);
    let took = until_served(port, &token, 1, Duration::from_secs(15));
    assert!(
        took.is_some_and(|took| took < Duration::from_secs(10)),
        "a request after the wake-up must start the overdue renewal (took {took:?}): {}",
        server.stderr()
    );
    assert_eq!(sts.count("GetSessionToken"), 2);
}

#[test]
fn after_a_suspend_the_renewal_starts_within_a_minute_without_any_request() {
    let world = World::default();
    let sts = sts(&world, SignedDuration::from_hours(1), false);
    let sandbox = user(&sts);
    let clock = FakeClock::ahead_by(&sandbox, 0);
    let (server, _port, _token) = serve(&sandbox, &clock);
    // The wall clock jumps past the renewal's time (15 minutes before the expiry).
    world.move_on(50 * 60);
    clock.set(50 * 60);
    let started = Instant::now();
    while sts.count("GetSessionToken") < 2 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(
        sts.count("GetSessionToken"),
        2,
        "no renewal within a minute of the wake-up: {}",
        server.stderr()
    );
    assert!(started.elapsed() < Duration::from_secs(45));
}

#[test]
fn a_renewal_at_its_due_time_gets_a_new_session_and_says_renewed_only_then() {
    let world = World::default();
    let sts = sts(&world, SignedDuration::from_hours(1), false);
    let sandbox = user(&sts);
    let clock = FakeClock::ahead_by(&sandbox, 0);
    let (server, port, token) = serve(&sandbox, &clock);
    assert!(!server.stderr().contains("renewed"), "{}", server.stderr());
    // Just past the due time: a quarter of the hour before the expiry, 14 minutes
    // left. The session on disk is the one held: it must not pass for a renewal.
    world.move_on(46 * 60);
    clock.set(46 * 60);
    assert!(
        until_served(port, &token, 1, Duration::from_secs(15)).is_some(),
        "{}",
        server.stderr()
    );
    assert_eq!(sts.count("GetSessionToken"), 2);
    let stderr = server.stderr();
    assert_eq!(
        stderr.matches("renewed the credentials").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_clock_fourteen_minutes_fast_neither_storms_nor_hides_the_credentials() {
    let world = World::default();
    let sts = sts(&world, SignedDuration::from_mins(15), true);
    let sandbox = user(&sts);
    let clock = FakeClock::ahead_by(&sandbox, 14 * 60);
    let (server, port, token) = serve(&sandbox, &clock);
    std::thread::sleep(Duration::from_secs(4));
    let (status, body) = fetch(port, &token);
    assert_eq!(status, 200, "served until they really expire: {body}");
    assert!(
        sts.count("GetSessionToken") <= 2,
        "{} GetSessionToken calls in 4 seconds: {}",
        sts.count("GetSessionToken"),
        server.stderr()
    );
    let stderr = server.stderr();
    assert_eq!(
        stderr.matches("clock is 14m ahead of AWS's").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn without_a_date_to_go_by_a_fast_clock_costs_one_renewal_a_minute_at_most() {
    let world = World::default();
    let sts = sts(&world, SignedDuration::from_mins(15), false);
    let sandbox = user(&sts);
    let clock = FakeClock::ahead_by(&sandbox, 14 * 60);
    let (server, _port, _token) = serve(&sandbox, &clock);
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        sts.count("GetSessionToken") <= 2,
        "{} GetSessionToken calls in 4 seconds: {}",
        sts.count("GetSessionToken"),
        server.stderr()
    );
}
