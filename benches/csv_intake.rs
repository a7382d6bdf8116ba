//! CSV intake benchmark: `cargo bench --bench csv_intake` (about 20 s).
//!
//! Generates users files of 100 000 and 1 000 000 rows in memory (6 columns, Korean and Chinese
//! names, ~1 % invalid and ~1 % duplicate addresses), then times
//!
//! - a plain `csv` `ByteRecord` count of the same bytes (the floor),
//! - the engine: sample + sniff + mapping + validate (the full `csv check` work minus output),
//! - `write_clean` into a sink,
//!
//! best of 5, and measures the peak memory of `validate` beyond the file's bytes in a child
//! process (peak RSS after resetting it via `/proc/self/clear_refs`, minus RSS before).
//!
//! Goals (issue 3): ≥ 2 M rows/s, ≤ 3× the plain parse, ≤ 128 bytes/row beyond the file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::process::Command;
use std::time::{Duration, Instant};

use msi_setup::domain::csv_intake::{self as intake, Options, Overrides, Progress, Sample};

const KO_FIRST: &[&str] = &[
    "민준", "서연", "도윤", "하은", "지호", "수아", "예준", "지우", "시우", "하윤",
];
const KO_LAST: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const ZH_FIRST: &[&str] = &[
    "志明", "淑芬", "家豪", "雅婷", "冠宇", "怡君", "承恩", "詩涵", "俊傑", "佳穎",
];
const ZH_LAST: &[&str] = &["陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊"];
const TEAMS: &[&str] = &["Sales", "영업1팀", "業務部", "EMEA", "Inside Sales", "APAC"];

fn go(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// A users file of `rows` data rows.
fn generate(rows: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * 80 + 64);
    out.extend_from_slice(b"Email,First Name,Last Name,Team,Workspace,Title\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let r = x as usize;
        let (first, last) = if r.is_multiple_of(2) {
            (KO_FIRST[r / 2 % 10], KO_LAST[r / 32 % 10])
        } else {
            (ZH_FIRST[r / 2 % 10], ZH_LAST[r / 32 % 10])
        };
        let email = match r % 100 {
            0 => "not-an-address".to_string(),
            1 if i > 10 => format!("User{}@Example.com", i / 2),
            _ => format!("user{i}@example.com"),
        };
        let team = TEAMS[r / 512 % TEAMS.len()];
        writeln!(
            out,
            "{email},{first},{last},{team},Default,Account Executive"
        )
        .unwrap();
    }
    out
}

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        last = Some(v);
    }
    (best, last.unwrap())
}

fn plain_count(bytes: &[u8]) -> u64 {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    while rdr.read_byte_record(&mut rec).unwrap() {
        n += 1;
    }
    n
}

fn engine(bytes: &[u8]) -> intake::Report {
    let sample = Sample::read(bytes).unwrap();
    let intake = intake::sniff(&sample, &Overrides::default()).unwrap();
    let mapping = intake.suggest_mapping();
    let opts = Options {
        seats_available: u64::MAX,
        size_hint: Some(bytes.len() as u64),
        ..Options::default()
    };
    intake::validate(bytes, &intake, &mapping, &opts, &mut go).unwrap()
}

fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child: generate, then measure validate's peak memory beyond the file. Prints
/// `rss_before hwm_after report_heap rows file_bytes`.
fn child(rows: usize) {
    let bytes = generate(rows);
    // The sample and the sniff are part of the work; warm the allocator the same way.
    let before = status_kib("VmRSS:").unwrap_or(0);
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let report = engine(&bytes);
    let hwm = status_kib("VmHWM:").unwrap_or(0);
    println!(
        "{before} {hwm} {} {} {} {reset}",
        report.heap_bytes(),
        report.counts.rows,
        bytes.len()
    );
    black_box(&report);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-mem") {
        let rows = args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(100_000);
        child(rows);
        return;
    }
    let mut out = io::stdout().lock();
    writeln!(out, "csv_intake benchmark (release build, best of 5)").unwrap();
    writeln!(
        out,
        "{:>9}  {:>8}  {:>12}  {:>12}  {:>12}  {:>6}  {:>12}  {:>12}  {:>10}",
        "rows",
        "MB",
        "plain rows/s",
        "engine ms",
        "engine rows/s",
        "ratio",
        "clean ms",
        "peak B/row",
        "report B/row"
    )
    .unwrap();
    for rows in [100_000usize, 1_000_000] {
        let bytes = generate(rows);
        // Interleaved so both see the same machine state; best of 5 each.
        let (mut plain, mut eng) = (Duration::MAX, Duration::MAX);
        let mut report = None;
        for _ in 0..5 {
            let t = Instant::now();
            let n = plain_count(black_box(&bytes));
            plain = plain.min(t.elapsed());
            assert_eq!(n, rows as u64 + 1);
            let t = Instant::now();
            let r = engine(black_box(&bytes));
            eng = eng.min(t.elapsed());
            assert_eq!(r.counts.rows, rows as u64);
            report = Some(r);
        }
        let report = report.unwrap();
        let sniffed =
            intake::sniff(&Sample::read(&bytes[..]).unwrap(), &Overrides::default()).unwrap();
        let mapping = sniffed.suggest_mapping();
        let (clean, ()) = best_of(3, || {
            intake::write_clean(&bytes[..], &sniffed, &mapping, &report, io::sink(), &mut go)
                .unwrap();
        });
        // Peak memory in a fresh process.
        let exe = std::env::current_exe().unwrap();
        let child = Command::new(exe)
            .args(["--child-mem", &rows.to_string()])
            .output()
            .unwrap();
        let line = String::from_utf8_lossy(&child.stdout);
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| {
            f.get(i)
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        let (before_kib, hwm_kib, heap) = (num(0), num(1), num(2));
        let peak_per_row = (hwm_kib - before_kib) * 1024.0 / rows as f64;
        let rows_f = rows as f64;
        writeln!(
            out,
            "{:>9}  {:>8.1}  {:>12.0}  {:>12.1}  {:>12.0}  {:>6.2}  {:>12.1}  {:>12.1}  {:>10.1}",
            rows,
            bytes.len() as f64 / 1e6,
            rows_f / plain.as_secs_f64(),
            eng.as_secs_f64() * 1e3,
            rows_f / eng.as_secs_f64(),
            eng.as_secs_f64() / plain.as_secs_f64(),
            clean.as_secs_f64() * 1e3,
            peak_per_row,
            heap / rows_f,
        )
        .unwrap();
        if f.get(5) != Some(&"true") {
            writeln!(
                out,
                "  (could not reset the peak RSS; the figure includes generating the file)"
            )
            .unwrap();
        }
    }
    writeln!(
        out,
        "goals: engine >= 2 000 000 rows/s, ratio <= 3.0, peak <= 128 B/row beyond the file"
    )
    .unwrap();
}
