//! Credentials for the live checks: where they come from, how they are checked, and how they are
//! remembered when the user asks.
//!
//! - **Sources, in order**: command-line flags (`--munchkin-id`), the environment
//!   (`MARKETO_BASE_URL`, `MARKETO_CLIENT_ID`, `MARKETO_CLIENT_SECRET`, `SF_INSTANCE_URL`,
//!   `SF_ACCESS_TOKEN`), then `<config dir>/credentials.toml` if the user chose to remember them.
//!   The `sf` CLI is asked by `remote::sf_cli` (it runs a process, so it lives with the network
//!   code). Without any of them a check is skipped: offline stays the default.
//! - **URLs**: HTTPS only, except `http://127.0.0.1`, `http://localhost` and `http://[::1]` (local
//!   test servers). No user info, query or fragment.
//! - **Secrets** ([`Secret`]): never shown by `Debug`, never in a URL, never in an error text.
//!   `credentials.toml` is separate from the progress file and has mode 0600 from creation
//!   (temp file in the same directory, then rename).

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::domain::checks::System;
use crate::domain::checks::salesforce::DEFAULT_API_VERSION;
use crate::domain::text::{Detail, Localize, io_error};

/// The file name of remembered credentials inside the config dir.
pub const CREDENTIALS_FILE: &str = "credentials.toml";

/// Marketo instance base URL (`https://123-ABC-456.mktorest.com`).
pub const ENV_MARKETO_BASE_URL: &str = "MARKETO_BASE_URL";
/// Marketo custom service client id.
pub const ENV_MARKETO_CLIENT_ID: &str = "MARKETO_CLIENT_ID";
/// Marketo custom service client secret.
pub const ENV_MARKETO_CLIENT_SECRET: &str = "MARKETO_CLIENT_SECRET";
/// Salesforce instance URL (`https://acme.my.salesforce.com`).
pub const ENV_SF_INSTANCE_URL: &str = "SF_INSTANCE_URL";
/// Salesforce access token.
pub const ENV_SF_ACCESS_TOKEN: &str = "SF_ACCESS_TOKEN";

/// A secret value (client id or secret, access token). `Debug` shows `[redacted]`; there is no
/// `Display` and no `Serialize`, so it cannot slip into output by accident. Use
/// [`Secret::expose`] only where the value is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Credentials of a Marketo custom service.
#[derive(Clone, PartialEq, Eq)]
pub struct MarketoCredentials {
    /// Instance base URL (no `/rest`, no `/identity`, no trailing slash).
    pub base_url: Url,
    /// Client id (treated as a secret: it identifies the service).
    pub client_id: Secret,
    /// Client secret.
    pub client_secret: Secret,
}

impl fmt::Debug for MarketoCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MarketoCredentials")
            .field("base_url", &safe_url(&self.base_url))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// Where Salesforce credentials came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SfSource {
    /// `SF_INSTANCE_URL` + `SF_ACCESS_TOKEN`.
    Env,
    /// `credentials.toml`.
    Saved,
    /// The `sf` CLI (with the org alias, if one was given).
    SfCli(Option<String>),
    /// Typed into the TUI.
    Typed,
}

/// Credentials of a Salesforce org.
#[derive(Clone, PartialEq, Eq)]
pub struct SalesforceCredentials {
    /// Instance URL (no trailing slash).
    pub instance_url: Url,
    /// Access token.
    pub access_token: Secret,
    /// REST API version, like `60.0`.
    pub api_version: String,
    /// Where they came from.
    pub source: SfSource,
}

impl fmt::Debug for SalesforceCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SalesforceCredentials")
            .field("instance_url", &safe_url(&self.instance_url))
            .field("access_token", &self.access_token)
            .field("api_version", &self.api_version)
            .field("source", &self.source)
            .finish()
    }
}

/// Whether a system's checks can run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Availability<T> {
    /// Credentials are there.
    Ready(T),
    /// None given: the checks are skipped (the detail says what is missing).
    Missing(Detail),
    /// Asked for but could not be had (e.g. the `sf` CLI failed for `--sf-target-org`): the
    /// checks end in error with this detail.
    Failed(Detail),
}

impl<T> Availability<T> {
    /// The credentials, when ready.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Availability::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// Credentials of both systems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// Marketo.
    pub marketo: Availability<MarketoCredentials>,
    /// Salesforce.
    pub salesforce: Availability<SalesforceCredentials>,
}

impl Credentials {
    /// Every secret value held, for scrubbing output.
    #[must_use]
    pub fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(m) = self.marketo.ready() {
            out.push(m.client_id.expose().to_string());
            out.push(m.client_secret.expose().to_string());
        }
        if let Some(s) = self.salesforce.ready() {
            out.push(s.access_token.expose().to_string());
        }
        out
    }
}

/// A configuration the checks cannot start with (`verify` exits 2), or typed credentials the
/// form refuses. Its text is the catalog's (`checks.config.*`, see [`Localize`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not a URL at all (the value is not repeated: it might hold credentials).
    BadUrl {
        /// Where it came from (env var or flag).
        var: String,
        /// Why.
        reason: String,
    },
    /// Not HTTPS (and not a local test server).
    NotHttps {
        /// Where it came from.
        var: String,
        /// The URL without user info or query.
        url: String,
    },
    /// A Munchkin id not shaped like `123-ABC-456`.
    BadMunchkin {
        /// What was given.
        value: String,
    },
    /// `credentials.toml` could not be read.
    FileUnreadable {
        /// The file.
        path: String,
        /// Why.
        reason: Detail,
    },
    /// `credentials.toml` is not valid (the content is never repeated).
    FileInvalid {
        /// The file.
        path: String,
        /// 1-based line of the problem.
        line: usize,
    },
    /// `credentials.toml` is readable by others.
    FileTooOpen {
        /// The file.
        path: String,
        /// Its mode bits.
        mode: u32,
    },
    /// `credentials.toml` could not be written.
    FileUnwritable {
        /// The file.
        path: String,
        /// Why.
        reason: Detail,
    },
    /// A required value of the credentials form is empty.
    MissingValues,
}

impl Localize for ConfigError {
    fn detail(&self) -> Detail {
        match self {
            ConfigError::BadUrl { var, reason } => Detail::new("checks.config.bad-url")
                .arg("var", var)
                .arg("reason", reason),
            ConfigError::NotHttps { var, url } => Detail::new("checks.config.not-https")
                .arg("var", var)
                .arg("url", url),
            ConfigError::BadMunchkin { value } => {
                Detail::new("checks.config.bad-munchkin").arg("value", value)
            }
            ConfigError::FileUnreadable { path, reason } => {
                Detail::new("checks.config.file-unreadable")
                    .arg("path", path)
                    .arg_detail("reason", reason.clone())
            }
            ConfigError::FileInvalid { path, line } => Detail::new("checks.config.file-invalid")
                .arg("path", path)
                .arg("line", line),
            ConfigError::FileTooOpen { path, mode } => Detail::new("checks.config.file-too-open")
                .arg("path", path)
                .arg("mode", format!("{mode:o}")),
            ConfigError::FileUnwritable { path, reason } => {
                Detail::new("checks.config.file-unwritable")
                    .arg("path", path)
                    .arg_detail("reason", reason.clone())
            }
            ConfigError::MissingValues => Detail::new("checks.form.missing"),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::domain::text::fmt_english(self, f)
    }
}

/// A URL as it may be shown: no user info, no query, no fragment.
#[must_use]
pub fn safe_url(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.as_str().trim_end_matches('/').to_string()
}

/// A remembered URL for `Debug`: without user info or query; `[invalid]` if it does not parse.
fn debug_url(raw: &str) -> String {
    Url::parse(raw).map_or_else(|_| "[invalid]".to_string(), |u| safe_url(&u))
}

/// Whether the host is this machine (plain HTTP is allowed there, for local test servers).
#[must_use]
pub fn is_local(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Checks that `url` may be used: https (or http to this machine), a host, no user info.
///
/// # Errors
/// [`ConfigError::NotHttps`] or [`ConfigError::BadUrl`], naming `var`.
pub fn check_url(var: &str, url: &Url) -> Result<(), ConfigError> {
    let bad = |reason: &str| ConfigError::BadUrl {
        var: var.to_string(),
        reason: reason.to_string(),
    };
    if url.host().is_none() {
        return Err(bad("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it must not contain a user name or password"));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_local(url) => Ok(()),
        _ => Err(ConfigError::NotHttps {
            var: var.to_string(),
            url: safe_url(url),
        }),
    }
}

/// Parses a base URL typed or set in the environment: trims it, drops a trailing `/`, and for
/// Marketo a trailing `/rest` or `/identity` (the Web Services page shows both forms).
///
/// # Errors
/// [`ConfigError`] when it is not a usable URL.
pub fn parse_base_url(var: &str, raw: &str) -> Result<Url, ConfigError> {
    let trimmed = raw.trim();
    let mut url = Url::parse(trimmed).map_err(|e| ConfigError::BadUrl {
        var: var.to_string(),
        reason: e.to_string(),
    })?;
    check_url(var, &url)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::BadUrl {
            var: var.to_string(),
            reason: "it must not have a query or fragment".to_string(),
        });
    }
    let path = url.path().trim_end_matches('/').to_string();
    let path = path
        .strip_suffix("/rest")
        .or_else(|| path.strip_suffix("/identity"))
        .unwrap_or(&path)
        .to_string();
    url.set_path(&path);
    Ok(url)
}

/// `123-abc-456` → `https://123-ABC-456.mktorest.com`.
///
/// # Errors
/// [`ConfigError::BadMunchkin`] when it is not three digits, three letters, three digits.
pub fn munchkin_base_url(id: &str) -> Result<Url, ConfigError> {
    let id = id.trim();
    let parts: Vec<&str> = id.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 3
        && parts[0].chars().all(|c| c.is_ascii_digit())
        && parts[1].len() == 3
        && parts[1].chars().all(|c| c.is_ascii_alphabetic())
        && parts[2].len() == 3
        && parts[2].chars().all(|c| c.is_ascii_digit());
    if !ok {
        return Err(ConfigError::BadMunchkin {
            value: id.chars().take(40).collect(),
        });
    }
    let url = format!("https://{}.mktorest.com", id.to_ascii_uppercase());
    Url::parse(&url).map_err(|e| ConfigError::BadUrl {
        var: "--munchkin-id".into(),
        reason: e.to_string(),
    })
}

/// Marketo credentials as typed into the TUI: `base` is a Munchkin ID (`123-ABC-456`) or a base
/// URL (`https://123-ABC-456.mktorest.com`, with or without `/rest`).
///
/// # Errors
/// [`ConfigError`] when `base` is neither.
pub fn marketo_from_input(
    base: &str,
    client_id: &str,
    client_secret: &str,
) -> Result<MarketoCredentials, ConfigError> {
    let base = base.trim();
    let base_url = if base.contains("://") {
        parse_base_url("Marketo URL", base)?
    } else {
        munchkin_base_url(base)?
    };
    Ok(MarketoCredentials {
        base_url,
        client_id: Secret::new(client_id.trim()),
        client_secret: Secret::new(client_secret.trim()),
    })
}

/// Salesforce credentials as typed into the TUI.
///
/// # Errors
/// [`ConfigError`] when the instance URL is not usable.
pub fn salesforce_from_input(
    instance_url: &str,
    access_token: &str,
) -> Result<SalesforceCredentials, ConfigError> {
    Ok(SalesforceCredentials {
        instance_url: parse_base_url("Salesforce URL", instance_url)?,
        access_token: Secret::new(access_token.trim()),
        api_version: DEFAULT_API_VERSION.to_string(),
        source: SfSource::Typed,
    })
}

fn nonempty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Marketo credentials from `--munchkin-id`, the environment and remembered values (first one
/// set wins, per value).
///
/// # Errors
/// [`ConfigError`] when a URL or Munchkin id given is unusable (even if the rest is missing).
pub fn resolve_marketo(
    env: &dyn Fn(&str) -> Option<String>,
    munchkin_id: Option<&str>,
    saved: Option<&SavedCredentials>,
) -> Result<Availability<MarketoCredentials>, ConfigError> {
    let saved = saved.and_then(|s| s.marketo.as_ref());
    let base = match (
        munchkin_id.map(str::trim).filter(|s| !s.is_empty()),
        nonempty(env(ENV_MARKETO_BASE_URL)),
    ) {
        (Some(id), _) => Some(munchkin_base_url(id)?),
        (None, Some(raw)) => Some(parse_base_url(ENV_MARKETO_BASE_URL, &raw)?),
        (None, None) => match saved.and_then(|s| s.base_url.clone()) {
            Some(raw) => Some(parse_base_url(CREDENTIALS_FILE, &raw)?),
            None => None,
        },
    };
    let client_id = nonempty(env(ENV_MARKETO_CLIENT_ID))
        .map(Secret)
        .or_else(|| {
            saved
                .and_then(|s| s.client_id.clone())
                .filter(|s| !s.is_empty())
        });
    let client_secret = nonempty(env(ENV_MARKETO_CLIENT_SECRET))
        .map(Secret)
        .or_else(|| {
            saved
                .and_then(|s| s.client_secret.clone())
                .filter(|s| !s.is_empty())
        });
    match (base, client_id, client_secret) {
        (Some(base_url), Some(client_id), Some(client_secret)) => {
            Ok(Availability::Ready(MarketoCredentials {
                base_url,
                client_id,
                client_secret,
            }))
        }
        (base, id, secret) => {
            let mut missing = Vec::new();
            if base.is_none() {
                missing.push(format!("{ENV_MARKETO_BASE_URL} / --munchkin-id"));
            }
            if id.is_none() {
                missing.push(ENV_MARKETO_CLIENT_ID.to_string());
            }
            if secret.is_none() {
                missing.push(ENV_MARKETO_CLIENT_SECRET.to_string());
            }
            Ok(Availability::Missing(
                Detail::new("checks.skipped.marketo-missing").arg("missing", missing.join(", ")),
            ))
        }
    }
}

/// Salesforce credentials from the environment and remembered values. The `sf` CLI is tried by
/// the caller when this gives [`Availability::Missing`].
///
/// # Errors
/// [`ConfigError`] when the instance URL given is unusable.
pub fn resolve_salesforce(
    env: &dyn Fn(&str) -> Option<String>,
    saved: Option<&SavedCredentials>,
) -> Result<Availability<SalesforceCredentials>, ConfigError> {
    let saved = saved.and_then(|s| s.salesforce.as_ref());
    let (env_url, env_token) = (
        nonempty(env(ENV_SF_INSTANCE_URL)),
        nonempty(env(ENV_SF_ACCESS_TOKEN)),
    );
    let from_env = env_url.is_some() || env_token.is_some();
    let (url, token, source) = if from_env {
        (
            env_url.map(|u| (ENV_SF_INSTANCE_URL, u)),
            env_token.map(Secret),
            SfSource::Env,
        )
    } else {
        (
            saved
                .and_then(|s| s.instance_url.clone())
                .map(|u| (CREDENTIALS_FILE, u)),
            saved
                .and_then(|s| s.access_token.clone())
                .filter(|t| !t.is_empty()),
            SfSource::Saved,
        )
    };
    let url = match url {
        Some((var, raw)) => Some(parse_base_url(var, &raw)?),
        None => None,
    };
    let api_version = saved
        .and_then(|s| s.api_version.clone())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_API_VERSION.to_string());
    match (url, token) {
        (Some(instance_url), Some(access_token)) => {
            Ok(Availability::Ready(SalesforceCredentials {
                instance_url,
                access_token,
                api_version,
                source,
            }))
        }
        (url, token) => {
            let mut missing = Vec::new();
            if url.is_none() {
                missing.push(ENV_SF_INSTANCE_URL);
            }
            if token.is_none() {
                missing.push(ENV_SF_ACCESS_TOKEN);
            }
            Ok(Availability::Missing(
                Detail::new("checks.skipped.salesforce-missing").arg("missing", missing.join(", ")),
            ))
        }
    }
}

/// Remembered credentials (`credentials.toml`). Every value is optional; secrets stay
/// [`Secret`]s in memory and are written only by [`save`].
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCredentials {
    /// Marketo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketo: Option<SavedMarketo>,
    /// Salesforce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salesforce: Option<SavedSalesforce>,
}

impl fmt::Debug for SavedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedCredentials")
            .field("marketo", &self.marketo)
            .field("salesforce", &self.salesforce)
            .finish()
    }
}

/// Remembered Marketo values.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedMarketo {
    /// Base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Client id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "secret_serde"
    )]
    pub client_id: Option<Secret>,
    /// Client secret.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "secret_serde"
    )]
    pub client_secret: Option<Secret>,
}

impl fmt::Debug for SavedMarketo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedMarketo")
            .field("base_url", &self.base_url.as_deref().map(debug_url))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// Remembered Salesforce values (a token expires; the `sf` CLI is the better source).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSalesforce {
    /// Instance URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_url: Option<String>,
    /// Access token.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "secret_serde"
    )]
    pub access_token: Option<Secret>,
    /// API version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
}

impl fmt::Debug for SavedSalesforce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedSalesforce")
            .field("instance_url", &self.instance_url.as_deref().map(debug_url))
            .field("access_token", &self.access_token)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl SavedCredentials {
    /// `self` with the `system` section replaced by what was just typed into that system's
    /// form (`creds` holds it); the other system's section stays as it was on disk, never
    /// filled from the environment or the `sf` CLI.
    #[must_use]
    pub fn with_typed(mut self, system: System, creds: &Credentials) -> SavedCredentials {
        match system {
            System::Marketo => {
                self.marketo = creds.marketo.ready().map(|m| SavedMarketo {
                    base_url: Some(safe_url(&m.base_url)),
                    client_id: Some(m.client_id.clone()),
                    client_secret: Some(m.client_secret.clone()),
                });
            }
            System::Salesforce => {
                self.salesforce = creds.salesforce.ready().map(|s| SavedSalesforce {
                    instance_url: Some(safe_url(&s.instance_url)),
                    access_token: Some(s.access_token.clone()),
                    api_version: Some(s.api_version.clone()),
                });
            }
        }
        self
    }
}

mod secret_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Secret;

    #[allow(clippy::ref_option)] // the signature serde's `with` expects
    pub fn serialize<S: Serializer>(v: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(secret) => s.serialize_str(secret.expose()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Secret))
    }
}

/// Takes the values typed into `system`'s credentials form (in the form's field order) into
/// `creds`; an empty required value is refused. Used by the TUI and plain mode alike.
///
/// # Errors
/// A malformed URL or Munchkin ID, or a required value left empty.
pub fn set_typed(
    creds: &mut Credentials,
    system: System,
    values: &[String],
) -> Result<(), ConfigError> {
    let v = |i: usize| values.get(i).map_or("", String::as_str);
    match system {
        System::Marketo => {
            let c = marketo_from_input(v(0), v(1), v(2))?;
            if c.client_id.is_empty() || c.client_secret.is_empty() {
                return Err(ConfigError::MissingValues);
            }
            creds.marketo = Availability::Ready(c);
        }
        System::Salesforce => {
            let c = salesforce_from_input(v(0), v(1))?;
            if c.access_token.is_empty() {
                return Err(ConfigError::MissingValues);
            }
            creds.salesforce = Availability::Ready(c);
        }
    }
    Ok(())
}

/// Remembers `system`'s credentials as typed (now in `creds`) in `config_dir`; what else is
/// remembered stays as it is, and nothing taken from the environment is saved.
///
/// # Errors
/// `credentials.toml` cannot be read or written.
pub fn remember_typed(
    config_dir: &Path,
    system: System,
    creds: &Credentials,
) -> Result<(), ConfigError> {
    let saved = load(config_dir)?
        .unwrap_or_default()
        .with_typed(system, creds);
    save(config_dir, &saved).map(|_| ())
}

/// `<config dir>/credentials.toml`.
#[must_use]
pub fn credentials_path(config_dir: &Path) -> PathBuf {
    config_dir.join(CREDENTIALS_FILE)
}

/// Reads remembered credentials; `Ok(None)` when there is no file (or no config dir).
///
/// # Errors
/// [`ConfigError`] when the file cannot be read, is not valid, or is readable by others (Unix).
/// The message never repeats the file's content.
pub fn load(config_dir: &Path) -> Result<Option<SavedCredentials>, ConfigError> {
    if config_dir.as_os_str().is_empty() {
        return Ok(None);
    }
    let path = credentials_path(config_dir);
    let shown = path.display().to_string();
    // Opened non-blocking and checked: a FIFO or device in its place is refused, never waited on.
    let unreadable = |reason: Detail| ConfigError::FileUnreadable {
        path: shown.clone(),
        reason,
    };
    let text = match crate::fsutil::read_regular(&path) {
        Ok(None) => return Ok(None),
        Ok(Some(bytes)) => {
            String::from_utf8(bytes).map_err(|_| unreadable(Detail::new("io.invalid-data")))?
        }
        Err(e) => match crate::fsutil::not_regular(&e) {
            Some(n) => return Err(unreadable(Detail::new(n.kind.key()).arg("path", &shown))),
            None => return Err(unreadable(io_error(&e))),
        },
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(&path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(ConfigError::FileTooOpen { path: shown, mode });
            }
        }
    }
    toml::from_str::<SavedCredentials>(&text)
        .map(Some)
        .map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text.get(..s.start)
                    .map_or(1, |before| before.matches('\n').count() + 1)
            });
            ConfigError::FileInvalid { path: shown, line }
        })
}

/// Remembers credentials in `<config dir>/credentials.toml`: the directory is created (0700 on
/// Unix) if needed; the file is replaced atomically ([`crate::fsutil::AtomicFile`]: a temp file
/// in the same directory, 0600 from creation, synced, renamed over the old one).
///
/// # Errors
/// [`ConfigError::FileUnwritable`] naming the file (never its content).
pub fn save(config_dir: &Path, creds: &SavedCredentials) -> Result<PathBuf, ConfigError> {
    let path = credentials_path(config_dir);
    let fail = |reason: Detail| ConfigError::FileUnwritable {
        path: path.display().to_string(),
        reason,
    };
    let os = |e: std::io::Error| fail(io_error(&e));
    if config_dir.as_os_str().is_empty() {
        return Err(fail(Detail::new("core.err.no-config-dir")));
    }
    let text =
        toml::to_string(creds).map_err(|e| fail(Detail::new("io.other").arg("message", e)))?;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(config_dir).map_err(os)?;
    // Always 0600, whatever the old file's mode was.
    let mut file = crate::fsutil::AtomicFile::create(&path).map_err(os)?;
    file.file().write_all(text.as_bytes()).map_err(os)?;
    file.commit().map_err(os)?;
    Ok(path)
}

/// Forgets remembered credentials. `Ok(false)` when there were none.
///
/// # Errors
/// [`ConfigError::FileUnwritable`] when the file exists but cannot be removed.
pub fn forget(config_dir: &Path) -> Result<bool, ConfigError> {
    if config_dir.as_os_str().is_empty() {
        return Ok(false);
    }
    let path = credentials_path(config_dir);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(ConfigError::FileUnwritable {
            path: path.display().to_string(),
            reason: io_error(&e),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_name_the_os_cause_in_the_users_language() {
        use crate::domain::text::{Catalog, Lang};
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap_or_else(|e| panic!("{e}"));
        // A config dir below a regular file cannot be created.
        let Err(e) = save(&blocker.join("cfg"), &SavedCredentials::default()) else {
            panic!("saved below a regular file");
        };
        let ConfigError::FileUnwritable { reason, .. } = &e else {
            panic!("{e:?}");
        };
        assert!(reason.key.starts_with("io."), "{reason:?}");
        let ko = Catalog::load(Lang::Ko).unwrap_or_else(|e| panic!("{e}"));
        let text = e.localize(&ko);
        assert!(text.contains(&reason.render(&ko)), "{text}");
        assert!(!text.contains("Not a directory"), "{text}");
    }

    #[test]
    fn urls() {
        assert!(parse_base_url("X", "http://example.com").is_err());
        assert!(parse_base_url("X", "http://127.0.0.1:8080").is_ok());
        assert!(parse_base_url("X", "http://localhost:1").is_ok());
        assert!(parse_base_url("X", "https://u:p@example.com").is_err());
        let u = parse_base_url("X", "https://123-ABC-456.mktorest.com/rest/").ok();
        assert_eq!(
            u.map(|u| safe_url(&u)).as_deref(),
            Some("https://123-abc-456.mktorest.com")
        );
        assert!(munchkin_base_url("123-abc-456").is_ok());
        assert!(munchkin_base_url("12-abc-456").is_err());
        assert!(munchkin_base_url("123-ab1-456").is_err());
    }
}
