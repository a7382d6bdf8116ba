//! Composition root: parse the command line, load files before touching the terminal, then run
//! the TUI or a headless command.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use msi_setup::cli::{self, Cli};
use msi_setup::domain::text::Catalog;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::early_lang(&args, |k| std::env::var(k).ok());
    let tr = match Catalog::load(lang) {
        Ok(tr) => tr,
        Err(e) => {
            eprintln!("msi-setup: {e}");
            return ExitCode::from(2);
        }
    };
    let cmd = cli::localize(Cli::command(), &tr);
    let parsed = match cmd.try_get_matches_from(&args).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let _ = parsed;
    ExitCode::SUCCESS
}
