//! The summary: everything for my roles is done; what is left for the other role.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::hub::owner_text;
use super::theme::{Theme, mark};
use crate::wizard::Wizard;

/// Draws the summary.
pub fn render(w: &Wizard, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let roles = w.roles().to_vec();
    let mine = w.progress.tally(&w.guide, &roles);
    let names: Vec<&str> = roles.iter().map(|r| tr.t(&r.name_key())).collect();
    let mut lines = vec![
        Line::styled(
            tr.f("core.summary.title", &[("roles", &names.join(" + "))]),
            t.title(),
        ),
        Line::raw(tr.f(
            "core.summary.mine",
            &[("done", &mine.resolved), ("total", &mine.total)],
        )),
        Line::raw(""),
    ];
    let left: Vec<_> = w
        .guide
        .items()
        .iter()
        .filter(|i| !i.owned_by_any(&roles) && !w.progress.status(i.id).is_resolved())
        .collect();
    if left.is_empty() {
        lines.push(Line::styled(
            tr.t("core.summary.all-done").to_string(),
            t.info(),
        ));
    } else {
        lines.push(Line::raw(tr.t("core.summary.left").to_string()));
        for item in left {
            let st = w.progress.status(item.id);
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", mark(st)), t.status(st)),
                Span::raw(tr.t(&item.title_key()).to_string()),
                Span::styled(
                    format!("  ({}, `{}`)", owner_text(w, item), item.id),
                    t.dim(),
                ),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(tr.t("core.summary.handoff").to_string()));
        lines.push(Line::styled(
            super::keyed(w, "handoff.tui.summary-offer"),
            t.info(),
        ));
    }
    let skipped: Vec<_> = w
        .guide
        .items()
        .iter()
        .filter(|i| {
            i.owned_by_any(&roles)
                && w.progress.status(i.id) == crate::domain::progress::Status::Skipped
        })
        .collect();
    if !skipped.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::raw(tr.t("core.summary.skipped").to_string()));
        for item in skipped {
            let reason = w
                .progress
                .items
                .get(&item.id)
                .and_then(|p| p.reason.clone())
                .unwrap_or_default();
            lines.push(Line::styled(
                format!("  [-] {} — {reason}", tr.t(&item.title_key())),
                t.dim(),
            ));
        }
    }
    let block = super::text_panel("", true, t);
    let lines = super::wrap_lines(&lines, usize::from(area.width.saturating_sub(3)));
    f.render_widget(Paragraph::new(lines).block(block), area);
}
