//! `stscreds login`: the console sign-in through the federation endpoint, against moto
//! (STS, behind a counting server) and a fake federation endpoint on 127.0.0.1
//! (`STSCREDS_SIGNIN_ENDPOINT`). What reaches the endpoint (exactly the role's
//! credentials; `SessionDuration` only where AWS honours it), the URL and where it
//! lands per partition and service, one MFA prompt shared with `auth`, the refusal of
//! a profile without a role, `--federation-token` and its warning, how the URL reaches
//! a browser, and each way the endpoint can fail.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::fault::{FaultServer, Reply};
use crate::support::federation::{Answer, FederationServer, SigninRequest};
use crate::support::moto::{Moto, TestUser};
use crate::support::{
    Run, Sandbox, dead_endpoint, python, register_secret, run_with_stdin, without_network,
};
use stscreds::ini::Document;

/// The session token moto hands out for every GetFederationToken (its key id and
/// secret are those of its GetSessionToken answers).
const MOTO_FEDERATION_TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

/// A sandbox whose `base` profile holds a user's keys, with STS calls counted on
/// their way to moto and the federation endpoint replaced by a fake one.
struct Login {
    sandbox: Sandbox,
    counter: FaultServer,
    federation: FederationServer,
    user: TestUser,
}

impl Login {
    /// `config` is written as ~/.aws/config.
    fn new(config: &str, federation: FederationServer) -> Self {
        let moto = Moto::shared();
        let (user, _) = moto.create_user_with_mfa("login");
        Self::with_counter(config, federation, FaultServer::counting(moto.url()), user)
    }

    fn with_counter(
        config: &str,
        federation: FederationServer,
        counter: FaultServer,
        user: TestUser,
    ) -> Self {
        let mut sandbox = Sandbox::new(&counter.url());
        sandbox.set_env("STSCREDS_SIGNIN_ENDPOINT", &federation.url());
        sandbox.init("base", &user);
        sandbox.write(".aws/config", config);
        counter.clear();
        Self {
            sandbox,
            counter,
            federation,
            user,
        }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Run {
        self.sandbox.run(args, stdin)
    }

    fn count(&self, action: &str) -> usize {
        self.counter.count(action)
    }

    /// The one request the federation endpoint received.
    fn only_signin_request(&self) -> SigninRequest {
        let requests = self.federation.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.into_iter().next().unwrap()
    }

    /// The role session cached for `profile`: key id, secret, token.
    fn cached_role_session(&self, profile: &str) -> serde_json::Value {
        let document = Document::parse(&self.sandbox.read(".stscreds/sessions")).unwrap();
        let value = |key| document.get(profile, key).unwrap().to_owned();
        serde_json::json!({
            "sessionId": value("aws_access_key_id"),
            "sessionKey": value("aws_secret_access_key"),
            "sessionToken": value("aws_session_token"),
        })
    }
}

fn role_profile(name: &str, role_arn: &str, source: &str, extra: &str) -> String {
    format!("[profile {name}]\nrole_arn = {role_arn}\nsource_profile = {source}\n{extra}")
}

/// The login URL's parameters, after checking it goes to `endpoint`'s `/federation`.
fn login_params(url: &str, endpoint: &str) -> Vec<(String, String)> {
    let (base, query) = url.trim_end().split_once('?').expect("a query");
    assert_eq!(base, format!("{endpoint}/federation"), "{url}");
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// Checks that `url` is the login URL of `federation`'s token, landing on `destination`.
#[track_caller]
fn assert_login_url(url: &str, federation: &FederationServer, destination: &str) {
    let pairs = |list: [(&str, &str); 4]| -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        login_params(url, &federation.url()),
        pairs([
            ("Action", "login"),
            ("Issuer", "stscreds"),
            ("Destination", destination),
            ("SigninToken", federation.token()),
        ])
    );
}

/// Panics if any file under `dir` holds `text`.
#[track_caller]
fn assert_no_file_holds(dir: &Path, text: &str) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_no_file_holds(&path, text);
        } else if let Ok(bytes) = fs::read(&path) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(text),
                "{} holds it",
                path.display()
            );
        }
    }
}

/// Panics unless stderr has exactly one `error:` line, containing `text`, and the
/// run failed with nothing on stdout.
#[track_caller]
fn assert_one_error_line(run: &Run, text: &str) {
    assert_ne!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{run:#?}");
    assert!(errors[0].contains(text), "expected {text:?}: {run:#?}");
}

#[test]
fn a_role_profile_signs_in_with_the_roles_credentials_after_one_mfa_prompt_for_auth_and_login() {
    let role = Moto::shared().create_role("Console");
    let login = Login::new(
        &role_profile("dev", &role, "base", ""),
        FederationServer::start(Answer::Token),
    );
    login
        .run(&["auth", "--profile", "dev"], "123456\n")
        .success();
    // No code on stdin: a second prompt would fail.
    let run = login
        .run(&["login", "--profile", "dev", "--stdout"], "")
        .success();
    assert_eq!(
        (login.count("GetSessionToken"), login.count("AssumeRole")),
        (1, 1),
        "login reused the session auth got"
    );
    let request = login.only_signin_request();
    assert!(request.well_formed, "{request:#?}");
    assert_eq!(
        request.session(),
        login.cached_role_session("dev"),
        "exactly the role's key id, secret and token"
    );
    assert_eq!(request.param("SessionDuration"), None, "{request:#?}");
    assert_eq!(run.stdout.lines().count(), 1, "only the URL: {run:#?}");
    assert_login_url(
        &run.stdout,
        &login.federation,
        "https://console.aws.amazon.com/console/home?region=us-east-1",
    );
    assert!(
        run.stderr.contains(&format!(
            "The URL on stdout signs in to the AWS console as role {role} (profile 'dev'): open it within 15 minutes, and share it with no one; the console session lasts as long as its credentials: until "
        )),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("Signed in"),
        "nothing was opened: {run:#?}"
    );
    for secret in ["sessionKey", "sessionToken"] {
        let value = request.session()[secret].as_str().unwrap().to_owned();
        assert!(!run.stderr.contains(&value), "{run:#?}");
    }
    assert_no_file_holds(login.sandbox.home(), login.federation.token());
}

#[test]
fn session_duration_is_sent_only_for_one_role_assumed_with_the_long_term_keys() {
    let moto = Moto::shared();
    let (long, plain) = (moto.create_role("Long"), moto.create_role("Plain"));
    let chained = moto.create_role("Chained");
    let config = role_profile("long", &long, "base", "duration_seconds = 14400\n")
        + &role_profile("plain", &plain, "base", "")
        + &role_profile("chained", &chained, "long", "");
    let login = Login::new(&config, FederationServer::start(Answer::Token));
    let session_duration = |args: &[&str]| {
        let mut line = vec!["login", "--stdout", "--token-code", "123456"];
        line.extend_from_slice(args);
        let run = login.run(&line, "").success();
        let request = login.federation.requests().pop().unwrap();
        assert!(request.well_formed, "{request:#?}");
        (request.param("SessionDuration").map(str::to_owned), run)
    };

    let (sent, run) = session_duration(&["--profile", "long"]);
    assert_eq!(sent.as_deref(), Some("14400"), "{run:#?}");
    assert!(
        run.stderr.contains("the console session lasts 4h (until "),
        "{run:#?}"
    );
    assert_eq!(
        login.count("GetSessionToken"),
        0,
        "assumed with the long-term keys"
    );
    let assumed = login.counter.requests().pop().unwrap().body;
    assert!(
        assumed.contains("TokenCode=123456") && assumed.contains("DurationSeconds=14400"),
        "{assumed}"
    );

    let (sent, run) = session_duration(&["--profile", "plain", "--duration", "2h"]);
    assert_eq!(sent.as_deref(), Some("7200"), "{run:#?}");

    let (sent, run) = session_duration(&["--profile", "plain"]);
    assert_eq!(
        sent, None,
        "the cached 2h session is reused, but not asked to last: {run:#?}"
    );

    let (sent, run) = session_duration(&["--profile", "chained"]);
    assert_eq!(
        sent, None,
        "a role assumed with another role's credentials: {run:#?}"
    );
    assert!(
        run.stderr.contains("lasts as long as its credentials"),
        "{run:#?}"
    );
}

#[test]
fn a_cached_session_from_the_base_session_is_not_passed_off_as_one_from_the_long_term_keys() {
    let role = Moto::shared().create_role("Grown");
    let login = Login::new(
        &role_profile("grown", &role, "base", ""),
        FederationServer::start(Answer::Token),
    );
    login.sandbox.auth("grown");
    let assumed_through_the_base_session = login.cached_role_session("grown");
    login.sandbox.write(
        ".aws/config",
        &role_profile("grown", &role, "base", "duration_seconds = 7200\n"),
    );
    let run = login
        .run(
            &[
                "login",
                "--profile",
                "grown",
                "--stdout",
                "--token-code",
                "123456",
            ],
            "",
        )
        .success();
    assert_eq!(login.count("AssumeRole"), 2, "assumed again: {run:#?}");
    let request = login.only_signin_request();
    assert_eq!(
        request.param("SessionDuration"),
        Some("7200"),
        "{request:#?}"
    );
    assert_ne!(request.session(), assumed_through_the_base_session);
    assert_eq!(request.session(), login.cached_role_session("grown"));
}

#[test]
fn a_profile_without_a_role_is_refused_with_the_two_honest_choices_and_no_aws_call() {
    let login = Login::new(
        "[profile base]\nregion = eu-west-1\n",
        FederationServer::start(Answer::Token),
    );
    let run = login.run(&["login", "--profile", "base", "--stdout"], "123456\n");
    // Right after `init`, no MFA device is known yet: the account would take an AWS call.
    assert_one_error_line(
        &run,
        "the AWS console does not accept the MFA session of profile 'base' (sts:GetSessionToken credentials)",
    );
    assert!(
        run.stderr.contains(
            "\n[profile base-console]\nrole_arn = arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME\nsource_profile = base\n"
        ) && run.stderr.contains("`stscreds login --profile base-console`")
            && run
                .stderr
                .contains("`stscreds login --profile base --federation-token`"),
        "{run:#?}"
    );
    assert!(login.counter.requests().is_empty(), "no AWS call");
    assert!(login.federation.requests().is_empty());
}

#[test]
fn the_role_profile_suggested_for_a_profile_without_a_role_names_its_account() {
    let suggested = |account: &str| {
        format!("\n[profile base-console]\nrole_arn = arn:aws:iam::{account}:role/ROLE_NAME\n")
    };
    let configured = Login::new(
        "[profile base]\nmfa_serial = arn:aws:iam::111122223333:mfa/phone\n",
        FederationServer::start(Answer::Token),
    );
    let run = configured.run(&["login", "--profile", "base", "--stdout"], "");
    assert!(run.stderr.contains(&suggested("111122223333")), "{run:#?}");
    assert!(configured.counter.requests().is_empty(), "no AWS call");

    let remembered = Login::new("[profile base]\n", FederationServer::start(Answer::Token));
    remembered.sandbox.auth("base");
    remembered.counter.clear();
    let run = remembered.run(&["login", "--profile", "base", "--stdout"], "");
    assert!(
        run.stderr.contains(&suggested("123456789012")),
        "moto's account, of the MFA device auth used: {run:#?}"
    );
    assert!(remembered.counter.requests().is_empty(), "no AWS call");
}

#[test]
fn federation_token_signs_in_with_the_long_term_keys_and_says_there_is_no_mfa() {
    register_secret(MOTO_FEDERATION_TOKEN);
    let login = Login::new("[profile base]\n", FederationServer::start(Answer::Token));
    let run = login
        .run(
            &[
                "login",
                "--profile",
                "base",
                "--federation-token",
                "--stdout",
            ],
            "",
        )
        .success();
    assert!(
        run.stderr
            .contains("warning: the console session of --federation-token has NO MFA")
            && run
                .stderr
                .contains("`stscreds policy --profile base --federation-token`"),
        "{run:#?}"
    );
    assert_eq!(
        login.counter.actions(),
        ["GetFederationToken"],
        "the user name was learned by init"
    );
    let call = login.counter.requests().pop().unwrap();
    assert!(
        call.authorization
            .contains(&format!("Credential={}/", login.user.access_key_id)),
        "signed with the long-term key: {call:#?}"
    );
    assert!(
        call.body.contains(&format!("Name={}", login.user.name))
            && call.body.contains("Policy=")
            && !call.body.contains("TokenCode"),
        "{call:#?}"
    );
    let request = login.only_signin_request();
    assert_eq!(
        request.session(),
        serde_json::json!({
            "sessionId": "AKIAIOSFODNN7EXAMPLE",
            "sessionKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            "sessionToken": MOTO_FEDERATION_TOKEN,
        })
    );
    assert_eq!(
        request.param("SessionDuration"),
        None,
        "AWS refuses it here"
    );
    assert!(
        run.stderr.contains(&format!(
            "as federated user {} (profile 'base', WITHOUT MFA)",
            login.user.name
        )),
        "{run:#?}"
    );
    assert_login_url(
        &run.stdout,
        &login.federation,
        "https://console.aws.amazon.com/console/home?region=us-east-1",
    );

    let policy = login
        .run(&["policy", "--profile", "base", "--federation-token"], "")
        .success();
    assert!(
        policy.stdout.contains(&format!(
            "\"arn:aws:sts::123456789012:federated-user/{}\"",
            login.user.name
        )),
        "{policy:#?}"
    );
}

#[test]
fn a_denied_federation_token_points_to_the_policy_statement() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("login-denied");
    let counter = FaultServer::start(Some(moto.url()), |request| {
        if request.action == "GetFederationToken" {
            Reply::aws_error(
                403,
                "AccessDenied",
                "User is not authorized to perform: sts:GetFederationToken",
            )
        } else {
            Reply::Forward
        }
    });
    let login = Login::with_counter("", FederationServer::start(Answer::Token), counter, user);
    let run = login.run(&["login", "--profile", "base", "--federation-token"], "");
    assert_one_error_line(
        &run,
        "AWS denied sts:GetFederationToken: User is not authorized to perform: sts:GetFederationToken; the IAM policy stscreds recommends allows it only with the statement `stscreds policy --profile base --federation-token` adds",
    );
    assert!(login.federation.requests().is_empty());
}

#[test]
fn the_destination_follows_the_region_partition_service_and_destination_options() {
    let role = Moto::shared().create_role("Where");
    let login = Login::new(
        &role_profile("dev", &role, "base", "region = ap-southeast-2\n"),
        FederationServer::start(Answer::Token),
    );
    login.sandbox.auth("dev");
    let cases: [(&[&str], &str); 7] = [
        (
            &[],
            "https://ap-southeast-2.console.aws.amazon.com/console/home?region=ap-southeast-2",
        ),
        (
            &["--region", "eu-west-1"],
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1",
        ),
        (
            &["--region", "cn-north-1"],
            "https://console.amazonaws.cn/console/home?region=cn-north-1",
        ),
        (
            &["--region", "us-gov-west-1", "--service", "s3"],
            "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1",
        ),
        (
            &["--region", "eu-west-1", "--service", "ec2"],
            "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1",
        ),
        (
            &["--service", "iam"],
            "https://console.aws.amazon.com/iam/home",
        ),
        (
            &[
                "--destination",
                "https://console.aws.amazon.com/ec2/home#Instances:",
            ],
            "https://console.aws.amazon.com/ec2/home#Instances:",
        ),
    ];
    for (options, destination) in cases {
        let mut args = vec!["login", "--profile", "dev", "--stdout"];
        args.extend_from_slice(options);
        let run = login.run(&args, "").success();
        assert_login_url(&run.stdout, &login.federation, destination);
    }
    assert_eq!(
        login.count("AssumeRole"),
        1,
        "one cached session served them all"
    );

    for (options, text) in [
        (
            ["--region", "eu-west-1.evil.example"],
            "is not an AWS region name",
        ),
        (["--region", "us-iso-east-1"], "cannot sign in to"),
        (["--service", "../s3"], "is not a console service name"),
        (["--destination", "http://x"], "is not an https:// URL"),
    ] {
        let mut args = vec!["login", "--profile", "dev", "--stdout"];
        args.extend_from_slice(&options);
        assert_one_error_line(&login.run(&args, ""), text);
    }
    assert_eq!(
        login.federation.requests().len(),
        7,
        "no call for a bad option"
    );
}

#[test]
fn without_the_test_endpoint_the_sign_in_goes_to_the_partitions_own_host() {
    let role = Moto::shared().create_role("Hosts");
    let mut login = Login::new(
        &role_profile("dev", &role, "base", ""),
        FederationServer::start(Answer::Token),
    );
    login.sandbox.auth("dev");
    login.sandbox.set_env("STSCREDS_SIGNIN_ENDPOINT", "");
    for (region, origin) in [
        ("us-east-1", "https://signin.aws.amazon.com"),
        ("eu-west-1", "https://eu-west-1.signin.aws.amazon.com"),
        ("cn-north-1", "https://signin.amazonaws.cn"),
        ("us-gov-west-1", "https://signin.amazonaws-us-gov.com"),
    ] {
        let inner =
            login
                .sandbox
                .command(&["login", "--profile", "dev", "--stdout", "--region", region]);
        let run = run_with_stdin(without_network(inner), "");
        assert_one_error_line(
            &run,
            &format!("cannot reach the AWS sign-in endpoint at {origin}: "),
        );
    }
}

/// A shell script that records its arguments, one `[ARG]` per line after their count,
/// in `file`; run as `sh SCRIPT` (never executed itself, so never busy).
fn argv_recorder(sandbox: &Sandbox, file: &str) -> String {
    let script = sandbox.path("record-argv.sh");
    fs::write(
        &script,
        format!(
            "out='{}'\nprintf '%s\\n' \"$#\" > \"$out\"\nfor arg in \"$@\"; do printf '[%s]\\n' \"$arg\" >> \"$out\"; done\n",
            sandbox.path(file).display()
        ),
    )
    .unwrap();
    format!("sh {}", script.display())
}

#[test]
fn the_url_reaches_the_browser_as_one_argument_and_never_stderr() {
    let role = Moto::shared().create_role("Browser");
    let mut login = Login::new(
        &role_profile("dev", &role, "base", ""),
        FederationServer::start(Answer::Token),
    );
    login.sandbox.auth("dev");
    let recorder = argv_recorder(&login.sandbox, "argv");
    let destination = "https://console.aws.amazon.com/console/home?region=us-east-1";

    let browser = format!("{recorder} --new-window");
    let run = login
        .run(
            &[
                "login",
                "--profile",
                "dev",
                "--verbose",
                "--browser",
                &browser,
            ],
            "",
        )
        .success();
    assert!(run.stdout.is_empty(), "{run:#?}");
    let argv = login.sandbox.read("argv");
    let lines: Vec<&str> = argv.lines().collect();
    assert_eq!(lines[..2], ["2", "[--new-window]"], "{argv}");
    let url = lines[2].trim_start_matches('[').trim_end_matches(']');
    assert_login_url(url, &login.federation, destination);
    assert!(
        run.stderr
            .contains("stscreds: federation:getSigninToken answered HTTP 200 in ")
            && run
                .stderr
                .contains(&format!(" ms at {}\n", login.federation.url())),
        "traced by origin only: {run:#?}"
    );
    assert!(
        run.stderr.contains("Opened the console with sh "),
        "{run:#?}"
    );
    let session = login.cached_role_session("dev");
    for hidden in [
        url,
        "SigninToken=",
        "federation?",
        session["sessionKey"].as_str().unwrap(),
        session["sessionToken"].as_str().unwrap(),
    ] {
        assert!(
            !run.stderr.contains(hidden),
            "{hidden:?} on stderr: {run:#?}"
        );
    }

    login.sandbox.set_env("BROWSER", &recorder);
    let run = login
        .run(&["login", "--profile", "dev", "-v"], "")
        .success();
    let argv = login.sandbox.read("argv");
    let lines: Vec<&str> = argv.lines().collect();
    assert_eq!(lines.len(), 2, "{argv}");
    assert_eq!(lines[0], "1", "{argv}");
    assert_login_url(
        lines[1].trim_start_matches('[').trim_end_matches(']'),
        &login.federation,
        destination,
    );
    assert!(!run.stderr.contains("SigninToken="), "{run:#?}");
}

/// A browser, `PYTHON SCRIPT`, that records in `file` (as JSON) what it was given:
/// its environment, whether it leads a process group of its own, and where each of
/// its descriptors leads, but the one it reads that list through.
fn surroundings_recorder(sandbox: &Sandbox, file: &str) -> String {
    let script = sandbox.path("record-surroundings.py");
    fs::write(
        &script,
        format!(
            r#"import json, os, sys
fds = {{}}
for fd in os.listdir("/proc/self/fd"):
    try:
        fds[fd] = os.readlink(f"/proc/self/fd/{{fd}}")
    except OSError:
        pass  # the listing's own, closed by now
seen = {{"env": dict(os.environ), "own_group": os.getpgid(0) == os.getpid(), "fds": fds}}
with open({out:?}, "w") as out:
    json.dump(seen, out)
"#,
            out = sandbox.path(file).display().to_string()
        ),
    )
    .unwrap();
    format!("{} {}", python().display(), script.display())
}

#[test]
fn the_browser_gets_neither_the_passphrase_nor_our_pipes_and_runs_on_its_own() {
    let role = Moto::shared().create_role("Surroundings");
    let mut login = Login::new(
        &role_profile("dev", &role, "base", ""),
        FederationServer::start(Answer::Token),
    );
    login.sandbox.auth("dev");
    login
        .sandbox
        .set_env("STSCREDS_FILE_PASSPHRASE", "browsers never see this");
    let browser = surroundings_recorder(&login.sandbox, "surroundings");
    let inner = login
        .sandbox
        .command(&["login", "--profile", "dev", "--browser", &browser]);
    // A caller that also reads a pipe of its own on descriptor 3.
    let mut caller = Command::new("sh");
    caller
        .args(["-c", "exec \"$@\" 3>&2", "sh"])
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    run_with_stdin(caller, "").success();
    let seen: serde_json::Value =
        serde_json::from_str(&login.sandbox.read("surroundings")).unwrap();
    assert!(seen["env"]["HOME"].is_string(), "{seen:#}");
    assert!(
        seen["env"].get("STSCREDS_FILE_PASSPHRASE").is_none(),
        "{seen:#}"
    );
    assert_eq!(seen["own_group"], true, "{seen:#}");
    let fds = seen["fds"].as_object().unwrap();
    for fd in ["0", "1", "2"] {
        assert_eq!(fds[fd], "/dev/null", "descriptor {fd}: {seen:#}");
    }
    assert_eq!(fds.len(), 3, "no other descriptors: {seen:#}");
}

#[test]
fn when_no_browser_opens_the_url_goes_to_stderr_with_a_note() {
    let role = Moto::shared().create_role("NoBrowser");
    let mut login = Login::new(
        &role_profile("dev", &role, "base", ""),
        FederationServer::showing_its_token(Answer::Token),
    );
    login.sandbox.auth("dev");
    let destination = "https://console.aws.amazon.com/console/home?region=us-east-1";
    let empty = tempfile::tempdir().unwrap();
    let cases: [(&[&str], Option<&str>, &str); 3] = [
        (
            &["--browser", "/nonexistent/browser"],
            None,
            "no browser opened (cannot run /nonexistent/browser: ",
        ),
        (
            &["--browser", "false"],
            None,
            "no browser opened (false failed (exit status: 1))",
        ),
        (
            &[],
            Some(&empty.path().display().to_string()),
            "no browser opened (cannot run xdg-open: ",
        ),
    ];
    for (options, path, note) in cases {
        if let Some(path) = path {
            login.sandbox.set_env("PATH", path);
        }
        let mut args = vec!["login", "--profile", "dev"];
        args.extend_from_slice(options);
        let run = login.run(&args, "").success();
        assert!(run.stdout.is_empty(), "{run:#?}");
        let lines: Vec<&str> = run.stderr.lines().collect();
        let note_line = lines
            .iter()
            .position(|line| line.starts_with("warning: "))
            .unwrap_or_else(|| panic!("no note: {run:#?}"));
        assert!(lines[note_line].contains(note), "{run:#?}");
        assert!(lines[note_line].contains("within 15 minutes"), "{run:#?}");
        assert_login_url(lines[note_line + 1], &login.federation, destination);
    }
}

#[test]
fn each_failure_of_the_federation_endpoint_is_one_clear_line() {
    let role = Moto::shared().create_role("Failures");
    let mut login = Login::new(
        &role_profile("dev", &role, "base", ""),
        FederationServer::start(Answer::Token),
    );
    login.sandbox.auth("dev");
    login.sandbox.set_env("STSCREDS_TIMEOUT", "1s");
    let cases = [
        (
            Answer::Status(500),
            "the AWS sign-in endpoint failed with HTTP 500; this is on AWS's side",
        ),
        (
            Answer::Status(400),
            "the AWS sign-in endpoint refused the credentials of profile 'dev' (HTTP 400); they may have been revoked: run `stscreds clear --profile dev`",
        ),
        (
            Answer::Status(404),
            "to the console sign-in was not AWS's (HTTP 404, 8 bytes of text/plain)",
        ),
        (
            Answer::Html,
            "to the console sign-in was not AWS's (an HTML page, ",
        ),
        (
            Answer::NoToken,
            "to the console sign-in was not AWS's (JSON without a SigninToken, ",
        ),
        (
            Answer::Oversized,
            "to the console sign-in was not AWS's (an answer larger than 64 KiB)",
        ),
        (
            Answer::Hang,
            "did not answer within 1s; check your network connection",
        ),
    ];
    for (answer, text) in cases {
        let federation = FederationServer::start(answer);
        login
            .sandbox
            .set_env("STSCREDS_SIGNIN_ENDPOINT", &federation.url());
        let run = login.run(&["login", "--profile", "dev", "--stdout", "-v"], "");
        assert_one_error_line(&run, text);
        assert!(!run.stderr.contains("federation?"), "{run:#?}");
        assert_eq!(federation.requests().len(), 1);
    }
    let dead = dead_endpoint();
    login.sandbox.set_env("STSCREDS_SIGNIN_ENDPOINT", &dead);
    let run = login.run(&["login", "--profile", "dev", "--stdout"], "");
    assert_one_error_line(
        &run,
        &format!("cannot reach the AWS sign-in endpoint at {dead}: "),
    );
    login
        .sandbox
        .set_env("STSCREDS_SIGNIN_ENDPOINT", "http://127.0.0.1:1/path");
    let run = login.run(&["login", "--profile", "dev", "--stdout"], "");
    assert_one_error_line(&run, "STSCREDS_SIGNIN_ENDPOINT is not a scheme and host");
}
