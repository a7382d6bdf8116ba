//! The welcome form: language, roles, name.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::field_view;
use super::theme::Theme;
use crate::present::fit;
use crate::wizard::{Welcome, WelcomeRow, Wizard};

/// Draws the welcome form.
pub fn render(w: &Wizard, form: &Welcome, f: &mut Frame, area: Rect, t: Theme) {
    let tr = &w.tr;
    let rows = Welcome::rows(&w.guide);
    let inner_w = area.width.saturating_sub(4) as usize;
    let mut lines = vec![
        Line::styled(tr.t("core.welcome.title").to_string(), t.title()),
        Line::raw(tr.t("core.welcome.intro").to_string()),
        Line::raw(""),
    ];
    let mut last_group = 0;
    for (i, row) in rows.iter().enumerate() {
        let group = match row {
            WelcomeRow::Lang(_) => 1,
            WelcomeRow::Role(_) => 2,
            WelcomeRow::Name => 3,
            WelcomeRow::Start => 4,
        };
        if group != last_group {
            let heading = match group {
                1 => Some("core.welcome.lang"),
                2 => Some("core.welcome.roles"),
                3 => Some("core.welcome.name"),
                _ => None,
            };
            if let Some(h) = heading {
                lines.push(Line::styled(tr.t(h).to_string(), t.dim()));
            } else {
                lines.push(Line::raw(""));
            }
            last_group = group;
        }
        let focused = i == form.cursor;
        let text = match row {
            WelcomeRow::Lang(l) => {
                let dot = if *l == form.lang { "(*)" } else { "( )" };
                format!("  {dot} {}", l.native_name())
            }
            WelcomeRow::Role(id) => {
                let on = if form.roles.contains(id) {
                    "[x]"
                } else {
                    "[ ]"
                };
                format!(
                    "  {on} {} — {}",
                    tr.t(&id.name_key()),
                    tr.t(&format!("core.welcome.role-desc.{id}"))
                )
            }
            WelcomeRow::Name => format!(
                "  > {}",
                field_view(form.name.value(), form.name.cursor(), 40)
            ),
            WelcomeRow::Start => format!("  [ {} ]", tr.t("core.welcome.start")),
        };
        let style = if focused { t.selected() } else { Style::new() };
        let cursor = if focused { ">" } else { " " };
        lines.push(Line::from(vec![
            Span::raw(cursor),
            Span::styled(fit(&text, inner_w), style),
        ]));
    }
    if let Some(e) = form.error {
        lines.push(Line::styled(tr.t(e).to_string(), t.warn()));
    }
    let block = super::text_panel("", true, t);
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
