//! Profiles as a user names and sets them up: `list`, `clear`, completions,
//! `configure`, and the settings read from ~/.aws/config.

mod completion;
mod configure;
mod every_kind;
mod settings;
