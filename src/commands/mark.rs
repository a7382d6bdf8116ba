//! `msi-setup mark ID STATUS [--reason TEXT] [--by NAME]`: set a status from scripts.

use std::io::Write;

use jiff::Timestamp;

use super::Context;
use super::common;
use crate::cli::MarkArgs;
use crate::domain::progress::ProgressError;
use crate::domain::text::Localize;
use crate::present::status_word;
use crate::store::Store;

/// Runs the command.
pub fn run(args: &MarkArgs, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let tr = &ctx.tr;
    let fail = |err: &mut dyn Write, m: String| {
        let _ = writeln!(err, "msi-setup: {m}");
        2
    };
    let guide = match common::guide() {
        Ok(g) => g,
        Err(e) => return fail(err, e),
    };
    let item = guide.item(args.id);
    let status = args.status;
    // Usage errors are found before the store is opened: opening takes the lock and may move a
    // damaged file aside, which a rejected command must not do.
    if status.needs_reason() && args.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return fail(err, ProgressError::ReasonRequired(status).localize(tr));
    }
    let now = Timestamp::now();
    let mut opened = match Store::open_waiting(&ctx.config_dir, now, crate::store::LOCK_WAIT) {
        Ok(o) => o,
        Err(e) => return fail(err, e.localize(tr)),
    };
    for n in &opened.notices {
        let _ = writeln!(err, "msi-setup: {}", n.localize(tr));
    }
    let by = args
        .by
        .clone()
        .or_else(|| opened.progress.setup.name.clone());
    if let Err(e) =
        opened
            .progress
            .set_status(item, status, args.reason.as_deref(), now, by.as_deref())
    {
        return fail(err, e.localize(tr));
    }
    if let Err(e) = opened.store.save(&opened.progress) {
        return fail(err, e.localize(tr));
    }
    let _ = writeln!(
        out,
        "{}",
        tr.f(
            "core.mark.done",
            &[("id", &item.id), ("status", &status_word(tr, status))]
        )
    );
    0
}
