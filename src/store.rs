//! Progress file IO: locate the config dir, hold the single-instance lock, load with
//! quarantine of corrupt files, and save atomically.
//!
//! Save recipe (see `shared/reference/perf-reliability-facts.md` §5.1): serialize first; write a
//! 0600 temp file in the same directory and `sync_all`; hard-link the current file to
//! `progress.toml.bak` (last known good); rename the temp over `progress.toml`; fsync the
//! directory. A SIGKILL at any point leaves either the old or the new file, never a torn one;
//! stray temp files are swept at the next start while the lock is held.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::domain::csv_intake::Remembered;
use crate::domain::progress::{self, Progress};
use crate::domain::text::{self, Detail, Localize, io_error};
use crate::fsutil::{AtomicFile, write_atomic};

/// The progress file's name.
pub const FILE: &str = "progress.toml";
/// The last known good copy.
pub const BACKUP: &str = "progress.toml.bak";
/// The single-instance lock.
pub const LOCK: &str = "progress.lock";
/// Prefix of temp files (swept at start).
const TEMP_PREFIX: &str = ".progress.toml.";

/// What went wrong with the files, always naming the path. Its text is the catalog's
/// (`core.err.*`, see [`Localize`]); `Display` shows the English one.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No home/config dir could be found.
    NoConfigDir,
    /// The directory cannot be created.
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Another instance holds the lock.
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// A read failed.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Written by a newer msi-setup.
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// Ours.
        supported: u32,
    },
    /// The file does not parse (read-only commands do not quarantine).
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The backup to restore.
        backup: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A write failed; the previous file is intact.
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl Localize for StoreError {
    fn detail(&self) -> Detail {
        let path = |p: &Path| p.display().to_string();
        match self {
            StoreError::NoConfigDir => Detail::new("core.err.no-config-dir"),
            StoreError::CreateDir { path: p, source } => Detail::new("core.err.create-dir")
                .arg("path", path(p))
                .arg_detail("error", io_error(source)),
            StoreError::Locked { path: p } => Detail::new("core.err.locked").arg("path", path(p)),
            StoreError::Read { path: p, source } => Detail::new("core.err.read")
                .arg("path", path(p))
                .arg_detail("error", io_error(source)),
            StoreError::NewerVersion {
                path: p,
                found,
                supported,
            } => Detail::new("core.err.newer")
                .arg("path", path(p))
                .arg("found", found)
                .arg("supported", supported),
            StoreError::Corrupt {
                path: p,
                backup,
                message,
            } => Detail::new("core.err.corrupt")
                .arg("path", path(p))
                .arg("backup", path(backup))
                .arg("error", message),
            StoreError::Write { path: p, source } => Detail::new("core.err.write")
                .arg("path", path(p))
                .arg_detail("error", io_error(source)),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        text::fmt_english(self, f)
    }
}

/// Something the user should be told after loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadNotice {
    /// A damaged file was moved aside and the backup was used.
    RestoredFromBackup {
        /// Where the damaged file now is.
        corrupt: PathBuf,
    },
    /// A damaged file was moved aside and no usable backup existed: starting fresh.
    StartedFresh {
        /// Where the damaged file now is.
        corrupt: PathBuf,
    },
}

impl Localize for LoadNotice {
    fn detail(&self) -> Detail {
        match self {
            LoadNotice::RestoredFromBackup { corrupt } => {
                Detail::new("core.notice.restored").arg("corrupt", corrupt.display())
            }
            LoadNotice::StartedFresh { corrupt } => {
                Detail::new("core.notice.fresh").arg("corrupt", corrupt.display())
            }
        }
    }
}

/// The default config directory (`~/.config/msi-setup` on Linux).
#[must_use]
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "msi-setup").map(|d| d.config_dir().to_path_buf())
}

/// `--config-dir`/`MSI_SETUP_CONFIG_DIR` if given, else the OS default.
///
/// # Errors
/// When neither is available.
pub fn resolve_dir(given: Option<PathBuf>) -> Result<PathBuf, StoreError> {
    given
        .filter(|p| !p.as_os_str().is_empty())
        .or_else(default_dir)
        .ok_or(StoreError::NoConfigDir)
}

/// The opened store: holds the lock until dropped.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    _lock: File,
}

/// Result of [`Store::open`].
#[derive(Debug)]
pub struct Opened {
    /// The store (holding the lock).
    pub store: Store,
    /// The loaded progress (default when there was none).
    pub progress: Progress,
    /// Whether a progress file existed.
    pub existed: bool,
    /// What to tell the user.
    pub notices: Vec<LoadNotice>,
}

fn create_dir(dir: &Path) -> Result<(), StoreError> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })
}

enum Parsed {
    Ok(Box<Progress>),
    Corrupt(String),
    Newer(u32),
}

fn parse(bytes: &[u8]) -> Parsed {
    // TOML is UTF-8 by definition: invalid bytes mean a damaged file, never a lossy load (which
    // would silently replace characters and then save the replacement over the original).
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Parsed::Corrupt(format!("not UTF-8 text: {e}")),
    };
    match progress::probe_version(text) {
        Some(v) if v > progress::VERSION => Parsed::Newer(v),
        Some(v) if v == progress::VERSION => match Progress::from_toml(text) {
            Ok(p) => Parsed::Ok(Box::new(p)),
            Err(e) => Parsed::Corrupt(e.message().to_string()),
        },
        Some(v) => Parsed::Corrupt(format!("unknown version {v}")),
        None => Parsed::Corrupt(match toml::from_str::<toml::Table>(text) {
            Err(e) => e.message().to_string(),
            Ok(_) => "no `version` key".to_string(),
        }),
    }
}

fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Reads the progress without locking or writing anything (for `status`).
///
/// # Errors
/// Unreadable, damaged or newer files.
pub fn read_only(dir: &Path) -> Result<Option<Progress>, StoreError> {
    let path = dir.join(FILE);
    let Some(bytes) = read_bytes(&path)? else {
        return Ok(None);
    };
    match parse(&bytes) {
        Parsed::Ok(p) => Ok(Some(*p)),
        Parsed::Newer(found) => Err(StoreError::NewerVersion {
            path,
            found,
            supported: progress::VERSION,
        }),
        Parsed::Corrupt(message) => Err(StoreError::Corrupt {
            backup: dir.join(BACKUP),
            path,
            message,
        }),
    }
}

/// A name for a corrupt copy that does not exist yet (never overwrites).
fn quarantine_path(dir: &Path, now: Timestamp) -> PathBuf {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let base = dir.join(format!("{FILE}.corrupt-{stamp}"));
    if !base.exists() {
        return base;
    }
    (1..)
        .map(|n| dir.join(format!("{FILE}.corrupt-{stamp}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or(base)
}

impl Store {
    /// Creates the directory, takes the lock, sweeps stray temp files and loads the progress,
    /// moving a damaged file aside (and falling back to the backup).
    ///
    /// # Errors
    /// See [`StoreError`]; a newer file is refused and left untouched.
    pub fn open(dir: &Path, now: Timestamp) -> Result<Opened, StoreError> {
        create_dir(dir)?;
        let lock_path = dir.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|source| StoreError::Read {
                path: lock_path.clone(),
                source,
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked { path: lock_path });
            }
            Err(fs::TryLockError::Error(source)) => {
                return Err(StoreError::Read {
                    path: lock_path,
                    source,
                });
            }
        }
        let store = Store {
            dir: dir.to_path_buf(),
            _lock: lock,
        };
        store.sweep();
        let path = store.path();
        let mut notices = Vec::new();
        let Some(bytes) = read_bytes(&path)? else {
            return Ok(Opened {
                store,
                progress: Progress::default(),
                existed: false,
                notices,
            });
        };
        let progress = match parse(&bytes) {
            Parsed::Ok(p) => *p,
            Parsed::Newer(found) => {
                return Err(StoreError::NewerVersion {
                    path,
                    found,
                    supported: progress::VERSION,
                });
            }
            Parsed::Corrupt(_) => {
                let corrupt = quarantine_path(dir, now);
                let werr = |source| StoreError::Write {
                    path: path.clone(),
                    source,
                };
                let backup = read_bytes(&dir.join(BACKUP))?.map(|b| parse(&b));
                if let Some(Parsed::Ok(p)) = backup {
                    // Keep the damaged bytes under the new name first, then put the backup in
                    // place with one rename: a kill or a failed write in between leaves the
                    // damaged file where it was (handled again at the next start), never a
                    // missing file that would silently start fresh and later rotate the good
                    // backup away.
                    keep_copy(&path, &corrupt).map_err(werr)?;
                    store.write(&p, false)?;
                    notices.push(LoadNotice::RestoredFromBackup { corrupt });
                    *p
                } else {
                    fs::rename(&path, &corrupt).map_err(werr)?;
                    notices.push(LoadNotice::StartedFresh { corrupt });
                    Progress::default()
                }
            }
        };
        Ok(Opened {
            store,
            progress,
            existed: true,
            notices,
        })
    }

    /// The progress file's path.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// The config directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes temp files left by a save that was killed (we hold the lock, so none is live).
    fn sweep(&self) -> usize {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut n = 0;
        for e in entries.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with(TEMP_PREFIX) && fs::remove_file(e.path()).is_ok()
            {
                n += 1;
            }
        }
        n
    }

    /// Saves atomically and durably, keeping the previous file as `progress.toml.bak`.
    ///
    /// # Errors
    /// Any IO failure; the previous file is then intact.
    pub fn save(&self, progress: &Progress) -> Result<(), StoreError> {
        self.write(progress, true)
    }

    /// Writes atomically; with `rotate`, the current file first becomes the backup.
    fn write(&self, progress: &Progress, rotate: bool) -> Result<(), StoreError> {
        let path = self.path();
        let werr = |source: io::Error| StoreError::Write {
            path: path.clone(),
            source,
        };
        let text = progress
            .to_toml()
            .map_err(|e| werr(io::Error::new(io::ErrorKind::InvalidData, e.to_string())))?;
        let mut file = AtomicFile::with_prefix(&path, TEMP_PREFIX).map_err(werr)?;
        // The current file is good (we loaded or wrote it): it becomes the backup by a hard
        // link + rename, so the backup is never torn either.
        if rotate {
            file = file.backup_to(self.dir.join(BACKUP));
        }
        file.file().write_all(text.as_bytes()).map_err(werr)?;
        file.commit().map_err(werr)
    }
}

/// Makes `to` a copy of `from` (a hard link where the file system allows), never replacing an
/// existing `to`; a real copy is created 0600.
fn keep_copy(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut dst = opts.open(to)?;
            io::copy(&mut File::open(from)?, &mut dst)?;
            dst.sync_all()
        }
    }
}

/// The remembered CSV column mappings file.
pub const MAPPINGS: &str = "mappings.toml";

#[derive(serde::Serialize, serde::Deserialize)]
struct MappingsFile {
    version: u32,
    #[serde(default)]
    mappings: Remembered,
}

/// Loads remembered mappings (fingerprint → field → header); a missing or unreadable file is
/// none (they are only a convenience).
#[must_use]
pub fn load_mappings(dir: &Path) -> Remembered {
    fs::read_to_string(dir.join(MAPPINGS))
        .ok()
        .and_then(|t| toml::from_str::<MappingsFile>(&t).ok())
        .filter(|m| m.version == 1)
        .map(|m| m.mappings)
        .unwrap_or_default()
}

/// Saves remembered mappings atomically.
///
/// # Errors
/// IO errors.
pub fn save_mappings(dir: &Path, mappings: &Remembered) -> io::Result<()> {
    let file = MappingsFile {
        version: 1,
        mappings: mappings.clone(),
    };
    let text = toml::to_string(&file)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    write_atomic(&dir.join(MAPPINGS), |w| w.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::{Catalog, Lang};

    fn every_error() -> Vec<StoreError> {
        let p = || PathBuf::from("/cfg/progress.toml");
        let io = || io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        vec![
            StoreError::NoConfigDir,
            StoreError::CreateDir {
                path: p(),
                source: io(),
            },
            StoreError::Locked { path: p() },
            StoreError::Read {
                path: p(),
                source: io(),
            },
            StoreError::NewerVersion {
                path: p(),
                found: 7,
                supported: 1,
            },
            StoreError::Corrupt {
                path: p(),
                backup: PathBuf::from("/cfg/progress.toml.bak"),
                message: "bad line".into(),
            },
            StoreError::Write {
                path: p(),
                source: io(),
            },
        ]
    }

    /// Each error has one message, in the catalog: every language renders it completely, names
    /// the file and the cause, and `Display` is the English text.
    #[test]
    fn errors_render_from_the_catalog_naming_the_file_and_the_cause() {
        let keys: Vec<String> = every_error().iter().map(|e| e.detail().key).collect();
        assert_eq!(
            keys,
            [
                "core.err.no-config-dir",
                "core.err.create-dir",
                "core.err.locked",
                "core.err.read",
                "core.err.newer",
                "core.err.corrupt",
                "core.err.write",
            ]
        );
        for lang in Lang::ALL {
            let tr = Catalog::load(lang).unwrap_or_else(|e| panic!("{e}"));
            for e in every_error() {
                let text = e.localize(&tr);
                assert!(!text.contains('{'), "{lang}: {text}");
                if !matches!(e, StoreError::NoConfigDir) {
                    assert!(text.contains("/cfg/progress.toml"), "{lang}: {text}");
                }
                if matches!(
                    e,
                    StoreError::CreateDir { .. }
                        | StoreError::Read { .. }
                        | StoreError::Write { .. }
                ) {
                    // The OS error in the same language, from the catalog.
                    let cause = tr.t("io.permission-denied");
                    assert!(text.contains(cause), "{lang}: {text}");
                }
            }
        }
        let newer = &every_error()[4];
        assert!(newer.to_string().contains("version 7"), "{newer}");
        let corrupt = &every_error()[5];
        let text = corrupt.to_string();
        assert!(
            text.contains("bad line") && text.contains("progress.toml.bak"),
            "{text}"
        );
        let en = Catalog::load(Lang::En).unwrap_or_else(|e| panic!("{e}"));
        for e in every_error() {
            assert_eq!(e.to_string(), e.localize(&en));
        }
        let restored = LoadNotice::RestoredFromBackup {
            corrupt: PathBuf::from("/cfg/x.corrupt"),
        };
        assert_eq!(restored.detail().key, "core.notice.restored");
        assert!(restored.localize(&en).contains("/cfg/x.corrupt"));
        let fresh = LoadNotice::StartedFresh {
            corrupt: PathBuf::from("/cfg/y.corrupt"),
        };
        assert_eq!(fresh.detail().key, "core.notice.fresh");
        assert!(fresh.localize(&en).contains("/cfg/y.corrupt"));
    }
}
