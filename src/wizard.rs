//! The screen state machine: `Wizard::update(msg, now) -> Vec<Effect>`.
//!
//! One [`Screen`] variant per screen, each carrying its own state; overlays (help, confirm,
//! reason) sit on top. Transitions happen only in `update`; saving and quitting are returned as
//! [`Effect`]s for the runtime to carry out, so every transition is tested without a terminal,
//! a disk or a clock (the time arrives as an argument). Imports `domain` only.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::domain::guide::{Guide, ItemId, Role};
use crate::domain::progress::{Progress, Status};
use crate::domain::text::{Catalog, Detail, Lang, Localize};

pub mod csvflow;
pub mod handoff;
pub mod individual;
pub mod journal;
pub mod list;
pub mod live;
pub mod preview;
pub mod textfield;

use std::collections::BTreeMap;

use csvflow::{CsvFlow, CsvJobError, Exported, FileMeta};
use individual::Individual;
use live::{CredentialForm, CredentialInput};
use preview::Preview;
use textfield::TextField;

use crate::domain::checks::{CheckId, CheckOutcome, System};
use crate::domain::csv_intake::{Intake, Mapping, Remembered, Report, Sample};

/// Shared data compared by identity (a message carries it; equality means "the same one").
#[derive(Debug)]
pub struct Shared<T: ?Sized>(pub std::sync::Arc<T>);

impl<T: ?Sized> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(std::sync::Arc::clone(&self.0))
    }
}

impl<T: ?Sized> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}
impl<T: ?Sized> Eq for Shared<T> {}

/// Something to tell the user that comes from outside the core (a failed save, refused
/// credentials, a notice from loading): the typed error or notice itself, rendered in the
/// user's language only when `ui` draws it. Compared by identity.
pub type Notice = Shared<dyn Localize>;

/// Wraps a typed error or notice as a [`Notice`].
#[must_use]
pub fn notice(n: impl Localize + 'static) -> Notice {
    Shared(Arc::new(n))
}

/// Longest name accepted on the welcome screen.
pub const NAME_MAX: usize = 80;
/// Longest reason accepted for skipped/blocked.
pub const REASON_MAX: usize = 300;

/// A user intent (imperative) or a completion (past tense). Keys never reach `update`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Move up one row.
    Up,
    /// Move down one row.
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// First row.
    Home,
    /// Last row.
    End,
    /// Go on (Enter, →).
    Next,
    /// Go back (Esc, ←); never quits.
    Back,
    /// Tick / untick / choose (Space).
    Toggle,
    /// Switch focus (Tab).
    FocusNext,
    /// Open the next undone step for my roles.
    Continue,
    /// Mark the open step done.
    MarkDone,
    /// Skip the open step (asks for a reason).
    Skip,
    /// Mark the open step blocked (asks for a reason).
    Block,
    /// Set the open step back to todo.
    Todo,
    /// Switch the route of a step with variants.
    CycleVariant,
    /// Change roles, name or language.
    EditSetup,
    /// Show every key.
    Help,
    /// Answer yes in a confirmation.
    Yes,
    /// Answer no in a confirmation.
    No,
    /// Quit (progress is already saved).
    Quit,
    /// Quit from anywhere (Ctrl-C, SIGTERM).
    ForceQuit,
    /// Type a character into the focused field.
    Input(char),
    /// Paste text into the focused field.
    Paste(String),
    /// Delete the character before the cursor.
    Backspace,
    /// Move the text cursor left.
    CursorLeft,
    /// Move the text cursor right.
    CursorRight,
    /// The terminal was resized.
    Resize(u16, u16),
    /// A save failed (the runtime reports it, with the store's error).
    SaveFailed(Notice),
    /// The invite journal was read after the first frame (see [`journal`]).
    JournalLoaded(Result<Shared<std::collections::BTreeSet<String>>, Notice>),
    /// Run the live checks of this screen.
    RunChecks,
    /// Enter credentials for the live checks.
    EditCredentials,
    /// Open the Action Field Sync preview.
    OpenPreview,
    /// Sort the preview by column `n` (0-based; again flips the direction).
    SortBy(u8),
    /// Start typing a filter.
    Search,
    /// The spinner's clock (only while something runs).
    Tick,
    /// A live check ended.
    CheckFinished {
        /// The ticket it was started with.
        ticket: u64,
        /// Its result.
        outcome: Box<CheckOutcome>,
    },
    /// The runtime accepted typed credentials.
    CredentialsAccepted(System),
    /// The runtime refused typed credentials (why).
    CredentialsRejected(Notice),
    /// Open the individual invite form.
    InviteIndividual,
    /// Open the CSV invite flow.
    InviteCsv,
    /// Copy the text to paste (OSC 52).
    Copy,
    /// Grid: only rows with problems, or all.
    ToggleProblems,
    /// Grid: jump to the next row with a problem.
    NextProblem,
    /// The head of a CSV was read.
    CsvSampled {
        /// The load's ticket.
        ticket: u64,
        /// The sample and file facts, or why the file cannot be read.
        result: Result<(Shared<Sample>, FileMeta), CsvJobError>,
    },
    /// Progress of a CSV job (validation, export).
    CsvProgress {
        /// The job's ticket.
        ticket: u64,
        /// Bytes read.
        bytes: u64,
        /// Rows seen.
        rows: u64,
    },
    /// Validation ended.
    CsvValidated {
        /// The job's ticket.
        ticket: u64,
        /// The report and the decoded text, or why the pass stopped.
        result: Result<(Shared<Report>, Shared<str>), CsvJobError>,
    },
    /// The outputs were written.
    CsvExported {
        /// The job's ticket.
        ticket: u64,
        /// What was written, or why nothing was.
        result: Result<Exported, CsvJobError>,
    },
    /// The addresses of an invite CSV written earlier were read again (resuming at the
    /// "sent" confirm).
    CsvSentRead {
        /// The job's ticket.
        ticket: u64,
        /// The addresses, or why the file cannot be read.
        result: Result<Vec<String>, CsvJobError>,
    },
    /// Write the hand-off file for the other admin (`h`).
    WriteHandoff,
    /// Choose a hand-off file to merge (`m`).
    PickHandoff,
    /// The hand-off file was written (its path), or why not.
    HandoffWritten(Result<String, Notice>),
    /// The hand-off files found in the current directory.
    HandoffsListed(Vec<handoff::Candidate>),
    /// A grid search ended (nothing is sent once it was cancelled).
    CsvSearched {
        /// The search's ticket.
        ticket: u64,
        /// The view position of the first matching row after the cursor, or `None`.
        found: Option<usize>,
    },
    /// Path completions for `partial`.
    PathCompletions {
        /// What was typed when asked.
        partial: String,
        /// Candidates (directories end in `/`).
        list: Vec<String>,
    },
}

/// Work for the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Save this snapshot of the progress.
    Save(Box<Progress>),
    /// Append these addresses, just recorded as invited, to the journal file (before the
    /// `Save` that records their batch).
    AppendJournal(Vec<String>),
    /// Leave the program.
    Quit,
    /// Read the invite journal; answer with `Msg::JournalLoaded` (see [`journal`]).
    LoadJournal,
    /// Run a live check; answer with `Msg::CheckFinished` carrying the same ticket.
    RunCheck {
        /// Identifies this run.
        ticket: u64,
        /// Which check.
        id: CheckId,
    },
    /// Stop a running check (its result, if any, is stale).
    CancelCheck {
        /// The run to stop.
        ticket: u64,
    },
    /// Check and use typed credentials (and save them if asked).
    SubmitCredentials(CredentialInput),
    /// Read the head of a CSV; answer `Msg::CsvSampled`.
    LoadCsv {
        /// Identifies this load.
        ticket: u64,
        /// The path as typed.
        path: String,
    },
    /// Validate every row; answer `Msg::CsvProgress` then `Msg::CsvValidated`.
    ValidateCsv {
        /// Identifies this run.
        ticket: u64,
        /// The file.
        path: String,
        /// How to read it.
        intake: Box<Intake>,
        /// Which column feeds which field.
        mapping: Box<Mapping>,
        /// Addresses already invited.
        invited: Vec<String>,
        /// Seats left.
        seats: u64,
        /// Team names already recorded.
        teams_recorded: Vec<String>,
    },
    /// Write the clean CSV and the report; answer `Msg::CsvProgress` then `Msg::CsvExported`
    /// (nothing once cancelled).
    ExportCsv {
        /// Identifies this run.
        ticket: u64,
        /// The source file.
        path: String,
        /// The clean CSV to write.
        out: String,
        /// The report to write.
        report_path: String,
        /// How to read the source.
        intake: Box<Intake>,
        /// The mapping.
        mapping: Box<Mapping>,
        /// The validation report.
        report: std::sync::Arc<Report>,
        /// At most this many rows in the clean CSV (the seats left).
        limit: Option<u64>,
        /// Where the valid rows past `limit` go.
        left_out: Option<String>,
    },
    /// Read the addresses of an invite CSV written earlier; answer `Msg::CsvSentRead`.
    ReadSent {
        /// Identifies this read.
        ticket: u64,
        /// The invite CSV.
        path: String,
    },
    /// Look through the grid's rows for a text, from the row after `from` (wrapping); answer
    /// `Msg::CsvProgress` (rows looked at) then `Msg::CsvSearched` (nothing once cancelled).
    SearchCsv {
        /// Identifies this search.
        ticket: u64,
        /// The decoded file.
        text: std::sync::Arc<str>,
        /// Where each row starts in `text`.
        report: std::sync::Arc<Report>,
        /// The rows of the view (indexes into `report.rows`); `None`: all rows.
        view: Option<std::sync::Arc<Vec<u32>>>,
        /// The cursor's position in the view.
        from: usize,
        /// The text to find, in any case.
        needle: String,
        /// The file's delimiter.
        delimiter: u8,
    },
    /// Stop a CSV job.
    CancelCsv {
        /// The job.
        ticket: u64,
    },
    /// List completions of a path; answer `Msg::PathCompletions`.
    CompletePath {
        /// What was typed.
        partial: String,
    },
    /// Save the remembered column mappings.
    SaveMappings(Box<Remembered>),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Write the hand-off file of this progress; answer `Msg::HandoffWritten`.
    WriteHandoff(Box<Progress>),
    /// List the hand-off files in the current directory; answer `Msg::HandoffsListed`.
    ListHandoffs,
}

/// A row of the welcome form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WelcomeRow {
    /// A language choice.
    Lang(Lang),
    /// A role checkbox.
    Role(Role),
    /// The name field.
    Name,
    /// The start button.
    Start,
}

/// The welcome form (first run, or `r` from the hub).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Welcome {
    /// Focused row.
    pub cursor: usize,
    /// Chosen language.
    pub lang: Lang,
    /// Chosen roles.
    pub roles: Vec<Role>,
    /// Name, recorded as "done by".
    pub name: TextField,
    /// First run (Esc does nothing) or editing (Esc returns to the hub).
    pub first_run: bool,
    /// Catalog key of a validation error to show.
    pub error: Option<&'static str>,
}

impl Welcome {
    /// The rows of the form, top to bottom.
    #[must_use]
    pub fn rows(guide: &Guide) -> Vec<WelcomeRow> {
        let mut rows: Vec<WelcomeRow> = Lang::ALL.iter().map(|l| WelcomeRow::Lang(*l)).collect();
        rows.extend(guide.roles().iter().copied().map(WelcomeRow::Role));
        rows.push(WelcomeRow::Name);
        rows.push(WelcomeRow::Start);
        rows
    }
}

/// The overview hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hub {
    /// Selected item index.
    pub cursor: usize,
}

/// Which panel of a step screen has focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepFocus {
    /// The sub-step checklist.
    Checklist,
    /// The notes and links panel.
    Notes,
}

/// One prerequisite or step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepView {
    /// The item shown.
    pub item: ItemId,
    /// Selected sub-step, an index into the sub-steps of the chosen route.
    pub cursor: usize,
    /// Focused panel.
    pub focus: StepFocus,
    /// Scroll offset of the notes panel.
    pub notes_scroll: u16,
    /// How far the notes panel can scroll, as the renderer measured it on the last draw (like
    /// ratatui's list state): End jumps there and scrolling down stops there.
    pub notes_max: std::cell::Cell<u16>,
}

/// The current screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Language, roles, name.
    Welcome(Welcome),
    /// Every item with its status.
    Hub(Hub),
    /// One item's checklist.
    Step(StepView),
    /// Everything for my roles is done.
    Summary,
    /// The Action Field Sync preview table.
    Preview(Preview),
    /// Invite individually.
    Individual(Individual),
    /// Invite via CSV.
    Csv(Box<CsvFlow>),
    /// Write or merge a hand-off file.
    Handoff(Box<handoff::HandoffScreen>),
}

/// What a confirmation is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmAction {
    /// Mark an item done although sub-steps are unticked.
    MarkDoneAnyway {
        /// The item.
        item: ItemId,
        /// How many required sub-steps are unticked.
        unticked: usize,
    },
    /// Write the CSV outputs (nothing is recorded yet).
    ExportCsv {
        /// Addresses to invite.
        rows: u64,
    },
    /// The user clicked Invite in the web app: record the CSV batch.
    RecordCsv {
        /// Addresses to record.
        rows: u64,
        /// The invite CSV uploaded.
        path: String,
    },
    /// Record the typed addresses as invited.
    RecordIndividual {
        /// Addresses to record.
        count: usize,
    },
    /// Tick the sub-steps a passing check proved.
    TickProven {
        /// The item.
        item: ItemId,
        /// The check.
        check: CheckId,
        /// Sub-step ids not yet ticked.
        subs: Vec<String>,
    },
}

/// An overlay on top of the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// Every key.
    Help,
    /// A yes/no question.
    Confirm(ConfirmAction),
    /// A reason for skipped/blocked.
    Reason {
        /// The item.
        item: ItemId,
        /// Skipped or blocked.
        status: Status,
        /// The reason typed so far.
        field: TextField,
        /// Show "a reason is required".
        empty_error: bool,
    },
    /// Credentials for the live checks.
    Credentials(CredentialForm),
}

/// How a banner looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BannerKind {
    /// Neutral information.
    Info,
    /// Something went wrong.
    Error,
}

/// What a banner says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BannerText {
    /// Text already in the user's language.
    Text(String),
    /// Messages rendered in the user's language when drawn, one after the other.
    Notices(Vec<Notice>),
}

impl BannerText {
    /// The text, when it is already in the user's language.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            BannerText::Text(t) => Some(t),
            BannerText::Notices(_) => None,
        }
    }
}

/// A one-line message under the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    /// What it says.
    pub text: BannerText,
    /// Look.
    pub kind: BannerKind,
}

/// How the wizard starts.
#[derive(Clone, Debug, Default)]
pub struct Start {
    /// `--step ID`.
    pub step: Option<ItemId>,
    /// Notices from loading (restored from backup, ...).
    pub notices: Vec<Notice>,
    /// Draw without colours.
    pub no_color: bool,
    /// Remembered CSV column mappings (from `mappings.toml`).
    pub remembered: Remembered,
}

/// The whole model.
#[derive(Debug)]
pub struct Wizard {
    /// The documented process.
    pub guide: Arc<Guide>,
    /// Text in the chosen language.
    pub tr: Catalog,
    /// The checklist.
    pub progress: Progress,
    /// The current screen.
    pub screen: Screen,
    /// An overlay, if any.
    pub overlay: Option<Overlay>,
    /// A one-line message.
    pub banner: Option<Banner>,
    /// Time zone for showing times.
    pub tz: TimeZone,
    /// Terminal size in cells.
    pub viewport: (u16, u16),
    /// Draw without colours.
    pub no_color: bool,
    /// The terminal is known to show OSC 8 hyperlinks: doc links are drawn as links (set from
    /// the environment by `main`, off everywhere else).
    pub hyperlinks: bool,
    /// Item to open after the welcome (from `--step`).
    after_welcome: Option<ItemId>,
    /// Running live checks, by ticket.
    pub running: BTreeMap<u64, CheckId>,
    /// The last ticket handed out.
    next_ticket: u64,
    /// Spinner frame.
    pub spinner: usize,
    /// Remembered CSV column mappings, by header fingerprint.
    pub remembered: Remembered,
    /// What was last typed into the credentials form, secrets left out: a form opened again
    /// (after a wrong secret) keeps the URL and the client ID.
    pub typed: Option<live::KeptFields>,
    /// Whether the invite journal has been read (see [`journal`]).
    pub journal: journal::Journal,
}

/// Minimum usable terminal size.
pub const MIN_SIZE: (u16, u16) = (80, 24);

impl Wizard {
    /// Builds the model from loaded progress: the welcome on first run, else the step asked
    /// for, else the hub with the cursor on the next undone item for my roles.
    #[must_use]
    pub fn new(guide: Arc<Guide>, tr: Catalog, progress: Progress, start: Start) -> Wizard {
        let step = start.step;
        let banner = (!start.notices.is_empty()).then(|| Banner {
            text: BannerText::Notices(start.notices),
            kind: BannerKind::Error,
        });
        let mut w = Wizard {
            guide,
            tr,
            progress,
            screen: Screen::Summary,
            overlay: None,
            banner,
            tz: TimeZone::UTC,
            viewport: MIN_SIZE,
            no_color: start.no_color,
            hyperlinks: false,
            after_welcome: None,
            running: BTreeMap::new(),
            next_ticket: 0,
            spinner: 0,
            remembered: start.remembered,
            typed: None,
            journal: journal::Journal::Ready,
        };
        w.screen = if !w.progress.is_set_up() {
            w.after_welcome = step;
            Screen::Welcome(w.welcome_form(true))
        } else if let Some(item) = step {
            Screen::Step(StepView::new(item))
        } else if let Some(r) = w.progress.resume.clone() {
            // Back where the user quit: that screen, that sub-step.
            let mut view = StepView::new(r.item);
            if let Some(sub) = &r.substep {
                view.cursor = w
                    .visible_substeps(r.item)
                    .iter()
                    .position(|s| s.id == *sub)
                    .unwrap_or(0);
            }
            Screen::Step(view)
        } else {
            Screen::Hub(Hub {
                cursor: w.next_row(),
            })
        };
        w
    }

    fn welcome_form(&self, first_run: bool) -> Welcome {
        let lang = self.tr.lang();
        let cursor = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
        Welcome {
            cursor,
            lang,
            roles: self.progress.setup.roles.clone(),
            name: TextField::with_value(
                self.progress.setup.name.as_deref().unwrap_or(""),
                NAME_MAX,
            ),
            first_run,
            error: None,
        }
    }

    /// Work to do right after the first frame: resume an unfinished CSV invite.
    pub fn startup_effects(&mut self) -> Vec<Effect> {
        let mut effects = match self.journal {
            journal::Journal::Loading { .. } => vec![Effect::LoadJournal],
            _ => Vec::new(),
        };
        effects.extend(match (&self.screen, &self.progress.csv_flow) {
            (Screen::Hub(_), Some(_)) => self.open_csv(),
            (Screen::Step(v), Some(_)) if v.item == ItemId::InviteUsers => self.open_csv(),
            _ => Vec::new(),
        });
        effects
    }

    /// The roles I hold.
    #[must_use]
    pub fn roles(&self) -> &[Role] {
        &self.progress.setup.roles
    }

    /// Next undone item for my roles.
    #[must_use]
    pub fn next_item(&self) -> Option<ItemId> {
        self.progress
            .next_for(&self.guide, &self.progress.setup.roles)
    }

    /// The hub row of the next undone item (the first row when all is done).
    #[must_use]
    fn next_row(&self) -> usize {
        self.next_item().map_or(0, ItemId::index)
    }

    /// Whether the terminal is below the minimum size.
    #[must_use]
    pub fn too_small(&self) -> bool {
        self.viewport.0 < MIN_SIZE.0 || self.viewport.1 < MIN_SIZE.1
    }

    fn by(&self) -> Option<String> {
        self.progress.setup.name.clone()
    }

    fn save(&self) -> Vec<Effect> {
        vec![Effect::Save(Box::new(self.progress.clone()))]
    }

    fn set_screen(&mut self, s: Screen) {
        self.screen = s;
        self.banner = None;
    }

    fn info(&mut self, text: String) {
        self.banner = Some(Banner {
            text: BannerText::Text(text),
            kind: BannerKind::Info,
        });
    }

    /// An information banner rendered when drawn (its text may name keys, which `ui` fills in
    /// from the keymap).
    fn tell(&mut self, messages: Vec<Detail>) {
        self.banner = Some(Banner {
            text: BannerText::Notices(messages.into_iter().map(notice).collect()),
            kind: BannerKind::Info,
        });
    }

    /// Applies one message; returns the work for the runtime. Leaving the screen whose checks
    /// run cancels them.
    pub fn update(&mut self, msg: Msg, now: Timestamp) -> Vec<Effect> {
        let scope = self.check_scope();
        let mut effects = self.apply(msg, now);
        if self.check_scope() != scope && !self.running.is_empty() {
            effects.extend(self.cancel_all());
        }
        if let Some(at) = effects.iter().position(|e| *e == Effect::Quit) {
            // Remember the screen and sub-step, so a restart comes back here.
            let here = self.resume_point();
            if here.is_some() && here != self.progress.resume {
                self.progress.resume = here;
                effects.insert(at, Effect::Save(Box::new(self.progress.clone())));
            }
        }
        effects
    }

    /// The item screen and sub-step the user is on, if on one (a sub-screen of a step counts as
    /// its step).
    #[must_use]
    pub fn resume_point(&self) -> Option<crate::domain::progress::ResumeAt> {
        use crate::domain::progress::ResumeAt;
        match &self.screen {
            Screen::Step(v) => Some(ResumeAt {
                item: v.item,
                substep: self
                    .visible_substeps(v.item)
                    .get(v.cursor)
                    .map(|s| s.id.clone()),
            }),
            Screen::Preview(_) => Some(ResumeAt {
                item: ItemId::StartDataSync,
                substep: None,
            }),
            Screen::Individual(_) => Some(ResumeAt {
                item: ItemId::InviteUsers,
                substep: None,
            }),
            // The CSV flow resumes itself (`csv_flow`), and not once it is finished.
            // The hand-off screens are a moment of the hub's, not a place to come back to.
            Screen::Csv(_)
            | Screen::Welcome(_)
            | Screen::Hub(_)
            | Screen::Summary
            | Screen::Handoff(_) => None,
        }
    }

    fn apply(&mut self, msg: Msg, now: Timestamp) -> Vec<Effect> {
        match msg {
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                return Vec::new();
            }
            Msg::CheckFinished { ticket, outcome } => {
                return self.check_finished(ticket, *outcome, now);
            }
            Msg::CredentialsAccepted(system) => return self.credentials_accepted(system),
            Msg::CredentialsRejected(text) => {
                self.credentials_rejected(text);
                return Vec::new();
            }
            Msg::CsvSampled { ticket, result } => {
                return self.csv_sampled(ticket, result.map(|(s, m)| (s.0, m)));
            }
            Msg::CsvProgress {
                ticket,
                bytes,
                rows,
            } => {
                self.csv_progress(ticket, bytes, rows);
                return Vec::new();
            }
            Msg::CsvValidated { ticket, result } => {
                return self.csv_validated(ticket, result.map(|(r, t)| (r.0, t.0)));
            }
            Msg::CsvExported { ticket, result } => return self.csv_exported(ticket, result, now),
            Msg::CsvSentRead { ticket, result } => return self.csv_sent_read(ticket, result),
            Msg::CsvSearched { ticket, found } => {
                self.csv_searched(ticket, found);
                return Vec::new();
            }
            Msg::PathCompletions { partial, list } => {
                self.csv_completions(&partial, list);
                return Vec::new();
            }
            Msg::HandoffWritten(result) => {
                self.handoff_written(result);
                return Vec::new();
            }
            Msg::HandoffsListed(files) => {
                self.handoffs_listed(files);
                return Vec::new();
            }
            Msg::Resize(w, h) => {
                self.viewport = (w, h);
                return Vec::new();
            }
            Msg::ForceQuit => return vec![Effect::Quit],
            Msg::JournalLoaded(result) => return self.journal_loaded(result),
            // Esc while a screen waits for the journal: it will not open.
            Msg::Back if self.holds_keys() => {
                self.stop_waiting_for_journal();
                return Vec::new();
            }
            Msg::SaveFailed(error) => {
                self.banner = Some(Banner {
                    text: BannerText::Notices(vec![
                        error,
                        notice(Detail::new("core.err.write-kept")),
                    ]),
                    kind: BannerKind::Error,
                });
                return Vec::new();
            }
            _ => {}
        }
        if self.overlay.is_some() {
            return self.update_overlay(msg, now);
        }
        if msg == Msg::Help {
            self.overlay = Some(Overlay::Help);
            return Vec::new();
        }
        match &self.screen {
            Screen::Welcome(_) => self.update_welcome(msg, now),
            Screen::Hub(_) => self.update_hub(msg),
            Screen::Step(_) => self.update_step(msg, now),
            Screen::Preview(_) => self.update_preview(msg),
            Screen::Individual(_) => self.update_individual(msg),
            Screen::Csv(_) => self.update_csv(msg),
            Screen::Handoff(_) => self.update_handoff(msg, now),
            Screen::Summary => match msg {
                Msg::WriteHandoff => self.write_handoff(),
                Msg::Back | Msg::Next => {
                    let cursor = self.next_row();
                    self.set_screen(Screen::Hub(Hub { cursor }));
                    Vec::new()
                }
                Msg::Quit => vec![Effect::Quit],
                _ => Vec::new(),
            },
        }
    }

    fn update_overlay(&mut self, msg: Msg, now: Timestamp) -> Vec<Effect> {
        let Some(overlay) = self.overlay.take() else {
            return Vec::new();
        };
        match overlay {
            Overlay::Help => {
                if !matches!(msg, Msg::Back | Msg::Help | Msg::Quit | Msg::Next) {
                    self.overlay = Some(Overlay::Help);
                }
                Vec::new()
            }
            Overlay::Credentials(form) => self.update_credentials(form, msg),
            Overlay::Confirm(action) => match msg {
                Msg::Yes | Msg::Next => self.confirmed(action, now),
                Msg::No | Msg::Back => Vec::new(),
                _ => {
                    self.overlay = Some(Overlay::Confirm(action));
                    Vec::new()
                }
            },
            Overlay::Reason {
                item,
                status,
                mut field,
                mut empty_error,
            } => {
                match msg {
                    Msg::Back => return Vec::new(),
                    Msg::Next => {
                        let by = self.by();
                        let it = self.guide.item(item);
                        if self
                            .progress
                            .set_status(it, status, Some(field.value()), now, by.as_deref())
                            .is_ok()
                        {
                            let key = if status == Status::Skipped {
                                "core.step.skipped"
                            } else {
                                "core.step.blocked"
                            };
                            self.info(self.tr.t(key).to_string());
                            return self.save();
                        }
                        empty_error = true;
                    }
                    Msg::Input(c) => {
                        field.insert(c);
                        empty_error = false;
                    }
                    Msg::Paste(s) => field.insert_str(&s),
                    Msg::Backspace => field.backspace(),
                    Msg::CursorLeft => field.left(),
                    Msg::CursorRight => field.right(),
                    _ => {}
                }
                self.overlay = Some(Overlay::Reason {
                    item,
                    status,
                    field,
                    empty_error,
                });
                Vec::new()
            }
        }
    }

    fn confirmed(&mut self, action: ConfirmAction, now: Timestamp) -> Vec<Effect> {
        match action {
            ConfirmAction::MarkDoneAnyway { item, .. } => self.mark_done(item, now),
            ConfirmAction::TickProven { item, subs, .. } => self.tick_proven(item, &subs, now),
            ConfirmAction::ExportCsv { .. } => self.csv_export(),
            ConfirmAction::RecordCsv { .. } => self.csv_record(now),
            ConfirmAction::RecordIndividual { .. } => self.record_individual(now),
        }
    }

    fn mark_done(&mut self, item: ItemId, now: Timestamp) -> Vec<Effect> {
        let by = self.by();
        let it = self.guide.item(item);
        if self
            .progress
            .set_status(it, Status::Done, None, now, by.as_deref())
            .is_err()
        {
            return Vec::new();
        }
        let key = if self.next_item().is_none() {
            "core.step.done-all"
        } else {
            "core.step.done"
        };
        self.tell(vec![Detail::new(key)]);
        self.save()
    }

    fn update_welcome(&mut self, msg: Msg, now: Timestamp) -> Vec<Effect> {
        let rows = Welcome::rows(&self.guide);
        let Screen::Welcome(form) = &mut self.screen else {
            return Vec::new();
        };
        let row = rows.get(form.cursor).copied().unwrap_or(WelcomeRow::Start);
        let mut new_lang = None;
        match msg {
            Msg::Up => form.cursor = form.cursor.saturating_sub(1),
            Msg::Down => form.cursor = (form.cursor + 1).min(rows.len() - 1),
            // Tab goes to the next field (languages, roles, name, start), not the next row;
            // from the last field back to the first.
            Msg::FocusNext => {
                let field = |r: WelcomeRow| std::mem::discriminant(&r);
                form.cursor = rows
                    .iter()
                    .enumerate()
                    .skip(form.cursor + 1)
                    .find(|(_, r)| field(**r) != field(row))
                    .map_or(0, |(i, _)| i);
            }
            Msg::Home => form.cursor = 0,
            Msg::End => form.cursor = rows.len() - 1,
            Msg::Toggle => match row {
                WelcomeRow::Lang(l) => new_lang = Some(l),
                WelcomeRow::Role(role) => {
                    if let Some(pos) = form.roles.iter().position(|r| *r == role) {
                        form.roles.remove(pos);
                    } else {
                        form.roles.push(role);
                    }
                    form.error = None;
                }
                WelcomeRow::Name => form.name.insert(' '),
                WelcomeRow::Start => return self.submit_welcome(now),
            },
            Msg::Next => {
                if let WelcomeRow::Lang(l) = row {
                    form.lang = l;
                    self.switch_lang(l);
                }
                return self.submit_welcome(now);
            }
            Msg::Back if !form.first_run => {
                let saved = self.progress.setup.lang.unwrap_or(self.tr.lang());
                self.switch_lang(saved);
                let cursor = self.next_row();
                self.set_screen(Screen::Hub(Hub { cursor }));
            }
            Msg::Input(c) if row == WelcomeRow::Name => form.name.insert(c),
            Msg::Paste(s) if row == WelcomeRow::Name => form.name.insert_str(&s),
            Msg::Backspace if row == WelcomeRow::Name => form.name.backspace(),
            Msg::CursorLeft if row == WelcomeRow::Name => form.name.left(),
            Msg::CursorRight if row == WelcomeRow::Name => form.name.right(),
            Msg::Quit => return vec![Effect::Quit],
            _ => {}
        }
        if let Some(l) = new_lang {
            if let Screen::Welcome(form) = &mut self.screen {
                form.lang = l;
            }
            self.switch_lang(l);
        }
        Vec::new()
    }

    fn switch_lang(&mut self, lang: Lang) {
        if self.tr.lang() != lang
            && let Ok(tr) = Catalog::load(lang)
        {
            self.tr = tr;
        }
    }

    fn submit_welcome(&mut self, now: Timestamp) -> Vec<Effect> {
        let Screen::Welcome(form) = &mut self.screen else {
            return Vec::new();
        };
        if form.roles.is_empty() {
            form.error = Some("core.welcome.need-role");
            return Vec::new();
        }
        // Keep roles in documented order.
        let roles: Vec<Role> = self
            .guide
            .roles()
            .iter()
            .copied()
            .filter(|r| form.roles.contains(r))
            .collect();
        let name = form.name.value().trim().to_string();
        let setup = &mut self.progress.setup;
        setup.roles = roles;
        setup.name = (!name.is_empty()).then_some(name);
        setup.lang = Some(form.lang);
        setup
            .started_at
            .get_or_insert(crate::domain::progress::whole_seconds(now));
        let screen = match self.after_welcome.take() {
            Some(item) => Screen::Step(StepView::new(item)),
            None => Screen::Hub(Hub {
                cursor: self.next_row(),
            }),
        };
        self.set_screen(screen);
        self.save()
    }

    fn update_hub(&mut self, msg: Msg) -> Vec<Effect> {
        let n = self.guide.items().len();
        let page = usize::from(self.viewport.1.saturating_sub(10)).max(1);
        let Screen::Hub(hub) = &mut self.screen else {
            return Vec::new();
        };
        match msg {
            Msg::Up => hub.cursor = hub.cursor.saturating_sub(1),
            Msg::Down => hub.cursor = (hub.cursor + 1).min(n - 1),
            Msg::PageUp => hub.cursor = hub.cursor.saturating_sub(page),
            Msg::PageDown => hub.cursor = (hub.cursor + page).min(n - 1),
            Msg::Home => hub.cursor = 0,
            Msg::End => hub.cursor = n - 1,
            Msg::Next | Msg::Toggle => {
                let item = self.guide.items()[hub.cursor.min(n - 1)].id;
                self.set_screen(Screen::Step(StepView::new(item)));
            }
            Msg::Continue => match self.next_item() {
                Some(item) => self.set_screen(Screen::Step(StepView::new(item))),
                None => self.set_screen(Screen::Summary),
            },
            Msg::EditSetup => {
                let form = self.welcome_form(false);
                self.set_screen(Screen::Welcome(form));
            }
            Msg::WriteHandoff => return self.write_handoff(),
            Msg::PickHandoff => return self.open_handoffs(),
            Msg::Back => self.tell(vec![Detail::new("core.hub.esc-hint")]),
            Msg::Quit => return vec![Effect::Quit],
            _ => {}
        }
        Vec::new()
    }

    /// The sub-steps shown on a step screen (the chosen route's), in order.
    #[must_use]
    pub fn visible_substeps(&self, item: ItemId) -> Vec<&crate::domain::guide::Substep> {
        let it = self.guide.item(item);
        it.substeps_for(self.progress.variant_of(it)).collect()
    }

    fn update_step(&mut self, msg: Msg, now: Timestamp) -> Vec<Effect> {
        let Screen::Step(view) = &self.screen else {
            return Vec::new();
        };
        let view = view.clone();
        let item = view.item;
        let subs: Vec<String> = self
            .visible_substeps(item)
            .iter()
            .map(|s| s.id.clone())
            .collect();
        let n = subs.len();
        let mut next_view = view.clone();
        let mut effects = Vec::new();
        match msg {
            Msg::Up if view.focus == StepFocus::Notes => {
                next_view.notes_scroll = view.notes_scroll.saturating_sub(1);
            }
            Msg::Down if view.focus == StepFocus::Notes => {
                next_view.notes_scroll = view
                    .notes_scroll
                    .saturating_add(1)
                    .min(view.notes_max.get());
            }
            Msg::Home if view.focus == StepFocus::Notes => next_view.notes_scroll = 0,
            Msg::End if view.focus == StepFocus::Notes => {
                next_view.notes_scroll = view.notes_max.get();
            }
            Msg::Up => next_view.cursor = view.cursor.saturating_sub(1),
            Msg::Down => next_view.cursor = (view.cursor + 1).min(n.saturating_sub(1)),
            Msg::Home => next_view.cursor = 0,
            Msg::End => next_view.cursor = n.saturating_sub(1),
            Msg::PageUp => next_view.notes_scroll = view.notes_scroll.saturating_sub(5),
            Msg::PageDown => {
                next_view.notes_scroll = view
                    .notes_scroll
                    .saturating_add(5)
                    .min(view.notes_max.get());
            }
            Msg::FocusNext => {
                next_view.focus = match view.focus {
                    StepFocus::Checklist => StepFocus::Notes,
                    StepFocus::Notes => StepFocus::Checklist,
                };
            }
            Msg::Toggle => {
                if let Some(sub) = subs.get(view.cursor) {
                    let it = self.guide.item(item);
                    let on = !self.progress.item(item).ticked.contains(sub);
                    let by = self.by();
                    if self
                        .progress
                        .set_ticked(it, sub, on, now, by.as_deref())
                        .is_ok()
                    {
                        if on
                            && self.progress.unticked(it).is_empty()
                            && !self.progress.status(item).is_resolved()
                        {
                            self.tell(vec![Detail::new("core.step.all-ticked")]);
                        }
                        effects = self.save();
                    }
                }
            }
            Msg::MarkDone => {
                let unticked = self.progress.unticked(self.guide.item(item)).len();
                if unticked == 0 {
                    effects = self.mark_done(item, now);
                } else {
                    self.overlay = Some(Overlay::Confirm(ConfirmAction::MarkDoneAnyway {
                        item,
                        unticked,
                    }));
                }
            }
            Msg::Skip | Msg::Block => {
                let status = if msg == Msg::Skip {
                    Status::Skipped
                } else {
                    Status::Blocked
                };
                let current = self.progress.item(item);
                let field = TextField::with_value(
                    current
                        .reason
                        .as_deref()
                        .filter(|_| current.status == status)
                        .unwrap_or(""),
                    REASON_MAX,
                );
                self.overlay = Some(Overlay::Reason {
                    item,
                    status,
                    field,
                    empty_error: false,
                });
            }
            Msg::Todo => {
                let by = self.by();
                let it = self.guide.item(item);
                if self
                    .progress
                    .set_status(it, Status::Todo, None, now, by.as_deref())
                    .is_ok()
                {
                    self.info(self.tr.t("core.step.todo").to_string());
                    effects = self.save();
                }
            }
            Msg::CycleVariant => {
                let it = self.guide.item(item);
                if !it.variants.is_empty() {
                    let current = self.progress.variant_of(it).unwrap_or_default().to_string();
                    let pos = it.variants.iter().position(|v| *v == current).unwrap_or(0);
                    let next = it.variants[(pos + 1) % it.variants.len()].clone();
                    let by = self.by();
                    self.progress.set_variant(it, &next, now, by.as_deref());
                    next_view.cursor = 0;
                    effects = self.save();
                }
            }
            Msg::Next => {
                let roles = self.roles().to_vec();
                let following = self
                    .guide
                    .items()
                    .iter()
                    .skip(item.index() + 1)
                    .find(|i| i.owned_by_any(&roles))
                    .map(|i| i.id);
                match following {
                    Some(n) => self.set_screen(Screen::Step(StepView::new(n))),
                    None if self.next_item().is_none() => self.set_screen(Screen::Summary),
                    None => self.set_screen(Screen::Hub(Hub {
                        cursor: item.index(),
                    })),
                }
                // Say what became of the step just left (Enter moves on; it marks nothing).
                let status = self.progress.status(item);
                if !status.is_resolved() {
                    let it = self.guide.item(item);
                    let (done, total) = self.progress.substep_counts(it);
                    self.tell(vec![
                        Detail::new("screens.step.left")
                            .arg("item", self.tr.t(&it.title_key()))
                            .arg("done", done)
                            .arg("total", total)
                            .arg("status", self.tr.t(&format!("core.status.{status}"))),
                    ]);
                }
                return effects;
            }
            Msg::Back => {
                self.set_screen(Screen::Hub(Hub {
                    cursor: item.index(),
                }));
                return effects;
            }
            Msg::Copy => {
                // The doc links whole, in the user's edition (the screen cannot show a
                // 200-character address on one line).
                let it = self.guide.item(item);
                let urls: Vec<String> = it
                    .docs
                    .iter()
                    .map(|d| crate::domain::guide::doc_url(&d.url, self.tr.lang()))
                    .collect();
                self.tell(vec![
                    Detail::new("screens.step.copied").arg("n", urls.len()),
                ]);
                effects.push(Effect::Copy(urls.join("\n")));
            }
            Msg::RunChecks => effects = self.run_checks(&live::checks_of(item)),
            Msg::EditCredentials => self.open_credentials(),
            Msg::InviteIndividual if item == ItemId::InviteUsers => {
                return self.open_individual();
            }
            Msg::InviteCsv if item == ItemId::InviteUsers => {
                return self.open_csv();
            }
            Msg::OpenPreview if item == ItemId::StartDataSync => {
                self.set_screen(Screen::Preview(Preview::new()));
                return effects;
            }
            Msg::Quit => return vec![Effect::Quit],
            _ => {}
        }
        if let Screen::Step(v) = &mut self.screen {
            *v = next_view;
        }
        effects
    }
}

impl StepView {
    /// A fresh view of item `item`.
    #[must_use]
    pub fn new(item: ItemId) -> StepView {
        StepView {
            item,
            cursor: 0,
            focus: StepFocus::Checklist,
            notes_scroll: 0,
            notes_max: std::cell::Cell::new(u16::MAX),
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod csv_tests;

#[cfg(test)]
mod screens_tests;
