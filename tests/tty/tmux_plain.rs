//! Plain mode in a real terminal (tmux) under `TERM=dumb`: never the alternate screen, answers
//! typed line by line, and a secret typed into the credentials questions is not echoed.

use crate::tmux::Tmux;

pub fn plain_mode_in_a_dumb_terminal_hides_typed_secrets() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    let cmd = format!(
        "env -u LANG -u LC_ALL -u LC_MESSAGES -u SF_INSTANCE_URL -u SF_ACCESS_TOKEN TERM=dumb \
         MSI_SETUP_SF_CLI=off MSI_SETUP_HTTP_TIMEOUT_MS=1500 MSI_SETUP_RETRY_BASE_MS=2 \
         {bin} --config-dir '{}'; echo MSI_EXITED=$?; sleep 600",
        dir.path().display()
    );
    let t = Tmux::new("p");
    t.start(None, 100, 40, &cmd);
    t.wait_for("the language question", |s| {
        s.contains("Language (Enter keeps")
    });
    assert!(
        !t.alternate_on(),
        "plain mode never uses the alternate screen"
    );
    for answer in ["1", "2", ""] {
        t.type_text(answer);
        t.keys(&["Enter"]);
    }
    t.wait_for("the hub", |s| s.contains("Your choice (1-9, c, r, q)"));
    for answer in ["8", "K", "http://127.0.0.1:9"] {
        t.type_text(answer);
        t.keys(&["Enter"]);
    }
    t.wait_for("the secret question", |s| {
        s.contains("Access token (not shown):")
    });
    t.type_text("TOPSECRET-typed-0042");
    t.keys(&["Enter"]);
    let asked = t.wait_for("the remember question", |s| s.contains("(y = yes, n = no)"));
    assert!(
        !asked.contains("TOPSECRET"),
        "the secret was echoed:\n{asked}"
    );
    t.type_text("n");
    t.keys(&["Enter"]);
    let done = t.wait_for("the check's verdict", |s| s.contains("Checking "));
    assert!(!done.contains("TOPSECRET"), "{done}");
    t.wait_for("the next question", |s| {
        s.trim_end()
            .ends_with("Your choice (1-13, d, s, b, t, v, l, K, n, 0, q):")
    });
    t.type_text("q");
    t.keys(&["Enter"]);
    let after = t.wait_for("the exit", |s| s.contains("MSI_EXITED="));
    assert!(after.contains("MSI_EXITED=0"), "{after}");
    assert!(!after.contains("TOPSECRET"), "{after}");
    assert!(!t.alternate_on());
    let saved =
        std::fs::read_to_string(dir.path().join("progress.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(!saved.contains("TOPSECRET"));
    assert!(saved.contains("salesforce-admin"), "{saved}");
}
