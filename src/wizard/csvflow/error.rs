//! What the CSV screens have to say, typed until the UI shows it: each message is a catalog key
//! and its arguments (`message()`), rendered only in `ui`.

use std::io;

use crate::domain::csv_intake::{SniffError, ValidateError};
use crate::domain::files::NotRegular;
use crate::domain::progress::SavedFlowError;
use crate::domain::text::{Detail, io_error};
use crate::wizard::Shared;

/// A message: a catalog key and the values of its placeholders.
pub type Message = (&'static str, Vec<(&'static str, String)>);

/// Why a background CSV job failed, with the path it was about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvJobError {
    /// The source cannot be opened or read (missing, a folder, no permission...).
    Read {
        /// The path as typed.
        path: String,
        /// Why.
        error: Shared<io::Error>,
    },
    /// A pass over the rows stopped (a row too long, the file changed...).
    Rows {
        /// The source, as typed.
        path: String,
        /// Why.
        error: Shared<ValidateError>,
    },
    /// An output cannot be written.
    Write {
        /// The output, as typed.
        path: String,
        /// Why.
        error: Shared<io::Error>,
    },
}

impl CsvJobError {
    /// The source could not be read.
    #[must_use]
    pub fn read(path: &str, error: io::Error) -> CsvJobError {
        CsvJobError::Read {
            path: path.to_string(),
            error: Shared(std::sync::Arc::new(error)),
        }
    }

    /// A pass over the source stopped.
    #[must_use]
    pub fn rows(path: &str, error: ValidateError) -> CsvJobError {
        CsvJobError::Rows {
            path: path.to_string(),
            error: Shared(std::sync::Arc::new(error)),
        }
    }

    /// An output could not be written.
    #[must_use]
    pub fn write(path: &str, error: io::Error) -> CsvJobError {
        CsvJobError::Write {
            path: path.to_string(),
            error: Shared(std::sync::Arc::new(error)),
        }
    }

    /// The message: a catalog key, its arguments and, for an operating-system error, that
    /// error as a message of its own (`{error}`, from `io_error`), so every renderer says it in
    /// the user's language.
    #[must_use]
    pub fn message(&self) -> Detail {
        match self {
            CsvJobError::Read { path, error } => {
                let key = match error.0.kind() {
                    io::ErrorKind::NotFound => "csv.tui.err-not-found",
                    io::ErrorKind::PermissionDenied => "csv.tui.err-permission",
                    io::ErrorKind::IsADirectory => "csv.tui.err-directory",
                    _ => "csv.tui.err-read",
                };
                Detail::new(key)
                    .arg("path", path)
                    .arg_detail("error", io_error(&error.0))
            }
            CsvJobError::Rows { path, error } => {
                let d = |key: &str| Detail::new(key).arg("path", path);
                match &*error.0 {
                    ValidateError::Io(e) => {
                        d("csv.tui.err-validate").arg_detail("error", io_error(e))
                    }
                    ValidateError::Cancelled => Detail::new("csv.tui.err-cancelled"),
                    ValidateError::NoEmailColumn => Detail::new("csv.tui.need-email"),
                    ValidateError::HeaderNotFound { line } => {
                        d("csv.tui.err-header-gone").arg("line", line)
                    }
                    ValidateError::RowTooLong { line } => {
                        d("csv.tui.err-row-too-long").arg("line", line)
                    }
                    ValidateError::TooLarge => d("csv.tui.err-too-large"),
                    ValidateError::Changed { line } => d("csv.tui.err-changed").arg("line", line),
                }
            }
            CsvJobError::Write { path, error } => match NotRegular::find(&error.0) {
                // A device, FIFO or directory as an output path: say what it is.
                Some(n) => Detail::new(n.kind.key()).arg("path", path),
                None => Detail::new("csv.tui.err-write")
                    .arg("path", path)
                    .arg_detail("error", io_error(&error.0)),
            },
        }
    }
}

/// A [`Message`] as a [`Detail`], for renderers that take one shape.
#[must_use]
pub fn detail((key, args): Message) -> Detail {
    args.into_iter()
        .fold(Detail::new(key), |d, (name, value)| d.arg(name, value))
}

/// A problem shown under a CSV screen's rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowError {
    /// A background job failed.
    Job(CsvJobError),
    /// The file cannot be read as a CSV (with these choices).
    Sniff(SniffError),
    /// No column is mapped to Email.
    NeedEmail,
    /// The Email column is only a fuzzy match: it must be chosen by hand.
    FuzzyEmail,
    /// Every valid address is already recorded as invited.
    NothingNew,
    /// No seat left for anyone.
    NoSeats {
        /// Seats used.
        used: u64,
        /// Seats the instance has.
        total: u64,
    },
    /// More teams than an instance allows, with those already recorded.
    TooManyTeams {
        /// Teams with those already recorded.
        n: u64,
        /// The limit.
        limit: u64,
    },
    /// The flow saved in the progress file holds a value this build does not know.
    Saved(SavedFlowError),
}

impl FlowError {
    /// The message: a catalog key and its arguments (an OS error inside as a nested message).
    #[must_use]
    pub fn message(&self) -> Detail {
        let m: Message = match self {
            FlowError::Job(e) => return e.message(),
            FlowError::Sniff(e) => match e {
                SniffError::Empty => ("csv.tui.err-empty", vec![]),
                SniffError::Binary(k) => ("csv.tui.err-binary", vec![("kind", k.as_str().into())]),
                SniffError::HeaderNotInSample { line, .. } => {
                    ("csv.tui.err-header", vec![("line", line.to_string())])
                }
                SniffError::BadDelimiter(c) => {
                    ("csv.tui.err-delimiter", vec![("char", c.to_string())])
                }
            },
            FlowError::NeedEmail => ("csv.tui.need-email", vec![]),
            FlowError::FuzzyEmail => ("csv.tui.fuzzy-email", vec![]),
            FlowError::NothingNew => ("csv.tui.nothing-new", vec![]),
            FlowError::NoSeats { used, total } => (
                "invites.plan-no-seats",
                vec![("used", used.to_string()), ("total", total.to_string())],
            ),
            FlowError::TooManyTeams { n, limit } => (
                "invites.plan-teams",
                vec![("n", n.to_string()), ("limit", limit.to_string())],
            ),
            FlowError::Saved(e) => e.message(),
        };
        detail(m)
    }
}

/// Something worth knowing, shown in the CSV screens' title line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The file changed since the flow was saved: the choices were checked again.
    FileChanged,
}

impl Notice {
    /// The message: a catalog key and its arguments.
    #[must_use]
    pub fn message(self) -> Message {
        match self {
            Notice::FileChanged => ("csv.tui.file-changed", vec![]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_say_what_happened_to_the_path() {
        let e = |kind| {
            CsvJobError::read("u.csv", io::Error::new(kind, "x"))
                .message()
                .key
        };
        assert_eq!(e(io::ErrorKind::NotFound), "csv.tui.err-not-found");
        assert_eq!(e(io::ErrorKind::PermissionDenied), "csv.tui.err-permission");
        assert_eq!(e(io::ErrorKind::IsADirectory), "csv.tui.err-directory");
        assert_eq!(e(io::ErrorKind::Other), "csv.tui.err-read");
        let d = CsvJobError::write("o.csv", io::Error::other("disk full")).message();
        assert_eq!(d.key, "csv.tui.err-write");
        assert_eq!(d.args.get("path").map(String::as_str), Some("o.csv"));
        // The OS error stays typed: a catalog message of its own, not English text.
        assert_eq!(
            d.nested.get("error"),
            Some(&io_error(&io::Error::other("disk full")))
        );
        let d = CsvJobError::read("u.csv", io::Error::from(io::ErrorKind::NotFound)).message();
        assert_eq!(
            d.nested.get("error").map(|e| e.key.as_str()),
            Some("io.not-found")
        );
        assert!(!d.args.contains_key("error"));
    }

    #[test]
    fn a_stopped_pass_is_said_in_the_catalog_not_in_english() {
        for (error, key, line) in [
            (
                ValidateError::RowTooLong { line: 7 },
                "csv.tui.err-row-too-long",
                Some("7"),
            ),
            (
                ValidateError::Changed { line: 9 },
                "csv.tui.err-changed",
                Some("9"),
            ),
            (
                ValidateError::HeaderNotFound { line: 2 },
                "csv.tui.err-header-gone",
                Some("2"),
            ),
            (ValidateError::TooLarge, "csv.tui.err-too-large", None),
            (ValidateError::NoEmailColumn, "csv.tui.need-email", None),
            (ValidateError::Cancelled, "csv.tui.err-cancelled", None),
        ] {
            let d = CsvJobError::rows("u.csv", error).message();
            assert_eq!(d.key, key);
            assert_eq!(d.args.get("line").map(String::as_str), line);
        }
        let d = FlowError::Sniff(SniffError::HeaderNotInSample { line: 4, limit: 1 }).message();
        assert_eq!(d, Detail::new("csv.tui.err-header").arg("line", 4));
    }
}
