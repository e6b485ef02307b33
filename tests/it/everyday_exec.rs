//! Everyday `exec` and `export`, as a user coming from aws-vault drives them: a shell
//! from `stscreds exec` whose `~/.bashrc` follows the README's `read` recipe keeps the
//! exec'd profile's credentials; `export` sets what `exec` sets, region included; a
//! command that cannot be run exits as it would in a shell (127, 126).

use std::fs;
use std::process::Command;

use crate::support::Sandbox;
use crate::support::moto::Moto;
use stscreds::ini::Document;

/// The key id of every session moto's GetSessionToken hands out.
const MOTO_SESSION_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// A user's set-up: `default` and `base` hold the keys of two IAM users, `dev` is a
/// role assumed from `base` (in eu-west-1), and both `default` and `dev` have a fresh
/// session. `stscreds` is on the PATH, as an installed copy would be.
struct Accounts {
    sandbox: Sandbox,
    /// The key id of `dev`'s cached role session.
    role_key: String,
}

impl Accounts {
    fn new() -> Self {
        let moto = Moto::shared();
        let (base, _) = moto.create_user_with_mfa("exec-base");
        let (other, _) = moto.create_user_with_mfa("exec-default");
        let role = moto.create_role("Developer");
        let mut sandbox = Sandbox::new(&moto.url());
        put_stscreds_on_path(&mut sandbox);
        sandbox.init("default", &other);
        sandbox.init("base", &base);
        sandbox.write(
            ".aws/config",
            &format!(
                "[profile base]\nregion = us-east-1\n\n[profile dev]\nrole_arn = {role}\nsource_profile = base\nregion = eu-west-1\n"
            ),
        );
        sandbox.auth("default");
        sandbox.auth("dev");
        let sessions = Document::parse(&sandbox.read(".stscreds/sessions")).unwrap();
        let role_key = sessions.get("dev", "aws_access_key_id").unwrap().to_owned();
        assert_ne!(role_key, MOTO_SESSION_KEY, "the role's key tells it apart");
        Self { sandbox, role_key }
    }
}

/// Puts a `bin/stscreds` (the binary under test) first on the sandbox's PATH.
pub fn put_stscreds_on_path(sandbox: &mut Sandbox) {
    let bin = sandbox.path("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_stscreds"), bin.join("stscreds")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    sandbox.set_env("PATH", &path);
}

#[test]
fn export_sets_what_exec_sets_region_included() {
    let accounts = Accounts::new();
    let sandbox = accounts.sandbox;
    let print = r#"printf '%s|' "$AWS_ACCESS_KEY_ID" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION" "$AWS_DEFAULT_REGION""#;
    let from_exec = sandbox
        .run(&["exec", "--profile", "dev", "--", "sh", "-c", print], "")
        .success()
        .stdout;
    let exported = sandbox
        .run(&["export", "--profile", "dev"], "")
        .success()
        .stdout;
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{exported}\n{print}"))
        .env_clear()
        .output()
        .unwrap();
    let from_export = String::from_utf8(output.stdout).unwrap();
    assert!(
        from_exec.starts_with(&format!("{}|20", accounts.role_key))
            && from_exec.ends_with("|eu-west-1|eu-west-1|"),
        "{from_exec}"
    );
    assert_eq!(from_export, from_exec);

    let dotenv = sandbox
        .run(&["export", "--profile", "dev", "--format", "dotenv"], "")
        .success()
        .stdout;
    assert!(
        dotenv.contains("AWS_REGION=\"eu-west-1\"\nAWS_DEFAULT_REGION=\"eu-west-1\"\n"),
        "{dotenv}"
    );
    let json = sandbox
        .run(&["export", "--profile", "dev", "--format", "json"], "")
        .success()
        .stdout;
    assert!(
        json.starts_with("{\"Version\": 1, ") && !json.contains("Region"),
        "the credential_process document is unchanged: {json}"
    );
}
