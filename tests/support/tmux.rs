//! The real-terminal test harness: a private tmux server per test, keys in, settled screens out.
//! Without tmux the tests that use it are ignored (failed under `CI`); see `tests/tty/main.rs`.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A tmux server of its own (`-L` socket) with one session, killed when dropped.
pub struct Tmux {
    socket: String,
}

/// The session's name.
const SESSION: &str = "t";

impl Tmux {
    /// A server named after the test process and `tag`.
    pub fn new(tag: &str) -> Tmux {
        // Unique per test process and per server: tests of one crate share the process.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Tmux {
            socket: format!("msi-test-{}-{n}-{tag}", std::process::id()),
        }
    }

    /// Runs a tmux command on this server.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("tmux {args:?}: {e}"))
    }

    /// A `width`×`height` session running `cmd` (in `dir`, when given).
    pub fn start(&self, dir: Option<&Path>, width: u16, height: u16, cmd: &str) {
        let (w, h) = (width.to_string(), height.to_string());
        let mut args = vec!["new-session", "-d", "-s", SESSION, "-x", &w, "-y", &h];
        let dir = dir.map(|d| d.to_string_lossy().into_owned());
        if let Some(d) = &dir {
            args.extend(["-c", d]);
        }
        args.push(cmd);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Sends keys (tmux key names).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", SESSION];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        assert!(
            self.run(&["send-keys", "-t", SESSION, "-l", text])
                .status
                .success()
        );
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", SESSION]).stdout)
            .into_owned()
    }

    /// Whether the program is on the alternate screen (a restored terminal is not).
    pub fn alternate_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "-t", SESSION, "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// A format value of the pane (`#{pane_pid}`, ...).
    pub fn pane(&self, format: &str) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["display-message", "-p", "-t", SESSION, format])
                .stdout,
        )
        .trim()
        .to_string()
    }

    /// Resizes the window.
    pub fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        assert!(
            self.run(&["resize-window", "-t", SESSION, "-x", &w, "-y", &h])
                .status
                .success()
        );
    }

    /// Polls until `pred` holds on a settled screen (45 s timeout: generous, as a loaded 2-core
    /// machine runs these side by side); returns that screen.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        wait_until(|| self.screen(), what, Duration::from_secs(45), pred)
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

/// Whether tmux can run here.
pub fn installed() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Polls `capture` until `pred` holds on two identical captures in a row (a capture can land
/// in the middle of a redraw), or panics after `timeout` showing the last screen.
pub fn wait_until(
    capture: impl Fn() -> String,
    what: &str,
    timeout: Duration,
    pred: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + timeout;
    let mut last = String::new();
    loop {
        let s = capture();
        if pred(&s) && s == last {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; screen:\n{s}"
        );
        last = s;
        std::thread::sleep(Duration::from_millis(20));
    }
}
