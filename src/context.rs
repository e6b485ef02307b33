//! What a command works with, set up once by the dispatcher: the environment's
//! settings, where the files are, the profile it is for, `~/.aws/config` (parsed once,
//! on first use), how to ask the person and where to report progress. The core takes a
//! `Context` instead of reaching for globals, so a front end other than the command
//! line (a credential server) can give it its own way to ask and to report.

use std::cell::OnceCell;
use std::sync::Arc;

use crate::config::{ConfigError, ConfigFile};
use crate::env::Settings;
use crate::files::Paths;
use crate::ui::prompt::Ask;
use crate::ui::report::Report;

/// One command's view of the world.
pub struct Context {
    /// What the environment says: the process's settings, read once per run, kept here
    /// so that the command reads them from its context like everything else.
    pub settings: Settings,
    /// Where stscreds' and the AWS tools' files are.
    pub paths: Paths,
    /// The profile the command is for (`--profile`, else the environment: see
    /// `cli::resolve_profile`).
    pub profile: String,
    /// How to ask the person (the terminal, or answers piped to stdin).
    pub ask: Box<dyn Ask>,
    /// Where progress, warnings and traces go.
    pub report: Arc<dyn Report>,
    config: OnceCell<ConfigFile>,
}

impl Context {
    /// A context with the process's settings ([`Settings::process`]) that has read no
    /// file yet.
    pub fn new(paths: Paths, profile: String, ask: Box<dyn Ask>, report: Arc<dyn Report>) -> Self {
        Self {
            settings: Settings::process().clone(),
            paths,
            profile,
            ask,
            report,
            config: OnceCell::new(),
        }
    }

    /// `~/.aws/config`, read and parsed the first time it is asked for and kept for
    /// the rest of the command.
    pub fn config(&self) -> Result<&ConfigFile, ConfigError> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let loaded = ConfigFile::read(&self.paths, &self.settings, &*self.report)?;
        Ok(self.config.get_or_init(|| loaded))
    }
}
