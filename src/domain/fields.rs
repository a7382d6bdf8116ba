//! The Action Field Sync catalog: the 13 person fields that Sales Insight Actions syncs from
//! Marketo Engage (guide step `start-data-sync`), the preview rows that merge what `describe2`
//! says about them, sort and filter for the preview table, and the first-sync calculator.
//!
//! # Where the data comes from
//!
//! - **The field list is documented**: the Actions data-sync FAQ lists these 13 fields (it still
//!   says "11" in its text; the product usage limits say 13). The mapping cannot be configured.
//! - **Marketo REST API names**: `firstName`, `lastName`, `company`, `title`, `email`, `phone` and
//!   `leadSource` are in Marketo's documented list of standard fields; `id` is the documented lead
//!   id. That the FAQ's "Source" means `leadSource` is **inferred**. The `sfdc*Id` names come from
//!   third-party Marketo client libraries (**not** Adobe docs). No standard REST name for the
//!   LinkedIn URL is confirmed, so that field has none and is matched against `describe2` by a few
//!   likely names and by its display name. See [`NameSource`].
//! - **Types are inferred**: the docs give no data types. The catalog shows Marketo `dataType`
//!   spellings that fit each field; once `describe2` answers, its `dataType` is shown instead.
//! - **Limits and speed** ([`SYNC_LIMIT_PEOPLE`], [`PEOPLE_PER_BATCH`], [`BATCH_MINUTES`]): FAQ and
//!   product usage limits ("about 1,000 people every 1 to 2 minutes", "1,500,000 people").
//!
//! Pure: no IO. The TUI draws the table; this module only gives it rows, order and numbers.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::domain::text::{Catalog, Detail, Localize};

/// One of the 13 synced fields, in the order the FAQ lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldId {
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// Salesforce contact ID.
    SfdcContactId,
    /// Salesforce lead ID.
    SfdcLeadId,
    /// Salesforce account ID.
    SfdcAccountId,
    /// Salesforce opportunity ID.
    SfdcOpportunityId,
    /// Marketo ID (the lead id).
    MarketoId,
    /// Company.
    Company,
    /// Title.
    Title,
    /// Email.
    Email,
    /// Phone number.
    Phone,
    /// LinkedIn URL.
    LinkedinUrl,
    /// Source.
    Source,
}

impl FieldId {
    /// Every field, in catalog order.
    pub const ALL: [FieldId; 13] = [
        FieldId::FirstName,
        FieldId::LastName,
        FieldId::SfdcContactId,
        FieldId::SfdcLeadId,
        FieldId::SfdcAccountId,
        FieldId::SfdcOpportunityId,
        FieldId::MarketoId,
        FieldId::Company,
        FieldId::Title,
        FieldId::Email,
        FieldId::Phone,
        FieldId::LinkedinUrl,
        FieldId::Source,
    ];

    /// The stable id used in files and JSON, e.g. `sfdc-lead-id`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        spec(self).slug
    }

    /// The field's catalog entry.
    #[must_use]
    pub fn spec(self) -> &'static FieldSpec {
        spec(self)
    }
}

/// A Marketo `dataType` as the catalog expects it (inferred; see the module docs).
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
pub enum FieldType {
    /// `string`.
    String,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `integer`.
    Integer,
    /// `url`.
    Url,
}

impl FieldType {
    /// Marketo's spelling of the type (`string`, `email`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How sure the catalog is of a field's Marketo REST API name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameSource {
    /// In Marketo's documented list of standard fields (or the documented lead `id`).
    Documented,
    /// The name is documented, but that it is the field the FAQ means is an inference.
    Inferred,
    /// Seen in third-party Marketo clients, not in Adobe's docs.
    ThirdParty,
    /// No name is known; matched by likely names and display name only.
    Unconfirmed,
}

impl NameSource {
    /// Catalog key of the explanation (for a note beside the API name).
    #[must_use]
    pub fn label_key(self) -> &'static str {
        match self {
            NameSource::Documented => "fields.source.documented",
            NameSource::Inferred => "fields.source.inferred",
            NameSource::ThirdParty => "fields.source.third-party",
            NameSource::Unconfirmed => "fields.source.unconfirmed",
        }
    }
}

/// One row of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// Which field.
    pub id: FieldId,
    /// Stable id (`first-name`), also the tail of the label key.
    pub slug: &'static str,
    /// Catalog key of the field's name in the user's language (`fields.name.<slug>`).
    pub label_key: &'static str,
    /// Marketo REST API name, when one is known.
    pub api_name: Option<&'static str>,
    /// Other names an instance may use for it, compared without case.
    pub alt_names: &'static [&'static str],
    /// Words that must all appear (without case) in a `describe2` display name to match, when
    /// no name matched. Empty: names only.
    pub display_words: &'static [&'static str],
    /// The expected Marketo `dataType` (inferred).
    pub data_type: FieldType,
    /// How sure the API name is.
    pub name_source: NameSource,
}

macro_rules! field {
    ($id:ident, $slug:literal, $api:expr, $alt:expr, $words:expr, $ty:ident, $src:ident) => {
        FieldSpec {
            id: FieldId::$id,
            slug: $slug,
            label_key: concat!("fields.name.", $slug),
            api_name: $api,
            alt_names: $alt,
            display_words: $words,
            data_type: FieldType::$ty,
            name_source: NameSource::$src,
        }
    };
}

/// The 13 documented fields, in [`FieldId::ALL`] order.
pub const CATALOG: [FieldSpec; 13] = [
    field!(
        FirstName,
        "first-name",
        Some("firstName"),
        &[],
        &[],
        String,
        Documented
    ),
    field!(
        LastName,
        "last-name",
        Some("lastName"),
        &[],
        &[],
        String,
        Documented
    ),
    field!(
        SfdcContactId,
        "sfdc-contact-id",
        Some("sfdcContactId"),
        &[],
        &[],
        String,
        ThirdParty
    ),
    field!(
        SfdcLeadId,
        "sfdc-lead-id",
        Some("sfdcLeadId"),
        &[],
        &[],
        String,
        ThirdParty
    ),
    field!(
        SfdcAccountId,
        "sfdc-account-id",
        Some("sfdcAccountId"),
        &[],
        &[],
        String,
        ThirdParty
    ),
    field!(
        SfdcOpportunityId,
        "sfdc-opportunity-id",
        Some("sfdcOpptyId"),
        &["sfdcOpportunityId"],
        &[],
        String,
        ThirdParty
    ),
    field!(
        MarketoId,
        "marketo-id",
        Some("id"),
        &[],
        &[],
        Integer,
        Documented
    ),
    field!(
        Company,
        "company",
        Some("company"),
        &[],
        &[],
        String,
        Documented
    ),
    field!(Title, "title", Some("title"), &[], &[], String, Documented),
    field!(Email, "email", Some("email"), &[], &[], Email, Documented),
    field!(Phone, "phone", Some("phone"), &[], &[], Phone, Documented),
    field!(
        LinkedinUrl,
        "linkedin-url",
        None,
        &[
            "linkedInProfileURL",
            "linkedInURL",
            "linkedInProfile",
            "linkedIn"
        ],
        &["linkedin"],
        Url,
        Unconfirmed
    ),
    field!(
        Source,
        "source",
        Some("leadSource"),
        &[],
        &[],
        String,
        Inferred
    ),
];

/// The catalog entry of `id`.
#[must_use]
pub fn spec(id: FieldId) -> &'static FieldSpec {
    // CATALOG is in FieldId order (checked by a test), so the discriminant is the index.
    &CATALOG[id as usize]
}

/// One field of a `describe2` answer (`GET /rest/v1/leads/describe2.json`, `result[0].fields[]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescribedField {
    /// REST API name.
    pub name: String,
    /// The name Marketo shows.
    pub display_name: String,
    /// Marketo `dataType`.
    pub data_type: String,
    /// "Is field managed by CRM" (Marketo's only field-level CRM signal; not defined further).
    pub crm_managed: bool,
    /// Whether the API may write it.
    pub updateable: bool,
}

/// How a catalog field was found in `describe2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// Its REST API name, exactly.
    ApiName,
    /// Another likely name, without case.
    AltName,
    /// Its display name (weakest; shown as such).
    DisplayName,
}

impl MatchedBy {
    /// Catalog key of how it was found.
    #[must_use]
    pub fn label_key(self) -> &'static str {
        match self {
            MatchedBy::ApiName => "fields.matched.api-name",
            MatchedBy::AltName => "fields.matched.alt-name",
            MatchedBy::DisplayName => "fields.matched.display-name",
        }
    }
}

/// What `describe2` says about one catalog field: the fact a `marketo-sync-fields` check keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMatch {
    /// Which catalog field.
    pub id: FieldId,
    /// The instance's field, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<DescribedField>,
    /// How it was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchedBy>,
}

/// Finds each catalog field in a `describe2` field list: by API name, then by another likely
/// name (without case), then by display name words. One row per catalog field, in catalog order.
#[must_use]
pub fn match_fields(described: &[DescribedField]) -> Vec<FieldMatch> {
    CATALOG
        .iter()
        .map(|spec| {
            let by_api = spec
                .api_name
                .and_then(|api| described.iter().find(|d| d.name == api))
                .map(|d| (d, MatchedBy::ApiName));
            let by_alt = || {
                spec.api_name
                    .iter()
                    .chain(spec.alt_names.iter())
                    .find_map(|alt| described.iter().find(|d| d.name.eq_ignore_ascii_case(alt)))
                    .map(|d| (d, MatchedBy::AltName))
            };
            let by_display = || {
                if spec.display_words.is_empty() {
                    return None;
                }
                let candidates: Vec<&DescribedField> = described
                    .iter()
                    .filter(|d| {
                        let shown = d.display_name.to_lowercase();
                        spec.display_words.iter().all(|w| shown.contains(w))
                    })
                    .collect();
                // Among several ("LinkedIn Id", "LinkedIn Profile URL"), prefer the expected type.
                candidates
                    .iter()
                    .find(|d| d.data_type.eq_ignore_ascii_case(spec.data_type.as_str()))
                    .or_else(|| candidates.first())
                    .map(|d| (*d, MatchedBy::DisplayName))
            };
            let hit = by_api.or_else(by_alt).or_else(by_display);
            FieldMatch {
                id: spec.id,
                found: hit.map(|(d, _)| d.clone()),
                matched_by: hit.map(|(_, m)| m),
            }
        })
        .collect()
}

/// Whether a field exists in the connected instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum Presence {
    /// Marketo is not connected (or the check has not run).
    Unknown,
    /// `describe2` has no such field.
    Missing,
    /// Found.
    Found {
        /// Display name in the instance.
        display_name: String,
        /// `crmManaged` from `describe2`.
        crm_managed: bool,
        /// How it was found.
        matched_by: MatchedBy,
    },
}

/// One row of the preview table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewRow {
    /// Which field.
    pub id: FieldId,
    /// The field in the user's language.
    pub label: String,
    /// The instance's REST name when found, else the catalog's (None: unknown).
    pub api_name: Option<String>,
    /// The instance's `dataType` when found, else the catalog's.
    pub data_type: String,
    /// Whether `data_type` (and `api_name`) come from the instance.
    pub from_instance: bool,
    /// Exists / display name / crmManaged.
    pub presence: Presence,
}

impl PreviewRow {
    /// The display name, when found.
    #[must_use]
    pub fn display_name(&self) -> Option<&str> {
        match &self.presence {
            Presence::Found { display_name, .. } => Some(display_name),
            _ => None,
        }
    }

    /// `crmManaged`, when found.
    #[must_use]
    pub fn crm_managed(&self) -> Option<bool> {
        match &self.presence {
            Presence::Found { crm_managed, .. } => Some(*crm_managed),
            _ => None,
        }
    }

    /// Whether the field exists: None when not connected.
    #[must_use]
    pub fn exists(&self) -> Option<bool> {
        match &self.presence {
            Presence::Unknown => None,
            Presence::Missing => Some(false),
            Presence::Found { .. } => Some(true),
        }
    }
}

/// The 13 preview rows in catalog order. `matches` is the `marketo-sync-fields` result when
/// Marketo is connected (see [`match_fields`]); without it every row is [`Presence::Unknown`].
#[must_use]
pub fn preview_rows(tr: &Catalog, matches: Option<&[FieldMatch]>) -> Vec<PreviewRow> {
    CATALOG
        .iter()
        .map(|spec| {
            let label = tr.t(spec.label_key).to_string();
            let catalog_row = |presence| PreviewRow {
                id: spec.id,
                label: label.clone(),
                api_name: spec.api_name.map(str::to_string),
                data_type: spec.data_type.as_str().to_string(),
                from_instance: false,
                presence,
            };
            let Some(matches) = matches else {
                return catalog_row(Presence::Unknown);
            };
            let hit = matches.iter().find(|m| m.id == spec.id);
            match hit.and_then(|m| m.found.as_ref().map(|f| (f, m.matched_by))) {
                Some((f, how)) => PreviewRow {
                    id: spec.id,
                    label: label.clone(),
                    api_name: Some(f.name.clone()),
                    data_type: f.data_type.clone(),
                    from_instance: true,
                    presence: Presence::Found {
                        display_name: f.display_name.clone(),
                        crm_managed: f.crm_managed,
                        matched_by: how.unwrap_or(MatchedBy::ApiName),
                    },
                },
                None => catalog_row(Presence::Missing),
            }
        })
        .collect()
}

/// A column of the preview table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Column {
    /// The field in the user's language.
    Field,
    /// Marketo REST API name.
    ApiName,
    /// Data type.
    Type,
    /// Exists in this instance.
    Exists,
    /// Display name in this instance.
    DisplayName,
    /// `crmManaged`.
    CrmManaged,
}

impl Column {
    /// Every column, left to right.
    pub const ALL: [Column; 6] = [
        Column::Field,
        Column::ApiName,
        Column::Type,
        Column::Exists,
        Column::DisplayName,
        Column::CrmManaged,
    ];

    /// Catalog key of the column header.
    #[must_use]
    pub fn label_key(self) -> &'static str {
        match self {
            Column::Field => "fields.col.field",
            Column::ApiName => "fields.col.api-name",
            Column::Type => "fields.col.type",
            Column::Exists => "fields.col.exists",
            Column::DisplayName => "fields.col.display-name",
            Column::CrmManaged => "fields.col.crm-managed",
        }
    }

    /// The text of this column for `row` (as the table shows it), in the user's language.
    #[must_use]
    pub fn cell(self, row: &PreviewRow, tr: &Catalog) -> String {
        let dash = || tr.t("fields.value.unknown").to_string();
        let yes_no = |b: bool| {
            tr.t(if b {
                "fields.value.yes"
            } else {
                "fields.value.no"
            })
            .to_string()
        };
        match self {
            Column::Field => row.label.clone(),
            Column::ApiName => row.api_name.clone().unwrap_or_else(dash),
            Column::Type => row.data_type.clone(),
            Column::Exists => row.exists().map_or_else(dash, yes_no),
            Column::DisplayName => row.display_name().map_or_else(dash, str::to_string),
            Column::CrmManaged => row.crm_managed().map_or_else(dash, yes_no),
        }
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortDir {
    /// A→Z, yes before no.
    #[default]
    Asc,
    /// Z→A, no before yes.
    Desc,
}

impl SortDir {
    /// The other direction.
    #[must_use]
    pub fn flip(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

/// Sort by a column in a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SortKey {
    /// Which column.
    pub column: Column,
    /// Which way.
    pub dir: SortDir,
}

/// A comparable value of one cell: text (compared without case) or a flag. `None` = no value;
/// rows without a value go last in both directions.
fn sort_value(row: &PreviewRow, column: Column) -> Option<Result<String, bool>> {
    match column {
        Column::Field => Some(Ok(row.label.to_lowercase())),
        Column::ApiName => row.api_name.as_ref().map(|s| Ok(s.to_lowercase())),
        Column::Type => Some(Ok(row.data_type.to_lowercase())),
        // "yes" sorts first when ascending.
        Column::Exists => row.exists().map(|b| Err(!b)),
        Column::DisplayName => row.display_name().map(|s| Ok(s.to_lowercase())),
        Column::CrmManaged => row.crm_managed().map(|b| Err(!b)),
    }
}

fn compare(a: &PreviewRow, b: &PreviewRow, key: SortKey) -> Ordering {
    let by_value = match (sort_value(a, key.column), sort_value(b, key.column)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let o = x.cmp(&y);
            match key.dir {
                SortDir::Asc => o,
                SortDir::Desc => o.reverse(),
            }
        }
    };
    // Ties keep the documented order, whatever the direction.
    by_value.then_with(|| a.id.cmp(&b.id))
}

/// Sorts rows in place by `key`; rows without a value in that column go last; ties keep the
/// catalog order.
pub fn sort_rows(rows: &mut [PreviewRow], key: SortKey) {
    rows.sort_by(|a, b| compare(a, b, key));
}

/// Whether `row` matches a filter typed after `/`: every whitespace-separated word must occur
/// (without case) in the field label, its id, API name, type or display name. An empty filter
/// matches everything.
#[must_use]
pub fn row_matches(row: &PreviewRow, filter: &str) -> bool {
    let hay = [
        Some(row.label.as_str()),
        Some(row.id.as_str()),
        row.api_name.as_deref(),
        Some(row.data_type.as_str()),
        row.display_name(),
    ]
    .iter()
    .flatten()
    .map(|s| s.to_lowercase())
    .collect::<Vec<_>>();
    filter
        .split_whitespace()
        .map(str::to_lowercase)
        .all(|word| hay.iter().any(|h| h.contains(&word)))
}

/// The rows matching `filter`, in their current order.
#[must_use]
pub fn filter_rows<'a>(rows: &'a [PreviewRow], filter: &str) -> Vec<&'a PreviewRow> {
    rows.iter().filter(|r| row_matches(r, filter)).collect()
}

/// What the table shows: indices into `rows` that match `filter`, ordered by `sort` (catalog
/// order when `None`). `rows` itself is left as it is, so a selection can keep pointing at it.
#[must_use]
pub fn view(rows: &[PreviewRow], sort: Option<SortKey>, filter: &str) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len())
        .filter(|&i| row_matches(&rows[i], filter))
        .collect();
    match sort {
        Some(key) => idx.sort_by(|&a, &b| compare(&rows[a], &rows[b], key)),
        None => idx.sort_by_key(|&i| rows[i].id),
    }
    idx
}

/// The documented ceiling of the ongoing Marketo person sync ("1,500,000 people").
pub const SYNC_LIMIT_PEOPLE: u64 = 1_500_000;
/// The first sync moves about this many people ...
pub const PEOPLE_PER_BATCH: u64 = 1_000;
/// ... every this many minutes (low, high).
pub const BATCH_MINUTES: (u64, u64) = (1, 2);

/// Catalog keys of what the docs say about the sync, for the panel beside the table.
pub const SYNC_FACT_KEYS: [&str; 6] = [
    "fields.facts.direction",
    "fields.facts.owner-only",
    "fields.facts.fixed-set",
    "fields.facts.speed",
    "fields.facts.limit",
    "fields.facts.crm-managed",
];

/// The first-sync estimate for a head count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncEstimate {
    /// People to sync (those with a Salesforce owner).
    pub people: u64,
    /// Fewest minutes (rounded up).
    pub min_minutes: u64,
    /// Most minutes (rounded up).
    pub max_minutes: u64,
    /// Above [`SYNC_LIMIT_PEOPLE`].
    pub over_limit: bool,
}

/// Estimates the first sync: about [`PEOPLE_PER_BATCH`] people per 1–2 minutes, rounded up to
/// whole minutes; flags a head count above [`SYNC_LIMIT_PEOPLE`].
#[must_use]
pub fn estimate_first_sync(people: u64) -> SyncEstimate {
    let minutes = |per_batch: u64| people.saturating_mul(per_batch).div_ceil(PEOPLE_PER_BATCH);
    SyncEstimate {
        people,
        min_minutes: minutes(BATCH_MINUTES.0),
        max_minutes: minutes(BATCH_MINUTES.1),
        over_limit: people > SYNC_LIMIT_PEOPLE,
    }
}

/// Why a typed head count was not understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeadCountError {
    /// Nothing typed.
    Empty,
    /// Not a whole number of people.
    Invalid,
    /// More than any instance could hold.
    TooLarge,
}

impl Localize for HeadCountError {
    fn detail(&self) -> Detail {
        Detail::new(self.key())
    }
}

impl std::fmt::Display for HeadCountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::domain::text::fmt_english(self, f)
    }
}

impl HeadCountError {
    /// Catalog key of the message.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            HeadCountError::Empty => "fields.calc.empty",
            HeadCountError::Invalid => "fields.calc.invalid",
            HeadCountError::TooLarge => "fields.calc.too-large",
        }
    }
}

/// Reads a head count as people type it: `12000`, `12,000`, `12 000`, `12_000`, full-width
/// digits (`１２０００`), or with a `k`/`m` suffix (`12k`, `1.5M`).
///
/// # Errors
/// [`HeadCountError`] when the text is empty, not a whole number, or absurdly large.
pub fn parse_head_count(input: &str) -> Result<u64, HeadCountError> {
    // Full-width digits and letters (U+FF10..) to ASCII; drop grouping separators.
    let text: String = input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF41}'..='\u{FF5A}' | '\u{FF21}'..='\u{FF3A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{FF0E}' => '.',
            _ => c,
        })
        .filter(|c| {
            !matches!(
                c,
                ',' | '_' | '\'' | ' ' | '\u{00A0}' | '\u{202F}' | '\u{3000}' | '\u{FF0C}'
            )
        })
        .collect();
    if text.is_empty() {
        return Err(HeadCountError::Empty);
    }
    let (number, scale) = match text.chars().last() {
        Some('k' | 'K') => (&text[..text.len() - 1], 1_000u64),
        Some('m' | 'M') => (&text[..text.len() - 1], 1_000_000u64),
        _ => (text.as_str(), 1u64),
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(HeadCountError::Invalid);
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(HeadCountError::Invalid);
    }
    // A fraction is fine only when the suffix makes it whole (1.5M yes, 1.5 no).
    let digits = |s: &str| -> Result<u64, HeadCountError> {
        if s.is_empty() {
            return Ok(0);
        }
        s.parse::<u64>().map_err(|_| HeadCountError::TooLarge)
    };
    let whole = digits(whole)?
        .checked_mul(scale)
        .ok_or(HeadCountError::TooLarge)?;
    let frac_value = if frac.is_empty() {
        0
    } else {
        let places = u32::try_from(frac.len()).map_err(|_| HeadCountError::Invalid)?;
        let denom = 10u64.checked_pow(places).ok_or(HeadCountError::Invalid)?;
        let num = digits(frac)?
            .checked_mul(scale)
            .ok_or(HeadCountError::TooLarge)?;
        if num % denom != 0 {
            return Err(HeadCountError::Invalid);
        }
        num / denom
    };
    let total = whole
        .checked_add(frac_value)
        .ok_or(HeadCountError::TooLarge)?;
    // Far beyond any Marketo instance: almost certainly a typo.
    if total > 1_000_000_000_000 {
        return Err(HeadCountError::TooLarge);
    }
    Ok(total)
}

/// `1234567` → `1,234,567` (the grouping all three languages use).
#[must_use]
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number of minutes in the user's language: `45 min`, `2 h`, `1 h 30 min`.
#[must_use]
pub fn format_minutes(tr: &Catalog, minutes: u64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if h == 0 {
        tr.f("fields.calc.minutes", &[("m", &m)])
    } else if m == 0 {
        tr.f("fields.calc.hours", &[("h", &group_thousands(h))])
    } else {
        tr.f(
            "fields.calc.hours-minutes",
            &[("h", &group_thousands(h)), ("m", &m)],
        )
    }
}

/// The calculator's answer as lines in the user's language: the range, then a warning when over
/// the limit.
#[must_use]
pub fn render_estimate(tr: &Catalog, est: &SyncEstimate) -> Vec<String> {
    let people = group_thousands(est.people);
    let mut lines = Vec::new();
    if est.people == 0 {
        lines.push(tr.t("fields.calc.zero").to_string());
    } else if est.min_minutes == est.max_minutes {
        lines.push(tr.f(
            "fields.calc.result-one",
            &[
                ("people", &people),
                ("time", &format_minutes(tr, est.min_minutes)),
            ],
        ));
    } else {
        lines.push(tr.f(
            "fields.calc.result",
            &[
                ("people", &people),
                ("min", &format_minutes(tr, est.min_minutes)),
                ("max", &format_minutes(tr, est.max_minutes)),
            ],
        ));
    }
    if est.over_limit {
        lines.push(tr.f(
            "fields.calc.over-limit",
            &[
                ("people", &people),
                ("limit", &group_thousands(SYNC_LIMIT_PEOPLE)),
            ],
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_in_id_order_with_unique_slugs() {
        for (i, spec) in CATALOG.iter().enumerate() {
            assert_eq!(spec.id as usize, i);
            assert_eq!(FieldId::ALL[i], spec.id);
            assert_eq!(spec.label_key, format!("fields.name.{}", spec.slug));
        }
        let mut slugs: Vec<_> = CATALOG.iter().map(|s| s.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), 13);
    }

    #[test]
    fn estimate_rounds_up() {
        assert_eq!(
            estimate_first_sync(0),
            SyncEstimate {
                people: 0,
                min_minutes: 0,
                max_minutes: 0,
                over_limit: false
            }
        );
        let e = estimate_first_sync(1);
        assert_eq!((e.min_minutes, e.max_minutes), (1, 1));
        let e = estimate_first_sync(25_500);
        assert_eq!((e.min_minutes, e.max_minutes), (26, 51));
        assert!(!estimate_first_sync(SYNC_LIMIT_PEOPLE).over_limit);
        assert!(estimate_first_sync(SYNC_LIMIT_PEOPLE + 1).over_limit);
        let e = estimate_first_sync(u64::MAX);
        assert!(e.over_limit && e.max_minutes >= e.min_minutes);
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1_500_000), "1,500,000");
    }
}
