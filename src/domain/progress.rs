//! The per-role checklist: what is done, by whom and when, and how it changes.
//!
//! Saved as `progress.toml` (see `store`). Schema rules: `version = 1` at the top, kebab-case
//! keys, lowercase enum strings, RFC 3339 timestamps, empty fields skipped, `BTreeMap`s so the
//! key order is stable; unknown keys are tolerated (no `deny_unknown_fields`) so an older build
//! can read a newer minor addition, while a newer `version` is refused by the store.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::checks::CheckOutcome;
use super::guide::{Guide, Item};
use super::text::Lang;

mod csv_flow;

pub use csv_flow::{
    ColumnChoice, CsvFlow, CsvStage, DelimiterChoice, EncodingChoice, SavedCsvFlow, SavedFlowError,
};

/// The schema version this build writes and understands.
pub const VERSION: u32 = 1;

/// Where an item stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not started.
    #[default]
    Todo,
    /// Started (a sub-step is ticked, or marked so).
    InProgress,
    /// Finished.
    Done,
    /// Deliberately not done, with a reason.
    Skipped,
    /// Cannot go on, with a reason.
    Blocked,
}

impl Status {
    /// Every status, in the order `mark` lists them.
    pub const ALL: [Status; 5] = [
        Status::Todo,
        Status::InProgress,
        Status::Done,
        Status::Skipped,
        Status::Blocked,
    ];

    /// The word used in files, JSON and on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in-progress",
            Status::Done => "done",
            Status::Skipped => "skipped",
            Status::Blocked => "blocked",
        }
    }

    /// Done or skipped: nothing more to do here.
    #[must_use]
    pub fn is_resolved(self) -> bool {
        matches!(self, Status::Done | Status::Skipped)
    }

    /// Whether setting this status needs a reason.
    #[must_use]
    pub fn needs_reason(self) -> bool {
        matches!(self, Status::Skipped | Status::Blocked)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = ProgressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ProgressError::UnknownStatus(s.to_string()))
    }
}

/// Who set things up and in which language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Setup {
    /// Role ids this person holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Their name, recorded as "done by".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The language they chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// When the setup began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
}

impl Setup {
    /// Nothing recorded yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &Setup::default()
    }
}

/// `ts` without its fraction of a second (the file records whole seconds).
#[must_use]
pub fn whole_seconds(ts: Timestamp) -> Timestamp {
    Timestamp::from_second(ts.as_second()).unwrap_or(ts)
}

/// The state of one prerequisite or step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ItemProgress {
    /// Where it stands.
    #[serde(default)]
    pub status: Status,
    /// The chosen route, for items with variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Ids of the ticked sub-steps.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub ticked: BTreeSet<String>,
    /// Why it was skipped or is blocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// Who made the last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

/// The whole progress file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Progress {
    /// Schema version.
    pub version: u32,
    /// Who and how.
    #[serde(default, skip_serializing_if = "Setup::is_empty")]
    pub setup: Setup,
    /// Per item id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub items: BTreeMap<String, ItemProgress>,
    /// The last result of each live check, per check id (no secrets: outcomes are scrubbed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, CheckOutcome>,
    /// Invite batches recorded as sent, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invites: Vec<InviteBatch>,
    /// Where an unfinished CSV invite stands, so quitting and starting again resumes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv_flow: Option<SavedCsvFlow>,
}

/// How a batch was invited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InviteSource {
    /// Typed or pasted addresses (Invite Users).
    Individual,
    /// A cleaned CSV (Invite Users via CSV).
    Csv,
}

/// Addresses recorded as invited together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct InviteBatch {
    /// When it was recorded.
    pub at: Timestamp,
    /// Who recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Individual or CSV.
    pub source: InviteSource,
    /// The source CSV, for CSV batches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Teams given (empty: the Everyone team).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
    /// Marketo workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The addresses, as written.
    pub emails: Vec<String>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: VERSION,
            setup: Setup::default(),
            items: BTreeMap::new(),
            checks: BTreeMap::new(),
            invites: Vec::new(),
            csv_flow: None,
        }
    }
}

/// A change that cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    /// No such prerequisite or step.
    #[error("unknown step `{0}`: use one of the ids `msi-setup status` lists")]
    UnknownItem(String),
    /// No such status word.
    #[error("unknown status `{0}`: use todo, in-progress, done, skipped or blocked")]
    UnknownStatus(String),
    /// Skipped and blocked need a reason.
    #[error("status `{0}` needs a reason: add --reason \"...\"")]
    ReasonRequired(Status),
    /// No such sub-step.
    #[error("step `{item}` has no sub-step `{sub}`")]
    UnknownSubstep {
        /// The item.
        item: String,
        /// The sub-step.
        sub: String,
    },
}

/// Counts for one role (or for several).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Items resolved (done or skipped).
    pub resolved: usize,
    /// Items owned.
    pub total: usize,
}

/// The last change anywhere in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastChange<'a> {
    /// Which item.
    pub item: &'a str,
    /// When.
    pub at: Timestamp,
    /// Who, if known.
    pub by: Option<&'a str>,
}

impl Progress {
    /// The state of `id` (todo if never touched).
    #[must_use]
    pub fn item(&self, id: &str) -> ItemProgress {
        self.items.get(id).cloned().unwrap_or_default()
    }

    /// The status of `id`.
    #[must_use]
    pub fn status(&self, id: &str) -> Status {
        self.items.get(id).map(|p| p.status).unwrap_or_default()
    }

    /// Whether the welcome has been completed (a role is chosen).
    #[must_use]
    pub fn is_set_up(&self) -> bool {
        !self.setup.roles.is_empty()
    }

    fn touch(&mut self, id: &str, now: Timestamp, by: Option<&str>) -> &mut ItemProgress {
        let entry = self.items.entry(id.to_string()).or_default();
        entry.updated_at = Some(whole_seconds(now));
        // A blank name (`--by ""`, an empty name field) means "not recorded", not "".
        entry.updated_by = by
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_string);
        entry
    }

    /// Sets the status of `item`. Skipped and blocked need a reason; other statuses clear it.
    ///
    /// # Errors
    /// When a reason is required and missing.
    pub fn set_status(
        &mut self,
        item: &Item,
        status: Status,
        reason: Option<&str>,
        now: Timestamp,
        by: Option<&str>,
    ) -> Result<(), ProgressError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if status.needs_reason() && reason.is_none() {
            return Err(ProgressError::ReasonRequired(status));
        }
        let entry = self.touch(&item.id, now, by);
        entry.status = status;
        entry.reason = if status.needs_reason() {
            reason.map(str::to_string)
        } else {
            None
        };
        Ok(())
    }

    /// Ticks or unticks a sub-step. The first tick moves a todo item to in-progress.
    ///
    /// # Errors
    /// When the item has no such sub-step.
    pub fn set_ticked(
        &mut self,
        item: &Item,
        sub: &str,
        on: bool,
        now: Timestamp,
        by: Option<&str>,
    ) -> Result<(), ProgressError> {
        if !item.substeps.iter().any(|s| s.id == sub) {
            return Err(ProgressError::UnknownSubstep {
                item: item.id.clone(),
                sub: sub.to_string(),
            });
        }
        let entry = self.touch(&item.id, now, by);
        if on {
            entry.ticked.insert(sub.to_string());
            if entry.status == Status::Todo {
                entry.status = Status::InProgress;
            }
        } else {
            entry.ticked.remove(sub);
        }
        Ok(())
    }

    /// Chooses a route for an item with variants.
    pub fn set_variant(&mut self, item: &Item, variant: &str, now: Timestamp, by: Option<&str>) {
        if item.variants.iter().any(|v| v == variant) {
            self.touch(&item.id, now, by).variant = Some(variant.to_string());
        }
    }

    /// The chosen route of `item` (its first variant by default).
    #[must_use]
    pub fn variant_of<'a>(&'a self, item: &'a Item) -> Option<&'a str> {
        self.items
            .get(&item.id)
            .and_then(|p| p.variant.as_deref())
            .or_else(|| item.variants.first().map(String::as_str))
    }

    /// (ticked, total) of the sub-steps that count for `item`'s chosen route.
    #[must_use]
    pub fn substep_counts(&self, item: &Item) -> (usize, usize) {
        let variant = self.variant_of(item);
        let ticked = self.items.get(&item.id).map(|p| &p.ticked);
        let mut done = 0;
        let mut total = 0;
        for s in item.required_for(variant) {
            total += 1;
            if ticked.is_some_and(|t| t.contains(&s.id)) {
                done += 1;
            }
        }
        (done, total)
    }

    /// Required sub-steps of `item` not ticked yet.
    #[must_use]
    pub fn unticked<'a>(&self, item: &'a Item) -> Vec<&'a str> {
        let chosen = self
            .items
            .get(&item.id)
            .and_then(|p| p.variant.as_deref())
            .and_then(|v| item.variants.iter().find(|x| *x == v))
            .map(String::as_str);
        let ticked = self.items.get(&item.id).map(|p| &p.ticked);
        item.required_for(chosen)
            .filter(|s| !ticked.is_some_and(|t| t.contains(&s.id)))
            .map(|s| s.id.as_str())
            .collect()
    }

    /// Forgets everything about `id`.
    pub fn reset_item(&mut self, id: &str) {
        self.items.remove(id);
    }

    /// Forgets every item's state; the setup (roles, name, language) stays.
    pub fn reset_all(&mut self) {
        self.items.clear();
    }

    /// Resolved/total for items owned by any of `roles`.
    #[must_use]
    pub fn tally(&self, guide: &Guide, roles: &[String]) -> Tally {
        let mut t = Tally::default();
        for item in guide.items.iter().filter(|i| i.owned_by_any(roles)) {
            t.total += 1;
            if self.status(&item.id).is_resolved() {
                t.resolved += 1;
            }
        }
        t
    }

    /// Items in `needs` of `item` that are not resolved yet.
    #[must_use]
    pub fn unmet_needs<'a>(&self, item: &'a Item) -> Vec<&'a str> {
        item.needs
            .iter()
            .filter(|n| !self.status(n).is_resolved())
            .map(String::as_str)
            .collect()
    }

    /// The index of the next item to work on for `roles`: the first unresolved item they own
    /// whose needs are met, else the first unresolved item they own; `None` when all are done.
    #[must_use]
    pub fn next_for(&self, guide: &Guide, roles: &[String]) -> Option<usize> {
        let open: Vec<usize> = guide
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.owned_by_any(roles) && !self.status(&i.id).is_resolved())
            .map(|(n, _)| n)
            .collect();
        open.iter()
            .copied()
            .find(|&n| self.unmet_needs(&guide.items[n]).is_empty())
            .or_else(|| open.first().copied())
    }

    /// Every address recorded as invited, lower-cased and trimmed, without repeats.
    #[must_use]
    pub fn invited_emails(&self) -> std::collections::BTreeSet<String> {
        self.invites
            .iter()
            .flat_map(|b| b.emails.iter())
            .map(|e| e.trim().to_lowercase())
            .collect()
    }

    /// Records a batch as invited (nothing is recorded before this).
    pub fn record_invites(&mut self, mut batch: InviteBatch) {
        batch.at = whole_seconds(batch.at);
        self.invites.push(batch);
    }

    /// The most recent change, if any.
    #[must_use]
    pub fn last_change(&self) -> Option<LastChange<'_>> {
        self.items
            .iter()
            .filter_map(|(id, p)| {
                p.updated_at.map(|at| LastChange {
                    item: id,
                    at,
                    by: p.updated_by.as_deref(),
                })
            })
            .max_by_key(|c| c.at)
    }

    /// Serializes to TOML.
    ///
    /// # Errors
    /// Never in practice (all fields are plain data).
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }

    /// Parses TOML of any version; the caller checks `version`.
    ///
    /// # Errors
    /// The parser's message.
    pub fn from_toml(s: &str) -> Result<Progress, toml::de::Error> {
        toml::from_str(s)
    }
}

/// Reads only the `version` of a progress file, so a newer file can be refused before its
/// body is interpreted.
#[must_use]
pub fn probe_version(s: &str) -> Option<u32> {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<i64>,
    }
    let p: Probe = toml::from_str(s).ok()?;
    p.version.and_then(|v| u32::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn guide() -> Guide {
        Guide::embedded().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn round_trips_as_readable_toml_with_whole_second_rfc3339_times() {
        let g = guide();
        let mut p = Progress::default();
        p.setup.roles = vec!["marketo-admin".into()];
        let item = g
            .item("setup-sales-account")
            .unwrap_or_else(|| panic!("item"));
        let ts = Timestamp::from_second(1_790_000_000).unwrap_or(Timestamp::UNIX_EPOCH)
            + jiff::SignedDuration::from_millis(250);
        p.set_ticked(item, &item.substeps[0].id, true, ts, Some("Ana"))
            .unwrap_or_else(|e| panic!("{e}"));
        let text = p.to_toml().unwrap_or_else(|e| panic!("{e}"));
        assert!(text.starts_with("version = 1\n"), "{text}");
        assert!(text.contains("updated-at = \"2026-09-21T"), "{text}");
        assert!(!text.contains(".25"), "fractions are dropped: {text}");
        assert_eq!(Progress::from_toml(&text).ok(), Some(p));
    }

    #[test]
    fn reasons_are_required_and_cleared() {
        let g = guide();
        let item = g.item("invite-users").unwrap_or_else(|| panic!("item"));
        let mut p = Progress::default();
        assert_eq!(
            p.set_status(item, Status::Blocked, Some("  "), at(0), None),
            Err(ProgressError::ReasonRequired(Status::Blocked))
        );
        p.set_status(item, Status::Blocked, Some(" no seats "), at(1), None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.item("invite-users").reason.as_deref(), Some("no seats"));
        p.set_status(item, Status::Done, None, at(2), None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.item("invite-users").reason, None);
        assert_eq!("IN-PROGRESS".parse::<Status>(), Ok(Status::InProgress));
        assert!("finished".parse::<Status>().is_err());
    }

    #[test]
    fn counts_follow_the_chosen_route_and_skip_optional_substeps() {
        let g = guide();
        let item = g.item("install-package").unwrap_or_else(|| panic!("item"));
        let mut p = Progress::default();
        let install = p.substep_counts(item).1;
        let expected = item
            .substeps
            .iter()
            .filter(|s| !s.optional && s.variant.as_deref() != Some("upgrade"))
            .count();
        assert_eq!(install, expected);
        p.set_variant(item, "upgrade", at(0), None);
        let upgrade = p.substep_counts(item).1;
        let expected = item
            .substeps
            .iter()
            .filter(|s| !s.optional && s.variant.as_deref() != Some("install"))
            .count();
        assert_eq!(upgrade, expected);
        p.set_variant(item, "nonsense", at(0), None);
        assert_eq!(p.variant_of(item), Some("upgrade"));
    }

    #[test]
    fn next_for_prefers_items_whose_needs_are_met_and_tally_counts_resolved() {
        let g = guide();
        let mut p = Progress::default();
        let mkto = vec!["marketo-admin".to_string()];
        assert_eq!(p.next_for(&g, &mkto), Some(0));
        for id in ["prereq-actions-enabled", "prereq-crm-sync"] {
            let item = g.item(id).unwrap_or_else(|| panic!("{id}"));
            p.set_status(item, Status::Done, None, at(0), None)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(p.next_for(&g, &mkto), g.index_of("setup-sales-account"));
        assert_eq!(
            p.tally(&g, &mkto),
            Tally {
                resolved: 2,
                total: 7
            }
        );
        let both = vec!["marketo-admin".to_string(), "salesforce-admin".to_string()];
        assert_eq!(p.tally(&g, &both).total, 9);
        for item in &g.items {
            p.set_status(item, Status::Skipped, Some("n/a"), at(5), Some("Lee"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(p.next_for(&g, &both), None);
        let last = p.last_change().unwrap_or_else(|| panic!("a change"));
        assert_eq!(last.by, Some("Lee"));
    }

    #[test]
    fn unknown_substeps_are_refused() {
        let g = guide();
        let item = g.item("connect-marketo").unwrap_or_else(|| panic!("item"));
        let mut p = Progress::default();
        assert!(matches!(
            p.set_ticked(item, "nope", true, at(0), None),
            Err(ProgressError::UnknownSubstep { .. })
        ));
        assert_eq!(probe_version("version = 3\nfoo = 1"), Some(3));
        assert_eq!(probe_version("nothing = true"), None);
        assert_eq!(probe_version("\0\0\0"), None);
    }
}
