//! CSV intake results in the user's language: issue messages, field names, certainty and
//! delimiter words. Shared by `csv check` and the wizard's CSV screens, so a reason reads the
//! same in the terminal report, the grid and the report file.

use crate::domain::csv_intake::{Certainty, Confidence, Detail, Field, Intake, Issue, IssueKind};
use crate::domain::text::Catalog;

/// The field's name (`csv.field.*`).
#[must_use]
pub fn field_name(tr: &Catalog, field: Field) -> &str {
    tr.t(match field {
        Field::Email => "csv.field.email",
        Field::FirstName => "csv.field.first_name",
        Field::LastName => "csv.field.last_name",
        Field::Team => "csv.field.team",
        Field::Workspace => "csv.field.workspace",
    })
}

/// How sure a mapping is, as the wizard says it (`manual` is "chosen by you" there).
#[must_use]
pub fn confidence(tr: &Catalog, c: Confidence) -> &str {
    match c {
        Confidence::Manual => tr.t("csv.tui.confidence-manual"),
        other => tr.t(match other {
            Confidence::Exact => "csv.confidence.exact",
            Confidence::Alias => "csv.confidence.alias",
            Confidence::Fuzzy => "csv.confidence.fuzzy",
            _ => "csv.confidence.remembered",
        }),
    }
}

/// `high`, `medium` or `low`, in the user's language.
#[must_use]
pub fn certainty(tr: &Catalog, c: Certainty) -> String {
    tr.t(&format!("csv.certainty.{}", c.as_str())).to_string()
}

/// A delimiter as words: "comma (,)", "tab", ...
#[must_use]
pub fn delimiter_text(tr: &Catalog, d: u8) -> String {
    let key = match d {
        b',' => "csv.delimiter.comma",
        b';' => "csv.delimiter.semicolon",
        b'\t' => "csv.delimiter.tab",
        b'|' => "csv.delimiter.pipe",
        _ => "csv.delimiter.other",
    };
    tr.f(key, &[("char", &safe(&char::from(d).to_string()))])
}

/// Text from a file made safe to show: control characters and bidirectional overrides are
/// escaped instead of reaching the terminal.
#[must_use]
pub fn safe(s: &str) -> String {
    crate::present::escape(s)
}

/// The message of an issue, in the user's language.
#[must_use]
pub fn issue_message(tr: &Catalog, issue: &Issue, intake: &Intake) -> String {
    let field = issue
        .field
        .map(|f| field_name(tr, f).to_string())
        .unwrap_or_default();
    let value = match &issue.detail {
        Detail::Value(v) | Detail::Email { value: v, .. } => safe(v),
        _ => String::new(),
    };
    let enc = intake.encoding.encoding.name();
    match (&issue.kind, &issue.detail) {
        (IssueKind::InvalidEmail, Detail::Email { problem, .. }) => {
            let why = tr
                .t(&format!("csv.email-problem.{}", problem.as_str()))
                .to_string();
            tr.f(
                "csv.issue.invalid_email",
                &[("value", &value), ("problem", &why)],
            )
        }
        (IssueKind::Duplicate, Detail::DuplicateOf { line }) => {
            tr.f("csv.issue.duplicate", &[("first", line)])
        }
        (IssueKind::RaggedRow, Detail::Cells { found, expected }) => tr.f(
            "csv.issue.ragged_row",
            &[("found", found), ("expected", expected)],
        ),
        (IssueKind::LongRow, Detail::Lines { count }) => {
            tr.f("csv.issue.long_row", &[("count", count)])
        }
        (
            IssueKind::TooManyTeams,
            Detail::Limit {
                found,
                limit,
                at_least,
            },
        ) => {
            let key = if *at_least {
                "csv.issue.too_many_teams_at_least"
            } else {
                "csv.issue.too_many_teams"
            };
            tr.f(key, &[("count", found), ("max", limit)])
        }
        (IssueKind::SeatsExceeded, Detail::Limit { found, limit, .. }) => tr.f(
            "csv.issue.seats_exceeded",
            &[
                ("needed", found),
                ("available", limit),
                ("over", &found.saturating_sub(*limit)),
            ],
        ),
        (IssueKind::EncodingUncertain, Detail::Encoding(encs)) => {
            let alternatives: Vec<&str> = encs.iter().skip(1).take(4).map(|e| e.name()).collect();
            let encoding = encs.first().map_or(enc, |e| e.name());
            let confidence = certainty(tr, intake.encoding.certainty);
            // Without another candidate the sentence says so, rather than "it could also be
            // no other encoding".
            if alternatives.is_empty() {
                tr.f(
                    "csv.issue.encoding_uncertain_alone",
                    &[("encoding", &encoding), ("confidence", &confidence)],
                )
            } else {
                tr.f(
                    "csv.issue.encoding_uncertain",
                    &[
                        ("encoding", &encoding),
                        ("confidence", &confidence),
                        ("alternatives", &alternatives.join(", ")),
                    ],
                )
            }
        }
        (IssueKind::FormulaLike, _) => {
            let first = value.chars().next().unwrap_or('=');
            tr.f(
                "csv.issue.formula_like",
                &[("field", &field), ("value", &value), ("char", &first)],
            )
        }
        (IssueKind::DecodeError, _) => tr.f(
            "csv.issue.decode_error",
            &[("field", &field), ("value", &value), ("encoding", &enc)],
        ),
        (IssueKind::Whitespace, _) => tr.f("csv.issue.whitespace", &[("value", &value)]),
        (IssueKind::ControlChar, _) => tr.f("csv.issue.control_char", &[("field", &field)]),
        (kind, _) => tr.t(&format!("csv.issue.{}", kind.as_str())).to_string(),
    }
}
