//! Step 6: the cleaned invite file and the per-row report, written to any `Write` in one
//! streamed pass that re-reads the source (the shell makes the file writes atomic), so no row is
//! held in memory.

use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::ops::ControlFlow;

use super::Intake;
use super::mapping::{Field, Mapping};
use super::validate::{
    Issue, IssueKind, PROGRESS_EVERY, Progress, Report, RowResult, RowStatus, ValidateError,
    Walker, trim,
};

/// Which output a write error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// The cleaned invite CSV.
    Clean,
    /// The per-row report.
    Report,
    /// The valid rows left out for lack of seats.
    LeftOut,
}

/// Why writing the outputs stopped.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Re-reading the source failed (or it changed, or the callback cancelled).
    #[error(transparent)]
    Input(#[from] ValidateError),
    /// Writing an output failed.
    #[error("{error}")]
    Write {
        /// Which output.
        to: Sink,
        /// Why.
        error: io::Error,
    },
}

/// Neutralises a cell for spreadsheets (OWASP / CWE-1236): a cell starting with `=`, `+`, `-`,
/// `@`, TAB, CR or NUL gets a leading `'`, so Excel shows it as text instead of running it.
#[must_use]
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\0') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Column headers of the report, in the user's language.
#[derive(Clone, Copy, Debug)]
pub struct ReportLabels<'a> {
    /// "Line".
    pub line: &'a str,
    /// "Email".
    pub email: &'a str,
    /// "Status".
    pub status: &'a str,
    /// "Reason".
    pub reason: &'a str,
}

/// The per-row report to write: where, its column headers and how an issue reads.
pub struct ReportOut<'a> {
    /// Where it goes.
    pub out: &'a mut dyn Write,
    /// Its column headers.
    pub labels: ReportLabels<'a>,
    /// An issue in the user's language.
    pub reason: &'a dyn Fn(&Issue) -> String,
}

/// What one pass writes; any of them may be absent.
#[derive(Default)]
pub struct Outputs<'a> {
    /// The cleaned invite CSV.
    pub clean: Option<&'a mut dyn Write>,
    /// Leave the rows whose address is already recorded as invited out of the clean CSV (the
    /// wizard: the file and the batch recorded from it hold only new addresses). The engine
    /// keeps such rows valid, so `csv check --out` writes them.
    pub leave_out_invited: bool,
    /// Receives each address written to the clean CSV, in order.
    pub emails: Option<&'a mut Vec<String>>,
    /// Write at most this many rows to the clean CSV (the seats left); the valid rows after
    /// them go to `left_out` (same columns), in file order.
    pub limit: Option<u64>,
    /// Where the valid rows past `limit` go.
    pub left_out: Option<&'a mut dyn Write>,
    /// Written in the clean CSV for a row without a workspace (`Default`).
    pub default_workspace: Option<&'a str>,
    /// The per-row report.
    pub report: Option<ReportOut<'a>>,
}

/// What a pass wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Data rows in the clean CSV.
    pub clean_rows: u64,
    /// Data rows in the report.
    pub report_rows: u64,
    /// Data rows in the left-out file.
    pub left_out_rows: u64,
}

fn row_check<R: Read>(
    walker: &Walker<R>,
    report: &Report,
    index: usize,
) -> Result<RowResult, ValidateError> {
    match report.rows.get(index) {
        Some(r) if u64::from(r.line) == walker.line() => Ok(*r),
        _ => Err(ValidateError::Changed {
            line: walker.line(),
        }),
    }
}

/// Reports progress every [`PROGRESS_EVERY`] rows; a break cancels the pass.
fn tick<R: Read>(
    walker: &Walker<R>,
    index: usize,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<(), OutputError> {
    let rows = index as u64;
    if rows.is_multiple_of(PROGRESS_EVERY)
        && progress(Progress {
            bytes_read: walker.bytes_read(),
            rows,
        })
        .is_break()
    {
        return Err(ValidateError::Cancelled.into());
    }
    Ok(())
}

/// A pass must meet exactly the rows validation saw; otherwise the file changed in between.
fn finish<R: Read>(walker: &Walker<R>, report: &Report, index: usize) -> Result<(), OutputError> {
    if index == report.rows.len() {
        Ok(())
    } else {
        Err(ValidateError::Changed {
            line: walker.line(),
        }
        .into())
    }
}

/// Writes the outputs in one streamed pass over the source (no row is held in memory):
///
/// - the cleaned invite CSV: UTF-8 without BOM, header `Email,First Name,Last Name,Team,
///   Workspace`, the valid unique rows in file order (at most `limit`; the rest to `left_out`,
///   same shape), values trimmed and neutralised against formula injection (admins open it in
///   a spreadsheet before uploading; an address never starts with a trigger, it is invalid);
///   unmapped fields are empty;
/// - the per-row report for humans: UTF-8 with a BOM (so Excel reads Korean and Chinese right),
///   one row per data row with its original line, the address, its class word (`ok` /
///   `warning` / `invalid` / `duplicate`, as the grid and the JSON say),
///   and the reasons rendered by `reason` joined with `; `; every cell is neutralised against
///   formula injection.
///
/// `progress` is called every [`PROGRESS_EVERY`] rows; a break cancels the pass.
///
/// # Errors
/// Re-reading the source fails or finds different rows than `report`, the callback cancels, or
/// writing fails (naming the output).
pub fn write_outputs<R: Read>(
    reader: R,
    intake: &Intake,
    mapping: &Mapping,
    report: &Report,
    outputs: Outputs<'_>,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Written, OutputError> {
    let Outputs {
        clean,
        leave_out_invited,
        mut emails,
        limit,
        left_out,
        default_workspace,
        report: report_out,
    } = outputs;
    let clean_err = |e: csv::Error| OutputError::Write {
        to: Sink::Clean,
        error: io::Error::from(e),
    };
    let report_err = |e: csv::Error| OutputError::Write {
        to: Sink::Report,
        error: io::Error::from(e),
    };
    let email_col = match &report_out {
        Some(_) => Some(
            mapping
                .get(Field::Email)
                .ok_or(ValidateError::NoEmailColumn)?
                .column,
        ),
        None => None,
    };
    let mut walker = Walker::open(reader, intake).map_err(ValidateError::Io)?;

    let mut clean_w = match clean {
        Some(out) => {
            let mut w = csv::WriterBuilder::new().from_writer(out);
            w.write_record(Field::ALL.map(Field::clean_header))
                .map_err(clean_err)?;
            Some(w)
        }
        None => None,
    };
    let left_err = |e: csv::Error| OutputError::Write {
        to: Sink::LeftOut,
        error: io::Error::from(e),
    };
    let mut left_w = match left_out {
        Some(out) => {
            let mut w = csv::WriterBuilder::new().from_writer(out);
            w.write_record(Field::ALL.map(Field::clean_header))
                .map_err(left_err)?;
            Some(w)
        }
        None => None,
    };
    let workspace_at = Field::ALL
        .iter()
        .position(|f| *f == Field::Workspace)
        .unwrap_or(Field::ALL.len() - 1);
    let (mut report_w, reason) = match report_out {
        Some(ReportOut {
            out,
            labels,
            reason,
        }) => {
            out.write_all("\u{FEFF}".as_bytes())
                .map_err(|error| OutputError::Write {
                    to: Sink::Report,
                    error,
                })?;
            let mut w = csv::WriterBuilder::new().from_writer(out);
            let header = [labels.line, labels.email, labels.status, labels.reason].map(neutralize);
            w.write_record(header.iter().map(|c| c.as_ref()))
                .map_err(report_err)?;
            (Some(w), Some(reason))
        }
        None => (None, None),
    };

    // Lines whose address is already recorded as invited, in file order (issues are sorted).
    let mut invited = report
        .issues
        .iter()
        .filter(|i| leave_out_invited && i.kind == IssueKind::AlreadyInvited)
        .map(|i| i.line)
        .peekable();
    let cols = Field::ALL.map(|f| mapping.get(f).map(|m| m.column));
    let mut values: [String; 5] = Default::default();
    let mut reasons = String::new();
    let mut written = Written::default();
    let mut index = 0usize;
    while walker.next()? {
        let row = row_check(&walker, report, index)?;
        let status = row.status;
        let line = walker.line();
        if let Some(w) = &mut clean_w
            && status == RowStatus::Ok
        {
            while invited.next_if(|l| *l < line).is_some() {}
            if invited.next_if_eq(&line).is_none() {
                for (slot, col) in values.iter_mut().zip(cols) {
                    slot.clear();
                    if let Some((text, _)) = col.and_then(|c| walker.text(c)) {
                        slot.push_str(trim(&text));
                    }
                }
                if let Some(d) = default_workspace
                    && values[workspace_at].is_empty()
                {
                    values[workspace_at].push_str(d);
                }
                let cells = values.each_ref().map(|v| neutralize(v));
                if limit.is_none_or(|n| written.clean_rows < n) {
                    w.write_record(cells.iter().map(|c| c.as_ref()))
                        .map_err(clean_err)?;
                    if let Some(list) = emails.as_deref_mut() {
                        list.push(values[0].clone());
                    }
                    written.clean_rows += 1;
                } else if let Some(lw) = &mut left_w {
                    lw.write_record(cells.iter().map(|c| c.as_ref()))
                        .map_err(left_err)?;
                    written.left_out_rows += 1;
                }
            }
        }
        if let (Some(w), Some(reason), Some(col)) = (&mut report_w, reason, email_col) {
            let email = walker
                .text(col)
                .map(|(t, _)| trim(&t).to_string())
                .unwrap_or_default();
            reasons.clear();
            for issue in report.issues_at(line) {
                if !reasons.is_empty() {
                    reasons.push_str("; ");
                }
                reasons.push_str(&reason(issue));
            }
            let line_text = line.to_string();
            // The same word as the grid and the JSON: ok, warning, invalid or duplicate.
            let class = row.class().as_str();
            let cells = [line_text.as_str(), &email, class, &reasons].map(neutralize);
            w.write_record(cells.iter().map(|c| c.as_ref()))
                .map_err(report_err)?;
            written.report_rows += 1;
        }
        index += 1;
        tick(&walker, index, progress)?;
    }
    finish(&walker, report, index)?;
    if let Some(mut w) = clean_w {
        w.flush().map_err(|error| OutputError::Write {
            to: Sink::Clean,
            error,
        })?;
    }
    if let Some(mut w) = left_w {
        w.flush().map_err(|error| OutputError::Write {
            to: Sink::LeftOut,
            error,
        })?;
    }
    if let Some(mut w) = report_w {
        w.flush().map_err(|error| OutputError::Write {
            to: Sink::Report,
            error,
        })?;
    }
    Ok(written)
}

/// [`write_outputs`] with the cleaned invite CSV only (every valid row).
///
/// # Errors
/// As [`write_outputs`].
pub fn write_clean<R: Read, W: Write>(
    reader: R,
    intake: &Intake,
    mapping: &Mapping,
    report: &Report,
    mut out: W,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<(), OutputError> {
    let outputs = Outputs {
        clean: Some(&mut out),
        ..Outputs::default()
    };
    write_outputs(reader, intake, mapping, report, outputs, progress).map(|_| ())
}

/// [`write_outputs`] with the per-row report only.
///
/// # Errors
/// As [`write_outputs`]; also when no column is mapped to e-mail.
#[allow(clippy::too_many_arguments)]
pub fn write_report<R: Read, W: Write>(
    reader: R,
    intake: &Intake,
    mapping: &Mapping,
    report: &Report,
    labels: &ReportLabels<'_>,
    reason: &dyn Fn(&Issue) -> String,
    mut out: W,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<(), OutputError> {
    let outputs = Outputs {
        report: Some(ReportOut {
            out: &mut out,
            labels: *labels,
            reason,
        }),
        ..Outputs::default()
    };
    write_outputs(reader, intake, mapping, report, outputs, progress).map(|_| ())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::domain::csv_intake::{Options, Overrides, sniff_bytes, validate};

    #[test]
    fn progress_comes_every_step_of_rows_and_a_break_stops_the_pass() {
        let rows = PROGRESS_EVERY as usize * 2 + 5;
        let mut text = String::from("email\n");
        for n in 0..rows {
            text.push_str(&format!("u{n}@example.com\n"));
        }
        let bytes = text.as_bytes();
        let i = sniff_bytes(bytes, &Overrides::default()).unwrap();
        let m = i.suggest_mapping();
        let opts = Options {
            seats_available: u64::MAX,
            ..Options::default()
        };
        let r = validate(bytes, &i, &m, &opts, &mut |_| ControlFlow::Continue(())).unwrap();
        let mut seen = Vec::new();
        let mut out = Vec::new();
        let outputs = Outputs {
            clean: Some(&mut out),
            ..Outputs::default()
        };
        let written = write_outputs(bytes, &i, &m, &r, outputs, &mut |p| {
            seen.push(p.rows);
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(seen, [PROGRESS_EVERY, PROGRESS_EVERY * 2]);
        assert_eq!((written.clean_rows, written.report_rows), (rows as u64, 0));

        let mut calls = 0;
        let err = write_outputs(bytes, &i, &m, &r, Outputs::default(), &mut |_| {
            calls += 1;
            ControlFlow::Break(())
        })
        .unwrap_err();
        assert!(matches!(err, OutputError::Input(ValidateError::Cancelled)));
        assert_eq!(calls, 1, "the pass stops at the first break");
    }

    #[test]
    fn neutralises_trigger_characters_only() {
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("+82-10"), "'+82-10");
        assert_eq!(neutralize("-Kim"), "'-Kim");
        assert_eq!(neutralize("@x"), "'@x");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("\rx"), "'\rx");
        assert_eq!(neutralize("Kim"), "Kim");
        assert_eq!(neutralize(""), "");
    }
}
