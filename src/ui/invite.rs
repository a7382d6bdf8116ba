//! The individual invite form and the CSV invite screens (pick, loading, intake, mapping,
//! validation grid, plan, done). The grid builds only the rows on screen, so a frame costs the
//! same for a thousand rows or a million.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

use super::theme::Theme;
use super::{centered, clear, field_view, panel, text_panel};
use crate::csv_text;
use crate::domain::csv_intake::{Confidence, Field, Intake, RowReader, RowStatus};
use crate::domain::text::Catalog;
use crate::present::{fit, pad, width};
use crate::wizard::Wizard;
use crate::wizard::csvflow::{
    Checked, CsvFlow, Finding, GridStage, IntakeRow, IntakeStage, IntakeValue, Job, LoadingStage,
    MappingStage, Message, PickStage, PlanRow, PlanStage, Stage, intake_values, uncertain,
};
use crate::wizard::individual::{AddressProblem, Individual};
use crate::wizard::list::ListWindow;

fn input_line(value: &str, cursor: usize, focused: bool, cells: usize, t: Theme) -> Line<'static> {
    let shown = if focused {
        field_view(value, cursor, cells)
    } else {
        fit(value, cells)
    };
    let style = if focused { t.selected() } else { Style::new() };
    Line::from(vec![
        Span::styled("> ", t.key()),
        Span::styled(shown, style),
    ])
}

/// Draws the individual invite form.
pub fn render_individual(w: &Wizard, form: &Individual, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let inner = usize::from(area.width.saturating_sub(4));
    let parsed = w.individual_parsed(form);
    let valid: Vec<&str> = parsed
        .iter()
        .filter(|p| p.problem.is_none())
        .map(|p| p.address.as_str())
        .collect();
    let mut lines = vec![Line::styled(
        tr.t("csv.tui.ind-emails").to_string(),
        t.dim(),
    )];
    lines.push(input_line(
        form.emails.value(),
        form.emails.cursor(),
        form.cursor == 0,
        inner - 2,
        t,
    ));
    // Each address checked inline (the last few, so the newest stay visible).
    let shown: Vec<Span> = parsed
        .iter()
        .rev()
        .take(8)
        .rev()
        .flat_map(|p| {
            let (mark, style, why) = match p.problem {
                None => ("ok", t.info(), String::new()),
                Some(AddressProblem::Invalid(e)) => (
                    "x",
                    t.warn(),
                    format!(" ({})", tr.t(&format!("csv.email-problem.{}", e.as_str()))),
                ),
                Some(AddressProblem::Repeated) => {
                    ("=", t.dim(), format!(" ({})", tr.t("csv.tui.ind-repeated")))
                }
                Some(AddressProblem::AlreadyInvited) => {
                    ("=", t.dim(), format!(" ({})", tr.t("csv.tui.ind-already")))
                }
            };
            [Span::styled(
                format!("[{mark}]\u{a0}{}{why}  ", csv_text::safe(&p.address)),
                style,
            )]
        })
        .collect();
    lines.push(Line::from(shown));
    lines.push(Line::styled(tr.t("csv.tui.ind-teams").to_string(), t.dim()));
    lines.push(input_line(
        form.teams.value(),
        form.teams.cursor(),
        form.cursor == 1,
        inner - 2,
        t,
    ));
    lines.push(Line::styled(
        tr.t("csv.tui.ind-workspace").to_string(),
        t.dim(),
    ));
    lines.push(input_line(
        form.workspace.value(),
        form.workspace.cursor(),
        form.cursor == 2,
        inner - 2,
        t,
    ));
    lines.push(Line::raw(""));
    let teams = form.team_list();
    let team_text = if teams.is_empty() {
        tr.t("csv.tui.ind-everyone").to_string()
    } else {
        teams.join(", ")
    };
    lines.push(Line::styled(
        tr.f(
            "csv.tui.ind-summary",
            &[
                ("n", &valid.len()),
                ("teams", &team_text),
                ("workspace", &form.workspace.value().trim()),
            ],
        ),
        t.title(),
    ));
    lines.push(Line::styled(tr.t("csv.tui.ind-paste").to_string(), t.dim()));
    lines.push(Line::raw(fit(&valid.join(", "), inner)));
    let style = if form.cursor == 3 {
        t.selected()
    } else {
        t.key()
    };
    lines.push(Line::styled(
        format!("[ {} ]", tr.f("csv.tui.ind-record", &[("n", &valid.len())])),
        style,
    ));
    if let Some(e) = form.error {
        lines.push(Line::styled(tr.t(e).to_string(), t.warn()));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.ind-title"), true, t))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// A message from the CSV flow in the user's language; every value is made safe to show (paths
/// and cells come from files and from typing).
#[must_use]
pub fn message_text(tr: &Catalog, (key, args): Message) -> String {
    let safe: Vec<(&str, String)> = args
        .into_iter()
        .map(|(k, v)| (k, csv_text::safe(&v)))
        .collect();
    let args: Vec<(&str, &dyn std::fmt::Display)> = safe
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    tr.f(key, &args)
}

/// Draws the CSV flow.
pub fn render_csv(w: &Wizard, flow: &CsvFlow, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let kind: &'static str = flow.kind().into();
    let stage_word = tr.t(&format!("csv.tui.stage.{kind}"));
    let file = if flow.path.value().is_empty() {
        String::new()
    } else {
        format!(" · {}", csv_text::safe(flow.path.value()))
    };
    let mut head_line = vec![
        Span::styled(
            format!(" {} · {stage_word}", tr.t("csv.tui.title")),
            t.title(),
        ),
        Span::styled(file, t.dim()),
    ];
    if let Some(n) = flow.notice {
        let text = message_text(tr, n.message());
        head_line.push(Span::styled(format!(" · {text}"), t.warn()));
    }
    f.render_widget(Paragraph::new(Line::from(head_line)), head);
    match &flow.stage {
        Stage::Pick(st) => pick(w, flow, st, f, body, t),
        Stage::Loading(st) => loading(w, st, f, body, t),
        Stage::Intake(st) => intake(w, st, f, body, t),
        Stage::Mapping(st) => mapping(w, st, f, body, t),
        Stage::Grid(st) => grid(w, st, f, body, t),
        Stage::Plan(st) => plan(w, flow, st, f, body, t),
        Stage::Done(st) => done(w, &st.exported, f, body, t),
    }
}

fn pick(w: &Wizard, flow: &CsvFlow, st: &PickStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let inner = usize::from(area.width.saturating_sub(4));
    let mut lines = vec![
        Line::raw(tr.t("csv.tui.pick-prompt").to_string()),
        input_line(flow.path.value(), flow.path.cursor(), true, inner - 2, t),
    ];
    if let Some(e) = &st.error {
        lines.push(Line::styled(message_text(tr, e.message()), t.warn()));
    }
    let room = usize::from(area.height.saturating_sub(6));
    for c in st.completions.iter().take(room) {
        lines.push(Line::styled(format!("  {}", csv_text::safe(c)), t.dim()));
    }
    if st.completions.len() > room {
        lines.push(Line::styled(
            tr.f("csv.tui.more", &[("n", &st.completions.len())]),
            t.dim(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(tr.t("csv.tui.pick-hint").to_string(), t.dim()));
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.pick-title"), true, t))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn loading(w: &Wizard, st: &LoadingStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let r = st.running;
    let key = match r.job {
        Job::Sample => "csv.tui.loading-sample",
        Job::Validate => "csv.tui.loading-validate",
        Job::Export => "csv.tui.loading-export",
    };
    let rect = centered(area, area.width.min(70), 6);
    let ratio = match r.total {
        Some(total) if total > 0 => (r.bytes as f64 / total as f64).clamp(0.0, 1.0),
        _ => 0.0,
    };
    let [label, gauge, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(2),
    ])
    .areas(rect);
    let text = tr.f(
        key,
        &[("rows", &crate::domain::fields::group_thousands(r.rows))],
    );
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), label);
    f.render_widget(
        Gauge::default()
            .gauge_style(t.focus())
            .ratio(ratio)
            .label(format!("{:.0}%", ratio * 100.0)),
        gauge,
    );
    f.render_widget(
        Paragraph::new(Line::styled(
            tr.t("csv.tui.loading-hint").to_string(),
            t.dim(),
        )),
        hint,
    );
}

/// The text of an intake choice.
fn intake_value_text(w: &Wizard, v: IntakeValue) -> String {
    let tr = &w.tr;
    match v {
        IntakeValue::Encoding(e) => e.name().to_string(),
        IntakeValue::Delimiter(d) => csv_text::delimiter_text(tr, d),
        IntakeValue::Header(Some(l)) => tr.f("csv.tui.header-line", &[("line", &l)]),
        IntakeValue::Header(None) => tr.t("csv.tui.header-none").to_string(),
    }
}

const INTAKE_LABELS: [&str; 3] = [
    "csv.tui.row-encoding",
    "csv.tui.row-delimiter",
    "csv.tui.row-header",
];

fn intake(w: &Wizard, st: &IntakeStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let i = &st.view.reading.intake;
    let enc = &i.encoding;
    // Under the three rows: the error, or the warning that the encoding is a guess, wrapped.
    let note = match &st.error {
        Some(e) => Some(message_text(tr, e.message())),
        None if uncertain(enc) => Some(tr.t("csv.tui.check-names").to_string()),
        None => None,
    };
    let note_h = note.as_deref().map_or(1, |n| {
        wrapped_height(n, usize::from(area.width.saturating_sub(3))).clamp(1, 3)
    });
    let [rows_area, preview_area] = Layout::vertical([
        Constraint::Length(5 + u16::try_from(note_h).unwrap_or(1)),
        Constraint::Min(3),
    ])
    .areas(area);
    let enc_text = format!(
        "{} ({}, {})",
        enc.encoding.name(),
        tr.t(&format!("csv.encoding-source.{}", enc.source.as_str())),
        tr.f(
            "csv.tui.certainty",
            &[("c", &csv_text::certainty(tr, enc.certainty))]
        )
    );
    let header_text = match i.header_row {
        Some(l) => tr.f("csv.tui.header-line", &[("line", &l)]),
        None => tr.t("csv.tui.header-none").to_string(),
    };
    let values = [
        enc_text,
        csv_text::delimiter_text(tr, i.dialect.delimiter),
        header_text,
    ];
    let lw = INTAKE_LABELS
        .iter()
        .map(|k| width(tr.t(k)))
        .max()
        .unwrap_or(10)
        + 1;
    let focused = st.view.row as usize;
    let mut lines: Vec<Line> = INTAKE_LABELS
        .iter()
        .zip(values)
        .enumerate()
        .map(|(n, (k, v))| {
            let style = if n == focused {
                t.selected()
            } else {
                Style::new()
            };
            let v_style = if n == 0 && uncertain(enc) {
                t.warn()
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(format!("{} ", pad(tr.t(k), lw)), style),
                Span::styled(v, v_style),
            ])
        })
        .collect();
    if let Some(n) = note {
        lines.push(Line::styled(n, t.warn()));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.intake-title"), true, t))
            .wrap(Wrap { trim: false }),
        rows_area,
    );

    // The first rows, as they will be read.
    let inner_w = usize::from(preview_area.width.saturating_sub(2));
    let ncols = i.columns.len().clamp(1, 6);
    let cw = (inner_w / ncols).saturating_sub(1).max(4);
    let mut lines = Vec::new();
    let header: Vec<Span> = (0..ncols)
        .map(|c| {
            let name = i.column_name(c).map_or_else(
                || tr.f("csv.column.unnamed", &[("index", &(c + 1))]),
                csv_text::safe,
            );
            Span::styled(format!("{} ", pad(&name, cw)), t.title())
        })
        .collect();
    lines.push(Line::from(header));
    for r in i
        .preview
        .iter()
        .take(usize::from(preview_area.height.saturating_sub(3)))
    {
        let cells: Vec<Span> = (0..ncols)
            .map(|c| {
                Span::raw(format!(
                    "{} ",
                    pad(
                        &csv_text::safe(r.cells.get(c).map_or("", String::as_str))
                            .replace("\\n", "⏎"),
                        cw
                    )
                ))
            })
            .collect();
        lines.push(Line::from(cells));
    }
    let title = tr.f(
        "csv.tui.preview-title",
        &[("n", &i.preview.len()), ("cols", &i.columns.len())],
    );
    f.render_widget(
        Paragraph::new(lines).block(panel(&title, false, t)),
        preview_area,
    );

    if let Some(list) = &st.choosing {
        let items: Vec<String> = intake_values(i, st.view.row)
            .into_iter()
            .map(|v| intake_value_text(w, v))
            .collect();
        let title = tr.t(INTAKE_LABELS[match st.view.row {
            IntakeRow::Encoding => 0,
            IntakeRow::Delimiter => 1,
            IntakeRow::Header => 2,
        }]);
        choice_list(title, &items, list, f, area, t);
    }
}

/// Lines `text` takes when word-wrapped at `cells` (a word wider than a line is broken).
fn wrapped_height(text: &str, cells: usize) -> usize {
    let cells = cells.max(1);
    let (mut lines, mut used) = (1, 0);
    for word in text.split(' ') {
        let w = width(word);
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= cells {
            used = need;
        } else {
            lines += usize::from(used > 0) + w.saturating_sub(1) / cells;
            used = match w % cells {
                0 => cells,
                rest => rest,
            };
        }
    }
    lines
}

fn choice_list(
    title: &str,
    items: &[String],
    list: &ListWindow,
    f: &mut Frame,
    area: Rect,
    t: Theme,
) {
    let h = u16::try_from(items.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let wdt = items
        .iter()
        .map(|s| width(s))
        .max()
        .unwrap_or(10)
        .max(width(title) + 4)
        + 6;
    let rect = centered(area, u16::try_from(wdt).unwrap_or(60).min(area.width), h);
    let visible = usize::from(h.saturating_sub(2));
    let shown = list.scroll_to_cursor(visible, items.len());
    let lines: Vec<Line> = items[shown.clone()]
        .iter()
        .zip(shown)
        .map(|(s, n)| {
            let style = if n == list.cursor() {
                t.selected()
            } else {
                Style::new()
            };
            Line::styled(format!(" {} ", fit(s, wdt - 4)), style)
        })
        .collect();
    clear(f, rect);
    f.render_widget(Paragraph::new(lines).block(panel(title, true, t)), rect);
}

fn column_text(w: &Wizard, i: &Intake, column: usize) -> String {
    let name = i.column_name(column).map_or_else(
        || w.tr.f("csv.column.unnamed", &[("index", &(column + 1))]),
        csv_text::safe,
    );
    format!("{name} ({})", column + 1)
}

fn mapping(w: &Wizard, st: &MappingStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let (i, m) = (&st.intake.reading.intake, &st.view.mapping);
    let inner = usize::from(area.width.saturating_sub(3));
    let fw = Field::ALL
        .iter()
        .map(|fl| width(csv_text::field_name(tr, *fl)))
        .max()
        .unwrap_or(10)
        + 2;
    let colw = (inner / 4).max(12);
    let confw = 18usize.min(inner / 5);
    let samplew = inner.saturating_sub(fw + colw + confw + 5);
    let mut lines = vec![Line::styled(
        format!(
            "  {} {} {} {}",
            pad(tr.t("csv.tui.col-field"), fw),
            pad(tr.t("csv.tui.col-column"), colw),
            pad(tr.t("csv.tui.col-confidence"), confw),
            tr.t("csv.tui.col-samples")
        ),
        t.dim(),
    )];
    for field in Field::ALL {
        let mapped = m.get(field);
        let mut name = csv_text::field_name(tr, field).to_string();
        if field == Field::Email {
            name.push_str(" *");
        }
        let (col, conf, samples, conf_style) = match mapped {
            Some(mp) => {
                let s = i
                    .samples(mp.column, 3)
                    .into_iter()
                    .map(csv_text::safe)
                    .collect::<Vec<_>>()
                    .join(", ");
                let style = if mp.confidence == Confidence::Fuzzy {
                    t.warn()
                } else {
                    Style::new()
                };
                (
                    column_text(w, i, mp.column),
                    csv_text::confidence(tr, mp.confidence).to_string(),
                    s,
                    style,
                )
            }
            None => ("—".to_string(), String::new(), String::new(), t.dim()),
        };
        let sel = field == st.view.field;
        let base = if sel { t.selected() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(if sel { "> " } else { "  " }, base),
            Span::styled(format!("{} ", pad(&name, fw)), base),
            Span::styled(format!("{} ", pad(&col, colw)), base),
            Span::styled(format!("{} ", pad(&conf, confw)), conf_style.patch(base)),
            Span::styled(fit(&samples, samplew), t.dim().patch(base)),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(basis) = m.email_basis {
        let why = tr.t(&format!("csv.basis.{}", basis.as_str())).to_string();
        let column = m
            .get(Field::Email)
            .map(|mp| column_text(w, i, mp.column))
            .unwrap_or_default();
        lines.push(Line::styled(
            tr.f("csv.tui.email-basis", &[("column", &column), ("why", &why)]),
            t.dim(),
        ));
    }
    for note in &m.email_notes {
        let name = i
            .column_name(note.column)
            .map_or_else(String::new, csv_text::safe);
        let reason = tr
            .t(&format!("csv.passed.{}", note.reason.as_str()))
            .to_string();
        let text = tr.f(
            "csv.passed.row",
            &[
                ("column", &name),
                ("index", &(note.column + 1)),
                ("reason", &reason),
            ],
        );
        lines.push(Line::styled(text, t.dim()));
    }
    if let Some(e) = &st.error {
        lines.push(Line::styled(message_text(tr, e.message()), t.warn()));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.mapping-title"), true, t))
            .wrap(Wrap { trim: false }),
        area,
    );
    if let Some(list) = &st.choosing {
        let mut items: Vec<String> = (0..i.columns.len())
            .map(|c| {
                let s = i
                    .samples(c, 2)
                    .into_iter()
                    .map(csv_text::safe)
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{} · {}", column_text(w, i, c), s)
            })
            .collect();
        items.push(tr.t("csv.tui.map-none").to_string());
        choice_list(
            csv_text::field_name(tr, st.view.field),
            &items,
            list,
            f,
            area,
            t,
        );
    }
}

fn counts_line(w: &Wizard, c: &Checked, t: Theme) -> Line<'static> {
    let tr = &w.tr;
    let r = &c.report.0;
    let counts = r.counts;
    let seats = r.seats;
    let seat_style = if seats.ok { t.info() } else { t.warn() };
    Line::from(vec![
        Span::raw(tr.f(
            "csv.tui.counts",
            &[
                ("rows", &counts.rows),
                ("valid", &counts.valid),
                ("invalid", &counts.invalid),
                ("duplicates", &counts.duplicates),
            ],
        )),
        Span::raw(" · "),
        Span::styled(
            tr.f(
                "csv.tui.seats",
                &[("needed", &seats.needed), ("available", &seats.available)],
            ),
            seat_style,
        ),
    ])
}

/// The validation grid: only the visible rows are decoded and built.
pub fn grid(w: &Wizard, st: &GridStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let c = &st.checked;
    let (r, text, i) = (&c.report.0, &c.text.0, &st.intake.reading.intake);
    let file_issues = r.file_issues.len().min(3);
    // A running search, or one that found nothing, says so under the table.
    // The search text is the user's own: clipped first, so the verdict itself always shows.
    let needle = fit(&csv_text::safe(c.search.value()), 24);
    let find_text = match c.find {
        Finding::Idle => None,
        Finding::Running { looked, .. } => Some(tr.f(
            "csv-search.running",
            &[
                ("text", &needle),
                ("done", &looked),
                ("total", &c.view_len()),
            ],
        )),
        Finding::NoMatch => Some(tr.f("csv-search.none", &[("text", &needle)])),
    };
    let [counts, table, find, issues] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(u16::from(find_text.is_some())),
        Constraint::Length(u16::try_from(file_issues).unwrap_or(0)),
    ])
    .areas(area);
    if let Some(text) = find_text {
        f.render_widget(
            Paragraph::new(Line::styled(fit(&text, usize::from(find.width)), t.warn())),
            find,
        );
    }
    f.render_widget(Paragraph::new(counts_line(w, c, t)), counts);

    let inner = usize::from(table.width.saturating_sub(2));
    let visible = usize::from(table.height.saturating_sub(3));
    let n = c.view_len();
    let shown = c.rows.scroll_to_cursor(visible, n);
    let (linew, statw) = (7usize, 10usize);
    let emailw = (inner.saturating_sub(linew + statw + 3)) * 2 / 5;
    let reasonw = inner.saturating_sub(linew + statw + emailw + 3);
    let email_col = st.mapping.mapping.get(Field::Email).map(|m| m.column);
    let mut lines = Vec::with_capacity(visible + 1);
    lines.push(Line::styled(
        format!(
            "{} {} {} {}",
            pad(tr.t("csv.tui.col-line"), linew),
            pad(tr.t("csv.tui.col-status"), statw),
            pad(tr.t("csv.tui.col-email"), emailw),
            tr.t("csv.tui.col-reason")
        ),
        t.dim(),
    ));
    let mut reader = RowReader::new(i.dialect.delimiter);
    for pos in shown {
        let Some(idx) = c.view_row(pos) else { break };
        let row = r.rows[idx];
        let cells = reader.cells(text, row.offset);
        let email = email_col
            .and_then(|col| cells.get(col))
            .map_or("", |s| s.as_str());
        let reason = r
            .issues_at(row.line)
            .first()
            .map(|is| csv_text::issue_message(tr, is, i))
            .unwrap_or_default();
        let (word, style) = match row.status {
            RowStatus::Ok if row.reason.is_some() => (
                tr.t("csv.tui.status-warn"),
                t.status(crate::domain::progress::Status::InProgress),
            ),
            RowStatus::Ok => (tr.t("csv.tui.status-ok"), Style::new()),
            RowStatus::Invalid => (tr.t("csv.tui.status-invalid"), t.warn()),
            RowStatus::Duplicate => (tr.t("csv.tui.status-duplicate"), t.dim()),
        };
        let selected = pos == c.rows.cursor();
        let base = if selected { t.selected() } else { Style::new() };
        lines.push(Line::from(vec![
            // The marker keeps the selection visible without colour (NO_COLOR, monochrome).
            Span::styled(if selected { ">" } else { " " }, base),
            Span::styled(format!("{} ", pad(&row.line.to_string(), linew - 1)), base),
            Span::styled(format!("{} ", pad(word, statw)), style.patch(base)),
            Span::styled(format!("{} ", pad(&csv_text::safe(email), emailw)), base),
            Span::styled(fit(&reason, reasonw), base),
        ]));
    }
    let mut title = if c.problems_only {
        tr.f("csv.tui.grid-title-problems", &[("n", &n)])
    } else {
        tr.f("csv.tui.grid-title", &[("n", &n)])
    };
    if c.searching || !c.search.value().is_empty() {
        title.push_str(&format!(
            " · / {}",
            field_view(c.search.value(), c.search.cursor(), 24)
        ));
    }
    f.render_widget(Paragraph::new(lines).block(panel(&title, true, t)), table);
    let lines: Vec<Line> = r
        .file_issues
        .iter()
        .take(3)
        .map(|is| {
            Line::styled(
                fit(
                    &csv_text::issue_message(tr, is, i),
                    usize::from(issues.width),
                ),
                t.warn(),
            )
        })
        .collect();
    f.render_widget(Paragraph::new(lines), issues);
}

fn plan(w: &Wizard, flow: &CsvFlow, st: &PlanStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let r = &st.grid.checked.report.0;
    let (out, report) = (&flow.choices.out, &flow.choices.report);
    let inner = usize::from(area.width.saturating_sub(4));
    let already = r.counts.valid.saturating_sub(r.seats.needed);
    let mut lines = vec![
        counts_line(w, &st.grid.checked, t),
        Line::raw(tr.f("csv.tui.plan-already", &[("n", &already)])),
        Line::styled(
            tr.f("csv.tui.plan-new", &[("n", &r.seats.needed)]),
            t.title(),
        ),
        Line::raw(""),
        Line::styled(tr.t("csv.tui.plan-out").to_string(), t.dim()),
        input_line(
            out.value(),
            out.cursor(),
            st.row == PlanRow::Out,
            inner - 2,
            t,
        ),
        Line::styled(tr.t("csv.tui.plan-report").to_string(), t.dim()),
        input_line(
            report.value(),
            report.cursor(),
            st.row == PlanRow::Report,
            inner - 2,
            t,
        ),
        Line::raw(""),
    ];
    let style = if st.row == PlanRow::Confirm {
        t.selected()
    } else {
        t.key()
    };
    lines.push(Line::styled(
        format!(
            "[ {} ]",
            tr.f("csv.tui.plan-confirm", &[("n", &r.seats.needed)])
        ),
        style,
    ));
    lines.push(Line::styled(tr.t("csv.tui.plan-note").to_string(), t.dim()));
    if let Some(e) = &st.error {
        lines.push(Line::styled(message_text(tr, e.message()), t.warn()));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.plan-title"), true, t))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn done(w: &Wizard, x: &crate::wizard::csvflow::Exported, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let headers: Vec<&str> = Field::ALL.iter().map(|f| f.clean_header()).collect();
    let lines = vec![
        Line::styled(
            tr.f(
                "csv.tui.done-wrote",
                &[("path", &csv_text::safe(&x.clean)), ("n", &x.emails.len())],
            ),
            t.info(),
        ),
        Line::raw(tr.f(
            "csv.tui.done-report",
            &[("path", &csv_text::safe(&x.report))],
        )),
        Line::raw(tr.f("csv.tui.done-recorded", &[("n", &x.emails.len())])),
        Line::raw(""),
        Line::styled(tr.t("csv.tui.done-next").to_string(), t.title()),
        Line::from(vec![
            Span::styled("Settings", t.label()),
            Span::raw(" → "),
            Span::styled("User Management", t.label()),
            Span::raw(" → "),
            Span::styled("Actions", t.label()),
            Span::raw(" → "),
            Span::styled("Invite Users via CSV", t.label()),
            Span::raw(" → "),
            Span::styled("Next", t.label()),
            Span::raw(" → "),
            Span::styled("Invite", t.label()),
        ]),
        Line::raw(tr.f("csv.tui.done-columns", &[("columns", &headers.join(", "))])),
        Line::styled(tr.t("csv.tui.done-seats").to_string(), t.dim()),
    ];
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.done-title"), true, t))
            .wrap(Wrap { trim: false }),
        area,
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::domain::text::Lang;
    use crate::wizard::csvflow::{CsvJobError, FlowError};

    #[test]
    fn messages_come_from_the_catalog_with_every_value_made_safe() {
        let tr = Catalog::load(Lang::Ko).unwrap();
        let e = FlowError::Job(CsvJobError::read(
            "a\u{1b}[2Jb.csv",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
        let text = message_text(&tr, e.message());
        assert_eq!(
            text,
            tr.f("csv.tui.err-not-found", &[("path", &"a\\u{1b}[2Jb.csv")])
        );
        assert!(!text.contains('\u{1b}'), "{text}");
        let e = CsvJobError::rows(
            "u.csv",
            crate::domain::csv_intake::ValidateError::RowTooLong { line: 12 },
        );
        let text = message_text(&tr, e.message());
        assert!(text.contains("u.csv") && text.contains("12"), "{text}");
        assert!(
            !text.contains("longer than"),
            "said in Korean, not in English: {text}"
        );
    }
}
