//! Composition root: parse the command line, load files before touching the terminal, then run
//! the TUI or a headless command.

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use msi_setup::cli::{self, Cli, Cmd, CsvCmd};
use msi_setup::commands::{self, Context};
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
    let tr = match parsed.lang {
        Some(l) if l != tr.lang() => match Catalog::load(l) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("msi-setup: {e}");
                return ExitCode::from(2);
            }
        },
        _ => tr,
    };
    let no_color = parsed.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let config_dir = parsed.config_dir.clone().unwrap_or_default();
    let ctx = Context { tr, config_dir, no_color, invited: Vec::new() };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match parsed.command {
        Some(Cmd::Csv(CsvCmd::Check(a))) => commands::csv_check::run(&a, &ctx, &mut out, &mut err),
        Some(Cmd::Verify(_) | Cmd::Status(_) | Cmd::Mark(_) | Cmd::Reset(_)) | None => {
            let _ = writeln!(err, "{}", ctx.tr.t("core.not-built"));
            2
        }
    };
    let _ = out.flush();
    ExitCode::from(code)
}
