//! Everything between stscreds and the person running it: questions on the terminal
//! or standard input ([`prompt`]) or in a dialog window ([`dialog`]), the helper
//! programs that answer for the person, an `mfa_process` or a dialog, run with a time
//! limit ([`subprocess`]), what the core tells the person ([`report`]), and what
//! happens on Ctrl-C or SIGTERM ([`interrupt`]). Nothing here knows about AWS, files
//! or credentials: the modules below the commands ask and report through these.

pub mod dialog;
pub mod interrupt;
pub mod prompt;
pub mod report;
pub mod subprocess;
