//! The credential server in real life: a terminal closed under it, a stdout nobody
//! reads, a port already taken, neighbours on the same machine that hold connections
//! open or use up the descriptors, and a `kill -9` of stscreds that leaves its child
//! with a URL. Every server binds 127.0.0.1; every wait is bounded; each process a test
//! starts is killed with its group at the end; nothing asserts a latency (the CPU
//! time of the accept loop is a count the kernel keeps, not a timing).

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fault::FaultServer;
use crate::support::moto::Moto;
use crate::support::running::{Running, send_signal};
use crate::support::serving::{
    TOKEN_VARIABLE, URI_VARIABLE, exported, http, left_in_runtime_dir, mfa_user, port_of, seeded,
    serve, serving,
};
use crate::support::{dead_endpoint, register_secret};

/// The server's limit on connections held at once (`server::http::MOST_CONNECTIONS`).
const MOST_CONNECTIONS: usize = 256;

/// A process started by a test in a process group of its own, killed with the group
/// when dropped.
struct Started(Child);

impl Started {
    fn spawn(mut command: Command) -> Self {
        Self(command.process_group(0).spawn().expect("spawn"))
    }

    /// Waits at most `patience` for the exit; its code.
    #[track_caller]
    fn exit_code_within(&mut self, patience: Duration) -> Option<i32> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "did not exit within {patience:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

/// Reads lines from `reader` until one contains `text`; all of them.
#[track_caller]
fn read_until(reader: &mut impl BufRead, text: &str) -> String {
    let mut read = String::new();
    while !read.contains(text) {
        let n = reader.read_line(&mut read).unwrap();
        assert!(n > 0, "ended before {text:?}: {read}");
    }
    read
}

/// The `Expiration` of the credentials the server at `port` hands out now.
fn served_expiration(port: u16, token: &str) -> String {
    let answer = http(port, "GET", "/credentials", Some(token));
    assert_eq!(answer.status, 200, "{answer:#?}");
    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    body["Expiration"].as_str().unwrap().to_owned()
}

#[test]
fn a_closed_stderr_does_not_stop_the_renewals() {
    let counter = FaultServer::counting(Moto::shared().url());
    let mut sandbox = mfa_user("neighbours-stderr", &counter.url());
    // Sessions of 15 minutes renewed 14m50s ahead: every ~10 seconds.
    sandbox.set_env("STSCREDS_TEST_RENEW_AHEAD", "14m50s");
    let mut command = sandbox.command(&["serve", "--expires", "15m"]);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut server = Started::spawn(command);
    let mut stdout = BufReader::new(server.0.stdout.take().unwrap());
    let mut stderr = BufReader::new(server.0.stderr.take().unwrap());
    read_until(&mut stderr, "stop with Ctrl-C");
    // The terminal goes away: every later message meets a broken pipe.
    drop(stderr);
    let printed = read_until(&mut stdout, TOKEN_VARIABLE);
    let (uri, token) = (
        exported(&printed, URI_VARIABLE),
        exported(&printed, TOKEN_VARIABLE),
    );
    register_secret(&token);
    let port = port_of(&uri);
    let mut expirations = vec![served_expiration(port, &token)];
    let deadline = Instant::now() + Duration::from_secs(50);
    while expirations.len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let now = served_expiration(port, &token);
        if expirations.last() != Some(&now) {
            expirations.push(now);
        }
    }
    assert_eq!(
        expirations.len(),
        3,
        "two renewals served, with nobody reading stderr: {expirations:?}; {} STS calls",
        counter.count("GetSessionToken")
    );
    send_signal("TERM", server.0.id());
    assert_eq!(
        server.exit_code_within(Duration::from_secs(30)),
        Some(0),
        "stopped cleanly though its last words were lost"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

#[test]
fn serve_with_a_closed_stdout_fails_with_one_line() {
    let sandbox = seeded(&dead_endpoint());
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut command = sandbox.command(&["serve"]);
    command
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped());
    let mut server = Started::spawn(command);
    let mut stderr = String::new();
    let mut pipe = server.0.stderr.take().unwrap();
    let code = server.exit_code_within(Duration::from_secs(30));
    pipe.read_to_string(&mut stderr).unwrap();
    assert_ne!(code, Some(0), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with("error: cannot print the server's variables on stdout"),
        "{stderr}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

#[test]
fn serve_on_a_port_in_use_fails_before_an_mfa_code_is_spent() {
    let counter = FaultServer::counting(Moto::shared().url());
    let sandbox = mfa_user("neighbours-port", &counter.url());
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let run = sandbox.run(&["serve", "--port", &port.to_string()], "");
    let run = run.failure(&format!("cannot listen on 127.0.0.1:{port}"));
    assert_eq!(run.stderr.lines().count(), 1, "one line: {run:#?}");
    assert_eq!(run.stdout, "", "{run:#?}");
    assert_eq!(
        counter.actions(),
        Vec::<String>::new(),
        "no AWS call, no MFA code: {run:#?}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

/// The number of sockets `pid` has open.
fn sockets_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
        .filter(|entry| {
            std::fs::read_link(entry.path())
                .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
        })
        .count()
}

/// Whether the server has closed `stream`, waiting for that until `deadline`.
fn closed_by_then(stream: &mut TcpStream, deadline: Instant) -> bool {
    let left = deadline.saturating_duration_since(Instant::now());
    stream
        .set_read_timeout(Some(left.max(Duration::from_millis(10))))
        .unwrap();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            // An answer (a 408, say) before the close.
            Ok(_) => {}
            Err(error) if error.kind() == ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn a_neighbour_cannot_hold_connections_open_for_ever() {
    let sandbox = seeded(&dead_endpoint());
    let (server, uri, token) = serve(&sandbox, &[]);
    let port = port_of(&uri);
    // The listener and the sockets it holds for other reasons.
    let before = sockets_of(server.pid());
    // 300 requests whose headers never end, and one kept-alive connection left idle
    // after its answer.
    let mut held: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
            write!(stream, "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
            stream
        })
        .collect();
    let mut idle = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    write!(
        idle,
        "GET /credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let sockets = sockets_of(server.pid()) - before;
    assert!(
        sockets <= MOST_CONNECTIONS,
        "{sockets} connections held for 301"
    );
    // Each one is closed by the server: the ones accepted after 5 s, the ones that
    // waited for room 5 s after that.
    let deadline = Instant::now() + Duration::from_secs(20);
    held.push(idle);
    let still_open = held
        .iter_mut()
        .map(|stream| closed_by_then(stream, deadline))
        .filter(|closed| !closed)
        .count();
    assert_eq!(still_open, 0, "connections the server never closed");
    assert_eq!(http(port, "GET", "/credentials", Some(&token)).status, 200);
    drop(server);
}

/// The CPU time `pid` has used, in clock ticks (user and system).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // utime and stime, the 14th and 15th fields of the line (the 12th and 13th here).
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn at_the_descriptor_limit_the_server_waits_instead_of_spinning() {
    let sandbox = seeded(&dead_endpoint());
    let inner = sandbox.command(&["serve"]);
    let mut limited = Command::new("prlimit");
    limited
        .arg("--nofile=48:48")
        .arg("--")
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    let server = Running::spawn(limited);
    let printed = serving(&server);
    let (port, token) = (
        port_of(&exported(&printed, URI_VARIABLE)),
        exported(&printed, TOKEN_VARIABLE),
    );
    register_secret(&token);
    // More connections than descriptors: the rest wait in the kernel's queue.
    let held: Vec<TcpStream> = (0..80)
        .map(|_| TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(server.pid());
    std::thread::sleep(Duration::from_secs(3));
    let used = cpu_ticks(server.pid()) - before;
    // 100 ticks a second: a loop that spins uses most of 300.
    assert!(
        used < 60,
        "{used} ticks of CPU in 3 s with the descriptors used up"
    );
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = http(port, "GET", "/credentials", Some(&token));
        if answer.status == 200 || Instant::now() > deadline {
            assert_eq!(answer.status, 200, "{answer:#?}");
            break;
        }
    }
}

#[test]
fn after_a_kill_9_of_exec_server_no_one_else_can_take_the_port() {
    let sandbox = seeded(&dead_endpoint());
    let child =
        r#"echo "uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI pid=$$"; while :; do sleep 0.05; done"#;
    let server = Running::spawn(sandbox.command(&["exec", "--server", "--", "sh", "-c", child]));
    let printed = server.wait_for_stdout("pid=");
    let uri = printed
        .trim()
        .split_once(" pid=")
        .unwrap()
        .0
        .strip_prefix("uri=")
        .unwrap()
        .to_owned();
    let port = port_of(&uri);
    server.signal("KILL");
    // Dead (a zombie until the test reaps it), its descriptors closed.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(format!("/proc/{}/stat", server.pid()))
        .is_ok_and(|stat| stat[stat.rfind(')').unwrap()..].starts_with(") Z"))
    {
        assert!(Instant::now() < deadline, "stscreds survived kill -9");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Another local user would bind the port to answer the child with credentials
    // of their own.
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, port));
    assert_eq!(
        taken.as_ref().err().map(std::io::Error::kind),
        Some(ErrorKind::AddrInUse),
        "the port was free for anyone to take: {taken:?}"
    );
    // The child's requests wait unanswered (and its SDK gives up).
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    write!(stream, "GET /credentials HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut buffer = [0u8; 64];
    assert!(
        stream
            .read(&mut buffer)
            .is_err_and(|error| error.kind() == ErrorKind::WouldBlock),
        "nobody answers"
    );
    drop(server);
}
