//! The judging test of issue 10: every screen and overlay at 80×24 in en, zh-TW and ko keeps
//! every key of its footer, and what a user must read (each sub-step, each live check's
//! verdict and message, the help overlay's last line) is on screen whole, or reachable whole
//! by scrolling.

use std::sync::Arc;

use jiff::Timestamp;
use msi_setup::domain::checks::{CheckId, CheckOutcome, CheckStatus, Detail};
use msi_setup::domain::guide::{Guide, ItemId};
use msi_setup::domain::progress::{Progress, Status};
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::wizard::{Msg, Screen, Start, Wizard};
use msi_setup::{input, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn at(sec: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + sec).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn guide() -> Arc<Guide> {
    Arc::new(Guide::embedded().unwrap_or_else(|e| panic!("{e}")))
}

fn both_roles() -> Progress {
    let mut p = Progress::default();
    p.setup.roles = vec![
        "marketo-admin".parse().unwrap_or_else(|_| panic!()),
        "salesforce-admin".parse().unwrap_or_else(|_| panic!()),
    ];
    p.setup.name = Some("Ana".into());
    p
}

fn wizard(lang: Lang, p: Progress, step: Option<ItemId>) -> Wizard {
    let tr = Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
    let mut w = Wizard::new(
        guide(),
        tr,
        p,
        Start {
            step,
            ..Start::default()
        },
    );
    w.update(Msg::Resize(80, 24), at(0));
    w
}

/// The rows of the screen as a terminal shows them (a wide glyph once).
fn rows(w: &Wizard) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| ui::render(w, f))
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = t.backend().buffer();
    (0..24u16)
        .map(|y| {
            let mut s = String::new();
            let mut x = 0u16;
            while x < 80 {
                let sym = buf[(x, y)].symbol();
                s.push_str(sym);
                x += u16::try_from(unicode_width::UnicodeWidthStr::width(sym).max(1)).unwrap_or(1);
            }
            s
        })
        .collect()
}

/// Text without spaces or box lines: what is left when wrapping and borders are ignored.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"│┌┐└┘─".contains(*c))
        .collect()
}

/// Every footer key of the screen, with its words, is in the footer rows.
fn footer_keeps_every_key(w: &Wizard, what: &str) {
    let screen = rows(w);
    let lines = ui::footer_lines(w, 80).len();
    let footer = screen[24 - lines..].join("\n");
    for (key, hint) in input::footer_hints(w) {
        let shown = format!("{key} {}", w.tr.t(hint));
        assert!(
            footer.contains(&shown),
            "{what}: `{shown}` is missing from the footer\n{}",
            screen.join("\n")
        );
    }
}

fn must_see(screen: &[String], text: &str, what: &str) {
    let all = squash(&screen.join(""));
    assert!(
        all.contains(&squash(text)),
        "{what}: `{text}` is not shown whole\n{}",
        screen.join("\n")
    );
}

/// The notes panel's whole content, read by scrolling it from top to bottom.
fn notes_content(w: &mut Wizard) -> String {
    w.update(Msg::FocusNext, at(0));
    w.update(Msg::Home, at(0));
    let mut content: Vec<String> = Vec::new();
    let mut last = Vec::new();
    for _ in 0..200 {
        let screen = rows(w);
        let top = screen
            .iter()
            .rposition(|r| r.starts_with('┌'))
            .unwrap_or_else(|| panic!("no notes panel"));
        let bottom = screen
            .iter()
            .rposition(|r| r.starts_with('└'))
            .unwrap_or_else(|| panic!("no notes panel"));
        let inner: Vec<String> = screen[top + 1..bottom].to_vec();
        if inner == last {
            break;
        }
        content.push(inner[0].clone());
        last.clone_from(&inner);
        w.update(Msg::Down, at(0));
    }
    content.extend(last.into_iter().skip(1));
    content.join("\n")
}

#[test]
fn every_step_keeps_its_keys_and_shows_each_substep_whole() {
    let g = guide();
    for lang in Lang::ALL {
        for item in g.items() {
            let mut w = wizard(lang, both_roles(), Some(item.id));
            let routes = item.variants.len().max(1);
            for _route in 0..routes {
                let subs: Vec<String> = w
                    .visible_substeps(item.id)
                    .iter()
                    .map(|s| w.tr.t(&item.substep_key(s)).to_string())
                    .collect();
                w.update(Msg::Home, at(0));
                for (n, text) in subs.iter().enumerate() {
                    let what = format!("{lang} {} sub-step {}", item.id, n + 1);
                    footer_keeps_every_key(&w, &what);
                    must_see(&rows(&w), text, &what);
                    w.update(Msg::Down, at(0));
                }
                w.update(Msg::CycleVariant, at(0));
            }
            // The help overlay: every line whole, the last one included.
            w.update(Msg::Help, at(0));
            let screen = rows(&w);
            footer_keeps_every_key(&w, &format!("{lang} {} help", item.id));
            for (_, hint) in input::help_lines(&w) {
                must_see(&screen, w.tr.t(hint), &format!("{lang} {} help", item.id));
            }
            must_see(&screen, w.tr.t("core.help.saved"), &format!("{lang} help"));
        }
    }
}

#[test]
fn korean_footers_keep_preview_route_and_check_keys() {
    for (item, key) in [
        (ItemId::StartDataSync, "p "),
        (ItemId::InstallPackage, "v "),
        (ItemId::InstallPackage, "l "),
        (ItemId::SetupSalesAccount, "l "),
        (ItemId::ConfigureSalesforce, "l "),
    ] {
        let w = wizard(Lang::Ko, both_roles(), Some(item));
        let screen = rows(&w);
        let lines = ui::footer_lines(&w, 80).len();
        assert!(
            screen[24 - lines..].iter().any(|r| r.contains(key)),
            "{item}: no `{key}`\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn other_screens_and_overlays_keep_their_keys() {
    for lang in Lang::ALL {
        let w = wizard(lang, Progress::default(), None);
        footer_keeps_every_key(&w, &format!("{lang} welcome"));
        let mut w = wizard(lang, both_roles(), None);
        footer_keeps_every_key(&w, &format!("{lang} hub"));
        w.update(Msg::Help, at(0));
        footer_keeps_every_key(&w, &format!("{lang} hub help"));
        let mut w = wizard(lang, both_roles(), Some(ItemId::SetupSalesAccount));
        w.update(Msg::MarkDone, at(0));
        footer_keeps_every_key(&w, &format!("{lang} confirm"));
        w.update(Msg::No, at(0));
        w.update(Msg::Block, at(0));
        footer_keeps_every_key(&w, &format!("{lang} reason"));
        w.update(Msg::Back, at(0));
        w.update(Msg::EditCredentials, at(0));
        footer_keeps_every_key(&w, &format!("{lang} credentials"));
        let mut w = wizard(lang, both_roles(), Some(ItemId::StartDataSync));
        w.update(Msg::OpenPreview, at(0));
        footer_keeps_every_key(&w, &format!("{lang} preview"));
        w.update(Msg::Search, at(0));
        footer_keeps_every_key(&w, &format!("{lang} preview filter"));
        let mut w = wizard(lang, both_roles(), Some(ItemId::InviteUsers));
        footer_keeps_every_key(&w, &format!("{lang} invite step"));
        w.update(Msg::InviteIndividual, at(0));
        footer_keeps_every_key(&w, &format!("{lang} individual"));
        let mut w = wizard(lang, both_roles(), Some(ItemId::InviteUsers));
        w.update(Msg::InviteCsv, at(0));
        assert!(matches!(w.screen, Screen::Csv(_)));
        footer_keeps_every_key(&w, &format!("{lang} csv pick"));
    }
}

fn outcome(id: CheckId, status: CheckStatus, detail: Detail) -> CheckOutcome {
    let mut o = CheckOutcome::new(id, status, detail);
    o.finished_at = Some(at(100));
    o
}

/// Two failing checks and one passing on *Configure MSI in Salesforce*.
fn two_failed() -> Progress {
    let mut p = both_roles();
    let missing = "https://ims-na1.adobelogin.com, https://mkto-sales-connect.adobe.io";
    for o in [
        outcome(
            CheckId::SfRemoteSites,
            CheckStatus::Fail,
            Detail::new("checks.sf-remote-sites.missing").arg("missing", missing),
        ),
        outcome(
            CheckId::SfPermissionSet,
            CheckStatus::Pass,
            Detail::new("checks.sf-permission-set.pass")
                .arg("label", "Marketo App Access")
                .arg("count", 3),
        ),
        outcome(
            CheckId::SfConfigObject,
            CheckStatus::Fail,
            Detail::new("checks.sf-config-object.invalid-type")
                .arg("object", "mkto_si__Marketo_Sales_Insight_Config__c"),
        ),
    ] {
        p.checks.insert(o.id, o);
    }
    p.set_status(
        guide().item(ItemId::ConfigureSalesforce),
        Status::InProgress,
        None,
        at(1),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    p
}

#[test]
fn live_checks_read_as_a_list_with_a_counting_headline_and_whole_messages() {
    for lang in Lang::ALL {
        let p = two_failed();
        let mut w = wizard(lang, p.clone(), Some(ItemId::ConfigureSalesforce));
        let tr = &w.tr;
        let headline = tr.f(
            "screens.checks.headline",
            &[(
                "counts",
                &[
                    tr.f("screens.checks.failed", &[("n", &2)]),
                    tr.f("screens.checks.passed", &[("n", &1)]),
                ]
                .join(tr.t("screens.checks.sep")),
            )],
        );
        let screen = rows(&w);
        must_see(&screen, &headline, &format!("{lang} headline"));
        let messages: Vec<(String, String)> = p
            .checks
            .values()
            .map(|o| {
                (
                    w.tr.t(o.status.label_key()).to_string(),
                    o.detail.render(&w.tr),
                )
            })
            .collect();
        let notes = notes_content(&mut w);
        for (verdict, message) in messages {
            assert!(
                squash(&notes).contains(&squash(&message)),
                "{lang}: `{message}` not reachable whole\n{notes}"
            );
            assert!(notes.contains(&format!("[{verdict}]")), "{lang}\n{notes}");
        }
        // The address is never split across lines.
        for url in [
            "https://ims-na1.adobelogin.com",
            "https://mkto-sales-connect.adobe.io",
        ] {
            assert!(notes.contains(url), "{lang}: {url} split\n{notes}");
        }
    }
}

#[test]
fn the_preview_shows_the_over_limit_warning_and_numbers_apart_at_80x24() {
    for lang in Lang::ALL {
        let mut w = wizard(lang, both_roles(), Some(ItemId::StartDataSync));
        w.update(Msg::OpenPreview, at(0));
        w.update(Msg::FocusNext, at(0));
        for c in "2,000,000".chars() {
            w.update(Msg::Input(c), at(0));
        }
        w.update(Msg::Next, at(0));
        let screen = rows(&w);
        let warning = w.tr.f(
            "fields.calc.over-limit",
            &[("people", &"2,000,000"), ("limit", &"1,500,000")],
        );
        must_see(&screen, &warning, &format!("{lang} over-limit warning"));
        let field = format!("1 {}", w.tr.t("fields.col.field"));
        assert!(
            screen.iter().any(|r| r.contains(&field)),
            "{lang}: `{field}`\n{}",
            screen.join("\n")
        );
        // Not typing: no cursor left in the calculator or a filter title.
        assert!(!screen.join("").contains("|]"), "{}", screen.join("\n"));
        footer_keeps_every_key(&w, &format!("{lang} preview"));
    }
}

#[test]
fn hub_step_screen_and_status_json_agree_on_counts_and_optional_lines_are_marked() {
    let g = guide();
    let mut p = both_roles();
    let install = g.item(ItemId::InstallPackage);
    for sub in [
        "install-get-it-now",
        "install-log-in",
        "install-sandbox-first",
    ] {
        p.set_ticked(install, sub, true, at(1), None)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let invite = g.item(ItemId::InviteUsers);
    p.set_variant(invite, "individual", at(2), None);
    p.set_ticked(invite, "choose-teams", true, at(3), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("progress.toml"),
        toml::to_string(&p).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ctx = msi_setup::commands::Context {
        tr: Catalog::load(Lang::En).unwrap_or_else(|e| panic!("{e}")),
        config_dir: dir.path().to_path_buf(),
        no_color: true,
        invited: Vec::new(),
    };
    let args = msi_setup::cli::StatusArgs {
        json: true,
        role: None,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(
        msi_setup::commands::status::run(&args, &ctx, &mut out, &mut err),
        0
    );
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}"));
    let steps = json["items"]
        .as_array()
        .or_else(|| json.as_array())
        .or_else(|| json["steps"].as_array())
        .unwrap_or_else(|| panic!("{json}"))
        .clone();
    for lang in Lang::ALL {
        let hub = rows(&wizard(lang, p.clone(), None));
        for item in g.items() {
            let (done, total) = p.substep_counts(item);
            let entry = steps
                .iter()
                .find(|s| s["id"] == item.id.as_str())
                .unwrap_or_else(|| panic!("{} not in {json}", item.id));
            assert_eq!(
                (
                    entry["substeps_done"].as_u64(),
                    entry["substeps_total"].as_u64()
                ),
                (Some(done as u64), Some(total as u64)),
                "{}",
                item.id
            );
            let row = hub
                .iter()
                .find(|r| r.contains(&format!("{} ", hub_code(&g, item.id))))
                .unwrap_or_else(|| panic!("{}", hub.join("\n")));
            assert!(
                row.replace(' ', "").contains(&format!("{done}/{total}")),
                "{lang} hub {}: {row}",
                item.id
            );
            let w = wizard(lang, p.clone(), Some(item.id));
            let screen = rows(&w);
            let count =
                w.tr.f("screens.step.count", &[("done", &done), ("total", &total)]);
            assert!(
                screen
                    .iter()
                    .any(|r| r.starts_with('┌') && r.contains(&count)),
                "{lang} {}: `{count}`\n{}",
                item.id,
                screen.join("\n")
            );
            // Optional sub-steps say so at the start of their line.
            let opt = format!("({})", w.tr.t("core.step.optional"));
            for (n, s) in w.visible_substeps(item.id).iter().enumerate() {
                if s.optional && n < 4 {
                    let line = screen
                        .iter()
                        .find(|r| r.contains(&format!("{:>2}. ", n + 1)) && r.starts_with('│'))
                        .unwrap_or_else(|| panic!("{}", screen.join("\n")));
                    assert!(
                        line.contains(&format!("{:>2}. {opt}", n + 1)),
                        "{lang}: {line}"
                    );
                }
            }
        }
    }
}

/// The hub's code of an item: P1, P2, 1..7.
fn hub_code(g: &Guide, id: ItemId) -> String {
    let item = g.item(id);
    let n = g.items()[..=id.index()]
        .iter()
        .filter(|i| i.kind == item.kind)
        .count();
    match item.kind {
        msi_setup::domain::guide::Kind::Prerequisite => format!("P{n}"),
        msi_setup::domain::guide::Kind::Step => format!("] {n}"),
    }
}

#[test]
fn the_config_object_message_does_not_say_the_package_is_missing_when_it_was_found() {
    for lang in Lang::ALL {
        let mut p = two_failed();
        let pkg = outcome(
            CheckId::SfPackage,
            CheckStatus::Pass,
            Detail::new("checks.sf-package.pass")
                .arg("name", "Marketo Sales Insight")
                .arg("version", "1.8100")
                .arg("min", "1.8000"),
        );
        p.checks.insert(pkg.id, pkg);
        let mut w = wizard(lang, p.clone(), Some(ItemId::ConfigureSalesforce));
        let notes = squash(&notes_content(&mut w));
        let plain = squash(&p.checks[&CheckId::SfConfigObject].detail.render(&w.tr));
        assert!(!notes.contains(&plain), "{lang}: {notes}");
        let mut hidden = p.checks[&CheckId::SfConfigObject].detail.clone();
        hidden.key = "screens.checks.config-object-hidden".into();
        assert!(
            notes.contains(&squash(&hidden.render(&w.tr))),
            "{lang}: {notes}"
        );
    }
}
