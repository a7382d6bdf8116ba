//! `msi-setup status [--json] [--role ROLE]`: the checklist, read without locking or writing.

use std::io::Write;

use jiff::tz::TimeZone;
use serde::Serialize;

use super::Context;
use super::common::{self, short_time};
use crate::cli::StatusArgs;
use crate::domain::guide::Guide;
use crate::domain::progress::Progress;
use crate::store;

#[derive(Serialize)]
struct JsonStatus<'a> {
    version: u32,
    roles: &'a [String],
    steps: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    kind: &'static str,
    owners: &'a [String],
    status: &'static str,
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
    count: usize,
    at: String,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
}

/// Runs the command.
pub fn run(args: &StatusArgs, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let tr = &ctx.tr;
    let guide = match common::guide() {
        Ok(g) => g,
        Err(e) => {
            let _ = writeln!(err, "msi-setup: {e}");
            return 2;
        }
    };
    let role = match args
        .role
        .as_deref()
        .map(|r| common::check_role(tr, r))
        .transpose()
    {
        Ok(r) => r,
        Err(m) => {
            let _ = writeln!(err, "msi-setup: {m}");
            return 2;
        }
    };
    let progress = match store::read_only(&ctx.config_dir) {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => {
            let _ = writeln!(err, "msi-setup: {}", common::store_error(tr, &e));
            return 2;
        }
    };
    let items: Vec<_> = guide
        .items
        .iter()
        .filter(|i| role.as_ref().is_none_or(|r| i.owned_by(r)))
        .collect();
    let res = if args.json {
        let steps = items
            .iter()
            .map(|i| {
                let p = progress.items.get(&i.id);
                let (done, total) = progress.substep_counts(i);
                JsonItem {
                    id: &i.id,
                    kind: i.kind.as_str(),
                    owners: &i.owners,
                    status: progress.status(&i.id).as_str(),
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
                    invites: if i.id == "invite-users" {
                        progress
                            .invites
                            .iter()
                            .map(|b| JsonBatch {
                                count: b.emails.len(),
                                at: b.at.to_string(),
                                source: match b.source {
                                    crate::domain::progress::InviteSource::Individual => {
                                        "individual"
                                    }
                                    crate::domain::progress::InviteSource::Csv => "csv",
                                },
                                by: b.by.clone(),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        let doc = JsonStatus {
            version: crate::domain::progress::VERSION,
            roles: &progress.setup.roles,
            steps,
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
        Err(e) => {
            let _ = writeln!(err, "msi-setup: {e}");
            2
        }
    }
}

fn write_text(
    out: &mut dyn Write,
    ctx: &Context,
    guide: &Guide,
    progress: &Progress,
    items: &[&crate::domain::guide::Item],
) -> std::io::Result<()> {
    let tr = &ctx.tr;
    let tz = TimeZone::system();
    writeln!(
        out,
        "{}",
        tr.f(
            "core.status.file",
            &[("path", &ctx.config_dir.join(store::FILE).display())]
        )
    )?;
    for role in &guide.roles {
        let t = progress.tally(guide, std::slice::from_ref(&role.id));
        writeln!(
            out,
            "{}",
            tr.f(
                "core.status.role-line",
                &[
                    ("role", &tr.t(&format!("guide.role.{}", role.id))),
                    ("done", &t.resolved),
                    ("total", &t.total)
                ],
            )
        )?;
    }
    writeln!(out)?;
    let width = items.iter().map(|i| i.id.len()).max().unwrap_or(0);
    let word = |s: crate::domain::progress::Status| {
        tr.t(&format!("core.status.{}", s.as_str())).to_string()
    };
    let status_w = crate::domain::progress::Status::ALL
        .iter()
        .map(|s| crate::ui::text::width(&word(*s)))
        .max()
        .unwrap_or(12);
    for item in items {
        let (done, total) = progress.substep_counts(item);
        let status = progress.status(&item.id);
        let mut line = format!(
            "{} {:<width$}  {:>2}/{:<2}  {}",
            crate::ui::text::pad(&word(status), status_w),
            item.id,
            done,
            total,
            tr.t(&item.title_key()),
        );
        if let Some(p) = progress.items.get(&item.id) {
            if let Some(r) = &p.reason {
                line.push_str(&format!("  ({r})"));
            }
            if let Some(at) = p.updated_at {
                let who = p.updated_by.as_deref().unwrap_or("-");
                line.push_str(&format!("  [{} {}]", short_time(at, &tz), who));
            }
        }
        writeln!(out, "{}", sanitize(&line))?;
    }
    Ok(())
}

/// Drops control characters from text printed outside the TUI (names and reasons are user
/// input and must not smuggle terminal escapes).
#[must_use]
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}
