//! The Marketo checks against a local wiremock server on 127.0.0.1 serving the documented
//! shapes: token, envelopes, retries, re-auth, malformed answers, slow servers.

use std::time::{Duration, Instant};

use msi_setup::credentials::{Availability, Credentials, MarketoCredentials, Secret};
use msi_setup::domain::checks::{CheckFacts, CheckId, CheckOutcome, CheckStatus};
use msi_setup::domain::fields::FieldId;
use msi_setup::remote::{Clients, HttpConfig, run_check, run_checks};
use reqwest::Url;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "cid-4d1b8e0f-test";
const CLIENT_SECRET: &str = "csecret-9f8e7d6c-test";
const TOKEN: &str = "cdf01657-110d-4155-99a7-f986b2ff13a0:int";

fn cfg() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_millis(400),
        connect_timeout: Duration::from_millis(400),
        retry_base: Duration::from_millis(2),
        rate_limit_base: Duration::from_millis(2),
        ..HttpConfig::default()
    }
}

fn clients(uri: &str) -> Clients {
    let creds = Credentials {
        marketo: Availability::Ready(MarketoCredentials {
            base_url: Url::parse(uri).unwrap(),
            client_id: Secret::new(CLIENT_ID),
            client_secret: Secret::new(CLIENT_SECRET),
        }),
        salesforce: Availability::Missing(msi_setup::domain::checks::Detail::new(
            "checks.skipped.not-selected",
        )),
    };
    Clients::new(&creds, &cfg())
}

fn token_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": TOKEN, "token_type": "bearer", "expires_in": 3599, "scope": "apis@acme.example"
    }))
}

async fn mount_token(server: &MockServer, times: u64) {
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains(format!("client_id={CLIENT_ID}")))
        .and(body_string_contains(format!(
            "client_secret={CLIENT_SECRET}"
        )))
        .respond_with(token_ok())
        .expect(times)
        .mount(server)
        .await;
}

fn describe2(fields: &[(&str, &str, &str, bool)]) -> Value {
    let fields: Vec<Value> = fields
        .iter()
        .map(|(name, display, ty, crm)| {
            json!({"name": name, "displayName": display, "dataType": ty, "updateable": true, "crmManaged": crm})
        })
        .collect();
    json!({"requestId": "a1#b2", "success": true, "result": [{"name": "API Lead", "searchableFields": [["email"]], "fields": fields}]})
}

fn all_fields() -> Value {
    describe2(&[
        ("firstName", "First Name", "string", true),
        ("lastName", "Last Name", "string", true),
        ("sfdcContactId", "SFDC Contact ID", "string", true),
        ("sfdcLeadId", "SFDC Lead ID", "string", true),
        ("sfdcAccountId", "SFDC Account ID", "string", true),
        ("sfdcOpptyId", "SFDC Oppty ID", "string", true),
        ("id", "Id", "integer", false),
        ("company", "Company Name", "string", true),
        ("title", "Job Title", "string", true),
        ("email", "Email Address", "email", true),
        ("phone", "Phone Number", "phone", true),
        ("LinkedIn_Profile__c", "LinkedIn Profile URL", "url", false),
        ("leadSource", "Lead Source", "string", true),
        ("AccountSource", "Account Source", "string", false),
    ])
}

fn error_envelope(code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "requestId": "e42b#14272d07d78", "success": false, "errors": [{"code": code, "message": message}]
    }))
}

fn assert_no_secret(o: &CheckOutcome) {
    let text = format!(
        "{}{}",
        serde_json::to_string(o).unwrap(),
        toml::to_string(o).unwrap()
    );
    for s in [CLIENT_ID, CLIENT_SECRET, TOKEN] {
        assert!(!text.contains(s), "secret {s} in outcome {text}");
    }
}

#[tokio::test]
async fn auth_posts_a_form_body_and_passes() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAuth).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
    assert_eq!(o.step.as_str(), "prereq-crm-sync");
    assert_eq!(o.detail.key, "checks.marketo-auth.pass");
    assert_eq!(
        o.detail.args.get("scope").map(String::as_str),
        Some("apis@acme.example")
    );
    assert!(matches!(
        o.facts,
        Some(CheckFacts::MarketoToken {
            expires_in_secs: 3599,
            ..
        })
    ));
    assert!(o.finished_at.is_some());
    assert_no_secret(&o);
    // The credentials never travel in the URL.
    for req in server.received_requests().await.unwrap() {
        assert_eq!(req.url.query(), None);
    }
}

#[tokio::test]
async fn token_is_reused_across_checks_and_sent_as_bearer() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(all_fields()))
        .expect(2)
        .mount(&server)
        .await;
    let c = clients(&server.uri());
    let out = run_checks(&c, &[CheckId::MarketoAuth, CheckId::MarketoSyncFields]).await;
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|o| o.status == CheckStatus::Pass), "{out:?}");
    // A clone shares the cache: still one token call.
    let again = run_check(&c.clone(), CheckId::MarketoSyncFields).await;
    assert_eq!(again.status, CheckStatus::Pass);
}

#[tokio::test]
async fn sync_fields_match_all_thirteen_and_keep_facts() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(all_fields()))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
    assert_eq!(o.step.as_str(), "start-data-sync");
    assert_eq!(o.detail.args.get("crm").map(String::as_str), Some("11"));
    let Some(CheckFacts::SyncFields { fields }) = &o.facts else {
        panic!("no facts: {o:?}")
    };
    assert_eq!(fields.len(), 13);
    let linkedin = fields
        .iter()
        .find(|m| m.id == FieldId::LinkedinUrl)
        .unwrap();
    assert_eq!(
        linkedin.found.as_ref().map(|f| f.name.as_str()),
        Some("LinkedIn_Profile__c")
    );
    // Found by display name: the outcome says so.
    assert!(
        o.notes
            .iter()
            .any(|n| n.key == "checks.marketo-sync-fields.by-display")
    );
}

#[tokio::test]
async fn sync_fields_partial_is_a_warning_naming_the_missing() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let body = describe2(&[
        ("firstName", "First Name", "string", true),
        ("email", "Email Address", "email", true),
    ]);
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
    assert_eq!(o.status, CheckStatus::Warn);
    let missing = o.detail.args.get("missing").unwrap();
    assert!(
        missing.contains("sfdcOpptyId") && missing.contains("leadSource"),
        "{missing}"
    );
    assert!(!missing.contains("email"));
}

#[tokio::test]
async fn rate_limit_606_then_success_retries() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(error_envelope(
            "606",
            "Max rate limit '100' exceeded with in '20' secs",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(all_fields()))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
}

#[tokio::test]
async fn transient_codes_stop_after_three_tries() {
    for code in ["606", "615", "604", "608", "611", "713"] {
        let server = MockServer::start().await;
        mount_token(&server, 1).await;
        Mock::given(method("GET"))
            .and(path("/rest/v1/leads/describe2.json"))
            .respond_with(error_envelope(code, "busy"))
            .expect(3)
            .mount(&server)
            .await;
        let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
        assert_eq!(o.status, CheckStatus::Error, "{code}: {o:?}");
        assert_eq!(o.detail.args.get("code").map(String::as_str), Some(code));
        assert_eq!(
            o.detail.args.get("request_id").map(String::as_str),
            Some("e42b#14272d07d78")
        );
        server.verify().await;
    }
}

#[tokio::test]
async fn no_retry_for_603_607_and_record_codes() {
    for (code, key) in [
        ("603", "checks.marketo.code.603"),
        ("607", "checks.marketo.code.607"),
        ("1006", "checks.marketo.code.record"),
        ("609", "checks.marketo.code.other"),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, 1).await;
        Mock::given(method("GET"))
            .and(path("/rest/v1/leads/describe2.json"))
            .respond_with(error_envelope(code, "nope"))
            .expect(1)
            .mount(&server)
            .await;
        let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
        assert_eq!(o.status, CheckStatus::Error, "{code}");
        assert_eq!(o.detail.key, key);
        if code == "603" {
            assert_eq!(
                o.detail.args.get("need").map(String::as_str),
                Some("Read-Only Lead")
            );
        }
        server.verify().await;
    }
}

#[tokio::test]
async fn expired_token_601_reauths_once() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(error_envelope("601", "Access token invalid"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(all_fields()))
        .with_priority(2)
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
}

#[tokio::test]
async fn persistent_602_gives_up_after_one_reauth() {
    let server = MockServer::start().await;
    mount_token(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(error_envelope("602", "Access token expired"))
        .expect(2)
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert_eq!(o.detail.key, "checks.marketo.code.602");
}

#[tokio::test]
async fn bad_credentials_fail_and_skip_the_rest() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "Bad client credentials"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_checks(
        &clients(&server.uri()),
        &[
            CheckId::MarketoAuth,
            CheckId::MarketoSyncFields,
            CheckId::MarketoAdmins,
        ],
    )
    .await;
    assert_eq!(out[0].status, CheckStatus::Fail);
    assert_eq!(out[0].detail.key, "checks.marketo-auth.rejected");
    assert!(
        out[0]
            .detail
            .args
            .get("reason")
            .unwrap()
            .contains("invalid_client")
    );
    assert!(
        out[1..].iter().all(
            |o| o.status == CheckStatus::Skipped && o.detail.key == "checks.skipped.after-auth"
        )
    );
}

#[tokio::test]
async fn malformed_json_is_an_error_naming_the_url() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"success\": tru"))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoSyncFields).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert_eq!(o.detail.key, "checks.error.malformed");
    let url = o.detail.args.get("url").unwrap();
    assert!(url.ends_with("/rest/v1/leads/describe2.json"), "{url}");
}

#[tokio::test]
async fn malformed_token_answer_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login</html>"))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAuth).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert_eq!(o.detail.key, "checks.error.malformed");
}

#[tokio::test]
async fn slow_server_times_out_quickly() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(token_ok().set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAuth).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(o.status, CheckStatus::Error);
    assert_eq!(o.detail.key, "checks.error.timeout");
    assert_eq!(o.detail.args.get("secs").map(String::as_str), Some("0.4"));
}

#[tokio::test]
async fn refused_connection_is_an_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let o = run_check(
        &clients(&format!("http://127.0.0.1:{port}")),
        CheckId::MarketoAuth,
    )
    .await;
    assert_eq!(o.status, CheckStatus::Error);
    assert_eq!(o.detail.key, "checks.error.connect");
    assert!(o.notes.iter().any(|n| n.key == "checks.hint.network"));
}

#[tokio::test]
async fn gateway_error_on_token_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream down"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_token(&server, 1).await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAuth).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "http://evil.example/steal"),
        )
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAuth).await;
    assert_eq!(o.detail.key, "checks.error.redirect");
}

async fn mount_users(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/userservice/management/v1/users/allusers.json"))
        .and(query_param("pageSize", "200"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"userid": "jamie@lannister.example", "firstName": "Jamie", "lastName": "Lannister", "emailAddress": "jamie@lannister.example", "id": 1, "apiOnly": false},
            {"userid": "tyrion@lannister.example", "firstName": "Tyrion", "lastName": "Lannister", "emailAddress": "tyrion@lannister.example", "id": 2, "apiOnly": false},
            {"userid": "api@acme.example", "firstName": "API", "lastName": "User", "emailAddress": "api@acme.example", "id": 3, "apiOnly": true}
        ])))
        .mount(server)
        .await;
}

fn user(roles: &[&str]) -> ResponseTemplate {
    let rw: Vec<Value> = roles
        .iter()
        .map(|r| json!({"accessRoleId": 1, "accessRoleName": r, "workspaceId": 0, "workspaceName": "AllZones"}))
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({"userid": "x", "userRoleWorkspaces": rw}))
}

#[tokio::test]
async fn admins_are_listed_as_invite_candidates() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_users(&server).await;
    Mock::given(method("GET"))
        .and(path(
            "/userservice/management/v1/users/jamie@lannister.example/user.json",
        ))
        .respond_with(user(&["Admin", "Marketing User"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/userservice/management/v1/users/tyrion@lannister.example/user.json",
        ))
        .respond_with(user(&["Marketing User"]))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAdmins).await;
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
    assert_eq!(o.step.as_str(), "setup-sales-account");
    let Some(CheckFacts::Admins {
        candidates,
        users_listed,
        users_checked,
        truncated,
    }) = &o.facts
    else {
        panic!("{o:?}")
    };
    assert_eq!((*users_listed, *users_checked, *truncated), (3, 2, false));
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0].email, "jamie@lannister.example");
    assert_eq!(candidates[0].roles, vec!["Admin".to_string()]);
    // The API-only user's roles are not read.
    let reqs = server.received_requests().await.unwrap();
    assert!(
        !reqs
            .iter()
            .any(|r| r.url.path().contains("api@acme.example"))
    );
}

#[tokio::test]
async fn listing_users_not_permitted_is_a_clear_warning() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/userservice/management/v1/users/allusers.json"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"errors": [{"code": 603, "message": "Access denied"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAdmins).await;
    assert_eq!(o.status, CheckStatus::Warn, "{o:?}");
    assert_eq!(o.detail.key, "checks.marketo-admins.not-permitted");
    assert!(
        o.detail
            .args
            .get("need")
            .unwrap()
            .contains("Access User Management Api")
    );
}

#[tokio::test]
async fn no_admin_among_users_is_a_warning() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    mount_users(&server).await;
    Mock::given(method("GET"))
        .and(path_regex_user())
        .respond_with(user(&["Marketing User"]))
        .mount(&server)
        .await;
    let o = run_check(&clients(&server.uri()), CheckId::MarketoAdmins).await;
    assert_eq!(o.status, CheckStatus::Warn);
    assert_eq!(o.detail.key, "checks.marketo-admins.none");
}

fn path_regex_user() -> wiremock::matchers::PathRegexMatcher {
    wiremock::matchers::path_regex(r"^/userservice/management/v1/users/[^/]+/user\.json$")
}

#[tokio::test]
async fn a_running_check_can_be_cancelled() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(token_ok().set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let c = clients(&server.uri());
    let task = tokio::spawn(async move { run_check(&c, CheckId::MarketoAuth).await });
    tokio::task::yield_now().await;
    task.abort();
    let err = task.await.expect_err("aborted");
    assert!(err.is_cancelled());
}

#[tokio::test]
async fn base_url_with_trailing_slash_builds_clean_paths() {
    let server = MockServer::start().await;
    mount_token(&server, 1).await;
    let o = run_check(
        &clients(&format!("{}/", server.uri())),
        CheckId::MarketoAuth,
    )
    .await;
    assert_eq!(o.status, CheckStatus::Pass);
    for req in server.received_requests().await.unwrap() {
        assert!(!req.url.path().contains("//"), "{}", req.url);
    }
}
