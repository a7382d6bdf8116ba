//! Step 6: the cleaned invite file and the per-row report, written to any `Write` (the shell makes
//! the file writes atomic). Both re-read the source file, so no row is held in memory.

use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::ops::ControlFlow;

use super::Intake;
use super::mapping::{Field, Mapping};
use super::validate::{
    Issue, PROGRESS_EVERY, Progress, Report, RowStatus, ValidateError, Walker, trim,
};

/// Why writing an output stopped.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Re-reading the source failed (or it changed, or the callback cancelled).
    #[error(transparent)]
    Input(#[from] ValidateError),
    /// Writing the output failed.
    #[error("{0}")]
    Output(io::Error),
}

fn out_err(e: csv::Error) -> OutputError {
    OutputError::Output(io::Error::from(e))
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

fn row_check<R: Read>(
    walker: &Walker<R>,
    report: &Report,
    index: usize,
) -> Result<RowStatus, ValidateError> {
    match report.rows.get(index) {
        Some(r) if r.line == walker.line() => Ok(r.status),
        _ => Err(ValidateError::Changed {
            line: walker.line(),
        }),
    }
}

/// Writes the cleaned invite CSV: UTF-8 without BOM, header `Email,First Name,Last Name,Team,
/// Workspace`, the valid unique rows in file order, values trimmed but otherwise raw (no formula
/// escaping: this file is for machines). Unmapped fields are empty.
///
/// # Errors
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

/// Re-reading the source fails or finds different rows, the callback cancels, or writing fails.
pub fn write_clean<R: Read, W: Write>(
    reader: R,
    intake: &Intake,
    mapping: &Mapping,
    report: &Report,
    out: W,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<(), OutputError> {
    let mut walker = Walker::open(reader, intake).map_err(ValidateError::Io)?;
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(Field::ALL.map(Field::clean_header))
        .map_err(out_err)?;
    let cols = Field::ALL.map(|f| mapping.get(f).map(|m| m.column));
    let mut index = 0usize;
    let mut values: [String; 5] = Default::default();
    while walker.next()? {
        if row_check(&walker, report, index)? == RowStatus::Ok {
            for (slot, col) in values.iter_mut().zip(cols) {
                slot.clear();
                if let Some((text, _)) = col.and_then(|c| walker.text(c)) {
                    slot.push_str(trim(&text));
                }
            }
            w.write_record(&values).map_err(out_err)?;
        }
        index += 1;
        tick(&walker, index, progress)?;
    }
    finish(&walker, report, index)?;
    w.flush().map_err(OutputError::Output)?;
    Ok(())
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

/// Writes the per-row report for humans: UTF-8 with a BOM (so Excel reads Korean and Chinese
/// right), one row per data row with its original line, the address, `ok` / `invalid` /
/// `duplicate`, and the reasons rendered by `reason` joined with `; `. Every cell is neutralised
/// against formula injection.
///
/// # Errors
/// Re-reading the source fails or finds different rows, the callback cancels, or writing fails.
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
    let email_col = mapping
        .get(Field::Email)
        .ok_or(ValidateError::NoEmailColumn)?
        .column;
    let mut walker = Walker::open(reader, intake).map_err(ValidateError::Io)?;
    out.write_all("\u{FEFF}".as_bytes())
        .map_err(OutputError::Output)?;
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let header = [labels.line, labels.email, labels.status, labels.reason].map(neutralize);
    w.write_record(header.iter().map(|c| c.as_ref()))
        .map_err(out_err)?;
    let mut index = 0usize;
    let mut reasons = String::new();
    while walker.next()? {
        let status = row_check(&walker, report, index)?;
        let line = walker.line();
        let email = walker
            .text(email_col)
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
        let cells = [line_text.as_str(), &email, status.as_str(), &reasons].map(neutralize);
        w.write_record(cells.iter().map(|c| c.as_ref()))
            .map_err(out_err)?;
        index += 1;
        tick(&walker, index, progress)?;
    }
    finish(&walker, report, index)?;
    w.flush().map_err(OutputError::Output)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
