//! Polling for the real-terminal tests: wait until a condition holds on a settled screen.

use std::time::{Duration, Instant};

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
