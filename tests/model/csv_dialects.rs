//! Steps 2 and 3: delimiters, `sep=`, quotes, line endings, embedded newlines, ragged rows, title
//! rows above the header, and physical line numbers that match what an editor shows.

use crate::csv_support as support;

use msi_setup::domain::csv_intake::{
    self as intake, DelimiterSource, Field, HeaderChoice, HeaderSource, IssueKind, LineEnding,
    Overrides, RowStatus, SniffError,
};
use support::*;

#[test]
fn each_delimiter_is_detected() {
    for delim in [',', ';', '\t', '|'] {
        for eol in ["\n", "\r\n"] {
            let text = users_csv(KO, 20, delim, eol);
            let (intake, mapping, report) = check(text.as_bytes());
            assert_eq!(intake.dialect.delimiter, delim as u8, "{delim:?} {eol:?}");
            assert_eq!(intake.dialect.delimiter_source, DelimiterSource::Sniffed);
            let want = if eol == "\n" {
                LineEnding::Lf
            } else {
                LineEnding::CrLf
            };
            assert_eq!(intake.dialect.line_ending, want);
            assert_eq!(mapping.get(Field::Email).map(|m| m.column), Some(2));
            assert_eq!(report.counts.valid, 20);
        }
    }
}

#[test]
fn semicolons_win_even_with_commas_in_every_name() {
    let rows: Vec<Vec<String>> = (0..10)
        .map(|i| {
            vec![
                format!("Kim, Min{i}"),
                format!("k{i}@example.com"),
                "Sales".into(),
            ]
        })
        .collect();
    let text = csv_text(&["Name", "Email", "Team"], &rows, ';', "\r\n");
    let (intake, _, report) = check(text.as_bytes());
    assert_eq!(intake.dialect.delimiter, b';');
    assert_eq!(report.counts.valid, 10);
}

#[test]
fn excel_sep_line_is_honoured_and_skipped() {
    let text = format!("sep=;\r\n{}", users_csv(LATIN, 5, ';', "\r\n"));
    let (intake, _, report) = check(text.as_bytes());
    assert_eq!(intake.dialect.delimiter, b';');
    assert_eq!(intake.dialect.delimiter_source, DelimiterSource::SepLine);
    assert!(intake.dialect.sep_line);
    assert_eq!(intake.header_row, Some(2));
    assert_eq!(intake.columns[0], "First Name");
    assert_eq!(report.counts.rows, 5);
    assert_eq!(report.rows[0].line, 3);
    // A sep= line that disagrees with the data still wins: it is what Excel would do.
    let text = format!("sep=|\n{}", users_csv(LATIN, 3, '|', "\n"));
    assert_eq!(check(text.as_bytes()).0.dialect.delimiter, b'|');
}

#[test]
fn delimiter_override() {
    let text = users_csv(KO, 5, ';', "\n");
    let ov = Overrides {
        delimiter: Some(b','),
        ..Default::default()
    };
    let intake = intake::sniff_bytes(text.as_bytes(), &ov).unwrap();
    assert_eq!(intake.dialect.delimiter, b',');
    assert_eq!(intake.dialect.delimiter_source, DelimiterSource::Override);
    let bad = Overrides {
        delimiter: Some(b'"'),
        ..Default::default()
    };
    assert_eq!(
        intake::sniff_bytes(text.as_bytes(), &bad),
        Err(SniffError::BadDelimiter('"'))
    );
}

#[test]
fn quoted_cells_with_newlines_and_delimiters_keep_line_numbers_right() {
    let text = "First Name,Last Name,Email,Notes\r\n\
                Kim,Lee,kim@example.com,\"line one\r\nline two, with a comma\"\r\n\
                \r\n\
                Park,\"Choi, Jr.\",park@example.com,\"\"\"quoted\"\"\"\r\n\
                Jung,Han,not-an-address,plain\r\n";
    let (intake, mapping, report) = check(text.as_bytes());
    assert_eq!(mapping.get(Field::LastName).map(|m| m.column), Some(1));
    let lines: Vec<u64> = report.rows.iter().map(|r| u64::from(r.line)).collect();
    assert_eq!(
        lines,
        vec![2, 5, 6],
        "a row starts on its first physical line; blank lines count"
    );
    assert_eq!(report.rows[2].status, RowStatus::Invalid);
    assert_eq!(
        report
            .issues
            .iter()
            .find(|i| i.kind == IssueKind::InvalidEmail)
            .map(|i| i.line),
        Some(6)
    );
    assert_eq!(
        intake.preview[0].cells[3],
        "line one\r\nline two, with a comma"
    );
    assert_eq!(intake.preview[1].cells[1], "Choi, Jr.");
    assert_eq!(intake.preview[1].cells[3], "\"quoted\"");
}

#[test]
fn offsets_point_at_the_row() {
    let text = "Email,Team\n\nkim@example.com,A\r\nlee@example.com,B\n";
    let (_, _, report) = check(text.as_bytes());
    for r in &report.rows {
        let at = &text[r.offset as usize..];
        assert!(at.starts_with("kim@") || at.starts_with("lee@"), "{at:?}");
    }
}

#[test]
fn old_mac_cr_line_endings() {
    let text = users_csv(LATIN, 4, ',', "\r");
    let (intake, _, report) = check(text.as_bytes());
    assert_eq!(intake.dialect.line_ending, LineEnding::Cr);
    assert_eq!(report.counts.valid, 4);
    assert_eq!(
        report.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3, 4, 5]
    );
}

#[test]
fn ragged_rows_are_warnings_with_counts() {
    let text = "Email,First Name,Last Name\n\
                a@example.com,A\n\
                b@example.com,B,Bee,extra\n\
                c@example.com,C,See,,\n\
                d@example.com\n";
    let (_, _, report) = check(text.as_bytes());
    let ragged: Vec<(u64, String)> = report
        .issues
        .iter()
        .filter(|i| i.kind == IssueKind::RaggedRow)
        .map(|i| (i.line, format!("{:?}", i.detail)))
        .collect();
    assert_eq!(ragged.len(), 3, "{ragged:?}");
    assert_eq!(ragged[0].0, 2);
    assert!(ragged[0].1.contains("found: 2, expected: 3"));
    assert_eq!(ragged[1].0, 3);
    assert_eq!(
        ragged[2].0, 5,
        "trailing empty cells (line 4) are not ragged"
    );
    assert_eq!(report.counts.valid, 4, "ragged rows are still invited");
}

#[test]
fn a_row_too_short_for_the_email_column_is_missing_its_address() {
    let text = "First Name,Last Name,Email\nKim,Lee\n";
    let (_, _, report) = check(text.as_bytes());
    assert_eq!(report.counts.invalid, 1);
    assert!(
        report
            .issues
            .iter()
            .any(|i| i.kind == IssueKind::MissingEmail && i.line == 2)
    );
}

#[test]
fn title_rows_and_blank_lines_above_the_header_are_skipped() {
    let text = "Employee directory export\n\
                Generated 2024-05-01 by HR\n\
                \n\
                ,,,\n\
                \u{c774}\u{b984},\u{c131},\u{c774}\u{BA54}\u{C77C},\u{D300}\n\
                민준,김,kim@example.com,영업\n";
    let (intake, mapping, report) = check(text.as_bytes());
    assert_eq!(intake.header_row, Some(5));
    assert_eq!(intake.header_source, HeaderSource::Detected);
    assert_eq!(intake.columns, ["이름", "성", "이메일", "팀"]);
    assert_eq!(mapping.get(Field::Email).map(|m| m.column), Some(2));
    assert_eq!(report.rows[0].line, 6);
}

#[test]
fn header_without_known_names_after_a_title() {
    let text = "Q3 list\nCol A,Col B,Col C\nx,kim@example.com,1\ny,lee@example.com,2\n";
    let intake = intake::sniff_bytes(text.as_bytes(), &Overrides::default()).unwrap();
    assert_eq!(intake.header_row, Some(2));
    // No address header: the column whose values are addresses is used, marked fuzzy.
    let m = intake.suggest_mapping();
    assert_eq!(m.get(Field::Email).map(|x| x.column), Some(1));
}

#[test]
fn headerless_file_of_addresses() {
    let text = "kim@example.com,Kim\nlee@example.com,Lee\n";
    let (intake, mapping, report) = check(text.as_bytes());
    assert_eq!(intake.header_row, None);
    assert_eq!(intake.header_source, HeaderSource::NoneFound);
    assert_eq!(mapping.get(Field::Email).map(|m| m.column), Some(0));
    assert_eq!(report.counts.rows, 2);
    assert_eq!(report.rows[0].line, 1);
}

#[test]
fn header_row_override() {
    let text = "Email,Team\nkim@example.com,A\nlee@example.com,B\n";
    let ov = Overrides {
        header: Some(HeaderChoice::Line(2)),
        ..Default::default()
    };
    let (intake, _, report) = check_with(text.as_bytes(), &ov, &Default::default());
    assert_eq!(intake.header_row, Some(2));
    assert_eq!(intake.header_source, HeaderSource::Override);
    assert_eq!(report.counts.rows, 1);
    let none = Overrides {
        header: Some(HeaderChoice::None),
        ..Default::default()
    };
    let intake = intake::sniff_bytes(text.as_bytes(), &none).unwrap();
    assert_eq!(intake.preview.len(), 3);
    let missing = Overrides {
        header: Some(HeaderChoice::Line(9)),
        ..Default::default()
    };
    assert!(matches!(
        intake::sniff_bytes(text.as_bytes(), &missing),
        Err(SniffError::HeaderNotInSample { line: 9, .. })
    ));
}

#[test]
fn an_unclosed_quote_is_reported_not_swallowed_silently() {
    let mut text = String::from("Email,Name\nkim@example.com,\"Kim\n");
    for i in 0..30 {
        text.push_str(&format!("u{i}@example.com,U{i}\n"));
    }
    let (_, _, report) = check(text.as_bytes());
    assert!(
        report
            .issues
            .iter()
            .any(|i| i.kind == IssueKind::LongRow && i.line == 2),
        "{:?}",
        report.issues
    );
}

#[test]
fn a_row_longer_than_the_cap_is_an_error_not_unbounded_memory() {
    let mut bytes = b"Email,Name\nkim@example.com,\"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', intake::MAX_RECORD_BYTES + 10));
    let intake = intake::sniff_bytes(&bytes, &Overrides::default()).unwrap();
    let mapping = intake.suggest_mapping();
    let err = intake::validate(
        &bytes[..],
        &intake,
        &mapping,
        &Default::default(),
        &mut keep_going,
    )
    .unwrap_err();
    assert!(
        matches!(err, intake::ValidateError::RowTooLong { line: 2 }),
        "{err:?}"
    );
}

#[test]
fn blank_and_whitespace_rows_are_not_counted() {
    let text = "Email\n\nkim@example.com\n   \n\u{3000}\n,\nlee@example.com\n\n";
    let (_, _, report) = check(text.as_bytes());
    assert_eq!(report.counts.rows, 2);
}
