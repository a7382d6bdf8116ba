//! The CSV invite flow's file work, run off the UI thread: reading the head of a file,
//! validating every row (progress at most ten times a second, cancellable), decoding the text
//! for the grid, writing the two outputs atomically, completing paths.

use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::Background;
use crate::csv_text;
use crate::domain::csv_intake::{
    self as intake, Intake, Mapping, Options, Report, ReportLabels, Sample,
};
use crate::domain::text::Catalog;
use crate::store;
use crate::wizard::Msg;
use crate::wizard::Shared;
use crate::wizard::csvflow::{Exported, FileMeta, without_invited};

/// `~/x` → `$HOME/x`.
#[must_use]
pub fn expand(path: &str) -> PathBuf {
    let p = path.trim();
    if let Some(rest) = p.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(p)
}

fn io_text(tr: &Catalog, path: &str, e: &io::Error) -> String {
    let key = match e.kind() {
        io::ErrorKind::NotFound => "csv.tui.err-not-found",
        io::ErrorKind::PermissionDenied => "csv.tui.err-permission",
        io::ErrorKind::IsADirectory => "csv.tui.err-directory",
        _ => "csv.tui.err-read",
    };
    tr.f(key, &[("path", &csv_text::safe(path)), ("error", e)])
}

fn open_file(path: &str) -> io::Result<(File, FileMeta)> {
    let f = File::open(expand(path))?;
    let meta = f.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    Ok((
        f,
        FileMeta {
            size: meta.len(),
            modified,
        },
    ))
}

/// Reads the head of the file.
pub fn sample(ticket: u64, path: String, tr: &Catalog, tx: &UnboundedSender<Background>) {
    let result = open_file(&path)
        .and_then(|(f, meta)| Sample::read(f).map(|s| (Shared(Arc::new(s)), meta)))
        .map_err(|e| io_text(tr, &path, &e));
    let _ = tx.send(Background::Msg(Msg::CsvSampled { ticket, result }));
}

/// A validation job's inputs.
pub struct ValidateJob {
    /// Its ticket.
    pub ticket: u64,
    /// The file.
    pub path: String,
    /// How to read it.
    pub intake: Intake,
    /// The mapping.
    pub mapping: Mapping,
    /// Addresses already invited.
    pub invited: Vec<String>,
}

/// Validates every row, then decodes the text for the grid.
pub fn validate(
    job: ValidateJob,
    tr: &Catalog,
    cancel: &AtomicBool,
    tx: &UnboundedSender<Background>,
) {
    let ValidateJob {
        ticket,
        path,
        intake: intake_,
        mapping,
        invited,
    } = job;
    let run = || -> Result<(Shared<Report>, Shared<str>), String> {
        let (f, meta) = open_file(&path).map_err(|e| io_text(tr, &path, &e))?;
        let mut options = Options::new(&invited, None);
        options.size_hint = Some(meta.size);
        let mut last = Instant::now();
        let mut progress = |p: intake::Progress| {
            if cancel.load(Ordering::Relaxed) {
                return ControlFlow::Break(());
            }
            if last.elapsed() >= Duration::from_millis(100) {
                last = Instant::now();
                let msg = Msg::CsvProgress {
                    ticket,
                    bytes: p.bytes_read,
                    rows: p.rows,
                };
                let _ = tx.send(Background::Msg(msg));
            }
            ControlFlow::Continue(())
        };
        let report = intake::validate(
            io::BufReader::new(f),
            &intake_,
            &mapping,
            &options,
            &mut progress,
        )
        .map_err(|e| {
            tr.f(
                "csv.tui.err-validate",
                &[("path", &csv_text::safe(&path)), ("error", &e)],
            )
        })?;
        // The grid shows each row from the decoded text, at the offsets validation recorded.
        let mut bytes = Vec::with_capacity(usize::try_from(meta.size).unwrap_or(0));
        File::open(expand(&path))
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| io_text(tr, &path, &e))?;
        let body = bytes.get(intake_.encoding.bom_len..).unwrap_or_default();
        let (text, _) = intake_.encoding.encoding.decode_without_bom_handling(body);
        Ok((Shared(Arc::new(report)), Shared(Arc::from(text.as_ref()))))
    };
    let result = run();
    if !cancel.load(Ordering::Relaxed) {
        let _ = tx.send(Background::Msg(Msg::CsvValidated { ticket, result }));
    }
}

/// An export job's inputs.
pub struct ExportJob {
    /// Its ticket.
    pub ticket: u64,
    /// The source file.
    pub path: String,
    /// The clean CSV to write.
    pub out: String,
    /// The report to write.
    pub report_path: String,
    /// How to read the source.
    pub intake: Intake,
    /// The mapping.
    pub mapping: Mapping,
    /// The validation report.
    pub report: Arc<Report>,
}

/// Writes the clean CSV and the report, atomically; returns the addresses written.
pub fn export(job: ExportJob, tr: &Catalog, tx: &UnboundedSender<Background>) {
    let ExportJob {
        ticket,
        path,
        out,
        report_path,
        intake: intake_,
        mapping,
        report,
    } = job;
    let keep_going = &mut |_: intake::Progress| ControlFlow::Continue(());
    let mut run = || -> Result<Exported, String> {
        let wfail = |p: &str, e: &dyn std::fmt::Display| {
            tr.f(
                "csv.tui.err-write",
                &[("path", &csv_text::safe(p)), ("error", e)],
            )
        };
        let mut clean = Vec::new();
        let (f, _) = open_file(&path).map_err(|e| io_text(tr, &path, &e))?;
        intake::write_clean(
            io::BufReader::new(f),
            &intake_,
            &mapping,
            &without_invited(&report),
            &mut clean,
            keep_going,
        )
        .map_err(|e| wfail(&out, &e))?;
        store::write_atomic(&expand(&out), |w| w.write_all(&clean))
            .map_err(|e: io::Error| wfail(&out, &e))?;
        let labels = ReportLabels {
            line: tr.t("csv.report.line"),
            email: tr.t("csv.report.email"),
            status: tr.t("csv.report.status"),
            reason: tr.t("csv.report.reason"),
        };
        let reason = |i: &intake::Issue| csv_text::issue_message(tr, i, &intake_);
        let (f, _) = open_file(&path).map_err(|e| io_text(tr, &path, &e))?;
        let mut rep = Vec::new();
        intake::write_report(
            io::BufReader::new(f),
            &intake_,
            &mapping,
            &report,
            &labels,
            &reason,
            &mut rep,
            keep_going,
        )
        .map_err(|e| wfail(&report_path, &e))?;
        store::write_atomic(&expand(&report_path), |w| w.write_all(&rep))
            .map_err(|e: io::Error| wfail(&report_path, &e))?;
        let mut rdr = csv::ReaderBuilder::new().from_reader(clean.as_slice());
        let emails = rdr
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| r.get(0).map(str::to_string))
            .collect();
        Ok(Exported {
            clean: out.clone(),
            report: report_path.clone(),
            emails,
        })
    };
    let result = run();
    let _ = tx.send(Background::Msg(Msg::CsvExported { ticket, result }));
}

/// Completions of a partly typed path (directories end in `/`), at most 200.
#[must_use]
pub fn complete(partial: &str) -> Vec<String> {
    let (dir_part, prefix) = match partial.rfind('/') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir =
                e.file_type().is_ok_and(|t| t.is_dir()) || Path::new(&dir.join(&name)).is_dir();
            Some(format!("{dir_part}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

#[cfg(test)]
mod tests {
    //! The real file jobs on a temp dir: what the screens are told is what the files hold.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

    use super::*;
    use crate::domain::csv_intake::{Overrides, sniff};
    use crate::domain::text::Lang;

    const KOREAN: &str = "이름,성,이메일,팀\n\
        민준,김,minjun.kim@example.com,영업\n\
        서연,이,seoyeon.lee@example.com,마케팅\n\
        지호,박,not-an-address,영업\n\
        민준,김,minjun.kim@example.com,영업\n";

    fn next(rx: &mut UnboundedReceiver<Background>) -> Msg {
        loop {
            match rx.try_recv() {
                Ok(Background::Msg(Msg::CsvProgress { .. })) => {}
                Ok(Background::Msg(m)) => return m,
                Ok(Background::SfCredentials(_)) => panic!("unexpected"),
                Err(e) => panic!("no message: {e}"),
            }
        }
    }

    #[test]
    fn sample_validate_export_and_leave_out_the_already_invited() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("users.csv");
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(KOREAN);
        std::fs::write(&src, &bytes).unwrap();
        let path = src.to_string_lossy().into_owned();
        let tr = Catalog::load(Lang::Ko).unwrap();
        let (tx, mut rx) = unbounded_channel();

        sample(1, path.clone(), &tr, &tx);
        let Msg::CsvSampled {
            ticket: 1,
            result: Ok((s, meta)),
        } = next(&mut rx)
        else {
            panic!("no sample");
        };
        assert_eq!(meta.size, bytes.len() as u64);
        assert!(meta.modified.is_some());
        let intake_ = sniff(&s.0, &Overrides::default()).unwrap();
        let mapping = intake_.suggest_mapping();

        let cancel = AtomicBool::new(false);
        let job = ValidateJob {
            ticket: 2,
            path: path.clone(),
            intake: intake_.clone(),
            mapping: mapping.clone(),
            invited: vec!["MINJUN.KIM@example.com".into()],
        };
        validate(job, &tr, &cancel, &tx);
        let Msg::CsvValidated {
            ticket: 2,
            result: Ok((report, text)),
        } = next(&mut rx)
        else {
            panic!("not validated");
        };
        assert_eq!(report.0.counts.valid, 2);
        assert_eq!(report.0.seats.needed, 1);
        assert!(text.0.contains("서연"), "decoded for the grid");

        let out = dir.path().join("out.csv").to_string_lossy().into_owned();
        let rep = dir.path().join("rep.csv").to_string_lossy().into_owned();
        let job = ExportJob {
            ticket: 3,
            path,
            out: out.clone(),
            report_path: rep.clone(),
            intake: intake_,
            mapping,
            report: Arc::clone(&report.0),
        };
        export(job, &tr, &tx);
        let Msg::CsvExported {
            ticket: 3,
            result: Ok(done),
        } = next(&mut rx)
        else {
            panic!("not exported");
        };
        // The plan said: one new address, the other left out. The file and the batch agree.
        assert_eq!(done.emails, ["seoyeon.lee@example.com"]);
        let clean = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            clean,
            "Email,First Name,Last Name,Team,Workspace\nseoyeon.lee@example.com,서연,이,마케팅,\n"
        );
        // The report keeps every row.
        let report_text = std::fs::read_to_string(&rep).unwrap();
        assert!(report_text.starts_with('\u{feff}'));
        assert_eq!(report_text.lines().count(), 5, "{report_text}");
        assert!(report_text.contains("minjun.kim@example.com"));
        // Atomic writes leave no temp files behind.
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["out.csv", "rep.csv", "users.csv"]);
    }

    #[test]
    fn a_cancelled_validation_sends_nothing_and_a_missing_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("users.csv");
        std::fs::write(&src, "email\na@example.com\n").unwrap();
        let tr = Catalog::load(Lang::En).unwrap();
        let (tx, mut rx) = unbounded_channel();
        let i = sniff(
            &Sample::from_bytes(b"email\na@example.com\n"),
            &Overrides::default(),
        )
        .unwrap();
        let job = ValidateJob {
            ticket: 1,
            path: src.to_string_lossy().into_owned(),
            mapping: i.suggest_mapping(),
            intake: i,
            invited: Vec::new(),
        };
        validate(job, &tr, &AtomicBool::new(true), &tx);
        assert!(rx.try_recv().is_err(), "a cancelled run reports nothing");

        let gone = dir.path().join("gone.csv").to_string_lossy().into_owned();
        sample(2, gone.clone(), &tr, &tx);
        let Msg::CsvSampled {
            ticket: 2,
            result: Err(text),
        } = next(&mut rx)
        else {
            panic!("a missing file must fail");
        };
        assert!(
            text.contains("does not exist") && text.contains(&gone),
            "{text}"
        );
        let folder = dir.path().to_string_lossy().into_owned();
        sample(3, folder, &tr, &tx);
        let Msg::CsvSampled {
            result: Err(text), ..
        } = next(&mut rx)
        else {
            panic!("a folder must fail");
        };
        assert!(text.contains("folder"), "{text}");
    }

    #[test]
    fn completion_lists_matching_entries_and_marks_folders() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["users-1.csv", "users-2.csv", "other.csv", ".hidden.csv"] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("users-old")).unwrap();
        let base = format!("{}/", dir.path().display());
        assert_eq!(
            complete(&format!("{base}us")),
            [
                format!("{base}users-1.csv"),
                format!("{base}users-2.csv"),
                format!("{base}users-old/"),
            ]
        );
        assert_eq!(
            complete(&format!("{base}.h")),
            [format!("{base}.hidden.csv")]
        );
        assert!(complete(&format!("{base}nope")).is_empty());
        assert!(complete(&format!("{base}missing-dir/x")).is_empty());
    }
}
