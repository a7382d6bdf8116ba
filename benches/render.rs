//! Render time of one frame (build + draw into a `TestBackend`) at 200×50: the hub and the
//! longest step screen, in English and Korean.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::Progress;
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::ui;
use msi_setup::wizard::{Msg, Start, Wizard};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn wizard(lang: Lang, step: Option<ItemId>) -> Wizard {
    let g = Arc::new(Guide::embedded().unwrap_or_else(|e| panic!("{e}")));
    let tr = Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
    let mut p = Progress::default();
    p.setup.roles = vec![Role::MarketoAdmin, Role::SalesforceAdmin];
    let mut w = Wizard::new(
        g,
        tr,
        p,
        Start {
            step,
            ..Start::default()
        },
    );
    w.update(Msg::Resize(200, 50), Timestamp::UNIX_EPOCH);
    w
}

fn bench(c: &mut Criterion) {
    for (name, lang, step) in [
        ("hub 200x50 en", Lang::En, None),
        ("hub 200x50 ko", Lang::Ko, None),
        (
            "step install-package 200x50 zh-TW",
            Lang::ZhTw,
            Some(ItemId::InstallPackage),
        ),
    ] {
        let w = wizard(lang, step);
        let mut t = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| panic!("{e}"));
        c.bench_function(name, |b| {
            b.iter(|| {
                t.draw(|f| ui::render(&w, f))
                    .unwrap_or_else(|e| panic!("{e}"));
            });
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
