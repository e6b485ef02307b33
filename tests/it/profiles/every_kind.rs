//! Everyday use of profiles, as a new user meets them: `list` shows every profile
//! stscreds serves (roles too), `clear` reaches the role sessions built on a profile
//! and `clear --all` everything, a mistyped or keyless profile gets advice that fits
//! what it is, `configure` never puts a credential_process where the AWS tools ignore
//! it, and `--profile` completes profile names in a real bash.

use std::path::Path;
use std::process::Command;

use crate::support::fault::FaultServer;
use crate::support::moto::{Moto, TestUser};
use crate::support::{
    Run, Sandbox, binary, python, run_with_stdin, support_file, venv, without_terminal,
};
use stscreds::ini::Document;

fn role_profile(name: &str, role_arn: &str, source: &str) -> String {
    format!("[profile {name}]\nrole_arn = {role_arn}\nsource_profile = {source}\n")
}

/// A sandbox behind a counting server whose `base` profile holds a user's keys and
/// gets its MFA codes from `echo 123456`, with `config` appended to ~/.aws/config.
struct Team {
    sandbox: Sandbox,
    counter: FaultServer,
    user: TestUser,
}

impl Team {
    fn new(config: &str) -> Self {
        let moto = Moto::shared();
        let (user, _) = moto.create_user_with_mfa("everyday");
        let counter = FaultServer::counting(moto.url());
        let sandbox = Sandbox::new(&counter.url());
        sandbox.init("base", &user);
        sandbox.write(
            ".aws/config",
            &format!("[profile base]\nmfa_process = echo 123456\n{config}"),
        );
        counter.clear();
        Self {
            sandbox,
            counter,
            user,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.sandbox.run(args, "")
    }

    fn sessions(&self, file: &str) -> Vec<String> {
        if !self.sandbox.path(file).exists() {
            return Vec::new();
        }
        let document = Document::parse(&self.sandbox.read(file)).unwrap();
        document
            .sections()
            .into_iter()
            .filter(|section| document.get(section, "aws_session_token").is_some())
            .map(str::to_owned)
            .collect()
    }
}

/// `base`, a role `dev` on it, a role `deep` on `dev`, and a role `elsewhere` on
/// another base, `solo`.
fn roles_on_base() -> String {
    let moto = Moto::shared();
    "[profile solo]\nmfa_process = echo 123456\n".to_owned()
        + &role_profile("dev", &moto.create_role("Dev"), "base")
        + &role_profile("deep", &moto.create_role("Deep"), "dev")
        + &role_profile("elsewhere", &moto.create_role("Else"), "solo")
}

#[test]
fn clear_of_a_base_profile_also_clears_the_role_sessions_built_on_it() {
    let team = Team::new(&roles_on_base());
    team.sandbox.init("solo", &team.user);
    for profile in ["dev", "deep", "elsewhere"] {
        team.run(&["auth", "--profile", profile]).success();
    }
    let ad_hoc = Moto::shared().create_role("AdHoc");
    team.run(&["export", "--profile", "dev", "--role-arn", &ad_hoc])
        .success();
    let ad_hoc_session = format!("dev+{ad_hoc}");
    assert_eq!(
        team.sessions(".stscreds/sessions"),
        ["dev", "deep", "elsewhere", &ad_hoc_session]
    );
    assert_eq!(team.sessions(".aws/credentials"), ["base", "solo"]);

    let run = team.run(&["clear", "--profile", "base"]).success();
    assert!(
        run.stderr.contains(
            "Cleared 4 cached session(s) of profile 'base' and of the role profiles built on it (deep, dev)."
        ),
        "{run:#?}"
    );
    assert_eq!(
        team.sessions(".stscreds/sessions"),
        ["elsewhere"],
        "a role on another base keeps its session"
    );
    assert_eq!(team.sessions(".aws/credentials"), ["solo"]);

    team.counter.clear();
    team.run(&["export", "--profile", "dev"]).success();
    assert_eq!(
        (
            team.counter.count("GetSessionToken"),
            team.counter.count("AssumeRole")
        ),
        (1, 1),
        "the role is assumed again from a new MFA session, with a new code"
    );
}

#[test]
fn clear_all_clears_every_cached_session_and_never_a_long_term_key() {
    let team = Team::new(&roles_on_base());
    team.sandbox.init("solo", &team.user);
    for profile in ["dev", "elsewhere"] {
        team.run(&["auth", "--profile", profile]).success();
    }
    let mine = "\n[mine]\naws_access_key_id = AKIAMINEMINEMINEMINE\naws_secret_access_key = mine\n";
    let credentials = team.sandbox.read(".aws/credentials") + mine;
    team.sandbox.write(".aws/credentials", &credentials);
    let keys = team.sandbox.read(".stscreds/credentials");

    let run = team.run(&["clear", "--all"]).success();
    assert!(
        run.stderr
            .contains("Cleared 4 cached session(s) of every profile; long-term keys stay."),
        "{run:#?}"
    );
    assert!(team.sessions(".stscreds/sessions").is_empty());
    assert_eq!(
        team.sandbox.read(".aws/credentials").trim(),
        mine.trim(),
        "keys stscreds did not write stay, byte for byte"
    );
    assert_eq!(team.sandbox.read(".stscreds/credentials"), keys);

    let again = team.run(&["clear", "--all"]).success();
    assert!(
        again
            .stderr
            .contains("No cached sessions; nothing to clear."),
        "{again:#?}"
    );
    team.run(&["clear", "--all", "--profile", "dev"])
        .failure("`clear --all` clears the sessions of every profile; leave out --profile, or run `stscreds clear --profile dev` for that one");
}

#[test]
fn list_shows_the_role_and_credential_process_profiles_with_their_source() {
    let config = roles_on_base()
        + &format!(
            "[profile dev-cli]\ncredential_process = {} credential-process --profile dev\n",
            binary()
        )
        + &role_profile("orphan", "arn:aws:iam::123456789012:role/O", "nobody")
        + "[profile region-only]\nregion = eu-west-1\n";
    let team = Team::new(&config);
    team.run(&["auth", "--profile", "dev"]).success();
    let list = team.run(&["list"]).success().stdout;
    let rows: Vec<Vec<&str>> = list
        .lines()
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "PROFILE", "SOURCE", "BACKEND", "USER", "MFA", "DEVICE", "SESSION"
        ],
        "{list}"
    );
    let row = |profile: &str| {
        rows.iter()
            .find(|row| row[0] == profile)
            .unwrap_or_else(|| panic!("no row for {profile}:\n{list}"))
            .clone()
    };
    let user = team.user.name.as_str();
    assert_eq!(&row("base")[..4], ["base", "-", "file", user], "{list}");
    assert_eq!(&row("dev")[..5], ["dev", "base", "-", "-", "-"], "{list}");
    assert!(row("dev")[5..].join(" ").ends_with("m left"), "{list}");
    assert_eq!(
        row("deep"),
        ["deep", "dev", "-", "-", "-", "none"],
        "{list}"
    );
    assert_eq!(
        row("dev-cli")[..5],
        ["dev-cli", "dev", "-", "-", "-"],
        "its session is dev's: {list}"
    );
    assert_eq!(row("dev-cli")[5..], row("dev")[5..], "{list}");
    assert_eq!(
        rows.len(),
        5,
        "not the roles of a base without keys, nor a plain config profile: {list}"
    );
}

#[test]
fn a_mistyped_profile_is_called_unknown_and_the_closest_name_is_suggested() {
    let team = Team::new("[profile work]\nregion = eu-west-1\n");
    team.sandbox.init("work", &team.user);
    team.counter.clear();
    for args in [
        &["read", "--profile", "Work", "aws_access_key_id"][..],
        &["auth", "--profile", "wrok", "--token-code", "123456"],
        &["export", "--profile", "Work"],
        &["whoami", "--profile", "bsae"],
    ] {
        let run = team.run(args).failure("unknown profile '");
        assert!(
            run.stderr
                .contains("(no file of stscreds or the AWS tools names it)")
                && (run.stderr.contains("did you mean 'work'?")
                    || run.stderr.contains("did you mean 'base'?")),
            "{args:?}: {run:#?}"
        );
        assert!(
            !run.stderr.contains("init --profile Work` first"),
            "{run:#?}"
        );
        assert_eq!(run.stderr.lines().count(), 1, "one line: {run:#?}");
    }
    team.run(&["clear", "--profile", "Work"])
        .failure("unknown profile 'Work' (no file of stscreds or the AWS tools names it); did you mean 'work'?");
    team.run(&["auth", "--profile", "newcomer", "--token-code", "123456"])
        .failure("no long-term keys are stored for profile 'newcomer'; run `stscreds init --profile newcomer` first");
    assert!(
        team.counter.actions().is_empty(),
        "no AWS call: {:?}",
        team.counter.actions()
    );
}

#[test]
fn a_role_or_credential_process_profile_is_never_sent_to_init() {
    let config = role_profile("dev", "arn:aws:iam::123456789012:role/D", "base")
        + &format!(
            "[profile dev-cli]\ncredential_process = {} credential-process --profile dev\n",
            binary()
        )
        + "[profile vault]\ncredential_process = aws-vault exec x --json\n";
    let team = Team::new(&config);
    let cases: [(&[&str], &str); 4] = [
        (
            &["read", "--profile", "dev-cli", "aws_access_key_id"],
            "profile 'dev-cli' is for the AWS tools: its credential_process runs `stscreds credential-process --profile dev`; with stscreds, use `--profile dev`",
        ),
        (
            &["credential-process", "--profile", "dev-cli"],
            "with stscreds, use `--profile dev`",
        ),
        (
            &["policy", "--profile", "dev"],
            "profile 'dev' is a role profile (role_arn in ~/.aws/config) and has no long-term keys of its own; they belong to its source_profile: use `--profile base`",
        ),
        (
            &["auth", "--profile", "vault", "--token-code", "123456"],
            "profile 'vault' gets its credentials from its credential_process, another program",
        ),
    ];
    for (args, message) in cases {
        let run = team.run(args).failure(message);
        assert!(!run.stderr.contains("stscreds init"), "{args:?}: {run:#?}");
    }
    team.run(&["clear", "--profile", "dev-cli"]).failure(
        "profile 'dev-cli' caches nothing: its credential_process gets the credentials of profile 'dev'; run `stscreds clear --profile dev`",
    );
    assert!(team.counter.actions().is_empty(), "no AWS call");
}

#[test]
fn configure_refuses_a_credential_process_in_a_role_profile_and_the_profile_it_suggests_serves_the_role()
 {
    let role = Moto::shared().create_role("ForTools");
    let team = Team::new(&(role_profile("dev", &role, "base") + "region = eu-west-2\n"));
    let config = team.sandbox.read(".aws/config");
    team.run(&["configure", "--profile", "dev", "--credential-process", "--region", "eu-west-1"])
        .failure(&format!(
            "profile 'dev' assumes role {role}, so the AWS tools assume it themselves and would never run a credential_process there; give them a profile of their own that gets the credentials of 'dev' from stscreds: `stscreds configure --profile dev-cli --credential-process-for dev`"
        ));
    assert_eq!(team.sandbox.read(".aws/config"), config, "nothing written");
    team.run(&["configure", "--profile", "dev-cli", "--credential-process-for", "Dev"])
        .failure("unknown profile 'Dev' (no file of stscreds or the AWS tools names it); did you mean 'dev'?");

    team.run(&[
        "configure",
        "--profile",
        "dev-cli",
        "--credential-process-for",
        "dev",
    ])
    .success();
    assert_eq!(
        team.sandbox.read(".aws/config"),
        format!(
            "{config}\n[profile dev-cli]\ncredential_process = {} credential-process --profile dev\nregion = eu-west-2\n",
            binary()
        )
    );

    // What the AWS CLI does with the profile: botocore's provider chain, no terminal.
    let mut botocore = Command::new(python());
    botocore
        .arg(support_file("botocore_identity.py"))
        .args(["dev-cli", &team.counter.url()])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", team.sandbox.home())
        .env("AWS_ENDPOINT_URL", team.counter.url());
    let run = run_with_stdin(without_terminal(botocore), "");
    assert_eq!(run.code, Some(0), "{run:#?}");
    let arn = run.stdout.lines().nth(1).unwrap_or_default();
    let role_name = role.rsplit('/').next().unwrap();
    assert!(
        arn.contains(&format!(":assumed-role/{role_name}/{}", team.user.name)),
        "{run:#?}"
    );
    assert_eq!(team.counter.count("AssumeRole"), 1, "through stscreds");

    // The AWS CLI with no region in its environment: the profile has the role's.
    let mut aws = Command::new(venv().join("bin/aws"));
    aws.args(["sts", "get-caller-identity", "--profile", "dev-cli"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", team.sandbox.home())
        .env("AWS_ENDPOINT_URL", team.counter.url());
    let run = run_with_stdin(without_terminal(aws), "");
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains(":assumed-role/"), "{run:#?}");
}

/// A home whose files name profiles in every place `list --names` looks, and a file
/// whose name a file-name completion of `w` would offer.
fn home_with_profiles_everywhere() -> Sandbox {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    sandbox.write(
        ".aws/config",
        "[default]\nregion = eu-west-1\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/D\nsource_profile = work\n[sso-session corp]\n[profile web-cli]\ncredential_process = stscreds credential-process --profile dev\n",
    );
    sandbox.write(
        ".aws/credentials",
        "[work]\naws_session_token = t\n[weird name]\n",
    );
    sandbox.write(".stscreds/config", "[wiki]\nbackend = keyring\n");
    sandbox.write(".stscreds/credentials", "[work]\n");
    sandbox.write("whatever.txt", "");
    sandbox
}

#[test]
fn list_names_prints_every_profile_the_files_know() {
    let sandbox = home_with_profiles_everywhere();
    let run = sandbox.run(&["list", "--names"], "").success();
    assert_eq!(run.stdout, "default\ndev\nweb-cli\nwiki\nwork\n");
    let help = sandbox.run(&["list", "--help"], "").success();
    assert!(!help.stdout.contains("--names"), "hidden: {help:#?}");
}

/// The directory of the binary under test, first on PATH: the completion scripts run
/// `stscreds list --names` as the user's shell would find it.
fn path_with_the_binary() -> String {
    let directory = Path::new(binary()).parent().unwrap();
    format!(
        "{}:{}",
        directory.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn bash_completes_profile_names_in_a_real_interactive_bash() {
    let sandbox = home_with_profiles_everywhere();
    let script = sandbox.run(&["completions", "bash"], "").success().stdout;
    sandbox.write("stscreds.bash", &script);
    let mut bash = Command::new("bash");
    bash.args(["--norc", "--noprofile", "-i"])
        .env_clear()
        .env("HOME", sandbox.home())
        .env("PATH", path_with_the_binary())
        .current_dir(sandbox.home());
    // As readline does on TAB: the words so far, and the function `complete` names.
    let session = r#"
source ./stscreds.bash
complete -p stscreds
tab() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
    local function=$(complete -p stscreds | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
    "$function" stscreds "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "$*> ${COMPREPLY[*]}"
}
tab stscreds --profile w
tab stscreds read --profile ''
tab stscreds exec --profile de
tab stscreds configure --credential-process-for d
exit
"#;
    let run = run_with_stdin(bash, session);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].contains(" -F _stscreds ") && lines[0].ends_with(" stscreds"),
        "the completion is registered: {run:#?}"
    );
    assert_eq!(
        lines[1..],
        [
            "stscreds --profile w> web-cli wiki work",
            "stscreds read --profile > default dev web-cli wiki work",
            "stscreds exec --profile de> default dev",
            "stscreds configure --credential-process-for d> default dev",
        ],
        "{run:#?}"
    );
}

#[test]
fn fish_completes_profile_names_where_fish_is_installed() {
    let sandbox = home_with_profiles_everywhere();
    let script = sandbox.run(&["completions", "fish"], "").success().stdout;
    sandbox.write("stscreds.fish", &script);
    let mut fish = Command::new("fish");
    fish.args(["--no-config", "-c"])
        .arg("source stscreds.fish; complete -C 'stscreds --profile w'; complete -C 'stscreds read --profile de'")
        .env("HOME", sandbox.home())
        .env("PATH", path_with_the_binary())
        .current_dir(sandbox.home());
    let Ok(output) = fish.output() else {
        eprintln!("fish is not installed here: its script is checked by the unit tests only");
        return;
    };
    let offered: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split('\t').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        offered,
        ["web-cli", "wiki", "work", "default", "dev"],
        "{output:#?}"
    );
}

/// A directory name holding every character that a shell, Python's `shlex` or an SDK's
/// INI parser would take for something other than itself.
const AWKWARD_DIRECTORY: &str = "my tools $HOME 'q' \"d\" #h ;s \\b `id` $(id) *?~!&|<>{}é";

/// The executables under test, linked (else copied) into `directory`, so that a
/// `stscreds` run from there knows itself by that path.
fn install_into(directory: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(directory).unwrap();
    for (name, built) in [
        ("stscreds", binary()),
        ("stscreds-core", env!("CARGO_BIN_EXE_stscreds-core")),
    ] {
        let target = directory.join(name);
        if std::fs::hard_link(built, &target).is_err() {
            std::fs::copy(built, &target).unwrap();
        }
    }
    directory.join("stscreds")
}

/// What each kind of SDK makes of `profile`'s credential_process in `home`'s
/// ~/.aws/config: botocore's value split by `shlex.split` (as the AWS CLI and boto3
/// do), and the value the JavaScript SDK's INI parser reads (it ends a value at a `#`
/// or `;` after a blank), which that SDK runs with `/bin/sh`.
const READ_CREDENTIAL_PROCESS: &str = r#"
import json, os, re, shlex, sys
import botocore.session
profile = sys.argv[1]
value = botocore.session.Session(profile=profile).get_scoped_config()["credential_process"]
path = os.path.expanduser("~/.aws/config")
js_value, section = None, None
for line in open(path).read().splitlines():
    line = re.split(r"(^|\s)[;#]", line)[0].strip()
    if line.startswith("[") and line.endswith("]"):
        section = line[1:-1]
    elif section == "profile " + profile and "=" in line:
        key, _, rest = line.partition("=")
        if key.strip() == "credential_process":
            js_value = rest.strip()
print(json.dumps({"botocore": shlex.split(value), "js": js_value}))
"#;

/// The environment the sandbox runs stscreds in, for running it another way.
fn environment_of(sandbox: &Sandbox) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    let command = sandbox.command(&[]);
    command
        .get_envs()
        .filter_map(|(name, value)| Some((name.to_owned(), value?.to_owned())))
        .collect()
}

/// The words `/bin/sh` makes of `line`, as it does running it for the JavaScript SDK.
fn sh_words(line: &str) -> Vec<String> {
    let output = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("set -- {line}\nprintf '%s\\0' \"$@\""))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sh cannot parse {line:?}: {output:?}"
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .split_terminator('\0')
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_credential_process_from_an_awkward_directory_runs_alike_for_botocore_and_sh() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("awkward-path");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("work", &user);
    sandbox.write(
        ".aws/config",
        "[profile work]\nregion = us-east-1\nmfa_process = echo 123456\n",
    );
    let installed = install_into(&sandbox.path(AWKWARD_DIRECTORY));
    let mut configure = Command::new(&installed);
    configure
        .args(["configure", "--profile", "work", "--credential-process"])
        .env_clear()
        .envs(environment_of(&sandbox));
    run_with_stdin(configure, "").success();

    let read = Command::new(python())
        .args(["-c", READ_CREDENTIAL_PROCESS, "work"])
        .env("HOME", sandbox.home())
        .output()
        .unwrap();
    assert!(read.status.success(), "{read:?}");
    let seen: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    let expected = [
        installed.to_str().unwrap(),
        "credential-process",
        "--profile",
        "work",
    ];
    assert_eq!(seen["botocore"], serde_json::json!(expected), "{seen}");
    let js_line = seen["js"].as_str().unwrap();
    assert_eq!(sh_words(js_line), expected, "{js_line:?}");

    // The line as the JavaScript (and Rust) SDKs run it: `/bin/sh -c LINE`.
    let mut through_sh = Command::new("/bin/sh");
    through_sh
        .args(["-c", js_line])
        .env_clear()
        .envs(environment_of(&sandbox));
    let process = run_with_stdin(without_terminal(through_sh), "").success();
    assert!(
        process.stdout.contains("\"SessionToken\": \""),
        "{process:#?}"
    );

    // botocore: the AWS CLI's and boto3's provider chain runs it itself.
    let mut botocore = Command::new(python());
    botocore
        .arg(support_file("botocore_identity.py"))
        .args(["work", &moto.url()])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", sandbox.home());
    let run = run_with_stdin(without_terminal(botocore), "");
    assert_eq!(run.code, Some(0), "{run:#?}");
    let arn = run.stdout.lines().nth(1).unwrap_or_default();
    assert!(arn.starts_with("arn:aws:"), "{run:#?}");
}
