//! Invite individually: addresses typed or pasted (comma, space or newline separated), each
//! checked inline; optional teams and workspace; the text to paste into the Invite Users dialog,
//! copyable (OSC 52); on confirm the batch is recorded and the matching sub-steps ticked.

use jiff::Timestamp;

use super::textfield::TextField;
use super::{ConfirmAction, Effect, Overlay, Screen, StepView, Wizard};
use crate::domain::csv_intake::{EmailProblem, check_email};
use crate::domain::guide::ItemId;
use crate::domain::progress::{InviteBatch, InviteSource};
use crate::domain::text::Detail;

/// The form's rows.
pub const ROWS: usize = 4;

/// The individual invite form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Individual {
    /// Addresses as typed.
    pub emails: TextField,
    /// Teams, comma separated (empty: Everyone).
    pub teams: TextField,
    /// Marketo workspace.
    pub workspace: TextField,
    /// Focused row: 0 addresses, 1 teams, 2 workspace, 3 record.
    pub cursor: usize,
    /// A problem to show (catalog key).
    pub error: Option<&'static str>,
}

/// One address and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The address as typed.
    pub address: String,
    /// Why it cannot be invited.
    pub problem: Option<AddressProblem>,
}

/// Why an address is left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressProblem {
    /// Not a valid address.
    Invalid(EmailProblem),
    /// Typed twice.
    Repeated,
    /// Recorded as invited before.
    AlreadyInvited,
}

impl Individual {
    /// An empty form; workspace "Default".
    #[must_use]
    pub fn new() -> Individual {
        Individual {
            emails: TextField::new(20_000),
            teams: TextField::new(400),
            workspace: TextField::with_value("Default", 200),
            cursor: 0,
            error: None,
        }
    }

    fn field(&mut self) -> Option<&mut TextField> {
        match self.cursor {
            0 => Some(&mut self.emails),
            1 => Some(&mut self.teams),
            2 => Some(&mut self.workspace),
            _ => None,
        }
    }

    /// Whether the cursor is on a text field.
    #[must_use]
    pub fn on_text(&self) -> bool {
        self.cursor < 3
    }

    /// Teams given, trimmed.
    #[must_use]
    pub fn team_list(&self) -> Vec<String> {
        self.teams
            .value()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl Default for Individual {
    fn default() -> Self {
        Individual::new()
    }
}

/// Splits typed text into addresses (commas, semicolons, spaces, newlines) and checks each.
#[must_use]
pub fn parse(text: &str, invited: &std::collections::BTreeSet<String>) -> Vec<Parsed> {
    let mut seen = std::collections::HashSet::new();
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|a| {
            let key = a.to_lowercase();
            let problem = match check_email(a) {
                Err(p) => Some(AddressProblem::Invalid(p)),
                Ok(()) if !seen.insert(key.clone()) => Some(AddressProblem::Repeated),
                Ok(()) if invited.contains(&key) => Some(AddressProblem::AlreadyInvited),
                Ok(()) => None,
            };
            Parsed {
                address: a.to_string(),
                problem,
            }
        })
        .collect()
}

impl Wizard {
    /// The addresses of the form, checked.
    #[must_use]
    pub fn individual_parsed(&self, form: &Individual) -> Vec<Parsed> {
        parse(form.emails.value(), &self.progress.invited_emails())
    }

    /// The text to paste into the Invite Users dialog: the valid new addresses.
    #[must_use]
    pub fn paste_text(&self, form: &Individual) -> String {
        self.individual_parsed(form)
            .into_iter()
            .filter(|p| p.problem.is_none())
            .map(|p| p.address)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn update_individual(&mut self, msg: super::Msg) -> Vec<Effect> {
        use super::Msg;
        let Screen::Individual(form) = &mut self.screen else {
            return Vec::new();
        };
        match msg {
            Msg::Up => form.cursor = form.cursor.saturating_sub(1),
            Msg::Down | Msg::FocusNext => form.cursor = (form.cursor + 1).min(ROWS - 1),
            Msg::Input(c) => {
                if let Some(f) = form.field() {
                    f.insert(c);
                }
                form.error = None;
            }
            Msg::Paste(s) => {
                // Pasted lists keep their separators: line breaks become spaces.
                if let Some(f) = form.field() {
                    f.insert_str(&s);
                }
            }
            Msg::Backspace => {
                if let Some(f) = form.field() {
                    f.backspace();
                }
            }
            Msg::CursorLeft => {
                if let Some(f) = form.field() {
                    f.left();
                }
            }
            Msg::CursorRight => {
                if let Some(f) = form.field() {
                    f.right();
                }
            }
            Msg::Copy => {
                let form = form.clone();
                let text = self.paste_text(&form);
                if text.is_empty() {
                    return Vec::new();
                }
                self.info(self.tr.t("csv.tui.copied").to_string());
                return vec![Effect::Copy(text)];
            }
            Msg::Next if form.on_text() => form.cursor += 1,
            Msg::Next => {
                let form = form.clone();
                let n = self
                    .individual_parsed(&form)
                    .iter()
                    .filter(|p| p.problem.is_none())
                    .count();
                if n == 0 {
                    if let Screen::Individual(f) = &mut self.screen {
                        f.error = Some("csv.tui.no-valid-address");
                    }
                    return Vec::new();
                }
                self.overlay = Some(Overlay::Confirm(ConfirmAction::RecordIndividual {
                    count: n,
                }));
            }
            Msg::Back => {
                self.set_screen(Screen::Step(StepView::new(ItemId::InviteUsers)));
            }
            _ => {}
        }
        Vec::new()
    }

    /// Confirmed: record the batch and tick the individual route's sub-steps.
    pub(super) fn record_individual(&mut self, now: Timestamp) -> Vec<Effect> {
        let Screen::Individual(form) = &self.screen else {
            return Vec::new();
        };
        let form = form.clone();
        let emails: Vec<String> = self
            .individual_parsed(&form)
            .into_iter()
            .filter(|p| p.problem.is_none())
            .map(|p| p.address)
            .collect();
        let teams = form.team_list();
        let workspace = Some(form.workspace.value().trim().to_string()).filter(|w| !w.is_empty());
        let by = self.by();
        let item = self.guide.item(ItemId::InviteUsers);
        self.progress
            .set_variant(item, "individual", now, by.as_deref());
        let mut subs = vec![
            "open-settings",
            "open-user-management",
            "choose-invite-users",
            "enter-emails",
            "choose-workspace",
            "confirm-individual",
        ];
        if !teams.is_empty() {
            subs.push("choose-teams");
        }
        for s in subs {
            let _ = self.progress.set_ticked(item, s, true, now, by.as_deref());
        }
        let n = emails.len();
        self.progress.record_invites(InviteBatch {
            at: now,
            by,
            source: InviteSource::Individual,
            file: None,
            teams,
            workspace,
            emails,
        });
        self.set_screen(Screen::Step(StepView::new(ItemId::InviteUsers)));
        let mut said = vec![Detail::new("csv.tui.recorded").arg("n", n)];
        if self
            .progress
            .unticked(self.guide.item(ItemId::InviteUsers))
            .is_empty()
            && !self.progress.status(ItemId::InviteUsers).is_resolved()
        {
            said.push(Detail::new("core.step.all-ticked"));
        }
        self.tell(said);
        self.save()
    }
}
