//! The integration tests: one binary, so the crate and `support` are compiled and linked
//! once (as in ripgrep and uv). One module per capability, what a user gets (a folder
//! where there is more than one file); `support` runs the real binary in a sandbox
//! against moto and a fault-injecting server, and holds every helper that more than one
//! file uses: no test module borrows from another.
//!
//! The `stores::keyring` tests need a Secret Service and pass only under `scripts/test`;
//! skip them elsewhere with `cargo test --test it -- --skip stores::keyring::`.

mod support;

mod clients;
mod doctor;
mod errors;
mod exec_and_export;
mod files;
mod launch;
mod login;
mod mfa_prompts;
mod profiles;
mod readme_recipes;
mod roles;
mod server;
mod sessions;
mod stores;
