//! CSV intake: bytes → encoding → dialect → header → mapping → validation report → outputs.
//!
//! Pure: everything works on byte slices, `Read` and `Write`; the shell opens the files (and makes
//! the writes atomic). The same engine serves `msi-setup csv check` and the wizard's screens:
//!
//! 1. [`Sample::read`] the head of the file, then [`sniff`] it into an [`Intake`]: the encoding
//!    with its certainty and alternatives ([`EncodingGuess`]), the [`Dialect`], the header row,
//!    the columns and the first rows decoded for a preview. Sniff again with other
//!    [`Overrides`] to switch any of them; the sample is kept, so this is instant.
//! 2. [`Intake::suggest_mapping`] (or [`suggest_mapping`] on headers alone) gives a [`Mapping`]:
//!    per field a column and a [`Confidence`]; [`Mapping::apply_overrides`] takes `--map`.
//! 3. [`validate()`] streams the whole file (bounded memory, progress, cancel) into a [`Report`]:
//!    a 16-byte [`RowResult`] per row, every [`Issue`] with its line, counts and seats.
//!    [`validate_threaded`] gives the same report on two threads (one splits, one checks);
//!    [`validate_source`], for a file read from any offset ([`Source`]), checks a large UTF-8
//!    file in parts on two threads, which share the parts between them as they go.
//! 4. [`write_outputs`] re-reads the file once to write the clean CSV and the report
//!    ([`write_clean`] and [`write_report`] write one of them).
//!
//! [`RowReader`] reads single rows of the decoded text again (the wizard's grid).
//!
//! Line numbers are 1-based physical lines of the file (a row with line breaks in a quoted cell
//! starts on its first line); column indexes are 0-based here and 1-based in what users see.

mod dialect;
mod email;
mod encoding;
mod mapping;
mod output;
mod records;
mod search;
mod swar;
mod validate;

pub use dialect::{CANDIDATES, DelimiterSource, Dialect, LineEnding, parse_delimiter};
pub use email::{
    EmailProblem, EmailWarning, SpecialUse, check as check_email, check_address, looks_like_address,
};
pub use encoding::{
    BinaryKind, Certainty, EncodingGuess, EncodingSource, Region, SAMPLE_LIMIT, SCAN_LIMIT, Sample,
    detect, encoding_for_label, legacy_candidates,
};
pub use mapping::{
    Confidence, EmailBasis, EmailNote, Field, MapError, Mapped, Mapping, PassedOver, known_field,
    normalize, resolve_column, suggest_mapping,
};
pub use output::{
    OutputError, Outputs, ReportLabels, ReportOut, Sink, Written, neutralize, write_clean,
    write_outputs, write_report,
};
pub use records::{MAX_RECORD_BYTES, RowReader, row_cells};
pub use search::{Needle, SEARCH_STEP, Stopped, find_next};
pub use validate::{
    Counts, Detail, Issue, IssueKind, LONG_ROW_LINES, Options, PROGRESS_EVERY, Progress, Report,
    RowClass, RowResult, RowStatus, SEATS_PER_INSTANCE, Seats, Severity, Source, TEAM_COUNT_CAP,
    TEAMS_PER_INSTANCE, ValidateError, validate, validate_source, validate_threaded,
};

use dialect::{HeaderGuess, SampleRecord};

/// Remembered mappings: header fingerprint ([`fingerprint`]) → field key → header name (empty:
/// no column).
pub type Remembered =
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

/// A header set's fingerprint: the same headers in any order or case give the same one.
#[must_use]
pub fn fingerprint(columns: &[String]) -> String {
    let mut names: Vec<String> = columns
        .iter()
        .map(|c| normalize(c))
        .filter(|c| !c.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names.join("|")
}

/// Rows above the header kept to show them as skipped.
pub const SKIPPED_ROWS: usize = 10;

/// Rows of the sample kept for the preview.
pub const PREVIEW_ROWS: usize = 50;

/// The most a CSV that is not a regular file (a pipe, `/dev/stdin`, a device) may hold, in MB:
/// such input is read once into memory, so endless input (`/dev/zero`) stops here with an
/// error instead of growing without bound. Regular files are streamed and have no such limit.
pub const MAX_PIPED_INPUT_MB: u64 = 256;

/// Which row is the header, when the caller decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderChoice {
    /// The row starting on this 1-based physical line.
    Line(u64),
    /// No header: every row is data.
    None,
}

/// What the caller decides instead of the sniffer. `region` only breaks ties on thin evidence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Read the file in this encoding.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Use this delimiter.
    pub delimiter: Option<u8>,
    /// Use this header row.
    pub header: Option<HeaderChoice>,
    /// Prefer this region's legacy encoding when the guess is uncertain (the user's language).
    pub region: Option<Region>,
}

/// What decided the header row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderSource {
    /// The first row that looks like a header.
    Detected,
    /// The caller's choice.
    Override,
    /// The first row holds addresses: no header.
    NoneFound,
}

impl HeaderSource {
    /// `detected`, `override` or `none_found`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            HeaderSource::Detected => "detected",
            HeaderSource::Override => "override",
            HeaderSource::NoneFound => "none_found",
        }
    }
}

/// A row of the preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewRow {
    /// 1-based physical line where it starts.
    pub line: u64,
    /// Its cells, decoded.
    pub cells: Vec<String>,
}

/// Everything sniffing decided, plus a decoded preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intake {
    /// The encoding.
    pub encoding: EncodingGuess,
    /// The dialect.
    pub dialect: Dialect,
    /// 1-based physical line of the header; `None` when the file has none.
    pub header_row: Option<u64>,
    /// What decided the header row.
    pub header_source: HeaderSource,
    /// Header cells, trimmed (empty names stay empty; without a header, all empty).
    pub columns: Vec<String>,
    /// The first data rows.
    pub preview: Vec<PreviewRow>,
    /// Non-empty rows above the header (title rows skipped), at most [`SKIPPED_ROWS`].
    pub skipped: Vec<PreviewRow>,
    /// Whether the sample was the whole file.
    pub sample_complete: bool,
    /// U+FFFD replacement characters in the decoded sample (bytes invalid in the encoding).
    pub sample_replacements: usize,
    /// Average bytes of the file per row in the sample (to estimate a large file's rows).
    pub bytes_per_row: u32,
}

impl Intake {
    /// The cells of the row starting on `line`, if the sample kept it (a skipped row, the
    /// header or a preview row).
    #[must_use]
    pub fn line_cells(&self, line: u64) -> Option<Vec<&str>> {
        if self.header_row == Some(line) {
            return Some(self.columns.iter().map(String::as_str).collect());
        }
        self.skipped
            .iter()
            .chain(&self.preview)
            .find(|r| r.line == line)
            .map(|r| r.cells.iter().map(String::as_str).collect())
    }

    /// Up to `n` non-empty values of column `column` from the preview.
    #[must_use]
    pub fn samples(&self, column: usize, n: usize) -> Vec<&str> {
        self.preview
            .iter()
            .filter_map(|r| r.cells.get(column).map(|c| c.trim()))
            .filter(|c| !c.is_empty())
            .take(n)
            .collect()
    }

    /// Suggests a mapping from the headers, checked against the preview values: a sign-in-name
    /// column whose values are not addresses is not used for e-mail, and a file without an
    /// address header gets the column whose values are addresses.
    #[must_use]
    pub fn suggest_mapping(&self) -> Mapping {
        let looks = |col: usize| -> Option<bool> {
            let values = self.samples(col, PREVIEW_ROWS);
            if values.is_empty() {
                return None;
            }
            let hits = values.iter().filter(|v| looks_like_address(v)).count();
            Some(hits * 2 >= values.len())
        };
        mapping::suggest_with(&self.columns, &looks)
    }

    /// Roughly how many data rows a file of `size` bytes holds, from the sample's bytes per row.
    #[must_use]
    pub fn estimate_rows(&self, size: Option<u64>) -> Option<u64> {
        size.map(|s| s / u64::from(self.bytes_per_row.max(1)) + 16)
    }

    /// The name to show for column `index` (0-based): its header, or `None` when it has none.
    #[must_use]
    pub fn column_name(&self, index: usize) -> Option<&str> {
        self.columns
            .get(index)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }
}

/// A file sniffing cannot use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    /// Nothing but blank lines.
    #[error("the file is empty")]
    Empty,
    /// A workbook, a PDF or other binary data.
    #[error("the file is not text ({})", .0.as_str())]
    Binary(BinaryKind),
    /// The chosen header line starts no row within the sample.
    #[error("no row starts on line {line} within the first {limit} bytes")]
    HeaderNotInSample {
        /// The line asked for.
        line: u64,
        /// How far the sample reaches.
        limit: usize,
    },
    /// The chosen delimiter cannot be used (a quote, a line break, a letter or digit).
    #[error("`{0}` cannot be a delimiter")]
    BadDelimiter(char),
}

/// Sniffs a sample: encoding, dialect, header row, columns, preview.
///
/// # Errors
/// The sample is empty or binary, or an override cannot be applied.
pub fn sniff(sample: &Sample, overrides: &Overrides) -> Result<Intake, SniffError> {
    if let Some(d) = overrides.delimiter
        && !dialect::usable_delimiter(d)
    {
        return Err(SniffError::BadDelimiter(char::from(d)));
    }
    let guess = encoding::detect(sample, overrides.encoding, overrides.region)
        .map_err(SniffError::Binary)?;
    let head = sample.head().get(guess.bom_len..).unwrap_or_default();
    let mut text = encoding::decode_lossy(head, guess.encoding);
    if !sample.is_complete()
        && let Some(p) = text.rfind(['\n', '\r'])
    {
        text.truncate(p + 1);
    }
    let sample_replacements = text.matches('\u{FFFD}').count();
    let line_ending = dialect::line_ending(&text);
    let cr = line_ending == LineEnding::Cr;
    let sep = dialect::sep_line(&text);
    let sep_line = sep.is_some();
    let (delimiter, delimiter_source) = match (overrides.delimiter, sep) {
        (Some(d), _) => (d, DelimiterSource::Override),
        (None, Some(Some(d))) => (d, DelimiterSource::SepLine),
        (None, _) => dialect::sniff_delimiter(&text, cr, sep_line),
    };
    let dialect = Dialect {
        delimiter,
        delimiter_source,
        line_ending,
        sep_line,
    };

    // Enough rows to find the header and fill the preview (more when the header is chosen far
    // down).
    let wanted = match overrides.header {
        Some(HeaderChoice::Line(_)) => 5_000,
        _ => 20 + PREVIEW_ROWS + 30,
    };
    let recs: Vec<SampleRecord> = dialect::records(&text, delimiter, cr, sep_line, wanted);
    if recs.iter().all(|r| r.filled() == 0) {
        if let Some(HeaderChoice::Line(line)) = overrides.header {
            return Err(SniffError::HeaderNotInSample {
                line,
                limit: SAMPLE_LIMIT,
            });
        }
        return Err(SniffError::Empty);
    }
    let (header_index, header_source) = match overrides.header {
        Some(HeaderChoice::Line(line)) => match recs.iter().position(|r| r.line == line) {
            Some(i) => (Some(i), HeaderSource::Override),
            None => {
                return Err(SniffError::HeaderNotInSample {
                    line,
                    limit: SAMPLE_LIMIT,
                });
            }
        },
        Some(HeaderChoice::None) => (None, HeaderSource::Override),
        None => match dialect::detect_header(&recs) {
            HeaderGuess::Row(i) => (Some(i), HeaderSource::Detected),
            HeaderGuess::None => (None, HeaderSource::NoneFound),
        },
    };
    let data_from = header_index.map_or(0, |i| i + 1);
    let preview: Vec<PreviewRow> = recs[data_from.min(recs.len())..]
        .iter()
        .filter(|r| r.filled() > 0)
        .take(PREVIEW_ROWS)
        .map(|r| PreviewRow {
            line: r.line,
            cells: r.cells.clone(),
        })
        .collect();
    let skipped: Vec<PreviewRow> = recs[..header_index.unwrap_or(0).min(recs.len())]
        .iter()
        .filter(|r| r.filled() > 0)
        .take(SKIPPED_ROWS)
        .map(|r| PreviewRow {
            line: r.line,
            cells: r.cells.clone(),
        })
        .collect();
    let columns: Vec<String> = match header_index {
        Some(i) => recs[i]
            .cells
            .iter()
            .map(|c| validate::trim(c).to_string())
            .collect(),
        None => vec![String::new(); preview.iter().map(|r| r.cells.len()).max().unwrap_or(1)],
    };
    Ok(Intake {
        encoding: guess,
        dialect,
        header_row: header_index.map(|i| recs[i].line),
        header_source,
        columns,
        preview,
        skipped,
        sample_complete: sample.is_complete(),
        sample_replacements,
        bytes_per_row: bytes_per_row(sample.head(), line_ending),
    })
}

/// Average bytes per line of `head` (rows with line breaks in quoted cells count as several:
/// the estimate errs towards more rows, which only reserves a little more).
fn bytes_per_row(head: &[u8], ending: LineEnding) -> u32 {
    let newline = if ending == LineEnding::Cr {
        b'\r'
    } else {
        b'\n'
    };
    let lines = memchr::memchr_iter(newline, head).count().max(1);
    u32::try_from(head.len().div_ceil(lines))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// [`sniff`] on a whole file already in memory.
///
/// # Errors
/// As [`sniff`].
pub fn sniff_bytes(bytes: &[u8], overrides: &Overrides) -> Result<Intake, SniffError> {
    sniff(&Sample::from_bytes(bytes), overrides)
}
