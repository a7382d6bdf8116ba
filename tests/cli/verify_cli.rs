//! `msi-setup verify` as a user runs it: the real binary, a clean environment, a temp config
//! dir, and wiremock on 127.0.0.1 standing in for Marketo and Salesforce. Exit codes, JSON
//! shape, languages, the sf CLI lookup, and that no secret appears in any output or file.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex, query_param_contains};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "cid-SECRET-0001-abcd";
const CLIENT_SECRET: &str = "csec-SECRET-0002-efgh";
const SF_TOKEN: &str = "00Dxx!SECRET-0003-ijkl";
const MKTO_TOKEN: &str = "tok-SECRET-0004-mnop:int";
pub(crate) const SECRETS: [&str; 4] = [CLIENT_ID, CLIENT_SECRET, SF_TOKEN, MKTO_TOKEN];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn verify(config_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_msi-setup"))
        .env_clear()
        .env("MSI_SETUP_SF_CLI", "off")
        .env("MSI_SETUP_HTTP_TIMEOUT_MS", "1500")
        .env("MSI_SETUP_RETRY_BASE_MS", "2")
        .envs(env.iter().copied())
        .arg("--config-dir")
        .arg(config_dir)
        .arg("verify")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

pub(crate) fn all_env(uri: &str) -> Vec<(&'static str, String)> {
    vec![
        ("MARKETO_BASE_URL", uri.to_string()),
        ("MARKETO_CLIENT_ID", CLIENT_ID.to_string()),
        ("MARKETO_CLIENT_SECRET", CLIENT_SECRET.to_string()),
        ("SF_INSTANCE_URL", uri.to_string()),
        ("SF_ACCESS_TOKEN", SF_TOKEN.to_string()),
    ]
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    with(v, &[])
}

fn with<'a>(
    v: &'a [(&'static str, String)],
    extra: &[(&'static str, &'a str)],
) -> Vec<(&'static str, &'a str)> {
    v.iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(extra.iter().copied())
        .collect()
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

fn statuses(v: &Value) -> Vec<(String, String)> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_no_secrets(run: &Run, dir: &Path) {
    for s in SECRETS {
        assert!(
            !run.stdout.contains(s),
            "secret {s} in stdout:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(s),
            "secret {s} in stderr:\n{}",
            run.stderr
        );
    }
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for s in SECRETS {
            assert!(!text.contains(s), "secret {s} in {}", entry.display());
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

/// A Marketo + Salesforce stand-in where everything is set up.
pub(crate) async fn healthy_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": MKTO_TOKEN, "token_type": "bearer", "expires_in": 3599, "scope": "apis@acme.example"}),
        ))
        .mount(&server)
        .await;
    let fields: Vec<Value> = [
        "firstName", "lastName", "sfdcContactId", "sfdcLeadId", "sfdcAccountId", "sfdcOpptyId", "id",
        "company", "title", "email", "phone", "linkedInProfileURL", "leadSource",
    ]
    .iter()
    .map(|n| json!({"name": n, "displayName": n, "dataType": "string", "updateable": true, "crmManaged": true}))
    .collect();
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"requestId": "r1", "success": true, "result": [{"name": "API Lead", "fields": fields}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/userservice/management/v1/users/allusers.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"userid": "ada@acme.example", "firstName": "Ada", "lastName": "Admin", "emailAddress": "ada@acme.example", "id": 1, "apiOnly": false}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"/users/[^/]+/user\.json$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"userRoleWorkspaces": [{"accessRoleId": 1, "accessRoleName": "Admin", "workspaceId": 0}]}),
        ))
        .mount(&server)
        .await;
    let q = |rows: Value| {
        ResponseTemplate::new(200).set_body_json(json!({"totalSize": rows.as_array().map_or(0, Vec::len), "done": true, "records": rows}))
    };
    Mock::given(method("GET"))
        .and(query_param_contains("q", "InstalledSubscriberPackage"))
        .respond_with(q(json!([{
            "SubscriberPackage": {"NamespacePrefix": "mkto_si", "Name": "Marketo Sales Insight"},
            "SubscriberPackageVersion": {"MajorVersion": 1, "MinorVersion": 8000, "PatchVersion": 0, "BuildNumber": 3}
        }])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param_contains("q", "RemoteProxy"))
        .respond_with(q(json!([
            {"SiteName": "A", "EndpointUrl": "https://ims-na1.adobelogin.com", "IsActive": true},
            {"SiteName": "B", "EndpointUrl": "https://mkto-sales-connect.adobe.io", "IsActive": true}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param_contains("q", "FROM PermissionSet "))
        .respond_with(q(json!([{"Id": "0PSxx0000000001AAA", "Name": "Marketo_App_Access", "Label": "Marketo App Access"}])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param_contains("q", "PermissionSetAssignment"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totalSize": 3, "done": true, "records": []})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param_contains(
            "q",
            "mkto_si__Marketo_Sales_Insight_Config__c",
        ))
        .respond_with(q(json!([{"Id": "a00xx0000000001"}])))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn everything_set_up_exits_0_with_the_documented_json() {
    let server = healthy_server().await;
    let dir = tempfile::tempdir().unwrap();
    let env = all_env(&server.uri());
    let run = verify(dir.path(), &["--json"], &as_refs(&env));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let v = json_of(&run);
    let ids: Vec<(String, String)> = statuses(&v);
    assert_eq!(
        ids,
        [
            "marketo-auth",
            "marketo-sync-fields",
            "marketo-admins",
            "sf-package",
            "sf-remote-sites",
            "sf-permission-set",
            "sf-config-object",
        ]
        .iter()
        .map(|id| ((*id).to_string(), "pass".to_string()))
        .collect::<Vec<_>>()
    );
    for c in v["checks"].as_array().unwrap() {
        assert!(c["step"].is_string() && c["detail"].is_string(), "{c}");
    }
    assert_eq!(v["checks"][0]["step"], "prereq-crm-sync");
    assert_eq!(
        v["checks"][2]["facts"]["candidates"][0]["email"],
        "ada@acme.example"
    );
    assert_eq!(
        v["checks"][4]["proves"],
        json!(["remote-site-ims", "remote-site-sales-connect"])
    );
    assert_no_secrets(&run, dir.path());
}

#[tokio::test]
async fn human_output_is_localised() {
    let server = healthy_server().await;
    let dir = tempfile::tempdir().unwrap();
    let env = all_env(&server.uri());
    let run = verify(dir.path(), &[], &with(&env, &[("LANG", "zh_TW.UTF-8")]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("通過"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Ada Admin <ada@acme.example>"),
        "{}",
        run.stdout
    );
    let run = verify(dir.path(), &[], &with(&env, &[("LANG", "ko_KR.UTF-8")]));
    assert!(run.stdout.contains("통과 7"), "{}", run.stdout);
    assert_no_secrets(&run, dir.path());
}

#[tokio::test]
async fn a_failed_check_exits_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_contains("q", "InstalledSubscriberPackage"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totalSize": 0, "done": true, "records": []})),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let uri = server.uri();
    let env = [
        ("SF_INSTANCE_URL", uri.as_str()),
        ("SF_ACCESS_TOKEN", SF_TOKEN),
    ];
    let run = verify(dir.path(), &["--json", "--salesforce"], &env);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let v = json_of(&run);
    assert_eq!(
        v["checks"].as_array().unwrap().len(),
        4,
        "only Salesforce checks"
    );
    assert_eq!(v["checks"][0]["id"], "sf-package");
    assert_eq!(v["checks"][0]["status"], "fail");
    assert_eq!(v["checks"][0]["detail_key"], "checks.sf-package.absent");
    assert_no_secrets(&run, dir.path());
}

#[tokio::test]
async fn warnings_alone_exit_0() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": MKTO_TOKEN, "expires_in": 100})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true, "result": [{"fields": [
            {"name": "email", "displayName": "Email Address", "dataType": "email", "crmManaged": true}
        ]}]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/userservice/management/v1/users/allusers.json"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"errors": [{"code": 603, "message": "Access denied"}]})),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let env = all_env(&server.uri());
    let run = verify(dir.path(), &["--marketo", "--json"], &as_refs(&env));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let got = statuses(&json_of(&run));
    assert_eq!(got[0].1, "pass");
    assert_eq!(got[1].1, "warn");
    assert_eq!(got[2].1, "warn");
}

#[test]
fn nothing_configured_skips_everything_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let run = verify(dir.path(), &["--json"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json_of(&run);
    assert_eq!(v["checks"].as_array().unwrap().len(), 7);
    assert!(statuses(&v).iter().all(|(_, s)| s == "skipped"));
    let human = verify(dir.path(), &[], &[]);
    assert!(
        human.stdout.contains("Nothing was checked"),
        "{}",
        human.stdout
    );
}

#[test]
fn configuration_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = verify(
        dir.path(),
        &[],
        &[("MARKETO_BASE_URL", "http://123-ABC-456.mktorest.com")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("MARKETO_BASE_URL must be an https:// URL"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());

    let run = verify(dir.path(), &["--munchkin-id", "12-ABC-456"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("\"12-ABC-456\" is not a Munchkin ID"),
        "{}",
        run.stderr
    );

    let run = verify(
        dir.path(),
        &["--json"],
        &[("SF_INSTANCE_URL", "ftp://example.com")],
    );
    assert_eq!(run.code, 2);
    let doc = json_of(&run);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["error"]["code"], "not_https");

    // A URL with credentials in it is refused without repeating them.
    let run = verify(
        dir.path(),
        &[],
        &[(
            "SF_INSTANCE_URL",
            &format!("https://user:{SF_TOKEN}@example.com"),
        )],
    );
    assert_eq!(run.code, 2);
    assert_no_secrets(&run, dir.path());

    // An unselected system's configuration does not matter.
    let run = verify(
        dir.path(),
        &["--salesforce"],
        &[("MARKETO_BASE_URL", "http://example.com")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[tokio::test]
async fn secrets_echoed_by_servers_never_reach_any_output() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": MKTO_TOKEN, "expires_in": 3599, "scope": MKTO_TOKEN}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "requestId": CLIENT_SECRET, "success": false,
            "errors": [{"code": "603", "message": format!("denied for {MKTO_TOKEN} / {CLIENT_ID} / {CLIENT_SECRET}")}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/userservice/management/v1/users/allusers.json"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_string(format!("Internal error, bearer {MKTO_TOKEN}")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/services/"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!([{"errorCode": "INVALID_SESSION_ID", "message": format!("Session {SF_TOKEN} expired")}]),
        ))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let env = all_env(&server.uri());
    for args in [vec![], vec!["--json"]] {
        for lang in ["en_US.UTF-8", "zh_TW.UTF-8", "ko_KR.UTF-8"] {
            let run = verify(dir.path(), &args, &with(&env, &[("LANG", lang)]));
            assert_eq!(run.code, 1, "{}", run.stdout);
            assert!(run.stdout.contains("[redacted]"), "{}", run.stdout);
            assert_no_secrets(&run, dir.path());
        }
    }
    // And an identity endpoint that echoes the credentials it was sent.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": format!("bad {CLIENT_ID}:{CLIENT_SECRET}")}),
        ))
        .mount(&server)
        .await;
    let env = all_env(&server.uri());
    let run = verify(dir.path(), &["--marketo"], &as_refs(&env));
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("invalid_client"), "{}", run.stdout);
    assert_no_secrets(&run, dir.path());
}

#[tokio::test]
async fn remembered_credentials_are_used_and_stay_in_their_own_file() {
    use msi_setup::credentials::{self, SavedCredentials, SavedMarketo, Secret};
    let server = healthy_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cfg");
    let saved = SavedCredentials {
        marketo: Some(SavedMarketo {
            base_url: Some(server.uri()),
            client_id: Some(Secret::new(CLIENT_ID)),
            client_secret: Some(Secret::new(CLIENT_SECRET)),
        }),
        salesforce: None,
    };
    let file = credentials::save(&config, &saved).unwrap();
    let run = verify(&config, &["--marketo", "--json"], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(statuses(&json_of(&run)).iter().all(|(_, s)| s == "pass"));
    for s in SECRETS {
        assert!(!run.stdout.contains(s) && !run.stderr.contains(s));
    }
    // The only file holding a secret is credentials.toml.
    for f in walk(&config) {
        let text = std::fs::read_to_string(&f).unwrap();
        let has_secret = SECRETS.iter().any(|s| text.contains(s));
        assert_eq!(has_secret, f == file, "{}", f.display());
    }
}

#[cfg(unix)]
#[test]
fn a_credentials_file_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credentials.toml");
    std::fs::write(
        &file,
        format!("[marketo]\nclient_secret = \"{CLIENT_SECRET}\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = verify(dir.path(), &[], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
    assert!(!run.stderr.contains(CLIENT_SECRET));
    // Broken TOML: the line is named, the content is not repeated.
    std::fs::write(
        &file,
        format!("[marketo]\nclient_secret = \"{CLIENT_SECRET}\nbroken"),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = verify(dir.path(), &[], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("(line "), "{}", run.stderr);
    assert!(!run.stderr.contains(CLIENT_SECRET), "{}", run.stderr);
}

#[cfg(unix)]
fn fake_sf(dir: &Path, instance: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("fake-sf");
    let body = format!(
        r#"#!/bin/sh
case "$*" in
  "org display --json --target-org acme")
    echo '{{"status":0,"result":{{"instanceUrl":"{instance}","apiVersion":"61.0","accessToken":"[REDACTED] Use sf org auth show-access-token"}}}}' ;;
  "org auth show-access-token --json --target-org acme")
    echo '{{"status":0,"result":{{"accessToken":"{SF_TOKEN}"}}}}' ;;
  *)
    echo '{{"status":1,"name":"NoOrgFound","message":"No authorization information found for nope."}}'; exit 1 ;;
esac
"#
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[cfg(unix)]
#[tokio::test]
async fn sf_target_org_reads_the_sf_cli() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v61.0/tooling/query/"))
        .and(query_param_contains("q", "InstalledSubscriberPackage"))
        .and(wiremock::matchers::bearer_token(SF_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"totalSize": 1, "done": true, "records": [{
            "SubscriberPackage": {"NamespacePrefix": "mkto_si", "Name": "Marketo Sales Insight"},
            "SubscriberPackageVersion": {"MajorVersion": 1, "MinorVersion": 8000}
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totalSize": 0, "done": true, "records": []})),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let sf = fake_sf(bin.path(), &server.uri());
    let sf = sf.to_str().unwrap();
    let run = verify(
        dir.path(),
        &["--salesforce", "--json", "--sf-target-org", "acme"],
        &[("MSI_SETUP_SF_CLI", sf)],
    );
    let v = json_of(&run);
    assert_eq!(v["checks"][0]["status"], "pass", "{}", run.stdout);
    assert_no_secrets(&run, dir.path());

    // An org the CLI does not know: an error naming the command and what to do.
    let run = verify(
        dir.path(),
        &["--salesforce", "--json", "--sf-target-org", "nope"],
        &[("MSI_SETUP_SF_CLI", sf)],
    );
    assert_eq!(run.code, 1);
    let v = json_of(&run);
    assert_eq!(v["checks"][0]["status"], "error");
    assert_eq!(v["checks"][0]["detail_key"], "checks.sf-cli.failed");
    assert!(
        v["checks"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("NoOrgFound")
    );

    // Without --sf-target-org and no default org, the checks are skipped, not failed.
    let run = verify(
        dir.path(),
        &["--salesforce", "--json"],
        &[("MSI_SETUP_SF_CLI", sf)],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(statuses(&json_of(&run)).iter().all(|(_, s)| s == "skipped"));

    // A missing sf program: skipped as "no credentials".
    let run = verify(
        dir.path(),
        &["--salesforce", "--json"],
        &[("MSI_SETUP_SF_CLI", "/nonexistent/sf")],
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        json_of(&run)["checks"][0]["detail_key"],
        "checks.skipped.salesforce-missing"
    );
}

/// A stand-in proxy on 127.0.0.1 that records every connection it gets (and closes it).
fn fake_proxy() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            buf.truncate(n);
            log.lock().unwrap().push(buf);
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn loopback_never_goes_through_a_proxy() {
    let server = healthy_server().await;
    let (proxy, seen) = fake_proxy();
    let dir = tempfile::tempdir().unwrap();
    let env = all_env(&server.uri());
    let localhost = server.uri().replace("127.0.0.1", "localhost");
    let proxies: Vec<(&'static str, &str)> = [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .map(|k| (*k, proxy.as_str()))
    .collect();
    let run = verify(dir.path(), &["--json"], &with(&env, &proxies));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // `localhost` too, and an explicit NO_PROXY that does not name it changes nothing.
    let mut env2 = all_env(&localhost);
    env2.push(("NO_PROXY", "example.com".to_string()));
    let run2 = verify(dir.path(), &["--json"], &with(&env2, &proxies));
    assert_eq!(run2.code, 0, "{}\n{}", run2.stdout, run2.stderr);
    let got = seen.lock().unwrap();
    assert!(
        got.is_empty(),
        "the proxy received {} connection(s): {:?}",
        got.len(),
        got.iter()
            .map(|b| String::from_utf8_lossy(b)
                .lines()
                .next()
                .unwrap_or("")
                .to_string())
            .collect::<Vec<_>>()
    );
    assert_no_secrets(&run, dir.path());
}

#[test]
fn a_server_that_never_answers_is_named_on_stderr_while_waiting() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("http://{addr}");
    let env = [
        ("MARKETO_BASE_URL", uri.as_str()),
        ("MARKETO_CLIENT_ID", CLIENT_ID),
        ("MARKETO_CLIENT_SECRET", CLIENT_SECRET),
    ];
    let run = verify(dir.path(), &["--json"], &env);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let want = format!(
        "Waiting for {uri}/identity/oauth/token: no answer yet (try 1 of at most 3); giving up after 1.5 s."
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    // stdout stays one JSON document.
    json_of(&run);
    assert_no_secrets(&run, dir.path());
}
