//! `stscreds rotate`: the stored key is replaced by a new one that works, and a
//! failure or a crash at any step leaves a stored key that works: the old one before
//! the new one is stored, the new one after. IAM runs on moto; failures come from the
//! fault server, keyed on the action and on the key that signed the request.

use std::fs;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::fault::{FaultServer, Reply, Request};
use crate::support::moto::{Moto, TestUser};
use crate::support::{Run, Sandbox};
use stscreds::ini::Document;

/// The key moto hands out for every GetSessionToken (and signs MFA-session calls).
const MOTO_SESSION_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// The access key id that signed `request` (from `Credential=KEY/…`).
fn signer(request: &Request) -> &str {
    request
        .authorization
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
}

fn invalid_client_token() -> Reply {
    Reply::aws_error(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
}

fn server_error() -> Reply {
    Reply::aws_error(500, "ServiceFailure", "injected failure")
}

/// A profile initialised with a moto user's key (straight against moto), whose later
/// runs go through a fault server that answers with `handler(request, old_key_id)`.
struct Rotating {
    sandbox: Sandbox,
    /// The same HOME, talking straight to moto: to check which key is stored and works.
    direct: Sandbox,
    server: FaultServer,
    moto: &'static Moto,
    user: TestUser,
    /// `~/.stscreds/credentials` as `init` left it.
    initial: String,
}

impl Rotating {
    fn new(
        prefix: &str,
        handler: impl Fn(&Request, &str) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let moto = Moto::shared();
        let (user, _) = moto.create_user_with_mfa(prefix);
        let old = user.access_key_id.clone();
        let server = FaultServer::start(Some(moto.url()), move |request| handler(request, &old));
        let mut sandbox = Sandbox::new(&moto.url());
        sandbox.init("default", &user);
        sandbox.set_env("AWS_ENDPOINT_URL", &server.url());
        let mut direct = Sandbox::new(&moto.url());
        direct.set_env("HOME", &sandbox.home().display().to_string());
        let initial = sandbox.read(".stscreds/credentials");
        Self {
            sandbox,
            direct,
            server,
            moto,
            user,
            initial,
        }
    }

    fn rotate(&self, extra: &[&str]) -> Run {
        let mut args = vec!["rotate"];
        args.extend_from_slice(extra);
        self.sandbox.run(&args, "")
    }

    /// The key id stored for the default profile (its secret is registered).
    fn stored_key(&self) -> String {
        stored_key(&self.sandbox, "default")
    }

    /// The ids of the user's keys in moto, sorted.
    fn keys_in_moto(&self) -> Vec<String> {
        self.moto.access_key_ids(&self.user)
    }

    /// The key id that signed each `action` request, in order.
    fn signers_of(&self, action: &str) -> Vec<String> {
        self.server
            .requests()
            .iter()
            .filter(|r| r.action == action)
            .map(|r| signer(r).to_owned())
            .collect()
    }

    /// `stscreds whoami` straight against moto finds the user with the stored key.
    #[track_caller]
    fn assert_stored_key_works(&self) {
        self.direct.assert_stored_key_is("default", &self.user.name);
    }

    /// The old key is still stored, still the user's only key, and works.
    #[track_caller]
    fn assert_old_key_kept(&self) {
        assert_eq!(
            self.sandbox.read(".stscreds/credentials"),
            self.initial,
            "stored keys unchanged"
        );
        assert_eq!(
            self.keys_in_moto(),
            vec![self.user.access_key_id.clone()],
            "no new key left behind"
        );
        self.assert_stored_key_works();
    }
}

/// The key id stored for `profile` in `~/.stscreds/credentials`; its secret is
/// registered so that the leak check covers it.
fn stored_key(sandbox: &Sandbox, profile: &str) -> String {
    let text = sandbox.read(".stscreds/credentials");
    let document = Document::parse(&text).unwrap();
    crate::support::register_secret(
        document
            .get(profile, "aws_secret_access_key")
            .expect("a stored secret"),
    );
    document
        .get(profile, "aws_access_key_id")
        .expect("a stored key id")
        .to_owned()
}

#[track_caller]
fn one_error_line(run: &Run) {
    assert_eq!(
        run.stderr.matches("error: ").count(),
        1,
        "exactly one error line: {run:#?}"
    );
}

#[test]
fn rotation_with_authentication_on_replaces_the_key_and_the_old_one_stops_working() {
    let moto = Moto::start();
    let (user, _) = moto.create_user_with_mfa("rotate-auth");
    moto.allow(&user, &["iam:*", "sts:*"]);
    moto.enable_authentication();
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("default", &user);

    let run = sandbox.run(&["rotate"], "").success();

    let new = stored_key(&sandbox, "default");
    assert_ne!(new, user.access_key_id, "the stored key changed");
    assert!(
        new.starts_with("AKIA") && new.len() == 20,
        "a long-term key id: {new}"
    );
    assert!(
        run.stderr.contains(&user.access_key_id) && run.stderr.contains(&new),
        "names both keys: {run:#?}"
    );
    assert!(run.stderr.contains("Rotated profile 'default'"), "{run:#?}");
    let keys = format!("{}\n{}\n", user.access_key_id, user.secret_access_key);
    sandbox
        .run(&["init", "--profile", "old"], &keys)
        .failure("does not recognise the access key");
    sandbox.assert_stored_key_is("default", &user.name);
    sandbox.auth("default");
}

#[test]
fn when_the_policy_needs_mfa_the_keys_are_managed_with_an_mfa_session() {
    let rotating = Rotating::new("rotate-mfa", |request, old| {
        if request.action == "ListAccessKeys" && signer(request) == old {
            Reply::aws_error(
                403,
                "AccessDenied",
                "User is not authorized to perform: iam:ListAccessKeys with an explicit deny",
            )
        } else {
            Reply::Forward
        }
    });
    let old = rotating.user.access_key_id.clone();

    let run = rotating.rotate(&["--token-code", "123456"]).success();

    assert!(
        run.stderr.contains("using one"),
        "says it uses an MFA session: {run:#?}"
    );
    assert_eq!(rotating.server.count("GetSessionToken"), 1, "{run:#?}");
    assert_eq!(
        rotating.signers_of("GetSessionToken"),
        vec![old.clone()],
        "the session comes from the old key"
    );
    assert_eq!(
        rotating.signers_of("ListAccessKeys"),
        vec![old.clone(), MOTO_SESSION_KEY.to_owned()],
        "denied with the long-term key, then listed with the session"
    );
    let new = rotating.stored_key();
    assert_ne!(new, old);
    for action in ["CreateAccessKey", "DeleteAccessKey"] {
        assert_eq!(
            rotating.signers_of(action),
            vec![MOTO_SESSION_KEY.to_owned()],
            "{action} signed with the MFA session"
        );
    }
    assert_eq!(
        rotating.signers_of("GetUser"),
        vec![new.clone()],
        "verified with the new key"
    );
    assert_eq!(rotating.keys_in_moto(), vec![new], "the old key is deleted");
    rotating.assert_stored_key_works();
}

#[test]
fn a_user_with_two_keys_is_told_which_to_delete_and_nothing_changes() {
    let rotating = Rotating::new("rotate-two", |_, _| Reply::Forward);
    let extra = rotating.moto.create_access_key(&rotating.user);
    let before = rotating.keys_in_moto();
    assert_eq!(before.len(), 2);

    let run = rotating.rotate(&[]).failure("already has two access keys");

    one_error_line(&run);
    assert!(
        run.stderr.contains(&format!(
            "aws iam delete-access-key --user-name {} --access-key-id {}",
            rotating.user.name, extra.access_key_id
        )),
        "names the extra key: {run:#?}"
    );
    assert!(run.stderr.contains("nothing was changed"), "{run:#?}");
    assert_eq!(
        (
            rotating.server.count("CreateAccessKey"),
            rotating.server.count("DeleteAccessKey")
        ),
        (0, 0)
    );
    assert_eq!(rotating.keys_in_moto(), before);
    assert_eq!(
        rotating.sandbox.read(".stscreds/credentials"),
        rotating.initial
    );
    rotating.assert_stored_key_works();
}

#[test]
fn a_failing_or_silent_key_listing_changes_nothing() {
    let failing = Rotating::new("rotate-list-500", |request, _| {
        match request.action.as_str() {
            "ListAccessKeys" => server_error(),
            _ => Reply::Forward,
        }
    });
    let run = failing
        .rotate(&[])
        .failure("AWS failed with HTTP 500 on iam:ListAccessKeys");
    one_error_line(&run);
    assert_eq!(failing.server.count("CreateAccessKey"), 0);
    failing.assert_old_key_kept();

    let mut silent = Rotating::new("rotate-list-hang", |request, _| {
        match request.action.as_str() {
            "ListAccessKeys" => Reply::Hang,
            _ => Reply::Forward,
        }
    });
    silent.sandbox.set_env("STSCREDS_TIMEOUT", "1s");
    let run = silent
        .rotate(&[])
        .failure("iam:ListAccessKeys timed out waiting for AWS");
    one_error_line(&run);
    assert_eq!(silent.server.count("CreateAccessKey"), 0);
    silent.assert_old_key_kept();
}

#[test]
fn a_failing_key_creation_changes_nothing() {
    let rotating = Rotating::new("rotate-create", |request, _| {
        match request.action.as_str() {
            "CreateAccessKey" => server_error(),
            _ => Reply::Forward,
        }
    });
    let run = rotating
        .rotate(&[])
        .failure("AWS failed with HTTP 500 on iam:CreateAccessKey");
    one_error_line(&run);
    assert_eq!(rotating.server.count("DeleteAccessKey"), 0);
    rotating.assert_old_key_kept();
}

#[test]
fn a_new_key_that_never_works_is_deleted_again() {
    let mut rotating = Rotating::new("rotate-verify", |request, old| {
        if request.action == "GetUser" && signer(request) != old {
            invalid_client_token()
        } else {
            Reply::Forward
        }
    });
    rotating.sandbox.set_env("STSCREDS_ROTATE_WAIT", "2s");

    let run = rotating.rotate(&[]).failure("did not start working");

    one_error_line(&run);
    let verifications = rotating.signers_of("GetUser");
    assert!(verifications.len() >= 2, "retried: {verifications:?}");
    let new = &verifications[0];
    assert!(
        run.stderr
            .contains(&format!("the new access key {new} did not start working"))
            && run.stderr.contains("the new key was deleted again")
            && run.stderr.contains(&format!(
                "the stored key {} is unchanged and still active",
                rotating.user.access_key_id
            )),
        "{run:#?}"
    );
    assert_eq!(
        rotating
            .server
            .requests()
            .iter()
            .filter(|r| r.action == "DeleteAccessKey")
            .map(|r| r.body.contains(&format!("AccessKeyId={new}")))
            .collect::<Vec<_>>(),
        vec![true],
        "only the new key is deleted"
    );
    rotating.assert_old_key_kept();
}

#[test]
fn a_new_key_that_cannot_be_stored_is_deleted_again() {
    let rotating = Rotating::new("rotate-store", |_, _| Reply::Forward);
    // Every write to ~/.stscreds takes the edit lock first; a directory in the lock
    // file's place makes writes fail (even for root) while reads still work.
    let lock = rotating.sandbox.path(".stscreds/.lock");
    let _ = fs::remove_file(&lock);
    fs::create_dir(&lock).unwrap();

    let run = rotating.rotate(&[]).failure("could not be stored");

    fs::remove_dir(&lock).unwrap();
    one_error_line(&run);
    assert!(
        run.stderr.contains("the new key was deleted again")
            && run.stderr.contains(&format!(
                "the stored key {} is unchanged and still active",
                rotating.user.access_key_id
            )),
        "{run:#?}"
    );
    assert_eq!(rotating.server.count("CreateAccessKey"), 1);
    rotating.assert_old_key_kept();
}

#[test]
fn an_old_key_that_cannot_be_deleted_is_named_with_the_command_to_delete_it() {
    let rotating = Rotating::new("rotate-delete", |request, _| {
        match request.action.as_str() {
            "DeleteAccessKey" => server_error(),
            _ => Reply::Forward,
        }
    });
    let old = rotating.user.access_key_id.clone();

    let run = rotating.rotate(&[]).failure("could not be deleted");

    one_error_line(&run);
    let new = rotating.stored_key();
    assert_ne!(new, old, "the new key is stored");
    assert!(
        run.stderr
            .contains(&format!("the new access key {new} is stored and active"))
            && run.stderr.contains(&format!(
                "aws iam delete-access-key --user-name {} --access-key-id {old}",
                rotating.user.name
            )),
        "{run:#?}"
    );
    let mut both = vec![old, new];
    both.sort();
    assert_eq!(rotating.keys_in_moto(), both, "the old key is still there");
    rotating.assert_stored_key_works();
}

/// Starts `stscreds rotate`, waits (at most 20 s) until the fault server has received
/// `action`, then kills the process with SIGKILL.
fn kill_rotation_at(rotating: &Rotating, action: &str) {
    let mut child = rotating
        .sandbox
        .command(&["rotate"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while rotating.server.count(action) == 0 {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!(
                "rotate never sent {action}: {:?}",
                rotating.server.actions()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn killed_while_creating_the_key_the_old_key_stays() {
    let rotating = Rotating::new("rotate-kill-create", |request, _| {
        match request.action.as_str() {
            "CreateAccessKey" => Reply::Hang,
            _ => Reply::Forward,
        }
    });
    kill_rotation_at(&rotating, "CreateAccessKey");
    rotating.assert_old_key_kept();
}

#[test]
fn killed_while_deleting_the_old_key_the_new_key_is_stored() {
    let rotating = Rotating::new("rotate-kill-delete", |request, _| {
        match request.action.as_str() {
            "DeleteAccessKey" => Reply::Hang,
            _ => Reply::Forward,
        }
    });
    let old = rotating.user.access_key_id.clone();
    kill_rotation_at(&rotating, "DeleteAccessKey");

    let new = rotating.stored_key();
    assert_ne!(new, old, "the new key is stored");
    let mut both = vec![old.clone(), new];
    both.sort();
    assert_eq!(rotating.keys_in_moto(), both);
    rotating.assert_stored_key_works();
    // Rotating again points at the old key left behind.
    rotating
        .direct
        .run(&["rotate"], "")
        .failure(&format!("--access-key-id {old}"));
}

#[test]
fn a_new_key_is_retried_while_iam_propagates_it() {
    let refusals = AtomicUsize::new(0);
    let rotating = Rotating::new("rotate-propagate", move |request, old| {
        if request.action == "GetUser"
            && signer(request) != old
            && refusals.fetch_add(1, Ordering::SeqCst) < 2
        {
            invalid_client_token()
        } else {
            Reply::Forward
        }
    });
    let old = rotating.user.access_key_id.clone();

    rotating.rotate(&[]).success();

    let new = rotating.stored_key();
    assert_ne!(new, old);
    assert_eq!(
        rotating.signers_of("GetUser"),
        vec![new.clone(), new.clone(), new.clone()],
        "two refusals, then success"
    );
    assert_eq!(rotating.keys_in_moto(), vec![new]);
    rotating.assert_stored_key_works();
}

/// Whether `strace` can run here (it is used to inject a failed `fsync`).
fn strace_works() -> bool {
    std::process::Command::new("strace")
        .args(["-qq", "-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn a_store_that_fails_after_writing_the_new_key_keeps_the_new_key() {
    if !strace_works() {
        eprintln!("skipped: strace cannot run here");
        return;
    }
    let rotating = Rotating::new("rotate-fsync", |_, _| Reply::Forward);
    // The new file is renamed into place, then syncing ~/.stscreds fails: the store
    // reports an error, yet holds the new key, which must therefore not be deleted.
    let inner = rotating.sandbox.command(&["rotate"]);
    let mut command = std::process::Command::new("strace");
    command
        .args(["-f", "-qq", "-o", "/dev/null", "-P"])
        .arg(rotating.sandbox.path(".stscreds"))
        .args(["-e", "trace=fsync", "-e", "inject=fsync:error=EIO", "--"])
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    let old = rotating.user.access_key_id.clone();

    let run = crate::support::run_with_stdin(command, "").failure("Input/output error");

    one_error_line(&run);
    let new = rotating.stored_key();
    assert_ne!(new, old, "the new key was written");
    assert!(
        run.stderr
            .contains(&format!("the new access key {new} is stored and active"))
            && run.stderr.contains(&format!("--access-key-id {old}")),
        "{run:#?}"
    );
    let mut both = vec![old, new];
    both.sort();
    assert_eq!(rotating.keys_in_moto(), both, "neither key deleted");
    rotating.assert_stored_key_works();
}

#[test]
fn stopped_while_checking_the_new_key_the_message_names_it() {
    let rotating = Rotating::new("rotate-term-verify", |request, old| {
        match request.action.as_str() {
            "GetUser" if signer(request) != old => Reply::Hang,
            _ => Reply::Forward,
        }
    });
    let child = rotating
        .sandbox
        .command(&["rotate"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while rotating.signers_of("GetUser").is_empty() {
        assert!(Instant::now() < deadline, "{:?}", rotating.server.actions());
        std::thread::sleep(Duration::from_millis(10));
    }
    let signal = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let run = Run::from(child.wait_with_output().unwrap());
    assert_eq!(run.code, Some(143), "{run:#?}");
    let new = rotating.signers_of("GetUser")[0].clone();
    assert!(
        run.stderr.contains(&format!(
            "the new access key {new} exists in IAM but is not stored"
        )) && run.stderr.contains(&format!("--access-key-id {new}")),
        "{run:#?}"
    );
    one_error_line(&run);
    assert_eq!(
        rotating.sandbox.read(".stscreds/credentials"),
        rotating.initial
    );
}

#[test]
fn a_new_key_refused_for_good_is_not_retried() {
    let rotating = Rotating::new("rotate-clock", |request, old| {
        match request.action.as_str() {
            "GetUser" if signer(request) != old => {
                Reply::aws_error(403, "RequestExpired", "Request has expired (injected)")
            }
            _ => Reply::Forward,
        }
    });
    let run = rotating
        .rotate(&[])
        .failure("set this computer's clock right");
    assert_eq!(rotating.signers_of("GetUser").len(), 1, "{run:#?}");
    one_error_line(&run);
    rotating.assert_old_key_kept();
}
