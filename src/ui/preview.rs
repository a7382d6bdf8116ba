//! The Action Field Sync preview: the 13 fields as a sortable, filterable table (live
//! annotations once `marketo-sync-fields` has run), the documented sync facts and the
//! first-sync calculator.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::field_view;
use super::theme::Theme;
use crate::domain::checks::CheckId;
use crate::domain::fields::{self, Column, SortDir};
use crate::present::{pad, width};
use crate::wizard::Wizard;
use crate::wizard::preview::{Preview, PreviewMode};

/// Draws the preview screen.
pub fn render(w: &Wizard, p: &Preview, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let rows = w.preview_rows();
    let view = fields::view(&rows, p.sort, p.filter.value());
    let wide = area.width >= 130;
    let [main, side] = if wide {
        Layout::horizontal([Constraint::Min(80), Constraint::Length(46)]).areas(area)
    } else {
        [area, Rect::default()]
    };
    let table_h = u16::try_from(view.len().max(1) + 3).unwrap_or(u16::MAX);
    let [title, table_area, bottom] = if wide {
        Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(0),
        ])
        .areas(main)
    } else {
        Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(table_h),
            Constraint::Min(3),
        ])
        .areas(main)
    };

    // Title: live state, sort, filter.
    let live = match w.progress.checks.get(&CheckId::MarketoSyncFields) {
        _ if w.is_running(CheckId::MarketoSyncFields) => {
            format!("{} {}", spinner(w), tr.t("checks.tui.running"))
        }
        Some(o) => tr.f(
            "checks.tui.preview-live",
            &[
                ("status", &tr.t(o.status.label_key())),
                (
                    "when",
                    &o.finished_at
                        .map(|ts| crate::present::short_time(ts, &w.tz))
                        .unwrap_or_default(),
                ),
            ],
        ),
        None => super::keyed(w, "checks.tui.preview-offline"),
    };
    let mut spans = vec![
        Span::styled(format!(" {} ", tr.t("checks.tui.preview-title")), t.title()),
        Span::styled(format!("· {live}"), t.dim()),
    ];
    if let Some(k) = p.sort {
        let arrow = if k.dir == SortDir::Asc { "↑" } else { "↓" };
        spans.push(Span::styled(
            format!(" · {} {arrow}", tr.t(k.column.label_key())),
            t.dim(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), title);

    // Table.
    let inner_w = usize::from(table_area.width.saturating_sub(2));
    let widths = column_widths(w, inner_w);
    let header: Vec<Span> = Column::ALL
        .iter()
        .zip(&widths)
        .enumerate()
        .map(|(i, (c, cw))| {
            let mut label = format!("{}{}", i + 1, tr.t(c.label_key()));
            if p.sort.is_some_and(|k| k.column == *c) {
                label.push(if p.sort.is_some_and(|k| k.dir == SortDir::Asc) {
                    '↑'
                } else {
                    '↓'
                });
            }
            Span::styled(format!("{} ", pad(&label, *cw)), t.dim())
        })
        .collect();
    let mut lines = vec![Line::from(header)];
    let visible = usize::from(table_area.height.saturating_sub(3));
    let shown = p.rows.scroll_to_cursor(visible, view.len());
    for (&i, n) in view[shown.clone()].iter().zip(shown) {
        let row = &rows[i];
        let missing = row.exists() == Some(false);
        let mut style = if missing { t.warn() } else { Style::new() };
        if n == p.rows.cursor() && p.mode == PreviewMode::Table {
            style = style.patch(t.selected());
        }
        let cells: Vec<Span> = Column::ALL
            .iter()
            .zip(&widths)
            .map(|(c, cw)| Span::styled(format!("{} ", pad(&c.cell(row, tr), *cw)), style))
            .collect();
        lines.push(Line::from(cells));
    }
    if view.is_empty() {
        lines.push(Line::styled(
            tr.t("checks.tui.preview-no-match").to_string(),
            t.dim(),
        ));
    }
    let filter_title = if p.mode == PreviewMode::Filter || !p.filter.value().is_empty() {
        format!(
            " / {} ",
            field_view(p.filter.value(), p.filter.cursor(), 30)
        )
    } else {
        format!(
            " {} ",
            tr.f(
                "checks.tui.preview-count",
                &[("shown", &view.len()), ("total", &rows.len())]
            )
        )
    };
    f.render_widget(
        Paragraph::new(lines).block(super::panel(
            filter_title.trim(),
            p.mode == PreviewMode::Filter,
            t,
        )),
        table_area,
    );

    // Facts and calculator, below (80 columns) or beside (wide).
    let facts_area = if wide { side } else { bottom };
    let mut facts = Vec::new();
    let calc_label = tr.t("fields.calc.prompt");
    let shown = field_view(p.head_count.value(), p.head_count.cursor(), 14);
    let calc_style = if p.mode == PreviewMode::Calc {
        t.selected()
    } else {
        t.key()
    };
    facts.push(Line::from(vec![
        Span::raw(format!("{calc_label} ")),
        Span::styled(format!("[{shown}]"), calc_style),
    ]));
    if !p.head_count.value().trim().is_empty() {
        match fields::parse_head_count(p.head_count.value()) {
            Ok(n) => {
                let est = fields::estimate_first_sync(n);
                for (k, line) in fields::render_estimate(tr, &est).into_iter().enumerate() {
                    let style = if k > 0 { t.warn() } else { t.info() };
                    facts.push(Line::styled(line, style));
                }
            }
            Err(e) => facts.push(Line::styled(tr.t(e.key()).to_string(), t.warn())),
        }
    }
    for key in fields::SYNC_FACT_KEYS {
        facts.push(Line::raw(format!("- {}", tr.t(key))));
    }
    let _border = if p.mode == PreviewMode::Calc {
        t.focus()
    } else {
        Style::new()
    };
    f.render_widget(
        Paragraph::new(facts)
            .wrap(Wrap { trim: false })
            .block(super::text_panel(
                tr.t("checks.tui.facts-title"),
                p.mode == PreviewMode::Calc,
                t,
            )),
        facts_area,
    );
}

/// Column widths (cells) that fill `inner` with one space between columns.
fn column_widths(w: &Wizard, inner: usize) -> Vec<usize> {
    let tr = &w.tr;
    let label = |c: Column| width(tr.t(c.label_key())) + 2;
    let exists = label(Column::Exists).max(4);
    let crm = label(Column::CrmManaged).max(4);
    let ty = label(Column::Type).max(9);
    let rest = inner.saturating_sub(exists + crm + ty + 6);
    let field = rest * 4 / 10;
    let api = rest * 3 / 10;
    let display = rest.saturating_sub(field + api);
    vec![field, api, ty, exists, display, crm]
}

/// The spinner frame (ASCII, so it never changes width).
#[must_use]
pub fn spinner(w: &Wizard) -> &'static str {
    ["|", "/", "-", "\\"][w.spinner % 4]
}
