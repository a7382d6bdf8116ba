//! Key → next frame while a background job runs on 1 M rows (issue 14):
//! `cargo bench --bench key_latency [-- --rows N --keys K]`.
//!
//! The wizard sits on the CSV grid of a generated file (default 1 000 000 rows), built without
//! IO as the runtime would feed it. Each "key" is what the event loop does for one key press:
//! `Wizard::update(Msg::Down | Msg::Up | Msg::Help …)` and a full `ui::render` into an 80×24
//! `TestBackend`; the time from the key to the frame drawn is recorded. Three runs, side by
//! side in one process:
//!
//! - **idle**: nothing else runs;
//! - **validating**: `validate_threaded` re-validates the same 1 M rows in a loop on other
//!   threads (what the validation job does; it takes both cores of a 2-core machine);
//! - **searching**: grid searches for a text that is nowhere run back to back on another thread
//!   (what the `/` job does).
//!
//! Prints p50 / p99 / max per run and the ratios to idle. The goal: every key answered within
//! 100 ms while a job runs (typically well under 16 ms). The load average is printed so the
//! figures can be read against how busy the machine was.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use msi_setup::domain::csv_intake::{self as engine, Intake, Mapping, Options, Sample};
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::Progress;
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::ui;
use msi_setup::wizard::csvflow::{FileMeta, Stage};
use msi_setup::wizard::{Effect, Msg, Screen, Shared, Start, Wizard};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn csv(rows: usize) -> Vec<u8> {
    let mut s = String::with_capacity(rows * 60 + 40);
    s.push_str("email,first name,last name,team\n");
    for i in 0..rows {
        let email = if i % 97 == 13 {
            format!("user{i}.example.com")
        } else {
            format!("user{i}@example.com")
        };
        s.push_str(&format!("{email},민준{i},김,Sales\n"));
    }
    s.into_bytes()
}

/// A wizard on the grid of `bytes`, and what the validation job needs to run again.
fn grid_wizard(bytes: &[u8]) -> (Wizard, Intake, Mapping) {
    let now = Timestamp::UNIX_EPOCH;
    let mut p = Progress::default();
    p.setup.roles = vec![Role::MarketoAdmin];
    let mut w = Wizard::new(
        Arc::new(Guide::embedded().unwrap()),
        Catalog::load(Lang::En).unwrap(),
        p,
        Start {
            step: Some(ItemId::InviteUsers),
            ..Start::default()
        },
    );
    w.update(Msg::Resize(80, 24), now);
    w.update(Msg::InviteCsv, now);
    for c in "users.csv".chars() {
        w.update(Msg::Input(c), now);
    }
    let effects = w.update(Msg::Next, now);
    let Some(Effect::LoadCsv { ticket, .. }) = effects.first().cloned() else {
        panic!("no load: {effects:?}");
    };
    let meta = FileMeta {
        size: bytes.len() as u64,
        modified: Some(0),
    };
    let sample = Shared(Arc::new(Sample::from_bytes(bytes)));
    w.update(
        Msg::CsvSampled {
            ticket,
            result: Ok((sample, meta)),
        },
        now,
    );
    w.update(Msg::Next, now);
    let effects = w.update(Msg::Next, now);
    let Some(Effect::ValidateCsv {
        ticket,
        intake,
        mapping,
        ..
    }) = effects
        .iter()
        .find(|e| matches!(e, Effect::ValidateCsv { .. }))
        .cloned()
    else {
        panic!("no validation: {effects:?}");
    };
    let report =
        engine::validate_threaded(bytes, &intake, &mapping, &Options::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    w.update(
        Msg::CsvValidated {
            ticket,
            result: Ok((Shared(Arc::new(report)), Shared(Arc::from(text)))),
        },
        now,
    );
    let Screen::Csv(flow) = &mut w.screen else {
        panic!("not on the CSV flow");
    };
    let Stage::Grid(grid) = &mut flow.stage else {
        panic!("not on the grid");
    };
    let n = grid.checked.view_len();
    grid.checked.rows.select(n / 2);
    (w, *intake, *mapping)
}

/// Presses `keys` keys (moves, `?` and Esc in turn), drawing after each; the latencies.
fn press(w: &mut Wizard, t: &mut Terminal<TestBackend>, keys: usize) -> Vec<Duration> {
    let cycle = [
        Msg::Down,
        Msg::Down,
        Msg::Up,
        Msg::Help,
        Msg::Back,
        Msg::PageDown,
        Msg::PageUp,
    ];
    // Whole cycles, so the help is closed again at the end (Esc without it leaves the grid).
    let keys = keys.div_ceil(cycle.len()) * cycle.len();
    (0..keys)
        .map(|k| {
            let start = Instant::now();
            w.update(cycle[k % cycle.len()].clone(), Timestamp::UNIX_EPOCH);
            t.draw(|f| ui::render(w, f)).unwrap();
            let took = start.elapsed();
            // Keys come from a person, not a loop: leave the job the CPU in between.
            std::thread::sleep(Duration::from_millis(2));
            took
        })
        .collect()
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn arg(args: &[String], name: &str) -> Option<usize> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rows = arg(&args, "--rows").unwrap_or(1_000_000);
    let keys = arg(&args, "--keys").unwrap_or(300);
    let bytes = Arc::new(csv(rows));
    let (mut w, intake, mapping) = grid_wizard(&bytes);
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let load_before = loadavg();
    press(&mut w, &mut t, 20);

    let idle = press(&mut w, &mut t, keys);

    let stop = Arc::new(AtomicBool::new(false));
    let passes = Arc::new(AtomicU64::new(0));
    let validating = {
        let (stop2, passes2, bytes2) = (Arc::clone(&stop), Arc::clone(&passes), Arc::clone(&bytes));
        let (i, m) = (intake.clone(), mapping.clone());
        let job = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let r = engine::validate_threaded(
                    bytes2.as_slice(),
                    &i,
                    &m,
                    &Options::default(),
                    &mut |_| {
                        if stop2.load(Ordering::Relaxed) {
                            ControlFlow::Break(())
                        } else {
                            ControlFlow::Continue(())
                        }
                    },
                );
                if r.is_ok() {
                    passes2.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        let lat = press(&mut w, &mut t, keys);
        stop.store(true, Ordering::Relaxed);
        job.join().unwrap();
        lat
    };

    stop.store(false, Ordering::Relaxed);
    let searches = Arc::new(AtomicU64::new(0));
    let searching = {
        let (stop2, searches2) = (Arc::clone(&stop), Arc::clone(&searches));
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let Screen::Csv(flow) = &w.screen else {
            panic!("not on the CSV flow")
        };
        let Stage::Grid(grid) = &flow.stage else {
            panic!("not on the grid")
        };
        let report = Arc::clone(&grid.checked.report.0);
        let delimiter = intake.dialect.delimiter;
        let job = std::thread::spawn(move || {
            let needle = engine::Needle::new("no-such-user").unwrap();
            let offset = |p: usize| report.rows.get(p).map(|r| r.offset);
            while !stop2.load(Ordering::Relaxed) {
                let found = engine::find_next(
                    &text,
                    delimiter,
                    report.rows.len(),
                    0,
                    &needle,
                    &offset,
                    &mut |_| {
                        if stop2.load(Ordering::Relaxed) {
                            ControlFlow::Break(())
                        } else {
                            ControlFlow::Continue(())
                        }
                    },
                );
                if found == Ok(None) {
                    searches2.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        let lat = press(&mut w, &mut t, keys);
        stop.store(true, Ordering::Relaxed);
        job.join().unwrap();
        lat
    };

    println!(
        "key_latency: {rows} rows, {keys} keys per run, 80x24, load average {load_before} -> {}",
        loadavg()
    );
    println!(
        "(background: {} full validations, {} searches without a match finished during the runs)",
        passes.load(Ordering::Relaxed),
        searches.load(Ordering::Relaxed)
    );
    println!(
        "{:<11} {:>9} {:>9} {:>9}",
        "run", "p50 ms", "p99 ms", "max ms"
    );
    let mut base = None;
    for (name, mut lat) in [
        ("idle", idle),
        ("validating", validating),
        ("searching", searching),
    ] {
        let (p50, p99, max) = (pct(&mut lat, 0.5), pct(&mut lat, 0.99), pct(&mut lat, 1.0));
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let b = *base.get_or_insert(p99);
        println!(
            "{name:<11} {:>9.2} {:>9.2} {:>9.2}   p99 {:.2}x idle  {}",
            ms(p50),
            ms(p99),
            ms(max),
            p99.as_secs_f64() / b.as_secs_f64(),
            if max <= Duration::from_millis(100) {
                "goal met (<= 100 ms)"
            } else {
                "GOAL MISSED (<= 100 ms)"
            }
        );
    }
}
