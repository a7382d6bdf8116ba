//! The real binary run as a user runs it: headless commands, `csv check`, `verify` against a
//! local fake server, and SIGKILL during saves.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../support/csv.rs"]
mod csv_support;

mod cli_headless;
mod csv_cli;
mod files;
mod handoff_cli;
mod json_contract;
mod kill;
mod lang_cli;
mod plain;
mod shell_cli;
mod verify_cli;
