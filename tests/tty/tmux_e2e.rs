//! End-to-end in a real terminal (tmux): fresh config dir → pick a role → tick a sub-step →
//! `q` → start again → resumed at the same place; Ctrl-C quits; the terminal is restored
//! (alternate screen left) every time. Needs tmux (see `main.rs`).

use crate::tmux as support;

use support::Tmux;

use std::path::Path;
use std::process::Command;

fn launch(dir: &Path, extra: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    // After the program exits, print its status and keep the pane open for inspection.
    format!(
        "env -u LANG -u LC_ALL -u LC_MESSAGES TERM=xterm-256color MSI_SETUP_HYPERLINKS=0 {bin} --config-dir '{}' {extra}; echo MSI_EXITED=$?; sleep 600",
        dir.display()
    )
}

pub fn first_run_tick_quit_and_resume_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    let t = Tmux::new("a");
    t.start(None, 80, 24, &launch(dir.path(), ""));
    t.wait_for("the welcome screen", |s| {
        s.contains("Welcome to the MSI Actions setup")
    });
    assert!(t.alternate_on(), "the TUI should use the alternate screen");
    // Rows: English, 繁體中文, 한국어, Marketo admin, Salesforce admin, name, Start.
    t.keys(&["Down", "Down", "Down", "Space", "Enter"]);
    let hub = t.wait_for("the hub", |s| s.contains("Setup checklist"));
    assert!(hub.contains(">[ ] P1"), "cursor on the first item:\n{hub}");
    t.keys(&["Enter"]);
    t.wait_for("the first prerequisite", |s| {
        s.contains("Sub-steps") && s.contains("Prerequisite 1 of 2")
    });
    t.keys(&["Space"]);
    t.wait_for("a ticked sub-step", |s| s.contains(">[x]  1."));
    t.keys(&["q"]);
    let after = t.wait_for("the exit", |s| s.contains("MSI_EXITED="));
    assert!(after.contains("MSI_EXITED=0"), "{after}");
    assert!(after.contains("Progress saved in"), "{after}");
    assert!(!t.alternate_on(), "the terminal must be restored after q");
    drop(t);

    let saved =
        std::fs::read_to_string(dir.path().join("progress.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(saved.contains("roles = [\"marketo-admin\"]"), "{saved}");
    assert!(saved.contains("[items.prereq-actions-enabled]"), "{saved}");
    assert!(saved.contains("status = \"in-progress\""), "{saved}");

    // Start again: back on the screen and sub-step where it quit, with the resume line.
    assert!(saved.contains("[resume]"), "{saved}");
    let t = Tmux::new("b");
    t.start(None, 80, 24, &launch(dir.path(), ""));
    let step = t.wait_for("the resumed step", |s| {
        s.contains("Sub-steps") && s.contains("Prerequisite 1 of 2")
    });
    assert!(
        step.contains(">[x]  1."),
        "cursor on the ticked sub-step:\n{step}"
    );
    assert!(step.contains("last change"), "{step}");
    t.keys(&["Escape"]);
    let hub = t.wait_for("the hub", |s| s.contains("Setup checklist"));
    assert!(
        hub.contains(">[~] P1"),
        "cursor on the started item:\n{hub}"
    );
    t.keys(&["Enter"]);
    let step = t.wait_for("the step", |s| s.contains("Sub-steps"));
    assert!(step.contains("[x]  1."), "the tick survived:\n{step}");
    // Ctrl-C quits from inside an overlay with a text field, and restores the terminal.
    t.keys(&["s", "a", "b"]);
    t.wait_for("the reason overlay", |s| s.contains("Skip this step"));
    t.keys(&["C-c"]);
    let after = t.wait_for("the exit", |s| s.contains("MSI_EXITED="));
    assert!(after.contains("MSI_EXITED=0"), "{after}");
    assert!(
        !t.alternate_on(),
        "the terminal must be restored after Ctrl-C"
    );
}

pub fn small_window_shows_too_small_and_recovers() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = Tmux::new("c");
    t.start(None, 80, 24, &launch(dir.path(), "--lang ko"));
    t.wait_for("the welcome screen", |s| s.contains("환영합니다"));
    t.resize(60, 20);
    t.wait_for("the too-small screen", |s| s.contains("60×20"));
    t.resize(100, 30);
    t.wait_for("the welcome screen again", |s| s.contains("환영합니다"));
    t.keys(&["q"]);
    let after = t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
    assert!(!t.alternate_on());
    // Quit on the welcome screen of a first run: nothing was written, and it says so.
    assert!(
        !dir.path().join("progress.toml").exists(),
        "quitting the welcome screen wrote a progress file"
    );
    assert!(after.contains("저장된 내용이 없습니다"), "{after}");
    assert!(!after.contains("저장되었습니다"), "{after}");
}

pub fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = Tmux::new("d");
    t.start(None, 80, 24, &launch(dir.path(), ""));
    t.wait_for("the welcome screen", |s| s.contains("Welcome"));
    let shell = t.pane("#{pane_pid}");
    // The pane runs `sh -c`; its child is msi-setup.
    let out = Command::new("pkill")
        .args(["-TERM", "-P", &shell, "msi-setup"])
        .output();
    assert!(
        out.is_ok_and(|o| o.status.success()),
        "could not signal msi-setup"
    );
    t.wait_for("the exit", |s| s.contains("MSI_EXITED="));
    assert!(
        !t.alternate_on(),
        "the terminal must be restored after SIGTERM"
    );
}

/// `kill -SIG` from outside, for every signal that ends a terminal program: the terminal comes
/// back (no alternate screen, canonical mode and echo on again) and the exit code is 128 + N.
pub fn every_signal_from_outside_restores_the_terminal_and_exits_128_plus_n() {
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    for (name, n) in [
        ("INT", 2),
        ("QUIT", 3),
        ("USR1", 10),
        ("ALRM", 14),
        ("TERM", 15),
        ("HUP", 1),
    ] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let t = Tmux::new(&format!("sig{n}"));
        // After the exit: the status, then the terminal's mode words as `stty` sees them.
        let cmd = format!(
            "env -u LANG -u LC_ALL -u LC_MESSAGES TERM=xterm-256color MSI_SETUP_HYPERLINKS=0 {bin} --config-dir '{}'; \
             echo MSI_EXITED=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | sed 's/^/MODE=/'; sleep 600",
            dir.path().display()
        );
        t.start(None, 80, 24, &cmd);
        t.wait_for("the welcome screen", |s| s.contains("Welcome"));
        let shell = t.pane("#{pane_pid}");
        let out = Command::new("pkill")
            .args([&format!("-{name}"), "-P", &shell, "msi-setup"])
            .output();
        assert!(
            out.is_ok_and(|o| o.status.success()),
            "could not send SIG{name}"
        );
        let screen = t.wait_for("the exit and the modes", |s| {
            s.contains("MSI_EXITED=") && s.contains("MODE=") && s.matches("MODE=").count() >= 2
        });
        assert!(
            screen.contains(&format!("MSI_EXITED={}", 128 + n)),
            "SIG{name}: exit code must be {}:\n{screen}",
            128 + n
        );
        assert!(
            screen.contains("MODE=icanon") && screen.contains("MODE=echo"),
            "SIG{name}: raw mode left on:\n{screen}"
        );
        assert!(!t.alternate_on(), "SIG{name}: alternate screen left on");
    }
}
