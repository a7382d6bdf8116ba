//! The runtime: owns the terminal, turns terminal events and signals into messages, runs
//! `Wizard::update`, carries out its effects and redraws only after something happened (no
//! polling loop: idle CPU is zero). The terminal is restored on every exit path, including
//! panics (ratatui's hook plus ours for bracketed paste) and SIGTERM/SIGHUP.

use std::io;
use std::time::Instant;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream};
use crossterm::execute;
use futures_util::StreamExt;
use jiff::Timestamp;
use ratatui::DefaultTerminal;

use crate::commands::common;
use crate::input;
use crate::store::Store;
use crate::ui;
use crate::wizard::{Effect, Msg, Wizard};

/// Runs the TUI until the user quits. `started` is when the process began (for the
/// time-to-first-frame log line).
///
/// # Errors
/// Terminal IO errors (the terminal is restored first).
pub fn run(wizard: Wizard, store: &Store, started: Instant) -> io::Result<Wizard> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut terminal = init()?;
    let mut wizard = wizard;
    let result = rt.block_on(event_loop(&mut terminal, &mut wizard, store, started));
    restore();
    result.map(|()| wizard)
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
) -> io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;

    let size = terminal.size()?;
    wizard.update(Msg::Resize(size.width, size.height), Timestamp::now());
    terminal.draw(|f| ui::render(wizard, f))?;
    tracing::info!(
        first_frame_ms = started.elapsed().as_secs_f64() * 1000.0,
        "first frame drawn"
    );

    loop {
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) => input::to_msg(wizard, key),
                Some(Ok(Event::Resize(w, h))) => Some(Msg::Resize(w, h)),
                Some(Ok(Event::Paste(text))) => Some(Msg::Paste(text)),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e),
                None => Some(Msg::ForceQuit),
            },
            _ = sigterm.recv() => Some(Msg::ForceQuit),
            _ = sighup.recv() => Some(Msg::ForceQuit),
        };
        let Some(msg) = msg else { continue };
        let mut quit = false;
        for effect in wizard.update(msg, Timestamp::now()) {
            match effect {
                Effect::Save(progress) => {
                    if let Err(e) = store.save(&progress) {
                        tracing::error!(error = %e, "save failed");
                        let text = format!(
                            "{} {}",
                            common::store_error(&wizard.tr, &e),
                            wizard.tr.t("core.err.write-kept")
                        );
                        wizard.update(Msg::SaveFailed(text), Timestamp::now());
                    }
                }
                Effect::Quit => quit = true,
            }
        }
        if quit {
            return Ok(());
        }
        terminal.draw(|f| ui::render(wizard, f))?;
    }
}
