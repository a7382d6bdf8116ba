//! The hand-off in real terminals: Ana (Marketo admin) presses `h` on the hub and a hand-off file
//! appears in the current directory; Bo (Salesforce admin), in the same directory, presses `m`,
//! picks it, sees the preview and merges with `y`; his progress file then holds Ana's steps.

use crate::tmux as support;

use support::Tmux;

use std::path::Path;

fn launch(dir: &Path) -> String {
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    format!(
        "env -u LANG -u LC_ALL -u LC_MESSAGES TERM=xterm-256color TZ=UTC MSI_SETUP_HYPERLINKS=0 {bin} --config-dir '{}'; echo MSI_EXITED=$?; sleep 600",
        dir.display()
    )
}

fn setup(dir: &Path, role: &str, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("progress.toml"),
        format!("version = 1\n\n[setup]\nroles = [\"{role}\"]\nname = \"{name}\"\nlang = \"en\"\n"),
    )
    .unwrap();
}

pub fn ana_writes_the_hand_off_and_bo_merges_it_in_the_wizard() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("A"), tmp.path().join("B"));
    setup(&a, "marketo-admin", "Ana");
    setup(&b, "salesforce-admin", "Bo");
    let mark = std::process::Command::new(env!("CARGO_BIN_EXE_msi-setup"))
        .arg("--config-dir")
        .arg(&a)
        .args([
            "mark",
            "connect-marketo",
            "blocked",
            "--reason",
            "no API user yet",
        ])
        .output()
        .unwrap();
    assert!(mark.status.success(), "{mark:?}");

    let t = Tmux::new("ho-a");
    t.start(Some(tmp.path()), 80, 24, &launch(&a));
    t.wait_for("Ana's hub", |s| s.contains("Setup checklist"));
    t.keys(&["h"]);
    let written = t.wait_for("the file written", |s| s.contains("Hand-off file written"));
    assert!(written.contains("Salesforce admin"), "{written}");
    t.keys(&["Escape"]);
    t.wait_for("the hub again", |s| s.contains("Setup checklist"));
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
    drop(t);
    let files: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("msi-setup-handoff-"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");

    let t = Tmux::new("ho-b");
    t.start(Some(tmp.path()), 80, 24, &launch(&b));
    t.wait_for("Bo's hub", |s| s.contains("Setup checklist"));
    t.keys(&["m"]);
    let pick = t.wait_for("the picker", |s| s.contains("Choose the file"));
    assert!(pick.contains("Ana (Marketo admin)"), "{pick}");
    t.keys(&["Enter"]);
    let preview = t.wait_for("the preview", |s| s.contains("changes this"));
    assert!(preview.contains("blocked"), "{preview}");
    t.keys(&["y"]);
    t.wait_for("the merge", |s| s.contains("Merged."));
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
    drop(t);
    let saved = std::fs::read_to_string(b.join("progress.toml")).unwrap();
    assert!(saved.contains("[items.connect-marketo]"), "{saved}");
    assert!(saved.contains("no API user yet"), "{saved}");
    assert!(saved.contains("updated-by = \"Ana\""), "{saved}");
}
