//! The message catalog: every user-visible string, in English, Traditional Chinese and Korean.
//!
//! Strings live in `assets/i18n/<lang>/*.toml`; `build.rs` compiles them into sorted tables
//! (the files are also embedded with `include_str!`, for the catalog tests). Each file is a TOML
//! table whose nested keys flatten to dotted keys (`[hub] title = ".."` is `hub.title`).
//! Placeholders are `{name}`. A missing key falls back to English, then to [`MISSING`], so a
//! gap never panics; the catalog tests fail on any gap instead.
//!
//! Messages that are not plain keys travel as a [`Detail`] (key plus arguments); an error that
//! has catalog text implements [`Localize`], its single way to be rendered, so its wording lives
//! once, in the catalog (its `Display` shows the English catalog text, see [`english`]).
//!
//! Pure: no terminal, no IO beyond the embedded assets.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Display, Write as _};
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
    "files.toml",
    "ecosystem.toml",
    "io.toml",
    "clap.toml",
    "screens.toml",
    "invites.toml",
    "handoff.toml",
    "plain.toml",
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

/// All keys of one language, flattened, parsed from the embedded files at run time: what the
/// catalog tests read (the program itself uses the tables `build.rs` compiled from the same
/// files; a test checks both agree).
///
/// # Errors
/// When an embedded file is not a table of strings (the build would have failed first).
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

/// The catalogs as `build.rs` compiled them: one sorted `(key, text)` table per language.
mod compiled {
    include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));
}

/// The messages of one language: the table compiled in, and any added at run time (tests).
#[derive(Clone, Debug, Default)]
struct Messages {
    compiled: &'static [(&'static str, &'static str)],
    /// The compiled table hashed, built on the first look-up.
    index: Option<&'static OnceLock<Index>>,
    added: HashMap<String, String>,
}

/// A compiled table by key. A look-up is a hash and one compare; a binary search over the 1 000
/// or so keys compared ten keys sharing long prefixes: `csv check --json` writing 20 000 issue
/// messages took 29 ms with it, 19 ms with this (medians of 12 runs).
type Index = HashMap<&'static str, &'static str, foldhash::fast::FixedState>;

impl Messages {
    fn of(lang: Lang) -> Messages {
        static INDEXES: [OnceLock<Index>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let (compiled, index) = match lang {
            Lang::En => (compiled::EN, &INDEXES[0]),
            Lang::ZhTw => (compiled::ZH_TW, &INDEXES[1]),
            Lang::Ko => (compiled::KO, &INDEXES[2]),
        };
        Messages {
            compiled,
            index: Some(index),
            added: HashMap::new(),
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        if let Some(v) = self.added.get(key) {
            return Some(v);
        }
        let index = self
            .index?
            .get_or_init(|| self.compiled.iter().copied().collect());
        index.get(key).copied()
    }

    fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    #[cfg(test)]
    fn insert(&mut self, key: String, text: String) {
        self.added.insert(key, text);
    }
}

/// The strings of one language, with English behind it for any gap.
#[derive(Clone, Debug)]
pub struct Catalog {
    lang: Lang,
    map: Messages,
    fallback: Messages,
}

impl Catalog {
    /// The catalog of `lang`, as compiled in (nothing is parsed at run time).
    ///
    /// # Errors
    /// Never: a malformed catalog file stops the build. (The `Result` is kept for callers
    /// written when the files were parsed here.)
    pub fn load(lang: Lang) -> Result<Catalog, CatalogError> {
        let fallback = if lang == Lang::En {
            Messages::default()
        } else {
            Messages::of(Lang::En)
        };
        Ok(Catalog {
            lang,
            map: Messages::of(lang),
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
            .unwrap_or(MISSING)
    }

    /// The string for `key` with each `{name}` replaced by its value.
    ///
    /// Plurals: `key` holds the general (plural) form in every language; English adds
    /// `<key>-one`, used when the counted argument (`{count}`, else `{n}`, else `{rows}`) is 1.
    /// Chinese and Korean do not inflect for number and have no `-one` keys.
    #[must_use]
    pub fn f(&self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(&self.plural_key(key, args)), args)
    }

    /// `key`, or `<key>-one` when this language has it and the count is 1.
    fn plural_key<'k>(&self, key: &'k str, args: &[(&str, &dyn Display)]) -> Cow<'k, str> {
        // Most messages count nothing: no key to make or look up for them.
        let is_one = ["count", "n", "rows"]
            .iter()
            .find_map(|name| args.iter().find(|(n, _)| n == name))
            .is_some_and(|(_, v)| v.to_string() == "1");
        if !is_one {
            return Cow::Borrowed(key);
        }
        let one = format!("{key}-one");
        if self.map.contains_key(&one) {
            Cow::Owned(one)
        } else {
            Cow::Borrowed(key)
        }
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
    /// Placeholder values that are messages themselves (an OS error inside "could not read"),
    /// rendered in the same language as the message.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nested: BTreeMap<String, Detail>,
}

impl Detail {
    /// A message without arguments.
    #[must_use]
    pub fn new(key: &str) -> Detail {
        Detail {
            key: key.to_string(),
            args: BTreeMap::new(),
            nested: BTreeMap::new(),
        }
    }

    /// Adds a placeholder whose value is another message.
    #[must_use]
    pub fn arg_detail(mut self, name: &str, value: Detail) -> Detail {
        self.nested.insert(name.to_string(), value);
        self
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
        let nested: Vec<(&str, String)> = self
            .nested
            .iter()
            .map(|(k, d)| (k.as_str(), d.render(tr)))
            .collect();
        let args: Vec<(&str, &dyn Display)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v as &dyn Display))
            .chain(nested.iter().map(|(k, v)| (*k, v as &dyn Display)))
            .collect();
        tr.f(&self.key, &args)
    }
}

/// An operating-system error as a message: the catalog's words for its kind (`io.not-found`,
/// `io.permission-denied`, ...), so "No such file or directory" reads in the user's language.
/// A kind the catalog has no words for shows the system's text under `io.other`, without the
/// "(os error N)" suffix. The one place that maps `io::ErrorKind` to text.
#[must_use]
pub fn io_error(e: &std::io::Error) -> Detail {
    use std::io::ErrorKind as K;
    let key = match e.kind() {
        K::NotFound => "io.not-found",
        K::PermissionDenied => "io.permission-denied",
        K::IsADirectory => "io.is-a-directory",
        K::NotADirectory => "io.not-a-directory",
        K::AlreadyExists => "io.already-exists",
        K::DirectoryNotEmpty => "io.directory-not-empty",
        K::StorageFull | K::QuotaExceeded => "io.storage-full",
        K::ReadOnlyFilesystem => "io.read-only",
        K::FileTooLarge => "io.file-too-large",
        K::InvalidData => "io.invalid-data",
        K::UnexpectedEof => "io.unexpected-eof",
        K::TimedOut => "io.timed-out",
        K::Interrupted => "io.interrupted",
        K::WouldBlock | K::ResourceBusy | K::ExecutableFileBusy => "io.busy",
        K::BrokenPipe => "io.broken-pipe",
        K::OutOfMemory => "io.out-of-memory",
        K::InvalidFilename => "io.invalid-filename",
        K::CrossesDevices => "io.crosses-devices",
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            return Detail::new("io.other").arg("message", text);
        }
    };
    Detail::new(key)
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
                    // Written straight into `out`; writing to a `String` cannot fail.
                    Some((_, v)) => {
                        let _ = write!(out, "{v}");
                    }
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
    fn os_errors_render_in_the_catalogs_language() {
        use std::io::{Error, ErrorKind};
        let ko = Catalog::load(Lang::Ko).unwrap_or_else(|e| panic!("{e}"));
        let en = Catalog::load(Lang::En).unwrap_or_else(|e| panic!("{e}"));
        let gone = io_error(&Error::from(ErrorKind::NotFound));
        assert_eq!(gone.render(&ko), ko.t("io.not-found"));
        assert_ne!(gone.render(&ko), gone.render(&en));
        let denied = io_error(&Error::from_raw_os_error(13));
        assert_eq!(denied.key, "io.permission-denied");
        // A kind without words keeps the system's text, without "(os error N)".
        let odd = io_error(&Error::other("strange thing"));
        assert_eq!(odd.render(&ko), "strange thing");
        // Nested in another message, rendered in the same language.
        let read = Detail::new("core.err.read")
            .arg("path", "/x")
            .arg_detail("error", gone);
        let text = read.render(&ko);
        assert!(text.contains(ko.t("io.not-found")), "{text}");
        assert!(!text.contains("{error}"), "{text}");
    }

    #[test]
    fn the_compiled_tables_hold_exactly_what_the_files_say() {
        for lang in Lang::ALL {
            let parsed = load_lang(lang).unwrap_or_else(|e| panic!("{e}"));
            let table = Messages::of(lang).compiled;
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "{lang}: sorted");
            let compiled: HashMap<String, String> = table
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect();
            assert_eq!(compiled, parsed, "{lang}");
            let tr = Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
            for (k, v) in &parsed {
                assert_eq!(tr.t(k), v, "{lang}: {k}");
            }
        }
        let ko = Catalog::load(Lang::Ko).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ko.t("no.such.key"), MISSING);
    }

    #[test]
    fn plurals_pick_one_or_other_and_cjk_never_inflects() {
        let mut en = Catalog::load(Lang::En).unwrap_or_else(|e| panic!("{e}"));
        en.map.insert("t.rows-one".into(), "{count} row".into());
        en.map.insert("t.rows".into(), "{count} rows".into());
        assert_eq!(en.f("t.rows", &[("count", &1)]), "1 row");
        assert_eq!(en.f("t.rows", &[("count", &0)]), "0 rows");
        assert_eq!(en.f("t.rows", &[("count", &21)]), "21 rows");
        assert_eq!(en.f("t.rows", &[("n", &1), ("count", &2)]), "2 rows");
        assert_eq!(
            en.f("t.rows", &[("n", &1)]).replace("{count}", "1"),
            "1 row"
        );
        let mut ko = Catalog::load(Lang::Ko).unwrap_or_else(|e| panic!("{e}"));
        ko.fallback = en.map.clone();
        ko.map.insert("t.rows".into(), "{count}행".into());
        assert_eq!(ko.f("t.rows", &[("count", &1)]), "1행");
        // Real messages: English counts, Korean does not inflect.
        let en = Catalog::load(Lang::En).unwrap_or_else(|e| panic!("{e}"));
        let one = en.f("csv.tui.recorded", &[("n", &1)]);
        let two = en.f("csv.tui.recorded", &[("n", &2)]);
        assert!(one.contains("1 address "), "{one}");
        assert!(two.contains("2 addresses "), "{two}");
    }

    #[test]
    fn fill_replaces_known_names_only() {
        assert_eq!(fill("{a} of {b}", &[("a", &1), ("b", &"x")]), "1 of x");
        assert_eq!(fill("{a} {zz} {", &[("a", &1)]), "1 {zz} {");
        assert_eq!(placeholders("{b} {a} {b}"), vec!["a", "b"]);
    }
}
