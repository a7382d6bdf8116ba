//! `msi-setup report [--format markdown|html] [--out FILE]`: the whole setup at a glance, for
//! both admins and whoever they report to. Markdown to paste into a ticket or an e-mail; HTML as
//! one self-contained file (inline CSS and SVG, nothing loaded from anywhere, A4 print) that
//! opens with the two-lane picture: Marketo admin and Salesforce admin, "either" steps spanning
//! both, the two prerequisites and seven steps as boxes in order, coloured and labelled by
//! status.

use std::fmt::Write as _;
use std::io::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::Context;
use super::common;
use super::handoff::who;
use crate::cli::{ReportArgs, ReportFormat};
use crate::domain::checks::{CheckId, CheckStatus};
use crate::domain::guide::{Guide, Item, ItemId, Kind, Role};
use crate::domain::handoff::BatchMark;
use crate::domain::progress::{InviteSource, Progress, Status};
use crate::domain::text::{Catalog, Localize};
use crate::fsutil::write_atomic;
use crate::present::{sanitize, short_time};
use crate::store;

/// Which lane of the picture an item sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// The Marketo admin's.
    Marketo,
    /// The Salesforce admin's.
    Salesforce,
    /// Either admin's: spans both lanes.
    Both,
}

impl Lane {
    /// The lane of `item`, from its owners.
    #[must_use]
    pub fn of(item: &Item) -> Lane {
        let m = item.owned_by(Role::MarketoAdmin);
        let s = item.owned_by(Role::SalesforceAdmin);
        match (m, s) {
            (true, false) => Lane::Marketo,
            (false, true) => Lane::Salesforce,
            _ => Lane::Both,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Lane::Marketo => "marketo-admin",
            Lane::Salesforce => "salesforce-admin",
            Lane::Both => "either",
        }
    }
}

/// P1, P2, 1..7.
#[must_use]
pub fn code(guide: &Guide, id: ItemId) -> String {
    let kind = guide.item(id).kind;
    let n = guide.items()[..=id.index()]
        .iter()
        .filter(|i| i.kind == kind)
        .count();
    match kind {
        Kind::Prerequisite => format!("P{n}"),
        Kind::Step => n.to_string(),
    }
}

/// One item as the report shows it.
struct Row {
    id: ItemId,
    code: String,
    title: String,
    lane: Lane,
    status: Status,
    status_word: String,
    who: Option<String>,
    when: Option<String>,
    reason: Option<String>,
}

struct CheckRow {
    name: String,
    step: String,
    status: CheckStatus,
    word: String,
    when: String,
}

struct Next {
    role: String,
    line: String,
    path: Option<String>,
}

/// Everything the report says, already in the user's language.
struct Report {
    title: String,
    generated: String,
    people: Vec<String>,
    rows: Vec<Row>,
    checks: Vec<CheckRow>,
    invites: Vec<String>,
    next: Vec<Next>,
}

fn build(tr: &Catalog, guide: &Guide, p: &Progress, now: Timestamp, tz: &TimeZone) -> Report {
    let peer = p.handoff.peer.clone().unwrap_or_default();
    let roles_of = |name: Option<&str>| -> Vec<Role> {
        match name {
            Some(n) if p.setup.name.as_deref() == Some(n) => p.setup.roles.clone(),
            Some(n) if peer.name.as_deref() == Some(n) => peer.roles.clone(),
            _ => Vec::new(),
        }
    };
    let unknown = tr.t("handoff.report.unknown-person").to_string();
    let mut people = Vec::new();
    for role in guide.roles() {
        let mut names: Vec<String> = Vec::new();
        if p.setup.roles.contains(role)
            && let Some(n) = &p.setup.name
        {
            names.push(sanitize(n));
        }
        if peer.roles.contains(role)
            && let Some(n) = &peer.name
            && !names.contains(n)
        {
            names.push(sanitize(n));
        }
        let names = if names.is_empty() {
            unknown.clone()
        } else {
            names.join(", ")
        };
        people.push(tr.f(
            "handoff.report.role-person",
            &[("role", &tr.t(&role.name_key())), ("name", &names)],
        ));
    }
    let rows = guide
        .items()
        .iter()
        .map(|item| {
            let ip = p.items.get(&item.id);
            let status = p.status(item.id);
            let by = ip.and_then(|i| i.updated_by.as_deref());
            Row {
                id: item.id,
                code: code(guide, item.id),
                title: tr.t(&item.title_key()).to_string(),
                lane: Lane::of(item),
                status,
                status_word: tr.t(&format!("core.status.{status}")).to_string(),
                who: by.map(|b| who(tr, Some(b), &roles_of(Some(b)))),
                when: ip.and_then(|i| i.updated_at).map(|t| short_time(t, tz)),
                reason: ip.and_then(|i| i.reason.as_deref()).map(sanitize),
            }
        })
        .collect();
    let mut checks = Vec::new();
    for id in <CheckId as strum::VariantArray>::VARIANTS {
        let mine = p.checks.get(id).map(|o| (o.status, o.finished_at, o.step));
        let theirs = p
            .handoff
            .peer_checks
            .get(id)
            .map(|c| (c.status, c.finished_at, c.step));
        let latest = match (mine, theirs) {
            (Some(m), Some(t)) => Some(if t.1 > m.1 { t } else { m }),
            (m, t) => m.or(t),
        };
        if let Some((status, at, step)) = latest {
            checks.push(CheckRow {
                name: tr.t(&format!("checks.name.{id}")).to_string(),
                step: format!(
                    "{} {}",
                    code(guide, step),
                    tr.t(&guide.item(step).title_key())
                ),
                status,
                word: tr.t(&format!("checks.status.{status}")).to_string(),
                when: at.map_or_else(
                    || tr.t("handoff.merge.unknown-time").to_string(),
                    |t| short_time(t, tz),
                ),
            });
        }
    }
    let mut batches: Vec<BatchMark> = p.invites.iter().map(|b| BatchMark::of(b, false)).collect();
    for b in &p.handoff.peer_invites {
        if !batches.iter().any(|o| o.same(b)) {
            batches.push(b.clone());
        }
    }
    batches.sort_by_key(|b| b.at);
    let invites = batches
        .iter()
        .map(|b| {
            let teams = if b.teams.is_empty() {
                tr.t("handoff.report.everyone").to_string()
            } else {
                sanitize(&b.teams.join(", "))
            };
            let source = match b.source {
                InviteSource::Individual => tr.t("handoff.report.source-individual"),
                InviteSource::Csv => tr.t("handoff.report.source-csv"),
            };
            tr.f(
                "handoff.report.invite-line",
                &[
                    ("date", &short_time(b.at, tz)),
                    ("count", &b.count),
                    ("source", &source),
                    ("teams", &teams),
                    ("who", &who(tr, b.by.as_deref(), &roles_of(b.by.as_deref()))),
                ],
            )
        })
        .collect();
    let next = guide
        .roles()
        .iter()
        .map(|role| {
            let name = tr.t(&role.name_key()).to_string();
            match p.next_for(guide, std::slice::from_ref(role)) {
                None => Next {
                    role: name.clone(),
                    line: tr.f("handoff.report.all-done", &[("role", &name)]),
                    path: None,
                },
                Some(id) => {
                    let item = guide.item(id);
                    let unticked = p.unticked(item);
                    let sub = item
                        .substeps
                        .iter()
                        .filter(|s| unticked.contains(&s.id.as_str()))
                        .find(|s| !s.path.is_empty())
                        .or_else(|| item.substeps.iter().find(|s| !s.path.is_empty()));
                    let waits: Vec<String> = p
                        .unmet_needs(item)
                        .iter()
                        .map(|n| code(guide, *n))
                        .collect();
                    let mut line = tr.f(
                        "handoff.report.next-line",
                        &[
                            ("role", &name),
                            (
                                "step",
                                &format!("{} {}", code(guide, id), tr.t(&item.title_key())),
                            ),
                        ],
                    );
                    if !waits.is_empty() {
                        line.push(' ');
                        line.push_str(
                            &tr.f("handoff.report.next-waits", &[("items", &waits.join(", "))]),
                        );
                    }
                    Next {
                        role: name,
                        line,
                        path: sub.map(|s| {
                            tr.f(
                                "handoff.report.next-path",
                                &[
                                    ("path", &s.path.join(" › ")),
                                    ("what", &tr.t(&item.substep_key(s))),
                                ],
                            )
                        }),
                    }
                }
            }
        })
        .collect();
    Report {
        title: tr.t("handoff.report.title").to_string(),
        generated: tr.f(
            "handoff.report.generated",
            &[("when", &short_time(now, tz))],
        ),
        people,
        rows,
        checks,
        invites,
        next,
    }
}

/// Text safe in a Markdown table cell.
fn md(s: &str) -> String {
    sanitize(s).replace('|', "\\|")
}

fn markdown(tr: &Catalog, guide: &Guide, r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n\n{}\n", md(&r.title), md(&r.generated));
    for p in &r.people {
        let _ = writeln!(o, "- {}", md(p));
    }
    for role in guide.roles() {
        let _ = writeln!(o, "\n## {}\n", md(tr.t(&role.name_key())));
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            tr.t("handoff.report.col-step"),
            tr.t("handoff.report.col-status"),
            tr.t("handoff.report.col-who"),
            tr.t("handoff.report.col-reason"),
        );
        for row in r.rows.iter().filter(|x| guide.item(x.id).owned_by(*role)) {
            let either = if row.lane == Lane::Both {
                format!(" ({})", tr.t("core.owner.either"))
            } else {
                String::new()
            };
            let who_when = match (&row.who, &row.when) {
                (Some(w), Some(t)) => format!("{w}, {t}"),
                (None, Some(t)) => t.clone(),
                (Some(w), None) => w.clone(),
                (None, None) => String::new(),
            };
            let _ = writeln!(
                o,
                "| {} {} `{}`{} | {} | {} | {} |",
                row.code,
                md(&row.title),
                row.id,
                md(&either),
                md(&row.status_word),
                md(&who_when),
                md(row.reason.as_deref().unwrap_or("")),
            );
        }
    }
    let _ = writeln!(o, "\n## {}\n", tr.t("handoff.report.checks"));
    if r.checks.is_empty() {
        let _ = writeln!(o, "{}", tr.t("handoff.report.no-checks"));
    } else {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            tr.t("handoff.report.col-check"),
            tr.t("handoff.report.col-step"),
            tr.t("handoff.report.col-result"),
            tr.t("handoff.report.col-date"),
        );
        for c in &r.checks {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                md(&c.name),
                md(&c.step),
                md(&c.word),
                md(&c.when)
            );
        }
    }
    let _ = writeln!(o, "\n## {}\n", tr.t("handoff.report.invites"));
    if r.invites.is_empty() {
        let _ = writeln!(o, "{}", tr.t("handoff.report.no-invites"));
    }
    for line in &r.invites {
        let _ = writeln!(o, "- {}", md(line));
    }
    let _ = writeln!(o, "\n## {}\n", tr.t("handoff.report.next"));
    for n in &r.next {
        let _ = writeln!(o, "- {}", md(&n.line));
        if let Some(path) = &n.path {
            let _ = writeln!(o, "  - {}", md(path));
        }
    }
    o
}

/// Text safe in HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in sanitize(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fill, stroke width and dash of a box: each status differs in more than colour.
fn box_style(s: Status) -> (&'static str, &'static str, &'static str) {
    match s {
        Status::Done => ("#a5d6a7", "3", ""),
        Status::InProgress => ("#fff59d", "2", ""),
        Status::Blocked => ("#ef9a9a", "4", ""),
        Status::Skipped => ("#e0e0e0", "2", " stroke-dasharray=\"2 3\""),
        Status::Todo => ("#ffffff", "1.5", " stroke-dasharray=\"6 4\""),
    }
}

/// The two-lane picture.
fn svg(tr: &Catalog, r: &Report) -> String {
    const LABEL_W: usize = 130;
    const BOX_W: usize = 76;
    const GAP: usize = 6;
    const LANE_H: usize = 64;
    const TOP: usize = 4;
    let n = r.rows.len();
    let width = LABEL_W + n * (BOX_W + GAP) + GAP;
    let height = TOP * 2 + LANE_H * 2;
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg class=\"lanes\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        esc(tr.t("handoff.report.picture"))
    );
    for (i, role) in [Role::MarketoAdmin, Role::SalesforceAdmin]
        .iter()
        .enumerate()
    {
        let y = TOP + i * LANE_H;
        let _ = write!(
            o,
            "<g class=\"lane\" data-lane=\"{}\"><rect class=\"lane\" x=\"0\" y=\"{y}\" width=\"{width}\" height=\"{LANE_H}\" fill=\"{}\" stroke=\"#9e9e9e\"/><text x=\"8\" y=\"{}\" class=\"lane-label\">{}</text></g>",
            role.as_str(),
            if i == 0 { "#f5f5f5" } else { "#fafafa" },
            y + LANE_H / 2 + 4,
            esc(tr.t(&role.name_key()))
        );
    }
    for (i, row) in r.rows.iter().enumerate() {
        let x = LABEL_W + GAP + i * (BOX_W + GAP);
        let (y, h) = match row.lane {
            Lane::Marketo => (TOP + 6, LANE_H - 12),
            Lane::Salesforce => (TOP + LANE_H + 6, LANE_H - 12),
            Lane::Both => (TOP + 6, LANE_H * 2 - 12),
        };
        let (fill, stroke, dash) = box_style(row.status);
        let cy = y + h / 2;
        let _ = write!(
            o,
            "<g class=\"box\" data-step=\"{}\" data-lane=\"{}\" data-status=\"{}\"><title>{} {}: {}</title><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{h}\" rx=\"6\" fill=\"{fill}\" stroke=\"#212121\" stroke-width=\"{stroke}\"{dash}/><text x=\"{}\" y=\"{}\" class=\"code\">{}</text><text x=\"{}\" y=\"{}\" class=\"st\">{}</text></g>",
            row.id,
            row.lane.as_str(),
            row.status,
            esc(&row.code),
            esc(&row.title),
            esc(&row.status_word),
            x + BOX_W / 2,
            cy - 4,
            esc(&row.code),
            x + BOX_W / 2,
            cy + 12,
            esc(&row.status_word),
        );
    }
    o.push_str("</svg>");
    o
}

const CSS: &str = "@page{size:A4;margin:14mm}\
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK TC','Noto Sans KR',sans-serif;color:#212121;max-width:180mm;margin:0 auto;font-size:10.5pt;line-height:1.4}\
h1{font-size:16pt;margin:0 0 2mm}h2{font-size:12.5pt;margin:6mm 0 2mm;border-bottom:1px solid #bdbdbd}\
table{border-collapse:collapse;width:100%;page-break-inside:auto}tr{page-break-inside:avoid}\
th,td{border:1px solid #bdbdbd;padding:1.5mm 2mm;text-align:left;vertical-align:top}th{background:#eeeeee}\
svg.lanes{width:100%;height:auto;margin:3mm 0}svg text{font-size:11px;text-anchor:middle}\
svg text.lane-label{text-anchor:start;font-weight:bold}svg text.code{font-weight:bold;font-size:13px}\
.st-done{font-weight:bold}.st-blocked{font-weight:bold;text-decoration:underline}\
code{font-size:9pt}@media print{a{color:inherit}}";

fn html(tr: &Catalog, guide: &Guide, r: &Report) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n",
        tr.lang().tag(),
        esc(&r.title),
        esc(&r.title),
        esc(&r.generated)
    );
    o.push_str(&svg(tr, r));
    o.push_str("\n<ul>");
    for p in &r.people {
        let _ = write!(o, "<li>{}</li>", esc(p));
    }
    o.push_str("</ul>\n");
    for role in guide.roles() {
        let _ = write!(
            o,
            "<h2>{}</h2>\n<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(tr.t(&role.name_key())),
            esc(tr.t("handoff.report.col-step")),
            esc(tr.t("handoff.report.col-status")),
            esc(tr.t("handoff.report.col-who")),
            esc(tr.t("handoff.report.col-reason")),
        );
        for row in r.rows.iter().filter(|x| guide.item(x.id).owned_by(*role)) {
            let either = if row.lane == Lane::Both {
                format!(" ({})", tr.t("core.owner.either"))
            } else {
                String::new()
            };
            let who_when = [row.who.clone(), row.when.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let _ = write!(
                o,
                "<tr><td>{} {} <code>{}</code>{}</td><td class=\"st-{}\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&row.code),
                esc(&row.title),
                row.id,
                esc(&either),
                row.status,
                esc(&row.status_word),
                esc(&who_when),
                esc(row.reason.as_deref().unwrap_or("")),
            );
        }
        o.push_str("</tbody></table>\n");
    }
    let _ = writeln!(o, "<h2>{}</h2>", esc(tr.t("handoff.report.checks")));
    if r.checks.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(tr.t("handoff.report.no-checks")));
    } else {
        let _ = write!(
            o,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(tr.t("handoff.report.col-check")),
            esc(tr.t("handoff.report.col-step")),
            esc(tr.t("handoff.report.col-result")),
            esc(tr.t("handoff.report.col-date")),
        );
        for c in &r.checks {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"check-{}\">{}</td><td>{}</td></tr>",
                esc(&c.name),
                esc(&c.step),
                c.status,
                esc(&c.word),
                esc(&c.when)
            );
        }
        o.push_str("</tbody></table>\n");
    }
    let _ = writeln!(o, "<h2>{}</h2>", esc(tr.t("handoff.report.invites")));
    if r.invites.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(tr.t("handoff.report.no-invites")));
    } else {
        o.push_str("<ul>");
        for line in &r.invites {
            let _ = write!(o, "<li>{}</li>", esc(line));
        }
        o.push_str("</ul>\n");
    }
    let _ = write!(o, "<h2>{}</h2>\n<ul>", esc(tr.t("handoff.report.next")));
    for n in &r.next {
        let _ = write!(o, "<li data-role=\"{}\">{}", esc(&n.role), esc(&n.line));
        if let Some(path) = &n.path {
            let _ = write!(o, "<br>{}", esc(path));
        }
        o.push_str("</li>");
    }
    o.push_str("</ul>\n</body>\n</html>\n");
    o
}

/// The report of `p` in `format`.
#[must_use]
pub fn render(
    tr: &Catalog,
    guide: &Guide,
    p: &Progress,
    format: ReportFormat,
    now: Timestamp,
    tz: &TimeZone,
) -> String {
    let r = build(tr, guide, p, now, tz);
    match format {
        ReportFormat::Markdown => markdown(tr, guide, &r),
        ReportFormat::Html => html(tr, guide, &r),
    }
}

/// Runs the command.
pub fn run(args: &ReportArgs, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let tr = &ctx.tr;
    let fail = |err: &mut dyn Write, m: String| {
        let _ = writeln!(err, "msi-setup: {m}");
        2
    };
    let guide = match common::guide() {
        Ok(g) => g,
        Err(e) => return fail(err, e),
    };
    let progress = match store::read_only(&ctx.config_dir) {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => return fail(err, e.localize(tr)),
    };
    let text = render(
        tr,
        &guide,
        &progress,
        args.format,
        Timestamp::now(),
        &crate::present::local_time_zone(),
    );
    match &args.out {
        None => match out.write_all(text.as_bytes()) {
            Ok(()) => 0,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => fail(err, e.to_string()),
        },
        Some(path) => {
            if path.exists() && !path.is_file() {
                return fail(
                    err,
                    tr.f("handoff.err.special", &[("path", &path.display())]),
                );
            }
            match write_atomic(path, |w| w.write_all(text.as_bytes())) {
                Ok(()) => {
                    let _ = writeln!(
                        out,
                        "{}",
                        tr.f("handoff.report.written", &[("path", &path.display())])
                    );
                    0
                }
                Err(e) => fail(
                    err,
                    tr.f(
                        "handoff.err.write",
                        &[("path", &path.display()), ("error", &e)],
                    ),
                ),
            }
        }
    }
}
