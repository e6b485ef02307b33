//! How the binaries start: the process start-up, `stscreds` handing over to
//! `stscreds-core`, and the fast path of `credential-process`.

mod credential_process_fast;
mod process_start;
mod stscreds_core;
