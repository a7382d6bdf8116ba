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
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::domain::csv_intake::Remembered;
use crate::domain::progress::{self, Progress};
use crate::domain::text::{self, Detail, Localize, io_error};
use crate::fsutil::{self, AtomicFile, FileKind, read_regular, write_atomic};

/// The progress file's name.
pub const FILE: &str = "progress.toml";
/// The last known good copy.
pub const BACKUP: &str = "progress.toml.bak";
/// The single-instance lock.
pub const LOCK: &str = "progress.lock";
/// Prefix of temp files (swept at start).
const TEMP_PREFIX: &str = ".progress.toml.";
/// The journal of addresses recorded as invited: one address per line, next to the progress
/// file, so `progress.toml` stays small whatever the CSV. Grown by [`append_journal`].
pub const JOURNAL: &str = "invited.txt";
/// Prefix of the journal's temp files (swept at start too).
const JOURNAL_TEMP_PREFIX: &str = ".progress.toml.journal.";

/// Adds the journal's addresses to `progress` (a missing journal adds none).
fn attach_journal(dir: &Path, progress: &mut Progress) -> Result<(), StoreError> {
    if let Some(bytes) = read_bytes(&dir.join(JOURNAL))? {
        let text = String::from_utf8_lossy(&bytes);
        progress.add_journal(progress::parse_journal(&text));
    }
    Ok(())
}

/// The journal's addresses, normalised as [`Progress::invited`] holds them (a missing journal
/// holds none). The TUI reads it on a worker after its first frame (see
/// [`Store::open_deferring_journal`]) and joins it with [`Progress::join_invited`].
///
/// # Errors
/// The journal exists but cannot be read (the error names it).
pub fn read_journal(dir: &Path) -> Result<progress::Invited, StoreError> {
    let mut p = Progress::default();
    attach_journal(dir, &mut p)?;
    Ok(p.invited)
}

/// Appends `emails` to the journal in `dir`: the whole file is written again next to it and
/// renamed over it (mode 0600 when new), so a kill leaves the old journal or the new one, never
/// a torn line. Appending is done before the progress file records the batch, so a kill in
/// between counts the seats as used rather than free.
///
/// # Errors
/// The journal cannot be read or written; it is then unchanged.
pub fn append_journal(dir: &Path, emails: &[String]) -> Result<(), StoreError> {
    if emails.is_empty() {
        return Ok(());
    }
    let path = dir.join(JOURNAL);
    let old = read_bytes(&path)?.unwrap_or_default();
    let werr = |source: io::Error| StoreError::Write {
        path: path.clone(),
        source,
    };
    let mut file = AtomicFile::with_prefix(&path, JOURNAL_TEMP_PREFIX)
        .map_err(werr)?
        .keep_permissions();
    {
        let mut w = io::BufWriter::with_capacity(256 * 1024, file.file());
        w.write_all(&old).map_err(werr)?;
        if !old.is_empty() && !old.ends_with(b"\n") {
            w.write_all(b"\n").map_err(werr)?;
        }
        for e in emails {
            // One address a line: a line break inside one (never valid) cannot split it.
            let line: String = e.chars().filter(|c| !c.is_control()).collect();
            w.write_all(line.trim().as_bytes()).map_err(werr)?;
            w.write_all(b"\n").map_err(werr)?;
        }
        w.flush().map_err(werr)?;
    }
    file.commit().map_err(werr)
}

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
        found: u64,
        /// Ours.
        supported: u32,
    },
    /// A word this build does not know (a newer build wrote it); the file is left untouched.
    UnknownWord {
        /// The file.
        path: PathBuf,
        /// Where, like `items.invite-users.status`.
        field: String,
        /// The word.
        value: String,
    },
    /// The progress file is a directory, FIFO, device or socket.
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// The config directory does not let us create or open the lock (read-only, say).
    CannotWrite {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The lock file was replaced underneath a running instance and someone else holds the new
    /// one: saving now could overwrite their work.
    LockTaken {
        /// The lock file.
        path: PathBuf,
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
            StoreError::UnknownWord {
                path: p,
                field,
                value,
            } => Detail::new("files.err.unknown-word")
                .arg("path", path(p))
                .arg("field", field)
                .arg("value", value),
            StoreError::NotRegular { path: p, kind } => {
                Detail::new(kind.key()).arg("path", path(p))
            }
            StoreError::CannotWrite { path: p, source } => Detail::new("files.err.cannot-write")
                .arg("path", path(p))
                .arg_detail("error", io_error(source)),
            StoreError::LockTaken { path: p } => {
                Detail::new("files.err.lock-taken").arg("path", path(p))
            }
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
    /// The progress file was missing (or a dangling link) and its backup was put back.
    RestoredMissing {
        /// The progress file.
        path: PathBuf,
        /// The backup used.
        backup: PathBuf,
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
            LoadNotice::RestoredMissing { path, backup } => {
                Detail::new("files.notice.restored-missing")
                    .arg("path", path.display())
                    .arg("backup", backup.display())
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

/// How long `mark` and `reset` wait for another instance's lock before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// The opened store: holds the lock until dropped.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    lock: Mutex<HeldLock>,
    /// What the caller had when it last loaded or saved: the base of the three-way merge that
    /// keeps another writer's changes (see [`Store::save`]).
    base: Mutex<Progress>,
}

#[derive(Debug)]
struct HeldLock {
    _file: File,
    /// Device and inode of the lock file we hold, to notice it being replaced.
    id: Option<(u64, u64)>,
}

fn file_id(meta: &fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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
    Newer(u64),
    UnknownWord { field: String, value: String },
}

/// A `status` word under `items` or `checks` that this build cannot read.
fn unknown_word(table: &toml::Table) -> Option<(String, String)> {
    use crate::domain::checks::CheckStatus;
    use crate::domain::progress::Status;
    let readable = |section: &str, word: &str| {
        let v = toml::Value::String(word.to_string());
        match section {
            "items" => v.try_into::<Status>().is_ok(),
            _ => v.try_into::<CheckStatus>().is_ok(),
        }
    };
    for section in ["items", "checks"] {
        let Some(entries) = table.get(section).and_then(toml::Value::as_table) else {
            continue;
        };
        for (id, entry) in entries {
            if let Some(word) = entry.get("status").and_then(toml::Value::as_str)
                && !readable(section, word)
            {
                return Some((format!("{section}.{id}.status"), word.to_string()));
            }
        }
    }
    None
}

fn parse(bytes: &[u8]) -> Parsed {
    // TOML is UTF-8 by definition: invalid bytes mean a damaged file, never a lossy load (which
    // would silently replace characters and then save the replacement over the original).
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Parsed::Corrupt(format!("not UTF-8 text: {e}")),
    };
    let table = match toml::from_str::<toml::Table>(text) {
        Ok(t) => t,
        Err(e) => return Parsed::Corrupt(e.message().to_string()),
    };
    let ours = i64::from(progress::VERSION);
    match table.get("version").and_then(toml::Value::as_integer) {
        // Any version above ours, however large, is a newer file: refused, never quarantined.
        Some(v) if v > ours => Parsed::Newer(v.unsigned_abs()),
        Some(v) if v == ours => {
            if let Some((field, value)) = unknown_word(&table) {
                return Parsed::UnknownWord { field, value };
            }
            match Progress::from_toml(text) {
                Ok(p) => Parsed::Ok(Box::new(p)),
                Err(e) => Parsed::Corrupt(e.message().to_string()),
            }
        }
        Some(v) => Parsed::Corrupt(format!("unknown version {v}")),
        None => Parsed::Corrupt("no `version` key".to_string()),
    }
}

fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    read_regular(path).map_err(|source| match fsutil::not_regular(&source) {
        Some(n) => StoreError::NotRegular {
            path: n.path.clone(),
            kind: n.kind,
        },
        None => StoreError::Read {
            path: path.to_path_buf(),
            source,
        },
    })
}

/// Where the progress file's content really lives: `dir/progress.toml`, or where its symlinks
/// lead (dotfiles kept in a repository): saves write through to it.
fn target_of(path: &Path) -> PathBuf {
    fsutil::resolve_links(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The backup next to `target`: `<name>.bak`.
fn backup_of(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| FILE.into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!("{name}.bak"))
}

/// The temp file prefix next to `target`: `.<name>.`.
fn temp_prefix_of(target: &Path) -> String {
    let name = target
        .file_name()
        .map_or_else(|| FILE.into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.")
}

/// The error for a file this build must not touch.
fn untouchable(path: PathBuf, parsed: &Parsed) -> Option<StoreError> {
    match parsed {
        Parsed::Newer(found) => Some(StoreError::NewerVersion {
            path,
            found: *found,
            supported: progress::VERSION,
        }),
        Parsed::UnknownWord { field, value } => Some(StoreError::UnknownWord {
            path,
            field: field.clone(),
            value: value.clone(),
        }),
        Parsed::Ok(_) | Parsed::Corrupt(_) => None,
    }
}

/// Reads the progress without locking or writing anything (for `status`).
///
/// # Errors
/// Unreadable, damaged or newer files.
pub fn read_only(dir: &Path) -> Result<Option<Progress>, StoreError> {
    let path = dir.join(FILE);
    let target = target_of(&path);
    let Some(bytes) = read_bytes(&target)? else {
        return Ok(None);
    };
    let parsed = parse(&bytes);
    if let Some(e) = untouchable(path.clone(), &parsed) {
        return Err(e);
    }
    match parsed {
        Parsed::Ok(mut p) => {
            attach_journal(dir, &mut p)?;
            Ok(Some(*p))
        }
        Parsed::Corrupt(message) => Err(StoreError::Corrupt {
            backup: backup_of(&target),
            path,
            message,
        }),
        Parsed::Newer(_) | Parsed::UnknownWord { .. } => Ok(None),
    }
}

/// A name for a corrupt copy of `target` next to it that does not exist yet (never
/// overwrites).
fn quarantine_path(target: &Path, now: Timestamp) -> PathBuf {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let name = target
        .file_name()
        .map_or_else(|| FILE.into(), |n| n.to_string_lossy().into_owned());
    let base = target.with_file_name(format!("{name}.corrupt-{stamp}"));
    if !base.exists() {
        return base;
    }
    (1..)
        .map(|n| target.with_file_name(format!("{name}.corrupt-{stamp}-{n}")))
        .find(|p| !p.exists())
        .unwrap_or(base)
}

/// Opens and takes the lock, polling for up to `wait` while another instance holds it.
fn take_lock(dir: &Path, wait: Duration) -> Result<HeldLock, StoreError> {
    let lock_path = dir.join(LOCK);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| StoreError::CannotWrite {
            path: dir.to_path_buf(),
            source,
        })?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked { path: lock_path });
            }
            Err(fs::TryLockError::Error(source)) => {
                return Err(StoreError::CannotWrite {
                    path: dir.to_path_buf(),
                    source,
                });
            }
        }
    }
    let id = file.metadata().ok().as_ref().and_then(file_id);
    Ok(HeldLock { _file: file, id })
}

impl Store {
    /// Creates the directory, takes the lock, sweeps stray temp files and loads the progress,
    /// moving a damaged file aside (and falling back to the backup). Another instance's lock is
    /// refused at once.
    ///
    /// # Errors
    /// See [`StoreError`]; a newer file is refused and left untouched.
    pub fn open(dir: &Path, now: Timestamp) -> Result<Opened, StoreError> {
        Store::open_waiting(dir, now, Duration::ZERO)
    }

    /// [`Store::open`], waiting up to `wait` for another instance's lock (for `mark` and
    /// `reset` run side by side from scripts).
    ///
    /// # Errors
    /// See [`Store::open`].
    pub fn open_waiting(dir: &Path, now: Timestamp, wait: Duration) -> Result<Opened, StoreError> {
        Store::open_with(dir, now, wait, true)
    }

    /// [`Store::open`] without the invite journal: the progress it returns holds only the
    /// addresses old progress files list themselves. The journal grows with every invited
    /// address, so the TUI reads it after its first frame ([`read_journal`]); whatever it
    /// saves in between keeps the journal (it is never written from the progress).
    ///
    /// # Errors
    /// See [`Store::open`].
    pub fn open_deferring_journal(dir: &Path, now: Timestamp) -> Result<Opened, StoreError> {
        Store::open_with(dir, now, Duration::ZERO, false)
    }

    fn open_with(
        dir: &Path,
        now: Timestamp,
        wait: Duration,
        journal: bool,
    ) -> Result<Opened, StoreError> {
        let attach = |progress: &mut Progress| match journal {
            true => attach_journal(dir, progress),
            false => Ok(()),
        };
        create_dir(dir)?;
        let held = take_lock(dir, wait)?;
        let store = Store {
            dir: dir.to_path_buf(),
            lock: Mutex::new(held),
            base: Mutex::new(Progress::default()),
        };
        store.sweep();
        let path = store.path();
        let target = target_of(&path);
        let mut notices = Vec::new();
        let Some(bytes) = read_bytes(&target)? else {
            // Missing (or a dangling link): a good backup is put back, never left to be
            // rotated away by a fresh file.
            let mut backups = vec![backup_of(&target), dir.join(BACKUP)];
            backups.dedup();
            for backup in backups {
                if let Ok(Some(b)) = read_bytes(&backup)
                    && let Parsed::Ok(p) = parse(&b)
                {
                    store.write(&p, false)?;
                    *guard(&store.base) = (*p).clone();
                    notices.push(LoadNotice::RestoredMissing { path, backup });
                    let mut progress = *p;
                    attach(&mut progress)?;
                    return Ok(Opened {
                        store,
                        progress,
                        existed: true,
                        notices,
                    });
                }
            }
            let mut progress = Progress::default();
            attach(&mut progress)?;
            return Ok(Opened {
                store,
                progress,
                existed: false,
                notices,
            });
        };
        let parsed = parse(&bytes);
        if let Some(e) = untouchable(path.clone(), &parsed) {
            return Err(e);
        }
        let progress = match parsed {
            Parsed::Ok(p) => *p,
            Parsed::Newer(_) | Parsed::UnknownWord { .. } => Progress::default(),
            Parsed::Corrupt(_) => {
                let corrupt = quarantine_path(&target, now);
                let werr = |source| StoreError::Write {
                    path: path.clone(),
                    source,
                };
                let backup = read_bytes(&backup_of(&target))?.map(|b| parse(&b));
                if let Some(Parsed::Ok(p)) = backup {
                    // Keep the damaged bytes under the new name first, then put the backup in
                    // place with one rename: a kill or a failed write in between leaves the
                    // damaged file where it was (handled again at the next start), never a
                    // missing file that would silently start fresh and later rotate the good
                    // backup away.
                    keep_copy(&target, &corrupt).map_err(werr)?;
                    store.write(&p, false)?;
                    notices.push(LoadNotice::RestoredFromBackup { corrupt });
                    *p
                } else {
                    fs::rename(&target, &corrupt).map_err(werr)?;
                    notices.push(LoadNotice::StartedFresh { corrupt });
                    Progress::default()
                }
            }
        };
        let mut progress = progress;
        store.move_legacy_addresses(&mut progress);
        attach(&mut progress)?;
        *guard(&store.base) = progress.clone();
        Ok(Opened {
            store,
            progress,
            existed: true,
            notices,
        })
    }

    /// Moves the addresses older builds kept in `progress.toml`'s batches into the journal,
    /// once: a file with a large old batch took 100+ ms to parse at every start (2.4 MB for
    /// 100 000 addresses) and was rewritten whole at every save. The journal is written first
    /// (only addresses it lacks), then the file; if either fails, the file keeps them, as before.
    fn move_legacy_addresses(&self, progress: &mut Progress) {
        if progress.invites.iter().all(|b| b.emails.is_empty()) {
            return;
        }
        let mut moved = progress.clone();
        let legacy = moved.take_legacy_addresses();
        let result = read_journal(&self.dir).and_then(|known| {
            let mut seen = std::collections::HashSet::new();
            let new: Vec<String> = legacy
                .into_iter()
                .filter(|e| {
                    let key = e.to_lowercase();
                    !known.contains(&key) && seen.insert(key)
                })
                .collect();
            append_journal(&self.dir, &new)?;
            self.write(&moved, true)
        });
        match result {
            Ok(()) => *progress = moved,
            Err(e) => tracing::warn!(error = %e, "old invite batches kept in the progress file"),
        }
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

    /// Removes temp files left by a save that was killed (we hold the lock, so none is live),
    /// in the config dir and next to a symlinked progress file's target.
    fn sweep(&self) -> usize {
        let target = target_of(&self.path());
        let mut places = vec![(self.dir.clone(), TEMP_PREFIX.to_string())];
        if let Some(parent) = target.parent() {
            places.push((parent.to_path_buf(), temp_prefix_of(&target)));
        }
        places.dedup();
        let mut n = 0;
        for (dir, prefix) in places {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name();
                if name.to_string_lossy().starts_with(&prefix) && fs::remove_file(e.path()).is_ok()
                {
                    n += 1;
                }
            }
        }
        n
    }

    /// Checks that the lock file is still the one we hold; if it was deleted or replaced, takes
    /// the new one (so later writers wait for us) or, when someone else holds it, refuses.
    fn check_lock(&self) -> Result<(), StoreError> {
        let mut held = guard(&self.lock);
        let lock_path = self.dir.join(LOCK);
        let now = fs::metadata(&lock_path).ok().as_ref().and_then(file_id);
        if held.id.is_none() || now == held.id {
            return Ok(());
        }
        tracing::warn!(path = %lock_path.display(), "the lock file was replaced underneath");
        match take_lock(&self.dir, Duration::ZERO) {
            Ok(new) => {
                *held = new;
                Ok(())
            }
            Err(StoreError::Locked { path }) => Err(StoreError::LockTaken { path }),
            Err(e) => Err(e),
        }
    }

    /// Saves atomically and durably, keeping the previous file as the `.bak` next to it. The
    /// file is read first: whatever another program wrote there since this store loaded or
    /// last saved is merged in ([`Progress::merge3`]), never overwritten silently; a file that
    /// became newer than this build is refused.
    ///
    /// # Errors
    /// Any IO failure; the previous file is then intact.
    pub fn save(&self, progress: &Progress) -> Result<(), StoreError> {
        self.check_lock()?;
        let path = self.path();
        let target = target_of(&path);
        let mut base = guard(&self.base);
        let (merged, rotate) = match read_bytes(&target)? {
            None => (progress.clone(), true),
            Some(bytes) => {
                let parsed = parse(&bytes);
                if let Some(e) = untouchable(path.clone(), &parsed) {
                    return Err(e);
                }
                match parsed {
                    Parsed::Ok(theirs) => {
                        let merged = Progress::merge3(&base, progress, &theirs);
                        if &merged != progress {
                            tracing::warn!(
                                path = %path.display(),
                                "merged changes another program made to the progress file"
                            );
                        }
                        (merged, true)
                    }
                    // Damaged underneath us: replaced, but never rotated into the backup.
                    _ => (progress.clone(), false),
                }
            }
        };
        self.write(&merged, rotate)?;
        *base = progress.clone();
        Ok(())
    }

    /// Writes atomically through to the progress file's target; with `rotate`, the current
    /// file first becomes the backup next to it.
    fn write(&self, progress: &Progress, rotate: bool) -> Result<(), StoreError> {
        let path = self.path();
        let target = target_of(&path);
        let werr = |source: io::Error| match fsutil::not_regular(&source) {
            Some(n) => StoreError::NotRegular {
                path: n.path.clone(),
                kind: n.kind,
            },
            None => StoreError::Write {
                path: path.clone(),
                source,
            },
        };
        let text = progress
            .to_toml()
            .map_err(|e| werr(io::Error::new(io::ErrorKind::InvalidData, e.to_string())))?;
        let mut file = AtomicFile::with_prefix(&target, &temp_prefix_of(&target)).map_err(werr)?;
        // The current file is good (we loaded or wrote it): it becomes the backup by a hard
        // link + rename, so the backup is never torn either.
        if rotate {
            file = file.backup_to(backup_of(&target));
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
    read_regular(&dir.join(MAPPINGS))
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
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
            StoreError::UnknownWord {
                path: p(),
                field: "items.x.status".into(),
                value: "delegated".into(),
            },
            StoreError::NotRegular {
                path: p(),
                kind: FileKind::Fifo,
            },
            StoreError::CannotWrite {
                path: p(),
                source: io(),
            },
            StoreError::LockTaken { path: p() },
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
                "files.err.unknown-word",
                "files.not-regular.fifo",
                "files.err.cannot-write",
                "files.err.lock-taken",
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
                        | StoreError::CannotWrite { .. }
                ) {
                    // The OS error comes through the catalog, in the user's language.
                    let cause = text::io_error(&io::Error::from(io::ErrorKind::PermissionDenied))
                        .render(&tr);
                    assert!(text.contains(&cause), "{lang}: {text} (no {cause})");
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

    fn guide() -> crate::domain::guide::Guide {
        crate::domain::guide::Guide::embedded().unwrap_or_else(|e| panic!("{e}"))
    }

    fn done(p: &mut Progress, id: crate::domain::guide::ItemId) {
        let g = guide();
        p.set_status(
            g.item(id),
            progress::Status::Done,
            None,
            Timestamp::now(),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    /// The lost update of issue 11: with the TUI's store open, the lock is deleted, `mark`
    /// writes, and the TUI saves again. The mark's change must survive; while the other writer
    /// still holds the new lock, the TUI's save is refused instead.
    #[test]
    fn a_change_made_underneath_is_merged_never_overwritten() {
        use crate::domain::guide::ItemId;
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path();
        let tui = Store::open(dir, Timestamp::now()).unwrap_or_else(|e| panic!("{e}"));
        let mut ours = tui.progress;
        done(&mut ours, ItemId::PrereqCrmSync);
        tui.store.save(&ours).unwrap_or_else(|e| panic!("{e}"));

        fs::remove_file(dir.join(LOCK)).unwrap_or_else(|e| panic!("{e}"));
        let other = Store::open(dir, Timestamp::now()).unwrap_or_else(|e| panic!("{e}"));
        let mut theirs = other.progress.clone();
        done(&mut theirs, ItemId::ConnectMarketo);
        other.store.save(&theirs).unwrap_or_else(|e| panic!("{e}"));

        done(&mut ours, ItemId::InviteUsers);
        match tui.store.save(&ours) {
            Err(StoreError::LockTaken { path }) => assert_eq!(path, dir.join(LOCK)),
            other => panic!("expected LockTaken, got {other:?}"),
        }
        drop(other);
        tui.store.save(&ours).unwrap_or_else(|e| panic!("{e}"));
        let on_disk = read_only(dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default();
        for id in [
            ItemId::PrereqCrmSync,
            ItemId::ConnectMarketo,
            ItemId::InviteUsers,
        ] {
            assert_eq!(on_disk.status(id), progress::Status::Done, "{id} lost");
        }
        // The TUI took the new lock: a third writer is kept out.
        assert!(matches!(
            Store::open(dir, Timestamp::now()),
            Err(StoreError::Locked { .. })
        ));
        // A later save of the TUI (which never saw the other change) still keeps it.
        done(&mut ours, ItemId::InstallPackage);
        tui.store.save(&ours).unwrap_or_else(|e| panic!("{e}"));
        let on_disk = read_only(dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default();
        assert_eq!(
            on_disk.status(ItemId::ConnectMarketo),
            progress::Status::Done
        );
    }
}
