//! The per-role checklist: what is done, by whom and when, and how it changes.
//!
//! Saved as `progress.toml` (see `store`). Schema rules: `version = 1` at the top, kebab-case
//! keys, lowercase enum strings, RFC 3339 timestamps, empty fields skipped, `BTreeMap`s so the
//! key order is stable; unknown keys are tolerated (no `deny_unknown_fields`) so an older build
//! can read a newer minor addition, while a newer `version` is refused by the store.
//!
//! Step ids, roles and check ids are typed ([`ItemId`], [`Role`], [`CheckId`]). The file goes
//! through a string-keyed mirror of the model ([`ProgressFile`]), so its tables keep the order
//! they always had (by id string) and an id this build does not know (written by another build)
//! is kept as read in [`Progress::unknown`] and written back, never dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use strum::VariantArray;

use super::checks::{CheckId, CheckOutcome};
use super::guide::{Guide, Item, ItemId, Role};
use super::handoff::HandoffMarks;
use super::text::{Detail, Lang, Localize};

mod csv_flow;
mod invites;
mod merge;

pub use csv_flow::{
    ColumnChoice, CsvFlow, CsvStage, DelimiterChoice, EncodingChoice, SavedCsvFlow, SavedFlowError,
};
pub use invites::{SeatBudget, SeatsUsedSource, TeamBudget, parse_journal};

/// The schema version this build writes and understands.
pub const VERSION: u32 = 1;

/// Where an item stands. Parsed case-insensitively (`IN-PROGRESS` is `in-progress`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
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
    /// The word used in files, JSON and on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.into()
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

/// Who set things up and in which language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Setup {
    /// The roles this person holds.
    pub roles: Vec<Role>,
    /// Their name, recorded as "done by".
    pub name: Option<String>,
    /// The language they chose.
    pub lang: Option<Lang>,
    /// When the setup began.
    pub started_at: Option<Timestamp>,
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
    /// Earlier changes kept by a merge where both admins changed this item (oldest first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<ItemChange>,
    /// Keys this build does not know, kept as read.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// One change of an item as it stood on one side of a merge, kept in [`ItemProgress::history`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ItemChange {
    /// When it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
    /// Who made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The status it set.
    #[serde(default)]
    pub status: Status,
    /// The route it chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The sub-steps ticked.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub ticked: BTreeSet<String>,
    /// Its reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ItemProgress {
    /// The state without its history, as one change.
    #[must_use]
    pub fn as_change(&self) -> ItemChange {
        ItemChange {
            at: self.updated_at,
            by: self.updated_by.clone(),
            status: self.status,
            variant: self.variant.clone(),
            ticked: self.ticked.clone(),
            reason: self.reason.clone(),
        }
    }
}

/// Keys of a table that this build does not know (a newer build or a hand edit wrote them),
/// kept as read and written back so that no save drops them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extra(pub BTreeMap<String, toml::Value>);

// TOML values hold floats, but a NaN read from a file only makes two copies compare unequal,
// which at worst saves once more.
impl Eq for Extra {}

impl Extra {
    /// No unknown keys.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The whole progress file (read and written through [`ProgressFile`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ProgressFile", into = "ProgressFile")]
pub struct Progress {
    /// Schema version.
    pub version: u32,
    /// Who and how.
    pub setup: Setup,
    /// Per item.
    pub items: BTreeMap<ItemId, ItemProgress>,
    /// The last result of each live check (no secrets: outcomes are scrubbed).
    pub checks: BTreeMap<CheckId, CheckOutcome>,
    /// Invite batches recorded as sent, oldest first.
    pub invites: Vec<InviteBatch>,
    /// Every address recorded as invited, lower-cased and trimmed: the journal file's lines
    /// (see `store`) and the addresses older builds kept in `invites`. Not in `progress.toml`.
    pub invited: Invited,
    /// Seats already used in the instance, as the admin corrected it (`None`: counted, see
    /// [`Progress::seat_budget`]).
    pub seats_used: Option<u64>,
    /// Where an unfinished CSV invite stands, so quitting and starting again resumes it.
    pub csv_flow: Option<SavedCsvFlow>,
    /// Where the user was when they last quit: restarting opens this item's screen with this
    /// sub-step selected.
    pub resume: Option<ResumeAt>,
    /// Ids in the file that this build does not know, kept as read so a save writes them back.
    pub unknown: Unknown,
    /// What this admin exported and merged, and what the other admin's files said.
    pub handoff: HandoffMarks,
}

/// A place in the wizard to come back to: an item's screen and its selected sub-step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumeAt {
    /// The item whose screen was open.
    pub item: ItemId,
    /// The selected sub-step's id, when it had one.
    pub substep: Option<String>,
}

/// [`ResumeAt`] as written: `[resume] item = "install-package"`, `substep = "..."`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct ResumeFile {
    item: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    substep: Option<String>,
}

/// Entries of a progress file whose id this build does not know (a newer build wrote them, or a
/// hand edit). They take no part in counts or screens; they are kept so that no save drops them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unknown {
    /// Role ids in `[setup] roles` (written after the known ones).
    pub roles: Vec<String>,
    /// Items, by id.
    pub items: BTreeMap<String, ItemProgress>,
    /// Check outcomes, by check id.
    pub checks: BTreeMap<String, CheckOutcome>,
    /// Top-level keys and tables this build does not know.
    pub tables: Extra,
    /// Keys in `[setup]` this build does not know.
    pub setup: Extra,
}

/// The file's schema: [`Progress`] with its typed ids as strings. Maps keyed by string keep
/// their tables in id-string order, as every build has written them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct ProgressFile {
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seats_used: Option<u64>,
    #[serde(default, skip_serializing_if = "SetupFile::is_empty")]
    setup: SetupFile,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    items: BTreeMap<String, ItemProgress>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    checks: BTreeMap<String, CheckOutcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    invites: Vec<InviteBatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    csv_flow: Option<SavedCsvFlow>,
    #[serde(default, skip_serializing_if = "HandoffMarks::is_empty")]
    handoff: HandoffMarks,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resume: Option<ResumeFile>,
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct SetupFile {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<Lang>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_at: Option<Timestamp>,
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    extra: Extra,
}

impl SetupFile {
    fn is_empty(&self) -> bool {
        self == &SetupFile::default()
    }
}

/// Splits `map` into the entries whose key parses as `K` and the rest.
fn split_keys<K: Ord + std::str::FromStr, V>(
    map: BTreeMap<String, V>,
) -> (BTreeMap<K, V>, BTreeMap<String, V>) {
    let mut known = BTreeMap::new();
    let mut unknown = BTreeMap::new();
    for (k, v) in map {
        match k.parse::<K>() {
            Ok(id) => {
                known.insert(id, v);
            }
            Err(_) => {
                unknown.insert(k, v);
            }
        }
    }
    (known, unknown)
}

/// `known` (as strings) and `unknown`, in one string-keyed map.
fn join_keys<K: fmt::Display, V>(
    known: BTreeMap<K, V>,
    unknown: BTreeMap<String, V>,
) -> BTreeMap<String, V> {
    let mut map: BTreeMap<String, V> = known.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    map.extend(unknown);
    map
}

impl From<ProgressFile> for Progress {
    fn from(f: ProgressFile) -> Progress {
        let mut roles = Vec::new();
        let mut unknown_roles = Vec::new();
        for r in f.setup.roles {
            match r.parse::<Role>() {
                Ok(role) => roles.push(role),
                Err(_) => unknown_roles.push(r),
            }
        }
        let (items, unknown_items) = split_keys(f.items);
        let (checks, unknown_checks) = split_keys(f.checks);
        let invited = f
            .invites
            .iter()
            .flat_map(|b| b.emails.iter())
            .map(|e| e.trim().to_lowercase())
            .collect();
        Progress {
            version: f.version,
            invited: std::sync::Arc::new(invited),
            seats_used: f.seats_used,
            setup: Setup {
                roles,
                name: f.setup.name,
                lang: f.setup.lang,
                started_at: f.setup.started_at,
            },
            items,
            checks,
            invites: f.invites,
            csv_flow: f.csv_flow,
            handoff: f.handoff,
            // A place this build does not know is simply not resumed.
            resume: f.resume.and_then(|r| {
                r.item.parse::<ItemId>().ok().map(|item| ResumeAt {
                    item,
                    substep: r.substep,
                })
            }),
            unknown: Unknown {
                roles: unknown_roles,
                items: unknown_items,
                checks: unknown_checks,
                tables: f.extra,
                setup: f.setup.extra,
            },
        }
    }
}

impl From<Progress> for ProgressFile {
    fn from(p: Progress) -> ProgressFile {
        let roles = p.roles_as_written();
        ProgressFile {
            version: p.version,
            seats_used: p.seats_used,
            setup: SetupFile {
                roles,
                name: p.setup.name,
                lang: p.setup.lang,
                started_at: p.setup.started_at,
                extra: p.unknown.setup,
            },
            items: join_keys(p.items, p.unknown.items),
            checks: join_keys(p.checks, p.unknown.checks),
            invites: p.invites,
            csv_flow: p.csv_flow,
            handoff: p.handoff,
            resume: p.resume.map(|r| ResumeFile {
                item: r.item.to_string(),
                substep: r.substep,
            }),
            extra: p.unknown.tables,
        }
    }
}

/// Every address recorded as invited (shared: saving a copy of the progress does not copy it).
pub type Invited = std::sync::Arc<BTreeSet<String>>;

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
    /// How many addresses were recorded (they are in the journal file, not here).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub count: u64,
    /// The addresses, as older builds wrote them here (new batches keep them in the journal
    /// file; read for seats and re-runs, never written for a new batch).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl InviteBatch {
    /// Addresses in the batch (older batches list them, newer ones count them).
    #[must_use]
    pub fn len(&self) -> u64 {
        self.count.max(self.emails.len() as u64)
    }

    /// Whether the batch holds no address.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: VERSION,
            setup: Setup::default(),
            items: BTreeMap::new(),
            checks: BTreeMap::new(),
            invites: Vec::new(),
            invited: std::sync::Arc::default(),
            seats_used: None,
            csv_flow: None,
            resume: None,
            unknown: Unknown::default(),
            handoff: HandoffMarks::default(),
        }
    }
}

/// A change that cannot be made, or an id or word that is not one of ours.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    /// No such prerequisite or step.
    UnknownItem(String),
    /// No such role.
    UnknownRole(String),
    /// No such status word.
    UnknownStatus(String),
    /// Skipped and blocked need a reason.
    ReasonRequired(Status),
    /// No such sub-step.
    UnknownSubstep {
        /// The item.
        item: ItemId,
        /// The sub-step.
        sub: String,
    },
}

/// `a, b, c`: the names of a closed set, for "use one of" messages.
fn list<T: Copy + Into<&'static str>>(all: &[T]) -> String {
    all.iter()
        .map(|v| -> &'static str { (*v).into() })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Localize for ProgressError {
    fn detail(&self) -> Detail {
        match self {
            ProgressError::UnknownItem(id) => Detail::new("core.err.unknown-step")
                .arg("id", id)
                .arg("ids", list(ItemId::VARIANTS)),
            ProgressError::UnknownRole(role) => Detail::new("core.err.unknown-role")
                .arg("role", role)
                .arg("roles", list(Role::VARIANTS)),
            ProgressError::UnknownStatus(s) => {
                Detail::new("core.err.unknown-status").arg("status", s)
            }
            ProgressError::ReasonRequired(s) => {
                Detail::new("core.err.reason-required").arg("status", s)
            }
            ProgressError::UnknownSubstep { item, sub } => Detail::new("core.err.unknown-substep")
                .arg("id", item)
                .arg("sub", sub),
        }
    }
}

impl fmt::Display for ProgressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::text::fmt_english(self, f)
    }
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
    pub item: ItemId,
    /// When.
    pub at: Timestamp,
    /// Who, if known.
    pub by: Option<&'a str>,
}

impl Progress {
    /// The state of `id` (todo if never touched).
    #[must_use]
    pub fn item(&self, id: ItemId) -> ItemProgress {
        self.items.get(&id).cloned().unwrap_or_default()
    }

    /// The status of `id`.
    #[must_use]
    pub fn status(&self, id: ItemId) -> Status {
        self.items.get(&id).map(|p| p.status).unwrap_or_default()
    }

    /// The role ids as the file lists them: the known roles, then any this build does not know.
    #[must_use]
    pub fn roles_as_written(&self) -> Vec<String> {
        let mut roles: Vec<String> = self.setup.roles.iter().map(ToString::to_string).collect();
        roles.extend(self.unknown.roles.iter().cloned());
        roles
    }

    /// Whether the welcome has been completed (a role is chosen).
    #[must_use]
    pub fn is_set_up(&self) -> bool {
        !self.setup.roles.is_empty()
    }

    fn touch(&mut self, id: ItemId, now: Timestamp, by: Option<&str>) -> &mut ItemProgress {
        let entry = self.items.entry(id).or_default();
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
        let entry = self.touch(item.id, now, by);
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
                item: item.id,
                sub: sub.to_string(),
            });
        }
        let entry = self.touch(item.id, now, by);
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
            self.touch(item.id, now, by).variant = Some(variant.to_string());
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
    pub fn reset_item(&mut self, id: ItemId) {
        self.items.remove(&id);
    }

    /// Forgets every item's state, also of items this build does not know; the setup (roles,
    /// name, language) stays.
    pub fn reset_all(&mut self) {
        self.items.clear();
        self.unknown.items.clear();
    }

    /// Resolved/total for items owned by any of `roles`.
    #[must_use]
    pub fn tally(&self, guide: &Guide, roles: &[Role]) -> Tally {
        let mut t = Tally::default();
        for item in guide.items().iter().filter(|i| i.owned_by_any(roles)) {
            t.total += 1;
            if self.status(item.id).is_resolved() {
                t.resolved += 1;
            }
        }
        t
    }

    /// Items in `needs` of `item` that are not resolved yet.
    #[must_use]
    pub fn unmet_needs(&self, item: &Item) -> Vec<ItemId> {
        item.needs
            .iter()
            .copied()
            .filter(|n| !self.status(*n).is_resolved())
            .collect()
    }

    /// The next item to work on for `roles`: the first unresolved, not blocked item they own
    /// whose needs are met (a blocked item waits on someone else), else the first not blocked
    /// one, else the first unresolved one; `None` when all are done.
    #[must_use]
    pub fn next_for(&self, guide: &Guide, roles: &[Role]) -> Option<ItemId> {
        let open: Vec<&Item> = guide
            .items()
            .iter()
            .filter(|i| i.owned_by_any(roles) && !self.status(i.id).is_resolved())
            .collect();
        open.iter()
            .find(|i| self.unmet_needs(i).is_empty() && self.status(i.id) != Status::Blocked)
            .or_else(|| open.iter().find(|i| self.status(i.id) != Status::Blocked))
            .or_else(|| open.first())
            .map(|i| i.id)
    }

    /// Every address recorded as invited, lower-cased and trimmed, without repeats.
    #[must_use]
    pub fn invited_emails(&self) -> &BTreeSet<String> {
        &self.invited
    }

    /// Records a batch as invited (nothing is recorded before this): the batch keeps its count,
    /// the addresses join [`Progress::invited`] and are returned, to be appended to the journal
    /// file.
    pub fn record_invites(&mut self, mut batch: InviteBatch) -> Vec<String> {
        batch.at = whole_seconds(batch.at);
        let emails: Vec<String> = std::mem::take(&mut batch.emails)
            .into_iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        batch.count = emails.len() as u64;
        let set = std::sync::Arc::make_mut(&mut self.invited);
        for e in &emails {
            set.insert(e.to_lowercase());
        }
        self.invites.push(batch);
        emails
    }

    /// Adds the journal file's addresses (as read at start) to [`Progress::invited`].
    pub fn add_journal<'a>(&mut self, lines: impl IntoIterator<Item = &'a str>) {
        let keys = lines.into_iter().map(|l| {
            let l = l.trim();
            // Most lines are lower-case already: copied, not case-mapped.
            if l.bytes().any(|b| b.is_ascii_uppercase()) || !l.is_ascii() {
                l.to_lowercase()
            } else {
                l.to_string()
            }
        });
        let set = std::sync::Arc::make_mut(&mut self.invited);
        if set.is_empty() {
            // Collected at once, the set is built from sorted keys in one pass (a large journal
            // loads several times faster than by inserting one key at a time).
            *set = keys.collect();
        } else {
            set.extend(keys);
        }
    }

    /// Takes the addresses older builds listed in their batches out of them (each batch keeps
    /// its count), for the journal: `progress.toml` then stays small. [`Progress::invited`]
    /// already holds them.
    pub fn take_legacy_addresses(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for b in &mut self.invites {
            if b.emails.is_empty() {
                continue;
            }
            b.count = b.len();
            out.extend(
                std::mem::take(&mut b.emails)
                    .into_iter()
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty()),
            );
        }
        out
    }

    /// Joins addresses read from the journal after the progress was loaded (the TUI reads the
    /// journal after its first frame): the smaller set goes into the larger.
    pub fn join_invited(&mut self, mut read: Invited) {
        if read.len() < self.invited.len() {
            std::mem::swap(&mut read, &mut self.invited);
        }
        let small = std::mem::replace(&mut self.invited, read);
        if !small.is_empty() {
            let set = std::sync::Arc::make_mut(&mut self.invited);
            set.extend(small.iter().cloned());
        }
    }

    /// The most recent change, if any (of two at the same second, the one whose id sorts
    /// last, as the file lists them).
    #[must_use]
    pub fn last_change(&self) -> Option<LastChange<'_>> {
        self.items
            .iter()
            .filter_map(|(id, p)| {
                p.updated_at.map(|at| LastChange {
                    item: *id,
                    at,
                    by: p.updated_by.as_deref(),
                })
            })
            .max_by_key(|c| (c.at, c.item.as_str()))
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

    #[test]
    fn join_invited_keeps_every_address_once_whichever_set_is_larger() {
        let set = |a: &[&str]| -> Invited {
            std::sync::Arc::new(a.iter().map(|s| (*s).to_string()).collect())
        };
        for (mine, read) in [
            (&["a@x.io"][..], &["a@x.io", "b@x.io", "c@x.io"][..]),
            (
                &["a@x.io", "b@x.io", "c@x.io"][..],
                &["c@x.io", "d@x.io"][..],
            ),
            (&[][..], &["a@x.io"][..]),
            (&["a@x.io"][..], &[][..]),
        ] {
            let mut p = Progress {
                invited: set(mine),
                ..Progress::default()
            };
            p.join_invited(set(read));
            let mut want: Vec<&str> = mine.iter().chain(read).copied().collect();
            want.sort_unstable();
            want.dedup();
            assert_eq!(p.invited_emails().iter().collect::<Vec<_>>(), want);
        }
    }

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
        p.setup.roles = vec![Role::MarketoAdmin];
        let item = g.item(ItemId::SetupSalesAccount);
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
        let item = g.item(ItemId::InviteUsers);
        let mut p = Progress::default();
        assert_eq!(
            p.set_status(item, Status::Blocked, Some("  "), at(0), None),
            Err(ProgressError::ReasonRequired(Status::Blocked))
        );
        p.set_status(item, Status::Blocked, Some(" no seats "), at(1), None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            p.item(ItemId::InviteUsers).reason.as_deref(),
            Some("no seats")
        );
        p.set_status(item, Status::Done, None, at(2), None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.item(ItemId::InviteUsers).reason, None);
        assert_eq!("IN-PROGRESS".parse::<Status>(), Ok(Status::InProgress));
        assert!("finished".parse::<Status>().is_err());
    }

    #[test]
    fn counts_follow_the_chosen_route_and_skip_optional_substeps() {
        let g = guide();
        let item = g.item(ItemId::InstallPackage);
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
        let mkto = vec![Role::MarketoAdmin];
        assert_eq!(p.next_for(&g, &mkto), Some(ItemId::PrereqActionsEnabled));
        for id in [ItemId::PrereqActionsEnabled, ItemId::PrereqCrmSync] {
            let item = g.item(id);
            p.set_status(item, Status::Done, None, at(0), None)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(p.next_for(&g, &mkto), Some(ItemId::SetupSalesAccount));
        assert_eq!(
            p.tally(&g, &mkto),
            Tally {
                resolved: 2,
                total: 7
            }
        );
        let both = vec![Role::MarketoAdmin, Role::SalesforceAdmin];
        assert_eq!(p.tally(&g, &both).total, 9);
        for item in g.items() {
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
        let item = g.item(ItemId::ConnectMarketo);
        let mut p = Progress::default();
        assert!(matches!(
            p.set_ticked(item, "nope", true, at(0), None),
            Err(ProgressError::UnknownSubstep { .. })
        ));
        assert_eq!(probe_version("version = 3\nfoo = 1"), Some(3));
        assert_eq!(probe_version("nothing = true"), None);
        assert_eq!(probe_version("\0\0\0"), None);
    }

    /// A state with something in every part of the schema, built through the API.
    fn rich(g: &Guide) -> Progress {
        let sec = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        let mut p = Progress::default();
        p.setup.roles = vec![Role::SalesforceAdmin, Role::MarketoAdmin];
        p.setup.name = Some("Ana".into());
        p.setup.lang = Some(Lang::Ko);
        p.setup.started_at = Some(sec(1_790_000_000));
        for (n, item) in g.items().iter().enumerate() {
            let t = sec(1_790_000_000 + i64::try_from(n % 3).unwrap_or(0));
            if let Some(s) = item.substeps.first() {
                p.set_ticked(item, &s.id, true, t, Some("Ana"))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            if n % 2 == 0 {
                p.set_status(item, Status::Skipped, Some("n/a"), t, Some("Lee"))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            if let Some(v) = item.variants.last() {
                p.set_variant(item, v, t, None);
            }
        }
        for id in CheckId::VARIANTS.iter().copied() {
            let mut o = CheckOutcome::new(
                id,
                super::super::checks::CheckStatus::Pass,
                Detail::new("checks.status.pass").arg("a", 1),
            );
            o.finished_at = Some(sec(1_790_000_100));
            p.checks.insert(id, o);
        }
        // As an older build recorded it: the addresses in the batch.
        p.invites.push(InviteBatch {
            at: sec(1_790_000_200),
            by: Some("Ana".into()),
            source: InviteSource::Csv,
            file: Some("u.csv".into()),
            teams: vec!["A".into()],
            workspace: Some("W".into()),
            count: 0,
            emails: vec!["a@x.io".into()],
        });
        p.invited = std::sync::Arc::new(["a@x.io".to_string()].into());
        p.csv_flow = Some(SavedCsvFlow::Read(CsvFlow {
            file: "u.csv".into(),
            size: Some(10),
            modified: Some(5),
            stage: CsvStage::Grid,
            encoding: Some(EncodingChoice(encoding_rs::EUC_KR)),
            delimiter: Some(DelimiterChoice(b';')),
            header_row: Some(crate::domain::csv_intake::HeaderChoice::Line(2)),
            mapping: [(
                crate::domain::csv_intake::Field::Email,
                ColumnChoice::Column(2),
            )]
            .into_iter()
            .collect(),
            out: Some("o.csv".into()),
            report: Some("r.csv".into()),
            left_out: None,
            left_out_rows: None,
        }));
        p
    }

    /// `testdata/progress-v1.toml` was written by the build before ids were typed, from the same
    /// state as [`rich`]: the file must not change by a byte (tables in id-string order, roles
    /// in the order chosen).
    #[test]
    fn the_file_is_byte_identical_to_what_earlier_builds_wrote() {
        let g = guide();
        let golden = include_str!("testdata/progress-v1.toml");
        let p = rich(&g);
        assert_eq!(p.to_toml().unwrap_or_default(), golden);
        let read = Progress::from_toml(golden).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read, p);
        assert_eq!(read.unknown, Unknown::default());
        assert_eq!(read.to_toml().unwrap_or_default(), golden);
    }

    /// A newer build (or a hand edit) may write ids this one does not know: they are neither an
    /// error nor dropped, but kept aside and written back.
    #[test]
    fn ids_this_build_does_not_know_are_kept_and_written_back() {
        let g = guide();
        let text = "version = 1\n\n[setup]\nroles = [\"marketo-admin\", \"sales-rep\"]\n\n\
                    [items.aa-old-step]\nstatus = \"done\"\nupdated-at = \"2026-09-21T14:13:29Z\"\n\n\
                    [items.invite-users]\nstatus = \"blocked\"\nreason = \"no seats\"\n\n\
                    [items.zz-new-step]\nstatus = \"skipped\"\nreason = \"later\"\n\n\
                    [checks.zz-new-check]\nid = \"sf-package\"\nstep = \"install-package\"\n\
                    status = \"pass\"\nduration_ms = 0\n\n[checks.zz-new-check.detail]\nkey = \"k\"\n";
        let p = Progress::from_toml(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.setup.roles, vec![Role::MarketoAdmin]);
        assert_eq!(p.unknown.roles, vec!["sales-rep".to_string()]);
        assert_eq!(
            p.items.keys().copied().collect::<Vec<_>>(),
            [ItemId::InviteUsers]
        );
        assert_eq!(
            p.unknown
                .items
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["aa-old-step", "zz-new-step"]
        );
        assert!(p.checks.is_empty());
        assert_eq!(p.unknown.checks.len(), 1);
        assert_eq!(p.to_toml().unwrap_or_default(), text);
        assert_eq!(
            p.roles_as_written(),
            vec!["marketo-admin".to_string(), "sales-rep".to_string()]
        );
        // They count for nothing: the tally and the last change see only known items.
        assert_eq!(p.tally(&g, &[Role::MarketoAdmin]).resolved, 0);
        assert_eq!(p.last_change(), None);
        // Resetting everything forgets them too; the setup stays.
        let mut all = p.clone();
        all.reset_all();
        assert!(all.items.is_empty() && all.unknown.items.is_empty());
        assert_eq!(all.unknown.roles, vec!["sales-rep".to_string()]);
        let mut one = p;
        one.reset_item(ItemId::InviteUsers);
        assert!(one.items.is_empty());
        assert_eq!(one.unknown.items.len(), 2);
    }

    #[test]
    fn the_last_change_is_the_latest_and_ties_go_to_the_id_listed_last() {
        let g = guide();
        let mut p = Progress::default();
        assert_eq!(p.last_change(), None);
        for id in [ItemId::ConnectSalesforce, ItemId::ConnectMarketo] {
            p.set_status(g.item(id), Status::Done, None, at(7), Some("Ana"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        // Same second: the file lists connect-marketo first, so connect-salesforce is last.
        let last = p.last_change().unwrap_or_else(|| panic!("a change"));
        assert_eq!(last.item, ItemId::ConnectSalesforce);
        assert_eq!(last.at, at(7));
        assert_eq!(last.by, Some("Ana"));
        p.set_status(
            g.item(ItemId::PrereqCrmSync),
            Status::Todo,
            None,
            at(8),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let last = p.last_change().unwrap_or_else(|| panic!("a change"));
        assert_eq!((last.item, last.by), (ItemId::PrereqCrmSync, None));
    }

    #[test]
    fn errors_render_from_the_catalog_in_every_language() {
        let e = ProgressError::UnknownItem("nope".into());
        let d = e.detail();
        assert_eq!(d.key, "core.err.unknown-step");
        assert_eq!(d.args.get("id").map(String::as_str), Some("nope"));
        let ids = d.args.get("ids").cloned().unwrap_or_default();
        assert!(
            ids.starts_with("prereq-actions-enabled, prereq-crm-sync,"),
            "{ids}"
        );
        assert!(ids.ends_with("configure-salesforce"), "{ids}");
        // Display is the English catalog text.
        assert_eq!(
            e.to_string(),
            format!("unknown step `nope`. Use one of: {ids}.")
        );
        let roles = ProgressError::UnknownRole("x".into()).detail();
        assert_eq!(
            roles.args.get("roles").map(String::as_str),
            Some("marketo-admin, salesforce-admin")
        );
        let sub = ProgressError::UnknownSubstep {
            item: ItemId::InviteUsers,
            sub: "s".into(),
        };
        assert_eq!(sub.to_string(), "step `invite-users` has no sub-step `s`.");
        for lang in Lang::ALL {
            let tr = super::super::text::Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
            for e in [
                ProgressError::UnknownItem("nope".into()),
                ProgressError::UnknownRole("x".into()),
                ProgressError::UnknownStatus("y".into()),
                ProgressError::ReasonRequired(Status::Blocked),
                sub.clone(),
            ] {
                let text = e.localize(&tr);
                assert!(
                    !text.contains('{') && text != e.detail().key,
                    "{lang}: {text}"
                );
            }
        }
        assert_eq!(
            ProgressError::ReasonRequired(Status::Skipped)
                .detail()
                .args
                .get("status")
                .map(String::as_str),
            Some("skipped")
        );
    }

    #[test]
    fn statuses_read_and_print_as_their_words() {
        let words: Vec<&str> = Status::VARIANTS.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["todo", "in-progress", "done", "skipped", "blocked"]);
        for s in Status::VARIANTS {
            assert_eq!(s.to_string(), s.as_str());
            assert_eq!(s.as_str().to_uppercase().parse::<Status>().ok(), Some(*s));
            let json = serde_json::to_string(s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert!(" done".parse::<Status>().is_err(), "callers trim");
        assert!(Status::Done.is_resolved() && Status::Skipped.is_resolved());
        assert!(!Status::Blocked.is_resolved() && !Status::InProgress.is_resolved());
        assert!(Status::Blocked.needs_reason() && Status::Skipped.needs_reason());
        assert!(!Status::Done.needs_reason() && !Status::Todo.needs_reason());
    }

    #[test]
    fn needs_count_until_resolved_and_steer_what_comes_next() {
        let g = guide();
        let mut p = Progress::default();
        let setup = g.item(ItemId::SetupSalesAccount);
        assert_eq!(
            p.unmet_needs(setup),
            [ItemId::PrereqActionsEnabled, ItemId::PrereqCrmSync]
        );
        let sf = [Role::SalesforceAdmin];
        // Nothing the Salesforce admin owns can start: the first of their items it is.
        assert_eq!(p.next_for(&g, &sf), Some(ItemId::ConnectSalesforce));
        p.set_status(
            g.item(ItemId::PrereqActionsEnabled),
            Status::Done,
            None,
            at(0),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.unmet_needs(setup), [ItemId::PrereqCrmSync]);
        // Skipped counts as resolved; in progress does not.
        p.set_status(
            g.item(ItemId::PrereqCrmSync),
            Status::InProgress,
            None,
            at(1),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.unmet_needs(setup), [ItemId::PrereqCrmSync]);
        assert_eq!(p.next_for(&g, &sf), Some(ItemId::ConnectSalesforce));
        p.set_status(
            g.item(ItemId::PrereqCrmSync),
            Status::Skipped,
            Some("synced"),
            at(2),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(p.unmet_needs(setup).is_empty());
        // Now the package can be installed, though connect-salesforce comes first in the guide.
        assert_eq!(p.next_for(&g, &sf), Some(ItemId::InstallPackage));
        assert_eq!(
            p.tally(&g, &sf),
            Tally {
                resolved: 0,
                total: 3
            }
        );
    }
}
