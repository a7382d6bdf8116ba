//! `msi-setup verify [--marketo] [--salesforce] [--json]`: runs every live check it has
//! credentials for (neither flag = both systems) and prints the outcomes, in the user's language
//! or as JSON: `{"version":1,"checks":[{"id","step","status","detail",...}]}` (docs/json.md).
//!
//! Exit codes: 0 when nothing failed or errored (passes, warnings, skips), 1 when a check failed
//! or could not run, 2 for a configuration error (a non-HTTPS URL, a malformed Munchkin ID, an
//! unreadable `credentials.toml`). Nothing is written to disk, and no secret is printed.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::Context;
use super::common::{self, ErrorCode};
use crate::cli::VerifyArgs;
use crate::credentials::{self, Availability, ConfigError, Credentials};
use crate::domain::checks::{
    CheckFacts, CheckId, CheckOutcome, CheckStatus, Detail, System, format_secs,
};
use crate::domain::guide::ItemId;
use crate::domain::text::{Catalog, Localize};
use crate::remote::sf_cli::{SfCli, fill_from_sf_cli};
use crate::remote::{self, Clients, HttpConfig};

/// Runs `verify` with the process environment.
pub fn run(args: &VerifyArgs, ctx: &Context, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_with_env(args, ctx, &|k| std::env::var(k).ok(), out, err)
}

/// Which systems `args` selects: neither flag means both.
#[must_use]
pub fn selected(args: &VerifyArgs) -> (bool, bool) {
    if args.marketo || args.salesforce {
        (args.marketo, args.salesforce)
    } else {
        (true, true)
    }
}

/// Resolves the credentials of the selected systems (unselected ones are `Missing` and not run).
///
/// # Errors
/// A configuration error of a selected system.
pub fn resolve(
    args: &VerifyArgs,
    ctx: &Context,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, ConfigError> {
    let (want_mk, want_sf) = selected(args);
    let saved = credentials::load(&ctx.config_dir)?;
    fn unselected<T>() -> Availability<T> {
        Availability::Missing(Detail::new("checks.skipped.not-selected"))
    }
    Ok(Credentials {
        marketo: if want_mk {
            credentials::resolve_marketo(env, args.munchkin_id.as_deref(), saved.as_ref())?
        } else {
            unselected()
        },
        salesforce: if want_sf {
            credentials::resolve_salesforce(env, saved.as_ref())?
        } else {
            unselected()
        },
    })
}

/// Runs `verify` with `env` as the environment (tests pass their own).
pub fn run_with_env(
    args: &VerifyArgs,
    ctx: &Context,
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let tr = &ctx.tr;
    let mut creds = match resolve(args, ctx, env) {
        Ok(c) => c,
        Err(e) => {
            let message = e.detail().render(tr);
            if args.json {
                common::write_json_error(out, e.code(), &message, e.path());
            }
            let _ = writeln!(err, "msi-setup verify: {message}");
            return 2;
        }
    };
    let (want_mk, want_sf) = selected(args);
    let ids: Vec<CheckId> = <CheckId as strum::VariantArray>::VARIANTS
        .iter()
        .copied()
        .filter(|id| match id.system() {
            System::Marketo => want_mk,
            System::Salesforce => want_sf,
        })
        .collect();
    let http = HttpConfig::from_env(env);
    let sf = SfCli::from_env(env);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let message = Detail::new("checks.error.runtime")
                .arg("reason", e.kind())
                .render(tr);
            if args.json {
                common::write_json_error(out, "internal", &message, None);
            }
            let _ = writeln!(err, "msi-setup verify: {message}");
            return 2;
        }
    };
    let outcomes = runtime.block_on(async {
        if want_sf {
            fill_from_sf_cli(&mut creds, &sf, args.sf_target_org.as_deref()).await;
        }
        // A server that does not answer: say on stderr what we wait for, instead of silence
        // until the timeout.
        let waiting_tr = tr.clone();
        let observer: remote::http::WaitObserver = std::sync::Arc::new(move |w| {
            let line = Detail::new("files.verify.waiting")
                .arg("url", &w.url)
                .arg("try", w.attempt)
                .arg("tries", w.tries)
                .arg("secs", w.timeout.as_secs_f64())
                .render(&waiting_tr);
            eprintln!("msi-setup verify: {line}");
        });
        let clients = Clients::observed(&creds, &http, Some(observer));
        remote::run_checks(&clients, &ids).await
    });
    let text = if args.json {
        render_json(tr, &outcomes)
    } else {
        render_human(tr, &creds, &outcomes)
    };
    let _ = out.write_all(text.as_bytes());
    exit_code(&outcomes)
}

/// 1 when a check failed or errored, else 0.
#[must_use]
pub fn exit_code(outcomes: &[CheckOutcome]) -> u8 {
    u8::from(outcomes.iter().any(|o| o.status.is_problem()))
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    checks: Vec<JsonCheck<'a>>,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    id: CheckId,
    step: ItemId,
    status: CheckStatus,
    detail: String,
    detail_key: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    detail_args: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    proves: &'static [&'static str],
    duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<&'a CheckFacts>,
}

/// The JSON report: `{"version":1,"checks":[...]}`, one line plus a newline. `detail` is rendered in the
/// user's language; `detail_key` and `detail_args` are stable for scripts.
#[must_use]
pub fn render_json(tr: &Catalog, outcomes: &[CheckOutcome]) -> String {
    let report = JsonReport {
        version: common::JSON_VERSION,
        checks: outcomes
            .iter()
            .map(|o| JsonCheck {
                id: o.id,
                step: o.step,
                status: o.status,
                detail: o.detail.render(tr),
                detail_key: &o.detail.key,
                detail_args: &o.detail.args,
                notes: o.notes.iter().map(|n| n.render(tr)).collect(),
                proves: o.proven_substeps(),
                duration_ms: o.duration_ms,
                facts: o.facts.as_ref(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string(&report)
        .unwrap_or_else(|_| "{\"version\":1,\"checks\":[]}".to_string());
    s.push('\n');
    s
}

fn pad(text: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// The human report, grouped by system, in the user's language.
#[must_use]
pub fn render_human(tr: &Catalog, creds: &Credentials, outcomes: &[CheckOutcome]) -> String {
    let mut s = String::new();
    let status_width = [
        CheckStatus::Pass,
        CheckStatus::Fail,
        CheckStatus::Warn,
        CheckStatus::Skipped,
        CheckStatus::Error,
    ]
    .iter()
    .map(|st| UnicodeWidthStr::width(tr.t(st.label_key())))
    .max()
    .unwrap_or(4);
    let indent = " ".repeat(status_width + 4);
    for system in [System::Marketo, System::Salesforce] {
        let group: Vec<&CheckOutcome> = outcomes
            .iter()
            .filter(|o| o.id.system() == system)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = match system {
            System::Marketo => match creds.marketo.ready() {
                Some(m) => tr.f(
                    "checks.verify.marketo-at",
                    &[("url", &credentials::safe_url(&m.base_url))],
                ),
                None => tr.t("checks.verify.marketo").to_string(),
            },
            System::Salesforce => match creds.salesforce.ready() {
                Some(c) => tr.f(
                    "checks.verify.salesforce-at",
                    &[("url", &credentials::safe_url(&c.instance_url))],
                ),
                None => tr.t("checks.verify.salesforce").to_string(),
            },
        };
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(&heading);
        s.push('\n');
        // A whole system skipped for one reason (no credentials): say it once.
        if let [first, rest @ ..] = group.as_slice()
            && first.status == CheckStatus::Skipped
            && rest
                .iter()
                .all(|o| o.status == CheckStatus::Skipped && o.detail == first.detail)
        {
            let names: Vec<&str> = group.iter().map(|o| o.id.as_str()).collect();
            let status = pad(tr.t(CheckStatus::Skipped.label_key()), status_width);
            s.push_str(&format!("  {status}  {}\n", names.join(", ")));
            s.push_str(&format!("{indent}{}\n", first.detail.render(tr)));
            continue;
        }
        for o in group {
            let status = pad(tr.t(o.status.label_key()), status_width);
            let timing = if o.status == CheckStatus::Skipped {
                String::new()
            } else {
                format!(
                    " · {}",
                    tr.f(
                        "checks.verify.seconds",
                        &[("secs", &format_secs(o.duration_ms))]
                    )
                )
            };
            s.push_str(&format!(
                "  {status}  {} · {} · {}{timing}\n",
                tr.t(o.id.label_key()),
                o.id.as_str(),
                tr.f("checks.verify.step", &[("step", &o.step)]),
            ));
            s.push_str(&format!("{indent}{}\n", o.detail.render(tr)));
            for n in &o.notes {
                s.push_str(&format!("{indent}- {}\n", n.render(tr)));
            }
            // The message names the first three candidates; list them all when there are more.
            if let Some(CheckFacts::Admins { candidates, .. }) = &o.facts
                && candidates.len() > 3
            {
                for c in candidates.iter().take(10) {
                    let name = format!("{} {}", c.first_name, c.last_name);
                    s.push_str(&format!(
                        "{indent}  {} <{}> ({})\n",
                        name.trim(),
                        c.email,
                        c.roles.join(", ")
                    ));
                }
                if candidates.len() > 10 {
                    s.push_str(&format!(
                        "{indent}  {}\n",
                        tr.f("checks.verify.more", &[("count", &(candidates.len() - 10))])
                    ));
                }
            }
            let proven = o.proven_substeps();
            if !proven.is_empty() {
                s.push_str(&format!(
                    "{indent}{}\n",
                    tr.f("checks.verify.proves", &[("substeps", &proven.join(", "))])
                ));
            }
        }
    }
    let count = |st: CheckStatus| outcomes.iter().filter(|o| o.status == st).count();
    s.push('\n');
    s.push_str(&tr.f(
        "checks.verify.summary",
        &[
            ("pass", &count(CheckStatus::Pass)),
            ("warn", &count(CheckStatus::Warn)),
            ("fail", &count(CheckStatus::Fail)),
            ("error", &count(CheckStatus::Error)),
            ("skipped", &count(CheckStatus::Skipped)),
        ],
    ));
    s.push('\n');
    if !outcomes.is_empty() && outcomes.iter().all(|o| o.status == CheckStatus::Skipped) {
        s.push_str(tr.t("checks.verify.all-skipped"));
        s.push('\n');
    }
    s
}
