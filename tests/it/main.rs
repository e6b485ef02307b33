//! The integration tests: one binary, so the crate and `support` are compiled and linked
//! once (as in ripgrep and uv). One module per area; `support` runs the real binary in a
//! sandbox against moto and a fault-injecting server.
//!
//! The `keyring` tests need a Secret Service and pass only under `scripts/test`; skip
//! them elsewhere with `cargo test --test it -- --skip keyring::`.

mod support;

mod auth;
mod backends;
mod client_file_text;
mod client_matrix;
mod concurrency;
mod credential_process_fast;
mod dead_ends;
mod ecosystem;
mod everyday_auth;
mod everyday_exec;
mod everyday_profiles;
mod faults;
mod fuzz_corpus;
mod gui_prompt;
mod hostile_answers;
mod hostile_files;
mod hostile_ini;
mod housekeeping;
mod ini_properties;
mod init;
mod interrupt;
mod keyring;
mod launch;
mod local_input;
mod login;
mod newcomer;
mod process_start;
mod read;
mod readme_recipes;
mod roles;
mod rotation;
mod sdk_profile_conformance;
mod secrets;
mod server;
mod server_clock;
mod server_neighbours;
mod session_origin;
