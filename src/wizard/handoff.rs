//! The hand-off in the wizard: `h` writes the hand-off file (the runtime writes it and answers
//! with [`Msg::HandoffWritten`]); `m` lists the hand-off files in the current directory (the
//! runtime reads them and answers with [`Msg::HandoffsListed`]), a picker chooses one, a preview
//! shows what the merge changes and which steps conflict, and a confirmation merges and saves.
//! The merge itself is [`crate::domain::handoff::merge`].

use jiff::Timestamp;

use super::{Effect, Hub, Msg, Notice, Screen, Wizard};
use crate::domain::handoff::{self, Handoff, HandoffError, Merged};
use crate::domain::text::Detail;

/// A file found for the picker: its path and what reading it gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The path, as shown.
    pub path: String,
    /// The hand-off, or why it cannot be merged.
    pub file: Result<Box<Handoff>, HandoffError>,
}

/// Where the hand-off screen stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandoffScreen {
    /// The file is being written.
    Writing,
    /// The file was written here: what to send, and to whom.
    Written {
        /// Where.
        path: String,
    },
    /// It could not be written.
    WriteFailed(Notice),
    /// The files are being listed.
    Listing,
    /// Choose a file.
    Pick {
        /// The files found (none: say where to put one).
        files: Vec<Candidate>,
        /// Selected row.
        cursor: usize,
    },
    /// What merging the chosen file changes; confirm to merge.
    Preview {
        /// The files found (to go back to the picker).
        files: Vec<Candidate>,
        /// The chosen row.
        cursor: usize,
        /// The result of the merge, not applied yet.
        merged: Box<Merged>,
    },
}

impl Wizard {
    /// `h`: write the hand-off file of the current progress.
    pub(super) fn write_handoff(&mut self) -> Vec<Effect> {
        if let Some(wait) = self.wait_for_journal(super::journal::Needs::WriteHandoff) {
            return wait;
        }
        self.set_screen(Screen::Handoff(Box::new(HandoffScreen::Writing)));
        vec![Effect::WriteHandoff(Box::new(self.progress.clone()))]
    }

    /// `m`: list the hand-off files to merge.
    pub(super) fn open_handoffs(&mut self) -> Vec<Effect> {
        if let Some(wait) = self.wait_for_journal(super::journal::Needs::MergeHandoff) {
            return wait;
        }
        self.set_screen(Screen::Handoff(Box::new(HandoffScreen::Listing)));
        vec![Effect::ListHandoffs]
    }

    pub(super) fn handoff_written(&mut self, result: Result<String, Notice>) {
        if let Screen::Handoff(s) = &mut self.screen
            && **s == HandoffScreen::Writing
        {
            **s = match result {
                Ok(path) => HandoffScreen::Written { path },
                Err(e) => HandoffScreen::WriteFailed(e),
            };
        }
    }

    pub(super) fn handoffs_listed(&mut self, files: Vec<Candidate>) {
        if let Screen::Handoff(s) = &mut self.screen
            && **s == HandoffScreen::Listing
        {
            // My own exports are not for merging: leave them out.
            let files = files
                .into_iter()
                .filter(|c| !c.file.as_ref().is_ok_and(|h| is_own(&self.progress, h)))
                .collect();
            **s = HandoffScreen::Pick { files, cursor: 0 };
        }
    }

    fn back_to_hub(&mut self) {
        let cursor = self.next_row();
        self.set_screen(Screen::Hub(Hub { cursor }));
    }

    pub(super) fn update_handoff(&mut self, msg: Msg, _now: Timestamp) -> Vec<Effect> {
        let Screen::Handoff(s) = &self.screen else {
            return Vec::new();
        };
        let stage = (**s).clone();
        match (stage, msg) {
            (_, Msg::Quit) => vec![Effect::Quit],
            (HandoffScreen::Preview { files, cursor, .. }, Msg::Back | Msg::No) => {
                self.screen = Screen::Handoff(Box::new(HandoffScreen::Pick { files, cursor }));
                Vec::new()
            }
            (HandoffScreen::Preview { merged, .. }, Msg::Yes | Msg::Next) => {
                let changed = merged.changes_anything(&self.progress);
                let (steps, conflicts) = (merged.changes.len(), merged.conflicts.len());
                self.back_to_hub();
                if !changed {
                    self.tell(vec![Detail::new("handoff.tui.nothing")]);
                    return Vec::new();
                }
                self.progress = merged.progress;
                self.tell(vec![
                    Detail::new("handoff.tui.merged")
                        .arg("steps", steps)
                        .arg("conflicts", conflicts),
                ]);
                self.save()
            }
            (HandoffScreen::Pick { files, cursor }, msg) => {
                let n = files.len();
                match msg {
                    Msg::Up => self.set_pick(files, cursor.saturating_sub(1)),
                    Msg::Down => self.set_pick(files, (cursor + 1).min(n.saturating_sub(1))),
                    Msg::Home => self.set_pick(files, 0),
                    Msg::End => self.set_pick(files, n.saturating_sub(1)),
                    Msg::Next => {
                        if let Some(Ok(h)) = files.get(cursor).map(|c| &c.file) {
                            let merged = handoff::merge(&self.progress, h);
                            self.screen = Screen::Handoff(Box::new(HandoffScreen::Preview {
                                files,
                                cursor,
                                merged: Box::new(merged),
                            }));
                        }
                    }
                    Msg::Back => self.back_to_hub(),
                    _ => {}
                }
                Vec::new()
            }
            (HandoffScreen::Writing | HandoffScreen::Listing, _) => Vec::new(),
            (_, Msg::Back | Msg::Next) => {
                self.back_to_hub();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn set_pick(&mut self, files: Vec<Candidate>, cursor: usize) {
        self.screen = Screen::Handoff(Box::new(HandoffScreen::Pick { files, cursor }));
    }
}

/// Whether `theirs` was written by the holder of `mine` (same name and roles).
#[must_use]
pub fn is_own(mine: &crate::domain::progress::Progress, theirs: &Handoff) -> bool {
    mine.setup.name.is_some()
        && theirs.from.name == mine.setup.name
        && theirs.from.roles == mine.setup.roles
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::domain::guide::{Guide, ItemId, Role};
    use crate::domain::progress::{Progress, Status};
    use crate::domain::text::{Catalog, Lang};
    use crate::input::{self, Context};
    use crate::wizard::{BannerText, Start};

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_796_000_000 + s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn guide() -> Arc<Guide> {
        Arc::new(Guide::embedded().unwrap_or_else(|e| panic!("{e}")))
    }

    fn person(role: Role, name: &str) -> Progress {
        let mut p = Progress::default();
        p.setup.roles = vec![role];
        p.setup.name = Some(name.into());
        p
    }

    fn wizard(p: Progress) -> Wizard {
        let tr = Catalog::load(Lang::En).unwrap_or_else(|e| panic!("{e}"));
        Wizard::new(guide(), tr, p, Start::default())
    }

    fn key(w: &Wizard, c: char) -> Option<Msg> {
        input::to_msg(w, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    /// Bo's hand-off: install-package done, connect-salesforce blocked.
    fn bos_file() -> Candidate {
        let g = guide();
        let mut b = person(Role::SalesforceAdmin, "Bo");
        b.set_status(
            g.item(ItemId::InstallPackage),
            Status::Done,
            None,
            at(10),
            Some("Bo"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        b.set_status(
            g.item(ItemId::ConnectSalesforce),
            Status::Blocked,
            Some("no login"),
            at(11),
            Some("Bo"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Candidate {
            path: "msi-setup-handoff-2026-12-03.toml".into(),
            file: Ok(Box::new(Handoff::export(&b, at(12), false))),
        }
    }

    fn stage(w: &Wizard) -> &HandoffScreen {
        match &w.screen {
            Screen::Handoff(s) => s,
            other => panic!("not the hand-off screen: {other:?}"),
        }
    }

    #[test]
    fn h_on_the_hub_writes_the_file_and_shows_where_it_is() {
        let mut w = wizard(person(Role::MarketoAdmin, "Ana"));
        assert_eq!(input::context(&w), Context::Hub);
        assert_eq!(key(&w, 'h'), Some(Msg::WriteHandoff));
        let effects = w.update(Msg::WriteHandoff, at(0));
        assert_eq!(
            effects,
            vec![Effect::WriteHandoff(Box::new(w.progress.clone()))]
        );
        assert_eq!(stage(&w), &HandoffScreen::Writing);
        assert_eq!(input::context(&w), Context::HandoffInfo);
        w.update(Msg::HandoffWritten(Ok("/tmp/x.toml".into())), at(1));
        assert_eq!(
            stage(&w),
            &HandoffScreen::Written {
                path: "/tmp/x.toml".into()
            }
        );
        // A second answer does not replace the first.
        w.update(Msg::HandoffWritten(Ok("/tmp/y.toml".into())), at(2));
        assert!(matches!(stage(&w), HandoffScreen::Written { path } if path == "/tmp/x.toml"));
        assert!(w.update(Msg::Back, at(3)).is_empty());
        assert!(matches!(w.screen, Screen::Hub(_)));
    }

    #[test]
    fn the_summary_offers_the_hand_off() {
        let mut w = wizard(person(Role::SalesforceAdmin, "Bo"));
        w.screen = Screen::Summary;
        assert_eq!(key(&w, 'h'), Some(Msg::WriteHandoff));
        let effects = w.update(Msg::WriteHandoff, at(0));
        assert!(matches!(effects.as_slice(), [Effect::WriteHandoff(_)]));
    }

    #[test]
    fn the_picker_previews_then_merges_on_confirm() {
        let mut w = wizard(person(Role::MarketoAdmin, "Ana"));
        assert_eq!(key(&w, 'm'), Some(Msg::PickHandoff));
        assert_eq!(
            w.update(Msg::PickHandoff, at(0)),
            vec![Effect::ListHandoffs]
        );
        assert_eq!(stage(&w), &HandoffScreen::Listing);
        let own = Candidate {
            path: "mine.toml".into(),
            file: Ok(Box::new(Handoff::export(&w.progress, at(1), false))),
        };
        let damaged = Candidate {
            path: "broken.toml".into(),
            file: Err(HandoffError::Damaged("expected `=`".into())),
        };
        w.update(
            Msg::HandoffsListed(vec![damaged.clone(), own, bos_file()]),
            at(2),
        );
        let HandoffScreen::Pick { files, cursor } = stage(&w).clone() else {
            panic!("not the picker");
        };
        assert_eq!(cursor, 0);
        assert_eq!(
            files,
            vec![damaged, bos_file()],
            "my own export is left out"
        );
        assert_eq!(input::context(&w), Context::HandoffPick);
        // Enter on a damaged file does nothing.
        w.update(Msg::Next, at(3));
        assert!(matches!(stage(&w), HandoffScreen::Pick { cursor: 0, .. }));
        w.update(Msg::Down, at(3));
        w.update(Msg::Down, at(3));
        assert!(matches!(stage(&w), HandoffScreen::Pick { cursor: 1, .. }));
        assert!(
            w.update(Msg::Next, at(4)).is_empty(),
            "a preview writes nothing"
        );
        let HandoffScreen::Preview { merged, .. } = stage(&w).clone() else {
            panic!("not the preview");
        };
        assert_eq!(input::context(&w), Context::HandoffPreview);
        assert_eq!(
            merged.changes.iter().map(|c| c.id).collect::<Vec<_>>(),
            [ItemId::ConnectSalesforce, ItemId::InstallPackage]
        );
        assert_eq!(w.progress.status(ItemId::InstallPackage), Status::Todo);
        // Back to the picker, then again, then confirm.
        w.update(Msg::Back, at(5));
        assert!(matches!(stage(&w), HandoffScreen::Pick { cursor: 1, .. }));
        w.update(Msg::Next, at(5));
        assert_eq!(
            input::to_msg(&w, KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)),
            Some(Msg::Yes)
        );
        let effects = w.update(Msg::Yes, at(6));
        let Some(Effect::Save(saved)) = effects.first() else {
            panic!("no save: {effects:?}");
        };
        assert_eq!(saved.status(ItemId::InstallPackage), Status::Done);
        assert_eq!(
            saved.item(ItemId::ConnectSalesforce).reason.as_deref(),
            Some("no login")
        );
        assert_eq!(**saved, w.progress);
        assert!(matches!(w.screen, Screen::Hub(_)));
        assert!(
            matches!(&w.banner, Some(b) if matches!(&b.text, BannerText::Notices(n) if n.len() == 1))
        );
        // The same file again: nothing to change, nothing saved.
        w.update(Msg::PickHandoff, at(7));
        w.update(Msg::HandoffsListed(vec![bos_file()]), at(7));
        w.update(Msg::Next, at(8));
        assert!(w.update(Msg::Yes, at(8)).is_empty());
        assert!(matches!(w.screen, Screen::Hub(_)));
    }

    #[test]
    fn a_late_list_is_ignored_and_esc_leaves_the_picker() {
        let mut w = wizard(person(Role::MarketoAdmin, "Ana"));
        w.update(Msg::HandoffsListed(vec![bos_file()]), at(0));
        assert!(matches!(w.screen, Screen::Hub(_)));
        w.update(Msg::PickHandoff, at(1));
        w.update(Msg::HandoffsListed(Vec::new()), at(1));
        assert_eq!(
            stage(&w),
            &HandoffScreen::Pick {
                files: Vec::new(),
                cursor: 0
            }
        );
        w.update(Msg::Down, at(2));
        w.update(Msg::Next, at(2));
        assert!(matches!(stage(&w), HandoffScreen::Pick { cursor: 0, .. }));
        w.update(Msg::Back, at(3));
        assert!(matches!(w.screen, Screen::Hub(_)));
        assert_eq!(w.update(Msg::Quit, at(4)), vec![Effect::Quit]);
    }
}
