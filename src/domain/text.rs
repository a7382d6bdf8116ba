//! The message catalog: every user-visible string, in English, Traditional Chinese and Korean.
//!
//! Strings live in `assets/i18n/<lang>/*.toml`, embedded with `include_str!`. Each file is a TOML
//! table whose nested keys flatten to dotted keys (`[hub] title = ".."` is `hub.title`).
//! Placeholders are `{name}`. A missing key falls back to English, then to the key itself, so a
//! gap never panics; the catalog tests fail on any gap instead.
//!
//! Messages that are not plain keys travel as a [`Detail`] (key plus arguments); an error that
//! has catalog text implements [`Localize`], its single way to be rendered, so its wording lives
//! once, in the catalog (its `Display` shows the English catalog text, see [`english`]).
//!
//! Pure: no terminal, no IO beyond the embedded assets.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Display};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A language the program speaks.
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
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    #[strum(serialize = "en")]
    En,
    /// Traditional Chinese (Taiwan).
    #[serde(rename = "zh-TW")]
    #[strum(serialize = "zh-TW")]
    ZhTw,
    /// Korean.
    #[serde(rename = "ko")]
    #[strum(serialize = "ko")]
    Ko,
}

impl Lang {
    /// Every language, in the order the language picker shows them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhTw, Lang::Ko];

    /// The tag used on the command line and in files: `en`, `zh-TW`, `ko`.
    #[must_use]
    pub fn tag(self) -> &'static str {
        self.into()
    }

    /// The language's own name, for the picker.
    #[must_use]
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhTw => "繁體中文",
            Lang::Ko => "한국어",
        }
    }

    /// Parses a tag as a user types it: `en`, `EN-us`, `zh-TW`, `zh_tw`, `zh-Hant`, `zh-HK`, `ko`,
    /// `ko-KR`. Simplified Chinese and unknown tags give `None`.
    #[must_use]
    pub fn parse_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = t.split('-');
        let primary = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        match primary {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            "zh" => {
                if rest.is_empty() {
                    return None;
                }
                let traditional = rest
                    .iter()
                    .any(|p| matches!(*p, "tw" | "hk" | "mo" | "hant"));
                traditional.then_some(Lang::ZhTw)
            }
            _ => None,
        }
    }

    /// Reads a POSIX locale value (`zh_TW.UTF-8`, `ko_KR.UTF-8@x`, `C`, `POSIX`). `C` and `POSIX`
    /// mean English; an unknown locale gives `None`.
    #[must_use]
    pub fn from_locale(value: &str) -> Option<Lang> {
        let base = value.split(['.', '@']).next().unwrap_or("").trim();
        if base.is_empty() {
            return None;
        }
        if base.eq_ignore_ascii_case("C") || base.eq_ignore_ascii_case("POSIX") {
            return Some(Lang::En);
        }
        Lang::parse_tag(base)
    }

    /// The language from the environment: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set
    /// and non-empty decides (as POSIX does); a locale we do not speak gives English.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = get(var).filter(|v| !v.trim().is_empty()) {
                return Lang::from_locale(&v).unwrap_or(Lang::En);
            }
        }
        Lang::En
    }
}

/// One embedded catalog file.
#[derive(Clone, Copy, Debug)]
pub struct Source {
    /// Its language.
    pub lang: Lang,
    /// Its path below `assets/i18n/<lang>/`, for error messages.
    pub file: &'static str,
    /// Its text.
    pub text: &'static str,
}

macro_rules! sources {
    ($($file:literal),* $(,)?) => {
        &[
            $(
                Source { lang: Lang::En, file: $file, text: include_str!(concat!("../../assets/i18n/en/", $file)) },
                Source { lang: Lang::ZhTw, file: $file, text: include_str!(concat!("../../assets/i18n/zh-TW/", $file)) },
                Source { lang: Lang::Ko, file: $file, text: include_str!(concat!("../../assets/i18n/ko/", $file)) },
            )*
        ]
    };
}

/// Every catalog file. Each name must exist for all three languages.
pub const SOURCES: &[Source] = sources![
    "core.toml",
    "guide.toml",
    "csv.toml",
    "checks.toml",
    "cli.toml",
    "search.toml",
];

/// A catalog file that is not a table of strings.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The file is not valid TOML.
    #[error("message catalog `assets/i18n/{lang}/{file}` is not valid TOML: {message}")]
    Syntax {
        /// Language of the file.
        lang: Lang,
        /// File name.
        file: &'static str,
        /// What the parser said.
        message: String,
    },
    /// A value is not a string or a table.
    #[error("message catalog `assets/i18n/{lang}/{file}`: key `{key}` must be a string")]
    NotAString {
        /// Language of the file.
        lang: Lang,
        /// File name.
        file: &'static str,
        /// Dotted key.
        key: String,
    },
    /// The same key is defined in two files.
    #[error("message catalog for {lang}: key `{key}` is defined twice")]
    Duplicate {
        /// Language.
        lang: Lang,
        /// Dotted key.
        key: String,
    },
}

/// All keys of one language, flattened.
///
/// # Errors
/// When an embedded file is not a table of strings (the catalog tests catch this at build time).
pub fn load_lang(lang: Lang) -> Result<HashMap<String, String>, CatalogError> {
    let mut map = HashMap::new();
    for src in SOURCES.iter().filter(|s| s.lang == lang) {
        let table: toml::Table = toml::from_str(src.text).map_err(|e| CatalogError::Syntax {
            lang,
            file: src.file,
            message: e.message().to_string(),
        })?;
        flatten(&table, "", src, &mut map)?;
    }
    Ok(map)
}

fn flatten(
    table: &toml::Table,
    prefix: &str,
    src: &Source,
    out: &mut HashMap<String, String>,
) -> Result<(), CatalogError> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                if out.insert(key.clone(), s.clone()).is_some() {
                    return Err(CatalogError::Duplicate {
                        lang: src.lang,
                        key,
                    });
                }
            }
            toml::Value::Table(t) => flatten(t, &key, src, out)?,
            _ => {
                return Err(CatalogError::NotAString {
                    lang: src.lang,
                    file: src.file,
                    key,
                });
            }
        }
    }
    Ok(())
}

/// Shown for a key no catalog has.
pub const MISSING: &str = "(?)";

/// The strings of one language, with English behind it for any gap.
#[derive(Clone, Debug)]
pub struct Catalog {
    lang: Lang,
    map: HashMap<String, String>,
    fallback: HashMap<String, String>,
}

impl Catalog {
    /// Loads the catalog of `lang`.
    ///
    /// # Errors
    /// When an embedded file is malformed (never in a tested build).
    pub fn load(lang: Lang) -> Result<Catalog, CatalogError> {
        let map = load_lang(lang)?;
        let fallback = if lang == Lang::En {
            HashMap::new()
        } else {
            load_lang(Lang::En)?
        };
        Ok(Catalog {
            lang,
            map,
            fallback,
        })
    }

    /// The language of this catalog.
    #[must_use]
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether `key` exists in this language.
    #[must_use]
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// The string for `key`; English if this language lacks it; [`MISSING`] if both do (the
    /// catalog tests make sure that never ships).
    #[must_use]
    pub fn t(&self, key: &str) -> &str {
        self.map
            .get(key)
            .or_else(|| self.fallback.get(key))
            .map_or(MISSING, String::as_str)
    }

    /// The string for `key` with each `{name}` replaced by its value.
    #[must_use]
    pub fn f(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(key), args)
    }
}

/// The English catalog, loaded once: what `Display` of a [`Localize`] error shows (logs, tests,
/// and messages printed before the user's language is known). `None` only if the embedded
/// English files were malformed, which the catalog tests rule out.
#[must_use]
pub fn english() -> Option<&'static Catalog> {
    static EN: OnceLock<Option<Catalog>> = OnceLock::new();
    EN.get_or_init(|| Catalog::load(Lang::En).ok()).as_ref()
}

/// A message as a catalog key plus its `{placeholder}` values, so it renders in any language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    /// Catalog key.
    pub key: String,
    /// Placeholder values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
}

impl Detail {
    /// A message without arguments.
    #[must_use]
    pub fn new(key: &str) -> Detail {
        Detail {
            key: key.to_string(),
            args: BTreeMap::new(),
        }
    }

    /// Adds a placeholder value.
    #[must_use]
    pub fn arg(mut self, name: &str, value: impl ToString) -> Detail {
        self.args.insert(name.to_string(), value.to_string());
        self
    }

    /// The message in the catalog's language.
    #[must_use]
    pub fn render(&self, tr: &Catalog) -> String {
        let args: Vec<(&str, &dyn Display)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v as &dyn Display))
            .collect();
        tr.f(&self.key, &args)
    }
}

impl Localize for Detail {
    fn detail(&self) -> Detail {
        self.clone()
    }
}

/// Something with catalog text, usually an error: its one way to be shown. The message exists
/// once, as a catalog key plus arguments; `ui` and `commands` render it in the user's language
/// with [`Localize::localize`], and its `Display` (written with [`fmt_english`]) shows the
/// English text of the same key.
///
/// ```
/// use msi_setup::domain::text::{Catalog, Detail, Lang, Localize};
/// #[derive(Debug)]
/// struct Full;
/// impl Localize for Full {
///     fn detail(&self) -> Detail {
///         Detail::new("core.err.write-kept")
///     }
/// }
/// let ko = Catalog::load(Lang::Ko).unwrap_or_else(|e| panic!("{e}"));
/// assert_eq!(Full.localize(&ko), ko.t("core.err.write-kept"));
/// ```
pub trait Localize: fmt::Debug + Send + Sync {
    /// The message: catalog key and placeholder values.
    fn detail(&self) -> Detail;

    /// The message in `tr`'s language.
    fn localize(&self, tr: &Catalog) -> String {
        self.detail().render(tr)
    }
}

/// `Display` for a [`Localize`] type: the English catalog text of its message (the key itself if
/// the English catalog could not load, which the catalog tests rule out).
///
/// # Errors
/// The formatter's.
pub fn fmt_english(l: &dyn Localize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let d = l.detail();
    match english() {
        Some(en) => f.write_str(&d.render(en)),
        None => f.write_str(&d.key),
    }
}

/// Replaces each `{name}` in `template` by the value given for it; unknown names stay as written.
#[must_use]
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a template, sorted, for the catalog consistency test.
#[must_use]
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(after[..close].to_string());
        rest = &after[close + 1..];
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_locales() {
        assert_eq!(Lang::parse_tag("zh_TW"), Some(Lang::ZhTw));
        assert_eq!(Lang::parse_tag("zh-Hant"), Some(Lang::ZhTw));
        assert_eq!(Lang::parse_tag("zh-HK"), Some(Lang::ZhTw));
        assert_eq!(Lang::parse_tag("zh-CN"), None);
        assert_eq!(Lang::parse_tag("zh"), None);
        assert_eq!(Lang::parse_tag("KO-kr"), Some(Lang::Ko));
        assert_eq!(Lang::parse_tag("fr"), None);
        assert_eq!(Lang::from_locale("ko_KR.UTF-8"), Some(Lang::Ko));
        assert_eq!(Lang::from_locale("zh_HK.Big5"), Some(Lang::ZhTw));
        assert_eq!(Lang::from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("de_DE.UTF-8"), None);
    }

    #[test]
    fn env_precedence_follows_posix() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        assert_eq!(Lang::from_env(env(&[("LANG", "ko_KR.UTF-8")])), Lang::Ko);
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", "zh_TW.UTF-8"), ("LANG", "ko_KR.UTF-8")])),
            Lang::ZhTw
        );
        assert_eq!(
            Lang::from_env(env(&[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "ko_KR"),
                ("LANG", "C")
            ])),
            Lang::Ko
        );
        assert_eq!(Lang::from_env(env(&[("LANG", "fr_FR.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
    }

    #[test]
    fn fill_replaces_known_names_only() {
        assert_eq!(fill("{a} of {b}", &[("a", &1), ("b", &"x")]), "1 of x");
        assert_eq!(fill("{a} {zz} {", &[("a", &1)]), "1 {zz} {");
        assert_eq!(placeholders("{b} {a} {b}"), vec!["a", "b"]);
    }
}
