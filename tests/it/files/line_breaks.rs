//! Text that would break out of its line: a value with a line break (or a NUL) must
//! never reach an AWS file, whichever command carries it, or it could add a profile of
//! its own (say, one with a `credential_process` that runs anything).

use crate::support::{Run, Sandbox};

const INJECTED_REGION: &str = "eu-west-1\n[profile x]\ncredential_process = touch /tmp/pwned";

fn configure_region(sandbox: &Sandbox, region: &str) -> Run {
    sandbox.run(&["configure", "--profile", "dev", "--region", region], "")
}

/// One `error:` line that names the setting and says what to do, and nothing of the value.
#[track_caller]
fn assert_refused(run: Run) {
    let run = run.failure("cannot write region in [profile dev]");
    let error_lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error:"))
        .collect();
    assert_eq!(error_lines.len(), 1, "{run:#?}");
    assert!(error_lines[0].contains("line break"), "{run:#?}");
    assert!(error_lines[0].contains("nothing was changed"), "{run:#?}");
    assert!(!run.stderr.contains("credential_process"), "{run:#?}");
}

#[test]
fn configure_refuses_a_region_with_a_line_break_and_creates_no_file() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    assert_refused(configure_region(&sandbox, INJECTED_REGION));
    assert!(!sandbox.path(".aws/config").exists());
}

#[test]
fn configure_refuses_a_region_with_a_line_break_and_keeps_the_file_byte_for_byte() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    let original = "# mine\n[profile dev]\r\nregion = us-east-1\n  # note\n";
    sandbox.write(".aws/config", original);
    assert_refused(configure_region(&sandbox, INJECTED_REGION));
    assert_eq!(sandbox.read(".aws/config"), original);
}

/// A lone carriage return ends a line for some readers; the argument list cannot hold a
/// NUL, which the editor's own tests cover.
#[test]
fn configure_refuses_a_region_with_a_carriage_return() {
    let sandbox = Sandbox::new(&crate::support::dead_endpoint());
    let original = "[profile dev]\n";
    sandbox.write(".aws/config", original);
    assert_refused(configure_region(&sandbox, "eu-west-1\r[profile x]"));
    assert_eq!(sandbox.read(".aws/config"), original);
}
