//! Pieces shared by the headless commands. Errors render with
//! [`Localize::localize`](crate::domain::text::Localize::localize); presentation helpers (times,
//! widths, sanitising) are in [`crate::present`].

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::credentials::ConfigError;
use crate::domain::guide::Guide;
use crate::store::StoreError;

/// The embedded guide, or a message (never fails in a tested build).
///
/// # Errors
/// The loader's message.
pub fn guide() -> Result<Guide, String> {
    Guide::embedded().map_err(|e| e.to_string())
}

/// Version of every `--json` document, output or error (docs/json.md). Bump it on a change that
/// can break a reader (a field removed, renamed or retyped); adding a field keeps it.
pub const JSON_VERSION: u32 = 1;

/// The one shape of every error in `--json` mode, printed on stdout as a single line:
/// `{"version":1,"error":{"code":"…","message":"…","path":"…"}}` (`path` only when a file or
/// directory is concerned). The exit code is the same as without `--json`.
#[derive(Debug, Serialize)]
pub struct JsonError<'a> {
    /// [`JSON_VERSION`].
    pub version: u32,
    /// What went wrong.
    pub error: JsonErrorBody<'a>,
}

/// The `error` object of [`JsonError`].
#[derive(Debug, Serialize)]
pub struct JsonErrorBody<'a> {
    /// Stable, snake_case: scripts branch on it (docs/json.md lists them).
    pub code: &'a str,
    /// The message as the text mode prints it, in the user's language.
    pub message: &'a str,
    /// The file or directory concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
}

/// Prints an error: always `msi-setup: <message>` on stderr, and in `--json` mode the
/// [`JsonError`] document on stdout too. Returns `exit` for the caller to return.
pub fn report_error(
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
    code: &str,
    message: &str,
    path: Option<&Path>,
    exit: u8,
) -> u8 {
    if json {
        write_json_error(out, code, message, path);
    }
    let _ = writeln!(err, "msi-setup: {message}");
    exit
}

/// Writes the [`JsonError`] document (one line) to `out`.
pub fn write_json_error(out: &mut dyn Write, code: &str, message: &str, path: Option<&Path>) {
    let path = path.map(|p| p.display().to_string());
    let doc = JsonError {
        version: JSON_VERSION,
        error: JsonErrorBody {
            code,
            message,
            path: path.as_deref(),
        },
    };
    if serde_json::to_writer(&mut *out, &doc).is_ok() {
        let _ = writeln!(out);
        let _ = out.flush();
    }
}

/// A stable code for an error, for the `--json` error document.
pub trait ErrorCode {
    /// The code (snake_case).
    fn code(&self) -> &'static str;
    /// The file or directory concerned, if any.
    fn path(&self) -> Option<&Path> {
        None
    }
}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::NoConfigDir => "no_config_dir",
            StoreError::CreateDir { .. } => "cannot_create_dir",
            StoreError::Locked { .. } => "locked",
            StoreError::Read { .. } => "unreadable",
            StoreError::NewerVersion { .. } => "newer_version",
            StoreError::Corrupt { .. } => "damaged",
            StoreError::Write { .. } => "unwritable",
            StoreError::UnknownWord { .. } => "newer_word",
            StoreError::NotRegular { .. } => "not_regular_file",
            StoreError::CannotWrite { .. } => "cannot_write",
            StoreError::LockTaken { .. } => "lock_taken",
        }
    }

    fn path(&self) -> Option<&Path> {
        match self {
            StoreError::NoConfigDir => None,
            StoreError::CreateDir { path, .. }
            | StoreError::Locked { path }
            | StoreError::Read { path, .. }
            | StoreError::NewerVersion { path, .. }
            | StoreError::Corrupt { path, .. }
            | StoreError::Write { path, .. }
            | StoreError::UnknownWord { path, .. }
            | StoreError::NotRegular { path, .. }
            | StoreError::CannotWrite { path, .. }
            | StoreError::LockTaken { path } => Some(path),
        }
    }
}

impl ErrorCode for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            ConfigError::BadUrl { .. } => "bad_url",
            ConfigError::NotHttps { .. } => "not_https",
            ConfigError::BadMunchkin { .. } => "bad_munchkin_id",
            ConfigError::FileUnreadable { .. } => "credentials_unreadable",
            ConfigError::FileInvalid { .. } => "credentials_invalid",
            ConfigError::FileTooOpen { .. } => "credentials_too_open",
            ConfigError::FileUnwritable { .. } => "credentials_unwritable",
            ConfigError::MissingValues => "missing_values",
        }
    }

    fn path(&self) -> Option<&Path> {
        match self {
            ConfigError::FileUnreadable { path, .. }
            | ConfigError::FileInvalid { path, .. }
            | ConfigError::FileTooOpen { path, .. }
            | ConfigError::FileUnwritable { path, .. } => Some(Path::new(path)),
            ConfigError::BadUrl { .. }
            | ConfigError::NotHttps { .. }
            | ConfigError::BadMunchkin { .. }
            | ConfigError::MissingValues => None,
        }
    }
}

/// A command-line usage error (clap's, or an unknown step id, role or status): code `usage`,
/// exit 2. The message is clap's text without its colours.
#[must_use]
pub fn usage_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    text.trim_end().to_string()
}
