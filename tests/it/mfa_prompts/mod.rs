//! Where the MFA code comes from and what happens while it is asked for: dialogs
//! without a terminal, a command that prints the code, Ctrl-C and SIGTERM at a prompt.

mod dialogs;
mod interrupt;
mod mfa_commands;
mod nobody_to_ask;
