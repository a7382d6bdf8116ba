//! The documented process as data: roles, prerequisites, steps, sub-steps, notes and links,
//! loaded from `assets/guide.toml` (embedded) and validated against the message catalog.
//!
//! Text is not stored here: every title, instruction and note is a catalog key derived from the
//! ids (`guide.<item>.title`, `guide.<item>.sub.<substep>`, ...), so a translation fix is a data
//! change in `assets/i18n/`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use strum::VariantArray;

use super::text::{self, Lang};

/// The embedded guide asset.
pub const GUIDE_TOML: &str = include_str!("../../assets/guide.toml");

/// A role a person can hold. The one definition of the role ids: files, JSON and the command
/// line use the kebab-case name (`marketo-admin`), `assets/guide.toml` lists the same roles in
/// the same order (checked when the guide loads).
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
pub enum Role {
    /// The Marketo admin.
    MarketoAdmin,
    /// The Salesforce admin.
    SalesforceAdmin,
}

impl Role {
    /// The stable id: `marketo-admin` or `salesforce-admin`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Catalog key of the role's name.
    #[must_use]
    pub fn name_key(self) -> String {
        format!("guide.role.{self}")
    }
}

/// A prerequisite or step. The one definition of the step ids: files, JSON and the command line
/// use the kebab-case name (`setup-sales-account`); the variants are in documented order, and
/// `assets/guide.toml` lists the same items in the same order (checked when the guide loads), so
/// [`ItemId::index`] is also the item's index in [`Guide::items`].
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
pub enum ItemId {
    /// Prerequisite 1: Sales Insight Actions is enabled for the subscription.
    PrereqActionsEnabled,
    /// Prerequisite 2: the Marketo ↔ Salesforce sync runs.
    PrereqCrmSync,
    /// Step 1: set up the Sales Insight Actions account.
    SetupSalesAccount,
    /// Step 2: connect Salesforce.
    ConnectSalesforce,
    /// Step 3: connect Marketo.
    ConnectMarketo,
    /// Step 4: start the Action Field Sync.
    StartDataSync,
    /// Step 5: invite users.
    InviteUsers,
    /// Step 6: install the MSI package in Salesforce.
    InstallPackage,
    /// Step 7: configure the package in Salesforce.
    ConfigureSalesforce,
}

impl ItemId {
    /// The stable id, e.g. `setup-sales-account`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Position in documented order (0 = the first prerequisite).
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Whether an item is a prerequisite or a numbered step.
#[derive(
    Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, strum::IntoStaticStr, strum::Display,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Kind {
    /// One of the two prerequisites.
    Prerequisite,
    /// One of the seven steps.
    Step,
}

impl Kind {
    /// `prerequisite` or `step`, as in JSON output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where the clicking happens.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, strum::IntoStaticStr, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum App {
    /// Marketo Engage.
    Marketo,
    /// The Sales Insight Actions web app.
    Actions,
    /// Salesforce.
    Salesforce,
    /// A conversation with the Adobe account team.
    AccountTeam,
}

impl App {
    /// The id used in catalog keys.
    #[must_use]
    pub fn id(self) -> &'static str {
        self.into()
    }

    /// Catalog key of the app's name.
    #[must_use]
    pub fn name_key(self) -> String {
        format!("guide.app.{self}")
    }
}

/// A link to the documentation.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Doc {
    /// Id of its label (`guide.doc.<id>`).
    pub id: String,
    /// The address.
    pub url: String,
}

/// One sub-step of an item.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Substep {
    /// Kebab-case id, unique within the item.
    pub id: String,
    /// Exact English click targets, in order.
    #[serde(default)]
    pub path: Vec<String>,
    /// The route this sub-step belongs to, if the item has alternative routes.
    #[serde(default)]
    pub variant: Option<String>,
    /// Optional sub-steps do not count toward completion.
    #[serde(default)]
    pub optional: bool,
}

/// How loud a note is.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// Background a careful admin needs.
    Info,
    /// Something that goes wrong if ignored.
    Caution,
}

/// A note or gotcha on an item.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Note {
    /// Id, unique within the item.
    pub id: String,
    /// Info or caution.
    pub kind: NoteKind,
    /// Its content is in the seeds (the translated admin guide).
    #[serde(default)]
    pub seed: bool,
    /// The pages it comes from, as ids of the item's `docs`; shown after the note. Every note
    /// from beyond the seeds names at least one.
    #[serde(default)]
    pub source: Vec<String>,
}

/// A prerequisite or step.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Item {
    /// Stable id.
    pub id: ItemId,
    /// Prerequisite or step.
    pub kind: Kind,
    /// The roles that own it (either may do it when there are two).
    pub owners: Vec<Role>,
    /// Where it is done.
    pub app: App,
    /// Earlier items that should be done first.
    #[serde(default)]
    pub needs: Vec<ItemId>,
    /// Alternative routes (e.g. `install`, `upgrade`); the first is the default.
    #[serde(default)]
    pub variants: Vec<String>,
    /// Links to the docs.
    #[serde(default)]
    pub docs: Vec<Doc>,
    /// Ordered sub-steps.
    #[serde(default)]
    pub substeps: Vec<Substep>,
    /// Notes and gotchas.
    #[serde(default)]
    pub notes: Vec<Note>,
}

impl Item {
    /// Whether `role` owns this item.
    #[must_use]
    pub fn owned_by(&self, role: Role) -> bool {
        self.owners.contains(&role)
    }

    /// Whether any of `roles` owns this item.
    #[must_use]
    pub fn owned_by_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.owned_by(*r))
    }

    /// The sub-steps that apply to `variant` (all when the item has no variants), in order.
    pub fn substeps_for<'a>(
        &'a self,
        variant: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Substep> {
        let chosen = variant.or_else(|| self.variants.first().map(String::as_str));
        self.substeps
            .iter()
            .filter(move |s| s.variant.is_none() || s.variant.as_deref() == chosen)
    }

    /// The sub-steps that count toward completion for `variant`.
    pub fn required_for<'a>(
        &'a self,
        variant: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Substep> {
        self.substeps_for(variant).filter(|s| !s.optional)
    }

    /// Catalog key of the title.
    #[must_use]
    pub fn title_key(&self) -> String {
        format!("guide.{}.title", self.id)
    }

    /// Catalog key of the summary.
    #[must_use]
    pub fn summary_key(&self) -> String {
        format!("guide.{}.summary", self.id)
    }

    /// Catalog key of a sub-step's instruction.
    #[must_use]
    pub fn substep_key(&self, sub: &Substep) -> String {
        format!("guide.{}.sub.{}", self.id, sub.id)
    }

    /// Catalog key of a note.
    #[must_use]
    pub fn note_key(&self, note: &Note) -> String {
        format!("guide.{}.note.{}", self.id, note.id)
    }

    /// The docs a note names as its source, in the note's order.
    #[must_use]
    pub fn note_sources<'a>(&'a self, note: &'a Note) -> Vec<&'a Doc> {
        note.source
            .iter()
            .filter_map(|id| self.docs.iter().find(|d| &d.id == id))
            .collect()
    }

    /// Catalog key of a variant's name.
    #[must_use]
    pub fn variant_key(&self, variant: &str) -> String {
        format!("guide.{}.variant.{variant}", self.id)
    }
}

#[derive(Debug, Deserialize)]
struct Raw {
    version: u32,
    roles: Vec<RawRole>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
struct RawRole {
    id: Role,
}

/// The whole documented process. Built only by [`Guide::parse`], which checks that the roles and
/// items are exactly [`Role::VARIANTS`] and [`ItemId::VARIANTS`], in that order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guide {
    roles: Vec<Role>,
    items: Vec<Item>,
}

/// Something wrong in the guide asset.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GuideError {
    /// Not valid TOML or not the expected shape.
    #[error("guide asset `assets/guide.toml` does not parse: {0}")]
    Syntax(String),
    /// A rule of the data is broken.
    #[error("guide asset `assets/guide.toml`: {0}")]
    Invalid(String),
}

impl Guide {
    /// Loads and validates the embedded guide.
    ///
    /// # Errors
    /// When the asset is malformed (caught by the tests of every build).
    pub fn embedded() -> Result<Guide, GuideError> {
        Guide::parse(GUIDE_TOML)
    }

    /// Parses and validates guide TOML.
    ///
    /// # Errors
    /// [`GuideError`] naming the first rule broken.
    pub fn parse(src: &str) -> Result<Guide, GuideError> {
        let raw: Raw =
            toml::from_str(src).map_err(|e| GuideError::Syntax(e.message().to_string()))?;
        if raw.version != 1 {
            return Err(GuideError::Invalid(format!(
                "unsupported version {}",
                raw.version
            )));
        }
        let guide = Guide {
            roles: raw.roles.into_iter().map(|r| r.id).collect(),
            items: raw.items,
        };
        guide.validate()?;
        Ok(guide)
    }

    fn validate(&self) -> Result<(), GuideError> {
        let bad = |m: String| Err(GuideError::Invalid(m));
        if self.roles != Role::VARIANTS {
            return bad(format!(
                "roles must be {:?}, found {:?}",
                Role::VARIANTS,
                self.roles
            ));
        }
        let ids: Vec<ItemId> = self.items.iter().map(|i| i.id).collect();
        if ids != ItemId::VARIANTS {
            return bad(format!(
                "items must be {:?} in that order, found {ids:?}",
                ItemId::VARIANTS
            ));
        }
        let mut seen: HashSet<ItemId> = HashSet::new();
        for item in &self.items {
            if item.owners.is_empty() {
                return bad(format!("item `{}` has no owner", item.id));
            }
            for n in &item.needs {
                if !seen.contains(n) {
                    return bad(format!(
                        "item `{}` needs `{n}`, which is not an earlier item",
                        item.id
                    ));
                }
            }
            if item.substeps.is_empty() {
                return bad(format!("item `{}` has no sub-steps", item.id));
            }
            let mut sub_ids = HashSet::new();
            for s in &item.substeps {
                if !sub_ids.insert(s.id.as_str()) {
                    return bad(format!("item `{}` repeats sub-step `{}`", item.id, s.id));
                }
                if let Some(v) = &s.variant
                    && !item.variants.contains(v)
                {
                    return bad(format!(
                        "sub-step `{}.{}` names unknown variant `{v}`",
                        item.id, s.id
                    ));
                }
            }
            for v in item
                .variants
                .iter()
                .map(String::as_str)
                .chain([None::<&str>].into_iter().flatten())
            {
                if item.required_for(Some(v)).next().is_none() {
                    return bad(format!(
                        "variant `{}.{v}` has no required sub-step",
                        item.id
                    ));
                }
            }
            if item.variants.is_empty() && item.required_for(None).next().is_none() {
                return bad(format!("item `{}` has no required sub-step", item.id));
            }
            let mut note_ids = HashSet::new();
            for n in &item.notes {
                if !note_ids.insert(n.id.as_str()) {
                    return bad(format!("item `{}` repeats note `{}`", item.id, n.id));
                }
                if !n.seed && n.source.is_empty() {
                    return bad(format!(
                        "note `{}.{}` has neither `seed = true` nor a `source`: name the doc it \
                         comes from (an id in the item's `docs`)",
                        item.id, n.id
                    ));
                }
                for s in &n.source {
                    if !item.docs.iter().any(|d| &d.id == s) {
                        return bad(format!(
                            "note `{}.{}` names source `{s}`, which is not in the item's `docs`",
                            item.id, n.id
                        ));
                    }
                }
            }
            for d in &item.docs {
                if !d.url.starts_with("https://") {
                    return bad(format!(
                        "doc `{}` of `{}` is not an https URL",
                        d.id, item.id
                    ));
                }
            }
            seen.insert(item.id);
        }
        Ok(())
    }

    /// Every catalog key the guide needs, for the completeness test.
    #[must_use]
    pub fn text_keys(&self) -> Vec<String> {
        let mut keys = vec![
            "guide.kind.prerequisite".to_string(),
            "guide.kind.step".to_string(),
        ];
        for r in &self.roles {
            keys.push(r.name_key());
        }
        for item in &self.items {
            keys.push(item.app.name_key());
            keys.push(item.title_key());
            keys.push(item.summary_key());
            for v in &item.variants {
                keys.push(item.variant_key(v));
            }
            for s in &item.substeps {
                keys.push(item.substep_key(s));
            }
            for n in &item.notes {
                keys.push(item.note_key(n));
            }
            for d in &item.docs {
                keys.push(format!("guide.doc.{}", d.id));
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Checks that every key the guide needs exists in `lang`'s catalog.
    ///
    /// # Errors
    /// The missing keys.
    pub fn check_text(&self, lang: Lang) -> Result<(), Vec<String>> {
        let map = text::load_lang(lang).map_err(|e| vec![e.to_string()])?;
        let missing: Vec<String> = self
            .text_keys()
            .into_iter()
            .filter(|k| !map.contains_key(k))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }
    }

    /// The roles, in documented order.
    #[must_use]
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// Prerequisites then steps, in documented order (item `n` has the id `ItemId::VARIANTS[n]`).
    #[must_use]
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The item with `id` (every id has one: [`Guide::parse`] checks it).
    #[must_use]
    pub fn item(&self, id: ItemId) -> &Item {
        &self.items[id.index()]
    }
}

/// An Experience League address in the edition of `lang` (`/zh-hant/`, `/ko/`): Adobe
/// publishes the Marketo docs in both. Other addresses are returned as they are.
#[must_use]
pub fn doc_url(url: &str, lang: crate::domain::text::Lang) -> String {
    use crate::domain::text::Lang;
    const EN: &str = "https://experienceleague.adobe.com/en/";
    let edition = match lang {
        Lang::En => return url.to_string(),
        Lang::ZhTw => "zh-hant",
        Lang::Ko => "ko",
    };
    match url.strip_prefix(EN) {
        Some(rest) => format!("https://experienceleague.adobe.com/{edition}/{rest}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_links_open_the_users_edition() {
        use crate::domain::text::Lang;
        let en = "https://experienceleague.adobe.com/en/docs/marketo/using/x";
        assert_eq!(doc_url(en, Lang::En), en);
        assert_eq!(
            doc_url(en, Lang::ZhTw),
            "https://experienceleague.adobe.com/zh-hant/docs/marketo/using/x"
        );
        assert_eq!(
            doc_url(en, Lang::Ko),
            "https://experienceleague.adobe.com/ko/docs/marketo/using/x"
        );
        let other = "https://nation.marketo.com/t5/support/ct-p/Support";
        assert_eq!(doc_url(other, Lang::Ko), other);
    }

    #[test]
    fn the_embedded_guide_loads_and_has_its_text_in_every_language() {
        let g = Guide::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.items.len(), 9);
        assert_eq!(
            g.items
                .iter()
                .filter(|i| i.kind == Kind::Prerequisite)
                .count(),
            2
        );
        assert_eq!(g.item(ItemId::ConnectSalesforce).owners.len(), 2);
        for lang in Lang::ALL {
            assert_eq!(g.check_text(lang), Ok(()), "{lang}");
        }
    }

    #[test]
    fn documented_facts_are_in_the_data() {
        let g = Guide::embedded().unwrap_or_else(|e| panic!("{e}"));
        let install = g.item(ItemId::InstallPackage);
        assert_eq!(
            install.variants,
            vec!["install".to_string(), "upgrade".to_string()]
        );
        let invite = g.item(ItemId::InviteUsers);
        assert_eq!(
            invite.variants,
            vec!["individual".to_string(), "csv".to_string()]
        );
        let setup = g.item(ItemId::SetupSalesAccount);
        let path: Vec<&str> = setup
            .substeps
            .iter()
            .flat_map(|s| s.path.iter().map(String::as_str))
            .collect();
        for label in ["Admin", "Sales Insight", "Actions Config", "Send Invite"] {
            assert!(
                path.contains(&label),
                "missing click target {label}: {path:?}"
            );
        }
        let en = text::load_lang(Lang::En).unwrap_or_else(|e| panic!("{e}"));
        let all: String = en
            .iter()
            .filter(|(k, _)| k.starts_with("guide."))
            .map(|(_, v)| v.as_str())
            .collect();
        for fact in [
            "https://ims-na1.adobelogin.com",
            "https://mkto-sales-connect.adobe.io",
            "mkto_si",
            "Marketo App Access",
            "1.8000",
            "&",
        ] {
            assert!(all.contains(fact), "the guide text never mentions {fact}");
        }
    }

    fn minimal(items: &str) -> String {
        format!(
            "version = 1\n[[roles]]\nid = \"marketo-admin\"\n[[roles]]\nid = \"salesforce-admin\"\n{items}"
        )
    }

    #[test]
    fn broken_data_is_rejected_with_a_reason() {
        assert!(matches!(
            Guide::parse("version = "),
            Err(GuideError::Syntax(_))
        ));
        let err = Guide::parse(&minimal(""))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("items must be"), "{err}");
        let mut src = GUIDE_TOML.replacen(
            "owners = [\"marketo-admin\"]",
            "owners = [\"sales-rep\"]",
            1,
        );
        let err = Guide::parse(&src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        // Owners are typed: an unknown one does not even parse, and the message names it.
        assert!(err.contains("`sales-rep`"), "{err}");
        assert!(err.contains("marketo-admin"), "lists the roles: {err}");
        src = GUIDE_TOML.replacen("version = 1", "version = 9", 1);
        assert!(Guide::parse(&src).is_err());
    }

    /// Issue 10: notes from beyond the seeds say which page they come from.
    #[test]
    fn every_note_is_from_the_seeds_or_names_a_doc_of_its_item() {
        let g = Guide::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut sourced = 0;
        for item in g.items() {
            for n in &item.notes {
                let docs = item.note_sources(n);
                assert_eq!(docs.len(), n.source.len(), "{}.{}", item.id, n.id);
                assert!(n.seed || !docs.is_empty(), "{}.{}", item.id, n.id);
                sourced += usize::from(!docs.is_empty());
            }
        }
        assert!(sourced >= 30, "only {sourced} notes name a source");
        // A note with neither, or with a source the item does not link, is rejected.
        let no_source = GUIDE_TOML.replacen("source = [\"data-sync-faq\"]\n", "", 1);
        let err = Guide::parse(&no_source)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("neither `seed = true` nor a `source`"),
            "{err}"
        );
        let unknown = GUIDE_TOML.replacen(
            "source = [\"sfdc-sync-setup\"]",
            "source = [\"salesforce-diagnostics\"]",
            1,
        );
        let err = Guide::parse(&unknown)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("`salesforce-diagnostics`"), "{err}");
    }

    /// The ids are defined once, as enums; the asset must list exactly those, in that order.
    #[test]
    fn the_asset_lists_every_id_of_the_enums_in_order() {
        let raw: toml::Table = toml::from_str(GUIDE_TOML).unwrap_or_else(|e| panic!("{e}"));
        let ids = |key: &str| -> Vec<String> {
            raw.get(key)
                .and_then(toml::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.get("id").and_then(toml::Value::as_str))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let items: Vec<&str> = ItemId::VARIANTS.iter().map(|i| i.as_str()).collect();
        assert_eq!(ids("items"), items);
        let roles: Vec<&str> = Role::VARIANTS.iter().map(|r| r.as_str()).collect();
        assert_eq!(ids("roles"), roles);
        let g = Guide::embedded().unwrap_or_else(|e| panic!("{e}"));
        for (n, id) in ItemId::VARIANTS.iter().enumerate() {
            assert_eq!(id.index(), n);
            assert_eq!(g.item(*id).id, *id);
            assert_eq!(g.items()[n].id, *id);
        }
        assert_eq!(g.roles(), Role::VARIANTS);
    }

    #[test]
    fn ids_read_and_print_as_their_kebab_case_strings() {
        for id in ItemId::VARIANTS {
            let s = id.as_str();
            assert_eq!(s.parse::<ItemId>().ok(), Some(*id));
            assert_eq!(id.to_string(), s);
            assert_eq!(serde_json::to_string(id).ok(), Some(format!("\"{s}\"")));
        }
        for r in Role::VARIANTS {
            let s = r.as_str();
            assert_eq!(s.parse::<Role>().ok(), Some(*r));
            assert_eq!(serde_json::to_string(r).ok(), Some(format!("\"{s}\"")));
        }
        assert_eq!(ItemId::SetupSalesAccount.as_str(), "setup-sales-account");
        assert_eq!(ItemId::PrereqCrmSync.as_str(), "prereq-crm-sync");
        assert_eq!(Role::SalesforceAdmin.as_str(), "salesforce-admin");
        assert_eq!(App::AccountTeam.id(), "account-team");
        assert_eq!(Kind::Prerequisite.as_str(), "prerequisite");
        assert!("setup-sales".parse::<ItemId>().is_err());
        assert!("Marketo-Admin".parse::<Role>().is_err());
        assert_eq!(Role::MarketoAdmin.name_key(), "guide.role.marketo-admin");
        assert_eq!(App::Marketo.name_key(), "guide.app.marketo");
    }

    #[test]
    fn needs_must_name_an_earlier_item() {
        let src = GUIDE_TOML.replacen("needs = []", "needs = [\"configure-salesforce\"]", 1);
        let err = Guide::parse(&src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("needs `configure-salesforce`"), "{err}");
    }
}
