//! Robustness: no byte input panics anywhere in the engine (10 000 cases per run), the report's
//! invariants hold on generated CSV files of any shape, and on generated files whose truth the
//! generator knows, the report and the outputs agree with a deliberately simple oracle.

use std::ops::ControlFlow;

use encoding_rs::Encoding;
use std::collections::HashSet;

use msi_setup::domain::csv_intake::{
    self as intake, Detail, HeaderChoice, Options, Outputs, Overrides, Progress, Region,
    ReportLabels, ReportOut, RowStatus, Sample,
};
use proptest::prelude::*;

fn go(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Bytes that make CSV and encodings interesting.
const ALPHABET: &[u8] = &[
    b',', b';', b'\t', b'|', b'"', b'"', b'\r', b'\n', b'\n', b'@', b'.', b'a', b'k', b'm', b'=',
    b'+', b'-', b' ', b's', b'e', b'p', b'E', b'1', 0x00, 0x80, 0xA4, 0xB0, 0xC3, 0xA9, 0xE3, 0x81,
    0xFF, 0xFE, 0xEF, 0xBB, 0xBF,
];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..160),
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..200),
        // A plausible header and rows, then noise.
        (proptest::collection::vec(proptest::sample::select(ALPHABET), 0..120)).prop_map(|tail| {
            let mut v = b"Email,Name,Team\nkim@example.com,Kim,A\n".to_vec();
            v.extend(tail);
            v
        }),
    ]
}

fn encodings() -> impl Strategy<Value = Option<&'static Encoding>> {
    proptest::sample::select(vec![
        None,
        None,
        None,
        Some(encoding_rs::UTF_8),
        Some(encoding_rs::UTF_16LE),
        Some(encoding_rs::UTF_16BE),
        Some(encoding_rs::EUC_KR),
        Some(encoding_rs::BIG5),
        Some(encoding_rs::SHIFT_JIS),
        Some(encoding_rs::GB18030),
        Some(encoding_rs::WINDOWS_1252),
        Some(encoding_rs::ISO_2022_JP),
    ])
}

/// `--map` values, good and bad.
const MAPS: &[&str] = &[
    "email=1",
    "email=2",
    "email=Name",
    "first_name=3",
    "team=",
    "email=",
    "x=1",
    "email=99",
    "noequals",
];

fn run_all(bytes: &[u8], ov: &Overrides, maps: &[&str]) {
    let maps: Vec<String> = maps.iter().map(|s| (*s).to_string()).collect();
    let sample = Sample::from_bytes(bytes);
    let Ok(intake) = intake::sniff(&sample, ov) else {
        return;
    };
    let _ = intake.samples(0, 3);
    let mut mapping = intake.suggest_mapping();
    let _ = mapping.apply_overrides(&intake.columns, &maps);
    let opts = Options::new(&["kim@example.com".to_string()], None);
    let Ok(report) = intake::validate(bytes, &intake, &mapping, &opts, &mut go) else {
        return;
    };
    // The counts tally the rows' statuses.
    let tally = |st: RowStatus| report.rows.iter().filter(|r| r.status == st).count() as u64;
    assert_eq!(report.counts.rows, report.rows.len() as u64);
    assert_eq!(report.counts.valid, tally(RowStatus::Ok));
    assert_eq!(report.counts.invalid, tally(RowStatus::Invalid));
    assert_eq!(report.counts.duplicates, tally(RowStatus::Duplicate));
    let mut out = Vec::new();
    let _ = intake::write_clean(bytes, &intake, &mapping, &report, &mut out, &mut go);
    let labels = ReportLabels {
        line: "l",
        email: "e",
        status: "s",
        reason: "r",
    };
    let mut out = Vec::new();
    let _ = intake::write_report(
        bytes,
        &intake,
        &mapping,
        &report,
        &labels,
        &|i| format!("{i:?}"),
        &mut out,
        &mut go,
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    /// Any bytes, any overrides: the engine returns errors, never panics.
    #[test]
    fn no_byte_input_panics(
        bytes in soup(),
        encoding in encodings(),
        delimiter in proptest::option::weighted(0.2, proptest::sample::select(vec![b',', b';', b'\t', b'|', b'"', b'a'])),
        header in proptest::option::weighted(0.2, 0u64..6),
        region in proptest::option::weighted(0.3, proptest::sample::select(vec![Region::Korea, Region::Taiwan, Region::China, Region::Japan])),
        maps in proptest::collection::vec(proptest::sample::select(MAPS), 0..2),
    ) {
        let header = header.map(|h| if h == 0 { HeaderChoice::None } else { HeaderChoice::Line(h) });
        let ov = Overrides { encoding, delimiter, header, region };
        run_all(&bytes, &ov, &maps);
    }
}

/// A cell drawn from values that exercise quoting, whitespace, formulas and addresses.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,6}@(example|corp)\\.(com|kr)",
        "[A-Z][a-z]{0,5}",
        Just(String::new()),
        Just(" kim@example.com ".to_string()),
        Just("KIM@example.com".to_string()),
        Just("a,b".to_string()),
        Just("say \"hi\"".to_string()),
        Just("two\nlines".to_string()),
        Just("=1+1".to_string()),
        Just("민준".to_string()),
        Just("陳".to_string()),
        Just("not-an-address".to_string()),
    ]
}

fn quote(s: &str, d: char) -> String {
    if s.contains(d) || s.contains('"') || s.contains('\n') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever the rows, the report, the clean file and the per-row report agree.
    #[test]
    fn report_and_outputs_agree(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..5), 0..40),
        delim in proptest::sample::select(vec![',', ';', '\t', '|']),
        crlf in any::<bool>(),
        blank_lines in proptest::collection::vec(0usize..40, 0..4),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = ["Email", "First Name", "Last Name", "Team"].join(&delim.to_string());
        text.push_str(eol);
        for (i, r) in rows.iter().enumerate() {
            if blank_lines.contains(&i) {
                text.push_str(eol);
            }
            let line: Vec<String> = r.iter().map(|c| quote(c, delim)).collect();
            text.push_str(&line.join(&delim.to_string()));
            text.push_str(eol);
        }
        let bytes = text.as_bytes();
        let ov = Overrides { delimiter: Some(delim as u8), header: Some(HeaderChoice::Line(1)), ..Default::default() };
        let intake = intake::sniff_bytes(bytes, &ov).unwrap();
        let mapping = intake.suggest_mapping();
        prop_assert_eq!(mapping.get(intake::Field::Email).map(|m| m.column), Some(0));
        let report = intake::validate(bytes, &intake, &mapping, &Options::default(), &mut go).unwrap();
        let c = report.counts;
        let tally = |st: RowStatus| report.rows.iter().filter(|r| r.status == st).count() as u64;
        prop_assert_eq!(c.valid, tally(RowStatus::Ok));
        prop_assert_eq!(c.invalid, tally(RowStatus::Invalid));
        prop_assert_eq!(c.duplicates, tally(RowStatus::Duplicate));
        // Non-blank generated rows are all counted.
        let nonblank = rows.iter().filter(|r| r.iter().any(|c| !c.trim().is_empty())).count() as u64;
        prop_assert_eq!(c.rows, nonblank);
        // Lines strictly increase, and every issue belongs to a row.
        prop_assert!(report.rows.windows(2).all(|w| w[0].line < w[1].line));
        for issue in &report.issues {
            prop_assert!(report.rows.iter().any(|r| u64::from(r.line) == issue.line));
        }
        // Duplicates point at an earlier valid row with the same address.
        for r in report.rows.iter().filter(|r| r.status == RowStatus::Duplicate) {
            let dup = report.issues_at(u64::from(r.line)).iter().find_map(|i| match i.detail {
                intake::Detail::DuplicateOf { line } => Some(line),
                _ => None,
            });
            let first = dup.and_then(|l| report.rows.iter().find(|x| u64::from(x.line) == l));
            prop_assert!(first.is_some_and(|f| f.status == RowStatus::Ok && f.line < r.line));
        }
        // The clean file has the valid rows; the report has every row.
        let mut clean = Vec::new();
        intake::write_clean(bytes, &intake, &mapping, &report, &mut clean, &mut go).unwrap();
        let n = csv::ReaderBuilder::new().from_reader(&clean[..]).records().count() as u64;
        prop_assert_eq!(n, c.valid);
        let labels = ReportLabels { line: "Line", email: "Email", status: "Status", reason: "Reason" };
        let mut rep = Vec::new();
        intake::write_report(bytes, &intake, &mapping, &report, &labels, &|i| i.kind.as_str().into(), &mut rep, &mut go).unwrap();
        let n = csv::ReaderBuilder::new().from_reader(&rep[3..]).records().count() as u64;
        prop_assert_eq!(n, c.rows);
    }
}

// ---- an independent oracle ----------------------------------------------------------------

/// Address cells with their truth: the key an address is unique by (trimmed, any case), or
/// `None` for a cell that is not a usable address.
const ADDRESSES: &[(&str, Option<&str>)] = &[
    ("ana@example.com", Some("ana@example.com")),
    ("ANA@Example.COM", Some("ana@example.com")),
    ("  ana@example.com ", Some("ana@example.com")),
    ("bo.kim@corp.kr", Some("bo.kim@corp.kr")),
    ("Bo.Kim@Corp.kr", Some("bo.kim@corp.kr")),
    ("dee+tag@example.com", Some("dee+tag@example.com")),
    (
        "minjun_lee@mail.example.co.kr",
        Some("minjun_lee@mail.example.co.kr"),
    ),
    ("not-an-address", None),
    ("a@@example.com", None),
    ("kim@example", None),
    ("two words@example.com", None),
    ("mailto:ana@example.com", None),
    ("", None),
    ("   ", None),
];

/// Other cells: none of them changes a row's status.
const OTHERS: &[&str] = &[
    "Ana",
    "민준",
    "陳",
    "",
    "a,b",
    "say \"hi\"",
    "two\nlines",
    "=1+1",
    " x ",
];

/// One generated row: the address cell (an index into [`ADDRESSES`]) and three other cells.
fn row() -> impl Strategy<Value = (usize, [&'static str; 3])> {
    (
        0..ADDRESSES.len(),
        [
            proptest::sample::select(OTHERS),
            proptest::sample::select(OTHERS),
            proptest::sample::select(OTHERS),
        ],
    )
}

/// What the oracle expects of a data row.
#[derive(Debug, PartialEq)]
struct Expected {
    line: u64,
    status: RowStatus,
    address: String,
    key: Option<&'static str>,
    first_line: Option<u64>,
}

/// The oracle: a row whose cells are all blank is no row; an address that is not usable makes
/// the row invalid; the first row with a key is valid and every later one a duplicate of it.
/// Line numbers count the header, the blank lines and the line breaks inside cells.
fn oracle(rows: &[(usize, [&'static str; 3])], blank_before: &[usize]) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut first: Vec<(&str, u64)> = Vec::new();
    let mut line = 2u64;
    for (i, (a, others)) in rows.iter().enumerate() {
        if blank_before.contains(&i) {
            line += 1;
        }
        let (text, key) = ADDRESSES[*a];
        let breaks = others
            .iter()
            .map(|c| c.matches('\n').count() as u64)
            .sum::<u64>();
        let blank = text.trim().is_empty() && others.iter().all(|c| c.trim().is_empty());
        if !blank {
            let seen = key.and_then(|k| first.iter().find(|(f, _)| *f == k).map(|(_, l)| *l));
            let status = match (key, seen) {
                (None, _) => RowStatus::Invalid,
                (Some(_), Some(_)) => RowStatus::Duplicate,
                (Some(k), None) => {
                    first.push((k, line));
                    RowStatus::Ok
                }
            };
            out.push(Expected {
                line,
                status,
                address: text.trim().to_string(),
                key,
                first_line: seen,
            });
        }
        line += 1 + breaks;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// On rows whose truth the generator knows, every status, line, count, duplicate link and
    /// output row is what the oracle says.
    #[test]
    fn the_report_and_the_outputs_match_a_simple_oracle(
        rows in proptest::collection::vec(row(), 0..40),
        delim in proptest::sample::select(vec![',', ';', '\t', '|']),
        crlf in any::<bool>(),
        blank_before in proptest::collection::vec(0usize..40, 0..4),
        invited in proptest::collection::vec(
            proptest::sample::select(vec!["ANA@example.com", "bo.kim@corp.kr", "nobody@example.com"]),
            0..3,
        ),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let d = delim.to_string();
        let mut text = ["Email", "First Name", "Last Name", "Team"].join(&d);
        text.push_str(eol);
        for (i, (a, others)) in rows.iter().enumerate() {
            if blank_before.contains(&i) {
                text.push_str(eol);
            }
            let mut cells = vec![quote(ADDRESSES[*a].0, delim)];
            cells.extend(others.iter().map(|c| quote(c, delim)));
            text.push_str(&cells.join(&d));
            text.push_str(eol);
        }
        let bytes = text.as_bytes();
        let ov = Overrides { delimiter: Some(delim as u8), header: Some(HeaderChoice::Line(1)), ..Default::default() };
        let intake = intake::sniff_bytes(bytes, &ov).unwrap();
        let mapping = intake.suggest_mapping();
        let invited: Vec<String> = invited.iter().map(|s| (*s).to_string()).collect();
        let report = intake::validate(bytes, &intake, &mapping, &Options::new(&invited, None), &mut go).unwrap();

        let want = oracle(&rows, &blank_before);
        let got: Vec<(u64, RowStatus)> = report.rows.iter().map(|r| (u64::from(r.line), r.status)).collect();
        let expected: Vec<(u64, RowStatus)> = want.iter().map(|e| (e.line, e.status)).collect();
        prop_assert_eq!(got, expected);
        let count = |st: RowStatus| want.iter().filter(|e| e.status == st).count() as u64;
        prop_assert_eq!(report.counts.rows, want.len() as u64);
        prop_assert_eq!(report.counts.valid, count(RowStatus::Ok));
        prop_assert_eq!(report.counts.invalid, count(RowStatus::Invalid));
        prop_assert_eq!(report.counts.duplicates, count(RowStatus::Duplicate));
        // Seats: the valid addresses not invited before.
        let invited_keys: HashSet<String> = invited.iter().map(|s| s.to_lowercase()).collect();
        let new: Vec<&Expected> = want
            .iter()
            .filter(|e| e.status == RowStatus::Ok && !e.key.is_some_and(|k| invited_keys.contains(k)))
            .collect();
        prop_assert_eq!(report.seats.needed, new.len() as u64);
        // Each duplicate names the line of the first row with its address.
        for e in want.iter().filter(|e| e.status == RowStatus::Duplicate) {
            let of = report.issues_at(e.line).iter().find_map(|i| match i.detail {
                Detail::DuplicateOf { line } => Some(line),
                _ => None,
            });
            prop_assert_eq!(of, e.first_line);
        }

        // The outputs, from one pass: the clean file (new addresses only, as the wizard writes
        // it) and the report (every row, with its status word).
        let (mut clean, mut emails, mut rep) = (Vec::new(), Vec::new(), Vec::new());
        let labels = ReportLabels { line: "Line", email: "Email", status: "Status", reason: "Reason" };
        let reason = |i: &intake::Issue| i.kind.as_str().to_string();
        let outputs = Outputs {
            clean: Some(&mut clean),
            leave_out_invited: true,
            emails: Some(&mut emails),
            limit: None,
            left_out: None,
            default_workspace: None,
            report: Some(ReportOut { out: &mut rep, labels, reason: &reason }),
        };
        let written = intake::write_outputs(bytes, &intake, &mapping, &report, outputs, &mut go).unwrap();
        let new_addresses: Vec<String> = new.iter().map(|e| e.address.clone()).collect();
        prop_assert_eq!(&emails, &new_addresses);
        prop_assert_eq!(written.clean_rows, new.len() as u64);
        let clean_col: Vec<String> = csv::Reader::from_reader(&clean[..])
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        prop_assert_eq!(&clean_col, &new_addresses);
        let rows_in_report: Vec<(u64, String)> = csv::Reader::from_reader(&rep[3..])
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].parse().unwrap(), r[2].to_string())
            })
            .collect();
        // The report's word is the grid's class: a valid row with something to say about it
        // (any issue on its line) is a warning.
        let want_report: Vec<(u64, String)> = want
            .iter()
            .map(|e| {
                let word = match e.status {
                    RowStatus::Ok if !report.issues_at(e.line).is_empty() => "warning",
                    s => s.as_str(),
                };
                (e.line, word.to_string())
            })
            .collect();
        prop_assert_eq!(rows_in_report, want_report);
    }
}
