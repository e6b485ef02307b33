//! `stscreds policy`: the IAM policy the stored keys' user needs, for that user.

use std::process::Command;

use crate::support::moto::Moto;
use crate::support::new_user::initialised;
use crate::support::{python, run_with_stdin};

#[test]
fn policy_names_the_current_user() {
    let moto = Moto::shared();
    let (sandbox, user, _) = initialised(moto, &moto.url(), "default");
    let policy = sandbox.run(&["policy"], "").success().stdout;
    let check = format!(
        "import json,sys; p=json.load(sys.stdin); assert p['Statement'][0]['Resource']==['arn:aws:iam::123456789012:user/{}']; print('ok')",
        user.name
    );
    let mut command = Command::new(python());
    command.args(["-c", &check]);
    assert_eq!(
        run_with_stdin(command, &policy).stdout.trim(),
        "ok",
        "{policy}"
    );
}
