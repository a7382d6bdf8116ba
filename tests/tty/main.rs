//! Real-terminal tests: the binary runs in a private tmux server, keys go in, settled screens
//! come out, and the terminal must be restored afterwards.
//!
//! They need `tmux`. Without it they are reported as *ignored* in the test summary (with a
//! line saying why on stdout), except when `CI` is set: then they run and fail, because CI
//! installs tmux (`.ci/run`) and a silent skip there would hide a broken test. This crate uses
//! `libtest-mimic` (`harness = false`) so that the skip is decided at run time and shows in
//! the summary; add a new test to [`TESTS`].
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../support/tmux.rs"]
mod tmux;

mod tmux_csv;
mod tmux_e2e;
mod tmux_handoff;
mod tmux_live;
mod tmux_plain;
mod tmux_screens;
mod tmux_search;

mod shells;

use libtest_mimic::{Arguments, Trial};

/// Every real-terminal test: name and body.
const TESTS: &[(&str, fn())] = &[
    (
        "tmux_e2e::first_run_tick_quit_and_resume_in_a_real_terminal",
        tmux_e2e::first_run_tick_quit_and_resume_in_a_real_terminal,
    ),
    (
        "tmux_e2e::small_window_shows_too_small_and_recovers",
        tmux_e2e::small_window_shows_too_small_and_recovers,
    ),
    (
        "tmux_e2e::sigterm_restores_the_terminal",
        tmux_e2e::sigterm_restores_the_terminal,
    ),
    (
        "tmux_e2e::every_signal_from_outside_restores_the_terminal_and_exits_128_plus_n",
        tmux_e2e::every_signal_from_outside_restores_the_terminal_and_exits_128_plus_n,
    ),
    (
        "tmux_csv::a_cp949_korean_csv_is_mapped_checked_exported_and_recorded",
        tmux_csv::a_cp949_korean_csv_is_mapped_checked_exported_and_recorded,
    ),
    (
        "tmux_handoff::ana_writes_the_hand_off_and_bo_merges_it_in_the_wizard",
        tmux_handoff::ana_writes_the_hand_off_and_bo_merges_it_in_the_wizard,
    ),
    (
        "tmux_csv::a_file_over_the_seats_records_at_most_the_seats_left",
        tmux_csv::a_file_over_the_seats_records_at_most_the_seats_left,
    ),
    (
        "tmux_live::a_live_check_in_the_tui_shows_its_result_and_leaks_no_secret",
        tmux_live::a_live_check_in_the_tui_shows_its_result_and_leaks_no_secret,
    ),
    (
        "tmux_screens::korean_step_footers_keep_preview_route_and_check_keys",
        tmux_screens::korean_step_footers_keep_preview_route_and_check_keys,
    ),
    (
        "tmux_plain::plain_mode_in_a_dumb_terminal_hides_typed_secrets",
        tmux_plain::plain_mode_in_a_dumb_terminal_hides_typed_secrets,
    ),
    (
        "tmux_search::a_search_with_no_match_says_so_and_keys_stay_answered",
        tmux_search::a_search_with_no_match_says_so_and_keys_stay_answered,
    ),
];

/// Tests that need another program than tmux: (name, program, body). Ignored (with a line
/// saying why) where the program is missing; failed under CI, which installs it.
const TOOL_TESTS: &[(&str, &str, fn())] = &[
    (
        "shells::zsh_accepts_the_completion_script",
        "zsh",
        shells::zsh_accepts_the_completion_script,
    ),
    (
        "shells::fish_accepts_the_completion_script_and_completes_positionals",
        "fish",
        shells::fish_accepts_the_completion_script_and_completes_positionals,
    ),
];

fn main() {
    let args = Arguments::from_args();
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let skip = !tmux::installed() && !ci;
    if skip {
        println!(
            "\nmsi-setup: `tmux` is not installed, so the {} real-terminal tests are IGNORED. \
             Install tmux (apt-get install -y tmux) to run them; CI does, and with CI set they \
             fail instead of being ignored.\n",
            TESTS.len()
        );
    }
    let mut trials: Vec<Trial> = TESTS
        .iter()
        .map(|&(name, body)| {
            Trial::test(name, move || {
                if !tmux::installed() {
                    return Err("`tmux` is not installed, but CI is set: CI must install it".into());
                }
                body();
                Ok(())
            })
            .with_ignored_flag(skip)
        })
        .collect();
    for &(name, tool, body) in TOOL_TESTS {
        let have = shells::installed(tool);
        if !have && !ci {
            println!(
                "msi-setup: `{tool}` is not installed, so `{name}` is IGNORED. Install {tool} to \
                 run it; CI does, and with CI set it fails instead."
            );
        }
        trials.push(
            Trial::test(name, move || {
                if !shells::installed(tool) {
                    return Err(format!(
                        "`{tool}` is not installed, but CI is set: CI must install it"
                    )
                    .into());
                }
                body();
                Ok(())
            })
            .with_ignored_flag(!have && !ci),
        );
    }
    libtest_mimic::run(&args, trials).exit();
}
