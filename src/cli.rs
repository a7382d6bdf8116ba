//! Command-line definitions (clap). The TUI runs by default; subcommands are headless.
//!
//! Help text is localised at run time by [`localize`]: every argument and subcommand takes its
//! help from the catalog key `cli.<command path>.<arg id>` (`cli.about` for the top level).

use std::any::TypeId;
use std::ffi::OsStr;
use std::marker::PhantomData;
use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Arg, Args, Command, Parser, Subcommand};

mod clap_text;

pub use clap_text::{localize_help, render_error};

use crate::domain::guide::{ItemId, Role};
use crate::domain::progress::{ProgressError, Status};
use crate::domain::text::{Catalog, Lang, Localize};

/// `msi-setup`: the guided setup of Marketo Sales Insight Actions.
#[derive(Debug, Parser)]
#[command(name = "msi-setup", version, about, long_about = None)]
pub struct Cli {
    /// Directory of the progress file (default: the user's config dir).
    #[arg(long, global = true, value_name = "DIR", env = "MSI_SETUP_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,

    /// Language: en, zh-TW or ko (default: from LC_ALL, LC_MESSAGES, LANG).
    #[arg(long, global = true, value_name = "LANG", value_parser = LangParser, hide_possible_values = true)]
    pub lang: Option<Lang>,

    /// No colours (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Plain mode: lines and numbered choices, no escape sequences (also when TERM=dumb).
    #[arg(long)]
    pub plain: bool,

    /// Open this step directly (TUI only).
    #[arg(long, value_name = "ID", value_parser = Closed::<ItemId>::new(Lang::En), hide_possible_values = true)]
    pub step: Option<ItemId>,

    /// A headless command; without one the interactive wizard starts.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// Headless commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Print the checklist.
    Status(StatusArgs),
    /// Set the status of a prerequisite or step.
    Mark(MarkArgs),
    /// Reset progress, for one step or all.
    Reset(ResetArgs),
    /// Work with a users CSV.
    #[command(subcommand)]
    Csv(CsvCmd),
    /// Run the live checks against Marketo and Salesforce.
    Verify(VerifyArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    Man,
    /// Write a hand-off file for the other admin.
    Export(ExportArgs),
    /// Merge the other admin's hand-off file.
    Merge(MergeArgs),
    /// Write a report of the whole setup.
    Report(ReportArgs),
}

impl Cmd {
    /// Whether the command prints JSON (`--json`); its errors are then JSON too.
    #[must_use]
    pub fn json(&self) -> bool {
        match self {
            Cmd::Status(a) => a.json,
            Cmd::Verify(a) => a.json,
            Cmd::Csv(CsvCmd::Check(a)) => a.json,
            Cmd::Mark(_)
            | Cmd::Reset(_)
            | Cmd::Completions(_)
            | Cmd::Man
            | Cmd::Export(_)
            | Cmd::Merge(_)
            | Cmd::Report(_) => false,
        }
    }
}

/// Whether `--json` (or `--json=…`) is among `args` before a `--`: a usage error found while
/// parsing is then printed as JSON too.
#[must_use]
pub fn wants_json(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .take_while(|a| *a != "--")
        .any(|a| a == "--json" || a.starts_with("--json="))
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL", hide_possible_values = true)]
    pub shell: clap_complete::Shell,
}

/// `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Only the items of this role: marketo-admin or salesforce-admin.
    #[arg(long, value_name = "ROLE", value_parser = Closed::<Role>::new(Lang::En), hide_possible_values = true)]
    pub role: Option<Role>,
}

/// `mark`.
#[derive(Debug, Args)]
pub struct MarkArgs {
    /// Prerequisite or step id, e.g. setup-sales-account.
    #[arg(value_parser = Closed::<ItemId>::new(Lang::En), hide_possible_values = true)]
    pub id: ItemId,
    /// todo, in-progress, done, skipped or blocked.
    #[arg(value_parser = Closed::<Status>::new(Lang::En), hide_possible_values = true)]
    pub status: Status,
    /// Why (for skipped and blocked).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Who did it (default: the name recorded at setup).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

/// `reset`.
#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Reset only this step (default: everything).
    #[arg(long, value_name = "ID", value_parser = Closed::<ItemId>::new(Lang::En), hide_possible_values = true)]
    pub step: Option<ItemId>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// `csv ...`.
#[derive(Debug, Subcommand)]
pub enum CsvCmd {
    /// Check a users CSV before inviting: encoding, columns, addresses, seats.
    Check(CsvCheckArgs),
}

/// `csv check`.
#[derive(Debug, Args)]
pub struct CsvCheckArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Read the file in this encoding (e.g. UTF-8, EUC-KR, Big5, Shift_JIS, GB18030, windows-1252).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Field delimiter: , ; | or tab.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// 1-based line of the header row.
    #[arg(long, value_name = "N")]
    pub header_row: Option<usize>,
    /// Map a field to a column: FIELD=COLUMN (header name or 1-based number).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Seats available (default: 100 less the seats used).
    #[arg(long, value_name = "N")]
    pub seats: Option<usize>,
    /// Seats already used in the instance (default: addresses recorded as invited plus the
    /// admins the live check found); the seats available are 100 less this.
    #[arg(long, value_name = "N", conflicts_with = "seats")]
    pub seats_used: Option<usize>,
    /// Write the cleaned invite CSV here.
    #[arg(long, value_name = "CLEAN.csv")]
    pub out: Option<PathBuf>,
    /// Write the per-row report CSV here.
    #[arg(long, value_name = "REPORT.csv")]
    pub report: Option<PathBuf>,
}

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only the Marketo checks.
    #[arg(long)]
    pub marketo: bool,
    /// Only the Salesforce checks.
    #[arg(long)]
    pub salesforce: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Marketo Munchkin ID (instead of MARKETO_BASE_URL).
    #[arg(long, value_name = "ID")]
    pub munchkin_id: Option<String>,
    /// Salesforce org alias for the `sf` CLI.
    #[arg(long, value_name = "ALIAS")]
    pub sf_target_org: Option<String>,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write it here (default: `msi-setup-handoff-<date>.toml` in the current directory).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Include the invited e-mail addresses.
    #[arg(long)]
    pub with_addresses: bool,
}

/// `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The hand-off file (or progress.toml) to merge.
    pub file: PathBuf,
    /// Show what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// How a report is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for a ticket or an e-mail.
    #[default]
    Markdown,
    /// One self-contained HTML file.
    Html,
}

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// markdown or html.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write it here (default: print it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A closed set the command line takes by name ([`ItemId`], [`Role`], [`Status`]).
pub trait ClosedSet:
    Copy + Send + Sync + 'static + strum::VariantArray + Into<&'static str>
{
    /// Parses a name as typed (surrounding spaces ignored).
    fn parse(s: &str) -> Result<Self, ProgressError>;

    /// Every name, in order (for completions; the help text lists them in words).
    fn names() -> impl Iterator<Item = &'static str> {
        Self::VARIANTS.iter().map(|v| (*v).into())
    }
}

impl ClosedSet for ItemId {
    fn parse(s: &str) -> Result<Self, ProgressError> {
        s.parse()
            .map_err(|_| ProgressError::UnknownItem(s.to_string()))
    }
}

impl ClosedSet for Role {
    fn parse(s: &str) -> Result<Self, ProgressError> {
        s.parse()
            .map_err(|_| ProgressError::UnknownRole(s.to_string()))
    }
}

impl ClosedSet for Status {
    fn parse(s: &str) -> Result<Self, ProgressError> {
        s.parse()
            .map_err(|_| ProgressError::UnknownStatus(s.to_string()))
    }
}

/// Parses an argument into a closed set; an unknown name is a usage error (exit 2) whose message,
/// in `lang`, names it and lists the valid ones. [`localize`] sets the user's language.
#[derive(Debug)]
pub struct Closed<T> {
    lang: Lang,
    set: PhantomData<fn() -> T>,
}

impl<T> Clone for Closed<T> {
    fn clone(&self) -> Self {
        Closed {
            lang: self.lang,
            set: PhantomData,
        }
    }
}

impl<T> Closed<T> {
    /// A parser whose errors speak `lang`.
    #[must_use]
    pub fn new(lang: Lang) -> Closed<T> {
        Closed {
            lang,
            set: PhantomData,
        }
    }
}

impl<T: ClosedSet> TypedValueParser for Closed<T> {
    type Value = T;

    fn parse_ref(
        &self,
        _cmd: &Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let typed = value.to_string_lossy();
        T::parse(typed.trim()).map_err(|e| {
            let text = match Catalog::load(self.lang) {
                Ok(tr) => e.localize(&tr),
                Err(_) => e.to_string(),
            };
            clap::Error::raw(ErrorKind::InvalidValue, format!("{text}\n"))
        })
    }

    /// The names, so shell completions offer them. Help does not list them (each argument's own
    /// help names them in words): the arguments set `hide_possible_values`.
    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::names().map(PossibleValue::new)))
    }
}

/// Gives the closed-set parsers of `cmd`'s own arguments the catalog's language.
fn localize_parsers(mut cmd: Command, tr: &Catalog) -> Command {
    let lang = tr.lang();
    let typed: Vec<(String, bool, bool, bool)> = cmd
        .get_arguments()
        .map(|a| {
            let ty = a.get_value_parser().type_id();
            (
                a.get_id().to_string(),
                ty == TypeId::of::<ItemId>(),
                ty == TypeId::of::<Role>(),
                ty == TypeId::of::<Status>(),
            )
        })
        .collect();
    for (id, item, role, status) in typed {
        if id == "lang" {
            let msg = tr.t("clap.unknown-lang").to_string();
            cmd = cmd.mut_arg(id, move |a| {
                a.value_parser(move |s: &str| Lang::parse_tag(s).ok_or_else(|| msg.clone()))
            });
        } else if matches!(id.as_str(), "seats" | "header_row") {
            let msg = tr.t("clap.not-a-number").to_string();
            cmd = cmd.mut_arg(id, move |a| {
                a.value_parser(move |s: &str| s.trim().parse::<usize>().map_err(|_| msg.clone()))
            });
        } else if item {
            cmd = cmd.mut_arg(id, |a| a.value_parser(Closed::<ItemId>::new(lang)));
        } else if role {
            cmd = cmd.mut_arg(id, |a| a.value_parser(Closed::<Role>::new(lang)));
        } else if status {
            cmd = cmd.mut_arg(id, |a| a.value_parser(Closed::<Status>::new(lang)));
        }
    }
    cmd
}

/// `--lang`: any tag [`Lang::parse_tag`] takes (`ko-KR`, `zh_tw`…); completions offer the three
/// canonical tags.
#[derive(Clone, Copy, Debug)]
pub struct LangParser;

impl TypedValueParser for LangParser {
    type Value = Lang;

    fn parse_ref(
        &self,
        _cmd: &Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<Lang, clap::Error> {
        parse_lang(&value.to_string_lossy())
            .map_err(|m| clap::Error::raw(ErrorKind::InvalidValue, format!("{m}\n")))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Lang::ALL.iter().map(|l| PossibleValue::new(l.tag())),
        ))
    }
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse_tag(s).ok_or_else(|| format!("unknown language `{s}`: use en, zh-TW or ko"))
}

/// The language asked for before clap runs (so `--help` is localised): `--lang X` / `--lang=X`
/// in `args`, else the environment.
pub fn early_lang(args: &[std::ffi::OsString], env: impl Fn(&str) -> Option<String>) -> Lang {
    let mut it = args.iter().filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = if a == "--lang" {
            it.next()
        } else {
            a.strip_prefix("--lang=")
        };
        if let Some(lang) = value.and_then(Lang::parse_tag) {
            return lang;
        }
    }
    Lang::from_env(env)
}

/// Replaces every help text of `cmd` (recursively) with the catalog's, where the catalog has it,
/// and clap's own words (headings, help flags, notes) with the catalog's `clap.*` words.
#[must_use]
pub fn localize(mut cmd: Command, tr: &Catalog) -> Command {
    cmd = localize_at(cmd, tr, "cli");
    cmd = clap_text::before_build(cmd, tr);
    cmd.build();
    clap_text::after_build(cmd, tr)
}

fn localize_at(mut cmd: Command, tr: &Catalog, path: &str) -> Command {
    cmd = localize_parsers(cmd, tr);
    let about = format!("{path}.about");
    if tr.has(&about) {
        cmd = cmd.about(tr.t(&about).to_string());
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = format!("{path}.{}", id.replace('_', "-"));
        let key = if tr.has(&key) {
            key
        } else {
            format!("cli.{}", id.replace('_', "-"))
        };
        if tr.has(&key) {
            let text = tr.t(&key).to_string();
            cmd = cmd.mut_arg(id, |a| a.help(text));
        }
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = format!("{path}.{name}");
        cmd = cmd.mut_subcommand(name, |c| localize_at(c, tr, &sub_path));
    }
    cmd
}

/// Every (catalog key, kind) that [`localize`] looks up, for the completeness test.
#[must_use]
pub fn help_keys(cmd: &Command) -> Vec<String> {
    let mut out = Vec::new();
    help_keys_at(cmd, "cli", &mut out);
    out
}

fn help_keys_at(cmd: &Command, path: &str, out: &mut Vec<String>) {
    out.push(format!("{path}.about"));
    for a in cmd.get_arguments() {
        let id = a.get_id().as_str();
        if matches!(id, "help" | "version") {
            continue;
        }
        if a.is_global_set() && path != "cli" {
            continue;
        }
        out.push(format!("{path}.{}", id.replace('_', "-")));
    }
    for c in cmd.get_subcommands() {
        if c.get_name() == "help" {
            continue;
        }
        help_keys_at(c, &format!("{path}.{}", c.get_name()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(std::ffi::OsString::from).collect()
    }

    #[test]
    fn wants_json_sees_the_flag_anywhere_before_a_double_dash() {
        assert!(wants_json(&args(&["msi-setup", "status", "--json"])));
        assert!(wants_json(&args(&["msi-setup", "--json", "status"])));
        assert!(wants_json(&args(&["msi-setup", "status", "--json=yes"])));
        assert!(!wants_json(&args(&["msi-setup", "status"])));
        assert!(!wants_json(&args(&[
            "msi-setup",
            "csv",
            "check",
            "--",
            "--json"
        ])));
        // The program's own name is not an argument.
        assert!(!wants_json(&args(&["--json"])));
    }

    #[test]
    fn closed_sets_offer_every_name_for_completion() {
        let ids: Vec<String> = Closed::<ItemId>::new(Lang::En)
            .possible_values()
            .into_iter()
            .flatten()
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(ids.len(), <ItemId as strum::VariantArray>::VARIANTS.len());
        assert!(ids.iter().any(|i| i == "install-package"));
        let langs: Vec<String> = LangParser
            .possible_values()
            .into_iter()
            .flatten()
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(langs, ["en", "zh-TW", "ko"]);
    }
}
