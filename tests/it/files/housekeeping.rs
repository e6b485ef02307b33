//! `clear` and `remove`: cached sessions and stored keys go only when asked, and
//! nothing else in the files moves.

use crate::support::moto::Moto;
use crate::support::{Sandbox, dead_endpoint};
use stscreds::ini::Document;

/// A sandbox with `default` and `work` initialised and authenticated, next to a
/// hand-written profile with long-term keys in ~/.aws/credentials.
fn two_profiles() -> Sandbox {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("house");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.write(
        ".aws/credentials",
        "# mine\n[mine]\naws_access_key_id = AKIAMINEMINEMINEMINE\naws_secret_access_key = mine\n",
    );
    for profile in ["default", "work"] {
        sandbox.init(profile, &user);
        sandbox.auth(profile);
    }
    sandbox
}

fn sections(sandbox: &Sandbox, file: &str) -> Vec<String> {
    Document::parse(&sandbox.read(file))
        .unwrap()
        .sections()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn clear_drops_only_the_profiles_stscreds_sessions() {
    let sandbox = two_profiles();
    let before = sandbox.read(".aws/credentials");
    let keys = sandbox.read(".stscreds/credentials");
    let role_cache = "[work+arn:aws:iam::1:role/X]\naws_access_key_id = ASIAROLE\naws_secret_access_key = s\naws_session_token = t\nstscreds_expiration = 2030-01-01T00:00:00Z\n\n[other]\naws_access_key_id = ASIAOTHER\nstscreds_expiration = 2030-01-01T00:00:00Z\n";
    sandbox.write(".stscreds/sessions", role_cache);

    let run = sandbox.run(&["clear", "--profile", "work"], "").success();
    assert!(
        run.stderr
            .contains("Cleared 2 cached session(s) of profile 'work'"),
        "{run:#?}"
    );
    let work_start = before.find("\n[work]").unwrap();
    assert_eq!(
        sandbox.read(".aws/credentials"),
        before[..work_start + 1],
        "only [work] went"
    );
    assert_eq!(sections(&sandbox, ".stscreds/sessions"), ["other"]);
    assert_eq!(
        sandbox.read(".stscreds/credentials"),
        keys,
        "long-term keys stay"
    );

    let untouched = sandbox.read(".aws/credentials");
    sandbox.run(&["clear", "--profile", "mine"], "").success();
    assert_eq!(
        sandbox.read(".aws/credentials"),
        untouched,
        "keys stscreds did not write are never cleared"
    );
    let mut offline = Sandbox::new(&dead_endpoint());
    offline.set_env("HOME", &sandbox.home().display().to_string());
    let read = offline.run(&["read", "--profile", "work", "aws_access_key_id"], "");
    let read = read.failure("standard input is closed");
    assert!(
        read.stderr
            .contains("the session of profile 'work' needs a new MFA code"),
        "the next read renews: {read:#?}"
    );
}

#[test]
fn remove_asks_first_and_needs_yes_without_a_terminal() {
    let sandbox = two_profiles();
    let keys = sandbox.read(".stscreds/credentials");
    sandbox
        .run(&["remove", "--profile", "work"], "y\n")
        .failure("needs confirmation: run it in a terminal, or pass --yes");
    assert_eq!(sandbox.read(".stscreds/credentials"), keys);
}

#[test]
fn remove_deletes_the_keys_and_optionally_the_sessions() {
    let sandbox = two_profiles();
    let sessions = sandbox.read(".aws/credentials");
    let run = sandbox
        .run(&["remove", "--profile", "work", "--yes"], "")
        .success();
    assert!(run.stderr.contains("Removed the long-term key"), "{run:#?}");
    assert_eq!(sections(&sandbox, ".stscreds/credentials"), ["default"]);
    assert_eq!(
        sandbox.read(".aws/credentials"),
        sessions,
        "sessions stay without --sessions"
    );
    let state = Document::parse(&sandbox.read(".stscreds/config")).unwrap();
    assert_eq!(
        state.get("work", "user_name"),
        None,
        "what was learned is forgotten"
    );
    sandbox
        .run(&["auth", "--profile", "work", "--token-code", "123456"], "")
        .failure("run `stscreds init --profile work` first");

    sandbox
        .run(&["remove", "--yes", "--sessions"], "")
        .success();
    assert!(
        sandbox.read(".stscreds/credentials").trim().is_empty(),
        "{}",
        sandbox.read(".stscreds/credentials")
    );
    assert_eq!(
        sections(&sandbox, ".aws/credentials"),
        ["mine", "work"],
        "default's session went with --sessions"
    );
}

#[test]
fn clear_right_after_a_killed_write_leaves_no_copy_of_a_session() {
    let sandbox = Sandbox::new(&dead_endpoint());
    sandbox.write(".aws/config", "[profile dev]\nregion = eu-west-1\n");
    let session = "[dev]\naws_access_key_id = ASIAKILLEDWRITE00001\naws_secret_access_key = s\naws_session_token = t\nstscreds_expiration = 2030-01-01T00:00:00Z\n";
    // What writes killed a moment ago left: younger than any age rule.
    let leftovers = [
        ".aws/.stscreds-Killed.tmp",
        ".stscreds/.stscreds-Killed.tmp",
    ];
    for leftover in leftovers {
        sandbox.write(leftover, session);
    }
    let unrelated = ".aws/.stscreds-notes.txt";
    sandbox.write(unrelated, "keep");

    sandbox.run(&["clear", "--profile", "dev"], "").success();
    for leftover in leftovers {
        assert!(!sandbox.path(leftover).exists(), "{leftover} is left");
    }
    assert_eq!(sandbox.read(unrelated), "keep");
}
