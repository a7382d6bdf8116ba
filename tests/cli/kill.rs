//! Kill-mid-save: the real binary runs `mark` again and again while the test SIGKILLs it at
//! pseudo-random moments. After every kill the progress file (if any) must parse, be version 1
//! and hold a state that some run really saved; the backup likewise; the next open must find no
//! damage and sweep every temp file.
//!
//! The delays are drawn from a seeded xorshift (set `KILL_SEED` to replay a run) and scaled to
//! the measured length of one `mark` run, so most kills land while the process is running.
#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use msi_setup::domain::progress::{Progress, Status, VERSION};
use msi_setup::store::{BACKUP, FILE, Store};

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");
const ITEM: &str = "setup-sales-account";
const SIGKILL: i32 = 9;
/// Kills that must land while the process runs.
const MIN_KILLS: usize = 100;
const MIN_ITERATIONS: usize = 300;
const MAX_ITERATIONS: usize = 600;
const BUDGET: Duration = Duration::from_secs(60);

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// Uniform-ish in `0..=max`.
    fn below(&mut self, max: u64) -> u64 {
        self.next() % (max + 1)
    }
}

/// Iteration `i` marks the step blocked or skipped (alternately) with reason `r{i}`.
fn status_of(i: usize) -> Status {
    if i.is_multiple_of(2) {
        Status::Blocked
    } else {
        Status::Skipped
    }
}

fn mark(dir: &Path, i: usize) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--config-dir")
        .arg(dir)
        .args(["mark", ITEM, status_of(i).as_str(), "--reason"])
        .arg(format!("r{i}"))
        .args(["--by", "kill-test"])
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("MSI_SETUP_CONFIG_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// The iteration whose state `text` holds; panics on anything that is not a really saved state.
fn saved_iteration(text: &str, what: &str, upto: usize) -> usize {
    let p = Progress::from_toml(text)
        .unwrap_or_else(|e| panic!("{what} does not parse: {e}\n{text:?}"));
    assert_eq!(p.version, VERSION, "{what}: version");
    assert_eq!(p.items.len(), 1, "{what}: exactly the one item: {text}");
    let item = p.item(ITEM.parse().expect("item id"));
    let reason = item
        .reason
        .as_deref()
        .unwrap_or_else(|| panic!("{what}: no reason: {text}"));
    let j: usize = reason
        .strip_prefix('r')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{what}: reason {reason:?} was never written"));
    assert!(
        j <= upto,
        "{what}: r{j} is from the future (iteration {upto})"
    );
    assert_eq!(item.status, status_of(j), "{what}: status of r{j}");
    assert_eq!(item.updated_by.as_deref(), Some("kill-test"), "{what}");
    assert!(item.updated_at.is_some(), "{what}: updated-at");
    j
}

fn temps(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".progress.toml.")
                })
                .count()
        })
        .unwrap_or(0)
}

fn corrupt_copies(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".corrupt-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `mark` to completion and returns how long it took.
fn full_run(dir: &Path, i: usize) -> Duration {
    let t = Instant::now();
    let st = mark(dir, i).status().expect("spawn mark");
    assert!(st.success(), "an unkilled mark must succeed: {st:?}");
    t.elapsed()
}

#[test]
fn sigkill_during_mark_never_leaves_a_torn_or_invented_state() {
    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15_u64);
    let mut rng = XorShift(seed | 1);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("cfg");

    // Calibrate the delays to how long one run takes here (debug build, this machine, this load).
    // Iterations 0..3 are these complete runs; their states are real saves.
    let run = (0..3).map(|i| full_run(&dir, i)).max().unwrap_or_default();
    // No upper cap: on a slow or loaded machine one run can take far longer than usual, and a
    // cap below the run's length would kill every run before its save.
    let mut max_delay_us = u64::try_from(run.as_micros() * 6 / 5)
        .unwrap_or(u64::MAX)
        .max(500);
    let started = Instant::now();

    let mut floor = 2; // the newest iteration known to have committed
    let mut last_seen = 2;
    let (mut killed_running, mut after_exit, mut left_temps, mut changed_by_killed) = (0, 0, 0, 0);
    let mut i = 3;
    while i < MAX_ITERATIONS
        && (i < MIN_ITERATIONS || killed_running < MIN_KILLS)
        && started.elapsed() < BUDGET
    {
        // Half the kills anywhere in the run, half in its second half, where the save happens.
        let delay_us = if rng.next().is_multiple_of(2) {
            rng.below(max_delay_us)
        } else {
            max_delay_us / 2 + rng.below(max_delay_us / 2)
        };
        let delay = Duration::from_micros(delay_us);
        let mut child = mark(&dir, i).spawn().expect("spawn mark");
        let t0 = Instant::now();
        while t0.elapsed() < delay {
            if child.try_wait().expect("try_wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        let _ = child.kill(); // SIGKILL; a no-op when it already exited
        let st: ExitStatus = child.wait().expect("wait");
        let was_killed = st.signal() == Some(SIGKILL);
        if was_killed {
            killed_running += 1;
        } else {
            assert!(
                st.success(),
                "iteration {i}: mark failed on its own: {st:?}"
            );
            after_exit += 1;
            floor = i;
        }

        // The file always parses and holds a state that really was saved, no older than the last
        // one seen and no older than the last run known to have finished.
        let path = dir.join(FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).expect("progress file is UTF-8");
                let j = saved_iteration(&text, "progress.toml", i);
                assert!(
                    j >= floor,
                    "iteration {i}: r{j} is older than the finished r{floor}"
                );
                assert!(
                    j >= last_seen,
                    "iteration {i}: went back from r{last_seen} to r{j}"
                );
                if was_killed && j == i {
                    changed_by_killed += 1;
                }
                // Follow the machine's speed (other tests, other builds): runs that exit before
                // the kill mean the delays are too long; kills that never land after a save mean
                // they are too short. Either way most kills keep landing around the save.
                if !was_killed {
                    max_delay_us = (max_delay_us * 9 / 10).max(500);
                } else if j != i {
                    max_delay_us += max_delay_us / 20;
                }
                last_seen = j;
                if let Ok(bak) = std::fs::read_to_string(dir.join(BACKUP)) {
                    let k = saved_iteration(&bak, "progress.toml.bak", i);
                    assert!(
                        k <= j,
                        "iteration {i}: backup r{k} newer than the file r{j}"
                    );
                }
            }
            Err(e) => panic!("iteration {i}: progress.toml vanished after being saved: {e}"),
        }
        let corrupt = corrupt_copies(&dir);
        assert!(
            corrupt.is_empty(),
            "iteration {i}: a run saw damage: {corrupt:?}"
        );

        // The next open finds nothing damaged and sweeps whatever the kill left.
        let strays = temps(&dir);
        if strays > 0 {
            left_temps += 1;
        }
        let opened = Store::open(&dir, Timestamp::now()).expect("open after kill");
        assert!(
            opened.notices.is_empty(),
            "iteration {i}: {:?}",
            opened.notices
        );
        assert_eq!(
            opened.progress.item(ITEM.parse().expect("item id")).reason,
            Some(format!("r{last_seen}")),
            "iteration {i}: the store loads what is on disk"
        );
        assert_eq!(
            temps(&dir),
            0,
            "iteration {i}: temp files survived the open"
        );
        drop(opened);
        i += 1;
    }

    // `status` still reads it, and nothing was left behind.
    let out = Command::new(BIN)
        .arg("--config-dir")
        .arg(&dir)
        .args(["status", "--json"])
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("MSI_SETUP_CONFIG_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("status");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("\"r{last_seen}\"")));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(FILE))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the file stays private after all the kills"
        );
    }

    eprintln!(
        "kill test (seed {seed:#x}): {} runs in {:.1?}; one run takes ~{run:.1?}, delays 0..={max_delay_us} us; \
         {killed_running} SIGKILLed while running ({changed_by_killed} of them after their save \
         committed), {after_exit} had already exited; {left_temps} kills left temp files (swept); \
         final state r{last_seen}",
        i - 3,
        started.elapsed()
    );
    assert!(
        killed_running >= MIN_KILLS,
        "only {killed_running} of {} kills landed while `mark` ran (want {MIN_KILLS})",
        i - 3
    );
    assert!(
        after_exit + changed_by_killed > 0,
        "no run ever committed a save: the kills are too early to test anything"
    );
}
