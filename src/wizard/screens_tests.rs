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
