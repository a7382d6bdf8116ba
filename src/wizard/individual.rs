//! Invite individually: addresses typed or pasted (comma, space or newline separated), each
//! checked inline; optional teams and workspace; the text to paste into the Invite Users dialog,
//! copyable (OSC 52); on confirm the batch is recorded and the matching sub-steps ticked.
//!
//! The budget holds: the seats used are shown (and can be corrected), and no more addresses
//! than the seats left are recorded; more than 20 teams with those already recorded are
//! refused; an empty workspace is filled with "Default", said on screen.

use jiff::Timestamp;

use super::textfield::TextField;
use super::{ConfirmAction, Effect, Overlay, Screen, StepView, Wizard};
use crate::domain::csv_intake::{EmailProblem, check_email};
use crate::domain::guide::ItemId;
use crate::domain::progress::{InviteBatch, InviteSource, SeatBudget};
use crate::domain::text::Detail;

/// The form's rows.
pub const ROWS: usize = 5;
/// The row of the seats-used field.
pub const SEATS_ROW: usize = 3;
/// The row of the record button.
pub const RECORD_ROW: usize = 4;
/// The workspace used when none is typed (the web app's only choice with one workspace).
pub const DEFAULT_WORKSPACE: &str = "Default";

/// Why the form cannot record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormError {
    /// No valid new address.
    NoValidAddress,
    /// More new addresses than seats left.
    OverSeats {
        /// New addresses.
        n: usize,
        /// The seats.
        budget: SeatBudget,
    },
    /// More teams than an instance allows, with those already recorded.
    TooManyTeams {
        /// Teams with those already recorded.
        n: u64,
        /// The limit.
        limit: u64,
    },
}

impl FormError {
    /// The message.
    #[must_use]
    pub fn detail(&self) -> Detail {
        match self {
            FormError::NoValidAddress => Detail::new("csv.tui.no-valid-address"),
            FormError::OverSeats { n, budget } if budget.left() == 0 => {
                Detail::new("invites.no-seats")
                    .arg("n", n)
                    .arg("used", budget.used)
                    .arg("total", budget.total)
            }
            FormError::OverSeats { n, budget } => Detail::new("invites.over-seats")
                .arg("n", n)
                .arg("left", budget.left())
                .arg("used", budget.used)
                .arg("total", budget.total),
            FormError::TooManyTeams { n, limit } => Detail::new("invites.too-many-teams")
                .arg("n", n)
                .arg("limit", limit),
        }
    }
}

/// The individual invite form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Individual {
    /// Addresses as typed.
    pub emails: TextField,
    /// Teams, comma separated (empty: Everyone).
    pub teams: TextField,
    /// Marketo workspace.
    pub workspace: TextField,
    /// Seats already used, as typed (empty: counted).
    pub seats_used: TextField,
    /// Focused row: 0 addresses, 1 teams, 2 workspace, 3 seats used, 4 record.
    pub cursor: usize,
    /// Why the last confirm could not record.
    pub error: Option<FormError>,
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
            workspace: TextField::with_value(DEFAULT_WORKSPACE, 200),
            seats_used: TextField::new(6),
            cursor: 0,
            error: None,
        }
    }

    fn field(&mut self) -> Option<&mut TextField> {
        match self.cursor {
            0 => Some(&mut self.emails),
            1 => Some(&mut self.teams),
            2 => Some(&mut self.workspace),
            SEATS_ROW => Some(&mut self.seats_used),
            _ => None,
        }
    }

    /// Whether the cursor is on a text field.
    #[must_use]
    pub fn on_text(&self) -> bool {
        self.cursor < RECORD_ROW
    }

    /// The workspace to record: as typed, or "Default" when left empty (and whether it was).
    #[must_use]
    pub fn workspace_or_default(&self) -> (String, bool) {
        match self.workspace.value().trim() {
            "" => (DEFAULT_WORKSPACE.to_string(), true),
            w => (w.to_string(), false),
        }
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
    /// Opens the form (once the invite journal is here: it counts the seats used).
    pub(super) fn open_individual(&mut self) -> Vec<Effect> {
        if let Some(wait) = self.wait_for_journal(super::journal::Needs::Individual) {
            return wait;
        }
        let mut form = Individual::new();
        if let Some(n) = self.progress.seats_used {
            form.seats_used = TextField::with_value(&n.to_string(), 6);
        }
        self.set_screen(Screen::Individual(form));
        Vec::new()
    }

    /// The addresses of the form, checked.
    #[must_use]
    pub fn individual_parsed(&self, form: &Individual) -> Vec<Parsed> {
        parse(form.emails.value(), self.progress.invited_emails())
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
            Msg::Input(c) if form.cursor == SEATS_ROW && !c.is_ascii_digit() => {}
            Msg::Input(c) => {
                if let Some(f) = form.field() {
                    f.insert(c);
                }
                form.error = None;
                if form.cursor == SEATS_ROW {
                    let typed = form.seats_used.value().to_string();
                    return self.set_seats_used(&typed);
                }
            }
            Msg::Paste(s) if form.cursor == SEATS_ROW => {
                let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                form.seats_used.insert_str(&digits);
                let typed = form.seats_used.value().to_string();
                return self.set_seats_used(&typed);
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
                if form.cursor == SEATS_ROW {
                    let typed = form.seats_used.value().to_string();
                    return self.set_seats_used(&typed);
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
                let error = self.individual_refusal(&form, n);
                if let Some(e) = error {
                    if let Screen::Individual(f) = &mut self.screen {
                        f.error = Some(e);
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

    /// Why `n` new addresses of `form` cannot be recorded, if they cannot.
    fn individual_refusal(&self, form: &Individual, n: usize) -> Option<FormError> {
        if n == 0 {
            return Some(FormError::NoValidAddress);
        }
        let budget = self.progress.seat_budget();
        if n as u64 > budget.left() {
            return Some(FormError::OverSeats { n, budget });
        }
        let teams = self.progress.team_budget();
        let list = form.team_list();
        let with = teams.with(list.iter().map(String::as_str));
        if with > teams.limit {
            return Some(FormError::TooManyTeams {
                n: with,
                limit: teams.limit,
            });
        }
        None
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
        // Checked again: the confirm may come from anywhere.
        if let Some(e) = self.individual_refusal(&form, emails.len()) {
            self.overlay = None;
            if let Screen::Individual(f) = &mut self.screen {
                f.error = Some(e);
            }
            return Vec::new();
        }
        let teams = form.team_list();
        let (workspace, _) = form.workspace_or_default();
        let workspace = Some(workspace);
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
        let journal = self.progress.record_invites(InviteBatch {
            at: now,
            by,
            source: InviteSource::Individual,
            file: None,
            teams,
            workspace,
            count: 0,
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
        let mut effects = vec![Effect::AppendJournal(journal)];
        effects.extend(self.save());
        effects
    }

    /// Takes the seats used as typed: a number corrects the count, empty goes back to counting.
    /// A change is saved at once (it is what the admin knows about the instance).
    pub(super) fn set_seats_used(&mut self, typed: &str) -> Vec<Effect> {
        let now = match typed.trim() {
            "" => None,
            t => t.parse::<u64>().ok().or(self.progress.seats_used),
        };
        if now == self.progress.seats_used {
            return Vec::new();
        }
        self.progress.seats_used = now;
        self.save()
    }
}
