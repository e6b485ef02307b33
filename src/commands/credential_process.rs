//! `stscreds credential-process`: the `credential_process` of an AWS profile. Prints
//! the JSON the SDKs expect; serves cached credentials (no network, no runtime) while
//! at least 15 minutes remain, because botocore refreshes with 15 minutes left and the
//! AWS CLI does not cache; else renews them, asking for the MFA code on the terminal
//! (`/dev/tty`), since the SDKs capture standard error.

use jiff::SignedDuration;
use zeroize::Zeroizing;

use crate::config::ConfigFile;
use crate::credentials::{self, Freshness, SessionArgs};
use crate::error::Error;
use crate::export::{self, Format};
use crate::files::Paths;
use crate::prompt::ControllingTerminal;

/// How long handed-out credentials must remain valid.
pub const MINIMUM_VALIDITY: SignedDuration = SignedDuration::from_mins(15);

/// The top-level entry point for `stscreds credential-process`.
pub fn run(paths: &Paths, profile: &str, args: &SessionArgs) -> Result<(), Error> {
    let mut terminal = ControllingTerminal;
    let credentials = credentials::get(
        paths,
        &ConfigFile::load(paths)?,
        profile,
        args,
        Freshness::ValidFor(MINIMUM_VALIDITY),
        &mut terminal,
    )?;
    super::print(&Zeroizing::new(export::render(
        &credentials,
        Format::Json,
        profile,
    )?))
}
