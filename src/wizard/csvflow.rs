//! Invite via CSV: pick a file → loading → intake confirmation → column mapping → validation
//! grid → plan → done. Going back and forth keeps every choice; quitting anywhere and starting
//! again resumes at the same stage with the same choices (kept in `progress.csv_flow`; the
//! CSV itself is re-read). All file work is an effect; re-reading the sample with another
//! encoding, delimiter or header row is pure and instant, so it happens here.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;

use super::textfield::TextField;
use super::{ConfirmAction, Effect, Overlay, Screen, StepView, Wizard};
use crate::domain::csv_intake::{
    self as intake, Confidence, EncodingGuess, Field, HeaderChoice, Intake, Mapped, Mapping,
    Overrides, Region, Report, RowStatus, Sample,
};
use crate::domain::guide::ItemId;
use crate::domain::progress::{CsvFlow as SavedFlow, InviteBatch, InviteSource};
use crate::domain::text::Lang;

/// Where the flow is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
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

impl Stage {
    /// The word kept in the progress file.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Pick | Stage::Loading | Stage::Intake => "intake",
            Stage::Mapping => "mapping",
            Stage::Grid => "grid",
            Stage::Plan => "plan",
            Stage::Done => "done",
        }
    }

    fn parse(s: &str) -> Stage {
        match s {
            "mapping" => Stage::Mapping,
            "grid" => Stage::Grid,
            "plan" => Stage::Plan,
            "done" => Stage::Done,
            _ => Stage::Intake,
        }
    }
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
}

/// A running background job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Running {
    /// Its ticket.
    pub ticket: u64,
    /// What it does.
    pub job: Job,
    /// Bytes done.
    pub bytes: u64,
    /// Bytes in all, when known.
    pub total: Option<u64>,
    /// Rows seen.
    pub rows: u64,
    /// The stage to go back to when cancelled.
    pub back_to: Stage,
    /// The stage to reach when it finishes (for resuming).
    pub then: Stage,
}

/// The three switchable rows of the intake screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntakeRow {
    /// The encoding.
    Encoding,
    /// The delimiter.
    Delimiter,
    /// The header row.
    Header,
}

/// An open choice list (intake rows and mapping fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choices {
    /// Labels are built by the UI from `values`; this is the selected index.
    pub cursor: usize,
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

impl Choices {
    /// Moves within a list of `len` items, or reports a pick or a close.
    fn key(&mut self, msg: &super::Msg, len: usize) -> Choice {
        use super::Msg;
        let last = len.saturating_sub(1);
        match msg {
            Msg::Up => self.cursor = self.cursor.saturating_sub(1),
            Msg::Down => self.cursor = (self.cursor + 1).min(last),
            Msg::Home => self.cursor = 0,
            Msg::End => self.cursor = last,
            Msg::Back => return Choice::Close,
            Msg::Next | Msg::Toggle => return Choice::Pick(self.cursor),
            _ => {}
        }
        Choice::Stay
    }
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
    /// The cleaned invite CSV.
    pub clean: String,
    /// The per-row report.
    pub report: String,
    /// The addresses written to the clean file, in order.
    pub emails: Vec<String>,
}

/// The whole CSV flow.
#[derive(Clone, Debug)]
pub struct CsvFlow {
    /// The stage shown.
    pub stage: Stage,
    /// The path being typed / read.
    pub path: TextField,
    /// Path completions offered by Tab.
    pub completions: Vec<String>,
    /// A problem to show (localised).
    pub error: Option<String>,
    /// A notice to show (file changed since last time, ...).
    pub notice: Option<String>,
    /// The background job, if any.
    pub running: Option<Running>,
    /// The head of the file.
    pub sample: Option<Arc<Sample>>,
    /// File facts.
    pub meta: FileMeta,
    /// The user's overrides.
    pub overrides: Overrides,
    /// What sniffing decided.
    pub intake: Option<Intake>,
    /// Focused intake row.
    pub intake_row: usize,
    /// Open choice list on the intake or mapping screen.
    pub choosing: Option<Choices>,
    /// The mapping.
    pub mapping: Option<Mapping>,
    /// Focused mapping row (a field).
    pub mapping_row: usize,
    /// The validation report.
    pub report: Option<Arc<Report>>,
    /// The file decoded (the grid shows each row's cells from it).
    pub text: Option<Arc<str>>,
    /// Indexes of the rows with a problem (for the problems-only view).
    pub problems: Arc<Vec<u32>>,
    /// Grid: selected row (index into the current view).
    pub grid_cursor: usize,
    /// Grid: only rows with a problem.
    pub problems_only: bool,
    /// Grid: search text.
    pub search: TextField,
    /// Grid: typing a search.
    pub searching: bool,
    /// Plan: output path.
    pub out: TextField,
    /// Plan: report path.
    pub report_path: TextField,
    /// Plan: focused row (0 out, 1 report, 2 confirm).
    pub plan_row: usize,
    /// What was written.
    pub exported: Option<Exported>,
    /// The stage to reach after loading when resuming.
    resume_to: Option<Stage>,
    /// Manual mapping choices to re-apply when resuming (field → 1-based column, 0 none).
    resume_mapping: BTreeMap<String, u64>,
}

impl PartialEq for CsvFlow {
    fn eq(&self, other: &Self) -> bool {
        self.stage == other.stage && self.path == other.path && self.running == other.running
    }
}
impl Eq for CsvFlow {}

impl CsvFlow {
    /// A fresh flow at the file picker.
    #[must_use]
    pub fn new() -> CsvFlow {
        CsvFlow {
            stage: Stage::Pick,
            path: TextField::new(4096),
            completions: Vec::new(),
            error: None,
            notice: None,
            running: None,
            sample: None,
            meta: FileMeta::default(),
            overrides: Overrides::default(),
            intake: None,
            intake_row: 0,
            choosing: None,
            mapping: None,
            mapping_row: 0,
            report: None,
            text: None,
            problems: Arc::new(Vec::new()),
            grid_cursor: 0,
            problems_only: false,
            search: TextField::new(200),
            searching: false,
            out: TextField::new(4096),
            report_path: TextField::new(4096),
            plan_row: 2,
            exported: None,
            resume_to: None,
            resume_mapping: BTreeMap::new(),
        }
    }

    /// Starts a background job: the loading screen shows it, Esc returns to where it began.
    fn begin(&mut self, ticket: u64, job: Job, total: Option<u64>, then: Stage, fallback: Stage) {
        let back_to = if self.stage == Stage::Loading {
            fallback
        } else {
            self.stage
        };
        self.running = Some(Running {
            ticket,
            job,
            bytes: 0,
            total,
            rows: 0,
            back_to,
            then,
        });
        self.stage = Stage::Loading;
    }

    /// Rows in the current view.
    #[must_use]
    pub fn view_len(&self) -> usize {
        match (&self.report, self.problems_only) {
            (None, _) => 0,
            (Some(_), true) => self.problems.len(),
            (Some(r), false) => r.rows.len(),
        }
    }

    /// The `n`-th row of the current view (an index into `report.rows`); O(1).
    #[must_use]
    pub fn view_row(&self, n: usize) -> Option<usize> {
        let r = self.report.as_ref()?;
        if self.problems_only {
            self.problems.get(n).map(|&i| i as usize)
        } else {
            (n < r.rows.len()).then_some(n)
        }
    }

    /// Choices of an intake row: encodings, delimiters or header lines (`None` = no header).
    #[must_use]
    pub fn intake_values(&self, row: IntakeRow) -> Vec<IntakeValue> {
        let Some(i) = &self.intake else {
            return Vec::new();
        };
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
                lines.extend(i.preview.iter().take(8).map(|r| r.line));
                let first = 1u64;
                if !lines.contains(&first) {
                    lines.insert(0, first);
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
}

impl Default for CsvFlow {
    fn default() -> Self {
        CsvFlow::new()
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

/// The intake rows, top to bottom.
pub const INTAKE_ROWS: [IntakeRow; 3] =
    [IntakeRow::Encoding, IntakeRow::Delimiter, IntakeRow::Header];

/// A header set's fingerprint: the same headers in any order or case give the same one.
#[must_use]
pub fn fingerprint(columns: &[String]) -> String {
    let mut names: Vec<String> = columns
        .iter()
        .map(|c| intake::normalize(c))
        .filter(|c| !c.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names.join("|")
}

/// Remembered mappings: fingerprint → field key → header name (empty: no column).
pub type Remembered = BTreeMap<String, BTreeMap<String, String>>;

/// Cells of the row starting at byte `offset` of the decoded text.
#[must_use]
pub fn row_cells(text: &str, offset: u64, delimiter: u8) -> Vec<String> {
    RowReader::new(delimiter).cells(text, offset)
}

/// Reads single rows of the decoded text, reusing one parser: building a CSV parser costs more
/// than reading a row, and the grid reads a screenful of rows per frame (a search, every row).
#[derive(Debug)]
pub struct RowReader {
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl RowReader {
    /// A reader for rows separated by `delimiter`.
    #[must_use]
    pub fn new(delimiter: u8) -> RowReader {
        RowReader {
            rdr: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 16],
        }
    }

    /// Cells of the row starting at byte `offset` of `text` (none past the end).
    pub fn cells(&mut self, text: &str, offset: u64) -> Vec<String> {
        use csv_core::ReadRecordResult;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        let mut input = &text.as_bytes()[start..];
        self.rdr.reset();
        let (mut nout, mut nend) = (0, 0);
        loop {
            let (res, nin, o, e) =
                self.rdr
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            input = &input[nin..];
            nout += o;
            nend += e;
            match res {
                // Called again with no input, the reader ends the record.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return Vec::new(),
            }
        }
        let mut from = 0;
        self.ends[..nend]
            .iter()
            .map(|&end| {
                let cell = String::from_utf8_lossy(&self.out[from..end]).into_owned();
                from = end;
                cell
            })
            .collect()
    }
}

fn region(lang: Lang) -> Option<Region> {
    match lang {
        Lang::Ko => Some(Region::Korea),
        Lang::ZhTw => Some(Region::Taiwan),
        Lang::En => None,
    }
}

impl Wizard {
    fn flow(&mut self) -> Option<&mut CsvFlow> {
        match &mut self.screen {
            Screen::Csv(f) => Some(f),
            _ => None,
        }
    }

    /// Opens the CSV flow at the file picker (or where an unfinished one stopped).
    pub(super) fn open_csv(&mut self) -> Vec<Effect> {
        if let Some(saved) = self.progress.csv_flow.clone() {
            return self.resume_csv(&saved);
        }
        self.set_screen(Screen::Csv(Box::default()));
        Vec::new()
    }

    /// Rebuilds the flow from the progress file and re-reads the CSV.
    pub(super) fn resume_csv(&mut self, saved: &SavedFlow) -> Vec<Effect> {
        let mut flow = CsvFlow::new();
        flow.path = TextField::with_value(&saved.file, 4096);
        flow.overrides.encoding = saved
            .encoding
            .as_deref()
            .and_then(intake::encoding_for_label);
        flow.overrides.delimiter = saved.delimiter.as_deref().and_then(intake::parse_delimiter);
        flow.overrides.header = saved.header_row.map(|n| {
            if n == 0 {
                HeaderChoice::None
            } else {
                HeaderChoice::Line(n)
            }
        });
        flow.resume_to = Some(Stage::parse(&saved.stage));
        flow.resume_mapping = saved.mapping.clone();
        flow.meta = FileMeta {
            size: saved.size.unwrap_or(0),
            modified: saved.modified,
        };
        if let Some(o) = &saved.out {
            flow.out = TextField::with_value(o, 4096);
        }
        if let Some(r) = &saved.report {
            flow.report_path = TextField::with_value(r, 4096);
        }
        self.set_screen(Screen::Csv(Box::new(flow)));
        self.start_sample()
    }

    fn new_ticket(&mut self) -> u64 {
        self.next_ticket += 1;
        self.next_ticket
    }

    fn start_sample(&mut self) -> Vec<Effect> {
        let ticket = self.new_ticket();
        let Some(flow) = self.flow() else {
            return Vec::new();
        };
        let path = flow.path.value().trim().to_string();
        if path.is_empty() {
            return Vec::new();
        }
        flow.begin(ticket, Job::Sample, None, Stage::Intake, Stage::Pick);
        flow.error = None;
        vec![Effect::LoadCsv { ticket, path }]
    }

    /// Saves where the flow stands (choices only).
    fn save_flow(&mut self) -> Vec<Effect> {
        let Screen::Csv(flow) = &self.screen else {
            return Vec::new();
        };
        let Some(i) = &flow.intake else {
            return Vec::new();
        };
        let mut mapping = BTreeMap::new();
        if let Some(m) = &flow.mapping {
            for f in Field::ALL {
                match m.get(f) {
                    Some(Mapped {
                        column,
                        confidence: Confidence::Manual,
                    }) => {
                        mapping.insert(f.key().to_string(), column as u64 + 1);
                    }
                    None if flow.resume_mapping.get(f.key()) == Some(&0) => {
                        mapping.insert(f.key().to_string(), 0);
                    }
                    _ => {}
                }
            }
        }
        let stage = match flow.stage {
            Stage::Loading => flow.running.map_or(Stage::Intake, |r| r.then),
            s => s,
        };
        let saved = SavedFlow {
            file: flow.path.value().trim().to_string(),
            size: Some(flow.meta.size),
            modified: flow.meta.modified,
            stage: stage.as_str().to_string(),
            encoding: flow.overrides.encoding.map(|e| e.name().to_string()),
            delimiter: flow.overrides.delimiter.map(|d| char::from(d).to_string()),
            header_row: flow.overrides.header.map(|h| match h {
                HeaderChoice::Line(n) => n,
                HeaderChoice::None => 0,
            }),
            mapping,
            out: (!flow.out.value().is_empty()).then(|| flow.out.value().to_string()),
            report: (!flow.report_path.value().is_empty())
                .then(|| flow.report_path.value().to_string()),
        };
        let _ = i;
        if self.progress.csv_flow.as_ref() == Some(&saved) {
            return Vec::new();
        }
        self.progress.csv_flow = Some(saved);
        self.save()
    }

    /// Re-reads the sample with the current overrides (pure, instant).
    fn resniff(&mut self) {
        let lang = self.tr.lang();
        let tr_err = |e: &intake::SniffError, tr: &crate::domain::text::Catalog| match e {
            intake::SniffError::Empty => tr.t("csv.tui.err-empty").to_string(),
            intake::SniffError::Binary(k) => tr.f("csv.tui.err-binary", &[("kind", &k.as_str())]),
            intake::SniffError::HeaderNotInSample { line, .. } => {
                tr.f("csv.tui.err-header", &[("line", line)])
            }
            intake::SniffError::BadDelimiter(c) => tr.f("csv.tui.err-delimiter", &[("char", c)]),
        };
        let Screen::Csv(flow) = &mut self.screen else {
            return;
        };
        let Some(sample) = flow.sample.clone() else {
            return;
        };
        let mut ov = flow.overrides;
        ov.region = region(lang);
        match intake::sniff(&sample, &ov) {
            Ok(i) => {
                flow.intake = Some(i);
                flow.error = None;
            }
            Err(e) => flow.error = Some(tr_err(&e, &self.tr)),
        }
    }

    /// The mapping for the current intake: remembered for this header set, else suggested;
    /// then manual choices kept from before.
    fn fresh_mapping(&self, flow: &CsvFlow) -> Option<Mapping> {
        let i = flow.intake.as_ref()?;
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
        for (key, col) in &flow.resume_mapping {
            if let Some(f) = Field::parse(key) {
                if *col == 0 {
                    m.set(f, None);
                } else if let Ok(c) = usize::try_from(col - 1)
                    && c < i.columns.len().max(1)
                {
                    m.set(
                        f,
                        Some(Mapped {
                            column: c,
                            confidence: Confidence::Manual,
                        }),
                    );
                }
            }
        }
        Some(m)
    }

    fn start_validate(&mut self, then: Stage) -> Vec<Effect> {
        let ticket = self.new_ticket();
        let invited: Vec<String> = self.progress.invited_emails().into_iter().collect();
        let Some(flow) = self.flow() else {
            return Vec::new();
        };
        let (Some(i), Some(m)) = (flow.intake.clone(), flow.mapping.clone()) else {
            return Vec::new();
        };
        let size = flow.meta.size;
        flow.begin(ticket, Job::Validate, Some(size), then, Stage::Mapping);
        let path = flow.path.value().trim().to_string();
        vec![Effect::ValidateCsv {
            ticket,
            path,
            intake: Box::new(i),
            mapping: Box::new(m),
            invited,
        }]
    }

    fn remember_mapping(&mut self) -> Vec<Effect> {
        let Screen::Csv(flow) = &self.screen else {
            return Vec::new();
        };
        let (Some(i), Some(m)) = (&flow.intake, &flow.mapping) else {
            return Vec::new();
        };
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

    /// Messages on the CSV screens.
    pub(super) fn update_csv(&mut self, msg: super::Msg, now: Timestamp) -> Vec<Effect> {
        use super::Msg;
        let Screen::Csv(flow) = &mut self.screen else {
            return Vec::new();
        };
        let stage = flow.stage;
        match (stage, msg) {
            // In text fields the keymap types `q` instead, so Quit only comes from elsewhere.
            (_, Msg::Quit) => {
                return vec![Effect::Quit];
            }
            // ---- pick ----
            (Stage::Pick, Msg::Input(c)) => {
                flow.path.insert(c);
                flow.completions.clear();
            }
            (Stage::Pick, Msg::Paste(s)) => flow.path.insert_str(s.trim()),
            (Stage::Pick, Msg::Backspace) => {
                flow.path.backspace();
                flow.completions.clear();
            }
            (Stage::Pick, Msg::CursorLeft) => flow.path.left(),
            (Stage::Pick, Msg::CursorRight) => flow.path.right(),
            (Stage::Pick, Msg::FocusNext) => {
                let partial = flow.path.value().to_string();
                return vec![Effect::CompletePath { partial }];
            }
            (Stage::Pick, Msg::Next) => return self.start_sample(),
            (Stage::Pick, Msg::Back) => return self.leave_csv(),
            // ---- loading ----
            (Stage::Loading, Msg::Back) => {
                if let Some(r) = flow.running.take() {
                    flow.stage = r.back_to;
                    flow.resume_to = None;
                    return vec![Effect::CancelCsv { ticket: r.ticket }];
                }
            }
            // ---- intake ----
            (Stage::Intake, msg) if flow.choosing.is_some() => {
                let row = INTAKE_ROWS[flow.intake_row.min(2)];
                let values = flow.intake_values(row);
                let Some(ch) = &mut flow.choosing else {
                    return Vec::new();
                };
                match ch.key(&msg, values.len()) {
                    Choice::Stay => {}
                    Choice::Close => flow.choosing = None,
                    Choice::Pick(at) => {
                        if let Some(v) = values.get(at) {
                            match *v {
                                IntakeValue::Encoding(e) => flow.overrides.encoding = Some(e),
                                IntakeValue::Delimiter(d) => flow.overrides.delimiter = Some(d),
                                IntakeValue::Header(Some(l)) => {
                                    flow.overrides.header = Some(HeaderChoice::Line(l))
                                }
                                IntakeValue::Header(None) => {
                                    flow.overrides.header = Some(HeaderChoice::None)
                                }
                            }
                        }
                        flow.choosing = None;
                        let before = flow.intake.as_ref().map(reading);
                        self.resniff();
                        if let Some(flow) = self.flow()
                            && flow.intake.as_ref().map(reading) != before
                        {
                            // Another reading of the file: the mapping is suggested again and
                            // every row is checked again (the old report is of the old reading).
                            flow.mapping = None;
                            flow.report = None;
                        }
                        return self.save_flow();
                    }
                }
            }
            (Stage::Intake, Msg::Up) => flow.intake_row = flow.intake_row.saturating_sub(1),
            (Stage::Intake, Msg::Down) => flow.intake_row = (flow.intake_row + 1).min(2),
            (Stage::Intake, Msg::Toggle) => {
                let row = INTAKE_ROWS[flow.intake_row.min(2)];
                let values = flow.intake_values(row);
                let current = current_value(flow, row);
                let cursor = values.iter().position(|v| Some(*v) == current).unwrap_or(0);
                flow.choosing = Some(Choices { cursor });
            }
            (Stage::Intake, Msg::Next) => {
                if flow.intake.is_none() {
                    return Vec::new();
                }
                if flow.mapping.is_none() {
                    let m = {
                        let Screen::Csv(flow) = &self.screen else {
                            return Vec::new();
                        };
                        self.fresh_mapping(flow)
                    };
                    if let Some(flow) = self.flow() {
                        flow.mapping = m;
                    }
                }
                if let Some(flow) = self.flow() {
                    flow.stage = Stage::Mapping;
                }
                return self.save_flow();
            }
            (Stage::Intake, Msg::Back) => {
                flow.stage = Stage::Pick;
                return self.save_flow();
            }
            // ---- mapping ----
            (Stage::Mapping, msg) if flow.choosing.is_some() => {
                let ncols = flow.intake.as_ref().map_or(0, |i| i.columns.len());
                let field = Field::ALL[flow.mapping_row.min(4)];
                let Some(ch) = &mut flow.choosing else {
                    return Vec::new();
                };
                // Choices: every column, then "none".
                match ch.key(&msg, ncols + 1) {
                    Choice::Stay => {}
                    Choice::Close => flow.choosing = None,
                    Choice::Pick(pick) => {
                        flow.choosing = None;
                        if let Some(m) = &mut flow.mapping {
                            if pick < ncols {
                                m.set(
                                    field,
                                    Some(Mapped {
                                        column: pick,
                                        confidence: Confidence::Manual,
                                    }),
                                );
                                flow.resume_mapping.remove(field.key());
                            } else if field != Field::Email {
                                m.set(field, None);
                                flow.resume_mapping.insert(field.key().to_string(), 0);
                            }
                        }
                        flow.report = None;
                        flow.error = None;
                        return self.save_flow();
                    }
                }
            }
            (Stage::Mapping, Msg::Up) => flow.mapping_row = flow.mapping_row.saturating_sub(1),
            (Stage::Mapping, Msg::Down) => flow.mapping_row = (flow.mapping_row + 1).min(4),
            (Stage::Mapping, Msg::Toggle) => {
                let field = Field::ALL[flow.mapping_row.min(4)];
                let ncols = flow.intake.as_ref().map_or(0, |i| i.columns.len());
                let cursor = flow
                    .mapping
                    .as_ref()
                    .and_then(|m| m.get(field))
                    .map_or(ncols, |m| m.column);
                flow.choosing = Some(Choices { cursor });
            }
            (Stage::Mapping, Msg::Next) => {
                let email = flow.mapping.as_ref().and_then(|m| m.get(Field::Email));
                match email {
                    None => {
                        flow.error = Some(self.tr.t("csv.tui.need-email").to_string());
                        return Vec::new();
                    }
                    Some(m) if m.confidence == Confidence::Fuzzy => {
                        // A fuzzy e-mail column is never accepted silently.
                        flow.error = Some(self.tr.t("csv.tui.fuzzy-email").to_string());
                        return Vec::new();
                    }
                    Some(_) => {}
                }
                if flow.report.is_some() {
                    flow.stage = Stage::Grid;
                    return self.save_flow();
                }
                let mut effects = self.remember_mapping();
                effects.extend(self.start_validate(Stage::Grid));
                effects.extend(self.save_flow());
                return effects;
            }
            (Stage::Mapping, Msg::Back) => {
                flow.stage = Stage::Intake;
                flow.error = None;
                return self.save_flow();
            }
            // ---- grid ----
            (Stage::Grid, msg) if flow.searching => match msg {
                Msg::Input(c) => flow.search.insert(c),
                Msg::Paste(s) => flow.search.insert_str(&s),
                Msg::Backspace => flow.search.backspace(),
                Msg::Back => {
                    flow.searching = false;
                    flow.search = TextField::new(200);
                }
                Msg::Next => {
                    flow.searching = false;
                    self.grid_find(true, false);
                }
                _ => {}
            },
            (Stage::Grid, Msg::Up) => flow.grid_cursor = flow.grid_cursor.saturating_sub(1),
            (Stage::Grid, Msg::Down) => {
                flow.grid_cursor = (flow.grid_cursor + 1).min(flow.view_len().saturating_sub(1))
            }
            (Stage::Grid, Msg::PageUp) => flow.grid_cursor = flow.grid_cursor.saturating_sub(20),
            (Stage::Grid, Msg::PageDown) => {
                flow.grid_cursor = (flow.grid_cursor + 20).min(flow.view_len().saturating_sub(1))
            }
            (Stage::Grid, Msg::Home) => flow.grid_cursor = 0,
            (Stage::Grid, Msg::End) => flow.grid_cursor = flow.view_len().saturating_sub(1),
            (Stage::Grid, Msg::ToggleProblems) => {
                flow.problems_only = !flow.problems_only;
                flow.grid_cursor = 0;
            }
            (Stage::Grid, Msg::NextProblem) => self.grid_find(false, true),
            (Stage::Grid, Msg::Search) => flow.searching = true,
            (Stage::Grid, Msg::Next) => {
                let default_out = sibling(flow.path.value(), "invite");
                let default_report = sibling(flow.path.value(), "report");
                if flow.out.value().is_empty() {
                    flow.out = TextField::with_value(&default_out, 4096);
                }
                if flow.report_path.value().is_empty() {
                    flow.report_path = TextField::with_value(&default_report, 4096);
                }
                flow.stage = Stage::Plan;
                flow.plan_row = 2;
                return self.save_flow();
            }
            (Stage::Grid, Msg::Back) => {
                flow.stage = Stage::Mapping;
                return self.save_flow();
            }
            // ---- plan ----
            (Stage::Plan, Msg::Up) => flow.plan_row = flow.plan_row.saturating_sub(1),
            (Stage::Plan, Msg::Down | Msg::FocusNext) => flow.plan_row = (flow.plan_row + 1).min(2),
            (Stage::Plan, Msg::Input(c)) if flow.plan_row < 2 => plan_field(flow).insert(c),
            (Stage::Plan, Msg::Paste(s)) if flow.plan_row < 2 => {
                plan_field(flow).insert_str(s.trim())
            }
            (Stage::Plan, Msg::Backspace) if flow.plan_row < 2 => plan_field(flow).backspace(),
            (Stage::Plan, Msg::CursorLeft) if flow.plan_row < 2 => plan_field(flow).left(),
            (Stage::Plan, Msg::CursorRight) if flow.plan_row < 2 => plan_field(flow).right(),
            (Stage::Plan, Msg::Next) if flow.plan_row < 2 => flow.plan_row += 1,
            (Stage::Plan, Msg::Next) => {
                let n = flow.report.as_ref().map_or(0, |r| r.seats.needed);
                if n == 0 {
                    flow.error = Some(self.tr.t("csv.tui.nothing-new").to_string());
                    return Vec::new();
                }
                self.overlay = Some(Overlay::Confirm(ConfirmAction::ExportCsv { rows: n }));
                return self.save_flow();
            }
            (Stage::Plan, Msg::Back) => {
                flow.stage = Stage::Grid;
                flow.error = None;
                return self.save_flow();
            }
            // ---- done ----
            (Stage::Done, Msg::Next | Msg::Back) => {
                self.progress.csv_flow = None;
                let effects = self.save();
                self.set_screen(Screen::Step(StepView::new(ItemId::InviteUsers)));
                return effects;
            }
            _ => {}
        }
        let _ = now;
        Vec::new()
    }

    fn leave_csv(&mut self) -> Vec<Effect> {
        self.set_screen(Screen::Step(StepView::new(ItemId::InviteUsers)));
        Vec::new()
    }

    /// Grid: jump to the next row matching the search (`search`) or with a problem (`problem`).
    fn grid_find(&mut self, search: bool, problem: bool) {
        let Screen::Csv(flow) = &mut self.screen else {
            return;
        };
        let (Some(report), Some(text), Some(i)) =
            (flow.report.clone(), flow.text.clone(), flow.intake.as_ref())
        else {
            return;
        };
        let delim = i.dialect.delimiter;
        let email_col = flow
            .mapping
            .as_ref()
            .and_then(|m| m.get(Field::Email))
            .map(|m| m.column);
        let needle = flow.search.value().to_lowercase();
        let mut rows = RowReader::new(delim);
        let n = flow.view_len();
        if n == 0 {
            return;
        }
        for step in 1..=n {
            let pos = (flow.grid_cursor + step) % n;
            let Some(idx) = flow.view_row(pos) else {
                continue;
            };
            let row = report.rows[idx];
            let hit = if problem {
                row.status != RowStatus::Ok || row.reason.is_some()
            } else if search && !needle.is_empty() {
                let cells = rows.cells(&text, row.offset);
                let hay = email_col
                    .and_then(|c| cells.get(c))
                    .map_or_else(|| cells.join(" "), Clone::clone);
                hay.to_lowercase().contains(&needle)
                    || cells.iter().any(|c| c.to_lowercase().contains(&needle))
            } else {
                false
            };
            if hit {
                flow.grid_cursor = pos;
                return;
            }
        }
    }

    /// The runtime read the head of the file.
    pub(super) fn csv_sampled(
        &mut self,
        ticket: u64,
        result: Result<(Arc<Sample>, FileMeta), String>,
    ) -> Vec<Effect> {
        let tr = self.tr.clone();
        let Screen::Csv(flow) = &mut self.screen else {
            return Vec::new();
        };
        if flow.running.map(|r| r.ticket) != Some(ticket) {
            return Vec::new();
        }
        flow.running = None;
        match result {
            Err(text) => {
                flow.stage = Stage::Pick;
                flow.error = Some(text);
                flow.resume_to = None;
                Vec::new()
            }
            Ok((sample, meta)) => {
                let resumed = flow.resume_to.is_some();
                if resumed && (meta.size != flow.meta.size || meta.modified != flow.meta.modified) {
                    flow.notice = Some(tr.t("csv.tui.file-changed").to_string());
                }
                flow.sample = Some(sample);
                flow.meta = meta;
                flow.stage = Stage::Intake;
                flow.mapping = None;
                flow.report = None;
                flow.intake = None;
                self.resniff();
                // A file that cannot be read as CSV at all (a workbook, empty): back to the
                // picker with the path kept and the reason shown, so it can be fixed at once.
                if let Some(flow) = self.flow()
                    && flow.intake.is_none()
                {
                    flow.stage = Stage::Pick;
                    flow.resume_to = None;
                    return Vec::new();
                }
                let target = self.flow().and_then(|f| f.resume_to.take());
                let mut work = Vec::new();
                if let Some(target) = target.filter(|t| *t != Stage::Intake) {
                    let m = {
                        let Screen::Csv(flow) = &self.screen else {
                            return Vec::new();
                        };
                        self.fresh_mapping(flow)
                    };
                    if let Some(flow) = self.flow() {
                        flow.mapping = m;
                        if flow.intake.is_some() {
                            if target == Stage::Mapping {
                                flow.stage = Stage::Mapping;
                            } else {
                                work = self.start_validate(target);
                            }
                        }
                    }
                }
                // Saved once the resumed stage and mapping are set: quitting while the file is
                // validated again resumes at the same stage with the same choices.
                let mut effects = self.save_flow();
                effects.extend(work);
                effects
            }
        }
    }

    /// Validation progress.
    pub(super) fn csv_progress(&mut self, ticket: u64, bytes: u64, rows: u64) {
        if let Some(flow) = self.flow()
            && let Some(r) = &mut flow.running
            && r.ticket == ticket
        {
            r.bytes = bytes;
            r.rows = rows;
        }
    }

    /// The runtime validated the file.
    pub(super) fn csv_validated(
        &mut self,
        ticket: u64,
        result: Result<(Arc<Report>, Arc<str>), String>,
    ) -> Vec<Effect> {
        let Screen::Csv(flow) = &mut self.screen else {
            return Vec::new();
        };
        let Some(run) = flow.running.filter(|r| r.ticket == ticket) else {
            return Vec::new();
        };
        flow.running = None;
        match result {
            Err(text) => {
                flow.stage = Stage::Mapping;
                flow.error = Some(text);
                Vec::new()
            }
            Ok((report, text)) => {
                flow.problems = Arc::new(
                    report
                        .rows
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.status != RowStatus::Ok || r.reason.is_some())
                        .filter_map(|(i, _)| u32::try_from(i).ok())
                        .collect(),
                );
                flow.report = Some(report);
                flow.text = Some(text);
                flow.grid_cursor = 0;
                flow.stage = if run.then == Stage::Plan || run.then == Stage::Done {
                    Stage::Plan
                } else {
                    Stage::Grid
                };
                if flow.stage == Stage::Plan && flow.out.value().is_empty() {
                    flow.out = TextField::with_value(&sibling(flow.path.value(), "invite"), 4096);
                    flow.report_path =
                        TextField::with_value(&sibling(flow.path.value(), "report"), 4096);
                }
                self.save_flow()
            }
        }
    }

    /// The user confirmed the plan: write the files.
    pub(super) fn csv_export(&mut self) -> Vec<Effect> {
        let ticket = self.new_ticket();
        let Some(flow) = self.flow() else {
            return Vec::new();
        };
        let (Some(i), Some(m), Some(r)) = (
            flow.intake.clone(),
            flow.mapping.clone(),
            flow.report.clone(),
        ) else {
            return Vec::new();
        };
        let size = flow.meta.size;
        flow.begin(ticket, Job::Export, Some(size), Stage::Done, Stage::Plan);
        vec![Effect::ExportCsv {
            ticket,
            path: flow.path.value().trim().to_string(),
            out: flow.out.value().trim().to_string(),
            report_path: flow.report_path.value().trim().to_string(),
            intake: Box::new(i),
            mapping: Box::new(m),
            report: r,
        }]
    }

    /// The runtime wrote the files: record the batch as invited and tick the CSV sub-steps.
    pub(super) fn csv_exported(
        &mut self,
        ticket: u64,
        result: Result<Exported, String>,
        now: Timestamp,
    ) -> Vec<Effect> {
        let by = self.by();
        let Screen::Csv(flow) = &mut self.screen else {
            return Vec::new();
        };
        if flow.running.map(|r| r.ticket) != Some(ticket) {
            return Vec::new();
        }
        flow.running = None;
        match result {
            Err(text) => {
                flow.stage = Stage::Plan;
                flow.error = Some(text);
                Vec::new()
            }
            Ok(done) => {
                let file = flow.path.value().trim().to_string();
                let emails = done.emails.clone();
                flow.exported = Some(done);
                flow.stage = Stage::Done;
                {
                    let item = self.guide.item(ItemId::InviteUsers).clone();
                    self.progress.set_variant(&item, "csv", now, by.as_deref());
                    for s in [
                        "prepare-csv",
                        "open-settings",
                        "open-user-management",
                        "choose-invite-csv",
                        "choose-file",
                        "check-mapping",
                        "confirm-csv",
                    ] {
                        let _ = self.progress.set_ticked(&item, s, true, now, by.as_deref());
                    }
                }
                self.progress.record_invites(InviteBatch {
                    at: now,
                    by,
                    source: InviteSource::Csv,
                    file: Some(file),
                    teams: Vec::new(),
                    workspace: None,
                    emails,
                });
                // The flow is over: quitting on the done screen must not resume it next time.
                self.progress.csv_flow = None;
                self.save()
            }
        }
    }

    /// Path completions arrived.
    pub(super) fn csv_completions(&mut self, partial: &str, list: Vec<String>) {
        let Some(flow) = self.flow() else { return };
        if flow.path.value() != partial {
            return;
        }
        match list.len() {
            0 => flow.completions.clear(),
            1 => {
                flow.path = TextField::with_value(&list[0], 4096);
                flow.completions.clear();
            }
            _ => {
                let prefix = common_prefix(&list);
                if prefix.chars().count() > partial.chars().count() {
                    flow.path = TextField::with_value(&prefix, 4096);
                }
                flow.completions = list;
            }
        }
    }
}

/// What decides how the rows are read: the same reading keeps the mapping and the report.
fn reading(i: &Intake) -> (&'static str, u8, Option<u64>, Vec<String>) {
    (
        i.encoding.encoding.name(),
        i.dialect.delimiter,
        i.header_row,
        i.columns.clone(),
    )
}

fn plan_field(flow: &mut CsvFlow) -> &mut TextField {
    if flow.plan_row == 0 {
        &mut flow.out
    } else {
        &mut flow.report_path
    }
}

fn current_value(flow: &CsvFlow, row: IntakeRow) -> Option<IntakeValue> {
    let i = flow.intake.as_ref()?;
    Some(match row {
        IntakeRow::Encoding => IntakeValue::Encoding(i.encoding.encoding),
        IntakeRow::Delimiter => IntakeValue::Delimiter(i.dialect.delimiter),
        IntakeRow::Header => IntakeValue::Header(i.header_row),
    })
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

/// The report as the cleaned invite file sees it: rows whose address is already recorded as
/// invited are left out, as the plan says (the engine keeps them valid, for `csv check`), so the
/// file and the batch recorded from it hold only the new addresses. Borrowed when there are none.
#[must_use]
pub fn without_invited(report: &Report) -> std::borrow::Cow<'_, Report> {
    let mut lines = report
        .issues
        .iter()
        .filter(|i| i.kind == intake::IssueKind::AlreadyInvited)
        .map(|i| i.line)
        .peekable();
    if lines.peek().is_none() {
        return std::borrow::Cow::Borrowed(report);
    }
    let mut clean = report.clone();
    for line in lines {
        let at = clean.rows.partition_point(|r| r.line < line);
        if let Some(row) = clean.rows.get_mut(at)
            && row.line == line
            && row.status == RowStatus::Ok
        {
            // `write_clean` writes the `Ok` rows only.
            row.status = RowStatus::Duplicate;
        }
    }
    std::borrow::Cow::Owned(clean)
}

/// Whether a guess is worth a second look.
#[must_use]
pub fn uncertain(g: &EncodingGuess) -> bool {
    g.certainty != intake::Certainty::High
}
