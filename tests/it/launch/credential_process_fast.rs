//! The fast path of `stscreds credential-process [--profile NAME]`: a cached session
//! valid for at least 15 minutes is served from the file where the full command would
//! find it, as the same JSON, with no network; anything else goes the full way.

use crate::support::moto::Moto;
use crate::support::{
    Run, Sandbox, dead_endpoint, register_secret, run_with_stdin, without_terminal,
};
use jiff::{SignedDuration, Timestamp};
use stscreds::ini::Document;
use stscreds::output;
use stscreds::session::SessionCredentials;

/// A role profile `admin` assumed from `base`, whose keys stscreds would store.
const ROLE_CONFIG: &str = "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n[profile base]\nregion = us-east-1\n";

/// A credentials-file section holding a session for `profile` that expires `left`
/// from now, with values of its own (registered as secrets: never on stderr).
fn session_section(profile: &str, key_id: &str, left: SignedDuration) -> String {
    let (secret, token) = (format!("{key_id}/secret+"), format!("{key_id}token=="));
    register_secret(&secret);
    register_secret(&token);
    format!(
        "[{profile}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\naws_session_token = {token}\nstscreds_expiration = {}\n",
        Timestamp::now() + left
    )
}

/// [`session_section`] for the role profile `admin` of [`ROLE_CONFIG`], marked as made
/// from that role (a role session made from another chain is never served).
fn role_session(sandbox: &Sandbox, key_id: &str, left: SignedDuration) -> String {
    let origin = sandbox.origin_of("admin");
    format!(
        "{}stscreds_origin = {origin}\n",
        session_section("admin", key_id, left)
    )
}

/// The `credential_process` document for the session `section` holds for `profile`.
fn json_of(section: &str, profile: &str) -> String {
    let document = Document::parse(section).unwrap();
    let credentials = SessionCredentials::from_document(&document, profile).unwrap();
    output::credential_process_json(&credentials)
}

/// A sandbox whose AWS endpoint is dead: any network call fails the command.
fn offline() -> Sandbox {
    Sandbox::new(&dead_endpoint())
}

/// `credential-process` for `profile` on the fast path, and on the full path (a global
/// option before the command is something only clap takes): both must succeed alike.
fn fast_and_full(sandbox: &Sandbox, profile: &str) -> (Run, Run) {
    let fast = sandbox.run(&["credential-process", "--profile", profile], "");
    let full = sandbox.run(&["--profile", profile, "credential-process"], "");
    (fast.success(), full.success())
}

#[test]
fn a_credential_process_profile_is_served_from_the_private_sessions() {
    let sandbox = offline();
    sandbox.write(
        ".aws/config",
        "[profile work]\ncredential_process = stscreds credential-process --profile work\n",
    );
    let section = session_section(
        "work",
        "ASIAPRIVATEWORK00001",
        SignedDuration::from_hours(1),
    );
    sandbox.write(".stscreds/sessions", &section);
    let (fast, full) = fast_and_full(&sandbox, "work");
    assert_eq!(fast.stdout, json_of(&section, "work"));
    assert_eq!(fast.stdout, full.stdout, "the same JSON either way");
    assert_eq!(fast.stderr, "", "nothing but the JSON");
    let inline = sandbox
        .run(&["credential-process", "--profile=work"], "")
        .success();
    assert_eq!(inline.stdout, fast.stdout);
}

#[test]
fn a_role_profile_is_served_from_the_private_sessions_under_its_name() {
    let sandbox = offline();
    sandbox.write(".aws/config", ROLE_CONFIG);
    let section = role_session(
        &sandbox,
        "ASIAROLEADMIN0000001",
        SignedDuration::from_hours(1),
    );
    sandbox.write(".stscreds/sessions", &section);
    // The AWS tools assume role profiles themselves: a session stored for the profile
    // in their credentials file is not stscreds' role session and is not served.
    let stray = session_section(
        "admin",
        "ASIASTRAYADMIN000001",
        SignedDuration::from_hours(2),
    );
    sandbox.write(".aws/credentials", &stray);
    let (fast, full) = fast_and_full(&sandbox, "admin");
    assert_eq!(fast.stdout, json_of(&section, "admin"));
    assert_eq!(fast.stdout, full.stdout);
    assert_eq!(fast.stderr, "");
}

#[test]
fn a_profile_with_its_own_keys_is_served_from_the_aws_credentials_file() {
    let mut sandbox = offline();
    let section = session_section("dev", "ASIASHAREDDEV0000001", SignedDuration::from_hours(1));
    sandbox.write(".aws/credentials", &section);
    sandbox.set_env("AWS_PROFILE", "dev");
    let fast = sandbox.run(&["credential-process"], "").success();
    let full = sandbox.run(&["credential-process", "--"], "").success();
    assert_eq!(fast.stdout, json_of(&section, "dev"));
    assert_eq!(fast.stdout, full.stdout);
}

#[test]
fn only_a_session_with_15_minutes_left_is_served() {
    let sandbox = offline();
    sandbox.write(".aws/config", ROLE_CONFIG);
    let sixteen = role_session(
        &sandbox,
        "ASIASIXTEENMINUTES01",
        SignedDuration::from_mins(16),
    );
    sandbox.write(".stscreds/sessions", &sixteen);
    let served = sandbox
        .run(&["credential-process", "--profile", "admin"], "")
        .success();
    assert_eq!(served.stdout, json_of(&sixteen, "admin"));

    let fourteen = role_session(
        &sandbox,
        "ASIAFOURTEENMINUTES1",
        SignedDuration::from_mins(14),
    );
    sandbox.write(".stscreds/sessions", &fourteen);
    // The full path renews, which here needs the keys of `base`: there are none.
    let run = run_with_stdin(
        without_terminal(sandbox.command(&["credential-process", "--profile", "admin"])),
        "",
    );
    let run = run.failure("no long-term keys are stored for profile 'base'");
    assert_eq!(run.stdout, "", "no stale credentials handed out");
}

#[test]
fn a_stale_session_falls_through_to_renewal() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("fast");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("work", &user);
    sandbox.write(
        ".aws/config",
        "[profile work]\ncredential_process = stscreds credential-process --profile work\nmfa_process = echo 123456\n",
    );
    let stale = session_section(
        "work",
        "ASIASTALEWORK0000001",
        SignedDuration::from_mins(10),
    );
    sandbox.write(".stscreds/sessions", &stale);
    let run = run_with_stdin(
        without_terminal(sandbox.command(&["credential-process", "--profile", "work"])),
        "",
    )
    .success();
    assert!(run.stderr.contains("Wrote credentials"), "{run:#?}");
    let renewed = sandbox.read(".stscreds/sessions");
    assert_eq!(run.stdout, json_of(&renewed, "work"));
    assert_ne!(run.stdout, json_of(&stale, "work"));
}

#[test]
fn a_stale_role_session_is_assumed_again() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("fast-role");
    let role = moto.create_role("Fast");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("base", &user);
    sandbox.write(
        ".aws/config",
        &format!(
            "[profile admin]\nrole_arn = {role}\nsource_profile = base\n[profile base]\nmfa_process = echo 123456\n"
        ),
    );
    let stale = session_section(
        "admin",
        "ASIASTALEADMIN000001",
        SignedDuration::from_mins(10),
    );
    sandbox.write(".stscreds/sessions", &stale);
    let run = run_with_stdin(
        without_terminal(sandbox.command(&["credential-process", "--profile", "admin"])),
        "",
    )
    .success();
    assert!(
        run.stderr.contains(&format!("Assumed role {role}")),
        "{run:#?}"
    );
    let renewed = sandbox.read(".stscreds/sessions");
    assert_eq!(run.stdout, json_of(&renewed, "admin"));
    assert_ne!(run.stdout, json_of(&stale, "admin"));
}

#[test]
fn what_the_fast_path_cannot_decide_goes_the_full_way() {
    let mut sandbox = offline();
    let section = session_section(
        "default",
        "ASIADEFAULT000000001",
        SignedDuration::from_hours(1),
    );
    sandbox.write(".aws/credentials", &section);
    // An ad hoc role is cached under its own name: the profile's session is not it.
    let role_arn = "arn:aws:iam::123456789012:role/Other";
    let run = run_with_stdin(
        without_terminal(sandbox.command(&["credential-process", "--role-arn", role_arn])),
        "",
    );
    assert_eq!(run.failure("sts:AssumeRole").stdout, "");
    // clap says what is wrong with AWS_PROFILE.
    sandbox.set_env("AWS_PROFILE", "not a profile");
    sandbox
        .run(&["credential-process"], "")
        .failure("AWS_PROFILE");
}

#[test]
fn a_config_warning_is_said_once_when_the_fast_path_declines() {
    let sandbox = offline();
    sandbox.write(
        ".aws/config",
        "[profile work]\nregion = eu-west-1\n[profile work]\noutput = json\n",
    );
    // No session to serve: `stscreds` declines and hands over to `stscreds-core`.
    let run = run_with_stdin(
        without_terminal(sandbox.command(&["credential-process", "--profile", "work"])),
        "",
    )
    .failure("no long-term keys are stored for profile 'work'");
    let warning = format!(
        "warning: {} has [profile work] twice (lines 1 and 3)",
        sandbox.path(".aws/config").display()
    );
    assert_eq!(run.stderr.matches(&warning).count(), 1, "{run:#?}");
}
