//! `msi-setup`: a terminal wizard for the *MSI Actions Admin Guide* (Marketo Sales Insight
//! Actions): two prerequisites and seven steps shared by a Marketo admin and a Salesforce admin.
//!
//! # Architecture (pure core, thin shell)
//!
//! - [`domain`]: pure data and rules (guide, progress, text, CSV intake, fields, checks).
//! - [`cli`]: clap definitions; [`commands`]: the headless commands.
//!
//! # Files this program touches
//!
//! - `<config dir>/progress.toml` (+ `.bak`, `.lock`, `.corrupt-<ts>`): the per-role checklist.
//!   `<config dir>` is `--config-dir`, else `MSI_SETUP_CONFIG_DIR`, else the OS config dir
//!   (`~/.config/msi-setup` on Linux).

pub mod cli;
pub mod commands;
pub mod credentials;
pub mod domain;
pub mod remote;
