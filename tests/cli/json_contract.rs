//! The JSON contract of docs/json.md, checked against the real binary: every `schema` block of
//! the document is parsed, and every document the commands print (outputs and errors, in
//! several situations) must match it — each field documented with its type, each field not
//! marked optional present, and each documented field seen in at least one run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");
const DOC: &str = include_str!("../../docs/json.md");

/// One documented field: its path pattern (segments; `[]` for array elements, `*` for any key),
/// the JSON types it may have, and whether it may be absent.
#[derive(Debug)]
struct Field {
    pattern: Vec<String>,
    types: Vec<String>,
    optional: bool,
    text: String,
}

/// The `schema NAME` blocks of docs/json.md, by name.
fn schemas() -> BTreeMap<String, Vec<Field>> {
    let mut out = BTreeMap::new();
    let mut lines = DOC.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let Some(name) = line.strip_prefix("```schema ") else {
            continue;
        };
        let mut fields = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            let mut words = l.split_whitespace();
            let (Some(path), Some(types)) = (words.next(), words.next()) else {
                panic!("docs/json.md:{}: want `path type description`: {l}", n + 1);
            };
            let (path, optional) = match path.strip_suffix('?') {
                Some(p) => (p, true),
                None => (path, false),
            };
            let types: Vec<String> = types.split('|').map(str::to_string).collect();
            for t in &types {
                assert!(
                    [
                        "string", "integer", "boolean", "null", "object", "array", "map"
                    ]
                    .contains(&t.as_str()),
                    "docs/json.md:{}: unknown type `{t}`",
                    n + 1
                );
            }
            let description: Vec<&str> = words.collect();
            assert!(
                !description.is_empty(),
                "docs/json.md:{}: `{path}` has no description",
                n + 1
            );
            fields.push(Field {
                pattern: segments(path),
                types,
                optional,
                text: path.to_string(),
            });
        }
        out.insert(name.trim().to_string(), fields);
    }
    out
}

/// `a.b[].c` → `["a", "b", "[]", "c"]`.
fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut name = part;
        let mut arrays = 0;
        while let Some(p) = name.strip_suffix("[]") {
            name = p;
            arrays += 1;
        }
        out.push(name.to_string());
        out.extend((0..arrays).map(|_| "[]".to_string()));
    }
    out
}

fn matches(pattern: &[String], path: &[String]) -> bool {
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(path)
            .all(|(p, s)| p == s || (p == "*" && s != "[]"))
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `doc` against the schema `name`; records the documented fields seen in `seen`.
fn check(name: &str, doc: &Value, schemas: &BTreeMap<String, Vec<Field>>, seen: &mut Seen) {
    let fields = schemas
        .get(name)
        .unwrap_or_else(|| panic!("docs/json.md has no `schema {name}` block"));
    let mut problems = Vec::new();
    walk(name, fields, doc, &mut Vec::new(), &mut problems, seen);
    assert!(
        problems.is_empty(),
        "`{name}` output does not match docs/json.md:\n{}\n\noutput: {doc}",
        problems.join("\n")
    );
}

type Seen = BTreeSet<(String, String)>;

fn walk(
    name: &str,
    fields: &[Field],
    value: &Value,
    path: &mut Vec<String>,
    problems: &mut Vec<String>,
    seen: &mut Seen,
) {
    let shown = path.join(".").replace(".[]", "[]");
    if !path.is_empty() {
        // The exact pattern first, then one with `*`.
        let field = fields
            .iter()
            .find(|f| f.pattern == *path)
            .or_else(|| fields.iter().find(|f| matches(&f.pattern, path)));
        let Some(field) = field else {
            problems.push(format!("`{shown}` is not documented"));
            return;
        };
        seen.insert((name.to_string(), field.text.clone()));
        let ty = type_of(value);
        let ok = field
            .types
            .iter()
            .any(|t| t == ty || (t == "map" && ty == "object"));
        if !ok {
            problems.push(format!(
                "`{shown}` is {ty}, documented as {}",
                field.types.join("|")
            ));
            return;
        }
    }
    match value {
        Value::Object(map) => {
            // Fields documented as always present under this object.
            for f in fields {
                let Some((last, parent)) = f.pattern.split_last() else {
                    continue;
                };
                if f.optional || last == "*" || last == "[]" || !matches(parent, path) {
                    continue;
                }
                if !map.contains_key(last) {
                    problems.push(format!("`{}` is missing (at `{shown}`)", f.text));
                }
            }
            for (k, v) in map {
                path.push(k.clone());
                walk(name, fields, v, path, problems, seen);
                path.pop();
            }
        }
        Value::Array(items) => {
            for v in items {
                path.push("[]".to_string());
                walk(name, fields, v, path, problems, seen);
                path.pop();
            }
        }
        _ => {}
    }
}

struct Run {
    code: i32,
    stdout: String,
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(BIN)
        .env_clear()
        .env("MSI_SETUP_SF_CLI", "off")
        .env("MSI_SETUP_HTTP_TIMEOUT_MS", "1500")
        .env("MSI_SETUP_RETRY_BASE_MS", "2")
        .env("HOME", dir)
        .envs(env.iter().copied())
        .arg("--config-dir")
        .arg(dir.join("cfg"))
        .args(args)
        .output()
        .expect("run msi-setup");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
    }
}

/// The one JSON document on stdout (nothing else there).
fn doc(r: &Run, args: &[&str]) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON document ({e}): {}",
            r.stdout
        )
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

/// Every documented field was seen in some run.
fn assert_all_seen(schemas: &BTreeMap<String, Vec<Field>>, seen: &Seen, names: &[&str]) {
    let mut unseen = Vec::new();
    for name in names {
        for f in &schemas[*name] {
            if !seen.contains(&(name.to_string(), f.text.clone())) {
                unseen.push(format!("{name}: {}", f.text));
            }
        }
    }
    assert!(
        unseen.is_empty(),
        "documented but never printed (remove them or add a run that prints them):\n{}",
        unseen.join("\n")
    );
}

#[test]
fn the_document_has_a_block_per_command_and_every_version_is_1() {
    let s = schemas();
    let names: Vec<&str> = s.keys().map(String::as_str).collect();
    assert_eq!(names, ["csv-check", "error", "status", "verify"]);
    for (name, fields) in &s {
        let version = fields
            .iter()
            .find(|f| f.text == "version")
            .unwrap_or_else(|| panic!("{name}: no version field"));
        assert_eq!(version.types, ["integer"], "{name}");
        assert!(!version.optional, "{name}");
    }
}

#[test]
fn status_output_matches_the_document() {
    let schemas = schemas();
    let mut seen = Seen::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // Fresh: no progress file yet.
    let args = ["status", "--json"];
    let r = run(dir, &args, &[]);
    assert_eq!(r.code, 0);
    let d = doc(&r, &args);
    assert_eq!(d["version"], 1);
    check("status", &d, &schemas, &mut seen);
    // A file with setup, reasons, variants, who and when, and invite batches.
    std::fs::create_dir_all(dir.join("cfg")).expect("mkdir");
    write(
        &dir.join("cfg"),
        "progress.toml",
        include_bytes!("../../src/domain/testdata/progress-v1.toml"),
    );
    for args in [
        &["status", "--json"][..],
        &["status", "--json", "--role", "marketo-admin"],
        &[
            "--lang",
            "ko",
            "status",
            "--json",
            "--role",
            "salesforce-admin",
        ],
    ] {
        let r = run(dir, args, &[]);
        assert_eq!(r.code, 0, "{args:?}");
        let d = doc(&r, args);
        assert_eq!(d["version"], 1);
        check("status", &d, &schemas, &mut seen);
    }
    assert_all_seen(&schemas, &seen, &["status"]);
}

#[test]
fn csv_check_output_matches_the_document() {
    let schemas = schemas();
    let mut seen = Seen::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let messy = write(
        dir,
        "users.csv",
        "Users export\n\
         First Name,Last Name,Email,Manager Email,Team,Workspace\n\
         Min,Kim,kim@example.com,boss@example.com,Sales,Default\n\
         Ji,Park,park example.com,boss@example.com,Sales,Default\n\
         Ha,Choi,kim@example.com,boss@example.com,Sales,Default\n\
         =cmd,Lee,lee@example.com,boss@example.com,Support,Default\n"
            .as_bytes(),
    );
    let out = dir.join("clean.csv");
    let report = dir.join("report.csv");
    let headerless = write(dir, "plain.csv", b"a@example.com\nb@example.com\n");
    // EUC-KR without a BOM: a guess, with other plausible encodings.
    let korean = write(
        dir,
        "korean.csv",
        b"email,name\na@example.com,\xc8\xab\xb1\xe6\xb5\xbf\nb@example.com,\xb1\xe8\xc3\xb6\xbc\xf6\n",
    );
    let k = korean.to_str().expect("utf-8");
    let (m, o, rp, h) = (
        messy.to_str().expect("utf-8"),
        out.to_str().expect("utf-8"),
        report.to_str().expect("utf-8"),
        headerless.to_str().expect("utf-8"),
    );
    for (args, code) in [
        (
            &[
                "csv", "check", m, "--json", "--seats", "1", "--out", o, "--report", rp,
            ][..],
            1,
        ),
        (&["csv", "check", m, "--json"], 1),
        (&["csv", "check", h, "--json", "--header-row", "0"], 0),
        (
            &[
                "--lang",
                "zh-TW",
                "csv",
                "check",
                h,
                "--json",
                "--header-row",
                "0",
            ],
            0,
        ),
        (&["csv", "check", k, "--json"], 0),
    ] {
        let r = run(dir, args, &[]);
        assert_eq!(r.code, code, "{args:?}: {}", r.stdout);
        let d = doc(&r, args);
        assert_eq!(d["version"], 1);
        check("csv-check", &d, &schemas, &mut seen);
    }
    assert_all_seen(&schemas, &seen, &["csv-check"]);
}

#[tokio::test]
async fn verify_output_matches_the_document() {
    let schemas = schemas();
    let mut seen = Seen::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // Nothing configured: every check skipped.
    let args = ["verify", "--json"];
    let r = run(dir, &args, &[]);
    assert_eq!(r.code, 0);
    check("verify", &doc(&r, &args), &schemas, &mut seen);
    // Everything set up, against a local fake of both systems.
    let server = crate::verify_cli::healthy_server().await;
    let uri = server.uri();
    let env = [
        ("MARKETO_BASE_URL", uri.as_str()),
        ("MARKETO_CLIENT_ID", "cid-0001"),
        ("MARKETO_CLIENT_SECRET", "csec-0002"),
        ("SF_INSTANCE_URL", uri.as_str()),
        ("SF_ACCESS_TOKEN", "00Dxx!0003"),
    ];
    let r = run(dir, &args, &env);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let d = doc(&r, &args);
    assert_eq!(d["version"], 1);
    check("verify", &d, &schemas, &mut seen);
    // A system that answers with errors: failing checks, exit 1, still the same document.
    let broken = wiremock::MockServer::start().await;
    let env = [
        ("MARKETO_BASE_URL", broken.uri()),
        ("MARKETO_CLIENT_ID", "cid-0001".to_string()),
        ("MARKETO_CLIENT_SECRET", "csec-0002".to_string()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let args = ["verify", "--json", "--marketo"];
    let r = run(dir, &args, &env);
    assert_eq!(r.code, 1, "{}", r.stdout);
    check("verify", &doc(&r, &args), &schemas, &mut seen);
    // Nothing listening: the checks error, with a note on the network.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let env = [
        ("MARKETO_BASE_URL", closed.as_str()),
        ("MARKETO_CLIENT_ID", "cid-0001"),
        ("MARKETO_CLIENT_SECRET", "csec-0002"),
    ];
    let r = run(dir, &args, &env);
    assert_eq!(r.code, 1, "{}", r.stdout);
    check("verify", &doc(&r, &args), &schemas, &mut seen);
    assert_all_seen(&schemas, &seen, &["verify"]);
}

#[test]
fn every_error_is_the_documented_json_with_the_text_mode_exit_code() {
    let schemas = schemas();
    let mut seen = Seen::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let newer = dir.join("newer");
    std::fs::create_dir_all(&newer).expect("mkdir");
    write(&newer, "progress.toml", b"version = 99\n");
    let damaged = dir.join("damaged");
    std::fs::create_dir_all(&damaged).expect("mkdir");
    write(&damaged, "progress.toml", b"version = [[[\n");
    let no_email = write(dir, "names.csv", b"Name,Phone\nKim,010\n");
    let csv = write(dir, "ok.csv", b"email\na@example.com\n");
    let missing = dir.join("missing.csv");
    let (newer, damaged, no_email, csv, missing) = (
        newer.to_str().expect("utf-8"),
        damaged.to_str().expect("utf-8"),
        no_email.to_str().expect("utf-8"),
        csv.to_str().expect("utf-8"),
        missing.to_str().expect("utf-8"),
    );
    let bad_url = [
        ("MARKETO_BASE_URL", "http://example.com"),
        ("MARKETO_CLIENT_ID", "a"),
        ("MARKETO_CLIENT_SECRET", "b"),
    ];
    /// Arguments, environment, expected error code.
    type Case<'a> = (Vec<&'a str>, &'a [(&'a str, &'a str)], &'a str);
    let cases: Vec<Case> = vec![
        // Usage errors clap finds, before or after --json.
        (vec!["status", "--json", "--role", "bogus"], &[], "usage"),
        (vec!["status", "--role", "bogus", "--json"], &[], "usage"),
        (vec!["status", "--json", "--bogus"], &[], "usage"),
        (vec!["csv", "check", "--json"], &[], "usage"),
        (
            vec!["verify", "--json", "--marketo", "--nope"],
            &[],
            "usage",
        ),
        (
            vec!["csv", "check", csv, "--json", "--seats", "many"],
            &[],
            "usage",
        ),
        // Files.
        (
            vec!["--config-dir", newer, "status", "--json"],
            &[],
            "newer_version",
        ),
        (
            vec!["--config-dir", damaged, "status", "--json"],
            &[],
            "damaged",
        ),
        (
            vec!["--config-dir", "/dev/null/x", "status", "--json"],
            &[],
            "unreadable",
        ),
        (vec!["csv", "check", missing, "--json"], &[], "unreadable"),
        (vec!["csv", "check", "/dev/null", "--json"], &[], "empty"),
        (
            vec!["csv", "check", no_email, "--json"],
            &[],
            "no_email_column",
        ),
        (
            vec!["csv", "check", csv, "--json", "--out", csv],
            &[],
            "bad_output",
        ),
        (
            vec!["csv", "check", csv, "--json", "--encoding", "klingon"],
            &[],
            "unknown_encoding",
        ),
        // Configuration.
        (vec!["verify", "--json"], &bad_url, "not_https"),
        (
            vec!["verify", "--json", "--munchkin-id", "bad"],
            &[],
            "bad_munchkin_id",
        ),
    ];
    for (args, env, code) in cases {
        let args = args.as_slice();
        // `--config-dir` given in a case replaces the sandbox one.
        let r = if args.first() == Some(&"--config-dir") {
            let out = Command::new(BIN)
                .env_clear()
                .env("HOME", dir)
                .args(args)
                .output()
                .expect("run");
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8(out.stdout).expect("UTF-8"),
            }
        } else {
            run(dir, args, env)
        };
        assert_eq!(r.code, 2, "{args:?}: exit code; stdout: {}", r.stdout);
        let d = doc(&r, args);
        check("error", &d, &schemas, &mut seen);
        assert_eq!(d["version"], 1, "{args:?}");
        assert_eq!(d["error"]["code"], code, "{args:?}: {d}");
        assert!(
            !d["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{args:?}"
        );
        // The same error without --json: the same exit code, nothing on stdout.
        let plain: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
        let r = if plain.first() == Some(&"--config-dir") {
            let out = Command::new(BIN)
                .env_clear()
                .env("HOME", dir)
                .args(&plain)
                .output()
                .expect("run");
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8(out.stdout).expect("UTF-8"),
            }
        } else {
            run(dir, &plain, env)
        };
        assert_eq!(r.code, 2, "{plain:?}");
        assert!(
            r.stdout.is_empty(),
            "{plain:?} printed on stdout: {}",
            r.stdout
        );
    }
    assert_all_seen(&schemas, &seen, &["error"]);
}

#[test]
fn help_and_version_stay_text_with_json() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for args in [
        &["status", "--json", "--help"][..],
        &["--version", "--json"],
    ] {
        let r = run(tmp.path(), args, &[]);
        assert_eq!(r.code, 0, "{args:?}");
        assert!(
            !r.stdout.trim_start().starts_with('{'),
            "{args:?}: {}",
            r.stdout
        );
    }
}

/// The checker itself: an extra field, a missing one and a wrong type are each caught.
#[test]
fn the_checker_catches_undocumented_missing_and_mistyped_fields() {
    let schemas = schemas();
    let good = serde_json::json!({"version": 1, "error": {"code": "usage", "message": "m"}});
    check("error", &good, &schemas, &mut Seen::new());
    for bad in [
        serde_json::json!({"version": 1, "error": {"code": "usage", "message": "m", "extra": 1}}),
        serde_json::json!({"version": 1, "error": {"code": "usage"}}),
        serde_json::json!({"error": {"code": "usage", "message": "m"}}),
        serde_json::json!({"version": "1", "error": {"code": "usage", "message": "m"}}),
        serde_json::json!({"version": 1, "error": {"code": 2, "message": "m"}}),
    ] {
        let caught = std::panic::catch_unwind(|| check("error", &bad, &schemas, &mut Seen::new()));
        assert!(caught.is_err(), "not caught: {bad}");
    }
}
