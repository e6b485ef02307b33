//! `stscreds serve`: the credential server of `exec --server` in the foreground, for
//! tools started elsewhere (an IDE, `docker run --network host`). It prints the
//! variables that point the AWS SDKs at it (in a shell's syntax, after unsetting those
//! that would win over it), warns about what else an SDK would use first, then serves
//! until stopped.

use std::time::Duration;

use crate::context::Context;
use crate::credentials::SessionArgs;
use crate::credentials::supply::Supply;
use crate::error::Error;
use crate::files;
use crate::invalid::Invalid;
use crate::output::{self, CREDENTIAL_VARIABLES, Format, OVERRIDING_VARIABLES};
use crate::server::{self, CredentialServer, ListeningPort, ServerError};
use crate::ui::interrupt;

/// The top-level entry point for `stscreds serve`.
pub fn run(cx: &mut Context, args: &SessionArgs, port: u16, format: Format) -> Result<(), Error> {
    if format == Format::Ini {
        return Err(Invalid(
            "serve prints environment variables: choose --format sh, fish, powershell, cmd, dotenv or json".into(),
        )
        .into());
    }
    // Before the credentials: a port in use must not cost an MFA code.
    let port = ListeningPort::bind(port)?;
    let supply = Supply::start(cx, args)?;
    let signals = interrupt::Capture::start();
    let server = CredentialServer::start(port, supply, cx.settings.runtime_dir.as_deref())?;
    let config = files::read_document(&cx.paths.aws_config)?;
    let client_config =
        server.write_client_config(&server::client_config(config.as_ref(), &cx.profile))?;
    let [uri, token] = server.variables();
    // The region the credentials are for, as `exec` sets it: a tool in a shell with
    // these lines (where `AWS_PROFILE` is unset) has no other.
    let region = cx.config()?.profile(&cx.profile)?.region;
    let printed = [
        (uri.0, uri.1.as_str()),
        (token.0, token.1.as_str()),
        ("AWS_REGION", region.as_str()),
        ("AWS_DEFAULT_REGION", region.as_str()),
    ];
    let hidden = overriding_variables();
    // Unlike `read | head`, a closed stdout is a failure here: the lines are the
    // server's only use.
    super::print(&zeroize::Zeroizing::new(
        output::render_variables(&hidden, &printed, format).unwrap_or_default(),
    ))
    .map_err(|error| match error {
        Error::Stdout(source) => ServerError::Stdout(source).into(),
        other => other,
    })?;
    let report = server::Timestamped(cx.report.clone());
    let set_here: Vec<&str> = hidden
        .into_iter()
        .filter(|name| cx.settings.aws_variables_set.contains(name))
        .collect();
    for warning in server::shadowing_sources(
        &cx.paths,
        &set_here,
        server.empty_credentials_file(),
        &client_config,
    ) {
        crate::ui::report::Report::warn(&report, &format!("stscreds: {warning}"));
    }
    crate::ui::report::Report::say(
        &report,
        &format!(
            "stscreds: serving the credentials of profile '{}' at {}; stop with Ctrl-C",
            cx.profile,
            server.url()
        ),
    );
    while signals.next(Duration::from_secs(3600)).is_none() {}
    drop(server);
    crate::ui::report::Report::say(&report, "stscreds: stopped; the token is gone");
    Ok(())
}

/// The variables that would make an SDK use other credentials than the server's: the
/// shell lines unset them, and each one set here is worth a warning.
fn overriding_variables() -> Vec<&'static str> {
    CREDENTIAL_VARIABLES
        .into_iter()
        .chain(OVERRIDING_VARIABLES)
        .filter(|name| ![server::URI_VARIABLE, server::TOKEN_VARIABLE].contains(name))
        .collect()
}
