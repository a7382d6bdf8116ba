//! The runtime: owns the terminal, turns terminal events, signals and background results into
//! messages, runs `Wizard::update`, carries out its effects and redraws only after something
//! happened (no polling loop: idle CPU is zero; a 100 ms spinner tick runs only while a live
//! check runs). The terminal is restored on every exit path, including panics (ratatui's hook
//! plus ours for bracketed paste) and every catchable signal that ends a terminal program
//! (INT, QUIT, TERM, HUP, USR1, USR2, ALRM: the exit code is then 128 + its number).
//!
//! Live checks run as spawned tasks that never panic (every failure is a `CheckOutcome`); each
//! is kept under its ticket and aborted on `Effect::CancelCheck`. CSV jobs run on blocking
//! threads that cannot be aborted: each validation and export gets a cancel flag, set on
//! `Effect::CancelCsv`, which the job checks as it goes.

mod csv_jobs;
mod handoff_files;

use std::collections::{HashMap, VecDeque};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream};
use crossterm::execute;
use futures_util::StreamExt;
use jiff::Timestamp;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::credentials::{self, Availability, ConfigError, Credentials};
use crate::domain::text::Localize;
use crate::input;
use crate::remote::sf_cli::{SfCli, fill_from_sf_cli};
use crate::remote::{self, Clients, HttpConfig};
use crate::store::Store;
use crate::ui;
use crate::wizard::live::CredentialInput;
use crate::wizard::{Effect, Msg, Wizard, notice};

/// Keys kept while a screen waits for the invite journal (more are dropped).
const HELD_KEYS: usize = 1024;

/// What background work reports to the loop.
pub(crate) enum Background {
    /// A message for the wizard.
    Msg(Msg),
    /// Salesforce credentials found by the `sf` CLI.
    SfCredentials(Box<Credentials>),
}

/// Credentials and HTTP clients for the live checks.
struct Live {
    creds: Credentials,
    http: HttpConfig,
    clients: Clients,
    config_dir: PathBuf,
    tasks: HashMap<u64, JoinHandle<()>>,
}

impl Live {
    fn new(config_dir: PathBuf) -> Live {
        let env = |k: &str| std::env::var(k).ok();
        let saved = credentials::load(&config_dir).ok().flatten();
        let creds = Credentials {
            marketo: credentials::resolve_marketo(&env, None, saved.as_ref())
                .unwrap_or_else(|e| Availability::Failed(e.detail())),
            salesforce: credentials::resolve_salesforce(&env, saved.as_ref())
                .unwrap_or_else(|e| Availability::Failed(e.detail())),
        };
        let http = HttpConfig::from_env(&env);
        let clients = Clients::new(&creds, &http);
        Live {
            creds,
            http,
            clients,
            config_dir,
            tasks: HashMap::new(),
        }
    }

    fn rebuild(&mut self) {
        self.clients = Clients::new(&self.creds, &self.http);
    }

    /// Applies typed credentials; `Err` says why they were refused.
    fn accept(&mut self, input: &CredentialInput) -> Result<(), ConfigError> {
        credentials::set_typed(&mut self.creds, input.system, &input.values)?;
        self.rebuild();
        if input.remember {
            credentials::remember_typed(&self.config_dir, input.system, &self.creds)?;
        }
        Ok(())
    }
}

/// How the TUI ended.
#[derive(Debug)]
pub struct Ended {
    /// The wizard as it was at the end.
    pub wizard: Wizard,
    /// The signal that ended it (`SIGINT` = 2, `SIGTERM` = 15, ...), if one did: the process
    /// should exit with 128 + that number, as shells expect.
    pub signal: Option<i32>,
}

/// Runs the TUI until the user quits. `started` is when the process began (for the
/// time-to-first-frame log line).
///
/// # Errors
/// Terminal IO errors (the terminal is restored first).
pub fn run(wizard: Wizard, store: &Store, started: Instant) -> io::Result<Wizard> {
    run_to_end(wizard, store, started).map(|e| e.wizard)
}

/// [`run`], also saying which signal ended it. The signals that end a terminal program when
/// sent from outside (`kill -INT`, `timeout -s INT`, a closed terminal) are caught before the
/// terminal is switched to raw mode, so every one of them restores it.
///
/// # Errors
/// Terminal IO errors (the terminal is restored first).
pub fn run_to_end(wizard: Wizard, store: &Store, started: Instant) -> io::Result<Ended> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let signals = {
        let _in_rt = rt.enter();
        Signals::new()?
    };
    let mut terminal = init()?;
    let mut wizard = wizard;
    let result = rt.block_on(event_loop(
        &mut terminal,
        &mut wizard,
        store,
        started,
        signals,
    ));
    restore();
    // Dropping the runtime would wait for CSV jobs on blocking threads (a second or more on a
    // large file); quitting must not: they are told to stop and left behind.
    rt.shutdown_background();
    result.map(|signal| Ended { wizard, signal })
}

/// The catchable signals that end the program, each restoring the terminal first.
struct Signals {
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            (libc::SIGINT, SignalKind::interrupt()),
            (libc::SIGQUIT, SignalKind::quit()),
            (libc::SIGTERM, SignalKind::terminate()),
            (libc::SIGHUP, SignalKind::hangup()),
            (libc::SIGUSR1, SignalKind::user_defined1()),
            (libc::SIGUSR2, SignalKind::user_defined2()),
            (libc::SIGALRM, SignalKind::alarm()),
        ];
        let mut streams = Vec::new();
        for (n, kind) in kinds {
            streams.push((n, signal(kind)?));
        }
        Ok(Signals { streams })
    }

    /// The next signal's number.
    async fn recv(&mut self) -> i32 {
        let waits = self.streams.iter_mut().map(|(n, s)| {
            let n = *n;
            Box::pin(async move {
                s.recv().await;
                n
            })
        });
        futures_util::future::select_all(waits).await.0
    }
}

fn init() -> io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    execute!(io::stdout(), EnableBracketedPaste)?;
    Ok(terminal)
}

fn restore() {
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    wizard: &mut Wizard,
    store: &Store,
    started: Instant,
    mut signals: Signals,
) -> io::Result<Option<i32>> {
    let mut events = EventStream::new();
    let mut ended_by: Option<i32> = None;
    let (tx, mut rx) = mpsc::unbounded_channel::<Background>();
    let mut tick = tokio::time::interval(Duration::from_millis(100));

    let size = terminal.size()?;
    wizard.update(Msg::Resize(size.width, size.height), Timestamp::now());
    terminal.draw(|f| ui::render(wizard, f))?;
    tracing::info!(
        first_frame_ms = started.elapsed().as_secs_f64() * 1000.0,
        "first frame drawn"
    );
    // After the first frame: building the HTTP clients loads the system's root certificates
    // (most of the start-up time before).
    let mut live = Live::new(store.dir().to_path_buf());
    let mut csv_cancel: HashMap<u64, Arc<AtomicBool>> = HashMap::new();
    // Resuming an unfinished CSV invite starts work right after the first frame.
    let mut queue: VecDeque<Effect> = wizard.startup_effects().into();

    // Salesforce credentials from the `sf` CLI, when none were given and it is installed.
    if matches!(live.creds.salesforce, Availability::Missing(_)) {
        let sf = SfCli::from_env(&|k: &str| std::env::var(k).ok());
        if sf.program.is_some() {
            let mut creds = live.creds.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                fill_from_sf_cli(&mut creds, &sf, None).await;
                let _ = tx.send(Background::SfCredentials(Box::new(creds)));
            });
        }
    }

    // Each turn: carry out the queued effects, redraw if anything changed, wait for the next
    // event. Nothing is drawn without an event.
    // (Startup effects may already have changed the screen.)
    let mut dirty = !queue.is_empty();
    let mut held: VecDeque<Event> = VecDeque::new();
    loop {
        let mut quit = false;
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Save(progress) => {
                    if let Err(e) = store.save(&progress) {
                        tracing::error!(error = %e, "save failed");
                        let msg = Msg::SaveFailed(notice(e));
                        queue.extend(wizard.update(msg, Timestamp::now()));
                    }
                }
                Effect::AppendJournal(emails) => {
                    if let Err(e) = crate::store::append_journal(store.dir(), &emails) {
                        tracing::error!(error = %e, "journal append failed");
                        let msg = Msg::SaveFailed(notice(e));
                        queue.extend(wizard.update(msg, Timestamp::now()));
                    }
                }
                Effect::Quit => quit = true,
                Effect::LoadJournal => {
                    let dir = store.dir().to_path_buf();
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let read = crate::store::read_journal(&dir).map_err(notice);
                        let _ = tx.send(Background::Msg(crate::wizard::journal::loaded(read)));
                    });
                }
                Effect::RunCheck { ticket, id } => {
                    tracing::info!(check = id.as_str(), ticket, "check started");
                    let clients = live.clients.clone();
                    let tx = tx.clone();
                    let handle = tokio::spawn(async move {
                        let mut outcome = remote::run_check(&clients, id).await;
                        outcome.finished_at.get_or_insert(Timestamp::now());
                        let msg = Msg::CheckFinished {
                            ticket,
                            outcome: Box::new(outcome),
                        };
                        let _ = tx.send(Background::Msg(msg));
                    });
                    live.tasks.insert(ticket, handle);
                }
                Effect::CancelCheck { ticket } => {
                    if let Some(h) = live.tasks.remove(&ticket) {
                        tracing::info!(ticket, "check cancelled");
                        h.abort();
                    }
                }
                Effect::LoadCsv { ticket, path } => {
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || csv_jobs::sample(ticket, path, &tx));
                }
                Effect::ValidateCsv {
                    ticket,
                    path,
                    intake,
                    mapping,
                    invited,
                    seats,
                    teams_recorded,
                } => {
                    let cancel = Arc::new(AtomicBool::new(false));
                    csv_cancel.insert(ticket, Arc::clone(&cancel));
                    let tx = tx.clone();
                    let job = csv_jobs::ValidateJob {
                        ticket,
                        path,
                        intake: *intake,
                        mapping: *mapping,
                        invited,
                        seats,
                        teams_recorded,
                    };
                    tokio::task::spawn_blocking(move || csv_jobs::validate(job, &cancel, &tx));
                }
                Effect::ExportCsv {
                    ticket,
                    path,
                    out,
                    report_path,
                    intake,
                    mapping,
                    report,
                    limit,
                    left_out,
                } => {
                    let cancel = Arc::new(AtomicBool::new(false));
                    csv_cancel.insert(ticket, Arc::clone(&cancel));
                    let (tr, tx) = (wizard.tr.clone(), tx.clone());
                    let job = csv_jobs::ExportJob {
                        ticket,
                        path,
                        out,
                        report_path,
                        intake: *intake,
                        mapping: *mapping,
                        report,
                        limit,
                        left_out,
                    };
                    tokio::task::spawn_blocking(move || {
                        csv_jobs::export(job, &tr, &cancel, &tx);
                    });
                }
                Effect::ReadSent { ticket, path } => {
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || csv_jobs::read_sent(ticket, path, &tx));
                }
                Effect::SearchCsv {
                    ticket,
                    text,
                    report,
                    view,
                    from,
                    needle,
                    delimiter,
                } => {
                    let cancel = Arc::new(AtomicBool::new(false));
                    csv_cancel.insert(ticket, Arc::clone(&cancel));
                    let tx = tx.clone();
                    let job = csv_jobs::SearchJob {
                        ticket,
                        text,
                        report,
                        view,
                        from,
                        needle,
                        delimiter,
                    };
                    tokio::task::spawn_blocking(move || csv_jobs::search(&job, &cancel, &tx));
                }
                Effect::CancelCsv { ticket } => {
                    if let Some(flag) = csv_cancel.remove(&ticket) {
                        flag.store(true, Ordering::Relaxed);
                    }
                    tracing::info!(ticket, "csv job cancelled");
                }
                Effect::CompletePath { partial } => {
                    let list = csv_jobs::complete(&partial);
                    queue.extend(
                        wizard.update(Msg::PathCompletions { partial, list }, Timestamp::now()),
                    );
                }
                Effect::SaveMappings(map) => {
                    if let Err(e) = crate::store::save_mappings(store.dir(), &map) {
                        tracing::warn!(error = %e, "could not save remembered mappings");
                    }
                }
                Effect::Copy(text) => {
                    let copy = crossterm::clipboard::CopyToClipboard::to_clipboard_from(text);
                    let _ = execute!(io::stdout(), copy);
                }
                Effect::WriteHandoff(progress) => {
                    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                    let msg = handoff_files::write(&progress, &dir, Timestamp::now(), &wizard.tz);
                    queue.extend(wizard.update(msg, Timestamp::now()));
                }
                Effect::ListHandoffs => {
                    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                    queue.extend(wizard.update(handoff_files::list(&dir), Timestamp::now()));
                }
                Effect::SubmitCredentials(input) => {
                    let reply = match live.accept(&input) {
                        Ok(()) => Msg::CredentialsAccepted(input.system),
                        Err(e) => Msg::CredentialsRejected(notice(e)),
                    };
                    queue.extend(wizard.update(reply, Timestamp::now()));
                }
            }
        }
        if quit {
            for (_, h) in live.tasks.drain() {
                h.abort();
            }
            // CSV jobs stop at their next step; nobody waits for them (see `run`).
            for (_, flag) in csv_cancel.drain() {
                flag.store(true, Ordering::Relaxed);
            }
            return Ok(ended_by);
        }
        if dirty {
            terminal.draw(|f| ui::render(wizard, f))?;
            dirty = false;
        }
        // Keys typed while a screen waited for the invite journal go to that screen once it
        // opens, one by one, as if typed now (type-ahead: `u`, the path, Enter). If the
        // journal could not be read, the screen did not open: they are dropped.
        if matches!(wizard.journal, crate::wizard::journal::Journal::Failed(_)) {
            held.clear();
        }
        if !wizard.holds_keys()
            && let Some(ev) = held.pop_front()
        {
            let msg = match ev {
                Event::Key(key) => input::to_msg(wizard, key),
                Event::Paste(text) => Some(Msg::Paste(text)),
                _ => None,
            };
            if let Some(msg) = msg {
                queue.extend(wizard.update(msg, Timestamp::now()));
                dirty = true;
            }
            continue;
        }
        let busy = wizard.is_busy();
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) => match input::to_msg(wizard, key) {
                    Some(Msg::ForceQuit) => Some(Msg::ForceQuit),
                    // Esc before anything else was typed stops the wait.
                    Some(Msg::Back) if held.is_empty() => Some(Msg::Back),
                    _ if wizard.holds_keys() && held.len() < HELD_KEYS => {
                        held.push_back(Event::Key(key));
                        None
                    }
                    msg => msg,
                },
                Some(Ok(Event::Resize(w, h))) => Some(Msg::Resize(w, h)),
                Some(Ok(Event::Paste(text))) if wizard.holds_keys() && held.len() < HELD_KEYS => {
                    held.push_back(Event::Paste(text));
                    None
                }
                Some(Ok(Event::Paste(text))) => Some(Msg::Paste(text)),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e),
                None => Some(Msg::ForceQuit),
            },
            Some(ev) = rx.recv() => match ev {
                Background::Msg(m) => Some(m),
                Background::SfCredentials(c) => {
                    if let Availability::Ready(sf) = c.salesforce {
                        tracing::info!("salesforce credentials from the sf CLI");
                        live.creds.salesforce = Availability::Ready(sf);
                        live.rebuild();
                    }
                    None
                }
            },
            _ = tick.tick(), if busy => Some(Msg::Tick),
            n = signals.recv() => {
                tracing::info!(signal = n, "ended by a signal");
                ended_by = Some(n);
                Some(Msg::ForceQuit)
            }
        };
        let Some(msg) = msg else { continue };
        if let Msg::CheckFinished { ticket, .. } = &msg {
            live.tasks.remove(ticket);
        }
        if let Msg::CsvValidated { ticket, .. }
        | Msg::CsvExported { ticket, .. }
        | Msg::CsvSearched { ticket, .. } = &msg
        {
            csv_cancel.remove(ticket);
        }
        queue.extend(wizard.update(msg, Timestamp::now()));
        dirty = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{SalesforceCredentials, SfSource};
    use crate::domain::checks::System;

    #[test]
    fn remember_stores_only_what_was_typed_in_that_form() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let env_token = "00Dxx!FROM-THE-ENVIRONMENT";
        let sf = SalesforceCredentials {
            instance_url: reqwest::Url::parse("https://acme.my.salesforce.com")
                .unwrap_or_else(|e| panic!("{e}")),
            access_token: credentials::Secret::new(env_token),
            api_version: "60.0".to_string(),
            source: SfSource::Env,
        };
        let creds = Credentials {
            marketo: Availability::Missing(crate::domain::checks::Detail::new("x")),
            salesforce: Availability::Ready(sf),
        };
        let http = HttpConfig::default();
        let mut live = Live {
            clients: Clients::new(&creds, &http),
            creds,
            http,
            config_dir: dir.path().to_path_buf(),
            tasks: HashMap::new(),
        };
        let input = CredentialInput {
            system: System::Marketo,
            values: vec![
                "https://123-ABC-456.mktorest.com".to_string(),
                "typed-id".to_string(),
                "typed-secret".to_string(),
            ],
            remember: true,
        };
        live.accept(&input).unwrap_or_else(|e| panic!("{e:?}"));
        let text = std::fs::read_to_string(credentials::credentials_path(dir.path()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("typed-secret"), "{text}");
        assert!(
            !text.contains(env_token),
            "the environment's token was stored"
        );
        assert!(!text.contains("salesforce"), "{text}");
    }
}
