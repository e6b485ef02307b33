//! Session credentials: `auth` gets them, `read` and `whoami` use them, the right
//! stored session is served, and many processes at once share one prompt.

mod auth;
mod auth_in_a_shell;
mod concurrency;
mod origin;
mod read;
