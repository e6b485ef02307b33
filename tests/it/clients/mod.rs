//! What real clients (botocore, the AWS CLI, the AWS SDKs for Rust and JavaScript) get
//! from stscreds, and how they read the files it writes.

mod credential_process;
mod file_text;
mod matrix;
mod sdk_profile_conformance;
