//! Robustness: no byte input panics anywhere in the engine (10 000 cases per run), and the
//! report's invariants hold on generated CSV files of any shape.

use std::ops::ControlFlow;

use encoding_rs::Encoding;
use msi_setup::domain::csv_intake::{
    self as intake, HeaderChoice, Options, Overrides, Progress, Region, ReportLabels, RowStatus,
    Sample,
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
    assert_eq!(
        report.counts.valid,
        report.counts.rows - report.counts.invalid - report.counts.duplicates
    );
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
        prop_assert_eq!(c.valid, c.rows - c.invalid - c.duplicates);
        // Non-blank generated rows are all counted.
        let nonblank = rows.iter().filter(|r| r.iter().any(|c| !c.trim().is_empty())).count() as u64;
        prop_assert_eq!(c.rows, nonblank);
        // Lines strictly increase, and every issue belongs to a row.
        prop_assert!(report.rows.windows(2).all(|w| w[0].line < w[1].line));
        for issue in &report.issues {
            prop_assert!(report.rows.iter().any(|r| r.line == issue.line));
        }
        // Duplicates point at an earlier valid row with the same address.
        for r in report.rows.iter().filter(|r| r.status == RowStatus::Duplicate) {
            let dup = report.issues_at(r.line).iter().find_map(|i| match i.detail {
                intake::Detail::DuplicateOf { line } => Some(line),
                _ => None,
            });
            let first = dup.and_then(|l| report.rows.iter().find(|x| x.line == l));
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
