//! What the binary's own start-up (it replaces Rust's on Linux) must keep: standard
//! descriptors a caller closed are reopened on /dev/null, so that no file stscreds
//! opens takes their place and receives its messages, and a child of `exec` starts
//! with all three. (SIGPIPE ignored: `sessions/read.rs`, the broken-pipe test.)

use std::os::unix::process::CommandExt;

use crate::support::Sandbox;
use crate::support::moto::Moto;

#[test]
fn descriptors_the_caller_closed_are_open_on_dev_null() {
    let moto = Moto::shared();
    let (user, _) = moto.create_user_with_mfa("closedfds");
    let sandbox = Sandbox::new(&moto.url());
    sandbox.init("default", &user);
    sandbox.auth("default");
    // Each of the shell's own descriptors, looked at before any redirection.
    let report = r#"for fd in 0 1 2; do
        eval "fd$fd=\$(readlink /proc/$$/fd/$fd || echo closed)"; done
        printf '%s\n' "$fd0" "$fd1" "$fd2" > "$HOME/fds""#;
    let mut exec = sandbox.command(&["--verbose", "exec", "--", "sh", "-c", report]);
    // SAFETY: close(2) only, between fork and exec.
    unsafe {
        exec.pre_exec(|| {
            libc::close(0);
            libc::close(1);
            libc::close(2);
            Ok(())
        });
    }
    let status = exec.status().unwrap();
    assert!(status.success(), "exec with 0-2 closed: {status}");
    assert_eq!(sandbox.read("fds"), "/dev/null\n/dev/null\n/dev/null\n");
    assert!(sandbox.read(".aws/credentials").contains("[default]"));
}
