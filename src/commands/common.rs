//! Pieces shared by the headless commands: localised error text, time formatting, role checks.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::domain::guide::{Guide, ROLE_IDS};
use crate::domain::progress::ProgressError;
use crate::domain::text::Catalog;
use crate::store::{LoadNotice, StoreError};

/// A store error in the user's language, naming the file.
#[must_use]
pub fn store_error(tr: &Catalog, e: &StoreError) -> String {
    match e {
        StoreError::NoConfigDir => tr.t("core.err.no-config-dir").to_string(),
        StoreError::CreateDir { path, source } => tr.f(
            "core.err.create-dir",
            &[("path", &path.display()), ("error", source)],
        ),
        StoreError::Locked { path } => tr.f("core.err.locked", &[("path", &path.display())]),
        StoreError::Read { path, source } => tr.f(
            "core.err.read",
            &[("path", &path.display()), ("error", source)],
        ),
        StoreError::NewerVersion {
            path,
            found,
            supported,
        } => tr.f(
            "core.err.newer",
            &[
                ("path", &path.display()),
                ("found", found),
                ("supported", supported),
            ],
        ),
        StoreError::Corrupt {
            path,
            backup,
            message,
        } => tr.f(
            "core.err.corrupt",
            &[
                ("path", &path.display()),
                ("backup", &backup.display()),
                ("error", message),
            ],
        ),
        StoreError::Write { path, source } => tr.f(
            "core.err.write",
            &[("path", &path.display()), ("error", source)],
        ),
    }
}

/// A load notice in the user's language.
#[must_use]
pub fn notice(tr: &Catalog, n: &LoadNotice) -> String {
    match n {
        LoadNotice::RestoredFromBackup { corrupt } => {
            tr.f("core.notice.restored", &[("corrupt", &corrupt.display())])
        }
        LoadNotice::StartedFresh { corrupt } => {
            tr.f("core.notice.fresh", &[("corrupt", &corrupt.display())])
        }
    }
}

/// A progress error in the user's language.
#[must_use]
pub fn progress_error(tr: &Catalog, e: &ProgressError) -> String {
    match e {
        ProgressError::UnknownItem(id) => tr.f("core.err.unknown-step", &[("id", id)]),
        ProgressError::UnknownStatus(s) => tr.f("core.err.unknown-status", &[("status", s)]),
        ProgressError::ReasonRequired(s) => tr.f("core.err.reason-required", &[("status", s)]),
        ProgressError::UnknownSubstep { item, sub } => {
            tr.f("core.err.unknown-substep", &[("id", item), ("sub", sub)])
        }
    }
}

/// `2026-11-21 14:03` in `tz`.
#[must_use]
pub fn short_time(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Checks a role id given on the command line.
///
/// # Errors
/// A localised message listing the valid roles.
pub fn check_role(tr: &Catalog, role: &str) -> Result<String, String> {
    if ROLE_IDS.contains(&role) {
        Ok(role.to_string())
    } else {
        Err(tr.f(
            "core.err.unknown-role",
            &[("role", &role), ("roles", &ROLE_IDS.join(", "))],
        ))
    }
}

/// The embedded guide, or a message (never fails in a tested build).
///
/// # Errors
/// The loader's message.
pub fn guide() -> Result<Guide, String> {
    Guide::embedded().map_err(|e| e.to_string())
}
