//! One prerequisite or step: the sub-step checklist, the selected sub-step's click path and
//! instruction, and the notes and links panel (Tab focuses it for scrolling).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::hub::{ordinal, owner_text};
use super::labelled;
use super::theme::Theme;
use crate::domain::guide::NoteKind;
use crate::present::fit;
use crate::wizard::{StepFocus, StepView, Wizard};

/// Draws a step screen.
pub fn render(w: &Wizard, view: &StepView, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let item = w.guide.item(view.item);
    let p = w.progress.item(view.item);
    let (done, total) = w.progress.substep_counts(item);
    let subs = w.visible_substeps(view.item);

    // The checklist scrolls (its title shows n/m), so cap it and leave room for the notes.
    let list_h = u16::try_from(subs.len() + 2)
        .unwrap_or(u16::MAX)
        .clamp(3, 9);
    let [head, list_area, sel_area, notes_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(list_h),
        Constraint::Length(5),
        Constraint::Min(3),
    ])
    .areas(area);

    // Heading: ordinal, title, owner/app, status, counts, route.
    let width = head.width as usize;
    // What `v` changes and what counts come first, so a narrow line cuts the owner and the app
    // (said elsewhere on the screen) rather than the route or the count.
    let mut info = format!(
        "{} · {}/{} · {} · {}",
        tr.t(&format!("core.status.{}", p.status)),
        done,
        total,
        owner_text(w, item),
        tr.t(&item.app.name_key()),
    );
    if let Some(v) = w
        .progress
        .variant_of(item)
        .filter(|_| !item.variants.is_empty())
    {
        let route = tr.f("core.step.route", &[("route", &tr.t(&item.variant_key(v)))]);
        info = format!("{route} · {info}");
    }
    let heading = vec![
        Line::from(vec![
            Span::styled(format!(" {} · ", ordinal(w, view.item)), t.dim()),
            Span::styled(
                fit(tr.t(&item.title_key()), width.saturating_sub(20)),
                t.title(),
            ),
        ]),
        Line::styled(fit(&format!(" {info}"), width), t.status(p.status)),
    ];
    f.render_widget(Paragraph::new(heading), head);

    // Checklist, windowed so the cursor stays visible.
    let inner_h = list_area.height.saturating_sub(2) as usize;
    let offset = view.cursor.saturating_sub(inner_h.saturating_sub(1));
    let inner_w = list_area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = subs
        .iter()
        .enumerate()
        .skip(offset)
        .take(inner_h)
        .map(|(i, s)| {
            let ticked = p.ticked.contains(&s.id);
            let box_ = if ticked { "[x]" } else { "[ ]" };
            let opt = if s.optional {
                format!(" ({})", tr.t("core.step.optional"))
            } else {
                String::new()
            };
            let label = format!("{box_} {:>2}. {}{opt}", i + 1, tr.t(&item.substep_key(s)));
            let mut style = if ticked { t.dim() } else { Style::new() };
            let cursor = if i == view.cursor { ">" } else { " " };
            if i == view.cursor && view.focus == StepFocus::Checklist {
                style = style.patch(t.selected());
            }
            Line::from(vec![
                Span::raw(cursor),
                Span::styled(fit(&label, inner_w.saturating_sub(1)), style),
            ])
        })
        .collect();
    let list_title = if subs.len() > inner_h {
        format!(
            " {} ({}/{}) ",
            tr.t("core.step.substeps"),
            view.cursor + 1,
            subs.len()
        )
    } else {
        format!(" {} ", tr.t("core.step.substeps"))
    };
    f.render_widget(
        Paragraph::new(lines).block(super::panel(
            list_title.trim(),
            view.focus == StepFocus::Checklist,
            t,
        )),
        list_area,
    );

    // The selected sub-step in full, with its click path.
    let mut sel = Vec::new();
    if let Some(s) = subs.get(view.cursor) {
        if !s.path.is_empty() {
            let mut spans = vec![Span::styled(
                format!("{} ", tr.t("core.step.path")),
                t.dim(),
            )];
            for (i, label) in s.path.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" → ", t.dim()));
                }
                spans.push(Span::styled(label.clone(), t.label()));
            }
            sel.push(Line::from(spans));
        }
        sel.push(labelled(tr.t(&item.substep_key(s)), Style::new(), t));
    }
    f.render_widget(
        Paragraph::new(sel)
            .wrap(Wrap { trim: true })
            .block(super::text_panel(tr.t("core.step.selected"), false, t)),
        sel_area,
    );

    // Live checks first (when the step has any), then notes, reason and links.
    let mut notes: Vec<Line> = Vec::new();
    let checks = crate::wizard::live::checks_of(item.id);
    let inner = usize::from(notes_area.width.saturating_sub(2));
    for id in &checks {
        let (text, style, _) = super::preview::check_line(w, *id, inner);
        notes.push(Line::styled(text, style));
        // Admin candidates for the first invite, when the check listed them.
        if let Some(crate::domain::checks::CheckFacts::Admins { candidates, .. }) =
            w.progress.checks.get(id).and_then(|o| o.facts.as_ref())
        {
            for c in candidates.iter().take(5) {
                let line = format!("    {} {} <{}>", c.first_name, c.last_name, c.email);
                notes.push(Line::styled(fit(&line, inner), t.dim()));
            }
            if candidates.len() > 5 {
                let more = tr.f("checks.tui.more", &[("n", &(candidates.len() - 5))]);
                notes.push(Line::styled(format!("    {more}"), t.dim()));
            }
        }
    }
    let none_run = checks
        .iter()
        .all(|id| !w.progress.checks.contains_key(id) && !w.is_running(*id));
    if !checks.is_empty() && none_run {
        notes.push(Line::styled(super::keyed(w, "checks.tui.hint"), t.dim()));
    }
    if let Some(reason) = &p.reason {
        notes.push(Line::styled(
            tr.f("core.hub.reason", &[("reason", reason)]),
            t.warn(),
        ));
    }
    let unmet = w.progress.unmet_needs(item);
    if !unmet.is_empty() {
        let names: Vec<String> = unmet.iter().map(|id| format!("`{id}`")).collect();
        notes.push(Line::styled(
            tr.f("core.hub.needs", &[("items", &names.join(", "))]),
            t.warn(),
        ));
    }
    notes.push(labelled(tr.t(&item.summary_key()), t.dim(), t));
    for n in &item.notes {
        let (tag, style) = match n.kind {
            NoteKind::Caution => (tr.t("core.step.caution"), t.warn()),
            NoteKind::Info => (tr.t("core.step.note"), t.dim()),
        };
        let mut line = labelled(tr.t(&item.note_key(n)), Style::new(), t);
        line.spans.insert(0, Span::styled(format!("{tag} "), style));
        notes.push(line);
    }
    for d in &item.docs {
        notes.push(Line::from(vec![
            Span::styled(format!("{} ", tr.t("core.step.doc")), t.dim()),
            Span::raw(format!("{}: ", tr.t(&format!("guide.doc.{}", d.id)))),
            Span::styled(d.url.clone(), t.dim()),
        ]));
    }
    let _border = if view.focus == StepFocus::Notes {
        t.focus()
    } else {
        Style::new()
    };
    f.render_widget(
        Paragraph::new(notes)
            .wrap(Wrap { trim: true })
            .scroll((view.notes_scroll, 0))
            .block(super::text_panel(
                &super::keyed(w, "core.step.notes"),
                view.focus == StepFocus::Notes,
                t,
            )),
        notes_area,
    );
}
