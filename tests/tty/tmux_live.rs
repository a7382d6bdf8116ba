//! The live checks through the real TUI (tmux) against a fake Marketo on 127.0.0.1: the
//! result shows on the step, and no secret reaches the screen, the progress file, its backup
//! or the log. Needs tmux (see `main.rs`).

use crate::tmux as support;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "cid-7f3a9e21";
const CLIENT_SECRET: &str = "csecret-Qm4s8Lz0v";
const TOKEN: &str = "tok-b1c2d3e4f5";

pub fn a_live_check_in_the_tui_shows_its_result_and_leaks_no_secret() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(live_check());
}

async fn live_check() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": TOKEN, "token_type": "bearer", "expires_in": 3599, "scope": "api@example.com"
        })))
        .mount(&server)
        .await;
    let field = |n: &str, d: &str, t: &str| {
        json!({"name": n, "displayName": d, "dataType": t, "length": 255,
        "updateable": true, "crmManaged": true, "searchableFields": [], "fields": []})
    };
    Mock::given(method("GET"))
        .and(path("/rest/v1/leads/describe2.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "requestId": "a1", "success": true,
            "result": [{"name": "API Lead", "searchableFields": [], "fields": [
                field("firstName", "First Name", "string"), field("email", "Email Address", "email")]}]
        })))
        .mount(&server)
        .await;

    let uri = server.uri();
    // The tmux session is driven from a blocking thread so the mock server keeps answering.
    let (dir, step, preview, after) = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("progress.toml"),
            "version = 1\n\n[setup]\nroles = [\"marketo-admin\"]\nname = \"Ana\"\n",
        )
        .unwrap();
        let cmd = format!(
            "env -u LANG -u LC_ALL MARKETO_BASE_URL={} MARKETO_CLIENT_ID={CLIENT_ID} MARKETO_CLIENT_SECRET={CLIENT_SECRET} \
             MSI_SETUP_SF_CLI=off MSI_SETUP_HYPERLINKS=0 {} --config-dir '{}' --step start-data-sync; echo MSI_EXITED=$?; sleep 600",
            uri,
            env!("CARGO_BIN_EXE_msi-setup"),
            dir.path().display()
        );
        let t = support::Tmux::new("live");
        t.start(None, 100, 30, &cmd);
        t.wait_for("the data-sync step", |s| s.contains("Step 4 of 7"));
        t.keys(&["l"]);
        let step = t.wait_for("the check result", |s| s.contains("Synced fields in Marketo:") && s.contains("[WARN]"));
        t.keys(&["p"]);
        let preview = t.wait_for("the annotated preview", |s| s.contains("Email Address"));
        t.keys(&["q"]);
        let after = t.wait_for("the exit", |s| s.contains("MSI_EXITED="));
        drop(t);
        (dir, step, preview, after)
    })
    .await
    .unwrap();
    assert!(after.contains("MSI_EXITED=0"), "{after}");

    let progress = std::fs::read_to_string(dir.path().join("progress.toml")).unwrap();
    assert!(
        progress.contains("[checks.marketo-sync-fields]"),
        "{progress}"
    );
    for secret in [CLIENT_ID, CLIENT_SECRET, TOKEN] {
        for (what, text) in [
            ("step screen", &step),
            ("preview", &preview),
            ("exit screen", &after),
        ] {
            assert!(!text.contains(secret), "{secret} on the {what}");
        }
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let p = entry.unwrap().path();
            let bytes = std::fs::read(&p).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{secret} in {}",
                p.display()
            );
        }
    }
    assert!(
        dir.path().join("msi-setup.log").exists(),
        "the log was written"
    );
}
