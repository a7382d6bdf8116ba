//! One way to replace a file atomically, used by the progress store, the credentials file and
//! the CSV outputs.
//!
//! The recipe (`shared/reference/perf-reliability-facts.md` §5.1): write a temp file in the
//! target's own folder (mode 0600 from creation), `fsync` it, optionally hard-link the current
//! target to a backup name, rename the temp file over the target, `fsync` the folder. A kill at
//! any point leaves the old file or the new one, never a torn one. A write that fails or is
//! abandoned (dropped without [`AtomicFile::commit`], e.g. a cancelled export) removes its temp
//! file and leaves the target untouched.
//!
//! File rules for everything the program writes or reads as state: only regular files. A path
//! that is a directory, FIFO, socket or device (or a symlink to one, like `/proc/self/fd/1`) is
//! refused with [`NotRegular`] before anything is opened for writing; a symlink to a regular
//! file (or to a path that does not exist yet) is written through: the temp file, the backup and
//! the rename happen next to the file it points to, so the link stays a link. State files are
//! opened non-blocking and checked after opening, so a FIFO never hangs a read.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

pub use crate::domain::files::{FileKind, NotRegular};

/// What `ft` is when it is not a regular file (`None` for a regular file).
#[must_use]
pub fn kind_of(ft: fs::FileType) -> Option<FileKind> {
    if ft.is_file() {
        return None;
    }
    if ft.is_dir() {
        return Some(FileKind::Directory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Some(FileKind::Fifo);
        }
        if ft.is_char_device() {
            return Some(FileKind::CharDevice);
        }
        if ft.is_block_device() {
            return Some(FileKind::BlockDevice);
        }
        if ft.is_socket() {
            return Some(FileKind::Socket);
        }
    }
    Some(FileKind::Other)
}

fn refused(path: &Path, kind: FileKind) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        NotRegular {
            path: path.to_path_buf(),
            kind,
        },
    )
}

/// The [`NotRegular`] inside `e`, if that is what it is.
#[must_use]
pub fn not_regular(e: &io::Error) -> Option<&NotRegular> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<NotRegular>())
}

/// Follows `path` through symlinks to the path that is finally read or written (which may not
/// exist yet). A path that is not a link is returned as it is.
///
/// # Errors
/// A link cannot be read, or more than 40 links in a row.
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = if to.is_absolute() {
                    to
                } else {
                    p.parent().unwrap_or_else(|| Path::new(".")).join(to)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "too many symbolic links at `{}`",
        path.display()
    )))
}

/// Where a write to `path` lands: `path` itself, or the file its symlinks point to.
///
/// # Errors
/// [`NotRegular`] (inside the `io::Error`) when `path` is, or points to, something other than
/// a regular file; a link that cannot be read.
pub fn write_target(path: &Path) -> io::Result<PathBuf> {
    match fs::metadata(path) {
        Ok(m) => {
            if let Some(kind) = kind_of(m.file_type()) {
                return Err(refused(path, kind));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    resolve_links(path)
}

/// Reads a state file whole: `Ok(None)` when it does not exist (or is a dangling link). It is
/// opened non-blocking and checked once open, so a FIFO or a device is refused, never waited on.
///
/// # Errors
/// [`NotRegular`] (inside the `io::Error`), or the read error.
pub fn read_regular(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let mut f = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            // A directory cannot always be opened; say what it is rather than "is a directory".
            if let Ok(m) = fs::metadata(path)
                && let Some(kind) = kind_of(m.file_type())
            {
                return Err(refused(path, kind));
            }
            return Err(e);
        }
    };
    let meta = f.metadata()?;
    if let Some(kind) = kind_of(meta.file_type()) {
        return Err(refused(path, kind));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).min(1 << 20));
    io::Read::read_to_end(&mut f, &mut bytes)?;
    Ok(Some(bytes))
}

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
    /// caller can sweep the ones a kill left behind). A symlinked `path` is written through
    /// (see the module docs); anything but a regular file or nothing is refused.
    ///
    /// # Errors
    /// [`NotRegular`]; the temp file cannot be created.
    pub fn with_prefix(path: &Path, prefix: &str) -> io::Result<AtomicFile> {
        let path = &write_target(path)?;
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

    /// The file that the commit replaces (`path`, or where its symlinks lead).
    #[must_use]
    pub fn target(&self) -> &Path {
        &self.path
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

    /// Readers of one `FileSource` read from their own offsets, in any order, and all see the
    /// file that was opened even after its path names another one.
    #[cfg(unix)]
    #[test]
    fn file_source_readers_keep_their_own_offsets() {
        use crate::domain::csv_intake::Source;
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        fs::write(&path, b"0123456789abcdef").unwrap();
        let source = FileSource::new(File::open(&path).unwrap(), 16);
        let (mut a, mut b) = (source.open_at(10).unwrap(), source.open_at(2).unwrap());
        fs::remove_file(&path).unwrap();
        fs::write(&path, b"replaced").unwrap();
        let mut two = [0u8; 2];
        a.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"ab");
        b.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"23");
        a.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"cd");
        let mut rest = Vec::new();
        source.open_at(14).unwrap().read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"ef");
        assert_eq!(source.size(), 16);
    }

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

/// A file on disk read from any offset: each part of a large CSV that is checked in parts
/// ([`crate::domain::csv_intake::validate_source`]) reads the one file opened, each at its own
/// offset (positioned reads), so every part sees the same file even if the path is replaced
/// meanwhile.
#[derive(Debug, Clone)]
pub struct FileSource {
    file: std::sync::Arc<File>,
    size: u64,
}

impl FileSource {
    /// `file`, of `size` bytes (as its metadata said when it was opened).
    #[must_use]
    pub fn new(file: File, size: u64) -> Self {
        FileSource {
            file: std::sync::Arc::new(file),
            size,
        }
    }
}

/// A reader of a [`FileSource`] from some offset.
#[derive(Debug)]
pub struct FileAt {
    file: std::sync::Arc<File>,
    pos: u64,
}

impl io::Read for FileAt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.pos)?;
        #[cfg(not(any(unix, windows)))]
        let n = {
            use std::io::{Seek, SeekFrom};
            // No positioned reads here: the shared cursor is moved and read under one lock.
            static CURSOR: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _held = CURSOR
                .lock()
                .map_err(|_| io::Error::other("file cursor lock"))?;
            let mut f = &*self.file;
            f.seek(SeekFrom::Start(self.pos))?;
            io::Read::read(&mut f, buf)?
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl crate::domain::csv_intake::Source for FileSource {
    type Reader = FileAt;

    fn size(&self) -> u64 {
        self.size
    }

    fn open_at(&self, offset: u64) -> io::Result<FileAt> {
        Ok(FileAt {
            file: std::sync::Arc::clone(&self.file),
            pos: offset,
        })
    }
}
