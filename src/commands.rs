//! Headless commands (`status`, `mark`, `reset`, `csv check`, `verify`): each takes its parsed
//! arguments and a [`Context`], writes to the given streams, and returns the process exit code
//! (0 ok, 1 a finding the user must act on, 2 usage or unusable files).

use std::path::PathBuf;

pub mod csv_check;

use crate::domain::text::Catalog;

/// What every headless command gets from `main`.
#[derive(Debug)]
pub struct Context {
    /// Messages in the user's language.
    pub tr: Catalog,
    /// Directory of the progress file (resolved from `--config-dir`, the env, or the OS).
    pub config_dir: PathBuf,
    /// Whether colour is off (`--no-color` or `NO_COLOR`).
    pub no_color: bool,
    /// Addresses already recorded as invited in the progress file (lower-cased), so seat counts
    /// and re-runs can leave them out.
    pub invited: Vec<String>,
}

pub mod common;
pub mod handoff;
pub mod mark;
pub mod report;
pub mod reset;
pub mod shell;
pub mod status;
pub mod verify;
