//! End-to-end in a real terminal (tmux): the CSV invite flow in Korean. A CP949 export with
//! Korean headers is picked by a relative path, read as EUC-KR, one mapping is changed (Team →
//! none), the rows are checked, the plan confirmed, the files written; then the output files and
//! the progress file must hold what the screens said, and the terminal must be restored.
//! Needs tmux (see `main.rs`).

use crate::tmux as support;

use support::Tmux;

/// Ten data rows: one invalid address (line 4), one repeat (line 6, another case).
const USERS: &str = "이름,성,이메일,팀,관리자 이메일\r\n\
    민준,김,minjun.kim@example.com,영업 1팀,jiwoo.han@example.com\r\n\
    서연,이,seoyeon.lee@example.com,마케팅,jiwoo.han@example.com\r\n\
    지호,박,jiho.park@example,영업 1팀,jiwoo.han@example.com\r\n\
    하은,최,haeun.choi@example.com,,jiwoo.han@example.com\r\n\
    민준,김,MINJUN.KIM@example.com,영업 1팀,jiwoo.han@example.com\r\n\
    도윤,정,doyun.jung@example.com,영업 2팀,jiwoo.han@example.com\r\n\
    수아,강,sua.kang@example.com,마케팅,jiwoo.han@example.com\r\n\
    예준,조,yejun.cho@example.com,영업 2팀,jiwoo.han@example.com\r\n\
    시우,윤,siwoo.yoon@example.com,마케팅,jiwoo.han@example.com\r\n\
    지우,한,jiwoo.han@example.com,,\r\n";

/// (email, first name, last name) of the valid, unique rows, in file order.
const EXPECTED: [(&str, &str, &str); 8] = [
    ("minjun.kim@example.com", "민준", "김"),
    ("seoyeon.lee@example.com", "서연", "이"),
    ("haeun.choi@example.com", "하은", "최"),
    ("doyun.jung@example.com", "도윤", "정"),
    ("sua.kang@example.com", "수아", "강"),
    ("yejun.cho@example.com", "예준", "조"),
    ("siwoo.yoon@example.com", "시우", "윤"),
    ("jiwoo.han@example.com", "지우", "한"),
];

/// The shell command the tests run in their pane: the wizard on the config in `dir` with
/// `args`, no locale from the environment, then its exit code, and the pane kept open.
fn wizard_cmd(dir: &std::path::Path, args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    format!(
        "env -u LANG -u LC_ALL -u LC_MESSAGES TERM=xterm-256color MSI_SETUP_HYPERLINKS=0 {bin} --config-dir '{}'{args}; \
         echo MSI_EXITED=$?; sleep 600",
        dir.display()
    )
}

/// The wizard at the invite step in an 80×24 tmux session `session`, started in a temp dir
/// that holds `file` (`bytes`) and a progress file set up for the Marketo admin `name` in
/// `lang`. (Drop the session before the dir: bind them in this order.)
pub fn at_invite_step(
    session: &str,
    file: &str,
    bytes: &[u8],
    name: &str,
    lang: &str,
) -> (tempfile::TempDir, Tmux) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), bytes).unwrap();
    std::fs::write(
        dir.path().join("progress.toml"),
        format!(
            "version = 1\n\n[setup]\nroles = [\"marketo-admin\"]\nname = \"{name}\"\nlang = \"{lang}\"\n"
        ),
    )
    .unwrap();
    let t = Tmux::new(session);
    t.start(
        Some(dir.path()),
        80,
        24,
        &wizard_cmd(dir.path(), " --step invite-users"),
    );
    (dir, t)
}

/// The number right after `label` on the line of `screen` that contains `anchor`.
fn number_after(screen: &str, anchor: &str, label: &str) -> u64 {
    let line = screen
        .lines()
        .find(|l| l.contains(anchor))
        .unwrap_or_else(|| panic!("no line with {anchor:?}:\n{screen}"));
    let rest = &line[line
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {line:?}"))
        + label.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {label:?} in {line:?}"))
}

pub fn a_cp949_korean_csv_is_mapped_checked_exported_and_recorded() {
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(USERS);
    assert!(!unmappable);
    let (dir, t) = at_invite_step("a", "users.csv", &bytes, "민지", "ko");
    t.wait_for("the invite step with i and u", |s| {
        s.contains("i 개별 초대") && s.contains("u CSV로 초대")
    });
    assert!(t.alternate_on(), "the TUI should use the alternate screen");

    // Pick the file by its relative path (the pane runs in the temp dir).
    t.keys(&["u"]);
    t.wait_for("the file picker", |s| s.contains("사용자 CSV 선택"));
    t.type_text("users.csv");
    t.keys(&["Enter"]);
    let intake = t.wait_for("the intake screen", |s| s.contains("EUC-KR"));
    assert!(intake.contains("쉼표"), "comma:\n{intake}");
    assert!(
        intake.contains("이름") && intake.contains("관리자 이메일") && intake.contains("민준"),
        "the Korean headers and names read right:\n{intake}"
    );

    // The mapping: the Korean aliases; Team → (없음).
    t.keys(&["c"]);
    let mapping = t.wait_for("the mapping screen", |s| s.contains("열 매핑"));
    assert!(mapping.contains("> 이메일 *"), "{mapping}");
    assert!(
        mapping
            .lines()
            .any(|l| l.contains("  팀 ") && l.contains("팀 (4)")),
        "Team is suggested from 팀:\n{mapping}"
    );
    t.keys(&["Down", "Down", "Down", "Enter"]);
    t.wait_for("the column list for Team", |s| s.contains("(없음)"));
    t.keys(&["End", "Enter"]);
    let mapping = t.wait_for("Team without a column", |s| {
        !s.contains("(없음)")
            && s.lines()
                .any(|l| l.contains("> 팀 ") && l.contains('—') && !l.contains("팀 (4)"))
    });
    assert!(mapping.contains("이메일 (3)"), "{mapping}");

    // Check every row: the counts line.
    t.keys(&["c"]);
    let grid = t.wait_for("the grid", |s| s.contains("모든 행") && s.contains("유효"));
    let rows = number_after(&grid, "유효", "");
    let valid = number_after(&grid, "유효", "유효");
    let invalid = number_after(&grid, "유효", "무효");
    let duplicates = number_after(&grid, "유효", "중복");
    let needed = number_after(&grid, "유효", "필요");
    assert_eq!(
        (rows, valid, invalid, duplicates, needed),
        (10, 8, 1, 1, 8),
        "{grid}"
    );
    assert!(grid.contains("jiho.park@example"), "{grid}");

    // Plan (p; Enter opens a row's detail), confirm, yes: the files are written.
    t.keys(&["p"]);
    // Wait for the whole screen: a capture can land in the middle of a redraw.
    let plan = t.wait_for("the plan", |s| {
        s.contains("이번에 초대할 새 주소") && s.contains("> users.report.csv") && s.contains("┘")
    });
    assert_eq!(number_after(&plan, "이번에 초대할 새 주소", ":"), needed);
    assert!(
        plan.contains("> users.invite.csv") && plan.contains("> users.report.csv"),
        "{plan}"
    );
    assert!(
        !std::fs::read_to_string(dir.path().join("progress.toml"))
            .unwrap()
            .contains("[[invites]]"),
        "nothing is recorded before the confirm"
    );
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("y 예"));
    t.keys(&["y"]);
    let done = t.wait_for("the done screen", |s| {
        s.contains("아직 아무것도 기록하지 않았습니다") && s.contains("┘")
    });
    let written = number_after(&done, "users.invite.csv을(를) 썼습니다", "초대할 주소");
    assert_eq!(written, needed, "{done}");
    assert!(
        done.contains("Invite Users via CSV"),
        "the click path: {done}"
    );
    assert!(
        !std::fs::read_to_string(dir.path().join("progress.toml"))
            .unwrap()
            .contains("[[invites]]"),
        "writing the files is not inviting"
    );
    // "I clicked Invite in the web app", yes: now the batch is recorded.
    t.keys(&["Enter"]);
    t.wait_for("the sent confirmation", |s| s.contains("┌ 배치 기록"));
    t.keys(&["y"]);
    let done = t.wait_for("the recorded screen", |s| s.contains("진행 파일에 주소"));
    let recorded = number_after(&done, "진행 파일에 주소", "주소");
    assert_eq!(recorded, needed, "{done}");

    t.keys(&["q"]);
    let after = t.wait_for("the exit", |s| s.contains("MSI_EXITED="));
    assert!(after.contains("MSI_EXITED=0"), "{after}");
    assert!(!t.alternate_on(), "the terminal must be restored after q");
    drop(t);

    // The cleaned file: UTF-8 without BOM, the five columns, the valid unique rows, Team empty.
    let clean = std::fs::read(dir.path().join("users.invite.csv")).unwrap();
    assert!(!clean.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let clean = String::from_utf8(clean).expect("UTF-8");
    let mut lines = clean.lines();
    assert_eq!(
        lines.next(),
        Some("Email,First Name,Last Name,Team,Workspace")
    );
    let body: Vec<&str> = lines.collect();
    let want: Vec<String> = EXPECTED
        .iter()
        .map(|(e, first, last)| format!("{e},{first},{last},,Default"))
        .collect();
    assert_eq!(body, want, "{clean}");
    assert_eq!(body.len() as u64, written);

    // The report: every row, with the language's labels.
    let report = std::fs::read_to_string(dir.path().join("users.report.csv")).unwrap();
    let report = report.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let report_rows: Vec<&str> = report.lines().skip(1).collect();
    assert_eq!(report_rows.len() as u64, rows, "{report}");
    assert!(report_rows[2].contains("jiho.park@example"), "{report}");
    assert!(
        report_rows[4].contains("MINJUN.KIM@example.com"),
        "{report}"
    );

    // The progress file: one CSV batch with exactly those addresses; the flow is over.
    let saved = std::fs::read_to_string(dir.path().join("progress.toml")).unwrap();
    let p = msi_setup::domain::progress::Progress::from_toml(&saved).unwrap();
    assert_eq!(p.invites.len(), 1, "{saved}");
    let b = &p.invites[0];
    assert_eq!(b.source, msi_setup::domain::progress::InviteSource::Csv);
    assert!(
        b.emails.is_empty(),
        "the addresses are in the journal: {saved}"
    );
    assert_eq!(b.count, recorded);
    let journal = std::fs::read_to_string(dir.path().join("invited.txt")).unwrap();
    assert_eq!(
        journal.lines().collect::<Vec<_>>(),
        EXPECTED.iter().map(|(e, _, _)| *e).collect::<Vec<_>>()
    );
    assert_eq!(b.file.as_deref(), Some("users.csv"));
    assert_eq!(b.by.as_deref(), Some("민지"));
    assert!(saved.contains("source = \"csv\""), "{saved}");
    assert_eq!(p.csv_flow, None, "{saved}");
    let item = p.item(msi_setup::domain::guide::ItemId::InviteUsers);
    assert_eq!(item.variant.as_deref(), Some("csv"));
    assert!(item.ticked.contains("confirm-csv"), "{saved}");

    // The confirmed mapping is remembered, Team without a column.
    let mappings = std::fs::read_to_string(dir.path().join("mappings.toml")).unwrap();
    assert!(mappings.contains("email = \"이메일\""), "{mappings}");
    assert!(mappings.contains("team = \"\""), "{mappings}");

    // Starting again opens the hub or the step where it quit, never the finished flow.
    let t = Tmux::new("b");
    t.start(Some(dir.path()), 80, 24, &wizard_cmd(dir.path(), ""));
    let hub = t.wait_for("the hub or the step", |s| {
        s.contains("설정 체크리스트") || s.contains("하위 단계")
    });
    assert!(
        hub.contains("설정 체크리스트") || hub.contains("단계 5/7"),
        "{hub}"
    );
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
    assert!(!t.alternate_on());
}

/// The judgement in a real terminal: 150 valid users, 100 seats, every confirm taken.
/// At most 100 are recorded, the screen said how many were left out and where, the left-out
/// file holds the other 50, `status --json` agrees and `progress.toml` stays small.
pub fn a_file_over_the_seats_records_at_most_the_seats_left() {
    let mut text = String::from("email,first_name,last_name\n");
    for n in 0..150 {
        text.push_str(&format!("user{n:03}@example.com,Name{n},Family\n"));
    }
    let (dir, t) = at_invite_step("seats", "staff.csv", text.as_bytes(), "Ana", "en");
    t.wait_for("the invite step", |s| {
        s.contains("u invite via CSV") || s.contains("u ")
    });
    t.keys(&["u"]);
    t.wait_for("the file picker", |s| {
        s.contains("staff") || s.contains(">")
    });
    t.type_text("staff.csv");
    t.keys(&["Enter"]);
    t.wait_for("the intake screen", |s| s.contains("Header row"));
    t.keys(&["c"]);
    t.wait_for("the mapping screen", |s| s.contains("Column mapping"));
    t.keys(&["c"]);
    t.wait_for("the grid", |s| s.contains("All rows (150)"));
    t.keys(&["p"]);
    let plan = t.wait_for("the plan", |s| {
        s.contains("150 new addresses, but only 100 seats left") && s.contains("┘")
    });
    assert!(plan.contains("staff.left-out.csv"), "{plan}");
    assert!(plan.contains("Invite the first 100"), "{plan}");
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("y yes"));
    t.keys(&["y"]);
    let done = t.wait_for("the done screen", |s| {
        s.contains("50 rows left out") && s.contains("┘")
    });
    assert!(done.contains("staff.left-out.csv"), "{done}");
    t.keys(&["Enter"]);
    t.wait_for("the sent confirmation", |s| {
        s.contains("Did you click Invite")
    });
    t.keys(&["y"]);
    t.wait_for("recorded", |s| s.contains("Recorded 100 addresses"));
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("MSI_EXITED=0"));
    drop(t);

    let left = std::fs::read_to_string(dir.path().join("staff.left-out.csv")).unwrap();
    assert_eq!(left.lines().count(), 51, "header + 50: {left}");
    assert!(left.contains("user100@example.com") && !left.contains("user099@"));
    let size = std::fs::metadata(dir.path().join("progress.toml"))
        .unwrap()
        .len();
    assert!(size < 64 * 1024, "{size}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_msi-setup"))
        .args(["--config-dir"])
        .arg(dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["invited"], 100, "{doc}");
    assert_eq!(doc["seats"]["left"], 0, "{doc}");
}
