//! The headless command line, end to end through the real binary: the `status --json` contract,
//! `mark`, `reset`, damaged and newer files, the lock, languages and help, and the wizard's
//! refusal to start without a terminal.
//!
//! Every run gets `--config-dir <tmp>`, a sandbox `HOME`/XDG dirs (checked to stay empty, so the
//! user's real config dir is never touched) and no locale variables unless a test sets them.

use std::fs;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use jiff::Timestamp;
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::{Progress, Status};
use msi_setup::domain::text::{Catalog, Lang};
use msi_setup::store::{self, BACKUP, FILE, Store};
use serde_json::Value;
use strum::VariantArray;

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");

struct Env {
    _tmp: tempfile::TempDir,
    /// The config dir (not created up front).
    dir: PathBuf,
    /// A sandbox home that must stay empty.
    home: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("cfg");
        let home = tmp.path().join("home");
        fs::create_dir(&home).expect("home");
        Env {
            _tmp: tmp,
            dir,
            home,
        }
    }

    /// The binary with a clean environment and no `--config-dir`.
    fn bare(&self) -> Command {
        let mut c = Command::new(BIN);
        for var in [
            "LANG",
            "LC_ALL",
            "LC_MESSAGES",
            "LANGUAGE",
            "MSI_SETUP_CONFIG_DIR",
            "NO_COLOR",
            // TERM=dumb starts plain mode instead of the TUI.
            "TERM",
            "XDG_CONFIG_HOME",
            "XDG_STATE_HOME",
            "XDG_CACHE_HOME",
            "XDG_DATA_HOME",
        ] {
            c.env_remove(var);
        }
        c.env("HOME", &self.home)
            .env("TZ", "UTC")
            .timeout(Duration::from_secs(30));
        c
    }

    /// The binary with `--config-dir`.
    fn cmd(&self) -> Command {
        let mut c = self.bare();
        c.arg("--config-dir").arg(&self.dir);
        c
    }

    fn finish(&self, out: Output) -> Run {
        let entries: Vec<_> = fs::read_dir(&self.home)
            .expect("home")
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(
            entries.is_empty(),
            "the run wrote outside --config-dir: {entries:?}"
        );
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = self.cmd().args(args).output().expect("run");
        self.finish(out)
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut c = self.cmd();
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.args(args).output().expect("run");
        self.finish(out)
    }

    fn file(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    fn bytes(&self) -> Vec<u8> {
        fs::read(self.file()).expect("progress file")
    }

    fn progress(&self) -> Progress {
        let text = fs::read_to_string(self.file()).expect("progress file");
        Progress::from_toml(&text).expect("parses")
    }

    fn write(&self, bytes: &[u8]) {
        fs::create_dir_all(&self.dir).expect("mkdir");
        fs::write(self.file(), bytes).expect("write");
    }

    fn json(&self, extra: &[&str]) -> Value {
        let mut args = vec!["status", "--json"];
        args.extend_from_slice(extra);
        let r = self.run(&args);
        r.ok();
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout))
    }

    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn corrupt_copies(&self) -> Vec<PathBuf> {
        self.names()
            .into_iter()
            .filter(|n| n.starts_with("progress.toml.corrupt-"))
            .map(|n| self.dir.join(n))
            .collect()
    }
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn ok(&self) -> &Run {
        assert_eq!(self.code, Some(0), "expected success: {self:#?}");
        self
    }

    /// Exit 2 with a message on stderr naming every one of `needles`, and nothing on stdout.
    #[track_caller]
    fn usage(&self, needles: &[&str]) -> &Run {
        assert_eq!(self.code, Some(2), "expected exit 2: {self:#?}");
        // Text mode prints nothing on stdout; `--json` mode the error document (docs/json.md).
        if !self.stdout.is_empty() {
            let doc: Value = serde_json::from_str(&self.stdout)
                .unwrap_or_else(|e| panic!("stdout is not a JSON error ({e}): {self:#?}"));
            assert_eq!(doc["version"], 1, "{self:#?}");
            assert!(doc["error"]["code"].is_string(), "{self:#?}");
            for n in needles {
                assert!(
                    doc["error"]["message"]
                        .as_str()
                        .unwrap_or_default()
                        .contains(n),
                    "the JSON error should mention {n:?}: {self:#?}"
                );
            }
        }
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr should mention {n:?}: {self:#?}"
            );
        }
        self
    }
}

fn guide() -> Guide {
    Guide::embedded().expect("guide")
}

fn tr(lang: Lang) -> Catalog {
    Catalog::load(lang).expect("catalog")
}

fn is_rfc3339_utc_seconds(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
        && s.parse::<Timestamp>().is_ok()
}

fn ids(doc: &Value) -> Vec<String> {
    doc["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect()
}

fn step<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

// ---------------------------------------------------------------------------------------------
// status

#[test]
fn status_json_contract() {
    let e = Env::new();
    let doc = e.json(&[]);
    let top: Vec<&str> = doc
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut top_sorted = top.clone();
    top_sorted.sort_unstable();
    assert_eq!(
        top_sorted,
        ["invited", "roles", "seats", "steps", "version"]
    );
    assert_eq!(doc["invited"], 0);
    assert_eq!(
        doc["seats"],
        serde_json::json!({"total": 100, "used": 0, "left": 100})
    );
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["roles"], serde_json::json!([]));
    assert_eq!(
        ids(&doc),
        [
            "prereq-actions-enabled",
            "prereq-crm-sync",
            "setup-sales-account",
            "connect-salesforce",
            "connect-marketo",
            "start-data-sync",
            "invite-users",
            "install-package",
            "configure-salesforce",
        ]
    );
    let all: Vec<&str> = ItemId::VARIANTS.iter().map(|i| i.as_str()).collect();
    assert_eq!(ids(&doc), all);
    let g = guide();
    for s in doc["steps"].as_array().expect("steps") {
        let id = s["id"].as_str().expect("id");
        let item = g.item(id.parse().expect("known id"));
        let mut keys: Vec<&str> = s
            .as_object()
            .expect("step")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut want = vec![
            "id",
            "kind",
            "owners",
            "status",
            "substeps_done",
            "substeps_total",
            "updated_at",
            "updated_by",
        ];
        if !item.variants.is_empty() {
            want.push("variant");
        }
        want.sort_unstable();
        assert_eq!(keys, want, "{id}");
        let kind = if id.starts_with("prereq-") {
            "prerequisite"
        } else {
            "step"
        };
        assert_eq!(s["kind"], kind, "{id}");
        assert_eq!(s["status"], "todo", "{id}");
        assert_eq!(s["substeps_done"], 0, "{id}");
        let total = s["substeps_total"].as_u64().expect("total");
        assert!(total >= 1, "{id}");
        assert_eq!(
            total,
            Progress::default().substep_counts(item).1 as u64,
            "{id}"
        );
        assert!(s["updated_at"].is_null(), "{id}");
        assert!(s["updated_by"].is_null(), "{id}");
        let owners: Vec<&str> = s["owners"]
            .as_array()
            .expect("owners")
            .iter()
            .map(|o| o.as_str().expect("owner"))
            .collect();
        let want: Vec<&str> = item.owners.iter().map(|o| o.as_str()).collect();
        assert_eq!(owners, want, "{id}");
        assert!(!owners.is_empty());
        for o in &owners {
            assert!(
                ["marketo-admin", "salesforce-admin"].contains(o),
                "{id}: {o}"
            );
        }
        if let Some(v) = s.get("variant") {
            assert_eq!(
                v.as_str(),
                item.variants.first().map(String::as_str),
                "{id}"
            );
        }
    }
    assert_eq!(
        step(&doc, "connect-salesforce")["owners"],
        serde_json::json!(["marketo-admin", "salesforce-admin"])
    );
    assert!(
        !e.dir.exists(),
        "status is read-only: it must not create the config dir"
    );
}

#[test]
fn status_json_reflects_marks_and_setup() {
    let e = Env::new();
    let mut p = Progress::default();
    p.setup.roles = vec![Role::SalesforceAdmin];
    p.setup.name = Some("Lee".into());
    e.write(p.to_toml().expect("toml").as_bytes());
    let before = Timestamp::now().as_second();
    e.run(&[
        "mark",
        "connect-salesforce",
        "blocked",
        "--reason",
        "waiting for SFDC",
        "--by",
        "Ann",
    ])
    .ok();
    e.run(&["mark", "prereq-crm-sync", "done"]).ok();
    let after = Timestamp::now().as_second();
    let doc = e.json(&[]);
    assert_eq!(doc["roles"], serde_json::json!(["salesforce-admin"]));
    let s = step(&doc, "connect-salesforce");
    assert_eq!(s["status"], "blocked");
    assert_eq!(s["reason"], "waiting for SFDC");
    assert_eq!(s["updated_by"], "Ann");
    let at = s["updated_at"].as_str().expect("updated_at");
    assert!(is_rfc3339_utc_seconds(at), "{at}");
    let secs = at.parse::<Timestamp>().expect("ts").as_second();
    assert!(
        (before..=after).contains(&secs),
        "{at} not in [{before}, {after}]"
    );
    // Without --by, the name recorded at setup is used.
    assert_eq!(step(&doc, "prereq-crm-sync")["updated_by"], "Lee");
    assert!(step(&doc, "prereq-crm-sync").get("reason").is_none());
    assert_eq!(step(&doc, "connect-marketo")["status"], "todo");
}

#[test]
fn status_role_filter() {
    let e = Env::new();
    let g = guide();
    for role in ["salesforce-admin", "marketo-admin"] {
        let doc = e.json(&["--role", role]);
        let want: Vec<String> = g
            .items()
            .iter()
            .filter(|i| i.owners.iter().any(|o| o.as_str() == role))
            .map(|i| i.id.to_string())
            .collect();
        assert_eq!(ids(&doc), want, "{role}");
        for s in doc["steps"].as_array().expect("steps") {
            assert!(
                s["owners"]
                    .as_array()
                    .expect("owners")
                    .iter()
                    .any(|o| o == role)
            );
        }
    }
    assert_eq!(
        ids(&e.json(&["--role", "salesforce-admin"])),
        [
            "connect-salesforce",
            "install-package",
            "configure-salesforce"
        ]
    );
    // Text mode filters too.
    let text = e.run(&["status", "--role", "salesforce-admin"]);
    text.ok();
    assert!(text.stdout.contains("connect-salesforce"));
    assert!(!text.stdout.contains("setup-sales-account"));
}

#[test]
fn status_unknown_role_is_a_usage_error() {
    let e = Env::new();
    e.run(&["status", "--role", "sales-admin"]).usage(&[
        "sales-admin",
        "marketo-admin",
        "salesforce-admin",
    ]);
    e.run(&["status", "--json", "--role", "Marketo-Admin"])
        .usage(&["Marketo-Admin"]);
    assert!(!e.dir.exists());
}

#[test]
fn status_text_lists_every_step_and_escapes_control_and_bidi_characters() {
    let e = Env::new();
    e.run(&[
        "mark",
        "invite-users",
        "blocked",
        "--reason",
        "evil \x1b[2J\x07 reason \u{202E}txt.exe",
        "--by",
        "x\x1b]0;t\x07y",
    ])
    .ok();
    let r = e.run(&["status"]);
    r.ok();
    assert!(
        r.stdout
            .starts_with(&format!("Progress file: {}", e.file().display())),
        "{}",
        r.stdout
    );
    for id in ItemId::VARIANTS.iter().map(|i| i.as_str()) {
        assert!(r.stdout.contains(id), "{id} missing: {}", r.stdout);
    }
    assert!(
        r.stdout
            .contains("evil \\u{1b}[2J\\u{7} reason \\u{202e}txt.exe"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{202E}'), "{}", r.stdout);
    assert!(
        !r.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "no terminal escapes may reach the output: {:?}",
        r.stdout
    );
}

#[test]
fn status_into_a_closed_pipe_is_not_an_error() {
    // `msi-setup status | head -1` in a `pipefail` script: the reader leaving early is fine.
    let e = Env::new();
    e.run(&["mark", "invite-users", "done"]).ok();
    for args in [&["status"][..], &["status", "--json"]] {
        let mut c = std::process::Command::new(BIN);
        c.arg("--config-dir")
            .arg(&e.dir)
            .args(args)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("MSI_SETUP_CONFIG_DIR")
            .env("HOME", &e.home)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().expect("spawn");
        drop(child.stdout.take()); // close the read end before the child writes
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// mark

#[test]
fn mark_sets_status_time_and_author() {
    let e = Env::new();
    let before = Timestamp::now().as_second();
    let r = e.run(&["mark", "invite-users", "done", "--by", "Ann Kim"]);
    r.ok();
    let after = Timestamp::now().as_second();
    assert_eq!(r.stdout, "invite-users is now done.\n");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let text = fs::read_to_string(e.file()).expect("file");
    assert!(text.starts_with("version = 1\n"), "{text}");
    let item = e
        .progress()
        .item("invite-users".parse::<ItemId>().expect("item id"));
    assert_eq!(item.status, Status::Done);
    assert_eq!(item.updated_by.as_deref(), Some("Ann Kim"));
    assert_eq!(item.reason, None);
    let at = item.updated_at.expect("updated_at").as_second();
    assert!((before..=after).contains(&at));
    let raw: toml::Table = toml::from_str(&text).expect("toml");
    let at_text = raw["items"]["invite-users"]["updated-at"]
        .as_str()
        .expect("string");
    assert!(is_rfc3339_utc_seconds(at_text), "{at_text}");

    // A later status without a reason clears the old reason.
    e.run(&["mark", "invite-users", "blocked", "--reason", "no seats"])
        .ok();
    assert_eq!(
        e.progress()
            .item("invite-users".parse::<ItemId>().expect("item id"))
            .reason
            .as_deref(),
        Some("no seats")
    );
    assert_eq!(
        e.progress()
            .item("invite-users".parse::<ItemId>().expect("item id"))
            .updated_by,
        None
    );
    e.run(&["mark", "invite-users", "in-progress"]).ok();
    let item = e
        .progress()
        .item("invite-users".parse::<ItemId>().expect("item id"));
    assert_eq!(item.status, Status::InProgress);
    assert_eq!(item.reason, None);
    assert!(e.dir.join(BACKUP).exists());
}

#[test]
fn mark_with_a_blank_author_records_none() {
    let e = Env::new();
    e.run(&["mark", "invite-users", "done", "--by", ""]).ok();
    assert_eq!(
        e.progress()
            .item("invite-users".parse::<ItemId>().expect("item id"))
            .updated_by,
        None
    );
    e.run(&["mark", "invite-users", "done", "--by", "  Ann  "])
        .ok();
    assert_eq!(
        e.progress()
            .item("invite-users".parse::<ItemId>().expect("item id"))
            .updated_by
            .as_deref(),
        Some("Ann")
    );
    e.run(&["mark", "invite-users", "todo", "--by", "   "]).ok();
    let doc = e.json(&[]);
    assert!(step(&doc, "invite-users")["updated_by"].is_null(), "{doc}");
    let text = fs::read_to_string(e.file()).expect("file");
    assert!(!text.contains("updated-by"), "{text}");
}

#[test]
fn mark_status_words_are_case_insensitive() {
    let e = Env::new();
    for (word, want) in [
        ("DONE", Status::Done),
        ("In-Progress", Status::InProgress),
        ("Todo", Status::Todo),
        ("SKIPPED", Status::Skipped),
        ("bLoCkEd", Status::Blocked),
    ] {
        let r = e.run(&["mark", "connect-marketo", word, "--reason", "because"]);
        r.ok();
        assert_eq!(
            r.stdout,
            format!(
                "connect-marketo is now {}.\n",
                tr(Lang::En).t(&format!("core.status.{}", want.as_str()))
            ),
            "{word}"
        );
        assert_eq!(
            e.progress()
                .status("connect-marketo".parse::<ItemId>().expect("item id")),
            want,
            "{word}"
        );
    }
}

#[test]
fn mark_needs_a_reason_for_skipped_and_blocked() {
    let e = Env::new();
    e.run(&["mark", "install-package", "done"]).ok();
    let before = e.bytes();
    let names = e.names();
    for status in ["skipped", "blocked", "Blocked"] {
        e.run(&["mark", "install-package", status])
            .usage(&["--reason"]);
        e.run(&["mark", "install-package", status, "--reason", "   "])
            .usage(&["--reason"]);
        assert_eq!(e.bytes(), before, "{status}: file unchanged");
        assert_eq!(e.names(), names, "{status}: nothing added");
    }
}

#[test]
fn rejected_mark_does_not_touch_the_store() {
    // A usage error must be found before the store is opened: no dir created, no lock taken,
    // and a damaged file is not moved aside by a command that then refuses to run.
    let e = Env::new();
    e.run(&["mark", "invite-users", "skipped"])
        .usage(&["--reason"]);
    e.run(&["mark", "no-such-step", "done"])
        .usage(&["no-such-step"]);
    e.run(&["mark", "invite-users", "finished"])
        .usage(&["finished"]);
    assert!(!e.dir.exists(), "{:?}", e.names());

    e.write(b"\0\0\0\0");
    e.run(&["mark", "invite-users", "blocked"])
        .usage(&["--reason"]);
    assert_eq!(e.bytes(), b"\0\0\0\0");
    assert!(e.corrupt_copies().is_empty());
}

#[test]
fn mark_unknown_id_or_status() {
    let e = Env::new();
    // An unknown id is named, and every valid id is listed.
    let ids = ItemId::VARIANTS
        .iter()
        .map(|i| i.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    e.run(&["mark", "install-packages", "done"])
        .usage(&["`install-packages`", &ids]);
    for args in [
        &["--step", "bogus"][..],
        &["reset", "--step", "bogus", "--yes"],
    ] {
        e.run(args).usage(&["`bogus`", &ids]);
    }
    e.run(&["status", "--role", "sales-rep"])
        .usage(&["`sales-rep`", "marketo-admin, salesforce-admin"]);
    e.run(&["mark", "invite-users", "complete"])
        .usage(&["complete", "todo, in-progress, done, skipped or blocked"]);
    e.run(&["mark", "invite-users"]).usage(&[]);
    assert!(!e.file().exists());
}

#[test]
fn config_dir_from_the_environment() {
    let e = Env::new();
    let out = e
        .bare()
        .env("MSI_SETUP_CONFIG_DIR", &e.dir)
        .args(["mark", "prereq-crm-sync", "done"])
        .output()
        .expect("run");
    e.finish(out).ok();
    assert_eq!(
        e.progress()
            .status("prereq-crm-sync".parse::<ItemId>().expect("item id")),
        Status::Done
    );
    // --config-dir wins over the environment.
    let other = e.dir.with_file_name("other");
    let out = e
        .bare()
        .env("MSI_SETUP_CONFIG_DIR", &other)
        .arg("--config-dir")
        .arg(&e.dir)
        .args(["mark", "connect-marketo", "done"])
        .output()
        .expect("run");
    e.finish(out).ok();
    assert_eq!(
        e.progress()
            .status("connect-marketo".parse::<ItemId>().expect("item id")),
        Status::Done
    );
    assert!(!other.exists());
}

// ---------------------------------------------------------------------------------------------
// reset

fn seeded(e: &Env) {
    let mut p = Progress::default();
    p.setup.roles = vec![Role::MarketoAdmin];
    p.setup.name = Some("Kim".into());
    e.write(p.to_toml().expect("toml").as_bytes());
    e.run(&["mark", "prereq-actions-enabled", "done"]).ok();
    e.run(&["mark", "prereq-crm-sync", "done"]).ok();
    e.run(&["mark", "setup-sales-account", "blocked", "--reason", "r"])
        .ok();
}

#[test]
fn reset_one_step() {
    let e = Env::new();
    seeded(&e);
    let r = e.run(&["reset", "--step", "prereq-crm-sync", "--yes"]);
    r.ok();
    assert!(r.stdout.contains("prereq-crm-sync"), "{}", r.stdout);
    let p = e.progress();
    assert!(!p.items.contains_key(&ItemId::PrereqCrmSync));
    assert_eq!(
        p.status("prereq-actions-enabled".parse::<ItemId>().expect("item id")),
        Status::Done
    );
    assert_eq!(
        p.status("setup-sales-account".parse::<ItemId>().expect("item id")),
        Status::Blocked
    );
    assert_eq!(p.setup.roles, [Role::MarketoAdmin]);
    e.run(&["reset", "--step", "prereq-crm-sync-x", "--yes"])
        .usage(&["prereq-crm-sync-x"]);
}

#[test]
fn reset_everything_keeps_the_setup() {
    let e = Env::new();
    seeded(&e);
    e.run(&["reset", "--yes"]).ok();
    let p = e.progress();
    assert!(p.items.is_empty(), "{p:?}");
    assert_eq!(p.setup.roles, [Role::MarketoAdmin]);
    assert_eq!(p.setup.name.as_deref(), Some("Kim"));
    let doc = e.json(&[]);
    assert!(
        doc["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .all(|s| s["status"] == "todo")
    );
}

#[test]
fn reset_without_yes_and_without_a_terminal_refuses() {
    let e = Env::new();
    seeded(&e);
    let before = e.bytes();
    let names = e.names();
    let out = e
        .cmd()
        .args(["reset"])
        .write_stdin("y\n")
        .output()
        .expect("run");
    e.finish(out).usage(&["--yes"]);
    let out = e
        .cmd()
        .args(["reset", "--step", "prereq-crm-sync"])
        .write_stdin("yes\n")
        .output()
        .expect("run");
    e.finish(out).usage(&["--yes", "prereq-crm-sync"]);
    assert_eq!(e.bytes(), before);
    assert_eq!(e.names(), names);

    // Refusing never moves a damaged file aside either.
    e.write(b"version = 1\n[items\n");
    e.run(&["reset"]).usage(&["--yes"]);
    assert_eq!(e.bytes(), b"version = 1\n[items\n");
    assert!(e.corrupt_copies().is_empty());
}

#[test]
fn reset_on_a_terminal_asks_first() {
    // The interactive path, through the library (a test has no terminal to give the binary).
    use msi_setup::cli::ResetArgs;
    use msi_setup::commands::{Context, reset};
    let e = Env::new();
    seeded(&e);
    let ctx = |lang| Context {
        tr: tr(lang),
        config_dir: e.dir.clone(),
        no_color: true,
        invited: Vec::new(),
    };
    let all = ResetArgs {
        step: None,
        yes: false,
    };
    for (answer, lang) in [
        ("n\n", Lang::En),
        ("\n", Lang::En),
        ("", Lang::En),
        ("아니요\n", Lang::Ko),
    ] {
        let before = e.bytes();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = reset::run(
            &all,
            &ctx(lang),
            &mut answer.as_bytes(),
            true,
            &mut out,
            &mut err,
        );
        let out = String::from_utf8(out).expect("utf-8");
        let err = String::from_utf8(err).expect("utf-8");
        assert_eq!(code, 0, "{answer:?}");
        assert!(
            out.contains(tr(lang).t("core.reset.kept")),
            "{answer:?}: {out}"
        );
        // The prompt is on stderr, never mixed into stdout.
        let ask = tr(lang).f(
            "core.reset.ask",
            &[("what", &tr(lang).t("core.reset.what-all"))],
        );
        assert!(err.contains(&ask), "{answer:?}: {err}");
        assert!(!out.contains(&ask), "{answer:?}: {out}");
        assert!(err.contains("[y/N]") || lang != Lang::En, "{err}");
        assert_eq!(e.bytes(), before, "{answer:?}: nothing reset");
    }
    let one = ResetArgs {
        step: Some(ItemId::PrereqCrmSync),
        yes: false,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = reset::run(
        &one,
        &ctx(Lang::Ko),
        &mut "예\n".as_bytes(),
        true,
        &mut out,
        &mut err,
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let p = e.progress();
    assert!(!p.items.contains_key(&ItemId::PrereqCrmSync));
    assert_eq!(
        p.status("prereq-actions-enabled".parse::<ItemId>().expect("item id")),
        Status::Done
    );
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = reset::run(
        &all,
        &ctx(Lang::En),
        &mut " YES \n".as_bytes(),
        true,
        &mut out,
        &mut err,
    );
    assert_eq!(code, 0);
    assert!(e.progress().items.is_empty());
    assert_eq!(e.progress().setup.name.as_deref(), Some("Kim"));
}

#[test]
fn reset_of_a_damaged_file_says_where_it_went() {
    let e = Env::new();
    e.write(b"\0\0\0");
    let r = e.run(&["reset", "--yes"]);
    r.ok();
    let copies = e.corrupt_copies();
    assert_eq!(copies.len(), 1);
    assert!(
        r.stderr.contains(&copies[0].display().to_string()),
        "the quarantine must be reported: {r:#?}"
    );
    assert_eq!(fs::read(&copies[0]).expect("copy"), b"\0\0\0");
}

// ---------------------------------------------------------------------------------------------
// damaged and newer files

#[test]
fn damaged_file_status_refuses_mark_quarantines() {
    let e = Env::new();
    let garbage = b"version = 1\n[items.invite-users]\nstatus = \"do";
    e.write(garbage);
    let path = e.file().display().to_string();
    e.run(&["status"]).usage(&[&path, "damaged"]);
    e.run(&["status", "--json"]).usage(&[&path]);
    assert_eq!(e.bytes(), garbage, "status never changes the file");
    assert!(e.corrupt_copies().is_empty());

    let r = e.run(&["mark", "invite-users", "done"]);
    r.ok();
    let copies = e.corrupt_copies();
    assert_eq!(copies.len(), 1, "{:?}", e.names());
    assert!(
        copies[0]
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("progress.toml.corrupt-")),
        "{copies:?}"
    );
    assert!(r.stderr.contains(".corrupt-"), "{r:#?}");
    assert!(
        r.stderr.contains(&copies[0].display().to_string()),
        "{r:#?}"
    );
    assert_eq!(fs::read(&copies[0]).expect("copy"), garbage);
    let p = e.progress();
    assert_eq!(
        p.status("invite-users".parse::<ItemId>().expect("item id")),
        Status::Done
    );
    assert_eq!(p.items.len(), 1);
    e.run(&["status"]).ok();
}

#[test]
fn damaged_file_with_backup_is_restored_by_mark() {
    let e = Env::new();
    e.run(&["mark", "prereq-crm-sync", "done"]).ok();
    e.run(&["mark", "connect-marketo", "done"]).ok();
    // The backup now holds the first state; damage the live file.
    e.write(&[0u8; 4902]);
    let r = e.run(&["mark", "invite-users", "in-progress"]);
    r.ok();
    assert!(r.stderr.contains(".corrupt-"), "{r:#?}");
    assert!(r.stderr.contains(BACKUP), "{r:#?}");
    let p = e.progress();
    assert_eq!(
        p.status("prereq-crm-sync".parse::<ItemId>().expect("item id")),
        Status::Done
    );
    assert_eq!(
        p.status("invite-users".parse::<ItemId>().expect("item id")),
        Status::InProgress
    );
    assert_eq!(e.corrupt_copies().len(), 1);
}

#[test]
fn newer_file_is_refused_by_every_command() {
    let e = Env::new();
    let newer = b"version = 2\nfuture = true\n[items.invite-users]\nstatus = \"delegated\"\n";
    e.write(newer);
    let path = e.file().display().to_string();
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["mark", "invite-users", "done"],
        &["reset", "--yes"],
        &["reset", "--step", "invite-users", "--yes"],
    ] {
        e.run(args).usage(&["newer", &path]);
        assert_eq!(e.bytes(), newer, "{args:?}");
    }
    assert!(e.corrupt_copies().is_empty());
    assert!(!e.dir.join(BACKUP).exists());
}

// ---------------------------------------------------------------------------------------------
// the lock

#[test]
fn a_running_instance_locks_out_writers_but_not_status() {
    let e = Env::new();
    e.run(&["mark", "invite-users", "done"]).ok();
    let before = e.bytes();
    let held = Store::open(&e.dir, Timestamp::now()).expect("hold the lock");
    let lock = e.dir.join(store::LOCK).display().to_string();
    e.run(&["mark", "invite-users", "todo"])
        .usage(&["already using", &lock]);
    e.run(&["reset", "--yes"]).usage(&["already using"]);
    assert_eq!(e.bytes(), before);
    // Reading is still fine.
    assert_eq!(step(&e.json(&[]), "invite-users")["status"], "done");
    drop(held);
    e.run(&["mark", "invite-users", "todo"]).ok();
    assert_eq!(
        e.progress()
            .status("invite-users".parse::<ItemId>().expect("item id")),
        Status::Todo
    );
}

// ---------------------------------------------------------------------------------------------
// languages and help

#[test]
fn unknown_language_is_a_usage_error() {
    let e = Env::new();
    let r = e.run(&["--lang", "fr", "status"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("'fr'"), "{r:#?}");
    assert!(r.stderr.contains("en, zh-TW or ko"), "{r:#?}");
    assert!(r.stdout.is_empty());
    e.run(&["--lang", "zh-CN", "status"]).usage(&["zh-CN"]);
    // An unsupported locale in the environment is not an error: English.
    let r = e.run_with(&["status"], &[("LANG", "fr_FR.UTF-8")]);
    r.ok();
    assert!(r.stdout.starts_with("Progress file: "), "{}", r.stdout);
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn status_header(lang: Lang, e: &Env) -> String {
    tr(lang).f("core.status.file", &[("path", &e.file().display())])
}

fn role_line(lang: Lang, role: &str, total: usize) -> String {
    let t = tr(lang);
    t.f(
        "core.status.role-line",
        &[
            ("role", &t.t(&format!("guide.role.{role}"))),
            ("done", &0),
            ("total", &total),
        ],
    )
}

#[test]
fn status_speaks_the_chosen_language() {
    let e = Env::new();
    let g = guide();
    let sf_total = g
        .items()
        .iter()
        .filter(|i| i.owned_by(Role::SalesforceAdmin))
        .count();
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], Lang);
    let cases: [Case; 6] = [
        (&["--lang", "ko", "status"], &[], Lang::Ko),
        (&["status", "--lang=ko"], &[], Lang::Ko),
        (&["status"], &[("LANG", "zh_TW.UTF-8")], Lang::ZhTw),
        (
            &["status"],
            &[("LANG", "zh_TW.UTF-8"), ("LC_ALL", "ko_KR.UTF-8")],
            Lang::Ko,
        ),
        (
            &["--lang", "en", "status"],
            &[("LANG", "ko_KR.UTF-8")],
            Lang::En,
        ),
        (&["status"], &[("LC_MESSAGES", "zh_HK.UTF-8")], Lang::ZhTw),
    ];
    for (args, env, lang) in cases {
        let r = e.run_with(args, env);
        r.ok();
        assert_eq!(
            first_line(&r.stdout),
            status_header(lang, &e),
            "{args:?} {env:?}"
        );
        assert!(
            r.stdout
                .contains(&role_line(lang, "salesforce-admin", sf_total)),
            "{args:?} {env:?}: {}",
            r.stdout
        );
        let title = tr(lang).t("guide.invite-users.title").to_string();
        assert!(r.stdout.contains(&title), "{args:?}: {title}");
    }
    // Spot checks that the catalogs really are the languages they claim.
    let ko = e.run(&["--lang", "ko", "status"]);
    assert!(
        ko.stdout
            .chars()
            .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
        "Hangul"
    );
    let zh = e.run_with(&["status"], &[("LANG", "zh_TW.UTF-8")]);
    assert!(
        zh.stdout.contains("進度"),
        "Traditional Chinese: {}",
        zh.stdout
    );
}

#[test]
fn errors_speak_the_chosen_language() {
    let e = Env::new();
    let ids = ItemId::VARIANTS
        .iter()
        .map(|i| i.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let r = e.run(&["--lang", "ko", "mark", "nope", "done"]);
    let want = tr(Lang::Ko).f("core.err.unknown-step", &[("id", &"nope"), ("ids", &ids)]);
    r.usage(&[&want]);
    let r = e.run_with(&["mark", "nope", "done"], &[("LANG", "zh_TW.UTF-8")]);
    let want = tr(Lang::ZhTw).f("core.err.unknown-step", &[("id", &"nope"), ("ids", &ids)]);
    r.usage(&[&want]);
    // The same for a role and a status, and on the command line of the TUI.
    let r = e.run(&["--lang", "ko", "status", "--role", "admin"]);
    let want = tr(Lang::Ko).f(
        "core.err.unknown-role",
        &[
            ("role", &"admin"),
            ("roles", &"marketo-admin, salesforce-admin"),
        ],
    );
    r.usage(&[&want]);
    let r = e.run(&["--lang", "zh-TW", "mark", "invite-users", "finished"]);
    let want = tr(Lang::ZhTw).f("core.err.unknown-status", &[("status", &"finished")]);
    r.usage(&[&want]);
    let r = e.run(&["--lang", "ko", "--step", "nope"]);
    let want = tr(Lang::Ko).f("core.err.unknown-step", &[("id", &"nope"), ("ids", &ids)]);
    r.usage(&[&want]);
}

#[test]
fn help_is_localised_and_exits_zero() {
    let e = Env::new();
    let en = e.run(&["--help"]);
    en.ok();
    assert!(en.stdout.contains("Usage: msi-setup"), "{}", en.stdout);
    let t = tr(Lang::En);
    for key in ["cli.about", "cli.status.about", "cli.config-dir"] {
        assert!(en.stdout.contains(t.t(key)), "{key}: {}", en.stdout);
    }
    assert!(en.stderr.is_empty());

    let ko_t = tr(Lang::Ko);
    for (args, env) in [
        (&["--lang", "ko", "--help"][..], &[][..]),
        (&["--help", "--lang=ko"], &[]),
        (&["--help"], &[("LANG", "ko_KR.UTF-8")]),
    ] {
        let r = e.run_with(args, env);
        r.ok();
        for key in [
            "cli.about",
            "cli.status.about",
            "cli.mark.about",
            "cli.lang",
        ] {
            assert!(
                r.stdout.contains(ko_t.t(key)),
                "{args:?} {key}: {}",
                r.stdout
            );
        }
        assert!(
            !r.stdout.contains(t.t("cli.status.about")),
            "no English left: {}",
            r.stdout
        );
    }
    let r = e.run(&["--lang", "ko", "mark", "--help"]);
    r.ok();
    for key in ["cli.mark.about", "cli.mark.reason", "cli.mark.by"] {
        assert!(r.stdout.contains(ko_t.t(key)), "{key}: {}", r.stdout);
    }
    let zh = e.run(&["--lang", "zh-TW", "reset", "--help"]);
    zh.ok();
    assert!(
        zh.stdout.contains(tr(Lang::ZhTw).t("cli.reset.yes")),
        "{}",
        zh.stdout
    );
    e.run(&["--version"]).ok();
    assert!(!e.dir.exists());
}

// ---------------------------------------------------------------------------------------------
// the wizard without a terminal

#[test]
fn wizard_without_a_terminal_refuses_before_touching_files() {
    let e = Env::new();
    let msg = tr(Lang::En).t("core.err.no-terminal").to_string();
    let r = e.run(&[]);
    r.usage(&[&msg]);
    assert!(
        !e.dir.exists(),
        "the store must not be opened: {:?}",
        e.names()
    );
    // Also with stdin fed by a pipe.
    let out = e.cmd().write_stdin("q").output().expect("run");
    e.finish(out).usage(&[&msg]);
    // In the user's language.
    let ko = tr(Lang::Ko).t("core.err.no-terminal").to_string();
    e.run(&["--lang", "ko"]).usage(&[&ko]);
    e.run_with(&[], &[("LANG", "ko_KR.UTF-8")]).usage(&[&ko]);
    // An existing file is not touched either (not even a damaged one).
    e.write(b"\0\0");
    e.run(&[]).usage(&[&msg]);
    assert_eq!(e.bytes(), b"\0\0");
    assert_eq!(e.names(), [FILE]);
    // A bad --step is reported as such.
    e.run(&["--step", "nope"]).usage(&["nope"]);
}
