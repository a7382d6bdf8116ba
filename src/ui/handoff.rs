//! The hand-off screens: the file written (its path, to whom to send it), the picker of files
//! to merge, and the preview of a merge. Also the two-lane strip the hub draws on its borders.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use crate::domain::guide::{ItemId, Kind, Role};
use crate::domain::progress::Status;
use crate::domain::text::Detail;
use crate::present::{self, pad, width};
use crate::wizard::Wizard;
use crate::wizard::handoff::HandoffScreen;

/// P1, P2, 1..7.
#[must_use]
pub fn code(w: &Wizard, id: ItemId) -> String {
    let kind = w.guide.item(id).kind;
    let n = w.guide.items()[..=id.index()]
        .iter()
        .filter(|i| i.kind == kind)
        .count();
    match kind {
        Kind::Prerequisite => format!("P{n}"),
        Kind::Step => n.to_string(),
    }
}

/// One ASCII character per status, for the strip.
fn glyph(s: Status) -> char {
    match s {
        Status::Todo => '.',
        Status::InProgress => '~',
        Status::Done => 'x',
        Status::Skipped => '-',
        Status::Blocked => '!',
    }
}

/// The two lanes as two lines of equal width: the Marketo admin's items in the first, the
/// Salesforce admin's in the second, "either" items in both at the same column, every item in
/// guide order with its status mark (`x` done, `~` in progress, `!` blocked, `-` skipped, `.`
/// to do). The hub draws them on its list's top and bottom borders.
#[must_use]
pub fn lanes(w: &Wizard, t: Theme) -> [Line<'static>; 2] {
    let roles = [Role::MarketoAdmin, Role::SalesforceAdmin];
    let label_w = roles
        .iter()
        .map(|r| width(w.tr.t(&r.name_key())))
        .max()
        .unwrap_or(0);
    roles.map(|role| {
        let mut spans = vec![Span::styled(
            format!(" {} ", pad(w.tr.t(&role.name_key()), label_w)),
            t.dim(),
        )];
        for item in w.guide.items() {
            if item.owned_by(role) {
                let st = w.progress.status(item.id);
                spans.push(Span::styled(
                    format!("{:<3}", format!("{}{}", code(w, item.id), glyph(st))),
                    t.status(st),
                ));
            } else {
                spans.push(Span::raw("───"));
            }
            spans.push(Span::raw(" "));
        }
        Line::from(spans)
    })
}

/// "done by Bo (Salesforce admin), 2026-12-03" for an item someone changed.
#[must_use]
pub fn done_by(w: &Wizard, id: ItemId) -> Option<String> {
    let p = w.progress.items.get(&id)?;
    let by = p.updated_by.as_deref()?;
    let at = p.updated_at?;
    if p.status == Status::Todo {
        return None;
    }
    let who = present::person(&w.tr, Some(by), &present::roles_of(&w.progress, Some(by)));
    let date = at.to_zoned(w.tz.clone()).strftime("%Y-%m-%d").to_string();
    Some(w.tr.f(
        "handoff.tui.by",
        &[
            ("status", &w.tr.t(&format!("core.status.{}", p.status))),
            ("who", &who),
            ("date", &date),
        ],
    ))
}

/// Draws the hand-off screen.
pub fn render(w: &Wizard, s: &HandoffScreen, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let mut lines: Vec<Line> = Vec::new();
    let title;
    match s {
        HandoffScreen::Writing | HandoffScreen::Listing => {
            title = tr.t("handoff.tui.title-write").to_string();
            lines.push(Line::raw(tr.t("handoff.tui.busy").to_string()));
        }
        HandoffScreen::Written { path } => {
            title = tr.t("handoff.tui.title-write").to_string();
            lines.push(Line::styled(
                tr.f("handoff.export.written", &[("path", path)]),
                t.info(),
            ));
            lines.push(Line::raw(""));
            let others: Vec<String> = w
                .guide
                .roles()
                .iter()
                .filter(|r| !w.roles().contains(r))
                .map(|r| tr.t(&r.name_key()).to_string())
                .collect();
            let file = std::path::Path::new(path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            let send = if others.is_empty() {
                Detail::new("handoff.tui.send-any").arg("file", &file)
            } else {
                Detail::new("handoff.tui.send")
                    .arg("role", others.join(", "))
                    .arg("file", &file)
            };
            lines.push(Line::raw(super::with_keys(w, &send)));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                tr.t("handoff.tui.contents").to_string(),
                t.dim(),
            ));
        }
        HandoffScreen::WriteFailed(e) => {
            title = tr.t("handoff.tui.title-write").to_string();
            lines.push(Line::styled(super::with_keys(w, &e.0.detail()), t.warn()));
        }
        HandoffScreen::Pick { files, cursor } => {
            title = tr.t("handoff.tui.title-merge").to_string();
            if files.is_empty() {
                lines.push(Line::raw(super::keyed(w, "handoff.tui.none")));
            } else {
                lines.push(Line::raw(tr.t("handoff.tui.pick").to_string()));
                lines.push(Line::raw(""));
            }
            for (i, c) in files.iter().enumerate() {
                let sel = i == *cursor;
                let text = match &c.file {
                    Ok(h) => {
                        let who = present::person(tr, h.from.name.as_deref(), &h.from.roles);
                        let when = h
                            .as_of()
                            .map(|a| present::short_time(a, &w.tz))
                            .unwrap_or_default();
                        tr.f(
                            "handoff.tui.file",
                            &[("path", &c.path), ("who", &who), ("when", &when)],
                        )
                    }
                    Err(e) => {
                        use crate::domain::text::Localize;
                        e.detail().arg("path", &c.path).render(tr)
                    }
                };
                let style = if c.file.is_err() {
                    t.dim()
                } else {
                    ratatui::style::Style::new()
                };
                let style = if sel {
                    style.patch(t.selected())
                } else {
                    style
                };
                lines.push(Line::styled(
                    format!(
                        "{} {}",
                        if sel { ">" } else { " " },
                        present::sanitize(&text)
                    ),
                    style,
                ));
            }
        }
        HandoffScreen::Preview {
            files,
            cursor,
            merged,
        } => {
            title = tr.t("handoff.tui.title-merge").to_string();
            let path = files.get(*cursor).map(|c| c.path.as_str()).unwrap_or("");
            if !merged.changes_anything(&w.progress) {
                lines.push(Line::raw(tr.f("handoff.merge.nothing", &[("path", &path)])));
            } else {
                lines.push(Line::styled(
                    tr.f("handoff.tui.preview", &[("path", &path)]),
                    t.title(),
                ));
                let theirs = files.get(*cursor).and_then(|c| c.file.as_ref().ok());
                if let Some(h) = theirs {
                    let guide = &w.guide;
                    for l in describe(w, guide, h, merged) {
                        lines.push(Line::raw(l));
                    }
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    super::keyed(w, "handoff.tui.confirm"),
                    t.info(),
                ));
            }
        }
    }
    let block = super::text_panel(&title, true, t);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// What a merge changes, one line per changed step and per conflict.
fn describe(
    w: &Wizard,
    guide: &crate::domain::guide::Guide,
    h: &crate::domain::handoff::Handoff,
    m: &crate::domain::handoff::Merged,
) -> Vec<String> {
    let tr = &w.tr;
    let word = |s: Status| tr.t(&format!("core.status.{s}")).to_string();
    let who = |by: Option<&str>| {
        let roles = if by.is_some() && by == h.from.name.as_deref() {
            h.from.roles.clone()
        } else {
            Vec::new()
        };
        present::person(tr, by, &roles)
    };
    let mut out = Vec::new();
    if !m.changes.is_empty() {
        out.push(tr.f("handoff.merge.changes", &[("count", &m.changes.len())]));
    }
    for c in &m.changes {
        out.push(tr.f(
            "handoff.tui.change",
            &[
                ("code", &code(w, c.id)),
                ("step", &tr.t(&guide.item(c.id).title_key())),
                ("before", &word(c.before.status)),
                ("after", &word(c.after.status)),
                ("who", &who(c.after.by.as_deref())),
            ],
        ));
    }
    if !m.conflicts.is_empty() {
        out.push(tr.f("handoff.merge.conflicts", &[("count", &m.conflicts.len())]));
    }
    for c in &m.conflicts {
        let kept = match c.kept {
            crate::domain::handoff::Side::Mine => tr.t("handoff.merge.kept-mine"),
            crate::domain::handoff::Side::Theirs => tr.t("handoff.merge.kept-theirs"),
        };
        out.push(tr.f(
            "handoff.tui.conflict",
            &[
                ("code", &code(w, c.id)),
                ("mine", &word(c.mine.status)),
                ("theirs", &word(c.theirs.status)),
                ("who", &who(c.theirs.by.as_deref())),
                ("kept", &kept),
            ],
        ));
    }
    if m.checks > 0 {
        out.push(tr.f("handoff.merge.checks", &[("count", &m.checks)]));
    }
    if m.invites > 0 {
        out.push(tr.f("handoff.merge.invites", &[("count", &m.invites)]));
    }
    out
}
