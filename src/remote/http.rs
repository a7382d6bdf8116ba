//! The shared HTTP layer: one `reqwest::Client` (rustls with the ring provider, connect and total
//! timeouts, no redirects), bounded body reads, transport errors turned into [`Problem`]s that
//! name the URL (never a header or body), and the backoff schedule.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use reqwest::{RequestBuilder, Url};

use crate::credentials::{is_local, safe_url};
use crate::domain::checks::Problem;

/// Total timeout of a request, in ms (default 30 000).
pub const ENV_TIMEOUT_MS: &str = "MSI_SETUP_HTTP_TIMEOUT_MS";
/// Connect timeout, in ms (default 10 000).
pub const ENV_CONNECT_TIMEOUT_MS: &str = "MSI_SETUP_HTTP_CONNECT_TIMEOUT_MS";
/// First backoff delay, in ms, for every retry class (defaults: 1 000; 4 000 after a rate limit).
pub const ENV_RETRY_BASE_MS: &str = "MSI_SETUP_RETRY_BASE_MS";

/// Timeouts and retry settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpConfig {
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Total timeout of one request (headers and body).
    pub timeout: Duration,
    /// First backoff delay after a transient error (604/608/611/713, 502–504).
    pub retry_base: Duration,
    /// First backoff delay after a rate or concurrency limit (606/615): Marketo's window is 20 s.
    pub rate_limit_base: Duration,
    /// Tries in all (first try included) for transient errors.
    pub max_tries: u32,
    /// Largest body read.
    pub max_body_bytes: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry_base: Duration::from_secs(1),
            rate_limit_base: Duration::from_secs(4),
            max_tries: 3,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

impl HttpConfig {
    /// Defaults, overridden by `MSI_SETUP_HTTP_TIMEOUT_MS`, `MSI_SETUP_HTTP_CONNECT_TIMEOUT_MS`
    /// and `MSI_SETUP_RETRY_BASE_MS` (tests use short values). Unparsable values are ignored.
    #[must_use]
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> HttpConfig {
        let ms = |k: &str| {
            env(k)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|&v| v > 0)
                .map(Duration::from_millis)
        };
        let mut c = HttpConfig::default();
        if let Some(t) = ms(ENV_TIMEOUT_MS) {
            c.timeout = t;
        }
        if let Some(t) = ms(ENV_CONNECT_TIMEOUT_MS) {
            c.connect_timeout = t;
        }
        if let Some(t) = ms(ENV_RETRY_BASE_MS) {
            c.retry_base = t;
            c.rate_limit_base = t;
        }
        c
    }

    /// The timeout in ms, for messages.
    #[must_use]
    pub fn timeout_ms(&self) -> u64 {
        u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX)
    }
}

/// The HTTP clients every check shares: requests to this machine go straight to it (never
/// through a proxy, whatever `HTTP_PROXY`/`ALL_PROXY` say: a local test server gets credentials
/// in clear), every other request is HTTPS only (refused before a socket opens otherwise) and
/// may go through the system proxy, which honours `NO_PROXY`. Cheap to clone.
#[derive(Clone)]
pub struct Http {
    /// For loopback URLs only: no proxy at all.
    direct: reqwest::Client,
    /// For everything else: HTTPS only, system proxy.
    remote: reqwest::Client,
    /// Told when a request goes unanswered for a while.
    observer: Option<WaitObserver>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").finish_non_exhaustive()
    }
}

/// A request that has had no answer for a while (a quarter of the timeout, at most 2 s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// The URL, without query.
    pub url: String,
    /// Which try this is (1 = the first).
    pub attempt: u32,
    /// Tries at most.
    pub tries: u32,
    /// When this try gives up.
    pub timeout: Duration,
}

/// Hears about requests that go unanswered (`verify` says so on stderr).
pub type WaitObserver = std::sync::Arc<dyn Fn(&Waiting) + Send + Sync>;

impl Http {
    /// The client for `url`: the direct one for this machine, the HTTPS-only one otherwise.
    #[must_use]
    pub fn client_for(&self, url: &Url) -> &reqwest::Client {
        if is_local(url) {
            &self.direct
        } else {
            &self.remote
        }
    }

    /// The same clients, telling `observer` about requests that go unanswered.
    #[must_use]
    pub fn observed(mut self, observer: Option<WaitObserver>) -> Http {
        self.observer = observer;
        self
    }

    /// A GET request to `url`.
    pub fn get(&self, url: Url) -> RequestBuilder {
        self.client_for(&url).get(url)
    }

    /// A POST request to `url`.
    pub fn post(&self, url: Url) -> RequestBuilder {
        self.client_for(&url).post(url)
    }
}

/// Builds the clients every check shares (see [`Http`]).
///
/// # Errors
/// A message (no secrets involved) when TLS cannot be set up, e.g. no usable root certificates.
pub fn build_client(cfg: &HttpConfig) -> Result<Http, String> {
    // reqwest is built without a default provider (no aws-lc-sys); ring is ours. Installing
    // twice is harmless: the second call just reports that one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let base = || {
        reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("msi-setup/", env!("CARGO_PKG_VERSION")))
    };
    let fail = |e: reqwest::Error| {
        // reqwest's builder errors name no URL and no secret; keep only the kind.
        if e.is_builder() {
            "could not set up TLS".to_string()
        } else {
            "could not set up HTTP".to_string()
        }
    };
    Ok(Http {
        direct: base().no_proxy().build().map_err(fail)?,
        remote: base().https_only(true).build().map_err(fail)?,
        observer: None,
    })
}

/// An HTTP answer: status and (bounded) body.
#[derive(Clone, Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Sends a request and reads the whole body (at most `cfg.max_body_bytes`). `url` is the URL for
/// messages; `attempt` counts from 0 (for the "waiting" notice). Redirects are reported, not
/// followed.
///
/// # Errors
/// [`Problem::Timeout`], [`Problem::Connect`], [`Problem::Transport`], [`Problem::Redirect`],
/// [`Problem::TooLarge`]; never a reqwest error text (they can carry URLs with queries).
pub async fn send(
    http: &Http,
    req: RequestBuilder,
    url: &Url,
    cfg: &HttpConfig,
    attempt: u32,
) -> Result<Answer, Problem> {
    let shown = safe_url(url);
    let pending = req.send();
    tokio::pin!(pending);
    let answered = match &http.observer {
        Some(observer) => {
            let after = (cfg.timeout / 4).min(Duration::from_secs(2));
            tokio::select! {
                r = &mut pending => r,
                () = tokio::time::sleep(after) => {
                    observer(&Waiting {
                        url: shown.clone(),
                        attempt: attempt + 1,
                        tries: cfg.max_tries,
                        timeout: cfg.timeout,
                    });
                    pending.await
                }
            }
        }
        None => pending.await,
    };
    let mut resp = answered.map_err(|e| transport_problem(&e, &shown, cfg))?;
    let status = resp.status().as_u16();
    if resp.status().is_redirection() {
        return Err(Problem::Redirect { url: shown, status });
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| transport_problem(&e, &shown, cfg))?
    {
        if body.len() + chunk.len() > cfg.max_body_bytes {
            return Err(Problem::TooLarge { url: shown });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body })
}

fn transport_problem(e: &reqwest::Error, shown: &str, cfg: &HttpConfig) -> Problem {
    if e.is_timeout() {
        Problem::Timeout {
            url: shown.to_string(),
            ms: cfg.timeout_ms(),
        }
    } else if e.is_connect() {
        Problem::Connect {
            url: shown.to_string(),
        }
    } else {
        Problem::Transport {
            url: shown.to_string(),
        }
    }
}

/// The delay before retry number `attempt` (0 = the first retry): `base · 2^attempt`, capped at
/// 30 s, with "equal jitter" (half fixed, half random) so parallel clients spread out.
#[must_use]
pub fn backoff_delay(attempt: u32, base: Duration) -> Duration {
    let full = base
        .saturating_mul(2u32.saturating_pow(attempt))
        .min(Duration::from_secs(30));
    let half = full / 2;
    let jitter = half.mul_f64(random_unit());
    half + jitter
}

/// A number in [0, 1) from the standard library's randomly seeded hasher (no RNG crate needed
/// for jitter).
fn random_unit() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x9E37_79B9_7F4A_7C15);
    let bits = h.finish() >> 11; // 53 bits
    #[allow(clippy::cast_precision_loss)] // 53 bits fit an f64 exactly
    let unit = bits as f64 / (1u64 << 53) as f64;
    unit
}

/// A URL made of `base` plus an absolute `path` (no double slash, whatever `base` ends with).
///
/// # Errors
/// [`Problem::Malformed`] when the result is not a URL (cannot happen for checked bases).
pub fn join(base: &Url, path: &str) -> Result<Url, Problem> {
    let text = format!(
        "{}/{}",
        base.as_str().trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    Url::parse(&text).map_err(|_| Problem::Malformed {
        url: safe_url(base),
        what: format!("cannot build a URL with {path}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let d = backoff_delay(attempt, base);
            let full = base * 2u32.pow(attempt);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        assert!(backoff_delay(30, Duration::from_secs(5)) <= Duration::from_secs(30));
    }

    #[test]
    fn env_overrides() {
        let env = |k: &str| match k {
            ENV_TIMEOUT_MS => Some("250".to_string()),
            ENV_RETRY_BASE_MS => Some("5".to_string()),
            ENV_CONNECT_TIMEOUT_MS => Some("nope".to_string()),
            _ => None,
        };
        let c = HttpConfig::from_env(&env);
        assert_eq!(c.timeout, Duration::from_millis(250));
        assert_eq!(c.rate_limit_base, Duration::from_millis(5));
        assert_eq!(c.connect_timeout, HttpConfig::default().connect_timeout);
    }

    #[test]
    fn joins_without_double_slash() {
        let base = Url::parse("http://127.0.0.1:1/").ok();
        let u = base.and_then(|b| join(&b, "/rest/v1/x.json").ok());
        assert_eq!(
            u.map(|u| u.to_string()).as_deref(),
            Some("http://127.0.0.1:1/rest/v1/x.json")
        );
    }

    #[test]
    fn plain_http_leaves_this_machine_never() {
        // The non-local client refuses plain http before any socket opens (a closed port on
        // a documentation address would otherwise be a connect error, not a builder error).
        let http = build_client(&HttpConfig::default()).ok();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok();
        let (Some(http), Some(rt)) = (http, rt) else {
            panic!("no client or runtime");
        };
        let far = Url::parse("http://192.0.2.1:9/x").ok();
        let err = far.and_then(|u| rt.block_on(http.get(u).send()).err());
        assert!(err.is_some_and(|e| e.is_builder()), "plain http was sent");
        let near = Url::parse("http://127.0.0.1:9/x").ok();
        assert!(near.is_some_and(|u| std::ptr::eq(http.client_for(&u), &http.direct)));
    }
}
