//! Credentials: precedence, URL rules, redaction, the remembered file (0600), and the `sf` CLI
//! lookup against fake `sf` scripts (never the real one).

use std::time::{Duration, Instant};

use msi_setup::credentials::{
    self, Availability, ConfigError, Credentials, MarketoCredentials, SalesforceCredentials,
    SavedCredentials, SavedMarketo, SavedSalesforce, Secret, SfSource, resolve_marketo,
    resolve_salesforce,
};
use msi_setup::domain::checks::System;
use msi_setup::domain::text::Localize;
use msi_setup::remote::sf_cli::{SfCli, SfCliError};
use msi_setup::remote::{Clients, HttpConfig};
use reqwest::Url;

const SECRET: &str = "csec-REDACT-ME-0001";
const TOKEN: &str = "00D!REDACT-ME-0002";
const ID: &str = "cid-REDACT-ME-0003";

fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_string())
    }
}

fn saved() -> SavedCredentials {
    SavedCredentials {
        marketo: Some(SavedMarketo {
            base_url: Some("https://111-AAA-222.mktorest.com".into()),
            client_id: Some(Secret::new(ID)),
            client_secret: Some(Secret::new(SECRET)),
        }),
        salesforce: Some(SavedSalesforce {
            instance_url: Some("https://acme.my.salesforce.com".into()),
            access_token: Some(Secret::new(TOKEN)),
            api_version: Some("62.0".into()),
        }),
    }
}

#[test]
fn debug_never_shows_secrets() {
    let m = MarketoCredentials {
        base_url: Url::parse("https://111-AAA-222.mktorest.com").unwrap(),
        client_id: Secret::new(ID),
        client_secret: Secret::new(SECRET),
    };
    let s = SalesforceCredentials {
        instance_url: Url::parse("https://acme.my.salesforce.com").unwrap(),
        access_token: Secret::new(TOKEN),
        api_version: "60.0".into(),
        source: SfSource::Env,
    };
    let creds = Credentials {
        marketo: Availability::Ready(m.clone()),
        salesforce: Availability::Ready(s.clone()),
    };
    let clients = Clients::new(&creds, &HttpConfig::default());
    let texts = [
        format!("{:?}", Secret::new(SECRET)),
        format!("{m:?}"),
        format!("{s:?}"),
        format!("{creds:?}"),
        format!("{:#?}", saved()),
        format!("{clients:?}"),
    ];
    for t in &texts {
        for secret in [SECRET, TOKEN, ID] {
            assert!(!t.contains(secret), "{t}");
        }
        assert!(t.contains("[redacted]"), "{t}");
    }
    assert!(
        texts[1].contains("111-aaa-222.mktorest.com"),
        "the URL is not a secret: {}",
        texts[1]
    );
    let mut all = creds.secrets();
    all.sort();
    assert_eq!(
        all,
        [TOKEN, SECRET, ID].map(String::from).to_vec().tap_sort()
    );
}

trait TapSort {
    fn tap_sort(self) -> Self;
}
impl TapSort for Vec<String> {
    fn tap_sort(mut self) -> Self {
        self.sort();
        self
    }
}

#[test]
fn flags_beat_env_beat_the_remembered_file() {
    let s = saved();
    let e = [
        ("MARKETO_BASE_URL", "https://333-BBB-444.mktorest.com/rest"),
        ("MARKETO_CLIENT_ID", "env-id"),
    ];
    let m = resolve_marketo(&env(&e), Some("555-ccc-666"), Some(&s)).unwrap();
    let Availability::Ready(m) = m else { panic!() };
    assert_eq!(
        m.base_url.as_str(),
        "https://555-ccc-666.mktorest.com/",
        "hosts are case-insensitive"
    );
    assert_eq!(m.client_id.expose(), "env-id");
    assert_eq!(m.client_secret.expose(), SECRET, "from the file");
    let Availability::Ready(m) = resolve_marketo(&env(&e), None, Some(&s)).unwrap() else {
        panic!()
    };
    assert_eq!(
        credentials::safe_url(&m.base_url),
        "https://333-bbb-444.mktorest.com",
        "/rest dropped"
    );
    let Availability::Ready(m) = resolve_marketo(&env(&[]), None, Some(&s)).unwrap() else {
        panic!()
    };
    assert_eq!(
        credentials::safe_url(&m.base_url),
        "https://111-aaa-222.mktorest.com"
    );

    let Availability::Ready(sf) = resolve_salesforce(&env(&[]), Some(&s)).unwrap() else {
        panic!()
    };
    assert_eq!(
        (sf.source, sf.api_version.as_str()),
        (SfSource::Saved, "62.0")
    );
    let e = [
        ("SF_INSTANCE_URL", "https://other.my.salesforce.com/"),
        ("SF_ACCESS_TOKEN", "t0k"),
    ];
    let Availability::Ready(sf) = resolve_salesforce(&env(&e), Some(&s)).unwrap() else {
        panic!()
    };
    assert_eq!(sf.source, SfSource::Env);
    assert_eq!(sf.access_token.expose(), "t0k");
}

#[test]
fn typed_input_takes_a_munchkin_id_or_a_url() {
    let m = credentials::marketo_from_input(" 123-abc-456 ", ID, SECRET).unwrap();
    assert_eq!(
        credentials::safe_url(&m.base_url),
        "https://123-abc-456.mktorest.com"
    );
    let m =
        credentials::marketo_from_input("https://123-ABC-456.mktorest.com/identity", ID, SECRET)
            .unwrap();
    assert_eq!(
        credentials::safe_url(&m.base_url),
        "https://123-abc-456.mktorest.com"
    );
    assert!(credentials::marketo_from_input("123-ABC", ID, SECRET).is_err());
    assert!(credentials::marketo_from_input("http://x.example", ID, SECRET).is_err());
    let s = credentials::salesforce_from_input("https://acme.my.salesforce.com/", TOKEN).unwrap();
    assert_eq!(
        (s.source, s.api_version.as_str()),
        (SfSource::Typed, "60.0")
    );
}

#[test]
fn missing_values_are_named() {
    let e = [("MARKETO_CLIENT_ID", "x"), ("MARKETO_CLIENT_SECRET", "   ")];
    let Availability::Missing(d) = resolve_marketo(&env(&e), None, None).unwrap() else {
        panic!()
    };
    assert_eq!(d.key, "checks.skipped.marketo-missing");
    let missing = &d.args["missing"];
    assert!(missing.contains("MARKETO_BASE_URL") && missing.contains("MARKETO_CLIENT_SECRET"));
    assert!(!missing.contains("MARKETO_CLIENT_ID"));
    let Availability::Missing(d) =
        resolve_salesforce(&env(&[("SF_INSTANCE_URL", "https://a.example")]), None).unwrap()
    else {
        panic!()
    };
    assert_eq!(d.args["missing"], "SF_ACCESS_TOKEN");
}

#[test]
fn urls_must_be_https_except_loopback() {
    let bad = |v: &str| resolve_marketo(&env(&[("MARKETO_BASE_URL", v)]), None, None).err();
    assert!(matches!(
        bad("http://123-ABC-456.mktorest.com"),
        Some(ConfigError::NotHttps { .. })
    ));
    assert!(matches!(
        bad("ftp://x.example"),
        Some(ConfigError::NotHttps { .. })
    ));
    assert!(matches!(bad("not a url"), Some(ConfigError::BadUrl { .. })));
    assert!(matches!(
        bad("https://x.example/?token=1"),
        Some(ConfigError::BadUrl { .. })
    ));
    let leak = bad(&format!("https://u:{SECRET}@x.example")).unwrap();
    assert!(!leak.to_string().contains(SECRET) && !format!("{:?}", leak.detail()).contains(SECRET));
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
        "https://x.example",
    ] {
        assert!(bad(ok).is_none(), "{ok}");
    }
    for id in [
        "123-AB-456",
        "1234-ABC-456",
        "123_ABC_456",
        "",
        "123-ABC-45x",
    ] {
        let r = resolve_marketo(&env(&[]), Some(id), None);
        if id.is_empty() {
            assert!(r.is_ok());
        } else {
            assert!(matches!(r, Err(ConfigError::BadMunchkin { .. })), "{id}");
        }
    }
}

#[cfg(unix)]
#[test]
fn remembered_file_is_private_and_round_trips() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("deep").join("msi-setup");
    assert_eq!(credentials::load(&config).unwrap(), None);
    let path = credentials::save(&config, &saved()).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(credentials::load(&config).unwrap(), Some(saved()));
    // Saving again replaces it atomically and leaves no temp files.
    credentials::save(&config, &SavedCredentials::default()).unwrap();
    assert_eq!(
        credentials::load(&config).unwrap(),
        Some(SavedCredentials::default())
    );
    let names: Vec<_> = std::fs::read_dir(&config)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["credentials.toml"]);
    assert!(credentials::forget(&config).unwrap());
    assert!(!credentials::forget(&config).unwrap());
    // No config dir: nothing is read from the working directory.
    assert_eq!(credentials::load(std::path::Path::new("")).unwrap(), None);
}

#[test]
fn with_typed_keeps_what_was_resolved_for_that_system_only() {
    let s = saved();
    let creds = Credentials {
        marketo: resolve_marketo(&env(&[]), None, Some(&s)).unwrap(),
        salesforce: resolve_salesforce(&env(&[]), Some(&s)).unwrap(),
    };
    let mut want = s;
    if let Some(m) = want.marketo.as_mut() {
        m.base_url = Some("https://111-aaa-222.mktorest.com".into());
    }
    let both = SavedCredentials::default()
        .with_typed(System::Marketo, &creds)
        .with_typed(System::Salesforce, &creds);
    assert_eq!(both, want);
    // One form: the other system's remembered values are left as they were.
    let only = SavedCredentials::default().with_typed(System::Marketo, &creds);
    assert_eq!(only.salesforce, None);
    assert_eq!(only.marketo, want.marketo);
}

#[cfg(unix)]
fn script(dir: &std::path::Path, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join("sf");
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.to_str().unwrap().to_string()
}

#[cfg(unix)]
fn cli(program: &str, ms: u64) -> SfCli {
    SfCli::from_env(&env(&[
        ("MSI_SETUP_SF_CLI", program),
        ("MSI_SETUP_SF_CLI_TIMEOUT_MS", &ms.to_string()),
    ]))
}

#[cfg(unix)]
#[tokio::test]
async fn sf_cli_current_version_redacts_display_and_has_show_access_token() {
    let dir = tempfile::tempdir().unwrap();
    let p = script(
        dir.path(),
        &format!(
            r#"[ "$NO_COLOR" = 1 ] || exit 9
case "$1 $2 $3" in
  "org display --json") echo '{{"status":0,"result":{{"instanceUrl":"https://acme.my.salesforce.com/","apiVersion":"66.0","accessToken":"[REDACTED] use sf org auth show-access-token"}}}}' ;;
  "org auth show-access-token") echo '{{"status":0,"result":{{"accessToken":"{TOKEN}"}}}}' ;;
esac"#
        ),
    );
    let c = cli(&p, 5000).credentials(None).await.unwrap();
    assert_eq!(c.access_token.expose(), TOKEN);
    assert_eq!(c.api_version, "66.0");
    assert_eq!(
        credentials::safe_url(&c.instance_url),
        "https://acme.my.salesforce.com"
    );
    assert_eq!(c.source, SfSource::SfCli(None));
}

#[cfg(unix)]
#[tokio::test]
async fn sf_cli_old_version_falls_back_to_the_display_token() {
    let dir = tempfile::tempdir().unwrap();
    let p = script(
        dir.path(),
        &format!(
            r#"case "$1 $2" in
  "org display") echo '{{"status":0,"result":{{"instanceUrl":"https://acme.my.salesforce.com","accessToken":"{TOKEN}"}}}}' ;;
  *) echo 'Warning: auth is not a sf command.' >&2; exit 127 ;;
esac"#
        ),
    );
    let c = cli(&p, 5000).credentials(Some("acme")).await.unwrap();
    assert_eq!(c.access_token.expose(), TOKEN);
    assert_eq!(c.api_version, "60.0");
    assert_eq!(c.source, SfSource::SfCli(Some("acme".into())));
}

#[cfg(unix)]
#[tokio::test]
async fn sf_cli_errors_are_named_and_never_hang() {
    let dir = tempfile::tempdir().unwrap();
    let p = script(
        dir.path(),
        r#"echo '{"status":1,"name":"NoDefaultEnvError","message":"No default environment found. Use -o or --target-org to specify an environment."}'; exit 1"#,
    );
    let e = cli(&p, 5000).credentials(None).await.unwrap_err();
    assert!(
        matches!(&e, SfCliError::Failed { name, .. } if name == "NoDefaultEnvError"),
        "{e:?}"
    );
    assert_eq!(e.detail().key, "checks.sf-cli.failed");
    assert!(!e.is_absent());

    let p = script(dir.path(), "exec sleep 30");
    let started = Instant::now();
    let e = cli(&p, 200).credentials(None).await.unwrap_err();
    assert!(matches!(e, SfCliError::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2));

    let p = script(dir.path(), "echo 'this is not json'");
    assert!(matches!(
        cli(&p, 5000).credentials(None).await,
        Err(SfCliError::BadOutput { .. })
    ));

    let p = script(
        dir.path(),
        r#"echo '{"status":0,"result":{"instanceUrl":"http://evil.example","accessToken":"x"}}'"#,
    );
    assert!(matches!(
        cli(&p, 5000).credentials(None).await,
        Err(SfCliError::BadUrl { .. })
    ));

    let missing = dir.path().join("no-such-sf");
    let e = cli(missing.to_str().unwrap(), 5000)
        .credentials(None)
        .await
        .unwrap_err();
    assert_eq!(e, SfCliError::NotInstalled);
    assert!(e.is_absent());
    for off in ["off", "0", "", "none"] {
        let c = SfCli::from_env(&env(&[("MSI_SETUP_SF_CLI", off)]));
        assert_eq!(c.credentials(None).await.unwrap_err(), SfCliError::Disabled);
    }
}
