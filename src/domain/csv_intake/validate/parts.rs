//! [`validate_source`]: a large UTF-8 file checked in parts, on two threads, with the report of
//! one pass.
//!
//! The file is cut into parts of about [`PART_BYTES`] at line breaks. Each thread takes the next
//! part not yet taken and checks it on its own, as if a record started there; the calling thread
//! puts the parts together in file order ([`Validator::append`]: lines, offsets and rows shifted,
//! team names counted in order, address keys appended), and duplicates are found once at the end
//! as in a single pass. A thread that gets less of its core simply takes fewer parts.
//!
//! A part is only taken as checked when the part before it stopped exactly at its start: a
//! quoted cell with a line break can run across a cut, and then the record after it starts
//! later. Such a part is checked again, on the calling thread, from where that record really
//! starts. So the report is that of [`validate`], byte for byte, whatever the cuts (tested with
//! cuts every few bytes).

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::super::records::core_reader;
use super::*;

/// A file that can be read from any offset, so that its parts can be read on their own.
pub trait Source: Sync {
    /// A reader from some offset to the end.
    type Reader: Read + Send;
    /// The size in bytes.
    fn size(&self) -> u64;
    /// A reader from byte `offset`.
    ///
    /// # Errors
    /// The file cannot be opened or read there.
    fn open_at(&self, offset: u64) -> io::Result<Self::Reader>;
}

impl<'a> Source for &'a [u8] {
    type Reader = &'a [u8];

    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn open_at(&self, offset: u64) -> io::Result<&'a [u8]> {
        let at = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        Ok(self.get(at..).unwrap_or_default())
    }
}

/// Files at least this large are checked in parts (smaller ones by [`validate_threaded`]).
const PARTS_FROM: u64 = 4 << 20;
/// Bytes in a part, about: some 15 000 rows of a directory export, a few milliseconds of work,
/// so progress and cancel are answered often and the threads end close together.
const PART_BYTES: u64 = 1 << 20;
/// Bytes read at a cut to find the line break it moves to.
const CUT_LOOKAHEAD: usize = 64 * 1024;

/// [`validate_threaded`] for a file that can be read from any offset: a UTF-8 file of at least
/// a few MiB is checked in parts on two threads (see the module); any other file as
/// [`validate_threaded`] does. The same report as [`validate`], byte for byte; progress and
/// cancel on the calling thread.
///
/// # Errors
/// As [`validate`].
pub fn validate_source<S: Source>(
    source: &S,
    intake: &Intake,
    mapping: &Mapping,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Report, ValidateError> {
    if source.size() >= PARTS_FROM && can_cut(intake) {
        in_parts(source, intake, mapping, options, progress, PART_BYTES)
    } else {
        validate_threaded(source.open_at(0)?, intake, mapping, options, progress)
    }
}

/// Whether a part of the file can be read on its own: UTF-8 as is (a decoder's state at a cut
/// is not known), a line break `\n` to cut at, and rows the quote-free reader splits.
fn can_cut(intake: &Intake) -> bool {
    intake.encoding.encoding == encoding_rs::UTF_8
        && intake.dialect.line_ending != super::super::dialect::LineEnding::Cr
        && !matches!(intake.dialect.delimiter, b'"' | b'\r' | b'\n')
}

/// Where the parts start: 0, then for each cut about every `part_bytes`, the first byte after
/// the next `\n` that is not a line break itself (nor a byte-order mark, which `csv_core` would
/// take for one at the start of a record). Increasing, all before the end.
fn part_starts<S: Source>(source: &S, part_bytes: u64) -> io::Result<Vec<u64>> {
    let size = source.size();
    let parts = (size / part_bytes.max(1)).max(1);
    let mut starts = vec![0u64];
    let mut buf = vec![0u8; CUT_LOOKAHEAD];
    for k in 1..parts {
        let at = k * (size / parts);
        if starts.last().is_some_and(|&s| at <= s) {
            continue;
        }
        // A few KiB hold a line break and the start of the next row; a longer row takes more.
        let mut r = source.open_at(at)?;
        let mut got = 0;
        while got < buf.len() {
            let end = (got + 4096).min(buf.len());
            match r.read(buf.get_mut(got..end).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            if next_row(buf.get(..got).unwrap_or_default()).is_some() {
                break;
            }
        }
        let seen = buf.get(..got).unwrap_or_default();
        let Some(cut) = next_row(seen) else {
            continue;
        };
        if seen
            .get(cut..)
            .is_some_and(|rest| rest.starts_with(b"\xEF\xBB\xBF"))
        {
            continue;
        }
        let start = at + cut as u64;
        if start < size && starts.last().is_some_and(|&s| start > s) {
            starts.push(start);
        }
    }
    Ok(starts)
}

/// Where the first row after a `\n` starts in `seen` (past blank lines), if `seen` shows it.
fn next_row(seen: &[u8]) -> Option<usize> {
    let nl = memchr::memchr(b'\n', seen)?;
    let skip = seen
        .get(nl..)?
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')?;
    Some(nl + skip)
}

/// Part `k` checked as if a record started at `starts[k]`.
type Part<'o> = Result<PartRows<'o>, ValidateError>;

/// What checking a part found: its rows (lines and offsets counted from its start), where it
/// stopped (the raw offset and the part's line of the first record at or after the next part's
/// start; `None` at the end of the file), and the raw bytes read to its end.
struct PartRows<'o> {
    rows: Validator<'o, TeamOrder>,
    stopped: Option<(u64, u64)>,
    end: u64,
}

/// What every part is checked with.
struct Checker<'s, 'o, S> {
    source: &'s S,
    intake: &'s Intake,
    maker: PartMaker<'o>,
    /// Cells in the header row.
    width: usize,
    /// `csv_core` readers of parts done, to be reset and used again (building one costs about
    /// as much as splitting 2 000 rows).
    cores: std::sync::Mutex<Vec<csv_core::Reader>>,
    /// Set to stop the other thread (cancelled, failed, or done early).
    stop: AtomicBool,
    /// Passes appended already, empty, with their room: a part reuses one rather than touch
    /// fresh memory (about 1 MiB a part).
    spent: std::sync::Mutex<Vec<Validator<'o, TeamOrder>>>,
}

impl<'o, S: Source> Checker<'_, 'o, S> {
    /// Checks the rows from raw offset `start` up to the first record at or after `limit`.
    fn check(&self, start: u64, limit: Option<u64>) -> Result<PartRows<'o>, ValidateError> {
        let bom = self.intake.encoding.bom_len as u64;
        // Offsets in the walker's stream start after the BOM in the first part.
        let base = if start == 0 { bom } else { start };
        let mut walker = if start == 0 {
            Walker::open(self.source.open_at(0)?, self.intake)?
        } else {
            let core = match self.cores.lock().ok().and_then(|mut c| c.pop()) {
                Some(mut core) => {
                    core.reset();
                    core
                }
                None => core_reader(self.intake.dialect.delimiter),
            };
            Walker::open_mid(self.source.open_at(start)?, self.intake, self.width, core)?
        };
        if let Some(limit) = limit {
            walker.stop_at(limit.saturating_sub(base));
        }
        let size = limit.map_or(self.source.size(), |l| l.saturating_sub(start));
        let reused = self.spent.lock().ok().and_then(|mut spent| spent.pop());
        let mut rows = reused.unwrap_or_else(|| self.maker.part(self.intake, size));
        let mut n: u64 = 0;
        while walker.next()? {
            rows.row(walker.row(), None)?;
            n += 1;
            if n.is_multiple_of(4096) && self.stop.load(Ordering::Relaxed) {
                return Err(ValidateError::Cancelled);
            }
        }
        let done = PartRows {
            rows,
            stopped: walker.stopped().map(|(offset, line)| (base + offset, line)),
            end: start + walker.bytes_read(),
        };
        if let Ok(mut cores) = self.cores.lock() {
            cores.push(walker.into_core());
        }
        Ok(done)
    }
}

/// Checks the file in parts cut about every `part_bytes` (see the module).
fn in_parts<S: Source>(
    source: &S,
    intake: &Intake,
    mapping: &Mapping,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
    part_bytes: u64,
) -> Result<Report, ValidateError> {
    let mut v = Validator::new(intake, mapping, options)?;
    // The header's width, from a walk to the first data row (without one, or without the
    // header, the whole pass says what is wrong).
    // Parts are cut after it, so only the first part has the rows above the header.
    let (width, first_row) = {
        let mut w = Walker::open(source.open_at(0)?, intake)?;
        match w.next() {
            Ok(true) => (w.width, w.row().offset + intake.encoding.bom_len as u64),
            _ => return validate_threaded(source.open_at(0)?, intake, mapping, options, progress),
        }
    };
    let mut starts = part_starts(source, part_bytes)?;
    starts.retain(|&s| s == 0 || s > first_row);
    let starts = &starts;
    let checker = Checker {
        source,
        intake,
        maker: v.part_maker(),
        width,
        cores: std::sync::Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
        spent: std::sync::Mutex::new(Vec::new()),
    };
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Part<'_>)>();
    let take = |k: usize| -> Part<'_> {
        checker.check(
            starts.get(k).copied().unwrap_or(0),
            starts.get(k + 1).copied(),
        )
    };
    let bytes_read = std::thread::scope(|s| {
        let helper = tx.clone();
        let (take, next, checker) = (&take, &next, &checker);
        s.spawn(move || {
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= starts.len() || checker.stop.load(Ordering::Relaxed) {
                    return;
                }
                if helper.send((k, take(k))).is_err() {
                    return;
                }
            }
        });
        drop(tx);
        let mut put_together = || -> Result<u64, ValidateError> {
            let mut ready: BTreeMap<usize, Part<'_>> = BTreeMap::new();
            // The raw offset where the next record starts, and the line before it.
            let (mut at, mut line_base) = (0u64, 0u64);
            let mut k = 0;
            while k < starts.len() {
                while let Ok((j, part)) = rx.try_recv() {
                    ready.insert(j, part);
                }
                let Some(part) = ready.remove(&k) else {
                    // Check a part here, or wait for the other thread's.
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    if j < starts.len() {
                        ready.insert(j, take(j));
                    } else {
                        match rx.recv_timeout(Duration::from_millis(50)) {
                            Ok((j, part)) => {
                                ready.insert(j, part);
                            }
                            Err(mpsc::RecvTimeoutError::Timeout) => {}
                            // The other thread is gone without part `k`: check it here.
                            Err(mpsc::RecvTimeoutError::Disconnected) => {
                                ready.insert(k, take(k));
                            }
                        }
                        let p = Progress {
                            bytes_read: at,
                            rows: v.report.counts.rows,
                        };
                        if progress(p).is_break() {
                            return Err(ValidateError::Cancelled);
                        }
                    }
                    continue;
                };
                let (start, limit) = (starts.get(k).copied(), starts.get(k + 1).copied());
                k += 1;
                // A record that ran across the cut ends this part's rows past where it
                // starts: its rows are those from there (none when past its end).
                if limit.is_some_and(|l| at >= l) {
                    continue;
                }
                let checked = if start == Some(at) {
                    part
                } else {
                    checker.check(at, limit)
                };
                let checked = checked.map_err(|e| match e {
                    ValidateError::RowTooLong { line } => ValidateError::RowTooLong {
                        line: line + line_base,
                    },
                    e => e,
                })?;
                // The first part's offsets are the text's already (after the BOM).
                let offset_base = match at {
                    0 => 0,
                    _ => at.saturating_sub(intake.encoding.bom_len as u64),
                };
                let mut rows = checked.rows;
                v.append(&mut rows, line_base, offset_base)?;
                if let Ok(mut spent) = checker.spent.lock() {
                    spent.push(rows);
                }
                let p = Progress {
                    bytes_read: checked.end,
                    rows: v.report.counts.rows,
                };
                if progress(p).is_break() {
                    return Err(ValidateError::Cancelled);
                }
                match checked.stopped {
                    Some((offset, line)) => {
                        at = offset;
                        line_base += line - 1;
                    }
                    None => return Ok(checked.end),
                }
            }
            Ok(at)
        };
        let done = put_together();
        checker.stop.store(true, Ordering::Relaxed);
        done
    })?;
    Ok(v.finish(bytes_read, intake, true, progress))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::super::tests::mixed;
    use super::*;
    use crate::domain::csv_intake::{Overrides, Sample, sniff};

    fn setup(bytes: &[u8]) -> (Intake, Mapping) {
        let sample = Sample::read(bytes).unwrap();
        let overrides = Overrides {
            encoding: Some(encoding_rs::UTF_8),
            ..Overrides::default()
        };
        let intake = sniff(&sample, &overrides).unwrap();
        let mapping = intake.suggest_mapping();
        (intake, mapping)
    }

    fn one_pass(bytes: &[u8], intake: &Intake, mapping: &Mapping, options: &Options) -> Report {
        validate(bytes, intake, mapping, options, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap()
    }

    fn parts(
        bytes: &[u8],
        intake: &Intake,
        mapping: &Mapping,
        options: &Options,
        part_bytes: u64,
    ) -> Report {
        let go = &mut |_| ControlFlow::Continue(());
        in_parts(&bytes, intake, mapping, options, go, part_bytes).unwrap()
    }

    /// Whatever the cuts, even every few bytes (inside quoted cells with line breaks, between
    /// a `\r` and its `\n`, in blank lines), the parts give the report of one pass.
    #[test]
    fn parts_give_the_report_of_one_pass() {
        let body = mixed(1500);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&body);
        // An unclosed quote near the end swallows the rest of the file into one record.
        let mut unclosed = body.clone();
        unclosed.extend_from_slice(b"\"open@example.com,Never,Closed,APAC,W\r\n");
        unclosed.extend_from_slice(&mixed(40));
        let options = Options::new(&["INVITED1@example.com".to_string()], Some(50));
        for bytes in [&body, &with_bom, &unclosed] {
            let (intake, mapping) = setup(bytes);
            let one = one_pass(bytes, &intake, &mapping, &options);
            assert!(one.counts.duplicates > 0 && one.counts.invalid > 0);
            for part_bytes in [7, 61, 97, 500, 4096, 1 << 20] {
                let cut = parts(bytes, &intake, &mapping, &options, part_bytes);
                assert_eq!(one, cut, "parts of {part_bytes} bytes");
            }
        }
    }

    /// Team names are counted in file order across the parts: the same count, and the same
    /// "more than" past the cap, as one pass.
    #[test]
    fn teams_past_the_cap_count_as_in_one_pass() {
        let mut text = String::from("Email,Team\n");
        for i in 0..(TEAM_COUNT_CAP + 700) {
            // Distinct names, each also spelled in capitals further on.
            text.push_str(&format!("u{i}@example.com,Team {i}\n"));
            if i % 3 == 0 {
                text.push_str(&format!("v{i}@example.com,TEAM {}\n", i / 2));
            }
        }
        let bytes = text.as_bytes();
        let (intake, mapping) = setup(bytes);
        let options = Options::new(&[], None);
        let one = one_pass(bytes, &intake, &mapping, &options);
        assert!(one.teams.1, "the file goes past the cap");
        for part_bytes in [1000, 50_000] {
            assert_eq!(one, parts(bytes, &intake, &mapping, &options, part_bytes));
        }
    }

    /// Cancelling from the progress callback stops both threads and says so.
    #[test]
    fn cancel_stops_the_parts() {
        let bytes = mixed(3000);
        let (intake, mapping) = setup(&bytes);
        let options = Options::default();
        let mut calls = 0;
        let r = in_parts(
            &&bytes[..],
            &intake,
            &mapping,
            &options,
            &mut |_| {
                calls += 1;
                ControlFlow::Break(())
            },
            2000,
        );
        assert!(matches!(r, Err(ValidateError::Cancelled)), "{r:?}");
        assert_eq!(calls, 1);
    }

    /// A small file, or one in another encoding, goes the way of `validate_threaded`, with the
    /// same report.
    #[test]
    fn small_files_take_the_pipeline() {
        let bytes = mixed(200);
        let (intake, mapping) = setup(&bytes);
        let options = Options::default();
        let one = one_pass(&bytes, &intake, &mapping, &options);
        let go = &mut |_| ControlFlow::Continue(());
        let source = validate_source(&&bytes[..], &intake, &mapping, &options, go).unwrap();
        assert_eq!(one, source);
    }
}
