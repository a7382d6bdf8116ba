//! Live checks on the screens they prove, and the credentials form.
//!
//! `l` asks the runtime to run a step's checks (`Effect::RunCheck` with a fresh ticket); the
//! result comes back as `Msg::CheckFinished` and is dropped when its ticket is no longer
//! running (stale). Leaving the screen cancels what runs (`Effect::CancelCheck`). A pass that
//! proves sub-steps offers to tick them. Outcomes are kept in the progress file (they carry
//! no secrets); typed secrets live only in the form and in the effect that hands them over.

use std::fmt;

use jiff::Timestamp;

use super::textfield::TextField;
use super::{BannerText, ConfirmAction, Effect, Notice, Overlay, Screen, Wizard};
use crate::domain::checks::{CheckId, CheckOutcome, CheckStatus, System};
use crate::domain::guide::ItemId;

/// Longest value a credentials field takes.
pub const CRED_MAX: usize = 512;

/// Credentials typed into the form, on their way to the runtime. `Debug` shows no values.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialInput {
    /// Which system.
    pub system: System,
    /// Marketo: base URL or Munchkin ID, client ID, client secret. Salesforce: instance URL,
    /// access token.
    pub values: Vec<String>,
    /// Save them in `credentials.toml` (mode 0600).
    pub remember: bool,
}

impl fmt::Debug for CredentialInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialInput")
            .field("system", &self.system)
            .field("values", &"[redacted]")
            .field("remember", &self.remember)
            .finish()
    }
}

/// The non-secret values last typed into the credentials form (the secret fields empty).
/// `Debug` shows no values.
#[derive(Clone, PartialEq, Eq)]
pub struct KeptFields {
    /// Which system.
    pub system: System,
    /// One value per field, secrets left empty.
    pub values: Vec<String>,
}

impl fmt::Debug for KeptFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeptFields")
            .field("system", &self.system)
            .finish_non_exhaustive()
    }
}

/// The credentials form (an overlay).
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialForm {
    /// Which system.
    pub system: System,
    /// The text fields, in order.
    pub fields: Vec<TextField>,
    /// Focused row: a field index, then `fields.len()` = remember, then the submit row.
    pub cursor: usize,
    /// Save to `credentials.toml`.
    pub remember: bool,
    /// The runtime's last rejection.
    pub error: Option<Notice>,
}

impl fmt::Debug for CredentialForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialForm")
            .field("system", &self.system)
            .field("cursor", &self.cursor)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

impl CredentialForm {
    /// An empty form for `system`.
    #[must_use]
    pub fn new(system: System) -> CredentialForm {
        let n = match system {
            System::Marketo => 3,
            System::Salesforce => 2,
        };
        CredentialForm {
            system,
            fields: (0..n).map(|_| TextField::new(CRED_MAX)).collect(),
            cursor: 0,
            remember: false,
            error: None,
        }
    }

    /// Catalog keys of the field labels.
    #[must_use]
    pub fn labels(&self) -> &'static [&'static str] {
        match self.system {
            System::Marketo => &[
                "checks.form.marketo-base",
                "checks.form.client-id",
                "checks.form.client-secret",
            ],
            System::Salesforce => &["checks.form.sf-instance", "checks.form.sf-token"],
        }
    }

    /// Whether field `i` is shown masked.
    #[must_use]
    pub fn masked(&self, i: usize) -> bool {
        match self.system {
            System::Marketo => i == 2,
            System::Salesforce => i == 1,
        }
    }

    /// Whether the cursor is on a text field.
    #[must_use]
    pub fn on_text(&self) -> bool {
        self.cursor < self.fields.len()
    }

    fn rows(&self) -> usize {
        self.fields.len() + 2
    }
}

/// The checks that show on item `id`, in catalog order.
#[must_use]
pub fn checks_of(id: ItemId) -> Vec<CheckId> {
    CheckId::on(id).collect()
}

impl Wizard {
    /// Whether something runs in the background (the runtime ticks the spinner only then).
    #[must_use]
    pub fn is_busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// Whether `id` is running.
    #[must_use]
    pub fn is_running(&self, id: CheckId) -> bool {
        self.running.values().any(|c| *c == id)
    }

    /// The item whose checks the current screen shows, if any.
    #[must_use]
    pub fn check_scope(&self) -> Option<ItemId> {
        match &self.screen {
            Screen::Step(v) => Some(v.item),
            Screen::Preview(_) => Some(ItemId::StartDataSync),
            _ => None,
        }
    }

    /// The headline of a set of checks that counts their verdicts: "Live checks: 2 failed,
    /// 1 passed". `None` while none has run or runs.
    #[must_use]
    pub fn check_tally(&self, ids: &[CheckId]) -> Option<String> {
        self.tally_detail(ids).map(|d| d.render(&self.tr))
    }

    /// [`Wizard::check_tally`] as a message.
    fn tally_detail(&self, ids: &[CheckId]) -> Option<crate::domain::text::Detail> {
        let tr = &self.tr;
        // failed, could not run, to review, passed, running, not run
        let mut counts = [0usize; 6];
        for id in ids {
            let slot = if self.is_running(*id) {
                4
            } else {
                match self.progress.checks.get(id).map(|o| o.status) {
                    None => continue,
                    Some(CheckStatus::Fail) => 0,
                    Some(CheckStatus::Error) => 1,
                    Some(CheckStatus::Warn) => 2,
                    Some(CheckStatus::Pass) => 3,
                    Some(CheckStatus::Skipped) => 5,
                }
            };
            counts[slot] += 1;
        }
        if counts.iter().all(|n| *n == 0) {
            return None;
        }
        let keys = [
            "screens.checks.failed",
            "screens.checks.error",
            "screens.checks.warned",
            "screens.checks.passed",
            "screens.checks.running",
            "screens.checks.skipped",
        ];
        let parts: Vec<String> = keys
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| tr.f(k, &[("n", &n)]))
            .collect();
        Some(
            crate::domain::text::Detail::new("screens.checks.headline")
                .arg("counts", parts.join(tr.t("screens.checks.sep"))),
        )
    }

    /// Starts `ids` (those not already running).
    pub(super) fn run_checks(&mut self, ids: &[CheckId]) -> Vec<Effect> {
        if ids.is_empty() {
            self.info(self.tr.t("checks.tui.none-here").to_string());
            return Vec::new();
        }
        let mut effects = Vec::new();
        for id in ids {
            if self.is_running(*id) {
                continue;
            }
            self.next_ticket += 1;
            let ticket = self.next_ticket;
            self.running.insert(ticket, *id);
            effects.push(Effect::RunCheck { ticket, id: *id });
        }
        effects
    }

    /// Cancels everything that runs (leaving the screen).
    pub(super) fn cancel_all(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.running)
            .into_keys()
            .map(|ticket| Effect::CancelCheck { ticket })
            .collect()
    }

    /// A check ended: store it, offer to tick what it proved. Stale tickets are dropped.
    pub(super) fn check_finished(
        &mut self,
        ticket: u64,
        mut outcome: CheckOutcome,
        now: Timestamp,
    ) -> Vec<Effect> {
        if self.running.remove(&ticket).is_none() {
            return Vec::new();
        }
        outcome
            .finished_at
            .get_or_insert(crate::domain::progress::whole_seconds(now));
        let id = outcome.id;
        let status = outcome.status;
        self.progress.checks.insert(id, outcome);
        // The headline counts every check of this screen, never only the last one to end.
        let scope = self
            .check_scope()
            .map(checks_of)
            .unwrap_or_else(|| vec![id]);
        let mut banner: Vec<_> = self.tally_detail(&scope).into_iter().collect();
        if id == CheckId::SfPackage {
            banner.extend(self.offer_upgrade_route(now));
        }
        self.tell(banner);
        if status == CheckStatus::Pass && self.overlay.is_none() {
            let item = id.step();
            let ticked = self.progress.item(item).ticked;
            let subs: Vec<String> = crate::domain::checks::proves(id)
                .iter()
                .filter(|s| !ticked.contains(**s))
                .map(|s| (*s).to_string())
                .collect();
            if !subs.is_empty() {
                self.overlay = Some(Overlay::Confirm(ConfirmAction::TickProven {
                    item,
                    check: id,
                    subs,
                }));
            }
        }
        self.save()
    }

    /// `sf-package` found the package installed: *Install or upgrade* takes the Upgrade route
    /// when nobody chose a route yet; otherwise the banner says that route applies.
    fn offer_upgrade_route(&mut self, now: Timestamp) -> Option<crate::domain::text::Detail> {
        let installed = self
            .progress
            .checks
            .get(&CheckId::SfPackage)
            .is_some_and(|o| crate::domain::checks::package_installed(&o.detail));
        if !installed {
            return None;
        }
        let item = self.guide.item(ItemId::InstallPackage);
        let upgrade = item.variants.iter().find(|v| *v == "upgrade").cloned()?;
        let chosen = self
            .progress
            .items
            .get(&ItemId::InstallPackage)
            .and_then(|p| p.variant.clone());
        let route = self.tr.t(&item.variant_key(&upgrade)).to_string();
        match chosen {
            Some(v) if v == upgrade => None,
            Some(_) => Some(
                crate::domain::text::Detail::new("screens.checks.upgrade-offer")
                    .arg("route", route),
            ),
            None => {
                let by = self.by();
                let it = self.guide.item(ItemId::InstallPackage);
                self.progress.set_variant(it, &upgrade, now, by.as_deref());
                if let Screen::Step(v) = &mut self.screen
                    && v.item == ItemId::InstallPackage
                {
                    v.cursor = 0;
                }
                Some(
                    crate::domain::text::Detail::new("screens.checks.upgrade-chosen")
                        .arg("route", route),
                )
            }
        }
    }

    /// Ticks the sub-steps a check proved.
    pub(super) fn tick_proven(
        &mut self,
        item: ItemId,
        subs: &[String],
        now: Timestamp,
    ) -> Vec<Effect> {
        let by = self.by();
        let it = self.guide.item(item);
        for s in subs {
            let _ = self.progress.set_ticked(it, s, true, now, by.as_deref());
        }
        self.save()
    }

    /// Opens the credentials form for the system of the current screen's checks.
    pub(super) fn open_credentials(&mut self) {
        let system = self
            .check_scope()
            .and_then(|i| checks_of(i).first().map(|c| c.system()));
        match system {
            Some(s) => {
                let mut form = CredentialForm::new(s);
                if let Some(kept) = self.typed.as_ref().filter(|k| k.system == s) {
                    for (i, v) in kept.values.iter().enumerate() {
                        if !form.masked(i)
                            && let Some(f) = form.fields.get_mut(i)
                        {
                            *f = TextField::with_value(v, CRED_MAX);
                        }
                    }
                    // Straight to the first empty field (the secret).
                    form.cursor = form
                        .fields
                        .iter()
                        .position(|f| f.value().is_empty())
                        .unwrap_or(0);
                }
                self.overlay = Some(Overlay::Credentials(form));
            }
            None => self.info(self.tr.t("checks.tui.none-here").to_string()),
        }
    }

    /// Messages while the credentials form is open.
    pub(super) fn update_credentials(
        &mut self,
        mut form: CredentialForm,
        msg: super::Msg,
    ) -> Vec<Effect> {
        use super::Msg;
        let rows = form.rows();
        match msg {
            Msg::Back => return Vec::new(),
            Msg::Up => form.cursor = form.cursor.saturating_sub(1),
            Msg::Down | Msg::FocusNext => form.cursor = (form.cursor + 1).min(rows - 1),
            Msg::Toggle if form.cursor == form.fields.len() => form.remember = !form.remember,
            Msg::Next if form.on_text() && form.cursor + 1 < form.fields.len() => form.cursor += 1,
            Msg::Next => {
                let input = CredentialInput {
                    system: form.system,
                    values: form
                        .fields
                        .iter()
                        .map(|f| f.value().trim().to_string())
                        .collect(),
                    remember: form.remember,
                };
                form.error = None;
                let kept = (0..form.fields.len())
                    .map(|i| {
                        if form.masked(i) {
                            String::new()
                        } else {
                            input.values[i].clone()
                        }
                    })
                    .collect();
                self.typed = Some(KeptFields {
                    system: form.system,
                    values: kept,
                });
                self.overlay = Some(Overlay::Credentials(form));
                return vec![Effect::SubmitCredentials(input)];
            }
            Msg::Input(c) if form.on_text() => form.fields[form.cursor].insert(c),
            Msg::Paste(s) if form.on_text() => form.fields[form.cursor].insert_str(s.trim()),
            Msg::Backspace if form.on_text() => form.fields[form.cursor].backspace(),
            Msg::CursorLeft if form.on_text() => form.fields[form.cursor].left(),
            Msg::CursorRight if form.on_text() => form.fields[form.cursor].right(),
            _ => {}
        }
        self.overlay = Some(Overlay::Credentials(form));
        Vec::new()
    }

    /// The runtime accepted the typed credentials: close the form and run the checks here.
    pub(super) fn credentials_accepted(&mut self, system: System) -> Vec<Effect> {
        if matches!(&self.overlay, Some(Overlay::Credentials(f)) if f.system == system) {
            self.overlay = None;
        }
        let ids: Vec<CheckId> = self
            .check_scope()
            .map(checks_of)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.system() == system)
            .collect();
        if ids.is_empty() {
            Vec::new()
        } else {
            self.run_checks(&ids)
        }
    }

    /// The runtime refused the typed credentials: show why in the form.
    pub(super) fn credentials_rejected(&mut self, why: Notice) {
        if let Some(Overlay::Credentials(f)) = &mut self.overlay {
            f.error = Some(why);
        } else {
            self.banner = Some(super::Banner {
                text: BannerText::Notices(vec![why]),
                kind: super::BannerKind::Error,
            });
        }
    }
}
