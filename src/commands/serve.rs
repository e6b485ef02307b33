//! `stscreds serve`: the credential server of `exec --server` in the foreground, for
//! tools started elsewhere (an IDE, `docker run --network host`). It prints the
//! variables that point the AWS SDKs at it, then serves until stopped.

use std::time::Duration;

use crate::context::Context;
use crate::credentials::SessionArgs;
use crate::credentials::supply::Supply;
use crate::error::Error;
use crate::interrupt;
use crate::output::{self, Format};
use crate::prompt::InputError;
use crate::server::{self, CredentialServer};

/// The top-level entry point for `stscreds serve`.
pub fn run(cx: &mut Context, args: &SessionArgs, port: u16, format: Format) -> Result<(), Error> {
    if format == Format::Ini {
        return Err(InputError::Invalid(
            "serve prints environment variables: choose --format sh, fish, powershell, cmd, dotenv or json".into(),
        )
        .into());
    }
    let supply = Supply::start(cx, args)?;
    let signals = interrupt::Capture::start();
    let server = CredentialServer::start(supply, port)?;
    let [uri, token, _file] = server.variables();
    let printed = [(uri.0, uri.1.as_str()), (token.0, token.1.as_str())];
    super::print(&zeroize::Zeroizing::new(
        output::render_variables(&printed, format).unwrap_or_default(),
    ))?;
    let report = server::Timestamped(cx.report.clone());
    crate::report::Report::say(
        &report,
        &format!(
            "stscreds: serving the credentials of profile '{}' at {}; stop with Ctrl-C",
            cx.profile,
            server.url()
        ),
    );
    while signals.next(Duration::from_secs(3600)).is_none() {}
    drop(server);
    crate::report::Report::say(&report, "stscreds: stopped; the token is gone");
    Ok(())
}
