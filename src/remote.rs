//! The network shell of the live checks: reqwest clients for Marketo and Salesforce (the only
//! code that touches the network), the `sf` CLI lookup, and the runner that turns each
//! [`CheckId`] into a [`CheckOutcome`].
//!
//! For the TUI: build [`Clients`] once from [`Credentials`] (cheap to clone: the HTTP client and
//! the Marketo token cache are shared), spawn one task per check with a clone
//! (`let c = clients.clone(); tokio::spawn(async move { run_check(&c, id).await })`; the future
//! is `Send + 'static` that way), and cancel by aborting the task (dropping the future stops the
//! request; an `sf` child is killed). [`run_check`] never panics on input: every failure becomes
//! an outcome. The `sf` CLI lookup is [`sf_cli::SfCli::credentials`], also async.

pub mod http;
pub mod marketo;
pub mod salesforce;
pub mod sf_cli;

use std::time::Instant;

pub use self::http::HttpConfig;
use self::marketo::MarketoClient;
use self::salesforce::SalesforceClient;
use crate::credentials::{Availability, Credentials};
use crate::domain::checks::marketo as mk;
use crate::domain::checks::salesforce::{self as sf};
use crate::domain::checks::{
    CheckFacts, CheckId, CheckOutcome, CheckStatus, Detail, System, Verdict,
};

/// A system's client, or why there is none.
#[derive(Clone, Debug)]
enum Slot<T> {
    Ready(T),
    /// Skipped (no credentials) or error (credentials asked for but unusable).
    Unavailable(CheckStatus, Detail),
}

impl<T> Slot<T> {
    fn from_availability<C>(a: &Availability<C>, make: impl FnOnce(&C) -> T) -> Slot<T> {
        match a {
            Availability::Ready(c) => Slot::Ready(make(c)),
            Availability::Missing(d) => Slot::Unavailable(CheckStatus::Skipped, d.clone()),
            Availability::Failed(d) => Slot::Unavailable(CheckStatus::Error, d.clone()),
        }
    }
}

/// The clients of both systems (or why each is missing). Clone freely.
#[derive(Clone, Debug)]
pub struct Clients {
    marketo: Slot<MarketoClient>,
    salesforce: Slot<SalesforceClient>,
}

impl Clients {
    /// Builds the clients for `creds`, sharing one HTTP client. If HTTP cannot be set up (no TLS
    /// roots), every check that would need it ends in error saying so.
    #[must_use]
    pub fn new(creds: &Credentials, cfg: &HttpConfig) -> Clients {
        Clients::observed(creds, cfg, None)
    }

    /// [`Clients::new`], telling `observer` about requests that go unanswered for a while.
    #[must_use]
    pub fn observed(
        creds: &Credentials,
        cfg: &HttpConfig,
        observer: Option<http::WaitObserver>,
    ) -> Clients {
        match http::build_client(cfg).map(|h| h.observed(observer)) {
            Ok(client) => Clients {
                marketo: Slot::from_availability(&creds.marketo, |c| {
                    MarketoClient::new(client.clone(), *cfg, c.clone())
                }),
                salesforce: Slot::from_availability(&creds.salesforce, |c| {
                    SalesforceClient::new(client.clone(), *cfg, c.clone())
                }),
            },
            Err(reason) => {
                let d = Detail::new("checks.error.http-setup").arg("reason", reason);
                Clients {
                    marketo: slot_without_http(&creds.marketo, &d),
                    salesforce: slot_without_http(&creds.salesforce, &d),
                }
            }
        }
    }

    /// The Marketo client, when there are credentials.
    #[must_use]
    pub fn marketo(&self) -> Option<&MarketoClient> {
        match &self.marketo {
            Slot::Ready(c) => Some(c),
            Slot::Unavailable(..) => None,
        }
    }

    /// The Salesforce client, when there are credentials.
    #[must_use]
    pub fn salesforce(&self) -> Option<&SalesforceClient> {
        match &self.salesforce {
            Slot::Ready(c) => Some(c),
            Slot::Unavailable(..) => None,
        }
    }

    async fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(m) = self.marketo() {
            out.extend(m.secrets().await);
        }
        if let Some(s) = self.salesforce() {
            out.extend(s.secrets());
        }
        out
    }
}

fn slot_without_http<T, C>(a: &Availability<C>, no_http: &Detail) -> Slot<T> {
    match a {
        Availability::Missing(m) => Slot::Unavailable(CheckStatus::Skipped, m.clone()),
        Availability::Failed(f) => Slot::Unavailable(CheckStatus::Error, f.clone()),
        Availability::Ready(_) => Slot::Unavailable(CheckStatus::Error, no_http.clone()),
    }
}

/// Runs one check. Never panics on what the servers send; every failure is an outcome with a
/// message that names the URL and says what to do. Timing and `finished_at` are filled in, and
/// every secret the clients hold is scrubbed from the outcome.
pub async fn run_check(clients: &Clients, id: CheckId) -> CheckOutcome {
    let started = Instant::now();
    let mut outcome = match id.system() {
        System::Marketo => match &clients.marketo {
            Slot::Ready(c) => run_marketo(c, id).await,
            Slot::Unavailable(status, d) => CheckOutcome::new(id, *status, d.clone()),
        },
        System::Salesforce => match &clients.salesforce {
            Slot::Ready(c) => run_salesforce(c, id).await,
            Slot::Unavailable(status, d) => CheckOutcome::new(id, *status, d.clone()),
        },
    };
    outcome.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    outcome.finished_at = Some(jiff::Timestamp::now());
    let secrets = clients.secrets().await;
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    outcome.scrub(&refs);
    outcome
}

async fn run_marketo(c: &MarketoClient, id: CheckId) -> CheckOutcome {
    let verdict = match id {
        CheckId::MarketoAuth => c.token_info().await.map(|t| {
            let minutes = t.expires_in_secs.div_ceil(60);
            let detail = match &t.scope {
                Some(scope) => Detail::new("checks.marketo-auth.pass")
                    .arg("url", c.base_url())
                    .arg("scope", scope)
                    .arg("minutes", minutes),
                None => Detail::new("checks.marketo-auth.pass-no-scope")
                    .arg("url", c.base_url())
                    .arg("minutes", minutes),
            };
            Verdict::new(CheckStatus::Pass, detail).facts(CheckFacts::MarketoToken {
                scope: t.scope,
                expires_in_secs: t.expires_in_secs,
            })
        }),
        CheckId::MarketoSyncFields => c.describe2().await.map(|f| mk::classify_sync_fields(&f)),
        CheckId::MarketoAdmins => c.admin_scan().await,
        _ => Ok(Verdict::new(
            CheckStatus::Error,
            Detail::new("checks.error.wrong-system"),
        )),
    };
    match verdict {
        Ok(v) => CheckOutcome::from_verdict(id, v),
        Err(p) => CheckOutcome::from_problem(id, &p),
    }
}

async fn run_salesforce(c: &SalesforceClient, id: CheckId) -> CheckOutcome {
    let verdict = match id {
        CheckId::SfPackage => c
            .query(sf::PACKAGE_SOQL, true)
            .await
            .map(|page| sf::classify_package(&sf::parse_packages(&page.records))),
        CheckId::SfRemoteSites => c
            .query(sf::REMOTE_SITES_SOQL, true)
            .await
            .map(|page| sf::classify_remote_sites(sf::parse_remote_sites(&page.records))),
        CheckId::SfPermissionSet => match c.query(sf::PERMISSION_SET_SOQL, false).await {
            Ok(page) => {
                let found = sf::pick_permission_set(&page.records);
                // Counting assignees is extra information: if it fails, say so and pass anyway.
                let count = match found
                    .as_ref()
                    .and_then(|p| sf::assignment_count_soql(&p.id))
                {
                    Some(soql) => c.query(&soql, false).await.ok().map(|p| p.total_size),
                    None => None,
                };
                Ok(sf::classify_permission_set(found.as_ref(), count))
            }
            Err(p) => Err(p),
        },
        CheckId::SfConfigObject => {
            sf::classify_config_object(c.query(sf::CONFIG_OBJECT_SOQL, false).await)
        }
        _ => Ok(Verdict::new(
            CheckStatus::Error,
            Detail::new("checks.error.wrong-system"),
        )),
    };
    match verdict {
        Ok(v) => CheckOutcome::from_verdict(id, v),
        Err(p) => CheckOutcome::from_problem(id, &p),
    }
}

/// Runs `ids` (in [`CheckId`] order): the Marketo checks one after another (Marketo wants
/// calls one at a time), the Salesforce checks likewise, the two systems side by side. When
/// `marketo-auth` is among them and does not pass, the other Marketo checks are skipped instead
/// of failing again for the same reason.
pub async fn run_checks(clients: &Clients, ids: &[CheckId]) -> Vec<CheckOutcome> {
    let wanted = |system| {
        CheckId::of(system)
            .filter(|id| ids.contains(id))
            .collect::<Vec<_>>()
    };
    let (mk_ids, sf_ids) = (wanted(System::Marketo), wanted(System::Salesforce));
    let marketo = async {
        let mut out = Vec::new();
        let mut auth_failed: Option<CheckStatus> = None;
        for id in mk_ids {
            if let (Some(_), true) = (auth_failed, id != CheckId::MarketoAuth) {
                out.push(CheckOutcome::new(
                    id,
                    CheckStatus::Skipped,
                    Detail::new("checks.skipped.after-auth"),
                ));
                continue;
            }
            let o = run_check(clients, id).await;
            if id == CheckId::MarketoAuth
                && matches!(o.status, CheckStatus::Fail | CheckStatus::Error)
            {
                auth_failed = Some(o.status);
            }
            out.push(o);
        }
        out
    };
    let salesforce = async {
        let mut out = Vec::new();
        for id in sf_ids {
            out.push(run_check(clients, id).await);
        }
        out
    };
    let (mut a, b) = tokio::join!(marketo, salesforce);
    a.extend(b);
    a
}
