//! The Salesforce checks against a local wiremock server: package versions, remote sites,
//! permission set, config object, session errors, paging.

use std::time::Duration;

use msi_setup::credentials::{Availability, Credentials, SalesforceCredentials, Secret, SfSource};
use msi_setup::domain::checks::{CheckFacts, CheckId, CheckStatus, Detail, PackageVersion};
use msi_setup::remote::{Clients, HttpConfig, run_check, run_checks};
use reqwest::Url;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_contains};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "00Dxx0000001gPL!AQ4AQFakeTokenForTests.x9";

fn clients(uri: &str) -> Clients {
    let creds = Credentials {
        marketo: Availability::Missing(Detail::new("checks.skipped.not-selected")),
        salesforce: Availability::Ready(SalesforceCredentials {
            instance_url: Url::parse(uri).unwrap(),
            access_token: Secret::new(TOKEN),
            api_version: "60.0".into(),
            source: SfSource::Env,
        }),
    };
    let cfg = HttpConfig {
        timeout: Duration::from_millis(500),
        retry_base: Duration::from_millis(2),
        rate_limit_base: Duration::from_millis(2),
        ..HttpConfig::default()
    };
    Clients::new(&creds, &cfg)
}

fn records(rows: Value) -> ResponseTemplate {
    let n = rows.as_array().map_or(0, Vec::len);
    ResponseTemplate::new(200)
        .set_body_json(json!({"size": n, "totalSize": n, "done": true, "records": rows}))
}

fn package(ns: &str, major: u32, minor: u32) -> Value {
    json!({
        "attributes": {"type": "InstalledSubscriberPackage"},
        "Id": "0A3xx0000000001", "SubscriberPackageId": "033xx0000000001",
        "SubscriberPackage": {"attributes": {"type": "SubscriberPackage"}, "NamespacePrefix": ns, "Name": if ns == "mkto_si" { "Marketo Sales Insight" } else { "Other" }},
        "SubscriberPackageVersion": {"attributes": {"type": "SubscriberPackageVersion"}, "Id": "04txx0000000001", "Name": "v",
            "MajorVersion": major, "MinorVersion": minor, "PatchVersion": 0, "BuildNumber": 1}
    })
}

async fn mount_packages(server: &MockServer, rows: Value) {
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/tooling/query/"))
        .and(query_param_contains("q", "FROM InstalledSubscriberPackage"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(records(rows))
        .mount(server)
        .await;
}

#[tokio::test]
async fn package_versions_compare_as_integers() {
    for (major, minor, status, key) in [
        (1, 7, CheckStatus::Fail, "checks.sf-package.upgrade"),
        (1, 19, CheckStatus::Fail, "checks.sf-package.upgrade"),
        (1, 7999, CheckStatus::Fail, "checks.sf-package.upgrade"),
        (1, 8000, CheckStatus::Pass, "checks.sf-package.pass"),
        (2, 3, CheckStatus::Pass, "checks.sf-package.pass"),
    ] {
        let server = MockServer::start().await;
        mount_packages(
            &server,
            json!([
                package("other_ns", 9, 9999),
                package("mkto_si", major, minor)
            ]),
        )
        .await;
        let o = run_check(&clients(&server.uri()), CheckId::SfPackage).await;
        assert_eq!(
            (o.status, o.detail.key.as_str()),
            (status, key),
            "{major}.{minor}: {o:?}"
        );
        assert_eq!(o.step.as_str(), "install-package");
        let Some(CheckFacts::Package { version, .. }) = o.facts else {
            panic!("{o:?}")
        };
        assert_eq!(
            version,
            Some(PackageVersion {
                major,
                minor,
                patch: 0,
                build: 1
            })
        );
        if status == CheckStatus::Fail {
            assert!(
                o.detail
                    .args
                    .get("link")
                    .unwrap()
                    .starts_with("https://appexchange.salesforce.com/")
            );
            assert_eq!(o.detail.args.get("min").map(String::as_str), Some("1.8000"));
            assert!(o.proven_substeps().is_empty());
        } else {
            assert_eq!(o.proven_substeps(), &["verify-installed"]);
        }
    }
}

#[tokio::test]
async fn absent_package_says_install_with_link() {
    let server = MockServer::start().await;
    mount_packages(&server, json!([package("other_ns", 1, 0)])).await;
    let o = run_check(&clients(&server.uri()), CheckId::SfPackage).await;
    assert_eq!(o.status, CheckStatus::Fail);
    assert_eq!(o.detail.key, "checks.sf-package.absent");
    assert!(
        o.detail
            .args
            .get("link")
            .unwrap()
            .contains("a0N30000001SVZmEAO")
    );
}

#[tokio::test]
async fn invalid_session_is_an_error_without_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
        ))
        .expect(4)
        .mount(&server)
        .await;
    let out = run_checks(
        &clients(&server.uri()),
        <CheckId as strum::VariantArray>::VARIANTS,
    )
    .await;
    let sf: Vec<_> = out
        .iter()
        .filter(|o| o.id.as_str().starts_with("sf-"))
        .collect();
    assert_eq!(sf.len(), 4);
    for o in sf {
        assert_eq!(o.status, CheckStatus::Error, "{o:?}");
        assert_eq!(o.detail.key, "checks.salesforce.invalid-session");
        assert!(!serde_json::to_string(o).unwrap().contains(TOKEN));
    }
    // Marketo has no credentials here: skipped, not errors.
    assert!(
        out.iter()
            .filter(|o| o.id.as_str().starts_with("marketo-"))
            .all(|o| o.status == CheckStatus::Skipped)
    );
}

async fn mount_sites(server: &MockServer, rows: Value) {
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/tooling/query/"))
        .and(query_param(
            "q",
            "SELECT SiteName, EndpointUrl, IsActive FROM RemoteProxy",
        ))
        .respond_with(records(rows))
        .mount(server)
        .await;
}

fn site(name: &str, url: &str, active: bool) -> Value {
    json!({"attributes": {"type": "RemoteProxy"}, "SiteName": name, "EndpointUrl": url, "IsActive": active})
}

#[tokio::test]
async fn remote_sites_both_active_pass_and_prove_substeps() {
    let server = MockServer::start().await;
    mount_sites(
        &server,
        json!([
            site(
                "MarketoSalesInsight1",
                "https://ims-na1.adobelogin.com",
                true
            ),
            site(
                "MarketoSalesInsight2",
                "https://mkto-sales-connect.adobe.io/",
                true
            ),
            site("MarketoRestAPI", "https://123-ABC-456.mktorest.com", true)
        ]),
    )
    .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfRemoteSites).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
    assert_eq!(
        o.proven_substeps(),
        &["remote-site-ims", "remote-site-sales-connect"]
    );
    let Some(CheckFacts::RemoteSites { sites }) = &o.facts else {
        panic!()
    };
    assert_eq!(sites.len(), 3);
}

#[tokio::test]
async fn a_missing_remote_site_fails_naming_it() {
    let server = MockServer::start().await;
    mount_sites(
        &server,
        json!([site(
            "MarketoSalesInsight1",
            "https://ims-na1.adobelogin.com",
            true
        )]),
    )
    .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfRemoteSites).await;
    assert_eq!(o.status, CheckStatus::Fail);
    assert_eq!(
        o.detail.args.get("missing").map(String::as_str),
        Some("https://mkto-sales-connect.adobe.io")
    );
}

#[tokio::test]
async fn the_old_staging_host_is_flagged() {
    let server = MockServer::start().await;
    mount_sites(
        &server,
        json!([
            site("Old", "https://ims-na1-stg1.adobelogin.com", true),
            site("A", "https://ims-na1.adobelogin.com", true),
            site("B", "https://mkto-sales-connect.adobe.io", false)
        ]),
    )
    .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfRemoteSites).await;
    assert_eq!(o.status, CheckStatus::Fail);
    let keys: Vec<&str> = o.notes.iter().map(|n| n.key.as_str()).collect();
    assert!(
        keys.contains(&"checks.sf-remote-sites.inactive"),
        "{keys:?}"
    );
    assert!(keys.contains(&"checks.sf-remote-sites.staging"), "{keys:?}");
}

#[tokio::test]
async fn permission_set_found_and_counted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/query/"))
        .and(query_param_contains("q", "FROM PermissionSet WHERE NamespacePrefix = 'mkto_si'"))
        .respond_with(records(json!([
            {"Id": "0PSxx00000000AAAA1", "Name": "Marketo_Other", "Label": "Other", "NamespacePrefix": "mkto_si"},
            {"Id": "0PSxx00000000BBBB2", "Name": "Marketo_App_Access", "Label": "Marketo App Access", "NamespacePrefix": "mkto_si"}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/query/"))
        .and(query_param_contains(
            "q",
            "PermissionSetId = '0PSxx00000000BBBB2'",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totalSize": 12, "done": true, "records": []})),
        )
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfPermissionSet).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
    assert_eq!(o.detail.args.get("count").map(String::as_str), Some("12"));
    assert_eq!(
        o.detail.args.get("label").map(String::as_str),
        Some("Marketo App Access")
    );
}

#[tokio::test]
async fn no_permission_set_fails() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/query/"))
        .respond_with(records(json!([])))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfPermissionSet).await;
    assert_eq!(o.status, CheckStatus::Fail);
    assert_eq!(o.detail.key, "checks.sf-permission-set.missing");
}

#[tokio::test]
async fn config_object_invalid_type_means_not_installed_or_not_visible() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/query/"))
        .and(query_param_contains(
            "q",
            "mkto_si__Marketo_Sales_Insight_Config__c",
        ))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([{
            "message": "sObject type 'mkto_si__Marketo_Sales_Insight_Config__c' is not supported.",
            "errorCode": "INVALID_TYPE"
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfConfigObject).await;
    assert_eq!(o.status, CheckStatus::Fail);
    assert_eq!(o.detail.key, "checks.sf-config-object.invalid-type");
}

#[tokio::test]
async fn config_object_queryable_passes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/query/"))
        .respond_with(records(json!([{"attributes": {"type": "mkto_si__Marketo_Sales_Insight_Config__c"}, "Id": "a00xx0000000001"}])))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfConfigObject).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
    assert_eq!(o.step.as_str(), "configure-salesforce");
}

#[tokio::test]
async fn gateway_errors_are_retried_then_pass() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_packages(&server, json!([package("mkto_si", 1, 8000)])).await;
    let o = run_check(&clients(&server.uri()), CheckId::SfPackage).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
}

#[tokio::test]
async fn paged_answers_are_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/tooling/query/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 2, "done": false, "nextRecordsUrl": "/services/data/v60.0/tooling/query/01gxx-2000",
            "records": [package("other_ns", 1, 0)]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v60.0/tooling/query/01gxx-2000"))
        .respond_with(records(json!([package("mkto_si", 1, 8001)])))
        .expect(1)
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfPackage).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
}

#[tokio::test]
async fn html_error_page_is_reported_with_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html><body>Oops</body></html>"))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::SfRemoteSites).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert_eq!(o.detail.key, "checks.error.http-status");
    assert_eq!(o.detail.args.get("status").map(String::as_str), Some("500"));
}
