//! `msi-setup csv check FILE`: reads a users CSV with the intake engine and reports on it.
//!
//! Human summary by default, one JSON object with `--json`. Exit 0 when every row is valid, 1
//! when rows are invalid or duplicated, seats are exceeded or there are no rows, 2 when the file
//! cannot be used (unreadable, not text, no e-mail column) or an argument is wrong. `--out` and
//! `--report` are written by [`csv_export`] in one pass, atomically (temp files in the same
//! folder, fsync, rename), and only when both could be written.

use std::fmt::Display;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use unicode_width::UnicodeWidthStr;

use crate::cli::CsvCheckArgs;
use crate::commands::{Context, common};
use crate::csv_export::{self, Export, ExportError, ReportFile};
use crate::domain::csv_intake::{
    self as intake, BinaryKind, Certainty, Confidence, DelimiterSource, Detail, EmailBasis,
    EncodingSource, Field, HeaderChoice, HeaderSource, Intake, Issue, MapError, Mapping, Options,
    Overrides, Progress, Region, Report, ReportLabels, Sample, Severity, SniffError, ValidateError,
};
use crate::domain::files::{FileKind, NotRegular};
use crate::domain::text::{Catalog, Lang, io_error};

/// Issues listed in the human summary (all of them are in `--json` and `--report`).
pub const SUMMARY_ISSUES: usize = 50;

/// Runs `csv check`; returns the exit code.
pub fn run(args: &CsvCheckArgs, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let check = Check {
        args,
        tr: &ctx.tr,
        file: args.file.display().to_string(),
    };
    match check.run(ctx) {
        Ok(done) => {
            let written = if args.json {
                check.print_json(&done, out)
            } else {
                check.print_human(&done, out)
            };
            let code = if done.report.has_errors() { 1 } else { 0 };
            match written.and_then(|()| out.flush()) {
                // The reader went away (`| head`): the check itself is done.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
                Err(e) => {
                    let _ = writeln!(err, "{}", check.error_line(&e.to_string()));
                    2
                }
                Ok(()) => code,
            }
        }
        Err(failure) => {
            let message = check.failure_message(&failure);
            if args.json {
                let path = match &failure {
                    Failure::Write { path, .. }
                    | Failure::SameAsInput { path, .. }
                    | Failure::SameOutput(path) => path,
                    _ => &args.file,
                };
                common::write_json_error(out, failure.kind(), &message, Some(path));
            }
            let _ = writeln!(err, "{}", check.error_line(&message));
            2
        }
    }
}

/// Why the file cannot be used.
#[derive(Debug)]
enum Failure {
    Read(io::Error),
    UnknownEncoding(String),
    BadDelimiter(String),
    Sniff(SniffError),
    Map(MapError),
    NoEmail {
        columns: String,
    },
    Validate(ValidateError),
    SameAsInput {
        path: PathBuf,
        option: &'static str,
    },
    SameOutput(PathBuf),
    Write {
        path: PathBuf,
        error: io::Error,
    },
    /// Input that is not a regular file went on past [`intake::MAX_PIPED_INPUT_MB`].
    InputTooLarge,
}

impl Failure {
    fn kind(&self) -> &'static str {
        match self {
            Failure::Read(_) => "unreadable",
            Failure::UnknownEncoding(_) => "unknown_encoding",
            Failure::BadDelimiter(_) => "bad_delimiter",
            Failure::Sniff(SniffError::Empty) => "empty",
            Failure::Sniff(SniffError::Binary(_)) => "not_text",
            Failure::Sniff(SniffError::HeaderNotInSample { .. }) => "header_not_found",
            Failure::Sniff(SniffError::BadDelimiter(_)) => "bad_delimiter",
            Failure::Map(_) => "bad_map",
            Failure::NoEmail { .. } => "no_email_column",
            Failure::Validate(ValidateError::Io(_)) => "unreadable",
            Failure::Validate(ValidateError::RowTooLong { .. }) => "row_too_long",
            Failure::Validate(ValidateError::HeaderNotFound { .. }) => "header_not_found",
            Failure::Validate(_) => "unreadable",
            Failure::SameAsInput { .. } | Failure::SameOutput(_) => "bad_output",
            Failure::Write { .. } => "unwritable",
            Failure::InputTooLarge => "too_large",
        }
    }
}

struct Done {
    intake: Intake,
    mapping: Mapping,
    report: Report,
    options: Options,
    clean_rows: Option<u64>,
    wrote_report: bool,
}

struct Check<'a> {
    args: &'a CsvCheckArgs,
    tr: &'a Catalog,
    file: String,
}

fn keep_going(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Where the CSV is read from: a regular file is opened again for each pass; anything else (a
/// pipe, `/dev/stdin`, a process substitution) is read once into memory.
enum Input {
    Path { size: u64 },
    Bytes(Vec<u8>),
}

impl Check<'_> {
    fn open_input(&self) -> Result<Input, Failure> {
        let mut f = File::open(&self.args.file).map_err(Failure::Read)?;
        let meta = f.metadata().map_err(Failure::Read)?;
        if meta.is_dir() {
            return Err(Failure::Read(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )));
        }
        if meta.is_file() {
            return Ok(Input::Path { size: meta.len() });
        }
        // Read once into memory, but never without bound (`/dev/zero`, an endless pipe).
        let limit = intake::MAX_PIPED_INPUT_MB * 1024 * 1024;
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::Read::take(&mut f, limit + 1), &mut bytes)
            .map_err(Failure::Read)?;
        if bytes.len() as u64 > limit {
            return Err(Failure::InputTooLarge);
        }
        Ok(Input::Bytes(bytes))
    }

    /// A fresh reader over the input, from its first byte.
    fn reader<'i>(&self, input: &'i Input) -> io::Result<Box<dyn io::Read + Send + 'i>> {
        Ok(match input {
            Input::Path { .. } => Box::new(File::open(&self.args.file)?),
            Input::Bytes(b) => Box::new(b.as_slice()),
        })
    }

    fn run(&self, ctx: &Context) -> Result<Done, Failure> {
        let args = self.args;
        let encoding = match &args.encoding {
            Some(label) => Some(
                intake::encoding_for_label(label)
                    .ok_or_else(|| Failure::UnknownEncoding(label.clone()))?,
            ),
            None => None,
        };
        let delimiter = match &args.delimiter {
            Some(d) => {
                Some(intake::parse_delimiter(d).ok_or_else(|| Failure::BadDelimiter(d.clone()))?)
            }
            None => None,
        };
        let header = args.header_row.map(|n| {
            if n == 0 {
                HeaderChoice::None
            } else {
                HeaderChoice::Line(n as u64)
            }
        });
        let region = match ctx.tr.lang() {
            Lang::Ko => Some(Region::Korea),
            Lang::ZhTw => Some(Region::Taiwan),
            Lang::En => None,
        };
        self.check_outputs()?;

        let input = self.open_input()?;
        let sample =
            Sample::read(self.reader(&input).map_err(Failure::Read)?).map_err(Failure::Read)?;
        let overrides = Overrides {
            encoding,
            delimiter,
            header,
            region,
        };
        let intake = intake::sniff(&sample, &overrides).map_err(Failure::Sniff)?;
        drop(sample);
        let mut mapping = intake.suggest_mapping();
        mapping
            .apply_overrides(&intake.columns, &args.map)
            .map_err(Failure::Map)?;
        if mapping.get(Field::Email).is_none() {
            let names: Vec<String> = (0..intake.columns.len())
                .take(12)
                .map(|i| self.column_label(&intake, i))
                .collect();
            let mut columns = names.join(", ");
            if intake.columns.len() > 12 {
                columns.push_str(", …");
            }
            return Err(Failure::NoEmail { columns });
        }
        // The same budget as the wizard: 100 seats less those used (recorded invites and the
        // admins the live check found), unless given; teams already recorded count too.
        let recorded = crate::store::read_only(&ctx.config_dir)
            .ok()
            .flatten()
            .unwrap_or_default();
        let total = crate::domain::csv_intake::SEATS_PER_INSTANCE as u64;
        let seats = match (args.seats, args.seats_used) {
            (Some(s), _) => s as u64,
            (None, Some(used)) => total.saturating_sub(used as u64),
            (None, None) => recorded.seat_budget().left(),
        };
        let mut options = Options::new(&ctx.invited, Some(seats));
        options.teams_recorded = recorded.team_budget().recorded.into_iter().collect();
        options.size_hint = Some(match &input {
            Input::Path { size } => *size,
            Input::Bytes(b) => b.len() as u64,
        });
        // On two threads (a large file in parts): the same report as `intake::validate`.
        let report = match &input {
            Input::Path { size } => {
                let file = File::open(&self.args.file).map_err(Failure::Read)?;
                let source = crate::fsutil::FileSource::new(file, *size);
                intake::validate_source(&source, &intake, &mapping, &options, &mut keep_going)
            }
            Input::Bytes(b) => {
                intake::validate_source(&b.as_slice(), &intake, &mapping, &options, &mut keep_going)
            }
        }
        .map_err(Failure::Validate)?;

        // Both outputs in one streamed pass, put in place only when it succeeded.
        let mut clean_rows = None;
        let mut wrote_report = false;
        if args.out.is_some() || args.report.is_some() {
            let reason = |i: &Issue| self.issue_message(i, &intake);
            let job = Export {
                intake: &intake,
                mapping: &mapping,
                report: &report,
                clean: args.out.as_deref(),
                leave_out_invited: false,
                collect_emails: false,
                limit: None,
                left_out: None,
                default_workspace: None,
                report_file: args.report.as_deref().map(|path| ReportFile {
                    path,
                    labels: ReportLabels {
                        line: self.tr.t("csv.report.line"),
                        email: self.tr.t("csv.report.email"),
                        status: self.tr.t("csv.report.status"),
                        reason: self.tr.t("csv.report.reason"),
                    },
                    reason: &reason,
                }),
            };
            let source = self.reader(&input).map_err(Failure::Read)?;
            let done = csv_export::export(source, &job, &AtomicBool::new(false), &mut |_| {})
                .map_err(|e| match e {
                    ExportError::Source(v) => Failure::Validate(v),
                    ExportError::Write { path, error } => Failure::Write { path, error },
                })?;
            clean_rows = args.out.as_ref().map(|_| done.clean_rows);
            wrote_report = args.report.is_some();
        }
        Ok(Done {
            intake,
            mapping,
            report,
            options,
            clean_rows,
            wrote_report,
        })
    }

    /// Refuses outputs that would overwrite the input or each other, or that are not regular
    /// files (a device, FIFO, directory, or a symlink to one, like `/proc/self/fd/1`): that is
    /// found before the input is read.
    fn check_outputs(&self) -> Result<(), Failure> {
        for p in [&self.args.out, &self.args.report].into_iter().flatten() {
            if let Err(error) = crate::fsutil::write_target(p)
                && NotRegular::find(&error).is_some()
            {
                return Err(Failure::Write {
                    path: p.clone(),
                    error,
                });
            }
        }
        let input = fs::canonicalize(&self.args.file).ok();
        let outputs = [(&self.args.out, "--out"), (&self.args.report, "--report")];
        for (path, option) in outputs {
            if let Some(p) = path
                && input.is_some()
                && fs::canonicalize(p).ok() == input
            {
                return Err(Failure::SameAsInput {
                    path: p.clone(),
                    option,
                });
            }
        }
        if let (Some(a), Some(b)) = (&self.args.out, &self.args.report)
            && (a == b
                || fs::canonicalize(a)
                    .ok()
                    .is_some_and(|x| Some(x) == fs::canonicalize(b).ok()))
        {
            return Err(Failure::SameOutput(a.clone()));
        }
        Ok(())
    }

    fn t(&self, key: &str) -> String {
        self.tr.t(key).to_string()
    }

    fn f(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        self.tr.f(key, args)
    }

    fn error_line(&self, message: &str) -> String {
        self.f("csv.line.error", &[("message", &message)])
    }

    fn failure_message(&self, failure: &Failure) -> String {
        let file = safe(&self.file);
        match failure {
            Failure::Read(e) | Failure::Validate(ValidateError::Io(e)) => {
                let hint = match e.kind() {
                    io::ErrorKind::NotFound => "csv.error.hint-not-found",
                    io::ErrorKind::PermissionDenied => "csv.error.hint-permission",
                    io::ErrorKind::IsADirectory => "csv.error.hint-directory",
                    _ => "csv.error.hint-other",
                };
                self.f(
                    "csv.error.read",
                    &[
                        ("file", &file),
                        ("error", &io_error(e).render(self.tr)),
                        ("hint", &self.tr.t(hint)),
                    ],
                )
            }
            Failure::UnknownEncoding(label) => {
                self.f("csv.error.unknown-encoding", &[("label", &safe(label))])
            }
            Failure::BadDelimiter(d) => self.f("csv.error.bad-delimiter", &[("value", &safe(d))]),
            Failure::Sniff(SniffError::BadDelimiter(c)) => self.f(
                "csv.error.bad-delimiter",
                &[("value", &safe(&c.to_string()))],
            ),
            Failure::Sniff(SniffError::Empty) => self.f("csv.error.empty", &[("file", &file)]),
            Failure::Sniff(SniffError::Binary(kind)) => {
                let key = match kind {
                    BinaryKind::Workbook => "csv.error.workbook",
                    BinaryKind::LegacyWorkbook => "csv.error.legacy-workbook",
                    BinaryKind::Pdf => "csv.error.pdf",
                    BinaryKind::Other => "csv.error.binary",
                };
                self.f(key, &[("file", &file)])
            }
            Failure::Sniff(SniffError::HeaderNotInSample { line, limit }) => self.f(
                "csv.error.header-not-found",
                &[("file", &file), ("line", line), ("limit", &(limit / 1024))],
            ),
            Failure::Validate(ValidateError::HeaderNotFound { line }) => self.f(
                "csv.error.header-not-found",
                &[
                    ("file", &file),
                    ("line", line),
                    ("limit", &(intake::SAMPLE_LIMIT / 1024)),
                ],
            ),
            Failure::Map(MapError::Syntax { spec }) => {
                self.f("csv.error.map-syntax", &[("spec", &safe(spec))])
            }
            Failure::Map(MapError::UnknownField { field }) => {
                self.f("csv.error.map-field", &[("field", &safe(field))])
            }
            Failure::Map(MapError::NoSuchColumn {
                field,
                column,
                count,
            }) => self.f(
                "csv.error.map-column",
                &[
                    ("file", &file),
                    ("column", &safe(column)),
                    ("field", &crate::csv_text::field_name(self.tr, *field)),
                    ("count", count),
                ],
            ),
            Failure::Map(MapError::EmailRequired) => self.tr.t("csv.error.map-email").to_string(),
            Failure::NoEmail { columns } => self.f(
                "csv.error.no-email",
                &[("file", &file), ("columns", columns)],
            ),
            Failure::Validate(ValidateError::RowTooLong { line }) => {
                self.f("csv.error.row-too-long", &[("file", &file), ("line", line)])
            }
            Failure::Validate(ValidateError::Changed { line }) => {
                self.f("csv.error.changed", &[("file", &file), ("line", line)])
            }
            Failure::Validate(ValidateError::TooLarge) => {
                self.f("csv.error.too-large", &[("file", &file)])
            }
            Failure::Validate(ValidateError::Cancelled | ValidateError::NoEmailColumn) => {
                self.f("csv.error.no-email", &[("file", &file), ("columns", &"")])
            }
            Failure::SameAsInput { path, option } => self.f(
                "csv.error.same-as-input",
                &[
                    ("path", &safe(&path.display().to_string())),
                    ("option", option),
                ],
            ),
            Failure::SameOutput(path) => self.f(
                "csv.error.same-output",
                &[("path", &safe(&path.display().to_string()))],
            ),
            Failure::InputTooLarge => self.f(
                "files.err.input-too-large",
                &[("file", &file), ("limit", &intake::MAX_PIPED_INPUT_MB)],
            ),
            Failure::Write { path, error } if NotRegular::find(error).is_some() => {
                let kind = NotRegular::find(error).map_or(FileKind::Other, |n| n.kind);
                self.f(kind.key(), &[("path", &safe(&path.display().to_string()))])
            }
            Failure::Write { path, error } => self.f(
                "csv.error.write",
                &[
                    ("path", &safe(&path.display().to_string())),
                    ("error", &io_error(error).render(self.tr)),
                ],
            ),
        }
    }

    fn column_label(&self, intake: &Intake, index: usize) -> String {
        match intake.column_name(index) {
            Some(name) => format!("`{}`", safe(name)),
            None => self.f("csv.column.unnamed", &[("index", &(index + 1))]),
        }
    }

    /// The message of an issue, in the user's language.
    fn issue_message(&self, issue: &Issue, intake: &Intake) -> String {
        crate::csv_text::issue_message(self.tr, issue, intake)
    }

    fn certainty(&self, c: Certainty) -> String {
        crate::csv_text::certainty(self.tr, c)
    }

    fn delimiter_text(&self, d: u8) -> String {
        crate::csv_text::delimiter_text(self.tr, d)
    }

    fn print_human(&self, done: &Done, out: &mut dyn Write) -> io::Result<()> {
        let Done {
            intake,
            mapping,
            report,
            options,
            clean_rows,
            wrote_report,
        } = done;
        let c = report.counts;
        let file = safe(&self.file);
        writeln!(
            out,
            "{}",
            self.f(
                "csv.summary.title",
                &[
                    ("file", &file),
                    ("rows", &c.rows),
                    ("valid", &c.valid),
                    ("invalid", &c.invalid),
                    ("duplicates", &c.duplicates)
                ],
            )
        )?;

        let mut rows: Vec<(String, String)> = Vec::new();
        // Encoding.
        let g = &intake.encoding;
        let source = self.t(&format!("csv.encoding-source.{}", g.source.as_str()));
        rows.push((
            self.tr.t("csv.label.encoding").into(),
            self.f(
                "csv.encoding.value",
                &[
                    ("encoding", &g.encoding.name()),
                    ("source", &source),
                    ("confidence", &self.certainty(g.certainty)),
                ],
            ),
        ));
        if g.certainty < Certainty::High || g.source == EncodingSource::Override {
            let alternatives: Vec<&str> = g.alternatives.iter().take(4).map(|e| e.name()).collect();
            if !alternatives.is_empty() {
                rows.push((
                    String::new(),
                    self.f(
                        "csv.encoding.alternatives",
                        &[("list", &alternatives.join(", "))],
                    ),
                ));
            }
        }
        // Delimiter.
        let d = &intake.dialect;
        let dsource = self.t(&format!(
            "csv.delimiter-source.{}",
            d.delimiter_source.as_str()
        ));
        rows.push((
            self.tr.t("csv.label.delimiter").into(),
            self.f(
                "csv.delimiter.value",
                &[
                    ("delimiter", &self.delimiter_text(d.delimiter)),
                    ("source", &dsource),
                    ("endings", &d.line_ending.as_str()),
                ],
            ),
        ));
        // Header.
        let header = match (intake.header_row, intake.header_source) {
            (Some(line), HeaderSource::Override) => {
                self.f("csv.header.override", &[("line", &line)])
            }
            (Some(line), _) if line > 1 + u64::from(d.sep_line) => {
                self.f("csv.header.skipped", &[("line", &line)])
            }
            (Some(line), _) => self.f("csv.header.line", &[("line", &line)]),
            (None, HeaderSource::Override) => self.tr.t("csv.header.none-chosen").into(),
            (None, _) => self.tr.t("csv.header.none").into(),
        };
        rows.push((self.tr.t("csv.label.header").into(), header));
        // Mapping.
        let mut first = true;
        for field in Field::ALL {
            let label = if first {
                self.tr.t("csv.label.mapping").to_string()
            } else {
                String::new()
            };
            first = false;
            let text = match mapping.get(field) {
                Some(m) => self.f(
                    "csv.mapping.row",
                    &[
                        ("field", &crate::csv_text::field_name(self.tr, field)),
                        ("column", &self.column_label(intake, m.column)),
                        ("index", &(m.column + 1)),
                        (
                            "confidence",
                            &self.t(&format!("csv.confidence.{}", m.confidence.as_str())),
                        ),
                    ],
                ),
                None => self.f(
                    "csv.mapping.unmapped",
                    &[("field", &crate::csv_text::field_name(self.tr, field))],
                ),
            };
            rows.push((label, text));
        }
        if let Some(basis) = mapping.email_basis
            && basis != EmailBasis::Header
        {
            rows.push((
                String::new(),
                self.t(&format!("csv.basis.{}", basis.as_str())),
            ));
        }
        for note in &mapping.email_notes {
            rows.push((
                String::new(),
                self.f(
                    "csv.passed.row",
                    &[
                        ("column", &self.column_label(intake, note.column)),
                        ("index", &(note.column + 1)),
                        (
                            "reason",
                            &self.t(&format!("csv.passed.{}", note.reason.as_str())),
                        ),
                    ],
                ),
            ));
        }
        if mapping
            .get(Field::Email)
            .is_some_and(|m| m.confidence == Confidence::Fuzzy)
        {
            rows.push((String::new(), self.tr.t("csv.mapping.check-fuzzy").into()));
        }
        // Seats and teams.
        let s = report.seats;
        let seats = if s.ok {
            self.f(
                "csv.seats.ok",
                &[("needed", &s.needed), ("available", &s.available)],
            )
        } else {
            self.f(
                "csv.seats.over",
                &[
                    ("needed", &s.needed),
                    ("available", &s.available),
                    ("over", &s.needed.saturating_sub(s.available)),
                ],
            )
        };
        rows.push((self.tr.t("csv.label.seats").into(), seats));
        if mapping.get(Field::Team).is_some() {
            let (count, capped) = report.teams;
            let key = if capped {
                "csv.teams.value-at-least"
            } else {
                "csv.teams.value"
            };
            rows.push((
                self.tr.t("csv.label.teams").into(),
                self.f(key, &[("count", &count), ("max", &options.max_teams)]),
            ));
        }
        let width = rows.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
        for (label, value) in &rows {
            let pad = width.saturating_sub(label.width());
            writeln!(out, "  {label}{}  {value}", " ".repeat(pad))?;
        }

        // Problems.
        let total = report.file_issues.len() + report.issues.len();
        if total > 0 {
            writeln!(out)?;
            writeln!(out, "{}", self.f("csv.issues.title", &[("count", &total)]))?;
            for issue in report
                .file_issues
                .iter()
                .chain(&report.issues)
                .take(SUMMARY_ISSUES)
            {
                let severity = self.t(&format!("csv.severity.{}", issue.severity().as_str()));
                let message = self.issue_message(issue, intake);
                let line = if issue.line == 0 {
                    self.f(
                        "csv.issues.file",
                        &[("severity", &severity), ("message", &message)],
                    )
                } else {
                    self.f(
                        "csv.issues.row",
                        &[
                            ("severity", &severity),
                            ("line", &issue.line),
                            ("message", &message),
                        ],
                    )
                };
                writeln!(out, "  {line}")?;
            }
            if total > SUMMARY_ISSUES {
                writeln!(
                    out,
                    "  {}",
                    self.f("csv.issues.more", &[("count", &(total - SUMMARY_ISSUES))])
                )?;
            }
        }

        // Outcome.
        writeln!(out)?;
        let outcome = if report.has_errors() {
            if c.rows == 0 {
                self.tr.t("csv.outcome.no-rows").to_string()
            } else if c.invalid + c.duplicates > 0 {
                self.f(
                    "csv.outcome.rows-left-out",
                    &[
                        ("invalid", &c.invalid),
                        ("duplicates", &c.duplicates),
                        ("valid", &c.valid),
                    ],
                )
            } else {
                self.tr.t("csv.outcome.seats").to_string()
            }
        } else {
            self.f("csv.outcome.ok", &[("valid", &c.valid)])
        };
        writeln!(out, "{outcome}")?;
        if let (Some(path), Some(n)) = (&self.args.out, clean_rows) {
            writeln!(
                out,
                "{}",
                self.f(
                    "csv.wrote.clean",
                    &[("path", &safe(&path.display().to_string())), ("rows", n)]
                )
            )?;
        }
        if let (Some(path), true) = (&self.args.report, wrote_report) {
            writeln!(
                out,
                "{}",
                self.f(
                    "csv.wrote.report",
                    &[
                        ("path", &safe(&path.display().to_string())),
                        ("rows", &c.rows)
                    ]
                )
            )?;
        }
        if self.args.out.is_none() && c.valid > 0 {
            writeln!(out, "{}", self.tr.t("csv.next.out"))?;
        } else if self.args.out.is_some() && c.valid > 0 {
            writeln!(out, "{}", self.tr.t("csv.next.upload"))?;
        }
        Ok(())
    }

    fn print_json(&self, done: &Done, out: &mut dyn Write) -> io::Result<()> {
        let Done {
            intake,
            mapping,
            report,
            options,
            clean_rows,
            wrote_report,
        } = done;
        let g = &intake.encoding;
        let mapped = |f: Field| {
            mapping.get(f).map(|m| JsonMapped {
                column: intake.columns.get(m.column).cloned().unwrap_or_default(),
                index: m.column + 1,
                confidence: m.confidence.as_str(),
            })
        };
        let obj = Json {
            version: common::JSON_VERSION,
            file: self.args.file.to_string_lossy().into_owned(),
            encoding: g.encoding.name(),
            encoding_confidence: g.certainty.as_str(),
            encoding_source: g.source.as_str(),
            encoding_alternatives: g.alternatives.iter().map(|e| e.name()).collect(),
            bom: g.bom_len > 0,
            delimiter: char::from(intake.dialect.delimiter).to_string(),
            delimiter_source: match intake.dialect.delimiter_source {
                DelimiterSource::Sniffed => "sniffed",
                DelimiterSource::SepLine => "sep_line",
                DelimiterSource::Override => "override",
                DelimiterSource::Default => "default",
            },
            line_ending: intake.dialect.line_ending.as_str(),
            header_row: intake.header_row,
            header_source: intake.header_source.as_str(),
            columns: &intake.columns,
            mapping: JsonMapping {
                email: mapped(Field::Email),
                first_name: mapped(Field::FirstName),
                last_name: mapped(Field::LastName),
                team: mapped(Field::Team),
                workspace: mapped(Field::Workspace),
            },
            email_basis: mapping.email_basis.map(EmailBasis::as_str),
            email_passed_over: mapping
                .email_notes
                .iter()
                .map(|n| JsonPassed {
                    column: intake.columns.get(n.column).cloned().unwrap_or_default(),
                    index: n.column + 1,
                    reason: n.reason.as_str(),
                    message: self.t(&format!("csv.passed.{}", n.reason.as_str())),
                })
                .collect(),
            counts: JsonCounts {
                rows: report.counts.rows,
                valid: report.counts.valid,
                invalid: report.counts.invalid,
                duplicates: report.counts.duplicates,
            },
            seats: JsonSeats {
                available: report.seats.available,
                needed: report.seats.needed,
                ok: report.seats.ok,
            },
            teams: JsonTeams {
                distinct: report.teams.0,
                at_least: report.teams.1,
                max: options.max_teams,
            },
            issues: JsonIssues {
                check: self,
                intake,
                report,
            },
            outputs: JsonOutputs {
                clean: self
                    .args
                    .out
                    .as_ref()
                    .filter(|_| clean_rows.is_some())
                    .map(|p| p.to_string_lossy().into_owned()),
                clean_rows: *clean_rows,
                report: self
                    .args
                    .report
                    .as_ref()
                    .filter(|_| *wrote_report)
                    .map(|p| p.to_string_lossy().into_owned()),
            },
        };
        let mut w = BufWriter::new(out);
        serde_json::to_writer(&mut w, &obj).map_err(io::Error::from)?;
        writeln!(w)?;
        w.flush()
    }
}

/// An `io::Error` as users read it, without Rust's "(os error 2)" suffix.
use crate::csv_text::safe;

// --- JSON shapes ------------------------------------------------------------------------------

#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    file: String,
    encoding: &'static str,
    encoding_confidence: &'static str,
    encoding_source: &'static str,
    encoding_alternatives: Vec<&'static str>,
    bom: bool,
    delimiter: String,
    delimiter_source: &'static str,
    line_ending: &'static str,
    header_row: Option<u64>,
    header_source: &'static str,
    columns: &'a [String],
    mapping: JsonMapping,
    email_basis: Option<&'static str>,
    email_passed_over: Vec<JsonPassed>,
    counts: JsonCounts,
    seats: JsonSeats,
    teams: JsonTeams,
    issues: JsonIssues<'a>,
    outputs: JsonOutputs,
}

#[derive(Serialize)]
struct JsonMapped {
    column: String,
    index: usize,
    confidence: &'static str,
}

#[derive(Serialize)]
struct JsonMapping {
    email: Option<JsonMapped>,
    first_name: Option<JsonMapped>,
    last_name: Option<JsonMapped>,
    team: Option<JsonMapped>,
    workspace: Option<JsonMapped>,
}

#[derive(Serialize)]
struct JsonPassed {
    column: String,
    index: usize,
    reason: &'static str,
    message: String,
}

#[derive(Serialize)]
struct JsonCounts {
    rows: u64,
    valid: u64,
    invalid: u64,
    duplicates: u64,
}

#[derive(Serialize)]
struct JsonSeats {
    available: u64,
    needed: u64,
    ok: bool,
}

#[derive(Serialize)]
struct JsonTeams {
    distinct: u64,
    at_least: bool,
    max: u64,
}

#[derive(Serialize)]
struct JsonOutputs {
    clean: Option<String>,
    clean_rows: Option<u64>,
    report: Option<String>,
}

#[derive(Serialize)]
struct JsonIssue<'a> {
    line: Option<u64>,
    field: Option<&'static str>,
    kind: &'static str,
    severity: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicate_of: Option<u64>,
}

/// The issues, serialised one at a time (a large file can have a million).
struct JsonIssues<'a> {
    check: &'a Check<'a>,
    intake: &'a Intake,
    report: &'a Report,
}

/// Issues taken a chunk at a time: while one chunk is written out, the messages of the next are
/// made on another thread (a message is a catalog look-up and a fill, about as costly as writing
/// the JSON around it).
const MESSAGE_CHUNK: usize = 1024;

impl JsonIssues<'_> {
    fn message(&self, issue: &Issue) -> String {
        self.check.issue_message(issue, self.intake)
    }

    fn chunks(&self) -> impl Iterator<Item = &[Issue]> {
        self.report
            .file_issues
            .chunks(MESSAGE_CHUNK)
            .chain(self.report.issues.chunks(MESSAGE_CHUNK))
    }
}

impl Serialize for JsonIssues<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let total = self.report.file_issues.len() + self.report.issues.len();
        let mut seq = s.serialize_seq(Some(total))?;
        let mut write = |chunk: &[Issue], messages: Vec<String>| {
            for (issue, message) in chunk.iter().zip(messages) {
                let (value, problem, duplicate_of) = match &issue.detail {
                    Detail::Value(v) => (Some(&**v), None, None),
                    Detail::Email { value, problem } => {
                        (Some(&**value), Some(problem.as_str()), None)
                    }
                    Detail::DuplicateOf { line } => (None, None, Some(*line)),
                    _ => (None, None, None),
                };
                seq.serialize_element(&JsonIssue {
                    line: (issue.line > 0).then_some(issue.line),
                    field: issue.field.map(Field::key),
                    kind: issue.kind.as_str(),
                    severity: match issue.severity() {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    },
                    message,
                    value,
                    problem,
                    duplicate_of,
                })?;
            }
            Ok(())
        };
        if total <= MESSAGE_CHUNK {
            for chunk in self.chunks() {
                write(chunk, chunk.iter().map(|i| self.message(i)).collect())?;
            }
        } else {
            std::thread::scope(|scope| {
                // One chunk of messages ahead: the writing never waits long, and memory stays
                // at two chunks. If writing fails, the receiver is dropped and the helper stops.
                let (ahead, made) = std::sync::mpsc::sync_channel::<Vec<String>>(1);
                let helper = scope.spawn(move || {
                    for chunk in self.chunks() {
                        let messages = chunk.iter().map(|i| self.message(i)).collect();
                        if ahead.send(messages).is_err() {
                            break;
                        }
                    }
                });
                let mut written = Ok(());
                for chunk in self.chunks() {
                    // Making a message cannot panic; if the helper ever did, the rest are made
                    // here (and its panic is caught by the join below).
                    let messages = made
                        .recv()
                        .unwrap_or_else(|_| chunk.iter().map(|i| self.message(i)).collect());
                    written = write(chunk, messages);
                    if written.is_err() {
                        break;
                    }
                }
                drop(made);
                let _ = helper.join();
                written
            })?;
        }
        seq.end()
    }
}
