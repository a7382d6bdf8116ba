//! clap's own words in the user's language: the help headings ("Usage:", "Options:",
//! "Arguments:", "Commands:"), the `--help`/`--version` flags and the `help` subcommand, the
//! `[env: ..]`/`[default: ..]`/`[possible values: ..]` notes, and the usage errors ("error:",
//! "unexpected argument", "For more information, try '--help'."). Every word comes from the
//! `clap.*` keys of the catalog (`assets/i18n/<lang>/clap.toml`).

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

use crate::domain::text::Catalog;

/// Gives `cmd` (not yet built) and its subcommands clap's words in `tr`'s language: headings,
/// notes, and our own `--help`/`--version` flags in place of clap's English ones. Help texts of
/// our own arguments are set by [`super::localize`]; this does the rest. Arguments cannot be
/// changed once a command is built (clap indexes them then), so this runs before `build`, and
/// [`after_build`] does what only exists afterwards.
pub(super) fn before_build(cmd: Command, tr: &Catalog) -> Command {
    let cmd = cmd
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .global(true)
                .help(tr.t("clap.help").to_string()),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(tr.t("clap.version").to_string()),
        );
    words(cmd, tr)
}

fn words(mut cmd: Command, tr: &Catalog) -> Command {
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |a| arg(a, tr));
    }
    let template = template(&cmd, tr);
    cmd = cmd
        .subcommand_value_name(tr.t("clap.command-name").to_string())
        .help_template(template);
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(&name, |c| words(c, tr));
    }
    cmd
}

/// The `help` subcommands clap adds while building, described in `tr`'s language.
pub(super) fn after_build(mut cmd: Command, tr: &Catalog) -> Command {
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(&name, |c| {
            if name == "help" {
                c.about(tr.t("clap.help-command").to_string())
            } else {
                after_build(c, tr)
            }
        });
    }
    cmd
}

/// Help text as clap rendered it, with the one word clap writes literally (`[OPTIONS]` in the
/// usage line) in `tr`'s language.
#[must_use]
pub fn localize_help(text: &str, tr: &Catalog) -> String {
    text.replace("[OPTIONS]", &format!("[{}]", tr.t("clap.options-name")))
}

fn arg(mut a: Arg, tr: &Catalog) -> Arg {
    // clap appends these notes in English; hide them and append them in the user's words.
    let mut notes = Vec::new();
    if let Some(env) = a.get_env().filter(|_| !a.is_hide_env_set()) {
        notes.push(tr.f("clap.env", &[("name", &env.to_string_lossy())]));
        a = a.hide_env(true);
    }
    let takes_values = a.get_action().takes_values();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if takes_values && !defaults.is_empty() && !a.is_hide_default_value_set() {
        notes.push(tr.f("clap.default", &[("value", &defaults.join(", "))]));
        a = a.hide_default_value(true);
    }
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if takes_values && !values.is_empty() && !a.is_hide_possible_values_set() {
        notes.push(tr.f("clap.possible-values", &[("values", &values.join(", "))]));
        a = a.hide_possible_values(true);
    }
    if !notes.is_empty() {
        let help = a.get_help().map(ToString::to_string).unwrap_or_default();
        let text = if help.is_empty() {
            notes.join(" ")
        } else {
            format!("{help} {}", notes.join(" "))
        };
        a = a.help(text);
    }
    a
}

/// clap's default help layout with the headings in `tr`'s language: subcommands, then
/// arguments, then options (every command has options: `--help` at least).
fn template(cmd: &Command, tr: &Catalog) -> String {
    // Braces in a heading would read as template tags.
    let h = |key: &str| tr.t(key).replace(['{', '}'], "");
    let usage = h("clap.usage");
    // A full-width colon (Chinese) carries its own space.
    let sep = if usage.ends_with('：') { "" } else { " " };
    let mut t = format!("{{before-help}}{{about-with-newline}}\n{usage}{sep}{{usage}}\n\n");
    if cmd.has_subcommands() {
        t.push_str(&format!("{}\n{{subcommands}}\n\n", h("clap.commands")));
    }
    if cmd.get_positionals().next().is_some() {
        t.push_str(&format!("{}\n{{positionals}}\n\n", h("clap.arguments")));
    }
    t.push_str(&format!("{}\n{{options}}{{after-help}}", h("clap.options")));
    t
}

/// A usage error (or help/version output) as the user reads it: for help and version, clap's
/// own rendering (already localised by [`super::localize`]); for errors, the message in `tr`'s
/// language, the suggestions, the usage line and where to find help.
#[must_use]
pub fn render_error(e: &clap::Error, tr: &Catalog) -> String {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        return localize_help(&e.render().to_string(), tr);
    }
    let english = e.render().to_string();
    let mut out = format!("{} ", tr.t("clap.error"));
    out.push_str(&message(e, tr).unwrap_or_else(|| raw_message(&english)));
    let mut tips = Vec::new();
    for (kind, what) in [
        (ContextKind::SuggestedSubcommand, "clap.similar-command"),
        (ContextKind::SuggestedArg, "clap.similar-argument"),
        (ContextKind::SuggestedValue, "clap.similar-value"),
    ] {
        if let Some(v) = e.get(kind) {
            tips.push(tr.f(what, &[("value", &quoted_list(v))]));
        }
    }
    if e.kind() == ErrorKind::UnknownArgument
        && e.get(ContextKind::Suggested).is_some()
        && let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg)
    {
        tips.push(tr.f("clap.tip-dash-dash", &[("arg", arg)]));
    }
    if !tips.is_empty() {
        out.push('\n');
        for t in tips {
            out.push_str(&format!("\n  {} {t}", tr.t("clap.tip")));
        }
    }
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => Some(plain(u)),
        _ => english
            .find("\nUsage:")
            .map(|i| english[i + 1..].lines().next().unwrap_or("").to_string()),
    };
    if let Some(u) = usage {
        let heading = tr.t("clap.usage");
        let line = u.strip_prefix("Usage:").map_or(u.clone(), |rest| {
            if heading.ends_with('：') {
                format!("{heading}{}", rest.trim_start())
            } else {
                format!("{heading}{rest}")
            }
        });
        out.push_str("\n\n");
        out.push_str(&localize_help(line.trim_end(), tr));
    }
    if english.contains("For more information, try '") {
        let flag = english
            .split("For more information, try '")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .unwrap_or("--help");
        out.push_str("\n\n");
        out.push_str(&tr.f("clap.more-info", &[("flag", &flag)]));
    }
    out.push('\n');
    out
}

fn plain(s: &StyledStr) -> String {
    s.to_string()
}

fn quoted_list(v: &ContextValue) -> String {
    match v {
        ContextValue::String(s) => format!("'{s}'"),
        ContextValue::Strings(list) => list
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", "),
        other => format!("'{other}'"),
    }
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::StyledStr(s) => Some(plain(s)),
        _ => None,
    }
}

/// The message line of an error, from clap's context; `None` when clap gave no context (a
/// message our own value parsers wrote, already in the user's language).
fn message(e: &clap::Error, tr: &Catalog) -> Option<String> {
    let arg = string(e, ContextKind::InvalidArg);
    let value = string(e, ContextKind::InvalidValue);
    let text = match e.kind() {
        ErrorKind::UnknownArgument => tr.f("clap.unknown-argument", &[("arg", &arg?)]),
        ErrorKind::InvalidSubcommand => tr.f(
            "clap.unknown-command",
            &[("command", &string(e, ContextKind::InvalidSubcommand)?)],
        ),
        ErrorKind::InvalidValue => {
            let (arg, value) = (arg?, value?);
            let mut text = if value.is_empty() {
                tr.f("clap.value-required", &[("arg", &arg)])
            } else {
                tr.f("clap.invalid-value", &[("arg", &arg), ("value", &value)])
            };
            if let Some(valid) = string(e, ContextKind::ValidValue) {
                text.push_str("\n  ");
                text.push_str(&tr.f("clap.possible-values", &[("values", &valid)]));
            }
            text
        }
        ErrorKind::ValueValidation => {
            let (arg, value) = (arg?, value?);
            let mut text = tr.f("clap.invalid-value", &[("arg", &arg), ("value", &value)]);
            if let Some(source) = std::error::Error::source(e) {
                text.push_str(&tr.f("clap.because", &[("reason", &source)]));
            }
            text
        }
        ErrorKind::MissingRequiredArgument => {
            let list = match e.get(ContextKind::InvalidArg)? {
                ContextValue::Strings(v) => v.join("\n  "),
                ContextValue::String(s) => s.clone(),
                _ => return None,
            };
            format!("{}\n  {list}", tr.t("clap.missing-arguments"))
        }
        ErrorKind::MissingSubcommand => {
            let mut text = tr.f(
                "clap.missing-command",
                &[("command", &string(e, ContextKind::InvalidSubcommand)?)],
            );
            if let Some(valid) = string(e, ContextKind::ValidSubcommand) {
                text.push_str("\n  ");
                text.push_str(&tr.f("clap.commands-list", &[("values", &valid)]));
            }
            text
        }
        ErrorKind::ArgumentConflict => {
            let prior = string(e, ContextKind::PriorArg);
            let arg = arg?;
            if prior.as_deref() == Some(arg.as_str()) {
                tr.f("clap.used-twice", &[("arg", &arg)])
            } else {
                tr.f(
                    "clap.conflict",
                    &[("arg", &arg), ("other", &prior.unwrap_or_default())],
                )
            }
        }
        ErrorKind::NoEquals => tr.f("clap.no-equals", &[("arg", &arg?)]),
        ErrorKind::TooManyValues => tr.f(
            "clap.too-many-values",
            &[("arg", &arg?), ("value", &value?)],
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            tr.f("clap.wrong-number-of-values", &[("arg", &arg?)])
        }
        ErrorKind::InvalidUtf8 => tr.t("clap.invalid-utf8").to_string(),
        _ => return None,
    };
    Some(text)
}

/// The message of an error clap rendered without context: its text between `error: ` and the
/// usage or help lines.
fn raw_message(english: &str) -> String {
    let body = english.strip_prefix("error: ").unwrap_or(english);
    let end = ["\n\nUsage:", "\n\nFor more information"]
        .iter()
        .filter_map(|m| body.find(m))
        .min()
        .unwrap_or(body.len());
    body[..end].trim_end().to_string()
}
