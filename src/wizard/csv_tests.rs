//! Transition tests of the invite screens (issue 4), driven through `update` with real engine
//! data: CSVs built as bytes here (one CP949 with Korean headers), sampled, sniffed and validated
//! by `domain::csv_intake`, and fed back as the messages the runtime would send. A small fake
//! runtime (`serve`) answers the file effects from an in-memory "disk". No terminal, disk or
//! clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, VecDeque};
use std::ops::ControlFlow;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::csvflow::{
    CsvFlow, CsvJobError, Exported, FileMeta, Finding, FlowError, IntakeRow, IntakeValue, Notice,
    Stage, StageKind,
};
use super::individual::{AddressProblem, FormError, RECORD_ROW, parse};
use super::*;
use crate::domain::csv_intake::{
    self as engine, Confidence, Field, HeaderChoice, Intake, Mapping, Options, Outputs, Remembered,
    Report, RowStatus, Sample, fingerprint, row_cells,
};
use crate::domain::guide::Guide;
use crate::domain::progress::{
    ColumnChoice, CsvFlow as SavedFlow, CsvStage, DelimiterChoice, EncodingChoice, InviteBatch,
    InviteSource, Progress, SavedCsvFlow, whole_seconds,
};
use crate::domain::text::{Catalog, Detail, Lang};
use crate::input;

// ---- fixtures ----

fn at(sec: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + sec).unwrap()
}

fn set_up() -> Progress {
    let mut p = Progress::default();
    p.setup.roles = vec![Role::MarketoAdmin];
    p.setup.name = Some("Ana".into());
    p
}

fn wizard_at(progress: Progress, lang: Lang, step: Option<&str>, remembered: Remembered) -> Wizard {
    let guide = Arc::new(Guide::embedded().unwrap());
    let tr = Catalog::load(lang).unwrap();
    let mut w = Wizard::new(
        guide,
        tr,
        progress,
        Start {
            step: step.map(|s| s.parse().unwrap()),
            remembered,
            ..Start::default()
        },
    );
    w.update(Msg::Resize(80, 24), at(0));
    w
}

/// On the invite-users step.
fn wizard(progress: Progress, lang: Lang) -> Wizard {
    wizard_at(progress, lang, Some("invite-users"), Remembered::new())
}

fn flow(w: &Wizard) -> &CsvFlow {
    match &w.screen {
        Screen::Csv(f) => f,
        other => panic!("not on the CSV flow: {other:?}"),
    }
}

fn stage(w: &Wizard) -> StageKind {
    flow(w).kind()
}

/// The problem shown, in the catalog's words (as the UI renders it, without escaping: the
/// values here hold no control characters).
fn error_text(w: &Wizard) -> Option<String> {
    Some(flow(w).error()?.message().render(&w.tr))
}

/// The validation report on the grid or the plan.
fn report(w: &Wizard) -> Option<Arc<Report>> {
    flow(w).checked().map(|c| Arc::clone(&c.report.0))
}

/// The grid's selected row.
fn cursor(w: &Wizard) -> usize {
    flow(w).checked().map(|c| c.rows.cursor()).unwrap()
}

/// Path completions offered on the picker.
fn completions(w: &Wizard) -> Vec<String> {
    match &flow(w).stage {
        Stage::Pick(p) => p.completions.clone(),
        other => panic!("not on the picker: {:?}", other.kind()),
    }
}

/// The flow as saved in `p`, every value known.
fn saved_flow(p: &Progress) -> SavedFlow {
    p.csv_flow
        .as_ref()
        .and_then(SavedCsvFlow::read)
        .cloned()
        .unwrap_or_else(|| panic!("no readable saved flow: {:?}", p.csv_flow))
}

fn send(w: &mut Wizard, msgs: &[Msg]) -> Vec<Effect> {
    let mut all = Vec::new();
    for m in msgs {
        all.extend(w.update(m.clone(), at(10)));
    }
    all
}

/// On the done screen: "I clicked Invite in the web app", then yes.
fn sent(w: &mut Wizard) -> Vec<Effect> {
    assert_eq!(stage(w), StageKind::Done);
    let mut effects = send(w, &[Msg::Next]);
    assert!(
        matches!(
            w.overlay,
            Some(Overlay::Confirm(ConfirmAction::RecordCsv { .. }))
        ),
        "{:?}",
        w.overlay
    );
    effects.extend(send(w, &[Msg::Yes]));
    effects
}

/// The addresses a batch appended to the journal.
fn journaled(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::AppendJournal(list) => Some(list.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// What the runtime does for `Effect::SearchCsv`, answered at once.
fn searched(w: &mut Wizard, effects: Vec<Effect>) {
    for e in effects {
        if let Effect::SearchCsv {
            ticket,
            text,
            report,
            view,
            from,
            needle,
            delimiter,
        } = e
        {
            let n = view.as_ref().map_or(report.rows.len(), |v| v.len());
            let offset = |pos: usize| {
                let idx = match &view {
                    Some(v) => *v.get(pos)? as usize,
                    None => pos,
                };
                report.rows.get(idx).map(|r| r.offset)
            };
            let needle = engine::Needle::new(&needle).unwrap();
            let found = engine::find_next(&text, delimiter, n, from, &needle, &offset, &mut |_| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
            w.update(Msg::CsvSearched { ticket, found }, at(11));
        }
    }
}

fn typed(w: &mut Wizard, text: &str) -> Vec<Effect> {
    let msgs: Vec<Msg> = text.chars().map(Msg::Input).collect();
    send(w, &msgs)
}

fn saves(effects: &[Effect]) -> Vec<&Progress> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save(p) => Some(p.as_ref()),
            _ => None,
        })
        .collect()
}

fn key(w: &Wizard, code: KeyCode) -> Option<Msg> {
    input::to_msg(w, KeyEvent::new(code, KeyModifiers::NONE))
}

const KOREAN: &str = "이름,성,이메일,팀,관리자 이메일\n\
    민준,김,minjun.kim@example.com,영업,boss@example.com\n\
    서연,이,seoyeon.lee@example.com,마케팅,boss@example.com\n\
    지호,박,not-an-address,영업,boss@example.com\n\
    하은,최,haeun.choi@example.com,,boss@example.com\n\
    민준,김,MINJUN.KIM@example.com,영업,boss@example.com\n\
    도윤,정,doyun.jung@example.com,영업,boss@example.com\n";

/// The valid, unique addresses of [`KOREAN`], in file order.
const KOREAN_VALID: [&str; 4] = [
    "minjun.kim@example.com",
    "seoyeon.lee@example.com",
    "haeun.choi@example.com",
    "doyun.jung@example.com",
];

fn cp949(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

const PLAIN: &str = "email,first_name,last_name,team\n\
    ana@example.com,Ana,Lee,Sales\n\
    bo@example.com,Bo,Kim,\n\
    not-an-address,Cy,Park,Ops\n\
    ana@example.com,Ana,Lee,Sales\n\
    dee@example.com,Dee,Wu,Ops\n";

/// Files the fake runtime can read: path → (bytes, facts).
#[derive(Default)]
struct Disk {
    files: BTreeMap<String, (Vec<u8>, FileMeta)>,
}

impl Disk {
    fn with(path: &str, bytes: Vec<u8>) -> Disk {
        let mut d = Disk::default();
        d.put(path, bytes, 1_700_000_000);
        d
    }

    fn put(&mut self, path: &str, bytes: Vec<u8>, modified: i64) {
        let meta = FileMeta {
            size: bytes.len() as u64,
            modified: Some(modified),
        };
        self.files.insert(path.to_string(), (bytes, meta));
    }

    fn bytes(&self, path: &str) -> &[u8] {
        &self.files[path].0
    }

    fn sample(&self, path: &str) -> Result<(Shared<Sample>, FileMeta), CsvJobError> {
        match self.files.get(path) {
            Some((bytes, meta)) => Ok((Shared(Arc::new(Sample::from_bytes(bytes))), *meta)),
            None => Err(CsvJobError::read(
                path,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            )),
        }
    }
}

/// What the runtime does for `Effect::ValidateCsv`: validate, then decode the text for the grid.
fn validated(
    bytes: &[u8],
    intake: &Intake,
    mapping: &Mapping,
    invited: &[String],
    seats: u64,
    teams: &[String],
) -> Result<(Shared<Report>, Shared<str>), CsvJobError> {
    let mut options = Options::new(invited, Some(seats));
    options.teams_recorded = teams.iter().map(|t| t.to_lowercase()).collect();
    let report = engine::validate(bytes, intake, mapping, &options, &mut |_| {
        ControlFlow::Continue(())
    })
    .map_err(|e| CsvJobError::rows("users.csv", e))?;
    let body = bytes.get(intake.encoding.bom_len..).unwrap_or_default();
    let (text, _) = intake.encoding.encoding.decode_without_bom_handling(body);
    Ok((Shared(Arc::new(report)), Shared(Arc::from(text.as_ref()))))
}

/// What the runtime does for `Effect::ExportCsv` (in memory; the real one is tested in
/// `app::csv_jobs`): the clean CSV, without the addresses already invited, and its addresses.
#[allow(clippy::too_many_arguments)]
fn exported(
    bytes: &[u8],
    out: &str,
    report_path: &str,
    intake: &Intake,
    mapping: &Mapping,
    report: &Report,
    limit: Option<u64>,
    left_out: Option<&str>,
) -> (Exported, String) {
    let (mut clean, mut emails, mut left) = (Vec::new(), Vec::new(), Vec::new());
    let outputs = Outputs {
        clean: Some(&mut clean),
        leave_out_invited: true,
        emails: Some(&mut emails),
        limit,
        left_out: Some(&mut left),
        default_workspace: Some("Default"),
        report: None,
    };
    let written = engine::write_outputs(bytes, intake, mapping, report, outputs, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    let done = Exported {
        clean: out.to_string(),
        report: report_path.to_string(),
        emails,
        left_out: left_out
            .filter(|_| written.left_out_rows > 0)
            .map(str::to_string),
        left_out_rows: written.left_out_rows,
    };
    (done, String::from_utf8(clean).unwrap())
}

/// The fake runtime: answers every file effect from `disk` (and the answers' effects, in turn)
/// until none is left. Returns every effect seen, in order; the clean CSV written, if any.
fn serve(w: &mut Wizard, disk: &Disk, effects: Vec<Effect>) -> (Vec<Effect>, Option<String>) {
    let mut queue: VecDeque<Effect> = effects.into();
    let mut seen = Vec::new();
    let mut clean = None;
    while let Some(e) = queue.pop_front() {
        let reply = match &e {
            Effect::LoadCsv { ticket, path } => Msg::CsvSampled {
                ticket: *ticket,
                result: disk.sample(path),
            },
            Effect::ValidateCsv {
                ticket,
                path,
                intake,
                mapping,
                invited,
                seats,
                teams_recorded,
            } => {
                let rows = disk.bytes(path).iter().filter(|b| **b == b'\n').count() as u64;
                // Progress first, as the runtime reports it.
                w.update(
                    Msg::CsvProgress {
                        ticket: *ticket,
                        bytes: 1,
                        rows,
                    },
                    at(20),
                );
                Msg::CsvValidated {
                    ticket: *ticket,
                    result: validated(
                        disk.bytes(path),
                        intake,
                        mapping,
                        invited,
                        *seats,
                        teams_recorded,
                    ),
                }
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
                let (done, text) = exported(
                    disk.bytes(path),
                    out,
                    report_path,
                    intake,
                    mapping,
                    report,
                    *limit,
                    left_out.as_deref(),
                );
                clean = Some(text);
                Msg::CsvExported {
                    ticket: *ticket,
                    result: Ok(done),
                }
            }
            _ => {
                seen.push(e);
                continue;
            }
        };
        seen.push(e);
        queue.extend(w.update(reply, at(30)));
    }
    (seen, clean)
}

/// Opens the CSV flow from the invite step and types `path`.
fn open_and_type(w: &mut Wizard, path: &str) {
    assert_eq!(key(w, KeyCode::Char('u')), Some(Msg::InviteCsv));
    let effects = send(w, &[Msg::InviteCsv]);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(stage(w), StageKind::Pick);
    typed(w, path);
    assert_eq!(flow(w).path.value(), path);
}

/// Picks `path` and serves the sample: ends on the intake screen.
fn to_intake(w: &mut Wizard, disk: &Disk, path: &str) -> Vec<Effect> {
    open_and_type(w, path);
    let effects = send(w, &[Msg::Next]);
    assert!(
        matches!(effects.as_slice(), [Effect::LoadCsv { path: p, .. }] if p == path),
        "{effects:?}"
    );
    assert_eq!(stage(w), StageKind::Loading);
    let (seen, _) = serve(w, disk, effects);
    assert_eq!(stage(w), StageKind::Intake, "error: {:?}", flow(w).error());
    seen
}

/// From the intake screen, confirm twice and serve the validation: ends on the grid.
fn to_grid(w: &mut Wizard, disk: &Disk) -> Vec<Effect> {
    let mut effects = send(w, &[Msg::Next]);
    assert_eq!(stage(w), StageKind::Mapping);
    effects.extend(send(w, &[Msg::Next]));
    let (seen, _) = serve(w, disk, effects);
    assert_eq!(stage(w), StageKind::Grid, "error: {:?}", flow(w).error());
    seen
}

fn mapped(w: &Wizard, field: Field) -> Option<(usize, Confidence)> {
    flow(w)
        .mapping()
        .and_then(|m| m.get(field))
        .map(|m| (m.column, m.confidence))
}

/// On the mapping screen: opens `field`'s choice list and picks `column` (`None`: "(none)"),
/// moving with Home/End and Down like a user.
fn choose_column(w: &mut Wizard, field: Field, column: Option<usize>) -> Vec<Effect> {
    let row = Field::ALL.iter().position(|f| *f == field).unwrap();
    let mut msgs = vec![Msg::Up; 5];
    msgs.extend(std::iter::repeat_n(Msg::Down, row));
    msgs.push(Msg::Toggle);
    match column {
        Some(c) => {
            msgs.push(Msg::Home);
            msgs.extend(std::iter::repeat_n(Msg::Down, c));
        }
        None => msgs.push(Msg::End),
    }
    msgs.push(Msg::Next);
    send(w, &msgs)
}

/// On the intake screen: opens `row`'s choice list and picks `value`.
fn choose_intake(w: &mut Wizard, row: IntakeRow, value: IntakeValue) -> Vec<Effect> {
    let n = [IntakeRow::Encoding, IntakeRow::Delimiter, IntakeRow::Header]
        .iter()
        .position(|r| *r == row)
        .unwrap();
    let values = flow(w).intake_values(row);
    let target = values
        .iter()
        .position(|v| *v == value)
        .unwrap_or_else(|| panic!("{value:?} not offered in {values:?}"));
    let mut msgs = vec![Msg::Up; 3];
    msgs.extend(std::iter::repeat_n(Msg::Down, n));
    msgs.push(Msg::Toggle);
    msgs.push(Msg::Home);
    msgs.extend(std::iter::repeat_n(Msg::Down, target));
    msgs.push(Msg::Next);
    send(w, &msgs)
}

// ---- the CSV flow ----

#[test]
fn a_cp949_korean_file_goes_from_pick_to_done_and_only_the_confirm_records_it() {
    let bytes = cp949(KOREAN);
    let disk = Disk::with("users.csv", bytes.clone());
    let mut w = wizard(set_up(), Lang::Ko);
    let mut all = to_intake(&mut w, &disk, "users.csv");

    // Intake: the encoding, delimiter and Korean headers as read.
    let i = flow(&w).intake().cloned().unwrap();
    assert_eq!(i.encoding.encoding, encoding_rs::EUC_KR);
    assert_eq!(i.dialect.delimiter, b',');
    assert_eq!(i.header_row, Some(1));
    assert_eq!(i.columns, ["이름", "성", "이메일", "팀", "관리자 이메일"]);
    assert_eq!(i.preview[0].cells[0], "민준");

    // Mapping: the Korean aliases; the manager's address is passed over.
    all.extend(send(&mut w, &[Msg::Next]));
    assert_eq!(stage(&w), StageKind::Mapping);
    assert_eq!(mapped(&w, Field::Email), Some((2, Confidence::Alias)));
    assert_eq!(mapped(&w, Field::FirstName), Some((0, Confidence::Alias)));
    assert_eq!(mapped(&w, Field::LastName), Some((1, Confidence::Alias)));
    assert_eq!(mapped(&w, Field::Team), Some((3, Confidence::Alias)));
    assert_eq!(mapped(&w, Field::Workspace), None);

    // Confirm the mapping: remembered, and validation starts (with progress).
    let effects = send(&mut w, &[Msg::Next]);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::SaveMappings(_))),
        "{effects:?}"
    );
    let Some(Effect::ValidateCsv {
        ticket,
        path,
        intake,
        mapping,
        invited,
        ..
    }) = effects
        .iter()
        .find(|e| matches!(e, Effect::ValidateCsv { .. }))
        .cloned()
    else {
        panic!("no validation: {effects:?}");
    };
    assert_eq!(path, "users.csv");
    assert_eq!(*intake, i);
    assert!(invited.is_empty());
    assert_eq!(stage(&w), StageKind::Loading);
    w.update(
        Msg::CsvProgress {
            ticket,
            bytes: 100,
            rows: 3,
        },
        at(11),
    );
    let run = *flow(&w).running().unwrap();
    assert_eq!(
        (run.bytes, run.rows, run.total),
        (100, 3, Some(bytes.len() as u64))
    );
    all.extend(effects);
    all.extend(w.update(
        Msg::CsvValidated {
            ticket,
            result: validated(&bytes, &intake, &mapping, &invited, 100, &[]),
        },
        at(12),
    ));

    // Grid: every row, with its status; the cells decoded from CP949.
    assert_eq!(stage(&w), StageKind::Grid);
    let c = flow(&w).checked().unwrap();
    let r = Arc::clone(&c.report.0);
    assert_eq!(
        (
            r.counts.rows,
            r.counts.valid,
            r.counts.invalid,
            r.counts.duplicates
        ),
        (6, 4, 1, 1)
    );
    assert_eq!(r.seats.needed, 4);
    assert_eq!(c.view_len(), 6);
    let first = row_cells(&c.text.0, r.rows[0].offset, b',');
    assert_eq!(first[..3], ["민준", "김", "minjun.kim@example.com"]);
    assert_eq!(r.rows[2].status, RowStatus::Invalid);
    assert_eq!(r.rows[4].status, RowStatus::Duplicate);

    // Plan: default paths next to the source; nothing recorded yet.
    all.extend(send(&mut w, &[Msg::Next]));
    assert_eq!(stage(&w), StageKind::Plan);
    assert_eq!(flow(&w).choices.out.value(), "users.invite.csv");
    assert_eq!(flow(&w).choices.report.value(), "users.report.csv");
    all.extend(send(&mut w, &[Msg::Next]));
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::ExportCsv { rows: 4 }))
    );
    assert!(w.progress.invites.is_empty());
    assert!(
        saves(&all).iter().all(|p| p.invites.is_empty()),
        "nothing is recorded as invited before the confirm"
    );

    // Confirm: the files are written, then the batch recorded.
    let effects = send(&mut w, &[Msg::Yes]);
    assert!(
        matches!(effects.as_slice(), [Effect::ExportCsv { out, report_path, .. }]
            if out == "users.invite.csv" && report_path == "users.report.csv"),
        "{effects:?}"
    );
    assert!(w.progress.invites.is_empty(), "not before the files exist");
    assert_eq!(stage(&w), StageKind::Loading);
    let (seen, clean) = serve(&mut w, &disk, effects);
    let clean = clean.unwrap();
    assert!(clean.starts_with("Email,First Name,Last Name,Team,Workspace\n"));
    assert!(
        clean.contains("minjun.kim@example.com,민준,김,영업,"),
        "{clean}"
    );
    assert_eq!(stage(&w), StageKind::Done);

    // Written is not sent: nothing recorded, only preparing the CSV ticked; the flow is saved
    // at the sent confirm.
    assert!(
        w.progress.invites.is_empty(),
        "writing the files is not inviting"
    );
    let item = w.progress.item(ItemId::InviteUsers);
    assert_eq!(item.variant.as_deref(), Some("csv"));
    assert_eq!(
        item.ticked.iter().map(String::as_str).collect::<Vec<_>>(),
        ["prepare-csv"]
    );
    let last = saves(&seen).last().copied().cloned().unwrap();
    assert_eq!(
        last.csv_flow
            .as_ref()
            .and_then(|f| f.read())
            .map(|f| f.stage),
        Some(CsvStage::Written)
    );
    assert!(last.invites.is_empty());
    let Stage::Done(done) = &flow(&w).stage else {
        panic!("not done");
    };
    assert!(!done.recorded);
    assert_eq!(done.exported.emails, KOREAN_VALID);

    // Enter asks "did you click Invite?"; yes records the batch.
    assert_eq!(key(&w, KeyCode::Enter), Some(Msg::Next));
    send(&mut w, &[Msg::Next]);
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::RecordCsv {
            rows: 4,
            path: "users.invite.csv".into()
        }))
    );
    assert!(w.progress.invites.is_empty(), "not before the answer");
    let seen = send(&mut w, &[Msg::Yes]);
    assert!(
        matches!(&seen[0], Effect::AppendJournal(list) if *list == KOREAN_VALID),
        "the addresses go to the journal first: {seen:?}"
    );
    let batch = &w.progress.invites[..];
    assert_eq!(batch.len(), 1);
    let b = &batch[0];
    assert_eq!(b.count, 4);
    assert!(b.emails.is_empty(), "progress.toml keeps the count only");
    assert_eq!(
        w.progress
            .invited_emails()
            .iter()
            .map(String::as_str)
            .collect::<std::collections::BTreeSet<_>>(),
        KOREAN_VALID.into_iter().collect()
    );
    assert_eq!(b.source, InviteSource::Csv);
    assert_eq!(b.file.as_deref(), Some("users.csv"));
    assert_eq!(b.by.as_deref(), Some("Ana"));
    assert_eq!(b.at, whole_seconds(at(10)));
    let item = w.progress.item(ItemId::InviteUsers);
    for s in [
        "prepare-csv",
        "open-settings",
        "open-user-management",
        "choose-invite-csv",
        "choose-file",
        "check-mapping",
        "confirm-csv",
    ] {
        assert!(item.ticked.contains(s), "{s} not ticked: {item:?}");
    }
    assert!(
        !item.ticked.contains("enter-emails"),
        "individual sub-steps stay"
    );
    let last = saves(&seen).last().copied().cloned().unwrap();
    assert_eq!(last.invites, w.progress.invites, "the batch is saved");
    assert_eq!(last.csv_flow, None, "the flow is over");
    assert_eq!(
        input::context(&w),
        input::Context::CsvRecorded,
        "Enter now leaves"
    );

    // Done → back to the step.
    let effects = send(&mut w, &[Msg::Next]);
    assert!(saves(&effects).iter().all(|p| p.csv_flow.is_none()));
    assert!(matches!(w.screen, Screen::Step(_)));
    assert_eq!(w.progress.csv_flow, None);
}

#[test]
fn intake_choices_re_read_the_sample_and_are_saved() {
    let disk = Disk::with("users.csv", PLAIN.as_bytes().to_vec());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    assert_eq!(flow(&w).intake().unwrap().columns.len(), 4);

    // `;`: the whole line is one column now.
    let effects = choose_intake(&mut w, IntakeRow::Delimiter, IntakeValue::Delimiter(b';'));
    let f = flow(&w);
    assert_eq!(f.choices.overrides.delimiter, Some(b';'));
    let i = f.intake().unwrap();
    assert_eq!(i.dialect.delimiter, b';');
    assert_eq!(i.columns, ["email,first_name,last_name,team"]);
    let saved = saved_flow(saves(&effects)[0]);
    assert_eq!(saved.delimiter, Some(DelimiterChoice(b';')));
    assert_eq!(saved.stage, CsvStage::Intake);

    // Back to `,`, then no header row: every row is data.
    choose_intake(&mut w, IntakeRow::Delimiter, IntakeValue::Delimiter(b','));
    let effects = choose_intake(&mut w, IntakeRow::Header, IntakeValue::Header(None));
    let f = flow(&w);
    assert_eq!(f.choices.overrides.header, Some(HeaderChoice::None));
    let i = f.intake().unwrap();
    assert_eq!(i.header_row, None);
    assert_eq!(i.preview[0].cells[0], "email");
    assert_eq!(
        saved_flow(saves(&effects)[0]).header_row,
        Some(HeaderChoice::None)
    );

    // Another encoding.
    choose_intake(
        &mut w,
        IntakeRow::Encoding,
        IntakeValue::Encoding(encoding_rs::UTF_16LE),
    );
    let f = flow(&w);
    assert_eq!(f.choices.overrides.encoding, Some(encoding_rs::UTF_16LE));
    assert_eq!(f.intake().unwrap().encoding.encoding, encoding_rs::UTF_16LE);

    // Esc closes a choice list without changing anything.
    let before = flow(&w).choices.overrides;
    send(&mut w, &[Msg::Toggle, Msg::Down]);
    assert_eq!(key(&w, KeyCode::Esc), Some(Msg::Back));
    send(&mut w, &[Msg::Back]);
    let Stage::Intake(st) = &flow(&w).stage else {
        panic!("not on the intake");
    };
    assert!(st.choosing.is_none());
    assert_eq!(flow(&w).choices.overrides, before);
}

#[test]
fn changing_the_intake_after_validation_validates_again() {
    let text = PLAIN.replace("Dee,Wu", "Zoë,Wu");
    let disk = Disk::with("users.csv", text.into_bytes());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    let cells = |w: &Wizard| {
        let c = flow(w).checked().unwrap();
        row_cells(&c.text.0, c.report.0.rows[4].offset, b',')[1].clone()
    };
    assert_eq!(cells(&w), "Zoë");
    // Back to the intake and read the file as windows-1252: the grid must show that reading.
    send(&mut w, &[Msg::Back, Msg::Back]);
    assert_eq!(stage(&w), StageKind::Intake);
    choose_intake(
        &mut w,
        IntakeRow::Encoding,
        IntakeValue::Encoding(encoding_rs::WINDOWS_1252),
    );
    let mut effects = send(&mut w, &[Msg::Next]);
    assert_eq!(stage(&w), StageKind::Mapping);
    effects.extend(send(&mut w, &[Msg::Next]));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ValidateCsv { .. })),
        "the old report belongs to another reading of the file: {effects:?}"
    );
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Grid);
    assert_eq!(cells(&w), "ZoÃ«");

    // Choosing the value already in use changes nothing: the grid is still valid.
    send(&mut w, &[Msg::Back, Msg::Back]);
    choose_intake(
        &mut w,
        IntakeRow::Encoding,
        IntakeValue::Encoding(encoding_rs::WINDOWS_1252),
    );
    let effects = send(&mut w, &[Msg::Next, Msg::Next]);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ValidateCsv { .. }))
    );
    assert_eq!(stage(&w), StageKind::Grid);
}

#[test]
fn back_and_forth_keeps_the_manual_mapping_and_the_overrides() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let mut w = wizard(set_up(), Lang::Ko);
    to_intake(&mut w, &disk, "users.csv");
    choose_intake(
        &mut w,
        IntakeRow::Encoding,
        IntakeValue::Encoding(encoding_rs::EUC_KR),
    );
    send(&mut w, &[Msg::Next]);
    assert_eq!(stage(&w), StageKind::Mapping);
    choose_column(&mut w, Field::Team, None);
    choose_column(&mut w, Field::Workspace, Some(3));
    assert_eq!(mapped(&w, Field::Team), None);
    assert_eq!(mapped(&w, Field::Workspace), Some((3, Confidence::Manual)));
    let mapping = flow(&w).mapping().cloned();
    let overrides = flow(&w).choices.overrides;
    assert_eq!(overrides.encoding, Some(encoding_rs::EUC_KR));

    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Grid);
    let first = report(&w).unwrap();
    send(&mut w, &[Msg::Down, Msg::Down]);
    assert_eq!(cursor(&w), 2);

    // Grid → mapping → intake → mapping → grid: the same choices, no new validation, and
    // each screen as it was left (the focused row and field, the grid's row).
    send(&mut w, &[Msg::Back]);
    assert_eq!(stage(&w), StageKind::Mapping);
    assert_eq!(flow(&w).mapping().cloned(), mapping);
    let Stage::Mapping(m) = &flow(&w).stage else {
        unreachable!()
    };
    assert_eq!(m.view.field, Field::Workspace, "the field chosen last");
    send(&mut w, &[Msg::Back]);
    assert_eq!(stage(&w), StageKind::Intake);
    assert_eq!(flow(&w).choices.overrides, overrides);
    let Stage::Intake(i) = &flow(&w).stage else {
        unreachable!()
    };
    assert_eq!(i.view.row, IntakeRow::Encoding, "the row chosen last");
    let effects = send(&mut w, &[Msg::Next]);
    assert_eq!(stage(&w), StageKind::Mapping);
    assert_eq!(flow(&w).mapping().cloned(), mapping);
    let effects2 = send(&mut w, &[Msg::Next]);
    assert!(
        !effects
            .iter()
            .chain(&effects2)
            .any(|e| matches!(e, Effect::ValidateCsv { .. }))
    );
    assert_eq!(stage(&w), StageKind::Grid);
    assert!(Arc::ptr_eq(&report(&w).unwrap(), &first));
    assert_eq!(cursor(&w), 2);
    let saved = saved_flow(&w.progress);
    assert_eq!(saved.stage, CsvStage::Grid);
    assert_eq!(saved.encoding, Some(EncodingChoice(encoding_rs::EUC_KR)));
    assert_eq!(saved.mapping.get(&Field::Team), Some(&ColumnChoice::None));
    assert_eq!(
        saved.mapping.get(&Field::Workspace),
        Some(&ColumnChoice::Column(3))
    );
    let text = w.progress.to_toml().unwrap();
    assert!(
        text.contains("encoding = \"EUC-KR\"\n") && text.contains("team = 0\nworkspace = 4\n"),
        "the same words as before in the file: {text}"
    );
    // Plan → grid keeps the plan's paths.
    send(&mut w, &[Msg::Next, Msg::Up, Msg::Up]);
    typed(&mut w, "-x");
    send(&mut w, &[Msg::Back]);
    send(&mut w, &[Msg::Next]);
    assert_eq!(flow(&w).choices.out.value(), "users.invite.csv-x");
}

#[test]
fn esc_while_loading_cancels_and_a_late_result_is_ignored() {
    let bytes = PLAIN.as_bytes().to_vec();
    let disk = Disk::with("users.csv", bytes.clone());
    let mut w = wizard(set_up(), Lang::En);

    // While sampling: back to the picker.
    open_and_type(&mut w, "users.csv");
    let effects = send(&mut w, &[Msg::Next]);
    let Some(Effect::LoadCsv { ticket, .. }) = effects.first().cloned() else {
        panic!("{effects:?}");
    };
    assert_eq!(key(&w, KeyCode::Esc), Some(Msg::Back));
    assert_eq!(
        send(&mut w, &[Msg::Back]),
        vec![Effect::CancelCsv { ticket }]
    );
    assert_eq!(stage(&w), StageKind::Pick);
    let late = w.update(
        Msg::CsvSampled {
            ticket,
            result: disk.sample("users.csv"),
        },
        at(1),
    );
    assert!(late.is_empty());
    assert_eq!(stage(&w), StageKind::Pick);
    assert_eq!(flow(&w).intake(), None);

    // While validating: back to the mapping; a late report is dropped.
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, &disk, effects);
    let effects = send(&mut w, &[Msg::Next, Msg::Next]);
    let Some(Effect::ValidateCsv {
        ticket,
        intake,
        mapping,
        invited,
        ..
    }) = effects
        .iter()
        .find(|e| matches!(e, Effect::ValidateCsv { .. }))
        .cloned()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(
        send(&mut w, &[Msg::Back]),
        vec![Effect::CancelCsv { ticket }]
    );
    assert_eq!(stage(&w), StageKind::Mapping);
    w.update(
        Msg::CsvProgress {
            ticket,
            bytes: 9,
            rows: 9,
        },
        at(2),
    );
    let late = w.update(
        Msg::CsvValidated {
            ticket,
            result: validated(&bytes, &intake, &mapping, &invited, 100, &[]),
        },
        at(2),
    );
    assert!(late.is_empty());
    assert_eq!(stage(&w), StageKind::Mapping);
    let Stage::Mapping(m) = &flow(&w).stage else {
        unreachable!()
    };
    assert!(m.checked.is_none());
    assert!(w.progress.invites.is_empty());
    // Going on starts a new run with a new ticket.
    let effects = send(&mut w, &[Msg::Next]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ValidateCsv { ticket: t, .. } if *t != ticket))
    );
}

/// Drives a flow to the grid with overrides and manual choices; returns the progress as saved
/// (through TOML, as the file would hold it) and the flow.
fn grid_with_choices(disk: &Disk) -> (Progress, CsvFlow) {
    let mut w = wizard(set_up(), Lang::Ko);
    to_intake(&mut w, disk, "users.csv");
    choose_intake(
        &mut w,
        IntakeRow::Encoding,
        IntakeValue::Encoding(encoding_rs::EUC_KR),
    );
    choose_intake(&mut w, IntakeRow::Delimiter, IntakeValue::Delimiter(b','));
    send(&mut w, &[Msg::Next]);
    choose_column(&mut w, Field::Team, None);
    choose_column(&mut w, Field::FirstName, Some(0));
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, disk, effects);
    assert_eq!(stage(&w), StageKind::Grid);
    let text = w.progress.to_toml().unwrap();
    (Progress::from_toml(&text).unwrap(), flow(&w).clone())
}

#[test]
fn resume_at_the_grid_reads_and_validates_again_with_the_same_choices() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let (progress, before) = grid_with_choices(&disk);
    let saved = progress.csv_flow.clone().unwrap();
    let typed = saved.read().unwrap();
    assert_eq!(typed.stage, CsvStage::Grid);
    assert_eq!(typed.mapping.get(&Field::Team), Some(&ColumnChoice::None));
    assert_eq!(
        typed.mapping.get(&Field::FirstName),
        Some(&ColumnChoice::Column(0))
    );

    // A new session opens on the hub and resumes right after the first frame.
    let mut w = wizard_at(progress, Lang::Ko, None, Remembered::new());
    assert!(matches!(w.screen, Screen::Hub(_)));
    let effects = w.startup_effects();
    assert!(
        matches!(effects.as_slice(), [Effect::LoadCsv { path, .. }] if path == "users.csv"),
        "{effects:?}"
    );
    assert_eq!(stage(&w), StageKind::Loading);

    // The sample arrives: validation starts at once. Quitting now would resume at the grid
    // with the same choices: what is saved meanwhile says so.
    let Some(Effect::LoadCsv { ticket, .. }) = effects.first().cloned() else {
        unreachable!()
    };
    let effects = w.update(
        Msg::CsvSampled {
            ticket,
            result: disk.sample("users.csv"),
        },
        at(1),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ValidateCsv { .. })),
        "{effects:?}"
    );
    assert_eq!(stage(&w), StageKind::Loading);
    for p in saves(&effects) {
        assert_eq!(p.csv_flow.as_ref(), Some(&saved), "saved while resuming");
    }
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Grid);
    let f = flow(&w);
    assert_eq!(f.choices, before.choices);
    assert_eq!(f.mapping(), before.mapping());
    assert_eq!(mapped(&w, Field::FirstName), Some((0, Confidence::Manual)));
    assert_eq!(mapped(&w, Field::Team), None);
    assert_eq!(
        report(&w).unwrap().counts,
        before.checked().unwrap().report.0.counts
    );
    assert_eq!(f.notice, None, "same size and time: nothing to say");
    assert_eq!(w.progress.csv_flow.as_ref(), Some(&saved));
    assert!(w.progress.invites.is_empty());
}

#[test]
fn resume_at_the_plan_and_at_the_mapping() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let (mut progress, _) = grid_with_choices(&disk);
    let mut saved = saved_flow(&progress);
    saved.stage = CsvStage::Plan;
    saved.out = Some("out/clean.csv".into());
    progress.csv_flow = Some(SavedCsvFlow::Read(saved.clone()));
    let mut w = wizard_at(progress.clone(), Lang::Ko, None, Remembered::new());
    let effects = w.startup_effects();
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Plan);
    assert_eq!(flow(&w).choices.out.value(), "out/clean.csv");

    saved.stage = CsvStage::Mapping;
    progress.csv_flow = Some(SavedCsvFlow::Read(saved));
    let mut w = wizard_at(progress, Lang::Ko, None, Remembered::new());
    let effects = w.startup_effects();
    let (seen, _) = serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Mapping);
    assert!(!seen.iter().any(|e| matches!(e, Effect::ValidateCsv { .. })));
    assert_eq!(mapped(&w, Field::Team), None);
}

#[test]
fn a_changed_file_is_said_on_resume() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let (progress, _) = grid_with_choices(&disk);
    let mut changed = Disk::default();
    let mut text = KOREAN.to_string();
    text.push_str("서준,윤,seojun.yoon@example.com,영업,boss@example.com\n");
    changed.put("users.csv", cp949(&text), 1_700_000_500);

    let mut w = wizard_at(progress, Lang::En, None, Remembered::new());
    let effects = w.startup_effects();
    serve(&mut w, &changed, effects);
    assert_eq!(stage(&w), StageKind::Grid);
    let f = flow(&w);
    assert_eq!(f.notice, Some(Notice::FileChanged));
    assert_eq!(report(&w).unwrap().counts.rows, 7, "the new row is read");
    let saved = saved_flow(&w.progress);
    assert_eq!(saved.size, Some(changed.files["users.csv"].1.size));
    assert_eq!(saved.modified, Some(1_700_000_500));

    // Only the modification time changed: still said.
    let (progress, _) = grid_with_choices(&disk);
    let mut touched = Disk::default();
    touched.put("users.csv", cp949(KOREAN), 1_700_000_001);
    let mut w = wizard_at(progress, Lang::En, None, Remembered::new());
    let effects = w.startup_effects();
    serve(&mut w, &touched, effects);
    assert!(flow(&w).notice.is_some());
}

#[test]
fn a_vanished_file_lands_on_the_picker_with_the_error() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let (progress, _) = grid_with_choices(&disk);
    let mut w = wizard_at(progress, Lang::En, None, Remembered::new());
    let effects = w.startup_effects();
    let (seen, _) = serve(&mut w, &Disk::default(), effects);
    assert!(!seen.iter().any(|e| matches!(e, Effect::ValidateCsv { .. })));
    assert_eq!(stage(&w), StageKind::Pick);
    let f = flow(&w);
    assert!(
        matches!(f.error(), Some(FlowError::Job(CsvJobError::Read { path, .. })) if path == "users.csv"),
        "{:?}",
        f.error()
    );
    assert_eq!(
        error_text(&w).as_deref(),
        Some("`users.csv` does not exist. Check the path (Tab completes).")
    );
    assert_eq!(f.path.value(), "users.csv", "the path stays, to fix it");
    // A file opened by hand now does not jump to the old stage.
    let disk = Disk::with("users.csv", PLAIN.as_bytes().to_vec());
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Intake);
    assert_eq!(flow(&w).error(), None);
}

#[test]
fn a_re_run_with_everything_already_invited_refuses_to_confirm() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let mut p = set_up();
    p.record_invites(InviteBatch {
        at: at(-100),
        by: Some("Ana".into()),
        source: InviteSource::Csv,
        file: Some("users.csv".into()),
        teams: Vec::new(),
        workspace: None,
        count: 0,
        // Any case: the comparison ignores it.
        emails: KOREAN_VALID.iter().map(|e| e.to_uppercase()).collect(),
    });
    let mut w = wizard(p.clone(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    let effects = send(&mut w, &[Msg::Next, Msg::Next]);
    let invited = effects.iter().find_map(|e| match e {
        Effect::ValidateCsv { invited, .. } => Some(invited.clone()),
        _ => None,
    });
    let mut want: Vec<String> = KOREAN_VALID.iter().map(|e| e.to_string()).collect();
    want.sort();
    assert_eq!(invited, Some(want));
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Grid);
    let r = report(&w).unwrap();
    assert_eq!(r.counts.valid, 4);
    assert_eq!(r.seats.needed, 0);

    send(&mut w, &[Msg::Next]);
    assert_eq!(stage(&w), StageKind::Plan);
    let effects = send(&mut w, &[Msg::Next]);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(w.overlay, None, "no confirm for nothing");
    assert_eq!(flow(&w).error(), Some(&FlowError::NothingNew));
    assert_eq!(w.progress.invites, p.invites, "nothing new recorded");
    // Esc clears the error on the way back.
    send(&mut w, &[Msg::Back]);
    assert_eq!(flow(&w).error(), None);

    // Half of them invited before: the plan offers the other half only.
    let mut p = set_up();
    p.record_invites(InviteBatch {
        at: at(-100),
        by: None,
        source: InviteSource::Individual,
        file: None,
        teams: Vec::new(),
        workspace: None,
        count: 0,
        emails: KOREAN_VALID[..2].iter().map(|e| e.to_string()).collect(),
    });
    let mut w = wizard(p, Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    send(&mut w, &[Msg::Next, Msg::Next]);
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::ExportCsv { rows: 2 }))
    );
    let effects = send(&mut w, &[Msg::Yes]);
    let (_, clean) = serve(&mut w, &disk, effects);
    let effects = sent(&mut w);
    assert_eq!(w.progress.invites.len(), 2);
    assert_eq!(w.progress.invites[1].count, 2);
    assert_eq!(journaled(&effects), KOREAN_VALID[2..]);
    let clean = clean.unwrap();
    assert!(!clean.contains("minjun"), "{clean}");
}

#[test]
fn a_fuzzy_email_column_is_never_accepted_silently() {
    let disk = Disk::with(
        "contacts.csv",
        b"contact,name\nana@example.com,Ana\nbo@example.com,Bo\n".to_vec(),
    );
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "contacts.csv");
    send(&mut w, &[Msg::Next]);
    assert_eq!(mapped(&w, Field::Email), Some((0, Confidence::Fuzzy)));
    let effects = send(&mut w, &[Msg::Next]);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(stage(&w), StageKind::Mapping);
    assert_eq!(flow(&w).error(), Some(&FlowError::FuzzyEmail));
    // "(none)" is not offered for Email: it stays fuzzy.
    choose_column(&mut w, Field::Email, None);
    assert_eq!(mapped(&w, Field::Email), Some((0, Confidence::Fuzzy)));
    assert!(send(&mut w, &[Msg::Next]).is_empty());
    // Chosen by hand: accepted.
    choose_column(&mut w, Field::Email, Some(0));
    assert_eq!(mapped(&w, Field::Email), Some((0, Confidence::Manual)));
    assert_eq!(flow(&w).error(), None);
    let effects = send(&mut w, &[Msg::Next]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ValidateCsv { .. }))
    );
}

#[test]
fn a_file_without_an_email_column_asks_for_one() {
    let disk = Disk::with("names.csv", b"first,last\nAna,Lee\nBo,Kim\n".to_vec());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "names.csv");
    send(&mut w, &[Msg::Next]);
    assert_eq!(mapped(&w, Field::Email), None);
    assert!(send(&mut w, &[Msg::Next]).is_empty());
    assert_eq!(flow(&w).error(), Some(&FlowError::NeedEmail));
}

#[test]
fn a_confirmed_mapping_is_remembered_for_the_same_headers_in_any_order_or_case() {
    let disk = Disk::with("a.csv", PLAIN.as_bytes().to_vec());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "a.csv");
    send(&mut w, &[Msg::Next]);
    // Team → none, workspace ← the team column, by hand.
    choose_column(&mut w, Field::Team, None);
    choose_column(&mut w, Field::Workspace, Some(3));
    let effects = send(&mut w, &[Msg::Next]);
    let remembered = effects
        .iter()
        .find_map(|e| match e {
            Effect::SaveMappings(m) => Some((**m).clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("not remembered: {effects:?}"));
    let key = fingerprint(&[
        "email".into(),
        "first_name".into(),
        "last_name".into(),
        "team".into(),
    ]);
    let fields = &remembered[&key];
    assert_eq!(fields["email"], "email");
    assert_eq!(fields["first_name"], "first_name");
    assert_eq!(fields["workspace"], "team");
    assert_eq!(fields["team"], "", "no column, remembered as such");
    // Confirming the same mapping again writes nothing new.
    serve(&mut w, &disk, effects);
    send(&mut w, &[Msg::Back]);
    choose_column(&mut w, Field::Email, Some(0));
    let effects = send(&mut w, &[Msg::Next]);
    let (seen, _) = serve(&mut w, &disk, effects);
    assert!(!seen.iter().any(|e| matches!(e, Effect::SaveMappings(_))));

    // The same headers, in another order and case, in a new session.
    let other = "TEAM,Last_Name,EMAIL,First_Name\nSales,Lee,ana@example.com,Ana\n";
    let disk = Disk::with("b.csv", other.as_bytes().to_vec());
    let mut w = wizard_at(set_up(), Lang::En, Some("invite-users"), remembered);
    to_intake(&mut w, &disk, "b.csv");
    send(&mut w, &[Msg::Next]);
    assert_eq!(mapped(&w, Field::Email), Some((2, Confidence::Remembered)));
    assert_eq!(
        mapped(&w, Field::FirstName),
        Some((3, Confidence::Remembered))
    );
    assert_eq!(
        mapped(&w, Field::Workspace),
        Some((0, Confidence::Remembered))
    );
    assert_eq!(mapped(&w, Field::Team), None, "the removed mapping too");

    // Only Team removed: next time it stays removed (not suggested again).
    let disk = Disk::with("d.csv", PLAIN.as_bytes().to_vec());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "d.csv");
    send(&mut w, &[Msg::Next]);
    assert_eq!(mapped(&w, Field::Team), Some((3, Confidence::Exact)));
    choose_column(&mut w, Field::Team, None);
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, &disk, effects);
    let mut w = wizard_at(
        set_up(),
        Lang::En,
        Some("invite-users"),
        w.remembered.clone(),
    );
    to_intake(&mut w, &disk, "d.csv");
    send(&mut w, &[Msg::Next]);
    assert_eq!(mapped(&w, Field::Email), Some((0, Confidence::Remembered)));
    assert_eq!(mapped(&w, Field::Team), None);
    assert_eq!(mapped(&w, Field::Workspace), None);

    // Other headers: the plain suggestion.
    let disk = Disk::with("c.csv", b"email,first_name\nana@example.com,Ana\n".to_vec());
    let mut w = wizard_at(
        set_up(),
        Lang::En,
        Some("invite-users"),
        w.remembered.clone(),
    );
    to_intake(&mut w, &disk, "c.csv");
    send(&mut w, &[Msg::Next]);
    assert_eq!(mapped(&w, Field::Email), Some((0, Confidence::Exact)));
}

#[test]
fn tab_completes_one_candidate_or_the_common_prefix() {
    let mut w = wizard(set_up(), Lang::En);
    open_and_type(&mut w, "da");
    assert_eq!(
        send(&mut w, &[Msg::FocusNext]),
        vec![Effect::CompletePath {
            partial: "da".into()
        }]
    );
    w.update(
        Msg::PathCompletions {
            partial: "da".into(),
            list: vec!["data/".into()],
        },
        at(1),
    );
    assert_eq!(flow(&w).path.value(), "data/");
    assert!(completions(&w).is_empty());

    w.update(
        Msg::PathCompletions {
            partial: "data/".into(),
            list: vec![
                "data/users-2025.csv".into(),
                "data/users-2026.csv".into(),
                "data/사용자.csv".into(),
            ],
        },
        at(2),
    );
    assert_eq!(flow(&w).path.value(), "data/", "no longer common prefix");
    assert_eq!(completions(&w).len(), 3);
    w.update(
        Msg::PathCompletions {
            partial: "data/".into(),
            list: vec!["data/users-2025.csv".into(), "data/users-2026.csv".into()],
        },
        at(3),
    );
    assert_eq!(flow(&w).path.value(), "data/users-202");
    // Typing goes on at the end and clears the list.
    typed(&mut w, "6.csv");
    assert_eq!(flow(&w).path.value(), "data/users-2026.csv");
    assert!(completions(&w).is_empty());
    // A late answer for what was typed before is dropped.
    w.update(
        Msg::PathCompletions {
            partial: "da".into(),
            list: vec!["dance.csv".into()],
        },
        at(4),
    );
    assert_eq!(flow(&w).path.value(), "data/users-2026.csv");
    // Esc leaves to the step; nothing recorded.
    send(&mut w, &[Msg::Back]);
    assert!(matches!(w.screen, Screen::Step(_)));
    assert!(w.progress.csv_flow.is_none());
}

/// A Tab that finds nothing takes away the candidates shown for an earlier Tab.
#[test]
fn a_completion_with_no_candidate_clears_the_list_shown_before() {
    let mut w = wizard(set_up(), Lang::En);
    open_and_type(&mut w, "data/");
    w.update(
        Msg::PathCompletions {
            partial: "data/".into(),
            list: vec!["data/a.csv".into(), "data/b.csv".into()],
        },
        at(1),
    );
    assert_eq!(completions(&w).len(), 2);
    w.update(
        Msg::PathCompletions {
            partial: "data/".into(),
            list: Vec::new(),
        },
        at(2),
    );
    assert!(completions(&w).is_empty(), "{:?}", completions(&w));
    assert_eq!(flow(&w).path.value(), "data/", "the path stays as typed");
}

#[test]
fn the_grid_filters_jumps_and_searches() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let mut w = wizard(set_up(), Lang::Ko);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    assert_eq!(key(&w, KeyCode::Char('n')), Some(Msg::NextProblem));
    assert_eq!(key(&w, KeyCode::Char('f')), Some(Msg::ToggleProblems));
    // n: rows 3 (invalid) and 5 (duplicate), round and round.
    send(&mut w, &[Msg::NextProblem]);
    assert_eq!(cursor(&w), 2);
    send(&mut w, &[Msg::NextProblem]);
    assert_eq!(cursor(&w), 4);
    send(&mut w, &[Msg::NextProblem]);
    assert_eq!(cursor(&w), 2);
    // f: only those two.
    send(&mut w, &[Msg::ToggleProblems]);
    let c = flow(&w).checked().unwrap();
    assert_eq!(c.view_len(), 2);
    assert_eq!(c.view_row(1), Some(4));
    assert_eq!(c.view_row(2), None);
    send(&mut w, &[Msg::End, Msg::Down]);
    assert_eq!(cursor(&w), 1);
    send(&mut w, &[Msg::ToggleProblems]);
    assert_eq!(flow(&w).checked().unwrap().view_len(), 6);
    // /: find a name (the cells are decoded), Enter jumps; Esc clears.
    assert_eq!(key(&w, KeyCode::Char('/')), Some(Msg::Search));
    send(&mut w, &[Msg::Search]);
    assert_eq!(key(&w, KeyCode::Char('q')), Some(Msg::Input('q')));
    typed(&mut w, "하은");
    let e = send(&mut w, &[Msg::Next]);
    searched(&mut w, e);
    assert_eq!(cursor(&w), 3);
    assert!(!flow(&w).checked().unwrap().searching);
    send(&mut w, &[Msg::Search, Msg::Back]);
    assert_eq!(flow(&w).checked().unwrap().search.value(), "");
    send(&mut w, &[Msg::PageDown]);
    assert_eq!(cursor(&w), 5);
    send(&mut w, &[Msg::Home]);
    assert_eq!(cursor(&w), 0);
}

#[test]
fn the_invite_step_offers_both_routes_and_other_steps_do_not() {
    let w = wizard(set_up(), Lang::En);
    assert_eq!(key(&w, KeyCode::Char('i')), Some(Msg::InviteIndividual));
    assert_eq!(key(&w, KeyCode::Char('u')), Some(Msg::InviteCsv));
    let hints = input::footer_hints(&w);
    let hints: Vec<&str> = hints.iter().map(|h| h.0.as_str()).collect();
    assert!(hints.contains(&"i") && hints.contains(&"u"), "{hints:?}");
    let mut other = wizard_at(
        set_up(),
        Lang::En,
        Some("connect-marketo"),
        Remembered::new(),
    );
    assert_eq!(key(&other, KeyCode::Char('u')), None);
    send(&mut other, &[Msg::InviteCsv, Msg::InviteIndividual]);
    assert!(matches!(other.screen, Screen::Step(_)));
}

// ---- individual invites ----

#[test]
fn addresses_split_on_any_separator_and_each_is_checked() {
    let invited: std::collections::BTreeSet<String> = ["old@example.com".to_string()].into();
    let parsed = parse(
        "ana@example.com, bo@example.com;cy@example.com\n\
         dee@example.com\t bad@@example.com  ANA@example.com Old@Example.com no-at",
        &invited,
    );
    let got: Vec<(&str, Option<AddressProblem>)> = parsed
        .iter()
        .map(|p| (p.address.as_str(), p.problem))
        .collect();
    assert_eq!(
        got,
        [
            ("ana@example.com", None),
            ("bo@example.com", None),
            ("cy@example.com", None),
            ("dee@example.com", None),
            (
                "bad@@example.com",
                Some(AddressProblem::Invalid(engine::EmailProblem::ManyAt))
            ),
            ("ANA@example.com", Some(AddressProblem::Repeated)),
            ("Old@Example.com", Some(AddressProblem::AlreadyInvited)),
            (
                "no-at",
                Some(AddressProblem::Invalid(engine::EmailProblem::NoAt))
            ),
        ]
    );
    assert!(parse(" ,; \n", &invited).is_empty());
}

fn individual(w: &Wizard) -> &individual::Individual {
    match &w.screen {
        Screen::Individual(f) => f,
        other => panic!("not on the individual form: {other:?}"),
    }
}

fn invited_before() -> Progress {
    let mut p = set_up();
    p.record_invites(InviteBatch {
        at: at(-100),
        by: None,
        source: InviteSource::Individual,
        file: None,
        teams: Vec::new(),
        workspace: None,
        count: 0,
        emails: vec!["old@example.com".into()],
    });
    p
}

#[test]
fn the_form_takes_pasted_lists_and_copies_only_valid_new_addresses() {
    let mut w = wizard(invited_before(), Lang::En);
    assert_eq!(key(&w, KeyCode::Char('i')), Some(Msg::InviteIndividual));
    send(&mut w, &[Msg::InviteIndividual]);
    assert_eq!(individual(&w).cursor, 0);
    // On a text field, letters type (q, c included).
    assert_eq!(key(&w, KeyCode::Char('c')), Some(Msg::Input('c')));
    assert_eq!(key(&w, KeyCode::Char('q')), Some(Msg::Input('q')));
    send(
        &mut w,
        &[Msg::Paste(
            "ana@example.com\nbo@example.com\r\nnot-an-address, old@example.com".into(),
        )],
    );
    typed(&mut w, " ana@example.com;cy@example.com");
    let form = individual(&w).clone();
    let parsed = w.individual_parsed(&form);
    assert_eq!(parsed.len(), 6);
    assert_eq!(
        w.paste_text(&form),
        "ana@example.com, bo@example.com, cy@example.com"
    );
    // Copy works from the record row.
    send(&mut w, &[Msg::Down, Msg::Down, Msg::Down, Msg::Down]);
    assert_eq!(individual(&w).cursor, RECORD_ROW);
    assert_eq!(key(&w, KeyCode::Char('c')), Some(Msg::Copy));
    assert_eq!(
        send(&mut w, &[Msg::Copy]),
        vec![Effect::Copy(
            "ana@example.com, bo@example.com, cy@example.com".into()
        )]
    );
    assert!(w.banner.is_some());
    assert!(w.progress.invites.len() == 1, "copying records nothing");
}

#[test]
fn confirming_records_the_batch_with_teams_workspace_and_ticks_the_route() {
    let mut w = wizard(invited_before(), Lang::En);
    send(&mut w, &[Msg::InviteIndividual]);
    typed(&mut w, "ana@example.com bo@example.com old@example.com x@");
    send(&mut w, &[Msg::Next]);
    assert_eq!(individual(&w).cursor, 1);
    typed(&mut w, "Sales, APAC ,");
    send(&mut w, &[Msg::Next]);
    // Workspace: "Default" → "Korea".
    send(
        &mut w,
        &std::iter::repeat_n(Msg::Backspace, 7).collect::<Vec<_>>(),
    );
    typed(&mut w, "Korea");
    send(&mut w, &[Msg::Next, Msg::Next]);
    assert_eq!(individual(&w).cursor, RECORD_ROW);
    let effects = send(&mut w, &[Msg::Next]);
    assert!(effects.is_empty());
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::RecordIndividual {
            count: 2
        }))
    );
    assert_eq!(w.progress.invites.len(), 1, "not before the confirm");

    let effects = w.update(Msg::Yes, at(50));
    let p = saves(&effects)[0];
    assert_eq!(p.invites.len(), 2);
    let b = &p.invites[1];
    assert_eq!(b.count, 2);
    assert_eq!(journaled(&effects), ["ana@example.com", "bo@example.com"]);
    assert_eq!(b.teams, ["Sales", "APAC"]);
    assert_eq!(b.workspace.as_deref(), Some("Korea"));
    assert_eq!(b.by.as_deref(), Some("Ana"));
    assert_eq!(b.source, InviteSource::Individual);
    assert_eq!(b.file, None);
    assert_eq!(b.at, whole_seconds(at(50)));
    let item = p.item(ItemId::InviteUsers);
    assert_eq!(item.variant.as_deref(), Some("individual"));
    for s in [
        "open-settings",
        "open-user-management",
        "choose-invite-users",
        "enter-emails",
        "choose-teams",
        "choose-workspace",
        "confirm-individual",
    ] {
        assert!(item.ticked.contains(s), "{s}: {item:?}");
    }
    assert!(!item.ticked.contains("prepare-csv"));
    assert_eq!(&w.progress, p);
    assert!(matches!(w.screen, Screen::Step(_)));
    let recorded = Detail::new("csv.tui.recorded").arg("n", 2);
    assert!(
        matches!(&w.banner, Some(Banner { text: BannerText::Notices(said), .. })
        if said.first().is_some_and(|n| n.0.detail() == recorded))
    );

    // Again with the same addresses: nothing valid is left to record.
    send(&mut w, &[Msg::InviteIndividual]);
    typed(&mut w, "ana@example.com");
    send(&mut w, &[Msg::Next, Msg::Next, Msg::Next, Msg::Next]);
    let effects = send(&mut w, &[Msg::Next]);
    assert!(effects.is_empty());
    assert_eq!(w.overlay, None);
    assert_eq!(individual(&w).error, Some(FormError::NoValidAddress));
}

#[test]
fn without_teams_the_optional_sub_step_stays_and_an_empty_workspace_becomes_default() {
    let mut w = wizard(set_up(), Lang::En);
    send(&mut w, &[Msg::InviteIndividual]);
    typed(&mut w, "ana@example.com");
    send(&mut w, &[Msg::Next, Msg::Next]);
    send(
        &mut w,
        &std::iter::repeat_n(Msg::Backspace, 7).collect::<Vec<_>>(),
    );
    // Said on screen before the confirm.
    assert_eq!(
        individual(&w).workspace_or_default(),
        ("Default".to_string(), true)
    );
    send(&mut w, &[Msg::Next, Msg::Next, Msg::Next, Msg::Yes]);
    let b = &w.progress.invites[0];
    assert!(b.teams.is_empty());
    assert_eq!(b.workspace.as_deref(), Some("Default"));
    assert!(
        !w.progress
            .item(ItemId::InviteUsers)
            .ticked
            .contains("choose-teams")
    );
}

#[test]
fn nothing_is_recorded_on_esc_or_no() {
    let mut w = wizard(set_up(), Lang::En);
    send(&mut w, &[Msg::InviteIndividual]);
    typed(&mut w, "ana@example.com");
    send(&mut w, &[Msg::Down, Msg::Down, Msg::Down, Msg::Down]);
    let effects = send(&mut w, &[Msg::Next, Msg::No]);
    assert!(effects.is_empty());
    assert!(matches!(w.screen, Screen::Individual(_)));
    let effects = send(&mut w, &[Msg::Next, Msg::Back]);
    assert!(effects.is_empty());
    assert!(matches!(w.screen, Screen::Individual(_)));
    let effects = send(&mut w, &[Msg::Back]);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(w.screen, Screen::Step(_)));
    assert!(w.progress.invites.is_empty());
    assert!(w.progress.items.is_empty());
}

#[test]
fn quitting_before_the_sent_confirm_resumes_there_and_after_it_does_not() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let mut w = wizard(set_up(), Lang::Ko);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    let effects = send(&mut w, &[Msg::Next, Msg::Next, Msg::Yes]);
    let (seen, _) = serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Done);
    let last = saves(&seen).last().copied().cloned().unwrap();
    assert!(last.invites.is_empty(), "written, not sent");
    assert_eq!(saved_flow(&last).stage, CsvStage::Written);

    // q between the two: the next start reads the invite CSV again and waits at the confirm.
    assert_eq!(send(&mut w, &[Msg::Quit]), vec![Effect::Quit]);
    let mut again = wizard_at(last, Lang::Ko, None, Remembered::new());
    let effects = again.startup_effects();
    let Some(Effect::ReadSent { ticket, path }) = effects.first().cloned() else {
        panic!("no read of the invite CSV: {effects:?}");
    };
    assert_eq!(path, "users.invite.csv");
    assert_eq!(
        flow(&again).running().map(|r| r.job),
        Some(super::csvflow::Job::ReadSent)
    );
    // A stale answer is dropped.
    again.update(
        Msg::CsvSentRead {
            ticket: ticket + 7,
            result: Ok(vec!["x@example.com".into()]),
        },
        at(1),
    );
    assert_eq!(stage(&again), StageKind::Loading);
    again.update(
        Msg::CsvSentRead {
            ticket,
            result: Ok(KOREAN_VALID.iter().map(|e| (*e).to_string()).collect()),
        },
        at(1),
    );
    let Stage::Done(done) = &flow(&again).stage else {
        panic!("not at the confirm: {:?}", flow(&again).stage);
    };
    assert!(!done.recorded);
    assert_eq!(done.exported.emails, KOREAN_VALID);
    assert!(again.progress.invites.is_empty());

    // Esc leaves without recording; the flow stays saved at the confirm.
    assert_eq!(key(&again, KeyCode::Esc), Some(Msg::Back));
    let effects = send(&mut again, &[Msg::Back]);
    assert!(saves(&effects).is_empty(), "{effects:?}");
    assert!(matches!(again.screen, Screen::Step(_)));
    assert!(again.progress.csv_flow.is_some());

    // Sent: recorded once, and a restart opens the hub, not the flow.
    let mut w2 = wizard_at(again.progress.clone(), Lang::Ko, None, Remembered::new());
    let effects = w2.startup_effects();
    let Some(Effect::ReadSent { ticket, .. }) = effects.first().cloned() else {
        panic!("{effects:?}");
    };
    w2.update(
        Msg::CsvSentRead {
            ticket,
            result: Ok(KOREAN_VALID.iter().map(|e| (*e).to_string()).collect()),
        },
        at(2),
    );
    let effects = sent(&mut w2);
    assert_eq!(journaled(&effects), KOREAN_VALID);
    let last = saves(&effects).last().copied().cloned().unwrap();
    assert_eq!(last.invites.len(), 1);
    assert_eq!(
        last.csv_flow, None,
        "the flow is over once the batch is recorded"
    );
    let mut w3 = wizard_at(last, Lang::Ko, None, Remembered::new());
    assert!(w3.startup_effects().is_empty());
    assert!(matches!(w3.screen, Screen::Hub(_)));
}

#[test]
fn a_file_that_is_not_a_csv_returns_to_the_picker_with_the_reason_and_the_path() {
    // A workbook saved with a .csv name: the reason is shown where the path can be fixed.
    let disk = Disk::with(
        "book.csv",
        b"PK\x03\x04\x14\x00\x06\x00workbook\x00\x00".to_vec(),
    );
    let mut w = wizard(set_up(), Lang::En);
    open_and_type(&mut w, "book.csv");
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Pick);
    assert_eq!(flow(&w).path.value(), "book.csv");
    let error = error_text(&w).unwrap_or_default();
    assert!(error.contains("CSV UTF-8"), "{error}");
    assert!(w.progress.invites.is_empty());
}

// ---- stale results ----

fn ticket_of(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadCsv { ticket, .. }
            | Effect::ValidateCsv { ticket, .. }
            | Effect::ExportCsv { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no job started: {effects:?}"))
}

/// A result of another kind arriving with the running job's ticket: not taken.
fn wrong_kinds(w: &mut Wizard, ticket: u64) {
    let failed = || CsvJobError::rows("users.csv", engine::ValidateError::TooLarge);
    let before = flow(w).clone();
    for msg in [
        Msg::CsvSampled {
            ticket,
            result: Err(failed()),
        },
        Msg::CsvValidated {
            ticket,
            result: Err(failed()),
        },
        Msg::CsvExported {
            ticket,
            result: Err(failed()),
        },
    ] {
        let job = flow(w).running().unwrap().job;
        let same_kind = matches!(
            (&msg, job),
            (Msg::CsvSampled { .. }, super::csvflow::Job::Sample)
                | (Msg::CsvValidated { .. }, super::csvflow::Job::Validate)
                | (Msg::CsvExported { .. }, super::csvflow::Job::Export)
        );
        if !same_kind {
            assert!(w.update(msg, at(5)).is_empty());
            assert_eq!(flow(w), &before, "a result for another job is ignored");
        }
    }
}

#[test]
fn a_late_sample_is_dropped_while_a_newer_one_runs() {
    let disk = Disk::with("users.csv", PLAIN.as_bytes().to_vec());
    let other = Disk::with("users.csv", b"email\nzed@example.com\n".to_vec());
    let mut w = wizard(set_up(), Lang::En);
    open_and_type(&mut w, "users.csv");
    let old = ticket_of(&send(&mut w, &[Msg::Next]));
    send(&mut w, &[Msg::Back]);
    let new = ticket_of(&send(&mut w, &[Msg::Next]));
    assert_ne!(old, new);
    let late = Msg::CsvSampled {
        ticket: old,
        result: other.sample("users.csv"),
    };
    assert!(w.update(late, at(1)).is_empty());
    assert_eq!(
        stage(&w),
        StageKind::Loading,
        "still waiting for the newer one"
    );
    assert_eq!(flow(&w).running().map(|r| r.ticket), Some(new));
    wrong_kinds(&mut w, new);
    w.update(
        Msg::CsvSampled {
            ticket: new,
            result: disk.sample("users.csv"),
        },
        at(2),
    );
    assert_eq!(stage(&w), StageKind::Intake);
    assert_eq!(
        flow(&w).intake().unwrap().columns.len(),
        4,
        "the newer file"
    );
}

#[test]
fn a_late_report_is_dropped_while_a_newer_validation_runs() {
    let bytes = PLAIN.as_bytes().to_vec();
    let disk = Disk::with("users.csv", bytes.clone());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    send(&mut w, &[Msg::Next]);
    let effects = send(&mut w, &[Msg::Next]);
    let old = ticket_of(&effects);
    let Some(Effect::ValidateCsv {
        intake, mapping, ..
    }) = effects
        .iter()
        .find(|e| matches!(e, Effect::ValidateCsv { .. }))
        .cloned()
    else {
        unreachable!()
    };
    assert_eq!(
        send(&mut w, &[Msg::Back]),
        vec![Effect::CancelCsv { ticket: old }]
    );
    let new = ticket_of(&send(&mut w, &[Msg::Next]));
    // The old run's report, of a shorter file: must not reach the grid.
    let shorter = &bytes[..bytes.len() / 2];
    let late = Msg::CsvValidated {
        ticket: old,
        result: validated(shorter, &intake, &mapping, &[], 100, &[]),
    };
    assert!(w.update(late, at(1)).is_empty());
    assert_eq!(stage(&w), StageKind::Loading);
    wrong_kinds(&mut w, new);
    w.update(
        Msg::CsvValidated {
            ticket: new,
            result: validated(&bytes, &intake, &mapping, &[], 100, &[]),
        },
        at(2),
    );
    assert_eq!(stage(&w), StageKind::Grid);
    assert_eq!(report(&w).unwrap().counts.rows, 5);
}

#[test]
fn esc_while_writing_cancels_and_a_late_or_failed_export_records_nothing() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    send(&mut w, &[Msg::Next, Msg::Next]);
    let old = ticket_of(&send(&mut w, &[Msg::Yes]));
    assert_eq!(
        flow(&w).running().map(|r| r.job),
        Some(super::csvflow::Job::Export)
    );
    // Esc: the job is told to stop; back on the plan, as it was.
    assert_eq!(key(&w, KeyCode::Esc), Some(Msg::Back));
    assert_eq!(
        send(&mut w, &[Msg::Back]),
        vec![Effect::CancelCsv { ticket: old }]
    );
    assert_eq!(stage(&w), StageKind::Plan);
    let done = |emails: &[&str]| Exported {
        clean: "users.invite.csv".into(),
        report: "users.report.csv".into(),
        emails: emails.iter().map(|e| (*e).to_string()).collect(),
        left_out: None,
        left_out_rows: 0,
    };
    // A result arriving after the cancel records nothing.
    let late = Msg::CsvExported {
        ticket: old,
        result: Ok(done(&["late@example.com"])),
    };
    assert!(w.update(late.clone(), at(1)).is_empty());
    assert_eq!(stage(&w), StageKind::Plan);
    assert!(w.progress.invites.is_empty());

    // Confirmed again: the old run's result still records nothing while the new one runs.
    send(&mut w, &[Msg::Next]);
    let new = ticket_of(&send(&mut w, &[Msg::Yes]));
    assert!(w.update(late, at(2)).is_empty());
    assert_eq!(stage(&w), StageKind::Loading);
    assert!(w.progress.invites.is_empty());
    wrong_kinds(&mut w, new);

    // The new run fails: back on the plan with the reason, nothing recorded.
    let err = CsvJobError::write("users.invite.csv", std::io::Error::other("disk full"));
    assert!(
        w.update(
            Msg::CsvExported {
                ticket: new,
                result: Err(err.clone()),
            },
            at(3),
        )
        .is_empty()
    );
    assert_eq!(stage(&w), StageKind::Plan);
    assert_eq!(flow(&w).error(), Some(&FlowError::Job(err)));
    assert_eq!(
        error_text(&w).as_deref(),
        Some("could not write `users.invite.csv`: disk full. Choose another path.")
    );
    assert!(w.progress.invites.is_empty());

    // Once more, and it works: written, then recorded once when sent.
    send(&mut w, &[Msg::Next]);
    let last = ticket_of(&send(&mut w, &[Msg::Yes]));
    let effects = w.update(
        Msg::CsvExported {
            ticket: last,
            result: Ok(done(&["a@example.com"])),
        },
        at(4),
    );
    assert_eq!(saves(&effects).len(), 1);
    assert_eq!(stage(&w), StageKind::Done);
    assert!(w.progress.invites.is_empty());
    let effects = sent(&mut w);
    assert_eq!(w.progress.invites.len(), 1);
    assert_eq!(journaled(&effects), ["a@example.com"]);
    // A second yes records nothing more.
    assert!(w.update(Msg::Yes, at(5)).is_empty());
    assert_eq!(w.progress.invites.len(), 1);
}

#[test]
fn a_saved_flow_with_an_unknown_value_says_so_instead_of_guessing() {
    let mut p = set_up();
    let table: toml::Table =
        toml::from_str("file = \"users.csv\"\nstage = \"awaiting-confirm\"\n").unwrap();
    p.csv_flow = Some(SavedCsvFlow::from_table(table));
    let text = p.to_toml().unwrap();
    let p = Progress::from_toml(&text).unwrap();
    assert!(
        matches!(p.csv_flow, Some(SavedCsvFlow::Unreadable { .. })),
        "the rest of the file loads"
    );
    // At start: the picker with the file and the reason, no file work.
    let mut w = wizard_at(p.clone(), Lang::En, None, Remembered::new());
    assert!(w.startup_effects().is_empty());
    assert_eq!(stage(&w), StageKind::Pick);
    assert_eq!(flow(&w).path.value(), "users.csv");
    assert_eq!(
        error_text(&w).as_deref(),
        Some(
            "The CSV invite saved in the progress file cannot be resumed: `stage` = \
             `awaiting-confirm` is not known to this version of msi-setup. Choose the file \
             again, or update msi-setup."
        )
    );
    // Leaving keeps the saved table as it is; choosing the file again starts afresh.
    let disk = Disk::with("users.csv", PLAIN.as_bytes().to_vec());
    let effects = send(&mut w, &[Msg::Next]);
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Intake);
    assert_eq!(saved_flow(&w.progress).stage, CsvStage::Intake);
    // From the step, `u` shows the same.
    let mut w = wizard(p, Lang::En);
    send(&mut w, &[Msg::InviteCsv]);
    assert!(matches!(flow(&w).error(), Some(FlowError::Saved(_))));
}

#[test]
fn choices_are_applied_again_when_the_file_is_read_another_way() {
    // A column chosen by hand survives another reading of the file (as it survives a quit and
    // a resume); a "none" choice too.
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let mut w = wizard(set_up(), Lang::Ko);
    to_intake(&mut w, &disk, "users.csv");
    send(&mut w, &[Msg::Next]);
    choose_column(&mut w, Field::Workspace, Some(3));
    choose_column(&mut w, Field::Team, None);
    send(&mut w, &[Msg::Back]);
    choose_intake(
        &mut w,
        IntakeRow::Encoding,
        IntakeValue::Encoding(encoding_rs::WINDOWS_1252),
    );
    choose_intake(
        &mut w,
        IntakeRow::Encoding,
        IntakeValue::Encoding(encoding_rs::EUC_KR),
    );
    send(&mut w, &[Msg::Next]);
    assert_eq!(stage(&w), StageKind::Mapping);
    assert_eq!(mapped(&w, Field::Workspace), Some((3, Confidence::Manual)));
    assert_eq!(mapped(&w, Field::Team), None);
    assert_eq!(mapped(&w, Field::Email), Some((2, Confidence::Alias)));
}

// ---- editing keys on each stage ----

#[test]
fn the_path_is_edited_like_a_text_field() {
    let mut w = wizard(set_up(), Lang::En);
    open_and_type(&mut w, "users.csv");
    w.update(
        Msg::PathCompletions {
            partial: "users.csv".into(),
            list: vec!["users.csv".into(), "users.csv.bak".into()],
        },
        at(1),
    );
    assert_eq!(completions(&w).len(), 2);
    send(
        &mut w,
        &[
            Msg::CursorLeft,
            Msg::CursorLeft,
            Msg::CursorLeft,
            Msg::CursorLeft,
        ],
    );
    typed(&mut w, "-1");
    assert_eq!(flow(&w).path.value(), "users-1.csv");
    assert!(completions(&w).is_empty(), "typing clears the completions");
    send(&mut w, &[Msg::CursorRight, Msg::Backspace]);
    assert_eq!(flow(&w).path.value(), "users-1csv");
    send(&mut w, &[Msg::Paste("  .x\n".into())]);
    assert_eq!(
        flow(&w).path.value(),
        "users-1.xcsv",
        "pasted text is trimmed"
    );
    // An empty path does not start a read.
    let mut w = wizard(set_up(), Lang::En);
    send(&mut w, &[Msg::InviteCsv]);
    assert!(send(&mut w, &[Msg::Next]).is_empty());
    assert_eq!(stage(&w), StageKind::Pick);
}

#[test]
fn intake_and_mapping_rows_move_within_their_bounds_and_esc_goes_back() {
    let disk = Disk::with("users.csv", PLAIN.as_bytes().to_vec());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    let row = |w: &Wizard| match &flow(w).stage {
        Stage::Intake(s) => s.view.row,
        _ => panic!("not on the intake"),
    };
    send(&mut w, &[Msg::Up]);
    assert_eq!(row(&w), IntakeRow::Encoding);
    send(&mut w, &[Msg::Down]);
    assert_eq!(row(&w), IntakeRow::Delimiter);
    send(&mut w, &[Msg::Down, Msg::Down]);
    assert_eq!(row(&w), IntakeRow::Header);
    send(&mut w, &[Msg::Up]);
    assert_eq!(row(&w), IntakeRow::Delimiter);
    // Opening the list puts its cursor on the value in use.
    send(&mut w, &[Msg::Toggle]);
    let Stage::Intake(s) = &flow(&w).stage else {
        unreachable!()
    };
    let values = flow(&w).intake_values(IntakeRow::Delimiter);
    assert_eq!(
        values[s.choosing.as_ref().unwrap().cursor()],
        IntakeValue::Delimiter(b',')
    );
    send(&mut w, &[Msg::Back, Msg::Next]);
    let field = |w: &Wizard| match &flow(w).stage {
        Stage::Mapping(s) => s.view.field,
        _ => panic!("not on the mapping"),
    };
    assert_eq!(field(&w), Field::Email);
    send(&mut w, &[Msg::Up]);
    assert_eq!(field(&w), Field::Email);
    send(&mut w, &[Msg::Down]);
    assert_eq!(field(&w), Field::FirstName);
    send(&mut w, &vec![Msg::Down; 9]);
    assert_eq!(field(&w), Field::Workspace);
    // Opening a field with no column puts the list's cursor on "(none)".
    send(&mut w, &[Msg::Toggle]);
    let Stage::Mapping(s) = &flow(&w).stage else {
        unreachable!()
    };
    assert_eq!(s.choosing.as_ref().unwrap().cursor(), 4);
    send(&mut w, &[Msg::Back]);
    // Esc on the intake: back to the picker, saved as the intake (resumes there).
    send(&mut w, &[Msg::Back]);
    send(&mut w, &[Msg::Back]);
    assert_eq!(stage(&w), StageKind::Pick);
    assert_eq!(saved_flow(&w.progress).stage, CsvStage::Intake);
}

#[test]
fn the_plan_edits_both_paths_and_moves_between_its_rows() {
    let disk = Disk::with("data/users.csv", PLAIN.as_bytes().to_vec());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "data/users.csv");
    to_grid(&mut w, &disk);
    send(&mut w, &[Msg::Next]);
    assert_eq!(flow(&w).choices.out.value(), "data/users.invite.csv");
    assert_eq!(flow(&w).choices.report.value(), "data/users.report.csv");
    let row = |w: &Wizard| match &flow(w).stage {
        Stage::Plan(p) => p.row,
        _ => panic!("not on the plan"),
    };
    assert_eq!(row(&w), super::csvflow::PlanRow::Confirm);
    // On the confirm row, letters are keys; on a path, they type.
    assert_eq!(key(&w, KeyCode::Char('q')), Some(Msg::Quit));
    send(&mut w, &[Msg::Up]);
    assert_eq!(row(&w), super::csvflow::PlanRow::Report);
    assert_eq!(key(&w, KeyCode::Char('q')), Some(Msg::Input('q')));
    send(
        &mut w,
        &[
            Msg::Backspace,
            Msg::Backspace,
            Msg::Backspace,
            Msg::Backspace,
        ],
    );
    typed(&mut w, "txt");
    send(&mut w, &[Msg::CursorLeft, Msg::CursorLeft, Msg::CursorLeft]);
    send(&mut w, &[Msg::Paste(" v2. ".into())]);
    assert_eq!(flow(&w).choices.report.value(), "data/users.reportv2.txt");
    send(&mut w, &[Msg::CursorRight, Msg::Backspace]);
    assert_eq!(flow(&w).choices.report.value(), "data/users.reportv2.xt");
    send(&mut w, &[Msg::Up, Msg::Up]);
    assert_eq!(row(&w), super::csvflow::PlanRow::Seats);
    send(&mut w, &[Msg::Down]);
    assert_eq!(row(&w), super::csvflow::PlanRow::Out);
    typed(&mut w, "-new");
    assert_eq!(flow(&w).choices.out.value(), "data/users.invite.csv-new");
    assert_eq!(
        flow(&w).choices.report.value(),
        "data/users.reportv2.xt",
        "only the focused path changes"
    );
    // Enter and Tab go down a row; Enter on the confirm asks.
    send(&mut w, &[Msg::Next]);
    assert_eq!(row(&w), super::csvflow::PlanRow::Report);
    send(&mut w, &[Msg::FocusNext]);
    assert_eq!(row(&w), super::csvflow::PlanRow::Confirm);
    send(&mut w, &[Msg::Down]);
    assert_eq!(row(&w), super::csvflow::PlanRow::Confirm);
    assert_eq!(w.overlay, None);
    let effects = send(&mut w, &[Msg::Next]);
    assert!(matches!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::ExportCsv { rows: 3 }))
    ));
    let saved = saved_flow(saves(&effects)[0]);
    assert_eq!(saved.out.as_deref(), Some("data/users.invite.csv-new"));
    assert_eq!(saved.report.as_deref(), Some("data/users.reportv2.xt"));
    let effects = send(&mut w, &[Msg::Yes]);
    assert!(
        matches!(effects.as_slice(), [Effect::ExportCsv { out, report_path, .. }]
            if out == "data/users.invite.csv-new" && report_path == "data/users.reportv2.xt"),
        "{effects:?}"
    );
}

#[test]
fn the_grid_moves_by_rows_and_pages_and_the_search_takes_pasted_text() {
    let mut text = String::from("email,first_name\n");
    for n in 0..50 {
        text.push_str(&format!("user{n}@example.com,Name{n}\n"));
    }
    let disk = Disk::with("users.csv", text.into_bytes());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    send(&mut w, &[Msg::Up]);
    assert_eq!(cursor(&w), 0);
    send(&mut w, &[Msg::Down, Msg::Down]);
    assert_eq!(cursor(&w), 2);
    send(&mut w, &[Msg::PageDown]);
    assert_eq!(cursor(&w), 22);
    send(&mut w, &[Msg::Up]);
    assert_eq!(cursor(&w), 21);
    send(&mut w, &[Msg::PageUp]);
    assert_eq!(cursor(&w), 1);
    send(&mut w, &[Msg::PageUp]);
    assert_eq!(cursor(&w), 0);
    send(&mut w, &[Msg::End, Msg::PageDown, Msg::Down]);
    assert_eq!(cursor(&w), 49);
    // "/" then paste "NAME3" (any case), fix it with Backspace: finds Name30, after the cursor,
    // wrapping round.
    send(
        &mut w,
        &[Msg::Search, Msg::Paste("NAME37".into()), Msg::Backspace],
    );
    assert_eq!(flow(&w).checked().unwrap().search.value(), "NAME3");
    let e = send(&mut w, &[Msg::Next]);
    searched(&mut w, e);
    assert_eq!(cursor(&w), 3, "Name3 is the first after the last row");
    let e = send(&mut w, &[Msg::Search, Msg::Next]);
    searched(&mut w, e);
    assert_eq!(cursor(&w), 30, "the next match");
    // Nothing matches: the cursor stays, and the grid says so until the next key.
    let e = send(&mut w, &[Msg::Search, Msg::Paste("zzz".into()), Msg::Next]);
    searched(&mut w, e);
    assert_eq!(cursor(&w), 30);
    assert_eq!(flow(&w).checked().unwrap().find, Finding::NoMatch);
    send(&mut w, &[Msg::Up]);
    assert_eq!(cursor(&w), 29);
    assert_eq!(flow(&w).checked().unwrap().find, Finding::Idle);
}

/// The grid with 50 rows `userN@example.com,NameN`, cursor on the first.
fn fifty_row_grid() -> Wizard {
    let mut text = String::from("email,first_name\n");
    for n in 0..50 {
        text.push_str(&format!("user{n}@example.com,Name{n}\n"));
    }
    let disk = Disk::with("users.csv", text.into_bytes());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    w
}

fn search_ticket(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::SearchCsv { ticket, .. } => Some(*ticket),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no search job: {effects:?}"))
}

#[test]
fn a_search_runs_as_a_job_and_every_key_is_answered_meanwhile() {
    let mut w = fifty_row_grid();
    send(&mut w, &[Msg::Down, Msg::Down]);
    send(&mut w, &[Msg::Search, Msg::Paste("name4".into())]);
    let effects = send(&mut w, &[Msg::Next]);
    // One job, from the cursor, for the text typed, over all rows.
    let [
        Effect::SearchCsv {
            ticket,
            from: 2,
            needle,
            view: None,
            delimiter: b',',
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(needle, "name4");
    let ticket = *ticket;
    let running = |w: &Wizard| flow(w).checked().unwrap().find;
    assert_eq!(running(&w), Finding::Running { ticket, looked: 0 });
    // Progress counts the rows looked at; keys move the cursor; ? opens and closes the help.
    w.update(
        Msg::CsvProgress {
            ticket,
            bytes: 0,
            rows: 20,
        },
        at(11),
    );
    assert_eq!(running(&w), Finding::Running { ticket, looked: 20 });
    send(&mut w, &[Msg::Down]);
    assert_eq!(cursor(&w), 3);
    send(&mut w, &[Msg::Help]);
    assert!(w.overlay.is_some());
    send(&mut w, &[Msg::Back]);
    assert!(w.overlay.is_none());
    assert_eq!(
        running(&w),
        Finding::Running { ticket, looked: 20 },
        "Esc closed the help only"
    );
    // The result moves the cursor.
    w.update(
        Msg::CsvSearched {
            ticket,
            found: Some(4),
        },
        at(12),
    );
    assert_eq!((cursor(&w), running(&w)), (4, Finding::Idle));
}

#[test]
fn esc_stops_a_search_and_its_late_result_is_dropped() {
    let mut w = fifty_row_grid();
    send(&mut w, &[Msg::Search, Msg::Paste("name4".into())]);
    let ticket = search_ticket(&send(&mut w, &[Msg::Next]));
    let effects = send(&mut w, &[Msg::Back]);
    assert_eq!(effects, [Effect::CancelCsv { ticket }]);
    assert_eq!(
        flow(&w).kind(),
        StageKind::Grid,
        "Esc stopped the search, not the grid"
    );
    assert_eq!(flow(&w).checked().unwrap().find, Finding::Idle);
    w.update(
        Msg::CsvSearched {
            ticket,
            found: Some(4),
        },
        at(12),
    );
    assert_eq!(cursor(&w), 0, "a stopped search moves nothing");
    w.update(
        Msg::CsvSearched {
            ticket,
            found: None,
        },
        at(12),
    );
    assert_eq!(flow(&w).checked().unwrap().find, Finding::Idle);
    // Esc again (nothing running) goes back to the mapping as before.
    send(&mut w, &[Msg::Back]);
    assert_eq!(flow(&w).kind(), StageKind::Mapping);
}

#[test]
fn a_new_search_replaces_the_running_one_and_the_old_result_is_stale() {
    let mut w = fifty_row_grid();
    send(&mut w, &[Msg::Search, Msg::Paste("name4".into())]);
    let first = search_ticket(&send(&mut w, &[Msg::Next]));
    let effects = send(&mut w, &[Msg::Search]);
    assert_eq!(effects, [Effect::CancelCsv { ticket: first }]);
    send(&mut w, &[Msg::Backspace, Msg::Input('7')]);
    let second = search_ticket(&send(&mut w, &[Msg::Next]));
    assert_ne!(first, second);
    w.update(
        Msg::CsvSearched {
            ticket: first,
            found: Some(4),
        },
        at(12),
    );
    assert_eq!(cursor(&w), 0);
    w.update(
        Msg::CsvProgress {
            ticket: first,
            bytes: 0,
            rows: 9,
        },
        at(12),
    );
    assert_eq!(
        flow(&w).checked().unwrap().find,
        Finding::Running {
            ticket: second,
            looked: 0
        }
    );
    w.update(
        Msg::CsvSearched {
            ticket: second,
            found: Some(7),
        },
        at(12),
    );
    assert_eq!(cursor(&w), 7);
    // Switching the view while a search runs stops it (its positions were in the other view).
    send(&mut w, &[Msg::Search]);
    let third = search_ticket(&send(&mut w, &[Msg::Next]));
    let effects = send(&mut w, &[Msg::ToggleProblems]);
    assert_eq!(effects, [Effect::CancelCsv { ticket: third }]);
}

#[test]
fn outputs_go_next_to_the_source_and_a_guess_is_flagged() {
    use super::csvflow::{sibling, uncertain};
    assert_eq!(sibling("data/users.csv", "invite"), "data/users.invite.csv");
    assert_eq!(sibling(" users.csv ", "report"), "users.report.csv");
    assert_eq!(sibling("", "invite"), "users.invite.csv");
    let guess = |certainty| engine::EncodingGuess {
        certainty,
        ..engine::detect(&Sample::from_bytes(b"email\na@example.com\n"), None, None).unwrap()
    };
    assert!(!uncertain(&guess(engine::Certainty::High)));
    assert!(uncertain(&guess(engine::Certainty::Medium)));
    assert!(uncertain(&guess(engine::Certainty::Low)));
}

// ---- the seat and team budget ----

/// `n` valid new users, one a row, in file order.
fn staff(n: usize) -> Vec<u8> {
    let mut text = String::from("email,first_name,team\n");
    for i in 0..n {
        text.push_str(&format!("user{i:03}@example.com,Name{i},\n"));
    }
    text.into_bytes()
}

#[test]
fn a_file_over_the_seats_left_invites_the_first_ones_and_writes_the_rest_aside() {
    let disk = Disk::with("staff.csv", staff(150));
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "staff.csv");
    to_grid(&mut w, &disk);
    send(&mut w, &[Msg::Next]);
    assert_eq!(stage(&w), StageKind::Plan);
    // Said before anything is written: 150 new, 100 left; the first 100 go, 50 aside.
    let Stage::Plan(plan) = &flow(&w).stage else {
        panic!("no plan")
    };
    let budget = w.plan_budget(&plan.grid.checked.report.0).unwrap();
    assert_eq!(
        budget,
        super::csvflow::PlanBudget {
            needed: 150,
            invite: 100,
            left_out: 50
        }
    );
    assert_eq!(flow(&w).left_out_path(), "staff.left-out.csv");
    let effects = send(&mut w, &[Msg::Next]);
    assert!(saves(&effects).iter().all(|p| p.invites.is_empty()));
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::ExportCsv { rows: 100 }))
    );
    let effects = send(&mut w, &[Msg::Yes]);
    assert!(
        matches!(effects.as_slice(), [Effect::ExportCsv { limit: Some(100), left_out: Some(p), .. }]
            if p == "staff.left-out.csv"),
        "{effects:?}"
    );
    let (_, clean) = serve(&mut w, &disk, effects);
    let clean = clean.unwrap();
    assert_eq!(clean.lines().count(), 101, "header + 100");
    assert!(clean.contains("user099@example.com") && !clean.contains("user100@"));
    let Stage::Done(done) = &flow(&w).stage else {
        panic!("not done")
    };
    assert_eq!(
        done.exported.left_out.as_deref(),
        Some("staff.left-out.csv")
    );
    assert_eq!(done.exported.left_out_rows, 50);
    // The saved flow names the left-out file, so a resume shows it again.
    let saved = saved_flow(&w.progress);
    assert_eq!(saved.left_out.as_deref(), Some("staff.left-out.csv"));
    assert_eq!(saved.left_out_rows, Some(50));
    let effects = sent(&mut w);
    assert_eq!(journaled(&effects).len(), 100);
    assert_eq!(w.progress.seat_budget().left(), 0);
    assert_eq!(w.progress.invites[0].count, 100);

    // The next batch from the left-out rows: no seat left, refused before anything is written.
    let disk = Disk::with(
        "rest.csv",
        staff(150).split(|b| *b == b'\n').skip(101).fold(
            b"email,first_name,team\n".to_vec(),
            |mut acc, line| {
                if !line.is_empty() {
                    acc.extend_from_slice(line);
                    acc.push(b'\n');
                }
                acc
            },
        ),
    );
    send(&mut w, &[Msg::Next]);
    to_intake(&mut w, &disk, "rest.csv");
    to_grid(&mut w, &disk);
    let effects = send(&mut w, &[Msg::Next, Msg::Next]);
    assert_eq!(w.overlay, None);
    assert_eq!(
        flow(&w).error(),
        Some(&FlowError::NoSeats {
            used: 100,
            total: 100
        })
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ExportCsv { .. }))
    );
}

#[test]
fn the_plan_takes_a_corrected_seat_count_and_saves_it() {
    let disk = Disk::with("staff.csv", staff(30));
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "staff.csv");
    to_grid(&mut w, &disk);
    send(&mut w, &[Msg::Next]);
    // Up to the seats row: letters do nothing, digits are typed and saved at once.
    send(&mut w, &[Msg::Up, Msg::Up, Msg::Up]);
    assert!(matches!(&flow(&w).stage, Stage::Plan(p) if p.row == super::csvflow::PlanRow::Seats));
    assert!(typed(&mut w, "x").is_empty());
    let effects = typed(&mut w, "80");
    assert_eq!(saves(&effects).last().map(|p| p.seats_used), Some(Some(80)));
    assert_eq!(w.progress.seat_budget().left(), 20);
    let Stage::Plan(plan) = &flow(&w).stage else {
        panic!("no plan")
    };
    let budget = w.plan_budget(&plan.grid.checked.report.0).unwrap();
    assert_eq!((budget.invite, budget.left_out), (20, 10));
    // Emptied: counted again.
    send(&mut w, &[Msg::Backspace, Msg::Backspace]);
    assert_eq!(w.progress.seats_used, None);
    assert_eq!(w.progress.seat_budget().left(), 100);
    send(&mut w, &[Msg::Down, Msg::Down, Msg::Down, Msg::Next]);
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::ExportCsv { rows: 30 }))
    );
}

#[test]
fn admins_found_by_the_live_check_take_seats() {
    use crate::domain::checks::{AdminCandidate, CheckFacts, CheckId, CheckOutcome, CheckStatus};
    let mut p = set_up();
    let mut o = CheckOutcome::new(
        CheckId::MarketoAdmins,
        CheckStatus::Pass,
        Detail::new("checks.status.pass"),
    );
    o.facts = Some(CheckFacts::Admins {
        candidates: (0..99)
            .map(|n| AdminCandidate {
                first_name: String::new(),
                last_name: String::new(),
                email: format!("admin{n}@example.com"),
                roles: Vec::new(),
            })
            .collect(),
        users_listed: 99,
        users_checked: 99,
        truncated: false,
    });
    p.checks.insert(CheckId::MarketoAdmins, o);
    let mut w = wizard(p, Lang::En);
    assert_eq!(w.progress.seat_budget().left(), 1);
    send(&mut w, &[Msg::InviteIndividual]);
    typed(&mut w, "ana@example.com bo@example.com");
    send(&mut w, &[Msg::Next, Msg::Next, Msg::Next, Msg::Next]);
    let effects = send(&mut w, &[Msg::Next]);
    assert!(effects.is_empty());
    assert_eq!(w.overlay, None, "more than the seats left: no confirm");
    assert!(matches!(
        individual(&w).error,
        Some(FormError::OverSeats { n: 2, .. })
    ));
    // One address fits.
    send(&mut w, &[Msg::Up, Msg::Up, Msg::Up, Msg::Up]);
    send(
        &mut w,
        &std::iter::repeat_n(Msg::Backspace, 15).collect::<Vec<_>>(),
    );
    send(
        &mut w,
        &[Msg::Down, Msg::Down, Msg::Down, Msg::Down, Msg::Next],
    );
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::RecordIndividual {
            count: 1
        }))
    );
}

#[test]
fn more_than_twenty_teams_with_those_recorded_are_refused_both_ways() {
    // Individual: 21 teams typed.
    let mut w = wizard(set_up(), Lang::En);
    send(&mut w, &[Msg::InviteIndividual]);
    typed(&mut w, "ana@example.com");
    send(&mut w, &[Msg::Next]);
    let teams: Vec<String> = (1..=21).map(|n| format!("T{n}")).collect();
    typed(&mut w, &teams.join(","));
    send(&mut w, &[Msg::Next, Msg::Next, Msg::Next, Msg::Next]);
    assert_eq!(w.overlay, None);
    assert_eq!(
        individual(&w).error,
        Some(FormError::TooManyTeams { n: 21, limit: 20 })
    );
    assert!(w.progress.invites.is_empty());

    // 19 recorded before; a file with 2 new ones (and one of the recorded, any case): 21.
    let mut p = set_up();
    p.record_invites(InviteBatch {
        at: at(-100),
        by: None,
        source: InviteSource::Individual,
        file: None,
        teams: (1..=19).map(|n| format!("T{n}")).collect(),
        workspace: None,
        count: 0,
        emails: vec!["old@example.com".into()],
    });
    let disk = Disk::with(
        "teams.csv",
        b"email,team\na@example.com,t1\nb@example.com,New A\nc@example.com,New B\n".to_vec(),
    );
    let mut w = wizard(p, Lang::En);
    to_intake(&mut w, &disk, "teams.csv");
    to_grid(&mut w, &disk);
    assert_eq!(report(&w).unwrap().teams_with_recorded, 21);
    let effects = send(&mut w, &[Msg::Next, Msg::Next]);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ExportCsv { .. }))
    );
    assert_eq!(w.overlay, None);
    assert_eq!(
        flow(&w).error(),
        Some(&FlowError::TooManyTeams { n: 21, limit: 20 })
    );
    // With one new team it fits: 20.
    let disk = Disk::with(
        "teams.csv",
        b"email,team\na@example.com,t1\nb@example.com,New A\n".to_vec(),
    );
    let mut p = w.progress.clone();
    p.csv_flow = None;
    let mut w = wizard(p, Lang::En);
    to_intake(&mut w, &disk, "teams.csv");
    to_grid(&mut w, &disk);
    send(&mut w, &[Msg::Next, Msg::Next]);
    assert_eq!(
        w.overlay,
        Some(Overlay::Confirm(ConfirmAction::ExportCsv { rows: 2 }))
    );
}

#[test]
fn enter_on_a_grid_row_opens_its_detail_which_follows_the_selection() {
    let disk = Disk::with("users.csv", PLAIN.as_bytes().to_vec());
    let mut w = wizard(set_up(), Lang::En);
    to_intake(&mut w, &disk, "users.csv");
    to_grid(&mut w, &disk);
    assert_eq!(key(&w, KeyCode::Enter), Some(Msg::Toggle));
    assert_eq!(key(&w, KeyCode::Right), Some(Msg::Next));
    assert_eq!(key(&w, KeyCode::Char('p')), Some(Msg::Next));
    send(&mut w, &[Msg::Toggle]);
    assert!(flow(&w).checked().unwrap().detail);
    assert_eq!(input::context(&w), input::Context::CsvDetail);
    // Moving keeps it open on the next row; Enter or Esc closes it, nothing else happens.
    send(&mut w, &[Msg::Down, Msg::Down, Msg::Down]);
    let c = flow(&w).checked().unwrap();
    assert!(c.detail);
    assert_eq!(c.rows.cursor(), 3);
    // Line 5 repeats line 2: its reason says so.
    let r = report(&w).unwrap();
    let row = r.rows[3];
    assert_eq!(row.line, 5);
    assert!(r.issues_at(5).iter().any(|i| matches!(
        i.detail,
        crate::domain::csv_intake::Detail::DuplicateOf { line: 2 }
    )));
    assert_eq!(key(&w, KeyCode::Enter), Some(Msg::Back));
    assert!(send(&mut w, &[Msg::Back]).is_empty());
    assert!(!flow(&w).checked().unwrap().detail);
    assert_eq!(
        stage(&w),
        StageKind::Grid,
        "Esc closed the detail, not the grid"
    );
    send(&mut w, &[Msg::Toggle, Msg::Next]);
    assert_eq!(stage(&w), StageKind::Grid, "Enter in the detail closes it");
    assert!(!flow(&w).checked().unwrap().detail);
}

// ---- the invite journal, read after the first frame ----

fn journal_of(addresses: &[&str]) -> Msg {
    let set: std::collections::BTreeSet<String> =
        addresses.iter().map(|a| (*a).to_string()).collect();
    journal::loaded(Ok(Arc::new(set)))
}

#[test]
fn an_invite_asked_for_before_the_journal_is_read_opens_once_it_is() {
    let mut w = wizard(set_up(), Lang::En);
    w.defer_journal();
    assert_eq!(w.startup_effects(), vec![Effect::LoadJournal]);
    assert!(!w.holds_keys(), "nothing asked for yet: keys work as ever");
    // `i` waits: the step stays, and the banner says why; keys typed now wait for the form.
    assert!(send(&mut w, &[Msg::InviteIndividual]).is_empty());
    assert!(matches!(w.screen, Screen::Step(_)));
    assert!(w.holds_keys());
    let banner = w.banner.as_ref().map(|b| format!("{:?}", b.text));
    assert!(banner.is_some_and(|b| b.contains("core.journal.reading")));
    // The journal arrives: its addresses count as seats, the form opens, the banner goes.
    send(&mut w, &[journal_of(&["a@example.com", "b@example.com"])]);
    assert!(matches!(w.screen, Screen::Individual(_)));
    assert_eq!(w.progress.seat_budget().used, 2);
    assert!(w.banner.is_none());
    assert_eq!(w.journal, journal::Journal::Ready);
    assert!(!w.holds_keys());
    // A second answer (never sent, but harmless) adds nothing twice.
    send(&mut w, &[journal_of(&["c@example.com"])]);
    assert_eq!(w.progress.seat_budget().used, 2);

    // Esc while waiting: the step stays, the wait is forgotten, the journal still joins.
    let mut w = wizard(set_up(), Lang::En);
    w.defer_journal();
    send(&mut w, &[Msg::InviteCsv, Msg::Back]);
    assert!(matches!(w.screen, Screen::Step(_)));
    assert!(!w.holds_keys());
    assert!(w.banner.is_none());
    send(&mut w, &[journal_of(&["a@example.com"])]);
    assert!(matches!(w.screen, Screen::Step(_)));
    assert_eq!(w.progress.seat_budget().used, 1);
}

#[test]
fn an_invite_asked_for_elsewhere_is_not_opened_when_the_journal_arrives() {
    let mut w = wizard(set_up(), Lang::Ko);
    w.defer_journal();
    // Esc stops the wait; a second Esc goes to the hub, as ever.
    send(&mut w, &[Msg::InviteCsv, Msg::Back, Msg::Back]);
    assert!(matches!(w.screen, Screen::Hub(_)));
    let effects = send(&mut w, &[journal_of(&["a@example.com"])]);
    assert!(effects.is_empty());
    assert!(matches!(w.screen, Screen::Hub(_)));
    // Asked again now, it opens at once.
    let mut w2 = wizard(set_up(), Lang::Ko);
    w2.defer_journal();
    send(&mut w2, &[journal_of(&[])]);
    send(&mut w2, &[Msg::InviteCsv]);
    assert!(matches!(w2.screen, Screen::Csv(_)));
}

#[test]
fn a_journal_that_cannot_be_read_keeps_inviting_off_and_says_which_file() {
    let mut w = wizard(set_up(), Lang::ZhTw);
    w.defer_journal();
    let why = Detail::new("core.err.read")
        .arg("path", "/cfg/invited.txt")
        .arg("error", "permission denied");
    send(&mut w, &[journal::loaded(Err(notice(why)))]);
    assert!(matches!(w.journal, journal::Journal::Failed(_)));
    let refused = |w: &mut Wizard, msg: Msg| {
        w.banner = None;
        let before = std::mem::discriminant(&w.screen);
        assert!(send(w, &[msg]).is_empty());
        assert_eq!(std::mem::discriminant(&w.screen), before);
        let b = w.banner.as_ref().unwrap();
        assert_eq!(b.kind, BannerKind::Error);
        let text = format!("{:?}", b.text);
        assert!(text.contains("core.journal.failed"), "{text}");
    };
    refused(&mut w, Msg::InviteIndividual);
    refused(&mut w, Msg::InviteCsv);
    // The rest of the step still works.
    send(&mut w, &[Msg::Toggle]);
    assert!(
        w.progress
            .items
            .get(&ItemId::InviteUsers)
            .is_some_and(|i| !i.ticked.is_empty())
    );
    // Hand-off files carry and merge invited addresses: off too, from the hub.
    send(&mut w, &[Msg::Back]);
    assert!(matches!(w.screen, Screen::Hub(_)));
    refused(&mut w, Msg::WriteHandoff);
    refused(&mut w, Msg::PickHandoff);
}

#[test]
fn a_resumed_csv_invite_waits_for_the_journal_then_resumes() {
    let disk = Disk::with("users.csv", cp949(KOREAN));
    let (mut progress, _) = grid_with_choices(&disk);
    let mut saved = saved_flow(&progress);
    saved.stage = CsvStage::Plan;
    progress.csv_flow = Some(SavedCsvFlow::Read(saved));
    let mut w = wizard_at(progress, Lang::Ko, None, Remembered::new());
    w.defer_journal();
    let effects = w.startup_effects();
    assert_eq!(effects, vec![Effect::LoadJournal]);
    assert!(matches!(w.screen, Screen::Hub(_)));
    let effects = send(&mut w, &[journal_of(&["minjun.kim@example.com"])]);
    serve(&mut w, &disk, effects);
    assert_eq!(stage(&w), StageKind::Plan);
    // Validation saw the journal's address as already invited.
    let r = report(&w).unwrap();
    assert!(
        r.issues
            .iter()
            .any(|i| i.kind == engine::IssueKind::AlreadyInvited)
    );
}
