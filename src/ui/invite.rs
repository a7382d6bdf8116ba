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
use crate::domain::csv_intake::{
    Confidence, Detail, EncodingSource, Field, Intake, Issue, IssueKind, RowClass, RowReader,
};
use crate::domain::progress::SeatsUsedSource;
use crate::domain::text::{self, Catalog};
use crate::present::{self, fit, pad, width};
use crate::wizard::Wizard;
use crate::wizard::csvflow::{
    Checked, CsvFlow, DoneStage, Finding, FlowError, GridStage, IntakeRow, IntakeStage,
    IntakeValue, Job, LoadingStage, MappingStage, Message, PickStage, PlanRow, PlanStage, Stage,
    intake_values, uncertain,
};
use crate::wizard::individual::{AddressProblem, Individual, RECORD_ROW, SEATS_ROW};
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
    let (workspace, defaulted) = form.workspace_or_default();
    if defaulted {
        lines.push(Line::styled(
            tr.t("invites.workspace-default").to_string(),
            t.info(),
        ));
    }
    lines.push(Line::styled(
        tr.t("invites.seats-used-label").to_string(),
        t.dim(),
    ));
    lines.push(input_line(
        form.seats_used.value(),
        form.seats_used.cursor(),
        form.cursor == SEATS_ROW,
        inner - 2,
        t,
    ));
    lines.push(Line::raw(seats_text(w)));
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
                ("workspace", &workspace),
            ],
        ),
        t.title(),
    ));
    lines.push(Line::styled(tr.t("csv.tui.ind-paste").to_string(), t.dim()));
    lines.push(Line::raw(fit(&valid.join(", "), inner)));
    let style = if form.cursor == RECORD_ROW {
        t.selected()
    } else {
        t.key()
    };
    lines.push(Line::styled(
        format!("[ {} ]", tr.f("csv.tui.ind-record", &[("n", &valid.len())])),
        style,
    ));
    if let Some(e) = &form.error {
        lines.push(Line::styled(e.detail().render(tr), t.warn()));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.ind-title"), true, t))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The seats line: used (and where the number comes from) and left.
#[must_use]
pub fn seats_text(w: &Wizard) -> String {
    let b = w.progress.seat_budget();
    let tr = &w.tr;
    match b.source {
        SeatsUsedSource::Set => tr.f(
            "invites.seats-set",
            &[("used", &b.used), ("total", &b.total), ("left", &b.left())],
        ),
        SeatsUsedSource::Counted {
            invited,
            admins,
            admins_known: true,
        } => tr.f(
            "invites.seats-counted",
            &[
                ("used", &b.used),
                ("total", &b.total),
                ("left", &b.left()),
                ("invited", &invited),
                ("admins", &admins),
            ],
        ),
        SeatsUsedSource::Counted { invited, .. } => tr.f(
            "invites.seats-counted-no-check",
            &[
                ("used", &b.used),
                ("total", &b.total),
                ("left", &b.left()),
                ("invited", &invited),
            ],
        ),
    }
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

/// A message held as a [`text::Detail`] in the user's language, every value (nested messages
/// included) made safe to print.
#[must_use]
pub fn detail_text(tr: &Catalog, d: &text::Detail) -> String {
    fn safe(d: &text::Detail) -> text::Detail {
        text::Detail {
            key: d.key.clone(),
            args: d
                .args
                .iter()
                .map(|(k, v)| (k.clone(), csv_text::safe(v)))
                .collect(),
            nested: d.nested.iter().map(|(k, n)| (k.clone(), safe(n))).collect(),
        }
    }
    safe(d).render(tr)
}

/// A CSV screen's problem in the user's language, the operating-system error included.
#[must_use]
pub fn error_text(tr: &Catalog, e: &FlowError) -> String {
    detail_text(tr, &e.message())
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
        Stage::Grid(st) => {
            grid(w, st, f, body, t);
            if st.checked.detail {
                row_detail(w, st, f, body, t);
            }
        }
        Stage::Plan(st) => plan(w, flow, st, f, body, t),
        Stage::Done(st) => done(w, st, f, body, t),
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
        lines.push(Line::styled(error_text(tr, e), t.warn()));
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
        Job::ReadSent => "invites.loading-sent",
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
fn intake_value_text(w: &Wizard, v: IntakeValue, i: Option<&Intake>) -> String {
    let tr = &w.tr;
    match v {
        IntakeValue::Encoding(e) => e.name().to_string(),
        IntakeValue::Delimiter(d) => csv_text::delimiter_text(tr, d),
        // Each line with its start, so the right one can be told apart.
        IntakeValue::Header(Some(l)) => match i.and_then(|i| i.line_cells(l)) {
            Some(cells) => {
                let start: Vec<String> = cells
                    .iter()
                    .map(|c| csv_text::safe(c.trim()))
                    .filter(|c| !c.is_empty())
                    .collect();
                tr.f(
                    "invites.header-line",
                    &[("line", &l), ("start", &start.join(", "))],
                )
            }
            None => tr.f("csv.tui.header-line", &[("line", &l)]),
        },
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
        Some(e) => Some(error_text(tr, e)),
        None if uncertain(enc) => Some(tr.t("csv.tui.check-names").to_string()),
        None => None,
    };
    let note_h = note.as_deref().map_or(1, |n| {
        crate::present::wrapped_height(n, usize::from(area.width.saturating_sub(3))).clamp(1, 3)
    });
    let [rows_area, preview_area] = Layout::vertical([
        Constraint::Length(5 + u16::try_from(note_h).unwrap_or(1)),
        Constraint::Min(3),
    ])
    .areas(area);
    // Chosen on this screen: "chosen by you" (the catalog's word is for --encoding).
    let source = if enc.source == EncodingSource::Override {
        tr.t("invites.chosen-by-you").to_string()
    } else {
        tr.t(&format!("csv.encoding-source.{}", enc.source.as_str()))
            .to_string()
    };
    let enc_text = format!(
        "{} ({}, {})",
        enc.encoding.name(),
        source,
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

    // The first rows, as they will be read: each column as wide as its longest value (whole
    // addresses), from the first column shown (`<` `>` scroll); as many as fit.
    let inner_w = usize::from(preview_area.width.saturating_sub(2));
    let total_cols = i.columns.len().max(1);
    let first_col = st.view.first_col.min(total_cols - 1);
    let col_name = |c: usize| {
        i.column_name(c).map_or_else(
            || tr.f("csv.column.unnamed", &[("index", &(c + 1))]),
            csv_text::safe,
        )
    };
    let col_width = |c: usize| {
        let cells = i.preview.iter().map(|r| {
            width(&csv_text::safe(r.cells.get(c).map_or("", String::as_str)).replace("\\n", "⏎"))
        });
        cells
            .chain([width(&col_name(c))])
            .max()
            .unwrap_or(4)
            .clamp(4, inner_w.saturating_sub(1).max(4))
    };
    let mut widths: Vec<(usize, usize)> = Vec::new();
    let mut used = 0;
    for c in first_col..total_cols {
        let cw = col_width(c);
        if !widths.is_empty() && used + cw + 1 > inner_w {
            break;
        }
        used += cw + 1;
        widths.push((c, cw));
    }
    let mut lines = Vec::new();
    let header: Vec<Span> = widths
        .iter()
        .map(|&(c, cw)| Span::styled(format!("{} ", pad(&col_name(c), cw)), t.title()))
        .collect();
    // Title rows above the header, dimmed: read, but not data.
    let room = usize::from(preview_area.height.saturating_sub(3));
    let skipped = i.skipped.len().min(room / 2);
    for r in i.skipped.iter().take(skipped) {
        let text: Vec<String> = r
            .cells
            .iter()
            .map(|c| csv_text::safe(c.trim()))
            .filter(|c| !c.is_empty())
            .collect();
        let tag = tr.t("invites.skipped-title");
        lines.push(Line::styled(
            fit(&format!("{}  ({tag})", text.join(", ")), inner_w),
            t.dim(),
        ));
    }
    lines.push(Line::from(header));
    for r in i.preview.iter().take(room - skipped) {
        let cells: Vec<Span> = widths
            .iter()
            .map(|&(c, cw)| {
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
    let mut title = tr.f(
        "csv.tui.preview-title",
        &[("n", &i.preview.len()), ("cols", &i.columns.len())],
    );
    if widths.len() < total_cols {
        let shown_to = widths.last().map_or(first_col, |&(c, _)| c);
        title.push_str(" · ");
        title.push_str(&tr.f(
            "invites.columns-shown",
            &[
                ("from", &(first_col + 1)),
                ("to", &(shown_to + 1)),
                ("n", &total_cols),
            ],
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(panel(&title, false, t)),
        preview_area,
    );

    if let Some(list) = &st.choosing {
        let items: Vec<String> = intake_values(i, st.view.row)
            .into_iter()
            .map(|v| intake_value_text(w, v, Some(i)))
            .collect();
        let title = tr.t(INTAKE_LABELS[match st.view.row {
            IntakeRow::Encoding => 0,
            IntakeRow::Delimiter => 1,
            IntakeRow::Header => 2,
        }]);
        choice_list(title, &items, list, f, area, t);
    }
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
    // No column looks like an address: said first, where the choice is made.
    if m.get(Field::Email).is_none() {
        lines.insert(
            0,
            Line::styled(tr.t("invites.no-email-column").to_string(), t.warn()),
        );
    }
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
        lines.push(Line::styled(error_text(tr, e), t.warn()));
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
            "invites.counts",
            &[
                ("rows", &counts.rows),
                ("valid", &counts.valid),
                ("warnings", &counts.warnings),
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
    // The file's own issues (an uncertain encoding, too many teams, too few seats) end with what
    // to do about them: wrapped rather than cut.
    let file_issue_text: Vec<String> = r
        .file_issues
        .iter()
        .take(3)
        .map(|is| csv_text::issue_message(tr, is, i))
        .collect();
    let file_issues = file_issue_lines(&file_issue_text, usize::from(area.width));
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
    // The counts wrap to a second line rather than lose the seats at the end.
    let counts_text = counts_line(w, c, t);
    let counts_h = if counts_text.width() > usize::from(area.width) {
        2
    } else {
        1
    };
    let [counts, table, find, issues] = Layout::vertical([
        Constraint::Length(counts_h),
        Constraint::Min(3),
        Constraint::Length(u16::from(find_text.is_some())),
        Constraint::Length(u16::try_from(file_issues.len()).unwrap_or(0)),
    ])
    .areas(area);
    if let Some(text) = find_text {
        f.render_widget(
            Paragraph::new(Line::styled(fit(&text, usize::from(find.width)), t.warn())),
            find,
        );
    }
    f.render_widget(
        Paragraph::new(counts_text).wrap(Wrap { trim: false }),
        counts,
    );

    let inner = usize::from(table.width.saturating_sub(2));
    let visible = usize::from(table.height.saturating_sub(3));
    let n = c.view_len();
    let shown = c.rows.scroll_to_cursor(visible, n);
    // Wide enough for the last line number, whole (1 000 000 and beyond).
    let last_line = r.rows.last().map_or(0, |row| row.line);
    let linew = (last_line.to_string().len() + 2).max(7);
    let statw = 10usize;
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
        // The cause of the row's main reason (the address is in its own column).
        let reason = r
            .issues_at(u64::from(row.line))
            .iter()
            .find(|is| Some(is.kind) == row.reason)
            .map(|is| cause(tr, is, i))
            .unwrap_or_default();
        let (word, style) = class_word(w, row.class(), t);
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
    let lines: Vec<Line> = file_issues
        .into_iter()
        .map(|l| Line::styled(l, t.warn()))
        .collect();
    f.render_widget(Paragraph::new(lines), issues);
}

/// Lines under the grid for the file's own issues, at most this many in all.
const FILE_ISSUE_LINES: usize = 4;

/// The file's own issues (at most three) as lines of `cells` cells: each on one line, and a
/// second line for the first ones that need it while [`FILE_ISSUE_LINES`] allows; what still
/// does not fit is cut with `…`.
fn file_issue_lines(messages: &[String], cells: usize) -> Vec<String> {
    let messages = messages.get(..messages.len().min(3)).unwrap_or_default();
    let mut spare = FILE_ISSUE_LINES.saturating_sub(messages.len());
    let mut out = Vec::new();
    for m in messages {
        let ranges = present::wrap_ranges(m, cells);
        let lines = if ranges.len() > 1 && spare > 0 {
            spare -= 1;
            2
        } else {
            1
        };
        for (k, range) in ranges.iter().take(lines).enumerate() {
            let text = if k + 1 == lines {
                // The last line shown holds the rest of the message.
                m.get(range.start..).unwrap_or_default()
            } else {
                m.get(range.clone()).unwrap_or_default()
            };
            out.push(fit(text, cells));
        }
    }
    out
}

/// The word and style of a row's class: the same [`RowClass`] the JSON and `report.csv` use.
fn class_word(w: &Wizard, class: RowClass, t: Theme) -> (&str, Style) {
    let tr = &w.tr;
    match class {
        RowClass::Warning => (
            tr.t("csv.tui.status-warn"),
            t.status(crate::domain::progress::Status::InProgress),
        ),
        RowClass::Ok => (tr.t("csv.tui.status-ok"), Style::new()),
        RowClass::Invalid => (tr.t("csv.tui.status-invalid"), t.warn()),
        RowClass::Duplicate => (tr.t("csv.tui.status-duplicate"), t.dim()),
    }
}

/// What an issue is about, without repeating the address (shown next to it in the grid).
fn cause(tr: &Catalog, is: &Issue, i: &Intake) -> String {
    match (&is.kind, &is.detail, is.field) {
        (IssueKind::InvalidEmail, Detail::Email { problem, .. }, _) => tr
            .t(&format!("csv.email-problem.{}", problem.as_str()))
            .to_string(),
        (IssueKind::Duplicate, Detail::DuplicateOf { line }, _) => {
            tr.f("invites.detail-duplicate", &[("line", line)])
        }
        (IssueKind::Whitespace, _, _) => tr.t("invites.cause-whitespace").to_string(),
        _ => csv_text::issue_message(tr, is, i),
    }
}

/// The selected row in full: every cell under its column name, and every reason.
fn row_detail(w: &Wizard, st: &GridStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let c = &st.checked;
    let (r, text, i) = (&c.report.0, &c.text.0, &st.intake.reading.intake);
    let Some(row) = c.view_row(c.rows.cursor()).and_then(|idx| r.rows.get(idx)) else {
        return;
    };
    let mut reader = RowReader::new(i.dialect.delimiter);
    let cells = reader.cells(text, row.offset);
    let (word, style) = class_word(w, row.class(), t);
    let mut lines = vec![Line::styled(
        tr.f("invites.detail-class", &[("class", &word)]),
        style,
    )];
    lines.push(Line::styled(
        tr.t("invites.detail-cells").to_string(),
        t.dim(),
    ));
    let names: Vec<String> = (0..cells.len().max(i.columns.len()))
        .map(|n| column_text(w, i, n))
        .collect();
    let namew = names.iter().map(|n| width(n)).max().unwrap_or(0).min(24);
    for (n, name) in names.iter().enumerate() {
        let value = cells.get(n).map_or_else(String::new, |v| csv_text::safe(v));
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", pad(name, namew)), t.label()),
            Span::raw(value),
        ]));
    }
    lines.push(Line::styled(
        tr.t("invites.detail-reasons").to_string(),
        t.dim(),
    ));
    let issues = r.issues_at(u64::from(row.line));
    if issues.is_empty() {
        lines.push(Line::raw(format!("  {}", tr.t("invites.detail-none"))));
    }
    for is in issues {
        let text = match (&is.kind, &is.detail) {
            (IssueKind::Duplicate, Detail::DuplicateOf { line }) => {
                tr.f("invites.detail-duplicate", &[("line", line)])
            }
            _ => csv_text::issue_message(tr, is, i),
        };
        let severity = tr.t(&format!("csv.severity.{}", is.severity().as_str()));
        let said = tr.f(
            "invites.detail-reason",
            &[("severity", &severity), ("text", &text)],
        );
        lines.push(Line::raw(format!("  {said}")));
    }
    let rect = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    clear(f, rect);
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(
                &tr.f("invites.detail-title", &[("line", &row.line)]),
                true,
                t,
            ))
            .wrap(Wrap { trim: false }),
        rect,
    );
}

fn plan(w: &Wizard, flow: &CsvFlow, st: &PlanStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let r = &st.grid.checked.report.0;
    let (out, report) = (&flow.choices.out, &flow.choices.report);
    let inner = usize::from(area.width.saturating_sub(4));
    let already = r.counts.valid.saturating_sub(r.seats.needed);
    let seats = w.progress.seat_budget();
    let budget = w.plan_budget(r);
    let mut lines = vec![counts_line(w, &st.grid.checked, t)];
    if already > 0 {
        lines.push(Line::raw(tr.f("csv.tui.plan-already", &[("n", &already)])));
    }
    lines.extend([
        Line::styled(
            tr.f("csv.tui.plan-new", &[("n", &r.seats.needed)]),
            t.title(),
        ),
        Line::styled(tr.t("invites.seats-used-label").to_string(), t.dim()),
        input_line(
            st.seats.value(),
            st.seats.cursor(),
            st.row == PlanRow::Seats,
            inner - 2,
            t,
        ),
        Line::raw(seats_text(w)),
    ]);
    // Over the budget: said before anything is written, with the choice.
    if let Ok(b) = budget
        && b.left_out > 0
    {
        lines.push(Line::styled(
            tr.f(
                "invites.plan-over",
                &[
                    ("n", &b.needed),
                    ("left", &seats.left()),
                    ("used", &seats.used),
                    ("total", &seats.total),
                ],
            ),
            t.warn(),
        ));
        lines.push(Line::raw(tr.f(
            "invites.plan-first",
            &[("left", &b.invite), ("rest", &b.left_out)],
        )));
        lines.push(Line::styled(
            format!("  {}", csv_text::safe(&flow.left_out_path())),
            t.label(),
        ));
        lines.push(Line::styled(
            tr.t("invites.plan-filter").to_string(),
            t.dim(),
        ));
    }
    if w.progress.team_budget().limit >= r.teams_with_recorded
        && st.grid.mapping.mapping.get(Field::Workspace).is_none()
    {
        lines.push(Line::styled(
            tr.t("invites.plan-workspace-default").to_string(),
            t.dim(),
        ));
    }
    lines.extend([
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
    ]);
    let style = if st.row == PlanRow::Confirm {
        t.selected()
    } else {
        t.key()
    };
    let confirm = match budget {
        Ok(b) if b.left_out > 0 => tr.f("invites.plan-confirm-first", &[("n", &b.invite)]),
        Ok(b) => tr.f("invites.plan-confirm", &[("n", &b.invite)]),
        Err(_) => tr.f("invites.plan-confirm", &[("n", &0)]),
    };
    lines.push(Line::styled(format!("[ {confirm} ]"), style));
    // Why nothing can be written, said before the confirm is tried.
    match (&st.error, &budget) {
        (Some(e), _) => lines.push(Line::styled(error_text(tr, e), t.warn())),
        (None, Err(e)) => lines.push(Line::styled(detail_text(tr, &e.message()), t.warn())),
        (None, Ok(_)) => {}
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t("csv.tui.plan-title"), true, t))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn done(w: &Wizard, d: &DoneStage, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let x = &d.exported;
    let n = x.emails.len();
    let clean = csv_text::safe(&x.clean);
    let mut lines = vec![
        Line::styled(
            tr.f("csv.tui.done-wrote", &[("path", &clean), ("n", &n)]),
            t.info(),
        ),
        Line::raw(tr.f(
            "csv.tui.done-report",
            &[("path", &csv_text::safe(&x.report))],
        )),
    ];
    if let Some(path) = &x.left_out {
        lines.push(Line::styled(
            tr.f(
                "invites.done-left-out",
                &[("n", &x.left_out_rows), ("path", &csv_text::safe(path))],
            ),
            t.warn(),
        ));
    }
    lines.push(Line::raw(""));
    if d.recorded {
        lines.push(Line::styled(
            tr.f("csv.tui.done-recorded", &[("n", &n)]),
            t.info(),
        ));
        lines.push(Line::raw(seats_text(w)));
    } else {
        lines.push(Line::styled(
            tr.f("invites.done-upload", &[("path", &clean)]),
            t.title(),
        ));
        lines.push(Line::from(vec![
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
        ]));
        let headers: Vec<&str> = Field::ALL.iter().map(|f| f.clean_header()).collect();
        lines.push(Line::raw(
            tr.f("invites.done-columns", &[("columns", &headers.join(", "))]),
        ));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            tr.f("invites.done-sent", &[("n", &n)]),
            t.selected(),
        ));
        lines.push(Line::styled(
            tr.t("invites.done-sent-note").to_string(),
            t.dim(),
        ));
    }
    let title = if d.recorded {
        "invites.done-recorded-title"
    } else {
        "invites.done-wrote-title"
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(text_panel(tr.t(title), true, t))
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

    /// The file-level warnings under the grid keep their advice (the end of the message) at 80
    /// columns: a long one takes a second line, and never more than four lines go to them.
    #[test]
    fn file_issues_under_the_grid_wrap_rather_than_lose_their_advice() {
        let ko = "인코딩 windows-1252은(는) 추정한 것입니다(신뢰도 낮음). windows-1250, \
                  windows-1254일 수도 있습니다. 이름을 확인하거나 --encoding으로 지정하세요."
            .to_string();
        let lines = file_issue_lines(std::slice::from_ref(&ko), 80);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l) <= 80), "{lines:?}");
        assert!(lines[1].ends_with("지정하세요."), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), ko.replace(' ', ""));

        let short = "Seats: 120 needed, 100 left.".to_string();
        let three = vec![ko.clone(), ko.clone(), short.clone()];
        let lines = file_issue_lines(&three, 80);
        assert_eq!(lines.len(), FILE_ISSUE_LINES, "{lines:?}");
        assert_eq!(lines.last(), Some(&short));
        // A message with no room for a second line is cut, visibly.
        let lines = file_issue_lines(&[ko.clone(), ko.clone(), ko.clone()], 80);
        assert_eq!(lines.len(), FILE_ISSUE_LINES, "{lines:?}");
        assert!(lines[3].ends_with('…'), "{lines:?}");
        // Nothing to say, no lines.
        assert!(file_issue_lines(&[], 80).is_empty());
    }

    /// Issue 10: a CSV read error from the operating system reads in the user's language.
    #[test]
    fn a_csv_read_error_renders_in_korean_without_english_os_words() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("users.csv");
        std::fs::write(&file, "email\n").unwrap();
        // A real OS error: a path through a file (ENOTDIR), the kind `err-read` shows.
        let path = file.join("users.csv");
        let os = std::fs::File::open(&path).unwrap_err();
        let english = os.to_string();
        let e = FlowError::Job(CsvJobError::read("users.csv/users.csv", os));
        let tr = Catalog::load(Lang::Ko).unwrap();
        let text = error_text(&tr, &e);
        assert!(text.contains(tr.t("io.not-a-directory")), "{text}");
        assert!(!text.contains(&english), "{text}");
        assert!(
            !text.to_lowercase().contains("directory") && !text.contains("os error"),
            "{text}"
        );
        assert!(text.contains("users.csv/users.csv"), "{text}");
    }

    #[test]
    fn messages_come_from_the_catalog_with_every_value_made_safe() {
        let tr = Catalog::load(Lang::Ko).unwrap();
        let e = FlowError::Job(CsvJobError::read(
            "a\u{1b}[2Jb.csv",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
        let text = error_text(&tr, &e);
        assert_eq!(
            text,
            tr.f("csv.tui.err-not-found", &[("path", &"a\\u{1b}[2Jb.csv")])
        );
        assert!(!text.contains('\u{1b}'), "{text}");
        let e = CsvJobError::rows(
            "u.csv",
            crate::domain::csv_intake::ValidateError::RowTooLong { line: 12 },
        );
        let text = detail_text(&tr, &e.message());
        assert!(text.contains("u.csv") && text.contains("12"), "{text}");
        // An OS error inside reads in the user's language, from the catalog.
        let e = FlowError::Job(CsvJobError::write(
            "out.csv",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        ));
        let text = error_text(&tr, &e);
        assert!(text.contains(tr.t("io.permission-denied")), "{text}");
        assert!(!text.to_lowercase().contains("permission denied"), "{text}");
        let e = FlowError::Job(CsvJobError::rows(
            "u.csv",
            crate::domain::csv_intake::ValidateError::Io(std::io::Error::from(
                std::io::ErrorKind::UnexpectedEof,
            )),
        ));
        assert!(error_text(&tr, &e).contains(tr.t("io.unexpected-eof")));
        assert!(
            !text.contains("longer than"),
            "said in Korean, not in English: {text}"
        );
    }
}
