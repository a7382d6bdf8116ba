//! The files of the hand-off for the wizard: write the hand-off file into the current directory,
//! list the hand-off files there. Small files, done in place (like path completion).

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::domain::handoff::{self, Handoff, HandoffError};
use crate::domain::progress::Progress;
use crate::domain::text::{Detail, Localize};
use crate::fsutil::write_atomic;
use crate::wizard::handoff::Candidate;
use crate::wizard::{Msg, notice};

/// Files larger than this are not hand-off files.
const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// At most this many files are read.
const MAX_FILES: usize = 200;

/// Why the hand-off file could not be written (naming the path).
#[derive(Debug)]
struct WriteError {
    path: PathBuf,
    error: std::io::Error,
}

impl Localize for WriteError {
    fn detail(&self) -> Detail {
        Detail::new("handoff.err.write")
            .arg("path", self.path.display())
            .arg("error", &self.error)
    }
}

/// Writes the hand-off of `progress` into `dir` under the default name.
#[must_use]
pub fn write(progress: &Progress, dir: &Path, now: Timestamp, tz: &TimeZone) -> Msg {
    let path = dir.join(handoff::default_name(now, tz));
    let text = Handoff::export(progress, now, false)
        .to_toml()
        .unwrap_or_default();
    match write_atomic(&path, |w| w.write_all(text.as_bytes())) {
        Ok(()) => Msg::HandoffWritten(Ok(path.display().to_string())),
        Err(error) => Msg::HandoffWritten(Err(notice(WriteError { path, error }))),
    }
}

/// The `.toml` files in `dir` that are hand-off or progress files (or damaged or newer ones,
/// with the reason), newest name first.
#[must_use]
pub fn list(dir: &Path) -> Msg {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_BYTES))
                .take(MAX_FILES)
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths.reverse();
    let files = paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let file = Handoff::read(&bytes).map(Box::new);
            if file == Err(HandoffError::NotHandoff) {
                return None;
            }
            let shown = p
                .strip_prefix(dir)
                .map_or_else(|_| p.display().to_string(), |r| r.display().to_string());
            Some(Candidate { path: shown, file })
        })
        .collect();
    Msg::HandoffsListed(files)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::domain::guide::Role;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_796_000_000 + s).unwrap()
    }

    #[test]
    fn writes_the_default_name_and_lists_only_hand_offs_with_reasons_for_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Progress::default();
        p.setup.roles = vec![Role::SalesforceAdmin];
        p.setup.name = Some("Bo".into());
        let Msg::HandoffWritten(Ok(path)) = write(&p, dir.path(), at(0), &TimeZone::UTC) else {
            panic!("not written");
        };
        assert!(
            path.ends_with("msi-setup-handoff-2026-11-30.toml"),
            "{path}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        std::fs::write(
            dir.path().join("a-broken.toml"),
            "kind = \"msi-setup-handoff\"\nversion =",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "kind = \"msi-setup-handoff\"").unwrap();
        let Msg::HandoffsListed(files) = list(dir.path()) else {
            panic!("not a list");
        };
        let names: Vec<&str> = files.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            names,
            ["msi-setup-handoff-2026-11-30.toml", "a-broken.toml"]
        );
        assert!(
            files[0]
                .file
                .as_ref()
                .is_ok_and(|h| h.from.name.as_deref() == Some("Bo"))
        );
        assert!(matches!(files[1].file, Err(HandoffError::Damaged(_))));
        // A folder that cannot be written names the path.
        let missing = dir.path().join("no-such-dir");
        let Msg::HandoffWritten(Err(e)) = write(&p, &missing, at(0), &TimeZone::UTC) else {
            panic!("written into a missing folder");
        };
        assert!(
            e.0.detail()
                .args
                .get("path")
                .is_some_and(|v| v.contains("no-such-dir"))
        );
    }
}
