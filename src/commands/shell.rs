//! `msi-setup completions SHELL` and `msi-setup man`: the shell completion script (clap_complete)
//! and the manual page (roff, clap_mangen), both generated from the same command definition as
//! `--help`, in the user's language.

use std::io::{self, Write};

use clap::{Command, CommandFactory};
use clap_complete::Shell;
use clap_mangen::Man;

use super::Context;
use crate::cli::{self, Cli};
use crate::domain::text::Catalog;

/// The program name the scripts complete.
pub const BIN: &str = "msi-setup";

fn command(tr: &Catalog) -> Command {
    // The localized `--lang` checker explains a wrong tag in the user's words but lists no
    // values; completions offer the three tags.
    let mut cmd = cli::localize(Cli::command(), tr)
        .mut_arg("lang", |a| a.value_parser(cli::LangParser))
        .bin_name(BIN);
    cmd.build();
    cmd
}

/// Prints the completion script for `shell`; returns the exit code.
pub fn completions(shell: Shell, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut cmd = command(&ctx.tr);
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut buf);
    match shell {
        Shell::Bash => buf = bash_fix_hyphenated_name(&buf),
        Shell::Fish => buf.extend_from_slice(fish_positionals(&cmd).as_bytes()),
        _ => {}
    }
    finish(out.write_all(&buf).and_then(|()| out.flush()), err)
}

/// Prints the manual page; returns the exit code.
pub fn man(ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut buf = Vec::new();
    let res = render_man(&ctx.tr, &mut buf).and_then(|()| out.write_all(&buf));
    finish(res.and_then(|()| out.flush()), err)
}

fn finish(res: io::Result<()>, err: &mut dyn Write) -> u8 {
    match res {
        Ok(()) => 0,
        // `msi-setup man | head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(err, "msi-setup: {e}");
            2
        }
    }
}

/// clap_complete's bash script spells the state of a hyphenated program's commands two ways: the
/// loop arrives at `msi__setup__subcmd__mark`, the case arms wait for `msi__subcmd__setup__subcmd__mark`,
/// so nothing after a command ever completes (clap-rs/clap#6421, open). Spell the arms as the loop.
fn bash_fix_hyphenated_name(script: &[u8]) -> Vec<u8> {
    let loop_name = BIN.replace('-', "__");
    let arm_name = BIN.replace('-', "__subcmd__");
    String::from_utf8_lossy(script)
        .replace(
            &format!("{arm_name}__subcmd__"),
            &format!("{loop_name}__subcmd__"),
        )
        .into_bytes()
}

/// clap_complete's fish script completes the values of options only; this adds the values of
/// positional arguments (`mark ID STATUS`, `completions SHELL`), counting the words typed after
/// the command (an option that takes a value takes the next word with it).
fn fish_positionals(cmd: &Command) -> String {
    let mut value_opts: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    collect_fish(cmd, &mut value_opts, &mut lines);
    if lines.is_empty() {
        return String::new();
    }
    value_opts.sort();
    value_opts.dedup();
    let fname = format!("__fish_{}_positional", BIN.replace('-', "_"));
    let mut s = format!(
        "\n# Values of positional arguments.\n\
         function {fname} --argument-names sub index\n\
         \x20   set -l seen 0\n\
         \x20   set -l n 0\n\
         \x20   set -l skip 0\n\
         \x20   for t in (commandline -opc)[2..-1]\n\
         \x20       if test $skip -eq 1\n\
         \x20           set skip 0\n\
         \x20           continue\n\
         \x20       end\n\
         \x20       switch $t\n\
         \x20           case {}\n\
         \x20               set skip 1\n\
         \x20           case '-*'\n\
         \x20           case '*'\n\
         \x20               if test $seen -eq 1\n\
         \x20                   set n (math $n + 1)\n\
         \x20               else if test \"$t\" = \"$sub\"\n\
         \x20                   set seen 1\n\
         \x20               end\n\
         \x20       end\n\
         \x20   end\n\
         \x20   test $seen -eq 1 -a $n -eq $index\n\
         end\n",
        value_opts
            .iter()
            .map(|o| format!("'{o}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for (sub, index, values) in lines {
        s.push_str(&format!(
            "complete -c {BIN} -n \"{fname} {sub} {index}\" -f -a \"{}\"\n",
            values.join(" ")
        ));
    }
    s
}

/// Options that take a value (`--reason`), and (command, position, values) of positional
/// arguments with a closed set of values, for every command below `cmd`.
fn collect_fish(
    cmd: &Command,
    value_opts: &mut Vec<String>,
    lines: &mut Vec<(String, usize, Vec<String>)>,
) {
    for a in cmd.get_arguments() {
        if a.is_positional() || !a.get_num_args().is_some_and(|n| n.takes_values()) {
            continue;
        }
        if let Some(l) = a.get_long() {
            value_opts.push(format!("--{l}"));
        }
        if let Some(c) = a.get_short() {
            value_opts.push(format!("-{c}"));
        }
    }
    for (index, a) in cmd.get_positionals().enumerate() {
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            lines.push((cmd.get_name().to_string(), index, values));
        }
    }
    for sub in cmd.get_subcommands() {
        collect_fish(sub, value_opts, lines);
    }
}

/// The whole manual page: the top-level sections, then one sub-section per command (nested ones
/// too, e.g. `msi-setup csv check`) with its synopsis and options, then the exit status.
///
/// # Errors
/// Writing to `w` fails.
pub fn render_man(tr: &Catalog, w: &mut dyn Write) -> io::Result<()> {
    let cmd = command(tr);
    let top = Man::new(cmd.clone());
    top.render_title(w)?;
    top.render_name_section(w)?;
    top.render_synopsis_section(w)?;
    top.render_description_section(w)?;
    top.render_options_section(w)?;
    writeln!(
        w,
        ".SH {}",
        escape(&tr.t("cli.man.commands").to_uppercase())
    )?;
    for sub in visible_subcommands(&cmd) {
        render_command(sub, w)?;
    }
    writeln!(
        w,
        ".SH {}",
        escape(&tr.t("cli.man.exit-status").to_uppercase())
    )?;
    for (code, key) in [
        ("0", "cli.man.exit-0"),
        ("1", "cli.man.exit-1"),
        ("2", "cli.man.exit-2"),
    ] {
        writeln!(w, ".TP\n.B {code}\n{}", escape(tr.t(key)))?;
    }
    writeln!(
        w,
        ".SH {}",
        escape(&tr.t("cli.man.environment").to_uppercase())
    )?;
    for (vars, key) in [
        ("MSI_SETUP_CONFIG_DIR", "cli.man.env-config-dir"),
        ("LC_ALL, LC_MESSAGES, LANG", "cli.man.env-lang"),
        ("NO_COLOR", "cli.man.env-no-color"),
        ("MSI_SETUP_HYPERLINKS", "cli.man.env-hyperlinks"),
        (
            "MARKETO_BASE_URL, MARKETO_CLIENT_ID, MARKETO_CLIENT_SECRET",
            "cli.man.env-marketo",
        ),
        ("SF_INSTANCE_URL, SF_ACCESS_TOKEN", "cli.man.env-salesforce"),
    ] {
        writeln!(w, ".TP\n.B {}\n{}", escape(vars), escape(tr.t(key)))?;
    }
    writeln!(w, ".SH {}", escape(&tr.t("cli.man.files").to_uppercase()))?;
    writeln!(w, "{}", escape(tr.t("cli.man.files-text")))?;
    writeln!(
        w,
        ".SH {}",
        escape(&tr.t("cli.man.see-also").to_uppercase())
    )?;
    writeln!(w, "{}", escape(tr.t("cli.man.see-also-text")))?;
    Ok(())
}

fn visible_subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
}

/// `.SS msi-setup csv check`, its description, synopsis and options; then its own commands.
fn render_command(cmd: &Command, w: &mut dyn Write) -> io::Result<()> {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    writeln!(w, ".SS {}", escape(name))?;
    if let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) {
        writeln!(w, "{}", escape(&about.to_string()))?;
    }
    writeln!(w, ".PP")?;
    // The global options are described once, at the top.
    let own = cmd
        .clone()
        .mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
    let has_options = own
        .get_arguments()
        .any(|a| !a.is_hide_set() && !matches!(a.get_id().as_str(), "help" | "version"));
    let man = Man::new(own);
    let mut section = Vec::new();
    man.render_synopsis_section(&mut section)?;
    if has_options {
        man.render_options_section(&mut section)?;
    }
    // The sections' own `.SH` headings would end this sub-section: drop them, keep their bodies.
    let text = String::from_utf8_lossy(&section);
    for line in text.lines().filter(|l| !l.starts_with(".SH")) {
        writeln!(w, "{line}")?;
    }
    for sub in visible_subcommands(cmd) {
        render_command(sub, w)?;
    }
    Ok(())
}

/// Text as roff: backslashes escaped, no line taken for a request.
fn escape(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.replace('\\', "\\e").replace('-', "\\-");
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
