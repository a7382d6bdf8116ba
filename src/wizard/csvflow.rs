//! Invite via CSV: pick a file → loading → intake confirmation → column mapping → validation
//! grid → plan → done. Going back and forth keeps every choice; quitting anywhere and starting
//! again resumes at the same stage with the same choices (kept in `progress.csv_flow`; the
//! CSV itself is re-read). All file work is an effect; re-reading the sample with another
//! encoding, delimiter or header row is pure and instant, so it happens here.
//!
//! The state is a [`CsvFlow`]: what every stage shares (the path, the file facts, the user's
//! [`Choices`]) and a [`Stage`] whose variants carry exactly that stage's data. A later stage
//! carries the earlier screens' own state ([`IntakeView`], [`MappingView`]), so going back
//! restores them as they were; the intake screen keeps what lies ahead ([`Ahead`]) as long as
//! the file is read the same way. `update_csv` dispatches to one function per stage.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;

mod error;

pub use error::{CsvJobError, FlowError, Message, Notice, detail};

use super::list::ListWindow;
use super::textfield::TextField;
use super::{ConfirmAction, Effect, Msg, Overlay, Screen, Shared, StepView, Wizard};
use crate::domain::csv_intake::{
    self as intake, Confidence, EncodingGuess, Field, HeaderChoice, Intake, Mapped, Mapping,
    Overrides, Region, Report, RowStatus, Sample, fingerprint,
};
use crate::domain::guide::ItemId;
use crate::domain::progress::{
    ColumnChoice, CsvFlow as SavedFlow, CsvStage, DelimiterChoice, EncodingChoice, InviteBatch,
    InviteSource, SavedCsvFlow,
};
use crate::domain::text::Lang;

/// Which stage the flow is at; its kebab-case name picks the word shown
/// (`csv.tui.stage.<name>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub enum StageKind {
    /// Typing the file's path.
    Pick,
    /// Reading, validating or writing in the background.
    Loading,
    /// Encoding, delimiter and header row, with a preview.
    Intake,
    /// Which column feeds which field.
    Mapping,
    /// Every row with its status.
    Grid,
    /// What will be written and recorded.
    Plan,
    /// Written and recorded.
    Done,
}

/// What runs in the background.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Reading the head of the file.
    Sample,
    /// Validating every row.
    Validate,
    /// Writing the two files.
    Export,
    /// Reading the addresses of the invite CSV written earlier (resuming at the sent confirm).
    ReadSent,
}

/// A running background job, as the loading screen shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Running {
    /// Its ticket: a result with another one is stale.
    pub ticket: u64,
    /// What it does.
    pub job: Job,
    /// Bytes done.
    pub bytes: u64,
    /// Bytes in all, when known.
    pub total: Option<u64>,
    /// Rows seen.
    pub rows: u64,
}

/// The three switchable rows of the intake screen, top to bottom.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IntakeRow {
    /// The encoding.
    #[default]
    Encoding,
    /// The delimiter.
    Delimiter,
    /// The header row.
    Header,
}

/// The intake rows, top to bottom.
pub const INTAKE_ROWS: [IntakeRow; 3] =
    [IntakeRow::Encoding, IntakeRow::Delimiter, IntakeRow::Header];

impl IntakeRow {
    fn index(self) -> usize {
        self as usize
    }

    fn up(self) -> IntakeRow {
        INTAKE_ROWS[self.index().saturating_sub(1)]
    }

    fn down(self) -> IntakeRow {
        INTAKE_ROWS[(self.index() + 1).min(INTAKE_ROWS.len() - 1)]
    }
}

/// One choice of an intake row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntakeValue {
    /// An encoding.
    Encoding(&'static encoding_rs::Encoding),
    /// A delimiter byte.
    Delimiter(u8),
    /// A header line, or none.
    Header(Option<u64>),
}

/// The focused row of the plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlanRow {
    /// Seats already used (typed to correct the count).
    Seats,
    /// The clean CSV's path.
    Out,
    /// The report's path.
    Report,
    /// The confirm button.
    #[default]
    Confirm,
}

impl PlanRow {
    fn up(self) -> PlanRow {
        match self {
            PlanRow::Seats | PlanRow::Out => PlanRow::Seats,
            PlanRow::Report => PlanRow::Out,
            PlanRow::Confirm => PlanRow::Report,
        }
    }

    fn down(self) -> PlanRow {
        match self {
            PlanRow::Seats => PlanRow::Out,
            PlanRow::Out => PlanRow::Report,
            PlanRow::Report | PlanRow::Confirm => PlanRow::Confirm,
        }
    }
}

/// What the plan writes with the seats left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanBudget {
    /// Valid new addresses in the file.
    pub needed: u64,
    /// Those written to the invite CSV: the first ones, in file order, up to the seats left.
    pub invite: u64,
    /// Those left out for lack of seats (written to their own file).
    pub left_out: u64,
}

/// File facts the runtime reports with the sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileMeta {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub modified: Option<i64>,
}

/// What the runtime hands back after writing the outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// The cleaned invite CSV, as typed.
    pub clean: String,
    /// The per-row report, as typed.
    pub report: String,
    /// The addresses written to the clean file, in order.
    pub emails: Vec<String>,
    /// The file of the valid rows left out for lack of seats, when some were.
    pub left_out: Option<String>,
    /// Rows in it.
    pub left_out_rows: u64,
}

/// The user's choices, kept across stages and saved (see [`SavedFlow`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choices {
    /// Encoding, delimiter and header row chosen by hand.
    pub overrides: Overrides,
    /// Columns chosen by hand (applied over the suggestion whenever a mapping is made).
    pub columns: BTreeMap<Field, ColumnChoice>,
    /// The clean CSV's path.
    pub out: TextField,
    /// The report's path.
    pub report: TextField,
}

impl Default for Choices {
    fn default() -> Self {
        Choices {
            overrides: Overrides::default(),
            columns: BTreeMap::new(),
            out: TextField::new(4096),
            report: TextField::new(4096),
        }
    }
}

/// The file as read: its head and what sniffing made of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The head of the file (kept to read it again another way, instantly).
    pub sample: Shared<Sample>,
    /// Encoding, dialect, header, columns, preview.
    pub intake: Intake,
}

/// The intake screen's own state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntakeView {
    /// The file as read.
    pub reading: Reading,
    /// The focused row.
    pub row: IntakeRow,
    /// The first column shown in the preview (scrolled with `<` `>`).
    pub first_col: usize,
}

/// The mapping screen's own state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingView {
    /// Which column feeds which field.
    pub mapping: Mapping,
    /// The focused field.
    pub field: Field,
}

/// The validated rows and how the grid shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The validation report.
    pub report: Shared<Report>,
    /// The file decoded (the grid shows each row's cells from it).
    pub text: Shared<str>,
    /// Indexes of the rows with a problem (the problems-only view).
    pub problems: Shared<Vec<u32>>,
    /// The selected row, an index into the current view.
    pub rows: ListWindow,
    /// Only rows with a problem.
    pub problems_only: bool,
    /// The search text.
    pub search: TextField,
    /// Typing a search.
    pub searching: bool,
    /// The selected row's detail is open: its cells and every reason in full.
    pub detail: bool,
    /// Where the last search is.
    pub find: Finding,
}

/// Where the grid's search is: it runs in the background, so no key waits for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Finding {
    /// No search runs and nothing to say.
    #[default]
    Idle,
    /// Looking through the rows.
    Running {
        /// The job's ticket: a result with another one is stale.
        ticket: u64,
        /// Rows looked at so far.
        looked: u64,
    },
    /// The last search found no row (said until the next key).
    NoMatch,
}

impl Checked {
    fn new(report: Arc<Report>, text: Arc<str>) -> Checked {
        let problems = report
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status != RowStatus::Ok || r.reason.is_some())
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
        Checked {
            report: Shared(report),
            text: Shared(text),
            problems: Shared(Arc::new(problems)),
            rows: ListWindow::default(),
            problems_only: false,
            search: TextField::new(200),
            searching: false,
            detail: false,
            find: Finding::Idle,
        }
    }

    /// Rows in the current view.
    #[must_use]
    pub fn view_len(&self) -> usize {
        if self.problems_only {
            self.problems.0.len()
        } else {
            self.report.0.rows.len()
        }
    }

    /// The `n`-th row of the current view (an index into `report.rows`); O(1).
    #[must_use]
    pub fn view_row(&self, n: usize) -> Option<usize> {
        if self.problems_only {
            self.problems.0.get(n).map(|&i| i as usize)
        } else {
            (n < self.report.0.rows.len()).then_some(n)
        }
    }
}

/// What the intake screen keeps of the later screens while the file is read the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ahead {
    /// The mapping screen as it was.
    pub mapping: MappingView,
    /// The validated rows, if the mapping was validated.
    pub checked: Option<Checked>,
}

/// Typing the path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PickStage {
    /// Completions offered by Tab.
    pub completions: Vec<String>,
    /// Why the last file could not be used.
    pub error: Option<FlowError>,
}

/// A background job runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadingStage {
    /// The job.
    pub running: Running,
    /// The stage reached when it finishes (saved meanwhile, so quitting resumes there).
    pub then: CsvStage,
    /// Resuming a saved flow: the file facts are compared with the saved ones.
    pub resumed: bool,
    /// Where Esc (cancel) returns, with that stage's data.
    pub back: Stage,
}

/// Encoding, delimiter and header row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntakeStage {
    /// The screen.
    pub view: IntakeView,
    /// The open choice list of the focused row.
    pub choosing: Option<ListWindow>,
    /// A choice that cannot be applied.
    pub error: Option<FlowError>,
    /// The later screens, kept while the file is read the same way.
    pub ahead: Option<Ahead>,
}

/// Which column feeds which field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingStage {
    /// The intake screen to go back to.
    pub intake: IntakeView,
    /// The screen.
    pub view: MappingView,
    /// The open choice list of the focused field (every column, then "none").
    pub choosing: Option<ListWindow>,
    /// Why it cannot go on.
    pub error: Option<FlowError>,
    /// The validated rows, kept while the mapping does not change.
    pub checked: Option<Checked>,
}

/// Every row with its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridStage {
    /// The intake screen to go back to.
    pub intake: IntakeView,
    /// The mapping screen to go back to.
    pub mapping: MappingView,
    /// The rows.
    pub checked: Checked,
}

/// What will be written and recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanStage {
    /// The grid to go back to (and what is written from).
    pub grid: GridStage,
    /// The focused row.
    pub row: PlanRow,
    /// Seats used, as typed (empty: counted).
    pub seats: TextField,
    /// Why it cannot go on.
    pub error: Option<FlowError>,
}

/// Written; recorded once the user says the upload was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoneStage {
    /// What was written.
    pub exported: Exported,
    /// Whether the batch is recorded ("I clicked Invite in the web app" was confirmed).
    pub recorded: bool,
}

/// Where the flow is, with exactly that stage's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Typing the file's path.
    Pick(PickStage),
    /// A background job runs.
    Loading(Box<LoadingStage>),
    /// Encoding, delimiter and header row, with a preview.
    Intake(Box<IntakeStage>),
    /// Which column feeds which field.
    Mapping(Box<MappingStage>),
    /// Every row with its status.
    Grid(Box<GridStage>),
    /// What will be written and recorded.
    Plan(Box<PlanStage>),
    /// Written and recorded.
    Done(Box<DoneStage>),
}

impl Default for Stage {
    fn default() -> Self {
        Stage::Pick(PickStage::default())
    }
}

impl Stage {
    /// Which stage this is.
    #[must_use]
    pub fn kind(&self) -> StageKind {
        match self {
            Stage::Pick(_) => StageKind::Pick,
            Stage::Loading(_) => StageKind::Loading,
            Stage::Intake(_) => StageKind::Intake,
            Stage::Mapping(_) => StageKind::Mapping,
            Stage::Grid(_) => StageKind::Grid,
            Stage::Plan(_) => StageKind::Plan,
            Stage::Done(_) => StageKind::Done,
        }
    }
}

/// The whole CSV flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvFlow {
    /// The path being typed / read.
    pub path: TextField,
    /// File facts when it was read.
    pub meta: FileMeta,
    /// Something worth knowing (the file changed since last time).
    pub notice: Option<Notice>,
    /// The user's choices.
    pub choices: Choices,
    /// Where the flow is.
    pub stage: Stage,
    /// The left-out file and its rows, saved with a flow resuming at the sent confirm.
    pub resumed_left_out: Option<(Option<String>, u64)>,
}

impl Default for CsvFlow {
    fn default() -> Self {
        CsvFlow::new()
    }
}

impl CsvFlow {
    /// A fresh flow at the file picker.
    #[must_use]
    pub fn new() -> CsvFlow {
        CsvFlow {
            path: TextField::new(4096),
            meta: FileMeta::default(),
            notice: None,
            choices: Choices::default(),
            stage: Stage::default(),
            resumed_left_out: None,
        }
    }

    fn stage_extra_left_out(&mut self, saved: &SavedFlow) {
        self.resumed_left_out = Some((saved.left_out.clone(), saved.left_out_rows.unwrap_or(0)));
    }

    /// Which stage the flow is at.
    #[must_use]
    pub fn kind(&self) -> StageKind {
        self.stage.kind()
    }

    /// The file as read on the intake, mapping, grid and plan screens.
    #[must_use]
    pub fn intake(&self) -> Option<&Intake> {
        match &self.stage {
            Stage::Intake(s) => Some(&s.view.reading.intake),
            Stage::Mapping(s) => Some(&s.intake.reading.intake),
            Stage::Grid(s) => Some(&s.intake.reading.intake),
            Stage::Plan(s) => Some(&s.grid.intake.reading.intake),
            Stage::Pick(_) | Stage::Loading(_) | Stage::Done(_) => None,
        }
    }

    /// The mapping on the mapping, grid and plan screens.
    #[must_use]
    pub fn mapping(&self) -> Option<&Mapping> {
        match &self.stage {
            Stage::Mapping(s) => Some(&s.view.mapping),
            Stage::Grid(s) => Some(&s.mapping.mapping),
            Stage::Plan(s) => Some(&s.grid.mapping.mapping),
            _ => None,
        }
    }

    /// The validated rows on the grid and the plan.
    #[must_use]
    pub fn checked(&self) -> Option<&Checked> {
        match &self.stage {
            Stage::Grid(s) => Some(&s.checked),
            Stage::Plan(s) => Some(&s.grid.checked),
            _ => None,
        }
    }

    /// The problem shown on the current screen.
    #[must_use]
    pub fn error(&self) -> Option<&FlowError> {
        match &self.stage {
            Stage::Pick(s) => s.error.as_ref(),
            Stage::Intake(s) => s.error.as_ref(),
            Stage::Mapping(s) => s.error.as_ref(),
            Stage::Plan(s) => s.error.as_ref(),
            Stage::Loading(_) | Stage::Grid(_) | Stage::Done(_) => None,
        }
    }

    /// The background job, while one runs.
    #[must_use]
    pub fn running(&self) -> Option<&Running> {
        match &self.stage {
            Stage::Loading(l) => Some(&l.running),
            _ => None,
        }
    }

    /// Choices of an intake row: encodings, delimiters or header lines (`None` = no header);
    /// none outside the intake screen.
    #[must_use]
    pub fn intake_values(&self, row: IntakeRow) -> Vec<IntakeValue> {
        match &self.stage {
            Stage::Intake(s) => intake_values(&s.view.reading.intake, row),
            _ => Vec::new(),
        }
    }

    /// The stage saved while this one is shown.
    fn saved_stage(&self) -> CsvStage {
        match &self.stage {
            Stage::Pick(_) | Stage::Intake(_) => CsvStage::Intake,
            Stage::Loading(l) => l.then,
            Stage::Mapping(_) => CsvStage::Mapping,
            Stage::Grid(_) => CsvStage::Grid,
            Stage::Plan(_) => CsvStage::Plan,
            Stage::Done(_) => CsvStage::Written,
        }
    }

    /// The choices to save.
    fn saved(&self) -> SavedFlow {
        let c = &self.choices;
        let nonempty = |f: &TextField| (!f.value().is_empty()).then(|| f.value().to_string());
        SavedFlow {
            file: self.path.value().trim().to_string(),
            size: Some(self.meta.size),
            modified: self.meta.modified,
            stage: self.saved_stage(),
            encoding: c.overrides.encoding.map(EncodingChoice),
            delimiter: c.overrides.delimiter.map(DelimiterChoice),
            header_row: c.overrides.header,
            mapping: c.columns.clone(),
            out: nonempty(&c.out),
            report: nonempty(&c.report),
            left_out: match &self.stage {
                Stage::Done(d) => d.exported.left_out.clone(),
                _ => None,
            },
            left_out_rows: match &self.stage {
                Stage::Done(d) if d.exported.left_out.is_some() => Some(d.exported.left_out_rows),
                _ => None,
            },
        }
    }

    /// Where the valid rows left out for lack of seats go: next to the invite CSV, named after
    /// the source (`users.left-out.csv`).
    #[must_use]
    pub fn left_out_path(&self) -> String {
        let name = sibling(self.path.value(), "left-out");
        let name = std::path::Path::new(&name)
            .file_name()
            .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
        match std::path::Path::new(self.choices.out.value().trim())
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            Some(d) => d.join(name).to_string_lossy().into_owned(),
            None => name,
        }
    }

    /// Fills in the default output paths next to the source, where none was chosen.
    fn default_outputs(&mut self) {
        let c = &mut self.choices;
        if c.out.value().is_empty() {
            c.out = TextField::with_value(&sibling(self.path.value(), "invite"), 4096);
        }
        if c.report.value().is_empty() {
            c.report = TextField::with_value(&sibling(self.path.value(), "report"), 4096);
        }
    }
}

/// Choices of an intake row for a file read as `i`.
#[must_use]
pub fn intake_values(i: &Intake, row: IntakeRow) -> Vec<IntakeValue> {
    match row {
        IntakeRow::Encoding => {
            let mut encs: Vec<&'static encoding_rs::Encoding> = vec![i.encoding.encoding];
            encs.extend(i.encoding.alternatives.iter().copied());
            encs.extend([
                encoding_rs::UTF_8,
                encoding_rs::UTF_16LE,
                encoding_rs::UTF_16BE,
            ]);
            encs.extend(intake::legacy_candidates());
            let mut seen = Vec::new();
            encs.retain(|e| {
                let new = !seen.contains(&e.name());
                seen.push(e.name());
                new
            });
            encs.into_iter().map(IntakeValue::Encoding).collect()
        }
        IntakeRow::Delimiter => intake::CANDIDATES
            .iter()
            .map(|d| IntakeValue::Delimiter(*d))
            .collect(),
        IntakeRow::Header => {
            let mut lines: Vec<u64> = i.header_row.into_iter().collect();
            lines.extend(i.skipped.iter().map(|r| r.line));
            lines.extend(i.preview.iter().take(8).map(|r| r.line));
            if !lines.contains(&1) {
                lines.insert(0, 1);
            }
            lines.sort_unstable();
            lines.dedup();
            let mut v: Vec<IntakeValue> = lines
                .into_iter()
                .map(|l| IntakeValue::Header(Some(l)))
                .collect();
            v.push(IntakeValue::Header(None));
            v
        }
    }
}

/// The value an intake row has for a file read as `i`.
fn current_value(i: &Intake, row: IntakeRow) -> IntakeValue {
    match row {
        IntakeRow::Encoding => IntakeValue::Encoding(i.encoding.encoding),
        IntakeRow::Delimiter => IntakeValue::Delimiter(i.dialect.delimiter),
        IntakeRow::Header => IntakeValue::Header(i.header_row),
    }
}

/// What a key did to an open choice list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// The cursor moved, or the key means nothing here.
    Stay,
    /// Esc: close without choosing.
    Close,
    /// Enter/Space on the item at this index.
    Pick(usize),
}

/// Moves within an open choice list of `len` items, or reports a pick or a close.
fn choice_key(list: &mut ListWindow, msg: &Msg, len: usize) -> Choice {
    match msg {
        Msg::Up => list.up(1),
        Msg::Down => list.down(1, len),
        Msg::Home => list.home(),
        Msg::End => list.end(len),
        Msg::Back => return Choice::Close,
        Msg::Next | Msg::Toggle => return Choice::Pick(list.cursor()),
        _ => {}
    }
    Choice::Stay
}

fn region(lang: Lang) -> Option<Region> {
    match lang {
        Lang::Ko => Some(Region::Korea),
        Lang::ZhTw => Some(Region::Taiwan),
        Lang::En => None,
    }
}

/// What decides how the rows are read: the same reading keeps the mapping and the report.
fn reading_key(i: &Intake) -> (&'static str, u8, Option<u64>, &[String]) {
    (
        i.encoding.encoding.name(),
        i.dialect.delimiter,
        i.header_row,
        &i.columns,
    )
}

/// Rows a page key moves in the grid.
const GRID_PAGE: usize = 20;

impl Wizard {
    /// Runs `f` on the CSV flow taken out of the screen, then puts it back unless `f` left the
    /// flow (set another screen). The flow's helpers take it as an argument, so none of them
    /// reads it from `self.screen` meanwhile.
    fn on_flow(&mut self, f: impl FnOnce(&mut Wizard, &mut CsvFlow) -> Vec<Effect>) -> Vec<Effect> {
        let Screen::Csv(slot) = &mut self.screen else {
            return Vec::new();
        };
        let mut flow = std::mem::take(slot);
        let effects = f(self, &mut flow);
        if let Screen::Csv(slot) = &mut self.screen {
            *slot = flow;
        }
        effects
    }

    /// Opens the CSV flow at the file picker (or where an unfinished one stopped).
    pub(super) fn open_csv(&mut self) -> Vec<Effect> {
        if let Some(wait) = self.wait_for_journal(super::journal::Needs::Csv) {
            return wait;
        }
        match self.progress.csv_flow.clone() {
            Some(SavedCsvFlow::Read(saved)) => self.resume_csv(&saved),
            Some(SavedCsvFlow::Unreadable { error, table }) => {
                // Said, not guessed: the picker with the file (when known) and the reason.
                let mut flow = CsvFlow::new();
                if let Some(file) = table.get("file").and_then(|v| v.as_str()) {
                    flow.path = TextField::with_value(file, 4096);
                }
                flow.stage = Stage::Pick(PickStage {
                    completions: Vec::new(),
                    error: Some(FlowError::Saved(error)),
                });
                self.set_screen(Screen::Csv(Box::new(flow)));
                Vec::new()
            }
            None => {
                self.set_screen(Screen::Csv(Box::default()));
                Vec::new()
            }
        }
    }

    /// Rebuilds the flow from the progress file and re-reads the CSV.
    pub(super) fn resume_csv(&mut self, saved: &SavedFlow) -> Vec<Effect> {
        let mut flow = CsvFlow::new();
        flow.path = TextField::with_value(&saved.file, 4096);
        flow.choices.overrides.encoding = saved.encoding.map(|e| e.0);
        flow.choices.overrides.delimiter = saved.delimiter.map(|d| d.0);
        flow.choices.overrides.header = saved.header_row;
        flow.choices.columns = saved.mapping.clone();
        flow.meta = FileMeta {
            size: saved.size.unwrap_or(0),
            modified: saved.modified,
        };
        if let Some(o) = &saved.out {
            flow.choices.out = TextField::with_value(o, 4096);
        }
        if let Some(r) = &saved.report {
            flow.choices.report = TextField::with_value(r, 4096);
        }
        if saved.stage == CsvStage::Written
            && let Some(out) = &saved.out
        {
            // The files were written; the batch waits for the sent confirm: its addresses are
            // read again from the invite CSV.
            let ticket = self.new_ticket();
            flow.stage = Stage::Loading(Box::new(LoadingStage {
                running: Running {
                    ticket,
                    job: Job::ReadSent,
                    bytes: 0,
                    total: None,
                    rows: 0,
                },
                then: CsvStage::Written,
                resumed: true,
                back: Stage::Pick(PickStage::default()),
            }));
            flow.stage_extra_left_out(saved);
            self.set_screen(Screen::Csv(Box::new(flow)));
            return vec![Effect::ReadSent {
                ticket,
                path: out.clone(),
            }];
        }
        let effects = self.start_sample(&mut flow, Some(saved.stage));
        self.set_screen(Screen::Csv(Box::new(flow)));
        effects
    }

    fn new_ticket(&mut self) -> u64 {
        self.next_ticket += 1;
        self.next_ticket
    }

    /// Reads the head of the file; `resume` is the saved stage to reach again.
    fn start_sample(&mut self, flow: &mut CsvFlow, resume: Option<CsvStage>) -> Vec<Effect> {
        let path = flow.path.value().trim().to_string();
        if path.is_empty() {
            return Vec::new();
        }
        let ticket = self.new_ticket();
        let completions = match std::mem::take(&mut flow.stage) {
            Stage::Pick(p) => p.completions,
            _ => Vec::new(),
        };
        flow.stage = Stage::Loading(Box::new(LoadingStage {
            running: Running {
                ticket,
                job: Job::Sample,
                bytes: 0,
                total: None,
                rows: 0,
            },
            then: resume.unwrap_or(CsvStage::Intake),
            resumed: resume.is_some(),
            back: Stage::Pick(PickStage {
                completions,
                error: None,
            }),
        }));
        vec![Effect::LoadCsv { ticket, path }]
    }

    /// Saves where the flow stands (choices only).
    fn save_flow(&mut self, flow: &CsvFlow) -> Vec<Effect> {
        let saved = SavedCsvFlow::Read(flow.saved());
        if self.progress.csv_flow.as_ref() == Some(&saved) {
            return Vec::new();
        }
        self.progress.csv_flow = Some(saved);
        self.save()
    }

    /// Reads the sample with `overrides` (pure, instant).
    fn sniff(&self, sample: &Sample, overrides: &Overrides) -> Result<Intake, intake::SniffError> {
        let mut ov = *overrides;
        ov.region = region(self.tr.lang());
        intake::sniff(sample, &ov)
    }

    /// The mapping for a file read as `i`: remembered for this header set, else suggested; then
    /// the columns chosen by hand (where such a column exists).
    fn fresh_mapping(&self, i: &Intake, choices: &Choices) -> Mapping {
        let mut m = i.suggest_mapping();
        if let Some(fields) = self.remembered.get(&fingerprint(&i.columns)) {
            for f in Field::ALL {
                let col = fields.get(f.key()).filter(|h| !h.is_empty()).and_then(|h| {
                    let want = intake::normalize(h);
                    i.columns.iter().position(|c| intake::normalize(c) == want)
                });
                if let Some(column) = col {
                    m.set(
                        f,
                        Some(Mapped {
                            column,
                            confidence: Confidence::Remembered,
                        }),
                    );
                } else if fields.contains_key(f.key()) {
                    m.set(f, None);
                }
            }
        }
        for (f, choice) in &choices.columns {
            match *choice {
                ColumnChoice::None => m.set(*f, None),
                ColumnChoice::Column(c) if c < i.columns.len().max(1) => m.set(
                    *f,
                    Some(Mapped {
                        column: c,
                        confidence: Confidence::Manual,
                    }),
                ),
                ColumnChoice::Column(_) => {}
            }
        }
        m
    }

    /// Validates every row of the mapping screen's mapping; `then` is the stage to reach.
    fn start_validate(&mut self, flow: &mut CsvFlow, then: CsvStage) -> Vec<Effect> {
        let Stage::Mapping(m) = std::mem::take(&mut flow.stage) else {
            return Vec::new();
        };
        let ticket = self.new_ticket();
        let invited: Vec<String> = self.progress.invited_emails().iter().cloned().collect();
        let effect = Effect::ValidateCsv {
            ticket,
            path: flow.path.value().trim().to_string(),
            intake: Box::new(m.intake.reading.intake.clone()),
            mapping: Box::new(m.view.mapping.clone()),
            invited,
            seats: self.progress.seat_budget().left(),
            teams_recorded: self.progress.team_budget().recorded.into_iter().collect(),
        };
        flow.stage = Stage::Loading(Box::new(LoadingStage {
            running: Running {
                ticket,
                job: Job::Validate,
                bytes: 0,
                total: Some(flow.meta.size),
                rows: 0,
            },
            then,
            resumed: false,
            back: Stage::Mapping(m),
        }));
        vec![effect]
    }

    fn remember_mapping(&mut self, i: &Intake, m: &Mapping) -> Vec<Effect> {
        let mut fields = BTreeMap::new();
        for f in Field::ALL {
            match m.get(f) {
                Some(mp) => {
                    if let Some(name) = i.column_name(mp.column) {
                        fields.insert(f.key().to_string(), name.to_string());
                    }
                }
                // Left without a column: remembered too, so it is not suggested again.
                None => {
                    fields.insert(f.key().to_string(), String::new());
                }
            }
        }
        let key = fingerprint(&i.columns);
        if key.is_empty() || self.remembered.get(&key) == Some(&fields) {
            return Vec::new();
        }
        self.remembered.insert(key, fields);
        vec![Effect::SaveMappings(Box::new(self.remembered.clone()))]
    }

    fn leave_csv(&mut self) {
        self.set_screen(Screen::Step(StepView::new(ItemId::InviteUsers)));
    }

    /// Messages on the CSV screens: one function per stage.
    pub(super) fn update_csv(&mut self, msg: Msg) -> Vec<Effect> {
        // In text fields the keymap types `q` instead, so Quit only comes from elsewhere.
        if msg == Msg::Quit {
            return vec![Effect::Quit];
        }
        self.on_flow(|w, flow| match flow.kind() {
            StageKind::Pick => w.csv_pick(flow, msg),
            StageKind::Loading => w.csv_loading(flow, &msg),
            StageKind::Intake => w.csv_intake(flow, &msg),
            StageKind::Mapping => w.csv_mapping(flow, &msg),
            StageKind::Grid => w.csv_grid(flow, msg),
            StageKind::Plan => w.csv_plan(flow, msg),
            StageKind::Done => w.csv_done(flow, &msg),
        })
    }

    fn csv_pick(&mut self, flow: &mut CsvFlow, msg: Msg) -> Vec<Effect> {
        let Stage::Pick(pick) = &mut flow.stage else {
            return Vec::new();
        };
        match msg {
            Msg::Input(c) => {
                flow.path.insert(c);
                pick.completions.clear();
            }
            Msg::Paste(s) => flow.path.insert_str(s.trim()),
            Msg::Backspace => {
                flow.path.backspace();
                pick.completions.clear();
            }
            Msg::CursorLeft => flow.path.left(),
            Msg::CursorRight => flow.path.right(),
            Msg::FocusNext => {
                let partial = flow.path.value().to_string();
                return vec![Effect::CompletePath { partial }];
            }
            Msg::Next => return self.start_sample(flow, None),
            Msg::Back => self.leave_csv(),
            _ => {}
        }
        Vec::new()
    }

    /// Esc cancels the job and returns where it began, as it was.
    fn csv_loading(&mut self, flow: &mut CsvFlow, msg: &Msg) -> Vec<Effect> {
        if *msg != Msg::Back {
            return Vec::new();
        }
        let Stage::Loading(l) = std::mem::take(&mut flow.stage) else {
            return Vec::new();
        };
        flow.stage = l.back;
        vec![Effect::CancelCsv {
            ticket: l.running.ticket,
        }]
    }

    fn csv_intake(&mut self, flow: &mut CsvFlow, msg: &Msg) -> Vec<Effect> {
        let Stage::Intake(st) = &mut flow.stage else {
            return Vec::new();
        };
        if let Some(list) = &mut st.choosing {
            let values = intake_values(&st.view.reading.intake, st.view.row);
            match choice_key(list, msg, values.len()) {
                Choice::Stay => {}
                Choice::Close => st.choosing = None,
                Choice::Pick(at) => {
                    st.choosing = None;
                    let mut ov = flow.choices.overrides;
                    match values.get(at) {
                        Some(IntakeValue::Encoding(e)) => ov.encoding = Some(e),
                        Some(IntakeValue::Delimiter(d)) => ov.delimiter = Some(*d),
                        Some(IntakeValue::Header(Some(l))) => {
                            ov.header = Some(HeaderChoice::Line(*l));
                        }
                        Some(IntakeValue::Header(None)) => ov.header = Some(HeaderChoice::None),
                        None => {}
                    }
                    match self.sniff(&st.view.reading.sample.0, &ov) {
                        Ok(i) => {
                            if reading_key(&i) != reading_key(&st.view.reading.intake) {
                                // Another reading of the file: the mapping is suggested again
                                // and every row is checked again.
                                st.ahead = None;
                            }
                            st.view.reading.intake = i;
                            st.error = None;
                            flow.choices.overrides = ov;
                        }
                        // A choice that cannot be applied is said and not kept.
                        Err(e) => st.error = Some(FlowError::Sniff(e)),
                    }
                    return self.save_flow(flow);
                }
            }
            return Vec::new();
        }
        match msg {
            Msg::Up => st.view.row = st.view.row.up(),
            Msg::Down => st.view.row = st.view.row.down(),
            Msg::CursorLeft => st.view.first_col = st.view.first_col.saturating_sub(1),
            Msg::CursorRight => {
                let last = st.view.reading.intake.columns.len().saturating_sub(1);
                st.view.first_col = (st.view.first_col + 1).min(last);
            }
            Msg::Toggle => {
                let i = &st.view.reading.intake;
                let values = intake_values(i, st.view.row);
                let current = current_value(i, st.view.row);
                let cursor = values.iter().position(|v| *v == current).unwrap_or(0);
                st.choosing = Some(ListWindow::at(cursor));
            }
            Msg::Next => {
                let Stage::Intake(st) = std::mem::take(&mut flow.stage) else {
                    return Vec::new();
                };
                let IntakeStage { view, ahead, .. } = *st;
                let (mapping, checked) = match ahead {
                    Some(a) => (a.mapping, a.checked),
                    None => (
                        MappingView {
                            mapping: self.fresh_mapping(&view.reading.intake, &flow.choices),
                            field: Field::Email,
                        },
                        None,
                    ),
                };
                flow.stage = Stage::Mapping(Box::new(MappingStage {
                    intake: view,
                    view: mapping,
                    choosing: None,
                    error: None,
                    checked,
                }));
                return self.save_flow(flow);
            }
            Msg::Back => {
                flow.stage = Stage::default();
                return self.save_flow(flow);
            }
            _ => {}
        }
        Vec::new()
    }

    fn csv_mapping(&mut self, flow: &mut CsvFlow, msg: &Msg) -> Vec<Effect> {
        let Stage::Mapping(st) = &mut flow.stage else {
            return Vec::new();
        };
        let ncols = st.intake.reading.intake.columns.len();
        let field = st.view.field;
        if let Some(list) = &mut st.choosing {
            // Choices: every column, then "none".
            match choice_key(list, msg, ncols + 1) {
                Choice::Stay => {}
                Choice::Close => st.choosing = None,
                Choice::Pick(pick) => {
                    st.choosing = None;
                    if pick < ncols {
                        let mapped = Mapped {
                            column: pick,
                            confidence: Confidence::Manual,
                        };
                        st.view.mapping.set(field, Some(mapped));
                        flow.choices
                            .columns
                            .insert(field, ColumnChoice::Column(pick));
                    } else if field != Field::Email {
                        st.view.mapping.set(field, None);
                        flow.choices.columns.insert(field, ColumnChoice::None);
                    }
                    st.checked = None;
                    st.error = None;
                    return self.save_flow(flow);
                }
            }
            return Vec::new();
        }
        let at = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
        match msg {
            Msg::Up => st.view.field = Field::ALL[at.saturating_sub(1)],
            Msg::Down => st.view.field = Field::ALL[(at + 1).min(Field::ALL.len() - 1)],
            Msg::Toggle => {
                let cursor = st.view.mapping.get(field).map_or(ncols, |m| m.column);
                st.choosing = Some(ListWindow::at(cursor));
            }
            Msg::Next => {
                match st.view.mapping.get(Field::Email) {
                    None => {
                        st.error = Some(FlowError::NeedEmail);
                        return Vec::new();
                    }
                    // A fuzzy e-mail column is never accepted silently.
                    Some(m) if m.confidence == Confidence::Fuzzy => {
                        st.error = Some(FlowError::FuzzyEmail);
                        return Vec::new();
                    }
                    Some(_) => {}
                }
                let Stage::Mapping(st) = std::mem::take(&mut flow.stage) else {
                    return Vec::new();
                };
                let MappingStage {
                    intake,
                    view,
                    checked,
                    choosing,
                    error,
                } = *st;
                if let Some(checked) = checked {
                    flow.stage = Stage::Grid(Box::new(GridStage {
                        intake,
                        mapping: view,
                        checked,
                    }));
                    return self.save_flow(flow);
                }
                let mut effects = self.remember_mapping(&intake.reading.intake, &view.mapping);
                flow.stage = Stage::Mapping(Box::new(MappingStage {
                    intake,
                    view,
                    choosing,
                    error,
                    checked: None,
                }));
                effects.extend(self.start_validate(flow, CsvStage::Grid));
                effects.extend(self.save_flow(flow));
                return effects;
            }
            Msg::Back => {
                let Stage::Mapping(st) = std::mem::take(&mut flow.stage) else {
                    return Vec::new();
                };
                let MappingStage {
                    intake,
                    view,
                    checked,
                    ..
                } = *st;
                flow.stage = Stage::Intake(Box::new(IntakeStage {
                    view: intake,
                    choosing: None,
                    error: None,
                    ahead: Some(Ahead {
                        mapping: view,
                        checked,
                    }),
                }));
                return self.save_flow(flow);
            }
            _ => {}
        }
        Vec::new()
    }

    fn csv_grid(&mut self, flow: &mut CsvFlow, msg: Msg) -> Vec<Effect> {
        let Stage::Grid(st) = &mut flow.stage else {
            return Vec::new();
        };
        let c = &mut st.checked;
        // A "no match" is said until the next key.
        if c.find == Finding::NoMatch {
            c.find = Finding::Idle;
        }
        if c.searching {
            match msg {
                Msg::Input(ch) => c.search.insert(ch),
                Msg::Paste(s) => c.search.insert_str(&s),
                Msg::Backspace => c.search.backspace(),
                Msg::Back => {
                    c.searching = false;
                    c.search = TextField::new(200);
                }
                Msg::Next => {
                    c.searching = false;
                    return self.start_search(st);
                }
                _ => {}
            }
            return Vec::new();
        }
        // Esc stops a running search (and stays on the grid); leaving the view or typing a new
        // search stops it too.
        let stop = match c.find {
            Finding::Running { ticket, .. } => matches!(
                msg,
                Msg::Back | Msg::ToggleProblems | Msg::Search | Msg::Next
            )
            .then(|| {
                c.find = Finding::Idle;
                Effect::CancelCsv { ticket }
            }),
            _ => None,
        };
        if let (Some(effect), Msg::Back) = (&stop, &msg) {
            return vec![effect.clone()];
        }
        let mut effects: Vec<Effect> = stop.into_iter().collect();
        let len = c.view_len();
        if c.detail {
            // The detail follows the selection; Esc or Enter closes it.
            match msg {
                Msg::Up => c.rows.up(1),
                Msg::Down => c.rows.down(1, len),
                Msg::Back | Msg::Toggle | Msg::Next => c.detail = false,
                _ => {}
            }
            return Vec::new();
        }
        match msg {
            Msg::Toggle if len > 0 => c.detail = true,
            Msg::Up => c.rows.up(1),
            Msg::Down => c.rows.down(1, len),
            Msg::PageUp => c.rows.up(GRID_PAGE),
            Msg::PageDown => c.rows.down(GRID_PAGE, len),
            Msg::Home => c.rows.home(),
            Msg::End => c.rows.end(len),
            Msg::ToggleProblems => {
                c.problems_only = !c.problems_only;
                c.rows = ListWindow::default();
            }
            Msg::NextProblem => next_problem(st),
            Msg::Search => c.searching = true,
            Msg::Next => {
                let Stage::Grid(grid) = std::mem::take(&mut flow.stage) else {
                    return effects;
                };
                flow.default_outputs();
                flow.stage = Stage::Plan(Box::new(PlanStage {
                    grid: *grid,
                    row: PlanRow::Confirm,
                    seats: self.seats_field(),
                    error: None,
                }));
                effects.extend(self.save_flow(flow));
                return effects;
            }
            Msg::Back => {
                let Stage::Grid(grid) = std::mem::take(&mut flow.stage) else {
                    return Vec::new();
                };
                let GridStage {
                    intake,
                    mapping,
                    checked,
                } = *grid;
                flow.stage = Stage::Mapping(Box::new(MappingStage {
                    intake,
                    view: mapping,
                    choosing: None,
                    error: None,
                    checked: Some(checked),
                }));
                return self.save_flow(flow);
            }
            _ => {}
        }
        effects
    }

    /// The seats-used field, filled with the corrected number if there is one.
    fn seats_field(&self) -> TextField {
        match self.progress.seats_used {
            Some(n) => TextField::with_value(&n.to_string(), 6),
            None => TextField::new(6),
        }
    }

    fn csv_plan(&mut self, flow: &mut CsvFlow, msg: Msg) -> Vec<Effect> {
        let Stage::Plan(st) = &mut flow.stage else {
            return Vec::new();
        };
        if st.row == PlanRow::Seats {
            let edited = match &msg {
                Msg::Input(c) if c.is_ascii_digit() => {
                    st.seats.insert(*c);
                    true
                }
                Msg::Input(_) => return Vec::new(),
                Msg::Paste(p) => {
                    st.seats
                        .insert_str(&p.chars().filter(char::is_ascii_digit).collect::<String>());
                    true
                }
                Msg::Backspace => {
                    st.seats.backspace();
                    true
                }
                _ => false,
            };
            if edited {
                st.error = None;
                let typed = st.seats.value().to_string();
                return self.set_seats_used(&typed);
            }
        }
        let field = match st.row {
            PlanRow::Seats => Some(&mut st.seats),
            PlanRow::Out => Some(&mut flow.choices.out),
            PlanRow::Report => Some(&mut flow.choices.report),
            PlanRow::Confirm => None,
        };
        match (msg, field) {
            (Msg::Up, _) => st.row = st.row.up(),
            (Msg::Down | Msg::FocusNext, _) => st.row = st.row.down(),
            (Msg::Input(c), Some(f)) => f.insert(c),
            (Msg::Paste(s), Some(f)) => f.insert_str(s.trim()),
            (Msg::Backspace, Some(f)) => f.backspace(),
            (Msg::CursorLeft, Some(f)) => f.left(),
            (Msg::CursorRight, Some(f)) => f.right(),
            (Msg::Next, Some(_)) => st.row = st.row.down(),
            (Msg::Next, None) => {
                match self.plan_budget(&st.grid.checked.report.0) {
                    Ok(budget) => {
                        self.overlay = Some(Overlay::Confirm(ConfirmAction::ExportCsv {
                            rows: budget.invite,
                        }));
                    }
                    Err(e) => {
                        st.error = Some(e);
                        return Vec::new();
                    }
                }
                return self.save_flow(flow);
            }
            (Msg::Back, _) => {
                let Stage::Plan(plan) = std::mem::take(&mut flow.stage) else {
                    return Vec::new();
                };
                flow.stage = Stage::Grid(Box::new(plan.grid));
                return self.save_flow(flow);
            }
            _ => {}
        }
        Vec::new()
    }

    /// What the plan can write for `report` with the seats and teams left, or why nothing.
    ///
    /// # Errors
    /// Nothing new, no seat left, or too many teams.
    pub fn plan_budget(&self, report: &Report) -> Result<PlanBudget, FlowError> {
        let needed = report.seats.needed;
        if needed == 0 {
            return Err(FlowError::NothingNew);
        }
        let teams = self.progress.team_budget();
        if report.teams_with_recorded > teams.limit {
            return Err(FlowError::TooManyTeams {
                n: report.teams_with_recorded,
                limit: teams.limit,
            });
        }
        let seats = self.progress.seat_budget();
        if seats.left() == 0 {
            return Err(FlowError::NoSeats {
                used: seats.used,
                total: seats.total,
            });
        }
        let invite = needed.min(seats.left());
        Ok(PlanBudget {
            needed,
            invite,
            left_out: needed - invite,
        })
    }

    fn csv_done(&mut self, flow: &mut CsvFlow, msg: &Msg) -> Vec<Effect> {
        let Stage::Done(done) = &flow.stage else {
            return Vec::new();
        };
        match (msg, done.recorded) {
            (Msg::Next, false) => {
                self.overlay = Some(Overlay::Confirm(ConfirmAction::RecordCsv {
                    rows: done.exported.emails.len() as u64,
                    path: done.exported.clean.clone(),
                }));
                Vec::new()
            }
            // Left without the confirm: the flow stays saved at it and resumes there.
            (Msg::Back, false) => {
                self.leave_csv();
                Vec::new()
            }
            (Msg::Next | Msg::Back, true) => {
                self.progress.csv_flow = None;
                let effects = self.save();
                self.leave_csv();
                effects
            }
            _ => Vec::new(),
        }
    }

    /// The runtime read the head of the file.
    pub(super) fn csv_sampled(
        &mut self,
        ticket: u64,
        result: Result<(Arc<Sample>, FileMeta), CsvJobError>,
    ) -> Vec<Effect> {
        self.on_flow(|w, flow| {
            let Some(loading) = take_loading(flow, ticket, Job::Sample) else {
                return Vec::new();
            };
            let (sample, meta) = match result {
                Ok(ok) => ok,
                Err(e) => {
                    flow.stage = Stage::Pick(PickStage {
                        completions: Vec::new(),
                        error: Some(FlowError::Job(e)),
                    });
                    return Vec::new();
                }
            };
            if loading.resumed
                && (meta.size != flow.meta.size || meta.modified != flow.meta.modified)
            {
                flow.notice = Some(Notice::FileChanged);
            }
            flow.meta = meta;
            let intake = match w.sniff(&sample, &flow.choices.overrides) {
                Ok(i) => i,
                // A file that cannot be read as CSV at all (a workbook, empty): back to the
                // picker with the path kept and the reason shown, so it can be fixed at once.
                Err(e) => {
                    flow.stage = Stage::Pick(PickStage {
                        completions: Vec::new(),
                        error: Some(FlowError::Sniff(e)),
                    });
                    return Vec::new();
                }
            };
            let view = IntakeView {
                reading: Reading {
                    sample: Shared(sample),
                    intake,
                },
                row: IntakeRow::Encoding,
                first_col: 0,
            };
            let target = if loading.resumed {
                loading.then
            } else {
                CsvStage::Intake
            };
            if target == CsvStage::Intake {
                flow.stage = Stage::Intake(Box::new(IntakeStage {
                    view,
                    choosing: None,
                    error: None,
                    ahead: None,
                }));
                return w.save_flow(flow);
            }
            let mapping = w.fresh_mapping(&view.reading.intake, &flow.choices);
            flow.stage = Stage::Mapping(Box::new(MappingStage {
                intake: view,
                view: MappingView {
                    mapping,
                    field: Field::Email,
                },
                choosing: None,
                error: None,
                checked: None,
            }));
            let work = if target == CsvStage::Mapping {
                Vec::new()
            } else {
                w.start_validate(flow, target)
            };
            // Saved once the resumed stage and mapping are set: quitting while the file is
            // validated again resumes at the same stage with the same choices.
            let mut effects = w.save_flow(flow);
            effects.extend(work);
            effects
        })
    }

    /// Progress of a background job.
    /// Grid: starts looking for the typed text from the row after the cursor, in the
    /// background (`Effect::SearchCsv`); an empty text does nothing.
    fn start_search(&mut self, st: &mut GridStage) -> Vec<Effect> {
        let c = &mut st.checked;
        let needle = c.search.value().to_string();
        if needle.is_empty() || c.view_len() == 0 {
            return Vec::new();
        }
        let mut effects = Vec::new();
        if let Finding::Running { ticket, .. } = c.find {
            effects.push(Effect::CancelCsv { ticket });
        }
        let ticket = self.new_ticket();
        c.find = Finding::Running { ticket, looked: 0 };
        effects.push(Effect::SearchCsv {
            ticket,
            text: Arc::clone(&c.text.0),
            report: Arc::clone(&c.report.0),
            view: c.problems_only.then(|| Arc::clone(&c.problems.0)),
            from: c.rows.cursor(),
            needle,
            delimiter: st.intake.reading.intake.dialect.delimiter,
        });
        effects
    }

    /// The runtime finished a grid search: the cursor goes to the row found, or the grid says
    /// that no row matched. A result for a search stopped or replaced since is dropped.
    pub(super) fn csv_searched(&mut self, ticket: u64, found: Option<usize>) {
        if let Screen::Csv(flow) = &mut self.screen
            && let Stage::Grid(st) = &mut flow.stage
            && matches!(st.checked.find, Finding::Running { ticket: t, .. } if t == ticket)
        {
            let c = &mut st.checked;
            match found {
                Some(pos) if pos < c.view_len() => {
                    c.rows.select(pos);
                    c.find = Finding::Idle;
                }
                _ => c.find = Finding::NoMatch,
            }
        }
    }

    pub(super) fn csv_progress(&mut self, ticket: u64, bytes: u64, rows: u64) {
        let Screen::Csv(flow) = &mut self.screen else {
            return;
        };
        match &mut flow.stage {
            Stage::Loading(l) if l.running.ticket == ticket => {
                l.running.bytes = bytes;
                l.running.rows = rows;
            }
            Stage::Grid(st) => {
                if let Finding::Running { ticket: t, looked } = &mut st.checked.find
                    && *t == ticket
                {
                    *looked = rows;
                }
            }
            _ => {}
        }
    }

    /// The runtime validated the file.
    pub(super) fn csv_validated(
        &mut self,
        ticket: u64,
        result: Result<(Arc<Report>, Arc<str>), CsvJobError>,
    ) -> Vec<Effect> {
        self.on_flow(|w, flow| {
            let Some(loading) = take_loading(flow, ticket, Job::Validate) else {
                return Vec::new();
            };
            let LoadingStage { then, back, .. } = *loading;
            let Stage::Mapping(mut m) = back else {
                return Vec::new();
            };
            match result {
                Err(e) => {
                    m.error = Some(FlowError::Job(e));
                    flow.stage = Stage::Mapping(m);
                    Vec::new()
                }
                Ok((report, text)) => {
                    let grid = GridStage {
                        intake: m.intake,
                        mapping: m.view,
                        checked: Checked::new(report, text),
                    };
                    flow.stage =
                        if matches!(then, CsvStage::Plan | CsvStage::Done | CsvStage::Written) {
                            if flow.choices.out.value().is_empty() {
                                flow.default_outputs();
                            }
                            Stage::Plan(Box::new(PlanStage {
                                grid,
                                row: PlanRow::Confirm,
                                seats: w.seats_field(),
                                error: None,
                            }))
                        } else {
                            Stage::Grid(Box::new(grid))
                        };
                    w.save_flow(flow)
                }
            }
        })
    }

    /// The user confirmed the plan: write the files.
    pub(super) fn csv_export(&mut self) -> Vec<Effect> {
        self.on_flow(|w, flow| {
            let Stage::Plan(plan) = std::mem::take(&mut flow.stage) else {
                return Vec::new();
            };
            let ticket = w.new_ticket();
            let grid = &plan.grid;
            let Ok(budget) = w.plan_budget(&grid.checked.report.0) else {
                flow.stage = Stage::Plan(plan);
                return Vec::new();
            };
            let over = budget.left_out > 0;
            let effect = Effect::ExportCsv {
                ticket,
                path: flow.path.value().trim().to_string(),
                out: flow.choices.out.value().trim().to_string(),
                report_path: flow.choices.report.value().trim().to_string(),
                intake: Box::new(grid.intake.reading.intake.clone()),
                mapping: Box::new(grid.mapping.mapping.clone()),
                report: Arc::clone(&grid.checked.report.0),
                limit: over.then_some(budget.invite),
                left_out: over.then(|| flow.left_out_path()),
            };
            flow.stage = Stage::Loading(Box::new(LoadingStage {
                running: Running {
                    ticket,
                    job: Job::Export,
                    bytes: 0,
                    total: Some(flow.meta.size),
                    rows: 0,
                },
                then: CsvStage::Done,
                resumed: false,
                back: Stage::Plan(plan),
            }));
            vec![effect]
        })
    }

    /// The runtime wrote the files. Nothing is recorded yet: the done screen shows the upload
    /// click path and waits for "I clicked Invite in the web app" (saved, so quitting resumes
    /// there). Only preparing the CSV is ticked.
    pub(super) fn csv_exported(
        &mut self,
        ticket: u64,
        result: Result<Exported, CsvJobError>,
        now: Timestamp,
    ) -> Vec<Effect> {
        self.on_flow(|w, flow| {
            let Some(loading) = take_loading(flow, ticket, Job::Export) else {
                return Vec::new();
            };
            let done = match result {
                Ok(done) => done,
                Err(e) => {
                    flow.stage = loading.back;
                    if let Stage::Plan(plan) = &mut flow.stage {
                        plan.error = Some(FlowError::Job(e));
                    }
                    return Vec::new();
                }
            };
            let by = w.by();
            {
                let item = w.guide.item(ItemId::InviteUsers).clone();
                w.progress.set_variant(&item, "csv", now, by.as_deref());
                let _ = w
                    .progress
                    .set_ticked(&item, "prepare-csv", true, now, by.as_deref());
            }
            flow.stage = Stage::Done(Box::new(DoneStage {
                exported: done,
                recorded: false,
            }));
            w.save_flow(flow)
        })
    }

    /// The invite CSV written earlier was read again: back at the sent confirm.
    pub(super) fn csv_sent_read(
        &mut self,
        ticket: u64,
        result: Result<Vec<String>, CsvJobError>,
    ) -> Vec<Effect> {
        self.on_flow(|_, flow| {
            let Some(_loading) = take_loading(flow, ticket, Job::ReadSent) else {
                return Vec::new();
            };
            match result {
                Ok(emails) => {
                    let (left_out, left_out_rows) =
                        flow.resumed_left_out.take().unwrap_or_default();
                    flow.stage = Stage::Done(Box::new(DoneStage {
                        exported: Exported {
                            clean: flow.choices.out.value().to_string(),
                            report: flow.choices.report.value().to_string(),
                            emails,
                            left_out,
                            left_out_rows,
                        },
                        recorded: false,
                    }));
                }
                Err(e) => {
                    flow.stage = Stage::Pick(PickStage {
                        completions: Vec::new(),
                        error: Some(FlowError::Job(e)),
                    });
                }
            }
            Vec::new()
        })
    }

    /// "I clicked Invite in the web app": record the batch, tick the web-app sub-steps, and
    /// append the addresses to the journal.
    pub(super) fn csv_record(&mut self, now: Timestamp) -> Vec<Effect> {
        self.on_flow(|w, flow| {
            let Stage::Done(done) = &mut flow.stage else {
                return Vec::new();
            };
            if done.recorded {
                return Vec::new();
            }
            done.recorded = true;
            let by = w.by();
            let item = w.guide.item(ItemId::InviteUsers).clone();
            w.progress.set_variant(&item, "csv", now, by.as_deref());
            for s in [
                "prepare-csv",
                "open-settings",
                "open-user-management",
                "choose-invite-csv",
                "choose-file",
                "check-mapping",
                "confirm-csv",
            ] {
                let _ = w.progress.set_ticked(&item, s, true, now, by.as_deref());
            }
            let journal = w.progress.record_invites(InviteBatch {
                at: now,
                by,
                source: InviteSource::Csv,
                file: Some(flow.path.value().trim().to_string()),
                teams: Vec::new(),
                workspace: None,
                count: 0,
                emails: done.exported.emails.clone(),
            });
            // The flow is over: quitting now must not resume it next time.
            w.progress.csv_flow = None;
            let mut effects = vec![Effect::AppendJournal(journal)];
            effects.extend(w.save());
            effects
        })
    }

    /// Path completions arrived.
    pub(super) fn csv_completions(&mut self, partial: &str, list: Vec<String>) {
        let Screen::Csv(flow) = &mut self.screen else {
            return;
        };
        let Stage::Pick(pick) = &mut flow.stage else {
            return;
        };
        if flow.path.value() != partial {
            return;
        }
        match list.len() {
            0 => pick.completions.clear(),
            1 => {
                flow.path = TextField::with_value(&list[0], 4096);
                pick.completions.clear();
            }
            _ => {
                let prefix = common_prefix(&list);
                if prefix.chars().count() > partial.chars().count() {
                    flow.path = TextField::with_value(&prefix, 4096);
                }
                pick.completions = list;
            }
        }
    }
}

/// Takes the loading stage out of `flow` when `ticket` is the running job's and it does `job`;
/// otherwise (a late result of a cancelled or replaced job) leaves the flow as it is.
fn take_loading(flow: &mut CsvFlow, ticket: u64, job: Job) -> Option<Box<LoadingStage>> {
    match &flow.stage {
        Stage::Loading(l) if l.running.ticket == ticket && l.running.job == job => {}
        _ => return None,
    }
    match std::mem::take(&mut flow.stage) {
        Stage::Loading(l) => Some(l),
        _ => None,
    }
}

/// Grid: puts the cursor on the next row (after the cursor, wrapping) with a problem or a
/// warning (a scan of the 16-byte verdicts: instant even on a million rows).
fn next_problem(st: &mut GridStage) {
    let c = &mut st.checked;
    let report = &c.report.0;
    let n = c.view_len();
    for step in 1..=n {
        let pos = (c.rows.cursor() + step) % n;
        let Some(idx) = c.view_row(pos) else {
            continue;
        };
        let row = report.rows[idx];
        if row.status != RowStatus::Ok || row.reason.is_some() {
            c.rows.select(pos);
            return;
        }
    }
}

/// `users.csv` → `users.invite.csv` (next to the source).
#[must_use]
pub fn sibling(path: &str, tag: &str) -> String {
    let p = std::path::Path::new(path.trim());
    let stem = p
        .file_stem()
        .map_or_else(|| "users".into(), |s| s.to_string_lossy().into_owned());
    let name = format!("{stem}.{tag}.csv");
    match p.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.join(name).to_string_lossy().into_owned(),
        None => name,
    }
}

fn common_prefix(list: &[String]) -> String {
    let Some(first) = list.first() else {
        return String::new();
    };
    let mut end = first.len();
    for s in &list[1..] {
        end = first
            .char_indices()
            .zip(s.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, c), _)| i + c.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}

/// Whether a guess is worth a second look.
#[must_use]
pub fn uncertain(g: &EncodingGuess) -> bool {
    g.certainty != intake::Certainty::High
}
