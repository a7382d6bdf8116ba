//! `msi-setup reset [--step ID] [--yes]`: forget progress, for one step or all steps.

use std::io::{BufRead, IsTerminal, Write};

use jiff::Timestamp;

use super::Context;
use crate::cli::ResetArgs;
use crate::domain::text::Localize;
use crate::store::Store;

/// Runs the command. Without `--yes` it asks on a terminal and refuses otherwise.
pub fn run(
    args: &ResetArgs,
    ctx: &Context,
    input: &mut dyn BufRead,
    input_is_tty: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let tr = &ctx.tr;
    let fail = |err: &mut dyn Write, m: String| {
        let _ = writeln!(err, "msi-setup: {m}");
        2
    };
    let what = match &args.step {
        Some(id) => tr.f("core.reset.what-step", &[("id", id)]),
        None => tr.t("core.reset.what-all").to_string(),
    };
    // Refuse before opening the store: opening takes the lock and may move a damaged file aside,
    // which a refused command must not do.
    if !args.yes && !input_is_tty {
        return fail(err, tr.f("core.reset.need-yes", &[("what", &what)]));
    }
    let mut opened =
        match Store::open_waiting(&ctx.config_dir, Timestamp::now(), crate::store::LOCK_WAIT) {
            Ok(o) => o,
            Err(e) => return fail(err, e.localize(tr)),
        };
    for n in &opened.notices {
        let _ = writeln!(err, "msi-setup: {}", n.localize(tr));
    }
    if !args.yes {
        // The question goes to stderr, so `msi-setup reset > log` still shows it and stdout
        // carries only the outcome.
        let _ = write!(err, "{} ", tr.f("core.reset.ask", &[("what", &what)]));
        let _ = err.flush();
        let mut answer = String::new();
        if input.read_line(&mut answer).is_err() || !is_yes(&answer) {
            let _ = writeln!(out, "{}", tr.t("core.reset.kept"));
            return 0;
        }
    }
    match args.step {
        Some(id) => opened.progress.reset_item(id),
        None => opened.progress.reset_all(),
    }
    if let Err(e) = opened.store.save(&opened.progress) {
        return fail(err, e.localize(tr));
    }
    let _ = writeln!(out, "{}", tr.f("core.reset.done", &[("what", &what)]));
    0
}

fn is_yes(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "是" | "예" | "네" | "ㅛ"
    )
}

/// Whether standard input is a terminal.
#[must_use]
pub fn stdin_is_tty() -> bool {
    std::io::stdin().is_terminal()
}
