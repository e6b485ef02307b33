//! The local credential server (`exec --server`, `serve`) driven by real clients:
//! botocore and the AWS CLI in the child of `exec --server`, the AWS SDK for Rust's
//! container provider beside `serve`, and plain HTTP for what no SDK would send. Every
//! server binds 127.0.0.1; every wait is bounded; a latency is never asserted.
//!
//! Most tests start from a session seeded on disk, so that the server starts with no
//! AWS call at all; the ones about renewals go through moto behind a counting or
//! fault-injecting server. The server's files go under the sandbox's own `XDG_RUNTIME_DIR`,
//! where a test sees whether they are gone.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_types::os_shim_internal::Env;

use crate::support::fault::{FaultServer, Reply};
use crate::support::moto::Moto;
use crate::support::running::{Running, send_signal};
use crate::support::serving::{
    SEEDED_KEY, SEEDED_SECRET, SEEDED_TOKEN, TOKEN_VARIABLE, URI_VARIABLE, http,
    left_in_runtime_dir, mfa_user, port_of, seeded, serve, with_runtime_dir,
};
use crate::support::{
    Sandbox, dead_endpoint, put_stscreds_on_path, python, register_secret, support_file, venv,
};
use stscreds::ini::Document;

/// What `serve`'s shell lines unset after they set the two above: whatever would win
/// over the server in the shell they are pasted into.
const UNSET_BY_SERVE: [&str; 12] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_SSO_SESSION",
];

/// A user's set-up with a role: `base` holds an IAM user's keys, `dev` is a role
/// assumed from it (in eu-west-1) whose session is fresh, so that no MFA code is
/// needed; `default` holds another user's keys and has a fresh session in
/// `~/.aws/credentials`, where every SDK looks before it asks a credential server.
/// Returns the sandbox and the role's name.
fn role_profile() -> (Sandbox, String) {
    let moto = Moto::shared();
    let (base, _) = moto.create_user_with_mfa("server-base");
    let (other, _) = moto.create_user_with_mfa("server-default");
    let role = moto.create_role("ServerDeveloper");
    let mut sandbox = with_runtime_dir(Sandbox::new(&moto.url()));
    sandbox.init("base", &base);
    sandbox.init("default", &other);
    sandbox.auth("default");
    sandbox.write(
        ".aws/config",
        &format!(
            "[profile base]\nregion = us-east-1\n\n[profile dev]\nrole_arn = {role}\nsource_profile = base\nregion = eu-west-1\n"
        ),
    );
    sandbox.auth("dev");
    sandbox.set_env("PYTHON", python().to_str().unwrap());
    sandbox.set_env(
        "CLIENT",
        support_file("container_client.py").to_str().unwrap(),
    );
    let role_name = role.rsplit('/').next().unwrap().to_owned();
    (sandbox, role_name)
}

/// The key id of `dev`'s stored role session.
fn role_session_key(sandbox: &Sandbox) -> String {
    let sessions = Document::parse(&sandbox.read(".stscreds/sessions")).unwrap();
    sessions.get("dev", "aws_access_key_id").unwrap().to_owned()
}

/// Whether a connection to `address`:`port` is refused.
fn refused(address: [u8; 4], port: u16) -> bool {
    let address = SocketAddr::from((address, port));
    match TcpStream::connect_timeout(&address, Duration::from_secs(5)) {
        Ok(_) => false,
        Err(error) => error.kind() == std::io::ErrorKind::ConnectionRefused,
    }
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stops `serve` with `signal`: it exits 0, says it stopped, leaves no file and
/// no listening port.
#[track_caller]
fn stop_serve(sandbox: &Sandbox, server: Running, uri: &str, signal: &str) {
    server.signal(signal);
    let run = server.finish();
    assert_eq!(run.code, Some(0), "{signal}: {run:#?}");
    assert!(run.stderr.contains("stscreds: stopped"), "{run:#?}");
    assert_eq!(
        left_in_runtime_dir(sandbox),
        Vec::<PathBuf>::new(),
        "{signal}"
    );
    assert!(
        refused([127, 0, 0, 1], port_of(uri)),
        "{signal}: still listening"
    );
}

// ---------------------------------------------------------------------------------
// Real clients

/// `stscreds exec --server --profile dev -- sh -c CHILD`.
fn exec_server_as_dev(child: &str) -> [&str; 8] {
    [
        "exec",
        "--server",
        "--profile",
        "dev",
        "--",
        "sh",
        "-c",
        child,
    ]
}

#[test]
fn botocore_in_the_child_of_exec_server_calls_aws_as_the_role_and_nothing_else_reaches_it() {
    let (mut sandbox, role_name) = role_profile();
    assert!(sandbox.read(".aws/credentials").contains("[default]"));
    // What a user's shell may hold: none of it may reach the child, or botocore would
    // use it instead of the server (RELATIVE_URI wins over FULL_URI).
    for (name, value) in [
        ("AWS_ACCESS_KEY_ID", "AKIAOUTERSHELL000001"),
        ("AWS_SECRET_ACCESS_KEY", "outer-shell-secret"),
        ("AWS_SESSION_TOKEN", "outer-shell-token"),
        ("AWS_DEFAULT_PROFILE", "base"),
        (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "/v2/credentials/outer",
        ),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/outer/token"),
    ] {
        sandbox.set_env(name, value);
    }
    let child = r#"
        echo "leftover=[${AWS_ACCESS_KEY_ID-}${AWS_SECRET_ACCESS_KEY-}${AWS_SESSION_TOKEN-}${AWS_PROFILE-}${AWS_DEFAULT_PROFILE-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI-}${AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE-}]"
        echo "uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI region=$AWS_REGION/$AWS_DEFAULT_REGION profile=$STSCREDS_PROFILE"
        [ ${#AWS_CONTAINER_AUTHORIZATION_TOKEN} = 64 ] && echo "a token"
        exec "$PYTHON" "$CLIENT" identity
    "#;
    let run = sandbox.run(&exec_server_as_dev(child), "").success();
    let out = &run.stdout;
    assert!(out.contains("leftover=[]\n"), "{run:#?}");
    assert!(
        out.contains("uri=http://127.0.0.1:")
            && out.contains("/credentials region=eu-west-1/eu-west-1 profile=dev\n"),
        "{run:#?}"
    );
    assert!(out.contains("a token\n"), "{run:#?}");
    assert!(out.contains("method=container-role\n"), "{run:#?}");
    assert!(
        out.contains(&format!("key={}\n", role_session_key(&sandbox))),
        "the role's session: {run:#?}"
    );
    assert!(
        out.contains(&format!(":assumed-role/{role_name}/")),
        "AWS answers as the role: {run:#?}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

#[test]
fn the_aws_cli_in_the_child_of_exec_server_calls_aws_as_the_role() {
    let (mut sandbox, role_name) = role_profile();
    let aws = venv().join("bin/aws");
    sandbox.set_env("AWS", aws.to_str().unwrap());
    let child =
        r#""$AWS" configure list && "$AWS" sts get-caller-identity --query Arn --output text"#;
    let run = sandbox.run(&exec_server_as_dev(child), "").success();
    assert!(
        run.stdout.contains("container-role"),
        "the CLI takes its credentials from the server: {run:#?}"
    );
    assert!(
        run.stdout.contains(&format!(":assumed-role/{role_name}/")),
        "AWS answers as the role: {run:#?}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

/// The key id of the credentials that [`default_elsewhere`]'s sources hand out.
const OTHER_DEFAULT_KEY: &str = "ASIAOTHERDEFAULT0001";

/// A `[default]` for the end of `~/.aws/config` that would give other credentials to a
/// client that reads it: a `credential_process` (a script written into the sandbox)
/// or static keys.
fn default_elsewhere(sandbox: &Sandbox, with_process: bool) -> String {
    if !with_process {
        return format!(
            "\n[default]\naws_access_key_id = {OTHER_DEFAULT_KEY}\naws_secret_access_key = otherDefaultSecret\n"
        );
    }
    let script = sandbox.path("other-default-process");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{OTHER_DEFAULT_KEY}\", \"SecretAccessKey\": \"x\", \"SessionToken\": \"y\", \"Expiration\": \"2099-01-01T00:00:00Z\"}}'\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("\n[default]\ncredential_process = {}\n", script.display())
}

#[test]
fn the_child_of_exec_server_ignores_a_default_profile_in_the_config_and_keeps_the_settings() {
    let (mut sandbox, role_name) = role_profile();
    put_stscreds_on_path(&mut sandbox);
    let aws = venv().join("bin/aws");
    sandbox.set_env("AWS", aws.to_str().unwrap());
    let role_key = role_session_key(&sandbox);
    let config = sandbox.read(".aws/config");
    assert!(
        config.ends_with("region = eu-west-1\n"),
        "dev's section is last"
    );
    let child = r#"
        "$PYTHON" "$CLIENT" identity
        "$PYTHON" -c 'import botocore.session; c = botocore.session.get_session().get_scoped_config(); print("output=%s s3=%s process=%s role=%s" % (c.get("output"), c.get("s3"), c.get("credential_process"), c.get("role_arn")))'
        "$AWS" sts get-caller-identity --query Arn
        echo "read=$(stscreds read aws_access_key_id)"
    "#;
    for with_process in [true, false] {
        // dev's settings that are not credentials, then a [default] that would win.
        sandbox.write(
            ".aws/config",
            &format!(
                "{config}output = text\ns3 =\n  addressing_style = path\n{}",
                default_elsewhere(&sandbox, with_process)
            ),
        );
        let run = sandbox.run(&exec_server_as_dev(child), "").success();
        let out = &run.stdout;
        assert!(
            out.contains("method=container-role\n") && out.contains(&format!("key={role_key}\n")),
            "botocore asks the server, not [default] (process: {with_process}): {run:#?}"
        );
        assert!(
            out.matches(&format!(":assumed-role/{role_name}/")).count() == 2,
            "botocore and the AWS CLI call AWS as the role: {run:#?}"
        );
        assert!(
            out.contains("output=text s3={'addressing_style': 'path'} process=None role=None\n"),
            "dev's settings, none of its sources: {run:#?}"
        );
        assert!(
            !out.contains("\"arn:"),
            "the CLI's output is dev's (text): {run:#?}"
        );
        assert!(
            out.contains(&format!("read={role_key}\n")),
            "stscreds inside still finds the role in the real config: {run:#?}"
        );
        assert!(!out.contains(OTHER_DEFAULT_KEY), "{run:#?}");
        assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
    }
}

#[test]
fn serve_warns_of_what_a_client_would_use_before_it_and_the_advice_works() {
    let mut sandbox = seeded(&dead_endpoint());
    sandbox.write(".aws/config", &default_elsewhere(&sandbox, true));
    // `default` has a credential_process, so its session is where stscreds keeps
    // those; [default] of ~/.aws/credentials holds someone else's keys.
    let session = sandbox.read(".aws/credentials");
    sandbox.write(".stscreds/sessions", &session);
    sandbox.write(
        ".aws/credentials",
        &format!(
            "[default]\naws_access_key_id = {OTHER_DEFAULT_KEY}\naws_secret_access_key = otherDefaultSecret\n"
        ),
    );
    sandbox.set_env("AWS_ACCESS_KEY_ID", "AKIASERVEENVIRONMENT");
    let (server, uri, _token) = serve(&sandbox, &[]);
    let printed = server.stdout();
    let stderr = server.stderr();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 3, "{stderr}");
    let advised = |variable: &str| {
        warnings
            .iter()
            .find_map(|line| line.split(&format!("{variable}=")).nth(1))
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("no {variable}= in {stderr}"))
            .to_owned()
    };
    let (credentials_file, config_file) = (
        advised("AWS_SHARED_CREDENTIALS_FILE"),
        advised("AWS_CONFIG_FILE"),
    );
    assert!(
        warnings[0].contains(".aws/credentials has keys in [default]")
            && warnings[1].contains(".aws/config sets credential_process for the default profile")
            && warnings[2].contains("AWS_ACCESS_KEY_ID set in this environment"),
        "{stderr}"
    );
    // A shell with the printed lines and the advice followed asks the server; without
    // the advice botocore takes [default] from ~/.aws/credentials.
    let client =
        "import boto3; c = boto3.Session().get_credentials(); print(c.method, c.access_key)";
    let in_a_shell = |advice: &str| {
        let output = Command::new("sh")
            .arg("-c")
            .arg(format!("{printed}{advice} exec \"$PYTHON\" -c \"$CLIENT\""))
            .env_clear()
            .env("HOME", sandbox.home())
            .env("AWS_ACCESS_KEY_ID", "AKIASERVEENVIRONMENT")
            .env("PYTHON", python())
            .env("CLIENT", client)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert_eq!(
        in_a_shell(""),
        format!("shared-credentials-file {OTHER_DEFAULT_KEY}\n")
    );
    let advice =
        format!("AWS_SHARED_CREDENTIALS_FILE={credentials_file} AWS_CONFIG_FILE={config_file}");
    assert_eq!(
        in_a_shell(&advice),
        format!("container-role {SEEDED_KEY}\n")
    );
    stop_serve(&sandbox, server, &uri, "TERM");
}

#[test]
fn the_rust_sdk_container_provider_gets_the_role_from_serve() {
    let (sandbox, role_name) = role_profile();
    let (server, uri, token) = serve(&sandbox, &["--profile", "dev"]);
    let empty_home = sandbox.path("empty-home");
    std::fs::create_dir_all(&empty_home).unwrap();
    let moto = Moto::shared().url();
    // The SDK's own environment, given to it explicitly: only the server's variables,
    // a region and moto; no instance metadata (it would leave loopback).
    let env = Env::from_slice(&[
        (URI_VARIABLE, uri.as_str()),
        (TOKEN_VARIABLE, token.as_str()),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("HOME", empty_home.to_str().unwrap()),
    ]);
    let arn = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let config = aws_config::defaults(BehaviorVersion::latest())
                .env(env)
                .load()
                .await;
            let identity = aws_sdk_sts::Client::new(&config)
                .get_caller_identity()
                .send()
                .await
                .expect("the SDK calls STS with the served credentials");
            identity.arn().unwrap().to_owned()
        });
    assert!(
        arn.contains(&format!(":assumed-role/{role_name}/")),
        "{arn}"
    );
    stop_serve(&sandbox, server, &uri, "TERM");
}

#[test]
fn serve_prints_the_variables_in_each_format_and_they_work() {
    let sandbox = seeded(&dead_endpoint());
    let fetch = "import json, os, urllib.request as r; a = r.urlopen(r.Request(os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'], headers={'Authorization': os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']}), timeout=10); print(a.status, json.load(a)['AccessKeyId'])";
    let fetched = format!("200 {SEEDED_KEY}\n");
    let cases = [
        ("sh", "TERM"),
        ("fish", "INT"),
        ("powershell", "HUP"),
        ("cmd", "TERM"),
        ("dotenv", "INT"),
        ("json", "HUP"),
    ];
    let (u, t) = (URI_VARIABLE, TOKEN_VARIABLE);
    let unset = |line: fn(&str) -> String| UNSET_BY_SERVE.map(line).concat();
    // The region the credentials are for (us-east-1 without one configured).
    let region = |line: fn(&str) -> String| ["AWS_REGION", "AWS_DEFAULT_REGION"].map(line).concat();
    for (format, signal) in cases {
        // What each format prints after the URI and token: the region, then what it
        // unsets.
        let tail = match format {
            "sh" => {
                region(|name| format!("export {name}='us-east-1'\n"))
                    + &unset(|name| format!("unset {name}\n"))
            }
            "fish" => {
                region(|name| format!("set -gx {name} 'us-east-1';\n"))
                    + &unset(|name| format!("set -e {name};\n"))
            }
            "powershell" => {
                region(|name| format!("$Env:{name} = 'us-east-1'\n"))
                    + &unset(|name| {
                        format!("Remove-Item Env:{name} -ErrorAction SilentlyContinue\n")
                    })
            }
            "cmd" => {
                region(|name| format!("set \"{name}=us-east-1\"\n"))
                    + &unset(|name| format!("set \"{name}=\"\n"))
            }
            "dotenv" => region(|name| format!("{name}=\"us-east-1\"\n")),
            _ => ", \"AWS_REGION\": \"us-east-1\", \"AWS_DEFAULT_REGION\": \"us-east-1\"}\n"
                .to_owned(),
        };
        let server = Running::spawn(sandbox.command(&["serve", "--format", format]));
        server.wait_for_stderr("stop with Ctrl-C");
        // Collected by another thread: all of it is there once its end is.
        let printed = server.wait_for_stdout(&tail);
        let uri = printed
            .split(['\'', '"', '='])
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("{format}: no URI in {printed:?}"))
            .to_owned();
        let token = printed
            .split(|c: char| !c.is_ascii_hexdigit())
            .find(|word| word.len() == 64)
            .unwrap_or_else(|| panic!("{format}: no token in {printed:?}"))
            .to_owned();
        register_secret(&token);
        port_of(&uri);
        let head = match format {
            "sh" => format!("export {u}='{uri}'\nexport {t}='{token}'\n"),
            "fish" => format!("set -gx {u} '{uri}';\nset -gx {t} '{token}';\n"),
            "powershell" => format!("$Env:{u} = '{uri}'\n$Env:{t} = '{token}'\n"),
            "cmd" => format!("set \"{u}={uri}\"\nset \"{t}={token}\"\n"),
            "dotenv" => format!("{u}=\"{uri}\"\n{t}=\"{token}\"\n"),
            _ => format!("{{\"{u}\": \"{uri}\", \"{t}\": \"{token}\""),
        };
        assert_eq!(printed, head + &tail, "{format}");
        // Used the way each is meant to be: evaluated by sh, loaded by python-dotenv,
        // parsed as JSON; the others by their values.
        let mut client = match format {
            "sh" => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("{printed}exec \"$PYTHON\" -c \"$FETCH\""));
                sh
            }
            "dotenv" => {
                let file = sandbox.path("server.env");
                std::fs::write(&file, &printed).unwrap();
                let mut dotenv = Command::new(venv().join("bin/dotenv"));
                dotenv.arg("-f").arg(&file).args([
                    "run",
                    "--no-override",
                    "sh",
                    "-c",
                    "exec \"$PYTHON\" -c \"$FETCH\"",
                ]);
                dotenv
            }
            _ => {
                let (uri, token) = if format == "json" {
                    let parsed: serde_json::Value = serde_json::from_str(&printed).unwrap();
                    (
                        parsed[URI_VARIABLE].as_str().unwrap().to_owned(),
                        parsed[TOKEN_VARIABLE].as_str().unwrap().to_owned(),
                    )
                } else {
                    (uri.clone(), token.clone())
                };
                let mut python = Command::new(python());
                python.args(["-c", fetch]).env(u, uri).env(t, token);
                python
            }
        };
        let output = client
            .env("PYTHON", python())
            .env("FETCH", fetch)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            fetched,
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        stop_serve(&sandbox, server, &uri, signal);
    }
    let ini = sandbox.run(&["serve", "--format", "ini"], "");
    let ini = ini.failure("serve prints environment variables: choose --format sh");
    assert_eq!(ini.stderr.lines().count(), 1, "{ini:#?}");
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------------
// A long run across renewals

#[test]
fn a_child_that_keeps_calling_across_renewals_never_fails_and_each_renewal_is_one_sts_call() {
    let counter = FaultServer::counting(Moto::shared().url());
    let mut sandbox = mfa_user("server-long", &counter.url());
    // Sessions of 15 minutes renewed 14m50s ahead of expiry: every ~10 seconds. The
    // child calls until it has had three sets of credentials.
    sandbox.set_env("STSCREDS_TEST_RENEW_AHEAD", "14m50s");
    let client = support_file("container_client.py");
    let python = python();
    let server = Running::spawn(sandbox.command(&[
        "exec",
        "--server",
        "--expires",
        "15m",
        "--",
        python.to_str().unwrap(),
        client.to_str().unwrap(),
        "keep-calling",
        "3",
        "60",
    ]));
    let run = server.finish_within(Duration::from_secs(90));
    assert_eq!(run.code, Some(0), "{run:#?}");
    let renewals = run
        .stderr
        .matches("stscreds: renewed the credentials")
        .count();
    assert!(run.stdout.contains(" failures=0 "), "{run:#?}");
    // The child stops two seconds after the third credentials: the next renewal is
    // some eight seconds away, so none is half-done when stscreds exits.
    assert!(
        run.stdout.ends_with(" expirations=3\n"),
        "the client got the renewed credentials: {run:#?}"
    );
    assert_eq!(renewals, 2, "{run:#?}");
    assert_eq!(
        counter.count("GetSessionToken"),
        1 + renewals,
        "one STS call for the first credentials and one per renewal: {run:#?}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
    // The server renewed the profile's session where every command finds it.
    sandbox.run(&["read", "aws_session_token"], "").success();
    assert_eq!(
        counter.count("GetSessionToken"),
        1 + renewals,
        "one session"
    );
}

// ---------------------------------------------------------------------------------
// Security

#[test]
fn a_wrong_missing_or_almost_right_token_gets_403_and_nothing_else() {
    let sandbox = seeded(&dead_endpoint());
    let (server, uri, token) = serve(&sandbox, &[]);
    let port = port_of(&uri);

    let right = http(port, "GET", "/credentials", Some(&token));
    assert_eq!(right.status, 200, "{right:#?}");
    assert!(right.body.contains(SEEDED_KEY), "{right:#?}");

    let last = token.chars().last().unwrap();
    let almost = format!("{}{}", &token[..63], if last == '0' { '1' } else { '0' });
    let wrong_tokens = [
        None,
        Some(String::new()),
        Some("0".repeat(64)),
        Some(almost),
        Some(token[..63].to_owned()),
        Some(format!("{token}0")),
        Some(token.to_uppercase()),
        Some(format!("Bearer {token}")),
    ];
    for wrong in &wrong_tokens {
        let answer = http(port, "GET", "/credentials", wrong.as_deref());
        assert_eq!(answer.status, 403, "{wrong:?}: {answer:#?}");
        assert!(
            answer.body.starts_with("{\"code\": \"AccessDenied\""),
            "{answer:#?}"
        );
        for secret in [SEEDED_KEY, SEEDED_SECRET, SEEDED_TOKEN, token.as_str()] {
            assert!(!answer.body.contains(secret), "leaked: {answer:#?}");
        }
    }
    for (method, path, status) in [
        ("GET", "/", 404),
        ("GET", "/credentials/other", 404),
        ("GET", "/role-arn/arn:aws:iam::123456789012:role/x", 404),
        ("POST", "/credentials", 405),
        ("PUT", "/credentials", 405),
    ] {
        let answer = http(port, method, path, Some(&token));
        assert_eq!(answer.status, status, "{method} {path}: {answer:#?}");
        assert!(answer.body.starts_with("{\"code\": "), "{answer:#?}");
        assert!(!answer.body.contains(SEEDED_KEY), "{answer:#?}");
        if status == 405 {
            assert!(
                answer.head.to_lowercase().contains("\r\nallow: get"),
                "{answer:#?}"
            );
        }
    }
    stop_serve(&sandbox, server, &uri, "TERM");
}

#[test]
fn the_token_is_in_no_argv_the_files_are_private_and_the_server_stops_with_the_child() {
    let sandbox = seeded(&dead_endpoint());
    let child = r#"echo "token=$AWS_CONTAINER_AUTHORIZATION_TOKEN"; echo "file=$AWS_CONFIG_FILE"; echo "uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI"; echo "pid=$$"; while [ ! -e "$HOME/stop" ]; do sleep 0.05; done; echo bye"#;
    let server = Running::spawn(sandbox.command(&["exec", "--server", "--", "sh", "-c", child]));
    let printed = server.wait_for_stdout("pid=");
    let value = |name: &str| {
        printed
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    let (file, uri) = (PathBuf::from(value("file")), value("uri"));
    let child_pid = value("pid");

    let token = value("token");
    register_secret(&token);
    assert_eq!(token.len(), 64, "{token:?}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token:?}");
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    let directory = file.parent().unwrap();
    assert_eq!(mode(directory), 0o700, "the token's directory is private");
    assert_eq!(directory.parent().unwrap(), sandbox.path("run"));
    for file in std::fs::read_dir(directory).unwrap() {
        assert_eq!(mode(&file.unwrap().path()), 0o600);
    }

    let port = port_of(&uri);
    assert_eq!(http(port, "GET", "/credentials", Some(&token)).status, 200);
    let argv_with_token = processes_whose_argv_contains(&token);
    assert_eq!(
        argv_with_token,
        Vec::<String>::new(),
        "the token in an argv"
    );
    for pid in [server.pid().to_string(), child_pid] {
        assert!(
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|argv| !argv.is_empty()),
            "process {pid} was looked at"
        );
    }

    sandbox.write("stop", "");
    let run = server.finish();
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.ends_with("bye\n"), "{run:#?}");
    assert!(!file.exists() && !directory.exists());
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
    assert!(
        refused([127, 0, 0, 1], port),
        "the server stopped with the child"
    );
}

/// The processes (as `PID: ARGV`) whose command line contains `text`.
fn processes_whose_argv_contains(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(argv) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let argv = String::from_utf8_lossy(&argv).replace('\0', " ");
        if argv.contains(text) {
            found.push(format!("{name}: {argv}"));
        }
    }
    found
}

#[test]
fn the_token_file_goes_when_the_child_is_killed() {
    let sandbox = seeded(&dead_endpoint());
    let child =
        r#"echo "uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI pid=$$"; while :; do sleep 0.05; done"#;
    let server = Running::spawn(sandbox.command(&["exec", "--server", "--", "sh", "-c", child]));
    let printed = server.wait_for_stdout("pid=");
    let (uri, pid) = printed.trim().split_once(" pid=").unwrap();
    let uri = uri.strip_prefix("uri=").unwrap().to_owned();
    assert_eq!(left_in_runtime_dir(&sandbox).len(), 1);
    send_signal("KILL", pid.parse().unwrap());
    let run = server.finish();
    assert_eq!(run.code, Some(128 + 9), "{run:#?}");
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
    assert!(refused([127, 0, 0, 1], port_of(&uri)));
}

#[test]
fn the_server_listens_on_127_0_0_1_only() {
    let sandbox = seeded(&dead_endpoint());
    let port = free_port();
    let (server, uri, token) = serve(&sandbox, &["--port", &port.to_string()]);
    assert_eq!(uri, format!("http://127.0.0.1:{port}/credentials"));
    assert_eq!(http(port, "GET", "/credentials", Some(&token)).status, 200);
    // 127.0.0.2 is this machine too: a server bound to every address would answer there.
    assert!(refused([127, 0, 0, 2], port), "listening beyond 127.0.0.1");
    let listening = listening_sockets(port);
    assert_eq!(listening, ["0100007F"], "/proc/net/tcp and tcp6");

    let second = sandbox.run(&["serve", "--port", &port.to_string()], "");
    let second = second.failure(&format!("cannot listen on 127.0.0.1:{port}"));
    assert_eq!(second.stdout, "", "{second:#?}");
    assert_eq!(second.stderr.lines().count(), 1, "one line: {second:#?}");
    assert_eq!(
        left_in_runtime_dir(&sandbox).len(),
        1,
        "the first server's only"
    );
    stop_serve(&sandbox, server, &uri, "TERM");
}

/// The local addresses (hex, as the kernel shows them) of the sockets listening on
/// `port`, IPv4 and IPv6.
fn listening_sockets(port: u16) -> Vec<String> {
    const LISTEN: &str = "0A";
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (address, state) = (fields[1], fields[3]);
            let (ip, hex_port) = address.rsplit_once(':').unwrap();
            if state == LISTEN && u16::from_str_radix(hex_port, 16) == Ok(port) {
                found.push(ip.to_owned());
            }
        }
    }
    found
}

#[test]
fn a_hundred_concurrent_requests_make_no_more_sts_calls() {
    let counter = FaultServer::counting(Moto::shared().url());
    let sandbox = mfa_user("server-hundred", &counter.url());
    let client = support_file("container_client.py");
    let python = python();
    let run = sandbox
        .run(
            &[
                "exec",
                "--server",
                "--",
                python.to_str().unwrap(),
                client.to_str().unwrap(),
                "concurrent",
                "100",
            ],
            "",
        )
        .success();
    assert_eq!(run.stdout, "answered=100 keys=1\n", "{run:#?}");
    assert_eq!(
        counter.count("GetSessionToken"),
        1,
        "the first credentials only: {run:#?}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------------
// Signals

#[test]
fn signals_sent_to_stscreds_reach_the_child_whose_status_is_the_exit_code() {
    let sandbox = seeded(&dead_endpoint());
    let trapping = r#"trap 'exit 71' INT; trap 'exit 72' TERM; trap 'exit 73' HUP; echo ready; while :; do sleep 0.05; done"#;
    let plain = "echo ready; exec sleep 60";
    let cases = [
        (trapping, "INT", 71),
        (trapping, "TERM", 72),
        (trapping, "HUP", 73),
        (plain, "INT", 128 + 2),
        (plain, "TERM", 128 + 15),
        (plain, "HUP", 128 + 1),
    ];
    for (child, signal, code) in cases {
        let server =
            Running::spawn(sandbox.command(&["exec", "--server", "--", "sh", "-c", child]));
        server.wait_for_stdout("ready");
        server.signal(signal);
        let run = server.finish();
        assert_eq!(run.code, Some(code), "{signal} to {child}: {run:#?}");
        assert_eq!(
            left_in_runtime_dir(&sandbox),
            Vec::<PathBuf>::new(),
            "{signal} to {child}"
        );
    }
}

#[test]
fn without_a_command_exec_server_starts_the_shell_where_stscreds_still_finds_the_session() {
    let mut sandbox = seeded(&dead_endpoint());
    put_stscreds_on_path(&mut sandbox);
    sandbox.set_env("SHELL", "/bin/sh");
    let typed = "echo \"uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI\"\necho \"read=$(stscreds read aws_access_key_id)\"\nexit 5\n";
    let run = sandbox.run(&["exec", "--server"], typed);
    assert_eq!(run.code, Some(5), "the shell's status: {run:#?}");
    assert!(run.stdout.starts_with("uri=http://127.0.0.1:"), "{run:#?}");
    assert!(
        run.stdout.contains(&format!("read={SEEDED_KEY}\n")),
        "the shared credentials file hidden from the SDKs is not hidden from stscreds: {run:#?}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------------
// Failure

#[test]
fn when_renewal_is_refused_requests_after_the_expiry_get_a_500_that_says_what_to_do() {
    let moto = Moto::shared();
    let calls = AtomicUsize::new(0);
    // The first credentials last 20 seconds; every later code is refused.
    let fault = FaultServer::start(Some(moto.url()), move |request| {
        if request.action != "GetSessionToken" {
            return Reply::Forward;
        }
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::session_credentials_valid_for(900, Duration::from_secs(20))
        } else {
            Reply::aws_error(
                403,
                "AccessDenied",
                "MultiFactorAuthentication failed with invalid MFA one time pass code.",
            )
        }
    });
    let sandbox = mfa_user("server-refused", &fault.url());
    let client = support_file("container_client.py");
    let python = python();
    let server = Running::spawn(sandbox.command(&[
        "exec",
        "--server",
        "--",
        python.to_str().unwrap(),
        client.to_str().unwrap(),
        "until-failure",
        "60",
    ]));
    let run = server.finish_within(Duration::from_secs(90));
    assert_eq!(
        run.code,
        Some(3),
        "stscreds exits with the child's code: {run:#?}"
    );
    assert!(
        run.stderr.contains("warning: ")
            && run
                .stderr
                .contains("renewing the credentials of profile 'default' failed"),
        "{run:#?}"
    );
    let server_answer = run
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("server: "))
        .unwrap_or_else(|| panic!("{run:#?}"));
    assert!(
        server_answer.starts_with("500 {\"code\": \"CredentialsUnavailable\", \"message\": \""),
        "{run:#?}"
    );
    let message: serde_json::Value =
        serde_json::from_str(server_answer.strip_prefix("500 ").unwrap()).unwrap();
    let message = message["message"].as_str().unwrap();
    assert!(message.contains("rejected the MFA code"), "{message}");
    assert!(
        message.contains("run `stscreds auth`"),
        "says what to run: {message}"
    );
    let sdk_error = run
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("sdk error: "))
        .unwrap_or_else(|| panic!("{run:#?}"));
    assert!(
        sdk_error.contains(message),
        "the SDK's error carries the message: {sdk_error}"
    );
    assert!(
        run.stdout.contains("server later: [500]\n"),
        "expired credentials are never served: {run:#?}"
    );
    // The first credentials and the renewal refused at once (they last less than the
    // margin); then a minute until the next try, expiry or not.
    let calls = fault.count("GetSessionToken");
    assert_eq!(
        calls, 2,
        "{calls} GetSessionToken calls: at most one attempt a minute: {run:#?}"
    );
    assert_eq!(left_in_runtime_dir(&sandbox), Vec::<PathBuf>::new());
}
