//! End-to-end in a real terminal (tmux): fresh config dir → pick a role → tick a sub-step →
//! `q` → start again → resumed at the same place; Ctrl-C quits; the terminal is restored
//! (alternate screen left) every time. Skips loudly when tmux is not installed; CI installs it.

#[path = "support/wait.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(tag: &str) -> Tmux {
        Tmux {
            socket: format!("msi-e2e-{}-{tag}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("tmux {args:?}: {e}"))
    }

    fn start(&self, cmd: &str) {
        let out = self.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "80",
            "-y",
            "24",
            cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn alternate_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Polls the screen until `pred` holds (10 s timeout); returns the screen.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        support::wait_until(|| self.screen(), what, Duration::from_secs(10), pred)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn tmux_available() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "\n*** SKIPPED tmux end-to-end test: `tmux` is not installed. \
             Install it (apt-get install -y tmux) to run it; CI does. ***\n"
        );
    }
    ok
}

fn launch(dir: &Path, extra: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    // After the program exits, print its status and keep the pane open for inspection.
    format!(
        "env -u LANG -u LC_ALL -u LC_MESSAGES TERM=xterm-256color {bin} --config-dir '{}' {extra}; echo MSI_EXITED=$?; sleep 600",
        dir.display()
    )
}

#[test]
fn first_run_tick_quit_and_resume_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    let t = Tmux::new("a");
    t.start(&launch(dir.path(), ""));
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

    // Start again: resumed on the same item, with the resume line.
    let t = Tmux::new("b");
    t.start(&launch(dir.path(), ""));
    let hub = t.wait_for("the resumed hub", |s| s.contains("Setup checklist"));
    assert!(
        hub.contains(">[~] P1"),
        "cursor on the started item:\n{hub}"
    );
    assert!(hub.contains("last change"), "{hub}");
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

#[test]
fn small_window_shows_too_small_and_recovers() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = Tmux::new("c");
    t.start(&launch(dir.path(), "--lang ko"));
    t.wait_for("the welcome screen", |s| s.contains("환영합니다"));
    assert!(
        t.run(&["resize-window", "-t", "e2e", "-x", "60", "-y", "20"])
            .status
            .success()
    );
    t.wait_for("the too-small screen", |s| s.contains("60×20"));
    assert!(
        t.run(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"])
            .status
            .success()
    );
    t.wait_for("the welcome screen again", |s| s.contains("환영합니다"));
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
    assert!(!t.alternate_on());
}

#[test]
fn sigterm_restores_the_terminal() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = Tmux::new("d");
    t.start(&launch(dir.path(), ""));
    t.wait_for("the welcome screen", |s| s.contains("Welcome"));
    let pid = t.run(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&pid.stdout).trim().to_string();
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
