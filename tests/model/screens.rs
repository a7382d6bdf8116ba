//! Snapshots at 80×24 (ratatui `TestBackend`) of every screen, in en, zh-TW and ko.
//! Times are fixed and shown in UTC, so the snapshots are the same on every machine.

use std::sync::Arc;

use jiff::Timestamp;
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::{Progress, Status};
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::ui;
use msi_setup::wizard::{Msg, Start, Wizard};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn at(sec: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + sec).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn progress(g: &Guide, roles: &[&str]) -> Progress {
    let mut p = Progress::default();
    p.setup.roles = roles
        .iter()
        .map(|r| r.parse().unwrap_or_else(|_| panic!("{r}")))
        .collect();
    p.setup.name = Some("Ana".into());
    let item = |id: &str| g.item(id.parse().unwrap_or_else(|_| panic!("{id}")));
    for (n, id) in ["prereq-actions-enabled", "prereq-crm-sync"]
        .iter()
        .enumerate()
    {
        p.set_status(
            item(id),
            Status::Done,
            None,
            at(i64::try_from(n).unwrap_or(0)),
            Some("Ana"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let first = item("setup-sales-account").substeps[0].id.clone();
    p.set_ticked(
        item("setup-sales-account"),
        &first,
        true,
        at(60),
        Some("Ana"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    p.set_status(
        item("install-package"),
        Status::Blocked,
        Some("waiting for a sandbox"),
        at(30),
        Some("Lee"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    p
}

fn wizard(lang: Lang, p: Progress, step: Option<&str>) -> Wizard {
    let g = Arc::new(Guide::embedded().unwrap_or_else(|e| panic!("{e}")));
    let tr = Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
    let mut w = Wizard::new(
        g,
        tr,
        p,
        Start {
            step: step.map(|s| s.parse().unwrap_or_else(|_| panic!("{s}"))),
            ..Start::default()
        },
    );
    w.update(Msg::Resize(80, 24), at(0));
    w
}

/// Renders `w` and checks what any user would notice: missing text, an unfilled placeholder,
/// a glyph crossing the edge, a row that does not end at the edge, a hidden right border.
fn draw(w: &Wizard, width: u16, height: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| ui::render(w, f))
        .unwrap_or_else(|e| panic!("{e}"));
    let screen = format!("{}", t.backend());
    assert!(!screen.contains(MISSING), "missing text\n{screen}");
    let placeholder = screen.split('{').skip(1).find(|rest| {
        rest.split_once('}').is_some_and(|(name, _)| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
        })
    });
    assert!(placeholder.is_none(), "unfilled placeholder\n{screen}");
    let buf = t.backend().buffer();
    for y in 0..height {
        let mut x = 0u16;
        while x < width {
            let cells =
                u16::try_from(unicode_width::UnicodeWidthStr::width(buf[(x, y)].symbol()).max(1))
                    .unwrap_or(1);
            assert!(x + cells <= width, "row {y} crosses the edge\n{screen}");
            x += cells;
        }
        assert_eq!(x, width, "row {y}\n{screen}");
        // A box drawn from the left edge keeps its right border (a wide glyph wrapped one cell
        // too far would hide it).
        if matches!(buf[(0, y)].symbol(), "│" | "┌" | "└") {
            assert!(
                matches!(buf[(width - 1, y)].symbol(), "│" | "┐" | "┘"),
                "row {y}: the right border is hidden\n{screen}"
            );
        }
    }
    screen
}

fn guide() -> Guide {
    Guide::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn snap_sized(name: &str, lang: Lang, w: &Wizard, width: u16, height: u16) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_suffix(lang.tag());
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, draw(w, width, height)));
}

fn snap(name: &str, lang: Lang, w: &Wizard) {
    snap_sized(name, lang, w, 80, 24);
}

#[test]
fn welcome() {
    for lang in Lang::ALL {
        let w = wizard(lang, Progress::default(), None);
        snap("welcome", lang, &w);
    }
}

#[test]
fn hub() {
    let g = guide();
    for lang in Lang::ALL {
        let w = wizard(lang, progress(&g, &["marketo-admin"]), None);
        snap("hub", lang, &w);
    }
}

#[test]
fn hub_other_role_item_selected() {
    let g = guide();
    for lang in Lang::ALL {
        let mut w = wizard(lang, progress(&g, &["marketo-admin"]), None);
        w.update(Msg::End, at(0));
        snap("hub-waiting", lang, &w);
    }
}

#[test]
fn every_step_screen() {
    let g = guide();
    for lang in Lang::ALL {
        for item in g.items() {
            let w = wizard(
                lang,
                progress(&g, &["marketo-admin", "salesforce-admin"]),
                Some(item.id.as_str()),
            );
            snap(&format!("step-{}", item.id), lang, &w);
        }
    }
}

#[test]
fn summary() {
    let g = guide();
    for lang in Lang::ALL {
        let mut p = progress(&g, &["marketo-admin"]);
        for item in g.items().iter().filter(|i| i.owned_by(Role::MarketoAdmin)) {
            let status = if item.id == ItemId::InviteUsers {
                Status::Skipped
            } else {
                Status::Done
            };
            let reason = (status == Status::Skipped).then_some("next quarter");
            p.set_status(item, status, reason, at(100), Some("Ana"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut w = wizard(lang, p, None);
        w.update(Msg::Continue, at(0));
        snap("summary", lang, &w);
    }
}

#[test]
fn overlays() {
    let g = guide();
    for lang in Lang::ALL {
        let mut w = wizard(
            lang,
            progress(&g, &["marketo-admin"]),
            Some("setup-sales-account"),
        );
        w.update(Msg::Help, at(0));
        snap("overlay-help", lang, &w);
        w.update(Msg::Back, at(0));
        w.update(Msg::MarkDone, at(0));
        snap("overlay-confirm", lang, &w);
        w.update(Msg::No, at(0));
        w.update(Msg::Block, at(0));
        for c in "관리자 승인 대기 — 管理員".chars() {
            w.update(Msg::Input(c), at(0));
        }
        snap("overlay-reason", lang, &w);
    }
}

#[test]
fn too_small() {
    for lang in Lang::ALL {
        let mut w = wizard(lang, Progress::default(), None);
        w.update(Msg::Resize(60, 20), at(0));
        snap_sized("too-small", lang, &w, 60, 20);
    }
}

#[test]
fn no_row_overflows_or_splits_a_wide_glyph() {
    // Walk each row cell by cell the way a terminal does: a wide glyph takes its width in
    // cells; a glyph that would cross the right edge, or a row that does not land exactly on
    // the edge, means a CJK cell was mis-measured.
    let g = guide();
    for lang in Lang::ALL {
        for width in [80u16, 97, 120, 200] {
            for item in g.items() {
                let mut w = wizard(
                    lang,
                    progress(&g, &["marketo-admin"]),
                    Some(item.id.as_str()),
                );
                w.update(Msg::Resize(width, 30), at(0));
                let mut t =
                    Terminal::new(TestBackend::new(width, 30)).unwrap_or_else(|e| panic!("{e}"));
                t.draw(|f| ui::render(&w, f))
                    .unwrap_or_else(|e| panic!("{e}"));
                let buf = t.backend().buffer();
                for y in 0..30u16 {
                    let mut x = 0u16;
                    while x < width {
                        let sym = buf[(x, y)].symbol();
                        let cells =
                            u16::try_from(unicode_width::UnicodeWidthStr::width(sym).max(1))
                                .unwrap_or(1);
                        assert!(
                            x + cells <= width,
                            "{lang} {} at {width}, row {y}: `{sym}` crosses the edge",
                            item.id
                        );
                        x += cells;
                    }
                    assert_eq!(x, width, "{lang} {} row {y}", item.id);
                }
            }
        }
    }
}

// ---- live checks and the Action Field Sync preview (issue 5) ----

use msi_setup::domain::checks::{CheckFacts, CheckId, CheckOutcome, CheckStatus, Detail};
use msi_setup::domain::fields::{DescribedField, match_fields};

fn described() -> Vec<DescribedField> {
    let f = |name: &str, display: &str, ty: &str, crm: bool| DescribedField {
        name: name.into(),
        display_name: display.into(),
        data_type: ty.into(),
        crm_managed: crm,
        updateable: true,
    };
    vec![
        f("firstName", "First Name", "string", true),
        f("lastName", "Last Name", "string", true),
        f("email", "Email Address", "email", true),
        f("company", "Company Name", "string", true),
        f("title", "Job Title", "string", true),
        f("phone", "Phone Number", "phone", true),
        f("id", "Id", "integer", false),
        f("leadSource", "Lead Source", "string", true),
        f("sfdcContactId", "SFDC Contact ID", "string", false),
        f("sfdcLeadId", "SFDC Lead ID", "string", false),
    ]
}

fn with_live_results(mut p: Progress) -> Progress {
    let at = at(500);
    let mut fields = CheckOutcome::new(
        CheckId::MarketoSyncFields,
        CheckStatus::Warn,
        Detail::new("checks.marketo-sync-fields.partial")
            .arg("found", 10)
            .arg("total", 13)
            .arg("crm", 7)
            .arg(
                "missing",
                "LinkedIn URL, Salesforce account ID, Salesforce opportunity ID",
            ),
    );
    fields.facts = Some(CheckFacts::SyncFields {
        fields: match_fields(&described()),
    });
    fields.finished_at = Some(at);
    p.checks.insert(CheckId::MarketoSyncFields, fields);
    let mut pkg = CheckOutcome::new(
        CheckId::SfPackage,
        CheckStatus::Fail,
        Detail::new("checks.sf-package.upgrade")
            .arg("version", "1.7")
            .arg("min", "1.8000")
            .arg(
                "link",
                "https://appexchange.salesforce.com/listingDetail?listingId=a0N30000001SVZmEAO",
            ),
    );
    pkg.finished_at = Some(at);
    p.checks.insert(CheckId::SfPackage, pkg);
    p
}

#[test]
fn field_preview_offline_and_live() {
    let g = guide();
    for lang in Lang::ALL {
        let mut w = wizard(
            lang,
            progress(&g, &["marketo-admin"]),
            Some("start-data-sync"),
        );
        w.update(Msg::OpenPreview, at(0));
        snap("preview-offline", lang, &w);
        let mut w = wizard(
            lang,
            with_live_results(progress(&g, &["marketo-admin"])),
            Some("start-data-sync"),
        );
        w.update(Msg::OpenPreview, at(0));
        w.update(Msg::SortBy(3), at(0));
        w.update(Msg::FocusNext, at(0));
        for c in "2,000,000".chars() {
            w.update(Msg::Input(c), at(0));
        }
        snap("preview-live", lang, &w);
        snap_sized("preview-live-wide", lang, &w, 160, 30);
    }
}

#[test]
fn step_with_live_results_and_credentials_form() {
    let g = guide();
    for lang in Lang::ALL {
        let mut w = wizard(
            lang,
            with_live_results(progress(&g, &["salesforce-admin"])),
            Some("install-package"),
        );
        snap("step-live-results", lang, &w);
        w.update(Msg::EditCredentials, at(0));
        for c in "https://acme.my.salesforce.com".chars() {
            w.update(Msg::Input(c), at(0));
        }
        w.update(Msg::Next, at(0));
        for c in "00Dxx!secret-token".chars() {
            w.update(Msg::Input(c), at(0));
        }
        let screen = draw(&w, 80, 24);
        assert!(
            !screen.contains("secret-token"),
            "a secret was drawn:\n{screen}"
        );
        snap("overlay-credentials", lang, &w);
    }
}

// ---- invite users (issue 4) ----
//
// The wizard's state is reached by driving messages, with the engine's real results fed back
// as the runtime would (from bytes in memory: relative file names, fixed times).

use std::ops::ControlFlow;

use msi_setup::domain::csv_intake::{self as engine, Options, Outputs, Sample};
use msi_setup::domain::text::MISSING;
use msi_setup::wizard::csvflow::{Exported, FileMeta, IntakeRow, IntakeValue};
use msi_setup::wizard::{Effect, Screen, Shared};

/// A users export from a Korean HR system, saved by Excel as CP949.
const USERS_KO: &str = "이름,성,이메일,팀,관리자 이메일\n\
    민준,김,minjun.kim@example.com,영업 1팀,jiwoo.han@example.com\n\
    서연,이,seoyeon.lee@example.com,마케팅,jiwoo.han@example.com\n\
    지호,박,jiho.park@example,영업 1팀,jiwoo.han@example.com\n\
    하은,최,haeun.choi@example.com,,jiwoo.han@example.com\n\
    민준,김,MINJUN.KIM@example.com,영업 1팀,jiwoo.han@example.com\n\
    도윤,정,doyun.jung@example.com,영업 2팀,jiwoo.han@example.com\n\
    수아,강,sua.kang@example.com,마케팅,jiwoo.han@example.com\n\
    예준,조,yejun.cho@example.com,영업 2팀,jiwoo.han@example.com\n\
    지우,한,jiwoo.han@example.com,,\n";

fn cp949(text: &str) -> Vec<u8> {
    encoding_rs::EUC_KR.encode(text).0.into_owned()
}

/// Plays the runtime for one file: answers every file effect (and their answers' effects).
fn serve(w: &mut Wizard, bytes: &[u8], effects: Vec<Effect>) {
    let meta = FileMeta {
        size: bytes.len() as u64,
        modified: Some(1_795_000_000),
    };
    let keep_going = &mut |_| ControlFlow::Continue(());
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(e) = queue.pop_front() {
        let reply = match e {
            Effect::LoadCsv { ticket, .. } => Msg::CsvSampled {
                ticket,
                result: Ok((Shared(Arc::new(Sample::from_bytes(bytes))), meta)),
            },
            Effect::ValidateCsv {
                ticket,
                intake,
                mapping,
                invited,
                seats,
                ..
            } => {
                let options = Options::new(&invited, Some(seats));
                let report = engine::validate(bytes, &intake, &mapping, &options, keep_going)
                    .unwrap_or_else(|e| panic!("{e}"));
                let body = &bytes[intake.encoding.bom_len..];
                let (text, _) = intake.encoding.encoding.decode_without_bom_handling(body);
                Msg::CsvValidated {
                    ticket,
                    result: Ok((Shared(Arc::new(report)), Shared(Arc::from(text.as_ref())))),
                }
            }
            Effect::ExportCsv {
                ticket,
                out,
                report_path,
                intake,
                mapping,
                report,
                limit,
                left_out,
                ..
            } => {
                let (mut clean, mut emails, mut left) = (Vec::new(), Vec::new(), Vec::new());
                let outputs = Outputs {
                    clean: Some(&mut clean),
                    leave_out_invited: true,
                    emails: Some(&mut emails),
                    limit,
                    left_out: Some(&mut left),
                    default_workspace: Some("Default"),
                    report: None,
                };
                let written =
                    engine::write_outputs(bytes, &intake, &mapping, &report, outputs, keep_going)
                        .unwrap_or_else(|e| panic!("{e}"));
                Msg::CsvExported {
                    ticket,
                    result: Ok(Exported {
                        clean: out,
                        report: report_path,
                        emails,
                        left_out: left_out.filter(|_| written.left_out_rows > 0),
                        left_out_rows: written.left_out_rows,
                    }),
                }
            }
            _ => continue,
        };
        queue.extend(w.update(reply, at(0)));
    }
}

fn send(w: &mut Wizard, msgs: &[Msg]) -> Vec<Effect> {
    msgs.iter()
        .flat_map(|m| w.update(m.clone(), at(0)))
        .collect()
}

fn type_in(w: &mut Wizard, text: &str) {
    for c in text.chars() {
        w.update(Msg::Input(c), at(0));
    }
}

/// Draws, checks that no text is missing and no row splits a wide glyph, then snapshots.
fn snap_checked(name: &str, lang: Lang, w: &Wizard) {
    snap(name, lang, w);
}

fn invite_wizard(lang: Lang) -> Wizard {
    wizard(
        lang,
        progress(&guide(), &["marketo-admin"]),
        Some("invite-users"),
    )
}

#[test]
fn invite_step_and_individual_form() {
    for lang in Lang::ALL {
        let mut w = invite_wizard(lang);
        snap_checked("invite-step", lang, &w);
        w.update(Msg::InviteIndividual, at(0));
        w.update(
            Msg::Paste(
                "minjun.kim@example.com, seoyeon.lee@example.com\njiho.park@example haeun.choi@example.com"
                    .into(),
            ),
            at(0),
        );
        w.update(Msg::Next, at(0));
        type_in(&mut w, "영업 1팀, 마케팅");
        snap_checked("invite-individual", lang, &w);
        send(
            &mut w,
            &[Msg::Next, Msg::Next, Msg::Next, Msg::Next, Msg::Yes],
        );
        snap_checked("invite-step-recorded", lang, &w);
    }
}

#[test]
fn csv_invite_screens() {
    let bytes = cp949(USERS_KO);
    for lang in Lang::ALL {
        let mut w = invite_wizard(lang);
        w.update(Msg::InviteCsv, at(0));
        type_in(&mut w, "us");
        let effects = send(&mut w, &[Msg::FocusNext]);
        assert_eq!(
            effects,
            vec![Effect::CompletePath {
                partial: "us".into()
            }]
        );
        w.update(
            Msg::PathCompletions {
                partial: "us".into(),
                list: vec![
                    "users-2025.csv".into(),
                    "users.csv".into(),
                    "users_old/".into(),
                ],
            },
            at(0),
        );
        snap_checked("csv-pick", lang, &w);

        type_in(&mut w, ".csv");
        let effects = send(&mut w, &[Msg::Next]);
        serve(&mut w, &bytes, effects);
        snap_checked("csv-intake", lang, &w);
        w.update(Msg::Toggle, at(0));
        snap_checked("csv-intake-encodings", lang, &w);
        // Choose EUC-KR (CP949) from the list by hand. (The guess is EUC-KR in every language
        // now: the Korean header names decide over the zh-TW region's Big5.)
        let Screen::Csv(flow) = &w.screen else {
            panic!("not on the CSV flow")
        };
        let n = flow
            .intake_values(IntakeRow::Encoding)
            .iter()
            .position(|v| *v == IntakeValue::Encoding(encoding_rs::EUC_KR))
            .unwrap_or_else(|| panic!("EUC-KR not offered"));
        w.update(Msg::Home, at(0));
        send(&mut w, &vec![Msg::Down; n]);
        w.update(Msg::Next, at(0));
        let Screen::Csv(flow) = &w.screen else {
            panic!("not on the CSV flow")
        };
        let intake = flow.intake().unwrap_or_else(|| panic!("no intake"));
        assert_eq!(intake.encoding.encoding, encoding_rs::EUC_KR);
        assert_eq!(intake.columns[2], "이메일");

        w.update(Msg::Next, at(0));
        snap_checked("csv-mapping", lang, &w);

        let effects = send(&mut w, &[Msg::Next]);
        let ticket = effects
            .iter()
            .find_map(|e| match e {
                Effect::ValidateCsv { ticket, .. } => Some(*ticket),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no validation: {effects:?}"));
        w.update(
            Msg::CsvProgress {
                ticket,
                bytes: bytes.len() as u64 * 2 / 5,
                rows: 4,
            },
            at(0),
        );
        snap_checked("csv-loading", lang, &w);

        serve(&mut w, &bytes, effects);
        send(&mut w, &[Msg::NextProblem]);
        snap_checked("csv-grid", lang, &w);
        w.update(Msg::ToggleProblems, at(0));
        snap_checked("csv-grid-problems", lang, &w);
        w.update(Msg::ToggleProblems, at(0));
        // The detail of the duplicate row (line 6): every cell, every reason in full.
        send(
            &mut w,
            &[Msg::Down, Msg::Down, Msg::Down, Msg::Down, Msg::Toggle],
        );
        snap_checked("csv-detail", lang, &w);
        w.update(Msg::Back, at(0));

        w.update(Msg::Next, at(0));
        snap_checked("csv-plan", lang, &w);
        w.update(Msg::Next, at(0));
        snap_checked("csv-confirm", lang, &w);
        let effects = send(&mut w, &[Msg::Yes]);
        serve(&mut w, &bytes, effects);
        snap_checked("csv-done", lang, &w);
        w.update(Msg::Next, at(0));
        snap_checked("csv-confirm-sent", lang, &w);
        w.update(Msg::Yes, at(0));
        snap_checked("csv-done-recorded", lang, &w);
    }
}

/// 150 valid new users, 100 seats: the plan says so before anything is written and offers the
/// first 100; the done screen names the file of the other 50.
#[test]
fn csv_plan_over_the_seat_budget() {
    let mut text = String::from("email,first_name,last_name\n");
    for n in 0..150 {
        text.push_str(&format!("user{n:03}@example.com,Name{n},Family\n"));
    }
    let bytes = text.into_bytes();
    for lang in Lang::ALL {
        let mut w = invite_wizard(lang);
        w.update(Msg::InviteCsv, at(0));
        type_in(&mut w, "staff.csv");
        let effects = send(&mut w, &[Msg::Next]);
        serve(&mut w, &bytes, effects);
        let effects = send(&mut w, &[Msg::Next, Msg::Next]);
        serve(&mut w, &bytes, effects);
        w.update(Msg::Next, at(0));
        snap_checked("csv-plan-over-budget", lang, &w);
        w.update(Msg::Next, at(0));
        let effects = send(&mut w, &[Msg::Yes]);
        assert!(
            effects.iter().any(|e| matches!(e,
                Effect::ExportCsv { limit: Some(100), left_out: Some(p), .. } if p == "staff.left-out.csv")),
            "{effects:?}"
        );
        serve(&mut w, &bytes, effects);
        snap_checked("csv-done-left-out", lang, &w);
    }
}

/// The individual form refuses more addresses than seats left, and 21 teams.
#[test]
fn individual_form_over_budget() {
    for lang in Lang::ALL {
        let mut p = progress(&guide(), &["marketo-admin"]);
        p.seats_used = Some(99);
        let mut w = wizard(lang, p, Some("invite-users"));
        w.update(Msg::InviteIndividual, at(0));
        w.update(Msg::Paste("ana@example.com bo@example.com".into()), at(0));
        w.update(Msg::Next, at(0));
        let teams: Vec<String> = (1..=21).map(|n| format!("T{n}")).collect();
        type_in(&mut w, &teams.join(","));
        send(&mut w, &[Msg::Next, Msg::Next, Msg::Next, Msg::Next]);
        snap_checked("invite-individual-over-seats", lang, &w);
    }
}

#[test]
fn csv_mapping_with_a_fuzzy_email_column() {
    let bytes = b"contact,full name,dept\nana.lee@example.com,Ana Lee,Sales\nbo.kim@example.com,Bo Kim,Ops\n";
    for lang in Lang::ALL {
        let mut w = invite_wizard(lang);
        w.update(Msg::InviteCsv, at(0));
        type_in(&mut w, "contacts.csv");
        let effects = send(&mut w, &[Msg::Next]);
        serve(&mut w, bytes, effects);
        send(&mut w, &[Msg::Next, Msg::Next]);
        snap_checked("csv-mapping-fuzzy", lang, &w);
    }
}

/// The address numbers on screen (`userNN@`), top to bottom, and the selected one.
fn grid_rows(w: &Wizard) -> (Vec<u32>, Option<u32>) {
    let screen = draw(w, 80, 24);
    let mut shown = Vec::new();
    let mut selected = None;
    for line in screen.lines() {
        let Some(at) = line.find("user") else {
            continue;
        };
        let Ok(n) = line[at + 4..at + 6].parse::<u32>() else {
            continue;
        };
        shown.push(n);
        if line.contains("│>") {
            selected = Some(n);
        }
    }
    (shown, selected)
}

#[test]
fn the_grid_scrolls_only_when_the_cursor_leaves_the_rows_on_screen() {
    let mut csv = String::from("email,first_name\n");
    for n in 1..=60 {
        csv.push_str(&format!("user{n:02}@example.com,Name{n}\n"));
    }
    let bytes = csv.into_bytes();
    let mut w = invite_wizard(Lang::En);
    w.update(Msg::InviteCsv, at(0));
    type_in(&mut w, "users.csv");
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, &bytes, effects);
    let effects = send(&mut w, &[Msg::Next, Msg::Next]);
    serve(&mut w, &bytes, effects);
    let (shown, selected) = grid_rows(&w);
    assert_eq!((shown[0], selected), (1, Some(1)));
    let visible = shown.len() as u32;
    assert!(visible > 5, "{shown:?}");

    // Down past the bottom: the view follows, the cursor on its last row.
    for _ in 0..30 {
        w.update(Msg::Down, at(0));
        grid_rows(&w);
    }
    let (shown, selected) = grid_rows(&w);
    assert_eq!(selected, Some(31));
    assert_eq!(shown.last().copied(), Some(31));
    let top = shown[0];
    // Up inside the rows on screen: the view stays where it is.
    send(&mut w, &[Msg::Up, Msg::Up, Msg::Up]);
    let (shown, selected) = grid_rows(&w);
    assert_eq!((shown[0], selected), (top, Some(28)));
    // Up past the top: the view follows.
    let steps = 28 - top + 1;
    for _ in 0..steps {
        w.update(Msg::Up, at(0));
        grid_rows(&w);
    }
    let (shown, selected) = grid_rows(&w);
    assert_eq!((shown[0], selected), (top - 1, Some(top - 1)));
    // A shorter terminal still shows the cursor.
    w.update(Msg::End, at(0));
    w.update(Msg::Resize(80, 30), at(0));
    draw(&w, 80, 30);
    w.update(Msg::Resize(80, 24), at(0));
    let (shown, selected) = grid_rows(&w);
    assert_eq!((shown.last().copied(), selected), (Some(60), Some(60)));
    assert_eq!(shown.len() as u32, visible);
}

/// Bo's (Salesforce admin) hand-off: the package installed, the configuration blocked.
fn bos_handoff(g: &Guide) -> msi_setup::wizard::handoff::Candidate {
    use msi_setup::domain::handoff::Handoff;
    let mut b = Progress::default();
    b.setup.roles = vec![Role::SalesforceAdmin];
    b.setup.name = Some("Bo".into());
    b.set_status(
        g.item(ItemId::InstallPackage),
        Status::Done,
        None,
        at(86_400),
        Some("Bo"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    b.set_status(
        g.item(ItemId::ConfigureSalesforce),
        Status::Blocked,
        Some("no API Secret Key yet"),
        at(86_460),
        Some("Bo"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    msi_setup::wizard::handoff::Candidate {
        path: "msi-setup-handoff-2026-11-19.toml".into(),
        file: Ok(Box::new(Handoff::export(&b, at(86_500), false))),
    }
}

#[test]
fn handoff_screens() {
    use msi_setup::domain::handoff::HandoffError;
    use msi_setup::wizard::handoff::Candidate;
    let g = guide();
    for lang in Lang::ALL {
        let mut w = wizard(lang, progress(&g, &["marketo-admin"]), None);
        w.update(Msg::WriteHandoff, at(0));
        w.update(
            Msg::HandoffWritten(Ok("/home/ana/msi-setup-handoff-2026-11-18.toml".into())),
            at(0),
        );
        snap("handoff-written", lang, &w);
        w.update(Msg::Back, at(0));
        w.update(Msg::PickHandoff, at(0));
        w.update(
            Msg::HandoffsListed(vec![
                bos_handoff(&g),
                Candidate {
                    path: "old-export.toml".into(),
                    file: Err(HandoffError::Newer {
                        found: 2,
                        supported: 1,
                    }),
                },
            ]),
            at(0),
        );
        snap("handoff-pick", lang, &w);
        w.update(Msg::Next, at(0));
        snap("handoff-preview", lang, &w);
        w.update(Msg::Yes, at(0));
        // The hub after the merge: the package step done by Bo, the lanes on the borders.
        w.update(Msg::End, at(0));
        w.update(Msg::Up, at(0));
        snap("hub-after-merge", lang, &w);
        w.banner = None;
        w.update(Msg::PickHandoff, at(0));
        w.update(Msg::HandoffsListed(Vec::new()), at(0));
        snap("handoff-none", lang, &w);
    }
}

/// A file without an email column stops at the mapping with the reason; a file with a title
/// above the header shows it dimmed, and the header choices show each line's start.
#[test]
fn csv_mapping_without_an_email_column_and_a_title_row() {
    let no_email = b"name,dept\nAna Lee,Sales\nBo Kim,Ops\n";
    let titled = "Staff list 2026\nexported by HR\nemail,first_name\nana@example.com,Ana\nbo@example.com,Bo\n";
    for lang in Lang::ALL {
        let mut w = invite_wizard(lang);
        w.update(Msg::InviteCsv, at(0));
        type_in(&mut w, "people.csv");
        let effects = send(&mut w, &[Msg::Next]);
        serve(&mut w, no_email, effects);
        send(&mut w, &[Msg::Next]);
        snap_checked("csv-mapping-no-email", lang, &w);
        // Enter cannot go on without one.
        let effects = send(&mut w, &[Msg::Next]);
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::ValidateCsv { .. })),
            "{effects:?}"
        );

        let mut w = invite_wizard(lang);
        w.update(Msg::InviteCsv, at(0));
        type_in(&mut w, "staff.csv");
        let effects = send(&mut w, &[Msg::Next]);
        serve(&mut w, titled.as_bytes(), effects);
        snap_checked("csv-intake-title-rows", lang, &w);
        send(&mut w, &[Msg::Down, Msg::Down, Msg::Toggle]);
        snap_checked("csv-intake-header-choices", lang, &w);
    }
}

/// Issue 10's CSV screens: every preview column reachable (`>` scrolls), addresses whole, an
/// encoding chosen on screen reads "chosen by you", line numbers past a million whole.
#[test]
fn csv_wide_preview_and_long_files() {
    let wide = "email,first_name,last_name,team,workspace,department,manager_email,location\n\
        christopher.montgomery-whitfield@subsidiary.example.com,Christopher,Montgomery-Whitfield,Sales,Default,Enterprise Accounts,olivia.harrington@subsidiary.example.com,Seoul\n";
    for lang in Lang::ALL {
        let mut w = invite_wizard(lang);
        w.update(Msg::InviteCsv, at(0));
        type_in(&mut w, "wide.csv");
        let effects = send(&mut w, &[Msg::Next]);
        serve(&mut w, wide.as_bytes(), effects);
        let screen = draw(&w, 80, 24);
        assert!(
            screen.contains("christopher.montgomery-whitfield@subsidiary.example.com"),
            "the address is whole:\n{screen}"
        );
        snap_checked("csv-intake-wide", lang, &w);
        send(
            &mut w,
            &[
                Msg::CursorRight,
                Msg::CursorRight,
                Msg::CursorRight,
                Msg::CursorRight,
                Msg::CursorRight,
                Msg::CursorRight,
            ],
        );
        let screen = draw(&w, 80, 24);
        assert!(
            screen.contains("location"),
            "the last column is reachable:\n{screen}"
        );
        snap_checked("csv-intake-wide-scrolled", lang, &w);
    }
    // Chosen by hand: said so.
    let mut w = invite_wizard(Lang::En);
    w.update(Msg::InviteCsv, at(0));
    type_in(&mut w, "wide.csv");
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, wide.as_bytes(), effects);
    let Screen::Csv(flow) = &w.screen else {
        panic!("not on the CSV flow")
    };
    let n = flow
        .intake_values(IntakeRow::Encoding)
        .iter()
        .position(|v| *v == IntakeValue::Encoding(encoding_rs::WINDOWS_1252))
        .unwrap_or_else(|| panic!("windows-1252 not offered"));
    w.update(Msg::Toggle, at(0));
    w.update(Msg::Home, at(0));
    send(&mut w, &vec![Msg::Down; n]);
    w.update(Msg::Next, at(0));
    let screen = draw(&w, 80, 24);
    assert!(screen.contains("windows-1252 (chosen by you"), "{screen}");
    assert!(!screen.contains("--encoding"), "{screen}");

    // Line numbers past a million, whole.
    let mut long = String::from("email\n");
    long.push_str(&"\n".repeat(1_234_566));
    long.push_str("far.down@example.com\nfar.bad@\n");
    let mut w = invite_wizard(Lang::En);
    w.update(Msg::InviteCsv, at(0));
    type_in(&mut w, "long.csv");
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, long.as_bytes(), effects);
    let effects = send(&mut w, &[Msg::Next, Msg::Next]);
    serve(&mut w, long.as_bytes(), effects);
    let screen = draw(&w, 80, 24);
    assert!(screen.contains(">1234568 "), "{screen}");
    assert!(screen.contains(" 1234569 "), "{screen}");
}

/// The grid's search runs in the background: while it runs the line under the table says how
/// far it got; when nothing matches it says so (and the cursor stays).
#[test]
fn csv_grid_search_running_and_no_match() {
    let mut text = String::from("email,first name,team\n");
    for n in 0..30 {
        text.push_str(&format!("user{n}@example.com,Name{n},Sales\n"));
    }
    let bytes = text.as_bytes();
    for lang in Lang::ALL {
        let mut w = invite_wizard(lang);
        w.update(Msg::InviteCsv, at(0));
        type_in(&mut w, "users.csv");
        let effects = send(&mut w, &[Msg::Next]);
        serve(&mut w, bytes, effects);
        let effects = send(&mut w, &[Msg::Next, Msg::Next, Msg::Next]);
        serve(&mut w, bytes, effects);
        w.update(Msg::Search, at(0));
        type_in(&mut w, "nowhere");
        let effects = send(&mut w, &[Msg::Next]);
        let ticket = effects
            .iter()
            .find_map(|e| match e {
                Effect::SearchCsv { ticket, .. } => Some(*ticket),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no search job: {effects:?}"));
        w.update(
            Msg::CsvProgress {
                ticket,
                bytes: 0,
                rows: 12,
            },
            at(0),
        );
        snap_checked("csv-grid-searching", lang, &w);
        w.update(
            Msg::CsvSearched {
                ticket,
                found: None,
            },
            at(0),
        );
        snap_checked("csv-grid-no-match", lang, &w);
    }
}
