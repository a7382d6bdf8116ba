//! The message catalog (`assets/i18n/<lang>/*.toml`): complete, consistent across en / zh-TW / ko,
//! covering every key the guide, the key hints, the CLI help and the source code ask for, and
//! following the terminology rules of the guide's translations.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use msi_setup::cli::{self, Cli};
use msi_setup::domain::guide::Guide;
use msi_setup::domain::text::{self, Catalog, Lang, SOURCES};
use msi_setup::input;

fn load(lang: Lang) -> HashMap<String, String> {
    text::load_lang(lang).unwrap_or_else(|e| panic!("{e}"))
}

fn all() -> Vec<(Lang, HashMap<String, String>)> {
    Lang::ALL.iter().map(|&l| (l, load(l))).collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fails listing every `(lang, key)` of `keys` missing from a catalog.
#[track_caller]
fn assert_all_present<'a>(what: &str, keys: impl IntoIterator<Item = &'a str> + Clone) {
    let mut missing = Vec::new();
    for (lang, map) in all() {
        for k in keys.clone() {
            if !map.contains_key(k) {
                missing.push(format!("{lang}: {k}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{what}: {} keys missing from the catalog:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn every_catalog_file_exists_for_every_language_and_parses() {
    let mut by_file: BTreeMap<&str, BTreeSet<Lang>> = BTreeMap::new();
    for s in SOURCES {
        assert!(
            by_file.entry(s.file).or_default().insert(s.lang),
            "{} listed twice for {}",
            s.file,
            s.lang
        );
        let path = root().join("assets/i18n").join(s.lang.tag()).join(s.file);
        let on_disk =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(on_disk, s.text, "{} is embedded as written", path.display());
        toml::from_str::<toml::Table>(s.text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    }
    for (file, langs) in &by_file {
        assert_eq!(
            langs.iter().copied().collect::<Vec<_>>(),
            Lang::ALL,
            "{file} must exist for en, zh-TW and ko"
        );
    }
    // No file on disk is left out of the embedded list (it would silently never load).
    for lang in Lang::ALL {
        let dir = root().join("assets/i18n").join(lang.tag());
        for entry in std::fs::read_dir(&dir).expect("i18n dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".toml") {
                assert!(
                    by_file.contains_key(name.as_str()),
                    "{}/{name} is not in text::SOURCES",
                    dir.display()
                );
            }
        }
    }
    for lang in Lang::ALL {
        let c = Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.lang(), lang);
        assert!(!load(lang).is_empty());
    }
}

#[test]
fn languages_have_the_same_keys() {
    // Plural forms: English adds `<key>-one` beside `<key>`; Chinese and Korean do not inflect
    // for number and need not have it.
    let en_all = load(Lang::En);
    let en: BTreeSet<String> = en_all.keys().cloned().collect();
    for lang in [Lang::ZhTw, Lang::Ko] {
        let other: BTreeSet<String> = load(lang).into_keys().collect();
        let en: BTreeSet<String> = en
            .iter()
            .filter(|k| {
                other.contains(*k)
                    || k.strip_suffix("-one")
                        .is_none_or(|base| !en_all.contains_key(base))
            })
            .cloned()
            .collect();
        let only_en: Vec<_> = en.difference(&other).collect();
        let only_other: Vec<_> = other.difference(&en).collect();
        assert!(
            only_en.is_empty() && only_other.is_empty(),
            "{lang}: missing {only_en:?}; not in English {only_other:?}"
        );
    }
}

#[test]
fn placeholders_match_across_languages() {
    let en = load(Lang::En);
    let mut bad = Vec::new();
    for lang in [Lang::ZhTw, Lang::Ko] {
        let other = load(lang);
        for (k, v) in &en {
            let Some(o) = other.get(k) else { continue };
            let (a, b) = (text::placeholders(v), text::placeholders(o));
            if a != b {
                bad.push(format!("{lang} {k}: en {a:?} vs {b:?}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "placeholders differ:\n  {}",
        bad.join("\n  ")
    );
}

#[test]
fn placeholders_are_well_formed() {
    // `{name}` with a kebab/snake identifier; a stray brace would print literally.
    let mut bad = Vec::new();
    for (lang, map) in all() {
        for (k, v) in &map {
            for p in text::placeholders(v) {
                let ok = !p.is_empty()
                    && p.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    });
                if !ok {
                    bad.push(format!("{lang} {k}: {{{p}}}"));
                }
            }
            let opens = v.matches('{').count();
            let closes = v.matches('}').count();
            if opens != closes {
                bad.push(format!("{lang} {k}: unbalanced braces in {v:?}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn no_value_is_empty() {
    let mut bad = Vec::new();
    for (lang, map) in all() {
        for (k, v) in &map {
            if v.trim().is_empty() {
                bad.push(format!("{lang} {k}"));
            }
        }
    }
    assert!(bad.is_empty(), "empty values: {bad:?}");
}

#[test]
fn guide_keys_exist() {
    let guide = Guide::embedded().unwrap_or_else(|e| panic!("{e}"));
    let keys = guide.text_keys();
    assert!(keys.len() > 50, "the guide needs many keys: {}", keys.len());
    assert_all_present("guide", keys.iter().map(String::as_str));
    for lang in Lang::ALL {
        assert_eq!(guide.check_text(lang), Ok(()), "{lang}");
    }
    // Every role and item title is used by `status`: make sure they resolve to real text.
    for lang in Lang::ALL {
        let tr = Catalog::load(lang).expect("catalog");
        for item in guide.items() {
            assert_ne!(tr.t(&item.title_key()), text::MISSING, "{lang} {}", item.id);
        }
    }
}

#[test]
fn key_hint_keys_exist() {
    let keys = input::all_hint_keys();
    assert!(keys.contains(&input::CTRL_C_HINT));
    assert_all_present("key hints", keys.iter().copied());
}

#[test]
fn cli_help_keys_exist() {
    let keys = cli::help_keys(&Cli::command());
    for k in [
        "cli.about",
        "cli.status.about",
        "cli.mark.reason",
        "cli.reset.yes",
    ] {
        assert!(keys.iter().any(|x| x == k), "help_keys misses {k}");
    }
    assert_all_present("CLI help", keys.iter().map(String::as_str));
}

const PREFIXES: [&str; 9] = [
    "core", "keys", "csv", "checks", "fields", "guide", "cli", "io", "clap",
];

/// String literals in `src` that look like catalog keys: `"<prefix>.<[a-z0-9.-]+>"`, skipping
/// prefixes used with `format!` (ending in `.`) and catalog file names (`core.toml`).
fn literal_keys(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    for (start, _) in src.match_indices('"') {
        let rest = &src[start + 1..];
        let Some(prefix) = PREFIXES
            .iter()
            .find(|p| rest.starts_with(*p) && rest[p.len()..].starts_with('.'))
        else {
            continue;
        };
        let body_len = rest[prefix.len() + 1..]
            .bytes()
            .take_while(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-'
            })
            .count();
        let end = start + 1 + prefix.len() + 1 + body_len;
        if body_len == 0 || bytes.get(end) != Some(&b'"') {
            continue;
        }
        let key = &src[start + 1..end];
        if key.ends_with('.') || key.ends_with(".toml") {
            continue;
        }
        out.push(key.to_string());
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn literal_keys_scanner_works() {
    let src = r#"tr.t("core.hub.title"); f("keys.ctrl-c", x); "guide.role." ; "core.toml"; "corex.y"; "core.Bad"; "cli.a.b-c2""#;
    assert_eq!(
        literal_keys(src),
        ["core.hub.title", "keys.ctrl-c", "cli.a.b-c2"]
    );
}

#[test]
fn every_key_the_source_names_exists() {
    let en = load(Lang::En);
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    assert!(files.len() > 10, "found only {files:?}");
    let mut seen = 0;
    let mut missing = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).expect("read");
        for key in literal_keys(&src) {
            seen += 1;
            if !en.contains_key(&key) {
                missing.push(format!(
                    "{}: {key}",
                    f.strip_prefix(root()).unwrap_or(f).display()
                ));
            }
        }
    }
    assert!(seen > 50, "the scanner found only {seen} keys");
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "keys used in src/ but not in the English catalog:\n  {}",
        missing.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// Terminology and script

/// Simplified-only characters (each has a different Traditional form) that must never appear
/// in zh-TW text. Characters shared by both scripts (置, 台, 后, 里, 售 ...) are not listed.
const SIMPLIFIED_ONLY: &str = "设户证录开关这为从时们个动请选择单击数据务号连应该页编辑账启发邮团队导检态状过还销码认权级记项骤让输显错误无读写载进条变换将会对与";

fn zh_tw_problems<'a>(map: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<String> {
    let mut bad = Vec::new();
    for (k, v) in map {
        if v.contains("銷售分析") {
            bad.push(format!("{k}: 銷售分析 is not Sales Insight: {v}"));
        }
        let simplified: String = v.chars().filter(|c| SIMPLIFIED_ONLY.contains(*c)).collect();
        if !simplified.is_empty() {
            bad.push(format!("{k}: simplified characters {simplified:?}: {v}"));
        }
    }
    bad
}

fn ko_problems<'a>(map: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<String> {
    let mut bad = Vec::new();
    for (k, v) in map {
        for (i, _) in v.match_indices("작업") {
            let before = v[..i].trim_end_matches([' ', '-', '"', '\'']);
            if before.ends_with("MSI") || before.ends_with("Sales Insight") {
                bad.push(format!("{k}: \"Actions\" translated as 작업: {v}"));
            }
        }
        // `Marketo 관리(?!자)`: "Marketo admin" is Marketo 관리자, never Marketo 관리.
        for (i, m) in v.match_indices("Marketo 관리") {
            if !v[i + m.len()..].starts_with('자') {
                bad.push(format!("{k}: \"Marketo 관리\" without 자: {v}"));
            }
        }
    }
    bad
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

#[test]
fn terminology_checks_catch_what_they_should() {
    let zh = pairs(&[
        ("a", "在 Marketo 銷售分析 中設定"),
        ("b", "设定帳戶"),
        ("c", "選擇安裝位置（前置詞）"),
        ("d", "Sales Insight Actions 設定"),
    ]);
    let zh_bad = zh_tw_problems(zh.iter().map(|(k, v)| (k, v)));
    assert_eq!(zh_bad.len(), 2, "{zh_bad:?}");
    let ko = pairs(&[
        ("a", "MSI 작업 설정"),
        ("b", "MSI-작업"),
        ("c", "Sales Insight 작업"),
        ("d", "Marketo 관리 콘솔"),
        ("e", "Marketo 관리"),
        (
            "f",
            "Marketo 관리자가 그 작업을 마칩니다. MSI Actions를 켭니다.",
        ),
        ("g", "\"Task\"(작업) 탭"),
    ]);
    let ko_bad = ko_problems(ko.iter().map(|(k, v)| (k, v)));
    assert_eq!(ko_bad.len(), 5, "{ko_bad:?}");
}

#[test]
fn zh_tw_is_traditional_and_keeps_the_product_name() {
    let map = load(Lang::ZhTw);
    let bad = zh_tw_problems(&map);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn ko_keeps_actions_in_english_and_says_admin() {
    let map = load(Lang::Ko);
    let bad = ko_problems(&map);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn product_names_stay_in_english() {
    let names = [
        "Sales Insight Actions",
        "MSI Actions",
        "Marketo Sales Insight",
        "Marketo Engage",
        "Salesforce",
        "Marketo",
    ];
    let en = load(Lang::En);
    let mut bad = Vec::new();
    for lang in [Lang::ZhTw, Lang::Ko] {
        let other = load(lang);
        for (k, v) in &en {
            // An English `-one` plural form is compared with the general form.
            let Some(o) = other
                .get(k)
                .or_else(|| k.strip_suffix("-one").and_then(|b| other.get(b)))
            else {
                panic!("{lang}: no {k}");
            };
            for n in names {
                if v.contains(n) && !o.contains(n) {
                    bad.push(format!("{lang} {k}: lost {n:?}: {o}"));
                }
            }
            // Quoted UI labels of the products are shown exactly as the products show them.
            if k.starts_with("guide.") {
                for label in v.split('"').skip(1).step_by(2) {
                    if !o.contains(&format!("\"{label}\"")) {
                        bad.push(format!("{lang} {k}: UI label \"{label}\" missing: {o}"));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{1100}'..='\u{11FF}').contains(&c)
}

#[test]
fn translations_are_translated() {
    // A value with no Chinese / Korean at all must be the English one and hold nothing but
    // product names, placeholders and punctuation.
    let en = load(Lang::En);
    // Longest first, so "Marketo ID" is removed before "Marketo".
    let products = [
        "Sales Insight Actions",
        "Marketo Engage",
        "LinkedIn URL",
        "Marketo ID",
        "Salesforce",
        "Marketo",
    ];
    let mut bad = Vec::new();
    for (lang, script) in [
        (Lang::ZhTw, is_cjk as fn(char) -> bool),
        (Lang::Ko, is_hangul),
    ] {
        for (k, v) in load(lang) {
            if v.chars().any(script) {
                continue;
            }
            let mut rest = v.clone();
            for p in text::placeholders(&rest) {
                rest = rest.replace(&format!("{{{p}}}"), "");
            }
            for p in products {
                rest = rest.replace(p, "");
            }
            if !en.contains_key(&k) || rest.chars().any(|c| c.is_ascii_alphabetic()) {
                bad.push(format!("{lang} {k}: looks untranslated: {v:?}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn no_circled_or_enclosed_digits() {
    // Ambiguous-width symbols render one or two columns depending on the terminal: steps are
    // numbered with ASCII digits.
    let enclosed = |c: char| {
        matches!(c,
            '\u{2460}'..='\u{24FF}'   // ① ⑴ ⒈ Ⓐ ⓐ ⓪
            | '\u{2776}'..='\u{2793}' // ❶ ➀ ➊
            | '\u{3200}'..='\u{32FF}' // ㈠ ㉑ ㊀ ㉠
            | '\u{1F100}'..='\u{1F1FF}' // 🄀 🄋
        )
    };
    let mut bad = Vec::new();
    for (lang, map) in all() {
        for (k, v) in &map {
            let found: String = v.chars().filter(|c| enclosed(*c)).collect();
            if !found.is_empty() {
                bad.push(format!("{lang} {k}: {found}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn one_word_per_concept_for_licence_seats() {
    // Seats are 席位 in zh-TW and 시트 in ko everywhere (two writers once chose differently).
    for (lang, wrong) in [(Lang::ZhTw, "席次"), (Lang::Ko, "좌석")] {
        let bad: Vec<String> = load(lang)
            .into_iter()
            .filter(|(_, v)| v.contains(wrong))
            .map(|(k, _)| k)
            .collect();
        assert!(
            bad.is_empty(),
            "{lang}: use one word for seats; `{wrong}` in {bad:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// One register, one term per concept (issue 10, "Language")

/// zh-TW: 您 (never 你/妳), 可信度 (never 信心), 垂直線（|）, full-width colons after Chinese text.
fn zh_tw_style_problems<'a>(
    map: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Vec<String> {
    let mut bad = Vec::new();
    for (k, v) in map {
        for (wrong, right) in [("你", "您"), ("妳", "您"), ("信心", "可信度")] {
            if v.contains(wrong) {
                bad.push(format!("{k}: {wrong} (use {right}): {v}"));
            }
        }
        if v.replace("垂直線", "").contains("直線") {
            bad.push(format!("{k}: the pipe is 垂直線（|）: {v}"));
        }
        let chars: Vec<char> = v.chars().collect();
        if chars
            .windows(2)
            .any(|w| w[1] == ':' && (is_cjk(w[0]) || matches!(w[0], '）' | '」')))
        {
            bad.push(format!("{k}: ASCII colon after Chinese text (use ：): {v}"));
        }
    }
    bad
}

/// ko: the -세요 register (never -십시오 or -습니까 questions), and one word each for confidence
/// (신뢰도), invalid (무효), reason (사유), object (개체), blocked (진행 불가), the account
/// team (담당 어카운트 팀).
fn ko_style_problems<'a>(map: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<String> {
    let mut bad = Vec::new();
    for (k, v) in map {
        for (wrong, right) in [
            ("십시오", "-세요"),
            ("습니까", "-ㄹ까요?/-나요?"),
            ("확실도", "신뢰도"),
            ("잘못됨", "무효"),
            ("이유", "사유"),
            ("막힘", "진행 불가"),
            ("Adobe 계정 팀", "담당 어카운트 팀"),
            ("두 관리자 중", "어느 관리자나"),
        ] {
            if v.contains(wrong) {
                bad.push(format!("{k}: {wrong} (use {right}): {v}"));
            }
        }
        // A Salesforce object is 개체 (as Salesforce's Korean UI says); "JSON 객체" is JSON's.
        if v.replace("JSON 객체", "").contains("객체") {
            bad.push(format!("{k}: 객체 (use 개체): {v}"));
        }
    }
    bad
}

#[test]
fn style_checks_catch_what_they_should() {
    let zh = pairs(&[
        ("a", "請確認你有權限"),
        ("b", "信心高"),
        ("c", "直線（|）"),
        ("d", "錯誤: 檔案"),
        ("e", "垂直線（|）：請使用您的檔案（CSV）"),
        ("f", "JSON: {x}"),
    ]);
    assert_eq!(
        zh_tw_style_problems(zh.iter().map(|(k, v)| (k, v))).len(),
        4
    );
    let ko = pairs(&[
        ("a", "확인하십시오."),
        ("b", "초기화하시겠습니까?"),
        ("c", "확실도"),
        ("d", "잘못됨"),
        ("e", "이유"),
        ("f", "Salesforce 객체"),
        ("g", "막힘"),
        ("h", "Adobe 계정 팀"),
        (
            "i",
            "확인하세요. JSON 객체 하나. 사유. 무효. 신뢰도. 진행 불가.",
        ),
    ]);
    assert_eq!(ko_style_problems(ko.iter().map(|(k, v)| (k, v))).len(), 8);
}

#[test]
fn zh_tw_says_nin_and_one_term_each() {
    let map = load(Lang::ZhTw);
    let bad = zh_tw_style_problems(&map);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn ko_keeps_one_register_and_one_term_each() {
    let map = load(Lang::Ko);
    let bad = ko_style_problems(&map);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
