//! The seat and team budget of an instance, and the journal of invited addresses.
//!
//! An MSI Actions instance has 100 user seats and allows 20 teams ("User Seats = 100 per
//! instance", "Teams = 20 per instance"). Seats already used default to the people known to be
//! in the instance: every address recorded as invited, plus the admins the `marketo-admins`
//! check found (they were invited in step 1), each counted once. The admin may correct the
//! number ([`Progress::seats_used`]); neither way to invite records more than the seats left.
//!
//! The addresses themselves live in a journal file next to `progress.toml`, one address per
//! line (see `store`), so the progress file stays small whatever the CSV; [`parse_journal`]
//! reads its text.

use std::collections::BTreeSet;

use super::Progress;
use crate::domain::checks::{CheckFacts, CheckId};
use crate::domain::csv_intake::{SEATS_PER_INSTANCE, TEAMS_PER_INSTANCE};

/// Where the number of seats used comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatsUsedSource {
    /// Counted: addresses recorded as invited and admins found by the `marketo-admins` check.
    Counted {
        /// Addresses recorded as invited.
        invited: u64,
        /// Admins found by the check who are not among them.
        admins: u64,
        /// Whether the check ran (so the admins are known).
        admins_known: bool,
    },
    /// Typed by the admin.
    Set,
}

/// Seats of the instance: how many are used and how many are left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatBudget {
    /// Seats the instance has (100).
    pub total: u64,
    /// Seats already used.
    pub used: u64,
    /// Where `used` comes from.
    pub source: SeatsUsedSource,
}

impl SeatBudget {
    /// Seats left (never below zero).
    #[must_use]
    pub fn left(&self) -> u64 {
        self.total.saturating_sub(self.used)
    }
}

/// Teams of the instance: the names already recorded and the limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamBudget {
    /// Team names recorded in earlier batches, lower-cased.
    pub recorded: BTreeSet<String>,
    /// Teams an instance allows (20).
    pub limit: u64,
}

impl TeamBudget {
    /// How many teams there would be with `new` names added (case-insensitive; a name already
    /// recorded counts once).
    #[must_use]
    pub fn with<'a>(&self, new: impl IntoIterator<Item = &'a str>) -> u64 {
        let mut all = self.recorded.clone();
        for t in new {
            let t = t.trim();
            if !t.is_empty() {
                all.insert(t.to_lowercase());
            }
        }
        all.len() as u64
    }
}

impl Progress {
    /// The admins' addresses the last `marketo-admins` check found, lower-cased; `None` when it
    /// has not run (or found nothing it could list).
    #[must_use]
    pub fn known_admins(&self) -> Option<BTreeSet<String>> {
        let outcome = self.checks.get(&CheckId::MarketoAdmins)?;
        match &outcome.facts {
            Some(CheckFacts::Admins { candidates, .. }) => Some(
                candidates
                    .iter()
                    .map(|c| c.email.trim().to_lowercase())
                    .filter(|e| !e.is_empty())
                    .collect(),
            ),
            _ => None,
        }
    }

    /// Seats used and left: as corrected by the admin, else counted.
    #[must_use]
    pub fn seat_budget(&self) -> SeatBudget {
        let total = SEATS_PER_INSTANCE as u64;
        if let Some(used) = self.seats_used {
            return SeatBudget {
                total,
                used,
                source: SeatsUsedSource::Set,
            };
        }
        let invited = self.invited.len() as u64;
        let admins = self.known_admins();
        let extra = admins.as_ref().map_or(0, |a| {
            a.iter().filter(|e| !self.invited.contains(*e)).count()
        }) as u64;
        SeatBudget {
            total,
            used: invited + extra,
            source: SeatsUsedSource::Counted {
                invited,
                admins: extra,
                admins_known: admins.is_some(),
            },
        }
    }

    /// Teams recorded so far, and the limit.
    #[must_use]
    pub fn team_budget(&self) -> TeamBudget {
        TeamBudget {
            recorded: self
                .invites
                .iter()
                .flat_map(|b| b.teams.iter())
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect(),
            limit: TEAMS_PER_INSTANCE as u64,
        }
    }
}

/// The addresses of a journal file's text: one per line, trimmed; blank lines and lines
/// starting with `#` are skipped.
pub fn parse_journal(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::domain::checks::{AdminCandidate, CheckOutcome, CheckStatus};
    use crate::domain::progress::{InviteBatch, InviteSource};
    use crate::domain::text::Detail;

    fn batch(emails: &[&str], teams: &[&str]) -> InviteBatch {
        InviteBatch {
            at: jiff::Timestamp::UNIX_EPOCH,
            by: None,
            source: InviteSource::Individual,
            file: None,
            teams: teams.iter().map(|t| (*t).to_string()).collect(),
            workspace: None,
            count: 0,
            emails: emails.iter().map(|e| (*e).to_string()).collect(),
        }
    }

    fn admins(p: &mut Progress, emails: &[&str]) {
        let mut o = CheckOutcome::new(
            CheckId::MarketoAdmins,
            CheckStatus::Pass,
            Detail::new("checks.status.pass"),
        );
        o.facts = Some(CheckFacts::Admins {
            candidates: emails
                .iter()
                .map(|e| AdminCandidate {
                    email: (*e).to_string(),
                    first_name: String::new(),
                    last_name: String::new(),
                    roles: Vec::new(),
                })
                .collect(),
            users_listed: 3,
            users_checked: 3,
            truncated: false,
        });
        p.checks.insert(CheckId::MarketoAdmins, o);
    }

    #[test]
    fn seats_used_count_invited_and_admins_once_unless_corrected() {
        let mut p = Progress::default();
        let b = p.seat_budget();
        assert_eq!((b.used, b.left()), (0, 100));
        assert_eq!(
            b.source,
            SeatsUsedSource::Counted {
                invited: 0,
                admins: 0,
                admins_known: false
            }
        );
        let written = p.record_invites(batch(&[" A@x.io ", "b@x.io"], &[]));
        assert_eq!(written, ["A@x.io", "b@x.io"]);
        assert_eq!(p.invites[0].count, 2);
        assert!(
            p.invites[0].emails.is_empty(),
            "the addresses go to the journal"
        );
        admins(&mut p, &["a@X.io", "boss@x.io"]);
        let b = p.seat_budget();
        assert_eq!((b.used, b.left()), (3, 97), "a@x.io counts once");
        p.seats_used = Some(120);
        let b = p.seat_budget();
        assert_eq!((b.used, b.left(), b.source), (120, 0, SeatsUsedSource::Set));
    }

    #[test]
    fn teams_count_case_insensitively_with_the_recorded_ones() {
        let mut p = Progress::default();
        p.record_invites(batch(&["a@x.io"], &["Sales", "Ops"]));
        let t = p.team_budget();
        assert_eq!(t.limit, 20);
        assert_eq!(t.with(["sales", " ", "New"]), 3);
    }

    #[test]
    fn the_journal_is_one_address_a_line() {
        let text = "# msi-setup\na@x.io\n\n  B@x.io  \n";
        assert_eq!(
            parse_journal(text).collect::<Vec<_>>(),
            ["a@x.io", "B@x.io"]
        );
        let mut p = Progress::default();
        p.add_journal(parse_journal(text));
        assert_eq!(
            p.invited_emails().iter().collect::<Vec<_>>(),
            ["a@x.io", "b@x.io"]
        );
        assert_eq!(p.seat_budget().used, 2);
    }
}
