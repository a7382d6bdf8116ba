//! What the program says about a path that is not a regular file where one is needed (a
//! directory, FIFO, device or socket). The file system checks live in `fsutil`; these are the
//! plain facts they report, so `wizard` and `commands` can show them from the catalog.

use std::path::PathBuf;

/// What a path is when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A character device (a terminal, `/dev/null`, `/dev/zero`).
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// The catalog key of the message "`{path}` is a …, not a regular file"
    /// (`files.not-regular.*`, one placeholder: `path`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            FileKind::Directory => "files.not-regular.directory",
            FileKind::Fifo => "files.not-regular.fifo",
            FileKind::CharDevice => "files.not-regular.char-device",
            FileKind::BlockDevice => "files.not-regular.block-device",
            FileKind::Socket => "files.not-regular.socket",
            FileKind::Other => "files.not-regular.other",
        }
    }
}

/// A path that is not a regular file where one is needed. Carried inside an `io::Error` (kind
/// `InvalidInput`) by the shell's file functions.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not a regular file ({kind:?})", path.display())]
pub struct NotRegular {
    /// The path as given.
    pub path: PathBuf,
    /// What it is.
    pub kind: FileKind,
}

impl NotRegular {
    /// The one found inside `e`, if that is what it is.
    #[must_use]
    pub fn find(e: &std::io::Error) -> Option<&NotRegular> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<NotRegular>())
    }
}
