//! The hand-off between two admins on two machines, end to end through the real binary: two
//! config dirs, A (Marketo admin, Ana) and B (Salesforce admin, Bo), `export`, `merge`,
//! `status --json` and `report`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use jiff::Timestamp;
use msi_setup::domain::checks::{CheckId, CheckOutcome, CheckStatus};
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::{InviteBatch, InviteSource, Progress, Status};
use msi_setup::domain::text::Detail;
use msi_setup::store::{FILE, LOCK_WAIT, Store};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");

struct Two {
    tmp: tempfile::TempDir,
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Two {
    /// Two fresh config dirs with the roles and names chosen at setup.
    fn new() -> Two {
        let two = Two {
            tmp: tempfile::tempdir().expect("tempdir"),
        };
        two.setup("A", Role::MarketoAdmin, "Ana");
        two.setup("B", Role::SalesforceAdmin, "Bo");
        two
    }

    fn dir(&self, who: &str) -> PathBuf {
        self.tmp.path().join(who)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn edit(&self, who: &str, f: impl FnOnce(&mut Progress)) {
        // Waits as `mark` does: a test running beside this one may be forking a child that
        // briefly holds a copy of the lock's descriptor.
        let mut o = Store::open_waiting(&self.dir(who), Timestamp::now(), LOCK_WAIT).expect("open");
        f(&mut o.progress);
        o.store.save(&o.progress).expect("save");
    }

    fn setup(&self, who: &str, role: Role, name: &str) {
        self.edit(who, |p| {
            p.setup.roles = vec![role];
            p.setup.name = Some(name.into());
        });
    }

    fn run(&self, who: &str, args: &[&str]) -> Run {
        let mut c = Command::new(BIN);
        for var in ["LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "NO_COLOR"] {
            c.env_remove(var);
        }
        let out = c
            .env("HOME", self.tmp.path().join("home"))
            .env("TZ", "UTC")
            .current_dir(self.tmp.path())
            .arg("--config-dir")
            .arg(self.dir(who))
            .args(args)
            .timeout(Duration::from_secs(30))
            .output()
            .expect("run");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("UTF-8"),
        }
    }

    fn ok(&self, who: &str, args: &[&str]) -> Run {
        let r = self.run(who, args);
        assert_eq!(r.code, Some(0), "{args:?}\n{}\n{}", r.stdout, r.stderr);
        r
    }

    fn bytes(&self, who: &str) -> Vec<u8> {
        fs::read(self.dir(who).join(FILE)).expect("progress file")
    }

    fn step(&self, who: &str, id: ItemId) -> Value {
        let r = self.ok(who, &["status", "--json"]);
        let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
        v["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["id"] == id.as_str())
            .cloned()
            .expect("the step")
    }
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn set(p: &mut Progress, id: ItemId, s: Status, reason: Option<&str>, t: &str, by: &str) {
    let g = Guide::embedded().expect("guide");
    p.set_status(g.item(id), s, reason, at(t), Some(by))
        .expect("status");
}

#[test]
fn b_sees_a_s_done_and_blocked_steps_with_who_and_reason_after_merging_a_s_export() {
    let two = Two::new();
    two.ok("A", &["mark", "prereq-actions-enabled", "done"]);
    two.ok(
        "A",
        &[
            "mark",
            "connect-marketo",
            "blocked",
            "--reason",
            "no API-only user yet",
            "--by",
            "Ana Kim",
        ],
    );
    let out = two.path("a.toml");
    let r = two.ok("A", &["export", "--out", out.to_str().expect("path")]);
    assert!(r.stdout.contains("a.toml"), "{}", r.stdout);
    assert!(r.stdout.contains("Salesforce admin"), "{}", r.stdout);
    let r = two.ok("B", &["merge", out.to_str().expect("path")]);
    assert!(r.stdout.contains("prereq-actions-enabled"), "{}", r.stdout);
    assert!(r.stdout.contains("connect-marketo"), "{}", r.stdout);
    assert!(r.stdout.contains("no API-only user yet"), "{}", r.stdout);
    assert!(!r.stdout.contains("Conflict"), "{}", r.stdout);
    let done = two.step("B", ItemId::PrereqActionsEnabled);
    assert_eq!(done["status"], "done");
    assert_eq!(done["updated_by"], "Ana");
    let blocked = two.step("B", ItemId::ConnectMarketo);
    assert_eq!(blocked["status"], "blocked");
    assert_eq!(blocked["reason"], "no API-only user yet");
    assert_eq!(blocked["updated_by"], "Ana Kim");
    // The merge saved through the store: the previous file is the backup.
    assert!(two.dir("B").join("progress.toml.bak").exists());
}

#[test]
fn a_step_both_changed_goes_to_the_newer_change_and_is_listed_as_a_conflict() {
    let two = Two::new();
    two.edit("B", |p| {
        set(
            p,
            ItemId::ConnectSalesforce,
            Status::Blocked,
            Some("no login"),
            "2026-11-30T10:00:00Z",
            "Bo",
        );
    });
    two.edit("A", |p| {
        set(
            p,
            ItemId::ConnectSalesforce,
            Status::Done,
            None,
            "2026-12-01T09:00:00Z",
            "Ana",
        );
    });
    let a_file = two.path("a.toml");
    let b_file = two.path("b.toml");
    two.ok("A", &["export", "--out", a_file.to_str().expect("path")]);
    two.ok("B", &["export", "--out", b_file.to_str().expect("path")]);
    let r = two.ok("B", &["merge", a_file.to_str().expect("path")]);
    assert!(r.stdout.contains("Conflicts"), "{}", r.stdout);
    assert!(r.stdout.contains("connect-salesforce"), "{}", r.stdout);
    assert!(r.stdout.contains("Kept the newer: theirs"), "{}", r.stdout);
    let step = two.step("B", ItemId::ConnectSalesforce);
    assert_eq!(step["status"], "done");
    assert_eq!(step["updated_by"], "Ana");
    // Both changes are in B's history.
    let text = String::from_utf8(two.bytes("B")).expect("UTF-8");
    assert!(
        text.contains("[[items.connect-salesforce.history]]"),
        "{text}"
    );
    assert!(text.contains("no login"), "{text}");
    // The other way round, A's own change is the newer one: kept, and still listed.
    let r = two.ok("A", &["merge", b_file.to_str().expect("path")]);
    assert!(r.stdout.contains("Kept the newer: yours"), "{}", r.stdout);
    assert_eq!(two.step("A", ItemId::ConnectSalesforce)["status"], "done");
}

#[test]
fn a_dry_run_leaves_the_file_byte_identical_and_merging_twice_changes_nothing() {
    let two = Two::new();
    two.ok("A", &["mark", "setup-sales-account", "done"]);
    two.ok("B", &["mark", "install-package", "in-progress"]);
    let a_file = two.path("a.toml");
    two.ok("A", &["export", "--out", a_file.to_str().expect("path")]);
    let before = two.bytes("B");
    let names = |d: &Path| {
        let mut v: Vec<String> = fs::read_dir(d)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let listing = names(&two.dir("B"));
    let r = two.ok("B", &["merge", "--dry-run", a_file.to_str().expect("path")]);
    assert!(r.stdout.contains("setup-sales-account"), "{}", r.stdout);
    assert!(r.stdout.contains("Dry run"), "{}", r.stdout);
    assert_eq!(two.bytes("B"), before, "a dry run writes nothing");
    assert_eq!(names(&two.dir("B")), listing);
    two.ok("B", &["merge", a_file.to_str().expect("path")]);
    let once = two.bytes("B");
    assert_ne!(once, before);
    let r = two.ok("B", &["merge", a_file.to_str().expect("path")]);
    assert!(r.stdout.contains("Nothing to change"), "{}", r.stdout);
    assert_eq!(two.bytes("B"), once, "merging twice changes nothing");
}

#[test]
fn newer_damaged_and_foreign_files_are_refused_untouched_with_the_reason() {
    let two = Two::new();
    two.ok("B", &["mark", "install-package", "done"]);
    let before = two.bytes("B");
    let cases = [
        (
            "newer.toml",
            "kind = \"msi-setup-handoff\"\nversion = 7\n",
            "newer msi-setup",
        ),
        (
            "damaged.toml",
            "kind = \"msi-setup-handoff\"\nversion = 1\n[items.connect-marketo\n",
            "damaged",
        ),
        (
            "Cargo.toml",
            "[package]\nname = \"x\"\n",
            "neither a hand-off file",
        ),
    ];
    for (name, text, says) in cases {
        let f = two.path(name);
        fs::write(&f, text).expect("write");
        let r = two.run("B", &["merge", f.to_str().expect("path")]);
        assert_eq!(r.code, Some(2), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        assert_eq!(
            fs::read_to_string(&f).expect("read"),
            text,
            "{name} untouched"
        );
        assert_eq!(two.bytes("B"), before, "{name}: B untouched");
    }
    // In the user's language.
    let f = two.path("newer.toml");
    let r = two.run("B", &["--lang", "ko", "merge", f.to_str().expect("path")]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("업데이트"), "{}", r.stderr);
    // Another admin's progress.toml merges too.
    let r = two.ok(
        "B",
        &["merge", two.dir("A").join(FILE).to_str().expect("path")],
    );
    assert!(r.stdout.contains("Ana"), "{}", r.stdout);
}

#[test]
fn the_export_holds_no_secret_even_with_credentials_remembered() {
    use msi_setup::credentials::{self, SavedCredentials, SavedMarketo, Secret};
    const CLIENT_ID: &str = "cid-SECRET-0001-abcd";
    const CLIENT_SECRET: &str = "csec-SECRET-0002-efgh";
    let two = Two::new();
    let saved = SavedCredentials {
        marketo: Some(SavedMarketo {
            base_url: Some(format!(
                "https://{CLIENT_ID}:{CLIENT_SECRET}@123-abc-456.mktorest.com"
            )),
            client_id: Some(Secret::new(CLIENT_ID)),
            client_secret: Some(Secret::new(CLIENT_SECRET)),
        }),
        salesforce: None,
    };
    credentials::save(&two.dir("A"), &saved).expect("remember");
    two.edit("A", |p| {
        let mut o = CheckOutcome::new(
            CheckId::MarketoAuth,
            CheckStatus::Fail,
            Detail::new("checks.marketo-auth.fail").arg(
                "url",
                format!("https://{CLIENT_ID}:{CLIENT_SECRET}@123-abc-456.mktorest.com/identity"),
            ),
        );
        o.finished_at = Some(at("2026-12-01T08:00:00Z"));
        p.checks.insert(CheckId::MarketoAuth, o);
        p.record_invites(InviteBatch {
            at: at("2026-12-01T08:30:00Z"),
            by: Some("Ana".into()),
            source: InviteSource::Individual,
            file: None,
            teams: vec!["Seoul".into()],
            workspace: None,
            count: 0,
            emails: vec!["kim@example.com".into(), "lee@example.com".into()],
        });
        set(
            p,
            ItemId::ConnectMarketo,
            Status::Blocked,
            Some(&format!(
                "login fails at https://{CLIENT_ID}:{CLIENT_SECRET}@123-abc-456.mktorest.com"
            )),
            "2026-12-01T09:00:00Z",
            "Ana",
        );
    });
    // The addresses live in the journal beside the progress file, as the wizard writes them.
    msi_setup::store::append_journal(
        &two.dir("A"),
        &["kim@example.com".to_string(), "lee@example.com".to_string()],
    )
    .expect("journal");
    for extra in [&[][..], &["--with-addresses"][..]] {
        let out = two.path("a.toml");
        let mut args = vec!["export", "--out", out.to_str().expect("path")];
        args.extend_from_slice(extra);
        let r = two.ok("A", &args);
        let text = fs::read_to_string(&out).expect("export");
        for s in [CLIENT_ID, CLIENT_SECRET] {
            assert!(!text.contains(s), "{extra:?}: {text}");
            assert!(!r.stdout.contains(s) && !r.stderr.contains(s));
        }
        assert!(text.contains("[checks.marketo-auth]"), "{text}");
        assert!(text.contains("count = 2"), "{text}");
        assert_eq!(
            text.contains("kim@example.com"),
            !extra.is_empty(),
            "addresses only when asked: {text}"
        );
        assert_eq!(
            r.stdout.contains("2 invited e-mail addresses"),
            !extra.is_empty()
        );
    }
}

#[test]
fn export_without_out_writes_the_default_name_in_the_current_directory() {
    let two = Two::new();
    let r = two.ok("A", &["export"]);
    let name = r
        .stdout
        .lines()
        .next()
        .and_then(|l| l.rsplit(' ').next())
        .expect("a path")
        .to_string();
    assert!(
        name.starts_with("msi-setup-handoff-") && name.ends_with(".toml"),
        "{name}"
    );
    let text = fs::read_to_string(two.path(&name)).expect("in the current directory");
    assert!(text.starts_with("kind = \"msi-setup-handoff\""), "{text}");
}

/// Checks that every opened element is closed in order (void elements and `/>` excepted).
fn well_formed(html: &str) -> Result<usize, String> {
    const VOID: [&str; 3] = ["meta", "br", "!doctype"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    let mut count = 0;
    while let Some(i) = rest.find('<') {
        let Some(j) = rest[i..].find('>') else {
            return Err("a `<` without `>`".into());
        };
        let tag = &rest[i + 1..i + j];
        rest = &rest[i + j + 1..];
        count += 1;
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        stack.push(name);
    }
    if stack.is_empty() {
        Ok(count)
    } else {
        Err(format!("never closed: {stack:?}"))
    }
}

#[test]
fn the_markdown_report_names_all_nine_steps_with_their_statuses() {
    let two = Two::new();
    two.ok("A", &["mark", "prereq-actions-enabled", "done"]);
    two.ok(
        "A",
        &["mark", "invite-users", "skipped", "--reason", "later"],
    );
    two.ok(
        "B",
        &[
            "mark",
            "install-package",
            "blocked",
            "--reason",
            "no licence",
        ],
    );
    let b_file = two.path("b.toml");
    two.ok("B", &["export", "--out", b_file.to_str().expect("path")]);
    two.ok("A", &["merge", b_file.to_str().expect("path")]);
    let r = two.ok("A", &["report"]);
    let md = r.stdout;
    let expect = [
        (ItemId::PrereqActionsEnabled, "done"),
        (ItemId::PrereqCrmSync, "to do"),
        (ItemId::SetupSalesAccount, "to do"),
        (ItemId::ConnectSalesforce, "to do"),
        (ItemId::ConnectMarketo, "to do"),
        (ItemId::StartDataSync, "to do"),
        (ItemId::InviteUsers, "skipped"),
        (ItemId::InstallPackage, "blocked"),
        (ItemId::ConfigureSalesforce, "to do"),
    ];
    for (id, word) in expect {
        let line = md
            .lines()
            .find(|l| l.contains(&format!("`{id}`")))
            .unwrap_or_else(|| panic!("{id} missing:\n{md}"));
        assert!(line.contains(&format!("| {word} |")), "{id}: {line}");
    }
    assert!(md.contains("no licence") && md.contains("later"), "{md}");
    assert!(md.contains("Bo (Salesforce admin)"), "{md}");
    assert!(md.contains("Click path:"), "{md}");
    let ko = two.ok("A", &["--lang", "ko", "report"]).stdout;
    assert!(ko.contains("설정 보고서"), "{ko}");
}

#[test]
fn the_html_report_is_well_formed_self_contained_and_draws_nine_boxes_in_two_lanes() {
    let two = Two::new();
    two.ok("A", &["mark", "setup-sales-account", "done"]);
    two.ok(
        "A",
        &[
            "mark",
            "connect-marketo",
            "blocked",
            "--reason",
            "a <b> & \"c\"",
        ],
    );
    let out = two.path("report.html");
    let r = two.ok(
        "A",
        &[
            "report",
            "--format",
            "html",
            "--out",
            out.to_str().expect("path"),
        ],
    );
    assert!(r.stdout.contains("report.html"), "{}", r.stdout);
    let html = fs::read_to_string(&out).expect("report");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    well_formed(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    assert!(
        html.contains("a &lt;b&gt; &amp; &quot;c&quot;"),
        "user text is escaped"
    );
    for bad in ["src=", "href=", "url(", "@import", "http://", "https://"] {
        assert!(!html.contains(bad), "loads something: {bad}");
    }
    assert!(html.contains("@page{size:A4"), "prints on A4");
    let svg_start = html.find("<svg").expect("a picture");
    let svg_end = html.find("</svg>").expect("closed");
    let svg = &html[svg_start..svg_end];
    assert!(
        svg_start < html.find("<h2").expect("sections"),
        "the picture opens the report"
    );
    assert_eq!(svg.matches("<g class=\"lane\"").count(), 2);
    assert_eq!(svg.matches("<g class=\"box\"").count(), 9);
    let lanes: Vec<&str> = svg
        .split("<g class=\"box\"")
        .skip(1)
        .map(|b| {
            let s = b.find("data-lane=\"").expect("lane") + 11;
            &b[s..s + b[s..].find('"').expect("end")]
        })
        .collect();
    assert_eq!(
        lanes,
        [
            "marketo-admin",
            "marketo-admin",
            "marketo-admin",
            "either",
            "marketo-admin",
            "marketo-admin",
            "marketo-admin",
            "salesforce-admin",
            "salesforce-admin"
        ]
    );
    // Labelled, not only coloured: every box says its status in words.
    assert!(
        svg.contains("data-status=\"done\"") && svg.contains(">done</text>"),
        "{svg}"
    );
    assert!(svg.contains(">blocked</text>"), "{svg}");
    assert!(well_formed("<p><b></p>").is_err(), "the checker can fail");
}
