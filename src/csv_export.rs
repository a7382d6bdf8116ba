//! The one way the CSV outputs are written, shared by the TUI's export job and
//! `csv check --out/--report`: one streamed pass over the source ([`write_outputs`]) into temp
//! files next to the targets ([`AtomicFile`]), which are put in place only when the whole pass
//! succeeded. Nothing is buffered but a row; a cancel flag is checked as it goes (every
//! [`PROGRESS_EVERY`](crate::domain::csv_intake) rows, with the progress callback), and a
//! cancelled or failed export leaves no output and no temp file behind.

use std::io::{self, BufWriter, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::domain::csv_intake::{
    Intake, Issue, Mapping, OutputError, Outputs, Progress, Report, ReportLabels, ReportOut, Sink,
    ValidateError, write_outputs,
};
use crate::fsutil::AtomicFile;

/// The per-row report to write.
pub struct ReportFile<'a> {
    /// Where.
    pub path: &'a Path,
    /// Its column headers, in the user's language.
    pub labels: ReportLabels<'a>,
    /// An issue in the user's language.
    pub reason: &'a dyn Fn(&Issue) -> String,
}

/// What to write, from which validation.
pub struct Export<'a> {
    /// How the source is read.
    pub intake: &'a Intake,
    /// Which column feeds which field.
    pub mapping: &'a Mapping,
    /// The validation the outputs follow (a source whose rows differ is refused).
    pub report: &'a Report,
    /// The cleaned invite CSV, if wanted.
    pub clean: Option<&'a Path>,
    /// Leave out of the clean CSV the rows already recorded as invited (the wizard records the
    /// batch from that file; `csv check` keeps them).
    pub leave_out_invited: bool,
    /// Return the addresses written to the clean CSV.
    pub collect_emails: bool,
    /// Write at most this many rows to the clean CSV; the valid rows after them go to
    /// `left_out`.
    pub limit: Option<u64>,
    /// Where the valid rows past `limit` go (written only when there are some).
    pub left_out: Option<&'a Path>,
    /// Written for rows without a workspace.
    pub default_workspace: Option<&'a str>,
    /// The per-row report, if wanted.
    pub report_file: Option<ReportFile<'a>>,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportDone {
    /// Data rows in the clean CSV.
    pub clean_rows: u64,
    /// Data rows in the report.
    pub report_rows: u64,
    /// Data rows in the left-out file (0: it was not written).
    pub left_out_rows: u64,
    /// The addresses in the clean CSV, in order (when asked for).
    pub emails: Vec<String>,
}

/// Why an export stopped; no output was put in place.
#[derive(Debug)]
pub enum ExportError {
    /// Reading the source again failed or found other rows than validation did;
    /// [`ValidateError::Cancelled`] when the cancel flag was set.
    Source(ValidateError),
    /// An output cannot be created, written or put in place.
    Write {
        /// The output.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
}

impl ExportError {
    /// Whether the export stopped because it was cancelled.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        matches!(self, ExportError::Source(ValidateError::Cancelled))
    }
}

fn write_error(path: &Path) -> impl Fn(io::Error) -> ExportError + '_ {
    move |error| ExportError::Write {
        path: path.to_path_buf(),
        error,
    }
}

/// Writes the outputs `job` asks for from `source` (read from its first byte) in one pass.
/// `progress` hears how far the pass got every few thousand rows; setting `cancel` stops it
/// there.
///
/// # Errors
/// See [`ExportError`]; on any error no target was created or changed.
pub fn export<R: Read>(
    source: R,
    job: &Export<'_>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportDone, ExportError> {
    let open = |path: &Path| {
        AtomicFile::create(path)
            .map(AtomicFile::keep_permissions)
            .map_err(write_error(path))
    };
    let mut clean = match job.clean {
        Some(path) => Some((path, open(path)?)),
        None => None,
    };
    let mut report = match &job.report_file {
        Some(r) => Some((r, open(r.path)?)),
        None => None,
    };
    let mut left = match job.left_out {
        Some(path) if job.limit.is_some() => Some((path, open(path)?)),
        _ => None,
    };
    let mut emails = Vec::new();
    let written = {
        let mut clean_w = clean
            .as_mut()
            .map(|(_, f)| BufWriter::with_capacity(256 * 1024, f.file()));
        let mut report_w = report
            .as_mut()
            .map(|(r, f)| (*r, BufWriter::with_capacity(256 * 1024, f.file())));
        let mut left_w = left
            .as_mut()
            .map(|(_, f)| BufWriter::with_capacity(64 * 1024, f.file()));
        let outputs = Outputs {
            clean: clean_w.as_mut().map(|w| w as &mut dyn Write),
            leave_out_invited: job.leave_out_invited,
            emails: job.collect_emails.then_some(&mut emails),
            limit: job.limit,
            left_out: left_w.as_mut().map(|w| w as &mut dyn Write),
            default_workspace: job.default_workspace,
            report: report_w.as_mut().map(|(r, w)| ReportOut {
                out: w as &mut dyn Write,
                labels: r.labels,
                reason: r.reason,
            }),
        };
        let mut tick = |p: Progress| {
            if cancel.load(Ordering::Relaxed) {
                return ControlFlow::Break(());
            }
            progress(p);
            ControlFlow::Continue(())
        };
        let written = write_outputs(
            source,
            job.intake,
            job.mapping,
            job.report,
            outputs,
            &mut tick,
        )
        .map_err(|e| match e {
            OutputError::Input(v) => ExportError::Source(v),
            OutputError::Write { to, error } => ExportError::Write {
                path: match to {
                    Sink::Clean => job.clean,
                    Sink::Report => job.report_file.as_ref().map(|r| r.path),
                    Sink::LeftOut => job.left_out,
                }
                .unwrap_or(Path::new(""))
                .to_path_buf(),
                error,
            },
        })?;
        if let (Some(w), Some(path)) = (&mut clean_w, job.clean) {
            w.flush().map_err(write_error(path))?;
        }
        if let Some((r, w)) = &mut report_w {
            w.flush().map_err(write_error(r.path))?;
        }
        if let (Some(w), Some(path)) = (&mut left_w, job.left_out) {
            w.flush().map_err(write_error(path))?;
        }
        written
    };
    if let Some((path, file)) = clean {
        file.commit().map_err(write_error(path))?;
    }
    if let Some((r, file)) = report {
        file.commit().map_err(write_error(r.path))?;
    }
    // No row left out: no file (a dropped temp file leaves nothing behind).
    if let Some((path, file)) = left
        && written.left_out_rows > 0
    {
        file.commit().map_err(write_error(path))?;
    }
    Ok(ExportDone {
        clean_rows: written.clean_rows,
        report_rows: written.report_rows,
        left_out_rows: written.left_out_rows,
        emails,
    })
}

#[cfg(test)]
mod tests {
    //! The export on real files in a temp dir: both outputs from one pass, and a cancel or a
    //! failure halfway leaves nothing behind.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::fs;

    use super::*;
    use crate::domain::csv_intake::{self as intake, Options, Overrides, sniff_bytes};

    fn big(rows: usize) -> String {
        let mut s = String::from("email,first_name\n");
        for i in 0..rows {
            s.push_str(&format!("user{i}@example.com,Name{i}\n"));
        }
        s
    }

    fn checked(text: &str, invited: &[String]) -> (Intake, Mapping, Report) {
        let i = sniff_bytes(text.as_bytes(), &Overrides::default()).unwrap();
        let m = i.suggest_mapping();
        let r = intake::validate(
            text.as_bytes(),
            &i,
            &m,
            &Options::new(invited, None),
            &mut |_| ControlFlow::Continue(()),
        )
        .unwrap();
        (i, m, r)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    const LABELS: ReportLabels<'static> = ReportLabels {
        line: "Line",
        email: "Email",
        status: "Status",
        reason: "Reason",
    };

    /// A source that sets the cancel flag once `after` bytes were read: the flag is set while
    /// the pass runs, as the TUI's Esc does.
    struct CancelAfter<'a> {
        inner: &'a [u8],
        read: usize,
        after: usize,
        cancel: &'a AtomicBool,
    }

    impl Read for CancelAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n;
            if self.read >= self.after {
                self.cancel.store(true, Ordering::Relaxed);
            }
            Ok(n)
        }
    }

    #[test]
    fn one_pass_writes_both_files_and_leaves_out_the_invited_when_asked() {
        let text = "email,first_name\na@example.com,A\nbad,B\nc@example.com,C\na@example.com,A\n";
        let (i, m, r) = checked(text, &["C@example.com".to_string()]);
        let dir = tempfile::tempdir().unwrap();
        let (clean, rep) = (dir.path().join("clean.csv"), dir.path().join("rep.csv"));
        let reason = |i: &Issue| i.kind.as_str().to_string();
        let mut ticks = 0;
        let job = Export {
            intake: &i,
            mapping: &m,
            report: &r,
            clean: Some(&clean),
            leave_out_invited: true,
            collect_emails: true,
            limit: None,
            left_out: None,
            default_workspace: None,
            report_file: Some(ReportFile {
                path: &rep,
                labels: LABELS,
                reason: &reason,
            }),
        };
        let done = export(text.as_bytes(), &job, &AtomicBool::new(false), &mut |_| {
            ticks += 1;
        })
        .unwrap();
        assert_eq!(done.emails, ["a@example.com"]);
        assert_eq!((done.clean_rows, done.report_rows), (1, 4));
        assert_eq!(
            fs::read_to_string(&clean).unwrap(),
            "Email,First Name,Last Name,Team,Workspace\na@example.com,A,,,\n"
        );
        let report = fs::read_to_string(&rep).unwrap();
        assert_eq!(report.lines().count(), 5, "{report}");
        assert!(
            report.contains("4,c@example.com,warning,already_invited"),
            "{report}"
        );
        assert_eq!(ticks, 0, "fewer rows than a progress step");

        // `csv check` keeps the invited rows, and may ask for the clean file alone.
        let job = Export {
            leave_out_invited: false,
            collect_emails: false,
            limit: None,
            left_out: None,
            default_workspace: None,
            report_file: None,
            ..job
        };
        let done = export(text.as_bytes(), &job, &AtomicBool::new(false), &mut |_| {}).unwrap();
        assert_eq!(done.clean_rows, 2);
        assert!(done.emails.is_empty());
        assert_eq!(names(dir.path()), ["clean.csv", "rep.csv"]);
    }

    #[test]
    fn a_cancel_halfway_stops_the_pass_and_leaves_no_file() {
        let text = big(40_000);
        let (i, m, r) = checked(&text, &[]);
        let dir = tempfile::tempdir().unwrap();
        let (clean, rep) = (dir.path().join("clean.csv"), dir.path().join("rep.csv"));
        fs::write(&rep, "an older report").unwrap();
        let reason = |i: &Issue| i.kind.as_str().to_string();
        let job = Export {
            intake: &i,
            mapping: &m,
            report: &r,
            clean: Some(&clean),
            leave_out_invited: false,
            collect_emails: true,
            limit: None,
            left_out: None,
            default_workspace: None,
            report_file: Some(ReportFile {
                path: &rep,
                labels: LABELS,
                reason: &reason,
            }),
        };
        let cancel = AtomicBool::new(false);
        let source = CancelAfter {
            inner: text.as_bytes(),
            read: 0,
            after: text.len() / 3,
            cancel: &cancel,
        };
        let mut last = Progress::default();
        let err = export(source, &job, &cancel, &mut |p| last = p).unwrap_err();
        assert!(err.is_cancelled(), "{err:?}");
        // It stopped soon after the flag: well before the end of the file.
        assert!(last.rows > 0 && last.rows < 40_000, "{last:?}");
        assert_eq!(names(dir.path()), ["rep.csv"], "no output, no temp file");
        assert_eq!(fs::read_to_string(&rep).unwrap(), "an older report");
    }

    #[test]
    fn a_source_that_changed_or_an_unwritable_output_writes_nothing() {
        let text = "email\na@example.com\nb@example.com\n";
        let (i, m, r) = checked(text, &[]);
        let dir = tempfile::tempdir().unwrap();
        let clean = dir.path().join("clean.csv");
        let job = Export {
            intake: &i,
            mapping: &m,
            report: &r,
            clean: Some(&clean),
            leave_out_invited: false,
            collect_emails: false,
            limit: None,
            left_out: None,
            default_workspace: None,
            report_file: None,
        };
        let changed = "email\na@example.com\nb@example.com\nc@example.com\n";
        let err = export(
            changed.as_bytes(),
            &job,
            &AtomicBool::new(false),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            matches!(err, ExportError::Source(ValidateError::Changed { .. })),
            "{err:?}"
        );
        assert!(names(dir.path()).is_empty());

        let nowhere = dir.path().join("missing").join("clean.csv");
        let reason = |i: &Issue| i.kind.as_str().to_string();
        let job = Export {
            report_file: Some(ReportFile {
                path: &nowhere,
                labels: LABELS,
                reason: &reason,
            }),
            ..job
        };
        let err = export(text.as_bytes(), &job, &AtomicBool::new(false), &mut |_| {}).unwrap_err();
        assert!(
            matches!(&err, ExportError::Write { path, .. } if *path == nowhere),
            "{err:?}"
        );
        assert!(
            names(dir.path()).is_empty(),
            "the clean file is not written alone"
        );
    }
}
