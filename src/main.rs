//! Composition root: parse the command line, load config and progress before touching the
//! terminal (so load errors print normally), then run the TUI or a headless command.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches};
use jiff::Timestamp;
use msi_setup::app;
use msi_setup::cli::{self, Cli, Cmd, CsvCmd};
use msi_setup::commands::{self, Context};
use msi_setup::domain::guide::{Guide, ItemId};
use msi_setup::domain::text::{Catalog, Lang, Localize};
use msi_setup::store::{self, Store};
use msi_setup::wizard::{Start, Wizard, notice};

fn main() -> ExitCode {
    let started = Instant::now();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let env_lang = cli::early_lang(&args, |k| std::env::var(k).ok());
    let tr = match Catalog::load(env_lang) {
        Ok(tr) => tr,
        Err(e) => {
            eprintln!("msi-setup: {e}");
            return ExitCode::from(2);
        }
    };
    let cmd = cli::localize(Cli::command(), &tr);
    let parsed = match cmd
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help and --version, in the user's language; styled only on a terminal.
            let styled = e.render();
            let text = if std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            {
                styled.ansi().to_string()
            } else {
                styled.to_string()
            };
            print!("{}", cli::localize_help(&text, &tr));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = cli::render_error(&e, &tr);
            if cli::wants_json(&args) {
                // The same words as on stderr, without the "error:" heading.
                let message = text
                    .strip_prefix(tr.t("clap.error"))
                    .unwrap_or(&text)
                    .trim()
                    .to_string();
                commands::common::write_json_error(&mut std::io::stdout(), "usage", &message, None);
            }
            eprint!("{text}");
            return ExitCode::from(2);
        }
    };
    let explicit_dir = parsed.config_dir.is_some();
    let config_dir = match store::resolve_dir(parsed.config_dir.clone()) {
        Ok(d) => d,
        Err(e) => {
            use commands::common::ErrorCode;
            let json = parsed.command.as_ref().is_some_and(Cmd::json);
            let code = commands::common::report_error(
                json,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
                e.code(),
                &e.localize(&tr),
                e.path(),
                2,
            );
            return ExitCode::from(code);
        }
    };
    let no_color = parsed.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let Some(command) = parsed.command else {
        let term = std::env::var("TERM").ok();
        if msi_setup::plain::wanted(parsed.plain, term.as_deref()) {
            return msi_setup::plain::main(parsed.lang, parsed.step, tr, &config_dir);
        }
        return run_tui(
            parsed.lang,
            parsed.step,
            tr,
            &config_dir,
            explicit_dir,
            no_color,
            started,
        );
    };
    let tr = match parsed.lang {
        Some(l) if l != tr.lang() => Catalog::load(l).unwrap_or(tr),
        _ => tr,
    };
    // Seats and re-runs leave out addresses already recorded as invited. A damaged or newer
    // progress file is reported by the commands that need it; here it only means "none".
    // Only `csv check` uses them: other commands do not read the journal twice.
    let invited = if matches!(command, Cmd::Csv(_)) {
        store::read_only(&config_dir)
            .ok()
            .flatten()
            .map(|p| p.invited_emails().iter().cloned().collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let ctx = Context {
        tr,
        config_dir,
        no_color,
        invited,
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match command {
        Cmd::Status(a) => commands::status::run(&a, &ctx, &mut out, &mut err),
        Cmd::Mark(a) => commands::mark::run(&a, &ctx, &mut out, &mut err),
        Cmd::Reset(a) => {
            let tty = commands::reset::stdin_is_tty();
            let mut input = std::io::stdin().lock();
            commands::reset::run(&a, &ctx, &mut input, tty, &mut out, &mut err)
        }
        Cmd::Verify(a) => commands::verify::run(&a, &ctx, &mut out, &mut err),
        Cmd::Csv(CsvCmd::Check(a)) => commands::csv_check::run(&a, &ctx, &mut out, &mut err),
        Cmd::Completions(a) => commands::shell::completions(a.shell, &ctx, &mut out, &mut err),
        Cmd::Man => commands::shell::man(&ctx, &mut out, &mut err),
        Cmd::Export(a) => commands::handoff::run_export(&a, &ctx, &mut out, &mut err),
        Cmd::Merge(a) => commands::handoff::run_merge(&a, &ctx, &mut out, &mut err),
        Cmd::Report(a) => commands::report::run(&a, &ctx, &mut out, &mut err),
    };
    let _ = out.flush();
    ExitCode::from(code)
}

fn init_log(config_dir: &Path, explicit_dir: bool) -> Option<PathBuf> {
    let dir = if explicit_dir {
        config_dir.to_path_buf()
    } else {
        directories::ProjectDirs::from("", "", "msi-setup")
            .map(|d| d.state_dir().unwrap_or_else(|| d.cache_dir()).to_path_buf())?
    };
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("msi-setup.log");
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(&path).ok()?;
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_target(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}

fn run_tui(
    lang_flag: Option<Lang>,
    step: Option<ItemId>,
    env_tr: Catalog,
    config_dir: &Path,
    explicit_dir: bool,
    no_color: bool,
    started: Instant,
) -> ExitCode {
    let fail = |tr: &Catalog, m: String| {
        let _ = tr;
        eprintln!("msi-setup: {m}");
        ExitCode::from(2)
    };
    let guide = match Guide::embedded() {
        Ok(g) => Arc::new(g),
        Err(e) => return fail(&env_tr, e.to_string()),
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return fail(&env_tr, env_tr.t("core.err.no-terminal").to_string());
    }
    // The invite journal grows with every invite: it is read after the first frame.
    let opened = match Store::open_deferring_journal(config_dir, Timestamp::now()) {
        Ok(o) => o,
        Err(e) => return fail(&env_tr, e.localize(&env_tr)),
    };
    let _log = init_log(config_dir, explicit_dir);
    tracing::info!(path = %opened.store.path().display(), existed = opened.existed, "progress loaded");
    let lang = lang_flag
        .or(opened.progress.setup.lang)
        .unwrap_or(env_tr.lang());
    let tr = if lang == env_tr.lang() {
        env_tr
    } else {
        Catalog::load(lang).unwrap_or(env_tr)
    };
    for n in &opened.notices {
        tracing::warn!("{}", n.localize(&tr));
    }
    let notices = opened.notices.iter().cloned().map(notice).collect();
    let mut wizard = Wizard::new(
        guide,
        tr,
        opened.progress,
        Start {
            step,
            notices,
            no_color,
            remembered: store::load_mappings(config_dir),
        },
    );
    wizard.tz = msi_setup::present::local_time_zone();
    wizard.defer_journal();
    wizard.hyperlinks = msi_setup::present::hyperlinks_supported(|k| std::env::var(k).ok());
    match app::run_to_end(wizard, &opened.store, started) {
        Ok(app::Ended { wizard: w, signal }) => {
            // Quitting before anything was saved (the welcome screen on a first run) must not
            // claim that progress was saved.
            let line = if opened.store.path().is_file() {
                w.tr.f(
                    "core.exit.saved",
                    &[
                        ("path", &opened.store.path().display()),
                        ("progress", &msi_setup::ui::progress_line(&w)),
                    ],
                )
            } else {
                w.tr.t("core.exit.nothing-saved").to_string()
            };
            // After a hang-up there may be no terminal left to print on: never panic for that.
            let _ = writeln!(std::io::stdout(), "{line}");
            match signal {
                // 128 + the signal's number, as shells report a process a signal ended.
                Some(n) => ExitCode::from(u8::try_from(128 + n).unwrap_or(255)),
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "terminal error");
            eprintln!("msi-setup: {e}");
            ExitCode::from(2)
        }
    }
}
