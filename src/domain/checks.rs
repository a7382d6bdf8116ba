//! Live checks as data: which checks exist, which guide step each one shows on and which
//! sub-steps a pass proves, what each asks Marketo or Salesforce, and how an answer is classified
//! into a [`CheckOutcome`]. No HTTP here: `remote` sends the requests and hands status codes and
//! bodies to the `parse_*` / `classify_*` functions below, so every rule is testable on bytes.
//!
//! An outcome is a plain serializable value (TOML and JSON): it goes into the progress file and
//! renders in any language because its text is a catalog key plus arguments ([`Detail`]).
//! Secrets never enter it; `remote` also scrubs every outcome with [`CheckOutcome::scrub`].

pub mod marketo;
pub mod salesforce;

use serde::{Deserialize, Serialize};
use strum::VariantArray;

use crate::domain::fields::FieldMatch;
use crate::domain::guide::ItemId;
use crate::domain::text::Localize;

/// Which service a check talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum System {
    /// Marketo Engage REST and User Management APIs.
    Marketo,
    /// Salesforce REST and Tooling APIs.
    Salesforce,
}

/// A live check, in the order they run and print.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum CheckId {
    /// A token from `/identity/oauth/token`.
    MarketoAuth,
    /// `describe2`: which of the 13 synced fields exist.
    MarketoSyncFields,
    /// Users with an admin role (User Management API).
    MarketoAdmins,
    /// Tooling `InstalledSubscriberPackage`: `mkto_si` at 1.8000 or later.
    SfPackage,
    /// Tooling `RemoteProxy`: the two Adobe hosts, active.
    SfRemoteSites,
    /// A permission set in namespace `mkto_si` ("Marketo App Access").
    SfPermissionSet,
    /// `mkto_si__Marketo_Sales_Insight_Config__c` is queryable.
    SfConfigObject,
}

impl CheckId {
    /// The stable id: `marketo-auth`, `sf-package`, ...
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The service it talks to.
    #[must_use]
    pub fn system(self) -> System {
        match self {
            CheckId::MarketoAuth | CheckId::MarketoSyncFields | CheckId::MarketoAdmins => {
                System::Marketo
            }
            _ => System::Salesforce,
        }
    }

    /// The guide step (prerequisite or step id) this check shows on.
    ///
    /// `marketo-auth` shows on `prereq-crm-sync`: the check map puts "Marketo token OK" first in
    /// the evidence for that prerequisite, and every other Marketo check needs the token. It
    /// proves no sub-step there (see [`proves`]).
    #[must_use]
    pub fn step(self) -> ItemId {
        match self {
            CheckId::MarketoAuth => ItemId::PrereqCrmSync,
            CheckId::MarketoAdmins => ItemId::SetupSalesAccount,
            CheckId::MarketoSyncFields => ItemId::StartDataSync,
            CheckId::SfPackage => ItemId::InstallPackage,
            CheckId::SfRemoteSites | CheckId::SfPermissionSet | CheckId::SfConfigObject => {
                ItemId::ConfigureSalesforce
            }
        }
    }

    /// Catalog key of the check's short name.
    #[must_use]
    pub fn label_key(self) -> &'static str {
        match self {
            CheckId::MarketoAuth => "checks.name.marketo-auth",
            CheckId::MarketoSyncFields => "checks.name.marketo-sync-fields",
            CheckId::MarketoAdmins => "checks.name.marketo-admins",
            CheckId::SfPackage => "checks.name.sf-package",
            CheckId::SfRemoteSites => "checks.name.sf-remote-sites",
            CheckId::SfPermissionSet => "checks.name.sf-permission-set",
            CheckId::SfConfigObject => "checks.name.sf-config-object",
        }
    }

    /// The checks of one system, in order.
    pub fn of(system: System) -> impl Iterator<Item = CheckId> {
        CheckId::VARIANTS
            .iter()
            .copied()
            .filter(move |c| c.system() == system)
    }

    /// The checks that show on item `id`, in order.
    pub fn on(id: ItemId) -> impl Iterator<Item = CheckId> {
        CheckId::VARIANTS
            .iter()
            .copied()
            .filter(move |c| c.step() == id)
    }
}

/// The sub-steps of [`CheckId::step`] that a **pass** of `id` proves, so the TUI can offer to
/// tick them. Only what the answer really shows:
///
/// - `sf-package` → `verify-installed`: the package is listed as installed, at 1.8000+.
/// - `sf-remote-sites` → `remote-site-ims`, `remote-site-sales-connect`: both active.
/// - `marketo-auth`: nothing. A token proves the API credentials, not that the Marketo ↔
///   Salesforce sync is running (`check-sync-status` reads the sync status in the Marketo UI,
///   which no public API shows).
/// - `marketo-sync-fields`: nothing. `describe2` shows which fields exist; the Action Field Sync
///   (`open-actions-config`, `click-sync`, `start-sync`) has no API.
/// - `marketo-admins`: nothing. It lists who could be invited; it cannot see the invite.
/// - `sf-permission-set`, `sf-config-object`: nothing. They show the package's parts are there;
///   `enable-msi-actions` is a checkbox whose field name is not public.
#[must_use]
pub fn proves(id: CheckId) -> &'static [&'static str] {
    match id {
        CheckId::SfPackage => &["verify-installed"],
        CheckId::SfRemoteSites => &["remote-site-ims", "remote-site-sales-connect"],
        CheckId::MarketoAuth
        | CheckId::MarketoSyncFields
        | CheckId::MarketoAdmins
        | CheckId::SfPermissionSet
        | CheckId::SfConfigObject => &[],
    }
}

/// How a check ended.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::Display,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum CheckStatus {
    /// The step is proven done.
    Pass,
    /// The check ran and the step is not done (or the credentials were refused).
    Fail,
    /// Done, with something to look at; or the check could not see everything.
    Warn,
    /// Not run (no credentials, or an earlier check failed).
    Skipped,
    /// The check could not run: network, timeout, unexpected answer, permission.
    Error,
}

impl CheckStatus {
    /// `pass`, `fail`, `warn`, `skipped`, `error`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Catalog key of the status word.
    #[must_use]
    pub fn label_key(self) -> &'static str {
        match self {
            CheckStatus::Pass => "checks.status.pass",
            CheckStatus::Fail => "checks.status.fail",
            CheckStatus::Warn => "checks.status.warn",
            CheckStatus::Skipped => "checks.status.skipped",
            CheckStatus::Error => "checks.status.error",
        }
    }

    /// Whether this status makes `verify` exit non-zero.
    #[must_use]
    pub fn is_problem(self) -> bool {
        matches!(self, CheckStatus::Fail | CheckStatus::Error)
    }
}

/// Messages as catalog key plus arguments; defined with the catalog, used by every outcome here.
pub use crate::domain::text::Detail;

/// Whether an `sf-package` message says the package is installed (at any version).
#[must_use]
pub fn package_installed(d: &Detail) -> bool {
    matches!(
        d.key.as_str(),
        "checks.sf-package.pass"
            | "checks.sf-package.upgrade"
            | "checks.sf-package.unknown-version"
    )
}

fn scrub_detail(d: &mut Detail, secrets: &[&str]) {
    for v in d.args.values_mut() {
        scrub_in_place(v, secrets);
    }
}

/// A Marketo user with an admin role: a candidate for the first invite (emails are not secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCandidate {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    pub email: String,
    /// The admin role(s) seen.
    pub roles: Vec<String>,
}

/// A Salesforce package version (`MajorVersion.MinorVersion.PatchVersion`, build number).
/// Compared as integers per part: 1.19 < 1.8000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageVersion {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    #[serde(default)]
    pub patch: u32,
    /// Build number.
    #[serde(default)]
    pub build: u32,
}

impl PackageVersion {
    /// `major.minor`, with `.patch` when it is not 0.
    #[must_use]
    pub fn display(&self) -> String {
        if self.patch == 0 {
            format!("{}.{}", self.major, self.minor)
        } else {
            format!("{}.{}.{}", self.major, self.minor, self.patch)
        }
    }

    /// Parses `1.8000`, `1.19`, `1.19.2`: each part an integer (not a decimal fraction).
    #[must_use]
    pub fn parse(text: &str) -> Option<PackageVersion> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        let build = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(PackageVersion {
            major,
            minor,
            patch,
            build,
        })
    }
}

/// A Salesforce Remote Site Setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteSite {
    /// Its name.
    pub name: String,
    /// Its URL as entered.
    pub url: String,
    /// Whether it is active.
    pub active: bool,
}

/// What a check found, beyond its message: for the preview table, the invite picker, the
/// progress file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CheckFacts {
    /// `marketo-auth`.
    MarketoToken {
        /// The API-only user that owns the service (from the token answer).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
        /// Seconds the token had left when issued.
        expires_in_secs: u64,
    },
    /// `marketo-sync-fields`: one entry per catalog field.
    SyncFields {
        /// The describe2 facts of the 13 fields.
        fields: Vec<FieldMatch>,
    },
    /// `marketo-admins`.
    Admins {
        /// Users with an admin role.
        candidates: Vec<AdminCandidate>,
        /// Users listed.
        users_listed: u64,
        /// Users whose roles were read.
        users_checked: u64,
        /// Whether there were more users than were read.
        truncated: bool,
    },
    /// `sf-package`.
    Package {
        /// Package name as installed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Installed version, when installed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<PackageVersion>,
    },
    /// `sf-remote-sites`: every remote site of the org.
    RemoteSites {
        /// The sites.
        sites: Vec<RemoteSite>,
    },
    /// `sf-permission-set`.
    PermissionSet {
        /// API name.
        name: String,
        /// Label.
        label: String,
        /// Users assigned, when counted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignees: Option<u64>,
    },
}

impl CheckFacts {
    fn scrub(&mut self, secrets: &[&str]) {
        let s = |v: &mut String| scrub_in_place(v, secrets);
        match self {
            CheckFacts::MarketoToken { scope, .. } => scope.iter_mut().for_each(s),
            CheckFacts::SyncFields { fields } => {
                for f in fields.iter_mut().filter_map(|m| m.found.as_mut()) {
                    s(&mut f.name);
                    s(&mut f.display_name);
                    s(&mut f.data_type);
                }
            }
            CheckFacts::Admins { candidates, .. } => {
                for c in candidates {
                    s(&mut c.first_name);
                    s(&mut c.last_name);
                    s(&mut c.email);
                    c.roles.iter_mut().for_each(s);
                }
            }
            CheckFacts::Package { name, .. } => name.iter_mut().for_each(s),
            CheckFacts::RemoteSites { sites } => {
                for site in sites {
                    s(&mut site.name);
                    s(&mut site.url);
                }
            }
            CheckFacts::PermissionSet { name, label, .. } => {
                s(name);
                s(label);
            }
        }
    }
}

/// The result of one check: store it, render it, act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    /// Which check.
    pub id: CheckId,
    /// The guide step it shows on ([`CheckId::step`]).
    pub step: ItemId,
    /// How it ended.
    pub status: CheckStatus,
    /// The main message.
    pub detail: Detail,
    /// Further lines (what to do, what else was seen).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Detail>,
    /// How long it took, in milliseconds.
    #[serde(default)]
    pub duration_ms: u64,
    /// When it finished (set by the runner; the core has no clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<jiff::Timestamp>,
    /// What it found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<CheckFacts>,
}

impl CheckOutcome {
    /// An outcome with no notes, facts or timing.
    #[must_use]
    pub fn new(id: CheckId, status: CheckStatus, detail: Detail) -> CheckOutcome {
        CheckOutcome {
            id,
            step: id.step(),
            status,
            detail,
            notes: Vec::new(),
            duration_ms: 0,
            finished_at: None,
            facts: None,
        }
    }

    /// From a classification (status, message, notes).
    #[must_use]
    pub fn from_verdict(id: CheckId, v: Verdict) -> CheckOutcome {
        let mut o = CheckOutcome::new(id, v.status, v.detail);
        o.notes = v.notes;
        o.facts = v.facts;
        o
    }

    /// From a problem that stopped the check.
    #[must_use]
    pub fn from_problem(id: CheckId, p: &Problem) -> CheckOutcome {
        let mut o = CheckOutcome::new(id, p.status(), p.detail());
        o.notes.extend(p.hint());
        o
    }

    /// Adds a note.
    #[must_use]
    pub fn with_note(mut self, note: Detail) -> CheckOutcome {
        self.notes.push(note);
        self
    }

    /// The sub-steps a pass proves (empty unless [`CheckStatus::Pass`]).
    #[must_use]
    pub fn proven_substeps(&self) -> &'static [&'static str] {
        if self.status == CheckStatus::Pass {
            proves(self.id)
        } else {
            &[]
        }
    }

    /// Replaces every occurrence of each secret (client id, client secret, tokens) in any text
    /// of the outcome by `[redacted]`: a last guard against servers that echo what they got.
    pub fn scrub(&mut self, secrets: &[&str]) {
        scrub_detail(&mut self.detail, secrets);
        for n in &mut self.notes {
            scrub_detail(n, secrets);
        }
        if let Some(f) = &mut self.facts {
            f.scrub(secrets);
        }
    }
}

/// A classification: what a check concluded from a well-formed answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Status.
    pub status: CheckStatus,
    /// Main message.
    pub detail: Detail,
    /// Further lines.
    pub notes: Vec<Detail>,
    /// Facts.
    pub facts: Option<CheckFacts>,
}

impl Verdict {
    /// A verdict with no notes or facts.
    #[must_use]
    pub fn new(status: CheckStatus, detail: Detail) -> Verdict {
        Verdict {
            status,
            detail,
            notes: Vec::new(),
            facts: None,
        }
    }

    /// Adds a note.
    #[must_use]
    pub fn note(mut self, d: Detail) -> Verdict {
        self.notes.push(d);
        self
    }

    /// Sets the facts.
    #[must_use]
    pub fn facts(mut self, f: CheckFacts) -> Verdict {
        self.facts = Some(f);
        self
    }
}

/// What stopped a request or made its answer unusable. Built by `remote` (transport) or by the
/// parsers here (answers); turned into a message that names the URL (never a secret) and says
/// what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No answer within the total timeout.
    Timeout {
        /// URL without query.
        url: String,
        /// The timeout.
        ms: u64,
    },
    /// Could not connect (DNS, refused, TLS handshake).
    Connect {
        /// URL without query.
        url: String,
    },
    /// Another transport failure (connection reset, bad HTTP).
    Transport {
        /// URL without query.
        url: String,
    },
    /// A redirect (not followed: APIs don't redirect, and a redirect could leave HTTPS).
    Redirect {
        /// URL without query.
        url: String,
        /// HTTP status.
        status: u16,
    },
    /// An answer bigger than any check needs.
    TooLarge {
        /// URL without query.
        url: String,
    },
    /// An HTTP status the check did not expect, with the start of the body.
    HttpStatus {
        /// URL without query.
        url: String,
        /// HTTP status.
        status: u16,
        /// The start of the body (scrubbed, one line).
        body: String,
    },
    /// Not the JSON shape the check expects.
    Malformed {
        /// URL without query.
        url: String,
        /// What was wrong.
        what: String,
    },
    /// The identity endpoint refused the client id / secret.
    MarketoAuth {
        /// Identity URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// OAuth `error` / `error_description`, when given.
        reason: String,
    },
    /// A Marketo error code (`success:false`, or the User Management API's error list).
    Marketo {
        /// URL without query.
        url: String,
        /// The code (`"606"`).
        code: String,
        /// Marketo's message.
        message: String,
        /// `requestId`, for Adobe support.
        request_id: String,
        /// The API-user permission the call needs (named on a 603).
        need: String,
    },
    /// A Salesforce error (`[{errorCode, message}]`).
    Salesforce {
        /// URL without query.
        url: String,
        /// HTTP status.
        status: u16,
        /// `errorCode` (`INVALID_SESSION_ID`).
        code: String,
        /// Salesforce's message.
        message: String,
    },
}

/// Marketo codes with a message of their own; the rest use `checks.marketo.code.other`.
const MARKETO_CODES_WITH_TEXT: [&str; 12] = [
    "601", "602", "603", "604", "606", "607", "608", "610", "611", "614", "615", "616",
];

impl Problem {
    /// The status this problem gives a check.
    #[must_use]
    pub fn status(&self) -> CheckStatus {
        match self {
            Problem::MarketoAuth { .. } => CheckStatus::Fail,
            _ => CheckStatus::Error,
        }
    }

    /// A what-to-do line, when the message alone is not enough.
    #[must_use]
    pub fn hint(&self) -> Option<Detail> {
        match self {
            Problem::Connect { .. } | Problem::Timeout { .. } => {
                Some(Detail::new("checks.hint.network"))
            }
            _ => None,
        }
    }

    /// Whether Marketo said access denied (603) or the HTTP status was 401/403 without a
    /// session problem: the API user lacks a permission.
    #[must_use]
    pub fn is_not_permitted(&self) -> bool {
        match self {
            Problem::Marketo { code, .. } => code == "603",
            Problem::HttpStatus { status, .. } => *status == 403,
            _ => false,
        }
    }
}

impl Localize for Problem {
    fn detail(&self) -> Detail {
        match self {
            Problem::Timeout { url, ms } => Detail::new("checks.error.timeout")
                .arg("url", url)
                .arg("secs", format_secs(*ms)),
            Problem::Connect { url } => Detail::new("checks.error.connect").arg("url", url),
            Problem::Transport { url } => Detail::new("checks.error.transport").arg("url", url),
            Problem::Redirect { url, status } => Detail::new("checks.error.redirect")
                .arg("url", url)
                .arg("status", status),
            Problem::TooLarge { url } => Detail::new("checks.error.too-large").arg("url", url),
            Problem::HttpStatus { url, status, body } => Detail::new("checks.error.http-status")
                .arg("url", url)
                .arg("status", status)
                .arg("body", body),
            Problem::Malformed { url, what } => Detail::new("checks.error.malformed")
                .arg("url", url)
                .arg("what", what),
            Problem::MarketoAuth {
                url,
                status,
                reason,
            } => Detail::new("checks.marketo-auth.rejected")
                .arg("url", url)
                .arg("status", status)
                .arg("reason", reason),
            Problem::Marketo {
                url,
                code,
                message,
                request_id,
                need,
            } => {
                let key = if code.len() == 4 && code.starts_with('1') {
                    "checks.marketo.code.record".to_string()
                } else if MARKETO_CODES_WITH_TEXT.contains(&code.as_str()) {
                    format!("checks.marketo.code.{code}")
                } else {
                    "checks.marketo.code.other".to_string()
                };
                Detail::new(&key)
                    .arg("url", url)
                    .arg("code", code)
                    .arg("message", message)
                    .arg(
                        "request_id",
                        if request_id.is_empty() {
                            "-"
                        } else {
                            request_id
                        },
                    )
                    .arg("need", need)
            }
            Problem::Salesforce {
                url,
                status,
                code,
                message,
            } => {
                let key = match code.as_str() {
                    "INVALID_SESSION_ID" => "checks.salesforce.invalid-session",
                    "REQUEST_LIMIT_EXCEEDED" => "checks.salesforce.request-limit",
                    "INSUFFICIENT_ACCESS"
                    | "INSUFFICIENT_ACCESS_OR_READONLY"
                    | "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"
                    | "API_DISABLED_FOR_ORG"
                    | "API_CURRENTLY_DISABLED" => "checks.salesforce.no-access",
                    "INVALID_TYPE" => "checks.salesforce.invalid-type",
                    "NOT_FOUND" => "checks.salesforce.not-found",
                    _ => "checks.salesforce.other",
                };
                Detail::new(key)
                    .arg("url", url)
                    .arg("status", status)
                    .arg("code", code)
                    .arg("message", message)
            }
        }
    }
}

/// `1500` ms → `1.5`.
#[must_use]
pub fn format_secs(ms: u64) -> String {
    let tenths = ms.div_ceil(100);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Replaces each secret in `text` by `[redacted]`. Secrets shorter than 4 characters are
/// ignored (they would mangle ordinary text and cannot be real credentials).
#[must_use]
pub fn scrub_text(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    scrub_in_place(&mut out, secrets);
    out
}

fn scrub_in_place(text: &mut String, secrets: &[&str]) {
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if text.contains(s) {
            *text = text.replace(s, "[redacted]");
        }
    }
}

/// The first line of a body, at most 200 characters, for an error message.
#[must_use]
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut out: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// A string field of a JSON object ("" when absent or not a string).
pub(crate) fn json_str(v: &serde_json::Value, key: &str) -> String {
    v.get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// A code that may arrive as a string (`"601"`) or a number (`601`).
pub(crate) fn json_code(v: &serde_json::Value) -> String {
    match v.get("code") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Parses JSON, or says it is not JSON.
///
/// # Errors
/// [`Problem::Malformed`] naming `url`.
pub fn parse_json(url: &str, body: &[u8]) -> Result<serde_json::Value, Problem> {
    serde_json::from_slice(body).map_err(|e| Problem::Malformed {
        url: url.to_string(),
        what: format!("not JSON (line {}, column {})", e.line(), e.column()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_map_to_steps() {
        for id in CheckId::VARIANTS.iter().copied() {
            assert_eq!(id.as_str().parse::<CheckId>().ok(), Some(id));
            let json = serde_json::to_string(&id).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
        }
        assert_eq!(CheckId::MarketoAuth.step(), ItemId::PrereqCrmSync);
        assert_eq!(CheckId::SfConfigObject.step(), ItemId::ConfigureSalesforce);
        assert_eq!(CheckId::of(System::Marketo).count(), 3);
    }

    #[test]
    fn versions_compare_as_integers() {
        let v = |s| {
            PackageVersion::parse(s).unwrap_or(PackageVersion {
                major: 0,
                minor: 0,
                patch: 0,
                build: 0,
            })
        };
        assert!(v("1.19") < v("1.8000"));
        assert!(v("1.8000") < v("1.8001"));
        assert!(v("2.0") > v("1.8000"));
        assert_eq!(v("1.19").display(), "1.19");
        assert_eq!(PackageVersion::parse("1.x"), None);
        assert_eq!(PackageVersion::parse("1"), None);
    }

    #[test]
    fn scrub_replaces_secrets_only() {
        assert_eq!(
            scrub_text("token abcd1234 end", &["abcd1234", "", "ab"]),
            "token [redacted] end"
        );
        assert_eq!(format_secs(1500), "1.5");
        assert_eq!(format_secs(30_000), "30");
    }
}
