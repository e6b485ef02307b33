//! `exec` and `export`: credentials handed to a command or a shell, never written.

mod environment;
mod shells;
