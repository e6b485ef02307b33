//! stscreds: temporary, MFA-protected AWS credentials made the easy default.
//!
//! Long-term IAM keys are stored once ([`store`]); an MFA code trades them for STS
//! session credentials ([`aws`]), which are written into `~/.aws/credentials` by a
//! format-preserving editor ([`profile`], [`files`]) and read back on fast paths that
//! need no network ([`session`], [`commands::read`], [`commands::credential_process`]).

pub mod aws;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod env;
pub mod error;
pub mod export;
pub mod files;
pub mod interrupt;
pub mod message;
pub mod mfa;
pub mod profile;
pub mod prompt;
pub mod session;
pub mod state;
pub mod store;

pub use error::Error;

#[cfg(test)]
mod layering;
