//! The banner that carries load notices: a long `.corrupt-…` path is shown whole (wrapped over
//! several lines), never cut with an ellipsis, in every language.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use msi_setup::domain::guide::Guide;
use msi_setup::domain::progress::Progress;
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::store::LoadNotice;
use msi_setup::ui;
use msi_setup::wizard::{Msg, Start, Wizard, notice};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[test]
fn the_whole_corrupt_path_is_on_screen() {
    let corrupt = PathBuf::from(
        "/home/someone/.config/msi-setup/a-rather-long-folder-name/progress.toml.corrupt-20261201T154500Z-2",
    );
    for lang in Lang::ALL {
        let g = Arc::new(Guide::embedded().unwrap());
        let tr = Catalog::load(lang).unwrap();
        let mut w = Wizard::new(
            g,
            tr,
            Progress::default(),
            Start {
                notices: vec![notice(LoadNotice::RestoredFromBackup {
                    corrupt: corrupt.clone(),
                })],
                ..Start::default()
            },
        );
        w.update(Msg::Resize(80, 24), Timestamp::UNIX_EPOCH);
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| ui::render(&w, f)).unwrap();
        let buf = t.backend().buffer();
        let screen: String = (0..24)
            .flat_map(|y| (0..80).map(move |x| (x, y)))
            .map(|(x, y)| buf[(x, y)].symbol().to_string())
            .collect::<String>()
            .split_whitespace()
            .collect();
        let want: String = corrupt.display().to_string();
        assert!(
            screen.contains(&want),
            "{lang}: the path is not shown whole:\n{}",
            t.backend()
        );
    }
}
