//! Plain mode (`--plain`, `TERM=dumb`) end to end through the real binary, its answers piped
//! in: every language shows the hub with all nine items; ticking, blocking with a reason and
//! inviting individually write the same `progress.toml` as the same actions in the TUI (its
//! keymap and state machine, driven in-process); no escape byte ever reaches the output; `q`
//! quits at every prompt and the end of the input quits cleanly.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::{Progress, Status};
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::store::{FILE, Store};
use msi_setup::wizard::{Effect, Start, Wizard};

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");

/// Welcome in English, both roles, name Ada; open item 3; tick its first sub-step; mark it
/// blocked with a reason.
const SESSION: &str = "1\n1 2\nAda\n3\n1\nb\nwaiting on IT\nq\n";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    raw: Vec<u8>,
}

struct Sandbox {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    home: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("cfg");
        let home = tmp.path().join("home");
        fs::create_dir(&home).expect("home");
        Sandbox {
            _tmp: tmp,
            dir,
            home,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        for var in [
            "LANG",
            "LC_ALL",
            "LC_MESSAGES",
            "LANGUAGE",
            "MSI_SETUP_CONFIG_DIR",
            "NO_COLOR",
            "TERM",
            "MARKETO_BASE_URL",
            "MARKETO_MUNCHKIN_ID",
            "MARKETO_CLIENT_ID",
            "MARKETO_CLIENT_SECRET",
            "SF_INSTANCE_URL",
            "SF_ACCESS_TOKEN",
            "XDG_CONFIG_HOME",
            "XDG_STATE_HOME",
            "XDG_CACHE_HOME",
            "XDG_DATA_HOME",
        ] {
            c.env_remove(var);
        }
        c.env("HOME", &self.home)
            .env("TZ", "UTC")
            .env("MSI_SETUP_SF_CLI", "off")
            .arg("--config-dir")
            .arg(&self.dir)
            .timeout(Duration::from_secs(30));
        c
    }

    /// `--plain` with `input` on stdin.
    fn plain(&self, args: &[&str], input: &str) -> Run {
        let mut c = self.cmd();
        c.arg("--plain").args(args);
        self.finish(
            c.write_stdin(input.as_bytes().to_vec())
                .output()
                .expect("run"),
        )
    }

    fn finish(&self, out: std::process::Output) -> Run {
        let stray: Vec<_> = fs::read_dir(&self.home).expect("home").flatten().collect();
        assert!(stray.is_empty(), "wrote outside --config-dir: {stray:?}");
        let run = Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            raw: out.stdout,
        };
        assert!(
            !run.raw.contains(&0x1b),
            "an escape byte reached the output:\n{}",
            run.stdout
        );
        run
    }

    fn progress(&self) -> Progress {
        read_progress(&self.dir)
    }
}

fn read_progress(dir: &Path) -> Progress {
    let text = fs::read_to_string(dir.join(FILE)).expect("progress file");
    Progress::from_toml(&text).expect("parses")
}

/// The progress without its clock readings (the two runs happen at different times).
fn timeless(mut p: Progress) -> Progress {
    p.setup.started_at = None;
    for item in p.items.values_mut() {
        item.updated_at = None;
    }
    for batch in &mut p.invites {
        batch.at = Timestamp::UNIX_EPOCH;
    }
    p
}

fn tr(lang: Lang) -> Catalog {
    Catalog::load(lang).expect("catalog")
}

/// The same actions through the TUI's keymap and state machine, saved by the store the TUI
/// uses: what the TUI would write.
fn tui_writes(lang: Lang, keys: &[KeyCode]) -> Progress {
    let tmp = tempfile::tempdir().expect("tempdir");
    let opened = Store::open(tmp.path(), Timestamp::now()).expect("store");
    let guide = std::sync::Arc::new(Guide::embedded().expect("guide"));
    let mut w = Wizard::new(guide, tr(lang), opened.progress, Start::default());
    for code in keys {
        let key = KeyEvent::new(*code, KeyModifiers::NONE);
        let Some(msg) = msi_setup::input::to_msg(&w, key) else {
            panic!("key {code:?} does nothing on {:?}", w.screen);
        };
        for effect in w.update(msg, Timestamp::now()) {
            if let Effect::Save(p) = effect {
                opened.store.save(&p).expect("save");
            }
        }
    }
    read_progress(tmp.path())
}

fn chars(s: &str) -> Vec<KeyCode> {
    s.chars().map(KeyCode::Char).collect()
}

/// The TUI keys for [`SESSION`]: the welcome starts on the language row of `lang`.
fn session_keys(lang: Lang) -> Vec<KeyCode> {
    let lang_row = Lang::ALL.iter().position(|l| *l == lang).expect("lang");
    let mut k = vec![KeyCode::Down; Lang::ALL.len() - lang_row]; // first role row
    k.push(KeyCode::Char(' '));
    k.push(KeyCode::Down);
    k.push(KeyCode::Char(' '));
    k.push(KeyCode::Down); // name
    k.extend(chars("Ada"));
    k.push(KeyCode::Enter); // start
    k.push(KeyCode::Home);
    k.extend([KeyCode::Down, KeyCode::Down, KeyCode::Enter]); // item 3
    k.push(KeyCode::Char(' '));
    k.push(KeyCode::Char('b'));
    k.extend(chars("waiting on IT"));
    k.push(KeyCode::Enter);
    k
}

#[test]
fn a_piped_session_in_each_language_writes_what_the_tui_writes() {
    let guide = Guide::embedded().expect("guide");
    for lang in Lang::ALL {
        let s = Sandbox::new();
        let input = SESSION.replacen("1\n", &format!("{}\n", lang_number(lang)), 1);
        let r = s.plain(&["--lang", lang.tag()], &input);
        assert_eq!(r.code, Some(0), "{lang}: {}\n{}", r.stdout, r.stderr);
        let t = tr(lang);
        // The hub lists every item with its title and status.
        for item in guide.items() {
            assert!(
                r.stdout.contains(t.t(&item.title_key())),
                "{lang}: hub lacks {}:\n{}",
                item.id,
                r.stdout
            );
        }
        assert!(r.stdout.contains(t.t("core.status.todo")), "{lang}");
        assert!(r.stdout.contains(t.t("core.step.blocked")), "{lang}");
        assert!(
            r.stdout.contains(t.t("plain.intro")),
            "{lang}: {}",
            r.stdout
        );
        let p = s.progress();
        assert_eq!(p.setup.roles, [Role::MarketoAdmin, Role::SalesforceAdmin]);
        assert_eq!(p.setup.lang, Some(lang));
        let item = p.item(ItemId::SetupSalesAccount);
        assert_eq!(item.status, Status::Blocked, "{lang}");
        assert_eq!(item.reason.as_deref(), Some("waiting on IT"));
        assert_eq!(item.ticked.len(), 1, "{lang}");
        assert_eq!(
            timeless(p),
            timeless(tui_writes(lang, &session_keys(lang))),
            "{lang}: plain mode and the TUI disagree"
        );
    }
}

fn lang_number(lang: Lang) -> usize {
    Lang::ALL.iter().position(|l| *l == lang).expect("lang") + 1
}

#[test]
fn term_dumb_starts_plain_mode_without_the_flag() {
    let s = Sandbox::new();
    let mut c = s.cmd();
    c.env("TERM", "dumb");
    let r = s.finish(c.write_stdin(SESSION).output().expect("run"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(tr(Lang::En).t("plain.intro")));
    assert_eq!(
        s.progress().item(ItemId::SetupSalesAccount).status,
        Status::Blocked
    );
    // Another TERM without the flag is the TUI, which refuses a pipe.
    let mut c = s.cmd();
    c.env("TERM", "xterm-256color");
    let r = s.finish(c.write_stdin("q\n").output().expect("run"));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains(tr(Lang::En).t("core.err.no-terminal")));
}

/// Answers that reach each kind of prompt, from a fresh start. After each, `q` must quit at
/// once: the lines after it are never read.
const PROMPTS: &[(&str, &str)] = &[
    ("welcome language", ""),
    ("welcome roles", "1\n"),
    ("welcome name", "1\n1\n"),
    ("hub", "1\n1\nAda\n"),
    ("step", "1\n1\nAda\n3\n"),
    ("reason", "1\n1\nAda\n3\ns\n"),
    ("confirm", "1\n1\nAda\n3\nd\n"),
    ("invite addresses", "1\n1\nAda\n7\ni\n"),
    ("invite teams", "1\n1\nAda\n7\ni\na@example.com\n"),
    ("invite workspace", "1\n1\nAda\n7\ni\na@example.com\n\n"),
    ("invite review", "1\n1\nAda\n7\ni\na@example.com\n\n\n"),
    (
        "summary",
        "1\n1\nAda\n1\ns\nx\nn\ns\nx\nn\ns\nx\nn\ns\nx\nn\ns\nx\nn\ns\nx\nn\ns\nx\nn\n",
    ),
];

#[test]
fn q_quits_at_every_prompt() {
    for (name, before) in PROMPTS {
        // Up to the prompt, then the end of the input: the reference.
        let reference = Sandbox::new();
        let r = reference.plain(&[], before);
        assert_eq!(r.code, Some(0), "{name}: {}\n{}", r.stdout, r.stderr);
        // Up to the prompt, then q, then answers that would change something if read.
        let s = Sandbox::new();
        let r = s.plain(&[], &format!("{before}q\n1\n1 2\nBob\n2\n1\ns\nx\n"));
        assert_eq!(r.code, Some(0), "{name}: {}\n{}", r.stdout, r.stderr);
        let last = r.stdout.lines().last().unwrap_or_default().to_string();
        let said_saved = last.starts_with("Progress saved in ");
        let said_nothing = last == tr(Lang::En).t("plain.saved-nothing");
        assert!(said_saved || said_nothing, "{name}: last line {last:?}");
        assert_eq!(
            s.dir.join(FILE).exists(),
            reference.dir.join(FILE).exists(),
            "{name}"
        );
        if s.dir.join(FILE).exists() {
            assert_eq!(
                timeless(s.progress()),
                timeless(reference.progress()),
                "{name}: answers after q were read"
            );
        }
    }
}

#[test]
fn the_summary_prompt_is_reached_and_quits() {
    // Marketo admin only: skip each of its seven items in turn, then the summary shows.
    let s = Sandbox::new();
    let summary = PROMPTS.last().expect("summary").1;
    let r = s.plain(&[], &format!("{summary}q\n"));
    assert_eq!(r.code, Some(0));
    let en = tr(Lang::En);
    assert!(
        r.stdout.contains(en.t("core.summary.left")),
        "summary not reached:\n{}",
        r.stdout
    );
}

#[test]
fn the_end_of_the_input_quits_cleanly_and_keeps_what_was_done() {
    for (name, before) in PROMPTS {
        let s = Sandbox::new();
        let r = s.plain(&[], before);
        assert_eq!(r.code, Some(0), "{name}: {}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.is_empty(), "{name}: {}", r.stderr);
        let last = r.stdout.lines().last().unwrap_or_default();
        if before.matches('\n').count() >= 3 {
            // The welcome was finished: the file holds it.
            assert!(last.starts_with("Progress saved in "), "{name}: {last:?}");
            assert_eq!(s.progress().setup.name.as_deref(), Some("Ada"), "{name}");
        } else {
            assert_eq!(last, tr(Lang::En).t("plain.saved-nothing"), "{name}");
            assert!(!s.dir.join(FILE).exists(), "{name}: nothing to save");
        }
    }
}

#[test]
fn a_wrong_answer_is_asked_again_with_the_valid_choices() {
    let s = Sandbox::new();
    let r = s.plain(&[], "7\n1\nx\n1\n\n12\n3\n99\nz\nq\n");
    assert_eq!(r.code, Some(0));
    let en = tr(Lang::En);
    for (answer, choices) in [
        ("7", "1-3"),
        ("x", "1-2"),
        ("12", "1-9, c, r, q"),
        ("99", "1-4, d, s, b, t, l, K, n, 0, q"),
        ("z", "1-4, d, s, b, t, l, K, n, 0, q"),
    ] {
        let said = en.f(
            "plain.invalid",
            &[("answer", &answer), ("choices", &choices)],
        );
        assert!(r.stdout.contains(&said), "missing {said:?}:\n{}", r.stdout);
    }
    // An empty reason is refused, then a real one is recorded.
    let r = s.plain(&[], "3\nb\n\nnot yet\nq\n");
    assert!(
        r.stdout.contains(en.t("core.reason.required")),
        "{}",
        r.stdout
    );
    assert_eq!(
        s.progress()
            .item(ItemId::SetupSalesAccount)
            .reason
            .as_deref(),
        Some("not yet")
    );
}

#[test]
fn live_checks_run_offline_and_say_so() {
    let s = Sandbox::new();
    let r = s.plain(&[], "1\n1\nAda\n3\nl\nq\n");
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let en = tr(Lang::En);
    assert!(
        r.stdout.contains(en.t("checks.verify.all-skipped")),
        "{}",
        r.stdout
    );
    let p = s.progress();
    let outcome = p
        .checks
        .values()
        .next()
        .expect("the check's outcome is kept");
    assert_eq!(outcome.step, ItemId::SetupSalesAccount);
    assert!(
        r.stdout.contains(&format!(
            "[{}]",
            en.t(msi_setup::domain::checks::CheckStatus::Skipped.label_key())
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn inviting_individually_records_what_the_tui_records() {
    let s = Sandbox::new();
    let r = s.plain(
        &[],
        "1\n1 2\nAda\n7\ni\na@example.com, bad@, b@example.org a@example.com\nSales\n\nr\ny\nq\n",
    );
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let en = tr(Lang::En);
    assert!(
        r.stdout.contains("a@example.com, b@example.org"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&en.f(
            "plain.invite.address-bad",
            &[
                ("address", &"a@example.com"),
                ("why", &en.t("csv.tui.ind-repeated"))
            ]
        )),
        "{}",
        r.stdout
    );
    let p = s.progress();
    assert_eq!(p.invites.len(), 1);
    assert_eq!(p.invites[0].count, 2);
    // The addresses go to the journal beside the progress file, as the TUI writes them.
    let journal = fs::read_to_string(s.dir.join(msi_setup::store::JOURNAL)).expect("journal");
    assert_eq!(
        journal.lines().collect::<Vec<_>>(),
        ["a@example.com", "b@example.org"]
    );
    assert_eq!(p.invites[0].teams, ["Sales"]);
    // The same in the TUI: open item 7, `i`, type, Enter through the fields, record, yes.
    let mut keys = session_keys(Lang::En);
    keys.truncate(keys.iter().position(|k| *k == KeyCode::Home).expect("hub"));
    keys.push(KeyCode::Home);
    keys.extend(vec![KeyCode::Down; 6]);
    keys.push(KeyCode::Enter);
    keys.push(KeyCode::Char('i'));
    keys.extend(chars("a@example.com, bad@, b@example.org a@example.com"));
    keys.push(KeyCode::Enter);
    keys.extend(chars("Sales"));
    // Teams, workspace, seats used, then the record button.
    keys.extend([
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Char('y'),
    ]);
    assert_eq!(timeless(p), timeless(tui_writes(Lang::En, &keys)));
}

#[test]
fn typed_control_characters_never_reach_the_output() {
    let s = Sandbox::new();
    // A name and a reason carrying an escape sequence.
    let r = s.plain(
        &[],
        "1\n1\nA\x1b[31mda\n3\nb\nwhy\x1b]52;c;eA==\x07 not\nq\n",
    );
    assert_eq!(r.code, Some(0));
    let p = s.progress();
    assert_eq!(p.setup.name.as_deref(), Some("A[31mda"));
    assert_eq!(
        p.item(ItemId::SetupSalesAccount).reason.as_deref(),
        Some("why]52;c;eA== not")
    );
}

#[tokio::test]
async fn a_passing_live_check_offers_to_tick_what_it_proves() {
    use msi_setup::domain::checks::{CheckId, CheckStatus};
    let server = crate::verify_cli::healthy_server().await;
    let s = Sandbox::new();
    let mut c = s.cmd();
    for (k, v) in crate::verify_cli::all_env(&server.uri()) {
        c.env(k, v);
    }
    c.env("MSI_SETUP_HTTP_TIMEOUT_MS", "5000")
        .env("MSI_SETUP_RETRY_BASE_MS", "2")
        .arg("--plain");
    // Salesforce admin; open Configure MSI Actions in Salesforce; run its checks; tick.
    let out = c.write_stdin("1\n2\n\n9\nl\ny\nq\n").output().expect("run");
    let r = s.finish(out);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    for secret in crate::verify_cli::SECRETS {
        assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
    }
    let en = tr(Lang::En);
    let guide = Guide::embedded().expect("guide");
    let it = guide.item(ItemId::ConfigureSalesforce);
    let names: Vec<&str> = ["remote-site-ims", "remote-site-sales-connect"]
        .iter()
        .map(|id| {
            let sub = it.substeps.iter().find(|s| s.id == *id).expect("sub-step");
            en.t(&it.substep_key(sub))
        })
        .collect();
    let asked = en.f(
        "checks.tui.tick-proven",
        &[
            ("check", &en.t(CheckId::SfRemoteSites.label_key())),
            ("n", &2),
            ("subs", &names.join(" / ")),
        ],
    );
    assert!(r.stdout.contains(&asked), "{}", r.stdout);
    let p = s.progress();
    let item = p.item(ItemId::ConfigureSalesforce);
    assert!(item.ticked.contains("remote-site-ims"), "{:?}", item.ticked);
    assert!(item.ticked.contains("remote-site-sales-connect"));
    assert_eq!(p.checks[&CheckId::SfRemoteSites].status, CheckStatus::Pass);
    assert!(!r.stdout.contains(en.t("checks.verify.all-skipped")));
}

#[test]
fn an_over_long_answer_is_cut_and_the_next_line_is_the_next_answer() {
    let s = Sandbox::new();
    let long = "A".repeat(300 * 1024);
    let r = s.plain(&[], &format!("1\n1\n{long}\n3\nq\n"));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let name = s.progress().setup.name.expect("name");
    assert_eq!(name.chars().count(), msi_setup::wizard::NAME_MAX);
    assert!(
        r.stdout
            .contains(&tr(Lang::En).f("core.ordinal.step", &[("n", &1), ("total", &7)])),
        "item 3 was not opened:\n{}",
        r.stdout
    );
    // The rest of the long line was skipped, not taken as further answers.
    assert!(
        !r.stdout.contains(&"A".repeat(200)),
        "the rest was read as answers"
    );
}

#[test]
fn a_second_instance_is_refused_and_a_damaged_file_is_said() {
    let s = Sandbox::new();
    // Another instance holds the lock: plain mode is refused, naming the lock.
    let held = Store::open(&s.dir, Timestamp::now()).expect("store");
    let r = s.plain(&[], "1\n1\nAda\nq\n");
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stderr.contains("progress.lock"), "{}", r.stderr);
    assert!(!s.dir.join(FILE).exists());
    drop(held);
    // A damaged file is moved aside and the user is told, in plain lines.
    fs::write(s.dir.join(FILE), b"\0\0not toml").expect("write");
    let r = s.plain(&[], "q\n");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let first_words = tr(Lang::En)
        .t("core.notice.fresh")
        .split('{')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(r.stdout.contains(&first_words), "{}", r.stdout);
    assert!(
        fs::read_dir(&s.dir)
            .expect("dir")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains(".corrupt-")),
        "the damaged file is kept aside"
    );
}

#[tokio::test]
async fn credentials_typed_in_plain_mode_run_the_checks_and_never_show() {
    use msi_setup::domain::checks::{CheckId, CheckStatus};
    let server = crate::verify_cli::healthy_server().await;
    let token = crate::verify_cli::SECRETS[2];
    let s = Sandbox::new();
    let mut c = s.cmd();
    c.env("MSI_SETUP_HTTP_TIMEOUT_MS", "5000")
        .env("MSI_SETUP_RETRY_BASE_MS", "2")
        .arg("--plain");
    // Salesforce admin; open Install the package; K; a bad URL first (refused, asked again);
    // then the right one and the token; do not remember; tick what the pass proves.
    let input = format!(
        "1\n2\n\n8\nK\nftp://nope\n{token}\nn\n{uri}\n{token}\nn\ny\nq\n",
        uri = server.uri()
    );
    let r = s.finish(c.write_stdin(input).output().expect("run"));
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains(token) && !r.stderr.contains(token));
    let en = tr(Lang::En);
    assert!(
        r.stdout.contains(en.t("checks.form.title-salesforce")),
        "{}",
        r.stdout
    );
    let p = s.progress();
    assert_eq!(
        p.checks[&CheckId::SfPackage].status,
        CheckStatus::Pass,
        "{}",
        r.stdout
    );
    assert!(
        p.item(ItemId::InstallPackage)
            .ticked
            .contains("verify-installed")
    );
    // Not asked to remember: nothing written.
    assert!(!s.dir.join("credentials.toml").exists());
    let text = fs::read_to_string(s.dir.join(FILE)).expect("file");
    assert!(!text.contains(token));
}
