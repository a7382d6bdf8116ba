//! `validate_threaded` (parse on one thread, check on the other) gives exactly what `validate`
//! gives on one thread: the same report (so the same JSON, summary, clean CSV and report file),
//! the same first error, the same progress steps, on files that put duplicates, long rows,
//! decode errors and errors on both sides of the batch boundaries (1 024 rows), and on files
//! large enough for the duplicates to be sorted out on two threads.

use crate::csv_support as support;

use std::ops::ControlFlow;

use msi_setup::domain::csv_intake::{
    self as intake, Options, Overrides, Progress, Report, Sample, ValidateError,
};
use support::*;

/// Rows per batch in the threaded path (a test of the boundaries needs several batches).
const BATCH: usize = 1024;
/// Rows between two progress calls.
const PROGRESS_EVERY: usize = intake::PROGRESS_EVERY as usize;

/// A users file of `rows` rows mixing every kind of row; `seed` varies where they fall.
fn mixed(rows: usize, seed: u64) -> String {
    let mut out = String::from("Email,First Name,Last Name,Team\n");
    let mut x = seed | 1;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let row = match x % 50 {
            // Duplicates of rows far back (often in an earlier batch), in another case.
            0..=3 => format!("User{}@Example.COM,Dup,Row,Sales\n", x as usize % (i + 1)),
            4 => "not-an-address,Bad,Row,Sales\n".to_string(),
            5 => ",No,Address,EMEA\n".to_string(),
            6 => format!("user{i}@example.com,=cmd,Formula,EMEA\n"),
            7 => format!("user{i}@example.com,Ragged\n"),
            8 => format!("\"user{i}@example.com\",\"two\nlines\",\"Q\"\"uote\",APAC\n"),
            9 => "\n\n".to_string(),
            10 => format!(" user{i}@example.com ,Space,Around,Team{}\n", x % 30),
            11 => format!("usér{i}@example.com,Intl,Local,APAC\n"),
            12 => format!("user{i}@example.com,Ctl\u{1},Char,APAC\n"),
            _ => format!("user{i}@example.com,민준,김,Sales\n"),
        };
        out.push_str(&row);
    }
    out
}

fn go(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

fn both(bytes: &[u8], opts: &Options) -> (Report, Report) {
    let sample = Sample::read(bytes).unwrap();
    let i = intake::sniff(&sample, &Overrides::default()).unwrap();
    let m = i.suggest_mapping();
    let one = intake::validate(bytes, &i, &m, opts, &mut go).unwrap();
    let two = intake::validate_threaded(bytes, &i, &m, opts, &mut go).unwrap();
    (one, two)
}

#[test]
fn the_threaded_pass_gives_the_same_report_across_batches() {
    for (rows, seed) in [
        (0, 1),
        (7, 2),
        (BATCH - 1, 3),
        (BATCH, 4),
        (3 * BATCH + 17, 5),
        (12 * BATCH + 17, 6),
        // Over 64 Ki valid addresses: the duplicates are found on two threads.
        (90_000, 7),
    ] {
        let text = mixed(rows, seed);
        let (one, two) = both(text.as_bytes(), &Options::default());
        assert_eq!(one, two, "{rows} rows");
        assert!(one.counts.rows as usize <= rows);
        if rows > BATCH {
            // The file really has what the comparison is about.
            assert!(one.counts.duplicates > 10 && one.counts.invalid > 10);
            let dup_across = one.issues.iter().any(|i| {
                matches!(i.detail, intake::Detail::DuplicateOf { line } if i.line > line + 2 * BATCH as u64)
            });
            assert!(dup_across, "a duplicate of a row several batches back");
        }
        // What the outputs are written from is the report: the same report, the same files.
        let sample = Sample::read(text.as_bytes()).unwrap();
        let i = intake::sniff(&sample, &Overrides::default()).unwrap();
        let m = i.suggest_mapping();
        assert_eq!(
            report_csv(text.as_bytes(), &i, &m, &one),
            report_csv(text.as_bytes(), &i, &m, &two)
        );
    }
}

#[test]
fn the_same_with_invited_addresses_seats_and_a_legacy_encoding() {
    let text = mixed(2 * BATCH + 5, 9);
    let invited: Vec<String> = (0..40).map(|n| format!("USER{n}@example.com")).collect();
    let opts = Options::new(&invited, Some(50));
    let (one, two) = both(text.as_bytes(), &opts);
    assert_eq!(one, two);
    // The same with the two-thread duplicate pass.
    let text = mixed(90_000, 10);
    let opts = Options::new(&invited, Some(50));
    let (one, two) = both(text.as_bytes(), &opts);
    assert_eq!(one, two);
    assert!(!one.seats.ok);
    // CP949: decoded on the parsing thread, offsets in the decoded text.
    let bytes = encode(&text.replace("usér", "user"), encoding_rs::EUC_KR);
    let (one, two) = both(&bytes, &Options::default());
    assert_eq!(one, two);
    assert!(one.counts.rows > BATCH as u64);
}

#[test]
fn the_first_error_and_the_progress_steps_are_the_same() {
    // A quote never closed past the limit, after several batches and progress steps.
    let mut text = mixed(3 * PROGRESS_EVERY + 100, 11);
    text.push_str("a@example.com,\"");
    text.push_str(&"x".repeat(intake::MAX_RECORD_BYTES + 10));
    let bytes = text.as_bytes();
    let sample = Sample::read(bytes).unwrap();
    let i = intake::sniff(&sample, &Overrides::default()).unwrap();
    let m = i.suggest_mapping();
    let opts = Options::default();
    let mut steps = (Vec::new(), Vec::new());
    let one = intake::validate(bytes, &i, &m, &opts, &mut |p| {
        steps.0.push(p.rows);
        ControlFlow::Continue(())
    });
    let two = intake::validate_threaded(bytes, &i, &m, &opts, &mut |p| {
        steps.1.push(p.rows);
        ControlFlow::Continue(())
    });
    match (one, two) {
        (
            Err(ValidateError::RowTooLong { line: a }),
            Err(ValidateError::RowTooLong { line: b }),
        ) => {
            assert_eq!(a, b);
        }
        other => panic!("both must stop at the long row: {other:?}"),
    }
    assert_eq!(steps.0, steps.1);
    assert!(!steps.0.is_empty());
}

#[test]
fn cancelling_the_threaded_pass_stops_it_where_the_callback_says() {
    let text = mixed(6 * PROGRESS_EVERY, 13);
    let bytes = text.as_bytes();
    let sample = Sample::read(bytes).unwrap();
    let i = intake::sniff(&sample, &Overrides::default()).unwrap();
    let m = i.suggest_mapping();
    let mut calls = 0;
    let r = intake::validate_threaded(bytes, &i, &m, &Options::default(), &mut |_| {
        calls += 1;
        if calls == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert!(matches!(r, Err(ValidateError::Cancelled)));
    assert_eq!(calls, 2, "nothing is checked after the cancel");
}
