//! The `csv.*` messages: the same keys with the same placeholders in en, zh-TW and ko, and every
//! key the command looks up exists.

use std::collections::{BTreeMap, BTreeSet};

use msi_setup::domain::csv_intake::{
    Certainty, Confidence, DelimiterSource, EmailBasis, EmailProblem, EncodingSource, IssueKind,
    PassedOver, Severity,
};
use msi_setup::domain::text::{Lang, load_lang, placeholders};

fn csv_keys(lang: Lang) -> BTreeMap<String, String> {
    load_lang(lang)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k.starts_with("csv."))
        .collect()
}

#[test]
fn same_keys_and_placeholders_in_every_language() {
    let en = csv_keys(Lang::En);
    assert!(en.len() > 100);
    for lang in [Lang::ZhTw, Lang::Ko] {
        let other = csv_keys(lang);
        // English alone has `-one` plural forms (Chinese and Korean do not inflect).
        let a: BTreeSet<_> = en
            .keys()
            .filter(|k| k.strip_suffix("-one").is_none_or(|b| !en.contains_key(b)))
            .collect();
        let b: BTreeSet<_> = other.keys().collect();
        assert_eq!(
            a.difference(&b).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "missing in {lang}"
        );
        assert_eq!(
            b.difference(&a).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "extra in {lang}"
        );
        for (k, v) in en.iter().filter(|(k, _)| a.contains(k)) {
            assert_eq!(placeholders(v), placeholders(&other[k]), "{lang}: {k}");
            assert!(!other[k].trim().is_empty(), "{lang}: {k} is empty");
        }
    }
}

#[test]
fn every_key_the_command_uses_exists() {
    let en = csv_keys(Lang::En);
    // Every file that speaks `csv.*` keys: the command and the wizard's CSV screens.
    let src = [
        include_str!("../../src/commands/csv_check.rs"),
        include_str!("../../src/csv_text.rs"),
        include_str!("../../src/ui/invite.rs"),
        include_str!("../../src/wizard/csvflow.rs"),
        include_str!("../../src/wizard/csvflow/error.rs"),
        include_str!("../../src/domain/progress/csv_flow.rs"),
        include_str!("../../src/wizard/individual.rs"),
        include_str!("../../src/app/csv_jobs.rs"),
        include_str!("../../src/ui.rs"),
    ]
    .concat();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (i, _) in src.match_indices("\"csv.") {
        let rest = &src[i + 1..];
        let end = rest.find('"').unwrap();
        let key = &rest[..end];
        if !key.ends_with('.') && !key.contains('{') {
            used.insert(key.to_string());
        }
    }
    let dynamic: [(&str, Vec<&str>); 11] = [
        (
            "csv.tui.stage",
            vec![
                "pick", "loading", "intake", "mapping", "grid", "plan", "done",
            ],
        ),
        (
            "csv.certainty",
            [Certainty::High, Certainty::Medium, Certainty::Low]
                .map(Certainty::as_str)
                .to_vec(),
        ),
        (
            "csv.encoding-source",
            [
                EncodingSource::Bom,
                EncodingSource::Override,
                EncodingSource::Utf16Pattern,
                EncodingSource::Ascii,
                EncodingSource::Utf8,
                EncodingSource::Guess,
            ]
            .map(EncodingSource::as_str)
            .to_vec(),
        ),
        (
            "csv.delimiter-source",
            [
                DelimiterSource::Sniffed,
                DelimiterSource::SepLine,
                DelimiterSource::Override,
                DelimiterSource::Default,
            ]
            .map(DelimiterSource::as_str)
            .to_vec(),
        ),
        (
            "csv.confidence",
            [
                Confidence::Exact,
                Confidence::Alias,
                Confidence::Fuzzy,
                Confidence::Remembered,
                Confidence::Manual,
            ]
            .map(Confidence::as_str)
            .to_vec(),
        ),
        (
            "csv.basis",
            [
                EmailBasis::Header,
                EmailBasis::SignInName,
                EmailBasis::Personal,
                EmailBasis::Values,
            ]
            .map(EmailBasis::as_str)
            .to_vec(),
        ),
        (
            "csv.passed",
            [
                PassedOver::SomeoneElse,
                PassedOver::Secondary,
                PassedOver::Personal,
                PassedOver::AddressList,
                PassedOver::SignInName,
                PassedOver::AnotherAddress,
            ]
            .map(PassedOver::as_str)
            .to_vec(),
        ),
        (
            "csv.severity",
            [Severity::Error, Severity::Warning]
                .map(Severity::as_str)
                .to_vec(),
        ),
        ("csv.issue", IssueKind::ALL.map(IssueKind::as_str).to_vec()),
        (
            "csv.email-problem",
            EmailProblem::ALL.map(EmailProblem::as_str).to_vec(),
        ),
        (
            "csv.field",
            vec!["email", "first_name", "last_name", "team", "workspace"],
        ),
    ];
    for (prefix, names) in dynamic {
        for n in names {
            used.insert(format!("{prefix}.{n}"));
        }
    }
    let missing: Vec<&String> = used.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
    // And nothing in the catalog is dead.
    // A plural form `x-one` is used where `x` is.
    let base = |k: &str| {
        k.strip_suffix("-one")
            .filter(|b| en.contains_key(*b))
            .map_or(k.to_string(), str::to_string)
    };
    let unused: Vec<&String> = en
        .keys()
        .filter(|k| !used.contains(*k) && !used.contains(&base(k)))
        .collect();
    assert!(unused.is_empty(), "unused: {unused:?}");
}
