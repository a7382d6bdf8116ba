//! Three-way merge of progress: what this program saves (`ours`), what it loaded or last saved
//! (`base`), and what is on disk now (`theirs`, after another program wrote it underneath).
//! Nothing another writer changed is dropped unless this program changed the same entry too;
//! then the later `updated-at` wins (ours on a tie).

use std::collections::BTreeMap;

use super::{Progress, Unknown};

/// Per key: ours when ours changed since `base`, else theirs; both changed: `prefer_ours`.
fn merge_map<K: Ord + Clone, V: Clone + PartialEq>(
    base: &BTreeMap<K, V>,
    ours: &BTreeMap<K, V>,
    theirs: &BTreeMap<K, V>,
    prefer_ours: impl Fn(&V, &V) -> bool,
) -> BTreeMap<K, V> {
    let mut keys: Vec<&K> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let mut out = BTreeMap::new();
    for k in keys {
        let (b, o, t) = (base.get(k), ours.get(k), theirs.get(k));
        let pick = if o == b {
            t
        } else if t == b {
            o
        } else {
            match (o, t) {
                (Some(ov), Some(tv)) => Some(if prefer_ours(ov, tv) { ov } else { tv }),
                _ => o,
            }
        };
        if let Some(v) = pick {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// Ours when ours changed since `base`, else theirs.
fn pick<T: Clone + PartialEq>(base: &T, ours: &T, theirs: &T) -> T {
    if ours == base {
        theirs.clone()
    } else {
        ours.clone()
    }
}

impl Progress {
    /// `ours` plus every change `theirs` made since `base` that `ours` did not make as well.
    /// Items: per item, both changed → the later `updated-at` (ours on a tie). Checks and
    /// unknown entries: per entry. Setup, the CSV flow and unknown tables: as a whole. Invite
    /// batches: theirs, then ours that theirs lacks. With `theirs == base` the result is `ours`.
    #[must_use]
    pub fn merge3(base: &Progress, ours: &Progress, theirs: &Progress) -> Progress {
        let newer = |o: &super::ItemProgress, t: &super::ItemProgress| o.updated_at >= t.updated_at;
        let invites = if ours.invites == base.invites {
            theirs.invites.clone()
        } else if theirs.invites == base.invites {
            ours.invites.clone()
        } else {
            let mut all = theirs.invites.clone();
            all.extend(
                ours.invites
                    .iter()
                    .filter(|b| !theirs.invites.contains(b))
                    .cloned(),
            );
            all
        };
        Progress {
            version: ours.version,
            setup: pick(&base.setup, &ours.setup, &theirs.setup),
            items: merge_map(&base.items, &ours.items, &theirs.items, newer),
            checks: merge_map(&base.checks, &ours.checks, &theirs.checks, |_, _| true),
            invites,
            // The journal is append-only and kept beside the file: ours already holds it.
            invited: ours.invited.clone(),
            seats_used: pick(&base.seats_used, &ours.seats_used, &theirs.seats_used),
            csv_flow: pick(&base.csv_flow, &ours.csv_flow, &theirs.csv_flow),
            handoff: pick(&base.handoff, &ours.handoff, &theirs.handoff),
            // Where this user was is this user's own: never taken from another program.
            resume: ours.resume.clone(),
            unknown: Unknown {
                roles: pick(
                    &base.unknown.roles,
                    &ours.unknown.roles,
                    &theirs.unknown.roles,
                ),
                items: merge_map(
                    &base.unknown.items,
                    &ours.unknown.items,
                    &theirs.unknown.items,
                    newer,
                ),
                checks: merge_map(
                    &base.unknown.checks,
                    &ours.unknown.checks,
                    &theirs.unknown.checks,
                    |_, _| true,
                ),
                tables: pick(
                    &base.unknown.tables,
                    &ours.unknown.tables,
                    &theirs.unknown.tables,
                ),
                setup: pick(
                    &base.unknown.setup,
                    &ours.unknown.setup,
                    &theirs.unknown.setup,
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::super::{Progress, Status};
    use crate::domain::guide::{Guide, ItemId};

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + s).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn set(p: &mut Progress, g: &Guide, id: ItemId, status: Status, t: i64) {
        let reason = status.needs_reason().then_some("r");
        p.set_status(g.item(id), status, reason, at(t), None)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn another_writers_change_is_kept_and_ours_is_added() {
        let g = Guide::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut base = Progress::default();
        set(&mut base, &g, ItemId::PrereqCrmSync, Status::Done, 0);
        let mut ours = base.clone();
        set(&mut ours, &g, ItemId::InviteUsers, Status::InProgress, 10);
        let mut theirs = base.clone();
        set(&mut theirs, &g, ItemId::ConnectMarketo, Status::Done, 5);
        let m = Progress::merge3(&base, &ours, &theirs);
        assert_eq!(
            m.status(ItemId::ConnectMarketo),
            Status::Done,
            "theirs kept"
        );
        assert_eq!(
            m.status(ItemId::InviteUsers),
            Status::InProgress,
            "ours added"
        );
        assert_eq!(m.status(ItemId::PrereqCrmSync), Status::Done);
        // Nothing changed underneath: exactly ours.
        assert_eq!(Progress::merge3(&base, &ours, &base), ours);
        // Both changed one item: the later change wins, whichever side made it.
        let mut late = base.clone();
        set(&mut late, &g, ItemId::InviteUsers, Status::Blocked, 20);
        let m = Progress::merge3(&base, &ours, &late);
        assert_eq!(m.status(ItemId::InviteUsers), Status::Blocked);
        let mut early = base.clone();
        set(&mut early, &g, ItemId::InviteUsers, Status::Skipped, 1);
        let m = Progress::merge3(&base, &ours, &early);
        assert_eq!(m.status(ItemId::InviteUsers), Status::InProgress);
    }
}
