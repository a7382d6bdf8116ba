//! In a real terminal (tmux): the grid search on a large file runs in the background. A text
//! that is nowhere ends with a line saying so; `?` pressed right after Enter opens the key help
//! at once (the search does not hold the keys); `q` quits and restores the terminal. Needs tmux.

use crate::tmux_csv::at_invite_step;

pub fn a_search_with_no_match_says_so_and_keys_stay_answered() {
    let mut text = String::from("email,first name,last name,team\n");
    for n in 0..200_000 {
        text.push_str(&format!("user{n}@example.com,Name{n},Kim,Sales\n"));
    }
    let (_dir, t) = at_invite_step("s", "users.csv", text.as_bytes(), "Ana", "en");
    t.wait_for("the invite step", |s| s.contains("u ") && s.contains("CSV"));
    t.keys(&["u"]);
    t.wait_for("the file picker", |s| {
        s.contains("users.csv") || s.contains("CSV")
    });
    t.type_text("users.csv");
    t.keys(&["Enter"]);
    t.wait_for("the intake screen", |s| s.contains("UTF-8"));
    t.keys(&["c"]);
    t.wait_for("the mapping screen", |s| s.contains("email (1)"));
    t.keys(&["c"]);
    t.wait_for("the grid", |s| s.contains("All rows (200000)"));

    t.keys(&["/"]);
    t.type_text("nowhere");
    t.keys(&["Enter", "?"]);
    t.wait_for("the key help, while or after the search", |s| {
        s.contains("Keys")
    });
    t.keys(&["Escape"]);
    let grid = t.wait_for("the no-match line", |s| {
        s.contains("No row contains “nowhere”.")
    });
    assert!(
        grid.contains(">2 "),
        "the cursor stayed on the first row:\n{grid}"
    );

    t.keys(&["q"]);
    let after = t.wait_for("the exit", |s| s.contains("MSI_EXITED="));
    assert!(after.contains("MSI_EXITED=0"), "{after}");
    assert!(!t.alternate_on(), "the terminal must be restored after q");
}
