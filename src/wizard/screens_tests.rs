//! Transition tests for issue 10: live checks counted as a set, the Upgrade route offered when
//! the package is installed, `c` and resuming where the user was, tick + Enter on the last line.

use std::sync::Arc;

use jiff::Timestamp;

use super::*;
use crate::domain::checks::{CheckId, CheckOutcome, CheckStatus, Detail};
use crate::domain::guide::Guide;
use crate::domain::progress::Progress;
use crate::domain::text::{Catalog, Lang};

fn at(sec: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + sec).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn wizard(p: Progress, step: Option<ItemId>) -> Wizard {
    let g = Arc::new(Guide::embedded().unwrap_or_else(|e| panic!("{e}")));
    let tr = Catalog::load(Lang::En).unwrap_or_else(|e| panic!("{e}"));
    Wizard::new(
        g,
        tr,
        p,
        Start {
            step,
            ..Start::default()
        },
    )
}

fn roles(rs: &[&str]) -> Progress {
    let mut p = Progress::default();
    p.setup.roles = rs
        .iter()
        .map(|r| r.parse().unwrap_or_else(|_| panic!("{r}")))
        .collect();
    p
}

fn banner(w: &Wizard) -> String {
    match w.banner.as_ref().map(|b| &b.text) {
        Some(BannerText::Text(t)) => t.clone(),
        Some(BannerText::Notices(ns)) => ns
            .iter()
            .map(|n| crate::ui::with_keys(w, &n.0.detail()))
            .collect::<Vec<_>>()
            .join(" "),
        None => String::new(),
    }
}

fn finish(w: &mut Wizard, ticket: u64, id: CheckId, status: CheckStatus, key: &str) {
    let o = CheckOutcome::new(id, status, Detail::new(key));
    w.update(
        Msg::CheckFinished {
            ticket,
            outcome: Box::new(o),
        },
        at(5),
    );
}

fn tickets(effects: &[Effect]) -> Vec<(u64, CheckId)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunCheck { ticket, id } => Some((*ticket, *id)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_headline_counts_every_check_not_the_last_one_to_end() {
    let mut w = wizard(
        roles(&["salesforce-admin"]),
        Some(ItemId::ConfigureSalesforce),
    );
    let started = tickets(&w.update(Msg::RunChecks, at(1)));
    assert_eq!(started.len(), 3, "{started:?}");
    // Two fail, and the pass ends last.
    let mut order = started.clone();
    order.sort_by_key(|(_, id)| *id == CheckId::SfPermissionSet);
    for (n, (ticket, id)) in order.iter().enumerate() {
        let status = if n < 2 {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        finish(&mut w, *ticket, *id, status, "checks.sf-remote-sites.pass");
    }
    let b = banner(&w);
    assert!(b.contains("2 failed") && b.contains("1 passed"), "{b}");
    assert!(!b.contains("PASS"), "{b}");
    // While one still runs, the headline says so.
    let started = tickets(&w.update(Msg::RunChecks, at(6)));
    finish(
        &mut w,
        started[0].0,
        started[0].1,
        CheckStatus::Fail,
        "checks.sf-remote-sites.pass",
    );
    let b = banner(&w);
    assert!(b.contains("2 running"), "{b}");
}

#[test]
fn an_installed_package_takes_the_upgrade_route_unless_one_was_chosen() {
    let mut w = wizard(roles(&["salesforce-admin"]), Some(ItemId::InstallPackage));
    let started = tickets(&w.update(Msg::RunChecks, at(1)));
    finish(
        &mut w,
        started[0].0,
        CheckId::SfPackage,
        CheckStatus::Pass,
        "checks.sf-package.pass",
    );
    let item = w.guide.item(ItemId::InstallPackage);
    assert_eq!(w.progress.variant_of(item), Some("upgrade"));
    assert!(banner(&w).contains("Upgrade"), "{}", banner(&w));

    // Chosen by hand: the route stays, the banner offers the switch and names the key.
    let mut w = wizard(roles(&["salesforce-admin"]), Some(ItemId::InstallPackage));
    w.update(Msg::CycleVariant, at(1));
    w.update(Msg::CycleVariant, at(2));
    let item = w.guide.item(ItemId::InstallPackage);
    assert_eq!(w.progress.variant_of(item), Some("install"));
    let started = tickets(&w.update(Msg::RunChecks, at(3)));
    finish(
        &mut w,
        started[0].0,
        CheckId::SfPackage,
        CheckStatus::Fail,
        "checks.sf-package.upgrade",
    );
    let item = w.guide.item(ItemId::InstallPackage);
    assert_eq!(w.progress.variant_of(item), Some("install"));
    let b = banner(&w);
    assert!(b.contains("Upgrade") && b.contains("Press v"), "{b}");

    // Not installed: nothing offered.
    let mut w = wizard(roles(&["salesforce-admin"]), Some(ItemId::InstallPackage));
    let started = tickets(&w.update(Msg::RunChecks, at(1)));
    finish(
        &mut w,
        started[0].0,
        CheckId::SfPackage,
        CheckStatus::Fail,
        "checks.sf-package.absent",
    );
    let item = w.guide.item(ItemId::InstallPackage);
    assert!(
        w.progress
            .items
            .get(&item.id)
            .and_then(|p| p.variant.clone())
            .is_none()
    );
    assert!(!banner(&w).contains("Upgrade"), "{}", banner(&w));
}

fn set(p: &mut Progress, id: ItemId, status: crate::domain::progress::Status) {
    let g = Guide::embedded().unwrap_or_else(|e| panic!("{e}"));
    let reason = (status == crate::domain::progress::Status::Blocked).then_some("waiting");
    p.set_status(g.item(id), status, reason, at(0), None)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn c_opens_the_next_undone_step_that_is_not_blocked() {
    use crate::domain::progress::Status;
    let mut p = roles(&["marketo-admin"]);
    set(&mut p, ItemId::PrereqActionsEnabled, Status::Done);
    set(&mut p, ItemId::PrereqCrmSync, Status::Done);
    set(&mut p, ItemId::SetupSalesAccount, Status::Blocked);
    let mut w = wizard(p, None);
    w.update(Msg::Continue, at(1));
    let Screen::Step(v) = &w.screen else {
        panic!("not a step: {:?}", w.screen)
    };
    assert_ne!(v.item, ItemId::SetupSalesAccount);
    assert_ne!(w.progress.status(v.item), Status::Blocked);
    // When every open step is blocked, c still opens one (the first).
    let mut p = roles(&["salesforce-admin"]);
    set(&mut p, ItemId::InstallPackage, Status::Blocked);
    set(&mut p, ItemId::ConfigureSalesforce, Status::Blocked);
    set(&mut p, ItemId::ConnectSalesforce, Status::Done);
    let mut w = wizard(p, None);
    w.update(Msg::Continue, at(1));
    assert!(matches!(&w.screen, Screen::Step(v) if v.item == ItemId::InstallPackage));
}

#[test]
fn quitting_remembers_the_screen_and_sub_step_and_a_restart_returns_there() {
    let mut w = wizard(roles(&["salesforce-admin"]), Some(ItemId::InstallPackage));
    w.update(Msg::Down, at(1));
    w.update(Msg::Down, at(2));
    let effects = w.update(Msg::Quit, at(3));
    let saved = effects
        .iter()
        .find_map(|e| match e {
            Effect::Save(p) => Some(p.as_ref().clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no save before quitting: {effects:?}"));
    assert_eq!(effects.last(), Some(&Effect::Quit));
    let third = w.visible_substeps(ItemId::InstallPackage)[2].id.clone();
    assert_eq!(
        saved.resume,
        Some(crate::domain::progress::ResumeAt {
            item: ItemId::InstallPackage,
            substep: Some(third),
        })
    );
    // Through the file format and back.
    let text = toml::to_string(&saved).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains("[resume]"), "{text}");
    let read: Progress = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let w = wizard(read, None);
    let Screen::Step(v) = &w.screen else {
        panic!("not resumed on the step: {:?}", w.screen)
    };
    assert_eq!((v.item, v.cursor), (ItemId::InstallPackage, 2));
    // Quitting from the hub keeps the last place; nothing to save.
    let mut w = wizard(roles(&["salesforce-admin"]), None);
    assert_eq!(w.update(Msg::Quit, at(1)), vec![Effect::Quit]);
}

#[test]
fn the_credentials_form_keeps_url_and_id_but_never_the_secret() {
    let mut w = wizard(roles(&["marketo-admin"]), Some(ItemId::SetupSalesAccount));
    w.update(Msg::EditCredentials, at(1));
    for (n, text) in [
        "https://123-ABC-456.mktorest.com",
        "client-1",
        "wrong-secret",
    ]
    .iter()
    .enumerate()
    {
        for c in text.chars() {
            w.update(Msg::Input(c), at(2));
        }
        if n < 2 {
            w.update(Msg::Next, at(3));
        }
    }
    w.update(Msg::Next, at(4));
    let effects = w.update(Msg::Next, at(4));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SubmitCredentials(_))),
        "{effects:?}"
    );
    // The runtime takes them; the check then fails on the secret; the form opens again.
    w.update(
        Msg::CredentialsAccepted(crate::domain::checks::System::Marketo),
        at(5),
    );
    w.overlay = None;
    w.update(Msg::EditCredentials, at(6));
    let Some(Overlay::Credentials(f)) = &w.overlay else {
        panic!("no form")
    };
    let values: Vec<&str> = f.fields.iter().map(|f| f.value()).collect();
    assert_eq!(
        values,
        vec!["https://123-ABC-456.mktorest.com", "client-1", ""]
    );
    assert_eq!(f.cursor, 2, "straight to the secret");
    assert!(!format!("{:?}", w.typed).contains("wrong-secret"));
}

fn draw(w: &Wizard) {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))
        .unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| crate::ui::render(w, f))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn home_and_end_work_in_scrolled_notes() {
    let mut w = wizard(roles(&["salesforce-admin"]), Some(ItemId::InstallPackage));
    w.update(Msg::Resize(80, 24), at(0));
    draw(&w);
    w.update(Msg::FocusNext, at(1));
    w.update(Msg::End, at(1));
    let Screen::Step(v) = &w.screen else { panic!() };
    let max = v.notes_max.get();
    assert!(max > 0 && max < u16::MAX, "{max}");
    assert_eq!(v.notes_scroll, max);
    // Down at the end stays there; Up moves at once.
    w.update(Msg::Down, at(1));
    w.update(Msg::Up, at(1));
    let Screen::Step(v) = &w.screen else { panic!() };
    assert_eq!(v.notes_scroll, max - 1);
    w.update(Msg::Home, at(1));
    let Screen::Step(v) = &w.screen else { panic!() };
    assert_eq!((v.notes_scroll, v.cursor), (0, 0));
}

#[test]
fn ticking_the_last_line_then_enter_says_what_happened() {
    let mut w = wizard(roles(&["marketo-admin"]), Some(ItemId::ConnectMarketo));
    let n = w.visible_substeps(ItemId::ConnectMarketo).len();
    for _ in 0..n {
        w.update(Msg::Toggle, at(1));
        w.update(Msg::Down, at(1));
    }
    w.update(Msg::Next, at(2));
    assert!(!matches!(&w.screen, Screen::Step(v) if v.item == ItemId::ConnectMarketo));
    let b = banner(&w);
    let title = w.tr.t(&w.guide.item(ItemId::ConnectMarketo).title_key());
    assert!(
        b.contains(title) && b.contains("3/3") && b.contains("in progress"),
        "{b}"
    );
}

/// The rows of an 80×24 frame, each cell's symbol as drawn (escape sequences included).
fn drawn(w: &Wizard) -> Vec<Vec<String>> {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))
        .unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| crate::ui::render(w, f))
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

/// Issue 10: doc links are OSC 8 hyperlinks to the whole address where the terminal shows
/// them, two characters per cell; never where it is not known to.
#[test]
fn doc_links_are_osc8_hyperlinks_only_when_the_terminal_shows_them() {
    let item = ItemId::SetupSalesAccount;
    let mut w = wizard(roles(&["marketo-admin"]), Some(item));
    w.update(Msg::Resize(80, 24), at(0));
    draw(&w);
    w.update(Msg::FocusNext, at(1));
    w.update(Msg::End, at(1));
    let url = crate::domain::guide::doc_url(
        &w.guide
            .item(item)
            .docs
            .last()
            .unwrap_or_else(|| panic!("docs"))
            .url,
        Lang::En,
    );
    let plain = drawn(&w);
    assert!(
        plain.iter().flatten().all(|s| !s.contains("\x1b]8")),
        "no escape sequences unless the terminal is known to show links"
    );
    let row = plain
        .iter()
        .position(|r| r.concat().contains(&url[..40]))
        .unwrap_or_else(|| panic!("the address is on screen"));
    w.hyperlinks = true;
    let linked = drawn(&w);
    let open = format!("\x1b]8;;{url}\x1b\\");
    let cells: Vec<&String> = linked[row]
        .iter()
        .filter(|s| s.contains("\x1b]8"))
        .collect();
    assert!(cells.len() > 10, "{:?}", linked[row]);
    let mut text = String::new();
    for c in &cells {
        let inner = c
            .strip_prefix(&open)
            .and_then(|s| s.strip_suffix("\x1b]8;;\x1b\\"))
            .unwrap_or_else(|| panic!("every piece links the whole address: {c:?}"));
        assert!(inner.len() <= 2, "{inner:?}");
        text.push_str(inner);
    }
    assert!(url.starts_with(&text) && text.len() >= 40, "{text}");
}
