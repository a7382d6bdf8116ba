//! The Action Field Sync catalog, preview rows, sort / filter and the first-sync calculator.

use msi_setup::domain::checks::marketo::classify_sync_fields;
use msi_setup::domain::checks::{CheckFacts, CheckId, CheckOutcome};
use msi_setup::domain::fields::{
    CATALOG, Column, DescribedField, FieldId, HeadCountError, MatchedBy, NameSource, Presence,
    PreviewRow, SortDir, SortKey, estimate_first_sync, filter_rows, group_thousands, match_fields,
    parse_head_count, preview_rows, render_estimate, sort_rows, view,
};
use msi_setup::domain::text::{Catalog, Lang};
use proptest::prelude::*;

fn tr(lang: Lang) -> Catalog {
    Catalog::load(lang).unwrap()
}

fn field(name: &str, display: &str, ty: &str, crm: bool) -> DescribedField {
    DescribedField {
        name: name.into(),
        display_name: display.into(),
        data_type: ty.into(),
        crm_managed: crm,
        updateable: true,
    }
}

/// An instance with most fields, the LinkedIn one custom, `title` and `sfdcOpptyId` missing.
fn instance() -> Vec<DescribedField> {
    vec![
        field("firstName", "First Name", "string", true),
        field("lastName", "Last Name", "string", true),
        field("sfdcContactId", "SFDC Contact ID", "string", true),
        field("sfdcLeadId", "SFDC Lead ID", "string", true),
        field("sfdcAccountId", "SFDC Account ID", "string", false),
        field("id", "Id", "integer", false),
        field("company", "Company Name", "string", true),
        field("Email", "Email Address", "email", true),
        field("phone", "Phone Number", "phone", false),
        field("linkedInId", "LinkedIn Id", "string", false),
        field("linkedIn_URL__c", "LinkedIn URL", "url", false),
        field("leadSource", "Lead Source", "string", true),
        field("AccountSource", "Account Source", "string", false),
    ]
}

fn rows(lang: Lang) -> Vec<PreviewRow> {
    let matches = match_fields(&instance());
    preview_rows(&tr(lang), Some(&matches))
}

#[test]
fn the_catalog_has_the_thirteen_documented_fields() {
    assert_eq!(CATALOG.len(), 13);
    let en = tr(Lang::En);
    let labels: Vec<&str> = CATALOG.iter().map(|s| en.t(s.label_key)).collect();
    assert_eq!(
        labels,
        [
            "First name",
            "Last name",
            "Salesforce contact ID",
            "Salesforce lead ID",
            "Salesforce account ID",
            "Salesforce opportunity ID",
            "Marketo ID",
            "Company",
            "Title",
            "Email",
            "Phone number",
            "LinkedIn URL",
            "Source",
        ]
    );
    // Provenance is stated, and LinkedIn has no invented name.
    assert_eq!(FieldId::LinkedinUrl.spec().api_name, None);
    assert_eq!(
        FieldId::LinkedinUrl.spec().name_source,
        NameSource::Unconfirmed
    );
    assert_eq!(FieldId::Email.spec().name_source, NameSource::Documented);
    assert_eq!(FieldId::Source.spec().name_source, NameSource::Inferred);
    assert_eq!(
        FieldId::SfdcLeadId.spec().name_source,
        NameSource::ThirdParty
    );
}

#[test]
fn offline_rows_come_from_the_catalog() {
    let rows = preview_rows(&tr(Lang::ZhTw), None);
    assert_eq!(rows.len(), 13);
    assert!(
        rows.iter()
            .all(|r| r.presence == Presence::Unknown && !r.from_instance)
    );
    assert_eq!(rows[0].label, "名字");
    assert_eq!(rows[9].api_name.as_deref(), Some("email"));
    assert_eq!(rows[9].data_type, "email");
    let en = tr(Lang::En);
    assert_eq!(Column::Exists.cell(&rows[0], &en), "—");
    assert_eq!(Column::ApiName.cell(&rows[11], &en), "—");
}

#[test]
fn rows_merge_describe2() {
    let rows = rows(Lang::En);
    let by = |id: FieldId| rows.iter().find(|r| r.id == id).unwrap();
    let email = by(FieldId::Email);
    assert_eq!(
        email.api_name.as_deref(),
        Some("Email"),
        "the instance's own spelling"
    );
    assert!(matches!(
        email.presence,
        Presence::Found {
            matched_by: MatchedBy::AltName,
            crm_managed: true,
            ..
        }
    ));
    let linkedin = by(FieldId::LinkedinUrl);
    assert_eq!(linkedin.display_name(), Some("LinkedIn URL"));
    assert!(matches!(
        linkedin.presence,
        Presence::Found {
            matched_by: MatchedBy::DisplayName,
            ..
        }
    ));
    assert_eq!(by(FieldId::Title).presence, Presence::Missing);
    assert_eq!(by(FieldId::Title).api_name.as_deref(), Some("title"));
    assert_eq!(by(FieldId::SfdcOpportunityId).exists(), Some(false));
    assert_eq!(by(FieldId::MarketoId).data_type, "integer");
    assert_eq!(by(FieldId::SfdcAccountId).crm_managed(), Some(false));
    // "Account Source" must not be taken for "Source".
    assert_eq!(by(FieldId::Source).api_name.as_deref(), Some("leadSource"));
    let en = tr(Lang::En);
    assert_eq!(Column::CrmManaged.cell(email, &en), "yes");
    assert_eq!(Column::Exists.cell(by(FieldId::Title), &en), "no");
}

#[test]
fn sort_by_every_column_both_ways() {
    let base = rows(Lang::En);
    for column in Column::ALL {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let mut r = base.clone();
            sort_rows(&mut r, SortKey { column, dir });
            assert_eq!(r.len(), 13);
            // `view` gives the same order without moving the rows.
            let idx = view(&base, Some(SortKey { column, dir }), "");
            let ids: Vec<FieldId> = idx.iter().map(|&i| base[i].id).collect();
            assert_eq!(
                ids,
                r.iter().map(|x| x.id).collect::<Vec<_>>(),
                "{column:?} {dir:?}"
            );
        }
    }
    let mut r = base.clone();
    sort_rows(
        &mut r,
        SortKey {
            column: Column::Field,
            dir: SortDir::Asc,
        },
    );
    assert_eq!(r[0].label, "Company");
    assert_eq!(r[12].label, "Title");
    sort_rows(
        &mut r,
        SortKey {
            column: Column::Field,
            dir: SortDir::Desc,
        },
    );
    assert_eq!(r[0].label, "Title");

    // Exists: yes first ascending, no first descending; ties in catalog order.
    sort_rows(
        &mut r,
        SortKey {
            column: Column::Exists,
            dir: SortDir::Asc,
        },
    );
    assert_eq!(r[0].id, FieldId::FirstName);
    assert_eq!(r[11].id, FieldId::SfdcOpportunityId);
    assert_eq!(r[12].id, FieldId::Title);
    sort_rows(
        &mut r,
        SortKey {
            column: Column::Exists,
            dir: SortDir::Desc,
        },
    );
    assert_eq!(r[0].id, FieldId::SfdcOpportunityId);
    assert_eq!(r[1].id, FieldId::Title);

    // Empty display names go last in both directions.
    for dir in [SortDir::Asc, SortDir::Desc] {
        sort_rows(
            &mut r,
            SortKey {
                column: Column::DisplayName,
                dir,
            },
        );
        assert!(
            r[11].display_name().is_none() && r[12].display_name().is_none(),
            "{dir:?}"
        );
    }
    assert_eq!(SortDir::Asc.flip(), SortDir::Desc);
}

#[test]
fn offline_sorting_keeps_unknowns_in_catalog_order() {
    let rows = preview_rows(&tr(Lang::Ko), None);
    let idx = view(
        &rows,
        Some(SortKey {
            column: Column::CrmManaged,
            dir: SortDir::Desc,
        }),
        "",
    );
    assert_eq!(idx, (0..13).collect::<Vec<_>>());
    let idx = view(
        &rows,
        Some(SortKey {
            column: Column::ApiName,
            dir: SortDir::Asc,
        }),
        "",
    );
    assert_eq!(rows[idx[0]].api_name.as_deref(), Some("company"));
    assert_eq!(rows[idx[12]].id, FieldId::LinkedinUrl, "no API name: last");
}

#[test]
fn filter_matches_label_name_type_and_display_name() {
    let rows = rows(Lang::En);
    assert_eq!(filter_rows(&rows, "").len(), 13);
    assert_eq!(filter_rows(&rows, "SFDC").len(), 4);
    assert_eq!(
        filter_rows(&rows, "salesforce id").len(),
        4,
        "every word must match"
    );
    assert_eq!(filter_rows(&rows, "integer")[0].id, FieldId::MarketoId);
    assert_eq!(
        filter_rows(&rows, "job").len(),
        0,
        "Title is missing here, so no display name"
    );
    assert_eq!(filter_rows(&rows, "email address")[0].id, FieldId::Email);
    assert!(filter_rows(&rows, "zzz").is_empty());
    let zh = self::rows(Lang::ZhTw);
    assert_eq!(filter_rows(&zh, "公司")[0].id, FieldId::Company);
    let ko = self::rows(Lang::Ko);
    assert_eq!(filter_rows(&ko, "전화")[0].id, FieldId::Phone);
    let idx = view(
        &rows,
        Some(SortKey {
            column: Column::Field,
            dir: SortDir::Desc,
        }),
        "salesforce",
    );
    let labels: Vec<&str> = idx.iter().map(|&i| rows[i].label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Salesforce opportunity ID",
            "Salesforce lead ID",
            "Salesforce contact ID",
            "Salesforce account ID",
        ]
    );
}

#[test]
fn calculator_ranges_and_limit() {
    let e = estimate_first_sync(25_000);
    assert_eq!(
        (e.min_minutes, e.max_minutes, e.over_limit),
        (25, 50, false)
    );
    let e = estimate_first_sync(1_500_000);
    assert_eq!(
        (e.min_minutes, e.max_minutes, e.over_limit),
        (1500, 3000, false)
    );
    let e = estimate_first_sync(2_000_000);
    assert!(e.over_limit);
    let en = tr(Lang::En);
    assert_eq!(
        render_estimate(&en, &estimate_first_sync(25_000)),
        ["First sync of 25,000 people: about 25 min to 50 min."]
    );
    assert_eq!(
        render_estimate(&en, &estimate_first_sync(90_000)),
        ["First sync of 90,000 people: about 1 h 30 min to 3 h."]
    );
    assert_eq!(
        render_estimate(&en, &estimate_first_sync(500)),
        ["First sync of 500 people: about 1 min."]
    );
    assert_eq!(
        render_estimate(&en, &estimate_first_sync(0)),
        ["No people, nothing to sync."]
    );
    let over = render_estimate(&en, &estimate_first_sync(2_000_000));
    assert_eq!(over.len(), 2);
    assert!(over[1].contains("1,500,000"), "{over:?}");
    let zh = render_estimate(&tr(Lang::ZhTw), &estimate_first_sync(2_000_000));
    assert!(
        zh[0].contains("小時") && zh[1].contains("1,500,000"),
        "{zh:?}"
    );
    let ko = render_estimate(&tr(Lang::Ko), &estimate_first_sync(30_000));
    assert_eq!(ko, ["30,000명의 첫 동기화: 약 30분~1시간."]);
}

#[test]
fn head_counts_as_people_type_them() {
    for (input, want) in [
        ("25000", 25_000),
        ("25,000", 25_000),
        (" 25 000 ", 25_000),
        ("25_000", 25_000),
        ("２５０００", 25_000),
        ("２５，０００", 25_000),
        ("25k", 25_000),
        ("1.5M", 1_500_000),
        ("1.25k", 1_250),
        ("0", 0),
    ] {
        assert_eq!(parse_head_count(input), Ok(want), "{input}");
    }
    assert_eq!(parse_head_count("   "), Err(HeadCountError::Empty));
    for bad in ["1.5", "abc", "-5", "1.2345k", "k", "12kk", "1e6"] {
        assert_eq!(parse_head_count(bad), Err(HeadCountError::Invalid), "{bad}");
    }
    assert_eq!(
        parse_head_count("99999999999999999999999"),
        Err(HeadCountError::TooLarge)
    );
    assert_eq!(
        parse_head_count("5000000000000"),
        Err(HeadCountError::TooLarge)
    );
    assert_eq!(HeadCountError::Invalid.key(), "fields.calc.invalid");
}

#[test]
fn a_stored_outcome_rebuilds_the_preview() {
    // The lead keeps outcomes in the progress file (TOML) and redraws the table from them.
    let v = classify_sync_fields(&instance());
    let outcome = CheckOutcome::from_verdict(CheckId::MarketoSyncFields, v);
    let text = toml::to_string(&outcome).unwrap();
    let back: CheckOutcome = toml::from_str(&text).unwrap();
    assert_eq!(back, outcome);
    let json = serde_json::to_string(&outcome).unwrap();
    assert_eq!(
        serde_json::from_str::<CheckOutcome>(&json).unwrap(),
        outcome
    );
    let Some(CheckFacts::SyncFields { fields }) = &back.facts else {
        panic!()
    };
    assert_eq!(preview_rows(&tr(Lang::En), Some(fields)), rows(Lang::En));
}

proptest! {
    #[test]
    fn estimate_is_ordered_and_monotonic(a in 0u64..10_000_000, b in 0u64..10_000_000) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (x, y) = (estimate_first_sync(lo), estimate_first_sync(hi));
        prop_assert!(x.min_minutes <= x.max_minutes);
        prop_assert!(x.min_minutes <= y.min_minutes && x.max_minutes <= y.max_minutes);
        prop_assert_eq!(x.over_limit, lo > 1_500_000);
    }

    #[test]
    fn grouped_numbers_parse_back(n in 0u64..1_000_000_000_000) {
        prop_assert_eq!(parse_head_count(&group_thousands(n)), Ok(n));
    }

    #[test]
    fn filtering_never_panics_and_only_narrows(q in "\\PC{0,12}") {
        let rows = rows(Lang::En);
        let some = view(&rows, None, &q);
        prop_assert!(some.len() <= 13);
        prop_assert!(some.windows(2).all(|w| w[0] < w[1]));
        let _ = parse_head_count(&q);
    }
}
