//! The overview hub: every item with status, owner and sub-step count; details of the selected
//! item below (summary, what it needs, who it waits for).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::theme::{Theme, mark};
use crate::domain::guide::{Item, ItemId, Kind};
use crate::present::{fit, pad, width};
use crate::wizard::{Hub, Wizard};

/// Owner text of an item: one role's name, or "either admin".
#[must_use]
pub fn owner_text(w: &Wizard, item: &Item) -> String {
    if item.owners.len() > 1 {
        w.tr.t("core.owner.either").to_string()
    } else {
        item.owners
            .first()
            .map(|o| w.tr.t(&o.name_key()).to_string())
            .unwrap_or_default()
    }
}

/// "Step 3 of 7" / "Prerequisite 1 of 2".
#[must_use]
pub fn ordinal(w: &Wizard, id: ItemId) -> String {
    let kind = w.guide.item(id).kind;
    let total = w.guide.items().iter().filter(|i| i.kind == kind).count();
    let key = match kind {
        Kind::Prerequisite => "core.ordinal.prerequisite",
        Kind::Step => "core.ordinal.step",
    };
    w.tr.f(key, &[("n", &position(w, id)), ("total", &total)])
}

/// 1-based position of `id` among the items of its kind.
fn position(w: &Wizard, id: ItemId) -> usize {
    let kind = w.guide.item(id).kind;
    w.guide.items()[..=id.index()]
        .iter()
        .filter(|i| i.kind == kind)
        .count()
}

/// Short code of an item for the list: P1, P2, 1..7.
fn code(w: &Wizard, id: ItemId) -> String {
    match w.guide.item(id).kind {
        Kind::Prerequisite => format!("P{}", position(w, id)),
        Kind::Step => format!("{}", position(w, id)),
    }
}

/// Draws the hub.
pub fn render(w: &Wizard, hub: &Hub, f: &mut Frame, area: Rect, t: Theme) {
    let n = w.guide.items().len();
    let list_h = u16::try_from(n + 3).unwrap_or(u16::MAX);
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(area);

    let inner_w = list_area.width.saturating_sub(2) as usize;
    let status_w = <crate::domain::progress::Status as strum::VariantArray>::VARIANTS
        .iter()
        .map(|s| width(w.tr.t(&format!("core.status.{}", s.as_str()))))
        .max()
        .unwrap_or(8)
        .max(6);
    let owner_w = w
        .guide
        .items()
        .iter()
        .map(|i| width(&owner_text(w, i)))
        .max()
        .unwrap_or(10);
    let count_w = 5;
    // cursor + mark + code, then title, then one space before each further column.
    let fixed = 1 + 4 + 3 + (1 + status_w) + (1 + owner_w) + (1 + count_w);
    // The owner column as wide as its longest entry; the title takes what is left (cut titles
    // are shown whole in the details below).
    let title_w = inner_w.saturating_sub(fixed).max(10);

    let mut lines = Vec::with_capacity(n + 1);
    lines.push(Line::styled(
        format!(
            "{}{} {} {} {}",
            " ".repeat(8),
            pad(w.tr.t("core.hub.col-item"), title_w),
            pad(w.tr.t("core.hub.col-status"), status_w),
            pad(w.tr.t("core.hub.col-owner"), owner_w),
            w.tr.t("core.hub.col-substeps"),
        ),
        t.dim(),
    ));
    let roles = w.roles().to_vec();
    for (i, item) in w.guide.items().iter().enumerate() {
        let st = w.progress.status(item.id);
        let (done, total) = w.progress.substep_counts(item);
        let mine = item.owned_by_any(&roles);
        let cursor = if i == hub.cursor { ">" } else { " " };
        let base = if mine {
            ratatui::style::Style::new()
        } else {
            t.dim()
        };
        let mut spans = vec![
            Span::raw(cursor),
            Span::styled(format!("{} ", mark(st)), t.status(st)),
            Span::styled(pad(&code(w, item.id), 3), t.dim()),
            Span::styled(pad(w.tr.t(&item.title_key()), title_w), base),
            Span::raw(" "),
            Span::styled(
                pad(w.tr.t(&format!("core.status.{}", st.as_str())), status_w),
                t.status(st),
            ),
            Span::raw(" "),
            Span::styled(pad(&owner_text(w, item), owner_w), base),
            Span::raw(" "),
            Span::styled(format!("{done:>2}/{total:<2}"), base),
        ];
        if i == hub.cursor {
            for s in &mut spans {
                s.style = s.style.patch(t.selected());
            }
        }
        lines.push(Line::from(spans));
    }
    let [top, bottom] = super::handoff::lanes(w, t);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus())
        .title(format!(" {} ", w.tr.t("core.hub.title")))
        .title_top(top.right_aligned())
        .title_bottom(bottom.right_aligned());
    f.render_widget(Paragraph::new(lines).block(block), list_area);

    let item = &w.guide.items()[hub.cursor.min(n - 1)];
    let mut detail = vec![
        Line::styled(
            fit(
                &format!(
                    "{} · {} · {}",
                    ordinal(w, item.id),
                    owner_text(w, item),
                    w.tr.t(&item.app.name_key())
                ),
                detail_area.width.saturating_sub(2) as usize,
            ),
            t.dim(),
        ),
        super::labelled(w.tr.t(&item.summary_key()), ratatui::style::Style::new(), t),
    ];
    let unmet = w.progress.unmet_needs(item);
    if !unmet.is_empty() {
        let names: Vec<String> = unmet
            .iter()
            .map(|id| super::step::item_ref(w, *id))
            .collect();
        detail.push(Line::styled(
            w.tr.f("core.hub.needs", &[("items", &names.join("; "))]),
            t.warn(),
        ));
    }
    let st = w.progress.status(item.id);
    if !item.owned_by_any(&roles) && !st.is_resolved() {
        let owner = owner_text(w, item);
        detail.push(Line::styled(
            w.tr.f("core.hub.waiting", &[("role", &owner)]),
            t.dim(),
        ));
    }
    if let Some(by) = super::handoff::done_by(w, item.id) {
        detail.push(Line::raw(by));
    }
    if let Some(reason) = w
        .progress
        .items
        .get(&item.id)
        .and_then(|p| p.reason.as_deref())
    {
        detail.push(Line::raw(w.tr.f("core.hub.reason", &[("reason", &reason)])));
    }
    let title = fit(
        w.tr.t(&item.title_key()),
        detail_area.width.saturating_sub(4) as usize,
    );
    let block = super::text_panel(&title, false, t);
    let detail = super::wrap_lines(&detail, usize::from(detail_area.width.saturating_sub(3)));
    f.render_widget(Paragraph::new(detail).block(block), detail_area);
}
