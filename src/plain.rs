//! The accessible plain mode (`--plain`, or `TERM=dumb`): the same wizard, line by line.
//!
//! No alternate screen, no box drawing, no cursor addressing, no escape sequence at all: each
//! screen is printed as plain lines with numbered choices, and each answer is one line read
//! from the input (a terminal or a pipe). An answer becomes the same [`Msg`]s a key press
//! would, fed to the same [`Wizard::update`], so every rule (what a tick means, when a reason
//! is required, what is recorded) is the TUI's own; the effects are carried out here as the
//! runtime does (saves through the [`Store`], live checks through [`remote`]), one at a time.
//! `q` quits at any prompt and the end of the input quits too; progress is saved after every
//! change, as in the TUI. Text typed or loaded is printed without control characters.
//!
//! Models: the accessible mode of Charm's `huh` forms and the prompter of GitHub's `gh`
//! (numbered choices; a wrong answer is asked again with the valid range).

use std::io::{self, BufRead, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use jiff::Timestamp;

use crate::credentials::{self, Availability, Credentials};
use crate::domain::checks::{CheckId, CheckOutcome, CheckStatus, System};
use crate::domain::guide::{Guide, ItemId, Kind, NoteKind};
use crate::domain::progress::Status;
use crate::domain::text::{Catalog, Detail, Lang, Localize};
use crate::input;
use crate::present::sanitize;
use crate::remote::sf_cli::{SfCli, fill_from_sf_cli};
use crate::remote::{self, Clients, HttpConfig};
use crate::store::{self, Store};
use crate::ui;
use crate::wizard::individual::{AddressProblem, Individual};
use crate::wizard::live::{CredentialForm, CredentialInput};
use crate::wizard::{
    BannerText, ConfirmAction, Effect, Msg, Overlay, Screen, Start, Welcome, WelcomeRow, Wizard,
    notice,
};

/// The longest answer kept, in bytes (the longest field, the addresses, takes 20,000 chars).
pub const LINE_MAX: usize = 128 * 1024;

/// Whether plain mode applies: `--plain`, or `TERM=dumb`.
#[must_use]
pub fn wanted(flag: bool, term: Option<&str>) -> bool {
    flag || term == Some("dumb")
}

/// Opens the progress file and runs plain mode on stdin/stdout (the composition root's hook).
#[must_use]
pub fn main(
    lang_flag: Option<Lang>,
    step: Option<ItemId>,
    env_tr: Catalog,
    dir: &Path,
) -> ExitCode {
    let fail = |m: String| {
        eprintln!("msi-setup: {}", sanitize(&m));
        ExitCode::from(2)
    };
    let guide = match Guide::embedded() {
        Ok(g) => Arc::new(g),
        Err(e) => return fail(e.to_string()),
    };
    let opened = match Store::open(dir, Timestamp::now()) {
        Ok(o) => o,
        Err(e) => return fail(e.localize(&env_tr)),
    };
    let lang = lang_flag
        .or(opened.progress.setup.lang)
        .unwrap_or(env_tr.lang());
    let tr = if lang == env_tr.lang() {
        env_tr
    } else {
        Catalog::load(lang).unwrap_or(env_tr)
    };
    let notices = opened.notices.iter().cloned().map(notice).collect();
    let mut wizard = Wizard::new(
        guide,
        tr,
        opened.progress,
        Start {
            step,
            notices,
            no_color: true,
            remembered: store::load_mappings(dir),
        },
    );
    wizard.tz = crate::present::local_time_zone();
    let echo = !std::io::IsTerminal::is_terminal(&std::io::stdin());
    let stdin = io::stdin().lock();
    let stdout = io::stdout().lock();
    let mut shell = Plain::new(wizard, &opened.store, stdin, stdout, echo);
    match shell.run() {
        Ok(()) => {
            let saved = opened.existed || shell.saved;
            let w = &shell.wizard;
            let line = if saved {
                w.tr.f(
                    "core.exit.saved",
                    &[
                        ("path", &opened.store.path().display()),
                        ("progress", &ui::progress_line(w)),
                    ],
                )
            } else {
                w.tr.t("plain.saved-nothing").to_string()
            };
            let _ = writeln!(shell.out, "{}", sanitize(&line));
            let _ = shell.out.flush();
            ExitCode::SUCCESS
        }
        Err(e) => fail(e.to_string()),
    }
}

/// The current screen in full and its open question (a confirmation, a reason), as plain mode
/// prints it on arrival: lines without control characters.
#[must_use]
pub fn screen_text(w: &Wizard) -> String {
    let mut lines = screen_lines(w, Ask::Screen, true, None);
    lines.extend(overlay_lines(w));
    lines
        .iter()
        .map(|l| sanitize(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where a multi-question screen is (the welcome form and the individual invite ask one thing
/// at a time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    /// Only one question on this screen.
    Screen,
    /// Welcome: the language.
    Lang,
    /// Welcome: the roles.
    Roles,
    /// Welcome: the name.
    Name,
    /// Invite: the addresses.
    Emails,
    /// Invite: the teams.
    Teams,
    /// Invite: the workspace.
    Workspace,
    /// Invite: record, edit or go back.
    Review,
    /// Credentials: field `n`.
    Cred(usize),
    /// Credentials: remember them or not (then connect).
    Remember,
}

/// What was last printed in full (an answer on the same screen prints only what changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Welcome,
    Hub,
    Step(ItemId),
    Summary,
    Individual,
    Other,
}

fn shown_of(w: &Wizard) -> Shown {
    match &w.screen {
        Screen::Welcome(_) => Shown::Welcome,
        Screen::Hub(_) => Shown::Hub,
        Screen::Step(v) => Shown::Step(v.item),
        Screen::Summary => Shown::Summary,
        Screen::Individual(_) => Shown::Individual,
        Screen::Preview(_) | Screen::Csv(_) | Screen::Handoff(_) => Shown::Other,
    }
}

/// Credentials and clients for the live checks, made on first use.
struct Live {
    rt: tokio::runtime::Runtime,
    creds: Credentials,
    http: HttpConfig,
    clients: Clients,
    config_dir: std::path::PathBuf,
}

impl Live {
    fn new(config_dir: &Path) -> io::Result<Live> {
        let env = |k: &str| std::env::var(k).ok();
        let saved = credentials::load(config_dir).ok().flatten();
        let mut creds = Credentials {
            marketo: credentials::resolve_marketo(&env, None, saved.as_ref())
                .unwrap_or_else(|e| Availability::Failed(e.detail())),
            salesforce: credentials::resolve_salesforce(&env, saved.as_ref())
                .unwrap_or_else(|e| Availability::Failed(e.detail())),
        };
        let http = HttpConfig::from_env(&env);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        if matches!(creds.salesforce, Availability::Missing(_)) {
            let sf = SfCli::from_env(&env);
            if sf.program.is_some() {
                rt.block_on(fill_from_sf_cli(&mut creds, &sf, None));
            }
        }
        let clients = Clients::new(&creds, &http);
        Ok(Live {
            rt,
            creds,
            http,
            clients,
            config_dir: config_dir.to_path_buf(),
        })
    }

    /// Uses typed credentials (and saves them when asked), as the TUI's runtime does;
    /// `Err` says why they were refused.
    fn accept(&mut self, input: &CredentialInput) -> Result<(), credentials::ConfigError> {
        credentials::set_typed(&mut self.creds, input.system, &input.values)?;
        self.clients = Clients::new(&self.creds, &self.http);
        if input.remember {
            credentials::remember_typed(&self.config_dir, input.system, &self.creds)?;
        }
        Ok(())
    }

    fn run(&self, id: CheckId) -> CheckOutcome {
        let mut outcome = self.rt.block_on(remote::run_check(&self.clients, id));
        outcome.finished_at.get_or_insert(Timestamp::now());
        outcome
    }
}

/// The line-oriented shell around a [`Wizard`].
pub struct Plain<'s, R, W> {
    /// The model.
    pub wizard: Wizard,
    store: &'s Store,
    input: R,
    out: W,
    /// Write a line break after each answer (the input is not a terminal, so it is not echoed).
    echo: bool,
    ask: Ask,
    shown: Option<(Shown, u8)>,
    last_banner: Option<crate::wizard::Banner>,
    live: Option<Live>,
    /// The sub-step the last answer ticked or unticked (printed after it).
    touched: Option<usize>,
    /// The language the current screen was printed in.
    lang_seen: Lang,
    /// Whether a save succeeded.
    pub saved: bool,
    quit: bool,
}

/// The answer to one prompt.
enum Answer {
    /// Messages for the wizard.
    Msgs(Vec<Msg>),
    /// Nothing to send; go on to the next question.
    Next(Ask),
    /// Print the whole screen again.
    Repeat,
    /// Print the commands.
    Help,
    /// Not a choice here.
    Invalid,
}

impl<'s, R: BufRead, W: Write> Plain<'s, R, W> {
    /// A shell reading answers from `input` and printing to `out`.
    pub fn new(wizard: Wizard, store: &'s Store, input: R, out: W, echo: bool) -> Self {
        Plain {
            wizard,
            store,
            input,
            out,
            echo,
            ask: Ask::Screen,
            shown: None,
            last_banner: None,
            live: None,
            touched: None,
            lang_seen: Lang::En,
            saved: false,
            quit: false,
        }
    }

    /// Runs until `q`, the end of the input, or a quit from the wizard.
    ///
    /// # Errors
    /// Reading the input or writing the output failed.
    pub fn run(&mut self) -> io::Result<()> {
        let intro = self.wizard.tr.t("plain.intro").to_string();
        self.say(&intro)?;
        loop {
            self.show()?;
            self.print_banner()?;
            if matches!(self.wizard.screen, Screen::Preview(_) | Screen::Csv(_)) {
                // Plain mode never opens these; should a resumed state land here, go back.
                let before = shown_of(&self.wizard);
                self.send(Msg::Back)?;
                if self.quit || shown_of(&self.wizard) == before {
                    return Ok(());
                }
                continue;
            }
            let (question, choices) = self.prompt();
            let prompt = if question.is_empty() {
                self.wizard.tr.f("plain.choose", &[("choices", &choices)])
            } else {
                question
            };
            write!(self.out, "{} ", sanitize(&prompt))?;
            self.out.flush()?;
            let line = if self.secret_asked() && !self.echo {
                self.read_secret()?
            } else {
                self.read_line()?
            };
            let Some(line) = line else {
                // End of the input: quit; everything is already saved.
                writeln!(self.out)?;
                return Ok(());
            };
            if self.echo {
                writeln!(self.out)?;
            }
            let answer = line.trim();
            if answer == "q" || answer == "Q" {
                return Ok(());
            }
            let before = self.key();
            if let (Screen::Step(v), None) = (&self.wizard.screen, &self.wizard.overlay) {
                let n = self.wizard.visible_substeps(v.item).len();
                self.touched = number(answer, n).map(|n| n - 1);
            }
            match self.answer(answer) {
                Answer::Msgs(msgs) => {
                    for m in msgs {
                        self.send(m)?;
                        if self.quit {
                            return Ok(());
                        }
                    }
                    if self.key() == before {
                        self.after_msgs()?;
                    }
                }
                Answer::Next(ask) => self.ask = ask,
                Answer::Repeat => self.print_screen(true)?,
                Answer::Help => self.print_help()?,
                Answer::Invalid => {
                    let text = self.invalid_text(answer, &choices);
                    self.say(&text)?;
                }
            }
        }
    }

    /// What is on screen: the screen and the kind of overlay.
    fn key(&self) -> (Shown, u8) {
        let overlay = match &self.wizard.overlay {
            None => 0,
            Some(Overlay::Confirm(_)) => 1,
            Some(Overlay::Reason { .. }) => 2,
            Some(Overlay::Help) => 3,
            Some(Overlay::Credentials(_)) => 4,
        };
        (shown_of(&self.wizard), overlay)
    }

    /// Prints what changed since the last prompt: a new screen in full, an overlay that
    /// opened, or the screen again (briefly) when an overlay closed.
    fn show(&mut self) -> io::Result<()> {
        let key = self.key();
        let Some(last) = self.shown.replace(key) else {
            self.enter(key.0)?;
            return Ok(());
        };
        if last == key {
            return Ok(());
        }
        if key.1 == 4 && last.1 != 4 {
            self.ask = Ask::Cred(0);
        } else if last.1 == 4 && key.1 != 4 {
            self.ask = Ask::Screen;
        }
        if last.0 != key.0 {
            self.enter(key.0)?;
        } else if key.1 != 0 {
            let lines = overlay_lines(&self.wizard);
            self.say(&lines.join("\n"))?;
        } else {
            self.print_screen(false)?;
        }
        Ok(())
    }

    fn enter(&mut self, shown: Shown) -> io::Result<()> {
        self.ask = match shown {
            Shown::Welcome => Ask::Lang,
            Shown::Individual => Ask::Emails,
            _ => Ask::Screen,
        };
        self.lang_seen = self.wizard.tr.lang();
        self.say("")?;
        self.print_screen(true)
    }

    fn invalid_text(&self, answer: &str, choices: &str) -> String {
        match (&self.wizard.screen, self.ask, &self.wizard.overlay) {
            (Screen::Individual(_), Ask::Emails, None) => self.t("plain.invite.need-emails"),
            (Screen::Welcome(_), Ask::Roles, None) if answer.is_empty() => {
                self.t("plain.welcome.need-role")
            }
            _ => self.wizard.tr.f(
                "plain.invalid",
                &[("answer", &sanitize(answer)), ("choices", &choices)],
            ),
        }
    }

    /// One answer: a line of the input (at most [`LINE_MAX`] bytes are kept; the rest of a
    /// longer line is skipped), without control characters. `None` at the end of the input.
    fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut buf = Vec::new();
        let n = (&mut self.input)
            .take(LINE_MAX as u64)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if n == LINE_MAX && buf.last() != Some(&b'\n') {
            // Skip the rest of an over-long line.
            loop {
                let mut rest = Vec::new();
                let m = (&mut self.input)
                    .take(LINE_MAX as u64)
                    .read_until(b'\n', &mut rest)?;
                if m < LINE_MAX || rest.last() == Some(&b'\n') {
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(&buf);
        Ok(Some(text.chars().filter(|c| !c.is_control()).collect()))
    }

    /// Whether the question is a secret credentials field.
    fn secret_asked(&self) -> bool {
        match (&self.wizard.overlay, self.ask) {
            (Some(Overlay::Credentials(form)), Ask::Cred(i)) => {
                i < form.fields.len() && form.masked(i)
            }
            _ => false,
        }
    }

    /// A secret typed at a terminal: echo off (raw mode, which changes the terminal's settings
    /// and writes nothing), read up to Enter, echo back on. Backspace erases; Ctrl-C quits.
    fn read_secret(&mut self) -> io::Result<Option<String>> {
        crossterm::terminal::enable_raw_mode()?;
        let read = self.read_secret_raw();
        crossterm::terminal::disable_raw_mode()?;
        writeln!(self.out)?;
        let bytes = read?;
        Ok(bytes.map(|b| {
            String::from_utf8_lossy(&b)
                .chars()
                .filter(|c| !c.is_control())
                .collect()
        }))
    }

    fn read_secret_raw(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        loop {
            let mut byte = [0u8; 1];
            if self.input.read(&mut byte)? == 0 {
                return Ok(if buf.is_empty() { None } else { Some(buf) });
            }
            match byte[0] {
                b'\r' | b'\n' => return Ok(Some(buf)),
                // Ctrl-C and Ctrl-D on an empty line: quit.
                0x03 => return Ok(None),
                0x04 if buf.is_empty() => return Ok(None),
                0x7f | 0x08 => {
                    // Erase one character (a UTF-8 sequence as a whole).
                    while let Some(b) = buf.pop() {
                        if b & 0xC0 != 0x80 {
                            break;
                        }
                    }
                }
                b if buf.len() < LINE_MAX => buf.push(b),
                _ => {}
            }
        }
    }

    /// Prints `text`, one line per line, without control characters.
    fn say(&mut self, text: &str) -> io::Result<()> {
        for line in text.split('\n') {
            writeln!(self.out, "{}", sanitize(line))?;
        }
        Ok(())
    }

    fn t(&self, key: &str) -> String {
        self.wizard.tr.t(key).to_string()
    }

    /// Applies one message and carries out its effects.
    fn send(&mut self, msg: Msg) -> io::Result<()> {
        let mut queue: std::collections::VecDeque<Effect> =
            self.wizard.update(msg, Timestamp::now()).into();
        let mut checked: Vec<CheckId> = Vec::new();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Save(progress) => match self.store.save(&progress) {
                    Ok(()) => self.saved = true,
                    Err(e) => {
                        tracing::error!(error = %e, "save failed");
                        let m = Msg::SaveFailed(notice(e));
                        queue.extend(self.wizard.update(m, Timestamp::now()));
                    }
                },
                Effect::AppendJournal(emails) => {
                    if let Err(e) = crate::store::append_journal(self.store.dir(), &emails) {
                        tracing::error!(error = %e, "journal append failed");
                        let m = Msg::SaveFailed(notice(e));
                        queue.extend(self.wizard.update(m, Timestamp::now()));
                    }
                }
                Effect::Quit => self.quit = true,
                // Plain mode reads the journal with the progress; read here if ever asked.
                Effect::LoadJournal => {
                    let read = crate::store::read_journal(self.store.dir()).map_err(notice);
                    let m = crate::wizard::journal::loaded(read);
                    queue.extend(self.wizard.update(m, Timestamp::now()));
                }
                Effect::RunCheck { ticket, id } => {
                    let name = self.t(id.label_key());
                    let line = self.wizard.tr.f("plain.live.running", &[("check", &name)]);
                    self.say(&line)?;
                    self.out.flush()?;
                    if self.live.is_none() {
                        self.live = Some(Live::new(self.store.dir())?);
                    }
                    let outcome = match &self.live {
                        Some(live) => live.run(id),
                        None => continue,
                    };
                    checked.push(id);
                    let m = Msg::CheckFinished {
                        ticket,
                        outcome: Box::new(outcome),
                    };
                    queue.extend(self.wizard.update(m, Timestamp::now()));
                }
                Effect::SubmitCredentials(input) => {
                    if self.live.is_none() {
                        self.live = Some(Live::new(self.store.dir())?);
                    }
                    let reply = match self.live.as_mut().map(|l| l.accept(&input)) {
                        Some(Ok(())) => Msg::CredentialsAccepted(input.system),
                        Some(Err(e)) => Msg::CredentialsRejected(notice(e)),
                        None => continue,
                    };
                    queue.extend(self.wizard.update(reply, Timestamp::now()));
                }
                // Plain mode never opens the CSV flow or the preview, runs one check at a
                // time (nothing to cancel) and does not write to the clipboard (that is an
                // escape sequence): these effects cannot arise from the messages it sends.
                Effect::CancelCheck { .. }
                | Effect::LoadCsv { .. }
                | Effect::ValidateCsv { .. }
                | Effect::ExportCsv { .. }
                | Effect::CancelCsv { .. }
                | Effect::ReadSent { .. }
                | Effect::SearchCsv { .. }
                | Effect::WriteHandoff(_)
                | Effect::ListHandoffs
                | Effect::CompletePath { .. }
                | Effect::SaveMappings(_)
                | Effect::Copy(_) => {}
            }
        }
        if !checked.is_empty() {
            self.print_checks(&checked)?;
            // The banner only repeats the last verdict just printed.
            self.last_banner.clone_from(&self.wizard.banner);
        }
        Ok(())
    }

    /// After an answer was applied and the screen stayed: the next question of a
    /// multi-question screen, or what changed.
    fn after_msgs(&mut self) -> io::Result<()> {
        let w = &self.wizard;
        if let Some(o) = &w.overlay {
            match o {
                Overlay::Reason {
                    empty_error: true, ..
                } => {
                    let text = self.t("core.reason.required");
                    self.say(&text)?;
                }
                Overlay::Credentials(form) => {
                    if self.ask != Ask::Remember {
                        self.ask = next_cred(form, self.ask);
                    } else if let Some(e) = &form.error {
                        // Submitted and refused: say why and ask again from the first field.
                        let text = e.0.localize(&w.tr);
                        self.say(&text)?;
                        self.ask = Ask::Cred(0);
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match &w.screen {
            Screen::Welcome(form) => {
                if form.error.is_some() {
                    let text = self.t("plain.welcome.need-role");
                    self.say(&text)?;
                    self.ask = Ask::Roles;
                    return Ok(());
                }
                self.ask = match self.ask {
                    Ask::Lang => Ask::Roles,
                    _ => Ask::Name,
                };
                if self.wizard.tr.lang() != self.lang_seen {
                    // The language changed: say the choices again in it.
                    self.lang_seen = self.wizard.tr.lang();
                    self.print_screen(true)?;
                }
            }
            Screen::Individual(form) => {
                if let Some(error) = &form.error {
                    let text = error.detail().render(&self.wizard.tr);
                    self.say(&text)?;
                    self.ask = Ask::Emails;
                    return Ok(());
                }
                match self.ask {
                    Ask::Emails | Ask::Screen => {
                        let mut lines = Vec::new();
                        address_lines(w, form, &mut lines);
                        self.say(&lines.join("\n"))?;
                        self.ask = Ask::Teams;
                    }
                    Ask::Teams => self.ask = Ask::Workspace,
                    _ => {
                        self.ask = Ask::Review;
                        self.print_screen(false)?;
                    }
                }
            }
            Screen::Step(_) => self.print_screen(false)?,
            _ => {}
        }
        Ok(())
    }

    fn print_banner(&mut self) -> io::Result<()> {
        if self.wizard.banner == self.last_banner {
            return Ok(());
        }
        self.last_banner.clone_from(&self.wizard.banner);
        let Some(b) = &self.wizard.banner else {
            return Ok(());
        };
        let text = match &b.text {
            BannerText::Text(t) => t.clone(),
            BannerText::Notices(ns) => ns
                .iter()
                .map(|n| self.with_keys(&n.0.detail()))
                .collect::<Vec<_>>()
                .join(" "),
        };
        self.say(&text)
    }

    /// A message with its `{key-…}` placeholders filled with plain mode's own answers (the
    /// keymap's labels for anything plain mode answers the same way).
    fn with_keys(&self, d: &Detail) -> String {
        let mut keys: Vec<(String, String)> = COMMANDS
            .iter()
            .map(|c| (input::key_placeholder(c.hint), c.word.to_string()))
            .collect();
        keys.extend(input::key_args(&self.wizard));
        let args: Vec<(&str, &dyn std::fmt::Display)> = d
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display))
            .chain(
                keys.iter()
                    .map(|(k, v)| (k.as_str(), v as &dyn std::fmt::Display)),
            )
            .collect();
        self.wizard.tr.f(&d.key, &args)
    }

    fn print_checks(&mut self, ids: &[CheckId]) -> io::Result<()> {
        let lines: Vec<String> = ids.iter().map(|id| check_line(&self.wizard, *id)).collect();
        for l in lines {
            self.say(&l)?;
        }
        let all_skipped = ids.iter().all(|id| {
            self.wizard
                .progress
                .checks
                .get(id)
                .is_none_or(|o| o.status == CheckStatus::Skipped)
        });
        if all_skipped {
            let text = self.t("checks.verify.all-skipped");
            self.say(&text)?;
        }
        Ok(())
    }

    fn print_help(&mut self) -> io::Result<()> {
        let mut lines = vec![self.t("plain.commands")];
        for (word, hint) in self.commands() {
            lines.push(format!("  {word}  {hint}"));
        }
        lines.push(format!("  q  {}", self.t("keys.quit")));
        if self.ask == Ask::Screen {
            lines.push(self.t("plain.empty-repeat"));
        }
        lines.push(self.t("core.help.saved"));
        self.say(&lines.join("\n"))
    }

    /// The commands of the current screen: `(answer, what it does)`.
    fn commands(&self) -> Vec<(String, String)> {
        let w = &self.wizard;
        let mut out = Vec::new();
        match &w.screen {
            Screen::Hub(_) => {
                out.push((
                    format!("1-{}", w.guide.items().len()),
                    self.t("plain.number-open"),
                ));
            }
            Screen::Step(v) => {
                let n = w.visible_substeps(v.item).len();
                if n > 0 {
                    out.push((format!("1-{n}"), self.t("plain.number-tick")));
                }
            }
            _ => {}
        }
        for c in COMMANDS {
            if c.applies(w) {
                out.push((c.word.to_string(), self.t(c.hint)));
            }
        }
        out
    }

    /// The question to ask now and the short list of valid answers.
    fn prompt(&self) -> (String, String) {
        let w = &self.wizard;
        let tr = &w.tr;
        match &w.overlay {
            Some(Overlay::Confirm(_)) => return (String::new(), "y, n".to_string()),
            Some(Overlay::Reason { .. }) => return (self.t("plain.reason.hint"), String::new()),
            Some(Overlay::Credentials(form)) => {
                return match self.ask {
                    Ask::Cred(i) if i < form.fields.len() => {
                        let label = self.t(form.labels()[i]);
                        let key = if form.masked(i) {
                            "plain.cred.secret"
                        } else {
                            "plain.cred.field"
                        };
                        (tr.f(key, &[("label", &label)]), String::new())
                    }
                    _ => (
                        tr.f(
                            "plain.cred.remember",
                            &[("label", &tr.t("checks.form.remember"))],
                        ),
                        "y, n".to_string(),
                    ),
                };
            }
            Some(Overlay::Help) | None => {}
        }
        let roles = w.guide.roles();
        match (&w.screen, self.ask) {
            (Screen::Welcome(form), Ask::Lang) => (
                tr.f(
                    "plain.welcome.lang-keep",
                    &[("lang", &form.lang.native_name())],
                ),
                format!("1-{}", Lang::ALL.len()),
            ),
            (Screen::Welcome(form), Ask::Roles) => {
                let names = self.role_names(&form.roles);
                let q = if names.is_empty() {
                    self.t("plain.welcome.roles-pick")
                } else {
                    tr.f("plain.welcome.roles-keep", &[("roles", &names)])
                };
                (q, format!("1-{}", roles.len()))
            }
            (Screen::Welcome(form), _) => {
                let q = if form.name.value().is_empty() {
                    self.t("plain.welcome.name-empty")
                } else {
                    tr.f(
                        "plain.welcome.name-keep",
                        &[("name", &sanitize(form.name.value()))],
                    )
                };
                (q, String::new())
            }
            (Screen::Individual(form), Ask::Emails | Ask::Screen) => {
                let n = w.individual_parsed(form).len();
                let q = if n == 0 {
                    self.t("plain.invite.emails")
                } else {
                    tr.f("plain.invite.emails-keep", &[("n", &n)])
                };
                (q, String::new())
            }
            (Screen::Individual(form), Ask::Teams) => {
                let teams = team_text(w, form);
                (
                    tr.f("plain.invite.teams", &[("teams", &teams)]),
                    String::new(),
                )
            }
            (Screen::Individual(_), Ask::Review) => (String::new(), "r, e, 0, q".to_string()),
            (Screen::Individual(form), Ask::Workspace) => (
                tr.f(
                    "plain.invite.workspace",
                    &[("workspace", &sanitize(form.workspace.value()))],
                ),
                String::new(),
            ),
            _ => {
                let mut words: Vec<String> = self.commands().into_iter().map(|(w, _)| w).collect();
                words.push("q".to_string());
                (String::new(), words.join(", "))
            }
        }
    }

    fn role_names(&self, roles: &[crate::domain::guide::Role]) -> String {
        self.wizard
            .guide
            .roles()
            .iter()
            .filter(|r| roles.contains(r))
            .map(|r| self.t(&r.name_key()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Turns one typed line into what it means on the current screen.
    fn answer(&self, a: &str) -> Answer {
        let w = &self.wizard;
        match &w.overlay {
            Some(Overlay::Confirm(_)) => {
                return match a.to_lowercase().as_str() {
                    "y" | "yes" => Answer::Msgs(vec![Msg::Yes]),
                    "n" | "no" | "0" => Answer::Msgs(vec![Msg::No]),
                    _ => Answer::Invalid,
                };
            }
            Some(Overlay::Reason { field, .. }) => {
                if a == "0" {
                    return Answer::Msgs(vec![Msg::Back]);
                }
                let mut msgs = replace(field.value(), a);
                msgs.push(Msg::Next);
                return Answer::Msgs(msgs);
            }
            Some(Overlay::Credentials(form)) => return self.answer_credentials(form, a),
            Some(Overlay::Help) => {
                return Answer::Msgs(vec![Msg::Back]);
            }
            None => {}
        }
        if a == "?" {
            return Answer::Help;
        }
        match &w.screen {
            Screen::Welcome(form) => self.answer_welcome(form, a),
            Screen::Individual(form) => self.answer_invite(form, a),
            _ if a.is_empty() => Answer::Repeat,
            Screen::Hub(_) => {
                if let Some(n) = number(a, w.guide.items().len()) {
                    let mut msgs = goto(n - 1);
                    msgs.push(Msg::Next);
                    return Answer::Msgs(msgs);
                }
                self.command(a)
            }
            Screen::Step(v) => {
                if let Some(n) = number(a, w.visible_substeps(v.item).len()) {
                    let mut msgs = goto(n - 1);
                    msgs.push(Msg::Toggle);
                    return Answer::Msgs(msgs);
                }
                self.command(a)
            }
            _ => self.command(a),
        }
    }

    fn command(&self, a: &str) -> Answer {
        COMMANDS
            .iter()
            .find(|c| c.word == a && c.applies(&self.wizard))
            .map_or(Answer::Invalid, |c| Answer::Msgs(vec![c.msg.clone()]))
    }

    fn answer_credentials(&self, form: &CredentialForm, a: &str) -> Answer {
        if a == "0" {
            return Answer::Msgs(vec![Msg::Back]);
        }
        // The form's rows: its fields, then "remember", then "connect".
        let n = form.fields.len();
        let row = |i: usize| {
            let mut m = vec![Msg::Up; n + 2];
            m.extend(std::iter::repeat_n(Msg::Down, i));
            m
        };
        match self.ask {
            Ask::Cred(i) if i < n => {
                let mut msgs = row(i);
                msgs.extend(replace(form.fields[i].value(), a));
                Answer::Msgs(msgs)
            }
            _ => {
                let remember = match a.to_lowercase().as_str() {
                    "y" | "yes" => true,
                    "n" | "no" => false,
                    _ => return Answer::Invalid,
                };
                let mut msgs = row(n);
                if remember != form.remember {
                    msgs.push(Msg::Toggle);
                }
                msgs.push(Msg::Down);
                msgs.push(Msg::Next);
                Answer::Msgs(msgs)
            }
        }
    }

    fn answer_welcome(&self, form: &Welcome, a: &str) -> Answer {
        let rows = Welcome::rows(&self.wizard.guide);
        let row_of = |r: WelcomeRow| rows.iter().position(|x| *x == r).unwrap_or(0);
        if a == "0" && !form.first_run {
            return Answer::Msgs(vec![Msg::Back]);
        }
        match self.ask {
            Ask::Lang => {
                if a.is_empty() {
                    return Answer::Next(Ask::Roles);
                }
                let Some(n) = number(a, Lang::ALL.len()) else {
                    return Answer::Invalid;
                };
                let mut msgs = goto(row_of(WelcomeRow::Lang(Lang::ALL[n - 1])));
                msgs.push(Msg::Toggle);
                Answer::Msgs(msgs)
            }
            Ask::Roles => {
                let roles = self.wizard.guide.roles();
                if a.is_empty() {
                    return if form.roles.is_empty() {
                        Answer::Invalid
                    } else {
                        Answer::Next(Ask::Name)
                    };
                }
                let mut wanted = Vec::new();
                for part in a.split(|c: char| c == ',' || c.is_whitespace()) {
                    if part.is_empty() {
                        continue;
                    }
                    match number(part, roles.len()) {
                        Some(n) => wanted.push(roles[n - 1]),
                        None => return Answer::Invalid,
                    }
                }
                let mut msgs = Vec::new();
                for r in roles {
                    if wanted.contains(r) != form.roles.contains(r) {
                        msgs.extend(goto(row_of(WelcomeRow::Role(*r))));
                        msgs.push(Msg::Toggle);
                    }
                }
                Answer::Msgs(msgs)
            }
            _ => {
                let mut msgs = goto(row_of(WelcomeRow::Name));
                if a == "-" {
                    msgs.extend(replace(form.name.value(), ""));
                } else if !a.is_empty() {
                    msgs.extend(replace(form.name.value(), a));
                }
                msgs.extend(goto(row_of(WelcomeRow::Start)));
                msgs.push(Msg::Toggle);
                Answer::Msgs(msgs)
            }
        }
    }

    fn answer_invite(&self, form: &Individual, a: &str) -> Answer {
        if a == "0" {
            return Answer::Msgs(vec![Msg::Back]);
        }
        // The form's rows: 0 addresses, 1 teams, 2 workspace, 3 record.
        let row = |n: usize| {
            let mut m = vec![Msg::Up; crate::wizard::individual::ROWS];
            m.extend(std::iter::repeat_n(Msg::Down, n));
            m
        };
        match self.ask {
            Ask::Emails | Ask::Screen => {
                if a.is_empty() {
                    return if form.emails.value().trim().is_empty() {
                        Answer::Invalid
                    } else {
                        Answer::Next(Ask::Teams)
                    };
                }
                let mut msgs = row(0);
                msgs.extend(replace(form.emails.value(), a));
                Answer::Msgs(msgs)
            }
            Ask::Teams => {
                let mut msgs = row(1);
                if a == "-" {
                    msgs.extend(replace(form.teams.value(), ""));
                } else if !a.is_empty() {
                    msgs.extend(replace(form.teams.value(), a));
                }
                Answer::Msgs(msgs)
            }
            Ask::Workspace => {
                let mut msgs = row(2);
                if !a.is_empty() {
                    msgs.extend(replace(form.workspace.value(), a));
                }
                Answer::Msgs(msgs)
            }
            _ => match a {
                "r" => {
                    let mut msgs = row(crate::wizard::individual::RECORD_ROW);
                    msgs.push(Msg::Next);
                    Answer::Msgs(msgs)
                }
                "e" => Answer::Next(Ask::Emails),
                "" => Answer::Repeat,
                _ => Answer::Invalid,
            },
        }
    }

    /// Prints the current screen (and overlay): in full, or only what an answer changes.
    fn print_screen(&mut self, full: bool) -> io::Result<()> {
        let touched = self.touched.take();
        let mut lines = screen_lines(&self.wizard, self.ask, full, touched);
        lines.extend(overlay_lines(&self.wizard));
        self.say(&lines.join("\n"))
    }
}

/// Messages that replace the text of the focused field `old` with `new`: to its end, erase
/// it, paste the new text.
fn replace(old: &str, new: &str) -> Vec<Msg> {
    let n = old.chars().count();
    let mut msgs = vec![Msg::CursorRight; n];
    msgs.extend(std::iter::repeat_n(Msg::Backspace, n));
    if !new.is_empty() {
        msgs.push(Msg::Paste(new.to_string()));
    }
    msgs
}

/// Messages that put a list cursor on row `n` (0-based).
fn goto(n: usize) -> Vec<Msg> {
    let mut msgs = vec![Msg::Home];
    msgs.extend(std::iter::repeat_n(Msg::Down, n));
    msgs
}

/// The credentials question after `ask`.
fn next_cred(form: &CredentialForm, ask: Ask) -> Ask {
    match ask {
        Ask::Cred(i) if i + 1 < form.fields.len() => Ask::Cred(i + 1),
        Ask::Cred(_) => Ask::Remember,
        other => other,
    }
}

/// `a` as a number in `1..=max`.
fn number(a: &str, max: usize) -> Option<usize> {
    a.parse::<usize>().ok().filter(|n| (1..=max).contains(n))
}

fn team_text(w: &Wizard, form: &Individual) -> String {
    let teams = form.team_list();
    if teams.is_empty() {
        w.tr.t("csv.tui.ind-everyone").to_string()
    } else {
        sanitize(&teams.join(", "))
    }
}

/// A plain command: the TUI's key where it is a letter, so messages naming keys stay true.
struct Command {
    word: &'static str,
    msg: Msg,
    hint: &'static str,
    on: On,
}

#[derive(Clone, Copy)]
enum On {
    Hub,
    Step,
    StepWithVariants,
    StepWithChecks,
    InviteStep,
    Summary,
}

impl Command {
    fn applies(&self, w: &Wizard) -> bool {
        match (&w.screen, self.on) {
            (Screen::Hub(_), On::Hub) | (Screen::Summary, On::Summary) => true,
            (Screen::Step(_), On::Step) => true,
            (Screen::Step(v), On::StepWithVariants) => !w.guide.item(v.item).variants.is_empty(),
            (Screen::Step(v), On::StepWithChecks) => {
                !crate::wizard::live::checks_of(v.item).is_empty()
            }
            (Screen::Step(v), On::InviteStep) => v.item == ItemId::InviteUsers,
            _ => false,
        }
    }
}

macro_rules! cmd {
    ($word:literal, $msg:expr, $hint:literal, $on:expr) => {
        Command {
            word: $word,
            msg: $msg,
            hint: $hint,
            on: $on,
        }
    };
}

static COMMANDS: &[Command] = &[
    cmd!("c", Msg::Continue, "keys.continue", On::Hub),
    cmd!("r", Msg::EditSetup, "keys.edit-setup", On::Hub),
    cmd!("d", Msg::MarkDone, "keys.done", On::Step),
    cmd!("s", Msg::Skip, "keys.skip", On::Step),
    cmd!("b", Msg::Block, "keys.block", On::Step),
    cmd!("t", Msg::Todo, "keys.todo", On::Step),
    cmd!("v", Msg::CycleVariant, "keys.variant", On::StepWithVariants),
    cmd!("l", Msg::RunChecks, "keys.live", On::StepWithChecks),
    cmd!(
        "K",
        Msg::EditCredentials,
        "keys.credentials",
        On::StepWithChecks
    ),
    cmd!(
        "i",
        Msg::InviteIndividual,
        "keys.invite-individual",
        On::InviteStep
    ),
    cmd!("n", Msg::Next, "keys.next-step", On::Step),
    cmd!("0", Msg::Back, "keys.back-hub", On::Step),
    cmd!("0", Msg::Back, "keys.back-hub", On::Summary),
];

/// One live check's line: its status, name and verdict, or "not run yet".
fn check_line(w: &Wizard, id: CheckId) -> String {
    let tr = &w.tr;
    let name = tr.t(id.label_key());
    match w.progress.checks.get(&id) {
        Some(o) => {
            let when = o
                .finished_at
                .map(|ts| crate::present::short_time(ts, &w.tz))
                .unwrap_or_default();
            let detail = format!("{} ({when})", o.detail.render(tr));
            tr.f(
                "plain.live.line",
                &[
                    ("status", &tr.t(o.status.label_key())),
                    ("check", &name),
                    ("detail", &detail),
                ],
            )
        }
        None => tr.f(
            "plain.live.line",
            &[
                ("status", &" "),
                ("check", &name),
                ("detail", &tr.t("checks.tui.not-run")),
            ],
        ),
    }
}

/// The lines of the current screen. `full` is false after an answer that stayed on the same
/// screen: then a step shows its status line and the sub-step just ticked or unticked.
#[must_use]
fn screen_lines(w: &Wizard, ask: Ask, full: bool, touched: Option<usize>) -> Vec<String> {
    let tr = &w.tr;
    let mut out = Vec::new();
    match &w.screen {
        Screen::Welcome(form) => {
            out.push(tr.t("core.welcome.title").to_string());
            out.push(tr.t("core.welcome.intro").to_string());
            out.push(String::new());
            out.push(tr.t("core.welcome.lang").to_string());
            for (i, l) in Lang::ALL.iter().enumerate() {
                out.push(format!("{}. {}", i + 1, l.native_name()));
            }
            out.push(String::new());
            out.push(tr.t("plain.welcome.roles").to_string());
            for (i, r) in w.guide.roles().iter().enumerate() {
                out.push(tr.f(
                    "plain.welcome.role",
                    &[
                        ("n", &(i + 1)),
                        ("role", &tr.t(&r.name_key())),
                        (
                            "desc",
                            &tr.t(&format!("core.welcome.role-desc.{}", r.as_str())),
                        ),
                    ],
                ));
            }
            if !form.first_run {
                out.push(tr.t("plain.welcome.back").to_string());
            }
        }
        Screen::Hub(_) => {
            out.push(tr.f(
                "plain.hub.title",
                &[
                    ("app", &tr.t("core.app-title")),
                    ("title", &tr.t("core.hub.title")),
                ],
            ));
            out.push(ui::progress_line(w));
            for (i, item) in w.guide.items().iter().enumerate() {
                let (done, total) = w.progress.substep_counts(item);
                let st = w.progress.status(item.id);
                out.push(tr.f(
                    "plain.hub.row",
                    &[
                        ("n", &(i + 1)),
                        ("code", &code(w, item.id)),
                        ("title", &tr.t(&item.title_key())),
                        ("status", &tr.t(&format!("core.status.{}", st.as_str()))),
                        ("owner", &ui::hub::owner_text(w, item)),
                        ("done", &done),
                        ("total", &total),
                    ],
                ));
                if let Some(reason) = w
                    .progress
                    .items
                    .get(&item.id)
                    .and_then(|p| p.reason.as_deref())
                {
                    out.push(format!(
                        "   {}",
                        tr.f("core.hub.reason", &[("reason", &reason)])
                    ));
                }
            }
            match w.next_item() {
                Some(id) => out.push(tr.f(
                    "plain.hub.next",
                    &[
                        ("n", &(id.index() + 1)),
                        ("title", &tr.t(&w.guide.item(id).title_key())),
                    ],
                )),
                None => out.push(tr.t("plain.hub.all-done").to_string()),
            }
        }
        Screen::Step(v) => step_lines(w, v.item, full, touched, &mut out),
        Screen::Summary => summary_lines(w, &mut out),
        Screen::Individual(form) => {
            if full {
                out.push(tr.t("csv.tui.ind-title").to_string());
                out.push(tr.t("csv.tui.ind-emails").to_string());
            }
            if ask == Ask::Review {
                invite_review(w, form, &mut out);
            }
        }
        Screen::Preview(_) | Screen::Csv(_) | Screen::Handoff(_) => {}
    }
    out
}

/// The lines of the open overlay (a question), if any.
fn overlay_lines(w: &Wizard) -> Vec<String> {
    let tr = &w.tr;
    let mut out = Vec::new();
    let Some(o) = &w.overlay else {
        return out;
    };
    out.push(String::new());
    match o {
        Overlay::Confirm(action) => {
            let body = match action {
                ConfirmAction::MarkDoneAnyway { item, unticked } => tr.f(
                    "core.confirm.done-anyway",
                    &[
                        ("n", unticked),
                        ("item", &tr.t(&w.guide.item(*item).title_key())),
                    ],
                ),
                ConfirmAction::ExportCsv { rows } => tr.f("invites.confirm-export", &[("n", rows)]),
                ConfirmAction::RecordCsv { rows, path } => tr.f(
                    "invites.confirm-sent",
                    &[("n", rows), ("path", &crate::csv_text::safe(path))],
                ),
                ConfirmAction::RecordIndividual { count } => {
                    tr.f("csv.tui.confirm-individual", &[("n", count)])
                }
                ConfirmAction::TickProven { item, check, subs } => {
                    let it = w.guide.item(*item);
                    let names: Vec<&str> = subs
                        .iter()
                        .filter_map(|id| it.substeps.iter().find(|s| s.id == *id))
                        .map(|s| tr.t(&it.substep_key(s)))
                        .collect();
                    tr.f(
                        "checks.tui.tick-proven",
                        &[
                            ("check", &tr.t(check.label_key())),
                            ("n", &subs.len()),
                            ("subs", &names.join(" / ")),
                        ],
                    )
                }
            };
            out.push(body);
            out.push(tr.t("plain.confirm.answer").to_string());
        }
        Overlay::Reason {
            item,
            status,
            empty_error,
            ..
        } => {
            let key = if *status == Status::Skipped {
                "core.reason.skip-title"
            } else {
                "core.reason.block-title"
            };
            out.push(tr.t(key).to_string());
            if *empty_error {
                out.push(tr.t("core.reason.required").to_string());
            }
            out.push(tr.f(
                "core.reason.prompt",
                &[("item", &tr.t(&w.guide.item(*item).title_key()))],
            ));
        }
        Overlay::Credentials(form) => {
            out.push(
                tr.t(match form.system {
                    System::Marketo => "checks.form.title-marketo",
                    System::Salesforce => "checks.form.title-salesforce",
                })
                .to_string(),
            );
            out.push(tr.t("checks.form.intro").to_string());
            out.push(tr.t("plain.cred.hint").to_string());
        }
        Overlay::Help => {}
    }
    out
}

fn step_lines(w: &Wizard, id: ItemId, full: bool, touched: Option<usize>, out: &mut Vec<String>) {
    let tr = &w.tr;
    let item = w.guide.item(id);
    let p = w.progress.item(id);
    let (done, total) = w.progress.substep_counts(item);
    if full {
        out.push(tr.f(
            "plain.step.title",
            &[
                ("ordinal", &ui::hub::ordinal(w, id)),
                ("title", &tr.t(&item.title_key())),
            ],
        ));
    }
    let mut info = format!(
        "{} · {} · {} · {done}/{total}",
        ui::hub::owner_text(w, item),
        tr.t(&item.app.name_key()),
        tr.t(&format!("core.status.{}", p.status)),
    );
    if let Some(v) = w
        .progress
        .variant_of(item)
        .filter(|_| !item.variants.is_empty())
    {
        info.push_str(" · ");
        info.push_str(&tr.f("core.step.route", &[("route", &tr.t(&item.variant_key(v)))]));
    }
    out.push(info);
    if let Some(reason) = &p.reason {
        out.push(tr.f("core.hub.reason", &[("reason", reason)]));
    }
    if full {
        let unmet = w.progress.unmet_needs(item);
        if !unmet.is_empty() {
            let names: Vec<String> = unmet
                .iter()
                .map(|n| tr.t(&w.guide.item(*n).title_key()).to_string())
                .collect();
            out.push(tr.f("core.hub.needs", &[("items", &names.join(", "))]));
        }
        out.push(tr.t(&item.summary_key()).to_string());
        out.push(String::new());
    }
    if full {
        out.push(tr.t("plain.step.substeps").to_string());
    }
    for (i, s) in w.visible_substeps(id).iter().enumerate() {
        if !full && touched != Some(i) {
            continue;
        }
        let mark = if p.ticked.contains(&s.id) { "x" } else { " " };
        // "(optional)" first, as on the TUI's line: heard before the text, never cut after it.
        let text = if s.optional {
            format!(
                "({}) {}",
                tr.t("core.step.optional"),
                tr.t(&item.substep_key(s))
            )
        } else {
            tr.t(&item.substep_key(s)).to_string()
        };
        out.push(tr.f(
            "plain.step.row",
            &[("n", &(i + 1)), ("mark", &mark), ("text", &text)],
        ));
        if full && !s.path.is_empty() {
            out.push(format!(
                "   {} {}",
                tr.t("core.step.path"),
                s.path.join(" > ")
            ));
        }
    }
    if !full {
        return;
    }
    let checks = crate::wizard::live::checks_of(id);
    if !checks.is_empty() {
        out.push(String::new());
        for c in &checks {
            out.push(check_line(w, *c));
        }
        out.push(tr.t("plain.step.live-hint").to_string());
    }
    out.push(String::new());
    for n in &item.notes {
        let tag = match n.kind {
            NoteKind::Caution => tr.t("core.step.caution"),
            NoteKind::Info => tr.t("core.step.note"),
        };
        let source = crate::present::note_source(tr, item, n).unwrap_or_default();
        out.push(format!("{tag} {}{source}", tr.t(&item.note_key(n))));
    }
    for d in &item.docs {
        out.push(format!(
            "{} {}: {}",
            tr.t("core.step.doc"),
            tr.t(&format!("guide.doc.{}", d.id)),
            // The user's language edition, as the TUI links it.
            crate::domain::guide::doc_url(&d.url, tr.lang())
        ));
    }
}

fn summary_lines(w: &Wizard, out: &mut Vec<String>) {
    let tr = &w.tr;
    let roles = w.roles().to_vec();
    let mine = w.progress.tally(&w.guide, &roles);
    let names: Vec<&str> = roles.iter().map(|r| tr.t(&r.name_key())).collect();
    out.push(tr.f("core.summary.title", &[("roles", &names.join(" + "))]));
    out.push(tr.f(
        "core.summary.mine",
        &[("done", &mine.resolved), ("total", &mine.total)],
    ));
    let left: Vec<_> = w
        .guide
        .items()
        .iter()
        .filter(|i| !i.owned_by_any(&roles) && !w.progress.status(i.id).is_resolved())
        .collect();
    if left.is_empty() {
        out.push(tr.t("core.summary.all-done").to_string());
    } else {
        out.push(tr.t("core.summary.left").to_string());
        for item in left {
            let st = w.progress.status(item.id);
            out.push(format!(
                "- {}: {} ({}, {})",
                tr.t(&item.title_key()),
                tr.t(&format!("core.status.{}", st.as_str())),
                ui::hub::owner_text(w, item),
                item.id
            ));
        }
        out.push(tr.t("core.summary.handoff").to_string());
    }
}

/// Each typed address, and why it is left out when it is.
fn address_lines(w: &Wizard, form: &Individual, out: &mut Vec<String>) {
    let tr = &w.tr;
    for p in &w.individual_parsed(form) {
        let address = crate::csv_text::safe(&p.address);
        let why = match p.problem {
            None => {
                out.push(tr.f("plain.invite.address-ok", &[("address", &address)]));
                continue;
            }
            Some(AddressProblem::Invalid(e)) => tr.t(&format!("csv.email-problem.{}", e.as_str())),
            Some(AddressProblem::Repeated) => tr.t("csv.tui.ind-repeated"),
            Some(AddressProblem::AlreadyInvited) => tr.t("csv.tui.ind-already"),
        };
        out.push(tr.f(
            "plain.invite.address-bad",
            &[("address", &address), ("why", &why)],
        ));
    }
}

/// The invite before it is recorded: the addresses, teams, workspace and the text to paste.
fn invite_review(w: &Wizard, form: &Individual, out: &mut Vec<String>) {
    let tr = &w.tr;
    let parsed = w.individual_parsed(form);
    address_lines(w, form, out);
    let valid = parsed.iter().filter(|p| p.problem.is_none()).count();
    out.push(tr.f(
        "csv.tui.ind-summary",
        &[
            ("n", &valid),
            ("teams", &team_text(w, form)),
            ("workspace", &sanitize(form.workspace.value().trim())),
        ],
    ));
    if valid > 0 {
        out.push(tr.t("plain.invite.paste").to_string());
        out.push(crate::csv_text::safe(&w.paste_text(form)));
    }
    out.push(tr.t("plain.invite.review").to_string());
}

/// Short code of an item: P1, P2, 1..7 (as the hub shows it).
fn code(w: &Wizard, id: ItemId) -> String {
    let kind = w.guide.item(id).kind;
    let n = w.guide.items()[..=id.index()]
        .iter()
        .filter(|i| i.kind == kind)
        .count();
    match kind {
        Kind::Prerequisite => format!("P{n}"),
        Kind::Step => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_mode_is_the_flag_or_a_dumb_terminal() {
        assert!(wanted(true, None));
        assert!(wanted(true, Some("xterm")));
        assert!(wanted(false, Some("dumb")));
        assert!(!wanted(false, Some("xterm-256color")));
        assert!(!wanted(false, Some("dumber")));
        assert!(!wanted(false, None));
    }

    #[test]
    fn numbers_are_taken_only_in_range() {
        assert_eq!(number("1", 9), Some(1));
        assert_eq!(number("9", 9), Some(9));
        assert_eq!(number("0", 9), None);
        assert_eq!(number("10", 9), None);
        assert_eq!(number("-1", 9), None);
        assert_eq!(number("x", 9), None);
        assert_eq!(number("", 9), None);
    }

    #[test]
    fn replacing_a_field_erases_all_of_it_then_pastes() {
        assert_eq!(
            replace("ab", "xyz"),
            vec![
                Msg::CursorRight,
                Msg::CursorRight,
                Msg::Backspace,
                Msg::Backspace,
                Msg::Paste("xyz".to_string())
            ]
        );
        assert_eq!(replace("", ""), Vec::<Msg>::new());
        assert_eq!(goto(2), vec![Msg::Home, Msg::Down, Msg::Down]);
    }
}
