//! Steps 5 and 6: every problem collected with its line, the counts as the JSON contract defines
//! them, seats and teams, progress and cancel, and both output files.

use crate::csv_support as support;

use std::ops::ControlFlow;

use msi_setup::domain::csv_intake::{
    self as intake, Detail, EmailProblem, Field, IssueKind, Options, Overrides, RowClass,
    RowResult, RowStatus, Severity, SpecialUse, ValidateError,
};
use support::*;

const FILE: &str = "First Name,Last Name,Email,Team\n\
Kim,Lee,kim@example.com,Sales\n\
Park,Choi, park@example.com ,Sales\n\
=cmd,Jung,jung@example.com,EMEA\n\
Han,Oh,,EMEA\n\
Yoon,Seo,not an address,EMEA\n\
Kim,Lee,KIM@Example.com,Sales\n\
Ahn,-Bae,ahn@example.com,APAC\n\
Lim,Go,park@example.com,APAC\n";

#[test]
fn counts_follow_the_contract() {
    let (_, _, report) = check(FILE.as_bytes());
    let c = report.counts;
    assert_eq!((c.rows, c.invalid, c.duplicates), (8, 2, 2));
    assert_eq!(c.valid, c.rows - c.invalid - c.duplicates);
    let statuses: Vec<RowStatus> = report.rows.iter().map(|r| r.status).collect();
    use RowStatus::*;
    assert_eq!(
        statuses,
        vec![Ok, Ok, Ok, Invalid, Invalid, Duplicate, Ok, Duplicate]
    );
    assert!(report.has_errors());
}

#[test]
fn every_problem_has_its_line_field_and_particulars() {
    let (_, _, report) = check(FILE.as_bytes());
    let found: Vec<(u64, Option<Field>, IssueKind)> = report
        .issues
        .iter()
        .map(|i| (i.line, i.field, i.kind))
        .collect();
    use Field::*;
    use IssueKind::*;
    assert_eq!(
        found,
        vec![
            (3, Some(Email), Whitespace),
            (4, Some(FirstName), FormulaLike),
            (5, Some(Email), MissingEmail),
            (6, Some(Email), InvalidEmail),
            (7, Some(Email), Duplicate),
            (8, Some(LastName), FormulaLike),
            (9, Some(Email), Duplicate),
        ]
    );
    let dup = report.issues_at(7);
    assert_eq!(
        dup[0].detail,
        Detail::DuplicateOf { line: 2 },
        "case-insensitive"
    );
    assert_eq!(
        report.issues_at(9)[0].detail,
        Detail::DuplicateOf { line: 3 },
        "trimmed"
    );
    assert!(matches!(
        &report.issues_at(6)[0].detail,
        Detail::Email {
            problem: EmailProblem::Space,
            ..
        }
    ));
    assert_eq!(report.issues_at(3)[0].severity(), Severity::Warning);
    assert_eq!(report.rows[5].reason, Some(IssueKind::Duplicate));
    assert_eq!(
        report.rows[1].reason,
        Some(IssueKind::Whitespace),
        "warnings are a reason for ok rows"
    );
    assert_eq!(report.rows[0].reason, None);
}

#[test]
fn a_clean_file_has_no_errors() {
    let (_, _, report) = check(users_csv(KO, 30, ',', "\n").as_bytes());
    assert!(!report.has_errors());
    assert!(report.issues.is_empty() && report.file_issues.is_empty());
    assert_eq!(report.seats.needed, 30);
}

#[test]
fn seats_default_override_and_already_invited() {
    let text = users_csv(LATIN, 120, ',', "\n");
    let (_, _, report) = check(text.as_bytes());
    assert_eq!(
        (report.seats.available, report.seats.needed, report.seats.ok),
        (100, 120, false)
    );
    let issue = report
        .file_issues
        .iter()
        .find(|i| i.kind == IssueKind::SeatsExceeded)
        .unwrap();
    assert_eq!(issue.line, 0);
    assert_eq!(issue.severity(), Severity::Error);

    // Two of them are already invited: they need no seat, and 100 - 2 are left.
    let invited = vec!["USER0@example.com".to_string(), "user1@example.com".into()];
    let opts = Options::new(&invited, None);
    let (_, _, report) = check_with(text.as_bytes(), &Overrides::default(), &opts);
    assert_eq!((report.seats.available, report.seats.needed), (98, 118));
    assert_eq!(
        report
            .issues
            .iter()
            .filter(|i| i.kind == IssueKind::AlreadyInvited)
            .count(),
        2
    );
    assert_eq!(
        report.counts.valid, 120,
        "already invited rows are still valid"
    );

    let opts = Options::new(&invited, Some(500));
    let (_, _, report) = check_with(text.as_bytes(), &Overrides::default(), &opts);
    assert!(report.seats.ok);
    assert!(!report.has_errors());
}

#[test]
fn more_than_twenty_teams_is_a_warning() {
    let rows: Vec<Vec<String>> = (0..30)
        .map(|i| vec![format!("u{i}@example.com"), format!("Team {}", i % 25)])
        .collect();
    let text = csv_text(&["Email", "Team"], &rows, ',', "\n");
    let (_, _, report) = check(text.as_bytes());
    assert_eq!(report.teams, (25, false));
    let issue = report
        .file_issues
        .iter()
        .find(|i| i.kind == IssueKind::TooManyTeams)
        .unwrap();
    assert_eq!(
        issue.detail,
        Detail::Limit {
            found: 25,
            limit: 20,
            at_least: false
        }
    );
    assert!(!report.has_errors(), "a warning only");
    // Case and spaces do not make a team distinct.
    let text = "Email,Team\na@example.com,Sales\nb@example.com, sales \nc@example.com,SALES\n";
    assert_eq!(check(text.as_bytes()).2.teams, (1, false));
}

#[test]
fn header_only_file_has_no_rows_error() {
    let (_, _, report) = check(b"Email,First Name\n");
    assert_eq!(report.counts.rows, 0);
    assert!(
        report
            .file_issues
            .iter()
            .any(|i| i.kind == IssueKind::NoRows)
    );
    assert!(report.has_errors());
}

#[test]
fn no_email_mapping_is_an_error() {
    let bytes = b"Name,Phone\nKim,1\n";
    let intake = intake::sniff_bytes(bytes, &Overrides::default()).unwrap();
    let mapping = intake.suggest_mapping();
    assert!(mapping.get(Field::Email).is_none());
    let err = intake::validate(
        &bytes[..],
        &intake,
        &mapping,
        &Options::default(),
        &mut keep_going,
    )
    .unwrap_err();
    assert!(matches!(err, ValidateError::NoEmailColumn));
}

#[test]
fn progress_is_reported_and_cancel_stops() {
    let text = users_csv(KO, 40_000, ',', "\n");
    let bytes = text.as_bytes();
    let intake = intake::sniff_bytes(bytes, &Overrides::default()).unwrap();
    let mapping = intake.suggest_mapping();
    let mut seen = Vec::new();
    let opts = Options {
        seats_available: 1_000_000,
        ..Options::default()
    };
    let report = intake::validate(bytes, &intake, &mapping, &opts, &mut |p| {
        seen.push(p);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(seen.len() >= 4, "{}", seen.len());
    assert!(
        seen.windows(2)
            .all(|w| w[0].bytes_read <= w[1].bytes_read && w[0].rows < w[1].rows)
    );
    assert_eq!(
        seen.last().map(|p| (p.rows, p.bytes_read)),
        Some((40_000, bytes.len() as u64))
    );
    assert_eq!(report.bytes_read, bytes.len() as u64);

    let mut calls = 0;
    let err = intake::validate(bytes, &intake, &mapping, &opts, &mut |_| {
        calls += 1;
        if calls == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap_err();
    assert!(matches!(err, ValidateError::Cancelled));
}

#[test]
fn per_row_results_are_compact() {
    assert!(size_of::<RowResult>() <= 16, "{}", size_of::<RowResult>());
    let (_, _, report) = check(users_csv(KO, 10_000, ',', "\n").as_bytes());
    // A clean file costs the row results only.
    assert!(
        report.heap_bytes() <= 10_000 * 32,
        "{}",
        report.heap_bytes()
    );
}

#[test]
fn clean_file_is_utf8_without_bom_valid_unique_rows_formula_safe() {
    let bytes = FILE.as_bytes();
    let (intake, mapping, report) = check(bytes);
    let clean = clean(bytes, &intake, &mapping, &report);
    assert_eq!(
        clean,
        "Email,First Name,Last Name,Team,Workspace\n\
         kim@example.com,Kim,Lee,Sales,\n\
         park@example.com,Park,Choi,Sales,\n\
         jung@example.com,'=cmd,Jung,EMEA,\n\
         ahn@example.com,Ahn,'-Bae,APAC,\n"
    );
    // Admins open it in a spreadsheet before uploading: no cell starts a formula.
    for line in clean.lines() {
        for cell in line.split(',') {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}

#[test]
fn clean_file_from_cp949_is_utf8() {
    let text = users_csv(KO, 5, ',', "\r\n");
    let bytes = encode(&text, encoding_rs::EUC_KR);
    let ov = Overrides {
        encoding: Some(encoding_rs::EUC_KR),
        ..Default::default()
    };
    let (intake, mapping, report) = check_with(&bytes, &ov, &Options::default());
    let clean = clean(&bytes, &intake, &mapping, &report);
    assert!(clean.starts_with("Email,First Name,"));
    assert!(clean.contains("user4@example.com,똠방,정,"), "{clean}");
}

#[test]
fn report_file_has_bom_every_row_and_neutralised_cells() {
    let text = "Email,First Name\n=HYPERLINK(\"x\")@example.com,Kim\n+1@example.com,Lee\nlee@example.com,=2+2\n";
    let bytes = text.as_bytes();
    let (intake, mapping, report) = check(bytes);
    let csv = report_csv(bytes, &intake, &mapping, &report);
    assert!(csv.starts_with('\u{FEFF}'));
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows[0], ["Line", "Email", "Status", "Reason"]);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][0], "2");
    assert_eq!(rows[1][1], "'=HYPERLINK(\"x\")@example.com");
    assert_eq!(rows[1][2], "invalid");
    assert_eq!(rows[2][1], "'+1@example.com");
    assert_eq!(
        rows[2][2], "invalid",
        "an address a spreadsheet would run is not valid"
    );
    assert_eq!(rows[2][3], "invalid_email");
    // The grid's word: a valid row with something to say is a warning.
    assert_eq!(rows[3][2], "warning");
    assert_eq!(rows[3][3], "formula_like");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
    // The clean file holds no address a spreadsheet would run, and its other cells are
    // neutralised the same way.
    let clean = clean(bytes, &intake, &mapping, &report);
    assert!(!clean.contains("+1@example.com"));
    assert!(clean.contains("lee@example.com,'=2+2"), "{clean}");
}

#[test]
fn outputs_refuse_a_changed_file() {
    let bytes = FILE.as_bytes();
    let (intake, mapping, report) = check(bytes);
    let shorter = &bytes[..bytes.len() - 30];
    let mut out = Vec::new();
    let err = intake::write_clean(
        shorter,
        &intake,
        &mapping,
        &report,
        &mut out,
        &mut keep_going,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            intake::OutputError::Input(ValidateError::Changed { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn each_row_has_one_class_and_typed_reasons() {
    let text = "Email,First Name\n\
                kim@example.com,Kim\n\
                 park@example.com ,Park\n\
                ñoñó@example.com,Ñ\n\
                lee@example.local,Lee\n\
                KIM@example.com,Kim\n\
                han@example．com,Han\n";
    let (_, _, report) = check(text.as_bytes());
    let classes: Vec<RowClass> = report.rows.iter().map(RowResult::class).collect();
    use RowClass::*;
    assert_eq!(
        classes,
        [Ok, Warning, Warning, Invalid, Duplicate, Warning],
        "{:?}",
        report.issues
    );
    assert_eq!(
        classes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        [
            "ok",
            "warning",
            "warning",
            "invalid",
            "duplicate",
            "warning"
        ]
    );
    let c = report.counts;
    assert_eq!(
        (c.rows, c.valid, c.invalid, c.duplicates, c.warnings),
        (6, 4, 1, 1, 3)
    );
    let reasons: Vec<Option<IssueKind>> = report.rows.iter().map(|r| r.reason).collect();
    assert_eq!(
        reasons,
        [
            None,
            Some(IssueKind::Whitespace),
            Some(IssueKind::Smtputf8),
            Some(IssueKind::InvalidEmail),
            Some(IssueKind::Duplicate),
            Some(IssueKind::DomainUnusual),
        ]
    );
    assert_eq!(
        report.issues_at(5)[0].detail,
        Detail::Email {
            value: "lee@example.local".into(),
            problem: EmailProblem::SpecialUse(SpecialUse::Local),
        }
    );
    // A duplicate names the line of the first.
    assert_eq!(
        report.issues_at(6)[0].detail,
        Detail::DuplicateOf { line: 2 }
    );
    // Errors: the special-use row and the duplicate.
    assert_eq!(
        report
            .issues
            .iter()
            .filter(|i| i.severity() == Severity::Error)
            .count(),
        2
    );
}

/// The reference verdicts: `tests/data/email/verdicts.json`, written by `oracle.py` (Python's
/// `email-validator`, `check_deliverability=False`, `strict=True`).
fn oracle() -> Vec<(String, String, bool)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/email/verdicts.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["category"].as_str().unwrap().to_string(),
                r["strict"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Why `csv check` differs from the reference validator on purpose, if it does. Each is a
/// decision of the project, not a gap:
fn deliberate(addr: &str) -> Option<&'static str> {
    let trimmed =
        addr.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}'));
    let domain = addr.rsplit('@').next().unwrap_or_default();
    let local = addr.rsplit_once('@').map_or("", |(l, _)| l);
    if addr.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        Some("a cell a spreadsheet would run as a formula is never an address to invite")
    } else if trimmed != addr {
        Some("spaces around a cell are removed (and reported); the rest is checked")
    } else if domain.to_lowercase().ends_with(".example") {
        Some("`.example` is a special-use name like `.test`, refused as such")
    } else if local.len() > 64 && local.chars().count() <= 64 {
        Some("the 64-limit before the @ counts octets (RFC 5321), not characters")
    } else {
        None
    }
}

#[test]
fn agrees_with_the_reference_validator() {
    let corpus = oracle();
    assert!(corpus.len() >= 400, "{}", corpus.len());
    // Our validator on the address as given.
    let mut unit = Vec::new();
    for (addr, cat, want) in &corpus {
        let got = intake::check_email(addr).is_ok();
        if got != *want {
            unit.push((addr.as_str(), cat.as_str(), *want));
        }
    }
    // As `csv check` sees it: one address per row of a CSV file (with a row number, so a cell
    // that is blank once trimmed still makes a row). Duplicates and warnings count as accepted.
    let rows: Vec<Vec<String>> = corpus
        .iter()
        .enumerate()
        .map(|(i, (a, _, _))| vec![a.clone(), i.to_string()])
        .collect();
    let text = csv_text(&["Email", "Row"], &rows, ',', "\r\n");
    let (_, _, report) = check(text.as_bytes());
    assert_eq!(report.rows.len(), corpus.len());
    let mut pipeline = Vec::new();
    for ((addr, cat, want), row) in corpus.iter().zip(&report.rows) {
        let got = row.status != RowStatus::Invalid;
        if got != *want {
            pipeline.push((addr.as_str(), cat.as_str(), *want));
        }
    }
    let pct = |bad: usize| 100.0 * (corpus.len() - bad) as f64 / corpus.len() as f64;
    eprintln!(
        "agreement with email-validator (strict, no DNS) on {} addresses: {:.1}% as given, \
         {:.1}% through csv check",
        corpus.len(),
        pct(unit.len()),
        pct(pipeline.len()),
    );
    let mut undocumented = Vec::new();
    for (level, list) in [("as given", &unit), ("csv check", &pipeline)] {
        for &(addr, cat, want) in list.iter() {
            let verdict = if want { "accepts" } else { "refuses" };
            match deliberate(addr) {
                Some(why) => {
                    eprintln!("  {level}: {cat}: {addr:?}: the reference {verdict}; {why}")
                }
                None => {
                    undocumented.push(format!("{level}: {cat}: {addr:?}: the reference {verdict}"))
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented disagreements:\n{}",
        undocumented.join("\n")
    );
    assert!(pct(unit.len()) >= 97.0, "{:.1}%", pct(unit.len()));
    // Trimming the cell is the one extra difference of the file path.
    assert!(pct(pipeline.len()) >= 96.0, "{:.1}%", pct(pipeline.len()));
}
