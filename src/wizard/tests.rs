//! Transition tests: messages in, screens and effects out. No terminal, disk or clock.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::*;
use crate::domain::guide::Guide;
use crate::domain::progress::{Progress, Status};
use crate::domain::text::{Catalog, Lang};
use crate::input::{self, Context};

fn at(sec: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + sec).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn guide() -> Arc<Guide> {
    Arc::new(Guide::embedded().unwrap_or_else(|e| panic!("guide: {e}")))
}

fn wizard_with(progress: Progress, step: Option<&str>) -> Wizard {
    let tr = Catalog::load(Lang::En).unwrap_or_else(|e| panic!("catalog: {e}"));
    Wizard::new(
        guide(),
        tr,
        progress,
        Start {
            step: step.map(id),
            ..Start::default()
        },
    )
}

fn set_up(roles: &[&str]) -> Progress {
    let mut p = Progress::default();
    p.setup.roles = roles
        .iter()
        .map(|r| r.parse().unwrap_or_else(|_| panic!("no role {r}")))
        .collect();
    p.setup.name = Some("Ana".into());
    p
}

fn id(s: &str) -> ItemId {
    s.parse().unwrap_or_else(|_| panic!("no item {s}"))
}

/// The hub row of item `s`.
fn idx(w: &Wizard, s: &str) -> usize {
    let row = id(s).index();
    assert_eq!(w.guide.items()[row].id, id(s));
    row
}

fn saved(effects: &[Effect]) -> Option<&Progress> {
    effects.iter().find_map(|e| match e {
        Effect::Save(p) => Some(p.as_ref()),
        _ => None,
    })
}

fn send(w: &mut Wizard, msgs: &[Msg]) -> Vec<Effect> {
    let mut all = Vec::new();
    for (n, m) in msgs.iter().enumerate() {
        all.extend(w.update(m.clone(), at(i64::try_from(n).unwrap_or(0))));
    }
    all
}

fn key(w: &Wizard, code: KeyCode) -> Option<Msg> {
    input::to_msg(w, KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn first_run_opens_the_welcome_and_needs_a_role() {
    let mut w = wizard_with(Progress::default(), None);
    assert!(matches!(&w.screen, Screen::Welcome(f) if f.first_run));
    // Esc never quits, and on the first run does not leave the form either.
    assert!(send(&mut w, &[Msg::Back]).is_empty());
    assert!(matches!(w.screen, Screen::Welcome(_)));
    // Enter without a role: an error, nothing saved.
    assert!(send(&mut w, &[Msg::Next]).is_empty());
    assert!(matches!(&w.screen, Screen::Welcome(f) if f.error == Some("core.welcome.need-role")));
}

#[test]
fn welcome_records_roles_name_and_language_then_opens_the_hub() {
    let mut w = wizard_with(Progress::default(), None);
    // Rows: en, zh-TW, ko, marketo-admin, salesforce-admin, name, start.
    let mut msgs = vec![Msg::Down, Msg::Down, Msg::Toggle]; // choose 한국어
    msgs.extend([Msg::Down, Msg::Down, Msg::Toggle]); // salesforce-admin
    msgs.push(Msg::Down); // name
    msgs.extend("Min-jun".chars().map(Msg::Input));
    msgs.push(Msg::Backspace);
    msgs.push(Msg::Input('n'));
    msgs.push(Msg::Next);
    let effects = send(&mut w, &msgs);
    let p = saved(&effects).unwrap_or_else(|| panic!("no save: {effects:?}"));
    assert_eq!(p.setup.roles, vec![Role::SalesforceAdmin]);
    assert_eq!(p.setup.name.as_deref(), Some("Min-jun"));
    assert_eq!(p.setup.lang, Some(Lang::Ko));
    assert!(p.setup.started_at.is_some());
    assert_eq!(w.tr.lang(), Lang::Ko);
    // The hub opens on the first item the Salesforce admin owns.
    assert_eq!(
        w.screen,
        Screen::Hub(Hub {
            cursor: idx(&w, "connect-salesforce")
        })
    );
}

#[test]
fn tab_on_the_welcome_moves_one_field_not_one_row() {
    let mut w = wizard_with(Progress::default(), None);
    let cursor = |w: &Wizard| match &w.screen {
        Screen::Welcome(f) => f.cursor,
        other => panic!("not the welcome: {other:?}"),
    };
    // Rows: en, zh-TW, ko | marketo-admin, salesforce-admin | name | start.
    assert_eq!(key(&w, KeyCode::Tab), Some(Msg::FocusNext));
    let mut seen = Vec::new();
    for _ in 0..5 {
        send(&mut w, &[Msg::FocusNext]);
        seen.push(cursor(&w));
    }
    assert_eq!(
        seen,
        [3, 5, 6, 0, 3],
        "languages → roles → name → start → languages"
    );
    // From the middle of a field, to the start of the next one.
    send(&mut w, &[Msg::Down, Msg::FocusNext]);
    assert_eq!(cursor(&w), 5);
    // ↓ still moves one row.
    send(&mut w, &[Msg::Up, Msg::Up, Msg::Down]);
    assert_eq!(cursor(&w), 4);
}

#[test]
fn typing_q_in_the_name_field_types_it() {
    let w = {
        let mut w = wizard_with(Progress::default(), None);
        send(
            &mut w,
            &[Msg::Down, Msg::Down, Msg::Down, Msg::Down, Msg::Down],
        );
        w
    };
    assert_eq!(input::context(&w), Context::WelcomeName);
    assert_eq!(key(&w, KeyCode::Char('q')), Some(Msg::Input('q')));
    assert_eq!(key(&w, KeyCode::Char('?')), Some(Msg::Input('?')));
    let ctrl_c = input::to_msg(&w, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(ctrl_c, Some(Msg::ForceQuit));
}

#[test]
fn resume_puts_the_cursor_on_the_next_undone_item_for_my_roles() {
    let g = guide();
    let mut p = set_up(&["marketo-admin"]);
    for id in [
        "prereq-actions-enabled",
        "prereq-crm-sync",
        "setup-sales-account",
    ] {
        let item = g.item(self::id(id));
        p.set_status(item, Status::Done, None, at(0), Some("Ana"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let w = wizard_with(p.clone(), None);
    assert_eq!(
        w.screen,
        Screen::Hub(Hub {
            cursor: idx(&w, "connect-salesforce")
        })
    );

    // A Salesforce admin resumes on their own first item whose needs are met.
    p.setup.roles = vec![Role::SalesforceAdmin];
    let w = wizard_with(p, None);
    assert_eq!(
        w.screen,
        Screen::Hub(Hub {
            cursor: idx(&w, "connect-salesforce")
        })
    );
}

#[test]
fn step_flag_opens_that_step_directly() {
    let w = wizard_with(set_up(&["salesforce-admin"]), Some("install-package"));
    assert_eq!(w.screen, Screen::Step(StepView::new(id("install-package"))));
}

#[test]
fn ticking_saves_and_starts_the_step() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("setup-sales-account"));
    let effects = send(&mut w, &[Msg::Toggle]);
    let p = saved(&effects).unwrap_or_else(|| panic!("no save"));
    let first = w.guide.item(id("setup-sales-account")).substeps[0]
        .id
        .clone();
    let item = p.item(id("setup-sales-account"));
    assert!(item.ticked.contains(&first));
    assert_eq!(item.status, Status::InProgress);
    assert_eq!(item.updated_by.as_deref(), Some("Ana"));
    // Untick again.
    let effects = send(&mut w, &[Msg::Toggle]);
    assert!(saved(&effects).is_some_and(|p| p.item(id("setup-sales-account")).ticked.is_empty()));
}

#[test]
fn mark_done_with_unticked_substeps_asks_first() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("setup-sales-account"));
    let i = id("setup-sales-account");
    let total = w.progress.substep_counts(w.guide.item(i)).1;
    assert!(send(&mut w, &[Msg::MarkDone]).is_empty());
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::MarkDoneAnyway {
            item: i,
            unticked: total
        }))
    );
    // No keeps everything as it was.
    assert!(send(&mut w, &[Msg::No]).is_empty());
    assert_eq!(w.overlay, None);
    assert_eq!(w.progress.status(id("setup-sales-account")), Status::Todo);
    // Yes marks it done and saves.
    send(&mut w, &[Msg::MarkDone]);
    let effects = send(&mut w, &[Msg::Yes]);
    assert_eq!(
        saved(&effects).map(|p| p.status(id("setup-sales-account"))),
        Some(Status::Done)
    );
}

#[test]
fn mark_done_after_ticking_everything_needs_no_confirmation() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("connect-marketo"));
    let i = id("connect-marketo");
    let n = w.visible_substeps(i).len();
    for k in 0..n {
        let optional = w.visible_substeps(i)[k].optional;
        if !optional {
            send(&mut w, &[Msg::Toggle]);
        }
        send(&mut w, &[Msg::Down]);
    }
    let effects = send(&mut w, &[Msg::MarkDone]);
    assert_eq!(w.overlay, None);
    assert_eq!(
        saved(&effects).map(|p| p.status(id("connect-marketo"))),
        Some(Status::Done)
    );
}

#[test]
fn skip_needs_a_reason_and_records_it() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("invite-users"));
    send(&mut w, &[Msg::Skip]);
    assert!(matches!(
        w.overlay,
        Some(Overlay::Reason {
            status: Status::Skipped,
            ..
        })
    ));
    // Empty reason: refused, overlay stays, nothing saved.
    assert!(send(&mut w, &[Msg::Next]).is_empty());
    assert!(matches!(
        w.overlay,
        Some(Overlay::Reason {
            empty_error: true,
            ..
        })
    ));
    let mut msgs: Vec<Msg> = "later".chars().map(Msg::Input).collect();
    msgs.push(Msg::Paste(" batch\n2".into()));
    msgs.push(Msg::Next);
    let effects = send(&mut w, &msgs);
    let p = saved(&effects).unwrap_or_else(|| panic!("no save"));
    assert_eq!(p.status(id("invite-users")), Status::Skipped);
    assert_eq!(
        p.item(id("invite-users")).reason.as_deref(),
        Some("later batch 2")
    );
    assert_eq!(w.overlay, None);
}

#[test]
fn esc_in_the_reason_overlay_cancels_without_saving() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("invite-users"));
    let effects = send(&mut w, &[Msg::Block, Msg::Input('x'), Msg::Back]);
    assert!(effects.is_empty());
    assert_eq!(w.overlay, None);
    assert_eq!(w.progress.status(id("invite-users")), Status::Todo);
}

#[test]
fn back_returns_to_the_hub_and_never_quits() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("start-data-sync"));
    let effects = send(&mut w, &[Msg::Back]);
    assert!(effects.is_empty());
    assert_eq!(
        w.screen,
        Screen::Hub(Hub {
            cursor: idx(&w, "start-data-sync")
        })
    );
    let effects = send(&mut w, &[Msg::Back, Msg::Back]);
    assert!(!effects.contains(&Effect::Quit));
    assert!(matches!(w.screen, Screen::Hub(_)));
}

#[test]
fn quit_and_force_quit() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), None);
    assert_eq!(send(&mut w, &[Msg::Quit]), vec![Effect::Quit]);
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("invite-users"));
    send(&mut w, &[Msg::Skip]);
    // Ctrl-C works even inside an overlay with a text field (after saving where it was).
    let effects = send(&mut w, &[Msg::ForceQuit]);
    assert_eq!(effects.last(), Some(&Effect::Quit));
    assert!(
        effects[..effects.len() - 1]
            .iter()
            .all(|e| matches!(e, Effect::Save(_)))
    );
}

#[test]
fn next_walks_my_steps_in_order_and_ends_on_the_summary() {
    let g = guide();
    let mut p = set_up(&["salesforce-admin"]);
    for id in ["connect-salesforce", "install-package"] {
        let item = g.item(self::id(id));
        p.set_status(item, Status::Done, None, at(0), None)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut w = wizard_with(p, Some("connect-salesforce"));
    send(&mut w, &[Msg::Next]);
    assert_eq!(w.screen, Screen::Step(StepView::new(id("install-package"))));
    send(&mut w, &[Msg::Next]);
    assert_eq!(
        w.screen,
        Screen::Step(StepView::new(id("configure-salesforce")))
    );
    // Last step, not done: back to the hub.
    send(&mut w, &[Msg::Next]);
    assert!(matches!(w.screen, Screen::Hub(_)));
    // Skip it with a reason, then Continue: nothing left → summary.
    send(
        &mut w,
        &[Msg::End, Msg::Next, Msg::Skip, Msg::Input('n'), Msg::Next],
    );
    assert_eq!(
        w.progress.status(id("configure-salesforce")),
        Status::Skipped
    );
    send(&mut w, &[Msg::Back, Msg::Continue]);
    assert_eq!(w.screen, Screen::Summary);
    send(&mut w, &[Msg::Back]);
    assert!(matches!(w.screen, Screen::Hub(_)));
}

#[test]
fn continue_opens_the_next_undone_step() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), None);
    send(&mut w, &[Msg::End, Msg::Continue]);
    assert_eq!(
        w.screen,
        Screen::Step(StepView::new(ItemId::PrereqActionsEnabled))
    );
}

#[test]
fn switching_the_route_changes_the_substeps_and_is_saved() {
    let mut w = wizard_with(set_up(&["salesforce-admin"]), Some("install-package"));
    let i = id("install-package");
    let install = w.progress.substep_counts(w.guide.item(i)).1;
    let effects = send(&mut w, &[Msg::Down, Msg::CycleVariant]);
    let p = saved(&effects).unwrap_or_else(|| panic!("no save"));
    assert_eq!(
        p.item(id("install-package")).variant.as_deref(),
        Some("upgrade")
    );
    let upgrade = w.progress.substep_counts(w.guide.item(i)).1;
    assert_ne!(install, upgrade);
    assert!(matches!(&w.screen, Screen::Step(v) if v.cursor == 0));
    assert_eq!(key(&w, KeyCode::Char('v')), Some(Msg::CycleVariant));
    // Items without routes ignore it, and do not offer the key.
    let mut w = wizard_with(set_up(&["salesforce-admin"]), Some("configure-salesforce"));
    assert!(send(&mut w, &[Msg::CycleVariant]).is_empty());
    assert_eq!(key(&w, KeyCode::Char('v')), None);
}

#[test]
fn edit_setup_from_the_hub_and_cancel_keeps_the_old_language() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), None);
    w.progress.setup.lang = Some(Lang::En);
    send(&mut w, &[Msg::EditSetup]);
    assert!(matches!(&w.screen, Screen::Welcome(f) if !f.first_run));
    send(&mut w, &[Msg::Down, Msg::Toggle]);
    assert_eq!(w.tr.lang(), Lang::ZhTw);
    let effects = send(&mut w, &[Msg::Back]);
    assert!(effects.is_empty());
    assert_eq!(w.tr.lang(), Lang::En);
    assert!(matches!(w.screen, Screen::Hub(_)));
}

#[test]
fn help_overlay_opens_and_closes_and_blocks_other_keys() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("setup-sales-account"));
    send(&mut w, &[Msg::Help]);
    assert_eq!(w.overlay, Some(Overlay::Help));
    assert!(send(&mut w, &[Msg::Toggle]).is_empty());
    assert_eq!(w.overlay, Some(Overlay::Help));
    send(&mut w, &[Msg::Back]);
    assert_eq!(w.overlay, None);
    assert!(matches!(w.screen, Screen::Step(_)));
}

#[test]
fn too_small_only_offers_quit() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), None);
    send(&mut w, &[Msg::Resize(60, 20)]);
    assert!(w.too_small());
    assert_eq!(input::context(&w), Context::TooSmall);
    assert_eq!(key(&w, KeyCode::Enter), None);
    assert_eq!(key(&w, KeyCode::Char('q')), Some(Msg::Quit));
    send(&mut w, &[Msg::Resize(80, 24)]);
    assert_eq!(input::context(&w), Context::Hub);
}

#[test]
fn save_failure_is_shown_and_keeps_the_change_in_memory() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("setup-sales-account"));
    let why = notice(
        Detail::new("core.err.write")
            .arg("path", "/cfg/progress.toml")
            .arg("error", "disk full"),
    );
    send(&mut w, &[Msg::Toggle, Msg::SaveFailed(why.clone())]);
    let Some(Banner {
        text: BannerText::Notices(shown),
        kind: BannerKind::Error,
    }) = &w.banner
    else {
        panic!("an error banner: {:?}", w.banner);
    };
    // The error itself travels; it is rendered (in the user's language) only when drawn.
    assert_eq!(shown.first(), Some(&why));
    let text: Vec<String> = shown.iter().map(|n| n.0.localize(&w.tr)).collect();
    assert!(text[0].contains("disk full") && text[0].contains("/cfg/progress.toml"));
    assert_eq!(text[1], w.tr.t("core.err.write-kept"));
    assert_eq!(text.len(), 2);
    assert_eq!(
        w.progress.status(id("setup-sales-account")),
        Status::InProgress
    );
}

#[test]
fn every_footer_hint_is_a_real_binding_of_its_context() {
    let screens: Vec<Wizard> = vec![
        wizard_with(Progress::default(), None),
        wizard_with(set_up(&["marketo-admin"]), None),
        wizard_with(set_up(&["salesforce-admin"]), Some("install-package")),
        {
            let mut w = wizard_with(set_up(&["marketo-admin"]), Some("invite-users"));
            send(&mut w, &[Msg::Skip]);
            w
        },
        {
            let mut w = wizard_with(set_up(&["marketo-admin"]), Some("invite-users"));
            send(&mut w, &[Msg::MarkDone]);
            w
        },
    ];
    for w in &screens {
        let ctx = input::context(w);
        for b in input::active(w, ctx) {
            for code in b.keys {
                assert_eq!(key(w, *code), Some(b.msg.clone()), "{ctx:?}: {code:?}");
            }
        }
        assert!(!input::footer_hints(w).is_empty(), "{ctx:?} has no footer");
    }
}

// ---- live checks, credentials, field preview ----

use crate::domain::checks::{CheckId, CheckOutcome, CheckStatus, Detail, System};
use crate::wizard::preview::PreviewMode;

fn runs(effects: &[Effect]) -> Vec<(u64, CheckId)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunCheck { ticket, id } => Some((*ticket, *id)),
            _ => None,
        })
        .collect()
}

fn outcome(id: CheckId, status: CheckStatus) -> Box<CheckOutcome> {
    Box::new(CheckOutcome::new(
        id,
        status,
        Detail::new("checks.sf-package.pass"),
    ))
}

#[test]
fn l_runs_the_checks_of_the_step_and_a_pass_offers_to_tick() {
    let mut w = wizard_with(set_up(&["salesforce-admin"]), Some("install-package"));
    assert_eq!(key(&w, KeyCode::Char('l')), Some(Msg::RunChecks));
    let started = runs(&send(&mut w, &[Msg::RunChecks]));
    assert_eq!(
        started.iter().map(|(_, id)| *id).collect::<Vec<_>>(),
        vec![CheckId::SfPackage]
    );
    assert!(w.is_busy());
    // Pressing l again while it runs starts nothing new.
    assert!(runs(&send(&mut w, &[Msg::RunChecks])).is_empty());
    let (ticket, id) = started[0];
    let effects = send(
        &mut w,
        &[Msg::CheckFinished {
            ticket,
            outcome: outcome(id, CheckStatus::Pass),
        }],
    );
    let p = saved(&effects).unwrap_or_else(|| panic!("no save"));
    assert_eq!(
        p.checks.get(&CheckId::SfPackage).map(|o| o.status),
        Some(CheckStatus::Pass)
    );
    assert!(p.checks[&CheckId::SfPackage].finished_at.is_some());
    assert!(!w.is_busy());
    let Some(Overlay::Confirm(ConfirmAction::TickProven { subs, .. })) = &w.overlay else {
        panic!("no offer to tick: {:?}", w.overlay)
    };
    assert_eq!(subs, &vec!["verify-installed".to_string()]);
    let effects = send(&mut w, &[Msg::Yes]);
    assert!(saved(&effects).is_some_and(|p| {
        p.item(ItemId::InstallPackage)
            .ticked
            .contains("verify-installed")
    }));
}

#[test]
fn a_stale_result_is_ignored() {
    let mut w = wizard_with(set_up(&["salesforce-admin"]), Some("install-package"));
    let (ticket, id) = runs(&send(&mut w, &[Msg::RunChecks]))[0];
    // An unknown ticket: ignored.
    let stale = ticket + 100;
    assert!(
        send(
            &mut w,
            &[Msg::CheckFinished {
                ticket: stale,
                outcome: outcome(id, CheckStatus::Fail)
            }]
        )
        .is_empty()
    );
    assert!(w.progress.checks.is_empty());
    assert!(w.is_busy());
    // The real one arrives, then a duplicate of it: the duplicate is ignored.
    send(
        &mut w,
        &[Msg::CheckFinished {
            ticket,
            outcome: outcome(id, CheckStatus::Warn),
        }],
    );
    let effects = send(
        &mut w,
        &[Msg::CheckFinished {
            ticket,
            outcome: outcome(id, CheckStatus::Fail),
        }],
    );
    assert!(effects.is_empty());
    assert_eq!(
        w.progress.checks[&CheckId::SfPackage].status,
        CheckStatus::Warn
    );
}

#[test]
fn leaving_the_screen_cancels_its_checks_and_late_results_are_dropped() {
    let mut w = wizard_with(set_up(&["salesforce-admin"]), Some("configure-salesforce"));
    let started = runs(&send(&mut w, &[Msg::RunChecks]));
    assert_eq!(started.len(), 3);
    let effects = send(&mut w, &[Msg::Back]);
    let mut cancelled: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::CancelCheck { ticket } => Some(*ticket),
            _ => None,
        })
        .collect();
    cancelled.sort_unstable();
    assert_eq!(
        cancelled,
        started.iter().map(|(t, _)| *t).collect::<Vec<_>>()
    );
    assert!(!w.is_busy());
    let (ticket, id) = started[0];
    assert!(
        send(
            &mut w,
            &[Msg::CheckFinished {
                ticket,
                outcome: outcome(id, CheckStatus::Pass)
            }]
        )
        .is_empty()
    );
    assert!(w.progress.checks.is_empty());
}

#[test]
fn opening_an_overlay_does_not_cancel_and_steps_without_checks_say_so() {
    let mut w = wizard_with(set_up(&["salesforce-admin"]), Some("install-package"));
    send(&mut w, &[Msg::RunChecks, Msg::Help]);
    assert!(w.is_busy());
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("connect-marketo"));
    assert!(send(&mut w, &[Msg::RunChecks]).is_empty());
    assert!(w.banner.is_some());
    assert_eq!(key(&w, KeyCode::Char('l')), None);
}

#[test]
fn the_credentials_form_hands_over_typed_values_and_never_shows_them_in_debug() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("start-data-sync"));
    send(&mut w, &[Msg::EditCredentials]);
    assert!(matches!(&w.overlay, Some(Overlay::Credentials(f)) if f.system == System::Marketo));
    assert_eq!(input::context(&w), Context::CredentialsText);
    let mut msgs: Vec<Msg> = "123-ABC-456".chars().map(Msg::Input).collect();
    msgs.push(Msg::Next);
    msgs.push(Msg::Paste("  my-client-id \n".into()));
    msgs.push(Msg::FocusNext);
    msgs.extend("s3cr3t-value".chars().map(Msg::Input));
    msgs.extend([Msg::Down, Msg::Toggle, Msg::Down, Msg::Next]);
    let effects = send(&mut w, &msgs);
    let Some(Effect::SubmitCredentials(input)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        input.values,
        vec!["123-ABC-456", "my-client-id", "s3cr3t-value"]
    );
    assert!(input.remember);
    let debug = format!("{effects:?} {:?} {w:?}", w.overlay);
    assert!(
        !debug.contains("s3cr3t-value") && !debug.contains("my-client-id"),
        "{debug}"
    );
    // Rejected: the form stays with the reason; accepted: it closes and runs the check.
    let why = notice(Detail::new("checks.config.bad-munchkin").arg("value", "123"));
    send(&mut w, &[Msg::CredentialsRejected(why.clone())]);
    assert!(matches!(&w.overlay, Some(Overlay::Credentials(f)) if f.error == Some(why.clone())));
    let effects = send(&mut w, &[Msg::CredentialsAccepted(System::Marketo)]);
    assert_eq!(w.overlay, None);
    assert_eq!(
        runs(&effects).iter().map(|(_, id)| *id).collect::<Vec<_>>(),
        vec![CheckId::MarketoSyncFields]
    );
}

#[test]
fn the_preview_sorts_filters_and_computes() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("start-data-sync"));
    assert_eq!(key(&w, KeyCode::Char('p')), Some(Msg::OpenPreview));
    send(&mut w, &[Msg::OpenPreview]);
    assert!(matches!(w.screen, Screen::Preview(_)));
    assert_eq!(key(&w, KeyCode::Char('2')), Some(Msg::SortBy(1)));
    send(&mut w, &[Msg::SortBy(1), Msg::SortBy(1)]);
    let Screen::Preview(p) = &w.screen else {
        panic!()
    };
    assert_eq!(
        p.sort.map(|k| k.dir),
        Some(crate::domain::fields::SortDir::Desc)
    );
    // Filter: typing narrows the view; Esc clears it.
    send(&mut w, &[Msg::Search]);
    assert_eq!(input::context(&w), Context::PreviewText);
    send(&mut w, &"email".chars().map(Msg::Input).collect::<Vec<_>>());
    let Screen::Preview(p) = &w.screen else {
        panic!()
    };
    let n = crate::domain::fields::view(&w.preview_rows(), p.sort, p.filter.value()).len();
    assert!((1..13).contains(&n), "{n}");
    send(&mut w, &[Msg::Back]);
    assert!(
        matches!(&w.screen, Screen::Preview(p) if p.filter.value().is_empty() && p.mode == PreviewMode::Table)
    );
    // Calculator.
    send(&mut w, &[Msg::FocusNext]);
    send(&mut w, &"25k".chars().map(Msg::Input).collect::<Vec<_>>());
    assert!(matches!(&w.screen, Screen::Preview(p) if p.head_count.value() == "25k"));
    // Esc leaves the field, then the preview.
    send(&mut w, &[Msg::Back, Msg::Back]);
    assert_eq!(w.screen, Screen::Step(StepView::new(id("start-data-sync"))));
}

// ---- key labels come from the keymap ----

#[test]
fn overlays_show_the_keys_of_their_own_keymap() {
    let keys = |ctx| {
        input::overlay_hints(ctx)
            .into_iter()
            .map(|(k, h)| format!("{k} {h}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(Context::Confirm), ["y keys.yes", "n/Esc keys.no"]);
    assert_eq!(
        keys(Context::Reason),
        ["Enter keys.save", "Esc keys.cancel"]
    );
    // The keys shown are keys that do it.
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("setup-sales-account"));
    send(&mut w, &[Msg::MarkDone]);
    assert_eq!(input::context(&w), Context::Confirm);
    assert_eq!(key(&w, KeyCode::Char('y')), Some(Msg::Yes));
    assert_eq!(key(&w, KeyCode::Char('n')), Some(Msg::No));
    assert_eq!(key(&w, KeyCode::Esc), Some(Msg::No));
}

#[test]
fn the_sort_range_is_derived_from_the_digit_keys() {
    let mut w = wizard_with(set_up(&["marketo-admin"]), Some("start-data-sync"));
    send(&mut w, &[Msg::OpenPreview]);
    assert_eq!(input::context(&w), Context::Preview);
    let sort: Vec<String> = input::footer_hints(&w)
        .into_iter()
        .filter(|(_, h)| *h == "keys.sort")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(sort, ["1-6"]);
    for (n, c) in ('1'..='6').enumerate() {
        let col = u8::try_from(n).unwrap_or(u8::MAX);
        assert_eq!(key(&w, KeyCode::Char(c)), Some(Msg::SortBy(col)));
    }
    assert_eq!(key(&w, KeyCode::Char('7')), None);
}

#[test]
fn texts_that_name_a_key_take_it_from_the_keymap() {
    let w = wizard_with(set_up(&["marketo-admin"]), Some("setup-sales-account"));
    let args = input::key_args(&w);
    let label = |name: &str| {
        args.iter()
            .find(|(n, _)| n == name)
            .map(|(_, l)| l.as_str())
    };
    assert_eq!(label("key-done"), Some("d"));
    assert_eq!(label("key-next-step"), Some("Enter"));
    assert_eq!(label("key-focus-notes"), Some("Tab"));
    assert_eq!(label("key-live"), Some("l"));
    assert_eq!(label("key-quit"), Some("q"));
    // Every `{key-…}` placeholder in the catalog names a binding.
    let hints: Vec<String> = input::all_hint_keys()
        .iter()
        .map(|h| input::key_placeholder(h))
        .collect();
    for lang in Lang::ALL {
        let map = crate::domain::text::load_lang(lang).unwrap_or_else(|e| panic!("{e}"));
        for (k, v) in &map {
            for p in crate::domain::text::placeholders(v) {
                if p.starts_with("key-") {
                    assert!(hints.contains(&p), "{lang} {k}: {{{p}}} is not a key");
                }
            }
        }
    }
    // A banner that names a key is rendered with the keymap's label.
    let mut w = w;
    let subs = w.visible_substeps(ItemId::SetupSalesAccount).len();
    for _ in 0..subs {
        send(&mut w, &[Msg::Toggle, Msg::Down]);
    }
    let Some(Banner {
        text: BannerText::Notices(said),
        kind: BannerKind::Info,
    }) = &w.banner
    else {
        panic!("a banner: {:?}", w.banner);
    };
    assert_eq!(said.len(), 1);
    assert_eq!(said[0].0.detail(), Detail::new("core.step.all-ticked"));
    let shown = crate::ui::with_keys(&w, &said[0].0.detail());
    assert_eq!(
        shown,
        "All sub-steps are ticked: press d to mark this step done."
    );
}
