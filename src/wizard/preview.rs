//! The Action Field Sync preview (from step `start-data-sync`): the 13 documented fields,
//! sortable by any column, filterable with `/`, with live annotations once the
//! `marketo-sync-fields` check has run, and the first-sync calculator.

use super::list::ListWindow;
use super::textfield::TextField;
use super::{Effect, Msg, Screen, StepView, Wizard};
use crate::domain::checks::{CheckFacts, CheckId};
use crate::domain::fields::{self, Column, PreviewRow, SortDir, SortKey};
use crate::domain::guide::ItemId;

/// Where the keyboard is on the preview screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreviewMode {
    /// Moving in the table.
    Table,
    /// Typing a filter.
    Filter,
    /// Typing a head count.
    Calc,
}

/// The preview screen's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// Selected row, an index into the current view (and the first row on screen).
    pub rows: ListWindow,
    /// Sort order, if chosen.
    pub sort: Option<SortKey>,
    /// Filter text.
    pub filter: TextField,
    /// Keyboard focus.
    pub mode: PreviewMode,
    /// Head count for the calculator.
    pub head_count: TextField,
}

impl Preview {
    /// A fresh preview in catalog order.
    #[must_use]
    pub fn new() -> Preview {
        Preview {
            rows: ListWindow::default(),
            sort: None,
            filter: TextField::new(60),
            mode: PreviewMode::Table,
            head_count: TextField::new(20),
        }
    }
}

impl Default for Preview {
    fn default() -> Self {
        Preview::new()
    }
}

impl Wizard {
    /// The preview rows: annotated when the `marketo-sync-fields` check has a result.
    #[must_use]
    pub fn preview_rows(&self) -> Vec<PreviewRow> {
        let matches = self
            .progress
            .checks
            .get(&CheckId::MarketoSyncFields)
            .and_then(|o| match &o.facts {
                Some(CheckFacts::SyncFields { fields }) => Some(fields.as_slice()),
                _ => None,
            });
        fields::preview_rows(&self.tr, matches)
    }

    pub(super) fn update_preview(&mut self, msg: Msg) -> Vec<Effect> {
        let n_view = {
            let Screen::Preview(p) = &self.screen else {
                return Vec::new();
            };
            fields::view(&self.preview_rows(), p.sort, p.filter.value()).len()
        };
        let Screen::Preview(p) = &mut self.screen else {
            return Vec::new();
        };
        match (p.mode, msg) {
            (PreviewMode::Filter, Msg::Input(c)) => {
                p.filter.insert(c);
                p.rows = ListWindow::default();
            }
            (PreviewMode::Filter, Msg::Paste(s)) => p.filter.insert_str(&s),
            (PreviewMode::Filter, Msg::Backspace) => {
                p.filter.backspace();
                p.rows = ListWindow::default();
            }
            (PreviewMode::Filter, Msg::Back) => {
                p.filter = TextField::new(60);
                p.mode = PreviewMode::Table;
            }
            (PreviewMode::Filter, Msg::Next | Msg::FocusNext) => p.mode = PreviewMode::Table,
            (PreviewMode::Calc, Msg::Input(c)) => p.head_count.insert(c),
            (PreviewMode::Calc, Msg::Paste(s)) => p.head_count.insert_str(&s),
            (PreviewMode::Calc, Msg::Backspace) => p.head_count.backspace(),
            (PreviewMode::Calc, Msg::Back | Msg::Next | Msg::FocusNext) => {
                p.mode = PreviewMode::Table
            }
            (PreviewMode::Filter | PreviewMode::Calc, Msg::CursorLeft) => {
                if p.mode == PreviewMode::Filter {
                    p.filter.left()
                } else {
                    p.head_count.left()
                }
            }
            (PreviewMode::Filter | PreviewMode::Calc, Msg::CursorRight) => {
                if p.mode == PreviewMode::Filter {
                    p.filter.right()
                } else {
                    p.head_count.right()
                }
            }
            (PreviewMode::Table, Msg::Up) => p.rows.up(1),
            (PreviewMode::Table, Msg::Down) => p.rows.down(1, n_view),
            (PreviewMode::Table, Msg::Home) => p.rows.home(),
            (PreviewMode::Table, Msg::End) => p.rows.end(n_view),
            (PreviewMode::Table, Msg::SortBy(col)) => {
                if let Some(column) = Column::ALL.get(usize::from(col)).copied() {
                    p.sort = Some(match p.sort {
                        Some(k) if k.column == column => SortKey {
                            column,
                            dir: k.dir.flip(),
                        },
                        _ => SortKey {
                            column,
                            dir: SortDir::Asc,
                        },
                    });
                    p.rows = ListWindow::default();
                }
            }
            (PreviewMode::Table, Msg::Search) => p.mode = PreviewMode::Filter,
            (PreviewMode::Table, Msg::FocusNext) => p.mode = PreviewMode::Calc,
            (PreviewMode::Table, Msg::Back) => {
                self.set_screen(Screen::Step(StepView::new(ItemId::StartDataSync)));
            }
            (PreviewMode::Table, Msg::RunChecks) => {
                return self.run_checks(&[CheckId::MarketoSyncFields]);
            }
            (PreviewMode::Table, Msg::EditCredentials) => self.open_credentials(),
            (PreviewMode::Table, Msg::Quit) => return vec![Effect::Quit],
            _ => {}
        }
        Vec::new()
    }
}
