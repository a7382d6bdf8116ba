//! One way to replace a file atomically, used by the progress store, the credentials file and
//! the CSV outputs.
//!
//! The recipe (`shared/reference/perf-reliability-facts.md` §5.1): write a temp file in the
//! target's own folder (mode 0600 from creation), `fsync` it, optionally hard-link the current
//! target to a backup name, rename the temp file over the target, `fsync` the folder. A kill at
//! any point leaves the old file or the new one, never a torn one. A write that fails or is
//! abandoned (dropped without [`AtomicFile::commit`], e.g. a cancelled export) removes its temp
//! file and leaves the target untouched.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A file being written in place of `path`; nothing is visible at `path` before
/// [`commit`](AtomicFile::commit).
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    dir: PathBuf,
    prefix: String,
    tmp: NamedTempFile,
    keep_permissions: bool,
    backup: Option<PathBuf>,
}

impl AtomicFile {
    /// Starts replacing `path`: a temp file `.<name>.<random>.tmp` next to it.
    ///
    /// # Errors
    /// The temp file cannot be created (missing folder, no permission, ...).
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let name = path.file_name().map_or_else(
            || "output".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        AtomicFile::with_prefix(path, &format!(".{name}."))
    }

    /// Like [`create`](AtomicFile::create) with temp files named `<prefix><random>.tmp` (so a
    /// caller can sweep the ones a kill left behind).
    ///
    /// # Errors
    /// The temp file cannot be created.
    pub fn with_prefix(path: &Path, prefix: &str) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .suffix(".tmp")
            .tempfile_in(&dir)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            dir,
            prefix: prefix.to_string(),
            tmp,
            keep_permissions: false,
            backup: None,
        })
    }

    /// An existing target keeps its permissions (a new one is 0600).
    #[must_use]
    pub fn keep_permissions(mut self) -> AtomicFile {
        self.keep_permissions = true;
        self
    }

    /// Before the rename, the current target (if any) becomes `backup`: hard-linked to a temp
    /// name, then renamed, so the backup is never torn either. Where hard links are not
    /// possible, no backup is made.
    #[must_use]
    pub fn backup_to(mut self, backup: PathBuf) -> AtomicFile {
        self.backup = Some(backup);
        self
    }

    /// The temp file, to write into (wrap it in a `BufWriter` for many small writes).
    pub fn file(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// Makes the new content the target's: sync, back up, rename, sync the folder.
    ///
    /// # Errors
    /// Any IO failure; the target is then the old file (or absent if there was none).
    pub fn commit(self) -> io::Result<()> {
        let AtomicFile {
            path,
            dir,
            prefix,
            tmp,
            keep_permissions,
            backup,
        } = self;
        if keep_permissions && let Ok(meta) = fs::metadata(&path) {
            let _ = tmp.as_file().set_permissions(meta.permissions());
        }
        tmp.as_file().sync_all()?;
        if let Some(backup) = backup
            && path.exists()
        {
            let link = dir.join(format!("{prefix}bak.tmp"));
            let _ = fs::remove_file(&link);
            if fs::hard_link(&path, &link).is_ok() {
                fs::rename(&link, backup)?;
            }
        }
        tmp.persist(&path).map_err(|e| e.error)?;
        sync_dir(&dir)
    }
}

/// Writes `path` atomically through `write` (buffered); a new file is 0600, an existing one
/// keeps its permissions. On any error, or when `write` fails, `path` is untouched and no temp
/// file is left.
///
/// # Errors
/// The writer's error, or an IO error converted into `E`.
pub fn write_atomic<E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let mut file = AtomicFile::create(path)?.keep_permissions();
    {
        let mut w = io::BufWriter::with_capacity(256 * 1024, file.file());
        write(&mut w)?;
        w.flush()?;
    }
    file.commit()?;
    Ok(())
}

/// Syncs a folder, so a rename in it survives a power cut (a no-op where folders cannot be
/// synced).
///
/// # Errors
/// The folder cannot be opened or synced.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn nothing_is_visible_before_the_commit_and_a_drop_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        f.file().write_all(b"half").unwrap();
        assert!(!target.exists());
        assert_eq!(names(dir.path()).len(), 1, "one temp file while writing");
        drop(f);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));

        fs::write(&target, "old").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.file().write_all(b"new").unwrap();
        drop(f);
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_private_and_kept_permissions_are_kept_only_when_asked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.csv");
        write_atomic(&target, |w| w.write_all(b"1")).unwrap();
        assert_eq!(mode(&target), 0o600);
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&target, |w| w.write_all(b"2")).unwrap();
        assert_eq!(
            mode(&target),
            0o644,
            "write_atomic keeps an existing file's mode"
        );
        let mut f = AtomicFile::create(&target).unwrap();
        f.file().write_all(b"3").unwrap();
        f.commit().unwrap();
        assert_eq!(mode(&target), 0o600, "without keep_permissions: 0600");
        assert_eq!(fs::read_to_string(&target).unwrap(), "3");
    }

    #[test]
    fn a_failing_writer_leaves_the_target_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.csv");
        fs::write(&target, "kept").unwrap();
        let err = write_atomic(&target, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("stop"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "stop");
        assert_eq!(fs::read_to_string(&target).unwrap(), "kept");
        assert_eq!(names(dir.path()), ["r.csv"]);
    }

    #[test]
    fn the_backup_is_the_previous_file_and_temp_names_use_the_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("p.toml");
        let bak = dir.path().join("p.toml.bak");
        let mut f = AtomicFile::with_prefix(&target, ".p.toml.")
            .unwrap()
            .backup_to(bak.clone());
        assert!(names(dir.path())[0].starts_with(".p.toml."));
        f.file().write_all(b"one").unwrap();
        f.commit().unwrap();
        assert!(!bak.exists(), "no previous file: no backup");
        let mut f = AtomicFile::with_prefix(&target, ".p.toml.")
            .unwrap()
            .backup_to(bak.clone());
        f.file().write_all(b"two").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "two");
        assert_eq!(fs::read_to_string(&bak).unwrap(), "one");
        assert_eq!(names(dir.path()), ["p.toml", "p.toml.bak"]);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nope").join("x.csv");
        assert!(AtomicFile::create(&target).is_err());
        assert!(write_atomic(&target, |w| w.write_all(b"x")).is_err());
        assert!(!target.exists());
    }
}
