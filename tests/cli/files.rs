//! The files the program reads and writes, against hostile layouts: a missing or symlinked
//! progress file, unknown keys and words from newer builds, special files where a regular one
//! is expected, and several writers at once. The real binary, a temp config dir, a timeout on
//! every run (a hang is a failure, not a stuck suite).
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::Duration;

use assert_cmd::Command;
use msi_setup::domain::guide::ItemId;
use msi_setup::domain::progress::{Progress, Status};
use msi_setup::store::{BACKUP, FILE, LOCK};

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");

struct Env {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("cfg");
        fs::create_dir(&dir).expect("cfg");
        Env { tmp, dir }
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(BIN)
            .env_clear()
            .env("HOME", self.tmp.path())
            .env("TZ", "UTC")
            .arg("--config-dir")
            .arg(&self.dir)
            .args(args)
            .timeout(Duration::from_secs(20))
            .output()
            .expect("run");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn file(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    fn corrupt_copies(&self) -> usize {
        fs::read_dir(&self.dir)
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .count()
    }
}

fn id(s: &str) -> ItemId {
    s.parse().expect("item id")
}

fn progress_at(path: &Path) -> Progress {
    Progress::from_toml(&fs::read_to_string(path).expect("read")).expect("parses")
}

fn mkfifo(path: &Path) {
    let ok = StdCommand::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[track_caller]
fn refused(r: &Run, needles: &[&str]) {
    assert_eq!(r.code, Some(2), "expected exit 2: {r:#?}");
    for n in needles {
        assert!(r.stderr.contains(n), "stderr should mention {n:?}: {r:#?}");
    }
}

#[test]
fn a_missing_progress_file_is_restored_from_its_backup_and_the_backup_survives() {
    let e = Env::new();
    e.run(&["mark", "prereq-crm-sync", "done"]);
    e.run(&["mark", "connect-marketo", "done"]);
    fs::remove_file(e.file()).expect("rm");
    let r = e.run(&["mark", "invite-users", "in-progress"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(
        r.stderr.contains(BACKUP),
        "the restore must be said: {r:#?}"
    );
    let p = progress_at(&e.file());
    assert_eq!(p.status(id("prereq-crm-sync")), Status::Done, "restored");
    assert_eq!(p.status(id("invite-users")), Status::InProgress);
    // The backup is a real state, never an empty fresh file.
    let bak = progress_at(&e.dir.join(BACKUP));
    assert_eq!(bak.status(id("prereq-crm-sync")), Status::Done);
}

#[test]
fn a_dangling_progress_symlink_is_restored_through_the_link() {
    let e = Env::new();
    e.run(&["mark", "prereq-crm-sync", "done"]);
    e.run(&["mark", "connect-marketo", "done"]);
    let target = e.tmp.path().join("dotfiles-progress.toml");
    fs::remove_file(e.file()).expect("rm");
    symlink(&target, e.file()).expect("symlink");
    let r = e.run(&["mark", "invite-users", "done"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(r.stderr.contains(BACKUP), "{r:#?}");
    assert!(
        fs::symlink_metadata(e.file())
            .expect("meta")
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    let p = progress_at(&target);
    assert_eq!(p.status(id("prereq-crm-sync")), Status::Done);
    assert_eq!(p.status(id("invite-users")), Status::Done);
}

#[test]
fn a_symlinked_progress_file_is_written_through_to_its_target() {
    let e = Env::new();
    let dotfiles = e.tmp.path().join("dotfiles");
    fs::create_dir(&dotfiles).expect("mkdir");
    let target = dotfiles.join("msi-progress.toml");
    fs::write(&target, "version = 1\n").expect("write");
    symlink(&target, e.file()).expect("symlink");
    e.run(&["mark", "prereq-crm-sync", "done"]);
    let r = e.run(&["mark", "connect-marketo", "done"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let link = fs::symlink_metadata(e.file()).expect("meta");
    assert!(
        link.file_type().is_symlink(),
        "progress.toml is still the link"
    );
    assert_eq!(fs::read_link(e.file()).expect("link"), target);
    let p = progress_at(&target);
    assert_eq!(p.status(id("connect-marketo")), Status::Done);
    // The backup sits next to the target, as a plain file; none in the config dir.
    let bak = dotfiles.join("msi-progress.toml.bak");
    assert!(fs::symlink_metadata(&bak).expect("bak").is_file());
    assert_eq!(
        progress_at(&bak).status(id("prereq-crm-sync")),
        Status::Done
    );
    assert!(fs::symlink_metadata(e.dir.join(BACKUP)).is_err());
    // The status command reads through the link as well.
    let r = e.run(&["status", "--json"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(r.stdout.contains("\"done\""), "{r:#?}");
}

#[test]
fn unknown_keys_and_tables_survive_a_save() {
    let e = Env::new();
    let text = "version = 1\nfuture-key = 42\n\n[setup]\nname = \"Ana\"\ncolour = \"teal\"\n\n\
                [items.invite-users]\nstatus = \"done\"\nnote-from-the-future = \"keep me\"\n\n\
                [future-table]\nanswer = \"yes\"\nnested = { a = 1 }\n";
    fs::write(e.file(), text).expect("write");
    let r = e.run(&["mark", "prereq-crm-sync", "done"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let saved = fs::read_to_string(e.file()).expect("read");
    let table: toml::Table = toml::from_str(&saved).expect("toml");
    assert_eq!(table["future-key"].as_integer(), Some(42), "{saved}");
    assert_eq!(table["setup"]["colour"].as_str(), Some("teal"), "{saved}");
    assert_eq!(table["setup"]["name"].as_str(), Some("Ana"), "{saved}");
    assert_eq!(
        table["items"]["invite-users"]["note-from-the-future"].as_str(),
        Some("keep me"),
        "{saved}"
    );
    assert_eq!(
        table["future-table"]["answer"].as_str(),
        Some("yes"),
        "{saved}"
    );
    assert_eq!(
        table["future-table"]["nested"]["a"].as_integer(),
        Some(1),
        "{saved}"
    );
    assert_eq!(
        table["items"]["prereq-crm-sync"]["status"].as_str(),
        Some("done")
    );
}

#[test]
fn an_unknown_status_word_is_refused_untouched_with_the_reason() {
    let e = Env::new();
    let text = b"version = 1\n[items.invite-users]\nstatus = \"delegated\"\n";
    fs::write(e.file(), text).expect("write");
    let path = e.file().display().to_string();
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["mark", "prereq-crm-sync", "done"],
        &["reset", "--yes"],
    ] {
        let r = e.run(args);
        refused(&r, &[&path, "delegated"]);
        assert_eq!(fs::read(e.file()).expect("read"), text, "{args:?}");
    }
    assert_eq!(e.corrupt_copies(), 0);
    assert!(!e.dir.join(BACKUP).exists());
}

#[test]
fn a_huge_version_is_refused_untouched_not_quarantined() {
    let e = Env::new();
    let text = b"version = 99999999999\n";
    fs::write(e.file(), text).expect("write");
    for args in [&["status"][..], &["mark", "prereq-crm-sync", "done"]] {
        let r = e.run(args);
        refused(&r, &["newer", "99999999999"]);
        assert_eq!(fs::read(e.file()).expect("read"), text);
    }
    assert_eq!(e.corrupt_copies(), 0);
}

#[test]
fn a_fifo_named_progress_toml_never_hangs() {
    let e = Env::new();
    mkfifo(&e.file());
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["mark", "prereq-crm-sync", "done"],
    ] {
        let r = e.run(args);
        refused(&r, &["not a regular file"]);
    }
    assert!(
        fs::symlink_metadata(e.file())
            .expect("meta")
            .file_type()
            .is_fifo(),
        "left as it was"
    );
}

#[test]
fn parallel_marks_wait_for_the_lock_instead_of_failing() {
    let e = Env::new();
    let ids = [
        "prereq-crm-sync",
        "connect-marketo",
        "invite-users",
        "setup-sales-account",
        "install-package",
        "configure-salesforce",
    ];
    let children: Vec<_> = ids
        .iter()
        .map(|i| {
            StdCommand::new(BIN)
                .env_clear()
                .env("HOME", e.tmp.path())
                .arg("--config-dir")
                .arg(&e.dir)
                .args(["mark", i, "done"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let p = progress_at(&e.file());
    for i in ids {
        assert_eq!(p.status(id(i)), Status::Done, "{i} lost");
    }
}

#[test]
fn a_config_dir_that_cannot_be_written_says_so() {
    let e = Env::new();
    // A lock that cannot be opened for writing (a directory in its place stands in for a
    // read-only config dir, which root would ignore).
    fs::create_dir(e.dir.join(LOCK)).expect("mkdir");
    let r = e.run(&["mark", "prereq-crm-sync", "done"]);
    refused(&r, &["cannot write", &e.dir.display().to_string()]);
    assert!(!r.stderr.contains("could not read"), "{r:#?}");
}

#[test]
fn a_new_progress_file_is_private() {
    let e = Env::new();
    e.run(&["mark", "prereq-crm-sync", "done"]);
    let mode = fs::metadata(e.file()).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_fifo_in_place_of_credentials_toml_never_hangs_verify() {
    let e = Env::new();
    mkfifo(&e.dir.join("credentials.toml"));
    let r = e.run(&["verify"]);
    assert!(r.code.is_some(), "killed by the timeout: {r:#?}");
    assert!(r.stderr.contains("credentials.toml"), "{r:#?}");
    assert!(r.stderr.contains("not a regular file"), "{r:#?}");
}
