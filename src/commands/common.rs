//! Pieces shared by the headless commands. Errors render with
//! [`Localize::localize`](crate::domain::text::Localize::localize); presentation helpers (times,
//! widths, sanitising) are in [`crate::present`].

use crate::domain::guide::Guide;

/// The embedded guide, or a message (never fails in a tested build).
///
/// # Errors
/// The loader's message.
pub fn guide() -> Result<Guide, String> {
    Guide::embedded().map_err(|e| e.to_string())
}
