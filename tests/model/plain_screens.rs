//! Plain mode's screens as text, in en, zh-TW and ko: what a screen reader reads. Snapshots,
//! plus what every screen must hold: no control character, every catalog placeholder filled.

use std::sync::Arc;

use jiff::Timestamp;
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::{Progress, Status};
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::plain::screen_text;
use msi_setup::wizard::{Msg, Start, Wizard};

fn at(sec: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + sec).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn wizard(lang: Lang, p: Progress, step: Option<ItemId>) -> Wizard {
    let g = Arc::new(Guide::embedded().expect("guide"));
    let tr = Catalog::load(lang).expect("catalog");
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

fn set_up(g: &Guide) -> Progress {
    let mut p = Progress::default();
    p.setup.roles = vec![Role::MarketoAdmin, Role::SalesforceAdmin];
    p.setup.name = Some("Ana".into());
    p.setup.lang = Some(Lang::En);
    let it = g.item(ItemId::SetupSalesAccount);
    let first = it.substeps[0].id.clone();
    p.set_ticked(it, &first, true, at(60), Some("Ana"))
        .expect("tick");
    p.set_status(
        g.item(ItemId::InstallPackage),
        Status::Blocked,
        Some("waiting for a sandbox"),
        at(30),
        Some("Lee"),
    )
    .expect("block");
    p
}

fn check(name: &str, lang: Lang, text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{name}@{lang}: a control character"
    );
    for line in text.lines() {
        let open = line.find('{');
        assert!(
            open.is_none_or(|i| !line[i..].contains('}')),
            "{name}@{lang}: unfilled placeholder in {line:?}"
        );
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_suffix(lang.tag());
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn plain_screens_in_every_language() {
    let g = Guide::embedded().expect("guide");
    for lang in Lang::ALL {
        let w = wizard(lang, Progress::default(), None);
        check("plain-welcome", lang, &screen_text(&w));

        let w = wizard(lang, set_up(&g), None);
        let hub = screen_text(&w);
        assert_eq!(
            hub.lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
                .count(),
            9,
            "{lang}: the hub lists nine items:\n{hub}"
        );
        check("plain-hub", lang, &hub);

        let mut w = wizard(lang, set_up(&g), Some(ItemId::SetupSalesAccount));
        check("plain-step", lang, &screen_text(&w));

        w.update(Msg::Block, at(90));
        check("plain-reason", lang, &screen_text(&w));

        let mut w = wizard(lang, set_up(&g), Some(ItemId::SetupSalesAccount));
        w.update(Msg::MarkDone, at(90));
        check("plain-confirm", lang, &screen_text(&w));
    }
}
