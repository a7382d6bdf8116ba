//! `msi-setup completions SHELL` and `msi-setup man`: scripts the shells accept, completing the
//! closed sets (step ids, roles, statuses); a roff page naming every command.

use std::process::Command;

use clap::CommandFactory;
use msi_setup::cli::Cli;
use msi_setup::domain::guide::{ItemId, Role};
use msi_setup::domain::progress::Status;
use strum::VariantArray;

const BIN: &str = env!("CARGO_BIN_EXE_msi-setup");

fn run(args: &[&str]) -> String {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .args(args)
        .env("MSI_SETUP_CONFIG_DIR", tmp.path().join("cfg"))
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run msi-setup");
    assert!(
        out.status.success(),
        "{args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !tmp.path().join("cfg").exists(),
        "{args:?} created the config dir"
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Every name of the closed sets the command line takes.
fn closed_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = ItemId::VARIANTS.iter().map(|i| i.as_str()).collect();
    names.extend(Role::VARIANTS.iter().map(|r| r.as_str()));
    names.extend(Status::VARIANTS.iter().map(|s| s.as_str()));
    names.extend(["en", "zh-TW", "ko"]);
    names
}

/// Whether `word` is a whole word of `text` (leading dashes aside: fish writes `-l json`).
fn has_word(text: &str, word: &str) -> bool {
    let word = word.trim_start_matches('-');
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .any(|w| w.trim_start_matches('-') == word)
}

#[test]
fn bash_completion_is_valid_bash_and_completes_the_closed_sets() {
    let script = run(&["completions", "bash"]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("msi-setup.bash");
    std::fs::write(&path, &script).expect("write script");
    match Command::new("bash").arg("-n").arg(&path).output() {
        Ok(o) => assert!(
            o.status.success(),
            "bash -n rejected the script: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) if std::env::var_os("CI").is_some() => panic!("bash is needed under CI: {e}"),
        Err(e) => eprintln!("SKIPPED bash -n: bash not runnable ({e})"),
    }
    for name in closed_names() {
        assert!(has_word(&script, name), "bash completion lacks `{name}`");
    }
    // What bash offers after a command (clap-rs/clap#6421 broke this for hyphenated names).
    let probe = r#"source "$1"
f=$(complete -p msi-setup | sed 's/.*-F \([^ ]*\).*/\1/')
COMP_WORDS=(msi-setup status --role ""); COMP_CWORD=3; $f msi-setup "" --role
echo "role: ${COMPREPLY[*]}"
COMP_WORDS=(msi-setup mark ""); COMP_CWORD=2; $f msi-setup "" mark
echo "mark: ${COMPREPLY[*]}"
COMP_WORDS=(msi-setup csv check --js); COMP_CWORD=3; $f msi-setup --js check
echo "check: ${COMPREPLY[*]}""#;
    if let Ok(o) = Command::new("bash")
        .arg("-c")
        .arg(probe)
        .arg("probe")
        .arg(&path)
        .output()
    {
        let got = String::from_utf8_lossy(&o.stdout);
        assert!(
            got.contains("role: marketo-admin salesforce-admin"),
            "{got}"
        );
        assert!(
            got.contains("install-package") && got.contains("in-progress"),
            "{got}"
        );
        assert!(got.contains("check: --json"), "{got}");
    }
    for sub in [
        "status",
        "mark",
        "reset",
        "csv",
        "check",
        "verify",
        "completions",
        "man",
    ] {
        assert!(has_word(&script, sub), "bash completion lacks `{sub}`");
    }
}

#[test]
fn zsh_and_fish_scripts_complete_the_closed_sets() {
    for shell in ["zsh", "fish"] {
        let script = run(&["completions", shell]);
        for name in closed_names() {
            assert!(has_word(&script, name), "{shell} completion lacks `{name}`");
        }
    }
}

/// clap_complete's PowerShell and Elvish scripts complete commands and options (not values).
#[test]
fn every_script_completes_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = run(&["completions", shell]);
        for word in [
            "status",
            "mark",
            "reset",
            "csv",
            "check",
            "verify",
            "completions",
            "man",
            "--json",
            "--role",
            "--config-dir",
        ] {
            assert!(has_word(&script, word), "{shell} completion lacks `{word}`");
        }
    }
}

#[test]
fn unknown_shell_is_a_usage_error_listing_the_shells() {
    let out = Command::new(BIN)
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(err.contains(shell), "error does not list {shell}: {err}");
    }
}

/// Every command path, nested ones included: `status`, …, `csv check`.
fn command_paths(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let path = format!("{prefix}{}", sub.get_name());
        out.push(path.clone());
        command_paths(sub, &format!("{path} "), out);
    }
}

#[test]
fn man_page_is_roff_naming_every_command_and_option() {
    let page = run(&["man"]);
    assert!(
        page.lines().any(|l| l.starts_with(".TH ")),
        "no .TH title line"
    );
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH EXIT STATUS",
        ".SH ENVIRONMENT",
        ".SH FILES",
    ] {
        assert!(page.contains(section), "man page lacks {section}");
    }
    // In roff a `-` is written `\-`.
    let unescaped = page.replace("\\-", "-");
    let mut paths = Vec::new();
    command_paths(&Cli::command(), "", &mut paths);
    assert!(paths.len() >= 8, "too few commands found: {paths:?}");
    for path in &paths {
        let heading = format!(".SS msi-setup {path}");
        assert!(
            unescaped.lines().any(|l| l == heading),
            "man page has no section for `{path}`"
        );
    }
    // Every long option of every command is described.
    fn longs(cmd: &clap::Command, out: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            if let Some(l) = a.get_long() {
                out.push(format!("--{l}"));
            }
        }
        for sub in cmd.get_subcommands() {
            longs(sub, out);
        }
    }
    let mut options = Vec::new();
    longs(&Cli::command(), &mut options);
    for option in options {
        assert!(unescaped.contains(&option), "man page lacks {option}");
    }
    // No line of text is taken for a roff request by accident.
    for line in page.lines() {
        if let Some(req) = line.strip_prefix('.') {
            let name: String = req
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            assert!(
                [
                    "TH", "SH", "SS", "TP", "PP", "B", "ie", "el", "RS", "RE", "IP", "br", "sp"
                ]
                .contains(&name.as_str()),
                "unexpected roff request: {line}"
            );
        }
    }
}

#[test]
fn man_page_follows_the_language() {
    let page = run(&["--lang", "ko", "man"]);
    assert!(page.contains("종료 코드"), "ko man page not in Korean");
    assert!(
        page.contains("환경 변수"),
        "ko man page: no environment section"
    );
    let page = run(&["--lang", "zh-TW", "man"]);
    assert!(page.contains("結束代碼"), "zh-TW man page not in Chinese");
}
