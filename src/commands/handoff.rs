//! `msi-setup export [--out FILE] [--with-addresses]` and `msi-setup merge FILE [--dry-run]`:
//! the hand-off between the two admins (the model and the merge are in
//! [`crate::domain::handoff`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::Context;
use super::common;
use crate::cli::{ExportArgs, MergeArgs};
use crate::domain::guide::{Guide, ItemId, Role};
use crate::domain::handoff::{self, Handoff, Side};
use crate::domain::progress::{ItemChange, Progress, Status};
use crate::domain::text::{Catalog, Localize};
use crate::fsutil::write_atomic;
use crate::present::{sanitize, short_time};
use crate::store::{self, Store};

fn fail(err: &mut dyn Write, m: &str) -> u8 {
    let _ = writeln!(err, "msi-setup: {m}");
    2
}

/// The file name `export` uses without `--out`.
#[must_use]
pub fn default_name(now: Timestamp, tz: &TimeZone) -> String {
    handoff::default_name(now, tz)
}

/// The roles the other admin holds: those of the guide that `mine` lacks.
#[must_use]
pub fn other_roles(guide: &Guide, mine: &[Role]) -> Vec<Role> {
    guide
        .roles()
        .iter()
        .copied()
        .filter(|r| !mine.contains(r))
        .collect()
}

/// "Bo (Salesforce admin)", "Bo", or the role alone.
#[must_use]
pub fn who(tr: &Catalog, name: Option<&str>, roles: &[Role]) -> String {
    crate::present::person(tr, name, roles)
}

/// "install-package (Install the MSI package)".
#[must_use]
pub fn item_label(tr: &Catalog, guide: &Guide, id: ItemId) -> String {
    format!("{id} ({})", tr.t(&guide.item(id).title_key()))
}

fn status_word(tr: &Catalog, s: Status) -> String {
    tr.t(&format!("core.status.{s}")).to_string()
}

fn when(tr: &Catalog, at: Option<Timestamp>, tz: &TimeZone) -> String {
    at.map_or_else(
        || tr.t("handoff.merge.unknown-time").to_string(),
        |t| short_time(t, tz),
    )
}

/// Writes the hand-off of `progress` to `path` (a regular file or a new one).
///
/// # Errors
/// The catalog text of what went wrong (naming the path).
pub fn write_handoff(
    tr: &Catalog,
    progress: &Progress,
    path: &Path,
    now: Timestamp,
    with_addresses: bool,
) -> Result<(), String> {
    if path.exists() && !path.is_file() {
        return Err(tr.f("handoff.err.special", &[("path", &path.display())]));
    }
    let text = Handoff::export(progress, now, with_addresses)
        .to_toml()
        .map_err(|e| e.to_string())?;
    write_atomic(path, |w| w.write_all(text.as_bytes())).map_err(|e: std::io::Error| {
        tr.f(
            "handoff.err.write",
            &[("path", &path.display()), ("error", &e)],
        )
    })
}

/// Runs `export`.
pub fn run_export(
    args: &ExportArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let tr = &ctx.tr;
    let guide = match common::guide() {
        Ok(g) => g,
        Err(e) => return fail(err, &e),
    };
    let progress = match store::read_only(&ctx.config_dir) {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => return fail(err, &e.localize(tr)),
    };
    let now = Timestamp::now();
    let tz = crate::present::local_time_zone();
    let path: PathBuf = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(default_name(now, &tz)));
    if let Err(m) = write_handoff(tr, &progress, &path, now, args.with_addresses) {
        return fail(err, &m);
    }
    let file = path.display().to_string();
    let _ = writeln!(
        out,
        "{}",
        tr.f("handoff.export.written", &[("path", &file)])
    );
    let others = other_roles(&guide, &progress.setup.roles);
    let send = if progress.setup.roles.is_empty() || others.is_empty() {
        tr.f("handoff.export.send-any", &[("file", &file)])
    } else {
        let role = others
            .iter()
            .map(|r| tr.t(&r.name_key()).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        tr.f("handoff.export.send", &[("role", &role), ("file", &file)])
    };
    let _ = writeln!(out, "{send}");
    // The addresses written: the journal's (every address recorded here) and the other
    // admin's, as merged.
    let count: usize = progress.invited.len()
        + progress
            .handoff
            .peer_invites
            .iter()
            .map(|b| b.emails.len())
            .sum::<usize>();
    if !progress.invites.is_empty() || !progress.handoff.peer_invites.is_empty() {
        let line = if args.with_addresses {
            tr.f("handoff.export.addresses", &[("count", &count)])
        } else {
            tr.t("handoff.export.counts-only").to_string()
        };
        let _ = writeln!(out, "{line}");
    }
    0
}

/// What a merge would do, as lines in the user's language.
#[must_use]
pub fn describe(
    tr: &Catalog,
    guide: &Guide,
    theirs: &Handoff,
    merged: &handoff::Merged,
    tz: &TimeZone,
) -> Vec<String> {
    let mut lines = Vec::new();
    let peer_name = theirs.from.name.as_deref();
    let by = |c: &ItemChange| {
        let roles: &[Role] = if c.by.as_deref() == peer_name {
            &theirs.from.roles
        } else {
            &[]
        };
        who(tr, c.by.as_deref(), roles)
    };
    if !merged.changes.is_empty() {
        lines.push(tr.f("handoff.merge.changes", &[("count", &merged.changes.len())]));
        for c in &merged.changes {
            lines.push(tr.f(
                "handoff.merge.change",
                &[
                    ("step", &item_label(tr, guide, c.id)),
                    ("before", &status_word(tr, c.before.status)),
                    ("after", &status_word(tr, c.after.status)),
                    ("who", &by(&c.after)),
                    ("when", &when(tr, c.after.at, tz)),
                ],
            ));
            if let Some(r) = &c.after.reason {
                lines.push(tr.f("handoff.merge.reason", &[("reason", &sanitize(r))]));
            }
        }
    }
    if !merged.conflicts.is_empty() {
        lines.push(tr.f(
            "handoff.merge.conflicts",
            &[("count", &merged.conflicts.len())],
        ));
        for c in &merged.conflicts {
            let kept = match c.kept {
                Side::Mine => tr.t("handoff.merge.kept-mine"),
                Side::Theirs => tr.t("handoff.merge.kept-theirs"),
            };
            lines.push(tr.f(
                "handoff.merge.conflict",
                &[
                    ("step", &item_label(tr, guide, c.id)),
                    ("mine", &status_word(tr, c.mine.status)),
                    ("mine_when", &when(tr, c.mine.at, tz)),
                    ("theirs", &status_word(tr, c.theirs.status)),
                    ("who", &by(&c.theirs)),
                    ("theirs_when", &when(tr, c.theirs.at, tz)),
                    ("kept", &kept),
                ],
            ));
        }
    }
    if merged.checks > 0 {
        lines.push(tr.f("handoff.merge.checks", &[("count", &merged.checks)]));
    }
    if merged.invites > 0 {
        lines.push(tr.f("handoff.merge.invites", &[("count", &merged.invites)]));
    }
    lines
}

/// Whether `theirs` was written by the holder of `mine` (same name and roles).
#[must_use]
pub fn is_own(mine: &Progress, theirs: &Handoff) -> bool {
    mine.setup.name.is_some()
        && theirs.from.name == mine.setup.name
        && theirs.from.roles == mine.setup.roles
}

/// Runs `merge`.
pub fn run_merge(args: &MergeArgs, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let tr = &ctx.tr;
    let guide = match common::guide() {
        Ok(g) => g,
        Err(e) => return fail(err, &e),
    };
    let path = args.file.display().to_string();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                err,
                &tr.f("handoff.err.read", &[("path", &path), ("error", &e)]),
            );
        }
    };
    let theirs = match Handoff::read(&bytes) {
        Ok(h) => h,
        Err(e) => return fail(err, &e.detail().arg("path", &path).render(tr)),
    };
    // A dry run reads without the lock and writes nothing at all; a merge holds the lock from
    // reading to saving.
    let (mine, opened) = if args.dry_run {
        match store::read_only(&ctx.config_dir) {
            Ok(p) => (p.unwrap_or_default(), None),
            Err(e) => return fail(err, &e.localize(tr)),
        }
    } else {
        match Store::open_waiting(&ctx.config_dir, Timestamp::now(), crate::store::LOCK_WAIT) {
            Ok(o) => {
                for n in &o.notices {
                    let _ = writeln!(err, "msi-setup: {}", n.localize(tr));
                }
                (o.progress.clone(), Some(o))
            }
            Err(e) => return fail(err, &e.localize(tr)),
        }
    };
    if is_own(&mine, &theirs) {
        return fail(err, &tr.f("handoff.err.own-file", &[("path", &path)]));
    }
    let tz = crate::present::local_time_zone();
    let from = who(tr, theirs.from.name.as_deref(), &theirs.from.roles);
    let head = match theirs.exported_at {
        Some(at) => tr.f(
            "handoff.merge.from",
            &[
                ("path", &path),
                ("who", &from),
                ("when", &short_time(at, &tz)),
            ],
        ),
        None => tr.f(
            "handoff.merge.from-progress",
            &[("path", &path), ("who", &from)],
        ),
    };
    let _ = writeln!(out, "{head}");
    let merged = handoff::merge(&mine, &theirs);
    if !merged.changes_anything(&mine) {
        let _ = writeln!(out, "{}", tr.f("handoff.merge.nothing", &[("path", &path)]));
        return 0;
    }
    for line in describe(tr, &guide, &theirs, &merged, &tz) {
        let _ = writeln!(out, "{line}");
    }
    match opened {
        None => {
            let _ = writeln!(out, "{}", tr.t("handoff.merge.dry-run"));
        }
        Some(o) => {
            if let Err(e) = o.store.save(&merged.progress) {
                return fail(err, &e.localize(tr));
            }
            let _ = writeln!(
                out,
                "{}",
                tr.f(
                    "handoff.merge.saved",
                    &[("path", &o.store.path().display())]
                )
            );
        }
    }
    0
}
