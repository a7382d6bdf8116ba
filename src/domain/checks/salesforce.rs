//! What the Salesforce checks ask and how Salesforce's answers are read.
//!
//! Queries go to `<instance>/services/data/v<api>/query?q=` (or `/tooling/query?q=`). Answers are
//! `{totalSize, done, nextRecordsUrl?, records[]}`; errors are a JSON array
//! `[{errorCode, message}]` with an HTTP status (401 `INVALID_SESSION_ID`, 400 `INVALID_TYPE`,
//! ...). Salesforce's own session errors are never retried: the message says what to do.

use serde_json::Value;

use super::{
    CheckFacts, CheckStatus, Detail, PackageVersion, Problem, RemoteSite, Verdict, body_excerpt,
    json_str, parse_json,
};

/// The API version used unless the `sf` CLI reports the org's (Tooling
/// `InstalledSubscriberPackage` needs 41.0 or later).
pub const DEFAULT_API_VERSION: &str = "60.0";

/// The MSI package's namespace.
pub const NAMESPACE: &str = "mkto_si";

/// The first version with the "Marketo App Access" permission set: 1.8000.
pub const MIN_PACKAGE_VERSION: PackageVersion = PackageVersion {
    major: 1,
    minor: 8000,
    patch: 0,
    build: 0,
};

/// The AppExchange listing (install and upgrade).
pub const APPEXCHANGE_URL: &str =
    "https://appexchange.salesforce.com/listingDetail?listingId=a0N30000001SVZmEAO";

/// Remote sites the current guide asks for.
pub const REQUIRED_SITES: [&str; 2] = [
    "https://ims-na1.adobelogin.com",
    "https://mkto-sales-connect.adobe.io",
];

/// The staging host an older version of the guide named by mistake.
pub const STAGING_SITE: &str = "https://ims-na1-stg1.adobelogin.com";

/// The permission set's label.
pub const PERMISSION_SET_LABEL: &str = "Marketo App Access";

/// The MSI config object.
pub const CONFIG_OBJECT: &str = "mkto_si__Marketo_Sales_Insight_Config__c";

/// Tooling: installed packages. `SubscriberPackage.NamespacePrefix` cannot be filtered, so every
/// row is read and filtered here.
pub const PACKAGE_SOQL: &str = "SELECT Id, SubscriberPackageId, SubscriberPackage.NamespacePrefix, \
SubscriberPackage.Name, SubscriberPackageVersion.Id, SubscriberPackageVersion.Name, \
SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, \
SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber \
FROM InstalledSubscriberPackage";

/// Tooling: remote sites.
pub const REMOTE_SITES_SOQL: &str = "SELECT SiteName, EndpointUrl, IsActive FROM RemoteProxy";

/// REST: permission sets of the MSI namespace.
pub const PERMISSION_SET_SOQL: &str =
    "SELECT Id, Name, Label, NamespacePrefix FROM PermissionSet WHERE NamespacePrefix = 'mkto_si'";

/// REST: is the config object there and visible?
pub const CONFIG_OBJECT_SOQL: &str =
    "SELECT Id FROM mkto_si__Marketo_Sales_Insight_Config__c LIMIT 1";

/// REST: how many users hold a permission set. `None` when `id` is not a Salesforce id (it
/// comes from the server; nothing else goes into a query).
#[must_use]
pub fn assignment_count_soql(permission_set_id: &str) -> Option<String> {
    let ok = matches!(permission_set_id.len(), 15 | 18)
        && permission_set_id.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| {
        format!("SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSetId = '{permission_set_id}'")
    })
}

/// One page of a query answer.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryPage {
    /// `totalSize` (for `COUNT()` queries, the count).
    pub total_size: u64,
    /// Whether this is the last page.
    pub done: bool,
    /// Path of the next page.
    pub next_records_url: Option<String>,
    /// The rows.
    pub records: Vec<Value>,
}

/// Reads a query answer or a Salesforce error.
///
/// # Errors
/// [`Problem::Salesforce`] for an error array, [`Problem::HttpStatus`] / [`Problem::Malformed`]
/// otherwise.
pub fn parse_query(url: &str, status: u16, body: &[u8]) -> Result<QueryPage, Problem> {
    if status != 200 {
        return Err(parse_error(url, status, body));
    }
    let json = parse_json(url, body)?;
    let records = json
        .get("records")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| Problem::Malformed {
            url: url.to_string(),
            what: "no `records` in the answer".to_string(),
        })?;
    Ok(QueryPage {
        total_size: json
            .get("totalSize")
            .and_then(Value::as_u64)
            .unwrap_or(records.len() as u64),
        done: json.get("done").and_then(Value::as_bool).unwrap_or(true),
        next_records_url: Some(json_str(&json, "nextRecordsUrl")).filter(|s| !s.is_empty()),
        records,
    })
}

/// Reads a Salesforce error answer (`[{errorCode, message}]`).
#[must_use]
pub fn parse_error(url: &str, status: u16, body: &[u8]) -> Problem {
    let first = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|j| match j {
            Value::Array(a) => a.into_iter().next(),
            obj @ Value::Object(_) => Some(obj),
            _ => None,
        });
    match first {
        Some(e) if !json_str(&e, "errorCode").is_empty() => Problem::Salesforce {
            url: url.to_string(),
            status,
            code: json_str(&e, "errorCode"),
            message: json_str(&e, "message"),
        },
        _ => Problem::HttpStatus {
            url: url.to_string(),
            status,
            body: body_excerpt(body),
        },
    }
}

/// Whether an HTTP status is worth a bounded retry (gateway trouble, not Salesforce's verdict).
#[must_use]
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 502..=504)
}

fn as_u32(v: Option<&Value>) -> Option<u32> {
    v.and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// An installed package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledPackage {
    /// Namespace prefix.
    pub namespace: String,
    /// Package name.
    pub name: String,
    /// Version, when the row has it.
    pub version: Option<PackageVersion>,
}

/// Reads `InstalledSubscriberPackage` rows.
#[must_use]
pub fn parse_packages(records: &[Value]) -> Vec<InstalledPackage> {
    records
        .iter()
        .map(|r| {
            let pkg = r.get("SubscriberPackage");
            let ver = r.get("SubscriberPackageVersion");
            let version = ver.and_then(|v| {
                Some(PackageVersion {
                    major: as_u32(v.get("MajorVersion"))?,
                    minor: as_u32(v.get("MinorVersion"))?,
                    patch: as_u32(v.get("PatchVersion")).unwrap_or(0),
                    build: as_u32(v.get("BuildNumber")).unwrap_or(0),
                })
            });
            InstalledPackage {
                namespace: pkg
                    .map(|p| json_str(p, "NamespacePrefix"))
                    .unwrap_or_default(),
                name: pkg.map(|p| json_str(p, "Name")).unwrap_or_default(),
                version,
            }
        })
        .collect()
}

/// `mkto_si` at [`MIN_PACKAGE_VERSION`] or later → pass; older → fail "upgrade"; absent → fail
/// "install" (both with the AppExchange link).
#[must_use]
pub fn classify_package(packages: &[InstalledPackage]) -> Verdict {
    let min = MIN_PACKAGE_VERSION.display();
    let Some(p) = packages
        .iter()
        .find(|p| p.namespace.eq_ignore_ascii_case(NAMESPACE))
    else {
        return Verdict::new(
            CheckStatus::Fail,
            Detail::new("checks.sf-package.absent").arg("link", APPEXCHANGE_URL),
        )
        .facts(CheckFacts::Package {
            name: None,
            version: None,
        });
    };
    let facts = CheckFacts::Package {
        name: Some(p.name.clone()),
        version: p.version,
    };
    match p.version {
        Some(v) if v >= MIN_PACKAGE_VERSION => Verdict::new(
            CheckStatus::Pass,
            Detail::new("checks.sf-package.pass")
                .arg("name", &p.name)
                .arg("version", v.display())
                .arg("min", &min),
        ),
        Some(v) => Verdict::new(
            CheckStatus::Fail,
            Detail::new("checks.sf-package.upgrade")
                .arg("version", v.display())
                .arg("min", &min)
                .arg("link", APPEXCHANGE_URL),
        ),
        None => Verdict::new(
            CheckStatus::Warn,
            Detail::new("checks.sf-package.unknown-version")
                .arg("name", &p.name)
                .arg("min", &min),
        ),
    }
    .facts(facts)
}

/// `https://Host.example.com:443/` → `https://host.example.com`, for comparing remote sites.
#[must_use]
pub fn normalize_site(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let trimmed = lower.trim_end_matches('/');
    trimmed.strip_suffix(":443").unwrap_or(trimmed).to_string()
}

/// Reads `RemoteProxy` rows.
#[must_use]
pub fn parse_remote_sites(records: &[Value]) -> Vec<RemoteSite> {
    records
        .iter()
        .map(|r| RemoteSite {
            name: json_str(r, "SiteName"),
            url: json_str(r, "EndpointUrl"),
            active: r.get("IsActive").and_then(Value::as_bool).unwrap_or(false),
        })
        .collect()
}

/// Both [`REQUIRED_SITES`] active → pass (warn if the old staging host is also there); any
/// missing or inactive → fail, naming them.
#[must_use]
pub fn classify_remote_sites(sites: Vec<RemoteSite>) -> Verdict {
    let mut missing = Vec::new();
    let mut notes = Vec::new();
    for want in REQUIRED_SITES {
        let same: Vec<&RemoteSite> = sites
            .iter()
            .filter(|s| normalize_site(&s.url) == want)
            .collect();
        if same.iter().any(|s| s.active) {
            continue;
        }
        missing.push(want);
        if let Some(inactive) = same.first() {
            notes.push(
                Detail::new("checks.sf-remote-sites.inactive")
                    .arg("url", want)
                    .arg("name", &inactive.name),
            );
        }
    }
    let staging: Vec<&RemoteSite> = sites
        .iter()
        .filter(|s| normalize_site(&s.url) == STAGING_SITE)
        .collect();
    if let Some(s) = staging.first() {
        notes.push(
            Detail::new("checks.sf-remote-sites.staging")
                .arg("url", STAGING_SITE)
                .arg("name", &s.name),
        );
    }
    let mut v = if missing.is_empty() {
        let status = if staging.is_empty() {
            CheckStatus::Pass
        } else {
            CheckStatus::Warn
        };
        Verdict::new(status, Detail::new("checks.sf-remote-sites.pass"))
    } else {
        Verdict::new(
            CheckStatus::Fail,
            Detail::new("checks.sf-remote-sites.missing").arg("missing", missing.join(", ")),
        )
    };
    for n in notes {
        v = v.note(n);
    }
    v.facts(CheckFacts::RemoteSites { sites })
}

/// A permission set row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionSetRow {
    /// Record id.
    pub id: String,
    /// API name.
    pub name: String,
    /// Label.
    pub label: String,
}

/// Picks the MSI permission set from `PermissionSet` rows of the namespace: the one labelled
/// "Marketo App Access", else the first.
#[must_use]
pub fn pick_permission_set(records: &[Value]) -> Option<PermissionSetRow> {
    let rows: Vec<PermissionSetRow> = records
        .iter()
        .map(|r| PermissionSetRow {
            id: json_str(r, "Id"),
            name: json_str(r, "Name"),
            label: json_str(r, "Label"),
        })
        .collect();
    rows.iter()
        .find(|r| r.label.eq_ignore_ascii_case(PERMISSION_SET_LABEL))
        .or_else(|| rows.first())
        .cloned()
}

/// None found → fail; found with users → pass; found without users → warn; count unknown →
/// pass with a note.
#[must_use]
pub fn classify_permission_set(
    found: Option<&PermissionSetRow>,
    assignees: Option<u64>,
) -> Verdict {
    let Some(ps) = found else {
        return Verdict::new(
            CheckStatus::Fail,
            Detail::new("checks.sf-permission-set.missing")
                .arg("label", PERMISSION_SET_LABEL)
                .arg("min", MIN_PACKAGE_VERSION.display()),
        );
    };
    let facts = CheckFacts::PermissionSet {
        name: ps.name.clone(),
        label: ps.label.clone(),
        assignees,
    };
    match assignees {
        Some(0) => Verdict::new(
            CheckStatus::Warn,
            Detail::new("checks.sf-permission-set.unassigned").arg("label", &ps.label),
        ),
        Some(n) => Verdict::new(
            CheckStatus::Pass,
            Detail::new("checks.sf-permission-set.pass")
                .arg("label", &ps.label)
                .arg("count", n),
        ),
        None => Verdict::new(
            CheckStatus::Pass,
            Detail::new("checks.sf-permission-set.pass-uncounted").arg("label", &ps.label),
        ),
    }
    .facts(facts)
}

/// Queryable → pass; `INVALID_TYPE` → fail (not installed, or not visible to this user); any
/// other problem stays a problem.
///
/// # Errors
/// The problem, when it is not `INVALID_TYPE`.
pub fn classify_config_object(answer: Result<QueryPage, Problem>) -> Result<Verdict, Problem> {
    match answer {
        Ok(page) => Ok(Verdict::new(
            CheckStatus::Pass,
            Detail::new("checks.sf-config-object.pass")
                .arg("object", CONFIG_OBJECT)
                .arg("records", page.total_size),
        )),
        Err(Problem::Salesforce { code, .. }) if code == "INVALID_TYPE" => Ok(Verdict::new(
            CheckStatus::Fail,
            Detail::new("checks.sf-config-object.invalid-type").arg("object", CONFIG_OBJECT),
        )),
        Err(p) => Err(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(major: u32, minor: u32) -> InstalledPackage {
        InstalledPackage {
            namespace: "mkto_si".into(),
            name: "Marketo Sales Insight".into(),
            version: Some(PackageVersion {
                major,
                minor,
                patch: 0,
                build: 1,
            }),
        }
    }

    #[test]
    fn package_versions() {
        assert_eq!(classify_package(&[pkg(1, 8000)]).status, CheckStatus::Pass);
        assert_eq!(classify_package(&[pkg(1, 19)]).status, CheckStatus::Fail);
        assert_eq!(
            classify_package(&[pkg(1, 19)]).detail.key,
            "checks.sf-package.upgrade"
        );
        assert_eq!(classify_package(&[pkg(2, 0)]).status, CheckStatus::Pass);
        assert_eq!(classify_package(&[]).detail.key, "checks.sf-package.absent");
    }

    #[test]
    fn remote_sites() {
        let site = |url: &str, active| RemoteSite {
            name: "x".into(),
            url: url.into(),
            active,
        };
        let v = classify_remote_sites(vec![
            site("https://IMS-NA1.adobelogin.com/", true),
            site("https://mkto-sales-connect.adobe.io:443", true),
        ]);
        assert_eq!(v.status, CheckStatus::Pass);
        let v = classify_remote_sites(vec![
            site("https://ims-na1.adobelogin.com", true),
            site("https://mkto-sales-connect.adobe.io", false),
        ]);
        assert_eq!(v.status, CheckStatus::Fail);
        assert_eq!(v.notes.len(), 1);
        let v = classify_remote_sites(vec![
            site("https://ims-na1.adobelogin.com", true),
            site("https://mkto-sales-connect.adobe.io", true),
            site(STAGING_SITE, true),
        ]);
        assert_eq!(v.status, CheckStatus::Warn);
    }

    #[test]
    fn soql_ids_are_checked() {
        assert!(assignment_count_soql("0PS5g000000abcdEAA").is_some());
        assert!(assignment_count_soql("0PS' OR Id != '").is_none());
    }

    #[test]
    fn errors_are_read() {
        let p = parse_error(
            "u",
            401,
            br#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        );
        assert!(matches!(p, Problem::Salesforce { ref code, .. } if code == "INVALID_SESSION_ID"));
        assert!(matches!(
            parse_error("u", 500, b"<html>"),
            Problem::HttpStatus { .. }
        ));
    }
}
