//! A running `stscreds serve`, as the tests start it: the two values it printed for a
//! shell (the server's URI and its token) read back the way a shell would take them.

use std::process::Command;

use super::register_secret;
use super::running::Running;

/// The variable that points an SDK at the server.
pub const URI_VARIABLE: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// The variable that holds the server's token.
pub const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// The value of `export NAME='VALUE'` in `printed` (serve's `sh` format).
#[track_caller]
pub fn exported(printed: &str, name: &str) -> String {
    printed
        .lines()
        .find_map(|line| line.strip_prefix(&format!("export {name}='")))
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no {name} in {printed:?}"))
        .to_owned()
}

/// Starts `serve` (the command line is `command`) and waits until it serves: the
/// process, the URI and the token it printed (the token registered as a secret).
pub fn started(command: Command) -> (Running, String, String) {
    let server = Running::spawn(command);
    server.wait_for_stderr("stop with Ctrl-C");
    let printed = server.stdout();
    let (uri, token) = (
        exported(&printed, URI_VARIABLE),
        exported(&printed, TOKEN_VARIABLE),
    );
    register_secret(&token);
    (server, uri, token)
}
