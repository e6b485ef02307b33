//! The one error every module may raise for a value it cannot take: a setting, a flag,
//! a name or an answer, with a message that names the value and says what is expected.
//! It sits at the bottom of the module graph so that refusing a value never ties a
//! module to prompts, files or AWS; each module's own error wraps it unchanged.

/// A value that cannot be used; the message names it and says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);
