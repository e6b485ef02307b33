//! stscreds: temporary, MFA-protected AWS credentials made the easy default.
//!
//! Long-term IAM keys are stored once ([`store`]); an MFA code trades them for STS
//! session credentials ([`aws`]), which are written into `~/.aws/credentials` by a
//! format-preserving editor ([`ini`], [`files`]) and read back on fast paths that need
//! no network ([`credentials::sessions`], [`commands::read`],
//! [`commands::credential_process`]). Every command gets its credentials by resolving a
//! [`credentials::plan::Plan`] and handing it to [`credentials::obtain`].

pub mod aws;
pub mod cli;
pub mod commands;
pub mod config;
pub mod console;
pub mod context;
pub mod credentials;
pub mod doctor;
pub mod env;
pub mod error;
pub mod files;
pub mod ini;
pub mod invalid;
pub mod launch;
pub mod message;
pub mod output;
pub mod rotation;
pub mod server;
pub mod session;
pub mod store;
pub mod ui;

pub use error::Error;

#[cfg(test)]
mod layering;
