//! The hand-off between the two admins: a secret-free file one admin exports and the other
//! merges into their own progress.
//!
//! The file is TOML with `kind = "msi-setup-handoff"` and `version = 1` at the top. It carries
//! the setup (who: name and roles), every item's state (status, ticked sub-steps, route, reason,
//! who and when, and any history a merge kept), the latest check results as status and time only
//! (a check's message can name hosts and users, so it stays home), and invite batches as counts,
//! teams and dates (addresses only when asked for). No credential, token or URL userinfo is ever
//! in it: progress holds none, and free text (reasons, names, teams) is cleaned of URL userinfo.
//!
//! Merging ([`merge`]) goes per item: the newer `updated-at` wins with its ticks, route, reason
//! and who. When both admins changed an item since they last saw each other's state, it is a
//! conflict: the newer still wins, both changes are kept in the item's history, and the conflict
//! is listed. "Seen" is tracked with two times: [`HandoffMarks::last_merged_at`] (the export time
//! of the last file this admin merged) travels in every export as `seen-until`. Merging the same
//! file twice changes nothing.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::checks::{CheckId, CheckStatus};
use super::guide::{ItemId, Role};
use super::progress::{self, InviteBatch, InviteSource, ItemChange, ItemProgress, Progress};
use super::text::{Detail, Localize};

/// The marker in the `kind` key of every hand-off file.
pub const KIND: &str = "msi-setup-handoff";

/// The hand-off schema version this build writes and understands.
pub const VERSION: u32 = 1;

/// Who wrote a hand-off file (or, in [`HandoffMarks::peer`], who the other admin is).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Peer {
    /// Their name, as recorded at setup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The roles they hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
}

impl Peer {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.roles.is_empty()
    }
}

/// A check result as a hand-off carries it: how it ended and when, nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckMark {
    /// The step it shows on.
    pub step: ItemId,
    /// How it ended.
    pub status: CheckStatus,
    /// When it finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Timestamp>,
}

/// An invite batch as a hand-off carries it: a count, teams and a date; addresses only when the
/// export was asked to include them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BatchMark {
    /// When it was recorded.
    pub at: Timestamp,
    /// Who recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Individual or CSV.
    pub source: InviteSource,
    /// How many addresses.
    pub count: usize,
    /// Teams given (empty: the Everyone team).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
    /// Marketo workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The addresses (only with `--with-addresses`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
}

impl BatchMark {
    /// The batch as a hand-off carries it.
    #[must_use]
    pub fn of(b: &InviteBatch, with_addresses: bool) -> BatchMark {
        BatchMark {
            at: b.at,
            by: b.by.as_deref().map(strip_userinfo),
            source: b.source,
            // New batches keep only their count (the addresses are in the journal); older
            // builds kept the addresses in the batch.
            count: usize::try_from(b.count)
                .unwrap_or(usize::MAX)
                .max(b.emails.len()),
            teams: b.teams.iter().map(|t| strip_userinfo(t)).collect(),
            workspace: b.workspace.as_deref().map(strip_userinfo),
            emails: if with_addresses {
                b.emails.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// Whether two records are the same batch (same time, source, size and recorder).
    #[must_use]
    pub fn same(&self, other: &BatchMark) -> bool {
        self.at == other.at
            && self.source == other.source
            && self.count == other.count
            && self.by == other.by
    }
}

/// What this admin has seen of the other's, kept in the progress file's `[handoff]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct HandoffMarks {
    /// The export time of the newest hand-off merged so far: changes of the other admin up to
    /// then have been seen. Exported as `seen-until`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_merged_at: Option<Timestamp>,
    /// Who the other admin is, from their last file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<Peer>,
    /// The other admin's latest check results (newer than ours when merged).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub peer_checks: BTreeMap<CheckId, CheckMark>,
    /// Invite batches the other admin recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peer_invites: Vec<BatchMark>,
}

impl HandoffMarks {
    /// Nothing recorded (the table is left out of the file).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &HandoffMarks::default()
    }
}

/// A hand-off file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Handoff {
    /// Always [`KIND`].
    pub kind: String,
    /// Schema version.
    pub version: u32,
    /// When it was exported (none when read from a progress file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<Timestamp>,
    /// The export time of the newest hand-off its writer had merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_until: Option<Timestamp>,
    /// Who wrote it.
    #[serde(default, skip_serializing_if = "Peer::is_empty")]
    pub from: Peer,
    /// Per item.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub items: BTreeMap<ItemId, ItemProgress>,
    /// Latest check results.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<CheckId, CheckMark>,
    /// Invite batches, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invites: Vec<BatchMark>,
    /// Every address recorded as invited (the journal's), only with `--with-addresses`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invited: Vec<String>,
}

/// Why a file cannot be merged. Its text is the catalog's (`handoff.err.*`); the caller adds
/// the file's `path`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandoffError {
    /// Not TOML, not UTF-8, or a field of the wrong shape.
    #[error("damaged: {0}")]
    Damaged(String),
    /// Written by a newer msi-setup.
    #[error("newer version {found} (this build understands {supported})")]
    Newer {
        /// Its version.
        found: u32,
        /// Ours.
        supported: u32,
    },
    /// A TOML file that is neither a hand-off nor a progress file.
    #[error("not a hand-off file")]
    NotHandoff,
}

impl Localize for HandoffError {
    fn detail(&self) -> Detail {
        match self {
            HandoffError::Damaged(m) => Detail::new("handoff.err.damaged").arg("error", m),
            HandoffError::Newer { found, supported } => Detail::new("handoff.err.newer")
                .arg("found", found)
                .arg("supported", supported),
            HandoffError::NotHandoff => Detail::new("handoff.err.not-handoff"),
        }
    }
}

/// The file name of an export at `now` without `--out`: `msi-setup-handoff-<date>.toml`.
#[must_use]
pub fn default_name(now: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    format!(
        "msi-setup-handoff-{}.toml",
        now.to_zoned(tz.clone()).strftime("%Y-%m-%d")
    )
}

/// `text` with the userinfo of every URL (`https://user:pass@host`) removed.
#[must_use]
pub fn strip_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => out.push_str(&authority[at + 1..]),
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn clean_change(c: &mut ItemChange) {
    c.by = c.by.as_deref().map(strip_userinfo);
    c.reason = c.reason.as_deref().map(strip_userinfo);
}

fn clean_item(p: &ItemProgress) -> ItemProgress {
    let mut p = p.clone();
    p.updated_by = p.updated_by.as_deref().map(strip_userinfo);
    p.reason = p.reason.as_deref().map(strip_userinfo);
    p.history.iter_mut().for_each(clean_change);
    p
}

impl Handoff {
    /// The hand-off of `p` at `now`: items, latest checks (ours or the other admin's, whichever
    /// is newer), invite batches (ours and theirs); addresses only `with_addresses`.
    #[must_use]
    pub fn export(p: &Progress, now: Timestamp, with_addresses: bool) -> Handoff {
        Handoff::build(p, Some(progress::whole_seconds(now)), with_addresses)
    }

    fn build(p: &Progress, exported_at: Option<Timestamp>, with_addresses: bool) -> Handoff {
        let mut checks: BTreeMap<CheckId, CheckMark> = p
            .checks
            .iter()
            .map(|(id, o)| {
                (
                    *id,
                    CheckMark {
                        step: o.step,
                        status: o.status,
                        finished_at: o.finished_at,
                    },
                )
            })
            .collect();
        for (id, c) in &p.handoff.peer_checks {
            let ours = checks.get(id).and_then(|m| m.finished_at);
            if !checks.contains_key(id) || c.finished_at > ours {
                checks.insert(*id, *c);
            }
        }
        let mut invites: Vec<BatchMark> = p
            .invites
            .iter()
            .map(|b| BatchMark::of(b, with_addresses))
            .collect();
        for b in &p.handoff.peer_invites {
            if !invites.iter().any(|o| o.same(b)) {
                let mut b = b.clone();
                if !with_addresses {
                    b.emails.clear();
                }
                invites.push(b);
            }
        }
        invites.sort_by_key(|b| b.at);
        Handoff {
            kind: KIND.to_string(),
            version: VERSION,
            exported_at,
            seen_until: p.handoff.last_merged_at,
            from: Peer {
                name: p.setup.name.as_deref().map(strip_userinfo),
                roles: p.setup.roles.clone(),
            },
            items: p.items.iter().map(|(id, i)| (*id, clean_item(i))).collect(),
            checks,
            invites,
            invited: if with_addresses {
                p.invited.iter().cloned().collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The file's text.
    ///
    /// # Errors
    /// Never in practice (all fields are plain data).
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }

    /// Reads a hand-off file, or another admin's `progress.toml` (taken as a hand-off without
    /// export time and without addresses).
    ///
    /// # Errors
    /// A damaged file, one from a newer version, or one that is neither.
    pub fn read(bytes: &[u8]) -> Result<Handoff, HandoffError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| HandoffError::Damaged(format!("not UTF-8 text: {e}")))?;
        let table: toml::Table =
            toml::from_str(text).map_err(|e| HandoffError::Damaged(e.message().to_string()))?;
        let version = |supported: u32| -> Result<(), HandoffError> {
            match table.get("version").and_then(toml::Value::as_integer) {
                None => Err(HandoffError::Damaged("no `version` key".to_string())),
                Some(v) if v > i64::from(supported) => Err(HandoffError::Newer {
                    found: u32::try_from(v).unwrap_or(u32::MAX),
                    supported,
                }),
                Some(v) if v < 1 => Err(HandoffError::Damaged(format!("unknown version {v}"))),
                Some(_) => Ok(()),
            }
        };
        match table.get("kind") {
            Some(toml::Value::String(k)) if k == KIND => {
                version(VERSION)?;
                toml::from_str::<Handoff>(text)
                    .map_err(|e| HandoffError::Damaged(e.message().to_string()))
            }
            Some(_) => Err(HandoffError::NotHandoff),
            None if table.contains_key("version")
                && (table.contains_key("items") || table.contains_key("setup")) =>
            {
                version(progress::VERSION)?;
                let p = Progress::from_toml(text)
                    .map_err(|e| HandoffError::Damaged(e.message().to_string()))?;
                Ok(Handoff::build(&p, None, false))
            }
            None => Err(HandoffError::NotHandoff),
        }
    }

    /// The time up to which this file shows its writer's changes: its export time or its
    /// newest change, whichever is later (a progress file has no export time; a clock that ran
    /// behind must not make a change look unseen forever).
    #[must_use]
    pub fn as_of(&self) -> Option<Timestamp> {
        let newest = self.items.values().filter_map(|i| i.updated_at).max();
        self.exported_at.max(newest)
    }
}

/// Which side's change a conflict kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Mine (it was newer, or as new).
    Mine,
    /// The other admin's (it was newer).
    Theirs,
}

/// An item whose state the merge changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepChange {
    /// Which item.
    pub id: ItemId,
    /// Its state before.
    pub before: ItemChange,
    /// Its state after.
    pub after: ItemChange,
}

/// An item both admins changed since they last saw each other's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Which item.
    pub id: ItemId,
    /// My change.
    pub mine: ItemChange,
    /// The other admin's change.
    pub theirs: ItemChange,
    /// The one kept (the newer).
    pub kept: Side,
}

/// The result of [`merge`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// My progress with the other admin's changes in.
    pub progress: Progress,
    /// Every item whose state changed, in guide order.
    pub changes: Vec<StepChange>,
    /// Every conflict, in guide order.
    pub conflicts: Vec<Conflict>,
    /// Check results taken (newer than any known).
    pub checks: usize,
    /// Invite batches taken (not known yet).
    pub invites: usize,
}

impl Merged {
    /// Whether merging changes anything at all (items, history, checks, batches, marks).
    #[must_use]
    pub fn changes_anything(&self, before: &Progress) -> bool {
        &self.progress != before
    }
}

fn add_history(into: &mut Vec<ItemChange>, c: &ItemChange) {
    if !into.contains(c) {
        into.push(c.clone());
    }
}

fn union_history(a: &[ItemChange], b: &[ItemChange]) -> Vec<ItemChange> {
    let mut out = a.to_vec();
    for c in b {
        add_history(&mut out, c);
    }
    out.sort_by_key(|x| x.at);
    out
}

/// Merges `theirs` into `mine` (see the module docs). Pure: the caller saves the result.
#[must_use]
pub fn merge(mine: &Progress, theirs: &Handoff) -> Merged {
    let mut out = mine.clone();
    let my_seen = mine.handoff.last_merged_at;
    let their_seen = theirs.seen_until;
    let mut changes = Vec::new();
    let mut conflicts = Vec::new();
    for (id, t) in &theirs.items {
        let m = mine.items.get(id);
        let t_change = t.as_change();
        let m_change = m.map(ItemProgress::as_change).unwrap_or_default();
        let history = union_history(m.map_or(&[][..], |m| &m.history), &t.history);
        if m.is_some_and(|m| m.as_change() == t_change)
            || (m.is_none() && *t == ItemProgress::default())
        {
            if let Some(entry) = out.items.get_mut(id) {
                entry.history = history;
            }
            continue;
        }
        let m_at = m.and_then(|m| m.updated_at);
        let theirs_newer = match (m_at, t.updated_at) {
            (_, None) => m.is_none(),
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b > a,
        };
        let mine_unseen = m_at.is_some_and(|a| their_seen.is_none_or(|s| a > s));
        let theirs_unseen = t.updated_at.is_some_and(|b| my_seen.is_none_or(|s| b > s));
        let mut next = if theirs_newer {
            t.clone()
        } else {
            m.cloned().unwrap_or_default()
        };
        next.history = history;
        if m.is_some() && mine_unseen && theirs_unseen {
            add_history(&mut next.history, &m_change);
            add_history(&mut next.history, &t_change);
            next.history.sort_by_key(|x| x.at);
            conflicts.push(Conflict {
                id: *id,
                mine: m_change.clone(),
                theirs: t_change.clone(),
                kept: if theirs_newer {
                    Side::Theirs
                } else {
                    Side::Mine
                },
            });
        }
        if theirs_newer {
            changes.push(StepChange {
                id: *id,
                before: m_change,
                after: t_change,
            });
        }
        out.items.insert(*id, next);
    }
    let mut checks = 0;
    for (id, c) in &theirs.checks {
        let mine_at = mine.checks.get(id).map(|o| o.finished_at);
        let peer_at = out.handoff.peer_checks.get(id).map(|p| p.finished_at);
        let known = mine_at.into_iter().chain(peer_at).max();
        if known.is_none_or(|k| c.finished_at > k) {
            out.handoff.peer_checks.insert(*id, *c);
            checks += 1;
        }
    }
    let mut invites = 0;
    let own: Vec<BatchMark> = mine
        .invites
        .iter()
        .map(|b| BatchMark::of(b, false))
        .collect();
    for b in &theirs.invites {
        if !own.iter().any(|o| o.same(b)) && !out.handoff.peer_invites.iter().any(|o| o.same(b)) {
            out.handoff.peer_invites.push(b.clone());
            invites += 1;
        }
    }
    out.handoff.peer_invites.sort_by_key(|b| b.at);
    if let Some(at) = theirs.as_of() {
        out.handoff.last_merged_at = Some(my_seen.map_or(at, |s| s.max(at)));
    }
    if !theirs.from.is_empty() {
        out.handoff.peer = Some(theirs.from.clone());
    }
    Merged {
        progress: out,
        changes,
        conflicts,
        checks,
        invites,
    }
}

#[cfg(test)]
mod tests;
