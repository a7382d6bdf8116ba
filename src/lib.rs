//! `msi-setup`: a terminal wizard for the *MSI Actions Admin Guide* (Marketo Sales Insight
//! Actions): two prerequisites and seven steps shared by a Marketo admin and a Salesforce admin.
//!
//! # Architecture (pure core, thin shell)
//!
//! - [`domain`]: pure data and rules: the guide (from `assets/guide.toml`), the progress
//!   model, the message catalog (`assets/i18n/`). No terminal, async, network or files.
//! - [`wizard`]: the screen state machine, `update(msg, now) -> Vec<Effect>`; imports `domain`.
//! - [`input`]: keys to intents; the same tables feed the footer and the `?` overlay.
//! - [`ui`]: rendering only, one file per screen.
//! - [`present`]: presentation helpers shared by `ui` and `commands` (cell widths, cutting,
//!   sanitising, times); `ui` and `commands` never import each other.
//! - [`store`]: the progress file: locate, lock, atomic save, backup, quarantine; [`fsutil`]: the
//!   one atomic file write (store, credentials, CSV outputs).
//! - [`app`]: the runtime loop: terminal events and signals in, effects out.
//! - [`plain`]: the accessible plain mode (`--plain`, `TERM=dumb`): the same wizard, screens
//!   printed as lines, answers read line by line.
//! - [`cli`] and [`commands`]: the command line and the headless commands; [`csv_text`]: CSV
//!   results in the user's language, shared by `csv check` and the TUI; [`csv_export`]: the
//!   one streamed, cancellable export of the CSV outputs, shared by both.
//!   Every `--json` document and error follows `docs/json.md` (version, one error shape:
//!   `commands::common::write_json_error`); `completions` and `man` are generated from the same
//!   clap definition as `--help`.
//! - [`remote`]: the Marketo and Salesforce clients (the only code on the network);
//!   [`credentials`]: where credentials come from and how they are kept out of every output.
//!
//! # Files this program touches
//!
//! - `<config dir>/progress.toml`: the per-role checklist (mode 0600).
//! - `<config dir>/progress.toml.bak`: the previous good version, kept at every save.
//! - `<config dir>/progress.lock`: held while an instance runs (a second one is refused).
//! - `<config dir>/progress.toml.corrupt-<UTC time>`: a damaged file, moved aside, never
//!   overwritten.
//! - `<config dir>/.progress.toml.*`: temp files of a save; swept at start.
//! - `<config dir>/mappings.toml`: remembered CSV column mappings, per header fingerprint.
//! - `<config dir>/credentials.toml`: typed credentials, only when asked to remember (0600).
//! - The CSV outputs the user chooses (clean invite CSV and report), written atomically, 0600.
//! - Hand-off files: `export` (or `h` on the hub) writes `msi-setup-handoff-<date>.toml` in the
//!   current directory (or `--out FILE`), atomically, 0600, with no secret; `merge` (or `m` on
//!   the hub, which lists the `.toml` files of the current directory) only reads them.
//! - Reports: `report --out FILE` (Markdown or one self-contained HTML file), atomically, 0600.
//! - The log: `<config dir>/msi-setup.log` when `--config-dir`/`MSI_SETUP_CONFIG_DIR` is given,
//!   else `<state dir>/msi-setup.log` (`~/.local/state/msi-setup/` on Linux).
//!
//! `<config dir>` is `--config-dir`, else `MSI_SETUP_CONFIG_DIR`, else the OS config dir
//! (`~/.config/msi-setup` on Linux).

pub mod app;
pub mod cli;
pub mod commands;
pub mod credentials;
pub mod csv_export;
pub mod csv_text;
pub mod domain;
pub mod fsutil;
pub mod input;
pub mod plain;
pub mod present;
pub mod remote;
pub mod store;
pub mod ui;
pub mod wizard;
