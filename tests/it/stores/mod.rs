//! Long-term keys: stored by `init` in a backend (file, keyring, encrypted file),
//! moved between backends, rotated, and the IAM policy they need.

mod backends;
mod init;
mod keyring;
mod passphrase;
mod policy;
mod rotation;
