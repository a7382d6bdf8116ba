//! The Marketo client: token (form-encoded POST, cached until it expires, shared by clones),
//! `Authorization: Bearer` on every call, the envelope read properly, 601/602 → one re-auth,
//! 606/615/604/608/611/713 → bounded backoff with jitter, everything else → a problem that says
//! what to do.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use serde_json::Value;
use tokio::sync::Mutex;

use super::http::{Answer, Http, HttpConfig, backoff_delay, join, send};
use crate::credentials::{MarketoCredentials, Secret, safe_url};
use crate::domain::checks::marketo::{
    self as mk, MAX_ROLE_LOOKUPS, NEED_LEADS, RetryClass, TokenAnswer, USERS_PAGE_SIZE,
};
use crate::domain::checks::{AdminCandidate, Problem, Verdict};
use crate::domain::fields::DescribedField;

/// A token is reused until this long before it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

#[derive(Clone)]
struct CachedToken {
    value: Secret,
    expires_at: Instant,
    expires_in: u64,
    scope: Option<String>,
}

/// What the TUI can show about the token (never the token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    /// The API-only user that owns the service.
    pub scope: Option<String>,
    /// Seconds left when it was issued.
    pub expires_in_secs: u64,
}

/// A Marketo instance. Cheap to clone; clones share the HTTP client and the token cache.
#[derive(Clone)]
pub struct MarketoClient {
    http: Http,
    cfg: HttpConfig,
    creds: MarketoCredentials,
    token: Arc<Mutex<Option<CachedToken>>>,
}

impl std::fmt::Debug for MarketoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketoClient")
            .field("creds", &self.creds)
            .finish_non_exhaustive()
    }
}

impl MarketoClient {
    /// A client for `creds` (already checked: HTTPS or local).
    #[must_use]
    pub fn new(http: Http, cfg: HttpConfig, creds: MarketoCredentials) -> MarketoClient {
        MarketoClient {
            http,
            cfg,
            creds,
            token: Arc::new(Mutex::new(None)),
        }
    }

    /// The instance base URL, for messages.
    #[must_use]
    pub fn base_url(&self) -> String {
        safe_url(&self.creds.base_url)
    }

    /// Every secret this client holds or has held (for scrubbing outcomes).
    pub async fn secrets(&self) -> Vec<String> {
        let mut out = vec![
            self.creds.client_id.expose().to_string(),
            self.creds.client_secret.expose().to_string(),
        ];
        if let Some(t) = self.token.lock().await.as_ref() {
            out.push(t.value.expose().to_string());
        }
        out
    }

    /// A valid token: the cached one while it has more than 30 s left, else a new one.
    ///
    /// # Errors
    /// [`Problem::MarketoAuth`] when the credentials are refused; transport problems.
    pub async fn token_info(&self) -> Result<TokenInfo, Problem> {
        let t = self.cached_or_new().await?;
        Ok(TokenInfo {
            scope: t.scope,
            expires_in_secs: t.expires_in,
        })
    }

    async fn cached_or_new(&self) -> Result<CachedToken, Problem> {
        // Held across the request so concurrent checks ask for one token, not several.
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref()
            && t.expires_at > Instant::now() + EXPIRY_MARGIN
        {
            return Ok(t.clone());
        }
        let fresh = self.request_token().await?;
        *slot = Some(fresh.clone());
        Ok(fresh)
    }

    /// Drops the cached token if it is still `stale` (another task may have renewed it).
    async fn invalidate(&self, stale: &Secret) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| &t.value == stale) {
            *slot = None;
        }
    }

    async fn request_token(&self) -> Result<CachedToken, Problem> {
        let url = join(&self.creds.base_url, mk::TOKEN_PATH)?;
        let shown = safe_url(&url);
        let mut attempt = 0;
        loop {
            // The credentials go in the form body: never in the URL, never in a message.
            let req = self
                .http
                .post(url.clone())
                .header("Accept", "application/json")
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", self.creds.client_id.expose()),
                    ("client_secret", self.creds.client_secret.expose()),
                ]);
            let Answer { status, body } = send(&self.http, req, &url, &self.cfg, attempt).await?;
            match mk::parse_token(&shown, status, &body) {
                TokenAnswer::Granted(g) => {
                    return Ok(CachedToken {
                        expires_at: Instant::now() + Duration::from_secs(g.expires_in),
                        expires_in: g.expires_in,
                        scope: g.scope,
                        value: Secret::new(g.access_token),
                    });
                }
                TokenAnswer::Retry(p) if attempt + 1 < self.cfg.max_tries => {
                    tokio::time::sleep(self.delay_for(&p, attempt)).await;
                    attempt += 1;
                }
                TokenAnswer::Retry(p) | TokenAnswer::Failed(p) => return Err(p),
            }
        }
    }

    fn delay_for(&self, p: &Problem, attempt: u32) -> Duration {
        let base = match p {
            Problem::Marketo { code, .. } if mk::retry_class(code) == RetryClass::RateLimited => {
                self.cfg.rate_limit_base
            }
            _ => self.cfg.retry_base,
        };
        backoff_delay(attempt, base)
    }

    fn retry_class(p: &Problem) -> RetryClass {
        match p {
            Problem::Marketo { code, .. } => mk::retry_class(code),
            Problem::HttpStatus {
                status: 429 | 502..=504,
                ..
            } => RetryClass::Transient,
            _ => RetryClass::Stop,
        }
    }

    /// Runs `call` with a bearer token: on 601/602 gets a new token once and retries; on a
    /// transient or rate-limit code backs off (at most `max_tries` tries in all).
    async fn with_retries<F, Fut>(&self, mut call: F) -> Result<Value, Problem>
    where
        F: FnMut(Secret, u32) -> Fut,
        Fut: Future<Output = Result<Value, Problem>>,
    {
        let mut reauthed = false;
        let mut attempt = 0;
        loop {
            let token = self.cached_or_new().await?.value;
            let problem = match call(token.clone(), attempt).await {
                Ok(v) => return Ok(v),
                Err(p) => p,
            };
            match Self::retry_class(&problem) {
                RetryClass::Reauth if !reauthed => {
                    reauthed = true;
                    self.invalidate(&token).await;
                }
                RetryClass::RateLimited | RetryClass::Transient
                    if attempt + 1 < self.cfg.max_tries =>
                {
                    tokio::time::sleep(self.delay_for(&problem, attempt)).await;
                    attempt += 1;
                }
                _ => return Err(problem),
            }
        }
    }

    /// `GET` a REST (`/rest/...`) path and read the envelope; returns `result`.
    ///
    /// # Errors
    /// The problem after retries.
    pub async fn rest_get(&self, path: &str, need: &str) -> Result<Value, Problem> {
        let url = join(&self.creds.base_url, path)?;
        let shown = safe_url(&url);
        self.with_retries(|token, attempt| {
            let req = self
                .http
                .get(url.clone())
                .bearer_auth(token.expose())
                .header("Accept", "application/json");
            let (url, shown) = (url.clone(), shown.clone());
            async move {
                let a = send(&self.http, req, &url, &self.cfg, attempt).await?;
                mk::parse_envelope(&shown, a.status, &a.body, need)
            }
        })
        .await
    }

    /// `GET` a User Management API URL; returns the JSON.
    async fn user_api_get(&self, url: &Url) -> Result<Value, Problem> {
        let shown = safe_url(url);
        self.with_retries(|token, attempt| {
            let req = self
                .http
                .get(url.clone())
                .bearer_auth(token.expose())
                .header("Accept", "application/json");
            let shown = shown.clone();
            async move {
                let a = send(&self.http, req, url, &self.cfg, attempt).await?;
                mk::parse_user_api(&shown, a.status, &a.body)
            }
        })
        .await
    }

    /// `describe2`: every person field of the instance.
    ///
    /// # Errors
    /// The problem after retries (603: the role lacks Read-Only Lead).
    pub async fn describe2(&self) -> Result<Vec<DescribedField>, Problem> {
        let result = self.rest_get(mk::DESCRIBE2_PATH, NEED_LEADS).await?;
        let url = join(&self.creds.base_url, mk::DESCRIBE2_PATH).map(|u| safe_url(&u))?;
        mk::parse_describe2(&url, &result)
    }

    /// Lists users and reads the roles of up to 40 non-API users: the admin candidates for the
    /// first invite. A 603 (or HTTP 403) becomes the "not permitted" warning.
    ///
    /// # Errors
    /// Other problems (auth, network, malformed answers).
    pub async fn admin_scan(&self) -> Result<Verdict, Problem> {
        let mut list_url = join(&self.creds.base_url, mk::USERS_PATH)?;
        list_url
            .query_pairs_mut()
            .append_pair("pageSize", &USERS_PAGE_SIZE.to_string())
            .append_pair("pageOffset", "0");
        let shown = safe_url(&list_url);
        let users = match self.user_api_get(&list_url).await {
            Ok(json) => mk::parse_users(&shown, &json)?,
            Err(p) if p.is_not_permitted() => return Ok(mk::admins_not_permitted(&shown)),
            Err(p) => return Err(p),
        };
        let listed = users.len() as u64;
        let people: Vec<_> = users.iter().filter(|u| !u.api_only).collect();
        let mut candidates: Vec<AdminCandidate> = Vec::new();
        let mut checked = 0u64;
        for user in people.iter().take(MAX_ROLE_LOOKUPS) {
            let mut url = self.creds.base_url.clone();
            match url.path_segments_mut() {
                Ok(mut segs) => {
                    segs.pop_if_empty()
                        .extend(mk::user_path_segments(&user.userid));
                }
                Err(()) => continue,
            }
            match self.user_api_get(&url).await {
                Ok(json) => {
                    checked += 1;
                    let roles = mk::admin_roles(&json);
                    if !roles.is_empty() {
                        candidates.push(mk::candidate(user, roles));
                    }
                }
                Err(p) if p.is_not_permitted() => return Ok(mk::admins_not_permitted(&shown)),
                // A user that vanished or is only invited: skip it, keep going.
                Err(Problem::Marketo { .. } | Problem::HttpStatus { status: 404, .. }) => {}
                Err(p) => return Err(p),
            }
        }
        let truncated = listed >= USERS_PAGE_SIZE || people.len() > MAX_ROLE_LOOKUPS;
        Ok(mk::classify_admins(candidates, listed, checked, truncated))
    }
}
