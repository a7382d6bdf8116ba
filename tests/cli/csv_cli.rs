//! `msi-setup csv check` end to end: the JSON contract, exit codes, messages that name the file,
//! both output files, atomic writes. Runs the real binary with a temporary config dir.

use crate::csv_support as support;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use support::*;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_msi-setup"));
        c.env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C")
            .env_remove("MSI_SETUP_CONFIG_DIR");
        c.arg("--config-dir").arg(self.dir.path().join("config"));
        c.args(args);
        c
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs and returns (exit code, stdout, stderr).
fn run(mut c: Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(stdout: &str) -> Value {
    let mut it = serde_json::Deserializer::from_str(stdout).into_iter::<Value>();
    let v = it.next().expect("one JSON value").expect("valid JSON");
    assert!(it.next().is_none(), "exactly one JSON object");
    assert!(v.is_object());
    v
}

/// A CP949 file from Korean Windows Excel: title row, Korean headers, invalid and duplicate rows.
fn korean_file() -> Vec<u8> {
    let mut text = String::from("사용자 목록\r\n이름,성,부서,이메일,매니저 이메일\r\n");
    for (i, (first, last)) in KO.iter().cycle().take(120).enumerate() {
        let email = match i {
            16 => "kim@".to_string(),
            30 => String::new(),
            40 => "user3@example.com".to_string(),
            41 => " USER4@example.com ".to_string(),
            _ => format!("user{i}@example.com"),
        };
        text.push_str(&format!("{first},{last},영업,{email},boss@example.com\r\n"));
    }
    encode(&text, encoding_rs::EUC_KR)
}

#[test]
fn json_contract() {
    let env = Env::new();
    let f = env.file("users.csv", &korean_file());
    let (code, out, err) = run(env.cmd(&["csv", "check", s(&f), "--json"]));
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    assert_eq!(v["file"], s(&f));
    assert_eq!(v["encoding"], "EUC-KR");
    assert_eq!(v["encoding_confidence"], "high");
    assert_eq!(v["bom"], false);
    assert_eq!(v["delimiter"], ",");
    assert_eq!(v["header_row"], 2);
    assert_eq!(
        v["columns"],
        serde_json::json!(["이름", "성", "부서", "이메일", "매니저 이메일"])
    );
    assert_eq!(
        v["mapping"]["email"],
        serde_json::json!({"column": "이메일", "index": 4, "confidence": "alias"})
    );
    assert_eq!(v["mapping"]["first_name"]["column"], "이름");
    assert_eq!(v["mapping"]["first_name"]["index"], 1);
    assert_eq!(v["mapping"]["last_name"]["column"], "성");
    assert!(v["mapping"]["team"].is_null());
    assert!(v["mapping"]["workspace"].is_null());
    assert_eq!(v["email_passed_over"][0]["column"], "매니저 이메일");
    assert_eq!(v["email_passed_over"][0]["reason"], "someone_else");
    assert_eq!(
        v["counts"],
        serde_json::json!({"rows": 120, "valid": 116, "invalid": 2, "duplicates": 2})
    );
    assert_eq!(
        v["seats"],
        serde_json::json!({"available": 100, "needed": 116, "ok": false})
    );
    let issues = v["issues"].as_array().unwrap();
    let find = |kind: &str| {
        issues
            .iter()
            .find(|i| i["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind}"))
    };
    let invalid = find("invalid_email");
    assert_eq!(
        invalid["line"], 19,
        "row 17 of data is physical line 19 (title + header)"
    );
    assert_eq!(invalid["field"], "email");
    assert_eq!(invalid["severity"], "error");
    assert!(invalid["message"].as_str().unwrap().contains("`kim@`"));
    assert_eq!(find("missing_email")["line"], 33);
    assert_eq!(find("duplicate")["duplicate_of"], 6);
    assert_eq!(find("whitespace")["severity"], "warning");
    let seats = find("seats_exceeded");
    assert!(seats["line"].is_null());
    for i in issues {
        for key in ["line", "field", "kind", "severity", "message"] {
            assert!(i.get(key).is_some(), "{key} in {i}");
        }
        assert!(!i["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn human_summary_and_exit_0() {
    let env = Env::new();
    let f = env.file("ok.csv", users_csv(ZH_TW, 10, ';', "\n").as_bytes());
    let (code, out, err) = run(env.cmd(&["csv", "check", s(&f)]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("10 rows: 10 valid, 0 invalid, 0 duplicate"),
        "{out}"
    );
    assert!(out.contains("semicolon (;)"), "{out}");
    assert!(out.contains("email ← `Email` (column 3, exact)"), "{out}");
    assert!(out.contains("Every row is valid (10)."), "{out}");
    assert!(err.is_empty());
}

#[test]
fn summary_in_korean_and_chinese() {
    let env = Env::new();
    let f = env.file("u.csv", b"Email\nkim@\n");
    let (code, out, _) = run(env.cmd(&["--lang", "ko", "csv", "check", s(&f)]));
    assert_eq!(code, 1);
    assert!(
        out.contains("오류: 2번째 줄: `kim@`은(는) 올바른 이메일 주소가 아닙니다"),
        "{out}"
    );
    let (_, out, _) = run(env.cmd(&["--lang", "zh-TW", "csv", "check", s(&f), "--json"]));
    let v = json(&out);
    assert!(
        v["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("不是有效的電子郵件地址"),
        "{v}"
    );
}

#[test]
fn unreadable_file_is_exit_2_naming_the_file() {
    let env = Env::new();
    let missing = env.path("nope.csv");
    let (code, out, err) = run(env.cmd(&["csv", "check", s(&missing)]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains(&format!("could not read `{}`", missing.display())),
        "{err}"
    );
    assert!(err.contains("Check the path."), "{err}");
    let (code, out, _) = run(env.cmd(&["csv", "check", s(&missing), "--json"]));
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["error"]["code"], "unreadable");
    assert_eq!(v["error"]["path"], s(&missing));
    assert!(v["error"]["message"].as_str().unwrap().contains("nope.csv"));
    let (code, _, err) = run(env.cmd(&["csv", "check", s(env.dir.path())]));
    assert_eq!(code, 2);
    assert!(
        err.contains("not a folder") || err.contains("directory"),
        "{err}"
    );
}

#[test]
fn unusable_files_are_exit_2() {
    let env = Env::new();
    let xlsx = env.file("users.xlsx", b"PK\x03\x04\x14\x00\x06\x00rest-of-zip");
    let (code, _, err) = run(env.cmd(&["csv", "check", s(&xlsx)]));
    assert_eq!(code, 2);
    assert!(err.contains("is an Excel workbook, not a CSV"), "{err}");
    assert!(err.contains("CSV UTF-8"), "{err}");

    let no_email = env.file("names.csv", b"Name,Phone\nKim,010\n");
    let (code, out, err) = run(env.cmd(&["csv", "check", s(&no_email), "--json"]));
    assert_eq!(code, 2);
    assert_eq!(json(&out)["error"]["code"], "no_email_column");
    assert!(
        err.contains("names.csv") && err.contains("--map email=COLUMN") && err.contains("`Name`"),
        "{err}"
    );

    let empty = env.file("empty.csv", b"");
    let (code, _, err) = run(env.cmd(&["csv", "check", s(&empty)]));
    assert_eq!(code, 2);
    assert!(err.contains("is empty"), "{err}");
}

#[test]
fn bad_arguments_are_exit_2() {
    let env = Env::new();
    let f = env.file("u.csv", b"Email\nkim@example.com\n");
    for (args, needle) in [
        (vec!["--encoding", "klingon"], "unknown encoding `klingon`"),
        (vec!["--delimiter", "ab"], "cannot be the delimiter"),
        (vec!["--map", "nick=1"], "unknown field `nick`"),
        (vec!["--map", "email=7"], "no column `7`"),
        (vec!["--map", "email"], "is not FIELD=COLUMN"),
        (vec!["--header-row", "9"], "starts on line 9"),
    ] {
        let mut all = vec!["csv", "check", s(&f)];
        all.extend(args.iter().copied());
        let (code, _, err) = run(env.cmd(&all));
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn overrides_show_in_json() {
    let env = Env::new();
    let text = "Mail;Vorname;Gruppe\nkim@example.com;Kim;A\nlee@example.com;Lee;B\n";
    let f = env.file("u.csv", &encode(text, encoding_rs::WINDOWS_1252));
    let (code, out, err) = run(env.cmd(&[
        "csv",
        "check",
        s(&f),
        "--json",
        "--encoding",
        "latin1",
        "--delimiter",
        ";",
        "--header-row",
        "1",
        "--map",
        "team=Gruppe",
        "--map",
        "first_name=",
    ]));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["encoding"], "windows-1252");
    assert_eq!(v["encoding_source"], "override");
    assert_eq!(v["delimiter"], ";");
    assert_eq!(v["delimiter_source"], "override");
    assert_eq!(v["header_source"], "override");
    assert_eq!(
        v["mapping"]["team"],
        serde_json::json!({"column": "Gruppe", "index": 3, "confidence": "manual"})
    );
    assert!(v["mapping"]["first_name"].is_null());
    assert_eq!(v["mapping"]["email"]["column"], "Mail");
}

#[test]
fn seats_override() {
    let env = Env::new();
    let f = env.file("u.csv", users_csv(LATIN, 5, ',', "\n").as_bytes());
    let (code, out, _) = run(env.cmd(&["csv", "check", s(&f), "--seats", "3", "--json"]));
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(
        v["seats"],
        serde_json::json!({"available": 3, "needed": 5, "ok": false})
    );
    let (code, out, _) = run(env.cmd(&["csv", "check", s(&f), "--seats", "3"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("5 new addresses, but only 3 seats are available: remove 2 rows"),
        "{out}"
    );
    let (code, _, _) = run(env.cmd(&["csv", "check", s(&f), "--seats", "5"]));
    assert_eq!(code, 0);
}

#[test]
fn both_outputs_are_written_atomically() {
    let env = Env::new();
    let text = "Email,First Name,Last Name\nkim@example.com,=Kim,Lee\nbad,Park,Choi\nKIM@example.com,K,L\n";
    let f = env.file("u.csv", text.as_bytes());
    let clean = env.path("clean.csv");
    // An existing report is replaced, not appended to.
    let report = env.file("report.csv", b"old contents");
    let (code, out, err) = run(env.cmd(&[
        "csv",
        "check",
        s(&f),
        "--out",
        s(&clean),
        "--report",
        s(&report),
        "--json",
    ]));
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    assert_eq!(v["outputs"]["clean"], s(&clean));
    assert_eq!(v["outputs"]["clean_rows"], 1);
    assert_eq!(v["outputs"]["report"], s(&report));
    let clean_text = fs::read_to_string(&clean).unwrap();
    assert_eq!(
        clean_text,
        "Email,First Name,Last Name,Team,Workspace\nkim@example.com,'=Kim,Lee,,\n"
    );
    let report_bytes = fs::read(&report).unwrap();
    assert!(report_bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let report_text = String::from_utf8(report_bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = report_text.lines().collect();
    assert_eq!(lines.len(), 4, "{report_text}");
    assert_eq!(lines[0], "Line,Email,Status,Reason");
    assert!(
        lines[1].starts_with("2,kim@example.com,warning,first name `=Kim` starts with ="),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("3,bad,invalid,`bad` is not a valid email address"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("4,KIM@example.com,duplicate,same address as line 2"),
        "{}",
        lines[3]
    );
    // Nothing but the input and the two outputs (and the config dir) is left behind.
    let mut names: Vec<String> = fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names
            .iter()
            .all(|n| ["clean.csv", "report.csv", "u.csv", "config"].contains(&n.as_str())),
        "{names:?}"
    );

    // The human summary says what was written.
    let (_, out, _) = run(env.cmd(&["csv", "check", s(&f), "--out", s(&clean)]));
    assert!(
        out.contains(&format!("Wrote `{}`: 1 row to invite.", clean.display())),
        "{out}"
    );
    assert!(out.contains("Invite Users via CSV"), "{out}");
}

#[test]
fn outputs_never_overwrite_the_input_or_each_other() {
    let env = Env::new();
    let text = b"Email\nkim@example.com\n";
    let f = env.file("u.csv", text);
    let (code, _, err) = run(env.cmd(&["csv", "check", s(&f), "--out", s(&f)]));
    assert_eq!(code, 2);
    assert!(err.contains("is the file being checked"), "{err}");
    assert_eq!(fs::read(&f).unwrap(), text);
    let o = env.path("o.csv");
    let (code, _, err) = run(env.cmd(&["csv", "check", s(&f), "--out", s(&o), "--report", s(&o)]));
    assert_eq!(code, 2);
    assert!(err.contains("both point to"), "{err}");
    assert!(!o.exists());
}

#[test]
fn unwritable_output_is_exit_2_and_leaves_nothing() {
    let env = Env::new();
    let f = env.file("u.csv", b"Email\nkim@example.com\n");
    let bad = env.path("no-such-dir").join("clean.csv");
    let (code, _, err) = run(env.cmd(&["csv", "check", s(&f), "--out", s(&bad)]));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("could not write `{}`", bad.display())),
        "{err}"
    );
}

#[test]
fn terminal_escapes_in_the_file_are_not_printed_raw() {
    let env = Env::new();
    let f = env.file("u.csv", b"Email\n\x1b[31mkim@\x1b[0m\n");
    let (_, out, _) = run(env.cmd(&["csv", "check", s(&f)]));
    assert!(!out.contains('\x1b'), "{out:?}");
    assert!(out.contains("\\u{1b}[31mkim@"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_pipe_is_read_once_into_memory() {
    let env = Env::new();
    let clean = env.path("clean.csv");
    let mut c = env.cmd(&["csv", "check", "/dev/stdin", "--json", "--out", s(&clean)]);
    c.write_stdin(encode(
        &users_csv(KO, 200, ',', "\r\n"),
        encoding_rs::EUC_KR,
    ));
    let (code, out, err) = run(c);
    assert_eq!(code, 1, "{err}");
    let v = json(&out);
    assert_eq!(v["encoding"], "EUC-KR");
    assert_eq!(v["counts"]["valid"], 200);
    assert_eq!(v["seats"]["ok"], false);
    assert_eq!(fs::read_to_string(&clean).unwrap().lines().count(), 201);
}

#[test]
fn new_address_reasons_reach_the_json_and_the_terminal() {
    let env = Env::new();
    let text = "email,first,last\n\
                kim@example.com,Min,Kim\n\
                =u@example.com,Eq,Formula\n\
                lee@example.test,Seo,Lee\n\
                葉士豪@臺網中心.tw,士豪,葉\n\
                park@xn--0.tld,Ji,Park\n\
                choi@example.com,Ha\0,Choi\n\
                \"\"\"q u\"\"@example.com\",Q,Uoted\n";
    let f = env.file("tricky.csv", text.as_bytes());
    let (code, out, _) = run(env.cmd(&["csv", "check", s(&f), "--json"]));
    assert_eq!(code, 1, "{out}");
    let v = json(&out);
    assert_eq!(v["counts"]["rows"], 7);
    assert_eq!(v["counts"]["invalid"], 5, "{}", v["counts"]);
    assert_eq!(v["counts"]["valid"], 2);
    let issues = v["issues"].as_array().unwrap();
    let at = |line: u64| -> Vec<&Value> { issues.iter().filter(|i| i["line"] == line).collect() };
    assert_eq!(at(3)[0]["problem"], "formula_like");
    assert_eq!(at(4)[0]["problem"], "special_use_test");
    assert!(at(4)[0]["message"].as_str().unwrap().contains("`.test`"));
    assert_eq!(at(5)[0]["kind"], "smtputf8");
    assert_eq!(at(5)[0]["severity"], "warning");
    assert_eq!(at(6)[0]["problem"], "idna");
    assert_eq!(at(7)[0]["kind"], "control_char");
    assert_eq!(at(7)[0]["field"], "first_name");
    assert!(at(7)[0]["message"].as_str().unwrap().contains("first name"));
    assert_eq!(at(8)[0]["problem"], "quoted");
    // The same reasons in every language, in words.
    for lang in ["en", "ko", "zh-TW"] {
        let (_, out, _) = run(env.cmd(&["--lang", lang, "csv", "check", s(&f)]));
        assert!(out.contains("`.test`"), "{lang}: {out}");
        assert!(out.contains("SMTPUTF8"), "{lang}: {out}");
        assert!(!out.contains('\0'), "{lang}: a NUL reached the terminal");
    }
    // `--out` writes neither the formula nor the row with a NUL.
    let clean = env.path("clean.csv");
    let (_, _, _) = run(env.cmd(&["csv", "check", s(&f), "--out", s(&clean)]));
    let written = fs::read_to_string(&clean).unwrap();
    assert!(written.contains("kim@example.com"), "{written}");
    assert!(written.contains("葉士豪@臺網中心.tw"), "{written}");
    assert!(
        !written.contains("=u@") && !written.contains('\0'),
        "{written}"
    );
}

#[cfg(unix)]
#[test]
fn outputs_that_are_not_regular_files_are_refused() {
    use std::os::unix::fs::symlink;
    let env = Env::new();
    let f = env.file("u.csv", b"Email\nkim@example.com\n");
    let fifo = env.path("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let dir = env.path("a-dir");
    fs::create_dir(&dir).unwrap();
    let to_stdout = env.path("to-stdout");
    symlink("/proc/self/fd/1", &to_stdout).unwrap();
    for (option, target, kind) in [
        ("--out", fifo.clone(), "named pipe"),
        ("--report", fifo.clone(), "named pipe"),
        ("--out", dir.clone(), "directory"),
        ("--out", PathBuf::from("/dev/null"), "character device"),
        ("--report", to_stdout.clone(), "not a regular file"),
    ] {
        let mut c = env.cmd(&["csv", "check", s(&f), option, s(&target)]);
        c.timeout(std::time::Duration::from_secs(20));
        let (code, out, err) = run(c);
        assert_eq!(code, 2, "{option} {}: {out}{err}", target.display());
        assert!(err.contains("not a regular file"), "{err}");
        assert!(err.contains(kind), "{err}");
        assert!(err.contains(s(&target)), "{err}");
    }
    assert!(
        fs::read_dir(&dir).unwrap().next().is_none(),
        "nothing in the directory"
    );
}

#[cfg(unix)]
#[test]
fn an_output_symlink_to_a_file_is_written_through_and_new_outputs_are_private() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let env = Env::new();
    let f = env.file("u.csv", b"Email\nkim@example.com\n");
    let real = env.file("real.csv", b"old\n");
    let link = env.path("link.csv");
    symlink(&real, &link).unwrap();
    let report = env.path("report.csv");
    let (code, _, err) = run(env.cmd(&[
        "csv",
        "check",
        s(&f),
        "--out",
        s(&link),
        "--report",
        s(&report),
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(&real)
            .unwrap()
            .contains("kim@example.com")
    );
    let mode = fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[cfg(unix)]
#[test]
fn endless_input_is_capped_with_a_clear_error() {
    let env = Env::new();
    let mut c = env.cmd(&["csv", "check", "/dev/zero"]);
    c.timeout(std::time::Duration::from_secs(120));
    let (code, out, err) = run(c);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("/dev/zero"), "{err}");
    assert!(err.contains("MB"), "{err}");
    let mut c = env.cmd(&["csv", "check", "/dev/zero", "--json"]);
    c.timeout(std::time::Duration::from_secs(120));
    let (code, _, _) = run(c);
    assert_eq!(code, 2);
}

/// `--seats-used N`: the seats available are 100 less N; with `--seats` it is refused.
#[test]
fn seats_used_sets_the_seats_available() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("u.csv");
    let mut text = String::from("email\n");
    for n in 0..5 {
        text.push_str(&format!("u{n}@example.com\n"));
    }
    fs::write(&file, text).unwrap();
    let bin = env!("CARGO_BIN_EXE_msi-setup");
    let run = |extra: &[&str]| {
        std::process::Command::new(bin)
            .arg("--config-dir")
            .arg(dir.path())
            .args(["--lang", "en", "csv", "check", "--json"])
            .arg(&file)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--seats-used", "97"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["seats"]["available"], 3, "{v}");
    assert_eq!(v["seats"]["ok"], false, "{v}");
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["--seats-used", "90"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["seats"]["available"], 10, "{v}");
    let out = run(&["--seats-used", "1", "--seats", "4"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "conflicting options are a usage error"
    );
}

/// Thousands of issues (their messages are written on two threads, a chunk at a time) come out
/// in line order, each with its own message.
#[test]
fn many_issues_keep_their_order_and_their_messages() {
    let env = Env::new();
    let mut text = String::from("Email,First Name\n");
    for i in 0..9000 {
        text.push_str(&format!("bad{i},N{i}\n"));
    }
    let f = env.file("many.csv", text.as_bytes());
    let (code, out, _) = run(env.cmd(&["csv", "check", s(&f), "--json"]));
    assert_eq!(code, 1);
    let v = json(&out);
    let issues: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "invalid_email")
        .collect();
    assert_eq!(issues.len(), 9000);
    for (k, issue) in issues.iter().enumerate() {
        assert_eq!(issue["line"], k as u64 + 2);
        assert_eq!(issue["value"], format!("bad{k}"));
        let message = issue["message"].as_str().unwrap();
        assert!(message.contains(&format!("bad{k}")), "{message}");
    }
}

/// A guessed encoding with no other candidate is said in a sentence of its own, in every
/// language: not "it could also be no other encoding".
#[test]
fn an_uncertain_encoding_without_alternatives_reads_as_a_sentence() {
    let env = Env::new();
    let f = env.file(
        "u.csv",
        b"Email,First Name,Last Name\r\njos\xe9@example.com,Jos\xe9,M\xfcller\r\nana@example.com,Ana,Ruiz\r\n",
    );
    for (lang, says, not) in [
        (
            "en",
            "no other encoding reads the file cleanly",
            "could also be",
        ),
        ("zh-TW", "沒有其他能正確讀取此檔案的編碼", "也可能是"),
        (
            "ko",
            "파일을 문제없이 읽는 다른 인코딩은 없습니다",
            "일 수도 있습니다",
        ),
    ] {
        let (code, out, err) = run(env.cmd(&["--lang", lang, "csv", "check", s(&f), "--json"]));
        assert_eq!(code, 0, "{err}");
        let v = json(&out);
        assert!(
            v["encoding_alternatives"].as_array().unwrap().is_empty(),
            "{v}"
        );
        let message = v["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "encoding_uncertain")
            .and_then(|i| i["message"].as_str())
            .unwrap()
            .to_string();
        assert!(message.contains("windows-1252"), "{lang}: {message}");
        assert!(message.contains(says), "{lang}: {message}");
        assert!(!message.contains(not), "{lang}: {message}");
        assert!(message.contains("--encoding"), "{lang}: {message}");
    }
}

/// Thousands of issues (the JSON writer makes the messages of one chunk on another thread while
/// it writes the previous one): each message belongs to its own issue, in line order.
#[test]
fn every_message_of_a_long_issue_list_belongs_to_its_issue() {
    let env = Env::new();
    let mut text = String::from("Email,First Name\n");
    for i in 0..2600 {
        if i % 2 == 0 {
            text.push_str(&format!("bad-{i},n\n"));
        } else {
            text.push_str(&format!("user{}@example.com,n\n", i % 7));
        }
    }
    let file = env.file("many.csv", text.as_bytes());
    let (code, stdout, _) = run(env.cmd(&["csv", "check", s(&file), "--json"]));
    assert_eq!(code, 1);
    let v = json(&stdout);
    let issues = v["issues"].as_array().unwrap();
    let rows: Vec<&Value> = issues.iter().filter(|i| i["line"].is_u64()).collect();
    // 1 300 invalid addresses and 1 293 repeats of the 7 addresses.
    assert_eq!(rows.len(), 1300 + 1293);
    let mut last = 0;
    for issue in rows {
        let line = issue["line"].as_u64().unwrap();
        assert!(line > last, "line order: {line} after {last}");
        last = line;
        let message = issue["message"].as_str().unwrap();
        match issue["kind"].as_str().unwrap() {
            "invalid_email" => {
                let value = issue["value"].as_str().unwrap();
                assert_eq!(value, format!("bad-{}", line - 2));
                assert!(message.contains(&format!("`{value}`")), "{message}");
            }
            "duplicate" => {
                let first = issue["duplicate_of"].as_u64().unwrap();
                assert!(message.contains(&format!("line {first}")), "{message}");
            }
            kind => panic!("unexpected {kind}"),
        }
    }
}
