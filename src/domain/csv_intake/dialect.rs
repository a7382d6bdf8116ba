//! Steps 2 and 3 on the decoded sample: line endings, Excel's `sep=` line, the delimiter, and
//! which row is the header.

use super::email::looks_like_address;
use super::mapping::{Field, known_field};
use super::records::RecordReader;

/// How lines end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineEnding {
    /// `\n` (or no line break at all).
    Lf,
    /// `\r\n`.
    CrLf,
    /// A lone `\r` (old Mac Excel).
    Cr,
}

impl LineEnding {
    /// `LF`, `CRLF` or `CR`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "LF",
            LineEnding::CrLf => "CRLF",
            LineEnding::Cr => "CR",
        }
    }
}

/// What decided the delimiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DelimiterSource {
    /// The most consistent of `,` `;` TAB `|` over the sample.
    Sniffed,
    /// Excel's `sep=X` first line.
    SepLine,
    /// The caller's choice.
    Override,
    /// Nothing to go on (one column): a comma.
    Default,
}

impl DelimiterSource {
    /// `sniffed`, `sep_line`, `override` or `default`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DelimiterSource::Sniffed => "sniffed",
            DelimiterSource::SepLine => "sep_line",
            DelimiterSource::Override => "override",
            DelimiterSource::Default => "default",
        }
    }
}

/// The CSV dialect. Quotes are always `"`, doubled inside quoted cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dialect {
    /// The field delimiter.
    pub delimiter: u8,
    /// What decided it.
    pub delimiter_source: DelimiterSource,
    /// How lines end.
    pub line_ending: LineEnding,
    /// Whether line 1 is Excel's `sep=X` line (skipped).
    pub sep_line: bool,
}

/// Delimiters tried when sniffing, in order of preference on a tie.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Parses a delimiter as typed: one ASCII character (not `"`, CR or LF), or `tab`, `\t`,
/// `comma`, `semicolon`, `pipe`.
#[must_use]
pub fn parse_delimiter(s: &str) -> Option<u8> {
    let lower = s.to_ascii_lowercase();
    let b = match lower.as_str() {
        "tab" | "\\t" | "\t" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        "pipe" => b'|',
        _ => {
            let mut chars = s.chars();
            let c = chars.next()?;
            if chars.next().is_some() || !c.is_ascii() {
                return None;
            }
            c as u8
        }
    };
    usable_delimiter(b).then_some(b)
}

pub(crate) fn usable_delimiter(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'"' | b'\r' | b'\n') && !b.is_ascii_alphanumeric()
}

pub(crate) fn line_ending(text: &str) -> LineEnding {
    match memchr::memchr(b'\n', text.as_bytes()) {
        Some(p) if p > 0 && text.as_bytes()[p - 1] == b'\r' => LineEnding::CrLf,
        Some(_) => LineEnding::Lf,
        None if text.contains('\r') => LineEnding::Cr,
        None => LineEnding::Lf,
    }
}

/// `Some(d)` when the first line is `sep=X` (any case); `d` is `None` when `X` is unusable.
pub(crate) fn sep_line(text: &str) -> Option<Option<u8>> {
    let first = text.split(['\r', '\n']).next().unwrap_or("");
    let rest = first.get(..4).filter(|p| p.eq_ignore_ascii_case("sep="))?;
    let value = &first[rest.len()..];
    let mut chars = value.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    Some((c.is_ascii() && usable_delimiter(c as u8)).then_some(c as u8))
}

/// A record of the sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SampleRecord {
    pub line: u64,
    pub cells: Vec<String>,
}

impl SampleRecord {
    pub(crate) fn filled(&self) -> usize {
        self.cells.iter().filter(|c| !c.trim().is_empty()).count()
    }
}

/// Parses up to `max` records of `text` (line 1 skipped when it is a `sep=` line).
pub(crate) fn records(
    text: &str,
    delimiter: u8,
    cr_lines: bool,
    skip_sep: bool,
    max: usize,
) -> Vec<SampleRecord> {
    let mut rr = RecordReader::new(text.as_bytes(), delimiter, cr_lines);
    let mut out = Vec::new();
    while out.len() < max {
        match rr.read() {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        if skip_sep && rr.line() == 1 {
            continue;
        }
        let cells = rr
            .cells()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        out.push(SampleRecord {
            line: rr.line(),
            cells,
        });
    }
    out
}

/// The delimiter whose records are the most consistent: the most frequent cell count (at least
/// 2) times how many records have it, over up to 200 records.
pub(crate) fn sniff_delimiter(text: &str, cr_lines: bool, skip_sep: bool) -> (u8, DelimiterSource) {
    let mut best: Option<(usize, u8)> = None;
    for d in CANDIDATES {
        let recs = records(text, d, cr_lines, skip_sep, 200);
        let mut counts: Vec<usize> = recs
            .iter()
            .filter(|r| r.filled() > 0)
            .map(|r| r.cells.len())
            .collect();
        counts.sort_unstable();
        let mut mode = (0usize, 0usize); // (frequency, width)
        let mut i = 0;
        while i < counts.len() {
            let w = counts[i];
            let j = counts[i..].iter().take_while(|&&x| x == w).count();
            if j > mode.0 || (j == mode.0 && w > mode.1) {
                mode = (j, w);
            }
            i += j;
        }
        if mode.1 < 2 {
            continue;
        }
        let score = mode.0 * mode.1;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, d));
        }
    }
    match best {
        Some((_, d)) => (d, DelimiterSource::Sniffed),
        None => (b',', DelimiterSource::Default),
    }
}

/// Where the header is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderGuess {
    /// Index into the sample records.
    Row(usize),
    /// The file starts with data (addresses in the first row).
    None,
}

/// The header is the first row that looks like one: it names the e-mail field or two known
/// fields, or failing that it is the first row about as wide as the data without an address in
/// it. Title rows, notes and blank lines above it are skipped. A file whose first row holds an
/// address has no header.
pub(crate) fn detect_header(recs: &[SampleRecord]) -> HeaderGuess {
    let candidates: Vec<usize> = (0..recs.len())
        .filter(|&i| recs[i].filled() > 0)
        .take(20)
        .collect();
    let Some(&first) = candidates.first() else {
        return HeaderGuess::Row(0);
    };
    let has_address = |i: usize| recs[i].cells.iter().any(|c| looks_like_address(c));
    for &i in &candidates {
        if has_address(i) {
            continue;
        }
        let mut known: Vec<Field> = recs[i]
            .cells
            .iter()
            .filter_map(|c| known_field(c))
            .collect();
        known.sort();
        known.dedup();
        if known.contains(&Field::Email) || known.len() >= 2 {
            return HeaderGuess::Row(i);
        }
    }
    if has_address(first) {
        return HeaderGuess::None;
    }
    let mut widths: Vec<usize> = recs
        .iter()
        .map(SampleRecord::filled)
        .filter(|&w| w > 0)
        .collect();
    widths.sort_unstable();
    let typical = widths.get(widths.len() / 2).copied().unwrap_or(1);
    let need = 2.max((typical * 3).div_ceil(5));
    for &i in &candidates {
        if !has_address(i) && recs[i].filled() >= need {
            return HeaderGuess::Row(i);
        }
    }
    HeaderGuess::Row(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sep_lines() {
        assert_eq!(sep_line("sep=;\r\na;b"), Some(Some(b';')));
        assert_eq!(sep_line("SEP=|\n"), Some(Some(b'|')));
        assert_eq!(sep_line("sep=\t\n"), Some(Some(b'\t')));
        assert_eq!(sep_line("sep=ab\n"), None);
        assert_eq!(sep_line("sep=\"\n"), Some(None));
        assert_eq!(sep_line("email,sep=\n"), None);
    }

    #[test]
    fn delimiters() {
        assert_eq!(parse_delimiter("tab"), Some(b'\t'));
        assert_eq!(parse_delimiter(";"), Some(b';'));
        assert_eq!(parse_delimiter("\""), None);
        assert_eq!(parse_delimiter("ab"), None);
        assert_eq!(parse_delimiter("a"), None);
        let semi = "name;email;team\n\"Kim, Min\";k@x.io;A\n\"Lee, Jo\";l@x.io;B\n";
        assert_eq!(sniff_delimiter(semi, false, false).0, b';');
        let tabs = "a\tb\tc\nx, y\t1\t2\n";
        assert_eq!(sniff_delimiter(tabs, false, false).0, b'\t');
        assert_eq!(
            sniff_delimiter("email\nk@x.io\n", false, false),
            (b',', DelimiterSource::Default)
        );
    }

    #[test]
    fn header_after_title_rows() {
        let text = "User export 2024-05-01\n\n,,\nName,Email,Team\nKim,k@x.io,A\n";
        let recs = records(text, b',', false, false, 100);
        let HeaderGuess::Row(i) = detect_header(&recs) else {
            panic!("no header")
        };
        assert_eq!(recs[i].line, 4);
        let text = "k@x.io,Kim\nl@x.io,Lee\n";
        assert_eq!(
            detect_header(&records(text, b',', false, false, 100)),
            HeaderGuess::None
        );
        let text = "Report\nCol A,Col B,Col C\n1,2,3\n4,5,6\n";
        let recs = records(text, b',', false, false, 100);
        assert_eq!(detect_header(&recs), HeaderGuess::Row(1));
    }
}
