//! No secret ever reaches stderr. Every run of the binary in every test file is checked
//! against all secrets the suite knows (see `support::Run`); this file proves that the
//! check itself works, and drives the paths most likely to leak.

use crate::support::moto::Moto;
use crate::support::new_user::initialised;
use crate::support::{MOTO_SESSION_SECRETS, Sandbox, assert_no_secret_in, register_secret};

#[test]
#[should_panic(expected = "a secret leaked to stderr")]
fn the_leak_check_catches_a_registered_secret() {
    register_secret("probe-secret-7d1f");
    assert_no_secret_in("error: something went wrong with probe-secret-7d1f\n");
}

#[test]
#[should_panic(expected = "a secret leaked to stderr")]
fn the_leak_check_knows_motos_session_secret() {
    assert_no_secret_in(&format!("oops {}", MOTO_SESSION_SECRETS[0]));
}

#[test]
fn init_auth_read_and_their_failures_print_no_secret() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("secrets");
    let sandbox = Sandbox::new(&moto.url());
    // A wrong secret, typed at the prompt, must not be echoed back either.
    register_secret("typed-but-wrong-secret");
    sandbox
        .run(
            &["init"],
            &format!("{}\n{}\n", user.access_key_id, user.secret_access_key),
        )
        .success();
    sandbox.run(&["auth", "--output-env"], "123456\n").success();
    sandbox
        .run(&["read", "aws_secret_access_key"], "")
        .success();
    sandbox.run(&["whoami"], "").success();
    sandbox.write(
        ".aws/credentials",
        "[default]\naws_secret_access_key = typed-but-wrong-secret\n[broken\n",
    );
    sandbox
        .run(&["read", "aws_secret_access_key"], "")
        .failure("line 3");
    sandbox
        .run(&["init"], "not-a-key\ntyped-but-wrong-secret\n")
        .failure("not an AWS access key id");
}

#[test]
fn verbose_traces_each_aws_call_without_secrets() {
    let moto = Moto::shared();
    let (sandbox, _, _) = initialised(moto, &moto.url(), "default");
    let run = sandbox
        .run(&["auth", "-v", "--token-code", "123456"], "")
        .success();
    assert!(
        run.stderr.contains("stscreds: iam:ListMFADevices ok in "),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("stscreds: sts:GetSessionToken ok in "),
        "{run:#?}"
    );
    assert!(run.stderr.contains("(request id "), "{run:#?}");
    let endpoint = format!(" at {} (request id ", moto.url());
    assert!(run.stderr.contains(&endpoint), "{endpoint:?}: {run:#?}");
    let quiet = sandbox
        .run(&["auth", "--token-code", "123456"], "")
        .success();
    assert!(!quiet.stderr.contains("stscreds: sts:"), "{quiet:#?}");
}
