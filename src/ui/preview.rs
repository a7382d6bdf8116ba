//! The Action Field Sync preview: the 13 fields as a sortable, filterable table (live
//! annotations once `marketo-sync-fields` has run), the documented sync facts and the
//! first-sync calculator.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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
    // Below the table at 80 columns: the calculator and its warnings whole, then the facts
    // (the table gives up rows first, it scrolls).
    let facts = facts_lines(w, p, t);
    let side_w = if wide { 46 } else { area.width };
    let facts_wrapped = super::wrap_lines(&facts, usize::from(side_w.saturating_sub(3)));
    let must = super::wrap_lines(
        &facts[..facts.len() - fields::SYNC_FACT_KEYS.len()],
        usize::from(side_w.saturating_sub(3)),
    )
    .len();
    let header_rows = header_lines(
        w,
        p,
        &column_widths(w, &rows, usize::from(area.width.saturating_sub(2))),
    )
    .len();
    let want_table = view.len().max(1) + 2 + header_rows;
    let room = usize::from(area.height.saturating_sub(1));
    let facts_min = (must + 2).max(3);
    let table_h = want_table
        .min(room.saturating_sub(facts_min))
        .max(header_rows + 3);
    let table_h = u16::try_from(table_h).unwrap_or(u16::MAX);
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
    let widths = column_widths(w, &rows, inner_w);
    let mut lines = header_lines(w, p, &widths);
    let head_n = lines.len();
    for l in &mut lines {
        for sp in &mut l.spans {
            sp.style = t.dim();
        }
    }
    let visible = usize::from(table_area.height.saturating_sub(2)).saturating_sub(head_n);
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
            .map(|(c, cw)| {
                let mut text = c.cell(row, tr);
                // Not from the instance: the catalog's inference, marked (see the legend).
                if !row.from_instance && matches!(c, Column::ApiName | Column::Type) {
                    text.push('*');
                }
                Span::styled(format!("{} ", pad(&text, *cw)), style)
            })
            .collect();
        lines.push(Line::from(cells));
    }
    if view.is_empty() {
        lines.push(Line::styled(
            tr.t("checks.tui.preview-no-match").to_string(),
            t.dim(),
        ));
    }
    let filter_title = if p.mode == PreviewMode::Filter {
        format!(
            " / {} ",
            field_view(p.filter.value(), p.filter.cursor(), 30)
        )
    } else if !p.filter.value().is_empty() {
        // Not typing: the filter without a cursor.
        format!(" / {} ", crate::present::fit(p.filter.value(), 30))
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

    // Facts and calculator, below (80 columns) or beside (wide); they scroll with the
    // table's rows when they do not fit.
    let facts_area = if wide { side } else { bottom };
    let inner_h = usize::from(facts_area.height.saturating_sub(2));
    let hidden = facts_wrapped.len().saturating_sub(inner_h);
    let mut title = tr.t("checks.tui.facts-title").to_string();
    if hidden > 0 {
        title.push_str(&format!(
            " · {}",
            tr.f(
                "screens.step.lines",
                &[("from", &1), ("to", &inner_h), ("of", &facts_wrapped.len())]
            )
        ));
    }
    f.render_widget(
        Paragraph::new(facts_wrapped).block(super::text_panel(
            &title,
            p.mode == PreviewMode::Calc,
            t,
        )),
        facts_area,
    );
}

/// The calculator, its estimate and warnings (must be seen), the legend of `*`, then the
/// documented facts.
fn facts_lines(w: &Wizard, p: &Preview, t: Theme) -> Vec<Line<'static>> {
    let tr = &w.tr;
    let mut facts = Vec::new();
    let calc_label = tr.t("fields.calc.prompt");
    let calc_style = if p.mode == PreviewMode::Calc {
        t.selected()
    } else {
        t.key()
    };
    let shown = if p.mode == PreviewMode::Calc {
        field_view(p.head_count.value(), p.head_count.cursor(), 14)
    } else {
        crate::present::fit(p.head_count.value(), 14)
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
    if w.preview_rows().iter().any(|r| !r.from_instance) {
        facts.push(Line::styled(
            format!("* {}", tr.t("screens.preview.inferred")),
            t.dim(),
        ));
    }
    for key in fields::SYNC_FACT_KEYS {
        facts.push(Line::raw(format!("- {}", tr.t(key))));
    }
    facts
}

/// The header: each column's number set apart from its name ("1 Field"), wrapped onto a
/// second row rather than cut mid-word.
fn header_lines(w: &Wizard, p: &Preview, widths: &[usize]) -> Vec<Line<'static>> {
    let tr = &w.tr;
    let cells: Vec<Vec<String>> = Column::ALL
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(i, (c, cw))| {
            let mut label = format!("{} {}", i + 1, tr.t(c.label_key()));
            if p.sort.is_some_and(|k| k.column == *c) {
                label.push(if p.sort.is_some_and(|k| k.dir == SortDir::Asc) {
                    '↑'
                } else {
                    '↓'
                });
            }
            crate::present::wrap(&label, *cw)
        })
        .collect();
    let rows = cells.iter().map(Vec::len).max().unwrap_or(1).min(2);
    (0..rows)
        .map(|r| {
            let spans: Vec<Span<'static>> = cells
                .iter()
                .zip(widths)
                .map(|(c, cw)| {
                    let text = if r + 1 == rows && c.len() > rows {
                        c[r..].join(" ")
                    } else {
                        c.get(r).cloned().unwrap_or_default()
                    };
                    Span::raw(format!("{} ", pad(&text, *cw)))
                })
                .collect();
            Line::from(spans)
        })
        .collect()
}

/// Column widths (cells) that fill `inner` with one space between columns: each as wide as
/// its longest value (and the longest word of its header); when that is too wide, the
/// display-name, then the API-name column give way first, the field names last.
fn column_widths(w: &Wizard, rows: &[fields::PreviewRow], inner: usize) -> Vec<usize> {
    let tr = &w.tr;
    let need: Vec<usize> = Column::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let values = rows
                .iter()
                .map(|r| width(&c.cell(r, tr)) + 1)
                .max()
                .unwrap_or(1);
            let label = format!("{} {}", i + 1, tr.t(c.label_key()));
            let word = label.split(' ').map(width).max().unwrap_or(1) + 2;
            values.max(word).max(3)
        })
        .collect();
    let mut widths = need.clone();
    let spaces = Column::ALL.len();
    let total = |v: &[usize]| v.iter().sum::<usize>() + spaces;
    // Give way in this order, down to these floors.
    for (col, floor) in [
        (0usize, 22usize),
        (4, 12),
        (1, 12),
        (4, 8),
        (1, 10),
        (0, 12),
    ] {
        while total(&widths) > inner && widths[col] > floor {
            widths[col] -= 1;
        }
    }
    // Room left: back to what each needs, the rest to the names.
    for col in [1usize, 4, 0] {
        let extra = inner.saturating_sub(total(&widths));
        widths[col] += extra.min(need[col].saturating_sub(widths[col]));
    }
    let extra = inner.saturating_sub(total(&widths));
    widths[0] += extra;
    widths
}

/// The spinner frame (ASCII, so it never changes width).
#[must_use]
pub fn spinner(w: &Wizard) -> &'static str {
    ["|", "/", "-", "\\"][w.spinner % 4]
}
