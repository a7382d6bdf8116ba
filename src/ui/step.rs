//! One prerequisite or step: the sub-step checklist, the selected sub-step's click path and
//! instruction, and the notes and links panel (Tab focuses it for scrolling).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::hub::{ordinal, owner_text};
use super::labelled;
use super::theme::Theme;
use crate::domain::guide::{NoteKind, Substep};
use crate::present::fit;
use crate::wizard::{StepFocus, StepView, Wizard};

/// The rows the notes panel may scroll by at most, for a body of `area` (what the renderer
/// measured last; see [`StepView::notes_max`]).
fn publish_notes_max(view: &StepView, lines: usize, inner_h: usize) {
    let max = lines.saturating_sub(inner_h);
    view.notes_max.set(u16::try_from(max).unwrap_or(u16::MAX));
}

/// "Step 2 of 7 · Set up the Sales Insight Actions account": how a step is named to people.
#[must_use]
pub fn item_ref(w: &Wizard, id: crate::domain::guide::ItemId) -> String {
    format!(
        "{} · {}",
        ordinal(w, id),
        w.tr.t(&w.guide.item(id).title_key())
    )
}

/// One sub-step's line in the checklist: tick box, number, `(optional)` first, the text.
fn substep_label(
    w: &Wizard,
    item: &crate::domain::guide::Item,
    s: &Substep,
    n: usize,
    ticked: bool,
) -> String {
    let box_ = if ticked { "[x]" } else { "[ ]" };
    let opt = if s.optional {
        format!("({}) ", w.tr.t("core.step.optional"))
    } else {
        String::new()
    };
    format!("{box_} {n:>2}. {opt}{}", w.tr.t(&item.substep_key(s)))
}

/// Draws a step screen.
pub fn render(w: &Wizard, view: &StepView, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let item = w.guide.item(view.item);
    let p = w.progress.item(view.item);
    let (done, total) = w.progress.substep_counts(item);
    let subs = w.visible_substeps(view.item);
    let optional = subs.iter().filter(|s| s.optional).count();

    // The selected sub-step, whole: its click path and its text, wrapped.
    let text_w = usize::from(area.width.saturating_sub(3));
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
        let mut line = labelled(tr.t(&item.substep_key(s)), Style::new(), t);
        if s.optional {
            line.spans.insert(
                0,
                Span::styled(format!("({}) ", tr.t("core.step.optional")), t.dim()),
            );
        }
        sel.push(line);
    }
    let sel = super::wrap_lines(&sel, text_w);

    // Heights: heading 2, the selected sub-step whole, the notes at least 2 rows inside, the
    // checklist what is left (it scrolls).
    let body = usize::from(area.height);
    let sel_h = (sel.len() + 2).min(body.saturating_sub(2 + 3 + 4)).max(3);
    let list_room = body.saturating_sub(2 + sel_h + 4).max(3);
    let list_cap = (body.saturating_sub(2 + sel_h) * 3 / 5).max(5);
    let list_h = (subs.len() + 2).clamp(3, list_room.min(list_cap));
    let [head, list_area, sel_area, notes_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(u16::try_from(list_h).unwrap_or(3)),
        Constraint::Length(u16::try_from(sel_h).unwrap_or(3)),
        Constraint::Min(3),
    ])
    .areas(area);

    // Heading: ordinal, title, owner/app, status, counts, route.
    let width = head.width as usize;
    // What `v` changes and what counts come first, so a narrow line cuts the owner and the app
    // (said elsewhere on the screen) rather than the route or the count.
    let mut info = format!(
        "{} · {} · {}",
        tr.t(&format!("core.status.{}", p.status)),
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

    // Checklist, windowed so the cursor stays visible. A line cut here is shown whole in the
    // selected sub-step box below.
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
            let label = substep_label(w, item, s, i + 1, ticked);
            let mut style = if ticked || s.optional {
                t.dim()
            } else {
                Style::new()
            };
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
    let mut list_title = format!(
        "{} · {}",
        tr.t("core.step.substeps"),
        tr.f("screens.step.count", &[("done", &done), ("total", &total)])
    );
    if optional > 0 {
        list_title.push_str(" · ");
        list_title.push_str(&tr.f("screens.step.optional-count", &[("n", &optional)]));
    }
    if subs.len() > inner_h {
        list_title.push_str(&format!(
            " · {}",
            tr.f(
                "screens.step.position",
                &[("n", &(view.cursor + 1)), ("of", &subs.len())]
            )
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(super::panel(
            &list_title,
            view.focus == StepFocus::Checklist,
            t,
        )),
        list_area,
    );

    // The selected sub-step in full, with its click path.
    f.render_widget(
        Paragraph::new(sel).block(super::text_panel(tr.t("core.step.selected"), false, t)),
        sel_area,
    );

    // Live checks first (when the step has any), then notes, reason and links.
    let inner = usize::from(notes_area.width.saturating_sub(3));
    let mut notes: Vec<Line> = check_lines(w, item.id, t);
    if let Some(reason) = &p.reason {
        notes.push(Line::styled(
            tr.f("core.hub.reason", &[("reason", reason)]),
            t.warn(),
        ));
    }
    let unmet = w.progress.unmet_needs(item);
    if !unmet.is_empty() {
        let names: Vec<String> = unmet.iter().map(|id| item_ref(w, *id)).collect();
        notes.push(Line::styled(
            tr.f("core.hub.needs", &[("items", &names.join("; "))]),
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
        if let Some(source) = crate::present::note_source(tr, item, n) {
            line.spans.push(Span::styled(source, t.dim()));
        }
        notes.push(line);
    }
    let mut notes = super::wrap_lines(&notes, inner);
    // Each doc address: its line in `notes`, for OSC 8 links where the terminal shows them.
    let mut links: Vec<(usize, String)> = Vec::new();
    for d in &item.docs {
        // The title on its own line; the address whole on the next (never wrapped).
        notes.extend(super::wrap_line(
            &Line::from(vec![
                Span::styled(format!("{} ", tr.t("core.step.doc")), t.dim()),
                Span::raw(tr.t(&format!("guide.doc.{}", d.id)).to_string()),
            ]),
            inner,
        ));
        let url = crate::domain::guide::doc_url(&d.url, w.tr.lang());
        links.push((notes.len(), url.clone()));
        notes.push(Line::styled(url, t.dim()));
    }
    let inner_h = usize::from(notes_area.height.saturating_sub(2));
    publish_notes_max(view, notes.len(), inner_h);
    let scroll = view.notes_scroll.min(view.notes_max.get());
    let mut title = super::keyed(w, "core.step.notes");
    if notes.len() > inner_h {
        title.push_str(&format!(
            " · {}",
            tr.f(
                "screens.step.lines",
                &[
                    ("from", &(usize::from(scroll) + 1)),
                    ("to", &(usize::from(scroll) + inner_h).min(notes.len())),
                    ("of", &notes.len())
                ]
            )
        ));
    }
    f.render_widget(
        Paragraph::new(notes)
            .scroll((scroll, 0))
            .block(super::text_panel(&title, view.focus == StepFocus::Notes, t)),
        notes_area,
    );
    if w.hyperlinks {
        // Inside the border and the right padding of the text panel.
        let x = notes_area.x + 1;
        let cells = notes_area.width.saturating_sub(3);
        for (line, url) in &links {
            let Some(row) = line.checked_sub(usize::from(scroll)) else {
                continue;
            };
            if row < inner_h {
                let y = notes_area.y + 1 + u16::try_from(row).unwrap_or(u16::MAX);
                super::hyperlink(f.buffer_mut(), x, y, cells, url);
            }
        }
    }
}

/// The live checks of `item` as a list: a headline that counts the verdicts, then one line per
/// check with its verdict and its whole message (what to do next included), unwrapped.
#[must_use]
pub fn check_lines(w: &Wizard, item: crate::domain::guide::ItemId, t: Theme) -> Vec<Line<'static>> {
    use crate::domain::checks::CheckStatus;
    let tr = &w.tr;
    let checks = crate::wizard::live::checks_of(item);
    let mut out = Vec::new();
    if checks.is_empty() {
        return out;
    }
    if let Some(head) = w.check_tally(&checks) {
        out.push(Line::styled(head, t.title()));
    }
    for id in &checks {
        let name = tr.t(id.label_key()).to_string();
        if w.is_running(*id) {
            out.push(Line::styled(
                format!(
                    "{} {name}: {}",
                    super::preview::spinner(w),
                    tr.t("checks.tui.running")
                ),
                t.dim(),
            ));
            continue;
        }
        match w.progress.checks.get(id) {
            Some(o) => {
                let when = o
                    .finished_at
                    .map(|ts| crate::present::short_time(ts, &w.tz))
                    .unwrap_or_default();
                let style = match o.status {
                    CheckStatus::Pass => t.info(),
                    CheckStatus::Fail | CheckStatus::Error => t.warn(),
                    _ => t.dim(),
                };
                out.push(Line::from(vec![
                    Span::styled(format!("[{}] ", tr.t(o.status.label_key())), style),
                    Span::styled(format!("{name}: "), style),
                    Span::raw(check_message(w, o)),
                    Span::styled(format!(" ({when})"), t.dim()),
                ]));
                for n in &o.notes {
                    out.push(Line::raw(format!("    {}", n.render(tr))));
                }
                // Admin candidates for the first invite, when the check listed them.
                if let Some(crate::domain::checks::CheckFacts::Admins { candidates, .. }) =
                    o.facts.as_ref()
                {
                    for c in candidates.iter().take(5) {
                        out.push(Line::styled(
                            format!("    {} {} <{}>", c.first_name, c.last_name, c.email),
                            t.dim(),
                        ));
                    }
                    if candidates.len() > 5 {
                        let more = tr.f("checks.tui.more", &[("n", &(candidates.len() - 5))]);
                        out.push(Line::styled(format!("    {more}"), t.dim()));
                    }
                }
            }
            None => out.push(Line::styled(
                format!("[ ] {name}: {}", tr.t("checks.tui.not-run")),
                t.dim(),
            )),
        }
    }
    let none_run = checks
        .iter()
        .all(|id| !w.progress.checks.contains_key(id) && !w.is_running(*id));
    if none_run {
        out.push(Line::styled(super::keyed(w, "checks.tui.hint"), t.dim()));
    }
    out
}

/// A check's main message. The config-object message does not say "the package is not
/// installed" when `sf-package` found it installed.
#[must_use]
pub fn check_message(w: &Wizard, o: &crate::domain::checks::CheckOutcome) -> String {
    use crate::domain::checks::{CheckId, package_installed};
    let installed = w
        .progress
        .checks
        .get(&CheckId::SfPackage)
        .is_some_and(|p| package_installed(&p.detail));
    if o.id == CheckId::SfConfigObject
        && o.detail.key == "checks.sf-config-object.invalid-type"
        && installed
    {
        let mut d = o.detail.clone();
        d.key = "screens.checks.config-object-hidden".to_string();
        return d.render(&w.tr);
    }
    o.detail.render(&w.tr)
}
