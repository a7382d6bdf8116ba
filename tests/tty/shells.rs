//! The completion scripts in the shells themselves: `zsh -n`, `fish --no-execute` and fish's
//! own completion of positionals. They need zsh and fish: `main` reports them as ignored where
//! those are missing, and as failed under CI (which installs them).

use std::process::Command;

use msi_setup::domain::guide::ItemId;
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
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Whether `word` is a whole word of `text` (leading dashes aside: fish writes `-l json`).
fn has_word(text: &str, word: &str) -> bool {
    let word = word.trim_start_matches('-');
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .any(|w| w.trim_start_matches('-') == word)
}

/// Whether `tool` runs here.
pub fn installed(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `shell` checks the syntax of the script (`zsh -n`, `fish --no-execute`).
fn syntax_check(shell: &str, flag: &str) {
    let script = run(&["completions", shell]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("script");
    std::fs::write(&path, &script).expect("write script");
    match Command::new(shell).arg(flag).arg(&path).output() {
        Ok(o) => assert!(
            o.status.success(),
            "{shell} rejected the script: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("{shell} is not runnable: {e}"),
    }
}

pub fn zsh_accepts_the_completion_script() {
    syntax_check("zsh", "-n");
}

pub fn fish_accepts_the_completion_script_and_completes_positionals() {
    syntax_check("fish", "--no-execute");
    let script = run(&["completions", "fish"]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("msi-setup.fish");
    std::fs::write(&path, &script).expect("write script");
    let probe = format!(
        "source {}; complete -C 'msi-setup mark '; echo ---; complete -C 'msi-setup --lang ko mark --reason x install-package '",
        path.display()
    );
    let o = Command::new("fish")
        .arg("--no-config")
        .arg("-c")
        .arg(&probe)
        .output()
        .expect("run fish");
    {
        let got = String::from_utf8_lossy(&o.stdout);
        let (ids, statuses) = got.split_once("---").expect("two parts");
        for id in ItemId::VARIANTS {
            assert!(
                has_word(ids, id.as_str()),
                "fish: no {id} after `mark`: {got}"
            );
        }
        for st in Status::VARIANTS {
            assert!(
                has_word(statuses, st.as_str()),
                "fish: no {st} after an id: {got}"
            );
            assert!(
                !has_word(ids, st.as_str()),
                "fish: status {st} offered for the id: {got}"
            );
        }
    }
}
