//! The persistence layer against the library API: round trips, backups, permissions, the
//! quarantine of damaged files, refusal of newer files, the single-instance lock and the sweep of
//! temp files left by a killed save. Every test works in its own temp dir.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use msi_setup::domain::guide::{Guide, ItemId, Role};
use msi_setup::domain::progress::{Progress, Status, VERSION};
use msi_setup::domain::text::Lang;
use msi_setup::store::{self, BACKUP, FILE, LOCK, LoadNotice, Opened, Store, StoreError};

fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

fn now() -> Timestamp {
    ts("2026-11-21T12:34:56Z")
}

/// The quarantine name for [`now`].
const STAMP: &str = "20261121T123456Z";

fn guide() -> Guide {
    Guide::embedded().expect("embedded guide")
}

fn open(dir: &Path) -> Opened {
    Store::open(dir, now()).expect("open store")
}

/// A progress file with something in every part of the schema.
fn sample() -> Progress {
    let g = guide();
    let mut p = Progress::default();
    p.setup.roles = vec![Role::MarketoAdmin];
    p.setup.name = Some("Kim Min-ji 김민지".to_string());
    p.setup.lang = Some(Lang::Ko);
    p.setup.started_at = Some(ts("2026-11-20T09:00:00Z"));
    let at = ts("2026-11-21T10:00:00.123456789Z");
    let item = |id: &str| g.item(id.parse().expect("item id")).clone();
    p.set_status(
        &item("prereq-actions-enabled"),
        Status::Done,
        None,
        at,
        Some("kim"),
    )
    .expect("done");
    p.set_ticked(&item("setup-sales-account"), "open-admin", true, at, None)
        .expect("tick");
    p.set_status(
        &item("connect-salesforce"),
        Status::Blocked,
        Some("waiting for the \"Salesforce\" admin — 等待"),
        at,
        Some("kim"),
    )
    .expect("blocked");
    p.set_variant(&item("install-package"), "upgrade", at, None);
    p
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn corrupt_files(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with("progress.toml.corrupt-"))
        .collect()
}

fn temps(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".progress.toml."))
        .collect()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// Strict RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`), not just anything jiff accepts.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || b[10] != b'T'
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    let offset_ok = rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':'
            && rest[1..3].bytes().all(|c| c.is_ascii_digit())
            && rest[4..6].bytes().all(|c| c.is_ascii_digit()));
    offset_ok && s.parse::<Timestamp>().is_ok()
}

fn collect_timestamps(v: &toml::Value, key: &str, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                collect_timestamps(v, k, out);
            }
        }
        toml::Value::String(s) if key.ends_with("-at") => out.push((key.to_string(), s.clone())),
        toml::Value::Datetime(d) => out.push((key.to_string(), d.to_string())),
        _ => {}
    }
}

#[test]
fn save_then_open_round_trips() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("cfg");
    let first = open(&dir);
    assert!(!first.existed);
    assert!(first.notices.is_empty());
    assert_eq!(first.progress, Progress::default());
    let p = sample();
    first.store.save(&p).expect("save");
    assert_eq!(first.store.path(), dir.join(FILE));
    drop(first);

    let again = open(&dir);
    assert!(again.existed);
    assert!(again.notices.is_empty(), "{:?}", again.notices);
    assert_eq!(again.progress, p);
    assert_eq!(
        again
            .progress
            .status("connect-salesforce".parse::<ItemId>().expect("item id")),
        Status::Blocked
    );
    assert_eq!(
        again
            .progress
            .item("install-package".parse::<ItemId>().expect("item id"))
            .variant
            .as_deref(),
        Some("upgrade")
    );

    // The file itself: parses, versioned first, whole-second RFC 3339 timestamps.
    let text = fs::read_to_string(dir.join(FILE)).expect("read");
    assert!(
        text.starts_with("version = 1\n"),
        "the file must start with the version: {text}"
    );
    assert_eq!(Progress::from_toml(&text).expect("parses"), p);
    let value: toml::Value = toml::from_str(&text).expect("toml");
    let mut stamps = Vec::new();
    collect_timestamps(&value, "", &mut stamps);
    assert!(
        stamps.len() >= 4,
        "expected updated-at and started-at: {stamps:?}"
    );
    for (k, s) in &stamps {
        assert!(is_rfc3339(s), "`{k}` is not RFC 3339: {s:?}");
    }
    assert!(
        text.contains("updated-at = \"2026-11-21T10:00:00Z\""),
        "updated-at is recorded in whole seconds, UTC: {text}"
    );
    assert!(
        !text.contains("0.123"),
        "no fraction of a second is kept: {text}"
    );
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("a").join("cfg");
    let o = open(&dir);
    assert_eq!(mode(&dir), 0o700, "config dir must be 0700");
    o.store.save(&sample()).expect("save");
    assert_eq!(mode(&dir.join(FILE)), 0o600, "progress file must be 0600");
    o.store.save(&Progress::default()).expect("save 2");
    assert_eq!(mode(&dir.join(FILE)), 0o600);
    assert_eq!(mode(&dir.join(BACKUP)), 0o600, "backup must be 0600");
}

#[test]
fn a_save_leaves_no_temp_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = open(tmp.path());
    for _ in 0..3 {
        o.store.save(&sample()).expect("save");
    }
    let mut expected = vec![FILE, BACKUP, LOCK];
    expected.sort_unstable();
    assert_eq!(names(tmp.path()), expected);
}

#[test]
fn second_save_keeps_previous_content_as_backup() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let o = open(dir);
    o.store.save(&Progress::default()).expect("save 1");
    assert!(
        !dir.join(BACKUP).exists(),
        "no backup before there was a previous file"
    );
    let v1 = fs::read(dir.join(FILE)).expect("read 1");

    let p2 = sample();
    o.store.save(&p2).expect("save 2");
    assert_eq!(fs::read(dir.join(BACKUP)).expect("bak"), v1);
    let v2 = fs::read(dir.join(FILE)).expect("read 2");
    assert_ne!(v1, v2);

    let mut p3 = p2.clone();
    p3.reset_all();
    p3.setup.name = Some("third".into());
    o.store.save(&p3).expect("save 3");
    assert_eq!(
        fs::read(dir.join(BACKUP)).expect("bak"),
        v2,
        "the backup is always the file as it was just before the save"
    );
    drop(o);
    assert_eq!(open(dir).progress, p3);
}

/// Damaged files as seen in the wild (perf-reliability-facts §5.3).
fn damaged() -> Vec<(&'static str, Vec<u8>)> {
    let good = sample().to_toml().expect("toml").into_bytes();
    let cut = good.len() * 2 / 3;
    // Cut inside a quoted string so the result cannot be valid TOML.
    let cut = (0..cut)
        .rev()
        .find(|&i| good[i] == b'"' && good[i + 1].is_ascii_alphanumeric())
        .expect("a quote")
        + 2;
    let mut bad_utf8 = b"version = 1\n\n[setup]\nname = \"".to_vec();
    bad_utf8.extend_from_slice(&[0xff, 0xfe, b'x']);
    bad_utf8.extend_from_slice(b"\"\n");
    vec![
        (
            "garbage",
            b"\x89PNG this is not toml at all = = [[".to_vec(),
        ),
        ("nul bytes", vec![0u8; 4902]),
        ("empty", Vec::new()),
        ("truncated", good[..cut].to_vec()),
        (
            "no version",
            b"[items.invite-users]\nstatus = \"done\"\n".to_vec(),
        ),
        ("version 0", b"version = 0\n".to_vec()),
        ("wrong type", b"version = 1\nitems = 3\n".to_vec()),
        ("invalid utf-8", bad_utf8),
    ]
}

#[test]
fn damaged_file_without_backup_is_moved_aside_and_starts_fresh() {
    for (what, bytes) in damaged() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        fs::write(dir.join(FILE), &bytes).expect("write");
        let o = Store::open(dir, now()).unwrap_or_else(|e| panic!("{what}: {e}"));
        let corrupt = dir.join(format!("{FILE}.corrupt-{STAMP}"));
        assert_eq!(
            o.notices,
            vec![LoadNotice::StartedFresh {
                corrupt: corrupt.clone()
            }],
            "{what}"
        );
        assert_eq!(o.progress, Progress::default(), "{what}");
        assert_eq!(
            fs::read(&corrupt).expect("corrupt copy"),
            bytes,
            "{what}: the damaged bytes are kept intact"
        );
        assert!(
            !dir.join(FILE).exists(),
            "{what}: nothing is written until the user changes something"
        );
        // The fresh start saves normally, and does not touch the quarantined copy.
        o.store.save(&sample()).expect("save");
        drop(o);
        assert_eq!(fs::read(&corrupt).expect("corrupt copy"), bytes, "{what}");
        let again = open(dir);
        assert!(again.notices.is_empty(), "{what}");
        assert_eq!(again.progress, sample(), "{what}");
    }
}

#[test]
fn damaged_file_with_good_backup_is_restored() {
    for (what, bytes) in damaged() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let good = sample();
        let good_text = good.to_toml().expect("toml");
        fs::write(dir.join(BACKUP), &good_text).expect("write bak");
        fs::write(dir.join(FILE), &bytes).expect("write");
        let o = Store::open(dir, now()).unwrap_or_else(|e| panic!("{what}: {e}"));
        let corrupt = dir.join(format!("{FILE}.corrupt-{STAMP}"));
        assert_eq!(
            o.notices,
            vec![LoadNotice::RestoredFromBackup {
                corrupt: corrupt.clone()
            }],
            "{what}"
        );
        assert_eq!(o.progress, good, "{what}");
        assert!(o.existed, "{what}");
        assert_eq!(fs::read(&corrupt).expect("corrupt copy"), bytes, "{what}");
        // The restored state is on disk again, and the backup is still the good copy.
        assert_eq!(
            Progress::from_toml(&fs::read_to_string(dir.join(FILE)).expect("read"))
                .expect("parses"),
            good,
            "{what}"
        );
        assert_eq!(
            fs::read_to_string(dir.join(BACKUP)).expect("bak"),
            good_text,
            "{what}"
        );
        drop(o);
        let again = open(dir);
        assert!(again.notices.is_empty(), "{what}");
        assert_eq!(again.progress, good, "{what}");
        assert_eq!(corrupt_files(dir).len(), 1, "{what}");
    }
}

#[test]
fn damaged_file_and_damaged_backup_start_fresh() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    fs::write(dir.join(BACKUP), b"\0\0\0").expect("bak");
    fs::write(dir.join(FILE), b"version = ").expect("file");
    let o = open(dir);
    assert!(
        matches!(o.notices.as_slice(), [LoadNotice::StartedFresh { .. }]),
        "{:?}",
        o.notices
    );
    assert_eq!(o.progress, Progress::default());
    assert_eq!(fs::read(dir.join(BACKUP)).expect("bak"), b"\0\0\0");
}

#[test]
fn quarantine_never_overwrites_an_earlier_corrupt_copy() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let taken = dir.join(format!("{FILE}.corrupt-{STAMP}"));
    fs::write(&taken, b"an earlier incident").expect("pre-create");

    fs::write(dir.join(FILE), b"first damage").expect("write");
    let o = open(dir);
    let first = dir.join(format!("{FILE}.corrupt-{STAMP}-1"));
    assert_eq!(
        o.notices,
        vec![LoadNotice::StartedFresh {
            corrupt: first.clone()
        }]
    );
    drop(o);

    fs::write(dir.join(FILE), [0u8; 64]).expect("write");
    let o = open(dir);
    let second = dir.join(format!("{FILE}.corrupt-{STAMP}-2"));
    assert_eq!(
        o.notices,
        vec![LoadNotice::StartedFresh {
            corrupt: second.clone()
        }]
    );
    drop(o);

    assert_eq!(fs::read(&taken).expect("earlier"), b"an earlier incident");
    assert_eq!(fs::read(&first).expect("first"), b"first damage");
    assert_eq!(fs::read(&second).expect("second"), [0u8; 64]);
    assert_eq!(corrupt_files(dir).len(), 3);
}

#[test]
fn quarantine_name_is_utc_of_the_given_time() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    fs::write(dir.join(FILE), b"!!").expect("write");
    let o = Store::open(dir, ts("2027-01-02T03:04:05.999+09:00")).expect("open");
    assert_eq!(
        o.notices,
        vec![LoadNotice::StartedFresh {
            corrupt: dir.join(format!("{FILE}.corrupt-20270101T180405Z"))
        }]
    );
}

#[test]
fn newer_version_is_refused_and_left_untouched() {
    let newer = b"version = 2\nschema-extra = \"from the future\"\n\n[setup]\nroles = [\"marketo-admin\"]\nteam = { size = 3 }\n\n[items.invite-users]\nstatus = \"delegated\"\nseats-left = 7\n";
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    fs::write(dir.join(FILE), newer).expect("write");
    let before = names(dir);

    let err = Store::open(dir, now()).expect_err("a newer file must be refused");
    match &err {
        StoreError::NewerVersion {
            path,
            found,
            supported,
        } => {
            assert_eq!(path, &dir.join(FILE));
            assert_eq!(*found, 2);
            assert_eq!(*supported, VERSION);
        }
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("newer") && msg.contains(&dir.join(FILE).display().to_string()),
        "{msg}"
    );
    assert_eq!(fs::read(dir.join(FILE)).expect("read"), newer);
    assert!(corrupt_files(dir).is_empty());
    assert!(!dir.join(BACKUP).exists());
    assert!(temps(dir).is_empty());
    // Only the lock file may have been added.
    let mut expected = before;
    expected.push(LOCK.to_string());
    expected.sort();
    assert_eq!(names(dir), expected);

    // The lock is not left held by the refused open.
    let err2 = Store::open(dir, now()).expect_err("still refused");
    assert!(matches!(err2, StoreError::NewerVersion { .. }), "{err2:?}");

    // The read-only path refuses it too.
    assert!(matches!(
        store::read_only(dir),
        Err(StoreError::NewerVersion { found: 2, .. })
    ));
    assert_eq!(fs::read(dir.join(FILE)).expect("read"), newer);
}

#[test]
fn unknown_keys_in_version_1_are_tolerated() {
    let text = r#"version = 1
written-by = "msi-setup 1.4"

[setup]
roles = ["salesforce-admin"]
name = "Lee"
theme = "dark"

[setup.extra]
anything = [1, 2, 3]

[items.connect-salesforce]
status = "done"
updated-at = "2026-11-21T08:00:00Z"
updated-by = "Lee"
checked-by-api = true

[items.some-future-step]
status = "in-progress"
"#;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    fs::write(dir.join(FILE), text).expect("write");
    let o = open(dir);
    assert!(o.notices.is_empty(), "{:?}", o.notices);
    assert!(corrupt_files(dir).is_empty());
    assert_eq!(o.progress.setup.roles, vec![Role::SalesforceAdmin]);
    assert_eq!(o.progress.setup.name.as_deref(), Some("Lee"));
    let item = o
        .progress
        .item("connect-salesforce".parse::<ItemId>().expect("item id"));
    assert_eq!(item.status, Status::Done);
    assert_eq!(item.updated_at, Some(ts("2026-11-21T08:00:00Z")));
    assert_eq!(item.updated_by.as_deref(), Some("Lee"));
    assert_eq!(fs::read_to_string(dir.join(FILE)).expect("read"), text);
    assert_eq!(
        store::read_only(dir)
            .expect("read only")
            .expect("present")
            .status("connect-salesforce".parse::<ItemId>().expect("item id")),
        Status::Done
    );
}

#[test]
fn second_open_is_locked_until_the_first_is_dropped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let first = open(dir);
    first.store.save(&sample()).expect("save");
    match Store::open(dir, now()) {
        Err(StoreError::Locked { path }) => assert_eq!(path, dir.join(LOCK)),
        other => panic!("expected Locked, got {other:?}"),
    }
    // Refusing did not disturb anything.
    assert_eq!(open_read(dir), sample());
    drop(first);
    let second = open(dir);
    assert_eq!(second.progress, sample());
    // And the second now holds it.
    assert!(matches!(
        Store::open(dir, now()),
        Err(StoreError::Locked { .. })
    ));
}

fn open_read(dir: &Path) -> Progress {
    store::read_only(dir).expect("read").expect("present")
}

#[test]
fn stray_temp_files_are_swept_at_open() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    {
        let o = open(dir);
        o.store.save(&sample()).expect("save");
    }
    let strays = [
        ".progress.toml.a1B2c3.tmp",
        ".progress.toml.ZZZZZZ.tmp",
        ".progress.toml.bak.tmp",
    ];
    for s in strays {
        fs::write(dir.join(s), b"version = 1\n[items.x\n").expect("stray");
    }
    let keep = [
        "notes.txt",
        "progress.toml.corrupt-20200101T000000Z",
        "progress.toml.old",
    ];
    for k in keep {
        fs::write(dir.join(k), b"keep me").expect("keep");
    }
    let o = open(dir);
    assert!(temps(dir).is_empty(), "left: {:?}", temps(dir));
    for k in keep {
        assert_eq!(fs::read(dir.join(k)).expect("kept"), b"keep me", "{k}");
    }
    assert_eq!(o.progress, sample());
    assert!(o.notices.is_empty());
}

#[test]
fn read_only_never_moves_or_creates_anything() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Missing dir: nothing, and the dir is not created.
    let missing = tmp.path().join("nope");
    assert!(store::read_only(&missing).expect("ok").is_none());
    assert!(!missing.exists());

    for (what, bytes) in damaged() {
        let dir = tmp.path().join(what.replace(' ', "-"));
        fs::create_dir(&dir).expect("mkdir");
        fs::write(dir.join(FILE), &bytes).expect("write");
        match store::read_only(&dir) {
            Err(StoreError::Corrupt { path, backup, .. }) => {
                assert_eq!(path, dir.join(FILE), "{what}");
                assert_eq!(backup, dir.join(BACKUP), "{what}");
            }
            other => panic!("{what}: expected Corrupt, got {other:?}"),
        }
        assert_eq!(fs::read(dir.join(FILE)).expect("read"), bytes, "{what}");
        assert_eq!(names(&dir), vec![FILE], "{what}: nothing moved or created");
    }
}

#[test]
fn read_only_sees_what_was_saved() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let o = open(dir);
    assert!(store::read_only(dir).expect("ok").is_none());
    o.store.save(&sample()).expect("save");
    // While the lock is held: status must still work.
    assert_eq!(open_read(dir), sample());
}

#[test]
fn resolve_dir_prefers_the_given_dir() {
    let given = PathBuf::from("/some/where");
    assert_eq!(
        store::resolve_dir(Some(given.clone())).expect("given"),
        given
    );
    // An empty value means "not given", not the current directory.
    if let Some(default) = store::default_dir() {
        assert_eq!(
            store::resolve_dir(Some(PathBuf::new())).expect("default"),
            default
        );
        assert_eq!(store::resolve_dir(None).expect("default"), default);
    }
}

#[test]
fn a_config_dir_that_is_a_file_is_reported_by_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("not-a-dir");
    fs::write(&file, b"x").expect("write");
    match Store::open(&file, now()) {
        Err(e @ StoreError::CreateDir { .. }) => {
            assert!(e.to_string().contains(&file.display().to_string()), "{e}");
        }
        other => panic!("expected CreateDir, got {other:?}"),
    }
    assert_eq!(fs::read(&file).expect("read"), b"x");
}

/// The invited addresses live in their own journal file, so `progress.toml` stays small
/// whatever the CSV; the journal is private, read back by the store and by `read_only`, and
/// grows by whole batches.
#[test]
fn a_large_batch_goes_to_the_journal_and_the_progress_file_stays_small() {
    use msi_setup::domain::progress::{InviteBatch, InviteSource};
    let dir = tempfile::tempdir().expect("tempdir");
    let Opened {
        store,
        mut progress,
        ..
    } = open(dir.path());
    let emails: Vec<String> = (0..200_000)
        .map(|n| format!("user.number{n}@example.com"))
        .collect();
    let journal = progress.record_invites(InviteBatch {
        at: now(),
        by: Some("kim".into()),
        source: InviteSource::Csv,
        file: Some("big.csv".into()),
        teams: vec!["Sales".into()],
        workspace: Some("Default".into()),
        count: 0,
        emails,
    });
    assert_eq!(journal.len(), 200_000);
    store::append_journal(dir.path(), &journal).expect("journal");
    store.save(&progress).expect("save");
    let size = fs::metadata(dir.path().join(FILE)).expect("progress").len();
    assert!(size < 64 * 1024, "progress.toml is {size} bytes");
    let jpath = dir.path().join(store::JOURNAL);
    #[cfg(unix)]
    assert_eq!(mode(&jpath), 0o600);
    // A second batch appends; nothing is lost or repeated.
    store::append_journal(dir.path(), &["  Late@Example.com ".into()]).expect("append");
    let text = fs::read_to_string(&jpath).expect("journal text");
    assert_eq!(text.lines().count(), 200_001);
    assert_eq!(text.lines().next(), Some("user.number0@example.com"));
    assert_eq!(text.lines().last(), Some("Late@Example.com"));
    assert!(temps(dir.path()).is_empty(), "{:?}", names(dir.path()));
    drop(store);
    // Read back by both ways in.
    let again = open(dir.path()).progress;
    assert_eq!(again.invited_emails().len(), 200_001);
    assert!(again.invited_emails().contains("late@example.com"));
    assert_eq!(again.invites[0].count, 200_000);
    assert_eq!(again.seat_budget().left(), 0);
    let read = store::read_only(dir.path()).expect("read").expect("a file");
    assert_eq!(read.invited_emails().len(), 200_001);
}

/// A progress file of an older build: one batch that keeps its two addresses itself.
const OLDER_BATCH: &str = "version = 1\n\n[[invites]]\nat = \"2026-11-20T09:00:00Z\"\n\
                           source = \"individual\"\nemails = [\"a@x.io\", \"B@x.io\"]\n";

/// Batches recorded by an older build kept their addresses in `progress.toml`: still counted,
/// together with the journal's, each address once.
#[test]
fn addresses_in_older_batches_count_with_the_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(FILE), OLDER_BATCH).expect("write");
    fs::write(dir.path().join(store::JOURNAL), "b@x.io\nc@x.io\n").expect("journal");
    let p = open(dir.path()).progress;
    assert_eq!(
        p.invited_emails().iter().collect::<Vec<_>>(),
        ["a@x.io", "b@x.io", "c@x.io"]
    );
    assert_eq!(p.invites[0].len(), 2);
    // Opening moved them to the journal, once, without repeating what it held: the file keeps
    // the batch and its count, and the next start reads the same.
    let text = fs::read_to_string(dir.path().join(FILE)).expect("progress");
    assert!(!text.contains("emails"), "{text}");
    assert!(text.contains("count = 2"), "{text}");
    assert_eq!(
        fs::read_to_string(dir.path().join(store::JOURNAL)).expect("journal"),
        "b@x.io\nc@x.io\na@x.io\n"
    );
    let again = open(dir.path()).progress;
    assert_eq!(again.invited_emails(), p.invited_emails());
    assert_eq!(again.invites[0].len(), 2);
    assert_eq!(again.seat_budget().used, 3);
}

/// The TUI opens without the journal and reads it after its first frame: the two halves give
/// what one open gives, older batches' addresses included, each once; a save in between keeps
/// the journal; an unreadable journal is an error naming it.
#[test]
fn the_journal_read_after_opening_joins_what_opening_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join(FILE), OLDER_BATCH).expect("write");
    fs::write(
        dir.path().join(store::JOURNAL),
        "b@x.io\n C@X.io \n# note\n",
    )
    .expect("journal");
    let whole = open(dir.path()).progress;
    let Opened {
        store,
        mut progress,
        ..
    } = Store::open_deferring_journal(dir.path(), now()).expect("open");
    // The first open moved the file's own addresses to the journal: none are left here.
    assert!(progress.invited_emails().is_empty());
    store
        .save(&progress)
        .expect("save before the journal arrives");
    assert_eq!(
        fs::read_to_string(dir.path().join(store::JOURNAL)).expect("journal"),
        "b@x.io\n C@X.io \n# note\na@x.io\n"
    );
    progress.join_invited(store::read_journal(dir.path()).expect("read"));
    assert_eq!(progress.invited_emails(), whole.invited_emails());
    assert_eq!(
        progress.invited_emails().iter().collect::<Vec<_>>(),
        ["a@x.io", "b@x.io", "c@x.io"]
    );
    drop(store);

    // No journal: nothing to add.
    let empty = tempfile::tempdir().expect("tempdir");
    assert!(store::read_journal(empty.path()).expect("read").is_empty());
    // A directory where the journal should be: an error that names it.
    fs::create_dir(empty.path().join(store::JOURNAL)).expect("dir");
    let err = store::read_journal(empty.path()).expect_err("not a file");
    assert!(err.to_string().contains(store::JOURNAL), "{err}");
}
