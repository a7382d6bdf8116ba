//! The invite journal arrives after the first frame.
//!
//! `invited.txt` grows with every address recorded as invited, so the TUI does not read it
//! before its first frame: it starts with [`Wizard::defer_journal`], asks the runtime for
//! [`Effect::LoadJournal`] and gets [`Msg::JournalLoaded`]. Until then everything that counts
//! or writes invited addresses (both invite screens, writing or merging a hand-off file) waits:
//! the action asked for is kept, the banner says why, and it is carried out when the journal
//! arrives. Keys typed meanwhile are kept by the runtime and go to the screen that opens
//! ([`Wizard::holds_keys`]), so the user is still where they asked; Esc forgets the action. A
//! journal that cannot be read turns those actions into an error naming the file; the rest of
//! the wizard works as before.

use std::collections::BTreeSet;

use super::{Banner, BannerKind, BannerText, Effect, Msg, Notice, Shared, Wizard, notice};
use crate::domain::text::Detail;

/// Whether the invite journal is in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Journal {
    /// Read (or never deferred): [`crate::domain::progress::Progress::invited`] is complete.
    #[default]
    Ready,
    /// Being read; what to do once it is.
    Loading {
        /// The action asked for meanwhile.
        then: Option<Needs>,
    },
    /// It could not be read: actions that need it say so.
    Failed(Notice),
}

/// What needs the journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Open the individual invite form (seats, addresses already invited).
    Individual,
    /// Open or resume the CSV invite flow (validation skips addresses already invited).
    Csv,
    /// Write a hand-off file (it carries the invited addresses).
    WriteHandoff,
    /// Merge a hand-off file (its addresses join the journal).
    MergeHandoff,
}

impl Wizard {
    /// Starts without the journal: [`Wizard::startup_effects`] then asks for it first.
    pub fn defer_journal(&mut self) {
        self.journal = Journal::Loading { then: None };
    }

    /// Whether a screen the user asked for waits for the journal: the runtime then keeps the
    /// keys typed meanwhile and gives them to that screen once it opens (Ctrl-C still quits).
    #[must_use]
    pub fn holds_keys(&self) -> bool {
        matches!(self.journal, Journal::Loading { then: Some(_) })
    }

    /// Forgets the action kept for the journal (Esc): the journal is still read.
    pub(super) fn stop_waiting_for_journal(&mut self) {
        if let Journal::Loading { then } = &mut self.journal {
            *then = None;
            self.banner = None;
        }
    }

    /// `None` when the journal is here and `action` can go on; else what to return instead
    /// (the action is kept while the journal is read, refused when it cannot be).
    pub(super) fn wait_for_journal(&mut self, action: Needs) -> Option<Vec<Effect>> {
        match &self.journal {
            Journal::Ready => None,
            Journal::Loading { .. } => {
                self.journal = Journal::Loading { then: Some(action) };
                self.tell(vec![Detail::new("core.journal.reading")]);
                Some(Vec::new())
            }
            Journal::Failed(why) => {
                self.say_journal_failed(why.clone());
                Some(Vec::new())
            }
        }
    }

    fn say_journal_failed(&mut self, why: Notice) {
        self.banner = Some(Banner {
            text: BannerText::Notices(vec![why, notice(Detail::new("core.journal.failed"))]),
            kind: BannerKind::Error,
        });
    }

    /// The journal was read (or failed to be).
    pub(super) fn journal_loaded(
        &mut self,
        result: Result<Shared<BTreeSet<String>>, Notice>,
    ) -> Vec<Effect> {
        let then = match std::mem::take(&mut self.journal) {
            Journal::Loading { then } => then,
            // Never asked for, or already here: nothing to join twice.
            other => {
                self.journal = other;
                return Vec::new();
            }
        };
        match result {
            Ok(Shared(read)) => self.progress.join_invited(read),
            Err(why) => {
                self.journal = Journal::Failed(why.clone());
                self.say_journal_failed(why);
                return Vec::new();
            }
        }
        let said_reading = self.banner.as_ref().is_some_and(|b| {
            matches!(&b.text, BannerText::Notices(n) if n.len() == 1
                && n[0].0.detail() == Detail::new("core.journal.reading"))
        });
        if said_reading {
            self.banner = None;
        }
        match then {
            Some(Needs::Individual) => self.open_individual(),
            Some(Needs::Csv) => self.open_csv(),
            Some(Needs::WriteHandoff) => self.write_handoff(),
            Some(Needs::MergeHandoff) => self.open_handoffs(),
            None => Vec::new(),
        }
    }
}

/// The message the runtime sends once [`crate::store::read_journal`] is done.
#[must_use]
pub fn loaded(result: Result<crate::domain::progress::Invited, Notice>) -> Msg {
    Msg::JournalLoaded(result.map(Shared))
}
