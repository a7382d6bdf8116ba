//! Whole files shaped like the exports admins bring, in the encodings those tools or Excel
//! write: every step from bytes to the clean file.

use crate::csv_support as support;

use encoding_rs::{BIG5, EUC_KR, UTF_8, UTF_16LE};
use msi_setup::domain::csv_intake::{Certainty, EmailBasis, Field, IssueKind, PassedOver};
use support::*;

fn mapped(
    m: &msi_setup::domain::csv_intake::Mapping,
    columns: &[String],
    f: Field,
) -> Option<String> {
    m.get(f).map(|x| columns[x.column].clone())
}

#[test]
fn google_workspace_download_utf8_bom() {
    let header = [
        "First Name [Required]",
        "Last Name [Required]",
        "Email Address [Required]",
        "Org Unit Path [Required]",
        "Recovery Email",
        "Manager Email",
        "Department",
        "Last Sign In [READ ONLY]",
    ];
    let rows: Vec<Vec<String>> = people(KO, 40)
        .into_iter()
        .map(|[first, last, email, _]| {
            vec![
                first,
                last,
                email,
                "/Sales".into(),
                "me@gmail.com".into(),
                "boss@example.com".into(),
                "영업".into(),
                "2024/05/01 09:00:00".into(),
            ]
        })
        .collect();
    let text = csv_text(&header, &rows, ',', "\r\n");
    let bytes = with_bom(&text, UTF_8);
    let (intake, mapping, report) = check(&bytes);
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::Email).as_deref(),
        Some("Email Address [Required]")
    );
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::FirstName).as_deref(),
        Some("First Name [Required]")
    );
    assert_eq!(
        report.counts.valid, 40,
        "the recovery and manager addresses repeat, the person's do not"
    );
    let clean = clean(&bytes, &intake, &mapping, &report);
    assert!(
        clean
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("user0@example.com,민준,김,")
    );
}

#[test]
fn microsoft_365_active_users_utf8_bom_with_proxy_lists() {
    let header = [
        "Display name",
        "First name",
        "Last name",
        "Proxy addresses",
        "User principal name",
        "Department",
    ];
    let rows: Vec<Vec<String>> = people(LATIN, 25)
        .into_iter()
        .map(|[first, last, email, _]| {
            vec![
                format!("{first} {last}"),
                first,
                last,
                format!("SMTP:{email}+smtp:alias@example.onmicrosoft.com"),
                email,
                "Sales".into(),
            ]
        })
        .collect();
    let bytes = with_bom(&csv_text(&header, &rows, ',', "\r\n"), UTF_8);
    let (intake, mapping, report) = check(&bytes);
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::Email).as_deref(),
        Some("User principal name")
    );
    assert_eq!(mapping.email_basis, Some(EmailBasis::SignInName));
    assert_eq!(
        mapping
            .email_notes
            .iter()
            .map(|n| n.reason)
            .collect::<Vec<_>>(),
        vec![PassedOver::AddressList]
    );
    assert_eq!(report.counts.valid, 25);
    assert_eq!(intake.preview[0].cells[1], "José");
}

#[test]
fn entra_id_download_prefers_mail_over_upn_and_checks_values() {
    let header = [
        "userPrincipalName",
        "displayName",
        "surname",
        "mail",
        "givenName",
        "alternateEmailAddress",
    ];
    let mut rows: Vec<Vec<String>> = people(ZH_TW, 10)
        .into_iter()
        .map(|[first, last, email, _]| {
            vec![
                format!("{}#EXT#@tenant.onmicrosoft.com", email.replace('@', "_")),
                format!("{last}{first}"),
                last,
                email,
                first,
                String::new(),
            ]
        })
        .collect();
    // A guest without a mail value: an error on its line, not a reason to use the UPN.
    rows[3][3] = String::new();
    let (intake, mapping, report) = check(csv_text(&header, &rows, ',', "\n").as_bytes());
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::Email).as_deref(),
        Some("mail")
    );
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::FirstName).as_deref(),
        Some("givenName")
    );
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::LastName).as_deref(),
        Some("surname")
    );
    assert_eq!(report.counts.invalid, 1);
    assert!(
        report
            .issues
            .iter()
            .any(|i| i.kind == IssueKind::MissingEmail && i.line == 5)
    );
}

#[test]
fn okta_export_with_usernames_that_are_not_addresses() {
    let text = "Username,First name,Last name,Primary email,Secondary email,Status\n\
                kim.m,Minjun,Kim,kim@example.com,kim@gmail.com,ACTIVE\n\
                lee.s,Seoyeon,Lee,lee@example.com,,ACTIVE\n";
    let (intake, mapping, report) = check(text.as_bytes());
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::Email).as_deref(),
        Some("Primary email")
    );
    assert_eq!(report.counts.valid, 2);
    // Without the e-mail column, a sign-in name that is not an address is not used either.
    let text = "Username,First name\nkim.m,Minjun\nlee.s,Seoyeon\n";
    let intake =
        msi_setup::domain::csv_intake::sniff_bytes(text.as_bytes(), &Default::default()).unwrap();
    assert_eq!(intake.suggest_mapping().get(Field::Email), None);
}

#[test]
fn salesforce_user_report_resaved_by_korean_excel_in_cp949() {
    let header = [
        "Full Name",
        "Username",
        "Email",
        "Role",
        "Profile",
        "Active",
    ];
    let rows: Vec<Vec<String>> = people(KO, 120)
        .into_iter()
        .map(|[first, last, email, _]| {
            vec![
                format!("{last}{first}"),
                format!("{email}.sandbox"),
                email,
                "영업 담당".into(),
                "Standard User".into(),
                "1".into(),
            ]
        })
        .collect();
    let bytes = encode(&csv_text(&header, &rows, ',', "\r\n"), EUC_KR);
    let (intake, mapping, report) = check(&bytes);
    assert_eq!(intake.encoding.encoding, EUC_KR);
    assert_eq!(intake.encoding.certainty, Certainty::High);
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::Email).as_deref(),
        Some("Email")
    );
    assert_eq!(report.counts.valid, 120);
    assert!(
        report
            .file_issues
            .iter()
            .any(|i| i.kind == IssueKind::SeatsExceeded)
    );
}

#[test]
fn taiwanese_hr_export_in_big5_with_a_title_row() {
    let header = [
        "員工編號",
        "姓名",
        "名字",
        "姓氏",
        "電子郵件",
        "部門",
        "團隊",
    ];
    let rows: Vec<Vec<String>> = people(ZH_TW, 60)
        .into_iter()
        .enumerate()
        .map(|(i, [first, last, email, team])| {
            vec![
                format!("E{i:04}"),
                format!("{last}{first}"),
                first,
                last,
                email,
                "業務部".into(),
                team,
            ]
        })
        .collect();
    let text = format!(
        "員工名單 2024年5月\r\n\r\n{}",
        csv_text(&header, &rows, ',', "\r\n")
    );
    let bytes = encode(&text, BIG5);
    let (intake, mapping, report) = check(&bytes);
    assert_eq!(intake.encoding.encoding, BIG5);
    assert_eq!(intake.header_row, Some(3));
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::Email).as_deref(),
        Some("電子郵件")
    );
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::FirstName).as_deref(),
        Some("名字")
    );
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::LastName).as_deref(),
        Some("姓氏")
    );
    assert_eq!(
        mapped(&mapping, &intake.columns, Field::Team).as_deref(),
        Some("團隊")
    );
    assert_eq!(report.counts.valid, 60);
    assert_eq!(report.rows[0].line, 4);
    let clean = clean(&bytes, &intake, &mapping, &report);
    assert!(
        clean.contains("user0@example.com,志明,陳,Sales,"),
        "{clean}"
    );
}

#[test]
fn excel_unicode_text_export_of_a_japanese_list() {
    let text = users_csv(JA, 30, '\t', "\r\n");
    let bytes = with_bom(&text, UTF_16LE);
    let (intake, mapping, report) = check(&bytes);
    assert_eq!(
        (intake.encoding.encoding, intake.dialect.delimiter),
        (UTF_16LE, b'\t')
    );
    assert_eq!(report.counts.valid, 30);
    let clean = clean(&bytes, &intake, &mapping, &report);
    assert!(
        clean.contains("user1@example.com,花子,佐藤,EMEA,"),
        "{clean}"
    );
}
