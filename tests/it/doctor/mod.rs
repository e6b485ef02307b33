//! `stscreds doctor`: in each situation its verdict for every client family must be
//! what the real clients (botocore, the AWS CLI, the Rust SDK, the JavaScript SDK v3,
//! the Go SDK v2; `support::clients`) do in the same environment, and each finding's fix command, run
//! exactly as doctor printed it, must make the finding go away.

mod default_profile;
mod headers;
mod local;
mod online;
mod partial;
mod roles;
mod situations;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support::clients::{Client, Resolved, run_clients};
use crate::support::fault::FaultServer;
use crate::support::moto::{Moto, TestUser};
use crate::support::{Run, Sandbox, put_stscreds_on_path, run_with_stdin};

/// The region of profile `work`.
const REGION: &str = "eu-central-1";

/// A user's home: profile `work` holds an IAM user's keys in stscreds' store (its MFA
/// code comes from `mfa_process`); every AWS call goes through `proxy`.
struct Home {
    sandbox: Sandbox,
    proxy: FaultServer,
    user: TestUser,
}

impl Home {
    /// `config` is the whole of ~/.aws/config (`stscreds init` runs with it).
    fn new(config: &str) -> Self {
        let moto = Moto::shared();
        let proxy = FaultServer::counting(moto.url());
        let (user, _) = moto.create_user_with_mfa("doctor");
        let mut sandbox = Sandbox::new(&proxy.url());
        put_stscreds_on_path(&mut sandbox);
        sandbox.write(".aws/config", config);
        sandbox.init("work", &user);
        Self {
            sandbox,
            proxy,
            user,
        }
    }

    /// The usual setup: `work` with its region and `mfa_process`.
    fn usual() -> Self {
        Self::new(&work_config(""))
    }

    fn auth(&self, profile: &str) {
        self.sandbox
            .run(&["auth", "--profile", profile], "")
            .success();
    }

    /// What a user's shell holds: PATH, HOME, the endpoint, and `extra`. Instance
    /// metadata is off the loopback, and off for every client (`support::clients`).
    fn env(&self, extra: &[(&str, &str)]) -> BTreeMap<OsString, OsString> {
        let mut command = self.sandbox.command(&[]);
        command.env("AWS_EC2_METADATA_DISABLED", "true");
        command.envs(extra.iter().copied());
        command
            .get_envs()
            .filter_map(|(name, value)| Some((name.to_owned(), value?.to_owned())))
            .collect()
    }

    /// `stscreds doctor --json ARGS` in exactly `env`: its run and its JSON.
    fn doctor(&self, env: &BTreeMap<OsString, OsString>, args: &[&str]) -> (Run, Value) {
        let mut argv = vec!["doctor", "--json"];
        argv.extend_from_slice(args);
        let mut command = self.sandbox.command(&argv);
        command.env_clear().envs(env);
        let run = run_with_stdin(command, "");
        let json = parse(&run);
        (run, json)
    }

    /// Runs `fix` (as doctor printed it) in `sh` with `env` and `stdin`, then `stscreds
    /// doctor --json ARGS` in the same shell; returns doctor's JSON.
    fn after_fix(
        &self,
        fix: &str,
        env: &BTreeMap<OsString, OsString>,
        stdin: &str,
        args: &[&str],
    ) -> Value {
        let doctor = std::iter::once("stscreds doctor --json".to_owned())
            .chain(args.iter().map(|arg| format!("'{arg}'")))
            .collect::<Vec<_>>()
            .join(" ");
        let mut shell = Command::new("sh");
        shell
            .arg("-c")
            .arg(format!("{fix} || exit 97\n{doctor}"))
            .env_clear()
            .envs(env);
        let run = run_with_stdin(shell, stdin);
        assert_ne!(run.code, Some(97), "the fix {fix:?} failed: {run:#?}");
        parse(&run)
    }
}

/// ~/.aws/config with profile `work` (region, `mfa_process`) and `extra` in its section.
fn work_config(extra: &str) -> String {
    format!("[profile work]\nregion = {REGION}\nmfa_process = echo 123456\n{extra}")
}

#[track_caller]
fn parse(run: &Run) -> Value {
    assert!(
        matches!(run.code, Some(0 | 1)),
        "doctor did not run: {run:#?}"
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run:#?}"))
}

/// The codes of doctor's findings.
fn codes(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The finding with `code` (panics, showing them all, when there is none).
#[track_caller]
fn finding<'a>(json: &'a Value, code: &str) -> &'a Value {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == code)
        .unwrap_or_else(|| panic!("no {code} finding: {json:#}"))
}

/// The verdict doctor gives the family `client` belongs to.
fn verdict_for(json: &Value, client: Client) -> &Value {
    let family = match client {
        Client::Botocore | Client::AwsCli => "botocore",
        Client::JsSdk => "js-sdk-v3",
        Client::RustSdk => "rust-sdk",
        Client::GoSdk => "go-sdk",
    };
    json["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|verdict| verdict["family"] == family)
        .unwrap_or_else(|| panic!("doctor gives no {family} verdict: {json:#}"))
}

/// What is wrong with doctor's verdict for what `resolved` really did: a key doctor
/// names must be the one the client signed with; no source (a failure) must be a
/// client that failed; a source must be a client that got credentials, unless it is
/// one whose working doctor does not claim (a `credential_process`, a server); and
/// the source must be the one the Go SDK says it took its credentials from.
fn disagreement(json: &Value, resolved: &Resolved) -> Option<String> {
    let verdict = verdict_for(json, resolved.client);
    let worked = resolved.code == Some(0) && !resolved.key.is_empty();
    let problem = match (verdict["source"].as_str(), verdict["key_last4"].as_str()) {
        (None, _) if worked => Some("doctor says it gets no credentials, but it did"),
        (None, _) => None,
        // A client without a region fails before it signs anything.
        (Some(_), _) if !worked && lacks_region(json, verdict) => None,
        (Some(_), Some(last4)) if !worked || !resolved.key.ends_with(last4) => {
            Some("doctor names another key than the one it signed with")
        }
        (Some(source), _)
            if worked
                && resolved.client == Client::GoSdk
                && source != go_source(&resolved.source) =>
        {
            Some("doctor names another source than the one it took credentials from")
        }
        (Some("credential-process" | "container"), None) => None,
        (Some(_), _) if !worked => Some("doctor says it gets credentials, but it failed"),
        _ => None,
    };
    problem.map(|problem| {
        format!(
            "{}: {problem}\n  verdict: {verdict}\n  client: {resolved:?}",
            resolved.client
        )
    })
}

/// Whether doctor found no region for `verdict`'s family.
fn lacks_region(json: &Value, verdict: &Value) -> bool {
    let family = verdict["family"].as_str().unwrap_or_default();
    json["findings"].as_array().is_some_and(|findings| {
        findings.iter().any(|found| {
            found["code"] == "no-region"
                && found["message"]
                    .as_str()
                    .is_some_and(|message| message.split([',', ' ']).any(|word| word == family))
        })
    })
}

/// Doctor's name for the provider the Go SDK says its credentials came from (their
/// `Source`: a provider's name, or `SharedConfigCredentials: FILE` for keys in a file);
/// an unknown one as it is.
fn go_source(provider: &str) -> &str {
    match provider {
        "EnvConfigCredentials" => "environment",
        "AssumeRoleProvider" => "role",
        "WebIdentityCredentials" => "web-identity",
        "SSOProvider" => "sso",
        "ProcessProvider" => "credential-process",
        "CredentialsEndpointProvider" => "container",
        "EC2RoleProvider" => "instance-metadata",
        _ => match provider.strip_prefix("SharedConfigCredentials: ") {
            Some(file) if file.ends_with("/credentials") => "credentials-file",
            Some(file) if file.ends_with("/config") => "config-keys",
            _ => provider,
        },
    }
}

/// Runs doctor and every real client in `env`; panics on any disagreement. Returns
/// doctor's JSON.
#[track_caller]
fn assert_doctor_agrees_with_the_clients(
    home: &Home,
    env: &BTreeMap<OsString, OsString>,
    args: &[&str],
) -> Value {
    let (_, json) = home.doctor(env, args);
    let files = AwsFiles::save(home);
    let row: Vec<Resolved> = Client::ALL
        .iter()
        .flat_map(|&client| {
            files.restore();
            run_clients(&[client], &home.proxy, env)
        })
        .collect();
    files.restore();
    let disagreements: Vec<String> = row
        .iter()
        .filter_map(|resolved| disagreement(&json, resolved))
        .collect();
    assert!(
        disagreements.is_empty(),
        "doctor disagrees with {} client(s):\n{}\ndoctor: {json:#}",
        disagreements.len(),
        disagreements.join("\n")
    );
    json
}

/// The two AWS files of a home as doctor read them. Each client starts from them, and
/// the test goes on from them: a `credential_process` running stscreds moves a session
/// copy out of ~/.aws/credentials, which a client run after it would no longer see.
struct AwsFiles(Vec<(PathBuf, Option<Saved>)>);

/// A file's bytes and mode.
type Saved = (Vec<u8>, std::fs::Permissions);

impl AwsFiles {
    fn save(home: &Home) -> Self {
        let saved = [".aws/config", ".aws/credentials"].map(|relative| {
            let path = home.sandbox.path(relative);
            let contents = std::fs::read(&path).ok().map(|bytes| {
                let permissions = std::fs::metadata(&path).unwrap().permissions();
                (bytes, permissions)
            });
            (path, contents)
        });
        Self(saved.into())
    }

    fn restore(&self) {
        for (path, contents) in &self.0 {
            match contents {
                Some((bytes, permissions)) => {
                    std::fs::write(path, bytes).unwrap();
                    std::fs::set_permissions(path, permissions.clone()).unwrap();
                }
                None if path.exists() => std::fs::remove_file(path).unwrap(),
                None => {}
            }
        }
    }
}

/// Runs the fix of the finding `code` exactly as doctor printed it, and checks that
/// doctor no longer reports that finding.
#[track_caller]
fn assert_fix_clears(
    home: &Home,
    json: &Value,
    code: &str,
    env: &BTreeMap<OsString, OsString>,
    stdin: &str,
    args: &[&str],
) -> Value {
    let fix = finding(json, code)["fix"]
        .as_str()
        .unwrap_or_else(|| panic!("{code} has no fix: {json:#}"))
        .to_owned();
    let after = home.after_fix(&fix, env, stdin, args);
    assert!(
        !codes(&after).iter().any(|found| found == code),
        "{code} is still reported after `{fix}`: {after:#}"
    );
    after
}

/// Sets the mode of a file in the sandbox's home.
fn chmod(home: &Home, relative: &str, mode: u32) {
    std::fs::set_permissions(
        home.sandbox.path(relative),
        std::fs::Permissions::from_mode(mode),
    )
    .unwrap();
}
