//! The CSV invite flow's file work, run off the UI thread: reading the head of a file,
//! validating every row and writing the two outputs (both with progress at most ten times a
//! second, both cancellable through a flag), decoding the text for the grid, completing paths.
//! Failures come back typed ([`CsvJobError`], with the path); the UI words them.

use std::fs::File;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::Background;
use crate::csv_export::{self, Export, ExportError, ReportFile};
use crate::csv_text;
use crate::domain::csv_intake::{
    self as intake, Intake, Issue, Mapping, Options, Report, ReportLabels, Sample,
};
use crate::domain::text::Catalog;
use crate::wizard::csvflow::{CsvJobError, Exported, FileMeta};
use crate::wizard::{Msg, Shared};

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
pub fn sample(ticket: u64, path: String, tx: &UnboundedSender<Background>) {
    let result = open_file(&path)
        .and_then(|(f, meta)| Sample::read(f).map(|s| (Shared(Arc::new(s)), meta)))
        .map_err(|e| CsvJobError::read(&path, e));
    let _ = tx.send(Background::Msg(Msg::CsvSampled { ticket, result }));
}

/// Sends a job's progress at most ten times a second.
struct Ticker<'a> {
    ticket: u64,
    last: Instant,
    tx: &'a UnboundedSender<Background>,
}

impl<'a> Ticker<'a> {
    fn new(ticket: u64, tx: &'a UnboundedSender<Background>) -> Ticker<'a> {
        Ticker {
            ticket,
            last: Instant::now(),
            tx,
        }
    }

    fn tick(&mut self, p: intake::Progress) {
        if self.last.elapsed() >= Duration::from_millis(100) {
            self.last = Instant::now();
            let msg = Msg::CsvProgress {
                ticket: self.ticket,
                bytes: p.bytes_read,
                rows: p.rows,
            };
            let _ = self.tx.send(Background::Msg(msg));
        }
    }
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
    /// Seats left.
    pub seats: u64,
    /// Team names already recorded.
    pub teams_recorded: Vec<String>,
}

/// Validates every row, then decodes the text for the grid. Once `cancel` is set it stops at
/// the next progress step and reports nothing.
pub fn validate(job: ValidateJob, cancel: &AtomicBool, tx: &UnboundedSender<Background>) {
    let ValidateJob {
        ticket,
        path,
        intake: intake_,
        mapping,
        invited,
        seats,
        teams_recorded,
    } = job;
    let run = || -> Result<(Shared<Report>, Shared<str>), CsvJobError> {
        let (f, meta) = open_file(&path).map_err(|e| CsvJobError::read(&path, e))?;
        let mut options = Options::new(&invited, Some(seats));
        options.teams_recorded = teams_recorded.iter().map(|t| t.to_lowercase()).collect();
        options.size_hint = Some(meta.size);
        let mut ticker = Ticker::new(ticket, tx);
        let mut progress = |p: intake::Progress| {
            if cancel.load(Ordering::Relaxed) {
                return ControlFlow::Break(());
            }
            ticker.tick(p);
            ControlFlow::Continue(())
        };
        // On two threads: a large regular file in parts (positioned reads of the one file
        // opened), anything else (a FIFO, a device) streamed from it.
        let regular = f.metadata().is_ok_and(|m| m.is_file());
        let report = if regular {
            let source = crate::fsutil::FileSource::new(f, meta.size);
            intake::validate_source(&source, &intake_, &mapping, &options, &mut progress)
        } else {
            intake::validate_threaded(
                io::BufReader::new(f),
                &intake_,
                &mapping,
                &options,
                &mut progress,
            )
        }
        .map_err(|e| CsvJobError::rows(&path, e))?;
        // The grid shows each row from the decoded text, at the offsets validation recorded.
        let mut bytes = Vec::with_capacity(usize::try_from(meta.size).unwrap_or(0));
        File::open(expand(&path))
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| CsvJobError::read(&path, e))?;
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
    /// At most this many rows in the clean CSV (the seats left); the rest go to `left_out`.
    pub limit: Option<u64>,
    /// Where the valid rows past `limit` go.
    pub left_out: Option<String>,
}

/// Writes the clean CSV (without the addresses already recorded as invited) and the report in
/// one streamed pass ([`csv_export::export`]), with progress; the addresses written come back
/// with the result. Once `cancel` is set it stops at the next progress step, leaves no file and
/// reports nothing.
pub fn export(job: ExportJob, tr: &Catalog, cancel: &AtomicBool, tx: &UnboundedSender<Background>) {
    let ExportJob {
        ticket,
        path,
        out,
        report_path,
        intake: intake_,
        mapping,
        report,
        limit,
        left_out,
    } = job;
    let run = || -> Result<Exported, CsvJobError> {
        let (f, _) = open_file(&path).map_err(|e| CsvJobError::read(&path, e))?;
        let (out_file, report_file) = (expand(&out), expand(&report_path));
        let left_file = left_out.as_deref().map(expand);
        let reason = |i: &Issue| csv_text::issue_message(tr, i, &intake_);
        let job = Export {
            intake: &intake_,
            mapping: &mapping,
            report: &report,
            clean: Some(&out_file),
            leave_out_invited: true,
            collect_emails: true,
            limit,
            left_out: left_file.as_deref(),
            default_workspace: Some(crate::wizard::individual::DEFAULT_WORKSPACE),
            report_file: Some(ReportFile {
                path: &report_file,
                labels: ReportLabels {
                    line: tr.t("csv.report.line"),
                    email: tr.t("csv.report.email"),
                    status: tr.t("csv.report.status"),
                    reason: tr.t("csv.report.reason"),
                },
                reason: &reason,
            }),
        };
        let mut ticker = Ticker::new(ticket, tx);
        let done = csv_export::export(io::BufReader::new(f), &job, cancel, &mut |p| {
            ticker.tick(p);
        })
        .map_err(|e| match e {
            ExportError::Source(v) => CsvJobError::rows(&path, v),
            ExportError::Write { path: p, error } => {
                let shown = if p == Path::new(&out_file) {
                    &out
                } else if left_file.as_deref() == Some(p.as_path()) {
                    left_out.as_deref().unwrap_or(&report_path)
                } else {
                    &report_path
                };
                CsvJobError::write(shown, error)
            }
        })?;
        Ok(Exported {
            clean: out.clone(),
            report: report_path.clone(),
            emails: done.emails,
            left_out: left_out.clone().filter(|_| done.left_out_rows > 0),
            left_out_rows: done.left_out_rows,
        })
    };
    let result = run();
    if !cancel.load(Ordering::Relaxed) {
        let _ = tx.send(Background::Msg(Msg::CsvExported { ticket, result }));
    }
}

/// Reads the addresses of an invite CSV this program wrote (its first column, after the
/// header), to record them once the user says they were sent; answers `Msg::CsvSentRead`.
pub fn read_sent(ticket: u64, path: String, tx: &UnboundedSender<Background>) {
    let run = || -> Result<Vec<String>, CsvJobError> {
        let file = File::open(expand(&path)).map_err(|e| CsvJobError::read(&path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(io::BufReader::new(file));
        let mut emails = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| CsvJobError::read(&path, io::Error::from(e)))?;
            if let Some(e) = record.get(0).map(str::trim).filter(|e| !e.is_empty()) {
                emails.push(e.to_string());
            }
        }
        Ok(emails)
    };
    let _ = tx.send(Background::Msg(Msg::CsvSentRead {
        ticket,
        result: run(),
    }));
}

/// A grid search's inputs.
pub struct SearchJob {
    /// Its ticket.
    pub ticket: u64,
    /// The decoded file.
    pub text: Arc<str>,
    /// Where each row starts.
    pub report: Arc<Report>,
    /// The view's rows (`None`: all).
    pub view: Option<Arc<Vec<u32>>>,
    /// The cursor's position in the view.
    pub from: usize,
    /// What to find.
    pub needle: String,
    /// The file's delimiter.
    pub delimiter: u8,
}

/// Looks for the next row with a cell containing the text, with progress (rows looked at);
/// once `cancel` is set it stops within a few thousand rows and reports nothing.
pub fn search(job: &SearchJob, cancel: &AtomicBool, tx: &UnboundedSender<Background>) {
    let rows = &job.report.rows;
    let n = job.view.as_ref().map_or(rows.len(), |v| v.len());
    let offset = |pos: usize| -> Option<u64> {
        let idx = match &job.view {
            Some(v) => *v.get(pos)? as usize,
            None => pos,
        };
        rows.get(idx).map(|r| r.offset)
    };
    let mut last = Instant::now();
    let mut progress = |looked: usize| {
        if cancel.load(Ordering::Relaxed) {
            return ControlFlow::Break(());
        }
        if last.elapsed() >= Duration::from_millis(100) {
            last = Instant::now();
            let msg = Msg::CsvProgress {
                ticket: job.ticket,
                bytes: 0,
                rows: looked as u64,
            };
            let _ = tx.send(Background::Msg(msg));
        }
        ControlFlow::Continue(())
    };
    let found = match intake::Needle::new(&job.needle) {
        Some(needle) => intake::find_next(
            &job.text,
            job.delimiter,
            n,
            job.from,
            &needle,
            &offset,
            &mut progress,
        ),
        None => Ok(None),
    };
    if let Ok(found) = found
        && !cancel.load(Ordering::Relaxed)
    {
        let msg = Msg::CsvSearched {
            ticket: job.ticket,
            found,
        };
        let _ = tx.send(Background::Msg(msg));
    }
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

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
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

        sample(1, path.clone(), &tx);
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
            seats: 100,
            teams_recorded: Vec::new(),
        };
        validate(job, &cancel, &tx);
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
            limit: None,
            left_out: None,
        };
        export(job, &tr, &cancel, &tx);
        let Msg::CsvExported {
            ticket: 3,
            result: Ok(done),
        } = next(&mut rx)
        else {
            panic!("not exported");
        };
        // The plan said: one new address, the other left out. The file and the batch agree.
        assert_eq!(done.emails, ["seoyeon.lee@example.com"]);
        assert_eq!((done.clean.as_str(), done.report.as_str()), (&*out, &*rep));
        let clean = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            clean,
            "Email,First Name,Last Name,Team,Workspace\nseoyeon.lee@example.com,서연,이,마케팅,Default\n"
        );
        // The report keeps every row, in the user's language.
        let report_text = std::fs::read_to_string(&rep).unwrap();
        assert!(report_text.starts_with('\u{feff}'));
        assert!(report_text.contains(tr.t("csv.report.reason")));
        assert_eq!(report_text.lines().count(), 5, "{report_text}");
        assert!(report_text.contains("minjun.kim@example.com"));
        // Atomic writes leave no temp files behind.
        assert_eq!(names(dir.path()), ["out.csv", "rep.csv", "users.csv"]);
    }

    #[test]
    fn a_cancelled_validation_sends_nothing_and_a_missing_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("users.csv");
        std::fs::write(&src, "email\na@example.com\n").unwrap();
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
            seats: 100,
            teams_recorded: Vec::new(),
        };
        validate(job, &AtomicBool::new(true), &tx);
        assert!(rx.try_recv().is_err(), "a cancelled run reports nothing");

        let gone = dir.path().join("gone.csv").to_string_lossy().into_owned();
        sample(2, gone.clone(), &tx);
        let Msg::CsvSampled {
            ticket: 2,
            result: Err(CsvJobError::Read { path, error }),
        } = next(&mut rx)
        else {
            panic!("a missing file must fail");
        };
        assert_eq!(
            (path.as_str(), error.0.kind()),
            (gone.as_str(), io::ErrorKind::NotFound)
        );
        let folder = dir.path().to_string_lossy().into_owned();
        sample(3, folder, &tx);
        let Msg::CsvSampled { result: Err(e), .. } = next(&mut rx) else {
            panic!("a folder must fail");
        };
        assert_eq!(e.message().key, "csv.tui.err-directory");
    }

    #[test]
    fn an_unwritable_output_is_said_with_the_path_as_typed() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("users.csv");
        let text = "email\na@example.com\n";
        std::fs::write(&src, text).unwrap();
        let i = sniff(&Sample::from_bytes(text.as_bytes()), &Overrides::default()).unwrap();
        let m = i.suggest_mapping();
        let r = intake::validate(text.as_bytes(), &i, &m, &Options::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
        let (tx, mut rx) = unbounded_channel();
        let report_path = dir
            .path()
            .join("no/such/dir/r.csv")
            .to_string_lossy()
            .into_owned();
        let job = ExportJob {
            ticket: 4,
            path: src.to_string_lossy().into_owned(),
            out: dir.path().join("o.csv").to_string_lossy().into_owned(),
            report_path: report_path.clone(),
            intake: i,
            mapping: m,
            report: Arc::new(r),
            limit: None,
            left_out: None,
        };
        let tr = Catalog::load(Lang::En).unwrap();
        export(job, &tr, &AtomicBool::new(false), &tx);
        let Msg::CsvExported {
            result: Err(CsvJobError::Write { path, .. }),
            ..
        } = next(&mut rx)
        else {
            panic!("the report cannot be written");
        };
        assert_eq!(path, report_path);
        assert_eq!(
            names(dir.path()),
            ["users.csv"],
            "the clean file is not written alone"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_fifo_or_a_directory_is_refused_by_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("users.csv");
        let text = "email\na@example.com\n";
        std::fs::write(&src, text).unwrap();
        let fifo = dir.path().join("out.fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let i = sniff(&Sample::from_bytes(text.as_bytes()), &Overrides::default()).unwrap();
        let m = i.suggest_mapping();
        let r = intake::validate(text.as_bytes(), &i, &m, &Options::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
        let r = Arc::new(r);
        let tr = Catalog::load(Lang::En).unwrap();
        for (out, key) in [
            (fifo.clone(), "files.not-regular.fifo"),
            (dir.path().to_path_buf(), "files.not-regular.directory"),
        ] {
            let (tx, mut rx) = unbounded_channel();
            let job = ExportJob {
                ticket: 5,
                path: src.to_string_lossy().into_owned(),
                out: out.to_string_lossy().into_owned(),
                report_path: dir.path().join("r.csv").to_string_lossy().into_owned(),
                intake: i.clone(),
                mapping: m.clone(),
                report: Arc::clone(&r),
                limit: None,
                left_out: None,
            };
            export(job, &tr, &AtomicBool::new(false), &tx);
            let Msg::CsvExported { result: Err(e), .. } = next(&mut rx) else {
                panic!("{} must be refused", out.display());
            };
            assert_eq!(e.message().key, key);
        }
    }

    /// Feeds `text` to a FIFO at `path` from another thread: the first half, then `cancel` is
    /// set (as Esc does while the job runs), then the rest. The job cannot have finished before
    /// the flag is set: the second half was not written yet.
    #[cfg(unix)]
    fn feed_then_cancel(
        path: &Path,
        text: String,
        cancel: Arc<AtomicBool>,
    ) -> std::thread::JoinHandle<()> {
        use std::io::Write;
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let mut w = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            let half = text.len() / 2;
            w.write_all(&text.as_bytes()[..half]).unwrap();
            w.flush().unwrap();
            cancel.store(true, Ordering::Relaxed);
            // The reader may stop at once and close its end: a broken pipe is expected then.
            let _ = w.write_all(&text.as_bytes()[half..]);
        })
    }

    #[cfg(unix)]
    fn many_rows() -> String {
        let mut text = String::from("email,first_name\n");
        for n in 0..40_000 {
            text.push_str(&format!("user{n}@example.com,Name{n}\n"));
        }
        text
    }

    #[cfg(unix)]
    #[test]
    fn esc_during_the_export_stops_the_job_itself_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = many_rows();
        let i = sniff(&Sample::from_bytes(text.as_bytes()), &Overrides::default()).unwrap();
        let m = i.suggest_mapping();
        let r = intake::validate(text.as_bytes(), &i, &m, &Options::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
        let src = dir.path().join("users.csv");
        let cancel = Arc::new(AtomicBool::new(false));
        let feeder = feed_then_cancel(&src, text, Arc::clone(&cancel));
        let (tx, mut rx) = unbounded_channel();
        let job = ExportJob {
            ticket: 7,
            path: src.to_string_lossy().into_owned(),
            out: dir.path().join("o.csv").to_string_lossy().into_owned(),
            report_path: dir.path().join("r.csv").to_string_lossy().into_owned(),
            intake: i,
            mapping: m,
            report: Arc::new(r),
            limit: None,
            left_out: None,
        };
        let tr = Catalog::load(Lang::En).unwrap();
        // The job runs here, on this thread, as on the runtime's blocking pool: nothing aborts
        // it from outside; only the flag can stop it.
        export(job, &tr, &cancel, &tx);
        feeder.join().unwrap();
        while let Ok(m) = rx.try_recv() {
            assert!(
                matches!(m, Background::Msg(Msg::CsvProgress { ticket: 7, .. })),
                "a cancelled export reports nothing"
            );
        }
        assert_eq!(names(dir.path()), ["users.csv"], "no output, no temp file");
    }

    #[cfg(unix)]
    #[test]
    fn esc_during_the_validation_stops_the_job_itself() {
        let dir = tempfile::tempdir().unwrap();
        let text = many_rows();
        let i = sniff(&Sample::from_bytes(text.as_bytes()), &Overrides::default()).unwrap();
        let src = dir.path().join("users.csv");
        let cancel = Arc::new(AtomicBool::new(false));
        let feeder = feed_then_cancel(&src, text, Arc::clone(&cancel));
        let (tx, mut rx) = unbounded_channel();
        let job = ValidateJob {
            ticket: 8,
            path: src.to_string_lossy().into_owned(),
            mapping: i.suggest_mapping(),
            intake: i,
            invited: Vec::new(),
            seats: 100,
            teams_recorded: Vec::new(),
        };
        // Run on its own thread: a job that ignored the flag would finish the pass and then
        // wait forever to read the FIFO again; the test fails after a minute instead.
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let flag = Arc::clone(&cancel);
        std::thread::spawn(move || {
            validate(job, &flag, &tx);
            let _ = done_tx.send(());
        });
        done_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the validation stops once cancelled");
        feeder.join().unwrap();
        while let Ok(m) = rx.try_recv() {
            assert!(
                matches!(m, Background::Msg(Msg::CsvProgress { ticket: 8, .. })),
                "a cancelled validation reports nothing"
            );
        }
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
