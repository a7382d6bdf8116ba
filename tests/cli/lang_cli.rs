//! Everything the command line prints speaks the user's language: status words, CSV field
//! names, operating-system errors, and clap's own words (help headings, flags, usage errors).

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use msi_setup::domain::text::{Catalog, Lang};

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");

fn tr(lang: Lang) -> Catalog {
    Catalog::load(lang).expect("catalog")
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a clean locale, a sandbox home and `--config-dir dir/cfg`.
fn run(dir: &Path, args: &[&str]) -> Out {
    run_cfg(dir, &dir.join("cfg"), args)
}

fn run_cfg(dir: &Path, cfg: &Path, args: &[&str]) -> Out {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut c = Command::new(BIN);
    for var in [
        "LANG",
        "LC_ALL",
        "LC_MESSAGES",
        "LANGUAGE",
        "MSI_SETUP_CONFIG_DIR",
        "NO_COLOR",
        "XDG_CONFIG_HOME",
        "XDG_STATE_HOME",
        "XDG_CACHE_HOME",
        "XDG_DATA_HOME",
    ] {
        c.env_remove(var);
    }
    let out = c
        .env("HOME", &home)
        .env("TZ", "UTC")
        .timeout(Duration::from_secs(30))
        .arg("--config-dir")
        .arg(cfg)
        .args(args)
        .output()
        .expect("run");
    Out {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("utf-8"),
        stderr: String::from_utf8(out.stderr).expect("utf-8"),
    }
}

#[test]
fn mark_prints_the_status_in_the_users_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (lang, word) in [
        (Lang::Ko, "진행 중"),
        (Lang::ZhTw, "進行中"),
        (Lang::En, "in progress"),
    ] {
        let r = run(
            dir.path(),
            &["--lang", lang.tag(), "mark", "invite-users", "in-progress"],
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(r.stdout.contains(word), "{lang}: {}", r.stdout);
        assert!(!r.stdout.contains("in-progress"), "{lang}: {}", r.stdout);
        assert_eq!(tr(lang).t("core.status.in-progress"), word);
    }
}

/// clap's English words that must not show in another language's help or errors.
const CLAP_ENGLISH: &[&str] = &[
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Print help",
    "Print version",
    "Print this message",
    "[OPTIONS]",
    "[COMMAND]",
    "<COMMAND>",
    "[env:",
    "[default:",
    "error:",
    "tip:",
    "For more information",
    "unexpected argument",
    "invalid value",
    "required arguments",
    "similar",
];

#[track_caller]
fn assert_no_clap_english(what: &str, text: &str) {
    for w in CLAP_ENGLISH {
        assert!(!text.contains(w), "{what}: English {w:?} in:\n{text}");
    }
}

#[test]
fn help_has_no_english_headings_in_korean_or_chinese() {
    let dir = tempfile::tempdir().expect("tempdir");
    for lang in [Lang::Ko, Lang::ZhTw] {
        let t = tr(lang);
        for args in [
            &["--help"][..],
            &["mark", "--help"],
            &["csv", "--help"],
            &["csv", "check", "--help"],
            &["reset", "-h"],
            &["help"],
            &["help", "status"],
        ] {
            let mut all = vec!["--lang", lang.tag()];
            all.extend_from_slice(args);
            let r = run(dir.path(), &all);
            assert_eq!(r.code, Some(0), "{all:?}: {}", r.stderr);
            assert_no_clap_english(&format!("{all:?}"), &r.stdout);
            assert!(
                r.stdout.contains(t.t("clap.usage")),
                "{all:?}: {}",
                r.stdout
            );
            assert!(
                r.stdout.contains(t.t("clap.options")),
                "{all:?}: {}",
                r.stdout
            );
            assert!(r.stdout.contains(t.t("clap.help")), "{all:?}: {}", r.stdout);
        }
        let top = run(dir.path(), &["--lang", lang.tag(), "--help"]);
        for key in ["clap.commands", "clap.version", "clap.help-command"] {
            assert!(top.stdout.contains(t.t(key)), "{key}: {}", top.stdout);
        }
        let env = t.f("clap.env", &[("name", &"MSI_SETUP_CONFIG_DIR")]);
        assert!(top.stdout.contains(&env), "{}", top.stdout);
        let mark = run(dir.path(), &["--lang", lang.tag(), "mark", "--help"]);
        assert!(
            mark.stdout.contains(t.t("clap.arguments")),
            "{}",
            mark.stdout
        );
        let options = format!("[{}]", t.t("clap.options-name"));
        assert!(mark.stdout.contains(&options), "{}", mark.stdout);
    }
    // English keeps clap's usual words.
    let en = run(dir.path(), &["--help"]);
    for w in [
        "Usage: msi-setup [OPTIONS] [COMMAND]",
        "Options:",
        "Commands:",
        "Print help",
    ] {
        assert!(en.stdout.contains(w), "{w}: {}", en.stdout);
    }
}

#[test]
fn usage_errors_speak_the_users_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    for lang in [Lang::Ko, Lang::ZhTw] {
        let t = tr(lang);
        let cases: &[(&[&str], String)] = &[
            (
                &["--bogus"],
                t.f("clap.unknown-argument", &[("arg", &"--bogus")]),
            ),
            (
                &["stauts"],
                t.f("clap.unknown-command", &[("command", &"stauts")]),
            ),
            (&["mark"], t.t("clap.missing-arguments").to_string()),
            (
                &["csv", "check", "u.csv", "--seats", "many"],
                t.f(
                    "clap.invalid-value",
                    &[("arg", &"--seats <N>"), ("value", &"many")],
                ),
            ),
            (
                &["status", "--json", "--json"],
                t.f("clap.used-twice", &[("arg", &"--json")]),
            ),
        ];
        for (args, want) in cases {
            let mut all = vec!["--lang", lang.tag()];
            all.extend_from_slice(args);
            let r = run(dir.path(), &all);
            assert_eq!(r.code, Some(2), "{all:?}: {}", r.stderr);
            // With --json the same error is also JSON on stdout (docs/json.md).
            if args.contains(&"--json") {
                assert!(r.stdout.starts_with('{'), "{all:?}: {}", r.stdout);
            } else {
                assert!(r.stdout.is_empty(), "{all:?}: {}", r.stdout);
            }
            assert!(
                r.stderr.starts_with(t.t("clap.error")),
                "{all:?}: {}",
                r.stderr
            );
            assert!(
                r.stderr.contains(want.as_str()),
                "{all:?}: want {want:?} in {}",
                r.stderr
            );
            assert!(
                r.stderr
                    .contains(&t.f("clap.more-info", &[("flag", &"--help")])),
                "{all:?}: {}",
                r.stderr
            );
            assert_no_clap_english(&format!("{all:?}"), &r.stderr);
        }
        // The suggestion for a typo is there, in the user's words.
        let r = run(dir.path(), &["--lang", lang.tag(), "stauts"]);
        let tip = t.f("clap.similar-command", &[("value", &"'status'")]);
        assert!(r.stderr.contains(&tip), "{}", r.stderr);
        let r = run(
            dir.path(),
            &[
                "--lang",
                lang.tag(),
                "csv",
                "check",
                "u.csv",
                "--seats",
                "x",
            ],
        );
        assert!(r.stderr.contains(t.t("clap.not-a-number")), "{}", r.stderr);
    }
    // English errors keep clap's wording.
    let r = run(dir.path(), &["--bogus"]);
    assert!(
        r.stderr.starts_with("error: unexpected argument '--bogus'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("For more information, try '--help'."),
        "{}",
        r.stderr
    );
}

#[test]
fn csv_check_names_fields_in_the_users_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("users.csv");
    std::fs::write(&file, "Email,First Name\nann@example.com,Ann\n").expect("write");
    let file = file.to_string_lossy().into_owned();
    for lang in [Lang::Ko, Lang::ZhTw] {
        let t = tr(lang);
        let r = run(dir.path(), &["--lang", lang.tag(), "csv", "check", &file]);
        assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
        for field in ["email", "first_name", "last_name"] {
            let name = t.t(&format!("csv.field.{field}"));
            assert!(r.stdout.contains(name), "{lang} {field}: {}", r.stdout);
        }
        assert!(!r.stdout.contains("email ←"), "{}", r.stdout);
        assert!(!r.stdout.contains("first_name"), "{}", r.stdout);
    }
}

#[test]
fn operating_system_errors_come_from_the_catalog() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.csv");
    let missing = missing.to_string_lossy().into_owned();
    for lang in [Lang::Ko, Lang::ZhTw, Lang::En] {
        let t = tr(lang);
        let r = run(
            dir.path(),
            &["--lang", lang.tag(), "csv", "check", &missing],
        );
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr.contains(t.t("io.not-found")),
            "{lang}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("No such file"), "{lang}: {}", r.stderr);
        assert!(!r.stderr.contains("os error"), "{lang}: {}", r.stderr);
    }
    // The progress store: a config dir below a regular file cannot be created.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").expect("write");
    let below = blocker.join("cfg");
    let r = run_cfg(
        dir.path(),
        &below,
        &["--lang", "ko", "mark", "invite-users", "done"],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains(tr(Lang::Ko).t("io.not-a-directory")),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Not a directory"), "{}", r.stderr);
}
