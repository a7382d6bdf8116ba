//! Korean at 80×24 in a real terminal: the step screens keep their own keys in the footer
//! (issue 10): `p` (field preview) on *Start the data sync*, `v` (route) and `l` (checks) on
//! *Install or upgrade the package*.

use crate::tmux::Tmux;

fn launch(dir: &std::path::Path, step: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    format!(
        "env -u LANG -u LC_ALL -u LC_MESSAGES TERM=xterm-256color MSI_SETUP_HYPERLINKS=0 {bin} --config-dir '{}' --lang ko --step {step}; echo MSI_EXITED=$?; sleep 600",
        dir.display()
    )
}

/// The bottom rows of the pane (the footer takes one or two).
fn footer(screen: &str) -> String {
    let rows: Vec<&str> = screen.lines().collect();
    rows[rows.len().saturating_sub(2)..].join("\n")
}

pub fn korean_step_footers_keep_preview_route_and_check_keys() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("progress.toml"),
        "version = 1\n\n[setup]\nroles = [\"marketo-admin\", \"salesforce-admin\"]\nlang = \"ko\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let t = Tmux::new("ko4");
    t.start(None, 80, 24, &launch(dir.path(), "start-data-sync"));
    let s = t.wait_for("step 4 in Korean", |s| s.contains("단계 4/7"));
    let f = footer(&s);
    assert!(f.contains(" p "), "no `p`:\n{s}");
    assert!(f.contains(" q "), "no `q`:\n{s}");
    t.keys(&["p"]);
    t.wait_for("the field preview", |s| !s.contains("단계 4/7"));
    t.keys(&["Escape"]);
    t.wait_for("back on step 4", |s| s.contains("단계 4/7"));
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
    drop(t);

    let t = Tmux::new("ko6");
    t.start(None, 80, 24, &launch(dir.path(), "install-package"));
    let s = t.wait_for("step 6 in Korean", |s| s.contains("단계 6/7"));
    let f = footer(&s);
    assert!(f.contains(" v "), "no `v`:\n{s}");
    assert!(f.contains(" l "), "no `l`:\n{s}");
    assert!(f.contains(" q "), "no `q`:\n{s}");
    t.keys(&["v"]);
    t.wait_for("the other route", |s| {
        s.contains("업그레이드") && s.contains("경로")
    });
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
}
