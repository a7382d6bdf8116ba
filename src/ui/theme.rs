//! Every style in one place. With `NO_COLOR`/`--no-color` only bold, dim and reverse remain.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::progress::Status;

/// The styles of the app.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// A theme, plain when `no_color`.
    #[must_use]
    pub fn new(no_color: bool) -> Theme {
        Theme { color: !no_color }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Titles and headings.
    #[must_use]
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Secondary text.
    #[must_use]
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// The selected row.
    #[must_use]
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// English UI labels of the products (click targets).
    #[must_use]
    pub fn label(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Key names in the footer.
    #[must_use]
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Cautions and errors.
    #[must_use]
    pub fn warn(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Informational banners.
    #[must_use]
    pub fn info(self) -> Style {
        self.fg(Color::Green)
    }

    /// Focused panel borders.
    #[must_use]
    pub fn focus(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// A status word.
    #[must_use]
    pub fn status(self, s: Status) -> Style {
        match s {
            Status::Todo => Style::new(),
            Status::InProgress => self.fg(Color::Yellow),
            Status::Done => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            Status::Skipped => self.dim(),
            Status::Blocked => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }
}

/// The ASCII mark of a status (no ambiguous-width glyphs).
#[must_use]
pub fn mark(s: Status) -> &'static str {
    match s {
        Status::Todo => "[ ]",
        Status::InProgress => "[~]",
        Status::Done => "[x]",
        Status::Skipped => "[-]",
        Status::Blocked => "[!]",
    }
}
