//! The Salesforce client: SOQL over REST and Tooling with a bearer token. Salesforce's own errors
//! (`INVALID_SESSION_ID`, `INVALID_TYPE`, ...) are never retried; gateway errors (502–504) get a
//! bounded backoff.

use reqwest::Url;
use serde_json::Value;

use super::http::{Http, HttpConfig, backoff_delay, join, send};
use crate::credentials::{SalesforceCredentials, safe_url};
use crate::domain::checks::Problem;
use crate::domain::checks::salesforce::{self as sf, QueryPage};

/// At most this many pages of one query are read.
const MAX_PAGES: usize = 20;

/// A Salesforce org. Cheap to clone.
#[derive(Clone)]
pub struct SalesforceClient {
    http: Http,
    cfg: HttpConfig,
    creds: SalesforceCredentials,
}

impl std::fmt::Debug for SalesforceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SalesforceClient")
            .field("creds", &self.creds)
            .finish_non_exhaustive()
    }
}

impl SalesforceClient {
    /// A client for `creds` (already checked: HTTPS or local).
    #[must_use]
    pub fn new(http: Http, cfg: HttpConfig, creds: SalesforceCredentials) -> SalesforceClient {
        SalesforceClient { http, cfg, creds }
    }

    /// The instance URL, for messages.
    #[must_use]
    pub fn instance_url(&self) -> String {
        safe_url(&self.creds.instance_url)
    }

    /// The secrets this client holds (for scrubbing outcomes).
    #[must_use]
    pub fn secrets(&self) -> Vec<String> {
        vec![self.creds.access_token.expose().to_string()]
    }

    fn query_url(&self, soql: &str, tooling: bool) -> Result<Url, Problem> {
        let v = self.creds.api_version.trim_start_matches('v');
        let path = if tooling {
            format!("/services/data/v{v}/tooling/query/")
        } else {
            format!("/services/data/v{v}/query/")
        };
        let mut url = join(&self.creds.instance_url, &path)?;
        url.query_pairs_mut().append_pair("q", soql);
        Ok(url)
    }

    async fn get_page(&self, url: &Url) -> Result<QueryPage, Problem> {
        let shown = safe_url(url);
        let mut attempt = 0;
        loop {
            let req = self
                .http
                .get(url.clone())
                .bearer_auth(self.creds.access_token.expose())
                .header("Accept", "application/json");
            let a = send(&self.http, req, url, &self.cfg, attempt).await?;
            if sf::is_transient_status(a.status) && attempt + 1 < self.cfg.max_tries {
                tokio::time::sleep(backoff_delay(attempt, self.cfg.retry_base)).await;
                attempt += 1;
                continue;
            }
            return sf::parse_query(&shown, a.status, &a.body);
        }
    }

    /// Runs a SOQL query (Tooling API when `tooling`) and follows `nextRecordsUrl` (at most 20
    /// pages). Returns one page holding every record; `total_size` as Salesforce gave it.
    ///
    /// # Errors
    /// The problem (a [`Problem::Salesforce`] carries `errorCode`).
    pub async fn query(&self, soql: &str, tooling: bool) -> Result<QueryPage, Problem> {
        let url = self.query_url(soql, tooling)?;
        let mut page = self.get_page(&url).await?;
        let mut records: Vec<Value> = std::mem::take(&mut page.records);
        let mut next = page.next_records_url.clone().filter(|_| !page.done);
        let mut pages = 1;
        while let Some(path) = next {
            if pages >= MAX_PAGES || !path.starts_with('/') {
                break;
            }
            let url = join(&self.creds.instance_url, &path)?;
            let mut more = self.get_page(&url).await?;
            records.append(&mut more.records);
            next = more.next_records_url.clone().filter(|_| !more.done);
            pages += 1;
        }
        Ok(QueryPage {
            total_size: page.total_size,
            done: true,
            next_records_url: None,
            records,
        })
    }
}
