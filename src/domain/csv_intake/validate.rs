//! Step 5: every data row checked, every problem collected with its line.
//!
//! One streaming pass over the file: per row a 16-byte [`RowResult`]; per problem an [`Issue`];
//! for duplicate detection each valid address is appended to one arena with an 8-byte hash/row
//! word, and the words are looked at once at the end. No row's cells are kept: about 60 bytes
//! per row in all (measured by `benches/csv_intake.rs`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use encoding_rs::Encoding;

use super::Intake;
use super::email::{EmailProblem, EmailWarning, check_address};
use super::encoding::Certainty;
use super::mapping::{Field, Mapping};
use super::records::{ReadError, RecordReader, Stream};
use super::swar::push_ascii_lowercase;

mod parts;
pub use parts::{Source, validate_source};

/// Seats an MSI Actions instance has ("User Seats = 100 per instance").
pub const SEATS_PER_INSTANCE: usize = 100;
/// Teams an MSI Actions instance allows ("Teams = 20 per instance").
pub const TEAMS_PER_INSTANCE: usize = 20;
/// Distinct team names remembered for counting; past this the count is "more than".
pub const TEAM_COUNT_CAP: usize = 10_000;
/// A row spanning more physical lines than this gets a warning (probably a stray quote).
pub const LONG_ROW_LINES: u64 = 10;
/// How often (in rows) progress is reported.
pub const PROGRESS_EVERY: u64 = 8192;
/// Longest value kept in an issue, in characters.
const VALUE_CHARS: usize = 200;

/// A row's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowStatus {
    /// Will be invited (warnings aside).
    Ok,
    /// No address, not a valid one, or a cell with a control character.
    Invalid,
    /// The same address as an earlier valid row.
    Duplicate,
}

impl RowStatus {
    /// `ok`, `invalid` or `duplicate`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Ok => "ok",
            RowStatus::Invalid => "invalid",
            RowStatus::Duplicate => "duplicate",
        }
    }
}

/// How a row is shown: the one classification the grid, the JSON and the report share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowClass {
    /// Will be invited; nothing to say.
    Ok,
    /// Will be invited; something is worth knowing ([`RowResult::reason`] says what).
    Warning,
    /// Will not be invited: no address, not a valid one, or a cell that cannot be written.
    Invalid,
    /// Will not be invited: the same address as an earlier row.
    Duplicate,
}

impl RowClass {
    /// `ok`, `warning`, `invalid` or `duplicate`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RowClass::Ok => "ok",
            RowClass::Warning => "warning",
            RowClass::Invalid => "invalid",
            RowClass::Duplicate => "duplicate",
        }
    }
}

/// Error or warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The row (or the file) cannot be used as is.
    Error,
    /// Worth knowing; the row is still invited.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What kind of problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// The e-mail cell is empty or missing.
    MissingEmail,
    /// The e-mail is not a valid address ([`Detail::Email`] says why).
    InvalidEmail,
    /// The same address (trimmed, any case) as an earlier row ([`Detail::DuplicateOf`]).
    Duplicate,
    /// Spaces around the address were removed.
    Whitespace,
    /// A cell starts with `=` `+` `-` `@`: a spreadsheet may run it as a formula.
    FormulaLike,
    /// The row has a different number of cells than the header ([`Detail::Cells`]).
    RaggedRow,
    /// Bytes that are not valid in the file's encoding (shown as U+FFFD).
    DecodeError,
    /// Already invited according to the progress file (no new seat needed).
    AlreadyInvited,
    /// The row spans many lines: probably a quote that is not closed ([`Detail::Lines`]).
    LongRow,
    /// More distinct teams than an instance allows ([`Detail::Limit`]).
    TooManyTeams,
    /// More new addresses than seats available ([`Detail::Limit`]).
    SeatsExceeded,
    /// No data rows after the header.
    NoRows,
    /// The encoding was guessed without much evidence ([`Detail::Encoding`]).
    EncodingUncertain,
    /// A valid address with non-ASCII characters before the `@`: it needs SMTPUTF8, which the
    /// web app may not accept ([`Detail::Value`]).
    Smtputf8,
    /// A valid address whose domain is typed with full-width or compatibility characters
    /// (`example．com`) ([`Detail::Value`]).
    DomainUnusual,
    /// A cell other than the address holds a control character (NUL, ...) that must not reach
    /// the invite file ([`Detail::Value`], escaped when shown).
    ControlChar,
}

impl IssueKind {
    /// Every kind, for catalogs and tests.
    pub const ALL: [IssueKind; 16] = [
        IssueKind::MissingEmail,
        IssueKind::InvalidEmail,
        IssueKind::Duplicate,
        IssueKind::Whitespace,
        IssueKind::FormulaLike,
        IssueKind::RaggedRow,
        IssueKind::DecodeError,
        IssueKind::AlreadyInvited,
        IssueKind::LongRow,
        IssueKind::TooManyTeams,
        IssueKind::SeatsExceeded,
        IssueKind::NoRows,
        IssueKind::EncodingUncertain,
        IssueKind::Smtputf8,
        IssueKind::DomainUnusual,
        IssueKind::ControlChar,
    ];

    /// The JSON name (and the catalog key `csv.issue.NAME`): `missing_email`, `invalid_email`,
    /// `duplicate`, `whitespace`, `formula_like`, `ragged_row`, `decode_error`,
    /// `already_invited`, `long_row`, `too_many_teams`, `seats_exceeded`, `no_rows`,
    /// `encoding_uncertain`, `smtputf8`, `domain_unusual`, `control_char`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::MissingEmail => "missing_email",
            IssueKind::InvalidEmail => "invalid_email",
            IssueKind::Duplicate => "duplicate",
            IssueKind::Whitespace => "whitespace",
            IssueKind::FormulaLike => "formula_like",
            IssueKind::RaggedRow => "ragged_row",
            IssueKind::DecodeError => "decode_error",
            IssueKind::AlreadyInvited => "already_invited",
            IssueKind::LongRow => "long_row",
            IssueKind::TooManyTeams => "too_many_teams",
            IssueKind::SeatsExceeded => "seats_exceeded",
            IssueKind::NoRows => "no_rows",
            IssueKind::EncodingUncertain => "encoding_uncertain",
            IssueKind::Smtputf8 => "smtputf8",
            IssueKind::DomainUnusual => "domain_unusual",
            IssueKind::ControlChar => "control_char",
        }
    }

    /// Error or warning.
    #[must_use]
    pub fn severity(self) -> Severity {
        match self {
            IssueKind::MissingEmail
            | IssueKind::InvalidEmail
            | IssueKind::Duplicate
            | IssueKind::SeatsExceeded
            | IssueKind::NoRows
            | IssueKind::ControlChar => Severity::Error,
            IssueKind::Whitespace
            | IssueKind::FormulaLike
            | IssueKind::RaggedRow
            | IssueKind::DecodeError
            | IssueKind::AlreadyInvited
            | IssueKind::LongRow
            | IssueKind::TooManyTeams
            | IssueKind::EncodingUncertain
            | IssueKind::Smtputf8
            | IssueKind::DomainUnusual => Severity::Warning,
        }
    }
}

/// The particulars of an issue, for its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Nothing more to say.
    None,
    /// The cell's value (trimmed, at most 200 characters).
    Value(Box<str>),
    /// An invalid address and what is wrong with it.
    Email {
        /// The value (trimmed, at most 200 characters).
        value: Box<str>,
        /// What is wrong.
        problem: EmailProblem,
    },
    /// The row whose address this repeats.
    DuplicateOf {
        /// Its line.
        line: u64,
    },
    /// Cells in the row against cells in the header.
    Cells {
        /// In this row.
        found: usize,
        /// In the header.
        expected: usize,
    },
    /// Physical lines the row spans.
    Lines {
        /// How many.
        count: u64,
    },
    /// A count against a limit.
    Limit {
        /// Found or needed.
        found: u64,
        /// Allowed or available.
        limit: u64,
        /// Whether `found` is a lower bound (counting stopped).
        at_least: bool,
    },
    /// The encoding used, then the other plausible ones.
    Encoding(Box<[&'static Encoding]>),
}

/// One problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// 1-based physical line where the row starts; 0 for the file as a whole.
    pub line: u64,
    /// The field concerned, if any.
    pub field: Option<Field>,
    /// What kind.
    pub kind: IssueKind,
    /// Particulars.
    pub detail: Detail,
}

impl Issue {
    /// Error or warning.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}

/// One data row's verdict: 16 bytes, no strings (a 1 M-row file keeps a million).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowResult {
    /// Byte offset of the row in the text stream (after the BOM; for files not in UTF-8, in the
    /// decoded UTF-8 text).
    pub offset: u64,
    /// 1-based physical line where the row starts (a file of more than 4 294 967 295 lines is
    /// refused as too large).
    pub line: u32,
    /// Verdict.
    pub status: RowStatus,
    /// The main reason: the first error, else the first warning.
    pub reason: Option<IssueKind>,
}

impl RowResult {
    /// How the row is shown: invalid, duplicate, or (to be invited) warning when there is
    /// something to say about it, else ok.
    #[must_use]
    pub fn class(&self) -> RowClass {
        match self.status {
            RowStatus::Invalid => RowClass::Invalid,
            RowStatus::Duplicate => RowClass::Duplicate,
            RowStatus::Ok if self.reason.is_some() => RowClass::Warning,
            RowStatus::Ok => RowClass::Ok,
        }
    }
}

/// Row counts, as defined for the JSON report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Non-blank data rows after the header.
    pub rows: u64,
    /// `rows - invalid - duplicates`.
    pub valid: u64,
    /// Rows whose address is missing or not valid.
    pub invalid: u64,
    /// Rows whose address repeats an earlier valid row's.
    pub duplicates: u64,
    /// Valid rows with a warning ([`RowClass::Warning`]), counted within `valid`.
    pub warnings: u64,
}

/// Seats needed against seats available.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seats {
    /// Seats left.
    pub available: u64,
    /// Valid unique addresses not already invited.
    pub needed: u64,
    /// `needed <= available`.
    pub ok: bool,
}

/// Everything validation found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// One entry per non-blank data row, in file order.
    pub rows: Vec<RowResult>,
    /// Row problems, in line order.
    pub issues: Vec<Issue>,
    /// Problems of the file as a whole (line 0).
    pub file_issues: Vec<Issue>,
    /// Row counts.
    pub counts: Counts,
    /// Seats.
    pub seats: Seats,
    /// Distinct non-empty team names (case-insensitive), and whether counting stopped at
    /// [`TEAM_COUNT_CAP`].
    pub teams: (u64, bool),
    /// Distinct teams of the file together with [`Options::teams_recorded`] (what the
    /// instance would have).
    pub teams_with_recorded: u64,
    /// Bytes of the file read.
    pub bytes_read: u64,
}

impl Report {
    /// The problems of the row starting on `line`.
    #[must_use]
    pub fn issues_at(&self, line: u64) -> &[Issue] {
        let start = self.issues.partition_point(|i| i.line < line);
        let end = self.issues.partition_point(|i| i.line <= line);
        &self.issues[start..end]
    }

    /// Whether any error was found (rows invalid or duplicated, seats exceeded, no rows).
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.file_issues
            .iter()
            .chain(&self.issues)
            .any(|i| i.severity() == Severity::Error)
    }

    /// Heap bytes this report holds (for the memory budget).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        let values: usize = self
            .issues
            .iter()
            .chain(&self.file_issues)
            .map(|i| match &i.detail {
                Detail::Value(v) | Detail::Email { value: v, .. } => v.len(),
                Detail::Encoding(e) => e.len() * 8,
                _ => 0,
            })
            .sum();
        self.rows.capacity() * size_of::<RowResult>()
            + (self.issues.capacity() + self.file_issues.capacity()) * size_of::<Issue>()
            + values
    }
}

/// What validation is told.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seats available (default: 100 less those already invited).
    pub seats_available: u64,
    /// Teams allowed.
    pub max_teams: u64,
    /// Addresses already invited, lower-cased.
    pub invited: HashSet<String>,
    /// Team names already recorded, lower-cased: they count toward [`Options::max_teams`].
    pub teams_recorded: HashSet<String>,
    /// Size of the file in bytes, when known: lets validation size its buffers once instead of
    /// growing them (about a third faster on a million rows). Only a hint.
    pub size_hint: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seats_available: SEATS_PER_INSTANCE as u64,
            max_teams: TEAMS_PER_INSTANCE as u64,
            invited: HashSet::new(),
            teams_recorded: HashSet::new(),
            size_hint: None,
        }
    }
}

impl Options {
    /// Options for `invited` addresses (any case) and an optional seat override: without one,
    /// 100 seats less those already invited.
    #[must_use]
    pub fn new(invited: &[String], seats: Option<u64>) -> Self {
        let invited: HashSet<String> = invited.iter().map(|a| a.trim().to_lowercase()).collect();
        let default = (SEATS_PER_INSTANCE as u64).saturating_sub(invited.len() as u64);
        Options {
            seats_available: seats.unwrap_or(default),
            invited,
            ..Options::default()
        }
    }
}

/// How far a pass has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the file read.
    pub bytes_read: u64,
    /// Data rows seen.
    pub rows: u64,
}

/// Why a pass over the file stopped.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// Reading failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The progress callback asked to stop.
    #[error("cancelled")]
    Cancelled,
    /// The mapping has no e-mail column.
    #[error("no column is mapped to email")]
    NoEmailColumn,
    /// No row starts on the header line (the file changed since it was sniffed?).
    #[error("no row starts on line {line}")]
    HeaderNotFound {
        /// The header line.
        line: u64,
    },
    /// A row longer than the limit: a quote that is never closed.
    #[error("the row starting on line {line} is longer than 4 MiB")]
    RowTooLong {
        /// Where it starts.
        line: u64,
    },
    /// The file has more rows or distinct addresses than this program counts (4 billion).
    #[error("too many rows")]
    TooLarge,
    /// The rows differ from what validation saw (the file changed between passes).
    #[error("the file changed while it was being read (line {line})")]
    Changed {
        /// The first line that differs.
        line: u64,
    },
}

impl From<ReadError> for ValidateError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => ValidateError::Io(e),
            ReadError::TooLong { line } => ValidateError::RowTooLong { line },
        }
    }
}

/// Walks the data rows of a file: decodes, skips the `sep=` line, the rows above the header, the
/// header and blank rows.
pub(crate) struct Walker<R: Read> {
    rr: RecordReader<Stream<R>>,
    header_line: Option<u64>,
    header_seen: bool,
    sep_line: bool,
    /// Cells in the header (or in the widest preview row without one).
    pub(crate) width: usize,
    decoded: bool,
    /// Where to stop: the first record starting at or after this offset of the text stream is
    /// left unread (see [`Walker::stopped`]).
    limit: Option<u64>,
    /// The offset and line of the record the walk stopped at, when it reached `limit`.
    stopped: Option<(u64, u64)>,
}

impl<R: Read> Walker<R> {
    pub(crate) fn open(reader: R, intake: &Intake) -> io::Result<Self> {
        let stream = Stream::open(reader, intake.encoding.encoding, intake.encoding.bom_len)?;
        let cr = intake.dialect.line_ending == super::dialect::LineEnding::Cr;
        Ok(Walker {
            rr: RecordReader::new(stream, intake.dialect.delimiter, cr),
            header_line: intake.header_row,
            header_seen: intake.header_row.is_none(),
            sep_line: intake.dialect.sep_line,
            width: intake.columns.len(),
            decoded: intake.encoding.encoding != encoding_rs::UTF_8,
            limit: None,
            stopped: None,
        })
    }

    /// A walker over the data rows of a UTF-8 file from `reader`, which starts at the start of a
    /// record past the header: offsets and lines count from there (line 1), and rows have
    /// `width` cells like the header's.
    /// `core` is a `csv_core` reader for the file's delimiter, new or reset.
    pub(crate) fn open_mid(
        reader: R,
        intake: &Intake,
        width: usize,
        core: csv_core::Reader,
    ) -> io::Result<Self> {
        let stream = Stream::open(reader, encoding_rs::UTF_8, 0)?;
        let cr = intake.dialect.line_ending == super::dialect::LineEnding::Cr;
        let mut rr = RecordReader::with_core(stream, core, intake.dialect.delimiter, cr);
        rr.start_mid_file();
        Ok(Walker {
            rr,
            header_line: None,
            header_seen: true,
            sep_line: false,
            width,
            decoded: false,
            limit: None,
            stopped: None,
        })
    }

    /// The `csv_core` reader, to be reset and used again.
    pub(crate) fn into_core(self) -> csv_core::Reader {
        self.rr.into_core()
    }

    /// Stops the walk at the first record starting at or after `offset` of the text stream.
    pub(crate) fn stop_at(&mut self, offset: u64) {
        self.limit = Some(offset);
    }

    /// Where the walk stopped (offset and line of the first record not read), when it did.
    pub(crate) fn stopped(&self) -> Option<(u64, u64)> {
        self.stopped
    }

    /// Moves to the next non-blank data row; `false` at the end (or at the limit).
    pub(crate) fn next(&mut self) -> Result<bool, ValidateError> {
        if self.stopped.is_some() {
            return Ok(false);
        }
        loop {
            if !self.rr.read()? {
                return match self.header_line {
                    Some(line) if !self.header_seen => Err(ValidateError::HeaderNotFound { line }),
                    _ => Ok(false),
                };
            }
            if let Some(limit) = self.limit
                && self.rr.offset() >= limit
            {
                self.stopped = Some((self.rr.offset(), self.rr.line()));
                return Ok(false);
            }
            let line = self.rr.line();
            if !self.header_seen {
                match self.header_line {
                    Some(h) if line == h => {
                        self.header_seen = true;
                        self.width = self.rr.len();
                    }
                    Some(h) if line > h => return Err(ValidateError::HeaderNotFound { line: h }),
                    _ => {}
                }
                continue;
            }
            if self.sep_line && line == 1 {
                continue;
            }
            if self.rr.cells().all(cell_is_blank) {
                continue;
            }
            return Ok(true);
        }
    }

    /// The current row.
    pub(crate) fn row(&self) -> RowRef<'_> {
        let all = self.rr.all();
        RowRef {
            all,
            // SIMD validation: a row of Korean or Chinese names is mostly multi-byte text.
            text: simdutf8::basic::from_utf8(all).ok(),
            ends: self.rr.ends(),
            gap: self.rr.gap(),
            line: self.rr.line(),
            offset: self.rr.offset(),
            spanned: self.rr.lines_spanned(),
            width: self.width,
            decoded: self.decoded,
        }
    }

    pub(crate) fn line(&self) -> u64 {
        self.rr.line()
    }

    /// Cell `i` as text, and whether it holds bytes invalid in the file's encoding.
    pub(crate) fn text(&self, i: usize) -> Option<(Cow<'_, str>, bool)> {
        self.rr.get(i).map(|c| cell_text(c, self.decoded))
    }

    pub(crate) fn bytes_read(&self) -> u64 {
        self.rr.get_ref().raw_read()
    }
}

/// One data row as validation sees it, read straight from the [`Walker`] or copied into a
/// [`Batch`]: the same checks run on both, so both give the same report.
#[derive(Clone, Copy)]
pub(crate) struct RowRef<'a> {
    /// The cells (unquoted), end to end or `gap` bytes apart.
    all: &'a [u8],
    /// `all` as text, when it is valid UTF-8 (checked where the row was read: on the parsing
    /// thread of [`validate_threaded`]).
    text: Option<&'a str>,
    /// Where each cell ends in `all`.
    ends: &'a [usize],
    /// Bytes from one cell's end to the next one's start in `all` (a delimiter, or none).
    gap: usize,
    line: u64,
    offset: u64,
    /// Physical lines the row spans.
    spanned: u64,
    /// Cells in the header.
    width: usize,
    /// Whether the text was decoded from another encoding.
    decoded: bool,
}

impl<'a> RowRef<'a> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => *self.ends.get(i - 1)? + self.gap,
        };
        Some(start..end)
    }

    fn raw(&self, i: usize) -> Option<&'a [u8]> {
        self.all.get(self.range(i)?)
    }

    /// Cell `i` as text, and whether it holds bytes invalid in the file's encoding.
    fn text(&self, i: usize) -> Option<(Cow<'a, str>, bool)> {
        self.raw(i).map(|c| cell_text(c, self.decoded))
    }

    /// The row as text, checked once for all its cells (see [`RowRef::cell`]).
    fn row_text(&self) -> RowText<'a> {
        let text = self.text;
        let replaced = self.decoded && text.is_some_and(|t| t.contains('\u{FFFD}'));
        RowText { text, replaced }
    }

    /// Cell `i` as text, and whether it holds bytes invalid in the file's encoding; like
    /// [`RowRef::text`] but sliced from `row` when it is valid.
    fn cell(&self, row: &RowText<'a>, i: usize) -> Option<(Cow<'a, str>, bool)> {
        let range = self.range(i)?;
        // A slice that is not on character boundaries (a delimiter splitting a malformed
        // character) falls back to the cell's own check.
        if let Some(s) = row.text.and_then(|t| t.get(range)) {
            return Some((Cow::Borrowed(s), row.replaced && s.contains('\u{FFFD}')));
        }
        self.text(i)
    }

    /// Whether cell `i` is certain to raise nothing in [`RowChecks::check`] when the row has no
    /// control character: it is missing or empty, or it is a slice of the row's valid text with
    /// nothing replaced, and its first byte starts a character that is neither trimmed nor a
    /// formula trigger (so the trimmed value starts with it too). Most cells of a file are
    /// cleared by this without making a string of them.
    fn quiet_cell(&self, row: &RowText<'_>, i: usize) -> bool {
        let Some(range) = self.range(i) else {
            return true;
        };
        if range.is_empty() {
            return true;
        }
        let Some(text) = row.text else {
            return false;
        };
        if row.replaced || !text.is_char_boundary(range.start) || !text.is_char_boundary(range.end)
        {
            return false;
        }
        match text.as_bytes().get(range.start) {
            Some(&b) if b.is_ascii() => {
                b.is_ascii_graphic() && !matches!(b, b'=' | b'+' | b'-' | b'@')
            }
            // The lead bytes of the characters `trim` removes (see there).
            Some(&b) => !matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF),
            None => false,
        }
    }

    /// Whether any cell of the row may hold a control character: one branch-free pass over
    /// the row (it vectorises), so the cells are looked at one by one only when it says so.
    fn may_have_control(&self) -> bool {
        self.all.iter().fold(false, |acc, &c| {
            acc | (c < 0x20) | (c == 0x7F) | (c == 0xC2)
        })
    }
}

/// Data rows copied out of the reader by the parsing thread of [`validate_threaded`].
#[derive(Default)]
struct Batch {
    /// The cells of the rows that are valid UTF-8, end to end (checked once, kept as text).
    text: String,
    /// The cells of the other rows.
    bytes: Vec<u8>,
    /// Every row's cell ends, relative to the row's start in `bytes`.
    ends: Vec<usize>,
    rows: Vec<BatchRow>,
    /// The problems of the rows checked already, in row order.
    issues: Vec<Issue>,
    /// Raw bytes of the file read when the batch was full (for progress).
    bytes_read: u64,
    width: usize,
    decoded: bool,
}

/// Where a row of a [`Batch`] ends, and its position in the file.
struct BatchRow {
    /// Whether the row is in `text` (else in `bytes`).
    in_text: bool,
    /// Where it starts and ends there.
    start: usize,
    bytes_end: usize,
    ends_end: usize,
    gap: usize,
    line: u64,
    offset: u64,
    spanned: u64,
    /// The verdict, when the parsing thread checked the row; its problems end at `issues_end`
    /// in the batch's `issues`.
    found: Option<Found>,
    issues_end: usize,
}

/// Rows per batch (or fewer, once [`BATCH_BYTES`] are filled).
const BATCH_ROWS: usize = 1024;
const BATCH_BYTES: usize = 128 * 1024;
/// Batches the parsing thread may be ahead of the checking one.
const BATCHES_AHEAD: usize = 8;
/// The parsing thread also checks the rows of a batch ([`RowChecks::check`]) while at least this
/// many batches wait. On 1 M rows it then checks 40–70 % of the batches, and neither side waits
/// for the other more than a few milliseconds of the pass (measured with timers around `send`
/// and `recv`, since removed).
const HELP_WHEN_WAITING: usize = 6;

impl Batch {
    fn clear(&mut self) {
        self.text.clear();
        self.bytes.clear();
        self.ends.clear();
        self.rows.clear();
        self.issues.clear();
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= BATCH_ROWS || self.text.len() + self.bytes.len() >= BATCH_BYTES
    }

    /// Copies the walker's row; with `checks`, checks it too.
    fn push<R: Read>(&mut self, w: &Walker<R>, checks: Option<&RowChecks>) {
        let row = w.row();
        let found = checks.map(|c| c.check(&row, &mut self.issues));
        let (in_text, start, end) = match row.text {
            Some(t) => {
                let start = self.text.len();
                self.text.push_str(t);
                (true, start, self.text.len())
            }
            None => {
                let start = self.bytes.len();
                self.bytes.extend_from_slice(row.all);
                (false, start, self.bytes.len())
            }
        };
        self.ends.extend_from_slice(row.ends);
        self.width = row.width;
        self.decoded = row.decoded;
        self.rows.push(BatchRow {
            in_text,
            start,
            bytes_end: end,
            ends_end: self.ends.len(),
            gap: row.gap,
            line: row.line,
            offset: row.offset,
            spanned: row.spanned,
            found,
            issues_end: self.issues.len(),
        });
    }

    /// Row `k`, and its verdict and problems when the parsing thread checked it.
    fn row(&self, k: usize) -> Option<(RowRef<'_>, Option<Checked<'_>>)> {
        let r = self.rows.get(k)?;
        let (ends_start, issues_start) = match k {
            0 => (0, 0),
            _ => {
                let before = self.rows.get(k - 1)?;
                (before.ends_end, before.issues_end)
            }
        };
        let (all, text) = if r.in_text {
            let t = self.text.get(r.start..r.bytes_end)?;
            (t.as_bytes(), Some(t))
        } else {
            (self.bytes.get(r.start..r.bytes_end)?, None)
        };
        let row = RowRef {
            all,
            text,
            ends: self.ends.get(ends_start..r.ends_end)?,
            gap: r.gap,
            line: r.line,
            offset: r.offset,
            spanned: r.spanned,
            width: self.width,
            decoded: self.decoded,
        };
        let found = match r.found {
            Some(found) => Some((found, self.issues.get(issues_start..r.issues_end)?)),
            None => None,
        };
        Some((row, found))
    }
}

/// What the parsing thread sends.
enum Parsed {
    /// The next rows.
    Rows(Batch),
    /// The end of the file: every row was sent.
    End {
        /// Raw bytes of the file read.
        bytes_read: u64,
    },
    /// Reading failed after the rows sent before.
    Failed(ValidateError),
}

/// The parsing thread: walks the file and sends its rows in batches until the end, an error,
/// or the checking side hangs up (cancelled). Spent batches come back through `spent`.
///
/// The two threads share the work where it pays: while the checking side has batches waiting
/// (`waiting`, counted by both), this thread also checks the rows of the next batch
/// ([`RowChecks::check`]); while the checking side waits for it, it leaves them to that side.
/// Either way each row gets the same verdict, so the report does not depend on the split.
fn parse_batches<R: Read>(
    mut walker: Walker<R>,
    checks: &RowChecks,
    help_when_waiting: usize,
    waiting: &AtomicUsize,
    full: &mpsc::SyncSender<Parsed>,
    spent: &mpsc::Receiver<Batch>,
) {
    let mut batch = Batch::default();
    let mut help = false;
    loop {
        match walker.next() {
            Ok(true) => {
                if batch.rows.is_empty() {
                    help = waiting.load(Ordering::Relaxed) >= help_when_waiting;
                }
                batch.push(&walker, help.then_some(checks));
                if batch.is_full() {
                    batch.bytes_read = walker.bytes_read();
                    let mut next = spent.try_recv().unwrap_or_default();
                    next.clear();
                    waiting.fetch_add(1, Ordering::Relaxed);
                    if full
                        .send(Parsed::Rows(std::mem::replace(&mut batch, next)))
                        .is_err()
                    {
                        return;
                    }
                }
            }
            Ok(false) => {
                batch.bytes_read = walker.bytes_read();
                if !batch.rows.is_empty() {
                    waiting.fetch_add(1, Ordering::Relaxed);
                    if full.send(Parsed::Rows(batch)).is_err() {
                        return;
                    }
                }
                let _ = full.send(Parsed::End {
                    bytes_read: walker.bytes_read(),
                });
                return;
            }
            Err(e) => {
                if !batch.rows.is_empty() {
                    waiting.fetch_add(1, Ordering::Relaxed);
                    if full.send(Parsed::Rows(batch)).is_err() {
                        return;
                    }
                }
                let _ = full.send(Parsed::Failed(e));
                return;
            }
        }
    }
}

/// A row's cells as one string, when they are valid UTF-8.
pub(crate) struct RowText<'a> {
    text: Option<&'a str>,
    replaced: bool,
}

/// A cell as text, and whether it holds bytes invalid in the file's encoding: UTF-8 passed
/// through is checked here; a decoded stream is valid UTF-8 with U+FFFD where the input was
/// malformed, so `decoded` says to look for U+FFFD.
pub(crate) fn cell_text(c: &[u8], decoded: bool) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(c) {
        Ok(s) => (Cow::Borrowed(s), decoded && s.contains('\u{FFFD}')),
        Err(_) => (String::from_utf8_lossy(c), true),
    }
}

/// Whether a cell is empty or whitespace only (checked cheaply: most cells start with a letter).
pub(crate) fn cell_is_blank(c: &[u8]) -> bool {
    match c.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(p) if c[p].is_ascii() => false,
        Some(_) => trim(&String::from_utf8_lossy(c)).is_empty(),
    }
}

fn is_trimmed_char(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

/// Trims whitespace, including no-break and ideographic spaces, zero-width spaces and stray BOMs.
/// Most cells start and end with a letter, so the common case looks at two bytes only.
pub(crate) fn trim(s: &str) -> &str {
    let Some(&first) = s.as_bytes().first() else {
        return s;
    };
    // Lead bytes of the non-ASCII characters trimmed: U+00A0 (C2), U+1680 and U+180E (E1),
    // U+2000..U+2060 (E2), U+3000 (E3), U+FEFF (EF).
    let start_ok = first.is_ascii_graphic()
        || (first >= 0x80 && !matches!(first, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF));
    let s = if start_ok {
        s
    } else {
        s.trim_start_matches(is_trimmed_char)
    };
    match s.as_bytes().last() {
        Some(last) if last.is_ascii_graphic() => s,
        Some(_) if s.chars().next_back().is_some_and(|c| !is_trimmed_char(c)) => s,
        _ => s.trim_end_matches(is_trimmed_char),
    }
}

fn clip(s: &str) -> Box<str> {
    match s.char_indices().nth(VALUE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]).into_boxed_str(),
        None => s.into(),
    }
}

/// Whether a cell holds a control character that must not reach an output file: C0 controls
/// other than TAB, LF and CR (a cell may span lines), DEL, and the C1 controls (`C2 80..9F` in
/// UTF-8).
fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
            || c == 0x7F
            || (c == 0xC2 && b.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)))
    })
}

fn starts_like_formula(s: &str) -> bool {
    matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'))
}

/// The normalised addresses of the valid rows, for finding duplicates after the pass.
///
/// During the pass each valid row appends its key to one arena and a `hash << 32 | row` word to
/// a list: sequential writes only. A hash table probed per row during the pass cost several
/// times more at a million rows: its random accesses (and re-inserts on growth) competed with
/// the stream for the cache. The words go to [`BUCKETS`] lists by the hash's top byte: equal
/// addresses always land in the same one, and each list is small enough for a table of its own
/// that stays in the cache (see [`KeyArena::scan`]). There, rows with equal hashes are compared
/// key by key (so a collision never makes a false duplicate), and the first row of each key is
/// the one that counts. The lists are shared out between two threads.
struct Keys {
    buckets: Vec<Vec<u64>>,
    arena: Vec<u8>,
    /// Arena end after each row (invalid rows add nothing), so row `r`'s key is
    /// `ends[r - 1]..ends[r]`.
    ends: Vec<u32>,
    /// foldhash, seeded per process (a file cannot be made to collide on purpose): 8–18 ns
    /// faster per address than std's SipHash. The parts of a file share it.
    hasher: foldhash::fast::RandomState,
}

/// What the duplicate pass found.
#[derive(Default)]
struct KeyVerdicts {
    /// (row, first row with the same address), in no particular order.
    duplicates: Vec<(u32, u32)>,
    /// First rows whose address was already invited, in no particular order.
    invited: Vec<u32>,
    /// Unique addresses not already invited.
    needed: u64,
}

/// Where each row's key is (see [`Keys`]).
#[derive(Clone, Copy)]
struct KeyArena<'a> {
    arena: &'a [u8],
    ends: &'a [u32],
}

/// Lists of words, by the top byte of the hash.
const BUCKETS: usize = 256;

/// Sorted lists of words with fewer entries than this are scanned on one thread.
const PARALLEL_KEYS: usize = 64 * 1024;

impl Keys {
    fn new(hasher: foldhash::fast::RandomState) -> Self {
        Keys {
            buckets: vec![Vec::new(); BUCKETS],
            arena: Vec::new(),
            ends: Vec::new(),
            hasher,
        }
    }

    fn reserve(&mut self, rows: usize) {
        for bucket in &mut self.buckets {
            bucket.reserve(rows / BUCKETS + rows / (BUCKETS * 8));
        }
        self.ends.reserve(rows);
        self.arena.reserve(rows.saturating_mul(24));
    }

    /// Records row `row`'s address, normalised (trimmed already; lower-cased here), or `None`
    /// for a row without a valid one. Rows come in order, one call each.
    fn push(&mut self, row: u32, address: Option<&str>) -> Result<(), ValidateError> {
        if let Some(address) = address {
            let start = self.arena.len();
            // Most addresses are lower-cased a word at a time; the others here.
            if !push_ascii_lowercase(&mut self.arena, address.as_bytes()) {
                if address.is_ascii() {
                    self.arena.extend_from_slice(address.as_bytes());
                    if let Some(key) = self.arena.get_mut(start..) {
                        key.make_ascii_lowercase();
                    }
                } else {
                    self.arena
                        .extend_from_slice(address.to_lowercase().as_bytes());
                }
            }
            let hash = self
                .hasher
                .hash_one(self.arena.get(start..).unwrap_or_default());
            if let Some(bucket) = self.buckets.get_mut((hash >> 56) as usize) {
                bucket.push((hash & 0xFFFF_FFFF_0000_0000) | u64::from(row));
            }
        }
        let end = u32::try_from(self.arena.len()).map_err(|_| ValidateError::TooLarge)?;
        self.ends.push(end);
        Ok(())
    }

    /// Appends the keys of the rows that follow, counted from 0 in `next` (hashed with the same
    /// hasher): their rows become `rows + …`, where `rows` is the number of rows here. `next`
    /// is left empty, its room kept.
    fn absorb(&mut self, next: &mut Keys) -> Result<(), ValidateError> {
        let rows = u32::try_from(self.ends.len()).map_err(|_| ValidateError::TooLarge)?;
        let base = u32::try_from(self.arena.len()).map_err(|_| ValidateError::TooLarge)?;
        let total_rows = self.ends.len() + next.ends.len();
        let total_bytes = self.arena.len() + next.arena.len();
        if u32::try_from(total_rows).is_err() || u32::try_from(total_bytes).is_err() {
            return Err(ValidateError::TooLarge);
        }
        self.arena.extend_from_slice(&next.arena);
        self.ends.extend(next.ends.iter().map(|&e| e + base));
        for (mine, theirs) in self.buckets.iter_mut().zip(&mut next.buckets) {
            mine.extend(theirs.iter().map(|&w| w + u64::from(rows)));
            theirs.clear();
        }
        next.arena.clear();
        next.ends.clear();
        Ok(())
    }

    /// Finds the duplicates and the addresses already invited; with `two_threads`, a large list
    /// is done half here, half on a second thread (the same verdicts either way).
    fn finish(self, invited: &HashSet<String>, two_threads: bool) -> KeyVerdicts {
        let Keys {
            mut buckets,
            arena,
            ends,
            ..
        } = self;
        let keys = KeyArena {
            arena: &arena,
            ends: &ends,
        };
        let words: usize = buckets.iter().map(Vec::len).sum();
        let (low, high) = buckets.split_at_mut(BUCKETS / 2);
        let scan = |lists: &mut [Vec<u64>]| {
            let mut out = KeyVerdicts::default();
            let mut table = Vec::new();
            for words in lists {
                keys.scan(words, &mut table, invited, &mut out);
            }
            out
        };
        let (mut out, high_done) = if two_threads && words >= PARALLEL_KEYS {
            std::thread::scope(|s| {
                let other = s.spawn(|| scan(high));
                let a = scan(low);
                // The scan cannot panic; if it ever did, it is done again here.
                (a, other.join().ok())
            })
        } else {
            (scan(low), None)
        };
        let b = high_done.unwrap_or_else(|| scan(high));
        out.duplicates.extend(b.duplicates);
        out.invited.extend(b.invited);
        out.needed += b.needed;
        out
    }
}

impl KeyArena<'_> {
    fn key(&self, row: u32) -> &[u8] {
        let r = row as usize;
        let start = if r == 0 {
            0
        } else {
            self.ends.get(r - 1).copied().unwrap_or(0) as usize
        };
        let end = self.ends.get(r).copied().unwrap_or(0) as usize;
        self.arena.get(start..end).unwrap_or_default()
    }

    /// Adds the verdicts on the rows of `words` (one bucket, in row order) to `out`: each word
    /// goes into a small open-addressed table by the hash bits the bucket leaves open, and only
    /// a word that meets one with the same 32 hash bits has its address compared. The first
    /// row of each address is the one in the table (rows come in order); a 32-bit collision of
    /// two addresses just takes the next free slot, like any other.
    fn scan(
        &self,
        words: &[u64],
        table: &mut Vec<u64>,
        invited: &HashSet<String>,
        out: &mut KeyVerdicts,
    ) {
        // Empty slots. No word is all ones: its row would be `u32::MAX`, and a row's line, also
        // a `u32`, is above its index.
        const FREE: u64 = u64::MAX;
        let slots = (words.len() * 2).next_power_of_two().max(16);
        table.clear();
        table.resize(slots, FREE);
        let mask = slots - 1;
        for &word in words {
            let row = word as u32;
            let hash = word >> 32;
            let mut slot = hash as usize & mask;
            let first = loop {
                match table.get(slot).copied() {
                    Some(FREE) | None => break None,
                    Some(other)
                        if other >> 32 == hash && self.key(other as u32) == self.key(row) =>
                    {
                        break Some(other as u32);
                    }
                    Some(_) => slot = (slot + 1) & mask,
                }
            };
            match first {
                Some(first) => out.duplicates.push((row, first)),
                None => {
                    if let Some(free) = table.get_mut(slot) {
                        *free = word;
                    }
                    let was_invited = !invited.is_empty()
                        && std::str::from_utf8(self.key(row)).is_ok_and(|k| invited.contains(k));
                    if was_invited {
                        out.invited.push(row);
                    } else {
                        out.needed += 1;
                    }
                }
            }
        }
    }
}

/// Distinct team names, case-insensitive, counted up to [`TEAM_COUNT_CAP`]. The raw spellings
/// seen are remembered, so a name seen before costs a compare (the first few, which is all a
/// file within the 20-team limit has) or one hash lookup, not a lower-casing.
struct Teams {
    recent: Vec<Box<[u8]>>,
    /// The recent spelling matched last (files are often grouped by team).
    hit: usize,
    raw: HashSet<Box<[u8]>>,
    lower: HashSet<String>,
    capped: bool,
}

/// Raw spellings checked by comparison before hashing.
const RECENT_TEAMS: usize = 24;

impl Teams {
    fn new() -> Self {
        Teams {
            recent: Vec::new(),
            hit: 0,
            raw: HashSet::new(),
            lower: HashSet::new(),
            capped: false,
        }
    }

    fn add(&mut self, value: &str) {
        let v = value.as_bytes();
        if self.recent.get(self.hit).is_some_and(|r| **r == *v) {
            return;
        }
        if let Some(i) = self
            .recent
            .iter()
            .position(|r| r.len() == v.len() && **r == *v)
        {
            self.hit = i;
            return;
        }
        if self.raw.contains(v) {
            return;
        }
        if self.lower.len() >= TEAM_COUNT_CAP || self.raw.len() >= 4 * TEAM_COUNT_CAP {
            self.capped |= !self.lower.contains(&value.to_lowercase());
            return;
        }
        if self.recent.len() < RECENT_TEAMS {
            self.recent.push(v.into());
        } else {
            self.raw.insert(v.into());
        }
        self.lower.insert(value.to_lowercase());
    }
}

/// What is checked in each row: the mapped columns.
#[derive(Clone, Debug)]
struct RowChecks {
    email_col: usize,
    /// Names, team and workspace, where mapped.
    other_cols: Vec<(Field, usize)>,
    team_col: Option<usize>,
}

/// A row checked on the parsing thread: its verdict and its problems.
type Checked<'a> = (Found, &'a [Issue]);

/// A row's verdict from [`RowChecks::check`], before it is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Found {
    /// No address, an invalid one, or a control character in a cell.
    invalid: bool,
    /// A valid address and nothing making the row invalid: the address counts for duplicates
    /// and seats.
    invitable: bool,
}

/// The checks of a name, team or workspace cell (column `col`): bytes not valid in the
/// encoding, control characters (when the row may have one), a formula trigger. Appends what it
/// finds to `issues`; `true` when the row is invalid for it.
fn other_cell(
    walker: &RowRef<'_>,
    row_text: &RowText<'_>,
    field: Field,
    col: usize,
    control_possible: bool,
    issues: &mut Vec<Issue>,
) -> bool {
    let Some((raw, bad)) = walker.cell(row_text, col) else {
        return false;
    };
    let value = trim(&raw);
    let line = walker.line;
    let issue = |kind| Issue {
        line,
        field: Some(field),
        kind,
        detail: Detail::Value(clip(value)),
    };
    if bad {
        issues.push(issue(IssueKind::DecodeError));
    }
    let control = control_possible && has_control(value);
    if control {
        issues.push(issue(IssueKind::ControlChar));
    }
    if starts_like_formula(value) {
        issues.push(issue(IssueKind::FormulaLike));
    }
    control
}

impl RowChecks {
    /// Checks one data row: its shape, its address and its other mapped cells. Pure: the
    /// verdict depends on the row alone, so the parsing thread of [`validate_threaded`] may
    /// run it ahead of the checking one. Appends the row's problems to `issues`.
    fn check(&self, walker: &RowRef<'_>, row_issues: &mut Vec<Issue>) -> Found {
        let line = walker.line;
        let mut status = RowStatus::Ok;
        let mut valid_key = false;

        // Shape.
        let (width, len) = (walker.width, walker.len());
        if len != width {
            let extra_blank = len > width
                && (width..len).all(|i| {
                    walker
                        .raw(i)
                        .is_some_and(|c| c.iter().all(u8::is_ascii_whitespace))
                });
            if !extra_blank {
                row_issues.push(Issue {
                    line,
                    field: None,
                    kind: IssueKind::RaggedRow,
                    detail: Detail::Cells {
                        found: len,
                        expected: width,
                    },
                });
            }
        }
        let spanned = walker.spanned;
        if spanned > LONG_ROW_LINES {
            row_issues.push(Issue {
                line,
                field: None,
                kind: IssueKind::LongRow,
                detail: Detail::Lines { count: spanned },
            });
        }

        // The address.
        let row_text = walker.row_text();
        let email = walker.cell(&row_text, self.email_col);
        let value = email.as_ref().map_or("", |(raw, _)| trim(raw));
        if let Some((raw, true)) = &email {
            row_issues.push(Issue {
                line,
                field: Some(Field::Email),
                kind: IssueKind::DecodeError,
                detail: Detail::Value(clip(trim(raw))),
            });
        }
        if value.is_empty() {
            status = RowStatus::Invalid;
            row_issues.push(Issue {
                line,
                field: Some(Field::Email),
                kind: IssueKind::MissingEmail,
                detail: Detail::None,
            });
        } else {
            if email
                .as_ref()
                .is_some_and(|(raw, _)| value.len() != raw.len())
            {
                row_issues.push(Issue {
                    line,
                    field: Some(Field::Email),
                    kind: IssueKind::Whitespace,
                    detail: Detail::Value(clip(value)),
                });
            }
            // A leading TAB or line break is trimmed as space elsewhere, but a spreadsheet runs
            // the cell.
            let tab_first = email.as_ref().is_some_and(|(raw, _)| {
                matches!(raw.as_bytes().first(), Some(b'\t' | b'\r' | b'\n'))
            });
            let checked = if tab_first {
                Err(EmailProblem::FormulaLike)
            } else {
                check_address(value)
            };
            match checked {
                Err(problem) => {
                    status = RowStatus::Invalid;
                    row_issues.push(Issue {
                        line,
                        field: Some(Field::Email),
                        kind: IssueKind::InvalidEmail,
                        detail: Detail::Email {
                            value: clip(value),
                            problem,
                        },
                    });
                }
                Ok(warning) => {
                    valid_key = true;
                    if let Some(w) = warning {
                        row_issues.push(Issue {
                            line,
                            field: Some(Field::Email),
                            kind: match w {
                                EmailWarning::Smtputf8 => IssueKind::Smtputf8,
                                EmailWarning::DomainUnusual => IssueKind::DomainUnusual,
                            },
                            detail: Detail::Value(clip(value)),
                        });
                    }
                }
            }
        }

        // Names, team, workspace.
        let control_possible = walker.may_have_control();
        for &(field, col) in &self.other_cols {
            if !control_possible && walker.quiet_cell(&row_text, col) {
                continue;
            }
            if other_cell(walker, &row_text, field, col, control_possible, row_issues) {
                status = RowStatus::Invalid;
            }
        }

        let invalid = status != RowStatus::Ok;
        Found {
            invalid,
            invitable: valid_key && !invalid,
        }
    }
}

/// Where a pass puts the team names it meets (trimmed, not empty).
trait TeamSink {
    fn add(&mut self, value: &str);
}

impl TeamSink for Teams {
    fn add(&mut self, value: &str) {
        Teams::add(self, value);
    }
}

/// The distinct team spellings of a part of a file, in the order first met. Counted in file
/// order once the parts are put together ([`Validator::append`]), they give the count of a
/// single pass: a spelling met again changes nothing in [`Teams`], capped or not.
#[derive(Default)]
struct TeamOrder {
    order: Vec<Box<str>>,
    seen: HashSet<Box<str>>,
    /// The spelling matched last.
    hit: usize,
}

impl TeamSink for TeamOrder {
    fn add(&mut self, value: &str) {
        if self.order.get(self.hit).is_some_and(|r| **r == *value) {
            return;
        }
        if self.order.len() <= RECENT_TEAMS {
            if let Some(i) = self.order.iter().position(|r| **r == *value) {
                self.hit = i;
                return;
            }
        } else if self.seen.contains(value) {
            return;
        }
        self.seen.insert(value.into());
        self.order.push(value.into());
    }
}

/// The checks of one pass, fed one row at a time in file order; a pass over a part of a file
/// collects its team names in a [`TeamOrder`] to be appended to the whole.
struct Validator<'o, T = Teams> {
    options: &'o Options,
    checks: RowChecks,
    report: Report,
    keys: Keys,
    teams: T,
    row_issues: Vec<Issue>,
}

/// Makes the passes over the parts of a file (see [`Validator::part_maker`]).
struct PartMaker<'o> {
    options: &'o Options,
    checks: RowChecks,
    hasher: foldhash::fast::RandomState,
}

impl<'o> PartMaker<'o> {
    /// A pass for the rows of a part of the file of about `size` bytes.
    fn part(&self, intake: &Intake, size: u64) -> Validator<'o, TeamOrder> {
        let mut report = Report::default();
        let mut keys = Keys::new(self.hasher.clone());
        if let Some(rows) = intake.estimate_rows(Some(size)) {
            let rows = usize::try_from(rows.min(50_000_000)).unwrap_or(0);
            keys.reserve(rows);
            report.rows.reserve(rows);
        }
        Validator {
            options: self.options,
            checks: self.checks.clone(),
            report,
            keys,
            teams: TeamOrder::default(),
            row_issues: Vec::with_capacity(4),
        }
    }
}

impl<'o> Validator<'o> {
    /// What makes passes over parts of the file with the same checks and the same hasher as
    /// this one, so that they can be appended to it.
    fn part_maker(&self) -> PartMaker<'o> {
        PartMaker {
            options: self.options,
            checks: self.checks.clone(),
            hasher: self.keys.hasher.clone(),
        }
    }

    /// Appends the rows of the part of the file that follows the rows here: its lines and
    /// offsets count from `line_base + 1` and `offset_base`. `part` is left empty, its room kept
    /// for the next part.
    fn append(
        &mut self,
        part: &mut Validator<'_, TeamOrder>,
        line_base: u64,
        offset_base: u64,
    ) -> Result<(), ValidateError> {
        self.keys.absorb(&mut part.keys)?;
        let (report, r) = (&mut self.report, &mut part.report);
        // Lines grow down the part: if its last fits in a `u32`, they all do.
        let base = u32::try_from(line_base).map_err(|_| ValidateError::TooLarge)?;
        if let Some(last) = r.rows.last() {
            last.line.checked_add(base).ok_or(ValidateError::TooLarge)?;
        }
        report.rows.extend(r.rows.iter().map(|row| RowResult {
            offset: row.offset + offset_base,
            line: row.line + base,
            ..*row
        }));
        report.issues.extend(r.issues.drain(..).map(|mut i| {
            i.line += line_base;
            i
        }));
        report.counts.rows += r.counts.rows;
        report.counts.valid += r.counts.valid;
        report.counts.invalid += r.counts.invalid;
        report.counts.warnings += r.counts.warnings;
        r.rows.clear();
        r.counts = Counts::default();
        for team in part.teams.order.drain(..) {
            self.teams.add(&team);
        }
        part.teams.seen.clear();
        part.teams.hit = 0;
        Ok(())
    }

    fn new(
        intake: &Intake,
        mapping: &Mapping,
        options: &'o Options,
    ) -> Result<Self, ValidateError> {
        let email_col = mapping
            .get(Field::Email)
            .ok_or(ValidateError::NoEmailColumn)?
            .column;
        let other_cols: Vec<(Field, usize)> = [
            Field::FirstName,
            Field::LastName,
            Field::Team,
            Field::Workspace,
        ]
        .into_iter()
        .filter_map(|f| mapping.get(f).map(|m| (f, m.column)))
        .collect();
        let team_col = mapping.get(Field::Team).map(|m| m.column);
        let mut report = Report::default();
        let mut keys = Keys::new(foldhash::fast::RandomState::default());
        if let Some(rows) = intake.estimate_rows(options.size_hint) {
            let rows = usize::try_from(rows.min(50_000_000)).unwrap_or(0);
            keys.reserve(rows);
            report.rows.reserve(rows);
        }
        Ok(Validator {
            options,
            checks: RowChecks {
                email_col,
                other_cols,
                team_col,
            },
            report,
            keys,
            teams: Teams::new(),
            row_issues: Vec::with_capacity(4),
        })
    }
}

impl<T: TeamSink> Validator<'_, T> {
    /// Checks the next data row and counts it (with the verdict of [`RowChecks::check`] when
    /// the parsing thread found it already: its problems are then in `issues`).
    fn row(&mut self, walker: RowRef<'_>, found: Option<Checked<'_>>) -> Result<(), ValidateError> {
        let (found, issues) = match found {
            Some((found, issues)) => (found, issues),
            None => {
                self.row_issues.clear();
                let found = self.checks.check(&walker, &mut self.row_issues);
                (found, &self.row_issues[..])
            }
        };
        let report = &mut self.report;
        let row = u32::try_from(report.rows.len()).map_err(|_| ValidateError::TooLarge)?;
        // The address and the team, again: slicing a cell costs less than carrying it over.
        let row_text = walker.row_text();
        let cell = |col: usize| walker.cell(&row_text, col).map(|(raw, _)| raw);
        if let Some(team) = self.checks.team_col.and_then(cell) {
            let team = trim(&team);
            if !team.is_empty() {
                self.teams.add(team);
            }
        }
        // Only a row that will be invited holds an address for duplicates and seats.
        let address = found
            .invitable
            .then(|| cell(self.checks.email_col))
            .flatten();
        self.keys.push(row, address.as_deref().map(trim))?;

        let status = if found.invalid {
            report.counts.invalid += 1;
            RowStatus::Invalid
        } else {
            report.counts.valid += 1;
            RowStatus::Ok
        };
        report.counts.rows += 1;
        let reason = issues
            .iter()
            .find(|i| i.severity() == Severity::Error)
            .or_else(|| issues.first())
            .map(|i| i.kind);
        // A valid row with something to say (see `RowResult::class`), until duplicates and
        // invited addresses are marked.
        if status == RowStatus::Ok && reason.is_some() {
            report.counts.warnings += 1;
        }
        report.rows.push(RowResult {
            offset: walker.offset,
            line: u32::try_from(walker.line).map_err(|_| ValidateError::TooLarge)?,
            status,
            reason,
        });
        report.issues.extend_from_slice(issues);
        Ok(())
    }

    /// Reports progress every [`PROGRESS_EVERY`] rows; `Err` when the callback cancels.
    fn tick(
        &self,
        bytes_read: u64,
        progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
    ) -> Result<(), ValidateError> {
        let rows = self.report.counts.rows;
        if rows.is_multiple_of(PROGRESS_EVERY) && progress(Progress { bytes_read, rows }).is_break()
        {
            return Err(ValidateError::Cancelled);
        }
        Ok(())
    }
}

impl Validator<'_> {
    /// After the last row: duplicates, seats, teams and the file's own issues; with
    /// `two_threads`, the duplicates of a large file are found on two threads.
    fn finish(
        self,
        bytes_read: u64,
        intake: &Intake,
        two_threads: bool,
        progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
    ) -> Report {
        let Validator {
            options,
            mut report,
            keys,
            teams,
            ..
        } = self;
        report.bytes_read = bytes_read;
        // Duplicates and already-invited addresses, now that every address is known.
        let verdicts = keys.finish(&options.invited, two_threads);
        let mut extra: Vec<Issue> =
            Vec::with_capacity(verdicts.duplicates.len() + verdicts.invited.len());
        for &(row, first) in &verdicts.duplicates {
            let first_line = report
                .rows
                .get(first as usize)
                .map_or(0, |r| u64::from(r.line));
            if let Some(r) = report.rows.get_mut(row as usize) {
                if r.class() == RowClass::Warning {
                    report.counts.warnings -= 1;
                }
                r.status = RowStatus::Duplicate;
                r.reason = Some(IssueKind::Duplicate);
                extra.push(Issue {
                    line: u64::from(r.line),
                    field: Some(Field::Email),
                    kind: IssueKind::Duplicate,
                    detail: Detail::DuplicateOf { line: first_line },
                });
            }
        }
        for &row in &verdicts.invited {
            if let Some(r) = report.rows.get_mut(row as usize) {
                if r.class() == RowClass::Ok {
                    report.counts.warnings += 1;
                }
                r.reason = r.reason.or(Some(IssueKind::AlreadyInvited));
                extra.push(Issue {
                    line: u64::from(r.line),
                    field: Some(Field::Email),
                    kind: IssueKind::AlreadyInvited,
                    detail: Detail::None,
                });
            }
        }
        let dups = verdicts.duplicates.len() as u64;
        report.counts.duplicates = dups;
        report.counts.valid -= dups;
        // Counted during the pass and kept up to date above (a second look at every row cost
        // about 3 ms of a million-row check's serial end).
        debug_assert_eq!(
            report.counts.warnings,
            report
                .rows
                .iter()
                .filter(|r| r.class() == RowClass::Warning)
                .count() as u64
        );
        if !extra.is_empty() {
            extra.sort_by_key(|i| i.line);
            report.issues = merge_by_line(std::mem::take(&mut report.issues), extra);
        }
        report.rows.shrink_to_fit();
        report.issues.shrink_to_fit();
        let _ = progress(Progress {
            bytes_read: report.bytes_read,
            rows: report.counts.rows,
        });

        // The file as a whole.
        if intake.encoding.certainty < Certainty::High {
            let mut encs = vec![intake.encoding.encoding];
            encs.extend(intake.encoding.alternatives.iter().copied());
            report.file_issues.push(Issue {
                line: 0,
                field: None,
                kind: IssueKind::EncodingUncertain,
                detail: Detail::Encoding(encs.into_boxed_slice()),
            });
        }
        if report.counts.rows == 0 {
            report.file_issues.push(Issue {
                line: 0,
                field: None,
                kind: IssueKind::NoRows,
                detail: Detail::None,
            });
        }
        let distinct = teams.lower.len() as u64;
        report.teams = (distinct, teams.capped);
        let recorded_elsewhere = options
            .teams_recorded
            .iter()
            .filter(|t| !teams.lower.contains(*t))
            .count() as u64;
        let with_recorded = distinct + recorded_elsewhere;
        report.teams_with_recorded = with_recorded;
        if with_recorded > options.max_teams {
            report.file_issues.push(Issue {
                line: 0,
                field: Some(Field::Team),
                kind: IssueKind::TooManyTeams,
                detail: Detail::Limit {
                    found: with_recorded,
                    limit: options.max_teams,
                    at_least: teams.capped,
                },
            });
        }
        let needed = verdicts.needed;
        report.seats = Seats {
            available: options.seats_available,
            needed,
            ok: needed <= options.seats_available,
        };
        if !report.seats.ok {
            report.file_issues.push(Issue {
                line: 0,
                field: Some(Field::Email),
                kind: IssueKind::SeatsExceeded,
                detail: Detail::Limit {
                    found: needed,
                    limit: options.seats_available,
                    at_least: false,
                },
            });
        }
        report
    }
}

/// Validates every data row of the file read from `reader` (from its first byte), as sniffed in
/// `intake` and mapped by `mapping`, on the calling thread. `progress` is called every few
/// thousand rows; returning `ControlFlow::Break` cancels. [`validate_threaded`] gives the same
/// report faster on two cores.
///
/// # Errors
/// Reading fails, the callback cancels, no column is mapped to e-mail, the header row is not
/// where the intake says, or a row exceeds 4 MiB.
pub fn validate<R: Read>(
    reader: R,
    intake: &Intake,
    mapping: &Mapping,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Report, ValidateError> {
    let mut v = Validator::new(intake, mapping, options)?;
    let mut walker = Walker::open(reader, intake)?;
    while walker.next()? {
        v.row(walker.row(), None)?;
        v.tick(walker.bytes_read(), progress)?;
    }
    let bytes_read = walker.bytes_read();
    drop(walker);
    Ok(v.finish(bytes_read, intake, false, progress))
}

/// [`validate`] on two threads: one reads and splits the rows (decoding, CSV parsing), the
/// calling one checks them, in file order, with the same code; so the report is the same as
/// [`validate`]'s, byte for byte (tested). Progress and cancel as there, on the calling thread;
/// at most a few batches of rows (a few MiB) are in flight.
///
/// # Errors
/// As [`validate`].
pub fn validate_threaded<R: Read + Send>(
    reader: R,
    intake: &Intake,
    mapping: &Mapping,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Report, ValidateError> {
    pipelined(
        reader,
        intake,
        mapping,
        options,
        progress,
        HELP_WHEN_WAITING,
    )
}

/// [`validate_threaded`], with the parsing thread checking the rows of a batch when at least
/// `help_when_waiting` batches wait (0: always; `usize::MAX`: never).
fn pipelined<R: Read + Send>(
    reader: R,
    intake: &Intake,
    mapping: &Mapping,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
    help_when_waiting: usize,
) -> Result<Report, ValidateError> {
    let mut v = Validator::new(intake, mapping, options)?;
    let walker = Walker::open(reader, intake)?;
    let checks = v.checks.clone();
    let (full_tx, full_rx) = mpsc::sync_channel::<Parsed>(BATCHES_AHEAD);
    let (spent_tx, spent_rx) = mpsc::channel::<Batch>();
    let waiting = AtomicUsize::new(0);
    let bytes_read = std::thread::scope(|s| {
        let waiting_for_parser = &waiting;
        s.spawn(move || {
            parse_batches(
                walker,
                &checks,
                help_when_waiting,
                waiting_for_parser,
                &full_tx,
                &spent_rx,
            );
        });
        // Returning drops `full_rx`: a parser still running stops at its next send.
        let full_rx = full_rx;
        loop {
            match full_rx.recv() {
                Ok(Parsed::Rows(batch)) => {
                    waiting.fetch_sub(1, Ordering::Relaxed);
                    for k in 0..batch.rows.len() {
                        if let Some((row, found)) = batch.row(k) {
                            v.row(row, found)?;
                            v.tick(batch.bytes_read, progress)?;
                        }
                    }
                    let _ = spent_tx.send(batch);
                }
                Ok(Parsed::End { bytes_read }) => return Ok(bytes_read),
                Ok(Parsed::Failed(e)) => return Err(e),
                // The parser never leaves without a word; if it did, it panicked.
                Err(_) => {
                    return Err(ValidateError::Io(io::Error::other(
                        "the CSV reader stopped unexpectedly",
                    )));
                }
            }
        }
    })?;
    Ok(v.finish(bytes_read, intake, true, progress))
}

/// Merges two lists sorted by line; on equal lines the first list's issues come first.
fn merge_by_line(a: Vec<Issue>, b: Vec<Issue>) -> Vec<Issue> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for issue in a {
        while let Some(next) = b.next_if(|x| x.line < issue.line) {
            out.push(next);
        }
        out.push(issue);
    }
    out.extend(b);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::domain::csv_intake::{Overrides, Sample, sniff};

    /// Rows of every kind, quoted and not, so that both splitters and both checking sides see
    /// all of them: a cell split inside a character, bytes that are not UTF-8, control
    /// characters, formulas, ragged and long rows, blanks, duplicates and invited addresses.
    pub(super) fn mixed(rows: usize) -> Vec<u8> {
        let mut out = b"Email,First Name,Last Name,Team,Workspace\r\n".to_vec();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for i in 0..rows {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let row: Vec<u8> = match x % 24 {
                0..=2 => format!(
                    "User{}@Example.COM,Dup,Row,Sales,W\r\n",
                    x as usize % (i + 1)
                )
                .into_bytes(),
                3 => b"not-an-address,Bad,Row,Sales,W\r\n".to_vec(),
                4 => b",No,Address,EMEA,W\r\n".to_vec(),
                5 => format!("user{i}@example.com,=cmd,Formula,EMEA,W\r\n").into_bytes(),
                6 => format!("user{i}@example.com,Ragged\r\n").into_bytes(),
                7 => format!("\"user{i}@example.com\",\"two\nlines\",\"Q\"\"uote\",APAC,W\r\n")
                    .into_bytes(),
                8 => b"\r\n,,,,\r\n".to_vec(),
                9 => {
                    format!(" user{i}@example.com ,Space,Around,Team{},W\r\n", x % 30).into_bytes()
                }
                10 => format!("user{i}@example.com,Ctl\u{1},Char,APAC,W\r\n").into_bytes(),
                11 => {
                    let mut r = format!("user{i}@example.com,Bad").into_bytes();
                    r.extend_from_slice(b"\xFF\xFE,Bytes,APAC,W\r\n");
                    r
                }
                // A quoted first name ending inside a character that the next cell completes.
                12 => {
                    let mut r = format!("user{i}@example.com,").into_bytes();
                    r.extend_from_slice(b"\"\xEA\",\xB9\x80,Split,W\r\n");
                    r
                }
                13 => format!("invited{}@example.com,Again,Here,Sales,W\r\n", i % 3).into_bytes(),
                14 => format!("user{i}@example.com\t,\u{3000}민준\u{3000},김,영업1팀,W\r\n")
                    .into_bytes(),
                _ => format!("user{i}@example.com,민준,김,Sales,W\r\n").into_bytes(),
            };
            out.extend_from_slice(&row);
        }
        out
    }

    proptest::proptest! {
        /// The table scan of a bucket gives what a map from address to first row gives:
        /// with the 32 hash bits colliding between different addresses (`spread` 0 makes every
        /// address collide), and with addresses already invited.
        #[test]
        fn scan_finds_what_a_map_finds(
            picks in proptest::collection::vec(0usize..6, 0..400),
            spread in 0u32..4,
            some_invited in proptest::bool::ANY,
        ) {
            let addresses = ["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"];
            let (mut arena, mut ends, mut words) = (Vec::new(), Vec::new(), Vec::new());
            for (row, &k) in picks.iter().enumerate() {
                arena.extend_from_slice(addresses[k].as_bytes());
                ends.push(arena.len() as u32);
                let hash = (k as u64 & ((1 << spread) - 1)) * 0x0001_0203;
                words.push((7 << 56) | (hash & 0x00FF_FFFF) << 32 | row as u64);
            }
            let invited: HashSet<String> = if some_invited {
                ["b@x.io".to_owned()].into()
            } else {
                HashSet::new()
            };
            let mut out = KeyVerdicts::default();
            KeyArena { arena: &arena, ends: &ends }.scan(&words, &mut Vec::new(), &invited, &mut out);

            let mut first: std::collections::HashMap<usize, u32> = std::collections::HashMap::new();
            let (mut duplicates, mut invited_rows, mut needed) = (Vec::new(), Vec::new(), 0);
            for (row, &k) in picks.iter().enumerate() {
                let row = row as u32;
                match first.get(&k) {
                    Some(&f) => duplicates.push((row, f)),
                    None => {
                        first.insert(k, row);
                        if invited.contains(addresses[k]) {
                            invited_rows.push(row);
                        } else {
                            needed += 1;
                        }
                    }
                }
            }
            out.duplicates.sort_unstable();
            out.invited.sort_unstable();
            proptest::prop_assert_eq!(out.duplicates, duplicates);
            proptest::prop_assert_eq!(out.invited, invited_rows);
            proptest::prop_assert_eq!(out.needed, needed);
        }
    }

    /// The warnings counted during the pass stay right once duplicates (a warning row that
    /// repeats an address is a duplicate now) and invited addresses (a quiet row now has
    /// something to say) are marked.
    #[test]
    fn warnings_are_counted_as_the_rows_show_them() {
        let text = "Email,First Name\n\
                    a@example.com,A\n\
                    \x20a@example.com\x20,Spaced duplicate\n\
                    b\u{f6}@example.com,International\n\
                    invited@example.com,Invited\n\
                    \x20c@example.com,Spaced\n";
        let bytes = text.as_bytes();
        let sample = Sample::read(bytes).unwrap();
        let intake = sniff(&sample, &Overrides::default()).unwrap();
        let mapping = intake.suggest_mapping();
        let options = Options::new(&["invited@example.com".to_string()], None);
        let go = &mut |_| ControlFlow::Continue(());
        let r = validate(bytes, &intake, &mapping, &options, go).unwrap();
        let classes: Vec<RowClass> = r.rows.iter().map(RowResult::class).collect();
        assert_eq!(
            classes,
            [
                RowClass::Ok,
                RowClass::Duplicate,
                RowClass::Warning,
                RowClass::Warning,
                RowClass::Warning
            ]
        );
        assert_eq!(r.counts.warnings, 3);
        assert_eq!(r.counts.duplicates, 1);
    }

    /// The report of one thread, and of two with the parsing thread checking every batch and no
    /// batch, are the same, byte for byte.
    #[test]
    fn where_a_row_is_checked_changes_nothing() {
        let bytes = mixed(5 * BATCH_ROWS + 37);
        let sample = Sample::read(&bytes[..]).unwrap();
        let overrides = Overrides {
            encoding: Some(encoding_rs::UTF_8),
            ..Overrides::default()
        };
        let intake = sniff(&sample, &overrides).unwrap();
        let mapping = intake.suggest_mapping();
        let options = Options::new(&["INVITED1@example.com".to_string()], Some(50));
        let go = &mut |_| ControlFlow::Continue(());
        let one = validate(&bytes[..], &intake, &mapping, &options, go).unwrap();
        for help in [0, usize::MAX] {
            let two = pipelined(&bytes[..], &intake, &mapping, &options, go, help).unwrap();
            assert_eq!(one, two, "parsing thread helps when {help} batches wait");
        }
        // The file has what the comparison is about.
        let kinds: HashSet<IssueKind> = one.issues.iter().map(|i| i.kind).collect();
        for kind in [
            IssueKind::Duplicate,
            IssueKind::InvalidEmail,
            IssueKind::MissingEmail,
            IssueKind::FormulaLike,
            IssueKind::RaggedRow,
            IssueKind::ControlChar,
            IssueKind::DecodeError,
            IssueKind::AlreadyInvited,
            IssueKind::Whitespace,
        ] {
            assert!(kinds.contains(&kind), "{kind:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// A cell `quiet_cell` clears raises nothing when checked in full, in UTF-8 and in a
        /// decoded file, whatever its bytes.
        #[test]
        fn a_quiet_cell_has_nothing_to_report(
            tokens in proptest::collection::vec(proptest::sample::select(vec![
                &b"a"[..], b"Z7", b",", b",", b",", b" ", b"\t", b"=", b"+", b"-", b"@", b"\"",
                b"\x01", b"\x7F", "\u{A0}".as_bytes(), "\u{85}".as_bytes(), "\u{3000}".as_bytes(),
                "\u{FEFF}".as_bytes(), "\u{200B}".as_bytes(), "\u{1680}".as_bytes(),
                "\u{2028}".as_bytes(), "\u{FFFD}".as_bytes(), "김".as_bytes(), b"\xEA", b"\xFF",
                b"\xC2",
            ]), 0..24),
            decoded in proptest::bool::ANY,
        ) {
            let bytes = tokens.concat();
            let mut input = b"a,b,c,d\n".to_vec();
            input.extend_from_slice(&bytes);
            input.push(b'\n');
            let mut rr = RecordReader::new(&input[..], b',', false);
            while rr.read().unwrap() {
                let all = rr.all();
                let row = RowRef {
                    all,
                    text: simdutf8::basic::from_utf8(all).ok(),
                    ends: rr.ends(),
                    gap: rr.gap(),
                    line: rr.line(),
                    offset: rr.offset(),
                    spanned: rr.lines_spanned(),
                    width: 4,
                    decoded,
                };
                let row_text = row.row_text();
                for col in 0..6 {
                    if row.quiet_cell(&row_text, col) {
                        let mut issues = Vec::new();
                        other_cell(&row, &row_text, Field::FirstName, col, false, &mut issues);
                        proptest::prop_assert!(issues.is_empty(), "{:?} col {}", bytes, col);
                    }
                }
            }
        }
    }
}
