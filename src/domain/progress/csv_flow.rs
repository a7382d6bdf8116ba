//! The CSV invite flow's resumable part, kept in `progress.toml` as `[csv-flow]`: the file and
//! the choices made on it (the CSV itself is re-read, never copied here).
//!
//! Every value is typed: the stage, the encoding (by its `encoding_rs` name), the delimiter (the
//! character), the header row (its line, 0 for none) and the columns chosen by hand (keyed by
//! [`Field`], 1-based, 0 for none). The text written is the same as before these types existed,
//! so older files keep loading.
//!
//! A value this build does not know (a stage added by a newer msi-setup, a hand edit) does not
//! make the whole progress file unreadable, and does not silently become another value: the
//! table is kept ([`SavedCsvFlow::Unreadable`], saved back with every key and value) with a
//! [`SavedFlowError`] naming the key and the value, which the wizard shows when the flow would
//! resume.

use std::collections::BTreeMap;

use encoding_rs::Encoding;
use serde::de::{self, DeserializeOwned, Deserializer, Unexpected};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::domain::csv_intake::{Field, HeaderChoice, encoding_for_label, parse_delimiter};

/// Where a saved flow resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum CsvStage {
    /// Encoding, delimiter and header row (also saved while the file is being picked again).
    Intake,
    /// The column mapping.
    Mapping,
    /// The validation grid.
    Grid,
    /// The plan.
    Plan,
    /// Written (older builds saved it; it resumes at the plan).
    Done,
    /// The files are written and the batch waits for "I clicked Invite in the web app": it
    /// resumes at that confirm (the addresses are read again from the invite CSV).
    Written,
}

/// An encoding chosen by hand, saved by its `encoding_rs` name (`EUC-KR`, `UTF-16LE`...) and
/// read back with [`encoding_for_label`] (so `cp949` written by hand works too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodingChoice(pub &'static Encoding);

impl Serialize for EncodingChoice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for EncodingChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let label = String::deserialize(d)?;
        encoding_for_label(&label)
            .map(EncodingChoice)
            .ok_or_else(|| {
                de::Error::invalid_value(
                    Unexpected::Str(&label),
                    &"an encoding name such as EUC-KR",
                )
            })
    }
}

/// A delimiter chosen by hand, saved as the character itself (`;`, a TAB...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DelimiterChoice(pub u8);

impl Serialize for DelimiterChoice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&char::from(self.0).to_string())
    }
}

impl<'de> Deserialize<'de> for DelimiterChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_delimiter(&text).map(DelimiterChoice).ok_or_else(|| {
            de::Error::invalid_value(Unexpected::Str(&text), &"one of , ; | or a TAB")
        })
    }
}

/// A column chosen by hand for a field: saved as its 1-based number, 0 for "no column".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnChoice {
    /// The field is left empty.
    None,
    /// This 0-based column.
    Column(usize),
}

impl Serialize for ColumnChoice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ColumnChoice::None => s.serialize_u64(0),
            ColumnChoice::Column(c) => s.serialize_u64(*c as u64 + 1),
        }
    }
}

impl<'de> Deserialize<'de> for ColumnChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        if n == 0 {
            return Ok(ColumnChoice::None);
        }
        usize::try_from(n - 1)
            .map(ColumnChoice::Column)
            .map_err(|_| de::Error::invalid_value(Unexpected::Unsigned(n), &"a column number"))
    }
}

/// The header row as saved: its 1-based line, 0 for "no header".
mod header_row {
    use super::{Deserialize, Deserializer, HeaderChoice, Serializer};

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(h: &Option<HeaderChoice>, s: S) -> Result<S::Ok, S::Error> {
        match h {
            Some(HeaderChoice::Line(n)) => s.serialize_u64(*n),
            Some(HeaderChoice::None) => s.serialize_u64(0),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<HeaderChoice>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(|n| {
            if n == 0 {
                HeaderChoice::None
            } else {
                HeaderChoice::Line(n)
            }
        }))
    }
}

/// The CSV invite flow's choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CsvFlow {
    /// The file, as the user gave it.
    pub file: String,
    /// Its size when read, to tell if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Its modification time when read, in seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<i64>,
    /// Where the flow stands.
    pub stage: CsvStage,
    /// Encoding chosen by the user, if overridden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<EncodingChoice>,
    /// Delimiter chosen by the user, if overridden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<DelimiterChoice>,
    /// Header row chosen by the user, if overridden.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "header_row")]
    pub header_row: Option<HeaderChoice>,
    /// Columns chosen by hand.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mapping: BTreeMap<Field, ColumnChoice>,
    /// Output path chosen by the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out: Option<String>,
    /// Report path chosen by the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    /// The file of the rows left out for lack of seats, once written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_out: Option<String>,
    /// How many rows it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_out_rows: Option<u64>,
}

/// What in a saved flow this build cannot read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SavedFlowError {
    /// `key` holds `value`, which this build does not know.
    Unknown {
        /// The key (`stage`, `encoding`, `mapping`...).
        key: String,
        /// The value as written.
        value: String,
    },
    /// A required key is missing.
    Missing {
        /// The key.
        key: &'static str,
    },
}

impl SavedFlowError {
    /// The message: a catalog key and its arguments.
    #[must_use]
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            SavedFlowError::Unknown { key, value } => (
                "csv.tui.err-saved-value",
                vec![("key", key.clone()), ("value", value.clone())],
            ),
            SavedFlowError::Missing { key } => (
                "csv.tui.err-saved-missing",
                vec![("key", (*key).to_string())],
            ),
        }
    }
}

/// The `[csv-flow]` table as found in the file.
#[derive(Clone, Debug)]
pub enum SavedCsvFlow {
    /// Every value known.
    Read(CsvFlow),
    /// A value this build does not know: kept (saved back with every key and value) until a
    /// flow is started again.
    Unreadable {
        /// What is unknown.
        error: SavedFlowError,
        /// The table as written.
        table: toml::Table,
    },
}

impl PartialEq for SavedCsvFlow {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SavedCsvFlow::Read(a), SavedCsvFlow::Read(b)) => a == b,
            (
                SavedCsvFlow::Unreadable { error: e, table: t },
                SavedCsvFlow::Unreadable { error: f, table: u },
            ) => e == f && t == u,
            _ => false,
        }
    }
}
// Tables read from a file hold no NaN worth comparing; equality is total in practice.
impl Eq for SavedCsvFlow {}

impl SavedCsvFlow {
    /// The flow, when every value was known.
    #[must_use]
    pub fn read(&self) -> Option<&CsvFlow> {
        match self {
            SavedCsvFlow::Read(f) => Some(f),
            SavedCsvFlow::Unreadable { .. } => None,
        }
    }

    /// Reads a `[csv-flow]` table: typed, or the first key whose value is unknown.
    #[must_use]
    pub fn from_table(table: toml::Table) -> SavedCsvFlow {
        match toml::Value::Table(table.clone()).try_into::<CsvFlow>() {
            Ok(flow) => SavedCsvFlow::Read(flow),
            Err(e) => SavedCsvFlow::Unreadable {
                error: diagnose(&table).unwrap_or_else(|| SavedFlowError::Unknown {
                    key: "csv-flow".to_string(),
                    value: e.message().to_string(),
                }),
                table,
            },
        }
    }
}

impl Serialize for SavedCsvFlow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SavedCsvFlow::Read(f) => f.serialize(s),
            SavedCsvFlow::Unreadable { table, .. } => table.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for SavedCsvFlow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Table::deserialize(d).map(SavedCsvFlow::from_table)
    }
}

/// A value as the user wrote it: strings without quotes.
fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn check<T: DeserializeOwned>(key: &str, v: &toml::Value) -> Result<(), SavedFlowError> {
    v.clone()
        .try_into::<T>()
        .map(|_| ())
        .map_err(|_| SavedFlowError::Unknown {
            key: key.to_string(),
            value: shown(v),
        })
}

/// The first key of `table` this build cannot read, in the order of the struct.
fn diagnose(table: &toml::Table) -> Option<SavedFlowError> {
    let required = |key: &'static str| table.get(key).ok_or(SavedFlowError::Missing { key });
    let run = || -> Result<(), SavedFlowError> {
        check::<String>("file", required("file")?)?;
        for (key, v) in table {
            match key.as_str() {
                "size" => check::<u64>(key, v)?,
                "modified" => check::<i64>(key, v)?,
                "encoding" => check::<EncodingChoice>(key, v)?,
                "delimiter" => check::<DelimiterChoice>(key, v)?,
                "header-row" => check::<u64>(key, v)?,
                "out" | "report" | "left-out" => check::<String>(key, v)?,
                "left-out-rows" => check::<u64>(key, v)?,
                "mapping" => {
                    let Some(fields) = v.as_table() else {
                        return Err(SavedFlowError::Unknown {
                            key: key.clone(),
                            value: shown(v),
                        });
                    };
                    for (field, col) in fields {
                        check::<Field>("mapping", &toml::Value::String(field.clone()))?;
                        check::<ColumnChoice>(&format!("mapping.{field}"), col)?;
                    }
                }
                _ => {}
            }
        }
        check::<CsvStage>("stage", required("stage")?)
    };
    run().err()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// A `[csv-flow]` table as an older build wrote it, every key set.
    const OLD: &str = "file = \"users.csv\"\n\
        size = 120\n\
        modified = 1700000000\n\
        stage = \"grid\"\n\
        encoding = \"EUC-KR\"\n\
        delimiter = \"\\t\"\n\
        header-row = 0\n\
        out = \"users.invite.csv\"\n\
        report = \"users.report.csv\"\n\
        \n\
        [mapping]\n\
        first_name = 1\n\
        team = 0\n";

    fn read(text: &str) -> SavedCsvFlow {
        toml::from_str::<SavedCsvFlow>(text).unwrap()
    }

    #[test]
    fn an_older_file_loads_typed_and_is_written_back_byte_for_byte() {
        let saved = read(OLD);
        let flow = saved.read().unwrap();
        assert_eq!(flow.stage, CsvStage::Grid);
        assert_eq!(flow.encoding, Some(EncodingChoice(encoding_rs::EUC_KR)));
        assert_eq!(flow.delimiter, Some(DelimiterChoice(b'\t')));
        assert_eq!(flow.header_row, Some(HeaderChoice::None));
        assert_eq!(
            flow.mapping.iter().collect::<Vec<_>>(),
            [
                (&Field::FirstName, &ColumnChoice::Column(0)),
                (&Field::Team, &ColumnChoice::None)
            ]
        );
        assert_eq!(toml::to_string(&saved).unwrap(), OLD);
    }

    #[test]
    fn every_stage_and_every_field_keeps_its_word() {
        for (stage, word) in [
            (CsvStage::Intake, "intake"),
            (CsvStage::Mapping, "mapping"),
            (CsvStage::Grid, "grid"),
            (CsvStage::Plan, "plan"),
            (CsvStage::Done, "done"),
            (CsvStage::Written, "written"),
        ] {
            let text = format!("file = \"f.csv\"\nstage = \"{word}\"\n");
            let saved = read(&text);
            assert_eq!(saved.read().map(|f| f.stage), Some(stage));
            assert_eq!(<&str>::from(stage), word);
            assert_eq!(toml::to_string(&saved).unwrap(), text);
        }
        let mut flow = read("file = \"f.csv\"\nstage = \"plan\"\n")
            .read()
            .cloned()
            .unwrap();
        for (n, f) in Field::ALL.into_iter().enumerate() {
            flow.mapping.insert(f, ColumnChoice::Column(n + 1));
        }
        flow.header_row = Some(HeaderChoice::Line(3));
        flow.delimiter = Some(DelimiterChoice(b';'));
        let text = toml::to_string(&flow).unwrap();
        assert!(
            text.contains("delimiter = \";\"\nheader-row = 3\n"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "[mapping]\nemail = 2\nfirst_name = 3\nlast_name = 4\nteam = 5\nworkspace = 6\n"
            ),
            "{text}"
        );
        assert_eq!(read(&text).read(), Some(&flow));
    }

    #[test]
    fn an_unknown_value_is_named_and_the_table_kept_as_written() {
        for (text, key, value) in [
            (
                "file = \"f.csv\"\nstage = \"awaiting-confirm\"\n",
                "stage",
                "awaiting-confirm",
            ),
            (
                "file = \"f.csv\"\nstage = \"grid\"\nencoding = \"klingon\"\n",
                "encoding",
                "klingon",
            ),
            (
                "file = \"f.csv\"\nstage = \"grid\"\ndelimiter = \"ab\"\n",
                "delimiter",
                "ab",
            ),
            (
                "file = \"f.csv\"\nstage = \"grid\"\n\n[mapping]\nphone = 2\n",
                "mapping",
                "phone",
            ),
            (
                "file = \"f.csv\"\nstage = \"grid\"\n\n[mapping]\nteam = -1\n",
                "mapping.team",
                "-1",
            ),
            ("file = 3\nstage = \"grid\"\n", "file", "3"),
        ] {
            let saved = read(text);
            let SavedCsvFlow::Unreadable { error, .. } = &saved else {
                panic!("{text} was read as {saved:?}");
            };
            assert_eq!(
                error,
                &SavedFlowError::Unknown {
                    key: key.into(),
                    value: value.into()
                },
                "{text}"
            );
            let (msg, args) = error.message();
            assert_eq!(msg, "csv.tui.err-saved-value");
            assert_eq!(
                args,
                [("key", key.to_string()), ("value", value.to_string())]
            );
            let written = toml::to_string(&saved).unwrap();
            assert_eq!(
                toml::from_str::<toml::Table>(&written).unwrap(),
                toml::from_str::<toml::Table>(text).unwrap(),
                "saved back with every key and value: {written}"
            );
        }
        let saved = read("file = \"f.csv\"\n");
        assert_eq!(
            saved,
            SavedCsvFlow::Unreadable {
                error: SavedFlowError::Missing { key: "stage" },
                table: toml::from_str("file = \"f.csv\"").unwrap(),
            }
        );
        // Keys this build does not use are tolerated.
        let saved = read("file = \"f.csv\"\nstage = \"grid\"\nnewer = true\n");
        assert!(saved.read().is_some());
    }
}
