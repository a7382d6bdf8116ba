//! Keys to intents: `(context, key) -> Msg`. The same tables produce the footer hints and the
//! `?` overlay, so neither can disagree with what a key really does.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::domain::guide::ItemId;
use crate::wizard::preview::PreviewMode;
use crate::wizard::{Msg, Overlay, Screen, Welcome, WelcomeRow, Wizard};

/// When a binding applies beyond its context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    /// Always.
    Always,
    /// Only on a step that has alternative routes.
    HasVariants,
    /// Only when the welcome form is not the first run.
    CanLeave,
    /// Only on a step that has live checks.
    HasChecks,
    /// Only on the data-sync step (it has the field preview).
    IsSyncStep,
    /// Only on the invite-users step.
    IsInviteStep,
}

/// How a binding's keys are shown in the footer (not translated: key names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// As written, e.g. `↑/k` for Up and `k`.
    Text(&'static str),
    /// The digit keys of this binding and of every binding after it with the same hint, as a
    /// range: `1-6` for the six sort columns.
    DigitRange,
}

/// One line of a keymap.
#[derive(Debug)]
pub struct Binding {
    /// The keys that trigger it.
    pub keys: &'static [KeyCode],
    /// How the keys are shown in the footer.
    pub label: Label,
    /// What it does.
    pub msg: Msg,
    /// Catalog key of the description.
    pub hint: &'static str,
    /// Shown in the footer (all bindings are shown by `?`).
    pub footer: bool,
    /// Extra condition.
    pub when: Cond,
}

/// Where the keyboard is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Welcome form, a choice row focused.
    Welcome,
    /// Welcome form, the name field focused (letters type).
    WelcomeName,
    /// Overview hub.
    Hub,
    /// A step screen.
    Step,
    /// Summary.
    Summary,
    /// Help overlay.
    Help,
    /// Confirmation overlay.
    Confirm,
    /// Reason overlay (letters type).
    Reason,
    /// Terminal below the minimum size.
    TooSmall,
    /// The field preview table.
    Preview,
    /// The field preview, typing a filter or a head count.
    PreviewText,
    /// The credentials form, on the remember or submit row.
    Credentials,
    /// The credentials form, on a text field.
    CredentialsText,
    /// The individual invite form, on its record row.
    Individual,
    /// The individual invite form, on a text field.
    IndividualText,
    /// CSV: typing the path.
    CsvPick,
    /// CSV: a background job runs.
    CsvLoading,
    /// CSV: encoding, delimiter, header row.
    CsvIntake,
    /// CSV: a choice list is open.
    CsvChoose,
    /// CSV: the column mapping.
    CsvMapping,
    /// CSV: the validation grid.
    CsvGrid,
    /// CSV: typing a search in the grid.
    CsvSearch,
    /// CSV: the plan, on its confirm row.
    CsvPlan,
    /// CSV: the plan, editing a path.
    CsvPlanText,
    /// CSV: done.
    CsvDone,
    /// The CSV done screen once the batch is recorded.
    CsvRecorded,
    /// Hand-off: written, failed or busy (a message to read).
    HandoffInfo,
    /// Hand-off: choosing a file to merge.
    HandoffPick,
    /// Hand-off: what a merge changes, to confirm.
    HandoffPreview,
    /// The detail of a grid row.
    CsvDetail,
}

impl Context {
    /// Whether printable keys type into a field here.
    #[must_use]
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Context::WelcomeName
                | Context::Reason
                | Context::PreviewText
                | Context::CredentialsText
                | Context::IndividualText
                | Context::CsvPick
                | Context::CsvSearch
                | Context::CsvPlanText
        )
    }
}

const UP: &[KeyCode] = &[KeyCode::Up, KeyCode::Char('k')];
const DOWN: &[KeyCode] = &[KeyCode::Down, KeyCode::Char('j')];

macro_rules! b {
    ($keys:expr, $label:literal, $msg:expr, $hint:literal, $footer:literal) => {
        Binding {
            keys: $keys,
            label: Label::Text($label),
            msg: $msg,
            hint: $hint,
            footer: $footer,
            when: Cond::Always,
        }
    };
    ($keys:expr, $label:literal, $msg:expr, $hint:literal, $footer:literal, $when:expr) => {
        Binding {
            keys: $keys,
            label: Label::Text($label),
            msg: $msg,
            hint: $hint,
            footer: $footer,
            when: $when,
        }
    };
    ($keys:expr, $label:expr, $msg:expr, $hint:literal, $footer:literal) => {
        Binding {
            keys: $keys,
            label: $label,
            msg: $msg,
            hint: $hint,
            footer: $footer,
            when: Cond::Always,
        }
    };
}

#[rustfmt::skip]
static WELCOME: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Char(' ')], "Space", Msg::Toggle, "keys.choose", true),
    b!(&[KeyCode::Enter, KeyCode::Right], "Enter", Msg::Next, "keys.start", true),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.next-field", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back-hub", true, Cond::CanLeave),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static WELCOME_NAME: &[Binding] = &[
    b!(&[KeyCode::Up], "↑", Msg::Up, "keys.up", false),
    b!(&[KeyCode::Down], "↓", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.start", true),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.next-field", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
    b!(&[KeyCode::Left], "←", Msg::CursorLeft, "keys.cursor-left", false),
    b!(&[KeyCode::Right], "→", Msg::CursorRight, "keys.cursor-right", false),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.back-hub", true, Cond::CanLeave),
];

#[rustfmt::skip]
static HUB: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::PageUp], "PgUp", Msg::PageUp, "keys.page-up", false),
    b!(&[KeyCode::PageDown], "PgDn", Msg::PageDown, "keys.page-down", false),
    b!(&[KeyCode::Home, KeyCode::Char('g')], "Home/g", Msg::Home, "keys.first", false),
    b!(&[KeyCode::End, KeyCode::Char('G')], "End/G", Msg::End, "keys.last", false),
    b!(&[KeyCode::Enter, KeyCode::Right], "Enter", Msg::Next, "keys.open", true),
    b!(&[KeyCode::Char('c')], "c", Msg::Continue, "keys.continue", true),
    b!(&[KeyCode::Char('r')], "r", Msg::EditSetup, "keys.edit-setup", true),
    b!(&[KeyCode::Char('h')], "h", Msg::WriteHandoff, "keys.handoff-write", true),
    b!(&[KeyCode::Char('m')], "m", Msg::PickHandoff, "keys.handoff-merge", false),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back", false),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static STEP: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    // First in the footer, which drops hints from the right when the line is too narrow.
    b!(&[KeyCode::Char('i')], "i", Msg::InviteIndividual, "keys.invite-individual", true, Cond::IsInviteStep),
    b!(&[KeyCode::Char('u')], "u", Msg::InviteCsv, "keys.invite-csv", true, Cond::IsInviteStep),
    b!(&[KeyCode::Char(' ')], "Space", Msg::Toggle, "keys.tick", true),
    b!(&[KeyCode::Char('d')], "d", Msg::MarkDone, "keys.done", true),
    b!(&[KeyCode::Char('s')], "s", Msg::Skip, "keys.skip", true),
    b!(&[KeyCode::Char('b')], "b", Msg::Block, "keys.block", true),
    b!(&[KeyCode::Char('t')], "t", Msg::Todo, "keys.todo", false),
    b!(&[KeyCode::Char('v')], "v", Msg::CycleVariant, "keys.variant", true, Cond::HasVariants),
    b!(&[KeyCode::Char('p')], "p", Msg::OpenPreview, "keys.preview", true, Cond::IsSyncStep),
    b!(&[KeyCode::Char('l')], "l", Msg::RunChecks, "keys.live", true, Cond::HasChecks),
    b!(&[KeyCode::Char('K')], "K", Msg::EditCredentials, "keys.credentials", false, Cond::HasChecks),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.focus-notes", false),
    b!(&[KeyCode::PageUp], "PgUp", Msg::PageUp, "keys.scroll-up", false),
    b!(&[KeyCode::PageDown], "PgDn", Msg::PageDown, "keys.scroll-down", false),
    b!(&[KeyCode::Home, KeyCode::Char('g')], "Home/g", Msg::Home, "keys.first", false),
    b!(&[KeyCode::End, KeyCode::Char('G')], "End/G", Msg::End, "keys.last", false),
    b!(&[KeyCode::Char('y')], "y", Msg::Copy, "keys.copy-links", true),
    b!(&[KeyCode::Enter, KeyCode::Right], "Enter", Msg::Next, "keys.next-step", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back-hub", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static SUMMARY: &[Binding] = &[
    b!(&[KeyCode::Esc, KeyCode::Left, KeyCode::Enter], "Esc", Msg::Back, "keys.back-hub", true),
    b!(&[KeyCode::Char('h')], "h", Msg::WriteHandoff, "keys.handoff-write", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static HANDOFF_INFO: &[Binding] = &[
    b!(&[KeyCode::Esc, KeyCode::Left, KeyCode::Enter], "Esc", Msg::Back, "keys.back-hub", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static HANDOFF_PICK: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Home, KeyCode::Char('g')], "Home/g", Msg::Home, "keys.first", false),
    b!(&[KeyCode::End, KeyCode::Char('G')], "End/G", Msg::End, "keys.last", false),
    b!(&[KeyCode::Enter, KeyCode::Right], "Enter", Msg::Next, "keys.handoff-preview", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back-hub", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static HANDOFF_PREVIEW: &[Binding] = &[
    b!(&[KeyCode::Char('y'), KeyCode::Enter], "y/Enter", Msg::Yes, "keys.handoff-confirm", true),
    b!(&[KeyCode::Char('n'), KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.handoff-back", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static HELP: &[Binding] = &[
    b!(&[KeyCode::Esc, KeyCode::Char('?'), KeyCode::Char('q'), KeyCode::Enter], "Esc", Msg::Back, "keys.close", true),
];

#[rustfmt::skip]
static CONFIRM: &[Binding] = &[
    b!(&[KeyCode::Char('y'), KeyCode::Enter], "y", Msg::Yes, "keys.yes", true),
    b!(&[KeyCode::Char('n'), KeyCode::Esc], "n/Esc", Msg::No, "keys.no", true),
];

#[rustfmt::skip]
static REASON: &[Binding] = &[
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.save", true),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.cancel", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
    b!(&[KeyCode::Left], "←", Msg::CursorLeft, "keys.cursor-left", false),
    b!(&[KeyCode::Right], "→", Msg::CursorRight, "keys.cursor-right", false),
];

#[rustfmt::skip]
static PREVIEW: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Home, KeyCode::Char('g')], "Home/g", Msg::Home, "keys.first", false),
    b!(&[KeyCode::End, KeyCode::Char('G')], "End/G", Msg::End, "keys.last", false),
    b!(&[KeyCode::Char('1')], Label::DigitRange, Msg::SortBy(0), "keys.sort", true),
    b!(&[KeyCode::Char('2')], "2", Msg::SortBy(1), "keys.sort", false),
    b!(&[KeyCode::Char('3')], "3", Msg::SortBy(2), "keys.sort", false),
    b!(&[KeyCode::Char('4')], "4", Msg::SortBy(3), "keys.sort", false),
    b!(&[KeyCode::Char('5')], "5", Msg::SortBy(4), "keys.sort", false),
    b!(&[KeyCode::Char('6')], "6", Msg::SortBy(5), "keys.sort", false),
    b!(&[KeyCode::Char('/')], "/", Msg::Search, "keys.filter", true),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.calculator", true),
    b!(&[KeyCode::Char('l')], "l", Msg::RunChecks, "keys.live", true),
    b!(&[KeyCode::Char('K')], "K", Msg::EditCredentials, "keys.credentials", false),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static PREVIEW_TEXT: &[Binding] = &[
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.done-typing", true),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.done-typing", false),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.clear", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
    b!(&[KeyCode::Left], "←", Msg::CursorLeft, "keys.cursor-left", false),
    b!(&[KeyCode::Right], "→", Msg::CursorRight, "keys.cursor-right", false),
];

#[rustfmt::skip]
static CREDENTIALS: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.next-field", false),
    b!(&[KeyCode::Char(' ')], "Space", Msg::Toggle, "keys.choose", true),
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.submit", true),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.cancel", true),
];

#[rustfmt::skip]
static CREDENTIALS_TEXT: &[Binding] = &[
    b!(&[KeyCode::Up], "↑", Msg::Up, "keys.up", false),
    b!(&[KeyCode::Down], "↓", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.next-field", true),
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.submit", true),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.cancel", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
    b!(&[KeyCode::Left], "←", Msg::CursorLeft, "keys.cursor-left", false),
    b!(&[KeyCode::Right], "→", Msg::CursorRight, "keys.cursor-right", false),
];

#[rustfmt::skip]
static INDIVIDUAL: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.record", true),
    b!(&[KeyCode::Char('c')], "c", Msg::Copy, "keys.copy", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static INDIVIDUAL_TEXT: &[Binding] = &[
    b!(&[KeyCode::Up], "↑", Msg::Up, "keys.up", false),
    b!(&[KeyCode::Down], "↓", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.next-field", true),
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.next-field", false),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
    b!(&[KeyCode::Left], "←", Msg::CursorLeft, "keys.cursor-left", false),
    b!(&[KeyCode::Right], "→", Msg::CursorRight, "keys.cursor-right", false),
];

#[rustfmt::skip]
static CSV_PICK: &[Binding] = &[
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.open-file", true),
    b!(&[KeyCode::Tab], "Tab", Msg::FocusNext, "keys.complete", true),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
    b!(&[KeyCode::Left], "←", Msg::CursorLeft, "keys.cursor-left", false),
    b!(&[KeyCode::Right], "→", Msg::CursorRight, "keys.cursor-right", false),
];

#[rustfmt::skip]
static CSV_LOADING: &[Binding] = &[
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.cancel", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static CSV_INTAKE: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Enter, KeyCode::Char(' ')], "Enter", Msg::Toggle, "keys.change", true),
    b!(&[KeyCode::Right, KeyCode::Char('c')], "→/c", Msg::Next, "keys.confirm-go-on", true),
    b!(&[KeyCode::Char('<'), KeyCode::Char('[')], "</>", Msg::CursorLeft, "invites.key-columns", true),
    b!(&[KeyCode::Char('>'), KeyCode::Char(']')], ">", Msg::CursorRight, "invites.key-columns", false),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static CSV_MAPPING: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Enter, KeyCode::Char(' ')], "Enter", Msg::Toggle, "keys.change", true),
    b!(&[KeyCode::Right, KeyCode::Char('c')], "→/c", Msg::Next, "keys.confirm-go-on", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static CSV_CHOOSE: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::Home, KeyCode::Char('g')], "Home/g", Msg::Home, "keys.first", false),
    b!(&[KeyCode::End, KeyCode::Char('G')], "End/G", Msg::End, "keys.last", false),
    b!(&[KeyCode::Enter, KeyCode::Char(' ')], "Enter", Msg::Next, "keys.choose", true),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.cancel", true),
];

#[rustfmt::skip]
static CSV_GRID: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", false),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", false),
    b!(&[KeyCode::PageUp], "PgUp", Msg::PageUp, "keys.page-up", false),
    b!(&[KeyCode::PageDown], "PgDn", Msg::PageDown, "keys.page-down", false),
    b!(&[KeyCode::Home, KeyCode::Char('g')], "Home/g", Msg::Home, "keys.first", false),
    b!(&[KeyCode::End, KeyCode::Char('G')], "End/G", Msg::End, "keys.last", false),
    b!(&[KeyCode::Char('f')], "f", Msg::ToggleProblems, "keys.problems-only", true),
    b!(&[KeyCode::Char('n')], "n", Msg::NextProblem, "keys.next-problem", true),
    b!(&[KeyCode::Char('/')], "/", Msg::Search, "keys.search", true),
    b!(&[KeyCode::Enter], "Enter", Msg::Toggle, "invites.key-detail", true),
    b!(&[KeyCode::Right, KeyCode::Char('p')], "→/p", Msg::Next, "keys.plan", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static CSV_DETAIL: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.up", true),
    b!(DOWN, "↓/j", Msg::Down, "keys.down", true),
    b!(&[KeyCode::Esc, KeyCode::Enter, KeyCode::Left], "Esc", Msg::Back, "keys.close", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static CSV_SEARCH: &[Binding] = &[
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.find", true),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.clear", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
];

#[rustfmt::skip]
static CSV_PLAN: &[Binding] = &[
    b!(UP, "↑/k", Msg::Up, "keys.edit-paths", false),
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "invites.key-write", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Char('?')], "?", Msg::Help, "keys.help", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static CSV_PLAN_TEXT: &[Binding] = &[
    b!(&[KeyCode::Up], "↑", Msg::Up, "keys.up", false),
    b!(&[KeyCode::Down, KeyCode::Tab], "↓", Msg::Down, "keys.next-field", true),
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "keys.next-field", false),
    b!(&[KeyCode::Esc], "Esc", Msg::Back, "keys.back", true),
    b!(&[KeyCode::Backspace], "Bksp", Msg::Backspace, "keys.erase", false),
    b!(&[KeyCode::Left], "←", Msg::CursorLeft, "keys.cursor-left", false),
    b!(&[KeyCode::Right], "→", Msg::CursorRight, "keys.cursor-right", false),
];

#[rustfmt::skip]
static CSV_DONE: &[Binding] = &[
    b!(&[KeyCode::Enter], "Enter", Msg::Next, "invites.key-sent", true),
    b!(&[KeyCode::Esc, KeyCode::Left], "Esc", Msg::Back, "invites.key-later", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static CSV_RECORDED: &[Binding] = &[
    b!(&[KeyCode::Enter, KeyCode::Esc], "Enter", Msg::Next, "keys.back-step", true),
    b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true),
];

#[rustfmt::skip]
static TOO_SMALL: &[Binding] = &[b!(&[KeyCode::Char('q')], "q", Msg::Quit, "keys.quit", true)];

/// The binding that is not in any table: Ctrl-C quits from anywhere.
pub const CTRL_C_HINT: &str = "keys.ctrl-c";

/// The keymap of a context.
#[must_use]
pub fn bindings(ctx: Context) -> &'static [Binding] {
    match ctx {
        Context::Welcome => WELCOME,
        Context::WelcomeName => WELCOME_NAME,
        Context::Hub => HUB,
        Context::Step => STEP,
        Context::Summary => SUMMARY,
        Context::Help => HELP,
        Context::Confirm => CONFIRM,
        Context::Reason => REASON,
        Context::TooSmall => TOO_SMALL,
        Context::Preview => PREVIEW,
        Context::PreviewText => PREVIEW_TEXT,
        Context::Credentials => CREDENTIALS,
        Context::CredentialsText => CREDENTIALS_TEXT,
        Context::Individual => INDIVIDUAL,
        Context::IndividualText => INDIVIDUAL_TEXT,
        Context::CsvPick => CSV_PICK,
        Context::CsvLoading => CSV_LOADING,
        Context::CsvIntake => CSV_INTAKE,
        Context::CsvChoose => CSV_CHOOSE,
        Context::CsvMapping => CSV_MAPPING,
        Context::CsvGrid => CSV_GRID,
        Context::CsvSearch => CSV_SEARCH,
        Context::CsvPlan => CSV_PLAN,
        Context::CsvPlanText => CSV_PLAN_TEXT,
        Context::CsvDone => CSV_DONE,
        Context::CsvRecorded => CSV_RECORDED,
        Context::HandoffInfo => HANDOFF_INFO,
        Context::HandoffPick => HANDOFF_PICK,
        Context::HandoffPreview => HANDOFF_PREVIEW,
        Context::CsvDetail => CSV_DETAIL,
    }
}

/// Where the keyboard is now.
#[must_use]
pub fn context(w: &Wizard) -> Context {
    if w.too_small() {
        return Context::TooSmall;
    }
    match &w.overlay {
        Some(Overlay::Help) => return Context::Help,
        Some(Overlay::Confirm(_)) => return Context::Confirm,
        Some(Overlay::Reason { .. }) => return Context::Reason,
        Some(Overlay::Credentials(f)) => {
            return if f.on_text() {
                Context::CredentialsText
            } else {
                Context::Credentials
            };
        }
        None => {}
    }
    screen_context(w)
}

/// The context of the screen under any overlay (what `?` describes).
#[must_use]
pub fn screen_context(w: &Wizard) -> Context {
    match &w.screen {
        Screen::Welcome(f) => {
            if Welcome::rows(&w.guide).get(f.cursor) == Some(&WelcomeRow::Name) {
                Context::WelcomeName
            } else {
                Context::Welcome
            }
        }
        Screen::Hub(_) => Context::Hub,
        Screen::Step(_) => Context::Step,
        Screen::Summary => Context::Summary,
        Screen::Individual(f) => {
            if f.on_text() {
                Context::IndividualText
            } else {
                Context::Individual
            }
        }
        Screen::Csv(f) => {
            use crate::wizard::csvflow::{PlanRow, Stage};
            match &f.stage {
                Stage::Pick(_) => Context::CsvPick,
                Stage::Loading(_) => Context::CsvLoading,
                Stage::Intake(s) if s.choosing.is_some() => Context::CsvChoose,
                Stage::Intake(_) => Context::CsvIntake,
                Stage::Mapping(s) if s.choosing.is_some() => Context::CsvChoose,
                Stage::Mapping(_) => Context::CsvMapping,
                Stage::Grid(s) if s.checked.searching => Context::CsvSearch,
                Stage::Grid(s) if s.checked.detail => Context::CsvDetail,
                Stage::Grid(_) => Context::CsvGrid,
                Stage::Plan(s) if s.row != PlanRow::Confirm => Context::CsvPlanText,
                Stage::Plan(_) => Context::CsvPlan,
                Stage::Done(d) if d.recorded => Context::CsvRecorded,
                Stage::Done(_) => Context::CsvDone,
            }
        }
        Screen::Handoff(h) => {
            use crate::wizard::handoff::HandoffScreen;
            match **h {
                HandoffScreen::Pick { .. } => Context::HandoffPick,
                HandoffScreen::Preview { .. } => Context::HandoffPreview,
                _ => Context::HandoffInfo,
            }
        }
        Screen::Preview(p) => match p.mode {
            PreviewMode::Table => Context::Preview,
            PreviewMode::Filter | PreviewMode::Calc => Context::PreviewText,
        },
    }
}

fn applies(w: &Wizard, b: &Binding) -> bool {
    match b.when {
        Cond::Always => true,
        Cond::HasVariants => match &w.screen {
            Screen::Step(v) => !w.guide.item(v.item).variants.is_empty(),
            _ => false,
        },
        Cond::CanLeave => matches!(&w.screen, Screen::Welcome(f) if !f.first_run),
        Cond::HasChecks => match &w.screen {
            Screen::Step(v) => !crate::wizard::live::checks_of(v.item).is_empty(),
            _ => false,
        },
        Cond::IsInviteStep => {
            matches!(&w.screen, Screen::Step(v) if v.item == ItemId::InviteUsers)
        }
        Cond::IsSyncStep => {
            matches!(&w.screen, Screen::Step(v) if v.item == ItemId::StartDataSync)
        }
    }
}

/// The bindings that apply now in `ctx`.
pub fn active(w: &Wizard, ctx: Context) -> impl Iterator<Item = &'static Binding> + '_ {
    bindings(ctx).iter().filter(move |b| applies(w, b))
}

/// The intent of a key press, if it has one here.
#[must_use]
pub fn to_msg(w: &Wizard, ev: KeyEvent) -> Option<Msg> {
    if !matches!(ev.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
        return None;
    }
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(ev.code, KeyCode::Char('c' | 'C')) {
        return Some(Msg::ForceQuit);
    }
    if ctrl || ev.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    let ctx = context(w);
    if ev.code == KeyCode::BackTab {
        return match ctx {
            Context::Welcome | Context::WelcomeName => Some(Msg::Up),
            Context::Step => Some(Msg::FocusNext),
            _ => None,
        };
    }
    if let Some(b) = active(w, ctx).find(|b| b.keys.contains(&ev.code)) {
        return Some(b.msg.clone());
    }
    match ev.code {
        KeyCode::Char(c) if ctx.is_text() => Some(Msg::Input(c)),
        _ => None,
    }
}

/// The label of the binding at `at` in `table`, as the footer shows it.
fn label_at(table: &[Binding], at: usize) -> String {
    let Some(b) = table.get(at) else {
        return String::new();
    };
    match b.label {
        Label::Text(t) => t.to_string(),
        Label::DigitRange => {
            let digits: Vec<char> = table[at..]
                .iter()
                .take_while(|x| x.hint == b.hint)
                .flat_map(|x| x.keys.iter())
                .filter_map(|k| match k {
                    KeyCode::Char(c) if c.is_ascii_digit() => Some(*c),
                    _ => None,
                })
                .collect();
            match (digits.iter().min(), digits.iter().max()) {
                (Some(lo), Some(hi)) if lo != hi => format!("{lo}-{hi}"),
                (Some(lo), _) => lo.to_string(),
                _ => key_names(b.keys),
            }
        }
    }
}

/// `(keys, catalog key)` of the footer bindings of `ctx` that apply now, in table order.
fn hints_in(w: Option<&Wizard>, ctx: Context) -> Vec<(String, &'static str)> {
    let table = bindings(ctx);
    table
        .iter()
        .enumerate()
        .filter(|(_, b)| b.footer && w.is_none_or(|w| applies(w, b)))
        .map(|(n, b)| (label_at(table, n), b.hint))
        .collect()
}

/// `(keys, catalog key)` for the footer, in table order.
#[must_use]
pub fn footer_hints(w: &Wizard) -> Vec<(String, &'static str)> {
    hints_in(Some(w), context(w))
}

/// `(keys, catalog key)` of an overlay's own keys (confirm, reason), drawn inside it: the same
/// table as its footer.
#[must_use]
pub fn overlay_hints(ctx: Context) -> Vec<(String, &'static str)> {
    hints_in(None, ctx)
}

/// Key labels for catalog text that names a key: the placeholder `{key-quit}` is the label of
/// the binding whose hint is `keys.quit`, taken from the screen's own keymap first, then from
/// any keymap. So a text can never name a key the keymap does not bind to that action.
#[must_use]
pub fn key_args(w: &Wizard) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let screen = screen_context(w);
    let tables = std::iter::once(screen).chain(ALL_CONTEXTS.iter().copied());
    for ctx in tables {
        let table = bindings(ctx);
        for (n, b) in table.iter().enumerate() {
            let name = key_placeholder(b.hint);
            if !out.iter().any(|(h, _)| *h == name) {
                out.push((name, label_at(table, n)));
            }
        }
    }
    out
}

/// The placeholder that names the key of the binding with hint `hint`: `keys.quit` → `key-quit`.
#[must_use]
pub fn key_placeholder(hint: &str) -> String {
    format!("key-{}", hint.strip_prefix("keys.").unwrap_or(hint))
}

/// Every key name a binding shows, for the help overlay: `(label, catalog key)`.
#[must_use]
pub fn help_lines(w: &Wizard) -> Vec<(String, &'static str)> {
    active(w, screen_context(w))
        .map(|b| (key_names(b.keys), b.hint))
        .collect()
}

/// All key names of a binding, e.g. `↑ k`.
#[must_use]
pub fn key_names(keys: &[KeyCode]) -> String {
    keys.iter()
        .map(|k| match k {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::Backspace => "Bksp".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every context, in the order [`key_args`] falls back through them.
const ALL_CONTEXTS: [Context; 30] = [
    Context::Welcome,
    Context::WelcomeName,
    Context::Hub,
    Context::Step,
    Context::Summary,
    Context::Help,
    Context::Confirm,
    Context::Reason,
    Context::TooSmall,
    Context::Preview,
    Context::PreviewText,
    Context::Credentials,
    Context::CredentialsText,
    Context::Individual,
    Context::IndividualText,
    Context::CsvPick,
    Context::CsvLoading,
    Context::CsvIntake,
    Context::CsvChoose,
    Context::CsvMapping,
    Context::CsvGrid,
    Context::CsvSearch,
    Context::CsvPlan,
    Context::CsvPlanText,
    Context::CsvDone,
    Context::CsvRecorded,
    Context::HandoffInfo,
    Context::HandoffPick,
    Context::HandoffPreview,
    Context::CsvDetail,
];

/// Every binding of every context, for the catalog test.
#[must_use]
pub fn all_hint_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = ALL_CONTEXTS
        .iter()
        .flat_map(|c| bindings(*c).iter().map(|b| b.hint))
        .collect();
    keys.push(CTRL_C_HINT);
    keys.sort_unstable();
    keys.dedup();
    keys
}
