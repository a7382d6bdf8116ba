//! `csv check` against the parse floor and a plain Python script (issue 14):
//! `cargo bench --bench check_floor [-- --rows N --runs K --keep PATH]`.
//!
//! Generates a deterministic users file (default 1 000 000 rows, about 70 MB: 6 columns, Korean
//! and Chinese names, ~1 % invalid and ~1 % duplicate addresses, duplicates spread over the whole
//! file), then times, as separate processes, interleaved round by round so all three see the same
//! machine state:
//!
//! - **floor**: this binary in `--count FILE` mode, a bare `csv` crate `ByteRecord` count on one
//!   thread (`read_byte_record` into one reused record: the crate's fastest plain pass);
//! - **check**: `msi-setup csv check FILE --json > /dev/null` (a fresh `--config-dir`);
//! - **python**: `python3 benches/py_check.py FILE` (csv + regex + set);
//! - **export**: `msi-setup csv check FILE --out … --report …` (the reference for the TUI export).
//!
//! Reports best and median wall time per program, the ratios check/floor and python/check, and
//! (with `/usr/bin/time`) each program's max RSS against the budget "file size + 128 B per row".
//! The goals: check ≤ 2× floor, python ≥ 8× check, RSS within the budget. Wall clock on a shared
//! machine moves by ±30 %: read the ratios of one run, not absolute times across runs.
//! Also prints the load average at the start and the end so a reader knows how busy it was.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const KO_FIRST: &[&str] = &[
    "민준", "서연", "도윤", "하은", "지호", "수아", "예준", "지우", "시우", "하윤",
];
const KO_LAST: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const ZH_FIRST: &[&str] = &[
    "志明", "淑芬", "家豪", "雅婷", "冠宇", "怡君", "承恩", "詩涵", "俊傑", "佳穎",
];
const ZH_LAST: &[&str] = &["陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊"];
const TEAMS: &[&str] = &["Sales", "영업1팀", "業務部", "EMEA", "Inside Sales", "APAC"];

/// Writes a users file of `rows` data rows (the same bytes for the same `rows`).
fn generate(path: &Path, rows: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(b"Email,First Name,Last Name,Team,Workspace,Title\n")
        .unwrap();
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
        let team = TEAMS[r / 512 % TEAMS.len()];
        match r % 100 {
            0 => write!(out, "not-an-address"),
            // A duplicate of an address half the file earlier, in another case.
            1 if i > 10 => write!(out, "User{}@Example.com", i / 2),
            _ => write!(out, "user{i}@example.com"),
        }
        .unwrap();
        writeln!(out, ",{first},{last},{team},Default,Account Executive").unwrap();
    }
    out.flush().unwrap();
}

/// What the TUI's export job does once validation is done: the clean CSV (without the
/// addresses already invited, collecting the addresses written) and the report, in one streamed
/// pass, atomically. Returns its wall time.
struct TuiExport {
    intake: msi_setup::domain::csv_intake::Intake,
    mapping: msi_setup::domain::csv_intake::Mapping,
    report: msi_setup::domain::csv_intake::Report,
    tr: msi_setup::domain::text::Catalog,
}

impl TuiExport {
    fn new(file: &Path) -> Self {
        use msi_setup::domain::csv_intake::{self as intake, Options, Overrides, Sample};
        let sample = Sample::read(std::fs::File::open(file).unwrap()).unwrap();
        let i = intake::sniff(&sample, &Overrides::default()).unwrap();
        let m = i.suggest_mapping();
        let mut opts = Options::new(&[], None);
        opts.size_hint = Some(std::fs::metadata(file).unwrap().len());
        let report = intake::validate_threaded(
            BufReader::new(std::fs::File::open(file).unwrap()),
            &i,
            &m,
            &opts,
            &mut |_| std::ops::ControlFlow::Continue(()),
        )
        .unwrap();
        TuiExport {
            intake: i,
            mapping: m,
            report,
            tr: msi_setup::domain::text::Catalog::load(msi_setup::domain::text::Lang::En).unwrap(),
        }
    }

    fn run(&self, file: &Path, out: &Path, report: &Path) -> Duration {
        use msi_setup::csv_export::{Export, ReportFile, export};
        use msi_setup::domain::csv_intake::{Issue, ReportLabels};
        let t = Instant::now();
        let reason = |i: &Issue| msi_setup::csv_text::issue_message(&self.tr, i, &self.intake);
        let job = Export {
            intake: &self.intake,
            mapping: &self.mapping,
            report: &self.report,
            clean: Some(out),
            leave_out_invited: true,
            collect_emails: true,
            // As the TUI's job: no seat limit here, "Default" where no workspace is mapped.
            limit: None,
            left_out: None,
            default_workspace: Some(msi_setup::wizard::individual::DEFAULT_WORKSPACE),
            report_file: Some(ReportFile {
                path: report,
                labels: ReportLabels {
                    line: self.tr.t("csv.report.line"),
                    email: self.tr.t("csv.report.email"),
                    status: self.tr.t("csv.report.status"),
                    reason: self.tr.t("csv.report.reason"),
                },
                reason: &reason,
            }),
        };
        let source = BufReader::new(std::fs::File::open(file).unwrap());
        let done = export(source, &job, &AtomicBool::new(false), &mut |_| {}).unwrap();
        assert!(done.clean_rows > 0);
        t.elapsed()
    }
}

/// The floor: a bare `csv` count on one thread.
fn count(path: &str) -> u64 {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    while rdr.read_byte_record(&mut rec).unwrap() {
        n += 1;
    }
    n
}

struct Program {
    name: &'static str,
    cmd: Vec<String>,
    times: Vec<Duration>,
    rss_kib: Option<u64>,
}

impl Program {
    fn new(name: &'static str, cmd: &[&str]) -> Self {
        Program {
            name,
            cmd: cmd.iter().map(|s| (*s).to_string()).collect(),
            times: Vec::new(),
            rss_kib: None,
        }
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.cmd[0]);
        c.args(&self.cmd[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    fn run(&mut self) {
        let t = Instant::now();
        let status = self.command().status().unwrap();
        self.times.push(t.elapsed());
        // `csv check` exits 1 when rows are invalid (they are, on purpose); 2 is a failure.
        assert!(
            status.code().is_some_and(|c| c <= 1),
            "{} failed: {status}",
            self.name
        );
    }

    /// Max RSS through `/usr/bin/time -f %M`, when it is there.
    fn measure_rss(&mut self) {
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .args(&self.cmd)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        if let Ok(out) = out {
            let err = String::from_utf8_lossy(&out.stderr);
            self.rss_kib = err.lines().last().and_then(|l| l.trim().parse().ok());
        }
    }

    fn best(&self) -> f64 {
        self.times.iter().min().unwrap().as_secs_f64()
    }

    fn median(&self) -> f64 {
        let mut t: Vec<f64> = self.times.iter().map(Duration::as_secs_f64).collect();
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(file) = arg::<String>(&args, "--count") {
        println!("{}", count(&file));
        return;
    }
    // `cargo bench` passes `--bench`; anything else we do not know is ignored.
    let rows: usize = arg(&args, "--rows").unwrap_or(1_000_000);
    let runs: usize = arg(&args, "--runs").unwrap_or(5).max(1);
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = arg::<String>(&args, "--keep")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("users.csv"));
    generate(&file, rows);
    let size = std::fs::metadata(&file).unwrap().len();
    let config = dir.path().join("config");
    let file_s = file.to_str().unwrap();
    let config_s = config.to_str().unwrap();
    let out_s = dir.path().join("clean.csv");
    let report_s = dir.path().join("report.csv");
    let exe = std::env::current_exe().unwrap();
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/py_check.py");
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    let check_args = ["csv", "check", file_s, "--json", "--config-dir", config_s];
    let mut programs = vec![
        Program::new("floor", &[exe.to_str().unwrap(), "--count", file_s]),
        Program::new("check", &[&[bin][..], &check_args[..]].concat()),
        Program::new("python", &["python3", py.to_str().unwrap(), file_s]),
        Program::new(
            "export",
            &[
                bin,
                "csv",
                "check",
                file_s,
                "--config-dir",
                config_s,
                "--out",
                out_s.to_str().unwrap(),
                "--report",
                report_s.to_str().unwrap(),
            ],
        ),
    ];
    let tui = TuiExport::new(&file);
    let (tui_out, tui_report) = (
        dir.path().join("tui-clean.csv"),
        dir.path().join("tui-report.csv"),
    );
    let mut tui_times = Vec::new();
    let load_before = loadavg();
    // One warm-up round puts the file in the page cache for everyone.
    for p in &mut programs {
        p.run();
        p.times.clear();
    }
    tui.run(&file, &tui_out, &tui_report);
    for _ in 0..runs {
        for p in &mut programs {
            p.run();
        }
        tui_times.push(tui.run(&file, &tui_out, &tui_report));
    }
    for p in &mut programs {
        p.measure_rss();
    }
    let load_after = loadavg();
    println!(
        "check_floor: {rows} rows, {:.1} MB, {runs} interleaved runs, {} cores, load average {load_before} -> {load_after}",
        size as f64 / 1e6,
        std::thread::available_parallelism().map_or(0, usize::from),
    );
    println!(
        "{:<8} {:>9} {:>9} {:>10}",
        "program", "best s", "median s", "max RSS MB"
    );
    for p in &programs {
        println!(
            "{:<8} {:>9.3} {:>9.3} {:>10}",
            p.name,
            p.best(),
            p.median(),
            p.rss_kib
                .map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
        );
    }
    let [floor, check, python, export] = &programs[..] else {
        unreachable!()
    };
    let budget = size + 128 * rows as u64;
    println!(
        "check / floor   best {:.2}x  median {:.2}x   (goal <= 2.0)",
        check.best() / floor.best(),
        check.median() / floor.median()
    );
    // Each round runs the floor, then the check, then Python, back to back: their ratios
    // within a round see the same machine, so their median is the steadiest figure here.
    let paired = |a: &Program, b: &Program| {
        let mut r: Vec<f64> = a
            .times
            .iter()
            .zip(&b.times)
            .map(|(x, y)| x.as_secs_f64() / y.as_secs_f64())
            .collect();
        r.sort_by(f64::total_cmp);
        (r[0], r[r.len() / 2], r[r.len() - 1])
    };
    let (lo, mid, hi) = paired(check, floor);
    println!("check / floor   round by round: median {mid:.2}x (from {lo:.2}x to {hi:.2}x)");
    println!(
        "python / check  best {:.2}x  median {:.2}x   (goal >= 8.0)",
        python.best() / check.best(),
        python.median() / check.median()
    );
    let (lo, mid, hi) = paired(python, check);
    println!("python / check  round by round: median {mid:.2}x (from {lo:.2}x to {hi:.2}x)");
    println!(
        "export / check  best {:.2}x  median {:.2}x",
        export.best() / check.best(),
        export.median() / check.median()
    );
    tui_times.sort();
    let (tui_best, tui_median) = (
        tui_times[0].as_secs_f64(),
        tui_times[tui_times.len() / 2].as_secs_f64(),
    );
    println!(
        "tui export (write pass only, in-process) best {tui_best:.3} s median {tui_median:.3} s; / cli export  best {:.2}x  median {:.2}x   (goal <= 1.5)",
        tui_best / export.best(),
        tui_median / export.median()
    );
    if let Some(kib) = check.rss_kib {
        println!(
            "check max RSS {:.1} MB, budget file + 128 B/row = {:.1} MB ({})",
            kib as f64 / 1024.0,
            budget as f64 / 1048576.0,
            if kib * 1024 <= budget {
                "within"
            } else {
                "OVER"
            }
        );
    }
}
