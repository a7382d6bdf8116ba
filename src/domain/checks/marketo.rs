//! What the Marketo checks ask and how Marketo's answers are read.
//!
//! - Identity: `POST /identity/oauth/token` with a form body (`grant_type=client_credentials`,
//!   `client_id`, `client_secret`); `401` means wrong credentials.
//! - REST (`/rest/...`): always an envelope; HTTP 200 with `success:false` is a failure whose
//!   `errors[].code` (a quoted string) says what to do ([`retry_class`]).
//! - User Management (`/userservice/...`): no envelope; the HTTP status decides, and errors carry
//!   an integer `code`.

use serde_json::Value;

use super::{
    AdminCandidate, CheckFacts, CheckStatus, Detail, Problem, Verdict, body_excerpt, json_code,
    json_str, parse_json,
};
use crate::domain::fields::DescribedField;
use crate::domain::fields::{CATALOG, FieldMatch, MatchedBy, NameSource, match_fields};

/// Token endpoint, below the instance base URL.
pub const TOKEN_PATH: &str = "/identity/oauth/token";
/// Describe Lead2.
pub const DESCRIBE2_PATH: &str = "/rest/v1/leads/describe2.json";
/// List users (User Management API).
pub const USERS_PATH: &str = "/userservice/management/v1/users/allusers.json";
/// Users listed per page (the API's maximum).
pub const USERS_PAGE_SIZE: u64 = 200;
/// At most this many users' roles are read (one call each; the instance allows 100 calls per
/// 20 s shared by every integration).
pub const MAX_ROLE_LOOKUPS: usize = 40;
/// The path segments of one user's details: `users/{userid}/user.json`.
#[must_use]
pub fn user_path_segments(userid: &str) -> [&str; 6] {
    [
        "userservice",
        "management",
        "v1",
        "users",
        userid,
        "user.json",
    ]
}

/// The API-user role permission each call needs, named in a 603 message.
pub const NEED_LEADS: &str = "Read-Only Lead";
/// Permission needed to list users.
pub const NEED_USERS: &str = "Access Users + Access User Management Api";

/// What to do after a Marketo error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClass {
    /// 601 / 602: get a new token once, then retry once.
    Reauth,
    /// 606 / 615 (rate or concurrency limit): back off (longer first delay), at most 3 tries.
    RateLimited,
    /// 604 / 608 / 611 / 713: transient; back off, at most 3 tries.
    Transient,
    /// Anything else (603, 607, 1xxx, ...): no retry; say what to do.
    Stop,
}

/// The retry class of a Marketo error code.
#[must_use]
pub fn retry_class(code: &str) -> RetryClass {
    match code {
        "601" | "602" => RetryClass::Reauth,
        "606" | "615" => RetryClass::RateLimited,
        "604" | "608" | "611" | "713" => RetryClass::Transient,
        _ => RetryClass::Stop,
    }
}

/// A granted token (the value is handed straight to the caller's secret type).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenGrant {
    /// The bearer token.
    pub access_token: String,
    /// Remaining life in seconds.
    pub expires_in: u64,
    /// The API-only user that owns the service.
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenGrant")
            .field("access_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

/// How a token answer reads.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenAnswer {
    /// A token.
    Granted(TokenGrant),
    /// Worth another try (5xx, 429, or a transient Marketo code).
    Retry(Problem),
    /// Final.
    Failed(Problem),
}

/// Reads the answer of `POST /identity/oauth/token`.
#[must_use]
pub fn parse_token(url: &str, status: u16, body: &[u8]) -> TokenAnswer {
    if status >= 500 || status == 429 {
        return TokenAnswer::Retry(Problem::HttpStatus {
            url: url.to_string(),
            status,
            body: body_excerpt(body),
        });
    }
    let json = serde_json::from_slice::<Value>(body).ok();
    if (400..500).contains(&status) {
        // Undocumented body; OAuth-style {error, error_description} in practice.
        let reason = json
            .as_ref()
            .map(|j| {
                let e = json_str(j, "error");
                let d = json_str(j, "error_description");
                match (e.is_empty(), d.is_empty()) {
                    (false, false) => format!("{e}: {d}"),
                    (false, true) => e,
                    (true, false) => d,
                    (true, true) => String::new(),
                }
            })
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| body_excerpt(body));
        return TokenAnswer::Failed(Problem::MarketoAuth {
            url: url.to_string(),
            status,
            reason,
        });
    }
    if status != 200 {
        return TokenAnswer::Failed(Problem::HttpStatus {
            url: url.to_string(),
            status,
            body: body_excerpt(body),
        });
    }
    let Some(json) = json else {
        return TokenAnswer::Failed(Problem::Malformed {
            url: url.to_string(),
            what: "the token answer is not JSON".to_string(),
        });
    };
    // A Marketo envelope instead of a token: an error code.
    if (json.get("success").is_some() || json.get("errors").is_some())
        && let Some(problem) = envelope_error(url, &json, "")
    {
        return match &problem {
            Problem::Marketo { code, .. }
                if matches!(
                    retry_class(code),
                    RetryClass::RateLimited | RetryClass::Transient
                ) =>
            {
                TokenAnswer::Retry(problem)
            }
            _ => TokenAnswer::Failed(problem),
        };
    }
    let token = json_str(&json, "access_token");
    if token.is_empty() {
        let e = json_str(&json, "error");
        if !e.is_empty() {
            let d = json_str(&json, "error_description");
            return TokenAnswer::Failed(Problem::MarketoAuth {
                url: url.to_string(),
                status,
                reason: if d.is_empty() { e } else { format!("{e}: {d}") },
            });
        }
        return TokenAnswer::Failed(Problem::Malformed {
            url: url.to_string(),
            what: "no access_token in the answer".to_string(),
        });
    }
    let expires_in = json.get("expires_in").and_then(Value::as_u64).unwrap_or(0);
    let scope = Some(json_str(&json, "scope")).filter(|s| !s.is_empty());
    TokenAnswer::Granted(TokenGrant {
        access_token: token,
        expires_in,
        scope,
    })
}

/// The first error of an envelope with `success:false`, as a problem (None when successful).
fn envelope_error(url: &str, json: &Value, need: &str) -> Option<Problem> {
    if json.get("success").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let request_id = json_str(json, "requestId");
    let first = json
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first());
    Some(match first {
        Some(err) => Problem::Marketo {
            url: url.to_string(),
            code: json_code(err),
            message: json_str(err, "message"),
            request_id,
            need: need.to_string(),
        },
        None => Problem::Malformed {
            url: url.to_string(),
            what: "success:false without errors".to_string(),
        },
    })
}

/// Reads a REST envelope: `Ok(result)` when `success:true`; the first error code otherwise.
/// HTTP statuses other than 200 are problems of their own.
///
/// # Errors
/// The problem; a [`Problem::Marketo`] carries the code for [`retry_class`].
pub fn parse_envelope(url: &str, status: u16, body: &[u8], need: &str) -> Result<Value, Problem> {
    if status != 200 {
        // Marketo answers 200 for its own errors; others come from gateways and proxies.
        if let Ok(json) = serde_json::from_slice::<Value>(body)
            && let Some(p @ Problem::Marketo { .. }) = envelope_error(url, &json, need)
        {
            return Err(p);
        }
        return Err(Problem::HttpStatus {
            url: url.to_string(),
            status,
            body: body_excerpt(body),
        });
    }
    let json = parse_json(url, body)?;
    if json.get("success").and_then(Value::as_bool).is_none() {
        return Err(Problem::Malformed {
            url: url.to_string(),
            what: "no `success` in the answer".to_string(),
        });
    }
    if let Some(p) = envelope_error(url, &json, need) {
        return Err(p);
    }
    Ok(json
        .get("result")
        .cloned()
        .unwrap_or(Value::Array(Vec::new())))
}

/// Reads a User Management API answer: the JSON on 200; the error code otherwise.
///
/// # Errors
/// [`Problem::Marketo`] with the error code (601/602 for token trouble, 603 not permitted), or
/// an HTTP / JSON problem.
pub fn parse_user_api(url: &str, status: u16, body: &[u8]) -> Result<Value, Problem> {
    if status == 200 {
        return parse_json(url, body);
    }
    let json = serde_json::from_slice::<Value>(body).ok();
    let err = json
        .as_ref()
        .and_then(|j| j.get("errors"))
        .and_then(Value::as_array)
        .and_then(|e| e.first());
    match err {
        Some(e) => Err(Problem::Marketo {
            url: url.to_string(),
            code: json_code(e),
            message: json_str(e, "message"),
            request_id: json
                .as_ref()
                .map(|j| json_str(j, "requestId"))
                .unwrap_or_default(),
            need: NEED_USERS.to_string(),
        }),
        None if status == 401 || status == 403 => Err(Problem::Marketo {
            url: url.to_string(),
            code: "603".to_string(),
            message: format!("HTTP {status}"),
            request_id: String::new(),
            need: NEED_USERS.to_string(),
        }),
        None => Err(Problem::HttpStatus {
            url: url.to_string(),
            status,
            body: body_excerpt(body),
        }),
    }
}

/// The fields of a `describe2` result (`result[0].fields[]`); lenient about extra keys and
/// missing booleans.
///
/// # Errors
/// [`Problem::Malformed`] when there is no field list.
pub fn parse_describe2(url: &str, result: &Value) -> Result<Vec<DescribedField>, Problem> {
    let fields = result
        .as_array()
        .and_then(|r| r.first())
        .and_then(|o| o.get("fields"))
        .and_then(Value::as_array)
        .ok_or_else(|| Problem::Malformed {
            url: url.to_string(),
            what: "no result[0].fields list".to_string(),
        })?;
    Ok(fields
        .iter()
        .filter_map(|f| {
            let name = json_str(f, "name");
            if name.is_empty() {
                return None;
            }
            Some(DescribedField {
                name,
                display_name: json_str(f, "displayName"),
                data_type: json_str(f, "dataType"),
                crm_managed: f
                    .get("crmManaged")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                updateable: f
                    .get("updateable")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect())
}

/// Classifies `describe2` against the 13 synced fields: all found → pass; some → warn naming the
/// missing ones; none → fail (this is not a normal lead database).
#[must_use]
pub fn classify_sync_fields(described: &[DescribedField]) -> Verdict {
    let matches = match_fields(described);
    verdict_from_matches(matches)
}

/// The verdict for already matched fields (also used to re-render a stored outcome).
#[must_use]
pub fn verdict_from_matches(matches: Vec<FieldMatch>) -> Verdict {
    let total = matches.len();
    let found = matches.iter().filter(|m| m.found.is_some()).count();
    let crm = matches
        .iter()
        .filter(|m| m.found.as_ref().is_some_and(|f| f.crm_managed))
        .count();
    let missing: Vec<&FieldMatch> = matches.iter().filter(|m| m.found.is_none()).collect();
    let name_of = |m: &FieldMatch| {
        let spec = m.id.spec();
        spec.api_name.unwrap_or(spec.slug).to_string()
    };
    let detail = if found == total {
        Detail::new("checks.marketo-sync-fields.pass")
            .arg("found", found)
            .arg("total", total)
            .arg("crm", crm)
    } else if found == 0 {
        Detail::new("checks.marketo-sync-fields.none").arg("total", total)
    } else {
        Detail::new("checks.marketo-sync-fields.partial")
            .arg("found", found)
            .arg("total", total)
            .arg("crm", crm)
            .arg(
                "missing",
                missing
                    .iter()
                    .map(|m| name_of(m))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
    };
    let status = if found == total {
        CheckStatus::Pass
    } else if found == 0 {
        CheckStatus::Fail
    } else {
        CheckStatus::Warn
    };
    let mut v = Verdict::new(status, detail);
    let by_display: Vec<String> = matches
        .iter()
        .filter(|m| m.matched_by == Some(MatchedBy::DisplayName))
        .filter_map(|m| {
            m.found
                .as_ref()
                .map(|f| format!("{} ({})", f.display_name, f.name))
        })
        .collect();
    if !by_display.is_empty() {
        v = v.note(
            Detail::new("checks.marketo-sync-fields.by-display")
                .arg("fields", by_display.join(", ")),
        );
    }
    if missing
        .iter()
        .any(|m| m.id.spec().name_source == NameSource::Unconfirmed)
    {
        v = v.note(Detail::new("checks.marketo-sync-fields.unconfirmed-name"));
    }
    debug_assert_eq!(total, CATALOG.len());
    v.facts(CheckFacts::SyncFields { fields: matches })
}

/// A user from `allusers.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedUser {
    /// Login id (often an email).
    pub userid: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    pub email: String,
    /// API-only users cannot be invited to Actions.
    pub api_only: bool,
}

/// Reads `allusers.json` (a bare array).
///
/// # Errors
/// [`Problem::Malformed`] when it is not an array.
pub fn parse_users(url: &str, json: &Value) -> Result<Vec<ListedUser>, Problem> {
    let arr = json.as_array().ok_or_else(|| Problem::Malformed {
        url: url.to_string(),
        what: "the user list is not an array".to_string(),
    })?;
    Ok(arr
        .iter()
        .map(|u| ListedUser {
            userid: Some(json_str(u, "userid"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| json_str(u, "userId")),
            first_name: json_str(u, "firstName"),
            last_name: json_str(u, "lastName"),
            email: json_str(u, "emailAddress"),
            api_only: u.get("apiOnly").and_then(Value::as_bool).unwrap_or(false),
        })
        .filter(|u| !u.userid.is_empty())
        .collect())
}

/// The admin role names in one user's `user.json` (`userRoleWorkspaces[].accessRoleName`).
#[must_use]
pub fn admin_roles(user: &Value) -> Vec<String> {
    let mut roles: Vec<String> = user
        .get("userRoleWorkspaces")
        .and_then(Value::as_array)
        .map(|rw| {
            rw.iter()
                .map(|r| json_str(r, "accessRoleName"))
                .filter(|name| is_admin_role(name))
                .collect()
        })
        .unwrap_or_default();
    roles.sort();
    roles.dedup();
    roles
}

/// Whether a role name is an admin role: Marketo's system role "Admin", or a custom role whose
/// name contains "admin".
#[must_use]
pub fn is_admin_role(name: &str) -> bool {
    name.to_ascii_lowercase().contains("admin")
}

/// The candidate for one listed user with admin roles.
#[must_use]
pub fn candidate(user: &ListedUser, roles: Vec<String>) -> AdminCandidate {
    AdminCandidate {
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        email: if user.email.is_empty() {
            user.userid.clone()
        } else {
            user.email.clone()
        },
        roles,
    }
}

/// Classifies the admin scan.
#[must_use]
pub fn classify_admins(
    candidates: Vec<AdminCandidate>,
    users_listed: u64,
    users_checked: u64,
    truncated: bool,
) -> Verdict {
    let names = candidates
        .iter()
        .take(3)
        .map(|c| {
            let name = format!("{} {}", c.first_name, c.last_name)
                .trim()
                .to_string();
            if name.is_empty() {
                c.email.clone()
            } else {
                format!("{name} <{}>", c.email)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut v = if candidates.is_empty() {
        Verdict::new(
            CheckStatus::Warn,
            Detail::new("checks.marketo-admins.none").arg("checked", users_checked),
        )
    } else {
        Verdict::new(
            CheckStatus::Pass,
            Detail::new("checks.marketo-admins.pass")
                .arg("count", candidates.len())
                .arg("names", names),
        )
    };
    if truncated {
        v = v.note(
            Detail::new("checks.marketo-admins.truncated")
                .arg("checked", users_checked)
                .arg("listed", users_listed),
        );
    }
    v.facts(CheckFacts::Admins {
        candidates,
        users_listed,
        users_checked,
        truncated,
    })
}

/// The verdict when the API user may not list users: a clear warning, not a failure (the
/// guide step works without it).
#[must_use]
pub fn admins_not_permitted(url: &str) -> Verdict {
    Verdict::new(
        CheckStatus::Warn,
        Detail::new("checks.marketo-admins.not-permitted")
            .arg("url", url)
            .arg("need", NEED_USERS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://x.mktorest.com/identity/oauth/token";

    #[test]
    fn token_answers() {
        let ok = br#"{"access_token":"abc:int","token_type":"bearer","expires_in":3599,"scope":"apis@acme.com"}"#;
        match parse_token(URL, 200, ok) {
            TokenAnswer::Granted(g) => {
                assert_eq!(g.expires_in, 3599);
                assert_eq!(g.scope.as_deref(), Some("apis@acme.com"));
                assert!(!format!("{g:?}").contains("abc:int"));
            }
            other => panic!("unexpected {other:?}"),
        }
        let bad = br#"{"error":"invalid_client","error_description":"Bad client credentials"}"#;
        assert!(matches!(
            parse_token(URL, 401, bad),
            TokenAnswer::Failed(Problem::MarketoAuth { status: 401, .. })
        ));
        assert!(matches!(
            parse_token(URL, 503, b"oops"),
            TokenAnswer::Retry(_)
        ));
        assert!(matches!(
            parse_token(URL, 200, b"{not json"),
            TokenAnswer::Failed(Problem::Malformed { .. })
        ));
    }

    #[test]
    fn envelope_reads_success_false() {
        let body = br#"{"requestId":"e42b#1","success":false,"errors":[{"code":"606","message":"Max rate limit"}]}"#;
        let err = parse_envelope("u", 200, body, NEED_LEADS).err();
        match err {
            Some(Problem::Marketo {
                code, request_id, ..
            }) => {
                assert_eq!(code, "606");
                assert_eq!(request_id, "e42b#1");
                assert_eq!(retry_class(&code), RetryClass::RateLimited);
            }
            other => panic!("unexpected {other:?}"),
        }
        let ok = br#"{"requestId":"1","success":true,"result":[{"fields":[]}]}"#;
        assert!(parse_envelope("u", 200, ok, NEED_LEADS).is_ok());
        assert!(matches!(
            parse_envelope("u", 200, br#"{"result":[]}"#, NEED_LEADS),
            Err(Problem::Malformed { .. })
        ));
        assert_eq!(retry_class("601"), RetryClass::Reauth);
        assert_eq!(retry_class("713"), RetryClass::Transient);
        assert_eq!(retry_class("603"), RetryClass::Stop);
        assert_eq!(retry_class("1006"), RetryClass::Stop);
    }

    #[test]
    fn user_api_errors_use_integer_codes() {
        let body = br#"{"errors":[{"code":603,"message":"Access denied"}]}"#;
        let p = parse_user_api("u", 403, body).err();
        assert!(p.as_ref().is_some_and(Problem::is_not_permitted), "{p:?}");
    }

    #[test]
    fn admin_roles_are_found() {
        let user: Value = serde_json::from_str(
            r#"{"userRoleWorkspaces":[{"accessRoleName":"Admin"},{"accessRoleName":"Marketing User"},{"accessRoleName":"Admin"}]}"#,
        )
        .unwrap_or_default();
        assert_eq!(admin_roles(&user), vec!["Admin".to_string()]);
    }
}
