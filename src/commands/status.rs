//! `msi-setup status [--json] [--role ROLE]`: the checklist, read without locking or writing.

use std::io::Write;

use serde::Serialize;

use super::Context;
use super::common::{self, ErrorCode};
use crate::cli::StatusArgs;
use crate::domain::guide::{Guide, Item, ItemId, Kind, Role};
use crate::domain::progress::{InviteSource, Progress, Status};
use crate::domain::text::Localize;
use crate::present::{escape, pad, sanitize, short_time, width};
use crate::store;

#[derive(Serialize)]
struct JsonStatus<'a> {
    version: u32,
    roles: Vec<String>,
    steps: Vec<JsonItem<'a>>,
    /// Addresses recorded as invited (the journal file and older batches), each once.
    invited: usize,
    /// The instance's seats: as the wizard counts them.
    seats: JsonSeats,
}

#[derive(Serialize)]
struct JsonSeats {
    total: u64,
    used: u64,
    left: u64,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: ItemId,
    kind: Kind,
    owners: &'a [Role],
    status: Status,
    substeps_done: usize,
    substeps_total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    updated_at: Option<String>,
    updated_by: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invites: Vec<JsonBatch>,
}

#[derive(Serialize)]
struct JsonBatch {
    count: u64,
    at: String,
    source: InviteSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
}

/// Runs the command.
pub fn run(args: &StatusArgs, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let tr = &ctx.tr;
    let guide = match common::guide() {
        Ok(g) => g,
        Err(e) => return common::report_error(args.json, out, err, "internal", &e, None, 2),
    };
    let progress = match store::read_only(&ctx.config_dir) {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => {
            let message = e.localize(tr);
            return common::report_error(args.json, out, err, e.code(), &message, e.path(), 2);
        }
    };
    let items: Vec<&Item> = guide
        .items()
        .iter()
        .filter(|i| args.role.is_none_or(|r| i.owned_by(r)))
        .collect();
    let res = if args.json {
        let steps = items
            .iter()
            .map(|i| {
                let p = progress.items.get(&i.id);
                let (done, total) = progress.substep_counts(i);
                JsonItem {
                    id: i.id,
                    kind: i.kind,
                    owners: &i.owners,
                    status: progress.status(i.id),
                    substeps_done: done,
                    substeps_total: total,
                    variant: if i.variants.is_empty() {
                        None
                    } else {
                        progress.variant_of(i)
                    },
                    reason: p.and_then(|p| p.reason.clone()),
                    updated_at: p.and_then(|p| p.updated_at).map(|t| t.to_string()),
                    updated_by: p.and_then(|p| p.updated_by.clone()),
                    invites: if i.id == ItemId::InviteUsers {
                        progress
                            .invites
                            .iter()
                            .map(|b| JsonBatch {
                                count: b.len(),
                                at: b.at.to_string(),
                                source: b.source,
                                by: b.by.clone(),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        let budget = progress.seat_budget();
        let doc = JsonStatus {
            version: common::JSON_VERSION,
            roles: progress.roles_as_written(),
            steps,
            invited: progress.invited_emails().len(),
            seats: JsonSeats {
                total: budget.total,
                used: budget.used,
                left: budget.left(),
            },
        };
        serde_json::to_string_pretty(&doc)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}"))
    } else {
        write_text(out, ctx, &guide, &progress, &items)
    };
    match res {
        Ok(()) => 0,
        // The reader went away (`msi-setup status | head -1`): not a failure of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => common::report_error(
            args.json,
            out,
            err,
            "output_failed",
            &e.to_string(),
            None,
            2,
        ),
    }
}

fn write_text(
    out: &mut dyn Write,
    ctx: &Context,
    guide: &Guide,
    progress: &Progress,
    items: &[&Item],
) -> std::io::Result<()> {
    let tr = &ctx.tr;
    let tz = crate::present::local_time_zone();
    writeln!(
        out,
        "{}",
        tr.f(
            "core.status.file",
            &[("path", &ctx.config_dir.join(store::FILE).display())]
        )
    )?;
    for role in guide.roles() {
        let t = progress.tally(guide, std::slice::from_ref(role));
        writeln!(
            out,
            "{}",
            tr.f(
                "core.status.role-line",
                &[
                    ("role", &tr.t(&role.name_key())),
                    ("done", &t.resolved),
                    ("total", &t.total)
                ],
            )
        )?;
    }
    writeln!(out)?;
    let id_w = items.iter().map(|i| i.id.as_str().len()).max().unwrap_or(0);
    let word = |s: Status| tr.t(&format!("core.status.{s}")).to_string();
    let status_w = <Status as strum::VariantArray>::VARIANTS
        .iter()
        .map(|s| width(&word(*s)))
        .max()
        .unwrap_or(12);
    for item in items {
        let (done, total) = progress.substep_counts(item);
        let status = progress.status(item.id);
        let mut line = format!(
            "{} {:<id_w$}  {:>2}/{:<2}  {}",
            pad(&word(status), status_w),
            item.id.as_str(),
            done,
            total,
            tr.t(&item.title_key()),
        );
        if let Some(p) = progress.items.get(&item.id) {
            if let Some(r) = &p.reason {
                line.push_str(&format!("  ({})", escape(r)));
            }
            if let Some(at) = p.updated_at {
                let who = escape(p.updated_by.as_deref().unwrap_or("-"));
                line.push_str(&format!("  [{} {}]", short_time(at, &tz), who));
            }
        }
        writeln!(out, "{}", sanitize(&line))?;
    }
    Ok(())
}
