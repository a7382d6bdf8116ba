//! Rendering only: `render(&Wizard, &mut Frame)`. One file per screen; the layout (header,
//! banner, body, footer), overlays and the "terminal too small" screen live here.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::domain::text::Detail;
use crate::input;
use crate::present;
use crate::wizard::{BannerKind, BannerText, ConfirmAction, Overlay, Screen, Wizard};

pub mod handoff;
pub mod hub;
pub mod invite;
pub mod preview;
pub mod step;
pub mod summary;
pub mod theme;
pub mod welcome;

use theme::Theme;

/// Rows a banner may take before it is cut.
const BANNER_ROWS: usize = 6;

/// Draws the whole frame.
pub fn render(w: &Wizard, f: &mut Frame) {
    let area = f.area();
    let t = Theme::new(w.no_color);
    if area.width < crate::wizard::MIN_SIZE.0 || area.height < crate::wizard::MIN_SIZE.1 {
        too_small(w, f, area, t);
        return;
    }
    // The banner wraps (up to six rows) rather than cutting what it says: a notice names a
    // whole path, never cut with "…".
    let banner_lines: Vec<String> = w
        .banner
        .as_ref()
        .map(|b| present::wrap(&banner_text(w, &b.text), usize::from(area.width)))
        .unwrap_or_default();
    let banner_h = u16::try_from(banner_lines.len().min(BANNER_ROWS)).unwrap_or(1);
    let [header, banner, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(banner_h),
        Constraint::Min(0),
        Constraint::Length(footer_height(w, area.width)),
    ])
    .areas(area);
    render_header(w, f, header, t);
    if let Some(b) = &w.banner {
        let style = match b.kind {
            BannerKind::Info => t.info(),
            BannerKind::Error => t.warn(),
        };
        let mut lines: Vec<Line> = banner_lines
            .iter()
            .take(BANNER_ROWS)
            .map(|l| Line::styled(l.clone(), style))
            .collect();
        if banner_lines.len() > BANNER_ROWS
            && let Some(last) = lines.last_mut()
        {
            *last = Line::styled(
                present::fit(
                    &format!("{} …", banner_lines[BANNER_ROWS - 1]),
                    usize::from(area.width),
                ),
                style,
            );
        }
        f.render_widget(Paragraph::new(lines), banner);
    }
    match &w.screen {
        Screen::Welcome(form) => welcome::render(w, form, f, body, t),
        Screen::Hub(hub) => hub::render(w, hub, f, body, t),
        Screen::Step(view) => step::render(w, view, f, body, t),
        Screen::Summary => summary::render(w, f, body, t),
        Screen::Preview(p) => preview::render(w, p, f, body, t),
        Screen::Individual(form) => invite::render_individual(w, form, f, body, t),
        Screen::Csv(flow) => invite::render_csv(w, flow, f, body, t),
        Screen::Handoff(s) => handoff::render(w, s, f, body, t),
    }
    render_footer(w, f, footer, t);
    if let Some(o) = &w.overlay {
        render_overlay(w, o, f, area, t);
    }
}

fn render_header(w: &Wizard, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let who = if w.roles().is_empty() {
        String::new()
    } else {
        let roles: Vec<&str> = w
            .roles()
            .iter()
            .map(|r| tr.t(&r.name_key()))
            .collect::<Vec<_>>();
        let mut s = roles.join(" + ");
        if let Some(n) = &w.progress.setup.name {
            s = format!("{s} · {n}");
        }
        s
    };
    let title = tr.t("core.app-title");
    let width = area.width as usize;
    let right = present::fit(&who, width.saturating_sub(present::width(title) + 2));
    let gap = width.saturating_sub(present::width(title) + present::width(&right) + 1);
    let line1 = Line::from(vec![
        Span::styled(format!(" {title}"), t.title()),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, t.dim()),
    ]);
    let line2 = Line::styled(
        present::fit(&format!(" {}", progress_line(w)), width),
        t.dim(),
    );
    f.render_widget(Paragraph::new(vec![line1, line2]), area);
}

/// A banner's text in the user's language.
fn banner_text(w: &Wizard, text: &BannerText) -> String {
    match text {
        BannerText::Text(t) => t.clone(),
        BannerText::Notices(ns) => ns
            .iter()
            .map(|n| with_keys(w, &n.0.detail()))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// "Marketo admin 2/7 · Salesforce admin 0/4 · last change ... by ..." (the resume line).
#[must_use]
pub fn progress_line(w: &Wizard) -> String {
    let tr = &w.tr;
    let mut parts: Vec<String> = w
        .guide
        .roles()
        .iter()
        .map(|r| {
            let tally = w.progress.tally(&w.guide, std::slice::from_ref(r));
            tr.f(
                "core.hub.role-tally",
                &[
                    ("role", &tr.t(&r.name_key())),
                    ("done", &tally.resolved),
                    ("total", &tally.total),
                ],
            )
        })
        .collect();
    match w.progress.last_change() {
        Some(c) => {
            let title = tr.t(&w.guide.item(c.item).title_key());
            let when = present::short_time(c.at, &w.tz);
            parts.push(match c.by {
                Some(by) => tr.f(
                    "core.hub.last-change-by",
                    &[("when", &when), ("by", &by), ("item", &title)],
                ),
                None => tr.f("core.hub.last-change", &[("when", &when), ("item", &title)]),
            });
        }
        None => parts.push(tr.t("core.hub.no-change").to_string()),
    }
    parts.join(" · ")
}

/// The footer's lines at `width` cells: every hint of the screen, its own keys first and
/// `?`/`q` last, wrapped onto more lines rather than dropped.
#[must_use]
pub fn footer_lines(w: &Wizard, width: usize) -> Vec<Vec<(String, &'static str)>> {
    let essential = |h: &str| h == "keys.help" || h == "keys.quit";
    let hints = input::footer_hints(w);
    let (mut ordered, last): (Vec<_>, Vec<_>) = hints.into_iter().partition(|(_, h)| !essential(h));
    ordered.extend(last);
    let cost = |k: &str, h: &str| present::width(k) + 1 + present::width(w.tr.t(h));
    let mut lines: Vec<Vec<(String, &'static str)>> = vec![Vec::new()];
    let mut used = 1;
    for (k, h) in ordered {
        let c = cost(&k, h);
        let sep = if used > 1 { 3 } else { 0 };
        if used > 1 && used + sep + c > width {
            lines.push(Vec::new());
            used = 1;
        }
        let sep = if used > 1 { 3 } else { 0 };
        used += sep + c;
        if let Some(l) = lines.last_mut() {
            l.push((k, h));
        }
    }
    lines
}

/// How many rows the footer takes at `width`.
#[must_use]
pub fn footer_height(w: &Wizard, width: u16) -> u16 {
    u16::try_from(footer_lines(w, usize::from(width)).len()).unwrap_or(1)
}

fn render_footer(w: &Wizard, f: &mut Frame, area: Rect, t: Theme) {
    let mut out = Vec::new();
    for line in footer_lines(w, area.width as usize) {
        let mut spans = vec![Span::raw(" ")];
        for (i, (k, h)) in line.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", t.dim()));
            }
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::raw(format!(" {}", w.tr.t(h))));
        }
        out.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(out), area);
}

/// `line` wrapped to `width` cells (see [`present::wrap_ranges`]), keeping each part's style.
#[must_use]
pub fn wrap_line(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut bounds = Vec::with_capacity(line.spans.len());
    let mut at = 0;
    for s in &line.spans {
        bounds.push((at, at + s.content.len(), s.style));
        at += s.content.len();
    }
    present::wrap_ranges(&text, width)
        .into_iter()
        .map(|r| {
            let spans: Vec<Span<'static>> = bounds
                .iter()
                .filter_map(|(a, b, style)| {
                    let lo = r.start.max(*a);
                    let hi = r.end.min(*b);
                    (lo < hi).then(|| Span::styled(text[lo..hi].to_string(), *style))
                })
                .collect();
            Line::from(spans).style(line.style)
        })
        .collect()
}

/// Every line wrapped to `width` cells.
#[must_use]
pub fn wrap_lines(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| wrap_line(l, width)).collect()
}

fn too_small(w: &Wizard, f: &mut Frame, area: Rect, t: Theme) {
    let msg = w.tr.f(
        "core.too-small",
        &[
            ("w", &area.width),
            ("h", &area.height),
            ("need_w", &crate::wizard::MIN_SIZE.0),
            ("need_h", &crate::wizard::MIN_SIZE.1),
        ],
    );
    let lines = vec![
        Line::styled(msg, t.warn()),
        Line::raw(keyed(w, "core.too-small-hint")),
    ];
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

/// A bordered panel titled `title`, its border highlighted when it has the focus.
#[must_use]
pub fn panel<'a>(title: &str, focused: bool, t: Theme) -> Block<'a> {
    let b = Block::default().borders(Borders::ALL);
    let b = if title.is_empty() {
        b
    } else {
        b.title(format!(" {title} "))
    };
    if focused {
        b.border_style(t.focus())
    } else {
        b
    }
}

/// Makes the `url` drawn at (`x`, `y`) an OSC 8 hyperlink to the whole address, as ratatui's
/// hyperlink example does: the escape sequences go into the cells' symbols, two characters per
/// cell with a forced width of two, so the terminal and the diff count the width right. At most `cells`
/// cells are touched; the link always points at the whole `url`, even where the text is cut.
pub fn hyperlink(buf: &mut ratatui::buffer::Buffer, x: u16, y: u16, cells: u16, url: &str) {
    // Only plain ASCII addresses: one cell per character, nothing to escape.
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return;
    }
    let shown = &url[..url.len().min(usize::from(cells))];
    for (i, chunk) in shown.as_bytes().chunks(2).enumerate() {
        let at = x + u16::try_from(i * 2).unwrap_or(u16::MAX);
        let text = std::str::from_utf8(chunk).unwrap_or_default();
        let width = std::num::NonZeroU16::new(u16::try_from(chunk.len()).unwrap_or(1))
            .unwrap_or(std::num::NonZeroU16::MIN);
        if let Some(cell) = buf.cell_mut((at, y)) {
            cell.set_symbol(&format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\"))
                .set_diff_option(ratatui::buffer::CellDiffOption::ForcedWidth(width));
        }
    }
}

/// A [`panel`] for wrapped text, with one cell of padding on the right: ratatui's word wrap can
/// put a wide (CJK) glyph one cell past the width, where it would hide the right border.
#[must_use]
pub fn text_panel<'a>(title: &str, focused: bool, t: Theme) -> Block<'a> {
    panel(title, focused, t).padding(ratatui::widgets::Padding::right(1))
}

/// Clears `rect` for an overlay. A wide glyph just left of it would reach one cell into it
/// and cover the overlay's left border, so it is blanked too.
pub fn clear(f: &mut Frame, rect: Rect) {
    f.render_widget(Clear, rect);
    if rect.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in rect.y..rect.y.saturating_add(rect.height) {
        if let Some(cell) = buf.cell_mut((rect.x - 1, y))
            && present::width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// A rectangle of `w`×`h` cells centred in `area` (clamped to it).
#[must_use]
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn render_overlay(w: &Wizard, o: &Overlay, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    match o {
        Overlay::Help => {
            let mut rows: Vec<(String, &str)> = input::help_lines(w)
                .into_iter()
                .map(|(k, h)| (k, tr.t(h)))
                .collect();
            rows.push(("Ctrl-C".to_string(), tr.t(input::CTRL_C_HINT)));
            let saved = tr.t("core.help.saved");
            // Above the footer, which shows how to close it.
            let area = Rect {
                height: area.height.saturating_sub(footer_height(w, area.width)),
                ..area
            };
            let width = area.width.min(76);
            let inner = usize::from(width.saturating_sub(2));
            let saved_lines = present::wrap(saved, inner);
            // One column when it fits; two side by side when the list is taller than the
            // terminal, so the last line is never cut.
            let one_col = rows.len() + 1 + saved_lines.len() + 2 <= usize::from(area.height);
            let key_w = 16;
            let mut lines: Vec<Line> = Vec::new();
            let cell = |(keys, hint): &(String, &str), w: usize| -> Vec<Span<'static>> {
                let kw = key_w.min(w / 3);
                vec![
                    Span::styled(present::pad(keys, kw), t.key()),
                    Span::raw(present::pad(hint, w.saturating_sub(kw))),
                ]
            };
            if one_col {
                for r in &rows {
                    lines.push(Line::from(cell(r, inner)));
                }
                lines.push(Line::raw(""));
            } else {
                let half = inner / 2;
                let per = rows.len().div_ceil(2);
                for i in 0..per {
                    let mut spans = cell(&rows[i], half);
                    if let Some(r) = rows.get(i + per) {
                        spans.extend(cell(r, inner - half));
                    }
                    lines.push(Line::from(spans));
                }
            }
            for l in saved_lines {
                lines.push(Line::styled(l, t.dim()));
            }
            let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
            let rect = centered(area, width, h);
            clear(f, rect);
            let block = Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", tr.t("core.help.title")));
            f.render_widget(Paragraph::new(lines).block(block), rect);
        }
        Overlay::Confirm(action) => {
            let body = match action {
                ConfirmAction::MarkDoneAnyway { item, unticked } => {
                    let title = tr.t(&w.guide.item(*item).title_key()).to_string();
                    tr.f(
                        "core.confirm.done-anyway",
                        &[("n", unticked), ("item", &title)],
                    )
                }
                ConfirmAction::ExportCsv { rows } => tr.f("invites.confirm-export", &[("n", rows)]),
                ConfirmAction::RecordCsv { rows, path } => tr.f(
                    "invites.confirm-sent",
                    &[("n", rows), ("path", &crate::csv_text::safe(path))],
                ),
                ConfirmAction::RecordIndividual { count } => {
                    tr.f("csv.tui.confirm-individual", &[("n", count)])
                }
                ConfirmAction::TickProven { item, check, subs } => {
                    let it = w.guide.item(*item);
                    let names: Vec<String> = subs
                        .iter()
                        .filter_map(|id| it.substeps.iter().find(|s| s.id == *id))
                        .map(|s| tr.t(&it.substep_key(s)).to_string())
                        .collect();
                    tr.f(
                        "checks.tui.tick-proven",
                        &[
                            ("check", &tr.t(check.label_key())),
                            ("n", &subs.len()),
                            ("subs", &names.join(" / ")),
                        ],
                    )
                }
            };
            // As tall as what it asks: the question is never cut.
            let mut lines = wrap_lines(&[Line::raw(body)], 56);
            lines.push(Line::raw(""));
            lines.push(overlay_keys(w, input::Context::Confirm, t));
            let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).max(7);
            let rect = centered(area, 60, h);
            clear(f, rect);
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(t.warn())
                .title(format!(" {} ", tr.t(confirm_title(action))));
            f.render_widget(Paragraph::new(lines).block(block), rect);
        }
        Overlay::Credentials(form) => render_credentials(w, form, f, area, t),
        Overlay::Reason {
            item,
            status,
            field,
            empty_error,
        } => {
            let key = if *status == crate::domain::progress::Status::Skipped {
                "core.reason.skip-title"
            } else {
                "core.reason.block-title"
            };
            let title = tr.t(&w.guide.item(*item).title_key()).to_string();
            let inner_w = 56usize;
            let shown = field_view(field.value(), field.cursor(), inner_w - 2);
            let mut lines = vec![
                Line::raw(tr.f("core.reason.prompt", &[("item", &title)])),
                Line::raw(""),
                Line::from(vec![
                    Span::styled("> ", t.key()),
                    Span::styled(
                        shown,
                        Style::new().add_modifier(ratatui::style::Modifier::UNDERLINED),
                    ),
                ]),
            ];
            if *empty_error {
                lines.push(Line::styled(
                    tr.t("core.reason.required").to_string(),
                    t.warn(),
                ));
            } else {
                lines.push(Line::raw(""));
            }
            lines.push(overlay_keys(w, input::Context::Reason, t));
            let rect = centered(area, 60, 8);
            clear(f, rect);
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(t.focus())
                .title(format!(" {} ", tr.t(key)));
            f.render_widget(
                Paragraph::new(lines)
                    .block(block)
                    .wrap(Wrap { trim: false }),
                rect,
            );
        }
    }
}

/// The keys of an overlay, from its keymap: `y yes   n/Esc no`.
fn overlay_keys(w: &Wizard, ctx: input::Context, t: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let hints = input::overlay_hints(ctx);
    for (n, (keys, hint)) in hints.iter().enumerate() {
        spans.push(Span::styled(keys.clone(), t.key()));
        let gap = if n + 1 < hints.len() { "   " } else { "" };
        spans.push(Span::raw(format!(" {}{gap}", w.tr.t(hint))));
    }
    Line::from(spans)
}

/// Catalog text that names keys (`{key-quit}`), with the labels the keymap gives them.
#[must_use]
pub fn keyed(w: &Wizard, key: &str) -> String {
    with_keys(w, &Detail::new(key))
}

/// A message rendered in the user's language, its `{key-…}` placeholders filled from the
/// keymap.
#[must_use]
pub fn with_keys(w: &Wizard, d: &Detail) -> String {
    let keys = input::key_args(w);
    let args: Vec<(&str, &dyn std::fmt::Display)> = d
        .args
        .iter()
        .map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display))
        .chain(
            keys.iter()
                .map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display)),
        )
        .collect();
    w.tr.f(&d.key, &args)
}

/// The visible part of a text field of `cells` cells, with the cursor shown as `▏`... kept
/// ASCII: an underscore cursor at the end, or `|` inside.
#[must_use]
pub fn field_view(value: &str, cursor: usize, cells: usize) -> String {
    let mut s: String = value.chars().take(cursor).collect();
    s.push('|');
    s.extend(value.chars().skip(cursor));
    // Keep the cursor visible: drop from the left while too wide.
    let mut start = 0;
    let chars: Vec<char> = s.chars().collect();
    while present::width(&chars[start..].iter().collect::<String>()) > cells && start < cursor {
        start += 1;
    }
    present::fit(&chars[start..].iter().collect::<String>(), cells)
}

/// A line with `"quoted"` English UI labels highlighted (the catalog's convention).
#[must_use]
pub fn labelled(s: &str, base: Style, t: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut inside = false;
    for (i, part) in s.split('"').enumerate() {
        if i > 0 {
            inside = !inside;
        }
        if part.is_empty() {
            continue;
        }
        if inside {
            spans.push(Span::styled(format!("\"{part}\""), t.label()));
        } else {
            spans.push(Span::styled(part.to_string(), base));
        }
    }
    Line::from(spans)
}

fn render_credentials(
    w: &Wizard,
    form: &crate::wizard::live::CredentialForm,
    f: &mut Frame,
    area: Rect,
    t: Theme,
) {
    let tr = &w.tr;
    let title = match form.system {
        crate::domain::checks::System::Marketo => tr.t("checks.form.title-marketo"),
        crate::domain::checks::System::Salesforce => tr.t("checks.form.title-salesforce"),
    };
    let mut lines = vec![Line::styled(tr.t("checks.form.intro").to_string(), t.dim())];
    for (i, (field, label)) in form.fields.iter().zip(form.labels()).enumerate() {
        // Secrets are never drawn: only a mask of their length.
        let value = if form.masked(i) {
            let shown = "*".repeat(field.value().chars().count().min(40));
            if form.cursor == i {
                format!("{shown}|")
            } else {
                shown
            }
        } else if form.cursor == i {
            field_view(field.value(), field.cursor(), 50)
        } else {
            present::fit(field.value(), 50)
        };
        let style = if form.cursor == i {
            t.selected()
        } else {
            Style::new()
        };
        lines.push(Line::raw(tr.t(label).to_string()));
        lines.push(Line::from(vec![
            Span::styled("> ", t.key()),
            Span::styled(value, style),
        ]));
    }
    let n = form.fields.len();
    let check = if form.remember { "[x]" } else { "[ ]" };
    let style = if form.cursor == n {
        t.selected()
    } else {
        Style::new()
    };
    lines.push(Line::styled(
        format!("{check} {}", tr.t("checks.form.remember")),
        style,
    ));
    let style = if form.cursor == n + 1 {
        t.selected()
    } else {
        t.key()
    };
    lines.push(Line::styled(
        format!("[ {} ]", tr.t("checks.form.submit")),
        style,
    ));
    if let Some(e) = &form.error {
        lines.push(Line::styled(e.0.localize(tr), t.warn()));
    }
    let h = u16::try_from(lines.len() + 4).unwrap_or(u16::MAX);
    let rect = centered(area, 72, h);
    clear(f, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus())
        .title(format!(" {title} "));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// The title of a confirmation: what is being confirmed.
fn confirm_title(action: &ConfirmAction) -> &'static str {
    match action {
        ConfirmAction::MarkDoneAnyway { .. } => "core.confirm.title",
        ConfirmAction::TickProven { .. } => "checks.tui.tick-title",
        ConfirmAction::ExportCsv { .. } => "invites.confirm-export-title",
        ConfirmAction::RecordCsv { .. } => "invites.confirm-sent-title",
        ConfirmAction::RecordIndividual { .. } => "csv.tui.confirm-individual-title",
    }
}
