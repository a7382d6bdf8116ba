//! The pure core: the documented process, progress, text, CSV intake, field catalog and check
//! classification. No terminal, no async, no network, no filesystem; imports nothing else of ours.

pub mod checks;
pub mod csv_intake;
pub mod fields;
pub mod files;
pub mod guide;
pub mod handoff;
pub mod progress;
pub mod text;
