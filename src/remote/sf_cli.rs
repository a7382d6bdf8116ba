//! Salesforce credentials from the `sf` CLI, when it is installed: `sf org display --json` for
//! the instance URL and API version, `sf org auth show-access-token --json` for the token (since
//! May 2026 `org display` redacts it; on an older CLI without `show-access-token` the token of
//! `org display` is used if it is not redacted).
//!
//! The child runs with `NO_COLOR=1`, no stdin, a timeout, and is killed if the future is dropped
//! (cancelled). `MSI_SETUP_SF_CLI` names the program (`off` disables the lookup: tests set it so
//! a real `sf` can never be run or hang them).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::credentials::{
    Availability, Credentials, SalesforceCredentials, Secret, SfSource, parse_base_url,
};
use crate::domain::checks::salesforce::DEFAULT_API_VERSION;
use crate::domain::checks::{body_excerpt, format_secs};
use crate::domain::text::{Detail, Localize};

/// The program to run (`off`, `0`, `false`, `none` disable the lookup). Default `sf`.
pub const ENV_SF_CLI: &str = "MSI_SETUP_SF_CLI";
/// Timeout of each `sf` command, in ms (default 60 000: `sf` starts slowly and may refresh).
pub const ENV_SF_CLI_TIMEOUT_MS: &str = "MSI_SETUP_SF_CLI_TIMEOUT_MS";

/// How to run the `sf` CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SfCli {
    /// The program, or None when disabled.
    pub program: Option<PathBuf>,
    /// Timeout of each command.
    pub timeout: Duration,
}

/// Asks the `sf` CLI for Salesforce credentials when `--sf-target-org` is given (it wins over
/// the environment) or when none were found otherwise.
pub async fn fill_from_sf_cli(creds: &mut Credentials, sf: &SfCli, target_org: Option<&str>) {
    let explicit = target_org.is_some();
    if !explicit && !matches!(creds.salesforce, Availability::Missing(_)) {
        return;
    }
    if !explicit && sf.program.is_none() {
        return;
    }
    match sf.credentials(target_org).await {
        Ok(c) => creds.salesforce = Availability::Ready(c),
        Err(e) if explicit => creds.salesforce = Availability::Failed(e.detail()),
        Err(e) if e.is_absent() => {}
        Err(e) => creds.salesforce = Availability::Missing(e.detail()),
    }
}

/// Why the `sf` CLI gave no credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SfCliError {
    /// Disabled by `MSI_SETUP_SF_CLI`.
    Disabled,
    /// Not installed (not found on PATH).
    NotInstalled,
    /// Did not finish in time.
    Timeout {
        /// The command line.
        command: String,
        /// Seconds.
        secs: String,
    },
    /// Ran and reported an error (e.g. no default org).
    Failed {
        /// The command line.
        command: String,
        /// `name` of the error (`NoDefaultEnvError`) or the exit status.
        name: String,
        /// Its message.
        message: String,
    },
    /// Printed something that is not the expected JSON.
    BadOutput {
        /// The command line.
        command: String,
    },
    /// Gave no usable token (redacted and no `show-access-token`).
    NoToken {
        /// The command line.
        command: String,
    },
    /// The instance URL it gave is not usable.
    BadUrl {
        /// Why.
        reason: String,
    },
}

impl SfCliError {
    /// Whether the CLI is simply not there (so the Salesforce checks are skipped, not errors).
    #[must_use]
    pub fn is_absent(&self) -> bool {
        matches!(self, SfCliError::Disabled | SfCliError::NotInstalled)
    }
}

impl Localize for SfCliError {
    fn detail(&self) -> Detail {
        match self {
            SfCliError::Disabled => Detail::new("checks.sf-cli.disabled"),
            SfCliError::NotInstalled => Detail::new("checks.sf-cli.not-installed"),
            SfCliError::Timeout { command, secs } => Detail::new("checks.sf-cli.timeout")
                .arg("command", command)
                .arg("secs", secs),
            SfCliError::Failed {
                command,
                name,
                message,
            } => Detail::new("checks.sf-cli.failed")
                .arg("command", command)
                .arg("name", name)
                .arg("message", message),
            SfCliError::BadOutput { command } => {
                Detail::new("checks.sf-cli.bad-output").arg("command", command)
            }
            SfCliError::NoToken { command } => {
                Detail::new("checks.sf-cli.no-token").arg("command", command)
            }
            SfCliError::BadUrl { reason } => {
                Detail::new("checks.sf-cli.bad-url").arg("reason", reason)
            }
        }
    }
}

impl Default for SfCli {
    fn default() -> Self {
        SfCli {
            program: Some(PathBuf::from("sf")),
            timeout: Duration::from_secs(60),
        }
    }
}

impl SfCli {
    /// From `MSI_SETUP_SF_CLI` and `MSI_SETUP_SF_CLI_TIMEOUT_MS`.
    #[must_use]
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> SfCli {
        let mut cli = SfCli::default();
        if let Some(p) = env(ENV_SF_CLI) {
            let p = p.trim();
            cli.program = if p.is_empty()
                || ["off", "0", "false", "none", "no"].contains(&p.to_ascii_lowercase().as_str())
            {
                None
            } else {
                Some(PathBuf::from(p))
            };
        }
        if let Some(ms) = env(ENV_SF_CLI_TIMEOUT_MS)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&v| v > 0)
        {
            cli.timeout = Duration::from_millis(ms);
        }
        cli
    }

    /// A disabled lookup.
    #[must_use]
    pub fn disabled() -> SfCli {
        SfCli {
            program: None,
            timeout: Duration::from_secs(1),
        }
    }

    async fn run_json(&self, args: &[&str]) -> Result<Value, SfCliError> {
        let program = self.program.as_ref().ok_or(SfCliError::Disabled)?;
        let command = format!("sf {}", args.join(" "));
        let child = tokio::process::Command::new(program)
            .args(args)
            .env("NO_COLOR", "1")
            .env("SF_DISABLE_AUTOUPDATE", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SfCliError::NotInstalled);
            }
            Err(e) => {
                return Err(SfCliError::Failed {
                    command,
                    name: e.kind().to_string(),
                    message: String::new(),
                });
            }
        };
        let ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX);
        let output = match tokio::time::timeout(self.timeout, child.wait_with_output()).await {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => {
                return Err(SfCliError::Failed {
                    command,
                    name: e.kind().to_string(),
                    message: String::new(),
                });
            }
            Err(_) => {
                return Err(SfCliError::Timeout {
                    command,
                    secs: format_secs(ms),
                });
            }
        };
        let json: Option<Value> = serde_json::from_slice(&output.stdout).ok();
        let status_ok = json
            .as_ref()
            .and_then(|j| j.get("status"))
            .and_then(Value::as_i64)
            == Some(0);
        match json {
            Some(j) if output.status.success() && status_ok => Ok(j),
            Some(j) => Err(SfCliError::Failed {
                command,
                name: j
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("error")
                    .to_string(),
                message: body_excerpt(
                    j.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .as_bytes(),
                ),
            }),
            None if output.status.success() => Err(SfCliError::BadOutput { command }),
            None => Err(SfCliError::Failed {
                command,
                name: output
                    .status
                    .code()
                    .map_or_else(|| "killed".to_string(), |c| format!("exit {c}")),
                message: body_excerpt(&output.stderr),
            }),
        }
    }

    /// Instance URL, API version and token of `target_org` (or the CLI's default org).
    ///
    /// # Errors
    /// [`SfCliError`]; its message never contains the token.
    pub async fn credentials(
        &self,
        target_org: Option<&str>,
    ) -> Result<SalesforceCredentials, SfCliError> {
        let mut display_args = vec!["org", "display", "--json"];
        let mut token_args = vec!["org", "auth", "show-access-token", "--json"];
        if let Some(org) = target_org {
            display_args.extend(["--target-org", org]);
            token_args.extend(["--target-org", org]);
        }
        let display = self.run_json(&display_args).await?;
        let result = display.get("result").cloned().unwrap_or(Value::Null);
        let field = |k: &str| {
            result
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .filter(|s| !s.is_empty())
        };
        let instance = field("instanceUrl").ok_or_else(|| SfCliError::BadOutput {
            command: format!("sf {}", display_args.join(" ")),
        })?;
        let instance_url =
            parse_base_url("sf org display", &instance).map_err(|e| SfCliError::BadUrl {
                reason: e.to_string(),
            })?;
        let api_version = field("apiVersion").unwrap_or_else(|| DEFAULT_API_VERSION.to_string());
        let token = match self.run_json(&token_args).await {
            Ok(j) => j
                .get("result")
                .and_then(|r| r.get("accessToken"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .filter(|t| !t.is_empty() && !t.to_ascii_lowercase().contains("redacted")),
            // An older CLI without `show-access-token`: `org display` still shows the token.
            Err(e @ SfCliError::Failed { .. }) => match field("accessToken") {
                Some(t) if !t.to_ascii_lowercase().contains("redacted") => Some(t),
                _ => return Err(e),
            },
            Err(e) => return Err(e),
        };
        let token = token.ok_or_else(|| SfCliError::NoToken {
            command: format!("sf {}", token_args.join(" ")),
        })?;
        Ok(SalesforceCredentials {
            instance_url,
            access_token: Secret::new(token),
            api_version,
            source: SfSource::SfCli(target_org.map(str::to_string)),
        })
    }
}
