//! The `checks.*` and `fields.*` messages: the same keys and placeholders in en, zh-TW and ko;
//! every key the code uses exists; every message renders without a leftover `{placeholder}`.

use std::collections::{BTreeMap, BTreeSet};

use msi_setup::credentials::ConfigError;
use msi_setup::domain::checks::marketo::{
    admins_not_permitted, classify_admins, classify_sync_fields,
};
use msi_setup::domain::checks::salesforce::{
    InstalledPackage, classify_config_object, classify_package, classify_permission_set,
    classify_remote_sites,
};
use msi_setup::domain::checks::{
    AdminCandidate, CheckId, CheckStatus, Detail, PackageVersion, Problem, RemoteSite,
};
use msi_setup::domain::fields::{
    CATALOG, Column, HeadCountError, MatchedBy, NameSource, SYNC_FACT_KEYS,
};
use msi_setup::domain::text::Localize;
use msi_setup::domain::text::{Catalog, Lang, load_lang, placeholders};
use msi_setup::remote::sf_cli::SfCliError;

fn ours(lang: Lang) -> BTreeMap<String, String> {
    load_lang(lang)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k.starts_with("checks.") || k.starts_with("fields."))
        .collect()
}

#[test]
fn three_languages_have_the_same_keys_and_placeholders() {
    let en = ours(Lang::En);
    assert!(en.len() > 140, "{}", en.len());
    for lang in [Lang::ZhTw, Lang::Ko] {
        let other = ours(lang);
        // English alone adds `<key>-one` plural forms (Chinese and Korean do not inflect).
        let a: BTreeSet<&String> = en
            .keys()
            .filter(|k| {
                other.contains_key(*k) || k.strip_suffix("-one").is_none_or(|b| !en.contains_key(b))
            })
            .collect();
        let b: BTreeSet<&String> = other.keys().collect();
        assert_eq!(
            a.difference(&b).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "missing in {lang}"
        );
        assert_eq!(
            b.difference(&a).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "extra in {lang}"
        );
        for (k, v) in en.iter().filter(|(k, _)| a.contains(k)) {
            assert_eq!(placeholders(v), placeholders(&other[k]), "{lang} {k}");
            assert!(!other[k].trim().is_empty(), "{lang} {k} is empty");
        }
    }
}

/// Every `"checks.…"` / `"fields.…"` literal in the files this feature owns.
fn literal_keys() -> BTreeSet<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let files = [
        "src/domain/fields.rs",
        "src/domain/checks.rs",
        "src/domain/checks/marketo.rs",
        "src/domain/checks/salesforce.rs",
        "src/credentials.rs",
        "src/remote.rs",
        "src/remote/http.rs",
        "src/remote/marketo.rs",
        "src/remote/salesforce.rs",
        "src/remote/sf_cli.rs",
        "src/commands/verify.rs",
    ];
    let mut keys = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(format!("{root}/{f}")).unwrap();
        for prefix in ["\"checks.", "\"fields."] {
            for (i, _) in text.match_indices(prefix) {
                let rest = &text[i + 1..];
                let end = rest.find('"').unwrap();
                let key = &rest[..end];
                // Prefixes completed at run time (`format!("checks.marketo.code.{code}")`,
                // `concat!("fields.name.", ..)`) are checked below.
                if !key.ends_with('.') && !key.contains('{') && !key.ends_with(".toml") {
                    keys.insert(key.to_string());
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_the_code_uses_exists() {
    let en = ours(Lang::En);
    let mut used = literal_keys();
    assert!(used.len() > 80, "{}", used.len());
    used.extend(CATALOG.iter().map(|s| s.label_key.to_string()));
    used.extend(Column::ALL.iter().map(|c| c.label_key().to_string()));
    used.extend(
        [
            NameSource::Documented,
            NameSource::Inferred,
            NameSource::ThirdParty,
            NameSource::Unconfirmed,
        ]
        .iter()
        .map(|n| n.label_key().to_string()),
    );
    used.extend(
        [
            MatchedBy::ApiName,
            MatchedBy::AltName,
            MatchedBy::DisplayName,
        ]
        .iter()
        .map(|m| m.label_key().to_string()),
    );
    used.extend(
        <CheckId as strum::VariantArray>::VARIANTS
            .iter()
            .map(|c| c.label_key().to_string()),
    );
    used.extend(
        [
            CheckStatus::Pass,
            CheckStatus::Fail,
            CheckStatus::Warn,
            CheckStatus::Skipped,
            CheckStatus::Error,
        ]
        .iter()
        .map(|s| s.label_key().to_string()),
    );
    used.extend(SYNC_FACT_KEYS.iter().map(|k| (*k).to_string()));
    used.extend(
        [
            HeadCountError::Empty,
            HeadCountError::Invalid,
            HeadCountError::TooLarge,
        ]
        .iter()
        .map(|e| e.key().to_string()),
    );
    for d in sample_details() {
        used.insert(d.key.clone());
    }
    let missing: Vec<&String> = used.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys used but not in assets/i18n/en/checks.toml: {missing:?}"
    );
}

fn marketo(code: &str) -> Problem {
    Problem::Marketo {
        url: "https://1.mktorest.com/rest/v1/leads/describe2.json".into(),
        code: code.into(),
        message: "m".into(),
        request_id: "r".into(),
        need: "Read-Only Lead".into(),
    }
}

/// A detail of every kind the checks produce, with realistic arguments.
fn sample_details() -> Vec<Detail> {
    let url = || "https://x.example/p".to_string();
    let mut problems = vec![
        Problem::Timeout {
            url: url(),
            ms: 1500,
        },
        Problem::Connect { url: url() },
        Problem::Transport { url: url() },
        Problem::Redirect {
            url: url(),
            status: 302,
        },
        Problem::TooLarge { url: url() },
        Problem::HttpStatus {
            url: url(),
            status: 500,
            body: "oops".into(),
        },
        Problem::Malformed {
            url: url(),
            what: "not JSON".into(),
        },
        Problem::MarketoAuth {
            url: url(),
            status: 401,
            reason: "invalid_client".into(),
        },
    ];
    for code in [
        "601", "602", "603", "604", "606", "607", "608", "609", "610", "611", "614", "615", "616",
        "1006", "713",
    ] {
        problems.push(marketo(code));
    }
    for code in [
        "INVALID_SESSION_ID",
        "REQUEST_LIMIT_EXCEEDED",
        "INSUFFICIENT_ACCESS",
        "INVALID_TYPE",
        "NOT_FOUND",
        "OTHER",
    ] {
        problems.push(Problem::Salesforce {
            url: url(),
            status: 400,
            code: code.into(),
            message: "m".into(),
        });
    }
    let mut out: Vec<Detail> = problems
        .iter()
        .flat_map(|p| std::iter::once(p.detail()).chain(p.hint()))
        .collect();
    for e in [
        ConfigError::BadUrl {
            var: "X".into(),
            reason: "r".into(),
        },
        ConfigError::NotHttps {
            var: "X".into(),
            url: url(),
        },
        ConfigError::BadMunchkin { value: "1".into() },
        ConfigError::FileUnreadable {
            path: "p".into(),
            reason: msi_setup::domain::text::Detail::new("io.permission-denied"),
        },
        ConfigError::FileInvalid {
            path: "p".into(),
            line: 2,
        },
        ConfigError::FileTooOpen {
            path: "p".into(),
            mode: 0o644,
        },
        ConfigError::FileUnwritable {
            path: "p".into(),
            reason: msi_setup::domain::text::Detail::new("io.storage-full"),
        },
        ConfigError::MissingValues,
    ] {
        out.push(e.detail());
    }
    for e in [
        SfCliError::Disabled,
        SfCliError::NotInstalled,
        SfCliError::Timeout {
            command: "sf org display".into(),
            secs: "60".into(),
        },
        SfCliError::Failed {
            command: "sf".into(),
            name: "N".into(),
            message: "m".into(),
        },
        SfCliError::BadOutput {
            command: "sf".into(),
        },
        SfCliError::NoToken {
            command: "sf".into(),
        },
        SfCliError::BadUrl { reason: "r".into() },
    ] {
        out.push(e.detail());
    }
    let pkg = |major, minor| InstalledPackage {
        namespace: "mkto_si".into(),
        name: "Marketo Sales Insight".into(),
        version: Some(PackageVersion {
            major,
            minor,
            patch: 0,
            build: 0,
        }),
    };
    let mut verdicts = vec![
        classify_package(&[pkg(1, 8000)]),
        classify_package(&[pkg(1, 19)]),
        classify_package(&[]),
        classify_package(&[InstalledPackage {
            version: None,
            ..pkg(1, 1)
        }]),
        classify_remote_sites(vec![
            RemoteSite {
                name: "a".into(),
                url: "https://ims-na1.adobelogin.com".into(),
                active: true,
            },
            RemoteSite {
                name: "b".into(),
                url: "https://mkto-sales-connect.adobe.io".into(),
                active: false,
            },
            RemoteSite {
                name: "c".into(),
                url: "https://ims-na1-stg1.adobelogin.com".into(),
                active: true,
            },
        ]),
        classify_remote_sites(vec![
            RemoteSite {
                name: "a".into(),
                url: "https://ims-na1.adobelogin.com".into(),
                active: true,
            },
            RemoteSite {
                name: "b".into(),
                url: "https://mkto-sales-connect.adobe.io".into(),
                active: true,
            },
        ]),
        classify_permission_set(None, None),
        classify_sync_fields(&[]),
        classify_sync_fields(&[msi_setup::domain::fields::DescribedField {
            name: "x".into(),
            display_name: "LinkedIn".into(),
            data_type: "url".into(),
            crm_managed: false,
            updateable: true,
        }]),
        classify_admins(vec![], 300, 40, true),
        classify_admins(
            vec![AdminCandidate {
                first_name: "A".into(),
                last_name: "B".into(),
                email: "a@b".into(),
                roles: vec!["Admin".into()],
            }],
            1,
            1,
            false,
        ),
        admins_not_permitted("https://u"),
        classify_config_object(Ok(msi_setup::domain::checks::salesforce::QueryPage {
            total_size: 1,
            done: true,
            next_records_url: None,
            records: vec![],
        }))
        .unwrap(),
        classify_config_object(Err(Problem::Salesforce {
            url: url(),
            status: 400,
            code: "INVALID_TYPE".into(),
            message: "m".into(),
        }))
        .unwrap(),
    ];
    let ps = msi_setup::domain::checks::salesforce::PermissionSetRow {
        id: "0PS".into(),
        name: "n".into(),
        label: "Marketo App Access".into(),
    };
    for count in [None, Some(0), Some(4)] {
        verdicts.push(classify_permission_set(Some(&ps), count));
    }
    for v in verdicts {
        out.push(v.detail);
        out.extend(v.notes);
    }
    out.push(
        Detail::new("checks.marketo-auth.pass")
            .arg("url", url())
            .arg("scope", "s")
            .arg("minutes", 59),
    );
    out.push(
        Detail::new("checks.marketo-auth.pass-no-scope")
            .arg("url", url())
            .arg("minutes", 59),
    );
    out
}

#[test]
fn every_detail_renders_completely_in_every_language() {
    for lang in Lang::ALL {
        let tr = Catalog::load(lang).unwrap();
        for d in sample_details() {
            let text = d.render(&tr);
            assert!(tr.has(&d.key), "{lang}: {} missing", d.key);
            assert!(
                !text.contains('{'),
                "{lang}: {} left a placeholder: {text}",
                d.key
            );
        }
    }
}

#[test]
fn product_labels_and_api_names_stay_in_english() {
    for lang in [Lang::ZhTw, Lang::Ko] {
        let m = ours(lang);
        for (key, must) in [
            ("checks.sf-remote-sites.missing", "Remote Site Settings"),
            ("checks.marketo-auth.rejected", "LaunchPoint"),
            (
                "checks.sf-permission-set.unassigned",
                "Permission Set Assignments",
            ),
            ("checks.salesforce.invalid-session", "INVALID_SESSION_ID"),
            ("fields.title", "Action Field Sync"),
            ("fields.facts.crm-managed", "crmManaged"),
        ] {
            assert!(m[key].contains(must), "{lang} {key}: {}", m[key]);
        }
    }
}
