use super::*;
use crate::domain::checks::CheckOutcome;
use crate::domain::guide::Guide;
use crate::domain::progress::Status;
use crate::domain::text::{Catalog, Lang};

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_796_000_000 + s).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn guide() -> Guide {
    Guide::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn person(roles: &[Role], name: &str) -> Progress {
    let mut p = Progress::default();
    p.setup.roles = roles.to_vec();
    p.setup.name = Some(name.into());
    p
}

fn mark(p: &mut Progress, g: &Guide, id: ItemId, s: Status, reason: Option<&str>, t: i64) {
    let by = p.setup.name.clone();
    p.set_status(g.item(id), s, reason, at(t), by.as_deref())
        .unwrap_or_else(|e| panic!("{e}"));
}

fn batch(t: i64, emails: &[&str]) -> InviteBatch {
    InviteBatch {
        at: at(t),
        by: Some("Ana".into()),
        source: InviteSource::Individual,
        file: None,
        teams: vec!["Sales".into()],
        workspace: None,
        count: 0,
        emails: emails.iter().map(|e| (*e).to_string()).collect(),
    }
}

#[test]
fn an_export_is_marked_versioned_and_has_no_addresses_unless_asked() {
    let g = guide();
    let mut a = person(&[Role::MarketoAdmin], "Ana");
    mark(&mut a, &g, ItemId::SetupSalesAccount, Status::Done, None, 1);
    a.record_invites(batch(2, &["kim@example.com", "lee@example.com"]));
    let h = Handoff::export(&a, at(3), false);
    let text = h.to_toml().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.starts_with("kind = \"msi-setup-handoff\"\nversion = 1\n"),
        "{text}"
    );
    assert!(!text.contains("kim@example.com"), "{text}");
    assert!(text.contains("count = 2"), "{text}");
    assert!(text.contains("teams = [\"Sales\"]"), "{text}");
    assert_eq!(Handoff::read(text.as_bytes()), Ok(h));
    let with = Handoff::export(&a, at(3), true)
        .to_toml()
        .unwrap_or_default();
    assert!(with.contains("kim@example.com"), "{with}");
}

#[test]
fn userinfo_of_urls_never_leaves_and_the_rest_of_the_text_stays() {
    assert_eq!(
        strip_userinfo("see https://bob:hunter2@x.my.salesforce.com/a?b and http://h/p"),
        "see https://x.my.salesforce.com/a?b and http://h/p"
    );
    assert_eq!(strip_userinfo("mail me@x.io"), "mail me@x.io");
    let g = guide();
    let mut a = person(&[Role::MarketoAdmin], "Ana");
    mark(
        &mut a,
        &g,
        ItemId::ConnectMarketo,
        Status::Blocked,
        Some("token at https://u:s3cretpass@123-abc.mktorest.com/rest fails"),
        1,
    );
    let text = Handoff::export(&a, at(2), true)
        .to_toml()
        .unwrap_or_default();
    assert!(!text.contains("s3cretpass"), "{text}");
    assert!(text.contains("https://123-abc.mktorest.com/rest"), "{text}");
}

#[test]
fn check_results_travel_as_status_and_time_only() {
    let mut a = person(&[Role::SalesforceAdmin], "Bo");
    let mut o = CheckOutcome::new(
        CheckId::SfPackage,
        CheckStatus::Pass,
        Detail::new("checks.sf-package.pass").arg("version", "1.8000 secret-ish"),
    );
    o.finished_at = Some(at(5));
    a.checks.insert(CheckId::SfPackage, o);
    let text = Handoff::export(&a, at(6), false)
        .to_toml()
        .unwrap_or_default();
    assert!(text.contains("[checks.sf-package]"), "{text}");
    assert!(text.contains("status = \"pass\""), "{text}");
    assert!(!text.contains("secret-ish"), "{text}");
}

#[test]
fn newer_versions_damaged_files_and_other_files_are_refused_with_a_reason() {
    assert_eq!(
        Handoff::read(b"kind = \"msi-setup-handoff\"\nversion = 2\n"),
        Err(HandoffError::Newer {
            found: 2,
            supported: 1
        })
    );
    assert!(matches!(
        Handoff::read(b"kind = \"msi-setup-handoff\"\nversion = "),
        Err(HandoffError::Damaged(_))
    ));
    assert!(matches!(
        Handoff::read(b"kind = \"msi-setup-handoff\"\n"),
        Err(HandoffError::Damaged(_))
    ));
    assert!(matches!(
        Handoff::read(
            b"kind = \"msi-setup-handoff\"\nversion = 1\n[items.nope]\nstatus = \"done\"\n"
        ),
        Err(HandoffError::Damaged(_))
    ));
    assert!(matches!(
        Handoff::read(b"\xff\xfe"),
        Err(HandoffError::Damaged(_))
    ));
    assert_eq!(
        Handoff::read(b"kind = \"something-else\"\nversion = 1\n"),
        Err(HandoffError::NotHandoff)
    );
    assert_eq!(
        Handoff::read(b"[package]\nname = \"x\"\n"),
        Err(HandoffError::NotHandoff)
    );
    assert_eq!(
        Handoff::read(b"version = 9\n[setup]\nname = \"x\"\n"),
        Err(HandoffError::Newer {
            found: 9,
            supported: 1
        })
    );
    for lang in Lang::ALL {
        let tr = Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
        for e in [
            HandoffError::Damaged("x".into()),
            HandoffError::Newer {
                found: 2,
                supported: 1,
            },
            HandoffError::NotHandoff,
        ] {
            let d = e.detail().arg("path", "f.toml");
            let text = d.render(&tr);
            assert!(
                text.contains("f.toml") && !text.contains('{'),
                "{lang}: {text}"
            );
        }
    }
}

#[test]
fn another_admins_progress_file_merges_like_a_hand_off_without_addresses() {
    let g = guide();
    let mut b = person(&[Role::SalesforceAdmin], "Bo");
    mark(&mut b, &g, ItemId::InstallPackage, Status::Done, None, 4);
    b.record_invites(batch(2, &["kim@example.com"]));
    let text = b.to_toml().unwrap_or_default();
    let h = Handoff::read(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.exported_at, None);
    assert_eq!(h.as_of(), Some(at(4)));
    assert_eq!(h.invites[0].count, 1);
    assert!(h.invites[0].emails.is_empty());
    let a = person(&[Role::MarketoAdmin], "Ana");
    let m = merge(&a, &h);
    assert_eq!(m.progress.status(ItemId::InstallPackage), Status::Done);
    assert_eq!(m.progress.handoff.last_merged_at, Some(at(4)));
    assert_eq!(merge(&m.progress, &h).progress, m.progress);
}

#[test]
fn the_newer_change_wins_with_its_reason_and_who() {
    let g = guide();
    let mut a = person(&[Role::MarketoAdmin], "Ana");
    mark(
        &mut a,
        &g,
        ItemId::SetupSalesAccount,
        Status::Done,
        None,
        10,
    );
    mark(
        &mut a,
        &g,
        ItemId::ConnectMarketo,
        Status::Blocked,
        Some("no API user yet"),
        11,
    );
    let mut b = person(&[Role::SalesforceAdmin], "Bo");
    mark(&mut b, &g, ItemId::InstallPackage, Status::Done, None, 12);
    let h = Handoff::export(&a, at(20), false);
    let m = merge(&b, &h);
    let p = &m.progress;
    assert_eq!(p.status(ItemId::SetupSalesAccount), Status::Done);
    let blocked = p.item(ItemId::ConnectMarketo);
    assert_eq!(blocked.status, Status::Blocked);
    assert_eq!(blocked.reason.as_deref(), Some("no API user yet"));
    assert_eq!(blocked.updated_by.as_deref(), Some("Ana"));
    assert_eq!(p.status(ItemId::InstallPackage), Status::Done, "mine stays");
    assert_eq!(
        m.changes.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ItemId::SetupSalesAccount, ItemId::ConnectMarketo]
    );
    assert!(m.conflicts.is_empty());
    assert_eq!(p.handoff.last_merged_at, Some(at(20)));
    assert_eq!(
        p.handoff.peer.as_ref().and_then(|x| x.name.as_deref()),
        Some("Ana")
    );
    // An older change of theirs does not undo a newer one of mine.
    let mut b2 = p.clone();
    mark(&mut b2, &g, ItemId::ConnectMarketo, Status::Done, None, 30);
    let again = merge(&b2, &h);
    assert_eq!(again.progress.status(ItemId::ConnectMarketo), Status::Done);
    assert!(again.changes.is_empty() && again.conflicts.is_empty());
}

#[test]
fn both_changed_since_last_seen_is_a_conflict_the_newer_wins_and_both_are_kept() {
    let g = guide();
    let mut a = person(&[Role::MarketoAdmin], "Ana");
    let mut b = person(&[Role::SalesforceAdmin], "Bo");
    mark(
        &mut b,
        &g,
        ItemId::ConnectSalesforce,
        Status::Blocked,
        Some("no login"),
        5,
    );
    mark(&mut a, &g, ItemId::ConnectSalesforce, Status::Done, None, 7);
    let h = Handoff::export(&a, at(8), false);
    let m = merge(&b, &h);
    assert_eq!(m.conflicts.len(), 1);
    let c = &m.conflicts[0];
    assert_eq!(
        (c.id, c.kept, c.mine.status, c.theirs.status),
        (
            ItemId::ConnectSalesforce,
            Side::Theirs,
            Status::Blocked,
            Status::Done
        )
    );
    let item = m.progress.item(ItemId::ConnectSalesforce);
    assert_eq!(item.status, Status::Done);
    assert_eq!(item.updated_by.as_deref(), Some("Ana"));
    let hist: Vec<(Status, Option<&str>)> = item
        .history
        .iter()
        .map(|c| (c.status, c.by.as_deref()))
        .collect();
    assert_eq!(
        hist,
        [(Status::Blocked, Some("Bo")), (Status::Done, Some("Ana"))]
    );
    // The other way round, mine is newer: kept, still a conflict, both in history.
    let h_b = Handoff::export(&b, at(9), false);
    let m2 = merge(&a, &h_b);
    assert_eq!(m2.conflicts.len(), 1);
    assert_eq!(m2.conflicts[0].kept, Side::Mine);
    assert!(m2.changes.is_empty());
    assert_eq!(m2.progress.status(ItemId::ConnectSalesforce), Status::Done);
    assert_eq!(m2.progress.item(ItemId::ConnectSalesforce).history.len(), 2);
    // Once A has merged B's file, A's next export says so: B changing the step again is no
    // conflict for A's unchanged step.
    let a2 = m2.progress;
    let mut b2 = m.progress.clone();
    mark(
        &mut b2,
        &g,
        ItemId::ConnectSalesforce,
        Status::Skipped,
        Some("done by IT"),
        12,
    );
    let m3 = merge(&a2, &Handoff::export(&b2, at(13), false));
    assert!(m3.conflicts.is_empty(), "{:?}", m3.conflicts);
    assert_eq!(
        m3.progress.status(ItemId::ConnectSalesforce),
        Status::Skipped
    );
}

#[test]
fn checks_and_batches_are_taken_once_and_not_echoed_back() {
    let mut a = person(&[Role::MarketoAdmin], "Ana");
    a.record_invites(batch(2, &["kim@example.com"]));
    let mut o = CheckOutcome::new(CheckId::MarketoAuth, CheckStatus::Pass, Detail::new("k"));
    o.finished_at = Some(at(3));
    a.checks.insert(CheckId::MarketoAuth, o);
    let b = person(&[Role::SalesforceAdmin], "Bo");
    let m = merge(&b, &Handoff::export(&a, at(4), false));
    assert_eq!((m.checks, m.invites), (1, 1));
    assert_eq!(m.progress.handoff.peer_invites[0].count, 1);
    let back = merge(&a, &Handoff::export(&m.progress, at(5), false));
    assert_eq!((back.checks, back.invites), (0, 0));
    assert!(back.progress.handoff.peer_invites.is_empty());
    assert!(back.progress.handoff.peer_checks.is_empty());
}

#[test]
fn marks_round_trip_through_the_progress_file() {
    let g = guide();
    let mut a = person(&[Role::MarketoAdmin], "Ana");
    mark(&mut a, &g, ItemId::SetupSalesAccount, Status::Done, None, 1);
    let mut b = person(&[Role::SalesforceAdmin], "Bo");
    mark(
        &mut b,
        &g,
        ItemId::SetupSalesAccount,
        Status::Blocked,
        Some("x"),
        0,
    );
    let mut o = CheckOutcome::new(CheckId::MarketoAuth, CheckStatus::Warn, Detail::new("k"));
    o.finished_at = Some(at(3));
    a.checks.insert(CheckId::MarketoAuth, o);
    a.record_invites(batch(2, &["kim@example.com"]));
    let merged = merge(&b, &Handoff::export(&a, at(4), false)).progress;
    assert!(!merged.handoff.is_empty());
    let text = merged.to_toml().unwrap_or_default();
    assert!(text.contains("[handoff]"), "{text}");
    assert!(
        text.contains("[[items.setup-sales-account.history]]"),
        "{text}"
    );
    assert_eq!(Progress::from_toml(&text).ok(), Some(merged));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const IDS: [ItemId; 3] = [
        ItemId::SetupSalesAccount,
        ItemId::ConnectSalesforce,
        ItemId::InstallPackage,
    ];

    fn item() -> impl Strategy<Value = Option<ItemProgress>> {
        proptest::option::of(
            (0..5usize, proptest::option::of(0..6i64), 0..3usize).prop_map(|(s, t, who)| {
                let status = [
                    Status::Todo,
                    Status::InProgress,
                    Status::Done,
                    Status::Skipped,
                    Status::Blocked,
                ][s];
                ItemProgress {
                    status,
                    reason: status.needs_reason().then(|| "why".to_string()),
                    updated_at: t.map(at),
                    updated_by: ["Ana", "Bo", "Lee"].get(who).map(|s| (*s).to_string()),
                    ..ItemProgress::default()
                }
            }),
        )
    }

    fn progress() -> impl Strategy<Value = Progress> {
        (
            proptest::collection::vec(item(), IDS.len()),
            proptest::option::of(0..6i64),
        )
            .prop_map(|(items, seen)| {
                let mut p = Progress::default();
                for (id, i) in IDS.iter().zip(items) {
                    if let Some(i) = i {
                        p.items.insert(*id, i);
                    }
                }
                p.handoff.last_merged_at = seen.map(at);
                p
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn merging_twice_changes_nothing(mine in progress(), theirs in progress(), t in 0..8i64) {
            let h = Handoff::export(&theirs, at(t), false);
            let once = merge(&mine, &h);
            let twice = merge(&once.progress, &h);
            prop_assert_eq!(&twice.progress, &once.progress);
            prop_assert!(twice.changes.is_empty());
            prop_assert!(twice.conflicts.is_empty());
        }

        #[test]
        fn the_newer_change_always_wins(mine in progress(), theirs in progress(), t in 0..8i64) {
            let h = Handoff::export(&theirs, at(t), false);
            let out = merge(&mine, &h).progress;
            for id in IDS {
                let m = mine.items.get(&id).and_then(|i| i.updated_at);
                let th = theirs.items.get(&id).and_then(|i| i.updated_at);
                let got = out.items.get(&id).map(ItemProgress::as_change);
                match (m, th) {
                    (Some(a), Some(b)) if b > a => prop_assert_eq!(got, theirs.items.get(&id).map(ItemProgress::as_change)),
                    (Some(_), _) => prop_assert_eq!(got, mine.items.get(&id).map(ItemProgress::as_change)),
                    (None, Some(_)) => prop_assert_eq!(got, theirs.items.get(&id).map(ItemProgress::as_change)),
                    (None, None) => {}
                }
            }
        }
    }
}
